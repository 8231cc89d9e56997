/*
 * mocks/hiperfenum.h - IWbemHiPerfEnum, WMI's side: the enumerator the host
 * creates for IWbemHiPerfProvider::CreateRefreshableEnum, that the provider
 * fills (AddObjects/RemoveObjects/RemoveAll) inside IWbemRefresher::Refresh
 * and that the client reads (GetObjects).
 *
 * Rules kept (research/abi-facts.md section 8, and the choices where the
 * documentation is silent, marked "chosen"):
 *  - lFlags must be 0 for every method, else WBEM_E_INVALID_PARAMETER; when
 *    the caller is the provider (HP-ENUM-FLAGS-ZERO) that is also a
 *    LEDGER_COM_RULE finding whose text starts with "[hiperfenum.flags]"
 *    and names the method and the value.
 *  - Ids are unique: AddObjects with an id already present (or twice in the
 *    same call) gives WBEM_E_FAILED; when the caller is the provider
 *    (HP-ENUM-UNIQUE-IDS) that is also a LEDGER_COM_RULE finding whose text
 *    starts with "[hiperfenum.duplicate-id]" and names the id and the
 *    enumerator, one per call.  Chosen: every AddObjects and
 *    RemoveObjects call is atomic: all of it is checked first and nothing of
 *    a failed call is applied.
 *  - RemoveObjects of an id that is not present gives WBEM_E_NOT_FOUND
 *    (chosen; nothing of the call is removed).
 *  - The enumerator keeps its own (HOST) reference to every object it holds;
 *    the provider keeps its own.  A pointer that is not a host object is a
 *    LEDGER_FOREIGN_OBJECT finding and WBEM_E_INVALID_PARAMETER.
 *  - GetObjects: fewer slots than objects gives *puReturned = count and
 *    WBEM_E_BUFFER_TOO_SMALL; otherwise each object comes with a reference
 *    charged to the calling actor.  Any other failure leaves *puReturned 0
 *    and the caller's array untouched.
 *  - A caller whose actor is HP_ACTOR_CLIENT may call only GetObjects:
 *    the other three give WBEM_E_ACCESS_DENIED.
 *  - "Touch the enumerator only inside IWbemRefresher::Refresh": the owner
 *    opens a window (around Refresh, and around CreateRefreshableEnum, where
 *    filling it is also allowed); an AddObjects/RemoveObjects/RemoveAll by
 *    the provider while no window is open is a LEDGER_COM_RULE finding whose
 *    text starts with "[hiperfenum.outside-refresh]".  The call still runs.
 *
 * Thread safety: every function may be called from any thread.  The lock is
 * never held while the hook runs or while a reference is dropped.
 */
#ifndef HIPERF_MOCKS_HIPERFENUM_H
#define HIPERF_MOCKS_HIPERFENUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

struct hpenum;
struct hobject;

/* One entry of a snapshot. */
struct hpenum_item {
    LONG id;
    IWbemObjectAccess *obj;     /* the pointer the provider added */
    struct hobject *hobject;    /* the host object behind it */
};

/* Counters for checks; all are totals since creation. */
struct hpenum_stats {
    size_t count;               /* objects held now */
    uint64_t modifications;     /* successful AddObjects/RemoveObjects/RemoveAll calls */
    uint64_t add_calls;         /* AddObjects calls, whatever their result */
    uint64_t remove_calls;      /* RemoveObjects calls */
    uint64_t remove_all_calls;  /* RemoveAll calls */
    uint64_t get_calls;         /* GetObjects calls */
    uint64_t outside_window;    /* provider modifications attempted with no window open */
};

/* Called at the start of AddObjects, RemoveObjects and RemoveAll (method is
 * the HPM_IWbemHiPerfEnum_* id), on the caller's thread, after the access
 * check and before anything is checked or applied, with no lock held: it
 * may block (boundedly) while another thread uses the enumerator. */
typedef void (*hpenum_hook_fn)(struct hpenum *e, enum hp_method method, void *user);

/* Creates an enumerator with one reference held by `holder` (HOST for
 * CreateRefreshableEnum).  `label` (borrowed, copied; may be NULL) names it
 * in findings, e.g. the class name.  0, or HP_ENOMEM (a host allocation,
 * fault-injectable as HPM_HOST_ALLOC). */
int hpenum_new(struct hpenum **out, struct host *host, enum hp_actor holder, const char *label);

/* The interface (borrowed: no reference added) and the ledger header. */
IWbemHiPerfEnum *hpenum_iface(struct hpenum *e);
struct hobj *hpenum_hobj(struct hpenum *e);
/* The enumerator behind an interface pointer, or NULL if `iface` is not one
 * of the host's enumerators (borrowed). */
struct hpenum *hpenum_from_iface(const void *iface);

/* Objects held now. */
size_t hpenum_count(struct hpenum *e);
/* Successful modifications so far: compare before and after a Refresh to
 * see whether the provider touched the enumerator. */
uint64_t hpenum_mod_count(struct hpenum *e);
void hpenum_get_stats(struct hpenum *e, struct hpenum_stats *out);

/* The (id, object) pairs held now, in insertion order (an id re-added
 * after removal goes to the end).  *out is owned: an array of the returned
 * count, each item holding one HOST reference to its object; free it with
 * hpenum_snapshot_free().  *out is NULL when the count is 0.  Returns
 * (size_t)-1 with *out NULL when out of memory. */
size_t hpenum_snapshot(struct hpenum *e, struct hpenum_item **out);
/* Drops the references of a snapshot and frees it (NULL is fine). */
void hpenum_snapshot_free(struct hpenum_item *items, size_t n);

/* The host's own changes of an enumerator it keeps for a client (the
 * client refresher's copies): what AddObjects and RemoveObjects with
 * lFlags 0 do, but not calls across the boundary, so no fault rule, hook,
 * Refresh window, journal record or call count applies to them (as in
 * WMI, where the client refresher updates its enumerators from inside).
 * objs are host objects (borrowed; the enumerator takes HOST references).
 * The same results as the methods: WBEM_E_FAILED for a duplicate ID,
 * WBEM_E_NOT_FOUND for an unknown one, CO_E_OBJNOTCONNECTED when dead. */
HRESULT hpenum_host_add(struct hpenum *e, ULONG n, const LONG *ids, IWbemObjectAccess **objs);
HRESULT hpenum_host_remove(struct hpenum *e, ULONG n, const LONG *ids);

/* Installs (fn non-NULL) or removes (fn NULL) the hook; `user` is borrowed
 * until the hook is replaced.  Returns once no other thread is still
 * running the previous hook, so its user data may then be freed (a call
 * from inside the hook does not wait for itself). */
void hpenum_set_hook(struct hpenum *e, hpenum_hook_fn fn, void *user);

/* Opens or closes the window in which the provider may modify the
 * enumerator (nesting: the window is open while opens exceed closes). */
void hpenum_window_open(struct hpenum *e);
void hpenum_window_close(struct hpenum *e);

#endif
