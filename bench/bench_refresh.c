/*
 * bench/bench_refresh.c - how fast IWbemRefresher::Refresh is, end to end:
 * the reference provider loaded through the mock host exactly as a run
 * loads it (dlopen, DllGetClassObject, Initialize with the host's
 * namespace), refreshing 1 to 100,000 refreshable objects and enumerator
 * instances, compared with a plain memcpy of the same counter bytes
 * measured in the same run.  `hiperfcheck bench` runs this program.
 *
 * What is measured, per size N:
 *   objects  one refresher holding N refreshable objects made by
 *            CreateRefreshableObject on the five
 *            Win32_PerfRawData_HiPerfCheck_Processor instances in turn
 *            (each call gives a new object and id); Refresh writes the 7
 *            changing counters of each: 48 bytes (5 uint64 + 2 uint32).
 *   enum     one refresher holding one enumerator of
 *            Win32_PerfRawData_HiPerfCheck_Thread with N instances (the
 *            provider's benchmark class, sized by HIPERFCHECK_REFPROV_THREADS,
 *            which the provider reads once per process: each enum size runs
 *            in a child process of its own); after the first Refresh has
 *            filled it, each Refresh writes the 5 changing counters of
 *            every member in place: 32 bytes (3 uint64 + 2 uint32).
 * The baselines, timed the same way in the same process:
 *   memcpy   one memcpy of N * (counter bytes) from one buffer to another:
 *            the headline ratio_vs_memcpy;
 *   scatter  the counter bytes copied from one small source into N separate
 *            heap blocks allocated one after the other with the size of the
 *            host's objects (measured from the objects the run made), as
 *            the host's objects are laid out: ratio_vs_scatter.
 * Each figure is the median over several batches of ns per Refresh divided
 * by N; batches are sized to last at least --min-time-ms.  Both journal
 * settings are measured: off (host_options.journal_off, the main figures)
 * and on (every host call recorded, as in a scenario run).
 *
 * Time: CLOCK_MONOTONIC of this process.  The benchmark must not run
 * under libfaketime (a stopped clock measures nothing): it refuses when
 * LD_PRELOAD names faketime or the clock does not move.
 *
 * Invariant: nothing here judges the figures (a benchmark measures; the
 * goals are printed next to them), and every object made is released
 * before the host is freed, so a leak shows as a ledger finding count in
 * the output rather than passing unseen.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hiperfenum.h"
#include "host.h"
#include "loader.h"
#include "namespace.h"
#include "object.h"

#define CLASS_PROCESSOR "Win32_PerfRawData_HiPerfCheck_Processor"
#define CLASS_THREAD "Win32_PerfRawData_HiPerfCheck_Thread"
#define PROVIDER_NAME "HiPerfCheck_Reference"
#define THREADS_ENV "HIPERFCHECK_REFPROV_THREADS"

/* The counter bytes the provider writes per object per Refresh
 * (provider/classes.c: the properties before `ndynamic`). */
#define OBJ_COUNTER_BYTES 48u   /* Processor: 5 x uint64 + 2 x uint32 */
#define ENUM_COUNTER_BYTES 32u  /* Thread: 3 x uint64 + 2 x uint32 */

#define MAX_SIZES 16
#define BATCHES 7

static const long default_sizes[] = {1, 10, 100, 1000, 10000, 100000};

struct options {
    bool json;
    long sizes[MAX_SIZES];
    size_t nsizes;
    long min_time_ms;
    int journal;           /* bit 0: off, bit 1: on */
    bool objects, enums;
    char *provider;        /* owned */
    char *mof;             /* owned */
};

/* One measured size. */
struct result {
    long objects;
    double ns_per_object;          /* Refresh, median of the batches */
    double ns_min;                 /* the fastest batch */
    double memcpy_ns_per_object;
    double scatter_ns_per_object;
    long iterations;               /* Refreshes per batch */
    long object_stride;            /* bytes between consecutive host objects (median) */
    long findings;                 /* ledger findings of the run (0 expected) */
    int failed;                    /* 0, or why the size could not be measured */
    char error[160];
};

