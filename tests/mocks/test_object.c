/*
 * tests/mocks/test_object.c - the host's class objects and instances,
 * exercised through their vtables the way a provider uses them: the
 * VARIANT mapping of every CIM type in both directions (NULLs, arrays,
 * embedded objects, coercions, mismatches), property handles (the same in
 * every instance and subclass) and the handle methods with every size
 * rule, strings in non-ASCII UTF-16, GetNames filters, enumeration, Clone,
 * SpawnInstance, CompareTo, InheritsFrom, GetObjectText (read back by the
 * MOF reader), system properties, qualifier sets, QueryInterface, Lock,
 * the ledger's findings (over-release, leak, use after release), fault
 * injection, the [out] pointers NULL when a fault or death fails a call,
 * and the host-side API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "object.h"
#include "objpath.h"
#include "repo.h"

static const char test_mof[] =
    "#pragma namespace(\"\\\\\\\\.\\\\root\\\\test\")\n"
    "[abstract, Description(\"base\"): ToSubclass ToInstance]\n"
    "class Test_Base\n"
    "{\n"
    "    [key] string Name;\n"
    "    [key] uint32 id;\n"
    "    uint32 BaseCount = 7;\n"
    "};\n"
    "[dynamic, provider(\"TestProv\"), hiperf]\n"
    "class Test_All : Test_Base\n"
    "{\n"
    "    sint8 S8; uint8 U8 = 200; sint16 S16; uint16 U16; sint32 S32; uint32 U32;\n"
    "    sint64 S64; uint64 U64; real32 R32; real64 R64; boolean B = TRUE;\n"
    "    [MyQual(\"x\")] string Str = \"def\"; datetime Dt; Test_Base ref Ref; char16 C16;\n"
    "    uint32 Arr[]; string SArr[]; sint64 I64Arr[]; boolean BArr[];\n"
    "    Test_Base Obj; object ObjArr[];\n"
    "};\n"
    "[singleton] class Test_Single { uint32 V = 1; };\n"
    "class Test_NoKey { uint32 V; };\n"
    "class Test_Small { [key] string Name; uint32 Count; };\n"
    "class Test_Threads { [key] string Name; uint32 Count; sint64 Big; };\n";

#define ALL_PROPS 24

/* What an uninitialised [out] pointer holds. */
#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

struct fx {
    struct repo *repo;
    struct host *host;
    const struct repo_class *all, *base, *small, *single, *nokey, *threads;
    IWbemClassObject *cls;        /* Test_All's class object, held by the HOST */
    IWbemClassObject *small_cls;
    bool provider_may_hold;       /* the test leaves provider references on purpose */
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    if (!x || !(x->repo = repo_new()))
        return -1;
    if (mof_load_buffer(x->repo, "test_object.mof", test_mof, sizeof test_mof - 1) != 0) {
        print_error("%s\n", hp_error_message());
        return -1;
    }
    if (host_new(&x->host, x->repo, NULL) != 0)
        return -1;
    x->all = repo_class(x->repo, "Test_All");
    x->base = repo_class(x->repo, "Test_Base");
    x->small = repo_class(x->repo, "Test_Small");
    x->single = repo_class(x->repo, "Test_Single");
    x->nokey = repo_class(x->repo, "Test_NoKey");
    x->threads = repo_class(x->repo, "Test_Threads");
    if (!x->all || !x->base || !x->small || !x->single || !x->nokey || !x->threads)
        return -1;
    struct hobject *c = hobject_new_class(x->host, x->all, HP_ACTOR_HOST);
    struct hobject *s = hobject_new_class(x->host, x->small, HP_ACTOR_HOST);
    if (!c || !s)
        return -1;
    x->cls = hobject_iface(c);
    x->small_cls = hobject_iface(s);
    /* From here on the test plays the provider. */
    hp_actor_set(HP_ACTOR_PROVIDER);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    hp_actor_set(HP_ACTOR_HOST);
    long held = ledger_held(&x->host->ledger, HP_ACTOR_PROVIDER);
    host_free(x->host);
    repo_free(x->repo);
    bool ok = x->provider_may_hold || held == 0;
    free(x);
    if (!ok)
        fail_msg("the test left %ld provider references behind", held);
    return 0;
}

/* ---- Helpers ------------------------------------------------------------- */

static IWbemObjectAccess *oa(IWbemClassObject *o)
{
    return (IWbemObjectAccess *)(void *)o;
}

static IWbemClassObject *spawn(struct fx *x)
{
    IWbemClassObject *o = NULL;
    assert_int_equal(IWbemClassObject_SpawnInstance(x->cls, 0, &o), S_OK);
    assert_non_null(o);
    return o;
}

static IWbemClassObject *spawn_small(struct fx *x, const char *name, LONG count);

static BSTR bstr8(const char *utf8)
{
    char16_t *w = hp_utf8_to_utf16(utf8, (size_t)-1, NULL);
    assert_non_null(w);
    BSTR b = SysAllocString(w);
    free(w);
    assert_non_null(b);
    return b;
}

static char *utf8_of(const WCHAR *s, size_t n)
{
    char *u = hp_utf16_to_utf8(s ? s : u"", s ? n : 0, NULL);
    assert_non_null(u);
    return u;
}

static void assert_bstr(BSTR b, const char *utf8)
{
    char *u = utf8_of(b, SysStringLen(b));
    if (strcmp(u, utf8) != 0)
        fail_msg("BSTR \"%s\", want \"%s\"", u, utf8);
    free(u);
}

static VARIANT v_i2(SHORT x) { VARIANT v; VariantInit(&v); v.vt = VT_I2; v.iVal = x; return v; }
static VARIANT v_i4(LONG x) { VARIANT v; VariantInit(&v); v.vt = VT_I4; v.lVal = x; return v; }
static VARIANT v_ui1(BYTE x) { VARIANT v; VariantInit(&v); v.vt = VT_UI1; v.bVal = x; return v; }
static VARIANT v_ui4(ULONG x) { VARIANT v; VariantInit(&v); v.vt = VT_UI4; v.ulVal = x; return v; }
static VARIANT v_i8(LONGLONG x) { VARIANT v; VariantInit(&v); v.vt = VT_I8; v.llVal = x; return v; }
static VARIANT v_ui8(ULONGLONG x) { VARIANT v; VariantInit(&v); v.vt = VT_UI8; v.ullVal = x; return v; }
static VARIANT v_r4(FLOAT x) { VARIANT v; VariantInit(&v); v.vt = VT_R4; v.fltVal = x; return v; }
static VARIANT v_r8(DOUBLE x) { VARIANT v; VariantInit(&v); v.vt = VT_R8; v.dblVal = x; return v; }
static VARIANT v_bool(bool x) { VARIANT v; VariantInit(&v); v.vt = VT_BOOL; v.boolVal = x ? VARIANT_TRUE : VARIANT_FALSE; return v; }
static VARIANT v_bstr(const char *s) { VARIANT v; VariantInit(&v); v.vt = VT_BSTR; v.bstrVal = bstr8(s); return v; }

/* Put, then clear what the test allocated for it. */
static HRESULT put(IWbemClassObject *o, LPCWSTR name, VARIANT v)
{
    HRESULT hr = IWbemClassObject_Put(o, name, 0, &v, 0);
    VariantClear(&v);
    return hr;
}

/* Get into *v (the caller clears it); asserts success and the CIM type. */
static void get(IWbemClassObject *o, LPCWSTR name, VARIANT *v, CIMTYPE want_type)
{
    CIMTYPE t = -1;
    VariantInit(v);
    HRESULT hr = IWbemClassObject_Get(o, name, 0, v, &t, NULL);
    if (hr != S_OK)
        fail_msg("Get failed: 0x%08x", (unsigned)hr);
    assert_int_equal(t, want_type);
}

static void get_bstr_is(IWbemClassObject *o, LPCWSTR name, const char *want)
{
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, name, 0, &v, NULL, NULL), S_OK);
    assert_int_equal(v.vt, VT_BSTR);
    assert_bstr(v.bstrVal, want);
    VariantClear(&v);
}

static void get_is_null(IWbemClassObject *o, LPCWSTR name)
{
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, name, 0, &v, NULL, NULL), S_OK);
    assert_int_equal(v.vt, VT_NULL);
}

static LONG get_i4(IWbemClassObject *o, LPCWSTR name)
{
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, name, 0, &v, NULL, NULL), S_OK);
    assert_int_equal(v.vt, VT_I4);
    return v.lVal;
}

static LONG handle(IWbemClassObject *o, LPCWSTR name)
{
    LONG h = 0;
    CIMTYPE t;
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(o), name, &t, &h), S_OK);
    assert_int_not_equal(h, 0);
    return h;
}

/* The names GetNames gives, joined with commas (owned). */
static char *names(IWbemClassObject *o, LPCWSTR qual, LONG flags, VARIANT *qval, HRESULT want)
{
    SAFEARRAY *sa = (SAFEARRAY *)(uintptr_t)1;
    HRESULT hr = IWbemClassObject_GetNames(o, qual, flags, qval, &sa);
    if (hr != want)
        fail_msg("GetNames(0x%x) = 0x%08x, want 0x%08x", (unsigned)flags, (unsigned)hr, (unsigned)want);
    if (FAILED(hr))
        return NULL;
    assert_non_null(sa);
    VARTYPE vt;
    assert_int_equal(SafeArrayGetVartype(sa, &vt), S_OK);
    assert_int_equal(vt, VT_BSTR);
    assert_int_equal(SafeArrayGetDim(sa), 1);
    struct hp_buf b = {0};
    hp_buf_puts(&b, "");
    BSTR *cells = sa->pvData;
    for (ULONG i = 0; i < sa->rgsabound[0].cElements; i++) {
        char *u = utf8_of(cells[i], SysStringLen(cells[i]));
        hp_buf_printf(&b, "%s%s", i ? "," : "", u);
        free(u);
    }
    SafeArrayDestroy(sa);
    return hp_buf_steal(&b);
}

static size_t count_names(const char *joined)
{
    if (!*joined)
        return 0;
    size_t n = 1;
    for (const char *p = joined; *p; p++)
        n += *p == ',';
    return n;
}

/* Whether any journal record (formatted) contains text. */
static bool journal_has(struct host *h, const char *text)
{
    uint64_t end = journal_next_seq(&h->journal);
    bool found = false;
    for (uint64_t s = 0; s < end && !found; s++) {
        struct journal_rec r;
        if (!journal_get(&h->journal, s, &r))
            continue;
        struct hp_buf b = {0};
        journal_format(&h->journal, &r, &b);
        found = b.s && strstr(b.s, text);
        hp_buf_free(&b);
    }
    return found;
}

/* The last completed call of a method into the host. */
static bool last_call(struct host *h, enum hp_method m, struct journal_rec *out)
{
    uint64_t end = journal_next_seq(&h->journal);
    for (uint64_t s = end; s-- > 0;) {
        if (journal_get(&h->journal, s, out) && out->kind == JOURNAL_CALL && out->method == m &&
            out->callee == HP_ACTOR_HOST)
            return true;
    }
    return false;
}

static int32_t held_by(IWbemClassObject *o, enum hp_actor a)
{
    return atomic_load(&hobject_hobj(hobject_from_iface(o))->by[a]);
}

/* A provider-made COM object: what the host must never take for its own. */
struct foreign {
    IUnknown IUnknown_iface;
    int refs;
};

static HRESULT STDMETHODCALLTYPE foreign_qi(IUnknown *This, REFIID riid, void **ppv)
{
    (void)riid;
    *ppv = This;
    return S_OK;
}

static ULONG STDMETHODCALLTYPE foreign_addref(IUnknown *This)
{
    return (ULONG)++((struct foreign *)(void *)This)->refs;
}

static ULONG STDMETHODCALLTYPE foreign_release(IUnknown *This)
{
    return (ULONG)--((struct foreign *)(void *)This)->refs;
}

static const IUnknownVtbl foreign_vtbl = {foreign_qi, foreign_addref, foreign_release};

static IWbemClassObject *spawn_small(struct fx *x, const char *name, LONG count)
{
    IWbemClassObject *o = NULL;
    assert_int_equal(IWbemClassObject_SpawnInstance(x->small_cls, 0, &o), S_OK);
    if (name)
        assert_int_equal(put(o, u"Name", v_bstr(name)), S_OK);
    if (count >= 0)
        assert_int_equal(put(o, u"Count", v_i4(count)), S_OK);
    return o;
}

/* ---- The VARIANT mapping ------------------------------------------------- */

