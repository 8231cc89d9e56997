/*
 * tests/mocks/test_refrsvc.c - the server side of the [MS-WMI] refresher
 * protocol (IWbemRefreshingServices 3.1.4.12, IWbemRemoteRefresher
 * 3.1.4.13) over the REAL reference provider: REMOTE for a registered
 * refresher-capable provider, NON_HIPERF otherwise, the all-zero INVALID
 * info on every failure (unknown path, unknown class, bad path, a failing
 * provider, a provider that cannot load, access denied, NULL arguments),
 * versions, cancel ids with StopRefreshing, WBEM_E_NOT_AVAILABLE, GUIDs
 * stable until a simulated server restart, reconnection with per-item
 * results, the three blob types, the blob decoder, the [out] pointers
 * (and the refresh info) NULL when an injected fault or a dead object fails
 * a call at its entry, such a call still journaled and counted, and the
 * done criterion: a remote refresh returns the
 * same counter values as an in-process client refresher at the same fake
 * instant.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "clientrefr.h"
#include "namespace.h"
#include "refrfix.h"
#include "refrsvc.h"
#include "refusal.h"

#define CPU0 u"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"0\""
#define CPU1 u"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"1\""
#define CPU9 u"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"9\""
#define PROCESSOR u"Win32_PerfRawData_HiPerfCheck_Processor"
#define PROCESS u"Win32_PerfRawData_HiPerfCheck_Process"
#define DISK_C u"HiPerfCheck_Disk.DeviceID=\"C:\""

/* What an uninitialised [out] pointer holds. */
#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

static struct refrfix *fx(void **state)
{
    return *state;
}

static IWbemRefreshingServices *svc(struct refrfix *f)
{
    IWbemRefreshingServices *s = host_refreshing_services(f->host);
    assert_non_null(s);
    return s;
}

static _WBEM_REFRESHER_ID refresher_id(uint32_t n)
{
    static char machine[] = "CLIENTPC";
    _WBEM_REFRESHER_ID id = {machine, 4242, {0x11111111u * n, 0x2222, 0x3333, {1, 2, 3, 4, 5, 6, 7, (unsigned char)n}}};
    return id;
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static bool guid_zero(const GUID *g)
{
    return all_zero(g, sizeof *g);
}

/* Drops what a successful _WBEM_REFRESH_INFO gave the caller. */
static void info_release(_WBEM_REFRESH_INFO *info)
{
    if (info->m_lType == WBEM_REFRESH_TYPE_REMOTE) {
        IWbemRemoteRefresher_Release(info->m_Info.m_Remote.m_pRefresher);
        IWbemClassObject_Release(info->m_Info.m_Remote.m_pTemplate);
    } else if (info->m_lType == WBEM_REFRESH_TYPE_NON_HIPERF) {
        CoTaskMemFree(info->m_Info.m_NonHiPerf.m_wszNamespace);
        IWbemClassObject_Release(info->m_Info.m_NonHiPerf.m_pTemplate);
    }
    memset(info, 0, sizeof *info);
}

static HRESULT add_path(struct refrfix *f, uint32_t who, const WCHAR *path, _WBEM_REFRESH_INFO *info)
{
    _WBEM_REFRESHER_ID id = refresher_id(who);
    DWORD ver = 0;
    memset(info, 0xAB, sizeof *info);
    HRESULT hr = IWbemRefreshingServices_AddObjectToRefresher(svc(f), &id, path, 0, NULL, WBEM_REFRESHER_VERSION, info,
                                                              &ver);
    assert_int_equal(ver, 1);
    return hr;
}

static void assert_invalid_info(const _WBEM_REFRESH_INFO *info)
{
    assert_true(all_zero(info, sizeof *info));
    assert_int_equal(info->m_lType, WBEM_REFRESH_TYPE_INVALID);
}

static void free_refreshed(WBEM_REFRESHED_OBJECT *a, LONG n)
{
    for (LONG i = 0; i < n; i++)
        CoTaskMemFree(a[i].m_pbBlob);
    CoTaskMemFree(a);
}

static const WBEM_REFRESHED_OBJECT *find_request(const WBEM_REFRESHED_OBJECT *a, LONG n, LONG id)
{
    for (LONG i = 0; i < n; i++)
        if (a[i].m_lRequestId == id)
            return &a[i];
    return NULL;
}

/* ---- Reaching the service ------------------------------------------------------- */

static void query_interface_on_the_namespace_gives_the_refreshing_services(void **state)
{
    struct refrfix *f = fx(state);
    IWbemRefreshingServices *s = NULL;
    assert_int_equal(IWbemServices_QueryInterface(f->ns, &IID_IWbemRefreshingServices, (void **)&s), S_OK);
    assert_ptr_equal(s, svc(f));
    IUnknown *u = NULL;
    assert_int_equal(IWbemRefreshingServices_QueryInterface(s, &IID_IUnknown, (void **)&u), S_OK);
    assert_ptr_equal(u, s);
    IUnknown_Release(u);
    IWbemRefreshingServices_Release(s);
}

/* ---- AddObjectToRefresher / ByTemplate / AddEnumToRefresher -------------------- */

static void hiperf_instance_gives_remote_info(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU0, &info), WBEM_S_NO_ERROR);
    assert_int_equal(info.m_lType, WBEM_REFRESH_TYPE_REMOTE);
    IWbemRemoteRefresher *rr = info.m_Info.m_Remote.m_pRefresher;
    assert_non_null(remoterefr_from_iface(rr));
    assert_int_equal(refrfix_held(info.m_Info.m_Remote.m_pTemplate, HP_ACTOR_CLIENT), 1);
    char *name = refrfix_str(info.m_Info.m_Remote.m_pTemplate, "Name");
    assert_string_equal(name, "0");
    free(name);
    assert_false(guid_zero(&info.m_Info.m_Remote.m_Guid));
    assert_true(info.m_lCancelId > 0);
    /* The provider was located through the registration, loaded inside WMI. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 1);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableObject), 1);
    /* The journal records the client version and the refresh type. */
    struct journal_rec rec;
    bool seen = false;
    for (uint64_t s = journal_next_seq(&f->host->journal); s-- > 0 && !seen;)
        if (journal_get(&f->host->journal, s, &rec) && rec.kind == JOURNAL_CALL &&
            rec.method == HPM_IWbemRefreshingServices_AddObjectToRefresher)
            seen = rec.arg[1] == WBEM_REFRESHER_VERSION && rec.arg[2] == WBEM_REFRESH_TYPE_REMOTE &&
                   rec.caller == HP_ACTOR_CLIENT && rec.hr == S_OK;
    assert_true(seen);
    info_release(&info);
}

static void every_client_version_is_accepted_and_the_server_says_1(void **state)
{
    struct refrfix *f = fx(state);
    static const DWORD versions[] = {0, 1, 2, 3, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        _WBEM_REFRESHER_ID id = refresher_id(1);
        _WBEM_REFRESH_INFO info;
        DWORD ver = 77;
        assert_int_equal(IWbemRefreshingServices_AddObjectToRefresher(svc(f), &id, CPU1, 0, NULL, versions[i], &info,
                                                                      &ver),
                         S_OK);
        assert_int_equal(ver, 1);
        info_release(&info);
        ver = 77;
        IWbemRemoteRefresher *rr = NULL;
        GUID g;
        assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, versions[i], &rr, &g, &ver), S_OK);
        assert_int_equal(ver, 1);
        IWbemRemoteRefresher_Release(rr);
    }
}

