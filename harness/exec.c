/*
 * harness/exec.c - the step executor: runs one case (a scenario for one
 * class) inside a worker process, against the mock host and the provider,
 * and reports an observation for every check it reaches.  It never judges:
 * the oracle compares the observations with the expectations.
 *
 * Invariants: a STEP record goes out before a step runs (so a crash names
 * it); every reference the executor takes is dropped before the case ends,
 * after which the provider is unloaded; the journal's fake time always
 * equals the worker's fake clock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec_private.h"
#include "journal.h"
#include "namespace.h"
#include "refrsvc.h"

const char *exec_hr_text(HRESULT hr, char *buf, size_t size)
{
    snprintf(buf, size, "h:0x%08" PRIX32, (uint32_t)hr);
    return buf;
}

void exec_observe(struct exec *x, unsigned check_id, unsigned step_no, const char *observed,
                  const char *excerpt)
{
    if (!check_id)
        return;
    pthread_mutex_lock(&x->lock);
    unsigned iteration = ++x->iterations[check_id];
    pthread_mutex_unlock(&x->lock);
    proto_obs(x->w, x->scn->check_keys[check_id], iteration, step_no, observed, excerpt);
}

char *exec_excerpt(struct exec *x, uint64_t from, size_t max)
{
    struct journal *j = &x->host->journal;
    uint64_t to = journal_next_seq(j);
    if (to <= from)
        return NULL;
    struct hp_buf b = {0};
    uint64_t n = to - from;
    for (uint64_t s = from; s < to; s++) {
        /* Keep the first and the last lines of a long excerpt. */
        if (n > max && s == from + max / 2) {
            hp_buf_printf(&b, "... %" PRIu64 " more calls ...\n", n - max);
            s = to - (max - max / 2) - 1;
            continue;
        }
        struct journal_rec r;
        if (!journal_get(j, s, &r) || r.kind == JOURNAL_ENTER)
            continue;
        journal_format(j, &r, &b);
        hp_buf_putc(&b, '\n');
    }
    return hp_buf_steal(&b);
}

char *exec_value_text(const struct cim_value *v)
{
    if (v->null)
        return hp_strdup("null");
    CIMTYPE t = v->type & ~CIM_FLAG_ARRAY;
    if (v->type & CIM_FLAG_ARRAY) {
        char *m = cim_value_to_mof(v);
        char *s = hp_sprintf("s:%s", m ? m : "");
        free(m);
        return s;
    }
    switch (t) {
    case CIM_UINT8: case CIM_UINT16: case CIM_UINT32: case CIM_UINT64:
        return hp_sprintf("u:%" PRIu64, v->v.u);
    case CIM_SINT8: case CIM_SINT16: case CIM_SINT32: case CIM_SINT64: case CIM_CHAR16:
        return hp_sprintf("i:%" PRId64, v->v.i);
    case CIM_BOOLEAN:
        return hp_strdup(v->v.i ? "b:true" : "b:false");
    case CIM_REAL32: case CIM_REAL64:
        return hp_sprintf("r:%.17g", v->v.r);
    case CIM_STRING: case CIM_DATETIME: case CIM_REFERENCE:
        return hp_sprintf("s:%s", v->v.s ? v->v.s : "");
    default:
        return hp_strdup("null");
    }
}

/* The crash handler's view of the journal: the last records, formatted
 * without allocating (snprintf into the static buffer it is given). */
static size_t crash_tail(char *buf, size_t size, void *ud)
{
    struct exec *x = ud;
    struct journal *j = &x->host->journal;
    uint64_t to = atomic_load(&j->next);
    uint64_t from = to > 24 ? to - 24 : 0;
    size_t len = 0;
    for (uint64_t s = from; s < to && len + 160 < size; s++) {
        struct journal_rec r = j->ring[s & j->mask];
        if (r.seq != s)
            continue;
        int n = snprintf(buf + len, size - len, "#%" PRIu64 " thr%u %s->%s %s%s%s = 0x%08" PRIX32 "\n", r.seq,
                         (unsigned)r.thread, hp_actor_name((enum hp_actor)r.caller),
                         hp_actor_name((enum hp_actor)r.callee),
                         r.kind == JOURNAL_NOTE ? "note" : hp_method_name((enum hp_method)r.method),
                         r.kind == JOURNAL_ENTER ? " (entered, never returned)" : "", "", (uint32_t)r.hr);
        if (n < 0)
            break;
        len += (size_t)n < size - len ? (size_t)n : size - len - 1;
    }
    if (len < size)
        buf[len] = 0;
    return len;
}

