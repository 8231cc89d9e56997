/*
 * mocks/sink.h - the two sinks the host hands a provider:
 *
 * IWbemObjectSink (objsink): records every Indicate and SetStatus in call
 * order, each with the journal seq of the call, for the checks of
 * asynchronous calls (QueryInstances, the *Async IWbemServices methods).
 *  - Indicate keeps one HOST reference to every object (the COM rule for a
 *    kept [in] pointer).  A pointer that is not a host object is a
 *    LEDGER_FOREIGN_OBJECT finding and the whole call is rejected with
 *    WBEM_E_INVALID_PARAMETER (nothing of it kept); so are a negative count
 *    and a NULL array or NULL element.
 *  - SetStatus is always recorded; lFlags WBEM_STATUS_COMPLETE completes
 *    the call, and the FIRST such call's hResult is the final status (later
 *    ones are counted: a check may demand exactly one).  A foreign
 *    pObjParam is a finding and is not kept; the status still counts.
 *  - An Indicate after completion is a protocol violation: a
 *    LEDGER_COM_RULE finding "[sink.indicate-after-complete]"; the call is
 *    still recorded and returns WBEM_S_NO_ERROR.
 *
 * IWbemProviderInitSink (initsink): records SetStatus(lStatus, lFlags).
 * It always returns WBEM_S_NO_ERROR, as documented (except when the host
 * fails the call on purpose or the sink is dead); lFlags != 0 is a
 * LEDGER_COM_RULE finding "[initsink.flags]".
 *
 * Waiting: objsink_wait_complete/initsink_wait_status poll in 1 ms
 * nanosleep steps and count iterations; they never read a clock nor use a
 * timed wait (the host runs under libfaketime, where monotonic timed waits
 * hang).  Under a scaled fake clock a "ms" may last more or less than a real
 * millisecond; the bound is on iterations.
 */
#ifndef HIPERF_MOCKS_SINK_H
#define HIPERF_MOCKS_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

/* ---- IWbemObjectSink -------------------------------------------------- */

struct objsink;

enum objsink_event_kind {
    OBJSINK_INDICATE,
    OBJSINK_SET_STATUS
};

/* One recorded call.  The pointers are borrowed from the sink and stay
 * valid until the host is freed. */
struct objsink_event {
    enum objsink_event_kind kind;
    uint64_t seq;                  /* journal seq of the call; 0 if the journal is off */
    enum hp_actor caller;
    HRESULT result;                /* what the call returned */
    bool after_complete;           /* came after the first SetStatus(WBEM_STATUS_COMPLETE) */
    /* OBJSINK_INDICATE */
    LONG count;                    /* lObjectCount as passed */
    IWbemClassObject **objects;    /* the `count` objects kept; NULL when rejected or empty */
    /* OBJSINK_SET_STATUS */
    LONG flags;
    HRESULT status;                /* hResult */
    const WCHAR *param;            /* a copy of strParam; NULL if NULL */
    IWbemClassObject *obj_param;   /* kept host object; NULL if none or foreign */
};

struct objsink_stats {
    size_t indicate_calls;         /* every Indicate, accepted or not */
    size_t indicate_rejected;
    size_t objects;                /* objects of the accepted Indicate calls */
    size_t set_status_calls;
    size_t complete_calls;         /* SetStatus with WBEM_STATUS_COMPLETE */
    bool complete;                 /* complete_calls > 0 */
    HRESULT final_status;          /* hResult of the first completion; S_OK before */
    bool indicate_after_complete;
};

/* Creates a sink with one reference held by `holder`; `label` (borrowed,
 * copied, may be NULL) names it in findings.  0 or HP_ENOMEM. */
int objsink_new(struct objsink **out, struct host *host, enum hp_actor holder, const char *label);
/* The interface (borrowed: no reference added) and the ledger header. */
IWbemObjectSink *objsink_iface(struct objsink *s);
struct hobj *objsink_hobj(struct objsink *s);
/* The sink behind an interface pointer, or NULL if it is not one of ours. */
struct objsink *objsink_from_iface(const void *iface);

void objsink_get_stats(struct objsink *s, struct objsink_stats *out);
size_t objsink_event_count(struct objsink *s);
/* Copies event i (see the struct for what its pointers borrow); false if
 * there is no such event. */
bool objsink_event_get(struct objsink *s, size_t i, struct objsink_event *out);
/* True as soon as the sink is complete; false after about max_ms polling
 * steps of 1 ms without completion (max_ms 0: just look). */
bool objsink_wait_complete(struct objsink *s, unsigned max_ms);
/* The result of a provider call that was given this sink and returned
 * `returned` (the sink is borrowed; waits in 1 ms steps):
 *  - a completing SetStatus, made or made within max_ms: its status (the
 *    documented precedence over the return code);
 *  - a failing return code: that code;
 *  - return_completes (QueryInstances, whose return code may be the whole
 *    answer) and the provider holds no reference to the sink, so that no
 *    SetStatus can come: the return code, at once;
 *  - otherwise (an asynchronous call, whose end is SetStatus, or a sink
 *    kept and never completed): WBEM_E_PROVIDER_TIMED_OUT after max_ms. */
HRESULT objsink_result(struct objsink *s, HRESULT returned, bool return_completes, unsigned max_ms);

/* ---- IWbemProviderInitSink -------------------------------------------- */

struct initsink;

struct initsink_stats {
    size_t calls;                  /* SetStatus calls */
    LONG first_status;             /* lStatus of the first call (0 before) */
    LONG last_status;              /* lStatus of the last call (0 before) */
    LONG last_flags;
    size_t bad_flags;              /* calls with lFlags != 0 */
    size_t bad_status;             /* calls whose lStatus is neither WBEM_S_INITIALIZED nor WBEM_E_FAILED */
};

/* Creates an init sink with one reference held by `holder`.  0 or HP_ENOMEM. */
int initsink_new(struct initsink **out, struct host *host, enum hp_actor holder);
IWbemProviderInitSink *initsink_iface(struct initsink *s);
struct hobj *initsink_hobj(struct initsink *s);
void initsink_get_stats(struct initsink *s, struct initsink_stats *out);
/* True as soon as SetStatus was called at least once; false after about
 * max_ms polling steps of 1 ms. */
bool initsink_wait_status(struct initsink *s, unsigned max_ms);

#endif
