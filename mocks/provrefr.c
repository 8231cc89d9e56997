/*
 * mocks/provrefr.c - driving one provider refresher (see provrefr.h).
 * Invariant: every provider interface pointer in a struct provrefr is one
 * reference of the host's, taken here and released only by
 * provrefr_close; every object the provider hands back is either owned by
 * the HOST actor when this returns or released again.
 */
#include "provrefr.h"

#include <stdlib.h>
#include <string.h>

#include "hiperfenum.h"
#include "namespace.h"
#include "object.h"

WCHAR *provrefr_wname(const char *name)
{
    return hp_utf8_to_utf16(name, (size_t)-1, NULL);
}

bool provrefr_is_connection_error(HRESULT hr)
{
    return hr == RPC_E_DISCONNECTED || hr == WBEM_E_TRANSPORT_FAILURE || hr == CO_E_OBJNOTCONNECTED;
}

HRESULT provrefr_open(struct provrefr *pr, struct host *host, const struct repo_provider *reg,
                      enum hostprov_kind kind)
{
    memset(pr, 0, sizeof *pr);
    struct hostprov *p;
    if (host_load_provider(host, reg, kind, host->provider_wait_ms, &p)) {
        journal_note(&host->journal, "refresher: provider '%s' cannot be loaded: %s", reg->name,
                     hp_error_message());
        return WBEM_E_PROVIDER_LOAD_FAILURE;
    }
    if (!p->hiperf)
        return WBEM_E_PROVIDER_NOT_CAPABLE;
    IWbemServices *ns = host_namespace(host);
    if (!ns)
        return WBEM_E_OUT_OF_MEMORY;
    host_provider_addref(host, (IUnknown *)p->hiperf, HPM_IWbemHiPerfProvider_AddRef);
    IWbemRefresher *refr = NULL;
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefresher, p->hiperf, 0, 0, 0, 0,
                                    IWbemHiPerfProvider_CreateRefresher(p->hiperf, ns, 0, &refr));
    if (SUCCEEDED(hr) && !refr) {
        journal_note(&host->journal, "refresher: provider '%s': CreateRefresher succeeded with no refresher",
                     reg->name);
        hr = WBEM_E_FAILED;
    }
    if (FAILED(hr)) {
        if (refr)
            host_provider_release(host, (IUnknown *)refr, HPM_IWbemRefresher_Release);
        host_provider_release(host, (IUnknown *)p->hiperf, HPM_IWbemHiPerfProvider_Release);
        return hr;
    }
    pr->reg = reg;
    pr->kind = kind;
    pr->hiperf = p->hiperf;
    pr->refr = refr;
    return hr;
}

void provrefr_close(struct provrefr *pr, struct host *host)
{
    if (pr->refr)
        host_provider_release(host, (IUnknown *)pr->refr, HPM_IWbemRefresher_Release);
    if (pr->hiperf)
        host_provider_release(host, (IUnknown *)pr->hiperf, HPM_IWbemHiPerfProvider_Release);
    pr->refr = NULL;
    pr->hiperf = NULL;
}

bool provrefr_host_has_provider(const struct provrefr *pr, struct host *host)
{
    for (size_t i = 0; i < host->nproviders; i++) {
        const struct hostprov *p = host->providers[i];
        if (p->reg == pr->reg && p->kind == pr->kind)
            return p->hiperf == pr->hiperf;
    }
    return false;
}

