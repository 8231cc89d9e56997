/*
 * harness/exec_private.h - the step executor's state, shared by its files
 * (exec.c: the case and the statements; exec_steps.c: the provider-level
 * steps; exec_expect.c: the expectations).
 *
 * One struct exec per case.  Slots hold what the scenario's handles name
 * (scn.h resolves every handle to a slot index at parse time).  Steps may
 * run on several threads (`thread`, `on`): `lock` guards the slots and the
 * iteration counters; no lock is held while the provider is called.
 */
#ifndef HIPERF_EXEC_PRIVATE_H
#define HIPERF_EXEC_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "hiperf/com.h"
#include "clientrefr.h"
#include "host.h"
#include "hiperfenum.h"
#include "hostrefr.h"
#include "loader.h"
#include "object.h"
#include "protocol.h"
#include "repo.h"
#include "scn.h"
#include "sink.h"
#include "worker.h"

struct exec;
struct nswrap;

/* What an IWbemProviderInit::Initialize showed: its return, and the
 * SetStatus calls on its sink (from the journal: lStatus is arg 0, lFlags
 * arg 1). */
struct init_record {
    bool valid;                           /* an Initialize was seen */
    HRESULT ret;                          /* what Initialize returned */
    size_t calls;                         /* SetStatus calls */
    LONG first_status;                    /* lStatus of the first one */
    bool values_ok;                       /* every lStatus WBEM_S_INITIALIZED or WBEM_E_FAILED, every lFlags 0 */
};

/* What a slot holds.  Every interface pointer is a reference of the host
 * (or of the client, for client handles) that Release or the end of the
 * case drops. */
struct slotval {
    enum scn_handle_kind kind;            /* SCN_H_NONE: empty */
    /* SCN_H_REFRESHER */
    IWbemRefresher *refresher;            /* the provider's (or the foreign one) */
    struct hostprov *prov;                /* which provider made it */
    bool foreign;
    /* SCN_H_OBJECT, SCN_H_FETCHED */
    struct hobject *obj;                  /* HOST reference */
    /* SCN_H_OBJECT, SCN_H_ENUM */
    LONG id;                              /* the provider's ID */
    int refresher_slot;                   /* the refresher it was added to, -1 */
    /* SCN_H_ENUM */
    struct hpenum *penum;                 /* HOST reference */
    /* SCN_H_SINK */
    struct objsink *sink;                 /* HOST reference */
    IWbemClassObject **inst;              /* indicated objects, HOST references */
    size_t ninst;
    HRESULT result;                       /* the step's effective HRESULT */
    /* client handles (SCN_H_CLIENT*, SCN_H_INFO, SCN_H_REMOTE) */
    enum hp_actor holder;                 /* who holds obj/penum: HOST or CLIENT */
    struct clientrefr *client;            /* SCN_H_CLIENT: a CLIENT reference */
    LONG rights;                          /* SCN_H_RSERVICES: the namespace rights it calls with */
    _WBEM_REFRESH_INFO info;              /* SCN_H_INFO: as the server filled it */
    bool info_zero;                       /* every byte of it was zero after the call */
    char *path;                           /* SCN_H_INFO: the path or class it was asked for */
    bool is_enum;
    IWbemRemoteRefresher *remote;         /* SCN_H_REMOTE: a CLIENT reference */
    /* SCN_H_THREAD */
    pthread_t thread;
    atomic_bool done;
    bool started, joined;
    /* SCN_H_SNAPSHOT */
    struct cim_value *values;             /* copies of the object's property values */
    size_t nvalues;
    const struct repo_class *snap_cls;
    char **keys;                          /* an enumerator's members (relpaths), sorted */
    size_t nkeys;
    uint64_t mod_count;                   /* an enumerator's modification counter */
    /* SCN_H_FACTORY, SCN_H_PROVOBJ: an interface of the provider's object,
     * a HOST reference (host_provider_release) */
    IUnknown *unk;
    struct init_record init;              /* SCN_H_PROVOBJ: its Initialize */
    struct nswrap *nswrap;                /* ... the namespace it was given (exec_nswrap.c; owned by x) */
    /* A handle bound by (or called with) a call with an [out] interface
     * pointer: how that call left it. */
    bool out_seen, out_failed, out_null;
    uint64_t tmpl_id;                     /* SCN_H_OBJECT: hobj id of the template it was made from */
    HRESULT returned_hr;                  /* SCN_H_SINK: what the call itself returned */
    const struct repo_class *enum_cls;    /* SCN_H_ENUM, SCN_H_CLIENT_ENUM: the class it enumerates */
    bool has_returned;
    ULONG returned;                       /* ... *puReturned of its last GetObjects */
    bool has_refreshed;                   /* SCN_H_REMOTE: its last RemoteRefresh */
    LONG refreshed;
    bool blobs_ok;
    char *blobs_why;                      /* owned: what was wrong with the blobs */
    bool has_guid, has_server_guid;       /* SCN_H_REMOTE: GetRemoteRefresher's GUID, Opnum5's */
    GUID guid, server_guid;
    bool has_reconnect;                   /* SCN_H_INFO: its result in the last ReconnectRemoteRefresher */
    HRESULT reconnect_hr;
    bool has_svr_version;                 /* SCN_H_RSERVICES: *pdwSvrRefrVersion of its last call */
    DWORD svr_version;
    DWORD client_version;                 /* ... and the dwClientRefrVersion it sent */
};

