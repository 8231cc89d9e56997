/*
 * mocks/qualset.c - IWbemQualifierSet as the host's objects hand it out:
 * read access to the qualifiers of a class, an instance or a property.
 *
 * What is simulated: Get, GetNames, BeginEnumeration/Next/EndEnumeration
 * with the WBEM_FLAG_LOCAL_ONLY / WBEM_FLAG_PROPAGATED_ONLY filters.  Put
 * and Delete return WBEM_E_NOT_SUPPORTED and the journal says they are not
 * simulated (a Windows qualifier set of a local object copy accepts them;
 * the harness's repository is read-only, and a provider has no business
 * changing qualifiers).
 *
 * Invariant: the entries are a snapshot taken at creation and never change;
 * the names and values they point to belong to the repository or to a
 * class layout, both of which outlive every object of the host.  Only the
 * enumeration position changes, under `lock`.
 */
#include <stdlib.h>
#include <string.h>

#include "object_private.h"
#include "variant_map.h"

struct hqualset {
    IWbemQualifierSet IWbemQualifierSet_iface;
    struct hobj hdr;
    struct host *host;
    char *label;                /* owned */
    size_t n;
    struct qentry *v;           /* owned array, borrowed contents */
    _Atomic int64_t *jnames;    /* journal ids of the names, interned on first use */
    pthread_mutex_t lock;
    bool enumerating;
    LONG enum_flags;
    size_t pos;
};

static const IWbemQualifierSetVtbl qualset_vtbl;

static struct hqualset *impl_from_IWbemQualifierSet(IWbemQualifierSet *iface)
{
    return (struct hqualset *)((char *)iface - offsetof(struct hqualset, IWbemQualifierSet_iface));
}

static struct hqualset *impl_from_hobj(struct hobj *h)
{
    return (struct hqualset *)((char *)h - offsetof(struct hqualset, hdr));
}

static void qs_describe(struct hobj *h, struct hp_buf *out)
{
    struct hqualset *q = impl_from_hobj(h);
    hp_buf_printf(out, "qualifiers of %s", q->label ? q->label : "?");
}

static void qs_free(struct hobj *h)
{
    struct hqualset *q = impl_from_hobj(h);
    pthread_mutex_destroy(&q->lock);
    free(q->label);
    free(q->v);
    free((void *)q->jnames);
    free(q);
}

static const struct hobj_ops qualset_ops = {
    .kind = "IWbemQualifierSet",
    .on_dead = NULL,
    .free = qs_free,
    .describe = qs_describe,
};

IWbemQualifierSet *qualset_new(struct host *host, const struct qentry *entries, size_t n,
                               const char *label, enum hp_actor holder)
{
    struct hqualset *q = host_calloc(host, 1, sizeof *q);
    if (!q)
        return NULL;
    q->v = malloc((n ? n : 1) * sizeof *q->v);
    q->jnames = calloc(n ? n : 1, sizeof *q->jnames);
    q->label = hp_strdup(label ? label : "");
    if (!q->v || !q->jnames || !q->label) {
        free(q->v);
        free((void *)q->jnames);
        free(q->label);
        free(q);
        return NULL;
    }
    if (n)
        memcpy(q->v, entries, n * sizeof *q->v);
    q->n = n;
    q->host = host;
    q->IWbemQualifierSet_iface.lpVtbl = &qualset_vtbl;
    pthread_mutex_init(&q->lock, NULL);
    hobj_init(&q->hdr, &host->ledger, &qualset_ops, holder);
    return &q->IWbemQualifierSet_iface;
}

uint64_t qualset_id(IWbemQualifierSet *qs)
{
    return impl_from_IWbemQualifierSet(qs)->hdr.id;
}

static int64_t jname(struct hqualset *q, size_t i)
{
    int64_t id = atomic_load_explicit(&q->jnames[i], memory_order_relaxed);
    if (!id) {
        id = journal_intern(&q->host->journal, q->v[i].name);
        atomic_store_explicit(&q->jnames[i], id, memory_order_relaxed);
    }
    return id;
}

static bool origin_selected(LONG flavor, LONG flags)
{
    LONG origin = flavor & WBEM_FLAVOR_MASK_ORIGIN;
    if (flags == WBEM_FLAG_LOCAL_ONLY)
        return origin == WBEM_FLAVOR_ORIGIN_LOCAL;
    if (flags == WBEM_FLAG_PROPAGATED_ONLY)
        return origin == WBEM_FLAVOR_ORIGIN_PROPAGATED;
    return true;
}

