/*
 * mocks/mof_parse.c - the MOF reader: pragmas, qualifier declarations,
 * classes and instances, checked and added to the repository the way
 * mofcomp compiles them; also the built-in system and performance classes,
 * which are read from MOF text by the same code.
 *
 * Invariant: a declaration enters the repository only once it is complete
 * and checked (a class with all its properties, an instance with all its
 * values), so a failed load leaves only whole declarations behind, all
 * owned by the repository; every error is reported at the position of the
 * token that caused it, HP_EPARSE for syntax and HP_EINVAL for meaning.
 *
 * Choices where mofcomp's behaviour is not pinned down:
 * - A class declared twice is an error, unless #pragma classflags has
 *   "updateonly", "safeupdate" or "forceupdate": then the new declaration
 *   replaces the old one, provided that one is not built in and has no
 *   subclasses and no instances (mofcomp's default would update in place).
 * - An instance whose keys equal an earlier instance's is an error (mofcomp
 *   would update it).
 * - An instance of an abstract class, or of a class with neither a key nor
 *   [singleton], is an error (WMI refuses to store those).
 * - Names starting with "__" are reserved for the built-in classes.
 * - Aliases are local to one mof_load_* call (with its includes); an alias
 *   may be used before the instance that defines it.  An alias cannot be a
 *   class property's default.
 * - #pragma namespace: "\\server\ns" and "root\..." are absolute, anything
 *   else is relative to the current namespace.  #pragma include is textual:
 *   pragmas set in an included file stay in effect after it.
 * - An undeclared qualifier's value gets its type from the literal: integer
 *   -> sint32 (sint64/uint64 if it does not fit), real -> real64.
 * - A qualifier declared with a non-boolean type needs a value when used.
 * - Built-in qualifier declarations: abstract is Restricted (a subclass of
 *   an abstract class is concrete), key is ToSubclass DisableOverride;
 *   every other undeclared qualifier is ToSubclass EnableOverride.
 * - Two instances are the same when their class and keys are (WMI's path),
 *   so a provider may have both an instance and a method registration.
 * - Values are strictly typed: no integer for a boolean, no string for a
 *   number; a datetime must have the DMTF form (25 characters, '*' allowed).
 * - #pragma instanceflags, locale, instancelocale, amendment, source(type)
 *   and nonlocal(type) are checked for syntax and otherwise ignored.
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mof_private.h"

#define DEFAULT_FLAVOR ((LONG)WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS)
#define MAX_INCLUDE_DEPTH 32

enum { CF_CREATEONLY = 1, CF_UPDATEONLY = 2, CF_SAFEUPDATE = 4, CF_FORCEUPDATE = 8 };
enum { IF_CREATEONLY = 1, IF_UPDATEONLY = 2 };

/* ---- State of one load ----------------------------------------------------- */

/* A reference value written as $Alias, filled in once all aliases are known. */
struct fixup {
    struct cim_value *dst;
    struct repo_instance *owner;
    char *alias;                /* owned */
    const char *ref_class;      /* the property's ref<X>, borrowed; NULL = any */
    const char *prop;           /* borrowed */
    const char *file;           /* interned */
    unsigned line, col;
    bool key, done;
};

struct class_alias {
    char *alias;
    const struct repo_class *cls;
};

struct mof_load {
    struct repo *repo;
    unsigned load_id;
    bool system;
    char *ns;
    unsigned classflags, instanceflags;
    struct { char **v; size_t n, cap; } stack;        /* files being read */
    struct { struct fixup *v; size_t n, cap; } fixups;
    struct { struct class_alias *v; size_t n, cap; } class_aliases;
};

struct parser {
    struct mof_load *ld;
    struct repo *repo;
    const char *file;           /* interned */
    struct mof_lexer lx;
    struct mof_token cur;
};

/* A literal as written, before it meets a type. */
enum lit_kind { L_NULL, L_BOOL, L_INT, L_REAL, L_STRING, L_CHAR, L_ALIAS, L_ARRAY };

struct lit {
    enum lit_kind kind;
    unsigned line, col;
    bool b, neg, overflow;
    uint64_t mag;
    double real;
    char *s;                    /* string text or alias name, owned */
    uint16_t ch;
    size_t n;
    struct lit *items;          /* owned */
};

/* Aliases met while converting one literal; index is the array item. */
struct alias_ref {
    size_t index;
    const char *alias;          /* borrowed from the literal */
    unsigned line, col;
};
struct alias_refs {
    struct alias_ref *v;
    size_t n, cap;
};

/* A qualifier list with where each qualifier's name was written. */
struct qual_list {
    struct repo_qualifiers q;
    struct { struct repo_pos *v; size_t n, cap; } pos;
};

static int load_text(struct mof_load *ld, const char *name, const char *canon, const char *data, size_t len);

/* ---- Small helpers ------------------------------------------------------- */

