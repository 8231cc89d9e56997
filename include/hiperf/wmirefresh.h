/*
 * hiperf/wmirefresh.h - the refresher half of the [MS-WMI] remote protocol:
 * IWbemRefreshingServices (3.1.4.12), IWbemRemoteRefresher (3.1.4.13) and
 * the structures of sections 2.2.15-2.2.28.  These are not in the Windows
 * SDK headers; layouts follow the protocol IDL with the in-memory layout a
 * 64-bit Windows compiler gives (tests/abi checks the sizes and offsets
 * listed in research/abi-facts.md section 7.1).
 */
#ifndef HIPERF_WMIREFRESH_H
#define HIPERF_WMIREFRESH_H

#include "hiperf/wbemcli.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct IWbemRefreshingServices IWbemRefreshingServices;
typedef struct IWbemRemoteRefresher IWbemRemoteRefresher;

/* 2.2.25: the kinds of refresh information.  INVALID is what a failed call
 * leaves (with the rest of the structure zero). */
typedef enum WBEM_REFRESH_TYPE {
    WBEM_REFRESH_TYPE_INVALID = 0,
    WBEM_REFRESH_TYPE_REMOTE = 3,
    WBEM_REFRESH_TYPE_NON_HIPERF = 6
} WBEM_REFRESH_TYPE;

/* 2.2.17 */
typedef enum WBEM_INSTANCE_BLOB_TYPE {
    WBEM_BLOB_TYPE_ALL = 2,
    WBEM_BLOB_TYPE_ERROR = 3,
    WBEM_BLOB_TYPE_ENUM = 4
} WBEM_INSTANCE_BLOB_TYPE;

/* 2.2.24; _LAST is a range marker clients must not send. */
typedef enum WBEM_RECONNECT_TYPE {
    WBEM_RECONNECT_TYPE_OBJECT = 0,
    WBEM_RECONNECT_TYPE_ENUM = 1,
    WBEM_RECONNECT_TYPE_LAST = 2
} WBEM_RECONNECT_TYPE;

typedef enum WBEM_REFR_VERSION_NUMBER {
    WBEM_REFRESHER_VERSION = 2
} WBEM_REFR_VERSION_NUMBER;

/* 2.2.21: who is asking.  32 bytes: name @0, pid @8, GUID @12. */
typedef struct _WBEM_REFRESHER_ID {
    LPSTR m_szMachineName;
    DWORD m_dwProcessId;
    GUID m_guidRefresherId;
} _WBEM_REFRESHER_ID;

/* 2.2.27: 32 bytes, GUID @16. */
typedef struct _WBEM_REFRESH_INFO_REMOTE {
    IWbemRemoteRefresher *m_pRefresher;
    IWbemClassObject *m_pTemplate;
    GUID m_Guid;
} _WBEM_REFRESH_INFO_REMOTE;

/* 2.2.26: 16 bytes. */
typedef struct _WBEM_REFRESH_INFO_NON_HIPERF {
    WCHAR *m_wszNamespace;
    IWbemClassObject *m_pTemplate;
} _WBEM_REFRESH_INFO_NON_HIPERF;

/* 2.2.28: selected by m_lType (3 remote, 6 non-hi-perf, 0 m_hres). */
typedef union _WBEM_REFRESH_INFO_UNION {
    _WBEM_REFRESH_INFO_REMOTE m_Remote;
    _WBEM_REFRESH_INFO_NON_HIPERF m_NonHiPerf;
    HRESULT m_hres;
} WBEM_REFRESH_INFO_UNION;

/* 2.2.20: 48 bytes, m_Info @8, m_lCancelId @40. */
typedef struct _WBEM_REFRESH_INFO {
    LONG m_lType;
    WBEM_REFRESH_INFO_UNION m_Info;
    LONG m_lCancelId;
} _WBEM_REFRESH_INFO;

/* 2.2.22: 16 bytes, path @8. */
typedef struct _WBEM_RECONNECT_INFO {
    LONG m_lType;
    LPCWSTR m_pwcsPath;
} _WBEM_RECONNECT_INFO;

