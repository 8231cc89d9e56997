/*
 * mocks/refrsvc.c - IWbemRefreshingServices, the server side of [MS-WMI]
 * 3.1.4.12 (all six operations); the rules are listed in refrsvc.h and
 * docs/refresher-protocol.md.
 *
 * Invariants:
 *  - Every operation that returns a failure through a _WBEM_REFRESH_INFO
 *    leaves it all zero with m_lType WBEM_REFRESH_TYPE_INVALID (info_fail
 *    runs first, and again after any failure), and a successful one holds
 *    exactly the references and memory the caller must release.
 *  - refrs[] holds one HOST reference to every connected server refresher,
 *    at most one per client refresher GUID; a disconnected one is never in
 *    it.  `lock` guards refrs and epoch and is never held across a call
 *    into a provider.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "namespace.h"
#include "object.h"
#include "objpath.h"
#include "refrsvc_private.h"

struct refrsvc {
    IWbemRefreshingServices IWbemRefreshingServices_iface;
    struct hobj hdr;
    struct host *host;
    pthread_mutex_t lock;
    struct remoterefr **refrs;
    size_t nrefrs, caprefrs;
    uint32_t epoch;             /* server restarts so far */
};

static const IWbemRefreshingServicesVtbl refrsvc_vtbl;

static struct refrsvc *impl_from_IWbemRefreshingServices(IWbemRefreshingServices *iface)
{
    return (struct refrsvc *)((char *)iface - offsetof(struct refrsvc, IWbemRefreshingServices_iface));
}

static struct refrsvc *impl_from_hobj(struct hobj *h)
{
    return (struct refrsvc *)((char *)h - offsetof(struct refrsvc, hdr));
}

/* ---- GUIDs ------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

void refrsvc_make_guid(GUID *out, uint32_t epoch)
{
    static _Atomic uint64_t counter;
    uint64_t c = atomic_fetch_add(&counter, 1) + 1;
    /* A bijection of (epoch, counter): distinct objects never share a GUID. */
    uint64_t a = splitmix64(0x6869706572666368ull ^ ((uint64_t)epoch << 40) ^ c);
    uint64_t b = splitmix64(a ^ 0x7265667273766321ull);
    out->Data1 = (uint32_t)(a >> 32);
    out->Data2 = (uint16_t)(a >> 16);
    out->Data3 = (uint16_t)((a & 0x0FFF) | 0x4000);          /* version 4 */
    for (int i = 0; i < 8; i++)
        out->Data4[i] = (unsigned char)(b >> (8 * i));
    out->Data4[0] = (unsigned char)((out->Data4[0] & 0x3F) | 0x80); /* RFC 4122 variant */
}

static void guid_text(const GUID *g, char buf[40])
{
    snprintf(buf, 40, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned)g->Data1, g->Data2, g->Data3,
             g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6],
             g->Data4[7]);
}

/* ---- Server refreshers --------------------------------------------------------------- */

/* The server refresher of the client refresher `id`, made if there is
 * none; *out carries a HOST reference for the caller's use (dropped with
 * hobj_unref).  WBEM_E_OUT_OF_MEMORY otherwise. */
static HRESULT server_refresher(struct refrsvc *s, const _WBEM_REFRESHER_ID *id, struct remoterefr **out)
{
    *out = NULL;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->nrefrs; i++)
        if (remoterefr_serves(s->refrs[i], &id->m_guidRefresherId)) {
            *out = s->refrs[i];
            hobj_ref(remoterefr_hobj(*out), HP_ACTOR_HOST);
            pthread_mutex_unlock(&s->lock);
            return WBEM_S_NO_ERROR;
        }
    GUID guid;
    refrsvc_make_guid(&guid, s->epoch);
    struct remoterefr *r;
    if (hp_grow((void **)&s->refrs, &s->caprefrs, s->nrefrs + 1, sizeof *s->refrs) ||
        remoterefr_new(&r, s->host, id, &guid)) {
        pthread_mutex_unlock(&s->lock);
        return WBEM_E_OUT_OF_MEMORY;
    }
    s->refrs[s->nrefrs++] = r;
    hobj_ref(remoterefr_hobj(r), HP_ACTOR_HOST);
    pthread_mutex_unlock(&s->lock);
    char g[40], c[40];
    guid_text(&guid, g);
    guid_text(&id->m_guidRefresherId, c);
    journal_note(&s->host->journal,
                 "refrsvc: new server refresher #%llu %s for client refresher %s (machine %s, pid %u, epoch %u)",
                 (unsigned long long)remoterefr_hobj(r)->id, g, c,
                 id->m_szMachineName ? id->m_szMachineName : "(null)", (unsigned)id->m_dwProcessId,
                 (unsigned)s->epoch);
    *out = r;
    return WBEM_S_NO_ERROR;
}

