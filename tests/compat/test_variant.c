/*
 * test_variant.c - VariantInit/Clear/Copy own exactly what vt says: a BSTR
 * is freed on clear and duplicated on copy, an interface is Released on
 * clear and AddRef'd on copy (counted exactly), an array is destroyed or
 * deep-copied, a VT_BYREF target is never touched, and a bad vt is refused
 * with the VARIANT left as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_compat.h"

static void variant_init_sets_empty_and_zero(void **state)
{
    (void)state;
    VARIANT v;
    memset(&v, 0xCC, sizeof v);
    VariantInit(&v);
    assert_int_equal(V_VT(&v), VT_EMPTY);
    assert_int_equal(v.llVal, 0);
}

static void clear_empty_succeeds(void **state)
{
    (void)state;
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(V_VT(&v), VT_EMPTY);
}

static void clear_scalar_sets_empty(void **state)
{
    (void)state;
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_I4;
    V_I4(&v) = 42;
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(V_VT(&v), VT_EMPTY);
    assert_int_equal(V_I4(&v), 0);
}

static void clear_bstr_frees_it_and_sets_empty(void **state)
{
    (void)state;
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(u"freed by VariantClear");
    assert_int_equal(VariantClear(&v), S_OK); /* a leak here fails valgrind/ASan */
    assert_int_equal(V_VT(&v), VT_EMPTY);
    assert_null(V_BSTR(&v));
}

static void clear_null_bstr_succeeds(void **state)
{
    (void)state;
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(V_VT(&v), VT_EMPTY);
}

static void clear_unknown_releases_exactly_once(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_UNKNOWN;
    V_UNKNOWN(&v) = &obj.IUnknown_iface;
    IUnknown_AddRef(&obj.IUnknown_iface); /* the reference the VARIANT owns */
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(counting_unknown_releases(&obj), 1);
    assert_int_equal(counting_unknown_refs(&obj), 1);
    assert_int_equal(V_VT(&v), VT_EMPTY);
    assert_null(V_UNKNOWN(&v));
}

static void clear_dispatch_releases_through_the_iunknown_slots(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_DISPATCH;
    V_DISPATCH(&v) = (IDispatch *)(void *)&obj.IUnknown_iface;
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(counting_unknown_releases(&obj), 1);
    assert_int_equal(counting_unknown_refs(&obj), 0);
}

static void clear_null_interface_succeeds(void **state)
{
    (void)state;
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_UNKNOWN;
    assert_int_equal(VariantClear(&v), S_OK);
    V_VT(&v) = VT_DISPATCH;
    assert_int_equal(VariantClear(&v), S_OK);
}

static void clear_byref_leaves_the_target_alone(void **state)
{
    (void)state;
    BSTR owned = SysAllocString(u"still mine");
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    IUnknown *unk = &obj.IUnknown_iface;
    VARIANT v;

    VariantInit(&v);
    V_VT(&v) = VT_BYREF | VT_BSTR;
    v.pbstrVal = &owned;
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(V_VT(&v), VT_EMPTY);
    assert_memory_equal(owned, u"still mine", 11 * sizeof(OLECHAR)); /* not freed */

    V_VT(&v) = VT_BYREF | VT_UNKNOWN;
    v.ppunkVal = &unk;
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(counting_unknown_releases(&obj), 0);
    assert_ptr_equal(unk, &obj.IUnknown_iface);

    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 0, 1);
    V_VT(&v) = VT_BYREF | VT_ARRAY | VT_BSTR;
    v.pparray = &psa;
    assert_int_equal(VariantClear(&v), S_OK);
    assert_int_equal(SafeArrayDestroy(psa), S_OK); /* still ours to destroy */

    SysFreeString(owned);
}

