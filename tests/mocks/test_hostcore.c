/*
 * tests/mocks/test_hostcore.c - the ledger, the journal and fault injection,
 * on a minimal host object defined here (an IUnknown that keeps the host
 * object rules), so these rules are shown apart from the object model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "host.h"

/* ---- A test object: one IUnknown, one host reference it may hold ------ */

struct tobj {
    IUnknown IUnknown_iface;
    struct hobj hdr;
    struct host *host;
    struct hobj *held;   /* another object this one keeps a host reference to */
    int dead_calls;      /* on_dead ran */
};

static struct tobj *impl_from_IUnknown(IUnknown *iface)
{
    return (struct tobj *)((char *)iface - offsetof(struct tobj, IUnknown_iface));
}

static struct tobj *impl_from_hobj(struct hobj *h)
{
    return (struct tobj *)((char *)h - offsetof(struct tobj, hdr));
}

static HRESULT STDMETHODCALLTYPE tobj_QueryInterface(IUnknown *iface, REFIID riid, void **ppv)
{
    struct tobj *o = impl_from_IUnknown(iface);
    if (ppv)
        *ppv = NULL;     /* before host_enter: NULL on its failures too (host.h) */
    HRESULT hr = host_enter(o->host, &o->hdr, HPM_IUnknown_QueryInterface);
    if (hr != S_OK)
        return hr;
    if (!ppv)
        return host_leave(o->host, &o->hdr, HPM_IUnknown_QueryInterface, 0, 0, 0, 0, E_POINTER);
    if (!IsEqualIID(riid, &IID_IUnknown))
        return host_leave(o->host, &o->hdr, HPM_IUnknown_QueryInterface, 0, 0, 0, 0, E_NOINTERFACE);
    hobj_addref(&o->hdr);
    *ppv = iface;
    return host_leave(o->host, &o->hdr, HPM_IUnknown_QueryInterface, 0, 0, 0, 0, S_OK);
}

static ULONG STDMETHODCALLTYPE tobj_AddRef(IUnknown *iface)
{
    return hobj_addref(&impl_from_IUnknown(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE tobj_Release(IUnknown *iface)
{
    return hobj_release(&impl_from_IUnknown(iface)->hdr);
}

static const IUnknownVtbl tobj_vtbl = {tobj_QueryInterface, tobj_AddRef, tobj_Release};

static void tobj_on_dead(struct hobj *h)
{
    struct tobj *o = impl_from_hobj(h);
    o->dead_calls++;
    if (o->held) {
        hobj_unref(o->held, HP_ACTOR_HOST);
        o->held = NULL;
    }
}

static void tobj_free(struct hobj *h)
{
    free(impl_from_hobj(h));
}

static const struct hobj_ops tobj_ops = {"TestObject", tobj_on_dead, tobj_free, NULL};

static struct tobj *tobj_new(struct host *host, enum hp_actor holder)
{
    struct tobj *o = calloc(1, sizeof *o);
    assert_non_null(o);
    o->IUnknown_iface.lpVtbl = &tobj_vtbl;
    o->host = host;
    hobj_init(&o->hdr, &host->ledger, &tobj_ops, holder);
    return o;
}

static int setup(void **state)
{
    struct host *host;
    if (host_new(&host, NULL, NULL) != 0)
        return -1;
    *state = host;
    return 0;
}

static int teardown(void **state)
{
    host_free(*state);
    hp_actor_set(HP_ACTOR_HOST);
    return 0;
}

/* ---- Ledger ------------------------------------------------------------ */

static void addref_and_release_are_charged_to_the_calling_actor(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(IUnknown_AddRef(&o->IUnknown_iface), 2);
    assert_int_equal(atomic_load(&o->hdr.by[HP_ACTOR_PROVIDER]), 1);
    assert_int_equal(IUnknown_Release(&o->IUnknown_iface), 1);
    assert_int_equal(atomic_load(&o->hdr.by[HP_ACTOR_PROVIDER]), 0);
    assert_int_equal(atomic_load(&o->hdr.by[HP_ACTOR_HOST]), 1);
    assert_int_equal(ledger_count(&host->ledger, -1), 0);
}

static void leak_by_provider_is_reported_at_checkpoint(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_PROVIDER);
    IUnknown_AddRef(&o->IUnknown_iface);   /* kept, never released */
    IUnknown_AddRef(&o->IUnknown_iface);
    hp_actor_set(HP_ACTOR_HOST);
    assert_int_equal(ledger_held(&host->ledger, HP_ACTOR_PROVIDER), 2);
    assert_int_equal(ledger_check_leaks(&host->ledger, HP_ACTOR_PROVIDER), 1);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_LEAK), 1);
    const struct ledger_finding *f = &host->ledger.findings[0];
    assert_int_equal(f->actor, HP_ACTOR_PROVIDER);
    assert_int_equal(f->count, 2);
    assert_int_equal(f->obj, o->hdr.id);
    assert_non_null(strstr(f->text, "still holds 2 references"));
    assert_int_equal(ledger_check_leaks(&host->ledger, HP_ACTOR_CLIENT), 0);
}

