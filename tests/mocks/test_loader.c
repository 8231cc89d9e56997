/*
 * tests/mocks/test_loader.c - the loader's record of the last load attempt
 * (host_last_load_init): none before any attempt; a successful load's
 * Initialize (its return, the SetStatus calls); a load that fails after
 * Initialize keeps what Initialize showed although the provider is
 * discarded (the host refused the provider's SetStatus, and, when the
 * defect build is there, a provider that never calls SetStatus); a load
 * that fails before Initialize says so; a provider found already loaded
 * is no new attempt.  The REAL reference provider and its MOF; every test
 * ends with nothing held by the provider and the provider unloadable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader.h"
#include "repo.h"
#include "namespace.h"

/* Short: every failing load here waits this long for a SetStatus that
 * never comes. */
#define WAIT_MS 20

struct fx {
    struct repo *repo;
    struct host *host;
    const struct repo_provider *refprov;    /* hi-perf: CLSID and ClientLoadableCLSID */
    const struct repo_provider *ordinary;   /* CLSID only */
};

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    if (!x || !(x->repo = repo_new()) || mof_load_file(x->repo, REFPROV_MOF) ||
        host_new(&x->host, x->repo, NULL) || host_set_provider_file(x->host, REFPROV_SO)) {
        fprintf(stderr, "test_loader: %s\n", hp_error_message());
        return -1;
    }
    x->refprov = repo_provider(x->repo, "HiPerfCheck_Reference");
    x->ordinary = repo_provider(x->repo, "HiPerfCheck_Ordinary");
    if (!x->refprov || !x->ordinary)
        return -1;
    *state = x;
    return 0;
}

/* Unloads and checks the provider was left holding nothing and could go. */
static int teardown(void **state)
{
    struct fx *x = *state;
    hp_actor_set(HP_ACTOR_HOST);
    HRESULT can = E_FAIL;
    host_unload_providers(x->host, &can);
    assert_int_equal(ledger_held(&x->host->ledger, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(ledger_count(&x->host->ledger, -1), 0);
    assert_true(can == S_OK || can == E_FAIL);   /* E_FAIL: no module was open */
    host_free(x->host);
    repo_free(x->repo);
    free(x);
    return 0;
}

static struct host_load_init last(struct fx *x)
{
    struct host_load_init r;
    assert_true(host_last_load_init(x->host, &r));
    return r;
}

static void no_attempt_no_record(void **state)
{
    struct fx *x = *state;
    struct host_load_init r;
    memset(&r, 0xAB, sizeof r);
    assert_false(host_last_load_init(x->host, &r));
    assert_null(r.reg);
    assert_false(r.initialize_called);
    assert_int_equal(r.sink.calls, 0);
}

static void a_successful_load_records_its_initialize(void **state)
{
    struct fx *x = *state;
    struct hostprov *p;
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_WMI, 5000, &p), 0);
    struct host_load_init r = last(x);
    assert_ptr_equal(r.reg, x->refprov);
    assert_int_equal(r.kind, HOSTPROV_IN_WMI);
    assert_true(r.initialize_called);
    assert_int_equal(r.init_hr, WBEM_S_NO_ERROR);
    assert_true(r.reported);
    assert_int_equal(r.sink.calls, 1);
    assert_int_equal(r.sink.first_status, WBEM_S_INITIALIZED);
    assert_int_equal(r.sink.bad_flags + r.sink.bad_status, 0);
    assert_true(r.loaded);
    /* The same as the loaded provider's own record. */
    assert_int_equal(p->init_hr, r.init_hr);
    assert_int_equal(p->init_status, r.sink.first_status);
    assert_int_equal(p->init_setstatus_calls, (int)r.sink.calls);
}

/* The provider reports, but the host refuses its SetStatus (an injected
 * fault): the sink never heard, the load fails after the wait, and the
 * record says Initialize returned success with no SetStatus counted. */
