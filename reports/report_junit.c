/*
 * reports/report_junit.c - junit.xml in the profile Jenkins, GitLab and the
 * GitHub Actions reporters all read (research: harness-anchors section 4):
 * root <testsuites>; one <testsuite> per scenario with the run's facts as
 * <properties>; one <testcase> per case and one per check of the case (all
 * its iterations in one); <failure> for FAIL and an unexpected pass,
 * <error> for CRASH, TIMEOUT and ERROR, <skipped> for SKIP; WARN and XFAIL
 * pass with a note in <system-out>.
 *
 * Invariant: the counts in each element's attributes equal its children,
 * every name is unique within its classname (GitLab keeps only the first),
 * and every stored string is escaped (esc_xml), so the file is well-formed
 * XML 1.0 whatever a provider put in its values.
 */
#include <stdlib.h>
#include <string.h>

#include "report_private.h"

/* What a testcase shows. */
enum outcome { OUT_PASS, OUT_FAILURE, OUT_ERROR, OUT_SKIPPED };

static enum outcome outcome_of(int display)
{
    switch (display) {
    case VERDICT_FAIL: return OUT_FAILURE;
    case VERDICT_ERROR:
    case VERDICT_TIMEOUT:
    case VERDICT_CRASH: return OUT_ERROR;
    case VERDICT_SKIP: return OUT_SKIPPED;
    default: return OUT_PASS;
    }
}

struct suite {
    size_t first, n;         /* cases [first, first + n) of one scenario */
    unsigned tests, failures, errors, skipped;
    int64_t ms, start_ms;
};

static void classname(FILE *f, const struct oracle_case_info *c)
{
    fputs("hiperfcheck.", f);
    esc_xml(f, c->scenario, true);
    if (*c->class_name) {
        fputc('.', f);
        esc_xml(f, c->class_name, true);
    }
}

static void put_property(FILE *f, const char *name, const char *value)
{
    fprintf(f, "      <property name=\"%s\" value=\"", name);
    esc_xml(f, value, true);
    fputs("\"/>\n", f);
}

static void put_properties(FILE *f, const struct report_model *m)
{
    const struct oracle_run_info *r = &m->run;
    char buf[64];
    fputs("    <properties>\n", f);
    snprintf(buf, sizeof buf, "%lld", (long long)r->id);
    put_property(f, "run", buf);
    put_property(f, "provider.name", r->provider_name);
    put_property(f, "provider.clsid", r->provider_clsid);
    put_property(f, "provider.path", r->provider_path);
    put_property(f, "provider.sha256", r->provider_sha256);
    put_property(f, "mof", r->mof_path);
    put_property(f, "harness.version", r->harness_version);
    snprintf(buf, sizeof buf, "%d", r->oracle_version);
    put_property(f, "oracle.version", buf);
    put_property(f, "options", r->options);
    put_property(f, "baseline", r->baseline);
    put_property(f, "complete", r->complete ? "true" : "false");
    put_property(f, "run.verdict", oracle_verdict_name(m->sum.verdict));
    fputs("    </properties>\n", f);
}

/* The element that carries a non-passing outcome, with its text. */
static void put_outcome(FILE *f, enum outcome out, int display, int todo, const char *message, const char *body)
{
    const char *type = todo == 2 ? "XPASS" : oracle_verdict_name(display);
    switch (out) {
    case OUT_FAILURE:
    case OUT_ERROR:
        fprintf(f, "      <%s message=\"", out == OUT_FAILURE ? "failure" : "error");
        esc_xml(f, message, true);
        fprintf(f, "\" type=\"%s\">", type);
        esc_xml(f, body, false);
        fprintf(f, "</%s>\n", out == OUT_FAILURE ? "failure" : "error");
        break;
    case OUT_SKIPPED:
        fputs("      <skipped message=\"", f);
        esc_xml(f, message, true);
        fputs("\"/>\n", f);
        break;
    case OUT_PASS:
        break;
    }
}

static void put_case(FILE *f, const struct oracle_case_info *c)
{
    enum outcome out = outcome_of(c->display);
    fputs("    <testcase classname=\"", f);
    classname(f, c);
    fputs("\" name=\"case\" time=\"", f);
    put_seconds(f, c->ended_ms - c->started_ms);
    fputs("\" file=\"", f);
    esc_xml(f, c->scenario_file, true);
    fputs("\" line=\"1\">\n", f);
    struct hp_buf body = {0};
    hp_buf_printf(&body, "%s: %s\nstep %u: %s\nrequirements: %s\n", oracle_verdict_name(c->display), c->message,
                  c->step_no, c->step, c->requirements);
    if (*c->journal)
        hp_buf_printf(&body, "\njournal:\n%s\n", c->journal);
    put_outcome(f, out, c->display, c->todo, c->message, body.s ? body.s : "");
    hp_buf_free(&body);
    fputs("      <system-out>", f);
    if (out == OUT_PASS && c->display != VERDICT_PASS) {
        fprintf(f, "%s: ", oracle_verdict_name(c->display));
        esc_xml(f, c->message, false);
        fputs("\n\n", f);
    }
    if (*c->trace) {
        fputs("step trace:\n", f);
        esc_xml(f, c->trace, false);
        fputs("\n", f);
    }
    if (*c->journal) {
        fputs("journal:\n", f);
        esc_xml(f, c->journal, false);
        fputs("\n", f);
    }
    fputs("</system-out>\n    </testcase>\n", f);
}

