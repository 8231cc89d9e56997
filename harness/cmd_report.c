/*
 * harness/cmd_report.c - `hiperfcheck report --oracle DB [--run ID]
 * --report-dir DIR [--format LIST]`: writes the reports of a stored run
 * again, from the database alone.
 *
 * Invariant: the database is opened read-only and never changed; the exit
 * status is the run's own (0 passed, 1 failed or incomplete) once the
 * reports are written, 2 for bad usage or an unreadable database or run,
 * 3 for an internal error.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "oracle.h"
#include "reports.h"
#include "util.h"

static const char report_usage[] =
    "usage: hiperfcheck report [--oracle DB] [--run ID] --report-dir DIR [--format LIST]\n"
    "\n"
    "Writes the reports of a run stored in the oracle again, from the database\n"
    "alone (the same run always gives the same files).\n"
    "\n"
    "  --oracle DB        the oracle database (default: " ORACLE_DEFAULT_PATH ")\n"
    "  --run ID           the run (default: the newest)\n"
    "  --report-dir DIR   where to write (created if missing)\n"
    "  --format LIST      comma-separated: json,junit,html,md,tap (default: all)\n"
    "  -h, --help         this text\n"
    "\n"
    "exit status: the run's (0 every required check passed, 1 a check failed,\n"
    "crashed or timed out, or the run is incomplete); 2 bad usage, or a database\n"
    "or run that cannot be read; 3 an internal error.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hiperfcheck report: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (try --help)\n", stderr);
    va_end(ap);
    return HP_EXIT_USAGE;
}

static int fail(int code)
{
    fprintf(stderr, "hiperfcheck report: %s\n", hp_error_message());
    return hp_error_exit_status(code);
}

int cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"oracle", required_argument, NULL, 'o'},
        {"run", required_argument, NULL, 'r'},
        {"report-dir", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = ORACLE_DEFAULT_PATH, *dir = NULL, *run_text = NULL;
    unsigned formats = REPORT_ALL;
    int c;
    optind = 0;   /* GNU: start a fresh scan (the command may run twice in a process) */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': db = optarg; break;
        case 'r': run_text = optarg; break;
        case 'd': dir = optarg; break;
        case 'f':
            if (report_parse_formats(&formats, optarg) != 0) {
                fprintf(stderr, "hiperfcheck report: %s\n", hp_error_message());
                return HP_EXIT_USAGE;
            }
            break;
        case 'h':
            fputs(report_usage, stdout);
            return HP_EXIT_PASS;
        case ':':
            return usage_error("%s needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!dir)
        return usage_error("%s", "--report-dir is required");
    int64_t run = 0;
    if (run_text) {
        char *end;
        long long v = strtoll(run_text, &end, 10);
        if (!*run_text || *end || v <= 0)
            return usage_error("--run '%s' is not a run id (a positive number)", run_text);
        run = v;
    }

    struct oracle *o;
    int rc = oracle_open(&o, db, ORACLE_OPEN_READONLY);
    if (rc)
        return fail(rc);
    struct oracle_summary s;
    if (!run)
        rc = oracle_latest_run(&run, o);
    if (!rc)
        rc = oracle_get_summary(&s, o, run);
    if (!rc)
        rc = report_write_dir(dir, o, run, formats);
    oracle_close(o);
    if (rc)
        return fail(rc);
    printf("run %lld: %s, %u cases (%u pass, %u xfail, %u warn, %u skip, %u fail, %u error, %u timeout, %u crash)%s"
           " -> %s\n",
           (long long)run, oracle_verdict_name(s.verdict), s.cases, s.case_counts[VERDICT_PASS],
           s.case_counts[ORACLE_XFAIL], s.case_counts[VERDICT_WARN], s.case_counts[VERDICT_SKIP],
           s.case_counts[VERDICT_FAIL], s.case_counts[VERDICT_ERROR], s.case_counts[VERDICT_TIMEOUT],
           s.case_counts[VERDICT_CRASH], s.complete ? "" : ", incomplete", dir);
    return s.exit_status;
}
