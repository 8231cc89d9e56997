/*
 * tests/provider/refprov_fixture.c - the shared fixture of the reference
 * provider's tests (see refprov_fixture.h).
 * Invariant: every call into the provider goes through HOST_CALL_PROVIDER
 * from a thread whose actor is HOST, so the ledger charges the provider
 * with exactly the references it takes, and the timestamp file is replaced
 * atomically (rename), so libfaketime never reads half a timestamp.
 */
#include "refprov_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef REFPROV_SO
#error "REFPROV_SO (the provider's .so) must be defined"
#endif
#ifndef REFPROV_MOF
#error "REFPROV_MOF (its MOF) must be defined"
#endif

int rpfx_open(struct rpfx *f)
{
    memset(f, 0, sizeof *f);
    hp_actor_set(HP_ACTOR_HOST);
    if (!(f->repo = repo_new()) || mof_load_file(f->repo, REFPROV_MOF) != 0 ||
        host_new(&f->host, f->repo, NULL) != 0 || host_set_provider_file(f->host, REFPROV_SO) != 0) {
        fprintf(stderr, "rpfx_open: %s\n", hp_error_message());
        return -1;
    }
    const struct repo_provider *reg = repo_provider(f->repo, "HiPerfCheck_Reference");
    if (!reg || host_load_provider(f->host, reg, HOSTPROV_IN_WMI, 5000, &f->prov) != 0 || !f->prov->hiperf) {
        fprintf(stderr, "rpfx_open: cannot load the provider: %s\n", hp_error_message());
        return -1;
    }
    f->hp = f->prov->hiperf;
    f->ns = host_namespace(f->host);
    return 0;
}

void rpfx_close(struct rpfx *f, HRESULT *can_unload)
{
    if (f->host) {
        host_unload_providers(f->host, can_unload);
        host_free(f->host);
    }
    repo_free(f->repo);
    memset(f, 0, sizeof *f);
}

/* ---- the fake clock ---------------------------------------------------------- */

int64_t rpfx_parse_time(const char *when)
{
    struct tm tm = {0};
    int n = 0;

    if (sscanf(when, "%d-%d-%d %d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec, &n) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

bool rpfx_set_time(const char *when)
{
    const char *path = getenv("FAKETIME_TIMESTAMP_FILE");
    int64_t want = rpfx_parse_time(when);
    char tmp[4096];
    FILE *fp;

    if (!path || want < 0 || snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return false;
    if (!(fp = fopen(tmp, "w")))
        return false;
    fprintf(fp, "%s\n", when);
    if (fclose(fp) != 0 || rename(tmp, path) != 0)
        return false;
    /* FAKETIME_NO_CACHE=1: the next clock read sees the new file. */
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec == want;
}

bool rpfx_faketime_active(void)
{
    /* Two instants a year apart: only a faked clock can show both. */
    return rpfx_set_time("2001-02-03 04:05:06") && rpfx_set_time("2002-02-03 04:05:06");
}

/* ---- the host's side of the calls ----------------------------------------------- */

struct hobject *rpfx_instance(struct rpfx *f, const char *cls, const char *key_prop, const char *key)
{
    const struct repo_class *rc = repo_class(f->repo, cls);
    struct hobject *o = rc ? hobject_new_instance(f->host, rc, HP_ACTOR_HOST) : NULL;
    struct cim_value v = {.type = CIM_STRING, .v.s = (char *)key};

    if (o && key_prop && hobject_set(o, key_prop, &v) != 0) {
        hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
        return NULL;
    }
    return o;
}

HRESULT rpfx_create_refresher(struct rpfx *f, IWbemRefresher **out)
{
    struct host *host = f->host;
    *out = NULL;
    return HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefresher, f->hp, 0, 0, 0, 0,
                              IWbemHiPerfProvider_CreateRefresher(f->hp, f->ns, 0, out));
}

void rpfx_release_refresher(struct rpfx *f, IWbemRefresher *r)
{
    if (r)
        host_provider_release(f->host, (IUnknown *)r, HPM_IWbemRefresher_Release);
}

HRESULT rpfx_add_object(struct rpfx *f, IWbemRefresher *r, struct hobject *tmpl, struct hobject **out, LONG *id)
{
    struct host *host = f->host;
    IWbemObjectAccess *acc = (IWbemObjectAccess *)(uintptr_t)0x1;  /* the provider must clear it */
    HRESULT hr;

    *out = NULL;
    *id = -1;
    hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefreshableObject, f->hp, 0, 0, 0, 0,
                            IWbemHiPerfProvider_CreateRefreshableObject(f->hp, f->ns, hobject_access(tmpl), r, 0,
                                                                        NULL, &acc, id));
    if (FAILED(hr))
        return acc ? E_UNEXPECTED : hr;  /* E_UNEXPECTED: a failure that left *ppRefreshable set */
    struct hobject *o = hobject_from_iface(acc);
    if (!o)
        return E_UNEXPECTED;
    hobj_transfer(hobject_hobj(o), HP_ACTOR_PROVIDER, HP_ACTOR_HOST, HPM_IWbemHiPerfProvider_CreateRefreshableObject);
    *out = o;
    return hr;
}

static HRESULT add_enum(struct rpfx *f, IWbemRefresher *r, const char *cls, struct hpenum **out, LONG *id,
                        bool keep_open)
{
    struct host *host = f->host;
    WCHAR *name = hp_utf8_to_utf16(cls, (size_t)-1, NULL);
    struct hpenum *e = NULL;
    HRESULT hr;

    *out = NULL;
    *id = -1;
    if (!name || hpenum_new(&e, f->host, HP_ACTOR_HOST, cls) != 0) {
        free(name);
        return E_OUTOFMEMORY;
    }
    hpenum_window_open(e);
    hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefreshableEnum, f->hp, 0, 0, 0, 0,
                            IWbemHiPerfProvider_CreateRefreshableEnum(f->hp, f->ns, name, r, 0, NULL,
                                                                      hpenum_iface(e), id));
    if (!keep_open)
        hpenum_window_close(e);
    free(name);
    *out = e;
    return hr;
}

HRESULT rpfx_add_enum(struct rpfx *f, IWbemRefresher *r, const char *cls, struct hpenum **out, LONG *id)
{
    return add_enum(f, r, cls, out, id, false);
}

HRESULT rpfx_add_enum_open(struct rpfx *f, IWbemRefresher *r, const char *cls, struct hpenum **out, LONG *id)
{
    return add_enum(f, r, cls, out, id, true);
}

HRESULT rpfx_stop(struct rpfx *f, IWbemRefresher *r, LONG id)
{
    struct host *host = f->host;
    return HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_StopRefreshing, f->hp, id, 0, 0, 0,
                              IWbemHiPerfProvider_StopRefreshing(f->hp, r, id, 0));
}

