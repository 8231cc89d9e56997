/*
 * harness/exec_expect.c - what an `expect` line observes.  The executor
 * reports raw values (oracle/check.h): a comparison as its two operands, a
 * fact as b:true / b:false with the reason in the excerpt, a value check as
 * the value.  The oracle judges.
 *
 * Invariant: evaluating an expectation changes nothing the provider could
 * see, except `matches instances`, which asks the provider for the instance
 * set (a QueryInstances, journaled like any other call).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_private.h"
#include "journal.h"
#include "namespace.h"

static struct slotval *slot(struct exec *x, const struct scn_ref *r)
{
    return &x->slots[r->slot];
}

/* The object a reference names: a slot's object, or an instance of a set. */
static struct hobject *ref_object(struct exec *x, const struct scn_ref *r)
{
    struct slotval *v = slot(x, r);
    if (v->kind == SCN_H_SINK) {
        if (!v->ninst)
            return NULL;
        size_t i = r->index_last ? v->ninst - 1 : r->has_index ? (size_t)r->index : 0;
        return i < v->ninst ? hobject_from_iface(v->inst[i]) : NULL;
    }
    return v->obj;
}

/* An operand as typed text; owned. */
static char *operand(struct exec *x, const struct scn_arg *a)
{
    switch (a->kind) {
    case SCN_ARG_INT: return hp_sprintf("i:%" PRId64, a->i);
    case SCN_ARG_STRING: {
        char *e = scn_expand(a->text, x->class_name, x->host->namespace_path);
        char *s = hp_sprintf("s:%s", e ? e : "");
        free(e);
        return s;
    }
    case SCN_ARG_CLASS: return hp_sprintf("s:%s", x->class_name ? x->class_name : "");
    case SCN_ARG_NAMESPACE: return hp_sprintf("s:%s", x->host->namespace_path);
    case SCN_ARG_HRESULT: return hp_sprintf("h:0x%08" PRIX32, (uint32_t)a->hr);
    case SCN_ARG_DURATION: return hp_sprintf("i:%" PRId64, a->i);
    case SCN_ARG_REF: break;
    default: return hp_strdup("null");
    }
    struct slotval *v = slot(x, &a->ref);
    if (a->ref.field && (v->kind == SCN_H_REMOTE || v->kind == SCN_H_INFO) && !a->ref.field_is_id)
        return exec_guid_operand(x, &a->ref);
    if (a->ref.field_is_id)
        return hp_sprintf("i:%" PRId32, v->id);
    if (!a->ref.field) {
        /* A bare handle in a comparison: its size. */
        if (v->penum)
            return hp_sprintf("u:%zu", hpenum_count(v->penum));
        if (v->kind == SCN_H_SINK)
            return hp_sprintf("u:%zu", v->ninst);
        return hp_strdup("null");
    }
    if (v->kind == SCN_H_SNAPSHOT) {
        if (!v->snap_cls)
            return hp_strdup("null");
        int i = repo_prop_index(v->snap_cls, a->ref.field);
        return i < 0 ? hp_strdup("null") : exec_value_text(&v->values[i]);
    }
    struct hobject *o = ref_object(x, &a->ref);
    struct cim_value cv;
    if (!o || hobject_get(o, a->ref.field, &cv))
        return hp_strdup("null");
    char *t = exec_value_text(&cv);
    cim_value_clear(&cv);
    return t;
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted relpaths of a list of objects; owned array of owned strings. */
static char **keys_of(struct hobject **objs, size_t n)
{
    char **k = calloc(n ? n : 1, sizeof *k);
    for (size_t i = 0; k && i < n; i++) {
        k[i] = hobject_relpath(objs[i]);
        if (!k[i])
            k[i] = hp_strdup("(no key)");
    }
    if (k)
        qsort(k, n, sizeof *k, cmp_keys);
    return k;
}

static void free_keys(char **k, size_t n)
{
    for (size_t i = 0; k && i < n; i++)
        free(k[i]);
    free(k);
}

/* `E matches instances CLASS`: the enumerator's members against what the
 * provider reports now.  Fills *why when they differ. */
static bool matches(struct exec *x, struct slotval *v, const struct repo_class *cls, struct hp_buf *why)
{
    if (!v->penum || !cls) {
        hp_buf_puts(why, !cls ? "unknown class" : "the handle holds no enumerator");
        return false;
    }
    struct hpenum_item *items;
    size_t ne = hpenum_snapshot(v->penum, &items);
    struct hobject **eo = calloc(ne ? ne : 1, sizeof *eo);
    for (size_t i = 0; eo && i < ne; i++)
        eo[i] = hobject_from_iface(items[i].obj);
    char **ek = eo ? keys_of(eo, ne) : NULL;
    free(eo);
    hpenum_snapshot_free(items, ne);

    IWbemClassObject **objs;
    size_t ni;
    HRESULT hr = host_query_instances(x->host, cls, &objs, &ni);
    struct hobject **io = calloc(ni ? ni : 1, sizeof *io);
    for (size_t i = 0; io && i < ni; i++)
        io[i] = hobject_from_iface(objs[i]);
    char **ik = io ? keys_of(io, ni) : NULL;
    free(io);
    for (size_t i = 0; i < ni; i++)
        hobj_unref(hobject_hobj(hobject_from_iface(objs[i])), HP_ACTOR_HOST);
    free(objs);

    bool same = SUCCEEDED(hr) && ek && ik && ne == ni;
    for (size_t i = 0; same && i < ne; i++)
        same = strcmp(ek[i], ik[i]) == 0;
    if (FAILED(hr))
        hp_buf_printf(why, "QueryInstances for %s failed with 0x%08" PRIX32 "\n", cls->name, (uint32_t)hr);
    if (!same && ek && ik) {
        hp_buf_printf(why, "enumerator holds %zu, the provider reports %zu instances\n", ne, ni);
        /* The differences, both ways (both lists are sorted). */
        size_t i = 0, j = 0, shown = 0;
        while ((i < ne || j < ni) && shown < 12) {
            int c = i == ne ? 1 : j == ni ? -1 : strcmp(ek[i], ik[j]);
            if (c < 0) {
                hp_buf_printf(why, "  only in the enumerator: %s\n", ek[i++]);
                shown++;
            } else if (c > 0) {
                hp_buf_printf(why, "  missing from the enumerator: %s\n", ik[j++]);
                shown++;
            } else {
                i++, j++;
            }
        }
        /* Duplicates show as equal sizes with extra entries. */
        for (size_t k = 1; k < ne; k++)
            if (!strcmp(ek[k], ek[k - 1]))
                hp_buf_printf(why, "  duplicate in the enumerator: %s\n", ek[k]);
    }
    free_keys(ek, ne);
    free_keys(ik, ni);
    return same;
}

/* `O unchanged since S` (want_same) / `O changed since S`. */
static bool compare_snapshot(struct exec *x, struct slotval *v, struct slotval *snap, bool want_same,
                             struct hp_buf *why)
{
    (void)x;
    if (snap->kind != SCN_H_SNAPSHOT) {
        hp_buf_puts(why, "not a snapshot");
        return false;
    }
    if (v->penum) {
        struct hpenum_item *items;
        size_t n = hpenum_snapshot(v->penum, &items);
        struct hobject **o = calloc(n ? n : 1, sizeof *o);
        for (size_t i = 0; o && i < n; i++)
            o[i] = hobject_from_iface(items[i].obj);
        char **k = o ? keys_of(o, n) : NULL;
        free(o);
        hpenum_snapshot_free(items, n);
        char **sk = snap->keys ? calloc(snap->nkeys ? snap->nkeys : 1, sizeof *sk) : NULL;
        for (size_t i = 0; sk && i < snap->nkeys; i++)
            sk[i] = snap->keys[i];
        if (sk)
            qsort(sk, snap->nkeys, sizeof *sk, cmp_keys);
        bool same = k && sk && n == snap->nkeys;
        for (size_t i = 0; same && i < n; i++)
            same = strcmp(k[i], sk[i]) == 0;
        free(sk);
        free_keys(k, n);
        if (same != want_same)
            hp_buf_printf(why, "the enumerator's members %s\n", same ? "did not change" : "changed");
        return same == want_same;
    }
    if (!v->obj || !snap->snap_cls || hobject_class(v->obj) != snap->snap_cls) {
        hp_buf_puts(why, "the handle holds no object of the snapshot's class");
        return false;
    }
    size_t diffs = 0;
    for (size_t i = 0; i < snap->nvalues; i++) {
        struct cim_value cur;
        if (hobject_get_at(v->obj, i, &cur))
            continue;
        if (!cim_value_equal(&cur, &snap->values[i])) {
            if (diffs < 8 && want_same) {
                char *a = exec_value_text(&snap->values[i]), *b = exec_value_text(&cur);
                hp_buf_printf(why, "  %s: %s -> %s\n", snap->snap_cls->props[i].name, a ? a : "?", b ? b : "?");
                free(a);
                free(b);
            }
            diffs++;
        }
        cim_value_clear(&cur);
    }
    bool same = diffs == 0;
    if (same && !want_same)
        hp_buf_puts(why, "no property changed\n");
    return same == want_same;
}

static bool ledger_ok(struct exec *x, bool leaks, bool over, struct hp_buf *why)
{
    struct ledger *l = &x->host->ledger;
    size_t bad = 0;
    if (leaks && x->provider_released)
        ledger_check_leaks(l, HP_ACTOR_PROVIDER);
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < l->nfindings; i++) {
        const struct ledger_finding *f = &l->findings[i];
        /* Protocol findings (LEDGER_COM_RULE: "[hiperfenum.outside-refresh]",
         * "[com.identity]", ...) are judged by `no-finding` and `com`, each
         * against its own requirement, not here. */
        bool counts = (leaks && f->kind == LEDGER_LEAK && f->actor == HP_ACTOR_PROVIDER) ||
                      (over && f->kind != LEDGER_LEAK && f->kind != LEDGER_COM_RULE);
        if (!counts)
            continue;
        if (bad < 10)
            hp_buf_printf(why, "%s: %s\n", ledger_finding_kind_name(f->kind), f->text);
        bad++;
    }
    pthread_mutex_unlock(&l->lock);
    return bad == 0;
}

