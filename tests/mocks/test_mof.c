/*
 * tests/mocks/test_mof.c - unit tests of the MOF reader and the repository
 * (mocks/cim.c, repo.c, mof_lex.c, mof_parse.c): one test per feature the
 * reader accepts and one per kind of error, each error with its exact
 * line and column.  Fixture files live in tests/data/mof (TEST_DATA_DIR).
 *
 * Invariant: every test starts from a fresh repository (the fixture) and
 * frees everything it made, so the suite is clean under ASan and valgrind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim.h"
#include "repo.h"
#include "util.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data/mof"
#endif

/* ---- Helpers --------------------------------------------------------------- */

static int setup_repo(void **state)
{
    struct repo *r = repo_new();
    if (!r)
        return -1;
    *state = r;
    return 0;
}

static int teardown_repo(void **state)
{
    repo_free(*state);
    return 0;
}

static void load_ok(struct repo *r, const char *text)
{
    int rc = mof_load_buffer(r, "t.mof", text, strlen(text));
    if (rc != 0)
        fail_msg("load failed: %s: %s", hp_error_name(rc), hp_error_message());
}

/* Loads text into a fresh repository and checks the error: its code, that
 * the message starts "t.mof:line:col: " and that it contains needle. */
static void check_error_n(const char *text, size_t len, int code, unsigned line, unsigned col, const char *needle)
{
    struct repo *r = repo_new();
    assert_non_null(r);
    int rc = mof_load_buffer(r, "t.mof", text, len);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "t.mof:%u:%u: ", line, col);
    const char *msg = hp_error_message();
    if (rc != code || strncmp(msg, prefix, strlen(prefix)) != 0 || (needle && !strstr(msg, needle)))
        fail_msg("expected %s \"%s...%s\", got %s \"%s\"", hp_error_name(code), prefix, needle ? needle : "",
                 hp_error_name(rc), msg);
    repo_free(r);
}

static void check_error(const char *text, int code, unsigned line, unsigned col, const char *needle)
{
    check_error_n(text, strlen(text), code, line, col, needle);
}

static const struct repo_property *prop(const struct repo_class *c, const char *name)
{
    int i = repo_prop_index(c, name);
    if (i < 0)
        fail_msg("class %s has no property %s", c->name, name);
    return &c->props[i];
}

static const struct repo_instance *instance_of(const struct repo *r, const char *cls, size_t nth)
{
    for (size_t i = 0; i < repo_instance_count(r); i++) {
        const struct repo_instance *in = repo_instance_at(r, i);
        if (hp_streqi(in->cls->name, cls) && nth-- == 0)
            return in;
    }
    fail_msg("no instance of %s", cls);
    return NULL;
}

static const struct cim_value *ivalue(const struct repo_instance *in, const char *name)
{
    int i = repo_prop_index(in->cls, name);
    if (i < 0)
        fail_msg("no property %s", name);
    return &in->values[i];
}

static bool iset(const struct repo_instance *in, const char *name)
{
    return in->set[repo_prop_index(in->cls, name)];
}

static void assert_mof(const struct cim_value *v, const char *expected)
{
    char *s = cim_value_to_mof(v);
    assert_non_null(s);
    assert_string_equal(s, expected);
    free(s);
}

/* UTF-8 text as UTF-16 bytes with a BOM (written here, independent of the
 * code under test). */
static char *to_utf16(const char *s, bool be, size_t *len)
{
    size_t n = strlen(s);
    unsigned char *out = malloc(2 + n * 4);
    assert_non_null(out);
    size_t o = 0;
    out[o++] = be ? 0xFE : 0xFF;
    out[o++] = be ? 0xFF : 0xFE;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        if (u[i] < 0x80) {
            c = u[i++];
        } else if ((u[i] & 0xE0) == 0xC0) {
            c = (uint32_t)(u[i] & 0x1F) << 6 | (u[i + 1] & 0x3F);
            i += 2;
        } else if ((u[i] & 0xF0) == 0xE0) {
            c = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);
            i += 3;
        } else {
            c = (uint32_t)(u[i] & 0x07) << 18 | (uint32_t)(u[i + 1] & 0x3F) << 12 | (uint32_t)(u[i + 2] & 0x3F) << 6 |
                (u[i + 3] & 0x3F);
            i += 4;
        }
        uint16_t units[2];
        int k = 0;
        if (c >= 0x10000) {
            c -= 0x10000;
            units[k++] = (uint16_t)(0xD800 + (c >> 10));
            units[k++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            units[k++] = (uint16_t)c;
        }
        for (int j = 0; j < k; j++) {
            out[o++] = (unsigned char)(be ? units[j] >> 8 : units[j] & 0xFF);
            out[o++] = (unsigned char)(be ? units[j] & 0xFF : units[j] >> 8);
        }
    }
    *len = o;
    return (char *)out;
}

/* ---- cim.c ------------------------------------------------------------------ */

static void test_cim_type_names_round_trip(void **state)
{
    (void)state;
    static const CIMTYPE all[] = {CIM_SINT8, CIM_UINT8, CIM_SINT16, CIM_UINT16, CIM_SINT32, CIM_UINT32,
                                  CIM_SINT64, CIM_UINT64, CIM_REAL32, CIM_REAL64, CIM_BOOLEAN, CIM_STRING,
                                  CIM_DATETIME, CIM_REFERENCE, CIM_CHAR16, CIM_OBJECT};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        CIMTYPE t = CIM_EMPTY;
        assert_true(cim_type_from_name(cim_type_name(all[i]), &t));
        assert_int_equal(t, all[i]);
    }
    assert_string_equal(cim_type_name(CIM_UINT32), "uint32");
    assert_string_equal(cim_type_name(CIM_UINT32 | CIM_FLAG_ARRAY), "uint32[]");
    assert_string_equal(cim_type_name(CIM_REFERENCE), "ref");
    CIMTYPE t;
    assert_true(cim_type_from_name("DateTime", &t));
    assert_int_equal(t, CIM_DATETIME);
    assert_false(cim_type_from_name("int", &t));
    assert_false(cim_type_from_name(NULL, &t));
}

static void test_cim_type_widths_and_kinds(void **state)
{
    (void)state;
    assert_int_equal(cim_type_width(CIM_SINT8), 1);
    assert_int_equal(cim_type_width(CIM_UINT8), 1);
    assert_int_equal(cim_type_width(CIM_UINT16), 2);
    assert_int_equal(cim_type_width(CIM_CHAR16), 2);
    assert_int_equal(cim_type_width(CIM_BOOLEAN), 2);
    assert_int_equal(cim_type_width(CIM_UINT32), 4);
    assert_int_equal(cim_type_width(CIM_REAL32), 4);
    assert_int_equal(cim_type_width(CIM_UINT64), 8);
    assert_int_equal(cim_type_width(CIM_REAL64), 8);
    assert_int_equal(cim_type_width(CIM_STRING), 0);
    assert_int_equal(cim_type_width(CIM_OBJECT), 0);
    assert_int_equal(cim_type_width(CIM_UINT32 | CIM_FLAG_ARRAY), 0);
    assert_true(cim_type_is_integer(CIM_SINT64));
    assert_false(cim_type_is_integer(CIM_REAL64));
    assert_false(cim_type_is_integer(CIM_CHAR16));
    assert_true(cim_type_is_signed(CIM_SINT8));
    assert_false(cim_type_is_signed(CIM_UINT8));
    assert_true(cim_type_is_string(CIM_DATETIME));
    assert_true(cim_type_is_string(CIM_REFERENCE));
    assert_false(cim_type_is_string(CIM_CHAR16));
}

static void test_cim_value_to_mof(void **state)
{
    (void)state;
    struct cim_value v = cim_null(CIM_UINT32);
    assert_mof(&v, "NULL");
    v.null = false;
    v.v.u = 42;
    assert_mof(&v, "42");
    v = cim_null(CIM_SINT64);
    v.null = false;
    v.v.i = INT64_MIN;
    assert_mof(&v, "-9223372036854775808");
    v = cim_null(CIM_BOOLEAN);
    v.null = false;
    v.v.i = 1;
    assert_mof(&v, "TRUE");
    v = cim_null(CIM_REAL64);
    v.null = false;
    v.v.r = 2;
    assert_mof(&v, "2.0");
    v.v.r = 1.5;
    assert_mof(&v, "1.5");
    v = cim_null(CIM_CHAR16);
    v.null = false;
    v.v.i = '\'';
    assert_mof(&v, "'\\''");
    v.v.i = 0x263A;
    assert_mof(&v, "'\\x263A'");
    v = cim_null(CIM_STRING);
    v.null = false;
    v.v.s = (char *)"a\"b\\c\n";
    assert_mof(&v, "\"a\\\"b\\\\c\\n\"");
    struct cim_value items[2] = {cim_null(CIM_UINT32), cim_null(CIM_UINT32)};
    items[0].null = items[1].null = false;
    items[0].v.u = 1;
    items[1].v.u = 2;
    struct cim_array a = {2, items};
    v = cim_null(CIM_UINT32 | CIM_FLAG_ARRAY);
    v.null = false;
    v.v.a = &a;
    assert_mof(&v, "{1, 2}");
}

static void test_cim_copy_equal_clear(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; string L[] = {\"x\", \"y\"}; real32 F = 0.25; };");
    const struct repo_property *l = prop(repo_class(r, "A"), "L");
    struct cim_value c;
    assert_int_equal(cim_value_copy(&c, &l->value), 0);
    assert_true(cim_value_equal(&c, &l->value));
    assert_ptr_not_equal(c.v.a, l->value.v.a);
    assert_ptr_not_equal(c.v.a->items[0].v.s, l->value.v.a->items[0].v.s);
    c.v.a->items[1].v.s[0] = 'z';
    assert_false(cim_value_equal(&c, &l->value));
    cim_value_clear(&c);
    assert_true(c.null);
    assert_int_equal(c.type, CIM_STRING | CIM_FLAG_ARRAY);
    cim_value_clear(&c); /* twice is harmless */
    const struct repo_property *f = prop(repo_class(r, "A"), "F");
    assert_int_equal(cim_value_copy(&c, &f->value), 0);
    assert_true(cim_value_equal(&c, &f->value));
    struct cim_value n = cim_null(CIM_REAL32);
    assert_false(cim_value_equal(&c, &n));
}

/* ---- The built-in classes --------------------------------------------------- */

