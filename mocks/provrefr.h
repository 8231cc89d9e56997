/*
 * mocks/provrefr.h - one provider refresher as WMI drives it: the host's
 * side of IWbemHiPerfProvider::CreateRefresher, CreateRefreshableObject,
 * CreateRefreshableEnum, StopRefreshing and IWbemRefresher::Refresh.
 * The client refresher (clientrefr.c) and the server refreshers of the
 * remote protocol (remoterefr.c) both drive providers through these
 * functions, so a provider sees the same calls whichever path a client
 * takes.
 *
 * Rules kept:
 *  - The provider always gets lFlags 0 where the documentation says "must
 *    be 0" (CreateRefresher, CreateRefreshableObject/Enum), the host's
 *    namespace, and the caller's context as it came (NULL allowed).
 *  - An [out] object the provider returns is checked to be a live host
 *    instance; its reference moves from PROVIDER to HOST
 *    (hobj_transfer).  A foreign pointer is a LEDGER_FOREIGN_OBJECT
 *    finding, released through its own vtable, the entry stopped, and the
 *    add fails with WBEM_E_FAILED; success with a NULL object or refresher
 *    is WBEM_E_FAILED too (journal note).
 *  - The "may modify" window of a provider-side enumerator is open only
 *    around CreateRefreshableEnum and Refresh.
 *
 * Ownership: struct provrefr is the caller's; the interface pointers in it
 * are the host's own references, released by provrefr_close.
 * Not thread-safe by itself: the owner serializes calls on one provrefr.
 */
#ifndef HIPERF_MOCKS_PROVREFR_H
#define HIPERF_MOCKS_PROVREFR_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"
#include "loader.h"

struct hobject;
struct hpenum;

struct provrefr {
    const struct repo_provider *reg;   /* borrowed from the repository */
    enum hostprov_kind kind;
    IWbemHiPerfProvider *hiperf;       /* the host's own reference; NULL when closed */
    IWbemRefresher *refr;              /* the host's reference from CreateRefresher */
};

/* Loads the provider of `reg` as `kind` (if the host has not yet) and
 * creates a provider refresher.  WBEM_E_PROVIDER_LOAD_FAILURE (the
 * loader's message in the journal), WBEM_E_PROVIDER_NOT_CAPABLE (no
 * IWbemHiPerfProvider), or what CreateRefresher returned; *pr is zeroed
 * on failure. */
HRESULT provrefr_open(struct provrefr *pr, struct host *host, const struct repo_provider *reg,
                      enum hostprov_kind kind);

/* Releases the refresher and the provider reference; the provider then
 * cleans up everything the refresher held.  Safe on a zeroed or closed
 * provrefr. */
void provrefr_close(struct provrefr *pr, struct host *host);

/* CreateRefreshableObject with tmpl (borrowed host instance, keys set).
 * *pobj: the refreshable object with one HOST reference (owned:
 * hobj_unref(hobject_hobj(*pobj), HP_ACTOR_HOST)); *pid: the provider's id. */
HRESULT provrefr_add_object(struct provrefr *pr, struct host *host, struct hobject *tmpl, IWbemContext *ctx,
                            struct hobject **pobj, LONG *pid);

/* A new host enumerator (one HOST reference, owned: *penum) handed to
 * CreateRefreshableEnum for cls. */
HRESULT provrefr_add_enum(struct provrefr *pr, struct host *host, const struct repo_class *cls,
                          IWbemContext *ctx, struct hpenum **penum, LONG *pid);

/* StopRefreshing(refresher, pid, flags). */
HRESULT provrefr_stop(struct provrefr *pr, struct host *host, LONG pid, LONG flags);

/* IWbemRefresher::Refresh(flags) with the windows of enums[0..n)
 * (borrowed) open around it. */
HRESULT provrefr_refresh(struct provrefr *pr, struct host *host, LONG flags, struct hpenum *const *enums,
                         size_t n);

/* Whether the host still has, loaded as pr->kind, the very provider object
 * this refresher came from (false after host_unload_providers, or after a
 * reload made a new one). */
bool provrefr_host_has_provider(const struct provrefr *pr, struct host *host);

/* RPC_E_DISCONNECTED, WBEM_E_TRANSPORT_FAILURE, CO_E_OBJNOTCONNECTED: the
 * errors after which WMI reconnects. */
bool provrefr_is_connection_error(HRESULT hr);

/* The UTF-16 name of a class, owned (free()); NULL on ENOMEM. */
WCHAR *provrefr_wname(const char *name);

#endif