static void over_release_is_a_finding_and_the_object_survives(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_PROVIDER);
    /* The provider never took a reference: this Release is one too many. */
    assert_int_equal(IUnknown_Release(&o->IUnknown_iface), 1);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_OVER_RELEASE), 1);
    assert_true(hobj_alive(&o->hdr));
    assert_int_equal(atomic_load(&o->hdr.by[HP_ACTOR_HOST]), 1);
    /* A later use by the provider is recorded (once), and still served. */
    void *p = NULL;
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), S_OK);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_POISONED_USE), 1);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_POISONED_USE), 1);
    /* The host's own use is not the provider's misuse. */
    hp_actor_set(HP_ACTOR_HOST);
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), S_OK);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_POISONED_USE), 1);
}

static void use_after_last_release_is_recorded_not_crashed(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_PROVIDER);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(IUnknown_Release(&o->IUnknown_iface), 0);
    assert_false(hobj_alive(&o->hdr));
    assert_int_equal(o->dead_calls, 1);
    void *p = (void *)1;
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), CO_E_OBJNOTCONNECTED);
    assert_null(p);
    assert_int_equal(IUnknown_AddRef(&o->IUnknown_iface), 0);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_USE_AFTER_RELEASE), 2);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_OVER_RELEASE), 0);
}

static void death_releases_what_the_object_holds(void **state)
{
    struct host *host = *state;
    struct tobj *inner = tobj_new(host, HP_ACTOR_PROVIDER);
    struct tobj *outer = tobj_new(host, HP_ACTOR_PROVIDER);
    hobj_ref(&inner->hdr, HP_ACTOR_HOST);
    outer->held = &inner->hdr;
    hp_actor_set(HP_ACTOR_PROVIDER);
    IUnknown_Release(&inner->IUnknown_iface);   /* the provider's own */
    assert_true(hobj_alive(&inner->hdr));        /* outer still holds it */
    IUnknown_Release(&outer->IUnknown_iface);
    assert_false(hobj_alive(&outer->hdr));
    assert_false(hobj_alive(&inner->hdr));
    assert_int_equal(ledger_count(&host->ledger, -1), 0);
}

static void transfer_without_ownership_is_a_finding(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    /* A provider returning an object through [out] it holds no reference to. */
    hobj_transfer(&o->hdr, HP_ACTOR_PROVIDER, HP_ACTOR_HOST, HPM_IWbemHiPerfProvider_CreateRefreshableObject);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_BAD_TRANSFER), 1);
    assert_int_equal(atomic_load(&o->hdr.by[HP_ACTOR_HOST]), 2);
    assert_int_equal(atomic_load(&o->hdr.refs), 2);
    /* A proper transfer moves the reference. */
    hobj_ref(&o->hdr, HP_ACTOR_PROVIDER);
    hobj_transfer(&o->hdr, HP_ACTOR_PROVIDER, HP_ACTOR_CLIENT, HPM_IWbemConfigureRefresher_AddObjectByPath);
    assert_int_equal(atomic_load(&o->hdr.by[HP_ACTOR_PROVIDER]), 0);
    assert_int_equal(atomic_load(&o->hdr.by[HP_ACTOR_CLIENT]), 1);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_BAD_TRANSFER), 1);
}

