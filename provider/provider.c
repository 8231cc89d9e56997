/*
 * provider/provider.c - the hi-perf provider object: IWbemProviderInit,
 * IWbemHiPerfProvider and IWbemServices on one COM object (an ordinary
 * instance provider made into a high-performance one).
 *
 * Invariants:
 *   - One identity: QueryInterface for IUnknown always returns
 *     &IWbemProviderInit_iface, whichever interface it is asked through.
 *   - `ref` counts every reference, including one per live refresher (a
 *     refresher keeps its provider alive; the provider keeps no pointer to
 *     its refreshers, so there is no cycle).
 *   - `ns`, each `class_obj[c]` and each `handles[c]` are set at most once,
 *     by compare-and-swap, and never change until the object is freed; so
 *     readers need no lock, and no lock is ever held across a call into the
 *     host.  Whatever the provider AddRef'd there it releases when freed.
 *   - On every failure the out-parameters are NULL / 0.
 */
#include <stdatomic.h>
#include <stdlib.h>
#if defined(HIPERF_DEFECT_CREATEREFRESHER_HANG)
#include <sched.h>
#endif

#include "provider_private.h"

enum { HANDLES_NONE, HANDLES_PUBLISHING, HANDLES_READY };

struct rp_provider {
    IWbemProviderInit IWbemProviderInit_iface;
    IWbemHiPerfProvider IWbemHiPerfProvider_iface;
    struct rp_services services;
    atomic_uint ref;
    /* Made through ClientLoadableCLSID, i.e. loaded into a client process
     * rather than into WMI.  On Windows a provider inside WMI would
     * impersonate its client; on Linux there is nothing to impersonate, so
     * this is only recorded. */
    bool client_loaded;
    _Atomic(IWbemServices *) ns;                        /* from Initialize, owned */
    _Atomic(IWbemClassObject *) class_obj[RP_CLASS_COUNT];  /* owned */
    struct {
        atomic_int state;                               /* HANDLES_* */
        struct rp_handles h;                            /* valid once READY */
    } handles[RP_CLASS_COUNT];
#if defined(HIPERF_DEFECT_CREATEREFRESHER_HANG)
    /* DEFECT createrefresher_hang: "Initialize is running"; set by
     * Initialize, which forgets to clear it. */
    atomic_bool initializing;
#endif
};

static struct rp_provider *impl_from_IWbemProviderInit(IWbemProviderInit *iface)
{
    return RP_CONTAINER_OF(iface, struct rp_provider, IWbemProviderInit_iface);
}

static struct rp_provider *impl_from_IWbemHiPerfProvider(IWbemHiPerfProvider *iface)
{
    return RP_CONTAINER_OF(iface, struct rp_provider, IWbemHiPerfProvider_iface);
}

static struct rp_provider *impl_from_rp_services(struct rp_services *s)
{
    return RP_CONTAINER_OF(s, struct rp_provider, services);
}

static IUnknown *provider_identity(struct rp_provider *p)
{
    return (IUnknown *)&p->IWbemProviderInit_iface;
}

/* ---- reference counting and identity ------------------------------------ */

void rp_provider_addref(struct rp_provider *p)
{
    atomic_fetch_add(&p->ref, 1);
}

static void provider_destroy(struct rp_provider *p)
{
#if !defined(HIPERF_DEFECT_CLASSOBJ_LEAK)
    /* (DEFECT classobj_leak, COM-REFCOUNT-BALANCE: without this loop the
     * cached class objects are never released.) */
    for (int c = 0; c < RP_CLASS_COUNT; c++) {
        IWbemClassObject *obj = atomic_load(&p->class_obj[c]);
        if (obj)
            IWbemClassObject_Release(obj);
    }
#endif
    IWbemServices *ns = atomic_load(&p->ns);
    if (ns)
        IWbemServices_Release(ns);
    free(p);
    rp_module_object_destroyed();
}

static ULONG provider_release_count(struct rp_provider *p)
{
    ULONG ref = atomic_fetch_sub(&p->ref, 1) - 1;
    if (ref == 0)
        provider_destroy(p);
    return ref;
}

void rp_provider_release(struct rp_provider *p)
{
    provider_release_count(p);
}

