/*
 * mocks/blob.c - hiperfcheck's blob encoding of refreshed instances (see
 * blob.h for the byte layout) and its decoder.
 *
 * Invariant: the decoder never reads outside [data, data + len): every
 * field is bounds-checked before it is read, so a truncated or hostile
 * blob is an HP_EPARSE with the offset, never a crash; and whatever the
 * decoder returns owns all of its memory, even after a failure half-way
 * (it is freed and zeroed then).
 */
#include "blob.h"

#include <stdlib.h>
#include <string.h>

#include "object.h"

/* ---- Encoding -------------------------------------------------------------- */

static void put_u32(struct hp_buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    hp_buf_append(b, (const char *)x, 4);
}

static void put_uint(struct hp_buf *b, uint64_t v, size_t width)
{
    unsigned char x[8];
    for (size_t i = 0; i < width; i++)
        x[i] = (unsigned char)(v >> (8 * i));
    hp_buf_append(b, (const char *)x, width);
}

static void put_str(struct hp_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_u32(b, (uint32_t)n);
    hp_buf_append(b, s ? s : "", n);
}

/* One scalar of base type t. */
static void put_scalar(struct hp_buf *b, CIMTYPE t, const struct cim_value *v)
{
    if (cim_type_is_string(t)) {
        put_str(b, v->v.s);
        return;
    }
    size_t w = cim_type_width(t);
    uint64_t bits;
    if (t == CIM_REAL32) {
        float f = (float)v->v.r;
        uint32_t u;
        memcpy(&u, &f, 4);
        bits = u;
    } else if (t == CIM_REAL64) {
        memcpy(&bits, &v->v.r, 8);
    } else if (t == CIM_BOOLEAN) {
        bits = v->v.i ? 1 : 0;
    } else if (cim_type_is_integer(t) && !cim_type_is_signed(t)) {
        bits = v->v.u;
    } else {
        bits = (uint64_t)v->v.i;
    }
    put_uint(b, bits, w ? w : 8);
}

static void put_instance(struct hp_buf *b, const struct hobject *o, int *rc)
{
    const struct repo_class *cls = hobject_class(o);
    put_u32(b, BLOB_MAGIC);
    put_str(b, cls->name);
    put_u32(b, (uint32_t)cls->nprops);
    for (size_t i = 0; i < cls->nprops && !*rc; i++) {
        const struct repo_property *p = &cls->props[i];
        put_u32(b, (uint32_t)i);
        put_str(b, p->name);
        put_u32(b, (uint32_t)p->type);
        struct cim_value v;
        int r = hobject_get_at(o, i, &v);
        if (r == HP_ENOMEM) {
            *rc = r;
            return;
        }
        if (r != 0) {                      /* embedded object, or text that is not UTF-16 */
            hp_buf_putc(b, BLOB_OMITTED);
            continue;
        }
        if (v.null) {
            hp_buf_putc(b, BLOB_NULL);
        } else {
            hp_buf_putc(b, BLOB_VALUE);
            CIMTYPE base = p->type & ~CIM_FLAG_ARRAY;
            if (p->type & CIM_FLAG_ARRAY) {
                size_t n = v.v.a ? v.v.a->n : 0;
                put_u32(b, (uint32_t)n);
                for (size_t k = 0; k < n; k++)
                    put_scalar(b, base, &v.v.a->items[k]);
            } else {
                put_scalar(b, base, &v);
            }
        }
        cim_value_clear(&v);
    }
}

/* Moves the bytes of b into task memory. */
static int to_task_mem(struct hp_buf *b, BYTE **out, LONG *len)
{
    if (b->oom) {
        hp_buf_free(b);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    BYTE *p = CoTaskMemAlloc(b->len ? b->len : 1);
    if (!p) {
        hp_buf_free(b);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    if (b->len)
        memcpy(p, b->s, b->len);
    *out = p;
    *len = (LONG)b->len;
    hp_buf_free(b);
    return 0;
}

int blob_encode_instance(BYTE **out, LONG *len, const struct hobject *o)
{
    *out = NULL;
    *len = 0;
    struct hp_buf b = {0};
    int rc = 0;
    put_instance(&b, o, &rc);
    if (rc) {
        hp_buf_free(&b);
        return hp_error_set(rc, "out of memory");
    }
    return to_task_mem(&b, out, len);
}

int blob_encode_enum(BYTE **out, LONG *len, struct hobject *const *objs, size_t n)
{
    *out = NULL;
    *len = 0;
    struct hp_buf b = {0};
    int rc = 0;
    put_u32(&b, BLOB_ENUM_VERSION);
    put_u32(&b, (uint32_t)n);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t at = b.len;
        put_u32(&b, 0);                    /* the size, patched below */
        put_instance(&b, objs[i], &rc);
        if (!b.oom && !rc) {
            uint32_t size = (uint32_t)(b.len - at - 4);
            for (int k = 0; k < 4; k++)
                b.s[at + (size_t)k] = (char)(unsigned char)(size >> (8 * k));
        }
    }
    if (rc) {
        hp_buf_free(&b);
        return hp_error_set(rc, "out of memory");
    }
    return to_task_mem(&b, out, len);
}

/* ---- Decoding -------------------------------------------------------------- */

struct reader {
    const BYTE *p;
    size_t len, at;
    int rc;
};

static bool need(struct reader *r, size_t n, const char *what)
{
    if (r->rc)
        return false;
    if (r->len - r->at < n) {
        r->rc = hp_error_set(HP_EPARSE, "blob: offset %zu: truncated %s (%zu bytes needed, %zu left)", r->at,
                             what, n, r->len - r->at);
        return false;
    }
    return true;
}

static uint64_t get_uint(struct reader *r, size_t width, const char *what)
{
    if (!need(r, width, what))
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < width; i++)
        v |= (uint64_t)r->p[r->at + i] << (8 * i);
    r->at += width;
    return v;
}

