/*
 * mocks/objpath.c - object paths: the parser, the canonical formatter and
 * comparison (see objpath.h for the grammar accepted).
 *
 * Invariant: a struct objpath built here (by objpath_parse or
 * objpath_add_key) has a non-empty class name, key values of the four
 * kinds objpath.h lists and never NULL, unique key names, at most one
 * unnamed key and then no other, and no keys when it is a singleton; so
 * objpath_relpath always yields a path objpath_parse reads back to an
 * equal structure.
 */
#include "objpath.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* ---- Parsing --------------------------------------------------------- */

struct parser {
    const char *text;
    const char *p;
};

static int perr(struct parser *ps, const char *at, const char *what)
{
    return hp_error_set(HP_EPARSE, "object path \"%s\": column %u: %s", ps->text,
                        (unsigned)(at - ps->text) + 1, what);
}

static bool ident_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
    return ident_start(c) || (c >= '0' && c <= '9');
}

/* An identifier at ps->p; its length (0 if none). */
static size_t ident_len(const char *p)
{
    size_t n = 0;
    if (!ident_start((unsigned char)p[0]))
        return 0;
    while (ident_char((unsigned char)p[n]))
        n++;
    return n;
}

static int parse_string(struct parser *ps, struct cim_value *out)
{
    const char *start = ps->p;
    struct hp_buf b = {0};
    ps->p++; /* the opening quote */
    for (;;) {
        char c = *ps->p;
        if (c == 0) {
            hp_buf_free(&b);
            return perr(ps, start, "unterminated string");
        }
        if (c == '"')
            break;
        if (c == '\\') {
            char e = ps->p[1];
            if (e != '"' && e != '\\') {
                hp_buf_free(&b);
                return perr(ps, ps->p, e ? "bad escape (only \\\" and \\\\ are allowed)"
                                         : "unterminated string");
            }
            hp_buf_putc(&b, e);
            ps->p += 2;
            continue;
        }
        hp_buf_putc(&b, c);
        ps->p++;
    }
    ps->p++; /* the closing quote */
    char *s = hp_buf_steal(&b);
    if (!s)
        return hp_error_set(HP_ENOMEM, "out of memory");
    *out = cim_null(CIM_STRING);
    out->null = false;
    out->v.s = s;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_integer(struct parser *ps, struct cim_value *out)
{
    const char *start = ps->p;
    bool neg = false;
    if (*ps->p == '-') {
        neg = true;
        ps->p++;
    }
    uint64_t v = 0;
    if (ps->p[0] == '0' && (ps->p[1] == 'x' || ps->p[1] == 'X')) {
        ps->p += 2;
        if (hexval(*ps->p) < 0)
            return perr(ps, ps->p, "hexadecimal digits expected");
        while (hexval(*ps->p) >= 0) {
            if (v >> 60)
                return perr(ps, start, "integer out of range");
            v = (v << 4) | (uint64_t)hexval(*ps->p++);
        }
    } else {
        if (!(*ps->p >= '0' && *ps->p <= '9'))
            return perr(ps, ps->p, "digits expected");
        while (*ps->p >= '0' && *ps->p <= '9') {
            unsigned d = (unsigned)(*ps->p++ - '0');
            if (v > (UINT64_MAX - d) / 10)
                return perr(ps, start, "integer out of range");
            v = v * 10 + d;
        }
    }
    if (ident_char((unsigned char)*ps->p))
        return perr(ps, ps->p, "unexpected character in a number");
    if (neg && v != 0) {
        if (v > (uint64_t)INT64_MAX + 1)
            return perr(ps, start, "integer out of range");
        *out = cim_null(CIM_SINT64);
        out->null = false;
        out->v.i = (int64_t)(0 - v);
    } else {
        *out = cim_null(CIM_UINT64);
        out->null = false;
        out->v.u = v;
    }
    return 0;
}

static int parse_value(struct parser *ps, struct cim_value *out)
{
    char c = *ps->p;
    if (c == '"')
        return parse_string(ps, out);
    if (c == '-' || (c >= '0' && c <= '9'))
        return parse_integer(ps, out);
    size_t n = ident_len(ps->p);
    if (n == 4 && strncasecmp(ps->p, "TRUE", 4) == 0) {
        *out = cim_null(CIM_BOOLEAN);
        out->null = false;
        out->v.i = 1;
        ps->p += 4;
        return 0;
    }
    if (n == 5 && strncasecmp(ps->p, "FALSE", 5) == 0) {
        *out = cim_null(CIM_BOOLEAN);
        out->null = false;
        out->v.i = 0;
        ps->p += 5;
        return 0;
    }
    return perr(ps, ps->p, c ? "a key value (\"string\", number, TRUE or FALSE) expected"
                             : "missing key value");
}

static int push_key(struct objpath *p, char *name, struct cim_value *v)
{
    struct objpath_key *k = realloc(p->keys, (p->nkeys + 1) * sizeof *k);
    if (!k) {
        free(name);
        cim_value_clear(v);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    p->keys = k;
    p->keys[p->nkeys].name = name;
    p->keys[p->nkeys].value = *v;
    p->nkeys++;
    return 0;
}

static int parse_relpath(struct parser *ps, struct objpath *out)
{
    size_t n = ident_len(ps->p);
    if (!n)
        return perr(ps, ps->p, *ps->p ? "class name expected" : "missing class name");
    out->cls = hp_strndup(ps->p, n);
    if (!out->cls)
        return hp_error_set(HP_ENOMEM, "out of memory");
    ps->p += n;

    if (*ps->p == 0)
        return 0;
    if (*ps->p == '=') {
        ps->p++;
        if (*ps->p == '@') {
            ps->p++;
            out->singleton = true;
        } else {
            struct cim_value v;
            int rc = parse_value(ps, &v);
            if (rc)
                return rc;
            rc = push_key(out, NULL, &v);
            if (rc)
                return rc;
        }
        return *ps->p ? perr(ps, ps->p, "unexpected text after the key value") : 0;
    }
    if (*ps->p != '.')
        return perr(ps, ps->p, "'.', '=' or the end expected after the class name");
    ps->p++;
    for (;;) {
        n = ident_len(ps->p);
        if (!n)
            return perr(ps, ps->p, *ps->p ? "key name expected" : "missing key");
        const char *name_at = ps->p;
        char *name = hp_strndup(ps->p, n);
        if (!name)
            return hp_error_set(HP_ENOMEM, "out of memory");
        ps->p += n;
        if (objpath_find_key(out, name)) {
            free(name);
            return perr(ps, name_at, "duplicate key");
        }
        if (*ps->p != '=') {
            free(name);
            return perr(ps, ps->p, "'=' expected after the key name");
        }
        ps->p++;
        struct cim_value v;
        int rc = parse_value(ps, &v);
        if (rc) {
            free(name);
            return rc;
        }
        rc = push_key(out, name, &v);
        if (rc)
            return rc;
        if (*ps->p == 0)
            return 0;
        if (*ps->p != ',')
            return perr(ps, ps->p, "',' or the end expected after a key value");
        ps->p++;
    }
}

int objpath_parse(struct objpath *out, const char *text)
{
    memset(out, 0, sizeof *out);
    struct parser ps = {text ? text : "", text ? text : ""};
    int rc = 0;

    if ((ps.p[0] == '\\' && ps.p[1] == '\\') || (ps.p[0] == '/' && ps.p[1] == '/')) {
        ps.p += 2;
        const char *s = ps.p;
        while (*ps.p && *ps.p != '\\' && *ps.p != '/' && *ps.p != ':' && *ps.p != '"')
            ps.p++;
        if (ps.p == s) {
            rc = perr(&ps, ps.p, "server name expected after \\\\");
            goto fail;
        }
        if (*ps.p != '\\' && *ps.p != '/') {
            rc = perr(&ps, ps.p, "'\\' and a namespace expected after the server name");
            goto fail;
        }
        out->server = hp_strndup(s, (size_t)(ps.p - s));
        if (!out->server)
            goto oom;
        ps.p++;
        const char *colon = strchr(ps.p, ':');
        const char *quote = strchr(ps.p, '"');
        if (!colon || (quote && quote < colon)) {
            rc = perr(&ps, ps.p, "namespace followed by ':' expected after the server");
            goto fail;
        }
        if (colon == ps.p) {
            rc = perr(&ps, ps.p, "empty namespace");
            goto fail;
        }
        char *raw = hp_strndup(ps.p, (size_t)(colon - ps.p));
        if (!raw)
            goto oom;
        out->ns = objpath_normalize_ns(raw);
        free(raw);
        if (!out->ns)
            goto oom;
        ps.p = colon + 1;
    } else {
        /* A namespace prefix ends at a ':' met before any key syntax. */
        const char *q = ps.p;
        while (*q && *q != ':' && *q != '.' && *q != '=' && *q != '"')
            q++;
        if (*q == ':') {
            if (q == ps.p) {
                rc = perr(&ps, ps.p, "empty namespace");
                goto fail;
            }
            char *raw = hp_strndup(ps.p, (size_t)(q - ps.p));
            if (!raw)
                goto oom;
            out->ns = objpath_normalize_ns(raw);
            free(raw);
            if (!out->ns)
                goto oom;
            ps.p = q + 1;
        }
    }
    rc = parse_relpath(&ps, out);
    if (rc)
        goto fail;
    return 0;
oom:
    rc = hp_error_set(HP_ENOMEM, "out of memory");
fail:
    objpath_free(out);
    return rc;
}

void objpath_free(struct objpath *p)
{
    if (!p)
        return;
    free(p->server);
    free(p->ns);
    free(p->cls);
    for (size_t i = 0; i < p->nkeys; i++) {
        free(p->keys[i].name);
        cim_value_clear(&p->keys[i].value);
    }
    free(p->keys);
    memset(p, 0, sizeof *p);
}

int objpath_add_key(struct objpath *p, const char *name, const struct cim_value *value)
{
    if (!value || value->null)
        return hp_error_set(HP_EINVAL, "key %s: a key value cannot be NULL", name ? name : "");
    if (name ? objpath_find_key(p, name) != NULL : p->nkeys != 0)
        return hp_error_set(HP_EINVAL, "key %s given twice", name ? name : "(unnamed)");
    struct cim_value v = cim_null(CIM_EMPTY);
    v.null = false;
    CIMTYPE t = value->type;
    if (cim_type_is_string(t)) {
        v.type = CIM_STRING;
        v.v.s = hp_strdup(value->v.s ? value->v.s : "");
        if (!v.v.s)
            return hp_error_set(HP_ENOMEM, "out of memory");
    } else if (t == CIM_BOOLEAN) {
        v.type = CIM_BOOLEAN;
        v.v.i = value->v.i != 0;
    } else if (cim_type_is_integer(t) || t == CIM_CHAR16) {
        if (cim_type_is_signed(t) && value->v.i < 0) {
            v.type = CIM_SINT64;
            v.v.i = value->v.i;
        } else {
            v.type = CIM_UINT64;
            v.v.u = (cim_type_is_signed(t) || t == CIM_CHAR16) ? (uint64_t)value->v.i : value->v.u;
        }
    } else {
        return hp_error_set(HP_EINVAL, "key %s: a %s cannot be a key", name ? name : "",
                            cim_type_name(t));
    }
    char *n = NULL;
    if (name && !(n = hp_strdup(name))) {
        cim_value_clear(&v);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    return push_key(p, n, &v);
}

const struct objpath_key *objpath_find_key(const struct objpath *p, const char *name)
{
    for (size_t i = 0; i < p->nkeys; i++)
        if (p->keys[i].name && name && hp_streqi(p->keys[i].name, name))
            return &p->keys[i];
    return NULL;
}

/* ---- Formatting ------------------------------------------------------ */

void objpath_put_string(struct hp_buf *b, const char *s)
{
    hp_buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            hp_buf_putc(b, '\\');
        hp_buf_putc(b, *s);
    }
    hp_buf_putc(b, '"');
}

static void put_key_value(struct hp_buf *b, const struct cim_value *v)
{
    switch (v->type) {
    case CIM_SINT64:
        hp_buf_printf(b, "%lld", (long long)v->v.i);
        break;
    case CIM_UINT64:
        hp_buf_printf(b, "%llu", (unsigned long long)v->v.u);
        break;
    case CIM_BOOLEAN:
        hp_buf_puts(b, v->v.i ? "TRUE" : "FALSE");
        break;
    default:
        objpath_put_string(b, v->v.s ? v->v.s : "");
        break;
    }
}

static int key_order(const void *x, const void *y)
{
    const struct objpath_key *a = *(const struct objpath_key *const *)x;
    const struct objpath_key *b = *(const struct objpath_key *const *)y;
    return hp_stricmp(a->name ? a->name : "", b->name ? b->name : "");
}

static void relpath_put(struct hp_buf *b, const struct objpath *p)
{
    hp_buf_puts(b, p->cls ? p->cls : "");
    if (p->singleton) {
        hp_buf_puts(b, "=@");
        return;
    }
    if (p->nkeys == 0)
        return;
    if (p->nkeys == 1 && !p->keys[0].name) {
        hp_buf_putc(b, '=');
        put_key_value(b, &p->keys[0].value);
        return;
    }
    /* WMI's __RELPATH lists the keys alphabetically, case-insensitively. */
    const struct objpath_key *small[8];
    const struct objpath_key **order = p->nkeys <= 8 ? small : malloc(p->nkeys * sizeof *order);
    if (!order) {
        b->oom = true;
        return;
    }
    for (size_t i = 0; i < p->nkeys; i++)
        order[i] = &p->keys[i];
    qsort(order, p->nkeys, sizeof *order, key_order);
    for (size_t i = 0; i < p->nkeys; i++) {
        hp_buf_putc(b, i ? ',' : '.');
        hp_buf_puts(b, order[i]->name ? order[i]->name : "");
        hp_buf_putc(b, '=');
        put_key_value(b, &order[i]->value);
    }
    if (order != small)
        free(order);
}

char *objpath_relpath(const struct objpath *p)
{
    struct hp_buf b = {0};
    relpath_put(&b, p);
    return hp_buf_steal(&b);
}

char *objpath_format(const struct objpath *p)
{
    struct hp_buf b = {0};
    if (p->server && p->ns)
        hp_buf_printf(&b, "\\\\%s\\%s:", p->server, p->ns);
    else if (p->ns)
        hp_buf_printf(&b, "%s:", p->ns);
    relpath_put(&b, p);
    return hp_buf_steal(&b);
}

/* ---- Comparison ------------------------------------------------------ */

static bool key_value_equal(const struct cim_value *a, const struct cim_value *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case CIM_SINT64:
    case CIM_BOOLEAN:
        return a->v.i == b->v.i;
    case CIM_UINT64:
        return a->v.u == b->v.u;
    default:
        return hp_stricmp(a->v.s ? a->v.s : "", b->v.s ? b->v.s : "") == 0;
    }
}

bool objpath_same_instance(const struct objpath *a, const struct objpath *b)
{
    if (!hp_streqi(a->cls, b->cls) || a->singleton != b->singleton || a->nkeys != b->nkeys)
        return false;
    if (a->nkeys == 1 && (!a->keys[0].name || !b->keys[0].name))
        return key_value_equal(&a->keys[0].value, &b->keys[0].value);
    for (size_t i = 0; i < a->nkeys; i++) {
        const struct objpath_key *k = objpath_find_key(b, a->keys[i].name);
        if (!k || !key_value_equal(&a->keys[i].value, &k->value))
            return false;
    }
    return true;
}

char *objpath_normalize_ns(const char *ns)
{
    char *s = hp_strdup(ns ? ns : "");
    if (!s)
        return NULL;
    for (char *q = s; *q; q++)
        if (*q == '/')
            *q = '\\';
    if (s[0] == '\\' && s[1] == '\\') {
        char *rest = strchr(s + 2, '\\');
        rest = rest ? rest + 1 : s + strlen(s);
        memmove(s, rest, strlen(rest) + 1);
    }
    return s;
}