static void get_gives_each_cim_type_the_variant_type_wmi_uses(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    VARIANT v;

    assert_int_equal(put(o, u"S8", v_i2(-5)), S_OK);
    get(o, u"S8", &v, CIM_SINT8);
    assert_int_equal(v.vt, VT_I2);
    assert_int_equal(v.iVal, -5);

    assert_int_equal(put(o, u"U8", v_ui1(250)), S_OK);
    get(o, u"U8", &v, CIM_UINT8);
    assert_int_equal(v.vt, VT_UI1);
    assert_int_equal(v.bVal, 250);

    assert_int_equal(put(o, u"S16", v_i2(-30000)), S_OK);
    get(o, u"S16", &v, CIM_SINT16);
    assert_int_equal(v.vt, VT_I2);
    assert_int_equal(v.iVal, -30000);

    assert_int_equal(put(o, u"U16", v_i4(65535)), S_OK);
    get(o, u"U16", &v, CIM_UINT16);
    assert_int_equal(v.vt, VT_I4);
    assert_int_equal(v.lVal, 65535);

    assert_int_equal(put(o, u"S32", v_i4(INT32_MIN)), S_OK);
    get(o, u"S32", &v, CIM_SINT32);
    assert_int_equal(v.vt, VT_I4);
    assert_true(v.lVal == INT32_MIN);

    /* uint32 comes out as VT_I4, bit for bit. */
    assert_int_equal(put(o, u"U32", v_ui4(4000000000u)), S_OK);
    get(o, u"U32", &v, CIM_UINT32);
    assert_int_equal(v.vt, VT_I4);
    assert_true((ULONG)v.lVal == 4000000000u);

    assert_int_equal(put(o, u"S64", v_bstr("-9223372036854775808")), S_OK);
    get(o, u"S64", &v, CIM_SINT64);
    assert_int_equal(v.vt, VT_BSTR);
    assert_bstr(v.bstrVal, "-9223372036854775808");
    VariantClear(&v);

    assert_int_equal(put(o, u"U64", v_bstr("18446744073709551615")), S_OK);
    get(o, u"U64", &v, CIM_UINT64);
    assert_int_equal(v.vt, VT_BSTR);
    assert_bstr(v.bstrVal, "18446744073709551615");
    VariantClear(&v);

    assert_int_equal(put(o, u"R32", v_r4(1.5f)), S_OK);
    get(o, u"R32", &v, CIM_REAL32);
    assert_int_equal(v.vt, VT_R4);
    assert_true(v.fltVal == 1.5f);

    assert_int_equal(put(o, u"R64", v_r8(-2.25e300)), S_OK);
    get(o, u"R64", &v, CIM_REAL64);
    assert_int_equal(v.vt, VT_R8);
    assert_true(v.dblVal == -2.25e300);

    assert_int_equal(put(o, u"B", v_bool(false)), S_OK);
    get(o, u"B", &v, CIM_BOOLEAN);
    assert_int_equal(v.vt, VT_BOOL);
    assert_int_equal(v.boolVal, VARIANT_FALSE);
    assert_int_equal(put(o, u"B", v_bool(true)), S_OK);
    get(o, u"B", &v, CIM_BOOLEAN);
    assert_int_equal(v.boolVal, VARIANT_TRUE);

    assert_int_equal(put(o, u"Str", v_bstr("plain")), S_OK);
    get(o, u"Str", &v, CIM_STRING);
    assert_int_equal(v.vt, VT_BSTR);
    assert_bstr(v.bstrVal, "plain");
    VariantClear(&v);

    assert_int_equal(put(o, u"Dt", v_bstr("20240131123000.000000+060")), S_OK);
    get(o, u"Dt", &v, CIM_DATETIME);
    assert_int_equal(v.vt, VT_BSTR);
    assert_bstr(v.bstrVal, "20240131123000.000000+060");
    VariantClear(&v);

    assert_int_equal(put(o, u"Ref", v_bstr("Test_Small.Name=\"r\"")), S_OK);
    get(o, u"Ref", &v, CIM_REFERENCE);
    assert_int_equal(v.vt, VT_BSTR);
    assert_bstr(v.bstrVal, "Test_Small.Name=\"r\"");
    VariantClear(&v);

    /* char16 is VT_I2 holding the UTF-16 unit, bit for bit. */
    assert_int_equal(put(o, u"C16", v_i2((SHORT)0xE9)), S_OK);
    get(o, u"C16", &v, CIM_CHAR16);
    assert_int_equal(v.vt, VT_I2);
    assert_int_equal(v.iVal, 0xE9);
    assert_int_equal(put(o, u"C16", v_i2(-1)), S_OK);
    get(o, u"C16", &v, CIM_CHAR16);
    assert_int_equal((USHORT)v.iVal, 0xFFFF);

    IWbemClassObject_Release(o);
}

static void put_accepts_the_coercions_wmi_accepts_and_refuses_the_rest(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    VARIANT v;

    /* Integers of any VT when the value fits. */
    assert_int_equal(put(o, u"U8", v_i4(255)), S_OK);
    assert_int_equal(put(o, u"U8", v_i4(256)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U8", v_i4(-1)), WBEM_E_TYPE_MISMATCH);
    get(o, u"U8", &v, CIM_UINT8);
    assert_int_equal(v.bVal, 255);   /* a refused Put changes nothing */
    assert_int_equal(put(o, u"S8", v_i2(127)), S_OK);
    assert_int_equal(put(o, u"S8", v_i2(128)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"S8", v_i4(-128)), S_OK);
    assert_int_equal(put(o, u"U16", v_i4(65536)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U16", v_i4(-1)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U16", v_ui1(9)), S_OK);
    assert_int_equal(get_i4(o, u"U16"), 9);
    assert_int_equal(put(o, u"S32", v_ui4(0x80000000u)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"S32", v_i8(-5)), S_OK);
    assert_int_equal(get_i4(o, u"S32"), -5);
    assert_int_equal(put(o, u"S32", v_i8(INT64_C(1) << 40)), WBEM_E_TYPE_MISMATCH);
    /* VT_I4 into uint32 keeps the bits (the inverse of Get). */
    assert_int_equal(put(o, u"U32", v_i4(-1)), S_OK);
    DWORD dw = 0;
    assert_int_equal(IWbemObjectAccess_ReadDWORD(oa(o), handle(o, u"U32"), &dw), S_OK);
    assert_true(dw == 0xFFFFFFFFu);
    assert_int_equal(put(o, u"U32", v_i8(-1)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U32", v_ui8(UINT64_C(1) << 32)), WBEM_E_TYPE_MISMATCH);

    /* 64-bit: decimal strings, VT_I8, VT_UI8. */
    assert_int_equal(put(o, u"U64", v_bstr("-1")), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U64", v_bstr("12x")), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U64", v_bstr("")), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U64", v_bstr("18446744073709551616")), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"U64", v_ui8(UINT64_MAX)), S_OK);
    assert_int_equal(put(o, u"U64", v_i8(-1)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"S64", v_i8(INT64_MIN)), S_OK);
    assert_int_equal(put(o, u"S64", v_ui8(UINT64_MAX)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"S64", v_bstr("+42")), S_OK);
    get(o, u"S64", &v, CIM_SINT64);
    assert_bstr(v.bstrVal, "42");
    VariantClear(&v);
    /* Strings go into 64-bit integers only. */
    assert_int_equal(put(o, u"U32", v_bstr("5")), WBEM_E_TYPE_MISMATCH);

    /* Reals from reals and integers; integers not from reals. */
    assert_int_equal(put(o, u"R32", v_r8(2.25)), S_OK);
    assert_int_equal(put(o, u"R64", v_i4(3)), S_OK);
    get(o, u"R64", &v, CIM_REAL64);
    assert_true(v.dblVal == 3.0);
    assert_int_equal(put(o, u"S32", v_r8(1.0)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"R64", v_bstr("1.5")), WBEM_E_TYPE_MISMATCH);

    /* Booleans from VT_BOOL and integers. */
    assert_int_equal(put(o, u"B", v_i4(0)), S_OK);
    get(o, u"B", &v, CIM_BOOLEAN);
    assert_int_equal(v.boolVal, VARIANT_FALSE);
    assert_int_equal(put(o, u"B", v_bstr("TRUE")), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"B", v_r8(1.0)), WBEM_E_TYPE_MISMATCH);

    /* A string ends at its first NUL, so a provider's plain WCHAR string
     * (not a BSTR: no length prefix) still reads right. */
    static const WCHAR plain[] = u"not a BSTR";
    VariantInit(&v);
    v.vt = VT_BSTR;
    v.bstrVal = (BSTR)(uintptr_t)plain;
    assert_int_equal(IWbemClassObject_Put(o, u"Str", 0, &v, 0), S_OK);
    get_bstr_is(o, u"Str", "not a BSTR");
    VariantInit(&v);

    /* Strings only from VT_BSTR. */
    assert_int_equal(put(o, u"Str", v_i4(1)), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(put(o, u"Dt", v_bool(true)), WBEM_E_TYPE_MISMATCH);

    /* char16 from integers that fit a unit. */
    assert_int_equal(put(o, u"C16", v_i4(0x20AC)), S_OK);
    assert_int_equal(put(o, u"C16", v_i4(70000)), WBEM_E_TYPE_MISMATCH);

    /* VT_BYREF is never accepted. */
    LONG target = 1;
    VARIANT byref;
    VariantInit(&byref);
    byref.vt = VT_I4 | VT_BYREF;
    byref.plVal = &target;
    assert_int_equal(IWbemClassObject_Put(o, u"S32", 0, &byref, 0), WBEM_E_TYPE_MISMATCH);

    IWbemClassObject_Release(o);
}

static void null_values_in_both_directions(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    VARIANT v;
    CIMTYPE t;

    /* A property without a default starts NULL; Get says VT_NULL and the type. */
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, u"S32", 0, &v, &t, NULL), S_OK);
    assert_int_equal(v.vt, VT_NULL);
    assert_int_equal(t, CIM_SINT32);

    assert_int_equal(put(o, u"S32", v_i4(4)), S_OK);
    VARIANT n;
    VariantInit(&n);
    n.vt = VT_NULL;
    assert_int_equal(IWbemClassObject_Put(o, u"S32", 0, &n, 0), S_OK);
    get_is_null(o, u"S32");
    assert_int_equal(put(o, u"Str", v_bstr("x")), S_OK);
    n.vt = VT_EMPTY;
    assert_int_equal(IWbemClassObject_Put(o, u"Str", 0, &n, 0), S_OK);
    get_is_null(o, u"Str");
    assert_int_equal(IWbemClassObject_Put(o, u"U8", 0, NULL, 0), S_OK);
    get_is_null(o, u"U8");
    assert_int_equal(IWbemClassObject_Put(o, u"Arr", 0, NULL, 0), S_OK);
    get_is_null(o, u"Arr");

    /* Reading a NULL through a handle: WBEM_S_FALSE and zero. */
    DWORD dw = 77;
    assert_int_equal(IWbemObjectAccess_ReadDWORD(oa(o), handle(o, u"S32"), &dw), WBEM_S_FALSE);
    assert_int_equal(dw, 0);
    UINT64 qw = 77;
    assert_int_equal(IWbemObjectAccess_ReadQWORD(oa(o), handle(o, u"U64"), &qw), WBEM_S_FALSE);
    assert_int_equal(qw, 0);
    LONG nb = 77;
    byte buf[16];
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(oa(o), handle(o, u"Str"), sizeof buf, &nb, buf),
                     WBEM_S_FALSE);
    assert_int_equal(nb, 0);

    /* Get with only the type, or nothing, wanted. */
    t = 0;
    assert_int_equal(IWbemClassObject_Get(o, u"Dt", 0, NULL, &t, NULL), S_OK);
    assert_int_equal(t, CIM_DATETIME);
    assert_int_equal(IWbemClassObject_Get(o, u"Dt", 0, NULL, NULL, NULL), S_OK);
    IWbemClassObject_Release(o);
}

static SAFEARRAY *vector_i4(const LONG *v, ULONG n)
{
    SAFEARRAY *sa = SafeArrayCreateVector(VT_I4, 0, n);
    assert_non_null(sa);
    memcpy(sa->pvData, v, n * sizeof *v);
    return sa;
}

static void arrays_are_safearrays_of_the_element_variant_type(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    VARIANT v;

    static const LONG nums[] = {1, -1, 7};
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_I4;
    v.parray = vector_i4(nums, 3);
    assert_int_equal(put(o, u"Arr", v), S_OK);
    get(o, u"Arr", &v, CIM_UINT32 | CIM_FLAG_ARRAY);
    assert_int_equal(v.vt, VT_ARRAY | VT_I4);
    assert_int_equal(v.parray->rgsabound[0].cElements, 3);
    assert_int_equal(v.parray->rgsabound[0].lLbound, 0);
    assert_memory_equal(v.parray->pvData, nums, sizeof nums);
    VariantClear(&v);

    /* Strings. */
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_BSTR;
    v.parray = SafeArrayCreateVector(VT_BSTR, 5, 2);   /* any lower bound */
    ((BSTR *)v.parray->pvData)[0] = bstr8("\xC3\xA4");
    ((BSTR *)v.parray->pvData)[1] = bstr8("b");
    assert_int_equal(put(o, u"SArr", v), S_OK);
    get(o, u"SArr", &v, CIM_STRING | CIM_FLAG_ARRAY);
    assert_int_equal(v.vt, VT_ARRAY | VT_BSTR);
    assert_int_equal(v.parray->rgsabound[0].lLbound, 0);
    assert_bstr(((BSTR *)v.parray->pvData)[0], "\xC3\xA4");
    assert_bstr(((BSTR *)v.parray->pvData)[1], "b");
    VariantClear(&v);

    /* sint64[] as strings, and from VT_VARIANT elements. */
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_VARIANT;
    v.parray = SafeArrayCreateVector(VT_VARIANT, 0, 2);
    ((VARIANT *)v.parray->pvData)[0] = v_i8(-3);
    ((VARIANT *)v.parray->pvData)[1] = v_bstr("9000000000");
    assert_int_equal(put(o, u"I64Arr", v), S_OK);
    get(o, u"I64Arr", &v, CIM_SINT64 | CIM_FLAG_ARRAY);
    assert_int_equal(v.vt, VT_ARRAY | VT_BSTR);
    assert_bstr(((BSTR *)v.parray->pvData)[0], "-3");
    assert_bstr(((BSTR *)v.parray->pvData)[1], "9000000000");
    VariantClear(&v);

    /* Booleans, and an empty array. */
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_BOOL;
    v.parray = SafeArrayCreateVector(VT_BOOL, 0, 2);
    ((VARIANT_BOOL *)v.parray->pvData)[0] = VARIANT_TRUE;
    assert_int_equal(put(o, u"BArr", v), S_OK);
    get(o, u"BArr", &v, CIM_BOOLEAN | CIM_FLAG_ARRAY);
    assert_int_equal(v.vt, VT_ARRAY | VT_BOOL);
    assert_int_equal(((VARIANT_BOOL *)v.parray->pvData)[0], VARIANT_TRUE);
    assert_int_equal(((VARIANT_BOOL *)v.parray->pvData)[1], VARIANT_FALSE);
    VariantClear(&v);
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_I4;
    v.parray = SafeArrayCreateVector(VT_I4, 0, 0);
    assert_int_equal(put(o, u"Arr", v), S_OK);
    get(o, u"Arr", &v, CIM_UINT32 | CIM_FLAG_ARRAY);
    assert_int_equal(v.vt, VT_ARRAY | VT_I4);
    assert_int_equal(v.parray->rgsabound[0].cElements, 0);
    VariantClear(&v);

    /* Mismatches: scalar into array, array into scalar, bad elements, 2-D. */
    assert_int_equal(put(o, u"Arr", v_i4(1)), WBEM_E_TYPE_MISMATCH);
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_I4;
    v.parray = vector_i4(nums, 3);
    assert_int_equal(put(o, u"U32", v), WBEM_E_TYPE_MISMATCH);
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_I4;
    v.parray = vector_i4(nums, 3);
    assert_int_equal(put(o, u"SArr", v), WBEM_E_TYPE_MISMATCH);
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_VARIANT;
    v.parray = SafeArrayCreateVector(VT_VARIANT, 0, 1);
    ((VARIANT *)v.parray->pvData)[0].vt = VT_NULL;
    assert_int_equal(put(o, u"Arr", v), WBEM_E_TYPE_MISMATCH);
    /* A VARIANT whose vt lies about its array's elements is refused unread. */
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_BSTR;
    v.parray = vector_i4(nums, 3);
    assert_int_equal(IWbemClassObject_Put(o, u"SArr", 0, &v, 0), WBEM_E_TYPE_MISMATCH);
    v.vt = VT_ARRAY | VT_UNKNOWN;
    assert_int_equal(IWbemClassObject_Put(o, u"ObjArr", 0, &v, 0), WBEM_E_TYPE_MISMATCH);
    SafeArrayDestroy(v.parray);
    SAFEARRAYBOUND two[2] = {{2, 0}, {2, 0}};
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_I4;
    v.parray = SafeArrayCreate(VT_I4, 2, two);
    assert_int_equal(put(o, u"Arr", v), WBEM_E_TYPE_MISMATCH);
    IWbemClassObject_Release(o);
}

static void embedded_objects_are_copied_in_and_out(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    IWbemClassObject *inner = spawn_small(x, "in", 1);
    VARIANT v;

    VariantInit(&v);
    v.vt = VT_UNKNOWN;
    v.punkVal = (IUnknown *)(void *)inner;
    assert_int_equal(IWbemClassObject_Put(o, u"Obj", 0, &v, 0), S_OK);
    assert_int_equal(held_by(inner, HP_ACTOR_PROVIDER), 1);   /* Put took no reference */

    /* Get hands out a new copy the caller owns. */
    get(o, u"Obj", &v, CIM_OBJECT);
    assert_int_equal(v.vt, VT_UNKNOWN);
    IWbemClassObject *out = (IWbemClassObject *)(void *)v.punkVal;
    assert_ptr_not_equal(out, inner);
    assert_int_equal(held_by(out, HP_ACTOR_PROVIDER), 1);
    assert_int_equal(IWbemClassObject_CompareTo(out, 0, inner), WBEM_S_SAME);
    VariantClear(&v);

    /* Changing the original afterwards does not reach the stored copy. */
    assert_int_equal(put(inner, u"Count", v_i4(2)), S_OK);
    get(o, u"Obj", &v, CIM_OBJECT);
    out = (IWbemClassObject *)(void *)v.punkVal;
    assert_int_equal(get_i4(out, u"Count"), 1);
    VariantClear(&v);

    /* Arrays of objects, as VT_UNKNOWN or VT_VARIANT elements. */
    VariantInit(&v);
    v.vt = VT_ARRAY | VT_UNKNOWN;
    v.parray = SafeArrayCreateVector(VT_UNKNOWN, 0, 2);
    ((IUnknown **)v.parray->pvData)[0] = (IUnknown *)(void *)inner;
    ((IUnknown **)v.parray->pvData)[1] = (IUnknown *)(void *)inner;
    IWbemClassObject_AddRef(inner);
    IWbemClassObject_AddRef(inner);   /* the array owns these two */
    assert_int_equal(put(o, u"ObjArr", v), S_OK);
    assert_int_equal(held_by(inner, HP_ACTOR_PROVIDER), 1);
    get(o, u"ObjArr", &v, CIM_OBJECT | CIM_FLAG_ARRAY);
    assert_int_equal(v.vt, VT_ARRAY | VT_UNKNOWN);
    assert_int_equal(v.parray->rgsabound[0].cElements, 2);
    IWbemClassObject *e1 = ((IWbemClassObject **)v.parray->pvData)[1];
    assert_int_equal(get_i4(e1, u"Count"), 2);
    VariantClear(&v);

    VariantInit(&v);
    v.vt = VT_ARRAY | VT_VARIANT;
    v.parray = SafeArrayCreateVector(VT_VARIANT, 0, 1);
    ((VARIANT *)v.parray->pvData)[0].vt = VT_UNKNOWN;
    ((VARIANT *)v.parray->pvData)[0].punkVal = (IUnknown *)(void *)inner;
    IWbemClassObject_AddRef(inner);
    assert_int_equal(put(o, u"ObjArr", v), S_OK);

    /* A provider's own object cannot be stored: a finding, and an error. */
    struct foreign f = {{&foreign_vtbl}, 1};
    VariantInit(&v);
    v.vt = VT_UNKNOWN;
    v.punkVal = &f.IUnknown_iface;
    size_t before = ledger_count(&x->host->ledger, LEDGER_FOREIGN_OBJECT);
    assert_int_equal(IWbemClassObject_Put(o, u"Obj", 0, &v, 0), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_FOREIGN_OBJECT), before + 1);
    assert_int_equal(f.refs, 1);
    assert_int_equal(put(o, u"Obj", v_i4(1)), WBEM_E_TYPE_MISMATCH);

    /* A NULL interface makes the property NULL. */
    v.punkVal = NULL;
    assert_int_equal(IWbemClassObject_Put(o, u"Obj", 0, &v, 0), S_OK);
    get_is_null(o, u"Obj");

    IWbemClassObject_Release(inner);
    IWbemClassObject_Release(o);
}

