/*
 * tests/mocks/test_locator.c - COM activation as the host serves it
 * (locator.h): the four locator classes give an IWbemLocator for
 * IID_IWbemLocator and IID_IUnknown and E_NOINTERFACE otherwise,
 * CLSID_WbemContext gives a working context, CLSID_WbemRefresher is not
 * served; the provider's locator requests are tallied (admin, other, the
 * first other), every call is journaled with the class, a fault rule fails
 * the next served call, host_free withdraws the classes and a second host
 * serves on top of the first until it is freed.  The locator follows the COM
 * rules of QueryInterface and reference counting (an over-release is
 * recorded, not a crash), and ConnectServer opens the host's one namespace
 * by every local spelling of its path, charging the reference to the
 * caller, and refuses everything else with its own code and a NULL
 * *ppNamespace.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "locator.h"
#include "namespace.h"

#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

static const CLSID *const locator_classes[] = {
    &CLSID_WbemLocator,
    &CLSID_WbemAdministrativeLocator,
    &CLSID_WbemAuthenticatedLocator,
    &CLSID_WbemUnauthenticatedLocator,
};
#define NLOCATORS (sizeof locator_classes / sizeof locator_classes[0])

/* A class nobody serves. */
static const CLSID clsid_unknown = {0x5eed0001, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};

struct fx {
    struct host *host;
    struct host *second;         /* a test's second host (freed by the teardown if the test stopped) */
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    struct host_options opts = {.namespace_path = "root\\cimv2"};
    if (!x || host_new(&x->host, NULL, &opts) != 0)
        return -1;
    hp_actor_set(HP_ACTOR_PROVIDER);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    hp_actor_set(HP_ACTOR_HOST);
    host_free(x->second);
    host_free(x->host);
    free(x);
    return 0;
}

static HRESULT co(const CLSID *clsid, const IID *iid, void **ppv)
{
    return CoCreateInstance(clsid, NULL, CLSCTX_INPROC_SERVER, iid, ppv);
}

static IWbemLocator *new_locator(const CLSID *clsid)
{
    void *p = NULL;
    assert_int_equal(co(clsid, &IID_IWbemLocator, &p), S_OK);
    assert_non_null(locator_hobj(p));
    return p;
}

static BSTR bstr(const WCHAR *s)
{
    return s ? SysAllocString(s) : NULL;
}

/* ConnectServer with BSTRs made (and freed) here. */
static HRESULT connect_full(IWbemLocator *loc, const WCHAR *path, const WCHAR *user, const WCHAR *password,
                            const WCHAR *locale, LONG flags, const WCHAR *authority, IWbemContext *ctx,
                            IWbemServices **out)
{
    BSTR b[5] = {bstr(path), bstr(user), bstr(password), bstr(locale), bstr(authority)};
    HRESULT hr = IWbemLocator_ConnectServer(loc, b[0], b[1], b[2], b[3], flags, b[4], ctx, out);
    for (int i = 0; i < 5; i++)
        SysFreeString(b[i]);
    return hr;
}

static HRESULT connect(IWbemLocator *loc, const WCHAR *path, IWbemServices **out)
{
    return connect_full(loc, path, NULL, NULL, NULL, 0, NULL, NULL, out);
}

static long provider_held(struct fx *x)
{
    return ledger_held(&x->host->ledger, HP_ACTOR_PROVIDER);
}

