/*
 * mocks/hiperfenum.c - IWbemHiPerfEnum as WMI implements it: the list of
 * (id, object) pairs a provider keeps up to date during a refresh and a
 * client reads with GetObjects.  The rules and the choices made where
 * Windows is not documented are listed in hiperfenum.h.
 *
 * Protocol findings (LEDGER_COM_RULE, text starting with the rule name in
 * brackets), recorded only for calls by the provider actor, once per
 * offending call; the call's result is what it would be without them:
 *  - [hiperfenum.outside-refresh]: AddObjects/RemoveObjects/RemoveAll with
 *    no window open (HP-ENUM-TOUCH-IN-REFRESH); the call still runs.
 *  - [hiperfenum.duplicate-id]: AddObjects with an ID already in the
 *    enumerator or twice in the same call (HP-ENUM-UNIQUE-IDS), naming the
 *    ID and the enumerator; the call fails with WBEM_E_FAILED.
 *  - [hiperfenum.flags]: any method with lFlags != 0 (HP-ENUM-FLAGS-ZERO),
 *    naming the method and the value; the call fails with
 *    WBEM_E_INVALID_PARAMETER.
 *
 * Invariants:
 *  - items[0..n) is in insertion order; every id in it is unique, and
 *    `index` maps each id to its position (open addressing, at most half
 *    full, rebuilt whenever positions move).
 *  - Each item holds exactly one HOST reference to its object, taken when
 *    it was added and dropped when it is removed (or the enum dies).
 *  - A failed AddObjects/RemoveObjects changes nothing.
 *  - `lock` guards items, index and the hook fields; it is never held while
 *    the hook runs, while a reference is dropped (dropping the last one
 *    runs the object's on_dead) or while a finding is recorded (the
 *    ledger's lock is taken before ours when it describes objects).
 */
#include "hiperfenum.h"

#include <stdlib.h>
#include <string.h>

#include "object.h"

struct hpenum_entry {
    LONG id;
    bool removing;              /* marked by the current RemoveObjects */
    IWbemObjectAccess *obj;
    struct hobject *hobject;
    struct hobj *h;
};

struct hpenum {
    IWbemHiPerfEnum IWbemHiPerfEnum_iface;
    struct hobj hdr;
    struct host *host;
    char *label;                /* owned, may be NULL */

    pthread_mutex_t lock;
    pthread_cond_t hook_idle;   /* signalled when hook_running drops to 0 */
    struct hpenum_entry *items;
    size_t n, cap;
    size_t *index;              /* position + 1, 0 = empty slot */
    size_t index_cap;           /* 0 or a power of two >= 2 * n */
    hpenum_hook_fn hook;
    void *hook_user;
    unsigned hook_running;

    _Atomic int window;
    _Atomic uint64_t mods, add_calls, remove_calls, remove_all_calls, get_calls, outside;
};

static const IWbemHiPerfEnumVtbl hpenum_vtbl;

static struct hpenum *impl_from_IWbemHiPerfEnum(IWbemHiPerfEnum *iface)
{
    return (struct hpenum *)((char *)iface - offsetof(struct hpenum, IWbemHiPerfEnum_iface));
}

static struct hpenum *impl_from_hobj(struct hobj *h)
{
    return (struct hpenum *)((char *)h - offsetof(struct hpenum, hdr));
}

/* ---- The id index ----------------------------------------------------- */

static size_t id_hash(LONG id, size_t mask)
{
    uint64_t x = (uint64_t)(uint32_t)id * 0x9e3779b97f4a7c15ull;
    return (size_t)(x >> 32) & mask;
}

/* Position of id in items, or (size_t)-1. */
static size_t index_find(const struct hpenum *e, LONG id)
{
    if (!e->index_cap)
        return (size_t)-1;
    size_t mask = e->index_cap - 1;
    for (size_t s = id_hash(id, mask);; s = (s + 1) & mask) {
        size_t v = e->index[s];
        if (!v)
            return (size_t)-1;
        if (e->items[v - 1].id == id)
            return v - 1;
    }
}

static void index_put(struct hpenum *e, size_t pos)
{
    size_t mask = e->index_cap - 1;
    size_t s = id_hash(e->items[pos].id, mask);
    while (e->index[s])
        s = (s + 1) & mask;
    e->index[s] = pos + 1;
}

