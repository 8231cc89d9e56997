/*
 * bench/bench_oracle.c - what storing and judging observations costs, next
 * to the limit SQLite sets: the same rows inserted with one plain prepared
 * statement in one transaction, measured in the same run on the same disk.
 *
 *   oracle    the real path: oracle_record_case() per case (one BEGIN
 *             IMMEDIATE transaction per case, as a run commits each finished
 *             case), judging every observation (HRESULT, comparison, truth
 *             and baseline value checks; 2% fail), writing the case row, the
 *             observations with their verdicts.
 *   plain     INSERT of the same observation rows (case id, check id,
 *             iteration, observed text, step, journal excerpt) into a table
 *             without indexes, one prepared statement, ONE transaction.
 *   plain/tx  the same, one transaction per case (what per-case commits
 *             cost on their own).
 * Both databases use the oracle's settings (ORACLE_WRITER_PRAGMAS: WAL,
 * synchronous=NORMAL, a checkpoint every 10000 pages).  The
 * figures are printed, never judged (a benchmark measures; tests decide).
 *
 * usage: bench_oracle [--rows N] [--per-case K[,K...]] [--reps R] [--dir DIR]
 *                     [--format text|json] [--only plain|oracle|baseline]
 * (--only runs one side, for a profiler; its ratios are then meaningless.)
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oracle.h"
#include "oracle_private.h"   /* ORACLE_WRITER_PRAGMAS: the plain side uses the oracle's settings */
#include "util.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_oracle: %s: %s\n", what, hp_error_message());
    exit(3);
}

#define NCHECKS 10

static const char catalog[] =
    "B-MUST | MUST | bench | a must\n"
    "B-SHOULD | SHOULD | bench | a should\n";

/* The scenario every case runs: ten checks of four kinds. */
static int64_t register_scenario(struct oracle *o)
{
    static const char *const must[] = {"B-MUST"}, *const should[] = {"B-SHOULD"};
    static const struct oracle_check_def checks[NCHECKS] = {
        {"c0", 10, 1, CHECK_HRESULT, "S_OK", must, 1, "r = CreateRefresher => S_OK"},
        {"c1", 11, 1, CHECK_HRESULT, "success", must, 1, "o = CreateRefreshableObject r $class inst[0]"},
        {"c2", 12, 1, CHECK_COMPARE, "==", must, 1, "expect o.Count == s.Count"},
        {"c3", 13, 1, CHECK_COMPARE, ">=", must, 1, "expect o.Timestamp >= s.Timestamp"},
        {"c4", 14, 1, CHECK_TRUE, "true", should, 1, "expect ledger clean"},
        {"c5", 15, 1, CHECK_VALUE, "", must, 1, "expect o value Count"},
        {"c6", 16, 1, CHECK_HRESULT, "any", must, 1, "StopRefreshing r o.id => any"},
        {"c7", 17, 1, CHECK_COMPARE, "<", should, 1, "expect e count < 100"},
        {"c8", 18, 1, CHECK_HRESULT, "WBEM_E_NOT_FOUND", must, 1, "GetObjects $class bogus => WBEM_E_NOT_FOUND"},
        {"c9", 19, 1, CHECK_VALUE, "", must, 1, "expect e value Names"},
    };
    static const char *const covers[] = {"B-MUST"};
    struct oracle_scenario_def d = {
        .name = "bench", .file = "bench.scn", .sha256 = "bench", .covers = covers, .ncovers = 1,
        .checks = checks, .nchecks = NCHECKS,
    };
    int64_t id;
    if (oracle_register_scenario(&id, o, &d))
        die("register");
    return id;
}

/* The observed text of row i (check i % NCHECKS); about 2% fail. */
static void observed(char *out, size_t size, size_t i)
{
    bool bad = i % 50 == 7;
    switch (i % NCHECKS) {
    case 0: snprintf(out, size, "h:0x%08x", bad ? 0x80041001u : 0u); break;
    case 1: snprintf(out, size, "h:0x%08x", bad ? 0x80004005u : 0x40005u); break;
    case 2: snprintf(out, size, "u:%zu\x1fu:%zu", i, bad ? i + 1 : i); break;
    case 3: snprintf(out, size, "r:%.17g\x1fi:%zu", (double)i + 0.5, bad ? i + 1 : i); break;
    case 4: snprintf(out, size, "b:%s", bad ? "false" : "true"); break;
    case 5: snprintf(out, size, "u:%zu", i / NCHECKS); break;
    case 6: snprintf(out, size, "h:0x%08x", 0x80041002u); break;
    case 7: snprintf(out, size, "u:%zu\x1fu:100", bad ? (size_t)100 : i % 100); break;
    case 8: snprintf(out, size, "h:0x%08x", bad ? 0u : 0x80041002u); break;
    default: snprintf(out, size, "set:inst%zu|inst%zu|inst%zu", i % 7, i % 11, i % 13); break;
    }
}

static void excerpt(char *out, size_t size, size_t i)
{
    snprintf(out, size, "#%zu host -> provider IWbemHiPerfProvider::Refresh on #%zu (0, 0, 0) = S_OK", i, i % 97);
}