static void put_and_get_errors(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    VARIANT v = v_i4(1);
    assert_int_equal(IWbemClassObject_Put(o, u"NoSuch", 0, &v, 0), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemClassObject_Put(x->cls, u"NoSuch", 0, &v, 0), WBEM_E_NOT_SUPPORTED);
    assert_true(journal_has(x->host, "adding a property to class Test_All is not simulated"));
    assert_int_equal(IWbemClassObject_Put(o, u"__CLASS", 0, &v, 0), WBEM_E_READ_ONLY);
    assert_int_equal(IWbemClassObject_Put(o, u"__relpath", 0, &v, 0), WBEM_E_READ_ONLY);
    assert_int_equal(IWbemClassObject_Put(o, u"S32", 0, &v, CIM_STRING), WBEM_E_TYPE_MISMATCH);
    assert_int_equal(IWbemClassObject_Put(o, u"S32", 0, &v, CIM_SINT32), S_OK);
    assert_int_equal(IWbemClassObject_Put(o, u"S32", 1, &v, 0), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemClassObject_Put(o, NULL, 0, &v, 0), WBEM_E_INVALID_PARAMETER);
    /* Property names compare case-insensitively. */
    assert_int_equal(IWbemClassObject_Put(o, u"s32", 0, &v, 0), S_OK);

    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, u"NoSuch", 0, &v, NULL, NULL), WBEM_E_NOT_FOUND);
    assert_int_equal(v.vt, VT_EMPTY);
    assert_int_equal(IWbemClassObject_Get(o, u"__NoSuch", 0, &v, NULL, NULL), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemClassObject_Get(o, NULL, 0, &v, NULL, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemClassObject_Get(o, u"S32", 1, &v, NULL, NULL), WBEM_E_INVALID_PARAMETER);

    /* Flavors: inherited properties are propagated, own ones local. */
    LONG fl = -1;
    assert_int_equal(IWbemClassObject_Get(o, u"Name", 0, NULL, NULL, &fl), S_OK);
    assert_int_equal(fl, WBEM_FLAVOR_ORIGIN_PROPAGATED);
    assert_int_equal(IWbemClassObject_Get(o, u"S8", 0, NULL, NULL, &fl), S_OK);
    assert_int_equal(fl, WBEM_FLAVOR_ORIGIN_LOCAL);
    assert_int_equal(IWbemClassObject_Get(o, u"__GENUS", 0, NULL, NULL, &fl), S_OK);
    assert_int_equal(fl, WBEM_FLAVOR_ORIGIN_SYSTEM);
    IWbemClassObject_Release(o);
}

/* ---- Handles ---------------------------------------------------------------- */

static void handles_are_the_same_in_every_instance_and_subclass(void **state)
{
    struct fx *x = *state;
    static const LPCWSTR scalars[] = {u"Name", u"id", u"BaseCount", u"S8", u"U8", u"S16", u"U16",
                                      u"S32", u"U32", u"S64", u"U64", u"R32", u"R64", u"B",
                                      u"Str", u"Dt", u"Ref", u"C16"};
    IWbemClassObject *a = spawn(x), *b = spawn(x), *c = spawn(x);
    struct hobject *base = hobject_new_class(x->host, x->base, HP_ACTOR_HOST);
    assert_non_null(base);
    IWbemClassObject *bc = hobject_iface(base);
    LONG seen[sizeof scalars / sizeof scalars[0]];
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++) {
        LONG h = handle(a, scalars[i]);
        assert_int_equal(handle(b, scalars[i]), h);
        assert_int_equal(handle(c, scalars[i]), h);
        assert_int_equal(handle(x->cls, scalars[i]), h);
        assert_true(h > 0);
        for (size_t k = 0; k < i; k++)
            assert_int_not_equal(seen[k], h);
        seen[i] = h;
        char *n8 = utf8_of(scalars[i], hp_u16len(scalars[i]));
        assert_int_equal(hclass_handle(hobject_layout(hobject_from_iface(a)), n8), h);
        free(n8);
    }
    /* Inherited properties keep their handle in the subclass. */
    assert_int_equal(handle(bc, u"Name"), handle(a, u"Name"));
    assert_int_equal(handle(bc, u"id"), handle(a, u"id"));
    assert_int_equal(handle(bc, u"BaseCount"), handle(a, u"BaseCount"));

    CIMTYPE t = 0;
    LONG h = 0;
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"u64", &t, &h), S_OK);
    assert_int_equal(t, CIM_UINT64);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"Ref", &t, &h), S_OK);
    assert_int_equal(t, CIM_REFERENCE);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"Str", NULL, &h), S_OK);
    /* None for arrays, objects and system properties. */
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"Arr", &t, &h), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"Obj", &t, &h), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"ObjArr", &t, &h), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"__CLASS", &t, &h), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"NoSuch", &t, &h), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), u"S32", &t, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_GetPropertyHandle(oa(a), NULL, &t, &h), WBEM_E_INVALID_PARAMETER);

    hobj_unref(hobject_hobj(base), HP_ACTOR_HOST);
    IWbemClassObject_Release(a);
    IWbemClassObject_Release(b);
    IWbemClassObject_Release(c);
}

static void dword_and_qword_access(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    IWbemObjectAccess *a = oa(o);
    LONG hu32 = handle(o, u"U32"), hs32 = handle(o, u"S32"), hr32 = handle(o, u"R32");
    LONG hu64 = handle(o, u"U64"), hs64 = handle(o, u"S64"), hr64 = handle(o, u"R64");
    DWORD dw = 0;
    UINT64 qw = 0;
    VARIANT v;

    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, hu32, 0xFFFFFFFFu), S_OK);
    assert_int_equal(get_i4(o, u"U32"), -1);   /* writes clear NULL; VT_I4 bits */
    assert_int_equal(IWbemObjectAccess_ReadDWORD(a, hu32, &dw), S_OK);
    assert_true(dw == 0xFFFFFFFFu);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, hs32, (DWORD)-42), S_OK);
    assert_int_equal(get_i4(o, u"S32"), -42);
    float f = 1.5f;
    DWORD bits;
    memcpy(&bits, &f, 4);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, hr32, bits), S_OK);   /* a real32's bits */
    get(o, u"R32", &v, CIM_REAL32);
    assert_true(v.fltVal == 1.5f);

    assert_int_equal(IWbemObjectAccess_WriteQWORD(a, hu64, UINT64_MAX), S_OK);
    get(o, u"U64", &v, CIM_UINT64);
    assert_bstr(v.bstrVal, "18446744073709551615");
    VariantClear(&v);
    assert_int_equal(IWbemObjectAccess_ReadQWORD(a, hu64, &qw), S_OK);
    assert_true(qw == UINT64_MAX);
    assert_int_equal(IWbemObjectAccess_WriteQWORD(a, hs64, (UINT64)INT64_MIN), S_OK);
    get(o, u"S64", &v, CIM_SINT64);
    assert_bstr(v.bstrVal, "-9223372036854775808");
    VariantClear(&v);
    double d = 0.125;
    UINT64 dbits;
    memcpy(&dbits, &d, 8);
    assert_int_equal(IWbemObjectAccess_WriteQWORD(a, hr64, dbits), S_OK);
    get(o, u"R64", &v, CIM_REAL64);
    assert_true(v.dblVal == 0.125);

    /* The wrong width, or something that is no handle: refused, and noted. */
    assert_int_equal(IWbemObjectAccess_ReadDWORD(a, handle(o, u"U16"), &dw), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, hu64, 1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, handle(o, u"Str"), 1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_ReadQWORD(a, hu32, &qw), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WriteQWORD(a, handle(o, u"B"), 1), WBEM_E_INVALID_PARAMETER);
    static const LONG junk[] = {0, -1, 1, 12345, 0x40000000};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        assert_int_equal(IWbemObjectAccess_WriteDWORD(a, junk[i], 1), WBEM_E_INVALID_PARAMETER);
        assert_int_equal(IWbemObjectAccess_ReadQWORD(a, junk[i], &qw), WBEM_E_INVALID_PARAMETER);
    }
    /* A valid handle with its offset or index changed. */
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, hu32 + 4, 1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, hu32 + (1 << 18), 1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, hu32 | (0xFFF << 18), 1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_ReadDWORD(a, hu32, NULL), WBEM_E_INVALID_PARAMETER);
    assert_true(journal_has(x->host, "is not the handle of a 32-bit property of class Test_All"));
    assert_true(journal_has(x->host, "is not the handle of a 64-bit property"));
    /* Nothing was written by the refused calls. */
    assert_int_equal(IWbemObjectAccess_ReadDWORD(a, hu32, &dw), S_OK);
    assert_true(dw == 0xFFFFFFFFu);

    /* A handle of another class whose index holds a property of another kind. */
    LONG small_name = handle(x->small_cls, u"Name");   /* index 0, a string */
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, small_name, 1), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(o);
}