static void test_system_classes_are_preloaded(void **state)
{
    struct repo *r = *state;
    assert_string_equal(repo_namespace(r), "root\\default");
    assert_int_equal(repo_instance_count(r), 0);
    assert_int_equal(repo_provider_count(r), 0);
    const struct repo_class *sc = repo_class(r, "__SystemClass");
    assert_non_null(sc);
    assert_true(sc->system);
    assert_true(sc->abstract);
    assert_null(sc->super);
    const struct repo_class *pv = repo_class(r, "__provider"); /* names ignore case */
    assert_non_null(pv);
    assert_ptr_equal(pv->super, sc);
    assert_true(prop(pv, "Name")->key);
    const struct repo_class *w = repo_class(r, "__Win32Provider");
    assert_non_null(w);
    assert_true(w->system);
    assert_false(w->abstract);
    assert_true(repo_class_is_a(w, "__Provider"));
    assert_true(repo_class_is_a(w, "__SYSTEMCLASS"));
    assert_false(repo_class_is_a(w, "__ProviderRegistration"));
    assert_int_equal(repo_prop_index(w, "Name"), 0); /* inherited first */
    assert_true(prop(w, "Name")->key);
    assert_ptr_equal(prop(w, "Name")->origin, pv);
    static const struct { const char *name; CIMTYPE type; } props[] = {
        {"CLSID", CIM_STRING}, {"ClientLoadableCLSID", CIM_STRING}, {"DefaultMachineName", CIM_STRING},
        {"HostingModel", CIM_STRING}, {"Concurrency", CIM_SINT32}, {"Enabled", CIM_BOOLEAN},
        {"ImpersonationLevel", CIM_SINT32}, {"InitializationReentrancy", CIM_SINT32},
        {"InitializationTimeoutInterval", CIM_DATETIME}, {"InitializeAsAdminFirst", CIM_BOOLEAN},
        {"OperationTimeoutInterval", CIM_DATETIME}, {"PerLocaleInitialization", CIM_BOOLEAN},
        {"PerUserInitialization", CIM_BOOLEAN}, {"Pure", CIM_BOOLEAN}, {"SecurityDescriptor", CIM_STRING},
        {"SupportsExplicitShutdown", CIM_BOOLEAN}, {"SupportsExtendedStatus", CIM_BOOLEAN},
        {"SupportsQuotas", CIM_BOOLEAN}, {"SupportsSendStatus", CIM_BOOLEAN}, {"SupportsShutdown", CIM_BOOLEAN},
        {"SupportsThrottling", CIM_BOOLEAN}, {"UnloadTimeout", CIM_DATETIME}, {"Version", CIM_UINT32},
    };
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        assert_int_equal(prop(w, props[i].name)->type, props[i].type);
        assert_false(prop(w, props[i].name)->key);
    }
    assert_int_equal(w->nprops, 1 + sizeof props / sizeof props[0]);
    assert_mof(&prop(w, "Pure")->value, "TRUE");
    assert_mof(&prop(w, "ImpersonationLevel")->value, "0");
    assert_mof(&prop(w, "CLSID")->value, "NULL");

    const struct repo_class *reg = repo_class(r, "__ProviderRegistration");
    assert_true(reg->abstract);
    const struct repo_property *p = prop(reg, "provider");
    assert_int_equal(p->type, CIM_REFERENCE);
    assert_string_equal(p->ref_class, "__Provider");
    assert_true(p->key);
    const struct repo_class *obj = repo_class(r, "__ObjectProviderRegistration");
    assert_true(obj->abstract);
    assert_ptr_equal(obj->super, reg);
    assert_int_equal(prop(obj, "InteractionType")->type, CIM_SINT32);
    assert_int_equal(prop(obj, "QuerySupportLevels")->type, CIM_STRING | CIM_FLAG_ARRAY);
    assert_int_equal(repo_prop_index(obj, "provider"), 0);
    const char *supports[] = {"SupportsGet", "SupportsPut", "SupportsDelete", "SupportsEnumeration"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(prop(obj, supports[i])->type, CIM_BOOLEAN);
        assert_mof(&prop(obj, supports[i])->value, "FALSE");
    }
    const struct repo_class *ipr = repo_class(r, "__InstanceProviderRegistration");
    assert_false(ipr->abstract);
    assert_ptr_equal(ipr->super, obj);
    assert_int_equal(ipr->nprops, obj->nprops);
    assert_mof(&prop(ipr, "SupportsEnumeration")->value, "TRUE"); /* as WMI declares it */
    assert_ptr_equal(prop(ipr, "SupportsEnumeration")->origin, obj);
    for (size_t i = 0; i < repo_class_count(r); i++)
        assert_true(repo_class_at(r, i)->system);
    assert_null(repo_class_at(r, repo_class_count(r)));
}

static void test_perf_base_classes_are_preloaded(void **state)
{
    struct repo *r = *state;
    const struct repo_class *perf = repo_class(r, "Win32_Perf");
    assert_non_null(perf);
    assert_true(perf->abstract);
    assert_null(perf->super);
    static const struct { const char *name; CIMTYPE type; } props[] = {
        {"Caption", CIM_STRING}, {"Description", CIM_STRING}, {"Name", CIM_STRING},
        {"Frequency_Object", CIM_UINT64}, {"Frequency_PerfTime", CIM_UINT64}, {"Frequency_Sys100NS", CIM_UINT64},
        {"Timestamp_Object", CIM_UINT64}, {"Timestamp_PerfTime", CIM_UINT64}, {"Timestamp_Sys100NS", CIM_UINT64},
    };
    assert_int_equal(perf->nprops, 9);
    for (size_t i = 0; i < 9; i++) {
        assert_string_equal(perf->props[i].name, props[i].name);
        assert_int_equal(perf->props[i].type, props[i].type);
    }
    const struct repo_class *raw = repo_class(r, "Win32_PerfRawData");
    const struct repo_class *fmt = repo_class(r, "Win32_PerfFormattedData");
    assert_true(raw->abstract && fmt->abstract);
    assert_ptr_equal(raw->super, perf);
    assert_ptr_equal(fmt->super, perf);
    assert_int_equal(raw->nprops, 9);
    assert_ptr_equal(prop(raw, "Timestamp_Sys100NS")->origin, perf);
    /* abstract is Restricted: it does not reach a subclass. */
    assert_non_null(repo_class_qualifier(perf, "abstract"));
    load_ok(r, "class P : Win32_PerfFormattedData { [key] string Name; };");
    assert_false(repo_class(r, "P")->abstract);
    assert_null(repo_class_qualifier(repo_class(r, "P"), "abstract"));
}

/* ---- The Windows-SDK-style registration ---------------------------------------- */

static void test_sdk_style_registration(void **state)
{
    struct repo *r = *state;
    int rc = mof_load_file(r, TEST_DATA_DIR "/sdk_style.mof");
    if (rc)
        fail_msg("%s", hp_error_message());
    assert_string_equal(repo_namespace(r), "root\\cimv2");

    /* The provider. */
    assert_int_equal(repo_provider_count(r), 1);
    const struct repo_provider *pv = repo_provider(r, "hiperfcooker_V1");
    assert_non_null(pv);
    assert_ptr_equal(pv, repo_provider_at(r, 0));
    assert_string_equal(pv->name, "HiPerfCooker_v1");
    assert_true(pv->has_clsid);
    assert_true(pv->has_client_clsid);
    const GUID want = {0xB0A2AB46, 0xF612, 0x4469, {0xBE, 0xC4, 0x7A, 0xB0, 0x38, 0xBC, 0x47, 0x6C}};
    assert_true(IsEqualGUID(&pv->clsid, &want));
    assert_true(IsEqualGUID(&pv->client_clsid, &want));
    assert_string_equal(pv->hosting_model, "NetworkServiceHost");
    assert_true(pv->instance_registration);
    assert_true(pv->supports_get);
    assert_true(pv->supports_enumeration);
    assert_false(pv->supports_put);
    assert_false(pv->supports_delete);
    assert_true(repo_provider_is_hiperf(r, pv));

    /* Its instances: ClsId set CLSID (names ignore case). */
    assert_int_equal(repo_instance_count(r), 2);
    const struct repo_instance *pi = instance_of(r, "__Win32Provider", 0);
    assert_ptr_equal(pv->inst, pi);
    assert_string_equal(pi->alias, "P");
    assert_string_equal(pi->ns, "root\\cimv2");
    assert_true(iset(pi, "CLSID"));
    assert_mof(ivalue(pi, "CLSID"), "\"{B0A2AB46-F612-4469-BEC4-7AB038BC476C}\"");
    assert_false(iset(pi, "Pure"));
    assert_mof(ivalue(pi, "Pure"), "TRUE"); /* an unset value holds the default */
    assert_int_equal(pi->pos.line, 5);
    assert_int_equal(pi->pos.col, 1);
    assert_non_null(strstr(pi->pos.file, "sdk_style.mof"));
    const struct repo_instance *reg = instance_of(r, "__InstanceProviderRegistration", 0);
    assert_null(reg->alias);
    const struct cim_value *ref = ivalue(reg, "provider");
    assert_int_equal(ref->type, CIM_REFERENCE);
    assert_false(ref->null);
    assert_string_equal(ref->v.s, "__Win32Provider.Name=\"HiPerfCooker_v1\"");
    assert_true(iset(reg, "Provider"));
    assert_false(iset(reg, "SupportsPut"));

    /* The class. */
    const struct repo_class *c = repo_class(r, "Win32_PerfRawData_Sample_Sample");
    assert_non_null(c);
    assert_false(c->system);
    assert_string_equal(c->ns, "root\\cimv2");
    assert_string_equal(c->super_name, "Win32_PerfRawData");
    assert_ptr_equal(c->super, repo_class(r, "Win32_PerfRawData"));
    assert_true(c->dynamic);
    assert_true(c->hiperf);
    assert_false(c->abstract);
    assert_false(c->singleton);
    assert_string_equal(c->provider, "HiPerfCooker_v1");
    assert_int_equal(c->pos.line, 18);
    assert_int_equal(c->pos.col, 1);
    assert_ptr_equal(repo_provider_for_class(r, c), pv);
    const struct repo_class *served[4];
    assert_int_equal(repo_provider_classes(r, pv, served, 4), 1);
    assert_ptr_equal(served[0], c);
    const struct repo_qualifier *q = repo_class_qualifier(c, "locale");
    assert_int_equal(q->value.type, CIM_SINT32);
    assert_int_equal(q->value.v.i, 0x409);
    assert_string_equal(repo_class_qualifier(c, "DISPLAYNAME")->value.v.s, "Sample");
    assert_string_equal(repo_class_qualifier(c, "Description")->value.v.s, "Counters");

    /* Properties: the 9 of Win32_Perf, Name overridden in place, then Ops, Count. */
    assert_int_equal(c->nprops, 11);
    assert_int_equal(repo_prop_index(c, "Name"), 2);
    const struct repo_property *name = prop(c, "Name");
    assert_true(name->key);
    assert_ptr_equal(name->origin, repo_class(r, "Win32_Perf"));
    assert_int_equal(repo_prop_index(c, "Ops"), 9);
    assert_int_equal(repo_prop_index(c, "Count"), 10);
    const struct repo_property *ops = prop(c, "Ops");
    assert_int_equal(ops->type, CIM_UINT64);
    assert_ptr_equal(ops->origin, c);
    assert_false(ops->key);
    assert_int_equal(repo_prop_qualifier(ops, "CounterType")->value.v.i, 272696576);
    assert_int_equal(repo_prop_qualifier(ops, "DefaultScale")->value.v.i, 0);
    assert_int_equal(repo_prop_qualifier(ops, "perfdetail")->value.v.i, 100);
    assert_string_equal(repo_prop_qualifier(ops, "DisplayName")->value.v.s, "Ops/sec");
    /* countertype was declared ToInstance: it keeps ToSubclass and adds ToInstance. */
    assert_int_equal(repo_prop_qualifier(ops, "CounterType")->flavor,
                     WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE | WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS);
    const struct repo_property *count = prop(c, "Count");
    assert_int_equal(count->type, CIM_UINT32);
    assert_int_equal(repo_prop_qualifier(count, "CounterType")->value.v.i, 65536);
    const struct repo_qualifier *pd = repo_prop_qualifier(count, "PerfDefault");
    assert_non_null(pd);
    assert_int_equal(pd->value.type, CIM_BOOLEAN);
    assert_int_equal(pd->value.v.i, 1);
    assert_true(pd->flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE);
    assert_null(repo_prop_qualifier(count, "DisplayName"));
}

