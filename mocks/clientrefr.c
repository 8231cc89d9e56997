/*
 * mocks/clientrefr.c - the client refresher (CLSID_WbemRefresher): see
 * clientrefr.h for the rules it keeps and docs/refresher-protocol.md for
 * the path of a call through it.
 *
 * Invariants (under `lock`):
 *  - items[0..nitems) hold distinct client ids; each item holds one HOST
 *    reference to every host object it points to (template, provider-side
 *    object or enumerator while attached, the client's object or
 *    enumerator, a nested refresher), dropped exactly once by
 *    item_release.
 *  - A hi-perf item is "attached" iff the provider refresher provs[pr]
 *    holds its entry `pid`; provs[] only grows, so an item's index stays
 *    valid, and each cprov is one provider refresher per provider (reg).
 *  - The provider never receives a client object: the client's objects
 *    and enumerator members are copies, written only inside Refresh.
 *  - While a method runs the refresher holds a HOST reference on itself,
 *    so its last Release (on_dead) never runs under its own lock.
 */
#include "clientrefr.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hiperfenum.h"
#include "namespace.h"
#include "object.h"
#include "objpath.h"
#include "provrefr.h"

enum citem_kind {
    CI_OBJECT,       /* hi-perf object */
    CI_ENUM,         /* hi-perf enumerator */
    CI_GET_OBJECT,   /* fetched through IWbemServices on each Refresh */
    CI_GET_ENUM,     /* enumerated through IWbemServices on each Refresh */
    CI_NESTED        /* AddRefresher */
};

struct citem {
    LONG id;
    enum citem_kind kind;
    const struct repo_class *cls;
    size_t pr;                  /* CI_OBJECT, CI_ENUM: index in provs */
    bool attached;
    LONG pid;                   /* the provider's id while attached */
    struct hobject *tmpl;       /* CI_OBJECT: keys to (re)create the provider's entry */
    char *path;                 /* CI_GET_OBJECT: owned relative path */
    struct hobject *pobj;       /* CI_OBJECT while attached */
    struct hpenum *penum;       /* CI_ENUM while attached */
    struct hobject *cobj;       /* CI_OBJECT, CI_GET_OBJECT: the client's object */
    struct hpenum *cenum;       /* CI_ENUM, CI_GET_ENUM: the client's enumerator */
    LONG next_member;           /* member ids given in cenum */
    struct clientrefr *nested;  /* CI_NESTED */
};

/* One provider refresher of this client refresher. */
struct cprov {
    const struct repo_provider *reg;
    struct provrefr pr;
    bool open;                  /* pr holds a provider refresher */
    bool lost;                  /* its connection is gone: reconnect before use */
    HRESULT last_hr;            /* result of its last Refresh in this Refresh */
};

struct clientrefr {
    IWbemRefresher IWbemRefresher_iface;
    IWbemConfigureRefresher IWbemConfigureRefresher_iface;
    struct hobj hdr;
    struct host *host;
    enum hostprov_kind kind;
    pthread_mutex_t lock;
    struct citem **items;
    size_t nitems, capitems;
    struct cprov *provs;
    size_t nprovs, capprovs;
    LONG next_id;
    uint64_t refreshes, reconnects;
};

/* Serializes AddRefresher's cycle check with the insertion it allows. */
static pthread_mutex_t nest_lock = PTHREAD_MUTEX_INITIALIZER;

static const IWbemRefresherVtbl refresher_vtbl;
static const IWbemConfigureRefresherVtbl configure_vtbl;

static struct clientrefr *impl_from_IWbemRefresher(IWbemRefresher *iface)
{
    return (struct clientrefr *)((char *)iface - offsetof(struct clientrefr, IWbemRefresher_iface));
}

static struct clientrefr *impl_from_IWbemConfigureRefresher(IWbemConfigureRefresher *iface)
{
    return (struct clientrefr *)((char *)iface - offsetof(struct clientrefr, IWbemConfigureRefresher_iface));
}

static struct clientrefr *impl_from_hobj(struct hobj *h)
{
    return (struct clientrefr *)((char *)h - offsetof(struct clientrefr, hdr));
}

/* ---- Items ------------------------------------------------------------------- */

static void unref_obj(struct hobject *o)
{
    if (o)
        hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
}

static void unref_enum(struct hpenum *e)
{
    if (e)
        hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
}

/* Drops the provider-side half of a hi-perf item (not the provider's own
 * entry: the caller stops it, or the connection is gone). */
static void item_detach(struct citem *it)
{
    unref_obj(it->pobj);
    unref_enum(it->penum);
    it->pobj = NULL;
    it->penum = NULL;
    it->attached = false;
    it->pid = 0;
}

static void item_release(struct citem *it)
{
    if (!it)
        return;
    item_detach(it);
    unref_obj(it->tmpl);
    unref_obj(it->cobj);
    unref_enum(it->cenum);
    if (it->nested)
        hobj_unref(&it->nested->hdr, HP_ACTOR_HOST);
    free(it->path);
    free(it);
}

static HRESULT items_push(struct clientrefr *r, struct citem *it)
{
    if (hp_grow((void **)&r->items, &r->capitems, r->nitems + 1, sizeof *r->items))
        return WBEM_E_OUT_OF_MEMORY;
    it->id = ++r->next_id;
    r->items[r->nitems++] = it;
    return WBEM_S_NO_ERROR;
}