static void property_values_need_their_exact_size(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    IWbemObjectAccess *a = oa(o);
    byte buf[16];
    LONG n = 0;
    VARIANT v;

    byte u8 = 0xAB;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U8"), 1, &u8), S_OK);
    get(o, u"U8", &v, CIM_UINT8);
    assert_int_equal(v.bVal, 0xAB);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U8"), 2, buf),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U8"), 0, buf),
                     WBEM_E_INVALID_PARAMETER);
    byte s8 = 0x80;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"S8"), 1, &s8), S_OK);
    get(o, u"S8", &v, CIM_SINT8);
    assert_int_equal(v.iVal, -128);
    SHORT s16 = -2;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"S16"), 2, (byte *)&s16), S_OK);
    get(o, u"S16", &v, CIM_SINT16);
    assert_int_equal(v.iVal, -2);
    USHORT u16 = 60000;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U16"), 2, (byte *)&u16), S_OK);
    assert_int_equal(get_i4(o, u"U16"), 60000);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U16"), 4, buf),
                     WBEM_E_INVALID_PARAMETER);
    USHORT c16 = 0x20AC;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"C16"), 2, (byte *)&c16), S_OK);
    get(o, u"C16", &v, CIM_CHAR16);
    assert_int_equal((USHORT)v.iVal, 0x20AC);
    VARIANT_BOOL bf = VARIANT_FALSE;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"B"), 2, (byte *)&bf), S_OK);
    get(o, u"B", &v, CIM_BOOLEAN);
    assert_int_equal(v.boolVal, VARIANT_FALSE);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"B"), 4, buf),
                     WBEM_E_INVALID_PARAMETER);
    double r = 6.5;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"R64"), 8, (byte *)&r), S_OK);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"R64"), 4, (byte *)&r),
                     WBEM_E_INVALID_PARAMETER);
    DWORD dw = 7;
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U32"), 4, (byte *)&dw), S_OK);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U32"), -4, (byte *)&dw),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"U32"), 4, NULL),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, 0x1234, 4, (byte *)&dw),
                     WBEM_E_INVALID_PARAMETER);

    /* Reads: exact sizes, a bigger buffer is fine, a smaller one is too small. */
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, handle(o, u"U8"), sizeof buf, &n, buf), S_OK);
    assert_int_equal(n, 1);
    assert_int_equal(buf[0], 0xAB);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, handle(o, u"C16"), 2, &n, buf), S_OK);
    assert_int_equal(n, 2);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, handle(o, u"R64"), 7, &n, buf),
                     WBEM_E_BUFFER_TOO_SMALL);
    assert_int_equal(n, 8);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, handle(o, u"R64"), 8, &n, buf), S_OK);
    assert_memory_equal(buf, &r, 8);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, handle(o, u"U32"), 4, NULL, buf),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, handle(o, u"U32"), -1, &n, buf),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, handle(o, u"U32"), 4, &n, NULL),
                     WBEM_E_INVALID_PARAMETER);
    assert_true(journal_has(x->host, "takes exactly 1 bytes, got 2"));
    IWbemClassObject_Release(o);
}

static void strings_through_handles_round_trip_as_utf16(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    IWbemObjectAccess *a = oa(o);
    LONG hs = handle(o, u"Str");
    /* Non-ASCII, with a surrogate pair. */
    static const WCHAR text[] = u"Gr\u00fc\u00dfe \u20ac\U0001D11E";
    const LONG bytes = (LONG)sizeof text;   /* with the NUL */
    LONG n = 0;
    byte buf[64];
    VARIANT v;

    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, hs, bytes, (const byte *)text), S_OK);
    get(o, u"Str", &v, CIM_STRING);
    assert_int_equal(v.vt, VT_BSTR);
    assert_int_equal(SysStringLen(v.bstrVal), sizeof text / 2 - 1);
    assert_memory_equal(v.bstrVal, text, sizeof text);
    VariantClear(&v);

    /* The size question, then the read. */
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, hs, 0, &n, NULL), WBEM_E_BUFFER_TOO_SMALL);
    assert_int_equal(n, bytes);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, hs, bytes - 2, &n, buf), WBEM_E_BUFFER_TOO_SMALL);
    assert_int_equal(n, bytes);
    memset(buf, 0xEE, sizeof buf);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, hs, sizeof buf, &n, buf), S_OK);
    assert_int_equal(n, bytes);
    assert_memory_equal(buf, text, sizeof text);

    /* Put a BSTR, read the bytes. */
    assert_int_equal(put(o, u"Str", v_bstr("\xE2\x82\xAC" "1")), S_OK);
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, hs, sizeof buf, &n, buf), S_OK);
    assert_int_equal(n, 6);
    static const WCHAR euro1[] = u"\u20ac" "1";
    assert_memory_equal(buf, euro1, 6);

    /* Wrong shapes: odd length, no NUL at the end, nothing at all. */
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, hs, bytes - 1, (const byte *)text),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, hs, bytes - 2, (const byte *)text),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, hs, 0, (const byte *)text),
                     WBEM_E_INVALID_PARAMETER);
    assert_true(journal_has(x->host, "takes NUL-terminated UTF-16"));
    get_bstr_is(o, u"Str", "\xE2\x82\xAC" "1");   /* unchanged */

    /* The text ends at its first NUL; the empty string is not NULL. */
    static const WCHAR two[] = u"ab\0cd";
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, hs, sizeof two, (const byte *)two), S_OK);
    get_bstr_is(o, u"Str", "ab");
    static const WCHAR empty[] = u"";
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, hs, 2, (const byte *)empty), S_OK);
    get_bstr_is(o, u"Str", "");
    assert_int_equal(IWbemObjectAccess_ReadPropertyValue(a, hs, sizeof buf, &n, buf), S_OK);
    assert_int_equal(n, 2);

    /* datetime and reference properties are strings to the handle methods. */
    static const WCHAR when[] = u"20240101000000.000000+000";
    assert_int_equal(IWbemObjectAccess_WritePropertyValue(a, handle(o, u"Dt"), sizeof when,
                                                          (const byte *)when), S_OK);
    get_bstr_is(o, u"Dt", "20240101000000.000000+000");
    assert_int_equal(IWbemObjectAccess_ReadDWORD(a, handle(o, u"Ref"), (DWORD *)buf), WBEM_E_INVALID_PARAMETER);

    /* A longer value than the buffer held before grows it; Get still right. */
    char big[200];
    memset(big, 'z', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(put(o, u"Str", v_bstr(big)), S_OK);
    get_bstr_is(o, u"Str", big);
    IWbemClassObject_Release(o);
}

static void property_info_by_handle(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    BSTR name = NULL;
    CIMTYPE t = 0;
    assert_int_equal(IWbemObjectAccess_GetPropertyInfoByHandle(oa(o), handle(o, u"dt"), &name, &t), S_OK);
    assert_bstr(name, "Dt");
    assert_int_equal(t, CIM_DATETIME);
    SysFreeString(name);
    assert_int_equal(IWbemObjectAccess_GetPropertyInfoByHandle(oa(o), handle(o, u"BaseCount"), NULL, &t), S_OK);
    assert_int_equal(t, CIM_UINT32);
    assert_int_equal(IWbemObjectAccess_GetPropertyInfoByHandle(oa(o), 99, &name, &t), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(o);
}

/* ---- Names and enumeration --------------------------------------------------- */

#define SYS_NAMES "__GENUS,__CLASS,__SUPERCLASS,__DYNASTY,__RELPATH,__PROPERTY_COUNT,__DERIVATION,__SERVER,__NAMESPACE,__PATH"
#define OWN_NAMES "S8,U8,S16,U16,S32,U32,S64,U64,R32,R64,B,Str,Dt,Ref,C16,Arr,SArr,I64Arr,BArr,Obj,ObjArr"
#define ALL_NAMES "Name,id,BaseCount," OWN_NAMES

static void get_names_filters(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    char *s;

#define EXPECT_NAMES(q, flags, qval, want)                  \
    s = names(o, q, flags, qval, S_OK);                     \
    assert_string_equal(s, want);                           \
    free(s)

    EXPECT_NAMES(NULL, WBEM_FLAG_ALWAYS, NULL, SYS_NAMES "," ALL_NAMES);
    EXPECT_NAMES(u"ignored", WBEM_FLAG_ALWAYS, NULL, SYS_NAMES "," ALL_NAMES);
    EXPECT_NAMES(NULL, WBEM_FLAG_NONSYSTEM_ONLY, NULL, ALL_NAMES);
    EXPECT_NAMES(NULL, WBEM_FLAG_SYSTEM_ONLY, NULL, SYS_NAMES);
    EXPECT_NAMES(NULL, WBEM_FLAG_KEYS_ONLY, NULL, "Name,id");
    EXPECT_NAMES(NULL, WBEM_FLAG_LOCAL_ONLY, NULL, OWN_NAMES);
    EXPECT_NAMES(NULL, WBEM_FLAG_PROPAGATED_ONLY, NULL, "Name,id,BaseCount");
    EXPECT_NAMES(NULL, WBEM_FLAG_REFS_ONLY, NULL, "Ref");
    EXPECT_NAMES(u"key", WBEM_FLAG_ONLY_IF_TRUE, NULL, "Name,id");
    EXPECT_NAMES(u"KEY", WBEM_FLAG_ONLY_IF_TRUE | WBEM_FLAG_LOCAL_ONLY, NULL, "");
    EXPECT_NAMES(u"CIMTYPE", WBEM_FLAG_ONLY_IF_TRUE, NULL, ALL_NAMES);
    EXPECT_NAMES(u"key", WBEM_FLAG_ONLY_IF_FALSE | WBEM_FLAG_NONSYSTEM_ONLY, NULL, "BaseCount," OWN_NAMES);
    VARIANT q = v_bstr("x");
    EXPECT_NAMES(u"MyQual", WBEM_FLAG_ONLY_IF_IDENTICAL, &q, "Str");
    VariantClear(&q);
    q = v_bstr("y");
    EXPECT_NAMES(u"MyQual", WBEM_FLAG_ONLY_IF_IDENTICAL, &q, "");
    VariantClear(&q);
    q = v_bool(true);
    EXPECT_NAMES(u"key", WBEM_FLAG_ONLY_IF_IDENTICAL, &q, "Name,id");
    VariantClear(&q);
    s = names(o, NULL, WBEM_FLAG_NONSYSTEM_ONLY, NULL, S_OK);
    assert_int_equal(count_names(s), ALL_PROPS);
    free(s);

    /* Bad requests. */
    names(o, NULL, WBEM_FLAG_ONLY_IF_TRUE, NULL, WBEM_E_INVALID_PARAMETER);
    names(o, u"key", WBEM_FLAG_ONLY_IF_IDENTICAL, NULL, WBEM_E_INVALID_PARAMETER);
    names(o, NULL, 0x50, NULL, WBEM_E_INVALID_PARAMETER);
    names(o, NULL, 0x1000, NULL, WBEM_E_INVALID_PARAMETER);
    names(o, NULL, WBEM_FLAG_CLASS_OVERRIDES_ONLY, NULL, WBEM_E_INVALID_PARAMETER);   /* not on instances */
    assert_int_equal(IWbemClassObject_GetNames(o, NULL, 0, NULL, NULL), WBEM_E_INVALID_PARAMETER);

    /* Class conditions on a class object. */
    IWbemClassObject *c = x->cls;
    s = names(c, NULL, WBEM_FLAG_CLASS_OVERRIDES_ONLY, NULL, S_OK);
    assert_string_equal(s, "");
    free(s);
    s = names(c, NULL, WBEM_FLAG_CLASS_LOCAL_AND_OVERRIDES, NULL, S_OK);
    assert_string_equal(s, OWN_NAMES);
    free(s);
#undef EXPECT_NAMES
    IWbemClassObject_Release(o);
}

static void enumeration_walks_the_same_names_with_values(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x), *other = spawn(x);
    BSTR name;
    VARIANT v;
    CIMTYPE t;
    LONG fl;

    assert_int_equal(IWbemClassObject_Next(o, 0, &name, &v, &t, &fl), WBEM_E_UNEXPECTED);
    assert_int_equal(IWbemClassObject_BeginEnumeration(o, WBEM_FLAG_NONSYSTEM_ONLY), S_OK);
    struct hp_buf b = {0};
    hp_buf_puts(&b, "");
    int count = 0;
    HRESULT hr;
    for (;;) {
        VariantInit(&v);
        name = NULL;
        hr = IWbemClassObject_Next(o, 0, &name, &v, &t, &fl);
        if (hr != S_OK)
            break;
        char *u = utf8_of(name, SysStringLen(name));
        hp_buf_printf(&b, "%s%s", count ? "," : "", u);
        if (strcmp(u, "U8") == 0) {
            assert_int_equal(v.vt, VT_UI1);
            assert_int_equal(v.bVal, 200);
            assert_int_equal(t, CIM_UINT8);
            assert_int_equal(fl, WBEM_FLAVOR_ORIGIN_LOCAL);
        } else if (strcmp(u, "Name") == 0) {
            assert_int_equal(v.vt, VT_NULL);
            assert_int_equal(t, CIM_STRING);
            assert_int_equal(fl, WBEM_FLAVOR_ORIGIN_PROPAGATED);
        }
        /* The other object's enumeration state is its own. */
        if (count == 0)
            assert_int_equal(IWbemClassObject_Next(other, 0, NULL, NULL, NULL, NULL), WBEM_E_UNEXPECTED);
        free(u);
        SysFreeString(name);
        VariantClear(&v);
        count++;
    }
    assert_int_equal(hr, WBEM_S_NO_MORE_DATA);
    char *got = hp_buf_steal(&b);
    assert_string_equal(got, ALL_NAMES);
    free(got);
    assert_int_equal(IWbemClassObject_Next(o, 0, NULL, NULL, NULL, NULL), WBEM_S_NO_MORE_DATA);
    assert_int_equal(IWbemClassObject_EndEnumeration(o), S_OK);
    assert_int_equal(IWbemClassObject_Next(o, 0, NULL, NULL, NULL, NULL), WBEM_E_UNEXPECTED);

    /* System properties, with their values. */
    assert_int_equal(IWbemClassObject_BeginEnumeration(o, WBEM_FLAG_SYSTEM_ONLY), S_OK);
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Next(o, 0, &name, &v, &t, &fl), S_OK);
    assert_bstr(name, "__GENUS");
    assert_int_equal(v.vt, VT_I4);
    assert_int_equal(v.lVal, 2);
    assert_int_equal(fl, WBEM_FLAVOR_ORIGIN_SYSTEM);
    SysFreeString(name);
    assert_int_equal(IWbemClassObject_Next(o, 0, &name, &v, &t, &fl), S_OK);
    assert_bstr(name, "__CLASS");
    assert_bstr(v.bstrVal, "Test_All");
    SysFreeString(name);
    VariantClear(&v);
    assert_int_equal(IWbemClassObject_Next(o, 1, &name, &v, &t, &fl), WBEM_E_INVALID_PARAMETER);
    /* Keys only; a restart resets the position. */
    assert_int_equal(IWbemClassObject_BeginEnumeration(o, WBEM_FLAG_KEYS_ONLY), S_OK);
    assert_int_equal(IWbemClassObject_Next(o, 0, &name, NULL, NULL, NULL), S_OK);
    assert_bstr(name, "Name");
    SysFreeString(name);
    assert_int_equal(IWbemClassObject_Next(o, 0, &name, NULL, NULL, NULL), S_OK);
    assert_bstr(name, "id");
    SysFreeString(name);
    assert_int_equal(IWbemClassObject_Next(o, 0, &name, NULL, NULL, NULL), WBEM_S_NO_MORE_DATA);
    /* Conditions on qualifiers are GetNames' only. */
    assert_int_equal(IWbemClassObject_BeginEnumeration(o, WBEM_FLAG_ONLY_IF_TRUE), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(o);
    IWbemClassObject_Release(other);
}

