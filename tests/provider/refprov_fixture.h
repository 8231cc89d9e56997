/*
 * tests/provider/refprov_fixture.h - what the tests of the reference
 * provider share: the repository from its MOF, a host over it with the
 * provider loaded as WMI loads it, the host's side of the hi-perf calls
 * (each through HOST_CALL_PROVIDER, so every reference the provider takes
 * is charged to it in the ledger, and every [out] object moved to the
 * HOST actor), and the fake clock: libfaketime with a timestamp file the
 * tests rewrite to move time.
 *
 * Ownership: struct rpfx owns the repository and the host; the hostprov
 * and the namespace are borrowed from the host.  Objects the helpers
 * return carry one HOST reference (hobj_unref(..., HP_ACTOR_HOST)).
 */
#ifndef HIPERF_TESTS_REFPROV_FIXTURE_H
#define HIPERF_TESTS_REFPROV_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "hiperfenum.h"
#include "host.h"
#include "loader.h"
#include "namespace.h"
#include "object.h"
#include "sink.h"

#define RP_CLASS_PROCESSOR "Win32_PerfRawData_HiPerfCheck_Processor"
#define RP_CLASS_PROCESS "Win32_PerfRawData_HiPerfCheck_Process"
#define RP_CLASS_SYSTEM "Win32_PerfRawData_HiPerfCheck_System"
#define RP_CLASS_THREAD "Win32_PerfRawData_HiPerfCheck_Thread"
#define RP_CLASS_DISK "HiPerfCheck_Disk"

struct rpfx {
    struct repo *repo;
    struct host *host;
    struct hostprov *prov;     /* HiPerfCheck_Reference inside WMI; borrowed */
    IWbemHiPerfProvider *hp;   /* prov->hiperf; borrowed */
    IWbemServices *ns;         /* the host's namespace; borrowed */
};

/* Reads the MOF (REFPROV_MOF), makes a host (journal on) and loads the
 * hi-perf provider (REFPROV_SO).  0, or -1 with the reason on stderr. */
int rpfx_open(struct rpfx *f);
/* Unloads the providers (*can_unload: DllCanUnloadNow's answer, may be
 * NULL) and frees everything. */
void rpfx_close(struct rpfx *f, HRESULT *can_unload);

/* ---- the fake clock ------------------------------------------------------ */

/* True when libfaketime drives this process's clock through
 * FAKETIME_TIMESTAMP_FILE (checked by moving it once). */
bool rpfx_faketime_active(void);
/* Writes `when` ("YYYY-MM-DD HH:MM:SS[.fraction]", UTC) into the timestamp
 * file and returns true once CLOCK_REALTIME shows it. */
bool rpfx_set_time(const char *when);
/* Seconds since 1970 of such a text (UTC); -1 if it does not parse. */
int64_t rpfx_parse_time(const char *when);

/* ---- the host's side of the calls ----------------------------------------- */

/* A host instance of `cls` with the key property `key_prop` set to `key`
 * (key_prop NULL: none set); one HOST reference.  NULL on failure. */
struct hobject *rpfx_instance(struct rpfx *f, const char *cls, const char *key_prop, const char *key);

HRESULT rpfx_create_refresher(struct rpfx *f, IWbemRefresher **out);
/* Releases the host's reference on a provider refresher. */
void rpfx_release_refresher(struct rpfx *f, IWbemRefresher *r);
/* CreateRefreshableObject with template `tmpl`; *out gets the object
 * with its [out] reference moved to HOST.  A failure that left
 * *ppRefreshable non-NULL is reported as E_UNEXPECTED. */
HRESULT rpfx_add_object(struct rpfx *f, IWbemRefresher *r, struct hobject *tmpl, struct hobject **out,
                        LONG *id);
/* A new host enumerator (one HOST reference) given to
 * CreateRefreshableEnum for `cls`. */
HRESULT rpfx_add_enum(struct rpfx *f, IWbemRefresher *r, const char *cls, struct hpenum **out, LONG *id);
/* The same, leaving the enumerator's "may modify" window open (the caller
 * closes it with hpenum_window_close): for a refresher that other threads
 * refresh meanwhile. */
HRESULT rpfx_add_enum_open(struct rpfx *f, IWbemRefresher *r, const char *cls, struct hpenum **out, LONG *id);
HRESULT rpfx_stop(struct rpfx *f, IWbemRefresher *r, LONG id);
/* Refresh, with the "may modify" windows of enums[0..n) open around it. */
HRESULT rpfx_refresh(struct rpfx *f, IWbemRefresher *r, struct hpenum *const *enums, size_t n);

/* ---- reading what the host holds ------------------------------------------ */

/* An unsigned integer property; 0 when it is NULL (rpfx_is_null tells). */
uint64_t rpfx_u64(struct hobject *o, const char *prop);
bool rpfx_is_null(struct hobject *o, const char *prop);
/* A string property as owned UTF-8 (free()), NULL when NULL. */
char *rpfx_str(struct hobject *o, const char *prop);
/* The ledger's findings so far, each printed to stderr (a test asserts
 * the count is 0 and the text says why it is not). */
size_t rpfx_findings(struct rpfx *f);
/* References `a` holds on a host object. */
int32_t rpfx_held(struct hobj *h, enum hp_actor a);
/* The host's namespace object's ledger header (the object the provider
 * keeps from Initialize). */
struct hobj *rpfx_namespace_hobj(struct rpfx *f);

#endif
