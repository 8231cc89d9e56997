/*
 * harness/scn_text.c - a parsed step or expression back to text, for traces
 * and for the descriptions of checks, and the expansion of $class and
 * $namespace in string arguments.
 *
 * Invariant: the text is canonical and parses back to the same step: one
 * blank between tokens, options in a fixed order (by, flags, ctx, version,
 * rights, null-id, null-path, null-info, iid, size, aggregated, type-last,
 * wait, within) and only those that
 * were written, strings re-escaped, numbers and durations as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

void scn_sb_quote(struct scn_sb *b, const char *s)
{
    scn_sb_put(b, "\"", 1);
    for (; *s; s++) {
        switch (*s) {
        case '"': scn_sb_put(b, "\\\"", 2); break;
        case '\\': scn_sb_put(b, "\\\\", 2); break;
        case '\n': scn_sb_put(b, "\\n", 2); break;
        case '\t': scn_sb_put(b, "\\t", 2); break;
        case '\r': scn_sb_put(b, "\\r", 2); break;
        default: scn_sb_put(b, s, 1); break;
        }
    }
    scn_sb_put(b, "\"", 1);
}

static void put_duration(struct scn_sb *b, int64_t ns)
{
    static const struct { int64_t ns; const char *unit; } units[] = {
        {3600LL * 1000000000, "h"}, {60LL * 1000000000, "m"}, {1000000000, "s"},
        {1000000, "ms"}, {1000, "us"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (ns != 0 && ns % units[i].ns == 0) {
            scn_sb_printf(b, "%lld%s", (long long)(ns / units[i].ns), units[i].unit);
            return;
        }
    scn_sb_printf(b, "%lldns", (long long)ns);
}

static void put_ref(struct scn_sb *b, const struct scn_ref *r)
{
    scn_sb_puts(b, r->name);
    if (r->has_index) {
        if (r->index_last)
            scn_sb_puts(b, "[last]");
        else
            scn_sb_printf(b, "[%lld]", (long long)r->index);
    }
    if (r->field) {
        scn_sb_puts(b, ".");
        scn_sb_puts(b, r->field);
    }
}

static void put_arg(struct scn_sb *b, const struct scn_arg *a)
{
    switch (a->kind) {
    case SCN_ARG_REF:
        put_ref(b, &a->ref);
        break;
    case SCN_ARG_CLASS:
        scn_sb_puts(b, "$class");
        break;
    case SCN_ARG_NAMESPACE:
        scn_sb_puts(b, "$namespace");
        break;
    case SCN_ARG_STRING:
        scn_sb_quote(b, a->text);
        break;
    case SCN_ARG_KEY:
        scn_sb_puts(b, "key ");
        scn_sb_puts(b, a->text);
        scn_sb_puts(b, "=");
        if (a->value)
            put_arg(b, a->value);
        break;
    default:
        scn_sb_puts(b, a->text ? a->text : "?");
        break;
    }
}

static void put_options(struct scn_sb *b, const struct scn_options *o, unsigned mask)
{
    unsigned w = o->written & mask;
    if (w & SCN_OPT_BY)
        scn_sb_puts(b, o->by == SCN_BY_CLIENT_CLSID ? " by client-clsid" : " by clsid");
    if (w & SCN_OPT_FLAGS)
        scn_sb_printf(b, " flags %lld", (long long)o->flags);
    if (w & SCN_OPT_CTX)
        scn_sb_puts(b, o->ctx == SCN_CTX_NEW ? " ctx new" : " ctx null");
    if (w & SCN_OPT_VERSION)
        scn_sb_printf(b, " version %lld", (long long)o->version);
    if (w & SCN_OPT_RIGHTS) {
        if (!o->rights)
            scn_sb_puts(b, " rights none");
        else if (o->rights == (SCN_RIGHT_ENABLE | SCN_RIGHT_REMOTE_ENABLE))
            scn_sb_puts(b, " rights enable,remote-enable");
        else
            scn_sb_puts(b, o->rights == SCN_RIGHT_ENABLE ? " rights enable" : " rights remote-enable");
    }
    if (w & SCN_OPT_NULL_ID)
        scn_sb_puts(b, " null-id");
    if (w & SCN_OPT_NULL_PATH)
        scn_sb_puts(b, " null-path");
    if (w & SCN_OPT_NULL_INFO)
        scn_sb_puts(b, " null-info");
    if (w & SCN_OPT_IID)
        scn_sb_printf(b, " iid %s", o->iid ? o->iid : "?");
    if (w & SCN_OPT_SIZE)
        scn_sb_printf(b, " size %lld", (long long)o->size);
    if (w & SCN_OPT_AGGREGATED)
        scn_sb_puts(b, " aggregated");
    if (w & SCN_OPT_TYPE_LAST)
        scn_sb_puts(b, " type-last");
    if (w & SCN_OPT_WAIT) {
        scn_sb_puts(b, " wait ");
        put_duration(b, o->wait_ns);
    }
    if (w & SCN_OPT_WITHIN) {
        scn_sb_puts(b, " within ");
        put_duration(b, o->within_ns);
    }
}

/* on_opt: the options of the `on` whose STEP this is (its wait is written
 * where the step's options go). */
