/*
 * reports/report_html.c - report.html: one page for people, self-contained
 * (inline CSS and a few lines of inline JavaScript, nothing fetched): the
 * provider's identity, the summary, the requirement matrix, and every case
 * with its checks, step trace and journal.  The verdict filters need
 * JavaScript; without it every case is shown and the filters stay hidden.
 *
 * Invariant: the page refers to nothing outside itself (no src attribute,
 * every href an in-page #anchor, no url() in CSS) and every stored string
 * is escaped with esc_xml(), so a provider's value cannot inject markup.
 */
#include <stdlib.h>
#include <string.h>

#include "report_private.h"

/* How many not-passing iterations of one check are listed (the rest are
 * counted; report.json has them all). */
#define MAX_LISTED_ITERATIONS 20

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:1200px;"
    "padding:0 16px 48px;color:#1b1f24;background:#fff}\n"
    "h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d0d7de;padding:3px 6px;"
    "text-align:left;vertical-align:top}th{background:#f6f8fa}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
    "pre{background:#f6f8fa;border:1px solid #d0d7de;padding:6px;overflow:auto;white-space:pre-wrap;"
    "word-break:break-all;max-height:420px}\n"
    ".badge{display:inline-block;min-width:58px;text-align:center;border-radius:4px;padding:0 6px;"
    "font-weight:600;font-size:12px;color:#fff}\n"
    ".v-PASS{background:#1a7f37}.v-XFAIL{background:#57606a}.v-SKIP{background:#8c959f}"
    ".v-WARN{background:#9a6700}.v-FAIL{background:#cf222e}.v-ERROR{background:#8250df}"
    ".v-TIMEOUT{background:#bc4c00}.v-CRASH{background:#82071e}.v-NONE{background:#d0d7de;color:#1b1f24}\n"
    ".case{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:4px 10px}\n"
    ".case summary{cursor:pointer;padding:4px 0}.case .msg{color:#57606a}\n"
    "dl{display:grid;grid-template-columns:max-content auto;gap:2px 12px;margin:6px 0}dt{color:#57606a}dd{margin:0}\n"
    "#filters{margin:8px 0}#filters label{margin-right:12px;white-space:nowrap}\n"
    ".muted{color:#57606a}\n";

static const char js[] =
    "(function () {\n"
    "  var bar = document.getElementById('filters');\n"
    "  if (!bar) return;\n"
    "  bar.hidden = false;\n"
    "  function apply() {\n"
    "    var shown = {}, boxes = bar.querySelectorAll('input[data-verdict]');\n"
    "    for (var i = 0; i < boxes.length; i++) shown[boxes[i].getAttribute('data-verdict')] = boxes[i].checked;\n"
    "    var cases = document.querySelectorAll('div.case');\n"
    "    for (var j = 0; j < cases.length; j++) cases[j].hidden = !shown[cases[j].getAttribute('data-verdict')];\n"
    "  }\n"
    "  bar.addEventListener('change', apply);\n"
    "  apply();\n"
    "})();\n";

static const int count_order[ORACLE_NVERDICTS] = {
    VERDICT_PASS, ORACLE_XFAIL, VERDICT_WARN, VERDICT_SKIP, VERDICT_FAIL, VERDICT_ERROR, VERDICT_TIMEOUT, VERDICT_CRASH,
};

static void badge(FILE *f, int display)
{
    const char *name = display < 0 ? "NONE" : oracle_verdict_name(display);
    fprintf(f, "<span class=\"badge v-%s\">%s</span>", name, display < 0 ? "untested" : name);
}

static void row(FILE *f, const char *label, const char *value, bool code)
{
    fprintf(f, "<dt>%s</dt><dd>%s", label, code ? "<code>" : "");
    esc_xml(f, value, false);
    fprintf(f, "%s</dd>\n", code ? "</code>" : "");
}

static void time_row(FILE *f, const char *label, int64_t ms)
{
    char buf[32];
    row(f, label, oracle_format_time(buf, ms), false);
}

