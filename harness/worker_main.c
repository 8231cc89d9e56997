/*
 * harness/worker_main.c - the worker process's entry (`hiperfcheck
 * __worker`): arguments, HELLO, crash handlers, the executor, END; and the
 * one way a worker moves its fake clock (worker_advance).
 *
 * Invariants: the worker holds no timer, alarm or watchdog (it runs under
 * libfaketime; the parent owns every timeout); a fatal signal is reported
 * as a JOURNAL line naming the signal and the last step, followed by the
 * journal tail the executor registered, and then kills the process with
 * that same signal, so the parent sees the real cause in the wait status.
 */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- Arguments ------------------------------------------------------------------ */

static int parse_i64(int64_t *out, const char *s, const char *opt)
{
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end)
        return hp_error_set(HP_EINVAL, "%s: '%s' is not an integer", opt, s);
    *out = v;
    return 0;
}

int worker_parse_args(struct worker_args *out, int argc, char **argv)
{
    struct worker_args a = {.fd = -1};
    bool have_start = false;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return hp_error_set(HP_EINVAL, "%s needs a value", opt);
        const char *val = argv[++i];
        int64_t n;
        if (!strcmp(opt, "--provider")) {
            a.provider = val;
        } else if (!strcmp(opt, "--mof")) {
            a.mof = val;
        } else if (!strcmp(opt, "--scenario")) {
            a.scenario = val;
        } else if (!strcmp(opt, "--class")) {
            a.class_name = val;
        } else if (!strcmp(opt, "--timefile")) {
            a.timefile = val;
        } else if (!strcmp(opt, "--start")) {
            if (parse_i64(&a.start_epoch, val, opt))
                return HP_EINVAL;
            have_start = true;
        } else if (!strcmp(opt, "--fd")) {
            if (parse_i64(&n, val, opt))
                return HP_EINVAL;
            if (n < 0 || n > INT_MAX)
                return hp_error_set(HP_EINVAL, "--fd: %lld is out of range", (long long)n);
            a.fd = (int)n;
        } else {
            return hp_error_set(HP_EINVAL, "unknown option '%s'", opt);
        }
    }
    if (a.fd < 0) {
        const char *env = getenv("HIPERF_WORKER_FD");
        int64_t n;
        if (env && *env) {
            if (parse_i64(&n, env, "HIPERF_WORKER_FD"))
                return HP_EINVAL;
            if (n < 0 || n > INT_MAX)
                return hp_error_set(HP_EINVAL, "HIPERF_WORKER_FD: %lld is out of range", (long long)n);
            a.fd = (int)n;
        }
    }
    if (!a.scenario)
        return hp_error_set(HP_EINVAL, "--scenario is required");
    if (!a.class_name)
        return hp_error_set(HP_EINVAL, "--class is required");
    if (!a.timefile)
        return hp_error_set(HP_EINVAL, "--timefile is required");
    if (!have_start)
        return hp_error_set(HP_EINVAL, "--start is required");
    if (a.fd < 0)
        return hp_error_set(HP_EINVAL, "--fd (or HIPERF_WORKER_FD) is required");
    if (fcntl(a.fd, F_GETFD) < 0)
        return hp_error_set(HP_EINVAL, "--fd %d is not an open descriptor", a.fd);
    *out = a;
    return 0;
}

/* ---- Fake time -------------------------------------------------------------------- */

int worker_format_instant(char *buf, size_t size, int64_t epoch_s, int64_t ns)
{
    int64_t secs = ns / 1000000000, frac = ns % 1000000000;
    if (frac < 0)
        secs--, frac += 1000000000;
    if ((secs > 0 && epoch_s > INT64_MAX - secs) || (secs < 0 && epoch_s < INT64_MIN - secs))
        return hp_error_set(HP_EINVAL, "the instant is out of range");
    time_t t = (time_t)(epoch_s + secs);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return hp_error_set(HP_EINVAL, "the instant is out of range");
    int n = snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%09lld", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)frac);
    if (n < 0 || (size_t)n >= size)
        return hp_error_set(HP_EINVAL, "the instant does not fit in %zu bytes", size);
    return 0;
}

static pthread_mutex_t advance_lock = PTHREAD_MUTEX_INITIALIZER;

int worker_advance(const struct worker_args *a, int64_t ns_since_start)
{
    if (ns_since_start < 0)
        return hp_error_set(HP_EINVAL, "time cannot go back before the case's start");
    char text[64];
    int rc = worker_format_instant(text, sizeof text - 1, a->start_epoch, ns_since_start);
    if (rc)
        return rc;
    size_t len = strlen(text);
    text[len++] = '\n';

    pthread_mutex_lock(&advance_lock);
    char *tmp = hp_sprintf("%s.tmp", a->timefile);
    if (!tmp) {
        pthread_mutex_unlock(&advance_lock);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = hp_error_set(HP_EIO, "%s: %s", tmp, strerror(errno));
    } else {
        ssize_t k = write(fd, text, len);
        int werr = errno;
        if (close(fd) != 0 && k == (ssize_t)len)
            k = -1, werr = errno;
        if (k != (ssize_t)len)
            rc = hp_error_set(HP_EIO, "%s: %s", tmp, k < 0 ? strerror(werr) : "short write");
        else if (rename(tmp, a->timefile) != 0)
            rc = hp_error_set(HP_EIO, "%s: %s", a->timefile, strerror(errno));
        if (rc)
            unlink(tmp);
    }
    free(tmp);
    pthread_mutex_unlock(&advance_lock);
    return rc;
}

/* ---- Crash capture ------------------------------------------------------------------ */

