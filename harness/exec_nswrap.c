/*
 * harness/exec_nswrap.c - the namespace a scenario's own provider object
 * (`p.Initialize`) is given: the host's IWbemServices behind a thin
 * forwarding object that notes the IWbemContext of every call, so that
 * INIT-CTX-REUSE can be judged: calls made while Initialize runs pass the
 * pCtx Initialize was given; calls made after it returned do not.
 *
 * Invariants: every method forwards to the host's namespace unchanged, on
 * the caller's thread and with the caller's actor, so the ledger and the
 * journal see the provider's calls exactly as without the wrapper (only
 * QueryInterface for IUnknown or IWbemServices answers the wrapper
 * itself).  A wrapper lives until the case ends (exec_nswrap_free_all),
 * whatever its reference count says, so a provider that keeps it past its
 * own life cannot make the host crash.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "exec_private.h"
#include "namespace.h"

struct nswrap {
    IWbemServices IWbemServices_iface;
    atomic_long refs;
    IWbemServices *inner;        /* the host's namespace (borrowed: it lives until host_free) */
    IWbemContext *init_ctx;      /* what Initialize was given (not referenced: compared only) */
    atomic_bool in_init;
    atomic_ulong dependent_ok, dependent_bad, independent_bad;
    struct nswrap *next;
};

static struct nswrap *impl_from_IWbemServices(IWbemServices *iface)
{
    return (struct nswrap *)((char *)iface - offsetof(struct nswrap, IWbemServices_iface));
}

static IWbemServices *note(IWbemServices *iface, IWbemContext *ctx)
{
    struct nswrap *w = impl_from_IWbemServices(iface);
    if (atomic_load(&w->in_init)) {
        if (ctx == w->init_ctx)
            atomic_fetch_add(&w->dependent_ok, 1);
        else
            atomic_fetch_add(&w->dependent_bad, 1);
    } else if (ctx && ctx == w->init_ctx) {
        atomic_fetch_add(&w->independent_bad, 1);
    }
    return w->inner;
}

static HRESULT STDMETHODCALLTYPE w_QueryInterface(IWbemServices *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (riid && (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemServices))) {
        atomic_fetch_add(&impl_from_IWbemServices(iface)->refs, 1);
        *ppv = iface;
        return S_OK;
    }
    IWbemServices *inner = impl_from_IWbemServices(iface)->inner;
    return IWbemServices_QueryInterface(inner, riid, ppv);
}

