/*
 * safearray.c - SAFEARRAY creation, element access, locking and copying,
 * for arrays this library creates (SafeArrayCreate, SafeArrayCreateVector,
 * SafeArrayCopy).
 *
 * Layout, as on Windows: each descriptor is preceded by 16 bytes in the same
 * CoTaskMem block.  FADF_HAVEIID arrays (VT_UNKNOWN, VT_DISPATCH) keep the
 * element IID there; FADF_HAVEVARTYPE arrays (every other type) keep the
 * VARTYPE in the last 4 of them, just before the descriptor.  The data is a
 * separate CoTaskMem block, zeroed at creation.
 *
 * Dimension order, as on Windows: SafeArrayCreate takes the bounds
 * leftmost dimension first, the descriptor stores them reversed
 * (rgsabound[0] is the rightmost dimension), SafeArrayGetLBound(psa, n)
 * reads rgsabound[cDims - n], and rgIndices[i] indexes dimension i + 1.  The
 * memory order is column-major: rgIndices[0] varies fastest.  For the 1-D
 * vectors WMI uses all these orders agree.
 *
 * Invariant: the array owns its elements (each BSTR, one reference on each
 * interface, each VARIANT's contents); cLocks > 0 forbids destruction.
 * cLocks is only changed with atomic operations, so Lock/Unlock/AccessData
 * may race from several threads as with Windows' interlocked counter.
 */
#include <stdint.h>
#include <string.h>

#include "hiperf/oleauto.h"
#include "hiperf/unknwn.h"

#define SA_PREFIX ((size_t)16)

/* Windows refuses a lock beyond 65535 with E_UNEXPECTED. */
#define SA_MAX_LOCKS 0xFFFFu

HIPERF_DEFINE_GUID(sa_IID_IDispatch, 0x00020400, 0x0000, 0x0000, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46);

static ULONG vt_elem_size(VARTYPE vt)
{
    switch (vt) {
    case VT_I1:
    case VT_UI1:
        return 1;
    case VT_I2:
    case VT_UI2:
    case VT_BOOL:
        return 2;
    case VT_I4:
    case VT_UI4:
    case VT_R4:
    case VT_ERROR:
    case VT_INT:
    case VT_UINT:
        return 4;
    case VT_I8:
    case VT_UI8:
    case VT_R8:
    case VT_CY:
    case VT_DATE:
        return 8;
    case VT_DECIMAL:
        return sizeof(DECIMAL);
    case VT_BSTR:
        return sizeof(BSTR);
    case VT_UNKNOWN:
    case VT_DISPATCH:
        return sizeof(IUnknown *);
    case VT_VARIANT:
        return sizeof(VARIANT);
    default:
        return 0;
    }
}

static unsigned char *sa_prefix(SAFEARRAY *psa)
{
    return (unsigned char *)psa - SA_PREFIX;
}

static size_t sa_descriptor_size(UINT cDims)
{
    return offsetof(SAFEARRAY, rgsabound) + (size_t)cDims * sizeof(SAFEARRAYBOUND);
}

/* A zeroed prefix + descriptor with cDims set, or NULL. */
static SAFEARRAY *sa_alloc_descriptor(UINT cDims)
{
    size_t size = SA_PREFIX + sa_descriptor_size(cDims);
    unsigned char *block = CoTaskMemAlloc(size);
    if (!block)
        return NULL;
    memset(block, 0, size);
    SAFEARRAY *psa = (SAFEARRAY *)(void *)(block + SA_PREFIX);
    psa->cDims = (USHORT)cDims;
    return psa;
}

static void sa_free_descriptor(SAFEARRAY *psa)
{
    CoTaskMemFree(sa_prefix(psa));
}

/* Number of cells; the product was checked against overflow at creation. */
static size_t sa_cell_count(const SAFEARRAY *psa)
{
    const SAFEARRAYBOUND *bounds = psa->rgsabound;
    size_t cells = 1;
    for (USHORT i = 0; i < psa->cDims; i++)
        cells *= bounds[i].cElements;
    return cells;
}

/* Cell number of rgIndices (see the dimension order at the top), or
 * DISP_E_BADINDEX when an index is outside its dimension. */
