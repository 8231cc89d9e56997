/*
 * oracle/oracle.h - the oracle: an SQLite database holding the requirement
 * catalog, the checks of every scenario version, the baselines of provider
 * builds, the expected failures (todos), and every run with its cases,
 * observations and verdicts.  docs/oracle.md describes the schema and every
 * rule this API applies.
 *
 * Life of a run (the runner's side):
 *   oracle_open()                     create or upgrade the file, WAL mode
 *   oracle_load_requirements()        the catalog (oracle/requirements.txt)
 *   oracle_load_baseline_text()       the reference baseline (shipped)
 *   oracle_register_scenario()        once per scenario file, -> scenario id
 *   oracle_begin_run()                -> run id, complete = 0
 *   oracle_record_case()              per finished case: one transaction
 *                                     stores the case, its observations and
 *                                     their verdicts
 *   oracle_finish_run()               end time, complete = 1
 * A run killed before oracle_finish_run() stays complete = 0 with every case
 * that was recorded, and the database stays consistent.
 *
 * Reports read a stored run back through the read API at the end of this
 * file, never from memory of the run.
 *
 * Threads and processes: a `struct oracle` is used by one thread at a time.
 * Several processes (or several handles) may write one database at once:
 * every write is a `BEGIN IMMEDIATE` transaction and the busy timeout
 * (ORACLE_BUSY_TIMEOUT_MS) makes a writer wait for the other.  Never carry a
 * handle across fork(): open it in the process that uses it.
 *
 * Errors follow util.h: 0 or a negative HP_E* code with the message in the
 * per-thread slot.  A database that is not ours or cannot be read gives
 * HP_EDB "path: not an hiperfcheck oracle: ..." (exit status 2).
 *
 * Ownership: every pointer argument is borrowed for the duration of the
 * call (the oracle copies what it keeps); what a function returns through
 * an out-parameter is owned by the caller and freed with the function its
 * comment names.  Out-parameters come first, then the handle (libgit2).
 */
#ifndef HIPERF_ORACLE_H
#define HIPERF_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* The schema version this build reads and writes (PRAGMA user_version). */
#define ORACLE_SCHEMA_VERSION 1
/* PRAGMA application_id of every oracle database: "HPFC". */
#define ORACLE_APPLICATION_ID 0x48504643
/* How long a writer waits for another one before giving up. */
#define ORACLE_BUSY_TIMEOUT_MS 10000
/* The database `run`, `bless` and `report` use without --oracle. */
#define ORACLE_DEFAULT_PATH "hiperfcheck.db"

/* The display verdicts: the seven of check.h plus XFAIL, a case or check
 * that passes only because a todo expected its failure. */
#define ORACLE_XFAIL 7
#define ORACLE_NVERDICTS 8

struct oracle;

/* ---- Verdict helpers ------------------------------------------------------ */

/* "PASS" ... "CRASH", "XFAIL" for ORACLE_XFAIL; "?" otherwise.  Static. */
const char *oracle_verdict_name(int verdict);
/* Parses a name (case-insensitive) into 0..ORACLE_NVERDICTS-1; -1 if none. */
int oracle_verdict_parse(const char *name);
/* The display verdict of a stored verdict and its todo mark. */
int oracle_display_verdict(enum verdict v, int todo);
/* "MUST", "SHOULD", "MAY"; "?" otherwise.  Static. */
const char *oracle_level_name(enum req_level level);
/* Formats milliseconds since the epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC)
 * into out; returns out. */
char *oracle_format_time(char out[32], int64_t ms);

/* ---- Opening -------------------------------------------------------------- */

enum oracle_open_flags {
    ORACLE_OPEN_READONLY = 1   /* never write; the file must exist at the current version */
};

