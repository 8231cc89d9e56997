/*
 * mocks/enumobj.c - IEnumWbemClassObject over a fixed list of host objects
 * (rules in enumobj.h).
 *
 * Invariants: objs[0..n) never changes after creation and each entry holds
 * one HOST reference until on_dead drops them all (exactly once);
 * 0 <= pos <= n; `lock` guards pos.
 */
#include "enumobj.h"

#include <stdlib.h>

#include "object.h"

struct enumobj_entry {
    IWbemClassObject *obj;
    struct hobj *h;
};

struct enumobj {
    IEnumWbemClassObject IEnumWbemClassObject_iface;
    struct hobj hdr;
    struct host *host;
    bool forward_only;
    bool released;                 /* on_dead dropped the references */
    pthread_mutex_t lock;
    struct enumobj_entry *objs;
    size_t n, pos;
};

static const IEnumWbemClassObjectVtbl enumobj_vtbl;

static struct enumobj *impl_from_IEnumWbemClassObject(IEnumWbemClassObject *iface)
{
    return (struct enumobj *)((char *)iface - offsetof(struct enumobj, IEnumWbemClassObject_iface));
}

static struct enumobj *impl_from_hobj(struct hobj *h)
{
    return (struct enumobj *)((char *)h - offsetof(struct enumobj, hdr));
}

/* A new enumerator over entries (borrowed; references taken here). */
static int enumobj_make(struct enumobj **out, struct host *host, enum hp_actor holder,
                        const struct enumobj_entry *entries, size_t n, size_t pos, bool forward_only);

static HRESULT STDMETHODCALLTYPE enumobj_QueryInterface(IEnumWbemClassObject *iface, REFIID riid, void **ppv)
{
    struct enumobj *e = impl_from_IEnumWbemClassObject(iface);
    return host_query_interface(e->host, &e->hdr, HPM_IEnumWbemClassObject_QueryInterface, &e->IEnumWbemClassObject_iface, &IID_IEnumWbemClassObject, riid, ppv);
}

