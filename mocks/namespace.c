/*
 * mocks/namespace.c - the host's IWbemServices (see namespace.h).
 * Invariant: every object it hands out carries one reference for the
 * caller's actor; every reference it takes for itself (sinks, query
 * results) is dropped before the call returns.
 */
#include "namespace.h"

#include <stdlib.h>
#include <string.h>

#include "enumobj.h"
#include "callresult.h"
#include "loader.h"
#include "object.h"
#include "objpath.h"
#include "provrefr.h"
#include "refrsvc.h"
#include "sink.h"

struct hnamespace {
    IWbemServices IWbemServices_iface;
    struct hobj hdr;
    struct host *host;
    struct refrsvc *refrsvc;     /* HOST reference, made on first use (refrsvc.h) */
};

static const IWbemServicesVtbl namespace_vtbl;

static struct hnamespace *impl_from_IWbemServices(IWbemServices *iface)
{
    return (struct hnamespace *)((char *)iface - offsetof(struct hnamespace, IWbemServices_iface));
}

static struct hnamespace *impl_from_hobj(struct hobj *h)
{
    return (struct hnamespace *)((char *)h - offsetof(struct hnamespace, hdr));
}

static void ns_free(struct hobj *h)
{
    free(impl_from_hobj(h));
}

static void ns_describe(struct hobj *h, struct hp_buf *b)
{
    hp_buf_puts(b, impl_from_hobj(h)->host->namespace_path);
}

static const struct hobj_ops ns_ops = {"IWbemServices", NULL, ns_free, ns_describe};

struct hobj *host_namespace_hobj(struct host *host)
{
    return host->ns ? &host->ns->hdr : NULL;
}

IWbemServices *host_namespace(struct host *host)
{
    if (host->ns)
        return &host->ns->IWbemServices_iface;
    struct hnamespace *ns = calloc(1, sizeof *ns);
    if (!ns) {
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    ns->IWbemServices_iface.lpVtbl = &namespace_vtbl;
    ns->host = host;
    hobj_init(&ns->hdr, &host->ledger, &ns_ops, HP_ACTOR_HOST);
    host->ns = ns;
    return &ns->IWbemServices_iface;
}

void host_set_provider_wait(struct host *host, unsigned ms)
{
    host->provider_wait_ms = ms;
}

/* ---- Serving instances through providers ---------------------------------- */

static void unref_all(IWbemClassObject **objs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        hobj_unref(hobject_hobj(hobject_from_iface(objs[i])), HP_ACTOR_HOST);
    free(objs);
}

/* Instances of a static class, from the repository's instance declarations. */
static HRESULT static_instances(struct host *host, const struct repo_class *cls, IWbemClassObject ***objs,
                                size_t *n)
{
    size_t cap = 0;
    for (size_t i = 0; i < repo_instance_count(host->repo); i++) {
        const struct repo_instance *ri = repo_instance_at(host->repo, i);
        if (!repo_class_is_a(ri->cls, cls->name))
            continue;
        struct hobject *o = hobject_new_instance(host, ri->cls, HP_ACTOR_HOST);
        if (!o || hp_grow((void **)objs, &cap, *n + 1, sizeof **objs)) {
            if (o)
                hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
            return WBEM_E_OUT_OF_MEMORY;
        }
        for (size_t k = 0; k < ri->cls->nprops; k++)
            if (ri->set[k])
                hobject_set_at(o, k, &ri->values[k]);
        (*objs)[(*n)++] = hobject_iface(o);
    }
    return WBEM_S_NO_ERROR;
}

/* Collects the objects a sink was given, each with a new HOST reference. */
static HRESULT sink_objects(struct objsink *sink, IWbemClassObject ***objs, size_t *n)
{
    size_t cap = 0;
    struct objsink_event ev;
    for (size_t i = 0; objsink_event_get(sink, i, &ev); i++) {
        if (ev.kind != OBJSINK_INDICATE || !ev.objects)
            continue;
        for (LONG k = 0; k < ev.count; k++) {
            if (hp_grow((void **)objs, &cap, *n + 1, sizeof **objs))
                return WBEM_E_OUT_OF_MEMORY;
            hobj_ref(hobject_hobj(hobject_from_iface(ev.objects[k])), HP_ACTOR_HOST);
            (*objs)[(*n)++] = ev.objects[k];
        }
    }
    return WBEM_S_NO_ERROR;
}

static WCHAR *u16(const char *s)
{
    return hp_utf8_to_utf16(s, (size_t)-1, NULL);
}

HRESULT host_query_instances(struct host *host, const struct repo_class *cls, IWbemClassObject ***objs,
                             size_t *n)
{
    *objs = NULL;
    *n = 0;
    if (!cls->dynamic)
        return static_instances(host, cls, objs, n);
    const struct repo_provider *reg = repo_provider_for_class(host->repo, cls);
    if (!reg)
        return WBEM_E_PROVIDER_NOT_FOUND;
    struct hostprov *p;
    if (host_load_provider(host, reg, HOSTPROV_IN_WMI, host->provider_wait_ms, &p))
        return WBEM_E_PROVIDER_LOAD_FAILURE;
    struct objsink *sink;
    if (objsink_new(&sink, host, HP_ACTOR_HOST, cls->name))
        return WBEM_E_OUT_OF_MEMORY;
    WCHAR *name = u16(cls->name);
    if (!name) {
        hobj_unref(objsink_hobj(sink), HP_ACTOR_HOST);
        return WBEM_E_OUT_OF_MEMORY;
    }
    IWbemServices *ns = host_namespace(host);
    HRESULT hr;
    int64_t sid = journal_intern(&host->journal, cls->name);
    if (p->hiperf) {
        hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_QueryInstances, p->hiperf, sid, 0, 0, 1,
                                IWbemHiPerfProvider_QueryInstances(p->hiperf, ns, name, 0, NULL,
                                                                   objsink_iface(sink)));
    } else if (p->services) {
        hr = HOST_CALL_PROVIDER(host, HPM_IWbemServices_CreateInstanceEnumAsync, p->services, sid, 0, 0, 1,
                                IWbemServices_CreateInstanceEnumAsync(p->services, name, 0, NULL,
                                                                      objsink_iface(sink)));
    } else {
        hr = WBEM_E_PROVIDER_NOT_CAPABLE;
    }
    free(name);
    /* QueryInstances may answer by its return code alone; an asynchronous
     * IWbemServices call ends with SetStatus. */
    hr = objsink_result(sink, hr, p->hiperf != NULL, host->provider_wait_ms);
    if (SUCCEEDED(hr) && sink_objects(sink, objs, n) != WBEM_S_NO_ERROR) {
        unref_all(*objs, *n);
        *objs = NULL;
        *n = 0;
        hr = WBEM_E_OUT_OF_MEMORY;
    }
    hobj_unref(objsink_hobj(sink), HP_ACTOR_HOST);
    return hr;
}

