/*
 * mocks/remoterefr.c - a server refresher of the [MS-WMI] remote protocol
 * and its IWbemRemoteRefresher (3.1.4.13): the objects and enumerators
 * one client refresher added through IWbemRefreshingServices, one
 * provider refresher per provider, RemoteRefresh returning one
 * WBEM_REFRESHED_OBJECT per item, StopRefreshing by cancel id.
 *
 * Rules kept (refrsvc.h, docs/refresher-protocol.md):
 *  - RemoteRefresh: lFlags must be 0 and both out pointers non-NULL, else
 *    WBEM_E_INVALID_PARAMETER; on failure *plNumObjects = 0 and
 *    *paObjects = NULL.  Every provider refresher is refreshed (enum
 *    windows open), then each item becomes one WBEM_REFRESHED_OBJECT with
 *    m_lRequestId = its cancel id: WBEM_BLOB_TYPE_ALL (one instance) for an
 *    object, WBEM_BLOB_TYPE_ENUM for an enumerator, WBEM_BLOB_TYPE_ERROR
 *    with length 0 and a NULL blob when its provider's Refresh failed.  The
 *    array and every blob come from CoTaskMemAlloc (blob.h encoding).
 *  - StopRefreshing: lFlags must be 0, lNumIds > 0 with a non-NULL array,
 *    else WBEM_E_INVALID_PARAMETER; an id that is not an item of this
 *    refresher is WBEM_E_NOT_FOUND and nothing is stopped (chosen);
 *    otherwise each item's provider entry is stopped and released.
 *  - Opnum5NotUsedOnWire: the server object's GUID (the same one
 *    GetRemoteRefresher and m_Guid give).
 *  - After remoterefr_disconnect (a simulated server restart) every method
 *    but AddRef/Release answers RPC_E_DISCONNECTED.
 *
 * Invariants (under `lock`): each item holds one HOST reference to its
 * provider-side object or enumerator and one entry in provider refresher
 * provs[item.pr]; cancel ids are unique within the refresher and never
 * reused; once disconnected, items and provs are empty and stay so.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "hiperfenum.h"
#include "object.h"
#include "provrefr.h"
#include "refrsvc_private.h"

struct sitem {
    LONG cancel_id;
    bool is_enum;
    size_t pr;                /* index in provs */
    LONG pid;                 /* the provider's id */
    struct hobject *pobj;     /* HOST */
    struct hpenum *penum;     /* HOST */
};

struct sprov {
    const struct repo_provider *reg;
    struct provrefr pr;
    HRESULT last_hr;
};

struct remoterefr {
    IWbemRemoteRefresher IWbemRemoteRefresher_iface;
    struct hobj hdr;
    struct host *host;
    GUID client_guid;         /* _WBEM_REFRESHER_ID.m_guidRefresherId */
    char *machine;            /* owned copy of m_szMachineName, may be NULL */
    DWORD process_id;
    GUID guid;                /* the server refresher's own GUID */
    pthread_mutex_t lock;
    _Atomic bool disconnected;
    struct sitem **items;
    size_t nitems, capitems;
    struct sprov *provs;
    size_t nprovs, capprovs;
    LONG next_cancel;
};

static const IWbemRemoteRefresherVtbl remoterefr_vtbl;

static struct remoterefr *impl_from_IWbemRemoteRefresher(IWbemRemoteRefresher *iface)
{
    return (struct remoterefr *)((char *)iface - offsetof(struct remoterefr, IWbemRemoteRefresher_iface));
}

static struct remoterefr *impl_from_hobj(struct hobj *h)
{
    return (struct remoterefr *)((char *)h - offsetof(struct remoterefr, hdr));
}

static void sitem_free(struct sitem *it)
{
    if (!it)
        return;
    if (it->pobj)
        hobj_unref(hobject_hobj(it->pobj), HP_ACTOR_HOST);
    if (it->penum)
        hobj_unref(hpenum_hobj(it->penum), HP_ACTOR_HOST);
    free(it);
}

