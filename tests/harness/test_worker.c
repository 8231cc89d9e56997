/*
 * tests/harness/test_worker.c - the worker's own pieces, in process: its
 * command line, the instant format libfaketime reads, and worker_advance()
 * rewriting the timestamp file atomically.  (The worker as a process, with
 * its crash handlers and libfaketime, is exercised by test_orchestrator.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker.h"

static int parse(struct worker_args *a, int argc, const char **argv)
{
    return worker_parse_args(a, argc, (char **)argv);
}

static void full_command_line_is_parsed(void **state)
{
    (void)state;
    const char *argv[] = {"__worker", "--provider", "p.so", "--mof", "p.mof", "--scenario", "s.scn",
                          "--class", "Win32_Foo", "--start", "1735689600", "--timefile", "/tmp/ts",
                          "--fd", "2"};
    struct worker_args a;
    assert_int_equal(parse(&a, 15, argv), 0);
    assert_string_equal(a.provider, "p.so");
    assert_string_equal(a.mof, "p.mof");
    assert_string_equal(a.scenario, "s.scn");
    assert_string_equal(a.class_name, "Win32_Foo");
    assert_int_equal(a.start_epoch, 1735689600);
    assert_string_equal(a.timefile, "/tmp/ts");
    assert_int_equal(a.fd, 2);
}

static void fd_comes_from_the_environment_without_fd(void **state)
{
    (void)state;
    const char *argv[] = {"__worker", "--scenario", "s", "--class", "C", "--start", "-5", "--timefile", "t"};
    struct worker_args a;
    setenv("HIPERF_WORKER_FD", "1", 1);
    assert_int_equal(parse(&a, 9, argv), 0);
    unsetenv("HIPERF_WORKER_FD");
    assert_int_equal(a.fd, 1);
    assert_int_equal(a.start_epoch, -5);
    assert_null(a.provider);
    assert_null(a.mof);
    assert_int_equal(parse(&a, 9, argv), HP_EINVAL);
    assert_non_null(strstr(hp_error_message(), "--fd"));
}

static void bad_command_lines_are_refused(void **state)
{
    (void)state;
    static const struct {
        int argc;
        const char *argv[16];
        const char *why;
    } bad[] = {
        {3, {"w", "--bogus", "1"}, "unknown option '--bogus'"},
        {2, {"w", "--scenario"}, "--scenario needs a value"},
        {9, {"w", "--class", "C", "--start", "0", "--timefile", "t", "--fd", "1"}, "--scenario is required"},
        {9, {"w", "--scenario", "s", "--start", "0", "--timefile", "t", "--fd", "1"}, "--class is required"},
        {9, {"w", "--scenario", "s", "--class", "C", "--timefile", "t", "--fd", "1"}, "--start is required"},
        {9, {"w", "--scenario", "s", "--class", "C", "--start", "0", "--fd", "1"}, "--timefile is required"},
        {11, {"w", "--scenario", "s", "--class", "C", "--start", "2025", "--timefile", "t", "--fd", "x"},
         "--fd: 'x' is not an integer"},
        {11, {"w", "--scenario", "s", "--class", "C", "--start", "12x", "--timefile", "t", "--fd", "1"},
         "--start: '12x' is not an integer"},
        {11, {"w", "--scenario", "s", "--class", "C", "--start", "0", "--timefile", "t", "--fd", "-1"},
         "--fd: -1 is out of range"},
        {11, {"w", "--scenario", "s", "--class", "C", "--start", "0", "--timefile", "t", "--fd", "999"},
         "--fd 999 is not an open descriptor"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct worker_args a;
        int rc = worker_parse_args(&a, bad[i].argc, (char **)bad[i].argv);
        if (rc != HP_EINVAL)
            fail_msg("case %zu gave %d", i, rc);
        if (!strstr(hp_error_message(), bad[i].why))
            fail_msg("case %zu: '%s' does not say '%s'", i, hp_error_message(), bad[i].why);
    }
}

static void instants_are_formatted_for_libfaketime(void **state)
{
    (void)state;
    char buf[40];
    assert_int_equal(worker_format_instant(buf, sizeof buf, 1735689600, 0), 0);
    assert_string_equal(buf, "2025-01-01 00:00:00.000000000");
    assert_int_equal(worker_format_instant(buf, sizeof buf, 1735689600, 2500000000), 0);
    assert_string_equal(buf, "2025-01-01 00:00:02.500000000");
    /* a day, a leap day, a nanosecond */
    assert_int_equal(worker_format_instant(buf, sizeof buf, 1735689600, INT64_C(86400000000001)), 0);
    assert_string_equal(buf, "2025-01-02 00:00:00.000000001");
    assert_int_equal(worker_format_instant(buf, sizeof buf, 951782400, 0), 0);
    assert_string_equal(buf, "2000-02-29 00:00:00.000000000");
    /* negative offsets borrow from the seconds */
    assert_int_equal(worker_format_instant(buf, sizeof buf, 1735689600, -1), 0);
    assert_string_equal(buf, "2024-12-31 23:59:59.999999999");
    assert_int_equal(worker_format_instant(buf, 10, 1735689600, 0), HP_EINVAL);
    assert_int_equal(worker_format_instant(buf, sizeof buf, INT64_MAX, 2000000000), HP_EINVAL);
    assert_int_equal(worker_format_instant(buf, sizeof buf, INT64_C(400000000000), 0), HP_EINVAL);
}

