/*
 * tests/mocks/test_hiperfenum.c - IWbemHiPerfEnum, WMI's side: unique ids
 * (a duplicate is WBEM_E_FAILED and the whole call is undone), the host's
 * own reference per object held, GetObjects' BUFFER_TOO_SMALL protocol with
 * AddRef'd results, lFlags, the client rule (only GetObjects), foreign
 * objects, the hook that runs before a change is applied, the modification
 * counter, the "outside Refresh", duplicate-id and flags findings (one
 * per offending call of the provider, none for a correct call or another
 * caller), death releasing everything,
 * fault injection that fails exactly the chosen calls, run after run, and
 * the [out] pointer and count NULL/0 when a fault or death fails a call.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hiperfenum.h"
#include "instfix.h"

#define NOBJ 6

/* What an uninitialised [out] pointer holds. */
#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

struct fx {
    struct instfix f;
    struct hpenum *e;
    IWbemHiPerfEnum *it;
    IWbemObjectAccess *obj[NOBJ];   /* the provider holds one reference to each */
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    if (!x || instfix_setup(&x->f) != 0)
        return -1;
    if (hpenum_new(&x->e, x->f.host, HP_ACTOR_HOST, "Test_Counter") != 0)
        return -1;
    x->it = hpenum_iface(x->e);
    for (int i = 0; i < NOBJ; i++)
        if (!(x->obj[i] = instfix_instance(&x->f, HP_ACTOR_PROVIDER)))
            return -1;
    /* As inside IWbemRefresher::Refresh: the provider's thread, window open. */
    hpenum_window_open(x->e);
    hp_actor_set(HP_ACTOR_PROVIDER);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    hp_actor_set(HP_ACTOR_HOST);
    instfix_teardown(&x->f);
    free(x);
    return 0;
}

static size_t findings(struct fx *x, int kind)
{
    return ledger_count(&x->f.host->ledger, kind);
}

/* The latest finding (the test's thread is the only one recording). */
static const struct ledger_finding *last_finding(struct fx *x)
{
    struct ledger *l = &x->f.host->ledger;
    assert_true(l->nfindings > 0);
    return &l->findings[l->nfindings - 1];
}

/* Asserts the latest finding is the provider's protocol finding `text`
 * (printf format; "%llu" first for the enumerator's id) about method m. */
static void assert_rule_finding(struct fx *x, enum hp_method m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void assert_rule_finding(struct fx *x, enum hp_method m, const char *fmt, ...)
{
    char want[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    const struct ledger_finding *f = last_finding(x);
    assert_int_equal(f->kind, LEDGER_COM_RULE);
    assert_int_equal(f->actor, HP_ACTOR_PROVIDER);
    assert_int_equal(f->obj, hpenum_hobj(x->e)->id);
    assert_int_equal(f->method, m);
    assert_int_equal(f->count, 1);
    assert_string_equal(f->text, want);
}

/* ---- Ids and references -------------------------------------------------- */

static void add_objects_keeps_one_host_reference_per_object(void **state)
{
    struct fx *x = *state;
    LONG ids[3] = {10, 11, 12};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 3, ids, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_count(x->e), 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(instfix_held(x->obj[i], HP_ACTOR_HOST), 1);
        assert_int_equal(instfix_held(x->obj[i], HP_ACTOR_PROVIDER), 1); /* untouched */
    }
    assert_int_equal(instfix_held(x->obj[3], HP_ACTOR_HOST), 0);

    LONG gone = 11;
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, &gone), WBEM_S_NO_ERROR);
    assert_int_equal(instfix_held(x->obj[1], HP_ACTOR_HOST), 0);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 1);
    assert_int_equal(instfix_held(x->obj[2], HP_ACTOR_HOST), 1);
    assert_int_equal(hpenum_count(x->e), 2);
    assert_int_equal(findings(x, -1), 0);
}

static void duplicate_id_fails_and_nothing_of_the_call_is_added(void **state)
{
    struct fx *x = *state;
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_S_NO_ERROR);

    /* 3 is new, 1 is present: the call fails as a whole. */
    LONG again[2] = {3, 1};
    IWbemObjectAccess *objs[2] = {x->obj[2], x->obj[3]};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, again, objs), WBEM_E_FAILED);
    assert_int_equal(hpenum_count(x->e), 2);
    assert_int_equal(instfix_held(x->obj[2], HP_ACTOR_HOST), 0);
    assert_int_equal(instfix_held(x->obj[3], HP_ACTOR_HOST), 0);

    /* The same new id twice in one call. */
    LONG twice[2] = {7, 7};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, twice, objs), WBEM_E_FAILED);
    assert_int_equal(hpenum_count(x->e), 2);

    /* The index still works after the undo: 3 and 7 are free, 1 is taken. */
    LONG one = 1, three = 3;
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &one, objs), WBEM_E_FAILED);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &three, objs), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_count(x->e), 3);
}