/* The provider holds nothing and nothing went wrong. */
static void assert_clean(struct fx *x)
{
    assert_int_equal(ledger_check_leaks(&x->host->ledger, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
}

static bool has_text(struct journal *j, const struct journal_rec *r, const char *needle)
{
    struct hp_buf b = {0};
    journal_format(j, r, &b);
    bool found = b.s && strstr(b.s, needle);
    if (!found)
        print_error("\"%s\" not in: %s\n", needle, b.s ? b.s : "(null)");
    hp_buf_free(&b);
    return found;
}

/* The CoCreateInstance records from seq `from` on, at most max of them. */
static size_t co_records(struct journal *j, uint64_t from, struct journal_rec *out, size_t max)
{
    size_t n = 0;
    for (uint64_t s = from; s < journal_next_seq(j) && n < max; s++)
        if (journal_get(j, s, &out[n]) && out[n].kind == JOURNAL_CALL && out[n].method == HPM_CO_CREATE_INSTANCE)
            n++;
    return n;
}

/* ---- The classes served ----------------------------------------------------- */

static void each_locator_class_gives_a_locator_for_iwbemlocator_and_iunknown(void **state)
{
    struct fx *x = *state;
    static const IID *const iids[] = {&IID_IWbemLocator, &IID_IUnknown};
    static const DWORD contexts[] = {CLSCTX_INPROC_SERVER, CLSCTX_ALL};
    for (size_t c = 0; c < NLOCATORS; c++)
        for (size_t i = 0; i < 2; i++)
            for (size_t k = 0; k < 2; k++) {
                void *p = GARBAGE;
                assert_int_equal(CoCreateInstance(locator_classes[c], NULL, contexts[k], iids[i], &p), S_OK);
                struct hobj *h = locator_hobj(p);
                assert_non_null(h);
                assert_ptr_equal(h->ledger, &x->host->ledger);
                /* One reference, the caller's. */
                assert_int_equal(atomic_load(&h->refs), 1);
                assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 1);
                assert_int_equal(atomic_load(&h->by[HP_ACTOR_HOST]), 0);
                assert_int_equal(provider_held(x), 1);
                assert_int_equal(IWbemLocator_Release((IWbemLocator *)p), 0);
                assert_false(hobj_alive(h));
            }
    /* Two calls give two objects. */
    IWbemLocator *a = new_locator(&CLSID_WbemLocator), *b = new_locator(&CLSID_WbemLocator);
    assert_ptr_not_equal(a, b);
    IWbemLocator_Release(a);
    IWbemLocator_Release(b);
    assert_clean(x);
}

static void a_locator_class_refuses_other_interfaces(void **state)
{
    struct fx *x = *state;
    static const IID *const iids[] = {&IID_IWbemServices, &IID_IWbemContext, &IID_IWbemRefresher,
                                      &IID_IClassFactory};
    for (size_t c = 0; c < NLOCATORS; c++)
        for (size_t i = 0; i < sizeof iids / sizeof iids[0]; i++) {
            void *p = GARBAGE;
            assert_int_equal(co(locator_classes[c], iids[i], &p), E_NOINTERFACE);
            assert_null(p);
        }
    assert_int_equal(provider_held(x), 0);
    assert_clean(x);
}

static void the_context_class_gives_a_working_context(void **state)
{
    struct fx *x = *state;
    void *p = GARBAGE, *q = GARBAGE;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, &p), S_OK);
    assert_int_equal(co(&CLSID_WbemContext, &IID_IUnknown, &q), S_OK);
    assert_ptr_not_equal(p, q);
    struct hcontext *c = context_from_iface(p);
    assert_non_null(c);
    assert_non_null(context_from_iface(q));
    assert_int_equal(context_count(c), 0);                  /* empty */
    assert_int_equal(atomic_load(&context_hobj(c)->by[HP_ACTOR_PROVIDER]), 1);
    assert_int_equal(atomic_load(&context_hobj(c)->by[HP_ACTOR_HOST]), 0);

    IWbemContext *ctx = p;
    VARIANT v, out;
    VariantInit(&v);
    V_VT(&v) = VT_I4;
    V_I4(&v) = 42;
    assert_int_equal(IWbemContext_SetValue(ctx, u"Answer", 0, &v), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_GetValue(ctx, u"answer", 0, &out), WBEM_S_NO_ERROR);
    assert_int_equal(V_VT(&out), VT_I4);
    assert_int_equal(V_I4(&out), 42);
    assert_int_equal(context_count(context_from_iface(q)), 0);   /* the other one is its own */

    void *r = GARBAGE;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemLocator, &r), E_NOINTERFACE);
    assert_null(r);

    IWbemContext_Release(ctx);
    IUnknown_Release((IUnknown *)q);
    assert_false(hobj_alive(context_hobj(c)));
    assert_clean(x);
}

static void the_refresher_class_and_unknown_classes_are_not_served(void **state)
{
    struct fx *x = *state;
    void *p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemRefresher, &IID_IWbemRefresher, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemRefresher, &IID_IUnknown, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemClassObject, &IID_IUnknown, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(co(&clsid_unknown, &IID_IUnknown, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    assert_clean(x);
}

static void the_classes_are_in_process_servers_without_aggregation(void **state)
{
    struct fx *x = *state;
    void *p = GARBAGE;
    assert_int_equal(CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_LOCAL_SERVER, &IID_IWbemLocator, &p),
                     REGDB_E_CLASSNOTREG);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(CoCreateInstance(&CLSID_WbemContext, NULL, CLSCTX_REMOTE_SERVER, &IID_IWbemContext, &p),
                     REGDB_E_CLASSNOTREG);
    assert_null(p);

    IWbemContext *outer = NULL;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, (void **)&outer), S_OK);
    p = GARBAGE;
    assert_int_equal(CoCreateInstance(&CLSID_WbemAdministrativeLocator, (IUnknown *)outer, CLSCTX_INPROC_SERVER,
                                      &IID_IWbemLocator, &p),
                     CLASS_E_NOAGGREGATION);
    assert_null(p);
    assert_int_equal(provider_held(x), 1);      /* the outer context only */
    IWbemContext_Release(outer);
    assert_clean(x);
}