static bool flags_valid(LONG flags)
{
    return flags == 0 || flags == WBEM_FLAG_LOCAL_ONLY || flags == WBEM_FLAG_PROPAGATED_ONLY;
}

/* ---- IUnknown --------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE qs_QueryInterface(IWbemQualifierSet *This, REFIID riid, void **ppv)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    return host_query_interface(q->host, &q->hdr, HPM_IWbemQualifierSet_QueryInterface, &q->IWbemQualifierSet_iface,
                                &IID_IWbemQualifierSet, riid, ppv);
}

static ULONG STDMETHODCALLTYPE qs_AddRef(IWbemQualifierSet *This)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    ULONG n = hobj_addref(&q->hdr);
    journal_add(&q->host->journal, JOURNAL_CALL, HPM_IWbemQualifierSet_AddRef, hp_actor_current(),
                HP_ACTOR_HOST, q->hdr.id, 0, 0, 0, 0, (HRESULT)n);
    return n;
}

static ULONG STDMETHODCALLTYPE qs_Release(IWbemQualifierSet *This)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    ULONG n = hobj_release(&q->hdr);
    journal_add(&q->host->journal, JOURNAL_CALL, HPM_IWbemQualifierSet_Release, hp_actor_current(),
                HP_ACTOR_HOST, q->hdr.id, 0, 0, 0, 0, (HRESULT)n);
    return n;
}

/* ---- IWbemQualifierSet ------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE qs_Get(IWbemQualifierSet *This, LPCWSTR wszName, LONG lFlags,
                                        VARIANT *pVal, LONG *plFlavor)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    const enum hp_method m = HPM_IWbemQualifierSet_Get;
    int64_t name_id = 0;
    HRESULT hr = host_enter(q->host, &q->hdr, m);
    if (hr != S_OK)
        goto out;
    if (!wszName || lFlags != 0) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    hr = WBEM_E_NOT_FOUND;
    for (size_t i = 0; i < q->n; i++) {
        if (!hp_u16_eqi_utf8(wszName, q->v[i].name))
            continue;
        name_id = jname(q, i);
        hr = S_OK;
        if (pVal)
            hr = vmap_to_variant(pVal, q->v[i].value);
        if (SUCCEEDED(hr) && plFlavor)
            *plFlavor = q->v[i].flavor;
        break;
    }
    if (hr == WBEM_E_NOT_FOUND)
        name_id = journal_intern16(&q->host->journal, wszName);
out:
    return host_leave(q->host, &q->hdr, m, name_id, lFlags, 0, 1, hr);
}

static HRESULT not_simulated(struct hqualset *q, enum hp_method m, LPCWSTR name)
{
    HRESULT hr = host_enter(q->host, &q->hdr, m);
    if (hr == S_OK) {
        journal_note(&q->host->journal, "%s is not simulated: the qualifiers of %s stay as the "
                     "repository declares them", hp_method_name(m), q->label);
        hr = WBEM_E_NOT_SUPPORTED;
    }
    return host_leave(q->host, &q->hdr, m, name ? journal_intern16(&q->host->journal, name) : 0, 0, 0,
                      1, hr);
}

static HRESULT STDMETHODCALLTYPE qs_Put(IWbemQualifierSet *This, LPCWSTR wszName, VARIANT *pVal,
                                        LONG lFlavor)
{
    (void)pVal;
    (void)lFlavor;
    return not_simulated(impl_from_IWbemQualifierSet(This), HPM_IWbemQualifierSet_Put, wszName);
}

static HRESULT STDMETHODCALLTYPE qs_Delete(IWbemQualifierSet *This, LPCWSTR wszName)
{
    return not_simulated(impl_from_IWbemQualifierSet(This), HPM_IWbemQualifierSet_Delete, wszName);
}

static HRESULT STDMETHODCALLTYPE qs_GetNames(IWbemQualifierSet *This, LONG lFlags, SAFEARRAY **pNames)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    const enum hp_method m = HPM_IWbemQualifierSet_GetNames;
    if (pNames)
        *pNames = NULL;             /* on every failure, an injected one or a dead set's too */
    HRESULT hr = host_enter(q->host, &q->hdr, m);
    if (hr != S_OK)
        goto out;
    if (!pNames || !flags_valid(lFlags)) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    size_t count = 0;
    for (size_t i = 0; i < q->n; i++)
        count += origin_selected(q->v[i].flavor, lFlags);
    SAFEARRAY *sa = SafeArrayCreateVector(VT_BSTR, 0, (ULONG)count);
    if (!sa) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    BSTR *cells = sa->pvData;
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++) {
        if (!origin_selected(q->v[i].flavor, lFlags))
            continue;
        char16_t *w = hp_utf8_to_utf16(q->v[i].name, (size_t)-1, NULL);
        cells[k] = w ? SysAllocString(w) : NULL;
        free(w);
        if (!cells[k++]) {
            SafeArrayDestroy(sa);
            hr = WBEM_E_OUT_OF_MEMORY;
            goto out;
        }
    }
    *pNames = sa;
