/*
 * mocks/refrsvc.h - the server side of the [MS-WMI] remote refresher
 * protocol: IWbemRefreshingServices (3.1.4.12, one per host, reached by
 * QueryInterface on the host's IWbemServices) and the IWbemRemoteRefresher
 * of each server refresher (3.1.4.13, remoterefr.c).
 *
 * Rules kept (research/abi-facts.md 7.2/7.3, seed 003; "chosen" where the
 * specification is silent; docs/refresher-protocol.md has the whole list):
 *  - Every operation: a NULL pdwSvrRefrVersion is WBEM_E_INVALID_PARAMETER
 *    (chosen: an [out] reference pointer that RPC cannot deliver as NULL);
 *    otherwise *pdwSvrRefrVersion = 1 on success and on failure; every
 *    dwClientRefrVersion is accepted (and journaled); lFlags is not used.
 *  - Access: the namespace's rights (host->namespace_rights) must hold
 *    WBEM_ENABLE and WBEM_REMOTE_ENABLE, else WBEM_E_ACCESS_DENIED; checked
 *    first, before any other argument but pInfo (chosen: for all six
 *    operations).
 *  - AddObjectToRefresher / ByTemplate / AddEnumToRefresher: pInfo NULL is
 *    WBEM_E_INVALID_PARAMETER with nothing written; pRefresherId, wszPath,
 *    pTemplate, wszClass NULL is WBEM_E_INVALID_PARAMETER.  On any failure
 *    *pInfo is all zero, m_lType WBEM_REFRESH_TYPE_INVALID, and the error
 *    is returned.  The provider is located through the registration: a
 *    registered refresher-capable provider gives WBEM_REFRESH_TYPE_REMOTE
 *    (m_pRefresher: the server refresher's IWbemRemoteRefresher, a
 *    reference for the caller; m_pTemplate: a copy of the refreshable
 *    object (keys and first values) or, for an enum, an instance with the
 *    class defaults, a reference for the caller; m_Guid: the server
 *    refresher's GUID; m_lCancelId: unique within the server refresher, for
 *    IWbemRemoteRefresher::StopRefreshing); anything else gives
 *    WBEM_REFRESH_TYPE_NON_HIPERF (m_wszNamespace from CoTaskMemAlloc,
 *    freed by the caller; m_pTemplate an instance with the class defaults;
 *    m_lCancelId 0) once the path was evaluated (the instance fetched).
 *  - RemoveObjectFromRefresher: WBEM_E_NOT_AVAILABLE, nothing removed.
 *  - GetRemoteRefresher: the server refresher of pRefresherId's GUID
 *    (created empty if there is none) and its GUID.
 *  - ReconnectRemoteRefresher: lNumObjects <= 0 or a NULL array is
 *    WBEM_E_INVALID_PARAMETER; each item is re-added (OBJECT: a path, ENUM:
 *    a class) to the server refresher of pRefresherId and gets
 *    {cancel id, HRESULT}; WBEM_RECONNECT_TYPE_LAST or another type gives
 *    that item WBEM_E_INVALID_PARAMETER, a class whose provider is not
 *    refresher-capable WBEM_E_PROVIDER_NOT_CAPABLE (chosen).  The call
 *    returns WBEM_S_NO_ERROR once the items were processed (chosen).
 *  - Server refreshers are keyed by _WBEM_REFRESHER_ID.m_guidRefresherId
 *    (chosen: the machine name and process id are journaled, not matched).
 *    refrsvc_server_restart() simulates a restart of the server: every
 *    server refresher is disconnected (its IWbemRemoteRefresher methods
 *    then return RPC_E_DISCONNECTED, what a DCOM proxy reports when its
 *    server is gone) and new ones get new GUIDs.
 *
 * Ownership: the refreshing services object belongs to the namespace
 * (host_refrsvc); each server refresher is held by the services' table
 * (HOST) until a restart or refrsvc_shutdown, and by every client holding
 * its interface.  Provider refreshers and provider-side objects are held
 * by their server refresher (HOST) and released by the restart/shutdown.
 */
#ifndef HIPERF_MOCKS_REFRSVC_H
#define HIPERF_MOCKS_REFRSVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

struct refrsvc;
struct remoterefr;

/* Creates the refreshing services with one reference held by `holder`
 * (dropped with hobj_unref(refrsvc_hobj(s), holder)).  namespace.c does
 * this once per host (host_refrsvc); nobody else needs to.  0 or
 * HP_ENOMEM. */
int refrsvc_new(struct refrsvc **out, struct host *host, enum hp_actor holder);

/* The interface (borrowed: no reference added) and the ledger header. */
IWbemRefreshingServices *refrsvc_iface(struct refrsvc *s);
struct hobj *refrsvc_hobj(struct refrsvc *s);

/* The host's IWbemRefreshingServices (borrowed; created on first use and
 * kept until host_free), the same object QueryInterface on the namespace
 * gives.  NULL on ENOMEM. */
IWbemRefreshingServices *host_refreshing_services(struct host *host);

/* Simulates a restart of the WMI server: every server refresher is
 * disconnected and dropped (its provider refreshers released, so the
 * provider cleans up), and server refreshers made afterwards get new
 * GUIDs.  Interface pointers clients still hold stay valid as COM objects
 * but answer RPC_E_DISCONNECTED. */
void refrsvc_server_restart(struct host *host);

/* The same without the new epoch: for the end of a run, before
 * host_unload_providers, so no provider object is still held. */
void refrsvc_shutdown(struct host *host);

/* Server refreshers alive now (not disconnected). */
size_t refrsvc_server_refresher_count(struct host *host);

/* The server refresher behind an IWbemRemoteRefresher pointer, or NULL if
 * it is not one of ours (borrowed). */
struct remoterefr *remoterefr_from_iface(const void *iface);
/* Whether it is still connected (no restart since it was made). */
bool remoterefr_connected(struct remoterefr *r);
/* Items (objects and enumerators) it refreshes now. */
size_t remoterefr_item_count(struct remoterefr *r);

#endif