void exec_slot_clear(struct exec *x, struct slotval *v)
{
    struct host *h = x->host;
    if (v->refresher && !v->foreign)
        host_provider_release(h, (IUnknown *)v->refresher, HPM_IWbemRefresher_Release);
    if (v->unk)
        host_provider_release(h, v->unk, HPM_IUnknown_Release);
    free(v->blobs_why);
    /* What the client holds it releases as a client: through the vtable. */
    enum hp_actor prev = hp_actor_set(v->holder == HP_ACTOR_CLIENT ? HP_ACTOR_CLIENT : HP_ACTOR_HOST);
    if (v->obj) {
        if (v->holder == HP_ACTOR_CLIENT)
            IWbemClassObject_Release(hobject_iface(v->obj));
        else
            hobj_unref(hobject_hobj(v->obj), HP_ACTOR_HOST);
    }
    if (v->penum) {
        if (v->holder == HP_ACTOR_CLIENT)
            IWbemHiPerfEnum_Release(hpenum_iface(v->penum));
        else
            hobj_unref(hpenum_hobj(v->penum), HP_ACTOR_HOST);
    }
    if (v->client)
        IWbemRefresher_Release(clientrefr_refresher(v->client));
    if (v->kind == SCN_H_INFO)
        exec_info_release(&v->info);
    if (v->remote)
        IWbemRemoteRefresher_Release(v->remote);
    hp_actor_set(prev);
    free(v->path);
    for (size_t i = 0; i < v->ninst; i++)
        hobj_unref(hobject_hobj(hobject_from_iface(v->inst[i])), HP_ACTOR_HOST);
    free(v->inst);
    if (v->sink)
        hobj_unref(objsink_hobj(v->sink), HP_ACTOR_HOST);
    for (size_t i = 0; i < v->nvalues; i++)
        cim_value_clear(&v->values[i]);
    free(v->values);
    for (size_t i = 0; i < v->nkeys; i++)
        free(v->keys[i]);
    free(v->keys);
    if (v->started && !v->joined)
        pthread_join(v->thread, NULL);
    memset(v, 0, sizeof *v);
    v->refresher_slot = -1;
}

static int run_block(struct exec *x, const struct scn_block *b);

static int run_stmt(struct exec *x, const struct scn_stmt *st)
{
    if (atomic_load(&x->stop))
        return HP_EINVAL;
    switch (st->kind) {
    case SCN_STMT_STEP:
        return exec_step(x, &st->step);
    case SCN_STMT_EXPECT: {
        unsigned no = atomic_fetch_add(&x->step_no, 1) + 1;
        char *text = scn_expr_text(&st->expr);
        proto_step(x->w, no, st->line, text ? text : "expect");
        free(text);
        exec_expect(x, st);
        return 0;
    }
    case SCN_STMT_REPEAT:
        for (int64_t i = 0; i < st->count; i++) {
            int rc = run_block(x, &st->body);
            if (rc)
                return rc;
        }
        return 0;
    }
    return 0;
}

