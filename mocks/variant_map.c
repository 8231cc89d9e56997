/*
 * mocks/variant_map.c - the CIM value <-> VARIANT mapping WMI uses (the
 * table is in variant_map.h) and the harness-side value conversions.
 *
 * Invariant: every function here either succeeds with an output that owns
 * exactly what its type says (a BSTR, a SAFEARRAY, a string) or fails with
 * an output that owns nothing (VT_EMPTY, a NULL cim_value); no partial
 * result ever escapes.
 */
#include "variant_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static CIMTYPE base_of(CIMTYPE t)
{
    return t & ~(CIMTYPE)CIM_FLAG_ARRAY;
}

static VARTYPE scalar_vt(CIMTYPE t)
{
    switch (t) {
    case CIM_SINT8: return VT_I2;
    case CIM_UINT8: return VT_UI1;
    case CIM_SINT16: return VT_I2;
    case CIM_UINT16: return VT_I4;
    case CIM_SINT32: return VT_I4;
    case CIM_UINT32: return VT_I4;
    case CIM_SINT64: return VT_BSTR;
    case CIM_UINT64: return VT_BSTR;
    case CIM_REAL32: return VT_R4;
    case CIM_REAL64: return VT_R8;
    case CIM_BOOLEAN: return VT_BOOL;
    case CIM_STRING: return VT_BSTR;
    case CIM_DATETIME: return VT_BSTR;
    case CIM_REFERENCE: return VT_BSTR;
    case CIM_CHAR16: return VT_I2;
    case CIM_OBJECT: return VT_UNKNOWN;
    default: return VT_EMPTY;
    }
}

VARTYPE vmap_vartype(CIMTYPE type)
{
    VARTYPE vt = scalar_vt(base_of(type));
    if (vt != VT_EMPTY && (type & CIM_FLAG_ARRAY))
        vt |= VT_ARRAY;
    return vt;
}

/* ---- cim_value -> VARIANT ---------------------------------------------- */

static BSTR bstr_from_ascii(const char *s)
{
    size_t n = strlen(s);
    BSTR b = SysAllocStringLen(NULL, (UINT)n);
    if (b)
        for (size_t i = 0; i < n; i++)
            b[i] = (WCHAR)(unsigned char)s[i];
    return b;
}

static BSTR bstr_from_utf8(const char *s)
{
    size_t n;
    char16_t *w = hp_utf8_to_utf16(s ? s : "", (size_t)-1, &n);
    if (!w)
        return NULL;
    BSTR b = SysAllocStringLen(w, (UINT)n);
    free(w);
    return b;
}

/* One scalar into the SAFEARRAY cell or VARIANT arm at dst, whose VT is
 * scalar_vt(t).  S_OK or WBEM_E_OUT_OF_MEMORY. */
static HRESULT put_scalar(void *dst, CIMTYPE t, const struct cim_value *v)
{
    char num[32];
    switch (t) {
    case CIM_SINT8:
    case CIM_SINT16: {
        SHORT s = (SHORT)v->v.i;
        memcpy(dst, &s, sizeof s);
        return S_OK;
    }
    case CIM_CHAR16: {
        SHORT s = (SHORT)(uint16_t)v->v.i;
        memcpy(dst, &s, sizeof s);
        return S_OK;
    }
    case CIM_UINT8: {
        BYTE b = (BYTE)v->v.u;
        memcpy(dst, &b, sizeof b);
        return S_OK;
    }
    case CIM_UINT16:
    case CIM_UINT32: {
        LONG l = (LONG)(uint32_t)v->v.u;
        memcpy(dst, &l, sizeof l);
        return S_OK;
    }
    case CIM_SINT32: {
        LONG l = (LONG)v->v.i;
        memcpy(dst, &l, sizeof l);
        return S_OK;
    }
    case CIM_SINT64:
    case CIM_UINT64: {
        if (t == CIM_SINT64)
            snprintf(num, sizeof num, "%lld", (long long)v->v.i);
        else
            snprintf(num, sizeof num, "%llu", (unsigned long long)v->v.u);
        BSTR b = bstr_from_ascii(num);
        if (!b)
            return WBEM_E_OUT_OF_MEMORY;
        memcpy(dst, &b, sizeof b);
        return S_OK;
    }
    case CIM_REAL32: {
        FLOAT f = (FLOAT)v->v.r;
        memcpy(dst, &f, sizeof f);
        return S_OK;
    }
    case CIM_REAL64: {
        DOUBLE d = v->v.r;
        memcpy(dst, &d, sizeof d);
        return S_OK;
    }
    case CIM_BOOLEAN: {
        VARIANT_BOOL b = v->v.i ? VARIANT_TRUE : VARIANT_FALSE;
        memcpy(dst, &b, sizeof b);
        return S_OK;
    }
    case CIM_STRING:
    case CIM_DATETIME:
    case CIM_REFERENCE: {
        BSTR b = bstr_from_utf8(v->null ? "" : v->v.s);
        if (!b)
            return WBEM_E_OUT_OF_MEMORY;
        memcpy(dst, &b, sizeof b);
        return S_OK;
    }
    default:
        return WBEM_E_TYPE_MISMATCH;
    }
}

