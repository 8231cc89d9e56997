/*
 * harness/orchestrator.h - runs planned cases, each in its own worker
 * process under libfaketime, up to `jobs` at a time, with a real-time
 * timeout per case, and hands each finished case to the caller.
 *
 * The orchestrator is the parent: it is never preloaded, never loads a
 * provider, and measures timeouts on its own (real) CLOCK_MONOTONIC.  It
 * starts workers by posix_spawn (no fork of a process that may hold an
 * SQLite connection), reads their line protocol (protocol.h) and their
 * stdout/stderr, and turns how each one ended into a case outcome: a
 * signal is CRASHED, an overrun TIMED_OUT, an exit before END an ERROR.
 * The run always completes: a worker that cannot even be started is an
 * ERROR case and the others go on.  docs/runner.md tells the whole story.
 */
#ifndef HIPERF_ORCHESTRATOR_H
#define HIPERF_ORCHESTRATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One planned case: a scenario run against one class. */
struct orch_case {
    const char *scenario;       /* the scenario's name (reports, progress) */
    const char *scenario_file;  /* the file the worker reads */
    const char *class_name;
    double timeout_s;           /* real seconds allowed; <= 0: no limit */
    int64_t start_epoch;        /* the fake clock's start, seconds since 1970 UTC */
};

enum case_outcome {
    CASE_FINISHED = 0,  /* the worker ran the case to END; the oracle judges its observations */
    CASE_SKIPPED,       /* the worker sent SKIP (a `needs` not met) */
    CASE_ERROR,         /* the case could not run: spawn failed, ERROR sent, exit before END, protocol broken */
    CASE_CRASHED,       /* the worker died by a signal */
    CASE_TIMED_OUT      /* the worker overran its timeout and was killed */
};

/* "FINISHED", "SKIPPED", "ERROR", "CRASHED", "TIMED_OUT"; static. */
const char *orch_outcome_name(enum case_outcome o);

struct case_obs {
    char *check_id;
    unsigned iteration;
    unsigned step_no;
    char *observed;   /* typed text, oracle/check.h */
    char *excerpt;    /* the journal excerpt the worker attached */
};

/* A case as it ended.  Everything is owned by the orchestrator and valid
 * only during the case_done callback: copy what you keep. */
struct case_result {
    size_t index;                  /* in the plan */
    const struct orch_case *plan;  /* the planned case (the caller's) */
    const char *scenario;          /* = plan->scenario */
    const char *class_name;        /* = plan->class_name */
    enum case_outcome outcome;
    pid_t pid;                     /* the worker's, 0 if none was started */
    int exit_code;                 /* the exit status, -1 if it did not exit */
    int signal;                    /* the signal that ended it, 0 if none */
    const char *signal_name;       /* "SIGSEGV", or NULL */
    bool has_end;                  /* END was received */
    int end_status;                /* its status */
    int64_t real_start_ns;         /* the parent's CLOCK_REALTIME at spawn */
    int64_t real_end_ns;           /* ... at reaping */
    int64_t elapsed_ns;            /* real CLOCK_MONOTONIC from spawn to reaping */
    bool has_last_step;
    unsigned last_step_no;         /* of the last STEP received */
    unsigned last_step_line;
    const char *last_step_text;
    const struct case_obs *obs;    /* OBS records, in arrival order */
    size_t n_obs;
    char *const *journal;          /* JOURNAL lines, the last ORCH_JOURNAL_KEEP */
    size_t n_journal;
    const char *skip_reason;       /* SKIPPED: the worker's reason; else NULL */
    const char *error_message;     /* ERROR: why; otherwise any protocol or worker
                                      error seen (e.g. beside a crash), or NULL */
    const char *output;            /* the worker's stdout and stderr, interleaved as
                                      written; the last ORCH_CAPTURE_MAX bytes */
    size_t output_len;
    bool output_truncated;         /* earlier output was dropped */
};

#define ORCH_CAPTURE_MAX (64u * 1024)
#define ORCH_JOURNAL_KEEP 1000u
/* After the timeout: SIGTERM to the worker's process group (its handler
 * sends the journal tail), then SIGKILL if still alive this much later. */
#define ORCH_KILL_GRACE_MS 200

/* Called on the parent thread, in completion order, once per case that
 * ended (not for cases cut short by an interruption).  Borrows r.
 * Returns 0; 1 if the oracle judged the case failed (counted in the
 * progress line and the summary; CRASHED, TIMED_OUT and ERROR count as
 * failed anyway); or a negative HP_E* code to stop the run (its workers are
 * killed and orch_run returns that code). */
typedef int (*orch_case_done_fn)(const struct case_result *r, void *ud);

enum orch_progress {
    ORCH_PROGRESS_AUTO = 0,  /* a progress line when stderr is a terminal */
    ORCH_PROGRESS_ON,
    ORCH_PROGRESS_OFF
};

struct orch_options {
    const struct orch_case *cases;    /* borrowed for the whole run */
    size_t n_cases;
    const char *const *worker_argv;   /* NULL-terminated prefix, normally
                                         {"/proc/self/exe", "__worker", NULL} */
    const char *provider;             /* --provider (omitted if NULL) */
    const char *mof;                  /* --mof (omitted if NULL) */
    unsigned jobs;                    /* 0: orch_default_jobs() */
    const char *faketime_lib;         /* NULL: orch_find_faketime() */
    const char *tmp_dir;              /* where worker dirs go; NULL: $TMPDIR or /tmp */
    enum orch_progress progress;
    orch_case_done_fn case_done;      /* may be NULL */
    void *ud;
};

struct orch_summary {
    size_t planned;
    size_t done;          /* cases that ended and were handed to case_done */
    size_t finished, skipped, errors, crashed, timed_out;
    size_t failed;        /* CRASHED + TIMED_OUT + ERROR + those case_done judged failed */
    size_t max_running;   /* the most workers alive at once */
    bool interrupted;     /* SIGINT/SIGTERM/SIGHUP arrived, or case_done stopped the run:
                             `done` < `planned`, the run is incomplete */
    int interrupt_signal; /* the signal that interrupted it, 0 if none (the caller may
                             re-raise it after recording the run as incomplete) */
};

/* Runs the plan.  Borrows opts.  Fills *summary (always, also on error).
 * Installs handlers for SIGCHLD, SIGINT, SIGTERM and SIGHUP for the
 * duration and restores the previous ones; one run at a time per process.
 * Returns 0 when every case ended or the run was interrupted (see
 * summary->interrupted); HP_EINVAL for bad options; HP_ENOTFOUND when
 * libfaketime is missing (exit status 2); what case_done returned if it
 * stopped the run; HP_ENOMEM or HP_EINTERNAL if the parent itself failed
 * (its workers are killed first). */
int orch_run(struct orch_summary *summary, const struct orch_options *opts);

/* Where libfaketimeMT is: $HIPERF_FAKETIME_LIB if set, else the path found
 * at configure time.  *path is borrowed (the environment or static).
 * Returns 0, or HP_ENOTFOUND with "libfaketime not found: install the
 * Debian package libfaketime, or set HIPERF_FAKETIME_LIB". */
int orch_find_faketime(const char **path);

/* The number of CPUs this process may run on (at least 1). */
unsigned orch_default_jobs(void);

/* libfaketime leaves /dev/shm/faketime_shm_<pid> and
 * /dev/shm/sem.faketime_sem_<pid> behind when its process is killed;
 * removes them.  Call only right after reaping pid.  The orchestrator does
 * it for every worker it reaps. */
void orch_cleanup_faketime_shm(pid_t pid);

#endif /* HIPERF_ORCHESTRATOR_H */