static int run_block(struct exec *x, const struct scn_block *b)
{
    for (size_t i = 0; i < b->n; i++) {
        int rc = run_stmt(x, &b->v[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* The class a case runs for, checked against the scenario's for-each. */
static int resolve_class(struct exec *x)
{
    const char *name = x->args->class_name;
    if (x->scn->for_each == SCN_FOR_NONE && (!name || !*name))
        return 0;
    if (!name || !*name)
        return hp_error_set(HP_EINVAL, "%s: the scenario runs for each class, but no class was given",
                            x->scn->path);
    x->cls = repo_class(x->repo, name);
    if (!x->cls)
        return hp_error_set(HP_EINVAL, "class %s is not in %s", name, x->args->mof);
    x->class_name = x->cls->name;
    if ((x->scn->needs & SCN_NEEDS_PERF) && !repo_class_is_a(x->cls, "Win32_Perf")) {
        proto_skip(x->w, "the class does not derive from Win32_Perf: the scenario needs its timestamps");
        atomic_store(&x->stop, true);
    }
    if (x->scn->needs & SCN_NEEDS_KEYS) {
        bool keyed = false;
        for (size_t i = 0; i < x->cls->nprops && !keyed; i++)
            keyed = x->cls->props[i].key;
        if (!keyed) {
            proto_skip(x->w, "the class has no key property (a singleton): the scenario needs keys");
            atomic_store(&x->stop, true);
        }
    }
    return 0;
}

static void teardown(struct exec *x)
{
    /* Threads the hooks started first, then the handles (they may hold
     * provider objects), then the provider. */
    exec_join_hooks();
    for (size_t i = 0; i < x->scn->nslots; i++)
        exec_slot_clear(x, &x->slots[i]);
    /* The server side of the refreshing services holds provider
     * refreshers: it goes before the provider. */
    refrsvc_shutdown(x->host);
    if (x->foreign)
        hobj_unref(hostrefr_hobj(x->foreign), HP_ACTOR_HOST);
    host_unload_providers(x->host, NULL);
}

int exec_case(const struct worker_args *args, struct proto_writer *w)
{
    struct exec x = {.args = args, .w = w};
    int status = 0;
    pthread_mutex_init(&x.lock, NULL);
    hp_actor_set(HP_ACTOR_HOST);

    int rc = scn_parse_file(args->scenario, &x.scn);
    if (rc) {
        proto_error(w, hp_error_message());
        status = hp_error_exit_status(rc);
        goto out;
    }
    x.repo = repo_new();
    if (!x.repo) {
        proto_error(w, "out of memory");
        status = 3;
        goto out;
    }
    if (!args->mof) {
        proto_error(w, "no MOF was given");
        status = 2;
        goto out;
    }
    rc = mof_load_file(x.repo, args->mof);
    if (!rc)
        rc = resolve_class(&x);
    if (rc) {
        proto_error(w, hp_error_message());
        status = hp_error_exit_status(rc);
        goto out;
    }
    if (host_new(&x.host, x.repo, NULL) || (args->provider && host_set_provider_file(x.host, args->provider))) {
        proto_error(w, hp_error_message());
        status = 3;
        goto out;
    }
    worker_set_crash_tail(crash_tail, &x);
    x.slots = calloc(x.scn->nslots + 1, sizeof *x.slots);
    x.iterations = calloc(x.scn->nchecks + 1, sizeof *x.iterations);
    if (!x.slots || !x.iterations) {
        proto_error(w, "out of memory");
        status = 3;
        goto out;
    }
    for (size_t i = 0; i < x.scn->nslots; i++)
        x.slots[i].refresher_slot = -1;
    x.threads_at_start = exec_thread_count();

    run_block(&x, &x.scn->body);
    teardown(&x);
    exec_nswrap_free_all(&x);

out:
    worker_set_crash_tail(NULL, NULL);
    if (x.host)
        host_free(x.host);
    free(x.slots);
    free(x.iterations);
    repo_free(x.repo);
    scn_free(x.scn);
    pthread_mutex_destroy(&x.lock);
    return status;
}

void exec_step_done(struct exec *x, const struct scn_step *s, unsigned no, uint64_t from, HRESULT hr,
                    struct slotval *bound)
{
    if (bound) {
        pthread_mutex_lock(&x->lock);
        struct slotval old = x->slots[s->bind_slot];
        x->slots[s->bind_slot] = *bound;
        pthread_mutex_unlock(&x->lock);
        if (old.kind)
            exec_slot_clear(x, &old);
    }
    if (s->has_hresult) {
        char hb[24];
        char *ex = exec_excerpt(x, from, 16);
        exec_observe(x, s->check_id, no, exec_hr_text(hr, hb, sizeof hb), ex);
        free(ex);
    }
}
