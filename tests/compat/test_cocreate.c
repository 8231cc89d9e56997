/*
 * test_cocreate.c - CoCreateInstance over the classes a host registers
 * (compat/comreg.h): an unregistered class, a context without
 * CLSCTX_INPROC_SERVER and bad arguments fail with Windows' codes and a NULL
 * *ppv; the creator gets its owner, the class and the interface and its
 * object comes back, its failure comes back with a NULL *ppv; the observer
 * is told of every call, served or not; registrations stack (newest serves,
 * withdrawing uncovers the older) and copy the CLSID; withdrawal removes the
 * owner's observer too and waits for a call in flight; a creator may itself
 * call CoCreateInstance and register; the table holds 64 entries.
 *
 * Every test uses its own owners and withdraws everything it registered (the
 * teardown withdraws them again, in case an assertion cut the test short), so
 * the process-wide table is empty between tests.  Worker threads only
 * record what they saw; the assertions run on the main thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "comreg.h"
#include "test_compat.h"

/* Classes and an interface nobody else serves. */
static const CLSID clsid_a = {0x5eed0001, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};
static const CLSID clsid_b = {0x5eed0002, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};
static const CLSID clsid_c = {0x5eed0003, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};
static const CLSID clsid_never = {0x5eedffff, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};
static const IID iid_thing = {0x7e570001, 0xaaaa, 0xbbbb, {0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11, 0x22, 0x33}};

#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

/* An owner: what its creator hands out and everything its creator and its
 * observer saw. */
struct owner {
    struct counting_unknown obj;   /* the object the creator returns (AddRef'ed) */
    HRESULT fail;                  /* S_OK, or what the creator returns */
    bool garbage;                  /* the creator writes garbage to *ppv before failing */
    /* the creator's view */
    atomic_int created;
    void *c_owner;
    CLSID c_clsid;
    IID c_iid;
    void *c_entry;                 /* *ppv when the creator was entered */
    /* the observer's view (the last call) */
    atomic_int observed;
    void *o_owner;
    const CLSID *o_clsid;
    IUnknown *o_outer;
    DWORD o_clsctx;
    const IID *o_riid;
    HRESULT o_hr;
    void *o_obj;
    CLSID o_order[4];              /* the classes of the first calls observed, in order */
};

/* The owners the running test registered for; the teardown withdraws them
 * all, so a failed assertion leaves nothing registered for the next test.
 * Owners have static storage for the same reason: a registration that
 * outlived its test would not point into a dead frame. */
static void *tracked[8];
static size_t ntracked;

static void track(void *owner)
{
    if (ntracked < sizeof tracked / sizeof tracked[0])
        tracked[ntracked++] = owner;
}

static int withdraw_tracked(void **state)
{
    (void)state;
    for (size_t i = 0; i < ntracked; i++)
        hiperf_com_withdraw(tracked[i]);
    ntracked = 0;
    return 0;
}

static struct owner *owner_init(struct owner *o)
{
    memset(o, 0, sizeof *o);
    counting_unknown_init(&o->obj);
    atomic_init(&o->created, 0);
    atomic_init(&o->observed, 0);
    track(o);
    return o;
}

static HRESULT recording_creator(void *owner, REFCLSID clsid, REFIID riid, void **ppv)
{
    struct owner *o = owner;
    atomic_fetch_add(&o->created, 1);
    o->c_owner = owner;
    o->c_clsid = *clsid;
    o->c_iid = *riid;
    o->c_entry = *ppv;
    if (o->fail != S_OK) {
        if (o->garbage)
            *ppv = GARBAGE;
        return o->fail;
    }
    IUnknown_AddRef(&o->obj.IUnknown_iface);
    *ppv = &o->obj.IUnknown_iface;
    return S_OK;
}

static void recording_observer(void *owner, REFCLSID clsid, IUnknown *outer, DWORD clsctx, REFIID riid,
                               HRESULT hr, void *obj)
{
    struct owner *o = owner;
    int n = atomic_fetch_add(&o->observed, 1);
    o->o_owner = owner;
    o->o_clsid = clsid;
    o->o_outer = outer;
    o->o_clsctx = clsctx;
    o->o_riid = riid;
    o->o_hr = hr;
    o->o_obj = obj;
    if (n < 4 && clsid)
        o->o_order[n] = *clsid;
}

