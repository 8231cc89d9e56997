/* tests/harness/test_cli.c - the command line's exit statuses and help. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "cli.h"

static int run(int argc, const char **argv)
{
    return cli_main(argc, (char **)argv);
}

static void no_arguments_is_a_usage_error(void **state)
{
    (void)state;
    const char *argv[] = {"hiperfcheck"};
    assert_int_equal(run(1, argv), HP_EXIT_USAGE);
}

static void help_exits_zero(void **state)
{
    (void)state;
    const char *argv[] = {"hiperfcheck", "--help"};
    assert_int_equal(run(2, argv), HP_EXIT_PASS);
}

static void unknown_command_is_a_usage_error(void **state)
{
    (void)state;
    const char *argv[] = {"hiperfcheck", "frobnicate"};
    assert_int_equal(run(2, argv), HP_EXIT_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_arguments_is_a_usage_error),
        cmocka_unit_test(help_exits_zero),
        cmocka_unit_test(unknown_command_is_a_usage_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