static HRESULT provider_query_interface(struct rp_provider *p, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemProviderInit))
        *ppv = &p->IWbemProviderInit_iface;
    else if (IsEqualIID(riid, &IID_IWbemHiPerfProvider))
        *ppv = &p->IWbemHiPerfProvider_iface;
    else if (IsEqualIID(riid, &IID_IWbemServices))
        *ppv = &p->services.IWbemServices_iface;
    else
        return E_NOINTERFACE;
    rp_provider_addref(p);
    return S_OK;
}

/* ---- class objects, handles, instances ----------------------------------- */

HRESULT rp_provider_class_object(struct rp_provider *p, IWbemServices *ns, int cls, IWbemClassObject **out)
{
    IWbemClassObject *obj = atomic_load(&p->class_obj[cls]), *expected = NULL;
    IWbemServices *use;
    BSTR name;
    HRESULT hr;

    *out = NULL;
    if (obj) {
        *out = obj;
        return WBEM_S_NO_ERROR;
    }
    use = atomic_load(&p->ns);
    if (!use)
        use = ns;
    if (!use)
        return WBEM_E_UNEXPECTED;  /* neither Initialize nor the caller gave a namespace */
    name = SysAllocString(rp_classes[cls].name);
    if (!name)
        return WBEM_E_OUT_OF_MEMORY;
    hr = IWbemServices_GetObject(use, name, 0, NULL, &obj, NULL);
    SysFreeString(name);
    if (FAILED(hr))
        return hr;
    if (!obj)
        return WBEM_E_FAILED;
    /* Publish it, unless another thread was first: then use theirs. */
    if (!atomic_compare_exchange_strong(&p->class_obj[cls], &expected, obj)) {
        IWbemClassObject_Release(obj);
        obj = expected;
    }
    *out = obj;
    return WBEM_S_NO_ERROR;
}

HRESULT rp_provider_handles(struct rp_provider *p, IWbemServices *ns, int cls, IWbemObjectAccess *obj,
                            struct rp_handles *out)
{
    IWbemObjectAccess *temp = NULL;
    struct rp_handles h;
    HRESULT hr;
    int expected = HANDLES_NONE;

    if (atomic_load_explicit(&p->handles[cls].state, memory_order_acquire) == HANDLES_READY) {
        *out = p->handles[cls].h;
        return WBEM_S_NO_ERROR;
    }
    if (!obj) {
        /* No object at hand: ask a throwaway instance of the class. */
        IWbemClassObject *class_obj, *inst = NULL;
        hr = rp_provider_class_object(p, ns, cls, &class_obj);
        if (FAILED(hr))
            return hr;
        hr = IWbemClassObject_SpawnInstance(class_obj, 0, &inst);
        if (FAILED(hr))
            return hr;
        hr = IWbemClassObject_QueryInterface(inst, &IID_IWbemObjectAccess, (void **)&temp);
        IWbemClassObject_Release(inst);
        if (FAILED(hr))
            return hr;
        obj = temp;
    }
    hr = rp_handles_query(obj, &rp_classes[cls], &h);
    if (temp)
        IWbemObjectAccess_Release(temp);
    if (FAILED(hr))
        return hr;
    /* The first thread to get here publishes; any other uses its own copy,
     * which is the same (handles are the same for every instance of a
     * class).  Nobody waits. */
    if (atomic_compare_exchange_strong(&p->handles[cls].state, &expected, HANDLES_PUBLISHING)) {
        p->handles[cls].h = h;
        atomic_store_explicit(&p->handles[cls].state, HANDLES_READY, memory_order_release);
    }
    *out = h;
    return WBEM_S_NO_ERROR;
}

