/*
 * mocks/object.c - class objects and instances: IWbemClassObject and
 * IWbemObjectAccess in one vtable, the class layouts behind them, the
 * system properties, object text, paths and the host-side value API.
 *
 * Storage of one object (struct hvalues), laid out by its class (struct
 * hclass) once for all its objects:
 *   block   the fixed-width values (integers, reals, booleans, char16) at
 *           naturally aligned offsets, in property order, then one NULL
 *           byte per property (1 = NULL); copying every fixed value and
 *           every NULL flag of an object is one memcpy;
 *   strs    one UTF-16 buffer per string/datetime/reference property,
 *           reused when a new value fits;
 *   vals    arrays as cim values, embedded objects as private copies.
 * The layout depends only on the sequence of property types, and a
 * subclass lists its inherited properties first (repo.h), so an inherited
 * property has the same offset, slot and handle in every subclass.
 *
 * Invariants:
 *  - nulls[i] is the truth about property i being NULL; a NULL string or
 *    value slot may keep a buffer for reuse, but never a value anyone reads.
 *  - The handle stored for property i in hclass.handles[i] decodes to i and
 *    to that property's offset (or slot) and width; a handle is accepted
 *    only if it is bit for bit that value, so a handle write stays inside
 *    the block and hits the property the handle was made for.
 *  - Embedded objects are private copies held by the HOST actor (Put copies,
 *    Get hands out a fresh copy), so objects never share or cycle.
 *  - `cold->mu` guards the strings, the value slots, the enumeration position and
 *    the Lock state of one object; fixed-width values are read and written
 *    without it, as Windows' unchecked handle access does.  Locks are taken
 *    parent before child (embedded copies) and, between two objects of
 *    equal rank, lower address first.
 */
#include "object.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "object_private.h"
#include "variant_map.h"

/* GetObjectText's lFlags: leave qualifier flavors out of the text. */
#define OBJTEXT_NO_FLAVORS 0x1
/* Not in our header's list; Windows' value for "this is a system property". */
#define HP_WBEM_E_SYSTEM_PROPERTY ((HRESULT)0x80041030)

/* ---- Handles (object.h describes the encoding) ---------------------------- */

#define H_TAG 0x40000000u
#define H_TOP 0xC0000000u
#define H_IDX_SHIFT 18
#define H_IDX_MASK 0xFFFu
#define H_STRING 0x00020000u
#define H_W_SHIFT 15
#define H_W_MASK 0x00018000u
#define H_OFF_MASK 0x00007FFFu
#define H_MAX_PROPS 4096u
#define H_MAX_OFFSET 32768u

/* The bits a width-specific method checks, and the values it wants. */
#define H_KIND_MASK (H_TOP | H_STRING | H_W_MASK)
#define H_KIND_DWORD (H_TAG | (2u << H_W_SHIFT))
#define H_KIND_QWORD (H_TAG | (3u << H_W_SHIFT))

static inline uint32_t h_index(LONG h)
{
    return ((uint32_t)h >> H_IDX_SHIFT) & H_IDX_MASK;
}

static inline uint32_t h_offset(LONG h)
{
    return (uint32_t)h & H_OFF_MASK;
}

/* ---- Layouts ---------------------------------------------------------------- */

enum store { STORE_FIXED, STORE_STRING, STORE_VALUE };

struct hprop {
    const struct repo_property *rp;   /* borrowed from the repository */
    const char *name;                 /* rp->name */
    WCHAR *name16;                    /* owned */
    CIMTYPE type;
    uint8_t store;                    /* enum store */
    uint8_t width;                    /* STORE_FIXED: 1, 2, 4 or 8 */
    bool local;                       /* declared by this class (not inherited) */
    uint32_t slot;                    /* FIXED: byte offset; STRING: strs index; VALUE: vals index */
    LONG handle;                      /* 0: none (arrays, objects) */
    int64_t jname;                    /* journal string id of the name */
    struct cim_value cimtype;         /* the CIMTYPE qualifier WMI adds ("uint32", "ref:X") */
};

struct hstr {
    WCHAR *s;                         /* owned; NULL until first set */
    uint32_t len;                     /* units, without the NUL */
    uint32_t cap;                     /* units allocated, with the NUL */
};

struct hval {
    struct cim_value v;               /* arrays other than object arrays */
    struct hobject **objs;            /* embedded objects (1 for CIM_OBJECT), HOST-held */
    size_t nobjs;
};

struct hvalues {
    uint8_t *block;                   /* block_size bytes of values, then nprops NULL bytes */
    uint8_t *nulls;
    struct hstr *strs;
    struct hval *vals;
};

enum sysprop {
    SP_GENUS, SP_CLASS, SP_SUPERCLASS, SP_DYNASTY, SP_RELPATH, SP_PROPERTY_COUNT,
    SP_DERIVATION, SP_SERVER, SP_NAMESPACE, SP_PATH, NSYS
};

/* In the order WMI lists them. */
static const struct {
    const char *name;
    CIMTYPE type;
} sysprops[NSYS] = {
    {"__GENUS", CIM_SINT32},       {"__CLASS", CIM_STRING},
    {"__SUPERCLASS", CIM_STRING},  {"__DYNASTY", CIM_STRING},
    {"__RELPATH", CIM_STRING},     {"__PROPERTY_COUNT", CIM_SINT32},
    {"__DERIVATION", CIM_STRING | CIM_FLAG_ARRAY},
    {"__SERVER", CIM_STRING},      {"__NAMESPACE", CIM_STRING},
    {"__PATH", CIM_STRING},
};

struct hclass {
    struct host *host;
    const struct repo_class *rc;
    const struct hclass *super;
    WCHAR *name16;
    uint32_t nprops, nstrs, nvals;
    uint32_t block_size;              /* fixed values, a multiple of 8 */
    uint32_t data_size;               /* block_size + NULL bytes, a multiple of 8 */
    struct hprop *props;
    LONG *handles;                    /* nprops */
    uint32_t nkeys;
    uint32_t *keys;                   /* key property indexes, alphabetical by name */
    char *ns;                         /* owned, "root\cimv2" */
    const char *dynasty;              /* the root class's name (borrowed) */
    struct hvalues defaults;          /* what a new instance starts with */
    int64_t sys_jname[NSYS];
    struct qentry *quals;             /* class qualifiers: own, then inherited */
    size_t nquals;
};

/* What only the slower methods touch: kept out of the cache lines of the
 * handle methods (it lives after the values, in the same allocation). */
struct hcold {
    pthread_mutex_t mu;
    pthread_cond_t lock_cv;
    uint32_t lock_owner;              /* hp_thread_number() of the Lock holder, 0 if none */
    uint32_t lock_depth;
    bool enumerating;
    LONG enum_flags;
    uint32_t enum_pos;                /* next virtual index: system properties, then properties */
};

/* Layout for the hot path (x86-64): the interface pointer and the ledger
 * header (liveness, id) fill the first cache line, what the handle methods
 * read the second, and the fixed-width values start in the third. */
struct hobject {
    IWbemObjectAccess IWbemObjectAccess_iface;  /* also the IWbemClassObject */
    struct hobj hdr;
    struct host *host;
    const LONG *handles;
    uint32_t nprops;
    bool instance;
    bool released;                    /* on_dead ran */
    struct hvalues val;
    struct hclass *cls;
    struct hcold *cold;
    _Alignas(16) unsigned char data[];/* block, NULL bytes, strs, vals, cold */
};

static const IWbemObjectAccessVtbl hobject_vtbl;
static const struct hobj_ops hobject_ops;

static struct hobject *impl_from_IWbemObjectAccess(IWbemObjectAccess *iface)
{
    return (struct hobject *)((char *)iface - offsetof(struct hobject, IWbemObjectAccess_iface));
}

static struct hobject *impl_from_hobj(struct hobj *h)
{
    return (struct hobject *)((char *)h - offsetof(struct hobject, hdr));
}

static unsigned fixed_width(CIMTYPE t)
{
    switch (t) {
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

static unsigned log2_width(unsigned w)
{
    return w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3;
}

static uint32_t align_up(uint32_t x, uint32_t a)
{
    return (x + a - 1) & ~(a - 1);
}

static WCHAR *utf16_dup(const char *s)
{
    return hp_utf8_to_utf16(s ? s : "", (size_t)-1, NULL);
}

/* UTF-16 text as UTF-8, lone surrogates replaced by U+FFFD: for text that
 * must come out whatever a provider wrote.  Owned; NULL on ENOMEM. */
static char *utf16_to_utf8_lossy(const WCHAR *s, size_t len)
{
    char *u = hp_utf16_to_utf8(s ? s : u"", s ? len : 0, NULL);
    if (u || hp_error_code() == HP_ENOMEM)
        return u;
    WCHAR *fixed = malloc((len + 1) * sizeof *fixed);
    if (!fixed)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        WCHAR c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < len && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            fixed[i] = c;
            fixed[i + 1] = s[i + 1];
            i++;
            continue;
        }
        fixed[i] = (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c;
    }
    fixed[len] = 0;
    u = hp_utf16_to_utf8(fixed, len, NULL);
    free(fixed);
    return u;
}

static bool u16_eqi(const WCHAR *a, size_t na, const WCHAR *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        WCHAR x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return false;
    }
    return true;
}

/* ---- Fixed-width values ------------------------------------------------------ */

static struct cim_value fixed_read(CIMTYPE t, const uint8_t *p)
{
    struct cim_value v = cim_null(t);
    v.null = false;
    switch (t) {
    case CIM_SINT8: { int8_t x; memcpy(&x, p, 1); v.v.i = x; break; }
    case CIM_UINT8: { uint8_t x; memcpy(&x, p, 1); v.v.u = x; break; }
    case CIM_SINT16: { int16_t x; memcpy(&x, p, 2); v.v.i = x; break; }
    case CIM_UINT16: { uint16_t x; memcpy(&x, p, 2); v.v.u = x; break; }
    case CIM_CHAR16: { uint16_t x; memcpy(&x, p, 2); v.v.i = x; break; }
    case CIM_BOOLEAN: { uint16_t x; memcpy(&x, p, 2); v.v.i = x != 0; break; }
    case CIM_SINT32: { int32_t x; memcpy(&x, p, 4); v.v.i = x; break; }
    case CIM_UINT32: { uint32_t x; memcpy(&x, p, 4); v.v.u = x; break; }
    case CIM_SINT64: { int64_t x; memcpy(&x, p, 8); v.v.i = x; break; }
    case CIM_UINT64: { uint64_t x; memcpy(&x, p, 8); v.v.u = x; break; }
    case CIM_REAL32: { float x; memcpy(&x, p, 4); v.v.r = x; break; }
    case CIM_REAL64: { double x; memcpy(&x, p, 8); v.v.r = x; break; }
    default: v.null = true; break;
    }
    return v;
}

/* v has type t and is not NULL. */
static void fixed_write(CIMTYPE t, uint8_t *p, const struct cim_value *v)
{
    switch (t) {
    case CIM_SINT8: { int8_t x = (int8_t)v->v.i; memcpy(p, &x, 1); break; }
    case CIM_UINT8: { uint8_t x = (uint8_t)v->v.u; memcpy(p, &x, 1); break; }
    case CIM_SINT16: { int16_t x = (int16_t)v->v.i; memcpy(p, &x, 2); break; }
    case CIM_UINT16: { uint16_t x = (uint16_t)v->v.u; memcpy(p, &x, 2); break; }
    case CIM_CHAR16: { uint16_t x = (uint16_t)v->v.i; memcpy(p, &x, 2); break; }
    case CIM_BOOLEAN: { uint16_t x = v->v.i ? 0xFFFF : 0; memcpy(p, &x, 2); break; }
    case CIM_SINT32: { int32_t x = (int32_t)v->v.i; memcpy(p, &x, 4); break; }
    case CIM_UINT32: { uint32_t x = (uint32_t)v->v.u; memcpy(p, &x, 4); break; }
    case CIM_SINT64: { int64_t x = v->v.i; memcpy(p, &x, 8); break; }
    case CIM_UINT64: { uint64_t x = v->v.u; memcpy(p, &x, 8); break; }
    case CIM_REAL32: { float x = (float)v->v.r; memcpy(p, &x, 4); break; }
    case CIM_REAL64: { double x = v->v.r; memcpy(p, &x, 8); break; }
    default: break;
    }
}

/* ---- Value storage --------------------------------------------------------- */

/* Makes s hold len units of w (which may alias nothing in s).  0 or
 * HP_ENOMEM (s unchanged). */
static int str_assign(struct hstr *s, const void *w, size_t len)
{
    if (len >= UINT32_MAX)
        return hp_error_set(HP_ENOMEM, "string too long");
    if (!s->s || s->cap < len + 1) {
        size_t cap = len + 1 < 16 ? 16 : len + 1;
        WCHAR *n = malloc(cap * sizeof *n);
        if (!n)
            return hp_error_set(HP_ENOMEM, "out of memory");
        free(s->s);
        s->s = n;
        s->cap = (uint32_t)cap;
    }
    if (len)
        memcpy(s->s, w, len * sizeof(WCHAR));
    s->s[len] = 0;
    s->len = (uint32_t)len;
    return 0;
}

static void hobject_drop(struct hobject *o)
{
    hobj_unref(&o->hdr, HP_ACTOR_HOST);
}

static void val_clear(struct hval *v, bool unref)
{
    cim_value_clear(&v->v);
    for (size_t i = 0; i < v->nobjs; i++)
        if (v->objs[i] && unref)
            hobject_drop(v->objs[i]);
    free(v->objs);
    v->objs = NULL;
    v->nobjs = 0;
}

/* Sets property i NULL, keeping a string buffer for reuse. */
static void slot_set_null(const struct hclass *c, struct hvalues *hv, uint32_t i)
{
    const struct hprop *p = &c->props[i];
    hv->nulls[i] = 1;
    if (p->store == STORE_FIXED)
        memset(hv->block + p->slot, 0, p->width);
    else if (p->store == STORE_STRING)
        hv->strs[p->slot].len = 0;
    else
        val_clear(&hv->vals[p->slot], true);
}

