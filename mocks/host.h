/*
 * mocks/host.h - the mock WMI host: the context every host COM object
 * belongs to.  It owns the ledger, the journal, the fault table and the fake
 * clock as the host sees it, and it borrows the repository.
 *
 * Calls INTO a host object (from the provider or a client) go through
 * host_enter()/host_leave(): the object's liveness is checked, an armed
 * fault may fail the call, and the completed call is journaled with the
 * caller's actor.  Calls OUT to the provider go through HOST_CALL_PROVIDER,
 * which switches the thread's actor to PROVIDER for the call (so every
 * reference the provider takes or drops meanwhile is charged to it) and
 * journals the entry and the result.
 */
#ifndef HIPERF_MOCKS_HOST_H
#define HIPERF_MOCKS_HOST_H

#include <pthread.h>
#include <stdatomic.h>

#include "fault.h"
#include "hiperf/com.h"
#include "journal.h"
#include "ledger.h"
#include "repo.h"

struct host_options {
    size_t journal_capacity;     /* records kept in the ring; 0: 1 << 20 */
    bool journal_off;            /* benchmarks: calls into host objects are neither
                                    recorded nor counted (journal_calls() stays 0 for
                                    them; a fault rule counts calls from when it is
                                    armed); calls to the provider are still counted */
    const char *namespace_path;  /* 0: the repository's namespace */
    LONG namespace_rights;       /* WBEM_ENABLE|WBEM_REMOTE_ENABLE...; 0: both */
};

struct hclass;                   /* object.h: a class's runtime layout */

struct host {
    struct repo *repo;           /* borrowed */
    struct ledger ledger;
    struct journal journal;
    struct faults faults;
    _Atomic int64_t now_ns;      /* fake time since the start instant, for the journal */
    char *namespace_path;        /* owned, e.g. "root\\cimv2" */
    LONG namespace_rights;
    pthread_mutex_t lock;        /* guards the tables below */
    struct hclass **classes;     /* runtime layouts, built on first use, index-aligned with the repo */
    size_t nclasses;
    void **pobj_ptrs;            /* provider objects seen, for journal ids */
    size_t npobj, cappobj;
    /* loader.c */
    char *provider_file;         /* owned path of the provider .so */
    void *module;                /* its dlopen handle */
    struct hostprov **providers; /* loaded providers, in load order (owned) */
    size_t nproviders, capproviders;
    /* namespace.c */
    struct hnamespace *ns;       /* the namespace object providers and clients see */
    unsigned provider_wait_ms;   /* bound on waiting for an async provider (real ms) */
    /* locator.c: the locator classes the provider asked CoCreateInstance for */
    unsigned locators_admin, locators_other;
    CLSID first_other_locator;
};

/* Creates a host over a repository (borrowed; it must outlive the host).
 * Sets the calling thread's actor to HOST.  0, or HP_ENOMEM. */
int host_new(struct host **out, struct repo *repo, const struct host_options *opts);
/* Frees every object the host made (see ledger_free) and the host. */
void host_free(struct host *host);

/* Moves the host's fake clock (what the journal records). */
void host_set_time(struct host *host, int64_t ns_since_start);

/* A journal id for a provider object pointer (stable for the run). */
uint64_t host_pobj_id(struct host *host, const void *p);

/* The entry of every method of a host object: S_OK to go on, or the
 * HRESULT the method must return at once (dead object, injected fault).
 * A method with [out] parameters sets them (interface pointers, BSTRs,
 * array pointers and their counts) to NULL/0 before calling it, so that
 * they are NULL on this early return too (COM-OUT-NULL-ON-FAILURE). */
static inline HRESULT host_enter(struct host *host, struct hobj *h, enum hp_method m)
{
    /* hobj_enter has nothing to do for a live object nobody over-released:
     * that test is inline; anything else goes to it to be recorded. */
    if ((atomic_load_explicit(&h->state, memory_order_acquire) != HOBJ_ALIVE ||
         atomic_load_explicit(&h->poisoned, memory_order_relaxed) != 0) &&
        !hobj_enter(h, m))
        return CO_E_OBJNOTCONNECTED;
    /* A journal-off host (a benchmark's) does not number its calls: while no
     * fault rule is armed it skips the fault table's atomic counter, the
     * largest cost of a handle write after the journal's. */
    if (!host->journal.enabled && !atomic_load_explicit(&host->faults.armed, memory_order_relaxed))
        return S_OK;
    return faults_check(&host->faults, m);
}

/* The exit of every method of a host object: journals and returns hr. */
static inline HRESULT host_leave(struct host *host, struct hobj *h, enum hp_method m, int64_t a0,
                                 int64_t a1, int64_t a2, uint8_t strmask, HRESULT hr)
{
    /* Nor does it count them (journal_add counts even when not recording). */
    if (host->journal.enabled)
        journal_add(&host->journal, JOURNAL_CALL, m, hp_actor_current(), HP_ACTOR_HOST, h ? h->id : 0,
                    a0, a1, a2, strmask, hr);
    return hr;
}

/* The whole QueryInterface of a host object with one interface besides
 * IUnknown: iface (that interface of the object h heads) for IID_IUnknown
 * or *iid, with a reference charged to the caller; E_NOINTERFACE,
 * E_POINTER (ppv NULL), E_INVALIDARG (riid NULL), or host_enter's refusal;
 * *ppv NULL on every failure; journaled as m with riid's Data1. */
HRESULT host_query_interface(struct host *host, struct hobj *h, enum hp_method m, void *iface, const IID *iid,
                             REFIID riid, void **ppv);

/* A host allocation that fault injection can fail (HPM_HOST_ALLOC). */
void *host_alloc(struct host *host, size_t size);
void *host_calloc(struct host *host, size_t n, size_t size);

/* Calls the provider: `call` is an expression yielding its HRESULT.  The
 * thread's actor is PROVIDER for the call; entry and result are journaled. */
#define HOST_CALL_PROVIDER(host_, method, pobj, a0, a1, a2, strmask, call)                         \
    ({                                                                                           \
        struct host *hcp_host_ = (host_);                                                         \
        uint64_t hcp_id_ = host_pobj_id(hcp_host_, (pobj));                                      \
        enum hp_actor hcp_prev_ = hp_actor_set(HP_ACTOR_PROVIDER);                               \
        journal_add(&hcp_host_->journal, JOURNAL_ENTER, (method), hcp_prev_, HP_ACTOR_PROVIDER,   \
                    hcp_id_, (a0), (a1), (a2), (strmask), S_OK);                                 \
        HRESULT hcp_hr_ = (call);                                                                \
        hp_actor_set(hcp_prev_);                                                                 \
        journal_add(&hcp_host_->journal, JOURNAL_CALL, (method), hcp_prev_, HP_ACTOR_PROVIDER,    \
                    hcp_id_, (a0), (a1), (a2), (strmask), hcp_hr_);                              \
        hcp_hr_;                                                                                 \
    })

/* The same for AddRef/Release of a provider object (they return ULONG). */
ULONG host_provider_addref(struct host *host, IUnknown *p, enum hp_method method);
ULONG host_provider_release(struct host *host, IUnknown *p, enum hp_method method);

#endif
