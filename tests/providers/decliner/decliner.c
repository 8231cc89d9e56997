/*
 * tests/providers/decliner/decliner.c - HiPerfCheck_Decliner, a correct
 * high-performance provider that declines refreshers.  It exists to show
 * that hiperfcheck's refresher scenarios give SKIP, never FAIL, for a
 * provider that answers WBEM_E_PROVIDER_NOT_CAPABLE (HP-NOTIMPL-NOT-CAPABLE),
 * while the scenarios that need no refresher still judge its
 * QueryInstances and GetObjects.
 *
 * Written as an outside author would, against hiperf/com.h and the compat
 * library only, and on purpose unlike the reference provider: one file,
 * one class (decliner.mof), values written with IWbemClassObject::Put
 * (uint32 as VT_I4, uint64 as a VT_BSTR of decimal digits) rather than
 * through property handles, and an IWbemServices side that WMI falls back
 * to when the provider declines refreshers.
 *
 * Invariants:
 *   - One COM object per provider with one identity
 *     (&IWbemProviderInit_iface); IWbemHiPerfProvider and IWbemServices
 *     forward their IUnknown methods to it.
 *   - `ns` (from Initialize) and `cls` (the class object) are set at most
 *     once, by compare-and-swap, each with a reference of the provider's
 *     own, and released when the provider is freed.  No lock exists.
 *   - Every method that was given a sink calls SetStatus on it exactly
 *     once, after any Indicate, and returns what it reported; the objects
 *     it indicated are released by it afterwards (the sink AddRefs what it
 *     keeps).
 *   - Every [out] pointer is NULL (and every [out] ID 0) on failure.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "hiperf/com.h"

#define CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* {74F17814-EB18-4537-87C5-B64F980811E0}: __Win32Provider.CLSID */
static const CLSID CLSID_Decliner = {0x74f17814, 0xeb18, 0x4537, {0x87, 0xc5, 0xb6, 0x4f, 0x98, 0x08, 0x11, 0xe0}};
/* {B695EA8A-8DE6-48B1-87D6-94015B6D8F72}: __Win32Provider.ClientLoadableCLSID */
static const CLSID CLSID_DeclinerClient = {0xb695ea8a, 0x8de6, 0x48b1, {0x87, 0xd6, 0x94, 0x01, 0x5b, 0x6d, 0x8f, 0x72}};

/* Live COM objects of this module and outstanding LockServer(TRUE) calls. */
static atomic_long live_objects;
static atomic_long server_locks;

/* ---- the class and its values ------------------------------------------- */

static const WCHAR class_name[] = u"Win32_PerfRawData_Decliner_Queue";

#define NQUEUES 3
static const WCHAR *const queue_names[NQUEUES] = {u"inbox", u"outbox", u"retry"};

#define TICKS_PER_SEC UINT64_C(10000000)
#define FILETIME_UNIX_EPOCH UINT64_C(11644473600)

/* One reading of the clocks; every value is a function of one of these. */
struct reading {
    uint64_t perf_time;  /* CLOCK_MONOTONIC, 100 ns units */
    uint64_t sys100ns;   /* CLOCK_REALTIME as a FILETIME */
    uint64_t sec;        /* CLOCK_REALTIME, whole seconds */
};

static void read_clock(struct reading *r)
{
    struct timespec mono = {0, 0}, real = {0, 0};

    if (clock_gettime(CLOCK_MONOTONIC, &mono) != 0 || mono.tv_sec < 0)
        mono.tv_sec = 0, mono.tv_nsec = 0;
    if (clock_gettime(CLOCK_REALTIME, &real) != 0 || real.tv_sec < 0)
        real.tv_sec = 0, real.tv_nsec = 0;
    r->perf_time = (uint64_t)mono.tv_sec * TICKS_PER_SEC + (uint64_t)mono.tv_nsec / 100;
    r->sec = (uint64_t)real.tv_sec;
    r->sys100ns = (r->sec + FILETIME_UNIX_EPOCH) * TICKS_PER_SEC + (uint64_t)real.tv_nsec / 100;
}

static WCHAR lower(WCHAR c)
{
    return c >= u'A' && c <= u'Z' ? (WCHAR)(c - u'A' + u'a') : c;
}

/* The first n units of a equal b (ASCII case-insensitive) and b has n units. */
static bool ieq_n(const WCHAR *a, size_t n, const WCHAR *b)
{
    size_t i = 0;
    for (; i < n; i++)
        if (!b[i] || lower(a[i]) != lower(b[i]))
            return false;
    return b[i] == 0;
}

