/*
 * tests/oracle/test_oracle_store.c - the oracle database: creation and
 * migrations, refusing files that are not ours without touching them,
 * scenarios and checks, case verdicts, expected failures both ways, the
 * baseline round trip and its text format, a run killed in the middle of a
 * case, two processes writing one database at once, and the read API.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "oracle.h"
#include "oracle_private.h"
#include "util.h"

struct env {
    char *dir;
    char *db;
};

/* This program, for children that run a role of their own: a child execs
 * it (never keeps a forked copy of the parent), so it starts with no
 * inherited SQLite state and under valgrind its deliberate exits are not
 * reported as the parent's leaks. */
static char self_path[4096];

static pid_t spawn_self(const char *role, const char *a1, const char *a2)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {self_path, (char *)"--child", (char *)role, (char *)a1, (char *)a2, NULL};
        execv(self_path, argv);
        _exit(127);
    }
    return pid;
}

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof *e);
    e->dir = fx_tmpdir();
    e->db = fx_path(e->dir, "oracle.db");
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    fx_rmdir(e->dir);
    free(e->db);
    free(e);
    return 0;
}

/* One integer from SQL on a separate, plain connection. */
static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* ---- Creating and opening ---------------------------------------------------- */

static void open_creates_a_wal_database_at_the_current_version(void **state)
{
    struct env *e = *state;
    struct oracle *o;
    assert_int_equal(oracle_open(&o, e->db, 0), 0);
    assert_int_equal(sql_int(e->db, "PRAGMA user_version"), ORACLE_SCHEMA_VERSION);
    assert_int_equal(sql_int(e->db, "PRAGMA application_id"), ORACLE_APPLICATION_ID);
    sqlite3 *db;
    sqlite3_open(e->db, &db);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
    char *ic;
    assert_int_equal(oracle_integrity_check(&ic, o), 0);
    assert_string_equal(ic, "ok");
    free(ic);
    oracle_close(o);
    /* Opening again changes nothing and needs no migration. */
    assert_int_equal(oracle_open(&o, e->db, 0), 0);
    assert_int_equal(sql_int(e->db, "PRAGMA user_version"), ORACLE_SCHEMA_VERSION);
    oracle_close(o);
    assert_int_equal(oracle_open(&o, e->db, ORACLE_OPEN_READONLY), 0);
    assert_int_equal(oracle_load_requirements(o, fx_catalog, strlen(fx_catalog), "c"), HP_EDB);
    oracle_close(o);
}

static void open_readonly_needs_an_existing_oracle(void **state)
{
    struct env *e = *state;
    struct oracle *o = (void *)1;
    assert_int_equal(oracle_open(&o, e->db, ORACLE_OPEN_READONLY), HP_ENOTFOUND);
    assert_null(o);
    assert_false(exists(e->db));
    write_file(e->db, "", 0);
    assert_int_equal(oracle_open(&o, e->db, ORACLE_OPEN_READONLY), HP_EDB);
    assert_non_null(strstr(hp_error_message(), "not an hiperfcheck oracle: an empty database"));
    /* An empty file is a new database for a writer. */
    assert_int_equal(oracle_open(&o, e->db, 0), 0);
    oracle_close(o);
    assert_int_equal(sql_int(e->db, "PRAGMA user_version"), ORACLE_SCHEMA_VERSION);
}

/* A later version of the schema: the real migrations plus one. */
static const char extra_sql[] = "ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';"
                                "CREATE TABLE extra(x INTEGER);";

static void migration_upgrades_an_older_database(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t run = fx_run(o, NULL);
    oracle_close(o);
    struct oracle_migration m[ORACLE_SCHEMA_VERSION + 1];
    for (size_t i = 0; i < oracle_nmigrations; i++)
        m[i] = oracle_migrations[i];
    m[oracle_nmigrations] = (struct oracle_migration){"test: a later change", extra_sql};
    assert_int_equal(oracle_open_with(&o, e->db, 0, m, oracle_nmigrations + 1), 0);
    oracle_close(o);
    assert_int_equal(sql_int(e->db, "PRAGMA user_version"), ORACLE_SCHEMA_VERSION + 1);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM extra"), 0);
    /* The data written before the upgrade is still there. */
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld AND note = ''", (long long)run);
    assert_int_equal(sql_int(e->db, sql), 1);
}

static void migration_refuses_a_newer_database_without_touching_it(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    oracle_close(o);
    struct oracle_migration m[ORACLE_SCHEMA_VERSION + 1];
    for (size_t i = 0; i < oracle_nmigrations; i++)
        m[i] = oracle_migrations[i];
    m[oracle_nmigrations] = (struct oracle_migration){"test: a later change", extra_sql};
    assert_int_equal(oracle_open_with(&o, e->db, 0, m, oracle_nmigrations + 1), 0);
    oracle_close(o);
    size_t len;
    char *before = fx_slurp(e->db, &len);
    assert_non_null(before);
    o = (void *)1;
    assert_int_equal(oracle_open(&o, e->db, 0), HP_EDB);
    assert_null(o);
    char want[256];
    snprintf(want, sizeof want, "%s: oracle schema version %d is newer than this hiperfcheck knows (%d)", e->db,
             ORACLE_SCHEMA_VERSION + 1, ORACLE_SCHEMA_VERSION);
    assert_non_null(strstr(hp_error_message(), want));
    assert_int_equal(hp_error_exit_status(hp_error_code()), 2);
    assert_true(fx_same_bytes(e->db, before, len));
    free(before);
}

static void migration_that_fails_leaves_the_old_version(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    oracle_close(o);
    struct oracle_migration m[ORACLE_SCHEMA_VERSION + 1];
    for (size_t i = 0; i < oracle_nmigrations; i++)
        m[i] = oracle_migrations[i];
    m[oracle_nmigrations] = (struct oracle_migration){"test: broken", "CREATE TABLE ok1(x); CREATE TABLE runs(x);"};
    assert_int_equal(oracle_open_with(&o, e->db, 0, m, oracle_nmigrations + 1), HP_EDB);
    assert_non_null(strstr(hp_error_message(), "migration to schema version 2 failed"));
    assert_int_equal(sql_int(e->db, "PRAGMA user_version"), ORACLE_SCHEMA_VERSION);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM sqlite_schema WHERE name = 'ok1'"), 0);
}

/* A file that is refused must stay byte-for-byte as it was.  No journal is
 * created beside it; SQLite may create an empty -wal (and a -shm) when it
 * reads a file whose header says WAL mode, never anything with content. */
