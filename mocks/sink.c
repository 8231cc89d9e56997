/*
 * mocks/sink.c - the recording IWbemObjectSink and IWbemProviderInitSink
 * (rules in sink.h).
 *
 * Invariants:
 *  - objsink: recs[0..n) are in the order of their journal seq (the record
 *    and its journal entry are made under the same lock); every object a
 *    record keeps carries one HOST reference until the sink dies; `complete`
 *    only goes from false to true, and is published (atomically) after the
 *    record that completed the sink is stored, so a waiter that sees it sees
 *    the final status.
 *  - Neither sink holds its lock while reporting a finding or dropping a
 *    reference.
 */
#include "sink.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "object.h"

/* Polls *flag every 1 ms of nanosleep, at most max_ms times (see sink.h
 * for why no clock is read). */
static bool poll_flag(_Atomic bool *flag, unsigned max_ms)
{
    for (unsigned i = 0;; i++) {
        if (atomic_load(flag))
            return true;
        if (i >= max_ms)
            return false;
        struct timespec step = {0, 1000000};
        nanosleep(&step, NULL);
    }
}

static int64_t jstr(struct host *host, const WCHAR *s)
{
    return host->journal.enabled ? journal_intern16(&host->journal, s) : 0;
}

/* The host object behind p if it may be kept: NULL after recording a
 * finding for a foreign or dead pointer (p itself must not be NULL). */
static struct hobj *keepable(struct host *host, uint64_t sink_id, const void *p, enum hp_method m)
{
    enum hp_actor actor = hp_actor_current();
    struct hobject *o = hobject_from_iface(p);
    if (!o) {
        ledger_report(&host->ledger, LEDGER_FOREIGN_OBJECT, actor, sink_id, 1, m,
                      "%s: the %s passed %p, which is not an object of the host", hp_method_name(m),
                      hp_actor_name(actor), p);
        return NULL;
    }
    struct hobj *h = hobject_hobj(o);
    if (!hobj_alive(h)) {
        ledger_report(&host->ledger, LEDGER_USE_AFTER_RELEASE, actor, h->id, 1, m,
                      "%s: the %s passed object #%llu after its last reference was released",
                      hp_method_name(m), hp_actor_name(actor), (unsigned long long)h->id);
        return NULL;
    }
    return h;
}

/* ==== IWbemObjectSink ======================================================= */

struct objsink_rec {
    struct objsink_event ev;   /* its pointers are owned by the sink */
    struct hobj **held;        /* Indicate: the ev.count references kept, NULL once dropped */
    struct hobj *param_held;   /* SetStatus: the reference to obj_param */
};

struct objsink {
    IWbemObjectSink IWbemObjectSink_iface;
    struct hobj hdr;
    struct host *host;
    char *label;
    pthread_mutex_t lock;
    struct objsink_rec *recs;
    size_t n, cap;
    struct objsink_stats stats;
    bool dead;                 /* on_dead ran: no record is stored any more */
    _Atomic bool complete;
};

static const IWbemObjectSinkVtbl objsink_vtbl;

static struct objsink *impl_from_IWbemObjectSink(IWbemObjectSink *iface)
{
    return (struct objsink *)((char *)iface - offsetof(struct objsink, IWbemObjectSink_iface));
}

static struct objsink *objsink_from_hobj(struct hobj *h)
{
    return (struct objsink *)((char *)h - offsetof(struct objsink, hdr));
}

static void rec_drop_refs(struct objsink_rec *r)
{
    if (r->held) {
        for (LONG i = 0; i < r->ev.count; i++)
            hobj_unref(r->held[i], HP_ACTOR_HOST);
        free(r->held);
        r->held = NULL;
    }
    if (r->param_held) {
        hobj_unref(r->param_held, HP_ACTOR_HOST);
        r->param_held = NULL;
    }
}

static void rec_free(struct objsink_rec *r)
{
    rec_drop_refs(r);
    free(r->ev.objects);
    free((void *)r->ev.param);
}