static void cancel_ids_are_unique_within_a_server_refresher(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO a, b, c;
    assert_int_equal(add_path(f, 1, CPU0, &a), S_OK);
    assert_int_equal(add_path(f, 1, CPU1, &b), S_OK);
    assert_int_equal(add_path(f, 1, CPU0, &c), S_OK);   /* the same instance twice: two items */
    assert_true(a.m_lCancelId != b.m_lCancelId && b.m_lCancelId != c.m_lCancelId && a.m_lCancelId != c.m_lCancelId);
    /* One server refresher for one client refresher id: same pointer, same GUID. */
    assert_ptr_equal(a.m_Info.m_Remote.m_pRefresher, b.m_Info.m_Remote.m_pRefresher);
    assert_memory_equal(&a.m_Info.m_Remote.m_Guid, &c.m_Info.m_Remote.m_Guid, sizeof(GUID));
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 1);
    /* Another client refresher: another server refresher, another GUID. */
    _WBEM_REFRESH_INFO d;
    assert_int_equal(add_path(f, 2, CPU0, &d), S_OK);
    assert_ptr_not_equal(d.m_Info.m_Remote.m_pRefresher, a.m_Info.m_Remote.m_pRefresher);
    assert_memory_not_equal(&d.m_Info.m_Remote.m_Guid, &a.m_Info.m_Remote.m_Guid, sizeof(GUID));
    assert_int_equal(refrsvc_server_refresher_count(f->host), 2);
    info_release(&a);
    info_release(&b);
    info_release(&c);
    info_release(&d);
}

static void class_of_a_provider_that_is_not_hiperf_gives_non_hiperf_info(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, DISK_C, &info), WBEM_S_NO_ERROR);
    assert_int_equal(info.m_lType, WBEM_REFRESH_TYPE_NON_HIPERF);
    char *ns = hp_utf16_to_utf8(info.m_Info.m_NonHiPerf.m_wszNamespace, (size_t)-1, NULL);
    assert_string_equal(ns, f->host->namespace_path);
    free(ns);
    /* A template with the class's defaults (the key is not set). */
    struct hobject *t = hobject_from_iface(info.m_Info.m_NonHiPerf.m_pTemplate);
    assert_non_null(t);
    assert_ptr_equal(hobject_class(t), f->disk);
    assert_null(refrfix_str(info.m_Info.m_NonHiPerf.m_pTemplate, "DeviceID"));
    assert_int_equal(refrfix_held(info.m_Info.m_NonHiPerf.m_pTemplate, HP_ACTOR_CLIENT), 1);
    assert_int_equal(info.m_lCancelId, 0);
    /* The path was evaluated through the ordinary provider; no refresher. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemServices_GetObjectAsync), 1);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 0);
    info_release(&info);

    _WBEM_REFRESHER_ID id = refresher_id(1);
    DWORD ver = 0;
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(svc(f), &id, u"HiPerfCheck_Disk", 0, NULL, 2, &info,
                                                                &ver),
                     S_OK);
    assert_int_equal(info.m_lType, WBEM_REFRESH_TYPE_NON_HIPERF);
    info_release(&info);
}

static void by_template_gives_remote_info_for_the_templates_instance(void **state)
{
    struct refrfix *f = fx(state);
    struct hobject *t = hobject_new_instance(f->host, f->proc, HP_ACTOR_CLIENT);
    struct cim_value key = {.type = CIM_STRING, .v.s = (char *)"2"};
    assert_int_equal(hobject_set(t, "Name", &key), 0);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    _WBEM_REFRESH_INFO info;
    DWORD ver = 0;
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresherByTemplate(svc(f), &id, hobject_iface(t), 0, NULL, 2,
                                                                            &info, &ver),
                     S_OK);
    assert_int_equal(info.m_lType, WBEM_REFRESH_TYPE_REMOTE);
    char *name = refrfix_str(info.m_Info.m_Remote.m_pTemplate, "Name");
    assert_string_equal(name, "2");
    free(name);
    assert_ptr_not_equal(info.m_Info.m_Remote.m_pTemplate, hobject_iface(t));
    info_release(&info);
    /* A class object, or NULL: not a template. */
    struct hobject *c = hobject_new_class(f->host, f->proc, HP_ACTOR_CLIENT);
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresherByTemplate(svc(f), &id, hobject_iface(c), 0, NULL, 2,
                                                                            &info, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_invalid_info(&info);
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresherByTemplate(svc(f), &id, NULL, 0, NULL, 2, &info, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_invalid_info(&info);
    IWbemClassObject_Release(hobject_iface(c));
    IWbemClassObject_Release(hobject_iface(t));
}

static void enum_of_a_hiperf_class_gives_remote_info(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    _WBEM_REFRESH_INFO info;
    DWORD ver = 0;
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(svc(f), &id, PROCESS, 0, NULL, 2, &info, &ver), S_OK);
    assert_int_equal(info.m_lType, WBEM_REFRESH_TYPE_REMOTE);
    assert_true(info.m_lCancelId > 0);
    struct hobject *t = hobject_from_iface(info.m_Info.m_Remote.m_pTemplate);
    assert_ptr_equal(hobject_class(t), f->process);
    assert_null(refrfix_str(info.m_Info.m_Remote.m_pTemplate, "Name"));
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableEnum), 1);
    info_release(&info);
}

/* ---- Failures: all zero, WBEM_REFRESH_TYPE_INVALID ---------------------------------- */

static void unknown_instance_fails_with_a_zeroed_invalid_info(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU9, &info), WBEM_E_NOT_FOUND);   /* the provider's answer */
    assert_invalid_info(&info);
    assert_int_equal(add_path(f, 1, u"HiPerfCheck_Disk.DeviceID=\"Q:\"", &info), WBEM_E_NOT_FOUND);
    assert_invalid_info(&info);
}

static void unknown_class_fails_with_a_zeroed_invalid_info(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, u"NoSuchClass.Name=\"0\"", &info), WBEM_E_INVALID_CLASS);
    assert_invalid_info(&info);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    DWORD ver = 0;
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(svc(f), &id, u"NoSuchClass", 0, NULL, 2, &info, &ver),
                     WBEM_E_INVALID_CLASS);
    assert_invalid_info(&info);
    assert_int_equal(ver, 1);
}

static void bad_path_fails_with_a_zeroed_invalid_info(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, u"Win32_PerfRawData_HiPerfCheck_Processor.Name=", &info),
                     WBEM_E_INVALID_OBJECT_PATH);
    assert_invalid_info(&info);
    assert_int_equal(add_path(f, 1, PROCESSOR, &info), WBEM_E_INVALID_OBJECT_PATH);   /* a class path */
    assert_invalid_info(&info);
}

static void failing_provider_fails_with_a_zeroed_invalid_info(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU0, &info), S_OK);
    info_release(&info);
    /* The provider clones the template through the host: make that fail. */
    assert_int_equal(faults_add(&f->host->faults, HPM_IWbemClassObject_Clone, FAULT_FROM, 1, 0, 0,
                                WBEM_E_OUT_OF_MEMORY),
                     0);
    uint64_t calls = refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableObject);
    assert_int_equal(add_path(f, 1, CPU1, &info), WBEM_E_OUT_OF_MEMORY);
    assert_invalid_info(&info);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableObject), calls + 1);
    assert_true(faults_fired(&f->host->faults, HPM_IWbemClassObject_Clone) >= 1);
    faults_clear(&f->host->faults);
}

static void provider_that_cannot_load_fails_with_a_zeroed_invalid_info(void **state)
{
    struct refrfix *f = fx(state);
    assert_int_equal(host_set_provider_file(f->host, "/nonexistent/libnothing.so"), 0);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU0, &info), WBEM_E_PROVIDER_LOAD_FAILURE);
    assert_invalid_info(&info);
}