static size_t wlen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static bool ieq(const WCHAR *a, const WCHAR *b)
{
    return a && b && ieq_n(a, wlen(a), b);
}

static int queue_index(const WCHAR *name)
{
    for (int k = 0; name && k < NQUEUES; k++)
        if (ieq(name, queue_names[k]))
            return k;
    return -1;
}

static HRESULT put_string(IWbemClassObject *obj, const WCHAR *prop, const WCHAR *value)
{
    VARIANT v;
    HRESULT hr;

    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(value);
    if (!V_BSTR(&v))
        return WBEM_E_OUT_OF_MEMORY;
    hr = IWbemClassObject_Put(obj, prop, 0, &v, 0);
    VariantClear(&v);
    return hr;
}

/* uint32 goes to Put as VT_I4 (WMI's mapping). */
static HRESULT put_u32(IWbemClassObject *obj, const WCHAR *prop, uint32_t value)
{
    VARIANT v;

    VariantInit(&v);
    V_VT(&v) = VT_I4;
    V_I4(&v) = (LONG)value;
    return IWbemClassObject_Put(obj, prop, 0, &v, 0);
}

/* uint64 goes to Put as a VT_BSTR of decimal digits (WMI's mapping). */
static HRESULT put_u64(IWbemClassObject *obj, const WCHAR *prop, uint64_t value)
{
    WCHAR text[21];
    size_t n = 20;

    text[n] = 0;
    do {
        text[--n] = (WCHAR)(u'0' + value % 10);
        value /= 10;
    } while (value);
    return put_string(obj, prop, text + n);
}

/* Writes every non-key property of queue k at reading r into obj
 * (borrowed).  Returns the first failure after trying them all. */
static HRESULT fill_queue(IWbemClassObject *obj, int k, const struct reading *r)
{
    const uint64_t q = (uint64_t)k;
    HRESULT results[7], first = WBEM_S_NO_ERROR;

    results[0] = put_u32(obj, u"MessagesPersec", (uint32_t)(r->perf_time / 100000 * (q + 2)));
    results[1] = put_u32(obj, u"Length", (uint32_t)((r->sec + 5 * q) % 40));
    results[2] = put_u64(obj, u"BytesTotal", r->perf_time / 10000 * 128 * (q + 1));
    results[3] = put_u64(obj, u"Timestamp_PerfTime", r->perf_time);
    results[4] = put_u64(obj, u"Timestamp_Sys100NS", r->sys100ns);
    results[5] = put_u64(obj, u"Frequency_PerfTime", TICKS_PER_SEC);
    results[6] = put_u64(obj, u"Frequency_Sys100NS", TICKS_PER_SEC);
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++)
        if (FAILED(results[i]) && SUCCEEDED(first))
            first = results[i];
    return first;
}

/* ---- the provider object ------------------------------------------------- */

struct decliner {
    IWbemProviderInit IWbemProviderInit_iface;
    IWbemHiPerfProvider IWbemHiPerfProvider_iface;
    IWbemServices IWbemServices_iface;
    atomic_uint ref;
    _Atomic(IWbemServices *) ns;       /* from Initialize; owned */
    _Atomic(IWbemClassObject *) cls;   /* the class object; owned */
};

static struct decliner *from_init(IWbemProviderInit *iface)
{
    return CONTAINER_OF(iface, struct decliner, IWbemProviderInit_iface);
}

static struct decliner *from_hiperf(IWbemHiPerfProvider *iface)
{
    return CONTAINER_OF(iface, struct decliner, IWbemHiPerfProvider_iface);
}

static struct decliner *from_services(IWbemServices *iface)
{
    return CONTAINER_OF(iface, struct decliner, IWbemServices_iface);
}

static ULONG decliner_addref(struct decliner *d)
{
    return atomic_fetch_add(&d->ref, 1) + 1;
}

static ULONG decliner_release(struct decliner *d)
{
    ULONG ref = atomic_fetch_sub(&d->ref, 1) - 1;

    if (ref == 0) {
        IWbemClassObject *cls = atomic_load(&d->cls);
        IWbemServices *ns = atomic_load(&d->ns);
        if (cls)
            IWbemClassObject_Release(cls);
        if (ns)
            IWbemServices_Release(ns);
        free(d);
        atomic_fetch_sub(&live_objects, 1);
    }
    return ref;
}

