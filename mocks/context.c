/*
 * mocks/context.c - IWbemContext: an ordered list of (name, VARIANT) pairs
 * with case-insensitive names, an enumeration cursor, and Clone.  The
 * rules are listed in context.h.
 *
 * Invariants:
 *  - No two values have names equal ignoring ASCII case; vals[0..n) is in
 *    insertion order (SetValue of an existing name replaces in place).
 *  - Each VARIANT in vals is owned (VariantCopy'd in with the thread's
 *    actor set to HOST, so any interface reference it holds is the host's,
 *    and cleared the same way).
 *  - `cursor` <= n whenever `enumerating`.
 *  - `lock` is not held while a value is cleared (clearing may release an
 *    object, whose last release may run arbitrary code).
 */
#include "context.h"

#include <stdlib.h>
#include <string.h>

struct ctx_value {
    WCHAR *name;     /* owned, NUL-terminated */
    VARIANT v;
};

struct hcontext {
    IWbemContext IWbemContext_iface;
    struct hobj hdr;
    struct host *host;
    pthread_mutex_t lock;
    struct ctx_value *vals;
    size_t n, cap;
    bool enumerating;
    size_t cursor;
};

static const IWbemContextVtbl context_vtbl;

static struct hcontext *impl_from_IWbemContext(IWbemContext *iface)
{
    return (struct hcontext *)((char *)iface - offsetof(struct hcontext, IWbemContext_iface));
}

static struct hcontext *impl_from_hobj(struct hobj *h)
{
    return (struct hcontext *)((char *)h - offsetof(struct hcontext, hdr));
}

/* ---- Helpers ------------------------------------------------------------ */

static WCHAR fold(WCHAR c)
{
    return c >= u'A' && c <= u'Z' ? (WCHAR)(c - u'A' + u'a') : c;
}

static bool name_eq(const WCHAR *a, const WCHAR *b)
{
    for (; *a && *b; a++, b++)
        if (fold(*a) != fold(*b))
            return false;
    return *a == *b;
}

static WCHAR *name_dup(const WCHAR *s)
{
    size_t n = hp_u16len(s);
    WCHAR *d = malloc((n + 1) * sizeof *d);
    if (d)
        memcpy(d, s, (n + 1) * sizeof *d);
    return d;
}

/* Position of name, or (size_t)-1.  Lock held. */
static size_t find(const struct hcontext *c, const WCHAR *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (name_eq(c->vals[i].name, name))
            return i;
    return (size_t)-1;
}

/* VariantCopy / VariantClear with the references charged to the host. */
static HRESULT copy_as_host(VARIANT *dst, const VARIANT *src)
{
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    VariantInit(dst);
    HRESULT hr = VariantCopy(dst, src);
    hp_actor_set(prev);
    return hr;
}

static void clear_as_host(VARIANT *v)
{
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    VariantClear(v);
    hp_actor_set(prev);
}

static void free_values(struct ctx_value *vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        clear_as_host(&vals[i].v);
        free(vals[i].name);
    }
    free(vals);
}

/* The VariantCopy result as the WBEM code a caller expects. */
static HRESULT wbem_from_copy(HRESULT hr)
{
    if (SUCCEEDED(hr))
        return WBEM_S_NO_ERROR;
    return hr == E_OUTOFMEMORY ? WBEM_E_OUT_OF_MEMORY : WBEM_E_INVALID_PARAMETER;
}

/* Stores an owned copy `v` under name (borrowed); on failure v is still the
 * caller's.  The value replaced, if any, comes back in *old to be cleared
 * after unlocking (VT_EMPTY if none). */
static HRESULT store(struct hcontext *c, const WCHAR *name, VARIANT *v, VARIANT *old)
{
    VariantInit(old);
    HRESULT hr = WBEM_S_NO_ERROR;
    pthread_mutex_lock(&c->lock);
    size_t i = find(c, name);
    if (i != (size_t)-1) {
        *old = c->vals[i].v;
        c->vals[i].v = *v;
    } else {
        WCHAR *copy = NULL;
        if (faults_check(&c->host->faults, HPM_HOST_ALLOC) != S_OK || !(copy = name_dup(name)) ||
            hp_grow((void **)&c->vals, &c->cap, c->n + 1, sizeof *c->vals) != 0) {
            free(copy);
            hr = WBEM_E_OUT_OF_MEMORY;
        } else {
            c->vals[c->n++] = (struct ctx_value){copy, *v};
        }
    }
    pthread_mutex_unlock(&c->lock);
    return hr;
}

static int64_t jstr(struct host *host, const WCHAR *s)
{
    return host->journal.enabled ? journal_intern16(&host->journal, s) : 0;
}

