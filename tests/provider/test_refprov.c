/*
 * tests/provider/test_refprov.c - the reference provider (provider/) driven
 * through the mock host, one test per rule of docs/writing-a-provider.md
 * it keeps: the COM in-process server, the provider object's COM identity,
 * Initialize, QueryInstances, the five refresher methods, Refresh of
 * objects and of enumerators (by difference), StopRefreshing, GetObjects,
 * what releasing a refresher and unloading release, the namespace
 * reference, values as a function of the fake clock (the worked example
 * of section 10), and the ordinary provider's IWbemServices.
 *
 * Runs under libfaketime 0.9.10 with a stopped clock: CTest preloads
 * libfaketimeMT with FAKETIME_TIMESTAMP_FILE and FAKETIME_NO_CACHE=1 and
 * the tests rewrite that file to move time (rpfx_set_time).  Without
 * libfaketime the program exits 77 (SKIP).  The concurrent tests are in
 * test_refprov_threads.c.
 *
 * Every expected value is computed here from the documented formulas, not
 * from the provider's code, so a test fails when the provider and its
 * documentation part ways.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comcheck.h"
#include "refprov_fixture.h"

#define T0 "2024-01-01 00:00:00"  /* the worked example of writing-a-provider.md section 10 */
#define FILETIME_UNIX_EPOCH INT64_C(11644473600)

/* ---- the documented schedule and formulas ---------------------------------------- */

static const char *const proc_names[16] = {
    "Idle",     "System",    "smss",      "csrss",     "wininit",  "services", "lsass",         "svchost",
    "svchost#1", "svchost#2", "explorer", "dwm",       "spoolsv",  "taskhostw", "SearchIndexer", "notepad",
};

static bool proc_alive(int64_t sec, int k)
{
    return k < 2 || (sec + 7 * k) % 60 < 20 + 2 * k;
}

static int proc_index(const char *name)
{
    for (int k = 0; k < 16; k++)
        if (name && !strcmp(proc_names[k], name))
            return k;
    return -1;
}

/* Timestamp_Sys100NS at a whole second. */
static uint64_t sys100ns(int64_t sec)
{
    return (uint64_t)(sec + FILETIME_UNIX_EPOCH) * 10000000u;
}

static int64_t now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec;
}

/* ---- fixtures ------------------------------------------------------------------- */