static size_t item_find(struct clientrefr *r, LONG id)
{
    for (size_t i = 0; i < r->nitems; i++)
        if (r->items[i]->id == id)
            return i;
    return (size_t)-1;
}

/* ---- Provider refreshers ---------------------------------------------------- */

/* Whether provs[i] can be called now.  A provider loaded inside WMI that
 * the host no longer has (host_unload_providers) went away with its
 * process: the connection is lost. */
static bool cprov_connected(struct clientrefr *r, struct cprov *cp)
{
    if (!cp->open || cp->lost)
        return false;
    if (cp->pr.kind == HOSTPROV_IN_WMI && !provrefr_host_has_provider(&cp->pr, r->host)) {
        cp->lost = true;
        journal_note(&r->host->journal,
                     "clientrefr #%llu: connection to provider '%s' lost (its host released it)",
                     (unsigned long long)r->hdr.id, cp->reg->name);
        return false;
    }
    return true;
}

static HRESULT item_attach(struct clientrefr *r, struct citem *it, IWbemContext *ctx)
{
    struct cprov *cp = &r->provs[it->pr];
    HRESULT hr;
    if (it->kind == CI_OBJECT)
        hr = provrefr_add_object(&cp->pr, r->host, it->tmpl, ctx, &it->pobj, &it->pid);
    else
        hr = provrefr_add_enum(&cp->pr, r->host, it->cls, ctx, &it->penum, &it->pid);
    it->attached = SUCCEEDED(hr);
    return hr;
}

/* Recreates provider refresher i and re-adds its items (same client ids
 * and objects).  WBEM_S_NO_ERROR, WBEM_S_PARTIAL_RESULTS when some item
 * could not be re-added (it is retried at the next Refresh), or the error
 * that kept the provider refresher from being recreated. */
static HRESULT cprov_reconnect(struct clientrefr *r, size_t i)
{
    struct host *host = r->host;
    struct cprov *cp = &r->provs[i];
    journal_note(&host->journal, "clientrefr #%llu: reconnecting to provider '%s'", (unsigned long long)r->hdr.id,
                 cp->reg->name);
    for (size_t k = 0; k < r->nitems; k++) {
        struct citem *it = r->items[k];
        if ((it->kind == CI_OBJECT || it->kind == CI_ENUM) && it->pr == i)
            item_detach(it);
    }
    provrefr_close(&cp->pr, host);
    cp->open = false;
    cp->lost = true;
    HRESULT hr = provrefr_open(&cp->pr, host, cp->reg, r->kind);
    if (FAILED(hr)) {
        journal_note(&host->journal, "clientrefr #%llu: reconnecting to provider '%s' failed: 0x%08X",
                     (unsigned long long)r->hdr.id, cp->reg->name, (unsigned)hr);
        return hr;
    }
    cp->open = true;
    cp->lost = false;
    r->reconnects++;
    size_t total = 0, ok = 0;
    for (size_t k = 0; k < r->nitems; k++) {
        struct citem *it = r->items[k];
        if ((it->kind == CI_OBJECT || it->kind == CI_ENUM) && it->pr == i) {
            total++;
            if (SUCCEEDED(item_attach(r, it, NULL)))
                ok++;
        }
    }
    journal_note(&host->journal, "clientrefr #%llu: reconnected to provider '%s': %zu of %zu items re-added",
                 (unsigned long long)r->hdr.id, cp->reg->name, ok, total);
    return ok == total ? WBEM_S_NO_ERROR : WBEM_S_PARTIAL_RESULTS;
}

/* The provider refresher for reg, made on first use (one per provider),
 * reconnected if its connection was lost.  Its index in *index. */
static HRESULT cprov_get(struct clientrefr *r, const struct repo_provider *reg, size_t *index)
{
    for (size_t i = 0; i < r->nprovs; i++) {
        if (r->provs[i].reg != reg)
            continue;
        *index = i;
        if (cprov_connected(r, &r->provs[i]))
            return WBEM_S_NO_ERROR;
        HRESULT hr = cprov_reconnect(r, i);
        return FAILED(hr) ? hr : WBEM_S_NO_ERROR;
    }
    if (hp_grow((void **)&r->provs, &r->capprovs, r->nprovs + 1, sizeof *r->provs))
        return WBEM_E_OUT_OF_MEMORY;
    struct cprov *cp = &r->provs[r->nprovs];
    memset(cp, 0, sizeof *cp);
    HRESULT hr = provrefr_open(&cp->pr, r->host, reg, r->kind);
    if (FAILED(hr))
        return hr;
    cp->reg = reg;
    cp->open = true;
    *index = r->nprovs++;
    return WBEM_S_NO_ERROR;
}

/* Whether a class is refreshed through a hi-perf provider; its
 * registration in *reg. */
static bool is_hiperf_class(struct host *host, const struct repo_class *cls, const struct repo_provider **reg)
{
    *reg = cls->dynamic ? repo_provider_for_class(host->repo, cls) : NULL;
    return *reg && repo_provider_is_hiperf(host->repo, *reg);
}

/* ---- Keeping the client's copies --------------------------------------------- */

/* Makes the client enumerator of `it` hold one copy of each src[0..n)
 * (borrowed), matched by key: copies updated in place, gone ones removed,
 * new ones added.  The thread's actor is HOST. */
