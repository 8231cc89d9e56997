/*
 * mocks/callresult.c - IWbemCallResult for the host's semisynchronous
 * IWbemServices calls (rules in callresult.h).
 *
 * Invariant: the result never changes after creation (so no lock is
 * needed); while the call result is alive it holds one HOST reference to
 * its object and to its services, dropped exactly once by on_dead.
 */
#include "callresult.h"

#include <stdlib.h>
#include <string.h>

#include "object.h"

struct callresult {
    IWbemCallResult IWbemCallResult_iface;
    struct hobj hdr;
    struct host *host;
    HRESULT status;
    IWbemClassObject *object;
    struct hobj *object_hobj;      /* NULL once released */
    WCHAR *string;                 /* owned */
    IWbemServices *services;
    struct hobj *services_hobj;    /* NULL once released */
};

static const IWbemCallResultVtbl callresult_vtbl;

static struct callresult *impl_from_IWbemCallResult(IWbemCallResult *iface)
{
    return (struct callresult *)((char *)iface - offsetof(struct callresult, IWbemCallResult_iface));
}

static struct callresult *impl_from_hobj(struct hobj *h)
{
    return (struct callresult *)((char *)h - offsetof(struct callresult, hdr));
}

static HRESULT STDMETHODCALLTYPE callresult_QueryInterface(IWbemCallResult *iface, REFIID riid, void **ppv)
{
    struct callresult *r = impl_from_IWbemCallResult(iface);
    return host_query_interface(r->host, &r->hdr, HPM_IWbemCallResult_QueryInterface, &r->IWbemCallResult_iface, &IID_IWbemCallResult, riid, ppv);
}

