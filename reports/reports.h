/*
 * reports/reports.h - the report writers: report.json, junit.xml,
 * report.html, summary.md and results.tap, each written from a run stored
 * in the oracle (through the oracle's read API, never from memory of the
 * run), so `hiperfcheck report` can write them again at any time.
 *
 * Determinism: the same stored run gives byte-identical files.  Nothing in
 * them depends on the current time, the locale, the order cases finished
 * in or the machine writing them; the only times are the run's own.
 *
 * Errors follow util.h: 0 or a negative HP_E* code with the message in the
 * per-thread slot.
 */
#ifndef HIPERF_REPORTS_H
#define HIPERF_REPORTS_H

#include <stdint.h>
#include <stdio.h>

struct oracle;

enum report_format {
    REPORT_JSON = 1u << 0,   /* report.json: everything, docs/report-schema.md */
    REPORT_JUNIT = 1u << 1,  /* junit.xml: Jenkins, GitLab, GitHub Actions reporters */
    REPORT_HTML = 1u << 2,   /* report.html: one self-contained page */
    REPORT_MD = 1u << 3,     /* summary.md: for $GITHUB_STEP_SUMMARY */
    REPORT_TAP = 1u << 4,    /* results.tap: TAP version 14 */
    REPORT_ALL = 0x1fu
};

/* Parses a comma-separated list of json, junit, html, md, tap (or "all")
 * into a mask; HP_EINVAL naming the unknown word.  list is borrowed. */
int report_parse_formats(unsigned *formats, const char *list);
/* The file a format is written to ("report.json"); static. */
const char *report_file_name(enum report_format format);

/* Writes one format of a stored run to out (borrowed; not closed). */
int report_write(FILE *out, struct oracle *o, int64_t run_id, enum report_format format);
/* Writes each format of the mask into dir (created if missing), each file
 * replaced atomically (written beside it, then renamed). */
int report_write_dir(const char *dir, struct oracle *o, int64_t run_id, unsigned formats);

/* The writers, one a format (report_write() dispatches to them). */
int report_write_json(FILE *out, struct oracle *o, int64_t run_id);
int report_write_junit(FILE *out, struct oracle *o, int64_t run_id);
int report_write_html(FILE *out, struct oracle *o, int64_t run_id);
int report_write_md(FILE *out, struct oracle *o, int64_t run_id);
int report_write_tap(FILE *out, struct oracle *o, int64_t run_id);

#endif /* HIPERF_REPORTS_H */