HRESULT vmap_to_variant(VARIANT *out, const struct cim_value *v)
{
    VariantInit(out);
    if (v->null) {
        out->vt = VT_NULL;
        return S_OK;
    }
    CIMTYPE base = base_of(v->type);
    VARTYPE vt = scalar_vt(base);
    if (vt == VT_EMPTY || vt == VT_UNKNOWN)
        return WBEM_E_TYPE_MISMATCH;
    if (!(v->type & CIM_FLAG_ARRAY)) {
        HRESULT hr = put_scalar(&out->llVal, base, v);
        if (SUCCEEDED(hr))
            out->vt = vt;
        return hr;
    }
    size_t n = v->v.a ? v->v.a->n : 0;
    SAFEARRAY *sa = SafeArrayCreateVector(vt, 0, (ULONG)n);
    if (!sa)
        return WBEM_E_OUT_OF_MEMORY;
    unsigned char *cells = sa->pvData;
    for (size_t i = 0; i < n; i++) {
        HRESULT hr = put_scalar(cells + i * sa->cbElements, base, &v->v.a->items[i]);
        if (FAILED(hr)) {
            SafeArrayDestroy(sa);
            return hr;
        }
    }
    out->vt = VT_ARRAY | vt;
    out->parray = sa;
    return S_OK;
}

/* ---- VARIANT -> cim_value ---------------------------------------------- */

/* A number taken out of a VARIANT arm. */
struct num {
    enum { N_NONE, N_INT, N_REAL, N_BOOL, N_STR } kind;
    bool neg;        /* N_INT: negative, value in i; else value in u */
    int64_t i;
    uint64_t u;
    double r;
    BSTR s;          /* N_STR, borrowed */
};

static void num_int(struct num *n, int64_t v)
{
    n->kind = N_INT;
    n->neg = v < 0;
    n->i = v;
    n->u = (uint64_t)v;
}

static void num_uint(struct num *n, uint64_t v)
{
    n->kind = N_INT;
    n->neg = false;
    n->i = (int64_t)v;
    n->u = v;
}

