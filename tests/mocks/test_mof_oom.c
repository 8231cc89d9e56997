/*
 * tests/mocks/test_mof_oom.c - every allocation of repo_new() and of loading
 * the fixtures is made to fail in turn (malloc, calloc and realloc are
 * wrapped at link time with --wrap, so only the harness's own code, not
 * libc or cmocka, sees the failures).
 *
 * Invariant checked: a failed allocation gives NULL from repo_new() or
 * HP_ENOMEM from the load, never a crash, a leak (ASan/valgrind) or another
 * error code, and the repository is still safe to free.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "util.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data/mof"
#endif

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

/* Allocations left before the one that fails; -1 = never fail. */
static long countdown = -1;
static bool failed;

static bool fail_now(void)
{
    if (countdown < 0)
        return false;
    if (countdown-- == 0) {
        failed = true;
        return true;
    }
    return false;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    return fail_now() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

static char *read_fixture(const char *path, size_t *len)
{
    char *data = NULL;
    if (hp_read_file(path, &data, len) != 0)
        fail_msg("%s", hp_error_message());
    return data;
}

/* Fails allocation k = 0, 1, 2, ... of (repo_new + load) until one run
 * needs no failure; returns how many allocations a full run makes. */
static long sweep(const char *name, const char *data, size_t len)
{
    for (long k = 0;; k++) {
        failed = false;
        countdown = k;
        struct repo *r = repo_new();
        int rc = r ? mof_load_buffer(r, name, data, len) : HP_ENOMEM;
        countdown = -1;
        repo_free(r);
        if (!failed) {
            if (rc != 0)
                fail_msg("%s: no allocation failed, yet %s: %s", name, hp_error_name(rc), hp_error_message());
            return k;
        }
        if (rc != HP_ENOMEM)
            fail_msg("%s: allocation %ld failed, load gave %s: %s", name, k, hp_error_name(rc), hp_error_message());
    }
}

static void test_every_allocation_fails_in_turn(void **state)
{
    (void)state;
    static const char *const fixtures[] = {
        TEST_DATA_DIR "/sdk_style.mof",
        TEST_DATA_DIR "/features.mof",
        TEST_DATA_DIR "/include_main.mof",
    };
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        size_t len;
        char *data = read_fixture(fixtures[i], &len);
        long n = sweep(fixtures[i], data, len);
        print_message("%s: %ld allocations, each failed once\n", strrchr(fixtures[i], '/') + 1, n);
        assert_true(n > 100);
        free(data);
    }
}

static void test_allocation_failures_during_errors(void **state)
{
    (void)state;
    /* Failures while an error is being unwound: a load that fails anyway
     * must still report either its own error or HP_ENOMEM. */
    const char *text = "class A { [key] string K; A ref R; uint32 L[] = {1, 2}; };\n"
                       "instance of A as $X { K = \"x\"; R = $Y; L = {3}; };\n"
                       "instance of A { K = \"y\"; Bogus = 1; };";
    for (long k = 0;; k++) {
        failed = false;
        countdown = k;
        struct repo *r = repo_new();
        int rc = r ? mof_load_buffer(r, "t.mof", text, strlen(text)) : HP_ENOMEM;
        countdown = -1;
        repo_free(r);
        if (!failed) {
            assert_int_equal(rc, HP_EINVAL);
            assert_non_null(strstr(hp_error_message(), "t.mof:3:26: property 'Bogus' is not in class 'A'"));
            break;
        }
        if (rc != HP_ENOMEM && rc != HP_EINVAL)
            fail_msg("allocation %ld failed, load gave %s: %s", k, hp_error_name(rc), hp_error_message());
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_fails_in_turn),
        cmocka_unit_test(test_allocation_failures_during_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
