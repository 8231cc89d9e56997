/*
 * mocks/loader.c - provider loading (see loader.h).
 * Invariants:
 *  - Every reference the host takes on a provider object is released by
 *    host_unload_providers, in reverse order of loading, before
 *    DllCanUnloadNow is asked; the module is closed only after that.
 *  - host->providers is one block this file alone allocates: capproviders
 *    pointer slots, then a struct provtable_tail holding the last load
 *    attempt's record.  host.h has no field for that record (and is not
 *    the loader's to change); in the table's block it lives exactly as
 *    long as the host, moves with the table when it grows, and is freed by
 *    host_free's free(host->providers) with nothing else to clean up.  No
 *    other file allocates or grows the table (they only read the slots).
 */
#include "loader.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "namespace.h"
#include "sink.h"

int host_set_provider_file(struct host *host, const char *path)
{
    char *copy = hp_strdup(path);
    if (!copy)
        return hp_error_set(HP_ENOMEM, "out of memory");
    free(host->provider_file);
    host->provider_file = copy;
    return 0;
}

int host_open_provider_file(struct host *host)
{
    if (host->module)
        return 0;
    if (!host->provider_file)
        return hp_error_set(HP_EPROVIDER, "no provider file was given");
    const char *path = host->provider_file;
    /* RTLD_NOW: a missing symbol shows now, as a message, not later as a
     * crash in the middle of a scenario.  RTLD_LOCAL: the provider's
     * symbols never satisfy another module's. */
    void *m = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!m)
        return hp_error_set(HP_EPROVIDER, "%s: cannot load the provider: %s", path, dlerror());
    const char *missing = NULL;
    if (!dlsym(m, "DllGetClassObject"))
        missing = "DllGetClassObject";
    else if (!dlsym(m, "DllCanUnloadNow"))
        missing = "DllCanUnloadNow";
    if (missing) {
        dlclose(m);
        return hp_error_set(HP_EPROVIDER,
                            "%s: does not export %s (a provider is a COM in-process server: it must "
                            "export DllGetClassObject and DllCanUnloadNow with default visibility)",
                            path, missing);
    }
    host->module = m;
    journal_note(&host->journal, "loader: opened %s", path);
    return 0;
}

/* ---- The provider table and the last load attempt ------------------------- */

struct provtable_tail {
    struct host_load_init last;          /* meaningful when `attempted` */
    bool attempted;
};

/* Where the tail starts in a block of `cap` slots. */
static size_t tail_offset(size_t cap)
{
    const size_t align = _Alignof(struct provtable_tail);
    return (cap * sizeof(struct hostprov *) + align - 1) / align * align;
}

static struct provtable_tail *table_tail(struct host *host)
{
    if (!host->providers)
        return NULL;
    return (struct provtable_tail *)((char *)host->providers + tail_offset(host->capproviders));
}

/* Room for n providers; the slots in use and the tail move to the new
 * block.  False when out of memory, with nothing changed (and the
 * thread's error message untouched: the caller may be reporting another
 * error). */
static bool table_reserve(struct host *host, size_t n)
{
    if (host->providers && n <= host->capproviders)
        return true;
    size_t cap = host->capproviders ? host->capproviders : 2;
    while (cap < n)
        cap *= 2;
    char *block = calloc(1, tail_offset(cap) + sizeof(struct provtable_tail));
    if (!block)
        return false;
    const struct provtable_tail *old = table_tail(host);
    if (old) {
        memcpy(block, host->providers, host->nproviders * sizeof *host->providers);
        memcpy(block + tail_offset(cap), old, sizeof *old);
    }
    free(host->providers);
    host->providers = (struct hostprov **)block;
    host->capproviders = cap;
    return true;
}

/* Keeps rec as the last attempt's record and returns rc.  Only out of
 * memory for the table's first block loses it. */
static int attempt_done(struct host *host, const struct host_load_init *rec, int rc)
{
    if (table_reserve(host, host->nproviders ? host->nproviders : 1)) {
        table_tail(host)->last = *rec;
        table_tail(host)->attempted = true;
    }
    return rc;
}

bool host_last_load_init(struct host *host, struct host_load_init *out)
{
    const struct provtable_tail *t = table_tail(host);
    if (!t || !t->attempted) {
        memset(out, 0, sizeof *out);
        return false;
    }
    *out = t->last;
    return true;
}

/* ---- Loading ------------------------------------------------------------------- */

static LPFNGETCLASSOBJECT get_class_object(struct host *host)
{
    LPFNGETCLASSOBJECT f;
    void *sym = dlsym(host->module, "DllGetClassObject");
    memcpy(&f, &sym, sizeof f);
    return f;
}

static char *guid_text(const GUID *g)
{
    return hp_sprintf("{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned)g->Data1, g->Data2,
                      g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
                      g->Data4[6], g->Data4[7]);
}

