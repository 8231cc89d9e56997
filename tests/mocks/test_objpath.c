/*
 * tests/mocks/test_objpath.c - object paths: every form objpath.h lists
 * parses to the structure it means, the canonical relpath orders keys
 * alphabetically (case-insensitively) and escapes, format/parse round
 * trips, every syntax error is refused with its column, and paths built
 * key by key come out as WMI writes them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objpath.h"
#include "util.h"

static void parse_ok(const char *text, struct objpath *p)
{
    int rc = objpath_parse(p, text);
    if (rc)
        fail_msg("%s: %s", text, hp_error_message());
}

static void expect_error(const char *text, unsigned column, const char *what)
{
    struct objpath p;
    assert_int_equal(objpath_parse(&p, text), HP_EPARSE);
    assert_null(p.cls);
    assert_int_equal(p.nkeys, 0);
    char want[64];
    snprintf(want, sizeof want, "column %u:", column);
    const char *msg = hp_error_message();
    if (!strstr(msg, want) || !strstr(msg, what))
        fail_msg("%s: got \"%s\", want column %u and \"%s\"", text, msg, column, what);
}

static void relpath_is(const struct objpath *p, const char *want)
{
    char *s = objpath_relpath(p);
    assert_non_null(s);
    assert_string_equal(s, want);
    free(s);
}

/* ---- The forms ---------------------------------------------------------- */

static void keyed_path_parses_into_class_and_keys_in_written_order(void **state)
{
    (void)state;
    struct objpath p;
    parse_ok("Win32_Service.Name=\"x y\",Other=3", &p);
    assert_null(p.server);
    assert_null(p.ns);
    assert_string_equal(p.cls, "Win32_Service");
    assert_false(p.singleton);
    assert_int_equal(p.nkeys, 2);
    assert_string_equal(p.keys[0].name, "Name");
    assert_int_equal(p.keys[0].value.type, CIM_STRING);
    assert_string_equal(p.keys[0].value.v.s, "x y");
    assert_string_equal(p.keys[1].name, "Other");
    assert_int_equal(p.keys[1].value.type, CIM_UINT64);
    assert_int_equal(p.keys[1].value.v.u, 3);
    assert_ptr_equal(objpath_find_key(&p, "oTHER"), &p.keys[1]);
    assert_null(objpath_find_key(&p, "Missing"));
    objpath_free(&p);
    assert_null(p.cls);
}

static void singleton_shorthand_and_class_paths(void **state)
{
    (void)state;
    struct objpath p;
    parse_ok("Config=@", &p);
    assert_string_equal(p.cls, "Config");
    assert_true(p.singleton);
    assert_int_equal(p.nkeys, 0);
    relpath_is(&p, "Config=@");
    objpath_free(&p);

    parse_ok("Disk=\"C:\"", &p);
    assert_int_equal(p.nkeys, 1);
    assert_null(p.keys[0].name);
    assert_string_equal(p.keys[0].value.v.s, "C:");
    relpath_is(&p, "Disk=\"C:\"");
    objpath_free(&p);

    parse_ok("Win32_Process", &p);
    assert_string_equal(p.cls, "Win32_Process");
    assert_false(p.singleton);
    assert_int_equal(p.nkeys, 0);
    relpath_is(&p, "Win32_Process");
    objpath_free(&p);
}

static void server_and_namespace_prefixes(void **state)
{
    (void)state;
    struct objpath p;
    parse_ok("\\\\server1\\root\\cimv2:Win32_Disk.Id=1", &p);
    assert_string_equal(p.server, "server1");
    assert_string_equal(p.ns, "root\\cimv2");
    assert_string_equal(p.cls, "Win32_Disk");
    char *full = objpath_format(&p);
    assert_string_equal(full, "\\\\server1\\root\\cimv2:Win32_Disk.Id=1");
    free(full);
    relpath_is(&p, "Win32_Disk.Id=1");
    objpath_free(&p);

    parse_ok("//./root/perf:C=@", &p);
    assert_string_equal(p.server, ".");
    assert_string_equal(p.ns, "root\\perf");
    assert_true(p.singleton);
    objpath_free(&p);

    parse_ok("root\\default:C.K=\"a:b\"", &p);
    assert_null(p.server);
    assert_string_equal(p.ns, "root\\default");
    assert_string_equal(p.keys[0].value.v.s, "a:b");
    full = objpath_format(&p);
    assert_string_equal(full, "root\\default:C.K=\"a:b\"");
    free(full);
    objpath_free(&p);

    /* A ':' inside a key value is not a namespace separator. */
    parse_ok("C.K=\"x:y\"", &p);
    assert_null(p.ns);
    objpath_free(&p);
}