static void drop_all(struct refrsvc *s, bool new_epoch)
{
    pthread_mutex_lock(&s->lock);
    struct remoterefr **v = s->refrs;
    size_t n = s->nrefrs;
    s->refrs = NULL;
    s->nrefrs = s->caprefrs = 0;
    if (new_epoch)
        s->epoch++;
    uint32_t epoch = s->epoch;
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < n; i++) {
        remoterefr_disconnect(v[i]);
        hobj_unref(remoterefr_hobj(v[i]), HP_ACTOR_HOST);
    }
    free(v);
    journal_note(&s->host->journal, "refrsvc: %s: %zu server refreshers dropped (epoch %u)",
                 new_epoch ? "server restart" : "shutdown", n, (unsigned)epoch);
}

/* ---- Common parts of the operations ------------------------------------------------ */

/* Checks the object, keeps it alive for the call and makes the thread the
 * host's; *caller is who called.  A call refused at its entry (a dead
 * object, an injected fault) is journaled here with a0..a2, the arguments
 * known before the call looked at anything, and its HRESULT returned for
 * the operation to return at once. */
static HRESULT enter(struct refrsvc *s, enum hp_method m, enum hp_actor *caller, int64_t a0, int64_t a1,
                     int64_t a2, uint8_t strmask)
{
    HRESULT hr = host_enter(s->host, &s->hdr, m);
    if (hr != S_OK)
        return host_leave(s->host, &s->hdr, m, a0, a1, a2, strmask, hr);
    *caller = hp_actor_current();
    hobj_ref(&s->hdr, HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_HOST);
    return S_OK;
}

static HRESULT leave(struct refrsvc *s, enum hp_method m, enum hp_actor caller, int64_t a0, int64_t a1, int64_t a2,
                     uint8_t strmask, HRESULT hr)
{
    hp_actor_set(caller);
    host_leave(s->host, &s->hdr, m, a0, a1, a2, strmask, hr);
    hobj_unref(&s->hdr, HP_ACTOR_HOST);
    return hr;
}

/* [MS-WMI] 3.1.4.12.x: WBEM_ENABLE and WBEM_REMOTE_ENABLE on the namespace. */
static bool access_ok(const struct host *host)
{
    const LONG need = WBEM_ENABLE | WBEM_REMOTE_ENABLE;
    return (host->namespace_rights & need) == need;
}

static void info_fail(_WBEM_REFRESH_INFO *info)
{
    memset(info, 0, sizeof *info);
    info->m_lType = WBEM_REFRESH_TYPE_INVALID;
}

static const struct repo_provider *refresher_provider(struct host *host, const struct repo_class *cls)
{
    const struct repo_provider *reg = cls->dynamic ? repo_provider_for_class(host->repo, cls) : NULL;
    return reg && repo_provider_is_hiperf(host->repo, reg) ? reg : NULL;
}

/* WBEM_REFRESH_TYPE_NON_HIPERF for cls: the namespace (task memory) and
 * an instance with the class's defaults, both the caller's. */