/* ---- time ------------------------------------------------------------------ */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Keeps the compiler from dropping or merging the copies being timed. */
static inline void clobber(void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
}

/* Runs `fn` in batches of `iters` calls (grown until a batch lasts
 * min_ns), then BATCHES batches; *median and *min get ns per call.  Returns
 * the batch size. */
static long time_batches(void (*fn)(void *), void *arg, int64_t min_ns, double *median, double *min)
{
    long iters = 1;
    double per[BATCHES];

    for (;;) {
        int64_t t0 = now_ns();
        for (long i = 0; i < iters; i++)
            fn(arg);
        int64_t dt = now_ns() - t0;
        if (dt >= min_ns || iters >= (1L << 30))
            break;
        iters = dt <= 0 ? iters * 16 : (long)((double)iters * (double)min_ns / (double)dt * 1.2) + 1;
    }
    for (int b = 0; b < BATCHES; b++) {
        int64_t t0 = now_ns();
        for (long i = 0; i < iters; i++)
            fn(arg);
        per[b] = (double)(now_ns() - t0) / (double)iters;
    }
    qsort(per, BATCHES, sizeof per[0], cmp_double);
    *median = per[BATCHES / 2];
    *min = per[0];
    return iters;
}

/* ---- the baselines ----------------------------------------------------------- */

struct copy_job {
    size_t n, bytes;           /* objects, counter bytes per object */
    unsigned char *src, *dst;  /* contiguous: n * bytes each */
    unsigned char **blocks;    /* scatter: n blocks */
    size_t offset;             /* where the counters sit in a block */
    const unsigned char *one;  /* scatter source: one object's counters */
};

static void copy_contiguous(void *arg)
{
    struct copy_job *j = arg;
    memcpy(j->dst, j->src, j->n * j->bytes);
    clobber(j->dst);
}

static void copy_scatter(void *arg)
{
    struct copy_job *j = arg;
    for (size_t i = 0; i < j->n; i++)
        memcpy(j->blocks[i] + j->offset, j->one, j->bytes);
    clobber(j->blocks);
}

/* Times both baselines for n objects of `bytes` counter bytes, with
 * scatter blocks of `stride` bytes.  0, or -1 on ENOMEM. */
static int measure_baselines(size_t n, size_t bytes, size_t stride, int64_t min_ns, struct result *res)
{
    struct copy_job j = {.n = n, .bytes = bytes};
    unsigned char one[64];
    double med, mn;
    int rc = -1;

    /* malloc adds a 16-byte header: blocks of stride - 16 bytes allocated
     * one after the other sit `stride` apart, as consecutive host objects
     * do.  The counters go in the middle of each block. */
    if (stride < 80 + bytes)
        stride = 80 + bytes;
    size_t block = stride - 16;
    for (size_t i = 0; i < sizeof one; i++)
        one[i] = (unsigned char)(i * 7 + 1);
    j.one = one;
    j.offset = (block - bytes) / 2 & ~(size_t)7;
    j.src = malloc(n * bytes);
    j.dst = malloc(n * bytes);
    j.blocks = calloc(n, sizeof *j.blocks);
    if (!j.src || !j.dst || !j.blocks)
        goto out;
    memset(j.src, 0x5a, n * bytes);
    memset(j.dst, 0, n * bytes);
    for (size_t i = 0; i < n; i++) {
        if (!(j.blocks[i] = malloc(block)))
            goto out;
        memset(j.blocks[i], 0, block);
    }
    time_batches(copy_contiguous, &j, min_ns, &med, &mn);
    res->memcpy_ns_per_object = med / (double)n;
    time_batches(copy_scatter, &j, min_ns, &med, &mn);
    res->scatter_ns_per_object = med / (double)n;
    rc = 0;
out:
    for (size_t i = 0; j.blocks && i < n; i++)
        free(j.blocks[i]);
    free(j.blocks);
    free(j.src);
    free(j.dst);
    return rc;
}