/* ---- The host's books --------------------------------------------------- */

static void the_providers_locator_requests_are_tallied(void **state)
{
    struct fx *x = *state;
    struct locator_requests r;
    host_locator_requests(x->host, &r);
    assert_int_equal(r.admin, 0);
    assert_int_equal(r.other, 0);

    IWbemLocator *l[6];
    l[0] = new_locator(&CLSID_WbemAdministrativeLocator);
    l[1] = new_locator(&CLSID_WbemUnauthenticatedLocator);
    l[2] = new_locator(&CLSID_WbemAdministrativeLocator);
    l[3] = new_locator(&CLSID_WbemLocator);
    l[4] = new_locator(&CLSID_WbemAuthenticatedLocator);
    /* Contexts and classes not served are no locator requests. */
    void *p = NULL;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, &p), S_OK);
    IWbemContext_Release((IWbemContext *)p);
    co(&CLSID_WbemRefresher, &IID_IUnknown, &p);
    host_locator_requests(x->host, &r);
    assert_int_equal(r.admin, 2);
    assert_int_equal(r.other, 3);
    assert_true(IsEqualGUID(&r.first_other, &CLSID_WbemUnauthenticatedLocator));

    /* A request that fails is still what the provider asked for. */
    assert_int_equal(co(&CLSID_WbemAdministrativeLocator, &IID_IWbemServices, &p), E_NOINTERFACE);
    host_locator_requests(x->host, &r);
    assert_int_equal(r.admin, 3);
    assert_int_equal(r.other, 3);

    /* The client's and the host's requests are not the provider's. */
    hp_actor_set(HP_ACTOR_CLIENT);
    l[5] = new_locator(&CLSID_WbemAdministrativeLocator);
    IWbemLocator *cl = new_locator(&CLSID_WbemLocator);
    assert_int_equal(atomic_load(&locator_hobj(cl)->by[HP_ACTOR_CLIENT]), 1);
    assert_int_equal(atomic_load(&locator_hobj(cl)->by[HP_ACTOR_PROVIDER]), 0);
    IWbemLocator_Release(cl);
    IWbemLocator_Release(l[5]);
    hp_actor_set(HP_ACTOR_HOST);
    IWbemLocator *hl = new_locator(&CLSID_WbemAuthenticatedLocator);
    hobj_unref(locator_hobj(hl), HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_PROVIDER);
    host_locator_requests(x->host, &r);
    assert_int_equal(r.admin, 3);
    assert_int_equal(r.other, 3);
    assert_true(IsEqualGUID(&r.first_other, &CLSID_WbemUnauthenticatedLocator));

    for (int i = 0; i < 5; i++)
        IWbemLocator_Release(l[i]);
    assert_clean(x);
}

static void every_call_is_journaled_with_the_class_and_the_interface(void **state)
{
    struct fx *x = *state;
    struct journal *j = &x->host->journal;
    uint64_t before = journal_calls(j, HPM_CO_CREATE_INSTANCE, HP_ACTOR_HOST);
    uint64_t from = journal_next_seq(j);

    void *p = NULL, *q = GARBAGE;
    assert_int_equal(co(&CLSID_WbemAdministrativeLocator, &IID_IWbemLocator, &p), S_OK);
    assert_int_equal(co(&CLSID_WbemRefresher, &IID_IWbemRefresher, &q), REGDB_E_CLASSNOTREG);
    assert_int_equal(co(&CLSID_WbemAdministrativeLocator, &IID_IWbemLocator, NULL), E_POINTER);
    assert_int_equal(co(&CLSID_WbemLocator, &IID_IWbemServices, &q), E_NOINTERFACE);
    assert_int_equal(co(NULL, &IID_IWbemLocator, &q), E_INVALIDARG);
    assert_int_equal(CoCreateInstance(&clsid_unknown, NULL, CLSCTX_ALL, &IID_IUnknown, &q), REGDB_E_CLASSNOTREG);
    hp_actor_set(HP_ACTOR_CLIENT);
    void *c = NULL;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, &c), S_OK);
    hp_actor_set(HP_ACTOR_PROVIDER);

    assert_int_equal(journal_calls(j, HPM_CO_CREATE_INSTANCE, HP_ACTOR_HOST), before + 7);
    struct journal_rec r[8];
    assert_int_equal(co_records(j, from, r, 8), 7);
    static const HRESULT hrs[7] = {S_OK, REGDB_E_CLASSNOTREG, E_POINTER, E_NOINTERFACE,
                                   E_INVALIDARG, REGDB_E_CLASSNOTREG, S_OK};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(r[i].hr, hrs[i]);
        assert_int_equal(r[i].callee, HP_ACTOR_HOST);
        assert_int_equal(r[i].caller, i == 6 ? HP_ACTOR_CLIENT : HP_ACTOR_PROVIDER);
        assert_int_equal(r[i].arg[1], i == 5 ? CLSCTX_ALL : CLSCTX_INPROC_SERVER);
        assert_true(has_text(j, &r[i], "COM::CoCreateInstance"));
    }
    /* The object made is named by its id; failures name none. */
    assert_int_equal(r[0].obj, locator_hobj(p)->id);
    assert_int_equal(r[6].obj, context_hobj(context_from_iface(c))->id);
    for (int i = 1; i < 6; i++)
        assert_int_equal(r[i].obj, 0);
    assert_true(has_text(j, &r[0], "\"WbemAdministrativeLocator\""));
    assert_true(has_text(j, &r[0], "\"IWbemLocator\""));
    assert_true(has_text(j, &r[1], "\"WbemRefresher\""));
    assert_true(has_text(j, &r[1], "\"IWbemRefresher\""));
    assert_true(has_text(j, &r[3], "\"WbemLocator\""));
    assert_true(has_text(j, &r[3], "\"IWbemServices\""));
    assert_true(has_text(j, &r[4], "\"NULL\""));
    assert_true(has_text(j, &r[5], "{5EED0001-1234-5678-9ABC-DEF012345678}"));
    assert_true(has_text(j, &r[6], "\"WbemContext\""));

    IWbemLocator_Release((IWbemLocator *)p);
    hp_actor_set(HP_ACTOR_CLIENT);
    IWbemContext_Release((IWbemContext *)c);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_clean(x);
}