static void clear_bad_vt_fails_and_leaves_the_variant_unchanged(void **state)
{
    (void)state;
    static const VARTYPE bad[] = {
        15,                    /* the hole between VT_DECIMAL and VT_I1 */
        VT_UINT + 1,           /* VT_VOID */
        36,                    /* VT_RECORD: not supported here */
        VT_TYPEMASK,           /* highest base type */
        VT_BYREF | VT_EMPTY,   /* EMPTY and NULL take no flag */
        VT_ARRAY | VT_NULL,
        0x1000 | VT_I4,        /* VT_VECTOR */
        0x8000 | VT_I4,        /* VT_RESERVED */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        VARIANT v;
        VariantInit(&v);
        V_VT(&v) = bad[i];
        V_I4(&v) = 1234;
        assert_int_equal(VariantClear(&v), DISP_E_BADVARTYPE);
        assert_int_equal(V_VT(&v), bad[i]);
        assert_int_equal(V_I4(&v), 1234);
    }
}

static void clear_array_destroys_it_with_its_bstrs(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 0, 2);
    LONG i = 1;
    BSTR b = SysAllocString(u"element");
    assert_int_equal(SafeArrayPutElement(psa, &i, b), S_OK);
    SysFreeString(b);

    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_ARRAY | VT_BSTR;
    V_ARRAY(&v) = psa;
    assert_int_equal(VariantClear(&v), S_OK); /* leak check: array and BSTR gone */
    assert_int_equal(V_VT(&v), VT_EMPTY);
}

static void clear_locked_array_fails_and_leaves_the_variant_unchanged(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 1);
    assert_int_equal(SafeArrayLock(psa), S_OK);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_ARRAY | VT_I4;
    V_ARRAY(&v) = psa;
    assert_int_equal(VariantClear(&v), DISP_E_ARRAYISLOCKED);
    assert_int_equal(V_VT(&v), VT_ARRAY | VT_I4);
    assert_ptr_equal(V_ARRAY(&v), psa);
    assert_int_equal(SafeArrayUnlock(psa), S_OK);
    assert_int_equal(VariantClear(&v), S_OK);
}

static void clear_and_copy_refuse_null(void **state)
{
    (void)state;
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(VariantClear(NULL), E_INVALIDARG);
    assert_int_equal(VariantCopy(NULL, &v), E_INVALIDARG);
    assert_int_equal(VariantCopy(&v, NULL), E_INVALIDARG);
}

static void copy_bstr_gives_distinct_pointer_with_equal_contents(void **state)
{
    (void)state;
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_BSTR;
    V_BSTR(&src) = SysAllocString(u"Name");
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(V_VT(&dst), VT_BSTR);
    assert_ptr_not_equal(V_BSTR(&dst), V_BSTR(&src));
    assert_int_equal(SysStringByteLen(V_BSTR(&dst)), 8);
    assert_memory_equal(V_BSTR(&dst), u"Name", 5 * sizeof(OLECHAR));
    VariantClear(&src);
    VariantClear(&dst);
}

static void copy_bstr_keeps_embedded_nuls_and_odd_byte_length(void **state)
{
    (void)state;
    static const char bytes[] = {'a', 0, 'b', 0, 'c'};
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_BSTR;
    V_BSTR(&src) = SysAllocStringByteLen(bytes, sizeof bytes);
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(SysStringByteLen(V_BSTR(&dst)), 5);
    assert_memory_equal(V_BSTR(&dst), bytes, sizeof bytes);
    VariantClear(&src);
    VariantClear(&dst);
}

static void copy_null_bstr_stays_null(void **state)
{
    (void)state;
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_BSTR;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(V_VT(&dst), VT_BSTR);
    assert_null(V_BSTR(&dst));
}

