/*
 * oracle/run.c - runs and cases: starting a run, judging a finished case
 * (its observations, the expected failures, the case's own verdict) and
 * storing it, finishing the run, judging a stored run again; and the
 * todos those judgements apply (adding, removing, listing them).
 *
 * Invariant: a case is written in exactly one transaction with all its
 * observations and verdicts, so the database only ever holds whole cases;
 * a run is complete only after oracle_finish_run().  The judgement of a
 * case depends only on its observations, the scenario version, the
 * provider's baseline and the todos, never on the order cases arrive in.
 */
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_private.h"

/* ---- Identity ---------------------------------------------------------------- */

bool oracle_normalize_clsid(char out[39], const char *clsid)
{
    if (!clsid)
        return false;
    const char *p = clsid;
    size_t n = strlen(p);
    if (n == 38 && p[0] == '{' && p[37] == '}') {
        p++;
        n = 36;
    }
    if (n != 36)
        return false;
    out[0] = '{';
    for (size_t i = 0; i < 36; i++) {
        char c = p[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (c >= 'a' && c <= 'f') {
            c = (char)(c - 'a' + 'A');
        } else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
        out[i + 1] = c;
    }
    out[37] = '}';
    out[38] = 0;
    return true;
}

/* ---- The run context ----------------------------------------------------------- */

void oracle_run_ctx_free(struct oracle_run_ctx *r)
{
    for (size_t i = 0; i < r->ntodos; i++) {
        free(r->todos[i].scenario);
        free(r->todos[i].class_pattern);
        free(r->todos[i].check_id);
        free(r->todos[i].reason);
    }
    free(r->todos);
    free(r->provider_name);
    free(r->provider_clsid);
    memset(r, 0, sizeof *r);
}

/* The baseline set of an identity: *set 0 when none. */
static int find_baseline_set(int64_t *set, bool *reference, struct oracle *o, const char *name, const char *clsid)
{
    sqlite3_stmt *st;
    *set = 0;
    *reference = false;
    int rc = oracle_prepare(&st, o, "SELECT id, origin FROM baseline_sets"
                                    " WHERE provider_name = ?1 AND provider_clsid = ?2");
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, clsid, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *set = sqlite3_column_int64(st, 0);
        *reference = !strcmp((const char *)sqlite3_column_text(st, 1), "reference");
    } else if (r != SQLITE_DONE) {
        rc = oracle_db_error(o, "look up a baseline");
    }
    sqlite3_finalize(st);
    return rc;
}

int oracle_run_ctx_load(struct oracle *o, int64_t run_id)
{
    oracle_run_ctx_free(&o->run);
    struct oracle_run_ctx *r = &o->run;
    sqlite3_stmt *st;
    int rc = oracle_prepare(&st, o, "SELECT provider_name, provider_clsid, complete FROM runs WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        r->provider_name = oracle_col_strdup(st, 0);
        r->provider_clsid = oracle_col_strdup(st, 1);
        r->complete = sqlite3_column_int(st, 2) != 0;
        if (!r->provider_name || !r->provider_clsid)
            rc = hp_error_set(HP_ENOMEM, "out of memory");
    } else if (s == SQLITE_DONE) {
        rc = hp_error_set(HP_ENOTFOUND, "run %lld: no such run", (long long)run_id);
    } else {
        rc = oracle_db_error(o, "read a run");
    }
    sqlite3_finalize(st);
    if (rc)
        goto fail;
    if ((rc = find_baseline_set(&r->baseline_set, &r->reference, o, r->provider_name, r->provider_clsid)) != 0)
        goto fail;
    rc = oracle_prepare(&st, o, "SELECT id, scenario, class_pattern, check_id, reason FROM todos"
                                " WHERE (provider_name = '*' OR provider_name = ?1)"
                                " AND (provider_clsid = '*' OR provider_clsid = ?2) ORDER BY id");
    if (rc)
        goto fail;
    sqlite3_bind_text(st, 1, r->provider_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->provider_clsid, -1, SQLITE_STATIC);
    size_t cap = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (hp_grow((void **)&r->todos, &cap, r->ntodos + 1, sizeof *r->todos)) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            break;
        }
        struct oracle_todo *t = &r->todos[r->ntodos++];
        memset(t, 0, sizeof *t);
        t->id = sqlite3_column_int64(st, 0);
        t->scenario = oracle_col_strdup(st, 1);
        t->class_pattern = oracle_col_strdup(st, 2);
        t->check_id = oracle_col_strdup(st, 3);
        t->reason = oracle_col_strdup(st, 4);
        if (!t->scenario || !t->class_pattern || !t->check_id || !t->reason) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && s != SQLITE_DONE)
        rc = oracle_db_error(o, "read the todos");
    sqlite3_finalize(st);
    if (rc)
        goto fail;
    r->id = run_id;
    return 0;
fail:
    oracle_run_ctx_free(r);
    return rc;
}

/* ---- Begin and finish -------------------------------------------------------------- */

