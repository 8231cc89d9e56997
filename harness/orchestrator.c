/*
 * harness/orchestrator.c - the parent side of a run: spawns one worker per
 * case under libfaketime, keeps up to `jobs` alive, reads their protocol and
 * output, enforces timeouts on the real clock, and turns each ending into a
 * case_result for the caller (orchestrator.h, docs/runner.md).
 *
 * Invariants:
 * - The parent never loads a provider and is never preloaded; every
 *   deadline is on its own CLOCK_MONOTONIC, every wall time is its
 *   CLOCK_REALTIME.
 * - Workers are started with posix_spawn, with fds 0-3 set up explicitly
 *   and every other descriptor closed (the oracle's SQLite file among them),
 *   each in its own process group so that a timeout kills what it started
 *   and a terminal's ^C reaches only the parent.
 * - Nothing a worker does (crash, hang, garbage, floods of output) can stop
 *   the run: each case ends exactly once, as some outcome, and its temp dir
 *   and libfaketime's /dev/shm files are removed after it is reaped.
 * - This is the one module of the parent with process calls (posix_spawn,
 *   waitpid, kill, poll): the Wine port replaces it, not the rest.
 */
#include "orchestrator.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "protocol.h"
#include "util.h"
#include "worker.h"

extern char **environ;

#if defined(__SANITIZE_ADDRESS__)
#define HIPERF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HIPERF_ASAN 1
#endif
#endif

#define WORKER_FD 3
#define MAX_ERROR_NOTES 20

/* ---- Small tools ------------------------------------------------------------------ */

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *orch_outcome_name(enum case_outcome o)
{
    switch (o) {
    case CASE_FINISHED: return "FINISHED";
    case CASE_SKIPPED: return "SKIPPED";
    case CASE_ERROR: return "ERROR";
    case CASE_CRASHED: return "CRASHED";
    case CASE_TIMED_OUT: return "TIMED_OUT";
    }
    return "?";
}

unsigned orch_default_jobs(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static const char faketime_missing[] =
    "libfaketime not found: install the Debian package libfaketime, or set HIPERF_FAKETIME_LIB";

int orch_find_faketime(const char **path)
{
    *path = NULL;
    const char *env = getenv("HIPERF_FAKETIME_LIB");
    if (env && *env) {
        if (access(env, R_OK) == 0) {
            *path = env;
            return 0;
        }
        return hp_error_set(HP_ENOTFOUND, "%s (HIPERF_FAKETIME_LIB is '%s': %s)", faketime_missing, env,
                            strerror(errno));
    }
#ifdef HIPERF_FAKETIME_LIB
    static const char configured[] = HIPERF_FAKETIME_LIB;
    if (configured[0] && access(configured, R_OK) == 0) {
        *path = configured;
        return 0;
    }
#endif
    return hp_error_set(HP_ENOTFOUND, "%s", faketime_missing);
}

void orch_cleanup_faketime_shm(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/faketime_shm_%ld", (long)pid);
    unlink(path);
    snprintf(path, sizeof path, "/dev/shm/sem.faketime_sem_%ld", (long)pid);
    unlink(path);
}

/* Removes a worker's directory: a flat one (the timestamp file, and the
 * temporary file of an advance cut short). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(dir);
}

/* ---- Signals: a self-pipe that wakes poll() ------------------------------------ */

static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t interrupt_signal;
static volatile sig_atomic_t run_active;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig != SIGCHLD)
        interrupt_signal = sig;
    if (wake_pipe[1] >= 0)
        (void)!write(wake_pipe[1], "", 1);
    errno = saved;
}

static const int handled_signals[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP};
#define N_HANDLED (sizeof handled_signals / sizeof handled_signals[0])

/* ---- Bounded capture of a worker's stdout and stderr --------------------------- */

struct ring {
    char *buf;        /* ORCH_CAPTURE_MAX bytes, allocated on first output */
    size_t start, len;
    bool dropped;
};

static void ring_put(struct ring *r, const char *s, size_t n)
{
    if (!r->buf && !(r->buf = malloc(ORCH_CAPTURE_MAX))) {
        r->dropped = true;
        return;
    }
    const size_t cap = ORCH_CAPTURE_MAX;
    if (n >= cap) {
        r->dropped = r->dropped || r->len > 0 || n > cap;
        memcpy(r->buf, s + n - cap, cap);
        r->start = 0;
        r->len = cap;
        return;
    }
    if (r->len + n > cap) {  /* forget the oldest bytes */
        size_t over = r->len + n - cap;
        r->start = (r->start + over) % cap;
        r->len -= over;
        r->dropped = true;
    }
    size_t pos = (r->start + r->len) % cap;
    size_t first = n < cap - pos ? n : cap - pos;
    memcpy(r->buf + pos, s, first);
    memcpy(r->buf, s + first, n - first);
    r->len += n;
}

/* Owned, NUL-terminated, in order. */
static char *ring_linear(const struct ring *r)
{
    char *s = malloc(r->len + 1);
    if (!s)
        return NULL;
    size_t first = r->len < ORCH_CAPTURE_MAX - r->start ? r->len : ORCH_CAPTURE_MAX - r->start;
    if (r->len)
        memcpy(s, r->buf + r->start, first);
    if (r->len > first)
        memcpy(s + first, r->buf, r->len - first);
    s[r->len] = 0;
    return s;
}