static HRESULT decliner_qi(struct decliner *d, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemProviderInit))
        *ppv = &d->IWbemProviderInit_iface;
    else if (IsEqualIID(riid, &IID_IWbemHiPerfProvider))
        *ppv = &d->IWbemHiPerfProvider_iface;
    else if (IsEqualIID(riid, &IID_IWbemServices))
        *ppv = &d->IWbemServices_iface;
    else
        return E_NOINTERFACE;
    decliner_addref(d);
    return S_OK;
}

/* The class object, fetched once from the namespace of Initialize (else
 * `ns`, borrowed) and cached.  Borrowed by the caller. */
static HRESULT class_object(struct decliner *d, IWbemServices *ns, IWbemClassObject **out)
{
    IWbemClassObject *obj = atomic_load(&d->cls), *expected = NULL;
    IWbemServices *use = atomic_load(&d->ns);
    BSTR name;
    HRESULT hr;

    *out = NULL;
    if (obj) {
        *out = obj;
        return WBEM_S_NO_ERROR;
    }
    if (!use)
        use = ns;
    if (!use)
        return WBEM_E_UNEXPECTED;
    name = SysAllocString(class_name);
    if (!name)
        return WBEM_E_OUT_OF_MEMORY;
    hr = IWbemServices_GetObject(use, name, 0, NULL, &obj, NULL);
    SysFreeString(name);
    if (FAILED(hr))
        return hr;
    if (!obj)
        return WBEM_E_FAILED;
    if (!atomic_compare_exchange_strong(&d->cls, &expected, obj)) {
        IWbemClassObject_Release(obj);
        obj = expected;
    }
    *out = obj;
    return WBEM_S_NO_ERROR;
}

/* A new instance of queue k with every value at reading r; owned by the
 * caller. */
static HRESULT make_queue(struct decliner *d, IWbemServices *ns, int k, const struct reading *r,
                          IWbemClassObject **out)
{
    IWbemClassObject *cls, *obj = NULL;
    HRESULT hr;

    *out = NULL;
    hr = class_object(d, ns, &cls);
    if (FAILED(hr))
        return hr;
    hr = IWbemClassObject_SpawnInstance(cls, 0, &obj);
    if (FAILED(hr))
        return hr;
    hr = put_string(obj, u"Name", queue_names[k]);
    if (SUCCEEDED(hr))
        hr = fill_queue(obj, k, r);
    if (FAILED(hr)) {
        IWbemClassObject_Release(obj);
        return hr;
    }
    *out = obj;
    return WBEM_S_NO_ERROR;
}

static HRESULT report(IWbemObjectSink *sink, HRESULT hr)
{
    IWbemObjectSink_SetStatus(sink, WBEM_STATUS_COMPLETE, hr, NULL, NULL);
    return hr;
}

/* Every queue through sink (borrowed): one Indicate, one SetStatus. */
static HRESULT enumerate(struct decliner *d, IWbemServices *ns, IWbemObjectSink *sink)
{
    IWbemClassObject *objs[NQUEUES];
    struct reading r;
    int n = 0;
    HRESULT hr = WBEM_S_NO_ERROR;

    read_clock(&r);
    for (int k = 0; k < NQUEUES && SUCCEEDED(hr); k++) {
        hr = make_queue(d, ns, k, &r, &objs[n]);
        if (SUCCEEDED(hr))
            n++;
    }
    if (SUCCEEDED(hr))
        hr = IWbemObjectSink_Indicate(sink, n, objs);
    for (int i = 0; i < n; i++)
        IWbemClassObject_Release(objs[i]);
    return report(sink, FAILED(hr) ? hr : WBEM_S_NO_ERROR);
}

/* Reads a string property into a new BSTR (caller frees); NULL or not a
 * string: WBEM_E_INVALID_PARAMETER. */
static HRESULT get_string(IWbemClassObject *obj, const WCHAR *prop, BSTR *out)
{
    VARIANT v;
    HRESULT hr;

    *out = NULL;
    VariantInit(&v);
    hr = IWbemClassObject_Get(obj, prop, 0, &v, NULL, NULL);
    if (FAILED(hr))
        return hr;
    if (V_VT(&v) != VT_BSTR || !V_BSTR(&v)) {
        VariantClear(&v);
        return WBEM_E_INVALID_PARAMETER;
    }
    *out = V_BSTR(&v);
    return WBEM_S_NO_ERROR;
}