static HRESULT sync_enum(struct citem *it, struct hobject *const *src, size_t n)
{
    struct hpenum_item *snap = NULL;
    size_t m = hpenum_snapshot(it->cenum, &snap);
    if (m == (size_t)-1)
        return WBEM_E_OUT_OF_MEMORY;
    HRESULT hr = WBEM_S_NO_ERROR;
    bool *kept = calloc(m + 1, sizeof *kept), *found = calloc(n + 1, sizeof *found);
    LONG *ids = calloc(m + n + 1, sizeof *ids);
    IWbemObjectAccess **objs = calloc(n + 1, sizeof *objs);
    if (!kept || !found || !ids || !objs) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    /* Members usually come in the same order each time: start each search
     * where the previous one matched. */
    size_t hint = 0;
    for (size_t j = 0; j < n; j++) {
        for (size_t s = 0; s < m; s++) {
            size_t i = (hint + s) % m;
            if (kept[i] || !hobject_key_equal(snap[i].hobject, src[j]))
                continue;
            if (hobject_copy_values(snap[i].hobject, src[j]) == 0) {
                kept[i] = found[j] = true;
                hint = i + 1;
            }
            break;
        }
    }
    ULONG nrm = 0;
    for (size_t i = 0; i < m; i++)
        if (!kept[i])
            ids[nrm++] = snap[i].id;
    if (nrm) {
        HRESULT h = hpenum_host_remove(it->cenum, nrm, ids);
        if (FAILED(h))
            hr = h;
    }
    ULONG nadd = 0;
    for (size_t j = 0; j < n; j++) {
        if (found[j])
            continue;
        struct hobject *c = hobject_clone(src[j], HP_ACTOR_HOST);
        if (!c) {
            hr = WBEM_E_OUT_OF_MEMORY;
            break;
        }
        ids[nadd] = ++it->next_member;
        objs[nadd++] = hobject_access(c);
    }
    if (nadd) {
        HRESULT h = hpenum_host_add(it->cenum, nadd, ids, objs);
        if (FAILED(h))
            hr = h;
        for (ULONG k = 0; k < nadd; k++)
            hobj_unref(hobject_hobj(hobject_from_iface(objs[k])), HP_ACTOR_HOST);
    }
out:
    free(kept);
    free(found);
    free(ids);
    free(objs);
    hpenum_snapshot_free(snap, m);
    return hr;
}

static HRESULT sync_from_penum(struct citem *it)
{
    struct hpenum_item *snap = NULL;
    size_t n = hpenum_snapshot(it->penum, &snap);
    if (n == (size_t)-1)
        return WBEM_E_OUT_OF_MEMORY;
    struct hobject **src = calloc(n + 1, sizeof *src);
    HRESULT hr = WBEM_E_OUT_OF_MEMORY;
    if (src) {
        for (size_t i = 0; i < n; i++)
            src[i] = snap[i].hobject;
        hr = sync_enum(it, src, n);
    }
    free(src);
    hpenum_snapshot_free(snap, n);
    return hr;
}

static HRESULT fetch_object(struct clientrefr *r, struct citem *it)
{
    struct hobject *o;
    HRESULT hr = host_get_instance(r->host, it->path, &o);
    if (FAILED(hr))
        return hr;
    if (hobject_copy_values(it->cobj, o))
        hr = WBEM_E_FAILED;
    unref_obj(o);
    return hr;
}

static HRESULT fetch_enum(struct clientrefr *r, struct citem *it)
{
    IWbemClassObject **objs = NULL;
    size_t n = 0;
    HRESULT hr = host_query_instances(r->host, it->cls, &objs, &n);
    if (SUCCEEDED(hr)) {
        struct hobject **src = calloc(n + 1, sizeof *src);
        if (!src) {
            hr = WBEM_E_OUT_OF_MEMORY;
        } else {
            for (size_t i = 0; i < n; i++)
                src[i] = hobject_from_iface(objs[i]);
            HRESULT h = sync_enum(it, src, n);
            if (FAILED(h))
                hr = h;
        }
        free(src);
    }
    for (size_t i = 0; i < n; i++)
        hobj_unref(hobject_hobj(hobject_from_iface(objs[i])), HP_ACTOR_HOST);
    free(objs);
    return hr;
}

/* ---- Refresh ----------------------------------------------------------------- */

static HRESULT call_refresh(struct clientrefr *r, size_t i, LONG flags)
{
    size_t n = 0;
    for (size_t k = 0; k < r->nitems; k++)
        if (r->items[k]->kind == CI_ENUM && r->items[k]->pr == i && r->items[k]->attached)
            n++;
    struct hpenum **enums = calloc(n + 1, sizeof *enums);
    if (!enums)
        return WBEM_E_OUT_OF_MEMORY;
    n = 0;
    for (size_t k = 0; k < r->nitems; k++)
        if (r->items[k]->kind == CI_ENUM && r->items[k]->pr == i && r->items[k]->attached)
            enums[n++] = r->items[k]->penum;
    HRESULT hr = provrefr_refresh(&r->provs[i].pr, r->host, flags, enums, n);
    free(enums);
    return hr;
}

