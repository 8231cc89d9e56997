/*
 * harness/exec_steps.c - the steps of the scenario language, each as the
 * host (or a client) makes the call: templates built from the case's
 * instances, contexts when asked for, the HRESULT reported as an
 * observation with the journal excerpt of the step.
 *
 * Invariant: every reference a step takes is either stored in the step's
 * slot (and dropped by exec_slot_clear) or dropped before the step ends.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "context.h"
#include "exec_private.h"
#include "journal.h"
#include "namespace.h"
#include "objpath.h"
#include "refrsvc.h"

/* Stops the case after a step that later steps depended on went wrong; the
 * failure itself is already an observation, so this only explains. */
int exec_stop_case(struct exec *x, const char *fmt, ...)
{
    struct hp_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    proto_journal(x->w, b.s ? b.s : "stopped");
    hp_buf_free(&b);
    atomic_store(&x->stop, true);
    return HP_EINVAL;
}

static int skip_case(struct exec *x, const char *reason)
{
    proto_skip(x->w, reason);
    atomic_store(&x->stop, true);
    return HP_EINVAL;
}

static struct slotval *slot(struct exec *x, const struct scn_ref *r)
{
    return &x->slots[r->slot];
}

const struct repo_class *exec_class_arg(struct exec *x, const struct scn_arg *a)
{
    if (a->kind == SCN_ARG_CLASS)
        return x->cls;
    if (a->kind == SCN_ARG_WORD || a->kind == SCN_ARG_STRING)
        return repo_class(x->repo, a->text);
    return NULL;
}

/* The provider serving a class, loaded on first use the way WMI loads it
 * (by CLSID) unless an explicit `load` chose otherwise. */
static struct hostprov *provider_for(struct exec *x, const struct repo_class *cls)
{
    if (!cls)
        return x->prov;
    const struct repo_provider *reg = repo_provider_for_class(x->repo, cls);
    if (!reg)
        return NULL;
    if (x->prov && x->prov->reg == reg)
        return x->prov;
    struct hostprov *p;
    if (host_load_provider(x->host, reg, HOSTPROV_IN_WMI, x->host->provider_wait_ms, &p))
        return NULL;
    return p;
}

char *exec_instance_path(struct exec *x, const struct scn_arg *a)
{
    struct slotval *v = slot(x, &a->ref);
    size_t n = v->ninst;
    size_t i = a->ref.index_last ? n - 1 : a->ref.has_index ? (size_t)a->ref.index : 0;
    if (!n || i >= n)
        return hp_strdup("");
    char *p = hobject_relpath(hobject_from_iface(v->inst[i]));
    return p ? p : hp_strdup("");
}

struct hostprov *exec_case_provider(struct exec *x)
{
    return provider_for(x, x->cls);
}

/* The provider a class argument is sent to: the class's own, or for a
 * class no provider serves (a robustness probe: an unknown class), the
 * case's provider. */
static struct hostprov *provider_or_case(struct exec *x, const struct repo_class *cls)
{
    if (cls && repo_provider_for_class(x->repo, cls))
        return provider_for(x, cls);
    return provider_for(x, x->cls);
}

/* What an [out] interface pointer holds before a call (see exec_com.c). */
#define OUT_SENTINEL ((void *)(uintptr_t)0xFEE1u)

static void note_out(struct slotval *v, HRESULT hr, const void *out)
{
    if (!v)
        return;
    v->out_seen = true;
    v->out_failed = FAILED(hr);
    v->out_null = out == NULL;
}

static IWbemContext *make_context(struct exec *x, const struct scn_step *s, struct hcontext **out)
{
    *out = NULL;
    if (s->opt.ctx != SCN_CTX_NEW)
        return NULL;
    if (context_new(out, x->host, HP_ACTOR_HOST))
        return NULL;
    return context_iface(*out);
}

static void drop_context(struct hcontext *c)
{
    if (c)
        hobj_unref(context_hobj(c), HP_ACTOR_HOST);
}

static WCHAR *u16(const char *s)
{
    return s ? hp_utf8_to_utf16(s, (size_t)-1, NULL) : NULL;
}

/* A template instance of cls with the keys the step's KEYS arguments give,
 * one HOST reference.  NULL (with a reason in *why) if they cannot be had. */