static HRESULT create(const CLSID *clsid, DWORD clsctx, void **ppv)
{
    return CoCreateInstance(clsid, NULL, clsctx, &iid_thing, ppv);
}

/* ---- Failures ------------------------------------------------------------ */

static void an_unregistered_class_is_not_registered(void **state)
{
    (void)state;
    void *p = GARBAGE;
    assert_int_equal(CoCreateInstance(&clsid_never, NULL, CLSCTX_INPROC_SERVER, &iid_thing, &p),
                     REGDB_E_CLASSNOTREG);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(CoCreateInstance(&clsid_never, NULL, CLSCTX_ALL, &IID_IUnknown, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);

    /* Another class being served changes nothing for this one. */
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);
    p = GARBAGE;
    assert_int_equal(create(&clsid_never, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    assert_int_equal(atomic_load(&o.created), 0);
    hiperf_com_withdraw(&o);
}

static void bad_arguments_are_refused_without_calling_the_creator(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);

    assert_int_equal(CoCreateInstance(&clsid_a, NULL, CLSCTX_INPROC_SERVER, &iid_thing, NULL), E_POINTER);

    void *p = GARBAGE;
    assert_int_equal(CoCreateInstance(NULL, NULL, CLSCTX_INPROC_SERVER, &iid_thing, &p), E_INVALIDARG);
    assert_null(p);
    p = GARBAGE;
    assert_int_equal(CoCreateInstance(&clsid_a, NULL, CLSCTX_INPROC_SERVER, NULL, &p), E_INVALIDARG);
    assert_null(p);

    assert_int_equal(atomic_load(&o.created), 0);
    assert_int_equal(counting_unknown_refs(&o.obj), 1);
    hiperf_com_withdraw(&o);
}

static void an_outer_unknown_is_refused_without_calling_the_creator(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    struct counting_unknown outer;
    counting_unknown_init(&outer);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);

    void *p = GARBAGE;
    assert_int_equal(CoCreateInstance(&clsid_a, &outer.IUnknown_iface, CLSCTX_INPROC_SERVER, &iid_thing, &p),
                     CLASS_E_NOAGGREGATION);
    assert_null(p);
    assert_int_equal(atomic_load(&o.created), 0);
    /* The outer object is not touched either. */
    assert_int_equal(counting_unknown_addrefs(&outer), 0);
    assert_int_equal(counting_unknown_releases(&outer), 0);
    hiperf_com_withdraw(&o);
}

static void only_in_process_servers_are_served(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);

    static const DWORD refused[] = {0, CLSCTX_LOCAL_SERVER, CLSCTX_REMOTE_SERVER, CLSCTX_INPROC_HANDLER,
                                    CLSCTX_INPROC_SERVER16, CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        void *p = GARBAGE;
        assert_int_equal(create(&clsid_a, refused[i], &p), REGDB_E_CLASSNOTREG);
        assert_null(p);
    }
    assert_int_equal(atomic_load(&o.created), 0);

    static const DWORD served[] = {CLSCTX_INPROC_SERVER, CLSCTX_INPROC, CLSCTX_SERVER, CLSCTX_ALL};
    for (size_t i = 0; i < sizeof served / sizeof served[0]; i++) {
        void *p = NULL;
        assert_int_equal(create(&clsid_a, served[i], &p), S_OK);
        assert_ptr_equal(p, &o.obj.IUnknown_iface);
        IUnknown_Release((IUnknown *)p);
    }
    assert_int_equal(atomic_load(&o.created), 4);
    assert_int_equal(counting_unknown_refs(&o.obj), 1);
    hiperf_com_withdraw(&o);
}

/* ---- The creator -------------------------------------------------------- */

static void the_creator_gets_its_owner_the_class_and_the_interface(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);

    void *p = GARBAGE;
    assert_int_equal(CoCreateInstance(&clsid_a, NULL, CLSCTX_ALL, &iid_thing, &p), S_OK);
    assert_int_equal(atomic_load(&o.created), 1);
    assert_ptr_equal(o.c_owner, &o);
    assert_true(IsEqualGUID(&o.c_clsid, &clsid_a));
    assert_true(IsEqualGUID(&o.c_iid, &iid_thing));
    assert_null(o.c_entry);                       /* *ppv is NULL on entry */
    assert_ptr_equal(p, &o.obj.IUnknown_iface);   /* its object comes back as it was */
    assert_int_equal(counting_unknown_refs(&o.obj), 2);
    assert_int_equal(counting_unknown_addrefs(&o.obj), 1);   /* nothing added on the way */
    IUnknown_Release((IUnknown *)p);

    /* Another interface reaches the creator as asked. */
    p = NULL;
    assert_int_equal(CoCreateInstance(&clsid_a, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p), S_OK);
    assert_true(IsEqualGUID(&o.c_iid, &IID_IUnknown));
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(counting_unknown_refs(&o.obj), 1);
    hiperf_com_withdraw(&o);
}