static void an_id_may_be_added_again_after_removal(void **state)
{
    struct fx *x = *state;
    LONG id = 5;
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id, &x->obj[0]), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, &id), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id, &x->obj[1]), WBEM_S_NO_ERROR);
    struct hpenum_item *items;
    assert_int_equal(hpenum_snapshot(x->e, &items), 1);
    assert_int_equal(items[0].id, 5);
    assert_ptr_equal(items[0].obj, x->obj[1]);
    hpenum_snapshot_free(items, 1);
}

static void remove_of_an_unknown_id_is_not_found_and_removes_nothing(void **state)
{
    struct fx *x = *state;
    LONG ids[3] = {1, 2, 3};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 3, ids, x->obj), WBEM_S_NO_ERROR);
    LONG bad[2] = {1, 99};
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 2, bad), WBEM_E_NOT_FOUND);
    LONG twice[2] = {2, 2};
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 2, twice), WBEM_E_NOT_FOUND);
    assert_int_equal(hpenum_count(x->e), 3);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 1);
    assert_int_equal(instfix_held(x->obj[1], HP_ACTOR_HOST), 1);
    /* The marks of the failed calls were undone: both still removable. */
    LONG ok[2] = {2, 1};
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 2, ok), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_count(x->e), 1);
}

static void snapshot_is_in_insertion_order_and_holds_references(void **state)
{
    struct fx *x = *state;
    LONG ids[3] = {50, 10, 30};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 3, ids, x->obj), WBEM_S_NO_ERROR);
    LONG ten = 10;
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, &ten), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &ten, &x->obj[3]), WBEM_S_NO_ERROR);

    struct hpenum_item *items;
    size_t n = hpenum_snapshot(x->e, &items);
    assert_int_equal(n, 3);
    LONG want_ids[3] = {50, 30, 10};
    IWbemObjectAccess *want_objs[3] = {x->obj[0], x->obj[2], x->obj[3]};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(items[i].id, want_ids[i]);
        assert_ptr_equal(items[i].obj, want_objs[i]);
        assert_ptr_equal(items[i].hobject, hobject_from_iface(want_objs[i]));
        assert_int_equal(instfix_held(want_objs[i], HP_ACTOR_HOST), 2); /* enum + snapshot */
    }
    hpenum_snapshot_free(items, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(instfix_held(want_objs[i], HP_ACTOR_HOST), 1);

    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_snapshot(x->e, &items), 0);
    assert_null(items);
}

/* ---- GetObjects ------------------------------------------------------------ */

static void get_objects_reports_the_count_when_the_buffer_is_too_small(void **state)
{
    struct fx *x = *state;
    LONG ids[3] = {1, 2, 3};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 3, ids, x->obj), WBEM_S_NO_ERROR);

    hp_actor_set(HP_ACTOR_CLIENT);
    ULONG n = 12345;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 0, NULL, &n), WBEM_E_BUFFER_TOO_SMALL);
    assert_int_equal(n, 3);

    IWbemObjectAccess *out[4] = {NULL, NULL, NULL, (IWbemObjectAccess *)&n};
    n = 0;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 2, out, &n), WBEM_E_BUFFER_TOO_SMALL);
    assert_int_equal(n, 3);
    assert_null(out[0]);
    assert_null(out[1]);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_CLIENT), 0);

    n = 0;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 4, out, &n), WBEM_S_NO_ERROR);
    assert_int_equal(n, 3);
    for (int i = 0; i < 3; i++) {
        assert_ptr_equal(out[i], x->obj[i]);
        assert_int_equal(instfix_held(out[i], HP_ACTOR_CLIENT), 1);  /* AddRef'd for the caller */
        IWbemObjectAccess_Release(out[i]);
        assert_int_equal(instfix_held(x->obj[i], HP_ACTOR_CLIENT), 0);
    }
    assert_ptr_equal(out[3], (IWbemObjectAccess *)&n);                 /* beyond the count: untouched */
    assert_int_equal(findings(x, -1), 0);
}

static void get_objects_on_an_empty_enum_returns_nothing(void **state)
{
    struct fx *x = *state;
    ULONG n = 99;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 0, NULL, &n), WBEM_S_NO_ERROR);
    assert_int_equal(n, 0);
}

static void get_objects_needs_pu_returned_and_an_array(void **state)
{
    struct fx *x = *state;
    IWbemObjectAccess *out[2];
    ULONG n;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 2, out, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 2, NULL, &n), WBEM_E_INVALID_PARAMETER);
}

/* HP-ENUM-UNIQUE-IDS: a provider's AddObjects with a duplicate ID is one
 * [hiperfenum.duplicate-id] finding per call, naming the ID and the
 * enumerator; the result stays WBEM_E_FAILED.  Correct calls, and the
 * host's own duplicate (a scenario's direct call), record none. */
