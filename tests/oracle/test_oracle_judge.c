/*
 * tests/oracle/test_oracle_judge.c - the judging rules of docs/oracle.md,
 * one observation at a time (no database): every HRESULT form, every
 * operator over every typed-value pairing, truth, value and skip checks,
 * requirement levels; and the pure helpers (verdict names, exit status,
 * the catalog parser, CLSIDs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "util.h"

/* Judges and returns the verdict; the message into msg (may be NULL). */
static enum verdict judge(enum check_kind kind, const char *expected, enum req_level level, const char *observed,
                          char *msg, size_t size)
{
    struct oracle_judge_input in = {.kind = kind, .expected = expected, .level = level, .observed = observed};
    enum verdict v;
    char *m;
    assert_int_equal(oracle_judge(&v, &m, &in), 0);
    if (v == VERDICT_PASS)
        assert_null(m);
    else
        assert_non_null(m);
    if (msg)
        snprintf(msg, size, "%s", m ? m : "");
    free(m);
    return v;
}

static enum verdict hr(const char *expected, const char *observed)
{
    return judge(CHECK_HRESULT, expected, REQ_MUST, observed, NULL, 0);
}

/* lhs OP rhs as a CHECK_COMPARE observation. */
static enum verdict cmp(const char *lhs, const char *op, const char *rhs)
{
    char obs[512];
    snprintf(obs, sizeof obs, "%s\x1f%s", lhs, rhs);
    return judge(CHECK_COMPARE, op, REQ_MUST, obs, NULL, 0);
}

static enum verdict value(enum oracle_baseline_state state, const char *baseline, const char *observed, char *msg,
                          size_t size)
{
    struct oracle_judge_input in = {
        .kind = CHECK_VALUE, .expected = "", .level = REQ_MUST, .observed = observed,
        .baseline_state = state, .baseline = baseline,
    };
    enum verdict v;
    char *m;
    assert_int_equal(oracle_judge(&v, &m, &in), 0);
    if (msg)
        snprintf(msg, size, "%s", m ? m : "");
    free(m);
    return v;
}

/* ---- HRESULT ------------------------------------------------------------- */

static void hresult_by_name_matches_exactly(void **state)
{
    (void)state;
    char msg[256];
    assert_int_equal(hr("S_OK", "h:0x00000000"), VERDICT_PASS);
    assert_int_equal(hr("WBEM_E_NOT_FOUND", "h:0x80041002"), VERDICT_PASS);
    assert_int_equal(judge(CHECK_HRESULT, "WBEM_E_NOT_FOUND", REQ_MUST, "h:0x00000000", msg, sizeof msg),
                     VERDICT_FAIL);
    assert_string_equal(msg, "expected WBEM_E_NOT_FOUND (0x80041002), got S_OK (0x00000000)");
    /* S_FALSE is a success but not S_OK. */
    assert_int_equal(hr("S_OK", "h:0x00000001"), VERDICT_FAIL);
}

static void hresult_numbers_in_every_form(void **state)
{
    (void)state;
    assert_int_equal(hr("0x80041002", "h:0x80041002"), VERDICT_PASS);
    assert_int_equal(hr("-2147217406", "h:0x80041002"), VERDICT_PASS);   /* signed decimal */
    assert_int_equal(hr("2147749890", "h:0x80041002"), VERDICT_PASS);    /* unsigned decimal */
    assert_int_equal(hr("0x80041002", "h:-2147217406"), VERDICT_PASS);   /* observed in decimal */
    assert_int_equal(hr("0X80041002", "h:0X80041002"), VERDICT_PASS);
    assert_int_equal(hr("0x80041003", "h:0x80041002"), VERDICT_FAIL);
    assert_int_equal(hr("0", "h:0x0"), VERDICT_PASS);
    char msg[256];
    judge(CHECK_HRESULT, "0x8004FFFF", REQ_MUST, "h:0x8004FFFE", msg, sizeof msg);
    assert_string_equal(msg, "expected 0x8004FFFF, got 0x8004FFFE");
}

