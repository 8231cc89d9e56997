/*
 * harness/cmd_todo.c - `hiperfcheck todo add|list|remove`: the expected
 * failures (todos, docs/oracle.md) a CI gate declares for a provider, so
 * that a known failure is tracked as XFAIL instead of failing every run,
 * and a todo that starts passing fails the run until it is removed.
 *
 * Invariants: `add` checks everything it is given (the identity against
 * the MOF, the scenario and the check against the scenario catalog) before
 * it opens the oracle, so bad input never creates or changes a database;
 * adding or removing a todo is one transaction that touches nothing else;
 * `list` opens the oracle read-only and never creates one.  The identity
 * `add` takes from a MOF is the one `run` records (suite_identity()).
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "oracle.h"
#include "repo.h"
#include "suite.h"
#include "util.h"

static const char todo_synopsis[] =
    "usage: hiperfcheck todo add    [--oracle DB] (--mof MOF | --provider-name NAME [--clsid CLSID])\n"
    "                               [--scenarios PATH]... [--scenario NAME] [--class GLOB] [--check KEY]\n"
    "                               --reason TEXT\n"
    "       hiperfcheck todo list   [--oracle DB] [--format text|json]\n"
    "       hiperfcheck todo remove ID [--oracle DB]\n";

static const char todo_help[] =
    "\n"
    "Expected failures (\"todos\", like Wine's todo_wine), kept in the oracle.  In\n"
    "the next `hiperfcheck run` with that oracle, a failure a todo names is XFAIL\n"
    "and does not fail the run; a todo whose check passes is an \"unexpected pass\"\n"
    "that fails it, so a fixed failure gets its todo removed.\n"
    "\n"
    "add: declares a known failure of a provider; prints `todo N added: ...` (or\n"
    "`todo N is already there: ...` for the same todo with the same reason).\n"
    "  --oracle DB           the oracle (default: " ORACLE_DEFAULT_PATH "; created if missing)\n"
    "  --mof MOF             the provider's identity (registered Name and CLSID) from its\n"
    "                        MOF: the refresher-capable provider, as `run` records it\n"
    "  --provider-name NAME  with --mof: which of its providers; without: the identity\n"
    "                        by name ('*' for any provider)\n"
    "  --clsid CLSID         with --provider-name alone: its CLSID (default: *, any)\n"
    "  --scenarios PATH      the scenario catalog to check --scenario and --check\n"
    "                        against (.scn files or directories; default: built-in)\n"
    "  --scenario NAME       the scenario (default: *, every scenario)\n"
    "  --class GLOB          the cases' classes, a case-insensitive glob (default: *)\n"
    "  --check KEY           one check of --scenario by its key, as the reports name\n"
    "                        it (e.g. 'expect provider admin-locator', with ' #2' for\n"
    "                        a second line of the same text); default: * (the case)\n"
    "  --reason TEXT         why it fails, e.g. the bug that tracks it (required)\n"
    "\n"
    "list: every todo, one a line, in the order they apply (lowest id first).\n"
    "  --format text|json    json: an array of {id, provider_name, provider_clsid,\n"
    "                        scenario, class_pattern, check, reason}\n"
    "\n"
    "remove ID: removes the todo with that id (as `list` shows it).\n"
    "\n"
    "exit status: 0 done; 2 bad usage or bad input (an unknown scenario, check or\n"
    "todo id, a database that is not an hiperfcheck oracle); 3 an internal error.\n";

/* "hiperfcheck todo SUB: message", then the synopsis when the command line
 * itself is wrong; returns HP_EXIT_USAGE. */
static int usage_error(const char *sub, bool synopsis, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int usage_error(const char *sub, bool synopsis, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "hiperfcheck todo%s%s: ", sub ? " " : "", sub ? sub : "");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (synopsis)
        fprintf(stderr, "%s(try `hiperfcheck todo --help`)\n", todo_synopsis);
    return HP_EXIT_USAGE;
}

/* The message of the failed call rc, and the exit status it means. */
static int fail(const char *sub, int rc)
{
    fprintf(stderr, "hiperfcheck todo %s: %s\n", sub, hp_error_message());
    return hp_error_exit_status(rc);
}

/* getopt's view of a bad option: unknown, or one that needs a value. */
static int bad_option(const char *sub, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':')
        return usage_error(sub, true, "option '%s' needs a value", arg);
    return usage_error(sub, true, "unknown option '%s'", arg);
}

