/*
 * harness/scn.h - the scenario language front end: a `.scn` file parsed into
 * a tree the executor runs, the checks the oracle stores, and the text of a
 * step for traces.  docs/scenario-language.md is the contract; this header
 * is its data model.
 *
 * Shape: a struct scn_file holds the header fields and a body (a block of
 * statements).  A statement is a step, an `expect` or a `repeat` block.  A
 * step has a verb, the handle it binds, its receiver (`c.Refresh`), typed
 * positional arguments, options (with their defaults filled in), the inline
 * expectation on its HRESULT and requirement tags.  `thread` and `on` hold a
 * nested step.  Every statement, step, argument, expectation and tag has the
 * line and column (1-based, columns in code points) of its first character.
 *
 * Handles are resolved at parse time: each binding gets a *slot* (an index
 * into scn_file.slots) and every use of a handle names the slot it refers
 * to, so the executor keeps an array of nslots values and never looks a name
 * up.  A binding inside a `repeat` body fills the same slot on every
 * iteration.
 *
 * Every string in the tree is owned by the scn_file and lives until
 * scn_free().  The tree is read-only after parsing; several threads may read
 * it at once.  Positions are in the file scn_file.path names.
 *
 * Checks (scn_checks()) are what the oracle stores: every `expect` and every
 * step whose call returns an HRESULT (for `thread`/`on`, their nested step),
 * numbered 1.. in file order; the step or statement carries its check_id so
 * that the executor reports observations under the same id.
 *
 * What the oracle stores a check under (its baseline values, its todos) is
 * not that number but the check's *key*: its canonical text ("expect
 * o1.Frequency_PerfTime value", "r1 = CreateRefresher => S_OK"), with
 * " #2", " #3" ... for the second and later checks of the same text in the
 * file.  A key changes only when its own line does (or an identical line is
 * added above it), so editing a scenario keeps the baselines of its other
 * checks.
 */
#ifndef HIPERF_HARNESS_SCN_H
#define HIPERF_HARNESS_SCN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* ---- Verbs ------------------------------------------------------------------ */

