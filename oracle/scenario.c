/*
 * oracle/scenario.c - storing scenario versions with their checks, and the
 * in-memory copy of a scenario's definition that the judge works from.
 *
 * Invariant: a scenario version is identified by its name and the hash of
 * its whole definition (file hash, covers, needs and every check), so
 * registering it again is a no-op returning the same id, and a changed
 * file is a new version that leaves stored runs judged by the old one
 * intact.  Nothing invalid is stored: every expectation is checked first.
 */
#include <stdlib.h>
#include <string.h>

#include "oracle_private.h"

/* ---- Validation ------------------------------------------------------------- */

static bool valid_op(const char *op)
{
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    for (size_t i = 0; i < 6; i++)
        if (!strcmp(op, ops[i]))
            return true;
    return false;
}

/* Is id a requirement of the (non-retired) catalog? */
static int requirement_known(bool *known, struct oracle *o, sqlite3_stmt **st, const char *id)
{
    if (!*st) {
        int rc = oracle_prepare(st, o, "SELECT 1 FROM requirements WHERE id = ?1 AND retired = 0");
        if (rc)
            return rc;
    }
    sqlite3_reset(*st);
    sqlite3_bind_text(*st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(*st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return oracle_db_error(o, "look up a requirement");
    *known = rc == SQLITE_ROW;
    return 0;
}

static int validate(struct oracle *o, const struct oracle_scenario_def *d)
{
    const char *file = d->file ? d->file : "<scenario>";
    if (!d->name || !*d->name)
        return hp_error_set(HP_EINVAL, "%s: scenario without a name", file);
    if (!d->sha256 || !*d->sha256)
        return hp_error_set(HP_EINVAL, "%s: scenario %s without a content hash", file, d->name);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    bool known;
    for (size_t i = 0; i < d->ncovers && !rc; i++) {
        if ((rc = requirement_known(&known, o, &st, d->covers[i])) != 0)
            break;
        if (!known)
            rc = hp_error_set(HP_EINVAL, "%s: covers names unknown requirement %s", file, d->covers[i]);
    }
    for (size_t i = 0; i < d->nchecks && !rc; i++) {
        const struct oracle_check_def *c = &d->checks[i];
        const char *exp = c->expected ? c->expected : "";
        if (!c->id || !*c->id) {
            rc = hp_error_set_at(HP_EINVAL, file, c->line, c->col, "check without an id");
            break;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(d->checks[j].id, c->id)) {
                rc = hp_error_set_at(HP_EINVAL, file, c->line, c->col, "check id %s is already used at %u:%u",
                                     c->id, d->checks[j].line, d->checks[j].col);
                break;
            }
        if (rc)
            break;
        switch (c->kind) {
        case CHECK_HRESULT:
            if (!oracle_expected_hresult_valid(exp))
                rc = hp_error_set_at(HP_EINVAL, file, c->line, c->col,
                                     "'%s' is not an HRESULT, success, failure or any", exp);
            break;
        case CHECK_COMPARE:
            if (!valid_op(exp))
                rc = hp_error_set_at(HP_EINVAL, file, c->line, c->col, "'%s' is not a comparison operator", exp);
            break;
        case CHECK_TRUE:
            if (strcmp(exp, "true") != 0)
                rc = hp_error_set_at(HP_EINVAL, file, c->line, c->col, "a truth check expects \"true\", not '%s'",
                                     exp);
            break;
        case CHECK_VALUE:
        case CHECK_SKIP:
            break;
        default:
            rc = hp_error_set_at(HP_EINVAL, file, c->line, c->col, "unknown check kind %d", (int)c->kind);
            break;
        }
        for (size_t k = 0; k < c->nrequirements && !rc; k++) {
            if ((rc = requirement_known(&known, o, &st, c->requirements[k])) != 0)
                break;
            if (!known)
                rc = hp_error_set_at(HP_EINVAL, file, c->line, c->col, "unknown requirement %s",
                                     c->requirements[k]);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- The definition hash --------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *oracle_join_ids(char *const *ids, size_t n)
{
    struct hp_buf b = {0};
    hp_buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i)
            hp_buf_putc(&b, ' ');
        hp_buf_puts(&b, ids[i]);
    }
    return hp_buf_steal(&b);
}

/* A sorted, owned copy of a list of IDs without duplicates. */
static char **sorted_ids(const char *const *ids, size_t n, size_t *nout)
{
    char **v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = hp_strdup(ids[i]))) {
            for (size_t j = 0; j < i; j++)
                free(v[j]);
            free(v);
            return NULL;
        }
    qsort(v, n, sizeof *v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && !strcmp(v[k - 1], v[i]))
            free(v[i]);
        else
            v[k++] = v[i];
    }
    *nout = k;
    return v;
}

