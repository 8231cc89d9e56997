/*
 * tests/oracle/test_oracle_reports.c - the report writers and `hiperfcheck
 * report`: every format written from a stored run with every verdict and
 * hostile strings in its data; report.json valid against its schema,
 * junit.xml well-formed with consistent counts, report.html with no
 * reference outside itself, results.tap valid TAP 14, summary.md short;
 * the same run always gives the same bytes; the command's exit statuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "fixture.h"
#include "json_check.h"
#include "oracle.h"
#include "reports.h"
#include "util.h"
#include "xml_check.h"

struct env {
    char *dir;
    char *db;
    int64_t run;
    unsigned ncases;
};

/* Hostile text: markup, the CDATA terminator, TAP and Markdown syntax, a
 * control character, invalid UTF-8, a URL that must stay text. */
#define NASTY "<b>&amp;]]> # \\ | `x` *y* \x01 \xff \xc3\xa9 \"q\" 'a' http://evil.invalid/x.js"

static int64_t fx_delta(struct oracle *o)
{
    static const char *const r1[] = {"T-MUST-1"};
    static const struct oracle_check_def checks[] = {
        {"odd#1", 2, 3, CHECK_COMPARE, "==", r1, 1, "expect " NASTY},
    };
    struct oracle_scenario_def d = {
        .name = "delta", .file = "scenarios/delta <&>.scn", .sha256 = "dddd", .title = "title " NASTY,
        .covers = r1, .ncovers = 1, .checks = checks, .nchecks = 1,
    };
    int64_t id;
    assert_int_equal(oracle_register_scenario(&id, o, &d), 0);
    return id;
}

#define OK ORACLE_WORKER_EXITED, 0

/* Records the rich run; returns the number of cases. */
static unsigned build_run(struct oracle *o, int64_t *run_out, bool finish)
{
    int64_t a = fx_alpha(o), b = fx_beta(o), d = fx_delta(o);
    struct oracle_todo_def t = {.scenario = "alpha", .class_pattern = "Win32_XFail", .check_id = "hr",
                                .reason = "known bug #7"};
    int64_t tid;
    assert_int_equal(oracle_add_todo(&tid, o, &t), 0);
    int64_t run = fx_run(o, NULL);
    unsigned n = 0;
    fx_case(o, run, a, "Win32_Pass", OK, "hr", "h:0x0", "0", "cmp", "u:3\x1fu:3", "0", "tru", "b:true", "0", NULL), n++;
    fx_case(o, run, a, "Win32_Fail", OK, "hr", "h:0x80041001", "0", "tru", "b:false", "0", "cmp",
            "s:" NASTY "\x1fs:other", "0", "val", "u:5", "0", NULL), n++;
    fx_case(o, run, a, "Win32_Warn", OK, "hr", "h:0x0", "0", "tru", "b:false", "0", NULL), n++;
    fx_case(o, run, a, "Win32_Crash", ORACLE_WORKER_SIGNALED, SIGSEGV, "hr", "h:0x0", "0", NULL), n++;
    fx_case(o, run, a, "Win32_Timeout", ORACLE_WORKER_TIMEOUT, 0, NULL), n++;
    fx_case(o, run, a, "Win32_Error", ORACLE_WORKER_ERROR, 0, NULL), n++;
    fx_case(o, run, a, "Win32_XFail", OK, "hr", "h:0x80004005", "0", NULL), n++;
    fx_case(o, run, b, "B", OK, "load", "h:0x0", "0", "need", "s:not capable " NASTY, "0", NULL), n++;
    fx_case(o, run, d, "Odd#Class\\<&>", OK, "odd#1", "s:" NASTY "\x1fs:" NASTY, "0", NULL), n++;
    /* Many iterations of one check, most failing: grouped, listing capped. */
    struct oracle_observation obs[60];
    char vals[60][16];
    for (int i = 0; i < 60; i++) {
        snprintf(vals[i], sizeof vals[i], "h:0x%08x", i % 5 ? 0x80004005u : 0u);
        obs[i] = (struct oracle_observation){.check_id = "hr", .iteration = (unsigned)i, .observed = vals[i],
                                             .step_no = 3, .excerpt = "journal " NASTY};
    }
    struct oracle_case_def c = {.scenario_id = a, .class_name = "Win32_Repeat", .started_ms = 1735689600000,
                                .ended_ms = 1735689600100, .trace = "trace " NASTY, .journal = "journal " NASTY,
                                .obs = obs, .nobs = 60};
    assert_int_equal(oracle_record_case(NULL, NULL, o, run, &c), 0), n++;
    if (finish)
        assert_int_equal(oracle_finish_run(o, run, 1735689660000), 0);
    *run_out = run;
    return n;
}

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof *e);
    e->dir = fx_tmpdir();
    e->db = fx_path(e->dir, "oracle.db");
    struct oracle *o = fx_open(e->db);
    e->ncases = build_run(o, &e->run, true);
    oracle_close(o);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    fx_rmdir(e->dir);
    free(e->db);
    free(e);
    return 0;
}