static int setup(void **state)
{
    struct rpfx *f = calloc(1, sizeof *f);
    if (!f || !rpfx_set_time(T0) || rpfx_open(f) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct rpfx *f = *state;
    rpfx_close(f, NULL);
    free(f);
    return 0;
}

/* The module's entry points, for the server tests (the same module the
 * host loads: dlopen counts references). */
struct module {
    void *handle;
    LPFNGETCLASSOBJECT get_class_object;
    LPFNCANUNLOADNOW can_unload_now;
    struct repo *repo;
    CLSID clsid, client_clsid, ordinary_clsid;
};

static int setup_module(void **state)
{
    struct module *m = calloc(1, sizeof *m);
    if (!m || !rpfx_set_time(T0) || !(m->handle = dlopen(REFPROV_SO, RTLD_NOW | RTLD_LOCAL)))
        return -1;
    void *a = dlsym(m->handle, "DllGetClassObject"), *b = dlsym(m->handle, "DllCanUnloadNow");
    memcpy(&m->get_class_object, &a, sizeof a);
    memcpy(&m->can_unload_now, &b, sizeof b);
    if (!(m->repo = repo_new()) || mof_load_file(m->repo, REFPROV_MOF) != 0)
        return -1;
    const struct repo_provider *hp = repo_provider(m->repo, "HiPerfCheck_Reference");
    const struct repo_provider *op = repo_provider(m->repo, "HiPerfCheck_Ordinary");
    if (!hp || !op || !hp->has_clsid || !hp->has_client_clsid || !op->has_clsid)
        return -1;
    m->clsid = hp->clsid;
    m->client_clsid = hp->client_clsid;
    m->ordinary_clsid = op->clsid;
    *state = m;
    return 0;
}

static int teardown_module(void **state)
{
    struct module *m = *state;
    repo_free(m->repo);
    dlclose(m->handle);
    free(m);
    return 0;
}

static IClassFactory *factory_of(struct module *m, const CLSID *clsid)
{
    void *pv = NULL;
    assert_int_equal(m->get_class_object(clsid, &IID_IClassFactory, &pv), S_OK);
    assert_non_null(pv);
    return pv;
}

/* ---- the COM in-process server ------------------------------------------------- */

static void server_serves_both_registered_clsids_and_refuses_an_unknown_one(void **state)
{
    struct module *m = *state;
    static const CLSID unknown = {0x12345678, 0x9abc, 0xdef0, {1, 2, 3, 4, 5, 6, 7, 8}};
    const CLSID *served[] = {&m->clsid, &m->client_clsid, &m->ordinary_clsid};

    for (size_t i = 0; i < 3; i++) {
        IClassFactory *f = factory_of(m, served[i]);
        void *unk = NULL;
        assert_int_equal(IClassFactory_QueryInterface(f, &IID_IUnknown, &unk), S_OK);
        assert_ptr_equal(unk, f);
        IUnknown_Release((IUnknown *)unk);
        IClassFactory_Release(f);
    }
    void *pv = (void *)&pv;  /* garbage the server must clear */
    assert_int_equal(m->get_class_object(&unknown, &IID_IClassFactory, &pv), CLASS_E_CLASSNOTAVAILABLE);
    assert_null(pv);
    pv = (void *)&pv;
    assert_int_equal(m->get_class_object(&m->clsid, &IID_IWbemServices, &pv), E_NOINTERFACE);
    assert_null(pv);
    assert_int_equal(m->can_unload_now(), S_OK);
}

static void server_can_unload_only_when_no_object_or_lock_is_alive(void **state)
{
    struct module *m = *state;
    void *unk = NULL;

    assert_int_equal(m->can_unload_now(), S_OK);
    IClassFactory *f = factory_of(m, &m->clsid);
    assert_int_equal(m->can_unload_now(), S_FALSE);  /* a factory */
    assert_int_equal(IClassFactory_LockServer(f, TRUE), S_OK);
    IClassFactory_Release(f);
    assert_int_equal(m->can_unload_now(), S_FALSE);  /* a lock */

    f = factory_of(m, &m->client_clsid);
    assert_int_equal(IClassFactory_LockServer(f, FALSE), S_OK);
    assert_int_equal(IClassFactory_CreateInstance(f, NULL, &IID_IWbemHiPerfProvider, &unk), S_OK);
    assert_non_null(unk);
    IClassFactory_Release(f);
    assert_int_equal(m->can_unload_now(), S_FALSE);  /* a provider object */

    IWbemRefresher *r = NULL;
    assert_int_equal(IWbemHiPerfProvider_CreateRefresher((IWbemHiPerfProvider *)unk, NULL, 0, &r), WBEM_S_NO_ERROR);
    IWbemHiPerfProvider_Release((IWbemHiPerfProvider *)unk);
    assert_int_equal(m->can_unload_now(), S_FALSE);  /* a refresher (which keeps its provider) */
    IWbemRefresher_Release(r);
    assert_int_equal(m->can_unload_now(), S_OK);
}

static void factory_refuses_aggregation(void **state)
{
    struct module *m = *state;
    const CLSID *clsids[] = {&m->clsid, &m->client_clsid, &m->ordinary_clsid};
    IUnknown *outer = (IUnknown *)(void *)&outer;  /* must never be called */

    for (size_t i = 0; i < 3; i++) {
        IClassFactory *f = factory_of(m, clsids[i]);
        void *pv = (void *)&pv;
        assert_int_equal(IClassFactory_CreateInstance(f, outer, &IID_IUnknown, &pv), CLASS_E_NOAGGREGATION);
        assert_null(pv);
        IClassFactory_Release(f);
    }
    assert_int_equal(m->can_unload_now(), S_OK);
}

/* ---- the provider object -------------------------------------------------------- */

static void provider_object_has_one_com_identity(void **state)
{
    struct rpfx *f = *state;
    const IID *provider_iids[] = {&IID_IWbemProviderInit, &IID_IWbemHiPerfProvider, &IID_IWbemServices};
    const IID *refresher_iids[] = {&IID_IWbemRefresher};
    struct comcheck_result res;
    IWbemRefresher *r;

    comcheck_object(f->host, f->prov->unknown, provider_iids, 3, "provider", true, &res);
    assert_int_equal(res.findings, 0);
    assert_int_equal(res.supported, 4);  /* IUnknown and the three */
    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    comcheck_object(f->host, (IUnknown *)r, refresher_iids, 1, "refresher", true, &res);
    assert_int_equal(res.findings, 0);
    assert_int_equal(res.supported, 2);
    rpfx_release_refresher(f, r);
    assert_int_equal(ledger_count(&f->host->ledger, LEDGER_COM_RULE), 0);
}

/* A second provider object of the loaded module, made as the loader makes
 * one, with one reference charged to nobody (it is not a host object). */
static IUnknown *new_provider_object(struct rpfx *f)
{
    LPFNGETCLASSOBJECT gco;
    void *sym = dlsym(f->host->module, "DllGetClassObject"), *pv = NULL, *unk = NULL;
    memcpy(&gco, &sym, sizeof sym);
    assert_int_equal(gco(&f->prov->clsid, &IID_IClassFactory, &pv), S_OK);
    assert_int_equal(IClassFactory_CreateInstance((IClassFactory *)pv, NULL, &IID_IUnknown, &unk), S_OK);
    IClassFactory_Release((IClassFactory *)pv);
    return unk;
}

static HRESULT initialize(struct rpfx *f, IWbemProviderInit *init, LONG flags, struct initsink *sink)
{
    struct host *host = f->host;
    return HOST_CALL_PROVIDER(host, HPM_IWbemProviderInit_Initialize, init, 0, 0, 0, 0,
                              IWbemProviderInit_Initialize(init, NULL, flags, (LPWSTR)u"root\\cimv2",
                                                           (LPWSTR)u"MS_409", f->ns, NULL,
                                                           initsink_iface(sink)));
}

static void initialize_reports_through_its_sink_exactly_once(void **state)
{
    struct rpfx *f = *state;
    struct hobj *ns = rpfx_namespace_hobj(f);
    struct initsink_stats st;
    struct initsink *sink;
    void *init = NULL;

    /* As the loader saw it. */
    assert_int_equal(f->prov->init_hr, WBEM_S_NO_ERROR);
    assert_int_equal(f->prov->init_setstatus_calls, 1);
    assert_int_equal(f->prov->init_status, WBEM_S_INITIALIZED);

    /* A fresh provider object, initialized here. */
    IUnknown *p = new_provider_object(f);
    assert_int_equal(IUnknown_QueryInterface(p, &IID_IWbemProviderInit, &init), S_OK);
    assert_int_equal(initsink_new(&sink, f->host, HP_ACTOR_HOST), 0);
    assert_int_equal(initialize(f, init, 0, sink), WBEM_S_NO_ERROR);
    initsink_get_stats(sink, &st);
    assert_int_equal(st.calls, 1);
    assert_int_equal(st.first_status, WBEM_S_INITIALIZED);
    assert_int_equal(st.bad_flags, 0);
    assert_int_equal(rpfx_held(ns, HP_ACTOR_PROVIDER), 2);          /* it keeps the namespace */
    assert_int_equal(rpfx_held(initsink_hobj(sink), HP_ACTOR_PROVIDER), 0);  /* not the sink */
    hobj_unref(initsink_hobj(sink), HP_ACTOR_HOST);
    host_provider_release(f->host, init, HPM_IWbemProviderInit_Release);
    host_provider_release(f->host, p, HPM_IUnknown_Release);
    assert_int_equal(rpfx_held(ns, HP_ACTOR_PROVIDER), 1);          /* released with the object */

    /* lFlags is reserved: a failure, reported once, and nothing kept. */
    p = new_provider_object(f);
    assert_int_equal(IUnknown_QueryInterface(p, &IID_IWbemProviderInit, &init), S_OK);
    assert_int_equal(initsink_new(&sink, f->host, HP_ACTOR_HOST), 0);
    assert_int_equal(initialize(f, init, 1, sink), WBEM_E_INVALID_PARAMETER);
    initsink_get_stats(sink, &st);
    assert_int_equal(st.calls, 1);
    assert_int_equal(st.first_status, WBEM_E_FAILED);
    assert_int_equal(rpfx_held(ns, HP_ACTOR_PROVIDER), 1);
    hobj_unref(initsink_hobj(sink), HP_ACTOR_HOST);
    host_provider_release(f->host, init, HPM_IWbemProviderInit_Release);
    host_provider_release(f->host, p, HPM_IUnknown_Release);
}

/* ---- QueryInstances --------------------------------------------------------------- */

/* QueryInstances(cls) into a new sink; returns the sink (one HOST ref). */
static struct objsink *query_instances(struct rpfx *f, const char *cls, HRESULT *hr)
{
    struct host *host = f->host;
    struct objsink *sink;
    WCHAR *name = hp_utf8_to_utf16(cls, (size_t)-1, NULL);

    assert_non_null(name);
    assert_int_equal(objsink_new(&sink, f->host, HP_ACTOR_HOST, cls), 0);
    *hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_QueryInstances, f->hp, 0, 0, 0, 0,
                             IWbemHiPerfProvider_QueryInstances(f->hp, f->ns, name, 0, NULL, objsink_iface(sink)));
    free(name);
    return sink;
}

/* Checks the one-Indicate-then-one-SetStatus protocol and that the names
 * indicated are exactly `expected` (n of them, NULL names for a
 * singleton). */
