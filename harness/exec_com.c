/*
 * harness/exec_com.c - the provider as a COM in-process server: the steps
 * that call its entry points and its class factory the way COM does
 * (DllGetClassObject, DllCanUnloadNow, IClassFactory::CreateInstance and
 * LockServer), IWbemProviderInit::Initialize on a provider object the
 * scenario made, and the COM expectations on the provider's objects
 * (`com RULE`, `answers IFACE`).
 *
 * Invariants: every [out] interface pointer is filled with a sentinel
 * before the call, so `out-null` proves the callee cleared it on failure;
 * the sentinel is never dereferenced nor released.  On failure nothing the
 * provider left in an [out] pointer is released (COM: the caller does no
 * cleanup after a failed call; a provider that left a live object there
 * leaks it, one that left a dangling pointer would crash the host).  A
 * `com` check leaves every reference count as it found it.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comcheck.h"
#include "context.h"
#include "exec_private.h"
#include "journal.h"
#include "namespace.h"
#include "sink.h"

/* What an [out] pointer holds before the call: below the lowest address a
 * process may map, so it can be neither a real object nor NULL. */
#define OUT_SENTINEL ((void *)(uintptr_t)0xFEE1u)

/* {F6A0C1E2-5B3D-4C8E-9A17-3D2B9E0C4F51}: a CLSID no provider serves. */
HIPERF_DEFINE_GUID(CLSID_hiperfcheck_Nobody, 0xf6a0c1e2, 0x5b3d, 0x4c8e, 0x9a, 0x17, 0x3d, 0x2b, 0x9e, 0x0c, 0x4f, 0x51);
/* {2C9E7A40-8D15-4F6B-B3E2-71A0C58D9E36}: an IID no object implements (`bogus`). */
HIPERF_DEFINE_GUID(IID_hiperfcheck_Bogus, 0x2c9e7a40, 0x8d15, 0x4f6b, 0xb3, 0xe2, 0x71, 0xa0, 0xc5, 0x8d, 0x9e, 0x36);

const IID *exec_iid(const char *name)
{
    static const struct {
        const char *name;
        const IID *iid;
    } t[] = {
        {"IUnknown", &IID_IUnknown},
        {"IClassFactory", &IID_IClassFactory},
        {"IWbemProviderInit", &IID_IWbemProviderInit},
        {"IWbemHiPerfProvider", &IID_IWbemHiPerfProvider},
        {"IWbemServices", &IID_IWbemServices},
        {"IWbemRefresher", &IID_IWbemRefresher},
        {"IWbemConfigureRefresher", &IID_IWbemConfigureRefresher},
        {"IWbemHiPerfEnum", &IID_IWbemHiPerfEnum},
        {"IWbemClassObject", &IID_IWbemClassObject},
        {"IWbemObjectAccess", &IID_IWbemObjectAccess},
        {"IWbemRefreshingServices", &IID_IWbemRefreshingServices},
        {"IWbemRemoteRefresher", &IID_IWbemRemoteRefresher},
        {"IWbemObjectSink", &IID_IWbemObjectSink},
        {"IWbemProviderInitSink", &IID_IWbemProviderInitSink},
        {"IWbemContext", &IID_IWbemContext},
        {"bogus", &IID_hiperfcheck_Bogus},
    };
    for (size_t i = 0; name && i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(t[i].name, name))
            return t[i].iid;
    return NULL;
}

static struct slotval *slot(struct exec *x, const struct scn_ref *r)
{
    return &x->slots[r->slot];
}

static void skip_case(struct exec *x, const char *reason)
{
    proto_skip(x->w, reason);
    atomic_store(&x->stop, true);
}

/* The registration the case's provider steps use: $class's provider, or the
 * MOF's first one. */
static const struct repo_provider *case_registration(struct exec *x)
{
    if (x->cls)
        return repo_provider_for_class(x->repo, x->cls);
    return repo_provider_count(x->repo) ? repo_provider_at(x->repo, 0) : NULL;
}