static void copy_unknown_addrefs_once_and_clear_releases_once(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_UNKNOWN;
    V_UNKNOWN(&src) = &obj.IUnknown_iface; /* src takes over our reference */

    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_ptr_equal(V_UNKNOWN(&dst), &obj.IUnknown_iface);
    assert_int_equal(counting_unknown_addrefs(&obj), 1);
    assert_int_equal(counting_unknown_releases(&obj), 0);
    assert_int_equal(counting_unknown_refs(&obj), 2);

    assert_int_equal(VariantClear(&dst), S_OK);
    assert_int_equal(VariantClear(&src), S_OK);
    assert_int_equal(counting_unknown_addrefs(&obj), 1);
    assert_int_equal(counting_unknown_releases(&obj), 2);
    assert_int_equal(counting_unknown_refs(&obj), 0);
}

static void copy_dispatch_addrefs_once(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_DISPATCH;
    V_DISPATCH(&src) = (IDispatch *)(void *)&obj.IUnknown_iface;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(counting_unknown_addrefs(&obj), 1);
    assert_int_equal(counting_unknown_refs(&obj), 2);
    VariantClear(&dst);
    assert_int_equal(counting_unknown_refs(&obj), 1);
}

static void copy_clears_the_destination_first(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&dst) = VT_UNKNOWN;
    V_UNKNOWN(&dst) = &obj.IUnknown_iface; /* dst owns our reference */
    V_VT(&src) = VT_BSTR;
    V_BSTR(&src) = SysAllocString(u"new");

    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(counting_unknown_releases(&obj), 1);
    assert_int_equal(counting_unknown_refs(&obj), 0);
    assert_int_equal(V_VT(&dst), VT_BSTR);

    /* and an old BSTR in dst is freed, not leaked */
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    VariantClear(&src);
    VariantClear(&dst);
}

static void copy_onto_itself_changes_nothing(void **state)
{
    (void)state;
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    BSTR b = SysAllocString(u"self");
    V_BSTR(&v) = b;
    assert_int_equal(VariantCopy(&v, &v), S_OK);
    assert_int_equal(V_VT(&v), VT_BSTR);
    assert_ptr_equal(V_BSTR(&v), b);
    VariantClear(&v);
}

static void copy_byref_copies_the_pointer_only(void **state)
{
    (void)state;
    LONG target = 7;
    BSTR owned = SysAllocString(u"byref");
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);

    V_VT(&src) = VT_BYREF | VT_I4;
    src.plVal = &target;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(V_VT(&dst), VT_BYREF | VT_I4);
    assert_ptr_equal(dst.plVal, &target);

    V_VT(&src) = VT_BYREF | VT_BSTR;
    src.pbstrVal = &owned;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_ptr_equal(dst.pbstrVal, &owned);
    assert_int_equal(VariantClear(&dst), S_OK);
    assert_int_equal(VariantClear(&src), S_OK);
    SysFreeString(owned); /* freed once, here: a double free would show */
}

static void copy_array_is_deep(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 0, 1);
    LONG i = 0;
    BSTR b = SysAllocString(u"deep");
    SafeArrayPutElement(psa, &i, b);
    SysFreeString(b);

    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_ARRAY | VT_BSTR;
    V_ARRAY(&src) = psa;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(V_VT(&dst), VT_ARRAY | VT_BSTR);
    assert_non_null(V_ARRAY(&dst));
    assert_ptr_not_equal(V_ARRAY(&dst), psa);

    void *from_data, *to_data;
    assert_int_equal(SafeArrayAccessData(psa, &from_data), S_OK);
    assert_int_equal(SafeArrayAccessData(V_ARRAY(&dst), &to_data), S_OK);
    BSTR *from = from_data, *to = to_data;
    assert_ptr_not_equal(to[0], from[0]);
    assert_memory_equal(to[0], u"deep", 5 * sizeof(OLECHAR));
    SafeArrayUnaccessData(V_ARRAY(&dst));
    SafeArrayUnaccessData(psa);

    VariantClear(&src);
    VariantClear(&dst);
}

static void copy_null_array_stays_null(void **state)
{
    (void)state;
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_ARRAY | VT_I4;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(V_VT(&dst), VT_ARRAY | VT_I4);
    assert_null(V_ARRAY(&dst));
}