struct tdir {
    char dir[64];
    char file[96];
};

static int tdir_setup(void **state)
{
    struct tdir *t = calloc(1, sizeof *t);
    strcpy(t->dir, "/tmp/hiperf-worker-test-XXXXXX");
    if (!mkdtemp(t->dir))
        return -1;
    snprintf(t->file, sizeof t->file, "%s/faketime", t->dir);
    FILE *f = fopen(t->file, "w");
    fputs("2025-01-01 00:00:00\n", f);
    fclose(f);
    *state = t;
    return 0;
}

static int tdir_teardown(void **state)
{
    struct tdir *t = *state;
    unlink(t->file);
    assert_int_equal(rmdir(t->dir), 0);  /* no temporary file left behind */
    free(t);
    return 0;
}

static char *slurp(const char *path)
{
    char *s = NULL;
    size_t n;
    assert_int_equal(hp_read_file(path, &s, &n), 0);
    return s;
}

static void advance_rewrites_the_timestamp_file(void **state)
{
    struct tdir *t = *state;
    struct worker_args a = {.timefile = t->file, .start_epoch = 1735689600};
    assert_int_equal(worker_advance(&a, 2500000000), 0);
    char *s = slurp(t->file);
    assert_string_equal(s, "2025-01-01 00:00:02.500000000\n");
    free(s);
    assert_int_equal(worker_advance(&a, INT64_C(3600) * 1000000000), 0);
    s = slurp(t->file);
    assert_string_equal(s, "2025-01-01 01:00:00.000000000\n");
    free(s);
}

static void advance_refuses_to_go_before_the_start(void **state)
{
    struct tdir *t = *state;
    struct worker_args a = {.timefile = t->file, .start_epoch = 1735689600};
    assert_int_equal(worker_advance(&a, -1), HP_EINVAL);
    char *s = slurp(t->file);
    assert_string_equal(s, "2025-01-01 00:00:00\n");
    free(s);
}

static void advance_into_a_missing_directory_is_an_io_error(void **state)
{
    (void)state;
    struct worker_args a = {.timefile = "/nonexistent/dir/faketime", .start_epoch = 1735689600};
    assert_int_equal(worker_advance(&a, 1), HP_EIO);
    assert_non_null(strstr(hp_error_message(), "/nonexistent/dir/faketime.tmp"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_command_line_is_parsed),
        cmocka_unit_test(fd_comes_from_the_environment_without_fd),
        cmocka_unit_test(bad_command_lines_are_refused),
        cmocka_unit_test(instants_are_formatted_for_libfaketime),
        cmocka_unit_test_setup_teardown(advance_rewrites_the_timestamp_file, tdir_setup, tdir_teardown),
        cmocka_unit_test_setup_teardown(advance_refuses_to_go_before_the_start, tdir_setup, tdir_teardown),
        cmocka_unit_test(advance_into_a_missing_directory_is_an_io_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
