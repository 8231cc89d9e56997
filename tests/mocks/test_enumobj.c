/*
 * tests/mocks/test_enumobj.c - the results of the host's IWbemServices
 * calls: IEnumWbemClassObject (Next returns WBEM_S_FALSE when fewer than
 * asked remain, objects AddRef'd for the caller; Skip; Reset; Clone with
 * its own position; forward-only refusing Reset and Clone; NextAsync not
 * supported) and IWbemCallResult (status, the result handed out with a new
 * reference, the original error returned when the call failed); for both,
 * and for the IWbemServices calls that make them, the [out] pointers (and
 * Next's count) are NULL when an injected fault or a dead object fails a
 * call; every IWbemServices method so refused is still journaled and
 * counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "callresult.h"
#include "enumobj.h"
#include "instfix.h"
#include "namespace.h"
#include "refusal.h"
#include "sink.h"

#define NOBJ 5

/* What an uninitialised [out] pointer holds. */
#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

struct fx {
    struct instfix f;
    IWbemClassObject *obj[NOBJ];   /* held by the host, as a namespace query result */
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    if (!x || instfix_setup(&x->f) != 0)
        return -1;
    for (int i = 0; i < NOBJ; i++)
        if (!(x->obj[i] = (IWbemClassObject *)instfix_instance(&x->f, HP_ACTOR_HOST)))
            return -1;
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    hp_actor_set(HP_ACTOR_HOST);
    instfix_teardown(&x->f);
    free(x);
    return 0;
}

static IEnumWbemClassObject *make_enum(struct fx *x, LONG flags, struct enumobj **out)
{
    struct enumobj *e;
    assert_int_equal(enumobj_new(&e, x->f.host, HP_ACTOR_HOST, x->obj, NOBJ, flags), 0);
    /* Handed to the client, as an [out] parameter would. */
    hobj_transfer(enumobj_hobj(e), HP_ACTOR_HOST, HP_ACTOR_CLIENT, HPM_IWbemServices_CreateInstanceEnum);
    hp_actor_set(HP_ACTOR_CLIENT);
    if (out)
        *out = e;
    return enumobj_iface(e);
}

static void release_all(IWbemClassObject **objs, ULONG n)
{
    for (ULONG i = 0; i < n; i++)
        IWbemClassObject_Release(objs[i]);
}

/* ---- IEnumWbemClassObject ------------------------------------------------- */

static void next_returns_false_when_fewer_than_asked_remain(void **state)
{
    struct fx *x = *state;
    struct enumobj *e;
    IEnumWbemClassObject *it = make_enum(x, 0, &e);
    IWbemClassObject *out[NOBJ + 2];
    ULONG n = 99;
    assert_int_equal(IEnumWbemClassObject_Next(it, WBEM_INFINITE, 2, out, &n), WBEM_S_NO_ERROR);
    assert_int_equal(n, 2);
    assert_ptr_equal(out[0], x->obj[0]);
    assert_ptr_equal(out[1], x->obj[1]);
    assert_int_equal(instfix_held(out[0], HP_ACTOR_CLIENT), 1);
    release_all(out, n);

    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 5, out, &n), WBEM_S_FALSE);
    assert_int_equal(n, 3);
    assert_ptr_equal(out[2], x->obj[4]);
    release_all(out, n);
    assert_int_equal(enumobj_remaining(e), 0);

    assert_int_equal(IEnumWbemClassObject_Next(it, WBEM_INFINITE, 1, out, &n), WBEM_S_FALSE);
    assert_int_equal(n, 0);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 1);   /* only the enum */
    IEnumWbemClassObject_Release(it);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
    for (int i = 0; i < NOBJ; i++)
        assert_int_equal(instfix_held(x->obj[i], HP_ACTOR_HOST), 1);         /* the enum's are gone */
}

static void next_needs_its_out_pointers(void **state)
{
    struct fx *x = *state;
    IEnumWbemClassObject *it = make_enum(x, 0, NULL);
    IWbemClassObject *out[1];
    ULONG n;
    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, NULL, &n), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, out, NULL), WBEM_E_INVALID_PARAMETER);
    IEnumWbemClassObject_Release(it);
}