/* The interfaces a COM object is probed for (scn_iid_names order). */
const IID *exec_iid(const char *name);

struct exec {
    const struct worker_args *args;
    struct proto_writer *w;
    struct scn_file *scn;
    struct repo *repo;
    struct host *host;
    const struct repo_class *cls;         /* $class, or NULL */
    const char *class_name;
    struct hostprov *prov;                /* the provider of $class once loaded */
    bool provider_released;
    int64_t now_ns;                       /* fake time since the start instant */
    pthread_mutex_t lock;
    struct slotval *slots;                /* scn->nslots */
    unsigned *iterations;                 /* per check id, 1..nchecks */
    atomic_uint step_no;
    atomic_bool stop;                     /* SKIP or ERROR: run no further step */
    struct hostrefr *foreign;             /* the host-made refresher for `foreign` */
    struct init_record load_init;         /* the last `load`'s Initialize */
    bool unloaded;                        /* `Release provider`: DllCanUnloadNow said S_OK, the module went */
    bool can_unload_asked;
    long threads_at_start;                /* tasks of the process when the case began */
    struct {                              /* `com static`: the interfaces each object answered first */
        const void *key;
        uint32_t mask;
    } com_masks[16];
    size_t ncom_masks;
    struct nswrap *nswraps;               /* every namespace wrapper made, freed at the end of the case */
};

/* Sends an observation for a check (id 0: none).  The iteration counter of
 * the check is advanced here; excerpt may be NULL. */
void exec_observe(struct exec *x, unsigned check_id, unsigned step_no, const char *observed,
                  const char *excerpt);
/* "h:0x80041002" into buf (at least 16 bytes). */
const char *exec_hr_text(HRESULT hr, char *buf, size_t size);
/* The journal records [from, now) as text, at most `max` lines (first and
 * last ones kept); owned, NULL if none. */
char *exec_excerpt(struct exec *x, uint64_t from, size_t max);
/* The end of a step that ran to the end (not stopped): binds its handle to
 * *bound (taken; NULL when it binds nothing), clearing what the slot held,
 * and reports its HRESULT check with the journal since `from`. */
void exec_step_done(struct exec *x, const struct scn_step *s, unsigned no, uint64_t from, HRESULT hr,
                    struct slotval *bound);

/* Runs one provider- or client-level step (not repeat/expect).  Returns 0,
 * or a negative HP_E* code when the case must stop (the reason was sent). */
int exec_step(struct exec *x, const struct scn_step *s);
/* HP-NOTIMPL-NOT-CAPABLE: when a step's call answered
 * WBEM_E_PROVIDER_NOT_CAPABLE where the scenario needs the method (a
 * refresher method in a scenario that needs refreshers; GetObjects), the
 * case is SKIP: sends the reason and returns true. */
bool exec_declined(struct exec *x, const struct scn_step *s, HRESULT hr);
/* Runs a client-level step (exec_client.c); no and from are the step's
 * number and first journal seq.  Returns like exec_step. */
int exec_client_step(struct exec *x, const struct scn_step *s, unsigned no, uint64_t from);
/* `INFO zeroed` on a refresh info (exec_client.c): 1 true, 0 false with
 * the reason in why. */
int exec_client_expect(struct exec *x, const struct scn_expr *e, struct hp_buf *why);
/* `rs refresher-id`: the _WBEM_REFRESHER_ID the client sends is well
 * formed (MSWMI-REFRESHER-ID); 1 or 0 with the reason. */
int exec_client_refresher_id_ok(struct hp_buf *why);
/* `INFO type T`: the observed pair "i:<m_lType>\x1fi:<T>"; owned. */
char *exec_client_info_type(struct exec *x, const struct scn_expr *e, struct hp_buf *why);
/* Joins the threads `on` hooks started (end of the case). */
void exec_join_hooks(void);
/* Evaluates an `expect` and sends its observation. */
void exec_expect(struct exec *x, const struct scn_stmt *st);

