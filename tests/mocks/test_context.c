/*
 * tests/mocks/test_context.c - IWbemContext: values are deep copies under
 * case-insensitive names, GetValue/DeleteValue of an unknown name is
 * WBEM_E_NOT_FOUND, enumeration runs in insertion order and ends with
 * WBEM_S_NO_MORE_DATA (NULL name, VT_NULL value), GetNames gives a
 * SAFEARRAY of BSTR, Clone is independent and owned by the caller, lFlags
 * must be 0, NULL out-pointers are refused, interface values are held by
 * the host, an injected fault fails exactly the chosen call, and the
 * [out] pointers are NULL when a fault or a dead context fails a call.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "context.h"

/* What an uninitialised [out] pointer holds. */
#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

struct fx {
    struct host *host;
    struct hcontext *c;
    IWbemContext *it;
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    if (!x || host_new(&x->host, NULL, NULL) != 0)
        return -1;
    if (context_new(&x->c, x->host, HP_ACTOR_HOST) != 0)
        return -1;
    x->it = context_iface(x->c);
    hp_actor_set(HP_ACTOR_PROVIDER);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    hp_actor_set(HP_ACTOR_HOST);
    host_free(x->host);
    free(x);
    return 0;
}

static VARIANT v_i4(LONG n)
{
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_I4;
    V_I4(&v) = n;
    return v;
}

static bool u16_eq(const WCHAR *a, const WCHAR *b)
{
    return hp_u16cmp(a, b) == 0;
}

static void set_then_get_returns_a_deep_copy(void **state)
{
    struct fx *x = *state;
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(u"MS_409");
    assert_int_equal(IWbemContext_SetValue(x->it, u"__Locale", 0, &v), WBEM_S_NO_ERROR);
    V_BSTR(&v)[0] = u'X';                    /* the context kept its own copy */

    VARIANT out;
    memset(&out, 0xAB, sizeof out);          /* an [out] VARIANT may be garbage */
    assert_int_equal(IWbemContext_GetValue(x->it, u"__Locale", 0, &out), WBEM_S_NO_ERROR);
    assert_int_equal(V_VT(&out), VT_BSTR);
    assert_true(u16_eq(V_BSTR(&out), u"MS_409"));
    assert_ptr_not_equal(V_BSTR(&out), V_BSTR(&v));
    VariantClear(&out);
    VariantClear(&v);
}

static void names_are_case_insensitive_and_set_replaces(void **state)
{
    struct fx *x = *state;
    VARIANT one = v_i4(1), two = v_i4(2), out;
    assert_int_equal(IWbemContext_SetValue(x->it, u"Depth", 0, &one), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_SetValue(x->it, u"DEPTH", 0, &two), WBEM_S_NO_ERROR);
    assert_int_equal(context_count(x->c), 1);
    assert_int_equal(IWbemContext_GetValue(x->it, u"depth", 0, &out), WBEM_S_NO_ERROR);
    assert_int_equal(V_VT(&out), VT_I4);
    assert_int_equal(V_I4(&out), 2);
    /* Non-ASCII letters are not folded. */
    assert_int_equal(IWbemContext_SetValue(x->it, u"\u00c9t\u00e9", 0, &one), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_GetValue(x->it, u"\u00e9t\u00e9", 0, &out), WBEM_E_NOT_FOUND);
}

static void unknown_names_are_not_found(void **state)
{
    struct fx *x = *state;
    VARIANT out = v_i4(77);
    assert_int_equal(IWbemContext_GetValue(x->it, u"Nope", 0, &out), WBEM_E_NOT_FOUND);
    assert_int_equal(V_I4(&out), 77);        /* untouched on error */
    assert_int_equal(IWbemContext_DeleteValue(x->it, u"Nope", 0), WBEM_E_NOT_FOUND);
}