/* 2.2.23: 8 bytes. */
typedef struct _WBEM_RECONNECT_RESULTS {
    LONG m_lId;
    HRESULT m_hr;
} _WBEM_RECONNECT_RESULTS;

/* 2.2.15: 24 bytes, length @8, blob @16.  The blob is allocated with
 * CoTaskMemAlloc and freed by the receiver. */
typedef struct _WBEM_REFRESHED_OBJECT {
    LONG m_lRequestId;
    LONG m_lBlobType;
    LONG m_lBlobLength;
    BYTE *m_pbBlob;
} WBEM_REFRESHED_OBJECT;

/* IWbemRefreshingServices: 9 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemRefreshingServices, 0x2c9273e0, 0x1dc3, 0x11d3, 0xb3, 0x64, 0x00, 0x10, 0x5a, 0x1f, 0x81, 0x77);
typedef struct IWbemRefreshingServicesVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemRefreshingServices *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemRefreshingServices *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemRefreshingServices *This);
    HRESULT (STDMETHODCALLTYPE *AddObjectToRefresher)(IWbemRefreshingServices *This, _WBEM_REFRESHER_ID *pRefresherId, LPCWSTR wszPath, LONG lFlags, IWbemContext *pContext, DWORD dwClientRefrVersion, _WBEM_REFRESH_INFO *pInfo, DWORD *pdwSvrRefrVersion);
    HRESULT (STDMETHODCALLTYPE *AddObjectToRefresherByTemplate)(IWbemRefreshingServices *This, _WBEM_REFRESHER_ID *pRefresherId, IWbemClassObject *pTemplate, LONG lFlags, IWbemContext *pContext, DWORD dwClientRefrVersion, _WBEM_REFRESH_INFO *pInfo, DWORD *pdwSvrRefrVersion);
    HRESULT (STDMETHODCALLTYPE *AddEnumToRefresher)(IWbemRefreshingServices *This, _WBEM_REFRESHER_ID *pRefresherId, LPCWSTR wszClass, LONG lFlags, IWbemContext *pContext, DWORD dwClientRefrVersion, _WBEM_REFRESH_INFO *pInfo, DWORD *pdwSvrRefrVersion);
    HRESULT (STDMETHODCALLTYPE *RemoveObjectFromRefresher)(IWbemRefreshingServices *This, _WBEM_REFRESHER_ID *pRefresherId, LONG lId, LONG lFlags, DWORD dwClientRefrVersion, DWORD *pdwSvrRefrVersion);
    HRESULT (STDMETHODCALLTYPE *GetRemoteRefresher)(IWbemRefreshingServices *This, _WBEM_REFRESHER_ID *pRefresherId, LONG lFlags, DWORD dwClientRefrVersion, IWbemRemoteRefresher **ppRemRefresher, GUID *pGuid, DWORD *pdwSvrRefrVersion);
    HRESULT (STDMETHODCALLTYPE *ReconnectRemoteRefresher)(IWbemRefreshingServices *This, _WBEM_REFRESHER_ID *pRefresherId, LONG lFlags, LONG lNumObjects, DWORD dwClientRefrVersion, _WBEM_RECONNECT_INFO *apReconnectInfo, _WBEM_RECONNECT_RESULTS *apReconnectResults, DWORD *pdwSvrRefrVersion);
} IWbemRefreshingServicesVtbl;
struct IWbemRefreshingServices {
    const IWbemRefreshingServicesVtbl *lpVtbl;
};
#define IWbemRefreshingServices_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemRefreshingServices_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemRefreshingServices_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemRefreshingServices_AddObjectToRefresher(This, pRefresherId, wszPath, lFlags, pContext, dwClientRefrVersion, pInfo, pdwSvrRefrVersion) ((This)->lpVtbl->AddObjectToRefresher((This), pRefresherId, wszPath, lFlags, pContext, dwClientRefrVersion, pInfo, pdwSvrRefrVersion))
#define IWbemRefreshingServices_AddObjectToRefresherByTemplate(This, pRefresherId, pTemplate, lFlags, pContext, dwClientRefrVersion, pInfo, pdwSvrRefrVersion) ((This)->lpVtbl->AddObjectToRefresherByTemplate((This), pRefresherId, pTemplate, lFlags, pContext, dwClientRefrVersion, pInfo, pdwSvrRefrVersion))
#define IWbemRefreshingServices_AddEnumToRefresher(This, pRefresherId, wszClass, lFlags, pContext, dwClientRefrVersion, pInfo, pdwSvrRefrVersion) ((This)->lpVtbl->AddEnumToRefresher((This), pRefresherId, wszClass, lFlags, pContext, dwClientRefrVersion, pInfo, pdwSvrRefrVersion))
#define IWbemRefreshingServices_RemoveObjectFromRefresher(This, pRefresherId, lId, lFlags, dwClientRefrVersion, pdwSvrRefrVersion) ((This)->lpVtbl->RemoveObjectFromRefresher((This), pRefresherId, lId, lFlags, dwClientRefrVersion, pdwSvrRefrVersion))
#define IWbemRefreshingServices_GetRemoteRefresher(This, pRefresherId, lFlags, dwClientRefrVersion, ppRemRefresher, pGuid, pdwSvrRefrVersion) ((This)->lpVtbl->GetRemoteRefresher((This), pRefresherId, lFlags, dwClientRefrVersion, ppRemRefresher, pGuid, pdwSvrRefrVersion))
#define IWbemRefreshingServices_ReconnectRemoteRefresher(This, pRefresherId, lFlags, lNumObjects, dwClientRefrVersion, apReconnectInfo, apReconnectResults, pdwSvrRefrVersion) ((This)->lpVtbl->ReconnectRemoteRefresher((This), pRefresherId, lFlags, lNumObjects, dwClientRefrVersion, apReconnectInfo, apReconnectResults, pdwSvrRefrVersion))

/* IWbemRemoteRefresher: 6 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemRemoteRefresher, 0xf1e9c5b2, 0xf59b, 0x11d2, 0xb3, 0x62, 0x00, 0x10, 0x5a, 0x1f, 0x81, 0x77);
typedef struct IWbemRemoteRefresherVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemRemoteRefresher *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemRemoteRefresher *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemRemoteRefresher *This);
    HRESULT (STDMETHODCALLTYPE *RemoteRefresh)(IWbemRemoteRefresher *This, LONG lFlags, LONG *plNumObjects, WBEM_REFRESHED_OBJECT **paObjects);
    HRESULT (STDMETHODCALLTYPE *StopRefreshing)(IWbemRemoteRefresher *This, LONG lNumIds, LONG *aplIds, LONG lFlags);
    HRESULT (STDMETHODCALLTYPE *Opnum5NotUsedOnWire)(IWbemRemoteRefresher *This, LONG lFlags, GUID *pGuid);
} IWbemRemoteRefresherVtbl;
struct IWbemRemoteRefresher {
    const IWbemRemoteRefresherVtbl *lpVtbl;
};
#define IWbemRemoteRefresher_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemRemoteRefresher_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemRemoteRefresher_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemRemoteRefresher_RemoteRefresh(This, lFlags, plNumObjects, paObjects) ((This)->lpVtbl->RemoteRefresh((This), lFlags, plNumObjects, paObjects))
#define IWbemRemoteRefresher_StopRefreshing(This, lNumIds, aplIds, lFlags) ((This)->lpVtbl->StopRefreshing((This), lNumIds, aplIds, lFlags))
#define IWbemRemoteRefresher_Opnum5NotUsedOnWire(This, lFlags, pGuid) ((This)->lpVtbl->Opnum5NotUsedOnWire((This), lFlags, pGuid))

#ifdef __cplusplus
}
#endif

#endif /* HIPERF_WMIREFRESH_H */
