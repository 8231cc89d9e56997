/*
 * tests/providers/alternative/alt_provider.c - the alternative provider's
 * COM object: IWbemHiPerfProvider (its identity) and IWbemProviderInit.
 * It has no IWbemServices: it is a high-performance provider only.
 *
 * Invariants:
 *   - QueryInterface(IID_IUnknown) through either interface gives
 *     &IWbemHiPerfProvider_iface.
 *   - `lock` (recursive) guards `ns`, `class_obj[]` and every refresher's
 *     items; the provider keeps one reference on whatever it stores there
 *     and releases it when it is freed.  Refreshers keep a reference on
 *     the provider; the provider keeps no pointer to them.
 *   - IDs come from one counter for the provider's whole life, so they are
 *     unique across all its refreshers.
 *   - On failure every [out] pointer is NULL and every [out] ID 0.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "alt_private.h"

struct alt_provider {
    IWbemHiPerfProvider IWbemHiPerfProvider_iface;
    IWbemProviderInit IWbemProviderInit_iface;
    atomic_uint refs;
    atomic_long last_id;
    pthread_mutex_t lock;                          /* recursive */
    IWbemServices *ns;                             /* under lock; owned */
    IWbemClassObject *class_obj[ALT_NCLASSES];     /* under lock; owned */
};

static struct alt_provider *from_hiperf(IWbemHiPerfProvider *iface)
{
    return ALT_CONTAINER_OF(iface, struct alt_provider, IWbemHiPerfProvider_iface);
}

static struct alt_provider *from_init(IWbemProviderInit *iface)
{
    return ALT_CONTAINER_OF(iface, struct alt_provider, IWbemProviderInit_iface);
}

void alt_provider_addref(struct alt_provider *p)
{
    atomic_fetch_add(&p->refs, 1);
}

static ULONG provider_release(struct alt_provider *p)
{
    ULONG left = atomic_fetch_sub(&p->refs, 1) - 1;

    if (left == 0) {
        for (unsigned k = 0; k < ALT_NCLASSES; k++)
            if (p->class_obj[k])
                IWbemClassObject_Release(p->class_obj[k]);
        if (p->ns)
            IWbemServices_Release(p->ns);
        pthread_mutex_destroy(&p->lock);
        free(p);
        alt_object_gone();
    }
    return left;
}

void alt_provider_release(struct alt_provider *p)
{
    provider_release(p);
}

pthread_mutex_t *alt_provider_lock(struct alt_provider *p)
{
    return &p->lock;
}

LONG alt_provider_next_id(struct alt_provider *p)
{
    /* 2^31 - 1 IDs, then around again from 1: a provider is not expected
     * to hand out two billion live items. */
    long id = atomic_fetch_add(&p->last_id, 1) + 1;
    return (LONG)((id - 1) % 0x7fffffff + 1);
}

static HRESULT provider_qi(struct alt_provider *p, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemHiPerfProvider))
        *ppv = &p->IWbemHiPerfProvider_iface;
    else if (IsEqualIID(riid, &IID_IWbemProviderInit))
        *ppv = &p->IWbemProviderInit_iface;
    else
        return E_NOINTERFACE;
    alt_provider_addref(p);
    return S_OK;
}

/* The class object of cls, fetched once; borrowed.  Under the lock: the
 * host's GetObject of a class never calls back into a provider. */
static HRESULT class_object(struct alt_provider *p, IWbemServices *ns, const struct alt_class *cls,
                            IWbemClassObject **out)
{
    const unsigned k = (unsigned)(cls - alt_classes);
    HRESULT hr = WBEM_S_NO_ERROR;

    pthread_mutex_lock(&p->lock);
    if (!p->class_obj[k]) {
        IWbemServices *use = p->ns ? p->ns : ns;
        BSTR name = SysAllocString(cls->name);
        IWbemClassObject *obj = NULL;
        if (!use)
            hr = WBEM_E_UNEXPECTED;
        else if (!name)
            hr = WBEM_E_OUT_OF_MEMORY;
        else
            hr = IWbemServices_GetObject(use, name, 0, NULL, &obj, NULL);
        SysFreeString(name);
        if (SUCCEEDED(hr) && !obj)
            hr = WBEM_E_FAILED;
        if (SUCCEEDED(hr))
            p->class_obj[k] = obj;
    }
    *out = p->class_obj[k];
    pthread_mutex_unlock(&p->lock);
    return hr;
}

