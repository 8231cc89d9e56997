/*
 * harness/cmd_run.c - `hiperfcheck run` and `hiperfcheck bless`: plan the
 * cases (scenario x class), run each in a worker process under fake time
 * (orchestrator.c), hand every finished case to the oracle (one transaction
 * a case), then write the reports from the stored run.  `bless` runs the
 * same suite and records what it observed as the provider's baseline.
 *
 * Invariants: this process never loads the provider (workers do); the run
 * is recorded as it goes, so a killed run leaves its finished cases in the
 * database with the run marked incomplete; the exit status comes from the
 * stored verdicts (DESIGN.md: 0 pass, 1 a check failed/crashed/timed out,
 * 2 bad usage or input, 3 an internal error).
 */
#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "oracle.h"
#include "orchestrator.h"
#include "repo.h"
#include "reports.h"
#include "suite.h"
#include "util.h"

#ifndef HIPERF_VERSION
#define HIPERF_VERSION "0.0.0"
#endif

static const char run_usage[] =
    "usage: hiperfcheck run [--provider SO] [--mof MOF] [--scenarios PATH]... [--filter GLOB]\n"
    "                       [--oracle DB] [--report-dir DIR] [--format LIST] [--jobs N]\n"
    "                       [--timeout SECONDS] [--quiet]\n"
    "\n"
    "Runs the scenarios against a provider, each case (a scenario for a class of\n"
    "the provider's MOF) in its own worker process under controlled time, records\n"
    "every observation in the oracle and writes the reports.  With no --provider:\n"
    "the built-in reference provider with the built-in scenario catalog.\n"
    "\n"
    "  --provider SO      the provider shared object (default: the reference provider)\n"
    "  --mof MOF          its registration MOF (required with --provider)\n"
    "  --scenarios PATH   a .scn file or a directory of them; repeatable (default: built-in)\n"
    "  --filter GLOB      only scenarios whose name matches (e.g. 'stop-*')\n"
    "  --oracle DB        the SQLite oracle and run history (default: " ORACLE_DEFAULT_PATH ")\n"
    "  --report-dir DIR   where the reports go (default: hiperfcheck-report)\n"
    "  --format LIST      json,junit,html,md,tap or all (default: all)\n"
    "  --jobs N           cases run at once (default: the number of cores)\n"
    "  --timeout SECONDS  real time allowed per case unless the scenario says (default: 60)\n"
    "  --quiet            no progress line and no summary\n"
    "\n"
    "exit status: 0 every required check passed; 1 a check failed, crashed or timed\n"
    "out; 2 bad usage or bad input; 3 an internal error of the harness.\n";

static const char bless_usage[] =
    "usage: hiperfcheck bless --provider SO --mof MOF [--oracle DB] [options of run]\n"
    "\n"
    "Runs the suite like `run` and records what this build of the provider shows\n"
    "(counter values, instance sets, call sequences) as its baseline in the oracle,\n"
    "keyed by its registered provider name and CLSID, so later builds are compared\n"
    "with it.  Value checks are recorded, not compared with the previous baseline;\n"
    "refuses to bless a run in which any other check did not pass.\n"
    "\n"
    "  --baseline-out FILE  also write the baseline as reviewable text (the format of\n"
    "                       oracle/reference-baseline.tsv, docs/oracle.md)\n";

struct run_opts {
    const char *provider, *mof, *oracle, *report_dir, *filter, *formats, *baseline_out;
    HP_VEC(const char *) scenarios;
    unsigned jobs;
    double timeout_s;
    bool quiet;
    bool bless;
};

struct planned {
    struct orch_case c;
    size_t scenario;               /* index in the suite */
};

struct plan_vec {
    struct planned *v;
    size_t n, cap;
};

