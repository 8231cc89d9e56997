/*
 * harness/cli.h - the command line: parses argv into a command and its
 * options and dispatches.  Exit status per DESIGN.md: 0 every required
 * check passed, 1 a check failed/crashed/timed out, 2 bad usage or input,
 * 3 an internal error.
 */
#ifndef HIPERF_CLI_H
#define HIPERF_CLI_H

#include <stdio.h>

enum {
    HP_EXIT_PASS = 0,
    HP_EXIT_FAIL = 1,
    HP_EXIT_USAGE = 2,
    HP_EXIT_INTERNAL = 3
};

/* Runs the program; returns the exit status. */
int cli_main(int argc, char **argv);

/* s (NULL reads as "") as a JSON string with its quotes, for the commands'
 * --format json: quotes, backslashes and control characters escaped, other
 * bytes as they are (the catalog and scenario texts are UTF-8). */
void cli_json_str(FILE *f, const char *s);

#endif