static void check_indicated(struct objsink *sink, const char *key_prop, const char *const *expected, size_t n)
{
    struct objsink_stats st;
    struct objsink_event ev;

    objsink_get_stats(sink, &st);
    assert_int_equal(st.indicate_calls, 1);
    assert_int_equal(st.indicate_rejected, 0);
    assert_int_equal(st.set_status_calls, 1);
    assert_int_equal(st.complete_calls, 1);
    assert_int_equal(st.final_status, WBEM_S_NO_ERROR);
    assert_false(st.indicate_after_complete);
    assert_int_equal(st.objects, n);
    assert_true(objsink_event_get(sink, 0, &ev));
    assert_int_equal(ev.kind, OBJSINK_INDICATE);
    assert_int_equal(ev.count, (LONG)n);
    bool seen[64] = {false};
    for (LONG i = 0; key_prop && i < ev.count; i++) {
        char *name = rpfx_str(hobject_from_iface(ev.objects[i]), key_prop);
        size_t j = 0;
        while (j < n && (!name || strcmp(name, expected[j]) != 0))
            j++;
        assert_true(j < n);      /* one of the expected */
        assert_false(seen[j]);   /* once */
        seen[j] = true;
        free(name);
    }
    assert_true(objsink_event_get(sink, 1, &ev));
    assert_int_equal(ev.kind, OBJSINK_SET_STATUS);
    assert_int_equal(ev.flags, WBEM_STATUS_COMPLETE);
}

static void query_instances_indicates_then_completes_once_for_every_class(void **state)
{
    struct rpfx *f = *state;
    static const char *const cpus[] = {"0", "1", "2", "3", "_Total"};
    const char *procs[16], *threads[64];
    char thread_names[64][4];
    size_t nprocs = 0;
    int64_t sec = now_sec();
    HRESULT hr;

    for (int k = 0; k < 16; k++)
        if (proc_alive(sec, k))
            procs[nprocs++] = proc_names[k];
    assert_int_equal(nprocs, 11);  /* the worked example */
    for (int k = 0; k < 64; k++) {
        snprintf(thread_names[k], sizeof thread_names[k], "%d", k);
        threads[k] = thread_names[k];
    }

    struct objsink *s = query_instances(f, RP_CLASS_PROCESSOR, &hr);
    assert_int_equal(hr, WBEM_S_NO_ERROR);
    check_indicated(s, "Name", cpus, 5);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);

    s = query_instances(f, RP_CLASS_PROCESS, &hr);
    assert_int_equal(hr, WBEM_S_NO_ERROR);
    check_indicated(s, "Name", procs, nprocs);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);

    s = query_instances(f, RP_CLASS_SYSTEM, &hr);
    assert_int_equal(hr, WBEM_S_NO_ERROR);
    check_indicated(s, NULL, NULL, 1);
    struct objsink_event ev;
    assert_true(objsink_event_get(s, 0, &ev));
    struct hobject *sys = hobject_from_iface(ev.objects[0]);
    assert_int_equal(rpfx_u64(sys, "ProcessCount"), 11);
    assert_int_equal(rpfx_u64(sys, "Threads"), 152);
    assert_int_equal(rpfx_held(hobject_hobj(sys), HP_ACTOR_PROVIDER), 0);  /* the sink keeps it, not the provider */
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);

    s = query_instances(f, RP_CLASS_THREAD, &hr);  /* the benchmark class, default size */
    assert_int_equal(hr, WBEM_S_NO_ERROR);
    check_indicated(s, "Name", threads, 64);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);

    /* Not served through QueryInstances: status once, nothing indicated. */
    const char *bad[] = {"No_Such_Class", RP_CLASS_DISK};
    for (size_t i = 0; i < 2; i++) {
        struct objsink_stats st;
        s = query_instances(f, bad[i], &hr);
        assert_int_equal(hr, WBEM_E_INVALID_CLASS);
        objsink_get_stats(s, &st);
        assert_int_equal(st.indicate_calls, 0);
        assert_int_equal(st.set_status_calls, 1);
        assert_int_equal(st.final_status, WBEM_E_INVALID_CLASS);
        hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);
    }
    assert_int_equal(rpfx_findings(f), 0);
}

/* ---- CreateRefresher, CreateRefreshableObject ------------------------------------- */

static void create_refresher_makes_a_fresh_one_per_call_and_rejects_flags(void **state)
{
    struct rpfx *f = *state;
    struct host *host = f->host;
    IWbemRefresher *a, *b, *c = (IWbemRefresher *)(void *)&c;

    assert_int_equal(rpfx_create_refresher(f, &a), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_create_refresher(f, &b), WBEM_S_NO_ERROR);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_int_equal(HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefresher, f->hp, 0, 0, 0, 0,
                                        IWbemHiPerfProvider_CreateRefresher(f->hp, f->ns, 1, &c)),
                     WBEM_E_INVALID_PARAMETER);
    assert_null(c);
    /* Each refresher is its own: an object added to one is not in the other. */
    struct hobject *tmpl = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "0"), *obj;
    LONG id;
    assert_int_equal(rpfx_add_object(f, a, tmpl, &obj, &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_stop(f, b, id), WBEM_E_NOT_FOUND);
    assert_int_equal(rpfx_stop(f, a, id), WBEM_S_NO_ERROR);
    hobj_unref(hobject_hobj(obj), HP_ACTOR_HOST);
    hobj_unref(hobject_hobj(tmpl), HP_ACTOR_HOST);
    rpfx_release_refresher(f, a);
    rpfx_release_refresher(f, b);
}

static void create_refreshable_object_checks_the_template(void **state)
{
    struct rpfx *f = *state;
    struct hobject *obj;
    IWbemRefresher *r;
    LONG id;
    struct {
        const char *cls, *key_prop, *key;
        HRESULT want;
    } bad[] = {
        {RP_CLASS_PROCESSOR, "Name", "7", WBEM_E_NOT_FOUND},        /* no such CPU */
        {RP_CLASS_PROCESS, "Name", "wininit", WBEM_E_NOT_FOUND},    /* k = 4: phase 28, not running at T0 */
        {RP_CLASS_THREAD, "Name", "64", WBEM_E_NOT_FOUND},          /* threads 0..63 */
        {RP_CLASS_THREAD, "Name", "07", WBEM_E_NOT_FOUND},          /* keys have no leading zeros */
        {RP_CLASS_PROCESSOR, NULL, NULL, WBEM_E_INVALID_PARAMETER}, /* a NULL key */
        {RP_CLASS_DISK, "DeviceID", "C:", WBEM_E_INVALID_CLASS},    /* not a hi-perf class */
    };

    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct hobject *tmpl = rpfx_instance(f, bad[i].cls, bad[i].key_prop, bad[i].key);
        assert_non_null(tmpl);
        assert_int_equal(rpfx_add_object(f, r, tmpl, &obj, &id), bad[i].want);  /* out pointer cleared */
        assert_int_equal(id, 0);
        hobj_unref(hobject_hobj(tmpl), HP_ACTOR_HOST);
    }
    assert_int_equal(rpfx_findings(f), 0);
    rpfx_release_refresher(f, r);
}

