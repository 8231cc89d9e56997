/*
 * oracle/db.c - opening the oracle database: telling our files from
 * anything else, creating and upgrading the schema, the connection's
 * settings (WAL, busy timeout, foreign keys), transactions and the cache of
 * prepared statements.
 *
 * Invariant: nothing is written to a file before a read-only connection has
 * shown it to be empty or an oracle of a schema version this build knows;
 * every other file is refused and left byte-for-byte as it was.  Schema
 * changes happen inside one BEGIN IMMEDIATE transaction, so two processes
 * creating the same database at once both end with the same schema.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oracle_private.h"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_INSERT_CASE] =
        "INSERT INTO cases(run_id, scenario_id, class, started_ms, ended_ms, status, status_value,"
        " status_text, last_step_no, last_step, trace, journal, verdict, todo, message, requirements,"
        " step_no, step, obs_first, obs_count)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    [ST_INSERT_OBS] =
        "INSERT INTO observations(id, case_id, check_id, iteration, observed, step_no, excerpt, verdict,"
        " todo, expected, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [ST_BASELINE_CASE] =
        "SELECT check_id, iteration, value FROM baselines WHERE set_id = ?1 AND scenario = ?2 AND class = ?3"
        " ORDER BY check_id, iteration",
    [ST_MAX_OBS] = "SELECT coalesce(max(id), 0) FROM observations",
};

/* ---- Small helpers ---------------------------------------------------------- */

int oracle_db_error(struct oracle *o, const char *what)
{
    return hp_error_set(HP_EDB, "%s: %s: %s", o->path, what, sqlite3_errmsg(o->db));
}

int oracle_exec(struct oracle *o, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(o->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        hp_error_set(HP_EDB, "%s: %s", o->path, err ? err : sqlite3_errmsg(o->db));
        sqlite3_free(err);
        return HP_EDB;
    }
    return 0;
}

int oracle_prepare(sqlite3_stmt **st, struct oracle *o, const char *sql)
{
    if (sqlite3_prepare_v2(o->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return oracle_db_error(o, "prepare");
    }
    return 0;
}

sqlite3_stmt *oracle_stmt(struct oracle *o, enum oracle_stmt which)
{
    if (!o->st[which]) {
        if (sqlite3_prepare_v3(o->db, stmt_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &o->st[which], NULL)
            != SQLITE_OK) {
            oracle_db_error(o, "prepare");
            return NULL;
        }
    } else {
        sqlite3_reset(o->st[which]);
        sqlite3_clear_bindings(o->st[which]);
    }
    return o->st[which];
}

static int step_done(struct oracle *o, enum oracle_stmt which, const char *what)
{
    sqlite3_stmt *st = oracle_stmt(o, which);
    if (!st)
        return HP_EDB;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return oracle_db_error(o, what);
    return 0;
}

int oracle_tx_begin(struct oracle *o)
{
    if (o->readonly)
        return hp_error_set(HP_EDB, "%s: opened read-only", o->path);
    return step_done(o, ST_BEGIN_IMMEDIATE, "begin a write transaction");
}

int oracle_tx_commit(struct oracle *o)
{
    return step_done(o, ST_COMMIT, "commit");
}

void oracle_tx_rollback(struct oracle *o)
{
    if (!sqlite3_get_autocommit(o->db)) {
        /* Keep the caller's message: the rollback's own failure says less. */
        sqlite3_stmt *st = oracle_stmt(o, ST_ROLLBACK);
        if (st) {
            sqlite3_step(st);
            sqlite3_reset(st);
        }
    }
}

char *oracle_col_strdup(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    int n = sqlite3_column_bytes(st, col);
    return hp_strndup(s ? (const char *)s : "", s ? (size_t)n : 0);
}

void oracle_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s)
        sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, idx);
}

/* ---- Verdict names, levels, time -------------------------------------------- */

static const char *const verdict_names[ORACLE_NVERDICTS] = {
    "PASS", "SKIP", "WARN", "FAIL", "ERROR", "TIMEOUT", "CRASH", "XFAIL",
};

const char *oracle_verdict_name(int verdict)
{
    if (verdict < 0 || verdict >= ORACLE_NVERDICTS)
        return "?";
    return verdict_names[verdict];
}