struct hobject *exec_make_template(struct exec *x, const struct repo_class *cls, const struct scn_arg *args,
                                   size_t nargs, char **why)
{
    *why = NULL;
    struct hobject *t = hobject_new_instance(x->host, cls, HP_ACTOR_HOST);
    if (!t) {
        *why = hp_strdup("out of memory");
        return NULL;
    }
    for (size_t i = 0; i < nargs; i++) {
        const struct scn_arg *a = &args[i];
        if (a->kind == SCN_ARG_KEYWORD && a->kw == SCN_KW_SINGLETON)
            continue;
        if (a->kind == SCN_ARG_KEYWORD && a->kw == SCN_KW_BOGUS) {
            /* Keys no instance has: every key property set to an unlikely value. */
            for (size_t k = 0; k < cls->nprops; k++) {
                if (!cls->props[k].key)
                    continue;
                struct cim_value v = {.type = CIM_STRING, .v.s = (char *)"hiperfcheck-no-such-instance"};
                if (!cim_type_is_string(cls->props[k].type))
                    v = (struct cim_value){.type = CIM_UINT64, .v.u = 4000000007u};
                hobject_set_at(t, k, &v);
            }
            continue;
        }
        if (a->kind == SCN_ARG_KEY) {
            struct cim_value v = a->value->kind == SCN_ARG_INT
                                     ? (struct cim_value){.type = CIM_SINT64, .v.i = a->value->i}
                                     : (struct cim_value){.type = CIM_STRING, .v.s = (char *)a->value->text};
            if (hobject_set(t, a->text, &v)) {
                *why = hp_sprintf("line %u: %s", a->line, hp_error_message());
                hobj_unref(hobject_hobj(t), HP_ACTOR_HOST);
                return NULL;
            }
            continue;
        }
        if (a->kind == SCN_ARG_REF && a->ref.kind == SCN_H_SINK) {
            struct slotval *v = slot(x, &a->ref);
            size_t n = v->ninst;
            if (!n || (a->ref.has_index && !a->ref.index_last && (size_t)a->ref.index >= n)) {
                *why = hp_sprintf("line %u: %s has %zu instance%s; %s[%" PRId64 "] does not exist", a->line,
                                  a->ref.name, n, n == 1 ? "" : "s", a->ref.name, a->ref.index);
                hobj_unref(hobject_hobj(t), HP_ACTOR_HOST);
                return NULL;
            }
            size_t idx = a->ref.index_last ? n - 1 : a->ref.has_index ? (size_t)a->ref.index : 0;
            struct hobject *src = hobject_from_iface(v->inst[idx]);
            for (size_t k = 0; k < cls->nprops; k++) {
                if (!cls->props[k].key)
                    continue;
                struct cim_value kv;
                if (hobject_get(src, cls->props[k].name, &kv) == 0) {
                    hobject_set_at(t, k, &kv);
                    cim_value_clear(&kv);
                }
            }
        }
    }
    return t;
}

/* The refresher argument: a slot holding one, or `foreign`. */
static IWbemRefresher *refresher_arg(struct exec *x, const struct scn_arg *a, int *slot_out)
{
    *slot_out = -1;
    if (a->kind == SCN_ARG_KEYWORD && a->kw == SCN_KW_FOREIGN) {
        if (!x->foreign && hostrefr_new(&x->foreign, x->host, HP_ACTOR_HOST))
            return NULL;
        return hostrefr_iface(x->foreign);
    }
    if (a->kind != SCN_ARG_REF)
        return NULL;
    *slot_out = (int)a->ref.slot;
    return slot(x, &a->ref)->refresher;
}


/* Keeps what a sink was given (HOST references) in the slot. */
static void keep_sink(struct slotval *v, struct objsink *sink, HRESULT hr, HRESULT returned)
{
    v->kind = SCN_H_SINK;
    v->sink = sink;
    v->result = hr;
    v->returned_hr = returned;
    size_t cap = 0;
    struct objsink_event ev;
    for (size_t i = 0; objsink_event_get(sink, i, &ev); i++) {
        if (ev.kind != OBJSINK_INDICATE || !ev.objects)
            continue;
        for (LONG k = 0; k < ev.count; k++) {
            if (hp_grow((void **)&v->inst, &cap, v->ninst + 1, sizeof *v->inst))
                return;
            hobj_ref(hobject_hobj(hobject_from_iface(ev.objects[k])), HP_ACTOR_HOST);
            v->inst[v->ninst++] = ev.objects[k];
        }
    }
}

/* Opens (or closes) the "may modify" window of every enumerator added to
 * refresher slot rs. */
static void enum_windows(struct exec *x, int rs, bool open)
{
    for (size_t i = 0; i < x->scn->nslots; i++) {
        struct slotval *v = &x->slots[i];
        if (v->kind == SCN_H_ENUM && v->penum && v->refresher_slot == rs) {
            if (open)
                hpenum_window_open(v->penum);
            else
                hpenum_window_close(v->penum);
        }
    }
}

/* ---- The steps ------------------------------------------------------------ */

static HRESULT do_load(struct exec *x, const struct scn_step *s)
{
    const struct repo_provider *reg = NULL;
    if (x->cls)
        reg = repo_provider_for_class(x->repo, x->cls);
    else if (repo_provider_count(x->repo))
        reg = repo_provider_at(x->repo, 0);
    if (!reg)
        return WBEM_E_PROVIDER_NOT_FOUND;
    if ((x->scn->needs & SCN_NEEDS_REFRESHERS) && !repo_provider_is_hiperf(x->repo, reg)) {
        skip_case(x, "the provider is not refresher-capable by its registration (no ClientLoadableCLSID or no hiperf class)");
        return WBEM_E_PROVIDER_NOT_CAPABLE;
    }
    unsigned wait_ms = (unsigned)(s->opt.wait_ns / 1000000);
    x->host->provider_wait_ms = wait_ms ? wait_ms : 1;
    struct hostprov *p;
    enum hostprov_kind kind = s->opt.by == SCN_BY_CLIENT_CLSID ? HOSTPROV_IN_CLIENT : HOSTPROV_IN_WMI;
    uint64_t from = journal_next_seq(&x->host->journal);
    int lrc = host_load_provider(x->host, reg, kind, wait_ms, &p);
    exec_init_scan(x, from, journal_next_seq(&x->host->journal), &x->load_init);
    if (lrc) {
        proto_journal(x->w, hp_error_message());
        return WBEM_E_PROVIDER_LOAD_FAILURE;
    }
    x->prov = p;
    if ((x->scn->needs & SCN_NEEDS_REFRESHERS) && !p->hiperf) {
        skip_case(x, "the provider does not answer IWbemHiPerfProvider");
        return WBEM_E_PROVIDER_NOT_CAPABLE;
    }
    if ((x->scn->needs & SCN_NEEDS_INSTANCES) && x->cls) {
        IWbemClassObject **objs;
        size_t n;
        HRESULT hr = host_query_instances(x->host, x->cls, &objs, &n);
        for (size_t i = 0; i < n; i++)
            hobj_unref(hobject_hobj(hobject_from_iface(objs[i])), HP_ACTOR_HOST);
        free(objs);
        if (SUCCEEDED(hr) && n == 0)
            skip_case(x, "the class has no instance at the start instant");
    }
    return p->init_hr;
}

