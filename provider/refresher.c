/*
 * provider/refresher.c - the provider's IWbemRefresher: the refreshable
 * objects and enumerators one refresher holds, and Refresh, which brings
 * them all up to date from one reading of the clock.
 *
 * Locking.  Each refresher has one mutex guarding its entry arrays.
 * Refresh holds it for its whole duration, including its calls into the
 * host (WriteDWORD/WriteQWORD, AddObjects, RemoveObjects); that is what
 * makes a StopRefreshing from another thread wait until the Refresh in
 * progress is over, so once StopRefreshing returns the provider never
 * touches that object or enumerator again.  Every other method takes the
 * mutex only around work that makes no call into the host: host calls
 * (Clone, AddRef, Release...) happen before taking it or after dropping it.
 *
 * Re-entry.  While it holds the mutex, Refresh pushes a frame on a
 * thread-local list.  A call that arrives on the same thread while that
 * frame is up (the host calling back into the provider from inside
 * AddObjects, say) does not take the mutex, which would deadlock:
 *   - StopRefreshing marks the entry stopped at once (Refresh skips it from
 *     then on and never calls its enumerator again) and its references are
 *     released right after Refresh drops the mutex;
 *   - CreateRefreshableObject/Enum append as usual (Refresh walks the arrays
 *     by index, re-reads them after every call into the host and leaves the
 *     entries added meanwhile for the next Refresh; nothing compacts them
 *     while a Refresh runs);
 *   - Refresh of the same refresher answers WBEM_E_REFRESHER_BUSY.
 * A thread that already holds one refresher's mutex never blocks on
 * another's: such nested calls only try the mutex and answer
 * WBEM_E_REFRESHER_BUSY if it is taken.  So the provider itself can never
 * be part of a deadlock; the host's waits are bounded.  No timed waits, no
 * condition variables, no clock reads except the one per Refresh.
 *
 * Invariants (under the mutex):
 *   - objs[] is sorted by id (ids are handed out in increasing order and
 *     appended), so StopRefreshing finds an object by binary search; an
 *     entry with obj == NULL is a stopped one awaiting compaction.
 *   - every reference in objs[], enums[] and graveyard[] is owned by the
 *     refresher and released exactly once: by StopRefreshing, by the sweep
 *     after Refresh, or when the refresher is freed.
 *   - handles[c] is set (handles_ready[c]) before the first entry of class c
 *     is added, and so is tab[c], the per-class value table; a table, once
 *     made, stays until the refresher is freed.
 * Refresh allocates nothing (except the members it adds to enumerators):
 * the values of every instance of every class this refresher has entries
 * of are computed once per Refresh into tab[c], then written with the
 * cached handles.  An enumerator's arrays (members and the scratch of its
 * AddObjects/RemoveObjects calls) are sized for the class's whole instance
 * set when it is created.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#if defined(HIPERF_DEFECT_STOP_ABORT)
#include <stdio.h>
#endif

#include "provider_private.h"

/* A refreshable object. */
struct rp_object {
    IWbemObjectAccess *obj;  /* owned; NULL once stopped */
    LONG id;
    uint16_t cls;
    uint32_t inst;
};

/* A refreshable enumerator and the objects this provider put in it.  The
 * arrays have one slot per instance the class can ever have (ninst). */
struct rp_enum {
    LONG id;
    bool stopped;                    /* stopped from inside a Refresh */
    int cls;
    unsigned ninst;
    IWbemHiPerfEnum *hpe;            /* owned */
    IWbemClassObject *class_obj;     /* owned: what new members are spawned from */
    LONG next_member_id;             /* the ids given to AddObjects, per enumerator */
    IWbemObjectAccess **member;      /* owned; NULL: that instance is not in it */
    LONG *member_id;
    /* refresh_enum's scratch, so that Refresh does not allocate. */
    IWbemObjectAccess **fresh;
    LONG *ids;
    unsigned *which;
    struct rp_enum *next_dead;       /* list of stopped enumerators being released */
};

/* The values of every instance of one class at one Refresh's clock
 * reading: vals[k * nprops + j] is property j of instance k. */
struct rp_table {
    uint64_t *vals;
    bool *alive;
    unsigned ninst;
};