/* Which queue obj (borrowed) names: its __CLASS must be ours and its Name
 * a queue. */
static HRESULT identify(IWbemClassObject *obj, int *k)
{
    BSTR s = NULL;
    HRESULT hr = get_string(obj, u"__CLASS", &s);
    bool ours;

    if (FAILED(hr))
        return hr;
    ours = ieq(s, class_name);
    SysFreeString(s);
    if (!ours)
        return WBEM_E_INVALID_CLASS;
    hr = get_string(obj, u"Name", &s);
    if (FAILED(hr))
        return hr;
    *k = queue_index(s);
    SysFreeString(s);
    return *k < 0 ? WBEM_E_NOT_FOUND : WBEM_S_NO_ERROR;
}

/* ---- IWbemProviderInit ----------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE init_QueryInterface(IWbemProviderInit *iface, REFIID riid, void **ppv)
{
    return decliner_qi(from_init(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE init_AddRef(IWbemProviderInit *iface)
{
    return decliner_addref(from_init(iface));
}

static ULONG STDMETHODCALLTYPE init_Release(IWbemProviderInit *iface)
{
    return decliner_release(from_init(iface));
}

/* Keeps the namespace (AddRef'd) and reports WBEM_S_INITIALIZED once.
 * wszUser, wszLocale and pCtx may be NULL and are not used. */
static HRESULT STDMETHODCALLTYPE init_Initialize(IWbemProviderInit *iface, LPWSTR user, LONG flags,
                                                 LPWSTR namespace_name, LPWSTR locale, IWbemServices *ns,
                                                 IWbemContext *ctx, IWbemProviderInitSink *sink)
{
    struct decliner *d = from_init(iface);
    IWbemServices *expected = NULL;

    (void)user, (void)namespace_name, (void)locale, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (flags != 0) {
        IWbemProviderInitSink_SetStatus(sink, WBEM_E_FAILED, 0);
        return WBEM_E_INVALID_PARAMETER;
    }
    if (ns) {
        IWbemServices_AddRef(ns);
        if (!atomic_compare_exchange_strong(&d->ns, &expected, ns))
            IWbemServices_Release(ns);
    }
    IWbemProviderInitSink_SetStatus(sink, WBEM_S_INITIALIZED, 0);
    return WBEM_S_NO_ERROR;
}

static const IWbemProviderInitVtbl init_vtbl = {
    init_QueryInterface,
    init_AddRef,
    init_Release,
    init_Initialize,
};

/* ---- IWbemHiPerfProvider ------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE hp_QueryInterface(IWbemHiPerfProvider *iface, REFIID riid, void **ppv)
{
    return decliner_qi(from_hiperf(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE hp_AddRef(IWbemHiPerfProvider *iface)
{
    return decliner_addref(from_hiperf(iface));
}

static ULONG STDMETHODCALLTYPE hp_Release(IWbemHiPerfProvider *iface)
{
    return decliner_release(from_hiperf(iface));
}

static HRESULT STDMETHODCALLTYPE hp_QueryInstances(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                   WCHAR *wszClass, LONG flags, IWbemContext *ctx,
                                                   IWbemObjectSink *sink)
{
    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (!ieq(wszClass, class_name))
        return report(sink, WBEM_E_INVALID_CLASS);
    return enumerate(from_hiperf(iface), ns, sink);
}

/* The four refresher methods: not implemented, said the documented way. */
static HRESULT STDMETHODCALLTYPE hp_CreateRefresher(IWbemHiPerfProvider *iface, IWbemServices *ns, LONG flags,
                                                    IWbemRefresher **ppRefresher)
{
    (void)iface, (void)ns, (void)flags;
    if (ppRefresher)
        *ppRefresher = NULL;
    return WBEM_E_PROVIDER_NOT_CAPABLE;
}

static HRESULT STDMETHODCALLTYPE hp_CreateRefreshableObject(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                            IWbemObjectAccess *tmpl, IWbemRefresher *refresher,
                                                            LONG flags, IWbemContext *ctx,
                                                            IWbemObjectAccess **ppRefreshable, LONG *plId)
{
    (void)iface, (void)ns, (void)tmpl, (void)refresher, (void)flags, (void)ctx;
    if (ppRefreshable)
        *ppRefreshable = NULL;
    if (plId)
        *plId = 0;
    return WBEM_E_PROVIDER_NOT_CAPABLE;
}