static void assert_refused_untouched(const char *path, const char *why)
{
    size_t len;
    char *before = fx_slurp(path, &len);
    assert_non_null(before);
    struct oracle *o = (void *)1;
    assert_int_equal(oracle_open(&o, path, 0), HP_EDB);
    assert_null(o);
    const char *msg = hp_error_message();
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "not an hiperfcheck oracle"));
    if (why && !strstr(msg, why))
        fail_msg("message '%s' does not say '%s'", msg, why);
    assert_true(fx_same_bytes(path, before, len));
    char side[4096];
    snprintf(side, sizeof side, "%s-wal", path);
    struct stat sb;
    if (stat(side, &sb) == 0) {
        assert_int_equal(sb.st_size, 0);
        assert_true(len >= 20 && before[18] == 2);   /* only for a WAL-mode header */
    }
    snprintf(side, sizeof side, "%s-journal", path);
    assert_false(exists(side));
    free(before);
}

static void files_that_are_not_sqlite_are_refused_untouched(void **state)
{
    struct env *e = *state;
    const char text[] = "this is a scenario file, not a database\n";
    write_file(e->db, text, sizeof text - 1);
    assert_refused_untouched(e->db, "file is not a database");
    unsigned char noise[8192];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (unsigned char)(i * 2654435761u >> 13);
    write_file(e->db, noise, sizeof noise);
    assert_refused_untouched(e->db, NULL);
    /* A directory. */
    struct oracle *o;
    assert_int_equal(oracle_open(&o, e->dir, 0), HP_EDB);
    assert_non_null(strstr(hp_error_message(), "a directory"));
}

static void corrupt_oracles_are_refused_untouched(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    fx_run(o, NULL);
    assert_int_equal(oracle_exec(o, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
    oracle_close(o);
    size_t len;
    char *good = fx_slurp(e->db, &len);
    assert_true(len >= 4096);
    /* 1. The header's magic string damaged. */
    char *bad = malloc(len);
    memcpy(bad, good, len);
    memcpy(bad, "SQLite format 4", 15);
    write_file(e->db, bad, len);
    assert_refused_untouched(e->db, NULL);
    /* 2. The schema (page 1 after the header) overwritten. */
    memcpy(bad, good, len);
    memset(bad + 100, 0x5A, 3000);
    write_file(e->db, bad, len);
    assert_refused_untouched(e->db, NULL);
    /* 3. Truncated in the middle of the header. */
    write_file(e->db, good, 60);
    assert_refused_untouched(e->db, NULL);
    free(bad);
    free(good);
}

static void foreign_sqlite_databases_are_refused_untouched(void **state)
{
    struct env *e = *state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT);"
                                      "INSERT INTO photos(path) VALUES ('a.jpg');", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_refused_untouched(e->db, "an SQLite database of something else");
    /* Ours by application id but without a version: refused too. */
    sqlite3_open(e->db, &db);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d", ORACLE_APPLICATION_ID);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    assert_refused_untouched(e->db, "no schema version");
}

/* ---- The catalog and scenarios ------------------------------------------------ */

static void catalog_reload_retires_missing_requirements(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    const char smaller[] = "T-MUST-1 | SHOULD | new doc | changed text\n";
    assert_int_equal(oracle_load_requirements(o, smaller, strlen(smaller), "c2"), 0);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM requirements WHERE retired = 0"), 1);
    assert_int_equal(sql_int(e->db, "SELECT level FROM requirements WHERE id = 'T-MUST-1'"), REQ_SHOULD);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM requirements"), 5);
    /* A bad catalog stores nothing. */
    const char broken[] = "T-NEW | MUST | d | t\nT-BAD | NEVER | d | t\n";
    assert_int_equal(oracle_load_requirements(o, broken, strlen(broken), "c3"), HP_EPARSE);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM requirements WHERE id = 'T-NEW'"), 0);
    oracle_close(o);
}

static void scenario_registration_is_idempotent_per_definition(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), b = fx_alpha(o);
    assert_true(a > 0);
    assert_int_equal(a, b);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM checks"), 5);
    /* Another version of the same scenario is a new row. */
    static const char *const r1[] = {"T-MUST-1"};
    static const struct oracle_check_def c[] = {{"hr", 10, 5, CHECK_HRESULT, "S_FALSE", r1, 1, "changed"}};
    struct oracle_scenario_def d = {.name = "alpha", .file = "scenarios/alpha.scn", .sha256 = "ffff",
                                    .covers = r1, .ncovers = 1, .checks = c, .nchecks = 1};
    int64_t v2;
    assert_int_equal(oracle_register_scenario(&v2, o, &d), 0);
    assert_true(v2 != a);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM scenarios WHERE name = 'alpha'"), 2);
    oracle_close(o);
}

static void scenario_registration_rejects_bad_expectations(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    static const char *const r1[] = {"T-MUST-1"}, *const unknown[] = {"T-NOPE"};
    struct {
        struct oracle_check_def c[2];
        size_t n;
        const char *message;
    } t[] = {
        {{{"a", 3, 7, CHECK_HRESULT, "WBEM_E_NOPE", r1, 1, ""}}, 1,
         "s.scn:3:7: 'WBEM_E_NOPE' is not an HRESULT, success, failure or any"},
        {{{"a", 4, 2, CHECK_COMPARE, "=", r1, 1, ""}}, 1, "s.scn:4:2: '=' is not a comparison operator"},
        {{{"a", 5, 1, CHECK_TRUE, "false", r1, 1, ""}}, 1, "s.scn:5:1: a truth check expects \"true\", not 'false'"},
        {{{"a", 6, 1, (enum check_kind)9, "", r1, 1, ""}}, 1, "s.scn:6:1: unknown check kind 9"},
        {{{"a", 7, 1, CHECK_HRESULT, "S_OK", unknown, 1, ""}}, 1, "s.scn:7:1: unknown requirement T-NOPE"},
        {{{"a", 8, 1, CHECK_HRESULT, "S_OK", r1, 1, ""}, {"a", 9, 3, CHECK_TRUE, "true", r1, 1, ""}}, 2,
         "s.scn:9:3: check id a is already used at 8:1"},
        {{{"", 10, 1, CHECK_TRUE, "true", r1, 1, ""}}, 1, "s.scn:10:1: check without an id"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        struct oracle_scenario_def d = {.name = "s", .file = "s.scn", .sha256 = "1234", .checks = t[i].c,
                                        .nchecks = t[i].n};
        int64_t id = 77;
        assert_int_equal(oracle_register_scenario(&id, o, &d), HP_EINVAL);
        assert_string_equal(hp_error_message(), t[i].message);
        assert_int_equal(id, 0);
    }
    struct oracle_scenario_def d = {.name = "s", .file = "s.scn", .sha256 = "1234", .covers = unknown, .ncovers = 1};
    int64_t id;
    assert_int_equal(oracle_register_scenario(&id, o, &d), HP_EINVAL);
    assert_string_equal(hp_error_message(), "s.scn: covers names unknown requirement T-NOPE");
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM scenarios"), 0);
    oracle_close(o);
}

/* ---- Case verdicts ---------------------------------------------------------------- */

#define OK ORACLE_WORKER_EXITED, 0

static void case_passes_when_every_check_passes(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    int64_t cid = fx_case_id(o, run, a, "Win32_A", OK, "hr", "h:0x0", "0", "cmp", "u:3\x1fi:3", "0", "tru",
                             "b:true", "0", "may", "h:0x0", "0", NULL);
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].id, cid);
    assert_int_equal(c[0].display, VERDICT_PASS);
    assert_string_equal(c[0].message, "");
    assert_string_equal(c[0].requirements, "T-MAY-1 T-MUST-1 T-MUST-2 T-SHOULD-1");
    assert_int_equal(c[0].nchecks, 4);
    assert_int_equal(c[0].check_counts[VERDICT_PASS], 4);
    oracle_cases_free(c, n);
    oracle_close(o);
}