struct rp_refresher {
    IWbemRefresher IWbemRefresher_iface;
    atomic_uint ref;
    struct rp_provider *prov;  /* owned reference; never changes */
    pthread_mutex_t lock;

    /* Guarded by `lock`. */
    struct rp_object *objs;
    size_t nobjs, capobjs, ndead;
    struct rp_enum **enums;
    size_t nenums, capenums;
    LONG next_id;
    bool sweep;                        /* a stop from inside Refresh waits for its end */
    IWbemObjectAccess **graveyard;     /* objects stopped from inside Refresh */
    size_t ngrave, capgrave;
    struct rp_handles handles[RP_HIPERF_CLASS_COUNT];
    bool handles_ready[RP_HIPERF_CLASS_COUNT];
    /* Refresh's scratch, made when the first entry of the class is added:
     * only the classes this refresher has entries of are computed. */
    struct rp_table tab[RP_HIPERF_CLASS_COUNT];
#if defined(HIPERF_DEFECT_IDS_ENUM_CLASH)
    /* DEFECT ids_enum_clash (HP-CREATEREFENUM-UNIQUE-ID): enumerators
     * number themselves from 1 apart from the objects. */
    LONG next_enum_id;
#endif
};

#if defined(HIPERF_DEFECT_STOP_WRONG_REFRESHER)
/* DEFECT stop_wrong_refresher (HP-STOPREFRESHING-SCOPE): "WMI makes one
 * refresher per provider": the first refresher made is remembered, and
 * StopRefreshing looks the ID up there, whatever refresher it was given. */
static _Atomic(struct rp_refresher *) the_refresher;
#endif

#if defined(HIPERF_DEFECT_STOP_LOCK_ORDER)
/* DEFECT stop_lock_order (HP-STOPREFRESHING-REMOVES): a module-wide
 * statistics lock that StopRefreshing takes before the refresher's mutex
 * and Refresh takes while holding it: a StopRefreshing from another thread
 * during a Refresh deadlocks with it. */
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long stats_refreshes, stats_stops;
#endif

static const IWbemRefresherVtbl refresher_vtbl;

static struct rp_refresher *impl_from_IWbemRefresher(IWbemRefresher *iface)
{
    return RP_CONTAINER_OF(iface, struct rp_refresher, IWbemRefresher_iface);
}

/* ---- entering a refresher ------------------------------------------------ */

/* The refreshers whose Refresh is running on this thread, innermost first. */
struct refresh_frame {
    struct rp_refresher *r;
    struct refresh_frame *up;
};
static _Thread_local struct refresh_frame *tls_frames;

enum entry {
    ENTRY_LOCKED,  /* we took the mutex; drop it when done */
    ENTRY_NESTED,  /* this thread's Refresh of r holds it: re-entered from a host call */
    ENTRY_BUSY,    /* this thread holds another refresher's mutex and r's is taken */
};

static enum entry refresher_enter(struct rp_refresher *r)
{
    for (struct refresh_frame *f = tls_frames; f; f = f->up)
        if (f->r == r)
            return ENTRY_NESTED;
    if (tls_frames)
        return pthread_mutex_trylock(&r->lock) == 0 ? ENTRY_LOCKED : ENTRY_BUSY;
    pthread_mutex_lock(&r->lock);
    return ENTRY_LOCKED;
}

static void refresher_leave(struct rp_refresher *r, enum entry how)
{
    if (how == ENTRY_LOCKED)
        pthread_mutex_unlock(&r->lock);
}

/* ---- entries -------------------------------------------------------------- */

/* Releases everything an enumerator entry owns and frees it.  Calls into
 * the host: never with the mutex held. */
static void enum_free(struct rp_enum *e)
{
    for (unsigned k = 0; e->member && k < e->ninst; k++)
        if (e->member[k])
            IWbemObjectAccess_Release(e->member[k]);
    if (e->hpe)
        IWbemHiPerfEnum_Release(e->hpe);
    if (e->class_obj)
        IWbemClassObject_Release(e->class_obj);
    free(e->member);
    free(e->member_id);
    free(e->fresh);
    free(e->ids);
    free(e->which);
    free(e);
}

/* Makes the value table of class `cls` if it is not there yet.  Under the
 * mutex (no host call).  False on ENOMEM. */
