/*
 * provider/objects.c - how the reference provider reads and writes the
 * host's objects: property handles, counter writes, Put of keys and
 * uint64 strings, and reading which instance an object names.
 *
 * Invariant: every function here borrows the objects it is given and
 * leaves their reference counts as it found them; every VARIANT it fills
 * or receives is cleared before it returns.
 */
#include "provider_private.h"

HRESULT rp_handles_query(IWbemObjectAccess *obj, const struct rp_class *cls, struct rp_handles *out)
{
    struct rp_handles h;

    for (unsigned i = 0; i < cls->nprops; i++) {
        CIMTYPE type = CIM_EMPTY;
        LONG handle = 0;
        HRESULT hr = IWbemObjectAccess_GetPropertyHandle(obj, cls->props[i].name, &type, &handle);
        if (FAILED(hr))
            return hr;
        if (type != cls->props[i].type)
            return WBEM_E_TYPE_MISMATCH;
        h.handle[i] = handle;
    }
    *out = h;
    return WBEM_S_NO_ERROR;
}

HRESULT rp_write_values(IWbemObjectAccess *obj, const struct rp_class *cls, const struct rp_handles *h,
                        const uint64_t *vals, unsigned from, unsigned to)
{
    HRESULT first = WBEM_S_NO_ERROR;

    for (unsigned i = from; i < to; i++) {
        HRESULT hr = cls->props[i].type == CIM_UINT32
                         ? IWbemObjectAccess_WriteDWORD(obj, h->handle[i], (DWORD)vals[i])
                         : IWbemObjectAccess_WriteQWORD(obj, h->handle[i], vals[i]);
        if (FAILED(hr) && SUCCEEDED(first))
            first = hr;
    }
    return first;
}

HRESULT rp_put_string(IWbemClassObject *obj, const WCHAR *prop, const WCHAR *value)
{
    VARIANT v;
    HRESULT hr;

    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(value);
    if (!V_BSTR(&v))
        return WBEM_E_OUT_OF_MEMORY;
    /* Put copies the value; the VARIANT stays ours to clear. */
    hr = IWbemClassObject_Put(obj, prop, 0, &v, 0);
    VariantClear(&v);
    return hr;
}

HRESULT rp_put_uint64(IWbemClassObject *obj, const WCHAR *prop, uint64_t value)
{
    WCHAR digits[21], text[21];
    size_t n = 0, i;

    do {
        digits[n++] = (WCHAR)(u'0' + value % 10);
        value /= 10;
    } while (value);
    for (i = 0; i < n; i++)
        text[i] = digits[n - 1 - i];
    text[n] = 0;
    return rp_put_string(obj, prop, text);
}

/* Reads a string property into a new BSTR (*out, caller frees), or NULL
 * with WBEM_E_INVALID_PARAMETER when the property is NULL or not a string.
 * A failure of the host is returned unchanged. */
static HRESULT get_string(IWbemClassObject *obj, const WCHAR *prop, BSTR *out)
{
    VARIANT v;
    HRESULT hr;

    *out = NULL;
    VariantInit(&v);
    hr = IWbemClassObject_Get(obj, prop, 0, &v, NULL, NULL);
    if (FAILED(hr))
        return hr;
    if (V_VT(&v) != VT_BSTR || !V_BSTR(&v)) {
        VariantClear(&v);
        return WBEM_E_INVALID_PARAMETER;
    }
    *out = V_BSTR(&v);  /* ownership moves to the caller; nothing else to clear */
    return WBEM_S_NO_ERROR;
}

HRESULT rp_identify(IWbemClassObject *obj, bool hiperf_only, int *cls_out, int *inst_out)
{
    BSTR name = NULL, key = NULL;
    HRESULT hr;
    int c, inst;

    hr = get_string(obj, u"__CLASS", &name);
    if (FAILED(hr))
        return hr;
    c = rp_class_lookup(name);
    SysFreeString(name);
    if (c < 0 || (hiperf_only && !rp_classes[c].hiperf))
        return WBEM_E_INVALID_CLASS;
    if (rp_classes[c].key) {
        hr = get_string(obj, rp_classes[c].key, &key);
        if (FAILED(hr))
            return hr;
    }
    inst = rp_instance_lookup(&rp_classes[c], key);
    SysFreeString(key);
    if (inst < 0)
        return WBEM_E_NOT_FOUND;
    *cls_out = c;
    *inst_out = inst;
    return WBEM_S_NO_ERROR;
}
