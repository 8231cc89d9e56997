/*
 * mocks/comcheck.h - the COM rules checked on the provider's own objects
 * (its class factory, its provider object, its refreshers):
 *  - QueryInterface for IUnknown always gives the same pointer, whichever
 *    interface it is asked through (identity);
 *  - QI is reflexive, symmetric and transitive: every interface reachable
 *    from one is reachable from all;
 *  - an unsupported IID gives E_NOINTERFACE with *ppv set to NULL;
 *  - a NULL ppv gives E_POINTER (a SHOULD: checked, reported apart);
 *  - a successful QI adds a reference (seen through AddRef/Release return
 *    values, which COM calls advisory: a mismatch is a SHOULD finding).
 * Every broken rule is a LEDGER_COM_RULE finding whose text starts with the
 * rule's short name in brackets, e.g. "[com.identity]".
 */
#ifndef HIPERF_MOCKS_COMCHECK_H
#define HIPERF_MOCKS_COMCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

struct comcheck_result {
    size_t probed;        /* IIDs asked */
    size_t supported;     /* of which the object answered */
    size_t findings;      /* findings recorded by this check */
    bool crashed_null_ppv_skipped; /* the NULL-ppv probe was not run */
};

/* Checks `obj` (borrowed; the host's reference stays as it was) against the
 * rules above, probing `iids` (n of them) plus IUnknown and two IIDs no
 * provider implements.  `label` names the object in findings.  With
 * probe_null_ppv false the E_POINTER probe is skipped (a provider that
 * dereferences NULL would crash the process: callers run it in a worker). */
void comcheck_object(struct host *host, IUnknown *obj, const IID *const *iids, size_t n,
                     const char *label, bool probe_null_ppv, struct comcheck_result *out);

/* The interface name of a known IID, or NULL. */
const char *comcheck_iid_name(REFIID iid);

#endif