static void a_duplicate_id_from_the_provider_is_a_finding_naming_it(void **state)
{
    struct fx *x = *state;
    const unsigned long long eid = (unsigned long long)hpenum_hobj(x->e)->id;
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 0);

    LONG present[2] = {3, 1};
    IWbemObjectAccess *objs[3] = {x->obj[2], x->obj[3], x->obj[4]};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, present, objs), WBEM_E_FAILED);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 1);
    assert_rule_finding(x, HPM_IWbemHiPerfEnum_AddObjects,
                        "[hiperfenum.duplicate-id] the provider called IWbemHiPerfEnum::AddObjects on "
                        "IWbemHiPerfEnum #%llu (Test_Counter) with ID 1, which is already in the enumerator",
                        eid);

    /* Repeated in one call, twice over: still one finding for the call. */
    LONG thrice[3] = {7, 7, 7};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 3, thrice, objs), WBEM_E_FAILED);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 2);
    assert_rule_finding(x, HPM_IWbemHiPerfEnum_AddObjects,
                        "[hiperfenum.duplicate-id] the provider called IWbemHiPerfEnum::AddObjects on "
                        "IWbemHiPerfEnum #%llu (Test_Counter) with ID 7, twice in the same call",
                        eid);

    /* A correct call records nothing; nor does the host's own duplicate. */
    LONG fresh = 7;
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &fresh, objs), WBEM_S_NO_ERROR);
    hp_actor_set(HP_ACTOR_HOST);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &fresh, &objs[1]), WBEM_E_FAILED);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 2);
    assert_int_equal(findings(x, -1), 2);
    assert_int_equal(hpenum_count(x->e), 3);
}

/* HP-ENUM-FLAGS-ZERO: a provider's call with lFlags != 0 is one
 * [hiperfenum.flags] finding per call, naming the method and the value;
 * the result stays WBEM_E_INVALID_PARAMETER.  Calls with lFlags 0, and
 * the host's or the client's calls, record none. */
static void nonzero_lflags_from_the_provider_are_a_finding_naming_method_and_value(void **state)
{
    struct fx *x = *state;
    const unsigned long long eid = (unsigned long long)hpenum_hobj(x->e)->id;
    LONG id = 1;
    ULONG n;
    IWbemObjectAccess *out[2];
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 0);

    /* Flags and a duplicate ID: the flags are looked at first. */
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 1, 1, &id, x->obj), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 1);
    assert_rule_finding(x, HPM_IWbemHiPerfEnum_AddObjects,
                        "[hiperfenum.flags] the provider called IWbemHiPerfEnum::AddObjects on "
                        "IWbemHiPerfEnum #%llu (Test_Counter) with lFlags 0x1; it must be 0",
                        eid);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0x10, 1, &id), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 2);
    assert_rule_finding(x, HPM_IWbemHiPerfEnum_RemoveObjects,
                        "[hiperfenum.flags] the provider called IWbemHiPerfEnum::RemoveObjects on "
                        "IWbemHiPerfEnum #%llu (Test_Counter) with lFlags 0x10; it must be 0",
                        eid);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, -1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 3);
    assert_rule_finding(x, HPM_IWbemHiPerfEnum_RemoveAll,
                        "[hiperfenum.flags] the provider called IWbemHiPerfEnum::RemoveAll on "
                        "IWbemHiPerfEnum #%llu (Test_Counter) with lFlags 0xffffffff; it must be 0",
                        eid);
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 2, 2, out, &n), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 4);
    assert_rule_finding(x, HPM_IWbemHiPerfEnum_GetObjects,
                        "[hiperfenum.flags] the provider called IWbemHiPerfEnum::GetObjects on "
                        "IWbemHiPerfEnum #%llu (Test_Counter) with lFlags 0x2; it must be 0",
                        eid);

    /* Correct calls record nothing; nor do the host's and the client's. */
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 2, out, &n), WBEM_S_NO_ERROR);
    IWbemObjectAccess_Release(out[0]);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, &id), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_S_NO_ERROR);
    hp_actor_set(HP_ACTOR_HOST);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 1, 1, &id, x->obj), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 4), WBEM_E_INVALID_PARAMETER);
    hp_actor_set(HP_ACTOR_CLIENT);
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 8, 2, out, &n), WBEM_E_INVALID_PARAMETER);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 4);
    assert_int_equal(findings(x, -1), 4);
}

/* ---- Parameters and rules ------------------------------------------------- */

