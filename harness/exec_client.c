/*
 * harness/exec_client.c - the client-level steps: WMI's client refresher
 * (IWbemConfigureRefresher + IWbemRefresher) and the [MS-WMI] refreshing
 * services (IWbemRefreshingServices, IWbemRemoteRefresher), called the way
 * a client calls them: with the thread's actor set to CLIENT, so the
 * ledger charges the client with what it holds.  Plus the refresh-info
 * expectations (`type`, `zeroed`).
 *
 * Invariant: a refresh info is filled with a non-zero pattern before the
 * call, so `zeroed` proves the server wrote every byte; everything a call
 * hands the client is kept in the step's slot and released by
 * exec_slot_clear as a client would.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_private.h"
#include "journal.h"
#include "namespace.h"
#include "refrsvc.h"

static struct slotval *slot(struct exec *x, const struct scn_ref *r)
{
    return &x->slots[r->slot];
}

/* The refresher id every call of the case names ([MS-WMI] 2.2.21): this
 * machine's NetBIOS-style name (the host name up to its first dot, upper
 * case, at most 15 characters), this process and a GUID fixed per case (a
 * client makes one per refresher; one case plays one client). */
static _WBEM_REFRESHER_ID refresher_id(void)
{
    static char machine[16];
    if (!machine[0]) {
        char host[256] = "";
        if (gethostname(host, sizeof host - 1) != 0 || !host[0])
            strcpy(host, "HIPERFCHECK");
        size_t n = 0;
        for (; host[n] && host[n] != '.' && n < 15; n++)
            machine[n] = (char)(host[n] >= 'a' && host[n] <= 'z' ? host[n] - 'a' + 'A' : host[n]);
        machine[n] = 0;
    }
    _WBEM_REFRESHER_ID id = {machine, (DWORD)getpid(),
                             {0x68697065, 0x7266, 0x6368, {0x65, 0x63, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x01}}};
    return id;
}

int exec_client_refresher_id_ok(struct hp_buf *why)
{
    _WBEM_REFRESHER_ID id = refresher_id();
    static const GUID zero;
    size_t len = id.m_szMachineName ? strlen(id.m_szMachineName) : 0;
    bool ok = len > 0 && len <= 15 && id.m_dwProcessId == (DWORD)getpid() &&
              memcmp(&id.m_guidRefresherId, &zero, sizeof zero) != 0;
    if (!ok)
        hp_buf_printf(why, "machine \"%s\", process %u, GUID %s\n", id.m_szMachineName ? id.m_szMachineName : "",
                      (unsigned)id.m_dwProcessId,
                      memcmp(&id.m_guidRefresherId, &zero, sizeof zero) ? "set" : "all zero");
    return ok;
}

static WCHAR *u16(const char *s)
{
    return s ? hp_utf8_to_utf16(s, (size_t)-1, NULL) : NULL;
}

/* The text of a PATH or CLASS argument, $class and $namespace expanded. */
static char *arg_text(struct exec *x, const struct scn_arg *a)
{
    if (a->kind == SCN_ARG_CLASS)
        return hp_strdup(x->class_name ? x->class_name : "");
    if (a->kind == SCN_ARG_REF)
        return exec_instance_path(x, a);
    return scn_expand(a->text, x->class_name, x->host->namespace_path);
}

static LONG rights_of(unsigned r)
{
    return (r & SCN_RIGHT_ENABLE ? WBEM_ENABLE : 0) | (r & SCN_RIGHT_REMOTE_ENABLE ? WBEM_REMOTE_ENABLE : 0);
}