/* Opens the oracle at path (borrowed), creating it when the file does not
 * exist or is empty, and upgrading an older schema in one transaction.
 * Before writing anything it reads the file with a read-only connection:
 * a file that is not SQLite, is corrupt, holds someone else's tables, or has
 * a newer schema than this build knows is refused with HP_EDB and left
 * byte-for-byte unchanged.  *out is owned: oracle_close(). */
int oracle_open(struct oracle **out, const char *path, unsigned flags);
/* Closes and frees; NULL is fine. */
void oracle_close(struct oracle *o);
/* The path it was opened with (borrowed from o). */
const char *oracle_path(const struct oracle *o);
/* Runs PRAGMA integrity_check; *result is owned (free()): "ok" when sound. */
int oracle_integrity_check(char **result, struct oracle *o);

/* ---- Requirement catalog -------------------------------------------------- */

/* One line of oracle/requirements.txt: `ID | LEVEL | SOURCE | TEXT`. */
struct oracle_requirement {
    char *id;
    enum req_level level;
    char *source;
    char *text;
    unsigned line;
};

/* Parses a catalog held in text (borrowed, len bytes, need not be
 * NUL-terminated); origin names it in messages ("requirements.txt:12:3:
 * ...", HP_EPARSE).  *out is owned: oracle_requirements_free(). */
int oracle_parse_requirements(struct oracle_requirement **out, size_t *n, const char *text, size_t len,
                              const char *origin);
void oracle_requirements_free(struct oracle_requirement *r, size_t n);
/* Parses and stores the catalog in one transaction: new and changed
 * requirements are written, those no longer in it are marked retired (kept,
 * because stored runs refer to them). */
int oracle_load_requirements(struct oracle *o, const char *text, size_t len, const char *origin);

/* ---- Scenarios and their checks --------------------------------------------- */

/* What the scenario parser knows about one check (all borrowed). */
struct oracle_check_def {
    const char *id;                    /* unique within the scenario */
    unsigned line, col;                /* where the expectation is written */
    enum check_kind kind;
    const char *expected;              /* per check.h; NULL is "" */
    const char *const *requirements;   /* requirement IDs (the scenario's covers when untagged) */
    size_t nrequirements;
    const char *description;           /* the step or expect line, for reports */
};

struct oracle_scenario_def {
    const char *name;                  /* `scenario NAME` */
    const char *file;                  /* the path it was read from */
    const char *sha256;                /* hex SHA-256 of the file's bytes */
    const char *title;                 /* may be NULL */
    const char *const *covers;         /* requirement IDs */
    size_t ncovers;
    const char *const *needs;          /* "refreshers", "baseline", "instances" */
    size_t nneeds;
    const struct oracle_check_def *checks;
    size_t nchecks;
};

/* Stores a scenario version and its checks (def borrowed); registering the
 * same definition again returns the same id.  Every expectation is validated
 * (kind, expected text for the kind, known requirement IDs, unique check
 * ids): bad input gives HP_EINVAL "file:line:col: ...". */
int oracle_register_scenario(int64_t *scenario_id, struct oracle *o, const struct oracle_scenario_def *def);

/* ---- Runs ------------------------------------------------------------------ */

struct oracle_run_def {
    const char *provider_path;
    const char *provider_sha256;       /* hex SHA-256 of the provider file */
    const char *provider_name;         /* identity: the registered provider Name */
    const char *provider_clsid;        /* identity: its CLSID ("{...}", any case) */
    const char *mof_path;              /* may be NULL */
    const char *harness_version;
    const char *options;               /* the command line options, as text; may be NULL */
    const char *hostname;              /* for the reports; may be NULL */
    int64_t started_ms;                /* wall time, ms since the epoch, from the caller */
    bool record_values;                /* bless: value checks are recorded, not compared (judged as
                                          if the identity had no baseline), so a deliberate change
                                          of values can be blessed; the run says baseline "none" */
};

/* Starts a run (complete = 0; d borrowed) and returns its id.  The
 * identity decides the baseline and the todos its cases are judged with.
 * HP_EINVAL when the name is empty or the CLSID is not one. */