/* ---- Lexical features -------------------------------------------------------- */

static void test_comments_line_and_block(void **state)
{
    struct repo *r = *state;
    load_ok(r, "// leading\n/* block\n * comment */ class /* inside */ A // tail\n{ [key] string /**/ K; };\n"
               "/* last */");
    const struct repo_class *a = repo_class(r, "A");
    assert_non_null(a);
    assert_int_equal(a->pos.line, 3);
    assert_int_equal(a->pos.col, 15);
}

static void test_strings_escapes_and_joining(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K;\n"
               "string E = \"q\\\"b\\\\s\\n\\t\\r\\b\\f\\'\";\n"
               "string X = \"\\x41\\X0042\\x263a\\xD83D\\xDE00!\";\n"
               "string J = \"a\" \"b\"\n  \"c\";\n"
               "string U = \"Z\xC3\xA4hler \xE2\x82\xAC\";\n"
               "string Z = \"\";\n"
               "[Description(\"part one, \" \"part two\")] string D; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_string_equal(prop(a, "E")->value.v.s, "q\"b\\s\n\t\r\b\f'");
    assert_string_equal(prop(a, "X")->value.v.s, "AB\xE2\x98\xBA\xF0\x9F\x98\x80!");
    assert_string_equal(prop(a, "J")->value.v.s, "abc");
    assert_string_equal(prop(a, "U")->value.v.s, "Z\xC3\xA4hler \xE2\x82\xAC");
    assert_string_equal(prop(a, "Z")->value.v.s, "");
    assert_false(prop(a, "Z")->value.null);
    assert_string_equal(repo_prop_qualifier(prop(a, "D"), "Description")->value.v.s, "part one, part two");
}

static void test_char16_literals(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; char16 C = 'a'; char16 N = '\\n'; char16 H = '\\x263A';"
               " char16 Q = '\\''; char16 E = '\xC3\xA9'; char16 I = 65; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_int_equal(prop(a, "C")->type, CIM_CHAR16);
    assert_int_equal(prop(a, "C")->value.v.i, 'a');
    assert_int_equal(prop(a, "N")->value.v.i, '\n');
    assert_int_equal(prop(a, "H")->value.v.i, 0x263A);
    assert_int_equal(prop(a, "Q")->value.v.i, '\'');
    assert_int_equal(prop(a, "E")->value.v.i, 0xE9);
    assert_int_equal(prop(a, "I")->value.v.i, 'A');
}

static void test_integer_forms(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; uint32 D = 42; uint32 H = 0x1F; uint32 HU = 0XfF; sint32 N = -5;"
               " sint32 P = +7; uint32 O = 017; uint32 Z = 0; uint32 B = 101b; sint32 NB = -11B;"
               " sint32 NH = -0x10; uint32 OZ = 00; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_int_equal(prop(a, "D")->value.v.u, 42);
    assert_int_equal(prop(a, "H")->value.v.u, 31);
    assert_int_equal(prop(a, "HU")->value.v.u, 255);
    assert_int_equal(prop(a, "N")->value.v.i, -5);
    assert_int_equal(prop(a, "P")->value.v.i, 7);
    assert_int_equal(prop(a, "O")->value.v.u, 15);
    assert_int_equal(prop(a, "Z")->value.v.u, 0);
    assert_false(prop(a, "Z")->value.null);
    assert_int_equal(prop(a, "B")->value.v.u, 5);
    assert_int_equal(prop(a, "NB")->value.v.i, -3);
    assert_int_equal(prop(a, "NH")->value.v.i, -16);
    assert_int_equal(prop(a, "OZ")->value.v.u, 0);
}

static void test_integer_limits_are_accepted(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; sint8 a = -128; sint8 b = 127; uint8 c = 255; sint16 d = -32768;"
               " uint16 e = 65535; sint32 f = -2147483648; uint32 g = 4294967295;"
               " sint64 h = -9223372036854775808; sint64 i = 9223372036854775807;"
               " uint64 j = 18446744073709551615; uint64 kk = 0xFFFFFFFFFFFFFFFF; uint8 m = -0; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_int_equal(prop(a, "a")->value.v.i, -128);
    assert_int_equal(prop(a, "b")->value.v.i, 127);
    assert_int_equal(prop(a, "c")->value.v.u, 255);
    assert_int_equal(prop(a, "d")->value.v.i, -32768);
    assert_int_equal(prop(a, "e")->value.v.u, 65535);
    assert_int_equal(prop(a, "f")->value.v.i, INT32_MIN);
    assert_int_equal(prop(a, "g")->value.v.u, UINT32_MAX);
    assert_true(prop(a, "h")->value.v.i == INT64_MIN);
    assert_true(prop(a, "i")->value.v.i == INT64_MAX);
    assert_true(prop(a, "j")->value.v.u == UINT64_MAX);
    assert_true(prop(a, "kk")->value.v.u == UINT64_MAX);
    assert_int_equal(prop(a, "m")->value.v.u, 0);
}

static void test_reals_booleans_and_null(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; real64 a = 1.5; real64 b = 1e3; real64 c = -2.5E-1; real64 d = .5;"
               " real32 e = 0.1; real64 f = 3; real64 g = 1E+2; boolean t = TRUE; boolean u = false;"
               " boolean v = True; uint32 n = NULL; string s = null; boolean w; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_true(prop(a, "a")->value.v.r == 1.5);
    assert_true(prop(a, "b")->value.v.r == 1000.0);
    assert_true(prop(a, "c")->value.v.r == -0.25);
    assert_true(prop(a, "d")->value.v.r == 0.5);
    assert_true(prop(a, "e")->value.v.r == (double)0.1f);
    assert_true(prop(a, "f")->value.v.r == 3.0);
    assert_true(prop(a, "g")->value.v.r == 100.0);
    assert_int_equal(prop(a, "t")->value.v.i, 1);
    assert_int_equal(prop(a, "u")->value.v.i, 0);
    assert_false(prop(a, "u")->value.null);
    assert_int_equal(prop(a, "v")->value.v.i, 1);
    assert_true(prop(a, "n")->value.null);
    assert_int_equal(prop(a, "n")->value.type, CIM_UINT32);
    assert_true(prop(a, "s")->value.null);
    assert_true(prop(a, "w")->value.null);
}

/* ---- Pragmas -------------------------------------------------------------------- */

static void test_pragmas_in_any_case(void **state)
{
    struct repo *r = *state;
    load_ok(r, "#PRAGMA AUTORECOVER\n#Pragma NameSpace(\"\\\\\\\\.\\\\ROOT\\\\Test\")\n#pragma autorecover\n"
               "class A { [key] string K; };");
    assert_string_equal(repo_namespace(r), "ROOT\\Test");
    assert_string_equal(repo_class(r, "A")->ns, "ROOT\\Test");
}

static void test_pragma_namespace_forms(void **state)
{
    struct repo *r = *state;
    load_ok(r, "#pragma namespace(\"\\\\\\\\.\\\\root\\\\cimv2\")\nclass A { [key] string K; };\n"
               "#pragma namespace(\"Sub\")\nclass B { [key] string K; };\n"
               "#pragma namespace(\"root/other\")\nclass C { [key] string K; };\n"
               "#pragma namespace(\"//server/root/x\")\ninstance of C { K = \"c\"; };\n");
    assert_string_equal(repo_class(r, "A")->ns, "root\\cimv2");
    assert_string_equal(repo_class(r, "B")->ns, "root\\cimv2\\Sub");
    assert_string_equal(repo_class(r, "C")->ns, "root\\other");
    assert_string_equal(instance_of(r, "C", 0)->ns, "root\\x");
    assert_string_equal(repo_namespace(r), "root\\x");
    /* The next load starts again from root\default. */
    load_ok(r, "class D { [key] string K; };");
    assert_string_equal(repo_class(r, "D")->ns, "root\\default");
}

static void test_pragmas_without_effect(void **state)
{
    struct repo *r = *state;
    load_ok(r, "#pragma locale(\"en_US\")\n#pragma instancelocale(\"ms_409\")\n#pragma amendment(\"MS_409\")\n"
               "#pragma source(\"x\")\n#pragma sourcetype(\"y\")\n#pragma nonlocal(\"z\")\n"
               "#pragma nonlocaltype(\"w\")\n#pragma instanceflags(\"createonly\")\n"
               "class A { [key] string K; };");
    assert_non_null(repo_class(r, "A"));
}

static void test_pragma_classflags_update_replaces_a_class(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; uint32 Old; };");
    const struct repo_class *old = repo_class(r, "A");
    size_t n = repo_class_count(r);
    load_ok(r, "#pragma classflags(\"forceupdate\")\nclass A { [key] string K; string New; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_ptr_not_equal(a, old);
    assert_int_equal(repo_class_count(r), n);
    assert_ptr_equal(repo_class_at(r, n - 1), a);
    assert_int_equal(repo_prop_index(a, "Old"), -1);
    assert_int_equal(repo_prop_index(a, "New"), 1);
    assert_string_equal(old->name, "A"); /* the old one stays valid */
    load_ok(r, "#pragma classflags(\"updateonly, safeupdate\")\nclass A { [key] string K; };");
    assert_int_equal(repo_class(r, "A")->nprops, 1);
}

static void test_pragma_classflags_errors(void **state)
{
    (void)state;
    check_error("class A { [key] string K; };\nclass A { [key] string K; };", HP_EINVAL, 2, 7,
                "class 'A' is already defined at t.mof:1:1");
    check_error("#pragma classflags(\"createonly\")\nclass A { [key] string K; };\n"
                "#pragma classflags(\"createonly\", \"forceupdate\")\nclass A { [key] string K; };",
                HP_EINVAL, 4, 7, "already defined");
    check_error("#pragma classflags(\"updateonly\")\nclass A { [key] string K; };", HP_EINVAL, 2, 7,
                "does not exist");
    check_error("#pragma classflags(\"sometimes\")", HP_EPARSE, 1, 20, "unknown class flag 'sometimes'");
    check_error("#pragma classflags(\"createonly\", \"updateonly\")", HP_EPARSE, 1, 20, "contradict");
    check_error("class A { [key] string K; };\nclass B : A { };\n#pragma classflags(\"forceupdate\")\n"
                "class A { [key] string K; };", HP_EINVAL, 4, 7, "has subclasses or instances");
    check_error("#pragma classflags(\"forceupdate\")\nclass __Win32Provider { };", HP_EINVAL, 2, 7,
                "built into the repository");
}

static void test_pragma_deleteclass(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; };\nclass B : A { };\nclass C { [key] string K; };\n"
               "instance of B { K = \"b\"; };\ninstance of C { K = \"c\"; };");
    const struct repo_class *b = repo_class(r, "B");
    size_t n = repo_class_count(r);
    load_ok(r, "#pragma deleteclass(\"a\", FAIL)\n#pragma deleteclass(\"Nobody\", NOFAIL)");
    assert_null(repo_class(r, "A"));
    assert_null(repo_class(r, "B"));
    assert_non_null(repo_class(r, "C"));
    assert_int_equal(repo_class_count(r), n - 2);
    assert_int_equal(repo_instance_count(r), 1);
    assert_string_equal(repo_instance_at(r, 0)->cls->name, "C");
    assert_string_equal(b->name, "B"); /* still readable */
    check_error("#pragma deleteclass(\"Nobody\", FAIL)", HP_EINVAL, 1, 21, "cannot delete class 'Nobody'");
    check_error("#pragma deleteclass(\"Nobody\")", HP_EINVAL, 1, 21, "not defined");
    check_error("#pragma deleteclass(\"Win32_Perf\", NOFAIL)", HP_EINVAL, 1, 21, "built in");
    check_error("#pragma deleteclass(\"A\", MAYBE)", HP_EPARSE, 1, 26, "FAIL or NOFAIL");
}