static HRESULT client_refresher_step(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop)
{
    struct slotval *c = s->has_recv ? slot(x, &s->recv) : NULL;
    if (!c || !c->client) {
        *stop = true;
        exec_stop_case(x, "line %u: %s holds no client refresher", s->line, s->recv.name ? s->recv.name : "?");
        return E_INVALIDARG;
    }
    IWbemConfigureRefresher *cfg = clientrefr_configure(c->client);
    IWbemServices *ns = host_namespace(x->host);
    LONG fl = (LONG)s->opt.flags;
    HRESULT hr = E_UNEXPECTED;
    switch (s->verb) {
    case SCN_V_CLIENT_ADD_OBJECT_BY_PATH:
    case SCN_V_CLIENT_ADD_OBJECT_BY_TEMPLATE: {
        IWbemClassObject *obj = NULL;
        LONG id = 0;
        if (s->verb == SCN_V_CLIENT_ADD_OBJECT_BY_PATH) {
            char *t = s->nargs ? arg_text(x, &s->args[0]) : NULL;
            WCHAR *w = u16(t);
            free(t);
            hr = IWbemConfigureRefresher_AddObjectByPath(cfg, ns, w, fl, NULL, &obj, &id);
            free(w);
        } else {
            const struct repo_class *cls = s->nargs ? exec_class_arg(x, &s->args[0]) : NULL;
            char *why = NULL;
            struct hobject *t = cls ? exec_make_template(x, cls, s->args + 1, s->nargs - 1, &why) : NULL;
            if (!t) {
                *stop = true;
                exec_stop_case(x, "line %u: %s", s->line, why ? why : "unknown class");
                free(why);
                return E_INVALIDARG;
            }
            hr = IWbemConfigureRefresher_AddObjectByTemplate(cfg, ns, hobject_iface(t), fl, NULL, &obj, &id);
            enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
            hobj_unref(hobject_hobj(t), HP_ACTOR_HOST);
            hp_actor_set(prev);
        }
        struct hobject *o = hobject_from_iface(obj);
        if (out) {
            out->out_seen = true;
            out->out_failed = FAILED(hr);
            out->out_null = obj == NULL;
        }
        if (SUCCEEDED(hr) && o && out) {
            out->kind = SCN_H_CLIENT_OBJECT;
            out->holder = HP_ACTOR_CLIENT;
            out->obj = o;
            out->id = id;
        } else if (obj && SUCCEEDED(hr)) {
            IWbemClassObject_Release(obj);
        } else if (out) {
            out->kind = SCN_H_CLIENT_OBJECT;
            out->holder = HP_ACTOR_CLIENT;
        }
        break;
    }
    case SCN_V_CLIENT_ADD_ENUM: {
        char *t = s->nargs ? arg_text(x, &s->args[0]) : NULL;
        WCHAR *w = u16(t);
        free(t);
        IWbemHiPerfEnum *e = NULL;
        LONG id = 0;
        hr = IWbemConfigureRefresher_AddEnum(cfg, ns, w, fl, NULL, &e, &id);
        free(w);
        struct hpenum *pe = hpenum_from_iface(e);
        if (out) {
            out->out_seen = true;
            out->out_failed = FAILED(hr);
            out->out_null = e == NULL;
        }
        if (SUCCEEDED(hr) && pe && out) {
            out->kind = SCN_H_CLIENT_ENUM;
            out->holder = HP_ACTOR_CLIENT;
            out->penum = pe;
            out->id = id;
            out->enum_cls = s->nargs ? exec_class_arg(x, &s->args[0]) : NULL;
        } else if (e && SUCCEEDED(hr)) {
            IWbemHiPerfEnum_Release(e);
        } else if (out) {
            out->kind = SCN_H_CLIENT_ENUM;
            out->holder = HP_ACTOR_CLIENT;
        }
        break;
    }
    case SCN_V_CLIENT_ADD_REFRESHER: {
        struct slotval *c2 = s->nargs && s->args[0].kind == SCN_ARG_REF ? slot(x, &s->args[0].ref) : NULL;
        LONG id = 0;
        IWbemRefresher *r2 = c2 && c2->client ? clientrefr_refresher(c2->client)
                             : c2 && c2->refresher ? c2->refresher : NULL;
        hr = IWbemConfigureRefresher_AddRefresher(cfg, r2, fl, &id);
        break;
    }
    case SCN_V_CLIENT_REMOVE: {
        const struct scn_arg *a = s->nargs ? &s->args[0] : NULL;
        LONG id = !a ? 0 : a->kind == SCN_ARG_INT ? (LONG)a->i : slot(x, &a->ref)->id;
        hr = IWbemConfigureRefresher_Remove(cfg, id, fl);
        break;
    }
    case SCN_V_CLIENT_REFRESH:
        hr = IWbemRefresher_Refresh(clientrefr_refresher(c->client), fl);
        break;
    default:
        break;
    }
    return hr;
}

/* Fills a refresh info for one of the three Add operations; the slot keeps
 * the result. */