enum scn_verb {
    SCN_V_NONE = 0,
    /* provider level: the host plays WMI */
    SCN_V_LOAD,                         /* load [by ...] [wait D] */
    SCN_V_QUERY_INSTANCES,              /* [i =] QueryInstances CLASS */
    SCN_V_CREATE_REFRESHER,             /* [r =] CreateRefresher */
    SCN_V_CREATE_REFRESHABLE_OBJECT,    /* [o =] CreateRefreshableObject R CLASS KEYS */
    SCN_V_CREATE_REFRESHABLE_ENUM,      /* [e =] CreateRefreshableEnum R CLASS */
    SCN_V_STOP_REFRESHING,              /* StopRefreshing R ID */
    SCN_V_GET_OBJECTS,                  /* [g =] GetObjects CLASS KEYS */
    SCN_V_REFRESH,                      /* Refresh R */
    SCN_V_RELEASE,                      /* Release H|provider */
    SCN_V_GET_OBJECT_ASYNC,             /* [s =] GetObjectAsync PATH */
    SCN_V_CREATE_INSTANCE_ENUM_ASYNC,   /* [s =] CreateInstanceEnumAsync CLASS */
    SCN_V_EXEC_QUERY_ASYNC,             /* [s =] ExecQueryAsync "QUERY" */
    /* client level */
    SCN_V_CLIENT_REFRESHER,             /* [c =] ClientRefresher */
    SCN_V_CLIENT_ADD_OBJECT_BY_PATH,    /* [co =] c.AddObjectByPath PATH */
    SCN_V_CLIENT_ADD_OBJECT_BY_TEMPLATE,/* [co =] c.AddObjectByTemplate CLASS KEYS */
    SCN_V_CLIENT_ADD_ENUM,              /* [ce =] c.AddEnum CLASS */
    SCN_V_CLIENT_ADD_REFRESHER,         /* c.AddRefresher C2 */
    SCN_V_CLIENT_REMOVE,                /* c.Remove ITEM */
    SCN_V_CLIENT_REFRESH,               /* c.Refresh */
    SCN_V_REFRESHING_SERVICES,          /* [rs =] RefreshingServices [rights ...] */
    SCN_V_RS_ADD_OBJECT,                /* [info =] rs.AddObjectToRefresher PATH */
    SCN_V_RS_ADD_OBJECT_BY_TEMPLATE,    /* [info =] rs.AddObjectToRefresherByTemplate CLASS KEYS */
    SCN_V_RS_ADD_ENUM,                  /* [info =] rs.AddEnumToRefresher CLASS */
    SCN_V_RS_REMOVE_OBJECT,             /* rs.RemoveObjectFromRefresher INFO */
    SCN_V_RS_GET_REMOTE_REFRESHER,      /* [rr =] rs.GetRemoteRefresher */
    SCN_V_RS_RECONNECT,                 /* rs.ReconnectRemoteRefresher INFO... */
    SCN_V_RR_REMOTE_REFRESH,            /* rr.RemoteRefresh */
    SCN_V_RR_STOP_REFRESHING,           /* rr.StopRefreshing INFO... */
    SCN_V_SERVER_RESTART,               /* server-restart */
    /* time, threads, faults */
    SCN_V_ADVANCE,                      /* advance D */
    SCN_V_THREAD,                       /* t = thread STEP */
    SCN_V_JOIN,                         /* join T [within D] */
    SCN_V_ON,                           /* on E EVENT [once]: STEP [wait D] */
    SCN_V_FAULT,                        /* fault METHOD MODE => HRESULT */
    SCN_V_SNAPSHOT,                     /* snapshot S = O */
    /* the in-process server and the provider object, as COM sees them */
    SCN_V_DLL_GET_CLASS_OBJECT,         /* [f =] DllGetClassObject clsid|client-clsid|unknown [iid I] */
    SCN_V_DLL_CAN_UNLOAD_NOW,           /* DllCanUnloadNow */
    SCN_V_CF_CREATE_INSTANCE,           /* [p =] f.CreateInstance [aggregated] [iid I] */
    SCN_V_CF_LOCK_SERVER,               /* f.LockServer true|false */
    SCN_V_PO_INITIALIZE,                /* p.Initialize [flags N] [ctx new] [wait D] */
    /* the host's IWbemHiPerfEnum, called directly */
    SCN_V_HIPERF_ENUM,                  /* [e =] HiPerfEnum */
    SCN_V_ENUM_ADD_OBJECTS,             /* e.AddObjects ID INSTANCE */
    SCN_V_ENUM_REMOVE_OBJECTS,          /* e.RemoveObjects ID... */
    SCN_V_ENUM_REMOVE_ALL,              /* e.RemoveAll */
    SCN_V_ENUM_GET_OBJECTS,             /* e.GetObjects [size N] */
    SCN_V_RR_OPNUM5,                    /* rr.Opnum5NotUsedOnWire */
    SCN_V_COUNT
};

/* What a handle holds; decided by the verb that binds it. */
enum scn_handle_kind {
    SCN_H_NONE = 0,
    SCN_H_SINK,           /* QueryInstances / *Async: the sink's record and what it was given */
    SCN_H_REFRESHER,      /* the provider's IWbemRefresher */
    SCN_H_OBJECT,         /* a refreshable object from CreateRefreshableObject */
    SCN_H_ENUM,           /* the host's IWbemHiPerfEnum given to CreateRefreshableEnum */
    SCN_H_FETCHED,        /* the object GetObjects filled */
    SCN_H_CLIENT,         /* a client refresher (ClientRefresher) */
    SCN_H_CLIENT_OBJECT,  /* c.AddObjectByPath / AddObjectByTemplate */
    SCN_H_CLIENT_ENUM,    /* c.AddEnum */
    SCN_H_RSERVICES,      /* IWbemRefreshingServices */
    SCN_H_INFO,           /* a _WBEM_REFRESH_INFO from rs.Add* */
    SCN_H_REMOTE,         /* IWbemRemoteRefresher from rs.GetRemoteRefresher */
    SCN_H_THREAD,         /* t = thread ... */
    SCN_H_SNAPSHOT,       /* snapshot s = ... */
    SCN_H_FACTORY,        /* the provider's IClassFactory from DllGetClassObject */
    SCN_H_PROVOBJ,        /* a provider object from f.CreateInstance */
    SCN_H_COUNT
};

