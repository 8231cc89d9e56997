/*
 * test_safearray.c - SAFEARRAYs have the Windows descriptor (features, the
 * VARTYPE or IID in the 16 bytes before it, bounds stored right to left),
 * own their elements (BSTRs freed, interfaces released, VARIANTs cleared on
 * destroy; copies made on get, put and SafeArrayCopy), check every index,
 * and refuse destruction while locked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_compat.h"

static void *data_of(SAFEARRAY *psa)
{
    void *data = NULL;
    assert_int_equal(SafeArrayAccessData(psa, &data), S_OK);
    assert_int_equal(SafeArrayUnaccessData(psa), S_OK);
    return data;
}

static void create_vector_describes_the_array(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 4);
    assert_non_null(psa);
    assert_int_equal(SafeArrayGetDim(psa), 1);
    assert_int_equal(SafeArrayGetElemsize(psa), 4);
    assert_int_equal(psa->cLocks, 0);
    assert_int_equal(psa->fFeatures, FADF_HAVEVARTYPE);
    VARTYPE vt = 0;
    assert_int_equal(SafeArrayGetVartype(psa, &vt), S_OK);
    assert_int_equal(vt, VT_I4);
    LONG lb = -1, ub = -1;
    assert_int_equal(SafeArrayGetLBound(psa, 1, &lb), S_OK);
    assert_int_equal(SafeArrayGetUBound(psa, 1, &ub), S_OK);
    assert_int_equal(lb, 0);
    assert_int_equal(ub, 3);
    const LONG *items = data_of(psa);
    for (int i = 0; i < 4; i++)
        assert_int_equal(items[i], 0);
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
}

static void vartype_is_stored_in_the_4_bytes_before_the_descriptor(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 0, 1);
    DWORD stored;
    memcpy(&stored, (unsigned char *)psa - 4, sizeof stored);
    assert_int_equal(stored, VT_BSTR);
    assert_int_equal(psa->fFeatures, FADF_HAVEVARTYPE | FADF_BSTR);
    SafeArrayDestroy(psa);
}

static void interface_arrays_carry_their_iid_before_the_descriptor(void **state)
{
    (void)state;
    static const GUID iid_idispatch = {0x00020400, 0, 0, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};
    SAFEARRAY *unk = SafeArrayCreateVector(VT_UNKNOWN, 0, 1);
    SAFEARRAY *disp = SafeArrayCreateVector(VT_DISPATCH, 0, 1);
    VARTYPE vt = 0;
    GUID iid;

    assert_int_equal(unk->fFeatures, FADF_HAVEIID | FADF_UNKNOWN);
    memcpy(&iid, (unsigned char *)unk - 16, sizeof iid);
    assert_true(IsEqualIID(&iid, &IID_IUnknown));
    assert_int_equal(SafeArrayGetVartype(unk, &vt), S_OK);
    assert_int_equal(vt, VT_UNKNOWN);

    assert_int_equal(disp->fFeatures, FADF_HAVEIID | FADF_DISPATCH);
    memcpy(&iid, (unsigned char *)disp - 16, sizeof iid);
    assert_true(IsEqualIID(&iid, &iid_idispatch));
    assert_int_equal(SafeArrayGetVartype(disp, &vt), S_OK);
    assert_int_equal(vt, VT_DISPATCH);

    SafeArrayDestroy(unk);
    SafeArrayDestroy(disp);
}

static void variant_arrays_are_flagged(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_VARIANT, 0, 1);
    assert_int_equal(psa->fFeatures, FADF_HAVEVARTYPE | FADF_VARIANT);
    assert_int_equal(SafeArrayGetElemsize(psa), sizeof(VARIANT));
    SafeArrayDestroy(psa);
}

static void every_supported_type_has_its_windows_element_size(void **state)
{
    (void)state;
    static const struct {
        VARTYPE vt;
        UINT size;
    } types[] = {
        {VT_I1, 1}, {VT_UI1, 1}, {VT_I2, 2}, {VT_UI2, 2}, {VT_BOOL, 2},
        {VT_I4, 4}, {VT_UI4, 4}, {VT_R4, 4}, {VT_ERROR, 4}, {VT_INT, 4},
        {VT_UINT, 4}, {VT_I8, 8}, {VT_UI8, 8}, {VT_R8, 8}, {VT_CY, 8},
        {VT_DATE, 8}, {VT_DECIMAL, 16}, {VT_BSTR, sizeof(void *)},
        {VT_UNKNOWN, sizeof(void *)}, {VT_DISPATCH, sizeof(void *)}, {VT_VARIANT, 24},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        SAFEARRAY *psa = SafeArrayCreateVector(types[i].vt, 0, 2);
        assert_non_null(psa);
        assert_int_equal(SafeArrayGetElemsize(psa), types[i].size);
        VARTYPE vt = 0;
        assert_int_equal(SafeArrayGetVartype(psa, &vt), S_OK);
        assert_int_equal(vt, types[i].vt);
        assert_int_equal(SafeArrayDestroy(psa), S_OK);
    }
}

static void create_refuses_bad_types_dimensions_and_sizes(void **state)
{
    (void)state;
    SAFEARRAYBOUND bound = {1, 0};
    assert_null(SafeArrayCreate(VT_EMPTY, 1, &bound));
    assert_null(SafeArrayCreate(VT_NULL, 1, &bound));
    assert_null(SafeArrayCreate(15, 1, &bound));
    assert_null(SafeArrayCreate(VT_ARRAY | VT_I4, 1, &bound));
    assert_null(SafeArrayCreate(VT_BYREF | VT_I4, 1, &bound));
    assert_null(SafeArrayCreate(VT_I4, 0, &bound));
    assert_null(SafeArrayCreate(VT_I4, 1, NULL));
    SAFEARRAYBOUND huge[3] = {{0xFFFFFFFFu, 0}, {0xFFFFFFFFu, 0}, {0xFFFFFFFFu, 0}};
    assert_null(SafeArrayCreate(VT_VARIANT, 3, huge));
}

static void empty_vector_has_upper_bound_below_lower_bound(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 5, 0);
    assert_non_null(psa);
    LONG ub = 0;
    assert_int_equal(SafeArrayGetUBound(psa, 1, &ub), S_OK);
    assert_int_equal(ub, 4);
    LONG i = 5;
    BSTR b = NULL;
    assert_int_equal(SafeArrayGetElement(psa, &i, &b), DISP_E_BADINDEX);
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
}

static void bounds_queries_check_the_dimension_number(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I2, -3, 2);
    LONG b = 123;
    assert_int_equal(SafeArrayGetLBound(psa, 1, &b), S_OK);
    assert_int_equal(b, -3);
    assert_int_equal(SafeArrayGetUBound(psa, 1, &b), S_OK);
    assert_int_equal(b, -2);
    b = 123;
    assert_int_equal(SafeArrayGetLBound(psa, 0, &b), DISP_E_BADINDEX);
    assert_int_equal(SafeArrayGetUBound(psa, 2, &b), DISP_E_BADINDEX);
    assert_int_equal(b, 123);
    assert_int_equal(SafeArrayGetLBound(NULL, 1, &b), E_INVALIDARG);
    assert_int_equal(SafeArrayGetUBound(psa, 1, NULL), E_INVALIDARG);
    SafeArrayDestroy(psa);
}

static void queries_on_null_are_safe(void **state)
{
    (void)state;
    VARTYPE vt;
    assert_int_equal(SafeArrayGetDim(NULL), 0);
    assert_int_equal(SafeArrayGetElemsize(NULL), 0);
    assert_int_equal(SafeArrayGetVartype(NULL, &vt), E_INVALIDARG);
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 1);
    assert_int_equal(SafeArrayGetVartype(psa, NULL), E_INVALIDARG);
    SafeArrayDestroy(psa);
    assert_int_equal(SafeArrayLock(NULL), E_INVALIDARG);
    assert_int_equal(SafeArrayUnlock(NULL), E_INVALIDARG);
    void *data;
    assert_int_equal(SafeArrayAccessData(NULL, &data), E_INVALIDARG);
}

static void put_and_get_check_every_bound(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 5, 3);
    for (LONG i = 5; i <= 7; i++) {
        LONG value = i * 10;
        assert_int_equal(SafeArrayPutElement(psa, &i, &value), S_OK);
    }
    for (LONG i = 5; i <= 7; i++) {
        LONG value = 0;
        assert_int_equal(SafeArrayGetElement(psa, &i, &value), S_OK);
        assert_int_equal(value, i * 10);
    }
    static const LONG outside[] = {4, 8, 0, -1, INT32_MIN, INT32_MAX};
    for (size_t k = 0; k < sizeof outside / sizeof outside[0]; k++) {
        LONG i = outside[k], value = 77;
        assert_int_equal(SafeArrayGetElement(psa, &i, &value), DISP_E_BADINDEX);
        assert_int_equal(value, 77);
        assert_int_equal(SafeArrayPutElement(psa, &i, &value), DISP_E_BADINDEX);
    }
    assert_int_equal(psa->cLocks, 0);
    SafeArrayDestroy(psa);
}

static void put_and_get_refuse_null_arguments(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 1);
    LONG i = 0, value = 1;
    assert_int_equal(SafeArrayGetElement(NULL, &i, &value), E_INVALIDARG);
    assert_int_equal(SafeArrayGetElement(psa, NULL, &value), E_INVALIDARG);
    assert_int_equal(SafeArrayGetElement(psa, &i, NULL), E_INVALIDARG);
    assert_int_equal(SafeArrayPutElement(NULL, &i, &value), E_INVALIDARG);
    assert_int_equal(SafeArrayPutElement(psa, NULL, &value), E_INVALIDARG);
    assert_int_equal(SafeArrayPutElement(psa, &i, NULL), E_INVALIDARG);
    SafeArrayDestroy(psa);
}

static void put_bstr_stores_a_copy_and_get_returns_a_copy(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 0, 2);
    static const char bytes[] = {'x', 0, 'y'};
    BSTR mine = SysAllocStringByteLen(bytes, sizeof bytes);
    LONG i = 1;
    assert_int_equal(SafeArrayPutElement(psa, &i, mine), S_OK);
    BSTR *items = data_of(psa);
    assert_ptr_not_equal(items[1], mine);
    assert_int_equal(SysStringByteLen(items[1]), 3);

    BSTR got = NULL;
    assert_int_equal(SafeArrayGetElement(psa, &i, &got), S_OK);
    assert_ptr_not_equal(got, items[1]);
    assert_int_equal(SysStringByteLen(got), 3);
    assert_memory_equal(got, bytes, sizeof bytes);

    /* replacing frees the old element; NULL is stored as NULL */
    assert_int_equal(SafeArrayPutElement(psa, &i, NULL), S_OK);
    assert_null(items[1]);
    BSTR none = mine;
    assert_int_equal(SafeArrayGetElement(psa, &i, &none), S_OK);
    assert_null(none);

    SysFreeString(got);
    SysFreeString(mine);
    SafeArrayDestroy(psa);
}

