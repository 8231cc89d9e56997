/*
 * oracle/oracle_private.h - what the files of the oracle share: the handle,
 * its prepared statements, the caches of scenario definitions and of the
 * run being recorded, and the typed-value helpers of the judge.  Nothing
 * outside oracle/ includes it, except the oracle's own tests.
 */
#ifndef HIPERF_ORACLE_PRIVATE_H
#define HIPERF_ORACLE_PRIVATE_H

#include <sqlite3.h>

#include "oracle.h"
#include "util.h"

/* ---- Migrations --------------------------------------------------------- */

/* Migration i (0-based) takes a database from user_version i to i + 1. */
struct oracle_migration {
    const char *summary;
    const char *sql;
};
extern const struct oracle_migration oracle_migrations[];
extern const size_t oracle_nmigrations;

/* oracle_open() with another list of migrations: the tests use it to show an
 * upgrade from an older version and the refusal of a newer one. */
int oracle_open_with(struct oracle **out, const char *path, unsigned flags,
                     const struct oracle_migration *migrations, size_t nmigrations);

/* The settings of every writing connection (docs/oracle.md, "Concurrency"). */
#define ORACLE_WRITER_PRAGMAS \
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; " \
    "PRAGMA wal_autocheckpoint = 10000; PRAGMA journal_size_limit = 67108864; PRAGMA cache_size = -65536"

/* Messages the judge gives without allocating; a value check's SKIP is
 * stored without its message (NULL) and read back with one of these. */
extern const char oracle_msg_no_baseline[];
extern const char oracle_msg_missing_baseline[];

/* ---- Prepared statements ------------------------------------------------- */

enum oracle_stmt {
    ST_BEGIN_IMMEDIATE,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_INSERT_CASE,
    ST_INSERT_OBS,
    ST_BASELINE_CASE,
    ST_MAX_OBS,
    ST_COUNT
};

/* ---- The definition of a scenario, as the judge needs it ----------------- */

/* An expectation parsed once when a scenario is loaded, so judging an
 * observation never parses the expected text again. */
enum oracle_hr_mode { HR_EXACT, HR_SUCCESS, HR_FAILURE, HR_ANY, HR_INVALID };
struct oracle_expectation {
    enum oracle_hr_mode hr_mode;   /* CHECK_HRESULT */
    int32_t hr;                    /* HR_EXACT */
};
/* Parses expected for kind into *out (never fails: an invalid expectation
 * judges as ERROR). */
void oracle_expectation_parse(struct oracle_expectation *out, enum check_kind kind, const char *expected);
/* oracle_judge() with the expectation already parsed.  *message is owned
 * unless *message_static is set (then it points to a constant). */
int oracle_judge_parsed(enum verdict *verdict, char **message, bool *message_static,
                        const struct oracle_judge_input *in, const struct oracle_expectation *exp);

struct oracle_check {
    char *id;
    unsigned line, col;
    enum check_kind kind;
    char *expected;
    char *description;
    char **reqs;
    size_t nreqs;
    enum req_level level;        /* strictest of reqs; MUST when none */
    struct oracle_expectation exp;   /* expected, parsed once */
};

struct oracle_scenario {
    int64_t id;
    char *name;
    char *file;
    char *title;
    bool needs_baseline;
    char **covers;
    size_t ncovers;
    struct oracle_check *checks; /* sorted by id (strcmp) */
    size_t nchecks;
};

/* ---- The run being recorded --------------------------------------------- */

struct oracle_todo {
    int64_t id;
    char *scenario;
    char *class_pattern;
    char *check_id;
    char *reason;
};

struct oracle_run_ctx {
    int64_t id;                  /* 0: none loaded */
    char *provider_name, *provider_clsid;
    int64_t baseline_set;        /* 0: none */
    bool reference;
    bool complete;               /* finished: no more cases */
    struct oracle_todo *todos;
    size_t ntodos;
};

struct oracle {
    sqlite3 *db;
    char *path;
    bool readonly;
    int read_depth;              /* oracle_read_begin() nesting */
    bool read_tx;                /* the outermost oracle_read_begin() began a transaction */
    sqlite3_stmt *st[ST_COUNT];
    struct oracle_scenario **scenarios;   /* cache, by id order of first use */
    size_t nscenarios, capscenarios;
    struct oracle_run_ctx run;
    /* Tests only: called after the i-th observation row of a case is
     * inserted, inside the case's transaction. */
    void (*obs_hook)(void *ctx, size_t i);
    void *obs_hook_ctx;
};

/* Sets HP_EDB with "path: what: sqlite's message" and returns HP_EDB. */
int oracle_db_error(struct oracle *o, const char *what);
/* Runs SQL without results; HP_EDB on failure. */
int oracle_exec(struct oracle *o, const char *sql);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK with the cached statements. */
int oracle_tx_begin(struct oracle *o);
int oracle_tx_commit(struct oracle *o);
void oracle_tx_rollback(struct oracle *o);
/* A prepared statement of the cache, reset and unbound. */
sqlite3_stmt *oracle_stmt(struct oracle *o, enum oracle_stmt which);
/* Prepares a one-off statement; HP_EDB on failure. */
int oracle_prepare(sqlite3_stmt **st, struct oracle *o, const char *sql);
/* A column as an owned string ("" for NULL); NULL only on ENOMEM. */
char *oracle_col_strdup(sqlite3_stmt *st, int col);
void oracle_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* The scenario's definition, from the cache or loaded (borrowed from o). */
int oracle_scenario_get(struct oracle_scenario **out, struct oracle *o, int64_t scenario_id);
void oracle_scenario_cache_free(struct oracle *o);
/* The check with that id, or NULL. */
const struct oracle_check *oracle_scenario_check(const struct oracle_scenario *s, const char *check_id);

/* Loads o->run for run_id (identity, baseline set, todos). */
int oracle_run_ctx_load(struct oracle *o, int64_t run_id);
void oracle_run_ctx_free(struct oracle_run_ctx *r);

/* Requirement lists travel as sorted, space-separated text. */
char *oracle_join_ids(char *const *ids, size_t n);

/* Test hook (see struct oracle). */
void oracle_set_obs_hook(struct oracle *o, void (*hook)(void *ctx, size_t i), void *ctx);

/* ---- Typed values (check.h) ------------------------------------------------ */

enum oracle_tv_type { TV_U, TV_I, TV_R, TV_S, TV_H, TV_B, TV_NULL, TV_SET };

struct oracle_tv {
    enum oracle_tv_type type;
    uint64_t u;
    int64_t i;
    double r;
    int32_t h;
    bool b;
    const char *s;               /* TV_S, TV_SET: points into the parsed text */
    size_t slen;
};

/* Parses typed text of len bytes; false when malformed. */
bool oracle_tv_parse(struct oracle_tv *out, const char *text, size_t len);
/* Compares a and b with op ("==" ...): 1 true, 0 false, -1 not comparable. */
int oracle_tv_compare(const struct oracle_tv *a, const char *op, const struct oracle_tv *b);
/* Parses an HRESULT name or number into *hr. */
bool oracle_hresult_parse(const char *text, int32_t *hr);

/* "x" when the text is short and clean, else a shortened copy; owned. */
char *oracle_quote_value(const char *s);

#endif /* HIPERF_ORACLE_PRIVATE_H */
