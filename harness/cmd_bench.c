/*
 * harness/cmd_bench.c - `hiperfcheck bench [ARGS...]`: the refresh
 * benchmark.  It runs bench_refresh, installed next to hiperfcheck (the
 * same directory, build/bin), with the arguments as given; the benchmark
 * prints its own usage (`hiperfcheck bench --help`) and figures, and its
 * exit status becomes hiperfcheck's.
 *
 * The benchmark is a program of its own so that it never shares a process
 * with anything preloaded or timed differently: it reads CLOCK_MONOTONIC
 * and refuses to run under libfaketime.
 *
 * Invariant: either the benchmark replaces this process (execv), or a
 * message says why it could not and the status is HP_EXIT_INTERNAL (the
 * harness is incomplete, the input was not at fault).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

#define BENCH_PROGRAM "bench_refresh"

int cmd_bench(int argc, char **argv)
{
    char self[PATH_MAX], path[PATH_MAX + sizeof BENCH_PROGRAM + 1];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    char **args;

    if (n <= 0) {
        fprintf(stderr, "hiperfcheck bench: cannot tell where hiperfcheck is: %s\n", strerror(errno));
        return HP_EXIT_INTERNAL;
    }
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = 0;
    snprintf(path, sizeof path, "%s/%s", slash ? self : ".", BENCH_PROGRAM);
    if (access(path, X_OK) != 0) {
        fprintf(stderr,
                "hiperfcheck bench: %s: %s\n"
                "  the benchmark is built with hiperfcheck (cmake --build build --target bench_refresh)\n"
                "  and must sit in the same directory\n",
                path, strerror(errno));
        return HP_EXIT_INTERNAL;
    }
    /* argv[0] is "bench"; the benchmark gets its own path and the rest. */
    args = calloc((size_t)(argc > 0 ? argc : 1) + 1, sizeof *args);
    if (!args) {
        fprintf(stderr, "hiperfcheck bench: out of memory\n");
        return HP_EXIT_INTERNAL;
    }
    args[0] = path;
    for (int i = 1; i < argc; i++)
        args[i] = argv[i];
    fflush(NULL);
    execv(path, args);
    fprintf(stderr, "hiperfcheck bench: cannot run %s: %s\n", path, strerror(errno));
    free(args);
    return HP_EXIT_INTERNAL;
}