static bool ensure_table(struct rp_refresher *r, int cls)
{
    struct rp_table *t = &r->tab[cls];
    unsigned n;

    if (t->vals)
        return true;
    n = rp_class_ninst(&rp_classes[cls]);
    t->alive = calloc(n, sizeof(*t->alive));
    t->vals = calloc((size_t)n * rp_classes[cls].nprops, sizeof(*t->vals));
    if (!t->alive || !t->vals) {
        free(t->alive);
        free(t->vals);
        t->alive = NULL;
        t->vals = NULL;
        return false;
    }
    t->ninst = n;
    return true;
}

/* Index of the live object `id` in objs[], or -1. */
static ptrdiff_t find_object(const struct rp_refresher *r, LONG id)
{
#if defined(HIPERF_DEFECT_STOP_WRONG_ENTRY)
    /* DEFECT stop_wrong_entry (HP-STOPREFRESHING-REMOVES): IDs start at 1
     * and the array at 0, but the ID is used as the index: StopRefreshing
     * removes the entry after the one it was asked for. */
    return id >= 0 && (size_t)id < r->nobjs && r->objs[id].obj ? (ptrdiff_t)id : -1;
#else
    size_t lo = 0, hi = r->nobjs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->objs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < r->nobjs && r->objs[lo].id == id && r->objs[lo].obj)
        return (ptrdiff_t)lo;
    return -1;
#endif
}

/* Index of the live enumerator `id` in enums[], or -1. */
static ptrdiff_t find_enum(const struct rp_refresher *r, LONG id)
{
    for (size_t i = 0; i < r->nenums; i++)
        if (r->enums[i]->id == id && !r->enums[i]->stopped)
            return (ptrdiff_t)i;
    return -1;
}

/* Drops stopped entries from objs[] once they are at least half of it, so
 * stopping n objects one by one costs O(n) in all.  Never during Refresh. */
static void maybe_compact(struct rp_refresher *r)
{
    size_t w = 0;

    if (r->ndead == 0 || r->ndead * 2 < r->nobjs)
        return;
    for (size_t i = 0; i < r->nobjs; i++)
        if (r->objs[i].obj)
            r->objs[w++] = r->objs[i];
    r->nobjs = w;
    r->ndead = 0;
}

/* Makes room for `need` elements of size `elem`: returns the array, moved
 * or not, with *cap updated; or NULL on ENOMEM, the array unchanged. */
static void *grow(void *array, size_t *cap, size_t need, size_t elem)
{
    size_t n = *cap ? *cap : 16;
    void *p;

    if (need <= *cap)
        return array;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return NULL;
        n *= 2;
    }
    p = realloc(array, n * elem);
    if (p)
        *cap = n;
    return p;
}

static HRESULT next_id(struct rp_refresher *r, LONG *id)
{
#if defined(HIPERF_DEFECT_IDS_CONSTANT)
    /* DEFECT ids_constant (HP-CREATEREFOBJ-UNIQUE-ID): "the ID only has to
     * be non-zero". */
    (void)r;
    *id = 1;
    return WBEM_S_NO_ERROR;
#else
    if (r->next_id == INT32_MAX)
        return WBEM_E_FAILED;  /* 2^31 - 1 entries added to one refresher */
    *id = r->next_id++;
    return WBEM_S_NO_ERROR;
#endif
}

HRESULT rp_refresher_add_object(struct rp_refresher *r, IWbemObjectAccess *obj, int cls, unsigned inst,
                                const struct rp_handles *h, LONG *id)
{
    void *grown;
    HRESULT hr;
    enum entry how;

    IWbemRefresher_AddRef(&r->IWbemRefresher_iface);
    how = refresher_enter(r);
    if (how == ENTRY_BUSY) {
        hr = WBEM_E_REFRESHER_BUSY;
    } else if (!ensure_table(r, cls) || !(grown = grow(r->objs, &r->capobjs, r->nobjs + 1, sizeof(*r->objs)))) {
        hr = WBEM_E_OUT_OF_MEMORY;
    } else {
        r->objs = grown;
        hr = next_id(r, id);
        if (SUCCEEDED(hr)) {
            if (!r->handles_ready[cls]) {
                r->handles[cls] = *h;
                r->handles_ready[cls] = true;
            }
            r->objs[r->nobjs++] = (struct rp_object){obj, *id, (uint16_t)cls, (uint32_t)inst};
        }
    }
    refresher_leave(r, how);
    IWbemRefresher_Release(&r->IWbemRefresher_iface);
    return hr;
}

