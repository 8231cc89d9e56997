/*
 * mocks/ledger.c - reference accounting by holder, findings, and the
 * calling thread's actor.  See ledger.h for the invariants it keeps.
 */
#include "ledger.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

/* initial-exec: the harness's own executables link these statically, and
 * reading them is on the hot path of every host method. */
static _Thread_local enum hp_actor g_actor __attribute__((tls_model("initial-exec"))) = HP_ACTOR_PROVIDER;
static _Thread_local uint32_t g_thread_no __attribute__((tls_model("initial-exec")));
static _Atomic uint32_t g_thread_count;

enum hp_actor hp_actor_current(void)
{
    return g_actor;
}

enum hp_actor hp_actor_set(enum hp_actor actor)
{
    enum hp_actor old = g_actor;
    g_actor = actor;
    return old;
}

const char *hp_actor_name(enum hp_actor actor)
{
    switch (actor) {
    case HP_ACTOR_PROVIDER: return "provider";
    case HP_ACTOR_HOST: return "host";
    case HP_ACTOR_CLIENT: return "client";
    default: return "?";
    }
}

uint32_t hp_thread_number(void)
{
    if (!g_thread_no)
        g_thread_no = atomic_fetch_add(&g_thread_count, 1) + 1;
    return g_thread_no;
}

const char *ledger_finding_kind_name(enum ledger_finding_kind kind)
{
    switch (kind) {
    case LEDGER_LEAK: return "leak";
    case LEDGER_OVER_RELEASE: return "over-release";
    case LEDGER_USE_AFTER_RELEASE: return "use-after-release";
    case LEDGER_POISONED_USE: return "use-after-over-release";
    case LEDGER_BAD_TRANSFER: return "unowned-transfer";
    case LEDGER_FOREIGN_OBJECT: return "foreign-object";
    case LEDGER_COM_RULE: return "com-rule";
    }
    return "?";
}

