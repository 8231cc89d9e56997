/*
 * tests/mocks/test_sink.c - the recording IWbemObjectSink and the
 * IWbemProviderInitSink: Indicate keeps a host reference to each object
 * and refuses foreign pointers as a finding, SetStatus is recorded and the
 * first completion gives the final status, an Indicate after completion is
 * a finding, records follow the journal's order, death drops the
 * references, the waits return true once complete and false (without
 * hanging) when nothing ever completes, and QueryInterface's [out] pointer
 * is NULL when an injected fault or a dead sink fails the call.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "instfix.h"
#include "sink.h"

#define NOBJ 4

/* What an uninitialised [out] pointer holds. */
#define GARBAGE ((void *)(uintptr_t)0xdeadbeefu)

struct fx {
    struct instfix f;
    struct objsink *s;
    IWbemObjectSink *it;
    IWbemClassObject *obj[NOBJ];   /* the provider holds one reference to each */
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    if (!x || instfix_setup(&x->f) != 0)
        return -1;
    if (objsink_new(&x->s, x->f.host, HP_ACTOR_HOST, "QueryInstances(Test_Counter)") != 0)
        return -1;
    x->it = objsink_iface(x->s);
    for (int i = 0; i < NOBJ; i++)
        if (!(x->obj[i] = (IWbemClassObject *)instfix_instance(&x->f, HP_ACTOR_PROVIDER)))
            return -1;
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

/* ---- IWbemObjectSink ----------------------------------------------------- */

/* objsink_result, the rules of sink.h: SetStatus first, then the return
 * code when the call may end with it and nobody can complete the sink any
 * more, else a timeout. */
static void the_result_is_setstatus_then_the_return_code(void **state)
{
    struct fx *x = *state;
    /* The provider holds no reference to the sink: QueryInstances's return
     * code is its answer, at once (a wait would make this a 60 s timeout). */
    assert_int_equal(objsink_result(x->s, WBEM_S_NO_ERROR, true, 60000), WBEM_S_NO_ERROR);
    assert_int_equal(objsink_result(x->s, WBEM_S_FALSE, true, 60000), WBEM_S_FALSE);
    assert_int_equal(objsink_result(x->s, WBEM_E_FAILED, true, 0), WBEM_E_FAILED);
    assert_int_equal(objsink_result(x->s, WBEM_E_FAILED, false, 0), WBEM_E_FAILED);
    /* An asynchronous call ends with SetStatus only. */
    assert_int_equal(objsink_result(x->s, WBEM_S_NO_ERROR, false, 5), WBEM_E_PROVIDER_TIMED_OUT);
    /* Kept by the provider and never completed. */
    IWbemObjectSink_AddRef(x->it);
    assert_int_equal(objsink_result(x->s, WBEM_S_NO_ERROR, true, 5), WBEM_E_PROVIDER_TIMED_OUT);
    /* A completing SetStatus takes precedence over any return code. */
    assert_int_equal(IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_COMPLETE, WBEM_E_NOT_FOUND, NULL, NULL),
                     WBEM_S_NO_ERROR);
    assert_int_equal(objsink_result(x->s, WBEM_S_NO_ERROR, true, 5), WBEM_E_NOT_FOUND);
    IWbemObjectSink_Release(x->it);
    assert_int_equal(objsink_result(x->s, WBEM_S_NO_ERROR, false, 5), WBEM_E_NOT_FOUND);
    assert_int_equal(objsink_result(x->s, WBEM_E_FAILED, true, 5), WBEM_E_NOT_FOUND);
    for (int i = 0; i < NOBJ; i++)
        IWbemClassObject_Release(x->obj[i]);
}

