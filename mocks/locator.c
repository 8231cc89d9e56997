/*
 * mocks/locator.c - the classes the host serves to CoCreateInstance and
 * its IWbemLocator; the rules are listed in locator.h.
 *
 * Invariants: the host's tallies of locator requests change only under
 * host->lock; a locator holds nothing (ConnectServer hands out references
 * to the host's namespace, which lives until host_free), so its on_dead has
 * nothing to release.
 */
#include "locator.h"

#include <stdlib.h>
#include <string.h>

#include "comreg.h"
#include "context.h"
#include "namespace.h"

struct hlocator {
    IWbemLocator IWbemLocator_iface;
    struct hobj hdr;
    struct host *host;
    CLSID clsid;
};

static const IWbemLocatorVtbl locator_vtbl;

static struct hlocator *impl_from_IWbemLocator(IWbemLocator *iface)
{
    return (struct hlocator *)((char *)iface - offsetof(struct hlocator, IWbemLocator_iface));
}

static struct hlocator *impl_from_hobj(struct hobj *h)
{
    return (struct hlocator *)((char *)h - offsetof(struct hlocator, hdr));
}

/* ---- Names ------------------------------------------------------------------ */

static const struct {
    const GUID *guid;
    const char *name;
} known[] = {
    {&CLSID_WbemAdministrativeLocator, "WbemAdministrativeLocator"},
    {&CLSID_WbemLocator, "WbemLocator"},
    {&CLSID_WbemAuthenticatedLocator, "WbemAuthenticatedLocator"},
    {&CLSID_WbemUnauthenticatedLocator, "WbemUnauthenticatedLocator"},
    {&CLSID_WbemContext, "WbemContext"},
    {&CLSID_WbemRefresher, "WbemRefresher"},
    {&IID_IUnknown, "IUnknown"},
    {&IID_IWbemLocator, "IWbemLocator"},
    {&IID_IWbemContext, "IWbemContext"},
    {&IID_IWbemServices, "IWbemServices"},
    {&IID_IWbemConfigureRefresher, "IWbemConfigureRefresher"},
    {&IID_IWbemRefresher, "IWbemRefresher"},
};

const char *locator_guid_name(const GUID *g)
{
    for (size_t i = 0; g && i < sizeof known / sizeof known[0]; i++)
        if (IsEqualGUID(g, known[i].guid))
            return known[i].name;
    return NULL;
}

/* A journal string id for a GUID: its name, or its braced text. */
static int64_t intern_guid(struct journal *j, const GUID *g)
{
    if (!g)
        return journal_intern(j, "NULL");
    const char *name = locator_guid_name(g);
    if (name)
        return journal_intern(j, name);
    WCHAR text[40];
    if (StringFromGUID2(g, text, 40) == 0)
        return 0;
    return journal_intern16(j, text);
}

static bool is_locator_class(const CLSID *c)
{
    return IsEqualGUID(c, &CLSID_WbemLocator) || IsEqualGUID(c, &CLSID_WbemAdministrativeLocator) ||
           IsEqualGUID(c, &CLSID_WbemAuthenticatedLocator) || IsEqualGUID(c, &CLSID_WbemUnauthenticatedLocator);
}

/* ---- IWbemLocator ------------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE locator_QueryInterface(IWbemLocator *iface, REFIID riid, void **ppv)
{
    struct hlocator *l = impl_from_IWbemLocator(iface);
    return host_query_interface(l->host, &l->hdr, HPM_IWbemLocator_QueryInterface, &l->IWbemLocator_iface, &IID_IWbemLocator, riid, ppv);
}

static ULONG STDMETHODCALLTYPE locator_AddRef(IWbemLocator *iface)
{
    return hobj_addref(&impl_from_IWbemLocator(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE locator_Release(IWbemLocator *iface)
{
    return hobj_release(&impl_from_IWbemLocator(iface)->hdr);
}

static bool is_sep(char c)
{
    return c == '\\' || c == '/';
}

/* Namespace paths equal ignoring ASCII case, '/' and '\' alike. */
static bool ns_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (is_sep(*a) && is_sep(*b))
            continue;
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* "MS_" and one or more hex digits; NULL or empty (COM reads an empty
 * BSTR as NULL): the current locale. */
static bool locale_ok(const WCHAR *s)
{
    if (!s || !*s)
        return true;
    if (s[0] != u'M' || s[1] != u'S' || s[2] != u'_' || !s[3])
        return false;
    for (s += 3; *s; s++)
        if (!((*s >= u'0' && *s <= u'9') || (*s >= u'a' && *s <= u'f') || (*s >= u'A' && *s <= u'F')))
            return false;
    return true;
}

