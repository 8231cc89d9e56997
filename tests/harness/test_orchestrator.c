/*
 * tests/harness/test_orchestrator.c - the parent side of a run, against
 * real worker processes: fake_worker (the real worker_main with a scripted
 * executor) exec'd under the real libfaketime.  Crashes, aborts, hangs,
 * early exits and protocol garbage must each become their outcome, and the
 * run must always complete.
 *
 * Nothing here depends on the machine's speed beyond generous bounds: the
 * only timing assertion is that a 1 s timeout takes at least 1 s and less
 * than 30 s.  (The parent never loads a provider: the orchestrator has no
 * code path that does; there is nothing to assert beyond that.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "orchestrator.h"
#include "util.h"

#ifndef FAKE_WORKER
#error "FAKE_WORKER must name the fake_worker executable"
#endif

/* ---- Collecting results (they are borrowed only during the callback) ------- */

struct got {
    size_t index;
    enum case_outcome outcome;
    pid_t pid;
    int exit_code, signal, end_status;
    char *signal_name;
    bool has_end, has_last_step, output_truncated;
    unsigned last_step_no, last_step_line;
    char *last_step_text, *skip_reason, *error_message, *output;
    size_t output_len;
    int64_t elapsed_ns, real_start_ns, real_end_ns;
    struct case_obs *obs;
    size_t n_obs;
    char **journal;
    size_t n_journal;
};

struct collect {
    struct got got[16];
    size_t n;
    bool sigint_on_first;
    int return_code;      /* what case_done returns */
};

static int collect_case(const struct case_result *r, void *ud)
{
    struct collect *c = ud;
    assert_true(c->n < 16);
    struct got *g = &c->got[c->n++];
    memset(g, 0, sizeof *g);
    g->index = r->index;
    g->outcome = r->outcome;
    g->pid = r->pid;
    g->exit_code = r->exit_code;
    g->signal = r->signal;
    g->end_status = r->end_status;
    g->signal_name = hp_strdup(r->signal_name);
    g->has_end = r->has_end;
    g->has_last_step = r->has_last_step;
    g->last_step_no = r->last_step_no;
    g->last_step_line = r->last_step_line;
    g->last_step_text = hp_strdup(r->last_step_text);
    g->skip_reason = hp_strdup(r->skip_reason);
    g->error_message = hp_strdup(r->error_message);
    g->output = hp_strndup(r->output, r->output_len);
    g->output_len = r->output_len;
    g->output_truncated = r->output_truncated;
    g->elapsed_ns = r->elapsed_ns;
    g->real_start_ns = r->real_start_ns;
    g->real_end_ns = r->real_end_ns;
    g->n_obs = r->n_obs;
    g->obs = calloc(r->n_obs + 1, sizeof *g->obs);
    for (size_t i = 0; i < r->n_obs; i++) {
        g->obs[i] = r->obs[i];
        g->obs[i].check_id = hp_strdup(r->obs[i].check_id);
        g->obs[i].observed = hp_strdup(r->obs[i].observed);
        g->obs[i].excerpt = hp_strdup(r->obs[i].excerpt);
    }
    g->n_journal = r->n_journal;
    g->journal = calloc(r->n_journal + 1, sizeof *g->journal);
    for (size_t i = 0; i < r->n_journal; i++)
        g->journal[i] = hp_strdup(r->journal[i]);
    if (c->sigint_on_first && c->n == 1)
        raise(SIGINT);
    if (c->return_code < 0)
        return hp_error_set(c->return_code, "the oracle is full");
    return c->return_code;
}

static void collect_free(struct collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        struct got *g = &c->got[i];
        free(g->signal_name);
        free(g->last_step_text);
        free(g->skip_reason);
        free(g->error_message);
        free(g->output);
        for (size_t k = 0; k < g->n_obs; k++) {
            free(g->obs[k].check_id);
            free(g->obs[k].observed);
            free(g->obs[k].excerpt);
        }
        free(g->obs);
        for (size_t k = 0; k < g->n_journal; k++)
            free(g->journal[k]);
        free(g->journal);
    }
    free(c);
}

static const char *obs_value(const struct got *g, const char *id)
{
    for (size_t i = 0; i < g->n_obs; i++)
        if (!strcmp(g->obs[i].check_id, id))
            return g->obs[i].observed;
    return "(no such observation)";
}

