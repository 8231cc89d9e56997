/*
 * harness/scn_parse.c - the scenario parser: lines of tokens into the tree
 * of scn.h, with every rule of docs/scenario-language.md that can be decided
 * from the file alone (header order, verbs and their signatures, handle
 * binding and scope, value ranges, tag shape).  Names that need the host's
 * tables (HRESULTs, methods) are resolved by scn_names.c afterwards, and the
 * checks numbered by scn_check.c.
 *
 * Invariant: parsing stops at the first error, which carries the position of
 * the token that caused it; on error nothing is returned and every byte
 * allocated is freed (the tree is in one arena, the parser's scratch vectors
 * are freed on every exit path).  A handle is visible from the statement
 * after its binding to the end of the block it was bound in; no name is
 * bound twice among the visible ones.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scn_private.h"

struct visible {
    const char *name;
    unsigned slot;
};

struct parser {
    struct scn_lexer lx;
    struct scn_arena *arena;
    struct scn_file *f;
    struct scn_tok *toks;
    size_t ntoks, captoks, i;
    bool seen_scenario, body_started;
    unsigned depth;
    struct visible *vis;
    size_t nvis, capvis;
    struct scn_slot *slots;
    size_t nslots, capslots;
    struct scn_tag *covers;
    size_t ncovers, capcovers;
};

#define HK(k) (1u << (k))

/* ---- Errors --------------------------------------------------------------- */

static int err_at(struct parser *p, int code, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int err_at(struct parser *p, int code, unsigned line, unsigned col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hp_error_set_at(code, p->f->path, line, col, "%s", msg);
}

#define SYNTAX(t, ...) err_at(p, HP_EPARSE, (t)->line, (t)->col, __VA_ARGS__)
#define MEANING(t, ...) err_at(p, HP_EINVAL, (t)->line, (t)->col, __VA_ARGS__)
#define OOM() hp_error_set(HP_ENOMEM, "out of memory")

/* A token for a message: 'Refresh', a string, the end of the line. */
static const char *tdesc(const struct scn_tok *t, char *buf, size_t size)
{
    switch (t->kind) {
    case SCN_TK_EOL:
        return "the end of the line";
    case SCN_TK_STRING:
        return "a string";
    default:
        snprintf(buf, size, "'%.*s'", t->len > 40 ? 40 : (int)t->len, t->src);
        return buf;
    }
}

#define TD(t) tdesc((t), tdbuf, sizeof tdbuf)

/* ---- Tokens --------------------------------------------------------------- */

static const struct scn_tok *cur(const struct parser *p)
{
    return &p->toks[p->i];
}

static const struct scn_tok *la(const struct parser *p, size_t k)
{
    size_t j = p->i + k;
    return j < p->ntoks ? &p->toks[j] : &p->toks[p->ntoks - 1];
}

static void adv(struct parser *p)
{
    if (p->toks[p->i].kind != SCN_TK_EOL)
        p->i++;
}

static bool is_word(const struct scn_tok *t, const char *w)
{
    return t->kind == SCN_TK_WORD && strlen(w) == t->len && memcmp(t->src, w, t->len) == 0;
}

static const char *tokdup(struct parser *p, const struct scn_tok *t)
{
    return scn_arena_strndup(p->arena, t->src, t->len);
}

static bool is_lower_alnum_(const char *s, size_t n, bool dash)
{
    if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (dash ? c == '-' : c == '_')))
            return false;
    }
    return true;
}

static bool is_handle_name(const struct scn_tok *t)
{
    return t->kind == SCN_TK_WORD && is_lower_alnum_(t->src, t->len, false);
}