static void string_escapes_are_decoded_and_reencoded(void **state)
{
    (void)state;
    struct objpath p;
    parse_ok("Win32_Directory.Name=\"C:\\\\Windows\\\\\\\"q\\\"\"", &p);
    assert_string_equal(p.keys[0].value.v.s, "C:\\Windows\\\"q\"");
    relpath_is(&p, "Win32_Directory.Name=\"C:\\\\Windows\\\\\\\"q\\\"\"");
    objpath_free(&p);
}

static void integers_and_booleans(void **state)
{
    (void)state;
    struct objpath p;
    parse_ok("C.A=-9223372036854775808,B=18446744073709551615,H=0x1F,T=true,F=FALSE,Z=-0", &p);
    assert_int_equal(p.keys[0].value.type, CIM_SINT64);
    assert_true(p.keys[0].value.v.i == INT64_MIN);
    assert_int_equal(p.keys[1].value.type, CIM_UINT64);
    assert_true(p.keys[1].value.v.u == UINT64_MAX);
    assert_int_equal(p.keys[2].value.v.u, 31);
    assert_int_equal(p.keys[3].value.type, CIM_BOOLEAN);
    assert_int_equal(p.keys[3].value.v.i, 1);
    assert_int_equal(p.keys[4].value.v.i, 0);
    assert_int_equal(p.keys[5].value.type, CIM_UINT64);
    assert_int_equal(p.keys[5].value.v.u, 0);
    relpath_is(&p, "C.A=-9223372036854775808,B=18446744073709551615,F=FALSE,H=31,T=TRUE,Z=0");
    objpath_free(&p);
}

static void relpath_orders_keys_alphabetically_ignoring_case(void **state)
{
    (void)state;
    struct objpath p;
    /* Case-sensitive ASCII order would put "Zeta" and "Name" before "alpha". */
    parse_ok("C.Zeta=1,alpha=\"a\",Name=2", &p);
    relpath_is(&p, "C.alpha=\"a\",Name=2,Zeta=1");
    objpath_free(&p);
}

static void non_ascii_text_survives(void **state)
{
    (void)state;
    struct objpath p;
    parse_ok("Klasse_\xC3\xA9.Name=\"Gr\xC3\xBC\xC3\x9F" "e \xF0\x9D\x84\x9E\"", &p);
    assert_string_equal(p.cls, "Klasse_\xC3\xA9");
    assert_string_equal(p.keys[0].value.v.s, "Gr\xC3\xBC\xC3\x9F" "e \xF0\x9D\x84\x9E");
    relpath_is(&p, "Klasse_\xC3\xA9.Name=\"Gr\xC3\xBC\xC3\x9F" "e \xF0\x9D\x84\x9E\"");
    objpath_free(&p);
}

static void format_then_parse_gives_the_same_path(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "\\\\host\\root\\cimv2:Win32_Perf.Name=\"_Total\"",
        "C.b=\"\\\\\\\"\",a=-1,c=TRUE",
        "S=@",
        "root\\x:K=\"v\"",
        "Plain",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct objpath a, b;
        parse_ok(paths[i], &a);
        char *text = objpath_format(&a);
        assert_non_null(text);
        parse_ok(text, &b);
        assert_true(objpath_same_instance(&a, &b));
        char *again = objpath_format(&b);
        assert_string_equal(text, again);
        free(text);
        free(again);
        objpath_free(&a);
        objpath_free(&b);
    }
}

/* ---- Errors --------------------------------------------------------------- */

static void syntax_errors_name_their_column(void **state)
{
    (void)state;
    expect_error("C.K=\"abc", 5, "unterminated string");
    expect_error("C.K=\"ab\\", 8, "unterminated string");
    expect_error("C.K=", 5, "missing key value");
    expect_error("C.K=,L=1", 5, "key value");
    expect_error("C.K=\"a\\nb\"", 7, "bad escape");
    expect_error("", 1, "missing class name");
    expect_error(".K=1", 1, "class name expected");
    expect_error("C.", 3, "missing key");
    expect_error("C.K", 4, "'=' expected");
    expect_error("C.K=1 ", 6, "',' or the end");
    expect_error("C.K=1,K=2", 7, "duplicate key");
    expect_error("C.K=1,k=2", 7, "duplicate key");
    expect_error("C=@x", 4, "unexpected text");
    expect_error("C=\"a\"b", 6, "unexpected text");
    expect_error("C K=1", 2, "'.', '=' or the end");
    expect_error("C.K=-", 6, "digits expected");
    expect_error("C.K=12ab", 7, "unexpected character in a number");
    expect_error("C.K=18446744073709551616", 5, "out of range");
    expect_error("C.K=-9223372036854775809", 5, "out of range");
    expect_error("C.K=0x", 7, "hexadecimal digits");
    expect_error("C.K=yes", 5, "key value");
    expect_error("C.K=1.5", 6, "',' or the end");
    expect_error("\\\\", 3, "server name expected");
    expect_error("\\\\srv", 6, "namespace expected");
    expect_error("\\\\srv\\root", 7, "namespace followed by ':'");
    expect_error(":C=@", 1, "empty namespace");
    expect_error("ns:", 4, "missing class name");
}

