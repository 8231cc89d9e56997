/*
 * test_bstr.c - BSTRs have the Windows layout (byte length at ptr - 4, NUL
 * WCHAR after the text, 8-byte aligned text on 64-bit) and the SysAlloc* /
 * SysReAlloc* / SysString*Len edge cases behave as on Windows: NULL inputs,
 * zero and odd lengths, embedded NULs, reallocation from inside the old
 * string.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_compat.h"

static DWORD prefix_of(BSTR b)
{
    DWORD n;
    memcpy(&n, (const unsigned char *)b - 4, sizeof n);
    return n;
}

static void alloc_string_null_returns_null(void **state)
{
    (void)state;
    assert_null(SysAllocString(NULL));
}

static void alloc_string_copies_text_and_terminates(void **state)
{
    (void)state;
    static const OLECHAR text[] = u"Win32_Process";
    BSTR b = SysAllocString(text);
    assert_non_null(b);
    assert_ptr_not_equal(b, text);
    assert_int_equal(SysStringLen(b), 13);
    assert_int_equal(SysStringByteLen(b), 26);
    assert_memory_equal(b, text, sizeof text); /* includes the NUL */
    SysFreeString(b);
}

static void length_prefix_is_the_byte_count_at_ptr_minus_4(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"abc");
    assert_non_null(b);
    assert_int_equal(prefix_of(b), 6);
    assert_int_equal(b[3], 0);
    SysFreeString(b);
}

static void text_is_pointer_aligned_on_this_host(void **state)
{
    (void)state;
    for (UINT n = 0; n < 9; n++) {
        BSTR b = SysAllocStringLen(NULL, n);
        assert_non_null(b);
        assert_int_equal((uintptr_t)b % (sizeof(void *) >= 8 ? 8 : 4), 0);
        SysFreeString(b);
    }
}

static void alloc_string_empty_is_non_null_with_length_zero(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"");
    assert_non_null(b);
    assert_int_equal(SysStringLen(b), 0);
    assert_int_equal(prefix_of(b), 0);
    assert_int_equal(b[0], 0);
    SysFreeString(b);
}

static void alloc_string_len_null_source_gives_zeroed_units(void **state)
{
    (void)state;
    BSTR b = SysAllocStringLen(NULL, 5);
    assert_non_null(b);
    assert_int_equal(SysStringLen(b), 5);
    for (int i = 0; i <= 5; i++)
        assert_int_equal(b[i], 0);
    SysFreeString(b);
}

static void alloc_string_len_keeps_embedded_nuls(void **state)
{
    (void)state;
    static const OLECHAR text[] = {u'a', 0, u'b'};
    BSTR b = SysAllocStringLen(text, 3);
    assert_non_null(b);
    assert_int_equal(SysStringLen(b), 3);
    assert_int_equal(b[0], u'a');
    assert_int_equal(b[1], 0);
    assert_int_equal(b[2], u'b');
    assert_int_equal(b[3], 0);
    SysFreeString(b);
}

static void alloc_string_len_copies_only_len_units(void **state)
{
    (void)state;
    BSTR b = SysAllocStringLen(u"abcdef", 2);
    assert_non_null(b);
    assert_int_equal(SysStringLen(b), 2);
    assert_memory_equal(b, u"ab", 3 * sizeof(OLECHAR));
    SysFreeString(b);
}

static void alloc_string_len_zero_is_empty_non_null(void **state)
{
    (void)state;
    BSTR b = SysAllocStringLen(u"ignored", 0);
    assert_non_null(b);
    assert_int_equal(SysStringByteLen(b), 0);
    assert_int_equal(b[0], 0);
    SysFreeString(b);
}

static void byte_len_odd_length_is_kept_and_len_rounds_down(void **state)
{
    (void)state;
    BSTR b = SysAllocStringByteLen("abc", 3);
    assert_non_null(b);
    assert_int_equal(SysStringByteLen(b), 3);
    assert_int_equal(SysStringLen(b), 1);
    assert_int_equal(prefix_of(b), 3);
    const unsigned char *bytes = (const unsigned char *)b;
    assert_memory_equal(bytes, "abc", 3);
    assert_int_equal(bytes[3], 0); /* NUL byte and NUL WCHAR after the bytes */
    assert_int_equal(bytes[4], 0);
    assert_int_equal(b[2], 0); /* the whole unit after the last partial one */
    SysFreeString(b);
}

static void byte_len_null_source_gives_zero_bytes(void **state)
{
    (void)state;
    BSTR b = SysAllocStringByteLen(NULL, 4);
    assert_non_null(b);
    assert_int_equal(SysStringByteLen(b), 4);
    assert_int_equal(SysStringLen(b), 2);
    for (int i = 0; i <= 2; i++)
        assert_int_equal(b[i], 0);
    SysFreeString(b);
}

static void byte_len_zero_is_empty_non_null(void **state)
{
    (void)state;
    BSTR b = SysAllocStringByteLen("x", 0);
    assert_non_null(b);
    assert_int_equal(SysStringByteLen(b), 0);
    assert_int_equal(b[0], 0);
    SysFreeString(b);
}

static void byte_len_keeps_embedded_nuls(void **state)
{
    (void)state;
    static const char bytes[] = {'a', 0, 'b', 0, 0, 'c'};
    BSTR b = SysAllocStringByteLen(bytes, sizeof bytes);
    assert_non_null(b);
    assert_int_equal(SysStringByteLen(b), sizeof bytes);
    assert_memory_equal(b, bytes, sizeof bytes);
    SysFreeString(b);
}