static void copy_scalars_and_decimal_copies_the_value(void **state)
{
    (void)state;
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_R8;
    V_R8(&src) = 2.5;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(V_VT(&dst), VT_R8);
    assert_true(V_R8(&dst) == 2.5);

    /* DECIMAL overlays vt with wReserved: set the value, then the type. */
    src.decVal.Hi32 = 0x12345678;
    src.decVal.Lo64 = 0x0102030405060708ULL;
    src.decVal.scale = 3;
    src.decVal.sign = 0x80;
    V_VT(&src) = VT_DECIMAL;
    assert_int_equal(VariantCopy(&dst, &src), S_OK);
    assert_int_equal(V_VT(&dst), VT_DECIMAL);
    assert_int_equal(dst.decVal.Hi32, 0x12345678);
    assert_int_equal(dst.decVal.Lo64, 0x0102030405060708ULL);
    assert_int_equal(dst.decVal.scale, 3);
    assert_int_equal(dst.decVal.sign, 0x80);
}

static void copy_bad_source_vt_fails_and_leaves_destination_alone(void **state)
{
    (void)state;
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = 15;
    V_VT(&dst) = VT_I4;
    V_I4(&dst) = 99;
    assert_int_equal(VariantCopy(&dst, &src), DISP_E_BADVARTYPE);
    assert_int_equal(V_VT(&dst), VT_I4);
    assert_int_equal(V_I4(&dst), 99);
}

static void copy_into_bad_destination_vt_fails(void **state)
{
    (void)state;
    VARIANT src, dst;
    VariantInit(&src);
    VariantInit(&dst);
    V_VT(&src) = VT_I4;
    V_VT(&dst) = 0x0FFF;
    assert_int_equal(VariantCopy(&dst, &src), DISP_E_BADVARTYPE);
    assert_int_equal(V_VT(&dst), 0x0FFF);
}

int run_variant_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(variant_init_sets_empty_and_zero),
        cmocka_unit_test(clear_empty_succeeds),
        cmocka_unit_test(clear_scalar_sets_empty),
        cmocka_unit_test(clear_bstr_frees_it_and_sets_empty),
        cmocka_unit_test(clear_null_bstr_succeeds),
        cmocka_unit_test(clear_unknown_releases_exactly_once),
        cmocka_unit_test(clear_dispatch_releases_through_the_iunknown_slots),
        cmocka_unit_test(clear_null_interface_succeeds),
        cmocka_unit_test(clear_byref_leaves_the_target_alone),
        cmocka_unit_test(clear_bad_vt_fails_and_leaves_the_variant_unchanged),
        cmocka_unit_test(clear_array_destroys_it_with_its_bstrs),
        cmocka_unit_test(clear_locked_array_fails_and_leaves_the_variant_unchanged),
        cmocka_unit_test(clear_and_copy_refuse_null),
        cmocka_unit_test(copy_bstr_gives_distinct_pointer_with_equal_contents),
        cmocka_unit_test(copy_bstr_keeps_embedded_nuls_and_odd_byte_length),
        cmocka_unit_test(copy_null_bstr_stays_null),
        cmocka_unit_test(copy_unknown_addrefs_once_and_clear_releases_once),
        cmocka_unit_test(copy_dispatch_addrefs_once),
        cmocka_unit_test(copy_clears_the_destination_first),
        cmocka_unit_test(copy_onto_itself_changes_nothing),
        cmocka_unit_test(copy_byref_copies_the_pointer_only),
        cmocka_unit_test(copy_array_is_deep),
        cmocka_unit_test(copy_null_array_stays_null),
        cmocka_unit_test(copy_scalars_and_decimal_copies_the_value),
        cmocka_unit_test(copy_bad_source_vt_fails_and_leaves_destination_alone),
        cmocka_unit_test(copy_into_bad_destination_vt_fails),
    };
    return cmocka_run_group_tests_name("variant", tests, NULL, NULL);
}
