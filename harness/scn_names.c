/*
 * harness/scn_names.c - the pass after parsing that resolves the names the
 * parser only checked for shape: HRESULT names (`=> WBEM_E_NOT_FOUND`,
 * `status ...`, `fault ... => ...`, HRESULT operands of `expect`) against the
 * host's table (hp_hresult_parse), and method names (`fault`, `calls`)
 * against mocks/methods.h.  It is the only file of the front end that knows
 * the host, so the lexer and the parser stay free of it.
 *
 * Invariant: after this pass every SCN_EXPECT_CODE expectation and every
 * SCN_ARG_HRESULT holds its 32-bit value, every fault and `calls` its
 * enum hp_method; an unknown name is an error at its own position.
 */
#include <string.h>

#include "journal.h"
#include "methods.h"
#include "scn_private.h"

static int resolve_hresult(const struct scn_file *f, const char *text, unsigned line, unsigned col, int32_t *hr)
{
    /* Numbers were converted by the parser (with their range check). */
    if (!text || !((text[0] >= 'A' && text[0] <= 'Z') || (text[0] >= 'a' && text[0] <= 'z')))
        return 0;
    HRESULT v;
    if (!hp_hresult_parse(text, &v))
        return hp_error_set_at(HP_EINVAL, f->path, line, col, "unknown HRESULT '%s'", text);
    *hr = (int32_t)v;
    return 0;
}

static int resolve_expect(const struct scn_file *f, struct scn_expect *e)
{
    if (e->kind != SCN_EXPECT_CODE)
        return 0;
    return resolve_hresult(f, e->text, e->line, e->col, &e->hr);
}

static int resolve_method(const struct scn_file *f, const char *name, unsigned line, unsigned col, int *out)
{
    enum hp_method m;
    if (!hp_method_from_name(name, &m))
        return hp_error_set_at(HP_EINVAL, f->path, line, col,
                               "unknown method '%s' (write Interface::Method, like IWbemHiPerfEnum::AddObjects, "
                               "or Host::Alloc)", name);
    *out = (int)m;
    return 0;
}

/* One side of `calls`: its method and the HRESULT of `returning`. */
static int resolve_calls(const struct scn_file *f, struct scn_expr *e)
{
    int rc = resolve_method(f, e->method_name, e->method_line, e->method_col, &e->method);
    if (!rc && e->filter == SCN_CALLS_RETURNING)
        rc = resolve_expect(f, &e->returning);
    return rc;
}

static int resolve_arg(const struct scn_file *f, struct scn_arg *a)
{
    if (a->kind != SCN_ARG_HRESULT)
        return 0;
    return resolve_hresult(f, a->text, a->line, a->col, &a->hr);
}

static int resolve_step(const struct scn_file *f, struct scn_step *s)
{
    int rc;
    if (s->has_hresult && (rc = resolve_expect(f, &s->expect)))
        return rc;
    if (s->verb == SCN_V_FAULT) {
        if ((rc = resolve_method(f, s->fault.method_name, s->fault.method_line, s->fault.method_col,
                                 &s->fault.method)))
            return rc;
        if ((rc = resolve_expect(f, &s->fault.result)))
            return rc;
    }
    /* The tree is still the parser's: the const of the public view goes. */
    if (s->nested)
        return resolve_step(f, (struct scn_step *)s->nested);
    return 0;
}

static int resolve_block(const struct scn_file *f, const struct scn_block *b)
{
    int rc = 0;
    for (size_t i = 0; i < b->n && !rc; i++) {
        struct scn_stmt *s = (struct scn_stmt *)&b->v[i];
        switch (s->kind) {
        case SCN_STMT_REPEAT:
            rc = resolve_block(f, &s->body);
            break;
        case SCN_STMT_STEP:
            rc = resolve_step(f, &s->step);
            break;
        case SCN_STMT_EXPECT:
            if (s->expr.kind == SCN_X_STATUS || s->expr.kind == SCN_X_HRESULT_OF)
                rc = resolve_expect(f, &s->expr.status);
            else if (s->expr.kind == SCN_X_CALLS) {
                rc = resolve_calls(f, &s->expr);
                if (!rc && s->expr.rhs)
                    rc = resolve_calls(f, (struct scn_expr *)s->expr.rhs);
            } else if (s->expr.kind == SCN_X_COMPARE && !(rc = resolve_arg(f, &s->expr.a)))
                rc = resolve_arg(f, &s->expr.b);
            break;
        }
    }
    return rc;
}

int scn_resolve_names(struct scn_file *f)
{
    return resolve_block(f, &f->body);
}