static void oversized_requests_fail_without_allocating(void **state)
{
    (void)state;
    assert_null(SysAllocStringLen(NULL, 0x40000000u)); /* 2^31 bytes */
    assert_null(SysAllocStringByteLen(NULL, 0xFFFFFFFFu));
    BSTR b = SysAllocString(u"keep");
    assert_int_equal(SysReAllocStringLen(&b, NULL, 0x80000000u), FALSE);
    assert_memory_equal(b, u"keep", 5 * sizeof(OLECHAR));
    SysFreeString(b);
}

static void lengths_of_null_are_zero(void **state)
{
    (void)state;
    assert_int_equal(SysStringLen(NULL), 0);
    assert_int_equal(SysStringByteLen(NULL), 0);
}

static void free_string_null_is_a_no_op(void **state)
{
    (void)state;
    SysFreeString(NULL);
}

static void realloc_string_replaces_contents_and_frees_old(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"hello");
    assert_int_equal(SysReAllocString(&b, u"world!"), TRUE);
    assert_int_equal(SysStringLen(b), 6);
    assert_memory_equal(b, u"world!", 7 * sizeof(OLECHAR));
    SysFreeString(b);
}

static void realloc_string_accepts_a_source_inside_the_old_string(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"hello world");
    assert_int_equal(SysReAllocString(&b, b + 6), TRUE);
    assert_int_equal(SysStringLen(b), 5);
    assert_memory_equal(b, u"world", 6 * sizeof(OLECHAR));
    SysFreeString(b);
}

static void realloc_string_from_null_bstr_allocates(void **state)
{
    (void)state;
    BSTR b = NULL;
    assert_int_equal(SysReAllocString(&b, u"x"), TRUE);
    assert_non_null(b);
    assert_int_equal(SysStringLen(b), 1);
    SysFreeString(b);
}

static void realloc_string_null_source_frees_and_gives_null(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"gone");
    assert_int_equal(SysReAllocString(&b, NULL), TRUE);
    assert_null(b);
}

static void realloc_with_null_pbstr_returns_false(void **state)
{
    (void)state;
    assert_int_equal(SysReAllocString(NULL, u"x"), FALSE);
    assert_int_equal(SysReAllocStringLen(NULL, u"x", 1), FALSE);
}

static void realloc_string_len_growing_from_itself_zero_fills(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"abc");
    assert_int_equal(SysReAllocStringLen(&b, b, 5), TRUE);
    assert_int_equal(SysStringLen(b), 5);
    static const OLECHAR expect[] = {u'a', u'b', u'c', 0, 0, 0};
    assert_memory_equal(b, expect, sizeof expect);
    SysFreeString(b);
}

static void realloc_string_len_shrinking_from_itself_truncates(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"abcdef");
    assert_int_equal(SysReAllocStringLen(&b, b + 1, 2), TRUE);
    assert_int_equal(SysStringLen(b), 2);
    assert_memory_equal(b, u"bc", 3 * sizeof(OLECHAR));
    SysFreeString(b);
}

static void realloc_string_len_null_source_gives_zeroed_units(void **state)
{
    (void)state;
    BSTR b = SysAllocString(u"xyz");
    assert_int_equal(SysReAllocStringLen(&b, NULL, 3), TRUE);
    assert_int_equal(SysStringLen(b), 3);
    for (int i = 0; i <= 3; i++)
        assert_int_equal(b[i], 0);
    SysFreeString(b);
}

static void realloc_string_len_keeps_embedded_nuls(void **state)
{
    (void)state;
    static const OLECHAR text[] = {0, u'z', 0};
    BSTR b = NULL;
    assert_int_equal(SysReAllocStringLen(&b, text, 3), TRUE);
    assert_int_equal(SysStringLen(b), 3);
    assert_memory_equal(b, text, sizeof text);
    SysFreeString(b);
}

int run_bstr_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alloc_string_null_returns_null),
        cmocka_unit_test(alloc_string_copies_text_and_terminates),
        cmocka_unit_test(length_prefix_is_the_byte_count_at_ptr_minus_4),
        cmocka_unit_test(text_is_pointer_aligned_on_this_host),
        cmocka_unit_test(alloc_string_empty_is_non_null_with_length_zero),
        cmocka_unit_test(alloc_string_len_null_source_gives_zeroed_units),
        cmocka_unit_test(alloc_string_len_keeps_embedded_nuls),
        cmocka_unit_test(alloc_string_len_copies_only_len_units),
        cmocka_unit_test(alloc_string_len_zero_is_empty_non_null),
        cmocka_unit_test(byte_len_odd_length_is_kept_and_len_rounds_down),
        cmocka_unit_test(byte_len_null_source_gives_zero_bytes),
        cmocka_unit_test(byte_len_zero_is_empty_non_null),
        cmocka_unit_test(byte_len_keeps_embedded_nuls),
        cmocka_unit_test(oversized_requests_fail_without_allocating),
        cmocka_unit_test(lengths_of_null_are_zero),
        cmocka_unit_test(free_string_null_is_a_no_op),
        cmocka_unit_test(realloc_string_replaces_contents_and_frees_old),
        cmocka_unit_test(realloc_string_accepts_a_source_inside_the_old_string),
        cmocka_unit_test(realloc_string_from_null_bstr_allocates),
        cmocka_unit_test(realloc_string_null_source_frees_and_gives_null),
        cmocka_unit_test(realloc_with_null_pbstr_returns_false),
        cmocka_unit_test(realloc_string_len_growing_from_itself_zero_fills),
        cmocka_unit_test(realloc_string_len_shrinking_from_itself_truncates),
        cmocka_unit_test(realloc_string_len_null_source_gives_zeroed_units),
        cmocka_unit_test(realloc_string_len_keeps_embedded_nuls),
    };
    return cmocka_run_group_tests_name("bstr", tests, NULL, NULL);
}
