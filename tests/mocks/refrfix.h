/*
 * tests/mocks/refrfix.h - the fixture of the refresher tests
 * (test_clientrefr, test_refrsvc): the REAL reference provider and its MOF
 * loaded into a host, a fake clock the test moves, and the end-of-test
 * checks (nothing leaked by the provider or the client, nothing
 * over-released, the provider unloadable).
 *
 * Time: the test executables run under libfaketimeMT with a stopped clock
 * read from a file (FAKETIME_TIMESTAMP_FILE, FAKETIME_NO_CACHE=1), so both
 * sides of a comparison see the same instant and `refrfix_set_time` moves
 * it.  refrfix_main() re-executes the test with that environment when it
 * is not already set (so the tests run the same from ctest, a shell or a
 * debugger; under valgrind add --trace-children=yes, or set the four
 * variables yourself); without libfaketime the time-dependent tests skip.
 */
#ifndef HIPERF_TESTS_MOCKS_REFRFIX_H
#define HIPERF_TESTS_MOCKS_REFRFIX_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "object.h"

/* 2024-01-01 00:00:00 UTC, the worked example of docs/writing-a-provider.md. */
#define REFRFIX_T0 1704067200LL

struct refrfix {
    struct repo *repo;
    struct host *host;
    IWbemServices *ns;              /* the host's namespace (borrowed) */
    const struct repo_class *proc;  /* Win32_PerfRawData_HiPerfCheck_Processor */
    const struct repo_class *process;
    const struct repo_class *disk;  /* HiPerfCheck_Disk (ordinary provider) */
    const struct repo_provider *refprov;
};

/* Call first in main(): may re-exec the program under libfaketime. */
void refrfix_main(int argc, char **argv);

/* Whether the clock is ours to move. */
bool refrfix_have_faketime(void);
/* Sets the fake clock to `sec` seconds since 1970 (UTC); false if there is
 * no fake clock. */
bool refrfix_set_time(int64_t sec);

/* Repo from the reference MOF, host over it, provider file set, clock at
 * REFRFIX_T0; the thread's actor is CLIENT afterwards.  0 or HP_E*. */
int refrfix_setup(struct refrfix *f);
/* Releases the host's refreshers and providers and checks, with cmocka
 * assertions, that the provider and the client hold nothing, nothing was
 * over-released or used after release, and the provider could unload. */
void refrfix_teardown_checked(struct refrfix *f);
/* The same without the checks (for setup failures). */
void refrfix_teardown(struct refrfix *f);

/* cmocka fixtures over a heap-allocated struct refrfix. */
int refrfix_group_setup(void **state);
int refrfix_group_teardown(void **state);

/* References `a` holds on a host object behind an interface pointer. */
int32_t refrfix_held(const void *iface, enum hp_actor a);
/* The value of a property of a host object, as an unsigned / a string
 * (owned, free()). */
uint64_t refrfix_u64(const void *iface, const char *prop);
char *refrfix_str(const void *iface, const char *prop);
/* Calls of a method completed into the provider / into the host. */
uint64_t refrfix_provider_calls(struct refrfix *f, enum hp_method m);
uint64_t refrfix_host_calls(struct refrfix *f, enum hp_method m);

/* Win32_PerfRawData_HiPerfCheck_Processor, CPU i, at `sec`. */
uint64_t refrfix_cpu_idle_time(int64_t sec, int cpu);

#endif
