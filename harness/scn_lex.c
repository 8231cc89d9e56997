/*
 * harness/scn_lex.c - the scenario lexer: the bytes of a `.scn` file, one
 * line at a time, into tokens.
 *
 * The file is UTF-8 (a leading BOM is skipped); lines end with LF or CRLF; a
 * tab is blank like a space.  Positions count lines from 1 and columns from 1
 * in code points (a tab is one column; the BOM is not a column).
 *
 * Invariant: the lexer never reads past len (the text need not be
 * NUL-terminated), every byte of a line is checked (valid UTF-8, no NUL, no
 * lone CR, no stray character) before the line's tokens are handed out, every
 * token carries the position of its first character and every error the
 * position of the character that caused it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

size_t scn_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0)
        len = 2, c = s[0] & 0x1Fu, min = 0x80;
    else if ((s[0] & 0xF0) == 0xE0)
        len = 3, c = s[0] & 0x0Fu, min = 0x800;
    else if ((s[0] & 0xF8) == 0xF0)
        len = 4, c = s[0] & 0x07u, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

void scn_lex_init(struct scn_lexer *lx, const char *name, const char *buf, size_t len,
                  struct scn_arena *arena)
{
    memset(lx, 0, sizeof *lx);
    lx->name = name;
    lx->buf = (const unsigned char *)buf;
    lx->len = len;
    lx->line = 1;
    lx->col = 1;
    lx->arena = arena;
    if (len >= 3 && lx->buf[0] == 0xEF && lx->buf[1] == 0xBB && lx->buf[2] == 0xBF)
        lx->pos = 3;
    lx->eof = lx->pos >= len;
}

static int lex_error(struct scn_lexer *lx, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int lex_error(struct scn_lexer *lx, unsigned col, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hp_error_set_at(HP_EPARSE, lx->name, lx->line, col, "%s", msg);
}

static int peekc(const struct scn_lexer *lx, size_t ahead)
{
    return lx->pos + ahead < lx->len ? lx->buf[lx->pos + ahead] : -1;
}

static bool is_word_start(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool is_word_char(int c)
{
    return is_word_start(c) || is_digit(c) || c == '-';
}

/* Describes the (valid) character at pos for a message. */
static void describe_char(const struct scn_lexer *lx, char *out, size_t size)
{
    uint32_t cp;
    size_t n = scn_utf8_decode(lx->buf + lx->pos, lx->len - lx->pos, &cp);
    if (n == 1 && cp > 0x20 && cp < 0x7F)
        snprintf(out, size, "'%c'", (char)cp);
    else
        snprintf(out, size, "U+%04X", (unsigned)cp);
}

/* Checks the character at pos inside a string or comment and steps over it;
 * the error for a bad one. */
static int step_text_char(struct scn_lexer *lx, bool in_string)
{
    unsigned char c = lx->buf[lx->pos];
    if (c == 0)
        return lex_error(lx, lx->col, "NUL character");
    if (c < 0x80) {
        if (in_string && ((c < 0x20 && c != '\t') || c == 0x7F))
            return lex_error(lx, lx->col, "control character U+%04X in a string", c);
        if (!in_string && c == '\r')
            return lex_error(lx, lx->col, "carriage return without line feed");
        lx->pos++;
        lx->col++;
        return 0;
    }
    uint32_t cp;
    size_t n = scn_utf8_decode(lx->buf + lx->pos, lx->len - lx->pos, &cp);
    if (n == 0)
        return lex_error(lx, lx->col, "invalid UTF-8");
    lx->pos += n;
    lx->col++;
    return 0;
}

static struct scn_tok *new_tok(struct scn_tok **toks, size_t *n, size_t *cap)
{
    if (scn_grow((void **)toks, cap, *n + 1, sizeof **toks) != 0)
        return NULL;
    struct scn_tok *t = &(*toks)[(*n)++];
    memset(t, 0, sizeof *t);
    return t;
}