static void create_refreshable_object_gives_a_new_object_and_an_id_unique_in_the_refresher(void **state)
{
    struct rpfx *f = *state;
    struct {
        const char *cls, *key;
    } want[] = {
        {RP_CLASS_PROCESSOR, "0"}, {RP_CLASS_PROCESSOR, "0"}, {RP_CLASS_PROCESSOR, "_total"},
        {RP_CLASS_PROCESS, "System"}, {RP_CLASS_PROCESS, "notepad"}, {RP_CLASS_SYSTEM, NULL},
        {RP_CLASS_THREAD, "63"},
    };
    enum { N = sizeof want / sizeof want[0] };
    struct hobject *tmpl[N], *obj[N];
    LONG ids[N + 1];
    IWbemRefresher *r;
    struct hpenum *e;

    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    for (int i = 0; i < N; i++) {
        tmpl[i] = rpfx_instance(f, want[i].cls, want[i].key ? "Name" : NULL, want[i].key);
        assert_int_equal(rpfx_add_object(f, r, tmpl[i], &obj[i], &ids[i]), WBEM_S_NO_ERROR);
        assert_ptr_not_equal(obj[i], tmpl[i]);  /* a new object, not the template */
        for (int j = 0; j < i; j++)
            assert_ptr_not_equal(obj[i], obj[j]);
        if (want[i].key) {
            char *key = rpfx_str(obj[i], "Name");
            assert_non_null(key);
            assert_string_equal(key, want[i].key);
            free(key);
        }
        /* Filled before it is returned; the refresher keeps one reference. */
        assert_false(rpfx_is_null(obj[i], "Timestamp_Sys100NS"));
        assert_int_equal(rpfx_u64(obj[i], "Timestamp_Sys100NS"), sys100ns(now_sec()));
        assert_int_equal(rpfx_held(hobject_hobj(obj[i]), HP_ACTOR_PROVIDER), 1);
        assert_int_equal(rpfx_held(hobject_hobj(obj[i]), HP_ACTOR_HOST), 1);
        assert_int_equal(rpfx_held(hobject_hobj(tmpl[i]), HP_ACTOR_PROVIDER), 0);
    }
    assert_int_equal(rpfx_add_enum(f, r, RP_CLASS_PROCESS, &e, &ids[N]), WBEM_S_NO_ERROR);
    for (int i = 0; i <= N; i++)
        for (int j = 0; j < i; j++)
            assert_int_not_equal(ids[i], ids[j]);
    /* Processor "0": % Processor Time (idle) = S/100 * (100 - 10). */
    assert_int_equal(rpfx_u64(obj[0], "PercentProcessorTime"), sys100ns(now_sec()) / 100 * 90);

    rpfx_release_refresher(f, r);
    for (int i = 0; i < N; i++) {
        hobj_unref(hobject_hobj(obj[i]), HP_ACTOR_HOST);
        hobj_unref(hobject_hobj(tmpl[i]), HP_ACTOR_HOST);
    }
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    assert_int_equal(rpfx_findings(f), 0);
}

/* A refresher the host made: the provider must refuse it without calling
 * it or reading anything behind its vtable pointer. */
struct foreign_refresher {
    IWbemRefresher IWbemRefresher_iface;
    int refs, calls;
};

static struct foreign_refresher *impl_from_foreign(IWbemRefresher *iface)
{
    return (struct foreign_refresher *)((char *)iface - offsetof(struct foreign_refresher, IWbemRefresher_iface));
}