/* Reads the value of VARTYPE vt at p (a VARIANT arm or a SAFEARRAY cell). */
static struct num read_num(VARTYPE vt, const void *p)
{
    struct num n = {.kind = N_NONE};
    switch (vt) {
    case VT_I1: { signed char x; memcpy(&x, p, 1); num_int(&n, x); break; }
    case VT_I2: { SHORT x; memcpy(&x, p, 2); num_int(&n, x); break; }
    case VT_I4:
    case VT_INT: { LONG x; memcpy(&x, p, 4); num_int(&n, x); break; }
    case VT_I8: { LONGLONG x; memcpy(&x, p, 8); num_int(&n, x); break; }
    case VT_UI1: { BYTE x; memcpy(&x, p, 1); num_uint(&n, x); break; }
    case VT_UI2: { USHORT x; memcpy(&x, p, 2); num_uint(&n, x); break; }
    case VT_UI4:
    case VT_UINT: { ULONG x; memcpy(&x, p, 4); num_uint(&n, x); break; }
    case VT_UI8: { ULONGLONG x; memcpy(&x, p, 8); num_uint(&n, x); break; }
    case VT_R4: { FLOAT x; memcpy(&x, p, 4); n.kind = N_REAL; n.r = x; break; }
    case VT_R8: { DOUBLE x; memcpy(&x, p, 8); n.kind = N_REAL; n.r = x; break; }
    case VT_BOOL: { VARIANT_BOOL x; memcpy(&x, p, 2); n.kind = N_BOOL; n.i = x != 0; break; }
    case VT_BSTR: { BSTR x; memcpy(&x, p, sizeof x); n.kind = N_STR; n.s = x; break; }
    default: break;
    }
    return n;
}

/* Decimal text with an optional sign, nothing else. */
static bool parse_decimal(const WCHAR *s, struct num *n)
{
    if (!s || !*s)
        return false;
    bool neg = false;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg && v != 0) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        num_int(n, (int64_t)(0 - v));
    } else {
        num_uint(n, v);
    }
    return true;
}

static bool int_range(CIMTYPE t, int64_t *lo, uint64_t *hi)
{
    switch (t) {
    case CIM_SINT8: *lo = INT8_MIN; *hi = INT8_MAX; return true;
    case CIM_UINT8: *lo = 0; *hi = UINT8_MAX; return true;
    case CIM_SINT16: *lo = INT16_MIN; *hi = INT16_MAX; return true;
    case CIM_UINT16: *lo = 0; *hi = UINT16_MAX; return true;
    case CIM_CHAR16: *lo = 0; *hi = UINT16_MAX; return true;
    case CIM_SINT32: *lo = INT32_MIN; *hi = INT32_MAX; return true;
    case CIM_UINT32: *lo = 0; *hi = UINT32_MAX; return true;
    case CIM_SINT64: *lo = INT64_MIN; *hi = INT64_MAX; return true;
    case CIM_UINT64: *lo = 0; *hi = UINT64_MAX; return true;
    default: return false;
    }
}

/* Stores an integer number into an integer-typed value if it fits. */
static bool store_int(struct cim_value *out, CIMTYPE t, const struct num *n)
{
    int64_t lo;
    uint64_t hi;
    if (!int_range(t, &lo, &hi))
        return false;
    if (n->neg ? n->i < lo : n->u > hi)
        return false;
    *out = cim_null(t);
    out->null = false;
    if (cim_type_is_signed(t) || t == CIM_CHAR16)
        out->v.i = n->neg ? n->i : (int64_t)n->u;
    else
        out->v.u = n->u;
    return true;
}

static HRESULT scalar_from(struct cim_value *out, CIMTYPE t, VARTYPE vt, const void *p)
{
    *out = cim_null(t);
    struct num n = read_num(vt, p);
    switch (t) {
    case CIM_SINT8: case CIM_UINT8: case CIM_SINT16: case CIM_UINT16:
    case CIM_SINT32: case CIM_UINT32: case CIM_SINT64: case CIM_UINT64:
    case CIM_CHAR16:
        if (n.kind == N_STR) {
            if ((t != CIM_SINT64 && t != CIM_UINT64) || !parse_decimal(n.s, &n))
                return WBEM_E_TYPE_MISMATCH;
        }
        if (n.kind != N_INT)
            return WBEM_E_TYPE_MISMATCH;
        /* The inverses of the Get mapping keep the bits. */
        if (t == CIM_UINT32 && vt == VT_I4)
            num_uint(&n, (uint32_t)n.i);
        else if (t == CIM_CHAR16 && vt == VT_I2)
            num_uint(&n, (uint16_t)n.i);
        return store_int(out, t, &n) ? S_OK : WBEM_E_TYPE_MISMATCH;
    case CIM_REAL32:
    case CIM_REAL64:
        if (n.kind == N_INT)
            n.r = n.neg ? (double)n.i : (double)n.u;
        else if (n.kind != N_REAL)
            return WBEM_E_TYPE_MISMATCH;
        out->null = false;
        out->v.r = t == CIM_REAL32 ? (double)(float)n.r : n.r;
        return S_OK;
    case CIM_BOOLEAN:
        if (n.kind != N_BOOL && n.kind != N_INT)
            return WBEM_E_TYPE_MISMATCH;
        out->null = false;
        out->v.i = n.kind == N_BOOL ? n.i : (n.u != 0);
        return S_OK;
    case CIM_STRING:
    case CIM_DATETIME:
    case CIM_REFERENCE: {
        if (n.kind != N_STR)
            return WBEM_E_TYPE_MISMATCH;
        /* Up to the first NUL (see obj_Put in object.c). */
        char *s = hp_utf16_to_utf8(n.s ? n.s : u"", n.s ? hp_u16len(n.s) : 0, NULL);
        if (!s)
            return hp_error_code() == HP_ENOMEM ? WBEM_E_OUT_OF_MEMORY : WBEM_E_TYPE_MISMATCH;
        out->null = false;
        out->v.s = s;
        return S_OK;
    }
    default:
        return WBEM_E_TYPE_MISMATCH;
    }
}

