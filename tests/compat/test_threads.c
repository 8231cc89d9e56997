/*
 * test_threads.c - the compat functions may be called from several threads
 * at once: BSTR and VARIANT traffic in parallel stays intact, and the lock
 * count of one shared SAFEARRAY and the reference count of one shared object
 * come back to where they started.  Worker threads only record what they
 * saw; the assertions run on the main thread (cmocka is not thread-safe).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "test_compat.h"

#define THREADS 4
#define ROUNDS 20000
#define LOCK_ROUNDS 200000

struct worker {
    pthread_t thread;
    int id;
    SAFEARRAY *shared_array;
    struct counting_unknown *shared_object;
    long errors; /* anything that went wrong in this thread */
};

static void *bstr_and_variant_worker(void *arg)
{
    struct worker *w = arg;
    OLECHAR text[8] = u"thread0";
    text[6] = (OLECHAR)(u'0' + w->id);
    for (int round = 0; round < ROUNDS; round++) {
        VARIANT a, b;
        VariantInit(&a);
        VariantInit(&b);
        V_VT(&a) = VT_BSTR;
        V_BSTR(&a) = SysAllocString(text);
        if (!V_BSTR(&a) || VariantCopy(&b, &a) != S_OK ||
            memcmp(V_BSTR(&b), text, sizeof text) != 0)
            w->errors++;
        VariantClear(&a);
        VariantClear(&b);
    }
    return NULL;
}

static void *lock_and_reference_worker(void *arg)
{
    struct worker *w = arg;
    /* Tight lock traffic first: a lost update shows as an Unlock that
     * finds the count already at zero, or a count left above zero. */
    for (int round = 0; round < LOCK_ROUNDS; round++) {
        void *data;
        if (SafeArrayLock(w->shared_array) != S_OK)
            w->errors++;
        if (SafeArrayAccessData(w->shared_array, &data) != S_OK)
            w->errors++;
        if (SafeArrayUnaccessData(w->shared_array) != S_OK)
            w->errors++;
        if (SafeArrayUnlock(w->shared_array) != S_OK)
            w->errors++;
    }
    for (int round = 0; round < ROUNDS; round++) {

        VARIANT src, dst;
        VariantInit(&src);
        VariantInit(&dst);
        V_VT(&src) = VT_UNKNOWN;
        V_UNKNOWN(&src) = &w->shared_object->IUnknown_iface; /* borrowed */
        if (VariantCopy(&dst, &src) != S_OK || VariantClear(&dst) != S_OK)
            w->errors++;
    }
    return NULL;
}

static long run_workers(void *(*body)(void *), SAFEARRAY *psa, struct counting_unknown *obj)
{
    struct worker workers[THREADS];
    long errors = 0;
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){.id = i, .shared_array = psa, .shared_object = obj};
        assert_int_equal(pthread_create(&workers[i].thread, NULL, body, &workers[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
        errors += workers[i].errors;
    }
    return errors;
}

static void bstrs_and_variants_stay_intact_across_threads(void **state)
{
    (void)state;
    assert_int_equal(run_workers(bstr_and_variant_worker, NULL, NULL), 0);
}

static void shared_lock_and_reference_counts_return_to_start(void **state)
{
    (void)state;
    struct counting_unknown obj;
    counting_unknown_init(&obj);
    SAFEARRAY *psa = SafeArrayCreateVector(VT_I4, 0, 4);
    assert_int_equal(run_workers(lock_and_reference_worker, psa, &obj), 0);
    assert_int_equal(psa->cLocks, 0);
    assert_int_equal(counting_unknown_refs(&obj), 1);
    assert_int_equal(counting_unknown_addrefs(&obj), THREADS * ROUNDS);
    assert_int_equal(counting_unknown_releases(&obj), THREADS * ROUNDS);
    assert_int_equal(SafeArrayDestroy(psa), S_OK);
}

int run_thread_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bstrs_and_variants_stay_intact_across_threads),
        cmocka_unit_test(shared_lock_and_reference_counts_return_to_start),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