/* A WMI class or property name. */
static bool is_cim_name(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

/* S_OK, WBEM_E_NOT_FOUND: upper case, digits and '_'. */
static bool is_hresult_name(const struct scn_tok *t)
{
    if (t->kind != SCN_TK_WORD || !(t->src[0] >= 'A' && t->src[0] <= 'Z'))
        return false;
    for (size_t i = 1; i < t->len; i++) {
        char c = t->src[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

bool scn_is_requirement_id(const char *s, size_t n)
{
    if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (c == '-') {
            if (i + 1 == n || s[i + 1] == '-')
                return false;
        } else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

static const char *const reserved_words[] = {
    "scenario", "title", "covers", "for-each", "needs", "start", "timeout",
    "expect", "repeat", "end", "load", "advance", "thread", "join", "on", "fault", "snapshot",
    "ledger", "calls", "foreign", "provider", "singleton", "bogus", "key",
    "flags", "ctx", "version", "rights", "wait", "within", "by", "true", "false", "null",
    "iid", "size", "aggregated", "registration",
};

static bool is_reserved(const struct scn_tok *t)
{
    for (size_t i = 0; i < sizeof reserved_words / sizeof reserved_words[0]; i++)
        if (is_word(t, reserved_words[i]))
            return true;
    return false;
}

static const char *const option_names[] = {
    "flags", "ctx", "version", "rights", "wait", "within", "by", "null-id", "null-path", "null-info",
    "iid", "size", "aggregated", "type-last",
};

static int option_index(const struct scn_tok *t)
{
    for (size_t i = 0; i < sizeof option_names / sizeof option_names[0]; i++)
        if (is_word(t, option_names[i]))
            return (int)i;
    return -1;
}

/* Where the positional arguments of a step end. */
static bool at_args_end(const struct parser *p)
{
    const struct scn_tok *t = cur(p);
    return t->kind == SCN_TK_EOL || t->kind == SCN_TK_ARROW ||
           (t->kind == SCN_TK_LBRACK && t->space_before) || option_index(t) >= 0;
}

/* ---- Handles ----------------------------------------------------------------- */

static const struct visible *lookup(const struct parser *p, const struct scn_tok *t)
{
    for (size_t i = p->nvis; i-- > 0;)
        if (strlen(p->vis[i].name) == t->len && memcmp(p->vis[i].name, t->src, t->len) == 0)
            return &p->vis[i];
    return NULL;
}

/* The error for a use of a name that is not bound here: never bound so far,
 * or bound in a repeat block that has ended. */
static int unbound(struct parser *p, const struct scn_tok *t)
{
    for (size_t i = p->nslots; i-- > 0;)
        if (strlen(p->slots[i].name) == t->len && memcmp(p->slots[i].name, t->src, t->len) == 0)
            return MEANING(t, "handle '%.*s' is out of scope: it was bound in a repeat block (line %u) "
                              "that has ended", (int)t->len, t->src, p->slots[i].line);
    return MEANING(t, "handle '%.*s' used before it is bound", (int)t->len, t->src);
}

/* The checks a binding must pass, done before the step's arguments so that
 * errors come in the order of the line. */
static int check_bindable(struct parser *p, const struct scn_tok *t)
{
    char tdbuf[64];
    if (!is_handle_name(t))
        return MEANING(t, "%s is not a handle name (lower-case letters, digits and '_', "
                          "starting with a letter)", TD(t));
    if (is_reserved(t))
        return MEANING(t, "'%.*s' is a reserved word, not a handle name", (int)t->len, t->src);
    const struct visible *v = lookup(p, t);
    if (v)
        return MEANING(t, "handle '%.*s' is already bound (at line %u)", (int)t->len, t->src,
                       p->slots[v->slot].line);
    return 0;
}

static int bind(struct parser *p, const struct scn_tok *t, enum scn_handle_kind kind, const char **name,
                unsigned *slot)
{
    const char *nm = tokdup(p, t);
    if (!nm)
        return OOM();
    if (scn_grow((void **)&p->slots, &p->capslots, p->nslots + 1, sizeof *p->slots) ||
        scn_grow((void **)&p->vis, &p->capvis, p->nvis + 1, sizeof *p->vis))
        return HP_ENOMEM;
    p->slots[p->nslots] = (struct scn_slot){nm, kind, t->line, t->col, p->depth};
    p->vis[p->nvis++] = (struct visible){nm, (unsigned)p->nslots};
    *name = nm;
    *slot = (unsigned)p->nslots++;
    return 0;
}

/* ---- References ----------------------------------------------------------------- */

#define R_INDEX_REQUIRED 1u   /* an instance set must be indexed here */
#define R_INDEX_OK 2u         /* an instance set may be indexed */
#define R_ID_OK 4u            /* h.id */
#define R_PROP_OK 8u          /* h.Prop */
#define R_FIELD_REQUIRED 16u  /* a value: h.id or h.Prop */
#define R_NO_INDEX_SINK 32u   /* an instance set as a whole (status, indicated) */

static const unsigned kinds_with_id = HK(SCN_H_OBJECT) | HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_OBJECT) |
                                      HK(SCN_H_CLIENT_ENUM) | HK(SCN_H_INFO);
static const unsigned kinds_with_props = HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) | HK(SCN_H_CLIENT_OBJECT) |
                                         HK(SCN_H_SNAPSHOT) | HK(SCN_H_SINK);

/* Parses a handle use at the cursor into a->ref.  kinds: allowed kinds (HK
 * bits); what: what the position expects, for messages. */
static int parse_ref(struct parser *p, unsigned kinds, unsigned flags, const char *what, struct scn_arg *a)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    if (!is_handle_name(t) || is_reserved(t))
        return SYNTAX(t, "expected %s, found %s", what, TD(t));
    const struct visible *v = lookup(p, t);
    if (!v)
        return unbound(p, t);
    const struct scn_slot *s = &p->slots[v->slot];
    if (!(kinds & HK(s->kind)))
        return MEANING(t, "expected %s, found %s '%s'", what, scn_handle_kind_name(s->kind), s->name);
    a->kind = SCN_ARG_REF;
    a->line = t->line;
    a->col = t->col;
    a->ref.name = s->name;
    a->ref.slot = v->slot;
    a->ref.kind = s->kind;
    a->text = s->name;
    adv(p);

    const struct scn_tok *b = cur(p);
    if (b->kind == SCN_TK_LBRACK && b->space_before && s->kind == SCN_H_SINK && (flags & R_INDEX_REQUIRED) &&
        (la(p, 1)->kind == SCN_TK_INT || is_word(la(p, 1), "last")))
        return SYNTAX(b, "no blank allowed before '[' of an index");
    if (b->kind == SCN_TK_LBRACK && !b->space_before) {
        if (s->kind != SCN_H_SINK)
            return MEANING(b, "only an instance set can be indexed; '%s' is a %s", s->name,
                           scn_handle_kind_name(s->kind));
        if (!(flags & (R_INDEX_OK | R_INDEX_REQUIRED)))
            return MEANING(b, "'%s' is used as a whole here; remove the index", s->name);
        adv(p);
        const struct scn_tok *n = cur(p);
        if (n->kind == SCN_TK_INT) {
            if (n->i < 0)
                return MEANING(n, "an index cannot be negative");
            a->ref.index = n->i;
        } else if (is_word(n, "last")) {
            a->ref.index_last = true;
        } else {
            return SYNTAX(n, "expected an index (a number or 'last'), found %s", TD(n));
        }
        a->ref.has_index = true;
        adv(p);
        if (cur(p)->kind != SCN_TK_RBRACK)
            return SYNTAX(cur(p), "expected ']', found %s", TD(cur(p)));
        adv(p);
    } else if (s->kind == SCN_H_SINK && (flags & R_INDEX_REQUIRED)) {
        return MEANING(t, "an instance set needs an index here: %s[0] or %s[last]", s->name, s->name);
    }

    const struct scn_tok *d = cur(p);
    if (d->kind == SCN_TK_DOT && !d->space_before) {
        adv(p);
        const struct scn_tok *fl = cur(p);
        if (fl->kind != SCN_TK_WORD || fl->space_before || !is_cim_name(fl->src, fl->len))
            return SYNTAX(fl, "expected a field name after '.' (id or a property), found %s", TD(fl));
        if ((s->kind == SCN_H_REMOTE || s->kind == SCN_H_INFO) && (flags & R_PROP_OK) &&
            (is_word(fl, "guid") || (s->kind == SCN_H_REMOTE && is_word(fl, "serverguid")))) {
            /* rr.guid, info.guid, rr.serverguid: GUIDs as strings */
        } else if (is_word(fl, "id")) {
            if (!(flags & R_ID_OK) || !(kinds_with_id & HK(s->kind)))
                return MEANING(fl, "'%s' (a %s) has no id to use here", s->name, scn_handle_kind_name(s->kind));
            a->ref.field_is_id = true;
        } else {
            if (!(flags & R_PROP_OK) || !(kinds_with_props & HK(s->kind)))
                return MEANING(fl, "'%s' (a %s) has no property to use here", s->name,
                               scn_handle_kind_name(s->kind));
            if (s->kind == SCN_H_SINK && !a->ref.has_index)
                return MEANING(fl, "a property belongs to one instance: %s[0].%.*s", s->name, (int)fl->len,
                               fl->src);
        }
        a->ref.field = tokdup(p, fl);
        if (!a->ref.field)
            return OOM();
        adv(p);
    } else if (flags & R_FIELD_REQUIRED) {
        return MEANING(t, "a handle needs a field here: %s.Prop or %s.id", s->name, s->name);
    }
    if ((flags & R_NO_INDEX_SINK) && a->ref.has_index)
        return MEANING(t, "'%s' is used as a whole here; remove the index", s->name);
    return 0;
}

/* ---- Values --------------------------------------------------------------------- */

/* `$class` is there only with a for-each line; a string may name it, $namespace, or $$. */
static int check_string_vars(struct parser *p, const struct scn_tok *t)
{
    unsigned col = t->col + 1;
    const char *s = t->src + 1, *end = t->src + t->len - 1;
    while (s < end) {
        if (*s == '\\') {
            s += 2, col += 2;
            continue;
        }
        if (*s == '$') {
            const char *n = s + 1;
            size_t nl = 0;
            while (n + nl < end && (n[nl] == '_' || (n[nl] >= 'a' && n[nl] <= 'z') ||
                                    (n[nl] >= 'A' && n[nl] <= 'Z') || (nl > 0 && n[nl] >= '0' && n[nl] <= '9')))
                nl++;
            if (n < end && *n == '$') {
                s += 2, col += 2;
                continue;
            }
            if (nl == 5 && memcmp(n, "class", 5) == 0) {
                if (p->f->for_each == SCN_FOR_NONE)
                    return err_at(p, HP_EINVAL, t->line, col, "$class needs a 'for-each class' line");
            } else if (!(nl == 9 && memcmp(n, "namespace", 9) == 0)) {
                return err_at(p, HP_EINVAL, t->line, col,
                              "unknown variable '$%.*s' in a string (there are $class and $namespace; "
                              "write $$ for '$')", (int)nl, n);
            }
            s += 1 + nl, col += 1 + (unsigned)nl;
            continue;
        }
        uint32_t cp;
        size_t k = scn_utf8_decode((const unsigned char *)s, (size_t)(end - s), &cp);
        s += k ? k : 1;
        col++;
    }
    return 0;
}

static int parse_string_arg(struct parser *p, struct scn_arg *a)
{
    const struct scn_tok *t = cur(p);
    int rc = check_string_vars(p, t);
    if (rc)
        return rc;
    a->kind = SCN_ARG_STRING;
    a->line = t->line;
    a->col = t->col;
    a->text = t->str;
    adv(p);
    return 0;
}

static int parse_var_arg(struct parser *p, struct scn_arg *a)
{
    const struct scn_tok *t = cur(p);
    a->line = t->line;
    a->col = t->col;
    if (t->len == 6) {
        if (p->f->for_each == SCN_FOR_NONE)
            return MEANING(t, "$class needs a 'for-each class' line");
        a->kind = SCN_ARG_CLASS;
        a->text = "$class";
    } else {
        a->kind = SCN_ARG_NAMESPACE;
        a->text = "$namespace";
    }
    adv(p);
    return 0;
}

static int simple_arg(struct parser *p, enum scn_arg_kind kind, struct scn_arg *a)
{
    const struct scn_tok *t = cur(p);
    a->kind = kind;
    a->line = t->line;
    a->col = t->col;
    a->i = t->i;
    a->r = t->r;
    a->text = tokdup(p, t);
    if (!a->text)
        return OOM();
    adv(p);
    return 0;
}

static int keyword_arg(struct parser *p, enum scn_keyword kw, struct scn_arg *a)
{
    int rc = simple_arg(p, SCN_ARG_KEYWORD, a);
    a->kw = kw;
    return rc;
}

static int parse_class(struct parser *p, struct scn_arg *a)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    if (t->kind == SCN_TK_VAR && t->len == 6)
        return parse_var_arg(p, a);
    if (t->kind == SCN_TK_WORD && is_cim_name(t->src, t->len) && !is_reserved(t))
        return simple_arg(p, SCN_ARG_WORD, a);
    return SYNTAX(t, "expected a class ($class or a class name), found %s", TD(t));
}

/* HRESULT expectations: success | failure | any | NAME | number. */
static int parse_expected(struct parser *p, struct scn_expect *e, bool code_only)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    e->line = t->line;
    e->col = t->col;
    e->written = true;
    if (t->kind == SCN_TK_WORD && (is_word(t, "success") || is_word(t, "failure") || is_word(t, "any"))) {
        if (code_only)
            return MEANING(t, "a fault makes the call return one HRESULT; %s is not one", TD(t));
        e->kind = is_word(t, "success") ? SCN_EXPECT_SUCCESS : is_word(t, "failure") ? SCN_EXPECT_FAILURE
                                                                                     : SCN_EXPECT_ANY;
    } else if (is_hresult_name(t)) {
        e->kind = SCN_EXPECT_CODE;   /* hr: scn_resolve_names() */
    } else if (t->kind == SCN_TK_INT) {
        if (t->i < INT32_MIN || t->i > (int64_t)UINT32_MAX)
            return MEANING(t, "an HRESULT is 32 bits; %s is out of range", TD(t));
        e->kind = SCN_EXPECT_CODE;
        e->hr = t->i < 0 ? (int32_t)t->i : (int32_t)(uint32_t)t->i;
    } else {
        return SYNTAX(t, code_only ? "expected an HRESULT (a name or a number), found %s"
                                   : "expected success, failure, any or an HRESULT, found %s", TD(t));
    }
    e->text = tokdup(p, t);
    if (!e->text)
        return OOM();
    adv(p);
    return 0;
}

static int parse_tags(struct parser *p, struct scn_tags *out)
{
    char tdbuf[64];
    struct scn_tag *v = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    adv(p);   /* '[' */
    for (;;) {
        const struct scn_tok *t = cur(p);
        if (t->kind == SCN_TK_RBRACK)
            break;
        if (t->kind == SCN_TK_EOL) {
            rc = SYNTAX(t, "missing ']' at the end of the tags");
            goto out;
        }
        if (t->kind != SCN_TK_WORD || !scn_is_requirement_id(t->src, t->len)) {
            rc = MEANING(t, "%s is not a requirement ID (upper-case letters, digits and '-', "
                            "like HP-REFRESH-SCOPE)", TD(t));
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            if (strlen(v[i].id) == t->len && memcmp(v[i].id, t->src, t->len) == 0) {
                rc = MEANING(t, "tag %s given twice", TD(t));
                goto out;
            }
        if ((rc = scn_grow((void **)&v, &cap, n + 1, sizeof *v)))
            goto out;
        v[n] = (struct scn_tag){tokdup(p, t), t->line, t->col};
        if (!v[n].id) {
            rc = OOM();
            goto out;
        }
        n++;
        adv(p);
    }
    if (n == 0) {
        rc = SYNTAX(cur(p), "empty tag list");
        goto out;
    }
    adv(p);   /* ']' */
    out->v = scn_arena_dup(p->arena, v, n * sizeof *v);
    out->n = n;
    if (!out->v)
        rc = OOM();
out:
    free(v);
    return rc;
}

static int expect_eol(struct parser *p)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    if (t->kind != SCN_TK_EOL)
        return SYNTAX(t, "unexpected %s", TD(t));
    return 0;
}

/* ---- Arguments of a step ----------------------------------------------------------- */

struct argvec {
    struct scn_arg *v;
    size_t n, cap;
};

static struct scn_arg *push_arg(struct argvec *av)
{
    if (scn_grow((void **)&av->v, &av->cap, av->n + 1, sizeof *av->v))
        return NULL;
    struct scn_arg *a = &av->v[av->n++];
    memset(a, 0, sizeof *a);
    return a;
}

