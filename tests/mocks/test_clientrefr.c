/*
 * tests/mocks/test_clientrefr.c - the client refresher (CLSID_WbemRefresher)
 * driving the REAL reference provider: loading by ClientLoadableCLSID or by
 * CLSID, one provider refresher per provider, the client's own objects
 * and enumerators updated on each Refresh and never touched between,
 * enumerator membership following the provider's schedule, Remove and its
 * flags, argument checks, non-hi-perf classes refreshed through
 * IWbemServices, nesting without recursion, release in either order,
 * AUTO_RECONNECT / NO_AUTO_RECONNECT after the provider's host went away,
 * and the [out] pointers NULL (ids 0) when an injected fault or a dead
 * refresher fails a call at its entry, such a call still journaled and
 * counted (the host's own IWbemRefresher too).  Every test but the dead-refresher
 * one (a host of its own) ends with the ledger checked: nothing held by the
 * provider or the client, nothing over-released, the provider unloadable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clientrefr.h"
#include "hiperfenum.h"
#include "hostrefr.h"
#include "loader.h"
#include "namespace.h"
#include "refrfix.h"
#include "refusal.h"

#define CPU0 u"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"0\""
#define CPU1 u"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"1\""
#define PROCESSOR u"Win32_PerfRawData_HiPerfCheck_Processor"
#define PROCESS u"Win32_PerfRawData_HiPerfCheck_Process"
#define DISK_C u"HiPerfCheck_Disk.DeviceID=\"C:\""

/* What an uninitialised [out] pointer holds. */
#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

static struct refrfix *fx(void **state)
{
    return *state;
}

static struct clientrefr *new_refresher(struct refrfix *f, enum hostprov_kind kind)
{
    struct clientrefr *r;
    assert_int_equal(clientrefr_new(&r, f->host, HP_ACTOR_CLIENT, kind), 0);
    return r;
}

static IWbemConfigureRefresher *cfg(struct clientrefr *r)
{
    return clientrefr_configure(r);
}

static void release_refresher(struct clientrefr *r)
{
    IWbemRefresher_Release(clientrefr_refresher(r));
}

/* Members of a client enumerator, each with a client reference. */
static ULONG enum_members(IWbemHiPerfEnum *e, IWbemObjectAccess **out, ULONG max)
{
    ULONG n = 0;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(e, 0, max, out, &n), WBEM_S_NO_ERROR);
    return n;
}

static void release_members(IWbemObjectAccess **v, ULONG n)
{
    for (ULONG i = 0; i < n; i++)
        IWbemObjectAccess_Release(v[i]);
}

static bool has_member(IWbemObjectAccess **v, ULONG n, const char *name)
{
    for (ULONG i = 0; i < n; i++) {
        char *s = refrfix_str(v[i], "Name");
        bool eq = s && strcmp(s, name) == 0;
        free(s);
        if (eq)
            return true;
    }
    return false;
}

static const struct hostprov *loaded(struct refrfix *f, enum hostprov_kind kind)
{
    for (size_t i = 0; i < f->host->nproviders; i++)
        if (f->host->providers[i]->reg == f->refprov && f->host->providers[i]->kind == kind)
            return f->host->providers[i];
    return NULL;
}

/* ---- Loading and provider refreshers ----------------------------------------- */

static void in_client_kind_loads_by_client_loadable_clsid(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj = NULL;
    LONG id = 0;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id),
                     WBEM_S_NO_ERROR);
    assert_non_null(obj);
    assert_true(id > 0);
    const struct hostprov *p = loaded(f, HOSTPROV_IN_CLIENT);
    assert_non_null(p);
    assert_memory_equal(&p->clsid, &f->refprov->client_clsid, sizeof(GUID));
    assert_null(loaded(f, HOSTPROV_IN_WMI));
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 1);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableObject), 1);
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

static void in_wmi_kind_loads_by_clsid(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_WMI);
    IWbemClassObject *obj = NULL;
    LONG id = 0;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id),
                     WBEM_S_NO_ERROR);
    const struct hostprov *p = loaded(f, HOSTPROV_IN_WMI);
    assert_non_null(p);
    assert_memory_equal(&p->clsid, &f->refprov->clsid, sizeof(GUID));
    assert_null(loaded(f, HOSTPROV_IN_CLIENT));
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

static void one_provider_refresher_per_client_refresher_and_provider(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *a = new_refresher(f, HOSTPROV_IN_CLIENT), *b = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *o1, *o2, *o3;
    IWbemHiPerfEnum *e1;
    LONG id1, id2, id3, id4;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(a), f->ns, CPU0, 0, NULL, &o1, &id1), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(a), f->ns, CPU1, 0, NULL, &o2, &id2), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(a), f->ns, PROCESS, 0, NULL, &e1, &id3), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 1);
    struct clientrefr_stats st;
    clientrefr_get_stats(a, &st);
    assert_int_equal(st.provider_refreshers, 1);
    assert_int_equal(st.objects, 2);
    assert_int_equal(st.enums, 1);
    /* Client ids are the refresher's own: distinct. */
    assert_true(id1 != id2 && id2 != id3 && id1 != id3);
    /* Another client refresher gets its own provider refresher. */
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(b), f->ns, CPU0, 0, NULL, &o3, &id4), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 2);
    assert_ptr_not_equal(o1, o3);
    IWbemClassObject_Release(o1);
    IWbemClassObject_Release(o2);
    IWbemClassObject_Release(o3);
    IWbemHiPerfEnum_Release(e1);
    release_refresher(a);
    release_refresher(b);
}

