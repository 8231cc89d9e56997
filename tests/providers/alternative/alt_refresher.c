/*
 * tests/providers/alternative/alt_refresher.c - the alternative provider's
 * IWbemRefresher: a list of items (objects and enumerators) under the
 * provider's one recursive lock.
 *
 * Locking: every change to a refresher, and all of Refresh, holds the
 * provider's lock.  A call from another thread waits for it; a call that
 * comes back on the same thread from inside a host call made by Refresh
 * gets in (the lock is recursive) and finds `busy` set:
 *   - StopRefreshing marks the item dead; Refresh checks the mark before
 *     every host call on the item and sweeps dead items when it is done;
 *   - CreateRefreshable* append; Refresh only walks the items that were
 *     there when it started;
 *   - Refresh of the same refresher answers WBEM_E_REFRESHER_BUSY.
 *
 * Invariants (under the lock): items[0, n) are owned; a dead item is never
 * touched again and is freed by the first sweep (StopRefreshing sweeps at
 * once when no Refresh runs); every host reference an item holds (object,
 * enumerator, members) is released exactly once, by the sweep or by the
 * refresher's last Release.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "alt_private.h"

struct alt_member {
    IWbemObjectAccess *obj;   /* owned; NULL: the instance is not in the enumerator */
    LONG id;                  /* the ID given to AddObjects */
};

struct alt_item {
    LONG id;
    bool is_enum;
    bool dead;
    const struct alt_class *cls;
    LONG h[ALT_MAX_PROPS];
    bool have_handles;
    /* an object */
    unsigned inst;
    IWbemObjectAccess *obj;                      /* owned */
    /* an enumerator */
    IWbemHiPerfEnum *hpe;                        /* owned */
    IWbemServices *ns;                           /* owned, may be NULL: to spawn members */
    struct alt_member member[ALT_MAX_INST];
    LONG last_member_id;
};

struct alt_refresher {
    IWbemRefresher IWbemRefresher_iface;
    atomic_uint refs;
    struct alt_provider *prov;   /* owned reference */
    struct alt_item **items;     /* under the provider's lock */
    size_t n, cap;
    unsigned busy;               /* a Refresh of this refresher is running */
};

static const IWbemRefresherVtbl refresher_vtbl;

static struct alt_refresher *from_iface(IWbemRefresher *iface)
{
    return ALT_CONTAINER_OF(iface, struct alt_refresher, IWbemRefresher_iface);
}

/* Releases every host reference of an item and frees it. */
static void item_free(struct alt_item *it)
{
    if (it->obj)
        IWbemObjectAccess_Release(it->obj);
    for (unsigned k = 0; k < ALT_MAX_INST; k++)
        if (it->member[k].obj)
            IWbemObjectAccess_Release(it->member[k].obj);
    if (it->hpe)
        IWbemHiPerfEnum_Release(it->hpe);
    if (it->ns)
        IWbemServices_Release(it->ns);
    free(it);
}

static HRESULT append(struct alt_refresher *r, struct alt_item *it)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        struct alt_item **grown = realloc(r->items, cap * sizeof(*grown));
        if (!grown)
            return WBEM_E_OUT_OF_MEMORY;
        r->items = grown;
        r->cap = cap;
    }
    r->items[r->n++] = it;
    return WBEM_S_NO_ERROR;
}

/* Frees the dead items; under the lock, never while a Refresh runs. */
static void sweep(struct alt_refresher *r)
{
    size_t w = 0;

    for (size_t k = 0; k < r->n; k++) {
        if (r->items[k]->dead)
            item_free(r->items[k]);
        else
            r->items[w++] = r->items[k];
    }
    r->n = w;
}

/* Brings an enumerator to the instant c: removes the members that are
 * gone, rewrites the others, adds the new ones.  A failed call on the
 * enumerator leaves the members as they were, for the next Refresh. */