static HRESULT do_query_instances(struct exec *x, const struct scn_step *s, struct slotval *out)
{
    const struct repo_class *cls = s->nargs ? exec_class_arg(x, &s->args[0]) : x->cls;
    struct hostprov *p = provider_or_case(x, cls);
    if (!p || !p->hiperf)
        return p ? WBEM_E_PROVIDER_NOT_CAPABLE : WBEM_E_PROVIDER_LOAD_FAILURE;
    struct objsink *sink;
    if (objsink_new(&sink, x->host, HP_ACTOR_HOST, "QueryInstances"))
        return WBEM_E_OUT_OF_MEMORY;
    WCHAR *name = u16(cls ? cls->name : s->args[0].text);
    struct hcontext *ctx;
    IWbemContext *pctx = make_context(x, s, &ctx);
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemHiPerfProvider_QueryInstances, p->hiperf,
                                    journal_intern16(&x->host->journal, name), s->opt.flags, 0, 1,
                                    IWbemHiPerfProvider_QueryInstances(p->hiperf, host_namespace(x->host), name,
                                                                       (LONG)s->opt.flags, pctx,
                                                                       objsink_iface(sink)));
    free(name);
    drop_context(ctx);
    HRESULT returned = hr;
    hr = objsink_result(sink, hr, true, x->host->provider_wait_ms);
    if (out)
        keep_sink(out, sink, hr, returned);
    else
        hobj_unref(objsink_hobj(sink), HP_ACTOR_HOST);
    return hr;
}

static HRESULT do_create_refresher(struct exec *x, const struct scn_step *s, struct slotval *out)
{
    struct hostprov *p = provider_for(x, x->cls);
    if (!p)
        return WBEM_E_PROVIDER_LOAD_FAILURE;
    if (!p->hiperf)
        return WBEM_E_PROVIDER_NOT_CAPABLE;
    IWbemRefresher *r = OUT_SENTINEL;
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemHiPerfProvider_CreateRefresher, p->hiperf, s->opt.flags, 0,
                                    0, 0,
                                    IWbemHiPerfProvider_CreateRefresher(p->hiperf, host_namespace(x->host),
                                                                        (LONG)s->opt.flags, &r));
    note_out(out, hr, r);
    if (r == OUT_SENTINEL)
        r = NULL;
    if (SUCCEEDED(hr) && r && out) {
        out->kind = SCN_H_REFRESHER;
        out->refresher = r;
        out->prov = p;
    } else if (r && SUCCEEDED(hr)) {
        host_provider_release(x->host, (IUnknown *)r, HPM_IWbemRefresher_Release);
    } else if (out) {
        /* Failed: whatever the provider left in the [out] pointer is not
         * the caller's to release (out-null judges it). */
        out->kind = SCN_H_REFRESHER;
        out->prov = p;
    }
    if (SUCCEEDED(hr) && !r) {
        proto_journal(x->w, "CreateRefresher succeeded but returned no refresher");
        return E_POINTER;
    }
    return hr;
}

/* Takes over an object the provider returned through an [out] parameter:
 * its reference moves to the host.  A pointer that is not a host object is
 * a finding (WMI's objects are the only ones a provider can return). */
static struct hobject *take_out_object(struct exec *x, void *p, enum hp_method m)
{
    if (!p || p == OUT_SENTINEL)
        return NULL;
    struct hobject *o = hobject_from_iface(p);
    if (!o) {
        ledger_report(&x->host->ledger, LEDGER_FOREIGN_OBJECT, HP_ACTOR_PROVIDER, 0, 1, m,
                      "%s returned an object the host did not make", hp_method_name(m));
        return NULL;
    }
    hobj_transfer(hobject_hobj(o), HP_ACTOR_PROVIDER, HP_ACTOR_HOST, m);
    return o;
}