/* ---- One worker ---------------------------------------------------------------------- */

struct worker {
    bool active;
    size_t index;
    pid_t pid;
    int proto_fd, out_fd;        /* read ends, -1 once closed */
    char *dir;                   /* the worker's temp dir (owned) */
    struct proto_parser parser;
    int64_t start_mono, deadline, kill_at;  /* CLOCK_MONOTONIC ns; 0: none */
    int kill_stage;              /* 0, 1 SIGTERM sent, 2 SIGKILL sent */
    bool timed_out;
    bool reaped;
    bool status_lost;            /* waitpid said ECHILD: someone else reaped it */
    int wstatus;
    int64_t real_start;

    /* The result under construction. */
    HP_VEC(struct case_obs) obs;
    HP_VEC(char *) journal;
    bool hello, end;
    int end_status;
    bool has_last_step;
    unsigned last_step_no, last_step_line;
    char *last_step_text;
    char *skip_reason;
    struct hp_buf errors;        /* "; "-joined notes */
    unsigned n_notes, n_notes_dropped;
    bool worker_error, protocol_error;
    struct ring out;
};

static void note_error(struct worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_error(struct worker *w, const char *fmt, ...)
{
    if (w->n_notes >= MAX_ERROR_NOTES) {
        w->n_notes_dropped++;
        return;
    }
    if (w->n_notes++)
        hp_buf_puts(&w->errors, "; ");
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&w->errors, fmt, ap);
    va_end(ap);
}

static void worker_reset(struct worker *w)
{
    for (size_t i = 0; i < w->obs.n; i++) {
        free(w->obs.v[i].check_id);
        free(w->obs.v[i].observed);
        free(w->obs.v[i].excerpt);
    }
    free(w->obs.v);
    for (size_t i = 0; i < w->journal.n; i++)
        free(w->journal.v[i]);
    free(w->journal.v);
    free(w->last_step_text);
    free(w->skip_reason);
    hp_buf_free(&w->errors);
    free(w->out.buf);
    proto_parser_free(&w->parser);
    free(w->dir);
    memset(w, 0, sizeof *w);
    w->proto_fd = w->out_fd = -1;
}

static int on_record(struct proto_record *r, void *ud)
{
    struct worker *w = ud;
    if (!w->hello && r->kind != PROTO_HELLO && r->kind != PROTO_MALFORMED) {
        note_error(w, "protocol: the worker sent %s before HELLO", proto_kind_name(r->kind));
        w->protocol_error = true;
        w->hello = true;  /* say it once */
    }
    if (w->end && r->kind != PROTO_JOURNAL) {
        note_error(w, "protocol: the worker sent %s after END", proto_kind_name(r->kind));
        w->protocol_error = true;
    }
    switch (r->kind) {
    case PROTO_HELLO:
        if (w->hello) {
            note_error(w, "protocol: a second HELLO");
            w->protocol_error = true;
        } else if (r->version != PROTO_VERSION) {
            note_error(w, "protocol: the worker speaks version %u, the parent %u", r->version, PROTO_VERSION);
            w->protocol_error = true;
        }
        w->hello = true;
        break;
    case PROTO_STEP:
        free(w->last_step_text);
        w->last_step_text = r->text;
        r->text = NULL;
        w->last_step_no = r->step_no;
        w->last_step_line = r->line;
        w->has_last_step = true;
        break;
    case PROTO_OBS: {
        struct case_obs o = {r->check_id, r->iteration, r->step_no, r->text, r->excerpt};
        if (HP_VEC_PUSH(&w->obs, o))
            return HP_ENOMEM;
        r->check_id = r->text = r->excerpt = NULL;
        break;
    }
    case PROTO_JOURNAL:
        if (w->journal.n == ORCH_JOURNAL_KEEP) {
            free(w->journal.v[0]);
            memmove(w->journal.v, w->journal.v + 1, (w->journal.n - 1) * sizeof *w->journal.v);
            w->journal.n--;
        }
        if (HP_VEC_PUSH(&w->journal, r->text))
            return HP_ENOMEM;
        r->text = NULL;
        break;
    case PROTO_SKIP:
        if (!w->skip_reason) {
            w->skip_reason = r->text;
            r->text = NULL;
        }
        break;
    case PROTO_ERROR:
        note_error(w, "%s", r->text);
        w->worker_error = true;
        break;
    case PROTO_END:
        if (w->end) {
            note_error(w, "protocol: a second END");
            w->protocol_error = true;
        }
        w->end = true;
        w->end_status = r->status;
        break;
    case PROTO_MALFORMED:
        note_error(w, "%s", r->text);
        w->protocol_error = true;
        break;
    }
    return 0;
}

/* ---- The run ----------------------------------------------------------------------- */