static int err_at(struct parser *p, int code, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int err_at(struct parser *p, int code, unsigned line, unsigned col, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return hp_error_set_at(code, p->file, line, col, "%s", text);
}

static int oom(void)
{
    return hp_error_set(HP_ENOMEM, "out of memory");
}

static int next(struct parser *p)
{
    free(p->cur.str);
    p->cur.str = NULL;
    return mof_lex_next(&p->lx, &p->cur);
}

static bool ieq_n(const char *a, size_t n, const char *kw)
{
    size_t i = 0;
    for (; i < n && kw[i]; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)kw[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return false;
    }
    return i == n && !kw[i];
}

static bool is_kw(const struct parser *p, const char *kw)
{
    return p->cur.kind == MOF_T_IDENT && ieq_n(p->cur.text, p->cur.len, kw);
}

static bool is_punct(const struct parser *p, char c)
{
    return p->cur.kind == MOF_T_PUNCT && p->cur.punct == c;
}

static void tok_desc(const struct mof_token *t, char *buf, size_t n)
{
    switch (t->kind) {
    case MOF_T_EOF: snprintf(buf, n, "end of file"); break;
    case MOF_T_IDENT: snprintf(buf, n, "'%.*s'", (int)(t->len > 60 ? 60 : t->len), t->text); break;
    case MOF_T_ALIAS: snprintf(buf, n, "'$%.*s'", (int)(t->len > 60 ? 60 : t->len), t->text); break;
    case MOF_T_INT:
    case MOF_T_REAL: snprintf(buf, n, "number %.*s", (int)(t->len > 40 ? 40 : t->len), t->text); break;
    case MOF_T_STRING: snprintf(buf, n, "string \"%.30s%s\"", t->str ? t->str : "",
                                t->str && strlen(t->str) > 30 ? "..." : ""); break;
    case MOF_T_CHAR: snprintf(buf, n, "character literal"); break;
    case MOF_T_PUNCT: snprintf(buf, n, "'%c'", t->punct); break;
    }
}

static int unexpected(struct parser *p, const char *what)
{
    char d[128];
    tok_desc(&p->cur, d, sizeof d);
    return err_at(p, HP_EPARSE, p->cur.line, p->cur.col, "expected %s but found %s", what, d);
}

static int expect_punct(struct parser *p, char c)
{
    if (!is_punct(p, c)) {
        char what[8];
        snprintf(what, sizeof what, "'%c'", c);
        return unexpected(p, what);
    }
    return next(p);
}

/* The current identifier as an owned string. */
static char *ident_dup(const struct parser *p)
{
    return hp_strndup(p->cur.text, p->cur.len);
}

/* Takes the current token as a name: it must be an identifier (else the
 * error says `what` was expected); *out gets an owned copy (the caller
 * frees it, also when a later step fails), *line and *col (may be NULL) its
 * position, and the parser moves past it. */
static int take_ident(struct parser *p, const char *what, char **out, unsigned *line, unsigned *col)
{
    if (p->cur.kind != MOF_T_IDENT)
        return unexpected(p, what);
    if (line)
        *line = p->cur.line, *col = p->cur.col;
    if (!(*out = ident_dup(p)))
        return oom();
    return next(p);
}

static void lit_free(struct lit *l)
{
    free(l->s);
    for (size_t i = 0; i < l->n; i++)
        lit_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

static const char *lit_kind_name(enum lit_kind k)
{
    switch (k) {
    case L_NULL: return "NULL";
    case L_BOOL: return "boolean";
    case L_INT: return "integer";
    case L_REAL: return "real";
    case L_STRING: return "string";
    case L_CHAR: return "char16";
    case L_ALIAS: return "alias";
    case L_ARRAY: return "array";
    }
    return "?";
}

static void qual_list_clear(struct qual_list *ql)
{
    repo_qualifiers_clear(&ql->q);
    free(ql->pos.v);
    memset(ql, 0, sizeof *ql);
}

/* ---- Literals ------------------------------------------------------------- */

static int parse_scalar(struct parser *p, struct lit *l)
{
    memset(l, 0, sizeof *l);
    l->line = p->cur.line;
    l->col = p->cur.col;
    switch (p->cur.kind) {
    case MOF_T_INT:
        l->kind = L_INT;
        l->mag = p->cur.mag;
        l->neg = p->cur.neg;
        l->overflow = p->cur.overflow;
        return next(p);
    case MOF_T_REAL:
        l->kind = L_REAL;
        l->real = p->cur.real;
        l->overflow = p->cur.overflow;
        return next(p);
    case MOF_T_CHAR:
        l->kind = L_CHAR;
        l->ch = p->cur.ch;
        return next(p);
    case MOF_T_ALIAS:
        l->kind = L_ALIAS;
        if (!(l->s = ident_dup(p)))
            return oom();
        return next(p);
    case MOF_T_STRING: {
        /* Adjacent literals are one string: "a" "b" is "ab". */
        struct hp_buf b = {0};
        l->kind = L_STRING;
        hp_buf_puts(&b, p->cur.str);
        int rc = next(p);
        while (rc == 0 && p->cur.kind == MOF_T_STRING) {
            hp_buf_puts(&b, p->cur.str);
            rc = next(p);
        }
        if (rc) {
            hp_buf_free(&b);
            return rc;
        }
        if (!(l->s = hp_buf_steal(&b)))
            return oom();
        return 0;
    }
    case MOF_T_IDENT:
        if (is_kw(p, "true") || is_kw(p, "false")) {
            l->kind = L_BOOL;
            l->b = is_kw(p, "true");
            return next(p);
        }
        if (is_kw(p, "null")) {
            l->kind = L_NULL;
            return next(p);
        }
        if (is_kw(p, "instance"))
            return err_at(p, HP_EINVAL, p->cur.line, p->cur.col,
                          "embedded instance values are not supported");
        return unexpected(p, "a value");
    default:
        return unexpected(p, "a value");
    }
}

/* A value: a scalar, or {a, b, ...} when arrays are allowed. */
static int parse_value(struct parser *p, struct lit *l)
{
    if (!is_punct(p, '{'))
        return parse_scalar(p, l);
    memset(l, 0, sizeof *l);
    l->kind = L_ARRAY;
    l->line = p->cur.line;
    l->col = p->cur.col;
    int rc = next(p);
    if (rc)
        return rc;
    if (is_punct(p, '}'))
        return next(p);
    size_t cap = 0;
    for (;;) {
        if (hp_grow((void **)&l->items, &cap, l->n + 1, sizeof *l->items) != 0)
            return oom();
        if ((rc = parse_scalar(p, &l->items[l->n])) != 0) {
            lit_free(&l->items[l->n]);
            return rc;
        }
        l->n++;
        if (is_punct(p, ','))
            rc = next(p);
        else if (is_punct(p, '}'))
            return next(p);
        else
            return unexpected(p, "',' or '}' in the array");
        if (rc)
            return rc;
    }
}

/* Checks an integer literal against a type's range; stores it. */
static int int_to_value(struct parser *p, const struct lit *l, CIMTYPE type, const char *what, struct cim_value *out)
{
    uint64_t max;
    uint64_t negmax; /* magnitude of the most negative value */
    switch (type) {
    case CIM_SINT8: max = INT8_MAX, negmax = 128; break;
    case CIM_SINT16: max = INT16_MAX, negmax = 32768; break;
    case CIM_SINT32: max = INT32_MAX, negmax = 2147483648u; break;
    case CIM_SINT64: max = INT64_MAX, negmax = (uint64_t)INT64_MAX + 1; break;
    case CIM_UINT8: max = UINT8_MAX, negmax = 0; break;
    case CIM_UINT16: max = UINT16_MAX, negmax = 0; break;
    case CIM_UINT32: max = UINT32_MAX, negmax = 0; break;
    case CIM_UINT64: max = UINT64_MAX, negmax = 0; break;
    case CIM_CHAR16: max = 0xFFFF, negmax = 0; break;
    default: max = 0, negmax = 0; break;
    }
    bool zero = l->mag == 0 && !l->overflow;
    if (l->overflow || (l->neg && !zero && l->mag > negmax) || (!l->neg && l->mag > max))
        return err_at(p, HP_EINVAL, l->line, l->col, "integer %s%s%llu is out of range for %s (%s)",
                      l->neg ? "-" : "", l->overflow ? ">" : "", (unsigned long long)l->mag,
                      cim_type_name(type), what);
    *out = cim_null(type);
    out->null = false;
    if (cim_type_is_signed(type)) {
        out->v.i = l->neg ? (l->mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)l->mag) : (int64_t)l->mag;
    } else if (type == CIM_CHAR16) {
        out->v.i = (int64_t)l->mag;
    } else {
        out->v.u = l->mag;
    }
    return 0;
}

/* A DMTF datetime: yyyymmddHHMMSS.mmmmmmsUUU or an interval
 * ddddddddHHMMSS.mmmmmm:000; '*' stands for an unknown digit. */
static bool valid_datetime(const char *s)
{
    if (strlen(s) != 25)
        return false;
    for (int i = 0; i < 25; i++) {
        char c = s[i];
        if (i == 14) {
            if (c != '.')
                return false;
        } else if (i == 21) {
            if (c != '+' && c != '-' && c != ':')
                return false;
        } else if (!((c >= '0' && c <= '9') || c == '*')) {
            return false;
        }
    }
    return true;
}

static int mismatch(struct parser *p, const struct lit *l, CIMTYPE type, const char *what)
{
    return err_at(p, HP_EINVAL, l->line, l->col, "%s is of type %s and cannot take %s %s value", what,
                  cim_type_name(type), l->kind == L_INT || l->kind == L_ALIAS || l->kind == L_ARRAY ? "an" : "a",
                  lit_kind_name(l->kind));
}

/* One scalar literal into a value of a base type.  An alias becomes a NULL
 * reference and an entry in refs (index = item). */
static int scalar_to_value(struct parser *p, const struct lit *l, CIMTYPE type, const char *what,
                           struct cim_value *out, struct alias_refs *refs, size_t index)
{
    *out = cim_null(type);
    switch (l->kind) {
    case L_NULL:
        return 0;
    case L_INT:
        if (cim_type_is_integer(type) || type == CIM_CHAR16)
            return int_to_value(p, l, type, what, out);
        if (type == CIM_REAL32 || type == CIM_REAL64) {
            double d = (double)l->mag;
            if (l->overflow)
                return err_at(p, HP_EINVAL, l->line, l->col, "number is out of range for %s (%s)",
                              cim_type_name(type), what);
            out->null = false;
            out->v.r = l->neg ? -d : d;
            if (type == CIM_REAL32)
                out->v.r = (float)out->v.r;
            return 0;
        }
        return mismatch(p, l, type, what);
    case L_REAL:
        if (type != CIM_REAL32 && type != CIM_REAL64)
            return mismatch(p, l, type, what);
        if (l->overflow || !isfinite(l->real) || (type == CIM_REAL32 && fabs(l->real) > FLT_MAX))
            return err_at(p, HP_EINVAL, l->line, l->col, "real number is out of range for %s (%s)",
                          cim_type_name(type), what);
        out->null = false;
        out->v.r = type == CIM_REAL32 ? (double)(float)l->real : l->real;
        return 0;
    case L_BOOL:
        if (type != CIM_BOOLEAN)
            return mismatch(p, l, type, what);
        out->null = false;
        out->v.i = l->b;
        return 0;
    case L_CHAR:
        if (type != CIM_CHAR16)
            return mismatch(p, l, type, what);
        out->null = false;
        out->v.i = l->ch;
        return 0;
    case L_STRING:
        if (!cim_type_is_string(type))
            return mismatch(p, l, type, what);
        if (type == CIM_DATETIME && !valid_datetime(l->s))
            return err_at(p, HP_EINVAL, l->line, l->col,
                          "\"%.40s\" is not a datetime (yyyymmddHHMMSS.mmmmmmsUUU or ddddddddHHMMSS.mmmmmm:000) (%s)",
                          l->s, what);
        if (!(out->v.s = hp_strdup(l->s)))
            return oom();
        out->null = false;
        return 0;
    case L_ALIAS:
        if (type != CIM_REFERENCE)
            return err_at(p, HP_EINVAL, l->line, l->col,
                          "%s is of type %s; an alias ($%s) can only be the value of a reference", what,
                          cim_type_name(type), l->s);
        if (!refs)
            return err_at(p, HP_EINVAL, l->line, l->col, "an alias ($%s) cannot be used here (%s)", l->s, what);
        if (HP_VEC_PUSH(refs, ((struct alias_ref){index, l->s, l->line, l->col})) != 0)
            return oom();
        return 0;
    case L_ARRAY:
        return mismatch(p, l, type, what);
    }
    return mismatch(p, l, type, what);
}

/* A literal into a value of type (which may be an array type). */
static int lit_to_value(struct parser *p, const struct lit *l, CIMTYPE type, const char *what,
                        struct cim_value *out, struct alias_refs *refs)
{
    *out = cim_null(type);
    if (!(type & CIM_FLAG_ARRAY)) {
        if (l->kind == L_ARRAY)
            return err_at(p, HP_EINVAL, l->line, l->col, "%s is of type %s and cannot take an array value",
                          what, cim_type_name(type));
        return scalar_to_value(p, l, type, what, out, refs, 0);
    }
    if (l->kind == L_NULL)
        return 0;
    if (l->kind != L_ARRAY)
        return err_at(p, HP_EINVAL, l->line, l->col,
                      "%s is an array (%s); write its value in braces, e.g. {...}", what, cim_type_name(type));
    CIMTYPE base = type & ~(CIMTYPE)CIM_FLAG_ARRAY;
    struct cim_array *a = calloc(1, sizeof *a);
    if (!a)
        return oom();
    if (l->n && !(a->items = calloc(l->n, sizeof *a->items))) {
        free(a);
        return oom();
    }
    out->null = false;
    out->v.a = a;
    for (size_t i = 0; i < l->n; i++) {
        if (l->items[i].kind == L_NULL) {
            cim_value_clear(out);
            return err_at(p, HP_EINVAL, l->items[i].line, l->items[i].col,
                          "an array item cannot be NULL (%s)", what);
        }
        int rc = scalar_to_value(p, &l->items[i], base, what, &a->items[i], refs, i);
        a->n = i + 1;
        if (rc) {
            cim_value_clear(out);
            return rc;
        }
    }
    return 0;
}

/* The type an undeclared qualifier's value gets from its literal. */
static int infer_scalar(const struct lit *l, CIMTYPE *t)
{
    switch (l->kind) {
    case L_NULL: *t = CIM_STRING; return 0;
    case L_BOOL: *t = CIM_BOOLEAN; return 0;
    case L_REAL: *t = CIM_REAL64; return 0;
    case L_STRING: *t = CIM_STRING; return 0;
    case L_CHAR: *t = CIM_CHAR16; return 0;
    case L_INT:
        if (!l->overflow && ((!l->neg && l->mag <= INT32_MAX) || (l->neg && l->mag <= 2147483648u)))
            *t = CIM_SINT32;
        else if (!l->overflow && ((!l->neg && l->mag <= INT64_MAX) || (l->neg && l->mag <= (uint64_t)INT64_MAX + 1)))
            *t = CIM_SINT64;
        else
            *t = CIM_UINT64;
        return 0;
    default:
        return -1;
    }
}

static int rank_int(CIMTYPE t)
{
    return t == CIM_SINT32 ? 0 : t == CIM_SINT64 ? 1 : 2;
}

static int infer_type(struct parser *p, const struct lit *l, const char *what, CIMTYPE *type)
{
    if (l->kind == L_ALIAS)
        return err_at(p, HP_EINVAL, l->line, l->col, "an alias ($%s) cannot be a qualifier value (%s)", l->s, what);
    if (l->kind != L_ARRAY)
        return infer_scalar(l, type) == 0 ? 0 : err_at(p, HP_EINVAL, l->line, l->col, "bad value (%s)", what);
    CIMTYPE t = CIM_EMPTY;
    for (size_t i = 0; i < l->n; i++) {
        const struct lit *it = &l->items[i];
        CIMTYPE u;
        if (it->kind == L_ALIAS)
            return err_at(p, HP_EINVAL, it->line, it->col, "an alias ($%s) cannot be a qualifier value (%s)",
                          it->s, what);
        if (it->kind == L_NULL)
            return err_at(p, HP_EINVAL, it->line, it->col, "an array item cannot be NULL (%s)", what);
        infer_scalar(it, &u);
        bool tint = cim_type_is_integer(t), uint_ = cim_type_is_integer(u);
        if (t == CIM_EMPTY || t == u)
            t = u;
        else if (tint && uint_)
            t = rank_int(u) > rank_int(t) ? u : t;
        else if ((tint || t == CIM_REAL64) && (uint_ || u == CIM_REAL64))
            t = CIM_REAL64;
        else
            return err_at(p, HP_EINVAL, it->line, it->col,
                          "array items must all have one type: %s after %s (%s)", lit_kind_name(it->kind),
                          cim_type_name(t), what);
    }
    *type = (t == CIM_EMPTY ? CIM_STRING : t) | CIM_FLAG_ARRAY;
    return 0;
}

/* ---- Qualifiers ------------------------------------------------------------- */

/* Applies a flavor keyword; false if the identifier is not one. */
static bool apply_flavor(const char *s, size_t n, LONG *flavor)
{
    if (ieq_n(s, n, "ToSubclass"))
        *flavor |= WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS;
    else if (ieq_n(s, n, "Restricted") || ieq_n(s, n, "NotToSubclass"))
        *flavor &= ~(LONG)WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS;
    else if (ieq_n(s, n, "ToInstance"))
        *flavor |= WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE;
    else if (ieq_n(s, n, "NotToInstance"))
        *flavor &= ~(LONG)WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE;
    else if (ieq_n(s, n, "EnableOverride"))
        *flavor &= ~(LONG)WBEM_FLAVOR_NOT_OVERRIDABLE;
    else if (ieq_n(s, n, "DisableOverride"))
        *flavor |= WBEM_FLAVOR_NOT_OVERRIDABLE;
    else if (ieq_n(s, n, "Amended"))
        *flavor |= WBEM_FLAVOR_AMENDED;
    else if (ieq_n(s, n, "NotAmended"))
        *flavor &= ~(LONG)WBEM_FLAVOR_AMENDED;
    else if (ieq_n(s, n, "Translatable"))
        ; /* DMTF flavor without a WMI bit */
    else
        return false;
    return true;
}

static const struct repo_qualifier *quals_find(const struct repo_qualifiers *q, const char *name)
{
    for (size_t i = 0; i < q->n; i++)
        if (hp_streqi(q->v[i].name, name))
            return &q->v[i];
    return NULL;
}

/* "[name(value): flavor ..., ...]"; cur at '['. */
static int parse_qualifier_list(struct parser *p, struct qual_list *ql)
{
    int rc = next(p);
    if (rc)
        return rc;
    size_t qcap = 0;
    for (;;) {
        if (p->cur.kind != MOF_T_IDENT)
            return unexpected(p, "a qualifier name");
        unsigned line = p->cur.line, col = p->cur.col;
        char *name = ident_dup(p);
        if (!name)
            return oom();
        if (quals_find(&ql->q, name)) {
            rc = err_at(p, HP_EINVAL, line, col, "qualifier '%s' appears twice in one list", name);
            free(name);
            return rc;
        }
        struct lit l = {0};
        bool have_value = false;
        if ((rc = next(p)) != 0)
            goto fail;
        if (is_punct(p, '(')) {
            if ((rc = next(p)) != 0 || (rc = parse_value(p, &l)) != 0 || (rc = expect_punct(p, ')')) != 0)
                goto fail;
            have_value = true;
        } else if (is_punct(p, '{')) {
            if ((rc = parse_value(p, &l)) != 0)
                goto fail;
            have_value = true;
        }
        const struct repo_qual_decl *decl = repo_qual_decl_find(p->repo, name);
        LONG flavor = decl ? decl->flavor : DEFAULT_FLAVOR;
        if (is_punct(p, ':')) {
            if ((rc = next(p)) != 0)
                goto fail;
            if (p->cur.kind != MOF_T_IDENT || !apply_flavor(p->cur.text, p->cur.len, &flavor)) {
                rc = unexpected(p, "a flavor (ToSubclass, Restricted, ToInstance, EnableOverride, DisableOverride, Amended)");
                goto fail;
            }
            if ((rc = next(p)) != 0)
                goto fail;
            while (p->cur.kind == MOF_T_IDENT && apply_flavor(p->cur.text, p->cur.len, &flavor))
                if ((rc = next(p)) != 0)
                    goto fail;
        }
        struct repo_qualifier q = {.name = name, .flavor = flavor};
        char what[160];
        snprintf(what, sizeof what, "qualifier '%.100s'", name);
        if (!have_value) {
            if (decl && decl->type != CIM_EMPTY && decl->type != CIM_BOOLEAN) {
                rc = err_at(p, HP_EINVAL, line, col, "qualifier '%s' is declared as %s and needs a value", name,
                            cim_type_name(decl->type));
                goto fail;
            }
            q.value = cim_null(CIM_BOOLEAN);
            q.value.null = false;
            q.value.v.i = 1;
        } else {
            CIMTYPE type;
            if (decl && decl->type != CIM_EMPTY)
                type = decl->type;
            else if ((rc = infer_type(p, &l, what, &type)) != 0)
                goto fail;
            if ((rc = lit_to_value(p, &l, type, what, &q.value, NULL)) != 0)
                goto fail;
        }
        lit_free(&l);
        if (hp_grow((void **)&ql->q.v, &qcap, ql->q.n + 1, sizeof *ql->q.v) != 0 ||
            HP_VEC_PUSH(&ql->pos, ((struct repo_pos){p->file, line, col})) != 0) {
            cim_value_clear(&q.value);
            free(name);
            return oom();
        }
        ql->q.v[ql->q.n++] = q;
        if (is_punct(p, ','))
            rc = next(p);
        else if (is_punct(p, ']'))
            return next(p);
        else
            return unexpected(p, "',' or ']' after a qualifier");
        if (rc)
            return rc;
        continue;
    fail:
        lit_free(&l);
        free(name);
        return rc;
    }
}

/* "qualifier Name [: type [= value] | : flavors] {, Scope(...) | , Flavor(...)};" */
static int parse_qualifier_decl(struct parser *p)
{
    int rc = next(p);
    if (rc)
        return rc;
    if (p->cur.kind != MOF_T_IDENT)
        return unexpected(p, "a qualifier name");
    struct repo_qual_decl d = {.type = CIM_EMPTY, .flavor = DEFAULT_FLAVOR};
    d.def = cim_null(CIM_EMPTY);
    struct lit l = {0};
    if (!(d.name = ident_dup(p)))
        return oom();
    if ((rc = next(p)) != 0)
        goto out;
    if (is_punct(p, ':')) {
        if ((rc = next(p)) != 0)
            goto out;
        if (p->cur.kind != MOF_T_IDENT) {
            rc = unexpected(p, "a type or a flavor");
            goto out;
        }
        char *tname = ident_dup(p);
        if (!tname) {
            rc = oom();
            goto out;
        }
        CIMTYPE t;
        bool typed = cim_type_from_name(tname, &t) && !hp_streqi(tname, "ref") && !hp_streqi(tname, "object");
        free(tname);
        if (typed) {
            if ((rc = next(p)) != 0)
                goto out;
            if (is_punct(p, '[')) {
                if ((rc = next(p)) != 0 || (rc = expect_punct(p, ']')) != 0)
                    goto out;
                t |= CIM_FLAG_ARRAY;
            }
            d.type = t;
            d.def = cim_null(t);
            if (is_punct(p, '=')) {
                if ((rc = next(p)) != 0 || (rc = parse_value(p, &l)) != 0)
                    goto out;
                char what[160];
                snprintf(what, sizeof what, "qualifier '%.100s'", d.name);
                if ((rc = lit_to_value(p, &l, t, what, &d.def, NULL)) != 0)
                    goto out;
            }
        } else {
            if (!apply_flavor(p->cur.text, p->cur.len, &d.flavor)) {
                rc = unexpected(p, "a type or a flavor");
                goto out;
            }
            if ((rc = next(p)) != 0)
                goto out;
            while (p->cur.kind == MOF_T_IDENT && apply_flavor(p->cur.text, p->cur.len, &d.flavor))
                if ((rc = next(p)) != 0)
                    goto out;
        }
    }
    while (is_punct(p, ',')) {
        if ((rc = next(p)) != 0)
            goto out;
        bool scope = is_kw(p, "scope"), flavor = is_kw(p, "flavor");
        if (!scope && !flavor) {
            if (p->cur.kind == MOF_T_IDENT && apply_flavor(p->cur.text, p->cur.len, &d.flavor)) {
                if ((rc = next(p)) != 0)
                    goto out;
                continue;
            }
            rc = unexpected(p, "Scope(...) or Flavor(...)");
            goto out;
        }
        if ((rc = next(p)) != 0 || (rc = expect_punct(p, '(')) != 0)
            goto out;
        for (;;) {
            if (p->cur.kind != MOF_T_IDENT) {
                rc = unexpected(p, scope ? "a scope (class, property, ...)" : "a flavor");
                goto out;
            }
            if (flavor && !apply_flavor(p->cur.text, p->cur.len, &d.flavor)) {
                char dsc[128];
                tok_desc(&p->cur, dsc, sizeof dsc);
                rc = err_at(p, HP_EPARSE, p->cur.line, p->cur.col, "unknown flavor %s", dsc);
                goto out;
            }
            if ((rc = next(p)) != 0)
                goto out;
            if (is_punct(p, ',')) {
                if ((rc = next(p)) != 0)
                    goto out;
                continue;
            }
            if ((rc = expect_punct(p, ')')) != 0)
                goto out;
            break;
        }
    }
    if ((rc = expect_punct(p, ';')) != 0)
        goto out;
    /* A redeclaration replaces the earlier declaration. */
    struct repo_qual_decl *old = repo_qual_decl_find(p->repo, d.name);
    if (old) {
        free(old->name);
        cim_value_clear(&old->def);
        *old = d;
    } else if (HP_VEC_PUSH(&p->repo->qdecls, d) != 0) {
        rc = oom();
        goto out;
    }
    lit_free(&l);
    return 0;
out:
    lit_free(&l);
    free(d.name);
    cim_value_clear(&d.def);
    return rc;
}

/* ---- Classes -------------------------------------------------------------- */

static bool qual_true(const struct repo_qualifier *q)
{
    return q && q->value.type == CIM_BOOLEAN && !q->value.null && q->value.v.i;
}

/* The boolean/string qualifiers the repository reads must have that type. */
static int check_known_quals(struct parser *p, const struct qual_list *ql, bool on_class)
{
    static const char *const booleans[] = {"key", "abstract", "dynamic", "hiperf", "singleton"};
    for (size_t i = 0; i < ql->q.n; i++) {
        const struct repo_qualifier *q = &ql->q.v[i];
        for (size_t k = 0; k < sizeof booleans / sizeof booleans[0]; k++)
            if (hp_streqi(q->name, booleans[k]) && (q->value.type != CIM_BOOLEAN || q->value.null))
                return err_at(p, HP_EINVAL, ql->pos.v[i].line, ql->pos.v[i].col,
                              "qualifier '%s' must be boolean, not %s", q->name, cim_type_name(q->value.type));
        if (on_class && hp_streqi(q->name, "provider") && (q->value.type != CIM_STRING || q->value.null))
            return err_at(p, HP_EINVAL, ql->pos.v[i].line, ql->pos.v[i].col,
                          "qualifier 'provider' must be a string naming the provider");
    }
    return 0;
}

/* An own qualifier may not change one an ancestor made DisableOverride. */
static int check_override(struct parser *p, const struct repo_qualifier *inherited, const struct repo_qualifier *own,
                          const struct repo_pos *pos, const char *where)
{
    if (inherited && (inherited->flavor & WBEM_FLAVOR_NOT_OVERRIDABLE) &&
        (inherited->flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS) && !cim_value_equal(&inherited->value, &own->value))
        return err_at(p, HP_EINVAL, pos->line, pos->col,
                      "qualifier '%s' is DisableOverride in %s and cannot be given another value", own->name, where);
    return 0;
}

static void prop_clear(struct repo_property *pr)
{
    free(pr->name);
    free(pr->ref_class);
    cim_value_clear(&pr->value);
    repo_qualifiers_clear(&pr->quals);
    memset(pr, 0, sizeof *pr);
}

/* A property as a subclass inherits it: qualifiers that propagate, marked so. */
static int prop_inherit(struct repo_property *dst, const struct repo_property *src)
{
    memset(dst, 0, sizeof *dst);
    dst->type = src->type;
    dst->origin = src->origin;
    dst->key = false;
    dst->value = cim_null(src->type);
    if (!(dst->name = hp_strdup(src->name)) || (src->ref_class && !(dst->ref_class = hp_strdup(src->ref_class))))
        goto fail;
    if (cim_value_copy(&dst->value, &src->value) != 0)
        goto fail;
    size_t n = 0;
    for (size_t i = 0; i < src->quals.n; i++)
        if (src->quals.v[i].flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS)
            n++;
    if (n) {
        if (!(dst->quals.v = calloc(n, sizeof *dst->quals.v)))
            goto fail;
        for (size_t i = 0; i < src->quals.n; i++) {
            const struct repo_qualifier *q = &src->quals.v[i];
            if (!(q->flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS))
                continue;
            struct repo_qualifier *d = &dst->quals.v[dst->quals.n];
            d->flavor = q->flavor | WBEM_FLAVOR_ORIGIN_PROPAGATED;
            d->value = cim_null(q->value.type);
            if (!(d->name = hp_strdup(q->name)))
                goto fail;
            dst->quals.n++;
            if (cim_value_copy(&d->value, &q->value) != 0)
                goto fail;
        }
    }
    dst->key = qual_true(repo_prop_qualifier(dst, "key"));
    return 0;
fail:
    prop_clear(dst);
    return oom();
}

static struct repo_class *class_alloc(const char *name, const struct repo_class *super, const char *ns)
{
    struct repo_class *cls = calloc(1, sizeof *cls);
    if (!cls)
        return NULL;
    cls->super = super;
    if (!(cls->name = hp_strdup(name)) || (super && !(cls->super_name = hp_strdup(super->name))) ||
        !(cls->ns = hp_strdup(ns)))
        goto fail;
    if (super && super->nprops) {
        if (!(cls->props = calloc(super->nprops, sizeof *cls->props)))
            goto fail;
        for (size_t i = 0; i < super->nprops; i++) {
            if (prop_inherit(&cls->props[i], &super->props[i]) != 0)
                goto fail;
            cls->nprops++;
        }
    }
    return cls;
fail:
    repo_class_destroy(cls);
    return NULL;
}

static struct repo_class *find_class_n(struct repo *repo, const char *s, size_t n)
{
    for (size_t i = 0; i < repo->classes.n; i++) {
        const char *name = repo->classes.v[i]->name;
        if (ieq_n(s, n, name))
            return repo->classes.v[i];
    }
    return NULL;
}

static size_t live_instances_of(const struct repo *repo, const struct repo_class *cls)
{
    size_t n = 0;
    for (size_t i = 0; i < repo->instances.n; i++)
        if (repo->instances.v[i]->cls == cls)
            n++;
    return n;
}

static bool has_subclass(const struct repo *repo, const struct repo_class *cls)
{
    for (size_t i = 0; i < repo->classes.n; i++)
        if (repo->classes.v[i]->super == cls)
            return true;
    return false;
}

/* Method parameters "( [quals] type [ref] name [[]] [= value], ... )": read
 * and dropped (the repository keeps no methods); cur at '('. */
static int skip_method_params(struct parser *p)
{
    int rc = next(p);
    if (rc)
        return rc;
    if (is_punct(p, ')'))
        return next(p);
    for (;;) {
        if (is_punct(p, '[')) {
            struct qual_list ql = {0};
            rc = parse_qualifier_list(p, &ql);
            qual_list_clear(&ql);
            if (rc)
                return rc;
        }
        if (p->cur.kind != MOF_T_IDENT)
            return unexpected(p, "a parameter type");
        if ((rc = next(p)) != 0)
            return rc;
        if (is_kw(p, "ref") && (rc = next(p)) != 0)
            return rc;
        if (p->cur.kind != MOF_T_IDENT)
            return unexpected(p, "a parameter name");
        if ((rc = next(p)) != 0)
            return rc;
        if (is_punct(p, '[')) {
            if ((rc = next(p)) != 0)
                return rc;
            if (p->cur.kind == MOF_T_INT && (rc = next(p)) != 0)
                return rc;
            if ((rc = expect_punct(p, ']')) != 0)
                return rc;
        }
        if (is_punct(p, '=')) {
            struct lit l;
            if ((rc = next(p)) != 0)
                return rc;
            rc = parse_value(p, &l);
            lit_free(&l);
            if (rc)
                return rc;
        }
        if (is_punct(p, ','))
            rc = next(p);
        else if (is_punct(p, ')'))
            return next(p);
        else
            return unexpected(p, "',' or ')' in the parameter list");
        if (rc)
            return rc;
    }
}

/* One property or method of a class body; cur at its first token. */
static int parse_feature(struct parser *p, struct repo_class *cls)
{
    struct qual_list ql = {0};
    struct lit l = {0};
    char *tname = NULL, *pname = NULL;
    bool has_value = false, is_ref = false, array = false;
    uint64_t array_size = 0;
    bool fixed = false;
    unsigned tline, tcol, pline, pcol, aline = 0, acol = 0;
    int rc;
    if (is_punct(p, '[') && (rc = parse_qualifier_list(p, &ql)) != 0)
        goto out;
    if ((rc = take_ident(p, "a property type or '}'", &tname, &tline, &tcol)) != 0)
        goto out;
    if (is_kw(p, "ref")) {
        is_ref = true;
        if ((rc = next(p)) != 0)
            goto out;
    }
    if ((rc = take_ident(p, "a property name", &pname, &pline, &pcol)) != 0)
        goto out;
    if (is_punct(p, '(')) {
        /* A method: check the syntax, keep nothing. */
        if ((rc = check_known_quals(p, &ql, false)) != 0 || (rc = skip_method_params(p)) != 0)
            goto out;
        rc = expect_punct(p, ';');
        goto out;
    }
    if (is_punct(p, '[')) {
        array = true;
        if ((rc = next(p)) != 0)
            goto out;
        if (p->cur.kind == MOF_T_INT) {
            if (p->cur.neg || p->cur.overflow || p->cur.mag > UINT32_MAX) {
                rc = err_at(p, HP_EINVAL, p->cur.line, p->cur.col, "invalid array size");
                goto out;
            }
            fixed = true;
            array_size = p->cur.mag;
            if ((rc = next(p)) != 0)
                goto out;
        }
        if ((rc = expect_punct(p, ']')) != 0)
            goto out;
    }
    if (is_punct(p, '=')) {
        if ((rc = next(p)) != 0)
            goto out;
        aline = p->cur.line, acol = p->cur.col;
        if ((rc = parse_value(p, &l)) != 0)
            goto out;
        has_value = true;
    }
    if ((rc = expect_punct(p, ';')) != 0)
        goto out;

    /* ---- meaning ---- */
    CIMTYPE type;
    const char *ref_class = NULL;
    if (is_ref) {
        CIMTYPE dummy;
        bool any = hp_streqi(tname, "object"); /* WMI's untyped reference: "object ref X" */
        if (!any && cim_type_from_name(tname, &dummy)) {
            rc = err_at(p, HP_EINVAL, tline, tcol, "a reference is declared with a class name, not '%s'", tname);
            goto out;
        }
        type = CIM_REFERENCE;
        ref_class = any ? NULL : tname;
    } else if (cim_type_from_name(tname, &type) && !hp_streqi(tname, "ref")) {
        /* a CIM type */
    } else if (hp_streqi(tname, "void")) {
        rc = err_at(p, HP_EINVAL, tline, tcol, "only a method can be void ('%s' is a property)", pname);
        goto out;
    } else if (find_class_n(p->repo, tname, strlen(tname))) {
        type = CIM_OBJECT; /* WMI's strongly typed embedded object: "ClassName Prop;" */
        ref_class = tname;
    } else {
        rc = err_at(p, HP_EINVAL, tline, tcol, "unknown type '%s'", tname);
        goto out;
    }
    if (array)
        type |= CIM_FLAG_ARRAY;
    if (!p->ld->system && strncmp(pname, "__", 2) == 0) {
        rc = err_at(p, HP_EINVAL, pline, pcol, "property names starting with '__' are reserved for system properties");
        goto out;
    }
    if ((rc = check_known_quals(p, &ql, false)) != 0)
        goto out;
    char what[200];
    snprintf(what, sizeof what, "property '%.100s'", pname);
    struct cim_value value = cim_null(type);
    if (has_value) {
        if (l.kind == L_ALIAS || (l.kind == L_ARRAY && l.n && l.items[0].kind == L_ALIAS)) {
            rc = err_at(p, HP_EINVAL, aline, acol, "an alias cannot be the default value of a class property");
            goto out;
        }
        if ((rc = lit_to_value(p, &l, type, what, &value, NULL)) != 0)
            goto out;
        if (fixed && !value.null && value.v.a && value.v.a->n > array_size) {
            cim_value_clear(&value);
            rc = err_at(p, HP_EINVAL, aline, acol, "%s holds at most %llu items; the value has %zu", what,
                        (unsigned long long)array_size, l.n);
            goto out;
        }
    }
    int idx = repo_prop_index(cls, pname);
    struct repo_property *pr;
    if (idx >= 0 && cls->props[idx].origin == cls) {
        cim_value_clear(&value);
        rc = err_at(p, HP_EINVAL, pline, pcol, "property '%s' is declared twice in class '%s'", pname, cls->name);
        goto out;
    }
    if (idx >= 0) {
        /* An override: same type, takes the place of the inherited one. */
        pr = &cls->props[idx];
        if (pr->type != type || (ref_class && pr->ref_class && !hp_streqi(ref_class, pr->ref_class))) {
            rc = err_at(p, HP_EINVAL, tline, tcol, "property '%s' overrides the %s property of class '%s' with type %s",
                        pname, cim_type_name(pr->type), pr->origin ? pr->origin->name : "?", cim_type_name(type));
            cim_value_clear(&value);
            goto out;
        }
        for (size_t i = 0; i < ql.q.n; i++) {
            char where[200];
            snprintf(where, sizeof where, "property '%.60s' of class '%.60s'", pr->name, cls->super_name ? cls->super_name : "?");
            if ((rc = check_override(p, repo_prop_qualifier(pr, ql.q.v[i].name), &ql.q.v[i], &ql.pos.v[i], where)) != 0) {
                cim_value_clear(&value);
                goto out;
            }
        }
        /* Own qualifiers replace the propagated ones of the same name. */
        for (size_t i = 0; i < ql.q.n; i++) {
            struct repo_qualifier *own = &ql.q.v[i];
            struct repo_qualifier *dst = NULL;
            for (size_t k = 0; k < pr->quals.n; k++)
                if (hp_streqi(pr->quals.v[k].name, own->name))
                    dst = &pr->quals.v[k];
            if (dst) {
                free(dst->name);
                cim_value_clear(&dst->value);
                *dst = *own;
            } else {
                struct repo_qualifier *nv = realloc(pr->quals.v, (pr->quals.n + 1) * sizeof *nv);
                if (!nv) {
                    cim_value_clear(&value);
                    rc = oom();
                    goto out;
                }
                pr->quals.v = nv;
                pr->quals.v[pr->quals.n++] = *own;
            }
            memset(own, 0, sizeof *own);
        }
        if (has_value) {
            cim_value_clear(&pr->value);
            pr->value = value;
        }
    } else {
        struct repo_property *nv = realloc(cls->props, (cls->nprops + 1) * sizeof *nv);
        if (!nv) {
            cim_value_clear(&value);
            rc = oom();
            goto out;
        }
        cls->props = nv;
        pr = &cls->props[cls->nprops];
        memset(pr, 0, sizeof *pr);
        pr->name = pname;
        pname = NULL;
        pr->type = type;
        pr->value = value;
        pr->origin = cls;
        if (ref_class && !(pr->ref_class = hp_strdup(ref_class))) {
            prop_clear(pr);
            rc = oom();
            goto out;
        }
        pr->quals = ql.q;
        memset(&ql.q, 0, sizeof ql.q);
        cls->nprops++;
    }
    pr->key = qual_true(repo_prop_qualifier(pr, "key"));
    rc = 0;
out:
    lit_free(&l);
    qual_list_clear(&ql);
    free(tname);
    free(pname);
    return rc;
}

/* Computes the flags a class's qualifiers give it. */
static void class_flags(struct repo_class *cls)
{
    cls->abstract = qual_true(quals_find(&cls->quals, "abstract"));
    cls->dynamic = qual_true(repo_class_qualifier(cls, "dynamic"));
    cls->hiperf = qual_true(repo_class_qualifier(cls, "hiperf"));
    cls->singleton = qual_true(repo_class_qualifier(cls, "singleton"));
    const struct repo_qualifier *prov = repo_class_qualifier(cls, "provider");
    cls->provider = prov && prov->value.type == CIM_STRING && !prov->value.null ? prov->value.v.s : NULL;
}

static bool load_alias_taken(struct mof_load *ld, const char *s, size_t n);

/* "class Name [as $A] [: Super] { features };"; cur at 'class'. */
static int parse_class(struct parser *p, struct qual_list *ql, unsigned kwline, unsigned kwcol)
{
    struct mof_load *ld = p->ld;
    struct repo *repo = p->repo;
    struct repo_class *cls = NULL;
    char *name = NULL, *alias = NULL;
    int rc = next(p);
    if (rc)
        return rc;
    unsigned nline = 0, ncol = 0, aline = 0, acol = 0;
    if ((rc = take_ident(p, "a class name", &name, &nline, &ncol)) != 0)
        goto out;
    if (is_kw(p, "as")) {
        if ((rc = next(p)) != 0)
            goto out;
        if (p->cur.kind != MOF_T_ALIAS) {
            rc = unexpected(p, "an alias ($Name)");
            goto out;
        }
        aline = p->cur.line, acol = p->cur.col;
        if (load_alias_taken(ld, p->cur.text, p->cur.len)) {
            rc = err_at(p, HP_EINVAL, aline, acol, "alias '$%.*s' is already defined", (int)p->cur.len, p->cur.text);
            goto out;
        }
        if (!(alias = ident_dup(p))) {
            rc = oom();
            goto out;
        }
        if ((rc = next(p)) != 0)
            goto out;
    }
    const struct repo_class *super = NULL;
    if (is_punct(p, ':')) {
        if ((rc = next(p)) != 0)
            goto out;
        if (p->cur.kind != MOF_T_IDENT) {
            rc = unexpected(p, "a superclass name");
            goto out;
        }
        if (ieq_n(p->cur.text, p->cur.len, name)) {
            rc = err_at(p, HP_EINVAL, p->cur.line, p->cur.col, "class '%s' cannot derive from itself", name);
            goto out;
        }
        if (!(super = find_class_n(repo, p->cur.text, p->cur.len))) {
            rc = err_at(p, HP_EINVAL, p->cur.line, p->cur.col, "unknown superclass '%.*s'", (int)p->cur.len, p->cur.text);
            goto out;
        }
        if ((rc = next(p)) != 0)
            goto out;
    }
    if (!is_punct(p, '{')) {
        rc = unexpected(p, super ? "'{'" : "':' or '{'");
        goto out;
    }

    /* ---- is the name free? ---- */
    struct repo_class *old = find_class_n(repo, name, strlen(name));
    if (old && old->system) {
        rc = err_at(p, HP_EINVAL, nline, ncol, "class '%s' is built into the repository and cannot be redefined", old->name);
        goto out;
    }
    if (!ld->system && strncmp(name, "__", 2) == 0) {
        rc = err_at(p, HP_EINVAL, nline, ncol, "class names starting with '__' are reserved for system classes");
        goto out;
    }
    bool update = (ld->classflags & (CF_UPDATEONLY | CF_SAFEUPDATE | CF_FORCEUPDATE)) && !(ld->classflags & CF_CREATEONLY);
    if (old) {
        if (!update) {
            rc = err_at(p, HP_EINVAL, nline, ncol, "class '%s' is already defined at %s:%u:%u", old->name,
                        old->pos.file, old->pos.line, old->pos.col);
            goto out;
        }
        if (has_subclass(repo, old) || live_instances_of(repo, old)) {
            rc = err_at(p, HP_EINVAL, nline, ncol,
                        "class '%s' cannot be updated: it already has subclasses or instances", old->name);
            goto out;
        }
    } else if ((ld->classflags & CF_UPDATEONLY) && !ld->system) {
        rc = err_at(p, HP_EINVAL, nline, ncol,
                    "class '%s' does not exist and #pragma classflags(\"updateonly\") forbids creating it", name);
        goto out;
    }
    if ((rc = check_known_quals(p, ql, true)) != 0)
        goto out;
    for (size_t i = 0; super && i < ql->q.n; i++) {
        char where[160];
        snprintf(where, sizeof where, "class '%.100s'", super->name);
        if ((rc = check_override(p, repo_class_qualifier(super, ql->q.v[i].name), &ql->q.v[i], &ql->pos.v[i], where)) != 0)
            goto out;
    }
    if (!(cls = class_alloc(name, super, ld->system ? "" : ld->ns))) {
        rc = oom();
        goto out;
    }
    cls->system = ld->system;
    cls->pos = (struct repo_pos){p->file, kwline, kwcol};
    cls->quals = ql->q;
    memset(&ql->q, 0, sizeof ql->q);

    /* ---- body ---- */
    if ((rc = next(p)) != 0)
        goto out;
    while (!is_punct(p, '}')) {
        if (p->cur.kind == MOF_T_EOF) {
            rc = unexpected(p, "'}' to end the class");
            goto out;
        }
        if ((rc = parse_feature(p, cls)) != 0)
            goto out;
    }
    if ((rc = next(p)) != 0 || (rc = expect_punct(p, ';')) != 0)
        goto out;
    class_flags(cls);

    /* ---- into the repository ---- */
    if (old) {
        size_t i = 0;
        while (repo->classes.v[i] != old)
            i++;
        if (HP_VEC_PUSH(&repo->dead_classes, old) != 0) {
            rc = oom();
            goto out;
        }
        repo->classes.v[i] = cls;
    } else if (HP_VEC_PUSH(&repo->classes, cls) != 0) {
        rc = oom();
        goto out;
    }
    if (alias) {
        if (HP_VEC_PUSH(&ld->class_aliases, ((struct class_alias){alias, cls})) != 0) {
            free(name);
            free(alias);
            return oom(); /* cls belongs to the repository now */
        }
        alias = NULL;
    }
    cls = NULL;
    rc = 0;
out:
    if (cls)
        repo_class_destroy(cls);
    free(name);
    free(alias);
    return rc;
}

/* ---- Instances ---------------------------------------------------------- */

static bool load_alias_taken(struct mof_load *ld, const char *s, size_t n)
{
    for (size_t i = 0; i < ld->repo->instances.n; i++) {
        const struct repo_instance *inst = ld->repo->instances.v[i];
        if (inst->alias && inst_priv(inst)->load_id == ld->load_id && ieq_n(s, n, inst->alias))
            return true;
    }
    for (size_t i = 0; i < ld->class_aliases.n; i++)
        if (ieq_n(s, n, ld->class_aliases.v[i].alias))
            return true;
    return false;
}

static struct repo_inst_priv *instance_alloc(const struct repo_class *cls, const char *ns)
{
    struct repo_inst_priv *ip = calloc(1, sizeof *ip);
    if (!ip)
        return NULL;
    size_t n = cls->nprops ? cls->nprops : 1;
    ip->pub.cls = cls;
    ip->pub.values = calloc(n, sizeof *ip->pub.values);
    ip->pub.set = calloc(n, sizeof *ip->pub.set);
    ip->vpos = calloc(n, sizeof *ip->vpos);
    ip->pub.ns = hp_strdup(ns);
    if (!ip->pub.values || !ip->pub.set || !ip->vpos || !ip->pub.ns) {
        repo_instance_destroy(&ip->pub);
        return NULL;
    }
    for (size_t i = 0; i < cls->nprops; i++) {
        if (cim_value_copy(&ip->pub.values[i], &cls->props[i].value) != 0) {
            repo_instance_destroy(&ip->pub);
            return NULL;
        }
    }
    return ip;
}

/* "instance of Class [as $A] { name = value; ... };"; cur at 'instance'. */
static int parse_instance(struct parser *p, unsigned kwline, unsigned kwcol)
{
    struct mof_load *ld = p->ld;
    struct repo_inst_priv *ip = NULL;
    struct lit l = {0};
    struct alias_refs refs = {0};
    int rc = next(p);
    if (rc)
        return rc;
    if (!is_kw(p, "of"))
        return unexpected(p, "'of'");
    if ((rc = next(p)) != 0)
        return rc;
    if (p->cur.kind != MOF_T_IDENT)
        return unexpected(p, "a class name");
    unsigned cline = p->cur.line, ccol = p->cur.col;
    const struct repo_class *cls = find_class_n(p->repo, p->cur.text, p->cur.len);
    if (!cls)
        return err_at(p, HP_EINVAL, cline, ccol, "class '%.*s' is not defined", (int)p->cur.len, p->cur.text);
    if (cls->abstract)
        return err_at(p, HP_EINVAL, cline, ccol, "class '%s' is abstract and cannot have instances", cls->name);
    bool has_key = false;
    for (size_t i = 0; i < cls->nprops; i++)
        has_key |= cls->props[i].key;
    if (!has_key && !cls->singleton)
        return err_at(p, HP_EINVAL, cline, ccol,
                      "class '%s' has no key property and is not [singleton], so it cannot have instances", cls->name);
    if (!(ip = instance_alloc(cls, ld->ns)))
        return oom();
    ip->load_id = ld->load_id;
    ip->pub.pos = (struct repo_pos){p->file, kwline, kwcol};
    if ((rc = next(p)) != 0)
        goto out;
    if (is_kw(p, "as")) {
        if ((rc = next(p)) != 0)
            goto out;
        if (p->cur.kind != MOF_T_ALIAS) {
            rc = unexpected(p, "an alias ($Name)");
            goto out;
        }
        if (load_alias_taken(ld, p->cur.text, p->cur.len)) {
            rc = err_at(p, HP_EINVAL, p->cur.line, p->cur.col, "alias '$%.*s' is already defined", (int)p->cur.len,
                        p->cur.text);
            goto out;
        }
        if (!(ip->pub.alias = ident_dup(p))) {
            rc = oom();
            goto out;
        }
        if ((rc = next(p)) != 0)
            goto out;
    }
    if ((rc = expect_punct(p, '{')) != 0)
        goto out;
    while (!is_punct(p, '}')) {
        if (is_punct(p, '[')) {
            struct qual_list ql = {0};
            rc = parse_qualifier_list(p, &ql);
            qual_list_clear(&ql);
            if (rc)
                goto out;
        }
        if (p->cur.kind != MOF_T_IDENT) {
            rc = unexpected(p, "a property name or '}'");
            goto out;
        }
        unsigned pline = p->cur.line, pcol = p->cur.col;
        int idx = -1;
        for (size_t i = 0; i < cls->nprops; i++)
            if (ieq_n(p->cur.text, p->cur.len, cls->props[i].name))
                idx = (int)i;
        if (idx < 0) {
            rc = err_at(p, HP_EINVAL, pline, pcol, "property '%.*s' is not in class '%s'", (int)p->cur.len,
                        p->cur.text, cls->name);
            goto out;
        }
        const struct repo_property *pr = &cls->props[idx];
        if (ip->pub.set[idx]) {
            rc = err_at(p, HP_EINVAL, pline, pcol, "property '%s' is set twice (first at line %u)", pr->name,
                        ip->vpos[idx].line);
            goto out;
        }
        if ((rc = next(p)) != 0 || (rc = expect_punct(p, '=')) != 0)
            goto out;
        unsigned vline = p->cur.line, vcol = p->cur.col;
        if ((rc = parse_value(p, &l)) != 0 || (rc = expect_punct(p, ';')) != 0)
            goto out;
        char what[160];
        snprintf(what, sizeof what, "property '%.100s'", pr->name);
        struct cim_value v;
        refs.n = 0;
        if ((rc = lit_to_value(p, &l, pr->type, what, &v, &refs)) != 0)
            goto out;
        cim_value_clear(&ip->pub.values[idx]);
        ip->pub.values[idx] = v;
        ip->pub.set[idx] = true;
        ip->vpos[idx] = (struct repo_pos){p->file, vline, vcol};
        for (size_t i = 0; i < refs.n; i++) {
            struct fixup f = {
                .dst = (pr->type & CIM_FLAG_ARRAY) ? &v.v.a->items[refs.v[i].index] : &ip->pub.values[idx],
                .owner = &ip->pub,
                .ref_class = pr->ref_class,
                .prop = pr->name,
                .file = p->file,
                .line = refs.v[i].line,
                .col = refs.v[i].col,
                .key = pr->key,
            };
            if (!(f.alias = hp_strdup(refs.v[i].alias)) || HP_VEC_PUSH(&ld->fixups, f) != 0) {
                free(f.alias);
                rc = oom();
                goto out;
            }
            if (f.key)
                ip->pending_keys++;
        }
        lit_free(&l);
    }
    if ((rc = next(p)) != 0 || (rc = expect_punct(p, ';')) != 0)
        goto out;
    if (HP_VEC_PUSH(&p->repo->instances, &ip->pub) != 0) {
        rc = oom();
        goto out;
    }
    ip = NULL;
out:
    if (ip) {
        /* Fixups pointing into this instance must not outlive it. */
        while (ld->fixups.n && ld->fixups.v[ld->fixups.n - 1].owner == &ip->pub) {
            free(ld->fixups.v[ld->fixups.n - 1].alias);
            ld->fixups.n--;
        }
        repo_instance_destroy(&ip->pub);
    }
    free(refs.v);
    lit_free(&l);
    return rc;
}

/* ---- Pragmas ---------------------------------------------------------------- */

struct pragma_arg {
    enum lit_kind kind;   /* L_STRING, L_INT or L_ALIAS (an identifier: FAIL, NOFAIL) */
    char *s;
    unsigned line, col;
};

static void pragma_args_free(struct pragma_arg *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(a[i].s);
    free(a);
}

/* Namespace path of the pragma's argument, given the current one. */
static char *resolve_namespace(const char *cur, const char *arg)
{
    struct hp_buf b = {0};
    const char *s = arg;
    bool absolute = false;
    if ((s[0] == '\\' || s[0] == '/') && (s[1] == '\\' || s[1] == '/')) {
        s += 2;
        while (*s && *s != '\\' && *s != '/')
            s++; /* the server */
        if (*s)
            s++;
        absolute = true;
    } else if (ieq_n(s, 4, "root") && (s[4] == 0 || s[4] == '\\' || s[4] == '/')) {
        absolute = true;
    }
    if (!absolute) {
        hp_buf_puts(&b, cur);
        if (*s)
            hp_buf_putc(&b, '\\');
    }
    for (; *s; s++)
        hp_buf_putc(&b, *s == '/' ? '\\' : *s);
    return hp_buf_steal(&b);
}

static int pragma_include(struct parser *p, const struct pragma_arg *a)
{
    struct mof_load *ld = p->ld;
    struct hp_buf b = {0};
    const char *slash = strrchr(p->file, '/');
    bool abs_path = a->s[0] == '/' || a->s[0] == '\\';
    if (!abs_path && slash)
        hp_buf_append(&b, p->file, (size_t)(slash - p->file) + 1);
    for (const char *s = a->s; *s; s++)
        hp_buf_putc(&b, *s == '\\' ? '/' : *s);
    char *path = hp_buf_steal(&b);
    if (!path)
        return oom();
    int rc;
    char *canon = realpath(path, NULL);
    if (!canon) {
        rc = err_at(p, HP_EIO, a->line, a->col, "cannot open include file '%s': %m", path);
        free(path);
        return rc;
    }
    for (size_t i = 0; i < ld->stack.n; i++) {
        if (strcmp(ld->stack.v[i], canon) == 0) {
            rc = err_at(p, HP_EINVAL, a->line, a->col, "include cycle: '%s' is already being read", path);
            goto out;
        }
    }
    if (ld->stack.n >= MAX_INCLUDE_DEPTH) {
        rc = err_at(p, HP_EINVAL, a->line, a->col, "includes nest deeper than %d files", MAX_INCLUDE_DEPTH);
        goto out;
    }
    char *data = NULL;
    size_t len = 0;
    if (hp_read_file(path, &data, &len) != 0) {
        rc = hp_error_code() == HP_ENOMEM ? HP_ENOMEM
                                          : err_at(p, HP_EIO, a->line, a->col, "cannot read include file (%s)",
                                                   hp_error_message());
        goto out;
    }
    rc = load_text(ld, path, canon, data, len);
    free(data);
out:
    free(canon);
    free(path);
    return rc;
}

static int pragma_flags(struct parser *p, const struct pragma_arg *args, size_t n, bool classflags)
{
    unsigned flags = 0;
    for (size_t i = 0; i < n; i++) {
        if (args[i].kind != L_STRING)
            return err_at(p, HP_EPARSE, args[i].line, args[i].col, "the flags must be strings");
        /* One string may hold several flags: "updateonly, forceupdate". */
        const char *s = args[i].s;
        while (*s) {
            while (*s == ' ' || *s == ',' || *s == '\t')
                s++;
            const char *e = s;
            while (*e && *e != ' ' && *e != ',' && *e != '\t')
                e++;
            size_t k = (size_t)(e - s);
            if (!k)
                break;
            if (ieq_n(s, k, "createonly"))
                flags |= classflags ? CF_CREATEONLY : IF_CREATEONLY;
            else if (ieq_n(s, k, "updateonly"))
                flags |= classflags ? CF_UPDATEONLY : IF_UPDATEONLY;
            else if (classflags && ieq_n(s, k, "safeupdate"))
                flags |= CF_SAFEUPDATE;
            else if (classflags && ieq_n(s, k, "forceupdate"))
                flags |= CF_FORCEUPDATE;
            else
                return err_at(p, HP_EPARSE, args[i].line, args[i].col, "unknown %s flag '%.*s'",
                              classflags ? "class" : "instance", (int)k, s);
            s = e;
        }
    }
    if (classflags && (flags & CF_CREATEONLY) && (flags & CF_UPDATEONLY))
        return err_at(p, HP_EPARSE, args[0].line, args[0].col, "\"createonly\" and \"updateonly\" contradict each other");
    if (classflags)
        p->ld->classflags = flags;
    else
        p->ld->instanceflags = flags;
    return 0;
}

/* FAIL (default) or NOFAIL as the optional second argument. */
static int fail_arg(struct parser *p, const struct pragma_arg *args, size_t n, const char *pragma, bool *fail)
{
    *fail = true;
    if (n < 1 || n > 2 || args[0].kind != L_STRING)
        return err_at(p, HP_EPARSE, n ? args[0].line : p->cur.line, n ? args[0].col : p->cur.col,
                      "#pragma %s takes a string and FAIL or NOFAIL", pragma);
    if (n == 2) {
        if (args[1].kind == L_ALIAS && hp_streqi(args[1].s, "nofail"))
            *fail = false;
        else if (!(args[1].kind == L_ALIAS && hp_streqi(args[1].s, "fail")))
            return err_at(p, HP_EPARSE, args[1].line, args[1].col, "expected FAIL or NOFAIL");
    }
    return 0;
}

/* "#pragma name [(args)]"; cur at '#'. */
static int parse_pragma(struct parser *p)
{
    struct pragma_arg *args = NULL;
    size_t nargs = 0, cap = 0;
    unsigned hline = p->cur.line, hcol = p->cur.col;
    int rc = next(p);
    if (rc)
        return rc;
    if (!is_kw(p, "pragma"))
        return err_at(p, HP_EPARSE, hline, hcol, "'#' must start '#pragma'");
    if ((rc = next(p)) != 0)
        return rc;
    if (p->cur.kind != MOF_T_IDENT)
        return unexpected(p, "a pragma name");
    unsigned nline = p->cur.line, ncol = p->cur.col;
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(p->cur.len < 31 ? p->cur.len : 31), p->cur.text);
    static const char *const known[] = {"namespace", "include", "classflags", "instanceflags", "deleteclass",
                                        "deleteinstance", "autorecover", "locale", "instancelocale", "amendment",
                                        "source", "sourcetype", "nonlocal", "nonlocaltype"};
    bool ok = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok |= ieq_n(p->cur.text, p->cur.len, known[i]);
    if (!ok) {
        char d[128];
        tok_desc(&p->cur, d, sizeof d);
        return err_at(p, HP_EPARSE, nline, ncol, "unknown pragma %s", d);
    }
    if ((rc = next(p)) != 0)
        return rc;
    if (is_punct(p, '(')) {
        if ((rc = next(p)) != 0)
            return rc;
        while (!is_punct(p, ')')) {
            if (hp_grow((void **)&args, &cap, nargs + 1, sizeof *args) != 0) {
                rc = oom();
                goto out;
            }
            struct pragma_arg *a = &args[nargs];
            memset(a, 0, sizeof *a);
            a->line = p->cur.line, a->col = p->cur.col;
            if (p->cur.kind == MOF_T_STRING) {
                struct lit l;
                if ((rc = parse_scalar(p, &l)) != 0)
                    goto out;
                a->kind = L_STRING;
                a->s = l.s;
            } else if (p->cur.kind == MOF_T_IDENT) {
                a->kind = L_ALIAS;
                if (!(a->s = ident_dup(p)) || (rc = next(p)) != 0) {
                    rc = rc ? rc : oom();
                    nargs++;
                    goto out;
                }
            } else if (p->cur.kind == MOF_T_INT) {
                a->kind = L_INT;
                if (!(a->s = hp_strndup(p->cur.text, p->cur.len)) || (rc = next(p)) != 0) {
                    rc = rc ? rc : oom();
                    nargs++;
                    goto out;
                }
            } else {
                rc = unexpected(p, "a pragma argument");
                goto out;
            }
            nargs++;
            if (is_punct(p, ',')) {
                if ((rc = next(p)) != 0)
                    goto out;
            } else if (!is_punct(p, ')')) {
                rc = unexpected(p, "',' or ')'");
                goto out;
            }
        }
        if ((rc = next(p)) != 0)
            goto out;
    }

    struct mof_load *ld = p->ld;
    if (hp_streqi(name, "autorecover")) {
        if (nargs)
            rc = err_at(p, HP_EPARSE, args[0].line, args[0].col, "#pragma autorecover takes no arguments");
    } else if (nargs == 0 || (!hp_streqi(name, "classflags") && !hp_streqi(name, "instanceflags") &&
                              !hp_streqi(name, "deleteclass") && !hp_streqi(name, "deleteinstance") && nargs != 1) ||
               args[0].kind != L_STRING) {
        rc = err_at(p, HP_EPARSE, nline, ncol, "#pragma %s needs a string in parentheses", name);
    } else if (hp_streqi(name, "namespace")) {
        if (!args[0].s[0]) {
            rc = err_at(p, HP_EINVAL, args[0].line, args[0].col, "empty namespace");
            goto out;
        }
        char *ns = resolve_namespace(ld->ns, args[0].s);
        char *ns2 = hp_strdup(ns);
        if (!ns || !ns2) {
            free(ns);
            free(ns2);
            rc = oom();
            goto out;
        }
        free(ld->ns);
        ld->ns = ns;
        if (!ld->system) {
            free(p->repo->ns);
            p->repo->ns = ns2;
        } else {
            free(ns2);
        }
    } else if (hp_streqi(name, "include")) {
        rc = pragma_include(p, &args[0]);
    } else if (hp_streqi(name, "classflags") || hp_streqi(name, "instanceflags")) {
        rc = pragma_flags(p, args, nargs, hp_streqi(name, "classflags"));
    } else if (hp_streqi(name, "deleteclass")) {
        bool fail;
        if ((rc = fail_arg(p, args, nargs, "deleteclass", &fail)) != 0)
            goto out;
        struct repo_class *cls = find_class_n(p->repo, args[0].s, strlen(args[0].s));
        if (cls && cls->system)
            rc = err_at(p, HP_EINVAL, args[0].line, args[0].col, "class '%s' is built in and cannot be deleted", cls->name);
        else if (cls)
            rc = repo_retire_class(p->repo, cls);
        else if (fail)
            rc = err_at(p, HP_EINVAL, args[0].line, args[0].col, "cannot delete class '%s': it is not defined", args[0].s);
    } else if (hp_streqi(name, "deleteinstance")) {
        bool fail;
        if ((rc = fail_arg(p, args, nargs, "deleteinstance", &fail)) != 0)
            goto out;
        struct repo_path path;
        int prc = repo_path_parse(args[0].s, &path);
        if (prc == HP_ENOMEM) {
            rc = oom();
            goto out;
        }
        if (prc) {
            rc = err_at(p, HP_EINVAL, args[0].line, args[0].col, "malformed object path \"%s\"", args[0].s);
            goto out;
        }
        struct repo_instance *victim = NULL;
        for (size_t i = 0; i < p->repo->instances.n && !victim; i++)
            if (repo_instance_matches_path(p->repo->instances.v[i], &path))
                victim = p->repo->instances.v[i];
        repo_path_clear(&path);
        if (victim)
            rc = repo_retire_instance(p->repo, victim);
        else if (fail)
            rc = err_at(p, HP_EINVAL, args[0].line, args[0].col, "cannot delete instance \"%s\": it does not exist",
                        args[0].s);
    }
    /* locale, instancelocale, amendment, source, sourcetype, nonlocal,
     * nonlocaltype: accepted and without effect on the repository. */
out:
    pragma_args_free(args, nargs);
    return rc;
}