static void a_fault_rule_fails_the_next_served_call(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->host->faults, HPM_CO_CREATE_INSTANCE, FAULT_NTH, 1, 0, 0, E_OUTOFMEMORY), 0);
    /* A class not served does not count. */
    void *p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemRefresher, &IID_IUnknown, &p), REGDB_E_CLASSNOTREG);
    assert_int_equal(faults_fired(&x->host->faults, HPM_CO_CREATE_INSTANCE), 0);

    uint64_t from = journal_next_seq(&x->host->journal);
    p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemAdministrativeLocator, &IID_IWbemLocator, &p), E_OUTOFMEMORY);
    assert_null(p);
    assert_int_equal(faults_fired(&x->host->faults, HPM_CO_CREATE_INSTANCE), 1);
    assert_int_equal(provider_held(x), 0);
    struct journal_rec r;
    assert_int_equal(co_records(&x->host->journal, from, &r, 1), 1);
    assert_int_equal(r.hr, E_OUTOFMEMORY);
    assert_int_equal(r.obj, 0);

    /* Only that one. */
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    void *c = NULL;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, &c), S_OK);
    IWbemLocator_Release(l);
    IWbemContext_Release((IWbemContext *)c);

    /* Every served class is a site, the context included. */
    assert_int_equal(faults_add(&x->host->faults, HPM_CO_CREATE_INSTANCE, FAULT_FROM, 1, 0, 0, E_ACCESSDENIED), 0);
    p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, &p), E_ACCESSDENIED);
    assert_null(p);
    faults_clear(&x->host->faults);

    /* A host allocation failing is E_OUTOFMEMORY too, with nothing made. */
    assert_int_equal(faults_add(&x->host->faults, HPM_HOST_ALLOC, FAULT_FROM, 1, 0, 0, E_OUTOFMEMORY), 0);
    p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemLocator, &IID_IWbemLocator, &p), E_OUTOFMEMORY);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, &p), E_OUTOFMEMORY);
    assert_null(p);
    faults_clear(&x->host->faults);
    assert_clean(x);
}

static void host_free_withdraws_the_classes(void **state)
{
    struct fx *x = *state;
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    IWbemLocator_Release(l);
    hp_actor_set(HP_ACTOR_HOST);
    host_free(x->host);
    x->host = NULL;
    hp_actor_set(HP_ACTOR_PROVIDER);

    static const CLSID *const all[] = {&CLSID_WbemLocator, &CLSID_WbemAdministrativeLocator,
                                       &CLSID_WbemAuthenticatedLocator, &CLSID_WbemUnauthenticatedLocator,
                                       &CLSID_WbemContext};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        void *p = GARBAGE;
        assert_int_equal(co(all[i], &IID_IUnknown, &p), REGDB_E_CLASSNOTREG);
        assert_null(p);
    }
}

