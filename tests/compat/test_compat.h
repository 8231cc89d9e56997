/*
 * test_compat.h - what the files of the test_compat executable share: one
 * group runner per concern (each returns its count of failed tests) and a
 * counting IUnknown whose reference traffic the tests assert exactly.
 */
#ifndef TEST_COMPAT_H
#define TEST_COMPAT_H

#include <stdatomic.h>

#include "hiperf/oleauto.h"
#include "hiperf/unknwn.h"

int run_cotaskmem_tests(void);
int run_bstr_tests(void);
int run_variant_tests(void);
int run_safearray_tests(void);
int run_guid_tests(void);
int run_thread_tests(void);
int run_cocreate_tests(void);

/* A COM object that only counts.  It is never freed by its last Release (it
 * lives in the test's frame), so a count that goes wrong shows up as a
 * failed assertion rather than a crash. */
struct counting_unknown {
    IUnknown IUnknown_iface;
    atomic_uint refs;     /* starts at 1, the test's own reference */
    atomic_uint addrefs;  /* AddRef calls seen */
    atomic_uint releases; /* Release calls seen */
};

void counting_unknown_init(struct counting_unknown *obj);
unsigned counting_unknown_refs(struct counting_unknown *obj);
unsigned counting_unknown_addrefs(struct counting_unknown *obj);
unsigned counting_unknown_releases(struct counting_unknown *obj);

#endif /* TEST_COMPAT_H */
