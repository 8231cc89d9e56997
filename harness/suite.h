/*
 * harness/suite.h - where the built-in parts are and how a set of scenarios
 * is gathered: the reference provider and its MOF, the built-in scenario
 * catalog, the requirement catalog (embedded in the program), and the
 * scenario files named on the command line (files or directories of .scn).
 *
 * Built-in paths, first match wins: an environment override
 * (HIPERFCHECK_PROVIDER, HIPERFCHECK_MOF, HIPERFCHECK_SCENARIOS), then the
 * installed layout next to the program (<bindir>/../<libdir>/hiperfcheck/...
 * with <libdir> the configured CMAKE_INSTALL_LIBDIR, then ../lib/hiperfcheck,
 * <bindir>/../share/hiperfcheck/scenarios), then the build tree
 * (<bindir>/../lib/libhiperf_refprov.so, the source tree's scenarios/).
 *
 * Also what a run makes of a MOF, for every command that must agree with
 * `run` on it (run, bless, todo): the provider identity its runs are
 * recorded under and the classes each scenario's cases are for.
 */
#ifndef HIPERF_SUITE_H
#define HIPERF_SUITE_H

#include <stddef.h>

#include "repo.h"
#include "scn.h"

/* Owned paths (free()); NULL with a message when none exists. */
/* This program's own path (owned), NULL if it cannot be told.  Read
 * through /proc/self/exe, whose readlink tools such as valgrind answer
 * with the program they run, whereas exec'ing /proc/self/exe itself would
 * start the tool: workers are exec'd by this path. */
char *suite_self_path(void);
char *suite_reference_provider(void);
char *suite_reference_mof(void);
char *suite_builtin_scenarios(void);

/* The requirement catalog compiled into the program (oracle/requirements.txt). */
const char *suite_requirements_text(size_t *len);

struct suite {
    struct scn_file **files;   /* owned, sorted by scenario name */
    size_t n;
};

/* Parses every scenario of the paths (files, or directories whose *.scn
 * are taken in name order); with no path, the built-in catalog.  Checks
 * every requirement ID against the embedded catalog and that no two
 * scenarios share a name.  0, or HP_EIO / HP_EPARSE / HP_EINVAL with
 * "file:line:col: message" (the CLI exits 2). */
int suite_load(struct suite *out, const char *const *paths, size_t npaths);
void suite_free(struct suite *s);

/* True if any check or the covers of f names the requirement. */
int suite_covers(const struct scn_file *f, const char *req_id);

/* The provider a run of repo's MOF is recorded under (its identity:
 * registered Name + CLSID, docs/oracle.md): its first refresher-capable
 * registration, else its first; NULL when it registers none.  Borrowed
 * from repo. */
const struct repo_provider *suite_identity(const struct repo *repo);
/* prov's CLSID as runs store it, "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
 * "" when prov is NULL or registers none. */
void suite_clsid_text(char out[39], const struct repo_provider *prov);
/* The classes a run of repo's MOF has cases of f for (its for-each): ""
 * once for a scenario without for-each, the class it names, or each
 * dynamic, concrete, provided class of the kind it names in declaration
 * order.  *out is an owned array (free()) of names borrowed from f and
 * repo, NULL when none.  Returns the count, or SIZE_MAX with *out NULL and
 * HP_ENOMEM set. */
size_t suite_case_classes(const char ***out, const struct scn_file *f, const struct repo *repo);

#endif
