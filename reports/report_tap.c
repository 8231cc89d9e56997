/*
 * reports/report_tap.c - results.tap in TAP version 14: the plan first,
 * one test point per case (`ok`, `not ok`), `# SKIP` for a skipped case,
 * `not ok ... # TODO` for a failure a todo expects (XFAIL: TAP's own
 * meaning of TODO), and YAML diagnostics under every case that did not
 * simply pass.
 *
 * Invariant: the plan equals the number of test points, numbered 1..N in
 * order; descriptions and directives have `#` and `\` escaped and fit on
 * their line; YAML values are double-quoted with JSON escapes (valid YAML
 * 1.2), indented two spaces between `---` and `...`.
 */
#include <string.h>

#include "report_private.h"

#define MAX_DIAG_CHECKS 20

static void yaml_key(FILE *f, int indent, const char *key, const char *value)
{
    fprintf(f, "%*s%s: ", indent, "", key);
    esc_json(f, value);
    fputc('\n', f);
}

static void yaml_ids(FILE *f, int indent, const char *key, const char *ids)
{
    fprintf(f, "%*s%s: ", indent, "", key);
    put_id_array(f, ids);
    fputc('\n', f);
}

static int put_diagnostics(FILE *f, struct oracle *o, const struct oracle_case_info *c)
{
    fputs("  ---\n", f);
    yaml_key(f, 2, "verdict", oracle_verdict_name(c->display));
    yaml_key(f, 2, "message", c->message);
    yaml_ids(f, 2, "requirements", c->requirements);
    fprintf(f, "  step: %u\n", c->step_no);
    yaml_key(f, 2, "step_text", c->step);
    yaml_key(f, 2, "file", c->scenario_file);
    fprintf(f, "  duration_ms: %lld\n", (long long)(c->ended_ms > c->started_ms ? c->ended_ms - c->started_ms : 0));
    struct oracle_check_result *r;
    size_t n;
    int rc = oracle_list_check_results(&r, &n, o, c->id);
    if (rc)
        return rc;
    unsigned listed = 0, more = 0;
    for (size_t i = 0; i < n; i++) {
        const struct oracle_check_result *x = &r[i];
        if (x->display == VERDICT_PASS || (x->display == VERDICT_SKIP && c->display != VERDICT_SKIP))
            continue;
        if (listed == MAX_DIAG_CHECKS) {
            more++;
            continue;
        }
        if (listed == 0)
            fputs("  checks:\n", f);
        yaml_key(f, 4, "- check", x->check_id);
        fprintf(f, "      line: %u\n      iteration: %u\n", x->line, x->iteration);
        yaml_key(f, 6, "verdict", oracle_verdict_name(x->display));
        yaml_key(f, 6, "message", x->message);
        yaml_key(f, 6, "expected", x->baseline ? x->baseline : x->expected);
        yaml_key(f, 6, "observed", x->observed);
        yaml_ids(f, 6, "requirements", x->requirements);
        if (*x->excerpt)
            yaml_key(f, 6, "excerpt", x->excerpt);
        listed++;
    }
    if (more)
        fprintf(f, "  more_checks: %u\n", more);
    oracle_check_results_free(r, n);
    if (*c->journal && report_is_failing(c->display))
        yaml_key(f, 2, "journal", c->journal);
    fputs("  ...\n", f);
    return 0;
}

int report_write_tap(FILE *f, struct oracle *o, int64_t run_id)
{
    struct report_model m;
    int rc = report_model_load(&m, o, run_id);
    if (rc)
        return rc;
    fputs("TAP version 14\n", f);
    if (m.ncases == 0)
        fputs("1..0 # SKIP the run has no case\n", f);
    else
        fprintf(f, "1..%zu\n", m.ncases);
    fputs("# hiperfcheck run ", f);
    fprintf(f, "%lld: ", (long long)m.run.id);
    esc_tap(f, m.run.provider_name, 200);
    fprintf(f, " %s\n", m.run.provider_clsid);
    for (size_t i = 0; i < m.ncases && !rc; i++) {
        const struct oracle_case_info *c = &m.cases[i];
        bool ok = !report_is_failing(c->display) && c->display != ORACLE_XFAIL;
        fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
        esc_tap(f, c->scenario, 200);
        if (*c->class_name) {
            fputc(' ', f);
            esc_tap(f, c->class_name, 200);
        }
        if (c->display == VERDICT_SKIP) {
            fputs(" # SKIP ", f);
            esc_tap(f, c->message, 300);
        } else if (c->display == ORACLE_XFAIL) {
            fputs(" # TODO ", f);
            esc_tap(f, c->message, 300);
        }
        fputc('\n', f);
        if (c->display != VERDICT_PASS && c->display != VERDICT_SKIP)
            rc = put_diagnostics(f, o, c);
    }
    report_model_free(&m);
    return rc ? rc : report_finish(f, "results.tap");
}