int oracle_verdict_parse(const char *name)
{
    for (int i = 0; i < ORACLE_NVERDICTS; i++)
        if (name && hp_streqi(name, verdict_names[i]))
            return i;
    return -1;
}

int oracle_display_verdict(enum verdict v, int todo)
{
    return v == VERDICT_PASS && todo == 1 ? ORACLE_XFAIL : (int)v;
}

const char *oracle_level_name(enum req_level level)
{
    switch (level) {
    case REQ_MUST: return "MUST";
    case REQ_SHOULD: return "SHOULD";
    case REQ_MAY: return "MAY";
    }
    return "?";
}

char *oracle_format_time(char out[32], int64_t ms)
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int frac = (int)(ms - (int64_t)secs * 1000);
    struct tm tm;
    if (!gmtime_r(&secs, &tm)) {
        snprintf(out, 32, "1970-01-01T00:00:00.000Z");
        return out;
    }
    char tmp[96];
    int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    size_t len = n < 0 ? 0 : (size_t)n > 31 ? 31 : (size_t)n;
    memcpy(out, tmp, len);
    out[len] = 0;
    return out;
}

int oracle_exit_status_of(const unsigned case_counts[ORACLE_NVERDICTS], bool complete)
{
    if (!complete)
        return 1;
    if (case_counts[VERDICT_FAIL] || case_counts[VERDICT_ERROR] || case_counts[VERDICT_TIMEOUT]
        || case_counts[VERDICT_CRASH])
        return 1;
    return 0;
}

/* ---- Opening ----------------------------------------------------------------- */

/* What the read-only look at an existing file found. */
struct file_state {
    bool fresh;          /* empty: no table, no application id, version 0 */
    int version;         /* user_version of an oracle */
};

static int not_an_oracle(const char *path, const char *why)
{
    return hp_error_set(HP_EDB, "%s: not an hiperfcheck oracle: %s", path, why);
}

static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Classifies the database in a connection: fresh, an oracle of some
 * version, or something else (HP_EDB).  Reads only. */
static int classify(struct file_state *fs, sqlite3 *db, const char *path, size_t nmigrations)
{
    int64_t tables = 0, app = 0, version = 0;
    if (pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables) != 0)
        return not_an_oracle(path, sqlite3_errmsg(db));
    if (pragma_int(db, "PRAGMA application_id", &app) != 0 || pragma_int(db, "PRAGMA user_version", &version) != 0)
        return not_an_oracle(path, sqlite3_errmsg(db));
    fs->fresh = false;
    fs->version = 0;
    if (tables == 0 && app == 0 && version == 0) {
        fs->fresh = true;
        return 0;
    }
    if (app != ORACLE_APPLICATION_ID) {
        char why[160];
        snprintf(why, sizeof why, "an SQLite database of something else (application_id 0x%08llx, %lld objects)",
                 (unsigned long long)(uint32_t)app, (long long)tables);
        return not_an_oracle(path, why);
    }
    if (version > (int64_t)nmigrations)
        return hp_error_set(HP_EDB,
                            "%s: oracle schema version %lld is newer than this hiperfcheck knows (%zu); "
                            "use a newer hiperfcheck", path, (long long)version, nmigrations);
    if (version < 1)
        return not_an_oracle(path, "application id set but no schema version");
    fs->version = (int)version;
    return 0;
}

/* Looks at an existing file through a read-only connection. */
static int inspect_existing(struct file_state *fs, const char *path, size_t nmigrations)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        int err = not_an_oracle(path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return err;
    }
    sqlite3_busy_timeout(db, ORACLE_BUSY_TIMEOUT_MS);
    rc = classify(fs, db, path, nmigrations);
    sqlite3_close(db);
    return rc;
}

static int migrate(struct oracle *o, const struct oracle_migration *migrations, size_t nmigrations)
{
    int rc = oracle_tx_begin(o);
    if (rc)
        return rc;
    /* Look again under the write lock: another process may have created
     * or upgraded the file since we looked. */
    struct file_state fs;
    rc = classify(&fs, o->db, o->path, nmigrations);
    if (rc)
        goto out;
    for (size_t v = (size_t)fs.version; v < nmigrations; v++) {
        rc = oracle_exec(o, migrations[v].sql);
        if (rc) {
            hp_error_prefix("%s: migration to schema version %zu failed", o->path, v + 1);
            goto out;
        }
    }
    if ((size_t)fs.version < nmigrations) {
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %zu",
                 ORACLE_APPLICATION_ID, nmigrations);
        rc = oracle_exec(o, sql);
        if (rc)
            goto out;
    }
    rc = oracle_tx_commit(o);