HRESULT alt_spawn(struct alt_provider *p, IWbemServices *ns, const struct alt_class *cls, unsigned i,
                  const struct alt_clock *c, IWbemObjectAccess **out)
{
    IWbemClassObject *klass, *obj = NULL;
    IWbemObjectAccess *oa = NULL;
    uint64_t v[ALT_MAX_PROPS];
    LONG h[ALT_MAX_PROPS];
    HRESULT hr;

    *out = NULL;
    if (!cls->sample(i, c, v))
        return WBEM_E_NOT_FOUND;
    hr = class_object(p, ns, cls, &klass);
    if (FAILED(hr))
        return hr;
    hr = IWbemClassObject_SpawnInstance(klass, 0, &obj);
    if (FAILED(hr))
        return hr;
    hr = cls->put_keys(obj, i);
    if (SUCCEEDED(hr))
        hr = IWbemClassObject_QueryInterface(obj, &IID_IWbemObjectAccess, (void **)&oa);
    IWbemClassObject_Release(obj);
    if (SUCCEEDED(hr))
        hr = alt_handles(oa, cls, h);
    if (SUCCEEDED(hr))
        hr = alt_write(oa, cls, h, v);
    if (FAILED(hr)) {
        if (oa)
            IWbemObjectAccess_Release(oa);
        return hr;
    }
    *out = oa;
    return WBEM_S_NO_ERROR;
}

/* ---- IWbemProviderInit ----------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE init_QueryInterface(IWbemProviderInit *iface, REFIID riid, void **ppv)
{
    return provider_qi(from_init(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE init_AddRef(IWbemProviderInit *iface)
{
    return atomic_fetch_add(&from_init(iface)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE init_Release(IWbemProviderInit *iface)
{
    return provider_release(from_init(iface));
}

/* Connects to WMI on its own, as an in-process provider may, through the
 * administrative locator it must use for that (INIT-ADMIN-LOCATOR).
 * Returns the namespace with a reference of ours, or NULL. */
static IWbemServices *connect_own(LPWSTR namespace_name)
{
    IWbemLocator *loc = NULL;
    IWbemServices *own = NULL;
    if (!namespace_name || FAILED(CoCreateInstance(&CLSID_WbemAdministrativeLocator, NULL, CLSCTX_INPROC_SERVER,
                                                   &IID_IWbemLocator, (void **)&loc)))
        return NULL;
    BSTR path = SysAllocString(namespace_name);
    if (!path || FAILED(IWbemLocator_ConnectServer(loc, path, NULL, NULL, NULL, 0, NULL, NULL, &own)))
        own = NULL;
    SysFreeString(path);
    IWbemLocator_Release(loc);
    return own;
}

/* Keeps the first namespace it gets (with a reference of its own): its own
 * connection to the namespace it is initialized for when it can make one,
 * else the one it is given; says WBEM_S_INITIALIZED.  The sink is used
 * only during the call. */
static HRESULT STDMETHODCALLTYPE init_Initialize(IWbemProviderInit *iface, LPWSTR user, LONG flags,
                                                 LPWSTR namespace_name, LPWSTR locale, IWbemServices *ns,
                                                 IWbemContext *ctx, IWbemProviderInitSink *sink)
{
    struct alt_provider *p = from_init(iface);

    (void)user, (void)locale, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (flags != 0) {
        IWbemProviderInitSink_SetStatus(sink, WBEM_E_FAILED, 0);
        return WBEM_E_INVALID_PARAMETER;
    }
    IWbemServices *own = connect_own(namespace_name);
    pthread_mutex_lock(&p->lock);
    if (!p->ns && own) {
        p->ns = own;
        own = NULL;
    } else if (!p->ns && ns) {
        p->ns = ns;
        IWbemServices_AddRef(ns);
    }
    pthread_mutex_unlock(&p->lock);
    if (own)
        IWbemServices_Release(own);
    IWbemProviderInitSink_SetStatus(sink, WBEM_S_INITIALIZED, 0);
    return WBEM_S_NO_ERROR;
}

static const IWbemProviderInitVtbl init_vtbl = {
    init_QueryInterface,
    init_AddRef,
    init_Release,
    init_Initialize,
};