HRESULT rp_refresher_add_enum(struct rp_refresher *r, IWbemHiPerfEnum *hpe, IWbemClassObject *class_obj,
                              int cls, const struct rp_handles *h, LONG *id)
{
    struct rp_enum *e = calloc(1, sizeof(*e));
    void *grown;
    HRESULT hr;
    enum entry how;

    if (!e)
        return WBEM_E_OUT_OF_MEMORY;
    e->ninst = rp_class_ninst(&rp_classes[cls]);
    e->member = calloc(e->ninst, sizeof(*e->member));
    e->member_id = calloc(e->ninst, sizeof(*e->member_id));
    e->fresh = calloc(e->ninst, sizeof(*e->fresh));
    e->ids = calloc(e->ninst, sizeof(*e->ids));
    e->which = calloc(e->ninst, sizeof(*e->which));
    if (!e->member || !e->member_id || !e->fresh || !e->ids || !e->which) {
        enum_free(e);
        return WBEM_E_OUT_OF_MEMORY;
    }
    /* The references are taken before the mutex: AddRef is a host call. */
    e->cls = cls;
    e->hpe = hpe;
#if !defined(HIPERF_DEFECT_ENUM_NO_ADDREF)
    /* (DEFECT enum_no_addref, HP-CREATEREFENUM-ADDREF: without this the
     * enumerator is kept, used and finally released without a reference
     * of the provider's own.) */
    IWbemHiPerfEnum_AddRef(hpe);
#endif
    e->class_obj = class_obj;
    IWbemClassObject_AddRef(class_obj);
    e->next_member_id = 1;

    IWbemRefresher_AddRef(&r->IWbemRefresher_iface);
    how = refresher_enter(r);
    if (how == ENTRY_BUSY) {
        hr = WBEM_E_REFRESHER_BUSY;
    } else if (!ensure_table(r, cls) || !(grown = grow(r->enums, &r->capenums, r->nenums + 1, sizeof(*r->enums)))) {
        hr = WBEM_E_OUT_OF_MEMORY;
    } else {
        r->enums = grown;
#if defined(HIPERF_DEFECT_IDS_ENUM_CLASH)
        *id = ++r->next_enum_id;
        hr = WBEM_S_NO_ERROR;
#else
        hr = next_id(r, id);
#endif
        if (SUCCEEDED(hr)) {
            e->id = *id;
            if (!r->handles_ready[cls]) {
                r->handles[cls] = *h;
                r->handles_ready[cls] = true;
            }
            r->enums[r->nenums++] = e;
            e = NULL;
        }
    }
    refresher_leave(r, how);
    if (e)
        enum_free(e);
    IWbemRefresher_Release(&r->IWbemRefresher_iface);
    return hr;
}