static void nonzero_lflags_are_rejected_by_every_method(void **state)
{
    struct fx *x = *state;
    LONG id = 1;
    ULONG n;
    IWbemObjectAccess *out[1];
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 1, 1, &id, x->obj), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(hpenum_count(x->e), 0);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id, x->obj), WBEM_S_NO_ERROR);
    uint64_t mods = hpenum_mod_count(x->e);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0x10, 1, &id), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 2, 1, out, &n), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, -1), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(hpenum_count(x->e), 1);
    assert_int_equal(hpenum_mod_count(x->e), mods);
}

static void null_arrays_with_a_count_are_invalid(void **state)
{
    struct fx *x = *state;
    LONG ids[2] = {1, 2};
    IWbemObjectAccess *with_null[2] = {x->obj[0], NULL};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, NULL, x->obj), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, ids, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, with_null), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(hpenum_count(x->e), 0);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 0);
    /* A zero count needs no arrays. */
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 0, NULL, NULL), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 0, NULL), WBEM_S_NO_ERROR);
}

static void a_client_may_call_only_get_objects(void **state)
{
    struct fx *x = *state;
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_S_NO_ERROR);
    uint64_t mods = hpenum_mod_count(x->e);

    hp_actor_set(HP_ACTOR_CLIENT);
    LONG id3 = 3;
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id3, &x->obj[2]), WBEM_E_ACCESS_DENIED);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, ids), WBEM_E_ACCESS_DENIED);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_E_ACCESS_DENIED);
    /* Denied even with bad arguments: access is checked first. */
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 7), WBEM_E_ACCESS_DENIED);
    assert_int_equal(hpenum_count(x->e), 2);
    assert_int_equal(hpenum_mod_count(x->e), mods);

    IWbemObjectAccess *out[2];
    ULONG n;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 2, out, &n), WBEM_S_NO_ERROR);
    assert_int_equal(n, 2);
    IWbemObjectAccess_Release(out[0]);
    IWbemObjectAccess_Release(out[1]);
    assert_int_equal(findings(x, -1), 0);
}

static void a_foreign_object_is_rejected_as_a_finding(void **state)
{
    struct fx *x = *state;
    struct foreign_unknown u;
    foreign_unknown_init(&u);
    LONG ids[2] = {1, 2};
    IWbemObjectAccess *objs[2] = {x->obj[0], (IWbemObjectAccess *)&u.IUnknown_iface};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, objs), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(findings(x, LEDGER_FOREIGN_OBJECT), 1);
    assert_int_equal(hpenum_count(x->e), 0);
    assert_int_equal(u.refs, 1);                      /* never AddRef'd */
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 0);
}

static void an_object_released_by_everyone_is_rejected(void **state)
{
    struct fx *x = *state;
    IWbemObjectAccess *dead = x->obj[5];
    IWbemObjectAccess_Release(dead);                  /* the provider's only reference */
    x->obj[5] = NULL;
    LONG id = 1;
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id, &dead), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(findings(x, LEDGER_USE_AFTER_RELEASE), 1);
    assert_int_equal(hpenum_count(x->e), 0);
}

static void query_interface_follows_the_com_rules(void **state)
{
    struct fx *x = *state;
    void *p = (void *)1;
    assert_int_equal(IWbemHiPerfEnum_QueryInterface(x->it, &IID_IUnknown, NULL), E_POINTER);
    assert_int_equal(IWbemHiPerfEnum_QueryInterface(x->it, &IID_IWbemContext, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(IWbemHiPerfEnum_QueryInterface(x->it, &IID_IUnknown, &p), S_OK);
    assert_ptr_equal(p, x->it);
    void *q = NULL;
    assert_int_equal(IWbemHiPerfEnum_QueryInterface(x->it, &IID_IWbemHiPerfEnum, &q), S_OK);
    assert_ptr_equal(q, x->it);
    assert_int_equal(atomic_load(&hpenum_hobj(x->e)->by[HP_ACTOR_PROVIDER]), 2);
    IWbemHiPerfEnum_Release(x->it);
    IWbemHiPerfEnum_Release(x->it);
    assert_int_equal(atomic_load(&hpenum_hobj(x->e)->by[HP_ACTOR_PROVIDER]), 0);
    assert_ptr_equal(hpenum_from_iface(x->it), x->e);
    assert_null(hpenum_from_iface(x->obj[0]));
}

/* ---- Counters, window, hook ----------------------------------------------- */

static void the_modification_counter_counts_successful_changes_only(void **state)
{
    struct fx *x = *state;
    assert_int_equal(hpenum_mod_count(x->e), 0);
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_mod_count(x->e), 1);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, ids, x->obj), WBEM_E_FAILED);
    assert_int_equal(hpenum_mod_count(x->e), 1);
    ULONG n;
    IWbemObjectAccess *out[2];
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 0, out, &n), WBEM_E_BUFFER_TOO_SMALL);
    assert_int_equal(hpenum_mod_count(x->e), 1);
    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, ids), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_mod_count(x->e), 2);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_mod_count(x->e), 3);

    struct hpenum_stats st;
    hpenum_get_stats(x->e, &st);
    assert_int_equal(st.count, 0);
    assert_int_equal(st.modifications, 3);
    assert_int_equal(st.add_calls, 2);
    assert_int_equal(st.remove_calls, 1);
    assert_int_equal(st.remove_all_calls, 1);
    assert_int_equal(st.get_calls, 1);
    assert_int_equal(st.outside_window, 0);
    /* The journal counted the same calls into the host. */
    assert_int_equal(journal_calls(&x->f.host->journal, HPM_IWbemHiPerfEnum_AddObjects, HP_ACTOR_HOST), 2);
}

