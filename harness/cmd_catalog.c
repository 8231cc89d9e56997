/*
 * harness/cmd_catalog.c - `hiperfcheck list` (the scenarios and the
 * requirements each covers) and `hiperfcheck requirements` (the catalog
 * and what covers each requirement), as text or JSON.
 *
 * Invariant: both read only the scenario files and the catalog compiled
 * into the program; nothing is run and no database is touched.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "oracle.h"
#include "suite.h"
#include "util.h"

static const char list_usage[] =
    "usage: hiperfcheck list [--scenarios PATH]... [--format text|json]\n"
    "\n"
    "Lists the scenarios (the built-in catalog unless --scenarios names files or\n"
    "directories of .scn files) with what each runs for and the requirements it\n"
    "covers.\n";

static const char req_usage[] =
    "usage: hiperfcheck requirements [--scenarios PATH]... [--format text|json] [--uncovered] [--check]\n"
    "\n"
    "Lists every requirement of the catalog (id, level, source, text) with the\n"
    "scenarios that cover it.  --uncovered lists only requirements no scenario\n"
    "covers.  --check exits 1 when a MUST requirement is uncovered (for CI).\n";

static const char *for_each_text(const struct scn_file *f)
{
    switch (f->for_each) {
    case SCN_FOR_HIPERF: return "each hi-perf class";
    case SCN_FOR_DYNAMIC: return "each dynamic class";
    case SCN_FOR_ORDINARY: return "each ordinary class";
    case SCN_FOR_NAMED: return f->for_class;
    default: return "once";
    }
}

/* The requirement IDs a scenario covers, in first-seen order. */
static size_t scenario_reqs(const struct scn_file *f, char ***out)
{
    HP_VEC(char *) v = {0};
    struct scn_check *checks;
    size_t n = scn_checks(f, &checks);
    for (size_t i = 0; i < f->covers.n; i++)
        HP_VEC_PUSH(&v, hp_strdup(f->covers.v[i].id));
    for (size_t i = 0; n != SIZE_MAX && i < n; i++)
        for (size_t r = 0; r < checks[i].nreqs; r++) {
            bool seen = false;
            for (size_t k = 0; k < v.n && !seen; k++)
                seen = !strcmp(v.v[k], checks[i].reqs[r]);
            if (!seen)
                HP_VEC_PUSH(&v, hp_strdup(checks[i].reqs[r]));
        }
    if (n != SIZE_MAX)
        scn_checks_free(checks, n);
    *out = v.v;
    return v.n;
}

static void free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

struct opts {
    HP_VEC(const char *) paths;
    bool json;
    bool uncovered;
    bool check;
};