static void put_step(struct scn_sb *b, const struct scn_step *s, const struct scn_options *on_opt)
{
    if (s->bind && s->verb != SCN_V_SNAPSHOT) {
        scn_sb_puts(b, s->bind);
        scn_sb_puts(b, " = ");
    }
    switch (s->verb) {
    case SCN_V_THREAD:
        scn_sb_puts(b, "thread");
        if (s->nested) {
            scn_sb_puts(b, " ");
            put_step(b, s->nested, NULL);
        }
        return;
    case SCN_V_ON:
        scn_sb_puts(b, "on ");
        if (s->nargs)
            put_arg(b, &s->args[0]);
        scn_sb_puts(b, s->on.event == SCN_EVENT_REMOVE_OBJECTS ? " RemoveObjects" : " AddObjects");
        if (s->on.once)
            scn_sb_puts(b, " once");
        scn_sb_puts(b, ":");
        if (s->nested) {
            scn_sb_puts(b, " ");
            put_step(b, s->nested, &s->opt);
        }
        return;
    case SCN_V_FAULT:
        scn_sb_puts(b, "fault ");
        scn_sb_puts(b, s->fault.method_name ? s->fault.method_name : "?");
        if (s->fault.mode == SCN_FAULT_RANDOM)
            scn_sb_printf(b, " random %s seed %lld", s->fault.p_text ? s->fault.p_text : "?",
                          (long long)s->fault.seed);
        else
            scn_sb_printf(b, " %s %lld", s->fault.mode == SCN_FAULT_FROM ? "from" : "nth", (long long)s->fault.n);
        scn_sb_puts(b, " => ");
        scn_sb_puts(b, s->fault.result.text ? s->fault.result.text : "?");
        return;
    case SCN_V_SNAPSHOT:
        scn_sb_puts(b, "snapshot ");
        scn_sb_puts(b, s->bind ? s->bind : "?");
        scn_sb_puts(b, " = ");
        if (s->nargs)
            put_arg(b, &s->args[0]);
        return;
    default:
        break;
    }
    if (s->has_recv) {
        scn_sb_puts(b, s->recv.name);
        scn_sb_puts(b, ".");
    }
    scn_sb_puts(b, scn_verb_name(s->verb));
    for (size_t i = 0; i < s->nargs; i++) {
        scn_sb_puts(b, " ");
        put_arg(b, &s->args[i]);
    }
    put_options(b, &s->opt, ~0u);
    if (on_opt)
        put_options(b, on_opt, SCN_OPT_WAIT);
    if (s->has_hresult && s->expect.written) {
        scn_sb_puts(b, " => ");
        scn_sb_puts(b, s->expect.text);
    }
}

char *scn_step_text(const struct scn_step *s)
{
    struct scn_sb b = {0};
    put_step(&b, s, NULL);
    return scn_sb_take(&b);
}

static void put_calls(struct scn_sb *b, const struct scn_expr *e)
{
    scn_sb_printf(b, "calls %s", e->method_name ? e->method_name : "?");
    if (e->into == SCN_INTO_PROVIDER)
        scn_sb_puts(b, " into provider");
    else if (e->into == SCN_INTO_HOST)
        scn_sb_puts(b, " into host");
    if (e->filter == SCN_CALLS_FAILING)
        scn_sb_puts(b, " failing");
    else if (e->filter == SCN_CALLS_RETURNING)
        scn_sb_printf(b, " returning %s", e->returning.text ? e->returning.text : "?");
}

