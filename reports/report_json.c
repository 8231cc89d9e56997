/*
 * reports/report_json.c - report.json: the whole stored run (identity,
 * summary, requirement matrix, every case with every judged observation)
 * for machines, in the shape reports/report.schema.json describes
 * (docs/report-schema.md).
 *
 * Invariant: keys are written in one fixed order and every string goes
 * through esc_json(), so the file is valid JSON (RFC 8259, UTF-8) and the
 * same run gives the same bytes.
 */
#include <string.h>

#include "report_private.h"

/* The order counts are written in: most familiar first. */
static const int count_order[ORACLE_NVERDICTS] = {
    VERDICT_PASS, ORACLE_XFAIL, VERDICT_WARN, VERDICT_SKIP, VERDICT_FAIL, VERDICT_ERROR, VERDICT_TIMEOUT, VERDICT_CRASH,
};

static void put_counts(FILE *f, const unsigned counts[ORACLE_NVERDICTS])
{
    fputc('{', f);
    for (int i = 0; i < ORACLE_NVERDICTS; i++)
        fprintf(f, "%s\"%s\": %u", i ? ", " : "", oracle_verdict_name(count_order[i]), counts[count_order[i]]);
    fputc('}', f);
}

static void put_time(FILE *f, int64_t ms)
{
    char buf[32];
    esc_json(f, oracle_format_time(buf, ms));
}


static const char *todo_word(int todo)
{
    return todo == 1 ? "xfail" : todo == 2 ? "unexpected-pass" : "none";
}

static const char *kind_word(enum check_kind k)
{
    switch (k) {
    case CHECK_HRESULT: return "hresult";
    case CHECK_COMPARE: return "compare";
    case CHECK_TRUE: return "true";
    case CHECK_VALUE: return "value";
    case CHECK_SKIP: return "skip";
    }
    return "unknown";
}

static const char *status_word(enum oracle_worker_status s)
{
    switch (s) {
    case ORACLE_WORKER_EXITED: return "exited";
    case ORACLE_WORKER_SIGNALED: return "signaled";
    case ORACLE_WORKER_TIMEOUT: return "timeout";
    case ORACLE_WORKER_ERROR: return "error";
    }
    return "error";
}

static void put_run(FILE *f, const struct oracle_run_info *r)
{
    fprintf(f, "  \"run\": {\n    \"id\": %lld,\n    \"provider\": {\"path\": ", (long long)r->id);
    esc_json(f, r->provider_path);
    fputs(", \"sha256\": ", f);
    esc_json(f, r->provider_sha256);
    fputs(", \"name\": ", f);
    esc_json(f, r->provider_name);
    fputs(", \"clsid\": ", f);
    esc_json(f, r->provider_clsid);
    fputs("},\n    \"mof\": ", f);
    esc_json(f, r->mof_path);
    fputs(",\n    \"harness_version\": ", f);
    esc_json(f, r->harness_version);
    fprintf(f, ",\n    \"oracle_version\": %d,\n    \"options\": ", r->oracle_version);
    esc_json(f, r->options);
    fputs(",\n    \"hostname\": ", f);
    esc_json(f, r->hostname);
    fputs(",\n    \"started\": ", f);
    put_time(f, r->started_ms);
    fprintf(f, ",\n    \"started_ms\": %lld,\n    \"ended\": ", (long long)r->started_ms);
    if (r->complete) {
        put_time(f, r->ended_ms);
        fprintf(f, ",\n    \"ended_ms\": %lld", (long long)r->ended_ms);
    } else {
        fputs("null,\n    \"ended_ms\": null", f);
    }
    fprintf(f, ",\n    \"complete\": %s,\n    \"reference\": %s,\n    \"baseline\": ", r->complete ? "true" : "false",
            r->reference ? "true" : "false");
    esc_json(f, r->baseline);
    fputs("\n  },\n", f);
}

static void put_summary(FILE *f, const struct oracle_summary *s)
{
    fprintf(f, "  \"summary\": {\n    \"verdict\": \"%s\",\n    \"exit_status\": %d,\n    \"complete\": %s,\n"
               "    \"cases\": %u,\n    \"checks\": %u,\n    \"counts\": ",
            oracle_verdict_name(s->verdict), s->exit_status, s->complete ? "true" : "false", s->cases, s->checks);
    put_counts(f, s->case_counts);
    fputs(",\n    \"check_counts\": ", f);
    put_counts(f, s->check_counts);
    fputs("\n  },\n", f);
}