/* Refreshes provider refresher i, reconnecting it when allowed. */
static HRESULT refresh_provider(struct clientrefr *r, size_t i, LONG flags, bool *partial)
{
    struct cprov *cp = &r->provs[i];
    HRESULT hr;
    if (cprov_connected(r, cp)) {
        /* Items that could not be re-added after a reconnect: try again. */
        for (size_t k = 0; k < r->nitems; k++) {
            struct citem *it = r->items[k];
            if ((it->kind == CI_OBJECT || it->kind == CI_ENUM) && it->pr == i && !it->attached &&
                FAILED(item_attach(r, it, NULL)))
                *partial = true;
        }
        hr = call_refresh(r, i, flags);
    } else {
        hr = RPC_E_DISCONNECTED;
    }
    if (provrefr_is_connection_error(hr)) {
        cp->lost = true;
        if (flags & WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT) {
            journal_note(&r->host->journal,
                         "clientrefr #%llu: provider '%s' disconnected (0x%08X), not reconnecting "
                         "(WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT)",
                         (unsigned long long)r->hdr.id, cp->reg->name, (unsigned)hr);
        } else {
            HRESULT rc = cprov_reconnect(r, i);
            if (rc == WBEM_S_PARTIAL_RESULTS)
                *partial = true;
            hr = FAILED(rc) ? rc : call_refresh(r, i, flags);
        }
    }
    cp->last_hr = hr;
    return hr;
}

static HRESULT refresh_locked(struct clientrefr *r, LONG flags)
{
    HRESULT first = WBEM_S_NO_ERROR;
    bool partial = false;
    r->refreshes++;
#define NOTE_FAILURE(h)                                                                                    \
    do {                                                                                                 \
        HRESULT h_ = (h);                                                                                \
        if (FAILED(h_) && SUCCEEDED(first))                                                              \
            first = h_;                                                                                  \
    } while (0)
    for (size_t i = 0; i < r->nprovs; i++)
        NOTE_FAILURE(refresh_provider(r, i, flags, &partial));
    for (size_t k = 0; k < r->nitems; k++) {
        struct citem *it = r->items[k];
        switch (it->kind) {
        case CI_OBJECT:
            if (!it->attached)
                partial = true;
            else if (SUCCEEDED(r->provs[it->pr].last_hr) && hobject_copy_values(it->cobj, it->pobj))
                NOTE_FAILURE(WBEM_E_FAILED);
            break;
        case CI_ENUM:
            if (!it->attached)
                partial = true;
            else if (SUCCEEDED(r->provs[it->pr].last_hr))
                NOTE_FAILURE(sync_from_penum(it));
            break;
        case CI_GET_OBJECT:
            NOTE_FAILURE(fetch_object(r, it));
            break;
        case CI_GET_ENUM:
            NOTE_FAILURE(fetch_enum(r, it));
            break;
        case CI_NESTED:
            journal_note(&r->host->journal, "clientrefr #%llu: refreshing nested refresher #%llu",
                         (unsigned long long)r->hdr.id, (unsigned long long)it->nested->hdr.id);
            pthread_mutex_lock(&it->nested->lock);
            NOTE_FAILURE(refresh_locked(it->nested, flags));
            pthread_mutex_unlock(&it->nested->lock);
            break;
        }
    }
#undef NOTE_FAILURE
    if (SUCCEEDED(first) && partial)
        return WBEM_S_PARTIAL_RESULTS;
    return first;
}

/* ---- Method entry and exit ------------------------------------------------------ */

/* Checks the object, keeps it alive for the call and makes the thread the
 * host's; *caller is who called.  A call refused at its entry (a dead
 * refresher, an injected fault) is journaled here, with a0..a2 the
 * arguments known before the call looked at anything (the ones it journals
 * on its other failures), and its HRESULT is returned for the method to
 * return at once: there is nothing to undo. */
static HRESULT enter(struct clientrefr *r, enum hp_method m, enum hp_actor *caller, int64_t a0, int64_t a1,
                     int64_t a2, uint8_t strmask)
{
    HRESULT hr = host_enter(r->host, &r->hdr, m);
    if (hr != S_OK)
        return host_leave(r->host, &r->hdr, m, a0, a1, a2, strmask, hr);
    *caller = hp_actor_current();
    hobj_ref(&r->hdr, HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_HOST);
    return S_OK;
}

static HRESULT leave(struct clientrefr *r, enum hp_method m, enum hp_actor caller, int64_t a0, int64_t a1,
                     int64_t a2, uint8_t strmask, HRESULT hr)
{
    hp_actor_set(caller);
    host_leave(r->host, &r->hdr, m, a0, a1, a2, strmask, hr);
    hobj_unref(&r->hdr, HP_ACTOR_HOST);
    return hr;
}

static HRESULT query_interface(struct clientrefr *r, enum hp_method m, REFIID riid, void **ppv)
{
    if (ppv)
        *ppv = NULL;                /* on every failure, an injected one or a dead refresher's too */
    HRESULT hr = host_enter(r->host, &r->hdr, m);
    if (hr != S_OK)
        return host_leave(r->host, &r->hdr, m, 0, 0, 0, 0, hr);
    if (!ppv || !riid)
        return host_leave(r->host, &r->hdr, m, 0, 0, 0, 0, E_POINTER);
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemRefresher))
        *ppv = &r->IWbemRefresher_iface;
    else if (IsEqualIID(riid, &IID_IWbemConfigureRefresher))
        *ppv = &r->IWbemConfigureRefresher_iface;
    if (*ppv)
        hobj_addref(&r->hdr);
    return host_leave(r->host, &r->hdr, m, 0, 0, 0, 0, *ppv ? S_OK : E_NOINTERFACE);
}