static void access_is_denied_without_remote_enable(void **state)
{
    struct refrfix *f = fx(state);
    static const LONG rights[] = {WBEM_ENABLE, WBEM_REMOTE_ENABLE, WBEM_ENABLE | WBEM_METHOD_EXECUTE};
    for (size_t i = 0; i < sizeof rights / sizeof *rights; i++) {
        f->host->namespace_rights = rights[i];
        _WBEM_REFRESHER_ID id = refresher_id(1);
        _WBEM_REFRESH_INFO info;
        DWORD ver = 0;
        assert_int_equal(add_path(f, 1, CPU0, &info), WBEM_E_ACCESS_DENIED);
        assert_invalid_info(&info);
        memset(&info, 0xAB, sizeof info);
        assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(svc(f), &id, PROCESS, 0, NULL, 2, &info, &ver),
                         WBEM_E_ACCESS_DENIED);
        assert_invalid_info(&info);
        struct hobject *t = hobject_new_instance(f->host, f->proc, HP_ACTOR_CLIENT);
        memset(&info, 0xAB, sizeof info);
        assert_int_equal(IWbemRefreshingServices_AddObjectToRefresherByTemplate(svc(f), &id, hobject_iface(t), 0, NULL,
                                                                                2, &info, &ver),
                         WBEM_E_ACCESS_DENIED);
        assert_invalid_info(&info);
        IWbemClassObject_Release(hobject_iface(t));
        assert_int_equal(IWbemRefreshingServices_RemoveObjectFromRefresher(svc(f), &id, 1, 0, 2, &ver),
                         WBEM_E_ACCESS_DENIED);
        IWbemRemoteRefresher *rr = (IWbemRemoteRefresher *)1;
        GUID g;
        assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 2, &rr, &g, &ver),
                         WBEM_E_ACCESS_DENIED);
        assert_null(rr);
        _WBEM_RECONNECT_INFO ri = {WBEM_RECONNECT_TYPE_OBJECT, CPU0};
        _WBEM_RECONNECT_RESULTS res = {0, 0};
        assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(svc(f), &id, 0, 1, 2, &ri, &res, &ver),
                         WBEM_E_ACCESS_DENIED);
        assert_int_equal(ver, 1);
    }
    /* Nothing reached the provider, and no server refresher was made. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 0);
    assert_int_equal(refrsvc_server_refresher_count(f->host), 0);
    f->host->namespace_rights = WBEM_ENABLE | WBEM_REMOTE_ENABLE;
}

static void null_arguments_give_errors_never_a_crash(void **state)
{
    struct refrfix *f = fx(state);
    IWbemRefreshingServices *s = svc(f);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    _WBEM_REFRESH_INFO info;
    DWORD ver = 0;
    /* pInfo NULL: nothing to fill. */
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresher(s, &id, CPU0, 0, NULL, 2, NULL, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(s, &id, PROCESS, 0, NULL, 2, NULL, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresherByTemplate(s, &id, NULL, 0, NULL, 2, NULL, &ver),
                     WBEM_E_INVALID_PARAMETER);
    /* Everything else that must not be NULL: zero fill and an error. */
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresher(s, NULL, CPU0, 0, NULL, 2, &info, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_invalid_info(&info);
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresher(s, &id, NULL, 0, NULL, 2, &info, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_invalid_info(&info);
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresher(s, &id, CPU0, 0, NULL, 2, &info, NULL),
                     WBEM_E_INVALID_PARAMETER);
    assert_invalid_info(&info);
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(s, &id, NULL, 0, NULL, 2, &info, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_invalid_info(&info);
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(s, NULL, PROCESS, 0, NULL, 2, &info, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_invalid_info(&info);
    assert_int_equal(IWbemRefreshingServices_RemoveObjectFromRefresher(s, NULL, 1, 0, 2, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_RemoveObjectFromRefresher(s, &id, 1, 0, 2, NULL),
                     WBEM_E_INVALID_PARAMETER);
    IWbemRemoteRefresher *rr;
    GUID g;
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(s, NULL, 0, 2, &rr, &g, &ver), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(s, &id, 0, 2, NULL, &g, &ver), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(s, &id, 0, 2, &rr, NULL, &ver),
                     WBEM_E_INVALID_PARAMETER);
    _WBEM_RECONNECT_INFO ri = {WBEM_RECONNECT_TYPE_OBJECT, CPU0};
    _WBEM_RECONNECT_RESULTS res = {0, 0};
    assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(s, NULL, 0, 1, 2, &ri, &res, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(s, &id, 0, 1, 2, NULL, &res, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(s, &id, 0, 1, 2, &ri, NULL, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(s, &id, 0, 0, 2, &ri, &res, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(s, &id, 0, -1, 2, &ri, &res, &ver),
                     WBEM_E_INVALID_PARAMETER);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefresher), 0);

    /* IWbemRemoteRefresher's own. */
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(s, &id, 0, 2, &rr, &g, &ver), S_OK);
    LONG n = 5;
    WBEM_REFRESHED_OBJECT *a = (WBEM_REFRESHED_OBJECT *)1;
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, NULL, &a), WBEM_E_INVALID_PARAMETER);
    assert_null(a);
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(n, 0);
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 1, NULL, 0), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRemoteRefresher_Opnum5NotUsedOnWire(rr, 0, NULL), WBEM_E_INVALID_PARAMETER);
    IWbemRemoteRefresher_Release(rr);
}

/* ---- RemoveObjectFromRefresher, StopRefreshing ------------------------------------ */

static void remove_object_from_refresher_is_not_available(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU0, &info), S_OK);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    DWORD ver = 0;
    assert_int_equal(IWbemRefreshingServices_RemoveObjectFromRefresher(svc(f), &id, info.m_lCancelId, 0, 2, &ver),
                     WBEM_E_NOT_AVAILABLE);
    assert_int_equal(ver, 1);
    /* Nothing was removed. */
    assert_int_equal(remoterefr_item_count(remoterefr_from_iface(info.m_Info.m_Remote.m_pRefresher)), 1);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 0);
    info_release(&info);
}

static void cancel_id_stops_the_item_with_stop_refreshing(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO a, b;
    assert_int_equal(add_path(f, 1, CPU0, &a), S_OK);
    assert_int_equal(add_path(f, 1, CPU1, &b), S_OK);
    IWbemRemoteRefresher *rr = a.m_Info.m_Remote.m_pRefresher;
    LONG id = a.m_lCancelId, unknown = 999;
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 1, &id, 1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 0, &id, 0), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 1, &unknown, 0), WBEM_E_NOT_FOUND);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 0);
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 1, &id, 0), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 1);
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 1, &id, 0), WBEM_E_NOT_FOUND);
    LONG n = 0;
    WBEM_REFRESHED_OBJECT *objs = NULL;
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), S_OK);
    assert_int_equal(n, 1);
    assert_int_equal(objs[0].m_lRequestId, b.m_lCancelId);
    free_refreshed(objs, n);
    info_release(&a);
    info_release(&b);
}

/* ---- GUIDs, restart, reconnect -------------------------------------------------- */