/* ---- IUnknown ------------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE context_QueryInterface(IWbemContext *iface, REFIID riid, void **ppv)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    return host_query_interface(c->host, &c->hdr, HPM_IWbemContext_QueryInterface, &c->IWbemContext_iface, &IID_IWbemContext, riid, ppv);
}

static ULONG STDMETHODCALLTYPE context_AddRef(IWbemContext *iface)
{
    return hobj_addref(&impl_from_IWbemContext(iface)->hdr);
}

static ULONG STDMETHODCALLTYPE context_Release(IWbemContext *iface)
{
    return hobj_release(&impl_from_IWbemContext(iface)->hdr);
}

/* ---- IWbemContext ------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE context_Clone(IWbemContext *iface, IWbemContext **ppNewCopy)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_Clone;
    if (ppNewCopy)
        *ppNewCopy = NULL;          /* on every failure, an injected one or a dead context's too */
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, 0, 0, 0, 0, hr);
    if (!ppNewCopy)
        return host_leave(c->host, &c->hdr, m, 0, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    struct hcontext *copy;
    if (context_new(&copy, c->host, HP_ACTOR_HOST) != 0)
        return host_leave(c->host, &c->hdr, m, 0, 0, 0, 0, WBEM_E_OUT_OF_MEMORY);
    pthread_mutex_lock(&c->lock);
    if (c->n) {
        copy->vals = (faults_check(&c->host->faults, HPM_HOST_ALLOC) == S_OK)
                         ? calloc(c->n, sizeof *copy->vals) : NULL;
        copy->cap = copy->vals ? c->n : 0;
        hr = copy->vals ? S_OK : WBEM_E_OUT_OF_MEMORY;
    }
    for (size_t i = 0; hr == S_OK && i < c->n; i++) {
        struct ctx_value *d = &copy->vals[i];
        if (!(d->name = name_dup(c->vals[i].name))) {
            hr = WBEM_E_OUT_OF_MEMORY;
            break;
        }
        hr = wbem_from_copy(copy_as_host(&d->v, &c->vals[i].v));
        copy->n = i + 1;
    }
    pthread_mutex_unlock(&c->lock);
    if (hr != S_OK) {
        /* The copy dies; its on_dead clears what was copied. */
        hobj_unref(&copy->hdr, HP_ACTOR_HOST);
        return host_leave(c->host, &c->hdr, m, 0, 0, 0, 0, hr);
    }
    hobj_transfer(&copy->hdr, HP_ACTOR_HOST, hp_actor_current(), m);
    *ppNewCopy = &copy->IWbemContext_iface;
    return host_leave(c->host, &c->hdr, m, (int64_t)copy->hdr.id, (int64_t)copy->n, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE context_GetNames(IWbemContext *iface, LONG lFlags, SAFEARRAY **pNames)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_GetNames;
    if (pNames)
        *pNames = NULL;             /* on every failure, an injected one or a dead context's too */
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, hr);
    if (lFlags != 0 || !pNames)
        return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    pthread_mutex_lock(&c->lock);
    size_t n = c->n;
    SAFEARRAY *sa = SafeArrayCreateVector(VT_BSTR, 0, (ULONG)n);
    BSTR *data = NULL;
    if (!sa || FAILED(SafeArrayAccessData(sa, (void **)&data))) {
        hr = WBEM_E_OUT_OF_MEMORY;
    } else {
        for (size_t i = 0; i < n; i++)
            if (!(data[i] = SysAllocString(c->vals[i].name)))
                hr = WBEM_E_OUT_OF_MEMORY;
        SafeArrayUnaccessData(sa);
    }
    pthread_mutex_unlock(&c->lock);
    if (hr != S_OK) {
        if (sa)
            SafeArrayDestroy(sa);
        return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, hr);
    }
    *pNames = sa;
    return host_leave(c->host, &c->hdr, m, lFlags, (int64_t)n, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE context_BeginEnumeration(IWbemContext *iface, LONG lFlags)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_BeginEnumeration;
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, hr);
    if (lFlags != 0)
        return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    pthread_mutex_lock(&c->lock);
    c->enumerating = true;
    c->cursor = 0;
    pthread_mutex_unlock(&c->lock);
    return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE context_Next(IWbemContext *iface, LONG lFlags, BSTR *pstrName, VARIANT *pValue)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_Next;
    if (pstrName)
        *pstrName = NULL;           /* on every failure, an injected one or a dead context's too */
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, hr);
    if (lFlags != 0 || !pstrName || !pValue)
        return host_leave(c->host, &c->hdr, m, lFlags, 0, 0, 0, WBEM_E_INVALID_PARAMETER);
    BSTR name = NULL;
    VARIANT v;
    VariantInit(&v);
    int64_t jname = 0;
    pthread_mutex_lock(&c->lock);
    if (!c->enumerating) {
        hr = WBEM_E_UNEXPECTED;
    } else if (c->cursor >= c->n) {
        hr = WBEM_S_NO_MORE_DATA;
    } else {
        const struct ctx_value *cv = &c->vals[c->cursor];
        name = SysAllocString(cv->name);
        hr = name ? wbem_from_copy(VariantCopy(&v, &cv->v)) : WBEM_E_OUT_OF_MEMORY;
        if (hr == S_OK) {
            c->cursor++;
            jname = jstr(c->host, cv->name);
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (hr == WBEM_S_NO_MORE_DATA) {
        *pstrName = NULL;
        VariantInit(pValue);
        V_VT(pValue) = VT_NULL;
    } else if (hr == S_OK) {
        *pstrName = name;
        *pValue = v;
    } else {
        SysFreeString(name);
    }
    return host_leave(c->host, &c->hdr, m, lFlags, jname, V_VT(&v), 2, hr);
}

static HRESULT STDMETHODCALLTYPE context_EndEnumeration(IWbemContext *iface)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_EndEnumeration;
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, 0, 0, 0, 0, hr);
    pthread_mutex_lock(&c->lock);
    c->enumerating = false;
    c->cursor = 0;
    pthread_mutex_unlock(&c->lock);
    return host_leave(c->host, &c->hdr, m, 0, 0, 0, 0, S_OK);
}