struct hostprov *host_provider_for_class(struct host *host, const struct repo_class *cls,
                                         enum hostprov_kind kind)
{
    const struct repo_provider *reg = host->repo ? repo_provider_for_class(host->repo, cls) : NULL;
    for (size_t i = 0; reg && i < host->nproviders; i++)
        if (host->providers[i]->reg == reg && host->providers[i]->kind == kind)
            return host->providers[i];
    return NULL;
}

static void release_iface(struct host *host, void *p)
{
    if (p)
        host_provider_release(host, (IUnknown *)p, HPM_IUnknown_Release);
}

static void hostprov_free(struct host *host, struct hostprov *p)
{
    release_iface(host, p->services);
    release_iface(host, p->hiperf);
    release_iface(host, p->init);
    release_iface(host, p->unknown);
    release_iface(host, p->factory);
    free(p);
}

static WCHAR *to16(const char *s)
{
    return s ? hp_utf8_to_utf16(s, (size_t)-1, NULL) : NULL;
}

int host_load_provider(struct host *host, const struct repo_provider *reg, enum hostprov_kind kind,
                       unsigned wait_ms, struct hostprov **out)
{
    *out = NULL;
    for (size_t i = 0; i < host->nproviders; i++)
        if (host->providers[i]->reg == reg && host->providers[i]->kind == kind) {
            *out = host->providers[i];
            return 0;
        }
    /* Filled as the attempt goes and kept wherever it stops.  A local until
     * then: Initialize may load another provider (GetObject of its
     * classes), which may move the table and keeps its own record first. */
    struct host_load_init rec = {.reg = reg, .kind = kind};
    const char *file = host->provider_file ? host->provider_file : "the provider";
    if (kind == HOSTPROV_IN_WMI && !reg->has_clsid)
        return attempt_done(host, &rec, hp_error_set(HP_EPROVIDER, "provider '%s' registers no CLSID", reg->name));
    if (kind == HOSTPROV_IN_CLIENT && !reg->has_client_clsid)
        return attempt_done(host, &rec,
                            hp_error_set(HP_EPROVIDER, "provider '%s' registers no ClientLoadableCLSID", reg->name));
    int rc = host_open_provider_file(host);
    if (rc)
        return attempt_done(host, &rec, rc);

    struct hostprov *p = calloc(1, sizeof *p);
    if (!p)
        return attempt_done(host, &rec, hp_error_set(HP_ENOMEM, "out of memory"));
    p->reg = reg;
    p->kind = kind;
    p->clsid = kind == HOSTPROV_IN_WMI ? reg->clsid : reg->client_clsid;
    p->module = host->module;
    char *clsid = guid_text(&p->clsid);

    /* DllGetClassObject -> IClassFactory. */
    LPFNGETCLASSOBJECT gco = get_class_object(host);
    void *factory = NULL;
    enum hp_actor prev = hp_actor_set(HP_ACTOR_PROVIDER);
    journal_add(&host->journal, JOURNAL_ENTER, HPM_COUNT, prev, HP_ACTOR_PROVIDER, 0,
                journal_intern(&host->journal, "DllGetClassObject"), journal_intern(&host->journal, clsid), 0, 3,
                S_OK);
    HRESULT hr = gco(&p->clsid, &IID_IClassFactory, &factory);
    hp_actor_set(prev);
    journal_note(&host->journal, "loader: DllGetClassObject(%s, IClassFactory) = 0x%08X", clsid, (unsigned)hr);
    if (FAILED(hr) || !factory) {
        rc = hp_error_set(HP_EPROVIDER, "%s: DllGetClassObject(%s) for provider '%s' failed with 0x%08X%s", file,
                          clsid, reg->name, (unsigned)hr,
                          hr == CLASS_E_CLASSNOTAVAILABLE ? " (CLASS_E_CLASSNOTAVAILABLE: the file does not "
                                                            "serve the CLSID the MOF registers)" : "");
        goto fail;
    }
    p->factory = factory;

    /* CreateInstance -> the provider object's IUnknown. */
    void *unk = NULL;
    hr = HOST_CALL_PROVIDER(host, HPM_IClassFactory_CreateInstance, p->factory, 0, 0, 0, 0,
                            IClassFactory_CreateInstance(p->factory, NULL, &IID_IUnknown, &unk));
    if (FAILED(hr) || !unk) {
        rc = hp_error_set(HP_EPROVIDER, "%s: IClassFactory::CreateInstance for provider '%s' failed with 0x%08X",
                          file, reg->name, (unsigned)hr);
        goto fail;
    }
    p->unknown = unk;

    void *q = NULL;
    if (SUCCEEDED(HOST_CALL_PROVIDER(host, HPM_IUnknown_QueryInterface, unk, 0, 0, 0, 0,
                                     IUnknown_QueryInterface(p->unknown, &IID_IWbemProviderInit, &q))) && q)
        p->init = q;
    q = NULL;
    if (SUCCEEDED(HOST_CALL_PROVIDER(host, HPM_IUnknown_QueryInterface, unk, 0, 0, 0, 0,
                                     IUnknown_QueryInterface(p->unknown, &IID_IWbemHiPerfProvider, &q))) && q)
        p->hiperf = q;
    q = NULL;
    if (SUCCEEDED(HOST_CALL_PROVIDER(host, HPM_IUnknown_QueryInterface, unk, 0, 0, 0, 0,
                                     IUnknown_QueryInterface(p->unknown, &IID_IWbemServices, &q))) && q)
        p->services = q;
    if (!p->init) {
        rc = hp_error_set(HP_EPROVIDER, "%s: provider '%s' does not answer IWbemProviderInit", file, reg->name);
        goto fail;
    }
    if (!p->hiperf && !p->services) {
        rc = hp_error_set(HP_EPROVIDER,
                          "%s: provider '%s' answers neither IWbemHiPerfProvider nor IWbemServices", file,
                          reg->name);
        goto fail;
    }

    /* Initialize, then the wait for SetStatus through the sink. */
    struct initsink *sink = NULL;
    IWbemServices *ns = host_namespace(host);
    WCHAR *nsname = to16(host->namespace_path), *locale = to16("MS_409");
    if (initsink_new(&sink, host, HP_ACTOR_HOST) || !ns || !nsname || !locale) {
        free(nsname);
        free(locale);
        if (sink)
            hobj_unref(initsink_hobj(sink), HP_ACTOR_HOST);
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto fail;
    }
    hr = HOST_CALL_PROVIDER(host, HPM_IWbemProviderInit_Initialize, p->init,
                            journal_intern16(&host->journal, nsname), 0, 0, 1,
                            IWbemProviderInit_Initialize(p->init, NULL, 0, nsname, locale, ns, NULL,
                                                         initsink_iface(sink)));
    free(nsname);
    free(locale);
    p->init_hr = hr;
    rec.initialize_called = true;
    rec.init_hr = hr;
    /* A provider that failed Initialize without using the sink has said
     * all it will say; do not wait for it. */
    bool reported = initsink_wait_status(sink, FAILED(hr) ? 0 : wait_ms);
    struct initsink_stats st;
    initsink_get_stats(sink, &st);
    rec.reported = reported;
    rec.sink = st;
    p->init_setstatus_calls = (int)st.calls;
    p->init_status = st.first_status;
    hobj_unref(initsink_hobj(sink), HP_ACTOR_HOST);
    if (FAILED(hr) && !reported) {
        rc = hp_error_set(HP_EPROVIDER, "%s: provider '%s': Initialize failed with 0x%08X", file, reg->name,
                          (unsigned)hr);
        goto fail;
    }
    if (!reported) {
        rc = hp_error_set(HP_EPROVIDER,
                          "%s: provider '%s': Initialize returned 0x%08X but never reported through "
                          "IWbemProviderInitSink::SetStatus (waited %u ms)",
                          file, reg->name, (unsigned)hr, wait_ms);
        goto fail;
    }
    if (FAILED(p->init_status)) {
        rc = hp_error_set(HP_EPROVIDER, "%s: provider '%s' reported initialization failure 0x%08X", file,
                          reg->name, (unsigned)p->init_status);
        goto fail;
    }
    /* Room now, not before Initialize: a load it caused may have taken
     * the slot a reservation made then would have counted on. */
    if (!table_reserve(host, host->nproviders + 1)) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto fail;
    }
    p->initialized = true;
    rec.loaded = true;
    host->providers[host->nproviders++] = p;
    journal_note(&host->journal, "loader: provider '%s' initialized (%s)", reg->name, clsid);
    free(clsid);
    *out = p;
    return attempt_done(host, &rec, 0);

fail:
    journal_note(&host->journal, "loader: %s", hp_error_message());
    free(clsid);
    hostprov_free(host, p);
    return attempt_done(host, &rec, rc);
}

void host_unload_providers(struct host *host, HRESULT *can_unload)
{
    while (host->nproviders)
        hostprov_free(host, host->providers[--host->nproviders]);
    HRESULT hr = E_FAIL;
    if (host->module) {
        LPFNCANUNLOADNOW f;
        void *sym = dlsym(host->module, "DllCanUnloadNow");
        memcpy(&f, &sym, sizeof f);
        enum hp_actor prev = hp_actor_set(HP_ACTOR_PROVIDER);
        hr = f();
        hp_actor_set(prev);
        journal_note(&host->journal, "loader: DllCanUnloadNow() = 0x%08X", (unsigned)hr);
        /* A provider still holding objects may have threads running in
         * its code: never unmap it then. */
        if (hr == S_OK)
            dlclose(host->module);
        host->module = NULL;
    }
    if (can_unload)
        *can_unload = hr;
}