/* Reserved words that appear as arguments. */
enum scn_keyword {
    SCN_KW_NONE = 0,
    SCN_KW_FOREIGN,     /* a refresher the host made (R position) */
    SCN_KW_PROVIDER,    /* Release provider */
    SCN_KW_SINGLETON,   /* KEYS: a singleton's template */
    SCN_KW_BOGUS,       /* KEYS: keys no instance has */
    SCN_KW_TRUE,        /* expect operands: boolean and NULL values */
    SCN_KW_FALSE,
    SCN_KW_NULL,
    SCN_KW_CLSID,       /* DllGetClassObject: the registration's CLSID */
    SCN_KW_CLIENT_CLSID,/* ... its ClientLoadableCLSID */
    SCN_KW_UNKNOWN,     /* ... a CLSID nobody serves */
    SCN_KW_REGISTRATION /* expect registration RULE */
};

enum scn_cmp { SCN_CMP_EQ = 0, SCN_CMP_NE, SCN_CMP_LT, SCN_CMP_LE, SCN_CMP_GT, SCN_CMP_GE };

/* ---- Arguments ---------------------------------------------------------------- */

/* A use of a handle: `h`, `h[3]`, `h[last]`, `h.id`, `h.Prop`, `h[0].Prop`. */
struct scn_ref {
    const char *name;
    unsigned slot;                 /* index into scn_file.slots */
    enum scn_handle_kind kind;     /* kind of that slot */
    bool has_index;
    bool index_last;               /* h[last] */
    int64_t index;                 /* h[N], N >= 0 */
    const char *field;             /* NULL, "id" or a property name */
    bool field_is_id;              /* field is exactly "id": the provider's ID */
};

enum scn_arg_kind {
    SCN_ARG_REF = 1,    /* ref */
    SCN_ARG_CLASS,      /* $class */
    SCN_ARG_NAMESPACE,  /* $namespace */
    SCN_ARG_INT,        /* i; text as written */
    SCN_ARG_REAL,       /* r; text as written (expect operands) */
    SCN_ARG_STRING,     /* text, escapes resolved; may hold $class, $namespace, $$ (see scn_expand) */
    SCN_ARG_DURATION,   /* i in nanoseconds; text as written */
    SCN_ARG_HRESULT,    /* text as written, hr resolved */
    SCN_ARG_WORD,       /* text: a class name */
    SCN_ARG_KEYWORD,    /* kw; text as written */
    SCN_ARG_KEY         /* key NAME=VALUE: text is NAME, value the INT or STRING */
};

struct scn_arg {
    enum scn_arg_kind kind;
    unsigned line, col;
    struct scn_ref ref;
    int64_t i;
    double r;
    const char *text;
    int32_t hr;
    enum scn_keyword kw;
    const struct scn_arg *value;
};

/* ---- Options ------------------------------------------------------------------ */