static HRESULT sa_cell_index(const SAFEARRAY *psa, const LONG *rgIndices, size_t *cell)
{
    const SAFEARRAYBOUND *bounds = psa->rgsabound;
    size_t index = 0, stride = 1;
    for (USHORT i = 0; i < psa->cDims; i++) {
        const SAFEARRAYBOUND *b = &bounds[psa->cDims - 1 - i];
        int64_t rel = (int64_t)rgIndices[i] - (int64_t)b->lLbound;
        if (rel < 0 || rel >= (int64_t)b->cElements)
            return DISP_E_BADINDEX;
        index += (size_t)rel * stride;
        stride *= b->cElements;
    }
    *cell = index;
    return S_OK;
}

static void *sa_cell(SAFEARRAY *psa, size_t cell)
{
    return (unsigned char *)psa->pvData + cell * psa->cbElements;
}

/* Frees what the cells own and zeroes nothing: the data is freed next. */
static void sa_release_cells(SAFEARRAY *psa)
{
    if (!psa->pvData)
        return;
    size_t cells = sa_cell_count(psa);
    if (psa->fFeatures & FADF_BSTR) {
        BSTR *items = psa->pvData;
        for (size_t i = 0; i < cells; i++)
            SysFreeString(items[i]);
    } else if (psa->fFeatures & (FADF_UNKNOWN | FADF_DISPATCH)) {
        IUnknown **items = psa->pvData;
        for (size_t i = 0; i < cells; i++)
            if (items[i])
                IUnknown_Release(items[i]);
    } else if (psa->fFeatures & FADF_VARIANT) {
        VARIANT *items = psa->pvData;
        for (size_t i = 0; i < cells; i++)
            VariantClear(&items[i]);
    }
}

/* Borrows rgsabound (cDims bounds, leftmost dimension first).  Returns an
 * owned array of zeroed elements, freed with SafeArrayDestroy; NULL for an
 * unsupported vt, cDims == 0 or > 65535, a NULL rgsabound, a size that
 * overflows, or short memory. */
SAFEARRAY *SafeArrayCreate(VARTYPE vt, UINT cDims, SAFEARRAYBOUND *rgsabound)
{
    ULONG elem = vt_elem_size(vt);
    if (!elem || !rgsabound || cDims == 0 || cDims > 0xFFFF)
        return NULL;

    size_t cells = 1;
    for (UINT i = 0; i < cDims; i++) {
        ULONG n = rgsabound[i].cElements;
        if (n && cells > SIZE_MAX / n)
            return NULL;
        cells *= n;
    }
    if (cells > SIZE_MAX / elem)
        return NULL;

    SAFEARRAY *psa = sa_alloc_descriptor(cDims);
    if (!psa)
        return NULL;
    psa->cbElements = elem;
    for (UINT i = 0; i < cDims; i++)
        psa->rgsabound[cDims - 1 - i] = rgsabound[i];

    unsigned char *prefix = sa_prefix(psa);
    if (vt == VT_UNKNOWN || vt == VT_DISPATCH) {
        psa->fFeatures = FADF_HAVEIID | (vt == VT_UNKNOWN ? FADF_UNKNOWN : FADF_DISPATCH);
        memcpy(prefix, vt == VT_UNKNOWN ? &IID_IUnknown : &sa_IID_IDispatch, sizeof(GUID));
    } else {
        DWORD stored = vt;
        psa->fFeatures = FADF_HAVEVARTYPE;
        if (vt == VT_BSTR)
            psa->fFeatures |= FADF_BSTR;
        else if (vt == VT_VARIANT)
            psa->fFeatures |= FADF_VARIANT;
        memcpy(prefix + SA_PREFIX - sizeof stored, &stored, sizeof stored);
    }

    psa->pvData = CoTaskMemAlloc(cells * elem);
    if (!psa->pvData) {
        sa_free_descriptor(psa);
        return NULL;
    }
    memset(psa->pvData, 0, cells * elem);
    return psa;
}

/* As SafeArrayCreate with one dimension of cElements from lLbound. */
SAFEARRAY *SafeArrayCreateVector(VARTYPE vt, LONG lLbound, ULONG cElements)
{
    SAFEARRAYBOUND bound = {cElements, lLbound};
    return SafeArrayCreate(vt, 1, &bound);
}

/* Takes ownership of psa and frees it with everything its elements own
 * (BSTRs freed, interfaces Released, VARIANTs cleared).  S_OK for NULL;
 * DISP_E_ARRAYISLOCKED, with nothing freed, while cLocks > 0. */
