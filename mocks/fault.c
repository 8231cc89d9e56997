/*
 * mocks/fault.c - fault injection into host calls (see fault.h).
 * Invariant: with no rule armed, faults_check reads one flag and returns.
 */
#include "fault.h"

#include <string.h>

#include "hiperf/winerror.h"
#include "util.h"

void faults_init(struct faults *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
}

void faults_free(struct faults *f)
{
    pthread_mutex_destroy(&f->lock);
}

int faults_add(struct faults *f, enum hp_method site, enum fault_mode mode, uint64_t n,
               double p, uint64_t seed, HRESULT hr)
{
    if ((unsigned)site >= HPM_COUNT)
        return hp_error_set(HP_EINVAL, "fault: no such call site");
    if (mode != FAULT_RANDOM && n == 0)
        return hp_error_set(HP_EINVAL, "fault: call numbers start at 1");
    if (mode == FAULT_RANDOM && !(p >= 0.0 && p <= 1.0))
        return hp_error_set(HP_EINVAL, "fault: probability must be within 0..1");
    pthread_mutex_lock(&f->lock);
    int i = atomic_load(&f->nrules);
    if (i == FAULT_MAX_RULES) {
        pthread_mutex_unlock(&f->lock);
        return hp_error_set(HP_EINVAL, "fault: at most %d rules", FAULT_MAX_RULES);
    }
    struct fault_rule *r = &f->rules[i];
    r->site = site;
    r->mode = mode;
    r->n = n;
    r->p = p;
    r->seed = seed;
    r->hr = hr;
    atomic_store(&r->seen, 0);
    atomic_store(&r->fired, 0);
    atomic_store(&f->nrules, i + 1);
    atomic_store(&f->armed, true);
    pthread_mutex_unlock(&f->lock);
    return 0;
}

void faults_clear(struct faults *f)
{
    pthread_mutex_lock(&f->lock);
    atomic_store(&f->armed, false);
    atomic_store(&f->nrules, 0);
    pthread_mutex_unlock(&f->lock);
}

/* splitmix64: a well-mixed 64-bit value from (seed, call number). */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

HRESULT faults_check(struct faults *f, enum hp_method site)
{
    if (!atomic_load_explicit(&f->armed, memory_order_relaxed))
        return S_OK;
    HRESULT result = S_OK;
    int n = atomic_load(&f->nrules);
    for (int i = 0; i < n; i++) {
        struct fault_rule *r = &f->rules[i];
        if (r->site != site)
            continue;
        uint64_t call = atomic_fetch_add_explicit(&r->seen, 1, memory_order_relaxed) + 1;
        bool fire;
        switch (r->mode) {
        case FAULT_NTH: fire = call == r->n; break;
        case FAULT_FROM: fire = call >= r->n; break;
        default: fire = (double)(mix(r->seed ^ mix(call)) >> 11) / 9007199254740992.0 < r->p; break;
        }
        /* Every rule of the site counts the call; the first that fires wins. */
        if (fire && result == S_OK) {
            atomic_fetch_add(&r->fired, 1);
            result = r->hr;
        }
    }
    return result;
}

uint64_t faults_fired(struct faults *f, enum hp_method site)
{
    uint64_t n = 0;
    int k = atomic_load(&f->nrules);
    for (int i = 0; i < k; i++)
        if (f->rules[i].site == site)
            n += atomic_load(&f->rules[i].fired);
    return n;
}