enum scn_opt_bit {
    SCN_OPT_FLAGS = 1u << 0,      /* flags N */
    SCN_OPT_CTX = 1u << 1,        /* ctx null|new */
    SCN_OPT_VERSION = 1u << 2,    /* version N */
    SCN_OPT_RIGHTS = 1u << 3,     /* rights enable,remote-enable|enable|none */
    SCN_OPT_WAIT = 1u << 4,       /* wait D (load; on) */
    SCN_OPT_WITHIN = 1u << 5,     /* within D (join) */
    SCN_OPT_BY = 1u << 6,         /* by clsid|client-clsid (load) */
    SCN_OPT_NULL_ID = 1u << 7,    /* null-id */
    SCN_OPT_NULL_PATH = 1u << 8,  /* null-path */
    SCN_OPT_NULL_INFO = 1u << 9,  /* null-info */
    SCN_OPT_IID = 1u << 10,       /* iid NAME (DllGetClassObject, CreateInstance) */
    SCN_OPT_SIZE = 1u << 11,      /* size N (e.GetObjects) */
    SCN_OPT_AGGREGATED = 1u << 12,/* aggregated (CreateInstance) */
    SCN_OPT_TYPE_LAST = 1u << 13  /* type-last (ReconnectRemoteRefresher) */
};

enum scn_ctx { SCN_CTX_NULL = 0, SCN_CTX_NEW = 1 };
enum scn_load_by { SCN_BY_CLSID = 0, SCN_BY_CLIENT_CLSID = 1 };
#define SCN_RIGHT_ENABLE 1u
#define SCN_RIGHT_REMOTE_ENABLE 2u

/* Every field holds the value the step runs with: the written one, or the
 * default of docs/scenario-language.md.  `written` says which were written
 * (SCN_OPT_* bits), for rendering and for the executor's null-* switches. */
struct scn_options {
    unsigned written;
    int64_t flags;        /* default 0 */
    enum scn_ctx ctx;     /* default null */
    int64_t version;      /* default 2 (WBEM_REFRESHER_VERSION) */
    unsigned rights;      /* SCN_RIGHT_* bits; default enable,remote-enable */
    int64_t wait_ns;      /* load: 5s; on: 200ms */
    int64_t within_ns;    /* join: 5s */
    enum scn_load_by by;  /* default clsid */
    const char *iid;      /* iid NAME; NULL: the verb's default (IClassFactory, IUnknown) */
    int64_t size;         /* size N; -1: as many as the enumerator holds */
};

/* ---- Expectations and tags ------------------------------------------------------ */

enum scn_expect_kind {
    SCN_EXPECT_SUCCESS = 1,   /* SUCCEEDED(hr) */
    SCN_EXPECT_FAILURE,       /* FAILED(hr) */
    SCN_EXPECT_ANY,           /* whatever */
    SCN_EXPECT_CODE           /* exactly hr */
};

struct scn_expect {
    enum scn_expect_kind kind;
    bool written;         /* false: the default `success` of a step without `=>` */
    const char *text;     /* as written ("S_OK", "0x80041002", "success"); "success" by default */
    int32_t hr;           /* SCN_EXPECT_CODE */
    unsigned line, col;   /* of the text; the step's position when not written */
};

struct scn_tag {
    const char *id;
    unsigned line, col;
};

struct scn_tags {
    const struct scn_tag *v;
    size_t n;
};

/* ---- Steps -------------------------------------------------------------------- */

enum scn_event { SCN_EVENT_ADD_OBJECTS = 1, SCN_EVENT_REMOVE_OBJECTS };
enum scn_fault_mode { SCN_FAULT_NTH = 1, SCN_FAULT_FROM, SCN_FAULT_RANDOM };