static void query_interface_gives_one_identity(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemRefresher *refr = clientrefr_refresher(r);
    IWbemConfigureRefresher *conf = NULL;
    IUnknown *u1 = NULL, *u2 = NULL;
    void *none = (void *)1;
    assert_int_equal(IWbemRefresher_QueryInterface(refr, &IID_IWbemConfigureRefresher, (void **)&conf), S_OK);
    assert_ptr_equal(conf, cfg(r));
    assert_int_equal(IWbemRefresher_QueryInterface(refr, &IID_IUnknown, (void **)&u1), S_OK);
    assert_int_equal(IWbemConfigureRefresher_QueryInterface(conf, &IID_IUnknown, (void **)&u2), S_OK);
    assert_ptr_equal(u1, u2);
    assert_int_equal(IWbemRefresher_QueryInterface(refr, &IID_IWbemServices, &none), E_NOINTERFACE);
    assert_null(none);
    assert_int_equal(IWbemRefresher_QueryInterface(refr, &IID_IUnknown, NULL), E_POINTER);
    assert_ptr_equal(clientrefr_from_iface(conf), r);
    assert_ptr_equal(clientrefr_from_iface(refr), r);
    assert_null(clientrefr_from_iface(f->ns));
    IWbemConfigureRefresher_Release(conf);
    IUnknown_Release(u1);
    IUnknown_Release(u2);
    assert_int_equal(atomic_load(&clientrefr_hobj(r)->by[HP_ACTOR_CLIENT]), 1);
    release_refresher(r);
}

/* ---- Values ------------------------------------------------------------------------ */

static void refresh_copies_values_into_the_clients_own_object(void **state)
{
    struct refrfix *f = fx(state);
    if (!refrfix_have_faketime())
        skip();
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    /* Filled when added, at the current instant. */
    assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0, 0));
    /* The client's object is its own: the provider holds no reference to it. */
    assert_int_equal(refrfix_held(obj, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(refrfix_held(obj, HP_ACTOR_CLIENT), 1);

    assert_true(refrfix_set_time(REFRFIX_T0 + 10));
    /* Between refreshes nothing touches it. */
    assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0, 0));
    uint64_t refreshes = refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), WBEM_S_NO_ERROR);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), refreshes + 1);
    assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0 + 10, 0));
    assert_int_equal(refrfix_u64(obj, "DPCRate"), (uint64_t)((REFRFIX_T0 + 10) % 17));
    char *name = refrfix_str(obj, "Name");
    assert_string_equal(name, "0");
    free(name);
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

static void add_object_by_template_uses_the_templates_keys(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_WMI);
    struct hobject *t = hobject_new_instance(f->host, f->proc, HP_ACTOR_CLIENT);
    struct cim_value key = {.type = CIM_STRING, .v.s = (char *)"3"};
    assert_int_equal(hobject_set(t, "Name", &key), 0);
    IWbemClassObject *obj;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByTemplate(cfg(r), f->ns, hobject_iface(t), 0, NULL, &obj, &id),
                     S_OK);
    assert_ptr_not_equal(obj, hobject_iface(t));   /* a new object, not the template */
    char *name = refrfix_str(obj, "Name");
    assert_string_equal(name, "3");
    free(name);
    if (refrfix_have_faketime())
        assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0, 3));
    /* A class object is not a template. */
    struct hobject *c = hobject_new_class(f->host, f->proc, HP_ACTOR_CLIENT);
    IWbemClassObject *o2 = (IWbemClassObject *)1;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByTemplate(cfg(r), f->ns, hobject_iface(c), 0, NULL, &o2, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_null(o2);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByTemplate(cfg(r), f->ns, NULL, 0, NULL, &o2, &id),
                     WBEM_E_INVALID_PARAMETER);
    IWbemClassObject_Release(hobject_iface(c));
    IWbemClassObject_Release(hobject_iface(t));
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

/* ---- Enumerators ------------------------------------------------------------------- */

static void enum_membership_follows_the_providers_schedule(void **state)
{
    struct refrfix *f = fx(state);
    if (!refrfix_have_faketime())
        skip();
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemHiPerfEnum *e;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESS, 0, NULL, &e, &id), S_OK);
    assert_ptr_equal(hpenum_iface(hpenum_from_iface(e)), e);
    assert_int_equal(hpenum_count(hpenum_from_iface(e)), 0);   /* filled by Refresh */

    IWbemObjectAccess *v[32];
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    ULONG n = enum_members(e, v, 32);
    /* At T0: Idle, System, smss, csrss, svchost#2 .. notepad. */
    assert_int_equal(n, 11);
    assert_true(has_member(v, n, "csrss"));
    assert_true(has_member(v, n, "notepad"));
    assert_false(has_member(v, n, "svchost#1"));
    IWbemObjectAccess *idle = NULL;
    for (ULONG i = 0; i < n; i++) {
        char *s = refrfix_str(v[i], "Name");
        if (strcmp(s, "Idle") == 0)
            idle = v[i];
        free(s);
        assert_int_equal(refrfix_held(v[i], HP_ACTOR_PROVIDER), 0);   /* copies, not the provider's */
    }
    assert_non_null(idle);
    IWbemObjectAccess_AddRef(idle);
    release_members(v, n);

    assert_true(refrfix_set_time(REFRFIX_T0 + 5));
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    n = enum_members(e, v, 32);
    assert_int_equal(n, 10);
    assert_false(has_member(v, n, "csrss"));
    assert_false(has_member(v, n, "notepad"));
    assert_true(has_member(v, n, "svchost#1"));
    /* An instance that stayed is the same client object. */
    bool same = false;
    for (ULONG i = 0; i < n; i++)
        same |= v[i] == idle;
    assert_true(same);
    release_members(v, n);
    IWbemObjectAccess_Release(idle);
    /* Only the provider-side enumerator was modified inside its window. */
    assert_int_equal(ledger_count(&f->host->ledger, LEDGER_COM_RULE), 0);
    IWbemHiPerfEnum_Release(e);
    release_refresher(r);
}