/* Writes every format of the run into dir/sub and returns that path. */
static char *write_reports(struct env *e, const char *sub, unsigned flags)
{
    char *dir = fx_path(e->dir, sub);
    struct oracle *o;
    assert_int_equal(oracle_open(&o, e->db, flags), 0);
    if (report_write_dir(dir, o, e->run, REPORT_ALL))
        fail_msg("%s", hp_error_message());
    oracle_close(o);
    return dir;
}

static char *read_report(const char *dir, const char *name, size_t *len)
{
    char *p = fx_path(dir, name);
    char *data = fx_slurp(p, len);
    free(p);
    assert_non_null(data);
    return data;
}

static const char *const files[] = {"report.json", "junit.xml", "report.html", "summary.md", "results.tap"};

/* ---- Determinism --------------------------------------------------------- */

static void reports_are_byte_identical_when_written_again(void **state)
{
    struct env *e = *state;
    char *a = write_reports(e, "a", 0);
    char *b = write_reports(e, "b", ORACLE_OPEN_READONLY);
    char *c = write_reports(e, "a", 0);   /* over the first: replaced whole */
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t la, lb;
        char *x = read_report(a, files[i], &la), *y = read_report(b, files[i], &lb);
        if (la != lb || memcmp(x, y, la) != 0)
            fail_msg("%s differs between two writes", files[i]);
        free(x);
        free(y);
    }
    /* No temporary file is left behind. */
    char *tmp = fx_path(a, ".report.json.tmp");
    struct stat sb;
    assert_int_equal(stat(tmp, &sb), -1);
    free(tmp);
    free(a);
    free(b);
    free(c);
}

/* ---- JSON ----------------------------------------------------------------------- */

static struct json *load_json(const char *path)
{
    size_t len;
    char *text = fx_slurp(path, &len);
    assert_non_null(text);
    char err[256];
    struct json *j = json_parse(text, len, err, sizeof err);
    if (!j)
        fail_msg("%s: %s", path, err);
    free(text);
    return j;
}

static void json_report_is_valid_against_its_schema(void **state)
{
    struct env *e = *state;
    char *dir = write_reports(e, "j", 0);
    char *path = fx_path(dir, "report.json");
    struct json *report = load_json(path);
    struct json *schema = load_json(HIPERF_REPORT_SCHEMA);
    char err[512];
    if (!json_validate(schema, report, err, sizeof err))
        fail_msg("report.json: %s", err);
    /* The summary agrees with the cases. */
    const struct json *sum = json_get(report, "summary"), *cases = json_get(report, "cases");
    assert_int_equal((int)json_get(sum, "cases")->num, e->ncases);
    assert_int_equal(cases->n, e->ncases);
    const struct json *counts = json_get(sum, "counts");
    unsigned total = 0;
    for (size_t i = 0; i < counts->n; i++)
        total += (unsigned)counts->items[i]->num;
    assert_int_equal(total, e->ncases);
    assert_int_equal((int)json_get(counts, "XFAIL")->num, 1);
    assert_int_equal((int)json_get(counts, "CRASH")->num, 1);
    assert_string_equal(json_get(sum, "verdict")->str, "CRASH");
    assert_int_equal((int)json_get(sum, "exit_status")->num, 1);
    /* Hostile text survives: control character escaped, invalid byte replaced. */
    bool found = false;
    for (size_t i = 0; i < cases->n; i++) {
        const struct json *c = cases->items[i];
        if (strcmp(json_get(c, "scenario")->str, "delta") != 0)
            continue;
        const char *title = json_get(c, "title")->str;
        found = strstr(title, "\x01") && strstr(title, "\xef\xbf\xbd") && strstr(title, "]]>");
    }
    assert_true(found);
    /* A schema the validator cannot fully check would pass silently: make
     * sure a wrong document fails. */
    const char wrong[] = "{\"format\": \"hiperfcheck-report\", \"format_version\": 2}";
    struct json *w = json_parse(wrong, strlen(wrong), err, sizeof err);
    assert_false(json_validate(schema, w, err, sizeof err));
    json_free(w);
    json_free(report);
    json_free(schema);
    free(path);
    free(dir);
}

