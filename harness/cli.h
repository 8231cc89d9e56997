/*
 * harness/cli.h - the command line: parses argv into a command and its
 * options and dispatches.  Exit status per DESIGN.md: 0 every required
 * check passed, 1 a check failed/crashed/timed out, 2 bad usage or input,
 * 3 an internal error.
 */
#ifndef HIPERF_CLI_H
#define HIPERF_CLI_H

enum {
    HP_EXIT_PASS = 0,
    HP_EXIT_FAIL = 1,
    HP_EXIT_USAGE = 2,
    HP_EXIT_INTERNAL = 3
};

/* Runs the program; returns the exit status. */
int cli_main(int argc, char **argv);

#endif