static HRESULT fill_non_hiperf(struct refrsvc *s, const struct repo_class *cls, enum hp_actor caller,
                               _WBEM_REFRESH_INFO *info)
{
    size_t n = 0;
    WCHAR *w = hp_utf8_to_utf16(s->host->namespace_path, (size_t)-1, &n);
    WCHAR *ns = w ? CoTaskMemAlloc((n + 1) * sizeof *ns) : NULL;
    struct hobject *t = ns ? hobject_new_instance(s->host, cls, caller) : NULL;
    if (!t) {
        free(w);
        CoTaskMemFree(ns);
        return WBEM_E_OUT_OF_MEMORY;
    }
    memcpy(ns, w, (n + 1) * sizeof *ns);
    free(w);
    info->m_lType = WBEM_REFRESH_TYPE_NON_HIPERF;
    info->m_Info.m_NonHiPerf.m_wszNamespace = ns;
    info->m_Info.m_NonHiPerf.m_pTemplate = hobject_iface(t);
    info->m_lCancelId = 0;
    return WBEM_S_NO_ERROR;
}

static void note_info(struct refrsvc *s, const char *op, const char *what, const _WBEM_REFRESHER_ID *id,
                      DWORD version, const _WBEM_REFRESH_INFO *info, HRESULT hr)
{
    char c[40] = "(null)", g[40] = "";
    if (id)
        guid_text(&id->m_guidRefresherId, c);
    if (info->m_lType == WBEM_REFRESH_TYPE_REMOTE)
        guid_text(&info->m_Info.m_Remote.m_Guid, g);
    const char *type = info->m_lType == WBEM_REFRESH_TYPE_REMOTE       ? "REMOTE"
                       : info->m_lType == WBEM_REFRESH_TYPE_NON_HIPERF ? "NON_HIPERF"
                                                                       : "INVALID";
    journal_note(&s->host->journal, "refrsvc: %s(%s) refresher %s client version %u: %s cancel id %ld %s hr 0x%08X",
                 op, what ? what : "(null)", c, (unsigned)version, type, (long)info->m_lCancelId, g, (unsigned)hr);
}

/* The instance tmpl (borrowed, keys set) added for the client refresher
 * `id`; fills info.  lock not held. */
static HRESULT add_instance(struct refrsvc *s, const _WBEM_REFRESHER_ID *id, struct hobject *tmpl,
                            IWbemContext *ctx, enum hp_actor caller, _WBEM_REFRESH_INFO *info)
{
    const struct repo_class *cls = hobject_class(tmpl);
    const struct repo_provider *reg = refresher_provider(s->host, cls);
    if (!reg) {
        /* Not refreshable here: the client fetches it itself; the path is
         * evaluated first so a bad one fails now. */
        char *path = hobject_relpath(tmpl);
        if (!path)
            return WBEM_E_INVALID_OBJECT_PATH;
        struct hobject *o;
        HRESULT hr = host_get_instance(s->host, path, &o);
        free(path);
        if (FAILED(hr))
            return hr;
        hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
        return fill_non_hiperf(s, cls, caller, info);
    }
    struct remoterefr *r;
    HRESULT hr = server_refresher(s, id, &r);
    if (FAILED(hr))
        return hr;
    LONG cancel = 0;
    struct hobject *copy = NULL;
    hr = remoterefr_add_object(r, tmpl, reg, ctx, caller, &cancel, &copy);
    if (SUCCEEDED(hr)) {
        hobj_ref(remoterefr_hobj(r), caller);
        info->m_lType = WBEM_REFRESH_TYPE_REMOTE;
        info->m_Info.m_Remote.m_pRefresher = remoterefr_iface(r);
        info->m_Info.m_Remote.m_pTemplate = hobject_iface(copy);
        info->m_Info.m_Remote.m_Guid = *remoterefr_guid(r);
        info->m_lCancelId = cancel;
    }
    hobj_unref(remoterefr_hobj(r), HP_ACTOR_HOST);
    return hr;
}