static void client_enum_accepts_only_get_objects_from_the_client(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemHiPerfEnum *e;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESSOR, 0, NULL, &e, &id), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(hpenum_count(hpenum_from_iface(e)), 5);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(e, 0), WBEM_E_ACCESS_DENIED);
    assert_int_equal(hpenum_count(hpenum_from_iface(e)), 5);
    IWbemHiPerfEnum_Release(e);
    release_refresher(r);
}

/* The client refresher keeps its enumerators' copies from inside, as WMI
 * does: those updates are no calls across the boundary, so a fault rule
 * aimed at the provider's IWbemHiPerfEnum calls never hits them and the
 * journal shows none on the client's enumerator. */
static void client_enum_updates_are_not_boundary_calls(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemHiPerfEnum *e;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESSOR, 0, NULL, &e, &id), S_OK);
    struct hpenum *ce = hpenum_from_iface(e);
    uint64_t from = journal_next_seq(&f->host->journal);
    /* The provider fills its own enumerator with one AddObjects; were the
     * host's copy into the client's enumerator a call, it would be the
     * second, and this rule would empty the client's enumerator. */
    assert_int_equal(faults_add(&f->host->faults, HPM_IWbemHiPerfEnum_AddObjects, FAULT_NTH, 2, 0, 0, E_FAIL), 0);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(hpenum_count(ce), 5);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(hpenum_count(ce), 5);
    struct hpenum_stats st;
    hpenum_get_stats(ce, &st);
    assert_int_equal(st.add_calls, 0);
    assert_int_equal(st.remove_calls, 0);
    assert_true(st.modifications >= 1);   /* the members were added all the same */
    uint64_t to = journal_next_seq(&f->host->journal);
    for (uint64_t seq = from; seq < to; seq++) {
        struct journal_rec rec;
        if (journal_get(&f->host->journal, seq, &rec) && rec.kind == JOURNAL_CALL)
            assert_true(rec.obj != hpenum_hobj(ce)->id);
    }
    assert_int_equal(faults_fired(&f->host->faults, HPM_IWbemHiPerfEnum_AddObjects), 0);
    faults_clear(&f->host->faults);
    IWbemHiPerfEnum_Release(e);
    release_refresher(r);
}

/* ---- Remove and flags -------------------------------------------------------------- */

static void remove_stops_the_provider_entry_and_forgets_the_id(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    IWbemHiPerfEnum *e;
    LONG id, eid;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESSOR, 0, NULL, &e, &eid), S_OK);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), id, 2), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 0);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), id, WBEM_FLAG_REFRESH_AUTO_RECONNECT), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 1);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), id, 0), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), 4242, 0), WBEM_E_NOT_FOUND);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), eid, WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 2);
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.items, 0);
    /* The client's object outlives its entry. */
    char *name = refrfix_str(obj, "Name");
    assert_string_equal(name, "0");
    free(name);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    IWbemClassObject_Release(obj);
    IWbemHiPerfEnum_Release(e);
    release_refresher(r);
}

static void refresh_flags_other_than_the_reconnect_ones_are_refused(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 2), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), -1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), 0);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), WBEM_FLAG_REFRESH_AUTO_RECONNECT), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), 2);
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

static void add_arguments_are_checked(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemConfigureRefresher *c = cfg(r);
    IWbemClassObject *obj = (IWbemClassObject *)1;
    IWbemHiPerfEnum *e = (IWbemHiPerfEnum *)1;
    LONG id = 77;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, NULL, CPU0, 0, NULL, &obj, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_null(obj);
    assert_int_equal(id, 0);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, f->ns, NULL, 0, NULL, &obj, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, f->ns, CPU0, 0, NULL, NULL, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, (IWbemServices *)(void *)c, CPU0, 0, NULL, &obj, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, f->ns, CPU0, 1, NULL, &obj, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, f->ns, u"Win32_PerfRawData_HiPerfCheck_Processor.Name=",
                                                             0, NULL, &obj, &id),
                     WBEM_E_INVALID_OBJECT_PATH);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, f->ns, PROCESSOR, 0, NULL, &obj, &id),
                     WBEM_E_INVALID_OBJECT_PATH);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, f->ns, u"NoSuchClass.Name=\"0\"", 0, NULL, &obj, &id),
                     WBEM_E_INVALID_CLASS);
    /* The provider's own answer for an instance that does not exist. */
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(
                         c, f->ns, u"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"9\"", 0, NULL, &obj, &id),
                     WBEM_E_NOT_FOUND);
    assert_null(obj);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(c, f->ns, u"NoSuchClass", 0, NULL, &e, &id), WBEM_E_INVALID_CLASS);
    assert_null(e);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(c, f->ns, PROCESSOR, 0, NULL, NULL, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(c, f->ns, PROCESSOR, 4, NULL, &e, &id), WBEM_E_INVALID_PARAMETER);
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.items, 0);
    /* WBEM_FLAG_USE_AMENDED_QUALIFIERS is allowed, and plId may be NULL;
     * the provider gets lFlags 0 either way. */
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(c, f->ns, CPU0, WBEM_FLAG_USE_AMENDED_QUALIFIERS, NULL,
                                                             &obj, NULL),
                     S_OK);
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

