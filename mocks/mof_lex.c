/*
 * mocks/mof_lex.c - the MOF lexer: turns the bytes of a MOF file into
 * tokens, as mofcomp reads them.
 *
 * Encodings: a UTF-16LE/BE file with its BOM and a UTF-8 file with or without
 * BOM are converted to UTF-8 first; a file without BOM that is not valid
 * UTF-8 is read as Windows-1252 (what mofcomp does with an "ANSI" file on an
 * English system).  Positions count lines from 1 and columns from 1 in
 * characters (code points; a tab is one), so a UTF-16 file and its UTF-8
 * copy report the same line:col.
 *
 * Invariant: the buffer the lexer walks is valid UTF-8, every token carries
 * the position of its first character, and every error names the position
 * of the character that caused it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mof_private.h"

/* ---- Decoding the file ---------------------------------------------------- */

static void put_utf8(struct hp_buf *b, uint32_t c)
{
    char s[4];
    size_t n;
    if (c < 0x80) {
        s[0] = (char)c, n = 1;
    } else if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6)), s[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    } else if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12)), s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    } else {
        s[0] = (char)(0xF0 | (c >> 18)), s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3F)), s[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    }
    hp_buf_append(b, s, n);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0)
        len = 2, c = s[0] & 0x1F, min = 0x80;
    else if ((s[0] & 0xF0) == 0xE0)
        len = 3, c = s[0] & 0x0F, min = 0x800;
    else if ((s[0] & 0xF8) == 0xF0)
        len = 4, c = s[0] & 0x07, min = 0x10000;
    else
        return 0;
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

