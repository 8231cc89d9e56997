/*
 * test_compat_faults.c - every allocation the compat functions make is made
 * to fail in turn, and each function must then report the failure (NULL,
 * FALSE or E_OUTOFMEMORY), leave its inputs as they were, and leak nothing
 * (the sanitizer and valgrind runs check the leaks).
 *
 * This executable is built from the compat sources themselves with
 * HIPERF_COMPAT_FAULT_INJECTION, which adds the hooks below; the shipped
 * library has no such hook and exports nothing but the Windows names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hiperf/oleauto.h"

/* From cotaskmem.c, fault-injection builds only. */
void compat_fault_fail_after(long n);
long compat_fault_injected(void);

/* One operation under test: it calls stop_faults() as soon as the calls
 * under test are done (so its own checks allocate freely), checks the
 * post-conditions for both outcomes, and returns nonzero on success. */
typedef int (*fallible_op)(void *ctx);

static long injected_in_op = -1;

static void stop_faults(void)
{
    injected_in_op = compat_fault_injected();
    compat_fault_fail_after(-1);
}

/* Runs op with the 1st, 2nd, ... allocation failing until a run needs no
 * failed allocation, which must then succeed.  Returns the number of
 * allocations that run made. */
static long fail_each_allocation_in_turn(fallible_op op, void *ctx)
{
    for (long n = 0;; n++) {
        injected_in_op = -1;
        compat_fault_fail_after(n);
        int ok = op(ctx);
        if (injected_in_op < 0)
            stop_faults();
        if (injected_in_op == 0) {
            assert_true(ok);
            return n;
        }
        assert_false(ok);
        assert_true(n < 1000);
    }
}

static int op_alloc_string(void *ctx)
{
    (void)ctx;
    BSTR b = SysAllocString(u"fault");
    stop_faults();
    if (!b)
        return 0;
    assert_memory_equal(b, u"fault", 6 * sizeof(OLECHAR));
    SysFreeString(b);
    return 1;
}

static void alloc_string_reports_null_when_memory_is_short(void **state)
{
    (void)state;
    assert_int_equal(fail_each_allocation_in_turn(op_alloc_string, NULL), 1);
}

static int op_realloc_string(void *ctx)
{
    BSTR *b = ctx;
    BSTR before = *b;
    int ok = SysReAllocString(b, u"a longer replacement");
    stop_faults();
    if (!ok) {
        assert_ptr_equal(*b, before);
        assert_memory_equal(*b, u"short", 6 * sizeof(OLECHAR));
        return 0;
    }
    assert_memory_equal(*b, u"a longer replacement", 21 * sizeof(OLECHAR));
    return 1;
}

static void realloc_string_keeps_the_old_string_when_memory_is_short(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"short");
    fail_each_allocation_in_turn(op_realloc_string, &b);
    SysFreeString(b);
}

static int op_cotaskmem_realloc(void *ctx)
{
    (void)ctx;
    unsigned char *p = CoTaskMemAlloc(4);
    if (!p)
        return 0;
    memcpy(p, "abc", 4);
    unsigned char *q = CoTaskMemRealloc(p, 1 << 16);
    stop_faults();
    if (!q) {
        assert_memory_equal(p, "abc", 4); /* still valid and ours */
        CoTaskMemFree(p);
        return 0;
    }
    CoTaskMemFree(q);
    return 1;
}

static void cotaskmem_realloc_failure_keeps_the_block(void **state)
{
    (void)state;
    assert_int_equal(fail_each_allocation_in_turn(op_cotaskmem_realloc, NULL), 2);
}

static int op_create_vector(void *ctx)
{
    (void)ctx;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_VARIANT, 0, 8);
    stop_faults();
    if (!psa)
        return 0;
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
    return 1;
}

static void create_fails_cleanly_at_descriptor_and_at_data(void **state)
{
    (void)state;
    assert_int_equal(fail_each_allocation_in_turn(op_create_vector, NULL), 2);
}

/* A VARIANT holding an array of VARIANTs holding BSTRs and a nested BSTR
 * array: deep enough that a copy allocates at every level. */