static char *guid_text(const GUID *g)
{
    return hp_sprintf("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned)g->Data1, g->Data2,
                      g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
                      g->Data4[6], g->Data4[7]);
}

/* Records how a call left the [out] pointer it had, in the slot of the
 * handle it binds (or is made on). */
static void note_out(struct slotval *v, HRESULT hr, const void *out)
{
    if (!v)
        return;
    v->out_seen = true;
    v->out_failed = FAILED(hr);
    v->out_null = out == NULL;
}

/* ---- The aggregation probe's controlling unknown ------------------------------ */

/* A minimal outer object for CreateInstance(pUnkOuter != NULL): answers
 * IUnknown only.  Static and never freed, so a provider that keeps it
 * cannot make the host crash. */
static HRESULT STDMETHODCALLTYPE outer_QueryInterface(IUnknown *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (riid && IsEqualIID(riid, &IID_IUnknown)) {
        *ppv = iface;
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE outer_AddRef(IUnknown *iface)
{
    (void)iface;
    return 2;
}

static ULONG STDMETHODCALLTYPE outer_Release(IUnknown *iface)
{
    (void)iface;
    return 1;
}

static const IUnknownVtbl outer_vtbl = {outer_QueryInterface, outer_AddRef, outer_Release};
static IUnknown outer_unknown = {&outer_vtbl};

/* ---- The steps -------------------------------------------------------------------- */

static HRESULT do_get_class_object(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop)
{
    const struct repo_provider *reg = case_registration(x);
    enum scn_keyword which = s->nargs ? s->args[0].kw : SCN_KW_CLSID;
    const CLSID *clsid = &CLSID_hiperfcheck_Nobody;
    if (which != SCN_KW_UNKNOWN) {
        if (!reg) {
            *stop = true;
            skip_case(x, "the MOF registers no provider for the class");
            return E_UNEXPECTED;
        }
        if (which == SCN_KW_CLIENT_CLSID && !reg->has_client_clsid) {
            *stop = true;
            skip_case(x, "the provider registers no ClientLoadableCLSID");
            return E_UNEXPECTED;
        }
        if (which == SCN_KW_CLSID && !reg->has_clsid) {
            *stop = true;
            skip_case(x, "the provider registers no CLSID");
            return E_UNEXPECTED;
        }
        clsid = which == SCN_KW_CLSID ? &reg->clsid : &reg->client_clsid;
    }
    if (host_open_provider_file(x->host)) {
        *stop = true;
        exec_stop_case(x, "line %u: %s", s->line, hp_error_message());
        return E_UNEXPECTED;
    }
    LPFNGETCLASSOBJECT gco;
    void *sym = dlsym(x->host->module, "DllGetClassObject");
    memcpy(&gco, &sym, sizeof gco);
    const IID *iid = s->opt.iid ? exec_iid(s->opt.iid) : &IID_IClassFactory;
    char *ct = guid_text(clsid);
    void *ppv = OUT_SENTINEL;
    enum hp_actor prev = hp_actor_set(HP_ACTOR_PROVIDER);
    journal_add(&x->host->journal, JOURNAL_ENTER, HPM_COUNT, prev, HP_ACTOR_PROVIDER, 0,
                journal_intern(&x->host->journal, "DllGetClassObject"), journal_intern(&x->host->journal, ct), 0,
                3, S_OK);
    HRESULT hr = gco(clsid, iid, &ppv);
    hp_actor_set(prev);
    journal_note(&x->host->journal, "scenario: DllGetClassObject(%s, %s) = 0x%08" PRIX32 "%s", ct ? ct : "?",
                 s->opt.iid ? s->opt.iid : "IClassFactory", (uint32_t)hr,
                 ppv == OUT_SENTINEL ? ", *ppv left as it was" : ppv ? "" : ", *ppv NULL");
    free(ct);
    note_out(out, hr, ppv == OUT_SENTINEL ? OUT_SENTINEL : ppv);
    if (SUCCEEDED(hr)) {
        if (!ppv || ppv == OUT_SENTINEL) {
            proto_journal(x->w, "DllGetClassObject succeeded but returned no object");
            return E_POINTER;
        }
        if (out) {
            out->kind = SCN_H_FACTORY;
            out->unk = ppv;
        } else {
            host_provider_release(x->host, ppv, HPM_IUnknown_Release);
        }
    } else if (out) {
        out->kind = SCN_H_FACTORY;   /* empty: no object, but out-null is known */
    }
    return hr;
}

static HRESULT do_can_unload_now(struct exec *x)
{
    if (!x->host->module && host_open_provider_file(x->host)) {
        proto_journal(x->w, hp_error_message());
        return E_UNEXPECTED;
    }
    LPFNCANUNLOADNOW f;
    void *sym = dlsym(x->host->module, "DllCanUnloadNow");
    memcpy(&f, &sym, sizeof f);
    enum hp_actor prev = hp_actor_set(HP_ACTOR_PROVIDER);
    HRESULT hr = f();
    hp_actor_set(prev);
    journal_note(&x->host->journal, "scenario: DllCanUnloadNow() = 0x%08" PRIX32, (uint32_t)hr);
    return hr;
}

/* The IClassFactory of a factory handle: one new HOST reference, or NULL. */
static IClassFactory *factory_of(struct exec *x, struct slotval *f)
{
    if (!f || !f->unk)
        return NULL;
    void *cf = NULL;
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IUnknown_QueryInterface, f->unk, 0, 0, 0, 0,
                                    IUnknown_QueryInterface(f->unk, &IID_IClassFactory, &cf));
    return SUCCEEDED(hr) ? cf : NULL;
}

static HRESULT do_create_instance(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop)
{
    struct slotval *f = slot(x, &s->recv);
    IClassFactory *cf = factory_of(x, f);
    if (!cf) {
        *stop = true;
        exec_stop_case(x, "line %u: %s holds no class factory", s->line, s->recv.name);
        return E_UNEXPECTED;
    }
    const IID *iid = s->opt.iid ? exec_iid(s->opt.iid) : &IID_IUnknown;
    IUnknown *outer = (s->opt.written & SCN_OPT_AGGREGATED) ? &outer_unknown : NULL;
    void *ppv = OUT_SENTINEL;
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IClassFactory_CreateInstance, cf, outer != NULL, 0, 0, 0,
                                    IClassFactory_CreateInstance(cf, outer, iid, &ppv));
    host_provider_release(x->host, (IUnknown *)cf, HPM_IClassFactory_Release);
    note_out(out, hr, ppv);
    if (SUCCEEDED(hr)) {
        if (!ppv || ppv == OUT_SENTINEL) {
            proto_journal(x->w, "CreateInstance succeeded but returned no object");
            return E_POINTER;
        }
        if (out) {
            out->kind = SCN_H_PROVOBJ;
            out->unk = ppv;
        } else {
            host_provider_release(x->host, ppv, HPM_IUnknown_Release);
        }
    } else if (out) {
        out->kind = SCN_H_PROVOBJ;
    }
    return hr;
}

