/*
 * mocks/context.h - IWbemContext, the host's implementation: named values
 * passed along with a call (IWbemServices, IWbemProviderInit::Initialize,
 * the hi-perf provider methods).
 *
 * Rules kept: names compare case-insensitively (ASCII letters, as WMI
 * names do); values are deep copies (VariantCopy); enumeration order is
 * insertion order and does not change for a given context; lFlags must be 0
 * everywhere (else WBEM_E_INVALID_PARAMETER); GetValue/DeleteValue of an
 * unknown name give WBEM_E_NOT_FOUND; Next at the end gives
 * WBEM_S_NO_MORE_DATA with a NULL name and a VT_NULL value; Next without
 * BeginEnumeration (or after EndEnumeration) gives WBEM_E_UNEXPECTED.
 * On every failure the [out] pointers of QueryInterface, Clone, GetNames
 * and Next's name are NULL; a failed call leaves an [out] VARIANT as it was.
 *
 * Values holding interface pointers are referenced by the host: the copy
 * taken by SetValue/Clone and the release when a value goes are charged to
 * HP_ACTOR_HOST; the copy GetValue/Next return is the caller's.
 */
#ifndef HIPERF_MOCKS_CONTEXT_H
#define HIPERF_MOCKS_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

struct hcontext;

/* Creates an empty context with one reference held by `holder`.
 * 0, or HP_ENOMEM (fault-injectable as HPM_HOST_ALLOC). */
int context_new(struct hcontext **out, struct host *host, enum hp_actor holder);

/* The interface (borrowed: no reference added) and the ledger header. */
IWbemContext *context_iface(struct hcontext *c);
struct hobj *context_hobj(struct hcontext *c);
/* The context behind an interface pointer, or NULL if it is not one of the
 * host's contexts (borrowed). */
struct hcontext *context_from_iface(const void *iface);

/* The harness side of SetValue, for scenario-given contexts: `name` and `v`
 * are borrowed and copied.  0, HP_EINVAL (bad VARIANT) or HP_ENOMEM. */
int context_set(struct hcontext *c, const WCHAR *name, const VARIANT *v);
/* The harness side of GetValue: *out (VariantInit'ed here) receives an
 * owned copy (VariantClear it).  false if there is no such name or the copy
 * failed. */
bool context_get(struct hcontext *c, const WCHAR *name, VARIANT *out);
/* Number of values. */
size_t context_count(struct hcontext *c);

#endif