static void test_pragma_deleteinstance(void **state)
{
    struct repo *r = *state;
    load_ok(r, "instance of __Win32Provider { Name = \"P1\"; };\ninstance of __Win32Provider { Name = \"P2\"; };\n"
               "class K2 { [key] string A; [key] uint32 B; };\ninstance of K2 { A = \"x\"; B = 3; };");
    assert_int_equal(repo_provider_count(r), 2);
    const struct repo_provider *p1 = repo_provider(r, "P1");
    load_ok(r, "#pragma deleteinstance(\"__Win32Provider.Name=\\\"p1\\\"\", FAIL)\n"
               "#pragma deleteinstance(\"K2.B=3,A=\\\"x\\\"\", FAIL)\n"
               "#pragma deleteinstance(\"__Win32Provider.Name=\\\"none\\\"\", NOFAIL)");
    assert_int_equal(repo_instance_count(r), 1);
    assert_int_equal(repo_provider_count(r), 1);
    assert_null(repo_provider(r, "P1"));
    assert_string_equal(p1->name, "P1"); /* still readable */
    assert_non_null(repo_provider(r, "P2"));
    check_error("#pragma deleteinstance(\"__Win32Provider.Name=\\\"none\\\"\", FAIL)", HP_EINVAL, 1, 24,
                "does not exist");
    check_error("#pragma deleteinstance(\"no path\", NOFAIL)", HP_EINVAL, 1, 24, "malformed object path");
}

static void test_include_relative_to_including_file(void **state)
{
    struct repo *r = *state;
    int rc = mof_load_file(r, TEST_DATA_DIR "/include_main.mof");
    if (rc)
        fail_msg("%s", hp_error_message());
    const struct repo_class *leaf = repo_class(r, "Inc_Leaf");
    const struct repo_class *mid = repo_class(r, "Inc_Middle");
    const struct repo_class *main_ = repo_class(r, "Inc_Main");
    assert_non_null(leaf);
    assert_non_null(mid);
    assert_non_null(main_);
    assert_ptr_equal(main_->super, leaf);
    assert_string_equal(leaf->pos.file, TEST_DATA_DIR "/sub/leaf.mof");
    assert_string_equal(mid->pos.file, TEST_DATA_DIR "/sub/included.mof");
    assert_int_equal(mid->pos.line, 3);
    assert_string_equal(main_->pos.file, TEST_DATA_DIR "/include_main.mof");
    assert_int_equal(main_->pos.line, 3);
    /* The same from a buffer, with Windows separators: the name gives the directory. */
    struct repo *r2 = repo_new();
    const char *text = "#pragma include(\"sub\\\\leaf.mof\")\nclass X : Inc_Leaf { };";
    rc = mof_load_buffer(r2, TEST_DATA_DIR "/virtual.mof", text, strlen(text));
    if (rc)
        fail_msg("%s", hp_error_message());
    assert_non_null(repo_class(r2, "X"));
    repo_free(r2);
}

/* ---- Qualifiers ----------------------------------------------------------------- */

static void test_qualifier_declarations(void **state)
{
    struct repo *r = *state;
    load_ok(r, "Qualifier Description : string = \"\", Scope(Class, Property), Flavor(ToSubclass, Amended);\n"
               "qualifier Weight : uint32 = 1, scope(property);\n"
               "qualifier Hidden : boolean = false, scope(class), flavor(Restricted, DisableOverride);\n"
               "qualifier Tags : string[], scope(property);\n"
               "qualifier Plain;\n"
               "qualifier Two : ToInstance Amended, Restricted;\n"
               "[Description(\"d\"), Hidden, Two] class A { [key, Weight(5), Tags{\"t\"}] string K; };");
    const struct repo_class *a = repo_class(r, "A");
    const struct repo_qualifier *d = repo_class_qualifier(a, "Description");
    assert_int_equal(d->flavor, WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS | WBEM_FLAVOR_AMENDED);
    const struct repo_qualifier *h = repo_class_qualifier(a, "Hidden");
    assert_int_equal(h->flavor, WBEM_FLAVOR_NOT_OVERRIDABLE);
    assert_int_equal(h->value.v.i, 1);
    assert_int_equal(repo_class_qualifier(a, "Two")->flavor,
                     WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE | WBEM_FLAVOR_AMENDED);
    const struct repo_property *k = prop(a, "K");
    const struct repo_qualifier *w = repo_prop_qualifier(k, "weight");
    assert_int_equal(w->value.type, CIM_UINT32); /* the declared type, not sint32 */
    assert_int_equal(w->value.v.u, 5);
    assert_int_equal(repo_prop_qualifier(k, "Tags")->value.type, CIM_STRING | CIM_FLAG_ARRAY);
    /* A redeclaration replaces the first. */
    load_ok(r, "qualifier Weight : real64;\nclass B { [key, Weight(2)] string K; };");
    assert_int_equal(repo_prop_qualifier(prop(repo_class(r, "B"), "K"), "Weight")->value.type, CIM_REAL64);
}

static void test_qualifier_values_arrays_and_flavors(void **state)
{
    struct repo *r = *state;
    load_ok(r, "[dynamic, provider(\"X\"), hiperf(true), locale(0x409), Big(3000000000), Neg(-1)]\n"
               "class A {\n"
               "  [key, label] string K;\n"
               "  [Values{\"a\",\"b\"}, ValueMap{\"1\",\"2\"}, Mixed{1, 2.5}, Wide{1, 5000000000}, Empty{}] uint32 V;\n"
               "  [Description(\"x\"): Amended ToSubclass, Note(\"y\") : Restricted ToInstance DisableOverride] uint32 F;\n"
               "  [Paren({\"p\", \"q\"}), Ch('c'), R(2.5), B(FALSE)] uint32 P;\n"
               "};");
    const struct repo_class *a = repo_class(r, "A");
    assert_true(a->dynamic && a->hiperf);
    assert_string_equal(a->provider, "X");
    assert_int_equal(repo_class_qualifier(a, "Big")->value.type, CIM_SINT64);
    assert_true(repo_class_qualifier(a, "Big")->value.v.i == 3000000000LL);
    assert_int_equal(repo_class_qualifier(a, "Neg")->value.v.i, -1);
    const struct repo_property *k = prop(a, "K");
    assert_true(k->key);
    assert_int_equal(repo_prop_qualifier(k, "label")->value.type, CIM_BOOLEAN);
    assert_int_equal(repo_prop_qualifier(k, "label")->value.v.i, 1);
    const struct repo_property *v = prop(a, "V");
    assert_mof(&repo_prop_qualifier(v, "Values")->value, "{\"a\", \"b\"}");
    assert_mof(&repo_prop_qualifier(v, "ValueMap")->value, "{\"1\", \"2\"}");
    assert_int_equal(repo_prop_qualifier(v, "Mixed")->value.type, CIM_REAL64 | CIM_FLAG_ARRAY);
    assert_mof(&repo_prop_qualifier(v, "Mixed")->value, "{1.0, 2.5}");
    assert_int_equal(repo_prop_qualifier(v, "Wide")->value.type, CIM_SINT64 | CIM_FLAG_ARRAY);
    assert_int_equal(repo_prop_qualifier(v, "Empty")->value.type, CIM_STRING | CIM_FLAG_ARRAY);
    assert_int_equal(repo_prop_qualifier(v, "Empty")->value.v.a->n, 0);
    const struct repo_property *f = prop(a, "F");
    assert_int_equal(repo_prop_qualifier(f, "Description")->flavor,
                     WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS | WBEM_FLAVOR_AMENDED);
    assert_int_equal(repo_prop_qualifier(f, "Note")->flavor,
                     WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE | WBEM_FLAVOR_NOT_OVERRIDABLE);
    const struct repo_property *p = prop(a, "P");
    assert_mof(&repo_prop_qualifier(p, "Paren")->value, "{\"p\", \"q\"}");
    assert_int_equal(repo_prop_qualifier(p, "Ch")->value.type, CIM_CHAR16);
    assert_int_equal(repo_prop_qualifier(p, "R")->value.type, CIM_REAL64);
    assert_int_equal(repo_prop_qualifier(p, "B")->value.v.i, 0);
    assert_null(repo_prop_qualifier(p, "Nothing"));
}

static void test_hiperf_and_flag_qualifier_forms(void **state)
{
    struct repo *r = *state;
    load_ok(r, "[dynamic, provider(\"X\"), hiperf] class A { [key] string K; };\n"
               "[dynamic(true), provider(\"X\"), hiperf(false)] class B { [key] string K; };\n"
               "[dynamic(false), provider(\"X\"), HIPERF(TRUE)] class C { [key] string K; };\n"
               "[singleton] class D { uint32 V; };\n"
               "[abstract(false)] class E { [key] string K; };");
    assert_true(repo_class(r, "A")->hiperf);
    assert_true(repo_class(r, "B")->dynamic);
    assert_false(repo_class(r, "B")->hiperf);
    assert_false(repo_class(r, "C")->dynamic);
    assert_true(repo_class(r, "C")->hiperf);
    assert_null(repo_provider_for_class(r, repo_class(r, "C")));
    assert_true(repo_class(r, "D")->singleton);
    assert_false(repo_class(r, "E")->abstract);
}

static void test_inherited_class_qualifiers(void **state)
{
    struct repo *r = *state;
    load_ok(r, "qualifier Secret : boolean = false, flavor(Restricted);\n"
               "[abstract, Description(\"base\"), Secret, Local(1): Restricted, dynamic, provider(\"X\"), hiperf]\n"
               "class A { [key] string K; };\n"
               "class B : A { };\n"
               "[Description(\"mine\")] class C : B { };");
    const struct repo_class *a = repo_class(r, "A"), *b = repo_class(r, "B"), *c = repo_class(r, "C");
    assert_true(a->abstract);
    assert_false(b->abstract);
    assert_null(b->quals.v);                                     /* own qualifiers only */
    assert_ptr_equal(repo_class_qualifier(b, "Description"), repo_class_qualifier(a, "Description"));
    assert_null(repo_class_qualifier(b, "Secret"));              /* declared Restricted */
    assert_null(repo_class_qualifier(b, "Local"));               /* Restricted in the usage */
    assert_null(repo_class_qualifier(b, "abstract"));
    assert_non_null(repo_class_qualifier(a, "Secret"));
    assert_true(b->dynamic && b->hiperf);                        /* ToSubclass by default */
    assert_string_equal(b->provider, "X");
    assert_string_equal(repo_class_qualifier(c, "description")->value.v.s, "mine");
    assert_string_equal(repo_class_qualifier(b, "Description")->value.v.s, "base");
    assert_null(repo_class_qualifier(c, "nothing"));
}