static int parse_keys(struct parser *p, struct argvec *av)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    struct scn_arg *a;
    if (is_word(t, "singleton") || is_word(t, "bogus")) {
        if (!(a = push_arg(av)))
            return HP_ENOMEM;
        return keyword_arg(p, is_word(t, "singleton") ? SCN_KW_SINGLETON : SCN_KW_BOGUS, a);
    }
    if (is_word(t, "key")) {
        while (is_word(cur(p), "key")) {
            const struct scn_tok *k = cur(p);
            adv(p);
            const struct scn_tok *nm = cur(p);
            if (nm->kind != SCN_TK_WORD || !is_cim_name(nm->src, nm->len))
                return SYNTAX(nm, "expected a key property name after 'key', found %s", TD(nm));
            adv(p);
            if (cur(p)->kind != SCN_TK_EQ)
                return SYNTAX(cur(p), "expected '=' after the key's name, found %s", TD(cur(p)));
            adv(p);
            struct scn_arg val = {0};
            int rc;
            if (cur(p)->kind == SCN_TK_STRING)
                rc = parse_string_arg(p, &val);
            else if (cur(p)->kind == SCN_TK_INT)
                rc = simple_arg(p, SCN_ARG_INT, &val);
            else
                return SYNTAX(cur(p), "expected a string or a number as the key's value, found %s",
                              TD(cur(p)));
            if (rc)
                return rc;
            if (!(a = push_arg(av)))
                return HP_ENOMEM;
            a->kind = SCN_ARG_KEY;
            a->line = k->line;
            a->col = k->col;
            a->text = tokdup(p, nm);
            a->value = scn_arena_dup(p->arena, &val, sizeof val);
            if (!a->text || !a->value)
                return OOM();
        }
        return 0;
    }
    if (!is_handle_name(t) || is_reserved(t))
        return SYNTAX(t, "expected keys (inst[N], key NAME=VALUE, singleton or bogus), found %s", TD(t));
    if (!(a = push_arg(av)))
        return HP_ENOMEM;
    return parse_ref(p, HK(SCN_H_SINK), R_INDEX_REQUIRED, "an instance set (for keys)", a);
}

static int parse_one_arg(struct parser *p, enum scn_argspec spec, struct argvec *av)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    if (spec == AS_KEYS)
        return parse_keys(p, av);
    struct scn_arg *a = push_arg(av);
    if (!a)
        return HP_ENOMEM;
    switch (spec) {
    case AS_REFRESHER_OR_FOREIGN:
        if (is_word(t, "foreign"))
            return keyword_arg(p, SCN_KW_FOREIGN, a);
        return parse_ref(p, HK(SCN_H_REFRESHER), 0, "a refresher (or foreign)", a);
    case AS_REFRESHER:
        return parse_ref(p, HK(SCN_H_REFRESHER), 0, "a refresher", a);
    case AS_CLASS:
        return parse_class(p, a);
    case AS_STOP_ID:
        if (t->kind == SCN_TK_INT)
            return simple_arg(p, SCN_ARG_INT, a);
        return parse_ref(p, HK(SCN_H_OBJECT) | HK(SCN_H_ENUM), R_ID_OK, "an object, an enumerator or an ID", a);
    case AS_RELEASABLE:
        if (is_word(t, "provider"))
            return keyword_arg(p, SCN_KW_PROVIDER, a);
        return parse_ref(p, ~(HK(SCN_H_THREAD) | HK(SCN_H_SNAPSHOT) | HK(SCN_H_NONE)), 0,
                         "something to release (a handle or provider)", a);
    case AS_PATH:
        if (t->kind == SCN_TK_STRING)
            return parse_string_arg(p, a);
        if (t->kind == SCN_TK_VAR && t->len == 6)
            return parse_var_arg(p, a);
        if (t->kind == SCN_TK_WORD && is_handle_name(t) && !is_reserved(t))
            return parse_ref(p, HK(SCN_H_SINK), R_INDEX_REQUIRED, "an instance (for its path)", a);
        return SYNTAX(t, "expected a path (\"PATH\", inst[N] or $class), found %s", TD(t));
    case AS_QUERY:
        if (t->kind == SCN_TK_STRING)
            return parse_string_arg(p, a);
        return SYNTAX(t, "expected a query string, found %s", TD(t));
    case AS_CLIENT:
        return parse_ref(p, HK(SCN_H_CLIENT), 0, "a client refresher", a);
    case AS_CLIENT_ITEM:
        if (t->kind == SCN_TK_INT)
            return simple_arg(p, SCN_ARG_INT, a);
        return parse_ref(p, HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_CLIENT_ENUM), R_ID_OK,
                         "a client object, a client enumerator or an ID", a);
    case AS_INFO:
        return parse_ref(p, HK(SCN_H_INFO), 0, "a refresh info", a);
    case AS_INFO_ID:
        if (t->kind == SCN_TK_INT)
            return simple_arg(p, SCN_ARG_INT, a);
        return parse_ref(p, HK(SCN_H_INFO), R_ID_OK, "a refresh info or an ID", a);
    case AS_DURATION:
        if (t->kind != SCN_TK_DURATION)
            return SYNTAX(t, "expected a duration (like 250ms or 1s), found %s", TD(t));
        return simple_arg(p, SCN_ARG_DURATION, a);
    case AS_THREAD:
        return parse_ref(p, HK(SCN_H_THREAD), 0, "a thread", a);
    case AS_CLSID_KIND:
        if (is_word(t, "clsid"))
            return keyword_arg(p, SCN_KW_CLSID, a);
        if (is_word(t, "client-clsid"))
            return keyword_arg(p, SCN_KW_CLIENT_CLSID, a);
        if (is_word(t, "unknown"))
            return keyword_arg(p, SCN_KW_UNKNOWN, a);
        return SYNTAX(t, "expected clsid, client-clsid or unknown, found %s", TD(t));
    case AS_BOOL:
        if (is_word(t, "true") || is_word(t, "false"))
            return keyword_arg(p, is_word(t, "true") ? SCN_KW_TRUE : SCN_KW_FALSE, a);
        return SYNTAX(t, "expected true or false, found %s", TD(t));
    case AS_INT:
        if (t->kind != SCN_TK_INT)
            return SYNTAX(t, "expected a number, found %s", TD(t));
        if (t->i < INT32_MIN || t->i > INT32_MAX)
            return MEANING(t, "an ID is 32 bits; %s is out of range", TD(t));
        return simple_arg(p, SCN_ARG_INT, a);
    case AS_INSTANCE:
        if (t->kind == SCN_TK_WORD && is_handle_name(t) && !is_reserved(t))
            return parse_ref(p, HK(SCN_H_SINK), R_INDEX_REQUIRED, "an instance (inst[N])", a);
        return SYNTAX(t, "expected an instance (inst[N]), found %s", TD(t));
    default:
        return hp_error_set(HP_EINTERNAL, "scn: bad argument spec %d", (int)spec);
    }
}

static bool line_has_word(const struct parser *p, const char *w)
{
    for (size_t j = p->i; j < p->ntoks; j++)
        if (is_word(&p->toks[j], w))
            return true;
    return false;
}

static int parse_args(struct parser *p, const struct scn_verb_info *vi, struct scn_step *st)
{
    char tdbuf[64];
    struct argvec av = {0};
    int rc = 0;
    bool may_omit = (vi->flags & VF_NULL_PATH_OMITS) && line_has_word(p, "null-path");
    for (size_t k = 0; k < sizeof vi->args && vi->args[k]; k++) {
        enum scn_argspec spec = (enum scn_argspec)(vi->args[k] & ~AS_LIST);
        if (at_args_end(p)) {
            if (may_omit && av.n == 0)
                break;
            rc = SYNTAX(cur(p), "missing argument: %s", vi->usage);
            goto out;
        }
        if ((rc = parse_one_arg(p, spec, &av)))
            goto out;
        if (vi->args[k] & AS_LIST)
            while (!at_args_end(p))
                if ((rc = parse_one_arg(p, spec, &av)))
                    goto out;
    }
    if (!at_args_end(p)) {
        const struct scn_tok *t = cur(p);
        rc = SYNTAX(t, "unexpected %s: too many arguments (%s)", TD(t), vi->usage);
        goto out;
    }
    if (av.n) {
        st->args = scn_arena_dup(p->arena, av.v, av.n * sizeof *av.v);
        if (!st->args) {
            rc = OOM();
            goto out;
        }
    }
    st->nargs = av.n;
out:
    free(av.v);
    return rc;
}

/* ---- Options, expectation, tags ---------------------------------------------------- */

static void default_options(struct scn_options *o, enum scn_verb v)
{
    memset(o, 0, sizeof *o);
    o->ctx = SCN_CTX_NULL;
    o->version = 2;
    o->rights = SCN_RIGHT_ENABLE | SCN_RIGHT_REMOTE_ENABLE;
    o->by = SCN_BY_CLSID;
    if (v == SCN_V_LOAD)
        o->wait_ns = 5000000000LL;
    else if (v == SCN_V_ON)
        o->wait_ns = 200000000LL;
    if (v == SCN_V_JOIN)
        o->within_ns = 5000000000LL;
    o->size = -1;
}

/* An interface name of scn_iid_names, or -1. */
static int iid_index(const struct scn_tok *t)
{
    for (int i = 0; scn_iid_names[i]; i++)
        if (is_word(t, scn_iid_names[i]))
            return i;
    return -1;
}

