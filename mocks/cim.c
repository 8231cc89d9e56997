/*
 * mocks/cim.c - CIM values: construction, deep copy, comparison, the MOF
 * spelling of types and values.
 *
 * Invariant (cim.h): a value's live union member is the one its type names,
 * an array's items all have the array's base type, and everything a value
 * points to is owned by that value alone (copies are deep), so clearing a
 * value can never free something another value still uses.
 */
#include "cim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct cim_value cim_null(CIMTYPE type)
{
    struct cim_value v;
    memset(&v, 0, sizeof v);
    v.type = type;
    v.null = true;
    return v;
}

void cim_value_clear(struct cim_value *v)
{
    if (!v)
        return;
    if (!v->null) {
        if (v->type & CIM_FLAG_ARRAY) {
            struct cim_array *a = v->v.a;
            if (a) {
                for (size_t i = 0; i < a->n; i++)
                    cim_value_clear(&a->items[i]);
                free(a->items);
                free(a);
            }
        } else if (cim_type_is_string(v->type)) {
            free(v->v.s);
        }
    }
    CIMTYPE type = v->type;
    *v = cim_null(type);
}

int cim_value_copy(struct cim_value *dst, const struct cim_value *src)
{
    *dst = *src;
    if (src->null)
        return 0;
    if (src->type & CIM_FLAG_ARRAY) {
        const struct cim_array *a = src->v.a;
        struct cim_array *b = calloc(1, sizeof *b);
        if (!b)
            goto oom;
        if (a && a->n) {
            b->items = calloc(a->n, sizeof *b->items);
            if (!b->items) {
                free(b);
                goto oom;
            }
            for (size_t i = 0; i < a->n; i++) {
                if (cim_value_copy(&b->items[i], &a->items[i]) != 0) {
                    for (size_t j = 0; j < i; j++)
                        cim_value_clear(&b->items[j]);
                    free(b->items);
                    free(b);
                    goto oom;
                }
            }
            b->n = a->n;
        }
        dst->v.a = b;
    } else if (cim_type_is_string(src->type)) {
        dst->v.s = hp_strdup(src->v.s ? src->v.s : "");
        if (!dst->v.s)
            goto oom;
    }
    return 0;
oom:
    *dst = cim_null(src->type);
    return hp_error_set(HP_ENOMEM, "out of memory");
}

bool cim_value_equal(const struct cim_value *a, const struct cim_value *b)
{
    if (a->type != b->type || a->null != b->null)
        return false;
    if (a->null)
        return true;
    CIMTYPE t = a->type;
    if (t & CIM_FLAG_ARRAY) {
        size_t na = a->v.a ? a->v.a->n : 0, nb = b->v.a ? b->v.a->n : 0;
        if (na != nb)
            return false;
        for (size_t i = 0; i < na; i++)
            if (!cim_value_equal(&a->v.a->items[i], &b->v.a->items[i]))
                return false;
        return true;
    }
    if (cim_type_is_string(t))
        return strcmp(a->v.s ? a->v.s : "", b->v.s ? b->v.s : "") == 0;
    switch (t) {
    case CIM_UINT8: case CIM_UINT16: case CIM_UINT32: case CIM_UINT64:
        return a->v.u == b->v.u;
    case CIM_REAL32: case CIM_REAL64:
        /* Bitwise-equal semantics for NaN would surprise nobody here;
         * MOF cannot spell NaN, so plain comparison is enough. */
        return a->v.r == b->v.r;
    case CIM_OBJECT:
        return true; /* only NULL objects exist, handled above */
    default:
        return a->v.i == b->v.i;
    }
}

/* ---- Types ---------------------------------------------------------------- */

struct type_name {
    CIMTYPE type;
    const char *name, *array_name;
};

static const struct type_name type_names[] = {
    {CIM_SINT8, "sint8", "sint8[]"},
    {CIM_UINT8, "uint8", "uint8[]"},
    {CIM_SINT16, "sint16", "sint16[]"},
    {CIM_UINT16, "uint16", "uint16[]"},
    {CIM_SINT32, "sint32", "sint32[]"},
    {CIM_UINT32, "uint32", "uint32[]"},
    {CIM_SINT64, "sint64", "sint64[]"},
    {CIM_UINT64, "uint64", "uint64[]"},
    {CIM_REAL32, "real32", "real32[]"},
    {CIM_REAL64, "real64", "real64[]"},
    {CIM_BOOLEAN, "boolean", "boolean[]"},
    {CIM_STRING, "string", "string[]"},
    {CIM_DATETIME, "datetime", "datetime[]"},
    {CIM_REFERENCE, "ref", "ref[]"},
    {CIM_CHAR16, "char16", "char16[]"},
    {CIM_OBJECT, "object", "object[]"},
};

const char *cim_type_name(CIMTYPE type)
{
    bool array = (type & CIM_FLAG_ARRAY) != 0;
    CIMTYPE base = type & ~(CIMTYPE)CIM_FLAG_ARRAY;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
        if (type_names[i].type == base)
            return array ? type_names[i].array_name : type_names[i].name;
    return base == CIM_EMPTY ? "empty" : "unknown";
}