/* ---- Building ------------------------------------------------------------- */

static void keys_added_one_by_one_format_like_wmi(void **state)
{
    (void)state;
    struct objpath p = {0};
    p.cls = hp_strdup("Test_All");
    struct cim_value s = cim_null(CIM_STRING), i = cim_null(CIM_SINT32), b = cim_null(CIM_BOOLEAN),
                     c = cim_null(CIM_CHAR16), r = cim_null(CIM_REAL64);
    s.null = i.null = b.null = c.null = r.null = false;
    s.v.s = (char *)"a\"b\\c";
    i.v.i = -7;
    b.v.i = 1;
    c.v.i = 'x';
    assert_int_equal(objpath_add_key(&p, "Name", &s), 0);
    assert_int_equal(objpath_add_key(&p, "id", &i), 0);
    assert_int_equal(objpath_add_key(&p, "Flag", &b), 0);
    assert_int_equal(objpath_add_key(&p, "Ch", &c), 0);
    assert_int_equal(objpath_add_key(&p, "NAME", &s), HP_EINVAL);   /* duplicate */
    assert_int_equal(objpath_add_key(&p, "Real", &r), HP_EINVAL);   /* reals cannot be keys */
    struct cim_value n = cim_null(CIM_STRING);
    assert_int_equal(objpath_add_key(&p, "Null", &n), HP_EINVAL);
    relpath_is(&p, "Test_All.Ch=120,Flag=TRUE,id=-7,Name=\"a\\\"b\\\\c\"");
    objpath_free(&p);

    struct objpath q = {0};
    q.cls = hp_strdup("One");
    assert_int_equal(objpath_add_key(&q, NULL, &s), 0);
    assert_int_equal(objpath_add_key(&q, NULL, &s), HP_EINVAL);
    relpath_is(&q, "One=\"a\\\"b\\\\c\"");
    objpath_free(&q);
}

static void same_instance_ignores_case_of_names_and_string_values(void **state)
{
    (void)state;
    struct objpath a, b, c, d;
    parse_ok("\\\\x\\root:C.Name=\"ABC\",Id=1", &a);
    parse_ok("c.id=1,name=\"abc\"", &b);
    parse_ok("C.Name=\"ABD\",Id=1", &c);
    parse_ok("C=\"abc\"", &d);
    assert_true(objpath_same_instance(&a, &b));
    assert_false(objpath_same_instance(&a, &c));
    assert_false(objpath_same_instance(&a, &d));
    objpath_free(&c);
    parse_ok("C.Name=\"abc\"", &c);
    assert_true(objpath_same_instance(&c, &d));   /* the shorthand matches a single named key */
    objpath_free(&a);
    objpath_free(&b);
    objpath_free(&c);
    objpath_free(&d);
}

static void namespaces_are_normalized(void **state)
{
    (void)state;
    char *s = objpath_normalize_ns("\\\\.\\root\\cimv2");
    assert_string_equal(s, "root\\cimv2");
    free(s);
    s = objpath_normalize_ns("root/wmi");
    assert_string_equal(s, "root\\wmi");
    free(s);
    s = objpath_normalize_ns("//srv/root/a/b");
    assert_string_equal(s, "root\\a\\b");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keyed_path_parses_into_class_and_keys_in_written_order),
        cmocka_unit_test(singleton_shorthand_and_class_paths),
        cmocka_unit_test(server_and_namespace_prefixes),
        cmocka_unit_test(string_escapes_are_decoded_and_reencoded),
        cmocka_unit_test(integers_and_booleans),
        cmocka_unit_test(relpath_orders_keys_alphabetically_ignoring_case),
        cmocka_unit_test(non_ascii_text_survives),
        cmocka_unit_test(format_then_parse_gives_the_same_path),
        cmocka_unit_test(syntax_errors_name_their_column),
        cmocka_unit_test(keys_added_one_by_one_format_like_wmi),
        cmocka_unit_test(same_instance_ignores_case_of_names_and_string_values),
        cmocka_unit_test(namespaces_are_normalized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
