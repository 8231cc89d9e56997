/*
 * abi_probe.c - the ABI facts of one set of headers, as text in an assembly
 * file.  Compiled to assembly only (-S -O2), never run, once per side:
 *
 *   -DABI_SIDE_MINGW  x86_64-w64-mingw32-gcc with the mingw-w64 headers:
 *                     the 64-bit Windows reference;
 *   -DABI_SIDE_OURS   the native compiler with include/hiperf (com.h).
 *
 * Every ABI_MARK leaves one line `.ascii "@ABI@ <key> $<value>"` in the .s
 * file: the "i" constraint makes the compiler print a compile-time constant
 * into the assembly (the Linux kernel's asm-offsets technique), so the
 * Windows side needs no Windows to run on.  GUIDs are const objects, not
 * constant expressions; at -O2 GCC folds reads of a const object whose
 * initializer it sees (INITGUID gives mingw-w64's IIDs one; ours are static
 * const).  Should that ever stop, the compile fails with "impossible
 * constraint in 'asm'" instead of comparing anything wrong.
 *
 * The per-side list of interfaces, vtable members, constants and GUIDs
 * comes from abi_items.h, which abi_check gen writes from our headers and
 * the side's preprocessor output (-DABI_GEN_PASS compiles only the
 * includes, for that).  The layouts below are listed here because their
 * field names must be chosen by hand.  abi_check compare reads both .s
 * files; mswmi-expected.txt holds the values of the ABI_SIDE_OURS-only
 * items, which mingw-w64 does not define.
 */
#if defined(ABI_SIDE_MINGW)
#define INITGUID /* IIDs get initializers the compiler can fold */
#include <windows.h>
/* wingdi.h maps GetObject to GetObjectA/W, which would rename the member
 * IWbemServices::GetObject in everything included after it. */
#undef GetObject
#include <oaidl.h>
#include <wbemcli.h>
#include <wbemprov.h>
#elif defined(ABI_SIDE_OURS)
#include "hiperf/com.h"
#else
#error "define ABI_SIDE_MINGW or ABI_SIDE_OURS"
#endif

#ifndef ABI_GEN_PASS

#include <stddef.h>

#if defined(ABI_SIDE_MINGW)
/* mingw-w64 declares the WBEM codes as enum constants, i.e. unsigned int
 * for 0x8004xxxx; Windows code stores them in a LONG or an HRESULT.  So the
 * reference value is the constant as a signed 32-bit number. */
#define ABI_CONST_VALUE(n) ((long long)(int)(n))
#else
/* Ours are compared as they are, so a WBEM code whose type is not a signed
 * 32-bit one (FAILED() would be false) shows up as a different value. */
#define ABI_CONST_VALUE(n) ((long long)(n))
#endif
/* VARIANT's record arm is an anonymous struct on both sides. */
#define ABI_VARIANT_BRECORD(f) f

/* %0, not the kernel's %c0: on x86-64 %c prints only constants that are
 * valid address displacements (32-bit signed), and a GUID's Data1 or Data4
 * is not.  %0 prints "$value" in AT&T syntax; abi_check skips the '$'. */
#define ABI_MARK(key, value) __asm__ volatile("\n.ascii \"@ABI@ " key " %0\"" ::"i"((long long)(value)))

/* Slot index of a vtable member; -1 if it is not at a pointer boundary. */
#define ABI_SLOT_INDEX(vtbl, m) \
    (offsetof(vtbl, m) % sizeof(void *) ? -1 : (long long)(offsetof(vtbl, m) / sizeof(void *)))

#define ABI_VTBL(I) ABI_MARK("vtbl." #I, sizeof(I##Vtbl) / sizeof(void *));
#define ABI_SLOT(I, M) ABI_MARK("vtbl." #I "." #M, ABI_SLOT_INDEX(I##Vtbl, M));
#define ABI_CONST(N) ABI_MARK("const." #N, ABI_CONST_VALUE(N));
/* Data4 is packed big-endian into 64 bits, so its hex reads like the text
 * form of the GUID. */
