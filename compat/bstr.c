/*
 * bstr.c - BSTR allocation with the Windows memory layout.
 *
 * Invariant: a non-NULL BSTR points BSTR_PREFIX bytes into a block from
 * CoTaskMemAlloc.  The 4 bytes just before the text hold its byte length
 * (not counting the terminator); on 64-bit hosts 4 zero pad bytes precede
 * them so the text keeps the block's 8-byte alignment, as on 64-bit Windows.
 * After the text come zero bytes up to the next whole WCHAR and then one NUL
 * WCHAR, so even an odd byte length is followed by a NUL byte and by a NUL
 * unit at index SysStringLen and at index (byte length + 1) / 2.
 * A NULL BSTR is the empty string to every reader here.
 */
#include <stdint.h>
#include <string.h>

#include "hiperf/oleauto.h"

/* Bytes in front of the text: [pad on 64-bit][DWORD byte length]. */
#define BSTR_PREFIX (sizeof(void *) >= 8 ? (size_t)8 : (size_t)4)

/* Longest text in bytes; longer requests fail (Windows refuses them too),
 * which also keeps every size computation far from overflow. */
#define BSTR_MAX_BYTES ((size_t)0x7FFFFFFE)

static DWORD bstr_byte_len(BSTR b)
{
    DWORD n;
    memcpy(&n, (const unsigned char *)b - sizeof n, sizeof n);
    return n;
}

static size_t wide_len(const OLECHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Allocates a BSTR of byte_len bytes whose first src_bytes come from src
 * (src_bytes <= byte_len); every other byte of the block after the prefix is
 * zero.  Returns NULL when byte_len is too long or memory is short. */
static BSTR bstr_alloc(const void *src, size_t src_bytes, size_t byte_len)
{
    if (byte_len > BSTR_MAX_BYTES)
        return NULL;
    size_t text_room = (byte_len + 1) & ~(size_t)1; /* whole WCHARs */
    size_t total = BSTR_PREFIX + text_room + sizeof(WCHAR);
    unsigned char *block = CoTaskMemAlloc(total);
    if (!block)
        return NULL;

    DWORD len32 = (DWORD)byte_len;
    memset(block, 0, BSTR_PREFIX - sizeof len32);
    memcpy(block + BSTR_PREFIX - sizeof len32, &len32, sizeof len32);

    unsigned char *text = block + BSTR_PREFIX;
    if (src_bytes)
        memcpy(text, src, src_bytes);
    memset(text + src_bytes, 0, total - BSTR_PREFIX - src_bytes);
    return (BSTR)(void *)text;
}

/* Borrows psz (NUL-terminated, may be NULL).  Returns an owned copy, freed
 * with SysFreeString; NULL for psz == NULL or when memory is short. */
BSTR SysAllocString(const OLECHAR *psz)
{
    if (!psz)
        return NULL;
    size_t n = wide_len(psz);
    if (n > BSTR_MAX_BYTES / sizeof(WCHAR))
        return NULL;
    return bstr_alloc(psz, n * sizeof(WCHAR), n * sizeof(WCHAR));
}

/* Borrows ui units of strIn (embedded NULs allowed, no terminator needed).
 * Returns an owned BSTR of ui units, freed with SysFreeString; with
 * strIn == NULL the units are zero (Windows leaves them uninitialised).
 * NULL when memory is short or ui is too large. */
BSTR SysAllocStringLen(const OLECHAR *strIn, UINT ui)
{
    if ((size_t)ui > BSTR_MAX_BYTES / sizeof(WCHAR))
        return NULL;
    size_t bytes = (size_t)ui * sizeof(WCHAR);
    return bstr_alloc(strIn, strIn ? bytes : 0, bytes);
}

/* Borrows len bytes of psz (any bytes, len may be odd).  Returns an owned
 * BSTR whose SysStringByteLen is len, freed with SysFreeString; zero bytes
 * when psz == NULL.  A NUL byte and a NUL WCHAR follow the len bytes. */
BSTR SysAllocStringByteLen(LPCSTR psz, UINT len)
{
    return bstr_alloc(psz, psz ? len : 0, len);
}

/* Replaces *pbstr (owned by the caller, may be NULL) with an owned copy of
 * len units of psz and frees the old string.  psz may point into *pbstr:
 * the units are copied before the old string is freed, and units beyond the
 * old string's end read as zero.  psz == NULL gives len zero units.  Returns
 * TRUE, or FALSE (with *pbstr untouched) when memory is short, len is too
 * large or pbstr is NULL. */
INT SysReAllocStringLen(BSTR *pbstr, const OLECHAR *psz, UINT len)
{
    if (!pbstr)
        return FALSE;
    if ((size_t)len > BSTR_MAX_BYTES / sizeof(WCHAR))
        return FALSE;

    BSTR old = *pbstr;
    size_t want = (size_t)len * sizeof(WCHAR);
    size_t avail = psz ? want : 0;
    if (psz && old) {
        uintptr_t start = (uintptr_t)old;
        uintptr_t end = start + bstr_byte_len(old);
        uintptr_t from = (uintptr_t)psz;
        if (from >= start && from <= end && end - from < avail)
            avail = end - from; /* never read past the old text */
    }

    BSTR fresh = bstr_alloc(psz, avail, want);
    if (!fresh)
        return FALSE;
    SysFreeString(old);
    *pbstr = fresh;
    return TRUE;
}

/* Replaces *pbstr (owned by the caller, may be NULL) with an owned copy of
 * the NUL-terminated psz, which may point into *pbstr, and frees the old
 * string.  psz == NULL leaves *pbstr NULL (the empty string).  Returns TRUE,
 * or FALSE (with *pbstr untouched) when memory is short or pbstr is NULL. */
INT SysReAllocString(BSTR *pbstr, const OLECHAR *psz)
{
    if (!pbstr)
        return FALSE;
    if (!psz) {
        SysFreeString(*pbstr);
        *pbstr = NULL;
        return TRUE;
    }
    size_t n = wide_len(psz);
    if (n > BSTR_MAX_BYTES / sizeof(WCHAR))
        return FALSE;
    return SysReAllocStringLen(pbstr, psz, (UINT)n);
}

/* Frees a BSTR from SysAlloc* (takes ownership); NULL is a no-op. */
void SysFreeString(BSTR bstrString)
{
    if (bstrString)
        CoTaskMemFree((unsigned char *)bstrString - BSTR_PREFIX);
}

/* Borrows pbstr.  Length in WCHAR units (an odd byte length rounds down);
 * 0 for NULL. */
UINT SysStringLen(BSTR pbstr)
{
    return pbstr ? bstr_byte_len(pbstr) / sizeof(WCHAR) : 0;
}

/* Borrows bstr.  Length in bytes, without the terminator; 0 for NULL. */
UINT SysStringByteLen(BSTR bstr)
{
    return bstr ? bstr_byte_len(bstr) : 0;
}
