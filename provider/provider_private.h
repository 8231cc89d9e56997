/*
 * provider/provider_private.h - what the files of the reference provider
 * share.  Nothing here is visible outside the shared object: the only
 * exported symbols are DllGetClassObject and DllCanUnloadNow (server.c).
 *
 * The reference provider is written the way an outside author writes one:
 * against the public headers (hiperf/com.h) and the OLE Automation subset
 * (libhiperf_compat), nothing else from hiperfcheck.
 *
 * Files:
 *   server.c    the in-process server: DllGetClassObject, DllCanUnloadNow,
 *               the class factory, the count of live objects and locks
 *   provider.c  the hi-perf provider object: IWbemProviderInit,
 *               IWbemHiPerfProvider and IWbemServices on one object
 *   refresher.c IWbemRefresher and the entries a refresher keeps
 *   ordinary.c  the second, ordinary provider: IWbemProviderInit and
 *               IWbemServices for one class that is not hi-perf
 *   services.c  the IWbemServices code both providers share: the methods
 *               a provider does not support, object paths, WQL
 *   classes.c   the class table and every value as a function of the clock
 *   objects.c   helpers that read and write host objects (keys, handles)
 */
#ifndef HIPERF_REFPROV_PRIVATE_H
#define HIPERF_REFPROV_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hiperf/com.h"

/* container_of: the struct that embeds `member` at `ptr`.  The void * step
 * keeps -Wcast-align quiet; the pointer was made from a struct of that
 * type, so it is aligned. */
#define RP_CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define RP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- server.c ---------------------------------------------------------- */

/* The provider's class identifiers, as registered in hiperf_refprov.mof.
 * CLSID is what WMI creates the hi-perf provider with inside its own
 * process, ClientLoadableCLSID what it uses inside a client's process; the
 * two differ so the provider can tell where it runs. */
extern const CLSID CLSID_RefProv;             /* {D912E92E-E4C1-44FC-BD2A-FF36D68B16CA} */
extern const CLSID CLSID_RefProvClient;       /* {07D4B961-42B1-4090-B8C2-D4F8FA7D7542} */
extern const CLSID CLSID_RefProvOrdinary;     /* {9360BFA2-939C-4EC4-B8B8-EC4135FEFDE8} */

/* Every COM object of the module calls rp_module_object_created() once
 * when it is made and rp_module_object_destroyed() once when it is freed;
 * DllCanUnloadNow answers S_OK only when the count and the LockServer
 * count are both zero. */
void rp_module_object_created(void);
void rp_module_object_destroyed(void);

/* ---- classes.c --------------------------------------------------------- */

/* One reading of the clocks.  Every value the provider reports is a pure
 * function of one of these and the instance. */
struct rp_now {
    uint64_t perf_time;  /* CLOCK_MONOTONIC in 100 ns units: Timestamp_PerfTime */
    uint64_t sys100ns;   /* CLOCK_REALTIME as a FILETIME (100 ns since 1601-01-01) */
    uint64_t sec;        /* CLOCK_REALTIME whole seconds since 1970: drives the schedule */
};

/* Reads CLOCK_MONOTONIC and CLOCK_REALTIME once each.  Never waits. */
void rp_now_read(struct rp_now *now);

enum rp_class_id {
    RP_CLASS_PROCESSOR,  /* Win32_PerfRawData_HiPerfCheck_Processor: fixed instances */
    RP_CLASS_PROCESS,    /* Win32_PerfRawData_HiPerfCheck_Process: instances come and go */
    RP_CLASS_SYSTEM,     /* Win32_PerfRawData_HiPerfCheck_System: a singleton */
    RP_CLASS_THREAD,     /* Win32_PerfRawData_HiPerfCheck_Thread: the benchmark class, N instances */
    RP_CLASS_DISK,       /* HiPerfCheck_Disk: ordinary provider, not hi-perf */
    RP_CLASS_COUNT
};
#define RP_HIPERF_CLASS_COUNT 4  /* the first four are the hi-perf classes */
#define RP_MAX_PROPS 12          /* the most counter properties of a class */
#define RP_NAME_MAX 16           /* room for a generated key value ("999999" and the NUL) */

/* The benchmark knob: Win32_PerfRawData_HiPerfCheck_Thread has
 * HIPERFCHECK_REFPROV_THREADS instances (decimal; default 64, clamped to
 * 1..1,000,000), read once, the first time anything asks. */
#define RP_THREADS_ENV "HIPERFCHECK_REFPROV_THREADS"
#define RP_THREADS_DEFAULT 64u
#define RP_THREADS_MAX 1000000u
unsigned rp_thread_count(void);

