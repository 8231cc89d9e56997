/*
 * compat/comreg.h - the host's side of CoCreateInstance: the classes a
 * running host serves in process, and one observer told of every call.
 *
 * Not part of the provider ABI (providers call CoCreateInstance; only a
 * host registers).  The table is process-wide, like COM's: a host
 * registers its classes when it starts and withdraws them (by owner) when
 * it ends.  Entries stack: the newest registration of a CLSID serves it,
 * and withdrawing it uncovers the previous owner's, so two hosts in one
 * process (tests) do not break each other.
 *
 * Invariants: a creator or observer is never called after
 * hiperf_com_withdraw() for its owner has returned (the withdrawal waits
 * for calls in flight); none is called with the table's lock held, so a
 * creator may itself call CoCreateInstance.
 */
#ifndef HIPERF_COMPAT_COMREG_H
#define HIPERF_COMPAT_COMREG_H

#include "hiperf/oleauto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Makes the object and returns its riid interface in *ppv (NULL on
 * failure); ppv is never NULL and *ppv is NULL on entry. */
typedef HRESULT (*hiperf_com_creator)(void *owner, REFCLSID clsid, REFIID riid, void **ppv);
/* Told after every CoCreateInstance, served or not: the arguments as given
 * (rclsid and riid may be NULL) and the result; *ppv when it succeeded. */
typedef void (*hiperf_com_observer)(void *owner, REFCLSID clsid, IUnknown *outer, DWORD clsctx, REFIID riid,
                                    HRESULT hr, void *obj);

/* Serves clsid (copied) with creator for owner.  0, or -1 when the table is
 * full (64 entries). */
HIPERF_EXPORT int hiperf_com_register(REFCLSID clsid, hiperf_com_creator creator, void *owner);
/* Sets the observer (one per process; the newest wins; withdrawn with its
 * owner). */
HIPERF_EXPORT void hiperf_com_observe(hiperf_com_observer observer, void *owner);
/* Removes every class and the observer of owner, after waiting for the
 * calls in flight (anyone's: keep creators short) to return.  Never call it
 * from a creator or an observer. */
HIPERF_EXPORT void hiperf_com_withdraw(void *owner);

#ifdef __cplusplus
}
#endif

#endif /* HIPERF_COMPAT_COMREG_H */