HRESULT rp_refresher_stop(struct rp_refresher *r, LONG id)
{
    IWbemObjectAccess *obj = NULL;
    struct rp_enum *e = NULL;
    HRESULT hr = WBEM_E_NOT_FOUND;
    ptrdiff_t i;
    enum entry how;

#if defined(HIPERF_DEFECT_STOP_WRONG_REFRESHER)
    struct rp_refresher *first = atomic_load(&the_refresher);
    if (first)
        r = first;
#endif
#if defined(HIPERF_DEFECT_STOP_LOCK_ORDER)
    pthread_mutex_lock(&stats_lock);
    stats_stops++;
#endif
    IWbemRefresher_AddRef(&r->IWbemRefresher_iface);
    how = refresher_enter(r);
    if (how == ENTRY_BUSY) {
        hr = WBEM_E_REFRESHER_BUSY;
    } else if ((i = find_object(r, id)) >= 0) {
        if (how == ENTRY_NESTED) {
            /* Inside this thread's Refresh: the object may be the one being
             * written right now, so its reference waits in the graveyard
             * until Refresh is over. */
            void *grown = grow(r->graveyard, &r->capgrave, r->ngrave + 1, sizeof(*r->graveyard));
            if (!grown) {
                hr = WBEM_E_OUT_OF_MEMORY;
            } else {
                r->graveyard = grown;
                r->graveyard[r->ngrave++] = r->objs[i].obj;
                r->objs[i].obj = NULL;
                r->ndead++;
                r->sweep = true;
                hr = WBEM_S_NO_ERROR;
            }
        } else {
            obj = r->objs[i].obj;
            r->objs[i].obj = NULL;
            r->ndead++;
            maybe_compact(r);
            hr = WBEM_S_NO_ERROR;
        }
    } else if ((i = find_enum(r, id)) >= 0) {
        if (how == ENTRY_NESTED) {
            /* Refresh checks this flag before every call on the
             * enumerator, so it is never called again. */
            r->enums[i]->stopped = true;
            r->sweep = true;
        } else {
            e = r->enums[i];
            memmove(&r->enums[i], &r->enums[i + 1], (r->nenums - (size_t)i - 1) * sizeof(*r->enums));
            r->nenums--;
        }
        hr = WBEM_S_NO_ERROR;
    }
#if defined(HIPERF_DEFECT_STOP_ABORT)
    else {
        /* DEFECT stop_abort (HP-STOPREFRESHING-UNKNOWN-ID): "WMI only stops
         * IDs it was given", so an unknown or stopped one is impossible. */
        fprintf(stderr, "refprov: StopRefreshing: no item %d\n", (int)id);
        abort();
    }
#elif defined(HIPERF_DEFECT_STOP_UNLOCK_MISSING)
    else {
        /* DEFECT stop_unlock_missing (HP-STOPREFRESHING-UNKNOWN-ID): an early
         * return that skips the unlock below; the next call on this
         * refresher waits forever. */
        IWbemRefresher_Release(&r->IWbemRefresher_iface);
        return WBEM_E_NOT_FOUND;
    }
#endif
    refresher_leave(r, how);
#if defined(HIPERF_DEFECT_STOP_LOCK_ORDER)
    pthread_mutex_unlock(&stats_lock);
#endif
    if (obj)
        IWbemObjectAccess_Release(obj);
    if (e)
        enum_free(e);
    IWbemRefresher_Release(&r->IWbemRefresher_iface);
    return hr;
}

/* ---- Refresh --------------------------------------------------------------- */

/* The hot path: writes the changing counters of every refreshable object.
 * Per object: one entry copy, one existence check, ndynamic writes. */
static HRESULT refresh_objects(struct rp_refresher *r)
{
    HRESULT first = WBEM_S_NO_ERROR;
    /* Objects a Create re-entered from a host call appends were filled at a
     * later clock reading than this Refresh's: they are left alone.  r->objs
     * is re-read every time round, as such an append may move it. */
    const size_t count = r->nobjs;

    for (size_t i = 0; i < count; i++) {
        const struct rp_object o = r->objs[i];
        const struct rp_table *t = &r->tab[o.cls];
#if defined(HIPERF_DEFECT_REFRESH_SEGFAULT)
        /* DEFECT refresh_segfault (HP-REFRESH-OBJECTS): forgets that a
         * stopped entry stays in the array, with obj NULL, until the array
         * is compacted, and writes through NULL. */
        if (!t->alive[o.inst])
#else
        if (!o.obj || !t->alive[o.inst])
#endif
            continue;  /* stopped, or a process that does not exist now */
        const struct rp_prop *props = rp_classes[o.cls].props;
        const unsigned n = rp_classes[o.cls].ndynamic;
        const LONG *h = r->handles[o.cls].handle;
        const uint64_t *v = t->vals + (size_t)o.inst * rp_classes[o.cls].nprops;
        for (unsigned j = 0; j < n; j++) {
            HRESULT hr = props[j].type == CIM_UINT32 ? IWbemObjectAccess_WriteDWORD(o.obj, h[j], (DWORD)v[j])
                                                     : IWbemObjectAccess_WriteQWORD(o.obj, h[j], v[j]);
            if (FAILED(hr) && SUCCEEDED(first))
                first = hr;
        }
    }
    return first;
}

/* A new member for enumerator e: instance k with its key and every value
 * of this Refresh, owned by the caller. */