/* ---- Provider side ------------------------------------------------------------ */

/* The provider refresher for reg, made on first use.  Lock held. */
static HRESULT sprov_get(struct remoterefr *r, const struct repo_provider *reg, size_t *index)
{
    for (size_t i = 0; i < r->nprovs; i++)
        if (r->provs[i].reg == reg) {
            *index = i;
            return WBEM_S_NO_ERROR;
        }
    if (hp_grow((void **)&r->provs, &r->capprovs, r->nprovs + 1, sizeof *r->provs))
        return WBEM_E_OUT_OF_MEMORY;
    struct sprov *sp = &r->provs[r->nprovs];
    memset(sp, 0, sizeof *sp);
    HRESULT hr = provrefr_open(&sp->pr, r->host, reg, HOSTPROV_IN_WMI);
    if (FAILED(hr))
        return hr;
    sp->reg = reg;
    *index = r->nprovs++;
    return WBEM_S_NO_ERROR;
}

static HRESULT sitem_push(struct remoterefr *r, struct sitem *it, LONG *cancel_id)
{
    if (hp_grow((void **)&r->items, &r->capitems, r->nitems + 1, sizeof *r->items))
        return WBEM_E_OUT_OF_MEMORY;
    it->cancel_id = ++r->next_cancel;
    r->items[r->nitems++] = it;
    *cancel_id = it->cancel_id;
    return WBEM_S_NO_ERROR;
}

HRESULT remoterefr_add_object(struct remoterefr *r, struct hobject *tmpl, const struct repo_provider *reg,
                              IWbemContext *ctx, enum hp_actor holder, LONG *cancel_id, struct hobject **copy)
{
    *cancel_id = 0;
    if (copy)
        *copy = NULL;
    struct sitem *it = calloc(1, sizeof *it);
    if (!it)
        return WBEM_E_OUT_OF_MEMORY;
    pthread_mutex_lock(&r->lock);
    HRESULT hr = r->disconnected ? RPC_E_DISCONNECTED : sprov_get(r, reg, &it->pr);
    if (SUCCEEDED(hr))
        hr = provrefr_add_object(&r->provs[it->pr].pr, r->host, tmpl, ctx, &it->pobj, &it->pid);
    bool added = SUCCEEDED(hr);
    if (added && copy && !(*copy = hobject_clone(it->pobj, holder)))
        hr = WBEM_E_OUT_OF_MEMORY;
    if (SUCCEEDED(hr))
        hr = sitem_push(r, it, cancel_id);
    if (FAILED(hr)) {
        if (added)
            provrefr_stop(&r->provs[it->pr].pr, r->host, it->pid, 0);
        if (copy && *copy) {
            hobj_unref(hobject_hobj(*copy), holder);
            *copy = NULL;
        }
        sitem_free(it);
    }
    pthread_mutex_unlock(&r->lock);
    return hr;
}

HRESULT remoterefr_add_enum(struct remoterefr *r, const struct repo_class *cls, const struct repo_provider *reg,
                            IWbemContext *ctx, LONG *cancel_id)
{
    *cancel_id = 0;
    struct sitem *it = calloc(1, sizeof *it);
    if (!it)
        return WBEM_E_OUT_OF_MEMORY;
    it->is_enum = true;
    pthread_mutex_lock(&r->lock);
    HRESULT hr = r->disconnected ? RPC_E_DISCONNECTED : sprov_get(r, reg, &it->pr);
    if (SUCCEEDED(hr))
        hr = provrefr_add_enum(&r->provs[it->pr].pr, r->host, cls, ctx, &it->penum, &it->pid);
    bool added = SUCCEEDED(hr);
    if (SUCCEEDED(hr))
        hr = sitem_push(r, it, cancel_id);
    if (FAILED(hr)) {
        if (added)
            provrefr_stop(&r->provs[it->pr].pr, r->host, it->pid, 0);
        sitem_free(it);
    }
    pthread_mutex_unlock(&r->lock);
    return hr;
}