static void indicate_keeps_a_host_reference_to_each_object(void **state)
{
    struct fx *x = *state;
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 3, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 1, &x->obj[3]), WBEM_S_NO_ERROR);
    for (int i = 0; i < NOBJ; i++) {
        assert_int_equal(instfix_held(x->obj[i], HP_ACTOR_HOST), 1);
        IWbemClassObject_Release(x->obj[i]);     /* the provider lets go */
        assert_true(hobj_alive(instfix_hobj(x->obj[i])));
    }
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_int_equal(st.indicate_calls, 2);
    assert_int_equal(st.indicate_rejected, 0);
    assert_int_equal(st.objects, 4);
    assert_false(st.complete);

    struct objsink_event ev;
    assert_true(objsink_event_get(x->s, 0, &ev));
    assert_int_equal(ev.kind, OBJSINK_INDICATE);
    assert_int_equal(ev.count, 3);
    assert_int_equal(ev.caller, HP_ACTOR_PROVIDER);
    for (int i = 0; i < 3; i++)
        assert_ptr_equal(ev.objects[i], x->obj[i]);
    assert_false(objsink_event_get(x->s, 2, &ev));
    assert_int_equal(findings(x, -1), 0);

    /* The sink's death drops them, and the objects die with it. */
    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(objsink_hobj(x->s), HP_ACTOR_HOST);
    for (int i = 0; i < NOBJ; i++)
        assert_false(hobj_alive(instfix_hobj(x->obj[i])));
    /* The records stay readable. */
    assert_true(objsink_event_get(x->s, 1, &ev));
    assert_ptr_equal(ev.objects[0], x->obj[3]);
}

static void a_foreign_object_is_refused_as_a_finding(void **state)
{
    struct fx *x = *state;
    struct foreign_unknown u;
    foreign_unknown_init(&u);
    IWbemClassObject *objs[2] = {x->obj[0], (IWbemClassObject *)&u.IUnknown_iface};
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 2, objs), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(findings(x, LEDGER_FOREIGN_OBJECT), 1);
    assert_int_equal(u.refs, 1);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 0);   /* nothing of it kept */
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_int_equal(st.indicate_calls, 1);
    assert_int_equal(st.indicate_rejected, 1);
    assert_int_equal(st.objects, 0);
    struct objsink_event ev;
    assert_true(objsink_event_get(x->s, 0, &ev));
    assert_int_equal(ev.result, WBEM_E_INVALID_PARAMETER);
    assert_null(ev.objects);
}

static void bad_counts_and_null_arrays_are_refused(void **state)
{
    struct fx *x = *state;
    IWbemClassObject *with_null[2] = {x->obj[0], NULL};
    assert_int_equal(IWbemObjectSink_Indicate(x->it, -1, x->obj), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 1, NULL), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 2, with_null), WBEM_E_INVALID_PARAMETER);
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 0, NULL), WBEM_S_NO_ERROR);
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_int_equal(st.indicate_calls, 4);
    assert_int_equal(st.indicate_rejected, 3);
    assert_int_equal(instfix_held(x->obj[0], HP_ACTOR_HOST), 0);
}

static void set_status_is_recorded_and_the_first_completion_is_final(void **state)
{
    struct fx *x = *state;
    assert_int_equal(IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_PROGRESS, 0x00010002, NULL, NULL),
                     WBEM_S_NO_ERROR);
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_false(st.complete);
    assert_int_equal(st.set_status_calls, 1);
    assert_int_equal(st.complete_calls, 0);

    BSTR param = SysAllocString(u"Test_Counter");
    assert_int_equal(IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_COMPLETE, WBEM_E_NOT_FOUND, param, x->obj[1]),
                     WBEM_S_NO_ERROR);
    param[0] = u'X';                                   /* the sink kept its own copy */
    SysFreeString(param);
    assert_int_equal(instfix_held(x->obj[1], HP_ACTOR_HOST), 1);
    assert_int_equal(IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_COMPLETE, WBEM_S_NO_ERROR, NULL, NULL),
                     WBEM_S_NO_ERROR);
    objsink_get_stats(x->s, &st);
    assert_true(st.complete);
    assert_int_equal(st.set_status_calls, 3);
    assert_int_equal(st.complete_calls, 2);
    assert_int_equal(st.final_status, WBEM_E_NOT_FOUND);

    struct objsink_event ev;
    assert_true(objsink_event_get(x->s, 1, &ev));
    assert_int_equal(ev.kind, OBJSINK_SET_STATUS);
    assert_int_equal(ev.flags, WBEM_STATUS_COMPLETE);
    assert_int_equal(ev.status, WBEM_E_NOT_FOUND);
    assert_int_equal(hp_u16cmp(ev.param, u"Test_Counter"), 0);
    assert_ptr_equal(ev.obj_param, x->obj[1]);
    assert_false(ev.after_complete);
    assert_true(objsink_event_get(x->s, 2, &ev));
    assert_true(ev.after_complete);
    assert_int_equal(findings(x, -1), 0);              /* a second SetStatus is counted, not a finding */
}