/* Bytes of one element of a VARTYPE the mapping reads; 0 for others. */
static size_t element_size(VARTYPE vt)
{
    switch (vt) {
    case VT_I1: case VT_UI1: return 1;
    case VT_I2: case VT_UI2: case VT_BOOL: return 2;
    case VT_I4: case VT_UI4: case VT_INT: case VT_UINT: case VT_R4: return 4;
    case VT_I8: case VT_UI8: case VT_R8: return 8;
    case VT_BSTR: return sizeof(BSTR);
    case VT_UNKNOWN: case VT_DISPATCH: return sizeof(IUnknown *);
    case VT_VARIANT: return sizeof(VARIANT);
    default: return 0;
    }
}

bool vmap_safearray_fits(const SAFEARRAY *sa, VARTYPE vt)
{
    size_t size = element_size(vt);
    return size && sa->cDims == 1 && sa->cbElements == size &&
           (sa->pvData || sa->rgsabound[0].cElements == 0);
}

HRESULT vmap_scalar_from_element(struct cim_value *out, CIMTYPE type, VARTYPE vt, const void *elem)
{
    return scalar_from(out, type, vt, elem);
}

HRESULT vmap_from_variant(struct cim_value *out, CIMTYPE type, const VARIANT *in)
{
    *out = cim_null(type);
    if (!in || in->vt == VT_NULL || in->vt == VT_EMPTY)
        return S_OK;
    CIMTYPE base = base_of(type);
    if (base == CIM_OBJECT)
        return WBEM_E_TYPE_MISMATCH;
    if (!(type & CIM_FLAG_ARRAY)) {
        if (in->vt & (VT_ARRAY | VT_BYREF))
            return WBEM_E_TYPE_MISMATCH;
        return scalar_from(out, base, in->vt, &in->llVal);
    }
    if ((in->vt & (VT_ARRAY | VT_BYREF)) != VT_ARRAY)
        return WBEM_E_TYPE_MISMATCH;
    SAFEARRAY *sa = in->parray;
    if (!sa)
        return S_OK;
    VARTYPE evt = in->vt & VT_TYPEMASK;
    if (!vmap_safearray_fits(sa, evt))
        return WBEM_E_TYPE_MISMATCH;
    size_t n = sa->rgsabound[0].cElements;
    struct cim_array *a = calloc(1, sizeof *a);
    if (!a)
        return WBEM_E_OUT_OF_MEMORY;
    a->items = calloc(n ? n : 1, sizeof *a->items);
    if (!a->items) {
        free(a);
        return WBEM_E_OUT_OF_MEMORY;
    }
    HRESULT hr = S_OK;
    const unsigned char *cells = sa->pvData;
    for (size_t i = 0; i < n && SUCCEEDED(hr); i++) {
        const void *cell = cells + i * sa->cbElements;
        if (evt == VT_VARIANT) {
            const VARIANT *ev = cell;
            if (ev->vt & (VT_ARRAY | VT_BYREF))
                hr = WBEM_E_TYPE_MISMATCH;
            else if (ev->vt == VT_NULL || ev->vt == VT_EMPTY)
                hr = WBEM_E_TYPE_MISMATCH; /* an array element cannot be NULL */
            else
                hr = scalar_from(&a->items[i], base, ev->vt, &ev->llVal);
        } else {
            hr = scalar_from(&a->items[i], base, evt, cell);
        }
        if (SUCCEEDED(hr))
            a->n = i + 1;
    }
    out->null = false;
    out->v.a = a;
    if (FAILED(hr))
        cim_value_clear(out);
    return hr;
}