static void a_change_outside_refresh_is_a_finding(void **state)
{
    struct fx *x = *state;
    hpenum_window_close(x->e);
    LONG id = 1;
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 1);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 2);
    struct hpenum_stats st;
    hpenum_get_stats(x->e, &st);
    assert_int_equal(st.outside_window, 2);

    /* Reading is not a change; a client is not the provider. */
    ULONG n;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 0, NULL, &n), WBEM_S_NO_ERROR);
    hp_actor_set(HP_ACTOR_CLIENT);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_E_ACCESS_DENIED);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 2);

    /* Open (nested) windows: no finding. */
    hpenum_window_open(x->e);
    hpenum_window_open(x->e);
    hpenum_window_close(x->e);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 1, &id, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 2);
}

struct hook_log {
    int calls;
    enum hp_method methods[8];
    size_t count_seen[8];
    struct fx *x;
    ULONG reader_saw;
    HRESULT reader_hr;
    bool remove_itself;
};

static void *reader_thread(void *arg)
{
    struct hook_log *log = arg;
    hp_actor_set(HP_ACTOR_CLIENT);
    log->reader_hr = IWbemHiPerfEnum_GetObjects(log->x->it, 0, 0, NULL, &log->reader_saw);
    return NULL;
}

static void record_hook(struct hpenum *e, enum hp_method m, void *user)
{
    struct hook_log *log = user;
    int i = log->calls++;
    if (i < 8) {
        log->methods[i] = m;
        log->count_seen[i] = hpenum_count(e);
    }
    /* Another thread can use the enum while the hook runs: the lock is
     * not held (else this join would never return). */
    pthread_t t;
    pthread_create(&t, NULL, reader_thread, log);
    pthread_join(t, NULL);
    if (log->remove_itself)
        hpenum_set_hook(e, NULL, NULL);   /* must not wait for itself */
}

static void the_hook_runs_before_the_change_is_applied(void **state)
{
    struct fx *x = *state;
    struct hook_log log = {.x = x};
    hpenum_set_hook(x->e, record_hook, &log);
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.methods[0], HPM_IWbemHiPerfEnum_AddObjects);
    assert_int_equal(log.count_seen[0], 0);             /* not applied yet */
    assert_int_equal(log.reader_hr, S_OK);
    assert_int_equal(log.reader_saw, 0);

    assert_int_equal(IWbemHiPerfEnum_RemoveObjects(x->it, 0, 1, ids), WBEM_S_NO_ERROR);
    assert_int_equal(log.calls, 2);
    assert_int_equal(log.methods[1], HPM_IWbemHiPerfEnum_RemoveObjects);
    assert_int_equal(log.count_seen[1], 2);
    assert_int_equal(log.reader_hr, WBEM_E_BUFFER_TOO_SMALL);
    assert_int_equal(log.reader_saw, 2);

    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(log.calls, 3);
    assert_int_equal(log.methods[2], HPM_IWbemHiPerfEnum_RemoveAll);
    assert_int_equal(log.count_seen[2], 1);

    /* Not for reads, nor for denied calls. */
    ULONG n;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(x->it, 0, 0, NULL, &n), WBEM_S_NO_ERROR);
    hp_actor_set(HP_ACTOR_CLIENT);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_E_ACCESS_DENIED);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(log.calls, 3);

    /* Removed from inside itself: runs this once more, then never. */
    log.remove_itself = true;
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(log.calls, 4);
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), WBEM_S_NO_ERROR);
    assert_int_equal(log.calls, 4);
}

/* A hook that blocks until released, to show hpenum_set_hook waits for a
 * running hook before returning (so its user data can be freed). */
struct gate {
    pthread_mutex_t m;
    pthread_cond_t c;
    int entered, open, finished;
};

static void gate_hook(struct hpenum *e, enum hp_method m, void *user)
{
    (void)e;
    (void)m;
    struct gate *g = user;
    pthread_mutex_lock(&g->m);
    g->entered = 1;
    pthread_cond_broadcast(&g->c);
    while (!g->open)
        pthread_cond_wait(&g->c, &g->m);
    g->finished = 1;
    pthread_mutex_unlock(&g->m);
}

struct adder {
    struct fx *x;
    HRESULT hr;
};