struct run {
    const struct orch_options *o;
    struct orch_summary *sum;
    const char *faketime;
    const char *tmp_base;
    unsigned jobs;
    struct worker *workers;
    struct pollfd *pfd;          /* 1 + 2 * jobs */
    struct worker **owner;       /* whose fd each pfd is */
    size_t running;
    char **env;                  /* owned strings; the slot env[env_ts] is per spawn */
    size_t env_ts;
    bool progress;
    bool progress_shown;
    const char *progress_label_s, *progress_label_c;
    char buf[65536];
};

static void progress_draw(struct run *run)
{
    if (!run->progress)
        return;
    char line[512];
    int n = snprintf(line, sizeof line, "[%zu/%zu] %zu running, %zu failed", run->sum->done, run->sum->planned,
                     run->running, run->sum->failed);
    if (run->progress_label_s && n > 0 && (size_t)n < sizeof line)
        snprintf(line + n, sizeof line - (size_t)n, "  %s/%s", run->progress_label_s, run->progress_label_c);
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && (size_t)ws.ws_col - 1 < sizeof line)
        line[ws.ws_col - 1] = 0;  /* a wrapped line cannot be redrawn with \r */
    fprintf(stderr, "\r%s\033[K", line);
    fflush(stderr);
    run->progress_shown = true;
}

static void progress_clear(struct run *run)
{
    if (run->progress && run->progress_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        run->progress_shown = false;
    }
}

/* The environment every worker gets (docs/runner.md): the parent's, minus
 * anything that would change libfaketime's behaviour, plus its settings. */
static int build_env(struct run *run)
{
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = calloc(n + 8, sizeof *env);
    if (!env)
        return hp_error_set(HP_ENOMEM, "out of memory");
    size_t k = 0;
    const char *asan_options = NULL;
    struct hp_buf preload = {0};
    for (size_t i = 0; i < n; i++) {
        const char *e = environ[i];
        if (starts_with(e, "LD_PRELOAD=")) {
            /* Replaced, except that a sanitizer runtime must stay first. */
            char *list = hp_strdup(e + strlen("LD_PRELOAD="));
            char *save = NULL;
            for (char *tok = list ? strtok_r(list, ": ", &save) : NULL; tok; tok = strtok_r(NULL, ": ", &save)) {
                if (strstr(tok, "libasan") || strstr(tok, "libclang_rt.asan")) {
                    hp_buf_puts(&preload, tok);
                    hp_buf_putc(&preload, ':');
                }
            }
            free(list);
            continue;
        }
        if (starts_with(e, "FAKETIME") || starts_with(e, "DONT_FAKE_MONOTONIC=") ||
            starts_with(e, "HIPERF_WORKER_FD="))
            continue;
        if (starts_with(e, "ASAN_OPTIONS=")) {
            asan_options = e + strlen("ASAN_OPTIONS=");
#ifdef HIPERF_ASAN
            continue;
#endif
        }
#ifdef HIPERF_ASAN
        if (starts_with(e, "UBSAN_OPTIONS="))
            continue;   /* set below */
#endif
        if (!(env[k++] = hp_strdup(e)))
            goto oom;
    }
    hp_buf_puts(&preload, run->faketime);
    char *p = hp_buf_steal(&preload);
    env[k++] = p ? hp_sprintf("LD_PRELOAD=%s", p) : NULL;
    free(p);
    env[k++] = hp_strdup("FAKETIME_NO_CACHE=1");
    env[k++] = hp_sprintf("HIPERF_WORKER_FD=%d", WORKER_FD);
#ifdef HIPERF_ASAN
    /* gcc's libasan insists on coming first among the preloaded libraries;
     * and its symbolizer subprocess aborts under libfaketime 0.9.10 ("The
     * futex facility returned an unexpected error code"), which would turn
     * a leak report into a SIGABRT: reports stay unsymbolized instead
     * (addr2line on the module+offset lines), unless the user chose. */
    /* And the provider in a worker is code under test, not ours: its crash
     * must reach the parent as a signal (a CRASH verdict), so the
     * sanitizers leave the fatal signals to the worker's own handlers and
     * UBSan aborts instead of exiting with status 1; its memory leaks are
     * not a worker failure (the ledger judges the COM references it keeps;
     * the harness's own leaks are the unit tests' and valgrind's). */
    bool user_symbolize = asan_options && strstr(asan_options, "symbolize=");
    env[k++] = hp_sprintf("ASAN_OPTIONS=%s%sverify_asan_link_order=0%s:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:"
                          "handle_sigill=0:handle_abort=0:allow_user_segv_handler=1:detect_leaks=0",
                          asan_options ? asan_options : "", asan_options && *asan_options ? ":" : "",
                          user_symbolize ? "" : ":symbolize=0");
    env[k++] = hp_strdup("UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1");
#else
    (void)asan_options;
#endif
    for (size_t i = 0; i < k; i++)
        if (!env[i])
            goto oom;
    run->env_ts = k;  /* FAKETIME_TIMESTAMP_FILE=..., set per spawn */
    run->env = env;
    return 0;
oom:
    for (size_t i = 0; i < n + 8; i++)
        free(env[i]);
    free(env);
    hp_buf_free(&preload);
    return hp_error_set(HP_ENOMEM, "out of memory");
}