int oracle_begin_run(int64_t *run_id, struct oracle *o, const struct oracle_run_def *def);

enum oracle_worker_status {
    ORACLE_WORKER_EXITED = 0,   /* status_value = exit code (0: the worker finished) */
    ORACLE_WORKER_SIGNALED = 1, /* status_value = the signal */
    ORACLE_WORKER_TIMEOUT = 2,  /* the orchestrator killed it at its time limit */
    ORACLE_WORKER_ERROR = 3     /* the harness could not run the case: status_text says why */
};

/* One observation a worker reported (all borrowed). */
struct oracle_observation {
    const char *check_id;
    unsigned iteration;        /* 0 outside `repeat`, else the pass (0-based) */
    const char *observed;      /* typed text (check.h) */
    unsigned step_no;          /* the step that produced it */
    const char *excerpt;       /* the journal lines that show it; may be NULL */
};

struct oracle_case_def {
    int64_t scenario_id;       /* from oracle_register_scenario() */
    const char *class_name;    /* the case's $class ("" for a scenario without for-each) */
    int64_t started_ms, ended_ms;
    enum oracle_worker_status status;
    int status_value;
    const char *status_text;   /* why, for ORACLE_WORKER_ERROR; may be NULL */
    unsigned last_step_no;     /* the last step the worker started */
    const char *last_step;     /* its text; may be NULL */
    const char *trace;         /* the step trace, one line a step; may be NULL */
    const char *journal;       /* the tail of the journal; may be NULL */
    const struct oracle_observation *obs;
    size_t nobs;
};

/* Judges the case and stores it with its observations and verdicts in ONE
 * transaction (c and everything it points to borrowed); *verdict (may be
 * NULL) is the case's stored verdict (XFAIL is stored as PASS) and *case_id
 * (may be NULL) its id.  Recording the same scenario and class twice in a
 * run, or into a finished run, is HP_EINVAL. */
int oracle_record_case(int64_t *case_id, enum verdict *verdict, struct oracle *o, int64_t run_id,
                       const struct oracle_case_def *c);

/* Sets the end time and complete = 1; HP_ENOTFOUND for an unknown run. */
int oracle_finish_run(struct oracle *o, int64_t run_id, int64_t ended_ms);

/* Judges every stored case of a run again with today's baselines and todos
 * (one transaction per case), e.g. after adding a todo. */
int oracle_rejudge_run(struct oracle *o, int64_t run_id);

/* ---- Expected failures (todos) ------------------------------------------------ */

struct oracle_todo_def {
    const char *provider_name;   /* or "*" (NULL is "*") */
    const char *provider_clsid;  /* or "*" (NULL is "*") */
    const char *scenario;        /* a scenario name or "*" */
    const char *class_pattern;   /* a glob, case-insensitive (NULL is "*") */
    const char *check_id;        /* a check id, or "*" for the whole case */
    const char *reason;          /* required: why it is expected to fail */
};

/* Adds a todo (borrowed fields) and returns its id, one never given before
 * in this database (a removed todo's id is not reused).  The rule it
 * applies is in docs/oracle.md ("Expected failures").  HP_EINVAL without a scenario,
 * a check id or a reason, for a CLSID that is none, or when a todo with the
 * same identity, scenario, class pattern and check already exists. */
int oracle_add_todo(int64_t *todo_id, struct oracle *o, const struct oracle_todo_def *t);
/* Removes a todo; HP_ENOTFOUND "todo N: no such todo" when there is none. */
int oracle_remove_todo(struct oracle *o, int64_t todo_id);

/* A stored todo, as oracle_list_todos() reads it back: every field as
 * stored ("*" where the todo names no identity, scenario, class or check;
 * a CLSID in the normalized form "{XXXXXXXX-...}"). */