static void test_inherited_property_qualifiers(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key, Description(\"id\"), Hide: Restricted] string K; [MaxLen(4)] string S; };\n"
               "class B : A { [MaxLen(8), Extra] string S; };");
    const struct repo_class *b = repo_class(r, "B");
    const struct repo_property *k = prop(b, "K");
    assert_true(k->key);
    const struct repo_qualifier *kk = repo_prop_qualifier(k, "key");
    assert_true(kk->flavor & WBEM_FLAVOR_ORIGIN_PROPAGATED);
    assert_true(kk->flavor & WBEM_FLAVOR_NOT_OVERRIDABLE); /* key is DisableOverride */
    assert_true(repo_prop_qualifier(k, "Description")->flavor & WBEM_FLAVOR_ORIGIN_PROPAGATED);
    assert_null(repo_prop_qualifier(k, "Hide"));
    assert_non_null(repo_prop_qualifier(prop(repo_class(r, "A"), "K"), "Hide"));
    const struct repo_property *s = prop(b, "S");
    assert_int_equal(repo_prop_index(b, "S"), 1);
    assert_ptr_equal(s->origin, repo_class(r, "A"));
    assert_int_equal(repo_prop_qualifier(s, "MaxLen")->value.v.i, 8);
    assert_false(repo_prop_qualifier(s, "MaxLen")->flavor & WBEM_FLAVOR_ORIGIN_PROPAGATED);
    assert_non_null(repo_prop_qualifier(s, "Extra"));
    assert_int_equal(repo_prop_qualifier(prop(repo_class(r, "A"), "S"), "MaxLen")->value.v.i, 4);
}

/* ---- Classes ----------------------------------------------------------------------- */

static void test_class_hierarchy_and_property_order(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; uint32 X = 1; uint32 Y; };\n"
               "class B : A { uint32 Z; uint32 X = 2; };\n"
               "class C : B { uint32 Y = 9; string W; };");
    const struct repo_class *a = repo_class(r, "A"), *b = repo_class(r, "B"), *c = repo_class(r, "C");
    const char *order[] = {"K", "X", "Y", "Z", "W"};
    assert_int_equal(c->nprops, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(c->props[i].name, order[i]);
    assert_int_equal(b->nprops, 4);
    assert_ptr_equal(prop(c, "X")->origin, a);
    assert_ptr_equal(prop(c, "Z")->origin, b);
    assert_ptr_equal(prop(c, "W")->origin, c);
    assert_int_equal(prop(a, "X")->value.v.u, 1);
    assert_int_equal(prop(b, "X")->value.v.u, 2);
    assert_int_equal(prop(c, "X")->value.v.u, 2); /* inherited default */
    assert_int_equal(prop(c, "Y")->value.v.u, 9);
    assert_true(prop(b, "Y")->value.null);
    assert_true(repo_class_is_a(c, "a"));
    assert_false(repo_class_is_a(a, "C"));
    assert_int_equal(repo_prop_index(c, "nothing"), -1);
    assert_int_equal(repo_prop_index(NULL, "K"), -1);
    assert_null(repo_class(r, "Nothing"));
    assert_null(repo_class(r, NULL));
}

static void test_features_fixture(void **state)
{
    struct repo *r = *state;
    int rc = mof_load_file(r, TEST_DATA_DIR "/features.mof");
    if (rc)
        fail_msg("%s", hp_error_message());
    const struct repo_class *t = repo_class(r, "Demo_Types");
    assert_non_null(t);
    assert_int_equal(prop(t, "S8")->value.v.i, -128);
    assert_int_equal(prop(t, "U8")->value.v.u, 255);
    assert_int_equal(prop(t, "S16")->value.v.i, -32768);
    assert_int_equal(prop(t, "U16")->value.v.u, 65535);
    assert_int_equal(prop(t, "S32")->value.v.i, INT32_MIN);
    assert_int_equal(prop(t, "U32")->value.v.u, 15);
    assert_true(prop(t, "S64")->value.v.i == INT64_MIN);
    assert_true(prop(t, "U64")->value.v.u == UINT64_MAX);
    assert_int_equal(prop(t, "R32")->type, CIM_REAL32);
    assert_true(prop(t, "R64")->value.v.r == 1000.0);
    assert_int_equal(prop(t, "B")->value.v.i, 1);
    assert_string_equal(prop(t, "Str")->value.v.s, "a\tb\\c\"d-joinedAB");
    assert_int_equal(prop(t, "When")->type, CIM_DATETIME);
    assert_string_equal(prop(t, "When")->value.v.s, "20240131123000.000000+060");
    assert_int_equal(prop(t, "C")->value.v.i, 'x');
    assert_int_equal(prop(t, "Embedded")->type, CIM_OBJECT);
    assert_true(prop(t, "Embedded")->value.null);
    assert_int_equal(prop(t, "Bits")->value.v.u, 5);
    assert_mof(&prop(t, "List")->value, "{1, 2, 3}");
    assert_int_equal(prop(t, "Names")->type, CIM_STRING | CIM_FLAG_ARRAY);
    assert_mof(&prop(t, "Names")->value, "{\"a\", \"b\"}");
    assert_int_equal(prop(t, "Empty")->value.v.a->n, 0);
    assert_false(prop(t, "Empty")->value.null);
    assert_int_equal(prop(t, "Link")->type, CIM_REFERENCE);
    assert_string_equal(prop(t, "Link")->ref_class, "Demo_Base");
    assert_int_equal(prop(t, "Inner")->type, CIM_OBJECT);
    assert_string_equal(prop(t, "Inner")->ref_class, "Demo_Base");
    assert_int_equal(repo_prop_index(t, "Reset"), -1); /* methods are not properties */
    assert_int_equal(repo_prop_index(t, "Stop"), -1);
    assert_int_equal(repo_prop_index(t, "Label"), 2);
    assert_string_equal(prop(t, "Label")->value.v.s, "single");
    /* Qualifiers of the base reach the subclass by their flavors. */
    const struct repo_class *base = repo_class(r, "Demo_Base");
    assert_true(base->abstract);
    assert_false(t->abstract);
    assert_null(repo_class_qualifier(t, "Secret"));
    assert_non_null(repo_class_qualifier(t, "Fixed"));
    assert_string_equal(repo_class_qualifier(t, "Description")->value.v.s, "Every type");
    assert_int_equal(repo_prop_qualifier(prop(t, "State"), "Weight")->value.type, CIM_UINT32);
    assert_true(repo_class(r, "Demo_Config")->singleton);
    /* Instances. */
    const struct repo_instance *cfg = instance_of(r, "Demo_Config", 0);
    assert_int_equal(ivalue(cfg, "Level")->v.u, 4);
    const struct repo_instance *i2 = instance_of(r, "Demo_Item", 0);
    assert_string_equal(i2->alias, "I2");
    assert_string_equal(ivalue(i2, "Parent")->v.s, "Demo_Item.Id=\"one\",Slot=1");
    assert_mof(ivalue(i2, "Peers"), "{\"Demo_Types.Id=\\\"only\\\"\", \"Demo_Item.Id=\\\"one\\\",Slot=1\"}");
    const struct repo_instance *s = instance_of(r, "Demo_Types", 0);
    assert_mof(ivalue(s, "List"), "{7, 8}");
    assert_false(iset(s, "S8"));
    assert_int_equal(ivalue(s, "S8")->v.i, -128);
    /* The provider, registered with a full path and an alias. */
    const struct repo_provider *pv = repo_provider(r, "DemoProv");
    assert_non_null(pv);
    const GUID want = {0x01234567, 0x89AB, 0xCDEF, {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF}};
    assert_true(IsEqualGUID(&pv->clsid, &want));
    assert_false(pv->has_client_clsid);
    assert_null(pv->hosting_model);
    assert_true(pv->instance_registration);
    assert_true(pv->supports_put && pv->supports_delete);
    assert_false(pv->supports_get || pv->supports_enumeration);
    assert_false(repo_provider_is_hiperf(r, pv)); /* no ClientLoadableCLSID, no hiperf class */
    const struct repo_class *dyn = repo_class(r, "Demo_Dynamic");
    assert_ptr_equal(repo_provider_for_class(r, dyn), pv);
    assert_int_equal(repo_provider_classes(r, pv, NULL, 0), 1);
}

static void test_arrays_variable_and_fixed(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; uint32 V[]; uint32 F[4] = {1, 2, 3, 4}; string S[] = NULL;"
               " boolean B[] = {TRUE, false}; real32 R[2] = {1, 2.5}; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_int_equal(prop(a, "V")->type, CIM_UINT32 | CIM_FLAG_ARRAY);
    assert_true(prop(a, "V")->value.null);
    assert_int_equal(prop(a, "F")->value.v.a->n, 4);
    assert_true(prop(a, "S")->value.null);
    assert_mof(&prop(a, "B")->value, "{TRUE, FALSE}");
    assert_mof(&prop(a, "R")->value, "{1.0, 2.5}");
    check_error("class A { [key] string K; uint32 F[2] = {1, 2, 3}; };", HP_EINVAL, 1, 41, "at most 2 items");
}

static void test_methods_are_read_and_dropped(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K;\n"
               "  [Implemented, static] uint32 Reset([in] uint32 x, [in, out] string y[], [out] A ref z,"
               " [in, Optional] sint32 w = 5);\n"
               "  void Stop();\n"
               "  string Again(uint32 a[4]);\n"
               "  uint32 After; };");
    const struct repo_class *a = repo_class(r, "A");
    assert_int_equal(a->nprops, 2);
    assert_int_equal(repo_prop_index(a, "After"), 1);
    check_error("class A { uint32 M(uint32 a b); };", HP_EPARSE, 1, 29, "',' or ')'");
}

/* ---- Instances ------------------------------------------------------------------------ */

static void test_instance_values_defaults_and_set_flags(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string K; uint32 D = 7; uint32 V; string L[]; };\n"
               "instance of A { K = \"k\"; V = 3; L = {\"x\"}; };\n"
               "instance of A { K = \"j\"; D = NULL; };");
    assert_int_equal(repo_instance_count(r), 2);
    const struct repo_instance *i0 = repo_instance_at(r, 0), *i1 = repo_instance_at(r, 1);
    assert_null(repo_instance_at(r, 2));
    assert_ptr_equal(i0->cls, repo_class(r, "A"));
    assert_true(iset(i0, "K") && iset(i0, "V") && iset(i0, "L"));
    assert_false(iset(i0, "D"));
    assert_int_equal(ivalue(i0, "D")->v.u, 7);
    assert_int_equal(ivalue(i0, "V")->v.u, 3);
    assert_mof(ivalue(i0, "L"), "{\"x\"}");
    assert_true(iset(i1, "D"));
    assert_true(ivalue(i1, "D")->null);
    assert_int_equal(i1->pos.line, 3);
    assert_int_equal(i1->pos.col, 1);
    assert_string_equal(i0->ns, "root\\default");
}

static void test_instance_alias_reference_is_object_path(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class K2 { [key] uint32 Zeta; [key] string alpha; [key] boolean Mid; };\n"
               "class Holder { [key] string Name; K2 ref Target; object ref Any; };\n"
               "instance of K2 as $T { Zeta = 5; alpha = \"a\\\"q\\\\\"; Mid = TRUE; };\n"
               "instance of Holder { Name = \"h\"; Target = $T; Any = $t; };");
    const struct repo_instance *h = instance_of(r, "Holder", 0);
    /* Keys in alphabetical order, strings quoted with \" and \\ escaped. */
    assert_string_equal(ivalue(h, "Target")->v.s, "K2.alpha=\"a\\\"q\\\\\",Mid=TRUE,Zeta=5");
    assert_string_equal(ivalue(h, "Any")->v.s, ivalue(h, "Target")->v.s);
}