static void a_creator_failure_comes_back_with_a_null_pointer(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);

    static const HRESULT failures[] = {E_OUTOFMEMORY, E_NOINTERFACE, E_FAIL, E_INVALIDARG};
    for (size_t i = 0; i < sizeof failures / sizeof failures[0]; i++) {
        o.fail = failures[i];
        o.garbage = i % 2 == 0;
        void *p = GARBAGE;
        assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), failures[i]);
        assert_null(p);
    }
    /* It serves again once it succeeds. */
    o.fail = S_OK;
    void *p = NULL;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), S_OK);
    assert_non_null(p);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(atomic_load(&o.created), 5);
    assert_int_equal(counting_unknown_refs(&o.obj), 1);
    hiperf_com_withdraw(&o);
}

static void the_clsid_is_copied_at_registration(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    CLSID mine = clsid_c;
    assert_int_equal(hiperf_com_register(&mine, recording_creator, &o), 0);
    mine.Data1 ^= 0xffffffffu;                    /* the caller's copy changes afterwards */

    void *p = NULL;
    assert_int_equal(create(&clsid_c, CLSCTX_INPROC_SERVER, &p), S_OK);
    IUnknown_Release((IUnknown *)p);
    p = GARBAGE;
    assert_int_equal(create(&mine, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    hiperf_com_withdraw(&o);
}

static void registering_without_a_class_or_a_creator_fails(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(NULL, recording_creator, &o), -1);
    assert_int_equal(hiperf_com_register(&clsid_a, NULL, &o), -1);
    void *p = GARBAGE;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    hiperf_com_withdraw(&o);                      /* nothing of its: a no-op */
}

/* ---- The observer ------------------------------------------------------- */

static void the_observer_is_told_of_every_call(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    struct counting_unknown outer;
    counting_unknown_init(&outer);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);
    hiperf_com_observe(recording_observer, &o);

    /* Served. */
    void *p = NULL;
    assert_int_equal(CoCreateInstance(&clsid_a, NULL, CLSCTX_ALL, &iid_thing, &p), S_OK);
    assert_int_equal(atomic_load(&o.observed), 1);
    assert_ptr_equal(o.o_owner, &o);
    assert_ptr_equal(o.o_clsid, &clsid_a);        /* the arguments as given */
    assert_null(o.o_outer);
    assert_int_equal(o.o_clsctx, CLSCTX_ALL);
    assert_ptr_equal(o.o_riid, &iid_thing);
    assert_int_equal(o.o_hr, S_OK);
    assert_ptr_equal(o.o_obj, p);
    IUnknown_Release((IUnknown *)p);

    /* Not registered. */
    p = GARBAGE;
    assert_int_equal(CoCreateInstance(&clsid_never, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, &p),
                     REGDB_E_CLASSNOTREG);
    assert_int_equal(atomic_load(&o.observed), 2);
    assert_ptr_equal(o.o_clsid, &clsid_never);
    assert_ptr_equal(o.o_riid, &IID_IUnknown);
    assert_int_equal(o.o_clsctx, CLSCTX_INPROC_SERVER);
    assert_int_equal(o.o_hr, REGDB_E_CLASSNOTREG);
    assert_null(o.o_obj);

    /* Not in process. */
    assert_int_equal(create(&clsid_a, CLSCTX_LOCAL_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_int_equal(atomic_load(&o.observed), 3);
    assert_int_equal(o.o_clsctx, CLSCTX_LOCAL_SERVER);
    assert_int_equal(o.o_hr, REGDB_E_CLASSNOTREG);

    /* Aggregation. */
    assert_int_equal(CoCreateInstance(&clsid_a, &outer.IUnknown_iface, CLSCTX_INPROC_SERVER, &iid_thing, &p),
                     CLASS_E_NOAGGREGATION);
    assert_int_equal(atomic_load(&o.observed), 4);
    assert_ptr_equal(o.o_outer, &outer.IUnknown_iface);
    assert_int_equal(o.o_hr, CLASS_E_NOAGGREGATION);
    assert_null(o.o_obj);

    /* NULL arguments reach it as NULL. */
    assert_int_equal(CoCreateInstance(NULL, NULL, CLSCTX_INPROC_SERVER, NULL, &p), E_INVALIDARG);
    assert_int_equal(atomic_load(&o.observed), 5);
    assert_null(o.o_clsid);
    assert_null(o.o_riid);
    assert_int_equal(o.o_hr, E_INVALIDARG);
    assert_int_equal(CoCreateInstance(&clsid_a, NULL, CLSCTX_INPROC_SERVER, &iid_thing, NULL), E_POINTER);
    assert_int_equal(atomic_load(&o.observed), 6);
    assert_ptr_equal(o.o_clsid, &clsid_a);
    assert_int_equal(o.o_hr, E_POINTER);
    assert_null(o.o_obj);

    /* The creator's failure, with the object NULL though it wrote garbage. */
    o.fail = E_OUTOFMEMORY;
    o.garbage = true;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), E_OUTOFMEMORY);
    assert_int_equal(atomic_load(&o.observed), 7);
    assert_int_equal(o.o_hr, E_OUTOFMEMORY);
    assert_null(o.o_obj);

    assert_int_equal(atomic_load(&o.created), 2);  /* served twice; the rest never reached it */
    hiperf_com_withdraw(&o);
}

