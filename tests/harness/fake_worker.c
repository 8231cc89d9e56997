/*
 * tests/harness/fake_worker.c - a test double for the step executor, built
 * into a real worker process: main() is the real worker_run() (arguments,
 * HELLO, crash handlers, END), and exec_case() below replaces the executor
 * with one scripted behaviour per --scenario name.  The orchestrator under
 * test starts it by exec with libfaketime preloaded, exactly as it starts
 * `hiperfcheck __worker`.
 *
 * Invariant: every behaviour is deterministic except `hang` and `sleep`,
 * which wait on the real clock (nanosleep passes through libfaketime).
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "worker.h"

static size_t crash_tail(char *buf, size_t size, void *ud)
{
    (void)ud;
    static const char tail[] = "tail line one\ntail line two\twith a tab\n";
    size_t n = sizeof tail - 1 < size - 1 ? sizeof tail - 1 : size - 1;
    memcpy(buf, tail, n);
    buf[n] = 0;
    return n;
}

static void obs_ns(struct proto_writer *w, const char *id, clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    char text[48];
    snprintf(text, sizeof text, "i:%" PRId64, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    proto_obs(w, id, 0, 1, text, "");
}

static void obs_time(struct proto_writer *w, const char *id)
{
    char text[48];
    snprintf(text, sizeof text, "i:%lld", (long long)time(NULL));
    proto_obs(w, id, 0, 1, text, "");
}

static void report_clocks(struct proto_writer *w, const char *suffix)
{
    char id[64];
    snprintf(id, sizeof id, "realtime%s", suffix);
    obs_ns(w, id, CLOCK_REALTIME);
    snprintf(id, sizeof id, "monotonic%s", suffix);
    obs_ns(w, id, CLOCK_MONOTONIC);
    snprintf(id, sizeof id, "boottime%s", suffix);
    obs_ns(w, id, CLOCK_BOOTTIME);
    snprintf(id, sizeof id, "time%s", suffix);
    obs_time(w, id);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* The descriptors above 3 this process holds, apart from its own listing
 * and libfaketime's shared memory. */
static void report_fds(struct proto_writer *w)
{
    struct hp_buf b = {0};
    hp_buf_puts(&b, "s:");
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] == '.' || fd <= 3 || fd == dirfd(d))
            continue;
        char link[256] = "", path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n > 0)
            link[n] = 0;
        if (!strncmp(link, "/dev/shm/faketime_", 18) || !strncmp(link, "/dev/shm/sem.faketime_", 22))
            continue;  /* libfaketime's own, opened in this process */
        hp_buf_printf(&b, "%d=%s ", fd, link);
    }
    if (d)
        closedir(d);
    proto_obs(w, "fds", 0, 1, b.s, "");
    hp_buf_free(&b);
}