/* ---- Classes whose provider is not hi-perf ---------------------------------------- */

static void non_hiperf_object_is_fetched_through_get_object_async_on_each_refresh(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, DISK_C, 0, NULL, &obj, &id), S_OK);
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.nonhiperf, 1);
    assert_int_equal(st.provider_refreshers, 0);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 0);
    uint64_t gets = refrfix_provider_calls(f, HPM_IWbemServices_GetObjectAsync);
    assert_int_equal(gets, 1);
    assert_int_equal(refrfix_u64(obj, "Size"), 274877906944ull);
    if (refrfix_have_faketime()) {
        assert_int_equal(refrfix_u64(obj, "FreeSpace"), 137438953472ull - 4096ull * (REFRFIX_T0 % 3600));
        assert_true(refrfix_set_time(REFRFIX_T0 + 7));
    }
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemServices_GetObjectAsync), gets + 1);
    if (refrfix_have_faketime())
        assert_int_equal(refrfix_u64(obj, "FreeSpace"), 137438953472ull - 4096ull * ((REFRFIX_T0 + 7) % 3600));
    assert_int_equal(refrfix_held(obj, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), id, 0), S_OK);
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

static void non_hiperf_enum_is_enumerated_through_create_instance_enum_async(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_WMI);
    IWbemHiPerfEnum *e;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, u"HiPerfCheck_Disk", 0, NULL, &e, &id), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemServices_CreateInstanceEnumAsync), 0);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemServices_CreateInstanceEnumAsync), 1);
    IWbemObjectAccess *v[4];
    ULONG n = enum_members(e, v, 4);
    assert_int_equal(n, 2);
    IWbemObjectAccess *first = v[0];
    release_members(v, n);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemServices_CreateInstanceEnumAsync), 2);
    n = enum_members(e, v, 4);
    assert_int_equal(n, 2);
    assert_ptr_equal(v[0], first);   /* matched by key, updated in place */
    release_members(v, n);
    IWbemHiPerfEnum_Release(e);
    release_refresher(r);
}

/* ---- Nesting ----------------------------------------------------------------------- */

static void nested_refresher_is_refreshed_by_the_outer_one(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *outer = new_refresher(f, HOSTPROV_IN_CLIENT), *inner = new_refresher(f, HOSTPROV_IN_WMI);
    IWbemClassObject *obj;
    LONG id, nid = 0;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(inner), f->ns, CPU1, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(outer), clientrefr_refresher(inner), 0, &nid), S_OK);
    assert_true(nid > 0);
    uint64_t before = refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh);
    if (refrfix_have_faketime())
        assert_true(refrfix_set_time(REFRFIX_T0 + 3));
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(outer), 0), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), before + 1);
    if (refrfix_have_faketime())
        assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0 + 3, 1));
    /* The outer one holds the inner one: the client may let go of it. */
    release_refresher(inner);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(outer), 0), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), before + 2);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(outer), nid, 0), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(outer), 0), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), before + 2);
    IWbemClassObject_Release(obj);
    release_refresher(outer);
}

static void nesting_that_would_recurse_is_refused(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *a = new_refresher(f, HOSTPROV_IN_CLIENT), *b = new_refresher(f, HOSTPROV_IN_CLIENT),
                      *c = new_refresher(f, HOSTPROV_IN_CLIENT);
    LONG id = 5;
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(a), clientrefr_refresher(a), 0, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(id, 0);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(a), clientrefr_refresher(b), 0, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(b), clientrefr_refresher(c), 0, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(b), clientrefr_refresher(a), 0, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(c), clientrefr_refresher(a), 0, &id),
                     WBEM_E_INVALID_PARAMETER);
    /* Not recursive: the same refresher below two others. */
    struct clientrefr *d = new_refresher(f, HOSTPROV_IN_CLIENT);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(d), clientrefr_refresher(c), 0, &id), S_OK);
    /* Flags, NULL, and a refresher that is not a client refresher. */
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(d), clientrefr_refresher(b), 1, &id),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(d), NULL, 0, &id), WBEM_E_INVALID_PARAMETER);
    struct hostrefr *foreign;
    assert_int_equal(hostrefr_new(&foreign, f->host, HP_ACTOR_CLIENT), 0);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(d), hostrefr_iface(foreign), 0, &id),
                     WBEM_E_INVALID_PARAMETER);
    IWbemRefresher_Release(hostrefr_iface(foreign));
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(a), 0), S_OK);
    release_refresher(a);
    release_refresher(b);
    release_refresher(c);
    release_refresher(d);
}

/* ---- Release --------------------------------------------------------------------- */