static void free_env(struct run *run)
{
    if (!run->env)
        return;
    for (size_t i = 0; run->env[i] || i < run->env_ts; i++)
        free(run->env[i]);
    free(run->env);
    run->env = NULL;
}

/* A pipe whose ends are close-on-exec and above the descriptors a worker's
 * file actions target (0-3), so that dup2 order cannot clobber one. */
static int make_pipe(int fds[2])
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        if (p[i] < 10) {
            int q = fcntl(p[i], F_DUPFD_CLOEXEC, 10);
            if (q < 0) {
                close(p[0]);
                close(p[1]);
                return -1;
            }
            close(p[i]);
            p[i] = q;
        }
    }
    fds[0] = p[0];
    fds[1] = p[1];
    return 0;
}

static int write_timefile(const char *path, int64_t epoch)
{
    char text[64];
    if (worker_format_instant(text, sizeof text, epoch, 0))
        return -1;
    strcpy(text + 19, "\n");  /* the start instant is whole seconds: cut ".000000000" */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len;
    int saved = errno;
    if (close(fd) != 0)
        ok = false;
    else
        errno = saved;
    return ok ? 0 : -1;
}

/* Starts the worker for case `index` in slot w.  On failure sets the
 * message and returns a negative code; the caller ends the case as ERROR. */
static int spawn_worker(struct run *run, struct worker *w, size_t index)
{
    const struct orch_options *o = run->o;
    const struct orch_case *c = &o->cases[index];
    int proto[2] = {-1, -1}, out[2] = {-1, -1};
    char *timefile = NULL, *ts_env = NULL;
    const char **argv = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    bool fa_init = false, attr_init = false;
    int rc = 0;

    w->dir = hp_sprintf("%s/hiperf-%ld-XXXXXX", run->tmp_base, (long)getpid());
    if (!w->dir)
        return hp_error_set(HP_ENOMEM, "out of memory");
    if (!mkdtemp(w->dir)) {
        rc = hp_error_set(HP_EIO, "cannot create a worker directory in %s: %s", run->tmp_base, strerror(errno));
        free(w->dir);
        w->dir = NULL;
        return rc;
    }
    timefile = hp_sprintf("%s/faketime", w->dir);
    ts_env = timefile ? hp_sprintf("FAKETIME_TIMESTAMP_FILE=%s", timefile) : NULL;
    if (!ts_env) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }
    if (write_timefile(timefile, c->start_epoch)) {
        rc = hp_error_set(HP_EIO, "%s: %s", timefile, strerror(errno));
        goto out;
    }
    if (make_pipe(proto) || make_pipe(out)) {
        rc = hp_error_set(HP_EIO, "cannot create the worker's pipes: %s", strerror(errno));
        goto out;
    }

    size_t prefix = 0;
    while (o->worker_argv[prefix])
        prefix++;
    argv = calloc(prefix + 16, sizeof *argv);
    if (!argv) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
        goto out;
    }
    char start[24], fd[8];
    snprintf(start, sizeof start, "%lld", (long long)c->start_epoch);
    snprintf(fd, sizeof fd, "%d", WORKER_FD);
    size_t a = 0;
    for (size_t i = 0; i < prefix; i++)
        argv[a++] = o->worker_argv[i];
    if (o->provider)
        argv[a++] = "--provider", argv[a++] = o->provider;
    if (o->mof)
        argv[a++] = "--mof", argv[a++] = o->mof;
    argv[a++] = "--scenario", argv[a++] = c->scenario_file;
    argv[a++] = "--class", argv[a++] = c->class_name;
    argv[a++] = "--start", argv[a++] = start;
    argv[a++] = "--timefile", argv[a++] = timefile;
    argv[a++] = "--fd", argv[a++] = fd;
    argv[a] = NULL;
    run->env[run->env_ts] = ts_env;

    if ((errno = posix_spawn_file_actions_init(&fa))) {
        rc = hp_error_set(HP_ENOMEM, "posix_spawn_file_actions_init: %s", strerror(errno));
        goto out;
    }
    fa_init = true;
    if ((errno = posix_spawnattr_init(&attr))) {
        rc = hp_error_set(HP_ENOMEM, "posix_spawnattr_init: %s", strerror(errno));
        goto out;
    }
    attr_init = true;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    int err = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!err)
        err = posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    if (!err)
        err = posix_spawn_file_actions_adddup2(&fa, out[1], STDERR_FILENO);
    if (!err)
        err = posix_spawn_file_actions_adddup2(&fa, proto[1], WORKER_FD);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    if (!err)
        err = posix_spawn_file_actions_addclosefrom_np(&fa, WORKER_FD + 1);