static void put_and_get_interface_counts_references_exactly(void **state)
{
    (void)state;
    struct counting_unknown a, b;
    counting_unknown_init(&a);
    counting_unknown_init(&b);
    SAFEARRAY *psa = SafeArrayCreateVector(VT_UNKNOWN, 0, 1);
    LONG i = 0;

    assert_int_equal(SafeArrayPutElement(psa, &i, &a.IUnknown_iface), S_OK);
    assert_int_equal(counting_unknown_refs(&a), 2);

    IUnknown *got = NULL;
    assert_int_equal(SafeArrayGetElement(psa, &i, &got), S_OK);
    assert_ptr_equal(got, &a.IUnknown_iface);
    assert_int_equal(counting_unknown_refs(&a), 3);
    IUnknown_Release(got);

    assert_int_equal(SafeArrayPutElement(psa, &i, &b.IUnknown_iface), S_OK);
    assert_int_equal(counting_unknown_refs(&a), 1); /* old element released */
    assert_int_equal(counting_unknown_refs(&b), 2);

    assert_int_equal(SafeArrayDestroy(psa), S_OK);
    assert_int_equal(counting_unknown_refs(&b), 1);
    assert_int_equal(counting_unknown_addrefs(&a), 2);
    assert_int_equal(counting_unknown_releases(&a), 2);
}