static HRESULT do_create_refreshable_object(struct exec *x, const struct scn_step *s, struct slotval *out,
                                            bool *stop)
{
    int rs;
    IWbemRefresher *r = s->nargs > 0 ? refresher_arg(x, &s->args[0], &rs) : NULL;
    const struct repo_class *cls = s->nargs > 1 ? exec_class_arg(x, &s->args[1]) : NULL;
    if (!r || !cls) {
        *stop = true;
        exec_stop_case(x, "line %u: %s", s->line, !r ? "the refresher handle holds no refresher" : "unknown class");
        return E_INVALIDARG;
    }
    struct hostprov *p = provider_or_case(x, cls);
    if (!p || !p->hiperf)
        return p ? WBEM_E_PROVIDER_NOT_CAPABLE : WBEM_E_PROVIDER_LOAD_FAILURE;
    char *why;
    struct hobject *t = exec_make_template(x, cls, s->args + 2, s->nargs - 2, &why);
    if (!t) {
        *stop = true;
        exec_stop_case(x, "%s", why ? why : "cannot build the template");
        free(why);
        return E_INVALIDARG;
    }
    struct hcontext *ctx;
    IWbemContext *pctx = make_context(x, s, &ctx);
    IWbemObjectAccess *ref = OUT_SENTINEL;
    LONG id = 0;
    uint64_t tmpl_id = hobject_id(t);
    HRESULT hr = HOST_CALL_PROVIDER(
        x->host, HPM_IWbemHiPerfProvider_CreateRefreshableObject, p->hiperf,
        journal_intern(&x->host->journal, cls->name), s->opt.flags, 0, 1,
        IWbemHiPerfProvider_CreateRefreshableObject(p->hiperf, host_namespace(x->host), hobject_access(t), r,
                                                    (LONG)s->opt.flags, pctx, &ref, &id));
    drop_context(ctx);
    hobj_unref(hobject_hobj(t), HP_ACTOR_HOST);
    note_out(out, hr, ref);
    struct hobject *o = take_out_object(x, ref, HPM_IWbemHiPerfProvider_CreateRefreshableObject);
    if (FAILED(hr) && o) {
        /* A failing call returned an object anyway: the reference is the
         * host's now; drop it. */
        hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
        o = NULL;
    }
    if (SUCCEEDED(hr) && out) {
        out->kind = SCN_H_OBJECT;
        out->obj = o;
        out->id = id;
        out->refresher_slot = rs;
        out->tmpl_id = tmpl_id;
    } else {
        if (o)
            hobj_unref(hobject_hobj(o), HP_ACTOR_HOST);
        if (out)
            out->kind = SCN_H_OBJECT;   /* no object; out-null is known */
    }
    return hr;
}

static HRESULT do_create_refreshable_enum(struct exec *x, const struct scn_step *s, struct slotval *out,
                                          bool *stop)
{
    int rs;
    IWbemRefresher *r = s->nargs > 0 ? refresher_arg(x, &s->args[0], &rs) : NULL;
    const struct repo_class *cls = s->nargs > 1 ? exec_class_arg(x, &s->args[1]) : NULL;
    /* A class the repository does not know goes to the case's provider by
     * name: a robustness probe (HP-CREATEREFENUM-UNKNOWN-CLASS). */
    const char *cname = cls ? cls->name : s->nargs > 1 ? s->args[1].text : NULL;
    if (!r || !cname) {
        *stop = true;
        exec_stop_case(x, "line %u: %s", s->line, !r ? "the refresher handle holds no refresher" : "unknown class");
        return E_INVALIDARG;
    }
    struct hostprov *p = provider_or_case(x, cls);
    if (!p || !p->hiperf)
        return p ? WBEM_E_PROVIDER_NOT_CAPABLE : WBEM_E_PROVIDER_LOAD_FAILURE;
    struct hpenum *e;
    if (hpenum_new(&e, x->host, HP_ACTOR_HOST, cname))
        return WBEM_E_OUT_OF_MEMORY;
    struct hcontext *ctx;
    IWbemContext *pctx = make_context(x, s, &ctx);
    WCHAR *name = u16(cname);
    LONG id = 0;
    /* Filling the enumerator at creation is allowed as well as at the
     * first Refresh. */
    hpenum_window_open(e);
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemHiPerfProvider_CreateRefreshableEnum, p->hiperf,
                                    journal_intern(&x->host->journal, cname), s->opt.flags, 0, 1,
                                    IWbemHiPerfProvider_CreateRefreshableEnum(
                                        p->hiperf, host_namespace(x->host), name, r, (LONG)s->opt.flags, pctx,
                                        hpenum_iface(e), &id));
    hpenum_window_close(e);
    free(name);
    drop_context(ctx);
    if (out) {
        /* Kept even when the call failed: `provider-refs` then shows
         * whether the provider kept it anyway. */
        out->kind = SCN_H_ENUM;
        out->penum = e;
        out->id = SUCCEEDED(hr) ? id : 0;
        out->refresher_slot = SUCCEEDED(hr) ? rs : -1;
        out->enum_cls = cls;
    } else {
        hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    }
    return hr;
}

static HRESULT do_stop_refreshing(struct exec *x, const struct scn_step *s, bool *stop)
{
    int rs;
    IWbemRefresher *r = s->nargs > 0 ? refresher_arg(x, &s->args[0], &rs) : NULL;
    if (!r || s->nargs < 2) {
        *stop = true;
        exec_stop_case(x, "line %u: the refresher handle holds no refresher", s->line);
        return E_INVALIDARG;
    }
    const struct scn_arg *a = &s->args[1];
    LONG id = a->kind == SCN_ARG_INT ? (LONG)a->i : slot(x, &a->ref)->id;
    struct hostprov *p = rs >= 0 && x->slots[rs].prov ? x->slots[rs].prov : provider_for(x, x->cls);
    if (!p || !p->hiperf)
        return WBEM_E_PROVIDER_NOT_CAPABLE;
    return HOST_CALL_PROVIDER(x->host, HPM_IWbemHiPerfProvider_StopRefreshing, p->hiperf, id, s->opt.flags, 0, 0,
                              IWbemHiPerfProvider_StopRefreshing(p->hiperf, r, id, (LONG)s->opt.flags));
}

