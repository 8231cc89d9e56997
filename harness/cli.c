/*
 * harness/cli.c - argument parsing and dispatch for `hiperfcheck`.
 * Invariant: every usage error names the offending argument and returns
 * HP_EXIT_USAGE; nothing is run before the whole command line is valid.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "util.h"
#include "worker.h"

#ifndef HIPERF_VERSION
#define HIPERF_VERSION "0.0.0"
#endif

struct command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

static const char usage_text[] =
    "usage: hiperfcheck <command> [options]\n"
    "\n"
    "A simulation and conformance harness for WMI high-performance providers\n"
    "and refreshers: it loads a provider, plays WMI around it, drives scripted\n"
    "scenarios under controlled time and judges what happens against an oracle.\n"
    "\n"
    "commands:\n";

static const char usage_tail[] =
    "\n"
    "options common to every command:\n"
    "  -h, --help       this text (or `hiperfcheck <command> --help`)\n"
    "  --version        the harness version\n"
    "\n"
    "exit status: 0 every required check passed; 1 a check failed, crashed or\n"
    "timed out; 2 bad usage or bad input; 3 an internal error of the harness.\n";

static const struct command commands[] = {
    {"run", "run scenarios against a provider (default: the built-in reference provider)", cmd_run},
    {"list", "list the scenarios and the requirements each covers", cmd_list},
    {"requirements", "list the requirement catalog and what covers it", cmd_requirements},
    {"inspect", "show what a MOF registers; with --provider, whether the provider loads", cmd_inspect},
    {"bless", "record a provider build as its baseline in the oracle", cmd_bless},
    {"report", "rewrite the reports of a stored run", cmd_report},
    {"todo", "add, list or remove the expected failures (todos) kept in the oracle", cmd_todo},
    {"bench", "benchmarks of the harness and the reference provider", cmd_bench},
};

static void print_usage(FILE *f)
{
    fputs(usage_text, f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-14s %s%s\n", commands[i].name, commands[i].summary,
                commands[i].run ? "" : " [not in this build yet]");
    fputs(usage_tail, f);
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return HP_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        print_usage(stdout);
        return HP_EXIT_PASS;
    }
    if (!strcmp(cmd, "--version")) {
        printf("hiperfcheck %s\n", HIPERF_VERSION);
        return HP_EXIT_PASS;
    }
    /* The worker process the orchestrator starts (docs/runner.md): hidden,
     * not a command for people. */
    if (!strcmp(cmd, "__worker"))
        return worker_main(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        if (!commands[i].run) {
            fprintf(stderr, "hiperfcheck: '%s' is not in this build yet\n", cmd);
            return HP_EXIT_INTERNAL;
        }
        return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "hiperfcheck: unknown command '%s' (try --help)\n", cmd);
    return HP_EXIT_USAGE;
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}