static void hresult_success_failure_any(void **state)
{
    (void)state;
    char msg[256];
    assert_int_equal(hr("success", "h:0x00000000"), VERDICT_PASS);
    assert_int_equal(hr("success", "h:0x00040005"), VERDICT_PASS);   /* WBEM_S_NO_MORE_DATA */
    assert_int_equal(judge(CHECK_HRESULT, "success", REQ_MUST, "h:0x80041001", msg, sizeof msg), VERDICT_FAIL);
    assert_string_equal(msg, "expected success, got WBEM_E_FAILED (0x80041001)");
    assert_int_equal(hr("failure", "h:0x80041024"), VERDICT_PASS);
    assert_int_equal(judge(CHECK_HRESULT, "failure", REQ_MUST, "h:0x00000001", msg, sizeof msg), VERDICT_FAIL);
    assert_string_equal(msg, "expected failure, got S_FALSE (0x00000001)");
    assert_int_equal(hr("any", "h:0x80004005"), VERDICT_PASS);
    assert_int_equal(hr("any", "h:0x00000000"), VERDICT_PASS);
    assert_int_equal(hr("SUCCESS", "h:0x0"), VERDICT_PASS);
}

static void hresult_aliases_and_case(void **state)
{
    (void)state;
    assert_int_equal(hr("WBEM_S_NO_ERROR", "h:0x0"), VERDICT_PASS);
    assert_int_equal(hr("WBEM_NO_ERROR", "h:0x0"), VERDICT_PASS);
    assert_int_equal(hr("wbem_e_not_found", "h:0x80041002"), VERDICT_PASS);
    assert_int_equal(hr("E_NOINTERFACE", "h:0x80004002"), VERDICT_PASS);
    assert_int_equal(hr("WBEM_E_PROVIDER_NOT_CAPABLE", "h:0x80041024"), VERDICT_PASS);
    /* Messages use the first name of a value. */
    assert_string_equal(oracle_hresult_name(0), "S_OK");
    assert_string_equal(oracle_hresult_name(1), "S_FALSE");
    assert_null(oracle_hresult_name(0x12345));
}

static void hresult_expected_forms_are_validated(void **state)
{
    (void)state;
    const char *good[] = {"S_OK", "success", "failure", "any", "0x80041002", "-1", "4294967295", "WBEM_E_FAILED"};
    const char *bad[] = {"", "WBEM_E_BOGUS", "0x1FFFFFFFF", "-2147483649", "0x", "ok", "S_OK ", "12abc"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(oracle_expected_hresult_valid(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(oracle_expected_hresult_valid(bad[i]));
    assert_false(oracle_expected_hresult_valid(NULL));
    /* Judged anyway (a definition that bypassed validation): ERROR. */
    assert_int_equal(hr("WBEM_E_BOGUS", "h:0x0"), VERDICT_ERROR);
}

static void hresult_malformed_observation_is_error(void **state)
{
    (void)state;
    char msg[256];
    const char *bad[] = {"u:5", "h:", "h:zz", "0x0", "h:0x1FFFFFFFF", "null", "", "b:true"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(hr("S_OK", bad[i]), VERDICT_ERROR);
    judge(CHECK_HRESULT, "S_OK", REQ_MUST, "u:5", msg, sizeof msg);
    assert_string_equal(msg, "malformed observation for a HRESULT check: u:5");
    struct oracle_judge_input in = {.kind = CHECK_HRESULT, .expected = "S_OK", .observed = NULL};
    enum verdict v;
    char *m;
    assert_int_equal(oracle_judge(&v, &m, &in), 0);
    assert_int_equal(v, VERDICT_ERROR);
    free(m);
}

/* ---- Comparisons --------------------------------------------------------- */

struct cmp_case {
    const char *lhs, *op, *rhs;
    enum verdict want;
};

static void run_table(const struct cmp_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        enum verdict got = cmp(t[i].lhs, t[i].op, t[i].rhs);
        if (got != t[i].want)
            fail_msg("%s %s %s: got %s, want %s", t[i].lhs, t[i].op, t[i].rhs, oracle_verdict_name(got),
                     oracle_verdict_name(t[i].want));
    }
}

#define P VERDICT_PASS
#define F VERDICT_FAIL
#define E VERDICT_ERROR

static void compare_every_operator_on_integers(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"u:3", "==", "u:3", P}, {"u:3", "==", "u:4", F}, {"u:3", "!=", "u:4", P}, {"u:3", "!=", "u:3", F},
        {"u:3", "<", "u:4", P},  {"u:4", "<", "u:4", F},  {"u:4", "<=", "u:4", P}, {"u:5", "<=", "u:4", F},
        {"u:5", ">", "u:4", P},  {"u:4", ">", "u:4", F},  {"u:4", ">=", "u:4", P}, {"u:3", ">=", "u:4", F},
        {"i:-5", "<", "i:-4", P}, {"i:-4", ">", "i:-5", P}, {"i:-5", "==", "i:-5", P},
        {"i:-9223372036854775808", "<", "i:9223372036854775807", P},
        {"u:18446744073709551615", ">", "u:18446744073709551614", P},
    };
    run_table(t, sizeof t / sizeof t[0]);
}

static void compare_mixes_signed_and_unsigned_exactly(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"u:5", "==", "i:5", P}, {"i:5", "==", "u:5", P},
        {"u:0", ">", "i:-1", P}, {"i:-1", "<", "u:0", P},
        {"u:18446744073709551615", ">", "i:-1", P},       /* no wrap-around */
        {"u:18446744073709551615", "!=", "i:-1", P},
        {"i:9223372036854775807", "<", "u:9223372036854775808", P},
        {"i:-1", ">=", "u:0", F},
    };
    run_table(t, sizeof t / sizeof t[0]);
}