/* ---- IWbemRefresher ------------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE refresher_QueryInterface(IWbemRefresher *iface, REFIID riid, void **ppv)
{
    return query_interface(impl_from_IWbemRefresher(iface), HPM_IWbemRefresher_QueryInterface, riid, ppv);
}

static ULONG STDMETHODCALLTYPE refresher_AddRef(IWbemRefresher *iface)
{
    return hobj_addref(&impl_from_IWbemRefresher(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE refresher_Release(IWbemRefresher *iface)
{
    return hobj_release(&impl_from_IWbemRefresher(iface)->hdr);
}

static HRESULT STDMETHODCALLTYPE refresher_Refresh(IWbemRefresher *iface, LONG lFlags)
{
    struct clientrefr *r = impl_from_IWbemRefresher(iface);
    const enum hp_method m = HPM_IWbemRefresher_Refresh;
    enum hp_actor caller;
    HRESULT hr = enter(r, m, &caller, lFlags, 0, 0, 0);
    if (hr != S_OK)
        return hr;
    if (lFlags & ~(LONG)WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT)
        return leave(r, m, caller, lFlags, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    pthread_mutex_lock(&r->lock);
    hr = refresh_locked(r, lFlags);
    size_t n = r->nitems;
    pthread_mutex_unlock(&r->lock);
    return leave(r, m, caller, lFlags, (int64_t)n, 0, 0, hr);
}

static const IWbemRefresherVtbl refresher_vtbl = {
    refresher_QueryInterface,
    refresher_AddRef,
    refresher_Release,
    refresher_Refresh,
};

/* ---- IWbemConfigureRefresher ----------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE config_QueryInterface(IWbemConfigureRefresher *iface, REFIID riid, void **ppv)
{
    return query_interface(impl_from_IWbemConfigureRefresher(iface), HPM_IWbemConfigureRefresher_QueryInterface,
                           riid, ppv);
}

static ULONG STDMETHODCALLTYPE config_AddRef(IWbemConfigureRefresher *iface)
{
    return hobj_addref(&impl_from_IWbemConfigureRefresher(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE config_Release(IWbemConfigureRefresher *iface)
{
    return hobj_release(&impl_from_IWbemConfigureRefresher(iface)->hdr);
}

/* The checks every Add* shares. */
static HRESULT check_add(struct clientrefr *r, IWbemServices *ns, const void *what, LONG flags, const void *out)
{
    if (!ns || !what || !out)
        return WBEM_E_INVALID_PARAMETER;
    if (ns != host_namespace(r->host)) {
        journal_note(&r->host->journal, "clientrefr #%llu: pNamespace is not the host's namespace",
                     (unsigned long long)r->hdr.id);
        return WBEM_E_INVALID_PARAMETER;
    }
    if (flags & ~(LONG)WBEM_FLAG_USE_AMENDED_QUALIFIERS)
        return WBEM_E_INVALID_PARAMETER;
    return WBEM_S_NO_ERROR;
}

/* Adds the instance tmpl (borrowed; keys set) and returns the client's
 * object with a reference for `caller`.  Lock held. */
static HRESULT add_object(struct clientrefr *r, struct hobject *tmpl, IWbemContext *ctx, enum hp_actor caller,
                          IWbemClassObject **out, LONG *plId)
{
    struct host *host = r->host;
    const struct repo_class *cls = hobject_class(tmpl);
    const struct repo_provider *reg;
    struct citem *it = calloc(1, sizeof *it);
    if (!it)
        return WBEM_E_OUT_OF_MEMORY;
    it->cls = cls;
    HRESULT hr = WBEM_S_NO_ERROR;
    bool hiperf = is_hiperf_class(host, cls, &reg);
    if (hiperf) {
        hr = cprov_get(r, reg, &it->pr);
        if (hr == WBEM_E_PROVIDER_NOT_CAPABLE)
            hiperf = false;   /* registered hi-perf, answers only IWbemServices */
        else if (FAILED(hr))
            goto fail;
    }
    if (hiperf) {
        it->kind = CI_OBJECT;
        it->tmpl = tmpl;
        hobj_ref(hobject_hobj(tmpl), HP_ACTOR_HOST);
        hr = item_attach(r, it, ctx);
        if (FAILED(hr))
            goto fail;
        it->cobj = hobject_clone(it->pobj, HP_ACTOR_HOST);
    } else {
        it->kind = CI_GET_OBJECT;
        it->path = hobject_relpath(tmpl);
        if (!it->path) {
            hr = WBEM_E_INVALID_OBJECT_PATH;
            goto fail;
        }
        struct hobject *o;
        hr = host_get_instance(host, it->path, &o);
        if (FAILED(hr))
            goto fail;
        it->cobj = hobject_clone(o, HP_ACTOR_HOST);
        unref_obj(o);
    }
    if (!it->cobj || FAILED(hr = items_push(r, it))) {
        hr = it->cobj ? hr : WBEM_E_OUT_OF_MEMORY;
        goto fail;
    }
    hobj_ref(hobject_hobj(it->cobj), caller);
    *out = hobject_iface(it->cobj);
    if (plId)
        *plId = it->id;
    return hr;
fail:
    if (it->attached)
        provrefr_stop(&r->provs[it->pr].pr, host, it->pid, 0);
    item_release(it);
    return hr;
}

