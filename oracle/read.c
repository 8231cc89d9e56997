/*
 * oracle/read.c - the read API the reports are written from: a run's
 * facts, its summary, its cases, the judged observations of a case, and the
 * requirement matrix.
 *
 * Invariant: every list comes back in an order fixed by stored data alone
 * (names, ids, positions), never by the order cases finished in, so the
 * same stored run always gives the same reports byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "oracle_private.h"

static int nomem(void)
{
    return hp_error_set(HP_ENOMEM, "out of memory");
}

int oracle_latest_run(int64_t *run_id, struct oracle *o)
{
    *run_id = 0;
    sqlite3_stmt *st;
    int rc = oracle_prepare(&st, o, "SELECT max(id) FROM runs");
    if (rc)
        return rc;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *run_id = sqlite3_column_int64(st, 0);
    else if (r == SQLITE_ROW)
        rc = hp_error_set(HP_ENOTFOUND, "%s: the oracle holds no run yet", o->path);
    else
        rc = oracle_db_error(o, "find the newest run");
    sqlite3_finalize(st);
    return rc;
}

void oracle_run_info_free(struct oracle_run_info *r)
{
    free(r->provider_path);
    free(r->provider_sha256);
    free(r->provider_name);
    free(r->provider_clsid);
    free(r->mof_path);
    free(r->harness_version);
    free(r->options);
    free(r->hostname);
    free(r->baseline);
    memset(r, 0, sizeof *r);
}

int oracle_get_run(struct oracle_run_info *out, struct oracle *o, int64_t run_id)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    int rc = oracle_prepare(&st, o,
                            "SELECT provider_path, provider_sha256, provider_name, provider_clsid, mof_path,"
                            " harness_version, oracle_version, options, hostname, started_ms, coalesce(ended_ms, 0),"
                            " complete, reference, baseline FROM runs WHERE id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        out->id = run_id;
        out->provider_path = oracle_col_strdup(st, 0);
        out->provider_sha256 = oracle_col_strdup(st, 1);
        out->provider_name = oracle_col_strdup(st, 2);
        out->provider_clsid = oracle_col_strdup(st, 3);
        out->mof_path = oracle_col_strdup(st, 4);
        out->harness_version = oracle_col_strdup(st, 5);
        out->oracle_version = sqlite3_column_int(st, 6);
        out->options = oracle_col_strdup(st, 7);
        out->hostname = oracle_col_strdup(st, 8);
        out->started_ms = sqlite3_column_int64(st, 9);
        out->ended_ms = sqlite3_column_int64(st, 10);
        out->complete = sqlite3_column_int(st, 11) != 0;
        out->reference = sqlite3_column_int(st, 12) != 0;
        out->baseline = oracle_col_strdup(st, 13);
        if (!out->provider_path || !out->provider_sha256 || !out->provider_name || !out->provider_clsid
            || !out->mof_path || !out->harness_version || !out->options || !out->hostname || !out->baseline)
            rc = nomem();
    } else if (r == SQLITE_DONE) {
        rc = hp_error_set(HP_ENOTFOUND, "run %lld: no such run in %s", (long long)run_id, o->path);
    } else {
        rc = oracle_db_error(o, "read a run");
    }
    sqlite3_finalize(st);
    if (rc)
        oracle_run_info_free(out);
    return rc;
}

/* Adds "verdict, todo, count" rows of st to counts (display verdicts). */
static int add_counts(struct oracle *o, sqlite3_stmt *st, unsigned counts[ORACLE_NVERDICTS], unsigned *total)
{
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int v = sqlite3_column_int(st, 0), todo = sqlite3_column_int(st, 1);
        unsigned n = (unsigned)sqlite3_column_int64(st, 2);
        if (v < 0 || v > VERDICT_CRASH)
            continue;
        counts[oracle_display_verdict((enum verdict)v, todo)] += n;
        *total += n;
    }
    return r == SQLITE_DONE ? 0 : oracle_db_error(o, "count verdicts");
}