/* ---- Files ------------------------------------------------------------------ */

static int parse_file(struct parser *p)
{
    int rc = next(p);
    while (rc == 0 && p->cur.kind != MOF_T_EOF) {
        if (is_punct(p, '#')) {
            rc = parse_pragma(p);
            continue;
        }
        struct qual_list ql = {0};
        bool have_quals = is_punct(p, '[');
        unsigned qline = p->cur.line, qcol = p->cur.col;
        if (have_quals && (rc = parse_qualifier_list(p, &ql)) != 0) {
            qual_list_clear(&ql);
            break;
        }
        unsigned line = have_quals ? qline : p->cur.line, col = have_quals ? qcol : p->cur.col;
        if (is_kw(p, "class"))
            rc = parse_class(p, &ql, line, col);
        else if (is_kw(p, "instance"))
            rc = parse_instance(p, line, col);
        else if (is_kw(p, "qualifier") && !have_quals)
            rc = parse_qualifier_decl(p);
        else
            rc = unexpected(p, have_quals ? "'class' or 'instance'" : "'class', 'instance', 'qualifier' or '#pragma'");
        qual_list_clear(&ql);
    }
    return rc;
}

static int load_text(struct mof_load *ld, const char *name, const char *canon, const char *data, size_t len)
{
    struct parser p;
    memset(&p, 0, sizeof p);
    p.ld = ld;
    p.repo = ld->repo;
    if (!(p.file = repo_intern_file(ld->repo, name)))
        return oom();
    char *c = hp_strdup(canon);
    if (!c || HP_VEC_PUSH(&ld->stack, c) != 0) {
        free(c);
        return oom();
    }
    int rc = mof_lex_init(&p.lx, p.file, data, len);
    if (rc == 0)
        rc = parse_file(&p);
    free(p.cur.str);
    mof_lex_free(&p.lx);
    free(ld->stack.v[--ld->stack.n]);
    return rc;
}