static void a_foreign_status_object_is_a_finding_and_the_status_counts(void **state)
{
    struct fx *x = *state;
    struct foreign_unknown u;
    foreign_unknown_init(&u);
    assert_int_equal(IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_COMPLETE, WBEM_E_FAILED, NULL,
                                               (IWbemClassObject *)&u.IUnknown_iface),
                     WBEM_S_NO_ERROR);
    assert_int_equal(findings(x, LEDGER_FOREIGN_OBJECT), 1);
    assert_int_equal(u.refs, 1);
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_true(st.complete);
    assert_int_equal(st.final_status, WBEM_E_FAILED);
    struct objsink_event ev;
    assert_true(objsink_event_get(x->s, 0, &ev));
    assert_null(ev.obj_param);
}

static void an_indicate_after_completion_is_a_finding(void **state)
{
    struct fx *x = *state;
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 1, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_COMPLETE, WBEM_S_NO_ERROR, NULL, NULL),
                     WBEM_S_NO_ERROR);
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_false(st.indicate_after_complete);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 0);

    assert_int_equal(IWbemObjectSink_Indicate(x->it, 1, &x->obj[1]), WBEM_S_NO_ERROR);
    objsink_get_stats(x->s, &st);
    assert_true(st.indicate_after_complete);
    assert_int_equal(st.objects, 2);
    assert_int_equal(findings(x, LEDGER_COM_RULE), 1);
    struct objsink_event ev;
    assert_true(objsink_event_get(x->s, 2, &ev));
    assert_true(ev.after_complete);
    assert_int_equal(ev.caller, HP_ACTOR_PROVIDER);
}

static void records_follow_the_journal_order(void **state)
{
    struct fx *x = *state;
    IWbemObjectSink_Indicate(x->it, 1, x->obj);
    IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_PROGRESS, 0, NULL, NULL);
    IWbemObjectSink_Indicate(x->it, 2, &x->obj[1]);
    IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_COMPLETE, 0, NULL, NULL);
    assert_int_equal(objsink_event_count(x->s), 4);
    uint64_t last = 0;
    for (size_t i = 0; i < 4; i++) {
        struct objsink_event ev;
        assert_true(objsink_event_get(x->s, i, &ev));
        assert_true(i == 0 || ev.seq > last);
        last = ev.seq;
        struct journal_rec r;
        assert_true(journal_get(&x->f.host->journal, ev.seq, &r));
        assert_int_equal(r.method, ev.kind == OBJSINK_INDICATE ? HPM_IWbemObjectSink_Indicate
                                                               : HPM_IWbemObjectSink_SetStatus);
        assert_int_equal(r.obj, objsink_hobj(x->s)->id);
    }
}

struct completer {
    IWbemObjectSink *it;
    int delay_ms;
};