static void findings_are_noted_in_the_journal(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    uint64_t from = journal_next_seq(&host->journal);
    hp_actor_set(HP_ACTOR_PROVIDER);
    IUnknown_Release(&o->IUnknown_iface);
    hp_actor_set(HP_ACTOR_HOST);
    bool seen = false;
    struct journal_rec r;
    for (uint64_t s = from; s < journal_next_seq(&host->journal); s++) {
        if (!journal_get(&host->journal, s, &r) || r.kind != JOURNAL_NOTE)
            continue;
        struct hp_buf b = {0};
        journal_format(&host->journal, &r, &b);
        seen |= strstr(b.s, "over-release") != NULL;
        hp_buf_free(&b);
    }
    assert_true(seen);
}

/* ---- Journal ----------------------------------------------------------- */

static void journal_records_calls_in_order_with_caller_and_time(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    host_set_time(host, 1500000000);
    uint64_t from = journal_next_seq(&host->journal);
    hp_actor_set(HP_ACTOR_CLIENT);
    void *p, *q;
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), S_OK);
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IClassFactory, &q), E_NOINTERFACE);
    assert_null(q);
    hp_actor_set(HP_ACTOR_HOST);
    struct journal_rec a, b;
    assert_true(journal_get(&host->journal, from, &a));
    assert_true(journal_get(&host->journal, from + 1, &b));
    assert_int_equal(a.method, HPM_IUnknown_QueryInterface);
    assert_int_equal(a.caller, HP_ACTOR_CLIENT);
    assert_int_equal(a.callee, HP_ACTOR_HOST);
    assert_int_equal(a.hr, S_OK);
    assert_int_equal(b.hr, E_NOINTERFACE);
    assert_int_equal(a.t_ns, 1500000000);
    assert_int_equal(a.obj, o->hdr.id);
    struct hp_buf t = {0};
    journal_format(&host->journal, &b, &t);
    assert_non_null(strstr(t.s, "t=1.500s"));
    assert_non_null(strstr(t.s, "client->host IUnknown::QueryInterface"));
    assert_non_null(strstr(t.s, "= E_NOINTERFACE"));
    hp_buf_free(&t);
    assert_int_equal(journal_calls(&host->journal, HPM_IUnknown_QueryInterface, HP_ACTOR_HOST), 2);
    IUnknown_Release((IUnknown *)p);
}

static void journal_ring_keeps_the_newest_and_exact_counts(void **state)
{
    (void)state;
    struct journal j;
    assert_int_equal(journal_init(&j, 1000, NULL), 0);   /* rounded to 1024 */
    for (int i = 0; i < 5000; i++)
        journal_add(&j, JOURNAL_CALL, HPM_IWbemObjectAccess_WriteDWORD, HP_ACTOR_PROVIDER, HP_ACTOR_HOST,
                    7, i, 0, 0, 0, S_OK);
    struct journal_rec r;
    assert_false(journal_get(&j, 0, &r));
    assert_false(journal_get(&j, 5000 - 1025, &r));
    assert_true(journal_get(&j, 5000 - 1024, &r));
    assert_int_equal(r.arg[0], 5000 - 1024);
    assert_true(journal_get(&j, 4999, &r));
    assert_int_equal(journal_calls(&j, HPM_IWbemObjectAccess_WriteDWORD, HP_ACTOR_HOST), 5000);
    j.enabled = false;
    journal_add(&j, JOURNAL_CALL, HPM_IWbemObjectAccess_WriteDWORD, HP_ACTOR_PROVIDER, HP_ACTOR_HOST, 7, 0, 0, 0, 0, S_OK);
    assert_int_equal(journal_next_seq(&j), 5000);
    assert_int_equal(journal_calls(&j, HPM_IWbemObjectAccess_WriteDWORD, HP_ACTOR_HOST), 5000);
    journal_free(&j);
}