HRESULT SafeArrayDestroy(SAFEARRAY *psa)
{
    if (!psa)
        return S_OK;
    if (__atomic_load_n(&psa->cLocks, __ATOMIC_ACQUIRE) > 0)
        return DISP_E_ARRAYISLOCKED;
    sa_release_cells(psa);
    CoTaskMemFree(psa->pvData);
    sa_free_descriptor(psa);
    return S_OK;
}

/* Borrows psa and sets *ppsaOut to an owned deep copy (BSTRs duplicated,
 * interfaces AddRef'd, VARIANTs VariantCopy'd, lock count 0), freed with
 * SafeArrayDestroy.  psa == NULL gives *ppsaOut = NULL and S_OK.  Returns
 * E_INVALIDARG for a NULL ppsaOut, E_OUTOFMEMORY or the VariantCopy error
 * (with *ppsaOut NULL and nothing leaked) on failure. */
HRESULT SafeArrayCopy(SAFEARRAY *psa, SAFEARRAY **ppsaOut)
{
    if (!ppsaOut)
        return E_INVALIDARG;
    *ppsaOut = NULL;
    if (!psa)
        return S_OK;

    SAFEARRAY *copy = sa_alloc_descriptor(psa->cDims);
    if (!copy)
        return E_OUTOFMEMORY;
    memcpy(sa_prefix(copy), sa_prefix(psa), SA_PREFIX + sa_descriptor_size(psa->cDims));
    copy->cLocks = 0;
    copy->pvData = NULL;
    copy->fFeatures &= (USHORT)~(FADF_AUTO | FADF_STATIC | FADF_EMBEDDED);
    if (!psa->pvData) {
        *ppsaOut = copy;
        return S_OK;
    }

    size_t cells = sa_cell_count(psa);
    size_t bytes = cells * psa->cbElements;
    copy->pvData = CoTaskMemAlloc(bytes);
    if (!copy->pvData) {
        sa_free_descriptor(copy);
        return E_OUTOFMEMORY;
    }
    /* Zeroed first, so a partial copy can be destroyed like any array. */
    memset(copy->pvData, 0, bytes);

    HRESULT hr = S_OK;
    if (psa->fFeatures & FADF_BSTR) {
        BSTR *from = psa->pvData, *to = copy->pvData;
        for (size_t i = 0; i < cells && SUCCEEDED(hr); i++) {
            if (!from[i])
                continue;
            to[i] = SysAllocStringByteLen((LPCSTR)from[i], SysStringByteLen(from[i]));
            if (!to[i])
                hr = E_OUTOFMEMORY;
        }
    } else if (psa->fFeatures & (FADF_UNKNOWN | FADF_DISPATCH)) {
        IUnknown **from = psa->pvData, **to = copy->pvData;
        for (size_t i = 0; i < cells; i++) {
            to[i] = from[i];
            if (to[i])
                IUnknown_AddRef(to[i]);
        }
    } else if (psa->fFeatures & FADF_VARIANT) {
        VARIANT *from = psa->pvData, *to = copy->pvData;
        for (size_t i = 0; i < cells && SUCCEEDED(hr); i++)
            hr = VariantCopy(&to[i], &from[i]);
    } else {
        memcpy(copy->pvData, psa->pvData, bytes);
    }

    if (FAILED(hr)) {
        SafeArrayDestroy(copy);
        return hr;
    }
    *ppsaOut = copy;
    return S_OK;
}

/* Borrows psa.  Number of dimensions; 0 for NULL. */
UINT SafeArrayGetDim(SAFEARRAY *psa)
{
    return psa ? psa->cDims : 0;
}

/* Borrows psa.  Size of one element in bytes; 0 for NULL. */
UINT SafeArrayGetElemsize(SAFEARRAY *psa)
{
    return psa ? psa->cbElements : 0;
}

/* Borrows psa.  Sets *pvt to the element type: VT_UNKNOWN/VT_DISPATCH for
 * FADF_HAVEIID arrays, the stored VARTYPE for FADF_HAVEVARTYPE ones.
 * E_INVALIDARG for NULL arguments or an array carrying neither. */