static bool journal_has(const struct got *g, const char *needle)
{
    for (size_t i = 0; i < g->n_journal; i++)
        if (strstr(g->journal[i], needle))
            return true;
    return false;
}

static bool shm_left(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/faketime_shm_%ld", (long)pid);
    bool shm = access(path, F_OK) == 0;
    snprintf(path, sizeof path, "/dev/shm/sem.faketime_sem_%ld", (long)pid);
    return shm || access(path, F_OK) == 0;
}

/* ---- Fixture: a private temp dir that must be left empty ----------------------- */

struct fixture {
    char dir[64];
    struct collect *c;
    struct orch_options o;
    struct orch_summary s;
};

static const char *const fake_argv[] = {FAKE_WORKER, NULL};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/hiperf-orch-test-XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    f->c = calloc(1, sizeof *f->c);
    f->o.worker_argv = fake_argv;
    f->o.provider = "/opt/prov.so";
    f->o.mof = "/opt/prov.mof";
    f->o.jobs = 1;
    f->o.tmp_dir = f->dir;
    f->o.progress = ORCH_PROGRESS_OFF;
    f->o.case_done = collect_case;
    f->o.ud = f->c;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    /* Every worker's directory was removed. */
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    struct dirent *e;
    int entries = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            entries++;
    closedir(d);
    rmdir(f->dir);
    assert_int_equal(entries, 0);
    collect_free(f->c);
    free(f);
    return 0;
}

#define T2025 INT64_C(1735689600)

static struct orch_case one(const char *scenario, double timeout)
{
    return (struct orch_case){scenario, scenario, "Hiperf_Counter", timeout, T2025};
}

/* Runs the given cases; asserts orch_run returned `expect_rc`. */
static void run_cases(struct fixture *f, const struct orch_case *cases, size_t n, int expect_rc)
{
    f->o.cases = cases;
    f->o.n_cases = n;
    int rc = orch_run(&f->s, &f->o);
    if (rc != expect_rc)
        fail_msg("orch_run returned %d (%s), expected %d", rc, hp_error_message(), expect_rc);
}

static struct got *run_one(struct fixture *f, const char *scenario, double timeout)
{
    struct orch_case c = one(scenario, timeout);
    run_cases(f, &c, 1, 0);
    assert_int_equal(f->c->n, 1);
    assert_int_equal(f->s.done, 1);
    assert_false(f->s.interrupted);
    return &f->c->got[0];
}

/* ---- Outcomes ------------------------------------------------------------------------- */

static void pass_case_finishes_with_its_observations(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "pass", 30);
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_true(g->has_end);
    assert_int_equal(g->end_status, 0);
    assert_int_equal(g->exit_code, 0);
    assert_int_equal(g->signal, 0);
    assert_null(g->error_message);
    assert_int_equal(g->n_obs, 3);
    assert_string_equal(obs_value(g, "args"), "s:/opt/prov.so|/opt/prov.mof|Hiperf_Counter|1735689600");
    assert_string_equal(g->obs[1].check_id, "c1");
    assert_string_equal(g->obs[1].observed, "h:0x00000000");
    assert_string_equal(g->obs[1].excerpt, "QueryInstances\t=> S_OK");
    assert_int_equal(g->obs[1].step_no, 1);
    assert_int_equal(g->obs[2].iteration, 1);
    assert_string_equal(g->obs[2].excerpt, "line one\nline two\\");
    assert_true(g->has_last_step);
    assert_int_equal(g->last_step_no, 2);
    assert_int_equal(g->last_step_line, 4);
    assert_string_equal(g->last_step_text, "Refresh r");
    assert_non_null(strstr(g->output, "provider says hi\n"));
    assert_non_null(strstr(g->output, "provider warns\n"));
    assert_false(g->output_truncated);
    assert_true(g->real_end_ns >= g->real_start_ns);
    assert_int_equal(f->s.finished, 1);
    assert_int_equal(f->s.failed, 0);
    assert_false(shm_left(g->pid));
}