/* ---- Clone, SpawnInstance, CompareTo, InheritsFrom --------------------------- */

static void clone_is_an_independent_copy(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x), *c = NULL;
    assert_int_equal(put(o, u"Str", v_bstr("before")), S_OK);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(oa(o), handle(o, u"U32"), 5), S_OK);
    assert_int_equal(IWbemClassObject_Clone(o, &c), S_OK);
    assert_non_null(c);
    assert_ptr_not_equal(c, o);
    assert_int_equal(held_by(c, HP_ACTOR_PROVIDER), 1);
    assert_int_equal(IWbemClassObject_CompareTo(c, 0, o), WBEM_S_SAME);

    /* The journal names the new object. */
    struct journal_rec r;
    assert_true(last_call(x->host, HPM_IWbemClassObject_Clone, &r));
    assert_int_equal(r.arg[0], (int64_t)hobject_id(hobject_from_iface(c)));
    assert_int_equal(r.obj, hobject_id(hobject_from_iface(o)));

    assert_int_equal(put(o, u"Str", v_bstr("after, and longer than before")), S_OK);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(oa(o), handle(o, u"U32"), 6), S_OK);
    get_bstr_is(c, u"Str", "before");
    assert_int_equal(get_i4(c, u"U32"), 5);
    assert_int_equal(IWbemClassObject_CompareTo(c, 0, o), WBEM_S_DIFFERENT);
    assert_int_equal(IWbemClassObject_Clone(o, NULL), WBEM_E_INVALID_PARAMETER);

    /* A class object clones into a class object. */
    IWbemClassObject *cc = NULL;
    assert_int_equal(IWbemClassObject_Clone(x->cls, &cc), S_OK);
    assert_int_equal(get_i4(cc, u"__GENUS"), WBEM_GENUS_CLASS);
    assert_int_equal(IWbemClassObject_CompareTo(cc, 0, x->cls), WBEM_S_SAME);
    IWbemClassObject_Release(cc);
    IWbemClassObject_Release(c);
    IWbemClassObject_Release(o);
}