/* s with its control characters escaped, so that a field prints on one
 * line; owned. */
static char *one_line(const char *s)
{
    struct hp_buf b = {0};
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\n')
            hp_buf_puts(&b, "\\n");
        else if (c == '\t')
            hp_buf_puts(&b, "\\t");
        else if (c == '\r')
            hp_buf_puts(&b, "\\r");
        else if (c < 0x20 || c == 0x7f)
            hp_buf_printf(&b, "\\x%02x", c);
        else
            hp_buf_putc(&b, (char)c);
    }
    return hp_buf_steal(&b);
}

/* One todo as a line of prose:
 * `NAME CLSID, scenario S, class C, check 'K': REASON`. */
static void print_summary(FILE *f, const struct oracle_todo_def *t)
{
    char *fields[] = {one_line(t->provider_name), one_line(t->provider_clsid), one_line(t->scenario),
                      one_line(t->class_pattern), one_line(t->check_id), one_line(t->reason)};
    bool ok = true;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        ok &= fields[i] != NULL;
    if (ok) {
        fprintf(f, "%s %s, scenario %s, class %s, ", fields[0], fields[1], fields[2], fields[3]);
        if (!strcmp(t->check_id, "*"))
            fputs("check * (the whole case)", f);
        else
            fprintf(f, "check '%s'", fields[4]);
        fprintf(f, ": %s\n", fields[5]);
    } else {
        fputs("(out of memory)\n", f);
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        free(fields[i]);
}

/* A stored todo's fields, borrowed from t. */
static struct oracle_todo_def def_of(const struct oracle_todo_info *t)
{
    return (struct oracle_todo_def){.provider_name = t->provider_name, .provider_clsid = t->provider_clsid,
                                    .scenario = t->scenario, .class_pattern = t->class_pattern,
                                    .check_id = t->check_id, .reason = t->reason};
}

/* Edit distance, ASCII case-insensitive (for "the closest names"). */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = malloc((lb + 1) * sizeof *row);
    if (!row)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            char ca = a[i - 1], cb = b[j - 1];
            if (ca >= 'A' && ca <= 'Z')
                ca = (char)(ca - 'A' + 'a');
            if (cb >= 'A' && cb <= 'Z')
                cb = (char)(cb - 'A' + 'a');
            size_t best = diag + (ca != cb);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

/* The indexes of the (up to) max names closest to want, closest first. */
static size_t closest(size_t *out, size_t max, const char *want, const char *const *names, size_t n)
{
    size_t *d = calloc(n ? n : 1, sizeof *d);
    size_t k = 0;
    if (!d)
        return 0;
    for (size_t i = 0; i < n; i++)
        d[i] = distance(want, names[i]);
    for (; k < max && k < n; k++) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < n; i++) {
            bool taken = false;
            for (size_t j = 0; j < k && !taken; j++)
                taken = out[j] == i;
            if (!taken && (best == SIZE_MAX || d[i] < d[best]))
                best = i;
        }
        out[k] = best;
    }
    free(d);
    return k;
}

/* ---- add ------------------------------------------------------------------------ */

struct add_opts {
    const char *oracle, *mof, *provider_name, *clsid, *scenario, *class_pattern, *check, *reason;
    HP_VEC(const char *) scenarios;
};

