/*
 * cocreate.c - CoCreateInstance over the classes a host registered
 * (comreg.h).  Windows finds a class in the registry and loads its server;
 * here the process's mock WMI registers the classes it serves in process.
 *
 * Invariants: `entries` holds the registrations in order (newest last);
 * `inflight` counts the calls between taking an entry and returning from
 * its creator and observer; hiperf_com_withdraw() returns only when it is
 * zero, so no function of a withdrawn owner runs afterwards.  The lock is
 * never held while a creator or observer runs.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "comreg.h"

#define MAX_ENTRIES 64

struct entry {
    bool observer;           /* an observer (clsid unused) or a class */
    CLSID clsid;
    hiperf_com_creator creator;
    hiperf_com_observer observe;
    void *owner;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t drained = PTHREAD_COND_INITIALIZER;
static struct entry entries[MAX_ENTRIES];
static size_t nentries;
static unsigned long inflight;

static bool guid_eq(const GUID *a, const GUID *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

int hiperf_com_register(REFCLSID clsid, hiperf_com_creator creator, void *owner)
{
    if (!clsid || !creator)
        return -1;
    pthread_mutex_lock(&lock);
    int rc = -1;
    if (nentries < MAX_ENTRIES) {
        entries[nentries++] = (struct entry){.clsid = *clsid, .creator = creator, .owner = owner};
        rc = 0;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void hiperf_com_observe(hiperf_com_observer observer, void *owner)
{
    if (!observer)
        return;
    pthread_mutex_lock(&lock);
    if (nentries < MAX_ENTRIES)
        entries[nentries++] = (struct entry){.observer = true, .observe = observer, .owner = owner};
    pthread_mutex_unlock(&lock);
}

void hiperf_com_withdraw(void *owner)
{
    pthread_mutex_lock(&lock);
    size_t kept = 0;
    for (size_t i = 0; i < nentries; i++)
        if (entries[i].owner != owner)
            entries[kept++] = entries[i];
    nentries = kept;
    while (inflight)
        pthread_cond_wait(&drained, &lock);
    pthread_mutex_unlock(&lock);
}

/* The newest class entry for clsid and the newest observer, copied under
 * the lock; counts the call in flight. */
static void take(REFCLSID clsid, struct entry *cls, struct entry *obs)
{
    memset(cls, 0, sizeof *cls);
    memset(obs, 0, sizeof *obs);
    pthread_mutex_lock(&lock);
    for (size_t i = nentries; i-- > 0;) {
        const struct entry *e = &entries[i];
        if (e->observer) {
            if (!obs->observe)
                *obs = *e;
        } else if (!cls->creator && clsid && guid_eq(&e->clsid, clsid)) {
            *cls = *e;
        }
    }
    inflight++;
    pthread_mutex_unlock(&lock);
}

static void give_back(void)
{
    pthread_mutex_lock(&lock);
    if (--inflight == 0)
        pthread_cond_broadcast(&drained);
    pthread_mutex_unlock(&lock);
}

HRESULT CoCreateInstance(REFCLSID rclsid, IUnknown *pUnkOuter, DWORD dwClsContext, REFIID riid, LPVOID *ppv)
{
    struct entry cls, obs;
    take(rclsid, &cls, &obs);
    HRESULT hr;
    if (!ppv) {
        hr = E_POINTER;
    } else {
        *ppv = NULL;
        if (!rclsid || !riid)
            hr = E_INVALIDARG;
        else if (!cls.creator || !(dwClsContext & CLSCTX_INPROC_SERVER))
            hr = REGDB_E_CLASSNOTREG; /* every class served here is an in-process server */
        else if (pUnkOuter)
            hr = CLASS_E_NOAGGREGATION;
        else
            hr = cls.creator(cls.owner, rclsid, riid, ppv);
        if (FAILED(hr))
            *ppv = NULL;
    }
    if (obs.observe)
        obs.observe(obs.owner, rclsid, pUnkOuter, dwClsContext, riid, hr, ppv ? *ppv : NULL);
    give_back();
    return hr;
}