static void the_newest_observer_is_the_one_told(void **state)
{
    (void)state;
    static struct owner older, newer;
    owner_init(&older);
    owner_init(&newer);
    hiperf_com_observe(recording_observer, &older);
    hiperf_com_observe(recording_observer, &newer);
    hiperf_com_observe(NULL, &older);             /* ignored: no observer to set */

    void *p;
    create(&clsid_never, CLSCTX_INPROC_SERVER, &p);
    assert_int_equal(atomic_load(&newer.observed), 1);
    assert_int_equal(atomic_load(&older.observed), 0);

    hiperf_com_withdraw(&newer);
    create(&clsid_never, CLSCTX_INPROC_SERVER, &p);
    assert_int_equal(atomic_load(&newer.observed), 1);
    assert_int_equal(atomic_load(&older.observed), 1);

    hiperf_com_withdraw(&older);
    create(&clsid_never, CLSCTX_INPROC_SERVER, &p);
    assert_int_equal(atomic_load(&older.observed), 1);
}

static void withdrawing_removes_the_observer_too(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &o), 0);
    assert_int_equal(hiperf_com_register(&clsid_b, recording_creator, &o), 0);
    hiperf_com_observe(recording_observer, &o);
    void *p = NULL;
    assert_int_equal(create(&clsid_b, CLSCTX_INPROC_SERVER, &p), S_OK);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(atomic_load(&o.observed), 1);

    hiperf_com_withdraw(&o);
    p = GARBAGE;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    assert_int_equal(create(&clsid_b, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_int_equal(atomic_load(&o.observed), 1);
    assert_int_equal(atomic_load(&o.created), 1);
    hiperf_com_withdraw(&o);                      /* twice: harmless */
}

/* ---- Stacking ----------------------------------------------------------- */

static void the_newest_registration_serves_and_withdrawing_it_uncovers_the_older(void **state)
{
    (void)state;
    static struct owner older, newer;
    owner_init(&older);
    owner_init(&newer);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &older), 0);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &newer), 0);

    void *p = NULL;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), S_OK);
    assert_ptr_equal(p, &newer.obj.IUnknown_iface);
    assert_ptr_equal(newer.c_owner, &newer);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(atomic_load(&older.created), 0);

    hiperf_com_withdraw(&newer);
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), S_OK);
    assert_ptr_equal(p, &older.obj.IUnknown_iface);
    assert_ptr_equal(older.c_owner, &older);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(atomic_load(&newer.created), 1);
    assert_int_equal(atomic_load(&older.created), 1);

    hiperf_com_withdraw(&older);
    p = GARBAGE;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
}

