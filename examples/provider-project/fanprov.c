/*
 * fanprov.c - the example provider project's hi-perf provider: one class,
 * Win32_PerfRawData_ExampleFan_Fan (fanprov.mof), three fans always
 * present, every value a function of the clock.  Written against the
 * installed hiperfcheck headers (hiperf/com.h) and libhiperf_compat only;
 * a starting point to copy (docs/writing-a-provider.md explains each rule).
 *
 * Objects: the class factory, the provider (IWbemProviderInit and
 * IWbemHiPerfProvider on one identity) and the refresher (IWbemRefresher).
 *
 * Locking: the provider's mutex guards its cache (namespace, class object,
 * property handles) and is never held across a call into the host.  Each
 * refresher has a recursive mutex; Refresh holds it for its whole run,
 * host calls included, so a StopRefreshing from another thread waits for
 * the Refresh in progress.  A call that re-enters on the same thread from a
 * host callback gets the recursive mutex again: it appends (the entry is
 * refreshed next time) or marks an entry stopped (released after Refresh).
 * A thread that already holds a refresher's mutex only tries another one
 * and answers WBEM_E_REFRESHER_BUSY, so two refreshers cannot deadlock.
 */
#define _XOPEN_SOURCE 700  /* clock_gettime, recursive mutexes, under strict C11 too */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "hiperf/com.h"

#define CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define NFANS 3
#define NPROPS 6

/* {7ABA141A-863F-4163-A2E2-4FC5C9EA5D18} and {7F33BF29-85A7-46C4-BF0B-22D2EBE87920}: fanprov.mof */
static const CLSID CLSID_FanProv = {0x7aba141a, 0x863f, 0x4163, {0xa2, 0xe2, 0x4f, 0xc5, 0xc9, 0xea, 0x5d, 0x18}};
static const CLSID CLSID_FanProvClient = {0x7f33bf29, 0x85a7, 0x46c4, {0xbf, 0x0b, 0x22, 0xd2, 0xeb, 0xe8, 0x79, 0x20}};

static const WCHAR class_name[] = u"Win32_PerfRawData_ExampleFan_Fan";
static const WCHAR *const fan_names[NFANS] = {u"CPU", u"Case", u"PSU"};
static const uint32_t fan_nominal[NFANS] = {1200, 1800, 2400};
static const struct { const WCHAR *name; CIMTYPE type; } props[NPROPS] = {
    {u"Timestamp_PerfTime", CIM_UINT64}, {u"Timestamp_Sys100NS", CIM_UINT64},
    {u"Frequency_PerfTime", CIM_UINT64}, {u"Frequency_Sys100NS", CIM_UINT64},
    {u"SpeedRPM", CIM_UINT32},           {u"Revolutions", CIM_UINT64},
};

/* ---- the values: one clock reading for all fans ------------------------- */

typedef uint64_t fan_values[NFANS][NPROPS];

static void read_values(fan_values v)
{
    struct timespec mono, real;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &real);
    uint64_t t = (uint64_t)mono.tv_sec * 10000000u + (uint64_t)mono.tv_nsec / 100u;
    uint64_t s = ((uint64_t)real.tv_sec + 11644473600u) * 10000000u + (uint64_t)real.tv_nsec / 100u;
    for (unsigned k = 0; k < NFANS; k++) {
        v[k][0] = t;
        v[k][1] = s;
        v[k][2] = v[k][3] = 10000000u;
        v[k][4] = fan_nominal[k] - 100u + (7u * (uint64_t)real.tv_sec + 13u * k) % 200u;
        v[k][5] = t / 10000000u * fan_nominal[k] / 60u;
    }
}

static HRESULT write_values(IWbemObjectAccess *obj, const LONG *handle, const uint64_t *v)
{
    HRESULT first = WBEM_S_NO_ERROR;
    for (unsigned i = 0; i < NPROPS; i++) {
        HRESULT hr = props[i].type == CIM_UINT32 ? IWbemObjectAccess_WriteDWORD(obj, handle[i], (DWORD)v[i])
                                                 : IWbemObjectAccess_WriteQWORD(obj, handle[i], v[i]);
        if (FAILED(hr) && SUCCEEDED(first))
            first = hr;
    }
    return first;
}