static void free_ids(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void put_field(struct hp_buf *b, const char *s)
{
    hp_buf_puts(b, s ? s : "");
    hp_buf_putc(b, '\x1f');
}

static void put_ids(struct hp_buf *b, const char *const *ids, size_t n)
{
    size_t k;
    char **v = sorted_ids(ids, n, &k);
    if (!v) {
        b->oom = true;
        return;
    }
    for (size_t i = 0; i < k; i++) {
        hp_buf_puts(b, v[i]);
        hp_buf_putc(b, ' ');
    }
    hp_buf_putc(b, '\x1f');
    free_ids(v, k);
}

static int def_hash(char out[65], const struct oracle_scenario_def *d)
{
    struct hp_buf b = {0};
    put_field(&b, "hiperfcheck scenario definition 1");
    put_field(&b, d->name);
    put_field(&b, d->sha256);
    put_field(&b, d->title);
    put_ids(&b, d->covers, d->ncovers);
    put_ids(&b, d->needs, d->nneeds);
    for (size_t i = 0; i < d->nchecks; i++) {
        const struct oracle_check_def *c = &d->checks[i];
        hp_buf_printf(&b, "%s\x1f%u\x1f%u\x1f%d\x1f", c->id, c->line, c->col, (int)c->kind);
        put_field(&b, c->expected);
        put_ids(&b, c->requirements, c->nrequirements);
        put_field(&b, c->description);
        hp_buf_putc(&b, '\x1e');
    }
    if (b.oom) {
        hp_buf_free(&b);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    hp_sha256_hex(b.s, b.len, out);
    hp_buf_free(&b);
    return 0;
}

/* ---- Registration ---------------------------------------------------------------- */

static int step_insert(struct oracle *o, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : oracle_db_error(o, what);
}

static int insert_scenario(int64_t *id, struct oracle *o, const struct oracle_scenario_def *d, const char *hash)
{
    sqlite3_stmt *sc = NULL, *sr = NULL, *ck = NULL, *cr = NULL;
    char *needs = NULL;
    size_t nneeds = 0;
    char **nv = sorted_ids(d->needs, d->nneeds, &nneeds);
    int rc = nv ? 0 : hp_error_set(HP_ENOMEM, "out of memory");
    if (!rc && !(needs = oracle_join_ids(nv, nneeds)))
        rc = hp_error_set(HP_ENOMEM, "out of memory");
    if (!rc)
        rc = oracle_prepare(&sc, o, "INSERT INTO scenarios(name, file, sha256, def_sha256, title, needs)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!rc)
        rc = oracle_prepare(&sr, o, "INSERT OR IGNORE INTO scenario_requirements(scenario_id, req_id) VALUES (?1, ?2)");
    if (!rc)
        rc = oracle_prepare(&ck, o, "INSERT INTO checks(scenario_id, check_id, line, col, kind, expected, description)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!rc)
        rc = oracle_prepare(&cr, o, "INSERT OR IGNORE INTO check_requirements(scenario_id, check_id, req_id)"
                                    " VALUES (?1, ?2, ?3)");
    if (rc)
        goto out;
    sqlite3_bind_text(sc, 1, d->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(sc, 2, d->file ? d->file : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(sc, 3, d->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(sc, 4, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(sc, 5, d->title ? d->title : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(sc, 6, needs, -1, SQLITE_STATIC);
    if ((rc = step_insert(o, sc, "store a scenario")) != 0)
        goto out;
    *id = sqlite3_last_insert_rowid(o->db);
    for (size_t i = 0; i < d->ncovers; i++) {
        sqlite3_bind_int64(sr, 1, *id);
        sqlite3_bind_text(sr, 2, d->covers[i], -1, SQLITE_STATIC);
        if ((rc = step_insert(o, sr, "store a scenario's requirements")) != 0)
            goto out;
    }
    for (size_t i = 0; i < d->nchecks; i++) {
        const struct oracle_check_def *c = &d->checks[i];
        sqlite3_bind_int64(ck, 1, *id);
        sqlite3_bind_text(ck, 2, c->id, -1, SQLITE_STATIC);
        sqlite3_bind_int(ck, 3, (int)c->line);
        sqlite3_bind_int(ck, 4, (int)c->col);
        sqlite3_bind_int(ck, 5, (int)c->kind);
        sqlite3_bind_text(ck, 6, c->expected ? c->expected : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ck, 7, c->description ? c->description : "", -1, SQLITE_STATIC);
        if ((rc = step_insert(o, ck, "store a check")) != 0)
            goto out;
        for (size_t k = 0; k < c->nrequirements; k++) {
            sqlite3_bind_int64(cr, 1, *id);
            sqlite3_bind_text(cr, 2, c->id, -1, SQLITE_STATIC);
            sqlite3_bind_text(cr, 3, c->requirements[k], -1, SQLITE_STATIC);
            if ((rc = step_insert(o, cr, "store a check's requirements")) != 0)
                goto out;
        }
    }
out:
    sqlite3_finalize(sc);
    sqlite3_finalize(sr);
    sqlite3_finalize(ck);
    sqlite3_finalize(cr);
    free(needs);
    free_ids(nv, nneeds);
    return rc;
}

int oracle_register_scenario(int64_t *scenario_id, struct oracle *o, const struct oracle_scenario_def *def)
{
    *scenario_id = 0;
    char hash[65];
    int rc = validate(o, def);
    if (rc)
        return rc;
    if ((rc = def_hash(hash, def)) != 0)
        return rc;
    if ((rc = oracle_tx_begin(o)) != 0)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = oracle_prepare(&st, o, "SELECT id FROM scenarios WHERE name = ?1 AND def_sha256 = ?2");
    if (rc)
        goto out;
    sqlite3_bind_text(st, 1, def->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *scenario_id = sqlite3_column_int64(st, 0);
    } else if (s == SQLITE_DONE) {
        rc = insert_scenario(scenario_id, o, def, hash);
    } else {
        rc = oracle_db_error(o, "look up a scenario");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!rc)
        rc = oracle_tx_commit(o);
out:
    sqlite3_finalize(st);
    if (rc) {
        oracle_tx_rollback(o);
        *scenario_id = 0;
    }
    return rc;
}

/* ---- The cache --------------------------------------------------------------------- */

static void scenario_free(struct oracle_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nchecks; i++) {
        struct oracle_check *c = &s->checks[i];
        free(c->id);
        free(c->expected);
        free(c->description);
        free_ids(c->reqs, c->nreqs);
    }
    free(s->checks);
    free_ids(s->covers, s->ncovers);
    free(s->name);
    free(s->file);
    free(s->title);
    free(s);
}

void oracle_scenario_cache_free(struct oracle *o)
{
    for (size_t i = 0; i < o->nscenarios; i++)
        scenario_free(o->scenarios[i]);
    free(o->scenarios);
    o->scenarios = NULL;
    o->nscenarios = o->capscenarios = 0;
}

static int cmp_check(const void *a, const void *b)
{
    return strcmp(((const struct oracle_check *)a)->id, ((const struct oracle_check *)b)->id);
}

const struct oracle_check *oracle_scenario_check(const struct oracle_scenario *s, const char *check_id)
{
    struct oracle_check key = {.id = (char *)check_id};
    return bsearch(&key, s->checks, s->nchecks, sizeof key, cmp_check);
}

static int push_id(char ***v, size_t *n, const char *id)
{
    size_t cap = *n;   /* grow one at a time: lists are short */
    char **nv = realloc(*v, (cap + 1) * sizeof *nv);
    if (!nv)
        return hp_error_set(HP_ENOMEM, "out of memory");
    *v = nv;
    if (!(nv[*n] = hp_strdup(id)))
        return hp_error_set(HP_ENOMEM, "out of memory");
    (*n)++;
    return 0;
}

static int load_scenario(struct oracle_scenario **out, struct oracle *o, int64_t id)
{
    struct oracle_scenario *s = calloc(1, sizeof *s);
    sqlite3_stmt *st = NULL;
    int rc = s ? 0 : hp_error_set(HP_ENOMEM, "out of memory");
    if (rc)
        return rc;
    s->id = id;
    if ((rc = oracle_prepare(&st, o, "SELECT name, file, title, needs FROM scenarios WHERE id = ?1")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_DONE) {
        rc = hp_error_set(HP_ENOTFOUND, "%s: no scenario with id %lld", o->path, (long long)id);
        goto out;
    }
    if (r != SQLITE_ROW) {
        rc = oracle_db_error(o, "read a scenario");
        goto out;
    }
    s->name = oracle_col_strdup(st, 0);
    s->file = oracle_col_strdup(st, 1);
    s->title = oracle_col_strdup(st, 2);
    const char *needs = (const char *)sqlite3_column_text(st, 3);
    if (needs) {
        /* needs is a sorted space-separated list; look for the word. */
        for (const char *p = needs; (p = strstr(p, "baseline")) != NULL; p += 8)
            if ((p == needs || p[-1] == ' ') && (p[8] == 0 || p[8] == ' '))
                s->needs_baseline = true;
    }
    if (!s->name || !s->file || !s->title) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    if ((rc = oracle_prepare(&st, o, "SELECT req_id FROM scenario_requirements WHERE scenario_id = ?1 ORDER BY req_id"))
        != 0)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW)
        if ((rc = push_id(&s->covers, &s->ncovers, (const char *)sqlite3_column_text(st, 0))) != 0)
            goto out;
    if (r != SQLITE_DONE) {
        rc = oracle_db_error(o, "read a scenario's requirements");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    if ((rc = oracle_prepare(&st, o, "SELECT count(*) FROM checks WHERE scenario_id = ?1")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = oracle_db_error(o, "count checks");
        goto out;
    }
    size_t n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    s->checks = calloc(n ? n : 1, sizeof *s->checks);
    if (!s->checks) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = oracle_prepare(&st, o, "SELECT check_id, line, col, kind, expected, description FROM checks"
                                     " WHERE scenario_id = ?1 ORDER BY check_id")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    while (s->nchecks < n && (r = sqlite3_step(st)) == SQLITE_ROW) {
        struct oracle_check *c = &s->checks[s->nchecks++];
        c->id = oracle_col_strdup(st, 0);
        c->line = (unsigned)sqlite3_column_int(st, 1);
        c->col = (unsigned)sqlite3_column_int(st, 2);
        c->kind = (enum check_kind)sqlite3_column_int(st, 3);
        c->expected = oracle_col_strdup(st, 4);
        c->description = oracle_col_strdup(st, 5);
        c->level = REQ_MUST;
        if (!c->id || !c->expected || !c->description) {
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            goto out;
        }
        oracle_expectation_parse(&c->exp, c->kind, c->expected);
    }
    sqlite3_finalize(st);
    st = NULL;
    /* SQLite's ORDER BY uses BINARY collation, the order of strcmp(); sort
     * anyway so bsearch never depends on it. */
    qsort(s->checks, s->nchecks, sizeof *s->checks, cmp_check);

    if ((rc = oracle_prepare(&st, o, "SELECT cr.check_id, cr.req_id, coalesce(r.level, 1) FROM check_requirements cr"
                                     " LEFT JOIN requirements r ON r.id = cr.req_id"
                                     " WHERE cr.scenario_id = ?1 ORDER BY cr.check_id, cr.req_id")) != 0)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    bool first_level_seen = false;
    struct oracle_check *prev = NULL;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *check_id = (const char *)sqlite3_column_text(st, 0);
        struct oracle_check *c = (struct oracle_check *)oracle_scenario_check(s, check_id);
        if (!c)
            continue;
        if (c != prev) {
            first_level_seen = false;
            prev = c;
        }
        if ((rc = push_id(&c->reqs, &c->nreqs, (const char *)sqlite3_column_text(st, 1))) != 0)
            goto out;
        enum req_level lv = (enum req_level)sqlite3_column_int(st, 2);
        if (!first_level_seen || lv < c->level)
            c->level = lv;
        first_level_seen = true;
    }
    if (r != SQLITE_DONE) {
        rc = oracle_db_error(o, "read the checks' requirements");
        goto out;
    }
out:
    sqlite3_finalize(st);
    if (rc)
        scenario_free(s);
    else
        *out = s;
    return rc;
}

int oracle_scenario_get(struct oracle_scenario **out, struct oracle *o, int64_t scenario_id)
{
    for (size_t i = 0; i < o->nscenarios; i++)
        if (o->scenarios[i]->id == scenario_id) {
            *out = o->scenarios[i];
            return 0;
        }
    struct oracle_scenario *s;
    int rc = load_scenario(&s, o, scenario_id);
    if (rc)
        return rc;
    if (hp_grow((void **)&o->scenarios, &o->capscenarios, o->nscenarios + 1, sizeof *o->scenarios)) {
        scenario_free(s);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    o->scenarios[o->nscenarios++] = s;
    *out = s;
    return 0;
}