static void index_rebuild(struct hpenum *e)
{
    if (!e->index_cap)
        return;
    memset(e->index, 0, e->index_cap * sizeof *e->index);
    for (size_t i = 0; i < e->n; i++)
        index_put(e, i);
}

/* A growth the host's fault injection can fail (HPM_HOST_ALLOC), checked
 * only when memory is really needed so call numbering stays reproducible. */
static bool host_may_allocate(struct host *host)
{
    return faults_check(&host->faults, HPM_HOST_ALLOC) == S_OK;
}

/* Room for `need` items and an index at most half full; false (nothing
 * changed) when out of memory.  Lock held. */
static bool reserve(struct hpenum *e, size_t need)
{
    if (need > e->cap) {
        if (!host_may_allocate(e->host) ||
            hp_grow((void **)&e->items, &e->cap, need, sizeof *e->items) != 0)
            return false;
    }
    if (need * 2 > e->index_cap) {
        size_t cap = 16;
        while (cap < need * 2)
            cap <<= 1;
        size_t *index = host_may_allocate(e->host) ? calloc(cap, sizeof *index) : NULL;
        if (!index)
            return false;
        free(e->index);
        e->index = index;
        e->index_cap = cap;
        index_rebuild(e);
    }
    return true;
}

/* ---- Hook ------------------------------------------------------------- */

/* The hook invocations running on this thread, innermost first, so that
 * hpenum_set_hook called from inside a hook does not wait for itself. */
struct hook_frame {
    struct hpenum *e;
    struct hook_frame *next;
};
static _Thread_local struct hook_frame *tl_hook_frames;

static void run_hook(struct hpenum *e, enum hp_method method)
{
    pthread_mutex_lock(&e->lock);
    hpenum_hook_fn fn = e->hook;
    void *user = e->hook_user;
    if (fn)
        e->hook_running++;
    pthread_mutex_unlock(&e->lock);
    if (!fn)
        return;
    struct hook_frame frame = {e, tl_hook_frames};
    tl_hook_frames = &frame;
    fn(e, method, user);
    tl_hook_frames = frame.next;
    pthread_mutex_lock(&e->lock);
    if (--e->hook_running == 0)
        pthread_cond_broadcast(&e->hook_idle);
    pthread_mutex_unlock(&e->lock);
}

void hpenum_set_hook(struct hpenum *e, hpenum_hook_fn fn, void *user)
{
    unsigned mine = 0;
    for (struct hook_frame *f = tl_hook_frames; f; f = f->next)
        mine += f->e == e;
    pthread_mutex_lock(&e->lock);
    e->hook = fn;
    e->hook_user = user;
    while (e->hook_running > mine)
        pthread_cond_wait(&e->hook_idle, &e->lock);
    pthread_mutex_unlock(&e->lock);
}

/* ---- Common checks of the modifying methods ---------------------------- */

static void describe_enum(struct hpenum *e, struct hp_buf *b)
{
    hp_buf_printf(b, "IWbemHiPerfEnum #%llu", (unsigned long long)e->hdr.id);
    if (e->label)
        hp_buf_printf(b, " (%s)", e->label);
}

/* Client access check, window check and hook; S_OK to go on. */
static HRESULT modify_prologue(struct hpenum *e, enum hp_method m)
{
    enum hp_actor actor = hp_actor_current();
    if (actor == HP_ACTOR_CLIENT)
        return WBEM_E_ACCESS_DENIED;
    if (actor == HP_ACTOR_PROVIDER && atomic_load(&e->window) <= 0) {
        atomic_fetch_add(&e->outside, 1);
        struct hp_buf b = {0};
        describe_enum(e, &b);
        ledger_report(&e->host->ledger, LEDGER_COM_RULE, actor, e->hdr.id, 1, m,
                      "[hiperfenum.outside-refresh] the provider called %s on %s outside "
                      "IWbemRefresher::Refresh",
                      hp_method_name(m), b.s ? b.s : "an enumerator");
        hp_buf_free(&b);
    }
    run_hook(e, m);
    return S_OK;
}

/* lFlags must be 0 (HP-ENUM-FLAGS-ZERO): a provider passing anything else
 * is a finding.  True when the flags are 0. */