static bool wcs_ieq(const WCHAR *a, const WCHAR *b)
{
    for (; *a && *b; a++, b++) {
        WCHAR x = *a >= u'a' && *a <= u'z' ? (WCHAR)(*a - 32) : *a;
        WCHAR y = *b >= u'a' && *b <= u'z' ? (WCHAR)(*b - 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* ---- module lifetime ---------------------------------------------------- */

static atomic_long live_objects, server_locks;

/* ---- the provider: IWbemProviderInit + IWbemHiPerfProvider -------------- */

struct provider {
    IWbemProviderInit IWbemProviderInit_iface;
    IWbemHiPerfProvider IWbemHiPerfProvider_iface;
    atomic_uint ref;
    pthread_mutex_t lock;          /* guards the three below; no host call under it */
    IWbemServices *ns;             /* from Initialize, owned */
    IWbemClassObject *class_obj;   /* owned, set once */
    LONG handle[NPROPS];           /* valid once class_obj is set */
};

struct entry {
    LONG id;
    bool stopped;                  /* stopped from inside a Refresh: released after it */
    int fan;                       /* an object of fan k, or -1 for an enumerator */
    IWbemObjectAccess *obj;        /* owned (object entry) */
    IWbemHiPerfEnum *hpe;          /* owned (enumerator entry) */
    IWbemObjectAccess *member[NFANS];  /* owned once added to hpe */
};

struct refresher {
    IWbemRefresher IWbemRefresher_iface;
    atomic_uint ref;
    struct provider *prov;         /* owned reference */
    pthread_mutex_t lock;          /* recursive; guards the rest */
    bool refreshing;
    struct entry **e;
    size_t n, cap;
    LONG next_id;
};

static const IWbemRefresherVtbl refresher_vtbl;
static _Thread_local int locks_held;  /* refresher mutexes this thread holds */

static struct provider *prov_from_init(IWbemProviderInit *i)
{
    return CONTAINER_OF(i, struct provider, IWbemProviderInit_iface);
}

static struct provider *prov_from_hp(IWbemHiPerfProvider *i)
{
    return CONTAINER_OF(i, struct provider, IWbemHiPerfProvider_iface);
}

static ULONG provider_release(struct provider *p)
{
    ULONG ref = atomic_fetch_sub(&p->ref, 1) - 1;
    if (ref == 0) {
        if (p->class_obj)
            IWbemClassObject_Release(p->class_obj);
        if (p->ns)
            IWbemServices_Release(p->ns);
        pthread_mutex_destroy(&p->lock);
        free(p);
        atomic_fetch_sub(&live_objects, 1);
    }
    return ref;
}

static HRESULT provider_qi(struct provider *p, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemProviderInit))
        *ppv = &p->IWbemProviderInit_iface;
    else if (IsEqualIID(riid, &IID_IWbemHiPerfProvider))
        *ppv = &p->IWbemHiPerfProvider_iface;
    else
        return E_NOINTERFACE;
    atomic_fetch_add(&p->ref, 1);
    return S_OK;
}

/* The class object (borrowed: lives as long as the provider) and the
 * property handles, fetched from the host once and cached. */
static HRESULT provider_class(struct provider *p, IWbemServices *ns, IWbemClassObject **cls, LONG *handle)
{
    IWbemClassObject *obj = NULL, *inst = NULL;
    IWbemObjectAccess *oa = NULL;
    LONG h[NPROPS];
    HRESULT hr;

    pthread_mutex_lock(&p->lock);
    IWbemServices *use = p->ns ? p->ns : ns;
    if (use)
        IWbemServices_AddRef(use);
    bool cached = p->class_obj != NULL;
    pthread_mutex_unlock(&p->lock);
    if (!cached) {
        BSTR name = SysAllocString(class_name);
        hr = !use    ? WBEM_E_UNEXPECTED  /* neither Initialize nor the caller gave a namespace */
             : !name ? WBEM_E_OUT_OF_MEMORY
                     : IWbemServices_GetObject(use, name, 0, NULL, &obj, NULL);
        SysFreeString(name);
        if (SUCCEEDED(hr) && !obj)
            hr = WBEM_E_FAILED;
        if (SUCCEEDED(hr))
            hr = IWbemClassObject_SpawnInstance(obj, 0, &inst);
        if (SUCCEEDED(hr))
            hr = IWbemClassObject_QueryInterface(inst, &IID_IWbemObjectAccess, (void **)&oa);
        for (unsigned i = 0; SUCCEEDED(hr) && i < NPROPS; i++) {
            CIMTYPE type = CIM_EMPTY;
            hr = IWbemObjectAccess_GetPropertyHandle(oa, props[i].name, &type, &h[i]);
            if (SUCCEEDED(hr) && type != props[i].type)
                hr = WBEM_E_TYPE_MISMATCH;
        }
        if (oa)
            IWbemObjectAccess_Release(oa);
        if (inst)
            IWbemClassObject_Release(inst);
        if (FAILED(hr)) {
            if (obj)
                IWbemClassObject_Release(obj);
            if (use)
                IWbemServices_Release(use);
            return hr;
        }
        pthread_mutex_lock(&p->lock);
        if (!p->class_obj) {  /* first one wins; a loser releases its copy */
            p->class_obj = obj;
            for (unsigned i = 0; i < NPROPS; i++)
                p->handle[i] = h[i];
            obj = NULL;
        }
        pthread_mutex_unlock(&p->lock);
        if (obj)
            IWbemClassObject_Release(obj);
    }
    if (use)
        IWbemServices_Release(use);
    pthread_mutex_lock(&p->lock);
    *cls = p->class_obj;
    for (unsigned i = 0; i < NPROPS; i++)
        handle[i] = p->handle[i];
    pthread_mutex_unlock(&p->lock);
    return WBEM_S_NO_ERROR;
}

/* A new instance of fan k with its key and values, owned by the caller. */
static HRESULT provider_spawn(struct provider *p, IWbemServices *ns, unsigned k, const uint64_t *v,
                              IWbemObjectAccess **out)
{
    IWbemClassObject *cls, *inst = NULL;
    LONG handle[NPROPS];
    VARIANT key;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = provider_class(p, ns, &cls, handle)) || FAILED(hr = IWbemClassObject_SpawnInstance(cls, 0, &inst)))
        return hr;
    VariantInit(&key);
    V_VT(&key) = VT_BSTR;
    V_BSTR(&key) = SysAllocString(fan_names[k]);
    hr = V_BSTR(&key) ? IWbemClassObject_Put(inst, u"Name", 0, &key, 0) : WBEM_E_OUT_OF_MEMORY;
    VariantClear(&key);
    if (SUCCEEDED(hr))
        hr = IWbemClassObject_QueryInterface(inst, &IID_IWbemObjectAccess, (void **)out);
    IWbemClassObject_Release(inst);
    if (SUCCEEDED(hr) && FAILED(hr = write_values(*out, handle, v))) {
        IWbemObjectAccess_Release(*out);
        *out = NULL;
    }
    return hr;
}