static int parse_option(struct parser *p, const struct scn_verb_info *vi, struct scn_options *opt,
                        struct scn_options *on_opt)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    int idx = option_index(t);
    unsigned bit = 1u << idx;
    struct scn_options *o = opt;
    if (bit == SCN_OPT_WAIT && on_opt)
        o = on_opt;   /* the wait of `on ...: STEP wait D` is the on's */
    else if (!(vi->opts & bit))
        return MEANING(t, "%s takes no option '%s'", vi->name, option_names[idx]);
    if (o->written & bit)
        return MEANING(t, "option '%s' given twice", option_names[idx]);
    o->written |= bit;
    adv(p);
    const struct scn_tok *v = cur(p);
    switch (bit) {
    case SCN_OPT_FLAGS:
    case SCN_OPT_VERSION:
        if (v->kind != SCN_TK_INT)
            return SYNTAX(v, "expected a number after '%s', found %s", option_names[idx], TD(v));
        if (v->i > (int64_t)UINT32_MAX || v->i < (bit == SCN_OPT_FLAGS ? INT32_MIN : 0))
            return MEANING(v, "'%s' is 32 bits; %s is out of range", option_names[idx], TD(v));
        if (bit == SCN_OPT_FLAGS)
            o->flags = v->i;
        else
            o->version = v->i;
        adv(p);
        return 0;
    case SCN_OPT_CTX:
        if (is_word(v, "null"))
            o->ctx = SCN_CTX_NULL;
        else if (is_word(v, "new"))
            o->ctx = SCN_CTX_NEW;
        else
            return SYNTAX(v, "expected null or new after 'ctx', found %s", TD(v));
        adv(p);
        return 0;
    case SCN_OPT_BY:
        if (is_word(v, "clsid"))
            o->by = SCN_BY_CLSID;
        else if (is_word(v, "client-clsid"))
            o->by = SCN_BY_CLIENT_CLSID;
        else
            return SYNTAX(v, "expected clsid or client-clsid after 'by', found %s", TD(v));
        adv(p);
        return 0;
    case SCN_OPT_WAIT:
    case SCN_OPT_WITHIN:
        if (v->kind != SCN_TK_DURATION)
            return SYNTAX(v, "expected a duration after '%s' (like 200ms), found %s", option_names[idx], TD(v));
        if (bit == SCN_OPT_WAIT)
            o->wait_ns = v->i;
        else
            o->within_ns = v->i;
        adv(p);
        return 0;
    case SCN_OPT_IID: {
        int k = iid_index(v);
        if (k < 0)
            return SYNTAX(v, "expected an interface name after 'iid' (IUnknown, IClassFactory, IWbemProviderInit, "
                             "... or bogus), found %s", TD(v));
        o->iid = scn_iid_names[k];
        adv(p);
        return 0;
    }
    case SCN_OPT_SIZE:
        if (v->kind != SCN_TK_INT)
            return SYNTAX(v, "expected a number after 'size', found %s", TD(v));
        if (v->i < 0 || v->i > 1000000)
            return MEANING(v, "'size' is from 0 to 1000000; %s is out of range", TD(v));
        o->size = v->i;
        adv(p);
        return 0;
    case SCN_OPT_RIGHTS: {
        unsigned rights = 0;
        bool none = false;
        for (;;) {
            const struct scn_tok *r = cur(p);
            if (is_word(r, "enable"))
                rights |= SCN_RIGHT_ENABLE;
            else if (is_word(r, "remote-enable"))
                rights |= SCN_RIGHT_REMOTE_ENABLE;
            else if (is_word(r, "none"))
                none = true;
            else
                return SYNTAX(r, "expected enable, remote-enable or none, found %s", TD(r));
            if (none && (rights || la(p, 1)->kind == SCN_TK_COMMA))
                return MEANING(r, "'none' stands alone in 'rights'");
            adv(p);
            if (cur(p)->kind != SCN_TK_COMMA)
                break;
            adv(p);
        }
        o->rights = rights;
        return 0;
    }
    default:   /* null-id, null-path, null-info, aggregated, type-last: no value */
        return 0;
    }
}

/* Options, `=> EXPECTED`, tags and the end of the line. */
static int parse_tail(struct parser *p, const struct scn_verb_info *vi, struct scn_step *st,
                      struct scn_options *on_opt)
{
    char tdbuf[64];
    int rc;
    while (option_index(cur(p)) >= 0)
        if ((rc = parse_option(p, vi, &st->opt, on_opt)))
            return rc;
    st->has_hresult = vi->hresult;
    st->expect = (struct scn_expect){SCN_EXPECT_SUCCESS, false, "success", 0, st->line, st->col};
    if (cur(p)->kind == SCN_TK_ARROW) {
        if (!vi->hresult)
            return MEANING(cur(p), "%s has no HRESULT to expect", vi->name);
        adv(p);
        if ((rc = parse_expected(p, &st->expect, false)))
            return rc;
    }
    if (cur(p)->kind == SCN_TK_LBRACK) {
        if (!vi->hresult)
            return MEANING(cur(p), "%s makes no check to tag", vi->name);
        if ((rc = parse_tags(p, &st->tags)))
            return rc;
    }
    if (cur(p)->kind != SCN_TK_EOL) {
        const struct scn_tok *t = cur(p);
        if (option_index(t) >= 0)
            return SYNTAX(t, "options come before '=> EXPECTED' and the tags");
        if (st->expect.written)
            return SYNTAX(t, "unexpected %s after the expectation", TD(t));
        return SYNTAX(t, "unexpected %s", TD(t));
    }
    return 0;
}

/* ---- Steps ------------------------------------------------------------------------- */

static bool verb_takes_recv(const struct scn_verb_info *vi, enum scn_handle_kind recv)
{
    return vi->recv == recv || (recv != SCN_H_NONE && (vi->recv_also & HK(recv)));
}

static const struct scn_verb_info *find_verb(enum scn_handle_kind recv, const struct scn_tok *t)
{
    for (int v = 1; v < SCN_V_COUNT; v++)
        if (verb_takes_recv(&scn_verbs[v], recv) && is_word(t, scn_verbs[v].name))
            return &scn_verbs[v];
    return NULL;
}

static int parse_step(struct parser *p, struct scn_step *st, bool nested, struct scn_options *on_opt);

static int parse_nested(struct parser *p, struct scn_step *st, struct scn_options *on_opt)
{
    struct scn_step n = {0};
    int rc = parse_step(p, &n, true, on_opt);
    if (rc)
        return rc;
    st->nested = scn_arena_dup(p->arena, &n, sizeof n);
    return st->nested ? 0 : OOM();
}

static int parse_on(struct parser *p, struct scn_step *st)
{
    char tdbuf[64];
    struct argvec av = {0};
    int rc;
    struct scn_arg *e = push_arg(&av);
    if (!e)
        return HP_ENOMEM;
    if ((rc = parse_ref(p, HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_ENUM), 0, "an enumerator", e)))
        goto out;
    const struct scn_tok *ev = cur(p);
    if (is_word(ev, "AddObjects"))
        st->on.event = SCN_EVENT_ADD_OBJECTS;
    else if (is_word(ev, "RemoveObjects"))
        st->on.event = SCN_EVENT_REMOVE_OBJECTS;
    else {
        rc = SYNTAX(ev, "expected AddObjects or RemoveObjects, found %s", TD(ev));
        goto out;
    }
    adv(p);
    if (is_word(cur(p), "once")) {
        st->on.once = true;
        adv(p);
    }
    if (cur(p)->kind != SCN_TK_COLON) {
        rc = SYNTAX(cur(p), "expected ':' before the step to run, found %s", TD(cur(p)));
        goto out;
    }
    adv(p);
    if ((rc = parse_nested(p, st, &st->opt)))
        goto out;
    st->args = scn_arena_dup(p->arena, av.v, sizeof *av.v);
    st->nargs = 1;
    if (!st->args)
        rc = OOM();
out:
    free(av.v);
    return rc;
}

static int parse_fault(struct parser *p, struct scn_step *st)
{
    char tdbuf[64];
    const struct scn_tok *m = cur(p);
    if (m->kind != SCN_TK_WORD)
        return SYNTAX(m, "expected a method (Interface::Method) after 'fault', found %s", TD(m));
    st->fault.method_name = tokdup(p, m);
    if (!st->fault.method_name)
        return OOM();
    st->fault.method = -1;   /* scn_resolve_names() */
    st->fault.method_line = m->line;
    st->fault.method_col = m->col;
    adv(p);
    const struct scn_tok *mode = cur(p);
    if (is_word(mode, "nth") || is_word(mode, "from")) {
        st->fault.mode = is_word(mode, "nth") ? SCN_FAULT_NTH : SCN_FAULT_FROM;
        adv(p);
        const struct scn_tok *n = cur(p);
        if (n->kind != SCN_TK_INT)
            return SYNTAX(n, "expected a call number after '%.*s', found %s", (int)mode->len, mode->src, TD(n));
        if (n->i < 1)
            return MEANING(n, "calls are counted from 1");
        st->fault.n = n->i;
        adv(p);
    } else if (is_word(mode, "random")) {
        st->fault.mode = SCN_FAULT_RANDOM;
        adv(p);
        const struct scn_tok *pr = cur(p);
        if (pr->kind != SCN_TK_REAL && pr->kind != SCN_TK_INT)
            return SYNTAX(pr, "expected a probability (like 0.25) after 'random', found %s", TD(pr));
        double pv = pr->kind == SCN_TK_REAL ? pr->r : (double)pr->i;
        if (!(pv >= 0.0 && pv <= 1.0))
            return MEANING(pr, "a probability is between 0 and 1");
        st->fault.p = pv;
        if (!(st->fault.p_text = tokdup(p, pr)))
            return OOM();
        adv(p);
        if (!is_word(cur(p), "seed"))
            return SYNTAX(cur(p), "expected 'seed S' after the probability, found %s", TD(cur(p)));
        adv(p);
        const struct scn_tok *sd = cur(p);
        if (sd->kind != SCN_TK_INT)
            return SYNTAX(sd, "expected a number after 'seed', found %s", TD(sd));
        if (sd->i < 0)
            return MEANING(sd, "a seed cannot be negative");
        st->fault.seed = sd->i;
        adv(p);
    } else {
        return SYNTAX(mode, "expected nth, from or random, found %s", TD(mode));
    }
    if (cur(p)->kind != SCN_TK_ARROW)
        return SYNTAX(cur(p), "expected '=> HRESULT' (what the failing call returns), found %s", TD(cur(p)));
    adv(p);
    int rc = parse_expected(p, &st->fault.result, true);
    if (rc)
        return rc;
    if (cur(p)->kind == SCN_TK_LBRACK)
        return MEANING(cur(p), "fault makes no check to tag");
    return expect_eol(p);
}

static int parse_snapshot(struct parser *p, struct scn_step *st, const struct scn_tok **bind_tok)
{
    char tdbuf[64];
    const struct scn_tok *s = cur(p);
    if (s->kind != SCN_TK_WORD)
        return SYNTAX(s, "expected the snapshot's name after 'snapshot', found %s", TD(s));
    int rc = check_bindable(p, s);
    if (rc)
        return rc;
    *bind_tok = s;
    adv(p);
    if (cur(p)->kind != SCN_TK_EQ)
        return SYNTAX(cur(p), "expected '=' (snapshot S = O), found %s", TD(cur(p)));
    adv(p);
    struct scn_arg o = {0};
    if ((rc = parse_ref(p, HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) | HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_ENUM) |
                               HK(SCN_H_CLIENT_ENUM) | HK(SCN_H_SINK),
                        R_INDEX_REQUIRED, "an object or an enumerator", &o)))
        return rc;
    if (cur(p)->kind == SCN_TK_LBRACK)
        return MEANING(cur(p), "snapshot makes no check to tag");
    if ((rc = expect_eol(p)))
        return rc;
    st->args = scn_arena_dup(p->arena, &o, sizeof o);
    st->nargs = 1;
    return st->args ? 0 : OOM();
}