#define ABI_GUID(N)                                                                                     \
    ABI_MARK("guid." #N ".Data1", (N).Data1);                                                           \
    ABI_MARK("guid." #N ".Data2", (N).Data2);                                                           \
    ABI_MARK("guid." #N ".Data3", (N).Data3);                                                           \
    ABI_MARK("guid." #N ".Data4",                                                                       \
             ((unsigned long long)(N).Data4[0] << 56) | ((unsigned long long)(N).Data4[1] << 48) |      \
                 ((unsigned long long)(N).Data4[2] << 40) | ((unsigned long long)(N).Data4[3] << 32) |  \
                 ((unsigned long long)(N).Data4[4] << 24) | ((unsigned long long)(N).Data4[5] << 16) |  \
                 ((unsigned long long)(N).Data4[6] << 8) | (unsigned long long)(N).Data4[7]);

/* A Windows scalar type: its size, and whether it is signed. */
#define ABI_SCALAR(T)                    \
    ABI_MARK("size." #T, sizeof(T));     \
    ABI_MARK("signed." #T, (T)-1 < (T)1);
/* A type's size and alignment. */
#define ABI_TYPE(T)                  \
    ABI_MARK("size." #T, sizeof(T)); \
    ABI_MARK("align." #T, _Alignof(T));
/* A member's offset and size; key names the member the same on both sides
 * when the access path differs. */
#define ABI_FIELD(T, key, path)                        \
    ABI_MARK("offset." #T "." key, offsetof(T, path)); \
    ABI_MARK("size." #T "." key, sizeof(((T *)0)->path));

void abi_probe(void);

void abi_probe(void)
{
    /* Interfaces, vtable slots, constants and GUIDs (generated list). */
#include "abi_items.h"

    /* The Windows base types (LLP64 widths whatever the host's model). */
    ABI_SCALAR(LONG)
    ABI_SCALAR(ULONG)
    ABI_SCALAR(DWORD)
    ABI_SCALAR(WORD)
    ABI_SCALAR(BYTE)
    ABI_SCALAR(byte)
    ABI_SCALAR(SHORT)
    ABI_SCALAR(USHORT)
    ABI_SCALAR(INT)
    ABI_SCALAR(UINT)
    ABI_SCALAR(BOOL)
    ABI_SCALAR(CHAR)
    ABI_SCALAR(LONGLONG)
    ABI_SCALAR(ULONGLONG)
    ABI_SCALAR(INT64)
    ABI_SCALAR(UINT64)
    ABI_SCALAR(SIZE_T)
    ABI_SCALAR(HRESULT)
    ABI_SCALAR(SCODE)
    ABI_SCALAR(WCHAR)
    ABI_SCALAR(OLECHAR)
    ABI_SCALAR(VARTYPE)
    ABI_SCALAR(VARIANT_BOOL)
    ABI_SCALAR(CIMTYPE)
    ABI_MARK("size.WBEMSTATUS", sizeof(WBEMSTATUS)); /* signedness differs on purpose: ours is HRESULT */
    ABI_TYPE(FLOAT)
    ABI_TYPE(DOUBLE)
    ABI_TYPE(DATE)
    ABI_TYPE(PVOID)
    ABI_TYPE(LPVOID)
    ABI_TYPE(BSTR)
    ABI_TYPE(LPWSTR)
    ABI_TYPE(LPCWSTR)
    ABI_TYPE(LPOLESTR)
    ABI_TYPE(LPCOLESTR)
    ABI_TYPE(LPSTR)
    ABI_TYPE(LPCSTR)
    ABI_TYPE(REFIID)   /* a pointer in C; Windows' C++ reference has the same ABI */
    ABI_TYPE(REFCLSID)
    ABI_TYPE(IUnknown) /* an interface object is one pointer, the vtable's */

    /* HRESULT and the helpers providers test results with. */
    ABI_MARK("hresult.0x80041001_is_negative", (HRESULT)0x80041001 < 0);
    ABI_MARK("macro.FAILED.WBEM_E_FAILED", FAILED(WBEM_E_FAILED));
    ABI_MARK("macro.FAILED.WBEM_S_FALSE", FAILED(WBEM_S_FALSE));
    ABI_MARK("macro.SUCCEEDED.WBEM_S_NO_MORE_DATA", SUCCEEDED(WBEM_S_NO_MORE_DATA));
    ABI_MARK("macro.SUCCEEDED.E_FAIL", SUCCEEDED(E_FAIL));
    ABI_MARK("macro.HRESULT_SEVERITY.WBEM_E_NOT_FOUND", HRESULT_SEVERITY(WBEM_E_NOT_FOUND));
    ABI_MARK("macro.HRESULT_FACILITY.WBEM_E_NOT_FOUND", HRESULT_FACILITY(WBEM_E_NOT_FOUND));
    ABI_MARK("macro.HRESULT_CODE.WBEM_E_NOT_FOUND", HRESULT_CODE(WBEM_E_NOT_FOUND));
    ABI_MARK("macro.HRESULT_FACILITY.E_INVALIDARG", HRESULT_FACILITY(E_INVALIDARG));
    ABI_MARK("macro.MAKE_HRESULT.1_4_0x1001", MAKE_HRESULT(1, 4, 0x1001));
    ABI_MARK("macro.MAKE_HRESULT.1_4_0x1001_is_negative", MAKE_HRESULT(1, 4, 0x1001) < 0);

    /* GUID: 16 bytes, alignment 4. */
    ABI_TYPE(GUID)
    ABI_FIELD(GUID, "Data1", Data1)
    ABI_FIELD(GUID, "Data2", Data2)
    ABI_FIELD(GUID, "Data3", Data3)
    ABI_FIELD(GUID, "Data4", Data4)
    ABI_TYPE(IID)
    ABI_TYPE(CLSID)

    /* SAFEARRAY (with its one inline bound) and SAFEARRAYBOUND. */
    ABI_TYPE(SAFEARRAYBOUND)
    ABI_FIELD(SAFEARRAYBOUND, "cElements", cElements)
    ABI_FIELD(SAFEARRAYBOUND, "lLbound", lLbound)
    ABI_TYPE(SAFEARRAY)
    ABI_FIELD(SAFEARRAY, "cDims", cDims)
    ABI_FIELD(SAFEARRAY, "fFeatures", fFeatures)
    ABI_FIELD(SAFEARRAY, "cbElements", cbElements)
    ABI_FIELD(SAFEARRAY, "cLocks", cLocks)
    ABI_FIELD(SAFEARRAY, "pvData", pvData)
    ABI_FIELD(SAFEARRAY, "rgsabound", rgsabound)

    /* DECIMAL, which overlays a whole VARIANT. */
    ABI_TYPE(DECIMAL)
    ABI_FIELD(DECIMAL, "wReserved", wReserved)
    ABI_FIELD(DECIMAL, "scale", scale)
    ABI_FIELD(DECIMAL, "sign", sign)
    ABI_FIELD(DECIMAL, "Hi32", Hi32)
    ABI_FIELD(DECIMAL, "Lo64", Lo64)
    ABI_TYPE(CY)

    /* VARIANT: 24 bytes, the value union at 8. */
    ABI_TYPE(VARIANT)
    ABI_TYPE(VARIANTARG)
    ABI_FIELD(VARIANT, "vt", vt)
    ABI_FIELD(VARIANT, "wReserved1", wReserved1)
    ABI_FIELD(VARIANT, "wReserved2", wReserved2)
    ABI_FIELD(VARIANT, "wReserved3", wReserved3)
    ABI_FIELD(VARIANT, "llVal", llVal)
    ABI_FIELD(VARIANT, "lVal", lVal)
    ABI_FIELD(VARIANT, "bVal", bVal)
    ABI_FIELD(VARIANT, "iVal", iVal)
    ABI_FIELD(VARIANT, "fltVal", fltVal)
    ABI_FIELD(VARIANT, "dblVal", dblVal)
    ABI_FIELD(VARIANT, "boolVal", boolVal)
    ABI_FIELD(VARIANT, "scode", scode)
    ABI_FIELD(VARIANT, "cyVal", cyVal)
    ABI_FIELD(VARIANT, "date", date)
    ABI_FIELD(VARIANT, "bstrVal", bstrVal)
    ABI_FIELD(VARIANT, "punkVal", punkVal)
    ABI_FIELD(VARIANT, "pdispVal", pdispVal)
    ABI_FIELD(VARIANT, "parray", parray)
    ABI_FIELD(VARIANT, "pbVal", pbVal)
    ABI_FIELD(VARIANT, "piVal", piVal)
    ABI_FIELD(VARIANT, "plVal", plVal)
    ABI_FIELD(VARIANT, "pllVal", pllVal)
    ABI_FIELD(VARIANT, "pfltVal", pfltVal)
    ABI_FIELD(VARIANT, "pdblVal", pdblVal)
    ABI_FIELD(VARIANT, "pboolVal", pboolVal)
    ABI_FIELD(VARIANT, "pbstrVal", pbstrVal)
    ABI_FIELD(VARIANT, "ppunkVal", ppunkVal)
    ABI_FIELD(VARIANT, "pparray", pparray)
    ABI_FIELD(VARIANT, "pvarVal", pvarVal)
    ABI_FIELD(VARIANT, "byref", byref)
    ABI_FIELD(VARIANT, "cVal", cVal)
    ABI_FIELD(VARIANT, "uiVal", uiVal)
    ABI_FIELD(VARIANT, "ulVal", ulVal)
    ABI_FIELD(VARIANT, "ullVal", ullVal)
    ABI_FIELD(VARIANT, "intVal", intVal)
    ABI_FIELD(VARIANT, "uintVal", uintVal)
    ABI_FIELD(VARIANT, "pvRecord", ABI_VARIANT_BRECORD(pvRecord))
    ABI_FIELD(VARIANT, "pRecInfo", ABI_VARIANT_BRECORD(pRecInfo))
    ABI_FIELD(VARIANT, "decVal", decVal)

#if defined(ABI_SIDE_OURS)
    /* The [MS-WMI] refresher structures (wmirefresh.h); mingw-w64 has none
     * of them, mswmi-expected.txt holds the 64-bit Windows values. */
    ABI_TYPE(_WBEM_REFRESHER_ID)
    ABI_FIELD(_WBEM_REFRESHER_ID, "m_szMachineName", m_szMachineName)
    ABI_FIELD(_WBEM_REFRESHER_ID, "m_dwProcessId", m_dwProcessId)
    ABI_FIELD(_WBEM_REFRESHER_ID, "m_guidRefresherId", m_guidRefresherId)
    ABI_TYPE(_WBEM_REFRESH_INFO_REMOTE)
    ABI_FIELD(_WBEM_REFRESH_INFO_REMOTE, "m_pRefresher", m_pRefresher)
    ABI_FIELD(_WBEM_REFRESH_INFO_REMOTE, "m_pTemplate", m_pTemplate)
    ABI_FIELD(_WBEM_REFRESH_INFO_REMOTE, "m_Guid", m_Guid)
    ABI_TYPE(_WBEM_REFRESH_INFO_NON_HIPERF)
    ABI_FIELD(_WBEM_REFRESH_INFO_NON_HIPERF, "m_wszNamespace", m_wszNamespace)
    ABI_FIELD(_WBEM_REFRESH_INFO_NON_HIPERF, "m_pTemplate", m_pTemplate)
    ABI_TYPE(WBEM_REFRESH_INFO_UNION)
    ABI_FIELD(WBEM_REFRESH_INFO_UNION, "m_Remote", m_Remote)
    ABI_FIELD(WBEM_REFRESH_INFO_UNION, "m_NonHiPerf", m_NonHiPerf)
    ABI_FIELD(WBEM_REFRESH_INFO_UNION, "m_hres", m_hres)
    ABI_TYPE(_WBEM_REFRESH_INFO)
    ABI_FIELD(_WBEM_REFRESH_INFO, "m_lType", m_lType)
    ABI_FIELD(_WBEM_REFRESH_INFO, "m_Info", m_Info)
    ABI_FIELD(_WBEM_REFRESH_INFO, "m_Info.m_Remote.m_Guid", m_Info.m_Remote.m_Guid)
    ABI_FIELD(_WBEM_REFRESH_INFO, "m_lCancelId", m_lCancelId)
    ABI_TYPE(_WBEM_RECONNECT_INFO)
    ABI_FIELD(_WBEM_RECONNECT_INFO, "m_lType", m_lType)
    ABI_FIELD(_WBEM_RECONNECT_INFO, "m_pwcsPath", m_pwcsPath)
    ABI_TYPE(_WBEM_RECONNECT_RESULTS)
    ABI_FIELD(_WBEM_RECONNECT_RESULTS, "m_lId", m_lId)
    ABI_FIELD(_WBEM_RECONNECT_RESULTS, "m_hr", m_hr)
    ABI_TYPE(WBEM_REFRESHED_OBJECT)
    ABI_FIELD(WBEM_REFRESHED_OBJECT, "m_lRequestId", m_lRequestId)
    ABI_FIELD(WBEM_REFRESHED_OBJECT, "m_lBlobType", m_lBlobType)
    ABI_FIELD(WBEM_REFRESHED_OBJECT, "m_lBlobLength", m_lBlobLength)
    ABI_FIELD(WBEM_REFRESHED_OBJECT, "m_pbBlob", m_pbBlob)
#endif
}

#endif /* ABI_GEN_PASS */