static void compare_mixes_reals_with_integers_exactly(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"r:1.5", ">", "u:1", P}, {"r:1.5", "<", "u:2", P}, {"u:1", "<", "r:1.5", P},
        {"r:2", "==", "u:2", P}, {"r:2", "==", "i:2", P}, {"i:-1", "<", "r:-0.5", P},
        {"r:-0.5", "<", "u:0", P}, {"r:-1e300", "<", "i:-9223372036854775807", P},
        /* 2^53 + 1 is not a double: an exact comparison still tells them apart. */
        {"u:9007199254740993", ">", "r:9007199254740992", P},
        {"u:9007199254740993", "!=", "r:9007199254740992", P},
        {"i:-9007199254740993", "<", "r:-9007199254740992", P},
        {"r:inf", ">", "u:18446744073709551615", P}, {"r:-inf", "<", "i:-9223372036854775808", P},
        {"r:18446744073709551616", ">", "u:18446744073709551615", P},
        {"r:0.1", "==", "r:0.1", P}, {"r:0.1", "<", "r:0.2", P}, {"r:-0", "==", "r:0", P},
        {"r:1.0000000000000002", ">", "r:1", P},
    };
    run_table(t, sizeof t / sizeof t[0]);
}

static void compare_nan_is_unordered_and_unequal(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"r:nan", "==", "r:nan", F}, {"r:nan", "!=", "r:nan", P}, {"r:nan", "<", "r:1", F},
        {"r:nan", ">=", "r:1", F},   {"r:nan", "==", "u:1", F},   {"u:1", "!=", "r:nan", P},
        {"i:0", "<=", "r:nan", F},
    };
    run_table(t, sizeof t / sizeof t[0]);
}

static void compare_strings_bytewise(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"s:abc", "==", "s:abc", P}, {"s:abc", "<", "s:abd", P}, {"s:ab", "<", "s:abc", P},
        {"s:", "==", "s:", P},       {"s:", "<", "s:a", P},      {"s:B", "<", "s:a", P},   /* case-sensitive */
        {"s:\xc3\xa9", ">", "s:z", P},                                                     /* code-point order */
        {"s:a b", "!=", "s:a  b", P}, {"s:x:y", "==", "s:x:y", P},
    };
    run_table(t, sizeof t / sizeof t[0]);
}