/* Frees what the storage owns.  unref: also drop the embedded objects
 * (never from ops->free, where they may be freed already). */
static void values_release(const struct hclass *c, struct hvalues *hv, bool unref)
{
    for (uint32_t i = 0; i < c->nstrs; i++) {
        free(hv->strs[i].s);
        hv->strs[i] = (struct hstr){0};
    }
    for (uint32_t i = 0; i < c->nvals; i++)
        val_clear(&hv->vals[i], unref);
    for (uint32_t i = 0; i < c->nprops; i++)
        if (c->props[i].store != STORE_FIXED)
            hv->nulls[i] = 1;
}

static struct hobject *object_clone(struct hobject *o, enum hp_actor holder, bool as_instance,
                                    bool defaults_only);

/* Copies one VALUE slot (arrays deep, objects as new HOST-held copies). */
static int val_copy(struct hval *dst, const struct hval *src)
{
    struct hval n = {.v = cim_null(src->v.type)};
    if (cim_value_copy(&n.v, &src->v))
        return HP_ENOMEM;
    if (src->nobjs) {
        n.objs = calloc(src->nobjs, sizeof *n.objs);
        if (!n.objs) {
            cim_value_clear(&n.v);
            return hp_error_set(HP_ENOMEM, "out of memory");
        }
        n.nobjs = src->nobjs;
        for (size_t i = 0; i < src->nobjs; i++) {
            if (!src->objs[i])
                continue;
            n.objs[i] = object_clone(src->objs[i], HP_ACTOR_HOST, src->objs[i]->instance, false);
            if (!n.objs[i]) {
                val_clear(&n, true);
                return hp_error_set(HP_ENOMEM, "out of memory");
            }
        }
    }
    val_clear(dst, true);
    *dst = n;
    return 0;
}

/* dst = src for every property (same class). */
static int values_copy(const struct hclass *c, struct hvalues *dst, const struct hvalues *src)
{
    memcpy(dst->block, src->block, c->data_size);
    int rc = 0;
    for (uint32_t i = 0; i < c->nprops; i++) {
        const struct hprop *p = &c->props[i];
        if (p->store == STORE_STRING) {
            if (src->nulls[i]) {
                dst->strs[p->slot].len = 0;
            } else if (str_assign(&dst->strs[p->slot], src->strs[p->slot].s, src->strs[p->slot].len)) {
                dst->nulls[i] = 1;
                rc = HP_ENOMEM;
            }
        } else if (p->store == STORE_VALUE) {
            if (src->nulls[i]) {
                val_clear(&dst->vals[p->slot], true);
            } else if (val_copy(&dst->vals[p->slot], &src->vals[p->slot])) {
                dst->nulls[i] = 1;
                rc = HP_ENOMEM;
            }
        }
    }
    return rc;
}

/* Stores v (of the property's exact type, or NULL).  Objects cannot come
 * as cim values. */
static int slot_set_cim(const struct hclass *c, struct hvalues *hv, uint32_t i, const struct cim_value *v)
{
    const struct hprop *p = &c->props[i];
    if (v->null) {
        slot_set_null(c, hv, i);
        return 0;
    }
    switch (p->store) {
    case STORE_FIXED:
        fixed_write(p->type, hv->block + p->slot, v);
        break;
    case STORE_STRING: {
        size_t n;
        WCHAR *w = hp_utf8_to_utf16(v->v.s ? v->v.s : "", (size_t)-1, &n);
        if (!w)
            return hp_error_code() == HP_ENOMEM ? HP_ENOMEM
                                                : hp_error_set(HP_EINVAL, "invalid UTF-8 text");
        int rc = str_assign(&hv->strs[p->slot], w, n);
        free(w);
        if (rc)
            return rc;
        break;
    }
    default: {
        if ((p->type & ~CIM_FLAG_ARRAY) == CIM_OBJECT)
            return hp_error_set(HP_EINVAL, "property %s holds embedded objects, not values", p->name);
        struct hval *slot = &hv->vals[p->slot];
        struct cim_value copy;
        if (cim_value_copy(&copy, v))
            return HP_ENOMEM;
        val_clear(slot, true);
        slot->v = copy;
        break;
    }
    }
    hv->nulls[i] = 0;
    return 0;
}

/* Property i as a cim value (owned).  Embedded objects: HP_EINVAL. */
static int slot_get_cim(const struct hclass *c, const struct hvalues *hv, uint32_t i, struct cim_value *out)
{
    const struct hprop *p = &c->props[i];
    *out = cim_null(p->type);
    if (hv->nulls[i])
        return 0;
    switch (p->store) {
    case STORE_FIXED:
        *out = fixed_read(p->type, hv->block + p->slot);
        return 0;
    case STORE_STRING: {
        const struct hstr *s = &hv->strs[p->slot];
        char *u = hp_utf16_to_utf8(s->s ? s->s : u"", s->s ? s->len : 0, NULL);
        if (!u)
            return hp_error_code() == HP_ENOMEM
                       ? HP_ENOMEM
                       : hp_error_set(HP_EINVAL, "property %s holds text that is not valid UTF-16",
                                      p->name);
        out->null = false;
        out->v.s = u;
        return 0;
    }
    default:
        if ((p->type & ~CIM_FLAG_ARRAY) == CIM_OBJECT)
            return hp_error_set(HP_EINVAL, "property %s holds embedded objects, not values", p->name);
        return cim_value_copy(out, &hv->vals[p->slot].v);
    }
}

/* ---- Building layouts ---------------------------------------------------------- */

static bool prop_is_local(const struct repo_class *rc, const struct repo_property *rp)
{
    return !rp->origin || rp->origin == rc;
}

static char *cimtype_text(const struct repo_property *rp)
{
    CIMTYPE base = rp->type & ~CIM_FLAG_ARRAY;
    if (base == CIM_REFERENCE)
        return rp->ref_class ? hp_sprintf("ref:%s", rp->ref_class) : hp_strdup("ref");
    if (base == CIM_OBJECT)
        return rp->ref_class ? hp_sprintf("object:%s", rp->ref_class) : hp_strdup("object");
    return hp_strdup(cim_type_name(base));
}

/* Orders the key indexes alphabetically by name, case-insensitively: the
 * order of keys in WMI's __RELPATH.  Classes have a handful of keys. */
static void sort_keys(struct hclass *c)
{
    for (uint32_t i = 1; i < c->nkeys; i++) {
        uint32_t k = c->keys[i], j = i;
        while (j > 0 && hp_stricmp(c->props[c->keys[j - 1]].name, c->props[k].name) > 0) {
            c->keys[j] = c->keys[j - 1];
            j--;
        }
        c->keys[j] = k;
    }
}

static bool qentry_has(const struct qentry *q, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (hp_streqi(q[i].name, name))
            return true;
    return false;
}

/* Class qualifiers: the class's own, then those its ancestors pass down. */
static int build_class_quals(struct hclass *c)
{
    size_t cap = 0;
    for (const struct repo_class *k = c->rc; k; k = k->super)
        cap += k->quals.n;
    c->quals = calloc(cap ? cap : 1, sizeof *c->quals);
    if (!c->quals)
        return HP_ENOMEM;
    for (const struct repo_class *k = c->rc; k; k = k->super) {
        for (size_t i = 0; i < k->quals.n; i++) {
            const struct repo_qualifier *q = &k->quals.v[i];
            LONG flavor = q->flavor & ~(LONG)WBEM_FLAVOR_MASK_ORIGIN;
            if (k != c->rc) {
                if (!(q->flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS))
                    continue;
                flavor |= WBEM_FLAVOR_ORIGIN_PROPAGATED;
            }
            if (qentry_has(c->quals, c->nquals, q->name))
                continue;
            c->quals[c->nquals++] = (struct qentry){q->name, &q->value, flavor};
        }
    }
    return 0;
}

void hclass_free(struct hclass *c)
{
    if (!c)
        return;
    if (c->props) {
        if (c->defaults.block)
            values_release(c, &c->defaults, false);
        for (uint32_t i = 0; i < c->nprops; i++) {
            free(c->props[i].name16);
            cim_value_clear(&c->props[i].cimtype);
        }
    }
    free(c->defaults.block);
    free(c->props);
    free(c->handles);
    free(c->keys);
    free(c->name16);
    free(c->ns);
    free(c->quals);
    free(c);
}

static struct hclass *hclass_build(struct host *host, const struct repo_class *rc,
                                   const struct hclass *super)
{
    struct hclass *c = calloc(1, sizeof *c);
    if (!c)
        goto oom;
    c->host = host;
    c->rc = rc;
    c->super = super;
    c->nprops = (uint32_t)rc->nprops;
    c->props = calloc(rc->nprops ? rc->nprops : 1, sizeof *c->props);
    c->handles = calloc(rc->nprops ? rc->nprops : 1, sizeof *c->handles);
    c->keys = calloc(rc->nprops ? rc->nprops : 1, sizeof *c->keys);
    c->name16 = utf16_dup(rc->name);
    c->ns = objpath_normalize_ns(rc->ns && rc->ns[0] ? rc->ns : host->namespace_path);
    if (!c->props || !c->handles || !c->keys || !c->name16 || !c->ns)
        goto oom;
    const struct repo_class *root = rc;
    while (root->super)
        root = root->super;
    c->dynasty = root->name;

    uint32_t off = 0;
    for (uint32_t i = 0; i < c->nprops; i++) {
        const struct repo_property *rp = &rc->props[i];
        struct hprop *p = &c->props[i];
        p->rp = rp;
        p->name = rp->name;
        p->type = rp->type;
        p->local = prop_is_local(rc, rp);
        p->name16 = utf16_dup(rp->name);
        p->cimtype = cim_null(CIM_STRING);
        char *ct = cimtype_text(rp);
        if (ct) {
            p->cimtype.null = false;
            p->cimtype.v.s = ct;
        }
        if (!p->name16 || !ct)
            goto oom;
        p->jname = journal_intern(&host->journal, rp->name);
        CIMTYPE base = rp->type & ~CIM_FLAG_ARRAY;
        unsigned w = fixed_width(rp->type);
        if ((rp->type & CIM_FLAG_ARRAY) || base == CIM_OBJECT || (!w && !cim_type_is_string(base))) {
            p->store = STORE_VALUE;
            p->slot = c->nvals++;
        } else if (cim_type_is_string(base)) {
            p->store = STORE_STRING;
            p->slot = c->nstrs++;
            if (i < H_MAX_PROPS && p->slot <= H_OFF_MASK)
                p->handle = (LONG)(H_TAG | (i << H_IDX_SHIFT) | H_STRING | p->slot);
        } else {
            p->store = STORE_FIXED;
            p->width = (uint8_t)w;
            off = align_up(off, w);
            p->slot = off;
            off += w;
            if (i < H_MAX_PROPS && off <= H_MAX_OFFSET)
                p->handle = (LONG)(H_TAG | (i << H_IDX_SHIFT) | (log2_width(w) << H_W_SHIFT) | p->slot);
        }
        c->handles[i] = p->handle;
        if (rp->key)
            c->keys[c->nkeys++] = i;
    }
    c->block_size = align_up(off, 8);
    c->data_size = align_up(c->block_size + c->nprops, 8);
    sort_keys(c);
    for (int s = 0; s < NSYS; s++)
        c->sys_jname[s] = journal_intern(&host->journal, sysprops[s].name);
    if (build_class_quals(c))
        goto oom;

    /* The defaults: what SpawnInstance starts from. */
    size_t extra = c->nstrs * sizeof(struct hstr) + c->nvals * sizeof(struct hval);
    c->defaults.block = calloc(1, c->data_size + extra);
    if (!c->defaults.block)
        goto oom;
    c->defaults.nulls = c->defaults.block + c->block_size;
    c->defaults.strs = (struct hstr *)(void *)(c->defaults.block + c->data_size);
    c->defaults.vals = (struct hval *)(void *)(c->defaults.strs + c->nstrs);
    memset(c->defaults.nulls, 1, c->nprops);
    for (uint32_t i = 0; i < c->nprops; i++) {
        const struct hprop *p = &c->props[i];
        if (p->store == STORE_VALUE)
            c->defaults.vals[p->slot].v = cim_null(p->type);
        if (p->rp->value.null || (p->type & ~CIM_FLAG_ARRAY) == CIM_OBJECT)
            continue;
        struct cim_value v;
        if (cimval_convert(&v, p->type, &p->rp->value)) {
            /* A default the MOF reader let through but that does not fit:
             * the property starts NULL, and the journal says why. */
            journal_note(&host->journal, "class %s: default of %s ignored: %s", rc->name, p->name,
                         hp_error_message());
            continue;
        }
        int rc2 = slot_set_cim(c, &c->defaults, i, &v);
        cim_value_clear(&v);
        if (rc2 == HP_ENOMEM)
            goto oom;
    }
    return c;
oom:
    hclass_free(c);
    hp_error_set(HP_ENOMEM, "out of memory");
    return NULL;
}

/* host->lock held. */
static struct hclass *hclass_get_locked(struct host *host, const struct repo_class *rc)
{
    size_t n = repo_class_count(host->repo), i;
    for (i = 0; i < n; i++)
        if (repo_class_at(host->repo, i) == rc)
            break;
    if (i == n) {
        hp_error_set(HP_ENOTFOUND, "class %s is not in the host's repository", rc->name);
        return NULL;
    }
    if (n > host->nclasses) {
        struct hclass **v = realloc(host->classes, n * sizeof *v);
        if (!v) {
            hp_error_set(HP_ENOMEM, "out of memory");
            return NULL;
        }
        memset(v + host->nclasses, 0, (n - host->nclasses) * sizeof *v);
        host->classes = v;
        host->nclasses = n;
    }
    if (host->classes[i])
        return host->classes[i];
    const struct hclass *super = NULL;
    if (rc->super && !(super = hclass_get_locked(host, rc->super)))
        return NULL;
    host->classes[i] = hclass_build(host, rc, super);
    return host->classes[i];
}