/* ---- the host and the provider ------------------------------------------------ */

struct rig {
    struct repo *repo;
    struct host *host;
    struct hostprov *prov;
    IWbemServices *ns;
    IWbemRefresher *refresher;
};

/* Records why a size could not be measured: `what` and `detail` joined. */
static int fail(struct result *res, const char *what, const char *detail)
{
    res->failed = 1;
    snprintf(res->error, sizeof res->error, "%s%s", what, detail);
    return -1;
}

static int rig_open(struct rig *g, const struct options *o, bool journal, struct result *res)
{
    struct host_options ho = {.journal_off = !journal};
    HRESULT hr;

    memset(g, 0, sizeof *g);
    if (!(g->repo = repo_new()))
        return fail(res, "", "out of memory");
    if (mof_load_file(g->repo, o->mof) != 0)
        return fail(res, "", hp_error_message());
    if (host_new(&g->host, g->repo, &ho) != 0 || host_set_provider_file(g->host, o->provider) != 0)
        return fail(res, "", hp_error_message());
    const struct repo_provider *reg = repo_provider(g->repo, PROVIDER_NAME);
    if (!reg)
        return fail(res, o->mof, ": the MOF registers no provider " PROVIDER_NAME);
    if (host_load_provider(g->host, reg, HOSTPROV_IN_WMI, 5000, &g->prov) != 0)
        return fail(res, "", hp_error_message());
    if (!g->prov->hiperf)
        return fail(res, "", "the provider does not answer IWbemHiPerfProvider");
    g->ns = host_namespace(g->host);
    struct host *host = g->host;
    hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefresher, g->prov->hiperf, 0, 0, 0, 0,
                            IWbemHiPerfProvider_CreateRefresher(g->prov->hiperf, g->ns, 0, &g->refresher));
    if (FAILED(hr) || !g->refresher) {
        char text[32];
        snprintf(text, sizeof text, "0x%08X", (unsigned)hr);
        return fail(res, "CreateRefresher failed with ", text);
    }
    return 0;
}

/* Releases the refresher (the provider then drops everything it held),
 * unloads the provider and frees the host; *findings gets the ledger's
 * findings, leaks of the provider included. */
static void rig_close(struct rig *g, long *findings)
{
    if (g->refresher)
        host_provider_release(g->host, (IUnknown *)g->refresher, HPM_IWbemRefresher_Release);
    g->refresher = NULL;
    if (g->host) {
        HRESULT can_unload;
        host_unload_providers(g->host, &can_unload);
        ledger_check_leaks(&g->host->ledger, HP_ACTOR_PROVIDER);
        if (findings)
            *findings = (long)ledger_count(&g->host->ledger, -1);
        host_free(g->host);
    }
    repo_free(g->repo);
    memset(g, 0, sizeof *g);
}

static void do_refresh(void *arg)
{
    struct rig *g = arg;
    struct host *host = g->host;
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemRefresher_Refresh, g->refresher, 0, 0, 0, 0,
                                    IWbemRefresher_Refresh(g->refresher, 0));
    if (FAILED(hr)) {
        fprintf(stderr, "bench_refresh: Refresh failed with 0x%08X\n", (unsigned)hr);
        exit(3);
    }
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

/* The median distance between consecutive objects (as allocated). */
static long median_stride(struct hobject **objs, size_t n)
{
    long *d, m;

    if (n < 2)
        return 0;
    if (!(d = malloc((n - 1) * sizeof *d)))
        return 0;
    for (size_t i = 0; i + 1 < n; i++)
        d[i] = labs((long)((char *)objs[i + 1] - (char *)objs[i]));
    qsort(d, n - 1, sizeof *d, cmp_long);
    m = d[(n - 1) / 2];
    free(d);
    return m;
}