static void json_schema_in_the_docs_is_the_checked_in_one(void **state)
{
    (void)state;
    size_t ls, ld;
    char *schema = fx_slurp(HIPERF_REPORT_SCHEMA, &ls), *doc = fx_slurp(HIPERF_REPORT_SCHEMA_DOC, &ld);
    assert_non_null(schema);
    assert_non_null(doc);
    const char *start = strstr(doc, "```json\n");
    assert_non_null(start);
    start += 8;
    const char *end = strstr(start, "```\n");
    assert_non_null(end);
    if ((size_t)(end - start) != ls || memcmp(start, schema, ls) != 0)
        fail_msg("docs/report-schema.md and reports/report.schema.json differ");
    free(schema);
    free(doc);
}

static void json_parser_rejects_what_rfc8259_forbids(void **state)
{
    (void)state;
    const char *bad[] = {"{\"a\": 1,}", "[1 2]", "{\"a\": 01}", "\"\x01\"", "\"\xff\"", "{\"a\":1,\"a\":2}",
                         "\"\\ud800\"", "[1] x", "nul"};
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct json *j = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
        if (j)
            fail_msg("accepted %s", bad[i]);
    }
}

/* ---- JUnit --------------------------------------------------------------------------- */

static unsigned attr_u(const struct xml_node *n, const char *name)
{
    const char *v = xml_attr(n, name);
    if (!v)
        fail_msg("<%s> without %s", n->name, name);
    return (unsigned)strtoul(v, NULL, 10);
}

static void junit_is_well_formed_with_consistent_counts(void **state)
{
    struct env *e = *state;
    char *dir = write_reports(e, "x", 0);
    size_t len;
    char *text = read_report(dir, "junit.xml", &len);
    char err[256];
    struct xml_node *root = xml_parse(text, len, err, sizeof err);
    if (!root)
        fail_msg("junit.xml: %s", err);
    assert_string_equal(root->name, "testsuites");
    unsigned t = 0, f = 0, er = 0, s = 0, cases = 0;
    for (size_t i = 0; i < root->nchildren; i++) {
        const struct xml_node *suite = root->children[i];
        assert_string_equal(suite->name, "testsuite");
        assert_non_null(xml_attr(suite, "name"));
        assert_non_null(xml_attr(suite, "timestamp"));
        assert_non_null(xml_attr(suite, "hostname"));
        assert_non_null(xml_attr(suite, "time"));
        const struct xml_node *props = xml_child(suite, "properties");
        assert_non_null(props);
        assert_true(xml_count(props, "property") >= 10);
        unsigned st = 0, sf = 0, se = 0, ss = 0;
        for (size_t k = 0; k < suite->nchildren; k++) {
            const struct xml_node *tc = suite->children[k];
            if (strcmp(tc->name, "testcase") != 0)
                continue;
            st++;
            const char *cn = xml_attr(tc, "classname"), *name = xml_attr(tc, "name");
            assert_non_null(cn);
            assert_non_null(name);
            assert_true(*cn && *name);
            assert_non_null(xml_attr(tc, "time"));
            assert_non_null(xml_attr(tc, "file"));
            assert_non_null(xml_attr(tc, "line"));
            cases += !strcmp(name, "case");
            /* Unique (classname, name) within the suite. */
            for (size_t m = 0; m < k; m++) {
                const struct xml_node *o = suite->children[m];
                if (!strcmp(o->name, "testcase") && !strcmp(xml_attr(o, "classname"), cn)
                    && !strcmp(xml_attr(o, "name"), name))
                    fail_msg("duplicate testcase %s / %s", cn, name);
            }
            size_t nf = xml_count(tc, "failure"), ne = xml_count(tc, "error"), ns = xml_count(tc, "skipped");
            assert_true(nf + ne + ns <= 1);
            if (nf) {
                assert_non_null(xml_attr(xml_child(tc, "failure"), "message"));
                assert_non_null(xml_attr(xml_child(tc, "failure"), "type"));
            }
            if (ne)
                assert_non_null(xml_attr(xml_child(tc, "error"), "type"));
            sf += (unsigned)nf;
            se += (unsigned)ne;
            ss += (unsigned)ns;
        }
        assert_int_equal(attr_u(suite, "tests"), st);
        assert_int_equal(attr_u(suite, "failures"), sf);
        assert_int_equal(attr_u(suite, "errors"), se);
        assert_int_equal(attr_u(suite, "skipped"), ss);
        t += st;
        f += sf;
        er += se;
        s += ss;
    }
    assert_int_equal(root->nchildren, 3);   /* alpha, beta, delta */
    assert_int_equal(cases, e->ncases);
    assert_int_equal(attr_u(root, "tests"), t);
    assert_int_equal(attr_u(root, "failures"), f);
    assert_int_equal(attr_u(root, "errors"), er);
    assert_int_equal(attr_u(root, "skipped"), s);
    assert_true(er >= 3);   /* crash, timeout, error */
    assert_true(strstr(text, "type=\"CRASH\"") && strstr(text, "type=\"TIMEOUT\"") && strstr(text, "type=\"ERROR\""));
    assert_null(strstr(text, "]]>"));
    assert_null(strstr(text, "<![CDATA["));
    xml_free(root);

    const char *xmllint = getenv("HIPERF_XMLLINT");
    if (xmllint && *xmllint) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "'%s' --noout '%s/junit.xml'", xmllint, dir);
        assert_int_equal(system(cmd), 0);
    }
    free(text);
    free(dir);
}