static HRESULT do_get_objects(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop)
{
    const struct repo_class *cls = s->nargs ? exec_class_arg(x, &s->args[0]) : NULL;
    if (!cls) {
        *stop = true;
        exec_stop_case(x, "line %u: unknown class", s->line);
        return E_INVALIDARG;
    }
    struct hostprov *p = provider_for(x, cls);
    if (!p || !p->hiperf)
        return p ? WBEM_E_PROVIDER_NOT_CAPABLE : WBEM_E_PROVIDER_LOAD_FAILURE;
    char *why;
    struct hobject *t = exec_make_template(x, cls, s->args + 1, s->nargs - 1, &why);
    if (!t) {
        *stop = true;
        exec_stop_case(x, "%s", why ? why : "cannot build the object");
        free(why);
        return E_INVALIDARG;
    }
    struct hcontext *ctx;
    IWbemContext *pctx = make_context(x, s, &ctx);
    IWbemObjectAccess *acc = hobject_access(t);
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemHiPerfProvider_GetObjects, p->hiperf,
                                    journal_intern(&x->host->journal, cls->name), 1, s->opt.flags, 1,
                                    IWbemHiPerfProvider_GetObjects(p->hiperf, host_namespace(x->host), 1, &acc,
                                                                   (LONG)s->opt.flags, pctx));
    drop_context(ctx);
    if (out) {
        out->kind = SCN_H_FETCHED;
        out->obj = t;
    } else {
        hobj_unref(hobject_hobj(t), HP_ACTOR_HOST);
    }
    return hr;
}

static HRESULT do_refresh(struct exec *x, const struct scn_step *s, bool *stop)
{
    int rs;
    IWbemRefresher *r = s->nargs ? refresher_arg(x, &s->args[0], &rs) : NULL;
    if (!r) {
        *stop = true;
        exec_stop_case(x, "line %u: the refresher handle holds no refresher", s->line);
        return E_INVALIDARG;
    }
    enum_windows(x, rs, true);
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemRefresher_Refresh, r, s->opt.flags, 0, 0, 0,
                                    IWbemRefresher_Refresh(r, (LONG)s->opt.flags));
    enum_windows(x, rs, false);
    return hr;
}

static void do_release(struct exec *x, const struct scn_step *s)
{
    if (!s->nargs)
        return;
    const struct scn_arg *a = &s->args[0];
    if (a->kind == SCN_ARG_KEYWORD && a->kw == SCN_KW_PROVIDER) {
        /* Everything the host got from the provider goes first, as WMI
         * releases its refreshers before it unloads a provider. */
        for (size_t i = 0; i < x->scn->nslots; i++) {
            enum scn_handle_kind k = x->slots[i].kind;
            if (k == SCN_H_REFRESHER || k == SCN_H_THREAD || k == SCN_H_CLIENT || k == SCN_H_INFO ||
                k == SCN_H_REMOTE || k == SCN_H_FACTORY || k == SCN_H_PROVOBJ)
                exec_slot_clear(x, &x->slots[i]);
        }
        refrsvc_shutdown(x->host);
        HRESULT can;
        host_unload_providers(x->host, &can);
        x->prov = NULL;
        x->provider_released = true;
        x->can_unload_asked = true;
        x->unloaded = can == S_OK;
        proto_journal(x->w, can == S_OK ? "DllCanUnloadNow: S_OK" : "DllCanUnloadNow: S_FALSE (objects still alive)");
        return;
    }
    if (a->kind == SCN_ARG_REF)
        exec_slot_clear(x, slot(x, &a->ref));
}