static int parse_step(struct parser *p, struct scn_step *st, bool nested, struct scn_options *on_opt)
{
    char tdbuf[64];
    int rc;
    const struct scn_tok *first = cur(p), *bind_tok = NULL;
    st->line = first->line;
    st->col = first->col;
    if (first->kind == SCN_TK_WORD && la(p, 1)->kind == SCN_TK_EQ) {
        if (nested)
            return MEANING(first, "the step of thread or on binds no handle");
        if ((rc = check_bindable(p, first)))
            return rc;
        bind_tok = first;
        adv(p);
        adv(p);
    }
    const struct scn_tok *vt = cur(p);
    if (vt->kind != SCN_TK_WORD)
        return SYNTAX(vt, "expected a verb, found %s", TD(vt));
    const struct scn_verb_info *vi;
    if (la(p, 1)->kind == SCN_TK_DOT && !la(p, 1)->space_before && is_handle_name(vt) && !is_reserved(vt)) {
        const struct visible *v = lookup(p, vt);
        if (!v)
            return unbound(p, vt);
        const struct scn_slot *s = &p->slots[v->slot];
        const struct scn_tok *mt = la(p, 2);
        if (mt->kind != SCN_TK_WORD || mt->space_before)
            return SYNTAX(mt, "expected a method name after '%s.', found %s", s->name, TD(mt));
        vi = find_verb(s->kind, mt);
        if (!vi) {
            bool any = false;
            for (int k = 1; k < SCN_V_COUNT; k++)
                any |= verb_takes_recv(&scn_verbs[k], s->kind);
            if (!any)
                return MEANING(vt, "'%s' is a %s; it has no methods to call", s->name,
                               scn_handle_kind_name(s->kind));
            return MEANING(mt, "unknown verb '%.*s' for %s '%s'", (int)mt->len, mt->src,
                           scn_handle_kind_name(s->kind), s->name);
        }
        st->has_recv = true;
        st->recv = (struct scn_ref){s->name, v->slot, s->kind, false, false, 0, NULL, false};
        adv(p);
        adv(p);
        adv(p);
    } else {
        vi = find_verb(SCN_H_NONE, vt);
        if (!vi) {
            for (int k = 1; k < SCN_V_COUNT; k++)
                if (scn_verbs[k].recv == SCN_H_NONE && strlen(scn_verbs[k].name) == vt->len &&
                    strncasecmp(scn_verbs[k].name, vt->src, vt->len) == 0)
                    return MEANING(vt, "unknown verb %s (did you mean '%s'?)", TD(vt), scn_verbs[k].name);
            return MEANING(vt, "unknown verb %s", TD(vt));
        }
        adv(p);
    }
    st->verb = vi->verb;
    default_options(&st->opt, vi->verb);
    if (nested && !(vi->flags & VF_NESTABLE))
        return MEANING(vt, "%s cannot be the step of thread or on", vi->name);
    if (bind_tok) {
        if (vi->verb == SCN_V_SNAPSHOT)
            return MEANING(bind_tok, "write 'snapshot S = O' to name a snapshot");
        if (vi->makes == SCN_H_NONE)
            return MEANING(bind_tok, "%s makes nothing to bind to '%.*s'", vi->name, (int)bind_tok->len,
                           bind_tok->src);
    } else if (vi->verb == SCN_V_THREAD) {
        return MEANING(vt, "a thread needs a handle: t = thread STEP");
    }

    switch (vi->verb) {
    case SCN_V_THREAD:
        rc = parse_nested(p, st, NULL);
        break;
    case SCN_V_ON:
        rc = parse_on(p, st);
        break;
    case SCN_V_FAULT:
        rc = parse_fault(p, st);
        break;
    case SCN_V_SNAPSHOT:
        rc = parse_snapshot(p, st, &bind_tok);
        break;
    default:
        rc = parse_args(p, vi, st);
        if (!rc)
            rc = parse_tail(p, vi, st, on_opt);
        break;
    }
    if (rc)
        return rc;
    if (bind_tok)
        return bind(p, bind_tok, vi->makes, &st->bind, &st->bind_slot);
    return 0;
}

/* ---- Expressions ---------------------------------------------------------------------- */

static int parse_operand(struct parser *p, struct scn_arg *a)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    switch (t->kind) {
    case SCN_TK_INT:
        return simple_arg(p, SCN_ARG_INT, a);
    case SCN_TK_REAL:
        return simple_arg(p, SCN_ARG_REAL, a);
    case SCN_TK_DURATION:
        return simple_arg(p, SCN_ARG_DURATION, a);
    case SCN_TK_STRING:
        return parse_string_arg(p, a);
    case SCN_TK_VAR:
        return parse_var_arg(p, a);
    case SCN_TK_WORD:
        if (is_word(t, "true"))
            return keyword_arg(p, SCN_KW_TRUE, a);
        if (is_word(t, "false"))
            return keyword_arg(p, SCN_KW_FALSE, a);
        if (is_word(t, "null"))
            return keyword_arg(p, SCN_KW_NULL, a);
        if (is_hresult_name(t))
            return simple_arg(p, SCN_ARG_HRESULT, a);
        if (is_handle_name(t) && !is_reserved(t))
            return parse_ref(p, ~0u, R_INDEX_OK | R_ID_OK | R_PROP_OK | R_FIELD_REQUIRED, "a value", a);
        break;
    default:
        break;
    }
    return SYNTAX(t, "expected a value (a number, a string, an HRESULT, true, false, null or h.Prop), "
                     "found %s", TD(t));
}

static int parse_cmp(struct parser *p, enum scn_cmp *op)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    if (t->kind != SCN_TK_CMP)
        return SYNTAX(t, "expected an operator (== != < <= > >=), found %s", TD(t));
    *op = t->cmp;
    adv(p);
    return 0;
}

static int parse_count(struct parser *p, struct scn_arg *a)
{
    char tdbuf[64];
    if (cur(p)->kind != SCN_TK_INT)
        return SYNTAX(cur(p), "expected a number, found %s", TD(cur(p)));
    return simple_arg(p, SCN_ARG_INT, a);
}

/* What follows a predicate word. */
enum pred_arg {
    PA_NONE = 0,    /* nothing (or what the kind's own switch reads) */
    PA_CMP,         /* OP N */
    PA_EXPECTED,    /* success | failure | any | HRESULT */
    PA_RULE,        /* one word of the predicate's rule list */
    PA_IID          /* an interface name, or `primary` */
};

static const char *const com_rules[] = {"identity", "symmetric", "no-interface", "addref", "static", "null-ppv", NULL};
static const char *const access_rules[] = {"qi", "handle-stable", "handle-errors", "read-string", "lock", NULL};
static const char *const registration_rules[] = {
    "win32provider", "client-loadable", "instance-registration", "dynamic", "hiperf-qualifier", "name-key",
    "no-genericperfctr", "perf-schema", "supports-consistent", NULL,
};

struct predicate {
    const char *word;
    enum scn_expr_kind kind;
    unsigned kinds;      /* the subject's allowed kinds */
    unsigned flags;      /* R_* for the subject */
    const char *what;
    enum pred_arg arg;
    const char *const *rules;   /* PA_RULE */
};

#define OBJECTS_AND_ENUMS (HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) | HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_ENUM) | \
                           HK(SCN_H_CLIENT_ENUM) | HK(SCN_H_SINK))
#define COM_OBJECTS (HK(SCN_H_REFRESHER) | HK(SCN_H_FACTORY) | HK(SCN_H_PROVOBJ) | HK(SCN_H_CLIENT))

static const struct predicate predicates[] = {
    {"unchanged", SCN_X_UNCHANGED, OBJECTS_AND_ENUMS, R_INDEX_REQUIRED, "an object or an enumerator", PA_NONE, NULL},
    {"changed", SCN_X_CHANGED, OBJECTS_AND_ENUMS, R_INDEX_REQUIRED, "an object or an enumerator", PA_NONE, NULL},
    {"untouched", SCN_X_UNTOUCHED, HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_ENUM), 0, "an enumerator", PA_NONE, NULL},
    {"matches", SCN_X_MATCHES, HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_ENUM), 0, "an enumerator", PA_NONE, NULL},
    {"count", SCN_X_COUNT, HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_ENUM), 0, "an enumerator", PA_CMP, NULL},
    {"status", SCN_X_STATUS, HK(SCN_H_SINK), R_NO_INDEX_SINK, "an instance set", PA_EXPECTED, NULL},
    {"setstatus-calls", SCN_X_SETSTATUS_CALLS, HK(SCN_H_SINK), R_NO_INDEX_SINK, "an instance set", PA_CMP, NULL},
    {"indicated", SCN_X_INDICATED, HK(SCN_H_SINK), R_NO_INDEX_SINK, "an instance set", PA_CMP, NULL},
    {"type", SCN_X_TYPE, HK(SCN_H_INFO), 0, "a refresh info", PA_NONE, NULL},
    {"zeroed", SCN_X_ZEROED, HK(SCN_H_INFO), 0, "a refresh info", PA_NONE, NULL},
    {"value", SCN_X_VALUE, HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) | HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_SINK),
     R_INDEX_REQUIRED, "an object", PA_NONE, NULL},
    {"completed", SCN_X_COMPLETED, HK(SCN_H_THREAD), 0, "a thread", PA_NONE, NULL},
    {"provider-refs", SCN_X_PROVIDER_REFS,
     HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) | HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_CLIENT_ENUM), 0,
     "an object or an enumerator", PA_CMP, NULL},
    /* Facts and numbers of the later additions; the executor tells them
     * apart by their word. */
    {"out-null", SCN_X_FACT,
     HK(SCN_H_FACTORY) | HK(SCN_H_PROVOBJ) | HK(SCN_H_REFRESHER) | HK(SCN_H_OBJECT) | HK(SCN_H_ENUM) |
         HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_CLIENT_ENUM) | HK(SCN_H_REMOTE),
     0, "a handle bound by a call with an [out] pointer", PA_NONE, NULL},
    {"com", SCN_X_FACT, COM_OBJECTS, 0, "a refresher, a class factory, a provider object or a client refresher",
     PA_RULE, com_rules},
    {"answers", SCN_X_FACT,
     COM_OBJECTS | HK(SCN_H_RSERVICES) | HK(SCN_H_REMOTE) | HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) |
         HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_ENUM),
     0, "a COM object", PA_IID, NULL},
    {"init-reported", SCN_X_FACT, HK(SCN_H_PROVOBJ), 0, "a provider object", PA_NONE, NULL},
    {"init-values", SCN_X_FACT, HK(SCN_H_PROVOBJ), 0, "a provider object", PA_NONE, NULL},
    {"init-agrees", SCN_X_FACT, HK(SCN_H_PROVOBJ), 0, "a provider object", PA_NONE, NULL},
    {"init-context", SCN_X_FACT, HK(SCN_H_PROVOBJ), 0, "a provider object", PA_NONE, NULL},
    {"init-status", SCN_X_HRESULT_OF, HK(SCN_H_PROVOBJ), 0, "a provider object", PA_EXPECTED, NULL},
    {"init-setstatus-calls", SCN_X_NUMBER, HK(SCN_H_PROVOBJ), 0, "a provider object", PA_CMP, NULL},
    {"distinct", SCN_X_FACT, HK(SCN_H_OBJECT) | HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_REFRESHER), 0,
     "a refresher, a refreshable object or a client object", PA_NONE, NULL},
    {"agrees", SCN_X_FACT, HK(SCN_H_SINK), R_NO_INDEX_SINK, "an instance set", PA_NONE, NULL},
    {"shallow", SCN_X_FACT, HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_ENUM), 0, "an enumerator", PA_NONE, NULL},
    {"returned", SCN_X_NUMBER, HK(SCN_H_ENUM) | HK(SCN_H_CLIENT_ENUM), 0, "an enumerator", PA_CMP, NULL},
    {"access", SCN_X_FACT, HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) | HK(SCN_H_CLIENT_OBJECT) | HK(SCN_H_SINK),
     R_INDEX_REQUIRED, "an object", PA_RULE, access_rules},
    {"refreshed", SCN_X_NUMBER, HK(SCN_H_REMOTE), 0, "a remote refresher", PA_CMP, NULL},
    {"blobs-valid", SCN_X_FACT, HK(SCN_H_REMOTE), 0, "a remote refresher", PA_NONE, NULL},
    {"reconnect-status", SCN_X_HRESULT_OF, HK(SCN_H_INFO), 0, "a refresh info", PA_EXPECTED, NULL},
    {"server-version", SCN_X_NUMBER, HK(SCN_H_RSERVICES), 0, "refreshing services", PA_CMP, NULL},
    {"refresher-id", SCN_X_FACT, HK(SCN_H_RSERVICES), 0, "refreshing services", PA_NONE, NULL},
    {"client-version", SCN_X_NUMBER, HK(SCN_H_RSERVICES), 0, "refreshing services", PA_CMP, NULL},
    {"elapsed", SCN_X_NUMBER, HK(SCN_H_OBJECT) | HK(SCN_H_FETCHED) | HK(SCN_H_CLIENT_OBJECT), 0, "an object",
     PA_NONE, NULL},
};