static void guid_is_stable_until_a_server_restart(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU0, &info), S_OK);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    DWORD ver;
    IWbemRemoteRefresher *r1, *r2;
    GUID g1, g2, g5;
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 2, &r1, &g1, &ver), S_OK);
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 2, &r2, &g2, &ver), S_OK);
    assert_ptr_equal(r1, info.m_Info.m_Remote.m_pRefresher);
    assert_ptr_equal(r1, r2);
    assert_memory_equal(&g1, &g2, sizeof g1);
    assert_memory_equal(&g1, &info.m_Info.m_Remote.m_Guid, sizeof g1);
    assert_false(guid_zero(&g1));
    assert_int_equal(IWbemRemoteRefresher_Opnum5NotUsedOnWire(r1, 0, &g5), S_OK);
    assert_memory_equal(&g5, &g1, sizeof g1);
    IWbemRemoteRefresher_Release(r2);

    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    refrsvc_server_restart(f->host);
    hp_actor_set(prev);
    /* The provider cleaned up the old server refresher's entries. */
    assert_int_equal(refrsvc_server_refresher_count(f->host), 0);
    assert_false(remoterefr_connected(remoterefr_from_iface(r1)));
    /* The old pointer is disconnected... */
    LONG n = 3;
    WBEM_REFRESHED_OBJECT *objs = (WBEM_REFRESHED_OBJECT *)1;
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(r1, 0, &n, &objs), RPC_E_DISCONNECTED);
    assert_int_equal(n, 0);
    assert_null(objs);
    LONG cancel = info.m_lCancelId;
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(r1, 1, &cancel, 0), RPC_E_DISCONNECTED);
    assert_int_equal(IWbemRemoteRefresher_Opnum5NotUsedOnWire(r1, 0, &g5), RPC_E_DISCONNECTED);
    /* ... and the new server refresher has a new GUID. */
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 2, &r2, &g2, &ver), S_OK);
    assert_ptr_not_equal(r2, r1);
    assert_memory_not_equal(&g1, &g2, sizeof g1);
    assert_false(guid_zero(&g2));
    assert_int_equal(IWbemRemoteRefresher_Opnum5NotUsedOnWire(r2, 0, &g5), S_OK);
    assert_memory_equal(&g5, &g2, sizeof g2);
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(r2, 0, &n, &objs), S_OK);
    assert_int_equal(n, 0);   /* empty until the client reconnects its items */
    assert_null(objs);
    IWbemRemoteRefresher_Release(r1);
    IWbemRemoteRefresher_Release(r2);
    info_release(&info);
}

static void reconnect_gives_one_result_per_item(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    DWORD ver = 0;
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    refrsvc_server_restart(f->host);
    hp_actor_set(prev);
    _WBEM_RECONNECT_INFO in[6] = {
        {WBEM_RECONNECT_TYPE_OBJECT, CPU1},
        {WBEM_RECONNECT_TYPE_ENUM, PROCESSOR},
        {WBEM_RECONNECT_TYPE_OBJECT, CPU9},
        {WBEM_RECONNECT_TYPE_LAST, CPU0},
        {7, CPU0},
        {WBEM_RECONNECT_TYPE_OBJECT, DISK_C},
    };
    _WBEM_RECONNECT_RESULTS out[6];
    memset(out, 0xAB, sizeof out);
    assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(svc(f), &id, 0, 6, 2, in, out, &ver), S_OK);
    assert_int_equal(ver, 1);
    assert_int_equal(out[0].m_hr, S_OK);
    assert_int_equal(out[1].m_hr, S_OK);
    assert_true(out[0].m_lId > 0 && out[1].m_lId > 0 && out[0].m_lId != out[1].m_lId);
    assert_int_equal(out[2].m_hr, WBEM_E_NOT_FOUND);
    assert_int_equal(out[3].m_hr, WBEM_E_INVALID_PARAMETER);
    assert_int_equal(out[4].m_hr, WBEM_E_INVALID_PARAMETER);
    assert_int_equal(out[5].m_hr, WBEM_E_PROVIDER_NOT_CAPABLE);
    for (int i = 2; i < 6; i++)
        assert_int_equal(out[i].m_lId, 0);
    /* The restored items are refreshed through the new remote refresher. */
    IWbemRemoteRefresher *rr;
    GUID g;
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 2, &rr, &g, &ver), S_OK);
    LONG n = 0;
    WBEM_REFRESHED_OBJECT *objs = NULL;
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), S_OK);
    assert_int_equal(n, 2);
    assert_non_null(find_request(objs, n, out[0].m_lId));
    assert_int_equal(find_request(objs, n, out[1].m_lId)->m_lBlobType, WBEM_BLOB_TYPE_ENUM);
    free_refreshed(objs, n);
    /* The ids work with StopRefreshing. */
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 1, &out[1].m_lId, 0), S_OK);
    IWbemRemoteRefresher_Release(rr);
}

/* ---- RemoteRefresh ------------------------------------------------------------------- */

static void remote_refresh_returns_all_enum_and_error_blobs(void **state)
{
    struct refrfix *f = fx(state);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    _WBEM_REFRESH_INFO obj, en;
    DWORD ver;
    assert_int_equal(add_path(f, 1, CPU0, &obj), S_OK);
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(svc(f), &id, PROCESSOR, 0, NULL, 2, &en, &ver), S_OK);
    IWbemRemoteRefresher *rr = obj.m_Info.m_Remote.m_pRefresher;
    LONG n = 7;
    WBEM_REFRESHED_OBJECT *objs = (WBEM_REFRESHED_OBJECT *)1;
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 1, &n, &objs), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(n, 0);
    assert_null(objs);

    uint64_t refreshes = refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh);
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), S_OK);
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemRefresher_Refresh), refreshes + 1);
    assert_int_equal(n, 2);
    const WBEM_REFRESHED_OBJECT *a = find_request(objs, n, obj.m_lCancelId);
    const WBEM_REFRESHED_OBJECT *e = find_request(objs, n, en.m_lCancelId);
    assert_non_null(a);
    assert_non_null(e);
    assert_int_equal(a->m_lBlobType, WBEM_BLOB_TYPE_ALL);
    assert_true(a->m_lBlobLength > 0);
    struct blob_instance bi;
    assert_int_equal(blob_decode_instance(&bi, a->m_pbBlob, (size_t)a->m_lBlobLength, NULL), 0);
    assert_string_equal(bi.class_name, "Win32_PerfRawData_HiPerfCheck_Processor");
    assert_string_equal(blob_instance_value(&bi, "Name")->v.s, "0");
    blob_instance_free(&bi);
    assert_int_equal(e->m_lBlobType, WBEM_BLOB_TYPE_ENUM);
    struct blob_instance *members;
    size_t nm;
    assert_int_equal(blob_decode_enum(&members, &nm, e->m_pbBlob, (size_t)e->m_lBlobLength), 0);
    assert_int_equal(nm, 5);
    blob_enum_free(members, nm);
    free_refreshed(objs, n);

    /* The provider's Refresh fails (its writes into the host fail): ERROR. */
    assert_int_equal(faults_add(&f->host->faults, HPM_IWbemObjectAccess_WriteQWORD, FAULT_FROM, 1, 0, 0, WBEM_E_FAILED),
                     0);
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), S_OK);
    assert_int_equal(n, 2);
    for (LONG i = 0; i < n; i++) {
        assert_int_equal(objs[i].m_lBlobType, WBEM_BLOB_TYPE_ERROR);
        assert_int_equal(objs[i].m_lBlobLength, 0);
        assert_null(objs[i].m_pbBlob);
    }
    free_refreshed(objs, n);
    faults_clear(&f->host->faults);
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), S_OK);
    assert_int_equal(find_request(objs, n, obj.m_lCancelId)->m_lBlobType, WBEM_BLOB_TYPE_ALL);
    free_refreshed(objs, n);
    info_release(&obj);
    info_release(&en);
}