static void *adder_thread(void *arg)
{
    struct adder *a = arg;
    hp_actor_set(HP_ACTOR_PROVIDER);
    LONG id = 42;
    a->hr = IWbemHiPerfEnum_AddObjects(a->x->it, 0, 1, &id, a->x->obj);
    return NULL;
}

static void *opener_thread(void *arg)
{
    struct gate *g = arg;
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 20; i++)
        nanosleep(&ms, NULL);
    pthread_mutex_lock(&g->m);
    g->open = 1;
    pthread_cond_broadcast(&g->c);
    pthread_mutex_unlock(&g->m);
    return NULL;
}

static void removing_the_hook_waits_for_a_running_hook(void **state)
{
    struct fx *x = *state;
    struct gate g = {.m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER};
    hpenum_set_hook(x->e, gate_hook, &g);
    struct adder a = {x, E_FAIL};
    pthread_t t, o;
    pthread_create(&t, NULL, adder_thread, &a);
    pthread_mutex_lock(&g.m);
    while (!g.entered)
        pthread_cond_wait(&g.c, &g.m);
    pthread_mutex_unlock(&g.m);
    pthread_create(&o, NULL, opener_thread, &g);
    hpenum_set_hook(x->e, NULL, NULL);
    assert_int_equal(g.finished, 1);   /* set_hook returned only after the hook did */
    pthread_join(o, NULL);
    pthread_join(t, NULL);
    assert_int_equal(a.hr, WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_count(x->e), 1);
}

static void release_in_hook(struct hpenum *e, enum hp_method m, void *user)
{
    (void)m;
    (void)user;
    /* As a StopRefreshing on another thread would: the last reference goes. */
    enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    hp_actor_set(prev);
}

static void an_enum_released_while_the_hook_runs_applies_nothing(void **state)
{
    struct fx *x = *state;
    hpenum_set_hook(x->e, release_in_hook, NULL);
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), CO_E_OBJNOTCONNECTED);
    assert_false(hobj_alive(hpenum_hobj(x->e)));
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 0);
    assert_int_equal(instfix_held(x->obj[1], HP_ACTOR_HOST), 0);
    assert_int_equal(hpenum_mod_count(x->e), 0);
}

/* ---- Life cycle ---------------------------------------------------------------- */

static void death_releases_every_held_object(void **state)
{
    struct fx *x = *state;
    LONG ids[3] = {1, 2, 3};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 3, ids, x->obj), WBEM_S_NO_ERROR);
    /* The provider keeps the enum (CreateRefreshableEnum's rule), the host lets go. */
    IWbemHiPerfEnum_AddRef(x->it);
    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(hpenum_hobj(x->e), HP_ACTOR_HOST);
    assert_true(hobj_alive(hpenum_hobj(x->e)));
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 1);
    hp_actor_set(HP_ACTOR_PROVIDER);
    IWbemHiPerfEnum_Release(x->it);
    assert_false(hobj_alive(hpenum_hobj(x->e)));
    for (int i = 0; i < 3; i++)
        assert_int_equal(instfix_held(x->obj[i], HP_ACTOR_HOST), 0);
    assert_int_equal(ledger_check_leaks(&x->f.host->ledger, HP_ACTOR_HOST), 0);

    /* A call on the dead enum is recorded, not a crash. */
    assert_int_equal(IWbemHiPerfEnum_RemoveAll(x->it, 0), CO_E_OBJNOTCONNECTED);
    assert_int_equal(findings(x, LEDGER_USE_AFTER_RELEASE), 1);
}

static void objects_created_after_the_enum_survive_host_teardown(void **state)
{
    /* The ledger frees newest first; the enum holds objects made after it.
     * Teardown must release each exactly once (checked by ASan/valgrind). */
    struct fx *x = *state;
    IWbemObjectAccess *late[3];
    LONG ids[3] = {1, 2, 3};
    for (int i = 0; i < 3; i++)
        late[i] = instfix_instance(&x->f, HP_ACTOR_PROVIDER);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 3, ids, late), WBEM_S_NO_ERROR);
    for (int i = 0; i < 3; i++)
        IWbemObjectAccess_Release(late[i]);   /* the enum's references keep them */
    assert_int_equal(instfix_held(late[0], HP_ACTOR_HOST), 1);
}

/* ---- Concurrency ----------------------------------------------------------------- */

struct churn {
    struct fx *x;
    int rounds;
    int failures;
};

static void *provider_churn(void *arg)
{
    struct churn *c = arg;
    hp_actor_set(HP_ACTOR_PROVIDER);
    LONG ids[NOBJ];
    for (int i = 0; i < NOBJ; i++)
        ids[i] = i + 1;
    for (int r = 0; r < c->rounds; r++) {
        if (IWbemHiPerfEnum_RemoveAll(c->x->it, 0) != S_OK ||
            IWbemHiPerfEnum_AddObjects(c->x->it, 0, NOBJ, ids, c->x->obj) != S_OK ||
            IWbemHiPerfEnum_RemoveObjects(c->x->it, 0, 2, ids) != S_OK)
            c->failures++;
    }
    return NULL;
}