static HRESULT STDMETHODCALLTYPE foreign_QueryInterface(IWbemRefresher *iface, REFIID riid, void **ppv)
{
    (void)riid;
    impl_from_foreign(iface)->calls++;
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE foreign_AddRef(IWbemRefresher *iface)
{
    impl_from_foreign(iface)->calls++;
    return (ULONG)++impl_from_foreign(iface)->refs;
}

static ULONG STDMETHODCALLTYPE foreign_Release(IWbemRefresher *iface)
{
    impl_from_foreign(iface)->calls++;
    return (ULONG)--impl_from_foreign(iface)->refs;
}

static HRESULT STDMETHODCALLTYPE foreign_Refresh(IWbemRefresher *iface, LONG flags)
{
    (void)flags;
    impl_from_foreign(iface)->calls++;
    return WBEM_S_NO_ERROR;
}

static const IWbemRefresherVtbl foreign_vtbl = {foreign_QueryInterface, foreign_AddRef, foreign_Release,
                                                foreign_Refresh};

static void create_refreshable_rejects_a_refresher_it_did_not_make(void **state)
{
    struct rpfx *f = *state;
    struct host *host = f->host;
    struct foreign_refresher foreign = {{&foreign_vtbl}, 1, 0};
    struct hobject *tmpl = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "1"), *obj;
    IWbemRefresher *theirs = NULL;
    struct hpenum *e;
    LONG id;

    assert_int_equal(rpfx_add_object(f, &foreign.IWbemRefresher_iface, tmpl, &obj, &id), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(id, 0);
    assert_int_equal(rpfx_add_enum(f, &foreign.IWbemRefresher_iface, RP_CLASS_PROCESS, &e, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(id, 0);
    assert_int_equal(rpfx_held(hpenum_hobj(e), HP_ACTOR_PROVIDER), 0);  /* not kept */
    assert_int_equal(hpenum_mod_count(e), 0);
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    assert_int_equal(rpfx_stop(f, &foreign.IWbemRefresher_iface, 1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(foreign.calls, 0);
    assert_int_equal(foreign.refs, 1);

    /* A refresher of another object of the same provider is not this one's. */
    IUnknown *other = new_provider_object(f);
    void *other_hp = NULL;
    assert_int_equal(IUnknown_QueryInterface(other, &IID_IWbemHiPerfProvider, &other_hp), S_OK);
    assert_int_equal(HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefresher, other_hp, 0, 0, 0, 0,
                                        IWbemHiPerfProvider_CreateRefresher((IWbemHiPerfProvider *)other_hp,
                                                                            f->ns, 0, &theirs)),
                     WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_object(f, theirs, tmpl, &obj, &id), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(rpfx_stop(f, theirs, 1), WBEM_E_INVALID_PARAMETER);
    rpfx_release_refresher(f, theirs);
    host_provider_release(f->host, other_hp, HPM_IWbemHiPerfProvider_Release);
    host_provider_release(f->host, other, HPM_IUnknown_Release);
    hobj_unref(hobject_hobj(tmpl), HP_ACTOR_HOST);
    assert_int_equal(rpfx_findings(f), 0);
}

/* ---- enumerators ---------------------------------------------------------------------- */

/* The Name of every member, as a bit set over proc_names; members[k] gets
 * the object holding process k (borrowed while the enumerator holds it). */
static unsigned enum_processes(struct hpenum *e, struct hobject *members[16])
{
    struct hpenum_item *items = NULL;
    size_t n = hpenum_snapshot(e, &items);
    unsigned set = 0;

    assert_true(n != (size_t)-1);
    for (int k = 0; k < 16; k++)
        members[k] = NULL;
    for (size_t i = 0; i < n; i++) {
        char *name = rpfx_str(items[i].hobject, "Name");
        int k = proc_index(name);
        assert_true(k >= 0);
        assert_false(set & (1u << k));  /* no instance twice */
        set |= 1u << k;
        members[k] = items[i].hobject;
        free(name);
    }
    hpenum_snapshot_free(items, n);
    return set;
}

static unsigned schedule(int64_t sec)
{
    unsigned set = 0;
    for (int k = 0; k < 16; k++)
        if (proc_alive(sec, k))
            set |= 1u << k;
    return set;
}

static void refreshable_enum_is_kept_and_filled_by_difference(void **state)
{
    struct rpfx *f = *state;
    struct hobject *before[16], *after[16];
    struct hpenum_stats st;
    IWbemRefresher *r;
    struct hpenum *e;
    uint64_t adds = 0, removes = 0;
    LONG id;
    int64_t t0 = rpfx_parse_time(T0);

    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum(f, r, RP_CLASS_PROCESS, &e, &id), WBEM_S_NO_ERROR);
    /* Kept (one reference of the provider's), not touched before a Refresh. */
    assert_int_equal(rpfx_held(hpenum_hobj(e), HP_ACTOR_PROVIDER), 1);
    assert_int_equal(hpenum_count(e), 0);
    assert_int_equal(hpenum_mod_count(e), 0);

    assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
    assert_int_equal(enum_processes(e, before), schedule(t0));
    assert_int_equal(hpenum_count(e), 11);
    adds++;

    /* Two minutes, a second at a time: every window of the schedule opens
     * and closes at least once. */
    for (int64_t dt = 1; dt <= 125; dt++) {
        char when[32];
        int64_t sec = t0 + dt;
        snprintf(when, sizeof when, "2024-01-01 00:%02d:%02d", (int)(dt / 60), (int)(dt % 60));
        assert_true(rpfx_set_time(when));
        unsigned old = schedule(sec - 1), now = schedule(sec);
        assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
        assert_int_equal(enum_processes(e, after), now);
        adds += (now & ~old) != 0;
        removes += (old & ~now) != 0;
        for (int k = 0; k < 16; k++) {
            if (old & now & (1u << k))
                assert_ptr_equal(after[k], before[k]);  /* an unchanged instance stays the same object */
        }
        /* Members are written in place: System's ThreadCount = 96 + sec mod 8. */
        assert_int_equal(rpfx_u64(after[1], "ThreadCount"), 96 + sec % 8);
        memcpy(before, after, sizeof before);
    }
    hpenum_get_stats(e, &st);
    assert_int_equal(st.remove_all_calls, 0);
    assert_int_equal(st.add_calls, adds);
    assert_int_equal(st.remove_calls, removes);
    assert_int_equal(st.outside_window, 0);
    assert_true(adds > 5 && removes > 5);

    rpfx_release_refresher(f, r);
    assert_int_equal(rpfx_held(hpenum_hobj(e), HP_ACTOR_PROVIDER), 0);
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    assert_int_equal(rpfx_findings(f), 0);
}

static void refresh_of_the_worked_example_removes_two_and_adds_one(void **state)
{
    struct rpfx *f = *state;
    struct hobject *m[16];
    struct hpenum_stats st;
    IWbemRefresher *r;
    struct hpenum *e;
    LONG id;

    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum(f, r, RP_CLASS_PROCESS, &e, &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_count(e), 11);
    assert_true(rpfx_set_time("2024-01-01 00:00:05"));
    assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
    hpenum_get_stats(e, &st);
    assert_int_equal(st.count, 10);
    assert_int_equal(st.add_calls, 2);
    assert_int_equal(st.remove_calls, 1);
    unsigned set = enum_processes(e, m);
    assert_false(set & (1u << 3));   /* csrss gone */
    assert_false(set & (1u << 15));  /* notepad gone */
    assert_true(set & (1u << 8));    /* svchost#1 new */
    /* The journal shows one RemoveObjects of two ids and one AddObjects of
     * one object for this Refresh. */
    uint64_t end = journal_next_seq(&f->host->journal);
    int removes = 0, adds = 0;
    for (uint64_t s = end > 4096 ? end - 4096 : 0; s < end; s++) {
        struct journal_rec rec;
        if (!journal_get(&f->host->journal, s, &rec) || rec.kind != JOURNAL_CALL)
            continue;
        if (rec.method == HPM_IWbemHiPerfEnum_RemoveObjects && rec.hr == WBEM_S_NO_ERROR) {
            removes++;
            assert_int_equal(rec.arg[1], 2);
        }
        if (rec.method == HPM_IWbemHiPerfEnum_AddObjects && rec.hr == WBEM_S_NO_ERROR && rec.arg[1] == 1)
            adds++;
    }
    assert_int_equal(removes, 1);
    assert_int_equal(adds, 1);
    rpfx_release_refresher(f, r);
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
}

/* ---- StopRefreshing ------------------------------------------------------------------------ */

static void stop_refreshing_removes_exactly_that_entry(void **state)
{
    struct rpfx *f = *state;
    struct hobject *t0 = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "0");
    struct hobject *t1 = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "1");
    struct hobject *t2 = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "2");
    struct hobject *a, *b, *c, *c_first, *m[16];
    IWbemRefresher *r, *r2;
    struct hpenum *e;
    LONG ida, idb, idc, ide;

    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_create_refresher(f, &r2), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_object(f, r, t0, &a, &ida), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_object(f, r, t1, &b, &idb), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum(f, r, RP_CLASS_PROCESS, &e, &ide), WBEM_S_NO_ERROR);
    /* In another refresher, an entry with the same id as b. */
    assert_int_equal(rpfx_add_object(f, r2, t2, &c_first, &idc), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_object(f, r2, t2, &c, &idc), WBEM_S_NO_ERROR);
    hobj_unref(hobject_hobj(c_first), HP_ACTOR_HOST);  /* the refresher keeps its own */
    assert_int_equal(idc, idb);
    assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_refresh(f, r2, NULL, 0), WBEM_S_NO_ERROR);

    uint64_t a0 = rpfx_u64(a, "PercentProcessorTime"), b0 = rpfx_u64(b, "PercentProcessorTime");
    uint64_t c0 = rpfx_u64(c, "PercentProcessorTime");
    assert_int_equal(rpfx_stop(f, r, idb), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_held(hobject_hobj(b), HP_ACTOR_PROVIDER), 0);  /* released at once */

    assert_true(rpfx_set_time("2024-01-01 00:00:05"));
    assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_refresh(f, r2, NULL, 0), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_u64(a, "PercentProcessorTime"), a0 + 5 * 9000000);  /* 5 s of 90 % idle */
    assert_int_equal(rpfx_u64(b, "PercentProcessorTime"), b0);                /* stopped: not written */
    assert_int_equal(rpfx_u64(c, "PercentProcessorTime"), c0 + 5 * 6000000);  /* same id, other refresher */
    assert_int_equal(enum_processes(e, m), schedule(rpfx_parse_time("2024-01-01 00:00:05")));

    /* Unknown ids: an error, not a crash, and nothing else stopped. */
    assert_int_equal(rpfx_stop(f, r, idb), WBEM_E_NOT_FOUND);
    assert_int_equal(rpfx_stop(f, r, 9999), WBEM_E_NOT_FOUND);
    assert_int_equal(rpfx_stop(f, r, -1), WBEM_E_NOT_FOUND);

    /* Stopping the enumerator: released with its members, never touched again. */
    struct hobject *members[16];
    enum_processes(e, members);
    assert_int_equal(rpfx_stop(f, r, ide), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_held(hpenum_hobj(e), HP_ACTOR_PROVIDER), 0);
    for (int k = 0; k < 16; k++)
        if (members[k])
            assert_int_equal(rpfx_held(hobject_hobj(members[k]), HP_ACTOR_PROVIDER), 0);
    uint64_t mods = hpenum_mod_count(e);
    assert_true(rpfx_set_time("2024-01-01 00:00:31"));  /* the schedule has changed again */
    assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_mod_count(e), mods);
    assert_int_equal(rpfx_u64(a, "PercentProcessorTime"), a0 + 31 * 9000000);

    rpfx_release_refresher(f, r);
    rpfx_release_refresher(f, r2);
    struct hobject *mine[] = {a, b, c, t0, t1, t2};
    for (size_t i = 0; i < 6; i++)
        hobj_unref(hobject_hobj(mine[i]), HP_ACTOR_HOST);
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    assert_int_equal(rpfx_findings(f), 0);
}