static ULONG STDMETHODCALLTYPE enumobj_AddRef(IEnumWbemClassObject *iface)
{
    return hobj_addref(&impl_from_IEnumWbemClassObject(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE enumobj_Release(IEnumWbemClassObject *iface)
{
    return hobj_release(&impl_from_IEnumWbemClassObject(iface)->hdr);
}

static HRESULT STDMETHODCALLTYPE enumobj_Reset(IEnumWbemClassObject *iface)
{
    struct enumobj *e = impl_from_IEnumWbemClassObject(iface);
    const enum hp_method m = HPM_IEnumWbemClassObject_Reset;
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, 0, 0, 0, 0, hr);
    if (e->forward_only)
        return host_leave(e->host, &e->hdr, m, 0, 0, 0, 0, WBEM_E_INVALID_OPERATION);
    pthread_mutex_lock(&e->lock);
    e->pos = 0;
    pthread_mutex_unlock(&e->lock);
    return host_leave(e->host, &e->hdr, m, 0, 0, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE enumobj_Next(IEnumWbemClassObject *iface, LONG lTimeout, ULONG uCount,
                                              IWbemClassObject **apObjects, ULONG *puReturned)
{
    struct enumobj *e = impl_from_IEnumWbemClassObject(iface);
    const enum hp_method m = HPM_IEnumWbemClassObject_Next;
    /* The count, not the caller's array: nothing is returned on a failure. */
    if (puReturned)
        *puReturned = 0;            /* on every failure, an injected one or a dead enumerator's too */
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, lTimeout, uCount, 0, 0, hr);
    if (!apObjects || !puReturned)
        return host_leave(e->host, &e->hdr, m, lTimeout, uCount, 0, 0, WBEM_E_INVALID_PARAMETER);
    enum hp_actor actor = hp_actor_current();
    pthread_mutex_lock(&e->lock);
    size_t k = e->n - e->pos;
    if (k > uCount)
        k = uCount;
    for (size_t i = 0; i < k; i++) {
        const struct enumobj_entry *en = &e->objs[e->pos + i];
        hobj_ref(en->h, actor);
        apObjects[i] = en->obj;
    }
    e->pos += k;
    pthread_mutex_unlock(&e->lock);
    *puReturned = (ULONG)k;
    hr = k < uCount ? WBEM_S_FALSE : WBEM_S_NO_ERROR;
    return host_leave(e->host, &e->hdr, m, lTimeout, uCount, (int64_t)k, 0, hr);
}

static HRESULT STDMETHODCALLTYPE enumobj_NextAsync(IEnumWbemClassObject *iface, ULONG uCount,
                                                   IWbemObjectSink *pSink)
{
    struct enumobj *e = impl_from_IEnumWbemClassObject(iface);
    const enum hp_method m = HPM_IEnumWbemClassObject_NextAsync;
    (void)pSink;
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, uCount, 0, 0, 0, hr);
    return host_leave(e->host, &e->hdr, m, uCount, 0, 0, 0, WBEM_E_NOT_SUPPORTED);
}

static HRESULT STDMETHODCALLTYPE enumobj_Clone(IEnumWbemClassObject *iface, IEnumWbemClassObject **ppEnum)
{
    struct enumobj *e = impl_from_IEnumWbemClassObject(iface);
    const enum hp_method m = HPM_IEnumWbemClassObject_Clone;
    if (ppEnum)
        *ppEnum = NULL;             /* on every failure, an injected one or a dead enumerator's too */
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, 0, 0, 0, 0, hr);
    if (!ppEnum)
        return host_leave(e->host, &e->hdr, m, 0, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    if (e->forward_only)
        return host_leave(e->host, &e->hdr, m, 0, 0, 0, 0, WBEM_E_INVALID_OPERATION);
    pthread_mutex_lock(&e->lock);
    size_t pos = e->pos;
    pthread_mutex_unlock(&e->lock);
    struct enumobj *copy;
    if (enumobj_make(&copy, e->host, HP_ACTOR_HOST, e->objs, e->n, pos, false) != 0)
        return host_leave(e->host, &e->hdr, m, 0, 0, 0, 0, WBEM_E_OUT_OF_MEMORY);
    hobj_transfer(&copy->hdr, HP_ACTOR_HOST, hp_actor_current(), m);
    *ppEnum = &copy->IEnumWbemClassObject_iface;
    return host_leave(e->host, &e->hdr, m, (int64_t)copy->hdr.id, (int64_t)pos, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE enumobj_Skip(IEnumWbemClassObject *iface, LONG lTimeout, ULONG nCount)
{
    struct enumobj *e = impl_from_IEnumWbemClassObject(iface);
    const enum hp_method m = HPM_IEnumWbemClassObject_Skip;
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, lTimeout, nCount, 0, 0, hr);
    pthread_mutex_lock(&e->lock);
    size_t k = e->n - e->pos;
    if (k > nCount)
        k = nCount;
    e->pos += k;
    pthread_mutex_unlock(&e->lock);
    hr = k < nCount ? WBEM_S_FALSE : WBEM_S_NO_ERROR;
    return host_leave(e->host, &e->hdr, m, lTimeout, nCount, (int64_t)k, 0, hr);
}

static const IEnumWbemClassObjectVtbl enumobj_vtbl = {
    enumobj_QueryInterface,
    enumobj_AddRef,
    enumobj_Release,
    enumobj_Reset,
    enumobj_Next,
    enumobj_NextAsync,
    enumobj_Clone,
    enumobj_Skip,
};

static void enumobj_on_dead(struct hobj *h)
{
    struct enumobj *e = impl_from_hobj(h);
    pthread_mutex_lock(&e->lock);
    bool drop = !e->released;
    e->released = true;
    pthread_mutex_unlock(&e->lock);
    if (drop)
        for (size_t i = 0; i < e->n; i++)
            hobj_unref(e->objs[i].h, HP_ACTOR_HOST);
}

static void enumobj_free(struct hobj *h)
{
    struct enumobj *e = impl_from_hobj(h);
    free(e->objs);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

static void enumobj_describe(struct hobj *h, struct hp_buf *out)
{
    struct enumobj *e = impl_from_hobj(h);
    hp_buf_printf(out, "%zu object%s%s", e->n, e->n == 1 ? "" : "s", e->forward_only ? ", forward-only" : "");
}

static const struct hobj_ops enumobj_ops = {"IEnumWbemClassObject", enumobj_on_dead, enumobj_free,
                                            enumobj_describe};

static int enumobj_make(struct enumobj **out, struct host *host, enum hp_actor holder,
                        const struct enumobj_entry *entries, size_t n, size_t pos, bool forward_only)
{
    *out = NULL;
    struct enumobj *e = host_calloc(host, 1, sizeof *e);
    if (!e)
        return hp_error_set(HP_ENOMEM, "out of memory for an IEnumWbemClassObject");
    if (n && !(e->objs = host_calloc(host, n, sizeof *e->objs))) {
        free(e);
        return hp_error_set(HP_ENOMEM, "out of memory for an IEnumWbemClassObject");
    }
    for (size_t i = 0; i < n; i++) {
        e->objs[i] = entries[i];
        hobj_ref(entries[i].h, HP_ACTOR_HOST);
    }
    e->IEnumWbemClassObject_iface.lpVtbl = &enumobj_vtbl;
    e->host = host;
    e->forward_only = forward_only;
    e->n = n;
    e->pos = pos;
    pthread_mutex_init(&e->lock, NULL);
    hobj_init(&e->hdr, &host->ledger, &enumobj_ops, holder);
    *out = e;
    return 0;
}

int enumobj_new(struct enumobj **out, struct host *host, enum hp_actor holder,
                IWbemClassObject *const *objs, size_t n, LONG flags)
{
    *out = NULL;
    struct enumobj_entry *entries = n ? calloc(n, sizeof *entries) : NULL;
    if (n && !entries)
        return hp_error_set(HP_ENOMEM, "out of memory for an IEnumWbemClassObject");
    for (size_t i = 0; i < n; i++) {
        struct hobject *o = objs[i] ? hobject_from_iface(objs[i]) : NULL;
        if (!o) {
            free(entries);
            return hp_error_set(HP_EINVAL, "enumerator: item %zu is not a host object", i);
        }
        entries[i] = (struct enumobj_entry){objs[i], hobject_hobj(o)};
    }
    int rc = enumobj_make(out, host, holder, entries, n, 0, (flags & WBEM_FLAG_FORWARD_ONLY) != 0);
    free(entries);
    return rc;
}

IEnumWbemClassObject *enumobj_iface(struct enumobj *e)
{
    return &e->IEnumWbemClassObject_iface;
}

struct hobj *enumobj_hobj(struct enumobj *e)
{
    return &e->hdr;
}

size_t enumobj_remaining(struct enumobj *e)
{
    pthread_mutex_lock(&e->lock);
    size_t k = e->n - e->pos;
    pthread_mutex_unlock(&e->lock);
    return k;
}