static HRESULT STDMETHODCALLTYPE hp_StopRefreshing(IWbemHiPerfProvider *iface, IWbemRefresher *refresher, LONG id,
                                                   LONG flags)
{
    (void)iface, (void)refresher, (void)id, (void)flags;
    return WBEM_E_PROVIDER_NOT_CAPABLE;
}

static HRESULT STDMETHODCALLTYPE hp_CreateRefreshableEnum(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                          LPCWSTR wszClass, IWbemRefresher *refresher, LONG flags,
                                                          IWbemContext *ctx, IWbemHiPerfEnum *hpe, LONG *plId)
{
    (void)iface, (void)ns, (void)wszClass, (void)refresher, (void)flags, (void)ctx, (void)hpe;
    if (plId)
        *plId = 0;
    return WBEM_E_PROVIDER_NOT_CAPABLE;
}

/* Fills each object of apObj (borrowed, keys set) in place.  Every key is
 * checked before anything is written: one unknown queue fails the call
 * and leaves every object as it was. */
static HRESULT STDMETHODCALLTYPE hp_GetObjects(IWbemHiPerfProvider *iface, IWbemServices *ns, LONG count,
                                               IWbemObjectAccess **apObj, LONG flags, IWbemContext *ctx)
{
    struct reading r;
    int *which;
    HRESULT hr = WBEM_S_NO_ERROR;

    (void)iface, (void)ns, (void)ctx;
    if (flags != 0 || count < 0 || (count > 0 && !apObj))
        return WBEM_E_INVALID_PARAMETER;
    for (LONG i = 0; i < count; i++)
        if (!apObj[i])
            return WBEM_E_INVALID_PARAMETER;
    if (count == 0)
        return WBEM_S_NO_ERROR;
    which = malloc((size_t)count * sizeof(*which));
    if (!which)
        return WBEM_E_OUT_OF_MEMORY;
    /* IWbemObjectAccess derives from IWbemClassObject. */
    for (LONG i = 0; i < count && SUCCEEDED(hr); i++)
        hr = identify((IWbemClassObject *)apObj[i], &which[i]);
    if (SUCCEEDED(hr)) {
        read_clock(&r);
        for (LONG i = 0; i < count; i++) {
            HRESULT one = fill_queue((IWbemClassObject *)apObj[i], which[i], &r);
            if (FAILED(one) && SUCCEEDED(hr))
                hr = one;
        }
    }
    free(which);
    return hr;
}

static const IWbemHiPerfProviderVtbl hiperf_vtbl = {
    hp_QueryInterface,
    hp_AddRef,
    hp_Release,
    hp_QueryInstances,
    hp_CreateRefresher,
    hp_CreateRefreshableObject,
    hp_StopRefreshing,
    hp_CreateRefreshableEnum,
    hp_GetObjects,
};

/* ---- IWbemServices: what WMI falls back to --------------------------------- */

/* Parses [\\server\namespace:|namespace:]Class.Name="v" or Class="v".
 * *k gets the queue. */
static HRESULT parse_path(const WCHAR *path, int *k)
{
    const WCHAR *p, *start;
    WCHAR value[64];
    size_t n = 0;

    *k = -1;
    if (!path || !*path)
        return WBEM_E_INVALID_OBJECT_PATH;
    p = path;
    for (const WCHAR *q = path; *q && *q != u'"'; q++)
        if (*q == u':')
            p = q + 1;
    for (start = p; *p && *p != u'.' && *p != u'='; p++)
        ;
    if (!ieq_n(start, (size_t)(p - start), class_name))
        return WBEM_E_INVALID_CLASS;
    if (*p == u'.') {
        p++;
        if (!ieq_n(p, 4, u"Name") || p[4] != u'=')
            return WBEM_E_INVALID_OBJECT_PATH;
        p += 4;
    }
    if (p[0] != u'=' || p[1] != u'"')
        return WBEM_E_INVALID_OBJECT_PATH;
    for (p += 2; *p && *p != u'"'; p++) {
        if (*p == u'\\' && (p[1] == u'"' || p[1] == u'\\'))
            p++;
        if (n + 1 >= sizeof value / sizeof value[0])
            return WBEM_E_INVALID_OBJECT_PATH;
        value[n++] = *p;
    }
    if (*p != u'"' || p[1])
        return WBEM_E_INVALID_OBJECT_PATH;
    value[n] = 0;
    *k = queue_index(value);
    return *k < 0 ? WBEM_E_NOT_FOUND : WBEM_S_NO_ERROR;
}