static int parse_add(struct add_opts *o, int argc, char **argv)
{
    static const struct option lo[] = {
        {"oracle", required_argument, NULL, 'o'},        {"mof", required_argument, NULL, 'm'},
        {"provider-name", required_argument, NULL, 'n'}, {"clsid", required_argument, NULL, 'c'},
        {"scenarios", required_argument, NULL, 'S'},     {"scenario", required_argument, NULL, 's'},
        {"class", required_argument, NULL, 'C'},         {"check", required_argument, NULL, 'k'},
        {"reason", required_argument, NULL, 'r'},        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int c, li = -1;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", lo, &li)) != -1) {
        const char **slot = NULL;
        switch (c) {
        case 'o': slot = &o->oracle; break;
        case 'm': slot = &o->mof; break;
        case 'n': slot = &o->provider_name; break;
        case 'c': slot = &o->clsid; break;
        case 's': slot = &o->scenario; break;
        case 'C': slot = &o->class_pattern; break;
        case 'k': slot = &o->check; break;
        case 'r': slot = &o->reason; break;
        case 'S':
            if (HP_VEC_PUSH(&o->scenarios, optarg)) {
                fputs("hiperfcheck todo add: out of memory\n", stderr);
                return HP_EXIT_INTERNAL;
            }
            continue;
        case 'h': printf("%s%s", todo_synopsis, todo_help); return -1;
        default: return bad_option("add", c, argv);
        }
        if (*slot)
            return usage_error("add", true, "--%s is given twice ('%s', then '%s')", lo[li].name, *slot, optarg);
        *slot = optarg;
    }
    if (optind < argc)
        return usage_error("add", true, "unexpected argument '%s'", argv[optind]);

    /* Present and not empty where given. */
    const struct {
        const char *name, *value;
    } given[] = {
        {"--oracle", o->oracle},     {"--mof", o->mof},        {"--provider-name", o->provider_name},
        {"--clsid", o->clsid},       {"--scenario", o->scenario}, {"--class", o->class_pattern},
        {"--check", o->check},
    };
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (given[i].value && !*given[i].value)
            return usage_error("add", true, "%s needs a value, not ''", given[i].name);
    if (!o->reason)
        return usage_error("add", true, "--reason is required: say why the failure is expected (e.g. its bug)");
    if (!o->reason[strspn(o->reason, " \t\r\n")])
        return usage_error("add", true, "--reason is empty: say why the failure is expected (e.g. its bug)");
    if (!o->mof && !o->provider_name)
        return usage_error("add", true, "which provider: give --mof MOF or --provider-name NAME");
    if (o->mof && o->clsid)
        return usage_error("add", true, "--clsid comes from the MOF; give it only with --provider-name alone");
    if (o->mof && o->provider_name && !strcmp(o->provider_name, "*"))
        return usage_error("add", true, "--provider-name '*' (any provider) takes no --mof");
    if (o->clsid && strcmp(o->clsid, "*") != 0) {
        char norm[39];
        if (!oracle_normalize_clsid(norm, o->clsid))
            return usage_error("add", false, "--clsid '%s' is not a CLSID ({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})",
                               o->clsid);
    }
    if (o->check && strcmp(o->check, "*") != 0 && (!o->scenario || !strcmp(o->scenario, "*")))
        return usage_error("add", true, "--check '%s' names a check of one scenario: give --scenario NAME too",
                           o->check);
    return 0;
}

/* "NAME {CLSID} (refresher-capable)" lines of every provider the MOF
 * registers, with their positions. */
static void list_providers(const struct repo *repo)
{
    for (size_t i = 0; i < repo_provider_count(repo); i++) {
        const struct repo_provider *p = repo_provider_at(repo, i);
        char clsid[39];
        suite_clsid_text(clsid, p);
        if (p->inst && p->inst->pos.file)
            fprintf(stderr, "  %s:%u:%u: ", p->inst->pos.file, p->inst->pos.line, p->inst->pos.col);
        else
            fputs("  ", stderr);
        fprintf(stderr, "%s %s%s\n", p->name ? p->name : "(no Name)", *clsid ? clsid : "(no CLSID)",
                repo_provider_is_hiperf(repo, p) ? " (refresher-capable)" : "");
    }
}

/* The provider of the MOF the todo is for: the named one, or the one that
 * registers hi-perf classes; *status set and NULL when it cannot say. */
static const struct repo_provider *pick_provider(int *status, const struct repo *repo, const struct add_opts *o)
{
    size_t n = repo_provider_count(repo), nhiperf = 0;
    const struct repo_provider *hiperf = NULL;
    *status = HP_EXIT_USAGE;
    if (n == 0) {
        usage_error("add", false, "%s registers no provider (instance of __Win32Provider)", o->mof);
        return NULL;
    }
    if (o->provider_name) {
        const struct repo_provider *p = repo_provider(repo, o->provider_name);
        if (!p) {
            usage_error("add", false, "%s registers no provider named '%s'; it registers:", o->mof, o->provider_name);
            list_providers(repo);
        }
        return p;
    }
    for (size_t i = 0; i < n; i++)
        if (repo_provider_is_hiperf(repo, repo_provider_at(repo, i))) {
            hiperf = hiperf ? hiperf : repo_provider_at(repo, i);
            nhiperf++;
        }
    if (nhiperf == 1)
        return hiperf;
    if (nhiperf == 0 && n == 1)
        return repo_provider_at(repo, 0);
    usage_error("add", false, "%s registers %zu %sproviders: pick one with --provider-name NAME", o->mof,
                nhiperf ? nhiperf : n, nhiperf ? "refresher-capable " : "");
    list_providers(repo);
    return NULL;
}

