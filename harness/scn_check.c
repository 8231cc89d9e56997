/*
 * harness/scn_check.c - the checks of a scenario: numbering them in file
 * order, listing them for the oracle (oracle/check.h), and checking the
 * requirement IDs they name against the catalog.
 *
 * Which statements are checks (docs/scenario-language.md, "How a scenario
 * becomes verdicts"): every `expect` line; every step whose call returns an
 * HRESULT (with or without `=>`); for `thread` and `on`, their STEP.  A step
 * inside `repeat` is one check, observed as many times as it runs.
 *
 * Invariant: scn_number_checks() and scn_checks() walk the tree in the same
 * order with the same rule (is_check_step), so check i of scn_checks() is
 * the statement whose check_id is i.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

/* The step whose HRESULT a statement's check judges, or NULL. */
static const struct scn_step *checked_step(const struct scn_step *s)
{
    if (s->verb == SCN_V_THREAD || s->verb == SCN_V_ON)
        s = s->nested;
    return s && s->has_hresult ? s : NULL;
}

/* ---- Numbering (part of parsing) ---------------------------------------------- */

static int number_block(struct scn_file *f, const struct scn_block *b, unsigned *next)
{
    for (size_t i = 0; i < b->n; i++) {
        /* The tree is ours until the parser hands it out: cast away the
         * read-only view the public header gives. */
        struct scn_stmt *s = (struct scn_stmt *)&b->v[i];
        const struct scn_tags *tags = NULL;
        unsigned line = s->line, col = s->col;
        unsigned *id = NULL;
        if (s->kind == SCN_STMT_REPEAT) {
            int rc = number_block(f, &s->body, next);
            if (rc)
                return rc;
            continue;
        }
        if (s->kind == SCN_STMT_EXPECT) {
            tags = &s->tags;
            id = &s->check_id;
        } else {
            struct scn_step *c = (struct scn_step *)checked_step(&s->step);
            if (!c)
                continue;
            tags = &c->tags;
            id = &c->check_id;
            line = c->line;
            col = c->col;
        }
        if (tags->n == 0 && f->covers.n == 0)
            return hp_error_set_at(HP_EINVAL, f->path, line, col,
                                   "this check names no requirement: tag it [ID ...] or list IDs in 'covers'");
        *id = (*next)++;
    }
    return 0;
}

/* The canonical text of every check, in numbering order, into texts[1..]. */
static int describe_block(const struct scn_block *b, char **texts, size_t *n)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct scn_stmt *s = &b->v[i];
        char *t;
        if (s->kind == SCN_STMT_REPEAT) {
            int rc = describe_block(&s->body, texts, n);
            if (rc)
                return rc;
            continue;
        }
        if (s->kind == SCN_STMT_EXPECT)
            t = scn_check_desc_expr(&s->expr);
        else if (checked_step(&s->step))
            t = scn_check_desc_step(&s->step);
        else
            continue;
        if (!t)
            return HP_ENOMEM;
        texts[++*n] = t;
    }
    return 0;
}

/* Each check's key (scn.h): its text, control characters as spaces (keys
 * go into tab-separated baselines), " #k" for the k-th of equal texts. */