static HRESULT do_lock_server(struct exec *x, const struct scn_step *s, bool *stop)
{
    struct slotval *f = slot(x, &s->recv);
    IClassFactory *cf = factory_of(x, f);
    if (!cf) {
        *stop = true;
        exec_stop_case(x, "line %u: %s holds no class factory", s->line, s->recv.name);
        return E_UNEXPECTED;
    }
    BOOL lock = s->nargs && s->args[0].kw == SCN_KW_TRUE;
    HRESULT hr = HOST_CALL_PROVIDER(x->host, HPM_IClassFactory_LockServer, cf, lock, 0, 0, 0,
                                    IClassFactory_LockServer(cf, lock));
    host_provider_release(x->host, (IUnknown *)cf, HPM_IClassFactory_Release);
    return hr;
}

void exec_init_scan(struct exec *x, uint64_t from, uint64_t to, struct init_record *out)
{
    struct journal *j = &x->host->journal;
    memset(out, 0, sizeof *out);
    out->values_ok = true;
    for (uint64_t seq = from; seq < to; seq++) {
        struct journal_rec r;
        if (!journal_get(j, seq, &r) || r.kind != JOURNAL_CALL)
            continue;
        if (r.method == HPM_IWbemProviderInit_Initialize && r.callee == HP_ACTOR_PROVIDER && !out->valid) {
            out->valid = true;
            out->ret = r.hr;
        } else if (r.method == HPM_IWbemProviderInitSink_SetStatus && r.callee == HP_ACTOR_HOST &&
                   r.hr != CO_E_OBJNOTCONNECTED) {
            LONG status = (LONG)r.arg[0], flags = (LONG)r.arg[1];
            if (!out->calls)
                out->first_status = status;
            out->calls++;
            if ((status != WBEM_S_INITIALIZED && status != WBEM_E_FAILED) || flags != 0)
                out->values_ok = false;
        }
    }
}

