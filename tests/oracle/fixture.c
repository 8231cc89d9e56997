/*
 * tests/oracle/fixture.c - synthetic oracles for the tests (fixture.h).
 * Invariant: every helper either succeeds or aborts the test process with
 * the oracle's message, so a test body reads as the behaviour it shows.
 */
#include "fixture.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

const char fx_catalog[] =
    "# test catalog\n"
    "T-MUST-1 | MUST | test doc 1 | the first must\n"
    "T-MUST-2 | MUST | test doc 2 | the second must\n"
    "T-SHOULD-1 | SHOULD | test doc 3 | a should\n"
    "T-MAY-1 | MAY | https://example.invalid/doc#4 | a may\n"
    "T-UNUSED | MUST | test doc 5 | never checked\n";

static void die(const char *what)
{
    fprintf(stderr, "fixture: %s: %s\n", what, hp_error_message());
    abort();
}

char *fx_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = hp_sprintf("%s/hiperf-oracle-XXXXXX", base && *base ? base : "/tmp");
    if (!tmpl || !mkdtemp(tmpl))
        die("mkdtemp");
    return tmpl;
}

void fx_rmdir(char *dir)
{
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *p = fx_path(dir, e->d_name);
            if (unlink(p) != 0) {
                /* a subdirectory (reports) */
                fx_rmdir(p);
                p = NULL;
            }
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

char *fx_path(const char *dir, const char *name)
{
    char *p = hp_sprintf("%s/%s", dir, name);
    if (!p)
        die("path");
    return p;
}

struct oracle *fx_open(const char *path)
{
    struct oracle *o;
    if (oracle_open(&o, path, 0))
        die("open");
    if (oracle_load_requirements(o, fx_catalog, strlen(fx_catalog), "catalog"))
        die("catalog");
    return o;
}

static int64_t reg(struct oracle *o, const struct oracle_scenario_def *d)
{
    int64_t id;
    if (oracle_register_scenario(&id, o, d))
        die("register");
    return id;
}

int64_t fx_alpha(struct oracle *o)
{
    static const char *const r1[] = {"T-MUST-1"}, *const r2[] = {"T-MUST-2"}, *const rs[] = {"T-SHOULD-1"},
                             *const rm[] = {"T-MAY-1"};
    static const char *const covers[] = {"T-MUST-1", "T-MUST-2"};
    static const struct oracle_check_def checks[] = {
        {"hr", 10, 5, CHECK_HRESULT, "S_OK", r1, 1, "r = CreateRefresher => S_OK"},
        {"cmp", 11, 1, CHECK_COMPARE, "==", r2, 1, "expect o.Count == 3"},
        {"tru", 12, 1, CHECK_TRUE, "true", rs, 1, "expect ledger clean"},
        {"val", 13, 1, CHECK_VALUE, "", r1, 1, "expect o value Count"},
        {"may", 14, 9, CHECK_HRESULT, "S_OK", rm, 1, "Refresh r => S_OK"},
    };
    struct oracle_scenario_def d = {
        .name = "alpha", .file = "scenarios/alpha.scn",
        .sha256 = "aaaa000000000000000000000000000000000000000000000000000000000000",
        .title = "the alpha scenario", .covers = covers, .ncovers = 2,
        .checks = checks, .nchecks = sizeof checks / sizeof checks[0],
    };
    return reg(o, &d);
}

int64_t fx_beta(struct oracle *o)
{
    static const char *const r2[] = {"T-MUST-2"};
    static const char *const needs[] = {"refreshers"};
    static const struct oracle_check_def checks[] = {
        {"load", 5, 1, CHECK_HRESULT, "success", r2, 1, "load"},
        {"need", 6, 1, CHECK_SKIP, "", r2, 1, "r = CreateRefresher"},
    };
    struct oracle_scenario_def d = {
        .name = "beta", .file = "scenarios/beta.scn",
        .sha256 = "bbbb000000000000000000000000000000000000000000000000000000000000",
        .covers = r2, .ncovers = 1, .needs = needs, .nneeds = 1,
        .checks = checks, .nchecks = 2,
    };
    return reg(o, &d);
}

int64_t fx_gamma(struct oracle *o)
{
    static const char *const r1[] = {"T-MUST-1"};
    static const char *const needs[] = {"baseline"};
    static const struct oracle_check_def checks[] = {
        {"v1", 3, 1, CHECK_VALUE, "", r1, 1, "expect o value Timestamp"},
    };
    struct oracle_scenario_def d = {
        .name = "gamma", .file = "scenarios/gamma.scn",
        .sha256 = "cccc000000000000000000000000000000000000000000000000000000000000",
        .covers = r1, .ncovers = 1, .needs = needs, .nneeds = 1,
        .checks = checks, .nchecks = 1,
    };
    return reg(o, &d);
}

int64_t fx_run(struct oracle *o, const char *clsid)
{
    struct oracle_run_def d = {
        .provider_path = "/build/testprov.so",
        .provider_sha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        .provider_name = FX_NAME,
        .provider_clsid = clsid ? clsid : FX_CLSID,
        .mof_path = "testprov.mof",
        .harness_version = "0.1.0-test",
        .options = "--jobs 1",
        .hostname = "testhost",
        .started_ms = 1735689600000,   /* 2025-01-01T00:00:00Z */
    };
    int64_t id;
    if (oracle_begin_run(&id, o, &d))
        die("begin run");
    return id;
}

static int64_t record(int *display, struct oracle *o, int64_t run, int64_t sid, const char *class_name,
                      enum oracle_worker_status status, int status_value, va_list ap)
{
    struct oracle_observation obs[64];
    size_t n = 0;
    const char *id;
    while ((id = va_arg(ap, const char *)) != NULL) {
        if (n == 64)
            abort();
        obs[n].check_id = id;
        obs[n].observed = va_arg(ap, const char *);
        obs[n].iteration = (unsigned)atoi(va_arg(ap, const char *));
        obs[n].step_no = (unsigned)n + 1;
        obs[n].excerpt = "host -> provider Refresh(#3) = S_OK";
        n++;
    }
    struct oracle_case_def c = {
        .scenario_id = sid,
        .class_name = class_name,
        .started_ms = 1735689600000 + 1000,
        .ended_ms = 1735689600000 + 1250,
        .status = status,
        .status_value = status_value,
        .status_text = status == ORACLE_WORKER_ERROR ? "the worker could not be started" : NULL,
        .last_step_no = (unsigned)n + 1,
        .last_step = "Refresh r1",
        .trace = "1 load\n2 r1 = CreateRefresher\n3 Refresh r1",
        .journal = "#1 host -> provider CreateRefresher = S_OK\n#2 host -> provider Refresh = S_OK",
        .obs = obs,
        .nobs = n,
    };
    int64_t case_id;
    enum verdict v;
    if (oracle_record_case(&case_id, &v, o, run, &c))
        die("record case");
    /* The display verdict as stored. */
    struct oracle_case_info *cases;
    size_t nc;
    if (oracle_list_cases(&cases, &nc, o, run))
        die("list cases");
    *display = -1;
    for (size_t i = 0; i < nc; i++)
        if (cases[i].id == case_id)
            *display = cases[i].display;
    oracle_cases_free(cases, nc);
    return case_id;
}

int fx_case(struct oracle *o, int64_t run, int64_t sid, const char *class_name, enum oracle_worker_status status,
            int status_value, ...)
{
    va_list ap;
    va_start(ap, status_value);
    int display;
    record(&display, o, run, sid, class_name, status, status_value, ap);
    va_end(ap);
    return display;
}

int64_t fx_case_id(struct oracle *o, int64_t run, int64_t sid, const char *class_name,
                   enum oracle_worker_status status, int status_value, ...)
{
    va_list ap;
    va_start(ap, status_value);
    int display;
    int64_t id = record(&display, o, run, sid, class_name, status, status_value, ap);
    va_end(ap);
    return id;
}

int fx_check_verdict(struct oracle *o, int64_t case_id, const char *check_id, unsigned iteration, char *buf,
                     size_t size)
{
    struct oracle_check_result *r;
    size_t n;
    if (oracle_list_check_results(&r, &n, o, case_id))
        die("list results");
    int display = -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(r[i].check_id, check_id) && r[i].iteration == iteration) {
            display = r[i].display;
            if (buf)
                snprintf(buf, size, "%s", r[i].message);
        }
    oracle_check_results_free(r, n);
    return display;
}

char *fx_slurp(const char *path, size_t *len)
{
    char *data;
    size_t n;
    if (hp_read_file(path, &data, &n))
        return NULL;
    if (len)
        *len = n;
    return data;
}

bool fx_same_bytes(const char *path, const char *data, size_t len)
{
    size_t n;
    char *now = fx_slurp(path, &n);
    bool same = now && n == len && !memcmp(now, data, len);
    free(now);
    return same;
}