static HRESULT update_enum(struct alt_refresher *r, struct alt_item *it, const struct alt_clock *c)
{
    const struct alt_class *cls = it->cls;
    uint64_t v[ALT_MAX_INST][ALT_MAX_PROPS];
    bool exists[ALT_MAX_INST];
    LONG ids[ALT_MAX_INST];
    IWbemObjectAccess *fresh[ALT_MAX_INST];
    unsigned which[ALT_MAX_INST], n = 0;
    HRESULT hr, first = WBEM_S_NO_ERROR;

    for (unsigned k = 0; k < cls->ninst; k++)
        exists[k] = cls->sample(k, c, v[k]);

    for (unsigned k = 0; k < cls->ninst; k++)
        if (it->member[k].obj && !exists[k])
            ids[n] = it->member[k].id, which[n++] = k;
    if (n && !it->dead) {
        hr = IWbemHiPerfEnum_RemoveObjects(it->hpe, 0, n, ids);
        if (SUCCEEDED(hr)) {
            for (unsigned j = 0; j < n; j++) {
                IWbemObjectAccess_Release(it->member[which[j]].obj);
                it->member[which[j]].obj = NULL;
            }
        } else {
            first = hr;
        }
    }

    for (unsigned k = 0; k < cls->ninst && !it->dead; k++) {
        if (!it->member[k].obj || !exists[k])
            continue;
        hr = alt_write(it->member[k].obj, cls, it->h, v[k]);
        if (FAILED(hr) && SUCCEEDED(first))
            first = hr;
    }

    n = 0;
    for (unsigned k = 0; k < cls->ninst && !it->dead; k++) {
        if (it->member[k].obj || !exists[k])
            continue;
        hr = alt_spawn(r->prov, it->ns, cls, k, c, &fresh[n]);
        if (SUCCEEDED(hr) && !it->have_handles) {
            hr = alt_handles(fresh[n], cls, it->h);
            if (FAILED(hr))
                IWbemObjectAccess_Release(fresh[n]);
            else
                it->have_handles = true;
        }
        if (FAILED(hr)) {
            if (SUCCEEDED(first))
                first = hr;
            continue;
        }
        ids[n] = ++it->last_member_id;
        which[n++] = k;
    }
    if (n) {
        hr = it->dead ? WBEM_E_FAILED : IWbemHiPerfEnum_AddObjects(it->hpe, 0, n, ids, fresh);
        for (unsigned j = 0; j < n; j++) {
            if (SUCCEEDED(hr)) {
                it->member[which[j]].obj = fresh[j];   /* the enumerator AddRef'd its own */
                it->member[which[j]].id = ids[j];
            } else {
                IWbemObjectAccess_Release(fresh[j]);
            }
        }
        if (FAILED(hr) && !it->dead && SUCCEEDED(first))
            first = hr;
    }
    return first;
}

HRESULT alt_refresher_add_object(struct alt_refresher *r, IWbemObjectAccess *obj, const struct alt_class *cls,
                                 unsigned i, const LONG *h, LONG *id)
{
    pthread_mutex_t *lock = alt_provider_lock(r->prov);
    struct alt_item *it = calloc(1, sizeof(*it));
    HRESULT hr;

    if (!it)
        return WBEM_E_OUT_OF_MEMORY;
    it->cls = cls;
    it->inst = i;
    for (unsigned k = 0; k < cls->nprops; k++)
        it->h[k] = h[k];
    it->have_handles = true;
    pthread_mutex_lock(lock);
    it->id = alt_provider_next_id(r->prov);
    hr = append(r, it);
    if (SUCCEEDED(hr)) {
        it->obj = obj;
        *id = it->id;
    }
    pthread_mutex_unlock(lock);
    if (FAILED(hr))
        free(it);
    return hr;
}

HRESULT alt_refresher_add_enum(struct alt_refresher *r, IWbemServices *ns, IWbemHiPerfEnum *hpe,
                               const struct alt_class *cls, LONG *id)
{
    pthread_mutex_t *lock = alt_provider_lock(r->prov);
    struct alt_item *it = calloc(1, sizeof(*it));
    struct alt_clock c;
    HRESULT hr;

    if (!it)
        return WBEM_E_OUT_OF_MEMORY;
    it->is_enum = true;
    it->cls = cls;
    it->hpe = hpe;
    IWbemHiPerfEnum_AddRef(hpe);
    it->ns = ns;
    if (ns)
        IWbemServices_AddRef(ns);
    pthread_mutex_lock(lock);
    it->id = alt_provider_next_id(r->prov);
    hr = append(r, it);
    if (SUCCEEDED(hr)) {
        *id = it->id;
        /* Filled now, inside CreateRefreshableEnum; a failure here is
         * retried by the next Refresh and does not fail the call. */
        alt_clock_read(&c);
        update_enum(r, it, &c);
    }
    pthread_mutex_unlock(lock);
    if (FAILED(hr))
        item_free(it);
    return hr;
}

