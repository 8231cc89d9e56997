/*
 * bench/bench_objaccess.c - how long IWbemObjectAccess handle access takes
 * through the vtable, as a provider's Refresh does it: WriteDWORD,
 * WriteQWORD and ReadDWORD over many instances of one class, with the
 * host's journal on and off.  For scale it also times the host's per-call
 * bookkeeping alone (host_enter + host_leave, what every method pays).
 *
 * It measures and prints; it asserts nothing about speed.  Each figure is
 * the best of several passes over all instances (ns per call).
 *
 *   bench_objaccess [instances] [passes]      (defaults 100000 and 7)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "object.h"
#include "repo.h"

static const char bench_mof[] =
    "[dynamic, provider(\"BenchProv\"), hiperf]\n"
    "class Bench_Counter\n"
    "{\n"
    "    [key] string Name;\n"
    "    uint32 Count;\n"
    "    uint32 Rate;\n"
    "    uint64 Bytes;\n"
    "    uint64 Timestamp;\n"
    "};\n";

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

enum op { OP_WRITE_DWORD, OP_WRITE_QWORD, OP_READ_DWORD, OP_ENTER_LEAVE };

static const char *const op_names[] = {
    "WriteDWORD",
    "WriteQWORD",
    "ReadDWORD",
    "host_enter+host_leave only",
};

struct bench {
    struct host *host;
    IWbemObjectAccess **obj;
    size_t n;
    LONG h_count, h_bytes;
    volatile uint64_t sink;
};

/* One pass over every instance; returns the failures (there should be none). */
static size_t pass(struct bench *b, enum op op, uint32_t round)
{
    size_t failures = 0;
    uint64_t sum = 0;
    IWbemObjectAccess **obj = b->obj;
    switch (op) {
    case OP_WRITE_DWORD:
        for (size_t i = 0; i < b->n; i++)
            failures += IWbemObjectAccess_WriteDWORD(obj[i], b->h_count, (DWORD)(i + round)) != S_OK;
        break;
    case OP_WRITE_QWORD:
        for (size_t i = 0; i < b->n; i++)
            failures += IWbemObjectAccess_WriteQWORD(obj[i], b->h_bytes, (UINT64)i << 20 | round) != S_OK;
        break;
    case OP_READ_DWORD:
        for (size_t i = 0; i < b->n; i++) {
            DWORD v = 0;
            failures += IWbemObjectAccess_ReadDWORD(obj[i], b->h_count, &v) != S_OK;
            sum += v;
        }
        break;
    case OP_ENTER_LEAVE:
        for (size_t i = 0; i < b->n; i++) {
            struct hobj *h = hobject_hobj(hobject_from_iface(obj[i]));
            HRESULT hr = host_enter(b->host, h, HPM_IWbemObjectAccess_WriteDWORD);
            failures += host_leave(b->host, h, HPM_IWbemObjectAccess_WriteDWORD, 0, 0, 0, 0, hr) != S_OK;
        }
        break;
    }
    b->sink += sum;
    return failures;
}

static double best_ns_per_call(struct bench *b, enum op op, int passes, size_t *failures)
{
    double best = 1e300;
    pass(b, op, 0); /* warm up: caches, page faults of the journal ring */
    for (int r = 1; r <= passes; r++) {
        double t0 = now_ns();
        *failures += pass(b, op, (uint32_t)r);
        double t = (now_ns() - t0) / (double)b->n;
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    int passes = argc > 2 ? atoi(argv[2]) : 7;
    if (!n || passes < 1) {
        fprintf(stderr, "usage: bench_objaccess [instances] [passes]\n");
        return 2;
    }

    struct repo *repo = repo_new();
    if (!repo || mof_load_buffer(repo, "bench.mof", bench_mof, sizeof bench_mof - 1) != 0) {
        fprintf(stderr, "bench_objaccess: %s\n", hp_error_message());
        return 3;
    }
    struct bench b = {0};
    if (host_new(&b.host, repo, NULL) != 0) {
        fprintf(stderr, "bench_objaccess: %s\n", hp_error_message());
        return 3;
    }
    const struct repo_class *cls = repo_class(repo, "Bench_Counter");
    b.n = n;
    b.obj = calloc(n, sizeof *b.obj);
    if (!cls || !b.obj)
        return 3;
    for (size_t i = 0; i < n; i++) {
        struct hobject *o = hobject_new_instance(b.host, cls, HP_ACTOR_PROVIDER);
        if (!o) {
            fprintf(stderr, "bench_objaccess: out of memory at instance %zu\n", i);
            return 3;
        }
        b.obj[i] = hobject_access(o);
    }

    /* What a provider does once, then on every refresh. */
    hp_actor_set(HP_ACTOR_PROVIDER);
    if (IWbemObjectAccess_GetPropertyHandle(b.obj[0], u"Count", NULL, &b.h_count) != S_OK ||
        IWbemObjectAccess_GetPropertyHandle(b.obj[0], u"Bytes", NULL, &b.h_bytes) != S_OK) {
        fprintf(stderr, "bench_objaccess: no handles\n");
        return 3;
    }

    /* Touch every page of the journal's ring once, so that no figure pays
     * for first-touch page faults. */
    size_t failures = 0;
    b.host->journal.enabled = true;
    while (journal_next_seq(&b.host->journal) <= b.host->journal.mask + 1)
        failures += pass(&b, OP_ENTER_LEAVE, 0);

    printf("IWbemObjectAccess through the vtable, %zu instances, best of %d passes (ns per call)\n\n",
           n, passes);
    printf("%-28s %12s %12s\n", "", "journal off", "journal on");
    for (int op = OP_WRITE_DWORD; op <= OP_ENTER_LEAVE; op++) {
        b.host->journal.enabled = false;
        double off = best_ns_per_call(&b, (enum op)op, passes, &failures);
        b.host->journal.enabled = true;
        double on = best_ns_per_call(&b, (enum op)op, passes, &failures);
        printf("%-28s %12.2f %12.2f\n", op_names[op], off, on);
    }
    printf("\njournal records written: %" PRIu64 " (ring of %" PRIu64 ")\n",
           journal_next_seq(&b.host->journal), b.host->journal.mask + 1);
    if (failures)
        printf("FAILED CALLS: %zu\n", failures);

    hp_actor_set(HP_ACTOR_HOST);
    host_free(b.host);
    repo_free(repo);
    free(b.obj);
    return failures ? 1 : 0;
}