int oracle_get_summary(struct oracle_summary *out, struct oracle *o, int64_t run_id)
{
    memset(out, 0, sizeof *out);
    struct oracle_run_info ri;
    int rc = oracle_get_run(&ri, o, run_id);
    if (rc)
        return rc;
    out->complete = ri.complete;
    oracle_run_info_free(&ri);
    sqlite3_stmt *st;
    if ((rc = oracle_prepare(&st, o, "SELECT verdict, todo, count(*) FROM cases WHERE run_id = ?1 GROUP BY 1, 2"))
        != 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    rc = add_counts(o, st, out->case_counts, &out->cases);
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if ((rc = oracle_prepare(&st, o, "SELECT o.verdict, o.todo, count(*) FROM cases c JOIN observations o"
                                     " ON o.id BETWEEN c.obs_first AND c.obs_first + c.obs_count - 1"
                                     " WHERE c.run_id = ?1 GROUP BY 1, 2")) != 0)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    rc = add_counts(o, st, out->check_counts, &out->checks);
    sqlite3_finalize(st);
    if (rc)
        return rc;
    out->exit_status = oracle_exit_status_of(out->case_counts, out->complete);
    /* The run's verdict: the worst failure; else WARN; else PASS (SKIP when
     * every case was skipped); ERROR for an incomplete run without one. */
    static const int failures[] = {VERDICT_CRASH, VERDICT_TIMEOUT, VERDICT_ERROR, VERDICT_FAIL};
    out->verdict = -1;
    for (size_t i = 0; i < 4 && out->verdict < 0; i++)
        if (out->case_counts[failures[i]])
            out->verdict = failures[i];
    if (out->verdict < 0 && !out->complete)
        out->verdict = VERDICT_ERROR;
    if (out->verdict < 0 && out->case_counts[VERDICT_WARN])
        out->verdict = VERDICT_WARN;
    if (out->verdict < 0)
        out->verdict = out->cases > 0 && out->case_counts[VERDICT_SKIP] == out->cases ? VERDICT_SKIP : VERDICT_PASS;
    return 0;
}

/* ---- Cases ----------------------------------------------------------------------- */

static void case_free(struct oracle_case_info *c)
{
    free(c->scenario);
    free(c->scenario_file);
    free(c->scenario_title);
    free(c->class_name);
    free(c->message);
    free(c->requirements);
    free(c->step);
    free(c->trace);
    free(c->journal);
}

void oracle_cases_free(struct oracle_case_info *c, size_t n)
{
    if (!c)
        return;
    for (size_t i = 0; i < n; i++)
        case_free(&c[i]);
    free(c);
}

int oracle_list_cases(struct oracle_case_info **out, size_t *n, struct oracle *o, int64_t run_id)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL, *cnt = NULL;
    HP_VEC(struct oracle_case_info) v = {0};
    int rc = oracle_prepare(&st, o,
                            "SELECT c.id, s.name, s.file, s.title, c.class, c.started_ms, c.ended_ms, c.status,"
                            " c.status_value, c.verdict, c.todo, c.message, c.requirements, c.step_no, c.step,"
                            " c.trace, c.journal, c.obs_first, c.obs_count"
                            " FROM cases c JOIN scenarios s ON s.id = c.scenario_id WHERE c.run_id = ?1"
                            " ORDER BY s.name, c.class COLLATE BINARY, c.id");
    if (!rc)
        rc = oracle_prepare(&cnt, o, "SELECT verdict, todo, count(*) FROM observations WHERE id BETWEEN ?1 AND ?2"
                                     " GROUP BY 1, 2");
    if (rc)
        goto out;
    sqlite3_bind_int64(st, 1, run_id);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct oracle_case_info c = {
            .id = sqlite3_column_int64(st, 0),
            .scenario = oracle_col_strdup(st, 1),
            .scenario_file = oracle_col_strdup(st, 2),
            .scenario_title = oracle_col_strdup(st, 3),
            .class_name = oracle_col_strdup(st, 4),
            .started_ms = sqlite3_column_int64(st, 5),
            .ended_ms = sqlite3_column_int64(st, 6),
            .status = (enum oracle_worker_status)sqlite3_column_int(st, 7),
            .status_value = sqlite3_column_int(st, 8),
            .verdict = (enum verdict)sqlite3_column_int(st, 9),
            .todo = sqlite3_column_int(st, 10),
            .message = oracle_col_strdup(st, 11),
            .requirements = oracle_col_strdup(st, 12),
            .step_no = (unsigned)sqlite3_column_int64(st, 13),
            .step = oracle_col_strdup(st, 14),
            .trace = oracle_col_strdup(st, 15),
            .journal = oracle_col_strdup(st, 16),
        };
        c.display = oracle_display_verdict(c.verdict, c.todo);
        int64_t first = sqlite3_column_int64(st, 17), count = sqlite3_column_int64(st, 18);
        if (!c.scenario || !c.scenario_file || !c.scenario_title || !c.class_name || !c.message || !c.requirements
            || !c.step || !c.trace || !c.journal) {
            case_free(&c);
            rc = nomem();
            goto out;
        }
        if (count > 0) {
            sqlite3_reset(cnt);
            sqlite3_bind_int64(cnt, 1, first);
            sqlite3_bind_int64(cnt, 2, first + count - 1);
            if ((rc = add_counts(o, cnt, c.check_counts, &c.nchecks)) != 0) {
                case_free(&c);
                goto out;
            }
        }
        if (HP_VEC_PUSH(&v, c)) {
            case_free(&c);
            rc = nomem();
            goto out;
        }
    }
    if (r != SQLITE_DONE)
        rc = oracle_db_error(o, "read the cases");