#endif
    if (!err)
        err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                                  POSIX_SPAWN_SETSIGDEF);
    if (!err)
        err = posix_spawnattr_setpgroup(&attr, 0);
    if (!err)
        err = posix_spawnattr_setsigmask(&attr, &none);
    if (!err)
        err = posix_spawnattr_setsigdefault(&attr, &all);
    if (err) {
        rc = hp_error_set(HP_EINTERNAL, "cannot set up the worker's process: %s", strerror(err));
        goto out;
    }

    w->real_start = clock_ns(CLOCK_REALTIME);
    w->start_mono = clock_ns(CLOCK_MONOTONIC);
    char *const *args = (char *const *)argv;
    err = strchr(argv[0], '/') ? posix_spawn(&w->pid, argv[0], &fa, &attr, args, run->env)
                               : posix_spawnp(&w->pid, argv[0], &fa, &attr, args, run->env);
    if (err) {
        w->pid = 0;
        rc = hp_error_set(HP_EIO, "could not start the worker '%s': %s", argv[0], strerror(err));
        goto out;
    }
    if (c->timeout_s > 0) {
        double ns = c->timeout_s * 1e9;
        w->deadline = w->start_mono + (ns > 9e18 ? (int64_t)9e18 : (int64_t)ns);
    }
    w->proto_fd = proto[0];
    w->out_fd = out[0];
    proto[0] = out[0] = -1;
    fcntl(w->proto_fd, F_SETFL, O_NONBLOCK);
    fcntl(w->out_fd, F_SETFL, O_NONBLOCK);
out:
    run->env[run->env_ts] = NULL;
    if (fa_init)
        posix_spawn_file_actions_destroy(&fa);
    if (attr_init)
        posix_spawnattr_destroy(&attr);
    for (int i = 0; i < 2; i++) {
        if (proto[i] >= 0)
            close(proto[i]);
        if (out[i] >= 0)
            close(out[i]);
    }
    free(argv);
    free(timefile);
    free(ts_env);
    return rc;
}

enum pump_state {
    PUMP_DONE,   /* EOF or a read error: the fd is finished */
    PUMP_AGAIN,  /* nothing more for now */
    PUMP_MORE    /* stopped after a bounded number of reads; more may wait */
};

/* Reads what fd has now, a bounded amount so one chatty worker cannot
 * starve the others' timeouts. */