HRESULT alt_refresher_stop(struct alt_refresher *r, LONG id)
{
    pthread_mutex_t *lock = alt_provider_lock(r->prov);
    HRESULT hr = WBEM_E_NOT_FOUND;

    IWbemRefresher_AddRef(&r->IWbemRefresher_iface);
    pthread_mutex_lock(lock);
    for (size_t k = 0; k < r->n; k++) {
        if (r->items[k]->id == id && !r->items[k]->dead) {
            r->items[k]->dead = true;
            hr = WBEM_S_NO_ERROR;
            break;
        }
    }
    if (SUCCEEDED(hr) && !r->busy)
        sweep(r);
    pthread_mutex_unlock(lock);
    IWbemRefresher_Release(&r->IWbemRefresher_iface);
    return hr;
}

/* ---- IWbemRefresher ---------------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE refresher_QueryInterface(IWbemRefresher *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IWbemRefresher))
        return E_NOINTERFACE;
    *ppv = iface;
    IWbemRefresher_AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE refresher_AddRef(IWbemRefresher *iface)
{
    return atomic_fetch_add(&from_iface(iface)->refs, 1) + 1;
}

/* The last reference releases every item and the provider.  No other call
 * can be inside then: each holds a reference while it runs. */
static ULONG STDMETHODCALLTYPE refresher_Release(IWbemRefresher *iface)
{
    struct alt_refresher *r = from_iface(iface);
    ULONG left = atomic_fetch_sub(&r->refs, 1) - 1;

    if (left == 0) {
        for (size_t k = 0; k < r->n; k++)
            item_free(r->items[k]);
        free(r->items);
        alt_provider_release(r->prov);
        free(r);
        alt_object_gone();
    }
    return left;
}

/* lFlags: 0 or WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT. */
static HRESULT STDMETHODCALLTYPE refresher_Refresh(IWbemRefresher *iface, LONG flags)
{
    struct alt_refresher *r = from_iface(iface);
    pthread_mutex_t *lock = alt_provider_lock(r->prov);
    struct alt_clock c;
    HRESULT hr = WBEM_S_NO_ERROR;
    size_t count;

    if (flags != WBEM_FLAG_REFRESH_AUTO_RECONNECT && flags != WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT)
        return WBEM_E_INVALID_PARAMETER;
    IWbemRefresher_AddRef(iface);
    pthread_mutex_lock(lock);
    if (r->busy) {
        pthread_mutex_unlock(lock);
        IWbemRefresher_Release(iface);
        return WBEM_E_REFRESHER_BUSY;
    }
    r->busy = 1;
    alt_clock_read(&c);
    count = r->n;
    for (size_t k = 0; k < count; k++) {
        struct alt_item *it = r->items[k];   /* re-read: a nested add may move the array */
        uint64_t v[ALT_MAX_PROPS];
        HRESULT one = WBEM_S_NO_ERROR;
        if (it->dead)
            continue;
        if (it->is_enum)
            one = update_enum(r, it, &c);
        else if (it->cls->sample(it->inst, &c, v))
            one = alt_write(it->obj, it->cls, it->h, v);   /* a vanished instance keeps its last values */
        if (FAILED(one) && SUCCEEDED(hr))
            hr = one;
    }
    r->busy = 0;
    sweep(r);
    pthread_mutex_unlock(lock);
    IWbemRefresher_Release(iface);
    return hr;
}

static const IWbemRefresherVtbl refresher_vtbl = {
    refresher_QueryInterface,
    refresher_AddRef,
    refresher_Release,
    refresher_Refresh,
};

HRESULT alt_refresher_create(struct alt_provider *p, IWbemRefresher **out)
{
    struct alt_refresher *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (!r)
        return WBEM_E_OUT_OF_MEMORY;
    r->IWbemRefresher_iface.lpVtbl = &refresher_vtbl;
    atomic_init(&r->refs, 1);
    r->prov = p;
    alt_provider_addref(p);
    alt_object_made();
    *out = &r->IWbemRefresher_iface;
    return WBEM_S_NO_ERROR;
}

struct alt_refresher *alt_refresher_of(IWbemRefresher *iface, struct alt_provider *p)
{
    struct alt_refresher *r;

    if (!iface || iface->lpVtbl != &refresher_vtbl)
        return NULL;
    r = from_iface(iface);
    return r->prov == p ? r : NULL;
}