static void releasing_the_refresher_first_leaves_the_clients_objects_valid(void **state)
{
    struct refrfix *f = fx(state);
    long provider_before = ledger_held(&f->host->ledger, HP_ACTOR_PROVIDER);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    IWbemHiPerfEnum *e;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESSOR, 0, NULL, &e, &id), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    uint64_t value = refrfix_u64(obj, "PercentProcessorTime");
    uint64_t releases = refrfix_provider_calls(f, HPM_IWbemRefresher_Release);
    release_refresher(r);
    /* The provider refresher was released, and with it everything it held. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Release), releases + 1);
    assert_true(ledger_held(&f->host->ledger, HP_ACTOR_PROVIDER) <= provider_before + 2);
    /* The client's object and enumerator are still the client's. */
    assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), value);
    VARIANT v;
    VariantInit(&v);
    assert_int_equal(IWbemClassObject_Get(obj, u"Name", 0, &v, NULL, NULL), S_OK);
    VariantClear(&v);
    IWbemObjectAccess *m[8];
    ULONG n = enum_members(e, m, 8);
    assert_int_equal(n, 5);
    release_members(m, n);
    IWbemClassObject_Release(obj);
    IWbemHiPerfEnum_Release(e);
}

static void releasing_the_objects_first_keeps_the_refresher_working(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    IWbemHiPerfEnum *e;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESS, 0, NULL, &e, &id), S_OK);
    IWbemClassObject_Release(obj);
    IWbemHiPerfEnum_Release(e);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    assert_int_equal(ledger_held(&f->host->ledger, HP_ACTOR_CLIENT), 1);   /* the refresher only */
    release_refresher(r);
}

/* ---- Reconnecting -------------------------------------------------------------------- */

static void auto_reconnect_recreates_the_provider_refresher(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_WMI);
    IWbemClassObject *obj;
    IWbemHiPerfEnum *e;
    LONG id, eid;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESSOR, 0, NULL, &e, &eid), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);

    /* The provider's host process goes away under the client. */
    HRESULT can = S_OK;
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    host_unload_providers(f->host, &can);
    hp_actor_set(prev);
    assert_int_equal(can, S_FALSE);   /* the client's provider refresher is still alive */
    if (refrfix_have_faketime())
        assert_true(refrfix_set_time(REFRFIX_T0 + 20));

    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), WBEM_FLAG_REFRESH_AUTO_RECONNECT), S_OK);
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.reconnects, 1);
    assert_int_equal(st.detached, 0);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 2);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableObject), 2);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableEnum), 2);
    /* Same ids, same client objects, fresh values. */
    if (refrfix_have_faketime())
        assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0 + 20, 0));
    assert_int_equal(hpenum_count(hpenum_from_iface(e)), 5);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), id, 0), S_OK);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), eid, 0), S_OK);
    IWbemClassObject_Release(obj);
    IWbemHiPerfEnum_Release(e);
    release_refresher(r);
}

static void no_auto_reconnect_returns_the_connection_error(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_WMI);
    IWbemClassObject *obj;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    host_unload_providers(f->host, NULL);
    hp_actor_set(prev);
    if (refrfix_have_faketime())
        assert_true(refrfix_set_time(REFRFIX_T0 + 20));
    uint64_t refreshes = refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT),
                     RPC_E_DISCONNECTED);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), refreshes);   /* nothing reached it */
    if (refrfix_have_faketime())
        assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0, 0));
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.reconnects, 0);
    /* The default flag reconnects later. */
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), S_OK);
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.reconnects, 1);
    if (refrfix_have_faketime())
        assert_int_equal(refrfix_u64(obj, "PercentProcessorTime"), refrfix_cpu_idle_time(REFRFIX_T0 + 20, 0));
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

static void in_client_refresher_does_not_lose_its_provider_when_wmi_does(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    host_unload_providers(f->host, NULL);
    hp_actor_set(prev);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT), S_OK);
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.reconnects, 0);
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

/* ---- Threads ------------------------------------------------------------------------ */

struct refresh_loop {
    struct clientrefr *r;
    int rounds;
    int failures;
};

static void *refresh_loop(void *p)
{
    struct refresh_loop *l = p;
    hp_actor_set(HP_ACTOR_CLIENT);
    for (int i = 0; i < l->rounds; i++)
        if (FAILED(IWbemRefresher_Refresh(clientrefr_refresher(l->r), 0)))
            l->failures++;
    return NULL;
}

static void concurrent_refresh_add_and_remove_are_serialized(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    IWbemHiPerfEnum *e;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESS, 0, NULL, &e, &id), S_OK);
    struct refresh_loop loops[2] = {{r, 60, 0}, {r, 60, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, refresh_loop, &loops[i]), 0);
    for (int i = 0; i < 30; i++) {
        IWbemClassObject *o;
        LONG oid;
        assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU1, 0, NULL, &o, &oid), S_OK);
        assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), oid, 0), S_OK);
        IWbemClassObject_Release(o);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(loops[0].failures + loops[1].failures, 0);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 30);
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.items, 2);
    assert_int_equal(st.refreshes, 120);
    IWbemClassObject_Release(obj);
    IWbemHiPerfEnum_Release(e);
    release_refresher(r);
}

/* ---- Failure paths ------------------------------------------------------------------ */