static void segfault_is_a_crash_with_signal_last_step_and_journal_tail(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "crash", 30);
    assert_int_equal(g->outcome, CASE_CRASHED);
    assert_int_equal(g->signal, SIGSEGV);
    assert_string_equal(g->signal_name, "SIGSEGV");
    assert_int_equal(g->exit_code, -1);
    assert_false(g->has_end);
    assert_true(g->has_last_step);
    assert_int_equal(g->last_step_no, 1);
    assert_int_equal(g->last_step_line, 7);
    assert_string_equal(g->last_step_text, "Refresh r1");
    assert_true(journal_has(g, "crashed with signal 11 (SIGSEGV) in step 1 (line 7)"));
    assert_true(journal_has(g, "tail line one"));
    assert_true(journal_has(g, "tail line two\twith a tab"));
    assert_int_equal(f->s.crashed, 1);
    assert_int_equal(f->s.failed, 1);
    assert_false(shm_left(g->pid));  /* a signal death skips libfaketime's cleanup: ours ran */
}

static void abort_is_a_crash_with_sigabrt(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "abort", 30);
    assert_int_equal(g->outcome, CASE_CRASHED);
    assert_int_equal(g->signal, SIGABRT);
    assert_string_equal(g->signal_name, "SIGABRT");
    assert_int_equal(g->last_step_no, 1);
    assert_int_equal(g->last_step_line, 9);
    assert_true(journal_has(g, "crashed with signal 6 (SIGABRT) in step 1 (line 9)"));
    assert_false(shm_left(g->pid));
}

static void hang_times_out_and_its_shm_is_removed(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "hang", 1.0);
    assert_int_equal(g->outcome, CASE_TIMED_OUT);
    assert_true(g->elapsed_ns >= INT64_C(1000000000));
    assert_true(g->elapsed_ns < INT64_C(30000000000));
    assert_true(g->signal == SIGTERM || g->signal == SIGKILL);
    if (g->signal == SIGTERM)  /* its handler ran to the end: the tail must be there */
        assert_true(journal_has(g, "stopped by signal 15 (SIGTERM) in step 1 (line 5): the case ran out of time"));
    assert_int_equal(g->last_step_no, 1);
    /* libfaketime had its shared memory while the worker lived ... */
    assert_string_equal(obs_value(g, "shm"), "b:true");
    /* ... and the killed worker's files are gone. */
    assert_false(shm_left(g->pid));
    assert_int_equal(f->s.timed_out, 1);
    assert_int_equal(f->s.failed, 1);
}

static void exit_before_end_is_an_error(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "exit-early", 30);
    assert_int_equal(g->outcome, CASE_ERROR);
    assert_int_equal(g->exit_code, 5);
    assert_false(g->has_end);
    assert_non_null(g->error_message);
    assert_non_null(strstr(g->error_message, "the worker exited with status 5 before finishing"));
    assert_int_equal(g->last_step_no, 1);
    assert_false(shm_left(g->pid));
}

static void protocol_garbage_is_an_error_of_the_case(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "garbage", 30);
    assert_int_equal(g->outcome, CASE_ERROR);
    assert_true(g->has_end);
    assert_non_null(g->error_message);
    assert_non_null(strstr(g->error_message, "unknown record kind 'BOGUS'"));
    assert_non_null(strstr(g->error_message, "STEP's step number is not a number"));
    assert_non_null(strstr(g->error_message, "unknown escape '\\q'"));
}

static void skip_is_skipped_with_its_reason(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "skip", 30);
    assert_int_equal(g->outcome, CASE_SKIPPED);
    assert_string_equal(g->skip_reason, "needs refreshers: CreateRefresher answered WBEM_E_PROVIDER_NOT_CAPABLE");
    assert_int_equal(f->s.skipped, 1);
    assert_int_equal(f->s.failed, 0);
}

static void worker_error_is_an_error_with_its_message(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "error", 30);
    assert_int_equal(g->outcome, CASE_ERROR);
    assert_true(g->has_end);
    assert_int_equal(g->end_status, 3);
    assert_string_equal(g->error_message, "the provider will not load: dlopen failed");
}

static void nonzero_end_without_a_message_is_an_error(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "end-nonzero", 30);
    assert_int_equal(g->outcome, CASE_ERROR);
    assert_string_equal(g->error_message, "the worker ended the case with status 4");
}


