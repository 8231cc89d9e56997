/*
 * hiperf/unknwn.h - IUnknown and IClassFactory, and the in-process server
 * entry points a provider shared object exports.
 */
#ifndef HIPERF_UNKNWN_H
#define HIPERF_UNKNWN_H

#include "hiperf/wintypes.h"
#include "hiperf/winerror.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct IClassFactory IClassFactory;

/* IUnknown: 3 slots. */
HIPERF_DEFINE_GUID(IID_IUnknown, 0x00000000, 0x0000, 0x0000, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46);
typedef struct IUnknownVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IUnknown *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IUnknown *This);
    ULONG (STDMETHODCALLTYPE *Release)(IUnknown *This);
} IUnknownVtbl;
struct IUnknown {
    const IUnknownVtbl *lpVtbl;
};
#define IUnknown_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IUnknown_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IUnknown_Release(This) ((This)->lpVtbl->Release((This)))

/* IClassFactory: 5 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IClassFactory, 0x00000001, 0x0000, 0x0000, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46);
typedef struct IClassFactoryVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IClassFactory *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IClassFactory *This);
    ULONG (STDMETHODCALLTYPE *Release)(IClassFactory *This);
    HRESULT (STDMETHODCALLTYPE *CreateInstance)(IClassFactory *This, IUnknown *pUnkOuter, REFIID riid, void **ppvObject);
    HRESULT (STDMETHODCALLTYPE *LockServer)(IClassFactory *This, BOOL fLock);
} IClassFactoryVtbl;
struct IClassFactory {
    const IClassFactoryVtbl *lpVtbl;
};
#define IClassFactory_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IClassFactory_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IClassFactory_Release(This) ((This)->lpVtbl->Release((This)))
#define IClassFactory_CreateInstance(This, pUnkOuter, riid, ppvObject) ((This)->lpVtbl->CreateInstance((This), pUnkOuter, riid, ppvObject))
#define IClassFactory_LockServer(This, fLock) ((This)->lpVtbl->LockServer((This), fLock))

/* The entry points of an in-process COM server.  A provider defines them
 * so they stay visible, e.g.
 *     HIPERF_EXPORT HRESULT STDAPICALLTYPE DllCanUnloadNow(void) { ... }
 * (in C++ write `STDAPI HIPERF_EXPORT` if you use STDAPI: an attribute may
 * not come before extern "C"); the host finds them with dlsym.
 * DllGetClassObject: S_OK, or CLASS_E_CLASSNOTAVAILABLE with *ppv = NULL.
 * DllCanUnloadNow: S_OK when no object of the server is alive, else S_FALSE. */
typedef HRESULT (STDAPICALLTYPE *LPFNGETCLASSOBJECT)(REFCLSID rclsid, REFIID riid, LPVOID *ppv);
typedef HRESULT (STDAPICALLTYPE *LPFNCANUNLOADNOW)(void);
STDAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv);
STDAPI DllCanUnloadNow(void);

#ifdef __cplusplus
}
#endif

#endif /* HIPERF_UNKNWN_H */