/* HP-GETOBJECTS-FALLBACK: a hi-perf provider that leaves GetObjects
 * unimplemented is asked, as WMI asks it, through a refresher made for the
 * one object: CreateRefresher, CreateRefreshableObject with tmpl (keys
 * set), Refresh; the values are copied into tmpl; the refresher is let go
 * (the provider cleans up what it held). */
static HRESULT get_through_refresher(struct host *host, const struct repo_provider *reg, struct hobject *tmpl)
{
    journal_note(&host->journal, "GetObject: the provider declines GetObjects; asking a refresher made for it");
    struct provrefr pr;
    HRESULT hr = provrefr_open(&pr, host, reg, HOSTPROV_IN_WMI);
    if (FAILED(hr))
        return hr;
    struct hobject *obj = NULL;
    LONG id = 0;
    hr = provrefr_add_object(&pr, host, tmpl, NULL, &obj, &id);
    if (SUCCEEDED(hr))
        hr = provrefr_refresh(&pr, host, 0, NULL, 0);
    if (SUCCEEDED(hr) && hobject_copy_values(tmpl, obj) != 0)
        hr = WBEM_E_OUT_OF_MEMORY;
    if (obj)
        hobj_unref(hobject_hobj(obj), HP_ACTOR_HOST);
    provrefr_close(&pr, host);
    return FAILED(hr) ? hr : WBEM_S_NO_ERROR;
}

/* One instance by path: a hi-perf provider through GetObjects on a
 * keyed instance, an ordinary one through its GetObjectAsync. */