struct hclass *host_hclass(struct host *host, const struct repo_class *cls)
{
    if (!cls) {
        hp_error_set(HP_ENOTFOUND, "no class");
        return NULL;
    }
    pthread_mutex_lock(&host->lock);
    struct hclass *c = hclass_get_locked(host, cls);
    pthread_mutex_unlock(&host->lock);
    return c;
}

const struct repo_class *hclass_repo(const struct hclass *c)
{
    return c->rc;
}

static int find_prop8(const struct hclass *c, const char *name)
{
    for (uint32_t i = 0; i < c->nprops; i++)
        if (hp_streqi(c->props[i].name, name))
            return (int)i;
    return -1;
}

static int find_prop16(const struct hclass *c, const WCHAR *name)
{
    for (uint32_t i = 0; i < c->nprops; i++)
        if (hp_u16_eqi_utf8(name, c->props[i].name))
            return (int)i;
    return -1;
}

static int find_sys16(const WCHAR *name)
{
    if (name[0] != '_' || name[1] != '_')
        return -1;
    for (int s = 0; s < NSYS; s++)
        if (hp_u16_eqi_utf8(name, sysprops[s].name))
            return s;
    return -1;
}

/* Where a property name leads, for a method that takes one: a system
 * property (*sys its index, returns -1), a property of the class (returns
 * its index, *sys -1), or neither (both -1).  *name_id is what the journal
 * calls it: the name of the property found, else the name as given. */
static int lookup_name(const struct hobject *o, const WCHAR *name, int *sys, int64_t *name_id)
{
    *sys = find_sys16(name);
    if (*sys >= 0) {
        *name_id = o->cls->sys_jname[*sys];
        return -1;
    }
    int i = find_prop16(o->cls, name);
    *name_id = i >= 0 ? o->cls->props[i].jname : journal_intern16(&o->host->journal, name);
    return i;
}

static int find_sys8(const char *name)
{
    for (int s = 0; s < NSYS; s++)
        if (hp_streqi(name, sysprops[s].name))
            return s;
    return -1;
}

LONG hclass_handle(const struct hclass *c, const char *name)
{
    int i = find_prop8(c, name);
    return i < 0 ? 0 : c->props[i].handle;
}

/* ---- Objects: life cycle ------------------------------------------------------- */

static void obj_on_dead(struct hobj *h)
{
    struct hobject *o = impl_from_hobj(h);
    pthread_mutex_lock(&o->cold->mu);
    if (!o->released) {
        o->released = true;
        values_release(o->cls, &o->val, true);
    }
    pthread_mutex_unlock(&o->cold->mu);
}

static void obj_free(struct hobj *h)
{
    struct hobject *o = impl_from_hobj(h);
    /* Normally on_dead emptied everything; never touch other objects here. */
    if (!o->released)
        values_release(o->cls, &o->val, false);
    pthread_cond_destroy(&o->cold->lock_cv);
    pthread_mutex_destroy(&o->cold->mu);
    free(o);
}

static void obj_describe(struct hobj *h, struct hp_buf *out)
{
    struct hobject *o = impl_from_hobj(h);
    hp_buf_printf(out, "%s %s", o->instance ? "instance of" : "class", o->cls->rc->name);
}

static const struct hobj_ops hobject_ops = {
    .kind = "IWbemClassObject",
    .on_dead = obj_on_dead,
    .free = obj_free,
    .describe = obj_describe,
};