static void put_matrix(FILE *f, const struct report_model *m)
{
    fputs("  \"requirements\": [", f);
    for (size_t i = 0; i < m->nmatrix; i++) {
        const struct oracle_matrix_row *r = &m->matrix[i];
        fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", f);
        esc_json(f, r->id);
        fprintf(f, ", \"level\": \"%s\", \"source\": ", oracle_level_name(r->level));
        esc_json(f, r->source);
        fputs(", \"text\": ", f);
        esc_json(f, r->text);
        if (r->verdict < 0)
            fputs(", \"verdict\": null", f);
        else
            fprintf(f, ", \"verdict\": \"%s\"", oracle_verdict_name(r->verdict));
        fprintf(f, ", \"checks\": %u, \"observations\": %u, \"cases\": %u}", r->checks, r->observations, r->cases);
    }
    fputs(m->nmatrix ? "\n  ],\n" : "],\n", f);
}

static int put_case(FILE *f, struct oracle *o, const struct oracle_case_info *c)
{
    fprintf(f, "    {\n      \"id\": %lld,\n      \"scenario\": ", (long long)c->id);
    esc_json(f, c->scenario);
    fputs(",\n      \"file\": ", f);
    esc_json(f, c->scenario_file);
    fputs(",\n      \"title\": ", f);
    esc_json(f, c->scenario_title);
    fputs(",\n      \"class\": ", f);
    esc_json(f, c->class_name);
    fprintf(f, ",\n      \"verdict\": \"%s\",\n      \"todo\": \"%s\",\n      \"message\": ",
            oracle_verdict_name(c->display), todo_word(c->todo));
    esc_json(f, c->message);
    fputs(",\n      \"requirements\": ", f);
    put_id_array(f, c->requirements);
    fputs(",\n      \"started\": ", f);
    put_time(f, c->started_ms);
    fprintf(f, ",\n      \"duration_ms\": %lld,\n      \"worker\": {\"status\": \"%s\", \"value\": %d},\n"
               "      \"step\": {\"number\": %u, \"text\": ",
            (long long)(c->ended_ms > c->started_ms ? c->ended_ms - c->started_ms : 0), status_word(c->status),
            c->status_value, c->step_no);
    esc_json(f, c->step);
    fputs("},\n      \"trace\": ", f);
    esc_json(f, c->trace);
    fputs(",\n      \"journal\": ", f);
    esc_json(f, c->journal);
    fputs(",\n      \"counts\": ", f);
    put_counts(f, c->check_counts);
    fputs(",\n      \"checks\": [", f);

    struct oracle_check_result *r;
    size_t n;
    int rc = oracle_list_check_results(&r, &n, o, c->id);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const struct oracle_check_result *x = &r[i];
        fputs(i ? ",\n        {\"id\": " : "\n        {\"id\": ", f);
        esc_json(f, x->check_id);
        fprintf(f, ", \"line\": %u, \"col\": %u, \"kind\": \"%s\", \"expected\": ", x->line, x->col,
                kind_word(x->kind));
        esc_json(f, x->expected);
        fputs(", \"baseline\": ", f);
        if (x->baseline)
            esc_json(f, x->baseline);
        else
            fputs("null", f);
        fputs(", \"description\": ", f);
        esc_json(f, x->description);
        fputs(", \"requirements\": ", f);
        put_id_array(f, x->requirements);
        fprintf(f, ", \"iteration\": %u, \"observed\": ", x->iteration);
        esc_json(f, x->observed);
        fprintf(f, ", \"step\": %u, \"excerpt\": ", x->step_no);
        esc_json(f, x->excerpt);
        fprintf(f, ", \"verdict\": \"%s\", \"todo\": \"%s\", \"message\": ", oracle_verdict_name(x->display),
                todo_word(x->todo));
        esc_json(f, x->message);
        fputc('}', f);
    }
    fputs(n ? "\n      ]\n    }" : "]\n    }", f);
    oracle_check_results_free(r, n);
    return 0;
}

int report_write_json(FILE *f, struct oracle *o, int64_t run_id)
{
    struct report_model m;
    int rc = report_model_load(&m, o, run_id);
    if (rc)
        return rc;
    fputs("{\n  \"format\": \"hiperfcheck-report\",\n  \"format_version\": 1,\n", f);
    put_run(f, &m.run);
    put_summary(f, &m.sum);
    put_matrix(f, &m);
    fputs("  \"cases\": [", f);
    for (size_t i = 0; i < m.ncases && !rc; i++) {
        fputs(i ? ",\n" : "\n", f);
        rc = put_case(f, o, &m.cases[i]);
    }
    fputs(m.ncases ? "\n  ]\n}\n" : "]\n}\n", f);
    report_model_free(&m);
    return rc ? rc : report_finish(f, "report.json");
}