static void case_fails_naming_the_failing_checks(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    assert_int_equal(fx_case(o, run, a, "Win32_A", OK, "hr", "h:0x80041001", "0", "cmp", "u:3\x1fu:4", "0", "tru",
                             "b:false", "0", NULL), VERDICT_FAIL);
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_string_equal(c[0].message, "expected S_OK (0x00000000), got WBEM_E_FAILED (0x80041001) (and 1 more)");
    assert_string_equal(c[0].requirements, "T-MUST-1 T-MUST-2");   /* the two failed MUSTs, not the SHOULD */
    assert_int_equal(c[0].step_no, 1);
    assert_string_equal(c[0].step, "r = CreateRefresher => S_OK");
    assert_int_equal(c[0].check_counts[VERDICT_FAIL], 2);
    assert_int_equal(c[0].check_counts[VERDICT_WARN], 1);
    oracle_cases_free(c, n);
    /* The flattened view names scenario, class, requirements, step and excerpt. */
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM verdicts WHERE scenario = 'alpha' AND class = 'Win32_A'"
                                    " AND verdict = 'FAIL' AND check_id = 'hr' AND requirements = 'T-MUST-1'"
                                    " AND step_no = 1 AND excerpt LIKE '%Refresh%'"), 1);
    oracle_close(o);
}

static void case_warns_when_only_should_checks_fail(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    assert_int_equal(fx_case(o, run, a, "W", OK, "hr", "h:0x0", "0", "tru", "b:false", "0", "may", "h:0x1", "0", NULL),
                     VERDICT_WARN);
    assert_int_equal(fx_check_verdict(o, 1, "may", 0, NULL, 0), VERDICT_WARN);
    struct oracle_summary s;
    assert_int_equal(oracle_finish_run(o, run, 1735689700000), 0);
    assert_int_equal(oracle_get_summary(&s, o, run), 0);
    assert_int_equal(s.exit_status, 0);
    assert_int_equal(s.verdict, VERDICT_WARN);
    oracle_close(o);
}

static void case_skips_on_an_unmet_need_but_not_on_a_missing_baseline(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), b = fx_beta(o), g = fx_gamma(o), run = fx_run(o, NULL);
    assert_int_equal(fx_case(o, run, b, "B", OK, "load", "h:0x0", "0", "need",
                             "s:CreateRefresher gave WBEM_E_PROVIDER_NOT_CAPABLE", "0", NULL), VERDICT_SKIP);
    /* A value check without a baseline is SKIP; its case still passes. */
    int64_t cid = fx_case_id(o, run, a, "A", OK, "hr", "h:0x0", "0", "val", "u:42", "0", NULL);
    char msg[256];
    assert_int_equal(fx_check_verdict(o, cid, "val", 0, msg, sizeof msg), VERDICT_SKIP);
    assert_string_equal(msg, "no baseline for this provider: value checks are judged after `hiperfcheck bless`");
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_int_equal(n, 2);
    assert_string_equal(c[0].scenario, "alpha");
    assert_int_equal(c[0].display, VERDICT_PASS);
    assert_int_equal(c[1].display, VERDICT_SKIP);
    assert_string_equal(c[1].message, "CreateRefresher gave WBEM_E_PROVIDER_NOT_CAPABLE");
    oracle_cases_free(c, n);
    /* `needs baseline` without one: the case is SKIP. */
    assert_int_equal(fx_case(o, run, g, "G", OK, "v1", "u:1", "0", NULL), VERDICT_SKIP);
    /* A failure beats a skip. */
    assert_int_equal(fx_case(o, run, b, "B2", OK, "load", "h:0x80004005", "0", "need", "s:no", "0", NULL),
                     VERDICT_FAIL);
    oracle_close(o);
}

static int fx_case_id_or_error(struct oracle *o, int64_t run, int64_t sid)
{
    struct oracle_observation ob = {.check_id = "hr", .observed = "h:0x0"};
    struct oracle_case_def c = {.scenario_id = sid, .class_name = "Late", .obs = &ob, .nobs = 1};
    return oracle_record_case(NULL, NULL, o, run, &c);
}

static void case_worker_status_dominates(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    assert_int_equal(fx_case(o, run, a, "S", ORACLE_WORKER_SIGNALED, SIGSEGV, "hr", "h:0x0", "0", NULL), VERDICT_CRASH);
    assert_int_equal(fx_case(o, run, a, "X", ORACLE_WORKER_EXITED, 3, "hr", "h:0x0", "0", NULL), VERDICT_CRASH);
    assert_int_equal(fx_case(o, run, a, "T", ORACLE_WORKER_TIMEOUT, 0, "hr", "h:0x80004005", "0", NULL),
                     VERDICT_TIMEOUT);
    assert_int_equal(fx_case(o, run, a, "E", ORACLE_WORKER_ERROR, 0, NULL), VERDICT_ERROR);
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_int_equal(n, 4);
    /* sorted by class: E S T X */
    assert_string_equal(c[0].message, "the harness could not run the case: the worker could not be started");
    assert_string_equal(c[1].message, "the worker was killed by SIGSEGV (11) at step 2: Refresh r1");
    assert_string_equal(c[1].requirements, "T-MUST-1 T-MUST-2");   /* the scenario's covers */
    assert_int_equal(c[1].step_no, 2);
    assert_string_equal(c[1].step, "Refresh r1");
    assert_non_null(strstr(c[1].journal, "CreateRefresher"));
    assert_string_equal(c[2].message, "the case ran out of time at step 2: Refresh r1");
    assert_string_equal(c[3].message, "the worker exited with status 3 at step 2: Refresh r1");
    oracle_cases_free(c, n);
    assert_int_equal(oracle_finish_run(o, run, 1735689700000), 0);
    assert_int_equal(fx_case_id_or_error(o, run, a), HP_EINVAL);   /* a finished run takes no case */
    assert_string_equal(hp_error_message(), "run 1 is complete: it takes no more cases");
    assert_int_equal(oracle_finish_run(o, 99, 1), HP_ENOTFOUND);
    struct oracle_summary s;
    assert_int_equal(oracle_get_summary(&s, o, run), 0);
    assert_int_equal(s.verdict, VERDICT_CRASH);
    assert_int_equal(s.exit_status, 1);
    oracle_close(o);
}

