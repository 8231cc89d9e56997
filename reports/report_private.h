/*
 * reports/report_private.h - what the writers share: the run as read back
 * from the oracle (struct report_model), grouping a case's observations by
 * check, and the escaping of text for each output language.
 */
#ifndef HIPERF_REPORT_PRIVATE_H
#define HIPERF_REPORT_PRIVATE_H

#include <stdbool.h>
#include <stdio.h>

#include "oracle.h"
#include "reports.h"
#include "util.h"

/* A stored run, read back in one snapshot. */
struct report_model {
    struct oracle *o;
    struct oracle_run_info run;
    struct oracle_summary sum;
    struct oracle_case_info *cases;      /* sorted by scenario, class */
    size_t ncases;
    struct oracle_matrix_row *matrix;    /* sorted by requirement id */
    size_t nmatrix;
};

/* Reads the run; begins a read snapshot that report_model_free() ends. */
int report_model_load(struct report_model *m, struct oracle *o, int64_t run_id);
void report_model_free(struct report_model *m);

/* The observations of one check in a case: results[first .. first+n). */
struct report_check_group {
    size_t first, n;
    size_t shown;          /* the observation that represents the group */
    int display;           /* worst display verdict (oracle_display_rank) */
    unsigned failing;      /* observations that are not PASS, XFAIL or SKIP */
};
/* Groups sorted results (contiguous per check id); *out owned (free()). */
int report_group_checks(struct report_check_group **out, size_t *n, const struct oracle_check_result *r,
                        size_t nr);
/* Rank of a display verdict for "worst of": SKIP < PASS < XFAIL < WARN <
 * FAIL < ERROR < TIMEOUT < CRASH. */
int report_rank(int display);
/* A verdict that counts against the run (FAIL, ERROR, TIMEOUT, CRASH). */
bool report_is_failing(int display);
/* Whether a check's description adds nothing to its id: the id is the
 * check's text (harness/scn.h: its key), so it usually starts with it. */
bool report_desc_redundant(const char *check_id, const char *description);

/* ---- Escaping: every writer passes every stored string through one of
 * these; invalid UTF-8 becomes U+FFFD, and control characters that the
 * language cannot carry become the visible text \xNN. */
void esc_xml(FILE *f, const char *s, bool attribute);   /* XML and HTML */
void esc_json(FILE *f, const char *s);                  /* with the quotes; also YAML double-quoted */
void esc_md(FILE *f, const char *s, size_t max);        /* inline Markdown, one line, max bytes (0: all) */
void esc_tap(FILE *f, const char *s, size_t max);
/* A space-separated ID list ("A B") as a JSON array (["A", "B"]), which is
 * also a YAML flow sequence. */
void put_id_array(FILE *f, const char *ids);       /* a TAP description or directive: # and \ escaped */

/* "1.234" seconds from milliseconds. */
void put_seconds(FILE *f, int64_t ms);
/* "YYYY-MM-DDTHH:MM:SS" UTC, the JUnit timestamp. */
void put_junit_time(FILE *f, int64_t ms);

/* The file's error state as an HP_EIO, after all writing. */
int report_finish(FILE *f, const char *what);

#endif /* HIPERF_REPORT_PRIVATE_H */