/* Journals the call (as host_leave does, but keeping the seq) and stores
 * the record, both under the lock so records follow journal order.  On
 * success the record's memory and references belong to the sink; if it
 * cannot be stored they are released here and the call fails with
 * WBEM_E_OUT_OF_MEMORY (CO_E_OBJNOTCONNECTED if the sink died meanwhile).
 * Returns what the method returns. */
static HRESULT objsink_record(struct objsink *s, enum hp_method m, int64_t a0, int64_t a1, int64_t a2,
                              uint8_t strmask, struct objsink_rec *r)
{
    bool completed_now = false, late_indicate = false;
    pthread_mutex_lock(&s->lock);
    r->ev.after_complete = s->stats.complete;
    bool stored = !s->dead && faults_check(&s->host->faults, HPM_HOST_ALLOC) == S_OK &&
                  hp_grow((void **)&s->recs, &s->cap, s->n + 1, sizeof *s->recs) == 0;
    if (!stored)
        r->ev.result = s->dead ? CO_E_OBJNOTCONNECTED : WBEM_E_OUT_OF_MEMORY;
    r->ev.seq = journal_add(&s->host->journal, JOURNAL_CALL, m, hp_actor_current(), HP_ACTOR_HOST,
                            s->hdr.id, a0, a1, a2, strmask, r->ev.result);
    /* The counts and the completion need no memory: they are kept even
     * when the record itself could not be stored, so a host out of memory
     * never makes a provider that did complete look as if it never did. */
    if (!s->dead) {
        struct objsink_stats *st = &s->stats;
        if (r->ev.kind == OBJSINK_INDICATE) {
            st->indicate_calls++;
            if (SUCCEEDED(r->ev.result))
                st->objects += (size_t)r->ev.count;
            else
                st->indicate_rejected++;
            if (r->ev.after_complete)
                late_indicate = st->indicate_after_complete = true;
        } else {
            st->set_status_calls++;
            if (r->ev.flags == WBEM_STATUS_COMPLETE) {
                st->complete_calls++;
                if (!st->complete) {
                    st->complete = completed_now = true;
                    st->final_status = r->ev.status;
                }
            }
        }
    }
    if (stored)
        s->recs[s->n++] = *r;
    pthread_mutex_unlock(&s->lock);
    if (completed_now)
        atomic_store(&s->complete, true);
    if (!stored)
        rec_free(r);
    if (late_indicate)
        ledger_report(&s->host->ledger, LEDGER_COM_RULE, hp_actor_current(), s->hdr.id, 1, m,
                      "[sink.indicate-after-complete] the %s called IWbemObjectSink::Indicate on "
                      "sink #%llu%s%s%s after SetStatus(WBEM_STATUS_COMPLETE)",
                      hp_actor_name(hp_actor_current()), (unsigned long long)s->hdr.id,
                      s->label ? " (" : "", s->label ? s->label : "", s->label ? ")" : "");
    return r->ev.result;
}

static HRESULT STDMETHODCALLTYPE objsink_QueryInterface(IWbemObjectSink *iface, REFIID riid, void **ppv)
{
    struct objsink *s = impl_from_IWbemObjectSink(iface);
    return host_query_interface(s->host, &s->hdr, HPM_IWbemObjectSink_QueryInterface, &s->IWbemObjectSink_iface, &IID_IWbemObjectSink, riid, ppv);
}

