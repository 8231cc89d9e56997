/*
 * guid.c - GUIDs to and from their registry text form
 * "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (38 characters plus a NUL).
 *
 * Invariant: the parser accepts exactly that form (hex digits in either
 * case, braces and hyphens where shown, nothing after the closing brace) and
 * nothing else: no ProgIDs, no unbraced form.  It writes its output only on
 * success or with GUID_NULL, never a half-parsed GUID.
 */
#include <string.h>

#include "hiperf/oleauto.h"

#define GUID_TEXT_LEN 38 /* without the NUL */

static const char hex_upper[] = "0123456789ABCDEF";

/* Positions of the 16 bytes in the text, in the order Data1 (big-endian
 * digits), Data2, Data3, Data4[0..7]; each byte is two digits. */
static const unsigned char byte_pos[16] = {
    1, 3, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 29, 31, 33, 35,
};

/* Borrows rguid; writes the braced upper-case text and a NUL to lpsz, which
 * the caller owns and which has room for cchMax units.  Returns 39 (units
 * written with the NUL), or 0 with nothing written when cchMax < 39 or an
 * argument is NULL. */
int StringFromGUID2(REFGUID rguid, LPOLESTR lpsz, int cchMax)
{
    if (!rguid || !lpsz || cchMax < GUID_TEXT_LEN + 1)
        return 0;

    unsigned char bytes[16];
    bytes[0] = (unsigned char)(rguid->Data1 >> 24);
    bytes[1] = (unsigned char)(rguid->Data1 >> 16);
    bytes[2] = (unsigned char)(rguid->Data1 >> 8);
    bytes[3] = (unsigned char)rguid->Data1;
    bytes[4] = (unsigned char)(rguid->Data2 >> 8);
    bytes[5] = (unsigned char)rguid->Data2;
    bytes[6] = (unsigned char)(rguid->Data3 >> 8);
    bytes[7] = (unsigned char)rguid->Data3;
    memcpy(bytes + 8, rguid->Data4, 8);

    lpsz[0] = u'{';
    lpsz[9] = lpsz[14] = lpsz[19] = lpsz[24] = u'-';
    lpsz[37] = u'}';
    lpsz[38] = 0;
    for (int i = 0; i < 16; i++) {
        lpsz[byte_pos[i]] = (OLECHAR)hex_upper[bytes[i] >> 4];
        lpsz[byte_pos[i] + 1] = (OLECHAR)hex_upper[bytes[i] & 0xF];
    }
    return GUID_TEXT_LEN + 1;
}

static int hex_value(OLECHAR c)
{
    if (c >= u'0' && c <= u'9')
        return c - u'0';
    if (c >= u'a' && c <= u'f')
        return c - u'a' + 10;
    if (c >= u'A' && c <= u'F')
        return c - u'A' + 10;
    return -1;
}

/* 1 and *out set when s is exactly the braced form, else 0. */
static int guid_parse(LPCOLESTR s, GUID *out)
{
    for (int i = 0; i < GUID_TEXT_LEN; i++)
        if (!s[i])
            return 0; /* too short; also stops reading at the NUL */
    if (s[GUID_TEXT_LEN] != 0)
        return 0;
    if (s[0] != u'{' || s[37] != u'}' || s[9] != u'-' || s[14] != u'-' || s[19] != u'-' ||
        s[24] != u'-')
        return 0;

    unsigned char bytes[16];
    for (int i = 0; i < 16; i++) {
        int hi = hex_value(s[byte_pos[i]]), lo = hex_value(s[byte_pos[i] + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        bytes[i] = (unsigned char)(hi << 4 | lo);
    }
    out->Data1 = (DWORD)bytes[0] << 24 | (DWORD)bytes[1] << 16 | (DWORD)bytes[2] << 8 | bytes[3];
    out->Data2 = (WORD)(bytes[4] << 8 | bytes[5]);
    out->Data3 = (WORD)(bytes[6] << 8 | bytes[7]);
    memcpy(out->Data4, bytes + 8, 8);
    return 1;
}

/* Shared by both parsers: S_OK, E_INVALIDARG for a NULL output, or
 * bad_form (with *out = GUID_NULL) for a malformed string. */
static HRESULT guid_from_string(LPCOLESTR lpsz, GUID *out, HRESULT bad_form)
{
    static const GUID guid_null;
    if (!out)
        return E_INVALIDARG;
    if (!lpsz || !lpsz[0]) {
        *out = guid_null;
        return S_OK;
    }
    GUID parsed;
    if (!guid_parse(lpsz, &parsed)) {
        *out = guid_null;
        return bad_form;
    }
    *out = parsed;
    return S_OK;
}

/* Borrows lpsz; fills *pclsid (caller's).  NULL or "" gives GUID_NULL and
 * S_OK, as on Windows.  CO_E_CLASSSTRING (and GUID_NULL) for anything but
 * the braced form, E_INVALIDARG for a NULL pclsid.  ProgIDs are not looked
 * up: there is no registry here. */
HRESULT CLSIDFromString(LPCOLESTR lpsz, LPCLSID pclsid)
{
    return guid_from_string(lpsz, pclsid, CO_E_CLASSSTRING);
}

/* As CLSIDFromString, but a malformed string gives E_INVALIDARG. */
HRESULT IIDFromString(LPCOLESTR lpsz, LPIID lpiid)
{
    return guid_from_string(lpsz, lpiid, E_INVALIDARG);
}