static void xml_checker_rejects_what_xml_forbids(void **state)
{
    (void)state;
    const char *bad[] = {"<a>", "<a></b>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a>&nbsp;</a>", "<a>]]></a>",
                         "<a>\x01</a>", "<a>\xff</a>", "<a/><b/>", "<a x=\"<\"/>", "<a>&#0;</a>", "text<a/>"};
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct xml_node *n = xml_parse(bad[i], strlen(bad[i]), err, sizeof err);
        if (n)
            fail_msg("accepted %s", bad[i]);
    }
    const char good[] = "<?xml version=\"1.0\"?><!-- c --><a x='1' y=\"&lt;&#x41;\">t<![CDATA[<x>]]><b/></a>";
    struct xml_node *n = xml_parse(good, strlen(good), err, sizeof err);
    assert_non_null(n);
    assert_string_equal(xml_attr(n, "y"), "<A");
    assert_string_equal(n->text, "t<x>");
    xml_free(n);
}

/* ---- HTML ---------------------------------------------------------------------------------- */

/* Fails on anything that refers outside the page: a src attribute, an href
 * that is not #anchor, a <link>, <iframe>, <img>, <object>, <embed>, <base>,
 * <form>; url( or @import in CSS; a URL inside any tag, style or script. */
static void assert_self_contained(const char *html)
{
    const char *p = html;
    while ((p = strchr(p, '<')) != NULL) {
        const char *end = strchr(p, '>');
        assert_non_null(end);
        char tag[16] = {0};
        size_t k = 0;
        for (const char *q = p + 1; q < end && k < sizeof tag - 1 && (isalpha((unsigned char)*q) || *q == '/'); q++)
            tag[k++] = (char)tolower((unsigned char)*q);
        static const char *const forbidden[] = {"link", "iframe", "img", "object", "embed", "base", "form",
                                                "frame", "audio", "video", "source", "svg"};
        for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
            if (!strcmp(tag, forbidden[i]))
                fail_msg("<%s> in the page", tag);
        size_t n = (size_t)(end - p);
        char *t = hp_strndup(p, n);
        for (char *c = t; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (strstr(t, "src=") || strstr(t, "http:") || strstr(t, "https:") || strstr(t, "//"))
            fail_msg("a reference in a tag: %s", t);
        for (const char *h = t; (h = strstr(h, "href=")) != NULL; h += 5)
            if (strncmp(h, "href=\"#", 7) != 0)
                fail_msg("href not to an anchor: %s", t);
        free(t);
        if (!strcmp(tag, "script") || !strcmp(tag, "style")) {
            char close[32];
            snprintf(close, sizeof close, "</%s>", tag);
            const char *stop = strstr(end, close);
            assert_non_null(stop);
            char *body = hp_strndup(end, (size_t)(stop - end));
            static const char *const words[] = {"http", "url(", "@import", "src", "fetch", "xmlhttprequest",
                                                "import(", "//"};
            for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
                if (strstr(body, words[i]))
                    fail_msg("'%s' in a <%s>", words[i], tag);
            free(body);
            p = stop + 1;
            continue;
        }
        p = end + 1;
    }
}

static void html_is_one_self_contained_page(void **state)
{
    struct env *e = *state;
    char *dir = write_reports(e, "h", 0);
    size_t len;
    char *html = read_report(dir, "report.html", &len);
    assert_int_equal(strncmp(html, "<!DOCTYPE html>\n", 16), 0);
    assert_self_contained(html);
    /* Everything the page is for is in it. */
    assert_non_null(strstr(html, FX_NAME));
    assert_non_null(strstr(html, FX_CLSID));
    assert_non_null(strstr(html, "id=\"requirements\""));
    assert_non_null(strstr(html, "id=\"req-T-MUST-1\""));
    assert_non_null(strstr(html, "id=\"filters\" hidden"));   /* visible only with JavaScript */
    assert_non_null(strstr(html, "<h4>Step trace</h4>"));
    assert_non_null(strstr(html, "<h4>Journal</h4>"));
    size_t cases = 0;
    for (const char *p = html; (p = strstr(p, "<div class=\"case\"")) != NULL; p++)
        cases++;
    assert_int_equal(cases, e->ncases);
    static const char *const verdicts[] = {"PASS", "XFAIL", "WARN", "SKIP", "FAIL", "ERROR", "TIMEOUT", "CRASH"};
    for (size_t i = 0; i < 8; i++) {
        char want[64];
        snprintf(want, sizeof want, "data-verdict=\"%s\"", verdicts[i]);
        assert_non_null(strstr(html, want));
    }
    /* Hostile text is inert. */
    assert_null(strstr(html, "<b>&amp;"));
    assert_non_null(strstr(html, "&lt;b&gt;&amp;amp;]]&gt;"));
    /* A failing check repeated 48 times lists 20 and counts the rest. */
    assert_non_null(strstr(html, "(60 iterations)"));
    assert_non_null(strstr(html, "and 27 more (report.json lists them all)"));
    free(html);
    free(dir);
}

static void html_of_data_without_urls_has_no_url_at_all(void **state)
{
    struct env *e = *state;
    char *db = fx_path(e->dir, "plain.db");
    struct oracle *o;
    assert_int_equal(oracle_open(&o, db, 0), 0);
    const char catalog[] = "P-1 | MUST | doc | plain\n";
    assert_int_equal(oracle_load_requirements(o, catalog, strlen(catalog), "c"), 0);
    static const char *const r[] = {"P-1"};
    static const struct oracle_check_def c[] = {{"a", 1, 1, CHECK_TRUE, "true", r, 1, "expect x"}};
    struct oracle_scenario_def d = {.name = "p", .file = "p.scn", .sha256 = "1", .covers = r, .ncovers = 1,
                                    .checks = c, .nchecks = 1};
    int64_t sid;
    assert_int_equal(oracle_register_scenario(&sid, o, &d), 0);
    int64_t run = fx_run(o, NULL);
    fx_case(o, run, sid, "K", OK, "a", "b:false", "0", NULL);
    char *out = fx_path(e->dir, "plain.html");
    FILE *f = fopen(out, "wb");
    assert_int_equal(report_write(f, o, run, REPORT_HTML), 0);
    fclose(f);
    oracle_close(o);
    size_t len;
    char *html = fx_slurp(out, &len);
    assert_self_contained(html);
    assert_null(strstr(html, "http:"));
    assert_null(strstr(html, "https:"));
    assert_null(strstr(html, "src="));
    free(html);
    free(out);
    free(db);
}

/* ---- TAP ------------------------------------------------------------------------------------- */

/* The first unescaped '#' in a test point's description must start a
 * SKIP or TODO directive. */
static void check_description(const char *line)
{
    for (const char *c = line; *c; c++) {
        if (*c == '\\') {
            assert_true(c[1] == '\\' || c[1] == '#');
            c++;
            continue;
        }
        if (*c == '#') {
            if (strncmp(c, "# SKIP", 6) != 0 && strncmp(c, "# TODO", 6) != 0)
                fail_msg("unescaped # in: %s", line);
            return;
        }
    }
}

static void tap_is_valid_tap14(void **state)
{
    struct env *e = *state;
    char *dir = write_reports(e, "t", 0);
    size_t len;
    char *tap = read_report(dir, "results.tap", &len);
    assert_int_equal(strncmp(tap, "TAP version 14\n", 15), 0);
    char *save, *line = strtok_r(tap + 15, "\n", &save);
    assert_non_null(line);
    unsigned plan;
    assert_int_equal(sscanf(line, "1..%u", &plan), 1);
    assert_int_equal(plan, e->ncases);
    unsigned next = 1, not_ok = 0, skips = 0, todos = 0;
    bool in_yaml = false, yaml_allowed = false;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        if (in_yaml) {
            assert_int_equal(strncmp(line, "  ", 2), 0);
            if (!strcmp(line, "  ..."))
                in_yaml = false;
            continue;
        }
        if (!strcmp(line, "  ---")) {
            assert_true(yaml_allowed);
            in_yaml = true;
            yaml_allowed = false;
            continue;
        }
        if (line[0] == '#')
            continue;
        unsigned num;
        const char *rest = NULL;
        if (!strncmp(line, "ok ", 3)) {
            rest = line + 3;
        } else if (!strncmp(line, "not ok ", 7)) {
            rest = line + 7;
            not_ok++;
        } else {
            fail_msg("not a TAP line: %s", line);
        }
        assert_int_equal(sscanf(rest, "%u", &num), 1);
        assert_int_equal(num, next);
        next++;
        const char *desc = strstr(rest, " - ");
        assert_non_null(desc);
        check_description(desc + 3);
        skips += strstr(desc, " # SKIP ") != NULL;
        todos += strstr(desc, " # TODO ") != NULL;
        yaml_allowed = true;
    }
    assert_false(in_yaml);
    assert_int_equal(next - 1, plan);
    assert_int_equal(skips, 1);
    assert_int_equal(todos, 1);
    assert_int_equal(not_ok, 6);   /* fail, crash, timeout, error, xfail (as TODO), repeat (fail) */
    free(tap);
    free(dir);
}