/* ---- The end of a load: aliases, keys, duplicates, providers ------------------ */

static struct repo_instance *find_alias_instance(struct mof_load *ld, const char *alias)
{
    for (size_t i = 0; i < ld->repo->instances.n; i++) {
        struct repo_instance *inst = ld->repo->instances.v[i];
        if (inst->alias && inst_priv(inst)->load_id == ld->load_id && hp_streqi(inst->alias, alias))
            return inst;
    }
    return NULL;
}

static const struct repo_class *find_alias_class(struct mof_load *ld, const char *alias)
{
    for (size_t i = 0; i < ld->class_aliases.n; i++)
        if (hp_streqi(ld->class_aliases.v[i].alias, alias))
            return ld->class_aliases.v[i].cls;
    return NULL;
}

/* The first key property an instance leaves NULL, or -1. */
static int null_key(const struct repo_instance *inst)
{
    for (size_t i = 0; i < inst->cls->nprops; i++)
        if (inst->cls->props[i].key && inst->values[i].null)
            return (int)i;
    return -1;
}

static int check_keys(const struct repo_instance *inst)
{
    int k = null_key(inst);
    if (k < 0)
        return 0;
    return hp_error_set_at(HP_EINVAL, inst->pos.file, inst->pos.line, inst->pos.col,
                           "instance of '%s' leaves its key property '%s' NULL", inst->cls->name,
                           inst->cls->props[k].name);
}