static HRESULT add_to_refresher(struct exec *x, const struct scn_step *s, struct slotval *rs,
                                struct slotval *out)
{
    IWbemRefreshingServices *svc = host_refreshing_services(x->host);
    if (!svc)
        return WBEM_E_OUT_OF_MEMORY;
    _WBEM_REFRESHER_ID id = refresher_id();
    _WBEM_REFRESH_INFO info;
    memset(&info, 0xA5, sizeof info);
    DWORD svr = 0xFFFFFFFF;
    bool null_id = s->opt.written & SCN_OPT_NULL_ID, null_info = s->opt.written & SCN_OPT_NULL_INFO;
    bool null_path = s->opt.written & SCN_OPT_NULL_PATH;
    char *text = s->nargs && !null_path ? arg_text(x, &s->args[0]) : NULL;
    WCHAR *w = null_path ? NULL : u16(text ? text : "");
    HRESULT hr;
    x->host->namespace_rights = rs->rights;
    if (s->verb == SCN_V_RS_ADD_OBJECT) {
        hr = IWbemRefreshingServices_AddObjectToRefresher(svc, null_id ? NULL : &id, w, (LONG)s->opt.flags, NULL,
                                                          (DWORD)s->opt.version, null_info ? NULL : &info, &svr);
    } else if (s->verb == SCN_V_RS_ADD_ENUM) {
        hr = IWbemRefreshingServices_AddEnumToRefresher(svc, null_id ? NULL : &id, w, (LONG)s->opt.flags, NULL,
                                                        (DWORD)s->opt.version, null_info ? NULL : &info, &svr);
    } else {
        const struct repo_class *cls = s->nargs ? exec_class_arg(x, &s->args[0]) : NULL;
        char *why = NULL;
        enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
        struct hobject *t = cls ? exec_make_template(x, cls, s->args + 1, s->nargs - 1, &why) : NULL;
        hp_actor_set(prev);
        free(why);
        hr = IWbemRefreshingServices_AddObjectToRefresherByTemplate(
            svc, null_id ? NULL : &id, t && !null_path ? hobject_iface(t) : NULL, (LONG)s->opt.flags, NULL,
            (DWORD)s->opt.version, null_info ? NULL : &info, &svr);
        /* The item is the instance the template names: that path is what a
         * later ReconnectRemoteRefresher re-adds. */
        char *rel = t ? hobject_relpath(t) : NULL;
        if (rel) {
            free(text);
            text = rel;
        }
        if (t) {
            prev = hp_actor_set(HP_ACTOR_HOST);
            hobj_unref(hobject_hobj(t), HP_ACTOR_HOST);
            hp_actor_set(prev);
        }
    }
    free(w);
    if (out) {
        out->kind = SCN_H_INFO;
        out->holder = HP_ACTOR_CLIENT;
        if (null_info) {
            memset(&out->info, 0, sizeof out->info);
            out->info_zero = false;
        } else {
            out->info = info;
            static const unsigned char zero[sizeof info];
            out->info_zero = memcmp(&info, zero, sizeof info) == 0;
        }
        out->path = text;
        out->is_enum = s->verb == SCN_V_RS_ADD_ENUM;
        out->id = out->info.m_lCancelId;
        text = NULL;
    } else if (!null_info) {
        exec_info_release(&info);   /* nobody keeps it */
    }
    free(text);
    if (svr != 1)
        journal_note(&x->host->journal, "scenario: the server refresher version came back as %u",
                     (unsigned)svr);
    rs->has_svr_version = true;
    rs->svr_version = svr;
    rs->client_version = (DWORD)s->opt.version;
    return hr;
}

void exec_info_release(_WBEM_REFRESH_INFO *info)
{
    if (info->m_lType == WBEM_REFRESH_TYPE_REMOTE) {
        if (info->m_Info.m_Remote.m_pRefresher)
            IWbemRemoteRefresher_Release(info->m_Info.m_Remote.m_pRefresher);
        if (info->m_Info.m_Remote.m_pTemplate)
            IWbemClassObject_Release(info->m_Info.m_Remote.m_pTemplate);
    } else if (info->m_lType == WBEM_REFRESH_TYPE_NON_HIPERF) {
        CoTaskMemFree(info->m_Info.m_NonHiPerf.m_wszNamespace);
        if (info->m_Info.m_NonHiPerf.m_pTemplate)
            IWbemClassObject_Release(info->m_Info.m_NonHiPerf.m_pTemplate);
    }
}