static HRESULT get_instance(struct host *host, const char *path, const struct objpath *op,
                            const struct repo_class *cls, struct hobject **out)
{
    *out = NULL;
    if (!cls->dynamic) {
        IWbemClassObject **objs;
        size_t n;
        HRESULT hr = static_instances(host, cls, &objs, &n);
        if (FAILED(hr))
            return hr;
        struct hobject *probe = hobject_new_instance(host, cls, HP_ACTOR_HOST);
        if (!probe || hobject_set_keys(probe, op)) {
            if (probe)
                hobj_unref(hobject_hobj(probe), HP_ACTOR_HOST);
            unref_all(objs, n);
            return WBEM_E_INVALID_OBJECT_PATH;
        }
        for (size_t i = 0; i < n && !*out; i++) {
            struct hobject *o = hobject_from_iface(objs[i]);
            if (hobject_key_equal(o, probe)) {
                hobj_ref(hobject_hobj(o), HP_ACTOR_HOST);
                *out = o;
            }
        }
        hobj_unref(hobject_hobj(probe), HP_ACTOR_HOST);
        unref_all(objs, n);
        return *out ? WBEM_S_NO_ERROR : WBEM_E_NOT_FOUND;
    }
    const struct repo_provider *reg = repo_provider_for_class(host->repo, cls);
    if (!reg)
        return WBEM_E_PROVIDER_NOT_FOUND;
    struct hostprov *p;
    if (host_load_provider(host, reg, HOSTPROV_IN_WMI, host->provider_wait_ms, &p))
        return WBEM_E_PROVIDER_LOAD_FAILURE;
    IWbemServices *ns = host_namespace(host);
    int64_t sid = journal_intern(&host->journal, path);
    if (p->hiperf) {
        struct hobject *o = hobject_new_instance(host, cls, HP_ACTOR_HOST);
        if (!o)
            return WBEM_E_OUT_OF_MEMORY;
        if (hobject_set_keys(o, op)) {
            hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
            return WBEM_E_INVALID_OBJECT_PATH;
        }
        IWbemObjectAccess *acc = hobject_access(o);
        HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_GetObjects, p->hiperf, sid, 1, 0, 1,
                                        IWbemHiPerfProvider_GetObjects(p->hiperf, ns, 1, &acc, 0, NULL));
        if (hr == WBEM_E_PROVIDER_NOT_CAPABLE)
            hr = get_through_refresher(host, reg, o);
        if (FAILED(hr)) {
            hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
            return hr;
        }
        *out = o;
        return hr;
    }
    if (!p->services)
        return WBEM_E_PROVIDER_NOT_CAPABLE;
    struct objsink *sink;
    if (objsink_new(&sink, host, HP_ACTOR_HOST, path))
        return WBEM_E_OUT_OF_MEMORY;
    WCHAR *wpath = u16(path);
    BSTR bpath = wpath ? SysAllocString(wpath) : NULL;
    free(wpath);
    if (!bpath) {
        hobj_unref(objsink_hobj(sink), HP_ACTOR_HOST);
        return WBEM_E_OUT_OF_MEMORY;
    }
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemServices_GetObjectAsync, p->services, sid, 0, 0, 1,
                                    IWbemServices_GetObjectAsync(p->services, bpath, 0, NULL, objsink_iface(sink)));
    SysFreeString(bpath);
    hr = objsink_result(sink, hr, false, host->provider_wait_ms);
    if (SUCCEEDED(hr)) {
        IWbemClassObject **objs = NULL;
        size_t n = 0;
        if (sink_objects(sink, &objs, &n) == WBEM_S_NO_ERROR && n >= 1) {
            *out = hobject_from_iface(objs[0]);
            hobj_ref(hobject_hobj(*out), HP_ACTOR_HOST);
        } else {
            hr = WBEM_E_NOT_FOUND;
        }
        unref_all(objs, n);
    }
    hobj_unref(objsink_hobj(sink), HP_ACTOR_HOST);
    return hr;
}

HRESULT host_get_instance(struct host *host, const char *path, struct hobject **out)
{
    *out = NULL;
    struct objpath op;
    if (!path || objpath_parse(&op, path))
        return WBEM_E_INVALID_OBJECT_PATH;
    const struct repo_class *cls = host->repo ? repo_class(host->repo, op.cls) : NULL;
    HRESULT hr;
    if (!cls)
        hr = WBEM_E_INVALID_CLASS;
    else if (!op.singleton && op.nkeys == 0)
        hr = WBEM_E_INVALID_OBJECT_PATH;   /* a class path names no instance */
    else
        hr = get_instance(host, path, &op, cls, out);
    objpath_free(&op);
    return hr;
}

struct refrsvc *host_refrsvc(struct host *host)
{
    if (!host_namespace(host))
        return NULL;
    struct hnamespace *ns = host->ns;
    pthread_mutex_lock(&host->lock);
    if (!ns->refrsvc && refrsvc_new(&ns->refrsvc, host, HP_ACTOR_HOST))
        ns->refrsvc = NULL;
    struct refrsvc *s = ns->refrsvc;
    pthread_mutex_unlock(&host->lock);
    return s;
}

