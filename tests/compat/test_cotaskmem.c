/*
 * test_cotaskmem.c - CoTaskMemAlloc/Realloc/Free keep the Windows edge cases:
 * a zero-byte allocation is a real, unique block, Realloc(NULL) allocates,
 * Realloc(p, 0) frees, Free(NULL) does nothing.  Leaks and double frees are
 * caught by the sanitizer and valgrind runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_compat.h"

static void alloc_zero_returns_unique_freeable_blocks(void **state)
{
    (void)state;
    void *a = CoTaskMemAlloc(0);
    void *b = CoTaskMemAlloc(0);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    CoTaskMemFree(a);
    CoTaskMemFree(b);
}

static void alloc_is_aligned_for_any_automation_type(void **state)
{
    (void)state;
    for (size_t size = 1; size < 64; size += 7) {
        void *p = CoTaskMemAlloc(size);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 8, 0);
        CoTaskMemFree(p);
    }
}

static void free_null_is_a_no_op(void **state)
{
    (void)state;
    CoTaskMemFree(NULL);
}

static void realloc_null_allocates(void **state)
{
    (void)state;
    unsigned char *p = CoTaskMemRealloc(NULL, 32);
    assert_non_null(p);
    memset(p, 0xAB, 32);
    CoTaskMemFree(p);
}

static void realloc_null_to_zero_allocates_like_alloc_zero(void **state)
{
    (void)state;
    void *p = CoTaskMemRealloc(NULL, 0);
    assert_non_null(p);
    CoTaskMemFree(p);
}

static void realloc_to_zero_frees_and_returns_null(void **state)
{
    (void)state;
    void *p = CoTaskMemAlloc(16);
    assert_non_null(p);
    assert_null(CoTaskMemRealloc(p, 0)); /* p is freed: a leak would show */
}

static void realloc_keeps_contents_when_growing(void **state)
{
    (void)state;
    unsigned char *p = CoTaskMemAlloc(4);
    assert_non_null(p);
    memcpy(p, "wmi", 4);
    p = CoTaskMemRealloc(p, 4096);
    assert_non_null(p);
    assert_memory_equal(p, "wmi", 4);
    p[4095] = 1;
    CoTaskMemFree(p);
}

int run_cotaskmem_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alloc_zero_returns_unique_freeable_blocks),
        cmocka_unit_test(alloc_is_aligned_for_any_automation_type),
        cmocka_unit_test(free_null_is_a_no_op),
        cmocka_unit_test(realloc_null_allocates),
        cmocka_unit_test(realloc_null_to_zero_allocates_like_alloc_zero),
        cmocka_unit_test(realloc_to_zero_frees_and_returns_null),
        cmocka_unit_test(realloc_keeps_contents_when_growing),
    };
    return cmocka_run_group_tests_name("cotaskmem", tests, NULL, NULL);
}