/* A new object of class c, values unset (all NULL), not yet registered. */
static struct hobject *object_alloc(struct hclass *c, bool instance)
{
    size_t size = sizeof(struct hobject) + c->data_size + c->nstrs * sizeof(struct hstr) +
                  c->nvals * sizeof(struct hval) + sizeof(struct hcold);
    struct hobject *o = host_calloc(c->host, 1, size);
    if (!o) {
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    o->IWbemObjectAccess_iface.lpVtbl = &hobject_vtbl;
    o->nprops = c->nprops;
    o->handles = c->handles;
    o->host = c->host;
    o->cls = c;
    o->instance = instance;
    o->val.block = o->data;
    o->val.nulls = o->data + c->block_size;
    o->val.strs = (struct hstr *)(void *)(o->data + c->data_size);
    o->val.vals = (struct hval *)(void *)(o->val.strs + c->nstrs);
    o->cold = (struct hcold *)(void *)(o->val.vals + c->nvals);
    memset(o->val.nulls, 1, c->nprops);
    for (uint32_t i = 0; i < c->nprops; i++)
        if (c->props[i].store == STORE_VALUE)
            o->val.vals[c->props[i].slot].v = cim_null(c->props[i].type);
    pthread_mutex_init(&o->cold->mu, NULL);
    pthread_cond_init(&o->cold->lock_cv, NULL);
    return o;
}

/* Frees an object that was never registered. */
static void object_discard(struct hobject *o)
{
    values_release(o->cls, &o->val, true);
    pthread_cond_destroy(&o->cold->lock_cv);
    pthread_mutex_destroy(&o->cold->mu);
    free(o);
}

static struct hobject *object_new(struct hclass *c, bool instance, const struct hvalues *from,
                                  enum hp_actor holder)
{
    struct hobject *o = object_alloc(c, instance);
    if (!o)
        return NULL;
    if (values_copy(c, &o->val, from)) {
        object_discard(o);
        return NULL;
    }
    hobj_init(&o->hdr, &c->host->ledger, &hobject_ops, holder);
    return o;
}

/* A copy of o: as_instance picks the kind; defaults_only starts from the
 * class defaults instead of o's values. */
static struct hobject *object_clone(struct hobject *o, enum hp_actor holder, bool as_instance,
                                    bool defaults_only)
{
    if (defaults_only)
        return object_new(o->cls, as_instance, &o->cls->defaults, holder);
    struct hobject *n = object_alloc(o->cls, as_instance);
    if (!n)
        return NULL;
    pthread_mutex_lock(&o->cold->mu);
    int rc = values_copy(o->cls, &n->val, &o->val);
    pthread_mutex_unlock(&o->cold->mu);
    if (rc) {
        object_discard(n);
        return NULL;
    }
    hobj_init(&n->hdr, &o->host->ledger, &hobject_ops, holder);
    return n;
}

struct hobject *hobject_new_class(struct host *host, const struct repo_class *cls, enum hp_actor holder)
{
    struct hclass *c = host_hclass(host, cls);
    return c ? object_new(c, false, &c->defaults, holder) : NULL;
}

struct hobject *hobject_new_instance(struct host *host, const struct repo_class *cls,
                                     enum hp_actor holder)
{
    struct hclass *c = host_hclass(host, cls);
    return c ? object_new(c, true, &c->defaults, holder) : NULL;
}

struct hobject *hobject_clone(struct hobject *o, enum hp_actor holder)
{
    return object_clone(o, holder, o->instance, false);
}

struct hobject *hobject_from_iface(const void *p)
{
    if (!p)
        return NULL;
    const void *vtbl;
    memcpy(&vtbl, p, sizeof vtbl);
    if (vtbl != (const void *)&hobject_vtbl)
        return NULL;
    return impl_from_IWbemObjectAccess((IWbemObjectAccess *)(uintptr_t)p);
}

IWbemClassObject *hobject_iface(struct hobject *o)
{
    return (IWbemClassObject *)(void *)&o->IWbemObjectAccess_iface;
}

IWbemObjectAccess *hobject_access(struct hobject *o)
{
    return &o->IWbemObjectAccess_iface;
}

struct hobj *hobject_hobj(struct hobject *o)
{
    return &o->hdr;
}

uint64_t hobject_id(const struct hobject *o)
{
    return o->hdr.id;
}

const struct repo_class *hobject_class(const struct hobject *o)
{
    return o->cls->rc;
}

struct hclass *hobject_layout(const struct hobject *o)
{
    return o->cls;
}

bool hobject_is_instance(const struct hobject *o)
{
    return o->instance;
}

/* ---- Server name ------------------------------------------------------------- */

static char g_server[256];
static pthread_once_t g_server_once = PTHREAD_ONCE_INIT;

static void server_init(void)
{
    if (gethostname(g_server, sizeof g_server - 1) != 0 || !g_server[0])
        strcpy(g_server, "localhost");
    g_server[sizeof g_server - 1] = 0;
    char *dot = strchr(g_server, '.');
    if (dot && dot != g_server)
        *dot = 0;
}

const char *hobject_server_name(void)
{
    pthread_once(&g_server_once, server_init);
    return g_server;
}

/* ---- Paths and keys ------------------------------------------------------------ */

/* Appends the key value of property i as a path writes it; false if NULL. */
static bool put_key_value(const struct hobject *o, uint32_t i, struct hp_buf *b)
{
    const struct hprop *p = &o->cls->props[i];
    if (o->val.nulls[i])
        return false;
    if (p->store == STORE_STRING) {
        const struct hstr *s = &o->val.strs[p->slot];
        char *u = utf16_to_utf8_lossy(s->s, s->len);
        if (!u) {
            b->oom = true;
            return true;
        }
        objpath_put_string(b, u);
        free(u);
        return true;
    }
    if (p->store != STORE_FIXED)
        return false;
    struct cim_value v = fixed_read(p->type, o->val.block + p->slot);
    switch (p->type) {
    case CIM_BOOLEAN:
        hp_buf_puts(b, v.v.i ? "TRUE" : "FALSE");
        break;
    case CIM_SINT8: case CIM_SINT16: case CIM_SINT32: case CIM_SINT64: case CIM_CHAR16:
        hp_buf_printf(b, "%lld", (long long)v.v.i);
        break;
    case CIM_REAL32: case CIM_REAL64:
        hp_buf_printf(b, "%.17g", v.v.r);
        break;
    default:
        hp_buf_printf(b, "%llu", (unsigned long long)v.v.u);
        break;
    }
    return true;
}

/* o->cold->mu held (or o private to the caller). */
static char *relpath_locked(const struct hobject *o)
{
    const struct hclass *c = o->cls;
    if (!o->instance)
        return hp_strdup(c->rc->name);
    if (c->rc->singleton)
        return hp_sprintf("%s=@", c->rc->name);
    if (!c->nkeys) {
        hp_error_set(HP_ENOTFOUND, "instances of %s have no key, so no path", c->rc->name);
        return NULL;
    }
    struct hp_buf b = {0};
    hp_buf_puts(&b, c->rc->name);
    for (uint32_t k = 0; k < c->nkeys; k++) {
        uint32_t i = c->keys[k];
        hp_buf_putc(&b, k ? ',' : '.');
        hp_buf_puts(&b, c->props[i].name);
        hp_buf_putc(&b, '=');
        if (!put_key_value(o, i, &b)) {
            hp_buf_free(&b);
            hp_error_set(HP_ENOTFOUND, "key %s of this %s instance is NULL", c->props[i].name,
                         c->rc->name);
            return NULL;
        }
    }
    char *s = hp_buf_steal(&b);
    if (!s)
        hp_error_set(HP_ENOMEM, "out of memory");
    return s;
}

char *hobject_relpath(const struct hobject *o)
{
    struct hobject *m = (struct hobject *)(uintptr_t)o;
    pthread_mutex_lock(&m->cold->mu);
    char *s = relpath_locked(o);
    pthread_mutex_unlock(&m->cold->mu);
    return s;
}

static char *path_from_relpath(const struct hobject *o, const char *rel)
{
    char *s = hp_sprintf("\\\\%s\\%s:%s", hobject_server_name(), o->cls->ns, rel);
    if (!s)
        hp_error_set(HP_ENOMEM, "out of memory");
    return s;
}

char *hobject_path(const struct hobject *o)
{
    char *rel = hobject_relpath(o);
    if (!rel)
        return NULL;
    char *s = path_from_relpath(o, rel);
    free(rel);
    return s;
}

bool hobject_key_equal(const struct hobject *a, const struct hobject *b)
{
    if (a->cls != b->cls || !a->instance || !b->instance)
        return false;
    const struct hclass *c = a->cls;
    if (c->rc->singleton)
        return true;
    if (!c->nkeys)
        return false;
    struct hobject *x = (struct hobject *)(uintptr_t)(a < b ? a : b);
    struct hobject *y = (struct hobject *)(uintptr_t)(a < b ? b : a);
    pthread_mutex_lock(&x->cold->mu);
    if (y != x)
        pthread_mutex_lock(&y->cold->mu);
    bool eq = true;
    for (uint32_t k = 0; k < c->nkeys && eq; k++) {
        uint32_t i = c->keys[k];
        const struct hprop *p = &c->props[i];
        if (a->val.nulls[i] || b->val.nulls[i])
            eq = false;
        else if (p->store == STORE_STRING)
            eq = u16_eqi(a->val.strs[p->slot].s, a->val.strs[p->slot].len, b->val.strs[p->slot].s,
                         b->val.strs[p->slot].len);
        else if (p->store == STORE_FIXED)
            eq = memcmp(a->val.block + p->slot, b->val.block + p->slot, p->width) == 0 ||
                 (p->type == CIM_BOOLEAN &&
                  fixed_read(p->type, a->val.block + p->slot).v.i ==
                      fixed_read(p->type, b->val.block + p->slot).v.i);
        else
            eq = false;
    }
    if (y != x)
        pthread_mutex_unlock(&y->cold->mu);
    pthread_mutex_unlock(&x->cold->mu);
    return eq;
}

/* ---- Host-side values ------------------------------------------------------------ */

static int sys_get(const struct hobject *o, int sp, struct cim_value *out);

int hobject_get_at(const struct hobject *o, size_t index, struct cim_value *out)
{
    if (index >= o->nprops) {
        *out = cim_null(CIM_EMPTY);
        return hp_error_set(HP_ENOTFOUND, "%s has no property #%zu", o->cls->rc->name, index);
    }
    struct hobject *m = (struct hobject *)(uintptr_t)o;
    pthread_mutex_lock(&m->cold->mu);
    int rc = slot_get_cim(o->cls, &o->val, (uint32_t)index, out);
    pthread_mutex_unlock(&m->cold->mu);
    return rc;
}

int hobject_get(const struct hobject *o, const char *name, struct cim_value *out)
{
    *out = cim_null(CIM_EMPTY);
    if (!name)
        return hp_error_set(HP_ENOTFOUND, "no property name");
    int s = find_sys8(name);
    if (s >= 0)
        return sys_get(o, s, out);
    int i = find_prop8(o->cls, name);
    if (i < 0)
        return hp_error_set(HP_ENOTFOUND, "%s has no property %s", o->cls->rc->name, name);
    return hobject_get_at(o, (size_t)i, out);
}

int hobject_set_at(struct hobject *o, size_t index, const struct cim_value *v)
{
    if (index >= o->nprops)
        return hp_error_set(HP_ENOTFOUND, "%s has no property #%zu", o->cls->rc->name, index);
    const struct hprop *p = &o->cls->props[index];
    struct cim_value conv;
    if ((p->type & ~CIM_FLAG_ARRAY) == CIM_OBJECT && !v->null)
        return hp_error_set(HP_EINVAL, "property %s holds embedded objects, not values", p->name);
    int rc = cimval_convert(&conv, p->type, v);
    if (rc) {
        hp_error_prefix("%s.%s", o->cls->rc->name, p->name);
        return rc;
    }
    pthread_mutex_lock(&o->cold->mu);
    rc = slot_set_cim(o->cls, &o->val, (uint32_t)index, &conv);
    pthread_mutex_unlock(&o->cold->mu);
    cim_value_clear(&conv);
    return rc;
}

int hobject_set(struct hobject *o, const char *name, const struct cim_value *v)
{
    if (!name)
        return hp_error_set(HP_ENOTFOUND, "no property name");
    if (find_sys8(name) >= 0)
        return hp_error_set(HP_EINVAL, "%s is a system property and cannot be set", name);
    int i = find_prop8(o->cls, name);
    if (i < 0)
        return hp_error_set(HP_ENOTFOUND, "%s has no property %s", o->cls->rc->name, name);
    return hobject_set_at(o, (size_t)i, v);
}

bool hobject_is_null_at(const struct hobject *o, size_t index)
{
    return index >= o->nprops || o->val.nulls[index];
}

int hobject_set_keys(struct hobject *o, const struct objpath *path)
{
    const struct hclass *c = o->cls;
    if (path->singleton)
        return c->rc->singleton ? 0
                                : hp_error_set(HP_EINVAL, "%s is not a singleton class", c->rc->name);
    for (size_t k = 0; k < path->nkeys; k++) {
        const struct objpath_key *key = &path->keys[k];
        int i;
        if (!key->name) {
            if (c->nkeys != 1)
                return hp_error_set(HP_EINVAL, "%s has %u keys: the path must name them",
                                    c->rc->name, c->nkeys);
            i = (int)c->keys[0];
        } else {
            i = find_prop8(c, key->name);
            if (i < 0)
                return hp_error_set(HP_EINVAL, "%s has no property %s", c->rc->name, key->name);
            if (!c->props[i].rp->key)
                return hp_error_set(HP_EINVAL, "%s.%s is not a key", c->rc->name, key->name);
        }
        int rc = hobject_set_at(o, (size_t)i, &key->value);
        if (rc)
            return rc;
    }
    for (uint32_t k = 0; k < c->nkeys; k++) {
        uint32_t i = c->keys[k];
        if (o->val.nulls[i])
            return hp_error_set(HP_EINVAL, "the path gives no value for the key %s.%s", c->rc->name,
                                c->props[i].name);
    }
    return 0;
}

int hobject_copy_values(struct hobject *dst, const struct hobject *src)
{
    if (dst == src)
        return 0;
    if (dst->cls != src->cls)
        return hp_error_set(HP_EINVAL, "cannot copy values of %s into %s", src->cls->rc->name,
                            dst->cls->rc->name);
    struct hobject *s = (struct hobject *)(uintptr_t)src;
    struct hobject *x = dst < s ? dst : s, *y = dst < s ? s : dst;
    pthread_mutex_lock(&x->cold->mu);
    pthread_mutex_lock(&y->cold->mu);
    int rc = values_copy(dst->cls, &dst->val, &src->val);
    pthread_mutex_unlock(&y->cold->mu);
    pthread_mutex_unlock(&x->cold->mu);
    return rc;
}

/* ---- System properties --------------------------------------------------------- */

static int set_string(struct cim_value *out, char *owned)
{
    *out = cim_null(CIM_STRING);
    if (!owned)
        return hp_error_set(HP_ENOMEM, "out of memory");
    out->null = false;
    out->v.s = owned;
    return 0;
}

static int sys_get(const struct hobject *o, int sp, struct cim_value *out)
{
    const struct hclass *c = o->cls;
    const struct repo_class *rc = c->rc;
    *out = cim_null(sysprops[sp].type);
    switch (sp) {
    case SP_GENUS:
        out->null = false;
        out->v.i = o->instance ? WBEM_GENUS_INSTANCE : WBEM_GENUS_CLASS;
        return 0;
    case SP_CLASS:
        return set_string(out, hp_strdup(rc->name));
    case SP_SUPERCLASS:
        return rc->super ? set_string(out, hp_strdup(rc->super->name)) : 0;
    case SP_DYNASTY:
        return set_string(out, hp_strdup(c->dynasty));
    case SP_PROPERTY_COUNT:
        out->null = false;
        out->v.i = (int64_t)c->nprops;
        return 0;
    case SP_SERVER:
        return set_string(out, hp_strdup(hobject_server_name()));
    case SP_NAMESPACE:
        return set_string(out, hp_strdup(c->ns));
    case SP_RELPATH:
    case SP_PATH: {
        char *rel = hobject_relpath(o);
        if (!rel)
            return hp_error_code() == HP_ENOMEM ? HP_ENOMEM : 0;
        if (sp == SP_RELPATH)
            return set_string(out, rel);
        char *path = path_from_relpath(o, rel);
        free(rel);
        return set_string(out, path);
    }
    case SP_DERIVATION: {
        size_t n = 0;
        for (const struct repo_class *k = rc->super; k; k = k->super)
            n++;
        struct cim_array *a = calloc(1, sizeof *a);
        if (!a || !(a->items = calloc(n ? n : 1, sizeof *a->items))) {
            free(a);
            return hp_error_set(HP_ENOMEM, "out of memory");
        }
        out->null = false;
        out->v.a = a;
        for (const struct repo_class *k = rc->super; k; k = k->super) {
            if (set_string(&a->items[a->n], hp_strdup(k->name))) {
                cim_value_clear(out);
                return HP_ENOMEM;
            }
            a->n++;
        }
        return 0;
    }
    default:
        return hp_error_set(HP_EINTERNAL, "unknown system property");
    }
}

/* ---- Object text (MOF) ------------------------------------------------------------ */

static void put_indent(struct hp_buf *b, int indent)
{
    for (int i = 0; i < indent; i++)
        hp_buf_putc(b, '\t');
}

static void put_cim(struct hp_buf *b, const struct cim_value *v)
{
    char *s = cim_value_to_mof(v);
    if (!s) {
        b->oom = true;
        return;
    }
    hp_buf_puts(b, s);
    free(s);
}

static void instance_text(struct hp_buf *b, const struct hobject *o, int indent);

/* The value of property i as MOF text; o->cold->mu held. */
static void value_text(struct hp_buf *b, const struct hobject *o, uint32_t i, int indent)
{
    const struct hprop *p = &o->cls->props[i];
    if (p->store == STORE_STRING) {
        const struct hstr *s = &o->val.strs[p->slot];
        struct cim_value v = cim_null(p->type);
        v.v.s = utf16_to_utf8_lossy(s->s, s->len);
        if (!v.v.s) {
            b->oom = true;
            return;
        }
        v.null = false;
        put_cim(b, &v);
        cim_value_clear(&v);
    } else if (p->store == STORE_FIXED) {
        struct cim_value v = fixed_read(p->type, o->val.block + p->slot);
        put_cim(b, &v);
    } else if ((p->type & ~CIM_FLAG_ARRAY) == CIM_OBJECT) {
        const struct hval *hv = &o->val.vals[p->slot];
        bool array = (p->type & CIM_FLAG_ARRAY) != 0;
        if (array)
            hp_buf_putc(b, '{');
        for (size_t k = 0; k < hv->nobjs; k++) {
            if (k)
                hp_buf_puts(b, ", ");
            if (hv->objs[k])
                instance_text(b, hv->objs[k], indent);
            else
                hp_buf_puts(b, "NULL");
        }
        if (array)
            hp_buf_putc(b, '}');
    } else {
        put_cim(b, &o->val.vals[p->slot].v);
    }
}

/* "instance of C\n{\n\tP = v;\n}" at the given indent, without the ';'. */
static void instance_text(struct hp_buf *b, const struct hobject *o, int indent)
{
    struct hobject *m = (struct hobject *)(uintptr_t)o;
    pthread_mutex_lock(&m->cold->mu);
    hp_buf_printf(b, "instance of %s\n", o->cls->rc->name);
    put_indent(b, indent);
    hp_buf_puts(b, "{\n");
    for (uint32_t i = 0; i < o->nprops; i++) {
        if (o->val.nulls[i])
            continue;
        put_indent(b, indent + 1);
        hp_buf_printf(b, "%s = ", o->cls->props[i].name);
        value_text(b, o, i, indent + 1);
        hp_buf_puts(b, ";\n");
    }
    put_indent(b, indent);
    hp_buf_putc(b, '}');
    pthread_mutex_unlock(&m->cold->mu);
}

static void qualifiers_text(struct hp_buf *b, const struct repo_qualifiers *qs, bool flavors)
{
    size_t shown = 0;
    for (size_t i = 0; i < qs->n; i++) {
        const struct repo_qualifier *q = &qs->v[i];
        if ((q->flavor & WBEM_FLAVOR_MASK_ORIGIN) == WBEM_FLAVOR_ORIGIN_PROPAGATED)
            continue;
        hp_buf_puts(b, shown++ ? ", " : "[");
        hp_buf_puts(b, q->name);
        const struct cim_value *v = &q->value;
        if (v->null) {
            hp_buf_puts(b, "(NULL)");
        } else if (v->type == CIM_BOOLEAN && v->v.i) {
            /* a bare name is TRUE */
        } else if (v->type & CIM_FLAG_ARRAY) {
            put_cim(b, v);
        } else {
            hp_buf_putc(b, '(');
            put_cim(b, v);
            hp_buf_putc(b, ')');
        }
        if (flavors) {
            const char *f[4];
            size_t nf = 0;
            if (q->flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE)
                f[nf++] = "ToInstance";
            if (!(q->flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS))
                f[nf++] = "Restricted";
            if (q->flavor & WBEM_FLAVOR_NOT_OVERRIDABLE)
                f[nf++] = "DisableOverride";
            if (q->flavor & WBEM_FLAVOR_AMENDED)
                f[nf++] = "Amended";
            for (size_t k = 0; k < nf; k++)
                hp_buf_printf(b, "%s%s", k ? " " : ": ", f[k]);
        }
    }
    if (shown)
        hp_buf_puts(b, "]");
}

static void class_text(struct hp_buf *b, const struct hobject *o, bool flavors)
{
    const struct hclass *c = o->cls;
    const struct repo_class *rc = c->rc;
    size_t before = b->len;
    qualifiers_text(b, &rc->quals, flavors);
    if (b->len != before)
        hp_buf_putc(b, '\n');
    hp_buf_printf(b, "class %s", rc->name);
    if (rc->super)
        hp_buf_printf(b, " : %s", rc->super->name);
    hp_buf_puts(b, "\n{\n");
    struct hobject *m = (struct hobject *)(uintptr_t)o;
    pthread_mutex_lock(&m->cold->mu);
    for (uint32_t i = 0; i < c->nprops; i++) {
        const struct hprop *p = &c->props[i];
        if (!p->local)
            continue;
        hp_buf_putc(b, '\t');
        before = b->len;
        qualifiers_text(b, &p->rp->quals, flavors);
        if (b->len != before)
            hp_buf_putc(b, ' ');
        CIMTYPE base = p->type & ~CIM_FLAG_ARRAY;
        if (base == CIM_REFERENCE)
            hp_buf_printf(b, "%s ref", p->rp->ref_class ? p->rp->ref_class : "object");
        else if (base == CIM_OBJECT && p->rp->ref_class)
            hp_buf_puts(b, p->rp->ref_class); /* a typed embedded object: "Class Prop;" */
        else
            hp_buf_puts(b, cim_type_name(base));
        hp_buf_printf(b, " %s%s", p->name, (p->type & CIM_FLAG_ARRAY) ? "[]" : "");
        if (!o->val.nulls[i]) {
            hp_buf_puts(b, " = ");
            value_text(b, o, i, 1);
        }
        hp_buf_puts(b, ";\n");
    }
    pthread_mutex_unlock(&m->cold->mu);
    hp_buf_puts(b, "};\n");
}

static char *object_text(const struct hobject *o, bool flavors)
{
    struct hp_buf b = {0};
    if (o->instance) {
        instance_text(&b, o, 0);
        hp_buf_puts(&b, ";\n");
    } else {
        class_text(&b, o, flavors);
    }
    char *s = hp_buf_steal(&b);
    if (!s)
        hp_error_set(HP_ENOMEM, "out of memory");
    return s;
}

char *hobject_text(const struct hobject *o)
{
    return object_text(o, true);
}

/* ---- VARIANTs of properties ---------------------------------------------------- */

static LONG prop_flavor(const struct hprop *p)
{
    return p->local ? WBEM_FLAVOR_ORIGIN_LOCAL : WBEM_FLAVOR_ORIGIN_PROPAGATED;
}

/* Property i into *out (overwritten; the caller owns the result).  Embedded
 * objects come out as new copies held by the calling thread's actor. */
static HRESULT prop_to_variant(struct hobject *o, uint32_t i, VARIANT *out)
{
    const struct hprop *p = &o->cls->props[i];
    VariantInit(out);
    if (p->store == STORE_FIXED) {
        if (o->val.nulls[i]) {
            out->vt = VT_NULL;
            return S_OK;
        }
        struct cim_value v = fixed_read(p->type, o->val.block + p->slot);
        return vmap_to_variant(out, &v);
    }
    HRESULT hr = S_OK;
    pthread_mutex_lock(&o->cold->mu);
    if (o->val.nulls[i]) {
        out->vt = VT_NULL;
    } else if (p->store == STORE_STRING) {
        const struct hstr *s = &o->val.strs[p->slot];
        BSTR b = SysAllocStringLen(s->s, s->len);
        if (b) {
            out->vt = VT_BSTR;
            out->bstrVal = b;
        } else {
            hr = WBEM_E_OUT_OF_MEMORY;
        }
    } else if ((p->type & ~CIM_FLAG_ARRAY) != CIM_OBJECT) {
        hr = vmap_to_variant(out, &o->val.vals[p->slot].v);
    } else {
        const struct hval *hv = &o->val.vals[p->slot];
        enum hp_actor holder = hp_actor_current();
        if (!(p->type & CIM_FLAG_ARRAY)) {
            struct hobject *copy = hv->nobjs && hv->objs[0] ? hobject_clone(hv->objs[0], holder) : NULL;
            if (copy) {
                out->vt = VT_UNKNOWN;
                out->punkVal = (IUnknown *)(void *)hobject_iface(copy);
            } else {
                hr = WBEM_E_OUT_OF_MEMORY;
            }
        } else {
            SAFEARRAY *sa = SafeArrayCreateVector(VT_UNKNOWN, 0, (ULONG)hv->nobjs);
            if (!sa)
                hr = WBEM_E_OUT_OF_MEMORY;
            IUnknown **cells = sa ? sa->pvData : NULL;
            for (size_t k = 0; sa && k < hv->nobjs; k++) {
                struct hobject *copy = hv->objs[k] ? hobject_clone(hv->objs[k], holder) : NULL;
                if (hv->objs[k] && !copy) {
                    SafeArrayDestroy(sa);
                    sa = NULL;
                    hr = WBEM_E_OUT_OF_MEMORY;
                    break;
                }
                cells[k] = copy ? (IUnknown *)(void *)hobject_iface(copy) : NULL;
            }
            if (sa) {
                out->vt = VT_ARRAY | VT_UNKNOWN;
                out->parray = sa;
            }
        }
    }
    pthread_mutex_unlock(&o->cold->mu);
    return hr;
}

static HRESULT sys_to_variant(struct hobject *o, int sp, VARIANT *out)
{
    struct cim_value v;
    VariantInit(out);
    if (sys_get(o, sp, &v))
        return WBEM_E_OUT_OF_MEMORY;
    HRESULT hr = vmap_to_variant(out, &v);
    cim_value_clear(&v);
    return hr;
}

/* The host object behind an object pointer a caller passed (an embedded
 * object for Put, the other object of CompareTo); records the finding and
 * returns NULL if it is not a live object of ours. */
static struct hobject *object_argument(struct hobject *o, const void *unk, enum hp_method m)
{
    struct hobject *e = hobject_from_iface(unk);
    enum hp_actor actor = hp_actor_current();
    if (!e) {
        ledger_report(&o->host->ledger, LEDGER_FOREIGN_OBJECT, actor, o->hdr.id, 1, m,
                      "%s: the %s passed %p, which is not an object WMI made", hp_method_name(m),
                      hp_actor_name(actor), unk);
        return NULL;
    }
    if (!hobj_alive(&e->hdr)) {
        ledger_report(&o->host->ledger, LEDGER_USE_AFTER_RELEASE, actor, e->hdr.id, 1, m,
                      "%s: the %s passed object #%llu after its last reference was released",
                      hp_method_name(m), hp_actor_name(actor), (unsigned long long)e->hdr.id);
        return NULL;
    }
    return e;
}

/* Put of an embedded-object property (scalar or array). */
static HRESULT put_objects(struct hobject *o, uint32_t i, const VARIANT *in, enum hp_method m)
{
    const struct hprop *p = &o->cls->props[i];
    bool array = (p->type & CIM_FLAG_ARRAY) != 0;
    struct hval n = {.v = cim_null(p->type)};
    if (!array) {
        if (in->vt != VT_UNKNOWN && in->vt != VT_DISPATCH)
            return WBEM_E_TYPE_MISMATCH;
        if (!in->punkVal) {
            pthread_mutex_lock(&o->cold->mu);
            slot_set_null(o->cls, &o->val, i);
            pthread_mutex_unlock(&o->cold->mu);
            return S_OK;
        }
        struct hobject *src = object_argument(o, in->punkVal, m);
        if (!src)
            return WBEM_E_INVALID_PARAMETER;
        n.objs = calloc(1, sizeof *n.objs);
        if (!n.objs)
            return WBEM_E_OUT_OF_MEMORY;
        n.nobjs = 1;
        if (!(n.objs[0] = hobject_clone(src, HP_ACTOR_HOST))) {
            val_clear(&n, true);
            return WBEM_E_OUT_OF_MEMORY;
        }
    } else {
        VARTYPE evt = in->vt & VT_TYPEMASK;
        if ((in->vt & (VT_ARRAY | VT_BYREF)) != VT_ARRAY ||
            (evt != VT_UNKNOWN && evt != VT_DISPATCH && evt != VT_VARIANT))
            return WBEM_E_TYPE_MISMATCH;
        SAFEARRAY *sa = in->parray;
        if (sa && !vmap_safearray_fits(sa, evt))
            return WBEM_E_TYPE_MISMATCH;
        size_t count = sa ? sa->rgsabound[0].cElements : 0;
        n.objs = calloc(count ? count : 1, sizeof *n.objs);
        if (!n.objs)
            return WBEM_E_OUT_OF_MEMORY;
        for (size_t k = 0; k < count; k++) {
            const unsigned char *cell = (const unsigned char *)sa->pvData + k * sa->cbElements;
            IUnknown *unk;
            if (evt == VT_VARIANT) {
                const VARIANT *ev = (const VARIANT *)(const void *)cell;
                if (ev->vt != VT_UNKNOWN && ev->vt != VT_DISPATCH) {
                    val_clear(&n, true);
                    return WBEM_E_TYPE_MISMATCH;
                }
                unk = ev->punkVal;
            } else {
                memcpy(&unk, cell, sizeof unk);
            }
            struct hobject *src = unk ? object_argument(o, unk, m) : NULL;
            if (!src) {
                val_clear(&n, true);
                return unk ? WBEM_E_INVALID_PARAMETER : WBEM_E_TYPE_MISMATCH;
            }
            n.objs[k] = hobject_clone(src, HP_ACTOR_HOST);
            n.nobjs = k + 1;
            if (!n.objs[k]) {
                val_clear(&n, true);
                return WBEM_E_OUT_OF_MEMORY;
            }
        }
    }
    pthread_mutex_lock(&o->cold->mu);
    struct hval *slot = &o->val.vals[p->slot];
    val_clear(slot, true);
    *slot = n;
    o->val.nulls[i] = 0;
    pthread_mutex_unlock(&o->cold->mu);
    return S_OK;
}

/* ---- Name selection (GetNames, BeginEnumeration) -------------------------------- */

#define NAMES_ORIGIN_MASK WBEM_MASK_CONDITION_ORIGIN
#define NAMES_KNOWN_FLAGS (WBEM_MASK_PRIMARY_CONDITION | WBEM_FLAG_KEYS_ONLY | WBEM_FLAG_REFS_ONLY | \
                           WBEM_MASK_CONDITION_ORIGIN | WBEM_MASK_CLASS_CONDITION)