static int resolve_fixups(struct mof_load *ld)
{
    size_t left = ld->fixups.n;
    while (left) {
        bool progress = false;
        for (size_t i = 0; i < ld->fixups.n; i++) {
            struct fixup *f = &ld->fixups.v[i];
            if (f->done)
                continue;
            struct repo_instance *target = find_alias_instance(ld, f->alias);
            const struct repo_class *tcls = target ? NULL : find_alias_class(ld, f->alias);
            if (!target && !tcls)
                return hp_error_set_at(HP_EINVAL, f->file, f->line, f->col, "alias '$%s' is not defined", f->alias);
            char *path;
            if (target) {
                if (inst_priv(target)->pending_keys)
                    continue;
                if (f->ref_class && !repo_class_is_a(target->cls, f->ref_class))
                    return hp_error_set_at(HP_EINVAL, f->file, f->line, f->col,
                                           "alias '$%s' is an instance of '%s'; property '%s' needs a reference to '%s'",
                                           f->alias, target->cls->name, f->prop, f->ref_class);
                int rc = check_keys(target);
                if (rc)
                    return rc;
                path = repo_instance_path(target);
            } else {
                path = hp_strdup(tcls->name);
            }
            if (!path)
                return oom();
            cim_value_clear(f->dst);
            f->dst->type = CIM_REFERENCE;
            f->dst->null = false;
            f->dst->v.s = path;
            f->done = true;
            if (f->key)
                inst_priv(f->owner)->pending_keys--;
            progress = true;
            left--;
        }
        if (left && !progress) {
            for (size_t i = 0; i < ld->fixups.n; i++) {
                const struct fixup *f = &ld->fixups.v[i];
                if (!f->done)
                    return hp_error_set_at(HP_EINVAL, f->file, f->line, f->col,
                                           "alias '$%s' is part of a cycle of key references", f->alias);
            }
        }
    }
    return 0;
}