static HRESULT services_step(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop)
{
    struct slotval *rs = s->has_recv ? slot(x, &s->recv) : NULL;
    if (!rs || rs->kind != SCN_H_RSERVICES) {
        *stop = true;
        exec_stop_case(x, "line %u: the receiver holds no refreshing services", s->line);
        return E_INVALIDARG;
    }
    IWbemRefreshingServices *svc = host_refreshing_services(x->host);
    if (!svc)
        return WBEM_E_OUT_OF_MEMORY;
    x->host->namespace_rights = rs->rights;
    _WBEM_REFRESHER_ID id = refresher_id();
    DWORD svr = 0;
    rs->client_version = (DWORD)s->opt.version;
    LONG fl = (LONG)s->opt.flags;
    DWORD ver = (DWORD)s->opt.version;
    switch (s->verb) {
    case SCN_V_RS_ADD_OBJECT:
    case SCN_V_RS_ADD_OBJECT_BY_TEMPLATE:
    case SCN_V_RS_ADD_ENUM:
        return add_to_refresher(x, s, rs, out);
    case SCN_V_RS_REMOVE_OBJECT: {
        struct slotval *i = s->nargs && s->args[0].kind == SCN_ARG_REF ? slot(x, &s->args[0].ref) : NULL;
        LONG cancel = i ? i->info.m_lCancelId : s->nargs ? (LONG)s->args[0].i : 0;
        svr = 0xFFFFFFFFu;
        HRESULT hr = IWbemRefreshingServices_RemoveObjectFromRefresher(svc, (s->opt.written & SCN_OPT_NULL_ID) ? NULL : &id,
                                                                      cancel, fl, ver, &svr);
        rs->has_svr_version = true;
        rs->svr_version = svr;
        return hr;
    }
    case SCN_V_RS_GET_REMOTE_REFRESHER: {
        IWbemRemoteRefresher *rr = NULL;
        GUID g;
        memset(&g, 0, sizeof g);
        svr = 0xFFFFFFFFu;
        HRESULT hr = IWbemRefreshingServices_GetRemoteRefresher(svc, (s->opt.written & SCN_OPT_NULL_ID) ? NULL : &id,
                                                                fl, ver, &rr, &g, &svr);
        rs->has_svr_version = true;
        rs->svr_version = svr;
        if (out) {
            out->out_seen = true;
            out->out_failed = FAILED(hr);
            out->out_null = rr == NULL;
        }
        if (SUCCEEDED(hr) && rr && out) {
            out->kind = SCN_H_REMOTE;
            out->holder = HP_ACTOR_CLIENT;
            out->remote = rr;
            out->has_guid = true;
            out->guid = g;
        } else if (rr && SUCCEEDED(hr)) {
            IWbemRemoteRefresher_Release(rr);
        } else if (out) {
            out->kind = SCN_H_REMOTE;
            out->holder = HP_ACTOR_CLIENT;
        }
        return hr;
    }
    case SCN_V_RS_RECONNECT: {
        size_t n = s->nargs;
        _WBEM_RECONNECT_INFO *ri = calloc(n ? n : 1, sizeof *ri);
        _WBEM_RECONNECT_RESULTS *rres = calloc(n ? n : 1, sizeof *rres);
        WCHAR **paths = calloc(n ? n : 1, sizeof *paths);
        HRESULT hr = WBEM_E_OUT_OF_MEMORY;
        if (ri && rres && paths) {
            for (size_t k = 0; k < n; k++) {
                struct slotval *i = s->args[k].kind == SCN_ARG_REF ? slot(x, &s->args[k].ref) : NULL;
                paths[k] = u16(i && i->path ? i->path : "");
                ri[k].m_lType = i && i->is_enum ? WBEM_RECONNECT_TYPE_ENUM : WBEM_RECONNECT_TYPE_OBJECT;
                ri[k].m_pwcsPath = paths[k];
            }
            /* type-last: the first item carries WBEM_RECONNECT_TYPE_LAST,
             * which a client never sends (MSWMI-RECONNECT-TYPE-LAST). */
            if (n && (s->opt.written & SCN_OPT_TYPE_LAST))
                ri[0].m_lType = WBEM_RECONNECT_TYPE_LAST;
            svr = 0xFFFFFFFFu;
            hr = IWbemRefreshingServices_ReconnectRemoteRefresher(svc, (s->opt.written & SCN_OPT_NULL_ID) ? NULL : &id,
                                                                  fl, (LONG)n, ver, ri, rres, &svr);
            rs->has_svr_version = true;
            rs->svr_version = svr;
            for (size_t k = 0; k < n; k++) {
                journal_note(&x->host->journal, "scenario: reconnect item %zu: id %d, 0x%08" PRIX32, k,
                             (int)rres[k].m_lId, (uint32_t)rres[k].m_hr);
                /* The item's new id is what StopRefreshing takes now. */
                struct slotval *i = s->args[k].kind == SCN_ARG_REF ? slot(x, &s->args[k].ref) : NULL;
                if (i && SUCCEEDED(hr)) {
                    i->has_reconnect = true;
                    i->reconnect_hr = rres[k].m_hr;
                }
                if (i && SUCCEEDED(hr) && SUCCEEDED(rres[k].m_hr)) {
                    i->info.m_lCancelId = rres[k].m_lId;
                    i->id = rres[k].m_lId;
                }
            }
        }
        for (size_t k = 0; paths && k < n; k++)
            free(paths[k]);
        free(paths);
        free(ri);
        free(rres);
        return hr;
    }
    default:
        break;
    }
    (void)stop;
    return E_UNEXPECTED;
}