static HRESULT add_class(struct refrsvc *s, const _WBEM_REFRESHER_ID *id, const struct repo_class *cls,
                         IWbemContext *ctx, enum hp_actor caller, _WBEM_REFRESH_INFO *info)
{
    const struct repo_provider *reg = refresher_provider(s->host, cls);
    if (!reg)
        return fill_non_hiperf(s, cls, caller, info);
    struct hobject *t = hobject_new_instance(s->host, cls, caller);
    if (!t)
        return WBEM_E_OUT_OF_MEMORY;
    struct remoterefr *r;
    HRESULT hr = server_refresher(s, id, &r);
    LONG cancel = 0;
    if (SUCCEEDED(hr)) {
        hr = remoterefr_add_enum(r, cls, reg, ctx, &cancel);
        if (SUCCEEDED(hr)) {
            hobj_ref(remoterefr_hobj(r), caller);
            info->m_lType = WBEM_REFRESH_TYPE_REMOTE;
            info->m_Info.m_Remote.m_pRefresher = remoterefr_iface(r);
            info->m_Info.m_Remote.m_pTemplate = hobject_iface(t);
            info->m_Info.m_Remote.m_Guid = *remoterefr_guid(r);
            info->m_lCancelId = cancel;
            t = NULL;
        }
        hobj_unref(remoterefr_hobj(r), HP_ACTOR_HOST);
    }
    if (t)
        hobj_unref(hobject_hobj(t), caller);
    return hr;
}

/* A template with the keys of an instance path (borrowed UTF-8). */
static HRESULT template_from_path(struct host *host, const char *path, struct hobject **out)
{
    *out = NULL;
    struct objpath op;
    if (!path || objpath_parse(&op, path))
        return WBEM_E_INVALID_OBJECT_PATH;
    const struct repo_class *cls = repo_class(host->repo, op.cls);
    HRESULT hr = WBEM_S_NO_ERROR;
    if (!cls)
        hr = WBEM_E_INVALID_CLASS;
    else if (!op.singleton && op.nkeys == 0)
        hr = WBEM_E_INVALID_OBJECT_PATH;
    else if (!(*out = hobject_new_instance(host, cls, HP_ACTOR_HOST)))
        hr = WBEM_E_OUT_OF_MEMORY;
    else if (hobject_set_keys(*out, &op)) {
        hobj_unref(hobject_hobj(*out), HP_ACTOR_HOST);
        *out = NULL;
        hr = WBEM_E_INVALID_OBJECT_PATH;
    }
    objpath_free(&op);
    return hr;
}

/* ---- IWbemRefreshingServices ------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE svc_QueryInterface(IWbemRefreshingServices *iface, REFIID riid, void **ppv)
{
    struct refrsvc *s = impl_from_IWbemRefreshingServices(iface);
    return host_query_interface(s->host, &s->hdr, HPM_IWbemRefreshingServices_QueryInterface, iface,
                                &IID_IWbemRefreshingServices, riid, ppv);
}

static ULONG STDMETHODCALLTYPE svc_AddRef(IWbemRefreshingServices *iface)
{
    return hobj_addref(&impl_from_IWbemRefreshingServices(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE svc_Release(IWbemRefreshingServices *iface)
{
    return hobj_release(&impl_from_IWbemRefreshingServices(iface)->hdr);
}

/* The first thing each of the three Add* operations does: its [out]s
 * hold the failure answer (refresh info zero with WBEM_REFRESH_TYPE_INVALID,
 * server version 1) before anything can fail. */
static void add_clear_outs(_WBEM_REFRESH_INFO *pInfo, DWORD *pdwSvrRefrVersion)
{
    if (pInfo)
        info_fail(pInfo);           /* on every failure, an injected one or a dead object's too */
    if (pdwSvrRefrVersion)
        *pdwSvrRefrVersion = 1;
}

/* The last: a failure leaves pInfo as add_clear_outs made it; the call is
 * noted (op, its path or class `text`, owned and freed here) and
 * journaled.  pInfo is not NULL. */
static HRESULT add_finish(struct refrsvc *s, enum hp_method m, enum hp_actor caller, const char *op, char *text,
                          int64_t sid, const _WBEM_REFRESHER_ID *pRefresherId, DWORD dwClientRefrVersion,
                          _WBEM_REFRESH_INFO *pInfo, HRESULT hr)
{
    if (FAILED(hr))
        info_fail(pInfo);
    note_info(s, op, text, pRefresherId, dwClientRefrVersion, pInfo, hr);
    free(text);
    return leave(s, m, caller, sid, dwClientRefrVersion, pInfo->m_lType, 1, hr);
}