static int lex_string(struct scn_lexer *lx, struct scn_tok *t)
{
    unsigned open_col = lx->col;
    lx->pos++, lx->col++;
    size_t start = lx->pos;
    /* The value is never longer than the raw text. */
    size_t end = start;
    while (end < lx->len && lx->buf[end] != '\n')
        end++;
    char *val = scn_arena_alloc(lx->arena, end - start + 1);
    if (!val)
        return hp_error_set(HP_ENOMEM, "out of memory");
    size_t vn = 0;
    for (;;) {
        int c = peekc(lx, 0);
        if (c < 0 || c == '\n' || (c == '\r' && peekc(lx, 1) == '\n'))
            return lex_error(lx, open_col, "unterminated string");
        if (c == '"')
            break;
        if (c == '\\') {
            int e = peekc(lx, 1);
            char v;
            switch (e) {
            case '"': v = '"'; break;
            case '\\': v = '\\'; break;
            case 'n': v = '\n'; break;
            case 't': v = '\t'; break;
            case 'r': v = '\r'; break;
            default:
                if (e < 0 || e == '\n' || (e == '\r' && peekc(lx, 2) == '\n'))
                    return lex_error(lx, open_col, "unterminated string");
                if (e > 0x20 && e < 0x7F)
                    return lex_error(lx, lx->col, "bad escape '\\%c' (use \\\" \\\\ \\n \\t or \\r)", e);
                return lex_error(lx, lx->col, "bad escape (use \\\" \\\\ \\n \\t or \\r)");
            }
            val[vn++] = v;
            lx->pos += 2, lx->col += 2;
            continue;
        }
        size_t from = lx->pos;
        int rc = step_text_char(lx, true);
        if (rc)
            return rc;
        memcpy(val + vn, lx->buf + from, lx->pos - from);
        vn += lx->pos - from;
    }
    lx->pos++, lx->col++;
    val[vn] = 0;
    t->kind = SCN_TK_STRING;
    t->str = val;
    return 0;
}

static int unit_ns(const unsigned char *u, size_t n, int64_t *mult)
{
    static const struct { const char *name; int64_t ns; } units[] = {
        {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000},
        {"m", 60LL * 1000000000}, {"h", 3600LL * 1000000000},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0) {
            *mult = units[i].ns;
            return 0;
        }
    return -1;
}

static int lex_number(struct scn_lexer *lx, struct scn_tok *t)
{
    unsigned col0 = lx->col;
    size_t start = lx->pos;
    bool neg = false;
    if (peekc(lx, 0) == '-') {
        neg = true;
        lx->pos++, lx->col++;
    }
    uint64_t v = 0;
    bool overflow = false, hex = false;
    if (peekc(lx, 0) == '0' && (peekc(lx, 1) == 'x' || peekc(lx, 1) == 'X')) {
        hex = true;
        lx->pos += 2, lx->col += 2;
        size_t digits = 0;
        for (;;) {
            int c = peekc(lx, 0), d;
            if (is_digit(c))
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                break;
            if (v > (UINT64_MAX >> 4))
                overflow = true;
            v = (v << 4) | (uint64_t)d;
            digits++;
            lx->pos++, lx->col++;
        }
        if (digits == 0)
            return lex_error(lx, col0, "bad number: hex digits must follow '0x'");
    } else {
        while (is_digit(peekc(lx, 0))) {
            unsigned d = (unsigned)(peekc(lx, 0) - '0');
            if (v > (UINT64_MAX - d) / 10)
                overflow = true;
            else
                v = v * 10 + d;
            lx->pos++, lx->col++;
        }
    }
    /* The magnitude must fit int64 (its negation too). */
    if (overflow || v > (uint64_t)INT64_MAX + (neg ? 1u : 0u))
        return lex_error(lx, col0, "integer out of range");
    int64_t iv = neg ? (v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v) : (int64_t)v;

    if (!hex && peekc(lx, 0) == '.' && is_digit(peekc(lx, 1))) {
        size_t from = start;
        lx->pos++, lx->col++;
        while (is_digit(peekc(lx, 0)))
            lx->pos++, lx->col++;
        if (is_word_start(peekc(lx, 0)))
            return lex_error(lx, lx->col, "a duration is a whole number of a unit (1500ms, not 1.5s)");
        char tmp[64];
        size_t n = lx->pos - from;
        if (n >= sizeof tmp)
            return lex_error(lx, col0, "number too long");
        memcpy(tmp, lx->buf + from, n);
        tmp[n] = 0;
        t->kind = SCN_TK_REAL;
        t->r = strtod(tmp, NULL);
        return 0;
    }
    if (is_word_start(peekc(lx, 0)) || is_digit(peekc(lx, 0))) {
        unsigned ucol = lx->col;
        size_t from = lx->pos;
        while (is_word_start(peekc(lx, 0)) || is_digit(peekc(lx, 0)))
            lx->pos++, lx->col++;
        int64_t mult;
        if (hex)
            return lex_error(lx, ucol, "bad hex digit '%c'", lx->buf[from]);
        if (unit_ns(lx->buf + from, lx->pos - from, &mult) != 0)
            return lex_error(lx, ucol, "bad duration unit '%.*s' (use ns, us, ms, s, m or h)",
                             (int)(lx->pos - from), (const char *)lx->buf + from);
        if (neg)
            return lex_error(lx, col0, "a duration cannot be negative");
        if (iv > INT64_MAX / mult)
            return lex_error(lx, col0, "duration out of range");
        t->kind = SCN_TK_DURATION;
        t->i = iv * mult;
        return 0;
    }
    t->kind = SCN_TK_INT;
    t->i = iv;
    return 0;
}