static void test_instance_forward_alias_and_ref_arrays(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class N { [key] string Name; N ref Next; N ref All[]; object ref Other; };\n"
               "instance of N as $A { Name = \"a\"; Next = $B; All = {$A, $B}; };\n"
               "instance of N as $B { Name = \"b\"; Next = $A; };\n"
               "[singleton] class S { N ref First; };\n"
               "instance of S as $S { First = $A; };\n"
               "instance of N { Name = \"c\"; Other = $S; };");
    const struct repo_instance *a = instance_of(r, "N", 0);
    assert_string_equal(ivalue(a, "Next")->v.s, "N.Name=\"b\"");
    assert_mof(ivalue(a, "All"), "{\"N.Name=\\\"a\\\"\", \"N.Name=\\\"b\\\"\"}");
    assert_string_equal(ivalue(instance_of(r, "N", 1), "Next")->v.s, "N.Name=\"a\"");
    assert_string_equal(ivalue(instance_of(r, "S", 0), "First")->v.s, "N.Name=\"a\"");
    assert_string_equal(ivalue(instance_of(r, "N", 2), "Other")->v.s, "S=@");
    assert_null(prop(repo_class(r, "N"), "Other")->ref_class);
}

static void test_instance_keys_may_be_alias_references(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class Node { [key] string Name; };\n"
               "class Link { [key] Node ref From; [key] Node ref To; };\n"
               "instance of Link as $L { From = $X; To = $Y; };\n"
               "class Tag { [key] Link ref Of; };\n"
               "instance of Tag { Of = $L; };\n"
               "instance of Node as $X { Name = \"x\"; };\n"
               "instance of Node as $Y { Name = \"y\"; };\n"
               "class Alias_Class_Holder { [key] string K; string C; };\n");
    const struct repo_instance *tag = instance_of(r, "Tag", 0);
    assert_string_equal(ivalue(tag, "Of")->v.s, "Link.From=\"Node.Name=\\\"x\\\"\",To=\"Node.Name=\\\"y\\\"\"");
}

static void test_instance_with_qualifiers_and_case_insensitive_names(void **state)
{
    struct repo *r = *state;
    load_ok(r, "class A { [key] string Name; uint32 Value; };\n"
               "[Description(\"q\"), Locale(0x409)] INSTANCE OF a AS $x { [Note] NAME = \"n\"; vAlUe = 2; };\n"
               "Instance Of __win32provider { naME = \"P\"; clsid = \"{00000000-0000-0000-0000-000000000001}\"; };");
    const struct repo_instance *in = instance_of(r, "A", 0);
    assert_string_equal(in->alias, "x");
    assert_int_equal(ivalue(in, "Value")->v.u, 2);
    const struct repo_provider *pv = repo_provider(r, "p");
    assert_non_null(pv);
    assert_int_equal(pv->clsid.Data4[7], 1);
}

/* ---- Providers ----------------------------------------------------------------------------- */

static void test_provider_reference_forms(void **state)
{
    struct repo *r = *state;
    load_ok(r, "instance of __Win32Provider { Name = \"A\"; ClientLoadableCLSID = \"{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}\"; };\n"
               "instance of __Win32Provider { Name = \"B\"; };\n"
               "instance of __Win32Provider { Name = \"C\"; };\n"
               "instance of __InstanceProviderRegistration { Provider = \"__Win32Provider.Name=\\\"a\\\"\"; };\n"
               "instance of __InstanceProviderRegistration { Provider = \"root\\\\cimv2:__Win32Provider.Name=\\\"B\\\"\"; "
               "SupportsGet = TRUE; };\n"
               "instance of __MethodProviderRegistration { Provider = \"__Win32Provider=\\\"C\\\"\"; };\n"
               "[dynamic, provider(\"A\"), hiperf] class HA { [key] string K; };\n"
               "[dynamic, provider(\"a\")] class HB { [key] string K; };\n"
               "[provider(\"A\"), hiperf] class NotDynamic { [key] string K; };\n"
               "[dynamic, provider(\"B\"), hiperf] class HC { [key] string K; };");
    assert_int_equal(repo_provider_count(r), 3);
    const struct repo_provider *a = repo_provider(r, "A"), *b = repo_provider(r, "B"), *c = repo_provider(r, "C");
    assert_true(a->instance_registration);
    assert_true(a->supports_enumeration); /* the class default TRUE */
    assert_false(a->supports_get);
    assert_false(a->has_clsid);
    assert_true(a->has_client_clsid);
    assert_int_equal(a->client_clsid.Data1, 0xaaaaaaaa);
    assert_true(b->supports_get);
    assert_false(c->instance_registration);
    assert_true(repo_provider_is_hiperf(r, a));
    assert_false(repo_provider_is_hiperf(r, b)); /* no ClientLoadableCLSID */
    assert_false(repo_provider_is_hiperf(r, c));
    assert_false(repo_provider_is_hiperf(r, NULL));
    const struct repo_class *out[1];
    assert_int_equal(repo_provider_classes(r, a, out, 1), 2); /* counts all, fills one */
    assert_ptr_equal(out[0], repo_class(r, "HA"));
    assert_int_equal(repo_provider_classes(r, c, out, 1), 0);
    assert_null(repo_provider_for_class(r, repo_class(r, "NotDynamic")));
    assert_null(repo_provider_for_class(r, NULL));
    assert_null(repo_provider(r, "nobody"));
    assert_null(repo_provider_at(r, 3));
    /* Dynamic class naming a provider nobody registered: fine, no provider. */
    load_ok(r, "[dynamic, provider(\"Ghost\")] class G { [key] string K; };");
    assert_null(repo_provider_for_class(r, repo_class(r, "G")));
}

static void test_provider_across_loads(void **state)
{
    struct repo *r = *state;
    load_ok(r, "instance of __Win32Provider as $P { Name = \"Early\"; };");
    const struct repo_provider *pv = repo_provider(r, "Early");
    load_ok(r, "instance of __InstanceProviderRegistration { Provider = \"__Win32Provider.Name=\\\"Early\\\"\"; "
               "SupportsGet = TRUE; };");
    assert_ptr_equal(repo_provider(r, "Early"), pv);
    assert_true(pv->supports_get);
    /* Aliases do not outlive their load: $P can be defined again, and a
     * later load cannot use it. */
    load_ok(r, "instance of __Win32Provider as $P { Name = \"Second\"; };");
    const char *text = "instance of __InstanceProviderRegistration { Provider = $P; };";
    assert_int_equal(mof_load_buffer(r, "t.mof", text, strlen(text)), HP_EINVAL);
    assert_string_equal(hp_error_message(), "t.mof:1:57: alias '$P' is not defined");
}

/* ---- Encodings ---------------------------------------------------------------------------------- */

static const char enc_text[] = "// \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n"
                               "class Enc { [key] string K = \"Z\xC3\xA4hler \xF0\x9F\x98\x80\"; };\n";

static void test_utf8_with_bom(void **state)
{
    struct repo *r = *state;
    char buf[256];
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", enc_text);
    int rc = mof_load_buffer(r, "t.mof", buf, strlen(buf));
    assert_int_equal(rc, 0);
    assert_string_equal(prop(repo_class(r, "Enc"), "K")->value.v.s, "Z\xC3\xA4hler \xF0\x9F\x98\x80");
    assert_int_equal(repo_class(r, "Enc")->pos.col, 1);
    /* Columns count characters, not bytes, and the BOM is not one. */
    check_error("\xEF\xBB\xBF\xC3\xA9 ", HP_EPARSE, 1, 1, "expected 'class'");
    check_error("\xEF\xBB\xBF/* \xE2\x82\xAC\xE2\x82\xAC */ @", HP_EPARSE, 1, 10, "unexpected character '@'");
}

static void test_utf16le_with_bom(void **state)
{
    struct repo *r = *state;
    size_t len;
    char *u16 = to_utf16(enc_text, false, &len);
    int rc = mof_load_buffer(r, "t.mof", u16, len);
    free(u16);
    if (rc)
        fail_msg("%s", hp_error_message());
    assert_string_equal(prop(repo_class(r, "Enc"), "K")->value.v.s, "Z\xC3\xA4hler \xF0\x9F\x98\x80");
    assert_int_equal(repo_class(r, "Enc")->pos.line, 2);
    /* The same error at the same line:col in UTF-8 and in UTF-16. */
    const char *bad = "// \xE2\x82\xAC\xF0\x9F\x98\x80\nclass A { [key] string K = \"\xC3\xA4\"; uint32 X = \"s\"; };";
    check_error(bad, HP_EINVAL, 2, 44, "uint32");
    u16 = to_utf16(bad, false, &len);
    check_error_n(u16, len, HP_EINVAL, 2, 44, "uint32");
    free(u16);
    u16 = to_utf16(bad, true, &len); /* big-endian too */
    check_error_n(u16, len, HP_EINVAL, 2, 44, "uint32");
    free(u16);
    /* The full SDK fixture as UTF-16LE. */
    char *data;
    size_t n;
    assert_int_equal(hp_read_file(TEST_DATA_DIR "/sdk_style.mof", &data, &n), 0);
    u16 = to_utf16(data, false, &len);
    free(data);
    struct repo *r2 = repo_new();
    rc = mof_load_buffer(r2, "sdk16.mof", u16, len);
    free(u16);
    if (rc)
        fail_msg("%s", hp_error_message());
    assert_true(repo_provider_is_hiperf(r2, repo_provider(r2, "HiPerfCooker_v1")));
    repo_free(r2);
}

static void test_windows_1252_text(void **state)
{
    struct repo *r = *state;
    /* Not UTF-8: read as the ANSI code page mofcomp would use. */
    const char text[] = "class A { [key] string K = \"Z\xE4hler \x80\"; };";
    assert_int_equal(mof_load_buffer(r, "t.mof", text, strlen(text)), 0);
    assert_string_equal(prop(repo_class(r, "A"), "K")->value.v.s, "Z\xC3\xA4hler \xE2\x82\xAC");
}

/* ---- Errors: syntax ---------------------------------------------------------------------------- */

static void test_error_missing_semicolon(void **state)
{
    (void)state;
    check_error("class A { [key] string K }", HP_EPARSE, 1, 26, "expected ';' but found '}'");
    check_error("class A\n{\n  [key] string K;\n  uint32 V\n};", HP_EPARSE, 5, 1, "expected ';'");
    check_error("class A { [key] string K; }\nclass B { };", HP_EPARSE, 2, 1, "expected ';' but found 'class'");
}

static void test_error_unexpected_end_of_file(void **state)
{
    (void)state;
    check_error("class A { [key] string K;\n", HP_EPARSE, 2, 1, "'}' to end the class but found end of file");
    check_error("instance of", HP_EPARSE, 1, 12, "a class name");
    check_error("[key", HP_EPARSE, 1, 5, "',' or ']'");
}

