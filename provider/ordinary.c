/*
 * provider/ordinary.c - HiPerfCheck_Ordinary, a plain instance provider
 * (IWbemProviderInit and IWbemServices, no IWbemHiPerfProvider) serving
 * HiPerfCheck_Disk, a class without the hiperf qualifier.  It exists so
 * that the host's non-hi-perf refresher path, where WMI itself re-reads
 * instances through IWbemServices on every refresh, has a real provider
 * to serve it.
 *
 * Invariants: one identity (&IWbemProviderInit_iface); `ns` and
 * `class_obj` are set at most once by compare-and-swap and released when
 * the object is freed; no lock exists, so none is held across a call into
 * the host.  Values are written with IWbemClassObject::Put, as ordinary
 * providers do: uint64 as a VT_BSTR of decimal digits.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "provider_private.h"

struct ordinary {
    IWbemProviderInit IWbemProviderInit_iface;
    struct rp_services services;
    atomic_uint ref;
    _Atomic(IWbemServices *) ns;              /* from Initialize, owned */
    _Atomic(IWbemClassObject *) class_obj;    /* HiPerfCheck_Disk, owned */
};

static struct ordinary *impl_from_IWbemProviderInit(IWbemProviderInit *iface)
{
    return RP_CONTAINER_OF(iface, struct ordinary, IWbemProviderInit_iface);
}

static struct ordinary *impl_from_rp_services(struct rp_services *s)
{
    return RP_CONTAINER_OF(s, struct ordinary, services);
}

static HRESULT STDMETHODCALLTYPE ordinary_QueryInterface(IWbemProviderInit *iface, REFIID riid, void **ppv)
{
    struct ordinary *o = impl_from_IWbemProviderInit(iface);

    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemProviderInit))
        *ppv = &o->IWbemProviderInit_iface;
    else if (IsEqualIID(riid, &IID_IWbemServices))
        *ppv = &o->services.IWbemServices_iface;
    else
        return E_NOINTERFACE;
    atomic_fetch_add(&o->ref, 1);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE ordinary_AddRef(IWbemProviderInit *iface)
{
    return atomic_fetch_add(&impl_from_IWbemProviderInit(iface)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE ordinary_Release(IWbemProviderInit *iface)
{
    struct ordinary *o = impl_from_IWbemProviderInit(iface);
    ULONG ref = atomic_fetch_sub(&o->ref, 1) - 1;

    if (ref == 0) {
        IWbemClassObject *cls = atomic_load(&o->class_obj);
        IWbemServices *ns = atomic_load(&o->ns);
        if (cls)
            IWbemClassObject_Release(cls);
        if (ns)
            IWbemServices_Release(ns);
        free(o);
        rp_module_object_destroyed();
    }
    return ref;
}

/* As the hi-perf provider's Initialize: keeps `ns` (AddRef'd) and reports
 * WBEM_S_INITIALIZED through `sink` exactly once. */
static HRESULT STDMETHODCALLTYPE ordinary_Initialize(IWbemProviderInit *iface, LPWSTR user, LONG flags,
                                                     LPWSTR namespace_name, LPWSTR locale, IWbemServices *ns,
                                                     IWbemContext *ctx, IWbemProviderInitSink *sink)
{
    struct ordinary *o = impl_from_IWbemProviderInit(iface);
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
        if (!atomic_compare_exchange_strong(&o->ns, &expected, ns))
            IWbemServices_Release(ns);
    }
    IWbemProviderInitSink_SetStatus(sink, WBEM_S_INITIALIZED, 0);
    return WBEM_S_NO_ERROR;
}

static const IWbemProviderInitVtbl ordinary_vtbl = {
    ordinary_QueryInterface,
    ordinary_AddRef,
    ordinary_Release,
    ordinary_Initialize,
};

/* ---- IWbemServices (services.c) ------------------------------------------ */

static IUnknown *services_outer(struct rp_services *s)
{
    return (IUnknown *)&impl_from_rp_services(s)->IWbemProviderInit_iface;
}

static bool services_serves(struct rp_services *s, int cls)
{
    (void)s;
    return cls == RP_CLASS_DISK;
}

/* The class object of HiPerfCheck_Disk, fetched once; borrowed. */
static HRESULT disk_class(struct ordinary *o, IWbemServices *ns, IWbemClassObject **out)
{
    IWbemClassObject *obj = atomic_load(&o->class_obj), *expected = NULL;
    IWbemServices *use = atomic_load(&o->ns);
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
    name = SysAllocString(rp_classes[RP_CLASS_DISK].name);
    if (!name)
        return WBEM_E_OUT_OF_MEMORY;
    hr = IWbemServices_GetObject(use, name, 0, NULL, &obj, NULL);
    SysFreeString(name);
    if (FAILED(hr))
        return hr;
    if (!obj)
        return WBEM_E_FAILED;
    if (!atomic_compare_exchange_strong(&o->class_obj, &expected, obj)) {
        IWbemClassObject_Release(obj);
        obj = expected;
    }
    *out = obj;
    return WBEM_S_NO_ERROR;
}

static HRESULT services_make(struct rp_services *s, IWbemServices *ns, int cls, unsigned inst,
                             const struct rp_now *now, IWbemClassObject **out)
{
    const struct rp_class *c = &rp_classes[cls];
    IWbemClassObject *class_obj, *obj = NULL;
    uint64_t vals[RP_MAX_PROPS];
    HRESULT hr;

    *out = NULL;
    if (!c->values(now, inst, vals))
        return WBEM_E_NOT_FOUND;
    hr = disk_class(impl_from_rp_services(s), ns, &class_obj);
    if (FAILED(hr))
        return hr;
    hr = IWbemClassObject_SpawnInstance(class_obj, 0, &obj);
    if (FAILED(hr))
        return hr;
    WCHAR name[RP_NAME_MAX];
    hr = rp_put_string(obj, c->key, rp_instance_name(c, inst, name));
    for (unsigned i = 0; i < c->nprops && SUCCEEDED(hr); i++)
        hr = rp_put_uint64(obj, c->props[i].name, vals[i]);
    if (FAILED(hr)) {
        IWbemClassObject_Release(obj);
        return hr;
    }
    *out = obj;
    return WBEM_S_NO_ERROR;
}

static const struct rp_services_ops services_ops = {
    services_outer,
    services_serves,
    services_make,
};

HRESULT rp_ordinary_create(IUnknown **out)
{
    struct ordinary *o = calloc(1, sizeof(*o));

    *out = NULL;
    if (!o)
        return E_OUTOFMEMORY;
    o->IWbemProviderInit_iface.lpVtbl = &ordinary_vtbl;
    rp_services_init(&o->services, &services_ops);
    atomic_init(&o->ref, 1);
    atomic_init(&o->ns, NULL);
    atomic_init(&o->class_obj, NULL);
    rp_module_object_created();
    *out = (IUnknown *)&o->IWbemProviderInit_iface;
    return S_OK;
}