static enum pump_state pump(struct run *run, struct worker *w, int fd, int *cb_rc)
{
    for (int rounds = 0; rounds < 16; rounds++) {
        ssize_t n = read(fd, run->buf, sizeof run->buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return errno == EAGAIN || errno == EWOULDBLOCK ? PUMP_AGAIN : PUMP_DONE;
        }
        if (n == 0)
            return PUMP_DONE;
        if (fd == w->out_fd) {
            ring_put(&w->out, run->buf, (size_t)n);
        } else {
            int rc = proto_parser_feed(&w->parser, run->buf, (size_t)n, on_record, w);
            if (rc && !*cb_rc)
                *cb_rc = rc;
        }
    }
    return PUMP_MORE;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Drains a reaped worker's pipes (its data was written before it exited)
 * and closes them.  A grandchild holding them open is not waited for. */
static int drain(struct run *run, struct worker *w)
{
    int rc = 0;
    for (int i = 0; i < 64 && w->proto_fd >= 0; i++)
        if (pump(run, w, w->proto_fd, &rc) != PUMP_MORE)
            break;
    close_fd(&w->proto_fd);
    int prc = proto_parser_finish(&w->parser, on_record, w);
    if (!rc)
        rc = prc;
    for (int i = 0; i < 64 && w->out_fd >= 0; i++)
        if (pump(run, w, w->out_fd, &rc) != PUMP_MORE)
            break;
    close_fd(&w->out_fd);
    return rc;
}

static int deliver(struct run *run, const struct case_result *r)
{
    struct orch_summary *s = run->sum;
    int rc = 0;
    progress_clear(run);
    if (run->o->case_done)
        rc = run->o->case_done(r, run->o->ud);
    s->done++;
    switch (r->outcome) {
    case CASE_FINISHED: s->finished++; break;
    case CASE_SKIPPED: s->skipped++; break;
    case CASE_ERROR: s->errors++; break;
    case CASE_CRASHED: s->crashed++; break;
    case CASE_TIMED_OUT: s->timed_out++; break;
    }
    if (r->outcome == CASE_ERROR || r->outcome == CASE_CRASHED || r->outcome == CASE_TIMED_OUT || rc > 0)
        s->failed++;
    progress_draw(run);
    return rc < 0 ? rc : 0;
}

/* A case whose worker could not be started. */
static int end_unstarted(struct run *run, size_t index, const char *why)
{
    const struct orch_case *c = &run->o->cases[index];
    int64_t now = clock_ns(CLOCK_REALTIME);
    struct case_result r = {
        .index = index, .plan = c, .scenario = c->scenario, .class_name = c->class_name,
        .outcome = CASE_ERROR, .exit_code = -1, .real_start_ns = now, .real_end_ns = now,
        .error_message = why, .output = "",
    };
    return deliver(run, &r);
}

/* Builds the result of a reaped worker, hands it over, frees the slot. */
static int finish_worker(struct run *run, struct worker *w)
{
    const struct orch_case *c = &run->o->cases[w->index];
    int rc = drain(run, w);
    if (rc == HP_ENOMEM)
        return rc;
    struct case_result r = {
        .index = w->index, .plan = c, .scenario = c->scenario, .class_name = c->class_name,
        .pid = w->pid, .exit_code = -1, .has_end = w->end, .end_status = w->end_status,
        .real_start_ns = w->real_start, .real_end_ns = clock_ns(CLOCK_REALTIME),
        .elapsed_ns = clock_ns(CLOCK_MONOTONIC) - w->start_mono,
        .has_last_step = w->has_last_step, .last_step_no = w->last_step_no,
        .last_step_line = w->last_step_line, .last_step_text = w->last_step_text,
        .obs = w->obs.v, .n_obs = w->obs.n, .journal = w->journal.v, .n_journal = w->journal.n,
        .output_truncated = w->out.dropped,
    };
    char signame[32] = "";
    if (w->status_lost) {
        /* nothing known */
    } else if (WIFSIGNALED(w->wstatus)) {
        r.signal = WTERMSIG(w->wstatus);
        const char *abbrev = sigabbrev_np(r.signal);
        snprintf(signame, sizeof signame, "SIG%s", abbrev ? abbrev : "?");
        r.signal_name = signame;
    } else if (WIFEXITED(w->wstatus)) {
        r.exit_code = WEXITSTATUS(w->wstatus);
    }

    if (w->timed_out) {
        r.outcome = CASE_TIMED_OUT;
    } else if (w->status_lost) {
        r.outcome = CASE_ERROR;
        note_error(w, "the worker's exit status was lost (something else in this process reaped it)");
    } else if (r.signal) {
        r.outcome = CASE_CRASHED;
    } else if (!w->end && !w->hello && r.exit_code == 127) {
        /* posix_spawn may report a failed exec this way (POSIX allows it;
         * glibc does under valgrind). */
        r.outcome = CASE_ERROR;
        note_error(w, "could not start the worker '%s' (it exited with status 127 before saying HELLO)",
                   run->o->worker_argv[0]);
    } else if (!w->end) {
        r.outcome = CASE_ERROR;
        note_error(w, "the worker exited with status %d before finishing", r.exit_code);
    } else if (w->protocol_error || w->worker_error) {
        r.outcome = CASE_ERROR;
    } else if (w->end_status != 0) {
        r.outcome = CASE_ERROR;
        note_error(w, "the worker ended the case with status %d", w->end_status);
    } else if (r.exit_code != w->end_status) {
        r.outcome = CASE_ERROR;
        note_error(w, "the worker exited with status %d after ending the case with status %d", r.exit_code,
                   w->end_status);
    } else {
        r.outcome = w->skip_reason ? CASE_SKIPPED : CASE_FINISHED;
    }
    if (r.outcome == CASE_SKIPPED)
        r.skip_reason = w->skip_reason;
    if (w->n_notes_dropped)
        hp_buf_printf(&w->errors, " (and %u more)", w->n_notes_dropped);
    if (w->errors.oom)
        return hp_error_set(HP_ENOMEM, "out of memory");
    r.error_message = w->n_notes ? w->errors.s : NULL;
    char *output = ring_linear(&w->out);
    if (!output)
        return hp_error_set(HP_ENOMEM, "out of memory");
    r.output = output;
    r.output_len = w->out.len;

    if (w->dir)
        remove_dir(w->dir);
    run->running--;
    rc = deliver(run, &r);
    free(output);
    worker_reset(w);
    return rc;
}

/* Kills a worker's process group (anything the provider started goes too)
 * and reaps it; for an interrupted run, whose cases are not reported. */
static void kill_and_reap(struct run *run, struct worker *w)
{
    if (!w->reaped) {
        kill(-w->pid, SIGKILL);
        kill(w->pid, SIGKILL);
        while (waitpid(w->pid, &w->wstatus, 0) < 0 && errno == EINTR)
            ;  /* ECHILD: already reaped elsewhere; nothing to wait for */
        w->reaped = true;
    }
    kill(-w->pid, SIGKILL);
    orch_cleanup_faketime_shm(w->pid);
    close_fd(&w->proto_fd);
    close_fd(&w->out_fd);
    if (w->dir)
        remove_dir(w->dir);
    run->running--;
    worker_reset(w);
}

/* Before an interrupted run kills its workers: a worker killed while
 * libfaketime's constructor is in sem_open() leaves glibc's temporary
 * /dev/shm/sem.XXXXXX behind, whose name holds no pid to clean it by.
 * HELLO comes from main(), after the constructors: wait for it (or for the
 * worker's end), at most 1 s of real time. */
static void await_hello(struct run *run)
{
    int64_t until = clock_ns(CLOCK_MONOTONIC) + 1000000000;
    for (;;) {
        nfds_t n = 0;
        for (unsigned i = 0; i < run->jobs; i++) {
            struct worker *w = &run->workers[i];
            if (w->active && !w->hello && !w->reaped && w->proto_fd >= 0) {
                run->owner[n] = w;
                run->pfd[n++] = (struct pollfd){.fd = w->proto_fd, .events = POLLIN};
            }
        }
        int64_t left = until - clock_ns(CLOCK_MONOTONIC);
        if (n == 0 || left <= 0)
            return;
        if (poll(run->pfd, n, left > 10000000 ? 10 : (int)(left / 1000000) + 1) < 0 && errno != EINTR)
            return;
        for (nfds_t i = 0; i < n; i++) {
            struct worker *w = run->owner[i];
            int ignored = 0;
            if ((run->pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
                pump(run, w, w->proto_fd, &ignored) == PUMP_DONE)
                close_fd(&w->proto_fd);
        }
    }
}

static int start_case(struct run *run, size_t index)
{
    struct worker *w = NULL;
    for (unsigned i = 0; i < run->jobs && !w; i++)
        if (!run->workers[i].active)
            w = &run->workers[i];
    if (!w)
        return hp_error_set(HP_EINTERNAL, "orchestrator: no free worker slot");
    worker_reset(w);
    proto_parser_init(&w->parser);
    w->index = index;
    if (spawn_worker(run, w, index)) {
        int code = hp_error_code();
        char *why = hp_strdup(hp_error_message());
        if (w->dir)
            remove_dir(w->dir);
        worker_reset(w);
        if (code == HP_ENOMEM || !why) {
            free(why);
            return HP_ENOMEM;
        }
        int rc = end_unstarted(run, index, why);
        free(why);
        return rc;
    }
    w->active = true;
    run->running++;
    if (run->running > run->sum->max_running)
        run->sum->max_running = run->running;
    run->progress_label_s = run->o->cases[index].scenario;
    run->progress_label_c = run->o->cases[index].class_name;
    progress_draw(run);
    return 0;
}

static int validate(const struct orch_options *o)
{
    if (o->n_cases && !o->cases)
        return hp_error_set(HP_EINVAL, "orchestrator: no cases");
    if (!o->worker_argv || !o->worker_argv[0])
        return hp_error_set(HP_EINVAL, "orchestrator: no worker command");
    for (size_t i = 0; i < o->n_cases; i++) {
        const struct orch_case *c = &o->cases[i];
        if (!c->scenario || !c->scenario_file || !c->class_name)
            return hp_error_set(HP_EINVAL, "orchestrator: case %zu lacks a scenario, file or class", i);
    }
    return 0;
}

static int install_signals(struct sigaction *old)
{
    if (run_active)
        return hp_error_set(HP_EINTERNAL, "orchestrator: one run at a time");
    if (make_pipe(wake_pipe) != 0)
        return hp_error_set(HP_EIO, "cannot create a pipe: %s", strerror(errno));
    fcntl(wake_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(wake_pipe[1], F_SETFL, O_NONBLOCK);
    interrupt_signal = 0;
    run_active = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_HANDLED; i++) {
        sa.sa_flags = SA_RESTART | (handled_signals[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
        sigaction(handled_signals[i], &sa, &old[i]);
    }
    return 0;
}

static void restore_signals(const struct sigaction *old)
{
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaction(handled_signals[i], &old[i], NULL);
    close_fd(&wake_pipe[0]);
    close_fd(&wake_pipe[1]);
    run_active = 0;
}

/* One pass: wait for output, an exit, a signal or the nearest deadline;
 * returns 0 or a code that stops the run. */
static int step(struct run *run)
{
    struct pollfd *pfd = run->pfd;
    struct worker **owner = run->owner;
    nfds_t n = 0;
    bool silent_alive = false;  /* a worker with both pipes closed, not yet reaped */
    pfd[n++] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
    int64_t now = clock_ns(CLOCK_MONOTONIC), next = -1;
    for (unsigned i = 0; i < run->jobs; i++) {
        struct worker *w = &run->workers[i];
        if (!w->active)
            continue;
        if (w->proto_fd >= 0)
            owner[n] = w, pfd[n++] = (struct pollfd){.fd = w->proto_fd, .events = POLLIN};
        if (w->out_fd >= 0)
            owner[n] = w, pfd[n++] = (struct pollfd){.fd = w->out_fd, .events = POLLIN};
        if (w->proto_fd < 0 && w->out_fd < 0)
            silent_alive = true;
        int64_t d = w->kill_stage == 0 ? w->deadline : w->kill_stage == 1 ? w->kill_at : 0;
        if (d && (next < 0 || d < next))
            next = d;
    }
    /* SIGCHLD wakes the poll through the self-pipe; if the caller blocks
     * SIGCHLD, a worker whose pipes are closed is still looked at every
     * 20 ms. */
    int64_t wait_ms = next < 0 ? -1 : next <= now ? 0 : (next - now + 999999) / 1000000;
    if (silent_alive && (wait_ms < 0 || wait_ms > 20))
        wait_ms = 20;
    if (wait_ms > 60000)
        wait_ms = 60000;
    int timeout_ms = (int)wait_ms;
    if (poll(pfd, n, timeout_ms) < 0 && errno != EINTR)
        return hp_error_set(HP_EINTERNAL, "poll: %s", strerror(errno));

    char sink[64];
    while (read(wake_pipe[0], sink, sizeof sink) > 0)
        ;
    int cb_rc = 0;
    for (nfds_t i = 1; i < n; i++) {
        if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        struct worker *w = owner[i];
        int *fdp = pfd[i].fd == w->proto_fd ? &w->proto_fd : &w->out_fd;
        if (pump(run, w, *fdp, &cb_rc) == PUMP_DONE) {
            if (fdp == &w->proto_fd) {
                int rc = proto_parser_finish(&w->parser, on_record, w);
                if (rc && !cb_rc)
                    cb_rc = rc;
            }
            close_fd(fdp);
        }
    }
    if (cb_rc)
        return cb_rc;

    now = clock_ns(CLOCK_MONOTONIC);
    for (unsigned i = 0; i < run->jobs; i++) {
        struct worker *w = &run->workers[i];
        if (!w->active || w->reaped)
            continue;
        pid_t p = waitpid(w->pid, &w->wstatus, WNOHANG);
        if (p < 0 && errno == ECHILD)
            w->status_lost = true;
        if (p == w->pid || w->status_lost) {
            w->reaped = true;
            kill(-w->pid, SIGKILL);  /* what the worker started, if anything is left */
            orch_cleanup_faketime_shm(w->pid);
            continue;
        }
        if (w->kill_stage == 0 && w->deadline && now >= w->deadline) {
            w->timed_out = true;
            w->kill_stage = 1;
            w->kill_at = now + (int64_t)ORCH_KILL_GRACE_MS * 1000000;
            kill(-w->pid, SIGTERM);
        } else if (w->kill_stage == 1 && now >= w->kill_at) {
            w->kill_stage = 2;
            kill(-w->pid, SIGKILL);
            kill(w->pid, SIGKILL);
        }
    }
    for (unsigned i = 0; i < run->jobs; i++) {
        struct worker *w = &run->workers[i];
        if (w->active && w->reaped) {
            int rc = finish_worker(run, w);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int orch_run(struct orch_summary *summary, const struct orch_options *opts)
{
    memset(summary, 0, sizeof *summary);
    summary->planned = opts->n_cases;
    int rc = validate(opts);
    if (rc)
        return rc;

    struct run run = {.o = opts, .sum = summary};
    if (opts->faketime_lib) {
        if (access(opts->faketime_lib, R_OK) != 0)
            return hp_error_set(HP_ENOTFOUND, "%s ('%s': %s)", faketime_missing, opts->faketime_lib,
                                strerror(errno));
        run.faketime = opts->faketime_lib;
    } else if ((rc = orch_find_faketime(&run.faketime))) {
        return rc;
    }
    if (opts->n_cases == 0)
        return 0;

    run.tmp_base = opts->tmp_dir;
    if (!run.tmp_base || !*run.tmp_base)
        run.tmp_base = getenv("TMPDIR");
    if (!run.tmp_base || !*run.tmp_base)
        run.tmp_base = "/tmp";
    run.jobs = opts->jobs ? opts->jobs : orch_default_jobs();
    if (run.jobs > opts->n_cases)
        run.jobs = (unsigned)opts->n_cases;
    if (run.jobs > 1024)
        run.jobs = 1024;
    run.progress = opts->progress == ORCH_PROGRESS_ON ||
                   (opts->progress == ORCH_PROGRESS_AUTO && isatty(STDERR_FILENO));

    if ((rc = build_env(&run)))
        return rc;
    run.workers = calloc(run.jobs, sizeof *run.workers);
    run.pfd = calloc(1 + 2 * (size_t)run.jobs, sizeof *run.pfd);
    run.owner = calloc(1 + 2 * (size_t)run.jobs, sizeof *run.owner);
    if (!run.workers || !run.pfd || !run.owner) {
        free(run.workers);
        free(run.pfd);
        free(run.owner);
        free_env(&run);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < run.jobs; i++)
        run.workers[i].proto_fd = run.workers[i].out_fd = -1;
    struct sigaction old[N_HANDLED];
    if ((rc = install_signals(old))) {
        free(run.workers);
        free(run.pfd);
        free(run.owner);
        free_env(&run);
        return rc;
    }

    size_t next = 0;
    while (rc == 0) {
        if (interrupt_signal) {
            summary->interrupted = true;
            summary->interrupt_signal = interrupt_signal;
            break;
        }
        while (rc == 0 && run.running < run.jobs && next < opts->n_cases && !interrupt_signal)
            rc = start_case(&run, next++);
        if (rc || interrupt_signal)
            continue;
        if (run.running == 0) {
            if (next >= opts->n_cases)
                break;
            continue;
        }
        rc = step(&run);
    }
    if (rc)
        summary->interrupted = summary->done < summary->planned;
    char *saved_msg = rc ? hp_strdup(hp_error_message()) : NULL;
    await_hello(&run);
    for (unsigned i = 0; i < run.jobs; i++)
        if (run.workers[i].active)
            kill_and_reap(&run, &run.workers[i]);
    progress_clear(&run);
    restore_signals(old);
    free(run.workers);
    free(run.pfd);
    free(run.owner);
    free_env(&run);
    if (rc) {
        /* What case_done or the parent reported, not the cleanup's noise. */
        hp_error_set(rc, "%s", saved_msg ? saved_msg : "the run was stopped");
        free(saved_msg);
    }
    return rc;
}
