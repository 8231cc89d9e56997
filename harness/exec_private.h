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
};

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

/* Runs one provider- or client-level step (not repeat/expect).  Returns 0,
 * or a negative HP_E* code when the case must stop (the reason was sent). */
int exec_step(struct exec *x, const struct scn_step *s);
/* Runs a client-level step (exec_client.c); no and from are the step's
 * number and first journal seq.  Returns like exec_step. */
int exec_client_step(struct exec *x, const struct scn_step *s, unsigned no, uint64_t from);
/* `INFO zeroed` on a refresh info (exec_client.c): 1 true, 0 false with
 * the reason in why. */
int exec_client_expect(struct exec *x, const struct scn_expr *e, struct hp_buf *why);
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

/* Drops what a slot holds (the host's references) and empties it.  Called
 * with x->lock NOT held (it may call the provider). */
void exec_slot_clear(struct exec *x, struct slotval *v);

#endif