/* p.Initialize: wszUser NULL, wszLocale NULL, the namespace, pCtx NULL (or
 * a new context), a new init sink.  The host lets go of the sink as soon as
 * Initialize returns, as a caller may: a provider that reports later must
 * have AddRef'd it (a use of the released sink is a finding). */
static HRESULT do_initialize(struct exec *x, const struct scn_step *s, bool *stop)
{
    struct slotval *p = slot(x, &s->recv);
    void *q = NULL;
    HRESULT hr = p->unk ? HOST_CALL_PROVIDER(x->host, HPM_IUnknown_QueryInterface, p->unk, 0, 0, 0, 0,
                                             IUnknown_QueryInterface(p->unk, &IID_IWbemProviderInit, &q))
                        : E_NOINTERFACE;
    if (FAILED(hr) || !q) {
        *stop = true;
        exec_stop_case(x, "line %u: %s does not answer IWbemProviderInit", s->line, s->recv.name);
        return E_NOINTERFACE;
    }
    IWbemProviderInit *init = q;
    struct initsink *sink;
    if (initsink_new(&sink, x->host, HP_ACTOR_HOST)) {
        host_provider_release(x->host, (IUnknown *)init, HPM_IUnknown_Release);
        return WBEM_E_OUT_OF_MEMORY;
    }
    struct hcontext *ctx = NULL;
    IWbemContext *pctx = NULL;
    if (s->opt.ctx == SCN_CTX_NEW && context_new(&ctx, x->host, HP_ACTOR_HOST) == 0)
        pctx = context_iface(ctx);
    WCHAR *nsname = hp_utf8_to_utf16(x->host->namespace_path, (size_t)-1, NULL);
    uint64_t from = journal_next_seq(&x->host->journal);
    /* The namespace notes the context of each call (INIT-CTX-REUSE). */
    struct nswrap *ns = exec_nswrap_new(x, pctx);
    p->nswrap = ns;
    if (ns)
        exec_nswrap_in_init(ns, true);
    hr = HOST_CALL_PROVIDER(x->host, HPM_IWbemProviderInit_Initialize, init,
                            journal_intern16(&x->host->journal, nsname), s->opt.flags, 0, 1,
                            IWbemProviderInit_Initialize(init, NULL, (LONG)s->opt.flags, nsname, NULL,
                                                         ns ? exec_nswrap_iface(ns) : host_namespace(x->host),
                                                         pctx, initsink_iface(sink)));
    if (ns)
        exec_nswrap_in_init(ns, false);
    free(nsname);
    if (ctx)
        hobj_unref(context_hobj(ctx), HP_ACTOR_HOST);
    /* The sink's memory stays until the host goes: reading it after the
     * host's reference is dropped is safe. */
    hobj_unref(initsink_hobj(sink), HP_ACTOR_HOST);
    unsigned wait_ms = (unsigned)(s->opt.wait_ns / 1000000);
    if (!(s->opt.written & SCN_OPT_WAIT))
        wait_ms = 5000;
    if (SUCCEEDED(hr))
        initsink_wait_status(sink, wait_ms);
    host_provider_release(x->host, (IUnknown *)init, HPM_IUnknown_Release);
    exec_init_scan(x, from, journal_next_seq(&x->host->journal), &p->init);
    p->init.valid = true;
    p->init.ret = hr;
    return hr;
}