static void a_second_host_serves_until_it_is_freed(void **state)
{
    struct fx *x = *state;
    struct host_options opts = {.namespace_path = "ROOT\\Other"};   /* mixed case: compared ignoring it */
    assert_int_equal(host_new(&x->second, NULL, &opts), 0);
    struct host *second = x->second;
    hp_actor_set(HP_ACTOR_PROVIDER);
    uint64_t first_calls = journal_calls(&x->host->journal, HPM_CO_CREATE_INSTANCE, HP_ACTOR_HOST);

    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    assert_ptr_equal(locator_hobj(l)->ledger, &second->ledger);
    assert_int_equal(journal_calls(&second->journal, HPM_CO_CREATE_INSTANCE, HP_ACTOR_HOST), 1);
    assert_int_equal(journal_calls(&x->host->journal, HPM_CO_CREATE_INSTANCE, HP_ACTOR_HOST), first_calls);
    struct locator_requests r;
    host_locator_requests(second, &r);
    assert_int_equal(r.admin, 1);
    host_locator_requests(x->host, &r);
    assert_int_equal(r.admin, 0);

    /* Its locator opens its own namespace. */
    IWbemServices *ns = GARBAGE;
    assert_int_equal(connect(l, u"root/OTHER", &ns), WBEM_S_NO_ERROR);
    assert_ptr_equal(ns, host_namespace(second));
    IWbemServices_Release(ns);
    ns = GARBAGE;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_E_INVALID_NAMESPACE);
    assert_null(ns);
    IWbemLocator_Release(l);
    assert_int_equal(ledger_check_leaks(&second->ledger, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(ledger_count(&second->ledger, -1), 0);
    hp_actor_set(HP_ACTOR_HOST);
    host_free(second);
    x->second = NULL;
    hp_actor_set(HP_ACTOR_PROVIDER);

    /* The first host's classes are uncovered. */
    l = new_locator(&CLSID_WbemAdministrativeLocator);
    assert_ptr_equal(locator_hobj(l)->ledger, &x->host->ledger);
    assert_int_equal(journal_calls(&x->host->journal, HPM_CO_CREATE_INSTANCE, HP_ACTOR_HOST), first_calls + 1);
    host_locator_requests(x->host, &r);
    assert_int_equal(r.admin, 1);
    IWbemLocator_Release(l);
    assert_clean(x);
}

/* ---- The locator as a COM object ------------------------------------------- */

static void query_interface_follows_the_com_rules(void **state)
{
    struct fx *x = *state;
    void *u = NULL;
    assert_int_equal(co(&CLSID_WbemAdministrativeLocator, &IID_IUnknown, &u), S_OK);
    IWbemLocator *l = u;
    struct hobj *h = locator_hobj(l);

    void *p = NULL, *q = NULL;
    assert_int_equal(IWbemLocator_QueryInterface(l, &IID_IWbemLocator, &p), S_OK);
    assert_ptr_equal(p, u);                      /* one object, one pointer */
    assert_int_equal(IWbemLocator_QueryInterface((IWbemLocator *)p, &IID_IUnknown, &q), S_OK);
    assert_ptr_equal(q, u);                      /* IUnknown identity */
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 3);

    void *r = GARBAGE;
    assert_int_equal(IWbemLocator_QueryInterface(l, &IID_IWbemServices, &r), E_NOINTERFACE);
    assert_null(r);
    r = GARBAGE;
    assert_int_equal(IWbemLocator_QueryInterface(l, &IID_IWbemContext, &r), E_NOINTERFACE);
    assert_null(r);
    assert_int_equal(IWbemLocator_QueryInterface(l, &IID_IUnknown, NULL), E_POINTER);
    r = GARBAGE;
    assert_int_equal(IWbemLocator_QueryInterface(l, NULL, &r), E_INVALIDARG);
    assert_null(r);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 3);   /* failures add nothing */

    assert_int_equal(IWbemLocator_AddRef(l), 4);
    assert_int_equal(IWbemLocator_Release(l), 3);
    assert_int_equal(IWbemLocator_Release(l), 2);
    assert_int_equal(IWbemLocator_Release(l), 1);
    assert_true(hobj_alive(h));
    assert_int_equal(IWbemLocator_Release(l), 0);
    assert_false(hobj_alive(h));
    assert_int_equal(journal_calls(&x->host->journal, HPM_IWbemLocator_QueryInterface, HP_ACTOR_HOST), 6);
    assert_clean(x);
}