static void test_error_lexical(void **state)
{
    (void)state;
    check_error("class A { string S = \"abc\n\"; };", HP_EPARSE, 1, 22, "unterminated string");
    check_error("class A { char16 C = 'ab'; };", HP_EPARSE, 1, 22, "unterminated character");
    check_error("class A { char16 C = ''; };", HP_EPARSE, 1, 22, "empty character");
    check_error("class A { };\n  /* never closed", HP_EPARSE, 2, 3, "unterminated comment");
    check_error("class A { @ };", HP_EPARSE, 1, 11, "unexpected character '@'");
    check_error("class A { string S = \"a\\qb\"; };", HP_EPARSE, 1, 24, "unknown escape");
    check_error("class A { string S = \"\\x\"; };", HP_EPARSE, 1, 23, "hexadecimal");
    check_error("class A { string S = \"a\\x0000\"; };", HP_EPARSE, 1, 24, "U+0000");
    check_error("class A { string S = \"\\xD800\"; };", HP_EPARSE, 1, 23, "surrogate");
    check_error("class A { uint32 O = 0183; };", HP_EPARSE, 1, 24, "invalid digit '8' in octal");
    check_error("class A { uint32 N = 12abc; };", HP_EPARSE, 1, 24, "after a number");
    check_error("class A { uint32 N = 0x; };", HP_EPARSE, 1, 22, "hexadecimal digits");
    check_error("class A { uint32 N = 102b; };", HP_EPARSE, 1, 22, "binary");
    check_error("class A { [key] string K; };\ninstance of A as $ { };", HP_EPARSE, 2, 18, "alias name");
    check_error("class A { };\n\x01", HP_EPARSE, 2, 1, "U+0001");
    const char nul[] = "class A { }; \0";
    check_error_n(nul, sizeof nul - 1, HP_EPARSE, 1, 14, "U+0000");
}

static void test_error_unknown_pragma(void **state)
{
    (void)state;
    check_error("#pragma autorecover\n#pragma frobnicate(\"x\")", HP_EPARSE, 2, 9, "unknown pragma 'frobnicate'");
    check_error("# include(\"x\")", HP_EPARSE, 1, 1, "'#' must start '#pragma'");
    check_error("#pragma namespace", HP_EPARSE, 1, 9, "needs a string");
    check_error("#pragma namespace(5)", HP_EPARSE, 1, 9, "needs a string");
    check_error("#pragma autorecover(\"x\")", HP_EPARSE, 1, 21, "takes no arguments");
    check_error("#pragma namespace(\"a\" ; )", HP_EPARSE, 1, 23, "',' or ')'");
    check_error("#pragma namespace(\"\")", HP_EINVAL, 1, 19, "empty namespace");
}

static void test_error_qualifier_syntax(void **state)
{
    (void)state;
    check_error("[key : Sometimes] class A { };", HP_EPARSE, 1, 8, "a flavor");
    check_error("qualifier Q : string, Flavor(Loud);", HP_EPARSE, 1, 30, "unknown flavor 'Loud'");
    check_error("qualifier Q : string, Colour(Red);", HP_EPARSE, 1, 23, "Scope(...) or Flavor(...)");
    check_error("[key] qualifier Q;", HP_EPARSE, 1, 7, "'class' or 'instance'");
    check_error("class A { [key] string K; } ;\nfoo", HP_EPARSE, 2, 1, "'class', 'instance', 'qualifier'");
}

/* ---- Errors: meaning ----------------------------------------------------------------------------- */

static void test_error_property_not_in_class(void **state)
{
    struct repo *r = repo_new();
    const char *text = "class Bar { [key] string Name; };\ninstance of Bar { Name = \"x\"; Foo = 1; };";
    assert_int_equal(mof_load_buffer(r, "t.mof", text, strlen(text)), HP_EINVAL);
    assert_string_equal(hp_error_message(), "t.mof:2:31: property 'Foo' is not in class 'Bar'");
    repo_free(r);
    (void)state;
}

static void test_error_wrong_value_type(void **state)
{
    (void)state;
    check_error("class A { [key] string K; };\ninstance of A { K = 5; };", HP_EINVAL, 2, 21,
                "property 'K' is of type string and cannot take an integer value");
    check_error("class A { [key] string K; uint32 N; };\ninstance of A { K = \"k\"; N = \"5\"; };", HP_EINVAL, 2,
                30, "property 'N' is of type uint32 and cannot take a string value");
    check_error("class A { boolean B = 1; };", HP_EINVAL, 1, 23, "cannot take an integer value");
    check_error("class A { uint32 U = 1.5; };", HP_EINVAL, 1, 22, "cannot take a real value");
    check_error("class A { char16 C = \"c\"; };", HP_EINVAL, 1, 22, "cannot take a string value");
    check_error("class A { object O = \"x\"; };", HP_EINVAL, 1, 22, "cannot take a string value");
    check_error("class A { string S = TRUE; };", HP_EINVAL, 1, 22, "cannot take a boolean value");
    check_error("class A { uint32 V[] = 1; };", HP_EINVAL, 1, 24, "is an array");
    check_error("class A { uint32 V = {1}; };", HP_EINVAL, 1, 22, "cannot take an array value");
    check_error("class A { uint32 V[] = {1, \"x\"}; };", HP_EINVAL, 1, 28, "cannot take a string value");
    check_error("class A { uint32 V[] = {1, NULL}; };", HP_EINVAL, 1, 28, "cannot be NULL");
    check_error("class A { datetime D = \"yesterday\"; };", HP_EINVAL, 1, 24, "is not a datetime");
    check_error("class A { [key] string K; };\ninstance of A { K = $Nope; };", HP_EINVAL, 2, 21,
                "an alias ($Nope) can only be the value of a reference");
    check_error("class A { [key] string K; A ref R = $X; };", HP_EINVAL, 1, 37, "default value");
    check_error("class A { [key] string K; uint32 N = 1; };\ninstance of A { K = \"a\"; N = instance of A { }; };",
                HP_EINVAL, 2, 30, "embedded instance values are not supported");
}

static void test_error_integer_out_of_range(void **state)
{
    (void)state;
    check_error("class A { sint8 V = 128; };", HP_EINVAL, 1, 21, "integer 128 is out of range for sint8");
    check_error("class A { sint8 V = -129; };", HP_EINVAL, 1, 21, "-129 is out of range for sint8");
    check_error("class A { uint8 V = 256; };", HP_EINVAL, 1, 21, "out of range for uint8");
    check_error("class A { uint32 V = -1; };", HP_EINVAL, 1, 22, "integer -1 is out of range for uint32");
    check_error("class A { uint16 V = 0x10000; };", HP_EINVAL, 1, 22, "out of range for uint16");
    check_error("class A { sint32 V = 2147483648; };", HP_EINVAL, 1, 22, "out of range for sint32");
    check_error("class A { sint64 V = 9223372036854775808; };", HP_EINVAL, 1, 22, "out of range for sint64");
    check_error("class A { uint64 V = 18446744073709551616; };", HP_EINVAL, 1, 22, "out of range for uint64");
    check_error("class A { uint64 V = -0x1; };", HP_EINVAL, 1, 22, "out of range");
    check_error("class A { real32 V = 1e39; };", HP_EINVAL, 1, 22, "out of range for real32");
    check_error("class A { real64 V = 1e999; };", HP_EINVAL, 1, 22, "out of range for real64");
    check_error("class A { char16 V = 70000; };", HP_EINVAL, 1, 22, "out of range for char16");
    check_error("class A { [key] string K; uint8 V[] = {1, 300}; };", HP_EINVAL, 1, 43, "300 is out of range");
    check_error("[Q(99999999999999999999)] class A { };", HP_EINVAL, 1, 4, "out of range");
}

static void test_error_unknown_superclass(void **state)
{
    (void)state;
    check_error("class Foo : Win32_PerfRawDataX\n{\n};", HP_EINVAL, 1, 13, "unknown superclass 'Win32_PerfRawDataX'");
    check_error("class Foo : Foo { };", HP_EINVAL, 1, 13, "cannot derive from itself");
}

static void test_error_duplicate_class_and_property(void **state)
{
    (void)state;
    check_error("class A { [key] string K; };\n\nclass a { };", HP_EINVAL, 3, 7, "class 'A' is already defined");
    check_error("class A {\n  [key] string K;\n  uint32 X;\n  string x;\n};", HP_EINVAL, 4, 10,
                "property 'x' is declared twice in class 'A'");
    check_error("class A { [key] string K; };\nclass B : A { uint32 k; };", HP_EINVAL, 2, 15,
                "property 'k' overrides the string property of class 'A' with type uint32");
    check_error("class A { [key] string K; uint32 V[]; };\nclass B : A { uint32 V; };", HP_EINVAL, 2, 15,
                "overrides the uint32[] property");
}

static void test_error_instance_of_unknown_or_abstract_class(void **state)
{
    (void)state;
    check_error("instance of Nobody\n{\n};", HP_EINVAL, 1, 13, "class 'Nobody' is not defined");
    check_error("instance of Win32_PerfRawData { };", HP_EINVAL, 1, 13, "is abstract");
    check_error("instance of __Provider { Name = \"x\"; };", HP_EINVAL, 1, 13, "is abstract");
    check_error("class A { uint32 V; };\ninstance of A { V = 1; };", HP_EINVAL, 2, 13, "has no key property");
}

static void test_error_keys_and_duplicates(void **state)
{
    (void)state;
    check_error("class A { [key] string K; uint32 V; };\n  instance of A { V = 1; };", HP_EINVAL, 2, 3,
                "instance of 'A' leaves its key property 'K' NULL");
    check_error("class A { [key] string K; };\ninstance of A { K = \"x\"; };\ninstance of A { K = \"X\"; };",
                HP_EINVAL, 3, 1, "instance A.K=\"X\" is already defined at t.mof:2:1");
    check_error("class A { [key] string K; };\ninstance of A { K = \"x\"; k = \"y\"; };", HP_EINVAL, 2, 26,
                "property 'K' is set twice");
    check_error("[singleton] class S { uint32 V; };\ninstance of S { };\ninstance of S { V = 1; };", HP_EINVAL, 3,
                1, "instance S=@ is already defined");
}

static void test_error_aliases(void **state)
{
    (void)state;
    check_error("class A { [key] string K; A ref R; };\ninstance of A as $X { K = \"1\"; };\n"
                "instance of A as $x { K = \"2\"; };", HP_EINVAL, 3, 18, "alias '$x' is already defined");
    check_error("class A { [key] string K; A ref R; };\ninstance of A { K = \"1\"; R = $Missing; };", HP_EINVAL, 2,
                30, "alias '$Missing' is not defined");
    check_error("class A { [key] string K; A ref R; };\nclass B { [key] string K; };\n"
                "instance of B as $B { K = \"b\"; };\ninstance of A { K = \"1\"; R = $B; };", HP_EINVAL, 4, 30,
                "alias '$B' is an instance of 'B'; property 'R' needs a reference to 'A'");
    check_error("class A { [key] A ref R; };\ninstance of A as $X { R = $Y; };\ninstance of A as $Y { R = $X; };",
                HP_EINVAL, 2, 27, "cycle");
    check_error("instance of __Namespace as $N { Name = \"n\"; };\n"
                "instance of __InstanceProviderRegistration { Provider = $N; };", HP_EINVAL, 2, 57,
                "needs a reference to '__Provider'");
}

static void test_error_unknown_type(void **state)
{
    (void)state;
    check_error("class A { [key] string K; uint33 V; };", HP_EINVAL, 1, 27, "unknown type 'uint33'");
    check_error("class A { [key] string K; uint32 ref V; };", HP_EINVAL, 1, 27, "class name, not 'uint32'");
    check_error("class A { [key] string K; void V; };", HP_EINVAL, 1, 27, "only a method can be void");
}