/* Which fan `obj` is: WBEM_E_INVALID_PARAMETER (no __CLASS or key),
 * WBEM_E_INVALID_CLASS (not our class), WBEM_E_NOT_FOUND (no such fan). */
static HRESULT identify(IWbemClassObject *obj, unsigned *fan)
{
    static const WCHAR *const which[2] = {u"__CLASS", u"Name"};
    VARIANT v[2];
    HRESULT hr = WBEM_S_NO_ERROR;

    for (int i = 0; i < 2; i++) {
        VariantInit(&v[i]);
        if (SUCCEEDED(hr))
            hr = IWbemClassObject_Get(obj, which[i], 0, &v[i], NULL, NULL);
        if (SUCCEEDED(hr) && (V_VT(&v[i]) != VT_BSTR || !V_BSTR(&v[i])))
            hr = WBEM_E_INVALID_PARAMETER;
        if (SUCCEEDED(hr) && i == 0 && !wcs_ieq(V_BSTR(&v[0]), class_name))
            hr = WBEM_E_INVALID_CLASS;
    }
    if (SUCCEEDED(hr)) {
        hr = WBEM_E_NOT_FOUND;
        for (unsigned k = 0; k < NFANS; k++)
            if (wcs_ieq(V_BSTR(&v[1]), fan_names[k])) {
                *fan = k;
                hr = WBEM_S_NO_ERROR;
            }
    }
    VariantClear(&v[0]);
    VariantClear(&v[1]);
    return hr;
}