HRESULT SafeArrayGetVartype(SAFEARRAY *psa, VARTYPE *pvt)
{
    if (!psa || !pvt)
        return E_INVALIDARG;
    if (psa->fFeatures & FADF_HAVEIID) {
        *pvt = (psa->fFeatures & FADF_DISPATCH) ? VT_DISPATCH : VT_UNKNOWN;
        return S_OK;
    }
    if (psa->fFeatures & FADF_HAVEVARTYPE) {
        DWORD stored;
        memcpy(&stored, sa_prefix(psa) + SA_PREFIX - sizeof stored, sizeof stored);
        *pvt = (VARTYPE)stored;
        return S_OK;
    }
    return E_INVALIDARG;
}

static HRESULT sa_bound(SAFEARRAY *psa, UINT nDim, const SAFEARRAYBOUND **bound)
{
    if (!psa)
        return E_INVALIDARG;
    if (nDim == 0 || nDim > psa->cDims)
        return DISP_E_BADINDEX;
    const SAFEARRAYBOUND *bounds = psa->rgsabound;
    *bound = &bounds[psa->cDims - nDim];
    return S_OK;
}

/* Borrows psa.  Lower bound of dimension nDim (1 = leftmost).  E_INVALIDARG
 * for NULL arguments, DISP_E_BADINDEX for nDim outside 1..cDims. */
HRESULT SafeArrayGetLBound(SAFEARRAY *psa, UINT nDim, LONG *plLbound)
{
    const SAFEARRAYBOUND *b = NULL;
    if (!plLbound)
        return E_INVALIDARG;
    HRESULT hr = sa_bound(psa, nDim, &b);
    if (FAILED(hr))
        return hr;
    *plLbound = b->lLbound;
    return S_OK;
}

/* Borrows psa.  Upper bound of dimension nDim (1 = leftmost), that is
 * lLbound + cElements - 1 (lLbound - 1 when empty, wrapping as Windows
 * does).  Errors as SafeArrayGetLBound. */
HRESULT SafeArrayGetUBound(SAFEARRAY *psa, UINT nDim, LONG *plUbound)
{
    const SAFEARRAYBOUND *b = NULL;
    if (!plUbound)
        return E_INVALIDARG;
    HRESULT hr = sa_bound(psa, nDim, &b);
    if (FAILED(hr))
        return hr;
    *plUbound = (LONG)((ULONG)b->lLbound + b->cElements - 1u);
    return S_OK;
}

/* Borrows psa and rgIndices (one index per dimension, rgIndices[0] for
 * dimension 1).  Writes an owned copy of the element to pv: a BSTR to
 * *(BSTR *)pv (duplicated; free with SysFreeString), an interface to
 * *(IUnknown **)pv (AddRef'd; Release it), a VARIANT to *(VARIANT *)pv
 * (initialised, then VariantCopy'd; the old contents are overwritten, not
 * cleared), anything else copied by value.  Returns E_INVALIDARG for NULL
 * arguments, DISP_E_BADINDEX out of bounds, E_OUTOFMEMORY, or the
 * VariantCopy error. */
HRESULT SafeArrayGetElement(SAFEARRAY *psa, LONG *rgIndices, void *pv)
{
    if (!psa || !rgIndices || !pv)
        return E_INVALIDARG;
    size_t index;
    HRESULT hr = sa_cell_index(psa, rgIndices, &index);
    if (FAILED(hr))
        return hr;
    hr = SafeArrayLock(psa);
    if (FAILED(hr))
        return hr;

    void *cell = sa_cell(psa, index);
    if (psa->fFeatures & FADF_BSTR) {
        BSTR src = *(BSTR *)cell, copy = NULL;
        if (src) {
            copy = SysAllocStringByteLen((LPCSTR)src, SysStringByteLen(src));
            if (!copy)
                hr = E_OUTOFMEMORY;
        }
        if (SUCCEEDED(hr))
            *(BSTR *)pv = copy;
    } else if (psa->fFeatures & (FADF_UNKNOWN | FADF_DISPATCH)) {
        IUnknown *unk = *(IUnknown **)cell;
        if (unk)
            IUnknown_AddRef(unk);
        *(IUnknown **)pv = unk;
    } else if (psa->fFeatures & FADF_VARIANT) {
        VariantInit(pv);
        hr = VariantCopy(pv, cell);
    } else {
        memcpy(pv, cell, psa->cbElements);
    }

    SafeArrayUnlock(psa);
    return hr;
}