static void test_error_qualifier_semantics(void **state)
{
    (void)state;
    check_error("[Description(\"a\"), description(\"b\")] class A { };", HP_EINVAL, 1, 20,
                "qualifier 'description' appears twice");
    check_error("qualifier Desc : string;\nclass A { [key, Desc] string K; };", HP_EINVAL, 2, 17,
                "declared as string and needs a value");
    check_error("qualifier W : uint8;\n[W(300)] class A { };", HP_EINVAL, 2, 4, "out of range for uint8");
    check_error("qualifier W : uint8 = \"x\";", HP_EINVAL, 1, 23, "qualifier 'W' is of type uint8");
    check_error("[dynamic(\"yes\")] class A { };", HP_EINVAL, 1, 2, "qualifier 'dynamic' must be boolean");
    check_error("class A { [key(1)] string K; };", HP_EINVAL, 1, 16, "qualifier 'key' is of type boolean");
    check_error("[provider(5)] class A { };", HP_EINVAL, 1, 2, "'provider' must be a string");
    check_error("[V{1, \"a\"}] class A { };", HP_EINVAL, 1, 7, "array items must all have one type");
    check_error("[V($X)] class A { };", HP_EINVAL, 1, 4, "cannot be a qualifier value");
    check_error("qualifier Fixed : boolean = false, flavor(DisableOverride);\n"
                "[Fixed(true)] class A { [key] string K; };\n[Fixed(false)] class B : A { };", HP_EINVAL, 3, 2,
                "qualifier 'Fixed' is DisableOverride in class 'A'");
    check_error("class A { [key] string K; };\nclass B : A { [key(false)] string K; };", HP_EINVAL, 2, 16,
                "'key' is DisableOverride");
}

static void test_error_reserved_names(void **state)
{
    (void)state;
    check_error("class __Mine { };", HP_EINVAL, 1, 7, "reserved for system classes");
    check_error("class A { [key] string __K; };", HP_EINVAL, 1, 24, "reserved for system properties");
    check_error("class __Win32Provider { };", HP_EINVAL, 1, 7, "built into the repository");
}

static void test_error_provider_registration(void **state)
{
    (void)state;
    check_error("instance of __Win32Provider\n{\n  Name = \"P\";\n  CLSID = \"{B0A2AB46-F612-4469-BEC4-7AB038BC476}\";\n};",
                HP_EINVAL, 4, 11, "CLSID \"{B0A2AB46-F612-4469-BEC4-7AB038BC476}\" is not a GUID");
    check_error("instance of __Win32Provider { Name = \"P\";\n ClientLoadableCLSID = \"B0A2AB46-F612-4469-BEC4-7AB038BC476C\"; };",
                HP_EINVAL, 2, 24, "ClientLoadableCLSID");
    check_error("instance of __Win32Provider { Name = \"P\"; CLSID = \"{G0A2AB46-F612-4469-BEC4-7AB038BC476C}\"; };",
                HP_EINVAL, 1, 51, "not a GUID");
    check_error("instance of __Win32Provider as $P { Name = \"P\"; };\n"
                "instance of __InstanceProviderRegistration\n{\n    Provider = \"__Win32Provider.Name=\\\"Q\\\"\";\n};",
                HP_EINVAL, 4, 16, "provider 'Q' is not registered");
    check_error("instance of __InstanceProviderRegistration { Provider = \"Win32_Perf.Name=\\\"Q\\\"\"; };", HP_EINVAL,
                1, 57, "does not refer to a provider");
    check_error("instance of __InstanceProviderRegistration { Provider = \"not a path\"; };", HP_EINVAL, 1, 57,
                "malformed object path");
    check_error("instance of __MethodProviderRegistration { Provider = \"__Win32Provider.Name=\\\"Q\\\"\"; };",
                HP_EINVAL, 1, 55, "provider 'Q' is not registered");
    check_error("instance of __InstanceProviderRegistration { SupportsGet = TRUE; };", HP_EINVAL, 1, 1,
                "key property 'provider' NULL");
}

static void test_error_fixed_array_too_long(void **state)
{
    (void)state;
    check_error("class A { [key] string K; string S[1] = {\"a\", \"b\"}; };", HP_EINVAL, 1, 41, "at most 1 items");
    check_error("class A { [key] string K; string S[-1]; };", HP_EINVAL, 1, 36, "invalid array size");
}

static void test_error_includes(void **state)
{
    (void)state;
    struct repo *r = repo_new();
    int rc = mof_load_file(r, TEST_DATA_DIR "/cycle_a.mof");
    assert_int_equal(rc, HP_EINVAL);
    const char *want = TEST_DATA_DIR "/cycle_b.mof:2:17: include cycle";
    if (strncmp(hp_error_message(), want, strlen(want)) != 0)
        fail_msg("got %s", hp_error_message());
    repo_free(r);

    r = repo_new();
    const char *text = "class A { [key] string K; };\n  #pragma include(\"no/such/file.mof\")";
    rc = mof_load_buffer(r, TEST_DATA_DIR "/t.mof", text, strlen(text));
    assert_int_equal(rc, HP_EIO);
    want = TEST_DATA_DIR "/t.mof:2:19: cannot open include file '" TEST_DATA_DIR "/no/such/file.mof'";
    if (strncmp(hp_error_message(), want, strlen(want)) != 0)
        fail_msg("got %s", hp_error_message());
    repo_free(r);

    /* An error inside an included file is reported in that file. */
    r = repo_new();
    text = "#pragma include(\"sub/leaf.mof\")\n#pragma include(\"sub/leaf.mof\")";
    rc = mof_load_buffer(r, TEST_DATA_DIR "/t.mof", text, strlen(text));
    assert_int_equal(rc, HP_EINVAL);
    want = TEST_DATA_DIR "/sub/leaf.mof:1:7: class 'Inc_Leaf' is already defined at " TEST_DATA_DIR "/sub/leaf.mof:1:1";
    if (strncmp(hp_error_message(), want, strlen(want)) != 0)
        fail_msg("got %s", hp_error_message());
    repo_free(r);

    r = repo_new();
    rc = mof_load_file(r, TEST_DATA_DIR "/does_not_exist.mof");
    assert_int_equal(rc, HP_EIO);
    want = TEST_DATA_DIR "/does_not_exist.mof:1:1: cannot read";
    if (strncmp(hp_error_message(), want, strlen(want)) != 0)
        fail_msg("got %s", hp_error_message());
    repo_free(r);
}

static void test_error_encodings(void **state)
{
    (void)state;
    /* UTF-16LE: odd byte count, and lone surrogates, at their character. */
    const char odd[] = "\xFF\xFE" "c\0l\0\n\0x";
    check_error_n(odd, sizeof odd - 1, HP_EPARSE, 2, 1, "odd number of bytes");
    const char lone_low[] = "\xFF\xFE" "a\0b\0\x00\xDC";
    check_error_n(lone_low, sizeof lone_low - 1, HP_EPARSE, 1, 3, "low surrogate");
    const char lone_high[] = "\xFF\xFE" "\n\0 \0\x00\xD8" "a\0";
    check_error_n(lone_high, sizeof lone_high - 1, HP_EPARSE, 2, 2, "high surrogate");
    check_error("\xEF\xBB\xBF" "class \xFF", HP_EPARSE, 1, 1, "not valid UTF-8");
    const char empty16[] = "\xFF\xFE";
    struct repo *r = repo_new();
    assert_int_equal(mof_load_buffer(r, "t.mof", empty16, 2), 0); /* empty but valid */
    assert_int_equal(mof_load_buffer(r, "t.mof", "", 0), 0);
    assert_int_equal(mof_load_buffer(r, "t.mof", NULL, 0), 0);
    repo_free(r);
}

static void test_error_messages_have_position_for_every_code(void **state)
{
    (void)state;
    /* What the fuzz test relies on, shown once here by hand. */
    struct repo *r = repo_new();
    const char *text = "class A { [key] string K; };\ninstance of A { K = \"a\"; };\ninstance of A { K = \"b\"; };";
    assert_int_equal(mof_load_buffer(r, NULL, text, strlen(text)), 0);
    assert_int_equal(repo_instance_at(r, 0)->pos.line, 2);
    assert_string_equal(repo_instance_at(r, 0)->pos.file, "<buffer>");
    assert_int_equal(mof_load_buffer(r, NULL, "class", 5), HP_EPARSE);
    assert_string_equal(hp_error_message(), "<buffer>:1:6: expected a class name but found end of file");
    repo_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cim_type_names_round_trip),
        cmocka_unit_test(test_cim_type_widths_and_kinds),
        cmocka_unit_test(test_cim_value_to_mof),
        cmocka_unit_test_setup_teardown(test_cim_copy_equal_clear, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_system_classes_are_preloaded, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_perf_base_classes_are_preloaded, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_sdk_style_registration, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_comments_line_and_block, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_strings_escapes_and_joining, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_char16_literals, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_integer_forms, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_integer_limits_are_accepted, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_reals_booleans_and_null, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_pragmas_in_any_case, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_pragma_namespace_forms, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_pragmas_without_effect, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_pragma_classflags_update_replaces_a_class, setup_repo, teardown_repo),
        cmocka_unit_test(test_pragma_classflags_errors),
        cmocka_unit_test_setup_teardown(test_pragma_deleteclass, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_pragma_deleteinstance, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_include_relative_to_including_file, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_qualifier_declarations, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_qualifier_values_arrays_and_flavors, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_hiperf_and_flag_qualifier_forms, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_inherited_class_qualifiers, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_inherited_property_qualifiers, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_class_hierarchy_and_property_order, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_features_fixture, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_arrays_variable_and_fixed, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_methods_are_read_and_dropped, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_instance_values_defaults_and_set_flags, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_instance_alias_reference_is_object_path, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_instance_forward_alias_and_ref_arrays, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_instance_keys_may_be_alias_references, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_instance_with_qualifiers_and_case_insensitive_names, setup_repo,
                                        teardown_repo),
        cmocka_unit_test_setup_teardown(test_provider_reference_forms, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_provider_across_loads, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_utf8_with_bom, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_utf16le_with_bom, setup_repo, teardown_repo),
        cmocka_unit_test_setup_teardown(test_windows_1252_text, setup_repo, teardown_repo),
        cmocka_unit_test(test_error_missing_semicolon),
        cmocka_unit_test(test_error_unexpected_end_of_file),
        cmocka_unit_test(test_error_lexical),
        cmocka_unit_test(test_error_unknown_pragma),
        cmocka_unit_test(test_error_qualifier_syntax),
        cmocka_unit_test(test_error_property_not_in_class),
        cmocka_unit_test(test_error_wrong_value_type),
        cmocka_unit_test(test_error_integer_out_of_range),
        cmocka_unit_test(test_error_unknown_superclass),
        cmocka_unit_test(test_error_duplicate_class_and_property),
        cmocka_unit_test(test_error_instance_of_unknown_or_abstract_class),
        cmocka_unit_test(test_error_keys_and_duplicates),
        cmocka_unit_test(test_error_aliases),
        cmocka_unit_test(test_error_unknown_type),
        cmocka_unit_test(test_error_qualifier_semantics),
        cmocka_unit_test(test_error_reserved_names),
        cmocka_unit_test(test_error_provider_registration),
        cmocka_unit_test(test_error_fixed_array_too_long),
        cmocka_unit_test(test_error_includes),
        cmocka_unit_test(test_error_encodings),
        cmocka_unit_test(test_error_messages_have_position_for_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