static void make_nested(VARIANT *v)
{
    SAFEARRAY *inner = SafeArrayCreateVector(VT_BSTR, 0, 2);
    SAFEARRAY *outer = SafeArrayCreateVector(VT_VARIANT, 0, 3);
    assert_non_null(inner);
    assert_non_null(outer);
    LONG i;
    for (i = 0; i < 2; i++) {
        BSTR b = SysAllocString(u"inner");
        assert_int_equal(SafeArrayPutElement(inner, &i, b), S_OK);
        SysFreeString(b);
    }
    VARIANT e;
    VariantInit(&e);
    V_VT(&e) = VT_BSTR;
    V_BSTR(&e) = SysAllocString(u"outer");
    for (i = 0; i < 2; i++)
        assert_int_equal(SafeArrayPutElement(outer, &i, &e), S_OK);
    VariantClear(&e);
    V_VT(&e) = VT_ARRAY | VT_BSTR;
    V_ARRAY(&e) = inner;
    i = 2;
    assert_int_equal(SafeArrayPutElement(outer, &i, &e), S_OK);
    VariantClear(&e);

    VariantInit(v);
    V_VT(v) = VT_ARRAY | VT_VARIANT;
    V_ARRAY(v) = outer;
}

static int op_variant_copy_nested(void *ctx)
{
    const VARIANT *src = ctx;
    VARIANT dst;
    VariantInit(&dst);
    HRESULT hr = VariantCopy(&dst, src);
    stop_faults();
    if (FAILED(hr)) {
        assert_int_equal(hr, E_OUTOFMEMORY);
        assert_int_equal(V_VT(&dst), VT_EMPTY);
        return 0;
    }
    LONG i = 2;
    VARIANT inner;
    assert_int_equal(SafeArrayGetElement(V_ARRAY(&dst), &i, &inner), S_OK);
    assert_int_equal(V_VT(&inner), VT_ARRAY | VT_BSTR);
    VariantClear(&inner);
    VariantClear(&dst);
    return 1;
}

static void nested_variant_copy_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    VARIANT src;
    make_nested(&src);
    /* outer: descriptor + data, 2 BSTRs, inner: descriptor + data + 2 BSTRs */
    assert_int_equal(fail_each_allocation_in_turn(op_variant_copy_nested, &src), 8);
    VariantClear(&src);
}

static int op_get_put_bstr(void *ctx)
{
    SAFEARRAY *psa = ctx;
    LONG i = 0;
    BSTR got = (BSTR)(void *)&got;
    HRESULT hr = SafeArrayGetElement(psa, &i, &got);
    if (FAILED(hr)) {
        assert_int_equal(hr, E_OUTOFMEMORY);
        assert_ptr_equal(got, (BSTR)(void *)&got); /* not written */
        return 0;
    }
    hr = SafeArrayPutElement(psa, &i, got);
    stop_faults();
    SysFreeString(got);
    const BSTR *items = psa->pvData;
    assert_memory_equal(items[0], u"kept", 5 * sizeof(OLECHAR)); /* old value kept on failure */
    if (FAILED(hr)) {
        assert_int_equal(hr, E_OUTOFMEMORY);
        return 0;
    }
    return 1;
}

static void get_and_put_keep_values_when_memory_is_short(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 0, 1);
    LONG i = 0;
    BSTR b = SysAllocString(u"kept");
    SafeArrayPutElement(psa, &i, b);
    SysFreeString(b);
    assert_int_equal(fail_each_allocation_in_turn(op_get_put_bstr, psa), 2);
    assert_int_equal(psa->cLocks, 0);
    SafeArrayDestroy(psa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alloc_string_reports_null_when_memory_is_short),
        cmocka_unit_test(realloc_string_keeps_the_old_string_when_memory_is_short),
        cmocka_unit_test(cotaskmem_realloc_failure_keeps_the_block),
        cmocka_unit_test(create_fails_cleanly_at_descriptor_and_at_data),
        cmocka_unit_test(nested_variant_copy_fails_cleanly_at_every_allocation),
        cmocka_unit_test(get_and_put_keep_values_when_memory_is_short),
    };
    return cmocka_run_group_tests_name("compat_faults", tests, NULL, NULL);
}