static HRESULT STDMETHODCALLTYPE config_AddObjectByPath(IWbemConfigureRefresher *iface, IWbemServices *pNamespace,
                                                        LPCWSTR wszPath, LONG lFlags, IWbemContext *pContext,
                                                        IWbemClassObject **ppRefreshable, LONG *plId)
{
    struct clientrefr *r = impl_from_IWbemConfigureRefresher(iface);
    const enum hp_method m = HPM_IWbemConfigureRefresher_AddObjectByPath;
    enum hp_actor caller;
    if (ppRefreshable)
        *ppRefreshable = NULL;      /* on every failure, an injected one or a dead refresher's too */
    if (plId)
        *plId = 0;
    int64_t sid = wszPath ? journal_intern16(&r->host->journal, wszPath) : 0;
    HRESULT hr = enter(r, m, &caller, sid, 0, lFlags, 1);
    if (hr != S_OK)
        return hr;
    hr = check_add(r, pNamespace, wszPath, lFlags, ppRefreshable);
    if (FAILED(hr))
        return leave(r, m, caller, sid, 0, lFlags, 1, hr);
    char *path = hp_utf16_to_utf8(wszPath, (size_t)-1, NULL);
    struct objpath op;
    if (!path || objpath_parse(&op, path)) {
        free(path);
        return leave(r, m, caller, sid, 0, lFlags, 1, WBEM_E_INVALID_OBJECT_PATH);
    }
    free(path);
    const struct repo_class *cls = repo_class(r->host->repo, op.cls);
    struct hobject *tmpl = NULL;
    if (!cls)
        hr = WBEM_E_INVALID_CLASS;
    else if (!op.singleton && op.nkeys == 0)
        hr = WBEM_E_INVALID_OBJECT_PATH;
    else if (!(tmpl = hobject_new_instance(r->host, cls, HP_ACTOR_HOST)))
        hr = WBEM_E_OUT_OF_MEMORY;
    else if (hobject_set_keys(tmpl, &op))
        hr = WBEM_E_INVALID_OBJECT_PATH;
    objpath_free(&op);
    LONG id = 0;
    if (SUCCEEDED(hr)) {
        pthread_mutex_lock(&r->lock);
        hr = add_object(r, tmpl, pContext, caller, ppRefreshable, &id);
        pthread_mutex_unlock(&r->lock);
        if (plId)
            *plId = id;
    }
    unref_obj(tmpl);
    return leave(r, m, caller, sid, id, lFlags, 1, hr);
}

static HRESULT STDMETHODCALLTYPE config_AddObjectByTemplate(IWbemConfigureRefresher *iface,
                                                            IWbemServices *pNamespace, IWbemClassObject *pTemplate,
                                                            LONG lFlags, IWbemContext *pContext,
                                                            IWbemClassObject **ppRefreshable, LONG *plId)
{
    struct clientrefr *r = impl_from_IWbemConfigureRefresher(iface);
    const enum hp_method m = HPM_IWbemConfigureRefresher_AddObjectByTemplate;
    enum hp_actor caller;
    if (ppRefreshable)
        *ppRefreshable = NULL;      /* on every failure, an injected one or a dead refresher's too */
    if (plId)
        *plId = 0;
    /* The template is not looked at before the entry check: refused there,
     * the call journals no path. */
    HRESULT hr = enter(r, m, &caller, 0, 0, lFlags, 1);
    if (hr != S_OK)
        return hr;
    struct hobject *t = hobject_from_iface(pTemplate);
    int64_t sid = 0;
    if (t) {
        char *path = hobject_relpath(t);
        sid = journal_intern(&r->host->journal, path ? path : hobject_class(t)->name);
        free(path);
    }
    hr = check_add(r, pNamespace, pTemplate, lFlags, ppRefreshable);
    if (SUCCEEDED(hr) && (!t || !hobject_is_instance(t)))
        hr = WBEM_E_INVALID_PARAMETER;   /* not an instance the host made */
    if (FAILED(hr))
        return leave(r, m, caller, sid, 0, lFlags, 1, hr);
    struct hobject *tmpl = hobject_clone(t, HP_ACTOR_HOST);
    LONG id = 0;
    if (!tmpl) {
        hr = WBEM_E_OUT_OF_MEMORY;
    } else {
        pthread_mutex_lock(&r->lock);
        hr = add_object(r, tmpl, pContext, caller, ppRefreshable, &id);
        pthread_mutex_unlock(&r->lock);
        if (plId)
            *plId = id;
    }
    unref_obj(tmpl);
    return leave(r, m, caller, sid, id, lFlags, 1, hr);
}