static void compare_different_types_are_unequal_and_unordered(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"s:1", "==", "u:1", F}, {"s:1", "!=", "u:1", P}, {"s:1", "<", "u:2", F},
        {"b:true", "==", "u:1", F}, {"h:0x0", "==", "u:0", F}, {"set:a", "==", "s:a", F},
        {"null", "==", "u:0", F}, {"null", "!=", "u:0", P}, {"null", "<", "u:1", F},
    };
    run_table(t, sizeof t / sizeof t[0]);
    char msg[256];
    judge(CHECK_COMPARE, "==", REQ_MUST, "s:1\x1fu:1", msg, sizeof msg);
    assert_string_equal(msg, "expected s:1 == u:1 (values of different types)");
    judge(CHECK_COMPARE, "<", REQ_MUST, "s:1\x1fu:2", msg, sizeof msg);
    assert_string_equal(msg, "cannot order string and unsigned values: s:1 < u:2");
}

static void compare_null_booleans_hresults(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"null", "==", "null", P}, {"null", "!=", "null", F}, {"null", "<=", "null", F},
        {"b:true", "==", "b:true", P}, {"b:true", "!=", "b:false", P}, {"b:false", "==", "b:true", F},
        {"b:false", "<", "b:true", F},
        {"h:0x0", "==", "h:0", P}, {"h:0x80041002", "==", "h:-2147217406", P},
        {"h:0x00000001", "<", "h:0x80000000", P},   /* by the unsigned 32-bit pattern */
    };
    run_table(t, sizeof t / sizeof t[0]);
    char msg[256];
    judge(CHECK_COMPARE, "<", REQ_MUST, "b:false\x1f" "b:true", msg, sizeof msg);
    assert_string_equal(msg, "boolean values have no order: b:false < b:true");
}

static void compare_sets_as_sets(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"set:a|b", "==", "set:b|a", P}, {"set:a|b", "==", "set:a", F}, {"set:a", "!=", "set:b", P},
        {"set:a", "<=", "set:a|b", P},   {"set:a", "<", "set:a|b", P},  {"set:a|b", "<", "set:a|b", F},
        {"set:a|b", ">=", "set:b", P},   {"set:a|b", ">", "set:a|b", F}, {"set:", "<", "set:a", P},
        {"set:", "==", "set:", P},       {"set:a|c", "<=", "set:a|b", F}, {"set:x", ">=", "set:", P},
    };
    run_table(t, sizeof t / sizeof t[0]);
}

static void compare_malformed_observations_are_errors(void **state)
{
    (void)state;
    static const struct cmp_case t[] = {
        {"u:-1", "==", "u:1", E}, {"i:1x", "==", "i:1", E}, {"u:99999999999999999999", "==", "u:1", E},
        {"i:9223372036854775808", "==", "i:1", E}, {"r:", "==", "r:1", E}, {"r:1.5x", "==", "r:1", E},
        {"b:yes", "==", "b:true", E}, {"x:1", "==", "u:1", E}, {"5", "==", "u:5", E}, {"u: 5", "==", "u:5", E},
        {"u:", "==", "u:5", E},
    };
    run_table(t, sizeof t / sizeof t[0]);
    /* No separator at all. */
    assert_int_equal(judge(CHECK_COMPARE, "==", REQ_MUST, "u:1", NULL, 0), VERDICT_ERROR);
}

/* ---- Truth, value, skip, levels --------------------------------------------- */

static void check_true_wants_boolean_true(void **state)
{
    (void)state;
    char msg[128];
    assert_int_equal(judge(CHECK_TRUE, "true", REQ_MUST, "b:true", NULL, 0), VERDICT_PASS);
    assert_int_equal(judge(CHECK_TRUE, "true", REQ_MUST, "b:false", msg, sizeof msg), VERDICT_FAIL);
    assert_string_equal(msg, "expected true, got false");
    assert_int_equal(judge(CHECK_TRUE, "true", REQ_MUST, "true", NULL, 0), VERDICT_ERROR);
    assert_int_equal(judge(CHECK_TRUE, "true", REQ_MUST, "u:1", NULL, 0), VERDICT_ERROR);
}