/* ---- Failure paths ------------------------------------------------------------------ */

static void every_host_allocation_failing_in_turn_keeps_the_protocol_rules(void **state)
{
    struct refrfix *f = fx(state);
    /* A sink whose SetStatus could not be recorded for want of memory is
     * never complete: do not wait 5 s for it each time. */
    host_set_provider_wait(f->host, 20);
    uint64_t n;
    for (n = 1; n < 2000; n++) {
        faults_clear(&f->host->faults);
        assert_int_equal(faults_add(&f->host->faults, HPM_HOST_ALLOC, FAULT_NTH, n, 0, 0, E_OUTOFMEMORY), 0);
        _WBEM_REFRESHER_ID id = refresher_id((uint32_t)n);
        _WBEM_REFRESH_INFO info[3];
        DWORD ver;
        HRESULT hr[3];
        memset(info, 0xAB, sizeof info);
        hr[0] = IWbemRefreshingServices_AddObjectToRefresher(svc(f), &id, CPU0, 0, NULL, 2, &info[0], &ver);
        hr[1] = IWbemRefreshingServices_AddEnumToRefresher(svc(f), &id, PROCESS, 0, NULL, 2, &info[1], &ver);
        hr[2] = IWbemRefreshingServices_AddObjectToRefresher(svc(f), &id, DISK_C, 0, NULL, 2, &info[2], &ver);
        for (int i = 0; i < 3; i++) {
            if (FAILED(hr[i]))
                assert_invalid_info(&info[i]);
            else
                assert_int_equal(info[i].m_lType, i < 2 ? WBEM_REFRESH_TYPE_REMOTE : WBEM_REFRESH_TYPE_NON_HIPERF);
        }
        IWbemRemoteRefresher *rr = NULL;
        GUID g;
        if (SUCCEEDED(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 2, &rr, &g, &ver))) {
            LONG count = 9;
            WBEM_REFRESHED_OBJECT *objs = (WBEM_REFRESHED_OBJECT *)1;
            if (FAILED(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &count, &objs))) {
                assert_int_equal(count, 0);
                assert_null(objs);
            } else {
                free_refreshed(objs, count);
            }
            IWbemRemoteRefresher_Release(rr);
        }
        _WBEM_RECONNECT_INFO ri[2] = {{WBEM_RECONNECT_TYPE_OBJECT, CPU1}, {WBEM_RECONNECT_TYPE_ENUM, PROCESSOR}};
        _WBEM_RECONNECT_RESULTS res[2];
        IWbemRefreshingServices_ReconnectRemoteRefresher(svc(f), &id, 0, 2, 2, ri, res, &ver);
        for (int i = 0; i < 3; i++)
            info_release(&info[i]);
        bool done = faults_fired(&f->host->faults, HPM_HOST_ALLOC) == 0;
        enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
        refrsvc_server_restart(f->host);
        hp_actor_set(prev);
        if (done)
            break;   /* the Nth allocation never came: every one has failed once */
    }
    faults_clear(&f->host->faults);
    print_message("%llu host allocations failed in turn\n", (unsigned long long)(n - 1));
    assert_true(n > 20 && n < 2000);
}

/* Calls every IWbemRefreshingServices method with an [out] interface
 * pointer or refresh info, each expected to fail with `want` at its entry,
 * and checks what they gave back: NULL pointers, a zeroed GUID, the
 * all-zero INVALID info, and server version 1 as on every other path. */
static void expect_null_service_outs(IWbemRefreshingServices *s, HRESULT want)
{
    _WBEM_REFRESHER_ID id = refresher_id(1);
    void *p = GARBAGE;
    assert_int_equal(IWbemRefreshingServices_QueryInterface(s, &IID_IWbemRefreshingServices, &p), want);
    assert_null(p);
    _WBEM_REFRESH_INFO info;
    DWORD ver = 77;
    memset(&info, 0xAB, sizeof info);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresher(s, &id, CPU0, 0, NULL, 2, &info, &ver), want);
    assert_invalid_info(&info);
    assert_int_equal(ver, 1);
    memset(&info, 0xAB, sizeof info);
    ver = 77;
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(s, &id, PROCESSOR, 0, NULL, 2, &info, &ver), want);
    assert_invalid_info(&info);
    assert_int_equal(ver, 1);
    IWbemRemoteRefresher *rr = GARBAGE;
    GUID g;
    memset(&g, 0xAB, sizeof g);
    ver = 77;
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(s, &id, 0, 2, &rr, &g, &ver), want);
    assert_null(rr);
    assert_true(guid_zero(&g));
    assert_int_equal(ver, 1);
}

/* The same for IWbemRemoteRefresher: QueryInterface, RemoteRefresh (count
 * 0, array NULL) and Opnum5NotUsedOnWire (GUID zeroed). */
static void expect_null_remote_outs(IWbemRemoteRefresher *rr, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemRemoteRefresher_QueryInterface(rr, &IID_IWbemRemoteRefresher, &p), want);
    assert_null(p);
    LONG n = 77;
    WBEM_REFRESHED_OBJECT *objs = GARBAGE;
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), want);
    assert_int_equal(n, 0);
    assert_null(objs);
    GUID g;
    memset(&g, 0xAB, sizeof g);
    assert_int_equal(IWbemRemoteRefresher_Opnum5NotUsedOnWire(rr, 0, &g), want);
    assert_true(guid_zero(&g));
}