static void case_errors_on_harness_faults(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    /* No observation at all from a scenario that has checks. */
    assert_int_equal(fx_case(o, run, a, "none", OK, NULL), VERDICT_ERROR);
    /* An observation of a check the scenario does not have. */
    int64_t cid = fx_case_id(o, run, a, "unknown", OK, "hr", "h:0x0", "0", "zz", "u:1", "0", NULL);
    char msg[256];
    assert_int_equal(fx_check_verdict(o, cid, "zz", 0, msg, sizeof msg), VERDICT_ERROR);
    assert_string_equal(msg, "the worker reported check 'zz', which scenario alpha does not have");
    /* A malformed observation. */
    assert_int_equal(fx_case(o, run, a, "malformed", OK, "hr", "S_OK", "0", NULL), VERDICT_ERROR);
    /* The same case twice. */
    struct oracle_case_def c = {.scenario_id = a, .class_name = "none"};
    assert_int_equal(oracle_record_case(NULL, NULL, o, run, &c), HP_EINVAL);
    assert_string_equal(hp_error_message(), "run 1: case alpha / none is already recorded");
    oracle_close(o);
}

/* ---- Expected failures ---------------------------------------------------------- */

static int64_t todo(struct oracle *o, const char *provider, const char *scenario, const char *klass,
                    const char *check)
{
    struct oracle_todo_def t = {.provider_name = provider, .scenario = scenario, .class_pattern = klass,
                                .check_id = check, .reason = "bug 12"};
    int64_t id;
    assert_int_equal(oracle_add_todo(&id, o, &t), 0);
    return id;
}

static void todo_turns_an_expected_failure_into_xfail(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o);
    todo(o, FX_NAME, "alpha", "win32_*", "hr");
    int64_t run = fx_run(o, NULL);
    int64_t cid = fx_case_id(o, run, a, "Win32_A", OK, "hr", "h:0x80041001", "0", "cmp", "u:1\x1fu:1", "0", NULL);
    char msg[256];
    assert_int_equal(fx_check_verdict(o, cid, "hr", 0, msg, sizeof msg), ORACLE_XFAIL);
    assert_string_equal(msg, "expected failure (todo 1: bug 12): "
                             "expected S_OK (0x00000000), got WBEM_E_FAILED (0x80041001)");
    assert_int_equal(oracle_finish_run(o, run, 1735689700000), 0);
    struct oracle_summary s;
    assert_int_equal(oracle_get_summary(&s, o, run), 0);
    assert_int_equal(s.case_counts[ORACLE_XFAIL], 1);
    assert_int_equal(s.case_counts[VERDICT_PASS], 0);
    assert_int_equal(s.check_counts[ORACLE_XFAIL], 1);
    assert_int_equal(s.exit_status, 0);
    /* The todo is scoped: another class pattern, another provider. */
    int64_t run3 = fx_run(o, NULL);
    assert_int_equal(fx_case(o, run3, a, "Other", OK, "hr", "h:0x80041001", "0", NULL), VERDICT_FAIL);
    struct oracle_run_def other = {.provider_path = "o.so", .provider_name = "OtherProvider",
                                   .provider_clsid = FX_CLSID, .harness_version = "t"};
    int64_t run2;
    assert_int_equal(oracle_begin_run(&run2, o, &other), 0);
    assert_int_equal(fx_case(o, run2, a, "Win32_A", OK, "hr", "h:0x80041001", "0", NULL), VERDICT_FAIL);
    oracle_close(o);
}

static void todo_that_passes_fails_as_unexpected_pass(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o);
    todo(o, NULL, "alpha", NULL, "hr");
    int64_t run = fx_run(o, NULL);
    int64_t cid = fx_case_id(o, run, a, "A", OK, "hr", "h:0x0", "0", NULL);
    char msg[256];
    assert_int_equal(fx_check_verdict(o, cid, "hr", 0, msg, sizeof msg), VERDICT_FAIL);
    assert_string_equal(msg, "unexpected pass: remove the todo (todo 1: bug 12)");
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_int_equal(c[0].display, VERDICT_FAIL);
    assert_int_equal(c[0].todo, 2);
    assert_string_equal(c[0].message, "unexpected pass: remove the todo (todo 1: bug 12)");
    oracle_cases_free(c, n);
    oracle_close(o);
}

static void todo_over_iterations_needs_only_one_failure(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o);
    todo(o, NULL, "alpha", NULL, "hr");
    int64_t run = fx_run(o, NULL);
    int64_t cid = fx_case_id(o, run, a, "A", OK, "hr", "h:0x0", "0", "hr", "h:0x80004005", "1", "hr", "h:0x0", "2",
                             NULL);
    assert_int_equal(fx_check_verdict(o, cid, "hr", 0, NULL, 0), VERDICT_PASS);
    assert_int_equal(fx_check_verdict(o, cid, "hr", 1, NULL, 0), ORACLE_XFAIL);
    assert_int_equal(fx_check_verdict(o, cid, "hr", 2, NULL, 0), VERDICT_PASS);
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_int_equal(c[0].display, ORACLE_XFAIL);
    oracle_cases_free(c, n);
    oracle_close(o);
}

static void todo_for_a_whole_case_covers_crashes_both_ways(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o);
    todo(o, FX_NAME, "alpha", "Crashy", "*");
    todo(o, FX_NAME, "alpha", "Fixed", "*");
    int64_t run = fx_run(o, NULL);
    assert_int_equal(fx_case(o, run, a, "Crashy", ORACLE_WORKER_SIGNALED, SIGABRT, "hr", "h:0x80004005", "0", NULL),
                     ORACLE_XFAIL);
    assert_int_equal(fx_case(o, run, a, "Fixed", OK, "hr", "h:0x0", "0", NULL), VERDICT_FAIL);
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_string_equal(c[0].class_name, "Crashy");
    assert_non_null(strstr(c[0].message, "expected failure (todo 1: bug 12): was CRASH"));
    assert_non_null(strstr(c[0].message, "SIGABRT"));
    assert_string_equal(c[1].message, "unexpected pass: remove the todo (todo 2: bug 12)");
    assert_int_equal(c[1].todo, 2);
    oracle_cases_free(c, n);
    /* An ERROR is the harness's: a todo never hides it. */
    todo(o, NULL, "alpha", "Broken", "*");
    assert_int_equal(fx_case(o, run, a, "Broken", ORACLE_WORKER_ERROR, 0, NULL), VERDICT_ERROR);
    oracle_close(o);
}