int oracle_begin_run(int64_t *run_id, struct oracle *o, const struct oracle_run_def *d)
{
    *run_id = 0;
    char clsid[39];
    if (!d->provider_name || !*d->provider_name)
        return hp_error_set(HP_EINVAL, "a run needs the provider's registered name");
    if (!oracle_normalize_clsid(clsid, d->provider_clsid))
        return hp_error_set(HP_EINVAL, "'%s' is not a CLSID", d->provider_clsid ? d->provider_clsid : "(null)");
    if (!d->provider_path || !d->harness_version)
        return hp_error_set(HP_EINVAL, "a run needs the provider path and the harness version");
    int rc = oracle_tx_begin(o);
    if (rc)
        return rc;
    int64_t set;
    bool reference;
    sqlite3_stmt *st = NULL;
    if ((rc = find_baseline_set(&set, &reference, o, d->provider_name, clsid)) != 0)
        goto out;
    rc = oracle_prepare(&st, o,
                        "INSERT INTO runs(provider_path, provider_sha256, provider_name, provider_clsid, mof_path,"
                        " harness_version, oracle_version, options, hostname, started_ms, complete, reference,"
                        " baseline)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12)");
    if (rc)
        goto out;
    sqlite3_bind_text(st, 1, d->provider_path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, d->provider_sha256 ? d->provider_sha256 : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->provider_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, clsid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, d->mof_path ? d->mof_path : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, d->harness_version, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, ORACLE_SCHEMA_VERSION);
    sqlite3_bind_text(st, 8, d->options ? d->options : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, d->hostname ? d->hostname : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, d->started_ms);
    sqlite3_bind_int(st, 11, reference);
    sqlite3_bind_text(st, 12, set == 0 || d->record_values ? "none" : reference ? "reference" : "blessed", -1,
                      SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = oracle_db_error(o, "store a run");
        goto out;
    }
    *run_id = sqlite3_last_insert_rowid(o->db);
    rc = oracle_tx_commit(o);
out:
    sqlite3_finalize(st);
    if (rc) {
        oracle_tx_rollback(o);
        *run_id = 0;
        return rc;
    }
    if ((rc = oracle_run_ctx_load(o, *run_id)) != 0)
        return rc;
    if (d->record_values)
        o->run.baseline_set = 0;   /* this run's cases are judged without the identity's baseline */
    return 0;
}

int oracle_finish_run(struct oracle *o, int64_t run_id, int64_t ended_ms)
{
    int rc = oracle_tx_begin(o);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if ((rc = oracle_prepare(&st, o, "UPDATE runs SET ended_ms = ?1, complete = 1 WHERE id = ?2")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, ended_ms);
    sqlite3_bind_int64(st, 2, run_id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = oracle_db_error(o, "finish a run");
        goto out;
    }
    if (sqlite3_changes(o->db) == 0) {
        rc = hp_error_set(HP_ENOTFOUND, "run %lld: no such run", (long long)run_id);
        goto out;
    }
    rc = oracle_tx_commit(o);
    if (!rc && o->run.id == run_id)
        o->run.complete = true;
out:
    sqlite3_finalize(st);
    if (rc)
        oracle_tx_rollback(o);
    return rc;
}

/* ---- Judging a case -------------------------------------------------------------------- */

struct judged {
    enum verdict v;          /* after todos */
    int todo;                /* 0, 1 XFAIL, 2 unexpected pass */
    char *msg;               /* NULL for a plain PASS; owned unless msg_static */
    bool msg_static;         /* msg is a constant or borrowed from the observation */
    const char *baseline;    /* the value judged against (CHECK_VALUE), borrowed from the case's baseline */
    const struct oracle_check *chk;   /* NULL: unknown check id */
    bool counts_as_skip;     /* a SKIP that makes the case SKIP */
};

/* One baseline value of the case being judged; the strings live in the
 * judgement's arena. */
struct bl_entry {
    const char *check_id;
    int64_t iteration;
    const char *value;
};

struct case_judgement {
    struct judged *obs;
    size_t n;
    struct bl_entry *bl;     /* the case's baseline values, sorted by check id, iteration */
    size_t nbl;
    char *arena;             /* their strings */
    enum verdict verdict;
    int todo;
    char *message;           /* owned */
    char *requirements;      /* owned */
    unsigned step_no;
    const char *step;        /* borrowed from the case or the scenario */
};

static void judgement_free(struct case_judgement *j)
{
    for (size_t i = 0; i < j->n; i++)
        if (!j->obs[i].msg_static)
            free(j->obs[i].msg);
    free(j->bl);
    free(j->arena);
    free(j->obs);
    free(j->message);
    free(j->requirements);
    memset(j, 0, sizeof *j);
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGPIPE: return "SIGPIPE";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGALRM: return "SIGALRM";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGHUP: return "SIGHUP";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "signal";
    }
}

static bool todo_matches(const struct oracle_todo *t, const char *scenario, const char *class_name)
{
    if (strcmp(t->scenario, "*") != 0 && strcmp(t->scenario, scenario) != 0)
        return false;
    return fnmatch(t->class_pattern, class_name, FNM_CASEFOLD) == 0;
}

/* Reads the baseline values of one case (provider, scenario, class) in one
 * range scan: a lookup per value observation would cost as much as
 * storing it. */
