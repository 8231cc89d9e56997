/*
 * mocks/ledger.h - who holds which reference to every object the host makes.
 *
 * Every COM object of the host starts with a `struct hobj`.  The host never
 * calls its own objects' AddRef/Release through the vtable; it uses the
 * hobj_* functions with an explicit holder.  So every vtable AddRef, Release
 * or successful QueryInterface comes from outside and is charged to the
 * calling thread's actor (hp_actor_current()): the provider under test, or
 * the client side of a scenario.
 *
 * Invariants:
 *  - refs == by[PROVIDER] + by[HOST] + by[CLIENT] while the object is alive.
 *  - A Release by an actor that holds no reference is an over-release: it is
 *    recorded, the count is NOT decremented (the other holders keep a valid
 *    object) and the object is poisoned for that actor: its later calls are
 *    recorded too.  The harness never crashes because of it.
 *  - When refs reaches 0 the object dies: ops->on_dead releases what it
 *    holds, but its memory stays until ledger_free(), so a provider calling a dead object is a finding, not a crash.
 */
#ifndef HIPERF_MOCKS_LEDGER_H
#define HIPERF_MOCKS_LEDGER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "methods.h"
#include "util.h"

enum hp_actor {
    HP_ACTOR_PROVIDER = 0,  /* the default: threads the provider starts are its own */
    HP_ACTOR_HOST = 1,
    HP_ACTOR_CLIENT = 2,
    HP_ACTOR_COUNT
};

/* The calling thread's actor.  Harness threads set HOST when they start;
 * the host sets PROVIDER around every call into the provider. */
enum hp_actor hp_actor_current(void);
/* Sets the calling thread's actor and returns the previous one. */
enum hp_actor hp_actor_set(enum hp_actor actor);
const char *hp_actor_name(enum hp_actor actor);   /* "provider", "host", "client" */
/* A small number for the calling thread (1, 2, ...), stable for its life. */
uint32_t hp_thread_number(void);

enum hobj_state {
    HOBJ_ALIVE = 0,
    HOBJ_DEAD = 1      /* every reference released */
};

struct hobj;
struct hp_buf;

struct hobj_ops {
    const char *kind;                          /* "IWbemHiPerfEnum", ... */
    void (*on_dead)(struct hobj *h);           /* release what the object holds; may be NULL */
    void (*free)(struct hobj *h);              /* free the memory */
    void (*describe)(struct hobj *h, struct hp_buf *out); /* a label, e.g. the object path; may be NULL */
};

struct ledger;

struct hobj {
    const struct hobj_ops *ops;
    struct ledger *ledger;
    uint64_t id;                               /* #1, #2, ... in journal and findings */
    _Atomic int32_t refs;
    _Atomic int32_t by[HP_ACTOR_COUNT];
    _Atomic uint32_t state;                    /* enum hobj_state */
    _Atomic uint32_t poisoned;                 /* bit per actor that over-released it;
                                                  bit 8+actor once its later use was reported */
    struct hobj *next;                         /* the ledger's list */
};

enum ledger_finding_kind {
    LEDGER_LEAK,             /* still held by an actor at a checkpoint */
    LEDGER_OVER_RELEASE,     /* released by an actor holding no reference */
    LEDGER_USE_AFTER_RELEASE,/* called after its last reference was released */
    LEDGER_POISONED_USE,     /* called by an actor that had over-released it */
    LEDGER_BAD_TRANSFER,     /* handed over an object without owning a reference */
    LEDGER_FOREIGN_OBJECT,   /* a pointer the host did not make where it must be the host's */
    LEDGER_COM_RULE          /* a provider object broke a QueryInterface/refcount rule */
};

struct ledger_finding {
    enum ledger_finding_kind kind;
    enum hp_actor actor;     /* who did it (for LEAK: who holds it) */
    uint64_t obj;            /* object id, 0 if none */
    int count;               /* references leaked, or occurrences */
    enum hp_method method;   /* the call that showed it, HPM_COUNT if none */
    char *text;              /* owned: a sentence for reports */
};

struct ledger {
    pthread_mutex_t lock;
    struct hobj *objects;    /* every object registered, newest first */
    uint64_t next_id;
    struct ledger_finding *findings;
    size_t nfindings, capfindings;
    struct journal *journal; /* findings are also noted there; may be NULL */
};

void ledger_init(struct ledger *l, struct journal *journal);
/* Frees every object still registered (dead or not) and the findings. */
void ledger_free(struct ledger *l);

/* Registers a new object with one reference held by `holder`. */
void hobj_init(struct hobj *h, struct ledger *l, const struct hobj_ops *ops, enum hp_actor holder);

/* The vtable AddRef/Release of every host object: charged to the calling
 * thread's actor.  Return the new total (0 for a dead object). */
uint32_t hobj_addref(struct hobj *h);
uint32_t hobj_release(struct hobj *h);
/* A reference taken or dropped by the host itself for `holder`. */
void hobj_ref(struct hobj *h, enum hp_actor holder);
void hobj_unref(struct hobj *h, enum hp_actor holder);
/* Moves one reference from one holder to another (an [out] parameter
 * handing ownership across).  If `from` holds none, records
 * LEDGER_BAD_TRANSFER and takes a new reference for `to` instead, so the
 * books stay balanced. */
void hobj_transfer(struct hobj *h, enum hp_actor from, enum hp_actor to, enum hp_method method);

/* Called first by every method of a host object.  Returns false if the
 * object is dead (the method must then return CO_E_OBJNOTCONNECTED without
 * touching the object); records LEDGER_USE_AFTER_RELEASE or
 * LEDGER_POISONED_USE. */
bool hobj_enter(struct hobj *h, enum hp_method method);

static inline bool hobj_alive(const struct hobj *h)
{
    return atomic_load_explicit(&h->state, memory_order_acquire) == HOBJ_ALIVE;
}

/* Records a finding (text is formatted; the ledger owns the copy). */
void ledger_report(struct ledger *l, enum ledger_finding_kind kind, enum hp_actor actor,
                   uint64_t obj, int count, enum hp_method method, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Records LEDGER_LEAK for every live object `actor` still holds; returns
 * how many objects. */
size_t ledger_check_leaks(struct ledger *l, enum hp_actor actor);
/* References `actor` holds right now, over all objects. */
long ledger_held(struct ledger *l, enum hp_actor actor);
/* Number of findings of a kind (all kinds if kind < 0). */
size_t ledger_count(struct ledger *l, int kind);
const char *ledger_finding_kind_name(enum ledger_finding_kind kind);

#endif
