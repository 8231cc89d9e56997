/*
 * mocks/namespace.h - IWbemServices as a provider (and a client) sees it:
 * GetObject for a class or an instance path, CreateInstanceEnum and
 * `SELECT * FROM Class` ExecQuery served through the class's provider, the
 * async forms of those three, and WBEM_E_NOT_SUPPORTED (with a journal note)
 * for everything a provider never needs.
 *
 * Instances are served the way WMI serves them: a hi-perf provider through
 * IWbemHiPerfProvider::QueryInstances (enumeration) and GetObjects (one
 * instance by key), an ordinary provider through its own IWbemServices
 * (CreateInstanceEnumAsync, GetObjectAsync) with a recording sink.
 */
#ifndef HIPERF_MOCKS_NAMESPACE_H
#define HIPERF_MOCKS_NAMESPACE_H

#include "host.h"

struct hnamespace;

/* The host's namespace object, created on first use (the host holds one
 * reference; it lives until host_free).  Borrowed: a caller that keeps it
 * AddRefs it.  NULL on ENOMEM. */
IWbemServices *host_namespace(struct host *host);

/* The namespace object's ledger header (host_namespace() made first). */
struct hobj *host_namespace_hobj(struct host *host);

/* How long the namespace waits for an asynchronous provider to call
 * SetStatus on a sink, in milliseconds of real time (default 5000). */
void host_set_provider_wait(struct host *host, unsigned ms);

/* The instances of a class as its provider reports them now, for the
 * harness's own use (the same path as CreateInstanceEnum, without the
 * enumerator object).  *objs is an owned array of host object pointers,
 * each carrying one HOST reference (release with hobj_unref(...,
 * HP_ACTOR_HOST)); returns the HRESULT the provider gave. */
HRESULT host_query_instances(struct host *host, const struct repo_class *cls,
                             IWbemClassObject ***objs, size_t *n);

/* One instance by path (borrowed UTF-8, "Class.Key=\"v\"" or "Class=@"),
 * served the way GetObject serves it: a hi-perf provider through
 * IWbemHiPerfProvider::GetObjects (or, when it answers
 * WBEM_E_PROVIDER_NOT_CAPABLE, through a refresher made for the object:
 * CreateRefresher, CreateRefreshableObject, Refresh, as WMI does), an
 * ordinary one through its
 * GetObjectAsync, a static class from the repository.  *out carries one
 * HOST reference (hobj_unref(hobject_hobj(*out), HP_ACTOR_HOST)).  Returns
 * the HRESULT: WBEM_E_INVALID_OBJECT_PATH (bad or class path),
 * WBEM_E_INVALID_CLASS, or what the provider gave. */
struct hobject;
HRESULT host_get_instance(struct host *host, const char *path, struct hobject **out);

/* The namespace's refreshing services (refrsvc.h), made on first use and
 * held by the namespace until host_free; borrowed.  NULL on ENOMEM. */
struct refrsvc;
struct refrsvc *host_refrsvc(struct host *host);

#endif