/* N refreshable objects on the Processor instances in turn. */
static int bench_objects(const struct options *o, long n, bool journal, struct result *res)
{
    static const char *const names[] = {"0", "1", "2", "3", "_Total"};
    struct hobject *tmpl[5] = {0};
    struct hobject **objs = NULL;
    struct rig g;
    double med, mn;
    long made = 0;
    int rc = -1;

    memset(res, 0, sizeof *res);
    res->objects = n;
    if (rig_open(&g, o, journal, res) != 0)
        goto out;
    const struct repo_class *cls = repo_class(g.repo, CLASS_PROCESSOR);
    if (!cls) {
        fail(res, o->mof, ": no class " CLASS_PROCESSOR);
        goto out;
    }
    for (int i = 0; i < 5; i++) {
        struct cim_value key = {.type = CIM_STRING, .v.s = (char *)names[i]};
        if (!(tmpl[i] = hobject_new_instance(g.host, cls, HP_ACTOR_HOST)) || hobject_set(tmpl[i], "Name", &key)) {
            fail(res, "", "cannot make a template");
            goto out;
        }
    }
    if (!(objs = calloc((size_t)n, sizeof *objs))) {
        fail(res, "", "out of memory");
        goto out;
    }
    struct host *host = g.host;
    for (made = 0; made < n; made++) {
        IWbemObjectAccess *acc = NULL;
        LONG id = 0;
        HRESULT hr = HOST_CALL_PROVIDER(
            host, HPM_IWbemHiPerfProvider_CreateRefreshableObject, g.prov->hiperf, 0, 0, 0, 0,
            IWbemHiPerfProvider_CreateRefreshableObject(g.prov->hiperf, g.ns, hobject_access(tmpl[made % 5]),
                                                        g.refresher, 0, NULL, &acc, &id));
        struct hobject *obj = hobject_from_iface(acc);
        if (FAILED(hr) || !obj) {
            char text[32];
            snprintf(text, sizeof text, "0x%08X", (unsigned)hr);
            fail(res, "CreateRefreshableObject failed with ", text);
            goto out;
        }
        /* The [out] reference is the caller's: the host's from now on. */
        hobj_transfer(hobject_hobj(obj), HP_ACTOR_PROVIDER, HP_ACTOR_HOST,
                      HPM_IWbemHiPerfProvider_CreateRefreshableObject);
        objs[made] = obj;
    }
    res->object_stride = median_stride(objs, (size_t)n);
    do_refresh(&g);  /* warm */
    res->iterations = time_batches(do_refresh, &g, o->min_time_ms * 1000000, &med, &mn);
    res->ns_per_object = med / (double)n;
    res->ns_min = mn / (double)n;
    rc = 0;
out:
    if (g.host) {
        /* Everything the provider gave is released after the refresher,
         * as a client drops its objects after its refresher or before. */
        if (g.refresher)
            host_provider_release(g.host, (IUnknown *)g.refresher, HPM_IWbemRefresher_Release);
        g.refresher = NULL;
        for (long i = 0; i < made; i++)
            hobj_unref(hobject_hobj(objs[i]), HP_ACTOR_HOST);
        for (int i = 0; i < 5; i++)
            if (tmpl[i])
                hobj_unref(hobject_hobj(tmpl[i]), HP_ACTOR_HOST);
    }
    free(objs);
    rig_close(&g, &res->findings);
    if (rc == 0 && measure_baselines((size_t)n, OBJ_COUNTER_BYTES, (size_t)res->object_stride,
                                     o->min_time_ms * 1000000, res) != 0)
        rc = fail(res, "", "out of memory for the baselines");
    return rc;
}

/* One enumerator of N Thread instances; run in a child process whose
 * environment sets the class's size before the provider is loaded. */