static void todo_added_later_applies_when_judging_again(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    int64_t cid = fx_case_id(o, run, a, "A", OK, "hr", "h:0x80004005", "0", NULL);
    assert_int_equal(fx_check_verdict(o, cid, "hr", 0, NULL, 0), VERDICT_FAIL);
    int64_t t = todo(o, NULL, "alpha", NULL, "hr");
    assert_int_equal(oracle_rejudge_run(o, run), 0);
    assert_int_equal(fx_check_verdict(o, cid, "hr", 0, NULL, 0), ORACLE_XFAIL);
    assert_int_equal(oracle_remove_todo(o, t), 0);
    assert_int_equal(oracle_remove_todo(o, t), HP_ENOTFOUND);
    assert_int_equal(oracle_rejudge_run(o, run), 0);
    assert_int_equal(fx_check_verdict(o, cid, "hr", 0, NULL, 0), VERDICT_FAIL);
    struct oracle_todo_def bad = {.scenario = "alpha", .check_id = "hr"};
    int64_t id;
    assert_int_equal(oracle_add_todo(&id, o, &bad), HP_EINVAL);
    oracle_close(o);
}

static void todos_are_listed_in_id_order_and_ids_never_reused(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    struct oracle_todo_info *t = (void *)1;
    size_t n = 99;
    assert_int_equal(oracle_list_todos(&t, &n, o), 0);
    assert_null(t);
    assert_int_equal(n, 0);

    /* Defaults are stored as "*", a CLSID in its normalized form. */
    int64_t a = todo(o, NULL, "alpha", NULL, "*");
    struct oracle_todo_def full = {.provider_name = FX_NAME, .provider_clsid = "11111111-2222-3333-4444-555555555555",
                                   .scenario = "alpha", .class_pattern = "Win32_*", .check_id = "hr #2",
                                   .reason = "bug 7:\tthe second call"};
    int64_t b, c;
    assert_int_equal(oracle_add_todo(&b, o, &full), 0);
    c = todo(o, FX_NAME, "beta", "X", "load");
    assert_true(a < b && b < c);
    /* The same todo again (names compare without case, as WMI's do) is
     * refused and leaves the list as it was. */
    struct oracle_todo_def again = full;
    again.provider_name = "testprovider";
    again.reason = "another reason";
    int64_t d = -1;
    assert_int_equal(oracle_add_todo(&d, o, &again), HP_EINVAL);
    assert_int_equal(d, 0);
    assert_string_equal(hp_error_message(), "the same todo already exists");
    assert_int_equal(oracle_remove_todo(o, a), 0);
    oracle_close(o);

    /* A reader lists them too, in id order. */
    assert_int_equal(oracle_open(&o, e->db, ORACLE_OPEN_READONLY), 0);
    assert_int_equal(oracle_list_todos(&t, &n, o), 0);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].id, b);
    assert_string_equal(t[0].provider_name, FX_NAME);
    assert_string_equal(t[0].provider_clsid, FX_CLSID);
    assert_string_equal(t[0].scenario, "alpha");
    assert_string_equal(t[0].class_pattern, "Win32_*");
    assert_string_equal(t[0].check_id, "hr #2");
    assert_string_equal(t[0].reason, "bug 7:\tthe second call");
    assert_int_equal(t[1].id, c);
    assert_string_equal(t[1].provider_clsid, "*");
    assert_string_equal(t[1].scenario, "beta");
    assert_string_equal(t[1].check_id, "load");
    oracle_todos_free(t, n);
    oracle_close(o);

    o = fx_open(e->db);
    assert_int_equal(oracle_remove_todo(o, b), 0);
    assert_int_equal(oracle_remove_todo(o, c), 0);
    assert_int_equal(oracle_list_todos(&t, &n, o), 0);
    assert_int_equal(n, 0);
    assert_null(t);
    /* A removed todo's id is never given again, even to the next todo of
     * an emptied table: old reports and scripts name it. */
    assert_int_equal(todo(o, NULL, "alpha", NULL, "*"), c + 1);
    assert_int_equal(sql_int(e->db, "SELECT value FROM meta WHERE key = 'todo_last_id'"), c + 1);
    oracle_close(o);
}

/* ---- Baselines ----------------------------------------------------------------- */

/* A complete run of alpha with the value check at `value`; returns the run. */
static int64_t value_run(struct oracle *o, int64_t a, const char *value, int *display, const char *path)
{
    struct oracle_run_def d = {
        .provider_path = path, .provider_sha256 = path, .provider_name = FX_NAME, .provider_clsid = FX_CLSID,
        .harness_version = "t", .started_ms = 1,
    };
    int64_t run;
    assert_int_equal(oracle_begin_run(&run, o, &d), 0);
    *display = fx_case(o, run, a, "Win32_A", OK, "hr", "h:0x0", "0", "val", value, "0", "val", "set:x|y", "1", NULL);
    assert_int_equal(oracle_finish_run(o, run, 2), 0);
    return run;
}

static void baseline_round_trip_bless_change_restore(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o);
    int d;
    int64_t r1 = value_run(o, a, "u:10", &d, "/build/1/p.so");
    assert_int_equal(d, VERDICT_PASS);
    assert_int_equal(fx_check_verdict(o, 1, "val", 0, NULL, 0), VERDICT_SKIP);
    size_t nvalues;
    assert_int_equal(oracle_bless_run(&nvalues, o, r1, 1000), 0);
    assert_int_equal(nvalues, 2);
    /* A rebuilt provider (other file, other hash, same identity) matches. */
    int64_t r2 = value_run(o, a, "u:10", &d, "/build/2/p.so");
    assert_int_equal(d, VERDICT_PASS);
    struct oracle_run_info ri;
    assert_int_equal(oracle_get_run(&ri, o, r2), 0);
    assert_string_equal(ri.baseline, "blessed");
    oracle_run_info_free(&ri);
    /* One value changed: FAIL naming the check, old and new values. */
    int64_t r3 = value_run(o, a, "u:11", &d, "/build/3/p.so");
    assert_int_equal(d, VERDICT_FAIL);
    struct oracle_check_result *res;
    size_t n;
    struct oracle_case_info *c;
    size_t nc;
    assert_int_equal(oracle_list_cases(&c, &nc, o, r3), 0);
    assert_string_equal(c[0].message, "value differs from the baseline: was u:10, now u:11");
    assert_int_equal(oracle_list_check_results(&res, &n, o, c[0].id), 0);
    oracle_cases_free(c, nc);
    assert_int_equal(n, 3);
    assert_string_equal(res[2].check_id, "val");   /* sorted by line: hr (10) then val (13) x2 */
    assert_int_equal(res[1].iteration, 0);
    assert_int_equal(res[1].display, VERDICT_FAIL);
    assert_string_equal(res[1].baseline, "u:10");
    assert_string_equal(res[1].observed, "u:11");
    assert_int_equal(res[2].display, VERDICT_PASS);
    assert_string_equal(res[2].baseline, "set:x|y");
    oracle_check_results_free(res, n);
    /* The original value passes again. */
    value_run(o, a, "u:10", &d, "/build/4/p.so");
    assert_int_equal(d, VERDICT_PASS);
    /* Another identity has no baseline: value checks skip. */
    struct oracle_run_def other = {.provider_path = "x", .provider_name = "Other", .provider_clsid = FX_CLSID,
                                   .harness_version = "t"};
    int64_t r5;
    assert_int_equal(oracle_begin_run(&r5, o, &other), 0);
    int64_t cid = fx_case_id(o, r5, a, "Win32_A", OK, "val", "u:99", "0", NULL);
    assert_int_equal(fx_check_verdict(o, cid, "val", 0, NULL, 0), VERDICT_SKIP);
    /* A blessed baseline that lacks a check (another class): SKIP, bless again. */
    int64_t r6 = fx_run(o, NULL);
    cid = fx_case_id(o, r6, a, "Win32_B", OK, "val", "u:1", "0", NULL);
    char msg[256];
    assert_int_equal(fx_check_verdict(o, cid, "val", 0, msg, sizeof msg), VERDICT_SKIP);
    assert_non_null(strstr(msg, "blessed before it existed"));
    oracle_close(o);
}