static bool flags_ok(struct hpenum *e, enum hp_method m, LONG lFlags)
{
    if (lFlags == 0)
        return true;
    enum hp_actor actor = hp_actor_current();
    if (actor == HP_ACTOR_PROVIDER) {
        struct hp_buf b = {0};
        describe_enum(e, &b);
        ledger_report(&e->host->ledger, LEDGER_COM_RULE, actor, e->hdr.id, 1, m,
                      "[hiperfenum.flags] the provider called %s on %s with lFlags 0x%lx; it must be 0",
                      hp_method_name(m), b.s ? b.s : "an enumerator", (unsigned long)(ULONG)lFlags);
        hp_buf_free(&b);
    }
    return false;
}

/* The object behind a pointer the provider passed, or NULL after recording
 * why it cannot be kept. */
static struct hobject *resolve_object(struct hpenum *e, IWbemObjectAccess *obj, enum hp_method m)
{
    enum hp_actor actor = hp_actor_current();
    struct hobject *o = hobject_from_iface(obj);
    if (!o) {
        ledger_report(&e->host->ledger, LEDGER_FOREIGN_OBJECT, actor, e->hdr.id, 1, m,
                      "%s: the %s passed %p, which is not an object of the host",
                      hp_method_name(m), hp_actor_name(actor), (void *)obj);
        return NULL;
    }
    struct hobj *h = hobject_hobj(o);
    if (!hobj_alive(h)) {
        ledger_report(&e->host->ledger, LEDGER_USE_AFTER_RELEASE, actor, h->id, 1, m,
                      "%s: the %s passed object #%llu after its last reference was released",
                      hp_method_name(m), hp_actor_name(actor), (unsigned long long)h->id);
        return NULL;
    }
    return o;
}

/* ---- IUnknown ----------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE hpenum_QueryInterface(IWbemHiPerfEnum *iface, REFIID riid, void **ppv)
{
    struct hpenum *e = impl_from_IWbemHiPerfEnum(iface);
    return host_query_interface(e->host, &e->hdr, HPM_IWbemHiPerfEnum_QueryInterface, &e->IWbemHiPerfEnum_iface, &IID_IWbemHiPerfEnum, riid, ppv);
}

static ULONG STDMETHODCALLTYPE hpenum_AddRef(IWbemHiPerfEnum *iface)
{
    return hobj_addref(&impl_from_IWbemHiPerfEnum(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE hpenum_Release(IWbemHiPerfEnum *iface)
{
    return hobj_release(&impl_from_IWbemHiPerfEnum(iface)->hdr);
}

/* ---- IWbemHiPerfEnum ---------------------------------------------------- */

/* A duplicate ID an AddObjects was refused for. */
struct dup_info {
    bool found;
    LONG id;
    bool present;    /* already in the enumerator (else twice in the call) */
};

/* What AddObjects does once its arguments are checked: adds objs[0..n)
 * (host objects) under ids[0..n), all or nothing, each with a HOST
 * reference.  WBEM_E_FAILED and *dup for a duplicate ID. */
static HRESULT add_members(struct hpenum *e, ULONG n, const LONG *ids, IWbemObjectAccess **objs,
                           struct dup_info *dup)
{
    HRESULT hr = WBEM_S_NO_ERROR;
    pthread_mutex_lock(&e->lock);
    size_t old_n = e->n;
    if (!hobj_alive(&e->hdr)) {
        hr = CO_E_OBJNOTCONNECTED;      /* released while the hook ran */
        goto out;
    }
    if (!reserve(e, old_n + n)) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    for (ULONG i = 0; i < n; i++) {
        size_t pos = index_find(e, ids[i]);
        if (pos != (size_t)-1) {
            /* Already present, or twice in this call: undo the whole call. */
            *dup = (struct dup_info){true, ids[i], pos < old_n};
            e->n = old_n;
            index_rebuild(e);
            hr = WBEM_E_FAILED;
            goto out;
        }
        struct hobject *o = hobject_from_iface(objs[i]);
        e->items[e->n] = (struct hpenum_entry){
            .id = ids[i], .obj = objs[i], .hobject = o, .h = hobject_hobj(o)};
        index_put(e, e->n++);
    }
    for (size_t i = old_n; i < e->n; i++)
        hobj_ref(e->items[i].h, HP_ACTOR_HOST);
    atomic_fetch_add(&e->mods, 1);
out:
    pthread_mutex_unlock(&e->lock);
    return hr;
}