struct scn_step {
    enum scn_verb verb;
    unsigned line, col;            /* the statement's first token (the handle, or the verb) */
    const char *bind;              /* the handle this step binds, or NULL */
    unsigned bind_slot;
    bool has_recv;                 /* c.Refresh: recv is c */
    struct scn_ref recv;
    const struct scn_arg *args;
    size_t nargs;
    struct scn_options opt;
    bool has_hresult;              /* the step's call returns an HRESULT that is checked */
    struct scn_expect expect;      /* meaningful when has_hresult */
    struct scn_tags tags;          /* this step's requirement tags (thread/on: on the nested step) */
    unsigned check_id;             /* 1-based id of this step's check; 0 = none */
    const struct scn_step *nested; /* SCN_V_THREAD, SCN_V_ON */
    struct {                       /* SCN_V_ON */
        enum scn_event event;
        bool once;
    } on;
    struct {                       /* SCN_V_FAULT */
        const char *method_name;   /* as written */
        int method;                /* enum hp_method (mocks/methods.h) */
        unsigned method_line, method_col;
        enum scn_fault_mode mode;
        int64_t n;                 /* nth N / from N (N >= 1) */
        double p;                  /* random P, 0 <= P <= 1 */
        const char *p_text;        /* P as written */
        int64_t seed;              /* random P seed S */
        struct scn_expect result;  /* => HRESULT (always SCN_EXPECT_CODE) */
    } fault;
};

/* ---- Expressions ------------------------------------------------------------------ */

enum scn_expr_kind {
    SCN_X_COMPARE = 1,      /* a OP b */
    SCN_X_UNCHANGED,        /* subject unchanged since snap */
    SCN_X_CHANGED,          /* subject changed since snap */
    SCN_X_UNTOUCHED,        /* subject untouched since snap */
    SCN_X_MATCHES,          /* subject matches instances b (CLASS: $class or a class name) */
    SCN_X_COUNT,            /* subject count OP b */
    SCN_X_STATUS,           /* subject status status */
    SCN_X_SETSTATUS_CALLS,  /* subject setstatus-calls OP b */
    SCN_X_INDICATED,        /* subject indicated OP b */
    SCN_X_TYPE,             /* subject type info_type */
    SCN_X_ZEROED,           /* subject zeroed */
    SCN_X_LEDGER_CLEAN,     /* ledger clean */
    SCN_X_LEDGER_NO_OVER_RELEASE,
    SCN_X_LEDGER_NO_LEAK,
    SCN_X_CALLS,            /* calls METHOD OP b */
    SCN_X_VALUE,            /* subject value property */
    SCN_X_COMPLETED,        /* subject completed */
    SCN_X_PROVIDER_REFS,    /* subject provider-refs OP b: references the provider holds to it */
    SCN_X_FACT,             /* a fact with no operand but `word`/`arg` (out-null, com RULE, ...): CHECK_TRUE */
    SCN_X_NUMBER,           /* subject WORD OP b (threads, returned, ...): CHECK_COMPARE */
    SCN_X_HRESULT_OF,       /* subject WORD EXPECTED (init-status, ...): CHECK_HRESULT in `status` */
    SCN_X_NO_FINDING        /* no-finding NAME: CHECK_TRUE */
};

/* `calls METHOD [into provider|host] [failing|returning HRESULT]`: one
 * side of a `calls` comparison. */
enum scn_calls_into { SCN_INTO_ANY = 0, SCN_INTO_PROVIDER, SCN_INTO_HOST };
enum scn_calls_filter { SCN_CALLS_ALL = 0, SCN_CALLS_FAILING, SCN_CALLS_RETURNING };