/* A space-separated requirement list as links into the matrix. */
static void req_links(FILE *f, const char *ids)
{
    bool any = false;
    for (const char *p = ids ? ids : ""; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e == p)
            break;
        char buf[256];
        size_t n = (size_t)(e - p) < sizeof buf - 1 ? (size_t)(e - p) : sizeof buf - 1;
        memcpy(buf, p, n);
        buf[n] = 0;
        fputs(any ? " <a href=\"#req-" : "<a href=\"#req-", f);
        esc_xml(f, buf, true);
        fputs("\"><code>", f);
        esc_xml(f, buf, false);
        fputs("</code></a>", f);
        any = true;
        p = e;
    }
    if (!any)
        fputs("<span class=\"muted\">none</span>", f);
}

static void put_identity(FILE *f, const struct report_model *m)
{
    const struct oracle_run_info *r = &m->run;
    char buf[64];
    fputs("<h2 id=\"provider\">Provider</h2>\n<dl>\n", f);
    row(f, "name", r->provider_name, true);
    row(f, "CLSID", r->provider_clsid, true);
    row(f, "file", r->provider_path, true);
    row(f, "SHA-256", r->provider_sha256, true);
    row(f, "MOF", *r->mof_path ? r->mof_path : "-", true);
    row(f, "reference provider", r->reference ? "yes" : "no", false);
    row(f, "baseline", r->baseline, false);
    snprintf(buf, sizeof buf, "%lld", (long long)r->id);
    row(f, "run", buf, false);
    row(f, "harness version", r->harness_version, false);
    snprintf(buf, sizeof buf, "%d", r->oracle_version);
    row(f, "oracle schema", buf, false);
    row(f, "host", *r->hostname ? r->hostname : "-", false);
    row(f, "options", *r->options ? r->options : "-", true);
    time_row(f, "started", r->started_ms);
    if (r->complete)
        time_row(f, "ended", r->ended_ms);
    else
        row(f, "ended", "incomplete: the run did not finish", false);
    fputs("</dl>\n", f);
}

static void put_summary(FILE *f, const struct report_model *m)
{
    fputs("<h2 id=\"summary\">Summary</h2>\n<p>", f);
    badge(f, m->sum.verdict);
    fprintf(f, " %u cases, %u checks judged; exit status %d%s.</p>\n", m->sum.cases, m->sum.checks,
            m->sum.exit_status, m->sum.complete ? "" : " (the run is incomplete)");
    fputs("<table><thead><tr><th>verdict</th><th>cases</th><th>checks</th></tr></thead><tbody>\n", f);
    for (int i = 0; i < ORACLE_NVERDICTS; i++) {
        int v = count_order[i];
        fputs("<tr><td>", f);
        badge(f, v);
        fprintf(f, "</td><td class=\"num\">%u</td><td class=\"num\">%u</td></tr>\n", m->sum.case_counts[v],
                m->sum.check_counts[v]);
    }
    fputs("</tbody></table>\n", f);
}

