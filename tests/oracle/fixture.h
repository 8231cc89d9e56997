/*
 * tests/oracle/fixture.h - synthetic oracles for the oracle's tests: a
 * small requirement catalog, scenarios with one check of every kind, and
 * helpers that record a case in one call, the way the runner will.
 */
#ifndef HIPERF_TESTS_ORACLE_FIXTURE_H
#define HIPERF_TESTS_ORACLE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oracle.h"

/* T-MUST-1, T-MUST-2 (MUST), T-SHOULD-1 (SHOULD), T-MAY-1 (MAY, its source
 * holds a URL), T-UNUSED (never checked). */
extern const char fx_catalog[];

#define FX_NAME "TestProvider"
#define FX_CLSID "{11111111-2222-3333-4444-555555555555}"
#define FX_OTHER_CLSID "{99999999-2222-3333-4444-555555555555}"

/* A fresh temporary directory (owned path, free()); removed with its files
 * by fx_rmdir(). */
char *fx_tmpdir(void);
void fx_rmdir(char *dir);
/* dir/name, owned. */
char *fx_path(const char *dir, const char *name);

/* Opens (creating) an oracle at path and loads fx_catalog. */
struct oracle *fx_open(const char *path);

/* Scenario "alpha" (covers T-MUST-1 T-MUST-2), checks:
 *   "hr"   CHECK_HRESULT S_OK   [T-MUST-1]     line 10
 *   "cmp"  CHECK_COMPARE ==     [T-MUST-2]     line 11
 *   "tru"  CHECK_TRUE           [T-SHOULD-1]   line 12
 *   "val"  CHECK_VALUE          [T-MUST-1]     line 13
 *   "may"  CHECK_HRESULT S_OK   [T-MAY-1]      line 14
 * Scenario "beta" (covers T-MUST-2, needs refreshers), checks:
 *   "load" CHECK_HRESULT success [T-MUST-2]    line 5
 *   "need" CHECK_SKIP            [T-MUST-2]    line 6
 * Scenario "gamma" (covers T-MUST-1, needs baseline), checks:
 *   "v1"   CHECK_VALUE           [T-MUST-1]    line 3
 */
int64_t fx_alpha(struct oracle *o);
int64_t fx_beta(struct oracle *o);
int64_t fx_gamma(struct oracle *o);

/* Begins a run of the test provider (identity FX_NAME / clsid). */
int64_t fx_run(struct oracle *o, const char *clsid);

/* Records a case of scenario sid / class with the worker's status and the
 * observations given as triples "check id", "observed", iteration (as a
 * decimal string), NULL-terminated.  Returns the case's display verdict. */
int fx_case(struct oracle *o, int64_t run, int64_t sid, const char *class_name, enum oracle_worker_status status,
            int status_value, ...);
/* The same, returning the case id. */
int64_t fx_case_id(struct oracle *o, int64_t run, int64_t sid, const char *class_name,
                   enum oracle_worker_status status, int status_value, ...);

/* The display verdict and message of one stored observation (case, check,
 * iteration); message copied into buf. */
int fx_check_verdict(struct oracle *o, int64_t case_id, const char *check_id, unsigned iteration, char *buf,
                     size_t size);

/* Whole file into an owned buffer (NULL if missing). */
char *fx_slurp(const char *path, size_t *len);
bool fx_same_bytes(const char *path, const char *data, size_t len);

#endif