static bool valid_utf8(const unsigned char *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(s + i, n - i, &cp);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

/* Windows-1252 0x80..0x9F; the five holes map to the C1 control of the same
 * number, as MultiByteToWideChar does. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static int decode_cp1252(struct hp_buf *b, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (c >= 0x80 && c < 0xA0)
            c = cp1252_high[c - 0x80];
        put_utf8(b, c);
    }
    return 0;
}

static int decode_utf16(struct hp_buf *b, const char *file, const unsigned char *s, size_t n, bool be)
{
    unsigned line = 1, col = 1;
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        uint32_t c = be ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i] | s[i + 1] << 8);
        if (c >= 0xD800 && c <= 0xDBFF) {
            uint32_t d = 0;
            if (i + 3 < n)
                d = be ? (uint32_t)(s[i + 2] << 8 | s[i + 3]) : (uint32_t)(s[i + 2] | s[i + 3] << 8);
            if (d < 0xDC00 || d > 0xDFFF)
                return hp_error_set_at(HP_EPARSE, file, line, col,
                                       "invalid UTF-16: high surrogate 0x%04X without its low half", (unsigned)c);
            c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
            i += 2;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            return hp_error_set_at(HP_EPARSE, file, line, col,
                                   "invalid UTF-16: low surrogate 0x%04X without its high half", (unsigned)c);
        }
        put_utf8(b, c);
        if (c == '\n')
            line++, col = 1;
        else
            col++;
    }
    if (i < n)
        return hp_error_set_at(HP_EPARSE, file, line, col,
                               "UTF-16 text ends in the middle of a character (odd number of bytes)");
    return 0;
}

int mof_lex_init(struct mof_lexer *lx, const char *file, const char *data, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->file = file;
    lx->line = 1;
    lx->col = 1;
    const unsigned char *u = (const unsigned char *)data;
    struct hp_buf b = {0};
    int rc = 0;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        rc = decode_utf16(&b, file, u + 2, len - 2, false);
    else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        rc = decode_utf16(&b, file, u + 2, len - 2, true);
    else if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        rc = valid_utf8(u + 3, len - 3) ? (hp_buf_append(&b, data + 3, len - 3), 0)
                                          : hp_error_set_at(HP_EPARSE, file, 1, 1,
                                                            "the file starts with a UTF-8 BOM but is not valid UTF-8");
    else if (valid_utf8(u, len))
        hp_buf_append(&b, data, len);
    else
        rc = decode_cp1252(&b, u, len);
    if (rc) {
        hp_buf_free(&b);
        return rc;
    }
    if (b.oom) {
        hp_buf_free(&b);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    size_t n = b.len;
    lx->buf = hp_buf_steal(&b);
    if (!lx->buf)
        return hp_error_set(HP_ENOMEM, "out of memory");
    lx->p = lx->buf;
    lx->end = lx->buf + n;
    return 0;
}

void mof_lex_free(struct mof_lexer *lx)
{
    free(lx->buf);
    lx->buf = NULL;
    lx->p = lx->end = NULL;
}

/* ---- Scanning ------------------------------------------------------------- */

static int err_at(const struct mof_lexer *lx, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int err_at(const struct mof_lexer *lx, unsigned line, unsigned col, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return hp_error_set_at(HP_EPARSE, lx->file, line, col, "%s", text);
}

/* Advances one byte, keeping line and column (continuation bytes of a UTF-8
 * sequence do not count as columns). */
static void adv(struct mof_lexer *lx)
{
    unsigned char c = (unsigned char)*lx->p++;
    if (c == '\n') {
        lx->line++;
        lx->col = 1;
    } else if ((c & 0xC0) != 0x80) {
        lx->col++;
    }
}

static int peekc(const struct mof_lexer *lx, size_t k)
{
    return lx->p + k < lx->end ? (unsigned char)lx->p[k] : -1;
}

static bool is_ident_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Describes the character at the cursor for a message. */
static void describe_char(const struct mof_lexer *lx, char *out, size_t n)
{
    uint32_t cp = 0;
    size_t k = utf8_seq((const unsigned char *)lx->p, (size_t)(lx->end - lx->p), &cp);
    if (!k)
        cp = (unsigned char)*lx->p;
    if (cp >= 0x21 && cp < 0x7F)
        snprintf(out, n, "'%c'", (char)cp);
    else
        snprintf(out, n, "U+%04X", (unsigned)cp);
}

static int skip_space(struct mof_lexer *lx)
{
    while (lx->p < lx->end) {
        int c = (unsigned char)*lx->p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            adv(lx);
        } else if (c == '/' && peekc(lx, 1) == '/') {
            while (lx->p < lx->end && *lx->p != '\n')
                adv(lx);
        } else if (c == '/' && peekc(lx, 1) == '*') {
            unsigned line = lx->line, col = lx->col;
            adv(lx);
            adv(lx);
            for (;;) {
                if (lx->p >= lx->end)
                    return err_at(lx, line, col, "unterminated comment (no closing '*/')");
                if (*lx->p == '*' && peekc(lx, 1) == '/') {
                    adv(lx);
                    adv(lx);
                    break;
                }
                adv(lx);
            }
        } else {
            break;
        }
    }
    return 0;
}

/* One character of a string or char literal into *unit(s): an escape or a
 * code point.  Writes UTF-16 units (1 or 2) to u16. */
static int lex_char_unit(struct mof_lexer *lx, char quote, uint16_t *u16, size_t *nu)
{
    unsigned line = lx->line, col = lx->col;
    int c = (unsigned char)*lx->p;
    if (c == '\\') {
        adv(lx);
        if (lx->p >= lx->end)
            return err_at(lx, line, col, "unterminated %s literal", quote == '"' ? "string" : "character");
        int e = (unsigned char)*lx->p;
        uint32_t v;
        switch (e) {
        case 'b': v = '\b'; break;
        case 't': v = '\t'; break;
        case 'n': v = '\n'; break;
        case 'f': v = '\f'; break;
        case 'r': v = '\r'; break;
        case '"': v = '"'; break;
        case '\'': v = '\''; break;
        case '\\': v = '\\'; break;
        case 'x': case 'X': {
            adv(lx);
            v = 0;
            int k = 0;
            while (k < 4 && hexval(peekc(lx, 0)) >= 0) {
                v = v * 16 + (uint32_t)hexval(peekc(lx, 0));
                adv(lx);
                k++;
            }
            if (!k)
                return err_at(lx, line, col, "'\\%c' needs 1 to 4 hexadecimal digits", e);
            *u16 = (uint16_t)v;
            *nu = 1;
            return 0;
        }
        default:
            if (e == '\n' || e == '\r')
                return err_at(lx, line, col, "unterminated %s literal", quote == '"' ? "string" : "character");
            {
                char d[16];
                describe_char(lx, d, sizeof d);
                return err_at(lx, line, col, "unknown escape sequence '\\' followed by %s", d);
            }
        }
        adv(lx);
        *u16 = (uint16_t)v;
        *nu = 1;
        return 0;
    }
    uint32_t cp;
    size_t k = utf8_seq((const unsigned char *)lx->p, (size_t)(lx->end - lx->p), &cp);
    if (!k) /* cannot happen: the buffer is valid UTF-8 */
        return err_at(lx, line, col, "invalid UTF-8");
    for (size_t i = 0; i < k; i++)
        adv(lx);
    if (cp >= 0x10000) {
        cp -= 0x10000;
        u16[0] = (uint16_t)(0xD800 + (cp >> 10));
        u16[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        *nu = 2;
    } else {
        u16[0] = (uint16_t)cp;
        *nu = 1;
    }
    return 0;
}

static int lex_string(struct mof_lexer *lx, struct mof_token *t)
{
    struct hp_buf b = {0};
    uint16_t pending_high = 0; /* a \xD8xx escape waiting for its low half */
    unsigned ph_line = 0, ph_col = 0;
    int rc = 0;
    adv(lx); /* the opening quote */
    for (;;) {
        if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == '\r') {
            rc = err_at(lx, t->line, t->col, "unterminated string literal");
            goto out;
        }
        if (*lx->p == '"') {
            adv(lx);
            break;
        }
        unsigned line = lx->line, col = lx->col;
        uint16_t u[2];
        size_t nu;
        if ((rc = lex_char_unit(lx, '"', u, &nu)) != 0)
            goto out;
        for (size_t i = 0; i < nu; i++) {
            uint32_t c = u[i];
            if (pending_high) {
                if (c >= 0xDC00 && c <= 0xDFFF) {
                    put_utf8(&b, 0x10000 + (((uint32_t)pending_high - 0xD800) << 10) + (c - 0xDC00));
                    pending_high = 0;
                    continue;
                }
                rc = err_at(lx, ph_line, ph_col, "unpaired UTF-16 surrogate 0x%04X in string", pending_high);
                goto out;
            }
            if (c >= 0xD800 && c <= 0xDBFF) {
                pending_high = (uint16_t)c;
                ph_line = line, ph_col = col;
                continue;
            }
            if (c >= 0xDC00 && c <= 0xDFFF) {
                rc = err_at(lx, line, col, "unpaired UTF-16 surrogate 0x%04X in string", (unsigned)c);
                goto out;
            }
            if (c == 0) {
                rc = err_at(lx, line, col, "a string cannot contain the character U+0000");
                goto out;
            }
            put_utf8(&b, c);
        }
    }
    if (pending_high) {
        rc = err_at(lx, ph_line, ph_col, "unpaired UTF-16 surrogate 0x%04X in string", pending_high);
        goto out;
    }
    if (b.oom) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }
    t->kind = MOF_T_STRING;
    t->str = hp_buf_steal(&b);
    if (!t->str)
        return hp_error_set(HP_ENOMEM, "out of memory");
    return 0;
out:
    hp_buf_free(&b);
    return rc;
}