static int bench_enum_here(const struct options *o, long n, bool journal, struct result *res)
{
    struct hpenum *e = NULL;
    struct rig g;
    double med, mn;
    LONG id = 0;
    int rc = -1;

    memset(res, 0, sizeof *res);
    res->objects = n;
    if (rig_open(&g, o, journal, res) != 0)
        goto out;
    if (hpenum_new(&e, g.host, HP_ACTOR_HOST, CLASS_THREAD) != 0) {
        fail(res, "", hp_error_message());
        goto out;
    }
    /* As the host does around every Refresh: the provider may fill it. */
    hpenum_window_open(e);
    struct host *host = g.host;
    HRESULT hr = HOST_CALL_PROVIDER(host, HPM_IWbemHiPerfProvider_CreateRefreshableEnum, g.prov->hiperf, 0, 0,
                                    0, 0,
                                    IWbemHiPerfProvider_CreateRefreshableEnum(g.prov->hiperf, g.ns, u"" CLASS_THREAD,
                                                                              g.refresher, 0, NULL,
                                                                              hpenum_iface(e), &id));
    if (FAILED(hr)) {
        char text[32];
        snprintf(text, sizeof text, "0x%08X", (unsigned)hr);
        fail(res, "CreateRefreshableEnum failed with ", text);
        goto out;
    }
    do_refresh(&g);  /* fills it: N AddObjects, not timed */
    if ((long)hpenum_count(e) != n) {
        char text[64];
        snprintf(text, sizeof text, "%zu members for %ld instances", hpenum_count(e), n);
        fail(res, "is " THREADS_ENV " honoured? the enumerator holds ", text);
        goto out;
    }
    {
        struct hpenum_item *items = NULL;
        size_t k = hpenum_snapshot(e, &items);
        struct hobject **objs = k != (size_t)-1 ? calloc(k ? k : 1, sizeof *objs) : NULL;
        for (size_t i = 0; objs && i < k; i++)
            objs[i] = items[i].hobject;
        res->object_stride = objs ? median_stride(objs, k) : 0;
        free(objs);
        hpenum_snapshot_free(items, k == (size_t)-1 ? 0 : k);
    }
    res->iterations = time_batches(do_refresh, &g, o->min_time_ms * 1000000, &med, &mn);
    res->ns_per_object = med / (double)n;
    res->ns_min = mn / (double)n;
    rc = 0;
out:
    if (g.host && g.refresher) {
        host_provider_release(g.host, (IUnknown *)g.refresher, HPM_IWbemRefresher_Release);
        g.refresher = NULL;
    }
    if (e) {
        hpenum_window_close(e);
        hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    }
    rig_close(&g, &res->findings);
    if (rc == 0 && measure_baselines((size_t)n, ENUM_COUNTER_BYTES, (size_t)res->object_stride,
                                     o->min_time_ms * 1000000, res) != 0)
        rc = fail(res, "", "out of memory for the baselines");
    return rc;
}

/* Forks, sets HIPERFCHECK_REFPROV_THREADS=n in the child, measures there
 * and reads the result back through a pipe. */
static int bench_enum(const struct options *o, long n, bool journal, struct result *res)
{
    int fds[2], status = 0;
    pid_t pid;
    char text[32];

    memset(res, 0, sizeof *res);
    res->objects = n;
    fflush(NULL);
    if (pipe(fds) != 0)
        return fail(res, "pipe: ", strerror(errno));
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return fail(res, "fork: ", strerror(errno));
    }
    if (pid == 0) {
        struct result r;
        close(fds[0]);
        snprintf(text, sizeof text, "%ld", n);
        setenv(THREADS_ENV, text, 1);
        bench_enum_here(o, n, journal, &r);
        ssize_t w = write(fds[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 3);
    }
    close(fds[1]);
    ssize_t got = 0, k;
    while (got < (ssize_t)sizeof *res && (k = read(fds[0], (char *)res + got, sizeof *res - (size_t)got)) > 0)
        got += k;
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got != (ssize_t)sizeof *res) {
        memset(res, 0, sizeof *res);
        res->objects = n;
        snprintf(text, sizeof text, "%d", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        return fail(res, "the measuring child died; exit status or signal ", text);
    }
    return res->failed ? -1 : 0;
}