static void journal_strings_are_interned(void **state)
{
    (void)state;
    struct journal j;
    assert_int_equal(journal_init(&j, 16, NULL), 0);
    int64_t id = journal_intern16(&j, u"Win32_PerfRawData_X");
    journal_add(&j, JOURNAL_CALL, HPM_IWbemServices_GetObject, HP_ACTOR_PROVIDER, HP_ACTOR_HOST, 1, id, 0, 0, 1,
                WBEM_E_NOT_FOUND);
    struct journal_rec r;
    assert_true(journal_get(&j, 0, &r));
    struct hp_buf b = {0};
    journal_format(&j, &r, &b);
    assert_non_null(strstr(b.s, "(\"Win32_PerfRawData_X\", 0, 0) = WBEM_E_NOT_FOUND"));
    hp_buf_free(&b);
    journal_free(&j);
}

static void hresult_names_parse_both_ways(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(hp_hresult_str(WBEM_E_PROVIDER_NOT_CAPABLE, buf, sizeof buf), "WBEM_E_PROVIDER_NOT_CAPABLE");
    assert_string_equal(hp_hresult_str((HRESULT)0x8004FFFF, buf, sizeof buf), "0x8004FFFF");
    HRESULT hr;
    assert_true(hp_hresult_parse("wbem_e_not_found", &hr));
    assert_int_equal(hr, WBEM_E_NOT_FOUND);
    assert_true(hp_hresult_parse("0x80041002", &hr));
    assert_int_equal(hr, WBEM_E_NOT_FOUND);
    assert_false(hp_hresult_parse("WBEM_E_NOPE", &hr));
    assert_false(hp_hresult_parse("0x1FFFFFFFF", &hr));
}

static void method_names_round_trip(void **state)
{
    (void)state;
    enum hp_method m;
    assert_true(hp_method_from_name("IWbemHiPerfEnum::AddObjects", &m));
    assert_int_equal(m, HPM_IWbemHiPerfEnum_AddObjects);
    assert_string_equal(hp_method_name(HPM_IWbemObjectAccess_ReadQWORD), "IWbemObjectAccess::ReadQWORD");
    assert_false(hp_method_from_name("IWbemHiPerfEnum::Nope", &m));
}

/* ---- Faults ------------------------------------------------------------ */

static void fault_nth_fails_exactly_that_call(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    assert_int_equal(faults_add(&host->faults, HPM_IUnknown_QueryInterface, FAULT_NTH, 2, 0, 0, E_OUTOFMEMORY), 0);
    void *p;
    HRESULT got[4];
    for (int i = 0; i < 4; i++) {
        p = (void *)1;
        got[i] = IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p);
        if (got[i] == S_OK)
            IUnknown_Release((IUnknown *)p);
        else
            assert_null(p);
    }
    assert_int_equal(got[0], S_OK);
    assert_int_equal(got[1], E_OUTOFMEMORY);
    assert_int_equal(got[2], S_OK);
    assert_int_equal(got[3], S_OK);
    assert_int_equal(faults_fired(&host->faults, HPM_IUnknown_QueryInterface), 1);
}

static void fault_calls_are_counted_from_when_the_rule_is_added(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    void *p;
    for (int i = 0; i < 5; i++) {   /* calls before the rule do not count */
        assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), S_OK);
        IUnknown_Release((IUnknown *)p);
    }
    assert_int_equal(faults_add(&host->faults, HPM_IUnknown_QueryInterface, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), E_FAIL);
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), S_OK);
    IUnknown_Release((IUnknown *)p);
}