HRESULT rp_provider_spawn(struct rp_provider *p, IWbemServices *ns, int cls, unsigned inst,
                          const struct rp_now *now, IWbemObjectAccess **out)
{
    const struct rp_class *c = &rp_classes[cls];
    IWbemClassObject *class_obj, *obj = NULL;
    IWbemObjectAccess *oa = NULL;
    uint64_t vals[RP_MAX_PROPS];
    struct rp_handles h;
    HRESULT hr;

    *out = NULL;
    if (!c->values(now, inst, vals))
        return WBEM_E_NOT_FOUND;
    hr = rp_provider_class_object(p, ns, cls, &class_obj);
    if (FAILED(hr))
        return hr;
    hr = IWbemClassObject_SpawnInstance(class_obj, 0, &obj);
    if (FAILED(hr))
        return hr;
    if (c->key) {
        WCHAR name[RP_NAME_MAX];
        hr = rp_put_string(obj, c->key, rp_instance_name(c, inst, name));
    }
    if (SUCCEEDED(hr))
        hr = IWbemClassObject_QueryInterface(obj, &IID_IWbemObjectAccess, (void **)&oa);
    IWbemClassObject_Release(obj);
    if (FAILED(hr))
        return hr;
    hr = rp_provider_handles(p, ns, cls, oa, &h);
    if (SUCCEEDED(hr))
        hr = rp_write_values(oa, c, &h, vals, 0, c->nprops);
    if (FAILED(hr)) {
        IWbemObjectAccess_Release(oa);
        return hr;
    }
    *out = oa;
    return WBEM_S_NO_ERROR;
}

/* ---- IWbemProviderInit --------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE init_QueryInterface(IWbemProviderInit *iface, REFIID riid, void **ppv)
{
    return provider_query_interface(impl_from_IWbemProviderInit(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE init_AddRef(IWbemProviderInit *iface)
{
    return atomic_fetch_add(&impl_from_IWbemProviderInit(iface)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE init_Release(IWbemProviderInit *iface)
{
    return provider_release_count(impl_from_IWbemProviderInit(iface));
}

/* Keeps a reference on `ns` (until the provider is freed) for the class
 * objects it fetches later, and reports WBEM_S_INITIALIZED through `sink`
 * exactly once.  The sink is used only during the call, so it is not
 * AddRef'd.  lFlags must be 0: otherwise WBEM_E_FAILED is reported through
 * the sink and WBEM_E_INVALID_PARAMETER returned.  A second Initialize
 * keeps the first namespace. */
static HRESULT STDMETHODCALLTYPE init_Initialize(IWbemProviderInit *iface, LPWSTR user, LONG flags,
                                                 LPWSTR namespace_name, LPWSTR locale, IWbemServices *ns,
                                                 IWbemContext *ctx, IWbemProviderInitSink *sink)
{
    struct rp_provider *p = impl_from_IWbemProviderInit(iface);
    IWbemServices *expected = NULL;

    (void)user, (void)namespace_name, (void)locale, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (flags != 0) {
        IWbemProviderInitSink_SetStatus(sink, WBEM_E_FAILED, 0);
        return WBEM_E_INVALID_PARAMETER;
    }
#if defined(HIPERF_DEFECT_CREATEREFRESHER_HANG)
    /* DEFECT createrefresher_hang (HP-CREATEREFRESHER-RESULT): marks the
     * provider as initializing so that CreateRefresher can wait for the
     * end, and never clears the mark. */
    atomic_store(&p->initializing, true);
#endif
#if defined(HIPERF_DEFECT_INIT_CTX_NULL)
    /* DEFECT init_ctx_null (INIT-NULL-PARAMS): reads an option from the
     * context without checking that there is one; pCtx may be NULL. */
    {
        VARIANT opt;
        VariantInit(&opt);
        if (SUCCEEDED(IWbemContext_GetValue(ctx, u"HiPerfCheckVerbose", 0, &opt)))
            VariantClear(&opt);
    }
#endif
#if defined(HIPERF_DEFECT_INIT_PLAIN_LOCATOR)
    /* DEFECT init_plain_locator (INIT-ADMIN-LOCATOR): connects to WMI on
     * its own with the clients' locator class, CLSID_WbemLocator, where an
     * in-process provider must use CLSID_WbemAdministrativeLocator. */
    {
        IWbemLocator *loc = NULL;
        if (SUCCEEDED(CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER, &IID_IWbemLocator,
                                       (void **)&loc))) {
            BSTR path = SysAllocString(namespace_name);
            IWbemServices *own = NULL;
            if (path && SUCCEEDED(IWbemLocator_ConnectServer(loc, path, NULL, NULL, NULL, 0, NULL, NULL, &own)))
                IWbemServices_Release(own);
            SysFreeString(path);
            IWbemLocator_Release(loc);
        }
    }