static void out_pointers_are_null_when_an_injected_fault_fails_the_call(void **state)
{
    struct refrfix *f = fx(state);
    struct faults *fl = &f->host->faults;
    static const enum hp_method sites[] = {
        HPM_IWbemRefreshingServices_QueryInterface,   HPM_IWbemRefreshingServices_AddObjectToRefresher,
        HPM_IWbemRefreshingServices_AddEnumToRefresher, HPM_IWbemRefreshingServices_GetRemoteRefresher,
        HPM_IWbemRemoteRefresher_QueryInterface,      HPM_IWbemRemoteRefresher_RemoteRefresh,
        HPM_IWbemRemoteRefresher_Opnum5NotUsedOnWire,
    };
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU0, &info), S_OK);
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        assert_int_equal(faults_add(fl, sites[i], FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_service_outs(svc(f), E_FAIL);
    expect_null_remote_outs(info.m_Info.m_Remote.m_pRefresher, E_FAIL);
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        assert_int_equal(faults_fired(fl, sites[i]), 1);
    /* Nothing was added or handed out; the same calls work again. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_CreateRefreshableEnum), 0);
    LONG n = 0;
    WBEM_REFRESHED_OBJECT *objs = NULL;
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(info.m_Info.m_Remote.m_pRefresher, 0, &n, &objs), S_OK);
    assert_int_equal(n, 1);
    free_refreshed(objs, n);
    info_release(&info);
}

/* Every operation of IWbemRefreshingServices and IWbemRemoteRefresher
 * refused at its entry by an injected fault is still one journal record,
 * counted by journal_calls, with the caller, the object, E_FAIL and the
 * arguments known at the entry (the ones its other failures journal). */
static void calls_refused_by_a_fault_are_journaled(void **state)
{
    struct refrfix *f = fx(state);
    struct host *host = f->host;
    _WBEM_REFRESH_INFO info;
    assert_int_equal(add_path(f, 1, CPU0, &info), S_OK);
    IWbemRemoteRefresher *rr = info.m_Info.m_Remote.m_pRefresher;
    _WBEM_REFRESHER_ID id = refresher_id(1);
    /* The server refresher's journal id: what GetRemoteRefresher journals. */
    IWbemRemoteRefresher *got = GARBAGE;
    GUID g;
    DWORD ver = 0;
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 5, &got, &g, &ver), S_OK);
    assert_ptr_equal(got, rr);
    IWbemRemoteRefresher_Release(got);
    const uint64_t rid = (uint64_t)refusal_last(host, HPM_IWbemRefreshingServices_GetRemoteRefresher).arg[0];
    const uint64_t sid = refrsvc_hobj(host_refrsvc(host))->id;
    struct hobject *t = hobject_new_instance(host, f->proc, HP_ACTOR_CLIENT);
    struct cim_value key = {.type = CIM_STRING, .v.s = (char *)"1"};
    assert_int_equal(hobject_set(t, "Name", &key), 0);
    struct refusal z;
    struct journal_rec rec;
    _WBEM_REFRESH_INFO out;
    void *p = GARBAGE;

    refusal_arm(&z, host, HPM_IWbemRefreshingServices_QueryInterface);
    assert_int_equal(IWbemRefreshingServices_QueryInterface(svc(f), &IID_IWbemRefreshingServices, &p), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, sid);

    refusal_arm(&z, host, HPM_IWbemRefreshingServices_AddObjectToRefresher);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresher(svc(f), &id, CPU1, 0, NULL, 5, &out, &ver), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, sid);
    assert_true(refusal_mentions(host, &rec, "(\"Win32_PerfRawData_HiPerfCheck_Processor.Name=\"1\"\", 5, "));
    assert_int_equal(rec.arg[2], WBEM_REFRESH_TYPE_INVALID);

    refusal_arm(&z, host, HPM_IWbemRefreshingServices_AddObjectToRefresherByTemplate);
    assert_int_equal(IWbemRefreshingServices_AddObjectToRefresherByTemplate(svc(f), &id, hobject_iface(t), 0, NULL, 5,
                                                                            &out, &ver),
                     E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, sid);
    assert_int_equal(rec.arg[1], 5);

    refusal_arm(&z, host, HPM_IWbemRefreshingServices_AddEnumToRefresher);
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(svc(f), &id, PROCESSOR, 0, NULL, 5, &out, &ver), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, sid);
    assert_true(refusal_mentions(host, &rec, "(\"Win32_PerfRawData_HiPerfCheck_Processor\", 5, "));

    refusal_arm(&z, host, HPM_IWbemRefreshingServices_RemoveObjectFromRefresher);
    assert_int_equal(IWbemRefreshingServices_RemoveObjectFromRefresher(svc(f), &id, 9, 0, 5, &ver), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, sid);
    assert_int_equal(rec.arg[0], 9);
    assert_int_equal(rec.arg[1], 5);

    refusal_arm(&z, host, HPM_IWbemRefreshingServices_GetRemoteRefresher);
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(svc(f), &id, 0, 5, &got, &g, &ver), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, sid);
    assert_int_equal(rec.arg[1], 5);

    _WBEM_RECONNECT_INFO in[1] = {{WBEM_RECONNECT_TYPE_OBJECT, CPU1}};
    _WBEM_RECONNECT_RESULTS res[1];
    refusal_arm(&z, host, HPM_IWbemRefreshingServices_ReconnectRemoteRefresher);
    assert_int_equal(IWbemRefreshingServices_ReconnectRemoteRefresher(svc(f), &id, 0, 1, 5, in, res, &ver), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, sid);
    assert_int_equal(rec.arg[0], 1);
    assert_int_equal(rec.arg[1], 5);

    refusal_arm(&z, host, HPM_IWbemRemoteRefresher_QueryInterface);
    assert_int_equal(IWbemRemoteRefresher_QueryInterface(rr, &IID_IWbemRemoteRefresher, &p), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, rid);

    LONG n = 77;
    WBEM_REFRESHED_OBJECT *objs = GARBAGE;
    refusal_arm(&z, host, HPM_IWbemRemoteRefresher_RemoteRefresh);
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, rid);

    LONG cancel = info.m_lCancelId;
    refusal_arm(&z, host, HPM_IWbemRemoteRefresher_StopRefreshing);
    assert_int_equal(IWbemRemoteRefresher_StopRefreshing(rr, 1, &cancel, 0), E_FAIL);
    rec = refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, rid);
    assert_int_equal(rec.arg[0], 1);
    assert_int_equal(rec.arg[1], cancel);

    refusal_arm(&z, host, HPM_IWbemRemoteRefresher_Opnum5NotUsedOnWire);
    assert_int_equal(IWbemRemoteRefresher_Opnum5NotUsedOnWire(rr, 0, &g), E_FAIL);
    refusal_check(&z, E_FAIL, HP_ACTOR_CLIENT, rid);

    /* Nothing was added, removed or stopped: the one item refreshes. */
    assert_int_equal(refrfix_provider_calls(f, HPM_IWbemHiPerfProvider_StopRefreshing), 0);
    assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(rr, 0, &n, &objs), S_OK);
    assert_int_equal(n, 1);
    free_refreshed(objs, n);
    IWbemClassObject_Release(hobject_iface(t));
    info_release(&info);
}

/* A dead service (its last reference released) takes its server refreshers
 * with it: every call on either fails at its entry, the [out]s NULL all the
 * same.  A host of its own: a call on a dead object is a finding the shared
 * teardown refuses. */
static void out_pointers_are_null_when_the_object_is_dead(void **state)
{
    (void)state;
    struct host *host;
    assert_int_equal(host_new(&host, NULL, NULL), 0);
    struct refrsvc *s;
    assert_int_equal(refrsvc_new(&s, host, HP_ACTOR_CLIENT), 0);
    hp_actor_set(HP_ACTOR_CLIENT);
    IWbemRefreshingServices *it = refrsvc_iface(s);
    _WBEM_REFRESHER_ID id = refresher_id(1);
    IWbemRemoteRefresher *rr = NULL;
    GUID g;
    DWORD ver;
    assert_int_equal(IWbemRefreshingServices_GetRemoteRefresher(it, &id, 0, 2, &rr, &g, &ver), S_OK);
    const uint64_t rid = (uint64_t)refusal_last(host, HPM_IWbemRefreshingServices_GetRemoteRefresher).arg[0];
    IWbemRemoteRefresher_Release(rr);
    assert_int_equal(IWbemRefreshingServices_Release(it), 0);          /* the last reference */
    assert_false(hobj_alive(refrsvc_hobj(s)));
    assert_int_equal(ledger_held(&host->ledger, HP_ACTOR_HOST), 0);   /* the server refresher died too */

    static const enum hp_method sites[] = {
        HPM_IWbemRefreshingServices_QueryInterface,     HPM_IWbemRefreshingServices_AddObjectToRefresher,
        HPM_IWbemRefreshingServices_AddEnumToRefresher, HPM_IWbemRefreshingServices_GetRemoteRefresher,
        HPM_IWbemRemoteRefresher_QueryInterface,        HPM_IWbemRemoteRefresher_RemoteRefresh,
        HPM_IWbemRemoteRefresher_Opnum5NotUsedOnWire,
    };
    struct refusal z[sizeof sites / sizeof *sites];
    for (size_t i = 0; i < sizeof sites / sizeof *sites; i++)
        refusal_watch(&z[i], host, sites[i]);
    expect_null_service_outs(it, CO_E_OBJNOTCONNECTED);
    expect_null_remote_outs(rr, CO_E_OBJNOTCONNECTED);
    /* Each call is journaled all the same. */
    for (size_t i = 0; i < 4; i++)
        refusal_check(&z[i], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, refrsvc_hobj(s)->id);
    for (size_t i = 4; i < sizeof sites / sizeof *sites; i++)
        refusal_check(&z[i], CO_E_OBJNOTCONNECTED, HP_ACTOR_CLIENT, rid);
    assert_int_equal(ledger_count(&host->ledger, LEDGER_USE_AFTER_RELEASE), 7);
    hp_actor_set(HP_ACTOR_HOST);
    host_free(host);
}