static HRESULT STDMETHODCALLTYPE config_AddEnum(IWbemConfigureRefresher *iface, IWbemServices *pNamespace,
                                                LPCWSTR wszClassName, LONG lFlags, IWbemContext *pContext,
                                                IWbemHiPerfEnum **ppEnum, LONG *plId)
{
    struct clientrefr *r = impl_from_IWbemConfigureRefresher(iface);
    const enum hp_method m = HPM_IWbemConfigureRefresher_AddEnum;
    enum hp_actor caller;
    if (ppEnum)
        *ppEnum = NULL;             /* on every failure, an injected one or a dead refresher's too */
    if (plId)
        *plId = 0;
    int64_t sid = wszClassName ? journal_intern16(&r->host->journal, wszClassName) : 0;
    HRESULT hr = enter(r, m, &caller, sid, 0, lFlags, 1);
    if (hr != S_OK)
        return hr;
    hr = check_add(r, pNamespace, wszClassName, lFlags, ppEnum);
    if (FAILED(hr))
        return leave(r, m, caller, sid, 0, lFlags, 1, hr);
    char *name = hp_utf16_to_utf8(wszClassName, (size_t)-1, NULL);
    const struct repo_class *cls = name ? repo_class(r->host->repo, name) : NULL;
    free(name);
    if (!cls)
        return leave(r, m, caller, sid, 0, lFlags, 1, WBEM_E_INVALID_CLASS);

    struct citem *it = calloc(1, sizeof *it);
    if (!it)
        return leave(r, m, caller, sid, 0, lFlags, 1, WBEM_E_OUT_OF_MEMORY);
    it->cls = cls;
    pthread_mutex_lock(&r->lock);
    const struct repo_provider *reg;
    bool hiperf = is_hiperf_class(r->host, cls, &reg);
    if (hiperf) {
        hr = cprov_get(r, reg, &it->pr);
        if (hr == WBEM_E_PROVIDER_NOT_CAPABLE) {
            hiperf = false;   /* registered hi-perf, answers only IWbemServices */
            hr = WBEM_S_NO_ERROR;
        }
    }
    if (SUCCEEDED(hr)) {
        it->kind = hiperf ? CI_ENUM : CI_GET_ENUM;
        if (hiperf)
            hr = item_attach(r, it, pContext);
    }
    if (SUCCEEDED(hr) && hpenum_new(&it->cenum, r->host, HP_ACTOR_HOST, cls->name))
        hr = WBEM_E_OUT_OF_MEMORY;
    if (SUCCEEDED(hr))
        hr = items_push(r, it);
    if (FAILED(hr)) {
        if (it->attached)
            provrefr_stop(&r->provs[it->pr].pr, r->host, it->pid, 0);
        item_release(it);
        pthread_mutex_unlock(&r->lock);
        return leave(r, m, caller, sid, 0, lFlags, 1, hr);
    }
    hobj_ref(hpenum_hobj(it->cenum), caller);
    *ppEnum = hpenum_iface(it->cenum);
    LONG id = it->id;
    if (plId)
        *plId = id;
    pthread_mutex_unlock(&r->lock);
    return leave(r, m, caller, sid, id, lFlags, 1, hr);
}

/* Whether `a` is `target` or holds it, however deeply.  nest_lock held;
 * never locks `target`. */
static bool contains(struct clientrefr *a, struct clientrefr *target)
{
    if (a == target)
        return true;
    bool found = false;
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->nitems && !found; i++)
        if (a->items[i]->kind == CI_NESTED)
            found = contains(a->items[i]->nested, target);
    pthread_mutex_unlock(&a->lock);
    return found;
}

static HRESULT STDMETHODCALLTYPE config_AddRefresher(IWbemConfigureRefresher *iface, IWbemRefresher *pRefresher,
                                                     LONG lFlags, LONG *plId)
{
    struct clientrefr *r = impl_from_IWbemConfigureRefresher(iface);
    const enum hp_method m = HPM_IWbemConfigureRefresher_AddRefresher;
    enum hp_actor caller;
    if (plId)
        *plId = 0;                  /* on every failure, an injected one or a dead refresher's too */
    /* pRefresher is not looked at before the entry check: refused there,
     * the call journals no refresher id. */
    HRESULT hr = enter(r, m, &caller, 0, 0, lFlags, 0);
    if (hr != S_OK)
        return hr;
    struct clientrefr *n = clientrefr_from_iface(pRefresher);
    int64_t nid = n ? (int64_t)n->hdr.id : 0;
    if (!n || n->host != r->host || !hobj_alive(&n->hdr) || lFlags != 0)
        return leave(r, m, caller, nid, 0, lFlags, 0, WBEM_E_INVALID_PARAMETER);
    pthread_mutex_lock(&nest_lock);
    if (contains(n, r)) {
        pthread_mutex_unlock(&nest_lock);
        journal_note(&r->host->journal, "clientrefr #%llu: AddRefresher(#%llu) would nest it in itself",
                     (unsigned long long)r->hdr.id, (unsigned long long)n->hdr.id);
        return leave(r, m, caller, nid, 0, lFlags, 0, WBEM_E_INVALID_PARAMETER);
    }
    struct citem *it = calloc(1, sizeof *it);
    LONG id = 0;
    pthread_mutex_lock(&r->lock);
    if (!it) {
        hr = WBEM_E_OUT_OF_MEMORY;
    } else {
        it->kind = CI_NESTED;
        it->nested = n;
        hobj_ref(&n->hdr, HP_ACTOR_HOST);
        hr = items_push(r, it);
        if (FAILED(hr))
            item_release(it);
        else
            id = it->id;
    }
    pthread_mutex_unlock(&r->lock);
    pthread_mutex_unlock(&nest_lock);
    if (plId)
        *plId = id;
    return leave(r, m, caller, nid, id, lFlags, 0, hr);
}

