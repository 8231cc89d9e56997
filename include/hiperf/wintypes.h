/*
 * hiperf/wintypes.h - the Windows base types a COM provider compiles against.
 *
 * Invariant: every type here has the size and layout it has on 64-bit
 * Windows (the LLP64 model), whatever the host's data model is.  On Linux
 * (LP64) that means LONG is 32 bits even though C `long` is 64, WCHAR is a
 * 16-bit UTF-16 unit (char16_t, never wchar_t), HRESULT is a signed 32-bit
 * value so FAILED() works on 0x8004xxxx codes, and VARIANT is 24 bytes.
 * tests/abi checks all of this against the mingw-w64 headers.
 *
 * Written for hiperfcheck from the facts in research/abi-facts.md; no code
 * was copied from any Windows, Wine or mingw-w64 header.
 */
#ifndef HIPERF_WINTYPES_H
#define HIPERF_WINTYPES_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <uchar.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Calling convention: the platform's own on Linux (System V on both sides
 * of every call), the Windows one when built for Windows. */
#if defined(_WIN32)
#define STDMETHODCALLTYPE __stdcall
#define STDAPICALLTYPE __stdcall
#else
#define STDMETHODCALLTYPE
#define STDAPICALLTYPE
#endif

#ifdef __cplusplus
#define HIPERF_EXTERN_C extern "C"
#else
#define HIPERF_EXTERN_C extern
#endif

#if defined(_WIN32)
#define HIPERF_EXPORT __declspec(dllexport)
#else
#define HIPERF_EXPORT __attribute__((visibility("default")))
#endif

#define STDMETHOD(m) HRESULT (STDMETHODCALLTYPE *m)
#define STDMETHOD_(t, m) t (STDMETHODCALLTYPE *m)
#define STDAPI HIPERF_EXTERN_C HRESULT STDAPICALLTYPE

/* Integers with their Windows (LLP64) widths. */
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef uint32_t DWORD;
typedef uint16_t WORD;
typedef uint8_t BYTE;
typedef uint8_t byte;
typedef int16_t SHORT;
typedef uint16_t USHORT;
typedef int32_t INT;
typedef uint32_t UINT;
typedef int BOOL;
typedef char CHAR;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef int64_t INT64;
typedef uint64_t UINT64;
typedef float FLOAT;
typedef double DOUBLE;
typedef double DATE;
typedef void *PVOID;
typedef void *LPVOID;
typedef size_t SIZE_T;

typedef LONG HRESULT;
typedef LONG SCODE;

/* UTF-16 text, as on Windows. */
typedef char16_t WCHAR;
typedef WCHAR OLECHAR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef OLECHAR *LPOLESTR;
typedef const OLECHAR *LPCOLESTR;
typedef char *LPSTR;
typedef const char *LPCSTR;

/* A BSTR points at the first UTF-16 unit of a string allocated by
 * SysAllocString*; the byte length is stored in the 4 bytes before it and a
 * NUL unit follows the text.  A NULL BSTR means the empty string. */
typedef OLECHAR *BSTR;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* GUIDs: 16 bytes, alignment 4, fields little-endian. */
typedef struct _GUID {
    DWORD Data1;
    WORD Data2;
    WORD Data3;
    BYTE Data4[8];
} GUID;
typedef GUID IID;
typedef GUID CLSID;
typedef IID *LPIID;
typedef CLSID *LPCLSID;

/* C-style interfaces (what Windows calls CINTERFACE) in C and C++ alike:
 * REFIID is a pointer in both; the ABI is the same as Windows' C++
 * reference. */
typedef const GUID *REFGUID;
typedef const IID *REFIID;
typedef const CLSID *REFCLSID;

/* Every GUID the headers name is a static const object, so a provider needs
 * no INITGUID translation unit and no library to link against. */
#define HIPERF_DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    static const GUID name = {l, w1, w2, {b1, b2, b3, b4, b5, b6, b7, b8}}

static inline int IsEqualGUID(REFGUID a, REFGUID b)
{
    const BYTE *x = (const BYTE *)a, *y = (const BYTE *)b;
    for (int i = 0; i < 16; i++)
        if (x[i] != y[i])
            return 0;
    return 1;
}
#define IsEqualIID(a, b) IsEqualGUID((a), (b))
#define IsEqualCLSID(a, b) IsEqualGUID((a), (b))

/* HRESULT helpers. */
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define HRESULT_SEVERITY(hr) ((((HRESULT)(hr)) >> 31) & 0x1)
#define HRESULT_FACILITY(hr) ((((HRESULT)(hr)) >> 16) & 0x1fff)
#define HRESULT_CODE(hr) (((HRESULT)(hr)) & 0xFFFF)
#define MAKE_HRESULT(sev, fac, code) \
    ((HRESULT)(((uint32_t)(sev) << 31) | ((uint32_t)(fac) << 16) | ((uint32_t)(code))))

/* Interfaces named by the automation types below. */
typedef struct IUnknown IUnknown;
typedef struct IDispatch IDispatch;   /* opaque: never called by the harness */
typedef struct IRecordInfo IRecordInfo; /* opaque */

