/*
 * mocks/enumobj.h - IEnumWbemClassObject over a fixed list of host objects:
 * what the host's semisynchronous and synchronous IWbemServices calls
 * (CreateInstanceEnum, ExecQuery, CreateClassEnum) return.  The list is
 * complete when the enumerator is made, so lTimeout is accepted whatever its
 * value and never waited on.
 *
 * Rules kept (learn.microsoft.com IEnumWbemClassObject pages, MS-WMI
 * 3.1.4.4):
 *  - Next: apObjects and puReturned must not be NULL (else
 *    WBEM_E_INVALID_PARAMETER); returns min(uCount, remaining) objects, each
 *    with a reference for the caller, and WBEM_S_FALSE when fewer than
 *    uCount remained, WBEM_S_NO_ERROR otherwise.  On a failure *puReturned
 *    is 0 and the caller's array is untouched.
 *  - Skip: the same counting without objects.
 *  - NextAsync: WBEM_E_NOT_SUPPORTED (the host never delivers
 *    asynchronously through an enumerator).
 *  - Clone: an independent enumerator at the same position.
 *  - Made with WBEM_FLAG_FORWARD_ONLY: Reset and Clone give
 *    WBEM_E_INVALID_OPERATION.
 */
#ifndef HIPERF_MOCKS_ENUMOBJ_H
#define HIPERF_MOCKS_ENUMOBJ_H

#include <stddef.h>

#include "host.h"

struct enumobj;

/* Creates an enumerator over objs[0..n) (borrowed; each must be a host
 * object, and the enumerator keeps its own HOST reference to each) with
 * one reference held by `holder`.  flags: the WBEM_FLAG_FORWARD_ONLY bit
 * is honoured, others ignored.  0, HP_EINVAL (a pointer not a host object)
 * or HP_ENOMEM. */
int enumobj_new(struct enumobj **out, struct host *host, enum hp_actor holder,
                IWbemClassObject *const *objs, size_t n, LONG flags);
/* The interface (borrowed: no reference added) and the ledger header. */
IEnumWbemClassObject *enumobj_iface(struct enumobj *e);
struct hobj *enumobj_hobj(struct enumobj *e);
/* Objects not yet returned or skipped. */
size_t enumobj_remaining(struct enumobj *e);

#endif