void exec_expect(struct exec *x, const struct scn_stmt *st)
{
    const struct scn_expr *e = &st->expr;
    unsigned no = atomic_load(&x->step_no);
    struct hp_buf why = {0};
    char *obs = NULL;
    int truth = -1;   /* CHECK_TRUE facts: 1 true, 0 false */
    struct slotval *v = e->a.kind == SCN_ARG_REF ? slot(x, &e->a.ref) : NULL;

    switch (e->kind) {
    case SCN_X_COMPARE: {
        char *a = operand(x, &e->a), *b = operand(x, &e->b);
        obs = hp_sprintf("%s\x1f%s", a ? a : "null", b ? b : "null");
        hp_buf_printf(&why, "%s %s %s\n", a ? a : "null", scn_cmp_text(e->op), b ? b : "null");
        free(a);
        free(b);
        break;
    }
    case SCN_X_CALLS:
    case SCN_X_FACT:
    case SCN_X_NUMBER:
    case SCN_X_HRESULT_OF:
    case SCN_X_NO_FINDING:
        obs = exec_fact(x, e, &why);
        break;
    case SCN_X_COUNT:
    case SCN_X_SETSTATUS_CALLS:
    case SCN_X_INDICATED: {
        uint64_t n = 0;
        if (v && e->kind == SCN_X_COUNT) {
            n = v->penum ? hpenum_count(v->penum) : v->ninst;
        } else if (v && v->sink) {
            struct objsink_stats s;
            objsink_get_stats(v->sink, &s);
            n = e->kind == SCN_X_INDICATED ? s.objects : s.complete_calls;
        }
        char *b = operand(x, &e->b);
        obs = hp_sprintf("u:%" PRIu64 "\x1f%s", n, b ? b : "null");
        free(b);
        break;
    }
    case SCN_X_PROVIDER_REFS: {
        /* The references the provider holds to the object or enumerator
         * now, from the ledger. */
        struct hobj *h = !v ? NULL : v->penum ? hpenum_hobj(v->penum) : v->obj ? hobject_hobj(v->obj) : NULL;
        int32_t n = h ? atomic_load(&h->by[HP_ACTOR_PROVIDER]) : 0;
        char *b = operand(x, &e->b);
        obs = hp_sprintf("i:%" PRId32 "\x1f%s", n, b ? b : "null");
        free(b);
        break;
    }
    case SCN_X_STATUS: {
        char hb[24];
        obs = hp_strdup(exec_hr_text(v ? v->result : E_UNEXPECTED, hb, sizeof hb));
        break;
    }
    case SCN_X_UNCHANGED:
    case SCN_X_CHANGED:
        truth = v && compare_snapshot(x, v, slot(x, &e->b.ref), e->kind == SCN_X_UNCHANGED, &why);
        break;
    case SCN_X_UNTOUCHED: {
        struct slotval *s = slot(x, &e->b.ref);
        uint64_t now = v && v->penum ? hpenum_mod_count(v->penum) : 0;
        truth = v && v->penum && s->kind == SCN_H_SNAPSHOT && now == s->mod_count;
        if (!truth)
            hp_buf_printf(&why, "the enumerator was modified %" PRIu64 " time(s) since the snapshot\n",
                          now - s->mod_count);
        break;
    }
    case SCN_X_MATCHES: {
        const struct repo_class *c = e->b.kind == SCN_ARG_CLASS ? x->cls : repo_class(x->repo, e->b.text);
        truth = v && matches(x, v, c, &why);
        break;
    }
    case SCN_X_LEDGER_CLEAN: truth = ledger_ok(x, true, true, &why); break;
    case SCN_X_LEDGER_NO_LEAK: truth = ledger_ok(x, true, false, &why); break;
    case SCN_X_LEDGER_NO_OVER_RELEASE: truth = ledger_ok(x, false, true, &why); break;
    case SCN_X_COMPLETED:
        truth = v && v->kind == SCN_H_THREAD && atomic_load(&v->done);
        break;
    case SCN_X_VALUE: {
        struct hobject *o = v ? ref_object(x, &e->a.ref) : NULL;
        struct cim_value cv;
        if (o && hobject_get(o, e->property, &cv) == 0) {
            obs = exec_value_text(&cv);
            cim_value_clear(&cv);
        } else {
            obs = hp_strdup("null");
        }
        break;
    }
    case SCN_X_TYPE:
        /* A comparison: the info's m_lType against the type named. */
        obs = exec_client_info_type(x, e, &why);
        break;
    case SCN_X_ZEROED:
        truth = exec_client_expect(x, e, &why);
        break;
    }
    if (truth >= 0)
        obs = hp_strdup(truth ? "b:true" : "b:false");
    char *ex = why.s ? hp_buf_steal(&why) : NULL;
    exec_observe(x, st->check_id, no, obs ? obs : "null", ex);
    free(ex);
    free(obs);
    hp_buf_free(&why);
}