int scn_lex_line(struct scn_lexer *lx, struct scn_tok **toks, size_t *n, size_t *cap)
{
    *n = 0;
    bool space = true;
    for (;;) {
        int c = peekc(lx, 0);
        if (c < 0 || c == '\n' || (c == '\r' && peekc(lx, 1) == '\n')) {
            struct scn_tok *t = new_tok(toks, n, cap);
            if (!t)
                return HP_ENOMEM;
            t->kind = SCN_TK_EOL;
            t->line = lx->line;
            t->col = lx->col;
            t->space_before = space;
            t->src = (const char *)lx->buf + lx->pos;
            if (c >= 0) {
                lx->pos += c == '\r' ? 2 : 1;
                lx->line++;
                lx->col = 1;
            }
            lx->eof = lx->pos >= lx->len;
            return 0;
        }
        if (c == ' ' || c == '\t') {
            lx->pos++, lx->col++;
            space = true;
            continue;
        }
        if (c == '#') {
            while (peekc(lx, 0) >= 0 && peekc(lx, 0) != '\n' &&
                   !(peekc(lx, 0) == '\r' && peekc(lx, 1) == '\n')) {
                int rc = step_text_char(lx, false);
                if (rc)
                    return rc;
            }
            continue;
        }
        struct scn_tok *t = new_tok(toks, n, cap);
        if (!t)
            return HP_ENOMEM;
        t->line = lx->line;
        t->col = lx->col;
        t->space_before = space;
        space = false;
        size_t from = lx->pos;
        int rc = 0;
        if (is_word_start(c)) {
            for (;;) {
                while (is_word_char(peekc(lx, 0)))
                    lx->pos++, lx->col++;
                if (peekc(lx, 0) == ':' && peekc(lx, 1) == ':' && is_word_start(peekc(lx, 2))) {
                    lx->pos += 2, lx->col += 2;
                    continue;
                }
                break;
            }
            t->kind = SCN_TK_WORD;
        } else if (is_digit(c) || (c == '-' && is_digit(peekc(lx, 1)))) {
            rc = lex_number(lx, t);
        } else if (c == '"') {
            rc = lex_string(lx, t);
        } else if (c == '$') {
            lx->pos++, lx->col++;
            size_t nfrom = lx->pos;
            while (is_word_char(peekc(lx, 0)))
                lx->pos++, lx->col++;
            size_t nl = lx->pos - nfrom;
            const char *nm = (const char *)lx->buf + nfrom;
            if (nl == 0)
                return lex_error(lx, t->col, "'$' must be followed by a variable name ($class, $namespace)");
            if (!((nl == 5 && memcmp(nm, "class", 5) == 0) || (nl == 9 && memcmp(nm, "namespace", 9) == 0)))
                return lex_error(lx, t->col, "unknown variable '$%.*s' (there are $class and $namespace)",
                                 (int)nl, nm);
            t->kind = SCN_TK_VAR;
        } else {
            int c1 = peekc(lx, 1);
            size_t w = 1;
            switch (c) {
            case '=':
                if (c1 == '>')
                    t->kind = SCN_TK_ARROW, w = 2;
                else if (c1 == '=')
                    t->kind = SCN_TK_CMP, t->cmp = SCN_CMP_EQ, w = 2;
                else
                    t->kind = SCN_TK_EQ;
                break;
            case '!':
                if (c1 != '=')
                    return lex_error(lx, t->col, "unexpected character '!' (did you mean '!='?)");
                t->kind = SCN_TK_CMP, t->cmp = SCN_CMP_NE, w = 2;
                break;
            case '<':
                t->kind = SCN_TK_CMP;
                t->cmp = c1 == '=' ? SCN_CMP_LE : SCN_CMP_LT;
                w = c1 == '=' ? 2 : 1;
                break;
            case '>':
                t->kind = SCN_TK_CMP;
                t->cmp = c1 == '=' ? SCN_CMP_GE : SCN_CMP_GT;
                w = c1 == '=' ? 2 : 1;
                break;
            case '[': t->kind = SCN_TK_LBRACK; break;
            case ']': t->kind = SCN_TK_RBRACK; break;
            case '.': t->kind = SCN_TK_DOT; break;
            case ':': t->kind = SCN_TK_COLON; break;
            case ',': t->kind = SCN_TK_COMMA; break;
            default: {
                if (c == 0)
                    return lex_error(lx, t->col, "NUL character");
                if (c == '\r')
                    return lex_error(lx, t->col, "carriage return without line feed");
                uint32_t cp;
                if (scn_utf8_decode(lx->buf + lx->pos, lx->len - lx->pos, &cp) == 0)
                    return lex_error(lx, t->col, "invalid UTF-8");
                char d[16];
                describe_char(lx, d, sizeof d);
                return lex_error(lx, t->col, "unexpected character %s", d);
            }
            }
            lx->pos += w, lx->col += (unsigned)w;
        }
        if (rc)
            return rc;
        t->src = (const char *)lx->buf + from;
        t->len = lx->pos - from;
    }
}
