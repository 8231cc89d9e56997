/*
 * test_compat.c - the test_compat executable: runs every group of the compat
 * library's tests (CoTaskMem, BSTR, VARIANT, SAFEARRAY, GUID text, threads,
 * CoCreateInstance) and fails if any test of any group failed.
 */
#include "test_compat.h"

int main(void)
{
    int failed = 0;
    failed += run_cotaskmem_tests();
    failed += run_bstr_tests();
    failed += run_variant_tests();
    failed += run_safearray_tests();
    failed += run_guid_tests();
    failed += run_thread_tests();
    failed += run_cocreate_tests();
    return failed ? 1 : 0;
}
