/*
 * test_guid.c - GUID text: StringFromGUID2 writes the braced upper-case form
 * and refuses short buffers; CLSIDFromString/IIDFromString round-trip it,
 * accept lower case, treat NULL as GUID_NULL, and refuse every malformed
 * string with their own error code and a GUID_NULL result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "test_compat.h"

/* Every byte different, so a swapped field shows. */
static const GUID sample = {0x01234567, 0x89AB, 0xCDEF, {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF}};
static const OLECHAR sample_text[] = u"{01234567-89AB-CDEF-0123-456789ABCDEF}";

static int is_guid_null(const GUID *g)
{
    static const GUID zero;
    return IsEqualGUID(g, &zero);
}

static void string_from_guid2_writes_braced_upper_case_text(void **state)
{
    (void)state;
    OLECHAR buf[39];
    assert_int_equal(StringFromGUID2(&sample, buf, 39), 39);
    assert_memory_equal(buf, sample_text, sizeof sample_text);

    static const GUID lower = {0xabcdef00, 0xface, 0xb00c, {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0x0a}};
    assert_int_equal(StringFromGUID2(&lower, buf, 39), 39);
    assert_memory_equal(buf, u"{ABCDEF00-FACE-B00C-DEAD-BEEF0000000A}", sizeof buf);
}

static void string_from_guid2_refuses_a_short_buffer_and_writes_nothing(void **state)
{
    (void)state;
    OLECHAR buf[39];
    for (size_t i = 0; i < 39; i++)
        buf[i] = u'x';
    assert_int_equal(StringFromGUID2(&sample, buf, 38), 0);
    assert_int_equal(StringFromGUID2(&sample, buf, 0), 0);
    assert_int_equal(StringFromGUID2(&sample, buf, -1), 0);
    for (size_t i = 0; i < 39; i++)
        assert_int_equal(buf[i], u'x');
    assert_int_equal(StringFromGUID2(&sample, NULL, 39), 0);
}

static void string_from_guid2_accepts_a_larger_buffer(void **state)
{
    (void)state;
    OLECHAR buf[64];
    assert_int_equal(StringFromGUID2(&sample, buf, 64), 39);
    assert_int_equal(buf[38], 0);
}

static void clsid_round_trips_through_text(void **state)
{
    (void)state;
    GUID parsed;
    OLECHAR buf[39];
    assert_int_equal(CLSIDFromString(sample_text, &parsed), S_OK);
    assert_true(IsEqualGUID(&parsed, &sample));
    assert_int_equal(parsed.Data1, 0x01234567);
    assert_int_equal(parsed.Data2, 0x89AB);
    assert_int_equal(parsed.Data3, 0xCDEF);
    assert_int_equal(parsed.Data4[7], 0xEF);

    assert_int_equal(StringFromGUID2(&IID_IUnknown, buf, 39), 39);
    assert_memory_equal(buf, u"{00000000-0000-0000-C000-000000000046}", sizeof buf);
    assert_int_equal(IIDFromString(buf, &parsed), S_OK);
    assert_true(IsEqualIID(&parsed, &IID_IUnknown));
}

static void lower_and_mixed_case_hex_is_accepted(void **state)
{
    (void)state;
    GUID parsed;
    assert_int_equal(CLSIDFromString(u"{01234567-89ab-cdef-0123-456789abcdef}", &parsed), S_OK);
    assert_true(IsEqualGUID(&parsed, &sample));
    assert_int_equal(IIDFromString(u"{01234567-89aB-cDeF-0123-456789AbCdEf}", &parsed), S_OK);
    assert_true(IsEqualGUID(&parsed, &sample));
}

static void null_or_empty_string_gives_guid_null(void **state)
{
    (void)state;
    GUID parsed;
    memset(&parsed, 0xCC, sizeof parsed);
    assert_int_equal(CLSIDFromString(NULL, &parsed), S_OK);
    assert_true(is_guid_null(&parsed));
    memset(&parsed, 0xCC, sizeof parsed);
    assert_int_equal(IIDFromString(NULL, &parsed), S_OK);
    assert_true(is_guid_null(&parsed));
    memset(&parsed, 0xCC, sizeof parsed);
    assert_int_equal(CLSIDFromString(u"", &parsed), S_OK);
    assert_true(is_guid_null(&parsed));
}

static void null_output_is_invalid_arg(void **state)
{
    (void)state;
    assert_int_equal(CLSIDFromString(sample_text, NULL), E_INVALIDARG);
    assert_int_equal(IIDFromString(sample_text, NULL), E_INVALIDARG);
}

static void malformed_strings_are_refused_with_guid_null(void **state)
{
    (void)state;
    static const OLECHAR *const bad[] = {
        u"01234567-89AB-CDEF-0123-456789ABCDEF}",  /* missing opening brace */
        u"{01234567-89AB-CDEF-0123-456789ABCDEF",  /* missing closing brace */
        u"01234567-89AB-CDEF-0123-456789ABCDEF",   /* unbraced form */
        u"(01234567-89AB-CDEF-0123-456789ABCDEF)", /* wrong brackets */
        u"{0123456G-89AB-CDEF-0123-456789ABCDEF}", /* bad hex */
        u"{01234567-89AB-CDEF-0123-456789ABCDE }", /* space for a digit */
        u"{01234567-89AB-CDEF-0123-456789ABCDE}",  /* too short */
        u"{0123",                                  /* far too short */
        u"{01234567-89AB-CDEF-0123-456789ABCDEF}x", /* trailing text */
        u"{01234567-89AB-CDEF-0123-456789ABCDEF0}", /* one digit too many */
        u"{01234567-89ABC-DEF-0123-456789ABCDEF}", /* hyphen misplaced */
        u"{01234567:89AB-CDEF-0123-456789ABCDEF}", /* wrong separator */
        u"{+1234567-89AB-CDEF-0123-456789ABCDEF}", /* sign is not hex */
        u"WbemScripting.SWbemLocator",             /* ProgIDs are not looked up */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        GUID parsed;
        memset(&parsed, 0xCC, sizeof parsed);
        assert_int_equal(CLSIDFromString(bad[i], &parsed), CO_E_CLASSSTRING);
        assert_true(is_guid_null(&parsed));
        memset(&parsed, 0xCC, sizeof parsed);
        assert_int_equal(IIDFromString(bad[i], &parsed), E_INVALIDARG);
        assert_true(is_guid_null(&parsed));
    }
}

static void fullwidth_digits_are_not_hex(void **state)
{
    (void)state;
    OLECHAR text[39];
    memcpy(text, sample_text, sizeof text);
    text[1] = 0xFF10; /* FULLWIDTH DIGIT ZERO */
    GUID parsed;
    assert_int_equal(CLSIDFromString(text, &parsed), CO_E_CLASSSTRING);
}

int run_guid_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(string_from_guid2_writes_braced_upper_case_text),
        cmocka_unit_test(string_from_guid2_refuses_a_short_buffer_and_writes_nothing),
        cmocka_unit_test(string_from_guid2_accepts_a_larger_buffer),
        cmocka_unit_test(clsid_round_trips_through_text),
        cmocka_unit_test(lower_and_mixed_case_hex_is_accepted),
        cmocka_unit_test(null_or_empty_string_gives_guid_null),
        cmocka_unit_test(null_output_is_invalid_arg),
        cmocka_unit_test(malformed_strings_are_refused_with_guid_null),
        cmocka_unit_test(fullwidth_digits_are_not_hex),
    };
    return cmocka_run_group_tests_name("guid", tests, NULL, NULL);
}