static void every_host_allocation_failing_in_turn_leaves_nothing_behind(void **state)
{
    struct refrfix *f = fx(state);
    /* A sink whose SetStatus could not be recorded for want of memory is
     * never complete: do not wait 5 s for it each time. */
    host_set_provider_wait(f->host, 20);
    uint64_t n;
    for (n = 1; n < 2000; n++) {
        faults_clear(&f->host->faults);
        assert_int_equal(faults_add(&f->host->faults, HPM_HOST_ALLOC, FAULT_NTH, n, 0, 0, E_OUTOFMEMORY), 0);
        struct clientrefr *r;
        if (clientrefr_new(&r, f->host, HP_ACTOR_CLIENT, n % 2 ? HOSTPROV_IN_CLIENT : HOSTPROV_IN_WMI) == 0) {
            IWbemClassObject *o1 = NULL, *o2 = NULL;
            IWbemHiPerfEnum *e1 = NULL, *e2 = NULL;
            LONG id;
            IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &o1, &id);
            IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESS, 0, NULL, &e1, &id);
            IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, DISK_C, 0, NULL, &o2, &id);
            IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, u"HiPerfCheck_Disk", 0, NULL, &e2, &id);
            IWbemRefresher_Refresh(clientrefr_refresher(r), 0);
            IWbemRefresher_Refresh(clientrefr_refresher(r), 0);
            if (o1)
                IWbemClassObject_Release(o1);
            if (o2)
                IWbemClassObject_Release(o2);
            if (e1)
                IWbemHiPerfEnum_Release(e1);
            if (e2)
                IWbemHiPerfEnum_Release(e2);
            release_refresher(r);
        }
        if (faults_fired(&f->host->faults, HPM_HOST_ALLOC) == 0)
            break;   /* the Nth allocation never came: every one has failed once */
    }
    faults_clear(&f->host->faults);
    print_message("%llu host allocations failed in turn\n", (unsigned long long)(n - 1));
    assert_true(n > 20 && n < 2000);
}

/* ---- Journal ------------------------------------------------------------------------- */

static void every_method_is_journaled_with_its_caller(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    IWbemClassObject *obj;
    LONG id;
    uint64_t from = journal_next_seq(&f->host->journal);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 1), S_OK);
    uint64_t to = journal_next_seq(&f->host->journal);
    bool add = false, refresh = false, provider_refresh_by_host = false;
    for (uint64_t s = from; s < to; s++) {
        struct journal_rec rec;
        if (!journal_get(&f->host->journal, s, &rec) || rec.kind != JOURNAL_CALL)
            continue;
        if (rec.method == HPM_IWbemConfigureRefresher_AddObjectByPath && rec.obj == clientrefr_hobj(r)->id) {
            add = rec.caller == HP_ACTOR_CLIENT && rec.arg[1] == id && rec.hr == S_OK && (rec.strmask & 1);
        } else if (rec.method == HPM_IWbemRefresher_Refresh && rec.callee == HP_ACTOR_HOST) {
            refresh = rec.caller == HP_ACTOR_CLIENT && rec.arg[0] == 1 && rec.arg[1] == 1;
        } else if (rec.method == HPM_IWbemRefresher_Refresh && rec.callee == HP_ACTOR_PROVIDER) {
            provider_refresh_by_host = rec.caller == HP_ACTOR_HOST && rec.arg[0] == 1;
        }
    }
    assert_true(add);
    assert_true(refresh);
    assert_true(provider_refresh_by_host);
    IWbemClassObject_Release(obj);
    release_refresher(r);
}

/* ---- [out] pointers when a call fails at its entry ------------------------------------ */

/* Calls both QueryInterfaces and the Add* methods with valid arguments,
 * each expected to fail with `want` at its entry (tmpl: an instance of
 * this host), and checks the [out] pointers came back NULL and the ids 0. */
static void expect_null_outs(struct clientrefr *r, IWbemServices *ns, IWbemClassObject *tmpl, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemRefresher_QueryInterface(clientrefr_refresher(r), &IID_IWbemConfigureRefresher, &p), want);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(IWbemConfigureRefresher_QueryInterface(cfg(r), &IID_IWbemRefresher, &p), want);
    assert_null(p);
    IWbemClassObject *obj = GARBAGE;
    LONG id = 77;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), ns, CPU0, 0, NULL, &obj, &id), want);
    assert_null(obj);
    assert_int_equal(id, 0);
    obj = GARBAGE;
    id = 77;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByTemplate(cfg(r), ns, tmpl, 0, NULL, &obj, &id), want);
    assert_null(obj);
    assert_int_equal(id, 0);
    IWbemHiPerfEnum *e = GARBAGE;
    id = 77;
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), ns, PROCESSOR, 0, NULL, &e, &id), want);
    assert_null(e);
    assert_int_equal(id, 0);
}

static const enum hp_method add_sites[] = {
    HPM_IWbemRefresher_QueryInterface,           HPM_IWbemConfigureRefresher_QueryInterface,
    HPM_IWbemConfigureRefresher_AddObjectByPath, HPM_IWbemConfigureRefresher_AddObjectByTemplate,
    HPM_IWbemConfigureRefresher_AddEnum,
};