static int make_keys(struct scn_file *f)
{
    size_t n = 0;
    char **texts = scn_malloc((f->nchecks + 1) * sizeof *texts);
    const char **keys = scn_arena_alloc(f->arena_, (f->nchecks + 1) * sizeof *keys);
    if (!texts || !keys) {
        free(texts);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    int rc = describe_block(&f->body, texts, &n);
    for (size_t i = 1; !rc && i <= n; i++) {
        for (char *c = texts[i]; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = ' ';
        unsigned k = 1;
        for (size_t j = 1; j < i; j++)
            k += strcmp(texts[j], texts[i]) == 0;
        char suffix[16] = "";
        if (k > 1)
            snprintf(suffix, sizeof suffix, " #%u", k);
        size_t tl = strlen(texts[i]), sl = strlen(suffix);
        char *key = scn_arena_alloc(f->arena_, tl + sl + 1);
        if (!key) {
            rc = HP_ENOMEM;
            break;
        }
        memcpy(key, texts[i], tl);
        memcpy(key + tl, suffix, sl + 1);
        keys[i] = key;
    }
    for (size_t i = 1; i <= n; i++)
        free(texts[i]);
    free(texts);
    if (rc)
        return hp_error_set(HP_ENOMEM, "out of memory");
    f->check_keys = keys;
    return 0;
}

int scn_number_checks(struct scn_file *f)
{
    unsigned next = 1;
    int rc = number_block(f, &f->body, &next);
    f->nchecks = next - 1;
    return rc ? rc : make_keys(f);
}

/* ---- Listing ------------------------------------------------------------------ */

struct lister {
    const struct scn_file *f;
    struct scn_check *v;
    size_t n;
};

static int fill(struct lister *L, unsigned id, unsigned line, unsigned col, enum check_kind kind,
                const char *expected, const struct scn_tags *tags, char *desc)
{
    struct scn_check *c = &L->v[L->n++];
    c->id = id;
    c->key = L->f->check_keys[id];
    c->line = line;
    c->col = col;
    c->kind = kind;
    c->desc = desc;
    if (!desc)
        return HP_ENOMEM;
    if (!(c->expected = hp_strdup(expected)))
        return HP_ENOMEM;
    const struct scn_tags *t = tags->n ? tags : &L->f->covers;
    if (t->n) {
        if (!(c->reqs = scn_malloc(t->n * sizeof *c->reqs)))
            return HP_ENOMEM;
        for (size_t i = 0; i < t->n; i++) {
            size_t len = strlen(t->v[i].id);
            if (!(c->reqs[i] = scn_malloc(len + 1)))
                return HP_ENOMEM;
            memcpy(c->reqs[i], t->v[i].id, len + 1);
            c->nreqs++;
        }
    }
    return 0;
}

/* The expected text of an HRESULT check (oracle/check.h): success, failure,
 * any and names as written; a number as "0x%08X" whatever its writing. */
static const char *hresult_expected(const struct scn_expect *e, char hex[16])
{
    const char *t = e->text;
    if (e->kind != SCN_EXPECT_CODE || (t[0] >= 'A' && t[0] <= 'Z'))
        return t;
    snprintf(hex, 16, "0x%08X", (unsigned)(uint32_t)e->hr);
    return hex;
}

static void expr_kind(const struct scn_expr *e, enum check_kind *kind, const char **expected, char hex[16])
{
    switch (e->kind) {
    case SCN_X_COMPARE:
    case SCN_X_COUNT:
    case SCN_X_SETSTATUS_CALLS:
    case SCN_X_INDICATED:
    case SCN_X_CALLS:
    case SCN_X_PROVIDER_REFS:
    case SCN_X_NUMBER:
        *kind = CHECK_COMPARE;
        *expected = scn_cmp_text(e->op);
        return;
    case SCN_X_TYPE:
        *kind = CHECK_COMPARE;
        *expected = "==";
        return;
    case SCN_X_STATUS:
    case SCN_X_HRESULT_OF:
        *kind = CHECK_HRESULT;
        *expected = hresult_expected(&e->status, hex);
        return;
    case SCN_X_VALUE:
        *kind = CHECK_VALUE;
        *expected = "";
        return;
    default:
        *kind = CHECK_TRUE;
        *expected = "true";
        return;
    }
}

static int list_block(struct lister *L, const struct scn_block *b)
{
    int rc;
    for (size_t i = 0; i < b->n; i++) {
        const struct scn_stmt *s = &b->v[i];
        if (s->kind == SCN_STMT_REPEAT) {
            if ((rc = list_block(L, &s->body)))
                return rc;
        } else if (s->kind == SCN_STMT_EXPECT) {
            enum check_kind kind;
            const char *expected;
            char hex[16];
            expr_kind(&s->expr, &kind, &expected, hex);
            if ((rc = fill(L, s->check_id, s->line, s->col, kind, expected, &s->tags,
                           scn_check_desc_expr(&s->expr))))
                return rc;
        } else {
            const struct scn_step *c = checked_step(&s->step);
            char hex[16];
            if (c && (rc = fill(L, c->check_id, c->line, c->col, CHECK_HRESULT, hresult_expected(&c->expect, hex),
                                &c->tags, scn_check_desc_step(&s->step))))
                return rc;
        }
    }
    return 0;
}

void scn_checks_free(struct scn_check *checks, size_t n)
{
    if (!checks)
        return;
    for (size_t i = 0; i < n; i++) {
        free(checks[i].expected);
        free(checks[i].desc);
        for (size_t k = 0; k < checks[i].nreqs; k++)
            free(checks[i].reqs[k]);
        free(checks[i].reqs);
    }
    free(checks);
}

size_t scn_checks(const struct scn_file *f, struct scn_check **out)
{
    *out = NULL;
    if (f->nchecks == 0)
        return 0;
    struct lister L = {f, NULL, 0};
    L.v = scn_malloc(f->nchecks * sizeof *L.v);
    if (!L.v) {
        hp_error_set(HP_ENOMEM, "out of memory");
        return SIZE_MAX;
    }
    memset(L.v, 0, f->nchecks * sizeof *L.v);
    int rc = list_block(&L, &f->body);
    if (rc || L.n != f->nchecks) {
        scn_checks_free(L.v, L.n);
        if (!rc)
            hp_error_set(HP_EINTERNAL, "scn: %zu checks listed, %zu numbered", L.n, f->nchecks);
        else
            hp_error_set(HP_ENOMEM, "out of memory");
        return SIZE_MAX;
    }
    *out = L.v;
    return L.n;
}

/* ---- Requirement IDs against the catalog -------------------------------------------- */

struct req_walk {
    const struct scn_file *f;
    bool (*known)(const char *id, void *ud);
    void *ud;
};

static int check_tags(const struct req_walk *w, const struct scn_tags *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (!w->known(t->v[i].id, w->ud))
            return hp_error_set_at(HP_EINVAL, w->f->path, t->v[i].line, t->v[i].col,
                                   "unknown requirement ID '%s'", t->v[i].id);
    return 0;
}

static int check_block(const struct req_walk *w, const struct scn_block *b)
{
    int rc;
    for (size_t i = 0; i < b->n; i++) {
        const struct scn_stmt *s = &b->v[i];
        if (s->kind == SCN_STMT_REPEAT)
            rc = check_block(w, &s->body);
        else if (s->kind == SCN_STMT_EXPECT)
            rc = check_tags(w, &s->tags);
        else
            rc = check_tags(w, s->step.nested ? &s->step.nested->tags : &s->step.tags);
        if (rc)
            return rc;
    }
    return 0;
}

int scn_check_requirements(const struct scn_file *f, bool (*known)(const char *id, void *ud), void *ud)
{
    struct req_walk w = {f, known, ud};
    int rc = check_tags(&w, &f->covers);
    return rc ? rc : check_block(&w, &f->body);
}