static ULONG STDMETHODCALLTYPE objsink_AddRef(IWbemObjectSink *iface)
{
    return hobj_addref(&impl_from_IWbemObjectSink(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE objsink_Release(IWbemObjectSink *iface)
{
    return hobj_release(&impl_from_IWbemObjectSink(iface)->hdr);
}

static HRESULT STDMETHODCALLTYPE objsink_Indicate(IWbemObjectSink *iface, LONG lObjectCount,
                                                  IWbemClassObject **apObjArray)
{
    struct objsink *s = impl_from_IWbemObjectSink(iface);
    const enum hp_method m = HPM_IWbemObjectSink_Indicate;
    HRESULT hr = host_enter(s->host, &s->hdr, m);
    if (hr != S_OK)
        return host_leave(s->host, &s->hdr, m, lObjectCount, 0, 0, 0, hr);
    struct objsink_rec r = {.ev = {.kind = OBJSINK_INDICATE, .caller = hp_actor_current(),
                                   .result = WBEM_S_NO_ERROR, .count = lObjectCount}};
    if (lObjectCount < 0 || (lObjectCount > 0 && !apObjArray))
        r.ev.result = WBEM_E_INVALID_PARAMETER;
    for (LONG i = 0; r.ev.result == S_OK && i < lObjectCount; i++)
        if (!apObjArray[i] || !keepable(s->host, s->hdr.id, apObjArray[i], m))
            r.ev.result = WBEM_E_INVALID_PARAMETER;
    if (r.ev.result == S_OK && lObjectCount > 0) {
        size_t n = (size_t)lObjectCount;
        r.ev.objects = host_calloc(s->host, n, sizeof *r.ev.objects);
        r.held = r.ev.objects ? calloc(n, sizeof *r.held) : NULL;
        if (!r.held) {
            free(r.ev.objects);
            r.ev.objects = NULL;
            r.ev.result = WBEM_E_OUT_OF_MEMORY;
        } else {
            for (size_t i = 0; i < n; i++) {
                r.ev.objects[i] = apObjArray[i];
                r.held[i] = hobject_hobj(hobject_from_iface(apObjArray[i]));
                hobj_ref(r.held[i], HP_ACTOR_HOST);
            }
        }
    }
    int64_t first = r.held ? (int64_t)r.held[0]->id : 0;
    return objsink_record(s, m, lObjectCount, first, 0, 0, &r);
}

static HRESULT STDMETHODCALLTYPE objsink_SetStatus(IWbemObjectSink *iface, LONG lFlags, HRESULT hResult,
                                                   BSTR strParam, IWbemClassObject *pObjParam)
{
    struct objsink *s = impl_from_IWbemObjectSink(iface);
    const enum hp_method m = HPM_IWbemObjectSink_SetStatus;
    int64_t jparam = jstr(s->host, strParam);
    HRESULT hr = host_enter(s->host, &s->hdr, m);
    if (hr != S_OK)
        return host_leave(s->host, &s->hdr, m, lFlags, hResult, jparam, 4, hr);
    struct objsink_rec r = {.ev = {.kind = OBJSINK_SET_STATUS, .caller = hp_actor_current(),
                                   .result = WBEM_S_NO_ERROR, .flags = lFlags, .status = hResult}};
    if (strParam) {
        /* A provider may pass a plain string rather than a BSTR: copy up to
         * the NUL, never trusting a length prefix. */
        size_t len = hp_u16len(strParam);
        WCHAR *copy = malloc((len + 1) * sizeof *copy);
        if (copy)
            memcpy(copy, strParam, (len + 1) * sizeof *copy);
        r.ev.param = copy;
    }
    if (pObjParam && (r.param_held = keepable(s->host, s->hdr.id, pObjParam, m))) {
        hobj_ref(r.param_held, HP_ACTOR_HOST);
        r.ev.obj_param = pObjParam;
    }
    return objsink_record(s, m, lFlags, hResult, jparam, 4, &r);
}

static const IWbemObjectSinkVtbl objsink_vtbl = {
    objsink_QueryInterface,
    objsink_AddRef,
    objsink_Release,
    objsink_Indicate,
    objsink_SetStatus,
};

/* Drops every reference the records hold; the records stay readable. */
static void objsink_on_dead(struct hobj *h)
{
    struct objsink *s = objsink_from_hobj(h);
    pthread_mutex_lock(&s->lock);
    s->dead = true;
    size_t n = s->n;
    pthread_mutex_unlock(&s->lock);
    /* recs cannot move any more: a call still running stores nothing. */
    for (size_t i = 0; i < n; i++)
        rec_drop_refs(&s->recs[i]);
}

static void objsink_free(struct hobj *h)
{
    struct objsink *s = objsink_from_hobj(h);
    for (size_t i = 0; i < s->n; i++)
        rec_free(&s->recs[i]);
    free(s->recs);
    free(s->label);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void objsink_describe(struct hobj *h, struct hp_buf *out)
{
    struct objsink *s = objsink_from_hobj(h);
    struct objsink_stats st;
    objsink_get_stats(s, &st);
    hp_buf_printf(out, "%s%s%zu object%s indicated, %s", s->label ? s->label : "", s->label ? ", " : "",
                  st.objects, st.objects == 1 ? "" : "s", st.complete ? "complete" : "pending");
}

static const struct hobj_ops objsink_ops = {"IWbemObjectSink", objsink_on_dead, objsink_free, objsink_describe};

int objsink_new(struct objsink **out, struct host *host, enum hp_actor holder, const char *label)
{
    *out = NULL;
    struct objsink *s = host_calloc(host, 1, sizeof *s);
    if (!s)
        return hp_error_set(HP_ENOMEM, "out of memory for an IWbemObjectSink");
    if (label && !(s->label = hp_strdup(label))) {
        free(s);
        return hp_error_set(HP_ENOMEM, "out of memory for an IWbemObjectSink");
    }
    s->IWbemObjectSink_iface.lpVtbl = &objsink_vtbl;
    s->host = host;
    s->stats.final_status = S_OK;
    pthread_mutex_init(&s->lock, NULL);
    hobj_init(&s->hdr, &host->ledger, &objsink_ops, holder);
    *out = s;
    return 0;
}

IWbemObjectSink *objsink_iface(struct objsink *s)
{
    return &s->IWbemObjectSink_iface;
}

struct hobj *objsink_hobj(struct objsink *s)
{
    return &s->hdr;
}

struct objsink *objsink_from_iface(const void *iface)
{
    const IWbemObjectSink *p = iface;
    if (!p || p->lpVtbl != &objsink_vtbl)
        return NULL;
    return impl_from_IWbemObjectSink((IWbemObjectSink *)p);
}

void objsink_get_stats(struct objsink *s, struct objsink_stats *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    pthread_mutex_unlock(&s->lock);
}

size_t objsink_event_count(struct objsink *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->n;
    pthread_mutex_unlock(&s->lock);
    return n;
}

bool objsink_event_get(struct objsink *s, size_t i, struct objsink_event *out)
{
    pthread_mutex_lock(&s->lock);
    bool ok = i < s->n;
    if (ok)
        *out = s->recs[i].ev;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

bool objsink_wait_complete(struct objsink *s, unsigned max_ms)
{
    return poll_flag(&s->complete, max_ms);
}

static bool provider_let_go(struct objsink *s)
{
    return atomic_load(&s->hdr.by[HP_ACTOR_PROVIDER]) <= 0;
}

HRESULT objsink_result(struct objsink *s, HRESULT returned, bool return_completes, unsigned max_ms)
{
    if (SUCCEEDED(returned)) {
        for (unsigned i = 0; !atomic_load(&s->complete) && !(return_completes && provider_let_go(s)) && i < max_ms;
             i++) {
            struct timespec step = {0, 1000000};
            nanosleep(&step, NULL);
        }
    }
    struct objsink_stats st;
    objsink_get_stats(s, &st);
    if (st.complete)
        return st.final_status;
    if (FAILED(returned) || (return_completes && provider_let_go(s)))
        return returned;
    return WBEM_E_PROVIDER_TIMED_OUT;
}

/* ==== IWbemProviderInitSink ================================================ */

struct initsink {
    IWbemProviderInitSink IWbemProviderInitSink_iface;
    struct hobj hdr;
    struct host *host;
    pthread_mutex_t lock;
    struct initsink_stats stats;
    _Atomic bool called;
};

static const IWbemProviderInitSinkVtbl initsink_vtbl;

static struct initsink *impl_from_IWbemProviderInitSink(IWbemProviderInitSink *iface)
{
    return (struct initsink *)((char *)iface - offsetof(struct initsink, IWbemProviderInitSink_iface));
}

static struct initsink *initsink_from_hobj(struct hobj *h)
{
    return (struct initsink *)((char *)h - offsetof(struct initsink, hdr));
}

static HRESULT STDMETHODCALLTYPE initsink_QueryInterface(IWbemProviderInitSink *iface, REFIID riid, void **ppv)
{
    struct initsink *s = impl_from_IWbemProviderInitSink(iface);
    return host_query_interface(s->host, &s->hdr, HPM_IWbemProviderInitSink_QueryInterface, &s->IWbemProviderInitSink_iface, &IID_IWbemProviderInitSink, riid, ppv);
}

static ULONG STDMETHODCALLTYPE initsink_AddRef(IWbemProviderInitSink *iface)
{
    return hobj_addref(&impl_from_IWbemProviderInitSink(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE initsink_Release(IWbemProviderInitSink *iface)
{
    return hobj_release(&impl_from_IWbemProviderInitSink(iface)->hdr);
}

static HRESULT STDMETHODCALLTYPE initsink_SetStatus(IWbemProviderInitSink *iface, LONG lStatus, LONG lFlags)
{
    struct initsink *s = impl_from_IWbemProviderInitSink(iface);
    const enum hp_method m = HPM_IWbemProviderInitSink_SetStatus;
    HRESULT hr = host_enter(s->host, &s->hdr, m);
    if (hr != S_OK)
        return host_leave(s->host, &s->hdr, m, lStatus, lFlags, 0, 0, hr);
    pthread_mutex_lock(&s->lock);
    if (!s->stats.calls)
        s->stats.first_status = lStatus;
    s->stats.calls++;
    s->stats.last_status = lStatus;
    s->stats.last_flags = lFlags;
    if (lFlags != 0)
        s->stats.bad_flags++;
    if (lStatus != WBEM_S_INITIALIZED && lStatus != WBEM_E_FAILED)
        s->stats.bad_status++;
    pthread_mutex_unlock(&s->lock);
    atomic_store(&s->called, true);
    if (lFlags != 0) {
        enum hp_actor actor = hp_actor_current();
        ledger_report(&s->host->ledger, LEDGER_COM_RULE, actor, s->hdr.id, 1, m,
                      "[initsink.flags] the %s called IWbemProviderInitSink::SetStatus with lFlags "
                      "0x%lx; it must be 0",
                      hp_actor_name(actor), (unsigned long)(ULONG)lFlags);
    }
    return host_leave(s->host, &s->hdr, m, lStatus, lFlags, 0, 0, WBEM_S_NO_ERROR);
}

static const IWbemProviderInitSinkVtbl initsink_vtbl = {
    initsink_QueryInterface,
    initsink_AddRef,
    initsink_Release,
    initsink_SetStatus,
};

static void initsink_free(struct hobj *h)
{
    struct initsink *s = initsink_from_hobj(h);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void initsink_describe(struct hobj *h, struct hp_buf *out)
{
    struct initsink_stats st;
    initsink_get_stats(initsink_from_hobj(h), &st);
    hp_buf_printf(out, "%zu SetStatus call%s", st.calls, st.calls == 1 ? "" : "s");
}

static const struct hobj_ops initsink_ops = {"IWbemProviderInitSink", NULL, initsink_free, initsink_describe};

int initsink_new(struct initsink **out, struct host *host, enum hp_actor holder)
{
    *out = NULL;
    struct initsink *s = host_calloc(host, 1, sizeof *s);
    if (!s)
        return hp_error_set(HP_ENOMEM, "out of memory for an IWbemProviderInitSink");
    s->IWbemProviderInitSink_iface.lpVtbl = &initsink_vtbl;
    s->host = host;
    pthread_mutex_init(&s->lock, NULL);
    hobj_init(&s->hdr, &host->ledger, &initsink_ops, holder);
    *out = s;
    return 0;
}

IWbemProviderInitSink *initsink_iface(struct initsink *s)
{
    return &s->IWbemProviderInitSink_iface;
}

struct hobj *initsink_hobj(struct initsink *s)
{
    return &s->hdr;
}

void initsink_get_stats(struct initsink *s, struct initsink_stats *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    pthread_mutex_unlock(&s->lock);
}

bool initsink_wait_status(struct initsink *s, unsigned max_ms)
{
    return poll_flag(&s->called, max_ms);
}