static int load_case_baseline(struct case_judgement *j, struct oracle *o, const struct oracle_scenario *s,
                              const char *class_name)
{
    sqlite3_stmt *st = oracle_stmt(o, ST_BASELINE_CASE);
    if (!st)
        return HP_EDB;
    sqlite3_bind_int64(st, 1, o->run.baseline_set);
    sqlite3_bind_text(st, 2, s->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, class_name, -1, SQLITE_STATIC);
    /* Strings go into one buffer as offsets first (it moves as it grows). */
    struct hp_buf arena = {0};
    size_t cap = 0;
    int r, rc = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (hp_grow((void **)&j->bl, &cap, j->nbl + 1, sizeof *j->bl)) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            break;
        }
        struct bl_entry *e = &j->bl[j->nbl++];
        e->check_id = (const char *)(uintptr_t)arena.len;
        hp_buf_append(&arena, (const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0) + 1);
        e->iteration = sqlite3_column_int64(st, 1);
        e->value = (const char *)(uintptr_t)arena.len;
        hp_buf_append(&arena, (const char *)sqlite3_column_text(st, 2), (size_t)sqlite3_column_bytes(st, 2) + 1);
    }
    if (!rc && r != SQLITE_DONE)
        rc = oracle_db_error(o, "read a baseline");
    if (!rc && arena.oom)
        rc = hp_error_set(HP_ENOMEM, "out of memory");
    sqlite3_reset(st);
    if (rc) {
        hp_buf_free(&arena);
        return rc;
    }
    j->arena = arena.s;   /* NULL when the case has no baseline value */
    for (size_t i = 0; i < j->nbl; i++) {
        j->bl[i].check_id = j->arena + (uintptr_t)j->bl[i].check_id;
        j->bl[i].value = j->arena + (uintptr_t)j->bl[i].value;
    }
    return 0;
}