static void spawn_instance_starts_from_the_defaults(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    VARIANT v;
    struct journal_rec r;
    assert_true(last_call(x->host, HPM_IWbemClassObject_SpawnInstance, &r));
    assert_int_equal(r.arg[0], (int64_t)hobject_id(hobject_from_iface(o)));

    assert_int_equal(get_i4(o, u"__GENUS"), WBEM_GENUS_INSTANCE);
    get(o, u"U8", &v, CIM_UINT8);
    assert_int_equal(v.bVal, 200);
    get(o, u"B", &v, CIM_BOOLEAN);
    assert_int_equal(v.boolVal, VARIANT_TRUE);
    get_bstr_is(o, u"Str", "def");
    assert_int_equal(get_i4(o, u"BaseCount"), 7);   /* an inherited default */
    get_is_null(o, u"S32");
    get_is_null(o, u"Name");

    /* A class object's Put changes what it spawns. */
    IWbemClassObject *cls2 = NULL;
    assert_int_equal(IWbemClassObject_Clone(x->cls, &cls2), S_OK);
    assert_int_equal(put(cls2, u"U8", v_ui1(5)), S_OK);
    IWbemClassObject *o2 = NULL;
    assert_int_equal(IWbemClassObject_SpawnInstance(cls2, 0, &o2), S_OK);
    get(o2, u"U8", &v, CIM_UINT8);
    assert_int_equal(v.bVal, 5);
    /* An instance spawns a fresh instance with the class's defaults. */
    assert_int_equal(put(o2, u"Str", v_bstr("changed")), S_OK);
    IWbemClassObject *o3 = NULL;
    assert_int_equal(IWbemClassObject_SpawnInstance(o2, 0, &o3), S_OK);
    get_bstr_is(o3, u"Str", "def");
    get(o3, u"U8", &v, CIM_UINT8);
    assert_int_equal(v.bVal, 200);

    IWbemClassObject *bad = GARBAGE;
    assert_int_equal(IWbemClassObject_SpawnInstance(x->cls, 1, &bad), WBEM_E_INVALID_PARAMETER);
    assert_null(bad);                                /* NULL on every failure */
    assert_int_equal(IWbemClassObject_SpawnInstance(x->cls, 0, NULL), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(o3);
    IWbemClassObject_Release(o2);
    IWbemClassObject_Release(cls2);
    IWbemClassObject_Release(o);
}

static void compare_to_honours_its_flags(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *a = spawn_small(x, "Name", 1), *b = spawn_small(x, "NAME", 1);
    assert_int_equal(IWbemClassObject_CompareTo(a, 0, a), WBEM_S_SAME);
    assert_int_equal(IWbemClassObject_CompareTo(a, 0, b), WBEM_S_DIFFERENT);
    assert_int_equal(IWbemClassObject_CompareTo(a, WBEM_FLAG_IGNORE_CASE, b), WBEM_S_SAME);
    assert_int_equal(put(b, u"Count", v_i4(2)), S_OK);
    assert_int_equal(IWbemClassObject_CompareTo(a, WBEM_FLAG_IGNORE_CASE, b), WBEM_S_DIFFERENT);
    VARIANT n;
    VariantInit(&n);
    n.vt = VT_NULL;
    assert_int_equal(IWbemClassObject_Put(b, u"Count", 0, &n, 0), S_OK);
    assert_int_equal(IWbemClassObject_CompareTo(a, WBEM_FLAG_IGNORE_CASE, b), WBEM_S_DIFFERENT);

    /* Instance against its class, objects of different classes. */
    assert_int_equal(IWbemClassObject_CompareTo(a, 0, x->small_cls), WBEM_S_DIFFERENT);
    IWbemClassObject *t = NULL;
    struct hobject *th = hobject_new_instance(x->host, x->threads, HP_ACTOR_PROVIDER);
    assert_non_null(th);
    t = hobject_iface(th);
    assert_int_equal(put(t, u"Name", v_bstr("Name")), S_OK);
    assert_int_equal(put(t, u"Count", v_i4(1)), S_OK);
    assert_int_equal(IWbemClassObject_CompareTo(a, 0, t), WBEM_S_DIFFERENT);
    /* IGNORE_CLASS compares the data by name; Test_Threads has one more property. */
    assert_int_equal(IWbemClassObject_CompareTo(a, WBEM_FLAG_IGNORE_CLASS, t), WBEM_S_DIFFERENT);
    IWbemClassObject *a2 = NULL;
    assert_int_equal(IWbemClassObject_Clone(a, &a2), S_OK);
    assert_int_equal(IWbemClassObject_CompareTo(a, WBEM_FLAG_IGNORE_CLASS | WBEM_FLAG_IGNORE_OBJECT_SOURCE |
                                                       WBEM_FLAG_IGNORE_QUALIFIERS | WBEM_FLAG_IGNORE_FLAVOR, a2),
                     WBEM_S_SAME);

    /* Class objects: their defaults count unless IGNORE_DEFAULT_VALUES. */
    IWbemClassObject *c2 = NULL;
    assert_int_equal(IWbemClassObject_Clone(x->cls, &c2), S_OK);
    assert_int_equal(put(c2, u"U8", v_ui1(1)), S_OK);
    assert_int_equal(IWbemClassObject_CompareTo(x->cls, 0, c2), WBEM_S_DIFFERENT);
    assert_int_equal(IWbemClassObject_CompareTo(x->cls, WBEM_FLAG_IGNORE_DEFAULT_VALUES, c2), WBEM_S_SAME);

    /* Bad arguments: NULL, flags, a provider's own object (a finding). */
    assert_int_equal(IWbemClassObject_CompareTo(a, 0, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemClassObject_CompareTo(a, 0x40, b), WBEM_E_INVALID_PARAMETER);
    struct foreign f = {{&foreign_vtbl}, 1};
    size_t before = ledger_count(&x->host->ledger, LEDGER_FOREIGN_OBJECT);
    assert_int_equal(IWbemClassObject_CompareTo(a, 0, (IWbemClassObject *)(void *)&f.IUnknown_iface),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_FOREIGN_OBJECT), before + 1);

    IWbemClassObject_Release(c2);
    IWbemClassObject_Release(a2);
    IWbemClassObject_Release(t);
    IWbemClassObject_Release(a);
    IWbemClassObject_Release(b);
}

static void inherits_from_names_strict_ancestors(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    assert_int_equal(IWbemClassObject_InheritsFrom(o, u"Test_Base"), S_OK);
    assert_int_equal(IWbemClassObject_InheritsFrom(o, u"test_base"), S_OK);
    assert_int_equal(IWbemClassObject_InheritsFrom(x->cls, u"Test_Base"), S_OK);
    assert_int_equal(IWbemClassObject_InheritsFrom(o, u"Test_All"), WBEM_S_FALSE);
    assert_int_equal(IWbemClassObject_InheritsFrom(o, u"Test_Small"), WBEM_S_FALSE);
    assert_int_equal(IWbemClassObject_InheritsFrom(o, NULL), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(o);
}

static void property_origin_is_the_declaring_class(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    BSTR s = NULL;
    assert_int_equal(IWbemClassObject_GetPropertyOrigin(o, u"Name", &s), S_OK);
    assert_bstr(s, "Test_Base");
    SysFreeString(s);
    assert_int_equal(IWbemClassObject_GetPropertyOrigin(o, u"U8", &s), S_OK);
    assert_bstr(s, "Test_All");
    SysFreeString(s);
    assert_int_equal(IWbemClassObject_GetPropertyOrigin(o, u"Nope", &s), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemClassObject_GetPropertyOrigin(o, u"U8", NULL), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(o);
}

static void delete_resets_an_instance_property_to_its_default(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    assert_int_equal(put(o, u"Str", v_bstr("mine")), S_OK);
    assert_int_equal(put(o, u"U8", v_ui1(1)), S_OK);
    assert_int_equal(put(o, u"S32", v_i4(1)), S_OK);
    assert_int_equal(IWbemClassObject_Delete(o, u"Str"), WBEM_S_RESET_TO_DEFAULT);
    assert_int_equal(IWbemClassObject_Delete(o, u"U8"), WBEM_S_RESET_TO_DEFAULT);
    assert_int_equal(IWbemClassObject_Delete(o, u"S32"), WBEM_S_RESET_TO_DEFAULT);
    get_bstr_is(o, u"Str", "def");
    VARIANT v;
    get(o, u"U8", &v, CIM_UINT8);
    assert_int_equal(v.bVal, 200);
    get_is_null(o, u"S32");
    assert_int_equal(IWbemClassObject_Delete(o, u"Nope"), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemClassObject_Delete(o, u"__PATH"), (HRESULT)0x80041030);
    assert_int_equal(IWbemClassObject_Delete(x->cls, u"U8"), WBEM_E_NOT_SUPPORTED);
    IWbemClassObject_Release(o);
}

/* ---- Object text ------------------------------------------------------------- */

static char *object_text(IWbemClassObject *o, LONG flags)
{
    BSTR b = NULL;
    assert_int_equal(IWbemClassObject_GetObjectText(o, flags, &b), S_OK);
    char *u = utf8_of(b, SysStringLen(b));
    SysFreeString(b);
    return u;
}

static void object_text_is_mof_the_reader_accepts(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn_small(x, "x\"y \xC3\xA9", 3);
    char *text = object_text(o, 0);
    assert_string_equal(text, "instance of Test_Small\n{\n\tName = \"x\\\"y \xC3\xA9\";\n\tCount = 3;\n};\n");
    char *host_text = hobject_text(hobject_from_iface(o));
    assert_string_equal(host_text, text);
    free(host_text);

    /* The class declaration and the instance read back into a new repository. */
    char *cls_text = object_text(x->small_cls, 0);
    assert_non_null(strstr(cls_text, "class Test_Small\n{\n"));
    assert_non_null(strstr(cls_text, "string Name;\n"));
    assert_non_null(strstr(cls_text, "\tuint32 Count;\n"));
    struct repo *r = repo_new();
    assert_non_null(r);
    if (mof_load_buffer(r, "class.mof", cls_text, strlen(cls_text)) != 0 ||
        mof_load_buffer(r, "inst.mof", text, strlen(text)) != 0)
        fail_msg("%s\n%s%s", hp_error_message(), cls_text, text);
    const struct repo_class *rc = repo_class(r, "Test_Small");
    assert_non_null(rc);
    assert_true(rc->props[repo_prop_index(rc, "Name")].key);
    const struct repo_instance *ri = NULL;
    for (size_t i = 0; i < repo_instance_count(r); i++)
        if (repo_instance_at(r, i)->cls == rc)
            ri = repo_instance_at(r, i);
    assert_non_null(ri);
    assert_string_equal(ri->values[repo_prop_index(rc, "Name")].v.s, "x\"y \xC3\xA9");
    assert_int_equal(ri->values[repo_prop_index(rc, "Count")].v.u, 3);
    repo_free(r);
    free(cls_text);
    free(text);

    /* NULL properties are left out. */
    IWbemClassObject *e = spawn_small(x, "only", -1);
    text = object_text(e, 0);
    assert_string_equal(text, "instance of Test_Small\n{\n\tName = \"only\";\n};\n");
    free(text);

    /* Every type of Test_All, with the base class, reads back. */
    IWbemClassObject *all = spawn(x);
    assert_int_equal(put(all, u"Name", v_bstr("n")), S_OK);
    assert_int_equal(put(all, u"id", v_i4(1)), S_OK);
    assert_int_equal(put(all, u"C16", v_i2('q')), S_OK);
    assert_int_equal(put(all, u"R32", v_r4(0.1f)), S_OK);
    assert_int_equal(put(all, u"S64", v_bstr("-5")), S_OK);
    VARIANT v;
    VariantInit(&v);
    v.vt = VT_UNKNOWN;
    v.punkVal = (IUnknown *)(void *)e;
    assert_int_equal(IWbemClassObject_Put(all, u"Obj", 0, &v, 0), S_OK);
    struct hobject *basecls = hobject_new_class(x->host, x->base, HP_ACTOR_HOST);
    char *base_text = object_text(hobject_iface(basecls), 0);
    assert_non_null(strstr(base_text, "[abstract: Restricted, Description(\"base\"): ToInstance]\nclass Test_Base\n"));
    assert_non_null(strstr(base_text, "\t[key: DisableOverride] string Name;\n"));
    char *nf = object_text(hobject_iface(basecls), 1);   /* WBEM_FLAG_NO_FLAVORS */
    assert_non_null(strstr(nf, "[abstract, Description(\"base\")]\nclass Test_Base\n"));
    free(nf);
    char *all_cls = object_text(x->cls, 0);
    assert_non_null(strstr(all_cls, "class Test_All : Test_Base\n{\n"));
    assert_non_null(strstr(all_cls, "\tuint8 U8 = 200;\n"));
    assert_non_null(strstr(all_cls, "\t[MyQual(\"x\")] string Str = \"def\";\n"));
    assert_non_null(strstr(all_cls, "\tTest_Base ref Ref;\n"));
    assert_non_null(strstr(all_cls, "\tuint32 Arr[];\n"));
    assert_non_null(strstr(all_cls, "\tTest_Base Obj;\n"));
    assert_null(strstr(all_cls, "BaseCount"));   /* inherited: declared by the base */
    char *all_text = object_text(all, 0);
    assert_non_null(strstr(all_text, "\tObj = instance of Test_Small\n\t{\n\t\tName = \"only\";\n\t};\n"));
    free(all_text);
    /* Our MOF reader takes no embedded instances (mofcomp does): read the rest back. */
    assert_int_equal(IWbemClassObject_Put(all, u"Obj", 0, NULL, 0), S_OK);
    all_text = object_text(all, 0);
    r = repo_new();
    if (mof_load_buffer(r, "base.mof", base_text, strlen(base_text)) != 0 ||
        mof_load_buffer(r, "small.mof", "class Test_Small { [key] string Name; uint32 Count; };", 54) != 0 ||
        mof_load_buffer(r, "all.mof", all_cls, strlen(all_cls)) != 0 ||
        mof_load_buffer(r, "inst.mof", all_text, strlen(all_text)) != 0)
        fail_msg("%s\n%s%s%s", hp_error_message(), base_text, all_cls, all_text);
    rc = repo_class(r, "Test_All");
    assert_int_equal(rc->nprops, ALL_PROPS);
    repo_free(r);
    free(base_text);
    free(all_cls);
    free(all_text);
    hobj_unref(hobject_hobj(basecls), HP_ACTOR_HOST);

    BSTR b;
    assert_int_equal(IWbemClassObject_GetObjectText(o, 2, &b), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemClassObject_GetObjectText(o, 0, NULL), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(all);
    IWbemClassObject_Release(e);
    IWbemClassObject_Release(o);
}

/* ---- System properties -------------------------------------------------------- */

static void system_properties_of_instances_and_classes(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    VARIANT v;
    char want[512];
    const char *server = hobject_server_name();
    assert_true(server[0] != 0);
    assert_null(strchr(server, '.'));

    assert_int_equal(put(o, u"Name", v_bstr("a\"b")), S_OK);
    /* A key is NULL: no path yet. */
    get_is_null(o, u"__RELPATH");
    get_is_null(o, u"__PATH");
    assert_int_equal(put(o, u"id", v_i4(5)), S_OK);

    get(o, u"__CLASS", &v, CIM_STRING);
    assert_bstr(v.bstrVal, "Test_All");
    VariantClear(&v);
    get(o, u"__SUPERCLASS", &v, CIM_STRING);
    assert_bstr(v.bstrVal, "Test_Base");
    VariantClear(&v);
    get(o, u"__DYNASTY", &v, CIM_STRING);
    assert_bstr(v.bstrVal, "Test_Base");
    VariantClear(&v);
    get(o, u"__GENUS", &v, CIM_SINT32);
    assert_int_equal(v.lVal, 2);
    /* Keys in alphabetical order, case-insensitively: id before Name. */
    get(o, u"__RELPATH", &v, CIM_STRING);
    assert_bstr(v.bstrVal, "Test_All.id=5,Name=\"a\\\"b\"");
    VariantClear(&v);
    get(o, u"__PATH", &v, CIM_STRING);
    snprintf(want, sizeof want, "\\\\%s\\root\\test:Test_All.id=5,Name=\"a\\\"b\"", server);
    assert_bstr(v.bstrVal, want);
    VariantClear(&v);
    get(o, u"__NAMESPACE", &v, CIM_STRING);
    assert_bstr(v.bstrVal, "root\\test");
    VariantClear(&v);
    get(o, u"__SERVER", &v, CIM_STRING);
    assert_bstr(v.bstrVal, server);
    VariantClear(&v);
    get(o, u"__DERIVATION", &v, CIM_STRING | CIM_FLAG_ARRAY);
    assert_int_equal(v.vt, VT_ARRAY | VT_BSTR);
    assert_int_equal(v.parray->rgsabound[0].cElements, 1);
    assert_bstr(((BSTR *)v.parray->pvData)[0], "Test_Base");
    VariantClear(&v);
    get(o, u"__PROPERTY_COUNT", &v, CIM_SINT32);
    assert_int_equal(v.lVal, ALL_PROPS);

    /* The path parses back and names this instance. */
    char *path = hobject_path(hobject_from_iface(o));
    struct objpath p;
    assert_int_equal(objpath_parse(&p, path), 0);
    assert_string_equal(p.server, server);
    assert_string_equal(p.ns, "root\\test");
    assert_string_equal(objpath_find_key(&p, "Name")->value.v.s, "a\"b");
    objpath_free(&p);
    free(path);

    /* A class object. */
    assert_int_equal(get_i4(x->cls, u"__GENUS"), 1);
    get(x->cls, u"__RELPATH", &v, CIM_STRING);
    assert_bstr(v.bstrVal, "Test_All");
    VariantClear(&v);
    get(x->cls, u"__PATH", &v, CIM_STRING);
    snprintf(want, sizeof want, "\\\\%s\\root\\test:Test_All", server);
    assert_bstr(v.bstrVal, want);
    VariantClear(&v);
    struct hobject *base = hobject_new_class(x->host, x->base, HP_ACTOR_HOST);
    get_is_null(hobject_iface(base), u"__SUPERCLASS");
    get(hobject_iface(base), u"__DERIVATION", &v, CIM_STRING | CIM_FLAG_ARRAY);
    assert_int_equal(v.parray->rgsabound[0].cElements, 0);
    VariantClear(&v);
    get_bstr_is(hobject_iface(base), u"__DYNASTY", "Test_Base");
    hobj_unref(hobject_hobj(base), HP_ACTOR_HOST);

    /* Singletons and classes without keys. */
    struct hobject *s = hobject_new_instance(x->host, x->single, HP_ACTOR_HOST);
    get_bstr_is(hobject_iface(s), u"__RELPATH", "Test_Single=@");
    hobj_unref(hobject_hobj(s), HP_ACTOR_HOST);
    struct hobject *nk = hobject_new_instance(x->host, x->nokey, HP_ACTOR_HOST);
    get_is_null(hobject_iface(nk), u"__RELPATH");
    assert_null(hobject_relpath(nk));
    hobj_unref(hobject_hobj(nk), HP_ACTOR_HOST);

    IWbemQualifierSet *qs = (IWbemQualifierSet *)(uintptr_t)1;
    assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(o, u"__PATH", &qs), (HRESULT)0x80041030);
    assert_null(qs);
    IWbemClassObject_Release(o);
}

/* ---- Qualifier sets --------------------------------------------------------------- */

static char *qual_names(IWbemQualifierSet *qs, LONG flags)
{
    SAFEARRAY *sa = NULL;
    assert_int_equal(IWbemQualifierSet_GetNames(qs, flags, &sa), S_OK);
    struct hp_buf b = {0};
    hp_buf_puts(&b, "");
    for (ULONG i = 0; i < sa->rgsabound[0].cElements; i++) {
        BSTR n = ((BSTR *)sa->pvData)[i];
        char *u = utf8_of(n, SysStringLen(n));
        hp_buf_printf(&b, "%s%s", i ? "," : "", u);
        free(u);
    }
    SafeArrayDestroy(sa);
    return hp_buf_steal(&b);
}

static void qualifier_sets_read_the_repository(void **state)
{
    struct fx *x = *state;
    IWbemQualifierSet *qs = NULL;
    VARIANT v;
    LONG fl;
    char *s;

    assert_int_equal(IWbemClassObject_GetQualifierSet(x->cls, &qs), S_OK);
    VariantInit(&v);
    assert_int_equal(IWbemQualifierSet_Get(qs, u"provider", 0, &v, &fl), S_OK);
    assert_int_equal(v.vt, VT_BSTR);
    assert_bstr(v.bstrVal, "TestProv");
    assert_int_equal(fl & WBEM_FLAVOR_MASK_ORIGIN, WBEM_FLAVOR_ORIGIN_LOCAL);
    VariantClear(&v);
    assert_int_equal(IWbemQualifierSet_Get(qs, u"Dynamic", 0, &v, NULL), S_OK);
    assert_int_equal(v.vt, VT_BOOL);
    assert_int_equal(v.boolVal, VARIANT_TRUE);
    /* Inherited from the base (ToSubclass), marked propagated. */
    assert_int_equal(IWbemQualifierSet_Get(qs, u"Description", 0, &v, &fl), S_OK);
    assert_bstr(v.bstrVal, "base");
    assert_int_equal(fl & WBEM_FLAVOR_MASK_ORIGIN, WBEM_FLAVOR_ORIGIN_PROPAGATED);
    assert_true(fl & WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE);
    VariantClear(&v);
    /* abstract is Restricted: it stays with the base. */
    assert_int_equal(IWbemQualifierSet_Get(qs, u"abstract", 0, &v, &fl), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemQualifierSet_Get(qs, NULL, 0, &v, &fl), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemQualifierSet_Get(qs, u"provider", 1, &v, &fl), WBEM_E_INVALID_PARAMETER);
    s = qual_names(qs, 0);
    assert_string_equal(s, "dynamic,provider,hiperf,Description");
    free(s);
    s = qual_names(qs, WBEM_FLAG_LOCAL_ONLY);
    assert_string_equal(s, "dynamic,provider,hiperf");
    free(s);
    s = qual_names(qs, WBEM_FLAG_PROPAGATED_ONLY);
    assert_string_equal(s, "Description");
    free(s);
    SAFEARRAY *sa = NULL;
    assert_int_equal(IWbemQualifierSet_GetNames(qs, 0x40, &sa), WBEM_E_INVALID_PARAMETER);

    /* Read access only. */
    VARIANT nv = v_i4(1);
    assert_int_equal(IWbemQualifierSet_Put(qs, u"New", &nv, 0), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(IWbemQualifierSet_Delete(qs, u"provider"), WBEM_E_NOT_SUPPORTED);
    assert_true(journal_has(x->host, "IWbemQualifierSet::Put is not simulated"));
    assert_int_equal(IWbemQualifierSet_Get(qs, u"provider", 0, NULL, &fl), S_OK);

    /* Enumeration. */
    BSTR name;
    assert_int_equal(IWbemQualifierSet_Next(qs, 0, &name, &v, &fl), WBEM_E_UNEXPECTED);
    assert_int_equal(IWbemQualifierSet_BeginEnumeration(qs, WBEM_FLAG_PROPAGATED_ONLY), S_OK);
    VariantInit(&v);
    assert_int_equal(IWbemQualifierSet_Next(qs, 0, &name, &v, &fl), S_OK);
    assert_bstr(name, "Description");
    assert_bstr(v.bstrVal, "base");
    SysFreeString(name);
    VariantClear(&v);
    assert_int_equal(IWbemQualifierSet_Next(qs, 0, &name, &v, &fl), WBEM_S_NO_MORE_DATA);
    assert_int_equal(IWbemQualifierSet_EndEnumeration(qs), S_OK);
    assert_int_equal(IWbemQualifierSet_BeginEnumeration(qs, 7), WBEM_E_INVALID_PARAMETER);

    /* COM rules. */
    void *p = NULL;
    assert_int_equal(IWbemQualifierSet_QueryInterface(qs, &IID_IUnknown, &p), S_OK);
    assert_ptr_equal(p, qs);
    IWbemQualifierSet_Release(qs);
    p = qs;
    assert_int_equal(IWbemQualifierSet_QueryInterface(qs, &IID_IWbemClassObject, &p), E_NOINTERFACE);
    assert_null(p);
    IWbemQualifierSet_Release(qs);

    /* An instance sees the class's qualifiers as propagated ones. */
    IWbemClassObject *o = spawn(x);
    assert_int_equal(IWbemClassObject_GetQualifierSet(o, &qs), S_OK);
    s = qual_names(qs, WBEM_FLAG_LOCAL_ONLY);
    assert_string_equal(s, "");
    free(s);
    s = qual_names(qs, WBEM_FLAG_PROPAGATED_ONLY);
    assert_string_equal(s, "dynamic,provider,hiperf,Description");
    free(s);
    IWbemQualifierSet_Release(qs);

    /* Property qualifiers, with the CIMTYPE WMI adds. */
    assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(o, u"name", &qs), S_OK);
    VariantInit(&v);
    assert_int_equal(IWbemQualifierSet_Get(qs, u"key", 0, &v, &fl), S_OK);
    assert_int_equal(v.vt, VT_BOOL);
    assert_int_equal(v.boolVal, VARIANT_TRUE);
    assert_int_equal(IWbemQualifierSet_Get(qs, u"CIMTYPE", 0, &v, &fl), S_OK);
    assert_bstr(v.bstrVal, "string");
    VariantClear(&v);
    IWbemQualifierSet_Release(qs);
    static const struct {
        LPCWSTR prop;
        const char *cimtype;
    } cimtypes[] = {{u"Ref", "ref:Test_Base"}, {u"Obj", "object:Test_Base"}, {u"ObjArr", "object"},
                    {u"Arr", "uint32"}, {u"Dt", "datetime"}, {u"C16", "char16"}};
    for (size_t i = 0; i < sizeof cimtypes / sizeof cimtypes[0]; i++) {
        assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(x->cls, cimtypes[i].prop, &qs), S_OK);
        VariantInit(&v);
        assert_int_equal(IWbemQualifierSet_Get(qs, u"CIMTYPE", 0, &v, NULL), S_OK);
        assert_bstr(v.bstrVal, cimtypes[i].cimtype);
        VariantClear(&v);
        IWbemQualifierSet_Release(qs);
    }
    assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(x->cls, u"Str", &qs), S_OK);
    s = qual_names(qs, WBEM_FLAG_LOCAL_ONLY);
    assert_string_equal(s, "MyQual,CIMTYPE");
    free(s);
    IWbemQualifierSet_Release(qs);
    assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(x->cls, u"Name", &qs), S_OK);
    s = qual_names(qs, WBEM_FLAG_PROPAGATED_ONLY);
    assert_string_equal(s, "key,CIMTYPE");
    free(s);
    IWbemQualifierSet_Release(qs);
    assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(o, u"Nope", &qs), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(o, u"Name", NULL), WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(o);
}