static HRESULT spawn_member(struct rp_refresher *r, struct rp_enum *e, unsigned k, IWbemObjectAccess **out)
{
    const struct rp_class *c = &rp_classes[e->cls];
    IWbemClassObject *obj = NULL;
    IWbemObjectAccess *oa = NULL;
    HRESULT hr;

    *out = NULL;
    hr = IWbemClassObject_SpawnInstance(e->class_obj, 0, &obj);
    if (FAILED(hr))
        return hr;
    if (c->key) {
        WCHAR name[RP_NAME_MAX];
        hr = rp_put_string(obj, c->key, rp_instance_name(c, k, name));
    }
    if (SUCCEEDED(hr))
        hr = IWbemClassObject_QueryInterface(obj, &IID_IWbemObjectAccess, (void **)&oa);
    IWbemClassObject_Release(obj);
    if (FAILED(hr))
        return hr;
    hr = rp_write_values(oa, c, &r->handles[e->cls], r->tab[e->cls].vals + (size_t)k * c->nprops, 0, c->nprops);
    if (FAILED(hr)) {
        IWbemObjectAccess_Release(oa);
        return hr;
    }
    *out = oa;
    return WBEM_S_NO_ERROR;
}

/* Brings enumerator e up to date by difference: one RemoveObjects for the
 * instances that are gone, writes in place for those still there, one
 * AddObjects for the new ones.  Never RemoveAll.  A call on the
 * enumerator that fails is tried again at the next Refresh (the members
 * stay as they were); the first failure is returned.  e->stopped is
 * checked before every call on the enumerator. */
static HRESULT refresh_enum(struct rp_refresher *r, struct rp_enum *e)
{
    const struct rp_class *c = &rp_classes[e->cls];
    const bool *alive = r->tab[e->cls].alive;
    const uint64_t *vals = r->tab[e->cls].vals;
    IWbemObjectAccess **fresh = e->fresh;
    LONG *ids = e->ids;
    unsigned *which = e->which;
    ULONG n = 0;
    HRESULT hr, first = WBEM_S_NO_ERROR;

    /* 1. Gone. */
    for (unsigned k = 0; k < e->ninst; k++) {
        if (e->member[k] && !alive[k]) {
            ids[n] = e->member_id[k];
            which[n++] = k;
        }
    }
#if defined(HIPERF_DEFECT_ENUM_STALE_MEMBERS)
    /* DEFECT enum_stale_members (HP-ENUM-CONTENT): never removes anything:
     * instances that are gone stay in the enumerator. */
    n = 0;
#endif
    if (n > 0 && !e->stopped) {
#if defined(HIPERF_DEFECT_ENUM_MISSED_REMOVAL)
        /* DEFECT enum_missed_removal (HP-ENUM-CONTENT): an off-by-one that
         * leaves the first gone member in the enumerator while the provider
         * forgets it. */
        hr = IWbemHiPerfEnum_RemoveObjects(e->hpe, 0, n - 1, ids + 1);
#else
        hr = IWbemHiPerfEnum_RemoveObjects(e->hpe, 0, n, ids);
#endif
        if (FAILED(hr)) {
            first = hr;
        } else {
            for (ULONG j = 0; j < n; j++) {
                IWbemObjectAccess *gone = e->member[which[j]];
                e->member[which[j]] = NULL;
                IWbemObjectAccess_Release(gone);
            }
        }
    }

    /* 2. Still there: update in place.  The members are ours; a stop from
     * a host call does not free them before Refresh is over. */
    for (unsigned k = 0; k < e->ninst && !e->stopped; k++) {
        IWbemObjectAccess *obj = e->member[k];
        if (!obj || !alive[k])
            continue;
        hr = rp_write_values(obj, c, &r->handles[e->cls], vals + (size_t)k * c->nprops, 0, c->ndynamic);
        if (FAILED(hr) && SUCCEEDED(first))
            first = hr;
    }

    /* 3. New. */
    n = 0;
    for (unsigned k = 0; k < e->ninst && !e->stopped; k++) {
        if (e->member[k] || !alive[k])
            continue;
        hr = spawn_member(r, e, k, &fresh[n]);
        if (FAILED(hr)) {
            if (SUCCEEDED(first))
                first = hr;
            continue;
        }
        if (e->next_member_id == INT32_MAX)
            e->next_member_id = 1;  /* after 2^31 additions; at most ninst ids are live */
        ids[n] = e->next_member_id++;
        which[n++] = k;
    }
    if (n > 0) {
        bool added = false;
        if (!e->stopped) {
            hr = IWbemHiPerfEnum_AddObjects(e->hpe, 0, n, ids, fresh);
            if (SUCCEEDED(hr))
                added = true;
            else if (SUCCEEDED(first))
                first = hr;
        }
        for (ULONG j = 0; j < n; j++) {
#if defined(HIPERF_DEFECT_ENUM_DUPLICATES)
            /* DEFECT enum_duplicates (HP-ENUM-CONTENT): never records what it
             * added, so every Refresh adds every instance again, under new
             * IDs. */
            added = false;
#endif
            if (added) {
                /* The enumerator AddRef'd what it keeps; ours stay ours. */
                e->member[which[j]] = fresh[j];
                e->member_id[which[j]] = ids[j];
            } else {
                IWbemObjectAccess_Release(fresh[j]);
            }
        }
    }
    return first;
}