static HRESULT STDMETHODCALLTYPE config_Remove(IWbemConfigureRefresher *iface, LONG lId, LONG lFlags)
{
    struct clientrefr *r = impl_from_IWbemConfigureRefresher(iface);
    const enum hp_method m = HPM_IWbemConfigureRefresher_Remove;
    enum hp_actor caller;
    HRESULT hr = enter(r, m, &caller, lId, lFlags, 0, 0);
    if (hr != S_OK)
        return hr;
    if (lFlags & ~(LONG)WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT)
        return leave(r, m, caller, lId, lFlags, 0, 0, WBEM_E_INVALID_PARAMETER);
    pthread_mutex_lock(&r->lock);
    size_t i = item_find(r, lId);
    struct citem *it = NULL;
    if (i == (size_t)-1) {
        hr = WBEM_E_NOT_FOUND;
    } else {
        it = r->items[i];
        memmove(&r->items[i], &r->items[i + 1], (r->nitems - i - 1) * sizeof *r->items);
        r->nitems--;
        if ((it->kind == CI_OBJECT || it->kind == CI_ENUM) && it->attached &&
            cprov_connected(r, &r->provs[it->pr]))
            provrefr_stop(&r->provs[it->pr].pr, r->host, it->pid, lFlags);
        hr = WBEM_S_NO_ERROR;
    }
    pthread_mutex_unlock(&r->lock);
    item_release(it);
    return leave(r, m, caller, lId, lFlags, 0, 0, hr);
}

static const IWbemConfigureRefresherVtbl configure_vtbl = {
    config_QueryInterface,
    config_AddRef,
    config_Release,
    config_AddObjectByPath,
    config_AddObjectByTemplate,
    config_AddRefresher,
    config_Remove,
    config_AddEnum,
};

/* ---- Life cycle ------------------------------------------------------------------ */

static void cr_on_dead(struct hobj *h)
{
    struct clientrefr *r = impl_from_hobj(h);
    /* Nobody can call in any more (host_enter refuses a dead object). */
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    for (size_t i = 0; i < r->nitems; i++)
        item_release(r->items[i]);
    free(r->items);
    r->items = NULL;
    r->nitems = r->capitems = 0;
    /* Releasing the provider refreshers is the provider's cue to clean up
     * everything they held; StopRefreshing is not needed for that. */
    for (size_t i = 0; i < r->nprovs; i++)
        provrefr_close(&r->provs[i].pr, r->host);
    free(r->provs);
    r->provs = NULL;
    r->nprovs = r->capprovs = 0;
    hp_actor_set(prev);
}

static void cr_free(struct hobj *h)
{
    struct clientrefr *r = impl_from_hobj(h);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static void cr_describe(struct hobj *h, struct hp_buf *b)
{
    struct clientrefr *r = impl_from_hobj(h);
    hp_buf_printf(b, "client refresher, providers loaded %s",
                  r->kind == HOSTPROV_IN_CLIENT ? "in the client" : "inside WMI");
}

static const struct hobj_ops clientrefr_ops = {"IWbemRefresher", cr_on_dead, cr_free, cr_describe};

int clientrefr_new(struct clientrefr **out, struct host *host, enum hp_actor holder, enum hostprov_kind load_kind)
{
    *out = NULL;
    struct clientrefr *r = host_calloc(host, 1, sizeof *r);
    if (!r)
        return hp_error_set(HP_ENOMEM, "out of memory");
    r->IWbemRefresher_iface.lpVtbl = &refresher_vtbl;
    r->IWbemConfigureRefresher_iface.lpVtbl = &configure_vtbl;
    r->host = host;
    r->kind = load_kind;
    pthread_mutex_init(&r->lock, NULL);
    hobj_init(&r->hdr, &host->ledger, &clientrefr_ops, holder);
    journal_note(&host->journal, "clientrefr #%llu: created, providers loaded %s", (unsigned long long)r->hdr.id,
                 load_kind == HOSTPROV_IN_CLIENT ? "in the client (ClientLoadableCLSID)" : "inside WMI (CLSID)");
    *out = r;
    return 0;
}

IWbemRefresher *clientrefr_refresher(struct clientrefr *r)
{
    return &r->IWbemRefresher_iface;
}

IWbemConfigureRefresher *clientrefr_configure(struct clientrefr *r)
{
    return &r->IWbemConfigureRefresher_iface;
}

struct hobj *clientrefr_hobj(struct clientrefr *r)
{
    return &r->hdr;
}

struct clientrefr *clientrefr_from_iface(const void *iface)
{
    if (!iface)
        return NULL;
    const void *vtbl;
    memcpy(&vtbl, iface, sizeof vtbl);
    if (vtbl == (const void *)&refresher_vtbl)
        return impl_from_IWbemRefresher((IWbemRefresher *)(uintptr_t)iface);
    if (vtbl == (const void *)&configure_vtbl)
        return impl_from_IWbemConfigureRefresher((IWbemConfigureRefresher *)(uintptr_t)iface);
    return NULL;
}

void clientrefr_get_stats(struct clientrefr *r, struct clientrefr_stats *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&r->lock);
    out->items = r->nitems;
    for (size_t i = 0; i < r->nitems; i++) {
        const struct citem *it = r->items[i];
        switch (it->kind) {
        case CI_OBJECT: out->objects++; break;
        case CI_ENUM: out->enums++; break;
        case CI_GET_OBJECT:
        case CI_GET_ENUM: out->nonhiperf++; break;
        case CI_NESTED: out->nested++; break;
        }
        if ((it->kind == CI_OBJECT || it->kind == CI_ENUM) && !it->attached)
            out->detached++;
    }
    out->provider_refreshers = r->nprovs;
    out->refreshes = r->refreshes;
    out->reconnects = r->reconnects;
    pthread_mutex_unlock(&r->lock);
}
