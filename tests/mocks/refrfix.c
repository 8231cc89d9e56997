/*
 * tests/mocks/refrfix.c - the refresher tests' fixture (see refrfix.h).
 */
#include "refrfix.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loader.h"
#include "namespace.h"
#include "refrsvc.h"
#include "repo.h"

static bool faketime_ok;

static void unlink_time_file(void)
{
    const char *p = getenv("HIPERF_FAKETIME_TMP");
    if (p)
        unlink(p);
}

void refrfix_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (getenv("FAKETIME_TIMESTAMP_FILE")) {
        if (getenv("HIPERF_FAKETIME_TMP"))
            atexit(unlink_time_file);
        return;
    }
#ifdef FAKETIME_LIB
    char path[] = "/tmp/hiperf-faketime-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return;
    static const char start[] = "2024-01-01 00:00:00\n";
    ssize_t w = write(fd, start, sizeof start - 1);
    close(fd);
    if (w != (ssize_t)sizeof start - 1) {
        unlink(path);
        return;
    }
    const char *pre = getenv("LD_PRELOAD"), *asan = getenv("ASAN_OPTIONS");
    char *preload = hp_sprintf("%s%s%s", FAKETIME_LIB, pre && *pre ? ":" : "", pre ? pre : "");
    char *asan_opts = hp_sprintf("%s%sverify_asan_link_order=0", asan ? asan : "", asan && *asan ? ":" : "");
    if (preload && asan_opts) {
        setenv("LD_PRELOAD", preload, 1);
        setenv("ASAN_OPTIONS", asan_opts, 1);
        setenv("FAKETIME_TIMESTAMP_FILE", path, 1);
        setenv("FAKETIME_NO_CACHE", "1", 1);
        setenv("HIPERF_FAKETIME_TMP", path, 1);
        setenv("TZ", "UTC", 1);
        /* argv[0] when it is a path: under valgrind --trace-children=yes
         * /proc/self/exe is valgrind's own tool. */
        execv(argv[0] && strchr(argv[0], '/') ? argv[0] : "/proc/self/exe", argv);
    }
    /* No re-exec: run on the real clock; the time tests skip. */
    free(preload);
    free(asan_opts);
    unsetenv("FAKETIME_TIMESTAMP_FILE");
    unsetenv("HIPERF_FAKETIME_TMP");
    unlink(path);
#endif
}

bool refrfix_set_time(int64_t sec)
{
    const char *path = getenv("FAKETIME_TIMESTAMP_FILE");
    if (!path)
        return false;
    time_t t = (time_t)sec;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return false;
    char text[64];
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S\n", &tm);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(text, f);
    fclose(f);
    return time(NULL) == t;
}

bool refrfix_have_faketime(void)
{
    return faketime_ok;
}

int refrfix_setup(struct refrfix *f)
{
    memset(f, 0, sizeof *f);
    f->repo = repo_new();
    if (!f->repo)
        return HP_ENOMEM;
    int rc = mof_load_file(f->repo, REFPROV_MOF);
    if (rc == 0)
        rc = host_new(&f->host, f->repo, NULL);
    if (rc == 0)
        rc = host_set_provider_file(f->host, REFPROV_SO);
    if (rc == 0 && !(f->ns = host_namespace(f->host)))
        rc = HP_ENOMEM;
    f->proc = repo_class(f->repo, "Win32_PerfRawData_HiPerfCheck_Processor");
    f->process = repo_class(f->repo, "Win32_PerfRawData_HiPerfCheck_Process");
    f->disk = repo_class(f->repo, "HiPerfCheck_Disk");
    f->refprov = repo_provider(f->repo, "HiPerfCheck_Reference");
    if (rc == 0 && (!f->proc || !f->process || !f->disk || !f->refprov))
        rc = HP_ENOTFOUND;
    if (rc) {
        fprintf(stderr, "refrfix: %s\n", hp_error_message());
        refrfix_teardown(f);
        return rc;
    }
    faketime_ok = refrfix_set_time(REFRFIX_T0);
    hp_actor_set(HP_ACTOR_CLIENT);
    return 0;
}