static HRESULT STDMETHODCALLTYPE hpenum_AddObjects(IWbemHiPerfEnum *iface, LONG lFlags, ULONG uNumObjects,
                                                   LONG *apIds, IWbemObjectAccess **apObj)
{
    struct hpenum *e = impl_from_IWbemHiPerfEnum(iface);
    const enum hp_method m = HPM_IWbemHiPerfEnum_AddObjects;
    int64_t first = uNumObjects && apIds ? apIds[0] : 0;
    atomic_fetch_add(&e->add_calls, 1);
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr == S_OK)
        hr = modify_prologue(e, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, first, 0, hr);
    if (!flags_ok(e, m, lFlags) || (uNumObjects && (!apIds || !apObj)))
        return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, first, 0, WBEM_E_INVALID_PARAMETER);
    for (ULONG i = 0; i < uNumObjects; i++)
        if (!apObj[i] || !resolve_object(e, apObj[i], m))
            return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, first, 0,
                              WBEM_E_INVALID_PARAMETER);

    struct dup_info dup = {0};
    hr = add_members(e, uNumObjects, apIds, apObj, &dup);
    if (dup.found && hp_actor_current() == HP_ACTOR_PROVIDER) {
        struct hp_buf b = {0};
        describe_enum(e, &b);
        ledger_report(&e->host->ledger, LEDGER_COM_RULE, HP_ACTOR_PROVIDER, e->hdr.id, 1, m,
                      "[hiperfenum.duplicate-id] the provider called %s on %s with ID %ld, %s",
                      hp_method_name(m), b.s ? b.s : "an enumerator", (long)dup.id,
                      dup.present ? "which is already in the enumerator" : "twice in the same call");
        hp_buf_free(&b);
    }
    return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, first, 0, hr);
}

/* What RemoveObjects does once its arguments are checked: removes the
 * members ids[0..n), all or nothing (WBEM_E_NOT_FOUND for an unknown ID
 * or one named twice), dropping the HOST references after unlocking. */
static HRESULT remove_members(struct hpenum *e, ULONG n, const LONG *ids)
{
    HRESULT hr = S_OK;
    /* The references are dropped after unlocking, from this list. */
    struct hobj **dropped = NULL;
    if (n) {
        dropped = host_calloc(e->host, n, sizeof *dropped);
        if (!dropped)
            return WBEM_E_OUT_OF_MEMORY;
    }
    size_t ndropped = 0;
    pthread_mutex_lock(&e->lock);
    if (!hobj_alive(&e->hdr))
        hr = CO_E_OBJNOTCONNECTED;      /* released while the hook ran */
    for (ULONG i = 0; hr == S_OK && i < n; i++) {
        size_t pos = index_find(e, ids[i]);
        if (pos == (size_t)-1 || e->items[pos].removing) {
            /* Unknown, or named twice (gone after the first): undo the marks. */
            for (ULONG k = 0; k < i; k++)
                e->items[index_find(e, ids[k])].removing = false;
            hr = WBEM_E_NOT_FOUND;
            break;
        }
        e->items[pos].removing = true;
    }
    if (hr == S_OK) {
        size_t kept = 0;
        for (size_t i = 0; i < e->n; i++) {
            if (e->items[i].removing)
                dropped[ndropped++] = e->items[i].h;
            else
                e->items[kept++] = e->items[i];
        }
        e->n = kept;
        index_rebuild(e);
        atomic_fetch_add(&e->mods, 1);
    }
    pthread_mutex_unlock(&e->lock);
    for (size_t i = 0; i < ndropped; i++)
        hobj_unref(dropped[i], HP_ACTOR_HOST);
    free(dropped);
    return hr;
}

static HRESULT STDMETHODCALLTYPE hpenum_RemoveObjects(IWbemHiPerfEnum *iface, LONG lFlags, ULONG uNumObjects,
                                                      LONG *apIds)
{
    struct hpenum *e = impl_from_IWbemHiPerfEnum(iface);
    const enum hp_method m = HPM_IWbemHiPerfEnum_RemoveObjects;
    int64_t first = uNumObjects && apIds ? apIds[0] : 0;
    atomic_fetch_add(&e->remove_calls, 1);
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr == S_OK)
        hr = modify_prologue(e, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, first, 0, hr);
    if (!flags_ok(e, m, lFlags) || (uNumObjects && !apIds))
        return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, first, 0, WBEM_E_INVALID_PARAMETER);

    hr = remove_members(e, uNumObjects, apIds);
    return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, first, 0, hr);
}

