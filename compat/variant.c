/*
 * variant.c - VariantInit, VariantClear and VariantCopy.
 *
 * Invariant: a VARIANT owns exactly what its vt says and nothing else: a
 * VT_BSTR owns its BSTR, a VT_UNKNOWN or VT_DISPATCH one reference on its
 * interface, a VT_ARRAY|x its SAFEARRAY; with VT_BYREF it owns nothing.
 * Clearing gives that up and leaves the whole VARIANT zero (vt VT_EMPTY);
 * copying takes a new reference or a deep copy of each owned value.
 *
 * The vt values accepted are the base types 0-14 and 16-23 (VT_EMPTY to
 * VT_DECIMAL, VT_I1 to VT_UINT), optionally with VT_ARRAY and/or VT_BYREF,
 * except that VT_EMPTY and VT_NULL take no flag.  Anything else (VT_VECTOR,
 * VT_RECORD, VT_CLSID, 15, ...) is DISP_E_BADVARTYPE.
 */
#include <string.h>

#include "hiperf/oleauto.h"
#include "hiperf/unknwn.h"

static int variant_vt_valid(VARTYPE vt)
{
    VARTYPE base = vt & VT_TYPEMASK;
    VARTYPE flags = vt & (VARTYPE)~VT_TYPEMASK;

    if (flags & (VARTYPE)~(VT_ARRAY | VT_BYREF))
        return 0;
    if (!(base <= VT_DECIMAL || (base >= VT_I1 && base <= VT_UINT)))
        return 0;
    if (flags && base <= VT_NULL)
        return 0;
    return 1;
}

/* IDispatch starts with the three IUnknown slots, so either kind of
 * interface pointer is released and AddRef'd through IUnknownVtbl. */
static IUnknown *as_unknown(void *iface)
{
    return iface;
}

/* Makes *pvarg an empty VARIANT (VT_EMPTY, value zero) without looking at
 * what it held: use it on fresh memory, VariantClear on a live VARIANT. */
void VariantInit(VARIANTARG *pvarg)
{
    if (pvarg)
        memset(pvarg, 0, sizeof *pvarg);
}

/* Frees what *pvarg owns: SysFreeString on a VT_BSTR, Release on a
 * VT_UNKNOWN/VT_DISPATCH, SafeArrayDestroy on a VT_ARRAY|x; nothing for
 * VT_BYREF (the caller owns the target).  Then *pvarg is zeroed (VT_EMPTY).
 * Returns S_OK; DISP_E_BADVARTYPE for an unknown vt and DISP_E_ARRAYISLOCKED
 * for a locked array, both with *pvarg unchanged; E_INVALIDARG for NULL. */
HRESULT VariantClear(VARIANTARG *pvarg)
{
    if (!pvarg)
        return E_INVALIDARG;
    VARTYPE vt = pvarg->vt;
    if (!variant_vt_valid(vt))
        return DISP_E_BADVARTYPE;

    if ((vt & (VT_ARRAY | VT_BYREF)) == VT_ARRAY) {
        HRESULT hr = SafeArrayDestroy(pvarg->parray);
        if (FAILED(hr))
            return hr;
    }

    /* Empty the VARIANT before releasing, so a Release that reaches this
     * VARIANT again finds it empty. */
    VARIANT old = *pvarg;
    memset(pvarg, 0, sizeof *pvarg);

    switch (vt) {
    case VT_BSTR:
        SysFreeString(old.bstrVal);
        break;
    case VT_UNKNOWN:
    case VT_DISPATCH:
        if (old.punkVal)
            IUnknown_Release(as_unknown(old.punkVal));
        break;
    default:
        break;
    }
    return S_OK;
}

/* Clears *pvargDest (as VariantClear; it must hold a valid VARIANT) and makes
 * it an owned copy of *pvargSrc (borrowed): a BSTR is duplicated byte for
 * byte (embedded NULs and odd lengths survive; NULL stays NULL), an
 * interface is AddRef'd, an array copied with SafeArrayCopy, a VT_BYREF
 * pointer copied as is.  dest == src is S_OK with no change.  Returns
 * DISP_E_BADVARTYPE for an unknown source vt (dest untouched), the error of
 * VariantClear on dest, or E_OUTOFMEMORY (dest left VT_EMPTY). */
HRESULT VariantCopy(VARIANTARG *pvargDest, const VARIANTARG *pvargSrc)
{
    if (!pvargDest || !pvargSrc)
        return E_INVALIDARG;
    if (pvargDest == pvargSrc)
        return S_OK;
    VARTYPE vt = pvargSrc->vt;
    if (!variant_vt_valid(vt))
        return DISP_E_BADVARTYPE;

    HRESULT hr = VariantClear(pvargDest);
    if (FAILED(hr))
        return hr;

    VARIANT copy = *pvargSrc;
    if ((vt & (VT_ARRAY | VT_BYREF)) == VT_ARRAY) {
        hr = SafeArrayCopy(pvargSrc->parray, &copy.parray);
        if (FAILED(hr))
            return hr;
    } else if (vt == VT_BSTR) {
        BSTR src = pvargSrc->bstrVal;
        if (src) {
            copy.bstrVal = SysAllocStringByteLen((LPCSTR)src, SysStringByteLen(src));
            if (!copy.bstrVal)
                return E_OUTOFMEMORY;
        }
    } else if (vt == VT_UNKNOWN || vt == VT_DISPATCH) {
        if (copy.punkVal)
            IUnknown_AddRef(as_unknown(copy.punkVal));
    }
    *pvargDest = copy;
    return S_OK;
}