/* ---- output ------------------------------------------------------------------- */

struct series {
    const char *kind;       /* "objects" or "enum" */
    const char *cls;
    unsigned counter_bytes;
    bool journal;
    struct result r[MAX_SIZES];
    size_t n;
};

static const struct result *find_size(const struct series *s, long n)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->r[i].objects == n && !s->r[i].failed)
            return &s->r[i];
    return NULL;
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

static void print_text(const struct series *ss, size_t nseries)
{
    for (size_t s = 0; s < nseries; s++) {
        const struct series *x = &ss[s];
        printf("%s (%s, %u counter bytes per object), journal %s\n",
               x->kind[0] == 'o' ? "Refresh of N refreshable objects" : "Refresh of an enumerator of N instances",
               x->cls, x->counter_bytes, x->journal ? "on" : "off");
        printf("%10s %12s %10s %10s %12s %10s %9s\n", "objects", "ns/object", "memcpy ns", "ratio", "scatter ns",
               "vs scatter", "refreshes");
        for (size_t i = 0; i < x->n; i++) {
            const struct result *r = &x->r[i];
            if (r->failed) {
                printf("%10ld  failed: %s\n", r->objects, r->error);
                continue;
            }
            printf("%10ld %12.2f %10.3f %10.2f %12.3f %10.2f %9ld%s\n", r->objects, r->ns_per_object,
                   r->memcpy_ns_per_object, ratio(r->ns_per_object, r->memcpy_ns_per_object),
                   r->scatter_ns_per_object, ratio(r->ns_per_object, r->scatter_ns_per_object), r->iterations,
                   r->findings ? "  (ledger findings!)" : "");
        }
        const struct result *a = find_size(x, 1000), *b = find_size(x, 100000);
        if (b)
            printf("  goal at 100,000: ratio <= 5: %.2f (%s)", ratio(b->ns_per_object, b->memcpy_ns_per_object),
                   ratio(b->ns_per_object, b->memcpy_ns_per_object) <= 5 ? "met" : "missed");
        if (a && b)
            printf("; ns/object 100,000 vs 1,000 <= 1.5: %.2f (%s)", ratio(b->ns_per_object, a->ns_per_object),
                   ratio(b->ns_per_object, a->ns_per_object) <= 1.5 ? "met" : "missed");
        if (b)
            printf("\n");
        printf("\n");
    }
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void print_json(const struct series *ss, size_t nseries, const struct options *o)
{
    printf("{\n  \"benchmark\": \"refresh\",\n  \"provider\": ");
    json_string(o->provider);
    printf(",\n  \"clock\": \"CLOCK_MONOTONIC\",\n  \"statistic\": \"median of %d batches\",\n", BATCHES);
    printf("  \"goals\": {\"ratio_vs_memcpy_at_100000_max\": 5, \"ns_per_object_100000_vs_1000_max\": 1.5},\n");
    printf("  \"series\": [");
    for (size_t s = 0; s < nseries; s++) {
        const struct series *x = &ss[s];
        printf("%s\n    {\"kind\": \"%s\", \"class\": \"%s\", \"journal\": %s, \"counter_bytes_per_object\": %u,\n",
               s ? "," : "", x->kind, x->cls, x->journal ? "true" : "false", x->counter_bytes);
        printf("     \"sizes\": [");
        for (size_t i = 0; i < x->n; i++) {
            const struct result *r = &x->r[i];
            printf("%s\n       {\"objects\": %ld, ", i ? "," : "", r->objects);
            if (r->failed) {
                printf("\"error\": ");
                json_string(r->error);
                printf("}");
                continue;
            }
            printf("\"ns_per_object\": %.3f, \"ratio_vs_memcpy\": %.3f, \"memcpy_ns_per_object\": %.4f, "
                   "\"scatter_ns_per_object\": %.4f, \"ratio_vs_scatter\": %.3f, \"ns_per_object_min\": %.3f, "
                   "\"refreshes_per_batch\": %ld, \"object_stride_bytes\": %ld, \"ledger_findings\": %ld}",
                   r->ns_per_object, ratio(r->ns_per_object, r->memcpy_ns_per_object), r->memcpy_ns_per_object,
                   r->scatter_ns_per_object, ratio(r->ns_per_object, r->scatter_ns_per_object), r->ns_min,
                   r->iterations, r->object_stride, r->findings);
        }
        printf("]");
        const struct result *a = find_size(x, 1000), *b = find_size(x, 100000);
        if (a && b)
            printf(",\n     \"scaling_100000_vs_1000\": %.3f", ratio(b->ns_per_object, a->ns_per_object));
        printf("}");
    }
    printf("\n  ]\n}\n");
}

/* ---- command line ----------------------------------------------------------------- */

static const char usage[] =
    "usage: bench_refresh [--format text|json] [--sizes N,N,...] [--min-time-ms MS]\n"
    "                     [--journal off|on|both] [--only objects|enum]\n"
    "                     [--provider FILE.so --mof FILE.mof]\n"
    "\n"
    "Refreshes 1 to 100,000 refreshable objects and enumerator instances of the\n"
    "reference provider through the mock host and prints ns per object and the\n"
    "ratio to a plain memcpy of the same counter bytes measured in the same run.\n"
    "Defaults: text, sizes 1,10,100,1000,10000,100000, 200 ms per batch, both\n"
    "journal settings, the reference provider next to this program (../lib).\n"
    "Must not run under libfaketime.\n";

/* The installed layout's library directory relative to the prefix
 * (CMAKE_INSTALL_LIBDIR, set by bench/CMakeLists.txt). */
#ifndef BENCH_INSTALL_LIBDIR
#define BENCH_INSTALL_LIBDIR "lib"
#endif

/* The directory of this executable, owned. */
static char *self_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = 0;
    return hp_strdup(buf);
}

