/*
 * tests/provider/test_refprov_threads.c - the reference provider under
 * concurrent use (docs/writing-a-provider.md section 7): Refresh,
 * StopRefreshing and CreateRefreshableObject/Enum on one refresher from
 * several threads at once; a StopRefreshing that arrives from another
 * thread while a Refresh of the same refresher is inside
 * IWbemHiPerfEnum::AddObjects (it must wait, and once it has returned the
 * enumerator is never touched again); and the same stop arriving on the
 * Refresh's own thread from inside AddObjects.  No crash, no deadlock, no
 * reference left behind, no finding in the ledger.
 *
 * Waits are bounded by counting short nanosleeps, never by a timed wait on
 * a clock (the process runs under libfaketime with a stopped clock); CTest
 * bounds the whole program (TIMEOUT), from outside the preloaded process.
 * cmocka is not thread-safe: worker threads only count failures, the main
 * thread asserts.
 *
 * ThreadSanitizer (a separate build; libfaketime off, so the real clock):
 *
 *   cmake -S . -B /tmp/build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 *         -DCMAKE_C_FLAGS=-fsanitize=thread -DCMAKE_CXX_FLAGS=-fsanitize=thread \
 *         -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
 *         -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
 *         -DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=thread \
 *         -DHIPERF_REFPROV_TESTS_FAKETIME=OFF
 *   cmake --build /tmp/build-tsan --target test_refprov_threads
 *   ctest --test-dir /tmp/build-tsan -R refprov_threads --output-on-failure
 *
 * (TSan also runs with libfaketime preloaded: leave the last -D out.)  The
 * AddressSanitizer build (-DHIPERF_SANITIZE=ON) runs it with libfaketime.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "refprov_fixture.h"

#define T0 "2024-01-01 00:00:00"
#define NWORKERS 4
#define ITERATIONS 150

static bool faketime;  /* libfaketime drives the clock (else: the real one) */

/* Moves the fake clock; with a real clock there is nothing to move. */
static void advance_to(const char *when)
{
    if (faketime)
        assert_true(rpfx_set_time(when));
}