static HRESULT do_async(struct exec *x, const struct scn_step *s, struct slotval *out)
{
    if (!s->nargs)
        return E_INVALIDARG;
    const struct scn_arg *a = &s->args[0];
    char *text = a->kind == SCN_ARG_CLASS ? hp_strdup(x->class_name ? x->class_name : "")
                 : a->kind == SCN_ARG_REF ? exec_instance_path(x, a)
                                          : scn_expand(a->text, x->class_name, x->host->namespace_path);
    if (!text)
        return WBEM_E_OUT_OF_MEMORY;
    /* The class whose provider answers. */
    const struct repo_class *cls = NULL;
    if (s->verb == SCN_V_GET_OBJECT_ASYNC) {
        struct objpath op;
        if (objpath_parse(&op, text) == 0) {
            cls = repo_class(x->repo, op.cls);
            objpath_free(&op);
        }
    } else if (s->verb == SCN_V_CREATE_INSTANCE_ENUM_ASYNC) {
        cls = repo_class(x->repo, text);
    } else {
        char *last = strrchr(text, ' ');
        cls = repo_class(x->repo, last ? last + 1 : text);
    }
    const struct repo_provider *reg = cls ? repo_provider_for_class(x->repo, cls) : NULL;
    struct hostprov *p = NULL;
    if (reg && host_load_provider(x->host, reg, HOSTPROV_IN_WMI, x->host->provider_wait_ms, &p))
        p = NULL;
    if (!p || !p->services) {
        free(text);
        return p ? WBEM_E_PROVIDER_NOT_CAPABLE : WBEM_E_INVALID_CLASS;
    }
    struct objsink *sink;
    if (objsink_new(&sink, x->host, HP_ACTOR_HOST, scn_verb_name(s->verb))) {
        free(text);
        return WBEM_E_OUT_OF_MEMORY;
    }
    WCHAR *w = u16(text);
    BSTR b = w ? SysAllocString(w) : NULL;
    BSTR wql = SysAllocString(u"WQL");
    free(w);
    int64_t sid = journal_intern(&x->host->journal, text);
    free(text);
    struct hcontext *ctx;
    IWbemContext *pctx = make_context(x, s, &ctx);
    HRESULT hr;
    IWbemObjectSink *is = objsink_iface(sink);
    LONG fl = (LONG)s->opt.flags;
    if (s->verb == SCN_V_GET_OBJECT_ASYNC)
        hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemServices_GetObjectAsync, p->services, sid, fl, 0, 1,
                                IWbemServices_GetObjectAsync(p->services, b, fl, pctx, is));
    else if (s->verb == SCN_V_CREATE_INSTANCE_ENUM_ASYNC)
        hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemServices_CreateInstanceEnumAsync, p->services, sid, fl, 0, 1,
                                IWbemServices_CreateInstanceEnumAsync(p->services, b, fl, pctx, is));
    else
        hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemServices_ExecQueryAsync, p->services, sid, fl, 0, 1,
                                IWbemServices_ExecQueryAsync(p->services, wql, b, fl, pctx, is));
    SysFreeString(b);
    SysFreeString(wql);
    drop_context(ctx);
    HRESULT returned = hr;
    hr = objsink_result(sink, hr, false, x->host->provider_wait_ms);
    if (out)
        keep_sink(out, sink, hr, returned);
    else
        hobj_unref(objsink_hobj(sink), HP_ACTOR_HOST);
    return hr;
}

static int do_advance(struct exec *x, const struct scn_step *s)
{
    int64_t d = s->nargs ? s->args[0].i : 0;
    int64_t to = x->now_ns + d;
    int rc = worker_advance(x->args, to);
    if (rc) {
        proto_error(x->w, hp_error_message());
        atomic_store(&x->stop, true);
        return rc;
    }
    x->now_ns = to;
    host_set_time(x->host, to);
    return 0;
}

static void do_fault(struct exec *x, const struct scn_step *s)
{
    enum fault_mode m = s->fault.mode == SCN_FAULT_NTH ? FAULT_NTH
                        : s->fault.mode == SCN_FAULT_FROM ? FAULT_FROM : FAULT_RANDOM;
    if (faults_add(&x->host->faults, (enum hp_method)s->fault.method, m, (uint64_t)s->fault.n, s->fault.p,
                   (uint64_t)s->fault.seed, s->fault.result.hr))
        proto_journal(x->w, hp_error_message());
}

static void do_snapshot(struct exec *x, const struct scn_step *s, struct slotval *out)
{
    if (!out || !s->nargs || s->args[0].kind != SCN_ARG_REF)
        return;
    struct slotval *src = slot(x, &s->args[0].ref);
    out->kind = SCN_H_SNAPSHOT;
    if (src->obj) {
        const struct repo_class *c = hobject_class(src->obj);
        out->snap_cls = c;
        out->values = calloc(c->nprops ? c->nprops : 1, sizeof *out->values);
        if (!out->values)
            return;
        out->nvalues = c->nprops;
        for (size_t i = 0; i < c->nprops; i++)
            if (hobject_get_at(src->obj, i, &out->values[i]))
                out->values[i] = cim_null(c->props[i].type);
    }
    if (src->penum) {
        out->mod_count = hpenum_mod_count(src->penum);
        struct hpenum_item *items;
        size_t n = hpenum_snapshot(src->penum, &items);
        out->keys = calloc(n ? n : 1, sizeof *out->keys);
        for (size_t i = 0; out->keys && i < n; i++)
            out->keys[out->nkeys++] = hobject_relpath(hobject_from_iface(items[i].obj));
        hpenum_snapshot_free(items, n);
    }
}

/* ---- Threads ---------------------------------------------------------------- */

/* Set in the threads `thread` and `on` start: they never settle hooks. */
static _Thread_local bool g_side_thread;

struct thread_arg {
    struct exec *x;
    const struct scn_step *step;
    struct slotval *done_slot;     /* the thread handle's slot, or NULL (`on`) */
    atomic_bool *done;
};

static void *step_thread(void *p)
{
    struct thread_arg *t = p;
    g_side_thread = true;
    hp_actor_set(HP_ACTOR_HOST);
    worker_enable_altstack();
    exec_step(t->x, t->step);
    atomic_store(t->done, true);
    free(t);
    return NULL;
}

/* Polls a flag in 1 ms real-time steps, at most max_ns; never reads a clock
 * (the worker runs under libfaketime). */