/* All rows made before timing, so both sides measure only SQLite. */
struct rows {
    char (*observed)[64];
    char (*excerpt)[96];
    size_t n;
};

static void make_rows(struct rows *r, size_t n)
{
    r->n = n;
    r->observed = malloc(n * sizeof *r->observed);
    r->excerpt = malloc(n * sizeof *r->excerpt);
    if (!r->observed || !r->excerpt) {
        fprintf(stderr, "bench_oracle: out of memory\n");
        exit(3);
    }
    for (size_t i = 0; i < n; i++) {
        observed(r->observed[i], sizeof r->observed[i], i);
        excerpt(r->excerpt[i], sizeof r->excerpt[i], i);
    }
}

static const char *const check_ids[NCHECKS] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"};

static void remove_db(const char *path)
{
    char side[4096];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* The oracle's path; returns seconds. */
static double run_oracle(const char *path, const struct rows *r, size_t per_case, bool with_baseline)
{
    remove_db(path);
    struct oracle *o;
    if (oracle_open(&o, path, 0))
        die("open");
    if (oracle_load_requirements(o, catalog, strlen(catalog), "bench"))
        die("catalog");
    int64_t sid = register_scenario(o);
    if (with_baseline) {
        /* A baseline for every value check, so each is a lookup, not a skip. */
        struct hp_buf b = {0};
        hp_buf_puts(&b, "hiperfcheck-baseline\t1\nprovider\tBench\t{11111111-2222-3333-4444-555555555555}\n");
        for (size_t i = 0; i < r->n; i++)
            if (i % NCHECKS == 5 || i % NCHECKS == 9)
                hp_buf_printf(&b, "value\tbench\tC%zu\t%s\t%zu\t%s\n", i / per_case, check_ids[i % NCHECKS],
                              (i % per_case) / NCHECKS, r->observed[i]);
        if (b.oom || oracle_load_baseline_text(o, b.s, b.len, "bench", false))
            die("baseline");
        hp_buf_free(&b);
        /* Closing checkpoints the WAL, so the timed part does not pay for
         * writing the baseline into the database file. */
        oracle_close(o);
        if (oracle_open(&o, path, 0))
            die("reopen");
    }
    struct oracle_run_def rd = {.provider_path = "bench.so", .provider_sha256 = "0", .provider_name = "Bench",
                                .provider_clsid = "{11111111-2222-3333-4444-555555555555}",
                                .harness_version = "bench", .started_ms = 1};
    int64_t run;
    if (oracle_begin_run(&run, o, &rd))
        die("begin");
    struct oracle_observation *obs = calloc(per_case, sizeof *obs);
    double t0 = now_s();
    for (size_t first = 0, c = 0; first < r->n; first += per_case, c++) {
        size_t n = r->n - first < per_case ? r->n - first : per_case;
        for (size_t k = 0; k < n; k++) {
            size_t i = first + k;
            obs[k] = (struct oracle_observation){.check_id = check_ids[i % NCHECKS],
                                                 .iteration = (unsigned)(k / NCHECKS),
                                                 .observed = r->observed[i], .step_no = (unsigned)(k % NCHECKS) + 1,
                                                 .excerpt = r->excerpt[i]};
        }
        char klass[32];
        snprintf(klass, sizeof klass, "C%zu", c);
        struct oracle_case_def cd = {.scenario_id = sid, .class_name = klass, .started_ms = 1, .ended_ms = 2,
                                     .last_step_no = NCHECKS, .last_step = "Release r", .obs = obs, .nobs = n};
        if (oracle_record_case(NULL, NULL, o, run, &cd))
            die("record");
    }
    if (oracle_finish_run(o, run, 3))
        die("finish");
    double t = now_s() - t0;
    free(obs);
    oracle_close(o);
    return t;
}

static void sql_or_die(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_oracle: %s: %s\n", sql, err ? err : "?");
        exit(3);
    }
}