static void check_value_against_baseline(void **state)
{
    (void)state;
    char msg[256];
    assert_int_equal(value(ORACLE_BASELINE_FOUND, "u:10", "u:10", NULL, 0), VERDICT_PASS);
    assert_int_equal(value(ORACLE_BASELINE_FOUND, "u:10", "u:11", msg, sizeof msg), VERDICT_FAIL);
    assert_string_equal(msg, "value differs from the baseline: was u:10, now u:11");
    /* A changed type is a change. */
    assert_int_equal(value(ORACLE_BASELINE_FOUND, "u:10", "i:10", NULL, 0), VERDICT_FAIL);
    assert_int_equal(value(ORACLE_BASELINE_FOUND, "set:a|b", "set:a|b", NULL, 0), VERDICT_PASS);
    assert_int_equal(value(ORACLE_BASELINE_NONE, NULL, "u:10", msg, sizeof msg), VERDICT_SKIP);
    assert_non_null(strstr(msg, "no baseline"));
    assert_int_equal(value(ORACLE_BASELINE_MISSING, NULL, "u:10", NULL, 0), VERDICT_SKIP);
    assert_int_equal(value(ORACLE_BASELINE_REF_MISSING, NULL, "u:10", msg, sizeof msg), VERDICT_ERROR);
    assert_non_null(strstr(msg, "reference-baseline.tsv"));
    assert_int_equal(value(ORACLE_BASELINE_FOUND, "u:10", "10", NULL, 0), VERDICT_ERROR);
}

static void check_value_messages_shorten_long_values(void **state)
{
    (void)state;
    char big[2048] = "s:";
    memset(big + 2, 'x', 1500);
    big[1502] = 0;
    char msg[1024];
    assert_int_equal(value(ORACLE_BASELINE_FOUND, "s:short", big, msg, sizeof msg), VERDICT_FAIL);
    assert_non_null(strstr(msg, "(1502 bytes)"));
    assert_true(strlen(msg) < 300);
}

static void check_skip_carries_its_reason(void **state)
{
    (void)state;
    char msg[256];
    assert_int_equal(judge(CHECK_SKIP, "", REQ_MUST, "s:WBEM_E_PROVIDER_NOT_CAPABLE from CreateRefresher", msg,
                           sizeof msg), VERDICT_SKIP);
    assert_string_equal(msg, "WBEM_E_PROVIDER_NOT_CAPABLE from CreateRefresher");
    assert_int_equal(judge(CHECK_SKIP, "", REQ_MUST, "", msg, sizeof msg), VERDICT_SKIP);
    assert_non_null(strstr(msg, "needs"));
}

static void should_and_may_failures_warn(void **state)
{
    (void)state;
    assert_int_equal(judge(CHECK_HRESULT, "S_OK", REQ_SHOULD, "h:0x80004005", NULL, 0), VERDICT_WARN);
    assert_int_equal(judge(CHECK_HRESULT, "S_OK", REQ_MAY, "h:0x80004005", NULL, 0), VERDICT_WARN);
    assert_int_equal(judge(CHECK_HRESULT, "S_OK", REQ_MUST, "h:0x80004005", NULL, 0), VERDICT_FAIL);
    assert_int_equal(judge(CHECK_TRUE, "true", REQ_SHOULD, "b:false", NULL, 0), VERDICT_WARN);
    assert_int_equal(judge(CHECK_COMPARE, "<", REQ_SHOULD, "u:5\x1fu:3", NULL, 0), VERDICT_WARN);
    /* Level changes failures only. */
    assert_int_equal(judge(CHECK_HRESULT, "S_OK", REQ_SHOULD, "h:0x0", NULL, 0), VERDICT_PASS);
    assert_int_equal(judge(CHECK_HRESULT, "S_OK", REQ_SHOULD, "bogus", NULL, 0), VERDICT_ERROR);
    assert_int_equal(judge(CHECK_SKIP, "", REQ_SHOULD, "s:x", NULL, 0), VERDICT_SKIP);
    struct oracle_judge_input in = {
        .kind = CHECK_VALUE, .expected = "", .level = REQ_SHOULD, .observed = "u:2",
        .baseline_state = ORACLE_BASELINE_FOUND, .baseline = "u:1",
    };
    enum verdict v;
    char *m;
    assert_int_equal(oracle_judge(&v, &m, &in), 0);
    assert_int_equal(v, VERDICT_WARN);
    free(m);
}

static void unknown_kind_is_error(void **state)
{
    (void)state;
    assert_int_equal(judge((enum check_kind)42, "", REQ_MUST, "u:1", NULL, 0), VERDICT_ERROR);
}