static HRESULT STDMETHODCALLTYPE hpenum_GetObjects(IWbemHiPerfEnum *iface, LONG lFlags, ULONG uNumObjects,
                                                   IWbemObjectAccess **apObj, ULONG *puReturned)
{
    struct hpenum *e = impl_from_IWbemHiPerfEnum(iface);
    const enum hp_method m = HPM_IWbemHiPerfEnum_GetObjects;
    atomic_fetch_add(&e->get_calls, 1);
    /* The count, not the caller's array: nothing is returned on a failure
     * but WBEM_E_BUFFER_TOO_SMALL, which sets the count needed below. */
    if (puReturned)
        *puReturned = 0;            /* on every failure, an injected one or a dead enumerator's too */
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, 0, 0, hr);
    if (!flags_ok(e, m, lFlags) || !puReturned || (uNumObjects && !apObj))
        return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, 0, 0, WBEM_E_INVALID_PARAMETER);
    enum hp_actor actor = hp_actor_current();
    pthread_mutex_lock(&e->lock);
    size_t count = e->n;
    *puReturned = (ULONG)count;
    if (uNumObjects < count) {
        hr = WBEM_E_BUFFER_TOO_SMALL;
    } else {
        for (size_t i = 0; i < count; i++) {
            hobj_ref(e->items[i].h, actor);
            apObj[i] = e->items[i].obj;
        }
    }
    pthread_mutex_unlock(&e->lock);
    return host_leave(e->host, &e->hdr, m, lFlags, uNumObjects, (int64_t)count, 0, hr);
}

/* Empties the list; returns what the caller must unref and free(). */
static struct hpenum_entry *steal_all(struct hpenum *e, size_t *n)
{
    pthread_mutex_lock(&e->lock);
    struct hpenum_entry *items = e->items;
    *n = e->n;
    e->items = NULL;
    e->n = e->cap = 0;
    if (e->index_cap)
        memset(e->index, 0, e->index_cap * sizeof *e->index);
    pthread_mutex_unlock(&e->lock);
    return items;
}

static void drop_all(struct hpenum_entry *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        hobj_unref(items[i].h, HP_ACTOR_HOST);
    free(items);
}

