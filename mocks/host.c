/*
 * mocks/host.c - the host context: creation, teardown, the fake clock as
 * the journal sees it, provider object ids, fault-injectable allocation.
 */
#include "host.h"

#include "locator.h"

#include <stdlib.h>
#include <string.h>

int host_new(struct host **out, struct repo *repo, const struct host_options *opts)
{
    static const struct host_options defaults = {0};
    if (!opts)
        opts = &defaults;
    *out = NULL;
    struct host *h = calloc(1, sizeof *h);
    if (!h)
        return hp_error_set(HP_ENOMEM, "out of memory");
    h->repo = repo;
    int rc = journal_init(&h->journal, opts->journal_capacity ? opts->journal_capacity : (1u << 20),
                          &h->now_ns);
    if (rc) {
        free(h);
        return rc;
    }
    h->journal.enabled = !opts->journal_off;
    ledger_init(&h->ledger, &h->journal);
    faults_init(&h->faults);
    pthread_mutex_init(&h->lock, NULL);
    h->namespace_path = hp_strdup(opts->namespace_path ? opts->namespace_path
                                  : repo ? repo_namespace(repo) : "root\\default");
    h->provider_wait_ms = 5000;
    h->namespace_rights = opts->namespace_rights ? opts->namespace_rights : (WBEM_ENABLE | WBEM_REMOTE_ENABLE);
    if (!h->namespace_path) {
        host_free(h);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    hp_actor_set(HP_ACTOR_HOST);
    host_activation_start(h);
    *out = h;
    return 0;
}

void hclass_free(struct hclass *c); /* object.c */

void host_free(struct host *host)
{
    if (!host)
        return;
    host_activation_stop(host);
    ledger_free(&host->ledger);
    for (size_t i = 0; i < host->nclasses; i++)
        if (host->classes[i])
            hclass_free(host->classes[i]);
    free(host->classes);
    free(host->pobj_ptrs);
    faults_free(&host->faults);
    journal_free(&host->journal);
    pthread_mutex_destroy(&host->lock);
    free(host->namespace_path);
    free(host->provider_file);   /* loader.c's: the path and the table (entries go in host_unload_providers) */
    free(host->providers);
    free(host);
}

void host_set_time(struct host *host, int64_t ns)
{
    atomic_store(&host->now_ns, ns);
}

uint64_t host_pobj_id(struct host *host, const void *p)
{
    if (!p)
        return 0;
    pthread_mutex_lock(&host->lock);
    size_t i;
    for (i = 0; i < host->npobj; i++)
        if (host->pobj_ptrs[i] == p)
            break;
    if (i == host->npobj &&
        hp_grow((void **)&host->pobj_ptrs, &host->cappobj, host->npobj + 1, sizeof(void *)) == 0)
        host->pobj_ptrs[host->npobj++] = (void *)p;
    pthread_mutex_unlock(&host->lock);
    /* Provider objects are numbered apart from host objects: P1, P2 ... are
     * shown as #1000000001 ... */
    return 1000000000ull + i + 1;
}

void *host_alloc(struct host *host, size_t size)
{
    if (faults_check(&host->faults, HPM_HOST_ALLOC) != S_OK)
        return NULL;
    return malloc(size ? size : 1);
}

void *host_calloc(struct host *host, size_t n, size_t size)
{
    if (faults_check(&host->faults, HPM_HOST_ALLOC) != S_OK)
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

ULONG host_provider_addref(struct host *host, IUnknown *p, enum hp_method method)
{
    uint64_t id = host_pobj_id(host, p);
    enum hp_actor prev = hp_actor_set(HP_ACTOR_PROVIDER);
    ULONG n = IUnknown_AddRef(p);
    hp_actor_set(prev);
    journal_add(&host->journal, JOURNAL_CALL, method, prev, HP_ACTOR_PROVIDER, id, 0, 0, 0, 0, (HRESULT)n);
    return n;
}

ULONG host_provider_release(struct host *host, IUnknown *p, enum hp_method method)
{
    uint64_t id = host_pobj_id(host, p);
    enum hp_actor prev = hp_actor_set(HP_ACTOR_PROVIDER);
    ULONG n = IUnknown_Release(p);
    hp_actor_set(prev);
    journal_add(&host->journal, JOURNAL_CALL, method, prev, HP_ACTOR_PROVIDER, id, 0, 0, 0, 0, (HRESULT)n);
    return n;
}

HRESULT host_query_interface(struct host *host, struct hobj *h, enum hp_method m, void *iface, const IID *iid,
                             REFIID riid, void **ppv)
{
    int64_t iid1 = riid ? (int64_t)riid->Data1 : 0;
    if (ppv)
        *ppv = NULL;                /* on every failure, an injected one or a dead object's too */
    HRESULT hr = host_enter(host, h, m);
    if (hr != S_OK)
        return host_leave(host, h, m, iid1, 0, 0, 0, hr);
    if (!ppv)
        return host_leave(host, h, m, iid1, 0, 0, 0, E_POINTER);
    if (!riid)
        return host_leave(host, h, m, iid1, 0, 0, 0, E_INVALIDARG);
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, iid))
        return host_leave(host, h, m, iid1, 0, 0, 0, E_NOINTERFACE);
    hobj_addref(h);
    *ppv = iface;
    return host_leave(host, h, m, iid1, 0, 0, 0, S_OK);
}