/* Brings every entry up to date from one clock reading.  lFlags:
 * WBEM_FLAG_REFRESH_AUTO_RECONNECT (0) or _NO_AUTO_RECONNECT (1), else
 * WBEM_E_INVALID_PARAMETER.  Returns the first failure of a host call
 * (after doing all the rest), WBEM_E_REFRESHER_BUSY if called from inside
 * its own Refresh or nested in another refresher's Refresh while this one
 * is busy, else WBEM_S_NO_ERROR. */
static HRESULT STDMETHODCALLTYPE refresher_Refresh(IWbemRefresher *iface, LONG flags)
{
    struct rp_refresher *r = impl_from_IWbemRefresher(iface);
    struct refresh_frame frame;
    struct rp_enum *dead = NULL;
    IWbemObjectAccess **grave = NULL;
    size_t ngrave = 0;
    struct rp_now now;
    HRESULT hr, hr2;
    enum entry how;

#if defined(HIPERF_DEFECT_REFRESH_FLAGS_STRICT)
    /* DEFECT refresh_flags_strict (HP-REFRESH-FLAGS): lFlags taken for
     * reserved, so WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT is refused. */
    if (flags != 0)
#else
    if (flags & ~(LONG)WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT)
#endif
        return WBEM_E_INVALID_PARAMETER;
    /* Our own reference, so a host that drops its last one from a callback
     * cannot free the refresher under us. */
    IWbemRefresher_AddRef(iface);
    how = refresher_enter(r);
    if (how != ENTRY_LOCKED) {
        refresher_leave(r, how);
        IWbemRefresher_Release(iface);
        return WBEM_E_REFRESHER_BUSY;
    }
    frame.r = r;
    frame.up = tls_frames;
    tls_frames = &frame;

    rp_now_read(&now);  /* the only clock reading of this Refresh */
    for (int c = 0; c < RP_HIPERF_CLASS_COUNT; c++) {
        struct rp_table *t = &r->tab[c];
        const unsigned stride = rp_classes[c].nprops;
        for (unsigned k = 0; t->vals && k < t->ninst; k++)
            t->alive[k] = rp_classes[c].values(&now, k, t->vals + (size_t)k * stride);
    }

    hr = refresh_objects(r);
    const size_t nenums = r->nenums;  /* as in refresh_objects: not the ones added meanwhile */
    for (size_t i = 0; i < nenums; i++) {
        struct rp_enum *e = r->enums[i];
        if (e->stopped)
            continue;
        hr2 = refresh_enum(r, e);
        if (FAILED(hr2) && SUCCEEDED(hr))
            hr = hr2;
    }

    tls_frames = frame.up;
    /* Sweep what was stopped from inside: detach under the mutex (no host
     * calls), release after dropping it. */
    if (r->sweep) {
        size_t w = 0;
        for (size_t i = 0; i < r->nenums; i++) {
            struct rp_enum *e = r->enums[i];
            if (e->stopped) {
                e->next_dead = dead;
                dead = e;
            } else {
                r->enums[w++] = e;
            }
        }
        r->nenums = w;
        grave = r->graveyard;
        ngrave = r->ngrave;
        r->graveyard = NULL;
        r->ngrave = r->capgrave = 0;
        r->sweep = false;
    }
    maybe_compact(r);
#if defined(HIPERF_DEFECT_STOP_LOCK_ORDER)
    pthread_mutex_lock(&stats_lock);   /* second lock, other order than StopRefreshing */
    stats_refreshes++;
    pthread_mutex_unlock(&stats_lock);
#endif
    refresher_leave(r, how);

    while (dead) {
        struct rp_enum *next = dead->next_dead;
        enum_free(dead);
        dead = next;
    }
    for (size_t i = 0; i < ngrave; i++)
        IWbemObjectAccess_Release(grave[i]);
    free(grave);
    IWbemRefresher_Release(iface);
    return hr;
}