static void *complete_later(void *arg)
{
    struct completer *c = arg;
    hp_actor_set(HP_ACTOR_PROVIDER);
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < c->delay_ms; i++)
        nanosleep(&ms, NULL);
    IWbemObjectSink_SetStatus(c->it, WBEM_STATUS_COMPLETE, WBEM_S_NO_ERROR, NULL, NULL);
    return NULL;
}

static void wait_returns_once_another_thread_completes(void **state)
{
    struct fx *x = *state;
    struct completer c = {x->it, 20};
    pthread_t t;
    pthread_create(&t, NULL, complete_later, &c);
    assert_true(objsink_wait_complete(x->s, 60000));
    pthread_join(t, NULL);
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_true(st.complete);
    assert_true(objsink_wait_complete(x->s, 0));
}

static void wait_gives_up_when_nothing_completes(void **state)
{
    struct fx *x = *state;
    assert_false(objsink_wait_complete(x->s, 0));
    assert_false(objsink_wait_complete(x->s, 30));
    /* Progress is not completion. */
    IWbemObjectSink_SetStatus(x->it, WBEM_STATUS_PROGRESS, 0, NULL, NULL);
    assert_false(objsink_wait_complete(x->s, 5));
}

static void sink_query_interface_follows_the_com_rules(void **state)
{
    struct fx *x = *state;
    void *p = (void *)1;
    assert_int_equal(IWbemObjectSink_QueryInterface(x->it, &IID_IUnknown, NULL), E_POINTER);
    assert_int_equal(IWbemObjectSink_QueryInterface(x->it, &IID_IWbemProviderInitSink, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(IWbemObjectSink_QueryInterface(x->it, &IID_IUnknown, &p), S_OK);
    assert_ptr_equal(p, x->it);
    void *q = NULL;
    assert_int_equal(IWbemObjectSink_QueryInterface(x->it, &IID_IWbemObjectSink, &q), S_OK);
    assert_ptr_equal(q, p);
    IWbemObjectSink_Release(x->it);
    IWbemObjectSink_Release(x->it);
    assert_int_equal(atomic_load(&objsink_hobj(x->s)->by[HP_ACTOR_PROVIDER]), 0);
    assert_ptr_equal(objsink_from_iface(x->it), x->s);
    assert_null(objsink_from_iface(x->obj[0]));
}

static void an_injected_fault_fails_exactly_that_indicate(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->f.host->faults, HPM_IWbemObjectSink_Indicate, FAULT_NTH, 2, 0, 0,
                                WBEM_E_TRANSPORT_FAILURE), 0);
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 1, x->obj), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 1, &x->obj[1]), WBEM_E_TRANSPORT_FAILURE);
    assert_int_equal(IWbemObjectSink_Indicate(x->it, 1, &x->obj[2]), WBEM_S_NO_ERROR);
    assert_int_equal(instfix_held(x->obj[1], HP_ACTOR_HOST), 0);
    struct objsink_stats st;
    objsink_get_stats(x->s, &st);
    assert_int_equal(st.objects, 2);
}

/* COM-OUT-NULL-ON-FAILURE, kept by the host itself: the call fails at its
 * entry, before riid is looked at, and *ppv is NULL all the same. */
static void sink_query_interface_nulls_its_out_pointer_on_a_fault_or_death(void **state)
{
    struct fx *x = *state;
    assert_int_equal(faults_add(&x->f.host->faults, HPM_IWbemObjectSink_QueryInterface, FAULT_NTH, 1, 0, 0,
                                E_FAIL), 0);
    void *p = GARBAGE;
    assert_int_equal(IWbemObjectSink_QueryInterface(x->it, &IID_IWbemObjectSink, &p), E_FAIL);
    assert_null(p);

    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(objsink_hobj(x->s), HP_ACTOR_HOST);     /* the last reference */
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_false(hobj_alive(objsink_hobj(x->s)));
    p = GARBAGE;
    assert_int_equal(IWbemObjectSink_QueryInterface(x->it, &IID_IWbemObjectSink, &p), CO_E_OBJNOTCONNECTED);
    assert_null(p);
    assert_int_equal(findings(x, LEDGER_USE_AFTER_RELEASE), 1);
}