static void put_and_get_variant_copy_the_value(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_VARIANT, 0, 2);
    VARIANT in, out;
    VariantInit(&in);
    V_VT(&in) = VT_BSTR;
    V_BSTR(&in) = SysAllocString(u"ProcessId");
    LONG i = 0;
    assert_int_equal(SafeArrayPutElement(psa, &i, &in), S_OK);
    VARIANT *items = data_of(psa);
    assert_int_equal(V_VT(&items[0]), VT_BSTR);
    assert_ptr_not_equal(V_BSTR(&items[0]), V_BSTR(&in));

    memset(&out, 0xCC, sizeof out); /* garbage: GetElement must not clear it */
    assert_int_equal(SafeArrayGetElement(psa, &i, &out), S_OK);
    assert_int_equal(V_VT(&out), VT_BSTR);
    assert_ptr_not_equal(V_BSTR(&out), V_BSTR(&items[0]));
    assert_memory_equal(V_BSTR(&out), u"ProcessId", 10 * sizeof(OLECHAR));

    VariantClear(&in);
    VariantClear(&out);
    SafeArrayDestroy(psa); /* clears the stored VARIANT: leak check */
}

static void put_variant_with_bad_vt_fails(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_VARIANT, 0, 1);
    VARIANT in;
    VariantInit(&in);
    V_VT(&in) = 15;
    LONG i = 0;
    assert_int_equal(SafeArrayPutElement(psa, &i, &in), DISP_E_BADVARTYPE);
    assert_int_equal(psa->cLocks, 0);
    SafeArrayDestroy(psa);
}

