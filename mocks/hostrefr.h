/*
 * mocks/hostrefr.h - an IWbemRefresher the host makes itself: what a
 * scenario passes as `foreign` to show that a provider rejects a refresher
 * it did not create (it must not treat it as its own and read its
 * internals).  Refresh does nothing and returns WBEM_S_NO_ERROR.
 */
#ifndef HIPERF_MOCKS_HOSTREFR_H
#define HIPERF_MOCKS_HOSTREFR_H

#include "host.h"

struct hostrefr;

/* One reference held by `holder`.  0 or HP_ENOMEM. */
int hostrefr_new(struct hostrefr **out, struct host *host, enum hp_actor holder);
/* Borrowed: no reference added. */
IWbemRefresher *hostrefr_iface(struct hostrefr *r);
struct hobj *hostrefr_hobj(struct hostrefr *r);

#endif
