/*
 * mocks/journal.h - every call across the host/provider boundary, both
 * directions, in order: method, object, a few arguments, result, thread and
 * the fake time.  It is the raw material of observations and of the step
 * traces in reports.
 *
 * Cost: a record is a fixed 64-byte slot in a ring, claimed with one atomic
 * increment; nothing is formatted until someone reads it.  Exact per-method
 * call counters never wrap even when the ring does.  A disabled journal
 * (benchmarks) records and counts nothing: one load per call.  The time recorded is
 * the host's notion of the fake clock (set by the scenario), never a clock
 * read, so recording stays cheap under libfaketime.
 *
 * Invariant: records are ordered by seq; a reader sees the last
 * min(written, capacity) of them.
 */
#ifndef HIPERF_MOCKS_JOURNAL_H
#define HIPERF_MOCKS_JOURNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hiperf/wintypes.h"
#include "hresult.h"
#include "ledger.h"
#include "methods.h"

enum journal_kind {
    JOURNAL_CALL = 0,   /* a call completed: hr is its result */
    JOURNAL_ENTER = 1,  /* a call into the provider started (so a crash shows where) */
    JOURNAL_NOTE = 2    /* a remark of the host: arg[0] is a string id */
};

struct journal_rec {
    uint64_t seq;
    int64_t t_ns;        /* fake time, ns since the scenario's start instant */
    uint64_t obj;        /* object id (host objects: hobj id; provider objects: the host's handle id) */
    int64_t arg[3];      /* the call's arguments worth keeping; see strmask */
    int32_t hr;
    uint16_t method;     /* enum hp_method */
    uint8_t kind;        /* enum journal_kind */
    uint8_t caller;      /* enum hp_actor of the caller */
    uint8_t callee;      /* enum hp_actor of the callee */
    uint8_t strmask;     /* bit i: arg[i] is a string id (journal_intern) */
    uint16_t thread;     /* hp_thread_number() */
    uint32_t reserved;
};

struct journal {
    bool enabled;
    _Atomic int64_t *now_ns;         /* the host's fake clock; may be NULL */
    struct journal_rec *ring;
    uint64_t mask;                   /* capacity - 1 (a power of two) */
    _Atomic uint64_t next;           /* seq of the next record */
    _Atomic uint64_t counts[HPM_COUNT][2]; /* [method][0]=into the host, [1]=into the provider */
    pthread_mutex_t strlock;
    char **strings;                  /* interned texts, id = index + 1 */
    size_t nstrings, capstrings;
};

/* capacity is rounded up to a power of two (minimum 1024). 0 or HP_ENOMEM. */
int journal_init(struct journal *j, size_t capacity, _Atomic int64_t *now_ns);
void journal_free(struct journal *j);

/* Stores a copy of text and returns its id (> 0), or 0 on ENOMEM. */
int64_t journal_intern(struct journal *j, const char *text);
/* Same for UTF-16 text (NULL gives 0). */
int64_t journal_intern16(struct journal *j, const WCHAR *text);

/* Appends a record and counts the call; returns its seq (0 when the
 * journal is disabled: then nothing is recorded nor counted). */
uint64_t journal_add(struct journal *j, enum journal_kind kind, enum hp_method method,
                     enum hp_actor caller, enum hp_actor callee, uint64_t obj,
                     int64_t a0, int64_t a1, int64_t a2, uint8_t strmask, HRESULT hr);
void journal_note(struct journal *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Calls into the host (callee HOST) and into the provider completed. */
uint64_t journal_calls(struct journal *j, enum hp_method method, enum hp_actor callee);

/* The record with sequence number seq, if still in the ring. */
bool journal_get(struct journal *j, uint64_t seq, struct journal_rec *out);
uint64_t journal_next_seq(struct journal *j);
/* One line of text for a record, into out (owned by the caller's buffer). */
void journal_format(struct journal *j, const struct journal_rec *r, struct hp_buf *out);
/* Writes the records with seq in [from, to) that are still in the ring. */
void journal_dump(struct journal *j, uint64_t from, uint64_t to, FILE *f);

#endif