/* `expect provider WORD ...`: the provider the case loaded (the host's). */
static const struct predicate provider_predicates[] = {
    {"init-reported", SCN_X_FACT, 0, 0, NULL, PA_NONE, NULL},
    {"init-values", SCN_X_FACT, 0, 0, NULL, PA_NONE, NULL},
    {"init-agrees", SCN_X_FACT, 0, 0, NULL, PA_NONE, NULL},
    {"init-status", SCN_X_HRESULT_OF, 0, 0, NULL, PA_EXPECTED, NULL},
    {"init-setstatus-calls", SCN_X_NUMBER, 0, 0, NULL, PA_CMP, NULL},
    {"unloaded", SCN_X_FACT, 0, 0, NULL, PA_NONE, NULL},
    {"threads", SCN_X_NUMBER, 0, 0, NULL, PA_CMP, NULL},
    {"com", SCN_X_FACT, 0, 0, NULL, PA_RULE, com_rules},
    {"answers", SCN_X_FACT, 0, 0, NULL, PA_IID, NULL},
    {"admin-locator", SCN_X_FACT, 0, 0, NULL, PA_NONE, NULL},
};

#define NPRED(t) (sizeof (t) / sizeof (t)[0])

static int rules_error(struct parser *p, const struct scn_tok *t, const char *word, const char *const *rules)
{
    char tdbuf[64];
    char list[256];
    size_t len = 0;
    list[0] = 0;
    for (size_t i = 0; rules[i] && len + 32 < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", rules[i]);
    return SYNTAX(t, "expected one of %s after '%s', found %s", list, word, TD(t));
}

/* The word after a predicate (a rule, an interface); into e->arg. */
static int parse_pred_word(struct parser *p, struct scn_expr *e, const struct predicate *pr)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    bool ok = false;
    if (pr->arg == PA_RULE) {
        for (size_t i = 0; pr->rules[i] && !ok; i++)
            ok = is_word(t, pr->rules[i]);
        if (!ok)
            return rules_error(p, t, pr->word, pr->rules);
    } else {
        ok = is_word(t, "primary") || iid_index(t) >= 0;
        if (!ok)
            return SYNTAX(t, "expected an interface name (IUnknown, IWbemRefresher, ... bogus) or primary after "
                             "'answers', found %s", TD(t));
    }
    e->arg = tokdup(p, t);
    e->arg_line = t->line;
    e->arg_col = t->col;
    if (!e->arg)
        return OOM();
    adv(p);
    return 0;
}

/* What follows the predicate word, by its argument kind. */
static int parse_pred_tail(struct parser *p, struct scn_expr *e, const struct predicate *pr)
{
    int rc;
    switch (pr->arg) {
    case PA_CMP:
        if ((rc = parse_cmp(p, &e->op)))
            return rc;
        return parse_count(p, &e->b);
    case PA_EXPECTED:
        return parse_expected(p, &e->status, false);
    case PA_RULE:
    case PA_IID:
        return parse_pred_word(p, e, pr);
    default:
        return 0;
    }
}

static int parse_predicate(struct parser *p, struct scn_expr *e, size_t pi)
{
    char tdbuf[64];
    int rc;
    const struct predicate *pr = &predicates[pi];
    /* The subject again, now with its kinds and flags known (the caller
     * made sure it is a bound handle). */
    const struct scn_tok *st = cur(p);
    const struct scn_slot *slot = &p->slots[lookup(p, st)->slot];
    if (!(pr->kinds & HK(slot->kind)))
        return MEANING(st, "'%s' needs %s, found %s '%s'", pr->word, pr->what, scn_handle_kind_name(slot->kind),
                       slot->name);
    if ((rc = parse_ref(p, pr->kinds, pr->flags, pr->what, &e->a)))
        return rc;
    e->kind = pr->kind;
    e->word = pr->word;
    adv(p);   /* the predicate word */
    switch (e->kind) {
    case SCN_X_UNCHANGED:
    case SCN_X_CHANGED:
    case SCN_X_UNTOUCHED:
        if (!is_word(cur(p), "since"))
            return SYNTAX(cur(p), "expected 'since SNAPSHOT', found %s", TD(cur(p)));
        adv(p);
        return parse_ref(p, HK(SCN_H_SNAPSHOT), 0, "a snapshot", &e->b);
    case SCN_X_MATCHES:
        if (!is_word(cur(p), "instances"))
            return SYNTAX(cur(p), "expected 'instances CLASS', found %s", TD(cur(p)));
        adv(p);
        return parse_class(p, &e->b);
    case SCN_X_TYPE: {
        static const struct { const char *name; int32_t v; } types[] = {
            {"REMOTE", 3}, {"NON_HIPERF", 6}, {"INVALID", 0},
        };
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (is_word(cur(p), types[i].name)) {
                e->info_type = types[i].name;
                e->info_type_value = types[i].v;
                adv(p);
                return 0;
            }
        return SYNTAX(cur(p), "expected REMOTE, NON_HIPERF or INVALID, found %s", TD(cur(p)));
    }
    case SCN_X_VALUE: {
        const struct scn_tok *t = cur(p);
        if (t->kind != SCN_TK_WORD || !is_cim_name(t->src, t->len))
            return SYNTAX(t, "expected a property name, found %s", TD(t));
        e->property = tokdup(p, t);
        if (!e->property)
            return OOM();
        adv(p);
        return 0;
    }
    case SCN_X_NUMBER:
        if (!strcmp(pr->word, "elapsed")) {
            /* O elapsed TIMESTAMP per FREQUENCY since S OP DURATION */
            const struct scn_tok *t = cur(p);
            if (t->kind != SCN_TK_WORD || !is_cim_name(t->src, t->len))
                return SYNTAX(t, "expected a timestamp property after 'elapsed', found %s", TD(t));
            if (!(e->property = tokdup(p, t)))
                return OOM();
            adv(p);
            if (!is_word(cur(p), "per"))
                return SYNTAX(cur(p), "expected 'per FREQUENCY', found %s", TD(cur(p)));
            adv(p);
            t = cur(p);
            if (t->kind != SCN_TK_WORD || !is_cim_name(t->src, t->len))
                return SYNTAX(t, "expected a frequency property after 'per', found %s", TD(t));
            if (!(e->arg = tokdup(p, t)))
                return OOM();
            e->arg_line = t->line;
            e->arg_col = t->col;
            adv(p);
            if (!is_word(cur(p), "since"))
                return SYNTAX(cur(p), "expected 'since SNAPSHOT', found %s", TD(cur(p)));
            adv(p);
            if ((rc = parse_ref(p, HK(SCN_H_SNAPSHOT), 0, "a snapshot", &e->b)) || (rc = parse_cmp(p, &e->op)))
                return rc;
            if (cur(p)->kind != SCN_TK_DURATION)
                return SYNTAX(cur(p), "expected a duration (like 3s), found %s", TD(cur(p)));
            return simple_arg(p, SCN_ARG_DURATION, &e->c);
        }
        return parse_pred_tail(p, e, pr);
    default:
        return parse_pred_tail(p, e, pr);
    }
}

/* `expect provider WORD ...`, the cursor on `provider`. */
static int parse_provider_expr(struct parser *p, struct scn_expr *e)
{
    char tdbuf[64];
    int rc = keyword_arg(p, SCN_KW_PROVIDER, &e->a);
    if (rc)
        return rc;
    const struct scn_tok *w = cur(p);
    for (size_t i = 0; i < NPRED(provider_predicates); i++)
        if (is_word(w, provider_predicates[i].word)) {
            e->kind = provider_predicates[i].kind;
            e->word = provider_predicates[i].word;
            adv(p);
            return parse_pred_tail(p, e, &provider_predicates[i]);
        }
    return SYNTAX(w, "expected a predicate of the provider (init-reported, init-values, init-agrees, init-status, "
                     "init-setstatus-calls, unloaded, threads, com, answers, admin-locator), found %s", TD(w));
}