/* A bless run records values without comparing them: a deliberate change
 * of a value passes (its value check SKIPs, the run says baseline "none")
 * and can be blessed; the next ordinary run compares with the new value. */
static void a_recording_run_can_bless_changed_values(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o);
    int d;
    int64_t r1 = value_run(o, a, "u:10", &d, "/build/1/p.so");
    assert_int_equal(oracle_bless_run(NULL, o, r1, 1000), 0);
    struct oracle_run_def rec = {.provider_path = "/build/2/p.so", .provider_sha256 = "2", .provider_name = FX_NAME,
                                 .provider_clsid = FX_CLSID, .harness_version = "t", .started_ms = 2,
                                 .record_values = true};
    int64_t r2;
    assert_int_equal(oracle_begin_run(&r2, o, &rec), 0);
    d = fx_case(o, r2, a, "Win32_A", OK, "hr", "h:0x0", "0", "val", "u:11", "0", "val", "set:x|y", "1", NULL);
    assert_int_equal(d, VERDICT_PASS);
    assert_int_equal(oracle_finish_run(o, r2, 3), 0);
    struct oracle_run_info ri;
    assert_int_equal(oracle_get_run(&ri, o, r2), 0);
    assert_string_equal(ri.baseline, "none");
    oracle_run_info_free(&ri);
    assert_int_equal(oracle_bless_run(NULL, o, r2, 1001), 0);
    /* Ordinary runs now compare with the new value. */
    value_run(o, a, "u:11", &d, "/build/3/p.so");
    assert_int_equal(d, VERDICT_PASS);
    value_run(o, a, "u:10", &d, "/build/4/p.so");
    assert_int_equal(d, VERDICT_FAIL);
    oracle_close(o);
}

static void bless_needs_a_complete_run(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t run = fx_run(o, NULL);
    assert_int_equal(oracle_bless_run(NULL, o, run, 1), HP_EINVAL);
    assert_non_null(strstr(hp_error_message(), "incomplete"));
    assert_int_equal(oracle_bless_run(NULL, o, 999, 1), HP_ENOTFOUND);
    oracle_close(o);
}

static void baseline_text_round_trips_and_marks_the_reference(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o);
    int d;
    int64_t r1 = value_run(o, a, "s:tab\there\nnew line \\ back", &d, "/p.so");
    assert_int_equal(oracle_bless_run(NULL, o, r1, 1), 0);
    char *text;
    assert_int_equal(oracle_dump_baseline(&text, o, FX_NAME, "{11111111-2222-3333-4444-555555555555}"), 0);
    assert_non_null(strstr(text, "hiperfcheck-baseline\t1\n"
                                 "provider\tTestProvider\t{11111111-2222-3333-4444-555555555555}\n"));
    assert_non_null(strstr(text, "value\talpha\tWin32_A\tval\t0\ts:tab\\there\\nnew line \\\\ back\n"));
    oracle_close(o);

    /* Into a fresh database as the reference: same text back, and the
     * provider with that identity is now the reference. */
    char *db2 = fx_path(e->dir, "second.db");
    struct oracle *o2 = fx_open(db2);
    assert_int_equal(oracle_load_baseline_text(o2, text, strlen(text), "ref.tsv", true), 0);
    char *again;
    assert_int_equal(oracle_dump_baseline(&again, o2, FX_NAME, FX_CLSID), 0);
    assert_string_equal(again, text);
    int64_t a2 = fx_alpha(o2);
    int64_t run = fx_run(o2, NULL);
    struct oracle_run_info ri;
    assert_int_equal(oracle_get_run(&ri, o2, run), 0);
    assert_true(ri.reference);
    assert_string_equal(ri.baseline, "reference");
    oracle_run_info_free(&ri);
    /* The reference baseline lacks this class: ERROR, not SKIP. */
    int64_t cid = fx_case_id(o2, run, a2, "Win32_Z", OK, "hr", "h:0x0", "0", "val", "u:1", "0", NULL);
    assert_int_equal(fx_check_verdict(o2, cid, "val", 0, NULL, 0), VERDICT_ERROR);
    free(again);
    assert_int_equal(oracle_dump_baseline(&again, o2, "Nobody", FX_CLSID), HP_ENOTFOUND);
    assert_null(again);
    free(text);
    oracle_close(o2);
    free(db2);
}

static void baseline_text_errors_have_positions(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    struct {
        const char *text, *message;
    } t[] = {
        {"provider\tA\t{11111111-2222-3333-4444-555555555555}\n",
         "b.tsv:1:1: expected `hiperfcheck-baseline<TAB>1` first"},
        {"hiperfcheck-baseline\t1\nvalue\ts\tc\tk\t0\tu:1\n", "b.tsv:2:1: a value before the provider line"},
        {"hiperfcheck-baseline\t1\nprovider\tA\t{11111111-2222-3333-4444-555555555555}\nvalue\ts\tc\tk\tx\tu:1\n",
         "b.tsv:3:13: iteration 'x' is not a number"},
        {"hiperfcheck-baseline\t1\nprovider\tA\t{11111111-2222-3333-4444-555555555555}\nvalue\ts\tc\tk\t0\tbogus\n",
         "b.tsv:3:15: 'bogus' is not a typed value"},
        {"hiperfcheck-baseline\t1\nprovider\tA\t{11111111-2222-3333-4444-555555555555}\nvalue\ts\\q\tc\tk\t0\tu:1\n",
         "b.tsv:3:8: bad escape"},
        {"hiperfcheck-baseline\t1\nprovider\tA\tnot-a-clsid\n", "b.tsv: 'not-a-clsid' is not a CLSID"},
        {"hiperfcheck-baseline\t1\nwhat\n", "b.tsv:2:1: unknown line 'what' (provider or value)"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_int_equal(oracle_load_baseline_text(o, t[i].text, strlen(t[i].text), "b.tsv", false), HP_EPARSE);
        assert_string_equal(hp_error_message(), t[i].message);
    }
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM baseline_sets"), 0);
    oracle_close(o);
}

static void shipped_reference_baseline_loads(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    size_t len;
    const char *text = oracle_reference_baseline_text(&len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "hiperfcheck-baseline\t1"));
    assert_int_equal(oracle_load_baseline_text(o, text, len, "oracle/reference-baseline.tsv", true), 0);
    oracle_close(o);
}