static const struct cim_value *prop_qualifier(const struct hprop *p, const char *name, LONG *flavor)
{
    if (hp_streqi(name, "CIMTYPE")) {
        if (flavor)
            *flavor = WBEM_FLAVOR_ORIGIN_SYSTEM;
        return &p->cimtype;
    }
    for (size_t i = 0; i < p->rp->quals.n; i++) {
        if (hp_streqi(p->rp->quals.v[i].name, name)) {
            if (flavor)
                *flavor = p->rp->quals.v[i].flavor;
            return &p->rp->quals.v[i].value;
        }
    }
    return NULL;
}

/* Overridden in this class: inherited, with a default or qualifiers that
 * differ from the superclass's. */
static bool prop_overridden(const struct hclass *c, uint32_t i)
{
    const struct hprop *p = &c->props[i];
    if (p->local || !c->super || i >= c->super->nprops)
        return false;
    const struct repo_property *sp = c->super->props[i].rp;
    if (!cim_value_equal(&p->rp->value, &sp->value) || p->rp->quals.n != sp->quals.n)
        return true;
    for (size_t k = 0; k < sp->quals.n; k++)
        if (!hp_streqi(p->rp->quals.v[k].name, sp->quals.v[k].name) ||
            !cim_value_equal(&p->rp->quals.v[k].value, &sp->quals.v[k].value))
            return true;
    return false;
}

struct name_filter {
    LONG flags;
    const char *qname;      /* for the primary condition; owned by the caller */
    const struct cim_value *qval_raw;
    const VARIANT *qval;
};

static bool flags_ok_for(const struct hobject *o, LONG flags, bool enumeration)
{
    if (flags & ~(LONG)NAMES_KNOWN_FLAGS)
        return false;
    if (enumeration && (flags & WBEM_MASK_PRIMARY_CONDITION))
        return false;
    LONG origin = flags & NAMES_ORIGIN_MASK;
    if (origin != 0 && origin != WBEM_FLAG_LOCAL_ONLY && origin != WBEM_FLAG_PROPAGATED_ONLY &&
        origin != WBEM_FLAG_SYSTEM_ONLY && origin != WBEM_FLAG_NONSYSTEM_ONLY)
        return false;
    LONG cls = flags & WBEM_MASK_CLASS_CONDITION;
    if (cls == WBEM_MASK_CLASS_CONDITION || (cls && o->instance))
        return false;
    return true;
}

/* Whether virtual index v (system properties first, then properties) is
 * selected by f. */
static bool name_selected(const struct hobject *o, uint32_t v, const struct name_filter *f)
{
    LONG origin = f->flags & NAMES_ORIGIN_MASK;
    bool sys = v < NSYS;
    if (sys) {
        if (origin == WBEM_FLAG_LOCAL_ONLY || origin == WBEM_FLAG_PROPAGATED_ONLY ||
            origin == WBEM_FLAG_NONSYSTEM_ONLY)
            return false;
        if (f->flags & (WBEM_FLAG_KEYS_ONLY | WBEM_FLAG_REFS_ONLY | WBEM_MASK_CLASS_CONDITION))
            return false;
        LONG pc = f->flags & WBEM_MASK_PRIMARY_CONDITION;
        return pc == WBEM_FLAG_ALWAYS || pc == WBEM_FLAG_ONLY_IF_FALSE;
    }
    uint32_t i = v - NSYS;
    const struct hprop *p = &o->cls->props[i];
    if (origin == WBEM_FLAG_SYSTEM_ONLY)
        return false;
    if (origin == WBEM_FLAG_LOCAL_ONLY && !p->local)
        return false;
    if (origin == WBEM_FLAG_PROPAGATED_ONLY && p->local)
        return false;
    if ((f->flags & WBEM_FLAG_KEYS_ONLY) && !p->rp->key)
        return false;
    if ((f->flags & WBEM_FLAG_REFS_ONLY) && (p->type & ~CIM_FLAG_ARRAY) != CIM_REFERENCE)
        return false;
    LONG cc = f->flags & WBEM_MASK_CLASS_CONDITION;
    if (cc == WBEM_FLAG_CLASS_OVERRIDES_ONLY && !prop_overridden(o->cls, i))
        return false;
    if (cc == WBEM_FLAG_CLASS_LOCAL_AND_OVERRIDES && !p->local && !prop_overridden(o->cls, i))
        return false;
    LONG pc = f->flags & WBEM_MASK_PRIMARY_CONDITION;
    if (pc == WBEM_FLAG_ALWAYS)
        return true;
    const struct cim_value *qv = prop_qualifier(p, f->qname, NULL);
    if (pc == WBEM_FLAG_ONLY_IF_TRUE)
        return qv != NULL;
    if (pc == WBEM_FLAG_ONLY_IF_FALSE)
        return qv == NULL;
    /* ONLY_IF_IDENTICAL */
    if (!qv)
        return false;
    struct cim_value want;
    if (FAILED(vmap_from_variant(&want, qv->type, f->qval)))
        return false;
    bool eq = cim_value_equal(&want, qv);
    cim_value_clear(&want);
    return eq;
}

static BSTR name_bstr(const struct hobject *o, uint32_t v)
{
    if (v < NSYS) {
        WCHAR *w = utf16_dup(sysprops[v].name);
        BSTR b = w ? SysAllocString(w) : NULL;
        free(w);
        return b;
    }
    return SysAllocString(o->cls->props[v - NSYS].name16);
}

/* ---- Comparison ------------------------------------------------------------------ */

static bool fixed_equal(const struct hprop *p, const uint8_t *a, const uint8_t *b)
{
    if (p->type == CIM_BOOLEAN)
        return fixed_read(p->type, a).v.i == fixed_read(p->type, b).v.i;
    if (p->type == CIM_REAL32 || p->type == CIM_REAL64)
        return fixed_read(p->type, a).v.r == fixed_read(p->type, b).v.r;
    return memcmp(a, b, p->width) == 0;
}

static bool objects_equal(const struct hobject *a, const struct hobject *b, LONG flags);