/* The scenario named s, or NULL with a message naming the closest ones. */
static const struct scn_file *find_scenario(const struct suite *suite, const char *name, const struct add_opts *o)
{
    for (size_t i = 0; i < suite->n; i++)
        if (!strcmp(suite->files[i]->name, name))
            return suite->files[i];
    const char **names = calloc(suite->n ? suite->n : 1, sizeof *names);
    size_t near[3], k = 0;
    if (names) {
        for (size_t i = 0; i < suite->n; i++)
            names[i] = suite->files[i]->name;
        k = closest(near, 3, name, names, suite->n);
    }
    fprintf(stderr, "hiperfcheck todo add: unknown scenario '%s'", name);
    for (size_t i = 0; i < k; i++)
        fprintf(stderr, "%s%s", i ? ", " : "; the closest: ", names[near[i]]);
    fprintf(stderr, " (`hiperfcheck list%s` lists all %zu)\n", o->scenarios.n ? " --scenarios ..." : "", suite->n);
    free(names);
    return NULL;
}

/* 0 when f has a check keyed `key`; else the message listing its keys with
 * their positions, and HP_EXIT_USAGE. */
static int find_check(const struct scn_file *f, const char *key)
{
    struct scn_check *checks;
    size_t n = scn_checks(f, &checks);
    if (n == SIZE_MAX)
        return fail("add", HP_ENOMEM);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(checks[i].key, key)) {
            scn_checks_free(checks, n);
            return 0;
        }
    fprintf(stderr, "hiperfcheck todo add: scenario %s has no check '%s'", f->name, key);
    const char **keys = calloc(n ? n : 1, sizeof *keys);
    size_t near;
    if (keys) {
        for (size_t i = 0; i < n; i++)
            keys[i] = checks[i].key;
        if (closest(&near, 1, key, keys, n) == 1 && distance(key, keys[near]) <= strlen(key) / 3 + 1)
            fprintf(stderr, "; did you mean '%s'?", keys[near]);
    }
    free(keys);
    fprintf(stderr, "\nits %zu check keys (--check takes one, or * for the whole case):\n", n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  %s:%u:%u: %s\n", f->path, checks[i].line, checks[i].col, checks[i].key);
    scn_checks_free(checks, n);
    return HP_EXIT_USAGE;
}

/* Warns when the class pattern matches no case the scenario (or, for *,
 * any scenario) has for this MOF: such a todo applies to nothing. */
static void warn_unmatched_class(const struct suite *suite, const struct scn_file *only, const struct repo *repo,
                                 const char *pattern, const char *mof)
{
    HP_VEC(const char *) seen = {0};
    bool matched = false;
    for (size_t i = 0; i < suite->n && !matched; i++) {
        const struct scn_file *f = suite->files[i];
        if (only && f != only)
            continue;
        const char **classes;
        size_t n = suite_case_classes(&classes, f, repo);
        for (size_t c = 0; n != SIZE_MAX && c < n && !matched; c++) {
            matched = fnmatch(pattern, classes[c], FNM_CASEFOLD) == 0;
            bool dup = false;
            for (size_t k = 0; k < seen.n && !dup; k++)
                dup = !strcmp(seen.v[k], classes[c]);
            if (!dup)
                HP_VEC_PUSH(&seen, classes[c]);
        }
        free(classes);
    }
    if (!matched) {
        fprintf(stderr, "hiperfcheck todo add: warning: --class '%s' matches no case %s%s has for %s (", pattern,
                only ? "scenario " : "any scenario", only ? only->name : "", mof);
        for (size_t k = 0; k < seen.n; k++)
            fprintf(stderr, "%s%s", k ? ", " : "its classes: ", *seen.v[k] ? seen.v[k] : "'' (it runs once)");
        fprintf(stderr, "%s); the todo is added but applies to nothing until one does\n",
                seen.n ? "" : "it runs for no class of that MOF");
    }
    free(seen.v);
}

