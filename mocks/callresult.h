/*
 * mocks/callresult.h - IWbemCallResult, the result of a semisynchronous
 * IWbemServices call (WBEM_FLAG_RETURN_IMMEDIATELY).  The host completes
 * every call before returning, so the result is always complete: lTimeout
 * is accepted whatever its value and never waited on (WBEM_S_TIMEDOUT is
 * never returned).
 *
 * Rules kept (learn.microsoft.com IWbemCallResult pages, MS-WMI 3.1.4.5):
 *  - a NULL out-pointer gives WBEM_E_INVALID_PARAMETER; GetResultObject/
 *    String/Services set a non-NULL one to NULL before anything else, so it
 *    is NULL on every failure (a dead call result's, an injected fault's);
 *  - GetCallStatus gives WBEM_S_NO_ERROR with *plStatus = the call's status;
 *  - GetResultObject/String/Services return the original call's error when
 *    it failed (the out-pointer set to NULL); when it succeeded but has no
 *    such result they give WBEM_S_NO_ERROR with NULL (chosen from MS-WMI:
 *    "can be NULL ... if there are no results");
 *  - each result handed out carries a new reference (or a new BSTR) for the
 *    caller.
 */
#ifndef HIPERF_MOCKS_CALLRESULT_H
#define HIPERF_MOCKS_CALLRESULT_H

#include "host.h"

struct callresult;

/* What the semisynchronous call produced; every member is borrowed. */
struct callresult_init {
    HRESULT status;                 /* the call's final status */
    IWbemClassObject *object;       /* for GetResultObject: a host object, or NULL */
    const WCHAR *string;            /* for GetResultString: copied; NULL for none */
    IWbemServices *services;        /* for GetResultServices: NULL for none */
    struct hobj *services_hobj;     /* the ledger header of `services` (required with it) */
};

/* Creates a call result with one reference held by `holder`; it keeps its
 * own HOST reference to the object and the services.  0, HP_EINVAL (object
 * not a host object, services without its header) or HP_ENOMEM. */
int callresult_new(struct callresult **out, struct host *host, enum hp_actor holder,
                   const struct callresult_init *init);
/* The interface (borrowed: no reference added) and the ledger header. */
IWbemCallResult *callresult_iface(struct callresult *r);
struct hobj *callresult_hobj(struct callresult *r);

#endif
