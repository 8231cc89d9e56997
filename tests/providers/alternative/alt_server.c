/*
 * tests/providers/alternative/alt_server.c - the in-process COM server
 * around HiPerfCheck_Alternative: DllGetClassObject, DllCanUnloadNow and
 * one class factory object shared by every caller (CF-INSTANCE-SHARING
 * allows it; the reference provider makes a new factory per call).
 *
 * Invariant: `alive` counts the provider objects and refreshers that exist
 * (the static factory is not counted: it is never freed, but every
 * reference handed out on it is counted in `factory_refs`), `locks` the
 * LockServer(TRUE) calls not undone.  DllCanUnloadNow answers S_OK exactly
 * when all three are zero.
 */
#include <stdatomic.h>

#include "alt_private.h"

/* {FCCD6361-0EA7-4E41-B6A7-E349CDE65735}: __Win32Provider.CLSID */
static const CLSID CLSID_Alternative = {0xfccd6361, 0x0ea7, 0x4e41, {0xb6, 0xa7, 0xe3, 0x49, 0xcd, 0xe6, 0x57, 0x35}};
/* {59DFCC68-970C-4DD5-83FF-7078FE1C4375}: __Win32Provider.ClientLoadableCLSID */
static const CLSID CLSID_AlternativeClient = {0x59dfcc68, 0x970c, 0x4dd5, {0x83, 0xff, 0x70, 0x78, 0xfe, 0x1c, 0x43, 0x75}};

static atomic_long alive, locks, factory_refs;

void alt_object_made(void)
{
    atomic_fetch_add(&alive, 1);
}

void alt_object_gone(void)
{
    atomic_fetch_sub(&alive, 1);
}

static HRESULT STDMETHODCALLTYPE factory_QueryInterface(IClassFactory *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IClassFactory))
        return E_NOINTERFACE;
    IClassFactory_AddRef(iface);
    *ppv = iface;
    return S_OK;
}

/* The factory is static: its count only tells DllCanUnloadNow whether
 * anyone still holds it. */
static ULONG STDMETHODCALLTYPE factory_AddRef(IClassFactory *iface)
{
    (void)iface;
    return (ULONG)(atomic_fetch_add(&factory_refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE factory_Release(IClassFactory *iface)
{
    long n = atomic_load(&factory_refs);

    (void)iface;
    while (n > 0 && !atomic_compare_exchange_weak(&factory_refs, &n, n - 1))
        ;
    return n > 0 ? (ULONG)(n - 1) : 0;
}

static HRESULT STDMETHODCALLTYPE factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid,
                                                        void **ppv)
{
    IUnknown *unk;
    HRESULT hr;

    (void)iface;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_POINTER;
    if (outer)
        return CLASS_E_NOAGGREGATION;
    hr = alt_provider_create(&unk);
    if (FAILED(hr))
        return hr;
    hr = IUnknown_QueryInterface(unk, riid, ppv);
    IUnknown_Release(unk);
    return hr;
}

static HRESULT STDMETHODCALLTYPE factory_LockServer(IClassFactory *iface, BOOL lock)
{
    long n;

    (void)iface;
    if (lock) {
        atomic_fetch_add(&locks, 1);
        return S_OK;
    }
    n = atomic_load(&locks);
    while (n > 0 && !atomic_compare_exchange_weak(&locks, &n, n - 1))
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

static IClassFactory the_factory = {&factory_vtbl};

/* Both registered CLSIDs give the same factory: the provider behaves the
 * same inside WMI and inside a client. */
HIPERF_EXPORT HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_INVALIDARG;
    *ppv = NULL;
    if (!rclsid || !riid)
        return E_INVALIDARG;
    if (!IsEqualCLSID(rclsid, &CLSID_Alternative) && !IsEqualCLSID(rclsid, &CLSID_AlternativeClient))
        return CLASS_E_CLASSNOTAVAILABLE;
    return IClassFactory_QueryInterface(&the_factory, riid, ppv);
}

HIPERF_EXPORT HRESULT STDAPICALLTYPE DllCanUnloadNow(void)
{
    return atomic_load(&alive) == 0 && atomic_load(&locks) == 0 && atomic_load(&factory_refs) == 0 ? S_OK
                                                                                                       : S_FALSE;
}