/* One side of a `calls` comparison: METHOD [into provider|host]
 * [failing|returning HRESULT]; the cursor after `calls`. */
static int parse_calls_side(struct parser *p, struct scn_expr *e)
{
    char tdbuf[64];
    const struct scn_tok *m = cur(p);
    if (m->kind != SCN_TK_WORD)
        return SYNTAX(m, "expected a method (Interface::Method) after 'calls', found %s", TD(m));
    e->kind = SCN_X_CALLS;
    e->method_name = tokdup(p, m);
    if (!e->method_name)
        return OOM();
    e->method = -1;
    e->method_line = m->line;
    e->method_col = m->col;
    adv(p);
    if (is_word(cur(p), "into")) {
        adv(p);
        if (is_word(cur(p), "provider"))
            e->into = SCN_INTO_PROVIDER;
        else if (is_word(cur(p), "host"))
            e->into = SCN_INTO_HOST;
        else
            return SYNTAX(cur(p), "expected provider or host after 'into', found %s", TD(cur(p)));
        adv(p);
    }
    if (is_word(cur(p), "failing")) {
        e->filter = SCN_CALLS_FAILING;
        adv(p);
    } else if (is_word(cur(p), "returning")) {
        adv(p);
        e->filter = SCN_CALLS_RETURNING;
        return parse_expected(p, &e->returning, true);
    }
    return 0;
}

static int parse_expr(struct parser *p, struct scn_expr *e)
{
    char tdbuf[64];
    int rc;
    const struct scn_tok *t = cur(p);
    e->line = t->line;
    e->col = t->col;
    if (is_word(t, "ledger")) {
        adv(p);
        const struct scn_tok *w = cur(p);
        if (is_word(w, "clean"))
            e->kind = SCN_X_LEDGER_CLEAN;
        else if (is_word(w, "no-over-release"))
            e->kind = SCN_X_LEDGER_NO_OVER_RELEASE;
        else if (is_word(w, "no-leak"))
            e->kind = SCN_X_LEDGER_NO_LEAK;
        else if (is_word(w, "no-client-refs")) {
            e->kind = SCN_X_FACT;
            e->word = "no-client-refs";
        } else
            return SYNTAX(w, "expected clean, no-over-release, no-leak or no-client-refs after 'ledger', found %s",
                          TD(w));
        adv(p);
        return 0;
    }
    if (is_word(t, "calls")) {
        adv(p);
        if ((rc = parse_calls_side(p, e)) || (rc = parse_cmp(p, &e->op)))
            return rc;
        if (is_word(cur(p), "calls")) {
            adv(p);
            struct scn_expr rhs = {0};
            rhs.line = e->line;
            rhs.col = e->col;
            if ((rc = parse_calls_side(p, &rhs)))
                return rc;
            e->rhs = scn_arena_dup(p->arena, &rhs, sizeof rhs);
            return e->rhs ? 0 : OOM();
        }
        return parse_count(p, &e->b);
    }
    if (is_word(t, "no-finding")) {
        adv(p);
        /* A finding kind (over-release, ...) or a rule name (hiperfenum.outside-refresh). */
        const struct scn_tok *w = cur(p);
        if (w->kind != SCN_TK_WORD)
            return SYNTAX(w, "expected a finding kind or a rule name after 'no-finding', found %s", TD(w));
        const char *start = w->src;
        const struct scn_tok *last = w;
        adv(p);
        while (cur(p)->kind == SCN_TK_DOT && !cur(p)->space_before && la(p, 1)->kind == SCN_TK_WORD &&
               !la(p, 1)->space_before) {
            adv(p);
            last = cur(p);
            adv(p);
        }
        e->kind = SCN_X_NO_FINDING;
        e->word = "no-finding";
        e->arg = scn_arena_strndup(p->arena, start, (size_t)(last->src + last->len - start));
        e->arg_line = w->line;
        e->arg_col = w->col;
        if (!e->arg)
            return OOM();
        if (!strchr(e->arg, '.')) {
            static const char *const kinds[] = {"over-release", "use-after-release", "use-after-over-release",
                                                "unowned-transfer", "foreign-object", "com-rule"};
            bool ok = false;
            for (size_t i = 0; i < sizeof kinds / sizeof kinds[0] && !ok; i++)
                ok = !strcmp(e->arg, kinds[i]);
            if (!ok)
                return MEANING(w, "'%s' is no finding kind (over-release, use-after-release, "
                                  "use-after-over-release, unowned-transfer, foreign-object, com-rule) "
                                  "nor a rule name (like hiperfenum.outside-refresh)", e->arg);
        }
        return 0;
    }
    if (is_word(t, "provider"))
        return parse_provider_expr(p, e);
    if (is_word(t, "registration")) {
        if ((rc = keyword_arg(p, SCN_KW_REGISTRATION, &e->a)))
            return rc;
        static const struct predicate reg = {"registration", SCN_X_FACT, 0, 0, NULL, PA_RULE, registration_rules};
        e->kind = SCN_X_FACT;
        e->word = "registration";
        return parse_pred_word(p, e, &reg);
    }
    if (is_handle_name(t) && !is_reserved(t)) {
        /* HANDLE PREDICATE ... or a comparison starting with h.Prop: find out
         * by looking past the reference without consuming it. */
        size_t save = p->i;
        struct scn_arg probe = {0};
        if ((rc = parse_ref(p, ~0u, R_INDEX_OK | R_ID_OK | R_PROP_OK, "a handle", &probe)))
            return rc;
        const struct scn_tok *w = cur(p);
        for (size_t pi = 0; pi < NPRED(predicates); pi++)
            if (is_word(w, predicates[pi].word)) {
                if (probe.ref.field)
                    return SYNTAX(w, "'%s' applies to a handle, not to a field", predicates[pi].word);
                p->i = save;
                return parse_predicate(p, e, pi);
            }
        if (w->kind != SCN_TK_CMP) {
            if (w->kind == SCN_TK_WORD)
                return SYNTAX(w, "unknown predicate %s (unchanged, changed, untouched, matches, count, status, "
                                 "setstatus-calls, indicated, type, zeroed, value, completed, provider-refs, "
                                 "out-null, com, answers, init-..., distinct, agrees, shallow, returned, access, "
                                 "refreshed, blobs-valid, reconnect-status, server-version, client-version, refresher-id, elapsed)", TD(w));
            if (!probe.ref.field)
                return SYNTAX(w, "expected a predicate or an operator after '%s', found %s", probe.ref.name,
                              TD(w));
        }
        p->i = save;
    }
    e->kind = SCN_X_COMPARE;
    if ((rc = parse_operand(p, &e->a)) || (rc = parse_cmp(p, &e->op)))
        return rc;
    return parse_operand(p, &e->b);
}

/* ---- Header ----------------------------------------------------------------------------- */

static int days_in_month(int64_t y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int parse_start(struct parser *p, const struct scn_tok *t)
{
    const char *s = t->str;
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    bool ok = strlen(s) == sizeof shape - 1;
    for (size_t i = 0; ok && i < sizeof shape - 1; i++)
        ok = shape[i] == 'd' ? (s[i] >= '0' && s[i] <= '9') : s[i] == shape[i];
    if (!ok)
        return MEANING(t, "expected a start instant \"YYYY-MM-DD HH:MM:SS\" (UTC)");
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int mo = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    int h = (s[11] - '0') * 10 + (s[12] - '0'), mi = (s[14] - '0') * 10 + (s[15] - '0');
    int se = (s[17] - '0') * 10 + (s[18] - '0');
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59)
        return MEANING(t, "no such instant: \"%s\" (from 1970-01-01 00:00:00, UTC)", s);
    p->f->start = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

static int dup_header(struct parser *p, const struct scn_tok *t, struct scn_pos *pos)
{
    if (pos->line)
        return MEANING(t, "'%.*s' given twice (first at line %u)", (int)t->len, t->src, pos->line);
    pos->line = t->line;
    pos->col = t->col;
    return 0;
}

static bool name_matches_file(const char *path, const char *name, const char **base, size_t *blen)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    *base = b;
    *blen = n;
    if (n < 4 || strcmp(b + n - 4, ".scn") != 0)
        return true;   /* not a .scn name: nothing to compare with */
    return strlen(name) == n - 4 && memcmp(b, name, n - 4) == 0;
}