static void destroy_frees_bstrs_releases_interfaces_and_clears_variants(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    SAFEARRAY *bstrs = SafeArrayCreateVector(VT_BSTR, 0, 3);
    SAFEARRAY *unks = SafeArrayCreateVector(VT_UNKNOWN, 0, 2);
    SAFEARRAY *vars = SafeArrayCreateVector(VT_VARIANT, 0, 2);
    for (LONG i = 0; i < 3; i++) {
        BSTR b = SysAllocString(u"element");
        SafeArrayPutElement(bstrs, &i, b);
        SysFreeString(b);
    }
    LONG i = 0;
    SafeArrayPutElement(unks, &i, &obj.IUnknown_iface);
    SafeArrayPutElement(unks, &(LONG){1}, &obj.IUnknown_iface);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_ARRAY | VT_BSTR;
    V_ARRAY(&v) = bstrs; /* the VARIANT array element takes the BSTR array */
    VARIANT *items = data_of(vars);
    items[1] = v;

    assert_int_equal(counting_unknown_refs(&obj), 3);
    assert_int_equal(SafeArrayDestroy(unks), S_OK);
    assert_int_equal(counting_unknown_refs(&obj), 1);
    assert_int_equal(SafeArrayDestroy(vars), S_OK); /* and the BSTR array: leak check */
}

static void destroy_null_succeeds(void **state)
{
    (void)state;
    assert_int_equal(SafeArrayDestroy(NULL), S_OK);
}

static void destroy_refuses_a_locked_array(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 0, 1);
    assert_int_equal(SafeArrayLock(psa), S_OK);
    assert_int_equal(SafeArrayDestroy(psa), DISP_E_ARRAYISLOCKED);
    assert_int_equal(SafeArrayUnlock(psa), S_OK);
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
}

static void access_data_locks_until_unaccess(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_UI1, 0, 8);
    void *data = NULL;
    assert_int_equal(SafeArrayAccessData(psa, &data), S_OK);
    assert_ptr_equal(data, psa->pvData);
    assert_int_equal(psa->cLocks, 1);
    assert_int_equal(SafeArrayDestroy(psa), DISP_E_ARRAYISLOCKED);
    assert_int_equal(SafeArrayUnaccessData(psa), S_OK);
    assert_int_equal(psa->cLocks, 0);
    assert_int_equal(SafeArrayAccessData(psa, NULL), E_INVALIDARG);
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
}

static void unlock_without_lock_is_unexpected(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 1);
    assert_int_equal(SafeArrayUnlock(psa), E_UNEXPECTED);
    assert_int_equal(SafeArrayUnaccessData(psa), E_UNEXPECTED);
    assert_int_equal(psa->cLocks, 0);
    SafeArrayDestroy(psa);
}