static int lex_char(struct mof_lexer *lx, struct mof_token *t)
{
    adv(lx);
    if (lx->p >= lx->end || *lx->p == '\n' || *lx->p == '\r')
        return err_at(lx, t->line, t->col, "unterminated character literal");
    if (*lx->p == '\'')
        return err_at(lx, t->line, t->col, "empty character literal");
    uint16_t u[2];
    size_t nu;
    int rc = lex_char_unit(lx, '\'', u, &nu);
    if (rc)
        return rc;
    if (nu != 1)
        return err_at(lx, t->line, t->col, "a char16 literal holds one UTF-16 unit; this character needs two");
    if (lx->p >= lx->end || *lx->p != '\'')
        return err_at(lx, t->line, t->col, "unterminated character literal (expected ' after one character)");
    adv(lx);
    t->kind = MOF_T_CHAR;
    t->ch = u[0];
    return 0;
}

/* Accumulates a digit in base, flagging overflow past UINT64_MAX. */
static void acc_digit(struct mof_token *t, unsigned base, unsigned d)
{
    if (t->mag > (UINT64_MAX - d) / base)
        t->overflow = true;
    else
        t->mag = t->mag * base + d;
}

static int lex_number(struct mof_lexer *lx, struct mof_token *t)
{
    const char *start = lx->p;
    t->kind = MOF_T_INT;
    if (*lx->p == '-' || *lx->p == '+') {
        t->neg = *lx->p == '-';
        adv(lx);
    }
    const char *digits = lx->p;
    /* Hexadecimal. */
    if (peekc(lx, 0) == '0' && (peekc(lx, 1) == 'x' || peekc(lx, 1) == 'X')) {
        adv(lx);
        adv(lx);
        if (hexval(peekc(lx, 0)) < 0)
            return err_at(lx, t->line, t->col, "'0x' must be followed by hexadecimal digits");
        while (hexval(peekc(lx, 0)) >= 0) {
            acc_digit(t, 16, (unsigned)hexval(peekc(lx, 0)));
            adv(lx);
        }
        goto suffix;
    }
    while (is_digit(peekc(lx, 0)))
        adv(lx);
    size_t ndig = (size_t)(lx->p - digits);
    /* Real: digits '.' digits [exponent], or digits exponent. */
    bool real = false;
    if (peekc(lx, 0) == '.' && is_digit(peekc(lx, 1))) {
        real = true;
        adv(lx);
        while (is_digit(peekc(lx, 0)))
            adv(lx);
    }
    if ((peekc(lx, 0) == 'e' || peekc(lx, 0) == 'E') && ndig + (real ? 1 : 0) > 0 &&
        (is_digit(peekc(lx, 1)) || ((peekc(lx, 1) == '+' || peekc(lx, 1) == '-') && is_digit(peekc(lx, 2))))) {
        real = true;
        adv(lx);
        if (peekc(lx, 0) == '+' || peekc(lx, 0) == '-')
            adv(lx);
        while (is_digit(peekc(lx, 0)))
            adv(lx);
    }
    if (real) {
        size_t n = (size_t)(lx->p - start);
        char tmp[128];
        if (n >= sizeof tmp)
            return err_at(lx, t->line, t->col, "real literal too long");
        memcpy(tmp, start, n);
        tmp[n] = 0;
        errno = 0;
        char *endp;
        t->real = strtod(tmp, &endp);
        if (errno == ERANGE && (t->real > 1 || t->real < -1))
            t->overflow = true;
        t->kind = MOF_T_REAL;
        goto suffix;
    }
    if (ndig == 0)
        return err_at(lx, t->line, t->col, "a sign must be followed by a number");
    /* Binary: 1*binaryDigit ("b" | "B"). */
    if ((peekc(lx, 0) == 'b' || peekc(lx, 0) == 'B') && !is_ident_char(peekc(lx, 1))) {
        for (const char *q = digits; q < lx->p; q++)
            if (*q != '0' && *q != '1')
                return err_at(lx, t->line, t->col, "invalid binary number: digits must be 0 or 1");
        for (const char *q = digits; q < lx->p; q++)
            acc_digit(t, 2, (unsigned)(*q - '0'));
        adv(lx);
        goto suffix;
    }
    /* Octal: a leading 0 followed by more digits (as mofcomp reads 017). */
    unsigned base = (digits[0] == '0' && ndig > 1) ? 8 : 10;
    for (const char *q = digits; q < lx->p; q++) {
        unsigned d = (unsigned)(*q - '0');
        if (d >= base) {
            unsigned col = t->col + (unsigned)(q - start);
            return err_at(lx, t->line, col, "invalid digit '%c' in octal number", *q);
        }
        acc_digit(t, base, d);
    }
suffix:
    if (is_ident_char(peekc(lx, 0)) || peekc(lx, 0) == '.') {
        char d[16];
        describe_char(lx, d, sizeof d);
        return err_at(lx, lx->line, lx->col, "unexpected %s after a number", d);
    }
    t->text = start;
    t->len = (size_t)(lx->p - start);
    return 0;
}

