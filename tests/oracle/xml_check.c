/*
 * tests/oracle/xml_check.c - XML 1.0 well-formedness and a small tree for
 * the report tests (xml_check.h).  No DTD support: a DOCTYPE is an error,
 * which junit.xml never needs.
 * Invariant: every rule of the well-formedness subset is checked on every
 * byte, so a document accepted here is accepted by any XML parser.
 */
#include "xml_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xp {
    const unsigned char *s;
    size_t len, pos;
    char *err;
    size_t errsize;
    bool failed;
};

static unsigned line_of(const struct xp *p)
{
    unsigned line = 1;
    for (size_t i = 0; i < p->pos && i < p->len; i++)
        line += p->s[i] == '\n';
    return line;
}

static void *xfail(struct xp *p, const char *what)
{
    if (!p->failed)
        snprintf(p->err, p->errsize, "line %u: %s", line_of(p), what);
    p->failed = true;
    return NULL;
}

static bool legal_char(unsigned cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
           || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Decodes one character at pos; 0 on invalid UTF-8. */
static size_t decode(const struct xp *p, unsigned *cp)
{
    const unsigned char *s = p->s + p->pos;
    size_t n = p->len - p->pos;
    unsigned c = s[0], v, min;
    size_t len;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) { len = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static bool starts(const struct xp *p, const char *lit)
{
    size_t n = strlen(lit);
    return p->pos + n <= p->len && !memcmp(p->s + p->pos, lit, n);
}

static void ws(struct xp *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n'
                               || p->s[p->pos] == '\r'))
        p->pos++;
}