/* ---- IWbemServices -------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE ns_QueryInterface(IWbemServices *iface, REFIID riid, void **ppv)
{
    struct hnamespace *ns = impl_from_IWbemServices(iface);
    if (ppv)
        *ppv = NULL;                /* on every failure, an injected one or a dead namespace's too */
    HRESULT hr = host_enter(ns->host, &ns->hdr, HPM_IWbemServices_QueryInterface);
    if (hr != S_OK)
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_QueryInterface, 0, 0, 0, 0, hr);
    if (!ppv || !riid)
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_QueryInterface, 0, 0, 0, 0, E_POINTER);
    struct refrsvc *rs;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemServices)) {
        hobj_addref(&ns->hdr);
        *ppv = iface;
        hr = S_OK;
    } else if (IsEqualIID(riid, &IID_IWbemRefreshingServices)) {
        /* [MS-WMI] 3.2.4.5: the client reaches the refreshing services
         * through the server's IWbemServices. */
        if ((rs = host_refrsvc(ns->host))) {
            hobj_addref(refrsvc_hobj(rs));
            *ppv = refrsvc_iface(rs);
            hr = S_OK;
        } else {
            hr = E_OUTOFMEMORY;
        }
    } else {
        hr = E_NOINTERFACE;
    }
    return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_QueryInterface, 0, 0, 0, 0, hr);
}