int mof_lex_next(struct mof_lexer *lx, struct mof_token *t)
{
    memset(t, 0, sizeof *t);
    int rc = skip_space(lx);
    t->line = lx->line;
    t->col = lx->col;
    if (rc)
        return rc;
    if (lx->p >= lx->end) {
        t->kind = MOF_T_EOF;
        return 0;
    }
    int c = (unsigned char)*lx->p;
    if (is_ident_start(c)) {
        const char *s = lx->p;
        while (lx->p < lx->end && is_ident_char((unsigned char)*lx->p))
            adv(lx);
        t->kind = MOF_T_IDENT;
        t->text = s;
        t->len = (size_t)(lx->p - s);
        return 0;
    }
    if (c == '$') {
        adv(lx);
        if (lx->p >= lx->end || !is_ident_start((unsigned char)*lx->p))
            return err_at(lx, t->line, t->col, "'$' must be followed by an alias name");
        const char *s = lx->p;
        while (lx->p < lx->end && is_ident_char((unsigned char)*lx->p))
            adv(lx);
        t->kind = MOF_T_ALIAS;
        t->text = s;
        t->len = (size_t)(lx->p - s);
        return 0;
    }
    if (is_digit(c) || ((c == '-' || c == '+') && (is_digit(peekc(lx, 1)) ||
                                                   (peekc(lx, 1) == '.' && is_digit(peekc(lx, 2))))) ||
        (c == '.' && is_digit(peekc(lx, 1))))
        return lex_number(lx, t);
    if (c == '"')
        return lex_string(lx, t);
    if (c == '\'')
        return lex_char(lx, t);
    if (strchr("{}[]();:,=#", c) && c) {
        adv(lx);
        t->kind = MOF_T_PUNCT;
        t->punct = (char)c;
        t->text = lx->p - 1;
        t->len = 1;
        return 0;
    }
    char d[16];
    describe_char(lx, d, sizeof d);
    return err_at(lx, t->line, t->col, "unexpected character %s", d);
}