static int parse_header(struct parser *p, const struct scn_tok *kw)
{
    char tdbuf[64];
    int rc;
    struct scn_file *f = p->f;
    adv(p);
    const struct scn_tok *t = cur(p);
    if (is_word(kw, "scenario")) {
        if ((rc = dup_header(p, kw, &f->name_pos)))
            return rc;
        if (t->kind != SCN_TK_WORD)
            return SYNTAX(t, "expected the scenario's name, found %s", TD(t));
        if (!is_lower_alnum_(t->src, t->len, true))
            return MEANING(t, "a scenario name is lower-case letters, digits and '-', starting with a letter");
        if (!(f->name = tokdup(p, t)))
            return OOM();
        const char *base;
        size_t blen;
        if (!name_matches_file(f->path, f->name, &base, &blen))
            return MEANING(t, "scenario '%s' must be in a file named '%s.scn', not '%.*s'", f->name, f->name,
                           (int)blen, base);
        p->seen_scenario = true;
        adv(p);
    } else if (is_word(kw, "title")) {
        if ((rc = dup_header(p, kw, &f->title_pos)))
            return rc;
        if (t->kind != SCN_TK_STRING)
            return SYNTAX(t, "expected the title as a string, found %s", TD(t));
        f->title = t->str;
        adv(p);
    } else if (is_word(kw, "covers")) {
        if (t->kind == SCN_TK_EOL)
            return SYNTAX(t, "expected requirement IDs after 'covers'");
        while (cur(p)->kind != SCN_TK_EOL) {
            t = cur(p);
            if (t->kind != SCN_TK_WORD || !scn_is_requirement_id(t->src, t->len))
                return MEANING(t, "%s is not a requirement ID (upper-case letters, digits and '-', "
                                  "like HP-REFRESH-SCOPE)", TD(t));
            for (size_t i = 0; i < p->ncovers; i++)
                if (strlen(p->covers[i].id) == t->len && memcmp(p->covers[i].id, t->src, t->len) == 0)
                    return MEANING(t, "%s is already covered (line %u)", TD(t), p->covers[i].line);
            if ((rc = scn_grow((void **)&p->covers, &p->capcovers, p->ncovers + 1, sizeof *p->covers)))
                return rc;
            p->covers[p->ncovers] = (struct scn_tag){tokdup(p, t), t->line, t->col};
            if (!p->covers[p->ncovers++].id)
                return OOM();
            adv(p);
        }
    } else if (is_word(kw, "for-each")) {
        if ((rc = dup_header(p, kw, &f->for_each_pos)))
            return rc;
        if (!is_word(t, "class"))
            return SYNTAX(t, "expected 'class' after 'for-each', found %s", TD(t));
        adv(p);
        t = cur(p);
        if (is_word(t, "hiperf"))
            f->for_each = SCN_FOR_HIPERF;
        else if (is_word(t, "dynamic"))
            f->for_each = SCN_FOR_DYNAMIC;
        else if (is_word(t, "ordinary"))
            f->for_each = SCN_FOR_ORDINARY;
        else if (t->kind == SCN_TK_WORD && is_cim_name(t->src, t->len)) {
            f->for_each = SCN_FOR_NAMED;
            if (!(f->for_class = tokdup(p, t)))
                return OOM();
        } else {
            return SYNTAX(t, "expected hiperf, dynamic, ordinary or a class name, found %s", TD(t));
        }
        adv(p);
    } else if (is_word(kw, "needs")) {
        if (!f->needs_pos.line)
            f->needs_pos = (struct scn_pos){kw->line, kw->col};
        if (t->kind == SCN_TK_EOL)
            return SYNTAX(t, "expected refreshers, baseline, instances, keys or perf after 'needs'");
        while (cur(p)->kind != SCN_TK_EOL) {
            t = cur(p);
            unsigned bit = is_word(t, "refreshers") ? SCN_NEEDS_REFRESHERS
                         : is_word(t, "baseline")   ? SCN_NEEDS_BASELINE
                         : is_word(t, "instances")  ? SCN_NEEDS_INSTANCES
                         : is_word(t, "keys")       ? SCN_NEEDS_KEYS
                         : is_word(t, "perf")       ? SCN_NEEDS_PERF : 0;
            if (!bit)
                return SYNTAX(t, "expected refreshers, baseline, instances, keys or perf, found %s", TD(t));
            if (f->needs & bit)
                return MEANING(t, "%s is already needed", TD(t));
            f->needs |= bit;
            adv(p);
        }
    } else if (is_word(kw, "start")) {
        if ((rc = dup_header(p, kw, &f->start_pos)))
            return rc;
        if (t->kind != SCN_TK_STRING)
            return SYNTAX(t, "expected \"YYYY-MM-DD HH:MM:SS\" after 'start', found %s", TD(t));
        if ((rc = parse_start(p, t)))
            return rc;
        adv(p);
    } else {   /* timeout */
        if ((rc = dup_header(p, kw, &f->timeout_pos)))
            return rc;
        if (t->kind == SCN_TK_INT) {
            if (t->i <= 0 || t->i > INT64_MAX / 1000000000)
                return MEANING(t, "a timeout is a positive number of seconds");
            f->timeout_ns = t->i * 1000000000;
        } else if (t->kind == SCN_TK_DURATION) {
            if (t->i <= 0)
                return MEANING(t, "a timeout must be longer than 0");
            f->timeout_ns = t->i;
        } else {
            return SYNTAX(t, "expected seconds or a duration after 'timeout', found %s", TD(t));
        }
        adv(p);
    }
    return expect_eol(p);
}

static const char *const header_words[] = {
    "scenario", "title", "covers", "for-each", "needs", "start", "timeout",
};

static bool is_header_word(const struct scn_tok *t)
{
    for (size_t i = 0; i < sizeof header_words / sizeof header_words[0]; i++)
        if (is_word(t, header_words[i]))
            return true;
    return false;
}

/* ---- Blocks ------------------------------------------------------------------------------- */

struct stmtvec {
    struct scn_stmt *v;
    size_t n, cap;
};

static int parse_block(struct parser *p, struct scn_block *out, const struct scn_tok *repeat_tok,
                       unsigned *end_line, unsigned *end_col);

static int parse_repeat(struct parser *p, struct scn_stmt *s)
{
    char tdbuf[64];
    struct scn_tok rt = *cur(p);   /* the line's tokens are replaced while the body is read */
    adv(p);
    const struct scn_tok *n = cur(p);
    if (n->kind != SCN_TK_INT)
        return SYNTAX(n, "expected a count after 'repeat', found %s", TD(n));
    if (n->i < 1)
        return MEANING(n, "a repeat count is at least 1");
    if (p->depth >= SCN_MAX_DEPTH)
        return err_at(p, HP_EINVAL, rt.line, rt.col, "repeat blocks nest at most %d deep", SCN_MAX_DEPTH);
    s->kind = SCN_STMT_REPEAT;
    s->count = n->i;
    adv(p);
    int rc = expect_eol(p);
    if (rc)
        return rc;
    p->depth++;
    rc = parse_block(p, &s->body, &rt, &s->end_line, &s->end_col);
    p->depth--;
    return rc;
}

/* One statement at the cursor; *produced says whether s holds one (header
 * lines fill the file instead). */
static int parse_statement(struct parser *p, struct scn_stmt *s, bool *produced)
{
    char tdbuf[64];
    const struct scn_tok *t = cur(p);
    *produced = false;
    if (t->kind != SCN_TK_WORD)
        return SYNTAX(t, "expected a statement, found %s", TD(t));
    if (is_header_word(t)) {
        if (!p->seen_scenario && !is_word(t, "scenario"))
            return MEANING(t, "expected 'scenario NAME' before '%.*s'", (int)t->len, t->src);
        if (p->body_started && !is_word(t, "scenario"))
            return MEANING(t, "'%.*s' is a header statement: it must come before the first step", (int)t->len,
                           t->src);
        return parse_header(p, t);
    }
    if (!p->seen_scenario)
        return MEANING(t, "a step before the 'scenario' line");
    p->body_started = true;
    *produced = true;
    s->line = t->line;
    s->col = t->col;
    if (is_word(t, "repeat"))
        return parse_repeat(p, s);
    if (is_word(t, "expect")) {
        s->kind = SCN_STMT_EXPECT;
        adv(p);
        int rc = parse_expr(p, &s->expr);
        if (!rc && cur(p)->kind == SCN_TK_LBRACK)
            rc = parse_tags(p, &s->tags);
        if (!rc)
            rc = expect_eol(p);
        return rc;
    }
    s->kind = SCN_STMT_STEP;
    return parse_step(p, &s->step, false, NULL);
}

static int parse_block(struct parser *p, struct scn_block *out, const struct scn_tok *repeat_tok,
                       unsigned *end_line, unsigned *end_col)
{
    struct stmtvec sv = {0};
    size_t mark = p->nvis;
    int rc = 0;
    for (;;) {
        if (p->lx.eof) {
            if (repeat_tok)
                rc = err_at(p, HP_EPARSE, repeat_tok->line, repeat_tok->col, "'repeat' without 'end'");
            break;
        }
        if ((rc = scn_lex_line(&p->lx, &p->toks, &p->ntoks, &p->captoks)))
            goto out;
        p->i = 0;
        const struct scn_tok *t = cur(p);
        if (t->kind == SCN_TK_EOL)
            continue;
        if (is_word(t, "end")) {
            if (!repeat_tok) {
                rc = SYNTAX(t, "'end' without 'repeat'");
                goto out;
            }
            *end_line = t->line;
            *end_col = t->col;
            adv(p);
            if ((rc = expect_eol(p)))
                goto out;
            break;
        }
        struct scn_stmt s = {0};
        bool produced;
        if ((rc = parse_statement(p, &s, &produced)))
            goto out;
        if (produced) {
            if ((rc = scn_grow((void **)&sv.v, &sv.cap, sv.n + 1, sizeof *sv.v)))
                goto out;
            sv.v[sv.n++] = s;
        }
    }
    if (rc)
        goto out;
    p->nvis = mark;   /* the block's bindings go out of scope */
    if (sv.n) {
        out->v = scn_arena_dup(p->arena, sv.v, sv.n * sizeof *sv.v);
        if (!out->v) {
            rc = OOM();
            goto out;
        }
    }
    out->n = sv.n;
out:
    free(sv.v);
    return rc;
}

/* ---- Entry points ---------------------------------------------------------------------------- */

int scn_parse_buffer(const char *name, const char *text, size_t len, struct scn_file **out)
{
    *out = NULL;
    struct parser p = {0};
    int rc = 0;
    struct scn_arena *arena = scn_arena_new();
    if (!arena)
        return OOM();
    struct scn_file *f = scn_arena_alloc(arena, sizeof *f);
    if (!f || !(f->path = scn_arena_strndup(arena, name, strlen(name)))) {
        scn_arena_free(arena);
        return OOM();
    }
    f->arena_ = arena;
    f->start = SCN_DEFAULT_START;
    hp_sha256_hex(text, len, f->sha256);
    p.arena = arena;
    p.f = f;
    scn_lex_init(&p.lx, f->path, text, len, arena);

    struct scn_block body = {0};
    unsigned el, ec;
    if ((rc = parse_block(&p, &body, NULL, &el, &ec)))
        goto out;
    if (!p.seen_scenario) {
        rc = err_at(&p, HP_EINVAL, 1, 1, "expected 'scenario NAME' (the file has no statement)");
        goto out;
    }
    f->body = body;
    if (p.nslots && !(f->slots = scn_arena_dup(arena, p.slots, p.nslots * sizeof *p.slots))) {
        rc = OOM();
        goto out;
    }
    f->nslots = p.nslots;
    if (p.ncovers && !(f->covers.v = scn_arena_dup(arena, p.covers, p.ncovers * sizeof *p.covers))) {
        rc = OOM();
        goto out;
    }
    f->covers.n = p.ncovers;
    if ((rc = scn_number_checks(f)) || (rc = scn_resolve_names(f)))
        goto out;
    *out = f;
out:
    free(p.toks);
    free(p.vis);
    free(p.slots);
    free(p.covers);
    if (rc)
        scn_arena_free(arena);
    return rc;
}

int scn_parse_file(const char *path, struct scn_file **out)
{
    char *data;
    size_t len;
    *out = NULL;
    int rc = hp_read_file(path, &data, &len);
    if (rc)
        return rc;
    rc = scn_parse_buffer(path, data, len, out);
    free(data);
    return rc;
}

void scn_free(struct scn_file *f)
{
    if (f)
        scn_arena_free(f->arena_);
}