static void a_load_failing_after_initialize_keeps_its_record(void **state)
{
    struct fx *x = *state;
    struct hostprov *p;
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_WMI, 5000, &p), 0);
    assert_int_equal(faults_add(&x->host->faults, HPM_IWbemProviderInitSink_SetStatus, FAULT_NTH, 1, 0, 0, E_FAIL),
                     0);
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_CLIENT, WAIT_MS, &p), HP_EPROVIDER);
    assert_null(p);
    assert_non_null(strstr(hp_error_message(), "never reported"));
    assert_int_equal(x->host->nproviders, 1);   /* the failed one is gone */
    assert_int_equal(faults_fired(&x->host->faults, HPM_IWbemProviderInitSink_SetStatus), 1);
    struct host_load_init r = last(x);
    assert_ptr_equal(r.reg, x->refprov);
    assert_int_equal(r.kind, HOSTPROV_IN_CLIENT);
    assert_true(r.initialize_called);
    assert_int_equal(r.init_hr, WBEM_S_NO_ERROR);
    assert_false(r.reported);
    assert_int_equal(r.sink.calls, 0);
    assert_false(r.loaded);

    /* A provider found already loaded is no new attempt. */
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_WMI, 5000, &p), 0);
    r = last(x);
    assert_int_equal(r.kind, HOSTPROV_IN_CLIENT);
    assert_false(r.loaded);

    /* The next attempt replaces the record. */
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_CLIENT, 5000, &p), 0);
    r = last(x);
    assert_int_equal(r.kind, HOSTPROV_IN_CLIENT);
    assert_true(r.reported);
    assert_int_equal(r.sink.calls, 1);
    assert_true(r.loaded);
    assert_int_equal(x->host->nproviders, 2);
}

/* No ClientLoadableCLSID: the attempt stops before Initialize, and the
 * record says so (not what an earlier load's Initialize showed). */
static void a_load_failing_before_initialize_says_so(void **state)
{
    struct fx *x = *state;
    struct hostprov *p;
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_WMI, 5000, &p), 0);
    assert_int_equal(host_load_provider(x->host, x->ordinary, HOSTPROV_IN_CLIENT, 5000, &p), HP_EPROVIDER);
    struct host_load_init r = last(x);
    assert_ptr_equal(r.reg, x->ordinary);
    assert_int_equal(r.kind, HOSTPROV_IN_CLIENT);
    assert_false(r.initialize_called);
    assert_false(r.reported);
    assert_int_equal(r.sink.calls, 0);
    assert_false(r.loaded);
    /* An ordinary provider loads by its CLSID: three in the table now, and
     * the record moved with it as it grew. */
    assert_int_equal(host_load_provider(x->host, x->ordinary, HOSTPROV_IN_WMI, 5000, &p), 0);
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_CLIENT, 5000, &p), 0);
    assert_int_equal(x->host->nproviders, 3);
    r = last(x);
    assert_ptr_equal(r.reg, x->refprov);
    assert_true(r.loaded);
}

/* The defect build init_no_setstatus: Initialize returns success and never
 * calls SetStatus (INIT-SETSTATUS).  Its load fails; the record is what a
 * scenario's `expect provider init-status` after it needs. */
static void a_provider_that_never_reports_keeps_its_record(void **state)
{
#ifndef DEFECT_INIT_NO_SETSTATUS_SO
    (void)state;
    skip();
#else
    struct fx *x = *state;
    if (access(DEFECT_INIT_NO_SETSTATUS_SO, R_OK) != 0) {
        fprintf(stderr, "test_loader: %s is not built\n", DEFECT_INIT_NO_SETSTATUS_SO);
        skip();
    }
    assert_int_equal(host_set_provider_file(x->host, DEFECT_INIT_NO_SETSTATUS_SO), 0);
    struct hostprov *p;
    assert_int_equal(host_load_provider(x->host, x->refprov, HOSTPROV_IN_WMI, WAIT_MS, &p), HP_EPROVIDER);
    assert_int_equal(x->host->nproviders, 0);
    struct host_load_init r = last(x);
    assert_ptr_equal(r.reg, x->refprov);
    assert_true(r.initialize_called);
    assert_int_equal(r.init_hr, WBEM_S_NO_ERROR);
    assert_false(r.reported);
    assert_int_equal(r.sink.calls, 0);
    assert_false(r.loaded);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(no_attempt_no_record, setup, teardown),
        cmocka_unit_test_setup_teardown(a_successful_load_records_its_initialize, setup, teardown),
        cmocka_unit_test_setup_teardown(a_load_failing_after_initialize_keeps_its_record, setup, teardown),
        cmocka_unit_test_setup_teardown(a_load_failing_before_initialize_says_so, setup, teardown),
        cmocka_unit_test_setup_teardown(a_provider_that_never_reports_keeps_its_record, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
