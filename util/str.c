/*
 * util/str.c - strings: duplication, ASCII case folding, UTF-8 <-> UTF-16,
 * and the growable buffer.  Invariant: every conversion rejects malformed
 * input (lone surrogates, overlong or truncated UTF-8) instead of guessing.
 */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hp_grow(void **p, size_t *cap, size_t need, size_t elsize)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elsize)
            return hp_error_set(HP_ENOMEM, "out of memory");
        n *= 2;
    }
    void *q = realloc(*p, n * elsize);
    if (!q)
        return hp_error_set(HP_ENOMEM, "out of memory");
    *p = q;
    *cap = n;
    return 0;
}

char *hp_strdup(const char *s)
{
    return s ? hp_strndup(s, strlen(s)) : NULL;
}

char *hp_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *hp_sprintf(const char *fmt, ...)
{
    struct hp_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return hp_buf_steal(&b);
}

static inline int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int hp_stricmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
        if (x != y || !x)
            return x - y;
    }
}

bool hp_streqi(const char *a, const char *b)
{
    return a && b && hp_stricmp(a, b) == 0;
}

size_t hp_u16len(const char16_t *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

bool hp_u16_eqi_utf8(const char16_t *a, const char *b)
{
    /* Names are ASCII in practice; a non-ASCII unit must match exactly
     * after decoding, which the slow path below does. */
    const char16_t *p = a;
    const unsigned char *q = (const unsigned char *)b;
    for (; *p && *q && *p < 0x80 && *q < 0x80; p++, q++)
        if (lower(*p) != lower(*q))
            return false;
    if (!*p && !*q)
        return true;
    if (*p < 0x80 && *q < 0x80)
        return false;
    char *u = hp_utf16_to_utf8(p, (size_t)-1, NULL);
    bool eq = u && strcmp(u, (const char *)q) == 0;
    free(u);
    return eq;
}

int hp_u16cmp(const char16_t *a, const char16_t *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (int)*a - (int)*b;
}

/* Decodes one UTF-8 sequence at s (n bytes available); returns its length
 * or 0 if malformed. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

char16_t *hp_utf8_to_utf16(const char *s, size_t len, size_t *out_len)
{
    if (len == (size_t)-1)
        len = strlen(s);
    /* At most one UTF-16 unit per input byte, plus the terminator. */
    char16_t *out = malloc((len + 1) * sizeof *out);
    if (!out) {
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    size_t o = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(u + i, len - i, &cp);
        if (!k) {
            free(out);
            hp_error_set(HP_EINVAL, "invalid UTF-8 at byte %zu", i);
            return NULL;
        }
        i += k;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[o++] = (char16_t)(0xD800 + (cp >> 10));
            out[o++] = (char16_t)(0xDC00 + (cp & 0x3FF));
        } else {
            out[o++] = (char16_t)cp;
        }
    }
    out[o] = 0;
    if (out_len)
        *out_len = o;
    return out;
}

char *hp_utf16_to_utf8(const char16_t *s, size_t len, size_t *out_len)
{
    if (len == (size_t)-1)
        len = hp_u16len(s);
    char *out = malloc(len * 3 + 1);
    if (!out) {
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < len && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            i++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            free(out);
            hp_error_set(HP_EINVAL, "lone UTF-16 surrogate at unit %zu", i);
            return NULL;
        }
        if (c < 0x80) {
            out[o++] = (char)c;
        } else if (c < 0x800) {
            out[o++] = (char)(0xC0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[o++] = (char)(0xE0 | (c >> 12));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | (c >> 18));
            out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[o] = 0;
    if (out_len)
        *out_len = o;
    return out;
}

void hp_buf_append(struct hp_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (hp_grow((void **)&b->s, &b->cap, b->len + n + 1, 1) != 0) {
        b->oom = true;
        return;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void hp_buf_puts(struct hp_buf *b, const char *s)
{
    hp_buf_append(b, s, strlen(s));
}

void hp_buf_putc(struct hp_buf *b, char c)
{
    hp_buf_append(b, &c, 1);
}

void hp_buf_vprintf(struct hp_buf *b, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        hp_buf_append(b, small, (size_t)n);
    } else if (!b->oom && hp_grow((void **)&b->s, &b->cap, b->len + (size_t)n + 1, 1) == 0) {
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    } else {
        b->oom = true;
    }
    va_end(ap2);
}

void hp_buf_printf(struct hp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *hp_buf_steal(struct hp_buf *b)
{
    char *s = b->oom ? NULL : (b->s ? b->s : hp_strdup(""));
    if (b->oom)
        free(b->s);
    *b = (struct hp_buf){0};
    return s;
}

void hp_buf_free(struct hp_buf *b)
{
    free(b->s);
    *b = (struct hp_buf){0};
}

int hp_read_file(const char *path, char **data, size_t *len)
{
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return hp_error_set(HP_EIO, "%s: cannot open: %m", path);
    struct hp_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        hp_buf_append(&b, chunk, n);
    int err = ferror(f);
    fclose(f);
    if (err) {
        hp_buf_free(&b);
        return hp_error_set(HP_EIO, "%s: read error", path);
    }
    if (b.oom) {
        hp_buf_free(&b);
        return hp_error_set(HP_ENOMEM, "%s: out of memory", path);
    }
    *len = b.len;
    *data = hp_buf_steal(&b);
    return *data ? 0 : hp_error_set(HP_ENOMEM, "out of memory");
}