static int parse(struct opts *o, int argc, char **argv, const char *usage, const char *cmd)
{
    static const struct option lo[] = {
        {"scenarios", required_argument, NULL, 's'},
        {"format", required_argument, NULL, 'f'},
        {"uncovered", no_argument, NULL, 'u'},
        {"check", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
        switch (c) {
        case 's': HP_VEC_PUSH(&o->paths, optarg); break;
        case 'f':
            if (!strcmp(optarg, "json"))
                o->json = true;
            else if (strcmp(optarg, "text")) {
                fprintf(stderr, "hiperfcheck %s: --format must be text or json, not '%s'\n", cmd, optarg);
                return HP_EXIT_USAGE;
            }
            break;
        case 'u':
            if (strcmp(cmd, "requirements"))
                goto bad;
            o->uncovered = true;
            break;
        case 'c':
            if (strcmp(cmd, "requirements"))
                goto bad;
            o->check = true;
            break;
        case 'h': fputs(usage, stdout); return -1;
        default:
        bad:
            fprintf(stderr, "hiperfcheck %s: %s '%s'\n%s", cmd, optopt ? "option needs a value:" : "unknown option",
                    argv[optind - 1], usage);
            return HP_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hiperfcheck %s: unexpected argument '%s'\n", cmd, argv[optind]);
        return HP_EXIT_USAGE;
    }
    return 0;
}

int cmd_list(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(&o, argc, argv, list_usage, "list");
    if (rc) {
        free(o.paths.v);
        return rc < 0 ? HP_EXIT_PASS : rc;
    }
    struct suite s;
    rc = suite_load(&s, o.paths.v, o.paths.n);
    free(o.paths.v);
    if (rc) {
        fprintf(stderr, "%s\n", hp_error_message());
        return hp_error_exit_status(rc);
    }
    if (o.json)
        fputs("[\n", stdout);
    for (size_t i = 0; i < s.n; i++) {
        const struct scn_file *f = s.files[i];
        char **reqs;
        size_t nr = scenario_reqs(f, &reqs);
        if (o.json) {
            fputs("  {\"name\": ", stdout);
            cli_json_str(stdout, f->name);
            fputs(", \"file\": ", stdout);
            cli_json_str(stdout, f->path);
            fputs(", \"title\": ", stdout);
            cli_json_str(stdout, f->title ? f->title : "");
            fputs(", \"runs_for\": ", stdout);
            cli_json_str(stdout, for_each_text(f));
            printf(", \"checks\": %zu, \"requirements\": [", f->nchecks);
            for (size_t r = 0; r < nr; r++) {
                fputs(r ? ", " : "", stdout);
                cli_json_str(stdout, reqs[r]);
            }
            printf("]}%s\n", i + 1 < s.n ? "," : "");
        } else {
            printf("%s\n  %s\n  runs for %s, %zu checks\n  covers", f->name, f->title ? f->title : "",
                   for_each_text(f), f->nchecks);
            for (size_t r = 0; r < nr; r++)
                printf(" %s", reqs[r]);
            printf("\n\n");
        }
        free_strs(reqs, nr);
    }
    if (o.json)
        fputs("]\n", stdout);
    else
        printf("%zu scenario%s\n", s.n, s.n == 1 ? "" : "s");
    suite_free(&s);
    return HP_EXIT_PASS;
}

int cmd_requirements(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse(&o, argc, argv, req_usage, "requirements");
    if (rc) {
        free(o.paths.v);
        return rc < 0 ? HP_EXIT_PASS : rc;
    }
    size_t len;
    const char *text = suite_requirements_text(&len);
    struct oracle_requirement *reqs;
    size_t nreq;
    rc = oracle_parse_requirements(&reqs, &nreq, text, len, "requirements.txt");
    if (rc) {
        free(o.paths.v);
        fprintf(stderr, "%s\n", hp_error_message());
        return HP_EXIT_INTERNAL;
    }
    struct suite s;
    rc = suite_load(&s, o.paths.v, o.paths.n);
    free(o.paths.v);
    if (rc) {
        oracle_requirements_free(reqs, nreq);
        fprintf(stderr, "%s\n", hp_error_message());
        return hp_error_exit_status(rc);
    }
    /* Which scenarios name each requirement. */
    char ***by = calloc(nreq ? nreq : 1, sizeof *by);
    size_t *nby = calloc(nreq ? nreq : 1, sizeof *nby);
    for (size_t i = 0; by && nby && i < s.n; i++) {
        char **sr;
        size_t ns = scenario_reqs(s.files[i], &sr);
        for (size_t r = 0; r < nreq; r++)
            for (size_t k = 0; k < ns; k++)
                if (!strcmp(reqs[r].id, sr[k])) {
                    char **grown = realloc(by[r], (nby[r] + 1) * sizeof *grown);
                    if (grown) {
                        by[r] = grown;
                        by[r][nby[r]++] = (char *)s.files[i]->name;
                    }
                    break;
                }
        free_strs(sr, ns);
    }
    size_t counts[4] = {0}, covered[4] = {0}, must_uncovered = 0;
    if (o.json)
        fputs("[\n", stdout);
    bool first = true;
    for (size_t r = 0; r < nreq; r++) {
        const struct oracle_requirement *q = &reqs[r];
        size_t nc = nby ? nby[r] : 0;
        counts[q->level & 3]++;
        covered[q->level & 3] += nc > 0;
        if (q->level == REQ_MUST && nc == 0)
            must_uncovered++;
        if (o.uncovered && nc)
            continue;
        if (o.json) {
            fputs(first ? "  {\"id\": " : ",\n  {\"id\": ", stdout);
            first = false;
            cli_json_str(stdout, q->id);
            fputs(", \"level\": ", stdout);
            cli_json_str(stdout, oracle_level_name(q->level));
            fputs(", \"source\": ", stdout);
            cli_json_str(stdout, q->source);
            fputs(", \"text\": ", stdout);
            cli_json_str(stdout, q->text);
            fputs(", \"covered_by\": [", stdout);
            for (size_t k = 0; k < nc; k++) {
                fputs(k ? ", " : "", stdout);
                cli_json_str(stdout, by[r][k]);
            }
            fputs("]}", stdout);
        } else {
            printf("%-36s %-6s %s\n    %s\n    source: %s\n    covered by: ", q->id, oracle_level_name(q->level),
                   nc ? "" : "(not covered)", q->text, q->source);
            for (size_t k = 0; k < nc; k++)
                printf("%s%s", k ? ", " : "", by[r][k]);
            printf("%s\n\n", nc ? "" : "none");
        }
    }
    if (o.json) {
        fputs(first ? "]\n" : "\n]\n", stdout);
    } else {
        printf("%zu requirements: MUST %zu (%zu covered), SHOULD %zu (%zu covered), MAY %zu (%zu covered)\n", nreq,
               counts[REQ_MUST], covered[REQ_MUST], counts[REQ_SHOULD], covered[REQ_SHOULD], counts[REQ_MAY],
               covered[REQ_MAY]);
        if (must_uncovered)
            printf("%zu MUST requirement%s no scenario covers\n", must_uncovered, must_uncovered == 1 ? "" : "s");
    }
    for (size_t r = 0; by && r < nreq; r++)
        free(by[r]);
    free(by);
    free(nby);
    oracle_requirements_free(reqs, nreq);
    suite_free(&s);
    return o.check && must_uncovered ? HP_EXIT_FAIL : HP_EXIT_PASS;
}