struct scn_expr {
    enum scn_expr_kind kind;
    unsigned line, col;
    struct scn_arg a;           /* COMPARE: left operand; otherwise the subject (a REF), if any */
    struct scn_arg b;           /* COMPARE: right operand; COUNT/SETSTATUS_CALLS/INDICATED/CALLS/PROVIDER_REFS: N;
                                   MATCHES: the class; UNCHANGED/CHANGED/UNTOUCHED: the snapshot */
    enum scn_cmp op;            /* COMPARE, COUNT, SETSTATUS_CALLS, INDICATED, CALLS, PROVIDER_REFS */
    struct scn_expect status;   /* STATUS */
    const char *info_type;      /* TYPE: "REMOTE" | "NON_HIPERF" | "INVALID" */
    int32_t info_type_value;    /* 3, 6, 0 (WBEM_REFRESH_TYPE_*) */
    const char *property;       /* VALUE */
    const char *method_name;    /* CALLS, as written */
    int method;                 /* CALLS: enum hp_method */
    unsigned method_line, method_col;
    enum scn_calls_into into;   /* CALLS: which calls count */
    enum scn_calls_filter filter;
    struct scn_expect returning;/* CALLS with SCN_CALLS_RETURNING (always SCN_EXPECT_CODE) */
    const struct scn_expr *rhs; /* CALLS: `calls M OP calls M2`: the right side (a CALLS), else NULL */
    /* FACT, NUMBER, HRESULT_OF: the predicate word ("out-null", "com", "threads",
     * "init-status"), and for com/answers/access/registration/no-finding its
     * argument word ("identity", "IWbemRefresher", "hiperfenum.outside-refresh"). */
    const char *word;
    const char *arg;
    unsigned arg_line, arg_col;
    /* NUMBER "elapsed": `O elapsed TS per FREQ since S OP D`: property is
     * TS, arg is FREQ, b the snapshot, c the duration (or integer ns). */
    struct scn_arg c;
};

/* ---- Statements -------------------------------------------------------------------- */

enum scn_stmt_kind { SCN_STMT_STEP = 1, SCN_STMT_EXPECT, SCN_STMT_REPEAT };

struct scn_stmt;

struct scn_block {
    const struct scn_stmt *v;
    size_t n;
};

struct scn_stmt {
    enum scn_stmt_kind kind;
    unsigned line, col;
    struct scn_step step;          /* SCN_STMT_STEP */
    struct scn_expr expr;          /* SCN_STMT_EXPECT */
    struct scn_tags tags;          /* SCN_STMT_EXPECT */
    unsigned check_id;             /* SCN_STMT_EXPECT */
    int64_t count;                 /* SCN_STMT_REPEAT: N >= 1 */
    struct scn_block body;         /* SCN_STMT_REPEAT */
    unsigned end_line, end_col;    /* SCN_STMT_REPEAT: its `end` */
};

/* ---- The file ------------------------------------------------------------------------ */

enum scn_for_each {
    SCN_FOR_NONE = 0,   /* no for-each line: one case, no $class */
    SCN_FOR_HIPERF,
    SCN_FOR_DYNAMIC,
    SCN_FOR_ORDINARY,
    SCN_FOR_NAMED       /* for-each class NAME: for_class */
};

#define SCN_NEEDS_REFRESHERS 1u
#define SCN_NEEDS_BASELINE 2u
#define SCN_NEEDS_INSTANCES 4u
#define SCN_NEEDS_KEYS 8u          /* $class has at least one key property */
#define SCN_NEEDS_PERF 16u         /* $class derives from Win32_Perf (timestamps, frequencies) */

#define SCN_DEFAULT_START 1735689600   /* 2025-01-01 00:00:00 UTC */
#define SCN_MAX_DEPTH 16               /* repeat blocks nest at most this deep */

struct scn_pos {
    unsigned line, col;   /* 0:0 when the statement is absent */
};

struct scn_slot {
    const char *name;
    enum scn_handle_kind kind;
    unsigned line, col;   /* where it is bound */
    unsigned depth;       /* repeat nesting of the binding (0 = top level) */
};

struct scn_file {
    const char *path;                /* the name given to the parser */
    char sha256[65];                 /* of the raw bytes, BOM and all */
    /* header */
    const char *name;                /* scenario NAME */
    const char *title;               /* NULL when absent */
    struct scn_tags covers;
    enum scn_for_each for_each;
    const char *for_class;           /* SCN_FOR_NAMED */
    unsigned needs;                  /* SCN_NEEDS_* */
    int64_t start;                   /* seconds since the epoch, UTC */
    int64_t timeout_ns;              /* 0: the run's --timeout */
    struct scn_pos name_pos, title_pos, for_each_pos, needs_pos, start_pos, timeout_pos;
    /* body */
    struct scn_block body;
    const struct scn_slot *slots;
    size_t nslots;
    size_t nchecks;                  /* checks are numbered 1..nchecks in file order */
    const char *const *check_keys;   /* [1..nchecks]: each check's stable id ([0] NULL), see below */
    void *arena_;                    /* private */
};

