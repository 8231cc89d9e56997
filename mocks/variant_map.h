/*
 * mocks/variant_map.h - CIM values <-> VARIANTs the way WMI maps them, and
 * conversions between CIM values for the harness's own use.
 *
 * Get direction (what a provider or client sees), per CIM type:
 *   sint8 VT_I2 · uint8 VT_UI1 · sint16 VT_I2 · uint16 VT_I4 · sint32 VT_I4 ·
 *   uint32 VT_I4 (values from 2^31 up come out negative, bit for bit) ·
 *   sint64/uint64 VT_BSTR (decimal) · real32 VT_R4 · real64 VT_R8 ·
 *   boolean VT_BOOL (VARIANT_TRUE = -1) · string/datetime/reference VT_BSTR ·
 *   char16 VT_I2 (the UTF-16 unit, bit for bit) · object VT_UNKNOWN ·
 *   arrays VT_ARRAY|<the element's VT> as a one-dimensional SAFEARRAY from 0.
 *   A NULL value is VT_NULL.
 *
 * Put direction: the type above, plus the coercions WMI accepts:
 *   - any integer VT (VT_I1 VT_I2 VT_I4 VT_I8 VT_INT VT_UI1 VT_UI2 VT_UI4
 *     VT_UI8 VT_UINT) into any integer type when the value fits, else
 *     WBEM_E_TYPE_MISMATCH; except that VT_I4 into uint32 and VT_I2 into
 *     char16 take the bits as they are (the inverse of the Get mapping, so
 *     what Get gave can always be put back);
 *   - VT_BSTR holding a decimal number (optional sign) into sint64/uint64;
 *   - VT_R4/VT_R8 and integer VTs into real32/real64;
 *   - VT_BOOL, and integer VTs (0 = FALSE, else TRUE), into boolean;
 *   - VT_BSTR only into string, datetime and reference (no format check),
 *     the text ending at its first NUL;
 *   - arrays element by element with the same rules (VT_ARRAY|VT_VARIANT
 *     too); only one-dimensional arrays whose element size matches the VT;
 *   - VT_NULL and VT_EMPTY (and a NULL VARIANT pointer) make the value NULL.
 *   Anything else, VT_BYREF included, is WBEM_E_TYPE_MISMATCH.
 */
#ifndef HIPERF_MOCKS_VARIANT_MAP_H
#define HIPERF_MOCKS_VARIANT_MAP_H

#include "cim.h"
#include "hiperf/com.h"

/* The VARTYPE Get gives for a CIM type (VT_ARRAY|x for arrays); VT_EMPTY
 * for CIM_EMPTY or an unknown type. */
VARTYPE vmap_vartype(CIMTYPE type);

/* Writes v (borrowed) into *out, which is overwritten without being
 * cleared and is then owned by the caller (VariantClear).  Objects are not
 * cim values: CIM_OBJECT gives WBEM_E_TYPE_MISMATCH.  S_OK, or
 * WBEM_E_OUT_OF_MEMORY / WBEM_E_TYPE_MISMATCH with *out VT_EMPTY. */
HRESULT vmap_to_variant(VARIANT *out, const struct cim_value *v);

/* Converts in (borrowed; NULL means VT_NULL) to a value of `type` in *out,
 * owned by the caller (cim_value_clear).  S_OK, WBEM_E_TYPE_MISMATCH or
 * WBEM_E_OUT_OF_MEMORY, with *out NULL on failure. */
HRESULT vmap_from_variant(struct cim_value *out, CIMTYPE type, const VARIANT *in);

/* Whether sa (borrowed) is a one-dimensional array whose elements have
 * the size of VARTYPE vt and whose data is there: the mapping reads no
 * array that fails this (a VARIANT whose vt lies about its array). */
bool vmap_safearray_fits(const SAFEARRAY *sa, VARTYPE vt);

/* The same for one SAFEARRAY element of VARTYPE vt at elem (borrowed);
 * used for arrays of objects by the object layer.  Scalars only. */
HRESULT vmap_scalar_from_element(struct cim_value *out, CIMTYPE type, VARTYPE vt, const void *elem);

/* For the harness's own values (scenarios, MOF defaults): converts in
 * (borrowed) to `type` into *out (owned).  Integers, char16 and booleans
 * convert among themselves when the value fits, integers into reals, the
 * reals into each other, the three string types into each other, arrays
 * element by element.  0, or HP_EINVAL with a message, or HP_ENOMEM; *out
 * is NULL on failure. */
int cimval_convert(struct cim_value *out, CIMTYPE type, const struct cim_value *in);

#endif