static bool name_start(unsigned c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static bool name_char(unsigned c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static char *name(struct xp *p)
{
    size_t start = p->pos;
    if (p->pos >= p->len || !name_start(p->s[p->pos]))
        return xfail(p, "expected a name");
    while (p->pos < p->len && name_char(p->s[p->pos]))
        p->pos++;
    char *n = malloc(p->pos - start + 1);
    memcpy(n, p->s + start, p->pos - start);
    n[p->pos - start] = 0;
    return n;
}

struct sbuf {
    char *s;
    size_t n, cap;
};

static void sb_add(struct sbuf *b, const void *d, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, d, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void sb_cp(struct sbuf *b, unsigned cp)
{
    char out[4];
    size_t n = 0;
    if (cp < 0x80) {
        out[n++] = (char)cp;
    } else if (cp < 0x800) {
        out[n++] = (char)(0xC0 | cp >> 6);
        out[n++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[n++] = (char)(0xE0 | cp >> 12);
        out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[n++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[n++] = (char)(0xF0 | cp >> 18);
        out[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[n++] = (char)(0x80 | (cp & 0x3F));
    }
    sb_add(b, out, n);
}

/* A reference after '&': appends its character. */
static bool reference(struct xp *p, struct sbuf *b)
{
    static const struct { const char *name; char c; } ents[] = {
        {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''},
    };
    p->pos++;   /* '&' */
    for (size_t i = 0; i < 5; i++)
        if (starts(p, ents[i].name)) {
            p->pos += strlen(ents[i].name);
            sb_add(b, &ents[i].c, 1);
            return true;
        }
    if (!starts(p, "#")) {
        xfail(p, "unknown entity (only amp, lt, gt, quot, apos)");
        return false;
    }
    p->pos++;
    unsigned base = 10, v = 0, digits = 0;
    if (starts(p, "x")) {
        base = 16;
        p->pos++;
    }
    while (p->pos < p->len && p->s[p->pos] != ';') {
        unsigned c = p->s[p->pos++], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else { xfail(p, "bad character reference"); return false; }
        v = v * base + d;
        if (v > 0x10FFFF) { xfail(p, "character reference out of range"); return false; }
        digits++;
    }
    if (p->pos >= p->len || !digits) {
        xfail(p, "bad character reference");
        return false;
    }
    p->pos++;
    if (!legal_char(v)) {
        xfail(p, "character reference to an illegal character");
        return false;
    }
    sb_cp(b, v);
    return true;
}

/* Character data or an attribute value up to a stop byte. */
static bool chars(struct xp *p, struct sbuf *b, char stop, bool attribute)
{
    while (p->pos < p->len && p->s[p->pos] != (unsigned char)stop) {
        unsigned c = p->s[p->pos];
        if (c == '&') {
            if (!reference(p, b))
                return false;
            continue;
        }
        if (attribute && c == '<') {
            xfail(p, "'<' in an attribute value");
            return false;
        }
        if (!attribute && starts(p, "]]>")) {
            xfail(p, "']]>' in character data");
            return false;
        }
        unsigned cp;
        size_t l = decode(p, &cp);
        if (!l) {
            xfail(p, "invalid UTF-8");
            return false;
        }
        if (!legal_char(cp)) {
            xfail(p, "a character XML 1.0 does not allow");
            return false;
        }
        sb_add(b, p->s + p->pos, l);
        p->pos += l;
    }
    return true;
}

/* Checks the characters of a comment, PI or CDATA up to the terminator. */
static bool skip_to(struct xp *p, const char *end, bool no_double_dash)
{
    while (p->pos < p->len && !starts(p, end)) {
        if (no_double_dash && starts(p, "--")) {
            xfail(p, "'--' inside a comment");
            return false;
        }
        unsigned cp;
        size_t l = decode(p, &cp);
        if (!l || !legal_char(cp)) {
            xfail(p, "bad character");
            return false;
        }
        p->pos += l;
    }
    if (p->pos >= p->len) {
        xfail(p, "unterminated construct");
        return false;
    }
    p->pos += strlen(end);
    return true;
}

void xml_free(struct xml_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nattrs; i++) {
        free(n->attr_names[i]);
        free(n->attr_values[i]);
    }
    for (size_t i = 0; i < n->nchildren; i++)
        xml_free(n->children[i]);
    free(n->attr_names);
    free(n->attr_values);
    free(n->children);
    free(n->name);
    free(n->text);
    free(n);
}

static struct xml_node *element(struct xp *p, int depth)
{
    if (depth > 100)
        return xfail(p, "nested too deeply");
    p->pos++;   /* '<' */
    struct xml_node *n = calloc(1, sizeof *n);
    struct sbuf text = {0};
    if (!(n->name = name(p)))
        goto bad;
    while (1) {
        size_t before = p->pos;
        ws(p);
        if (starts(p, "/>")) {
            p->pos += 2;
            n->text = text.s ? text.s : calloc(1, 1);
            return n;
        }
        if (starts(p, ">")) {
            p->pos++;
            break;
        }
        if (p->pos == before) {
            xfail(p, "expected whitespace before an attribute");
            goto bad;
        }
        char *an = name(p);
        if (!an)
            goto bad;
        for (size_t i = 0; i < n->nattrs; i++)
            if (!strcmp(n->attr_names[i], an)) {
                free(an);
                xfail(p, "duplicate attribute");
                goto bad;
            }
        ws(p);
        if (!starts(p, "=")) {
            free(an);
            xfail(p, "expected '='");
            goto bad;
        }
        p->pos++;
        ws(p);
        char q = p->pos < p->len ? (char)p->s[p->pos] : 0;
        if (q != '"' && q != '\'') {
            free(an);
            xfail(p, "unquoted attribute value");
            goto bad;
        }
        p->pos++;
        struct sbuf v = {0};
        sb_add(&v, "", 0);
        if (!chars(p, &v, q, true) || p->pos >= p->len) {
            free(an);
            free(v.s);
            xfail(p, "bad attribute value");
            goto bad;
        }
        p->pos++;
        n->attr_names = realloc(n->attr_names, (n->nattrs + 1) * sizeof *n->attr_names);
        n->attr_values = realloc(n->attr_values, (n->nattrs + 1) * sizeof *n->attr_values);
        n->attr_names[n->nattrs] = an;
        n->attr_values[n->nattrs] = v.s;
        n->nattrs++;
    }
    sb_add(&text, "", 0);
    while (1) {
        if (p->pos >= p->len) {
            xfail(p, "unclosed element");
            goto bad;
        }
        if (starts(p, "</")) {
            p->pos += 2;
            char *end = name(p);
            if (!end)
                goto bad;
            bool same = !strcmp(end, n->name);
            free(end);
            if (!same) {
                xfail(p, "mismatched end tag");
                goto bad;
            }
            ws(p);
            if (!starts(p, ">")) {
                xfail(p, "expected '>'");
                goto bad;
            }
            p->pos++;
            n->text = text.s;
            return n;
        }
        if (starts(p, "<!--")) {
            p->pos += 4;
            if (!skip_to(p, "-->", true))
                goto bad;
        } else if (starts(p, "<![CDATA[")) {
            p->pos += 9;
            size_t start = p->pos;
            if (!skip_to(p, "]]>", false))
                goto bad;
            sb_add(&text, p->s + start, p->pos - 3 - start);
        } else if (starts(p, "<?")) {
            p->pos += 2;
            if (!skip_to(p, "?>", false))
                goto bad;
        } else if (starts(p, "<")) {
            struct xml_node *c = element(p, depth + 1);
            if (!c)
                goto bad;
            n->children = realloc(n->children, (n->nchildren + 1) * sizeof *n->children);
            n->children[n->nchildren++] = c;
        } else if (!chars(p, &text, '<', false)) {
            goto bad;
        }
    }
bad:
    free(text.s);
    xml_free(n);
    return NULL;
}

struct xml_node *xml_parse(const char *text, size_t len, char *err, size_t errsize)
{
    struct xp p = {.s = (const unsigned char *)text, .len = len, .err = err, .errsize = errsize};
    if (starts(&p, "<?xml")) {
        p.pos += 5;
        if (!skip_to(&p, "?>", false))
            return NULL;
    }
    struct xml_node *root = NULL;
    while (1) {
        ws(&p);
        if (p.pos >= p.len)
            break;
        if (starts(&p, "<!--")) {
            p.pos += 4;
            if (!skip_to(&p, "-->", true))
                goto bad;
        } else if (starts(&p, "<?")) {
            p.pos += 2;
            if (!skip_to(&p, "?>", false))
                goto bad;
        } else if (starts(&p, "<!")) {
            xfail(&p, "DOCTYPE is not supported");
            goto bad;
        } else if (starts(&p, "<")) {
            if (root) {
                xfail(&p, "a second root element");
                goto bad;
            }
            if (!(root = element(&p, 0)))
                goto bad;
        } else {
            xfail(&p, "text outside the root element");
            goto bad;
        }
    }
    if (!root)
        return xfail(&p, "no root element");
    return root;
bad:
    xml_free(root);
    return NULL;
}

const char *xml_attr(const struct xml_node *n, const char *attr)
{
    for (size_t i = 0; i < n->nattrs; i++)
        if (!strcmp(n->attr_names[i], attr))
            return n->attr_values[i];
    return NULL;
}

size_t xml_count(const struct xml_node *n, const char *child)
{
    size_t c = 0;
    for (size_t i = 0; i < n->nchildren; i++)
        c += !strcmp(n->children[i]->name, child);
    return c;
}

const struct xml_node *xml_child(const struct xml_node *n, const char *child)
{
    for (size_t i = 0; i < n->nchildren; i++)
        if (!strcmp(n->children[i]->name, child))
            return n->children[i];
    return NULL;
}