/* VARIANT and SAFEARRAY (the minimal automation subset WMI uses). */
typedef unsigned short VARTYPE;
typedef short VARIANT_BOOL;
#define VARIANT_TRUE ((VARIANT_BOOL)-1)
#define VARIANT_FALSE ((VARIANT_BOOL)0)

typedef enum VARENUM {
    VT_EMPTY = 0,
    VT_NULL = 1,
    VT_I2 = 2,
    VT_I4 = 3,
    VT_R4 = 4,
    VT_R8 = 5,
    VT_CY = 6,
    VT_DATE = 7,
    VT_BSTR = 8,
    VT_DISPATCH = 9,
    VT_ERROR = 10,
    VT_BOOL = 11,
    VT_VARIANT = 12,
    VT_UNKNOWN = 13,
    VT_DECIMAL = 14,
    VT_I1 = 16,
    VT_UI1 = 17,
    VT_UI2 = 18,
    VT_UI4 = 19,
    VT_I8 = 20,
    VT_UI8 = 21,
    VT_INT = 22,
    VT_UINT = 23,
    VT_ARRAY = 0x2000,
    VT_BYREF = 0x4000,
    VT_TYPEMASK = 0x0fff
} VARENUM;

typedef struct tagSAFEARRAYBOUND {
    ULONG cElements;
    LONG lLbound;
} SAFEARRAYBOUND;

typedef struct tagSAFEARRAY {
    USHORT cDims;
    USHORT fFeatures;
    ULONG cbElements;
    ULONG cLocks;
    PVOID pvData;
    SAFEARRAYBOUND rgsabound[1];
} SAFEARRAY;

#define FADF_AUTO 0x0001
#define FADF_STATIC 0x0002
#define FADF_EMBEDDED 0x0004
#define FADF_FIXEDSIZE 0x0010
#define FADF_RECORD 0x0020
#define FADF_HAVEIID 0x0040
#define FADF_HAVEVARTYPE 0x0080
#define FADF_BSTR 0x0100
#define FADF_UNKNOWN 0x0200
#define FADF_DISPATCH 0x0400
#define FADF_VARIANT 0x0800

typedef struct tagDEC {
    USHORT wReserved;
    BYTE scale;
    BYTE sign;
    ULONG Hi32;
    ULONGLONG Lo64;
} DECIMAL;

typedef union tagCY {
    LONGLONG int64;
} CY;

/* 24 bytes on 64-bit: vt and three reserved WORDs, then a 16-byte union at
 * offset 8.  A DECIMAL overlays the whole structure, as on Windows. */
typedef struct tagVARIANT VARIANT;
struct tagVARIANT {
    union {
        struct {
            VARTYPE vt;
            WORD wReserved1;
            WORD wReserved2;
            WORD wReserved3;
            union {
                LONGLONG llVal;
                LONG lVal;
                BYTE bVal;
                SHORT iVal;
                FLOAT fltVal;
                DOUBLE dblVal;
                VARIANT_BOOL boolVal;
                SCODE scode;
                CY cyVal;
                DATE date;
                BSTR bstrVal;
                IUnknown *punkVal;
                IDispatch *pdispVal;
                SAFEARRAY *parray;
                BYTE *pbVal;
                SHORT *piVal;
                LONG *plVal;
                LONGLONG *pllVal;
                FLOAT *pfltVal;
                DOUBLE *pdblVal;
                VARIANT_BOOL *pboolVal;
                BSTR *pbstrVal;
                IUnknown **ppunkVal;
                SAFEARRAY **pparray;
                VARIANT *pvarVal;
                PVOID byref;
                CHAR cVal;
                USHORT uiVal;
                ULONG ulVal;
                ULONGLONG ullVal;
                INT intVal;
                UINT uintVal;
                struct {
                    PVOID pvRecord;
                    IRecordInfo *pRecInfo;
                };
            };
        };
        DECIMAL decVal;
    };
};
typedef VARIANT VARIANTARG;

#define V_VT(v) ((v)->vt)
#define V_BSTR(v) ((v)->bstrVal)
#define V_I1(v) ((v)->cVal)
#define V_UI1(v) ((v)->bVal)
#define V_I2(v) ((v)->iVal)
#define V_UI2(v) ((v)->uiVal)
#define V_I4(v) ((v)->lVal)
#define V_UI4(v) ((v)->ulVal)
#define V_I8(v) ((v)->llVal)
#define V_UI8(v) ((v)->ullVal)
#define V_R4(v) ((v)->fltVal)
#define V_R8(v) ((v)->dblVal)
#define V_BOOL(v) ((v)->boolVal)
#define V_UNKNOWN(v) ((v)->punkVal)
#define V_DISPATCH(v) ((v)->pdispVal)
#define V_ARRAY(v) ((v)->parray)
#define V_ERROR(v) ((v)->scode)

#ifdef __cplusplus
}
#endif

#endif /* HIPERF_WINTYPES_H */