static HRESULT remote_step(struct exec *x, const struct scn_step *s, bool *stop)
{
    struct slotval *rr = s->has_recv ? slot(x, &s->recv) : NULL;
    if (!rr || !rr->remote) {
        *stop = true;
        exec_stop_case(x, "line %u: the receiver holds no remote refresher", s->line);
        return E_INVALIDARG;
    }
    if (s->verb == SCN_V_RR_REMOTE_REFRESH) {
        LONG n = -1;
        WBEM_REFRESHED_OBJECT *objs = (void *)(uintptr_t)0xFEE1u;
        HRESULT hr = IWbemRemoteRefresher_RemoteRefresh(rr->remote, (LONG)s->opt.flags, &n, &objs);
        journal_note(&x->host->journal, "scenario: RemoteRefresh gave %d refreshed object(s)", (int)n);
        bool sentinel = objs == (void *)(uintptr_t)0xFEE1u;
        rr->out_seen = true;
        rr->out_failed = FAILED(hr);
        rr->out_null = objs == NULL && n == 0;
        rr->has_refreshed = true;
        rr->refreshed = n;
        free(rr->blobs_why);
        rr->blobs_why = NULL;
        rr->blobs_ok = SUCCEEDED(hr) && !sentinel ? exec_check_blobs(objs, n, &rr->blobs_why) : false;
        if (SUCCEEDED(hr) && !sentinel) {
            for (LONG i = 0; objs && i < n; i++)
                CoTaskMemFree(objs[i].m_pbBlob);
            CoTaskMemFree(objs);
        }
        return hr;
    }
    if (s->verb == SCN_V_RR_OPNUM5) {
        GUID g;
        memset(&g, 0, sizeof g);
        HRESULT hr = IWbemRemoteRefresher_Opnum5NotUsedOnWire(rr->remote, (LONG)s->opt.flags, &g);
        static const GUID zero;
        rr->has_server_guid = SUCCEEDED(hr) && memcmp(&g, &zero, sizeof g) != 0;
        rr->server_guid = g;
        return hr;
    }
    size_t n = s->nargs;
    LONG *ids = calloc(n ? n : 1, sizeof *ids);
    if (!ids)
        return WBEM_E_OUT_OF_MEMORY;
    for (size_t k = 0; k < n; k++) {
        const struct scn_arg *a = &s->args[k];
        ids[k] = a->kind == SCN_ARG_INT ? (LONG)a->i : slot(x, &a->ref)->info.m_lCancelId;
    }
    HRESULT hr = IWbemRemoteRefresher_StopRefreshing(rr->remote, (LONG)n, ids, (LONG)s->opt.flags);
    free(ids);
    return hr;
}