/* Property ia of a against property ib of b (same type); both locked. */
static bool prop_equal(const struct hobject *a, uint32_t ia, const struct hobject *b, uint32_t ib,
                       LONG flags)
{
    const struct hprop *pa = &a->cls->props[ia], *pb = &b->cls->props[ib];
    if (pa->type != pb->type)
        return false;
    if (a->val.nulls[ia] || b->val.nulls[ib])
        return a->val.nulls[ia] && b->val.nulls[ib];
    switch (pa->store) {
    case STORE_FIXED:
        return fixed_equal(pa, a->val.block + pa->slot, b->val.block + pb->slot);
    case STORE_STRING: {
        const struct hstr *x = &a->val.strs[pa->slot], *y = &b->val.strs[pb->slot];
        if (flags & WBEM_FLAG_IGNORE_CASE)
            return u16_eqi(x->s, x->len, y->s, y->len);
        return x->len == y->len && (x->len == 0 || memcmp(x->s, y->s, x->len * sizeof(WCHAR)) == 0);
    }
    default: {
        const struct hval *x = &a->val.vals[pa->slot], *y = &b->val.vals[pb->slot];
        if ((pa->type & ~CIM_FLAG_ARRAY) != CIM_OBJECT) {
            if (!(flags & WBEM_FLAG_IGNORE_CASE) || (pa->type & ~CIM_FLAG_ARRAY) == CIM_REAL32)
                return cim_value_equal(&x->v, &y->v);
            if (!cim_type_is_string(pa->type & ~CIM_FLAG_ARRAY))
                return cim_value_equal(&x->v, &y->v);
            size_t n = x->v.v.a ? x->v.v.a->n : 0;
            if (n != (y->v.v.a ? y->v.v.a->n : 0))
                return false;
            for (size_t k = 0; k < n; k++)
                if (hp_stricmp(x->v.v.a->items[k].v.s ? x->v.v.a->items[k].v.s : "",
                               y->v.v.a->items[k].v.s ? y->v.v.a->items[k].v.s : "") != 0)
                    return false;
            return true;
        }
        if (x->nobjs != y->nobjs)
            return false;
        for (size_t k = 0; k < x->nobjs; k++) {
            if (!x->objs[k] || !y->objs[k]) {
                if (x->objs[k] != y->objs[k])
                    return false;
                continue;
            }
            if (!objects_equal(x->objs[k], y->objs[k], flags))
                return false;
        }
        return true;
    }
    }
}

static void lock_pair(struct hobject *a, struct hobject *b)
{
    struct hobject *x = a < b ? a : b, *y = a < b ? b : a;
    pthread_mutex_lock(&x->cold->mu);
    if (y != x)
        pthread_mutex_lock(&y->cold->mu);
}

static void unlock_pair(struct hobject *a, struct hobject *b)
{
    pthread_mutex_unlock(&a->cold->mu);
    if (b != a)
        pthread_mutex_unlock(&b->cold->mu);
}

static bool objects_equal(const struct hobject *a, const struct hobject *b, LONG flags)
{
    if (a == b)
        return true;
    if (a->instance != b->instance)
        return false;
    bool same_class = a->cls == b->cls;
    if (!same_class && !(flags & WBEM_FLAG_IGNORE_CLASS))
        return false;
    if (!a->instance && (flags & WBEM_FLAG_IGNORE_DEFAULT_VALUES))
        return same_class;
    struct hobject *x = (struct hobject *)(uintptr_t)a, *y = (struct hobject *)(uintptr_t)b;
    lock_pair(x, y);
    bool eq = true;
    if (same_class) {
        for (uint32_t i = 0; i < a->nprops && eq; i++)
            eq = prop_equal(a, i, b, i, flags);
    } else {
        /* IGNORE_CLASS: the instance data, matched by property name. */
        eq = a->nprops == b->nprops;
        for (uint32_t i = 0; i < a->nprops && eq; i++) {
            int j = find_prop8(b->cls, a->cls->props[i].name);
            eq = j >= 0 && prop_equal(a, i, b, (uint32_t)j, flags);
        }
    }
    unlock_pair(x, y);
    return eq;
}

/* ---- IUnknown ---------------------------------------------------------------------- */

#define ENTER(o, m)                                             \
    HRESULT hr = host_enter((o)->host, &(o)->hdr, (m));         \
    if (hr != S_OK)                                             \
        goto out

static HRESULT STDMETHODCALLTYPE obj_QueryInterface(IWbemObjectAccess *This, REFIID riid, void **ppv)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_QueryInterface;
    int64_t iid1 = riid ? (int64_t)riid->Data1 : 0;
    if (ppv)
        *ppv = NULL;                /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!ppv) {
        hr = E_POINTER;
        goto out;
    }
    if (!riid) {
        hr = E_POINTER;
    } else if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IWbemClassObject) ||
               IsEqualIID(riid, &IID_IWbemObjectAccess)) {
        hobj_addref(&o->hdr);
        *ppv = &o->IWbemObjectAccess_iface;
        hr = S_OK;
    } else {
        hr = E_NOINTERFACE;
    }
out:
    return host_leave(o->host, &o->hdr, m, iid1, 0, 0, 0, hr);
}

static ULONG STDMETHODCALLTYPE obj_AddRef(IWbemObjectAccess *This)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    ULONG n = hobj_addref(&o->hdr);
    journal_add(&o->host->journal, JOURNAL_CALL, HPM_IWbemClassObject_AddRef, hp_actor_current(),
                HP_ACTOR_HOST, o->hdr.id, 0, 0, 0, 0, (HRESULT)n);
    return n;
}

static ULONG STDMETHODCALLTYPE obj_Release(IWbemObjectAccess *This)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    struct host *host = o->host;
    uint64_t id = o->hdr.id;
    ULONG n = hobj_release(&o->hdr);
    journal_add(&host->journal, JOURNAL_CALL, HPM_IWbemClassObject_Release, hp_actor_current(),
                HP_ACTOR_HOST, id, 0, 0, 0, 0, (HRESULT)n);
    return n;
}

/* ---- IWbemClassObject ---------------------------------------------------------------- */

static HRESULT STDMETHODCALLTYPE obj_GetQualifierSet(IWbemObjectAccess *This, IWbemQualifierSet **ppQualSet)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_GetQualifierSet;
    int64_t id = 0;
    if (ppQualSet)
        *ppQualSet = NULL;          /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!ppQualSet) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    const struct hclass *c = o->cls;
    struct qentry *e = malloc((c->nquals ? c->nquals : 1) * sizeof *e);
    if (!e) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    memcpy(e, c->quals, c->nquals * sizeof *e);
    /* An instance sees its class's qualifiers as propagated ones. */
    if (o->instance)
        for (size_t i = 0; i < c->nquals; i++)
            e[i].flavor = (e[i].flavor & ~(LONG)WBEM_FLAVOR_MASK_ORIGIN) | WBEM_FLAVOR_ORIGIN_PROPAGATED;
    IWbemQualifierSet *qs = qualset_new(o->host, e, c->nquals, c->rc->name, hp_actor_current());
    free(e);
    if (!qs) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    id = (int64_t)qualset_id(qs);
    *ppQualSet = qs;
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, id, 0, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_Get(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags,
                                         VARIANT *pVal, CIMTYPE *pType, LONG *plFlavor)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_Get;
    int64_t name_id = 0, vt = 0;
    ENTER(o, m);
    if (!wszName || lFlags != 0) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    int s, i = lookup_name(o, wszName, &s, &name_id);
    if (s >= 0) {
        if (pVal) {
            hr = sys_to_variant(o, s, pVal);
            if (FAILED(hr))
                goto out;
            vt = pVal->vt;
        }
        if (pType)
            *pType = sysprops[s].type;
        if (plFlavor)
            *plFlavor = WBEM_FLAVOR_ORIGIN_SYSTEM;
        hr = S_OK;
        goto out;
    }
    if (i < 0) {
        hr = WBEM_E_NOT_FOUND;
        goto out;
    }
    const struct hprop *p = &o->cls->props[i];
    if (pVal) {
        hr = prop_to_variant(o, (uint32_t)i, pVal);
        if (FAILED(hr))
            goto out;
        vt = pVal->vt;
    }
    if (pType)
        *pType = p->type;
    if (plFlavor)
        *plFlavor = prop_flavor(p);
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, name_id, lFlags, vt, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_Put(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags,
                                         VARIANT *pVal, CIMTYPE Type)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_Put;
    int64_t name_id = 0, vt = pVal ? pVal->vt : VT_NULL;
    ENTER(o, m);
    if (!wszName || lFlags != 0) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    int s, i = lookup_name(o, wszName, &s, &name_id);
    if (s >= 0) {
        hr = WBEM_E_READ_ONLY;
        goto out;
    }
    if (i < 0) {
        if (o->instance) {
            hr = WBEM_E_NOT_FOUND;
        } else {
            journal_note(&o->host->journal, "IWbemClassObject::Put: adding a property to class %s "
                         "is not simulated", o->cls->rc->name);
            hr = WBEM_E_NOT_SUPPORTED;
        }
        goto out;
    }
    const struct hprop *p = &o->cls->props[i];
    if (Type != 0 && Type != p->type) {
        hr = WBEM_E_TYPE_MISMATCH;
        goto out;
    }
    if (!pVal || pVal->vt == VT_NULL || pVal->vt == VT_EMPTY) {
        pthread_mutex_lock(&o->cold->mu);
        slot_set_null(o->cls, &o->val, (uint32_t)i);
        pthread_mutex_unlock(&o->cold->mu);
        hr = S_OK;
        goto out;
    }
    if ((p->type & ~CIM_FLAG_ARRAY) == CIM_OBJECT) {
        hr = put_objects(o, (uint32_t)i, pVal, m);
        goto out;
    }
    if (p->store == STORE_STRING) {
        if (pVal->vt != VT_BSTR) {
            hr = WBEM_E_TYPE_MISMATCH;
            goto out;
        }
        /* The text ends at its first NUL, as everywhere in WMI; reading to
         * the NUL also survives a provider passing a plain WCHAR string
         * where a BSTR belongs (its "length prefix" would be garbage). */
        BSTR b = pVal->bstrVal;
        pthread_mutex_lock(&o->cold->mu);
        if (str_assign(&o->val.strs[p->slot], b, b ? hp_u16len(b) : 0)) {
            hr = WBEM_E_OUT_OF_MEMORY;
        } else {
            o->val.nulls[i] = 0;
            hr = S_OK;
        }
        pthread_mutex_unlock(&o->cold->mu);
        goto out;
    }
    struct cim_value v;
    hr = vmap_from_variant(&v, p->type, pVal);
    if (FAILED(hr))
        goto out;
    pthread_mutex_lock(&o->cold->mu);
    if (slot_set_cim(o->cls, &o->val, (uint32_t)i, &v))
        hr = WBEM_E_OUT_OF_MEMORY;
    pthread_mutex_unlock(&o->cold->mu);
    cim_value_clear(&v);