static const WCHAR *skip_blanks(const WCHAR *p)
{
    while (*p == u' ' || *p == u'\t' || *p == u'\r' || *p == u'\n')
        p++;
    return p;
}

/* `SELECT * FROM <our class>`, any case and spacing. */
static HRESULT parse_query(const WCHAR *query)
{
    const WCHAR *p, *start;

    if (!query)
        return WBEM_E_INVALID_QUERY;
    p = skip_blanks(query);
    if (!ieq_n(p, 6, u"SELECT"))
        return WBEM_E_INVALID_QUERY;
    p = skip_blanks(p + 6);
    if (*p++ != u'*')
        return WBEM_E_INVALID_QUERY;
    p = skip_blanks(p);
    if (!ieq_n(p, 4, u"FROM") || (p[4] != u' ' && p[4] != u'\t'))
        return WBEM_E_INVALID_QUERY;
    p = skip_blanks(p + 4);
    for (start = p; *p && *p != u' ' && *p != u'\t' && *p != u'\r' && *p != u'\n'; p++)
        ;
    if (*skip_blanks(p))
        return WBEM_E_INVALID_QUERY;
    return ieq_n(start, (size_t)(p - start), class_name) ? WBEM_S_NO_ERROR : WBEM_E_INVALID_CLASS;
}

