/*
 * hiperf/wbemprov.h - what a provider implements: IWbemProviderInit (and
 * the sink it reports through) and IWbemHiPerfProvider, with the extra
 * return codes and flags of the provider API.
 */
#ifndef HIPERF_WBEMPROV_H
#define HIPERF_WBEMPROV_H

#include "hiperf/wbemcli.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct IWbemProviderInitSink IWbemProviderInitSink;
typedef struct IWbemProviderInit IWbemProviderInit;
typedef struct IWbemHiPerfProvider IWbemHiPerfProvider;

/* WBEM_EXTRA_RETURN_CODES */
#define WBEM_S_INITIALIZED ((HRESULT)0x0)
#define WBEM_S_LIMITED_SERVICE ((HRESULT)0x43001)
#define WBEM_S_INDIRECTLY_UPDATED ((HRESULT)0x43002)
#define WBEM_S_SUBJECT_TO_SDS ((HRESULT)0x43003)
#define WBEM_E_RETRY_LATER ((HRESULT)0x80043001)
#define WBEM_E_RESOURCE_CONTENTION ((HRESULT)0x80043002)

typedef enum WBEM_PROVIDER_FLAGS {
    WBEM_FLAG_OWNER_UPDATE = 0x10000
} WBEM_PROVIDER_FLAGS;

typedef enum WBEM_PROVIDER_REQUIREMENTS_TYPE {
    WBEM_REQUIREMENTS_START_POSTFILTER = 0,
    WBEM_REQUIREMENTS_STOP_POSTFILTER = 1,
    WBEM_REQUIREMENTS_RECHECK_SUBSCRIPTIONS = 2
} WBEM_PROVIDER_REQUIREMENTS_TYPE;

typedef enum WBEM_BATCH_TYPE {
    WBEM_FLAG_BATCH_IF_NEEDED = 0,
    WBEM_FLAG_MUST_BATCH = 0x1,
    WBEM_FLAG_MUST_NOT_BATCH = 0x2
} WBEM_BATCH_TYPE;

HIPERF_DEFINE_GUID(CLSID_WbemAdministrativeLocator, 0xcb8555cc, 0x9128, 0x11d1, 0xad, 0x9b, 0x00, 0xc0, 0x4f, 0xd8, 0xfd, 0xff);
HIPERF_DEFINE_GUID(CLSID_WbemAuthenticatedLocator, 0xcd184336, 0x9128, 0x11d1, 0xad, 0x9b, 0x00, 0xc0, 0x4f, 0xd8, 0xfd, 0xff);
HIPERF_DEFINE_GUID(CLSID_WbemUnauthenticatedLocator, 0x443e7b79, 0xde31, 0x11d2, 0xb3, 0x40, 0x00, 0x10, 0x4b, 0xcc, 0x4b, 0x4a);
HIPERF_DEFINE_GUID(LIBID_WbemProviders_v1, 0x092df710, 0x7010, 0x11d1, 0xad, 0x90, 0x00, 0xc0, 0x4f, 0xd8, 0xfd, 0xff);