static void put_expr(struct scn_sb *b, const struct scn_expr *e)
{
    static const char *const words[] = {
        [SCN_X_UNCHANGED] = "unchanged since", [SCN_X_CHANGED] = "changed since",
        [SCN_X_UNTOUCHED] = "untouched since", [SCN_X_MATCHES] = "matches instances",
        [SCN_X_COUNT] = "count", [SCN_X_STATUS] = "status", [SCN_X_SETSTATUS_CALLS] = "setstatus-calls",
        [SCN_X_INDICATED] = "indicated", [SCN_X_TYPE] = "type", [SCN_X_ZEROED] = "zeroed",
        [SCN_X_VALUE] = "value", [SCN_X_COMPLETED] = "completed", [SCN_X_PROVIDER_REFS] = "provider-refs",
    };
    switch (e->kind) {
    case SCN_X_COMPARE:
        put_arg(b, &e->a);
        scn_sb_printf(b, " %s ", scn_cmp_text(e->op));
        put_arg(b, &e->b);
        return;
    case SCN_X_LEDGER_CLEAN:
        scn_sb_puts(b, "ledger clean");
        return;
    case SCN_X_LEDGER_NO_OVER_RELEASE:
        scn_sb_puts(b, "ledger no-over-release");
        return;
    case SCN_X_LEDGER_NO_LEAK:
        scn_sb_puts(b, "ledger no-leak");
        return;
    case SCN_X_CALLS:
        put_calls(b, e);
        scn_sb_printf(b, " %s ", scn_cmp_text(e->op));
        if (e->rhs)
            put_calls(b, e->rhs);
        else
            put_arg(b, &e->b);
        return;
    case SCN_X_NO_FINDING:
        scn_sb_printf(b, "no-finding %s", e->arg ? e->arg : "?");
        return;
    case SCN_X_FACT:
    case SCN_X_NUMBER:
    case SCN_X_HRESULT_OF:
        if (e->word && !strcmp(e->word, "no-client-refs")) {
            scn_sb_puts(b, "ledger no-client-refs");
            return;
        }
        if (e->word && !strcmp(e->word, "registration")) {
            scn_sb_printf(b, "registration %s", e->arg ? e->arg : "?");
            return;
        }
        put_arg(b, &e->a);
        scn_sb_printf(b, " %s", e->word ? e->word : "?");
        if (e->kind == SCN_X_NUMBER && e->word && !strcmp(e->word, "elapsed")) {
            scn_sb_printf(b, " %s per %s since ", e->property ? e->property : "?", e->arg ? e->arg : "?");
            put_arg(b, &e->b);
            scn_sb_printf(b, " %s ", scn_cmp_text(e->op));
            put_arg(b, &e->c);
        } else if (e->kind == SCN_X_NUMBER) {
            scn_sb_printf(b, " %s ", scn_cmp_text(e->op));
            put_arg(b, &e->b);
        } else if (e->kind == SCN_X_HRESULT_OF) {
            scn_sb_printf(b, " %s", e->status.text ? e->status.text : "?");
        } else if (e->arg) {
            scn_sb_printf(b, " %s", e->arg);
        }
        return;
    default:
        break;
    }
    put_arg(b, &e->a);
    scn_sb_puts(b, " ");
    scn_sb_puts(b, (unsigned)e->kind < sizeof words / sizeof words[0] && words[e->kind] ? words[e->kind] : "?");
    switch (e->kind) {
    case SCN_X_UNCHANGED:
    case SCN_X_CHANGED:
    case SCN_X_UNTOUCHED:
    case SCN_X_MATCHES:
        scn_sb_puts(b, " ");
        put_arg(b, &e->b);
        break;
    case SCN_X_COUNT:
    case SCN_X_SETSTATUS_CALLS:
    case SCN_X_INDICATED:
    case SCN_X_PROVIDER_REFS:
        scn_sb_printf(b, " %s ", scn_cmp_text(e->op));
        put_arg(b, &e->b);
        break;
    case SCN_X_STATUS:
        scn_sb_puts(b, " ");
        scn_sb_puts(b, e->status.text ? e->status.text : "?");
        break;
    case SCN_X_TYPE:
        scn_sb_puts(b, " ");
        scn_sb_puts(b, e->info_type ? e->info_type : "?");
        break;
    case SCN_X_VALUE:
        scn_sb_puts(b, " ");
        scn_sb_puts(b, e->property ? e->property : "?");
        break;
    default:
        break;
    }
}

char *scn_expr_text(const struct scn_expr *e)
{
    struct scn_sb b = {0};
    put_expr(&b, e);
    return scn_sb_take(&b);
}

char *scn_check_desc_step(const struct scn_step *s)
{
    struct scn_sb b = {0};
    put_step(&b, s, NULL);
    const struct scn_step *c = (s->verb == SCN_V_THREAD || s->verb == SCN_V_ON) ? s->nested : s;
    if (c && c->has_hresult && !c->expect.written)
        scn_sb_puts(&b, " => success");
    return scn_sb_take(&b);
}

char *scn_check_desc_expr(const struct scn_expr *e)
{
    struct scn_sb b = {0};
    scn_sb_puts(&b, "expect ");
    put_expr(&b, e);
    return scn_sb_take(&b);
}

char *scn_expand(const char *text, const char *class_name, const char *namespace_path)
{
    struct scn_sb b = {0};
    if (!class_name)
        class_name = "";
    if (!namespace_path)
        namespace_path = "";
    for (const char *s = text ? text : ""; *s;) {
        if (s[0] == '$' && s[1] == '$') {
            scn_sb_put(&b, "$", 1);
            s += 2;
        } else if (strncmp(s, "$namespace", 10) == 0) {
            scn_sb_puts(&b, namespace_path);
            s += 10;
        } else if (strncmp(s, "$class", 6) == 0) {
            scn_sb_puts(&b, class_name);
            s += 6;
        } else {
            scn_sb_put(&b, s, 1);
            s++;
        }
    }
    return scn_sb_take(&b);
}