/* A counter property, written through IWbemObjectAccess handles. */
struct rp_prop {
    const WCHAR *name;
    CIMTYPE type;        /* CIM_UINT32 (WriteDWORD) or CIM_UINT64 (WriteQWORD) */
};

struct rp_class {
    const WCHAR *name;
    const WCHAR *key;                /* the key property, NULL for a singleton */
    bool hiperf;
    unsigned ninst;                  /* instances that can ever exist (0: ask `count`) */
    const WCHAR *const *inst_names;  /* key values, NULL for a singleton or a generated set */
    /* For a class whose instance set is sized at run time (the Thread
     * class): the number of instances, and key value k as decimal digits.
     * NULL for the classes with a fixed table.  Use rp_class_ninst() and
     * rp_instance_name() rather than the fields. */
    unsigned (*count)(void);
    unsigned nprops;                 /* counter properties, RP_MAX_PROPS at most */
    /* Properties [0, ndynamic) change with time; [ndynamic, nprops) are
     * constants (the frequencies) written once when an object is filled. */
    unsigned ndynamic;
    const struct rp_prop *props;
    /* Fills vals[0, nprops) with the values of instance `inst` at `now` and
     * returns true, or returns false (vals untouched) when the instance does
     * not exist at `now`. */
    bool (*values)(const struct rp_now *now, unsigned inst, uint64_t *vals);
};

extern const struct rp_class rp_classes[RP_CLASS_COUNT];

/* The number of instances class `cls` can ever have (fixed, or read from
 * the environment once for the Thread class). */
unsigned rp_class_ninst(const struct rp_class *cls);
/* The key value of instance k of `cls`: a static string, or written into
 * `buf` (RP_NAME_MAX units) for a generated one; NULL for a singleton. */
const WCHAR *rp_instance_name(const struct rp_class *cls, unsigned k, WCHAR *buf);

/* The class named `name` (ASCII case-insensitive, as WMI compares class
 * names), or -1. */
int rp_class_lookup(const WCHAR *name);
/* The index of the instance whose key is `key` (ASCII case-insensitive,
 * as WMI compares string keys; NULL for a singleton's only instance), or
 * -1.  Whether the instance exists at a given instant is cls->values'
 * answer. */
int rp_instance_lookup(const struct rp_class *cls, const WCHAR *key);

/* ASCII case-insensitive comparison of two NUL-terminated UTF-16 strings
 * (either may be NULL, which equals only NULL). */
bool rp_wcs_ieq(const WCHAR *a, const WCHAR *b);
/* Length in units of a NUL-terminated UTF-16 string. */
size_t rp_wcslen(const WCHAR *s);

/* ---- objects.c --------------------------------------------------------- */

/* The property handles of one class, with the types the host reported. */
struct rp_handles {
    LONG handle[RP_MAX_PROPS];
};

/* Asks `obj` (borrowed) for the handle of every counter of `cls` and checks
 * each type against the class table: WBEM_E_TYPE_MISMATCH if they differ.
 * Fills *out only on success. */
HRESULT rp_handles_query(IWbemObjectAccess *obj, const struct rp_class *cls, struct rp_handles *out);

/* Writes properties [from, to) of `cls` into `obj` (borrowed) through the
 * handles.  Returns the first failure of the host, after trying them all. */
HRESULT rp_write_values(IWbemObjectAccess *obj, const struct rp_class *cls, const struct rp_handles *h,
                        const uint64_t *vals, unsigned from, unsigned to);

/* Puts a string property through IWbemClassObject::Put (VT_BSTR). */
HRESULT rp_put_string(IWbemClassObject *obj, const WCHAR *prop, const WCHAR *value);
/* Puts a uint64 property through IWbemClassObject::Put, as WMI expects
 * it: VT_BSTR holding the decimal digits. */
HRESULT rp_put_uint64(IWbemClassObject *obj, const WCHAR *prop, uint64_t value);

/* Reads which of our classes and instances `obj` (borrowed) is: its
 * __CLASS and its key property.  *cls_out gets the class index, *inst_out
 * the instance index.  WBEM_E_INVALID_PARAMETER when __CLASS or the key is
 * NULL or not a string, WBEM_E_INVALID_CLASS for a class we do not serve
 * (not in the table, or not hi-perf when `hiperf_only`), WBEM_E_NOT_FOUND
 * for a key that names no instance; a failure of the host's Get is
 * returned unchanged. */
HRESULT rp_identify(IWbemClassObject *obj, bool hiperf_only, int *cls_out, int *inst_out);

/* ---- services.c -------------------------------------------------------- */

/* Both provider objects embed one of these for their IWbemServices
 * interface; the shared vtable calls back through `ops`. */