static int todo_add(int argc, char **argv)
{
    struct add_opts o = {0};
    int status = parse_add(&o, argc, argv);
    struct repo *repo = NULL;
    struct suite suite = {0};
    struct oracle *oracle = NULL;
    struct oracle_todo_info *todos = NULL;
    size_t ntodos = 0;
    if (status) {
        status = status < 0 ? HP_EXIT_PASS : status;
        goto out;
    }
    struct oracle_todo_def t = {.provider_name = o.provider_name ? o.provider_name : "*",
                                .provider_clsid = o.clsid ? o.clsid : "*",
                                .scenario = o.scenario ? o.scenario : "*",
                                .class_pattern = o.class_pattern ? o.class_pattern : "*",
                                .check_id = o.check ? o.check : "*", .reason = o.reason};
    char clsid[39];
    if (strcmp(t.provider_clsid, "*") != 0 && oracle_normalize_clsid(clsid, t.provider_clsid))
        t.provider_clsid = clsid;

    /* The identity, from the MOF as `run` takes it. */
    int rc;
    if (o.mof) {
        if (!(repo = repo_new())) {
            status = fail("add", HP_ENOMEM);
            goto out;
        }
        if ((rc = mof_load_file(repo, o.mof))) {
            fprintf(stderr, "%s\n", hp_error_message());
            status = hp_error_exit_status(rc);
            goto out;
        }
        const struct repo_provider *p = pick_provider(&status, repo, &o);
        if (!p)
            goto out;
        suite_clsid_text(clsid, p);
        if (!*clsid) {
            status = usage_error("add", false, "%s: provider %s registers no CLSID, so no run of it is recorded",
                                 o.mof, p->name);
            goto out;
        }
        t.provider_name = p->name;
        t.provider_clsid = clsid;
        const struct repo_provider *id = suite_identity(repo);
        if (id != p)
            fprintf(stderr,
                    "hiperfcheck todo add: warning: `run` records the runs of %s under %s, not %s; "
                    "this todo applies only to runs recorded under %s\n",
                    o.mof, id->name, p->name, p->name);
    }

    /* The scenario and the check, from the catalog the runs use. */
    if ((rc = suite_load(&suite, o.scenarios.v, o.scenarios.n))) {
        fprintf(stderr, "%s\n", hp_error_message());
        status = hp_error_exit_status(rc);
        goto out;
    }
    const struct scn_file *f = NULL;
    if (strcmp(t.scenario, "*") != 0) {
        if (!(f = find_scenario(&suite, t.scenario, &o))) {
            status = HP_EXIT_USAGE;
            goto out;
        }
        if (strcmp(t.check_id, "*") != 0 && (status = find_check(f, t.check_id)))
            goto out;
    }
    if (repo)
        warn_unmatched_class(&suite, f, repo, t.class_pattern, o.mof);

    /* Only now the oracle. */
    const char *path = o.oracle ? o.oracle : ORACLE_DEFAULT_PATH;
    if ((rc = oracle_open(&oracle, path, 0)) || (rc = oracle_list_todos(&todos, &ntodos, oracle))) {
        status = fail("add", rc);
        goto out;
    }
    /* The same todo again is already done (a CI job may declare its todos
     * on every run); with another reason it is a conflict. */
    for (size_t i = 0; i < ntodos; i++) {
        const struct oracle_todo_info *x = &todos[i];
        if (!hp_streqi(x->provider_name, t.provider_name) || strcmp(x->provider_clsid, t.provider_clsid) ||
            strcmp(x->scenario, t.scenario) || strcmp(x->class_pattern, t.class_pattern) ||
            strcmp(x->check_id, t.check_id))
            continue;
        struct oracle_todo_def xd = def_of(x);
        if (!strcmp(x->reason, t.reason)) {
            printf("todo %lld is already there: ", (long long)x->id);
            print_summary(stdout, &xd);
            status = HP_EXIT_PASS;
        } else {
            fprintf(stderr, "hiperfcheck todo add: %s: todo %lld already expects this failure, for another reason "
                            "(remove it to change the reason): ", path, (long long)x->id);
            print_summary(stderr, &xd);
            status = HP_EXIT_USAGE;
        }
        goto out;
    }
    int64_t id;
    if ((rc = oracle_add_todo(&id, oracle, &t))) {
        status = fail("add", rc);
        goto out;
    }
    printf("todo %lld added: ", (long long)id);
    print_summary(stdout, &t);
    status = HP_EXIT_PASS;
out:
    oracle_todos_free(todos, ntodos);
    oracle_close(oracle);
    suite_free(&suite);
    repo_free(repo);
    free(o.scenarios.v);
    return status;
}