static bool starts_with_i(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char x = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        if (x != *prefix)
            return false;
    }
    return true;
}

static bool authority_ok(const WCHAR *s)
{
    if (!s || !*s)
        return true;
    char *a = hp_utf16_to_utf8(s, (size_t)-1, NULL);
    bool ok = a && (starts_with_i(a, "kerberos:") || starts_with_i(a, "ntlmdomain:"));
    free(a);
    return ok;
}

/* Where the path leads: S_OK for the host's namespace on this machine, or
 * the failure ConnectServer gives; *local says whether it names this one. */
static HRESULT resolve(struct host *host, const char *path, bool *local)
{
    *local = true;
    const char *ns = path;
    if (is_sep(path[0]) && is_sep(path[1])) {
        const char *server = path + 2;
        const char *end = server;
        while (*end && !is_sep(*end))
            end++;
        size_t n = (size_t)(end - server);
        *local = (n == 1 && server[0] == '.') || (n == 9 && starts_with_i(server, "localhost"));
        ns = *end ? end + 1 : end;
    }
    if (!*local)
        return WBEM_E_TRANSPORT_FAILURE;
    return ns_equal(ns, host->namespace_path) ? S_OK : WBEM_E_INVALID_NAMESPACE;
}

static HRESULT STDMETHODCALLTYPE locator_ConnectServer(IWbemLocator *iface, const BSTR strNetworkResource,
                                                       const BSTR strUser, const BSTR strPassword,
                                                       const BSTR strLocale, LONG lSecurityFlags,
                                                       const BSTR strAuthority, IWbemContext *pCtx,
                                                       IWbemServices **ppNamespace)
{
    struct hlocator *l = impl_from_IWbemLocator(iface);
    struct host *host = l->host;
    const enum hp_method m = HPM_IWbemLocator_ConnectServer;
    int64_t jpath = journal_intern16(&host->journal, strNetworkResource);
    int64_t jctx = pCtx ? 1 : 0;
    if (ppNamespace)
        *ppNamespace = NULL;        /* on every failure, an injected one or a dead locator's too */
    HRESULT hr = host_enter(host, &l->hdr, m);
    if (hr != S_OK)
        return host_leave(host, &l->hdr, m, jpath, lSecurityFlags, jctx, 1, hr);
    if (!ppNamespace)
        return host_leave(host, &l->hdr, m, jpath, lSecurityFlags, jctx, 1, WBEM_E_INVALID_PARAMETER);
    if (!strNetworkResource || (lSecurityFlags & ~(LONG)WBEM_FLAG_CONNECT_USE_MAX_WAIT) ||
        (strUser && !*strUser) || !locale_ok(strLocale) || !authority_ok(strAuthority))
        return host_leave(host, &l->hdr, m, jpath, lSecurityFlags, jctx, 1, WBEM_E_INVALID_PARAMETER);
    char *path = hp_utf16_to_utf8(strNetworkResource, (size_t)-1, NULL);
    if (!path)
        return host_leave(host, &l->hdr, m, jpath, lSecurityFlags, jctx, 1, WBEM_E_INVALID_NAMESPACE);
    bool local;
    hr = resolve(host, path, &local);
    free(path);
    if (local && (strUser || strPassword))
        hr = WBEM_E_LOCAL_CREDENTIALS;
    else if (hr == WBEM_E_TRANSPORT_FAILURE)
        journal_note(&host->journal, "ConnectServer: other machines are not simulated");
    else if (hr == S_OK && !(host->namespace_rights & WBEM_ENABLE))
        hr = WBEM_E_ACCESS_DENIED;
    if (hr != S_OK)
        return host_leave(host, &l->hdr, m, jpath, lSecurityFlags, jctx, 1, hr);
    IWbemServices *ns = host_namespace(host);
    if (!ns)
        return host_leave(host, &l->hdr, m, jpath, lSecurityFlags, jctx, 1, WBEM_E_OUT_OF_MEMORY);
    hobj_ref(host_namespace_hobj(host), hp_actor_current());
    *ppNamespace = ns;
    return host_leave(host, &l->hdr, m, jpath, lSecurityFlags, jctx, 1, WBEM_S_NO_ERROR);
}

static const IWbemLocatorVtbl locator_vtbl = {
    locator_QueryInterface,
    locator_AddRef,
    locator_Release,
    locator_ConnectServer,
};