void ledger_init(struct ledger *l, struct journal *journal)
{
    memset(l, 0, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
    l->next_id = 1;
    l->journal = journal;
}

void ledger_free(struct ledger *l)
{
    /* Objects may hold others (on_dead releases them); kill the living
     * first so every on_dead runs while all memory is still there, then
     * free everything. */
    for (struct hobj *h = l->objects; h; h = h->next) {
        if (atomic_exchange(&h->state, HOBJ_DEAD) == HOBJ_ALIVE && h->ops->on_dead)
            h->ops->on_dead(h);
    }
    struct hobj *h = l->objects;
    while (h) {
        struct hobj *next = h->next;
        h->ops->free(h);
        h = next;
    }
    l->objects = NULL;
    for (size_t i = 0; i < l->nfindings; i++)
        free(l->findings[i].text);
    free(l->findings);
    pthread_mutex_destroy(&l->lock);
}

static void describe(struct hobj *h, struct hp_buf *b)
{
    hp_buf_printf(b, "%s #%llu", h->ops->kind, (unsigned long long)h->id);
    if (h->ops->describe) {
        hp_buf_puts(b, " (");
        h->ops->describe(h, b);
        hp_buf_puts(b, ")");
    }
}

void ledger_report(struct ledger *l, enum ledger_finding_kind kind, enum hp_actor actor,
                   uint64_t obj, int count, enum hp_method method, const char *fmt, ...)
{
    struct hp_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *text = hp_buf_steal(&b);
    if (!text)
        return;
    if (l->journal)
        journal_note(l->journal, "ledger: %s: %s", ledger_finding_kind_name(kind), text);
    pthread_mutex_lock(&l->lock);
    if (hp_grow((void **)&l->findings, &l->capfindings, l->nfindings + 1, sizeof *l->findings) == 0) {
        l->findings[l->nfindings++] = (struct ledger_finding){
            .kind = kind, .actor = actor, .obj = obj, .count = count, .method = method, .text = text};
        text = NULL;
    }
    pthread_mutex_unlock(&l->lock);
    free(text);
}

void hobj_init(struct hobj *h, struct ledger *l, const struct hobj_ops *ops, enum hp_actor holder)
{
    h->ops = ops;
    h->ledger = l;
    atomic_init(&h->refs, 1);
    for (int i = 0; i < HP_ACTOR_COUNT; i++)
        atomic_init(&h->by[i], i == (int)holder ? 1 : 0);
    atomic_init(&h->state, HOBJ_ALIVE);
    atomic_init(&h->poisoned, 0);
    pthread_mutex_lock(&l->lock);
    h->id = l->next_id++;
    h->next = l->objects;
    l->objects = h;
    pthread_mutex_unlock(&l->lock);
}

/* The last reference went: release what the object holds.  The memory
 * stays until ledger_free, so a late call is a finding, not a crash. */
static void die(struct hobj *h)
{
    /* Once only: ledger_free kills objects that still have references, and
     * an object it killed earlier can reach 0 later, when another one's
     * on_dead drops the last reference to it. */
    if (atomic_exchange(&h->state, HOBJ_DEAD) != HOBJ_ALIVE)
        return;
    if (h->ops->on_dead)
        h->ops->on_dead(h);
}

static void add(struct hobj *h, enum hp_actor holder)
{
    atomic_fetch_add(&h->by[holder], 1);
    atomic_fetch_add(&h->refs, 1);
}

/* Drops one reference of holder; false (and nothing changed) if it has none. */
static bool drop(struct hobj *h, enum hp_actor holder)
{
    int32_t v = atomic_load(&h->by[holder]);
    do {
        if (v <= 0)
            return false;
    } while (!atomic_compare_exchange_weak(&h->by[holder], &v, v - 1));
    if (atomic_fetch_sub(&h->refs, 1) == 1)
        die(h);
    return true;
}

uint32_t hobj_addref(struct hobj *h)
{
    enum hp_actor a = hp_actor_current();
    if (!hobj_enter(h, HPM_IUnknown_AddRef))
        return 0;
    add(h, a);
    return (uint32_t)atomic_load(&h->refs);
}

uint32_t hobj_release(struct hobj *h)
{
    enum hp_actor a = hp_actor_current();
    if (!hobj_enter(h, HPM_IUnknown_Release))
        return 0;
    if (!drop(h, a)) {
        atomic_fetch_or(&h->poisoned, 1u << a);
        struct hp_buf b = {0};
        describe(h, &b);
        ledger_report(h->ledger, LEDGER_OVER_RELEASE, a, h->id, 1, HPM_IUnknown_Release,
                      "the %s released %s once more than it held it", hp_actor_name(a),
                      b.s ? b.s : "an object");
        hp_buf_free(&b);
    }
    return (uint32_t)atomic_load(&h->refs);
}

void hobj_ref(struct hobj *h, enum hp_actor holder)
{
    add(h, holder);
}

void hobj_unref(struct hobj *h, enum hp_actor holder)
{
    if (!drop(h, holder)) {
        struct hp_buf b = {0};
        describe(h, &b);
        ledger_report(h->ledger, LEDGER_OVER_RELEASE, holder, h->id, 1, HPM_COUNT,
                      "the %s dropped a reference to %s it did not hold (harness bug)",
                      hp_actor_name(holder), b.s ? b.s : "an object");
        hp_buf_free(&b);
    }
}

void hobj_transfer(struct hobj *h, enum hp_actor from, enum hp_actor to, enum hp_method method)
{
    /* Take the new reference first so the object cannot die in between. */
    add(h, to);
    if (!drop(h, from)) {
        struct hp_buf b = {0};
        describe(h, &b);
        ledger_report(h->ledger, LEDGER_BAD_TRANSFER, from, h->id, 1, method,
                      "%s: the %s handed over %s without holding a reference to it",
                      hp_method_name(method), hp_actor_name(from), b.s ? b.s : "an object");
        hp_buf_free(&b);
    }
}

bool hobj_enter(struct hobj *h, enum hp_method method)
{
    enum hp_actor a = hp_actor_current();
    if (atomic_load_explicit(&h->state, memory_order_acquire) != HOBJ_ALIVE) {
        struct hp_buf b = {0};
        describe(h, &b);
        ledger_report(h->ledger, LEDGER_USE_AFTER_RELEASE, a, h->id, 1, method,
                      "the %s called %s on %s after its last reference was released",
                      hp_actor_name(a), hp_method_name(method), b.s ? b.s : "an object");
        hp_buf_free(&b);
        return false;
    }
    /* One finding per object and actor: the first later use shows the
     * defect; every call after it would only repeat it. */
    if ((atomic_load_explicit(&h->poisoned, memory_order_relaxed) & (1u << a)) &&
        !(atomic_fetch_or(&h->poisoned, 1u << (8 + a)) & (1u << (8 + a)))) {
        struct hp_buf b = {0};
        describe(h, &b);
        ledger_report(h->ledger, LEDGER_POISONED_USE, a, h->id, 1, method,
                      "the %s called %s on %s after over-releasing it", hp_actor_name(a),
                      hp_method_name(method), b.s ? b.s : "an object");
        hp_buf_free(&b);
    }
    return true;
}

size_t ledger_check_leaks(struct ledger *l, enum hp_actor actor)
{
    size_t n = 0;
    pthread_mutex_lock(&l->lock);
    struct hobj *list = l->objects;
    pthread_mutex_unlock(&l->lock);
    for (struct hobj *h = list; h; h = h->next) {
        int32_t held = atomic_load(&h->by[actor]);
        if (held <= 0 || !hobj_alive(h))
            continue;
        struct hp_buf b = {0};
        describe(h, &b);
        ledger_report(l, LEDGER_LEAK, actor, h->id, held, HPM_COUNT,
                      "the %s still holds %d reference%s to %s", hp_actor_name(actor), (int)held,
                      held == 1 ? "" : "s", b.s ? b.s : "an object");
        hp_buf_free(&b);
        n++;
    }
    return n;
}

long ledger_held(struct ledger *l, enum hp_actor actor)
{
    long n = 0;
    pthread_mutex_lock(&l->lock);
    for (struct hobj *h = l->objects; h; h = h->next)
        if (hobj_alive(h))
            n += atomic_load(&h->by[actor]);
    pthread_mutex_unlock(&l->lock);
    return n;
}

size_t ledger_count(struct ledger *l, int kind)
{
    size_t n = 0;
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < l->nfindings; i++)
        if (kind < 0 || (int)l->findings[i].kind == kind)
            n++;
    pthread_mutex_unlock(&l->lock);
    return n;
}