/* ---- list --------------------------------------------------------------------------- */

static void print_table(const struct oracle_todo_info *t, size_t n)
{
    static const char *const head[] = {"ID", "PROVIDER", "CLSID", "SCENARIO", "CLASS", "CHECK", "REASON"};
    enum { NCOL = sizeof head / sizeof head[0] };
    char *(*cells)[NCOL] = calloc(n, sizeof *cells);
    size_t width[NCOL];
    if (!cells) {
        fprintf(stderr, "hiperfcheck todo list: out of memory\n");
        return;
    }
    for (size_t c = 0; c < NCOL; c++)
        width[c] = strlen(head[c]);
    for (size_t i = 0; i < n; i++) {
        cells[i][0] = hp_sprintf("%lld", (long long)t[i].id);
        cells[i][1] = one_line(t[i].provider_name);
        cells[i][2] = one_line(t[i].provider_clsid);
        cells[i][3] = one_line(t[i].scenario);
        cells[i][4] = one_line(t[i].class_pattern);
        cells[i][5] = one_line(t[i].check_id);
        cells[i][6] = one_line(t[i].reason);
        for (size_t c = 0; c < NCOL; c++)
            if (cells[i][c] && strlen(cells[i][c]) > width[c])
                width[c] = strlen(cells[i][c]);
    }
    for (size_t c = 0; c + 1 < NCOL; c++)
        printf("%-*s  ", (int)width[c], head[c]);
    printf("%s\n", head[NCOL - 1]);
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < NCOL; c++) {
            const char *s = cells[i][c] ? cells[i][c] : "?";
            if (c + 1 < NCOL)
                printf("%-*s  ", (int)width[c], s);
            else
                printf("%s\n", s);
            free(cells[i][c]);
        }
    }
    free(cells);
}