/* Sleeps about 1 ms (a count of these bounds every wait). */
static void nap(void)
{
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

static int setup(void **state)
{
    struct rpfx *f = calloc(1, sizeof *f);
    if (!f || (faketime && !rpfx_set_time(T0)) || rpfx_open(f) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct rpfx *f = *state;
    rpfx_close(f, NULL);
    free(f);
    return 0;
}

/* ---- several threads on one refresher -------------------------------------------- */

struct shared {
    struct rpfx *f;
    IWbemRefresher *r;
    struct hobject *tmpl[5];      /* Processor 0..3, _Total */
    atomic_int failures;          /* calls that did not return what they must */
    atomic_int refreshes, stops, creates;
    atomic_bool running;          /* the background refresher goes on while set */
    char first_failure[160];
    pthread_mutex_t lock;         /* first_failure */
};

static void failed(struct shared *s, const char *what, HRESULT hr)
{
    if (atomic_fetch_add(&s->failures, 1) == 0) {
        pthread_mutex_lock(&s->lock);
        snprintf(s->first_failure, sizeof s->first_failure, "%s: 0x%08X", what, (unsigned)hr);
        pthread_mutex_unlock(&s->lock);
    }
}

struct worker {
    struct shared *s;
    int n;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct shared *s = w->s;
    struct rpfx *f = s->f;
    HRESULT hr;

    hp_actor_set(HP_ACTOR_HOST);  /* a harness thread */
    for (int i = 0; i < ITERATIONS; i++) {
        LONG id;
        switch ((i + w->n) % 3) {
        case 0: {
            struct hobject *obj;
            hr = rpfx_add_object(f, s->r, s->tmpl[(i + w->n) % 5], &obj, &id);
            if (hr != WBEM_S_NO_ERROR) {
                failed(s, "CreateRefreshableObject", hr);
                break;
            }
            atomic_fetch_add(&s->creates, 1);
            if ((hr = rpfx_refresh(f, s->r, NULL, 0)) != WBEM_S_NO_ERROR)
                failed(s, "Refresh", hr);
            if ((hr = rpfx_stop(f, s->r, id)) != WBEM_S_NO_ERROR)
                failed(s, "StopRefreshing (object)", hr);
            else if (rpfx_held(hobject_hobj(obj), HP_ACTOR_PROVIDER) != 0)
                failed(s, "object still held after StopRefreshing", 0);
            atomic_fetch_add(&s->stops, 1);
            hobj_unref(hobject_hobj(obj), HP_ACTOR_HOST);
            break;
        }
        case 1: {
            /* The window stays open from before the enumerator is given
             * until its stop has returned: any thread's Refresh may fill
             * it meanwhile, and none may after. */
            struct hpenum *e = NULL;
            hr = rpfx_add_enum_open(f, s->r, i % 2 ? RP_CLASS_THREAD : RP_CLASS_PROCESS, &e, &id);
            if (hr != WBEM_S_NO_ERROR) {
                failed(s, "CreateRefreshableEnum", hr);
            } else {
                atomic_fetch_add(&s->creates, 1);
                if ((hr = rpfx_refresh(f, s->r, NULL, 0)) != WBEM_S_NO_ERROR)
                    failed(s, "Refresh", hr);
                if ((hr = rpfx_stop(f, s->r, id)) != WBEM_S_NO_ERROR)
                    failed(s, "StopRefreshing (enum)", hr);
                else if (rpfx_held(hpenum_hobj(e), HP_ACTOR_PROVIDER) != 0)
                    failed(s, "enumerator still held after StopRefreshing", 0);
                atomic_fetch_add(&s->stops, 1);
            }
            if (e) {
                hpenum_window_close(e);
                hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
            }
            break;
        }
        default:
            if ((hr = rpfx_refresh(f, s->r, NULL, 0)) != WBEM_S_NO_ERROR)
                failed(s, "Refresh", hr);
            atomic_fetch_add(&s->refreshes, 1);
            /* An id nobody holds: an error, not a crash. */
            if ((hr = rpfx_stop(f, s->r, 0x7fff0000 + w->n)) != WBEM_E_NOT_FOUND)
                failed(s, "StopRefreshing (unknown id)", hr);
            break;
        }
    }
    return NULL;
}

static void *refresher_main(void *arg)
{
    struct shared *s = arg;
    hp_actor_set(HP_ACTOR_HOST);
    while (atomic_load(&s->running)) {
        HRESULT hr = rpfx_refresh(s->f, s->r, NULL, 0);
        if (hr != WBEM_S_NO_ERROR)
            failed(s, "Refresh (background)", hr);
        atomic_fetch_add(&s->refreshes, 1);
    }
    return NULL;
}

static void concurrent_refresh_stop_and_create_on_one_refresher(void **state)
{
    struct rpfx *f = *state;
    static const char *const cpus[5] = {"0", "1", "2", "3", "_Total"};
    struct shared s = {.f = f};
    struct worker w[NWORKERS];
    pthread_t th[NWORKERS], bg;
    struct hpenum *keep;
    struct hobject *keep_obj;
    HRESULT can_unload = E_FAIL;
    LONG id;

    pthread_mutex_init(&s.lock, NULL);
    for (int i = 0; i < 5; i++)
        assert_non_null(s.tmpl[i] = rpfx_instance(f, RP_CLASS_PROCESSOR, "Name", cpus[i]));
    assert_int_equal(rpfx_create_refresher(f, &s.r), WBEM_S_NO_ERROR);
    /* Entries that live through it all, so every Refresh has work. */
    assert_int_equal(rpfx_add_object(f, s.r, s.tmpl[4], &keep_obj, &id), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum_open(f, s.r, RP_CLASS_PROCESS, &keep, &id), WBEM_S_NO_ERROR);

    atomic_store(&s.running, true);
    assert_int_equal(pthread_create(&bg, NULL, refresher_main, &s), 0);
    for (int i = 0; i < NWORKERS; i++) {
        w[i] = (struct worker){&s, i};
        assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < NWORKERS; i++)
        pthread_join(th[i], NULL);
    atomic_store(&s.running, false);
    pthread_join(bg, NULL);

    if (atomic_load(&s.failures))
        fail_msg("%d failed calls; the first: %s", atomic_load(&s.failures), s.first_failure);
    assert_int_equal(atomic_load(&s.creates), atomic_load(&s.stops));
    assert_true(atomic_load(&s.refreshes) >= NWORKERS * (ITERATIONS / 3));
    assert_true(hpenum_count(keep) >= 2);  /* Idle and System at least */

    /* Releasing the refresher releases what is left; unloading, the rest. */
    rpfx_release_refresher(f, s.r);
    assert_int_equal(rpfx_held(hpenum_hobj(keep), HP_ACTOR_PROVIDER), 0);
    assert_int_equal(rpfx_held(hobject_hobj(keep_obj), HP_ACTOR_PROVIDER), 0);
    hpenum_window_close(keep);
    hobj_unref(hpenum_hobj(keep), HP_ACTOR_HOST);
    hobj_unref(hobject_hobj(keep_obj), HP_ACTOR_HOST);
    for (int i = 0; i < 5; i++)
        hobj_unref(hobject_hobj(s.tmpl[i]), HP_ACTOR_HOST);
    host_unload_providers(f->host, &can_unload);
    assert_int_equal(can_unload, S_OK);
    assert_int_equal(ledger_held(&f->host->ledger, HP_ACTOR_PROVIDER), 0);
    assert_int_equal(rpfx_findings(f), 0);  /* no leak, no over-release, no outside-window use */
    pthread_mutex_destroy(&s.lock);
}

/* ---- a StopRefreshing while Refresh is inside AddObjects ----------------------------- */

#define HOOK_WAIT_NAPS 200  /* how long the hook gives the stop to (wrongly) get through */

struct stop_race {
    struct rpfx *f;
    IWbemRefresher *r;
    LONG id;                   /* the enumerator's */
    bool same_thread;          /* stop from inside the hook rather than from another thread */
    atomic_int hook_calls;
    atomic_bool stop_returned;
    bool returned_during_hook; /* the stop got through while AddObjects was in progress */
    HRESULT stop_hr;
    pthread_t stopper;
    bool started;
};

static void *stopper_main(void *arg)
{
    struct stop_race *x = arg;
    hp_actor_set(HP_ACTOR_HOST);
    x->stop_hr = rpfx_stop(x->f, x->r, x->id);
    atomic_store(&x->stop_returned, true);
    return NULL;
}

/* Runs on the Refresh's thread at the start of AddObjects, before
 * anything is applied. */
static void add_objects_hook(struct hpenum *e, enum hp_method m, void *user)
{
    struct stop_race *x = user;
    (void)e;
    if (m != HPM_IWbemHiPerfEnum_AddObjects || atomic_fetch_add(&x->hook_calls, 1) != 0)
        return;
    if (x->same_thread) {
        enum hp_actor prev = hp_actor_set(HP_ACTOR_HOST);  /* the host calling back into the provider */
        x->stop_hr = rpfx_stop(x->f, x->r, x->id);
        hp_actor_set(prev);
        atomic_store(&x->stop_returned, true);
        return;
    }
    if (pthread_create(&x->stopper, NULL, stopper_main, x) != 0)
        return;
    x->started = true;
    /* A bounded wait: the stop must not get through while we are here. */
    for (int i = 0; i < HOOK_WAIT_NAPS && !atomic_load(&x->stop_returned); i++)
        nap();
    x->returned_during_hook = atomic_load(&x->stop_returned);
}

static void stop_race(struct rpfx *f, bool same_thread)
{
    struct stop_race x = {.f = f, .same_thread = same_thread};
    struct hpenum_item *items = NULL;
    struct hpenum *e;
    size_t n;

    assert_int_equal(rpfx_create_refresher(f, &x.r), WBEM_S_NO_ERROR);
    assert_int_equal(rpfx_add_enum(f, x.r, RP_CLASS_PROCESS, &e, &x.id), WBEM_S_NO_ERROR);
    hpenum_set_hook(e, add_objects_hook, &x);

    /* The first Refresh fills the enumerator: AddObjects, and the hook. */
    assert_int_equal(rpfx_refresh(f, x.r, &e, 1), WBEM_S_NO_ERROR);
    assert_int_equal(atomic_load(&x.hook_calls), 1);
    if (x.started)
        pthread_join(x.stopper, NULL);  /* bounded: the Refresh that held it back is over */
    assert_true(atomic_load(&x.stop_returned));
    assert_int_equal(x.stop_hr, WBEM_S_NO_ERROR);
    if (!same_thread) {
        assert_true(x.started);
        assert_false(x.returned_during_hook);
    }
    hpenum_set_hook(e, NULL, NULL);

    /* The AddObjects in progress completed; after it, nothing: the
     * provider keeps no reference to the enumerator or its members, and
     * later Refreshes, even across changes of the schedule, leave it be. */
    uint64_t mods = hpenum_mod_count(e);
    assert_int_equal(mods, 1);
    assert_int_equal(rpfx_held(hpenum_hobj(e), HP_ACTOR_PROVIDER), 0);
    n = hpenum_snapshot(e, &items);
    assert_true(n > 0 && n != (size_t)-1);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(rpfx_held(hobject_hobj(items[i].hobject), HP_ACTOR_PROVIDER), 0);
    hpenum_snapshot_free(items, n);
    const char *later[] = {"2024-01-01 00:00:05", "2024-01-01 00:00:31", "2024-01-01 00:01:17"};
    for (int i = 0; i < 3; i++) {
        advance_to(later[i]);
        assert_int_equal(rpfx_refresh(f, x.r, &e, 1), WBEM_S_NO_ERROR);
        assert_int_equal(hpenum_mod_count(e), mods);
    }
    assert_int_equal(rpfx_stop(f, x.r, x.id), WBEM_E_NOT_FOUND);  /* already gone */
    rpfx_release_refresher(f, x.r);
    hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
    assert_int_equal(rpfx_findings(f), 0);
}

static void stop_from_another_thread_waits_for_the_refresh_inside_add_objects(void **state)
{
    stop_race(*state, false);
}

static void stop_from_inside_add_objects_on_the_refresh_thread_takes_effect_at_once(void **state)
{
    stop_race(*state, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(concurrent_refresh_stop_and_create_on_one_refresher, setup, teardown),
        cmocka_unit_test_setup_teardown(stop_from_another_thread_waits_for_the_refresh_inside_add_objects, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(stop_from_inside_add_objects_on_the_refresh_thread_takes_effect_at_once,
                                        setup, teardown),
    };
    faketime = rpfx_faketime_active();
    if (!faketime)
        printf("note: libfaketime is not driving the clock: running on the real clock\n");
    hp_actor_set(HP_ACTOR_HOST);
    return cmocka_run_group_tests_name("refprov_threads", tests, NULL, NULL) ? 1 : 0;
}