/* ---- COM rules, Lock ---------------------------------------------------------------- */

static void query_interface_gives_one_pointer_for_three_iids(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    void *p = (void *)1;
    assert_int_equal(IWbemClassObject_QueryInterface(o, &IID_IUnknown, NULL), E_POINTER);
    assert_int_equal(IWbemClassObject_QueryInterface(o, &IID_IWbemObjectAccess, &p), S_OK);
    assert_ptr_equal(p, o);
    assert_int_equal(held_by(o, HP_ACTOR_PROVIDER), 2);
    IWbemObjectAccess *a = p;
    assert_int_equal(IWbemObjectAccess_QueryInterface(a, &IID_IWbemClassObject, &p), S_OK);
    assert_ptr_equal(p, o);
    assert_int_equal(IWbemObjectAccess_QueryInterface(a, &IID_IUnknown, &p), S_OK);
    assert_ptr_equal(p, o);
    assert_int_equal(held_by(o, HP_ACTOR_PROVIDER), 4);
    p = (void *)1;
    assert_int_equal(IWbemClassObject_QueryInterface(o, &IID_IWbemServices, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(held_by(o, HP_ACTOR_PROVIDER), 4);
    assert_int_equal(IWbemClassObject_AddRef(o), 5);
    for (int i = 0; i < 4; i++)
        IWbemClassObject_Release(o);
    assert_int_equal(IWbemClassObject_Release(o), 0);
    assert_false(hobj_alive(hobject_hobj(hobject_from_iface(o))));
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);

    struct foreign f = {{&foreign_vtbl}, 1};
    assert_null(hobject_from_iface(&f.IUnknown_iface));
    assert_null(hobject_from_iface(NULL));
}

struct lock_arg {
    IWbemObjectAccess *a;
    _Atomic int got;
};

static void *lock_thread(void *p)
{
    struct lock_arg *arg = p;
    hp_actor_set(HP_ACTOR_PROVIDER);
    IWbemObjectAccess_Lock(arg->a, 0);
    atomic_store(&arg->got, 1);
    IWbemObjectAccess_Unlock(arg->a, 0);
    return NULL;
}

static void lock_excludes_other_threads_until_unlock(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    IWbemObjectAccess *a = oa(o);
    assert_int_equal(IWbemObjectAccess_Lock(a, 0), S_OK);
    assert_int_equal(IWbemObjectAccess_Lock(a, 0), S_OK);   /* recursive for its holder */
    struct lock_arg arg = {a, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, lock_thread, &arg), 0);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&arg.got), 0);
    /* Handle writes do not take the Lock (as on Windows). */
    assert_int_equal(IWbemObjectAccess_WriteDWORD(a, handle(o, u"U32"), 1), S_OK);
    assert_int_equal(IWbemObjectAccess_Unlock(a, 0), S_OK);
    nanosleep(&ts, NULL);
    assert_int_equal(atomic_load(&arg.got), 0);   /* still held once */
    assert_int_equal(IWbemObjectAccess_Unlock(a, 0), S_OK);
    pthread_join(t, NULL);
    assert_int_equal(atomic_load(&arg.got), 1);
    assert_int_equal(IWbemObjectAccess_Unlock(a, 0), WBEM_E_INVALID_OPERATION);
    assert_true(journal_has(x->host, "by a thread that does not hold its Lock"));
    IWbemClassObject_Release(o);
}

static void methods_wmi_providers_never_need_are_not_simulated(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *in = (IWbemClassObject *)(uintptr_t)1, *out = (IWbemClassObject *)(uintptr_t)1;
    assert_int_equal(IWbemClassObject_GetMethod(x->cls, u"Reset", 0, &in, &out), WBEM_E_NOT_SUPPORTED);
    assert_null(in);
    assert_null(out);
    assert_true(journal_has(x->host, "IWbemClassObject::GetMethod is not simulated"));
    assert_int_equal(IWbemClassObject_SpawnDerivedClass(x->cls, 0, &out), WBEM_E_NOT_SUPPORTED);
    assert_null(out);
    assert_int_equal(IWbemClassObject_BeginMethodEnumeration(x->cls, 0), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(IWbemClassObject_PutMethod(x->cls, u"M", 0, NULL, NULL), WBEM_E_NOT_SUPPORTED);
    assert_int_equal(IWbemClassObject_DeleteMethod(x->cls, u"M"), WBEM_E_NOT_SUPPORTED);
    BSTR b = (BSTR)(uintptr_t)1;
    assert_int_equal(IWbemClassObject_NextMethod(x->cls, 0, &b, NULL, NULL), WBEM_E_NOT_SUPPORTED);
    assert_null(b);
    assert_int_equal(IWbemClassObject_EndMethodEnumeration(x->cls), WBEM_E_NOT_SUPPORTED);
    IWbemQualifierSet *qs = (IWbemQualifierSet *)(uintptr_t)1;
    assert_int_equal(IWbemClassObject_GetMethodQualifierSet(x->cls, u"M", &qs), WBEM_E_NOT_SUPPORTED);
    assert_null(qs);
    b = (BSTR)(uintptr_t)1;
    assert_int_equal(IWbemClassObject_GetMethodOrigin(x->cls, u"M", &b), WBEM_E_NOT_SUPPORTED);
    assert_null(b);
}

/* ---- Ledger findings and faults ---------------------------------------------------- */

static void over_release_is_a_finding_and_later_calls_are_poisoned(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    struct hobj *h = hobject_hobj(hobject_from_iface(o));
    hobj_ref(h, HP_ACTOR_HOST);   /* the host keeps it alive meanwhile */
    assert_int_equal(IWbemClassObject_Release(o), 1);
    assert_int_equal(IWbemClassObject_Release(o), 1);   /* one too many */
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_OVER_RELEASE), 1);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_PROVIDER]), 0);
    assert_int_equal(atomic_load(&h->by[HP_ACTOR_HOST]), 1);
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, u"U8", 0, &v, NULL, NULL), S_OK);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_POISONED_USE), 1);
    assert_true(journal_has(x->host, "ledger: over-release"));
    hobj_unref(h, HP_ACTOR_HOST);
    assert_false(hobj_alive(h));
}

static void a_reference_kept_is_reported_as_a_leak(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x), *kept = NULL;
    assert_int_equal(IWbemClassObject_Clone(o, &kept), S_OK);
    IWbemClassObject_Release(o);
    assert_int_equal(ledger_check_leaks(&x->host->ledger, HP_ACTOR_PROVIDER), 1);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_LEAK), 1);
    assert_int_equal(x->host->ledger.findings[0].obj, hobject_id(hobject_from_iface(kept)));
    IWbemClassObject_Release(kept);
    assert_int_equal(ledger_check_leaks(&x->host->ledger, HP_ACTOR_PROVIDER), 0);
}

static void a_call_after_the_last_release_fails_without_a_crash(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    LONG h = handle(o, u"U32");
    assert_int_equal(put(o, u"Str", v_bstr("freed on death")), S_OK);
    assert_int_equal(IWbemClassObject_Release(o), 0);
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, u"Str", 0, &v, NULL, NULL), CO_E_OBJNOTCONNECTED);
    assert_int_equal(v.vt, VT_EMPTY);
    assert_int_equal(IWbemObjectAccess_WriteDWORD(oa(o), h, 1), CO_E_OBJNOTCONNECTED);
    assert_int_equal(IWbemClassObject_AddRef(o), 0);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_USE_AFTER_RELEASE), 3);
}

static void fault_injection_fails_exactly_the_chosen_call(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *o = spawn(x);
    assert_int_equal(faults_add(&x->host->faults, HPM_IWbemClassObject_Get, FAULT_NTH, 2, 0, 0,
                                WBEM_E_PROVIDER_FAILURE), 0);
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, u"U8", 0, &v, NULL, NULL), S_OK);
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(o, u"U8", 0, &v, NULL, NULL), WBEM_E_PROVIDER_FAILURE);
    assert_int_equal(v.vt, VT_EMPTY);   /* untouched */
    assert_int_equal(IWbemClassObject_Get(o, u"U8", 0, &v, NULL, NULL), S_OK);
    assert_int_equal(faults_fired(&x->host->faults, HPM_IWbemClassObject_Get), 1);
    struct journal_rec r;
    assert_true(last_call(x->host, HPM_IWbemClassObject_Get, &r));
    assert_int_equal(r.hr, S_OK);

    /* A failing host allocation makes Clone report out of memory. */
    faults_clear(&x->host->faults);
    assert_int_equal(faults_add(&x->host->faults, HPM_HOST_ALLOC, FAULT_FROM, 1, 0, 0, E_OUTOFMEMORY), 0);
    IWbemClassObject *c = (IWbemClassObject *)(uintptr_t)1;
    assert_int_equal(IWbemClassObject_Clone(o, &c), WBEM_E_OUT_OF_MEMORY);
    assert_null(c);
    assert_int_equal(IWbemClassObject_SpawnInstance(x->cls, 0, &c), WBEM_E_OUT_OF_MEMORY);
    IWbemQualifierSet *qs = NULL;
    assert_int_equal(IWbemClassObject_GetQualifierSet(o, &qs), WBEM_E_OUT_OF_MEMORY);
    faults_clear(&x->host->faults);
    IWbemClassObject_Release(o);
}

/* Calls every IWbemClassObject/IWbemObjectAccess method of o with an [out]
 * interface pointer, BSTR or SAFEARRAY, each expected to fail with `want`
 * at its entry (h: a valid handle of o), and checks they came back NULL. */
static void expect_null_object_outs(IWbemClassObject *o, LONG h, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemClassObject_QueryInterface(o, &IID_IWbemObjectAccess, &p), want);
    assert_null(p);
    IWbemQualifierSet *qs = GARBAGE;
    assert_int_equal(IWbemClassObject_GetQualifierSet(o, &qs), want);
    assert_null(qs);
    qs = GARBAGE;
    assert_int_equal(IWbemClassObject_GetPropertyQualifierSet(o, u"Str", &qs), want);
    assert_null(qs);
    SAFEARRAY *sa = GARBAGE;
    assert_int_equal(IWbemClassObject_GetNames(o, NULL, WBEM_FLAG_ALWAYS, NULL, &sa), want);
    assert_null(sa);
    BSTR b = GARBAGE;
    assert_int_equal(IWbemClassObject_Next(o, 0, &b, NULL, NULL, NULL), want);
    assert_null(b);
    IWbemClassObject *c = GARBAGE;
    assert_int_equal(IWbemClassObject_Clone(o, &c), want);
    assert_null(c);
    c = GARBAGE;
    assert_int_equal(IWbemClassObject_SpawnInstance(o, 0, &c), want);
    assert_null(c);
    b = GARBAGE;
    assert_int_equal(IWbemClassObject_GetObjectText(o, 0, &b), want);
    assert_null(b);
    b = GARBAGE;
    assert_int_equal(IWbemClassObject_GetPropertyOrigin(o, u"Str", &b), want);
    assert_null(b);
    b = GARBAGE;
    CIMTYPE t = 0x7777;
    assert_int_equal(IWbemObjectAccess_GetPropertyInfoByHandle(oa(o), h, &b, &t), want);
    assert_null(b);
    assert_int_equal(t, 0x7777);           /* not an [out] pointer: left alone */
}