/* ---- Markdown ------------------------------------------------------------------------------------ */

static void markdown_summary_is_short_and_lists_what_failed(void **state)
{
    struct env *e = *state;
    char *dir = write_reports(e, "m", 0);
    size_t len;
    char *md = read_report(dir, "summary.md", &len);
    assert_int_equal(strncmp(md, "## hiperfcheck: CRASH - TestProvider `{11111111-2222-3333-4444-555555555555}`", 75),
                     0);
    assert_non_null(strstr(md, "| verdict | cases | checks |"));
    assert_non_null(strstr(md, "| XFAIL | 1 |"));
    assert_non_null(strstr(md, "### Not passing"));
    assert_non_null(strstr(md, "| CRASH | alpha | Win32\\_Crash |"));
    /* The hostile text is escaped on one line: no raw '|' or '<' from data. */
    assert_null(strstr(md, "<b>"));
    assert_null(strstr(md, "\x01"));
    assert_true(len < 8000);
    /* Every table row has the same number of unescaped cells. */
    char *save, *line = strtok_r(md, "\n", &save);
    while (line) {
        if (!strncmp(line, "| ", 2) && strstr(line, "| why |") == NULL && line[2] != '-') {
            unsigned bars = 0;
            for (const char *c = line; *c; c++) {
                if (*c == '\\' && c[1]) {
                    c++;
                    continue;
                }
                bars += *c == '|';
            }
            assert_true(bars == 4 || bars == 6);
        }
        line = strtok_r(NULL, "\n", &save);
    }
    free(md);
    free(dir);
}