static void withdrawing_the_older_keeps_the_newer_serving(void **state)
{
    (void)state;
    static struct owner older, newer;
    owner_init(&older);
    owner_init(&newer);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &older), 0);
    assert_int_equal(hiperf_com_register(&clsid_b, recording_creator, &older), 0);
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &newer), 0);

    hiperf_com_withdraw(&older);
    void *p = NULL;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), S_OK);
    assert_ptr_equal(p, &newer.obj.IUnknown_iface);
    IUnknown_Release((IUnknown *)p);
    p = GARBAGE;
    assert_int_equal(create(&clsid_b, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);

    /* Registering again puts the older owner on top. */
    assert_int_equal(hiperf_com_register(&clsid_a, recording_creator, &older), 0);
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), S_OK);
    assert_ptr_equal(p, &older.obj.IUnknown_iface);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(atomic_load(&older.created), 1);
    assert_int_equal(atomic_load(&newer.created), 1);
    hiperf_com_withdraw(&older);
    hiperf_com_withdraw(&newer);
}

/* ---- A creator calling CoCreateInstance ---------------------------------- */

static HRESULT nesting_creator(void *owner, REFCLSID clsid, REFIID riid, void **ppv)
{
    (void)clsid;
    /* The table's lock is not held: registering works too. */
    if (hiperf_com_register(&clsid_c, recording_creator, owner) != 0)
        return E_UNEXPECTED;
    return CoCreateInstance(&clsid_b, NULL, CLSCTX_INPROC_SERVER, riid, ppv);
}