static void nonzero_lflags_are_rejected(void **state)
{
    struct fx *x = *state;
    VARIANT v = v_i4(1), out;
    BSTR name = NULL;
    SAFEARRAY *sa = NULL;
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 1, &v), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(context_count(x->c), 0);
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 0, &v), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_GetValue(x->it, u"A", 2, &out), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_DeleteValue(x->it, u"A", 4), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_GetNames(x->it, 8, &sa), WBEM_E_INVALID_PARAMETER);
    assert_null(sa);
    assert_int_equal(IWbemContext_BeginEnumeration(x->it, 16), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_BeginEnumeration(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_Next(x->it, 32, &name, &out), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(context_count(x->c), 1);
}

static void null_pointers_are_invalid_parameters(void **state)
{
    struct fx *x = *state;
    VARIANT v = v_i4(1);
    BSTR name;
    assert_int_equal(IWbemContext_SetValue(x->it, NULL, 0, &v), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 0, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_GetValue(x->it, NULL, 0, &v), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_GetValue(x->it, u"A", 0, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_DeleteValue(x->it, NULL, 0), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_GetNames(x->it, 0, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_Clone(x->it, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_BeginEnumeration(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_Next(x->it, 0, NULL, &v), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, NULL), WBEM_E_INVALID_PARAMETER);
    /* A bad VARIANT type is refused too. */
    VARIANT bad;
    VariantInit(&bad);
    V_VT(&bad) = 15;
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 0, &bad), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(context_count(x->c), 0);
}

static void enumeration_runs_in_insertion_order_and_ends_with_no_more_data(void **state)
{
    struct fx *x = *state;
    const WCHAR *names[3] = {u"Zeta", u"alpha", u"Mid"};
    for (int i = 0; i < 3; i++) {
        VARIANT v = v_i4(i);
        assert_int_equal(IWbemContext_SetValue(x->it, names[i], 0, &v), WBEM_S_NO_ERROR);
    }
    BSTR name = (BSTR)u"garbage";
    VARIANT v;
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_E_UNEXPECTED); /* no Begin */

    for (int round = 0; round < 2; round++) {   /* BeginEnumeration again resets */
        assert_int_equal(IWbemContext_BeginEnumeration(x->it, 0), WBEM_S_NO_ERROR);
        for (int i = 0; i < 3; i++) {
            assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_S_NO_ERROR);
            assert_true(u16_eq(name, names[i]));
            assert_int_equal(SysStringLen(name), hp_u16len(names[i]));
            assert_int_equal(V_VT(&v), VT_I4);
            assert_int_equal(V_I4(&v), i);
            SysFreeString(name);
            if (round == 0 && i == 0)
                break;                          /* the second round starts over */
        }
    }
    name = (BSTR)u"garbage";
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_S_NO_MORE_DATA);
    assert_null(name);
    assert_int_equal(V_VT(&v), VT_NULL);
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_S_NO_MORE_DATA);
    assert_int_equal(IWbemContext_EndEnumeration(x->it), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_E_UNEXPECTED);
}

static void deleting_during_enumeration_keeps_the_cursor_on_the_next_value(void **state)
{
    struct fx *x = *state;
    const WCHAR *names[3] = {u"A", u"B", u"C"};
    for (int i = 0; i < 3; i++) {
        VARIANT v = v_i4(i);
        IWbemContext_SetValue(x->it, names[i], 0, &v);
    }
    BSTR name;
    VARIANT v;
    IWbemContext_BeginEnumeration(x->it, 0);
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_S_NO_ERROR);  /* A */
    SysFreeString(name);
    assert_int_equal(IWbemContext_DeleteValue(x->it, u"a", 0), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_S_NO_ERROR);
    assert_true(u16_eq(name, u"B"));
    SysFreeString(name);
}

static void get_names_gives_a_safearray_of_bstr(void **state)
{
    struct fx *x = *state;
    SAFEARRAY *sa = NULL;
    assert_int_equal(IWbemContext_GetNames(x->it, 0, &sa), WBEM_S_NO_ERROR);
    assert_non_null(sa);
    LONG lb, ub;
    assert_int_equal(SafeArrayGetLBound(sa, 1, &lb), S_OK);
    assert_int_equal(SafeArrayGetUBound(sa, 1, &ub), S_OK);
    assert_int_equal(ub - lb + 1, 0);
    SafeArrayDestroy(sa);

    VARIANT v = v_i4(1);
    IWbemContext_SetValue(x->it, u"First", 0, &v);
    IWbemContext_SetValue(x->it, u"Second", 0, &v);
    assert_int_equal(IWbemContext_GetNames(x->it, 0, &sa), WBEM_S_NO_ERROR);
    VARTYPE vt;
    assert_int_equal(SafeArrayGetVartype(sa, &vt), S_OK);
    assert_int_equal(vt, VT_BSTR);
    assert_int_equal(SafeArrayGetDim(sa), 1);
    assert_int_equal(SafeArrayGetLBound(sa, 1, &lb), S_OK);
    assert_int_equal(SafeArrayGetUBound(sa, 1, &ub), S_OK);
    assert_int_equal(lb, 0);
    assert_int_equal(ub, 1);
    BSTR s;
    LONG i = 0;
    assert_int_equal(SafeArrayGetElement(sa, &i, &s), S_OK);
    assert_true(u16_eq(s, u"First"));
    SysFreeString(s);
    i = 1;
    assert_int_equal(SafeArrayGetElement(sa, &i, &s), S_OK);
    assert_true(u16_eq(s, u"Second"));
    SysFreeString(s);
    SafeArrayDestroy(sa);
}