static void lock_count_stops_at_65535(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 1);
    for (ULONG n = 0; n < 0xFFFF; n++)
        assert_int_equal(SafeArrayLock(psa), S_OK);
    assert_int_equal(SafeArrayLock(psa), E_UNEXPECTED);
    assert_int_equal(psa->cLocks, 0xFFFF);
    LONG i = 0, value;
    assert_int_equal(SafeArrayGetElement(psa, &i, &value), E_UNEXPECTED);
    for (ULONG n = 0; n < 0xFFFF; n++)
        assert_int_equal(SafeArrayUnlock(psa), S_OK);
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
}

static void two_dimensions_store_bounds_reversed_and_index_column_major(void **state)
{
    (void)state;
    /* dimension 1: 2 elements from 0; dimension 2: 3 elements from 10 */
    SAFEARRAYBOUND bounds[2] = {{2, 0}, {3, 10}};
    SAFEARRAY *psa = SafeArrayCreate(VT_I4, 2, bounds);
    assert_non_null(psa);
    assert_int_equal(SafeArrayGetDim(psa), 2);
    const SAFEARRAYBOUND *stored = psa->rgsabound;
    assert_int_equal(stored[0].cElements, 3); /* rightmost dimension first */
    assert_int_equal(stored[0].lLbound, 10);
    assert_int_equal(stored[1].cElements, 2);
    assert_int_equal(stored[1].lLbound, 0);

    LONG b;
    assert_int_equal(SafeArrayGetLBound(psa, 1, &b), S_OK);
    assert_int_equal(b, 0);
    assert_int_equal(SafeArrayGetUBound(psa, 1, &b), S_OK);
    assert_int_equal(b, 1);
    assert_int_equal(SafeArrayGetLBound(psa, 2, &b), S_OK);
    assert_int_equal(b, 10);
    assert_int_equal(SafeArrayGetUBound(psa, 2, &b), S_OK);
    assert_int_equal(b, 12);
    assert_int_equal(SafeArrayGetLBound(psa, 3, &b), DISP_E_BADINDEX);

    for (LONG j = 10; j <= 12; j++)
        for (LONG i = 0; i <= 1; i++) {
            LONG idx[2] = {i, j}, value = 100 * i + j;
            assert_int_equal(SafeArrayPutElement(psa, idx, &value), S_OK);
        }
    /* rgIndices[0] varies fastest: cell = i + 2 * (j - 10) */
    const LONG *cells = data_of(psa);
    assert_int_equal(cells[0], 10);
    assert_int_equal(cells[1], 110);
    assert_int_equal(cells[3], 111);
    assert_int_equal(cells[5], 112);

    LONG bad[2] = {2, 10};
    LONG value;
    assert_int_equal(SafeArrayGetElement(psa, bad, &value), DISP_E_BADINDEX);
    bad[0] = 0;
    bad[1] = 9;
    assert_int_equal(SafeArrayGetElement(psa, bad, &value), DISP_E_BADINDEX);
    SafeArrayDestroy(psa);
}

static void copy_is_deep_unlocked_and_keeps_the_type(void **state)
{
    (void)state;
    SAFEARRAY *psa = SafeArrayCreateVector(VT_BSTR, 1, 2);
    LONG i = 2;
    BSTR b = SysAllocString(u"copied");
    SafeArrayPutElement(psa, &i, b);
    SysFreeString(b);
    assert_int_equal(SafeArrayLock(psa), S_OK);

    SAFEARRAY *copy = NULL;
    assert_int_equal(SafeArrayCopy(psa, &copy), S_OK);
    assert_non_null(copy);
    assert_ptr_not_equal(copy, psa);
    assert_int_equal(copy->cLocks, 0);
    assert_int_equal(copy->fFeatures, psa->fFeatures);
    VARTYPE vt = 0;
    assert_int_equal(SafeArrayGetVartype(copy, &vt), S_OK);
    assert_int_equal(vt, VT_BSTR);
    LONG lb = 0;
    SafeArrayGetLBound(copy, 1, &lb);
    assert_int_equal(lb, 1);

    BSTR *from = psa->pvData, *to = data_of(copy);
    assert_ptr_not_equal(to, from);
    assert_null(to[0]);
    assert_ptr_not_equal(to[1], from[1]);
    assert_memory_equal(to[1], u"copied", 7 * sizeof(OLECHAR));

    assert_int_equal(SafeArrayUnlock(psa), S_OK);
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
    assert_int_equal(SafeArrayDestroy(copy), S_OK);
}