struct run_ctx {
    struct oracle *oracle;
    int64_t run_id;
    struct suite *suite;
    int64_t *scenario_ids;         /* per suite file */
    struct planned *plan;
    unsigned failed;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int usage_error(const char *cmd, const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "hiperfcheck %s: ", cmd);
    fprintf(stderr, "%s", fmt);
    if (arg)
        fprintf(stderr, " '%s'", arg);
    fprintf(stderr, "\n%s", usage);
    return HP_EXIT_USAGE;
}

static int parse_opts(struct run_opts *o, int argc, char **argv, const char *cmd, const char *usage)
{
    static const struct option lo[] = {
        {"provider", required_argument, NULL, 'p'}, {"mof", required_argument, NULL, 'm'},
        {"scenarios", required_argument, NULL, 's'}, {"filter", required_argument, NULL, 'F'},
        {"oracle", required_argument, NULL, 'o'}, {"report-dir", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'}, {"jobs", required_argument, NULL, 'j'},
        {"timeout", required_argument, NULL, 't'}, {"quiet", no_argument, NULL, 'q'},
        {"baseline-out", required_argument, NULL, 'B'},
        {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    o->timeout_s = 60;
    while ((c = getopt_long(argc, argv, "+hj:q", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'p': o->provider = optarg; break;
        case 'm': o->mof = optarg; break;
        case 's': HP_VEC_PUSH(&o->scenarios, optarg); break;
        case 'F': o->filter = optarg; break;
        case 'o': o->oracle = optarg; break;
        case 'r': o->report_dir = optarg; break;
        case 'f': o->formats = optarg; break;
        case 'j': {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 256)
                return usage_error(cmd, usage, "--jobs must be a number from 1 to 256, not", optarg);
            o->jobs = (unsigned)v;
            break;
        }
        case 't':
            o->timeout_s = strtod(optarg, &end);
            if (*end || !(o->timeout_s > 0 && o->timeout_s <= 86400))
                return usage_error(cmd, usage, "--timeout must be a number of seconds above 0, not", optarg);
            break;
        case 'q': o->quiet = true; break;
        case 'B':
            if (!o->bless)
                return usage_error(cmd, usage, "--baseline-out belongs to bless", NULL);
            o->baseline_out = optarg;
            break;
        case 'h': fputs(usage, stdout); return -1;
        default:
            return usage_error(cmd, usage, optopt ? "option needs a value:" : "unknown option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error(cmd, usage, "unexpected argument", argv[optind]);
    if (o->provider && !o->mof)
        return usage_error(cmd, usage, "--provider needs --mof (the classes and CLSIDs come from it)", NULL);
    if (o->bless && !o->provider)
        return usage_error(cmd, usage, "--provider and --mof are required", NULL);
    return 0;
}

/* The parent never loads the provider, but an unreadable file or one that
 * is not a shared object is bad input: say so now, not once per case. */
static int check_provider_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hp_error_set(HP_EPROVIDER, "%s: cannot read the provider: %s", path, strerror(errno));
    unsigned char h[EI_NIDENT + 4] = {0};
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n < sizeof h || memcmp(h, ELFMAG, SELFMAG))
        return hp_error_set(HP_EPROVIDER, "%s: not a shared object (no ELF header)", path);
    uint16_t type = (uint16_t)(h[EI_NIDENT] | h[EI_NIDENT + 1] << 8);
    if (type != ET_DYN)
        return hp_error_set(HP_EPROVIDER, "%s: an ELF file but not a shared object (build it with -shared)", path);
    return 0;
}

/* The cases of a scenario: one per class it runs for (suite_case_classes()). */
static void plan_scenario(struct plan_vec *plan, const struct scn_file *f, size_t fi,
                          const struct repo *repo, double timeout_s)
{
    struct planned p = {.c = {.scenario = f->name, .scenario_file = f->path,
                              .timeout_s = f->timeout_ns ? (double)f->timeout_ns / 1e9 : timeout_s,
                              .start_epoch = f->start},
                        .scenario = fi};
    const char **classes;
    size_t n = suite_case_classes(&classes, f, repo);
    for (size_t i = 0; n != SIZE_MAX && i < n; i++) {
        p.c.class_name = classes[i];
        HP_VEC_PUSH(plan, p);
    }
    free(classes);
}

/* Registers a scenario and its checks, plus the `needs` check a SKIP
 * is reported on. */
static int register_scenario(int64_t *id, struct oracle *o, const struct scn_file *f)
{
    struct scn_check *checks;
    size_t n = scn_checks(f, &checks);
    if (n == SIZE_MAX)
        return HP_ENOMEM;
    struct oracle_check_def *defs = calloc(n + 1, sizeof *defs);
    const char **covers = calloc(f->covers.n + 1, sizeof *covers);
    const char *needs[5];
    size_t nneeds = 0;
    int rc = HP_ENOMEM;
    if (!defs || !covers)
        goto out;
    for (size_t i = 0; i < f->covers.n; i++)
        covers[i] = f->covers.v[i].id;
    for (size_t i = 0; i < n; i++) {
        defs[i] = (struct oracle_check_def){.id = checks[i].key, .line = checks[i].line, .col = checks[i].col,
                                            .kind = checks[i].kind, .expected = checks[i].expected,
                                            .requirements = (const char *const *)checks[i].reqs,
                                            .nrequirements = checks[i].nreqs, .description = checks[i].desc};
    }
    /* The check a `needs` that is not met is reported on: it stands for
     * the scenario's requirements as a whole. */
    const char *all_reqs_one = f->covers.n ? covers[0] : (n && checks[0].nreqs ? checks[0].reqs[0] : NULL);
    const char *skip_reqs[1] = {all_reqs_one};
    defs[n] = (struct oracle_check_def){.id = "needs", .line = f->needs_pos.line ? f->needs_pos.line : 1,
                                        .col = f->needs_pos.col ? f->needs_pos.col : 1, .kind = CHECK_SKIP,
                                        .expected = "", .requirements = skip_reqs,
                                        .nrequirements = all_reqs_one ? 1 : 0,
                                        .description = "the scenario's needs are met"};
    if (f->needs & SCN_NEEDS_REFRESHERS)
        needs[nneeds++] = "refreshers";
    if (f->needs & SCN_NEEDS_BASELINE)
        needs[nneeds++] = "baseline";
    if (f->needs & SCN_NEEDS_INSTANCES)
        needs[nneeds++] = "instances";
    if (f->needs & SCN_NEEDS_KEYS)
        needs[nneeds++] = "keys";
    if (f->needs & SCN_NEEDS_PERF)
        needs[nneeds++] = "perf";
    struct oracle_scenario_def def = {.name = f->name, .file = f->path, .sha256 = f->sha256, .title = f->title,
                                      .covers = covers, .ncovers = f->covers.n, .needs = needs, .nneeds = nneeds,
                                      .checks = defs, .nchecks = n + (all_reqs_one ? 1 : 0)};
    rc = oracle_register_scenario(id, o, &def);
out:
    free(defs);
    free(covers);
    scn_checks_free(checks, n);
    return rc;
}

static int case_done(const struct case_result *r, void *ud)
{
    struct run_ctx *x = ud;
    const struct planned *p = &x->plan[r->index];
    struct oracle_case_def c = {
        .scenario_id = x->scenario_ids[p->scenario],
        .class_name = r->class_name ? r->class_name : "",
        .started_ms = r->real_start_ns / 1000000,
        .ended_ms = r->real_end_ns / 1000000,
        .last_step_no = r->has_last_step ? r->last_step_no : 0,
        .last_step = r->has_last_step ? r->last_step_text : NULL,
    };
    switch (r->outcome) {
    case CASE_FINISHED:
    case CASE_SKIPPED: c.status = ORACLE_WORKER_EXITED; c.status_value = 0; break;
    case CASE_CRASHED: c.status = ORACLE_WORKER_SIGNALED; c.status_value = r->signal; break;
    case CASE_TIMED_OUT: c.status = ORACLE_WORKER_TIMEOUT; break;
    default: c.status = ORACLE_WORKER_ERROR; c.status_text = r->error_message; break;
    }
    struct hp_buf journal = {0};
    for (size_t i = 0; i < r->n_journal; i++) {
        hp_buf_puts(&journal, r->journal[i]);
        hp_buf_putc(&journal, '\n');
    }
    if (r->output_len) {
        hp_buf_printf(&journal, "--- the worker's output%s ---\n", r->output_truncated ? " (last part)" : "");
        hp_buf_append(&journal, r->output, r->output_len);
    }
    c.journal = journal.s;
    struct oracle_observation *obs = calloc(r->n_obs + 1, sizeof *obs);
    if (!obs) {
        hp_buf_free(&journal);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->n_obs; i++)
        obs[i] = (struct oracle_observation){.check_id = r->obs[i].check_id,
                                             .iteration = r->obs[i].iteration ? r->obs[i].iteration - 1 : 0,
                                             .observed = r->obs[i].observed, .step_no = r->obs[i].step_no,
                                             .excerpt = r->obs[i].excerpt};
    size_t nobs = r->n_obs;
    char *skip = NULL;
    if (r->outcome == CASE_SKIPPED) {
        skip = hp_sprintf("s:%s", r->skip_reason ? r->skip_reason : "");
        obs[nobs++] = (struct oracle_observation){.check_id = "needs", .observed = skip};
    }
    c.obs = obs;
    c.nobs = nobs;
    enum verdict v;
    int rc = oracle_record_case(NULL, &v, x->oracle, x->run_id, &c);
    free(skip);
    free(obs);
    hp_buf_free(&journal);
    if (rc)
        return rc;
    bool failed = v == VERDICT_FAIL || v == VERDICT_CRASH || v == VERDICT_TIMEOUT || v == VERDICT_ERROR;
    x->failed += failed;
    return failed ? 1 : 0;
}

static int run_suite(struct run_opts *o, const char *cmd)
{
    int status = HP_EXIT_INTERNAL, rc;
    char *ref_so = NULL, *ref_mof = NULL, *oracle_path = NULL, *opts_text = NULL, *self = NULL;
    struct repo *repo = NULL;
    struct suite suite = {0};
    struct oracle *oracle = NULL;
    struct plan_vec plan = {0};
    int64_t *scenario_ids = NULL;
    unsigned formats = REPORT_ALL;
    const char *report_dir = o->report_dir ? o->report_dir : "hiperfcheck-report";

    if (o->formats && report_parse_formats(&formats, o->formats)) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        return HP_EXIT_USAGE;
    }
    const char *provider = o->provider, *mof = o->mof;
    if (!provider) {
        ref_so = suite_reference_provider();
        ref_mof = suite_reference_mof();
        if (!ref_so || !ref_mof) {
            fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
            goto out;
        }
        provider = ref_so, mof = ref_mof;
    }
    /* Bad input first, before anything is written. */
    if ((rc = check_provider_file(provider))) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        status = HP_EXIT_USAGE;
        goto out;
    }
    repo = repo_new();
    if (!repo)
        goto out;
    if ((rc = mof_load_file(repo, mof))) {
        fprintf(stderr, "%s\n", hp_error_message());
        status = hp_error_exit_status(rc);
        goto out;
    }
    if (repo_provider_count(repo) == 0) {
        fprintf(stderr, "hiperfcheck %s: %s registers no provider (instance of __Win32Provider)\n", cmd, mof);
        status = HP_EXIT_USAGE;
        goto out;
    }
    if ((rc = suite_load(&suite, o->scenarios.v, o->scenarios.n))) {
        fprintf(stderr, "%s\n", hp_error_message());
        status = hp_error_exit_status(rc);
        goto out;
    }
    const char *faketime;
    if (orch_find_faketime(&faketime)) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        status = HP_EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < suite.n; i++)
        if (!o->filter || fnmatch(o->filter, suite.files[i]->name, 0) == 0)
            plan_scenario(&plan, suite.files[i], i, repo, o->timeout_s);
    if (plan.n == 0) {
        fprintf(stderr, "hiperfcheck %s: nothing to run: no scenario%s applies to the classes %s registers\n", cmd,
                o->filter ? " matching the filter" : "", mof);
        status = HP_EXIT_USAGE;
        goto out;
    }

    /* The oracle and the run. */
    if (mkdir(report_dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "hiperfcheck %s: %s: cannot create the report directory: %s\n", cmd, report_dir,
                strerror(errno));
        status = HP_EXIT_USAGE;
        goto out;
    }
    oracle_path = hp_strdup(o->oracle ? o->oracle : ORACLE_DEFAULT_PATH);
    if ((rc = oracle_open(&oracle, oracle_path, 0))) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        status = hp_error_exit_status(rc);
        goto out;
    }
    size_t len;
    const char *reqs = suite_requirements_text(&len);
    if ((rc = oracle_load_requirements(oracle, reqs, len, "requirements.txt"))) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        goto out;
    }
    /* The reference provider's shipped baseline: the values its value
     * checks are judged against (idempotent; a file without a provider line
     * names no reference).  bless records values without comparing them
     * (record_values below), so stale lines here never stop it. */
    size_t blen;
    const char *btext = oracle_reference_baseline_text(&blen);
    if (btext && blen && strstr(btext, "\nprovider\t") &&
        (rc = oracle_load_baseline_text(oracle, btext, blen, "reference-baseline.tsv", true))) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        goto out;
    }
    scenario_ids = calloc(suite.n ? suite.n : 1, sizeof *scenario_ids);
    for (size_t i = 0; scenario_ids && i < suite.n; i++)
        if ((rc = register_scenario(&scenario_ids[i], oracle, suite.files[i]))) {
            fprintf(stderr, "%s\n", hp_error_message());
            status = hp_error_exit_status(rc);
            goto out;
        }
    const struct repo_provider *id = suite_identity(repo);
    char clsid[39];
    suite_clsid_text(clsid, id);
    char *data;
    size_t dlen;
    char sha[65] = "";
    if (hp_read_file(provider, &data, &dlen) == 0) {
        hp_sha256_hex(data, dlen, sha);
        free(data);
    }
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    opts_text = hp_sprintf("jobs=%u timeout=%g filter=%s formats=%s", o->jobs, o->timeout_s,
                           o->filter ? o->filter : "*", o->formats ? o->formats : "all");
    struct oracle_run_def rd = {.provider_path = provider, .provider_sha256 = sha,
                                .provider_name = id ? id->name : "", .provider_clsid = clsid, .mof_path = mof,
                                .harness_version = HIPERF_VERSION, .options = opts_text, .hostname = host,
                                .started_ms = now_ms(), .record_values = o->bless};
    struct run_ctx ctx = {.oracle = oracle, .suite = &suite, .scenario_ids = scenario_ids, .plan = plan.v};
    if ((rc = oracle_begin_run(&ctx.run_id, oracle, &rd))) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        goto out;
    }

    self = suite_self_path();
    if (!self) {
        fprintf(stderr, "hiperfcheck %s: cannot tell where hiperfcheck is (/proc/self/exe): %s\n", cmd,
                strerror(errno));
        status = HP_EXIT_INTERNAL;
        goto out;
    }
    /* The cases. */
    struct orch_case *cases = calloc(plan.n, sizeof *cases);
    if (!cases)
        goto out;
    for (size_t i = 0; i < plan.n; i++)
        cases[i] = plan.v[i].c;
    const char *const worker_argv[] = {self, "__worker", NULL};
    struct orch_options oo = {.cases = cases, .n_cases = plan.n, .worker_argv = worker_argv,
                              .provider = provider, .mof = mof, .jobs = o->jobs, .faketime_lib = faketime,
                              .progress = o->quiet ? ORCH_PROGRESS_OFF : ORCH_PROGRESS_AUTO,
                              .case_done = case_done, .ud = &ctx};
    struct orch_summary sum;
    rc = orch_run(&sum, &oo);
    free(cases);
    bool complete = rc == 0 && !sum.interrupted && sum.done == sum.planned;
    if (complete)
        oracle_finish_run(oracle, ctx.run_id, now_ms());
    if (rc) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        goto out;
    }

    /* The reports, from the stored run. */
    if ((rc = report_write_dir(report_dir, oracle, ctx.run_id, formats))) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        goto out;
    }
    struct oracle_summary os;
    if ((rc = oracle_get_summary(&os, oracle, ctx.run_id))) {
        fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
        goto out;
    }
    status = oracle_exit_status_of(os.case_counts, complete);
    if (!o->quiet) {
        printf("hiperfcheck: run %lld, %zu case%s:", (long long)ctx.run_id, sum.done, sum.done == 1 ? "" : "s");
        for (int v = 0; v < ORACLE_NVERDICTS; v++)
            if (os.case_counts[v])
                printf(" %u %s", os.case_counts[v], oracle_verdict_name(v));
        printf("%s\nreports in %s/\n", complete ? "" : " (incomplete)", report_dir);
    }
    if (o->bless && status == HP_EXIT_PASS) {
        size_t nv = 0;
        if ((rc = oracle_bless_run(&nv, oracle, ctx.run_id, now_ms()))) {
            fprintf(stderr, "hiperfcheck %s: %s\n", cmd, hp_error_message());
            status = HP_EXIT_INTERNAL;
        } else {
            printf("hiperfcheck: blessed run %lld as the baseline of %s %s: %zu value%s\n", (long long)ctx.run_id,
                   id ? id->name : "?", clsid, nv, nv == 1 ? "" : "s");
            char *text = NULL;
            FILE *f = NULL;
            if (o->baseline_out && (oracle_dump_baseline(&text, oracle, id ? id->name : "", clsid) ||
                                    !(f = fopen(o->baseline_out, "w")) || fputs(text, f) < 0)) {
                fprintf(stderr, "hiperfcheck %s: %s: %s\n", cmd, o->baseline_out,
                        f || !text ? hp_error_message() : strerror(errno));
                status = HP_EXIT_INTERNAL;
            }
            if (f && fclose(f)) {
                fprintf(stderr, "hiperfcheck %s: %s: %s\n", cmd, o->baseline_out, strerror(errno));
                status = HP_EXIT_INTERNAL;
            }
            free(text);
        }
    } else if (o->bless) {
        fprintf(stderr, "hiperfcheck %s: the run did not pass; nothing was blessed\n", cmd);
    }
    if (sum.interrupted && sum.interrupt_signal) {
        oracle_close(oracle);
        oracle = NULL;
        signal(sum.interrupt_signal, SIG_DFL);
        raise(sum.interrupt_signal);
    }
out:
    if (oracle)
        oracle_close(oracle);
    free(scenario_ids);
    free(plan.v);
    suite_free(&suite);
    repo_free(repo);
    free(ref_so);
    free(ref_mof);
    free(oracle_path);
    free(opts_text);
    free(self);
    return status;
}

int cmd_run(int argc, char **argv)
{
    struct run_opts o = {0};
    int rc = parse_opts(&o, argc, argv, "run", run_usage);
    if (!rc)
        rc = run_suite(&o, "run");
    else if (rc < 0)
        rc = HP_EXIT_PASS;
    free(o.scenarios.v);
    return rc;
}

int cmd_bless(int argc, char **argv)
{
    struct run_opts o = {.bless = true};
    int rc = parse_opts(&o, argc, argv, "bless", bless_usage);
    if (!rc)
        rc = run_suite(&o, "bless");
    else if (rc < 0)
        rc = HP_EXIT_PASS;
    free(o.scenarios.v);
    return rc;
}