static void an_over_release_is_recorded_not_a_crash(void **state)
{
    struct fx *x = *state;
    IWbemLocator *l = new_locator(&CLSID_WbemLocator);
    struct hobj *h = locator_hobj(l);
    hp_actor_set(HP_ACTOR_CLIENT);
    IWbemLocator_AddRef(l);                      /* keeps it alive */
    hp_actor_set(HP_ACTOR_PROVIDER);

    IWbemLocator_Release(l);
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
    assert_int_equal(IWbemLocator_Release(l), 1);   /* one more than the provider held */
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_OVER_RELEASE), 1);
    assert_int_equal(ledger_count(&x->host->ledger, -1), 1);
    assert_true(hobj_alive(h));
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_CLIENT]), 1);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 0);
    const struct ledger_finding *f = &x->host->ledger.findings[0];
    assert_int_equal(f->actor, HP_ACTOR_PROVIDER);
    assert_int_equal(f->obj, h->id);
    assert_non_null(strstr(f->text, "WbemLocator"));

    /* Its later use is a finding too, and still works. */
    IWbemServices *ns = GARBAGE;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_S_NO_ERROR);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_POISONED_USE), 1);
    IWbemServices_Release(ns);

    /* Once dead, a call fails without touching the object. */
    hp_actor_set(HP_ACTOR_CLIENT);
    assert_int_equal(IWbemLocator_Release(l), 0);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_false(hobj_alive(h));
    ns = GARBAGE;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), CO_E_OBJNOTCONNECTED);
    assert_null(ns);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_USE_AFTER_RELEASE), 1);
    assert_int_equal(ledger_check_leaks(&x->host->ledger, HP_ACTOR_PROVIDER), 0);
}

static void a_leaked_locator_and_namespace_are_reported(void **state)
{
    struct fx *x = *state;
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    IWbemServices *ns = NULL;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_S_NO_ERROR);
    assert_int_equal(ledger_check_leaks(&x->host->ledger, HP_ACTOR_PROVIDER), 2);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_LEAK), 2);
    IWbemServices_Release(ns);
    IWbemLocator_Release(l);
    assert_int_equal(provider_held(x), 0);
}

/* ---- ConnectServer --------------------------------------------------------- */

static void connect_server_opens_the_host_namespace_by_every_local_path(void **state)
{
    struct fx *x = *state;
    static const WCHAR *const paths[] = {
        u"root\\cimv2",         u"ROOT\\CIMV2",           u"root/cimv2",
        u"Root/CimV2",          u"\\\\.\\root\\cimv2",    u"//./root/cimv2",
        u"//localhost/root/cimv2", u"\\\\LOCALHOST\\root\\cimv2", u"\\\\localhost/Root\\cimv2",
    };
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    IWbemServices *host_ns = host_namespace(x->host);
    struct hobj *nsh = host_namespace_hobj(x->host);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        IWbemServices *ns = GARBAGE;
        assert_int_equal(connect(l, paths[i], &ns), WBEM_S_NO_ERROR);
        assert_ptr_equal(ns, host_ns);
        /* The caller holds one more, the host keeps its own. */
        assert_int_equal(provider_held(x), 2);
        assert_int_equal(atomic_load(&nsh->by[HP_ACTOR_PROVIDER]), 1);
        assert_int_equal(atomic_load(&nsh->by[HP_ACTOR_HOST]), 1);
        IWbemServices_Release(ns);
        assert_int_equal(provider_held(x), 1);
        assert_true(hobj_alive(nsh));
    }
    /* Two connections, two references. */
    IWbemServices *a = NULL, *b = NULL;
    assert_int_equal(connect(l, u"root\\cimv2", &a), WBEM_S_NO_ERROR);
    assert_int_equal(connect(l, u"root\\cimv2", &b), WBEM_S_NO_ERROR);
    assert_ptr_equal(a, b);
    assert_int_equal(atomic_load(&nsh->by[HP_ACTOR_PROVIDER]), 2);
    IWbemServices_Release(a);
    IWbemServices_Release(b);

    /* The client's connection is charged to the client. */
    hp_actor_set(HP_ACTOR_CLIENT);
    IWbemServices *cns = NULL;
    assert_int_equal(connect(l, u"root\\cimv2", &cns), WBEM_S_NO_ERROR);
    assert_int_equal(atomic_load(&nsh->by[HP_ACTOR_CLIENT]), 1);
    IWbemServices_Release(cns);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(atomic_load(&nsh->by[HP_ACTOR_CLIENT]), 0);
    assert_int_equal(atomic_load(&nsh->by[HP_ACTOR_PROVIDER]), 0);

    IWbemLocator_Release(l);
    assert_clean(x);
}

