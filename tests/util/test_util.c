/*
 * tests/util/test_util.c - the error slot, UTF-8/UTF-16 conversion, the
 * string buffer and SHA-256.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util.h"

static void error_set_at_formats_position(void **state)
{
    (void)state;
    int rc = hp_error_set_at(HP_EPARSE, "a.mof", 12, 7, "expected '%c'", ';');
    assert_int_equal(rc, HP_EPARSE);
    assert_int_equal(hp_error_code(), HP_EPARSE);
    assert_string_equal(hp_error_message(), "a.mof:12:7: expected ';'");
}

static void error_prefix_keeps_code_and_adds_context(void **state)
{
    (void)state;
    hp_error_set(HP_EIO, "cannot open");
    hp_error_prefix("loading %s", "x.so");
    assert_int_equal(hp_error_code(), HP_EIO);
    assert_string_equal(hp_error_message(), "loading x.so: cannot open");
}

static void error_prefix_truncates_instead_of_overflowing(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    hp_error_set(HP_EINVAL, "%s", big);
    hp_error_prefix("%s", big);
    assert_true(strlen(hp_error_message()) < 1024);
}

static void error_clear_gives_no_error(void **state)
{
    (void)state;
    hp_error_set(HP_EINVAL, "x");
    hp_error_clear();
    assert_int_equal(hp_error_code(), 0);
    assert_string_equal(hp_error_message(), "no error");
}

static void exit_status_maps_input_errors_to_2_and_bugs_to_3(void **state)
{
    (void)state;
    assert_int_equal(hp_error_exit_status(HP_OK), 0);
    assert_int_equal(hp_error_exit_status(HP_EPARSE), 2);
    assert_int_equal(hp_error_exit_status(HP_EINVAL), 2);
    assert_int_equal(hp_error_exit_status(HP_EPROVIDER), 2);
    assert_int_equal(hp_error_exit_status(HP_ENOMEM), 3);
    assert_int_equal(hp_error_exit_status(HP_EINTERNAL), 3);
}

static void utf8_to_utf16_handles_bmp_and_surrogates(void **state)
{
    (void)state;
    size_t n;
    /* "aé€😀": 1, 2, 3 and 4 UTF-8 bytes; the last becomes a surrogate pair. */
    char16_t *w = hp_utf8_to_utf16("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", (size_t)-1, &n);
    assert_non_null(w);
    assert_int_equal(n, 5);
    assert_int_equal(w[0], 'a');
    assert_int_equal(w[1], 0xE9);
    assert_int_equal(w[2], 0x20AC);
    assert_int_equal(w[3], 0xD83D);
    assert_int_equal(w[4], 0xDE00);
    assert_int_equal(w[5], 0);
    char *back = hp_utf16_to_utf8(w, (size_t)-1, &n);
    assert_string_equal(back, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    assert_int_equal(n, 10);
    free(w);
    free(back);
}

static void utf8_rejects_malformed_input(void **state)
{
    (void)state;
    const char *bad[] = {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf8\x88\x80\x80\x80", "\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_null(hp_utf8_to_utf16(bad[i], (size_t)-1, NULL));
        assert_int_equal(hp_error_code(), HP_EINVAL);
    }
}

static void utf16_rejects_lone_surrogate(void **state)
{
    (void)state;
    const char16_t lone[] = {'a', 0xD800, 'b', 0};
    assert_null(hp_utf16_to_utf8(lone, (size_t)-1, NULL));
}

static void u16_eqi_utf8_is_case_insensitive_for_ascii(void **state)
{
    (void)state;
    assert_true(hp_u16_eqi_utf8(u"Timestamp_PerfTime", "timestamp_perftime"));
    assert_false(hp_u16_eqi_utf8(u"Timestamp", "Timestamp_PerfTime"));
    assert_false(hp_u16_eqi_utf8(u"TimestampX", "Timestamp"));
    assert_true(hp_u16_eqi_utf8(u"caf\u00e9", "caf\xc3\xa9"));
    assert_false(hp_u16_eqi_utf8(u"caf\u00e9", "cafe"));
}

static void stricmp_orders_ignoring_case(void **state)
{
    (void)state;
    assert_int_equal(hp_stricmp("Name", "NAME"), 0);
    assert_true(hp_stricmp("a", "B") < 0);
    assert_true(hp_streqi("Win32_Perf", "WIN32_PERF"));
    assert_false(hp_streqi(NULL, "x"));
}

static void buf_grows_and_steals(void **state)
{
    (void)state;
    struct hp_buf b = {0};
    for (int i = 0; i < 1000; i++)
        hp_buf_printf(&b, "%d,", i);
    assert_false(b.oom);
    char *s = hp_buf_steal(&b);
    assert_non_null(s);
    assert_memory_equal(s, "0,1,2,", 6);
    assert_null(b.s);
    free(s);
    struct hp_buf e = {0};
    char *empty = hp_buf_steal(&e);
    assert_string_equal(empty, "");
    free(empty);
}

static void vec_push_appends(void **state)
{
    (void)state;
    HP_VEC(int) v = {0};
    for (int i = 0; i < 100; i++)
        assert_int_equal(HP_VEC_PUSH(&v, i * 2), 0);
    assert_int_equal(v.n, 100);
    assert_int_equal(v.v[99], 198);
    free(v.v);
}

static void sha256_matches_known_vectors(void **state)
{
    (void)state;
    char out[65];
    hp_sha256_hex("", 0, out);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hp_sha256_hex("abc", 3, out);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hp_sha256_hex(two, strlen(two), out);
    assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void read_file_reports_missing_file(void **state)
{
    (void)state;
    char *data;
    size_t len;
    assert_int_equal(hp_read_file("/nonexistent/file.mof", &data, &len), HP_EIO);
    assert_non_null(strstr(hp_error_message(), "/nonexistent/file.mof"));
    assert_null(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_set_at_formats_position),
        cmocka_unit_test(error_prefix_keeps_code_and_adds_context),
        cmocka_unit_test(error_prefix_truncates_instead_of_overflowing),
        cmocka_unit_test(error_clear_gives_no_error),
        cmocka_unit_test(exit_status_maps_input_errors_to_2_and_bugs_to_3),
        cmocka_unit_test(utf8_to_utf16_handles_bmp_and_surrogates),
        cmocka_unit_test(utf8_rejects_malformed_input),
        cmocka_unit_test(utf16_rejects_lone_surrogate),
        cmocka_unit_test(u16_eqi_utf8_is_case_insensitive_for_ascii),
        cmocka_unit_test(stricmp_orders_ignoring_case),
        cmocka_unit_test(buf_grows_and_steals),
        cmocka_unit_test(vec_push_appends),
        cmocka_unit_test(sha256_matches_known_vectors),
        cmocka_unit_test(read_file_reports_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
