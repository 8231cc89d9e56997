/* tests/harness/test_cli.c - the command line's exit statuses and help,
 * including `todo`'s refusal of bad arguments. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

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

static void todo_without_a_subcommand_is_a_usage_error(void **state)
{
    (void)state;
    const char *argv[] = {"hiperfcheck", "todo"};
    assert_int_equal(run(2, argv), HP_EXIT_USAGE);
    const char *unknown[] = {"hiperfcheck", "todo", "drop", "1"};
    assert_int_equal(run(4, unknown), HP_EXIT_USAGE);
}

static void todo_help_exits_zero(void **state)
{
    (void)state;
    const char *argv[] = {"hiperfcheck", "todo", "--help"};
    assert_int_equal(run(3, argv), HP_EXIT_PASS);
    const char *add[] = {"hiperfcheck", "todo", "add", "--help"};
    assert_int_equal(run(4, add), HP_EXIT_PASS);
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static void todo_add_checks_its_arguments_before_any_database(void **state)
{
    (void)state;
    char db[64], wal[80], shm[80];
    snprintf(db, sizeof db, "/tmp/hiperf-test-cli-%ld.db", (long)getpid());
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    /* No reason; a check without its scenario; a CLSID that is none; an
     * option twice: each refused, and no oracle is created. */
    const char *no_reason[] = {"hiperfcheck", "todo", "add", "--oracle", db, "--provider-name", "P"};
    assert_int_equal(run(7, no_reason), HP_EXIT_USAGE);
    const char *no_scenario[] = {"hiperfcheck", "todo", "add", "--oracle", db, "--provider-name", "P",
                                 "--check", "load", "--reason", "r"};
    assert_int_equal(run(11, no_scenario), HP_EXIT_USAGE);
    const char *bad_clsid[] = {"hiperfcheck", "todo", "add", "--oracle", db, "--provider-name", "P",
                               "--clsid", "{1234}", "--reason", "r"};
    assert_int_equal(run(11, bad_clsid), HP_EXIT_USAGE);
    const char *twice[] = {"hiperfcheck", "todo", "add", "--oracle", db, "--reason", "a", "--reason", "b",
                           "--provider-name", "P"};
    assert_int_equal(run(11, twice), HP_EXIT_USAGE);
    assert_false(exists(db));
    /* The same arguments made right create it. */
    const char *good[] = {"hiperfcheck", "todo", "add", "--oracle", db, "--provider-name", "P", "--reason", "r"};
    assert_int_equal(run(9, good), HP_EXIT_PASS);
    assert_true(exists(db));
    unlink(db);
    unlink(wal);
    unlink(shm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_arguments_is_a_usage_error),
        cmocka_unit_test(help_exits_zero),
        cmocka_unit_test(unknown_command_is_a_usage_error),
        cmocka_unit_test(todo_without_a_subcommand_is_a_usage_error),
        cmocka_unit_test(todo_help_exits_zero),
        cmocka_unit_test(todo_add_checks_its_arguments_before_any_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