static HRESULT STDMETHODCALLTYPE context_SetValue(IWbemContext *iface, LPCWSTR wszName, LONG lFlags,
                                                  VARIANT *pValue)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_SetValue;
    int64_t jname = jstr(c->host, wszName);
    int64_t vt = pValue ? V_VT(pValue) : -1;
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, jname, lFlags, vt, 1, hr);
    if (lFlags != 0 || !wszName || !pValue)
        return host_leave(c->host, &c->hdr, m, jname, lFlags, vt, 1, WBEM_E_INVALID_PARAMETER);
    VARIANT v, old;
    hr = wbem_from_copy(copy_as_host(&v, pValue));
    if (hr == S_OK) {
        hr = store(c, wszName, &v, &old);
        clear_as_host(hr == S_OK ? &old : &v);
    }
    return host_leave(c->host, &c->hdr, m, jname, lFlags, vt, 1, hr);
}

static HRESULT STDMETHODCALLTYPE context_GetValue(IWbemContext *iface, LPCWSTR wszName, LONG lFlags,
                                                  VARIANT *pValue)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_GetValue;
    int64_t jname = jstr(c->host, wszName);
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, jname, lFlags, 0, 1, hr);
    if (lFlags != 0 || !wszName || !pValue)
        return host_leave(c->host, &c->hdr, m, jname, lFlags, 0, 1, WBEM_E_INVALID_PARAMETER);
    VARIANT v;
    VariantInit(&v);
    pthread_mutex_lock(&c->lock);
    size_t i = find(c, wszName);
    hr = i == (size_t)-1 ? WBEM_E_NOT_FOUND : wbem_from_copy(VariantCopy(&v, &c->vals[i].v));
    pthread_mutex_unlock(&c->lock);
    if (hr == S_OK)
        *pValue = v;
    return host_leave(c->host, &c->hdr, m, jname, lFlags, V_VT(&v), 1, hr);
}

static HRESULT STDMETHODCALLTYPE context_DeleteValue(IWbemContext *iface, LPCWSTR wszName, LONG lFlags)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_DeleteValue;
    int64_t jname = jstr(c->host, wszName);
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, jname, lFlags, 0, 1, hr);
    if (lFlags != 0 || !wszName)
        return host_leave(c->host, &c->hdr, m, jname, lFlags, 0, 1, WBEM_E_INVALID_PARAMETER);
    struct ctx_value gone = {0};
    pthread_mutex_lock(&c->lock);
    size_t i = find(c, wszName);
    if (i == (size_t)-1) {
        hr = WBEM_E_NOT_FOUND;
    } else {
        gone = c->vals[i];
        memmove(&c->vals[i], &c->vals[i + 1], (c->n - i - 1) * sizeof *c->vals);
        c->n--;
        if (c->enumerating && c->cursor > i)
            c->cursor--;
    }
    pthread_mutex_unlock(&c->lock);
    if (gone.name) {
        clear_as_host(&gone.v);
        free(gone.name);
    }
    return host_leave(c->host, &c->hdr, m, jname, lFlags, 0, 1, hr);
}