static void clone_is_an_independent_copy_owned_by_the_caller(void **state)
{
    struct fx *x = *state;
    VARIANT v = v_i4(5), out;
    IWbemContext_SetValue(x->it, u"Shared", 0, &v);
    IWbemContext *copy = NULL;
    assert_int_equal(IWbemContext_Clone(x->it, &copy), WBEM_S_NO_ERROR);
    assert_non_null(copy);
    assert_ptr_not_equal(copy, x->it);
    struct hcontext *cc = context_from_iface(copy);
    assert_non_null(cc);
    assert_int_equal(atomic_load(&context_hobj(cc)->by[HP_ACTOR_PROVIDER]), 1);
    assert_int_equal(atomic_load(&context_hobj(cc)->by[HP_ACTOR_HOST]), 0);

    assert_int_equal(IWbemContext_GetValue(copy, u"shared", 0, &out), WBEM_S_NO_ERROR);
    assert_int_equal(V_I4(&out), 5);
    VARIANT six = v_i4(6);
    IWbemContext_SetValue(copy, u"Shared", 0, &six);
    IWbemContext_SetValue(copy, u"OnlyInCopy", 0, &six);
    assert_int_equal(IWbemContext_GetValue(x->it, u"Shared", 0, &out), WBEM_S_NO_ERROR);
    assert_int_equal(V_I4(&out), 5);
    assert_int_equal(context_count(x->c), 1);
    assert_int_equal(context_count(cc), 2);

    IWbemContext_Release(copy);
    assert_false(hobj_alive(context_hobj(cc)));
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
}

static void delete_value_and_delete_all(void **state)
{
    struct fx *x = *state;
    VARIANT v = v_i4(1);
    IWbemContext_SetValue(x->it, u"A", 0, &v);
    IWbemContext_SetValue(x->it, u"B", 0, &v);
    assert_int_equal(IWbemContext_DeleteValue(x->it, u"b", 0), WBEM_S_NO_ERROR);
    assert_int_equal(context_count(x->c), 1);
    assert_int_equal(IWbemContext_GetValue(x->it, u"B", 0, &v), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemContext_DeleteAll(x->it), WBEM_S_NO_ERROR);
    assert_int_equal(context_count(x->c), 0);
    assert_int_equal(IWbemContext_DeleteAll(x->it), WBEM_S_NO_ERROR);
}

static void an_interface_value_is_held_by_the_host(void **state)
{
    struct fx *x = *state;
    /* Another host object stored as VT_UNKNOWN: a second context. */
    struct hcontext *inner;
    hp_actor_set(HP_ACTOR_HOST);
    assert_int_equal(context_new(&inner, x->host, HP_ACTOR_PROVIDER), 0);
    hp_actor_set(HP_ACTOR_PROVIDER);
    struct hobj *h = context_hobj(inner);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_UNKNOWN;
    V_UNKNOWN(&v) = (IUnknown *)context_iface(inner);
    assert_int_equal(IWbemContext_SetValue(x->it, u"Obj", 0, &v), WBEM_S_NO_ERROR);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_HOST]), 1);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 1);

    VARIANT out;
    assert_int_equal(IWbemContext_GetValue(x->it, u"Obj", 0, &out), WBEM_S_NO_ERROR);
    assert_ptr_equal(V_UNKNOWN(&out), V_UNKNOWN(&v));
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 2);   /* the caller's copy */
    VariantClear(&out);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 1);

    assert_int_equal(IWbemContext_DeleteValue(x->it, u"Obj", 0), WBEM_S_NO_ERROR);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_HOST]), 0);

    /* Death of the context releases what it holds. */
    IWbemContext_SetValue(x->it, u"Obj", 0, &v);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_HOST]), 1);
    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(context_hobj(x->c), HP_ACTOR_HOST);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_HOST]), 0);
    hp_actor_set(HP_ACTOR_PROVIDER);
    IUnknown_Release(V_UNKNOWN(&v));
    assert_false(hobj_alive(h));
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
}