HRESULT exec_com_step(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop)
{
    switch (s->verb) {
    case SCN_V_DLL_GET_CLASS_OBJECT: return do_get_class_object(x, s, out, stop);
    case SCN_V_DLL_CAN_UNLOAD_NOW: return do_can_unload_now(x);
    case SCN_V_CF_CREATE_INSTANCE: return do_create_instance(x, s, out, stop);
    case SCN_V_CF_LOCK_SERVER: return do_lock_server(x, s, stop);
    case SCN_V_PO_INITIALIZE: return do_initialize(x, s, stop);
    default: return E_UNEXPECTED;
    }
}

/* ---- Threads ------------------------------------------------------------------------ */

long exec_thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* ---- `com RULE` and `answers IFACE` ----------------------------------------------------- */

/* The interfaces every `com` check probes (comcheck adds IUnknown and two
 * IIDs nobody implements). */
static const IID *const probe_iids[] = {
    &IID_IClassFactory, &IID_IWbemProviderInit, &IID_IWbemHiPerfProvider, &IID_IWbemServices,
    &IID_IWbemRefresher, &IID_IWbemConfigureRefresher, &IID_IWbemObjectAccess,
};
#define NPROBE (sizeof probe_iids / sizeof probe_iids[0])

/* One QueryInterface the way the host makes it. */
static HRESULT qi(struct exec *x, IUnknown *o, const IID *iid, void **out)
{
    return HOST_CALL_PROVIDER(x->host, HPM_IUnknown_QueryInterface, o, 0, 0, 0, 0,
                              IUnknown_QueryInterface(o, iid, out));
}

/* Which of IUnknown + probe_iids the object answers, bit i for probe i-1. */
static uint32_t answered_mask(struct exec *x, IUnknown *o)
{
    uint32_t m = 0;
    for (size_t i = 0; i <= NPROBE; i++) {
        void *p = NULL;
        if (SUCCEEDED(qi(x, o, i ? probe_iids[i - 1] : &IID_IUnknown, &p)) && p) {
            m |= 1u << i;
            host_provider_release(x->host, p, HPM_IUnknown_Release);
        }
    }
    return m;
}

/* The findings comcheck made of one run whose text starts with one of the
 * prefixes (NULL-terminated); they go into why.  Returns how many. */
static size_t findings_since(struct exec *x, size_t from, const char *const *prefixes, struct hp_buf *why)
{
    struct ledger *l = &x->host->ledger;
    size_t n = 0;
    pthread_mutex_lock(&l->lock);
    for (size_t i = from; i < l->nfindings; i++) {
        const char *t = l->findings[i].text ? l->findings[i].text : "";
        for (size_t k = 0; prefixes[k]; k++)
            if (!strncmp(t, prefixes[k], strlen(prefixes[k]))) {
                if (n < 8)
                    hp_buf_printf(why, "%s\n", t);
                n++;
                break;
            }
    }
    pthread_mutex_unlock(&l->lock);
    return n;
}