void remoterefr_disconnect(struct remoterefr *r)
{
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    pthread_mutex_lock(&r->lock);
    bool was = r->disconnected;
    r->disconnected = true;
    struct sitem **items = r->items;
    size_t nitems = r->nitems;
    struct sprov *provs = r->provs;
    size_t nprovs = r->nprovs;
    r->items = NULL;
    r->nitems = r->capitems = 0;
    r->provs = NULL;
    r->nprovs = r->capprovs = 0;
    pthread_mutex_unlock(&r->lock);
    if (!was)
        journal_note(&r->host->journal, "remoterefr #%llu: disconnected (%zu items, %zu provider refreshers released)",
                     (unsigned long long)r->hdr.id, nitems, nprovs);
    for (size_t i = 0; i < nitems; i++)
        sitem_free(items[i]);
    free(items);
    for (size_t i = 0; i < nprovs; i++)
        provrefr_close(&provs[i].pr, r->host);
    free(provs);
    hp_actor_set(prev);
}

/* ---- Method entry and exit ------------------------------------------------------ */

/* Checks the object, keeps it alive for the call and makes the thread the
 * host's; *caller is who called.  A call refused at its entry (a dead
 * refresher, an injected fault) is journaled here with a0..a2, the
 * arguments known before the call looked at anything, and its HRESULT
 * returned for the method to return at once. */
static HRESULT enter(struct remoterefr *r, enum hp_method m, enum hp_actor *caller, int64_t a0, int64_t a1,
                     int64_t a2)
{
    HRESULT hr = host_enter(r->host, &r->hdr, m);
    if (hr != S_OK)
        return host_leave(r->host, &r->hdr, m, a0, a1, a2, 0, hr);
    *caller = hp_actor_current();
    hobj_ref(&r->hdr, HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_HOST);
    return S_OK;
}

static HRESULT leave(struct remoterefr *r, enum hp_method m, enum hp_actor caller, int64_t a0, int64_t a1,
                     int64_t a2, HRESULT hr)
{
    hp_actor_set(caller);
    host_leave(r->host, &r->hdr, m, a0, a1, a2, 0, hr);
    hobj_unref(&r->hdr, HP_ACTOR_HOST);
    return hr;
}

/* ---- IWbemRemoteRefresher --------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE remote_QueryInterface(IWbemRemoteRefresher *iface, REFIID riid, void **ppv)
{
    struct remoterefr *r = impl_from_IWbemRemoteRefresher(iface);
    const enum hp_method m = HPM_IWbemRemoteRefresher_QueryInterface;
    if (ppv)
        *ppv = NULL;                /* on every failure, an injected one or a dead refresher's too */
    HRESULT hr = host_enter(r->host, &r->hdr, m);
    if (hr != S_OK)
        return host_leave(r->host, &r->hdr, m, 0, 0, 0, 0, hr);
    if (!ppv || !riid)
        return host_leave(r->host, &r->hdr, m, 0, 0, 0, 0, E_POINTER);
    if (r->disconnected)
        hr = RPC_E_DISCONNECTED;
    else if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemRemoteRefresher)) {
        hobj_addref(&r->hdr);
        *ppv = iface;
        hr = S_OK;
    } else {
        hr = E_NOINTERFACE;
    }
    return host_leave(r->host, &r->hdr, m, 0, 0, 0, 0, hr);
}