struct oracle_todo_info {
    int64_t id;
    char *provider_name, *provider_clsid;
    char *scenario, *class_pattern, *check_id;
    char *reason;
};
/* Every todo, sorted by id (the order they apply in); works on a read-only
 * handle.  *out owned (oracle_todos_free()), NULL when *n is 0. */
int oracle_list_todos(struct oracle_todo_info **out, size_t *n, struct oracle *o);
void oracle_todos_free(struct oracle_todo_info *t, size_t n);

/* ---- Baselines ------------------------------------------------------------ */

/* Records the CHECK_VALUE observations of a complete run as the baseline of
 * the run's provider identity, replacing the previous one; *nvalues (may be
 * NULL) is the number of values stored. */
int oracle_bless_run(size_t *nvalues, struct oracle *o, int64_t run_id, int64_t blessed_ms);

/* Loads a baseline in the text format of docs/oracle.md (text borrowed,
 * origin names it in messages), replacing the identity's previous baseline.
 * reference marks it as the reference provider's baseline. */
int oracle_load_baseline_text(struct oracle *o, const char *text, size_t len, const char *origin, bool reference);
/* Writes an identity's baseline in that text format, sorted, so that a diff
 * shows what changed; *text owned (free()).  HP_ENOTFOUND if none. */
int oracle_dump_baseline(char **text, struct oracle *o, const char *provider_name, const char *provider_clsid);
/* The shipped reference baseline (oracle/reference-baseline.tsv), built in.
 * Static; *len its length. */
const char *oracle_reference_baseline_text(size_t *len);

/* Normalizes a CLSID to the stored form "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}"
 * (upper case, braces); false if it is not one. */
bool oracle_normalize_clsid(char out[39], const char *clsid);

/* ---- Judging (pure: the rules of docs/oracle.md, no database) --------------- */

enum oracle_baseline_state {
    ORACLE_BASELINE_NONE = 0,        /* the provider has no baseline and is not the reference */
    ORACLE_BASELINE_FOUND = 1,       /* baseline holds the value */
    ORACLE_BASELINE_MISSING = 2,     /* a blessed baseline without this check */
    ORACLE_BASELINE_REF_MISSING = 3  /* the reference baseline lacks this check */
};

struct oracle_judge_input {
    enum check_kind kind;
    const char *expected;
    enum req_level level;            /* the strictest level of the check's requirements */
    const char *observed;
    enum oracle_baseline_state baseline_state;   /* CHECK_VALUE only */
    const char *baseline;            /* the value when ORACLE_BASELINE_FOUND */
};

/* Judges one observation: *verdict is PASS, FAIL, WARN (a failed SHOULD or
 * MAY), SKIP or ERROR (the observation is malformed or the reference
 * baseline is incomplete); *message is owned (free()), NULL for PASS. */
int oracle_judge(enum verdict *verdict, char **message, const struct oracle_judge_input *in);

/* Parses an expected HRESULT ("S_OK", a name, "0x...", decimal, "success",
 * "failure", "any"); false if it is none of those. */
bool oracle_expected_hresult_valid(const char *expected);
/* The name of an HRESULT (static) or NULL. */
const char *oracle_hresult_name(int32_t hr);

/* ---- Exit status -------------------------------------------------------------- */

/* 0 when no case is FAIL, CRASH, TIMEOUT or ERROR (PASS, XFAIL, WARN and
 * SKIP pass) and the run is complete; 1 otherwise (DESIGN.md). */
int oracle_exit_status_of(const unsigned case_counts[ORACLE_NVERDICTS], bool complete);

/* ---- Read API (for reports) --------------------------------------------------- */

/* Wraps several reads in one snapshot, so that a report of a run that is
 * still being written is consistent.  Pair every begin with an end. */
int oracle_read_begin(struct oracle *o);
void oracle_read_end(struct oracle *o);

/* The newest run (highest id); HP_ENOTFOUND when there is none. */
int oracle_latest_run(int64_t *run_id, struct oracle *o);

