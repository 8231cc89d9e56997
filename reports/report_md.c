/*
 * reports/report_md.c - summary.md: a short Markdown page for a CI job
 * summary ($GITHUB_STEP_SUMMARY, a merge request note): the verdict, the
 * counts, and the cases that did not pass, each with why.
 *
 * Invariant: short whatever the run's size (at most MAX_LISTED cases are
 * listed; report.html has the rest), and every stored string is escaped
 * with esc_md() on one line, so it cannot break the tables.
 */
#include <string.h>

#include "report_private.h"

#define MAX_LISTED 50
#define MAX_CELL 300

static const int count_order[ORACLE_NVERDICTS] = {
    VERDICT_PASS, ORACLE_XFAIL, VERDICT_WARN, VERDICT_SKIP, VERDICT_FAIL, VERDICT_ERROR, VERDICT_TIMEOUT, VERDICT_CRASH,
};

/* Listed: what failed the run first, then what only warns. */
static int listed_rank(int display)
{
    if (report_is_failing(display))
        return 2;
    return display == VERDICT_WARN ? 1 : 0;
}

int report_write_md(FILE *f, struct oracle *o, int64_t run_id)
{
    struct report_model m;
    int rc = report_model_load(&m, o, run_id);
    if (rc)
        return rc;
    const struct oracle_run_info *r = &m.run;
    char started[32], ended[32];
    fprintf(f, "## hiperfcheck: %s - ", oracle_verdict_name(m.sum.verdict));
    esc_md(f, r->provider_name, MAX_CELL);
    fputs(" `", f);
    fputs(r->provider_clsid, f);   /* normalized by the oracle: hex digits, dashes, braces */
    fputs("`\n\n", f);
    fprintf(f, "Run %lld of ", (long long)r->id);
    esc_md(f, r->provider_path, MAX_CELL);
    fprintf(f, " (SHA-256 %.12s), harness ", r->provider_sha256);
    esc_md(f, r->harness_version, 40);
    fprintf(f, ", oracle schema %d, started %s", r->oracle_version, oracle_format_time(started, r->started_ms));
    if (r->complete)
        fprintf(f, ", ended %s", oracle_format_time(ended, r->ended_ms));
    else
        fputs(", **incomplete**", f);
    fprintf(f, ". Exit status %d.\n\n", m.sum.exit_status);

    fputs("| verdict | cases | checks |\n|---|---:|---:|\n", f);
    for (int i = 0; i < ORACLE_NVERDICTS; i++) {
        int v = count_order[i];
        fprintf(f, "| %s | %u | %u |\n", oracle_verdict_name(v), m.sum.case_counts[v], m.sum.check_counts[v]);
    }
    fprintf(f, "| **total** | **%u** | **%u** |\n", m.sum.cases, m.sum.checks);

    size_t nlisted = 0, nnot = 0;
    for (size_t i = 0; i < m.ncases; i++)
        nnot += listed_rank(m.cases[i].display) > 0;
    if (nnot) {
        fputs("\n### Not passing\n\n| verdict | scenario | class | requirements | why |\n|---|---|---|---|---|\n", f);
        for (int rank = 2; rank >= 1; rank--)
            for (size_t i = 0; i < m.ncases && nlisted < MAX_LISTED; i++) {
                const struct oracle_case_info *c = &m.cases[i];
                if (listed_rank(c->display) != rank)
                    continue;
                fprintf(f, "| %s | ", oracle_verdict_name(c->display));
                esc_md(f, c->scenario, MAX_CELL);
                fputs(" | ", f);
                esc_md(f, *c->class_name ? c->class_name : "-", MAX_CELL);
                fputs(" | ", f);
                esc_md(f, c->requirements, MAX_CELL);
                fputs(" | ", f);
                esc_md(f, c->message, MAX_CELL);
                if (c->step_no && !strstr(c->message, "at step"))
                    fprintf(f, " (step %u)", c->step_no);
                fputs(" |\n", f);
                nlisted++;
            }
        if (nnot > nlisted)
            fprintf(f, "\n...and %zu more: see report.html.\n", nnot - nlisted);
    } else if (m.sum.cases) {
        fputs("\nEvery case passed.\n", f);
    }
    if (m.sum.case_counts[ORACLE_XFAIL])
        fprintf(f, "\n%u case(s) failed as expected (todo): they do not fail the run.\n",
                m.sum.case_counts[ORACLE_XFAIL]);
    report_model_free(&m);
    return report_finish(f, "summary.md");
}