static ULONG STDMETHODCALLTYPE w_AddRef(IWbemServices *iface)
{
    return (ULONG)atomic_fetch_add(&impl_from_IWbemServices(iface)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE w_Release(IWbemServices *iface)
{
    long n = atomic_fetch_sub(&impl_from_IWbemServices(iface)->refs, 1) - 1;
    return n < 0 ? 0 : (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE w_OpenNamespace(IWbemServices *t, const BSTR a, LONG f, IWbemContext *c,
                                                 IWbemServices **o, IWbemCallResult **r)
{
    IWbemServices *i = note(t, c);
    return i->lpVtbl->OpenNamespace(i, a, f, c, o, r);
}

static HRESULT STDMETHODCALLTYPE w_CancelAsyncCall(IWbemServices *t, IWbemObjectSink *s)
{
    IWbemServices *i = impl_from_IWbemServices(t)->inner;
    return i->lpVtbl->CancelAsyncCall(i, s);
}

static HRESULT STDMETHODCALLTYPE w_QueryObjectSink(IWbemServices *t, LONG f, IWbemObjectSink **s)
{
    IWbemServices *i = impl_from_IWbemServices(t)->inner;
    return i->lpVtbl->QueryObjectSink(i, f, s);
}

/* The methods of the form (X, LONG lFlags, IWbemContext *pCtx, Y). */
#define FORWARD4(name, T1, T4)                                                                        \
    static HRESULT STDMETHODCALLTYPE w_##name(IWbemServices *t, T1 a, LONG f, IWbemContext *c, T4 d) \
    {                                                                                                 \
        IWbemServices *i = note(t, c);                                                                \
        return i->lpVtbl->name(i, a, f, c, d);                                                        \
    }

static HRESULT STDMETHODCALLTYPE w_GetObject(IWbemServices *t, const BSTR a, LONG f, IWbemContext *c,
                                             IWbemClassObject **o, IWbemCallResult **r)
{
    IWbemServices *i = note(t, c);
    return i->lpVtbl->GetObject(i, a, f, c, o, r);
}

FORWARD4(GetObjectAsync, const BSTR, IWbemObjectSink *)
FORWARD4(PutClass, IWbemClassObject *, IWbemCallResult **)
FORWARD4(PutClassAsync, IWbemClassObject *, IWbemObjectSink *)
FORWARD4(DeleteClass, const BSTR, IWbemCallResult **)
FORWARD4(DeleteClassAsync, const BSTR, IWbemObjectSink *)
FORWARD4(CreateClassEnum, const BSTR, IEnumWbemClassObject **)
FORWARD4(CreateClassEnumAsync, const BSTR, IWbemObjectSink *)
FORWARD4(PutInstance, IWbemClassObject *, IWbemCallResult **)
FORWARD4(PutInstanceAsync, IWbemClassObject *, IWbemObjectSink *)
FORWARD4(DeleteInstance, const BSTR, IWbemCallResult **)
FORWARD4(DeleteInstanceAsync, const BSTR, IWbemObjectSink *)
FORWARD4(CreateInstanceEnum, const BSTR, IEnumWbemClassObject **)
FORWARD4(CreateInstanceEnumAsync, const BSTR, IWbemObjectSink *)

/* The methods of the form (lang, query, LONG lFlags, IWbemContext *pCtx, Y). */
#define FORWARD5(name, T5)                                                                                  \
    static HRESULT STDMETHODCALLTYPE w_##name(IWbemServices *t, const BSTR l, const BSTR q, LONG f,         \
                                              IWbemContext *c, T5 d)                                      \
    {                                                                                                       \
        IWbemServices *i = note(t, c);                                                                      \
        return i->lpVtbl->name(i, l, q, f, c, d);                                                           \
    }

FORWARD5(ExecQuery, IEnumWbemClassObject **)
FORWARD5(ExecQueryAsync, IWbemObjectSink *)
FORWARD5(ExecNotificationQuery, IEnumWbemClassObject **)
FORWARD5(ExecNotificationQueryAsync, IWbemObjectSink *)

static HRESULT STDMETHODCALLTYPE w_ExecMethod(IWbemServices *t, const BSTR p, const BSTR m, LONG f, IWbemContext *c,
                                              IWbemClassObject *in, IWbemClassObject **out, IWbemCallResult **r)
{
    IWbemServices *i = note(t, c);
    return i->lpVtbl->ExecMethod(i, p, m, f, c, in, out, r);
}

static HRESULT STDMETHODCALLTYPE w_ExecMethodAsync(IWbemServices *t, const BSTR p, const BSTR m, LONG f,
                                                   IWbemContext *c, IWbemClassObject *in, IWbemObjectSink *s)
{
    IWbemServices *i = note(t, c);
    return i->lpVtbl->ExecMethodAsync(i, p, m, f, c, in, s);
}

static const IWbemServicesVtbl nswrap_vtbl = {
    w_QueryInterface, w_AddRef, w_Release, w_OpenNamespace, w_CancelAsyncCall, w_QueryObjectSink,
    w_GetObject, w_GetObjectAsync, w_PutClass, w_PutClassAsync, w_DeleteClass, w_DeleteClassAsync,
    w_CreateClassEnum, w_CreateClassEnumAsync, w_PutInstance, w_PutInstanceAsync, w_DeleteInstance,
    w_DeleteInstanceAsync, w_CreateInstanceEnum, w_CreateInstanceEnumAsync, w_ExecQuery, w_ExecQueryAsync,
    w_ExecNotificationQuery, w_ExecNotificationQueryAsync, w_ExecMethod, w_ExecMethodAsync,
};

struct nswrap *exec_nswrap_new(struct exec *x, IWbemContext *init_ctx)
{
    IWbemServices *inner = host_namespace(x->host);
    struct nswrap *w = inner ? calloc(1, sizeof *w) : NULL;
    if (!w)
        return NULL;
    w->IWbemServices_iface.lpVtbl = &nswrap_vtbl;
    atomic_store(&w->refs, 1);
    w->inner = inner;
    w->init_ctx = init_ctx;
    w->next = x->nswraps;
    x->nswraps = w;
    return w;
}

IWbemServices *exec_nswrap_iface(struct nswrap *w)
{
    return &w->IWbemServices_iface;
}

void exec_nswrap_in_init(struct nswrap *w, bool on)
{
    atomic_store(&w->in_init, on);
}

int exec_nswrap_ok(const struct nswrap *w, struct hp_buf *why)
{
    unsigned long ok = atomic_load(&w->dependent_ok), bad = atomic_load(&w->dependent_bad),
                  ind = atomic_load(&w->independent_bad);
    if (bad)
        hp_buf_printf(why, "%lu call%s into the namespace during Initialize did not pass its pCtx (%lu did)\n", bad,
                      bad == 1 ? "" : "s", ok);
    if (ind)
        hp_buf_printf(why, "%lu call%s after Initialize returned passed Initialize's pCtx\n", ind,
                      ind == 1 ? "" : "s");
    if (!bad && !ind)
        hp_buf_printf(why, "%lu call%s during Initialize, all with its pCtx\n", ok, ok == 1 ? "" : "s");
    return !bad && !ind;
}

void exec_nswrap_free_all(struct exec *x)
{
    while (x->nswraps) {
        struct nswrap *w = x->nswraps;
        x->nswraps = w->next;
        free(w);
    }
}