/* ---- Helpers ------------------------------------------------------------------ */

static void verdict_names_and_display(void **state)
{
    (void)state;
    static const char *const names[] = {"PASS", "SKIP", "WARN", "FAIL", "ERROR", "TIMEOUT", "CRASH", "XFAIL"};
    for (int i = 0; i < ORACLE_NVERDICTS; i++) {
        assert_string_equal(oracle_verdict_name(i), names[i]);
        assert_int_equal(oracle_verdict_parse(names[i]), i);
    }
    assert_int_equal(oracle_verdict_parse("xfail"), ORACLE_XFAIL);
    assert_int_equal(oracle_verdict_parse("nope"), -1);
    assert_string_equal(oracle_verdict_name(-1), "?");
    assert_int_equal(oracle_display_verdict(VERDICT_PASS, 1), ORACLE_XFAIL);
    assert_int_equal(oracle_display_verdict(VERDICT_PASS, 0), VERDICT_PASS);
    assert_int_equal(oracle_display_verdict(VERDICT_FAIL, 2), VERDICT_FAIL);
    assert_string_equal(oracle_level_name(REQ_SHOULD), "SHOULD");
}

static void exit_status_rule(void **state)
{
    (void)state;
    unsigned c[ORACLE_NVERDICTS] = {0};
    c[VERDICT_PASS] = 3;
    c[VERDICT_WARN] = 2;
    c[VERDICT_SKIP] = 1;
    c[ORACLE_XFAIL] = 4;
    assert_int_equal(oracle_exit_status_of(c, true), 0);
    assert_int_equal(oracle_exit_status_of(c, false), 1);   /* incomplete never passes */
    const int failing[] = {VERDICT_FAIL, VERDICT_ERROR, VERDICT_TIMEOUT, VERDICT_CRASH};
    for (size_t i = 0; i < 4; i++) {
        unsigned d[ORACLE_NVERDICTS] = {0};
        d[VERDICT_PASS] = 1;
        d[failing[i]] = 1;
        assert_int_equal(oracle_exit_status_of(d, true), 1);
    }
}

static void format_time_is_utc_iso(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(oracle_format_time(buf, 1735689600123), "2025-01-01T00:00:00.123Z");
    assert_string_equal(oracle_format_time(buf, 0), "1970-01-01T00:00:00.000Z");
    assert_string_equal(oracle_format_time(buf, -1), "1969-12-31T23:59:59.999Z");
}

static void clsid_normalization(void **state)
{
    (void)state;
    char out[39];
    assert_true(oracle_normalize_clsid(out, "{d912e92e-e4c1-44fc-bd2a-ff36d68b16ca}"));
    assert_string_equal(out, "{D912E92E-E4C1-44FC-BD2A-FF36D68B16CA}");
    assert_true(oracle_normalize_clsid(out, "D912E92E-E4C1-44FC-BD2A-FF36D68B16CA"));
    assert_string_equal(out, "{D912E92E-E4C1-44FC-BD2A-FF36D68B16CA}");
    assert_false(oracle_normalize_clsid(out, "{D912E92E-E4C1-44FC-BD2A-FF36D68B16C}"));
    assert_false(oracle_normalize_clsid(out, "{D912E92E+E4C1-44FC-BD2A-FF36D68B16CA}"));
    assert_false(oracle_normalize_clsid(out, "{G912E92E-E4C1-44FC-BD2A-FF36D68B16CA}"));
    assert_false(oracle_normalize_clsid(out, NULL));
}

/* ---- The catalog parser ----------------------------------------------------------- */

static int parse(const char *text, struct oracle_requirement **r, size_t *n)
{
    return oracle_parse_requirements(r, n, text, strlen(text), "req.txt");
}