static HRESULT STDMETHODCALLTYPE init_QueryInterface(IWbemProviderInit *i, REFIID riid, void **ppv)
{
    return provider_qi(prov_from_init(i), riid, ppv);
}

static ULONG STDMETHODCALLTYPE init_AddRef(IWbemProviderInit *i)
{
    return atomic_fetch_add(&prov_from_init(i)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE init_Release(IWbemProviderInit *i) { return provider_release(prov_from_init(i)); }

/* Keeps the namespace for later class lookups; reports through the sink once. */
static HRESULT STDMETHODCALLTYPE init_Initialize(IWbemProviderInit *iface, LPWSTR user, LONG flags, LPWSTR nsname,
                                                 LPWSTR locale, IWbemServices *ns, IWbemContext *ctx,
                                                 IWbemProviderInitSink *sink)
{
    struct provider *p = prov_from_init(iface);
    (void)user, (void)nsname, (void)locale, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (flags != 0) {
        IWbemProviderInitSink_SetStatus(sink, WBEM_E_FAILED, 0);
        return WBEM_E_INVALID_PARAMETER;
    }
    if (ns) {
        IWbemServices_AddRef(ns);
        pthread_mutex_lock(&p->lock);
        IWbemServices *old = p->ns ? ns : NULL;  /* a second Initialize keeps the first */
        if (!p->ns)
            p->ns = ns;
        pthread_mutex_unlock(&p->lock);
        if (old)
            IWbemServices_Release(old);
    }
    IWbemProviderInitSink_SetStatus(sink, WBEM_S_INITIALIZED, 0);
    return WBEM_S_NO_ERROR;
}

static const IWbemProviderInitVtbl init_vtbl = {init_QueryInterface, init_AddRef, init_Release, init_Initialize};

/* ---- the refresher ------------------------------------------------------ */

static struct refresher *refr_from_iface(IWbemRefresher *i)
{
    return CONTAINER_OF(i, struct refresher, IWbemRefresher_iface);
}

/* Ours only if made by this provider: check the vtable before touching it. */
static struct refresher *our_refresher(IWbemRefresher *iface, struct provider *p)
{
    if (!iface || iface->lpVtbl != &refresher_vtbl)
        return NULL;
    struct refresher *r = refr_from_iface(iface);
    return r->prov == p ? r : NULL;
}

static bool refresher_lock(struct refresher *r)
{
    if (locks_held ? pthread_mutex_trylock(&r->lock) : pthread_mutex_lock(&r->lock))
        return false;
    locks_held++;
    return true;
}

static void refresher_unlock(struct refresher *r)
{
    locks_held--;
    pthread_mutex_unlock(&r->lock);
}

static void entry_free(struct entry *e)
{
    if (e->obj)
        IWbemObjectAccess_Release(e->obj);
    for (unsigned k = 0; k < NFANS; k++)
        if (e->member[k])
            IWbemObjectAccess_Release(e->member[k]);
    if (e->hpe)
        IWbemHiPerfEnum_Release(e->hpe);
    free(e);
}

/* Takes over `e` with a new id in *id, or frees it and fails. */
static HRESULT refresher_add(struct refresher *r, struct entry *e, LONG *id)
{
    if (!refresher_lock(r)) {
        entry_free(e);
        return WBEM_E_REFRESHER_BUSY;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        struct entry **grown = realloc(r->e, cap * sizeof *grown);
        if (!grown) {
            refresher_unlock(r);
            entry_free(e);
            return WBEM_E_OUT_OF_MEMORY;
        }
        r->e = grown;
        r->cap = cap;
    }
    e->id = *id = ++r->next_id;
    r->e[r->n++] = e;
    refresher_unlock(r);
    return WBEM_S_NO_ERROR;
}

/* Moves the stopped entries out of the array into *dead (under the lock). */
static size_t refresher_sweep(struct refresher *r, struct entry **dead)
{
    size_t nd = 0, j = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->e[i]->stopped)
            dead[nd++] = r->e[i];
        else
            r->e[j++] = r->e[i];
    r->n = j;
    return nd;
}

static HRESULT STDMETHODCALLTYPE refresher_QueryInterface(IWbemRefresher *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IWbemRefresher))
        return E_NOINTERFACE;
    *ppv = iface;
    IWbemRefresher_AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE refresher_AddRef(IWbemRefresher *iface)
{
    return atomic_fetch_add(&refr_from_iface(iface)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE refresher_Release(IWbemRefresher *iface)
{
    struct refresher *r = refr_from_iface(iface);
    ULONG ref = atomic_fetch_sub(&r->ref, 1) - 1;
    if (ref == 0) {  /* nobody else is inside: every method holds a reference */
        for (size_t i = 0; i < r->n; i++)
            entry_free(r->e[i]);
        free(r->e);
        pthread_mutex_destroy(&r->lock);
        provider_release(r->prov);
        free(r);
        atomic_fetch_sub(&live_objects, 1);
    }
    return ref;
}

/* Brings every object and enumerator up to date from one clock reading.
 * An enumerator is filled (AddObjects) on its first Refresh and written in
 * place after that: the fans never come or go. */
static HRESULT STDMETHODCALLTYPE refresher_Refresh(IWbemRefresher *iface, LONG flags)
{
    struct refresher *r = refr_from_iface(iface);
    HRESULT hr = WBEM_S_NO_ERROR;
    fan_values v;

    if (flags & ~(LONG)WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT)
        return WBEM_E_INVALID_PARAMETER;
    IWbemRefresher_AddRef(iface);  /* a callback may drop the caller's last reference */
    bool locked = refresher_lock(r);
    if (!locked || r->refreshing) {  /* re-entered on this thread, or taken while we hold another */
        if (locked)
            refresher_unlock(r);
        IWbemRefresher_Release(iface);
        return WBEM_E_REFRESHER_BUSY;
    }
    r->refreshing = true;
    read_values(v);
    LONG handle[NPROPS];
    IWbemClassObject *cls;
    if (r->n)
        hr = provider_class(r->prov, NULL, &cls, handle);
    for (size_t i = 0, n = r->n; SUCCEEDED(hr) && i < n; i++) {
        struct entry *e = r->e[i];  /* re-read: a callback may have grown the array */
        if (e->stopped)
            continue;
        if (e->fan >= 0) {
            hr = write_values(e->obj, handle, v[e->fan]);
        } else if (e->member[0]) {
            for (unsigned k = 0; k < NFANS && SUCCEEDED(hr); k++)
                hr = write_values(e->member[k], handle, v[k]);
        } else {
            IWbemObjectAccess *m[NFANS] = {0};
            LONG ids[NFANS] = {1, 2, 3};
            for (unsigned k = 0; k < NFANS && SUCCEEDED(hr); k++)
                hr = provider_spawn(r->prov, NULL, k, v[k], &m[k]);
            if (SUCCEEDED(hr) && !e->stopped)
                hr = IWbemHiPerfEnum_AddObjects(e->hpe, 0, NFANS, ids, m);
            for (unsigned k = 0; k < NFANS; k++)
                if (SUCCEEDED(hr))
                    e->member[k] = m[k];  /* kept: written in place from now on */
                else if (m[k])
                    IWbemObjectAccess_Release(m[k]);
        }
    }
    r->refreshing = false;
    struct entry **dead = malloc((r->n ? r->n : 1) * sizeof *dead);
    size_t nd = dead ? refresher_sweep(r, dead) : 0;
    refresher_unlock(r);
    for (size_t i = 0; i < nd; i++)
        entry_free(dead[i]);
    free(dead);
    IWbemRefresher_Release(iface);
    return hr;
}

static const IWbemRefresherVtbl refresher_vtbl = {refresher_QueryInterface, refresher_AddRef, refresher_Release,
                                                  refresher_Refresh};

/* ---- IWbemHiPerfProvider ------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE hp_QueryInterface(IWbemHiPerfProvider *i, REFIID riid, void **ppv)
{
    return provider_qi(prov_from_hp(i), riid, ppv);
}

static ULONG STDMETHODCALLTYPE hp_AddRef(IWbemHiPerfProvider *i)
{
    return atomic_fetch_add(&prov_from_hp(i)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE hp_Release(IWbemHiPerfProvider *i) { return provider_release(prov_from_hp(i)); }

/* Every fan in one Indicate, then SetStatus exactly once; returns what it reported. */
static HRESULT STDMETHODCALLTYPE hp_QueryInstances(IWbemHiPerfProvider *iface, IWbemServices *ns, WCHAR *cls_name,
                                                   LONG flags, IWbemContext *ctx, IWbemObjectSink *sink)
{
    IWbemObjectAccess *objs[NFANS] = {0};
    HRESULT hr = WBEM_S_NO_ERROR;
    fan_values v;

    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (!cls_name || !wcs_ieq(cls_name, class_name))
        hr = cls_name ? WBEM_E_INVALID_CLASS : WBEM_E_INVALID_PARAMETER;
    read_values(v);
    for (unsigned k = 0; k < NFANS && SUCCEEDED(hr); k++)
        hr = provider_spawn(prov_from_hp(iface), ns, k, v[k], &objs[k]);
    if (SUCCEEDED(hr))  /* IWbemObjectAccess derives from IWbemClassObject */
        hr = IWbemObjectSink_Indicate(sink, NFANS, (IWbemClassObject **)objs);
    for (unsigned k = 0; k < NFANS; k++)  /* the sink AddRefs what it keeps */
        if (objs[k])
            IWbemObjectAccess_Release(objs[k]);
    IWbemObjectSink_SetStatus(sink, WBEM_STATUS_COMPLETE, hr, NULL, NULL);
    return hr;
}

static HRESULT STDMETHODCALLTYPE hp_CreateRefresher(IWbemHiPerfProvider *iface, IWbemServices *ns, LONG flags,
                                                    IWbemRefresher **out)
{
    struct provider *p = prov_from_hp(iface);
    pthread_mutexattr_t attr;
    (void)ns;
    if (!out)
        return WBEM_E_INVALID_PARAMETER;
    *out = NULL;
    if (flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    struct refresher *r = calloc(1, sizeof *r);
    if (!r)
        return WBEM_E_OUT_OF_MEMORY;
    r->IWbemRefresher_iface.lpVtbl = &refresher_vtbl;
    atomic_init(&r->ref, 1);
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&r->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    atomic_fetch_add(&p->ref, 1);
    r->prov = p;
    atomic_fetch_add(&live_objects, 1);
    *out = &r->IWbemRefresher_iface;
    return WBEM_S_NO_ERROR;
}

/* A filled clone of the template, one reference kept by the refresher and
 * one returned. */
static HRESULT STDMETHODCALLTYPE hp_CreateRefreshableObject(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                            IWbemObjectAccess *tmpl, IWbemRefresher *refresher,
                                                            LONG flags, IWbemContext *ctx,
                                                            IWbemObjectAccess **out, LONG *id)
{
    struct provider *p = prov_from_hp(iface);
    IWbemClassObject *copy = NULL, *cls;
    IWbemObjectAccess *oa = NULL;
    LONG handle[NPROPS];
    fan_values v;
    unsigned fan;
    HRESULT hr;

    (void)ctx;
    if (out)
        *out = NULL;
    if (id)
        *id = 0;
    struct refresher *r = our_refresher(refresher, p);
    if (!out || !id || !tmpl || !r || flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    if (FAILED(hr = identify((IWbemClassObject *)tmpl, &fan)) || FAILED(hr = provider_class(p, ns, &cls, handle)) ||
        FAILED(hr = IWbemObjectAccess_Clone(tmpl, &copy)))
        return hr;
    hr = IWbemClassObject_QueryInterface(copy, &IID_IWbemObjectAccess, (void **)&oa);
    IWbemClassObject_Release(copy);
    if (FAILED(hr))
        return hr;
    read_values(v);
    struct entry *e = calloc(1, sizeof *e);
    if (!e || FAILED(hr = write_values(oa, handle, v[fan]))) {
        free(e);
        IWbemObjectAccess_Release(oa);
        return e ? hr : WBEM_E_OUT_OF_MEMORY;
    }
    e->fan = (int)fan;
    e->obj = oa;
    IWbemObjectAccess_AddRef(oa);  /* the caller's reference */
    if (FAILED(hr = refresher_add(r, e, id))) {
        IWbemObjectAccess_Release(oa);
        return hr;
    }
    *out = oa;
    return WBEM_S_NO_ERROR;
}

static HRESULT STDMETHODCALLTYPE hp_StopRefreshing(IWbemHiPerfProvider *iface, IWbemRefresher *refresher, LONG id,
                                                   LONG flags)
{
    struct refresher *r = our_refresher(refresher, prov_from_hp(iface));
    struct entry *dead = NULL;
    HRESULT hr = WBEM_E_NOT_FOUND;

    (void)flags;  /* documented as flags, not reserved */
    if (!r)
        return WBEM_E_INVALID_PARAMETER;
    if (!refresher_lock(r))
        return WBEM_E_REFRESHER_BUSY;
    for (size_t i = 0; i < r->n; i++) {
        struct entry *e = r->e[i];
        if (e->id != id || e->stopped)
            continue;
        hr = WBEM_S_NO_ERROR;
        if (r->refreshing) {  /* re-entered from a Refresh on this thread */
            e->stopped = true;
        } else {
            dead = e;
            r->e[i] = r->e[--r->n];
        }
        break;
    }
    refresher_unlock(r);
    if (dead)
        entry_free(dead);
    return hr;
}

/* Keeps the host's enumerator; the next Refresh fills it. */
static HRESULT STDMETHODCALLTYPE hp_CreateRefreshableEnum(IWbemHiPerfProvider *iface, IWbemServices *ns,
                                                          LPCWSTR cls_name, IWbemRefresher *refresher, LONG flags,
                                                          IWbemContext *ctx, IWbemHiPerfEnum *hpe, LONG *id)
{
    struct provider *p = prov_from_hp(iface);
    IWbemClassObject *cls;
    LONG handle[NPROPS];
    HRESULT hr;

    (void)ctx;
    if (id)
        *id = 0;
    struct refresher *r = our_refresher(refresher, p);
    if (!id || !cls_name || !r || !hpe || flags != 0)
        return WBEM_E_INVALID_PARAMETER;
    if (!wcs_ieq(cls_name, class_name))
        return WBEM_E_INVALID_CLASS;
    if (FAILED(hr = provider_class(p, ns, &cls, handle)))
        return hr;
    struct entry *e = calloc(1, sizeof *e);
    if (!e)
        return WBEM_E_OUT_OF_MEMORY;
    e->fan = -1;
    e->hpe = hpe;
    IWbemHiPerfEnum_AddRef(hpe);
    return refresher_add(r, e, id);
}

/* Fills the objects the caller keyed; checks every key before writing any. */
static HRESULT STDMETHODCALLTYPE hp_GetObjects(IWbemHiPerfProvider *iface, IWbemServices *ns, LONG count,
                                               IWbemObjectAccess **objs, LONG flags, IWbemContext *ctx)
{
    IWbemClassObject *cls;
    LONG handle[NPROPS];
    fan_values v;
    HRESULT hr;

    (void)ctx;
    if (flags != 0 || count < 0 || (count > 0 && !objs))
        return WBEM_E_INVALID_PARAMETER;
    for (LONG i = 0; i < count; i++)
        if (!objs[i])
            return WBEM_E_INVALID_PARAMETER;
    unsigned *fan = malloc(((size_t)count + 1) * sizeof *fan);
    if (!fan)
        return WBEM_E_OUT_OF_MEMORY;
    hr = count ? provider_class(prov_from_hp(iface), ns, &cls, handle) : WBEM_S_NO_ERROR;
    for (LONG i = 0; i < count && SUCCEEDED(hr); i++)
        hr = identify((IWbemClassObject *)objs[i], &fan[i]);
    read_values(v);
    for (LONG i = 0; i < count && SUCCEEDED(hr); i++)
        hr = write_values(objs[i], handle, v[fan[i]]);
    free(fan);
    return hr;
}

static const IWbemHiPerfProviderVtbl hp_vtbl = {
    hp_QueryInterface,         hp_AddRef,         hp_Release,       hp_QueryInstances, hp_CreateRefresher,
    hp_CreateRefreshableObject, hp_StopRefreshing, hp_CreateRefreshableEnum, hp_GetObjects,
};

/* ---- the class factory and the entry points ----------------------------- */

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
        return E_NOINTERFACE;
    *ppv = iface;
    IClassFactory_AddRef(iface);
    return S_OK;
}

/* The factory is static: its references are counted as server locks. */
static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
    (void)iface;
    return (ULONG)atomic_fetch_add(&live_objects, 1) + 1;
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
    (void)iface;
    return (ULONG)atomic_fetch_sub(&live_objects, 1) - 1;
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **ppv)
{
    (void)iface;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    struct provider *p = calloc(1, sizeof *p);
    if (!p)
        return E_OUTOFMEMORY;
    p->IWbemProviderInit_iface.lpVtbl = &init_vtbl;
    p->IWbemHiPerfProvider_iface.lpVtbl = &hp_vtbl;
    atomic_init(&p->ref, 1);
    pthread_mutex_init(&p->lock, NULL);
    atomic_fetch_add(&live_objects, 1);
    HRESULT hr = provider_qi(p, riid, ppv);
    provider_release(p);  /* drops the first reference: a failed QI frees it */
    return hr;
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    long n = atomic_load(&server_locks);
    if (lock)
        atomic_fetch_add(&server_locks, 1);
    else  /* an unbalanced unlock is the caller's bug: never below zero */
        while (n > 0 && !atomic_compare_exchange_weak(&server_locks, &n, n - 1))
            ;
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {factory_QueryInterface, factory_AddRef, factory_Release,
                                               factory_CreateInstance, factory_LockServer};
static IClassFactory factory = {&factory_vtbl};

/* One factory for both CLSIDs: the provider behaves the same inside WMI
 * and inside a client. */
HIPERF_EXPORT HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    *ppv = NULL;
    if (!rclsid || !riid)
        return E_INVALIDARG;
    if (!IsEqualCLSID(rclsid, &CLSID_FanProv) && !IsEqualCLSID(rclsid, &CLSID_FanProvClient))
        return CLASS_E_CLASSNOTAVAILABLE;
    return IClassFactory_QueryInterface(&factory, riid, ppv);
}

HIPERF_EXPORT HRESULT STDAPICALLTYPE DllCanUnloadNow(void)
{
    return atomic_load(&live_objects) == 0 && atomic_load(&server_locks) == 0 ? S_OK : S_FALSE;
}