static void *client_reads(void *arg)
{
    struct churn *c = arg;
    hp_actor_set(HP_ACTOR_CLIENT);
    for (int r = 0; r < c->rounds; r++) {
        IWbemObjectAccess *out[NOBJ];
        ULONG n = 0;
        HRESULT hr = IWbemHiPerfEnum_GetObjects(c->x->it, 0, NOBJ, out, &n);
        if (hr != S_OK || n > NOBJ) {
            c->failures++;
            continue;
        }
        for (ULONG i = 0; i < n; i++)
            IWbemObjectAccess_Release(out[i]);
    }
    return NULL;
}

static void a_client_reads_while_the_provider_refreshes(void **state)
{
    struct fx *x = *state;
    struct churn p = {x, 500, 0}, c = {x, 500, 0};
    pthread_t tp, tc;
    pthread_create(&tp, NULL, provider_churn, &p);
    pthread_create(&tc, NULL, client_reads, &c);
    pthread_join(tp, NULL);
    pthread_join(tc, NULL);
    assert_int_equal(p.failures, 0);
    assert_int_equal(c.failures, 0);
    assert_int_equal(hpenum_count(x->e), NOBJ - 2);
    assert_int_equal(ledger_held(&x->f.host->ledger, HP_ACTOR_CLIENT), 0);
    assert_int_equal(findings(x, -1), 0);
}

/* ---- Fault injection ------------------------------------------------------------- */

#define FAULT_CALLS 24

/* Makes FAULT_CALLS AddObjects calls with fresh ids on a fresh enum and
 * returns a bitmask of the ones that failed with the injected code. */
static uint32_t run_adds(struct fx *x, struct hpenum *e)
{
    uint32_t failed = 0;
    hp_actor_set(HP_ACTOR_PROVIDER);
    size_t expect = 0;
    for (int i = 0; i < FAULT_CALLS; i++) {
        LONG id = 100 + i;
        HRESULT hr = IWbemHiPerfEnum_AddObjects(hpenum_iface(e), 0, 1, &id, &x->obj[i % NOBJ]);
        if (hr == WBEM_E_TRANSPORT_FAILURE)
            failed |= 1u << i;
        else if (hr == S_OK)
            expect++;
        else
            fail_msg("unexpected hr 0x%08x", (unsigned)hr);
    }
    assert_int_equal(hpenum_count(e), expect);   /* a failed call added nothing */
    return failed;
}

static struct hpenum *fresh_enum(struct fx *x)
{
    struct hpenum *e;
    assert_int_equal(hpenum_new(&e, x->f.host, HP_ACTOR_HOST, NULL), 0);
    hpenum_window_open(e);
    return e;
}

static void fault_nth_fails_exactly_that_add(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->f.host->faults, HPM_IWbemHiPerfEnum_AddObjects, FAULT_NTH, 3, 0, 0,
                                WBEM_E_TRANSPORT_FAILURE), 0);
    assert_int_equal(run_adds(x, fresh_enum(x)), 1u << 2);
    assert_int_equal(faults_fired(&x->f.host->faults, HPM_IWbemHiPerfEnum_AddObjects), 1);
}

static void fault_from_fails_every_add_from_n(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->f.host->faults, HPM_IWbemHiPerfEnum_AddObjects, FAULT_FROM, 20, 0, 0,
                                WBEM_E_TRANSPORT_FAILURE), 0);
    assert_int_equal(run_adds(x, fresh_enum(x)), 0x1Fu << 19);  /* calls 20..24 */
}

static uint32_t random_run(uint64_t seed)
{
    struct fx *x;
    void *st;
    assert_int_equal(setup(&st), 0);
    x = st;
    assert_int_equal(faults_add(&x->f.host->faults, HPM_IWbemHiPerfEnum_AddObjects, FAULT_RANDOM, 0, 0.5,
                                seed, WBEM_E_TRANSPORT_FAILURE), 0);
    uint32_t failed = run_adds(x, x->e);
    teardown(&st);
    return failed;
}

static void fault_random_fails_the_same_adds_on_every_run(void **state)
{
    (void)state;
    uint32_t a = random_run(42), b = random_run(42), c = random_run(7);
    assert_int_equal(a, b);
    assert_int_not_equal(a, 0);             /* p = 0.5 over 24 calls */
    assert_int_not_equal(a, (1u << FAULT_CALLS) - 1);
    assert_int_not_equal(a, c);             /* the seed decides */
}

