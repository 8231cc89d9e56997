/*
 * mocks/fault.h - making host calls fail on purpose.  Any host method (by
 * its id in methods.h) or the host's allocations (HPM_HOST_ALLOC) can be
 * made to return a chosen HRESULT at its Nth call, at every call from the
 * Nth on, or with a seeded probability per call.  Calls are counted per
 * rule from the moment the rule is added: `nth 1` is the next call.
 *
 * Determinism: the probabilistic mode decides from (seed, call number)
 * alone, so a run fails the same calls whatever the thread timing.
 * Cost when no rule is armed: one relaxed load per call, nothing counted.
 */
#ifndef HIPERF_MOCKS_FAULT_H
#define HIPERF_MOCKS_FAULT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hiperf/wintypes.h"
#include "methods.h"

enum fault_mode {
    FAULT_NTH,      /* only the Nth call (1-based) fails */
    FAULT_FROM,     /* every call from the Nth on fails (N=1: every call) */
    FAULT_RANDOM    /* each call fails with probability p, decided by seed */
};

struct fault_rule {
    enum hp_method site;
    enum fault_mode mode;
    uint64_t n;              /* 1-based, counted from when the rule was added */
    double p;
    uint64_t seed;
    HRESULT hr;
    _Atomic uint64_t seen;    /* calls of its site since it was added */
    _Atomic uint64_t fired;   /* how many calls it failed */
};

#define FAULT_MAX_RULES 32

struct faults {
    _Atomic bool armed;
    pthread_mutex_t lock;
    struct fault_rule rules[FAULT_MAX_RULES];
    _Atomic int nrules;
};

void faults_init(struct faults *f);
void faults_free(struct faults *f);
/* Adds a rule; 0, or HP_EINVAL when the table is full or the rule is bad. */
int faults_add(struct faults *f, enum hp_method site, enum fault_mode mode, uint64_t n,
               double p, uint64_t seed, HRESULT hr);
void faults_clear(struct faults *f);
/* S_OK, or the HRESULT to fail the call with (counting it for the rules of
 * its site). */
HRESULT faults_check(struct faults *f, enum hp_method site);
/* Calls failed so far by rules on this site. */
uint64_t faults_fired(struct faults *f, enum hp_method site);

#endif