/* ---- GetObjects ----------------------------------------------------------------------------- */

static HRESULT get_objects(struct rpfx *f, struct hobject **objs, LONG n)
{
    struct host *host = f->host;
    IWbemObjectAccess *acc[8];
    for (LONG i = 0; i < n; i++)
        acc[i] = hobject_access(objs[i]);
    return HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_GetObjects, f->hp, n, 0, 0, 0,
                              IWbemHiPerfProvider_GetObjects(f->hp, f->ns, n, acc, 0, NULL));
}

static void get_objects_fills_objects_by_key(void **state)
{
    struct rpfx *f = *state;
    int64_t sec = now_sec();
    struct hobject *o[3] = {
        rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "2"),
        rpfx_instance(f, RP_CLASS_PROCESS, "Name", "System"),
        rpfx_instance(f, RP_CLASS_SYSTEM, NULL, NULL),
    };

    assert_int_equal(get_objects(f, o, 3), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_u64(o[0], "PercentProcessorTime"), sys100ns(sec) / 100 * 60);
    /* T = CLOCK_MONOTONIC in 100 ns, the same instant under libfaketime. */
    assert_int_equal(rpfx_u64(o[0], "InterruptsPersec"), (uint32_t)((uint64_t)sec * 100 * 20));
    assert_int_equal(rpfx_u64(o[0], "DPCRate"), (uint64_t)(sec + 6) % 17);
    assert_int_equal(rpfx_u64(o[1], "ThreadCount"), 96 + sec % 8);
    assert_int_equal(rpfx_u64(o[1], "IDProcess"), 4);
    assert_int_equal(rpfx_u64(o[2], "ProcessCount"), 11);
    assert_int_equal(rpfx_u64(o[2], "Threads"), 152);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rpfx_held(hobject_hobj(o[i]), HP_ACTOR_PROVIDER), 0);
        hobj_unref(hobject_hobj(o[i]), HP_ACTOR_HOST);
    }

    /* One unknown key: WBEM_E_NOT_FOUND and nothing written, even to the
     * known one. */
    o[0] = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "3");
    o[1] = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "9");
    assert_int_equal(get_objects(f, o, 2), WBEM_E_NOT_FOUND);
    assert_true(rpfx_is_null(o[0], "PercentProcessorTime"));
    assert_true(rpfx_is_null(o[0], "Timestamp_Sys100NS"));
    hobj_unref(hobject_hobj(o[0]), HP_ACTOR_HOST);
    hobj_unref(hobject_hobj(o[1]), HP_ACTOR_HOST);
    assert_int_equal(rpfx_findings(f), 0);
}

/* ---- releasing and unloading ---------------------------------------------------------------- */