struct oracle_run_info {
    int64_t id;
    char *provider_path, *provider_sha256, *provider_name, *provider_clsid;
    char *mof_path;            /* "" when none */
    char *harness_version;
    int oracle_version;        /* the schema version the run was written with */
    char *options, *hostname;
    int64_t started_ms, ended_ms;   /* ended_ms 0 while incomplete */
    bool complete;
    bool reference;            /* the provider is the reference provider */
    char *baseline;            /* "reference", "blessed" or "none" */
};
/* Fills *out (strings owned: oracle_run_info_free()).  HP_ENOTFOUND with
 * "run N: no such run" for an unknown id. */
int oracle_get_run(struct oracle_run_info *out, struct oracle *o, int64_t run_id);
void oracle_run_info_free(struct oracle_run_info *r);

struct oracle_summary {
    unsigned cases;
    unsigned case_counts[ORACLE_NVERDICTS];    /* by display verdict */
    unsigned checks;                           /* observations judged */
    unsigned check_counts[ORACLE_NVERDICTS];
    int verdict;                               /* the run's worst display verdict */
    int exit_status;                           /* oracle_exit_status_of() */
    bool complete;
};
/* Fills *out (no allocation). */
int oracle_get_summary(struct oracle_summary *out, struct oracle *o, int64_t run_id);

struct oracle_case_info {
    int64_t id;
    char *scenario, *scenario_file, *scenario_title, *class_name;
    int64_t started_ms, ended_ms;
    enum oracle_worker_status status;
    int status_value;
    enum verdict verdict;      /* stored verdict */
    int todo;                  /* 0, 1 expected failure honoured, 2 unexpected pass */
    int display;               /* oracle_display_verdict(verdict, todo) */
    char *message;             /* why the case has its verdict ("" for PASS) */
    char *requirements;        /* space-separated IDs the verdict names */
    unsigned step_no;          /* the step that shows it */
    char *step;                /* its text ("" if none) */
    char *trace, *journal;     /* "" if none */
    unsigned nchecks;
    unsigned check_counts[ORACLE_NVERDICTS];
};
/* The cases of a run, sorted by scenario, class: *out owned
 * (oracle_cases_free()). */
int oracle_list_cases(struct oracle_case_info **out, size_t *n, struct oracle *o, int64_t run_id);
void oracle_cases_free(struct oracle_case_info *c, size_t n);

struct oracle_check_result {
    char *check_id;
    unsigned line, col;
    enum check_kind kind;
    char *expected;            /* the check's expectation */
    char *baseline;            /* the baseline value it was judged with, NULL if none */
    char *description;
    char *requirements;        /* space-separated */
    unsigned iteration;
    char *observed;
    unsigned step_no;
    char *excerpt;             /* "" if none */
    enum verdict verdict;
    int todo;
    int display;
    char *message;             /* "" for PASS */
};
/* The judged observations of a case, sorted by line, col, check id,
 * iteration: *out owned (oracle_check_results_free()). */
int oracle_list_check_results(struct oracle_check_result **out, size_t *n, struct oracle *o, int64_t case_id);
void oracle_check_results_free(struct oracle_check_result *r, size_t n);

struct oracle_matrix_row {
    char *id;
    enum req_level level;
    char *source, *text;
    int verdict;               /* worst display verdict over the run; -1 untested */
    unsigned checks;           /* distinct checks naming it that were observed */
    unsigned observations;     /* observations judged for it */
    unsigned cases;            /* cases whose verdict names it */
};
/* Every requirement of the catalog (and any retired one the run names),
 * sorted by id, with its verdict in the run: *out owned
 * (oracle_matrix_free()). */
int oracle_requirement_matrix(struct oracle_matrix_row **out, size_t *n, struct oracle *o, int64_t run_id);
void oracle_matrix_free(struct oracle_matrix_row *m, size_t n);

#endif /* HIPERF_ORACLE_H */