static int todo_list(int argc, char **argv)
{
    static const struct option lo[] = {
        {"oracle", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *path = ORACLE_DEFAULT_PATH;
    bool json = false;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", lo, NULL)) != -1) {
        switch (c) {
        case 'o': path = optarg; break;
        case 'f':
            if (!strcmp(optarg, "json"))
                json = true;
            else if (!strcmp(optarg, "text"))
                json = false;
            else
                return usage_error("list", true, "--format must be text or json, not '%s'", optarg);
            break;
        case 'h': printf("%s%s", todo_synopsis, todo_help); return HP_EXIT_PASS;
        default: return bad_option("list", c, argv);
        }
    }
    if (optind < argc)
        return usage_error("list", true, "unexpected argument '%s'", argv[optind]);
    if (!*path)
        return usage_error("list", true, "--oracle needs a value, not ''");

    /* No oracle yet (or an empty file, which the first writer makes one):
     * no todo, and nothing created. */
    struct oracle_todo_info *todos = NULL;
    size_t n = 0;
    struct stat sb;
    bool none = (stat(path, &sb) != 0 && errno == ENOENT) || (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
                                                              sb.st_size == 0);
    if (!none) {
        struct oracle *o;
        int rc = oracle_open(&o, path, ORACLE_OPEN_READONLY);
        if (!rc)
            rc = oracle_list_todos(&todos, &n, o);
        oracle_close(o);
        if (rc)
            return fail("list", rc);
    }
    if (json) {
        fputs(n ? "[\n" : "[]\n", stdout);
        for (size_t i = 0; i < n; i++) {
            printf("  {\"id\": %lld, \"provider_name\": ", (long long)todos[i].id);
            cli_json_str(stdout, todos[i].provider_name);
            fputs(", \"provider_clsid\": ", stdout);
            cli_json_str(stdout, todos[i].provider_clsid);
            fputs(", \"scenario\": ", stdout);
            cli_json_str(stdout, todos[i].scenario);
            fputs(", \"class_pattern\": ", stdout);
            cli_json_str(stdout, todos[i].class_pattern);
            fputs(", \"check\": ", stdout);
            cli_json_str(stdout, todos[i].check_id);
            fputs(", \"reason\": ", stdout);
            cli_json_str(stdout, todos[i].reason);
            printf("}%s\n", i + 1 < n ? "," : "");
        }
        if (n)
            fputs("]\n", stdout);
    } else if (n == 0) {
        printf("no todos in %s%s\n", path, none ? " (there is no oracle there yet)" : "");
    } else {
        print_table(todos, n);
        printf("%zu todo%s in %s\n", n, n == 1 ? "" : "s", path);
    }
    oracle_todos_free(todos, n);
    return HP_EXIT_PASS;
}

/* ---- remove ------------------------------------------------------------------------- */

/* ID as a todo id: digits only, above 0. */
static bool parse_id(long long *id, const char *text)
{
    if (!*text || strspn(text, "0123456789") != strlen(text))
        return false;
    errno = 0;
    *id = strtoll(text, NULL, 10);
    return errno == 0 && *id > 0;
}

static int todo_remove(int argc, char **argv)
{
    const char *path = ORACLE_DEFAULT_PATH, *id_text = NULL;
    /* By hand rather than getopt: "-3" is a bad ID, not an unknown option. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf("%s%s", todo_synopsis, todo_help);
            return HP_EXIT_PASS;
        } else if (!strcmp(a, "--oracle")) {
            if (i + 1 == argc)
                return usage_error("remove", true, "option '--oracle' needs a value");
            path = argv[++i];
        } else if (!strncmp(a, "--oracle=", 9)) {
            path = a + 9;
        } else if (a[0] == '-' && !(a[1] >= '0' && a[1] <= '9')) {
            return usage_error("remove", true, "unknown option '%s'", a);
        } else if (id_text) {
            return usage_error("remove", true, "unexpected argument '%s' (one ID at a time)", a);
        } else {
            id_text = a;
        }
    }
    if (!*path)
        return usage_error("remove", true, "--oracle needs a value, not ''");
    if (!id_text)
        return usage_error("remove", true, "which todo: give its ID (`hiperfcheck todo list` shows them)");
    long long id;
    if (!parse_id(&id, id_text))
        return usage_error("remove", false, "'%s' is not a todo id (a positive number, as `hiperfcheck todo list` shows)",
                           id_text);

    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return usage_error("remove", false, "%s: no such oracle database, so no todo %lld", path, id);
    struct oracle *o;
    struct oracle_todo_info *todos = NULL;
    size_t n = 0;
    int rc = oracle_open(&o, path, 0);
    if (!rc)
        rc = oracle_list_todos(&todos, &n, o);
    if (rc) {
        oracle_close(o);
        return fail("remove", rc);
    }
    const struct oracle_todo_info *t = NULL;
    for (size_t i = 0; i < n && !t; i++)
        if (todos[i].id == id)
            t = &todos[i];
    int status = HP_EXIT_PASS;
    if (!t) {
        fprintf(stderr, "hiperfcheck todo remove: %s: todo %lld: no such todo", path, id);
        for (size_t i = 0; i < n && i < 20; i++)
            fprintf(stderr, "%s%lld", i ? ", " : "; the todos are ", (long long)todos[i].id);
        fprintf(stderr, "%s\n", n > 20 ? ", ..." : n ? "" : " (there are none)");
        status = HP_EXIT_USAGE;
    } else if ((rc = oracle_remove_todo(o, id))) {
        status = fail("remove", rc);
    } else {
        struct oracle_todo_def td = def_of(t);
        printf("todo %lld removed: ", id);
        print_summary(stdout, &td);
    }
    oracle_todos_free(todos, n);
    oracle_close(o);
    return status;
}

int cmd_todo(int argc, char **argv)
{
    if (argc < 2) {
        usage_error(NULL, false, "which subcommand: add, list or remove");
        fprintf(stderr, "%s(try `hiperfcheck todo --help`)\n", todo_synopsis);
        return HP_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
        printf("%s%s", todo_synopsis, todo_help);
        return HP_EXIT_PASS;
    }
    if (!strcmp(sub, "add"))
        return todo_add(argc - 1, argv + 1);
    if (!strcmp(sub, "list"))
        return todo_list(argc - 1, argv + 1);
    if (!strcmp(sub, "remove"))
        return todo_remove(argc - 1, argv + 1);
    return usage_error(NULL, true, "unknown subcommand '%s' (add, list or remove)", sub);
}