static ULONG STDMETHODCALLTYPE remote_AddRef(IWbemRemoteRefresher *iface)
{
    return hobj_addref(&impl_from_IWbemRemoteRefresher(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE remote_Release(IWbemRemoteRefresher *iface)
{
    return hobj_release(&impl_from_IWbemRemoteRefresher(iface)->hdr);
}

static void free_refreshed(WBEM_REFRESHED_OBJECT *a, LONG n)
{
    for (LONG i = 0; a && i < n; i++)
        CoTaskMemFree(a[i].m_pbBlob);
    CoTaskMemFree(a);
}

/* The blob of one item after its provider refreshed. */
static HRESULT encode_item(struct remoterefr *r, const struct sitem *it, WBEM_REFRESHED_OBJECT *out)
{
    out->m_lRequestId = it->cancel_id;
    if (FAILED(r->provs[it->pr].last_hr)) {
        out->m_lBlobType = WBEM_BLOB_TYPE_ERROR;
        out->m_lBlobLength = 0;
        out->m_pbBlob = NULL;
        return WBEM_S_NO_ERROR;
    }
    /* The blob is an allocation like any other: fault injection can fail
     * it (HPM_HOST_ALLOC), as it can the array below. */
    if (faults_check(&r->host->faults, HPM_HOST_ALLOC) != S_OK)
        return WBEM_E_OUT_OF_MEMORY;
    int rc;
    if (!it->is_enum) {
        out->m_lBlobType = WBEM_BLOB_TYPE_ALL;
        rc = blob_encode_instance(&out->m_pbBlob, &out->m_lBlobLength, it->pobj);
    } else {
        out->m_lBlobType = WBEM_BLOB_TYPE_ENUM;
        struct hpenum_item *snap = NULL;
        size_t n = hpenum_snapshot(it->penum, &snap);
        if (n == (size_t)-1)
            return WBEM_E_OUT_OF_MEMORY;
        struct hobject **objs = calloc(n + 1, sizeof *objs);
        if (!objs) {
            hpenum_snapshot_free(snap, n);
            return WBEM_E_OUT_OF_MEMORY;
        }
        for (size_t i = 0; i < n; i++)
            objs[i] = snap[i].hobject;
        rc = blob_encode_enum(&out->m_pbBlob, &out->m_lBlobLength, objs, n);
        free(objs);
        hpenum_snapshot_free(snap, n);
    }
    return rc ? WBEM_E_OUT_OF_MEMORY : WBEM_S_NO_ERROR;
}

static HRESULT STDMETHODCALLTYPE remote_RemoteRefresh(IWbemRemoteRefresher *iface, LONG lFlags,
                                                      LONG *plNumObjects, WBEM_REFRESHED_OBJECT **paObjects)
{
    struct remoterefr *r = impl_from_IWbemRemoteRefresher(iface);
    const enum hp_method m = HPM_IWbemRemoteRefresher_RemoteRefresh;
    enum hp_actor caller;
    if (plNumObjects)
        *plNumObjects = 0;          /* on every failure, an injected one or a dead refresher's too */
    if (paObjects)
        *paObjects = NULL;
    HRESULT hr = enter(r, m, &caller, lFlags, 0, 0);
    if (hr != S_OK)
        return hr;
    if (!plNumObjects || !paObjects || lFlags != 0)
        return leave(r, m, caller, lFlags, 0, 0, WBEM_E_INVALID_PARAMETER);
    pthread_mutex_lock(&r->lock);
    if (r->disconnected) {
        pthread_mutex_unlock(&r->lock);
        return leave(r, m, caller, lFlags, 0, 0, RPC_E_DISCONNECTED);
    }
    /* Read the current values of everything: each provider refresher
     * refreshes once, with the windows of its enumerators open. */
    for (size_t i = 0; i < r->nprovs; i++) {
        size_t n = 0;
        struct hpenum **enums = calloc(r->nitems + 1, sizeof *enums);
        if (!enums) {
            r->provs[i].last_hr = WBEM_E_OUT_OF_MEMORY;
            continue;
        }
        for (size_t k = 0; k < r->nitems; k++)
            if (r->items[k]->is_enum && r->items[k]->pr == i)
                enums[n++] = r->items[k]->penum;
        r->provs[i].last_hr = provrefr_refresh(&r->provs[i].pr, r->host, 0, enums, n);
        free(enums);
    }
    LONG n = (LONG)r->nitems, errors = 0;
    WBEM_REFRESHED_OBJECT *a = NULL;
    hr = WBEM_S_NO_ERROR;
    if (n) {
        a = faults_check(&r->host->faults, HPM_HOST_ALLOC) == S_OK ? CoTaskMemAlloc((size_t)n * sizeof *a) : NULL;
        if (!a)
            hr = WBEM_E_OUT_OF_MEMORY;
        else
            memset(a, 0, (size_t)n * sizeof *a);
    }
    for (LONG i = 0; SUCCEEDED(hr) && i < n; i++) {
        hr = encode_item(r, r->items[i], &a[i]);
        if (a[i].m_lBlobType == WBEM_BLOB_TYPE_ERROR)
            errors++;
    }
    pthread_mutex_unlock(&r->lock);
    if (FAILED(hr)) {
        free_refreshed(a, n);
        return leave(r, m, caller, lFlags, 0, 0, hr);
    }
    *plNumObjects = n;
    *paObjects = a;
    return leave(r, m, caller, lFlags, n, errors, hr);
}

static size_t sitem_find(struct remoterefr *r, LONG id)
{
    for (size_t i = 0; i < r->nitems; i++)
        if (r->items[i]->cancel_id == id)
            return i;
    return (size_t)-1;
}

static HRESULT STDMETHODCALLTYPE remote_StopRefreshing(IWbemRemoteRefresher *iface, LONG lNumIds, LONG *aplIds,
                                                       LONG lFlags)
{
    struct remoterefr *r = impl_from_IWbemRemoteRefresher(iface);
    const enum hp_method m = HPM_IWbemRemoteRefresher_StopRefreshing;
    enum hp_actor caller;
    int64_t first = (lNumIds > 0 && aplIds) ? aplIds[0] : 0;
    HRESULT hr = enter(r, m, &caller, lNumIds, first, lFlags);
    if (hr != S_OK)
        return hr;
    if (lNumIds <= 0 || !aplIds || lFlags != 0)
        return leave(r, m, caller, lNumIds, first, lFlags, WBEM_E_INVALID_PARAMETER);
    pthread_mutex_lock(&r->lock);
    if (r->disconnected) {
        hr = RPC_E_DISCONNECTED;
    } else {
        for (LONG i = 0; i < lNumIds && SUCCEEDED(hr); i++)
            if (sitem_find(r, aplIds[i]) == (size_t)-1)
                hr = WBEM_E_NOT_FOUND;
    }
    for (LONG i = 0; i < lNumIds && SUCCEEDED(hr); i++) {
        size_t k = sitem_find(r, aplIds[i]);
        if (k == (size_t)-1)
            continue;   /* the same id twice in the array */
        struct sitem *it = r->items[k];
        memmove(&r->items[k], &r->items[k + 1], (r->nitems - k - 1) * sizeof *r->items);
        r->nitems--;
        provrefr_stop(&r->provs[it->pr].pr, r->host, it->pid, 0);
        sitem_free(it);
    }
    pthread_mutex_unlock(&r->lock);
    return leave(r, m, caller, lNumIds, first, lFlags, hr);
}

static HRESULT STDMETHODCALLTYPE remote_Opnum5NotUsedOnWire(IWbemRemoteRefresher *iface, LONG lFlags, GUID *pGuid)
{
    struct remoterefr *r = impl_from_IWbemRemoteRefresher(iface);
    const enum hp_method m = HPM_IWbemRemoteRefresher_Opnum5NotUsedOnWire;
    enum hp_actor caller;
    if (pGuid)   /* zero on every failure, an injected one or a dead refresher's too */
        memset(pGuid, 0, sizeof *pGuid);
    HRESULT hr = enter(r, m, &caller, lFlags, 0, 0);
    if (hr != S_OK)
        return hr;
    if (!pGuid)
        return leave(r, m, caller, lFlags, 0, 0, WBEM_E_INVALID_PARAMETER);
    if (r->disconnected)
        return leave(r, m, caller, lFlags, 0, 0, RPC_E_DISCONNECTED);
    *pGuid = r->guid;
    return leave(r, m, caller, lFlags, (int64_t)r->guid.Data1, 0, WBEM_S_NO_ERROR);
}

static const IWbemRemoteRefresherVtbl remoterefr_vtbl = {
    remote_QueryInterface,
    remote_AddRef,
    remote_Release,
    remote_RemoteRefresh,
    remote_StopRefreshing,
    remote_Opnum5NotUsedOnWire,
};

/* ---- Life cycle ------------------------------------------------------------------ */

static void rr_on_dead(struct hobj *h)
{
    remoterefr_disconnect(impl_from_hobj(h));
}

static void rr_free(struct hobj *h)
{
    struct remoterefr *r = impl_from_hobj(h);
    free(r->machine);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static void rr_describe(struct hobj *h, struct hp_buf *b)
{
    struct remoterefr *r = impl_from_hobj(h);
    hp_buf_printf(b, "server refresher {%08X-...} for %s pid %u%s", (unsigned)r->guid.Data1,
                  r->machine ? r->machine : "?", (unsigned)r->process_id, r->disconnected ? ", disconnected" : "");
}

static const struct hobj_ops remoterefr_ops = {"IWbemRemoteRefresher", rr_on_dead, rr_free, rr_describe};

int remoterefr_new(struct remoterefr **out, struct host *host, const _WBEM_REFRESHER_ID *id, const GUID *guid)
{
    *out = NULL;
    struct remoterefr *r = host_calloc(host, 1, sizeof *r);
    if (!r)
        return hp_error_set(HP_ENOMEM, "out of memory");
    if (id->m_szMachineName && !(r->machine = hp_strdup(id->m_szMachineName))) {
        free(r);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    r->IWbemRemoteRefresher_iface.lpVtbl = &remoterefr_vtbl;
    r->host = host;
    r->client_guid = id->m_guidRefresherId;
    r->process_id = id->m_dwProcessId;
    r->guid = *guid;
    pthread_mutex_init(&r->lock, NULL);
    hobj_init(&r->hdr, &host->ledger, &remoterefr_ops, HP_ACTOR_HOST);
    *out = r;
    return 0;
}

IWbemRemoteRefresher *remoterefr_iface(struct remoterefr *r)
{
    return &r->IWbemRemoteRefresher_iface;
}

struct hobj *remoterefr_hobj(struct remoterefr *r)
{
    return &r->hdr;
}

const GUID *remoterefr_guid(const struct remoterefr *r)
{
    return &r->guid;
}

bool remoterefr_serves(const struct remoterefr *r, const GUID *client_guid)
{
    return memcmp(&r->client_guid, client_guid, sizeof *client_guid) == 0;
}

struct remoterefr *remoterefr_from_iface(const void *iface)
{
    if (!iface)
        return NULL;
    const void *vtbl;
    memcpy(&vtbl, iface, sizeof vtbl);
    if (vtbl != (const void *)&remoterefr_vtbl)
        return NULL;
    return impl_from_IWbemRemoteRefresher((IWbemRemoteRefresher *)(uintptr_t)iface);
}

bool remoterefr_connected(struct remoterefr *r)
{
    pthread_mutex_lock(&r->lock);
    bool c = !r->disconnected;
    pthread_mutex_unlock(&r->lock);
    return c;
}

size_t remoterefr_item_count(struct remoterefr *r)
{
    pthread_mutex_lock(&r->lock);
    size_t n = r->nitems;
    pthread_mutex_unlock(&r->lock);
    return n;
}