/* ---- Parsing ------------------------------------------------------------------------- */

/* Parses a scenario file.  path is borrowed (copied into the result).  On
 * success *out is an owned tree (scn_free()).  On failure *out is NULL and
 * the code is HP_EIO (unreadable), HP_EPARSE (syntax), HP_EINVAL (meaning)
 * or HP_ENOMEM, with "path:line:col: message" in hp_error_message(). */
int scn_parse_file(const char *path, struct scn_file **out);

/* The same for text already in memory.  name is what messages and the
 * `scenario NAME` rule use (when it ends in ".scn", NAME must equal its base
 * name without ".scn").  name and text are borrowed; text need not be
 * NUL-terminated and may contain NUL bytes (an error).  *out as above. */
int scn_parse_buffer(const char *name, const char *text, size_t len, struct scn_file **out);

/* Frees a tree from scn_parse_*; NULL is fine. */
void scn_free(struct scn_file *f);

/* Checks every requirement ID the file names (covers, then tags in file
 * order) with known(id, ud).  f is borrowed.  0, or HP_EINVAL with
 * "path:line:col: unknown requirement ID 'X'" for the first unknown one. */
int scn_check_requirements(const struct scn_file *f, bool (*known)(const char *id, void *ud), void *ud);

/* ---- Checks -------------------------------------------------------------------------- */

struct scn_check {
    unsigned id;                 /* 1-based, in file order; stable while the file is */
    const char *key;             /* the stable id the oracle knows it by (borrowed from the file) */
    unsigned line, col;
    enum check_kind kind;
    char *expected;              /* per oracle/check.h */
    char **reqs;                 /* requirement IDs */
    size_t nreqs;
    char *desc;                  /* "StopRefreshing r1 o1 => success", "expect ledger clean" */
};

/* Lists every check of f in file order into *out: an owned array, each
 * string in it owned too (scn_checks_free()); f is borrowed.  Returns the
 * number of checks (*out NULL when 0), or SIZE_MAX with *out NULL and
 * HP_ENOMEM set when memory ran out. */
size_t scn_checks(const struct scn_file *f, struct scn_check **out);
/* Frees what scn_checks() returned (the array and every string in it); NULL is fine. */
void scn_checks_free(struct scn_check *checks, size_t n);

/* ---- Text ---------------------------------------------------------------------------- */

/* The step as canonical text ("o1 = CreateRefreshableObject r1 $class inst[0] => success"):
 * written options and a written expectation, no tags.  s is borrowed; the
 * result is owned (free()), NULL on ENOMEM. */
char *scn_step_text(const struct scn_step *s);
/* The expression of an `expect` as text ("o2 unchanged since s2"); owned, NULL on ENOMEM. */
char *scn_expr_text(const struct scn_expr *e);

/* A string argument with $class, $namespace and $$ replaced; text,
 * class_name and namespace_path are borrowed (NULL reads as ""); the result
 * is owned (free()), NULL on ENOMEM. */
char *scn_expand(const char *text, const char *class_name, const char *namespace_path);

/* Names, static: "CreateRefreshableObject", "c.Refresh" is "Refresh". */
const char *scn_verb_name(enum scn_verb v);
const char *scn_handle_kind_name(enum scn_handle_kind k);   /* "refresher" */
const char *scn_cmp_text(enum scn_cmp op);                 /* "<=" */

/* The interface names `iid NAME` and `answers NAME` take, NULL-terminated
 * (static): IUnknown, IClassFactory, IWbemProviderInit, ... and `bogus`
 * (an IID nobody implements). */
extern const char *const scn_iid_names[];

#endif /* HIPERF_HARNESS_SCN_H */