static void copy_addrefs_interfaces_and_copies_variants(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    SAFEARRAY *unks = SafeArrayCreateVector(VT_UNKNOWN, 0, 2);
    LONG i = 0;
    SafeArrayPutElement(unks, &i, &obj.IUnknown_iface);
    SAFEARRAY *unks_copy = NULL;
    assert_int_equal(SafeArrayCopy(unks, &unks_copy), S_OK);
    assert_int_equal(counting_unknown_refs(&obj), 3);
    SafeArrayDestroy(unks_copy);
    SafeArrayDestroy(unks);
    assert_int_equal(counting_unknown_refs(&obj), 1);

    SAFEARRAY *vars = SafeArrayCreateVector(VT_VARIANT, 0, 1);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(u"in a variant");
    SafeArrayPutElement(vars, &i, &v);
    VariantClear(&v);
    SAFEARRAY *vars_copy = NULL;
    assert_int_equal(SafeArrayCopy(vars, &vars_copy), S_OK);
    VARIANT *from = data_of(vars), *to = data_of(vars_copy);
    assert_int_equal(V_VT(&to[0]), VT_BSTR);
    assert_ptr_not_equal(V_BSTR(&to[0]), V_BSTR(&from[0]));
    SafeArrayDestroy(vars);
    SafeArrayDestroy(vars_copy);
}

static void copy_of_null_is_null_and_null_output_is_refused(void **state)
{
    (void)state;
    SAFEARRAY sentinel;
    SAFEARRAY *out = &sentinel;
    assert_int_equal(SafeArrayCopy(NULL, &out), S_OK);
    assert_null(out);
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 1);
    assert_int_equal(SafeArrayCopy(psa, NULL), E_INVALIDARG);
    SafeArrayDestroy(psa);
}

int run_safearray_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_vector_describes_the_array),
        cmocka_unit_test(vartype_is_stored_in_the_4_bytes_before_the_descriptor),
        cmocka_unit_test(interface_arrays_carry_their_iid_before_the_descriptor),
        cmocka_unit_test(variant_arrays_are_flagged),
        cmocka_unit_test(every_supported_type_has_its_windows_element_size),
        cmocka_unit_test(create_refuses_bad_types_dimensions_and_sizes),
        cmocka_unit_test(empty_vector_has_upper_bound_below_lower_bound),
        cmocka_unit_test(bounds_queries_check_the_dimension_number),
        cmocka_unit_test(queries_on_null_are_safe),
        cmocka_unit_test(put_and_get_check_every_bound),
        cmocka_unit_test(put_and_get_refuse_null_arguments),
        cmocka_unit_test(put_bstr_stores_a_copy_and_get_returns_a_copy),
        cmocka_unit_test(put_and_get_interface_counts_references_exactly),
        cmocka_unit_test(put_and_get_variant_copy_the_value),
        cmocka_unit_test(put_variant_with_bad_vt_fails),
        cmocka_unit_test(destroy_frees_bstrs_releases_interfaces_and_clears_variants),
        cmocka_unit_test(destroy_null_succeeds),
        cmocka_unit_test(destroy_refuses_a_locked_array),
        cmocka_unit_test(access_data_locks_until_unaccess),
        cmocka_unit_test(unlock_without_lock_is_unexpected),
        cmocka_unit_test(lock_count_stops_at_65535),
        cmocka_unit_test(two_dimensions_store_bounds_reversed_and_index_column_major),
        cmocka_unit_test(copy_is_deep_unlocked_and_keeps_the_type),
        cmocka_unit_test(copy_addrefs_interfaces_and_copies_variants),
        cmocka_unit_test(copy_of_null_is_null_and_null_output_is_refused),
    };
    return cmocka_run_group_tests_name("safearray", tests, NULL, NULL);
}