/* ---- IWbemProviderInitSink ---------------------------------------------------- */

struct initfx {
    struct host *host;
    struct initsink *s;
    IWbemProviderInitSink *it;
};

static int init_setup(void **state)
{
    struct initfx *x = calloc(1, sizeof *x);
    if (!x || host_new(&x->host, NULL, NULL) != 0 || initsink_new(&x->s, x->host, HP_ACTOR_HOST) != 0)
        return -1;
    x->it = initsink_iface(x->s);
    hp_actor_set(HP_ACTOR_PROVIDER);
    *state = x;
    return 0;
}

static int init_teardown(void **state)
{
    struct initfx *x = *state;
    hp_actor_set(HP_ACTOR_HOST);
    host_free(x->host);
    free(x);
    return 0;
}

static void init_set_status_is_counted_and_always_succeeds(void **state)
{
    struct initfx *x = *state;
    struct initsink_stats st;
    initsink_get_stats(x->s, &st);
    assert_int_equal(st.calls, 0);
    assert_false(initsink_wait_status(x->s, 0));
    assert_int_equal(IWbemProviderInitSink_SetStatus(x->it, WBEM_E_FAILED, 0), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemProviderInitSink_SetStatus(x->it, WBEM_S_INITIALIZED, 0), WBEM_S_NO_ERROR);
    initsink_get_stats(x->s, &st);
    assert_int_equal(st.calls, 2);
    assert_int_equal(st.first_status, WBEM_E_FAILED);
    assert_int_equal(st.last_status, WBEM_S_INITIALIZED);
    assert_int_equal(st.bad_flags, 0);
    assert_int_equal(st.bad_status, 0);
    assert_true(initsink_wait_status(x->s, 0));
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
    /* Any other lStatus is counted (INIT-SETSTATUS-VALUES), still accepted. */
    assert_int_equal(IWbemProviderInitSink_SetStatus(x->it, S_FALSE, 0), WBEM_S_NO_ERROR);
    assert_int_equal(IWbemProviderInitSink_SetStatus(x->it, E_FAIL, 0), WBEM_S_NO_ERROR);
    initsink_get_stats(x->s, &st);
    assert_int_equal(st.calls, 4);
    assert_int_equal(st.bad_status, 2);
}

static void init_nonzero_flags_are_a_finding(void **state)
{
    struct initfx *x = *state;
    assert_int_equal(IWbemProviderInitSink_SetStatus(x->it, WBEM_S_INITIALIZED, 1), WBEM_S_NO_ERROR);
    struct initsink_stats st;
    initsink_get_stats(x->s, &st);
    assert_int_equal(st.bad_flags, 1);
    assert_int_equal(st.last_flags, 1);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_COM_RULE), 1);
}

static void *init_later(void *arg)
{
    IWbemProviderInitSink *it = arg;
    hp_actor_set(HP_ACTOR_PROVIDER);
    struct timespec ms = {0, 1000000};
    for (int i = 0; i < 10; i++)
        nanosleep(&ms, NULL);
    IWbemProviderInitSink_SetStatus(it, WBEM_S_INITIALIZED, 0);
    return NULL;
}

static void init_wait_returns_on_status_and_gives_up_without(void **state)
{
    struct initfx *x = *state;
    assert_false(initsink_wait_status(x->s, 20));
    pthread_t t;
    pthread_create(&t, NULL, init_later, x->it);
    assert_true(initsink_wait_status(x->s, 60000));
    pthread_join(t, NULL);
}

