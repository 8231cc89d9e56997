/*
 * mocks/loader.h - loading a provider shared object the way WMI loads an
 * in-process provider DLL: dlopen, DllGetClassObject with the CLSID its MOF
 * registers (or the ClientLoadableCLSID when a client loads it in-process),
 * IClassFactory::CreateInstance, QueryInterface for IWbemProviderInit,
 * IWbemHiPerfProvider and IWbemServices, Initialize with the namespace, the
 * locale and a sink, then the wait for SetStatus.  At the end: every
 * release, DllCanUnloadNow, dlclose.
 *
 * One .so serves every provider its MOF registers (the reference provider's
 * MOF registers a hi-perf provider and an ordinary one, two CLSIDs in one
 * file).  Each provider is loaded at most once per host and per CLSID kind.
 *
 * Ownership: the host owns every loaded provider (host->providers); the
 * interface pointers in struct hostprov are the host's references.
 *
 * The last load attempt: what its Initialize showed (return, SetStatus
 * calls) is kept by the host whether the load succeeded or not, so a
 * failed load, whose struct hostprov is discarded, can still be judged
 * (host_last_load_init).  It does not depend on the journal.
 */
#ifndef HIPERF_MOCKS_LOADER_H
#define HIPERF_MOCKS_LOADER_H

#include <stdbool.h>

#include "host.h"
#include "sink.h"

enum hostprov_kind {
    HOSTPROV_IN_WMI = 0,     /* by CLSID, inside WMI */
    HOSTPROV_IN_CLIENT = 1   /* by ClientLoadableCLSID, inside a client */
};

struct hostprov {
    const struct repo_provider *reg;     /* borrowed from the repository */
    enum hostprov_kind kind;
    CLSID clsid;                         /* the one it was created with */
    void *module;                        /* the dlopen handle (shared by the library table) */
    IClassFactory *factory;
    IUnknown *unknown;                   /* the provider object's identity */
    IWbemProviderInit *init;             /* NULL if it does not answer it */
    IWbemHiPerfProvider *hiperf;         /* NULL if not a hi-perf provider */
    IWbemServices *services;             /* NULL if not an instance provider */
    HRESULT init_hr;                     /* what Initialize returned */
    LONG init_status;                    /* what it reported through the sink */
    int init_setstatus_calls;
    bool initialized;
};

/* What the last load attempt's IWbemProviderInit::Initialize showed. */
struct host_load_init {
    const struct repo_provider *reg;     /* the provider it was for (borrowed from the repository) */
    enum hostprov_kind kind;
    bool initialize_called;              /* false: the load failed before Initialize (no CLSID,
                                            DllGetClassObject, CreateInstance, no IWbemProviderInit,
                                            out of memory) */
    HRESULT init_hr;                     /* what Initialize returned (initialize_called) */
    bool reported;                       /* SetStatus was called by the end of the wait */
    struct initsink_stats sink;          /* the SetStatus calls by the end of the wait, as the init
                                            sink counted them (a call the host refused, by a fault
                                            or on the released sink, is not among them) */
    bool loaded;                         /* the attempt succeeded: the provider is in host->providers */
};

/* Where the provider file is: the harness sets it once per host. The path
 * is copied.  0, or HP_ENOMEM. */
int host_set_provider_file(struct host *host, const char *path);

/* Opens the provider file and checks it is a loadable shared object that
 * exports DllGetClassObject and DllCanUnloadNow.  HP_EPROVIDER with a clear
 * message ("x.so: not a shared object: ...", "x.so: does not export
 * DllGetClassObject") otherwise.  Idempotent. */
int host_open_provider_file(struct host *host);

/* The provider serving `reg`, loaded and initialized on first use.
 * Returns 0 and *out (borrowed), or HP_EPROVIDER with a message when the
 * provider cannot be loaded: no CLSID of that kind, DllGetClassObject fails,
 * CreateInstance fails, IWbemProviderInit missing, Initialize failed or
 * never reported through the sink within `wait_ms`. */
int host_load_provider(struct host *host, const struct repo_provider *reg, enum hostprov_kind kind,
                       unsigned wait_ms, struct hostprov **out);

/* The last load attempt of this host: the last host_load_provider call to
 * finish that did not find its provider already loaded, successful or not
 * (a load that Initialize itself causes finishes first).  True and *out
 * filled (a copy), or false (*out zeroed) if there was none.  Like
 * host_load_provider, not to be called while another thread loads. */
bool host_last_load_init(struct host *host, struct host_load_init *out);

/* The loaded provider serving a class, if any (no loading). */
struct hostprov *host_provider_for_class(struct host *host, const struct repo_class *cls,
                                         enum hostprov_kind kind);

/* Releases every provider the host loaded (the host's references, in the
 * reverse order of loading), asks DllCanUnloadNow and closes the module.
 * *can_unload receives DllCanUnloadNow's answer (S_OK/S_FALSE), or
 * E_FAIL if no module was open.  Safe to call twice. */
void host_unload_providers(struct host *host, HRESULT *can_unload);

#endif