static void a_creator_may_call_co_create_instance(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    assert_int_equal(hiperf_com_register(&clsid_a, nesting_creator, &o), 0);
    assert_int_equal(hiperf_com_register(&clsid_b, recording_creator, &o), 0);
    hiperf_com_observe(recording_observer, &o);

    void *p = NULL;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), S_OK);
    assert_ptr_equal(p, &o.obj.IUnknown_iface);
    assert_true(IsEqualGUID(&o.c_clsid, &clsid_b));
    assert_true(IsEqualGUID(&o.c_iid, &iid_thing));
    /* Both calls observed, the inner one first. */
    assert_int_equal(atomic_load(&o.observed), 2);
    assert_true(IsEqualGUID(&o.o_order[0], &clsid_b));
    assert_true(IsEqualGUID(&o.o_order[1], &clsid_a));
    assert_ptr_equal(o.o_obj, p);
    IUnknown_Release((IUnknown *)p);

    /* What the creator registered is served. */
    assert_int_equal(create(&clsid_c, CLSCTX_INPROC_SERVER, &p), S_OK);
    IUnknown_Release((IUnknown *)p);
    assert_int_equal(atomic_load(&o.created), 2);
    assert_int_equal(counting_unknown_refs(&o.obj), 1);
    hiperf_com_withdraw(&o);
    assert_int_equal(create(&clsid_c, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
}

/* ---- Withdrawal waits for a call in flight ---------------------------------- */

#define WAIT_SECONDS 10

struct gate {
    pthread_mutex_t m;
    pthread_cond_t c;
    bool entered;             /* the slow creator is running */
    bool released;            /* the test let it return */
    bool call_done, withdraw_done;
    atomic_bool withdrawn;    /* hiperf_com_withdraw has returned */
    bool withdrawn_at_creator_exit, withdrawn_at_observer;
    atomic_int slow_observed;
    struct counting_unknown obj;
    HRESULT hr;               /* the slow call's result */
    void *result;
};

static struct timespec deadline(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += WAIT_SECONDS;
    return t;
}

/* Waits (bounded) until *flag is true; the gate's mutex is held. */
static bool wait_for(struct gate *g, const bool *flag)
{
    struct timespec until = deadline();
    while (!*flag)
        if (pthread_cond_timedwait(&g->c, &g->m, &until) == ETIMEDOUT)
            return *flag;
    return true;
}

static void set_flag(struct gate *g, bool *flag)
{
    pthread_mutex_lock(&g->m);
    *flag = true;
    pthread_cond_broadcast(&g->c);
    pthread_mutex_unlock(&g->m);
}

static HRESULT slow_creator(void *owner, REFCLSID clsid, REFIID riid, void **ppv)
{
    (void)clsid;
    (void)riid;
    struct gate *g = owner;
    pthread_mutex_lock(&g->m);
    g->entered = true;
    pthread_cond_broadcast(&g->c);
    wait_for(g, &g->released);
    g->withdrawn_at_creator_exit = atomic_load(&g->withdrawn);
    pthread_mutex_unlock(&g->m);
    IUnknown_AddRef(&g->obj.IUnknown_iface);
    *ppv = &g->obj.IUnknown_iface;
    return S_OK;
}

static HRESULT quick_creator(void *owner, REFCLSID clsid, REFIID riid, void **ppv)
{
    (void)clsid;
    (void)riid;
    struct gate *g = owner;
    IUnknown_AddRef(&g->obj.IUnknown_iface);
    *ppv = &g->obj.IUnknown_iface;
    return S_OK;
}

static void gate_observer(void *owner, REFCLSID clsid, IUnknown *outer, DWORD clsctx, REFIID riid, HRESULT hr,
                          void *obj)
{
    (void)outer;
    (void)clsctx;
    (void)riid;
    (void)hr;
    (void)obj;
    struct gate *g = owner;
    if (clsid && IsEqualGUID(clsid, &clsid_a)) {
        g->withdrawn_at_observer = atomic_load(&g->withdrawn);
        atomic_fetch_add(&g->slow_observed, 1);
    }
}

static void *slow_call_thread(void *arg)
{
    struct gate *g = arg;
    void *p = NULL;
    HRESULT hr = create(&clsid_a, CLSCTX_INPROC_SERVER, &p);
    pthread_mutex_lock(&g->m);
    g->hr = hr;
    g->result = p;
    g->call_done = true;
    pthread_cond_broadcast(&g->c);
    pthread_mutex_unlock(&g->m);
    return NULL;
}

static void *withdraw_thread(void *arg)
{
    struct gate *g = arg;
    hiperf_com_withdraw(g);
    atomic_store(&g->withdrawn, true);
    set_flag(g, &g->withdraw_done);
    return NULL;
}

static void withdrawal_waits_for_a_call_in_flight(void **state)
{
    (void)state;
    /* Static: if the test fails with a thread still blocked, the gate
     * outlives the test's frame. */
    static struct gate g;
    memset(&g, 0, sizeof g);
    track(&g);
    pthread_mutex_init(&g.m, NULL);
    pthread_cond_init(&g.c, NULL);
    atomic_init(&g.withdrawn, false);
    atomic_init(&g.slow_observed, 0);
    counting_unknown_init(&g.obj);
    assert_int_equal(hiperf_com_register(&clsid_a, slow_creator, &g), 0);
    assert_int_equal(hiperf_com_register(&clsid_b, quick_creator, &g), 0);   /* the probe */
    hiperf_com_observe(gate_observer, &g);

    pthread_t caller, withdrawer;
    memset(&withdrawer, 0, sizeof withdrawer);
    assert_int_equal(pthread_create(&caller, NULL, slow_call_thread, &g), 0);
    pthread_mutex_lock(&g.m);
    bool entered = wait_for(&g, &g.entered);
    pthread_mutex_unlock(&g.m);
    bool withdrawer_started = entered && pthread_create(&withdrawer, NULL, withdraw_thread, &g) == 0;

    /* The withdrawal has removed the entries once the probe class is gone
     * (all of an owner's go at once); from then on it can only be waiting
     * for the slow call. */
    bool removed = false;
    for (int i = 0; withdrawer_started && i < WAIT_SECONDS * 1000 && !removed; i++) {
        void *p = NULL;
        HRESULT hr = create(&clsid_b, CLSCTX_INPROC_SERVER, &p);
        if (hr == REGDB_E_CLASSNOTREG) {
            removed = true;
        } else {
            if (p)
                IUnknown_Release((IUnknown *)p);
            nanosleep(&(struct timespec){0, 1000000}, NULL);
        }
    }
    bool returned_early = atomic_load(&g.withdrawn);
    /* The slow class is gone for new calls too, while the old call runs. */
    void *p = GARBAGE;
    HRESULT hr_during = create(&clsid_a, CLSCTX_INPROC_SERVER, &p);
    void *p_during = p;

    set_flag(&g, &g.released);
    pthread_mutex_lock(&g.m);
    bool call_done = wait_for(&g, &g.call_done);
    bool withdraw_done = withdrawer_started && wait_for(&g, &g.withdraw_done);
    pthread_mutex_unlock(&g.m);
    if (call_done)
        pthread_join(caller, NULL);
    if (withdraw_done)
        pthread_join(withdrawer, NULL);

    assert_true(entered);
    assert_true(withdrawer_started);
    assert_true(removed);
    assert_false(returned_early);
    assert_int_equal(hr_during, REGDB_E_CLASSNOTREG);
    assert_null(p_during);
    assert_true(call_done);
    assert_true(withdraw_done);
    assert_true(atomic_load(&g.withdrawn));
    /* Neither the creator nor the observer ran after the withdrawal returned. */
    assert_false(g.withdrawn_at_creator_exit);
    assert_int_equal(atomic_load(&g.slow_observed), 1);
    assert_false(g.withdrawn_at_observer);
    /* The call in flight completed normally. */
    assert_int_equal(g.hr, S_OK);
    assert_ptr_equal(g.result, &g.obj.IUnknown_iface);
    IUnknown_Release((IUnknown *)g.result);
    assert_int_equal(counting_unknown_refs(&g.obj), 1);

    /* Nothing of the owner runs any more. */
    p = GARBAGE;
    assert_int_equal(create(&clsid_a, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    assert_int_equal(atomic_load(&g.slow_observed), 1);
    pthread_cond_destroy(&g.c);
    pthread_mutex_destroy(&g.m);
}

/* ---- The table's size ----------------------------------------------------- */

static void the_table_holds_64_entries(void **state)
{
    (void)state;
    static struct owner o;
    owner_init(&o);
    CLSID c = clsid_a;
    for (uint32_t i = 0; i < 64; i++) {
        c.Data1 = 0x7ab10000u + i;
        assert_int_equal(hiperf_com_register(&c, recording_creator, &o), 0);
    }
    c.Data1 = 0x7ab10000u + 64;
    assert_int_equal(hiperf_com_register(&c, recording_creator, &o), -1);
    /* The 65th is not served; the first and the 64th are. */
    void *p = GARBAGE;
    assert_int_equal(create(&c, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    assert_null(p);
    c.Data1 = 0x7ab10000u;
    assert_int_equal(create(&c, CLSCTX_INPROC_SERVER, &p), S_OK);
    IUnknown_Release((IUnknown *)p);
    c.Data1 = 0x7ab10000u + 63;
    assert_int_equal(create(&c, CLSCTX_INPROC_SERVER, &p), S_OK);
    IUnknown_Release((IUnknown *)p);

    /* Withdrawing frees every slot. */
    hiperf_com_withdraw(&o);
    assert_int_equal(create(&c, CLSCTX_INPROC_SERVER, &p), REGDB_E_CLASSNOTREG);
    for (uint32_t i = 0; i < 64; i++) {
        c.Data1 = 0x7ab20000u + i;
        assert_int_equal(hiperf_com_register(&c, recording_creator, &o), 0);
    }
    hiperf_com_withdraw(&o);
    assert_int_equal(counting_unknown_refs(&o.obj), 1);
}

int run_cocreate_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(an_unregistered_class_is_not_registered, withdraw_tracked),
        cmocka_unit_test_teardown(bad_arguments_are_refused_without_calling_the_creator, withdraw_tracked),
        cmocka_unit_test_teardown(an_outer_unknown_is_refused_without_calling_the_creator, withdraw_tracked),
        cmocka_unit_test_teardown(only_in_process_servers_are_served, withdraw_tracked),
        cmocka_unit_test_teardown(the_creator_gets_its_owner_the_class_and_the_interface, withdraw_tracked),
        cmocka_unit_test_teardown(a_creator_failure_comes_back_with_a_null_pointer, withdraw_tracked),
        cmocka_unit_test_teardown(the_clsid_is_copied_at_registration, withdraw_tracked),
        cmocka_unit_test_teardown(registering_without_a_class_or_a_creator_fails, withdraw_tracked),
        cmocka_unit_test_teardown(the_observer_is_told_of_every_call, withdraw_tracked),
        cmocka_unit_test_teardown(the_newest_observer_is_the_one_told, withdraw_tracked),
        cmocka_unit_test_teardown(withdrawing_removes_the_observer_too, withdraw_tracked),
        cmocka_unit_test_teardown(the_newest_registration_serves_and_withdrawing_it_uncovers_the_older, withdraw_tracked),
        cmocka_unit_test_teardown(withdrawing_the_older_keeps_the_newer_serving, withdraw_tracked),
        cmocka_unit_test_teardown(a_creator_may_call_co_create_instance, withdraw_tracked),
        cmocka_unit_test_teardown(withdrawal_waits_for_a_call_in_flight, withdraw_tracked),
        cmocka_unit_test_teardown(the_table_holds_64_entries, withdraw_tracked),
    };
    return cmocka_run_group_tests_name("cocreate", tests, NULL, NULL);
}