/* ---- The done criterion ------------------------------------------------------------------ */

/* Every property of the client's object equals the decoded blob's. */
static void assert_same_values(IWbemClassObject *obj, const struct blob_instance *bi, size_t *compared)
{
    struct hobject *o = hobject_from_iface(obj);
    const struct repo_class *cls = hobject_class(o);
    assert_string_equal(bi->class_name, cls->name);
    assert_int_equal(bi->nprops, cls->nprops);
    for (size_t i = 0; i < cls->nprops; i++) {
        struct cim_value v;
        assert_int_equal(hobject_get_at(o, i, &v), 0);
        const struct cim_value *b = blob_instance_value(bi, cls->props[i].name);
        if (v.null) {
            assert_null(b);
        } else {
            assert_non_null(b);
            if (!cim_value_equal(&v, b))
                fail_msg("%s differs between the in-process and the remote refresher", cls->props[i].name);
            (*compared)++;
        }
        cim_value_clear(&v);
    }
}

static void remote_refresh_equals_in_process_refresh_at_the_same_instant(void **state)
{
    struct refrfix *f = fx(state);
    if (!refrfix_have_faketime())
        skip();
    struct clientrefr *local = NULL, *in_wmi = NULL;
    assert_int_equal(clientrefr_new(&local, f->host, HP_ACTOR_CLIENT, HOSTPROV_IN_CLIENT), 0);
    assert_int_equal(clientrefr_new(&in_wmi, f->host, HP_ACTOR_CLIENT, HOSTPROV_IN_WMI), 0);
    IWbemClassObject *o_local, *o_wmi;
    IWbemHiPerfEnum *e_local;
    LONG id;
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(clientrefr_configure(local), f->ns, CPU1, 0, NULL,
                                                             &o_local, &id),
                     S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddObjectByPath(clientrefr_configure(in_wmi), f->ns, CPU1, 0, NULL,
                                                             &o_wmi, &id),
                     S_OK);
    assert_int_equal(IWbemConfigureRefresher_AddEnum(clientrefr_configure(local), f->ns, PROCESS, 0, NULL, &e_local,
                                                     &id),
                     S_OK);
    _WBEM_REFRESHER_ID rid = refresher_id(9);
    _WBEM_REFRESH_INFO obj, en;
    DWORD ver;
    assert_int_equal(add_path(f, 9, CPU1, &obj), S_OK);
    assert_int_equal(IWbemRefreshingServices_AddEnumToRefresher(svc(f), &rid, PROCESS, 0, NULL, 2, &en, &ver), S_OK);

    static const int64_t instants[] = {REFRFIX_T0 + 1, REFRFIX_T0 + 5, REFRFIX_T0 + 3600 + 37};
    size_t compared = 0;
    for (size_t k = 0; k < sizeof instants / sizeof *instants; k++) {
        assert_true(refrfix_set_time(instants[k]));
        assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(local), 0), S_OK);
        assert_int_equal(IWbemRefresher_Refresh(clientrefr_refresher(in_wmi), 0), S_OK);
        LONG n = 0;
        WBEM_REFRESHED_OBJECT *objs = NULL;
        assert_int_equal(IWbemRemoteRefresher_RemoteRefresh(obj.m_Info.m_Remote.m_pRefresher, 0, &n, &objs), S_OK);
        const WBEM_REFRESHED_OBJECT *a = find_request(objs, n, obj.m_lCancelId);
        const WBEM_REFRESHED_OBJECT *e = find_request(objs, n, en.m_lCancelId);
        assert_int_equal(a->m_lBlobType, WBEM_BLOB_TYPE_ALL);
        struct blob_instance bi;
        assert_int_equal(blob_decode_instance(&bi, a->m_pbBlob, (size_t)a->m_lBlobLength, NULL), 0);
        assert_same_values(o_local, &bi, &compared);
        assert_same_values(o_wmi, &bi, &compared);
        /* And the values are the reference provider's formula's. */
        assert_int_equal(blob_instance_value(&bi, "PercentProcessorTime")->v.u, refrfix_cpu_idle_time(instants[k], 1));
        blob_instance_free(&bi);

        /* The enumerators: same members, same values. */
        struct blob_instance *members;
        size_t nm;
        assert_int_equal(blob_decode_enum(&members, &nm, e->m_pbBlob, (size_t)e->m_lBlobLength), 0);
        IWbemObjectAccess *v[32];
        ULONG nl = 0;
        assert_int_equal(IWbemHiPerfEnum_GetObjects(e_local, 0, 32, v, &nl), S_OK);
        assert_int_equal(nl, nm);
        for (ULONG i = 0; i < nl; i++) {
            char *name = refrfix_str(v[i], "Name");
            const struct blob_instance *match = NULL;
            for (size_t j = 0; j < nm && !match; j++)
                if (strcmp(blob_instance_value(&members[j], "Name")->v.s, name) == 0)
                    match = &members[j];
            assert_non_null(match);
            assert_same_values((IWbemClassObject *)v[i], match, &compared);
            free(name);
            IWbemObjectAccess_Release(v[i]);
        }
        blob_enum_free(members, nm);
        free_refreshed(objs, n);
    }
    print_message("compared %zu property values, remote vs in-process, at %zu instants\n", compared,
                  sizeof instants / sizeof *instants);
    assert_true(compared > 100);
    IWbemClassObject_Release(o_local);
    IWbemClassObject_Release(o_wmi);
    IWbemHiPerfEnum_Release(e_local);
    IWbemRefresher_Release(clientrefr_refresher(local));
    IWbemRefresher_Release(clientrefr_refresher(in_wmi));
    info_release(&obj);
    info_release(&en);
}

/* ---- The blob encoding -------------------------------------------------------------- */

static void blob_round_trips_strings_integers_and_nulls(void **state)
{
    struct refrfix *f = fx(state);
    struct hobject *o = hobject_new_instance(f->host, f->disk, HP_ACTOR_CLIENT);
    struct cim_value key = {.type = CIM_STRING, .v.s = (char *)"Z:"};
    struct cim_value size = {.type = CIM_UINT64, .v.u = 0xFEDCBA9876543210ull};
    assert_int_equal(hobject_set(o, "DeviceID", &key), 0);
    assert_int_equal(hobject_set(o, "Size", &size), 0);
    BYTE *b = NULL;
    LONG len = 0;
    assert_int_equal(blob_encode_instance(&b, &len, o), 0);
    struct blob_instance bi;
    size_t used = 0;
    assert_int_equal(blob_decode_instance(&bi, b, (size_t)len, &used), 0);
    assert_int_equal(used, (size_t)len);
    assert_string_equal(bi.class_name, "HiPerfCheck_Disk");
    assert_string_equal(blob_instance_value(&bi, "DeviceID")->v.s, "Z:");
    assert_int_equal(blob_instance_value(&bi, "Size")->v.u, 0xFEDCBA9876543210ull);
    assert_null(blob_instance_value(&bi, "FreeSpace"));   /* NULL */
    assert_null(blob_instance_value(&bi, "NoSuchProperty"));
    blob_instance_free(&bi);
    /* Every truncation is an error, never a read past the end. */
    for (LONG cut = 0; cut < len; cut++)
        assert_int_equal(blob_decode_instance(&bi, b, (size_t)cut, NULL), HP_EPARSE);
    b[0] ^= 0xFF;
    assert_int_equal(blob_decode_instance(&bi, b, (size_t)len, NULL), HP_EPARSE);
    CoTaskMemFree(b);

    struct hobject *objs[2] = {o, o};
    assert_int_equal(blob_encode_enum(&b, &len, objs, 2), 0);
    struct blob_instance *v;
    size_t n;
    assert_int_equal(blob_decode_enum(&v, &n, b, (size_t)len), 0);
    assert_int_equal(n, 2);
    blob_enum_free(v, n);
    for (LONG cut = 0; cut < len; cut++)
        assert_int_equal(blob_decode_enum(&v, &n, b, (size_t)cut), HP_EPARSE);
    b[0] = 2;   /* version must be 1 */
    assert_int_equal(blob_decode_enum(&v, &n, b, (size_t)len), HP_EPARSE);
    CoTaskMemFree(b);
    assert_int_equal(blob_encode_enum(&b, &len, NULL, 0), 0);
    assert_int_equal(len, 8);
    assert_int_equal(blob_decode_enum(&v, &n, b, (size_t)len), 0);
    assert_int_equal(n, 0);
    assert_null(v);
    CoTaskMemFree(b);
    IWbemClassObject_Release(hobject_iface(o));
}