static void releasing_a_refresher_releases_everything_it_holds(void **state)
{
    struct rpfx *f = *state;
    struct hobject *tmpl[3] = {
        rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "3"),
        rpfx_instance(f, RP_CLASS_PROCESS, "Name", "Idle"),
        rpfx_instance(f, RP_CLASS_SYSTEM, NULL, NULL),
    };
    struct hobject *obj[3];
    struct hpenum *e[2];
    struct hpenum_item *items[2];
    size_t nitems[2];
    IWbemRefresher *r;
    LONG id;

    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rpfx_add_object(f, r, tmpl[i], &obj[i], &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum(f, r, RP_CLASS_PROCESS, &e[0], &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum(f, r, RP_CLASS_THREAD, &e[1], &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_refresh(f, r, e, 2), WBEM_S_NO_ERROR);
    assert_true(rpfx_set_time("2024-01-01 00:00:05"));
    assert_int_equal(rpfx_refresh(f, r, e, 2), WBEM_S_NO_ERROR);
    long held = ledger_held(&f->host->ledger, HP_ACTOR_PROVIDER);
    for (int i = 0; i < 2; i++) {
        nitems[i] = hpenum_snapshot(e[i], &items[i]);
        assert_true(nitems[i] > 0 && nitems[i] != (size_t)-1);
    }
    assert_int_equal(nitems[0] + nitems[1], 10 + 64);

    /* The provider's references: 3 objects, 2 enumerators with the class
     * object each keeps to spawn members from, 74 members. */
    rpfx_release_refresher(f, r);
    assert_int_equal(ledger_held(&f->host->ledger, HP_ACTOR_PROVIDER), held - 3 - 2 * 2 - 74);
    for (int i = 0; i < 3; i++)
        assert_int_equal(rpfx_held(hobject_hobj(obj[i]), HP_ACTOR_PROVIDER), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(rpfx_held(hpenum_hobj(e[i]), HP_ACTOR_PROVIDER), 0);
        for (size_t j = 0; j < nitems[i]; j++)
            assert_int_equal(rpfx_held(hobject_hobj(items[i][j].hobject), HP_ACTOR_PROVIDER), 0);
        hpenum_snapshot_free(items[i], nitems[i]);
        hobj_unref(hpenum_hobj(e[i]), HP_ACTOR_HOST);
    }
    for (int i = 0; i < 3; i++) {
        hobj_unref(hobject_hobj(obj[i]), HP_ACTOR_HOST);
        hobj_unref(hobject_hobj(tmpl[i]), HP_ACTOR_HOST);
    }
    assert_int_equal(rpfx_findings(f), 0);
}

static void provider_holds_its_namespace_once_and_nothing_after_unload(void **state)
{
    struct rpfx *f = *state;
    struct hobj *ns = rpfx_namespace_hobj(f);
    IWbemRefresher *r;
    struct hpenum *e;
    HRESULT hr, can_unload = E_FAIL;
    LONG id;

    assert_non_null(ns);
    assert_int_equal(rpfx_held(ns, HP_ACTOR_PROVIDER), 1);
    assert_int_equal(ledger_held(&f->host->ledger, HP_ACTOR_PROVIDER), 1);  /* nothing else yet */

    /* Work that makes it cache class objects, then drop everything. */
    struct objsink *s = query_instances(f, RP_CLASS_PROCESS, &hr);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);
    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum(f, r, RP_CLASS_SYSTEM, &e, &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_refresh(f, r, &e, 1), WBEM_S_NO_ERROR);
    rpfx_release_refresher(f, r);
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    assert_int_equal(rpfx_held(ns, HP_ACTOR_PROVIDER), 1);

    host_unload_providers(f->host, &can_unload);
    assert_int_equal(can_unload, S_OK);
    assert_int_equal(rpfx_held(ns, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(ledger_held(&f->host->ledger, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(ledger_check_leaks(&f->host->ledger, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(rpfx_findings(f), 0);
}

/* ---- values and the fake clock ---------------------------------------------------------------- */

#define NVALUES 12

/* A whole run at `when`: load, one refresher, Refresh, read, unload. */
static void values_at(const char *when, uint64_t out[NVALUES])
{
    static const char *const props[] = {"PercentProcessorTime", "PercentUserTime", "InterruptsPersec",
                                        "DPCRate", "C1TransitionsPersec", "Timestamp_PerfTime"};
    struct rpfx f;
    struct hobject *tmpl[2], *obj[2], *sys_t, *sys;
    IWbemRefresher *r;
    HRESULT can_unload;
    LONG id;
    int n = 0;

    assert_true(rpfx_set_time(when));
    assert_int_equal(rpfx_open(&f), 0);
    tmpl[0] = rpfx_instance(&f, RP_CLASS_PROCESSOR, "Name", "0");
    tmpl[1] = rpfx_instance(&f, RP_CLASS_PROCESSOR, "Name", "_Total");
    sys_t = rpfx_instance(&f, RP_CLASS_SYSTEM, NULL, NULL);
    assert_int_equal(rpfx_create_refresher(&f, &r), WBEM_S_NO_ERROR);
    for (int i = 0; i < 2; i++)
        assert_int_equal(rpfx_add_object(&f, r, tmpl[i], &obj[i], &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_object(&f, r, sys_t, &sys, &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_refresh(&f, r, NULL, 0), WBEM_S_NO_ERROR);
    for (int i = 0; i < 2; i++)
        for (int p = 0; p < 5; p++)
            out[n++] = rpfx_u64(obj[i], props[p]);
    out[n++] = rpfx_u64(sys, "ProcessCount");
    out[n++] = rpfx_u64(sys, "Threads");
    assert_int_equal(n, NVALUES);
    rpfx_release_refresher(&f, r);
    struct hobject *mine[] = {tmpl[0], tmpl[1], obj[0], obj[1], sys_t, sys};
    for (size_t i = 0; i < 6; i++)
        hobj_unref(hobject_hobj(mine[i]), HP_ACTOR_HOST);
    rpfx_close(&f, &can_unload);
    assert_int_equal(can_unload, S_OK);
}

static void values_are_a_function_of_the_fake_clock(void **state)
{
    uint64_t a[NVALUES], b[NVALUES];
    (void)state;

    /* Two runs at one instant report the same numbers. */
    values_at("2025-01-01 00:00:00", a);
    values_at("2025-01-01 00:00:00", b);
    assert_memory_equal(a, b, sizeof a);
    /* And a different instant different ones. */
    values_at("2025-01-01 00:00:01", b);
    assert_memory_not_equal(a, b, sizeof a);

    /* The worked example: _Total's PercentProcessorTime and DPCRate, and
     * the system's 11 processes with 152 threads. */
    values_at(T0, a);
    assert_int_equal(a[5 + 0], UINT64_C(90102650400000000));
    assert_int_equal(a[5 + 3], 22);
    assert_int_equal(a[10], 11);
    assert_int_equal(a[11], 152);
}

static void counters_move_by_the_documented_formula_when_the_clock_advances(void **state)
{
    struct rpfx *f = *state;
    struct hobject *tmpl = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", "0"), *o;
    IWbemRefresher *r;
    LONG id;
    int64_t sec = rpfx_parse_time(T0);

    assert_int_equal(rpfx_create_refresher(f, &r), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_object(f, r, tmpl, &o, &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_refresh(f, r, NULL, 0), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_u64(o, "Timestamp_Sys100NS"), UINT64_C(133485408000000000));
    assert_int_equal(rpfx_u64(o, "PercentProcessorTime"), UINT64_C(133485408000000000) / 100 * 90);
    uint64_t ppt = rpfx_u64(o, "PercentProcessorTime"), put = rpfx_u64(o, "PercentUserTime");
    uint64_t irq = rpfx_u64(o, "InterruptsPersec"), c1 = rpfx_u64(o, "C1TransitionsPersec");
    uint64_t ts = rpfx_u64(o, "Timestamp_Sys100NS"), tp = rpfx_u64(o, "Timestamp_PerfTime");
    assert_int_equal(rpfx_u64(o, "DPCRate"), (uint64_t)sec % 17);

    /* +1 s: 90 % idle, 6 % user, 1000 interrupts/s, 300 C1 transitions/s. */
    assert_true(rpfx_set_time("2024-01-01 00:00:01"));
    assert_int_equal(rpfx_refresh(f, r, NULL, 0), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_u64(o, "Timestamp_Sys100NS") - ts, 10000000);
    assert_int_equal(rpfx_u64(o, "Timestamp_PerfTime") - tp, 10000000);
    assert_int_equal(rpfx_u64(o, "PercentProcessorTime") - ppt, 9000000);
    assert_int_equal(rpfx_u64(o, "PercentUserTime") - put, 600000);
    assert_int_equal(rpfx_u64(o, "InterruptsPersec") - irq, 1000);
    assert_int_equal(rpfx_u64(o, "C1TransitionsPersec") - c1, 300);
    assert_int_equal(rpfx_u64(o, "DPCRate"), (uint64_t)(sec + 1) % 17);
    /* Frequencies: written once, constant. */
    assert_int_equal(rpfx_u64(o, "Frequency_PerfTime"), 10000000);
    assert_int_equal(rpfx_u64(o, "Frequency_Sys100NS"), 10000000);

    /* Half a second more: fractions of a second move the 100 ns timers. */
    assert_true(rpfx_set_time("2024-01-01 00:00:01.500000000"));
    assert_int_equal(rpfx_refresh(f, r, NULL, 0), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_u64(o, "Timestamp_Sys100NS") - ts, 15000000);
    assert_int_equal(rpfx_u64(o, "PercentProcessorTime") - ppt, 13500000);
    assert_int_equal(rpfx_u64(o, "InterruptsPersec") - irq, 1500);

    /* A stopped clock: another Refresh changes nothing. */
    uint64_t again = rpfx_u64(o, "PercentProcessorTime");
    assert_int_equal(rpfx_refresh(f, r, NULL, 0), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_u64(o, "PercentProcessorTime"), again);

    rpfx_release_refresher(f, r);
    hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
    hobj_unref(hobject_hobj(tmpl), HP_ACTOR_HOST);
}

/* ---- the ordinary provider ------------------------------------------------------------------- */

/* One async IWbemServices call into a new sink; the sink (one HOST ref). */
static struct objsink *call_async(struct rpfx *f, IWbemServices *svc, int which, const WCHAR *a, const WCHAR *b,
                                  HRESULT *hr)
{
    struct host *host = f->host;
    struct objsink *sink;
    BSTR x = SysAllocString(a), y = b ? SysAllocString(b) : NULL;

    assert_int_equal(objsink_new(&sink, f->host, HP_ACTOR_HOST, "ordinary"), 0);
    IWbemObjectSink *s = objsink_iface(sink);
    if (which == 0)
        *hr = HOST_CALL_PROVIDER(host, HPM_IWbemServices_GetObjectAsync, svc, 0, 0, 0, 0,
                                 IWbemServices_GetObjectAsync(svc, x, 0, NULL, s));
    else if (which == 1)
        *hr = HOST_CALL_PROVIDER(host, HPM_IWbemServices_CreateInstanceEnumAsync, svc, 0, 0, 0, 0,
                                 IWbemServices_CreateInstanceEnumAsync(svc, x, 0, NULL, s));
    else
        *hr = HOST_CALL_PROVIDER(host, HPM_IWbemServices_ExecQueryAsync, svc, 0, 0, 0, 0,
                                 IWbemServices_ExecQueryAsync(svc, x, y, 0, NULL, s));
    SysFreeString(x);
    SysFreeString(y);
    return sink;
}

static void check_once(struct objsink *s, size_t objects, HRESULT status)
{
    struct objsink_stats st;
    objsink_get_stats(s, &st);
    assert_int_equal(st.indicate_calls, objects ? 1 : 0);
    assert_int_equal(st.objects, objects);
    assert_int_equal(st.set_status_calls, 1);
    assert_int_equal(st.complete_calls, 1);
    assert_int_equal(st.final_status, status);
    assert_false(st.indicate_after_complete);
}

static void ordinary_provider_serves_its_disks_through_iwbemservices(void **state)
{
    struct rpfx *f = *state;
    const struct repo_provider *reg = repo_provider(f->repo, "HiPerfCheck_Ordinary");
    struct hostprov *p;
    struct objsink_event ev;
    struct objsink *s;
    int64_t sec = now_sec();
    HRESULT hr;

    assert_non_null(reg);
    assert_int_equal(host_load_provider(f->host, reg, HOSTPROV_IN_WMI, 5000, &p), 0);
    assert_null(p->hiperf);
    assert_non_null(p->services);
    assert_int_equal(p->init_setstatus_calls, 1);

    s = call_async(f, p->services, 0, u"HiPerfCheck_Disk.DeviceID=\"C:\"", NULL, &hr);
    assert_int_equal(hr, WBEM_S_NO_ERROR);
    check_once(s, 1, WBEM_S_NO_ERROR);
    assert_true(objsink_event_get(s, 0, &ev));
    struct hobject *c = hobject_from_iface(ev.objects[0]);
    char *id = rpfx_str(c, "DeviceID");
    assert_string_equal(id, "C:");
    free(id);
    assert_int_equal(rpfx_u64(c, "Size"), UINT64_C(274877906944));
    assert_int_equal(rpfx_u64(c, "FreeSpace"), UINT64_C(137438953472) - 4096 * (uint64_t)(sec % 3600));
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);

    s = call_async(f, p->services, 1, u"HiPerfCheck_Disk", NULL, &hr);
    assert_int_equal(hr, WBEM_S_NO_ERROR);
    check_once(s, 2, WBEM_S_NO_ERROR);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);

    s = call_async(f, p->services, 2, u"WQL", u"SELECT * FROM HiPerfCheck_Disk", &hr);
    assert_int_equal(hr, WBEM_S_NO_ERROR);
    check_once(s, 2, WBEM_S_NO_ERROR);
    assert_true(objsink_event_get(s, 0, &ev));
    for (int i = 0; i < 2; i++) {
        struct hobject *d = hobject_from_iface(ev.objects[i]);
        char *name = rpfx_str(d, "DeviceID");
        if (!strcmp(name, "D:"))
            assert_int_equal(rpfx_u64(d, "FreeSpace"), UINT64_C(824633720832) - 65536 * (uint64_t)(sec % 600));
        free(name);
    }
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);

    /* Failures: reported once through the sink, returned the same. */
    s = call_async(f, p->services, 0, u"HiPerfCheck_Disk.DeviceID=\"E:\"", NULL, &hr);
    assert_int_equal(hr, WBEM_E_NOT_FOUND);
    check_once(s, 0, WBEM_E_NOT_FOUND);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);
    s = call_async(f, p->services, 2, u"SQL", u"SELECT * FROM HiPerfCheck_Disk", &hr);
    assert_int_equal(hr, WBEM_E_INVALID_QUERY_TYPE);
    check_once(s, 0, WBEM_E_INVALID_QUERY_TYPE);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);
    s = call_async(f, p->services, 1, u"Win32_PerfRawData_HiPerfCheck_Processor", NULL, &hr);
    assert_int_equal(hr, WBEM_E_INVALID_CLASS);  /* not this provider's class */
    check_once(s, 0, WBEM_E_INVALID_CLASS);
    hobj_unref(objsink_hobj(s), HP_ACTOR_HOST);
    assert_int_equal(rpfx_findings(f), 0);
}

int main(void)
{
    const struct CMUnitTest server[] = {
        cmocka_unit_test(server_serves_both_registered_clsids_and_refuses_an_unknown_one),
        cmocka_unit_test(server_can_unload_only_when_no_object_or_lock_is_alive),
        cmocka_unit_test(factory_refuses_aggregation),
    };
    const struct CMUnitTest provider[] = {
        cmocka_unit_test_setup_teardown(provider_object_has_one_com_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(initialize_reports_through_its_sink_exactly_once, setup, teardown),
        cmocka_unit_test_setup_teardown(query_instances_indicates_then_completes_once_for_every_class, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(create_refresher_makes_a_fresh_one_per_call_and_rejects_flags, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(create_refreshable_object_checks_the_template, setup, teardown),
        cmocka_unit_test_setup_teardown(
            create_refreshable_object_gives_a_new_object_and_an_id_unique_in_the_refresher, setup, teardown),
        cmocka_unit_test_setup_teardown(create_refreshable_rejects_a_refresher_it_did_not_make, setup, teardown),
        cmocka_unit_test_setup_teardown(refreshable_enum_is_kept_and_filled_by_difference, setup, teardown),
        cmocka_unit_test_setup_teardown(refresh_of_the_worked_example_removes_two_and_adds_one, setup, teardown),
        cmocka_unit_test_setup_teardown(stop_refreshing_removes_exactly_that_entry, setup, teardown),
        cmocka_unit_test_setup_teardown(get_objects_fills_objects_by_key, setup, teardown),
        cmocka_unit_test_setup_teardown(releasing_a_refresher_releases_everything_it_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(provider_holds_its_namespace_once_and_nothing_after_unload, setup,
                                        teardown),
        cmocka_unit_test(values_are_a_function_of_the_fake_clock),
        cmocka_unit_test_setup_teardown(counters_move_by_the_documented_formula_when_the_clock_advances, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(ordinary_provider_serves_its_disks_through_iwbemservices, setup, teardown),
    };

    if (!rpfx_faketime_active()) {
        printf("SKIP: libfaketime is not driving the clock (run under CTest, which preloads libfaketimeMT "
               "with FAKETIME_TIMESTAMP_FILE and FAKETIME_NO_CACHE=1)\n");
        return 77;
    }
    hp_actor_set(HP_ACTOR_HOST);
    int failed = cmocka_run_group_tests_name("refprov_server", server, setup_module, teardown_module);
    failed += cmocka_run_group_tests_name("refprov", provider, NULL, NULL);
    return failed ? 1 : 0;
}