static int parse_args(struct options *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->min_time_ms = 200;
    o->journal = 3;
    o->objects = o->enums = true;
    for (size_t i = 0; i < sizeof default_sizes / sizeof default_sizes[0]; i++)
        o->sizes[o->nsizes++] = default_sizes[i];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "bench_refresh: unknown option or missing value: %s\n%s", a, usage);
            return -1;
        }
        i++;
        if (!strcmp(a, "--format")) {
            if (strcmp(v, "json") && strcmp(v, "text")) {
                fprintf(stderr, "bench_refresh: --format: 'text' or 'json', not '%s'\n", v);
                return -1;
            }
            o->json = !strcmp(v, "json");
        } else if (!strcmp(a, "--sizes")) {
            o->nsizes = 0;
            for (const char *p = v; *p;) {
                char *end;
                errno = 0;
                long n = strtol(p, &end, 10);
                if (end == p || errno || n < 1 || n > 1000000 || (*end && *end != ',') || o->nsizes == MAX_SIZES) {
                    fprintf(stderr, "bench_refresh: --sizes: a list of up to %d numbers 1..1000000, not '%s'\n",
                            MAX_SIZES, v);
                    return -1;
                }
                o->sizes[o->nsizes++] = n;
                p = *end ? end + 1 : end;
            }
        } else if (!strcmp(a, "--min-time-ms")) {
            char *end;
            o->min_time_ms = strtol(v, &end, 10);
            if (*end || o->min_time_ms < 1 || o->min_time_ms > 60000) {
                fprintf(stderr, "bench_refresh: --min-time-ms: 1..60000, not '%s'\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--journal")) {
            o->journal = !strcmp(v, "off") ? 1 : !strcmp(v, "on") ? 2 : !strcmp(v, "both") ? 3 : 0;
            if (!o->journal) {
                fprintf(stderr, "bench_refresh: --journal: off, on or both, not '%s'\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--only")) {
            o->objects = !strcmp(v, "objects");
            o->enums = !strcmp(v, "enum");
            if (!o->objects && !o->enums) {
                fprintf(stderr, "bench_refresh: --only: objects or enum, not '%s'\n", v);
                return -1;
            }
        } else if (!strcmp(a, "--provider")) {
            free(o->provider);
            o->provider = hp_strdup(v);
        } else if (!strcmp(a, "--mof")) {
            free(o->mof);
            o->mof = hp_strdup(v);
        } else {
            fprintf(stderr, "bench_refresh: unknown option: %s\n%s", a, usage);
            return -1;
        }
    }
    if (!o->provider || !o->mof) {
        char *dir = self_dir();
        if (!dir) {
            fprintf(stderr, "bench_refresh: cannot find where this program is; give --provider and --mof\n");
            return -1;
        }
        /* The installed layout (<bindir>/../<libdir>/hiperfcheck/) when it
         * is there, else the build tree (build/lib). */
        char *inst = hp_sprintf("%s/../" BENCH_INSTALL_LIBDIR "/hiperfcheck", dir);
        const char *lib = inst && access(inst, R_OK) == 0 ? inst : NULL;
        if (!o->provider)
            o->provider = lib ? hp_sprintf("%s/libhiperf_refprov.so", lib)
                              : hp_sprintf("%s/../lib/libhiperf_refprov.so", dir);
        if (!o->mof)
            o->mof = lib ? hp_sprintf("%s/hiperf_refprov.mof", lib) : hp_sprintf("%s/../lib/hiperf_refprov.mof", dir);
        free(inst);
        free(dir);
    }
    if (access(o->provider, R_OK) != 0 || access(o->mof, R_OK) != 0) {
        fprintf(stderr, "bench_refresh: cannot read %s: %s\n", access(o->provider, R_OK) ? o->provider : o->mof,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* A stopped or preloaded clock would make every figure meaningless. */
static int check_clock(void)
{
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "faketime")) {
        fprintf(stderr, "bench_refresh: refusing to run under libfaketime (LD_PRELOAD=%s)\n", pre);
        return -1;
    }
    int64_t t0 = now_ns();
    volatile unsigned spin = 0;
    for (unsigned i = 0; i < 10000000 && now_ns() == t0; i++)
        spin++;
    if (now_ns() == t0) {
        fprintf(stderr, "bench_refresh: CLOCK_MONOTONIC does not move; cannot measure\n");
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct series ss[4];
    struct options o;
    size_t nseries = 0;
    int status = 0;

    if (parse_args(&o, argc, argv) != 0)
        return 2;
    if (check_clock() != 0)
        return 2;
    hp_actor_set(HP_ACTOR_HOST);
    for (int journal = 0; journal < 2; journal++) {
        if (!(o.journal & (1 << journal)))
            continue;
        for (int kind = 0; kind < 2; kind++) {
            if ((kind == 0 && !o.objects) || (kind == 1 && !o.enums))
                continue;
            struct series *x = &ss[nseries++];
            x->kind = kind == 0 ? "objects" : "enum";
            x->cls = kind == 0 ? CLASS_PROCESSOR : CLASS_THREAD;
            x->counter_bytes = kind == 0 ? OBJ_COUNTER_BYTES : ENUM_COUNTER_BYTES;
            x->journal = journal == 1;
            for (size_t i = 0; i < o.nsizes; i++) {
                int rc = kind == 0 ? bench_objects(&o, o.sizes[i], journal == 1, &x->r[x->n])
                                   : bench_enum(&o, o.sizes[i], journal == 1, &x->r[x->n]);
                if (rc != 0 || x->r[x->n].findings)
                    status = 1;
                if (!o.json)
                    fprintf(stderr, "bench_refresh: %s, journal %s, %ld: %s\n", x->kind, journal ? "on" : "off",
                            o.sizes[i], rc ? x->r[x->n].error : "done");
                x->n++;
            }
        }
    }
    if (o.json)
        print_json(ss, nseries, &o);
    else
        print_text(ss, nseries);
    free(o.provider);
    free(o.mof);
    return status;
}
