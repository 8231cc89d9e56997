/*
 * bench/bench_worker.c - what one case costs in processes, measured in one
 * run on this machine:
 *   bare      posix_spawn + waitpid of /bin/true: the floor of any exec
 *   worker    the same for the fake worker (`pass`), no preload
 *   faketime  the same with LD_PRELOAD=libfaketimeMT and a timestamp file
 *   orch -j1  whole cases through the orchestrator, one at a time: temp dir,
 *             timestamp file, pipes, spawn, protocol, reaping, cleanup
 *   orch -jN  the same with one job per CPU (throughput)
 * It prints figures; it never passes or fails on speed.  Invariant: each
 * row runs the same number of processes, one after another, in the same
 * process, so the rows compare.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "orchestrator.h"
#include "util.h"

extern char **environ;

#ifndef BENCH_FAKE_WORKER
#error "BENCH_FAKE_WORKER must name the fake worker executable"
#endif

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

struct row {
    const char *name;
    double mean_us, p50_us, p90_us;
    int failures;
};

static void summarize(struct row *r, int64_t *t, int n, int64_t total)
{
    qsort(t, (size_t)n, sizeof *t, cmp_i64);
    r->mean_us = (double)total / n / 1e3;
    r->p50_us = (double)t[n / 2] / 1e3;
    r->p90_us = (double)t[n * 9 / 10] / 1e3;
}

/* n times: spawn argv with env (fds 1, 2, 3 on /dev/null), wait. */
static void spawn_loop(struct row *r, int n, const char *const argv[], const char *const env[])
{
    int64_t *t = calloc((size_t)n, sizeof *t), t0 = now_ns();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 3, "/dev/null", O_WRONLY, 0);
    for (int i = 0; i < n; i++) {
        int64_t s = now_ns();
        pid_t pid;
        int st;
        if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, (char *const *)env) != 0) {
            r->failures++;
            continue;
        }
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            r->failures++;
        t[i] = now_ns() - s;
    }
    posix_spawn_file_actions_destroy(&fa);
    summarize(r, t, n, now_ns() - t0);
    free(t);
}

struct orch_times {
    int64_t *t;
    int n;
    int failures;
};

static int on_case(const struct case_result *res, void *ud)
{
    struct orch_times *o = ud;
    o->t[o->n++] = res->elapsed_ns;
    if (res->outcome != CASE_FINISHED)
        o->failures++;
    return 0;
}

static void orch_loop(struct row *r, int n, unsigned jobs, const char *faketime)
{
    struct orch_case *cases = calloc((size_t)n, sizeof *cases);
    for (int i = 0; i < n; i++)
        cases[i] = (struct orch_case){"bench", "pass", "Bench_Class", 60, INT64_C(1735689600)};
    static const char *const argv[] = {BENCH_FAKE_WORKER, NULL};
    struct orch_times o = {.t = calloc((size_t)n, sizeof(int64_t))};
    struct orch_options opts = {
        .cases = cases, .n_cases = (size_t)n, .worker_argv = argv, .provider = "bench.so",
        .mof = "bench.mof", .jobs = jobs, .faketime_lib = faketime, .progress = ORCH_PROGRESS_OFF,
        .case_done = on_case, .ud = &o,
    };
    struct orch_summary sum;
    int64_t t0 = now_ns();
    if (orch_run(&sum, &opts) != 0) {
        fprintf(stderr, "bench_worker: %s\n", hp_error_message());
        r->failures = n;
    }
    int64_t total = now_ns() - t0;
    r->failures += o.failures;
    if (o.n > 0)
        summarize(r, o.t, o.n, total);  /* mean = wall / cases: throughput */
    r->mean_us = (double)total / n / 1e3;
    free(o.t);
    free(cases);
}