/* ---- A killed run ------------------------------------------------------------------ */

static void die_now(void *ctx, size_t i)
{
    int how = *(int *)ctx;
    if (i < 5)
        return;
    if (how == 0)
        _exit(7);
    kill(getpid(), SIGKILL);
}

/* The child: a run with two finished cases, killed in the middle of the
 * third case's transaction. */
static void killed_writer(const char *path, int how)
{
    struct oracle *o = fx_open(path);
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    fx_case(o, run, a, "One", OK, "hr", "h:0x0", "0", NULL);
    fx_case(o, run, a, "Two", OK, "hr", "h:0x80004005", "0", NULL);
    oracle_set_obs_hook(o, die_now, &how);
    struct oracle_observation obs[20];
    for (int i = 0; i < 20; i++)
        obs[i] = (struct oracle_observation){.check_id = "hr", .iteration = (unsigned)i, .observed = "h:0x0",
                                             .step_no = 1, .excerpt = "x"};
    struct oracle_case_def c = {.scenario_id = a, .class_name = "Three", .obs = obs, .nobs = 20};
    oracle_record_case(NULL, NULL, o, run, &c);
    _exit(99);   /* not reached */
}

static void killed_run_leaves_a_consistent_incomplete_run(void **state)
{
    struct env *e = *state;
    for (int how = 0; how < 2; how++) {
        char name[32];
        snprintf(name, sizeof name, "killed%d.db", how);
        char *path = fx_path(e->dir, name);
        pid_t pid = spawn_self("killed", path, how ? "kill" : "exit");
        assert_true(pid > 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (how == 0)
            assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 7);
        else
            assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        struct oracle *o;
        assert_int_equal(oracle_open(&o, path, 0), 0);
        char *ic;
        assert_int_equal(oracle_integrity_check(&ic, o), 0);
        assert_string_equal(ic, "ok");
        free(ic);
        assert_int_equal(sql_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
        assert_int_equal(sql_int(path, "SELECT count(*) FROM runs WHERE complete = 0"), 1);
        assert_int_equal(sql_int(path, "SELECT count(*) FROM cases"), 2);
        assert_int_equal(sql_int(path, "SELECT count(*) FROM cases WHERE class = 'Three'"), 0);
        assert_int_equal(sql_int(path, "SELECT count(*) FROM observations"), 2);
        struct oracle_summary s;
        assert_int_equal(oracle_get_summary(&s, o, 1), 0);
        assert_false(s.complete);
        assert_int_equal(s.exit_status, 1);
        /* Writing goes on after recovery. */
        int64_t run = fx_run(o, NULL);
        assert_int_equal(oracle_finish_run(o, run, 5), 0);
        oracle_close(o);
        free(path);
    }
}

/* ---- Two writers ------------------------------------------------------------------------- */

#define CONCURRENT_CASES 40

static int concurrent_writer(const char *path, int who)
{
    struct oracle *o;
    if (oracle_open(&o, path, 0)) {
        fprintf(stderr, "writer %d: %s\n", who, hp_error_message());
        return 10;
    }
    if (oracle_load_requirements(o, fx_catalog, strlen(fx_catalog), "catalog")) {
        fprintf(stderr, "writer %d: %s\n", who, hp_error_message());
        return 11;
    }
    int64_t a = fx_alpha(o), run = fx_run(o, NULL);
    for (int i = 0; i < CONCURRENT_CASES; i++) {
        char klass[32];
        snprintf(klass, sizeof klass, "W%d_C%02d", who, i);
        struct oracle_observation obs[25];
        for (int k = 0; k < 25; k++)
            obs[k] = (struct oracle_observation){.check_id = "hr", .iteration = (unsigned)k, .observed = "h:0x0",
                                                 .step_no = 1};
        struct oracle_case_def c = {.scenario_id = a, .class_name = klass, .obs = obs, .nobs = 25};
        if (oracle_record_case(NULL, NULL, o, run, &c)) {
            fprintf(stderr, "writer %d: %s\n", who, hp_error_message());
            return 12;
        }
    }
    if (oracle_finish_run(o, run, 9))
        return 13;
    oracle_close(o);
    return 0;
}

static void run_writers(const char *path, int n)
{
    pid_t pids[4];
    for (int i = 0; i < n; i++) {
        char who[16];
        snprintf(who, sizeof who, "%d", i);
        pids[i] = spawn_self("writer", path, who);
        assert_true(pids[i] > 0);
    }
    for (int i = 0; i < n; i++) {
        int status;
        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
}

static void two_processes_write_one_database_at_once(void **state)
{
    struct env *e = *state;
    /* Both start from nothing: they also race to create the schema. */
    run_writers(e->db, 2);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM runs WHERE complete = 1"), 2);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM cases"), 2 * CONCURRENT_CASES);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM observations"), 2 * CONCURRENT_CASES * 25);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM scenarios"), 1);
    /* Every case's observation range holds exactly its own rows. */
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM cases c JOIN observations o"
                                    " ON o.id BETWEEN c.obs_first AND c.obs_first + c.obs_count - 1"
                                    " WHERE o.case_id <> c.id"), 0);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM cases c WHERE obs_count <> (SELECT count(*)"
                                    " FROM observations o WHERE o.case_id = c.id)"), 0);
    struct oracle *o;
    assert_int_equal(oracle_open(&o, e->db, 0), 0);
    char *ic;
    assert_int_equal(oracle_integrity_check(&ic, o), 0);
    assert_string_equal(ic, "ok");
    free(ic);
    oracle_close(o);
}

static void four_processes_race_to_create_one_database(void **state)
{
    struct env *e = *state;
    run_writers(e->db, 4);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM runs WHERE complete = 1"), 4);
    assert_int_equal(sql_int(e->db, "SELECT count(*) FROM cases"), 4 * CONCURRENT_CASES);
    assert_int_equal(sql_int(e->db, "PRAGMA user_version"), ORACLE_SCHEMA_VERSION);
    /* Nothing is left of the losers' temporary databases. */
    DIR *d = opendir(e->dir);
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        assert_null(strstr(de->d_name, ".new-"));
    closedir(d);
}

/* ---- The read API -------------------------------------------------------------------------- */

