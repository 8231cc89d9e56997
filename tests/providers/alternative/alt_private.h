/*
 * tests/providers/alternative/alt_private.h - what the files of
 * HiPerfCheck_Alternative share.  The provider is a correct hi-perf
 * provider written independently of hiperfcheck's reference provider, to
 * show that the generic scenarios judge by the contract and not by the
 * reference's design or values.  Where the two differ on purpose:
 *
 *   - classes (alternative.mof): a class outside Win32_PerfRawData with a
 *     compound key, one part an integer (AltCheck_DiskIO); a performance
 *     class with uint32 counters only whose instances come and go on their
 *     own schedule (..._Net); a singleton (..._Memory);
 *   - IDs: one counter for the whole provider, shared by all refreshers;
 *   - locking: one recursive mutex for the whole provider, held across
 *     every change to any refresher and across Refresh;
 *   - enumerators are filled inside CreateRefreshableEnum, then brought up
 *     to date by every Refresh;
 *   - property handles are asked from each object when an item is made,
 *     not cached per class;
 *   - QueryInstances indicates one object per Indicate call and answers
 *     success by its return code alone (no SetStatus), as documented.
 *
 * Only hiperf/com.h and the compat library are used, as an outside author
 * would.  Files: alt_server.c (entry points, class factory), alt_provider.c
 * (the provider object), alt_refresher.c (refreshers), alt_classes.c (the
 * classes, keys and values).
 */
#ifndef HIPERF_ALT_PRIVATE_H
#define HIPERF_ALT_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hiperf/com.h"

#define ALT_CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* ---- alt_server.c --------------------------------------------------------- */

/* Every COM object of the module counts itself in when made and out when
 * freed; DllCanUnloadNow says S_OK when none is alive and no lock held. */
void alt_object_made(void);
void alt_object_gone(void);

/* ---- alt_classes.c -------------------------------------------------------- */

/* One clock reading. */
struct alt_clock {
    uint64_t t;     /* CLOCK_MONOTONIC, 100 ns units: Timestamp_PerfTime */
    uint64_t s;     /* CLOCK_REALTIME as a FILETIME: Timestamp_Sys100NS */
    uint64_t sec;   /* CLOCK_REALTIME, whole seconds */
};
void alt_clock_read(struct alt_clock *c);

#define ALT_MAX_PROPS 8
#define ALT_MAX_INST 4

struct alt_prop {
    const WCHAR *name;
    CIMTYPE type;   /* CIM_UINT32 or CIM_UINT64 */
};

struct alt_class {
    const WCHAR *name;
    unsigned ninst;                      /* instances that can exist, at most ALT_MAX_INST */
    unsigned nprops;
    const struct alt_prop *props;
    /* Whether instance i exists at c; if so, its values into v[nprops]. */
    bool (*sample)(unsigned i, const struct alt_clock *c, uint64_t *v);
    /* Puts instance i's key properties into obj (borrowed). */
    HRESULT (*put_keys)(IWbemClassObject *obj, unsigned i);
    /* The instance obj's keys name: *i, or WBEM_E_NOT_FOUND; a key that is
     * missing or of the wrong type: WBEM_E_INVALID_PARAMETER. */
    HRESULT (*find)(IWbemClassObject *obj, unsigned *i);
};

#define ALT_NCLASSES 3
extern const struct alt_class alt_classes[ALT_NCLASSES];

/* The class named `name` (ASCII case-insensitive), or NULL. */
const struct alt_class *alt_class_named(const WCHAR *name);
/* Which of our classes and instances obj (borrowed) is, from its __CLASS
 * and keys: WBEM_E_INVALID_CLASS for another class. */
HRESULT alt_identify(IWbemClassObject *obj, const struct alt_class **cls, unsigned *inst);

/* The property handles of cls, asked from obj (borrowed), types checked:
 * WBEM_E_TYPE_MISMATCH if the host's types differ from the table. */
HRESULT alt_handles(IWbemObjectAccess *obj, const struct alt_class *cls, LONG *h);
/* Writes v[0, nprops) through the handles; the first failure after trying
 * them all. */
HRESULT alt_write(IWbemObjectAccess *obj, const struct alt_class *cls, const LONG *h, const uint64_t *v);

/* ---- alt_provider.c ------------------------------------------------------- */

struct alt_provider;

HRESULT alt_provider_create(IUnknown **out);
void alt_provider_addref(struct alt_provider *p);
void alt_provider_release(struct alt_provider *p);
/* The provider-wide lock (recursive) every refresher change holds. */
pthread_mutex_t *alt_provider_lock(struct alt_provider *p);
/* The next ID, unique for the provider's life. */
LONG alt_provider_next_id(struct alt_provider *p);
/* A new instance i of cls, keys and values at c, as an IWbemObjectAccess
 * owned by the caller.  `ns` (borrowed, may be NULL) is used only if
 * Initialize gave no namespace. */
HRESULT alt_spawn(struct alt_provider *p, IWbemServices *ns, const struct alt_class *cls, unsigned i,
                  const struct alt_clock *c, IWbemObjectAccess **out);

/* ---- alt_refresher.c ------------------------------------------------------ */

struct alt_refresher;

HRESULT alt_refresher_create(struct alt_provider *p, IWbemRefresher **out);
/* The refresher behind iface if provider p made it, else NULL; reads
 * nothing behind iface before its vtable is known to be ours. */
struct alt_refresher *alt_refresher_of(IWbemRefresher *iface, struct alt_provider *p);
/* Adds `obj` (the refresher takes over the caller's reference on success)
 * of instance i of cls, with handles h. */
HRESULT alt_refresher_add_object(struct alt_refresher *r, IWbemObjectAccess *obj, const struct alt_class *cls,
                                 unsigned i, const LONG *h, LONG *id);
/* Adds the host's enumerator hpe (borrowed; AddRef'd) of cls and fills it
 * with every instance that exists now. */
HRESULT alt_refresher_add_enum(struct alt_refresher *r, IWbemServices *ns, IWbemHiPerfEnum *hpe,
                               const struct alt_class *cls, LONG *id);
/* Stops item id of r: WBEM_E_NOT_FOUND if r holds no live item id. */
HRESULT alt_refresher_stop(struct alt_refresher *r, LONG id);

#endif /* HIPERF_ALT_PRIVATE_H */