int exec_com_rule(struct exec *x, IUnknown *o, const char *rule, const char *label, struct hp_buf *why)
{
    if (!strcmp(rule, "null-ppv")) {
        HRESULT hr = qi(x, o, &IID_IUnknown, NULL);
        if (hr != E_POINTER)
            hp_buf_printf(why, "%s: QueryInterface(IUnknown, NULL) gave 0x%08" PRIX32 ", not E_POINTER\n", label,
                          (uint32_t)hr);
        return hr == E_POINTER;
    }
    if (!strcmp(rule, "static")) {
        uint32_t now = answered_mask(x, o);
        size_t k;
        for (k = 0; k < x->ncom_masks && x->com_masks[k].key != o; k++)
            ;
        uint32_t before;
        if (k < x->ncom_masks) {
            before = x->com_masks[k].mask;
        } else {
            before = answered_mask(x, o);
            if (x->ncom_masks < sizeof x->com_masks / sizeof x->com_masks[0]) {
                x->com_masks[x->ncom_masks].key = o;
                x->com_masks[x->ncom_masks++].mask = now;
            }
        }
        if (before != now)
            hp_buf_printf(why, "%s: the interfaces answered changed (mask 0x%02x, then 0x%02x; bit 0 IUnknown, "
                               "then IClassFactory, IWbemProviderInit, IWbemHiPerfProvider, IWbemServices, "
                               "IWbemRefresher, IWbemConfigureRefresher, IWbemObjectAccess)\n",
                          label, (unsigned)before, (unsigned)now);
        return before == now;
    }
    if (!strcmp(rule, "addref")) {
        /* AddRef's return values are advisory (COM-REFCOUNT-VALUES): they
         * are evidence only when they count.  Two AddRefs in a row that
         * return n and n + 1 say they do. */
        ULONG a1 = host_provider_addref(x->host, o, HPM_IUnknown_AddRef);
        ULONG a2 = host_provider_addref(x->host, o, HPM_IUnknown_AddRef);
        host_provider_release(x->host, o, HPM_IUnknown_Release);
        host_provider_release(x->host, o, HPM_IUnknown_Release);
        if (a2 != a1 + 1) {
            hp_buf_printf(why, "%s: AddRef returns %u then %u: no counts, nothing to judge by\n", label,
                          (unsigned)a1, (unsigned)a2);
            return 1;
        }
    }
    size_t from = ledger_count(&x->host->ledger, -1);
    struct comcheck_result res;
    comcheck_object(x->host, o, probe_iids, NPROBE, label, false, &res);
    static const char *const identity[] = {"[com.identity]", "[com.qi-out]", NULL};
    static const char *const symmetric[] = {"[com.reflexive]", "[com.symmetric]", "[com.transitive]", NULL};
    static const char *const nointerface[] = {"[com.qi-unsupported]", "[com.qi-null-on-failure]", NULL};
    static const char *const addref[] = {"[com.qi-addref]", NULL};
    const char *const *which = !strcmp(rule, "identity") ? identity
                               : !strcmp(rule, "symmetric") ? symmetric
                               : !strcmp(rule, "no-interface") ? nointerface
                                                               : addref;
    return findings_since(x, from, which, why) == 0;
}

int exec_answers(struct exec *x, IUnknown *o, bool provider_side, const IID *iid, const char *name,
                 struct hp_buf *why)
{
    void *p = NULL;
    HRESULT hr;
    if (provider_side) {
        hr = qi(x, o, iid, &p);
        if (SUCCEEDED(hr) && p)
            host_provider_release(x->host, p, HPM_IUnknown_Release);
    } else {
        /* A host object: asked as a client asks, through its vtable. */
        enum hp_actor prev = hp_actor_set(HP_ACTOR_CLIENT);
        hr = IUnknown_QueryInterface(o, iid, &p);
        if (SUCCEEDED(hr) && p)
            IUnknown_Release((IUnknown *)p);
        hp_actor_set(prev);
    }
    bool ok = SUCCEEDED(hr) && p;
    if (!ok)
        hp_buf_printf(why, "QueryInterface(%s) gave 0x%08" PRIX32 "%s\n", name, (uint32_t)hr,
                      SUCCEEDED(hr) ? " and no pointer" : "");
    return ok;
}