/* ---- Harness-side conversions ------------------------------------------ */

static int scalar_convert(struct cim_value *out, CIMTYPE t, const struct cim_value *in)
{
    CIMTYPE s = in->type;
    *out = cim_null(t);
    if (in->null)
        return 0;
    if (s == t)
        return cim_value_copy(out, in);
    if (cim_type_is_string(s) && cim_type_is_string(t)) {
        int rc = cim_value_copy(out, in);
        out->type = t;
        return rc;
    }
    bool s_int = cim_type_is_integer(s) || s == CIM_CHAR16 || s == CIM_BOOLEAN;
    if (s_int) {
        struct num n;
        if (cim_type_is_signed(s) || s == CIM_CHAR16 || s == CIM_BOOLEAN)
            num_int(&n, in->v.i);
        else
            num_uint(&n, in->v.u);
        if (t == CIM_REAL32 || t == CIM_REAL64) {
            out->null = false;
            out->v.r = n.neg ? (double)n.i : (double)n.u;
            if (t == CIM_REAL32)
                out->v.r = (double)(float)out->v.r;
            return 0;
        }
        if (t == CIM_BOOLEAN) {
            out->null = false;
            out->v.i = n.u != 0;
            return 0;
        }
        if (store_int(out, t, &n))
            return 0;
        *out = cim_null(t);
        if (int_range(t, &(int64_t){0}, &(uint64_t){0}))
            return hp_error_set(HP_EINVAL, "value %s%llu does not fit in a %s", n.neg ? "-" : "",
                                n.neg ? (unsigned long long)(0 - (uint64_t)n.i)
                                      : (unsigned long long)n.u,
                                cim_type_name(t));
    } else if ((s == CIM_REAL32 || s == CIM_REAL64) && (t == CIM_REAL32 || t == CIM_REAL64)) {
        out->null = false;
        out->v.r = t == CIM_REAL32 ? (double)(float)in->v.r : in->v.r;
        return 0;
    }
    return hp_error_set(HP_EINVAL, "a %s value cannot be stored in a %s", cim_type_name(s),
                        cim_type_name(t));
}

int cimval_convert(struct cim_value *out, CIMTYPE type, const struct cim_value *in)
{
    *out = cim_null(type);
    if (in->null)
        return 0;
    bool in_arr = (in->type & CIM_FLAG_ARRAY) != 0, out_arr = (type & CIM_FLAG_ARRAY) != 0;
    if (in_arr != out_arr)
        return hp_error_set(HP_EINVAL, "a %s value cannot be stored in a %s",
                            cim_type_name(in->type), cim_type_name(type));
    if (!out_arr)
        return scalar_convert(out, type, in);
    if (in->type == type)
        return cim_value_copy(out, in);
    size_t n = in->v.a ? in->v.a->n : 0;
    struct cim_array *a = calloc(1, sizeof *a);
    if (!a || !(a->items = calloc(n ? n : 1, sizeof *a->items))) {
        free(a);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    out->null = false;
    out->v.a = a;
    for (size_t i = 0; i < n; i++) {
        int rc = scalar_convert(&a->items[i], base_of(type), &in->v.a->items[i]);
        if (rc) {
            cim_value_clear(out);
            return rc;
        }
        a->n = i + 1;
    }
    return 0;
}