static void locator_free(struct hobj *h)
{
    free(impl_from_hobj(h));
}

static void locator_describe(struct hobj *h, struct hp_buf *out)
{
    const char *name = locator_guid_name(&impl_from_hobj(h)->clsid);
    hp_buf_puts(out, name ? name : "locator");
}

static const struct hobj_ops locator_ops = {"IWbemLocator", NULL, locator_free, locator_describe};

IWbemLocator *locator_new(struct host *host, const CLSID *clsid, enum hp_actor holder)
{
    struct hlocator *l = host_calloc(host, 1, sizeof *l);
    if (!l)
        return NULL;
    l->IWbemLocator_iface.lpVtbl = &locator_vtbl;
    l->host = host;
    l->clsid = *clsid;
    hobj_init(&l->hdr, &host->ledger, &locator_ops, holder);
    return &l->IWbemLocator_iface;
}

struct hobj *locator_hobj(const void *iface)
{
    const IWbemLocator *p = iface;
    if (!p || p->lpVtbl != &locator_vtbl)
        return NULL;
    return &impl_from_IWbemLocator((IWbemLocator *)p)->hdr;
}

/* ---- CoCreateInstance ------------------------------------------------------------ */

/* Makes the object for the caller (the thread's actor holds its one
 * reference) and returns the interface asked for. */
static HRESULT create(void *owner, REFCLSID clsid, REFIID riid, void **ppv)
{
    struct host *host = owner;
    HRESULT hr = faults_check(&host->faults, HPM_CO_CREATE_INSTANCE);
    if (hr != S_OK)
        return hr;
    enum hp_actor caller = hp_actor_current();
    if (IsEqualGUID(clsid, &CLSID_WbemContext)) {
        if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IWbemContext))
            return E_NOINTERFACE;
        struct hcontext *c;
        if (context_new(&c, host, caller) != 0)
            return E_OUTOFMEMORY;
        *ppv = context_iface(c);
        return S_OK;
    }
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IWbemLocator))
        return E_NOINTERFACE;
    IWbemLocator *loc = locator_new(host, clsid, caller);
    if (!loc)
        return E_OUTOFMEMORY;
    *ppv = loc;
    return S_OK;
}

static void observe(void *owner, REFCLSID clsid, IUnknown *outer, DWORD clsctx, REFIID riid, HRESULT hr,
                    void *obj)
{
    (void)outer;
    struct host *host = owner;
    enum hp_actor caller = hp_actor_current();
    if (clsid && caller == HP_ACTOR_PROVIDER && is_locator_class(clsid)) {
        pthread_mutex_lock(&host->lock);
        if (IsEqualGUID(clsid, &CLSID_WbemAdministrativeLocator)) {
            host->locators_admin++;
        } else if (host->locators_other++ == 0) {
            host->first_other_locator = *clsid;
        }
        pthread_mutex_unlock(&host->lock);
    }
    if (!host->journal.enabled)
        return;
    struct hobj *h = NULL;
    if (SUCCEEDED(hr) && obj) {
        h = locator_hobj(obj);
        if (!h) {
            struct hcontext *c = context_from_iface(obj);
            h = c ? context_hobj(c) : NULL;
        }
    }
    journal_add(&host->journal, JOURNAL_CALL, HPM_CO_CREATE_INSTANCE, caller, HP_ACTOR_HOST, h ? h->id : 0,
                intern_guid(&host->journal, clsid), (int64_t)clsctx, intern_guid(&host->journal, riid), 5, hr);
}

void host_activation_start(struct host *host)
{
    static const CLSID *const served[] = {
        &CLSID_WbemLocator,
        &CLSID_WbemAdministrativeLocator,
        &CLSID_WbemAuthenticatedLocator,
        &CLSID_WbemUnauthenticatedLocator,
        &CLSID_WbemContext,
    };
    for (size_t i = 0; i < sizeof served / sizeof served[0]; i++)
        if (hiperf_com_register(served[i], create, host) != 0)
            journal_note(&host->journal, "CoCreateInstance: the class table is full");
    hiperf_com_observe(observe, host);
}

void host_activation_stop(struct host *host)
{
    hiperf_com_withdraw(host);
}

void host_locator_requests(struct host *host, struct locator_requests *out)
{
    pthread_mutex_lock(&host->lock);
    out->admin = host->locators_admin;
    out->other = host->locators_other;
    out->first_other = host->first_other_locator;
    pthread_mutex_unlock(&host->lock);
}