void refrfix_teardown(struct refrfix *f)
{
    hp_actor_set(HP_ACTOR_HOST);
    if (f->host) {
        refrsvc_shutdown(f->host);
        host_unload_providers(f->host, NULL);
    }
    host_free(f->host);
    repo_free(f->repo);
    memset(f, 0, sizeof *f);
}

void refrfix_teardown_checked(struct refrfix *f)
{
    hp_actor_set(HP_ACTOR_HOST);
    struct ledger *l = &f->host->ledger;
    refrsvc_shutdown(f->host);
    HRESULT can = E_FAIL;
    host_unload_providers(f->host, &can);
    size_t provider_leaks = ledger_check_leaks(l, HP_ACTOR_PROVIDER);
    size_t client_leaks = ledger_check_leaks(l, HP_ACTOR_CLIENT);
    for (size_t i = 0; i < l->nfindings; i++)
        fprintf(stderr, "finding: %s: %s\n", ledger_finding_kind_name(l->findings[i].kind), l->findings[i].text);
    assert_int_equal(provider_leaks, 0);
    assert_int_equal(client_leaks, 0);
    assert_int_equal(ledger_count(l, LEDGER_OVER_RELEASE), 0);
    assert_int_equal(ledger_count(l, LEDGER_USE_AFTER_RELEASE), 0);
    assert_int_equal(ledger_count(l, LEDGER_POISONED_USE), 0);
    assert_int_equal(ledger_count(l, LEDGER_BAD_TRANSFER), 0);
    assert_int_equal(ledger_count(l, LEDGER_FOREIGN_OBJECT), 0);
    assert_int_equal(ledger_count(l, LEDGER_COM_RULE), 0);
    /* S_OK: the provider holds no object and could unload; E_FAIL: no
     * module was open (nothing loaded, or a test unloaded it already). */
    assert_true(can == S_OK || can == E_FAIL);
    host_free(f->host);
    repo_free(f->repo);
    memset(f, 0, sizeof *f);
}

int refrfix_group_setup(void **state)
{
    struct refrfix *f = calloc(1, sizeof *f);
    if (!f || refrfix_setup(f)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

int refrfix_group_teardown(void **state)
{
    struct refrfix *f = *state;
    refrfix_teardown_checked(f);
    free(f);
    return 0;
}

int32_t refrfix_held(const void *iface, enum hp_actor a)
{
    struct hobject *o = hobject_from_iface(iface);
    return o ? atomic_load(&hobject_hobj(o)->by[a]) : -1;
}

uint64_t refrfix_u64(const void *iface, const char *prop)
{
    struct hobject *o = hobject_from_iface(iface);
    struct cim_value v;
    assert_non_null(o);
    assert_int_equal(hobject_get(o, prop, &v), 0);
    assert_false(v.null);
    uint64_t x = cim_type_is_signed(v.type) ? (uint64_t)v.v.i : v.v.u;
    cim_value_clear(&v);
    return x;
}

char *refrfix_str(const void *iface, const char *prop)
{
    struct hobject *o = hobject_from_iface(iface);
    struct cim_value v;
    assert_non_null(o);
    assert_int_equal(hobject_get(o, prop, &v), 0);
    char *s = v.null ? NULL : hp_strdup(v.v.s);
    cim_value_clear(&v);
    return s;
}

uint64_t refrfix_provider_calls(struct refrfix *f, enum hp_method m)
{
    return journal_calls(&f->host->journal, m, HP_ACTOR_PROVIDER);
}

uint64_t refrfix_host_calls(struct refrfix *f, enum hp_method m)
{
    return journal_calls(&f->host->journal, m, HP_ACTOR_HOST);
}

uint64_t refrfix_cpu_idle_time(int64_t sec, int cpu)
{
    static const int busy[4] = {10, 25, 40, 55};
    uint64_t s = (uint64_t)(sec + 11644473600LL) * 10000000ull;
    return s / 100 * (uint64_t)(100 - busy[cpu]);
}