/* ---- Edge runs ------------------------------------------------------------------------------------ */

static void reports_of_an_incomplete_and_an_empty_run(void **state)
{
    struct env *e = *state;
    char *db = fx_path(e->dir, "edge.db");
    struct oracle *o = fx_open(db);
    int64_t running;
    build_run(o, &running, false);
    int64_t empty = fx_run(o, NULL);
    assert_int_equal(oracle_finish_run(o, empty, 1735689600001), 0);
    struct json *schema = load_json(HIPERF_REPORT_SCHEMA);
    int64_t runs[2] = {running, empty};
    for (int i = 0; i < 2; i++) {
        char sub[32];
        snprintf(sub, sizeof sub, "edge%d", i);
        char *dir = fx_path(e->dir, sub);
        assert_int_equal(report_write_dir(dir, o, runs[i], REPORT_ALL), 0);
        char *path = fx_path(dir, "report.json");
        struct json *j = load_json(path);
        char err[512];
        if (!json_validate(schema, j, err, sizeof err))
            fail_msg("%s: %s", sub, err);
        const struct json *run = json_get(j, "run");
        if (i == 0) {
            assert_int_equal(json_get(run, "ended")->type, JSON_NULL);
            assert_int_equal((int)json_get(json_get(j, "summary"), "exit_status")->num, 1);
        } else {
            assert_int_equal(json_get(j, "cases")->n, 0);
            assert_string_equal(json_get(json_get(j, "summary"), "verdict")->str, "PASS");
            size_t len;
            char *tap = read_report(dir, "results.tap", &len);
            assert_non_null(strstr(tap, "\n1..0 # SKIP"));
            free(tap);
            char *xml = read_report(dir, "junit.xml", &len);
            char xerr[128];
            struct xml_node *x = xml_parse(xml, len, xerr, sizeof xerr);
            assert_non_null(x);
            assert_int_equal(attr_u(x, "tests"), 0);
            xml_free(x);
            free(xml);
        }
        json_free(j);
        free(path);
        free(dir);
    }
    json_free(schema);
    /* An unknown run. */
    FILE *f = tmpfile();
    assert_int_equal(report_write(f, o, 999, REPORT_JSON), HP_ENOTFOUND);
    fclose(f);
    oracle_close(o);
    free(db);
}

