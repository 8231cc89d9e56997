/*
 * mocks/refrsvc_private.h - what refrsvc.c (IWbemRefreshingServices) and
 * remoterefr.c (IWbemRemoteRefresher, the server refresher) share and
 * nothing else includes.
 */
#ifndef HIPERF_MOCKS_REFRSVC_PRIVATE_H
#define HIPERF_MOCKS_REFRSVC_PRIVATE_H

#include "refrsvc.h"

struct hobject;
struct repo_class;
struct repo_provider;

/* A new, empty server refresher for the client refresher `id` (borrowed;
 * the machine name is copied) with the server GUID `guid`; one reference
 * held by HOST (the services' table).  0 or HP_ENOMEM. */
int remoterefr_new(struct remoterefr **out, struct host *host, const _WBEM_REFRESHER_ID *id, const GUID *guid);

IWbemRemoteRefresher *remoterefr_iface(struct remoterefr *r);
struct hobj *remoterefr_hobj(struct remoterefr *r);
/* The server refresher's GUID (GetRemoteRefresher's pGuid, m_Guid). */
const GUID *remoterefr_guid(const struct remoterefr *r);
/* Whether it serves the client refresher with this GUID. */
bool remoterefr_serves(const struct remoterefr *r, const GUID *client_guid);

/* Adds the instance `tmpl` (borrowed host instance with its keys set)
 * served by the refresher-capable provider `reg`: the provider is loaded
 * inside WMI, the provider refresher made on first use, and
 * CreateRefreshableObject called.  On success *cancel_id is the new item's
 * id and *copy (may be NULL) an owned copy of the refreshable object with
 * one reference for `holder`.  Returns the HRESULT (RPC_E_DISCONNECTED
 * after a restart). */
HRESULT remoterefr_add_object(struct remoterefr *r, struct hobject *tmpl, const struct repo_provider *reg,
                              IWbemContext *ctx, enum hp_actor holder, LONG *cancel_id, struct hobject **copy);

/* The same for every instance of cls through CreateRefreshableEnum. */
HRESULT remoterefr_add_enum(struct remoterefr *r, const struct repo_class *cls, const struct repo_provider *reg,
                            IWbemContext *ctx, LONG *cancel_id);

/* Releases everything provider-side the server refresher holds and marks
 * it disconnected: its methods answer RPC_E_DISCONNECTED from now on.
 * Idempotent. */
void remoterefr_disconnect(struct remoterefr *r);

/* A GUID for a new server object: pseudo-random (splitmix64 over a fixed
 * seed, the services' epoch and a counter), version-4 shaped, never zero,
 * never repeated within a process.  Deterministic, so a run's journal is
 * the same every time. */
void refrsvc_make_guid(GUID *out, uint32_t epoch);

#endif