static void a_leak_in_a_worker_is_not_a_failure_of_the_case(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "leak", 30);
    /* The worker runs the provider, which is code under test: its memory
     * leaks are not a failure of the case (the ledger judges the COM
     * references it keeps).  A sanitized worker therefore runs with
     * detect_leaks=0, so the case finishes as it does unsanitized. */
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_int_equal(g->signal, 0);
    assert_true(g->has_end);
    assert_null(strstr(g->output ? g->output : "", "LeakSanitizer"));
}

/* ---- Time ------------------------------------------------------------------------------- */

static void worker_sees_only_fake_time_and_advance_moves_it(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "faketime", 30);
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_string_equal(obs_value(g, "realtime"), "i:1735689600000000000");
    assert_string_equal(obs_value(g, "monotonic"), "i:1735689600000000000");
    assert_string_equal(obs_value(g, "boottime"), "i:1735689600000000000");
    assert_string_equal(obs_value(g, "time"), "i:1735689600");
    /* 20 ms of real time later the clock has not moved: it is stopped. */
    assert_string_equal(obs_value(g, "realtime-again"), "i:1735689600000000000");
    assert_string_equal(obs_value(g, "realtime-advanced"), "i:1735689602500000000");
    assert_string_equal(obs_value(g, "monotonic-advanced"), "i:1735689602500000000");
    assert_string_equal(obs_value(g, "boottime-advanced"), "i:1735689602500000000");
    assert_string_equal(obs_value(g, "time-advanced"), "i:1735689602");
}

static void start_instant_comes_from_the_plan(void **state)
{
    struct fixture *f = *state;
    struct orch_case c = {"faketime", "faketime", "C", 30, INT64_C(1893456000)}; /* 2030-01-01 */
    run_cases(f, &c, 1, 0);
    struct got *g = &f->c->got[0];
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_string_equal(obs_value(g, "realtime"), "i:1893456000000000000");
    assert_string_equal(obs_value(g, "realtime-advanced"), "i:1893456002500000000");
}

static void parent_faketime_settings_do_not_reach_the_worker(void **state)
{
    struct fixture *f = *state;
    setenv("FAKETIME", "+1d", 1);
    setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
    struct got *g = run_one(f, "env", 30);
    unsetenv("FAKETIME");
    unsetenv("FAKETIME_DONT_FAKE_MONOTONIC");
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_string_equal(obs_value(g, "env-FAKETIME"), "s:(unset)");
    assert_string_equal(obs_value(g, "env-DONT_FAKE_MONOTONIC"), "s:(unset)");
    assert_non_null(strstr(obs_value(g, "env-LD_PRELOAD"), "libfaketimeMT.so.1"));
    assert_string_equal(obs_value(g, "realtime"), "i:1735689600000000000");
    assert_string_equal(obs_value(g, "monotonic"), "i:1735689600000000000");
}

/* ---- Isolation and bounds ------------------------------------------------------------------ */

static void worker_inherits_no_descriptor_of_the_parent(void **state)
{
    struct fixture *f = *state;
    int stray = open("/dev/null", O_RDONLY);  /* not close-on-exec: like a careless library's */
    assert_true(stray >= 0);
    struct got *g = run_one(f, "fds", 30);
    close(stray);
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_string_equal(obs_value(g, "fds"), "s:");
}

static void output_capture_keeps_the_last_64k(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "flood", 30);
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_int_equal(g->output_len, ORCH_CAPTURE_MAX);
    assert_true(g->output_truncated);
    const char *tail = "END-OF-FLOOD\n";
    assert_string_equal(g->output + g->output_len - strlen(tail), tail);
}

static void a_100k_observation_arrives_whole(void **state)
{
    struct fixture *f = *state;
    struct got *g = run_one(f, "big", 30);
    assert_int_equal(g->outcome, CASE_FINISHED);
    assert_int_equal(g->n_obs, 1);
    assert_int_equal(strlen(g->obs[0].excerpt), 100000);
    for (int i = 0; i < 100000; i++)
        if (g->obs[0].excerpt[i] != "ab\tc\nd\\"[i % 7])
            fail_msg("byte %d differs", i);
}

/* ---- The run as a whole -------------------------------------------------------------------- */