static void format_lists_parse(void **state)
{
    (void)state;
    unsigned m;
    assert_int_equal(report_parse_formats(&m, "json,tap"), 0);
    assert_int_equal(m, REPORT_JSON | REPORT_TAP);
    assert_int_equal(report_parse_formats(&m, "all"), 0);
    assert_int_equal(m, REPORT_ALL);
    assert_int_equal(report_parse_formats(&m, "junit,html,md"), 0);
    assert_int_equal(m, REPORT_JUNIT | REPORT_HTML | REPORT_MD);
    assert_int_equal(report_parse_formats(&m, "json,pdf"), HP_EINVAL);
    assert_non_null(strstr(hp_error_message(), "unknown format 'pdf'"));
    assert_int_equal(report_parse_formats(&m, ""), HP_EINVAL);
    assert_string_equal(report_file_name(REPORT_MD), "summary.md");
}

/* ---- hiperfcheck report ------------------------------------------------------------------------------- */

/* This program: `--child report ARGS...` runs cmd_report (see run_cmd()). */
static char self_path[4096];

/* Runs cmd_report in a child (this program, exec'd) with stdout and stderr
 * captured; returns its exit status. */
static int run_cmd(struct env *e, char **out, char **err, ...)
{
    char *argv[20];
    int argc = 0;
    argv[argc++] = self_path;
    argv[argc++] = (char *)"--child";
    argv[argc++] = (char *)"report";
    va_list ap;
    va_start(ap, err);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL)
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    char *po = fx_path(e->dir, "cmd.out"), *pe = fx_path(e->dir, "cmd.err");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fo = open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644), fe = open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(self_path, argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    *out = fx_slurp(po, NULL);
    *err = fx_slurp(pe, NULL);
    free(po);
    free(pe);
    return WEXITSTATUS(status);
}