out:
    sqlite3_finalize(st);
    sqlite3_finalize(cnt);
    if (rc) {
        oracle_cases_free(v.v, v.n);
        return rc;
    }
    *out = v.v;
    *n = v.n;
    return 0;
}

/* ---- Observations of a case ----------------------------------------------------------- */

static void result_free(struct oracle_check_result *r)
{
    free(r->check_id);
    free(r->expected);
    free(r->baseline);
    free(r->description);
    free(r->requirements);
    free(r->observed);
    free(r->excerpt);
    free(r->message);
}

void oracle_check_results_free(struct oracle_check_result *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++)
        result_free(&r[i]);
    free(r);
}

struct sortable {
    struct oracle_check_result r;
    int64_t id;
};

static int cmp_result(const void *a, const void *b)
{
    const struct sortable *x = a, *y = b;
    if (x->r.line != y->r.line)
        return x->r.line < y->r.line ? -1 : 1;
    if (x->r.col != y->r.col)
        return x->r.col < y->r.col ? -1 : 1;
    int c = strcmp(x->r.check_id, y->r.check_id);
    if (c)
        return c;
    if (x->r.iteration != y->r.iteration)
        return x->r.iteration < y->r.iteration ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int oracle_list_check_results(struct oracle_check_result **out, size_t *n, struct oracle *o, int64_t case_id)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = oracle_prepare(&st, o, "SELECT c.scenario_id, c.obs_first, c.obs_count, r.baseline FROM cases c"
                                    " JOIN runs r ON r.id = c.run_id WHERE c.id = ?1");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, case_id);
    int r = sqlite3_step(st);
    if (r != SQLITE_ROW) {
        rc = r == SQLITE_DONE ? hp_error_set(HP_ENOTFOUND, "case %lld: no such case", (long long)case_id)
                              : oracle_db_error(o, "read a case");
        sqlite3_finalize(st);
        return rc;
    }
    int64_t scenario_id = sqlite3_column_int64(st, 0), first = sqlite3_column_int64(st, 1),
            count = sqlite3_column_int64(st, 2);
    const unsigned char *bl = sqlite3_column_text(st, 3);
    bool run_had_baseline = bl && strcmp((const char *)bl, "none") != 0;
    sqlite3_finalize(st);
    if (count <= 0)
        return 0;
    struct oracle_scenario *s;
    if ((rc = oracle_scenario_get(&s, o, scenario_id)) != 0)
        return rc;
    struct sortable *v = calloc((size_t)count, sizeof *v);
    if (!v)
        return nomem();
    size_t k = 0;
    r = SQLITE_DONE;
    if ((rc = oracle_prepare(&st, o, "SELECT id, check_id, iteration, observed, step_no, excerpt, verdict, todo,"
                                     " expected, message FROM observations WHERE id BETWEEN ?1 AND ?2")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, first + count - 1);
    while (k < (size_t)count && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct sortable *e = &v[k++];
        struct oracle_check_result *res = &e->r;
        e->id = sqlite3_column_int64(st, 0);
        res->check_id = oracle_col_strdup(st, 1);
        res->iteration = (unsigned)sqlite3_column_int64(st, 2);
        res->observed = oracle_col_strdup(st, 3);
        res->step_no = (unsigned)sqlite3_column_int64(st, 4);
        res->excerpt = oracle_col_strdup(st, 5);
        res->verdict = (enum verdict)sqlite3_column_int(st, 6);
        res->todo = sqlite3_column_int(st, 7);
        res->display = oracle_display_verdict(res->verdict, res->todo);
        const struct oracle_check *chk = oracle_scenario_check(s, res->check_id);
        bool value = chk && chk->kind == CHECK_VALUE;
        /* What bind_judgement() (run.c) left out, put back. */
        if (sqlite3_column_type(st, 8) != SQLITE_NULL)
            res->baseline = oracle_col_strdup(st, 8);
        else if (value && res->verdict == VERDICT_PASS && res->todo == 0)
            res->baseline = hp_strdup(res->observed);
        if (sqlite3_column_type(st, 9) == SQLITE_NULL && value && res->verdict == VERDICT_SKIP)
            res->message = hp_strdup(run_had_baseline ? oracle_msg_missing_baseline : oracle_msg_no_baseline);
        else
            res->message = oracle_col_strdup(st, 9);
        if (!res->check_id || !res->observed || !res->excerpt || !res->message
            || ((sqlite3_column_type(st, 8) != SQLITE_NULL || (value && res->verdict == VERDICT_PASS && !res->todo))
                && !res->baseline)) {
            rc = nomem();
            goto out;
        }
        if (chk) {
            res->line = chk->line;
            res->col = chk->col;
            res->kind = chk->kind;
            res->expected = hp_strdup(chk->expected);
            res->description = hp_strdup(chk->description);
            res->requirements = oracle_join_ids(chk->reqs, chk->nreqs);
        } else {
            res->kind = 0;
            res->expected = hp_strdup("");
            res->description = hp_strdup("(a check the scenario does not have)");
            res->requirements = hp_strdup("");
        }
        if (!res->expected || !res->description || !res->requirements) {
            rc = nomem();
            goto out;
        }
    }
    if (k < (size_t)count && r != SQLITE_DONE)
        rc = oracle_db_error(o, "read the observations");
out:
    sqlite3_finalize(st);
    if (rc) {
        for (size_t i = 0; i < k; i++)
            result_free(&v[i].r);
        free(v);
        return rc;
    }
    qsort(v, k, sizeof *v, cmp_result);
    struct oracle_check_result *res = calloc(k ? k : 1, sizeof *res);
    if (!res) {
        for (size_t i = 0; i < k; i++)
            result_free(&v[i].r);
        free(v);
        return nomem();
    }
    for (size_t i = 0; i < k; i++)
        res[i] = v[i].r;
    free(v);
    *out = res;
    *n = k;
    return 0;
}