int main(int argc, char **argv)
{
    int n = 200;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--cases") && i + 1 < argc) {
            n = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            json = !strcmp(argv[++i], "json");
        } else {
            fprintf(stderr, "usage: bench_worker [--cases N] [--format text|json]\n");
            return 2;
        }
    }
    if (n < 1)
        n = 1;
    const char *faketime;
    if (orch_find_faketime(&faketime)) {
        fprintf(stderr, "bench_worker: %s\n", hp_error_message());
        return 2;
    }

    char tsdir[] = "/tmp/hiperf-bench-XXXXXX";
    if (!mkdtemp(tsdir)) {
        perror("mkdtemp");
        return 3;
    }
    char tsfile[64], ts_env[96], preload_env[512];
    snprintf(tsfile, sizeof tsfile, "%s/faketime", tsdir);
    FILE *f = fopen(tsfile, "w");
    fputs("2025-01-01 00:00:00\n", f);
    fclose(f);
    snprintf(ts_env, sizeof ts_env, "FAKETIME_TIMESTAMP_FILE=%s", tsfile);
    snprintf(preload_env, sizeof preload_env, "LD_PRELOAD=%s", faketime);

    const char *true_argv[] = {"/bin/true", NULL};
    const char *worker_argv[] = {BENCH_FAKE_WORKER, "--provider", "bench.so", "--mof", "bench.mof", "--scenario", "pass",
                           "--class", "Bench_Class", "--start", "1735689600", "--timefile", tsfile, "--fd", "3",
                           NULL};
    const char *plain_env[] = {"PATH=/usr/bin:/bin", NULL};
    const char *ft_env[] = {"PATH=/usr/bin:/bin", preload_env, ts_env, "FAKETIME_NO_CACHE=1",
#if defined(__SANITIZE_ADDRESS__)
                      "ASAN_OPTIONS=verify_asan_link_order=0:symbolize=0",
#endif
                      NULL};

    unsigned cpus = orch_default_jobs();
    char jn[32];
    snprintf(jn, sizeof jn, "orch -j%u", cpus);
    struct row rows[5] = {{.name = "bare /bin/true"}, {.name = "worker, no preload"}, {.name = "worker + faketime"},
                          {.name = "orch -j1"}, {.name = jn}};
    spawn_loop(&rows[0], n, true_argv, plain_env);
    spawn_loop(&rows[1], n, worker_argv, plain_env);
    spawn_loop(&rows[2], n, worker_argv, ft_env);
    orch_loop(&rows[3], n, 1, faketime);
    orch_loop(&rows[4], n, cpus, faketime);
    /* Every worker exited normally, so libfaketime removed its own
     * /dev/shm files. */
    unlink(tsfile);
    rmdir(tsdir);

    if (json) {
        printf("{\"cases\": %d, \"cpus\": %u, \"rows\": [", n, cpus);
        for (int i = 0; i < 5; i++)
            printf("%s{\"name\": \"%s\", \"mean_us\": %.1f, \"p50_us\": %.1f, \"p90_us\": %.1f, \"failures\": %d}",
                   i ? ", " : "", rows[i].name, rows[i].mean_us, rows[i].p50_us, rows[i].p90_us, rows[i].failures);
        printf("], \"faketime_over_bare\": %.2f, \"orch_j1_over_bare\": %.2f}\n", rows[2].p50_us / rows[0].p50_us,
               rows[3].p50_us / rows[0].p50_us);
    } else {
        printf("per-process cost, %d processes per row, same run (%u CPUs)\n", n, cpus);
        printf("%-22s %10s %10s %10s %9s\n", "", "mean us", "p50 us", "p90 us", "failures");
        for (int i = 0; i < 5; i++)
            printf("%-22s %10.1f %10.1f %10.1f %9d\n", rows[i].name, rows[i].mean_us, rows[i].p50_us, rows[i].p90_us,
                   rows[i].failures);
        printf("(orch rows: mean = wall time / cases; p50/p90 = spawn to reaping per case)\n");
        printf("worker + faketime / bare: %.2fx (p50);  orch -j1 / bare: %.2fx (p50)\n", rows[2].p50_us / rows[0].p50_us,
               rows[3].p50_us / rows[0].p50_us);
    }
    int failures = 0;
    for (int i = 0; i < 5; i++)
        failures += rows[i].failures;
    return failures ? 1 : 0;
}