/* ---- IUnknown and creation --------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE refresher_QueryInterface(IWbemRefresher *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemRefresher)) {
        *ppv = iface;
        IWbemRefresher_AddRef(iface);
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE refresher_AddRef(IWbemRefresher *iface)
{
    return atomic_fetch_add(&impl_from_IWbemRefresher(iface)->ref, 1) + 1;
}

/* The last reference releases every object and enumerator the refresher
 * holds, then its reference on the provider.  Nobody else can be inside
 * the refresher then: every method holds a reference while it runs. */
static void refresher_destroy(struct rp_refresher *r)
{
#if defined(HIPERF_DEFECT_STOP_WRONG_REFRESHER)
    struct rp_refresher *self = r;
    atomic_compare_exchange_strong(&the_refresher, &self, NULL);
#endif
#if defined(HIPERF_DEFECT_REFRESHER_LEAKS_ENTRIES)
    /* DEFECT refresher_leaks_entries (HP-REFRESHER-RELEASE-CLEANUP): the
     * last Release frees the arrays but not what is in them. */
#else
    for (size_t i = 0; i < r->nobjs; i++)
        if (r->objs[i].obj)
            IWbemObjectAccess_Release(r->objs[i].obj);
    for (size_t i = 0; i < r->nenums; i++)
        enum_free(r->enums[i]);
    for (size_t i = 0; i < r->ngrave; i++)
        IWbemObjectAccess_Release(r->graveyard[i]);
#endif
    free(r->objs);
    free(r->enums);
    free(r->graveyard);
    for (int c = 0; c < RP_HIPERF_CLASS_COUNT; c++) {
        free(r->tab[c].vals);
        free(r->tab[c].alive);
    }
    pthread_mutex_destroy(&r->lock);
#if !defined(HIPERF_DEFECT_REFRESHER_KEEPS_PROVIDER)
    /* (DEFECT refresher_keeps_provider, COM-REFCOUNT-BALANCE: without this
     * the provider, and all it holds, outlives every refresher forever.) */
    rp_provider_release(r->prov);
#endif
    free(r);
    rp_module_object_destroyed();
}

static ULONG STDMETHODCALLTYPE refresher_Release(IWbemRefresher *iface)
{
    struct rp_refresher *r = impl_from_IWbemRefresher(iface);
    ULONG ref = atomic_fetch_sub(&r->ref, 1) - 1;

    if (ref == 0)
        refresher_destroy(r);
    return ref;
}

static const IWbemRefresherVtbl refresher_vtbl = {
    refresher_QueryInterface,
    refresher_AddRef,
    refresher_Release,
    refresher_Refresh,
};

HRESULT rp_refresher_create(struct rp_provider *p, IWbemRefresher **out)
{
    struct rp_refresher *r = calloc(1, sizeof(*r));

    *out = NULL;
    if (!r)
        return WBEM_E_OUT_OF_MEMORY;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return WBEM_E_OUT_OF_MEMORY;
    }
    r->IWbemRefresher_iface.lpVtbl = &refresher_vtbl;
    atomic_init(&r->ref, 1);
    r->prov = p;
    rp_provider_addref(p);
    r->next_id = 1;
#if defined(HIPERF_DEFECT_STOP_WRONG_REFRESHER)
    struct rp_refresher *none = NULL;
    atomic_compare_exchange_strong(&the_refresher, &none, r);
#endif
    rp_module_object_created();
    *out = &r->IWbemRefresher_iface;
    return WBEM_S_NO_ERROR;
}

struct rp_refresher *rp_refresher_from_iface(IWbemRefresher *iface, struct rp_provider *p)
{
    struct rp_refresher *r;

    /* Only our own vtable is known to sit in front of a struct rp_refresher;
     * nothing else is read from a pointer until that is established. */
    if (!iface || iface->lpVtbl != &refresher_vtbl)
        return NULL;
    r = impl_from_IWbemRefresher(iface);
    return r->prov == p ? r : NULL;
}