bool cim_type_from_name(const char *name, CIMTYPE *type)
{
    if (!name)
        return false;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (hp_streqi(name, type_names[i].name)) {
            *type = type_names[i].type;
            return true;
        }
    }
    return false;
}

size_t cim_type_width(CIMTYPE type)
{
    if (type & CIM_FLAG_ARRAY)
        return 0;
    switch (type) {
    case CIM_SINT8: case CIM_UINT8:
        return 1;
    case CIM_SINT16: case CIM_UINT16: case CIM_CHAR16: case CIM_BOOLEAN:
        return 2;
    case CIM_SINT32: case CIM_UINT32: case CIM_REAL32:
        return 4;
    case CIM_SINT64: case CIM_UINT64: case CIM_REAL64:
        return 8;
    default:
        return 0;
    }
}

bool cim_type_is_integer(CIMTYPE type)
{
    switch (type) {
    case CIM_SINT8: case CIM_UINT8: case CIM_SINT16: case CIM_UINT16:
    case CIM_SINT32: case CIM_UINT32: case CIM_SINT64: case CIM_UINT64:
        return true;
    default:
        return false;
    }
}

bool cim_type_is_signed(CIMTYPE type)
{
    switch (type) {
    case CIM_SINT8: case CIM_SINT16: case CIM_SINT32: case CIM_SINT64:
        return true;
    default:
        return false;
    }
}

bool cim_type_is_string(CIMTYPE type)
{
    return type == CIM_STRING || type == CIM_DATETIME || type == CIM_REFERENCE;
}

/* ---- MOF text ------------------------------------------------------------- */

/* Appends s as the body of a MOF string or char literal (without quotes). */
static void put_escaped(struct hp_buf *b, const char *s, char quote)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '\\': hp_buf_puts(b, "\\\\"); break;
        case '\n': hp_buf_puts(b, "\\n"); break;
        case '\t': hp_buf_puts(b, "\\t"); break;
        case '\r': hp_buf_puts(b, "\\r"); break;
        case '\b': hp_buf_puts(b, "\\b"); break;
        case '\f': hp_buf_puts(b, "\\f"); break;
        default:
            if (*p == (unsigned char)quote) {
                hp_buf_putc(b, '\\');
                hp_buf_putc(b, (char)*p);
            } else if (*p < 0x20 || *p == 0x7f) {
                hp_buf_printf(b, "\\x%04X", *p);
            } else {
                hp_buf_putc(b, (char)*p);
            }
        }
    }
}

static void put_real(struct hp_buf *b, double r, bool single)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, single ? "%.9g" : "%.17g", r);
    hp_buf_puts(b, tmp);
    /* Keep it a real literal when read back ("1" would be an integer). */
    if (isfinite(r) && !strpbrk(tmp, ".eE"))
        hp_buf_puts(b, ".0");
}

static void put_value(struct hp_buf *b, const struct cim_value *v)
{
    if (v->null) {
        hp_buf_puts(b, "NULL");
        return;
    }
    if (v->type & CIM_FLAG_ARRAY) {
        hp_buf_putc(b, '{');
        size_t n = v->v.a ? v->v.a->n : 0;
        for (size_t i = 0; i < n; i++) {
            if (i)
                hp_buf_puts(b, ", ");
            put_value(b, &v->v.a->items[i]);
        }
        hp_buf_putc(b, '}');
        return;
    }
    switch (v->type) {
    case CIM_SINT8: case CIM_SINT16: case CIM_SINT32: case CIM_SINT64:
        hp_buf_printf(b, "%lld", (long long)v->v.i);
        break;
    case CIM_UINT8: case CIM_UINT16: case CIM_UINT32: case CIM_UINT64:
        hp_buf_printf(b, "%llu", (unsigned long long)v->v.u);
        break;
    case CIM_REAL32:
        put_real(b, v->v.r, true);
        break;
    case CIM_REAL64:
        put_real(b, v->v.r, false);
        break;
    case CIM_BOOLEAN:
        hp_buf_puts(b, v->v.i ? "TRUE" : "FALSE");
        break;
    case CIM_STRING: case CIM_DATETIME: case CIM_REFERENCE:
        hp_buf_putc(b, '"');
        put_escaped(b, v->v.s ? v->v.s : "", '"');
        hp_buf_putc(b, '"');
        break;
    case CIM_CHAR16: {
        uint32_t c = (uint32_t)(v->v.i & 0xFFFF);
        hp_buf_putc(b, '\'');
        if (c >= 0x20 && c < 0x7f) {
            char s[2] = {(char)c, 0};
            put_escaped(b, s, '\'');
        } else {
            hp_buf_printf(b, "\\x%04X", (unsigned)c);
        }
        hp_buf_putc(b, '\'');
        break;
    }
    default:
        /* Objects are never non-NULL in this repository; say so plainly. */
        hp_buf_puts(b, "NULL");
        break;
    }
}

char *cim_value_to_mof(const struct cim_value *v)
{
    struct hp_buf b = {0};
    put_value(&b, v);
    return hp_buf_steal(&b);
}