static int finish_load(struct mof_load *ld)
{
    struct repo *repo = ld->repo;
    int rc = resolve_fixups(ld);
    if (rc)
        return rc;
    size_t n = repo->instances.n;
    char **paths = calloc(n ? n : 1, sizeof *paths);
    if (!paths)
        return oom();
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct repo_instance *inst = repo->instances.v[i];
        if (inst_priv(inst)->load_id == ld->load_id && (rc = check_keys(inst)) != 0)
            break;
        if (!(paths[i] = repo_instance_path(inst))) {
            rc = oom();
            break;
        }
        if (inst_priv(inst)->load_id != ld->load_id)
            continue;
        for (size_t j = 0; j < i; j++) {
            if (hp_stricmp(paths[i], paths[j]) == 0) {
                const struct repo_instance *o = repo->instances.v[j];
                rc = hp_error_set_at(HP_EINVAL, inst->pos.file, inst->pos.line, inst->pos.col,
                                     "instance %s is already defined at %s:%u:%u", paths[i], o->pos.file,
                                     o->pos.line, o->pos.col);
                break;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    if (rc)
        return rc;
    return repo_link_providers(repo);
}

static void load_free(struct mof_load *ld)
{
    free(ld->ns);
    for (size_t i = 0; i < ld->stack.n; i++)
        free(ld->stack.v[i]);
    free(ld->stack.v);
    for (size_t i = 0; i < ld->fixups.n; i++)
        free(ld->fixups.v[i].alias);
    free(ld->fixups.v);
    for (size_t i = 0; i < ld->class_aliases.n; i++)
        free(ld->class_aliases.v[i].alias);
    free(ld->class_aliases.v);
}

static int load_top(struct repo *repo, const char *name, const char *data, size_t len, bool system)
{
    struct mof_load ld;
    memset(&ld, 0, sizeof ld);
    ld.repo = repo;
    ld.system = system;
    ld.load_id = ++repo->next_load_id;
    if (!(ld.ns = hp_strdup("root\\default")))
        return oom();
    char *canon = system ? NULL : realpath(name, NULL);
    int rc = load_text(&ld, name, canon ? canon : name, data, len);
    free(canon);
    if (rc == 0)
        rc = finish_load(&ld);
    load_free(&ld);
    return rc;
}

int mof_load_buffer(struct repo *repo, const char *name, const char *data, size_t len)
{
    if (!name)
        name = "<buffer>";
    if (!data && len)
        return hp_error_set_at(HP_EINVAL, name, 1, 1, "no data");
    return load_top(repo, name, data ? data : "", len, false);
}

int mof_load_file(struct repo *repo, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    if (hp_read_file(path, &data, &len) != 0) {
        int e = errno;
        if (hp_error_code() == HP_ENOMEM)
            return HP_ENOMEM;
        return hp_error_set_at(HP_EIO, path, 1, 1, "cannot read the MOF file: %s", strerror(e));
    }
    int rc = load_top(repo, path, data, len, false);
    free(data);
    return rc;
}

/* ---- The built-in classes ------------------------------------------------------ */

/* What WMI's repository always holds, as the documentation declares it
 * (properties the harness never reads are kept so that real MOFs that set
 * them load). */
static const char system_mof[] =
    "qualifier abstract : boolean = false, Scope(class, association, indication), Flavor(Restricted);\n"
    "qualifier key : boolean = false, Scope(property, reference), Flavor(ToSubclass, DisableOverride);\n"
    "[abstract] class __SystemClass { };\n"
    "[abstract] class __Provider : __SystemClass { [key] string Name; };\n"
    "class __Win32Provider : __Provider {\n"
    "  string ClientLoadableCLSID; string CLSID; sint32 Concurrency; string DefaultMachineName;\n"
    "  boolean Enabled; string HostingModel; sint32 ImpersonationLevel = 0;\n"
    "  sint32 InitializationReentrancy = 0; datetime InitializationTimeoutInterval;\n"
    "  boolean InitializeAsAdminFirst; datetime OperationTimeoutInterval;\n"
    "  boolean PerLocaleInitialization = FALSE; boolean PerUserInitialization = FALSE;\n"
    "  boolean Pure = TRUE; string SecurityDescriptor; boolean SupportsExplicitShutdown;\n"
    "  boolean SupportsExtendedStatus; boolean SupportsQuotas; boolean SupportsSendStatus;\n"
    "  boolean SupportsShutdown; boolean SupportsThrottling; datetime UnloadTimeout; uint32 Version;\n"
    "};\n"
    "[abstract] class __ProviderRegistration : __SystemClass { [key] __Provider ref provider; };\n"
    "[abstract] class __ObjectProviderRegistration : __ProviderRegistration {\n"
    "  sint32 InteractionType = 0; string QuerySupportLevels[]; boolean SupportsBatching;\n"
    "  boolean SupportsDelete = FALSE; boolean SupportsEnumeration = FALSE; boolean SupportsGet = FALSE;\n"
    "  boolean SupportsPut = FALSE; boolean SupportsTransactions;\n"
    "};\n"
    "class __InstanceProviderRegistration : __ObjectProviderRegistration { boolean SupportsEnumeration = TRUE; };\n"
    "class __ClassProviderRegistration : __ObjectProviderRegistration {\n"
    "  datetime CacheRefreshInterval; boolean PerUserSchema; string ReferencedSetQueries[];\n"
    "  string ResultSetQueries[]; boolean ReSynchroniseOnNamespaceOpen; string UnsupportedQueries[]; uint32 Version;\n"
    "};\n"
    "class __MethodProviderRegistration : __ProviderRegistration { };\n"
    "class __PropertyProviderRegistration : __ProviderRegistration { boolean SupportsGet; boolean SupportsPut; };\n"
    "class __EventProviderRegistration : __ProviderRegistration { string EventQueryList[]; };\n"
    "class __EventConsumerProviderRegistration : __ProviderRegistration { string ConsumerClassNames[]; };\n"
    "class __Namespace : __SystemClass { [key] string Name; };\n"
    "[abstract] class Win32_Perf {\n"
    "  string Caption; string Description; string Name;\n"
    "  uint64 Frequency_Object; uint64 Frequency_PerfTime; uint64 Frequency_Sys100NS;\n"
    "  uint64 Timestamp_Object; uint64 Timestamp_PerfTime; uint64 Timestamp_Sys100NS;\n"
    "};\n"
    "[abstract] class Win32_PerfRawData : Win32_Perf { };\n"
    "[abstract] class Win32_PerfFormattedData : Win32_Perf { };\n";

int mof_load_system(struct repo *repo)
{
    return load_top(repo, "<system>", system_mof, sizeof system_mof - 1, true);
}