static HRESULT STDMETHODCALLTYPE svc_AddObjectToRefresher(IWbemRefreshingServices *iface,
                                                          _WBEM_REFRESHER_ID *pRefresherId, LPCWSTR wszPath,
                                                          LONG lFlags, IWbemContext *pContext,
                                                          DWORD dwClientRefrVersion, _WBEM_REFRESH_INFO *pInfo,
                                                          DWORD *pdwSvrRefrVersion)
{
    struct refrsvc *s = impl_from_IWbemRefreshingServices(iface);
    const enum hp_method m = HPM_IWbemRefreshingServices_AddObjectToRefresher;
    enum hp_actor caller;
    add_clear_outs(pInfo, pdwSvrRefrVersion);
    (void)lFlags;   /* "not used" */
    char *path = wszPath ? hp_utf16_to_utf8(wszPath, (size_t)-1, NULL) : NULL;
    int64_t sid = path ? journal_intern(&s->host->journal, path) : 0;
    HRESULT hr = enter(s, m, &caller, sid, dwClientRefrVersion, pInfo ? pInfo->m_lType : 0, 1);
    if (hr != S_OK) {
        free(path);
        return hr;
    }
    if (!pInfo) {
        free(path);
        return leave(s, m, caller, sid, dwClientRefrVersion, 0, 1, WBEM_E_INVALID_PARAMETER);
    }
    struct hobject *tmpl = NULL;
    if (!access_ok(s->host))
        hr = WBEM_E_ACCESS_DENIED;
    else if (!pRefresherId || !wszPath || !pdwSvrRefrVersion)
        hr = WBEM_E_INVALID_PARAMETER;
    else if (SUCCEEDED(hr = template_from_path(s->host, path, &tmpl)))
        hr = add_instance(s, pRefresherId, tmpl, pContext, caller, pInfo);
    if (tmpl)
        hobj_unref(hobject_hobj(tmpl), HP_ACTOR_HOST);
    return add_finish(s, m, caller, "AddObjectToRefresher", path, sid, pRefresherId, dwClientRefrVersion, pInfo, hr);
}

static HRESULT STDMETHODCALLTYPE svc_AddObjectToRefresherByTemplate(IWbemRefreshingServices *iface,
                                                                    _WBEM_REFRESHER_ID *pRefresherId,
                                                                    IWbemClassObject *pTemplate, LONG lFlags,
                                                                    IWbemContext *pContext,
                                                                    DWORD dwClientRefrVersion,
                                                                    _WBEM_REFRESH_INFO *pInfo,
                                                                    DWORD *pdwSvrRefrVersion)
{
    struct refrsvc *s = impl_from_IWbemRefreshingServices(iface);
    const enum hp_method m = HPM_IWbemRefreshingServices_AddObjectToRefresherByTemplate;
    enum hp_actor caller;
    add_clear_outs(pInfo, pdwSvrRefrVersion);
    /* The template is not looked at before the entry check: refused there,
     * the call journals no path. */
    HRESULT hr = enter(s, m, &caller, 0, dwClientRefrVersion, pInfo ? pInfo->m_lType : 0, 1);
    if (hr != S_OK)
        return hr;
    (void)lFlags;
    struct hobject *t = hobject_from_iface(pTemplate);
    char *path = t ? hobject_relpath(t) : NULL;
    int64_t sid = path ? journal_intern(&s->host->journal, path) : 0;
    if (!pInfo) {
        free(path);
        return leave(s, m, caller, sid, dwClientRefrVersion, 0, 1, WBEM_E_INVALID_PARAMETER);
    }
    struct hobject *tmpl = NULL;
    if (!access_ok(s->host))
        hr = WBEM_E_ACCESS_DENIED;
    else if (!pRefresherId || !pTemplate || !pdwSvrRefrVersion || !t || !hobject_is_instance(t))
        hr = WBEM_E_INVALID_PARAMETER;   /* NULL, or not an instance the host made */
    else if (!(tmpl = hobject_clone(t, HP_ACTOR_HOST)))
        hr = WBEM_E_OUT_OF_MEMORY;
    else
        hr = add_instance(s, pRefresherId, tmpl, pContext, caller, pInfo);
    if (tmpl)
        hobj_unref(hobject_hobj(tmpl), HP_ACTOR_HOST);
    return add_finish(s, m, caller, "AddObjectToRefresherByTemplate", path, sid, pRefresherId, dwClientRefrVersion, pInfo, hr);
}