/* ---- IWbemHiPerfProvider ---------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE hp_QueryInterface(IWbemHiPerfProvider *iface, REFIID riid, void **ppv)
{
    return provider_qi(from_hiperf(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE hp_AddRef(IWbemHiPerfProvider *iface)
{
    return atomic_fetch_add(&from_hiperf(iface)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE hp_Release(IWbemHiPerfProvider *iface)
{
    return provider_release(from_hiperf(iface));
}

static HRESULT done(IWbemObjectSink *sink, HRESULT hr)
{
    IWbemObjectSink_SetStatus(sink, WBEM_STATUS_COMPLETE, hr, NULL, NULL);
    return hr;
}

/* Every instance that exists now, one Indicate each, then one SetStatus. */
static HRESULT STDMETHODCALLTYPE hp_QueryInstances(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                   WCHAR *wszClass, LONG flags, IWbemContext *ctx,
                                                   IWbemObjectSink *sink)
{
    struct alt_provider *p = from_hiperf(iface);
    const struct alt_class *cls;
    struct alt_clock c;
    HRESULT hr = WBEM_S_NO_ERROR;

    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    cls = alt_class_named(wszClass);
    if (!cls)
        return done(sink, WBEM_E_INVALID_CLASS);
    alt_clock_read(&c);
    for (unsigned i = 0; i < cls->ninst && SUCCEEDED(hr); i++) {
        uint64_t v[ALT_MAX_PROPS];
        IWbemObjectAccess *obj;
        if (!cls->sample(i, &c, v))
            continue;
        hr = alt_spawn(p, ns, cls, i, &c, &obj);
        if (FAILED(hr))
            break;
        /* IWbemObjectAccess derives from IWbemClassObject. */
        IWbemClassObject *one = (IWbemClassObject *)obj;
        hr = IWbemObjectSink_Indicate(sink, 1, &one);
        IWbemObjectAccess_Release(obj);
    }
    /* The documentation lets the return code be the whole answer: a
     * success is said by returning it alone (the reference provider also
     * calls SetStatus); a failure goes both ways. */
    return FAILED(hr) ? done(sink, hr) : WBEM_S_NO_ERROR;
}