static void query_interface_follows_the_com_rules(void **state)
{
    struct fx *x = *state;
    void *p = (void *)1;
    assert_int_equal(IWbemContext_QueryInterface(x->it, &IID_IUnknown, NULL), E_POINTER);
    assert_int_equal(IWbemContext_QueryInterface(x->it, &IID_IWbemHiPerfEnum, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(IWbemContext_QueryInterface(x->it, &IID_IUnknown, &p), S_OK);
    assert_ptr_equal(p, x->it);
    void *q = NULL;
    assert_int_equal(IWbemContext_QueryInterface(x->it, &IID_IWbemContext, &q), S_OK);
    assert_ptr_equal(q, p);
    assert_int_equal(atomic_load(&context_hobj(x->c)->by[HP_ACTOR_PROVIDER]), 2);
    IWbemContext_Release(x->it);
    IWbemContext_Release(x->it);
    assert_int_equal(atomic_load(&context_hobj(x->c)->by[HP_ACTOR_PROVIDER]), 0);
}

static void the_harness_side_sets_and_gets(void **state)
{
    struct fx *x = *state;
    VARIANT v = v_i4(64), out;
    assert_int_equal(context_set(x->c, u"__ProviderArchitecture", &v), 0);
    assert_true(context_get(x->c, u"__providerarchitecture", &out));
    assert_int_equal(V_I4(&out), 64);
    assert_false(context_get(x->c, u"other", &out));
    VARIANT bad;
    VariantInit(&bad);
    V_VT(&bad) = 15;
    assert_int_equal(context_set(x->c, u"x", &bad), HP_EINVAL);
}

static void calls_are_journaled_with_their_names(void **state)
{
    struct fx *x = *state;
    uint64_t from = journal_next_seq(&x->host->journal);
    VARIANT v = v_i4(3);
    IWbemContext_SetValue(x->it, u"Named", 0, &v);
    struct journal_rec r;
    assert_true(journal_get(&x->host->journal, from, &r));
    assert_int_equal(r.method, HPM_IWbemContext_SetValue);
    assert_int_equal(r.caller, HP_ACTOR_PROVIDER);
    assert_int_equal(r.strmask & 1, 1);
    struct hp_buf b = {0};
    journal_format(&x->host->journal, &r, &b);
    assert_non_null(strstr(b.s, "Named"));
    hp_buf_free(&b);
}

static void an_injected_fault_fails_exactly_that_call(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->host->faults, HPM_IWbemContext_SetValue, FAULT_NTH, 2, 0, 0,
                                WBEM_E_OUT_OF_MEMORY), 0);
    VARIANT v = v_i4(1);
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 0, &v), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_SetValue(x->it, u"B", 0, &v), WBEM_E_OUT_OF_MEMORY);
    assert_int_equal(IWbemContext_SetValue(x->it, u"C", 0, &v), WBEM_S_NO_ERROR);
    assert_int_equal(context_count(x->c), 2);
    assert_int_equal(IWbemContext_GetValue(x->it, u"B", 0, &v), WBEM_E_NOT_FOUND);
}

static void a_host_allocation_failure_stores_nothing(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->host->faults, HPM_HOST_ALLOC, FAULT_FROM, 1, 0, 0, E_OUTOFMEMORY), 0);
    VARIANT v = v_i4(1);
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 0, &v), WBEM_E_OUT_OF_MEMORY);
    assert_int_equal(context_count(x->c), 0);
    IWbemContext *copy = (IWbemContext *)1;
    assert_int_equal(IWbemContext_Clone(x->it, &copy), WBEM_E_OUT_OF_MEMORY);
    assert_null(copy);
    faults_clear(&x->host->faults);
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 0, &v), WBEM_S_NO_ERROR);
    /* The copy's storage fails: the half-made clone is released. */
    assert_int_equal(faults_add(&x->host->faults, HPM_HOST_ALLOC, FAULT_NTH,
                                2, 0, 0, E_OUTOFMEMORY), 0);
    assert_int_equal(IWbemContext_Clone(x->it, &copy), WBEM_E_OUT_OF_MEMORY);
    assert_null(copy);
    assert_int_equal(ledger_held(&x->host->ledger, HP_ACTOR_HOST), 1);   /* only x->c */
}