static ULONG STDMETHODCALLTYPE ns_AddRef(IWbemServices *iface)
{
    return hobj_addref(&impl_from_IWbemServices(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE ns_Release(IWbemServices *iface)
{
    return hobj_release(&impl_from_IWbemServices(iface)->hdr);
}

/* Every method a provider never needs: the documented refusal. */
#define NOT_SIMULATED(name)                                                                         \
    do {                                                                                             \
        struct hnamespace *ns_ = impl_from_IWbemServices(iface);                                     \
        HRESULT e_ = host_enter(ns_->host, &ns_->hdr, HPM_IWbemServices_##name);                      \
        if (e_ == S_OK) {                                                                            \
            journal_note(&ns_->host->journal, "IWbemServices::" #name " is not simulated by the host"); \
            e_ = WBEM_E_NOT_SUPPORTED;                                                               \
        }                                                                                            \
        return host_leave(ns_->host, &ns_->hdr, HPM_IWbemServices_##name, 0, 0, 0, 0, e_);           \
    } while (0)

static HRESULT STDMETHODCALLTYPE ns_OpenNamespace(IWbemServices *iface, const BSTR strNamespace, LONG lFlags,
                                                  IWbemContext *pCtx, IWbemServices **ppWorkingNamespace,
                                                  IWbemCallResult **ppResult)
{
    (void)strNamespace, (void)lFlags, (void)pCtx;
    if (ppWorkingNamespace)
        *ppWorkingNamespace = NULL;
    if (ppResult)
        *ppResult = NULL;
    NOT_SIMULATED(OpenNamespace);
}

static HRESULT STDMETHODCALLTYPE ns_CancelAsyncCall(IWbemServices *iface, IWbemObjectSink *pSink)
{
    (void)pSink;
    NOT_SIMULATED(CancelAsyncCall);
}

static HRESULT STDMETHODCALLTYPE ns_QueryObjectSink(IWbemServices *iface, LONG lFlags,
                                                    IWbemObjectSink **ppResponseHandler)
{
    (void)lFlags;
    if (ppResponseHandler)
        *ppResponseHandler = NULL;
    NOT_SIMULATED(QueryObjectSink);
}

/* Resolves a path for GetObject: a class object, or an instance. */
static HRESULT get_object(struct hnamespace *ns, const WCHAR *wpath, struct hobject **out)
{
    struct host *host = ns->host;
    *out = NULL;
    char *path = hp_utf16_to_utf8(wpath, (size_t)-1, NULL);
    if (!path)
        return WBEM_E_INVALID_PARAMETER;
    struct objpath op;
    HRESULT hr;
    if (objpath_parse(&op, path)) {
        hr = WBEM_E_INVALID_OBJECT_PATH;
        goto out;
    }
    const struct repo_class *cls = host->repo ? repo_class(host->repo, op.cls) : NULL;
    bool is_class = !op.singleton && op.nkeys == 0;
    if (!cls) {
        hr = is_class ? WBEM_E_NOT_FOUND : WBEM_E_INVALID_CLASS;
    } else if (is_class) {
        *out = hobject_new_class(host, cls, HP_ACTOR_HOST);
        hr = *out ? WBEM_S_NO_ERROR : WBEM_E_OUT_OF_MEMORY;
    } else {
        hr = get_instance(host, path, &op, cls, out);
    }
    objpath_free(&op);
out:
    free(path);
    return hr;
}

static HRESULT STDMETHODCALLTYPE ns_GetObject(IWbemServices *iface, const BSTR strObjectPath, LONG lFlags,
                                              IWbemContext *pCtx, IWbemClassObject **ppObject,
                                              IWbemCallResult **ppCallResult)
{
    struct hnamespace *ns = impl_from_IWbemServices(iface);
    struct host *host = ns->host;
    (void)lFlags, (void)pCtx;
    if (ppObject)
        *ppObject = NULL;           /* on every failure, an injected one or a dead namespace's too */
    if (ppCallResult)
        *ppCallResult = NULL;
    int64_t sid = journal_intern16(&host->journal, strObjectPath);
    HRESULT hr = host_enter(host, &ns->hdr, HPM_IWbemServices_GetObject);
    if (hr != S_OK)
        return host_leave(host, &ns->hdr, HPM_IWbemServices_GetObject, sid, 0, 0, 1, hr);
    if (!strObjectPath || (!ppObject && !ppCallResult))
        return host_leave(host, &ns->hdr, HPM_IWbemServices_GetObject, sid, 0, 0, 1, WBEM_E_INVALID_PARAMETER);
    enum hp_actor caller = hp_actor_current();
    struct hobject *o;
    hr = get_object(ns, strObjectPath, &o);
    if (SUCCEEDED(hr) && ppObject) {
        hobj_transfer(hobject_hobj(o), HP_ACTOR_HOST, caller, HPM_IWbemServices_GetObject);
        *ppObject = hobject_iface(o);
        o = NULL;
    }
    if (ppCallResult) {
        struct callresult *cr;
        struct callresult_init ci = {.status = hr, .object = (o && !ppObject) ? hobject_iface(o) : NULL};
        if (callresult_new(&cr, host, caller, &ci) == 0)
            *ppCallResult = callresult_iface(cr);
    }
    if (o)
        hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
    return host_leave(host, &ns->hdr, HPM_IWbemServices_GetObject, sid, 0, 0, 1, hr);
}

/* Delivers results to a caller's sink: Indicate, then SetStatus once.  The
 * sink may be a host object or the provider's own. */
static void deliver(struct host *host, IWbemObjectSink *sink, IWbemClassObject **objs, size_t n, HRESULT hr)
{
    bool ours = objsink_from_iface(sink) != NULL;
    if (SUCCEEDED(hr) && n) {
        if (ours)
            IWbemObjectSink_Indicate(sink, (LONG)n, objs);
        else
            HOST_CALL_PROVIDER(host, HPM_IWbemObjectSink_Indicate, sink, (int64_t)n, 0, 0, 0,
                               IWbemObjectSink_Indicate(sink, (LONG)n, objs));
    }
    if (ours)
        IWbemObjectSink_SetStatus(sink, WBEM_STATUS_COMPLETE, hr, NULL, NULL);
    else
        HOST_CALL_PROVIDER(host, HPM_IWbemObjectSink_SetStatus, sink, hr, 0, 0, 0,
                           IWbemObjectSink_SetStatus(sink, WBEM_STATUS_COMPLETE, hr, NULL, NULL));
}

static HRESULT STDMETHODCALLTYPE ns_GetObjectAsync(IWbemServices *iface, const BSTR strObjectPath, LONG lFlags,
                                                   IWbemContext *pCtx, IWbemObjectSink *pResponseHandler)
{
    struct hnamespace *ns = impl_from_IWbemServices(iface);
    struct host *host = ns->host;
    (void)lFlags, (void)pCtx;
    int64_t sid = journal_intern16(&host->journal, strObjectPath);
    HRESULT hr = host_enter(host, &ns->hdr, HPM_IWbemServices_GetObjectAsync);
    if (hr != S_OK)
        return host_leave(host, &ns->hdr, HPM_IWbemServices_GetObjectAsync, sid, 0, 0, 1, hr);
    if (!strObjectPath || !pResponseHandler)
        return host_leave(host, &ns->hdr, HPM_IWbemServices_GetObjectAsync, sid, 0, 0, 1,
                          WBEM_E_INVALID_PARAMETER);
    struct hobject *o;
    hr = get_object(ns, strObjectPath, &o);
    IWbemClassObject *obj = o ? hobject_iface(o) : NULL;
    deliver(host, pResponseHandler, &obj, o ? 1 : 0, hr);
    if (o)
        hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
    return host_leave(host, &ns->hdr, HPM_IWbemServices_GetObjectAsync, sid, 0, 0, 1, WBEM_S_NO_ERROR);
}

static HRESULT STDMETHODCALLTYPE ns_PutClass(IWbemServices *iface, IWbemClassObject *pObject, LONG lFlags,
                                             IWbemContext *pCtx, IWbemCallResult **ppCallResult)
{
    (void)pObject, (void)lFlags, (void)pCtx;
    if (ppCallResult)
        *ppCallResult = NULL;
    NOT_SIMULATED(PutClass);
}

static HRESULT STDMETHODCALLTYPE ns_PutClassAsync(IWbemServices *iface, IWbemClassObject *pObject, LONG lFlags,
                                                  IWbemContext *pCtx, IWbemObjectSink *pResponseHandler)
{
    (void)pObject, (void)lFlags, (void)pCtx, (void)pResponseHandler;
    NOT_SIMULATED(PutClassAsync);
}

static HRESULT STDMETHODCALLTYPE ns_DeleteClass(IWbemServices *iface, const BSTR strClass, LONG lFlags,
                                                IWbemContext *pCtx, IWbemCallResult **ppCallResult)
{
    (void)strClass, (void)lFlags, (void)pCtx;
    if (ppCallResult)
        *ppCallResult = NULL;
    NOT_SIMULATED(DeleteClass);
}

static HRESULT STDMETHODCALLTYPE ns_DeleteClassAsync(IWbemServices *iface, const BSTR strClass, LONG lFlags,
                                                     IWbemContext *pCtx, IWbemObjectSink *pResponseHandler)
{
    (void)strClass, (void)lFlags, (void)pCtx, (void)pResponseHandler;
    NOT_SIMULATED(DeleteClassAsync);
}

static HRESULT STDMETHODCALLTYPE ns_CreateClassEnum(IWbemServices *iface, const BSTR strSuperclass, LONG lFlags,
                                                    IWbemContext *pCtx, IEnumWbemClassObject **ppEnum)
{
    (void)strSuperclass, (void)lFlags, (void)pCtx;
    if (ppEnum)
        *ppEnum = NULL;
    NOT_SIMULATED(CreateClassEnum);
}

static HRESULT STDMETHODCALLTYPE ns_CreateClassEnumAsync(IWbemServices *iface, const BSTR strSuperclass,
                                                         LONG lFlags, IWbemContext *pCtx,
                                                         IWbemObjectSink *pResponseHandler)
{
    (void)strSuperclass, (void)lFlags, (void)pCtx, (void)pResponseHandler;
    NOT_SIMULATED(CreateClassEnumAsync);
}

static HRESULT STDMETHODCALLTYPE ns_PutInstance(IWbemServices *iface, IWbemClassObject *pInst, LONG lFlags,
                                                IWbemContext *pCtx, IWbemCallResult **ppCallResult)
{
    (void)pInst, (void)lFlags, (void)pCtx;
    if (ppCallResult)
        *ppCallResult = NULL;
    NOT_SIMULATED(PutInstance);
}

static HRESULT STDMETHODCALLTYPE ns_PutInstanceAsync(IWbemServices *iface, IWbemClassObject *pInst, LONG lFlags,
                                                     IWbemContext *pCtx, IWbemObjectSink *pResponseHandler)
{
    (void)pInst, (void)lFlags, (void)pCtx, (void)pResponseHandler;
    NOT_SIMULATED(PutInstanceAsync);
}

static HRESULT STDMETHODCALLTYPE ns_DeleteInstance(IWbemServices *iface, const BSTR strObjectPath, LONG lFlags,
                                                   IWbemContext *pCtx, IWbemCallResult **ppCallResult)
{
    (void)strObjectPath, (void)lFlags, (void)pCtx;
    if (ppCallResult)
        *ppCallResult = NULL;
    NOT_SIMULATED(DeleteInstance);
}

static HRESULT STDMETHODCALLTYPE ns_DeleteInstanceAsync(IWbemServices *iface, const BSTR strObjectPath,
                                                        LONG lFlags, IWbemContext *pCtx,
                                                        IWbemObjectSink *pResponseHandler)
{
    (void)strObjectPath, (void)lFlags, (void)pCtx, (void)pResponseHandler;
    NOT_SIMULATED(DeleteInstanceAsync);
}

/* The class a query or a filter names: "Class" or "SELECT * FROM Class". */
static const struct repo_class *class_of(struct host *host, const WCHAR *w, bool is_query, HRESULT *hr)
{
    char *s = hp_utf16_to_utf8(w, (size_t)-1, NULL);
    if (!s) {
        *hr = WBEM_E_INVALID_PARAMETER;
        return NULL;
    }
    const char *name = s;
    char *tok = NULL;
    if (is_query) {
        /* Exactly SELECT * FROM <Class>, any case, any spacing. */
        char *save, *t1 = strtok_r(s, " \t\r\n", &save), *t2 = strtok_r(NULL, " \t\r\n", &save);
        char *t3 = strtok_r(NULL, " \t\r\n", &save);
        tok = strtok_r(NULL, " \t\r\n", &save);
        char *extra = strtok_r(NULL, " \t\r\n", &save);
        if (!t1 || !t2 || !t3 || !tok || extra || !hp_streqi(t1, "SELECT") || strcmp(t2, "*") ||
            !hp_streqi(t3, "FROM")) {
            free(s);
            *hr = WBEM_E_INVALID_QUERY;
            return NULL;
        }
        name = tok;
    }
    const struct repo_class *cls = host->repo ? repo_class(host->repo, name) : NULL;
    *hr = cls ? WBEM_S_NO_ERROR : WBEM_E_INVALID_CLASS;
    free(s);
    return cls;
}

/* CreateInstanceEnum and ExecQuery, synchronous: an enumerator over what
 * the provider reported. */
static HRESULT enum_instances(struct hnamespace *ns, const struct repo_class *cls, LONG lFlags,
                              IEnumWbemClassObject **ppEnum)
{
    struct host *host = ns->host;
    IWbemClassObject **objs;
    size_t n;
    HRESULT hr = host_query_instances(host, cls, &objs, &n);
    if (FAILED(hr))
        return hr;
    struct enumobj *e;
    if (enumobj_new(&e, host, hp_actor_current(), objs, n, lFlags))
        hr = WBEM_E_OUT_OF_MEMORY;
    else
        *ppEnum = enumobj_iface(e);
    unref_all(objs, n);
    return hr;
}

static HRESULT STDMETHODCALLTYPE ns_CreateInstanceEnum(IWbemServices *iface, const BSTR strFilter, LONG lFlags,
                                                       IWbemContext *pCtx, IEnumWbemClassObject **ppEnum)
{
    struct hnamespace *ns = impl_from_IWbemServices(iface);
    (void)pCtx;
    if (ppEnum)
        *ppEnum = NULL;             /* on every failure, an injected one or a dead namespace's too */
    int64_t sid = journal_intern16(&ns->host->journal, strFilter);
    HRESULT hr = host_enter(ns->host, &ns->hdr, HPM_IWbemServices_CreateInstanceEnum);
    if (hr != S_OK)
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_CreateInstanceEnum, sid, lFlags, 0, 1, hr);
    if (!ppEnum || !strFilter)
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_CreateInstanceEnum, sid, lFlags, 0, 1,
                          WBEM_E_INVALID_PARAMETER);
    const struct repo_class *cls = class_of(ns->host, strFilter, false, &hr);
    if (cls)
        hr = enum_instances(ns, cls, lFlags, ppEnum);
    return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_CreateInstanceEnum, sid, lFlags, 0, 1, hr);
}

static HRESULT async_instances(struct hnamespace *ns, enum hp_method m, const WCHAR *text, bool is_query,
                               IWbemObjectSink *sink)
{
    struct host *host = ns->host;
    int64_t sid = journal_intern16(&host->journal, text);
    HRESULT hr = host_enter(host, &ns->hdr, m);
    if (hr != S_OK)
        return host_leave(host, &ns->hdr, m, sid, 0, 0, 1, hr);
    if (!text || !sink)
        return host_leave(host, &ns->hdr, m, sid, 0, 0, 1, WBEM_E_INVALID_PARAMETER);
    const struct repo_class *cls = class_of(host, text, is_query, &hr);
    IWbemClassObject **objs = NULL;
    size_t n = 0;
    if (cls)
        hr = host_query_instances(host, cls, &objs, &n);
    deliver(host, sink, objs, n, hr);
    unref_all(objs, n);
    return host_leave(host, &ns->hdr, m, sid, 0, 0, 1, WBEM_S_NO_ERROR);
}

static HRESULT STDMETHODCALLTYPE ns_CreateInstanceEnumAsync(IWbemServices *iface, const BSTR strFilter,
                                                            LONG lFlags, IWbemContext *pCtx,
                                                            IWbemObjectSink *pResponseHandler)
{
    (void)lFlags, (void)pCtx;
    return async_instances(impl_from_IWbemServices(iface), HPM_IWbemServices_CreateInstanceEnumAsync, strFilter,
                           false, pResponseHandler);
}

static bool is_wql(const WCHAR *lang)
{
    return lang && hp_u16_eqi_utf8(lang, "WQL");
}

static HRESULT STDMETHODCALLTYPE ns_ExecQuery(IWbemServices *iface, const BSTR strQueryLanguage,
                                              const BSTR strQuery, LONG lFlags, IWbemContext *pCtx,
                                              IEnumWbemClassObject **ppEnum)
{
    struct hnamespace *ns = impl_from_IWbemServices(iface);
    (void)pCtx;
    if (ppEnum)
        *ppEnum = NULL;             /* on every failure, an injected one or a dead namespace's too */
    int64_t sid = journal_intern16(&ns->host->journal, strQuery);
    HRESULT hr = host_enter(ns->host, &ns->hdr, HPM_IWbemServices_ExecQuery);
    if (hr != S_OK)
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_ExecQuery, sid, lFlags, 0, 1, hr);
    if (!ppEnum || !strQuery || !strQueryLanguage)
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_ExecQuery, sid, lFlags, 0, 1,
                          WBEM_E_INVALID_PARAMETER);
    if (!is_wql(strQueryLanguage))
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_ExecQuery, sid, 0, 0, 1, WBEM_E_INVALID_QUERY_TYPE);
    const struct repo_class *cls = class_of(ns->host, strQuery, true, &hr);
    if (cls)
        hr = enum_instances(ns, cls, lFlags, ppEnum);
    return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_ExecQuery, sid, lFlags, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE ns_ExecQueryAsync(IWbemServices *iface, const BSTR strQueryLanguage,
                                                   const BSTR strQuery, LONG lFlags, IWbemContext *pCtx,
                                                   IWbemObjectSink *pResponseHandler)
{
    struct hnamespace *ns = impl_from_IWbemServices(iface);
    (void)lFlags, (void)pCtx;
    if (!is_wql(strQueryLanguage)) {
        HRESULT hr = host_enter(ns->host, &ns->hdr, HPM_IWbemServices_ExecQueryAsync);
        return host_leave(ns->host, &ns->hdr, HPM_IWbemServices_ExecQueryAsync, 0, 0, 0, 0,
                          hr != S_OK ? hr : WBEM_E_INVALID_QUERY_TYPE);
    }
    return async_instances(ns, HPM_IWbemServices_ExecQueryAsync, strQuery, true, pResponseHandler);
}

static HRESULT STDMETHODCALLTYPE ns_ExecNotificationQuery(IWbemServices *iface, const BSTR strQueryLanguage,
                                                          const BSTR strQuery, LONG lFlags, IWbemContext *pCtx,
                                                          IEnumWbemClassObject **ppEnum)
{
    (void)strQueryLanguage, (void)strQuery, (void)lFlags, (void)pCtx;
    if (ppEnum)
        *ppEnum = NULL;
    NOT_SIMULATED(ExecNotificationQuery);
}

static HRESULT STDMETHODCALLTYPE ns_ExecNotificationQueryAsync(IWbemServices *iface, const BSTR strQueryLanguage,
                                                               const BSTR strQuery, LONG lFlags,
                                                               IWbemContext *pCtx,
                                                               IWbemObjectSink *pResponseHandler)
{
    (void)strQueryLanguage, (void)strQuery, (void)lFlags, (void)pCtx, (void)pResponseHandler;
    NOT_SIMULATED(ExecNotificationQueryAsync);
}

static HRESULT STDMETHODCALLTYPE ns_ExecMethod(IWbemServices *iface, const BSTR strObjectPath,
                                               const BSTR strMethodName, LONG lFlags, IWbemContext *pCtx,
                                               IWbemClassObject *pInParams, IWbemClassObject **ppOutParams,
                                               IWbemCallResult **ppCallResult)
{
    (void)strObjectPath, (void)strMethodName, (void)lFlags, (void)pCtx, (void)pInParams;
    if (ppOutParams)
        *ppOutParams = NULL;
    if (ppCallResult)
        *ppCallResult = NULL;
    NOT_SIMULATED(ExecMethod);
}

static HRESULT STDMETHODCALLTYPE ns_ExecMethodAsync(IWbemServices *iface, const BSTR strObjectPath,
                                                    const BSTR strMethodName, LONG lFlags, IWbemContext *pCtx,
                                                    IWbemClassObject *pInParams, IWbemObjectSink *pResponseHandler)
{
    (void)strObjectPath, (void)strMethodName, (void)lFlags, (void)pCtx, (void)pInParams, (void)pResponseHandler;
    NOT_SIMULATED(ExecMethodAsync);
}

static const IWbemServicesVtbl namespace_vtbl = {
    ns_QueryInterface,
    ns_AddRef,
    ns_Release,
    ns_OpenNamespace,
    ns_CancelAsyncCall,
    ns_QueryObjectSink,
    ns_GetObject,
    ns_GetObjectAsync,
    ns_PutClass,
    ns_PutClassAsync,
    ns_DeleteClass,
    ns_DeleteClassAsync,
    ns_CreateClassEnum,
    ns_CreateClassEnumAsync,
    ns_PutInstance,
    ns_PutInstanceAsync,
    ns_DeleteInstance,
    ns_DeleteInstanceAsync,
    ns_CreateInstanceEnum,
    ns_CreateInstanceEnumAsync,
    ns_ExecQuery,
    ns_ExecQueryAsync,
    ns_ExecNotificationQuery,
    ns_ExecNotificationQueryAsync,
    ns_ExecMethod,
    ns_ExecMethodAsync,
};