/* ---- The requirement matrix ---------------------------------------------------------- */

void oracle_matrix_free(struct oracle_matrix_row *m, size_t n)
{
    if (!m)
        return;
    for (size_t i = 0; i < n; i++) {
        free(m[i].id);
        free(m[i].source);
        free(m[i].text);
    }
    free(m);
}

/* In the matrix a SKIP says the least: no evidence either way. */
static int matrix_rank(int display)
{
    static const int rank[ORACLE_NVERDICTS] = {
        [VERDICT_SKIP] = 0, [VERDICT_PASS] = 1, [ORACLE_XFAIL] = 2, [VERDICT_WARN] = 3,
        [VERDICT_FAIL] = 4, [VERDICT_ERROR] = 5, [VERDICT_TIMEOUT] = 6, [VERDICT_CRASH] = 7,
    };
    return display < 0 ? -1 : rank[display];
}

static void merge_verdict(int *into, int display)
{
    if (*into < 0 || matrix_rank(display) > matrix_rank(*into))
        *into = display;
}

struct mrow {
    struct oracle_matrix_row row;
    bool retired;
    bool used;
};

static int cmp_mrow_key(const void *key, const void *elem)
{
    return strcmp(key, ((const struct mrow *)elem)->row.id);
}

int oracle_requirement_matrix(struct oracle_matrix_row **out, size_t *n, struct oracle *o, int64_t run_id)
{
    *out = NULL;
    *n = 0;
    HP_VEC(struct mrow) v = {0};
    sqlite3_stmt *st;
    int rc = oracle_prepare(&st, o, "SELECT id, level, source, text, retired FROM requirements ORDER BY id");
    if (rc)
        return rc;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct mrow m = {
            .row = {
                .id = oracle_col_strdup(st, 0),
                .level = (enum req_level)sqlite3_column_int(st, 1),
                .source = oracle_col_strdup(st, 2),
                .text = oracle_col_strdup(st, 3),
                .verdict = -1,
            },
            .retired = sqlite3_column_int(st, 4) != 0,
        };
        if (!m.row.id || !m.row.source || !m.row.text || HP_VEC_PUSH(&v, m)) {
            free(m.row.id);
            free(m.row.source);
            free(m.row.text);
            rc = nomem();
            break;
        }
    }
    if (!rc && r != SQLITE_DONE)
        rc = oracle_db_error(o, "read the requirements");
    sqlite3_finalize(st);
    if (rc)
        goto fail;

    /* Check verdicts, by the checks' requirements. */
    static const char by_check[] =
        "SELECT cr.req_id, o.verdict, o.todo, count(*) FROM cases c"
        " JOIN observations o ON o.id BETWEEN c.obs_first AND c.obs_first + c.obs_count - 1"
        " JOIN check_requirements cr ON cr.scenario_id = c.scenario_id AND cr.check_id = o.check_id"
        " WHERE c.run_id = ?1 GROUP BY 1, 2, 3";
    static const char distinct_checks[] =
        "SELECT cr.req_id, count(DISTINCT c.scenario_id || char(31) || o.check_id) FROM cases c"
        " JOIN observations o ON o.id BETWEEN c.obs_first AND c.obs_first + c.obs_count - 1"
        " JOIN check_requirements cr ON cr.scenario_id = c.scenario_id AND cr.check_id = o.check_id"
        " WHERE c.run_id = ?1 GROUP BY 1";
    if ((rc = oracle_prepare(&st, o, by_check)) != 0)
        goto fail;
    sqlite3_bind_int64(st, 1, run_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct mrow *m = bsearch(sqlite3_column_text(st, 0), v.v, v.n, sizeof *v.v, cmp_mrow_key);
        int verdict = sqlite3_column_int(st, 1);
        if (!m || verdict < 0 || verdict > VERDICT_CRASH)
            continue;
        m->used = true;
        m->row.observations += (unsigned)sqlite3_column_int64(st, 3);
        merge_verdict(&m->row.verdict, oracle_display_verdict((enum verdict)verdict, sqlite3_column_int(st, 2)));
    }
    if (r != SQLITE_DONE)
        rc = oracle_db_error(o, "read the check verdicts");
    sqlite3_finalize(st);
    if (rc)
        goto fail;
    if ((rc = oracle_prepare(&st, o, distinct_checks)) != 0)
        goto fail;
    sqlite3_bind_int64(st, 1, run_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct mrow *m = bsearch(sqlite3_column_text(st, 0), v.v, v.n, sizeof *v.v, cmp_mrow_key);
        if (m)
            m->row.checks = (unsigned)sqlite3_column_int64(st, 1);
    }
    if (r != SQLITE_DONE)
        rc = oracle_db_error(o, "count the checks");
    sqlite3_finalize(st);
    if (rc)
        goto fail;

    /* Case verdicts, by the requirements each names: a crash, a timeout, an
     * error or a skip says something of requirements no check reached. */
    if ((rc = oracle_prepare(&st, o, "SELECT verdict, todo, requirements FROM cases WHERE run_id = ?1")) != 0)
        goto fail;
    sqlite3_bind_int64(st, 1, run_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int verdict = sqlite3_column_int(st, 0);
        int display = oracle_display_verdict((enum verdict)verdict, sqlite3_column_int(st, 1));
        const char *ids = (const char *)sqlite3_column_text(st, 2);
        bool merge = verdict == VERDICT_CRASH || verdict == VERDICT_TIMEOUT || verdict == VERDICT_ERROR
                     || verdict == VERDICT_SKIP;
        for (const char *p = ids ? ids : ""; *p;) {
            while (*p == ' ')
                p++;
            const char *e = p;
            while (*e && *e != ' ')
                e++;
            if (e == p)
                break;
            char id[256];
            size_t len = (size_t)(e - p) < sizeof id - 1 ? (size_t)(e - p) : sizeof id - 1;
            memcpy(id, p, len);
            id[len] = 0;
            struct mrow *m = bsearch(id, v.v, v.n, sizeof *v.v, cmp_mrow_key);
            if (m) {
                m->used = true;
                m->row.cases++;
                if (merge)
                    merge_verdict(&m->row.verdict, display);
            }
            p = e;
        }
    }
    if (r != SQLITE_DONE)
        rc = oracle_db_error(o, "read the case verdicts");
    sqlite3_finalize(st);
    if (rc)
        goto fail;

    /* Retired requirements appear only when the run names them. */
    struct oracle_matrix_row *res = calloc(v.n ? v.n : 1, sizeof *res);
    if (!res) {
        rc = nomem();
        goto fail;
    }
    size_t k = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.v[i].retired && !v.v[i].used) {
            free(v.v[i].row.id);
            free(v.v[i].row.source);
            free(v.v[i].row.text);
            continue;
        }
        res[k++] = v.v[i].row;
    }
    free(v.v);
    *out = res;
    *n = k;
    return 0;
fail:
    for (size_t i = 0; i < v.n; i++) {
        free(v.v[i].row.id);
        free(v.v[i].row.source);
        free(v.v[i].row.text);
    }
    free(v.v);
    return rc;
}