static HRESULT STDMETHODCALLTYPE svc_AddEnumToRefresher(IWbemRefreshingServices *iface,
                                                        _WBEM_REFRESHER_ID *pRefresherId, LPCWSTR wszClass,
                                                        LONG lFlags, IWbemContext *pContext,
                                                        DWORD dwClientRefrVersion, _WBEM_REFRESH_INFO *pInfo,
                                                        DWORD *pdwSvrRefrVersion)
{
    struct refrsvc *s = impl_from_IWbemRefreshingServices(iface);
    const enum hp_method m = HPM_IWbemRefreshingServices_AddEnumToRefresher;
    enum hp_actor caller;
    add_clear_outs(pInfo, pdwSvrRefrVersion);
    (void)lFlags;
    char *name = wszClass ? hp_utf16_to_utf8(wszClass, (size_t)-1, NULL) : NULL;
    int64_t sid = name ? journal_intern(&s->host->journal, name) : 0;
    HRESULT hr = enter(s, m, &caller, sid, dwClientRefrVersion, pInfo ? pInfo->m_lType : 0, 1);
    if (hr != S_OK) {
        free(name);
        return hr;
    }
    if (!pInfo) {
        free(name);
        return leave(s, m, caller, sid, dwClientRefrVersion, 0, 1, WBEM_E_INVALID_PARAMETER);
    }
    const struct repo_class *cls = NULL;
    if (!access_ok(s->host))
        hr = WBEM_E_ACCESS_DENIED;
    else if (!pRefresherId || !wszClass || !pdwSvrRefrVersion)
        hr = WBEM_E_INVALID_PARAMETER;
    else if (!name || !(cls = repo_class(s->host->repo, name)))
        hr = WBEM_E_INVALID_CLASS;
    else
        hr = add_class(s, pRefresherId, cls, pContext, caller, pInfo);
    return add_finish(s, m, caller, "AddEnumToRefresher", name, sid, pRefresherId, dwClientRefrVersion, pInfo, hr);
}