#endif
    if (ns) {
#if defined(HIPERF_DEFECT_NS_NO_ADDREF)
        /* DEFECT ns_no_addref (HP-NAMESPACE-ADDREF): keeps the namespace
         * without a reference of its own (provider_destroy still releases
         * it). */
        atomic_compare_exchange_strong(&p->ns, &expected, ns);
#else
        IWbemServices_AddRef(ns);
        if (!atomic_compare_exchange_strong(&p->ns, &expected, ns))
            IWbemServices_Release(ns);
#endif
    }
#if !defined(HIPERF_DEFECT_INIT_NO_SETSTATUS)
    /* (DEFECT init_no_setstatus, INIT-SETSTATUS: without this call the
     * sink is never told; the return code alone says nothing.) */
    IWbemProviderInitSink_SetStatus(sink, WBEM_S_INITIALIZED, 0);
#endif
    return WBEM_S_NO_ERROR;
}

static const IWbemProviderInitVtbl init_vtbl = {
    init_QueryInterface,
    init_AddRef,
    init_Release,
    init_Initialize,
};

/* ---- IWbemHiPerfProvider ------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE hiperf_QueryInterface(IWbemHiPerfProvider *iface, REFIID riid, void **ppv)
{
#if defined(HIPERF_DEFECT_QI_IDENTITY)
    /* DEFECT qi_identity (COM-QI-IDENTITY): this interface answers
     * IUnknown with itself instead of the object's one identity. */
    if (ppv && riid && IsEqualIID(riid, &IID_IUnknown)) {
        *ppv = iface;
        IWbemHiPerfProvider_AddRef(iface);
        return S_OK;
    }