static uint32_t get_u32(struct reader *r, const char *what)
{
    return (uint32_t)get_uint(r, 4, what);
}

static char *get_str(struct reader *r, const char *what)
{
    uint32_t n = get_u32(r, what);
    if (!need(r, n, what))
        return NULL;
    char *s = hp_strndup((const char *)r->p + r->at, n);
    if (!s) {
        r->rc = hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    r->at += n;
    return s;
}

static bool known_type(CIMTYPE t)
{
    return cim_type_width(t) != 0 || cim_type_is_string(t) || t == CIM_OBJECT;
}

static void get_scalar(struct reader *r, CIMTYPE t, struct cim_value *v)
{
    *v = cim_null(t);
    if (cim_type_is_string(t)) {
        v->v.s = get_str(r, "string value");
        v->null = v->v.s == NULL;
        return;
    }
    size_t w = cim_type_width(t);
    if (!w) {
        r->rc = hp_error_set(HP_EPARSE, "blob: offset %zu: a value of type %s cannot be encoded", r->at,
                             cim_type_name(t));
        return;
    }
    uint64_t bits = get_uint(r, w, "value");
    if (r->rc)
        return;
    v->null = false;
    if (t == CIM_REAL32) {
        uint32_t u = (uint32_t)bits;
        float f;
        memcpy(&f, &u, 4);
        v->v.r = f;
    } else if (t == CIM_REAL64) {
        memcpy(&v->v.r, &bits, 8);
    } else if (t == CIM_BOOLEAN) {
        v->v.i = bits != 0;
    } else if (cim_type_is_integer(t) && !cim_type_is_signed(t)) {
        v->v.u = bits;
    } else {
        /* Sign-extend sint8..sint64 and char16 keeps its unit. */
        if (w < 8 && t != CIM_CHAR16 && (bits >> (8 * w - 1)) & 1)
            bits |= ~(uint64_t)0 << (8 * w);
        v->v.i = (int64_t)bits;
    }
}

static void get_prop(struct reader *r, struct blob_prop *bp)
{
    bp->index = get_u32(r, "property index");
    bp->name = get_str(r, "property name");
    bp->type = (CIMTYPE)get_u32(r, "property type");
    bp->value = cim_null(bp->type);
    if (r->rc)
        return;
    CIMTYPE base = bp->type & ~CIM_FLAG_ARRAY;
    if (!known_type(base) || (bp->type & ~(CIM_FLAG_ARRAY | 0xFFF))) {
        r->rc = hp_error_set(HP_EPARSE, "blob: offset %zu: unknown CIMTYPE %ld", r->at - 4, (long)bp->type);
        return;
    }
    uint64_t state = get_uint(r, 1, "property state");
    if (r->rc)
        return;
    if (state > BLOB_OMITTED) {
        r->rc = hp_error_set(HP_EPARSE, "blob: offset %zu: bad property state %u", r->at - 1, (unsigned)state);
        return;
    }
    bp->state = (enum blob_state)state;
    if (bp->state != BLOB_VALUE)
        return;
    if (!(bp->type & CIM_FLAG_ARRAY)) {
        get_scalar(r, base, &bp->value);
        return;
    }
    uint32_t n = get_u32(r, "array count");
    if (r->rc)
        return;
    /* Every item takes at least one byte: a count beyond what is left is a
     * lie, refused before anything is allocated. */
    if (n > r->len - r->at) {
        r->rc = hp_error_set(HP_EPARSE, "blob: offset %zu: array count %u exceeds the blob", r->at - 4, n);
        return;
    }
    struct cim_array *a = calloc(1, sizeof *a);
    struct cim_value *items = n ? calloc(n, sizeof *items) : NULL;
    if (!a || (n && !items)) {
        free(a);
        free(items);
        r->rc = hp_error_set(HP_ENOMEM, "out of memory");
        return;
    }
    a->items = items;
    bp->value.v.a = a;
    bp->value.null = false;
    for (uint32_t k = 0; k < n; k++) {
        get_scalar(r, base, &items[k]);
        a->n = k + 1;
        if (r->rc)
            return;
    }
}

void blob_instance_free(struct blob_instance *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nprops; i++) {
        free(b->props[i].name);
        cim_value_clear(&b->props[i].value);
    }
    free(b->props);
    free(b->class_name);
    memset(b, 0, sizeof *b);
}

