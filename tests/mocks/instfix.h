/*
 * tests/mocks/instfix.h - a small fixture shared by the tests of the host
 * objects that hold instances (hi-perf enumerators, sinks, enumerators,
 * call results): a repository with one class, a host over it, instances
 * of that class, and a provider-side IUnknown that is not a host object.
 */
#ifndef HIPERF_TESTS_MOCKS_INSTFIX_H
#define HIPERF_TESTS_MOCKS_INSTFIX_H

#include <stdint.h>

#include "host.h"
#include "object.h"

struct instfix {
    struct repo *repo;
    struct host *host;
    const struct repo_class *cls;   /* Test_Counter */
};

/* Builds repo + host (the calling thread's actor becomes HOST).  0 or an
 * HP_E* code. */
int instfix_setup(struct instfix *f);
void instfix_teardown(struct instfix *f);

/* A new Test_Counter instance with one reference held by `holder` (the
 * provider, typically); NULL on failure. */
IWbemObjectAccess *instfix_instance(struct instfix *f, enum hp_actor holder);

/* The ledger header of a host object, and the references `a` holds on it. */
struct hobj *instfix_hobj(const void *iface);
int32_t instfix_held(const void *iface, enum hp_actor a);

/* A provider's own COM object: an IUnknown with a plain count, which the
 * host must refuse where a host object is required. */
struct foreign_unknown {
    IUnknown IUnknown_iface;
    int refs;
};
void foreign_unknown_init(struct foreign_unknown *u);

#endif