#endif
    return provider_query_interface(impl_from_IWbemHiPerfProvider(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE hiperf_AddRef(IWbemHiPerfProvider *iface)
{
    return atomic_fetch_add(&impl_from_IWbemHiPerfProvider(iface)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE hiperf_Release(IWbemHiPerfProvider *iface)
{
    return provider_release_count(impl_from_IWbemHiPerfProvider(iface));
}

#if defined(HIPERF_DEFECT_QUERY_WRONG_CLASS)
/* DEFECT query_wrong_class (HP-QUERYINSTANCES-COMPLETE): looks the class
 * up by prefix, comparing only as many characters as the caller's name
 * has, so "..._Process" finds "..._Processor", which comes first. */
static int prefix_class_lookup(const WCHAR *name)
{
    size_t n = rp_wcslen(name);
    for (int c = 0; c < RP_CLASS_COUNT; c++) {
        size_t k = 0;
        while (k < n && rp_classes[c].name[k] == name[k])
            k++;
        if (k == n)
            return c;
    }
    return -1;
}
#endif

/* Every existing instance of `wszClass` through `sink` (borrowed): one
 * Indicate, then SetStatus exactly once; returns what it reported.  An
 * unknown or non-hi-perf class: SetStatus(WBEM_E_INVALID_CLASS).  lFlags
 * is not documented as reserved and is ignored. */
static HRESULT STDMETHODCALLTYPE hiperf_QueryInstances(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                       WCHAR *wszClass, LONG flags, IWbemContext *ctx,
                                                       IWbemObjectSink *sink)
{
    struct rp_provider *p = impl_from_IWbemHiPerfProvider(iface);

    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (!wszClass)
        return rp_sink_status(sink, WBEM_E_INVALID_PARAMETER);
#if defined(HIPERF_DEFECT_QUERY_SETSTATUS_TWICE)
    /* DEFECT query_setstatus_twice (HP-QUERYINSTANCES-ONCE): reports again
     * the result the helper already reported through the sink. */
    return rp_sink_status(sink, rp_services_enumerate(&p->services, ns, rp_class_lookup(wszClass), sink));
#elif defined(HIPERF_DEFECT_QUERY_WRONG_CLASS)
    return rp_services_enumerate(&p->services, ns, prefix_class_lookup(wszClass), sink);
#else
    return rp_services_enumerate(&p->services, ns, rp_class_lookup(wszClass), sink);
#endif
}

/* A new, empty refresher in *ppRefresher (owned by the caller); each call
 * makes a fresh one.  lFlags must be 0. */
static HRESULT STDMETHODCALLTYPE hiperf_CreateRefresher(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                        LONG flags, IWbemRefresher **ppRefresher)
{
    (void)ns;
    if (!ppRefresher)
        return WBEM_E_INVALID_PARAMETER;
    *ppRefresher = NULL;
    if (flags != 0)
        return WBEM_E_INVALID_PARAMETER;
#if defined(HIPERF_DEFECT_CREATEREFRESHER_HANG)
    /* DEFECT createrefresher_hang: waits for an Initialize that never says
     * it is over; an infinite loop. */
    while (atomic_load(&impl_from_IWbemHiPerfProvider(iface)->initializing))
        sched_yield();
#endif
    return rp_refresher_create(impl_from_IWbemHiPerfProvider(iface), ppRefresher);
}

/* Validates the template's class and key, then keeps a clone of it in the
 * refresher (one reference) and returns it in *ppRefreshable with a
 * second reference the caller owns, and its id in *plId.  The clone is
 * filled before it is returned; after that it is written only inside
 * Refresh.  Errors: WBEM_E_INVALID_PARAMETER (NULL pointer, lFlags != 0,
 * a refresher this provider did not make, a template whose __CLASS or
 * key is NULL), WBEM_E_INVALID_CLASS (not one of our hi-perf classes),
 * WBEM_E_NOT_FOUND (no such instance, or a process that does not exist
 * now), or the host's own failure. */
static HRESULT STDMETHODCALLTYPE hiperf_CreateRefreshableObject(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                                IWbemObjectAccess *pTemplate,
                                                                IWbemRefresher *pRefresher, LONG flags,
                                                                IWbemContext *ctx,
                                                                IWbemObjectAccess **ppRefreshable, LONG *plId)
{
    struct rp_provider *p = impl_from_IWbemHiPerfProvider(iface);
    IWbemClassObject *copy = NULL;
    IWbemObjectAccess *oa = NULL;
    struct rp_refresher *r;
    uint64_t vals[RP_MAX_PROPS];
    struct rp_handles h;
    struct rp_now now;
    LONG id = 0;
    int cls, inst;
    HRESULT hr;

    (void)ctx;
    if (ppRefreshable)
        *ppRefreshable = NULL;
    if (plId)
        *plId = 0;
    if (!ppRefreshable || !plId || !pTemplate || !pRefresher || flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    r = rp_refresher_from_iface(pRefresher, p);
    if (!r)
        return WBEM_E_INVALID_PARAMETER;

    /* IWbemObjectAccess derives from IWbemClassObject. */
    hr = rp_identify((IWbemClassObject *)pTemplate, true, &cls, &inst);
    if (FAILED(hr))
        return hr;
    rp_now_read(&now);
    if (!rp_classes[cls].values(&now, (unsigned)inst, vals))
        return WBEM_E_NOT_FOUND;

    hr = IWbemObjectAccess_Clone(pTemplate, &copy);
    if (FAILED(hr))
        return hr;
    hr = IWbemClassObject_QueryInterface(copy, &IID_IWbemObjectAccess, (void **)&oa);
    IWbemClassObject_Release(copy);
    if (FAILED(hr))
        return hr;
#if defined(HIPERF_DEFECT_OUT_NOT_NULLED)
    /* DEFECT out_not_nulled (COM-OUT-NULL-ON-FAILURE): hands the object to
     * the caller before filling it; the failure path below releases it and
     * leaves *ppRefreshable pointing at it. */
    *ppRefreshable = oa;
#endif
    hr = rp_provider_handles(p, ns, cls, oa, &h);
    if (SUCCEEDED(hr))
        hr = rp_write_values(oa, &rp_classes[cls], &h, vals, 0, rp_classes[cls].nprops);
    if (FAILED(hr)) {
        IWbemObjectAccess_Release(oa);
        return hr;
    }
    /* One reference for the caller, one the refresher takes over. */
    IWbemObjectAccess_AddRef(oa);
    hr = rp_refresher_add_object(r, oa, cls, (unsigned)inst, &h, &id);
    if (FAILED(hr)) {
        IWbemObjectAccess_Release(oa);
        IWbemObjectAccess_Release(oa);
        return hr;
    }
    *ppRefreshable = oa;
    *plId = id;
    return WBEM_S_NO_ERROR;
}

/* Stops refreshing entry lId of pRefresher.  lFlags is documented only as
 * "flags" (not reserved) and is ignored.  WBEM_E_INVALID_PARAMETER for a
 * refresher this provider did not make, WBEM_E_NOT_FOUND for an id the
 * refresher does not hold. */
static HRESULT STDMETHODCALLTYPE hiperf_StopRefreshing(IWbemHiPerfProvider *iface, IWbemRefresher *pRefresher,
                                                       LONG lId, LONG flags)
{
    struct rp_refresher *r;

    (void)flags;
    if (!pRefresher)
        return WBEM_E_INVALID_PARAMETER;
    r = rp_refresher_from_iface(pRefresher, impl_from_IWbemHiPerfProvider(iface));
    if (!r)
        return WBEM_E_INVALID_PARAMETER;
#if defined(HIPERF_DEFECT_STOP_IGNORED)
    /* DEFECT stop_ignored (HP-STOPREFRESHING-REMOVES): "releasing the
     * refresher cleans up anyway", so the stop only says it worked. */
    (void)lId;
    return WBEM_S_NO_ERROR;
#else
    return rp_refresher_stop(r, lId);
#endif
}

/* Keeps pHiPerfEnum (AddRef'd) in the refresher with a new id in *plId.
 * The enumerator is not touched here: it is filled by the next Refresh and
 * patched by every one after (AddObjects / RemoveObjects / in place).
 * Errors as CreateRefreshableObject; WBEM_E_INVALID_CLASS for a class that
 * is not one of our hi-perf classes. */
static HRESULT STDMETHODCALLTYPE hiperf_CreateRefreshableEnum(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                              LPCWSTR wszClass, IWbemRefresher *pRefresher,
                                                              LONG flags, IWbemContext *ctx,
                                                              IWbemHiPerfEnum *pHiPerfEnum, LONG *plId)
{
    struct rp_provider *p = impl_from_IWbemHiPerfProvider(iface);
    IWbemClassObject *class_obj;
    struct rp_refresher *r;
    struct rp_handles h;
    LONG id = 0;
    HRESULT hr;
    int cls;

    (void)ctx;
    if (plId)
        *plId = 0;
    if (!plId || !wszClass || !pRefresher || !pHiPerfEnum || flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    r = rp_refresher_from_iface(pRefresher, p);
    if (!r)
        return WBEM_E_INVALID_PARAMETER;
    cls = rp_class_lookup(wszClass);
    if (cls < 0 || !rp_classes[cls].hiperf)
        return WBEM_E_INVALID_CLASS;
    hr = rp_provider_class_object(p, ns, cls, &class_obj);
    if (SUCCEEDED(hr))
        hr = rp_provider_handles(p, ns, cls, NULL, &h);
    if (SUCCEEDED(hr))
        hr = rp_refresher_add_enum(r, pHiPerfEnum, class_obj, cls, &h, &id);
    if (FAILED(hr))
        return hr;
    *plId = id;
    return WBEM_S_NO_ERROR;
}

/* Fills every counter of each object in apObj (borrowed; their keys set by
 * the caller).  All keys are checked before any object is written: one
 * unknown or absent instance fails the call with WBEM_E_NOT_FOUND and
 * writes nothing.  lFlags must be 0. */
static HRESULT STDMETHODCALLTYPE hiperf_GetObjects(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                   LONG lNumObjects, IWbemObjectAccess **apObj, LONG flags,
                                                   IWbemContext *ctx)
{
    struct rp_provider *p = impl_from_IWbemHiPerfProvider(iface);
    uint64_t vals[RP_MAX_PROPS];
    struct rp_now now;
    int *which;
    HRESULT hr = WBEM_S_NO_ERROR;

    (void)ctx;
#if defined(HIPERF_VARIANT_GETOBJECTS_DECLINED)
    /* VARIANT getobjects_declined (not a defect: HP-GETOBJECTS-FALLBACK):
     * GetObjects is left unimplemented, as the documentation allows; WMI
     * then gets single instances through CreateRefreshableObject. */
    (void)p, (void)ns, (void)vals, (void)now, (void)which, (void)hr, (void)lNumObjects, (void)apObj, (void)flags;
    return WBEM_E_PROVIDER_NOT_CAPABLE;
#endif
    if (flags != 0 || lNumObjects < 0 || (lNumObjects > 0 && !apObj))
        return WBEM_E_INVALID_PARAMETER;
    if (lNumObjects == 0)
        return WBEM_S_NO_ERROR;
    for (LONG i = 0; i < lNumObjects; i++)
        if (!apObj[i])
            return WBEM_E_INVALID_PARAMETER;
    which = malloc(2 * (size_t)lNumObjects * sizeof(*which));
    if (!which)
        return WBEM_E_OUT_OF_MEMORY;

    rp_now_read(&now);
    for (LONG i = 0; i < lNumObjects && SUCCEEDED(hr); i++) {
        int *ci = &which[2 * i];
        hr = rp_identify((IWbemClassObject *)apObj[i], true, &ci[0], &ci[1]);
        if (SUCCEEDED(hr) && !rp_classes[ci[0]].values(&now, (unsigned)ci[1], vals))
            hr = WBEM_E_NOT_FOUND;
    }
    for (LONG i = 0; i < lNumObjects && SUCCEEDED(hr); i++) {
        const struct rp_class *c = &rp_classes[which[2 * i]];
        struct rp_handles h;
#if defined(HIPERF_DEFECT_GETOBJECTS_IGNORES_KEYS)
        /* DEFECT getobjects_ignores_keys (HP-GETOBJECTS-FILL): the array
         * index taken for the instance index; the keys were checked, then
         * forgotten. */
        c->values(&now, (unsigned)i, vals);
#else
        c->values(&now, (unsigned)which[2 * i + 1], vals);
#endif
        hr = rp_provider_handles(p, ns, which[2 * i], apObj[i], &h);
        if (SUCCEEDED(hr))
            hr = rp_write_values(apObj[i], c, &h, vals, 0, c->nprops);
    }
#if defined(HIPERF_DEFECT_GETOBJECTS_EXTRA_RELEASE)
    /* DEFECT getobjects_extra_release (COM-NO-OVER-RELEASE): takes apObj
     * for handed over and releases objects it never AddRef'd. */
    for (LONG i = 0; i < lNumObjects; i++)
        IWbemObjectAccess_Release(apObj[i]);
#endif
    free(which);
    return hr;
}

static const IWbemHiPerfProviderVtbl hiperf_vtbl = {
    hiperf_QueryInterface,
    hiperf_AddRef,
    hiperf_Release,
    hiperf_QueryInstances,
    hiperf_CreateRefresher,
    hiperf_CreateRefreshableObject,
    hiperf_StopRefreshing,
    hiperf_CreateRefreshableEnum,
    hiperf_GetObjects,
};

/* ---- IWbemServices (services.c) ------------------------------------------ */

static IUnknown *services_outer(struct rp_services *s)
{
    return provider_identity(impl_from_rp_services(s));
}

static bool services_serves(struct rp_services *s, int cls)
{
    (void)s;
    return rp_classes[cls].hiperf;
}

static HRESULT services_make(struct rp_services *s, IWbemServices *ns, int cls, unsigned inst,
                             const struct rp_now *now, IWbemClassObject **out)
{
    IWbemObjectAccess *oa = NULL;
    HRESULT hr = rp_provider_spawn(impl_from_rp_services(s), ns, cls, inst, now, &oa);

    /* IWbemObjectAccess derives from IWbemClassObject: the same reference
     * serves as one. */
    *out = (IWbemClassObject *)oa;
    return hr;
}

static const struct rp_services_ops services_ops = {
    services_outer,
    services_serves,
    services_make,
};

/* ---- creation ------------------------------------------------------------ */

HRESULT rp_provider_create(bool client_loaded, IUnknown **out)
{
    struct rp_provider *p = calloc(1, sizeof(*p));

    *out = NULL;
    if (!p)
        return E_OUTOFMEMORY;
    p->IWbemProviderInit_iface.lpVtbl = &init_vtbl;
    p->IWbemHiPerfProvider_iface.lpVtbl = &hiperf_vtbl;
    rp_services_init(&p->services, &services_ops);
    atomic_init(&p->ref, 1);
    p->client_loaded = client_loaded;
    atomic_init(&p->ns, NULL);
    for (int c = 0; c < RP_CLASS_COUNT; c++) {
        atomic_init(&p->class_obj[c], NULL);
        atomic_init(&p->handles[c].state, HANDLES_NONE);
    }
    rp_module_object_created();
    *out = provider_identity(p);
    return S_OK;
}