HRESULT provrefr_add_object(struct provrefr *pr, struct host *host, struct hobject *tmpl, IWbemContext *ctx,
                            struct hobject **pobj, LONG *pid)
{
    *pobj = NULL;
    *pid = 0;
    IWbemServices *ns = host_namespace(host);
    char *path = hobject_relpath(tmpl);
    int64_t sid = journal_intern(&host->journal, path ? path : hobject_class(tmpl)->name);
    free(path);
    IWbemObjectAccess *out = NULL;
    LONG id = 0;
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefreshableObject, pr->hiperf, sid, 0, 0, 1,
                                    IWbemHiPerfProvider_CreateRefreshableObject(pr->hiperf, ns, hobject_access(tmpl),
                                                                                pr->refr, 0, ctx, &out, &id));
    if (FAILED(hr)) {
        /* COM: an [out] pointer is meaningless after a failure, and the
         * caller must not release it. */
        if (out)
            journal_note(&host->journal,
                         "refresher: provider '%s': CreateRefreshableObject failed but left *ppRefreshable "
                         "non-NULL (ignored)",
                         pr->reg->name);
        return hr;
    }
    struct hobject *o = hobject_from_iface(out);
    if (!o || !hobject_is_instance(o)) {
        if (out) {
            ledger_report(&host->ledger, LEDGER_FOREIGN_OBJECT, HP_ACTOR_PROVIDER, 0, 1,
                          HPM_IWbemHiPerfProvider_CreateRefreshableObject,
                          "provider '%s': CreateRefreshableObject returned %p, which is not an instance the "
                          "host made",
                          pr->reg->name, (void *)out);
            if (o) {
                hobj_transfer(hobject_hobj(o), HP_ACTOR_PROVIDER, HP_ACTOR_HOST,
                              HPM_IWbemHiPerfProvider_CreateRefreshableObject);
                hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
            } else {
                host_provider_release(host, (IUnknown *)out, HPM_IUnknown_Release);
            }
        } else {
            journal_note(&host->journal,
                         "refresher: provider '%s': CreateRefreshableObject succeeded with no object",
                         pr->reg->name);
        }
        provrefr_stop(pr, host, id, 0);
        return WBEM_E_FAILED;
    }
    hobj_transfer(hobject_hobj(o), HP_ACTOR_PROVIDER, HP_ACTOR_HOST, HPM_IWbemHiPerfProvider_CreateRefreshableObject);
    *pobj = o;
    *pid = id;
    return hr;
}

HRESULT provrefr_add_enum(struct provrefr *pr, struct host *host, const struct repo_class *cls,
                          IWbemContext *ctx, struct hpenum **penum, LONG *pid)
{
    *penum = NULL;
    *pid = 0;
    struct hpenum *e;
    WCHAR *wname = provrefr_wname(cls->name);
    if (!wname || hpenum_new(&e, host, HP_ACTOR_HOST, cls->name)) {
        free(wname);
        return WBEM_E_OUT_OF_MEMORY;
    }
    IWbemServices *ns = host_namespace(host);
    LONG id = 0;
    hpenum_window_open(e);
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefreshableEnum, pr->hiperf,
                                    journal_intern(&host->journal, cls->name), (int64_t)hpenum_hobj(e)->id, 0, 1,
                                    IWbemHiPerfProvider_CreateRefreshableEnum(pr->hiperf, ns, wname, pr->refr, 0,
                                                                              ctx, hpenum_iface(e), &id));
    hpenum_window_close(e);
    free(wname);
    if (FAILED(hr)) {
        hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
        return hr;
    }
    *penum = e;
    *pid = id;
    return hr;
}

HRESULT provrefr_stop(struct provrefr *pr, struct host *host, LONG pid, LONG flags)
{
    return HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_StopRefreshing, pr->hiperf, pid, flags, 0, 0,
                              IWbemHiPerfProvider_StopRefreshing(pr->hiperf, pr->refr, pid, flags));
}

HRESULT provrefr_refresh(struct provrefr *pr, struct host *host, LONG flags, struct hpenum *const *enums,
                         size_t n)
{
    for (size_t i = 0; i < n; i++)
        hpenum_window_open(enums[i]);
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemRefresher_Refresh, pr->refr, flags, (int64_t)n, 0, 0,
                                    IWbemRefresher_Refresh(pr->refr, flags));
    for (size_t i = 0; i < n; i++)
        hpenum_window_close(enums[i]);
    return hr;
}
