/*
 * mocks/clientrefr.h - the client refresher, what CLSID_WbemRefresher is
 * on Windows: one object answering IWbemRefresher and
 * IWbemConfigureRefresher (one identity: IUnknown is the IWbemRefresher
 * pointer), that a client configures with AddObjectByPath,
 * AddObjectByTemplate, AddEnum, AddRefresher and Remove and refreshes with
 * Refresh.  docs/refresher-protocol.md describes the whole path; the rules
 * it keeps, and the choices made where Windows documents nothing (marked
 * "chosen"):
 *
 *  - Hi-perf classes (a provider registered refresher-capable,
 *    repo_provider_is_hiperf, that answers IWbemHiPerfProvider): the
 *    provider is loaded by ClientLoadableCLSID (HOSTPROV_IN_CLIENT) or by
 *    CLSID inside WMI (HOSTPROV_IN_WMI), as chosen at creation.  One
 *    provider refresher (IWbemHiPerfProvider::CreateRefresher) per client
 *    refresher and provider; objects through CreateRefreshableObject,
 *    enumerators through CreateRefreshableEnum with a host IWbemHiPerfEnum
 *    whose "may modify" window is open only around CreateRefreshableEnum
 *    and the provider's Refresh.
 *  - Other classes are refreshed the way WMI does it: on every Refresh the
 *    instance is fetched again through the provider's IWbemServices
 *    (GetObjectAsync; CreateInstanceEnumAsync for an enumerator).
 *  - The client gets its OWN objects and enumerators (holder: the calling
 *    actor), never the provider's: after each Refresh their values are
 *    copied from the provider-side ones (hobject_copy_values), and a client
 *    enumerator is made to hold one copy per provider-side member, matched
 *    by key (new ones added, gone ones removed, the rest updated in place,
 *    so an instance that stays is the same client object).  Those changes
 *    are the host's own (hpenum_host_add/remove), not IWbemHiPerfEnum calls:
 *    no fault rule or journal record of that interface is about them.  The provider
 *    never sees the client's objects; the client may read them between
 *    Refresh calls.  Chosen: the copy does not take IWbemObjectAccess::Lock
 *    of the client object (the documented client rule is not to touch the
 *    objects during a Refresh).
 *  - Ids are the client refresher's own (1, 2, ... never reused), mapped to
 *    (provider refresher, provider id).
 *  - Remove(lId, lFlags): lFlags WBEM_FLAG_REFRESH_AUTO_RECONNECT or
 *    _NO_AUTO_RECONNECT, else WBEM_E_INVALID_PARAMETER; an unknown id
 *    gives WBEM_E_NOT_FOUND (chosen).  A hi-perf item is stopped with the
 *    provider's StopRefreshing (lFlags passed on); the client's entry is
 *    dropped whatever the provider answers (its answer is in the journal).
 *  - Add*: lFlags 0 or WBEM_FLAG_USE_AMENDED_QUALIFIERS, else
 *    WBEM_E_INVALID_PARAMETER (the provider always gets 0); pNamespace must
 *    be the host's namespace, the [out] object/enum pointer non-NULL; plId
 *    may be NULL (chosen: the item is then removed with the refresher).
 *    Bad path WBEM_E_INVALID_OBJECT_PATH, unknown class WBEM_E_INVALID_CLASS,
 *    provider that cannot be loaded WBEM_E_PROVIDER_LOAD_FAILURE, otherwise
 *    the provider's own error.
 *  - AddRefresher: another client refresher of this host only (anything
 *    else WBEM_E_INVALID_PARAMETER), lFlags 0; adding a refresher that is,
 *    or transitively contains, this one is WBEM_E_INVALID_PARAMETER
 *    (chosen).  The nested refresher is refreshed inside the outer Refresh.
 *  - Refresh(lFlags): WBEM_FLAG_REFRESH_AUTO_RECONNECT (0) or
 *    _NO_AUTO_RECONNECT (1), else WBEM_E_INVALID_PARAMETER.  When a
 *    provider refresher's Refresh fails with a connection error
 *    (RPC_E_DISCONNECTED, WBEM_E_TRANSPORT_FAILURE, CO_E_OBJNOTCONNECTED)
 *    - or, for HOSTPROV_IN_WMI, when the host no longer has that provider
 *    loaded (host_unload_providers: the provider's host process went away)
 *    - AUTO_RECONNECT recreates the provider refresher, re-adds its items
 *    (same client ids, same client objects) and refreshes again;
 *    NO_AUTO_RECONNECT returns the error.  Every provider refresher is
 *    refreshed even when one fails; the result is the first failure,
 *    WBEM_S_PARTIAL_RESULTS when an item could not be re-added (it is
 *    retried at the next Refresh and keeps its last values), else
 *    WBEM_S_NO_ERROR.
 *  - Release: the last Release releases the provider refreshers (the
 *    provider cleans up what they held), the nested refreshers and the
 *    provider-side objects and enumerators.  The client's objects and
 *    enumerators stay valid as long as the client holds them.
 *
 * Journal: each method call is one record (host_leave) with the caller's
 * actor, a call refused at its entry (dead refresher, injected fault) too;
 * every call into the provider is journaled by HOST_CALL_PROVIDER with the
 * HOST as the caller; reconnects, nested refreshes and lost connections
 * are notes starting with "clientrefr #<id>:".
 *
 * Thread safety: every method may be called from any thread; one mutex per
 * refresher is held for the whole of each method, provider calls included
 * (so a Remove waits for a Refresh in progress).  Nested refreshers are
 * locked outer before inner; AddRefresher's cycle check cannot deadlock
 * with a Refresh.
 */
#ifndef HIPERF_MOCKS_CLIENTREFR_H
#define HIPERF_MOCKS_CLIENTREFR_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "loader.h"

struct clientrefr;

/* Creates a client refresher with one reference held by `holder` (the
 * client side of a scenario: HP_ACTOR_CLIENT), loading hi-perf providers
 * as `load_kind` says.  The reference is released through either
 * interface's Release (by that actor) or hobj_unref(clientrefr_hobj(r),
 * holder).  0, or HP_ENOMEM (fault-injectable as HPM_HOST_ALLOC). */
int clientrefr_new(struct clientrefr **out, struct host *host, enum hp_actor holder,
                   enum hostprov_kind load_kind);

/* The interfaces (borrowed: no reference added) and the ledger header. */
IWbemRefresher *clientrefr_refresher(struct clientrefr *r);
IWbemConfigureRefresher *clientrefr_configure(struct clientrefr *r);
struct hobj *clientrefr_hobj(struct clientrefr *r);

/* The refresher behind either interface pointer, or NULL if `iface` is not
 * a client refresher of this module (only its vtable pointer is read). */
struct clientrefr *clientrefr_from_iface(const void *iface);

struct clientrefr_stats {
    size_t items;              /* every id held */
    size_t objects;            /* hi-perf objects */
    size_t enums;              /* hi-perf enumerators */
    size_t nonhiperf;          /* objects and enumerators fetched through IWbemServices */
    size_t nested;             /* refreshers added with AddRefresher */
    size_t provider_refreshers;
    size_t detached;           /* hi-perf items with no provider entry now (lost, to be re-added) */
    uint64_t refreshes;        /* Refresh calls that got past the flag check */
    uint64_t reconnects;       /* provider refreshers recreated */
};

void clientrefr_get_stats(struct clientrefr *r, struct clientrefr_stats *out);

#endif