static void connect_server_accepts_the_optional_arguments(void **state)
{
    struct fx *x = *state;
    IWbemLocator *l = new_locator(&CLSID_WbemLocator);
    IWbemContext *ctx = NULL;
    assert_int_equal(co(&CLSID_WbemContext, &IID_IWbemContext, (void **)&ctx), S_OK);
    static const struct {
        const WCHAR *locale;
        LONG flags;
        const WCHAR *authority;
        bool with_ctx;
    } ok[] = {
        {u"MS_409", 0, NULL, false},
        {u"MS_0409", 0, NULL, false},
        {u"MS_a0c", 0, NULL, false},
        {NULL, WBEM_FLAG_CONNECT_USE_MAX_WAIT, NULL, false},
        {NULL, 0, u"kerberos:x", false},
        {NULL, 0, u"KERBEROS:host/box", false},
        {NULL, 0, u"ntlmdomain:corp", false},
        {NULL, 0, u"", false},
        {u"", 0, NULL, false},   /* an empty BSTR reads as NULL: the current locale */
        {NULL, 0, NULL, true},
        {u"MS_409", WBEM_FLAG_CONNECT_USE_MAX_WAIT, u"NTLMDOMAIN:corp", true},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        IWbemServices *ns = GARBAGE;
        assert_int_equal(connect_full(l, u"root\\cimv2", NULL, NULL, ok[i].locale, ok[i].flags, ok[i].authority,
                                      ok[i].with_ctx ? ctx : NULL, &ns),
                         WBEM_S_NO_ERROR);
        assert_ptr_equal(ns, host_namespace(x->host));
        IWbemServices_Release(ns);
    }
    assert_int_equal(provider_held(x), 2);      /* the locator and the context */
    IWbemContext_Release(ctx);
    IWbemLocator_Release(l);
    assert_clean(x);
}

static void connect_server_refuses_with_a_null_namespace(void **state)
{
    struct fx *x = *state;
    static const struct {
        const WCHAR *path, *user, *password, *locale;
        LONG flags;
        const WCHAR *authority;
        HRESULT hr;
    } bad[] = {
        {u"root\\default", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"root", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"root\\cimv2\\sub", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"root\\cimv", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"\\root\\cimv2", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"\\\\.\\root\\default", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"\\\\.", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"", NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_NAMESPACE},
        {u"\\\\otherbox\\root\\cimv2", NULL, NULL, NULL, 0, NULL, WBEM_E_TRANSPORT_FAILURE},
        {u"//otherbox/root/cimv2", NULL, NULL, NULL, 0, NULL, WBEM_E_TRANSPORT_FAILURE},
        {u"\\\\localhostx\\root\\cimv2", NULL, NULL, NULL, 0, NULL, WBEM_E_TRANSPORT_FAILURE},
        {u"\\\\..\\root\\cimv2", NULL, NULL, NULL, 0, NULL, WBEM_E_TRANSPORT_FAILURE},
        /* Credentials are for other machines. */
        {u"\\\\otherbox\\root\\cimv2", u"admin", u"pw", NULL, 0, NULL, WBEM_E_TRANSPORT_FAILURE},
        {u"root\\cimv2", u"admin", NULL, NULL, 0, NULL, WBEM_E_LOCAL_CREDENTIALS},
        {u"root\\cimv2", NULL, u"pw", NULL, 0, NULL, WBEM_E_LOCAL_CREDENTIALS},
        {u"\\\\.\\root\\cimv2", u"DOMAIN\\admin", u"pw", NULL, 0, NULL, WBEM_E_LOCAL_CREDENTIALS},
        {u"//localhost/root/cimv2", NULL, u"", NULL, 0, NULL, WBEM_E_LOCAL_CREDENTIALS},
        {u"root\\cimv2", u"", NULL, NULL, 0, NULL, WBEM_E_INVALID_PARAMETER},
        {NULL, NULL, NULL, NULL, 0, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, NULL, 0x40, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, NULL, 1, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, NULL, WBEM_FLAG_CONNECT_USE_MAX_WAIT | 1, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, u"en-US", 0, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, u"MS_", 0, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, u"MS_40g", 0, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, u"409", 0, NULL, WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, NULL, 0, u"bogus", WBEM_E_INVALID_PARAMETER},
        {u"root\\cimv2", NULL, NULL, NULL, 0, u"kerberos", WBEM_E_INVALID_PARAMETER},
    };
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    uint64_t calls = journal_calls(&x->host->journal, HPM_IWbemLocator_ConnectServer, HP_ACTOR_HOST);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        IWbemServices *ns = GARBAGE;
        HRESULT hr = connect_full(l, bad[i].path, bad[i].user, bad[i].password, bad[i].locale, bad[i].flags,
                                  bad[i].authority, NULL, &ns);
        if (hr != bad[i].hr)
            print_error("case %zu\n", i);
        assert_int_equal(hr, bad[i].hr);
        assert_null(ns);
        assert_int_equal(provider_held(x), 1);
    }
    assert_int_equal(IWbemLocator_ConnectServer(l, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL),
                     WBEM_E_INVALID_PARAMETER);
    BSTR path = SysAllocString(u"root\\cimv2");
    assert_int_equal(IWbemLocator_ConnectServer(l, path, NULL, NULL, NULL, 0, NULL, NULL, NULL),
                     WBEM_E_INVALID_PARAMETER);
    SysFreeString(path);
    /* Every failure is journaled. */
    assert_int_equal(journal_calls(&x->host->journal, HPM_IWbemLocator_ConnectServer, HP_ACTOR_HOST),
                     calls + sizeof bad / sizeof bad[0] + 2);
    IWbemLocator_Release(l);
    assert_clean(x);
}