static HRESULT STDMETHODCALLTYPE svc_RemoveObjectFromRefresher(IWbemRefreshingServices *iface,
                                                               _WBEM_REFRESHER_ID *pRefresherId, LONG lId,
                                                               LONG lFlags, DWORD dwClientRefrVersion,
                                                               DWORD *pdwSvrRefrVersion)
{
    struct refrsvc *s = impl_from_IWbemRefreshingServices(iface);
    const enum hp_method m = HPM_IWbemRefreshingServices_RemoveObjectFromRefresher;
    enum hp_actor caller;
    if (pdwSvrRefrVersion)
        *pdwSvrRefrVersion = 1;     /* 1 on every path (3.1.4.12), a failed entry's too */
    HRESULT hr = enter(s, m, &caller, lId, dwClientRefrVersion, 0, 0);
    if (hr != S_OK)
        return hr;
    (void)lFlags;
    if (!access_ok(s->host))
        hr = WBEM_E_ACCESS_DENIED;
    else if (!pRefresherId || !pdwSvrRefrVersion)
        hr = WBEM_E_INVALID_PARAMETER;
    else
        hr = WBEM_E_NOT_AVAILABLE;   /* 3.1.4.12.4: removal is IWbemRemoteRefresher::StopRefreshing's */
    return leave(s, m, caller, lId, dwClientRefrVersion, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE svc_GetRemoteRefresher(IWbemRefreshingServices *iface,
                                                        _WBEM_REFRESHER_ID *pRefresherId, LONG lFlags,
                                                        DWORD dwClientRefrVersion,
                                                        IWbemRemoteRefresher **ppRemRefresher, GUID *pGuid,
                                                        DWORD *pdwSvrRefrVersion)
{
    struct refrsvc *s = impl_from_IWbemRefreshingServices(iface);
    const enum hp_method m = HPM_IWbemRefreshingServices_GetRemoteRefresher;
    enum hp_actor caller;
    if (pdwSvrRefrVersion)
        *pdwSvrRefrVersion = 1;
    if (ppRemRefresher)
        *ppRemRefresher = NULL;     /* on every failure, an injected one or a dead object's too */
    if (pGuid)
        memset(pGuid, 0, sizeof *pGuid);
    HRESULT hr = enter(s, m, &caller, 0, dwClientRefrVersion, 0, 0);
    if (hr != S_OK)
        return hr;
    (void)lFlags;
    struct remoterefr *r = NULL;
    if (!access_ok(s->host))
        hr = WBEM_E_ACCESS_DENIED;
    else if (!pRefresherId || !ppRemRefresher || !pGuid || !pdwSvrRefrVersion)
        hr = WBEM_E_INVALID_PARAMETER;
    else if (SUCCEEDED(hr = server_refresher(s, pRefresherId, &r))) {
        hobj_ref(remoterefr_hobj(r), caller);
        *ppRemRefresher = remoterefr_iface(r);
        *pGuid = *remoterefr_guid(r);
        char g[40];
        guid_text(pGuid, g);
        journal_note(&s->host->journal, "refrsvc: GetRemoteRefresher: server refresher #%llu %s",
                     (unsigned long long)remoterefr_hobj(r)->id, g);
        hobj_unref(remoterefr_hobj(r), HP_ACTOR_HOST);
    }
    return leave(s, m, caller, r ? (int64_t)remoterefr_hobj(r)->id : 0, dwClientRefrVersion, 0, 0, hr);
}

/* One item of ReconnectRemoteRefresher; r is the server refresher. */
static HRESULT reconnect_item(struct refrsvc *s, struct remoterefr *r, const _WBEM_RECONNECT_INFO *in,
                              LONG *id)
{
    *id = 0;
    if (!in->m_pwcsPath || (in->m_lType != WBEM_RECONNECT_TYPE_OBJECT && in->m_lType != WBEM_RECONNECT_TYPE_ENUM))
        return WBEM_E_INVALID_PARAMETER;   /* _LAST is a range marker clients must not send */
    char *text = hp_utf16_to_utf8(in->m_pwcsPath, (size_t)-1, NULL);
    if (!text)
        return WBEM_E_INVALID_PARAMETER;
    HRESULT hr;
    if (in->m_lType == WBEM_RECONNECT_TYPE_ENUM) {
        const struct repo_class *cls = repo_class(s->host->repo, text);
        const struct repo_provider *reg = cls ? refresher_provider(s->host, cls) : NULL;
        hr = !cls ? WBEM_E_INVALID_CLASS : !reg ? WBEM_E_PROVIDER_NOT_CAPABLE
                                                : remoterefr_add_enum(r, cls, reg, NULL, id);
    } else {
        struct hobject *tmpl;
        hr = template_from_path(s->host, text, &tmpl);
        if (SUCCEEDED(hr)) {
            const struct repo_provider *reg = refresher_provider(s->host, hobject_class(tmpl));
            hr = reg ? remoterefr_add_object(r, tmpl, reg, NULL, HP_ACTOR_HOST, id, NULL)
                     : WBEM_E_PROVIDER_NOT_CAPABLE;
            hobj_unref(hobject_hobj(tmpl), HP_ACTOR_HOST);
        }
    }
    journal_note(&s->host->journal, "refrsvc: ReconnectRemoteRefresher: %s %s -> id %ld hr 0x%08X",
                 in->m_lType == WBEM_RECONNECT_TYPE_ENUM ? "enum" : "object", text, (long)*id, (unsigned)hr);
    free(text);
    return hr;
}

static HRESULT STDMETHODCALLTYPE svc_ReconnectRemoteRefresher(IWbemRefreshingServices *iface,
                                                              _WBEM_REFRESHER_ID *pRefresherId, LONG lFlags,
                                                              LONG lNumObjects, DWORD dwClientRefrVersion,
                                                              _WBEM_RECONNECT_INFO *apReconnectInfo,
                                                              _WBEM_RECONNECT_RESULTS *apReconnectResults,
                                                              DWORD *pdwSvrRefrVersion)
{
    struct refrsvc *s = impl_from_IWbemRefreshingServices(iface);
    const enum hp_method m = HPM_IWbemRefreshingServices_ReconnectRemoteRefresher;
    enum hp_actor caller;
    if (pdwSvrRefrVersion)
        *pdwSvrRefrVersion = 1;     /* 1 on every path (3.1.4.12), a failed entry's too */
    HRESULT hr = enter(s, m, &caller, lNumObjects, dwClientRefrVersion, 0, 0);
    if (hr != S_OK)
        return hr;
    (void)lFlags;
    int64_t failed = 0;
    struct remoterefr *r = NULL;
    if (!access_ok(s->host))
        hr = WBEM_E_ACCESS_DENIED;
    else if (!pRefresherId || lNumObjects <= 0 || !apReconnectInfo || !apReconnectResults || !pdwSvrRefrVersion)
        hr = WBEM_E_INVALID_PARAMETER;
    else
        hr = server_refresher(s, pRefresherId, &r);
    if (r) {
        for (LONG i = 0; i < lNumObjects; i++) {
            apReconnectResults[i].m_hr = reconnect_item(s, r, &apReconnectInfo[i], &apReconnectResults[i].m_lId);
            if (FAILED(apReconnectResults[i].m_hr))
                failed++;
        }
        hobj_unref(remoterefr_hobj(r), HP_ACTOR_HOST);
    }
    return leave(s, m, caller, lNumObjects, dwClientRefrVersion, failed, 0, hr);
}

static const IWbemRefreshingServicesVtbl refrsvc_vtbl = {
    svc_QueryInterface,
    svc_AddRef,
    svc_Release,
    svc_AddObjectToRefresher,
    svc_AddObjectToRefresherByTemplate,
    svc_AddEnumToRefresher,
    svc_RemoveObjectFromRefresher,
    svc_GetRemoteRefresher,
    svc_ReconnectRemoteRefresher,
};

/* ---- Life cycle and the harness's API ---------------------------------------------- */

static void svc_on_dead(struct hobj *h)
{
    drop_all(impl_from_hobj(h), false);
}

static void svc_free(struct hobj *h)
{
    struct refrsvc *s = impl_from_hobj(h);
    free(s->refrs);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const struct hobj_ops refrsvc_ops = {"IWbemRefreshingServices", svc_on_dead, svc_free, NULL};

int refrsvc_new(struct refrsvc **out, struct host *host, enum hp_actor holder)
{
    *out = NULL;
    struct refrsvc *s = calloc(1, sizeof *s);
    if (!s)
        return hp_error_set(HP_ENOMEM, "out of memory");
    s->IWbemRefreshingServices_iface.lpVtbl = &refrsvc_vtbl;
    s->host = host;
    pthread_mutex_init(&s->lock, NULL);
    hobj_init(&s->hdr, &host->ledger, &refrsvc_ops, holder);
    *out = s;
    return 0;
}

IWbemRefreshingServices *refrsvc_iface(struct refrsvc *s)
{
    return &s->IWbemRefreshingServices_iface;
}

struct hobj *refrsvc_hobj(struct refrsvc *s)
{
    return &s->hdr;
}

IWbemRefreshingServices *host_refreshing_services(struct host *host)
{
    struct refrsvc *s = host_refrsvc(host);
    return s ? &s->IWbemRefreshingServices_iface : NULL;
}

void refrsvc_server_restart(struct host *host)
{
    struct refrsvc *s = host_refrsvc(host);
    if (s)
        drop_all(s, true);
}

void refrsvc_shutdown(struct host *host)
{
    struct refrsvc *s = host_refrsvc(host);
    if (s)
        drop_all(s, false);
}

size_t refrsvc_server_refresher_count(struct host *host)
{
    struct refrsvc *s = host_refrsvc(host);
    if (!s)
        return 0;
    pthread_mutex_lock(&s->lock);
    size_t n = s->nrefrs;
    pthread_mutex_unlock(&s->lock);
    return n;
}