static void read_api_summary_matrix_and_order(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t a = fx_alpha(o), b = fx_beta(o), run = fx_run(o, NULL);
    /* Recorded out of order: the reads sort by scenario and class. */
    fx_case(o, run, b, "Zed", OK, "load", "h:0x0", "0", "need", "s:no refreshers", "0", NULL);
    fx_case(o, run, a, "Bee", ORACLE_WORKER_TIMEOUT, 0, NULL);
    fx_case(o, run, a, "Ant", OK, "tru", "b:true", "0", "hr", "h:0x0", "0", "cmp", "u:1\x1fu:1", "0", NULL);
    assert_int_equal(oracle_read_begin(o), 0);
    struct oracle_case_info *c;
    size_t n;
    assert_int_equal(oracle_list_cases(&c, &n, o, run), 0);
    assert_int_equal(n, 3);
    assert_string_equal(c[0].class_name, "Ant");
    assert_string_equal(c[1].class_name, "Bee");
    assert_string_equal(c[2].scenario, "beta");
    struct oracle_check_result *r;
    size_t nr;
    assert_int_equal(oracle_list_check_results(&r, &nr, o, c[0].id), 0);
    assert_int_equal(nr, 3);
    assert_string_equal(r[0].check_id, "hr");   /* line 10, 11, 12 */
    assert_string_equal(r[1].check_id, "cmp");
    assert_string_equal(r[2].check_id, "tru");
    assert_string_equal(r[2].requirements, "T-SHOULD-1");
    assert_int_equal(r[0].kind, CHECK_HRESULT);
    assert_string_equal(r[0].expected, "S_OK");
    oracle_check_results_free(r, nr);
    oracle_cases_free(c, n);

    struct oracle_matrix_row *m;
    size_t nm;
    assert_int_equal(oracle_requirement_matrix(&m, &nm, o, run), 0);
    assert_int_equal(nm, 5);
    assert_string_equal(m[0].id, "T-MAY-1");
    assert_int_equal(m[0].verdict, -1);                     /* untested */
    assert_string_equal(m[1].id, "T-MUST-1");
    assert_int_equal(m[1].verdict, VERDICT_TIMEOUT);        /* the timed-out case covers it */
    assert_int_equal(m[1].checks, 1);
    assert_string_equal(m[2].id, "T-MUST-2");
    assert_int_equal(m[2].verdict, VERDICT_TIMEOUT);
    assert_int_equal(m[2].checks, 3);                       /* cmp, load, need */
    assert_string_equal(m[3].id, "T-SHOULD-1");
    assert_int_equal(m[3].verdict, VERDICT_PASS);
    assert_int_equal(m[4].verdict, -1);
    oracle_matrix_free(m, nm);

    struct oracle_summary s;
    assert_int_equal(oracle_get_summary(&s, o, run), 0);
    assert_int_equal(s.cases, 3);
    assert_int_equal(s.case_counts[VERDICT_PASS], 1);
    assert_int_equal(s.case_counts[VERDICT_SKIP], 1);
    assert_int_equal(s.case_counts[VERDICT_TIMEOUT], 1);
    assert_int_equal(s.checks, 5);
    assert_false(s.complete);
    oracle_read_end(o);
    int64_t latest;
    assert_int_equal(oracle_latest_run(&latest, o), 0);
    assert_int_equal(latest, run);
    struct oracle_run_info ri;
    assert_int_equal(oracle_get_run(&ri, o, 42), HP_ENOTFOUND);
    oracle_close(o);
}

static void read_api_on_an_empty_oracle(void **state)
{
    struct env *e = *state;
    struct oracle *o = fx_open(e->db);
    int64_t run;
    assert_int_equal(oracle_latest_run(&run, o), HP_ENOTFOUND);
    assert_non_null(strstr(hp_error_message(), "no run yet"));
    oracle_close(o);
}

/* The roles of a child (spawn_self()). */
static int child_main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[0], "killed"))
        killed_writer(argv[1], !strcmp(argv[2], "kill"));
    if (argc == 3 && !strcmp(argv[0], "writer"))
        return concurrent_writer(argv[1], atoi(argv[2]));
    fprintf(stderr, "unknown child role\n");
    return 126;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "--child"))
        return child_main(argc - 2, argv + 2);
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0)
        return 1;
    self_path[n] = 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(open_creates_a_wal_database_at_the_current_version, setup, teardown),
        cmocka_unit_test_setup_teardown(open_readonly_needs_an_existing_oracle, setup, teardown),
        cmocka_unit_test_setup_teardown(migration_upgrades_an_older_database, setup, teardown),
        cmocka_unit_test_setup_teardown(migration_refuses_a_newer_database_without_touching_it, setup, teardown),
        cmocka_unit_test_setup_teardown(migration_that_fails_leaves_the_old_version, setup, teardown),
        cmocka_unit_test_setup_teardown(files_that_are_not_sqlite_are_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(corrupt_oracles_are_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(foreign_sqlite_databases_are_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(catalog_reload_retires_missing_requirements, setup, teardown),
        cmocka_unit_test_setup_teardown(scenario_registration_is_idempotent_per_definition, setup, teardown),
        cmocka_unit_test_setup_teardown(scenario_registration_rejects_bad_expectations, setup, teardown),
        cmocka_unit_test_setup_teardown(case_passes_when_every_check_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(case_fails_naming_the_failing_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(case_warns_when_only_should_checks_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(case_skips_on_an_unmet_need_but_not_on_a_missing_baseline, setup, teardown),
        cmocka_unit_test_setup_teardown(case_worker_status_dominates, setup, teardown),
        cmocka_unit_test_setup_teardown(case_errors_on_harness_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(todo_turns_an_expected_failure_into_xfail, setup, teardown),
        cmocka_unit_test_setup_teardown(todo_that_passes_fails_as_unexpected_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(todo_over_iterations_needs_only_one_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(todo_for_a_whole_case_covers_crashes_both_ways, setup, teardown),
        cmocka_unit_test_setup_teardown(todo_added_later_applies_when_judging_again, setup, teardown),
        cmocka_unit_test_setup_teardown(todos_are_listed_in_id_order_and_ids_never_reused, setup, teardown),
        cmocka_unit_test_setup_teardown(baseline_round_trip_bless_change_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(a_recording_run_can_bless_changed_values, setup, teardown),
        cmocka_unit_test_setup_teardown(bless_needs_a_complete_run, setup, teardown),
        cmocka_unit_test_setup_teardown(baseline_text_round_trips_and_marks_the_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(baseline_text_errors_have_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(shipped_reference_baseline_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(killed_run_leaves_a_consistent_incomplete_run, setup, teardown),
        cmocka_unit_test_setup_teardown(two_processes_write_one_database_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(four_processes_race_to_create_one_database, setup, teardown),
        cmocka_unit_test_setup_teardown(read_api_summary_matrix_and_order, setup, teardown),
        cmocka_unit_test_setup_teardown(read_api_on_an_empty_oracle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