static HRESULT STDMETHODCALLTYPE svc_QueryInterface(IWbemServices *iface, REFIID riid, void **ppv)
{
    return decliner_qi(from_services(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE svc_AddRef(IWbemServices *iface)
{
    return decliner_addref(from_services(iface));
}

static ULONG STDMETHODCALLTYPE svc_Release(IWbemServices *iface)
{
    return decliner_release(from_services(iface));
}

static HRESULT STDMETHODCALLTYPE svc_GetObjectAsync(IWbemServices *iface, const BSTR path, LONG flags,
                                                    IWbemContext *ctx, IWbemObjectSink *sink)
{
    struct decliner *d = from_services(iface);
    IWbemClassObject *obj = NULL;
    struct reading r;
    HRESULT hr;
    int k;

    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    hr = parse_path(path, &k);
    if (FAILED(hr))
        return report(sink, hr);
    read_clock(&r);
    hr = make_queue(d, NULL, k, &r, &obj);
    if (FAILED(hr))
        return report(sink, hr);
    hr = IWbemObjectSink_Indicate(sink, 1, &obj);
    IWbemClassObject_Release(obj);
    return report(sink, FAILED(hr) ? hr : WBEM_S_NO_ERROR);
}

static HRESULT STDMETHODCALLTYPE svc_CreateInstanceEnumAsync(IWbemServices *iface, const BSTR cls, LONG flags,
                                                             IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (!ieq(cls, class_name))
        return report(sink, WBEM_E_INVALID_CLASS);
    return enumerate(from_services(iface), NULL, sink);
}

static HRESULT STDMETHODCALLTYPE svc_ExecQueryAsync(IWbemServices *iface, const BSTR lang, const BSTR query,
                                                    LONG flags, IWbemContext *ctx, IWbemObjectSink *sink)
{
    HRESULT hr;

    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (!ieq(lang, u"WQL"))
        return report(sink, WBEM_E_INVALID_QUERY_TYPE);
    hr = parse_query(query);
    if (FAILED(hr))
        return report(sink, hr);
    return enumerate(from_services(iface), NULL, sink);
}

/* The rest of IWbemServices: not supported, [out] pointers NULL. */
#define NULL_OUT(p) \
    do {            \
        if (p)      \
            *(p) = NULL; \
    } while (0)

static HRESULT STDMETHODCALLTYPE svc_OpenNamespace(IWbemServices *iface, const BSTR ns, LONG flags,
                                                   IWbemContext *ctx, IWbemServices **out, IWbemCallResult **res)
{
    (void)iface, (void)ns, (void)flags, (void)ctx;
    NULL_OUT(out);
    NULL_OUT(res);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_CancelAsyncCall(IWbemServices *iface, IWbemObjectSink *sink)
{
    (void)iface, (void)sink;
    return WBEM_E_NOT_SUPPORTED;   /* every call completes before it returns */
}

static HRESULT STDMETHODCALLTYPE svc_QueryObjectSink(IWbemServices *iface, LONG flags, IWbemObjectSink **out)
{
    (void)iface, (void)flags;
    NULL_OUT(out);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_GetObject(IWbemServices *iface, const BSTR path, LONG flags, IWbemContext *ctx,
                                               IWbemClassObject **out, IWbemCallResult **res)
{
    (void)iface, (void)path, (void)flags, (void)ctx;
    NULL_OUT(out);
    NULL_OUT(res);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_PutClass(IWbemServices *iface, IWbemClassObject *obj, LONG flags,
                                              IWbemContext *ctx, IWbemCallResult **res)
{
    (void)iface, (void)obj, (void)flags, (void)ctx;
    NULL_OUT(res);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_PutClassAsync(IWbemServices *iface, IWbemClassObject *obj, LONG flags,
                                                   IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)obj, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_DeleteClass(IWbemServices *iface, const BSTR cls, LONG flags,
                                                 IWbemContext *ctx, IWbemCallResult **res)
{
    (void)iface, (void)cls, (void)flags, (void)ctx;
    NULL_OUT(res);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_DeleteClassAsync(IWbemServices *iface, const BSTR cls, LONG flags,
                                                      IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)cls, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_CreateClassEnum(IWbemServices *iface, const BSTR super, LONG flags,
                                                     IWbemContext *ctx, IEnumWbemClassObject **out)
{
    (void)iface, (void)super, (void)flags, (void)ctx;
    NULL_OUT(out);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_CreateClassEnumAsync(IWbemServices *iface, const BSTR super, LONG flags,
                                                          IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)super, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_PutInstance(IWbemServices *iface, IWbemClassObject *inst, LONG flags,
                                                 IWbemContext *ctx, IWbemCallResult **res)
{
    (void)iface, (void)inst, (void)flags, (void)ctx;
    NULL_OUT(res);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_PutInstanceAsync(IWbemServices *iface, IWbemClassObject *inst, LONG flags,
                                                      IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)inst, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_DeleteInstance(IWbemServices *iface, const BSTR path, LONG flags,
                                                    IWbemContext *ctx, IWbemCallResult **res)
{
    (void)iface, (void)path, (void)flags, (void)ctx;
    NULL_OUT(res);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_DeleteInstanceAsync(IWbemServices *iface, const BSTR path, LONG flags,
                                                         IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)path, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_CreateInstanceEnum(IWbemServices *iface, const BSTR cls, LONG flags,
                                                        IWbemContext *ctx, IEnumWbemClassObject **out)
{
    (void)iface, (void)cls, (void)flags, (void)ctx;
    NULL_OUT(out);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_ExecQuery(IWbemServices *iface, const BSTR lang, const BSTR query, LONG flags,
                                               IWbemContext *ctx, IEnumWbemClassObject **out)
{
    (void)iface, (void)lang, (void)query, (void)flags, (void)ctx;
    NULL_OUT(out);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_ExecNotificationQuery(IWbemServices *iface, const BSTR lang, const BSTR query,
                                                           LONG flags, IWbemContext *ctx, IEnumWbemClassObject **out)
{
    (void)iface, (void)lang, (void)query, (void)flags, (void)ctx;
    NULL_OUT(out);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_ExecNotificationQueryAsync(IWbemServices *iface, const BSTR lang,
                                                                const BSTR query, LONG flags, IWbemContext *ctx,
                                                                IWbemObjectSink *sink)
{
    (void)iface, (void)lang, (void)query, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_ExecMethod(IWbemServices *iface, const BSTR path, const BSTR method, LONG flags,
                                                IWbemContext *ctx, IWbemClassObject *in, IWbemClassObject **out,
                                                IWbemCallResult **res)
{
    (void)iface, (void)path, (void)method, (void)flags, (void)ctx, (void)in;
    NULL_OUT(out);
    NULL_OUT(res);
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE svc_ExecMethodAsync(IWbemServices *iface, const BSTR path, const BSTR method,
                                                     LONG flags, IWbemContext *ctx, IWbemClassObject *in,
                                                     IWbemObjectSink *sink)
{
    (void)iface, (void)path, (void)method, (void)flags, (void)ctx, (void)in, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static const IWbemServicesVtbl services_vtbl = {
    svc_QueryInterface,
    svc_AddRef,
    svc_Release,
    svc_OpenNamespace,
    svc_CancelAsyncCall,
    svc_QueryObjectSink,
    svc_GetObject,
    svc_GetObjectAsync,
    svc_PutClass,
    svc_PutClassAsync,
    svc_DeleteClass,
    svc_DeleteClassAsync,
    svc_CreateClassEnum,
    svc_CreateClassEnumAsync,
    svc_PutInstance,
    svc_PutInstanceAsync,
    svc_DeleteInstance,
    svc_DeleteInstanceAsync,
    svc_CreateInstanceEnum,
    svc_CreateInstanceEnumAsync,
    svc_ExecQuery,
    svc_ExecQueryAsync,
    svc_ExecNotificationQuery,
    svc_ExecNotificationQueryAsync,
    svc_ExecMethod,
    svc_ExecMethodAsync,
};

/* A new provider object with one reference, as its IUnknown. */
static HRESULT decliner_create(IUnknown **out)
{
    struct decliner *d = calloc(1, sizeof(*d));

    *out = NULL;
    if (!d)
        return E_OUTOFMEMORY;
    d->IWbemProviderInit_iface.lpVtbl = &init_vtbl;
    d->IWbemHiPerfProvider_iface.lpVtbl = &hiperf_vtbl;
    d->IWbemServices_iface.lpVtbl = &services_vtbl;
    atomic_init(&d->ref, 1);
    atomic_init(&d->ns, NULL);
    atomic_init(&d->cls, NULL);
    atomic_fetch_add(&live_objects, 1);
    *out = (IUnknown *)&d->IWbemProviderInit_iface;
    return S_OK;
}

/* ---- the class factory and the entry points -------------------------------- */

struct factory {
    IClassFactory IClassFactory_iface;
    atomic_uint ref;
};

static struct factory *from_factory(IClassFactory *iface)
{
    return CONTAINER_OF(iface, struct factory, IClassFactory_iface);
}

static HRESULT STDMETHODCALLTYPE cf_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
        return E_NOINTERFACE;
    *ppv = iface;
    IClassFactory_AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE cf_AddRef(IClassFactory *iface)
{
    return atomic_fetch_add(&from_factory(iface)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE cf_Release(IClassFactory *iface)
{
    struct factory *f = from_factory(iface);
    ULONG ref = atomic_fetch_sub(&f->ref, 1) - 1;

    if (ref == 0) {
        free(f);
        atomic_fetch_sub(&live_objects, 1);
    }
    return ref;
}

static HRESULT STDMETHODCALLTYPE cf_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **ppv)
{
    IUnknown *unk;
    HRESULT hr;

    (void)iface;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    hr = decliner_create(&unk);
    if (FAILED(hr))
        return hr;
    hr = IUnknown_QueryInterface(unk, riid, ppv);
    IUnknown_Release(unk);
    return hr;
}

static HRESULT STDMETHODCALLTYPE cf_LockServer(IClassFactory *iface, BOOL lock)
{
    long n;

    (void)iface;
    if (lock) {
        atomic_fetch_add(&server_locks, 1);
        return S_OK;
    }
    n = atomic_load(&server_locks);
    while (n > 0 && !atomic_compare_exchange_weak(&server_locks, &n, n - 1))
        ;
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {
    cf_QueryInterface,
    cf_AddRef,
    cf_Release,
    cf_CreateInstance,
    cf_LockServer,
};

/* The factory for either registered CLSID (the provider object is the same
 * whether WMI or a client loads it); CLASS_E_CLASSNOTAVAILABLE otherwise. */
HIPERF_EXPORT HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
    struct factory *f;
    HRESULT hr;

    if (!ppv)
        return E_INVALIDARG;
    *ppv = NULL;
    if (!rclsid || !riid)
        return E_INVALIDARG;
    if (!IsEqualCLSID(rclsid, &CLSID_Decliner) && !IsEqualCLSID(rclsid, &CLSID_DeclinerClient))
        return CLASS_E_CLASSNOTAVAILABLE;
    f = calloc(1, sizeof(*f));
    if (!f)
        return E_OUTOFMEMORY;
    f->IClassFactory_iface.lpVtbl = &factory_vtbl;
    atomic_init(&f->ref, 1);
    atomic_fetch_add(&live_objects, 1);
    hr = IClassFactory_QueryInterface(&f->IClassFactory_iface, riid, ppv);
    IClassFactory_Release(&f->IClassFactory_iface);
    return hr;
}

HIPERF_EXPORT HRESULT STDAPICALLTYPE DllCanUnloadNow(void)
{
    return atomic_load(&live_objects) == 0 && atomic_load(&server_locks) == 0 ? S_OK : S_FALSE;
}