static HRESULT STDMETHODCALLTYPE hpenum_RemoveAll(IWbemHiPerfEnum *iface, LONG lFlags)
{
    struct hpenum *e = impl_from_IWbemHiPerfEnum(iface);
    const enum hp_method m = HPM_IWbemHiPerfEnum_RemoveAll;
    atomic_fetch_add(&e->remove_all_calls, 1);
    HRESULT hr = host_enter(e->host, &e->hdr, m);
    if (hr == S_OK)
        hr = modify_prologue(e, m);
    if (hr != S_OK)
        return host_leave(e->host, &e->hdr, m, lFlags, 0, 0, 0, hr);
    if (!flags_ok(e, m, lFlags))
        return host_leave(e->host, &e->hdr, m, lFlags, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    if (!hobj_alive(&e->hdr))           /* released while the hook ran */
        return host_leave(e->host, &e->hdr, m, lFlags, 0, 0, 0, CO_E_OBJNOTCONNECTED);
    size_t n;
    struct hpenum_entry *items = steal_all(e, &n);
    atomic_fetch_add(&e->mods, 1);
    drop_all(items, n);
    return host_leave(e->host, &e->hdr, m, lFlags, (int64_t)n, 0, 0, WBEM_S_NO_ERROR);
}

static const IWbemHiPerfEnumVtbl hpenum_vtbl = {
    hpenum_QueryInterface,
    hpenum_AddRef,
    hpenum_Release,
    hpenum_AddObjects,
    hpenum_RemoveObjects,
    hpenum_GetObjects,
    hpenum_RemoveAll,
};

/* ---- Ledger operations ---------------------------------------------------- */

static void hpenum_on_dead(struct hobj *h)
{
    struct hpenum *e = impl_from_hobj(h);
    size_t n;
    struct hpenum_entry *items = steal_all(e, &n);
    drop_all(items, n);
}

static void hpenum_free(struct hobj *h)
{
    struct hpenum *e = impl_from_hobj(h);
    free(e->items);
    free(e->index);
    free(e->label);
    pthread_cond_destroy(&e->hook_idle);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

static void hpenum_describe(struct hobj *h, struct hp_buf *out)
{
    struct hpenum *e = impl_from_hobj(h);
    pthread_mutex_lock(&e->lock);
    size_t n = e->n;
    pthread_mutex_unlock(&e->lock);
    hp_buf_printf(out, "%s%s%zu object%s", e->label ? e->label : "", e->label ? ", " : "", n,
                  n == 1 ? "" : "s");
}

static const struct hobj_ops hpenum_ops = {"IWbemHiPerfEnum", hpenum_on_dead, hpenum_free, hpenum_describe};

/* ---- Internal API ----------------------------------------------------------- */

int hpenum_new(struct hpenum **out, struct host *host, enum hp_actor holder, const char *label)
{
    *out = NULL;
    struct hpenum *e = host_calloc(host, 1, sizeof *e);
    if (!e)
        return hp_error_set(HP_ENOMEM, "out of memory for an IWbemHiPerfEnum");
    if (label && !(e->label = hp_strdup(label))) {
        free(e);
        return hp_error_set(HP_ENOMEM, "out of memory for an IWbemHiPerfEnum");
    }
    e->IWbemHiPerfEnum_iface.lpVtbl = &hpenum_vtbl;
    e->host = host;
    pthread_mutex_init(&e->lock, NULL);
    pthread_cond_init(&e->hook_idle, NULL);
    hobj_init(&e->hdr, &host->ledger, &hpenum_ops, holder);
    *out = e;
    return 0;
}

IWbemHiPerfEnum *hpenum_iface(struct hpenum *e)
{
    return &e->IWbemHiPerfEnum_iface;
}

struct hobj *hpenum_hobj(struct hpenum *e)
{
    return &e->hdr;
}

struct hpenum *hpenum_from_iface(const void *iface)
{
    const IWbemHiPerfEnum *p = iface;
    if (!p || p->lpVtbl != &hpenum_vtbl)
        return NULL;
    return impl_from_IWbemHiPerfEnum((IWbemHiPerfEnum *)p);
}

size_t hpenum_count(struct hpenum *e)
{
    pthread_mutex_lock(&e->lock);
    size_t n = e->n;
    pthread_mutex_unlock(&e->lock);
    return n;
}

uint64_t hpenum_mod_count(struct hpenum *e)
{
    return atomic_load(&e->mods);
}

void hpenum_get_stats(struct hpenum *e, struct hpenum_stats *out)
{
    *out = (struct hpenum_stats){
        .count = hpenum_count(e),
        .modifications = atomic_load(&e->mods),
        .add_calls = atomic_load(&e->add_calls),
        .remove_calls = atomic_load(&e->remove_calls),
        .remove_all_calls = atomic_load(&e->remove_all_calls),
        .get_calls = atomic_load(&e->get_calls),
        .outside_window = atomic_load(&e->outside),
    };
}

size_t hpenum_snapshot(struct hpenum *e, struct hpenum_item **out)
{
    *out = NULL;
    pthread_mutex_lock(&e->lock);
    size_t n = e->n;
    struct hpenum_item *items = NULL;
    if (n) {
        items = malloc(n * sizeof *items);
        if (!items) {
            pthread_mutex_unlock(&e->lock);
            hp_error_set(HP_ENOMEM, "out of memory for an enumerator snapshot");
            return (size_t)-1;
        }
        for (size_t i = 0; i < n; i++) {
            items[i] = (struct hpenum_item){e->items[i].id, e->items[i].obj, e->items[i].hobject};
            hobj_ref(e->items[i].h, HP_ACTOR_HOST);
        }
    }
    pthread_mutex_unlock(&e->lock);
    *out = items;
    return n;
}

void hpenum_snapshot_free(struct hpenum_item *items, size_t n)
{
    if (!items)
        return;
    for (size_t i = 0; i < n; i++)
        hobj_unref(hobject_hobj(items[i].hobject), HP_ACTOR_HOST);
    free(items);
}

void hpenum_window_open(struct hpenum *e)
{
    atomic_fetch_add(&e->window, 1);
}

void hpenum_window_close(struct hpenum *e)
{
    atomic_fetch_sub(&e->window, 1);
}

HRESULT hpenum_host_add(struct hpenum *e, ULONG n, const LONG *ids, IWbemObjectAccess **objs)
{
    if (!hobj_alive(&e->hdr))
        return CO_E_OBJNOTCONNECTED;
    struct dup_info dup = {0};
    return add_members(e, n, ids, objs, &dup);
}

HRESULT hpenum_host_remove(struct hpenum *e, ULONG n, const LONG *ids)
{
    if (!hobj_alive(&e->hdr))
        return CO_E_OBJNOTCONNECTED;
    return remove_members(e, n, ids);
}