static void out_pointers_are_null_when_an_injected_fault_fails_the_call(void **state)
{
    struct refrfix *f = fx(state);
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT);
    struct hobject *t = hobject_new_instance(f->host, f->proc, HP_ACTOR_CLIENT);
    struct cim_value key = {.type = CIM_STRING, .v.s = (char *)"1"};
    assert_int_equal(hobject_set(t, "Name", &key), 0);
    for (size_t i = 0; i < sizeof add_sites / sizeof *add_sites; i++)
        assert_int_equal(faults_add(&f->host->faults, add_sites[i], FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_outs(r, f->ns, hobject_iface(t), E_FAIL);
    for (size_t i = 0; i < sizeof add_sites / sizeof *add_sites; i++)
        assert_int_equal(faults_fired(&f->host->faults, add_sites[i]), 1);
    /* Nothing was added: the provider was never asked. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 0);
    IWbemClassObject *obj = NULL;
    LONG id = 0;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, 0, NULL, &obj, &id), S_OK);
    assert_int_equal(id, 1);
    IWbemClassObject_Release(obj);
    IWbemClassObject_Release(hobject_iface(t));
    release_refresher(r);
}

/* Every method of the client refresher refused at its entry by an injected
 * fault is still one journal record (clientrefr.h), counted by
 * journal_calls, with the caller, the refresher, E_FAIL and the arguments
 * known at the entry (the ones its other failures journal); the host's
 * own IWbemRefresher too. */
static void calls_refused_by_a_fault_are_journaled(void **state)
{
    struct refrfix *f = fx(state);
    struct host *host = f->host;
    struct clientrefr *r = new_refresher(f, HOSTPROV_IN_CLIENT), *other = new_refresher(f, HOSTPROV_IN_CLIENT);
    const uint64_t id = clientrefr_hobj(r)->id;
    struct hobject *t = hobject_new_instance(host, f->proc, HP_ACTOR_CLIENT);
    struct cim_value key = {.type = CIM_STRING, .v.s = (char *)"1"};
    assert_int_equal(hobject_set(t, "Name", &key), 0);
    const LONG amended = WBEM_FLAG_USE_AMENDED_QUALIFIERS, no_reconnect = WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT;
    struct refusal z;
    struct journal_rec rec;
    void *p = GARBAGE;
    IWbemClassObject *obj = GARBAGE;
    IWbemHiPerfEnum *e = GARBAGE;
    LONG lid = 77;

    refusal_arm(&z, host, HPM_IWbemRefresher_QueryInterface);
    assert_int_equal(IWbemRefresher_QueryInterface(clientrefr_refresher(r), &IID_IWbemRefresher, &p), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);

    refusal_arm(&z, host, HPM_IWbemRefresher_Refresh);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), no_reconnect), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);
    assert_int_equal(rec.arg[0], no_reconnect);

    refusal_arm(&z, host, HPM_IWbemConfigureRefresher_QueryInterface);
    assert_int_equal(IWbemConfigureRefresher_QueryInterface(cfg(r), &IID_IWbemRefresher, &p), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);

    refusal_arm(&z, host, HPM_IWbemConfigureRefresher_AddObjectByPath);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(cfg(r), f->ns, CPU0, amended, NULL, &obj, &lid), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);
    assert_true(refusal_mentions(host, &rec, "\"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"0\"\""));
    assert_int_equal(rec.arg[1], 0);
    assert_int_equal(rec.arg[2], amended);

    refusal_arm(&z, host, HPM_IWbemConfigureRefresher_AddObjectByTemplate);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByTemplate(cfg(r), f->ns, hobject_iface(t), amended, NULL, &obj,
                                                                 &lid),
                     E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);
    assert_int_equal(rec.arg[2], amended);

    refusal_arm(&z, host, HPM_IWbemConfigureRefresher_AddEnum);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(cfg(r), f->ns, PROCESSOR, amended, NULL, &e, &lid), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);
    assert_true(refusal_mentions(host, &rec, "(\"Win32_PerfRawData_HiPerfCheck_Processor\""));
    assert_int_equal(rec.arg[2], amended);

    refusal_arm(&z, host, HPM_IWbemConfigureRefresher_AddRefresher);
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(r), clientrefr_refresher(other), 0, &lid), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);

    refusal_arm(&z, host, HPM_IWbemConfigureRefresher_Remove);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), 7, no_reconnect), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, id);
    assert_int_equal(rec.arg[0], 7);
    assert_int_equal(rec.arg[1], no_reconnect);

    struct hostrefr *h;
    assert_int_equal(hostrefr_new(&h, host, HP_ACTOR_CLIENT), 0);
    refusal_arm(&z, host, HPM_IWbemRefresher_QueryInterface);
    assert_int_equal(IWbemRefresher_QueryInterface(hostrefr_iface(h), &IID_IWbemRefresher, &p), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, hostrefr_hobj(h)->id);
    refusal_arm(&z, host, HPM_IWbemRefresher_Refresh);
    assert_int_equal(IWbemRefresher_Refresh(hostrefr_iface(h), no_reconnect), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, hostrefr_hobj(h)->id);
    assert_int_equal(rec.arg[0], no_reconnect);

    /* Nothing was added or nested: the provider was never asked. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 0);
    struct clientrefr_stats st;
    clientrefr_get_stats(r, &st);
    assert_int_equal(st.items, 0);
    IWbemRefresher_Release(hostrefr_iface(h));
    IWbemClassObject_Release(hobject_iface(t));
    release_refresher(other);
    release_refresher(r);
}

/* A dead refresher (its last reference released) fails every call at its
 * entry, the [out]s NULL all the same, each call still journaled; the
 * host's own IWbemRefresher too.  A host of its own: a call on a dead
 * object is a finding the shared teardown refuses. */