static void skip_reset_and_clone_keep_their_own_positions(void **state)
{
    struct fx *x = *state;
    IEnumWbemClassObject *it = make_enum(x, 0, NULL);
    assert_int_equal(IEnumWbemClassObject_Skip(it, WBEM_INFINITE, 2), WBEM_S_NO_ERROR);
    IEnumWbemClassObject *copy = NULL;
    assert_int_equal(IEnumWbemClassObject_Clone(it, &copy), WBEM_S_NO_ERROR);
    assert_non_null(copy);
    assert_ptr_not_equal(copy, it);

    IWbemClassObject *out[NOBJ];
    ULONG n;
    assert_int_equal(IEnumWbemClassObject_Next(copy, 0, 1, out, &n), WBEM_S_NO_ERROR);
    assert_ptr_equal(out[0], x->obj[2]);
    release_all(out, n);
    assert_int_equal(IEnumWbemClassObject_Skip(copy, 0, 5), WBEM_S_FALSE);

    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, out, &n), WBEM_S_NO_ERROR);
    assert_ptr_equal(out[0], x->obj[2]);     /* the original did not move */
    release_all(out, n);

    assert_int_equal(IEnumWbemClassObject_Reset(it), WBEM_S_NO_ERROR);
    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, out, &n), WBEM_S_NO_ERROR);
    assert_ptr_equal(out[0], x->obj[0]);
    release_all(out, n);

    IEnumWbemClassObject_Release(copy);
    IEnumWbemClassObject_Release(it);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
    assert_int_equal(ledger_count(&x->f.host->ledger, -1), 0);
}

static void forward_only_refuses_reset_and_clone(void **state)
{
    struct fx *x = *state;
    IEnumWbemClassObject *it = make_enum(x, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, NULL);
    IEnumWbemClassObject *copy = (IEnumWbemClassObject *)1;
    assert_int_equal(IEnumWbemClassObject_Reset(it), WBEM_E_INVALID_OPERATION);
    assert_int_equal(IEnumWbemClassObject_Clone(it, &copy), WBEM_E_INVALID_OPERATION);
    assert_null(copy);
    assert_int_equal(IEnumWbemClassObject_Clone(it, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IEnumWbemClassObject_Skip(it, 0, NOBJ), WBEM_S_NO_ERROR);
    IEnumWbemClassObject_Release(it);
}

static void next_async_is_not_supported(void **state)
{
    struct fx *x = *state;
    struct objsink *s;
    assert_int_equal(objsink_new(&s, x->f.host, HP_ACTOR_CLIENT, NULL), 0);
    IEnumWbemClassObject *it = make_enum(x, 0, NULL);
    assert_int_equal(IEnumWbemClassObject_NextAsync(it, 1, objsink_iface(s)), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(objsink_event_count(s), 0);
    IWbemObjectSink_Release(objsink_iface(s));
    IEnumWbemClassObject_Release(it);
}

static void enum_query_interface_follows_the_com_rules(void **state)
{
    struct fx *x = *state;
    IEnumWbemClassObject *it = make_enum(x, 0, NULL);
    void *p = (void *)1;
    assert_int_equal(IEnumWbemClassObject_QueryInterface(it, &IID_IUnknown, NULL), E_POINTER);
    assert_int_equal(IEnumWbemClassObject_QueryInterface(it, &IID_IWbemCallResult, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(IEnumWbemClassObject_QueryInterface(it, &IID_IEnumWbemClassObject, &p), S_OK);
    assert_ptr_equal(p, it);
    void *q = NULL;
    assert_int_equal(IEnumWbemClassObject_QueryInterface(it, &IID_IUnknown, &q), S_OK);
    assert_ptr_equal(q, it);
    IEnumWbemClassObject_Release(it);
    IEnumWbemClassObject_Release(it);
    IEnumWbemClassObject_Release(it);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
}

static void an_enumerator_refuses_foreign_items(void **state)
{
    struct fx *x = *state;
    struct foreign_unknown u;
    foreign_unknown_init(&u);
    IWbemClassObject *objs[2] = {x->obj[0], (IWbemClassObject *)&u.IUnknown_iface};
    struct enumobj *e = (struct enumobj *)1;
    assert_int_equal(enumobj_new(&e, x->f.host, HP_ACTOR_HOST, objs, 2, 0), HP_EINVAL);
    assert_null(e);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 1);
}

static void an_injected_fault_fails_exactly_that_next(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->f.host->faults, HPM_IEnumWbemClassObject_Next, FAULT_NTH, 2, 0, 0,
                                RPC_E_DISCONNECTED), 0);
    struct enumobj *e;
    IEnumWbemClassObject *it = make_enum(x, 0, &e);
    IWbemClassObject *out[1];
    ULONG n;
    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, out, &n), WBEM_S_NO_ERROR);
    release_all(out, n);
    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, out, &n), RPC_E_DISCONNECTED);
    assert_int_equal(enumobj_remaining(e), NOBJ - 1);      /* the failed call moved nothing */
    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, out, &n), WBEM_S_NO_ERROR);
    assert_ptr_equal(out[0], x->obj[1]);
    release_all(out, n);
    IEnumWbemClassObject_Release(it);
}

