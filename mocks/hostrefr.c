/*
 * mocks/hostrefr.c - the host's own IWbemRefresher (see hostrefr.h).
 * Invariant: a host COM object like every other: ledger-counted, journaled.
 */
#include "hostrefr.h"

#include <stdlib.h>

struct hostrefr {
    IWbemRefresher IWbemRefresher_iface;
    struct hobj hdr;
    struct host *host;
};

static struct hostrefr *impl_from_IWbemRefresher(IWbemRefresher *iface)
{
    return (struct hostrefr *)((char *)iface - offsetof(struct hostrefr, IWbemRefresher_iface));
}

static void hostrefr_free(struct hobj *h)
{
    free((char *)h - offsetof(struct hostrefr, hdr));
}

static const struct hobj_ops hostrefr_ops = {"IWbemRefresher (host's)", NULL, hostrefr_free, NULL};

static HRESULT STDMETHODCALLTYPE hr_QueryInterface(IWbemRefresher *iface, REFIID riid, void **ppv)
{
    struct hostrefr *r = impl_from_IWbemRefresher(iface);
    return host_query_interface(r->host, &r->hdr, HPM_IWbemRefresher_QueryInterface, iface, &IID_IWbemRefresher,
                                riid, ppv);
}

static ULONG STDMETHODCALLTYPE hr_AddRef(IWbemRefresher *iface)
{
    return hobj_addref(&impl_from_IWbemRefresher(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE hr_Release(IWbemRefresher *iface)
{
    return hobj_release(&impl_from_IWbemRefresher(iface)->hdr);
}

static HRESULT STDMETHODCALLTYPE hr_Refresh(IWbemRefresher *iface, LONG lFlags)
{
    struct hostrefr *r = impl_from_IWbemRefresher(iface);
    /* Nothing to refresh: the entry's S_OK is WBEM_S_NO_ERROR; a refused
     * entry is journaled the same way. */
    HRESULT hr = host_enter(r->host, &r->hdr, HPM_IWbemRefresher_Refresh);
    return host_leave(r->host, &r->hdr, HPM_IWbemRefresher_Refresh, lFlags, 0, 0, 0, hr);
}

static const IWbemRefresherVtbl hostrefr_vtbl = {hr_QueryInterface, hr_AddRef, hr_Release, hr_Refresh};

int hostrefr_new(struct hostrefr **out, struct host *host, enum hp_actor holder)
{
    struct hostrefr *r = host_calloc(host, 1, sizeof *r);
    *out = NULL;
    if (!r)
        return hp_error_set(HP_ENOMEM, "out of memory");
    r->IWbemRefresher_iface.lpVtbl = &hostrefr_vtbl;
    r->host = host;
    hobj_init(&r->hdr, &host->ledger, &hostrefr_ops, holder);
    *out = r;
    return 0;
}

IWbemRefresher *hostrefr_iface(struct hostrefr *r)
{
    return &r->IWbemRefresher_iface;
}

struct hobj *hostrefr_hobj(struct hostrefr *r)
{
    return &r->hdr;
}
