/*
 * headers_tu.c - hiperf/com.h as a provider uses it, compiled (never run)
 * by the abi_headers_* tests as strict C11 (-pedantic-errors) and, with
 * -x c++, as C++11 and C++17, all with -Wall -Wextra -Werror.  Written in
 * the common subset of C and C++ so one file serves all three.
 *
 * What it shows: the headers compile warning-free in each language; a
 * static const vtable of our own functions type-checks against the Vtbl
 * struct (exact function-pointer types, which C++ checks strictly); the
 * method macros, IIDs, VARIANT access macros and HRESULT helpers work; and
 * the key layout facts hold in C++ too (the abi_vs_mingw test checks them
 * in C only).
 */
#include "hiperf/com.h"

#ifdef __cplusplus
#define TU_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define TU_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

TU_STATIC_ASSERT(sizeof(LONG) == 4 && sizeof(ULONG) == 4 && sizeof(DWORD) == 4, "LLP64 widths");
TU_STATIC_ASSERT(sizeof(WCHAR) == 2, "WCHAR is a UTF-16 unit");
TU_STATIC_ASSERT(sizeof(HRESULT) == 4 && (HRESULT)0x80041001 < 0, "HRESULT is signed 32-bit");
TU_STATIC_ASSERT(WBEM_E_FAILED < 0 && E_NOINTERFACE < 0, "error codes are negative HRESULTs");
TU_STATIC_ASSERT(sizeof(GUID) == 16, "GUID");
TU_STATIC_ASSERT(sizeof(VARIANT) == 24 && offsetof(VARIANT, bstrVal) == 8, "VARIANT layout");
TU_STATIC_ASSERT(sizeof(SAFEARRAY) == 32 && offsetof(SAFEARRAY, pvData) == 16, "SAFEARRAY layout");
TU_STATIC_ASSERT(offsetof(IWbemObjectAccessVtbl, Unlock) == 36 * sizeof(void *), "IWbemObjectAccess slots");
TU_STATIC_ASSERT(sizeof(IWbemHiPerfProviderVtbl) == 9 * sizeof(void *), "IWbemHiPerfProvider slots");
TU_STATIC_ASSERT(sizeof(_WBEM_REFRESH_INFO) == 48, "MS-WMI refresh info");

/* A minimal refresher object in the usual C COM pattern. */
struct tu_refresher {
    IWbemRefresher IWbemRefresher_iface;
    LONG refs;
};

static struct tu_refresher *impl_from_IWbemRefresher(IWbemRefresher *iface)
{
    return (struct tu_refresher *)(void *)((char *)iface - offsetof(struct tu_refresher, IWbemRefresher_iface));
}

static HRESULT STDMETHODCALLTYPE tu_QueryInterface(IWbemRefresher *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IWbemRefresher))
        return E_NOINTERFACE;
    *ppv = iface;
    IWbemRefresher_AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE tu_AddRef(IWbemRefresher *iface)
{
    return (ULONG)++impl_from_IWbemRefresher(iface)->refs;
}

static ULONG STDMETHODCALLTYPE tu_Release(IWbemRefresher *iface)
{
    return (ULONG)--impl_from_IWbemRefresher(iface)->refs;
}

static HRESULT STDMETHODCALLTYPE tu_Refresh(IWbemRefresher *iface, LONG lFlags)
{
    (void)iface;
    if (lFlags != WBEM_FLAG_REFRESH_AUTO_RECONNECT && lFlags != WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT)
        return WBEM_E_INVALID_PARAMETER;
    return WBEM_S_NO_ERROR;
}

static const IWbemRefresherVtbl tu_refresher_vtbl = {
    tu_QueryInterface,
    tu_AddRef,
    tu_Release,
    tu_Refresh,
};

HRESULT headers_tu_use(IWbemObjectAccess *access, LONG handle, VARIANT *value);

/* Exercises the object above, method macros on a borrowed interface and
 * the VARIANT macros; returns the first failing HRESULT. */
HRESULT headers_tu_use(IWbemObjectAccess *access, LONG handle, VARIANT *value)
{
    struct tu_refresher refresher;
    IUnknown *unknown = NULL;
    DWORD dword = 0;
    HRESULT hr;

    refresher.IWbemRefresher_iface.lpVtbl = &tu_refresher_vtbl;
    refresher.refs = 1;
    hr = IWbemRefresher_QueryInterface(&refresher.IWbemRefresher_iface, &IID_IUnknown, (void **)&unknown);
    if (FAILED(hr))
        return hr;
    IUnknown_Release(unknown);
    hr = IWbemRefresher_Refresh(&refresher.IWbemRefresher_iface, WBEM_FLAG_REFRESH_AUTO_RECONNECT);
    if (FAILED(hr))
        return hr;

    hr = IWbemObjectAccess_ReadDWORD(access, handle, &dword);
    if (FAILED(hr))
        return hr;
    hr = IWbemObjectAccess_WriteDWORD(access, handle, dword + 1);
    if (FAILED(hr))
        return hr;

    V_VT(value) = VT_I4;
    V_I4(value) = (LONG)dword;
    if (V_VT(value) != VT_I4 || V_BOOL(value) == VARIANT_TRUE)
        return WBEM_E_TYPE_MISMATCH;
    return HRESULT_FACILITY(WBEM_E_FAILED) == 4 ? S_OK : E_UNEXPECTED;
}

/* The in-process server entry point, as a provider exports it.  The order
 * matters in C++: HIPERF_EXPORT before STDAPI would put an attribute in
 * front of extern "C", which g++ rejects. */
STDAPI HIPERF_EXPORT DllCanUnloadNow(void)
{
    return S_FALSE;
}