static void get_instance(struct reader *r, struct blob_instance *out)
{
    size_t start = r->at;
    uint32_t magic = get_u32(r, "magic");
    if (r->rc)
        return;
    if (magic != BLOB_MAGIC) {
        r->rc = hp_error_set(HP_EPARSE, "blob: offset %zu: bad magic 0x%08X (expected \"HPB1\")", start, magic);
        return;
    }
    out->class_name = get_str(r, "class name");
    uint32_t n = get_u32(r, "property count");
    if (r->rc)
        return;
    /* A property takes at least 17 bytes. */
    if (n > (r->len - r->at) / 17) {
        r->rc = hp_error_set(HP_EPARSE, "blob: offset %zu: property count %u exceeds the blob", r->at - 4, n);
        return;
    }
    if (n) {
        out->props = calloc(n, sizeof *out->props);
        if (!out->props) {
            r->rc = hp_error_set(HP_ENOMEM, "out of memory");
            return;
        }
    }
    for (uint32_t i = 0; i < n && !r->rc; i++) {
        out->nprops = i + 1;
        get_prop(r, &out->props[i]);
    }
}

int blob_decode_instance(struct blob_instance *out, const BYTE *data, size_t len, size_t *used)
{
    memset(out, 0, sizeof *out);
    if (used)
        *used = 0;
    struct reader r = {.p = data, .len = data ? len : 0};
    get_instance(&r, out);
    if (r.rc) {
        blob_instance_free(out);
        return r.rc;
    }
    if (used)
        *used = r.at;
    return 0;
}

void blob_enum_free(struct blob_instance *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        blob_instance_free(&v[i]);
    free(v);
}

int blob_decode_enum(struct blob_instance **out, size_t *n, const BYTE *data, size_t len)
{
    *out = NULL;
    *n = 0;
    struct reader r = {.p = data, .len = data ? len : 0};
    uint32_t version = get_u32(&r, "enum version");
    uint32_t count = get_u32(&r, "enum count");
    if (r.rc)
        return r.rc;
    if (version != BLOB_ENUM_VERSION)
        return hp_error_set(HP_EPARSE, "blob: offset 0: enum version %u (expected %u)", version, BLOB_ENUM_VERSION);
    /* An instance takes at least 16 bytes with its size. */
    if (count > (len - r.at) / 16)
        return hp_error_set(HP_EPARSE, "blob: offset 4: instance count %u exceeds the blob", count);
    struct blob_instance *v = count ? calloc(count, sizeof *v) : NULL;
    if (count && !v)
        return hp_error_set(HP_ENOMEM, "out of memory");
    size_t done = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t size = get_u32(&r, "instance size");
        if (!need(&r, size, "instance"))
            break;
        size_t used = 0;
        int rc = blob_decode_instance(&v[i], r.p + r.at, size, &used);
        if (rc) {
            r.rc = rc;
            hp_error_prefix("blob: instance %u at offset %zu", i, r.at);
            break;
        }
        done = i + 1;
        if (used != size) {
            r.rc = hp_error_set(HP_EPARSE, "blob: offset %zu: instance %u is %zu bytes, its size says %u", r.at, i,
                                used, size);
            break;
        }
        r.at += size;
    }
    if (!r.rc && r.at != len)
        r.rc = hp_error_set(HP_EPARSE, "blob: offset %zu: %zu bytes after the last instance", r.at, len - r.at);
    if (r.rc) {
        blob_enum_free(v, done);
        return r.rc;
    }
    *out = v;
    *n = count;
    return 0;
}

const struct cim_value *blob_instance_value(const struct blob_instance *b, const char *name)
{
    for (size_t i = 0; i < b->nprops; i++)
        if (hp_streqi(b->props[i].name, name))
            return b->props[i].state == BLOB_VALUE ? &b->props[i].value : NULL;
    return NULL;
}
