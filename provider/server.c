/*
 * provider/server.c - the in-process COM server around the reference
 * provider: DllGetClassObject, DllCanUnloadNow, the class factory, and the
 * module's count of live objects and server locks.
 *
 * Invariant: `live_objects` is the number of COM objects of this module
 * (factories, providers, refreshers) that have been made and not yet freed,
 * and `server_locks` the number of LockServer(TRUE) calls not yet undone;
 * DllCanUnloadNow says S_OK exactly when both are zero.  Both are atomic,
 * so any thread may make or free objects.
 *
 * These two functions are the only symbols the shared object exports (the
 * target is built with hidden visibility; HIPERF_EXPORT reopens these).
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "provider_private.h"

/* {D912E92E-E4C1-44FC-BD2A-FF36D68B16CA}: __Win32Provider.CLSID */
const CLSID CLSID_RefProv = {0xd912e92e, 0xe4c1, 0x44fc, {0xbd, 0x2a, 0xff, 0x36, 0xd6, 0x8b, 0x16, 0xca}};
/* {07D4B961-42B1-4090-B8C2-D4F8FA7D7542}: __Win32Provider.ClientLoadableCLSID */
const CLSID CLSID_RefProvClient = {0x07d4b961, 0x42b1, 0x4090, {0xb8, 0xc2, 0xd4, 0xf8, 0xfa, 0x7d, 0x75, 0x42}};
/* {9360BFA2-939C-4EC4-B8B8-EC4135FEFDE8}: HiPerfCheck_Ordinary's CLSID */
const CLSID CLSID_RefProvOrdinary = {0x9360bfa2, 0x939c, 0x4ec4, {0xb8, 0xb8, 0xec, 0x41, 0x35, 0xfe, 0xfd, 0xe8}};

static atomic_long live_objects;
static atomic_long server_locks;

void rp_module_object_created(void)
{
    atomic_fetch_add(&live_objects, 1);
}

void rp_module_object_destroyed(void)
{
    atomic_fetch_sub(&live_objects, 1);
}

/* ---- the class factory -------------------------------------------------- */

enum factory_kind {
    FACTORY_HIPERF,         /* CLSID: loaded inside WMI */
    FACTORY_HIPERF_CLIENT,  /* ClientLoadableCLSID: loaded inside a client */
    FACTORY_ORDINARY,
};

struct factory {
    IClassFactory IClassFactory_iface;
    atomic_uint ref;
    enum factory_kind kind;
};

static struct factory *impl_from_IClassFactory(IClassFactory *iface)
{
    return RP_CONTAINER_OF(iface, struct factory, IClassFactory_iface);
}

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) {
        *ppv = iface;
        IClassFactory_AddRef(iface);
        return S_OK;
    }
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
    return atomic_fetch_add(&impl_from_IClassFactory(iface)->ref, 1) + 1;
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
    struct factory *f = impl_from_IClassFactory(iface);
    ULONG ref = atomic_fetch_sub(&f->ref, 1) - 1;

    if (ref == 0) {
        free(f);
        rp_module_object_destroyed();
    }
    return ref;
}

/* Makes the object this factory stands for and returns the interface
 * `riid` of it in *ppv (owned by the caller).  The new object's own first
 * reference is dropped after the QueryInterface, so a failed
 * QueryInterface frees it again. */
static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
                                                        void **ppv)
{
    struct factory *f = impl_from_IClassFactory(iface);
    IUnknown *unk = NULL;
    HRESULT hr;

    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    if (f->kind == FACTORY_ORDINARY)
        hr = rp_ordinary_create(&unk);
    else
        hr = rp_provider_create(f->kind == FACTORY_HIPERF_CLIENT, &unk);
    if (FAILED(hr))
        return hr;
    hr = IUnknown_QueryInterface(unk, riid, ppv);
    IUnknown_Release(unk);
    return hr;
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    if (lock) {
        atomic_fetch_add(&server_locks, 1);
        return S_OK;
    }
    /* An unbalanced unlock is the caller's bug; never go below zero. */
    long n = atomic_load(&server_locks);
    while (n > 0 && !atomic_compare_exchange_weak(&server_locks, &n, n - 1))
        ;
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl = {
    factory_QueryInterface,
    factory_AddRef,
    factory_Release,
    factory_CreateInstance,
    factory_LockServer,
};

/* ---- the entry points -------------------------------------------------- */

/* Returns in *ppv (owned by the caller) the interface `riid` of a new class
 * factory for `rclsid`: the hi-perf provider for its CLSID and its
 * ClientLoadableCLSID, the ordinary provider for the third CLSID.
 * CLASS_E_CLASSNOTAVAILABLE for any other CLSID; *ppv is NULL on every
 * failure. */
HIPERF_EXPORT HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
    struct factory *f;
    enum factory_kind kind;
    HRESULT hr;

    if (!ppv)
        return E_INVALIDARG;
    *ppv = NULL;
    if (!rclsid || !riid)
        return E_INVALIDARG;
    if (IsEqualCLSID(rclsid, &CLSID_RefProv))
        kind = FACTORY_HIPERF;
    else if (IsEqualCLSID(rclsid, &CLSID_RefProvClient))
        kind = FACTORY_HIPERF_CLIENT;
    else if (IsEqualCLSID(rclsid, &CLSID_RefProvOrdinary))
        kind = FACTORY_ORDINARY;
    else
#if defined(HIPERF_DEFECT_DLL_UNKNOWN_CLSID)
        /* DEFECT dll_unknown_clsid (DLL-GETCLASSOBJECT-UNKNOWN): "only WMI
         * calls us, with our own CLSID": any CLSID gets the hi-perf
         * provider's factory. */
        kind = FACTORY_HIPERF;
#else
        return CLASS_E_CLASSNOTAVAILABLE;
#endif

    f = calloc(1, sizeof(*f));
    if (!f)
        return E_OUTOFMEMORY;
    f->IClassFactory_iface.lpVtbl = &factory_vtbl;
    atomic_init(&f->ref, 1);
    f->kind = kind;
    rp_module_object_created();

    hr = IClassFactory_QueryInterface(&f->IClassFactory_iface, riid, ppv);
    IClassFactory_Release(&f->IClassFactory_iface);
    return hr;
}

/* S_OK when no object of this module is alive and no LockServer lock is
 * held, else S_FALSE. */
HIPERF_EXPORT HRESULT STDAPICALLTYPE DllCanUnloadNow(void)
{
#if defined(HIPERF_DEFECT_DLL_CANUNLOAD_ALWAYS)
    /* DEFECT dll_canunload_always (DLL-CANUNLOADNOW): "the provider keeps
     * no global state", so it may always be unloaded, live objects or
     * not. */
    return S_OK;
#else
    return atomic_load(&live_objects) == 0 && atomic_load(&server_locks) == 0 ? S_OK : S_FALSE;
#endif
}