/* The plain insert; per_case 0 = one transaction for everything. */
static double run_plain(const char *path, const struct rows *r, size_t per_case)
{
    remove_db(path);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        exit(3);
    sql_or_die(db, ORACLE_WRITER_PRAGMAS);
    sql_or_die(db, "CREATE TABLE obs(case_id INTEGER NOT NULL, check_id TEXT NOT NULL, iteration INTEGER NOT NULL,"
                   " observed TEXT NOT NULL, step_no INTEGER NOT NULL, excerpt TEXT)");
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "INSERT INTO obs VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL);
    size_t batch = per_case ? per_case : r->n;
    double t0 = now_s();
    for (size_t first = 0; first < r->n; first += batch) {
        sql_or_die(db, "BEGIN IMMEDIATE");
        size_t n = r->n - first < batch ? r->n - first : batch;
        for (size_t k = 0; k < n; k++) {
            size_t i = first + k;
            sqlite3_bind_int64(st, 1, (sqlite3_int64)(i / (per_case ? per_case : 100)) + 1);
            sqlite3_bind_text(st, 2, check_ids[i % NCHECKS], -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, (sqlite3_int64)((i % 100) / NCHECKS));
            sqlite3_bind_text(st, 4, r->observed[i], -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 5, (sqlite3_int64)(i % NCHECKS) + 1);
            sqlite3_bind_text(st, 6, r->excerpt[i], -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE) {
                fprintf(stderr, "bench_oracle: insert: %s\n", sqlite3_errmsg(db));
                exit(3);
            }
            sqlite3_reset(st);
        }
        sql_or_die(db, "COMMIT");
    }
    double t = now_s() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return t;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    size_t nrows = 1000000, per_cases[8] = {100}, nper = 1;
    int reps = 3;
    const char *dir = getenv("TMPDIR");
    bool json = false;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rows") && i + 1 < argc) {
            nrows = strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--per-case") && i + 1 < argc) {
            nper = 0;
            for (char *p = argv[++i]; *p && nper < 8;) {
                per_cases[nper++] = strtoull(p, &p, 10);
                if (*p == ',')
                    p++;
            }
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--dir") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
            only = argv[++i];
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            json = !strcmp(argv[++i], "json");
        } else {
            fprintf(stderr, "usage: bench_oracle [--rows N] [--per-case K[,K...]] [--reps R] [--dir DIR]"
                            " [--format text|json] [--only plain|oracle|baseline]\n");
            return 2;
        }
    }
    if (nrows == 0 || reps < 1 || reps > 20)
        return 2;
    for (size_t p = 0; p < nper; p++)
        if (per_cases[p] == 0)
            return 2;
    char *odb = hp_sprintf("%s/bench_oracle_%d.db", dir && *dir ? dir : "/tmp", (int)getpid());
    char *pdb = hp_sprintf("%s/bench_plain_%d.db", dir && *dir ? dir : "/tmp", (int)getpid());
    struct rows r;
    make_rows(&r, nrows);

    /* The plain insert: the limit, measured once per repetition. */
    double plain[20], plain_tx[20];
    if (json)
        printf("{\"rows\": %zu, \"sqlite\": \"%s\", \"results\": [", nrows, sqlite3_libversion());
    else
        printf("bench_oracle: %zu observations, SQLite %s, the oracle's settings (WAL, synchronous=NORMAL,"
               " wal_autocheckpoint=10000), median of %d\n", nrows,
               sqlite3_libversion(), reps);
    for (size_t p = 0; p < nper; p++) {
        size_t k = per_cases[p];
        double oracle_t[20], oracle_b[20];
        for (int i = 0; i < reps; i++) {
            plain[i] = plain_tx[i] = oracle_t[i] = oracle_b[i] = 1e-9;
            if (!only || !strcmp(only, "plain")) {
                plain[i] = run_plain(pdb, &r, 0);
                plain_tx[i] = run_plain(pdb, &r, k);
            }
            if (!only || !strcmp(only, "oracle"))
                oracle_t[i] = run_oracle(odb, &r, k, false);
            if (!only || !strcmp(only, "baseline"))
                oracle_b[i] = run_oracle(odb, &r, k, true);
        }
        qsort(plain, (size_t)reps, sizeof plain[0], cmp_double);
        qsort(plain_tx, (size_t)reps, sizeof plain_tx[0], cmp_double);
        qsort(oracle_t, (size_t)reps, sizeof oracle_t[0], cmp_double);
        qsort(oracle_b, (size_t)reps, sizeof oracle_b[0], cmp_double);
        double tp = plain[reps / 2], tpt = plain_tx[reps / 2], to = oracle_t[reps / 2], tb = oracle_b[reps / 2];
        if (json) {
            printf("%s{\"per_case\": %zu, \"plain_rows_per_s\": %.0f, \"plain_per_case_tx_rows_per_s\": %.0f,"
                   " \"oracle_rows_per_s\": %.0f, \"oracle_with_baseline_rows_per_s\": %.0f,"
                   " \"ratio\": %.3f, \"ratio_with_baseline\": %.3f}",
                   p ? ", " : "", k, nrows / tp, nrows / tpt, nrows / to, nrows / tb, to / tp, tb / tp);
        } else {
            printf("\n%zu observations a case (%zu cases, one transaction each):\n", k, (nrows + k - 1) / k);
            printf("  plain insert, one transaction      %10.0f rows/s  %7.3f s  (the limit)\n", nrows / tp, tp);
            printf("  plain insert, a transaction a case %10.0f rows/s  %7.3f s\n", nrows / tpt, tpt);
            printf("  oracle store + judge, no baseline  %10.0f rows/s  %7.3f s  ratio %.2f\n", nrows / to, to,
                   to / tp);
            printf("  oracle store + judge, baseline     %10.0f rows/s  %7.3f s  ratio %.2f\n", nrows / tb, tb,
                   tb / tp);
        }
    }
    if (json)
        printf("]}\n");
    remove_db(odb);
    remove_db(pdb);
    free(odb);
    free(pdb);
    free(r.observed);
    free(r.excerpt);
    return 0;
}