/* The class an argument names ($class, a word); NULL if unknown. */
const struct repo_class *exec_class_arg(struct exec *x, const struct scn_arg *a);
/* A template instance of cls with the keys of KEYS arguments (inst[N],
 * key NAME=VALUE, singleton, bogus); one HOST reference; NULL with an owned
 * reason in *why. */
struct hobject *exec_make_template(struct exec *x, const struct repo_class *cls, const struct scn_arg *args,
                                   size_t nargs, char **why);
/* Stops the case after a step later steps depended on went wrong (the
 * failure itself is an observation already); sends the reason as a
 * JOURNAL line.  Returns HP_EINVAL. */
int exec_stop_case(struct exec *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Typed value text (oracle/check.h) of a cim value; owned. */
char *exec_value_text(const struct cim_value *v);

/* Releases what a refresh info hands its client (the remote refresher, the
 * template, the namespace string), by its type; call with the thread's
 * actor set to the client holding it. */
void exec_info_release(_WBEM_REFRESH_INFO *info);

/* Drops what a slot holds (the host's references) and empties it.  Called
 * with x->lock NOT held (it may call the provider). */
void exec_slot_clear(struct exec *x, struct slotval *v);

/* The steps of the in-process server and the provider object (exec_com.c):
 * DllGetClassObject, DllCanUnloadNow, CreateInstance, LockServer,
 * Initialize.  out: the scratch slot of a binding, or NULL; *stop as for
 * the other steps.  Returns the HRESULT to observe. */
HRESULT exec_com_step(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop);
/* The steps on the host's own IWbemHiPerfEnum (exec_facts.c): HiPerfEnum,
 * e.AddObjects, e.RemoveObjects, e.RemoveAll, e.GetObjects. */
HRESULT exec_enum_step(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop);
/* The Initialize record of journal records [from, to). */
void exec_init_scan(struct exec *x, uint64_t from, uint64_t to, struct init_record *out);
/* The path (__RELPATH) of the instance inst[N] names; owned, "" when there
 * is no such instance. */
char *exec_instance_path(struct exec *x, const struct scn_arg *a);
/* The provider of $class (loaded the way provider_for loads it), or NULL. */
struct hostprov *exec_case_provider(struct exec *x);
/* Tasks (threads) of this process now. */
long exec_thread_count(void);
/* Evaluates the expectations added with the COM and host checks
 * (SCN_X_FACT, SCN_X_NUMBER, SCN_X_HRESULT_OF, SCN_X_NO_FINDING, and
 * `calls` with into/failing/returning/calls): the observation, owned; why
 * gets the reasons (exec_facts.c). */
char *exec_fact(struct exec *x, const struct scn_expr *e, struct hp_buf *why);
/* `com RULE` on a provider object (exec_com.c): 1 kept, 0 broken (the
 * reasons in why).  label names the object in findings. */
int exec_com_rule(struct exec *x, IUnknown *o, const char *rule, const char *label, struct hp_buf *why);
/* `answers IFACE`: QueryInterface succeeds.  provider_side: o is the
 * provider's (asked by the host), else a host object (asked by a client). */
int exec_answers(struct exec *x, IUnknown *o, bool provider_side, const IID *iid, const char *name,
                 struct hp_buf *why);
/* `rr.guid`, `rr.serverguid`, `info.guid` as typed text; owned. */
char *exec_guid_operand(struct exec *x, const struct scn_ref *r);
/* Whether the blobs of a RemoteRefresh are well formed; the reasons into
 * *why (owned, NULL when none). */
bool exec_check_blobs(const WBEM_REFRESHED_OBJECT *objs, LONG n, char **why);
/* The namespace given to a scenario's own provider object (exec_nswrap.c):
 * the host's, noting the pCtx of every call.  The wrapper belongs to x
 * (freed by exec_nswrap_free_all at the end of the case); NULL on ENOMEM. */
struct nswrap *exec_nswrap_new(struct exec *x, IWbemContext *init_ctx);
IWbemServices *exec_nswrap_iface(struct nswrap *w);
/* Marks the span of Initialize: calls inside it must pass init_ctx. */
void exec_nswrap_in_init(struct nswrap *w, bool on);
/* INIT-CTX-REUSE kept so far: 1, or 0 with the reasons. */
int exec_nswrap_ok(const struct nswrap *w, struct hp_buf *why);
void exec_nswrap_free_all(struct exec *x);
/* `calls ...` as a count (exec_facts.c). */
uint64_t exec_calls_count(struct exec *x, const struct scn_expr *e);

#endif