static const char *case_baseline_value(const struct case_judgement *j, const char *check_id, int64_t iteration)
{
    size_t lo = 0, hi = j->nbl;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(j->bl[mid].check_id, check_id);
        if (c == 0)
            c = j->bl[mid].iteration < iteration ? -1 : j->bl[mid].iteration > iteration;
        if (c == 0)
            return j->bl[mid].value;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Puts "prefix: " before *msg; *msg becomes owned (the old one is freed
 * unless *is_static). */
static int prefix_msg(char **msg, bool *is_static, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int prefix_msg(char **msg, bool *is_static, const char *fmt, ...)
{
    struct hp_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (*msg && **msg) {
        hp_buf_puts(&b, ": ");
        hp_buf_puts(&b, *msg);
    }
    char *n = hp_buf_steal(&b);
    if (!n)
        return hp_error_set(HP_ENOMEM, "out of memory");
    if (!*is_static)
        free(*msg);
    *msg = n;
    *is_static = false;
    return 0;
}

static bool is_failure(enum verdict v)
{
    return v == VERDICT_FAIL || v == VERDICT_WARN;
}

/* Applies the check-level todos (check_id given) to the judged
 * observations: per check and case, failing observations become XFAIL when
 * at least one failed, every observation becomes "unexpected pass" when
 * none did. */
static int apply_check_todos(struct case_judgement *j, const struct oracle_case_def *c,
                             const struct oracle_todo *const *todos, size_t ntodos)
{
    for (size_t t = 0; t < ntodos; t++) {
        const struct oracle_todo *td = todos[t];
        if (!strcmp(td->check_id, "*"))
            continue;
        bool any = false, failed = false;
        for (size_t i = 0; i < j->n; i++) {
            if (j->obs[i].todo || strcmp(c->obs[i].check_id, td->check_id) != 0)
                continue;
            any = true;
            failed |= is_failure(j->obs[i].v);
        }
        if (!any)
            continue;
        for (size_t i = 0; i < j->n; i++) {
            struct judged *jo = &j->obs[i];
            if (jo->todo || strcmp(c->obs[i].check_id, td->check_id) != 0)
                continue;
            int rc = 0;
            if (failed && is_failure(jo->v)) {
                jo->v = VERDICT_PASS;
                jo->todo = 1;
                rc = prefix_msg(&jo->msg, &jo->msg_static, "expected failure (todo %lld: %s)", (long long)td->id,
                                td->reason);
            } else if (!failed && jo->v == VERDICT_PASS) {
                jo->v = VERDICT_FAIL;
                jo->todo = 2;
                if (!jo->msg_static)
                    free(jo->msg);
                jo->msg = NULL;
                jo->msg_static = false;
                rc = prefix_msg(&jo->msg, &jo->msg_static, "unexpected pass: remove the todo (todo %lld: %s)",
                                (long long)td->id, td->reason);
            }
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Adds the IDs in a space-separated or array list to a sorted set. */
static int add_ids(char ***set, size_t *n, size_t *cap, char *const *ids, size_t nids)
{
    for (size_t k = 0; k < nids; k++) {
        size_t lo = 0, hi = *n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp((*set)[mid], ids[k]);
            if (c == 0) {
                lo = SIZE_MAX;
                break;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == SIZE_MAX)
            continue;
        if (hp_grow((void **)set, cap, *n + 1, sizeof **set))
            return hp_error_set(HP_ENOMEM, "out of memory");
        memmove(&(*set)[lo + 1], &(*set)[lo], (*n - lo) * sizeof **set);
        (*set)[lo] = ids[k];   /* borrowed from the scenario */
        (*n)++;
    }
    return 0;
}

static int judge_case(struct case_judgement *j, struct oracle *o, const struct oracle_scenario *s,
                      const struct oracle_case_def *c)
{
    memset(j, 0, sizeof *j);
    const char *klass = c->class_name ? c->class_name : "";
    j->n = c->nobs;
    j->obs = calloc(c->nobs ? c->nobs : 1, sizeof *j->obs);
    if (!j->obs)
        return hp_error_set(HP_ENOMEM, "out of memory");

    /* The todos that apply to this case. */
    const struct oracle_todo *todos[16];
    const struct oracle_todo **tv = todos;
    size_t ntodos = 0;
    if (o->run.ntodos > sizeof todos / sizeof todos[0]) {
        tv = calloc(o->run.ntodos, sizeof *tv);
        if (!tv)
            return hp_error_set(HP_ENOMEM, "out of memory");
    }
    const struct oracle_todo *case_todo = NULL;
    for (size_t t = 0; t < o->run.ntodos; t++)
        if (todo_matches(&o->run.todos[t], s->name, klass)) {
            tv[ntodos++] = &o->run.todos[t];
            if (!case_todo && !strcmp(o->run.todos[t].check_id, "*"))
                case_todo = &o->run.todos[t];
        }

    bool no_baseline = o->run.baseline_set == 0;
    int rc = 0;
    if (!no_baseline) {
        bool any_value = false;
        for (size_t i = 0; i < c->nobs && !any_value; i++) {
            const struct oracle_check *chk = c->obs[i].check_id ? oracle_scenario_check(s, c->obs[i].check_id) : NULL;
            any_value = chk && chk->kind == CHECK_VALUE;
        }
        if (any_value && (rc = load_case_baseline(j, o, s, klass)) != 0)
            goto out;
    }
    for (size_t i = 0; i < c->nobs; i++) {
        const struct oracle_observation *ob = &c->obs[i];
        struct judged *jo = &j->obs[i];
        const struct oracle_check *chk = ob->check_id ? oracle_scenario_check(s, ob->check_id) : NULL;
        jo->chk = chk;
        if (!chk) {
            jo->v = VERDICT_ERROR;
            jo->msg = hp_sprintf("the worker reported check '%s', which scenario %s does not have",
                                 ob->check_id ? ob->check_id : "(null)", s->name);
            if (!jo->msg) {
                rc = hp_error_set(HP_ENOMEM, "out of memory");
                goto out;
            }
            continue;
        }
        struct oracle_judge_input in = {
            .kind = chk->kind,
            .expected = chk->expected,
            .level = chk->level,
            .observed = ob->observed,
        };
        if (chk->kind == CHECK_VALUE) {
            if (no_baseline) {
                in.baseline_state = ORACLE_BASELINE_NONE;
            } else if ((jo->baseline = case_baseline_value(j, ob->check_id, ob->iteration)) != NULL) {
                in.baseline_state = ORACLE_BASELINE_FOUND;
                in.baseline = jo->baseline;
            } else {
                in.baseline_state = o->run.reference ? ORACLE_BASELINE_REF_MISSING : ORACLE_BASELINE_MISSING;
            }
        }
        if ((rc = oracle_judge_parsed(&jo->v, &jo->msg, &jo->msg_static, &in, &chk->exp)) != 0)
            goto out;
        jo->counts_as_skip = jo->v == VERDICT_SKIP
                             && (chk->kind == CHECK_SKIP || (s->needs_baseline && no_baseline && !o->run.reference));
    }
    if ((rc = apply_check_todos(j, c, tv, ntodos)) != 0)
        goto out;

    /* The case's verdict. */
    const char *last = c->last_step ? c->last_step : "";
    j->step_no = c->last_step_no;
    j->step = last;
    bool from_status = true;
    switch (c->status) {
    case ORACLE_WORKER_SIGNALED:
        j->verdict = VERDICT_CRASH;
        j->message = hp_sprintf("the worker was killed by %s (%d) at step %u%s%s", signal_name(c->status_value),
                                c->status_value, c->last_step_no, *last ? ": " : "", last);
        break;
    case ORACLE_WORKER_TIMEOUT:
        j->verdict = VERDICT_TIMEOUT;
        j->message = hp_sprintf("the case ran out of time at step %u%s%s", c->last_step_no, *last ? ": " : "", last);
        break;
    case ORACLE_WORKER_ERROR:
        j->verdict = VERDICT_ERROR;
        j->message = hp_sprintf("the harness could not run the case: %s",
                                c->status_text && *c->status_text ? c->status_text : "no reason given");
        break;
    case ORACLE_WORKER_EXITED:
    default:
        if (c->status_value != 0) {
            j->verdict = VERDICT_CRASH;
            j->message = hp_sprintf("the worker exited with status %d at step %u%s%s", c->status_value,
                                    c->last_step_no, *last ? ": " : "", last);
            break;
        }
        from_status = false;
        break;
    }
    if (from_status && !j->message) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }

    /* Requirement IDs the verdict names; borrowed from the scenario. */
    char **ids = NULL;
    size_t nids = 0, capids = 0;
    if (!from_status) {
        enum verdict worst = VERDICT_PASS;
        size_t decisive = SIZE_MAX, nworst = 0;
        for (size_t i = 0; i < j->n; i++) {
            enum verdict v = j->obs[i].v;
            if (v == VERDICT_SKIP && !j->obs[i].counts_as_skip)
                v = VERDICT_PASS;
            if (v > worst) {
                worst = v;
                decisive = i;
                nworst = 1;
            } else if (v == worst && v != VERDICT_PASS) {
                nworst++;
            }
        }
        if (s->needs_baseline && no_baseline && !o->run.reference && worst == VERDICT_PASS) {
            worst = VERDICT_SKIP;
            j->message = hp_strdup("the scenario needs a baseline and the provider has none");
        }
        if (c->nobs == 0 && s->nchecks > 0 && worst == VERDICT_PASS) {
            worst = VERDICT_ERROR;
            j->message = hp_strdup("the worker finished without reporting any observation");
        }
        j->verdict = worst;
        if (decisive != SIZE_MAX) {
            const char *m = j->obs[decisive].msg ? j->obs[decisive].msg : "";
            j->message = nworst > 1 ? hp_sprintf("%s (and %zu more)", m, nworst - 1) : hp_strdup(m);
            j->step_no = c->obs[decisive].step_no;
            j->step = j->obs[decisive].chk ? j->obs[decisive].chk->description : "";
        }
        if (!j->message)
            j->message = hp_strdup("");
        if (!j->message) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < j->n && !rc; i++) {
            enum verdict v = j->obs[i].v;
            if (v == VERDICT_SKIP && !j->obs[i].counts_as_skip)
                v = VERDICT_PASS;
            if (j->obs[i].chk && (worst == VERDICT_PASS || v == worst))
                rc = add_ids(&ids, &nids, &capids, j->obs[i].chk->reqs, j->obs[i].chk->nreqs);
        }
    }
    if (!rc && (from_status || j->verdict == VERDICT_PASS || nids == 0))
        rc = add_ids(&ids, &nids, &capids, s->covers, s->ncovers);
    if (rc) {
        free(ids);
        goto out;
    }

    /* Expected failures: the whole case. */
    if (case_todo) {
        bool stale_check_todo = false;
        for (size_t i = 0; i < j->n; i++)
            stale_check_todo |= j->obs[i].todo == 2;
        bool failed = is_failure(j->verdict) || j->verdict == VERDICT_CRASH || j->verdict == VERDICT_TIMEOUT;
        if (!stale_check_todo && failed) {
            for (size_t i = 0; i < j->n && !rc; i++)
                if (!j->obs[i].todo && is_failure(j->obs[i].v)) {
                    j->obs[i].v = VERDICT_PASS;
                    j->obs[i].todo = 1;
                    rc = prefix_msg(&j->obs[i].msg, &j->obs[i].msg_static, "expected failure (todo %lld: %s)",
                                    (long long)case_todo->id, case_todo->reason);
                }
            bool owned = false;
            if (!rc)
                rc = prefix_msg(&j->message, &owned, "expected failure (todo %lld: %s): was %s",
                                (long long)case_todo->id, case_todo->reason, oracle_verdict_name(j->verdict));
            j->verdict = VERDICT_PASS;
            j->todo = 1;
        } else if (j->verdict == VERDICT_PASS) {
            j->verdict = VERDICT_FAIL;
            j->todo = 2;
            free(j->message);
            j->message = hp_sprintf("unexpected pass: remove the todo (todo %lld: %s)", (long long)case_todo->id,
                                    case_todo->reason);
            if (!j->message)
                rc = hp_error_set(HP_ENOMEM, "out of memory");
        }
    }
    /* Expected failures of single checks mark the case too. */
    if (!rc && j->todo == 0) {
        for (size_t i = 0; i < j->n; i++) {
            if (j->obs[i].todo == 2)
                j->todo = 2;
            else if (j->obs[i].todo == 1 && j->verdict == VERDICT_PASS && j->todo == 0)
                j->todo = 1;
        }
        if (j->todo == 2 && j->verdict < VERDICT_FAIL)
            j->verdict = VERDICT_FAIL;
        if (j->todo == 1 && j->verdict == VERDICT_PASS && j->message && !*j->message) {
            for (size_t i = 0; i < j->n; i++)
                if (j->obs[i].todo == 1) {
                    free(j->message);
                    j->message = hp_strdup(j->obs[i].msg ? j->obs[i].msg : "expected failure");
                    j->step_no = c->obs[i].step_no;
                    j->step = j->obs[i].chk ? j->obs[i].chk->description : "";
                    if (!j->message)
                        rc = hp_error_set(HP_ENOMEM, "out of memory");
                    break;
                }
        }
    }
    if (!rc && !(j->requirements = oracle_join_ids(ids, nids)))
        rc = hp_error_set(HP_ENOMEM, "out of memory");
    free(ids);
out:
    if (tv != todos)
        free(tv);
    if (rc)
        judgement_free(j);
    return rc;
}

/* Binds the expected (baseline) and message columns at idx, idx + 1.  What
 * the read API derives is not stored: a passing value check's baseline
 * equals its observed value, and a value check's SKIP has one of two
 * constant messages (oracle_list_check_results() puts them back). */
static void bind_judgement(sqlite3_stmt *st, int idx, const struct judged *jo)
{
    bool value = jo->chk && jo->chk->kind == CHECK_VALUE;
    if (value && jo->v == VERDICT_PASS && jo->todo == 0)
        sqlite3_bind_null(st, idx);
    else
        oracle_bind_text(st, idx, jo->baseline);
    if (value && jo->v == VERDICT_SKIP && jo->todo == 0
        && (jo->msg == oracle_msg_no_baseline || jo->msg == oracle_msg_missing_baseline))
        sqlite3_bind_null(st, idx + 1);
    else
        oracle_bind_text(st, idx + 1, jo->msg);
}

/* ---- Recording -------------------------------------------------------------------------- */

static int max_obs_id(int64_t *out, struct oracle *o)
{
    sqlite3_stmt *st = oracle_stmt(o, ST_MAX_OBS);
    if (!st)
        return HP_EDB;
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = oracle_db_error(o, "find the next observation id");
    sqlite3_reset(st);
    return rc;
}

int oracle_record_case(int64_t *case_id, enum verdict *verdict, struct oracle *o, int64_t run_id,
                       const struct oracle_case_def *c)
{
    if (case_id)
        *case_id = 0;
    struct oracle_scenario *s;
    int rc;
    if (o->run.id != run_id && (rc = oracle_run_ctx_load(o, run_id)) != 0)
        return rc;
    if (o->run.complete)
        return hp_error_set(HP_EINVAL, "run %lld is complete: it takes no more cases", (long long)run_id);
    if ((rc = oracle_scenario_get(&s, o, c->scenario_id)) != 0)
        return rc;
    const char *klass = c->class_name ? c->class_name : "";
    if ((rc = oracle_tx_begin(o)) != 0)
        return rc;
    struct case_judgement j = {0};
    int64_t last_obs = 0;
    if ((rc = judge_case(&j, o, s, c)) != 0)
        goto out;
    if ((rc = max_obs_id(&last_obs, o)) != 0)
        goto out;

    sqlite3_stmt *st = oracle_stmt(o, ST_INSERT_CASE);
    if (!st) {
        rc = HP_EDB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, c->scenario_id);
    sqlite3_bind_text(st, 3, klass, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, c->started_ms);
    sqlite3_bind_int64(st, 5, c->ended_ms);
    sqlite3_bind_int(st, 6, (int)c->status);
    sqlite3_bind_int(st, 7, c->status_value);
    sqlite3_bind_text(st, 8, c->status_text ? c->status_text : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, c->last_step_no);
    sqlite3_bind_text(st, 10, c->last_step ? c->last_step : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, c->trace ? c->trace : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, c->journal ? c->journal : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 13, (int)j.verdict);
    sqlite3_bind_int(st, 14, j.todo);
    sqlite3_bind_text(st, 15, j.message ? j.message : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 16, j.requirements, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 17, j.step_no);
    sqlite3_bind_text(st, 18, j.step ? j.step : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 19, c->nobs ? last_obs + 1 : 0);
    sqlite3_bind_int64(st, 20, (sqlite3_int64)c->nobs);
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r == SQLITE_CONSTRAINT_UNIQUE) {
        rc = hp_error_set(HP_EINVAL, "run %lld: case %s / %s is already recorded", (long long)run_id, s->name,
                          klass);
        goto out;
    }
    if (r != SQLITE_DONE) {
        rc = oracle_db_error(o, "store a case");
        goto out;
    }
    int64_t cid = sqlite3_last_insert_rowid(o->db);

    st = oracle_stmt(o, ST_INSERT_OBS);
    if (!st) {
        rc = HP_EDB;
        goto out;
    }
    for (size_t i = 0; i < c->nobs; i++) {
        const struct oracle_observation *ob = &c->obs[i];
        const struct judged *jo = &j.obs[i];
        sqlite3_bind_int64(st, 1, last_obs + 1 + (int64_t)i);
        sqlite3_bind_int64(st, 2, cid);
        sqlite3_bind_text(st, 3, ob->check_id ? ob->check_id : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, ob->iteration);
        sqlite3_bind_text(st, 5, ob->observed ? ob->observed : "", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, ob->step_no);
        oracle_bind_text(st, 7, ob->excerpt);
        sqlite3_bind_int(st, 8, (int)jo->v);
        sqlite3_bind_int(st, 9, jo->todo);
        bind_judgement(st, 10, jo);
        r = sqlite3_step(st);
        sqlite3_reset(st);
        if (r != SQLITE_DONE) {
            rc = oracle_db_error(o, "store an observation");
            goto out;
        }
        if (o->obs_hook)
            o->obs_hook(o->obs_hook_ctx, i);
    }
    if ((rc = oracle_tx_commit(o)) != 0)
        goto out;
    if (case_id)
        *case_id = cid;
    if (verdict)
        *verdict = j.verdict;
out:
    if (rc)
        oracle_tx_rollback(o);
    judgement_free(&j);
    return rc;
}

/* ---- Judging a stored run again ------------------------------------------------------------ */

struct stored_case {
    int64_t id, scenario_id, obs_first, obs_count;
    char *class_name, *status_text, *last_step;
    int status, status_value;
    unsigned last_step_no;
};

static int rejudge_case(struct oracle *o, const struct stored_case *sc)
{
    struct oracle_scenario *s;
    int rc = oracle_scenario_get(&s, o, sc->scenario_id);
    if (rc)
        return rc;
    size_t n = (size_t)sc->obs_count;
    struct oracle_observation *obs = calloc(n ? n : 1, sizeof *obs);
    int64_t *ids = calloc(n ? n : 1, sizeof *ids);
    struct case_judgement j = {0};
    sqlite3_stmt *st = NULL;
    bool in_tx = false;
    size_t got = 0;
    if (!obs || !ids) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = oracle_tx_begin(o)) != 0)
        goto out;
    in_tx = true;
    if ((rc = oracle_prepare(&st, o, "SELECT id, check_id, iteration, observed, step_no FROM observations"
                                     " WHERE id BETWEEN ?1 AND ?2 ORDER BY id")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, sc->obs_first);
    sqlite3_bind_int64(st, 2, sc->obs_first + sc->obs_count - 1);
    int r;
    while (got < n && (r = sqlite3_step(st)) == SQLITE_ROW) {
        ids[got] = sqlite3_column_int64(st, 0);
        obs[got].check_id = oracle_col_strdup(st, 1);
        obs[got].iteration = (unsigned)sqlite3_column_int64(st, 2);
        obs[got].observed = oracle_col_strdup(st, 3);
        obs[got].step_no = (unsigned)sqlite3_column_int64(st, 4);
        got++;
        if (!obs[got - 1].check_id || !obs[got - 1].observed) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    struct oracle_case_def c = {
        .scenario_id = sc->scenario_id,
        .class_name = sc->class_name,
        .status = (enum oracle_worker_status)sc->status,
        .status_value = sc->status_value,
        .status_text = sc->status_text,
        .last_step_no = sc->last_step_no,
        .last_step = sc->last_step,
        .obs = obs,
        .nobs = got,
    };
    if ((rc = judge_case(&j, o, s, &c)) != 0)
        goto out;
    if ((rc = oracle_prepare(&st, o, "UPDATE observations SET verdict = ?1, todo = ?2, expected = ?3, message = ?4"
                                     " WHERE id = ?5")) != 0)
        goto out;
    for (size_t i = 0; i < got; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, (int)j.obs[i].v);
        sqlite3_bind_int(st, 2, j.obs[i].todo);
        bind_judgement(st, 3, &j.obs[i]);
        sqlite3_bind_int64(st, 5, ids[i]);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = oracle_db_error(o, "store a verdict");
            goto out;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((rc = oracle_prepare(&st, o, "UPDATE cases SET verdict = ?1, todo = ?2, message = ?3, requirements = ?4,"
                                     " step_no = ?5, step = ?6 WHERE id = ?7")) != 0)
        goto out;
    sqlite3_bind_int(st, 1, (int)j.verdict);
    sqlite3_bind_int(st, 2, j.todo);
    sqlite3_bind_text(st, 3, j.message ? j.message : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, j.requirements, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, j.step_no);
    sqlite3_bind_text(st, 6, j.step ? j.step : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, sc->id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = oracle_db_error(o, "store a case verdict");
        goto out;
    }
    rc = oracle_tx_commit(o);
    in_tx = false;
out:
    sqlite3_finalize(st);
    if (rc && in_tx)
        oracle_tx_rollback(o);
    judgement_free(&j);
    for (size_t i = 0; i < got; i++) {
        free((char *)obs[i].check_id);
        free((char *)obs[i].observed);
    }
    free(obs);
    free(ids);
    return rc;
}

int oracle_rejudge_run(struct oracle *o, int64_t run_id)
{
    int rc = oracle_run_ctx_load(o, run_id);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    /* The run is now judged with today's baseline: say so. */
    if ((rc = oracle_prepare(&st, o, "UPDATE runs SET reference = ?1, baseline = ?2 WHERE id = ?3")) != 0)
        return rc;
    sqlite3_bind_int(st, 1, o->run.reference);
    sqlite3_bind_text(st, 2, o->run.baseline_set == 0 ? "none" : o->run.reference ? "reference" : "blessed", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, run_id);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return oracle_db_error(o, "update a run");
    if ((rc = oracle_prepare(&st, o, "SELECT id, scenario_id, obs_first, obs_count, class, status, status_value,"
                                     " status_text, last_step_no, last_step FROM cases WHERE run_id = ?1 ORDER BY id"))
        != 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    HP_VEC(struct stored_case) v = {0};
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct stored_case sc = {
            .id = sqlite3_column_int64(st, 0),
            .scenario_id = sqlite3_column_int64(st, 1),
            .obs_first = sqlite3_column_int64(st, 2),
            .obs_count = sqlite3_column_int64(st, 3),
            .class_name = oracle_col_strdup(st, 4),
            .status = sqlite3_column_int(st, 5),
            .status_value = sqlite3_column_int(st, 6),
            .status_text = oracle_col_strdup(st, 7),
            .last_step_no = (unsigned)sqlite3_column_int64(st, 8),
            .last_step = oracle_col_strdup(st, 9),
        };
        if (!sc.class_name || !sc.status_text || !sc.last_step || HP_VEC_PUSH(&v, sc)) {
            free(sc.class_name);
            free(sc.status_text);
            free(sc.last_step);
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && r != SQLITE_DONE)
        rc = oracle_db_error(o, "read the cases");
    sqlite3_finalize(st);
    for (size_t i = 0; i < v.n && !rc; i++)
        rc = rejudge_case(o, &v.v[i]);
    for (size_t i = 0; i < v.n; i++) {
        free(v.v[i].class_name);
        free(v.v[i].status_text);
        free(v.v[i].last_step);
    }
    free(v.v);
    return rc;
}

/* ---- Todos ------------------------------------------------------------------------------------- */

int oracle_add_todo(int64_t *todo_id, struct oracle *o, const struct oracle_todo_def *t)
{
    *todo_id = 0;
    char clsid[39] = "*";
    if (!t->scenario || !*t->scenario || !t->check_id || !*t->check_id)
        return hp_error_set(HP_EINVAL, "a todo needs a scenario (or *) and a check id (or *)");
    if (!t->reason || !*t->reason)
        return hp_error_set(HP_EINVAL, "a todo needs a reason");
    if (t->provider_clsid && strcmp(t->provider_clsid, "*") != 0 && !oracle_normalize_clsid(clsid, t->provider_clsid))
        return hp_error_set(HP_EINVAL, "'%s' is not a CLSID", t->provider_clsid);
    int rc = oracle_tx_begin(o);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    /* A todo's id is never given again once it is removed: the reports of
     * earlier runs name it, and a script that removes "todo 3" must not
     * remove a newer one.  meta.todo_last_id keeps the highest id given. */
    int64_t id = 0;
    rc = oracle_prepare(&st, o, "SELECT max(coalesce((SELECT max(id) FROM todos), 0),"
                                " coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'todo_last_id'), 0))"
                                " + 1");
    if (rc)
        goto out;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = oracle_db_error(o, "number a todo");
        goto out;
    }
    id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    rc = oracle_prepare(&st, o, "INSERT OR REPLACE INTO meta(key, value) VALUES ('todo_last_id', ?1)");
    if (rc)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = oracle_db_error(o, "number a todo");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = oracle_prepare(&st, o, "INSERT INTO todos(id, provider_name, provider_clsid, scenario, class_pattern,"
                                " check_id, reason) VALUES (?7, ?1, ?2, ?3, ?4, ?5, ?6)");
    if (rc)
        goto out;
    sqlite3_bind_int64(st, 7, id);
    sqlite3_bind_text(st, 1, t->provider_name ? t->provider_name : "*", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, clsid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, t->scenario, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, t->class_pattern ? t->class_pattern : "*", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, t->check_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, t->reason, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_CONSTRAINT_UNIQUE) {
        rc = hp_error_set(HP_EINVAL, "the same todo already exists");
        goto out;
    }
    if (r != SQLITE_DONE) {
        rc = oracle_db_error(o, "store a todo");
        goto out;
    }
    rc = oracle_tx_commit(o);
    if (!rc)
        *todo_id = id;
out:
    sqlite3_finalize(st);
    if (rc)
        oracle_tx_rollback(o);
    else
        o->run.id = 0;  /* the run context's todo list is stale */
    return rc;
}

int oracle_remove_todo(struct oracle *o, int64_t todo_id)
{
    int rc = oracle_tx_begin(o);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if ((rc = oracle_prepare(&st, o, "DELETE FROM todos WHERE id = ?1")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, todo_id);
    if (sqlite3_step(st) != SQLITE_DONE) {
        rc = oracle_db_error(o, "remove a todo");
        goto out;
    }
    if (sqlite3_changes(o->db) == 0) {
        rc = hp_error_set(HP_ENOTFOUND, "todo %lld: no such todo", (long long)todo_id);
        goto out;
    }
    rc = oracle_tx_commit(o);
out:
    sqlite3_finalize(st);
    if (rc)
        oracle_tx_rollback(o);
    else
        o->run.id = 0;
    return rc;
}

void oracle_todos_free(struct oracle_todo_info *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        free(t[i].provider_name);
        free(t[i].provider_clsid);
        free(t[i].scenario);
        free(t[i].class_pattern);
        free(t[i].check_id);
        free(t[i].reason);
    }
    free(t);
}

int oracle_list_todos(struct oracle_todo_info **out, size_t *n, struct oracle *o)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = oracle_prepare(&st, o, "SELECT id, provider_name, provider_clsid, scenario, class_pattern, check_id,"
                                    " reason FROM todos ORDER BY id");
    if (rc)
        return rc;
    struct oracle_todo_info *v = NULL;
    size_t nv = 0, cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (hp_grow((void **)&v, &cap, nv + 1, sizeof *v)) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            break;
        }
        struct oracle_todo_info *t = &v[nv++];
        *t = (struct oracle_todo_info){
            .id = sqlite3_column_int64(st, 0),
            .provider_name = oracle_col_strdup(st, 1),
            .provider_clsid = oracle_col_strdup(st, 2),
            .scenario = oracle_col_strdup(st, 3),
            .class_pattern = oracle_col_strdup(st, 4),
            .check_id = oracle_col_strdup(st, 5),
            .reason = oracle_col_strdup(st, 6),
        };
        if (!t->provider_name || !t->provider_clsid || !t->scenario || !t->class_pattern || !t->check_id ||
            !t->reason) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && s != SQLITE_DONE)
        rc = oracle_db_error(o, "read the todos");
    sqlite3_finalize(st);
    if (rc) {
        oracle_todos_free(v, nv);
        return rc;
    }
    *out = v;
    *n = nv;
    return 0;
}