/* IWbemProviderInitSink: 4 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemProviderInitSink, 0x1be41571, 0x91dd, 0x11d1, 0xae, 0xb2, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemProviderInitSinkVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemProviderInitSink *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemProviderInitSink *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemProviderInitSink *This);
    HRESULT (STDMETHODCALLTYPE *SetStatus)(IWbemProviderInitSink *This, LONG lStatus, LONG lFlags);
} IWbemProviderInitSinkVtbl;
struct IWbemProviderInitSink {
    const IWbemProviderInitSinkVtbl *lpVtbl;
};
#define IWbemProviderInitSink_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemProviderInitSink_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemProviderInitSink_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemProviderInitSink_SetStatus(This, lStatus, lFlags) ((This)->lpVtbl->SetStatus((This), lStatus, lFlags))

/* IWbemProviderInit: 4 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemProviderInit, 0x1be41572, 0x91dd, 0x11d1, 0xae, 0xb2, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemProviderInitVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemProviderInit *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemProviderInit *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemProviderInit *This);
    HRESULT (STDMETHODCALLTYPE *Initialize)(IWbemProviderInit *This, LPWSTR wszUser, LONG lFlags, LPWSTR wszNamespace, LPWSTR wszLocale, IWbemServices *pNamespace, IWbemContext *pCtx, IWbemProviderInitSink *pInitSink);
} IWbemProviderInitVtbl;
struct IWbemProviderInit {
    const IWbemProviderInitVtbl *lpVtbl;
};
#define IWbemProviderInit_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemProviderInit_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemProviderInit_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemProviderInit_Initialize(This, wszUser, lFlags, wszNamespace, wszLocale, pNamespace, pCtx, pInitSink) ((This)->lpVtbl->Initialize((This), wszUser, lFlags, wszNamespace, wszLocale, pNamespace, pCtx, pInitSink))

/* IWbemHiPerfProvider: 9 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemHiPerfProvider, 0x49353c93, 0x516b, 0x11d1, 0xae, 0xa6, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemHiPerfProviderVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemHiPerfProvider *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemHiPerfProvider *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemHiPerfProvider *This);
    HRESULT (STDMETHODCALLTYPE *QueryInstances)(IWbemHiPerfProvider *This, IWbemServices *pNamespace, WCHAR *wszClass, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pSink);
    HRESULT (STDMETHODCALLTYPE *CreateRefresher)(IWbemHiPerfProvider *This, IWbemServices *pNamespace, LONG lFlags, IWbemRefresher **ppRefresher);
    HRESULT (STDMETHODCALLTYPE *CreateRefreshableObject)(IWbemHiPerfProvider *This, IWbemServices *pNamespace, IWbemObjectAccess *pTemplate, IWbemRefresher *pRefresher, LONG lFlags, IWbemContext *pContext, IWbemObjectAccess **ppRefreshable, LONG *plId);
    HRESULT (STDMETHODCALLTYPE *StopRefreshing)(IWbemHiPerfProvider *This, IWbemRefresher *pRefresher, LONG lId, LONG lFlags);
    HRESULT (STDMETHODCALLTYPE *CreateRefreshableEnum)(IWbemHiPerfProvider *This, IWbemServices *pNamespace, LPCWSTR wszClass, IWbemRefresher *pRefresher, LONG lFlags, IWbemContext *pContext, IWbemHiPerfEnum *pHiPerfEnum, LONG *plId);
    HRESULT (STDMETHODCALLTYPE *GetObjects)(IWbemHiPerfProvider *This, IWbemServices *pNamespace, LONG lNumObjects, IWbemObjectAccess **apObj, LONG lFlags, IWbemContext *pContext);
} IWbemHiPerfProviderVtbl;
struct IWbemHiPerfProvider {
    const IWbemHiPerfProviderVtbl *lpVtbl;
};
#define IWbemHiPerfProvider_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemHiPerfProvider_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemHiPerfProvider_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemHiPerfProvider_QueryInstances(This, pNamespace, wszClass, lFlags, pCtx, pSink) ((This)->lpVtbl->QueryInstances((This), pNamespace, wszClass, lFlags, pCtx, pSink))
#define IWbemHiPerfProvider_CreateRefresher(This, pNamespace, lFlags, ppRefresher) ((This)->lpVtbl->CreateRefresher((This), pNamespace, lFlags, ppRefresher))
#define IWbemHiPerfProvider_CreateRefreshableObject(This, pNamespace, pTemplate, pRefresher, lFlags, pContext, ppRefreshable, plId) ((This)->lpVtbl->CreateRefreshableObject((This), pNamespace, pTemplate, pRefresher, lFlags, pContext, ppRefreshable, plId))
#define IWbemHiPerfProvider_StopRefreshing(This, pRefresher, lId, lFlags) ((This)->lpVtbl->StopRefreshing((This), pRefresher, lId, lFlags))
#define IWbemHiPerfProvider_CreateRefreshableEnum(This, pNamespace, wszClass, pRefresher, lFlags, pContext, pHiPerfEnum, plId) ((This)->lpVtbl->CreateRefreshableEnum((This), pNamespace, wszClass, pRefresher, lFlags, pContext, pHiPerfEnum, plId))
#define IWbemHiPerfProvider_GetObjects(This, pNamespace, lNumObjects, apObj, lFlags, pContext) ((This)->lpVtbl->GetObjects((This), pNamespace, lNumObjects, apObj, lFlags, pContext))

#ifdef __cplusplus
}
#endif

#endif /* HIPERF_WBEMPROV_H */