static void three_jobs_run_six_cases_three_at_a_time(void **state)
{
    struct fixture *f = *state;
    struct orch_case cases[6];
    for (int i = 0; i < 6; i++)
        cases[i] = one("sleep", 30);
    f->o.jobs = 3;
    run_cases(f, cases, 6, 0);
    assert_int_equal(f->s.done, 6);
    assert_int_equal(f->s.finished, 6);
    assert_int_equal(f->s.max_running, 3);
    bool seen[6] = {0};
    for (size_t i = 0; i < f->c->n; i++) {
        assert_int_equal(f->c->got[i].outcome, CASE_FINISHED);
        assert_false(seen[f->c->got[i].index]);
        seen[f->c->got[i].index] = true;
    }
}

static void every_outcome_in_one_parallel_run(void **state)
{
    struct fixture *f = *state;
    const struct orch_case cases[] = {
        one("pass", 30), one("crash", 30), one("abort", 30), one("hang", 1.0),
        one("exit-early", 30), one("garbage", 30), one("skip", 30), one("error", 30),
    };
    f->o.jobs = 4;
    run_cases(f, cases, 8, 0);
    assert_int_equal(f->s.done, 8);
    assert_int_equal(f->s.finished, 1);
    assert_int_equal(f->s.skipped, 1);
    assert_int_equal(f->s.crashed, 2);
    assert_int_equal(f->s.timed_out, 1);
    assert_int_equal(f->s.errors, 3);
    assert_int_equal(f->s.failed, 6);
    static const enum case_outcome want[] = {CASE_FINISHED, CASE_CRASHED, CASE_CRASHED, CASE_TIMED_OUT,
                                             CASE_ERROR,    CASE_ERROR,   CASE_SKIPPED, CASE_ERROR};
    for (size_t i = 0; i < f->c->n; i++)
        assert_int_equal(f->c->got[i].outcome, want[f->c->got[i].index]);
}

static void unstartable_worker_is_an_error_and_the_run_goes_on(void **state)
{
    struct fixture *f = *state;
    static const char *const missing[] = {"/nonexistent/hiperf-worker", NULL};
    f->o.worker_argv = missing;
    const struct orch_case cases[] = {one("pass", 30), one("pass", 30)};
    run_cases(f, cases, 2, 0);
    assert_int_equal(f->s.done, 2);
    assert_int_equal(f->s.errors, 2);
    for (int i = 0; i < 2; i++) {
        /* Either posix_spawn says so (glibc natively: pid 0), or the child
         * exits 127 (POSIX allows it; glibc under valgrind). */
        assert_int_equal(f->c->got[i].outcome, CASE_ERROR);
        assert_true(f->c->got[i].pid == 0 || f->c->got[i].exit_code == 127);
        assert_non_null(strstr(f->c->got[i].error_message, "could not start the worker"));
    }
}

static void sigint_stops_the_run_and_reports_what_finished(void **state)
{
    struct fixture *f = *state;
    const struct orch_case cases[] = {one("pass", 60), one("hang", 60), one("hang", 60), one("pass", 60)};
    f->o.jobs = 3;
    f->c->sigint_on_first = true;
    run_cases(f, cases, 4, 0);
    assert_true(f->s.interrupted);
    assert_int_equal(f->s.interrupt_signal, SIGINT);
    assert_int_equal(f->s.done, 1);
    assert_int_equal(f->c->n, 1);
    assert_int_equal(f->c->got[0].outcome, CASE_FINISHED);
    /* the previous SIGINT disposition (cmocka's default) is back */
    struct sigaction sa;
    sigaction(SIGINT, NULL, &sa);
    assert_true(sa.sa_handler == SIG_DFL);
}

static void case_done_can_stop_the_run(void **state)
{
    struct fixture *f = *state;
    const struct orch_case cases[] = {one("pass", 30), one("hang", 60), one("pass", 30)};
    f->o.jobs = 2;
    f->c->return_code = HP_EDB;
    run_cases(f, cases, 3, HP_EDB);
    assert_true(f->s.interrupted);
    assert_int_equal(f->s.interrupt_signal, 0);
    assert_int_equal(f->s.done, 1);
    assert_string_equal(hp_error_message(), "the oracle is full");
}