static const enum hp_method object_out_methods[] = {
    HPM_IWbemClassObject_QueryInterface, HPM_IWbemClassObject_GetQualifierSet,
    HPM_IWbemClassObject_GetPropertyQualifierSet, HPM_IWbemClassObject_GetNames,
    HPM_IWbemClassObject_Next, HPM_IWbemClassObject_Clone, HPM_IWbemClassObject_SpawnInstance,
    HPM_IWbemClassObject_GetObjectText, HPM_IWbemClassObject_GetPropertyOrigin,
    HPM_IWbemObjectAccess_GetPropertyInfoByHandle,
};

/* COM-OUT-NULL-ON-FAILURE, kept by the host itself: an injected fault and
 * a dead object fail the call at its entry, the [out] pointers NULL. */
static void object_out_pointers_are_null_when_a_fault_or_death_fails_the_call(void **state)
{
    struct fx *x = *state;
    struct faults *f = &x->host->faults;
    IWbemClassObject *o = spawn(x);
    LONG h = handle(o, u"U32");
    assert_int_equal(IWbemClassObject_BeginEnumeration(o, 0), S_OK);
    size_t n = sizeof object_out_methods / sizeof *object_out_methods;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(faults_add(f, object_out_methods[i], FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_object_outs(o, h, E_FAIL);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(faults_fired(f, object_out_methods[i]), 1);
    assert_int_equal(held_by(o, HP_ACTOR_PROVIDER), 1);      /* nothing handed out */
    assert_int_equal(ledger_held(&x->host->ledger, HP_ACTOR_PROVIDER), 1);

    assert_int_equal(IWbemClassObject_Release(o), 0);         /* the last reference */
    expect_null_object_outs(o, h, CO_E_OBJNOTCONNECTED);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_USE_AFTER_RELEASE), n);
}

/* The same for a qualifier set: QueryInterface, GetNames, Next. */
static void expect_null_qualset_outs(IWbemQualifierSet *qs, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemQualifierSet_QueryInterface(qs, &IID_IWbemQualifierSet, &p), want);
    assert_null(p);
    SAFEARRAY *sa = GARBAGE;
    assert_int_equal(IWbemQualifierSet_GetNames(qs, 0, &sa), want);
    assert_null(sa);
    BSTR b = GARBAGE;
    assert_int_equal(IWbemQualifierSet_Next(qs, 0, &b, NULL, NULL), want);
    assert_null(b);
}

static void qualifier_set_out_pointers_are_null_when_a_fault_or_death_fails_the_call(void **state)
{
    struct fx *x = *state;
    struct faults *f = &x->host->faults;
    IWbemQualifierSet *qs = NULL;
    assert_int_equal(IWbemClassObject_GetQualifierSet(x->cls, &qs), S_OK);
    assert_int_equal(IWbemQualifierSet_BeginEnumeration(qs, 0), S_OK);
    assert_int_equal(faults_add(f, HPM_IWbemQualifierSet_QueryInterface, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemQualifierSet_GetNames, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemQualifierSet_Next, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_qualset_outs(qs, E_FAIL);
    assert_int_equal(ledger_held(&x->host->ledger, HP_ACTOR_PROVIDER), 1);   /* only qs */

    assert_int_equal(IWbemQualifierSet_Release(qs), 0);      /* the last reference */
    expect_null_qualset_outs(qs, CO_E_OBJNOTCONNECTED);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_USE_AFTER_RELEASE), 3);
}

/* ---- The host's own API -------------------------------------------------------------- */

static void host_side_values_paths_and_copies(void **state)
{
    struct fx *x = *state;
    struct hobject *o = hobject_new_instance(x->host, x->all, HP_ACTOR_HOST);
    assert_non_null(o);
    assert_true(hobject_is_instance(o));
    assert_ptr_equal(hobject_class(o), x->all);
    assert_ptr_equal(hclass_repo(hobject_layout(o)), x->all);

    struct cim_value v = cim_null(CIM_SINT64), got;
    v.null = false;
    v.v.i = 250;
    assert_int_equal(hobject_set(o, "u8", &v), 0);
    assert_int_equal(hobject_get(o, "U8", &got), 0);
    assert_int_equal(got.type, CIM_UINT8);
    assert_int_equal(got.v.u, 250);
    v.v.i = 300;
    assert_int_equal(hobject_set(o, "U8", &v), HP_EINVAL);
    assert_int_equal(hobject_set(o, "__CLASS", &v), HP_EINVAL);
    assert_int_equal(hobject_set(o, "Nope", &v), HP_ENOTFOUND);
    assert_int_equal(hobject_get(o, "Nope", &got), HP_ENOTFOUND);
    assert_int_equal(hobject_get(o, "Obj", &got), 0);   /* a NULL object is a NULL value */
    assert_true(got.null);
    assert_int_equal(hobject_get(o, "__CLASS", &got), 0);
    assert_string_equal(got.v.s, "Test_All");
    cim_value_clear(&got);
    assert_true(hobject_is_null_at(o, 0));
    assert_null(hobject_relpath(o));

    /* Keys from a path; the shorthand needs a single-key class. */
    struct objpath p;
    assert_int_equal(objpath_parse(&p, "Test_All.Name=\"K\\\\1\",id=9"), 0);
    assert_int_equal(hobject_set_keys(o, &p), 0);
    objpath_free(&p);
    char *rel = hobject_relpath(o);
    assert_string_equal(rel, "Test_All.id=9,Name=\"K\\\\1\"");
    free(rel);
    assert_int_equal(hobject_get(o, "__RELPATH", &got), 0);
    assert_string_equal(got.v.s, "Test_All.id=9,Name=\"K\\\\1\"");
    cim_value_clear(&got);
    assert_int_equal(objpath_parse(&p, "Test_All=\"x\""), 0);
    assert_int_equal(hobject_set_keys(o, &p), HP_EINVAL);
    objpath_free(&p);
    assert_int_equal(objpath_parse(&p, "Test_All.U8=1,Name=\"x\""), 0);
    assert_int_equal(hobject_set_keys(o, &p), HP_EINVAL);   /* U8 is no key */
    objpath_free(&p);
    struct hobject *fresh = hobject_new_instance(x->host, x->all, HP_ACTOR_HOST);
    assert_int_equal(objpath_parse(&p, "Test_All.Name=\"x\""), 0);
    assert_int_equal(hobject_set_keys(fresh, &p), HP_EINVAL);   /* id missing */
    objpath_free(&p);

    /* Key equality: string keys ignore case. */
    assert_int_equal(objpath_parse(&p, "Test_All.NAME=\"k\\\\1\",ID=9"), 0);
    assert_int_equal(hobject_set_keys(fresh, &p), 0);
    objpath_free(&p);
    assert_true(hobject_key_equal(o, fresh));
    v.v.i = 10;
    assert_int_equal(hobject_set(fresh, "id", &v), 0);
    assert_false(hobject_key_equal(o, fresh));

    /* copy_values: everything, strings reusing buffers, independent after. */
    struct cim_value s = cim_null(CIM_STRING);
    s.null = false;
    s.v.s = (char *)"a long string that the destination will have to hold";
    assert_int_equal(hobject_set(fresh, "Str", &s), 0);
    s.v.s = (char *)"short";
    assert_int_equal(hobject_set(o, "Str", &s), 0);
    assert_int_equal(hobject_copy_values(fresh, o), 0);
    assert_int_equal(IWbemClassObject_CompareTo(hobject_iface(fresh), 0, hobject_iface(o)), WBEM_S_SAME);
    assert_true(hobject_key_equal(o, fresh));
    s.v.s = (char *)"changed";
    assert_int_equal(hobject_set(o, "Str", &s), 0);
    assert_int_equal(hobject_get(fresh, "Str", &got), 0);
    assert_string_equal(got.v.s, "short");
    cim_value_clear(&got);
    struct hobject *small = hobject_new_instance(x->host, x->small, HP_ACTOR_HOST);
    assert_int_equal(hobject_copy_values(small, o), HP_EINVAL);
    assert_int_equal(hobject_copy_values(o, o), 0);

    /* Arrays by index. */
    int arr = repo_prop_index(x->all, "Arr");
    struct cim_value a = cim_null(CIM_SINT32 | CIM_FLAG_ARRAY);
    struct cim_array items = {2, (struct cim_value[]){{CIM_SINT32, false, {.i = 4}}, {CIM_SINT32, false, {.i = 5}}}};
    a.null = false;
    a.v.a = &items;
    assert_int_equal(hobject_set_at(o, (size_t)arr, &a), 0);
    assert_int_equal(hobject_get_at(o, (size_t)arr, &got), 0);
    assert_int_equal(got.type, CIM_UINT32 | CIM_FLAG_ARRAY);
    assert_int_equal(got.v.a->n, 2);
    assert_int_equal(got.v.a->items[1].v.u, 5);
    cim_value_clear(&got);
    assert_int_equal(hobject_get_at(o, 999, &got), HP_ENOTFOUND);

    struct hobject *c = hobject_clone(o, HP_ACTOR_HOST);
    assert_int_equal(IWbemClassObject_CompareTo(hobject_iface(c), 0, hobject_iface(o)), WBEM_S_SAME);
    hobj_unref(hobject_hobj(c), HP_ACTOR_HOST);
    hobj_unref(hobject_hobj(small), HP_ACTOR_HOST);
    hobj_unref(hobject_hobj(fresh), HP_ACTOR_HOST);
    hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
}

/* ---- Threads --------------------------------------------------------------------------- */

struct worker {
    struct fx *x;
    int n;
    int failures;
};

static void *worker(void *p)
{
    struct worker *w = p;
    hp_actor_set(HP_ACTOR_PROVIDER);
    char name[32];
    for (int i = 0; i < 200; i++) {
        struct hobject *h = hobject_new_instance(w->x->host, w->x->threads, HP_ACTOR_PROVIDER);
        if (!h) {
            w->failures++;
            continue;
        }
        IWbemClassObject *o = hobject_iface(h), *c = NULL;
        snprintf(name, sizeof name, "w%d-%d", w->n, i);
        VARIANT v = v_bstr(name);
        w->failures += IWbemClassObject_Put(o, u"Name", 0, &v, 0) != S_OK;
        VariantClear(&v);
        LONG hc = 0;
        w->failures += IWbemObjectAccess_GetPropertyHandle(oa(o), u"Count", NULL, &hc) != S_OK;
        w->failures += IWbemObjectAccess_WriteDWORD(oa(o), hc, (DWORD)i) != S_OK;
        w->failures += IWbemClassObject_Clone(o, &c) != S_OK;
        if (c) {
            w->failures += IWbemClassObject_CompareTo(c, 0, o) != WBEM_S_SAME;
            IWbemClassObject_Release(c);
        }
        IWbemClassObject_Release(o);
    }
    return NULL;
}

static void objects_of_one_class_on_many_threads(void **state)
{
    struct fx *x = *state;
    enum { N = 4 };
    pthread_t t[N];
    struct worker w[N];
    /* Test_Threads' layout is built by whichever thread comes first. */
    for (int i = 0; i < N; i++) {
        w[i] = (struct worker){x, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, worker, &w[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
    assert_int_equal(ledger_held(&x->host->ledger, HP_ACTOR_PROVIDER), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(get_gives_each_cim_type_the_variant_type_wmi_uses, setup, teardown),
        cmocka_unit_test_setup_teardown(put_accepts_the_coercions_wmi_accepts_and_refuses_the_rest, setup, teardown),
        cmocka_unit_test_setup_teardown(null_values_in_both_directions, setup, teardown),
        cmocka_unit_test_setup_teardown(arrays_are_safearrays_of_the_element_variant_type, setup, teardown),
        cmocka_unit_test_setup_teardown(embedded_objects_are_copied_in_and_out, setup, teardown),
        cmocka_unit_test_setup_teardown(put_and_get_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(handles_are_the_same_in_every_instance_and_subclass, setup, teardown),
        cmocka_unit_test_setup_teardown(dword_and_qword_access, setup, teardown),
        cmocka_unit_test_setup_teardown(property_values_need_their_exact_size, setup, teardown),
        cmocka_unit_test_setup_teardown(strings_through_handles_round_trip_as_utf16, setup, teardown),
        cmocka_unit_test_setup_teardown(property_info_by_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(get_names_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(enumeration_walks_the_same_names_with_values, setup, teardown),
        cmocka_unit_test_setup_teardown(clone_is_an_independent_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(spawn_instance_starts_from_the_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(compare_to_honours_its_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(inherits_from_names_strict_ancestors, setup, teardown),
        cmocka_unit_test_setup_teardown(property_origin_is_the_declaring_class, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_resets_an_instance_property_to_its_default, setup, teardown),
        cmocka_unit_test_setup_teardown(object_text_is_mof_the_reader_accepts, setup, teardown),
        cmocka_unit_test_setup_teardown(system_properties_of_instances_and_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(qualifier_sets_read_the_repository, setup, teardown),
        cmocka_unit_test_setup_teardown(query_interface_gives_one_pointer_for_three_iids, setup, teardown),
        cmocka_unit_test_setup_teardown(lock_excludes_other_threads_until_unlock, setup, teardown),
        cmocka_unit_test_setup_teardown(methods_wmi_providers_never_need_are_not_simulated, setup, teardown),
        cmocka_unit_test_setup_teardown(over_release_is_a_finding_and_later_calls_are_poisoned, setup, teardown),
        cmocka_unit_test_setup_teardown(a_reference_kept_is_reported_as_a_leak, setup, teardown),
        cmocka_unit_test_setup_teardown(a_call_after_the_last_release_fails_without_a_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_injection_fails_exactly_the_chosen_call, setup, teardown),
        cmocka_unit_test_setup_teardown(object_out_pointers_are_null_when_a_fault_or_death_fails_the_call, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(qualifier_set_out_pointers_are_null_when_a_fault_or_death_fails_the_call,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(host_side_values_paths_and_copies, setup, teardown),
        cmocka_unit_test_setup_teardown(objects_of_one_class_on_many_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
