/*
 * tests/mocks/refusal.h - checking that a call a host object refused at its
 * entry (an injected fault, a dead object) is journaled and counted like
 * every other call: one JOURNAL_CALL record into the host, seen by
 * journal_calls(), with the caller, the object and the HRESULT returned.
 */
#ifndef HIPERF_TESTS_MOCKS_REFUSAL_H
#define HIPERF_TESTS_MOCKS_REFUSAL_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"

/* The calls of one method into the host being watched. */
struct refusal {
    struct host *host;        /* borrowed */
    enum hp_method m;
    uint64_t before;          /* journal_calls(m, HOST) when the watch began */
    uint64_t from;            /* the journal's next seq then */
};

/* Starts watching the calls of m into the host. */
void refusal_watch(struct refusal *z, struct host *host, enum hp_method m);
/* The same, and arms a fault failing the next call of m with E_FAIL
 * (cmocka assertion if the fault table is full). */
void refusal_arm(struct refusal *z, struct host *host, enum hp_method m);
/* Asserts (cmocka) exactly one call of m into the host since the watch
 * began, counted by journal_calls and journaled once, returning `hr` to
 * `caller` on the object with journal id `obj`; returns its record. */
struct journal_rec refusal_check(const struct refusal *z, HRESULT hr, enum hp_actor caller, uint64_t obj);
/* The last journaled call of m into the host (cmocka assertion if there is
 * none in the ring). */
struct journal_rec refusal_last(struct host *host, enum hp_method m);
/* Whether the record's text (journal_format: method, object, arguments
 * with the interned strings, result) contains `s`. */
bool refusal_mentions(struct host *host, const struct journal_rec *rec, const char *s);

#endif