static void missing_faketime_is_bad_input(void **state)
{
    struct fixture *f = *state;
    f->o.faketime_lib = "/nonexistent/libfaketimeMT.so.1";
    const struct orch_case c = one("pass", 30);
    run_cases(f, &c, 1, HP_ENOTFOUND);
    assert_non_null(strstr(hp_error_message(),
                           "libfaketime not found: install the Debian package libfaketime, or set HIPERF_FAKETIME_LIB"));
    assert_int_equal(hp_error_exit_status(HP_ENOTFOUND), 2);
    assert_int_equal(f->c->n, 0);

    const char *path;
    setenv("HIPERF_FAKETIME_LIB", "/nonexistent/libfaketimeMT.so.1", 1);
    assert_int_equal(orch_find_faketime(&path), HP_ENOTFOUND);
    unsetenv("HIPERF_FAKETIME_LIB");
    assert_int_equal(orch_find_faketime(&path), 0);  /* the configured one */
    setenv("HIPERF_FAKETIME_LIB", path, 1);
    const char *again;
    assert_int_equal(orch_find_faketime(&again), 0);
    assert_string_equal(again, getenv("HIPERF_FAKETIME_LIB"));
    unsetenv("HIPERF_FAKETIME_LIB");
}

static void bad_options_are_rejected(void **state)
{
    struct fixture *f = *state;
    f->o.worker_argv = NULL;
    const struct orch_case c = one("pass", 30);
    run_cases(f, &c, 1, HP_EINVAL);
    f->o.worker_argv = fake_argv;
    const struct orch_case nameless = {NULL, "pass", "C", 30, T2025};
    run_cases(f, &nameless, 1, HP_EINVAL);
}

static void real_worker_runs_under_faketime_and_reports_an_error(void **state)
{
    struct fixture *f = *state;
    if (access(HIPERFCHECK, X_OK) != 0)
        skip();  /* not built in this build tree (only the runner's targets were) */
    static const char *const real[] = {HIPERFCHECK, "__worker", NULL};
    f->o.worker_argv = real;
    f->o.provider = "/nonexistent/provider.so";
    struct got *g = run_one(f, "x.scn", 30);
    /* Whatever the executor (placeholder or real) says about a missing
     * provider, the case is an ERROR that arrived through the protocol. */
    assert_int_equal(g->outcome, CASE_ERROR);
    assert_true(g->has_end);
    assert_non_null(g->error_message);
}

static void progress_line_is_drawn_and_cleared(void **state)
{
    struct fixture *f = *state;
    char path[] = "/tmp/hiperf-progress-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    int saved = dup(STDERR_FILENO);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    f->o.progress = ORCH_PROGRESS_ON;
    const struct orch_case c = {"my-scenario", "pass", "My_Class", 30, T2025};
    run_cases(f, &c, 1, 0);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(hp_read_file(path, &text, &len), 0);
    close(fd);
    unlink(path);
    assert_non_null(strstr(text, "\r[0/1] 1 running, 0 failed  my-scenario/My_Class\033[K"));
    assert_non_null(strstr(text, "\r[1/1] 0 running, 0 failed"));
    assert_true(len >= 4 && !strcmp(text + len - 4, "\r\033[K"));
    free(text);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(pass_case_finishes_with_its_observations),
        T(segfault_is_a_crash_with_signal_last_step_and_journal_tail),
        T(abort_is_a_crash_with_sigabrt),
        T(hang_times_out_and_its_shm_is_removed),
        T(exit_before_end_is_an_error),
        T(protocol_garbage_is_an_error_of_the_case),
        T(skip_is_skipped_with_its_reason),
        T(worker_error_is_an_error_with_its_message),
        T(nonzero_end_without_a_message_is_an_error),
        T(a_leak_in_a_worker_is_not_a_failure_of_the_case),
        T(worker_sees_only_fake_time_and_advance_moves_it),
        T(start_instant_comes_from_the_plan),
        T(parent_faketime_settings_do_not_reach_the_worker),
        T(worker_inherits_no_descriptor_of_the_parent),
        T(output_capture_keeps_the_last_64k),
        T(a_100k_observation_arrives_whole),
        T(three_jobs_run_six_cases_three_at_a_time),
        T(every_outcome_in_one_parallel_run),
        T(unstartable_worker_is_an_error_and_the_run_goes_on),
        T(sigint_stops_the_run_and_reports_what_finished),
        T(case_done_can_stop_the_run),
        T(missing_faketime_is_bad_input),
        T(bad_options_are_rejected),
        T(real_worker_runs_under_faketime_and_reports_an_error),
        T(progress_line_is_drawn_and_cleared),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