/* Calls QueryInterface, Clone and Next, each expected to fail with `want`
 * at its entry: the [out] pointers are NULL, Next's count 0 and the
 * caller's array untouched. */
static void expect_null_enum_outs(IEnumWbemClassObject *it, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IEnumWbemClassObject_QueryInterface(it, &IID_IEnumWbemClassObject, &p), want);
    assert_null(p);
    IEnumWbemClassObject *copy = GARBAGE;
    assert_int_equal(IEnumWbemClassObject_Clone(it, &copy), want);
    assert_null(copy);
    IWbemClassObject *out[1] = {GARBAGE};
    ULONG n = 77;
    assert_int_equal(IEnumWbemClassObject_Next(it, 0, 1, out, &n), want);
    assert_int_equal(n, 0);
    assert_ptr_equal(out[0], GARBAGE);
}

/* COM-OUT-NULL-ON-FAILURE, kept by the host itself: an injected fault and a
 * dead enumerator fail the call at its entry, the [out] pointers NULL. */
static void enum_out_pointers_are_null_when_a_fault_or_death_fails_the_call(void **state)
{
    struct fx *x = *state;
    struct faults *f = &x->f.host->faults;
    struct enumobj *e;
    IEnumWbemClassObject *it = make_enum(x, 0, &e);
    assert_int_equal(faults_add(f, HPM_IEnumWbemClassObject_QueryInterface, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IEnumWbemClassObject_Clone, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IEnumWbemClassObject_Next, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_enum_outs(it, E_FAIL);
    assert_int_equal(enumobj_remaining(e), NOBJ);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 1);   /* only the enum */

    IEnumWbemClassObject_Release(it);                 /* the last reference */
    assert_false(hobj_alive(enumobj_hobj(e)));
    expect_null_enum_outs(it, CO_E_OBJNOTCONNECTED);
    assert_int_equal(ledger_count(&x->f.host->ledger, LEDGER_USE_AFTER_RELEASE), 3);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
}

/* ---- IWbemCallResult ---------------------------------------------------------- */

static IWbemCallResult *make_result(struct fx *x, const struct callresult_init *init, struct callresult **out)
{
    struct callresult *r;
    hp_actor_set(HP_ACTOR_HOST);
    assert_int_equal(callresult_new(&r, x->f.host, HP_ACTOR_HOST, init), 0);
    hobj_transfer(callresult_hobj(r), HP_ACTOR_HOST, HP_ACTOR_CLIENT, HPM_IWbemServices_GetObject);
    hp_actor_set(HP_ACTOR_CLIENT);
    if (out)
        *out = r;
    return callresult_iface(r);
}

static void a_call_result_hands_out_its_object_with_a_reference(void **state)
{
    struct fx *x = *state;
    struct callresult_init init = {.status = WBEM_S_NO_ERROR, .object = x->obj[0]};
    IWbemCallResult *it = make_result(x, &init, NULL);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 2);   /* fixture + call result */

    LONG status = 1;
    assert_int_equal(IWbemCallResult_GetCallStatus(it, 0, &status), WBEM_S_NO_ERROR);
    assert_int_equal(status, WBEM_S_NO_ERROR);
    IWbemClassObject *o = NULL;
    assert_int_equal(IWbemCallResult_GetResultObject(it, WBEM_INFINITE, &o), WBEM_S_NO_ERROR);
    assert_ptr_equal(o, x->obj[0]);
    assert_int_equal(instfix_held(o, HP_ACTOR_CLIENT), 1);
    IWbemClassObject *o2 = NULL;
    assert_int_equal(IWbemCallResult_GetResultObject(it, 0, &o2), WBEM_S_NO_ERROR);
    assert_int_equal(instfix_held(o, HP_ACTOR_CLIENT), 2);          /* each call: a new reference */
    IWbemClassObject_Release(o);
    IWbemClassObject_Release(o2);

    BSTR s = (BSTR)u"garbage";
    assert_int_equal(IWbemCallResult_GetResultString(it, 0, &s), WBEM_S_NO_ERROR);
    assert_null(s);                                                 /* no string: NULL */
    IWbemServices *svc = (IWbemServices *)1;
    assert_int_equal(IWbemCallResult_GetResultServices(it, 0, &svc), WBEM_S_NO_ERROR);
    assert_null(svc);

    assert_int_equal(IWbemCallResult_GetResultObject(it, 0, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemCallResult_GetResultString(it, 0, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemCallResult_GetResultServices(it, 0, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemCallResult_GetCallStatus(it, 0, NULL), WBEM_E_INVALID_PARAMETER);

    IWbemCallResult_Release(it);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 1);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
}

static void a_failed_call_returns_its_error_from_the_getters(void **state)
{
    struct fx *x = *state;
    struct callresult_init init = {.status = WBEM_E_NOT_FOUND};
    IWbemCallResult *it = make_result(x, &init, NULL);
    LONG status = 0;
    assert_int_equal(IWbemCallResult_GetCallStatus(it, WBEM_INFINITE, &status), WBEM_S_NO_ERROR);
    assert_int_equal(status, WBEM_E_NOT_FOUND);
    IWbemClassObject *o = (IWbemClassObject *)1;
    assert_int_equal(IWbemCallResult_GetResultObject(it, 0, &o), WBEM_E_NOT_FOUND);
    assert_null(o);
    BSTR s = (BSTR)u"garbage";
    assert_int_equal(IWbemCallResult_GetResultString(it, 0, &s), WBEM_E_NOT_FOUND);
    assert_null(s);
    IWbemCallResult_Release(it);
}

static void a_call_result_returns_its_string_as_a_new_bstr(void **state)
{
    struct fx *x = *state;
    struct callresult_init init = {.status = WBEM_S_NO_ERROR, .string = u"Test_Counter.Name=\"a\""};
    IWbemCallResult *it = make_result(x, &init, NULL);
    BSTR s1 = NULL, s2 = NULL;
    assert_int_equal(IWbemCallResult_GetResultString(it, 0, &s1), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemCallResult_GetResultString(it, 0, &s2), WBEM_S_NO_ERROR);
    assert_ptr_not_equal(s1, s2);
    assert_int_equal(hp_u16cmp(s1, u"Test_Counter.Name=\"a\""), 0);
    assert_int_equal(SysStringLen(s1), 21);
    SysFreeString(s1);
    SysFreeString(s2);
    IWbemCallResult_Release(it);
}

static void a_call_result_hands_out_services_with_a_reference(void **state)
{
    struct fx *x = *state;
    /* Any host object will do for the ledger's part. */
    struct objsink *stand_in;
    hp_actor_set(HP_ACTOR_HOST);
    assert_int_equal(objsink_new(&stand_in, x->f.host, HP_ACTOR_HOST, NULL), 0);
    struct callresult_init init = {.status = WBEM_S_NO_ERROR,
                                   .services = (IWbemServices *)objsink_iface(stand_in),
                                   .services_hobj = objsink_hobj(stand_in)};
    IWbemCallResult *it = make_result(x, &init, NULL);
    assert_int_equal(atomic_load(&objsink_hobj(stand_in)->by[HP_ACTOR_HOST]), 2);
    IWbemServices *svc = NULL;
    assert_int_equal(IWbemCallResult_GetResultServices(it, 0, &svc), WBEM_S_NO_ERROR);
    assert_ptr_equal(svc, init.services);
    assert_int_equal(atomic_load(&objsink_hobj(stand_in)->by[HP_ACTOR_CLIENT]), 1);
    hobj_unref(objsink_hobj(stand_in), HP_ACTOR_CLIENT);
    IWbemCallResult_Release(it);
    assert_int_equal(atomic_load(&objsink_hobj(stand_in)->by[HP_ACTOR_HOST]), 1);

    struct callresult *r;
    struct callresult_init bad = {.services = init.services};
    assert_int_equal(callresult_new(&r, x->f.host, HP_ACTOR_HOST, &bad), HP_EINVAL);
}

static void call_result_query_interface_follows_the_com_rules(void **state)
{
    struct fx *x = *state;
    struct callresult_init init = {.status = S_OK};
    IWbemCallResult *it = make_result(x, &init, NULL);
    void *p = (void *)1;
    assert_int_equal(IWbemCallResult_QueryInterface(it, &IID_IUnknown, NULL), E_POINTER);
    assert_int_equal(IWbemCallResult_QueryInterface(it, &IID_IEnumWbemClassObject, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(IWbemCallResult_QueryInterface(it, &IID_IWbemCallResult, &p), S_OK);
    assert_ptr_equal(p, it);
    IWbemCallResult_Release(it);
    IWbemCallResult_Release(it);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
    assert_int_equal(ledger_count(&x->f.host->ledger, -1), 0);
}

/* Calls QueryInterface and the three GetResult*, each expected to fail
 * with `want` at its entry, and checks their [out] pointers came back NULL. */
static void expect_null_result_outs(IWbemCallResult *it, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemCallResult_QueryInterface(it, &IID_IWbemCallResult, &p), want);
    assert_null(p);
    IWbemClassObject *o = GARBAGE;
    assert_int_equal(IWbemCallResult_GetResultObject(it, 0, &o), want);
    assert_null(o);
    BSTR s = GARBAGE;
    assert_int_equal(IWbemCallResult_GetResultString(it, 0, &s), want);
    assert_null(s);
    IWbemServices *svc = GARBAGE;
    assert_int_equal(IWbemCallResult_GetResultServices(it, 0, &svc), want);
    assert_null(svc);
}

static void call_result_out_pointers_are_null_when_a_fault_or_death_fails_the_call(void **state)
{
    struct fx *x = *state;
    struct faults *f = &x->f.host->faults;
    struct callresult_init init = {.status = WBEM_S_NO_ERROR, .object = x->obj[0], .string = u"text"};
    struct callresult *r;
    IWbemCallResult *it = make_result(x, &init, &r);
    assert_int_equal(faults_add(f, HPM_IWbemCallResult_QueryInterface, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemCallResult_GetResultObject, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemCallResult_GetResultString, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemCallResult_GetResultServices, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_result_outs(it, E_FAIL);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_CLIENT), 0);   /* nothing handed out */

    IWbemCallResult_Release(it);                      /* the last reference */
    assert_false(hobj_alive(callresult_hobj(r)));
    expect_null_result_outs(it, CO_E_OBJNOTCONNECTED);
    assert_int_equal(ledger_count(&x->f.host->ledger, LEDGER_USE_AFTER_RELEASE), 4);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
}

/* ---- IWbemServices ---------------------------------------------------------------- */

/* Calls the namespace's methods that hand out an object, a call result or
 * an enumerator, with valid arguments, each expected to fail with `want`
 * at its entry, and checks the [out] pointers came back NULL. */
static void expect_null_namespace_outs(IWbemServices *ns, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemServices_QueryInterface(ns, &IID_IWbemServices, &p), want);
    assert_null(p);
    IWbemClassObject *o = GARBAGE;
    IWbemCallResult *cr = GARBAGE;
    assert_int_equal(IWbemServices_GetObject(ns, (BSTR)u"Test_Counter", 0, NULL, &o, &cr), want);
    assert_null(o);
    assert_null(cr);
    IEnumWbemClassObject *e = GARBAGE;
    assert_int_equal(IWbemServices_CreateInstanceEnum(ns, (BSTR)u"Test_Counter", 0, NULL, &e), want);
    assert_null(e);
    e = GARBAGE;
    assert_int_equal(IWbemServices_ExecQuery(ns, (BSTR)u"WQL", (BSTR)u"SELECT * FROM Test_Counter", 0, NULL, &e),
                     want);
    assert_null(e);
}

static void namespace_out_pointers_are_null_when_a_fault_or_death_fails_the_call(void **state)
{
    struct fx *x = *state;
    struct host *host = x->f.host;
    IWbemServices *ns = host_namespace(host);
    assert_non_null(ns);
    static const enum hp_method sites[] = {HPM_IWbemServices_QueryInterface, HPM_IWbemServices_GetObject,
                                           HPM_IWbemServices_CreateInstanceEnum, HPM_IWbemServices_ExecQuery};
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        assert_int_equal(faults_add(&host->faults, sites[i], FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    hp_actor_set(HP_ACTOR_PROVIDER);
    expect_null_namespace_outs(ns, E_FAIL);
    assert_int_equal(ledger_held(&host->ledger, HP_ACTOR_PROVIDER), 0);   /* nothing handed out */
    /* The fault fired once: the class object comes now. */
    IWbemClassObject *o = NULL;
    assert_int_equal(IWbemServices_GetObject(ns, (BSTR)u"Test_Counter", 0, NULL, &o, NULL), WBEM_S_NO_ERROR);
    IWbemClassObject_Release(o);

    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(host_namespace_hobj(host), HP_ACTOR_HOST);   /* the last reference */
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_false(hobj_alive(host_namespace_hobj(host)));
    struct refusal z[sizeof sites / sizeof *sites];
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        refusal_watch(&z[i], host, sites[i]);
    expect_null_namespace_outs(ns, CO_E_OBJNOTCONNECTED);
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        refusal_check(&z[i], CO_E_OBJNOTCONNECTED, HP_ACTOR_PROVIDER, host_namespace_hobj(host)->id);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_USE_AFTER_RELEASE), 4);
    assert_int_equal(ledger_held(&host->ledger, HP_ACTOR_PROVIDER), 0);
}

/* Every method of the host's IWbemServices refused at its entry by an
 * injected fault is still one journal record, counted by journal_calls,
 * with the caller, the namespace, E_FAIL and the arguments known at the
 * entry: the path, filter or query text, lFlags. */
static void namespace_calls_refused_by_a_fault_are_journaled(void **state)
{
    struct fx *x = *state;
    struct host *host = x->f.host;
    IWbemServices *ns = host_namespace(host);
    assert_non_null(ns);
    const uint64_t id = host_namespace_hobj(host)->id;
    struct objsink *sink;
    assert_int_equal(objsink_new(&sink, host, HP_ACTOR_PROVIDER, "refused"), 0);
    IWbemObjectSink *is = objsink_iface(sink);
    hp_actor_set(HP_ACTOR_PROVIDER);
    struct refusal z;
    struct journal_rec rec;
    void *p = GARBAGE;
    IWbemClassObject *o = GARBAGE;
    IEnumWbemClassObject *e = GARBAGE;

    refusal_arm(&z, host, HPM_IWbemServices_QueryInterface);
    assert_int_equal(IWbemServices_QueryInterface(ns, &IID_IWbemServices, &p), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);

    refusal_arm(&z, host, HPM_IWbemServices_GetObject);
    assert_int_equal(IWbemServices_GetObject(ns, (BSTR)u"Test_Counter", 0, NULL, &o, NULL), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);
    assert_true(refusal_mentions(host, &rec, "(\"Test_Counter\", "));

    refusal_arm(&z, host, HPM_IWbemServices_GetObjectAsync);
    assert_int_equal(IWbemServices_GetObjectAsync(ns, (BSTR)u"Test_Counter", 0, NULL, is), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);
    assert_true(refusal_mentions(host, &rec, "(\"Test_Counter\", "));

    refusal_arm(&z, host, HPM_IWbemServices_CreateInstanceEnum);
    assert_int_equal(IWbemServices_CreateInstanceEnum(ns, (BSTR)u"Test_Counter", WBEM_FLAG_FORWARD_ONLY, NULL, &e),
                     E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);
    assert_true(refusal_mentions(host, &rec, "(\"Test_Counter\", "));
    assert_int_equal(rec.arg[1], WBEM_FLAG_FORWARD_ONLY);

    refusal_arm(&z, host, HPM_IWbemServices_CreateInstanceEnumAsync);
    assert_int_equal(IWbemServices_CreateInstanceEnumAsync(ns, (BSTR)u"Test_Counter", 0, NULL, is), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);
    assert_true(refusal_mentions(host, &rec, "(\"Test_Counter\", "));

    refusal_arm(&z, host, HPM_IWbemServices_ExecQuery);
    assert_int_equal(IWbemServices_ExecQuery(ns, (BSTR)u"WQL", (BSTR)u"SELECT * FROM Test_Counter",
                                             WBEM_FLAG_FORWARD_ONLY, NULL, &e),
                     E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);
    assert_true(refusal_mentions(host, &rec, "(\"SELECT * FROM Test_Counter\", "));
    assert_int_equal(rec.arg[1], WBEM_FLAG_FORWARD_ONLY);

    refusal_arm(&z, host, HPM_IWbemServices_ExecQueryAsync);
    assert_int_equal(IWbemServices_ExecQueryAsync(ns, (BSTR)u"WQL", (BSTR)u"SELECT * FROM Test_Counter", 0, NULL, is),
                     E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);
    assert_true(refusal_mentions(host, &rec, "(\"SELECT * FROM Test_Counter\", "));

    /* Not WQL: refused at the entry before the language is looked at. */
    refusal_arm(&z, host, HPM_IWbemServices_ExecQueryAsync);
    assert_int_equal(IWbemServices_ExecQueryAsync(ns, (BSTR)u"XQL", (BSTR)u"x", 0, NULL, is), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);

    /* A method the host does not simulate. */
    refusal_arm(&z, host, HPM_IWbemServices_OpenNamespace);
    IWbemServices *other = GARBAGE;
    assert_int_equal(IWbemServices_OpenNamespace(ns, (BSTR)u"x", 0, NULL, &other, NULL), E_FAIL);
    assert_null(other);
    refusal_check(&z, E_FAIL, HP_ACTOR_PROVIDER, id);

    /* Nothing reached the sink, nothing was handed out. */
    struct objsink_stats st;
    objsink_get_stats(sink, &st);
    assert_int_equal(st.set_status_calls + st.indicate_calls, 0);
    IWbemObjectSink_Release(is);
    assert_int_equal(ledger_held(&host->ledger, HP_ACTOR_PROVIDER), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(next_returns_false_when_fewer_than_asked_remain, setup, teardown),
        cmocka_unit_test_setup_teardown(next_needs_its_out_pointers, setup, teardown),
        cmocka_unit_test_setup_teardown(skip_reset_and_clone_keep_their_own_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(forward_only_refuses_reset_and_clone, setup, teardown),
        cmocka_unit_test_setup_teardown(next_async_is_not_supported, setup, teardown),
        cmocka_unit_test_setup_teardown(enum_query_interface_follows_the_com_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(an_enumerator_refuses_foreign_items, setup, teardown),
        cmocka_unit_test_setup_teardown(an_injected_fault_fails_exactly_that_next, setup, teardown),
        cmocka_unit_test_setup_teardown(enum_out_pointers_are_null_when_a_fault_or_death_fails_the_call, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_call_result_hands_out_its_object_with_a_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_call_returns_its_error_from_the_getters, setup, teardown),
        cmocka_unit_test_setup_teardown(a_call_result_returns_its_string_as_a_new_bstr, setup, teardown),
        cmocka_unit_test_setup_teardown(a_call_result_hands_out_services_with_a_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(call_result_query_interface_follows_the_com_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(call_result_out_pointers_are_null_when_a_fault_or_death_fails_the_call,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(namespace_out_pointers_are_null_when_a_fault_or_death_fails_the_call,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(namespace_calls_refused_by_a_fault_are_journaled, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
