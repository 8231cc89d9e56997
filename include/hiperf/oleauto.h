/*
 * hiperf/oleauto.h - the OLE Automation subset providers call: BSTR,
 * VARIANT, SAFEARRAY, the COM task allocator, GUID text and COM activation
 * (CoCreateInstance), with Windows' names and semantics.  Implemented by the compat library (libhiperf_compat);
 * a provider that calls any of these links it.
 *
 * Ownership follows Windows: a BSTR from SysAlloc* is freed with
 * SysFreeString; memory from CoTaskMemAlloc with CoTaskMemFree; VariantClear
 * frees what the VARIANT owns (a BSTR, an interface reference, an array).
 */
#ifndef HIPERF_OLEAUTO_H
#define HIPERF_OLEAUTO_H

#include "hiperf/wintypes.h"
#include "hiperf/winerror.h"
#include "hiperf/unknwn.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HIPERF_COMPAT_API HIPERF_EXPORT

HIPERF_COMPAT_API BSTR SysAllocString(const OLECHAR *psz);
HIPERF_COMPAT_API BSTR SysAllocStringLen(const OLECHAR *strIn, UINT ui);
HIPERF_COMPAT_API BSTR SysAllocStringByteLen(LPCSTR psz, UINT len);
HIPERF_COMPAT_API INT SysReAllocString(BSTR *pbstr, const OLECHAR *psz);
HIPERF_COMPAT_API INT SysReAllocStringLen(BSTR *pbstr, const OLECHAR *psz, UINT len);
HIPERF_COMPAT_API void SysFreeString(BSTR bstrString);
HIPERF_COMPAT_API UINT SysStringLen(BSTR pbstr);
HIPERF_COMPAT_API UINT SysStringByteLen(BSTR bstr);

HIPERF_COMPAT_API void VariantInit(VARIANTARG *pvarg);
HIPERF_COMPAT_API HRESULT VariantClear(VARIANTARG *pvarg);
HIPERF_COMPAT_API HRESULT VariantCopy(VARIANTARG *pvargDest, const VARIANTARG *pvargSrc);

HIPERF_COMPAT_API SAFEARRAY *SafeArrayCreate(VARTYPE vt, UINT cDims, SAFEARRAYBOUND *rgsabound);
HIPERF_COMPAT_API SAFEARRAY *SafeArrayCreateVector(VARTYPE vt, LONG lLbound, ULONG cElements);
HIPERF_COMPAT_API HRESULT SafeArrayDestroy(SAFEARRAY *psa);
HIPERF_COMPAT_API HRESULT SafeArrayCopy(SAFEARRAY *psa, SAFEARRAY **ppsaOut);
HIPERF_COMPAT_API UINT SafeArrayGetDim(SAFEARRAY *psa);
HIPERF_COMPAT_API UINT SafeArrayGetElemsize(SAFEARRAY *psa);
HIPERF_COMPAT_API HRESULT SafeArrayGetVartype(SAFEARRAY *psa, VARTYPE *pvt);
HIPERF_COMPAT_API HRESULT SafeArrayGetLBound(SAFEARRAY *psa, UINT nDim, LONG *plLbound);
HIPERF_COMPAT_API HRESULT SafeArrayGetUBound(SAFEARRAY *psa, UINT nDim, LONG *plUbound);
HIPERF_COMPAT_API HRESULT SafeArrayGetElement(SAFEARRAY *psa, LONG *rgIndices, void *pv);
HIPERF_COMPAT_API HRESULT SafeArrayPutElement(SAFEARRAY *psa, LONG *rgIndices, void *pv);
HIPERF_COMPAT_API HRESULT SafeArrayAccessData(SAFEARRAY *psa, void **ppvData);
HIPERF_COMPAT_API HRESULT SafeArrayUnaccessData(SAFEARRAY *psa);
HIPERF_COMPAT_API HRESULT SafeArrayLock(SAFEARRAY *psa);
HIPERF_COMPAT_API HRESULT SafeArrayUnlock(SAFEARRAY *psa);

HIPERF_COMPAT_API LPVOID CoTaskMemAlloc(SIZE_T cb);
HIPERF_COMPAT_API LPVOID CoTaskMemRealloc(LPVOID pv, SIZE_T cb);
HIPERF_COMPAT_API void CoTaskMemFree(LPVOID pv);

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" with braces, as in MOF files and
 * the registry.  StringFromGUID2 returns the characters written including
 * the NUL (39), or 0 when cchMax is too small. */
HIPERF_COMPAT_API int StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, int cchMax);
HIPERF_COMPAT_API HRESULT CLSIDFromString(LPCOLESTR lpsz, LPCLSID pclsid);
HIPERF_COMPAT_API HRESULT IIDFromString(LPCOLESTR lpsz, LPIID lpiid);

/* ---- COM activation ---------------------------------------------------- */

/* Where a class's server may run (values as Windows defines them). */
typedef enum tagCLSCTX {
    CLSCTX_INPROC_SERVER = 0x1,
    CLSCTX_INPROC_HANDLER = 0x2,
    CLSCTX_LOCAL_SERVER = 0x4,
    CLSCTX_INPROC_SERVER16 = 0x8,
    CLSCTX_REMOTE_SERVER = 0x10
} CLSCTX;
#define CLSCTX_INPROC (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER)
#define CLSCTX_SERVER (CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER)
#define CLSCTX_ALL (CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER)

/* Creates an object of a class the host serves in process and returns the
 * interface riid of it in *ppv.  The classes are those of the process's
 * (mock) WMI: CLSID_WbemLocator, CLSID_WbemAdministrativeLocator,
 * CLSID_WbemAuthenticatedLocator, CLSID_WbemUnauthenticatedLocator and
 * CLSID_WbemContext while a host runs.  S_OK; REGDB_E_CLASSNOTREG (no such
 * class, or dwClsContext without CLSCTX_INPROC_SERVER); CLASS_E_NOAGGREGATION
 * (pUnkOuter not NULL); E_NOINTERFACE; E_POINTER (ppv NULL); E_INVALIDARG;
 * E_OUTOFMEMORY.  *ppv is NULL on every failure.  The host records every
 * call (the class asked for, by whom) in its journal. */
HIPERF_COMPAT_API HRESULT CoCreateInstance(REFCLSID rclsid, IUnknown *pUnkOuter, DWORD dwClsContext, REFIID riid,
                                           LPVOID *ppv);

#ifdef __cplusplus
}
#endif

#endif /* HIPERF_OLEAUTO_H */