out:
    return host_leave(o->host, &o->hdr, m, name_id, vt, Type, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_Delete(IWbemObjectAccess *This, LPCWSTR wszName)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_Delete;
    int64_t name_id = 0;
    ENTER(o, m);
    if (!wszName) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    int s, i = lookup_name(o, wszName, &s, &name_id);
    if (s >= 0) {
        hr = HP_WBEM_E_SYSTEM_PROPERTY;
        goto out;
    }
    if (i < 0) {
        hr = WBEM_E_NOT_FOUND;
        goto out;
    }
    if (!o->instance) {
        journal_note(&o->host->journal, "IWbemClassObject::Delete: removing property %s from class "
                     "%s is not simulated", o->cls->props[i].name, o->cls->rc->name);
        hr = WBEM_E_NOT_SUPPORTED;
        goto out;
    }
    /* On an instance, Delete puts the class's default value back. */
    const struct hclass *c = o->cls;
    const struct hprop *p = &c->props[i];
    pthread_mutex_lock(&o->cold->mu);
    hr = WBEM_S_RESET_TO_DEFAULT;
    if (c->defaults.nulls[i]) {
        slot_set_null(c, &o->val, (uint32_t)i);
    } else if (p->store == STORE_FIXED) {
        memcpy(o->val.block + p->slot, c->defaults.block + p->slot, p->width);
        o->val.nulls[i] = 0;
    } else if (p->store == STORE_STRING) {
        if (str_assign(&o->val.strs[p->slot], c->defaults.strs[p->slot].s, c->defaults.strs[p->slot].len))
            hr = WBEM_E_OUT_OF_MEMORY;
        else
            o->val.nulls[i] = 0;
    } else if (val_copy(&o->val.vals[p->slot], &c->defaults.vals[p->slot])) {
        hr = WBEM_E_OUT_OF_MEMORY;
    } else {
        o->val.nulls[i] = 0;
    }
    pthread_mutex_unlock(&o->cold->mu);
out:
    return host_leave(o->host, &o->hdr, m, name_id, 0, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_GetNames(IWbemObjectAccess *This, LPCWSTR wszQualifierName,
                                              LONG lFlags, VARIANT *pQualifierVal, SAFEARRAY **pNames)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_GetNames;
    int64_t qname_id = 0;
    char *qname = NULL;
    if (pNames)
        *pNames = NULL;             /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!pNames || !flags_ok_for(o, lFlags, false)) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    LONG pc = lFlags & WBEM_MASK_PRIMARY_CONDITION;
    if (pc != WBEM_FLAG_ALWAYS) {
        if (!wszQualifierName || (pc == WBEM_FLAG_ONLY_IF_IDENTICAL && !pQualifierVal)) {
            hr = WBEM_E_INVALID_PARAMETER;
            goto out;
        }
        qname_id = journal_intern16(&o->host->journal, wszQualifierName);
        qname = hp_utf16_to_utf8(wszQualifierName, (size_t)-1, NULL);
        if (!qname) {
            hr = hp_error_code() == HP_ENOMEM ? WBEM_E_OUT_OF_MEMORY : WBEM_E_INVALID_PARAMETER;
            goto out;
        }
    }
    struct name_filter f = {.flags = lFlags, .qname = qname, .qval = pQualifierVal};
    uint32_t total = NSYS + o->nprops, count = 0;
    for (uint32_t v = 0; v < total; v++)
        count += name_selected(o, v, &f);
    SAFEARRAY *sa = SafeArrayCreateVector(VT_BSTR, 0, count);
    if (!sa) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    BSTR *cells = sa->pvData;
    uint32_t k = 0;
    for (uint32_t v = 0; v < total; v++) {
        if (!name_selected(o, v, &f))
            continue;
        if (!(cells[k++] = name_bstr(o, v))) {
            SafeArrayDestroy(sa);
            hr = WBEM_E_OUT_OF_MEMORY;
            goto out;
        }
    }
    *pNames = sa;
    hr = S_OK;
out:
    free(qname);
    return host_leave(o->host, &o->hdr, m, qname_id, lFlags, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_BeginEnumeration(IWbemObjectAccess *This, LONG lEnumFlags)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_BeginEnumeration;
    ENTER(o, m);
    if (!flags_ok_for(o, lEnumFlags, true)) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    pthread_mutex_lock(&o->cold->mu);
    o->cold->enumerating = true;
    o->cold->enum_flags = lEnumFlags;
    o->cold->enum_pos = 0;
    pthread_mutex_unlock(&o->cold->mu);
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, lEnumFlags, 0, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_Next(IWbemObjectAccess *This, LONG lFlags, BSTR *strName,
                                          VARIANT *pVal, CIMTYPE *pType, LONG *plFlavor)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_Next;
    int64_t name_id = 0;
    if (strName)
        *strName = NULL;            /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (lFlags != 0) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    uint32_t total = NSYS + o->nprops, v;
    pthread_mutex_lock(&o->cold->mu);
    if (!o->cold->enumerating) {
        hr = WBEM_E_UNEXPECTED;
    } else {
        struct name_filter f = {.flags = o->cold->enum_flags};
        for (v = o->cold->enum_pos; v < total && !name_selected(o, v, &f); v++)
            ;
        if (v >= total) {
            o->cold->enum_pos = total;
            hr = WBEM_S_NO_MORE_DATA;
        } else {
            o->cold->enum_pos = v + 1;
        }
    }
    pthread_mutex_unlock(&o->cold->mu);
    if (hr != S_OK)
        goto out;
    BSTR name = NULL;
    if (strName && !(name = name_bstr(o, v))) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    if (v < NSYS) {
        name_id = o->cls->sys_jname[v];
        if (pVal)
            hr = sys_to_variant(o, (int)v, pVal);
        if (pType)
            *pType = sysprops[v].type;
        if (plFlavor)
            *plFlavor = WBEM_FLAVOR_ORIGIN_SYSTEM;
    } else {
        const struct hprop *p = &o->cls->props[v - NSYS];
        name_id = p->jname;
        if (pVal)
            hr = prop_to_variant(o, v - NSYS, pVal);
        if (pType)
            *pType = p->type;
        if (plFlavor)
            *plFlavor = prop_flavor(p);
    }
    if (FAILED(hr)) {
        SysFreeString(name);
        goto out;
    }
    if (strName)
        *strName = name;
out:
    return host_leave(o->host, &o->hdr, m, name_id, lFlags, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_EndEnumeration(IWbemObjectAccess *This)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_EndEnumeration;
    ENTER(o, m);
    pthread_mutex_lock(&o->cold->mu);
    o->cold->enumerating = false;
    o->cold->enum_pos = 0;
    pthread_mutex_unlock(&o->cold->mu);
out:
    return host_leave(o->host, &o->hdr, m, 0, 0, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_GetPropertyQualifierSet(IWbemObjectAccess *This, LPCWSTR wszProperty,
                                                             IWbemQualifierSet **ppQualSet)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_GetPropertyQualifierSet;
    int64_t name_id = 0, id = 0;
    struct qentry *e = NULL;
    char *label = NULL;
    if (ppQualSet)
        *ppQualSet = NULL;          /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!wszProperty || !ppQualSet) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    int s, i = lookup_name(o, wszProperty, &s, &name_id);
    if (s >= 0) {
        hr = HP_WBEM_E_SYSTEM_PROPERTY;
        goto out;
    }
    if (i < 0) {
        hr = WBEM_E_NOT_FOUND;
        goto out;
    }
    const struct hprop *p = &o->cls->props[i];
    size_t n = p->rp->quals.n + 1, k = 0;
    e = malloc(n * sizeof *e);
    label = hp_sprintf("%s.%s", o->cls->rc->name, p->name);
    if (!e || !label) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    LONG origin = o->instance || !p->local ? WBEM_FLAVOR_ORIGIN_PROPAGATED : WBEM_FLAVOR_ORIGIN_LOCAL;
    for (size_t q = 0; q < p->rp->quals.n; q++) {
        const struct repo_qualifier *rq = &p->rp->quals.v[q];
        if (hp_streqi(rq->name, "CIMTYPE"))
            continue;
        LONG fl = rq->flavor & ~(LONG)WBEM_FLAVOR_MASK_ORIGIN;
        if (o->instance || (rq->flavor & WBEM_FLAVOR_MASK_ORIGIN) == WBEM_FLAVOR_ORIGIN_PROPAGATED)
            fl |= WBEM_FLAVOR_ORIGIN_PROPAGATED;
        else
            fl |= origin;
        e[k++] = (struct qentry){rq->name, &rq->value, fl};
    }
    e[k++] = (struct qentry){"CIMTYPE", &p->cimtype,
                             WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE |
                                 WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS | origin};
    IWbemQualifierSet *qs = qualset_new(o->host, e, k, label, hp_actor_current());
    if (!qs) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    id = (int64_t)qualset_id(qs);
    *ppQualSet = qs;
    hr = S_OK;
out:
    free(e);
    free(label);
    return host_leave(o->host, &o->hdr, m, name_id, id, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_Clone(IWbemObjectAccess *This, IWbemClassObject **ppCopy)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_Clone;
    int64_t id = 0;
    if (ppCopy)
        *ppCopy = NULL;             /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!ppCopy) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    struct hobject *n = hobject_clone(o, hp_actor_current());
    if (!n) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    id = (int64_t)n->hdr.id;
    *ppCopy = hobject_iface(n);
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, id, 0, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_GetObjectText(IWbemObjectAccess *This, LONG lFlags,
                                                   BSTR *pstrObjectText)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_GetObjectText;
    if (pstrObjectText)
        *pstrObjectText = NULL;     /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!pstrObjectText || (lFlags & ~OBJTEXT_NO_FLAVORS)) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    char *text = object_text(o, !(lFlags & OBJTEXT_NO_FLAVORS));
    WCHAR *w = text ? hp_utf8_to_utf16(text, (size_t)-1, NULL) : NULL;
    free(text);
    *pstrObjectText = w ? SysAllocString(w) : NULL;
    free(w);
    hr = *pstrObjectText ? S_OK : WBEM_E_OUT_OF_MEMORY;
out:
    return host_leave(o->host, &o->hdr, m, lFlags, 0, 0, 0, hr);
}

static HRESULT not_simulated(struct hobject *o, enum hp_method m, LPCWSTR name)
{
    HRESULT hr = host_enter(o->host, &o->hdr, m);
    if (hr == S_OK) {
        journal_note(&o->host->journal, "%s is not simulated (the host's objects have no methods "
                     "and derive no classes)", hp_method_name(m));
        hr = WBEM_E_NOT_SUPPORTED;
    }
    return host_leave(o->host, &o->hdr, m, name ? journal_intern16(&o->host->journal, name) : 0, 0,
                      0, name ? 1 : 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_SpawnDerivedClass(IWbemObjectAccess *This, LONG lFlags,
                                                       IWbemClassObject **ppNewClass)
{
    (void)lFlags;
    if (ppNewClass)
        *ppNewClass = NULL;
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_SpawnDerivedClass, NULL);
}

static HRESULT STDMETHODCALLTYPE obj_SpawnInstance(IWbemObjectAccess *This, LONG lFlags,
                                                   IWbemClassObject **ppNewInstance)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_SpawnInstance;
    int64_t id = 0;
    if (ppNewInstance)
        *ppNewInstance = NULL;      /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!ppNewInstance || lFlags != 0) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    /* From a class object: its (possibly Put) defaults; from an instance:
     * the class's defaults. */
    struct hobject *n = object_clone(o, hp_actor_current(), true, o->instance);
    if (!n) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    id = (int64_t)n->hdr.id;
    *ppNewInstance = hobject_iface(n);
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, id, lFlags, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_CompareTo(IWbemObjectAccess *This, LONG lFlags,
                                               IWbemClassObject *pCompareTo)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_CompareTo;
    int64_t other_id = 0;
    ENTER(o, m);
    if (!pCompareTo || (lFlags & ~(LONG)0x3F)) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    struct hobject *other = object_argument(o, pCompareTo, m);
    if (!other) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    other_id = (int64_t)other->hdr.id;
    hr = objects_equal(o, other, lFlags) ? WBEM_S_SAME : WBEM_S_DIFFERENT;
out:
    return host_leave(o->host, &o->hdr, m, lFlags, other_id, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_GetPropertyOrigin(IWbemObjectAccess *This, LPCWSTR wszName,
                                                       BSTR *pstrClassName)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_GetPropertyOrigin;
    int64_t name_id = 0;
    if (pstrClassName)
        *pstrClassName = NULL;      /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!wszName || !pstrClassName) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    const char *origin;
    int s, i = lookup_name(o, wszName, &s, &name_id);
    if (s >= 0) {
        origin = o->cls->rc->name; /* Windows' answer here is undocumented */
    } else if (i < 0) {
        hr = WBEM_E_NOT_FOUND;
        goto out;
    } else {
        const struct hprop *p = &o->cls->props[i];
        origin = p->rp->origin ? p->rp->origin->name : o->cls->rc->name;
    }
    WCHAR *w = utf16_dup(origin);
    *pstrClassName = w ? SysAllocString(w) : NULL;
    free(w);
    hr = *pstrClassName ? S_OK : WBEM_E_OUT_OF_MEMORY;
out:
    return host_leave(o->host, &o->hdr, m, name_id, 0, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_InheritsFrom(IWbemObjectAccess *This, LPCWSTR strAncestor)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemClassObject_InheritsFrom;
    int64_t name_id = 0;
    ENTER(o, m);
    if (!strAncestor) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    name_id = journal_intern16(&o->host->journal, strAncestor);
    hr = WBEM_S_FALSE;
    for (const struct repo_class *k = o->cls->rc->super; k; k = k->super)
        if (hp_u16_eqi_utf8(strAncestor, k->name)) {
            hr = S_OK;
            break;
        }
out:
    return host_leave(o->host, &o->hdr, m, name_id, 0, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_GetMethod(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags,
                                               IWbemClassObject **ppInSignature,
                                               IWbemClassObject **ppOutSignature)
{
    (void)lFlags;
    if (ppInSignature)
        *ppInSignature = NULL;
    if (ppOutSignature)
        *ppOutSignature = NULL;
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_GetMethod, wszName);
}

static HRESULT STDMETHODCALLTYPE obj_PutMethod(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags,
                                               IWbemClassObject *pInSignature,
                                               IWbemClassObject *pOutSignature)
{
    (void)lFlags;
    (void)pInSignature;
    (void)pOutSignature;
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_PutMethod, wszName);
}

static HRESULT STDMETHODCALLTYPE obj_DeleteMethod(IWbemObjectAccess *This, LPCWSTR wszName)
{
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_DeleteMethod, wszName);
}

static HRESULT STDMETHODCALLTYPE obj_BeginMethodEnumeration(IWbemObjectAccess *This, LONG lEnumFlags)
{
    (void)lEnumFlags;
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_BeginMethodEnumeration,
                         NULL);
}

static HRESULT STDMETHODCALLTYPE obj_NextMethod(IWbemObjectAccess *This, LONG lFlags, BSTR *pstrName,
                                                IWbemClassObject **ppInSignature,
                                                IWbemClassObject **ppOutSignature)
{
    (void)lFlags;
    if (pstrName)
        *pstrName = NULL;
    if (ppInSignature)
        *ppInSignature = NULL;
    if (ppOutSignature)
        *ppOutSignature = NULL;
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_NextMethod, NULL);
}

static HRESULT STDMETHODCALLTYPE obj_EndMethodEnumeration(IWbemObjectAccess *This)
{
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_EndMethodEnumeration,
                         NULL);
}

static HRESULT STDMETHODCALLTYPE obj_GetMethodQualifierSet(IWbemObjectAccess *This, LPCWSTR wszMethod,
                                                           IWbemQualifierSet **ppQualSet)
{
    if (ppQualSet)
        *ppQualSet = NULL;
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_GetMethodQualifierSet,
                         wszMethod);
}

static HRESULT STDMETHODCALLTYPE obj_GetMethodOrigin(IWbemObjectAccess *This, LPCWSTR wszMethodName,
                                                     BSTR *pstrClassName)
{
    if (pstrClassName)
        *pstrClassName = NULL;
    return not_simulated(impl_from_IWbemObjectAccess(This), HPM_IWbemClassObject_GetMethodOrigin,
                         wszMethodName);
}

/* ---- IWbemObjectAccess ------------------------------------------------------------- */

/* Says in the journal why a handle was refused (error paths only). */
static void bad_handle(struct hobject *o, enum hp_method m, LONG h, const char *why)
{
    journal_note(&o->host->journal, "%s: handle 0x%08x %s of class %s", hp_method_name(m),
                 (unsigned)h, why, o->cls->rc->name);
}

/* A handle any handle method accepts: tagged, and exactly the class's
 * handle for the index it names. */
static inline bool handle_valid(const struct hobject *o, LONG h)
{
    uint32_t i = h_index(h);
    return ((uint32_t)h & H_TOP) == H_TAG && i < o->nprops && o->handles[i] == h;
}

/* The fast path of the four DWORD/QWORD handle methods: a journal-off
 * host (a benchmark's) with no fault rule armed, and a live object nobody
 * over-released.  host_enter and host_leave then have nothing to do, so
 * the method needs no call and is a leaf (no register saves); everything
 * else, errors included, takes the checked path, which is unchanged. */
static inline bool handle_fast(const struct hobject *o)
{
    const struct host *host = o->host;
    return !host->journal.enabled && !atomic_load_explicit(&host->faults.armed, memory_order_relaxed) &&
           atomic_load_explicit(&o->hdr.state, memory_order_acquire) == HOBJ_ALIVE &&
           atomic_load_explicit(&o->hdr.poisoned, memory_order_relaxed) == 0;
}