int exec_client_step(struct exec *x, const struct scn_step *s, unsigned no, uint64_t from)
{
    struct slotval nv = {.refresher_slot = -1};
    struct slotval *out = s->bind ? &nv : NULL;
    HRESULT hr = S_OK;
    bool stop = false;
    enum hp_actor prev = hp_actor_set(HP_ACTOR_CLIENT);
    switch (s->verb) {
    case SCN_V_CLIENT_REFRESHER: {
        struct clientrefr *c;
        if (clientrefr_new(&c, x->host, HP_ACTOR_CLIENT, HOSTPROV_IN_CLIENT) == 0) {
            if (out) {
                nv.kind = SCN_H_CLIENT;
                nv.holder = HP_ACTOR_CLIENT;
                nv.client = c;
            } else {
                IWbemRefresher_Release(clientrefr_refresher(c));
            }
        } else {
            hr = WBEM_E_OUT_OF_MEMORY;
        }
        break;
    }
    case SCN_V_CLIENT_ADD_OBJECT_BY_PATH:
    case SCN_V_CLIENT_ADD_OBJECT_BY_TEMPLATE:
    case SCN_V_CLIENT_ADD_ENUM:
    case SCN_V_CLIENT_ADD_REFRESHER:
    case SCN_V_CLIENT_REMOVE:
    case SCN_V_CLIENT_REFRESH:
        hr = client_refresher_step(x, s, out, &stop);
        break;
    case SCN_V_REFRESHING_SERVICES:
        if (out) {
            nv.kind = SCN_H_RSERVICES;
            nv.rights = rights_of(s->opt.rights);
        }
        break;
    case SCN_V_RS_ADD_OBJECT:
    case SCN_V_RS_ADD_OBJECT_BY_TEMPLATE:
    case SCN_V_RS_ADD_ENUM:
    case SCN_V_RS_REMOVE_OBJECT:
    case SCN_V_RS_GET_REMOTE_REFRESHER:
    case SCN_V_RS_RECONNECT:
        hr = services_step(x, s, out, &stop);
        break;
    case SCN_V_RR_REMOTE_REFRESH:
    case SCN_V_RR_STOP_REFRESHING:
    case SCN_V_RR_OPNUM5:
        hr = remote_step(x, s, &stop);
        break;
    case SCN_V_SERVER_RESTART:
        hp_actor_set(HP_ACTOR_HOST);
        refrsvc_server_restart(x->host);
        break;
    default:
        hp_actor_set(prev);
        proto_error(x->w, "a step the executor does not know");
        atomic_store(&x->stop, true);
        return HP_EINTERNAL;
    }
    hp_actor_set(prev);
    if (!stop && exec_declined(x, s, hr))
        stop = true;
    if (!stop)
        exec_step_done(x, s, no, from, hr, out);
    return stop ? HP_EINVAL : 0;
}

int exec_client_expect(struct exec *x, const struct scn_expr *e, struct hp_buf *why)
{
    struct slotval *v = e->a.kind == SCN_ARG_REF ? slot(x, &e->a.ref) : NULL;
    if (!v || v->kind != SCN_H_INFO) {
        hp_buf_puts(why, "not a refresh info");
        return 0;
    }
    if (!v->info_zero) {
        hp_buf_printf(why, "m_lType is %d and the structure is not all zeros\n", (int)v->info.m_lType);
        const unsigned char *p = (const unsigned char *)&v->info;
        hp_buf_puts(why, "bytes:");
        for (size_t i = 0; i < sizeof v->info; i++)
            hp_buf_printf(why, "%s%02x", i % 8 ? "" : " ", p[i]);
        hp_buf_putc(why, '\n');
    }
    return v->info_zero;
}

char *exec_client_info_type(struct exec *x, const struct scn_expr *e, struct hp_buf *why)
{
    struct slotval *v = e->a.kind == SCN_ARG_REF ? slot(x, &e->a.ref) : NULL;
    if (!v || v->kind != SCN_H_INFO) {
        hp_buf_puts(why, "not a refresh info");
        return hp_sprintf("null\x1fi:%d", (int)e->info_type_value);
    }
    return hp_sprintf("i:%d\x1fi:%d", (int)v->info.m_lType, (int)e->info_type_value);
}
