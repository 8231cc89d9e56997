/*
 * harness/worker.h - the worker process: one case (scenario x class) run
 * under libfaketime, reporting to the parent over the line protocol.
 *
 * The orchestrator starts `hiperfcheck __worker --provider SO --mof MOF
 * --scenario FILE --class CLASS --start EPOCH --timefile FILE --fd 3` with
 * LD_PRELOAD=libfaketimeMT and FAKETIME_TIMESTAMP_FILE=FILE.  worker_main()
 * says HELLO, installs the crash handlers, calls exec_case() (the step
 * executor, harness/exec.c) and sends END with its status.
 *
 * Rules inside a worker (docs/runner.md): no timer, alarm, watchdog or
 * timed wait on the clock, no SQLite; time moves only by worker_advance().
 */
#ifndef HIPERF_WORKER_H
#define HIPERF_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

/* What a worker was asked to run.  The strings are borrowed from argv. */
struct worker_args {
    const char *provider;    /* the provider's shared object (NULL if not given) */
    const char *mof;         /* its MOF (NULL if not given) */
    const char *scenario;    /* the scenario file */
    const char *class_name;  /* the case's class ($class) */
    int64_t start_epoch;     /* the fake clock's start instant, seconds since 1970 UTC */
    const char *timefile;    /* libfaketime's FAKETIME_TIMESTAMP_FILE */
    int fd;                  /* the protocol pipe */
};

/* The `__worker` subcommand: argv[0] is "__worker" (or the program name),
 * the options follow.  Returns the process exit status: the executor's
 * status (also sent as END), or 2 for bad arguments (no protocol then).
 * Defined in worker_entry.c as worker_run(argc, argv, exec_case), which is
 * compiled with the executor: the runner library itself needs none. */
int worker_main(int argc, char **argv);

/* The executor a worker runs (exec_case, or a test's scripted one). */
typedef int (*worker_exec_fn)(const struct worker_args *args, struct proto_writer *w);
/* Everything worker_main does, with the executor given. */
int worker_run(int argc, char **argv, worker_exec_fn exec);

/* Parses the options after argv[0] into *out (strings borrowed from argv).
 * --fd defaults to $HIPERF_WORKER_FD.  Returns 0 or HP_EINVAL (message set). */
int worker_parse_args(struct worker_args *out, int argc, char **argv);

/* Runs one case: the step executor, in harness/exec.c.  Borrows args and w;
 * sends STEP before each step, OBS for each check reached, SKIP or ERROR as
 * the case requires.  Returns the status END carries: 0 the case ran (its
 * observations, SKIP or ERROR are sent), 2 bad input (it sent ERROR with
 * file:line:col), 3 an internal error of the harness (it sent ERROR).
 */
int exec_case(const struct worker_args *args, struct proto_writer *w);

/* Moves the worker's fake clock to start + ns_since_start (absolute from the
 * case's start, not a delta; >= 0): rewrites the timestamp file atomically
 * (a temporary file in the same directory, then rename) with
 * "YYYY-MM-DD HH:MM:SS.nnnnnnnnn".  Every clock the process reads shows the
 * new instant from the next read on (FAKETIME_NO_CACHE=1).  Borrows a.
 * Thread-safe.  Returns 0, HP_EINVAL (negative or overflowing instant) or
 * HP_EIO. */
int worker_advance(const struct worker_args *a, int64_t ns_since_start);

/* Formats the instant epoch_s + ns as "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" UTC into
 * buf (at least 40 bytes).  Returns 0 or HP_EINVAL. */
int worker_format_instant(char *buf, size_t size, int64_t epoch_s, int64_t ns);

/* The executor registers fn to format the host journal's last records into
 * buf (size bytes, NUL-terminated, lines separated by '\n'); it returns the
 * length.  The crash handler calls it from a signal handler, on the
 * crashing thread, so fn must not allocate nor block on a lock it cannot
 * get (pthread_mutex_trylock, then give up).  ud is borrowed until
 * replaced.  fn NULL unregisters. */
void worker_set_crash_tail(size_t (*fn)(char *buf, size_t size, void *ud), void *ud);

/* The crash handlers run on an alternate stack, which is per thread: the
 * executor calls this at the start of each thread it creates so a stack
 * overflow there is reported too (worker_main does it for the main
 * thread).  The stack is freed when the thread ends.  Returns 0,
 * HP_ENOMEM or HP_EINTERNAL. */
int worker_enable_altstack(void);

#endif /* HIPERF_WORKER_H */