static struct proto_writer worker_writer;
static struct proto_writer *volatile crash_writer;
static size_t (*volatile crash_tail_fn)(char *buf, size_t size, void *ud);
static void *volatile crash_tail_ud;
static atomic_int crash_state;  /* 0 none, 1 a thread is reporting, 2 reported */
static char crash_tail_buf[32768];

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTERM};

void worker_set_crash_tail(size_t (*fn)(char *buf, size_t size, void *ud), void *ud)
{
    crash_tail_fn = NULL;
    crash_tail_ud = ud;
    crash_tail_fn = fn;
}

/* Each thread's alternate stack: referenced from TLS so that it is not a
 * leak while the thread lives, and freed by the key's destructor when the
 * thread ends (the main thread's lives until exit). */
static __thread void *thread_altstack;
static pthread_key_t altstack_key;
static pthread_once_t altstack_once = PTHREAD_ONCE_INIT;

static void altstack_release(void *mem)
{
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    free(mem);
    thread_altstack = NULL;
}

static void altstack_key_create(void)
{
    (void)pthread_key_create(&altstack_key, altstack_release);
}

int worker_enable_altstack(void)
{
    if (thread_altstack)
        return 0;
    size_t size = 64 * 1024;
    long min = sysconf(_SC_SIGSTKSZ);
    if (min > 0)
        size += (size_t)min;
    stack_t ss = {.ss_sp = malloc(size), .ss_size = size};
    if (!ss.ss_sp)
        return hp_error_set(HP_ENOMEM, "out of memory");
    if (sigaltstack(&ss, NULL) != 0) {
        free(ss.ss_sp);
        return hp_error_set(HP_EINTERNAL, "sigaltstack: %s", strerror(errno));
    }
    thread_altstack = ss.ss_sp;
    pthread_once(&altstack_once, altstack_key_create);
    pthread_setspecific(altstack_key, ss.ss_sp);
    return 0;
}

/* Async-signal-safe decimal formatting; returns the new end. */
static char *put_str(char *p, char *end, const char *s)
{
    while (*s && p < end)
        *p++ = *s++;
    return p;
}

static char *put_uint(char *p, char *end, unsigned long v)
{
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) && n < (int)sizeof tmp);
    while (n > 0 && p < end)
        *p++ = tmp[--n];
    return p;
}

static void die_by(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    /* Pending until the handler returns (sig is blocked meanwhile), then
     * fatal; a fault re-executes its instruction and faults again anyway. */
    raise(sig);
}

static void on_fatal_signal(int sig, siginfo_t *info, void *uc)
{
    (void)info;
    (void)uc;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&crash_state, &expected, 1)) {
        /* Another thread is already reporting: let it finish (bounded). */
        for (int i = 0; i < 500 && atomic_load(&crash_state) == 1; i++)
            nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
        die_by(sig);
        return;
    }
    struct proto_writer *w = crash_writer;
    if (w) {
        char msg[200], *p = msg, *end = msg + sizeof msg;
        const char *abbrev = sigabbrev_np(sig);
        p = put_str(p, end, sig == SIGTERM ? "stopped by signal " : "crashed with signal ");
        p = put_uint(p, end, (unsigned long)sig);
        p = put_str(p, end, " (SIG");
        p = put_str(p, end, abbrev ? abbrev : "?");
        p = put_str(p, end, ")");
        unsigned step = atomic_load(&w->last_step), line = atomic_load(&w->last_line);
        if (step) {
            p = put_str(p, end, " in step ");
            p = put_uint(p, end, step);
            p = put_str(p, end, " (line ");
            p = put_uint(p, end, line);
            p = put_str(p, end, ")");
        } else {
            p = put_str(p, end, " before the first step");
        }
        if (sig == SIGTERM)
            p = put_str(p, end, ": the case ran out of time");
        proto_journal_signal_safe(w, msg, (size_t)(p - msg));

        size_t (*fn)(char *, size_t, void *) = crash_tail_fn;
        if (fn) {
            size_t n = fn(crash_tail_buf, sizeof crash_tail_buf, crash_tail_ud);
            if (n >= sizeof crash_tail_buf)
                n = sizeof crash_tail_buf - 1;
            for (size_t i = 0; i < n;) {
                size_t j = i;
                while (j < n && crash_tail_buf[j] != '\n' && crash_tail_buf[j])
                    j++;
                if (j > i)
                    proto_journal_signal_safe(w, crash_tail_buf + i, j - i);
                if (j < n && !crash_tail_buf[j])
                    break;
                i = j + 1;
            }
        }
    }
    atomic_store(&crash_state, 2);
    die_by(sig);
}

static void install_crash_handlers(void)
{
    (void)worker_enable_altstack();  /* without it, a stack overflow is still a CRASH, without the tail */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
        sigaction(fatal_signals[i], &sa, NULL);
}

/* ---- The entry ------------------------------------------------------------------------ */

int worker_run(int argc, char **argv, worker_exec_fn exec)
{
    struct worker_args a;
    if (worker_parse_args(&a, argc, argv)) {
        fprintf(stderr, "hiperfcheck __worker: %s\n", hp_error_message());
        return 2;
    }
    if (proto_writer_init(&worker_writer, a.fd)) {
        fprintf(stderr, "hiperfcheck __worker: %s\n", hp_error_message());
        return 3;
    }
    /* A provider's prints before a crash should reach the parent's capture. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    crash_writer = &worker_writer;
    install_crash_handlers();
    if (proto_hello(&worker_writer))
        return 3;
    int rc = exec(&a, &worker_writer);
    if (rc < 0 || rc > 255)
        rc = 3;
    proto_end(&worker_writer, rc);
    /* The handlers and the writer stay: a crash while the provider is
     * unloaded at exit is still reported. */
    return rc;
}