static void init_query_interface_follows_the_com_rules(void **state)
{
    struct initfx *x = *state;
    void *p = (void *)1;
    assert_int_equal(IWbemProviderInitSink_QueryInterface(x->it, &IID_IUnknown, NULL), E_POINTER);
    assert_int_equal(IWbemProviderInitSink_QueryInterface(x->it, &IID_IWbemObjectSink, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(IWbemProviderInitSink_QueryInterface(x->it, &IID_IWbemProviderInitSink, &p), S_OK);
    assert_ptr_equal(p, x->it);
    IWbemProviderInitSink_Release(x->it);
    /* A provider that keeps the sink (to report later) AddRefs it: the
     * host's release does not kill it. */
    IWbemProviderInitSink_AddRef(x->it);
    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(initsink_hobj(x->s), HP_ACTOR_HOST);
    hp_actor_set(HP_ACTOR_PROVIDER);
    assert_int_equal(IWbemProviderInitSink_SetStatus(x->it, WBEM_S_INITIALIZED, 0), WBEM_S_NO_ERROR);
    IWbemProviderInitSink_Release(x->it);
    assert_int_equal(IWbemProviderInitSink_SetStatus(x->it, WBEM_S_INITIALIZED, 0), CO_E_OBJNOTCONNECTED);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_USE_AFTER_RELEASE), 1);
}

static void init_query_interface_nulls_its_out_pointer_on_a_fault_or_death(void **state)
{
    struct initfx *x = *state;
    assert_int_equal(faults_add(&x->host->faults, HPM_IWbemProviderInitSink_QueryInterface, FAULT_NTH, 1, 0,
                                0, E_FAIL), 0);
    void *p = GARBAGE;
    assert_int_equal(IWbemProviderInitSink_QueryInterface(x->it, &IID_IWbemProviderInitSink, &p), E_FAIL);
    assert_null(p);

    hp_actor_set(HP_ACTOR_HOST);
    hobj_unref(initsink_hobj(x->s), HP_ACTOR_HOST);    /* the last reference */
    hp_actor_set(HP_ACTOR_PROVIDER);
    p = GARBAGE;
    assert_int_equal(IWbemProviderInitSink_QueryInterface(x->it, &IID_IWbemProviderInitSink, &p),
                     CO_E_OBJNOTCONNECTED);
    assert_null(p);
    assert_int_equal(ledger_count(&x->host->ledger, LEDGER_USE_AFTER_RELEASE), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(indicate_keeps_a_host_reference_to_each_object, setup, teardown),
        cmocka_unit_test_setup_teardown(the_result_is_setstatus_then_the_return_code, setup, teardown),
        cmocka_unit_test_setup_teardown(a_foreign_object_is_refused_as_a_finding, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_counts_and_null_arrays_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(set_status_is_recorded_and_the_first_completion_is_final, setup, teardown),
        cmocka_unit_test_setup_teardown(a_foreign_status_object_is_a_finding_and_the_status_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(an_indicate_after_completion_is_a_finding, setup, teardown),
        cmocka_unit_test_setup_teardown(records_follow_the_journal_order, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_returns_once_another_thread_completes, setup, teardown),
        cmocka_unit_test_setup_teardown(wait_gives_up_when_nothing_completes, setup, teardown),
        cmocka_unit_test_setup_teardown(sink_query_interface_follows_the_com_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(an_injected_fault_fails_exactly_that_indicate, setup, teardown),
        cmocka_unit_test_setup_teardown(sink_query_interface_nulls_its_out_pointer_on_a_fault_or_death, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(init_set_status_is_counted_and_always_succeeds, init_setup, init_teardown),
        cmocka_unit_test_setup_teardown(init_nonzero_flags_are_a_finding, init_setup, init_teardown),
        cmocka_unit_test_setup_teardown(init_wait_returns_on_status_and_gives_up_without, init_setup, init_teardown),
        cmocka_unit_test_setup_teardown(init_query_interface_follows_the_com_rules, init_setup, init_teardown),
        cmocka_unit_test_setup_teardown(init_query_interface_nulls_its_out_pointer_on_a_fault_or_death,
                                        init_setup, init_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