out:
    return host_leave(q->host, &q->hdr, m, lFlags, 0, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE qs_BeginEnumeration(IWbemQualifierSet *This, LONG lFlags)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    const enum hp_method m = HPM_IWbemQualifierSet_BeginEnumeration;
    HRESULT hr = host_enter(q->host, &q->hdr, m);
    if (hr == S_OK) {
        if (!flags_valid(lFlags)) {
            hr = WBEM_E_INVALID_PARAMETER;
        } else {
            pthread_mutex_lock(&q->lock);
            q->enumerating = true;
            q->enum_flags = lFlags;
            q->pos = 0;
            pthread_mutex_unlock(&q->lock);
        }
    }
    return host_leave(q->host, &q->hdr, m, lFlags, 0, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE qs_Next(IWbemQualifierSet *This, LONG lFlags, BSTR *pstrName,
                                         VARIANT *pVal, LONG *plFlavor)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    const enum hp_method m = HPM_IWbemQualifierSet_Next;
    int64_t name_id = 0;
    if (pstrName)
        *pstrName = NULL;           /* on every failure, an injected one or a dead set's too */
    HRESULT hr = host_enter(q->host, &q->hdr, m);
    if (hr != S_OK)
        goto out;
    if (lFlags != 0) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    pthread_mutex_lock(&q->lock);
    size_t i = q->pos;
    if (!q->enumerating) {
        hr = WBEM_E_UNEXPECTED;
    } else {
        while (i < q->n && !origin_selected(q->v[i].flavor, q->enum_flags))
            i++;
        if (i >= q->n) {
            hr = WBEM_S_NO_MORE_DATA;
        } else {
            q->pos = i + 1;
            hr = S_OK;
        }
    }
    pthread_mutex_unlock(&q->lock);
    if (hr != S_OK)
        goto out;
    name_id = jname(q, i);
    BSTR name = NULL;
    if (pstrName) {
        char16_t *w = hp_utf8_to_utf16(q->v[i].name, (size_t)-1, NULL);
        name = w ? SysAllocString(w) : NULL;
        free(w);
        if (!name) {
            hr = WBEM_E_OUT_OF_MEMORY;
            goto out;
        }
    }
    if (pVal) {
        hr = vmap_to_variant(pVal, q->v[i].value);
        if (FAILED(hr)) {
            SysFreeString(name);
            goto out;
        }
    }
    if (pstrName)
        *pstrName = name;
    if (plFlavor)
        *plFlavor = q->v[i].flavor;
out:
    return host_leave(q->host, &q->hdr, m, name_id, lFlags, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE qs_EndEnumeration(IWbemQualifierSet *This)
{
    struct hqualset *q = impl_from_IWbemQualifierSet(This);
    const enum hp_method m = HPM_IWbemQualifierSet_EndEnumeration;
    HRESULT hr = host_enter(q->host, &q->hdr, m);
    if (hr == S_OK) {
        pthread_mutex_lock(&q->lock);
        q->enumerating = false;
        q->pos = 0;
        pthread_mutex_unlock(&q->lock);
    }
    return host_leave(q->host, &q->hdr, m, 0, 0, 0, 0, hr);
}

static const IWbemQualifierSetVtbl qualset_vtbl = {
    qs_QueryInterface,
    qs_AddRef,
    qs_Release,
    qs_Get,
    qs_Put,
    qs_Delete,
    qs_GetNames,
    qs_BeginEnumeration,
    qs_Next,
    qs_EndEnumeration,
};