static void connect_server_needs_the_enable_right(void **state)
{
    struct fx *x = *state;
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    x->host->namespace_rights = WBEM_REMOTE_ENABLE;
    IWbemServices *ns = GARBAGE;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_E_ACCESS_DENIED);
    assert_null(ns);
    ns = GARBAGE;
    assert_int_equal(connect(l, u"\\\\.\\root\\cimv2", &ns), WBEM_E_ACCESS_DENIED);
    assert_null(ns);
    /* Another namespace is still another namespace. */
    ns = GARBAGE;
    assert_int_equal(connect(l, u"root\\default", &ns), WBEM_E_INVALID_NAMESPACE);
    assert_null(ns);
    assert_int_equal(provider_held(x), 1);

    x->host->namespace_rights = WBEM_ENABLE;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_S_NO_ERROR);
    assert_ptr_equal(ns, host_namespace(x->host));
    IWbemServices_Release(ns);
    IWbemLocator_Release(l);
    assert_clean(x);
}

static void an_injected_fault_fails_connect_server_with_a_null_namespace(void **state)
{
    struct fx *x = *state;
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    assert_int_equal(faults_add(&x->host->faults, HPM_IWbemLocator_ConnectServer, FAULT_NTH, 2, 0, 0,
                                WBEM_E_OUT_OF_MEMORY), 0);
    IWbemServices *ns = GARBAGE;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_S_NO_ERROR);
    IWbemServices_Release(ns);
    ns = GARBAGE;
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_E_OUT_OF_MEMORY);
    assert_null(ns);
    assert_int_equal(provider_held(x), 1);
    assert_int_equal(connect(l, u"root\\cimv2", &ns), WBEM_S_NO_ERROR);
    IWbemServices_Release(ns);

    /* QueryInterface too. */
    assert_int_equal(faults_add(&x->host->faults, HPM_IWbemLocator_QueryInterface, FAULT_NTH, 1, 0, 0,
                                E_OUTOFMEMORY), 0);
    void *p = GARBAGE;
    assert_int_equal(IWbemLocator_QueryInterface(l, &IID_IWbemLocator, &p), E_OUTOFMEMORY);
    assert_null(p);
    IWbemLocator_Release(l);
    assert_clean(x);
}

static void connect_server_is_journaled_with_the_path(void **state)
{
    struct fx *x = *state;
    IWbemLocator *l = new_locator(&CLSID_WbemAdministrativeLocator);
    uint64_t from = journal_next_seq(&x->host->journal);
    IWbemServices *ns = NULL;
    assert_int_equal(connect(l, u"\\\\.\\root\\cimv2", &ns), WBEM_S_NO_ERROR);
    struct journal_rec r;
    bool found = false;
    for (uint64_t s = from; s < journal_next_seq(&x->host->journal) && !found; s++)
        found = journal_get(&x->host->journal, s, &r) && r.kind == JOURNAL_CALL &&
                r.method == HPM_IWbemLocator_ConnectServer;
    assert_true(found);
    assert_int_equal(r.caller, HP_ACTOR_PROVIDER);
    assert_int_equal(r.obj, locator_hobj(l)->id);
    assert_int_equal(r.hr, WBEM_S_NO_ERROR);
    assert_true(has_text(&x->host->journal, &r, "\\\\.\\root\\cimv2"));
    IWbemServices_Release(ns);
    IWbemLocator_Release(l);
    assert_clean(x);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(each_locator_class_gives_a_locator_for_iwbemlocator_and_iunknown),
        T(a_locator_class_refuses_other_interfaces),
        T(the_context_class_gives_a_working_context),
        T(the_refresher_class_and_unknown_classes_are_not_served),
        T(the_classes_are_in_process_servers_without_aggregation),
        T(the_providers_locator_requests_are_tallied),
        T(every_call_is_journaled_with_the_class_and_the_interface),
        T(a_fault_rule_fails_the_next_served_call),
        T(host_free_withdraws_the_classes),
        T(a_second_host_serves_until_it_is_freed),
        T(query_interface_follows_the_com_rules),
        T(an_over_release_is_recorded_not_a_crash),
        T(a_leaked_locator_and_namespace_are_reported),
        T(connect_server_opens_the_host_namespace_by_every_local_path),
        T(connect_server_accepts_the_optional_arguments),
        T(connect_server_refuses_with_a_null_namespace),
        T(connect_server_needs_the_enable_right),
        T(an_injected_fault_fails_connect_server_with_a_null_namespace),
        T(connect_server_is_journaled_with_the_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