/* Takes every value out (to be freed by the caller, unlocked). */
static struct ctx_value *steal_all(struct hcontext *c, size_t *n)
{
    pthread_mutex_lock(&c->lock);
    struct ctx_value *vals = c->vals;
    *n = c->n;
    c->vals = NULL;
    c->n = c->cap = 0;
    c->cursor = 0;
    pthread_mutex_unlock(&c->lock);
    return vals;
}

static HRESULT STDMETHODCALLTYPE context_DeleteAll(IWbemContext *iface)
{
    struct hcontext *c = impl_from_IWbemContext(iface);
    const enum hp_method m = HPM_IWbemContext_DeleteAll;
    HRESULT hr = host_enter(c->host, &c->hdr, m);
    if (hr != S_OK)
        return host_leave(c->host, &c->hdr, m, 0, 0, 0, 0, hr);
    size_t n;
    struct ctx_value *vals = steal_all(c, &n);
    free_values(vals, n);
    return host_leave(c->host, &c->hdr, m, (int64_t)n, 0, 0, 0, S_OK);
}

static const IWbemContextVtbl context_vtbl = {
    context_QueryInterface,
    context_AddRef,
    context_Release,
    context_Clone,
    context_GetNames,
    context_BeginEnumeration,
    context_Next,
    context_EndEnumeration,
    context_SetValue,
    context_GetValue,
    context_DeleteValue,
    context_DeleteAll,
};

/* ---- Ledger operations ------------------------------------------------------ */

static void context_on_dead(struct hobj *h)
{
    struct hcontext *c = impl_from_hobj(h);
    size_t n;
    struct ctx_value *vals = steal_all(c, &n);
    free_values(vals, n);
}

static void context_free(struct hobj *h)
{
    struct hcontext *c = impl_from_hobj(h);
    free_values(c->vals, c->n);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void context_describe(struct hobj *h, struct hp_buf *out)
{
    struct hcontext *c = impl_from_hobj(h);
    size_t n = context_count(c);
    hp_buf_printf(out, "%zu value%s", n, n == 1 ? "" : "s");
}

static const struct hobj_ops context_ops = {"IWbemContext", context_on_dead, context_free, context_describe};

/* ---- Internal API ------------------------------------------------------------- */

int context_new(struct hcontext **out, struct host *host, enum hp_actor holder)
{
    *out = NULL;
    struct hcontext *c = host_calloc(host, 1, sizeof *c);
    if (!c)
        return hp_error_set(HP_ENOMEM, "out of memory for an IWbemContext");
    c->IWbemContext_iface.lpVtbl = &context_vtbl;
    c->host = host;
    pthread_mutex_init(&c->lock, NULL);
    hobj_init(&c->hdr, &host->ledger, &context_ops, holder);
    *out = c;
    return 0;
}

IWbemContext *context_iface(struct hcontext *c)
{
    return &c->IWbemContext_iface;
}

struct hobj *context_hobj(struct hcontext *c)
{
    return &c->hdr;
}

struct hcontext *context_from_iface(const void *iface)
{
    const IWbemContext *p = iface;
    if (!p || p->lpVtbl != &context_vtbl)
        return NULL;
    return impl_from_IWbemContext((IWbemContext *)p);
}

int context_set(struct hcontext *c, const WCHAR *name, const VARIANT *v)
{
    VARIANT copy, old;
    HRESULT hr = copy_as_host(&copy, v);
    if (FAILED(hr))
        return hr == E_OUTOFMEMORY ? hp_error_set(HP_ENOMEM, "out of memory for a context value")
                                   : hp_error_set(HP_EINVAL, "context value: bad VARIANT type %u",
                                                  (unsigned)V_VT(v));
    if (store(c, name, &copy, &old) != S_OK) {
        clear_as_host(&copy);
        return hp_error_set(HP_ENOMEM, "out of memory for a context value");
    }
    clear_as_host(&old);
    return 0;
}

bool context_get(struct hcontext *c, const WCHAR *name, VARIANT *out)
{
    VariantInit(out);
    pthread_mutex_lock(&c->lock);
    size_t i = find(c, name);
    bool ok = i != (size_t)-1 && SUCCEEDED(VariantCopy(out, &c->vals[i].v));
    pthread_mutex_unlock(&c->lock);
    return ok;
}

size_t context_count(struct hcontext *c)
{
    pthread_mutex_lock(&c->lock);
    size_t n = c->n;
    pthread_mutex_unlock(&c->lock);
    return n;
}