int exec_case(const struct worker_args *a, struct proto_writer *w)
{
    const char *s = strrchr(a->scenario, '/') ? strrchr(a->scenario, '/') + 1 : a->scenario;

    if (!strcmp(s, "pass")) {
        char args[512];
        snprintf(args, sizeof args, "s:%s|%s|%s|%lld", a->provider ? a->provider : "(none)",
                 a->mof ? a->mof : "(none)", a->class_name, (long long)a->start_epoch);
        proto_obs(w, "args", 0, 0, args, "");
        proto_step(w, 1, 3, "load");
        proto_obs(w, "c1", 0, 1, "h:0x00000000", "QueryInstances\t=> S_OK");
        printf("provider says hi\n");
        fprintf(stderr, "provider warns\n");
        proto_step(w, 2, 4, "Refresh r");
        proto_obs(w, "c2", 1, 2, "b:true", "line one\nline two\\");
        return 0;
    }
    if (!strcmp(s, "skip")) {
        proto_skip(w, "needs refreshers: CreateRefresher answered WBEM_E_PROVIDER_NOT_CAPABLE");
        return 0;
    }
    if (!strcmp(s, "error")) {
        proto_error(w, "the provider will not load: dlopen failed");
        return 3;
    }
    if (!strcmp(s, "crash")) {
        worker_set_crash_tail(crash_tail, NULL);
        proto_step(w, 1, 7, "Refresh r1");
        volatile uintptr_t bad = 16;
        *(volatile int *)bad = 1;
        return 0;
    }
    if (!strcmp(s, "abort")) {
        proto_step(w, 1, 9, "Release r");
        abort();
    }
    if (!strcmp(s, "hang")) {
        worker_set_crash_tail(crash_tail, NULL);
        proto_step(w, 1, 5, "Refresh r");
        char path[64];
        snprintf(path, sizeof path, "/dev/shm/faketime_shm_%ld", (long)getpid());
        proto_obs(w, "shm", 0, 1, access(path, F_OK) == 0 ? "b:true" : "b:false", path);
        for (;;)
            pause();
    }
    if (!strcmp(s, "exit-early")) {
        proto_step(w, 1, 2, "load");
        exit(5);
    }
    if (!strcmp(s, "garbage")) {
        static const char junk[] = "BOGUS\tline\nSTEP\tx\t1\tt\nJOURNAL\tbad \\q escape\n";
        if (write(w->fd, junk, sizeof junk - 1) < 0)
            return 3;
        return 0;
    }
    if (!strcmp(s, "faketime")) {
        report_clocks(w, "");
        sleep_ms(20);  /* real time passes; the stopped fake clock must not */
        obs_ns(w, "realtime-again", CLOCK_REALTIME);
        if (worker_advance(a, 2500000000)) {
            proto_error(w, hp_error_message());
            return 3;
        }
        report_clocks(w, "-advanced");
        return 0;
    }
    if (!strcmp(s, "env")) {
        const char *ft = getenv("FAKETIME");
        const char *dm = getenv("FAKETIME_DONT_FAKE_MONOTONIC");
        char text[512];
        snprintf(text, sizeof text, "s:%s", ft ? ft : "(unset)");
        proto_obs(w, "env-FAKETIME", 0, 1, text, "");
        snprintf(text, sizeof text, "s:%s", dm ? dm : "(unset)");
        proto_obs(w, "env-DONT_FAKE_MONOTONIC", 0, 1, text, "");
        snprintf(text, sizeof text, "s:%s", getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "(unset)");
        proto_obs(w, "env-LD_PRELOAD", 0, 1, text, "");
        report_clocks(w, "");
        return 0;
    }
    if (!strcmp(s, "fds")) {
        report_fds(w);
        return 0;
    }
    if (!strcmp(s, "sleep")) {
        sleep_ms(300);
        proto_obs(w, "slept", 0, 1, "b:true", "");
        return 0;
    }
    if (!strcmp(s, "flood")) {
        static char chunk[1024];
        memset(chunk, 'x', sizeof chunk - 1);
        chunk[sizeof chunk - 1] = '\n';
        for (int i = 0; i < 200; i++)
            fwrite(chunk, 1, sizeof chunk, stdout);
        fputs("END-OF-FLOOD\n", stdout);
        return 0;
    }
    if (!strcmp(s, "big")) {
        char *text = malloc(100001);
        if (!text)
            return 3;
        for (int i = 0; i < 100000; i++)
            text[i] = "ab\tc\nd\\"[i % 7];
        text[100000] = 0;
        proto_obs(w, "big", 0, 1, "s:big", text);
        free(text);
        return 0;
    }
    if (!strcmp(s, "leak")) {
        /* A leak LeakSanitizer reports at exit in a sanitized build. */
        void *volatile lost = malloc(4242);
        return lost ? 0 : 3;
    }
    if (!strcmp(s, "end-nonzero")) {
        return 4;  /* ended without saying why */
    }
    proto_error(w, "fake_worker: unknown scenario");
    return 3;
}

int main(int argc, char **argv)
{
    return worker_run(argc, argv, exec_case);
}