static void report_command_exit_statuses(void **state)
{
    struct env *e = *state;
    char *out, *err;
    char *dir = fx_path(e->dir, "cmd");
    /* Usage errors: 2. */
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", e->db, NULL), 2);
    assert_non_null(strstr(err, "--report-dir is required"));
    free(out), free(err);
    assert_int_equal(run_cmd(e, &out, &err, "--bogus", NULL), 2);
    assert_non_null(strstr(err, "unknown option '--bogus'"));
    free(out), free(err);
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", e->db, "--report-dir", dir, "--format", "json,pdf", NULL), 2);
    assert_non_null(strstr(err, "unknown format 'pdf'"));
    free(out), free(err);
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", e->db, "--report-dir", dir, "--run", "x1", NULL), 2);
    free(out), free(err);
    /* An unknown run: 2. */
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", e->db, "--report-dir", dir, "--run", "42", NULL), 2);
    assert_non_null(strstr(err, "run 42: no such run"));
    free(out), free(err);
    /* Not an oracle: 2, and the file is left alone. */
    char *bogus = fx_path(e->dir, "bogus.db");
    FILE *f = fopen(bogus, "wb");
    fputs("not a database at all", f);
    fclose(f);
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", bogus, "--report-dir", dir, NULL), 2);
    assert_non_null(strstr(err, "not an hiperfcheck oracle"));
    assert_true(fx_same_bytes(bogus, "not a database at all", 21));
    free(out), free(err);
    /* A missing database: 2, and nothing is created. */
    char *missing = fx_path(e->dir, "missing.db");
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", missing, "--report-dir", dir, NULL), 2);
    assert_non_null(strstr(err, "no such oracle database"));
    assert_int_equal(access(missing, F_OK), -1);
    free(out), free(err);
    /* The newest run by default; its exit status (1: it crashed). */
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", e->db, "--report-dir", dir, "--format", "json,md", NULL), 1);
    assert_non_null(strstr(out, "run 1: CRASH, 10 cases"));
    char *p = fx_path(dir, "report.json");
    assert_int_equal(access(p, F_OK), 0);
    free(p);
    p = fx_path(dir, "junit.xml");
    assert_int_equal(access(p, F_OK), -1);   /* not asked for */
    free(p);
    free(out), free(err);
    /* --help: 0. */
    assert_int_equal(run_cmd(e, &out, &err, "--help", NULL), 0);
    assert_non_null(strstr(out, "usage: hiperfcheck report"));
    free(out), free(err);
    free(bogus);
    free(missing);
    free(dir);
}

static void report_command_passes_for_a_passing_run(void **state)
{
    struct env *e = *state;
    struct oracle *o;
    assert_int_equal(oracle_open(&o, e->db, 0), 0);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    fx_case(o, run, a, "Good", OK, "hr", "h:0x0", "0", NULL);
    assert_int_equal(oracle_finish_run(o, run, 1735689600500), 0);
    oracle_close(o);
    char *out, *err;
    char *dir = fx_path(e->dir, "good");
    char id[16];
    snprintf(id, sizeof id, "%lld", (long long)run);
    assert_int_equal(run_cmd(e, &out, &err, "--oracle", e->db, "--report-dir", dir, "--run", id, NULL), 0);
    assert_non_null(strstr(out, "PASS, 1 cases"));
    free(out), free(err);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = fx_path(dir, files[i]);
        assert_int_equal(access(p, F_OK), 0);
        free(p);
    }
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--child") && !strcmp(argv[2], "report"))
        return cmd_report(argc - 2, argv + 2);
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0)
        return 1;
    self_path[n] = 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(reports_are_byte_identical_when_written_again, setup, teardown),
        cmocka_unit_test_setup_teardown(json_report_is_valid_against_its_schema, setup, teardown),
        cmocka_unit_test(json_schema_in_the_docs_is_the_checked_in_one),
        cmocka_unit_test(json_parser_rejects_what_rfc8259_forbids),
        cmocka_unit_test_setup_teardown(junit_is_well_formed_with_consistent_counts, setup, teardown),
        cmocka_unit_test(xml_checker_rejects_what_xml_forbids),
        cmocka_unit_test_setup_teardown(html_is_one_self_contained_page, setup, teardown),
        cmocka_unit_test_setup_teardown(html_of_data_without_urls_has_no_url_at_all, setup, teardown),
        cmocka_unit_test_setup_teardown(tap_is_valid_tap14, setup, teardown),
        cmocka_unit_test_setup_teardown(markdown_summary_is_short_and_lists_what_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(reports_of_an_incomplete_and_an_empty_run, setup, teardown),
        cmocka_unit_test(format_lists_parse),
        cmocka_unit_test_setup_teardown(report_command_exit_statuses, setup, teardown),
        cmocka_unit_test_setup_teardown(report_command_passes_for_a_passing_run, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