out:
    if (rc)
        oracle_tx_rollback(o);
    return rc;
}

/* Runs SQL, retrying while another connection holds a lock the busy
 * handler cannot wait for (changing the journal mode needs an exclusive
 * lock, and SQLite gives up at once rather than risk a deadlock). */
static int exec_patiently(struct oracle *o, const char *sql)
{
    for (int waited_ms = 0;; waited_ms += 10) {
        char *err = NULL;
        int rc = sqlite3_exec(o->db, sql, NULL, NULL, &err);
        if (rc == SQLITE_OK)
            return 0;
        bool busy = (rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED;
        if (!busy || waited_ms >= ORACLE_BUSY_TIMEOUT_MS) {
            hp_error_set(HP_EDB, "%s: %s", o->path, err ? err : sqlite3_errstr(rc));
            sqlite3_free(err);
            return HP_EDB;
        }
        sqlite3_free(err);
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Creates a new oracle at path atomically: the database is built under a
 * temporary name beside it (WAL mode, every migration), closed, and moved
 * into place only if path still does not exist.  So a process that finds
 * the file finds a whole oracle, and two processes creating the same one
 * at once both end up using the one that got there first. */
static int create_atomically(const char *path, const struct oracle_migration *migrations, size_t nmigrations)
{
    static _Atomic unsigned counter;
    char *tmp = hp_sprintf("%s.new-%ld-%u", path, (long)getpid(), counter++);
    if (!tmp)
        return hp_error_set(HP_ENOMEM, "out of memory");
    struct oracle o = {.path = tmp};
    int rc = sqlite3_open_v2(tmp, &o.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rc = hp_error_set(HP_EIO, "%s: cannot create the database: %s", path,
                          o.db ? sqlite3_errmsg(o.db) : sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_extended_result_codes(o.db, 1);
    if ((rc = oracle_exec(&o, ORACLE_WRITER_PRAGMAS)) != 0 || (rc = migrate(&o, migrations, nmigrations)) != 0)
        goto out;
    for (int i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(o.st[i]);
        o.st[i] = NULL;
    }
    /* Closing the only connection checkpoints and removes tmp's WAL. */
    if (sqlite3_close(o.db) != SQLITE_OK) {
        rc = hp_error_set(HP_EDB, "%s: closing the new database failed", path);
        o.db = NULL;
        goto out;
    }
    o.db = NULL;
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) {
        free(tmp);
        return 0;
    }
    if (errno == EEXIST) {
        rc = 0;   /* another process created it first: use theirs */
    } else if (link(tmp, path) == 0 || errno == EEXIST) {
        rc = 0;   /* a file system without RENAME_NOREPLACE */
    } else {
        rc = hp_error_set(HP_EIO, "%s: cannot create the database: %s", path, strerror(errno));
    }
out:
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(o.st[i]);
    sqlite3_close(o.db);
    unlink(tmp);
    char side[4096];
    snprintf(side, sizeof side, "%s-wal", tmp);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", tmp);
    unlink(side);
    free(tmp);
    return rc;
}

int oracle_open_with(struct oracle **out, const char *path, unsigned flags,
                     const struct oracle_migration *migrations, size_t nmigrations)
{
    *out = NULL;
    bool readonly = flags & ORACLE_OPEN_READONLY;
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && errno != ENOENT)
        return hp_error_set(HP_EIO, "%s: %s", path, strerror(errno));
    if (exists && S_ISDIR(sb.st_mode))
        return not_an_oracle(path, "a directory");
    if (!exists && readonly)
        return hp_error_set(HP_ENOTFOUND, "%s: no such oracle database", path);
    if (!exists) {
        int rc = create_atomically(path, migrations, nmigrations);
        if (rc)
            return rc;
        if (stat(path, &sb) != 0)
            return hp_error_set(HP_EIO, "%s: %s", path, strerror(errno));
        exists = true;
    }

    struct file_state fs = {.fresh = true};
    if (exists && sb.st_size > 0) {
        int rc = inspect_existing(&fs, path, nmigrations);
        if (rc)
            return rc;
    }
    if (readonly && (fs.fresh || (size_t)fs.version != nmigrations)) {
        if (fs.fresh)
            return not_an_oracle(path, "an empty database");
        return hp_error_set(HP_EDB,
                            "%s: oracle schema version %d is older than this hiperfcheck's (%zu); "
                            "open it once for writing (e.g. with `hiperfcheck run`) to upgrade it",
                            path, fs.version, nmigrations);
    }

    struct oracle *o = calloc(1, sizeof *o);
    if (!o || !(o->path = hp_strdup(path))) {
        free(o);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    o->readonly = readonly;
    int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &o->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        if (o->db)
            rc = oracle_db_error(o, "open");
        else
            rc = hp_error_set(HP_EDB, "%s: open: %s", path, sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(o->db, 1);
    sqlite3_busy_timeout(o->db, ORACLE_BUSY_TIMEOUT_MS);
    if ((rc = oracle_exec(o, "PRAGMA foreign_keys = ON")) != 0)
        goto fail;
    if (!readonly) {
        /* WAL: readers never block the writer and a killed writer loses only
         * its open transaction.  NORMAL is durable against a killed process
         * (not against power loss, where the last commits may be lost but the
         * file stays consistent).  A checkpoint every 10000 pages (40 MB of
         * WAL) instead of 1000: a run commits once per case, and frequent
         * checkpoints (two fsyncs each) were most of what a commit cost. */
        if ((rc = exec_patiently(o, ORACLE_WRITER_PRAGMAS)) != 0)
            goto fail;
        if ((fs.fresh || (size_t)fs.version < nmigrations) && (rc = migrate(o, migrations, nmigrations)) != 0)
            goto fail;
    }
    *out = o;
    return 0;
fail:
    oracle_close(o);
    return rc;
}

int oracle_open(struct oracle **out, const char *path, unsigned flags)
{
    return oracle_open_with(out, path, flags, oracle_migrations, oracle_nmigrations);
}

void oracle_close(struct oracle *o)
{
    if (!o)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(o->st[i]);
    oracle_scenario_cache_free(o);
    oracle_run_ctx_free(&o->run);
    sqlite3_close(o->db);
    free(o->path);
    free(o);
}

const char *oracle_path(const struct oracle *o)
{
    return o->path;
}

int oracle_integrity_check(char **result, struct oracle *o)
{
    *result = NULL;
    sqlite3_stmt *st;
    int rc = oracle_prepare(&st, o, "PRAGMA integrity_check");
    if (rc)
        return rc;
    struct hp_buf b = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (b.len)
            hp_buf_putc(&b, '\n');
        const unsigned char *t = sqlite3_column_text(st, 0);
        hp_buf_puts(&b, t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        hp_buf_free(&b);
        return oracle_db_error(o, "integrity_check");
    }
    *result = hp_buf_steal(&b);
    return *result ? 0 : hp_error_set(HP_ENOMEM, "out of memory");
}

int oracle_read_begin(struct oracle *o)
{
    if (o->read_depth++ > 0)
        return 0;
    o->read_tx = false;
    if (!sqlite3_get_autocommit(o->db))
        return 0;  /* already inside a transaction of the caller's */
    int rc = oracle_exec(o, "BEGIN DEFERRED");
    if (rc) {
        o->read_depth--;
        return rc;
    }
    o->read_tx = true;
    /* A deferred transaction takes its snapshot at the first read. */
    int64_t dummy;
    pragma_int(o->db, "SELECT count(*) FROM runs", &dummy);
    return 0;
}

void oracle_read_end(struct oracle *o)
{
    if (o->read_depth == 0 || --o->read_depth > 0)
        return;
    if (o->read_tx && !sqlite3_get_autocommit(o->db))
        sqlite3_exec(o->db, "COMMIT", NULL, NULL, NULL);
}

void oracle_set_obs_hook(struct oracle *o, void (*hook)(void *ctx, size_t i), void *ctx)
{
    o->obs_hook = hook;
    o->obs_hook_ctx = ctx;
}