/* Calls QueryInterface, Clone, GetNames and Next, each expected to fail
 * with `want` at its entry, and checks their [out] pointers came back NULL
 * (Next's VARIANT is left as it was: the context documents nothing else). */
static void expect_null_outs(struct fx *x, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemContext_QueryInterface(x->it, &IID_IWbemContext, &p), want);
    assert_null(p);
    IWbemContext *copy = GARBAGE;
    assert_int_equal(IWbemContext_Clone(x->it, &copy), want);
    assert_null(copy);
    SAFEARRAY *sa = GARBAGE;
    assert_int_equal(IWbemContext_GetNames(x->it, 0, &sa), want);
    assert_null(sa);
    BSTR name = GARBAGE;
    VARIANT out = v_i4(77);
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &out), want);
    assert_null(name);
    assert_int_equal(V_VT(&out), VT_I4);
    assert_int_equal(V_I4(&out), 77);
}

/* COM-OUT-NULL-ON-FAILURE, kept by the host itself: a call that an
 * injected fault or a dead context fails at its entry, before any argument
 * is looked at, still leaves its [out] pointers NULL. */
static void out_pointers_are_null_when_a_fault_or_death_fails_the_call(void **state)
{
    struct fx *x = *state;
    struct faults *f = &x->host->faults;
    VARIANT v = v_i4(1);
    assert_int_equal(IWbemContext_SetValue(x->it, u"A", 0, &v), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemContext_BeginEnumeration(x->it, 0), WBEM_S_NO_ERROR);

    assert_int_equal(faults_add(f, HPM_IWbemContext_QueryInterface, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemContext_Clone, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemContext_GetNames, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemContext_Next, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_outs(x, E_FAIL);
    /* Each fault fired once: the enumeration did not move. */
    BSTR name = NULL;
    assert_int_equal(IWbemContext_Next(x->it, 0, &name, &v), WBEM_S_NO_ERROR);
    assert_true(u16_eq(name, u"A"));
    SysFreeString(name);

    /* The last reference goes: the context dies, and every call fails. */
    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(context_hobj(x->c), HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_false(hobj_alive(context_hobj(x->c)));
    expect_null_outs(x, CO_E_OBJNOTCONNECTED);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_USE_AFTER_RELEASE), 4);
    assert_int_equal(ledger_held(&x->host->ledger, HP_ACTOR_PROVIDER), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(set_then_get_returns_a_deep_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(names_are_case_insensitive_and_set_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_names_are_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(nonzero_lflags_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(null_pointers_are_invalid_parameters, setup, teardown),
        cmocka_unit_test_setup_teardown(enumeration_runs_in_insertion_order_and_ends_with_no_more_data, setup, teardown),
        cmocka_unit_test_setup_teardown(deleting_during_enumeration_keeps_the_cursor_on_the_next_value, setup, teardown),
        cmocka_unit_test_setup_teardown(get_names_gives_a_safearray_of_bstr, setup, teardown),
        cmocka_unit_test_setup_teardown(clone_is_an_independent_copy_owned_by_the_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_value_and_delete_all, setup, teardown),
        cmocka_unit_test_setup_teardown(an_interface_value_is_held_by_the_host, setup, teardown),
        cmocka_unit_test_setup_teardown(query_interface_follows_the_com_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(the_harness_side_sets_and_gets, setup, teardown),
        cmocka_unit_test_setup_teardown(calls_are_journaled_with_their_names, setup, teardown),
        cmocka_unit_test_setup_teardown(an_injected_fault_fails_exactly_that_call, setup, teardown),
        cmocka_unit_test_setup_teardown(a_host_allocation_failure_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(out_pointers_are_null_when_a_fault_or_death_fails_the_call, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