static bool wait_flag(atomic_bool *flag, int64_t max_ns)
{
    for (int64_t waited = 0; !atomic_load(flag); waited += 1000000) {
        if (waited >= max_ns)
            return false;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return true;
}

static int start_thread(struct exec *x, const struct scn_step *nested, atomic_bool *done, pthread_t *tid)
{
    struct thread_arg *t = malloc(sizeof *t);
    if (!t)
        return HP_ENOMEM;
    *t = (struct thread_arg){x, nested, NULL, done};
    atomic_store(done, false);
    if (pthread_create(tid, NULL, step_thread, t)) {
        free(t);
        return HP_EINTERNAL;
    }
    return 0;
}

struct on_hook {
    struct exec *x;
    const struct scn_step *s;      /* the `on` step */
    atomic_bool fired;
    atomic_bool done;
    pthread_t tid;
    bool started;
    struct on_hook *next;
};

static struct on_hook *g_hooks;    /* joined at the end of the case */
static pthread_mutex_t g_hooks_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_hook_fn(struct hpenum *e, enum hp_method method, void *user)
{
    (void)e;
    struct on_hook *h = user;
    enum hp_method want = h->s->on.event == SCN_EVENT_ADD_OBJECTS ? HPM_IWbemHiPerfEnum_AddObjects
                                                                  : HPM_IWbemHiPerfEnum_RemoveObjects;
    if (method != want)
        return;
    if (h->s->on.once && atomic_exchange(&h->fired, true))
        return;
    /* A second firing waits for the first step's thread to end first. */
    if (h->started) {
        pthread_join(h->tid, NULL);
        h->started = false;
    }
    journal_note(&h->x->host->journal, "scenario: from inside %s, line %u runs on another thread",
                 hp_method_name(method), h->s->nested->line);
    if (start_thread(h->x, h->s->nested, &h->done, &h->tid) == 0) {
        h->started = true;
        if (!wait_flag(&h->done, h->s->opt.wait_ns))
            journal_note(&h->x->host->journal, "scenario: the step of line %u did not finish within the wait; "
                                               "the provider's call goes on", h->s->nested->line);
    }
}

/* After a step: the threads its `on` hooks started finish before the next
 * step runs, so what they did is settled and the order is deterministic. */
static void settle_hooks(void)
{
    /* Only the case's own thread settles: a step running in a hook's or a
     * `thread`'s thread must not wait for itself. */
    if (g_side_thread)
        return;
    for (;;) {
        struct on_hook *todo = NULL;
        pthread_mutex_lock(&g_hooks_lock);
        for (struct on_hook *h = g_hooks; h && !todo; h = h->next)
            if (h->started)
                todo = h;
        if (todo)
            todo->started = false;
        pthread_mutex_unlock(&g_hooks_lock);
        if (!todo)
            return;
        pthread_join(todo->tid, NULL);
    }
}

void exec_join_hooks(void)
{
    pthread_mutex_lock(&g_hooks_lock);
    struct on_hook *h = g_hooks;
    g_hooks = NULL;
    pthread_mutex_unlock(&g_hooks_lock);
    while (h) {
        struct on_hook *next = h->next;
        if (h->started)
            pthread_join(h->tid, NULL);
        free(h);
        h = next;
    }
}

static void do_on(struct exec *x, const struct scn_step *s)
{
    if (!s->nargs || s->args[0].kind != SCN_ARG_REF)
        return;
    struct slotval *v = slot(x, &s->args[0].ref);
    if (!v->penum) {
        exec_stop_case(x, "line %u: %s holds no enumerator", s->line, s->args[0].ref.name);
        return;
    }
    struct on_hook *h = calloc(1, sizeof *h);
    if (!h)
        return;
    h->x = x;
    h->s = s;
    pthread_mutex_lock(&g_hooks_lock);
    h->next = g_hooks;
    g_hooks = h;
    pthread_mutex_unlock(&g_hooks_lock);
    hpenum_set_hook(v->penum, on_hook_fn, h);
}

/* ---- Dispatch ------------------------------------------------------------- */

static bool expectation_met(const struct scn_expect *e, HRESULT hr)
{
    switch (e->kind) {
    case SCN_EXPECT_ANY: return true;
    case SCN_EXPECT_SUCCESS: return SUCCEEDED(hr);
    case SCN_EXPECT_FAILURE: return FAILED(hr);
    default: return hr == e->hr;
    }
}

bool exec_declined(struct exec *x, const struct scn_step *s, HRESULT hr)
{
    /* HP-NOTIMPL-NOT-CAPABLE: a method the provider does not implement
     * answers WBEM_E_PROVIDER_NOT_CAPABLE and the checks that need it are
     * SKIP: in a scenario that needs refreshers, the refresher methods and
     * what leads to them (the client refresher's and the refreshing
     * services' adds); anywhere, GetObjects (HP-GETOBJECTS-FALLBACK).  A
     * step that expects the answer (=> failure, => any, the code itself)
     * is judged as written. */
    if (hr != WBEM_E_PROVIDER_NOT_CAPABLE || !s->has_hresult || expectation_met(&s->expect, hr))
        return false;
    bool refresher_step = s->verb == SCN_V_CREATE_REFRESHER || s->verb == SCN_V_CREATE_REFRESHABLE_OBJECT ||
                          s->verb == SCN_V_CREATE_REFRESHABLE_ENUM || s->verb == SCN_V_CLIENT_ADD_OBJECT_BY_PATH ||
                          s->verb == SCN_V_CLIENT_ADD_OBJECT_BY_TEMPLATE || s->verb == SCN_V_CLIENT_ADD_ENUM ||
                          s->verb == SCN_V_RS_ADD_OBJECT || s->verb == SCN_V_RS_ADD_OBJECT_BY_TEMPLATE ||
                          s->verb == SCN_V_RS_ADD_ENUM;
    if (!(refresher_step && (x->scn->needs & SCN_NEEDS_REFRESHERS)) && s->verb != SCN_V_GET_OBJECTS)
        return false;
    char *why = hp_sprintf("the provider declines %s (WBEM_E_PROVIDER_NOT_CAPABLE at line %u)", scn_verb_name(s->verb),
                           s->line);
    skip_case(x, why ? why : "the provider declines the call (WBEM_E_PROVIDER_NOT_CAPABLE)");
    free(why);
    return true;
}

int exec_step(struct exec *x, const struct scn_step *s)
{
    if (atomic_load(&x->stop))
        return HP_EINVAL;
    unsigned no = atomic_fetch_add(&x->step_no, 1) + 1;
    char *text = scn_step_text(s);
    proto_step(x->w, no, s->line, text ? text : scn_verb_name(s->verb));
    free(text);
    uint64_t from = journal_next_seq(&x->host->journal);
    /* A bound handle is filled into a scratch value and stored under the
     * lock: another thread may be reading the slots. */
    struct slotval nv = {.refresher_slot = -1};
    struct slotval *out = s->bind ? &nv : NULL;
    HRESULT hr = S_OK;
    bool stop = false;
    switch (s->verb) {
    case SCN_V_LOAD: hr = do_load(x, s); break;
    case SCN_V_QUERY_INSTANCES: hr = do_query_instances(x, s, out); break;
    case SCN_V_CREATE_REFRESHER: hr = do_create_refresher(x, s, out); break;
    case SCN_V_CREATE_REFRESHABLE_OBJECT: hr = do_create_refreshable_object(x, s, out, &stop); break;
    case SCN_V_CREATE_REFRESHABLE_ENUM: hr = do_create_refreshable_enum(x, s, out, &stop); break;
    case SCN_V_STOP_REFRESHING: hr = do_stop_refreshing(x, s, &stop); break;
    case SCN_V_GET_OBJECTS: hr = do_get_objects(x, s, out, &stop); break;
    case SCN_V_REFRESH: hr = do_refresh(x, s, &stop); break;
    case SCN_V_RELEASE: do_release(x, s); break;
    case SCN_V_GET_OBJECT_ASYNC:
    case SCN_V_CREATE_INSTANCE_ENUM_ASYNC:
    case SCN_V_EXEC_QUERY_ASYNC: hr = do_async(x, s, out); break;
    case SCN_V_ADVANCE: return do_advance(x, s);
    case SCN_V_FAULT: do_fault(x, s); break;
    case SCN_V_SNAPSHOT: do_snapshot(x, s, out); break;
    case SCN_V_ON: do_on(x, s); break;
    case SCN_V_THREAD:
        /* The thread writes its done flag into the slot itself, so the slot
         * is filled in place, not through the scratch value. */
        if (s->bind) {
            struct slotval *t = &x->slots[s->bind_slot];
            if (t->kind)
                exec_slot_clear(x, t);
            pthread_mutex_lock(&x->lock);
            t->kind = SCN_H_THREAD;
            pthread_mutex_unlock(&x->lock);
            if (start_thread(x, s->nested, &t->done, &t->thread) == 0)
                t->started = true;
        }
        out = NULL;
        break;
    case SCN_V_DLL_GET_CLASS_OBJECT:
    case SCN_V_DLL_CAN_UNLOAD_NOW:
    case SCN_V_CF_CREATE_INSTANCE:
    case SCN_V_CF_LOCK_SERVER:
    case SCN_V_PO_INITIALIZE: hr = exec_com_step(x, s, out, &stop); break;
    case SCN_V_HIPERF_ENUM:
    case SCN_V_ENUM_ADD_OBJECTS:
    case SCN_V_ENUM_REMOVE_OBJECTS:
    case SCN_V_ENUM_REMOVE_ALL:
    case SCN_V_ENUM_GET_OBJECTS: hr = exec_enum_step(x, s, out, &stop); break;
    case SCN_V_JOIN: {
        struct slotval *t = s->nargs && s->args[0].kind == SCN_ARG_REF ? slot(x, &s->args[0].ref) : NULL;
        bool done = t && t->started && wait_flag(&t->done, s->opt.within_ns);
        if (t && done && !t->joined) {
            pthread_join(t->thread, NULL);
            t->joined = true;
        }
        hr = done ? S_OK : WBEM_E_TIMED_OUT;
        break;
    }
    default:
        return exec_client_step(x, s, no, from);
    }
    if (s->verb != SCN_V_ON && s->verb != SCN_V_THREAD)
        settle_hooks();
    /* A SKIP decided during the step (the provider declines refreshers)
     * ends the case without judging the step. */
    if (!stop && atomic_load(&x->stop))
        stop = true;
    if (!stop && exec_declined(x, s, hr))
        stop = true;
    if (!stop)
        exec_step_done(x, s, no, from, hr, out);
    /* Every later step needs the provider: without it they would only try
     * (and wait for) the same failing load again. */
    if (!stop && s->verb == SCN_V_LOAD && FAILED(hr) && !g_side_thread) {
        exec_stop_case(x, "line %u: the provider did not load; the steps after it need it", s->line);
        stop = true;
    }
    return stop ? HP_EINVAL : 0;
}