struct rp_services;
struct rp_services_ops {
    /* The object's identity; QueryInterface, AddRef and Release of the
     * IWbemServices interface are forwarded to it.  Borrowed. */
    IUnknown *(*outer)(struct rp_services *s);
    /* Whether this provider serves class `cls` (an rp_classes index). */
    bool (*serves)(struct rp_services *s, int cls);
    /* Makes one new instance of (cls, inst) holding its values at `now`;
     * *out is owned by the caller.  `ns` (borrowed, may be NULL) is the
     * namespace the request came with. */
    HRESULT (*make)(struct rp_services *s, IWbemServices *ns, int cls, unsigned inst,
                    const struct rp_now *now, IWbemClassObject **out);
};
struct rp_services {
    IWbemServices IWbemServices_iface;
    const struct rp_services_ops *ops;
};

/* Sets up the embedded interface (the shared vtable and `ops`). */
void rp_services_init(struct rp_services *s, const struct rp_services_ops *ops);

/* Every existing instance of class `cls` through `sink` (borrowed): one
 * Indicate with all of them (none if there are none), then exactly one
 * SetStatus(WBEM_STATUS_COMPLETE, result).  Returns the result.  Used by
 * QueryInstances and CreateInstanceEnumAsync/ExecQueryAsync. */
HRESULT rp_services_enumerate(struct rp_services *s, IWbemServices *ns, int cls, IWbemObjectSink *sink);
/* Reports `hr` through `sink` with SetStatus(WBEM_STATUS_COMPLETE, hr) and
 * returns hr. */
HRESULT rp_sink_status(IWbemObjectSink *sink, HRESULT hr);

/* ---- provider.c, ordinary.c -------------------------------------------- */

/* A new hi-perf provider object with one reference, returned as its
 * identity IUnknown.  `client_loaded`: made through ClientLoadableCLSID.
 * E_OUTOFMEMORY, or S_OK. */
HRESULT rp_provider_create(bool client_loaded, IUnknown **out);
/* A new ordinary provider object with one reference, as its IUnknown. */
HRESULT rp_ordinary_create(IUnknown **out);

struct rp_provider;

/* The class object of `cls`, fetched once from the namespace (the one
 * Initialize gave, else `ns`) and cached.  Borrowed: valid while the
 * provider lives.  WBEM_E_UNEXPECTED when there is no namespace at all. */
HRESULT rp_provider_class_object(struct rp_provider *p, IWbemServices *ns, int cls, IWbemClassObject **out);
/* The property handles of `cls`, cached per provider: the first caller
 * asks `obj` (borrowed; NULL makes a throwaway instance from the class
 * object), later callers get the cached copy. */
HRESULT rp_provider_handles(struct rp_provider *p, IWbemServices *ns, int cls, IWbemObjectAccess *obj,
                            struct rp_handles *out);
/* Makes a new instance of (cls, inst) with its key and every counter at
 * `now`, as an IWbemObjectAccess owned by the caller. */
HRESULT rp_provider_spawn(struct rp_provider *p, IWbemServices *ns, int cls, unsigned inst,
                          const struct rp_now *now, IWbemObjectAccess **out);
void rp_provider_addref(struct rp_provider *p);
void rp_provider_release(struct rp_provider *p);

/* ---- refresher.c ------------------------------------------------------- */

struct rp_refresher;

/* A new, empty refresher of provider `p` (which it keeps a reference on),
 * with one reference owned by the caller. */
HRESULT rp_refresher_create(struct rp_provider *p, IWbemRefresher **out);
/* The refresher behind `iface` if provider `p` made it, else NULL.  Only
 * compares the vtable pointer and the owner, so any interface pointer is
 * safe to pass.  Borrowed. */
struct rp_refresher *rp_refresher_from_iface(IWbemRefresher *iface, struct rp_provider *p);
/* Adds a refreshable object: `obj` (the refresher takes over the caller's
 * reference on success; on failure the caller keeps it) of instance
 * (cls, inst), with the class's handles `h`.  *id gets its id. */
HRESULT rp_refresher_add_object(struct rp_refresher *r, IWbemObjectAccess *obj, int cls, unsigned inst,
                                const struct rp_handles *h, LONG *id);
/* Adds a refreshable enumerator: `hpe` and `class_obj` are borrowed (the
 * refresher AddRefs what it keeps).  *id gets its id. */
HRESULT rp_refresher_add_enum(struct rp_refresher *r, IWbemHiPerfEnum *hpe, IWbemClassObject *class_obj,
                              int cls, const struct rp_handles *h, LONG *id);
/* Stops refreshing the object or enumerator `id`: WBEM_E_NOT_FOUND when
 * the refresher holds no such id. */
HRESULT rp_refresher_stop(struct rp_refresher *r, LONG id);

#endif /* HIPERF_REFPROV_PRIVATE_H */