/* Every CIM type the encoding has, through a class of its own. */
static void blob_round_trips_every_cim_type(void **state)
{
    struct refrfix *f = fx(state);
    static const char mof[] = "class HiPerfCheck_BlobTypes\n{\n"
                              "  [key] string Id; sint8 S8; uint8 U8; sint16 S16; uint16 U16;\n"
                              "  sint32 S32; uint32 U32; sint64 S64; uint64 U64; real32 R32; real64 R64;\n"
                              "  boolean B; char16 C; datetime D; sint32 A[]; string SA[]; uint8 Unset;\n};\n";
    assert_int_equal(mof_load_buffer(f->repo, "blobtypes.mof", mof, sizeof mof - 1), 0);
    const struct repo_class *cls = repo_class(f->repo, "HiPerfCheck_BlobTypes");
    assert_non_null(cls);
    struct hobject *o = hobject_new_instance(f->host, cls, HP_ACTOR_CLIENT);
    assert_non_null(o);
    struct cim_value ints[2] = {{.type = CIM_SINT32, .v.i = -7}, {.type = CIM_SINT32, .v.i = 2147483647}};
    struct cim_value strs[2] = {{.type = CIM_STRING, .v.s = (char *)"x"}, {.type = CIM_STRING, .v.s = (char *)""}};
    struct cim_array ia = {2, ints}, sa = {2, strs};
    const struct {
        const char *name;
        struct cim_value v;
    } set[] = {
        {"Id", {.type = CIM_STRING, .v.s = (char *)"k\"1"}},
        {"S8", {.type = CIM_SINT8, .v.i = -128}},
        {"U8", {.type = CIM_UINT8, .v.u = 255}},
        {"S16", {.type = CIM_SINT16, .v.i = -2}},
        {"U16", {.type = CIM_UINT16, .v.u = 65535}},
        {"S32", {.type = CIM_SINT32, .v.i = -100000}},
        {"U32", {.type = CIM_UINT32, .v.u = 4000000000u}},
        {"S64", {.type = CIM_SINT64, .v.i = INT64_MIN}},
        {"U64", {.type = CIM_UINT64, .v.u = UINT64_MAX}},
        {"R32", {.type = CIM_REAL32, .v.r = -1.5}},
        {"R64", {.type = CIM_REAL64, .v.r = 3.141592653589793}},
        {"B", {.type = CIM_BOOLEAN, .v.i = 1}},
        {"C", {.type = CIM_CHAR16, .v.i = 0x263A}},
        {"D", {.type = CIM_DATETIME, .v.s = (char *)"20240101000000.000000+000"}},
        {"A", {.type = CIM_SINT32 | CIM_FLAG_ARRAY, .v.a = &ia}},
        {"SA", {.type = CIM_STRING | CIM_FLAG_ARRAY, .v.a = &sa}},
    };
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        assert_int_equal(hobject_set(o, set[i].name, &set[i].v), 0);
    BYTE *b = NULL;
    LONG len = 0;
    assert_int_equal(blob_encode_instance(&b, &len, o), 0);
    struct blob_instance bi;
    assert_int_equal(blob_decode_instance(&bi, b, (size_t)len, NULL), 0);
    assert_int_equal(bi.nprops, cls->nprops);
    for (size_t i = 0; i < cls->nprops; i++) {
        struct cim_value v;
        assert_int_equal(hobject_get_at(o, i, &v), 0);
        assert_int_equal(bi.props[i].index, i);
        assert_string_equal(bi.props[i].name, cls->props[i].name);
        assert_int_equal(bi.props[i].type, cls->props[i].type);
        const struct cim_value *d = blob_instance_value(&bi, cls->props[i].name);
        if (v.null) {
            assert_int_equal(bi.props[i].state, BLOB_NULL);
            assert_null(d);
        } else if (!d || !cim_value_equal(&v, d)) {
            fail_msg("%s does not round-trip", cls->props[i].name);
        }
        cim_value_clear(&v);
    }
    assert_int_equal(blob_instance_value(&bi, "S8")->v.i, -128);
    assert_int_equal(blob_instance_value(&bi, "S64")->v.i, INT64_MIN);
    assert_int_equal(blob_instance_value(&bi, "C")->v.i, 0x263A);
    blob_instance_free(&bi);
    CoTaskMemFree(b);
    IWbemClassObject_Release(hobject_iface(o));
}

#define T(name) cmocka_unit_test_setup_teardown(name, refrfix_group_setup, refrfix_group_teardown)

int main(int argc, char **argv)
{
    refrfix_main(argc, argv);
    const struct CMUnitTest tests[] = {
        T(query_interface_on_the_namespace_gives_the_refreshing_services),
        T(hiperf_instance_gives_remote_info),
        T(every_client_version_is_accepted_and_the_server_says_1),
        T(cancel_ids_are_unique_within_a_server_refresher),
        T(class_of_a_provider_that_is_not_hiperf_gives_non_hiperf_info),
        T(by_template_gives_remote_info_for_the_templates_instance),
        T(enum_of_a_hiperf_class_gives_remote_info),
        T(unknown_instance_fails_with_a_zeroed_invalid_info),
        T(unknown_class_fails_with_a_zeroed_invalid_info),
        T(bad_path_fails_with_a_zeroed_invalid_info),
        T(failing_provider_fails_with_a_zeroed_invalid_info),
        T(provider_that_cannot_load_fails_with_a_zeroed_invalid_info),
        T(access_is_denied_without_remote_enable),
        T(null_arguments_give_errors_never_a_crash),
        T(remove_object_from_refresher_is_not_available),
        T(cancel_id_stops_the_item_with_stop_refreshing),
        T(guid_is_stable_until_a_server_restart),
        T(reconnect_gives_one_result_per_item),
        T(remote_refresh_returns_all_enum_and_error_blobs),
        T(every_host_allocation_failing_in_turn_keeps_the_protocol_rules),
        T(out_pointers_are_null_when_an_injected_fault_fails_the_call),
        T(calls_refused_by_a_fault_are_journaled),
        cmocka_unit_test(out_pointers_are_null_when_the_object_is_dead),
        T(remote_refresh_equals_in_process_refresh_at_the_same_instant),
        T(blob_round_trips_strings_integers_and_nulls),
        T(blob_round_trips_every_cim_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