static HRESULT STDMETHODCALLTYPE obj_GetPropertyHandle(IWbemObjectAccess *This, LPCWSTR wszPropertyName,
                                                       CIMTYPE *pType, LONG *plHandle)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemObjectAccess_GetPropertyHandle;
    int64_t name_id = 0;
    LONG handle = 0;
    ENTER(o, m);
    if (!wszPropertyName || !plHandle) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    int s, i = lookup_name(o, wszPropertyName, &s, &name_id);
    if (s >= 0) {
        hr = WBEM_E_NOT_SUPPORTED; /* system properties are not in the value block */
        goto out;
    }
    if (i < 0) {
        hr = WBEM_E_NOT_FOUND;
        goto out;
    }
    const struct hprop *p = &o->cls->props[i];
    if (!p->handle) {
        hr = WBEM_E_NOT_SUPPORTED; /* arrays and embedded objects have no handle */
        goto out;
    }
    handle = p->handle;
    *plHandle = handle;
    if (pType)
        *pType = p->type;
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, name_id, handle, 0, 1, hr);
}

static HRESULT STDMETHODCALLTYPE obj_WritePropertyValue(IWbemObjectAccess *This, LONG lHandle,
                                                        LONG lNumBytes, const byte *aData)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemObjectAccess_WritePropertyValue;
    ENTER(o, m);
    if (!handle_valid(o, lHandle)) {
        bad_handle(o, m, lHandle, "is not a property handle");
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    if (lNumBytes < 0 || (!aData && lNumBytes > 0)) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    uint32_t i = h_index(lHandle);
    const struct hprop *p = &o->cls->props[i];
    if (p->store == STORE_STRING) {
        /* Byte length even, at least the NUL, and the last unit the NUL. */
        WCHAR last = 1;
        if (lNumBytes >= 2)
            memcpy(&last, aData + lNumBytes - 2, sizeof last);
        if ((lNumBytes & 1) || lNumBytes < 2 || last != 0) {
            journal_note(&o->host->journal, "IWbemObjectAccess::WritePropertyValue: %s.%s takes "
                         "NUL-terminated UTF-16 (an even byte count ending in a NUL unit), got %d "
                         "bytes", o->cls->rc->name, p->name, (int)lNumBytes);
            hr = WBEM_E_INVALID_PARAMETER;
            goto out;
        }
        /* The text ends at its first NUL unit. */
        size_t units = (size_t)lNumBytes / 2 - 1, len = 0;
        for (; len < units; len++) {
            WCHAR c;
            memcpy(&c, aData + 2 * len, sizeof c);
            if (!c)
                break;
        }
        pthread_mutex_lock(&o->cold->mu);
        if (str_assign(&o->val.strs[p->slot], aData, len)) {
            hr = WBEM_E_OUT_OF_MEMORY;
        } else {
            o->val.nulls[i] = 0;
            hr = S_OK;
        }
        pthread_mutex_unlock(&o->cold->mu);
        goto out;
    }
    if (lNumBytes != p->width) {
        journal_note(&o->host->journal, "IWbemObjectAccess::WritePropertyValue: %s.%s (%s) takes "
                     "exactly %u bytes, got %d", o->cls->rc->name, p->name, cim_type_name(p->type),
                     (unsigned)p->width, (int)lNumBytes);
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    memcpy(o->val.block + p->slot, aData, p->width);
    o->val.nulls[i] = 0;
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, lHandle, lNumBytes, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_ReadPropertyValue(IWbemObjectAccess *This, LONG lHandle,
                                                       LONG lBufferSize, LONG *plNumBytes, byte *aData)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemObjectAccess_ReadPropertyValue;
    LONG need = 0;
    ENTER(o, m);
    if (!handle_valid(o, lHandle)) {
        bad_handle(o, m, lHandle, "is not a property handle");
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    if (!plNumBytes || lBufferSize < 0 || (!aData && lBufferSize > 0)) {
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    uint32_t i = h_index(lHandle);
    const struct hprop *p = &o->cls->props[i];
    if (p->store == STORE_STRING) {
        pthread_mutex_lock(&o->cold->mu);
        if (o->val.nulls[i]) {
            hr = WBEM_S_FALSE;
        } else {
            const struct hstr *s = &o->val.strs[p->slot];
            uint64_t bytes = ((uint64_t)s->len + 1) * 2;
            need = bytes > INT32_MAX ? INT32_MAX : (LONG)bytes;
            if (lBufferSize < need) {
                hr = WBEM_E_BUFFER_TOO_SMALL;
            } else {
                if (s->len)
                    memcpy(aData, s->s, (size_t)s->len * 2);
                memset(aData + (size_t)s->len * 2, 0, 2);
                hr = S_OK;
            }
        }
        pthread_mutex_unlock(&o->cold->mu);
        *plNumBytes = need;
        goto out;
    }
    if (o->val.nulls[i]) {
        *plNumBytes = 0;
        hr = WBEM_S_FALSE;
        goto out;
    }
    need = p->width;
    *plNumBytes = need;
    if (lBufferSize < need) {
        hr = WBEM_E_BUFFER_TOO_SMALL;
        goto out;
    }
    memcpy(aData, o->val.block + p->slot, p->width);
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, lHandle, lBufferSize, need, 0, hr);
}

/* The hot path: a refresh is mostly these four. */

/* ---- ReadDWORD, WriteDWORD, ReadQWORD, WriteQWORD: one body for both widths.
 * kind is H_KIND_DWORD (4 bytes) or H_KIND_QWORD (8). */

static bool word_handle_ok(const struct hobject *o, LONG lHandle, uint32_t kind)
{
    uint32_t i = h_index(lHandle);
    return ((uint32_t)lHandle & H_KIND_MASK) == kind && i < o->nprops && o->handles[i] == lHandle;
}

static const char *word_handle_error(uint32_t kind)
{
    return kind == H_KIND_DWORD ? "is not the handle of a 32-bit property" : "is not the handle of a 64-bit property";
}

/* Reads the property into *value (0 when it is NULL: WBEM_S_FALSE) unless
 * the call fails; out_given says the caller's [out] pointer is not NULL. */
static HRESULT read_word(IWbemObjectAccess *This, enum hp_method m, uint32_t kind, LONG lHandle, bool out_given,
                         uint64_t *value)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    uint64_t v = 0;
    ENTER(o, m);
    if (!word_handle_ok(o, lHandle, kind) || !out_given) {
        if (out_given)
            bad_handle(o, m, lHandle, word_handle_error(kind));
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    if (o->val.nulls[h_index(lHandle)]) {
        hr = WBEM_S_FALSE;
    } else if (kind == H_KIND_DWORD) {
        uint32_t d;
        memcpy(&d, o->val.block + h_offset(lHandle), sizeof d);
        v = d;
        hr = S_OK;
    } else {
        memcpy(&v, o->val.block + h_offset(lHandle), sizeof v);
        hr = S_OK;
    }
    *value = v;
out:
    return host_leave(o->host, &o->hdr, m, lHandle, (int64_t)v, 0, 0, hr);
}

/* The write with every check and the journal record (the fast path below
 * handles the common case); kept out of line so the fast path stays small. */
__attribute__((noinline)) static HRESULT write_word_checked(IWbemObjectAccess *This, enum hp_method m,
                                                             uint32_t kind, LONG lHandle, uint64_t value)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    ENTER(o, m);
    if (!word_handle_ok(o, lHandle, kind)) {
        bad_handle(o, m, lHandle, word_handle_error(kind));
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    if (kind == H_KIND_DWORD) {
        uint32_t d = (uint32_t)value;
        memcpy(o->val.block + h_offset(lHandle), &d, sizeof d);
    } else {
        memcpy(o->val.block + h_offset(lHandle), &value, sizeof value);
    }
    o->val.nulls[h_index(lHandle)] = 0;
out:
    return host_leave(o->host, &o->hdr, m, lHandle, (int64_t)value, 0, 0, hr);
}

/* The hot path of a refresh: with the journal off, no fault rule armed and
 * a live, never over-released object, a valid handle's write is a store. */
static inline bool write_word_fast(struct hobject *o, LONG lHandle, uint32_t kind, const void *src, size_t width)
{
    if (!handle_fast(o) || !word_handle_ok(o, lHandle, kind))
        return false;
    memcpy(o->val.block + h_offset(lHandle), src, width);
    o->val.nulls[h_index(lHandle)] = 0;
    return true;
}

static HRESULT STDMETHODCALLTYPE obj_ReadDWORD(IWbemObjectAccess *This, LONG lHandle, DWORD *pdw)
{
    uint64_t v;
    HRESULT hr = read_word(This, HPM_IWbemObjectAccess_ReadDWORD, H_KIND_DWORD, lHandle, pdw != NULL, &v);
    if (pdw && SUCCEEDED(hr))
        *pdw = (DWORD)v;
    return hr;
}

static HRESULT STDMETHODCALLTYPE obj_WriteDWORD(IWbemObjectAccess *This, LONG lHandle, DWORD dw)
{
    if (write_word_fast(impl_from_IWbemObjectAccess(This), lHandle, H_KIND_DWORD, &dw, sizeof dw))
        return S_OK;
    return write_word_checked(This, HPM_IWbemObjectAccess_WriteDWORD, H_KIND_DWORD, lHandle, dw);
}

static HRESULT STDMETHODCALLTYPE obj_ReadQWORD(IWbemObjectAccess *This, LONG lHandle, UINT64 *pqw)
{
    uint64_t v;
    HRESULT hr = read_word(This, HPM_IWbemObjectAccess_ReadQWORD, H_KIND_QWORD, lHandle, pqw != NULL, &v);
    if (pqw && SUCCEEDED(hr))
        *pqw = v;
    return hr;
}

static HRESULT STDMETHODCALLTYPE obj_WriteQWORD(IWbemObjectAccess *This, LONG lHandle, UINT64 qw)
{
    if (write_word_fast(impl_from_IWbemObjectAccess(This), lHandle, H_KIND_QWORD, &qw, sizeof qw))
        return S_OK;
    return write_word_checked(This, HPM_IWbemObjectAccess_WriteQWORD, H_KIND_QWORD, lHandle, qw);
}

static HRESULT STDMETHODCALLTYPE obj_GetPropertyInfoByHandle(IWbemObjectAccess *This, LONG lHandle,
                                                             BSTR *pstrName, CIMTYPE *pType)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemObjectAccess_GetPropertyInfoByHandle;
    if (pstrName)
        *pstrName = NULL;           /* on every failure, an injected one or a dead object's too */
    ENTER(o, m);
    if (!handle_valid(o, lHandle)) {
        bad_handle(o, m, lHandle, "is not a property handle");
        hr = WBEM_E_INVALID_PARAMETER;
        goto out;
    }
    const struct hprop *p = &o->cls->props[h_index(lHandle)];
    if (pstrName && !(*pstrName = SysAllocString(p->name16))) {
        hr = WBEM_E_OUT_OF_MEMORY;
        goto out;
    }
    if (pType)
        *pType = p->type;
    hr = S_OK;
out:
    return host_leave(o->host, &o->hdr, m, lHandle, 0, 0, 0, hr);
}

/* Lock/Unlock: an advisory lock, recursive for its holder thread.  Only
 * Lock waits for it; no other method (and none of the handle methods, as
 * on Windows) takes it.  lFlags is reserved and ignored. */
static HRESULT STDMETHODCALLTYPE obj_Lock(IWbemObjectAccess *This, LONG lFlags)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemObjectAccess_Lock;
    ENTER(o, m);
    uint32_t me = hp_thread_number();
    pthread_mutex_lock(&o->cold->mu);
    while (o->cold->lock_depth && o->cold->lock_owner != me)
        pthread_cond_wait(&o->cold->lock_cv, &o->cold->mu);
    o->cold->lock_owner = me;
    o->cold->lock_depth++;
    pthread_mutex_unlock(&o->cold->mu);
out:
    return host_leave(o->host, &o->hdr, m, lFlags, 0, 0, 0, hr);
}

static HRESULT STDMETHODCALLTYPE obj_Unlock(IWbemObjectAccess *This, LONG lFlags)
{
    struct hobject *o = impl_from_IWbemObjectAccess(This);
    const enum hp_method m = HPM_IWbemObjectAccess_Unlock;
    ENTER(o, m);
    uint32_t me = hp_thread_number();
    pthread_mutex_lock(&o->cold->mu);
    if (!o->cold->lock_depth || o->cold->lock_owner != me) {
        hr = WBEM_E_INVALID_OPERATION;
    } else if (--o->cold->lock_depth == 0) {
        o->cold->lock_owner = 0;
        pthread_cond_broadcast(&o->cold->lock_cv);
    }
    pthread_mutex_unlock(&o->cold->mu);
    if (hr != S_OK)
        journal_note(&o->host->journal, "IWbemObjectAccess::Unlock on %s #%llu by a thread that "
                     "does not hold its Lock", o->cls->rc->name, (unsigned long long)o->hdr.id);
out:
    return host_leave(o->host, &o->hdr, m, lFlags, 0, 0, 0, hr);
}

static const IWbemObjectAccessVtbl hobject_vtbl = {
    obj_QueryInterface,
    obj_AddRef,
    obj_Release,
    obj_GetQualifierSet,
    obj_Get,
    obj_Put,
    obj_Delete,
    obj_GetNames,
    obj_BeginEnumeration,
    obj_Next,
    obj_EndEnumeration,
    obj_GetPropertyQualifierSet,
    obj_Clone,
    obj_GetObjectText,
    obj_SpawnDerivedClass,
    obj_SpawnInstance,
    obj_CompareTo,
    obj_GetPropertyOrigin,
    obj_InheritsFrom,
    obj_GetMethod,
    obj_PutMethod,
    obj_DeleteMethod,
    obj_BeginMethodEnumeration,
    obj_NextMethod,
    obj_EndMethodEnumeration,
    obj_GetMethodQualifierSet,
    obj_GetMethodOrigin,
    obj_GetPropertyHandle,
    obj_WritePropertyValue,
    obj_ReadPropertyValue,
    obj_ReadDWORD,
    obj_WriteDWORD,
    obj_ReadQWORD,
    obj_WriteQWORD,
    obj_GetPropertyInfoByHandle,
    obj_Lock,
    obj_Unlock,
};