static void fault_from_fails_every_call_from_n(void **state)
{
    struct host *host = *state;
    struct tobj *o = tobj_new(host, HP_ACTOR_HOST);
    assert_int_equal(faults_add(&host->faults, HPM_IUnknown_QueryInterface, FAULT_FROM, 3, 0, 0, WBEM_E_FAILED), 0);
    void *p;
    for (int i = 1; i <= 6; i++) {
        HRESULT hr = IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p);
        assert_int_equal(hr, i >= 3 ? WBEM_E_FAILED : S_OK);
        if (hr == S_OK)
            IUnknown_Release((IUnknown *)p);
    }
    faults_clear(&host->faults);
    assert_int_equal(IUnknown_QueryInterface(&o->IUnknown_iface, &IID_IUnknown, &p), S_OK);
    IUnknown_Release((IUnknown *)p);
}

static void fault_random_is_deterministic_for_a_seed(void **state)
{
    (void)state;
    bool first[200], second[200];
    int fired = 0;
    for (int run = 0; run < 2; run++) {
        struct faults f;
        faults_init(&f);
        assert_int_equal(faults_add(&f, HPM_IWbemServices_GetObject, FAULT_RANDOM, 0, 0.25, 42, WBEM_E_FAILED), 0);
        for (int i = 0; i < 200; i++) {
            bool failed = faults_check(&f, HPM_IWbemServices_GetObject) != S_OK;
            (run ? second : first)[i] = failed;
            fired += failed && run == 0;
        }
        faults_free(&f);
    }
    assert_memory_equal(first, second, sizeof first);
    /* A quarter of 200 calls, give or take: some fail, most don't. */
    assert_in_range(fired, 25, 80);
}

static void fault_on_host_allocation_makes_alloc_fail(void **state)
{
    struct host *host = *state;
    assert_int_equal(faults_add(&host->faults, HPM_HOST_ALLOC, FAULT_NTH, 1, 0, 0, E_OUTOFMEMORY), 0);
    assert_null(host_alloc(host, 16));
    void *p = host_alloc(host, 16);
    assert_non_null(p);
    free(p);
}

static void fault_rules_are_validated(void **state)
{
    struct host *host = *state;
    assert_int_equal(faults_add(&host->faults, HPM_COUNT, FAULT_NTH, 1, 0, 0, E_FAIL), HP_EINVAL);
    assert_int_equal(faults_add(&host->faults, HPM_IUnknown_AddRef, FAULT_NTH, 0, 0, 0, E_FAIL), HP_EINVAL);
    assert_int_equal(faults_add(&host->faults, HPM_IUnknown_AddRef, FAULT_RANDOM, 0, 1.5, 0, E_FAIL), HP_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(addref_and_release_are_charged_to_the_calling_actor, setup, teardown),
        cmocka_unit_test_setup_teardown(leak_by_provider_is_reported_at_checkpoint, setup, teardown),
        cmocka_unit_test_setup_teardown(over_release_is_a_finding_and_the_object_survives, setup, teardown),
        cmocka_unit_test_setup_teardown(use_after_last_release_is_recorded_not_crashed, setup, teardown),
        cmocka_unit_test_setup_teardown(death_releases_what_the_object_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(transfer_without_ownership_is_a_finding, setup, teardown),
        cmocka_unit_test_setup_teardown(findings_are_noted_in_the_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(journal_records_calls_in_order_with_caller_and_time, setup, teardown),
        cmocka_unit_test(journal_ring_keeps_the_newest_and_exact_counts),
        cmocka_unit_test(journal_strings_are_interned),
        cmocka_unit_test(hresult_names_parse_both_ways),
        cmocka_unit_test(method_names_round_trip),
        cmocka_unit_test_setup_teardown(fault_nth_fails_exactly_that_call, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_calls_are_counted_from_when_the_rule_is_added, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_from_fails_every_call_from_n, setup, teardown),
        cmocka_unit_test(fault_random_is_deterministic_for_a_seed),
        cmocka_unit_test_setup_teardown(fault_on_host_allocation_makes_alloc_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_rules_are_validated, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