HRESULT rpfx_refresh(struct rpfx *f, IWbemRefresher *r, struct hpenum *const *enums, size_t n)
{
    struct host *host = f->host;
    for (size_t i = 0; i < n; i++)
        hpenum_window_open(enums[i]);
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemRefresher_Refresh, r, 0, 0, 0, 0, IWbemRefresher_Refresh(r, 0));
    for (size_t i = 0; i < n; i++)
        hpenum_window_close(enums[i]);
    return hr;
}

/* ---- reading what the host holds ---------------------------------------------------- */

uint64_t rpfx_u64(struct hobject *o, const char *prop)
{
    struct cim_value v;
    uint64_t u = 0;

    if (hobject_get(o, prop, &v) != 0)
        return 0;
    if (!v.null)
        u = v.v.u;
    cim_value_clear(&v);
    return u;
}

bool rpfx_is_null(struct hobject *o, const char *prop)
{
    struct cim_value v;
    bool null;

    if (hobject_get(o, prop, &v) != 0)
        return true;
    null = v.null;
    cim_value_clear(&v);
    return null;
}

char *rpfx_str(struct hobject *o, const char *prop)
{
    struct cim_value v;
    char *s = NULL;

    if (hobject_get(o, prop, &v) != 0)
        return NULL;
    if (!v.null && cim_type_is_string(v.type))
        s = hp_strdup(v.v.s);
    cim_value_clear(&v);
    return s;
}

size_t rpfx_findings(struct rpfx *f)
{
    struct ledger *l = &f->host->ledger;

    pthread_mutex_lock(&l->lock);
    size_t n = l->nfindings;
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "finding: %s: %s\n", ledger_finding_kind_name(l->findings[i].kind),
                l->findings[i].text ? l->findings[i].text : "");
    pthread_mutex_unlock(&l->lock);
    return n;
}

int32_t rpfx_held(struct hobj *h, enum hp_actor a)
{
    return h ? atomic_load(&h->by[a]) : -1;
}

struct hobj *rpfx_namespace_hobj(struct rpfx *f)
{
    struct hobj *found = NULL;

    /* The namespace is the one object of its kind the host made. */
    pthread_mutex_lock(&f->host->ledger.lock);
    for (struct hobj *h = f->host->ledger.objects; h; h = h->next)
        if (h->ops && h->ops->kind && !strcmp(h->ops->kind, "IWbemServices"))
            found = h;
    pthread_mutex_unlock(&f->host->ledger.lock);
    return found;
}