static void catalog_parses_lines_comments_and_pipes_in_text(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF# comment\n"
                        "\n"
                        "  # indented comment\n"
                        "B-2 | SHOULD | doc B | text with | a pipe\r\n"
                        "A-1|MUST|doc A|plain   \n"
                        "C.3 | may | doc C | lower-case level\n";
    struct oracle_requirement *r;
    size_t n;
    assert_int_equal(parse(text, &r, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].id, "A-1");
    assert_int_equal(r[0].level, REQ_MUST);
    assert_string_equal(r[0].source, "doc A");
    assert_string_equal(r[0].text, "plain");
    assert_int_equal(r[0].line, 5);
    assert_string_equal(r[1].id, "B-2");
    assert_int_equal(r[1].level, REQ_SHOULD);
    assert_string_equal(r[1].text, "text with | a pipe");
    assert_int_equal(r[2].level, REQ_MAY);
    oracle_requirements_free(r, n);
}

static void catalog_errors_have_positions(void **state)
{
    (void)state;
    struct {
        const char *text, *message;
    } t[] = {
        {"A-1 | MUST | doc\n", "req.txt:1:17: expected `ID | LEVEL | SOURCE | TEXT`"},
        {"# c\nA-1 | MUSTY | doc | t\n", "req.txt:2:7: level 'MUSTY' is not MUST, SHOULD or MAY"},
        {"A 1 | MUST | doc | t\n", "req.txt:1:2: bad character ' ' in requirement ID"},
        {"-A | MUST | doc | t\n", "req.txt:1:1: bad character '-' in requirement ID"},
        {"A-1 | MUST |  | t\n", "req.txt:1:13: empty SOURCE"},
        {"A-1 | MUST | d | t\nB | MAY | d | t\nA-1 | MAY | d | t\n",
         "req.txt:3:1: requirement A-1 already defined on line 1"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct oracle_requirement *r = (void *)1;
        size_t n = 7;
        assert_int_equal(parse(t[i].text, &r, &n), HP_EPARSE);
        assert_string_equal(hp_error_message(), t[i].message);
        assert_null(r);
        assert_int_equal(n, 0);
    }
}

static void catalog_shipped_file_parses(void **state)
{
    (void)state;
    char *text;
    size_t len;
    if (hp_read_file(HIPERF_REQUIREMENTS_TXT, &text, &len) != 0) {
        print_message("no %s yet\n", HIPERF_REQUIREMENTS_TXT);
        skip();
    }
    struct oracle_requirement *r;
    size_t n;
    int rc = oracle_parse_requirements(&r, &n, text, len, "oracle/requirements.txt");
    if (rc)
        fail_msg("%s", hp_error_message());
    assert_true(n > 0);
    oracle_requirements_free(r, n);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hresult_by_name_matches_exactly),
        cmocka_unit_test(hresult_numbers_in_every_form),
        cmocka_unit_test(hresult_success_failure_any),
        cmocka_unit_test(hresult_aliases_and_case),
        cmocka_unit_test(hresult_expected_forms_are_validated),
        cmocka_unit_test(hresult_malformed_observation_is_error),
        cmocka_unit_test(compare_every_operator_on_integers),
        cmocka_unit_test(compare_mixes_signed_and_unsigned_exactly),
        cmocka_unit_test(compare_mixes_reals_with_integers_exactly),
        cmocka_unit_test(compare_nan_is_unordered_and_unequal),
        cmocka_unit_test(compare_strings_bytewise),
        cmocka_unit_test(compare_different_types_are_unequal_and_unordered),
        cmocka_unit_test(compare_null_booleans_hresults),
        cmocka_unit_test(compare_sets_as_sets),
        cmocka_unit_test(compare_malformed_observations_are_errors),
        cmocka_unit_test(check_true_wants_boolean_true),
        cmocka_unit_test(check_value_against_baseline),
        cmocka_unit_test(check_value_messages_shorten_long_values),
        cmocka_unit_test(check_skip_carries_its_reason),
        cmocka_unit_test(should_and_may_failures_warn),
        cmocka_unit_test(unknown_kind_is_error),
        cmocka_unit_test(verdict_names_and_display),
        cmocka_unit_test(exit_status_rule),
        cmocka_unit_test(format_time_is_utc_iso),
        cmocka_unit_test(clsid_normalization),
        cmocka_unit_test(catalog_parses_lines_comments_and_pipes_in_text),
        cmocka_unit_test(catalog_errors_have_positions),
        cmocka_unit_test(catalog_shipped_file_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