static HRESULT STDMETHODCALLTYPE hp_CreateRefresher(IWbemHiPerfProvider *iface, IWbemServices *ns, LONG flags,
                                                    IWbemRefresher **ppRefresher)
{
    (void)ns;
    if (!ppRefresher)
        return WBEM_E_INVALID_PARAMETER;
    *ppRefresher = NULL;
    if (flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    return alt_refresher_create(from_hiperf(iface), ppRefresher);
}

/* A clone of the template, filled now, kept by the refresher and returned
 * with a reference of the caller's. */
static HRESULT STDMETHODCALLTYPE hp_CreateRefreshableObject(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                            IWbemObjectAccess *tmpl, IWbemRefresher *refresher,
                                                            LONG flags, IWbemContext *ctx,
                                                            IWbemObjectAccess **ppRefreshable, LONG *plId)
{
    struct alt_provider *p = from_hiperf(iface);
    const struct alt_class *cls;
    struct alt_refresher *r;
    IWbemClassObject *copy = NULL;
    IWbemObjectAccess *obj = NULL;
    uint64_t v[ALT_MAX_PROPS];
    LONG h[ALT_MAX_PROPS];
    struct alt_clock c;
    unsigned i;
    LONG id = 0;
    HRESULT hr;

    (void)ns, (void)ctx;
    if (ppRefreshable)
        *ppRefreshable = NULL;
    if (plId)
        *plId = 0;
    if (!tmpl || !refresher || !ppRefreshable || !plId || flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    r = alt_refresher_of(refresher, p);
    if (!r)
        return WBEM_E_INVALID_PARAMETER;
    hr = alt_identify((IWbemClassObject *)tmpl, &cls, &i);
    if (FAILED(hr))
        return hr;
    alt_clock_read(&c);
    if (!cls->sample(i, &c, v))
        return WBEM_E_NOT_FOUND;
    hr = IWbemObjectAccess_Clone(tmpl, &copy);
    if (FAILED(hr))
        return hr;
    hr = IWbemClassObject_QueryInterface(copy, &IID_IWbemObjectAccess, (void **)&obj);
    IWbemClassObject_Release(copy);
    if (FAILED(hr))
        return hr;
    hr = alt_handles(obj, cls, h);
    if (SUCCEEDED(hr))
        hr = alt_write(obj, cls, h, v);
    if (SUCCEEDED(hr)) {
        IWbemObjectAccess_AddRef(obj);   /* the caller's reference; the refresher takes the other */
        hr = alt_refresher_add_object(r, obj, cls, i, h, &id);
        if (FAILED(hr))
            IWbemObjectAccess_Release(obj);
    }
    if (FAILED(hr)) {
        IWbemObjectAccess_Release(obj);
        return hr;
    }
    *ppRefreshable = obj;
    *plId = id;
    return WBEM_S_NO_ERROR;
}

static HRESULT STDMETHODCALLTYPE hp_StopRefreshing(IWbemHiPerfProvider *iface, IWbemRefresher *refresher, LONG id,
                                                   LONG flags)
{
    struct alt_refresher *r = alt_refresher_of(refresher, from_hiperf(iface));

    (void)flags;
    if (!r)
        return WBEM_E_INVALID_PARAMETER;
    return alt_refresher_stop(r, id);
}

static HRESULT STDMETHODCALLTYPE hp_CreateRefreshableEnum(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                          LPCWSTR wszClass, IWbemRefresher *refresher, LONG flags,
                                                          IWbemContext *ctx, IWbemHiPerfEnum *hpe, LONG *plId)
{
    const struct alt_class *cls;
    struct alt_refresher *r;
    LONG id = 0;
    HRESULT hr;

    (void)ctx;
    if (plId)
        *plId = 0;
    if (!wszClass || !refresher || !hpe || !plId || flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    r = alt_refresher_of(refresher, from_hiperf(iface));
    if (!r)
        return WBEM_E_INVALID_PARAMETER;
    cls = alt_class_named(wszClass);
    if (!cls)
        return WBEM_E_INVALID_CLASS;
    hr = alt_refresher_add_enum(r, ns, hpe, cls, &id);
    if (SUCCEEDED(hr))
        *plId = id;
    return hr;
}

/* Fills each object in place once every key has been found. */
static HRESULT STDMETHODCALLTYPE hp_GetObjects(IWbemHiPerfProvider *iface, IWbemServices *ns, LONG count,
                                               IWbemObjectAccess **objs, LONG flags, IWbemContext *ctx)
{
    const struct alt_class *cls[16];
    unsigned inst[16];
    struct alt_clock c;
    HRESULT hr = WBEM_S_NO_ERROR;

    (void)iface, (void)ns, (void)ctx;
    if (flags != 0 || count < 0 || (count > 0 && !objs))
        return WBEM_E_INVALID_PARAMETER;
    alt_clock_read(&c);
    /* In batches of 16: each batch is checked whole before it is written. */
    for (LONG base = 0; base < count && SUCCEEDED(hr); base += 16) {
        LONG n = count - base < 16 ? count - base : 16;
        for (LONG k = 0; k < n && SUCCEEDED(hr); k++) {
            uint64_t v[ALT_MAX_PROPS];
            if (!objs[base + k])
                hr = WBEM_E_INVALID_PARAMETER;
            else
                hr = alt_identify((IWbemClassObject *)objs[base + k], &cls[k], &inst[k]);
            if (SUCCEEDED(hr) && !cls[k]->sample(inst[k], &c, v))
                hr = WBEM_E_NOT_FOUND;
        }
        for (LONG k = 0; k < n && SUCCEEDED(hr); k++) {
            uint64_t v[ALT_MAX_PROPS];
            LONG h[ALT_MAX_PROPS];
            cls[k]->sample(inst[k], &c, v);
            hr = alt_handles(objs[base + k], cls[k], h);
            if (SUCCEEDED(hr))
                hr = alt_write(objs[base + k], cls[k], h, v);
        }
    }
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

HRESULT alt_provider_create(IUnknown **out)
{
    struct alt_provider *p = calloc(1, sizeof(*p));
    pthread_mutexattr_t attr;

    *out = NULL;
    if (!p)
        return E_OUTOFMEMORY;
    if (pthread_mutexattr_init(&attr) != 0 || pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0 ||
        pthread_mutex_init(&p->lock, &attr) != 0) {
        free(p);
        return E_OUTOFMEMORY;
    }
    pthread_mutexattr_destroy(&attr);
    p->IWbemHiPerfProvider_iface.lpVtbl = &hiperf_vtbl;
    p->IWbemProviderInit_iface.lpVtbl = &init_vtbl;
    atomic_init(&p->refs, 1);
    atomic_init(&p->last_id, 0);
    alt_object_made();
    *out = (IUnknown *)&p->IWbemHiPerfProvider_iface;
    return S_OK;
}