/* Borrows psa, rgIndices and pv, and stores an owned copy of the value in
 * the element, freeing what the element held.  pv is the BSTR itself for a
 * BSTR array (duplicated; NULL stores NULL), the interface pointer itself
 * for VT_UNKNOWN/VT_DISPATCH (AddRef'd; may be NULL), a VARIANT * for
 * VT_VARIANT (VariantCopy'd), else a pointer to the value.  On failure the
 * element keeps its old value, except that a failed VariantCopy leaves a
 * VT_EMPTY element.  Errors as SafeArrayGetElement. */
HRESULT SafeArrayPutElement(SAFEARRAY *psa, LONG *rgIndices, void *pv)
{
    if (!psa || !rgIndices)
        return E_INVALIDARG;
    int pv_is_value = (psa->fFeatures & (FADF_BSTR | FADF_UNKNOWN | FADF_DISPATCH)) != 0;
    if (!pv && !pv_is_value)
        return E_INVALIDARG;
    size_t index;
    HRESULT hr = sa_cell_index(psa, rgIndices, &index);
    if (FAILED(hr))
        return hr;
    hr = SafeArrayLock(psa);
    if (FAILED(hr))
        return hr;

    void *cell = sa_cell(psa, index);
    if (psa->fFeatures & FADF_BSTR) {
        BSTR src = pv, copy = NULL;
        if (src) {
            copy = SysAllocStringByteLen((LPCSTR)src, SysStringByteLen(src));
            if (!copy)
                hr = E_OUTOFMEMORY;
        }
        if (SUCCEEDED(hr)) {
            SysFreeString(*(BSTR *)cell);
            *(BSTR *)cell = copy;
        }
    } else if (psa->fFeatures & (FADF_UNKNOWN | FADF_DISPATCH)) {
        IUnknown *unk = pv, *old = *(IUnknown **)cell;
        if (unk)
            IUnknown_AddRef(unk);
        *(IUnknown **)cell = unk;
        if (old)
            IUnknown_Release(old);
    } else if (psa->fFeatures & FADF_VARIANT) {
        hr = VariantCopy(cell, pv);
    } else {
        memcpy(cell, pv, psa->cbElements);
    }

    SafeArrayUnlock(psa);
    return hr;
}

/* Borrows psa.  Locks it and sets *ppvData to its data, which stays valid
 * and owned by the array until the matching SafeArrayUnaccessData. */
HRESULT SafeArrayAccessData(SAFEARRAY *psa, void **ppvData)
{
    if (!psa || !ppvData)
        return E_INVALIDARG;
    HRESULT hr = SafeArrayLock(psa);
    if (FAILED(hr))
        return hr;
    *ppvData = psa->pvData;
    return S_OK;
}

/* Borrows psa.  Undoes one SafeArrayAccessData. */
HRESULT SafeArrayUnaccessData(SAFEARRAY *psa)
{
    return SafeArrayUnlock(psa);
}

/* Borrows psa.  Adds a lock (atomically); a locked array cannot be
 * destroyed.  E_INVALIDARG for NULL, E_UNEXPECTED beyond 65535 locks. */
HRESULT SafeArrayLock(SAFEARRAY *psa)
{
    if (!psa)
        return E_INVALIDARG;
    ULONG locks = __atomic_add_fetch(&psa->cLocks, 1, __ATOMIC_ACQ_REL);
    if (locks > SA_MAX_LOCKS) {
        __atomic_sub_fetch(&psa->cLocks, 1, __ATOMIC_ACQ_REL);
        return E_UNEXPECTED;
    }
    return S_OK;
}

/* Borrows psa.  Removes a lock (atomically).  E_INVALIDARG for NULL,
 * E_UNEXPECTED (count unchanged) when it is not locked. */
HRESULT SafeArrayUnlock(SAFEARRAY *psa)
{
    if (!psa)
        return E_INVALIDARG;
    ULONG locks = __atomic_load_n(&psa->cLocks, __ATOMIC_ACQUIRE);
    do {
        if (locks == 0)
            return E_UNEXPECTED;
    } while (!__atomic_compare_exchange_n(&psa->cLocks, &locks, locks - 1, 1, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    return S_OK;
}