static void put_check(FILE *f, const struct oracle_case_info *c, const struct oracle_check_result *r,
                      const struct report_check_group *g)
{
    const struct oracle_check_result *x = &r[g->shown];
    enum outcome out = outcome_of(g->display);
    fputs("    <testcase classname=\"", f);
    classname(f, c);
    fputs("\" name=\"check ", f);
    esc_xml(f, x->check_id, true);
    if (x->line)
        fprintf(f, " (line %u)", x->line);
    if (!report_desc_redundant(x->check_id, x->description)) {
        fputs(": ", f);
        esc_xml(f, x->description, true);
    }
    fputs("\" time=\"0.000\" file=\"", f);
    esc_xml(f, c->scenario_file, true);
    fprintf(f, "\" line=\"%u\">\n", x->line ? x->line : 1);
    struct hp_buf body = {0};
    hp_buf_printf(&body, "%s", x->message);
    if (g->n > 1)
        hp_buf_printf(&body, "\niterations: %zu, not passing: %u (first shown: iteration %u)", g->n, g->failing,
                      x->iteration);
    hp_buf_printf(&body, "\nexpected: %s", x->baseline ? x->baseline : x->expected);
    hp_buf_printf(&body, "\nobserved: %s\nstep %u\nrequirements: %s", x->observed, x->step_no, x->requirements);
    if (*x->excerpt)
        hp_buf_printf(&body, "\n\njournal excerpt:\n%s", x->excerpt);
    put_outcome(f, out, g->display, x->todo, x->message, body.s ? body.s : "");
    if (out == OUT_PASS && g->display != VERDICT_PASS) {
        fprintf(f, "      <system-out>%s: ", oracle_verdict_name(g->display));
        esc_xml(f, body.s ? body.s : "", false);
        fputs("</system-out>\n", f);
    }
    hp_buf_free(&body);
    fputs("    </testcase>\n", f);
}

static void count(struct suite *s, int display)
{
    s->tests++;
    switch (outcome_of(display)) {
    case OUT_FAILURE: s->failures++; break;
    case OUT_ERROR: s->errors++; break;
    case OUT_SKIPPED: s->skipped++; break;
    case OUT_PASS: break;
    }
}

/* The observations of a case grouped by check; owned by the caller. */
struct per_case {
    struct oracle_check_result *r;
    size_t nr;
    struct report_check_group *g;
    size_t ng;
};

static int load_case(struct per_case *pc, struct oracle *o, int64_t case_id)
{
    memset(pc, 0, sizeof *pc);
    int rc = oracle_list_check_results(&pc->r, &pc->nr, o, case_id);
    if (!rc)
        rc = report_group_checks(&pc->g, &pc->ng, pc->r, pc->nr);
    return rc;
}

static void free_case(struct per_case *pc)
{
    oracle_check_results_free(pc->r, pc->nr);
    free(pc->g);
    memset(pc, 0, sizeof *pc);
}

int report_write_junit(FILE *f, struct oracle *o, int64_t run_id)
{
    struct report_model m;
    int rc = report_model_load(&m, o, run_id);
    if (rc)
        return rc;
    struct suite *suites = calloc(m.ncases ? m.ncases : 1, sizeof *suites);
    size_t nsuites = 0;
    struct per_case pc = {0};
    if (!suites) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }
    /* First pass: the counts the attributes need, one case in memory at a
     * time so that a run of a million observations stays small. */
    struct suite total = {0};
    for (size_t i = 0; i < m.ncases; i++) {
        const struct oracle_case_info *c = &m.cases[i];
        if (nsuites == 0 || strcmp(m.cases[suites[nsuites - 1].first].scenario, c->scenario) != 0)
            suites[nsuites++] = (struct suite){.first = i, .start_ms = c->started_ms};
        struct suite *s = &suites[nsuites - 1];
        s->n++;
        s->ms += c->ended_ms > c->started_ms ? c->ended_ms - c->started_ms : 0;
        if (c->started_ms < s->start_ms)
            s->start_ms = c->started_ms;
        count(s, c->display);
        if ((rc = load_case(&pc, o, c->id)) != 0)
            goto out;
        for (size_t k = 0; k < pc.ng; k++)
            count(s, pc.g[k].display);
        free_case(&pc);
    }
    for (size_t i = 0; i < nsuites; i++) {
        total.tests += suites[i].tests;
        total.failures += suites[i].failures;
        total.errors += suites[i].errors;
        total.skipped += suites[i].skipped;
        total.ms += suites[i].ms;
    }

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"hiperfcheck\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"",
            total.tests, total.failures, total.errors, total.skipped);
    put_seconds(f, total.ms);
    fputs("\" timestamp=\"", f);
    put_junit_time(f, m.run.started_ms);
    fputs("\">\n", f);
    for (size_t i = 0; i < nsuites; i++) {
        const struct suite *s = &suites[i];
        fputs("  <testsuite name=\"", f);
        esc_xml(f, m.cases[s->first].scenario, true);
        fprintf(f, "\" id=\"%zu\" package=\"hiperfcheck\" tests=\"%u\" failures=\"%u\" errors=\"%u\""
                   " skipped=\"%u\" time=\"", i, s->tests, s->failures, s->errors, s->skipped);
        put_seconds(f, s->ms);
        fputs("\" timestamp=\"", f);
        put_junit_time(f, s->start_ms);
        fputs("\" hostname=\"", f);
        esc_xml(f, *m.run.hostname ? m.run.hostname : "localhost", true);
        fputs("\">\n", f);
        put_properties(f, &m);
        for (size_t k = s->first; k < s->first + s->n; k++) {
            put_case(f, &m.cases[k]);
            if ((rc = load_case(&pc, o, m.cases[k].id)) != 0)
                goto out;
            for (size_t g = 0; g < pc.ng; g++)
                put_check(f, &m.cases[k], pc.r, &pc.g[g]);
            free_case(&pc);
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
out:
    free_case(&pc);
    free(suites);
    report_model_free(&m);
    return rc ? rc : report_finish(f, "junit.xml");
}