static void a_host_allocation_failure_adds_nothing(void **state)
{
    struct fx *x = *state;
    /* The first growth of the enum's storage fails. */
    assert_int_equal(faults_add(&x->f.host->faults, HPM_HOST_ALLOC, FAULT_NTH,
                                1, 0, 0, E_OUTOFMEMORY), 0);
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_E_OUT_OF_MEMORY);
    assert_int_equal(hpenum_count(x->e), 0);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 0);
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(hpenum_count(x->e), 2);
}

/* Calls QueryInterface and GetObjects, each expected to fail with `want`
 * at its entry: *ppv NULL, *puReturned 0 and the caller's array untouched. */
static void expect_null_outs(IWbemHiPerfEnum *it, HRESULT want)
{
    void *p = GARBAGE;
    assert_int_equal(IWbemHiPerfEnum_QueryInterface(it, &IID_IWbemHiPerfEnum, &p), want);
    assert_null(p);
    IWbemObjectAccess *out[NOBJ] = {GARBAGE};
    ULONG n = 77;
    assert_int_equal(IWbemHiPerfEnum_GetObjects(it, 0, NOBJ, out, &n), want);
    assert_int_equal(n, 0);
    assert_ptr_equal(out[0], GARBAGE);
}

/* COM-OUT-NULL-ON-FAILURE, kept by the host itself: an injected fault and
 * a dead enumerator fail the call at its entry, the [out]s NULL/0. */
static void out_pointers_are_null_when_a_fault_or_death_fails_the_call(void **state)
{
    struct fx *x = *state;
    LONG ids[2] = {1, 2};
    assert_int_equal(IWbemHiPerfEnum_AddObjects(x->it, 0, 2, ids, x->obj), WBEM_S_NO_ERROR);
    struct faults *f = &x->f.host->faults;
    assert_int_equal(faults_add(f, HPM_IWbemHiPerfEnum_QueryInterface, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    assert_int_equal(faults_add(f, HPM_IWbemHiPerfEnum_GetObjects, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    expect_null_outs(x->it, E_FAIL);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_PROVIDER), 1);   /* nothing handed out */

    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(hpenum_hobj(x->e), HP_ACTOR_HOST);     /* the last reference */
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_false(hobj_alive(hpenum_hobj(x->e)));
    expect_null_outs(x->it, CO_E_OBJNOTCONNECTED);
    assert_int_equal(findings(x, LEDGER_USE_AFTER_RELEASE), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(add_objects_keeps_one_host_reference_per_object, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicate_id_fails_and_nothing_of_the_call_is_added, setup, teardown),
        cmocka_unit_test_setup_teardown(a_duplicate_id_from_the_provider_is_a_finding_naming_it, setup, teardown),
        cmocka_unit_test_setup_teardown(nonzero_lflags_from_the_provider_are_a_finding_naming_method_and_value,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(an_id_may_be_added_again_after_removal, setup, teardown),
        cmocka_unit_test_setup_teardown(remove_of_an_unknown_id_is_not_found_and_removes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(snapshot_is_in_insertion_order_and_holds_references, setup, teardown),
        cmocka_unit_test_setup_teardown(get_objects_reports_the_count_when_the_buffer_is_too_small, setup, teardown),
        cmocka_unit_test_setup_teardown(get_objects_on_an_empty_enum_returns_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(get_objects_needs_pu_returned_and_an_array, setup, teardown),
        cmocka_unit_test_setup_teardown(nonzero_lflags_are_rejected_by_every_method, setup, teardown),
        cmocka_unit_test_setup_teardown(null_arrays_with_a_count_are_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(a_client_may_call_only_get_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(a_foreign_object_is_rejected_as_a_finding, setup, teardown),
        cmocka_unit_test_setup_teardown(an_object_released_by_everyone_is_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(query_interface_follows_the_com_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(the_modification_counter_counts_successful_changes_only, setup, teardown),
        cmocka_unit_test_setup_teardown(a_change_outside_refresh_is_a_finding, setup, teardown),
        cmocka_unit_test_setup_teardown(the_hook_runs_before_the_change_is_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(removing_the_hook_waits_for_a_running_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(an_enum_released_while_the_hook_runs_applies_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(death_releases_every_held_object, setup, teardown),
        cmocka_unit_test_setup_teardown(objects_created_after_the_enum_survive_host_teardown, setup, teardown),
        cmocka_unit_test_setup_teardown(a_client_reads_while_the_provider_refreshes, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_nth_fails_exactly_that_add, setup, teardown),
        cmocka_unit_test_setup_teardown(fault_from_fails_every_add_from_n, setup, teardown),
        cmocka_unit_test(fault_random_fails_the_same_adds_on_every_run),
        cmocka_unit_test_setup_teardown(a_host_allocation_failure_adds_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(out_pointers_are_null_when_a_fault_or_death_fails_the_call, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