static void put_matrix(FILE *f, const struct report_model *m)
{
    fputs("<h2 id=\"requirements\">Requirements</h2>\n", f);
    fputs("<table><thead><tr><th>requirement</th><th>level</th><th>verdict</th><th>checks</th>"
          "<th>observations</th><th>cases</th><th>source</th><th>what it says</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < m->nmatrix; i++) {
        const struct oracle_matrix_row *r = &m->matrix[i];
        fputs("<tr id=\"req-", f);
        esc_xml(f, r->id, true);
        fputs("\"><td><code>", f);
        esc_xml(f, r->id, false);
        fprintf(f, "</code></td><td>%s</td><td>", oracle_level_name(r->level));
        badge(f, r->verdict);
        fprintf(f, "</td><td class=\"num\">%u</td><td class=\"num\">%u</td><td class=\"num\">%u</td><td>", r->checks,
                r->observations, r->cases);
        esc_xml(f, r->source, false);
        fputs("</td><td>", f);
        esc_xml(f, r->text, false);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void put_filters(FILE *f, const struct report_model *m)
{
    fputs("<div id=\"filters\" hidden>show: ", f);
    for (int i = 0; i < ORACLE_NVERDICTS; i++) {
        int v = count_order[i];
        fprintf(f, "<label><input type=\"checkbox\" data-verdict=\"%s\" checked> ", oracle_verdict_name(v));
        badge(f, v);
        fprintf(f, " %u</label>", m->sum.case_counts[v]);
    }
    fputs("</div>\n", f);
}

static const char *status_text(const struct oracle_case_info *c, char *buf, size_t size)
{
    switch (c->status) {
    case ORACLE_WORKER_EXITED: snprintf(buf, size, "exited with status %d", c->status_value); break;
    case ORACLE_WORKER_SIGNALED: snprintf(buf, size, "killed by signal %d", c->status_value); break;
    case ORACLE_WORKER_TIMEOUT: snprintf(buf, size, "killed at its time limit"); break;
    case ORACLE_WORKER_ERROR: snprintf(buf, size, "not run (harness error)"); break;
    }
    return buf;
}

static void put_checks(FILE *f, const struct oracle_check_result *r, size_t nr, const struct report_check_group *g,
                       size_t ng)
{
    if (ng == 0) {
        fputs("<p class=\"muted\">No observation was reported.</p>\n", f);
        return;
    }
    fputs("<table><thead><tr><th>line</th><th>check</th><th>verdict</th><th>expected</th><th>observed</th>"
          "<th>step</th><th>requirements</th><th>why</th></tr></thead><tbody>\n", f);
    for (size_t k = 0; k < ng; k++) {
        const struct oracle_check_result *x = &r[g[k].shown];
        fprintf(f, "<tr><td class=\"num\">%u:%u</td><td><code>", x->line, x->col);
        esc_xml(f, x->check_id, false);
        fputs("</code>", f);
        if (!report_desc_redundant(x->check_id, x->description)) {
            fputc(' ', f);
            esc_xml(f, x->description, false);
        }
        if (g[k].n > 1)
            fprintf(f, " <span class=\"muted\">(%zu iterations)</span>", g[k].n);
        fputs("</td><td>", f);
        badge(f, g[k].display);
        fputs("</td><td><code>", f);
        esc_xml(f, x->baseline ? x->baseline : x->expected, false);
        fputs("</code></td><td><code>", f);
        esc_xml(f, x->observed, false);
        fprintf(f, "</code></td><td class=\"num\">%u</td><td>", x->step_no);
        req_links(f, x->requirements);
        fputs("</td><td>", f);
        esc_xml(f, x->message, false);
        if (*x->excerpt) {
            fputs("<pre>", f);
            esc_xml(f, x->excerpt, false);
            fputs("</pre>", f);
        }
        if (g[k].failing > 1) {
            unsigned listed = 0;
            fputs("<ul>", f);
            for (size_t i = g[k].first; i < g[k].first + g[k].n; i++) {
                if (i == g[k].shown || report_rank(r[i].display) <= report_rank(ORACLE_XFAIL))
                    continue;
                if (listed == MAX_LISTED_ITERATIONS)
                    break;
                fprintf(f, "<li>iteration %u: ", r[i].iteration);
                badge(f, r[i].display);
                fputs(" <code>", f);
                esc_xml(f, r[i].observed, false);
                fputs("</code> ", f);
                esc_xml(f, r[i].message, false);
                fputs("</li>", f);
                listed++;
            }
            if (g[k].failing - 1 > listed)
                fprintf(f, "<li class=\"muted\">and %u more (report.json lists them all)</li>",
                        g[k].failing - 1 - listed);
            fputs("</ul>", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
    (void)nr;
}

static int put_case(FILE *f, struct oracle *o, const struct oracle_case_info *c)
{
    const char *v = oracle_verdict_name(c->display);
    fprintf(f, "<div class=\"case\" id=\"case-%lld\" data-verdict=\"%s\">\n<details%s><summary>", (long long)c->id, v,
            report_is_failing(c->display) || c->display == VERDICT_WARN ? " open" : "");
    badge(f, c->display);
    fputs(" <strong>", f);
    esc_xml(f, c->scenario, false);
    fputs("</strong>", f);
    if (*c->class_name) {
        fputs(" / <code>", f);
        esc_xml(f, c->class_name, false);
        fputs("</code>", f);
    }
    if (*c->message) {
        fputs(" <span class=\"msg\">", f);
        esc_xml(f, c->message, false);
        fputs("</span>", f);
    }
    fputs("</summary>\n<dl>\n", f);
    char buf[96];
    if (*c->scenario_title)
        row(f, "scenario", c->scenario_title, false);
    row(f, "file", c->scenario_file, true);
    time_row(f, "started", c->started_ms);
    snprintf(buf, sizeof buf, "%lld ms", (long long)(c->ended_ms > c->started_ms ? c->ended_ms - c->started_ms : 0));
    row(f, "duration", buf, false);
    row(f, "worker", status_text(c, buf, sizeof buf), false);
    snprintf(buf, sizeof buf, "%u", c->step_no);
    fputs("<dt>step</dt><dd>", f);
    esc_xml(f, buf, false);
    if (*c->step) {
        fputs(": <code>", f);
        esc_xml(f, c->step, false);
        fputs("</code>", f);
    }
    fputs("</dd>\n<dt>requirements</dt><dd>", f);
    req_links(f, c->requirements);
    fputs("</dd>\n</dl>\n", f);

    struct oracle_check_result *r;
    size_t nr;
    struct report_check_group *g;
    size_t ng;
    int rc = oracle_list_check_results(&r, &nr, o, c->id);
    if (rc)
        return rc;
    if ((rc = report_group_checks(&g, &ng, r, nr)) != 0) {
        oracle_check_results_free(r, nr);
        return rc;
    }
    put_checks(f, r, nr, g, ng);
    free(g);
    oracle_check_results_free(r, nr);
    fputs("<h4>Step trace</h4>\n", f);
    if (*c->trace) {
        fputs("<pre>", f);
        esc_xml(f, c->trace, false);
        fputs("</pre>\n", f);
    } else {
        fputs("<p class=\"muted\">none recorded</p>\n", f);
    }
    fputs("<h4>Journal</h4>\n", f);
    if (*c->journal) {
        fputs("<pre>", f);
        esc_xml(f, c->journal, false);
        fputs("</pre>\n", f);
    } else {
        fputs("<p class=\"muted\">none recorded</p>\n", f);
    }
    fputs("</details>\n</div>\n", f);
    return 0;
}

int report_write_html(FILE *f, struct oracle *o, int64_t run_id)
{
    struct report_model m;
    int rc = report_model_load(&m, o, run_id);
    if (rc)
        return rc;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>hiperfcheck: ", f);
    esc_xml(f, m.run.provider_name, false);
    fprintf(f, " - %s</title>\n<style>\n%s</style>\n</head>\n<body>\n", oracle_verdict_name(m.sum.verdict), css);
    fputs("<h1>hiperfcheck conformance report</h1>\n<p>", f);
    badge(f, m.sum.verdict);
    fputs(" <code>", f);
    esc_xml(f, m.run.provider_name, false);
    fputs("</code> <code>", f);
    esc_xml(f, m.run.provider_clsid, false);
    fputs("</code> &middot; <a href=\"#provider\">provider</a> &middot; <a href=\"#summary\">summary</a> &middot; "
          "<a href=\"#requirements\">requirements</a> &middot; <a href=\"#cases\">cases</a></p>\n", f);
    put_identity(f, &m);
    put_summary(f, &m);
    put_matrix(f, &m);
    fputs("<h2 id=\"cases\">Cases</h2>\n", f);
    put_filters(f, &m);
    for (size_t i = 0; i < m.ncases && !rc; i++)
        rc = put_case(f, o, &m.cases[i]);
    if (m.ncases == 0)
        fputs("<p class=\"muted\">The run has no case.</p>\n", f);
    fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", js);
    report_model_free(&m);
    return rc ? rc : report_finish(f, "report.html");
}