static void out_pointers_are_null_when_the_refresher_is_dead(void **state)
{
    (void)state;
    struct host *host;
    assert_int_equal(host_new(&host, NULL, NULL), 0);
    IWbemServices *ns = host_namespace(host);
    assert_non_null(ns);
    struct clientrefr *r;
    struct hostrefr *hr;
    assert_int_equal(clientrefr_new(&r, host, HP_ACTOR_CLIENT, HOSTPROV_IN_CLIENT), 0);
    assert_int_equal(hostrefr_new(&hr, host, HP_ACTOR_CLIENT), 0);
    hp_actor_set(HP_ACTOR_CLIENT);
    release_refresher(r);                                    /* the last references */
    IWbemRefresher_Release(hostrefr_iface(hr));
    assert_false(hobj_alive(clientrefr_hobj(r)));
    assert_false(hobj_alive(hostrefr_hobj(hr)));

    /* The template is never looked at: any pointer will do. */
    struct refusal z[sizeof add_sites / sizeof *add_sites];
    for (size_t i = 0; i < sizeof add_sites / sizeof *add_sites; i++)
        refusal_watch(&z[i], host, add_sites[i]);
    expect_null_outs(r, ns, GARBAGE, CO_E_OBJNOTCONNECTED);
    for (size_t i = 0; i < sizeof add_sites / sizeof *add_sites; i++)
        refusal_check(&z[i], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, clientrefr_hobj(r)->id);
    refusal_watch(&z[0], host, HPM_IWbemRefresher_Refresh);
    assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(r), 0), CO_E_OBJNOTCONNECTED);
    refusal_check(&z[0], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, clientrefr_hobj(r)->id);
    refusal_watch(&z[0], host, HPM_IWbemConfigureRefresher_Remove);
    assert_int_equal(IWbemConfigureRefresher_Remove(cfg(r), 1, 0), CO_E_OBJNOTCONNECTED);
    refusal_check(&z[0], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, clientrefr_hobj(r)->id);
    refusal_watch(&z[0], host, HPM_IWbemConfigureRefresher_AddRefresher);
    LONG lid = 77;
    assert_int_equal(IWbemConfigureRefresher_AddRefresher(cfg(r), GARBAGE, 0, &lid), CO_E_OBJNOTCONNECTED);
    assert_int_equal(lid, 0);
    refusal_check(&z[0], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, clientrefr_hobj(r)->id);
    void *p = GARBAGE;
    refusal_watch(&z[0], host, HPM_IWbemRefresher_QueryInterface);
    assert_int_equal(IWbemRefresher_QueryInterface(hostrefr_iface(hr), &IID_IWbemRefresher, &p),
                     CO_E_OBJNOTCONNECTED);
    assert_null(p);
    refusal_check(&z[0], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, hostrefr_hobj(hr)->id);
    refusal_watch(&z[0], host, HPM_IWbemRefresher_Refresh);
    assert_int_equal(IWbemRefresher_Refresh(hostrefr_iface(hr), 0), CO_E_OBJNOTCONNECTED);
    refusal_check(&z[0], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, hostrefr_hobj(hr)->id);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_USE_AFTER_RELEASE), 10);   /* one per call */
    hp_actor_set(HP_ACTOR_HOST);
    host_free(host);
}

#define T(name) cmocka_unit_test_setup_teardown(name, refrfix_group_setup, refrfix_group_teardown)

int main(int argc, char **argv)
{
    refrfix_main(argc, argv);
    const struct CMUnitTest tests[] = {
        T(in_client_kind_loads_by_client_loadable_clsid),
        T(in_wmi_kind_loads_by_clsid),
        T(one_provider_refresher_per_client_refresher_and_provider),
        T(query_interface_gives_one_identity),
        T(refresh_copies_values_into_the_clients_own_object),
        T(add_object_by_template_uses_the_templates_keys),
        T(enum_membership_follows_the_providers_schedule),
        T(client_enum_updates_are_not_boundary_calls),
        T(client_enum_accepts_only_get_objects_from_the_client),
        T(remove_stops_the_provider_entry_and_forgets_the_id),
        T(refresh_flags_other_than_the_reconnect_ones_are_refused),
        T(add_arguments_are_checked),
        T(non_hiperf_object_is_fetched_through_get_object_async_on_each_refresh),
        T(non_hiperf_enum_is_enumerated_through_create_instance_enum_async),
        T(nested_refresher_is_refreshed_by_the_outer_one),
        T(nesting_that_would_recurse_is_refused),
        T(releasing_the_refresher_first_leaves_the_clients_objects_valid),
        T(releasing_the_objects_first_keeps_the_refresher_working),
        T(auto_reconnect_recreates_the_provider_refresher),
        T(no_auto_reconnect_returns_the_connection_error),
        T(in_client_refresher_does_not_lose_its_provider_when_wmi_does),
        T(concurrent_refresh_add_and_remove_are_serialized),
        T(every_host_allocation_failing_in_turn_leaves_nothing_behind),
        T(every_method_is_journaled_with_its_caller),
        T(out_pointers_are_null_when_an_injected_fault_fails_the_call),
        T(calls_refused_by_a_fault_are_journaled),
        cmocka_unit_test(out_pointers_are_null_when_the_refresher_is_dead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