static ULONG STDMETHODCALLTYPE callresult_AddRef(IWbemCallResult *iface)
{
    return hobj_addref(&impl_from_IWbemCallResult(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE callresult_Release(IWbemCallResult *iface)
{
    return hobj_release(&impl_from_IWbemCallResult(iface)->hdr);
}

/* Hands out `p` (with header h, may be NULL) through *pp with a reference
 * for the caller; the common part of the three GetResult* methods. */
static HRESULT hand_out(struct callresult *r, enum hp_method m, LONG lTimeout, void **pp, void *p,
                        struct hobj *h)
{
    if (pp)
        *pp = NULL;                 /* on every failure, an injected one or a dead object's too */
    HRESULT hr = host_enter(r->host, &r->hdr, m);
    if (hr != S_OK)
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, hr);
    if (!pp)
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    if (FAILED(r->status))
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, r->status);
    if (p && h) {
        hobj_ref(h, hp_actor_current());
        *pp = p;
    }
    return host_leave(r->host, &r->hdr, m, lTimeout, *pp && h ? (int64_t)h->id : 0, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE callresult_GetResultObject(IWbemCallResult *iface, LONG lTimeout,
                                                            IWbemClassObject **ppResultObject)
{
    struct callresult *r = impl_from_IWbemCallResult(iface);
    return hand_out(r, HPM_IWbemCallResult_GetResultObject, lTimeout, (void **)ppResultObject, r->object,
                    r->object_hobj);
}

static HRESULT STDMETHODCALLTYPE callresult_GetResultServices(IWbemCallResult *iface, LONG lTimeout,
                                                              IWbemServices **ppServices)
{
    struct callresult *r = impl_from_IWbemCallResult(iface);
    return hand_out(r, HPM_IWbemCallResult_GetResultServices, lTimeout, (void **)ppServices, r->services,
                    r->services_hobj);
}

static HRESULT STDMETHODCALLTYPE callresult_GetResultString(IWbemCallResult *iface, LONG lTimeout,
                                                            BSTR *pstrResultString)
{
    struct callresult *r = impl_from_IWbemCallResult(iface);
    const enum hp_method m = HPM_IWbemCallResult_GetResultString;
    if (pstrResultString)
        *pstrResultString = NULL;   /* on every failure, an injected one or a dead object's too */
    HRESULT hr = host_enter(r->host, &r->hdr, m);
    if (hr != S_OK)
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, hr);
    if (!pstrResultString)
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    if (FAILED(r->status))
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, r->status);
    if (r->string && !(*pstrResultString = SysAllocString(r->string)))
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, WBEM_E_OUT_OF_MEMORY);
    return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE callresult_GetCallStatus(IWbemCallResult *iface, LONG lTimeout, LONG *plStatus)
{
    struct callresult *r = impl_from_IWbemCallResult(iface);
    const enum hp_method m = HPM_IWbemCallResult_GetCallStatus;
    HRESULT hr = host_enter(r->host, &r->hdr, m);
    if (hr != S_OK)
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, hr);
    if (!plStatus)
        return host_leave(r->host, &r->hdr, m, lTimeout, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    *plStatus = r->status;
    return host_leave(r->host, &r->hdr, m, lTimeout, r->status, 0, 0, S_OK);
}

static const IWbemCallResultVtbl callresult_vtbl = {
    callresult_QueryInterface,
    callresult_AddRef,
    callresult_Release,
    callresult_GetResultObject,
    callresult_GetResultString,
    callresult_GetResultServices,
    callresult_GetCallStatus,
};

static void callresult_on_dead(struct hobj *h)
{
    struct callresult *r = impl_from_hobj(h);
    struct hobj *o = r->object_hobj, *s = r->services_hobj;
    r->object_hobj = r->services_hobj = NULL;
    if (o)
        hobj_unref(o, HP_ACTOR_HOST);
    if (s)
        hobj_unref(s, HP_ACTOR_HOST);
}

static void callresult_free(struct hobj *h)
{
    struct callresult *r = impl_from_hobj(h);
    free(r->string);
    free(r);
}

static void callresult_describe(struct hobj *h, struct hp_buf *out)
{
    struct callresult *r = impl_from_hobj(h);
    char buf[32];
    hp_buf_printf(out, "status %s", hp_hresult_str(r->status, buf, sizeof buf));
}

static const struct hobj_ops callresult_ops = {"IWbemCallResult", callresult_on_dead, callresult_free,
                                               callresult_describe};

int callresult_new(struct callresult **out, struct host *host, enum hp_actor holder,
                   const struct callresult_init *init)
{
    *out = NULL;
    struct hobj *object_hobj = NULL;
    if (init->object) {
        struct hobject *o = hobject_from_iface(init->object);
        if (!o)
            return hp_error_set(HP_EINVAL, "call result: the object is not a host object");
        object_hobj = hobject_hobj(o);
    }
    if (init->services && !init->services_hobj)
        return hp_error_set(HP_EINVAL, "call result: services without its ledger header");
    struct callresult *r = host_calloc(host, 1, sizeof *r);
    if (!r)
        return hp_error_set(HP_ENOMEM, "out of memory for an IWbemCallResult");
    if (init->string) {
        size_t len = hp_u16len(init->string);
        if (!(r->string = malloc((len + 1) * sizeof *r->string))) {
            free(r);
            return hp_error_set(HP_ENOMEM, "out of memory for an IWbemCallResult");
        }
        memcpy(r->string, init->string, (len + 1) * sizeof *r->string);
    }
    r->IWbemCallResult_iface.lpVtbl = &callresult_vtbl;
    r->host = host;
    r->status = init->status;
    r->object = init->object;
    r->object_hobj = object_hobj;
    r->services = init->services;
    r->services_hobj = init->services ? init->services_hobj : NULL;
    if (r->object_hobj)
        hobj_ref(r->object_hobj, HP_ACTOR_HOST);
    if (r->services_hobj)
        hobj_ref(r->services_hobj, HP_ACTOR_HOST);
    hobj_init(&r->hdr, &host->ledger, &callresult_ops, holder);
    *out = r;
    return 0;
}

IWbemCallResult *callresult_iface(struct callresult *r)
{
    return &r->IWbemCallResult_iface;
}

struct hobj *callresult_hobj(struct callresult *r)
{
    return &r->hdr;
}
