/*
 * tests/harness/test_scn.c - the scenario language front end (harness/scn*):
 * every statement form of docs/scenario-language.md parses into the tree the
 * executor expects, every error kind is reported at the exact position of
 * the token that caused it, the checks handed to the oracle are the ones the
 * document promises, the rendered text parses back to the same steps, and no
 * input (truncated, corrupted, or parsed while allocations fail) crashes or
 * leaks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn.h"
#include "scn_private.h"
#include "util.h"

#ifndef SCN_DATA_DIR
#error "SCN_DATA_DIR must name tests/data/scn"
#endif

static const char *const valid_files[] = {
    "multiple-refreshers.scn", "provider-steps.scn", "client-steps.scn", "time-threads-faults.scn",
    "expectations.scn", "minimal.scn", "crlf-bom.scn", "com-host-steps.scn",
};
#define NVALID (sizeof valid_files / sizeof valid_files[0])

/* ---- Helpers ----------------------------------------------------------------- */

static char *read_data(const char *rel, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SCN_DATA_DIR, rel);
    char *data = NULL;
    int rc = hp_read_file(path, &data, len);
    if (rc)
        fail_msg("cannot read %s: %s", path, hp_error_message());
    return data;
}

/* Parses a data file under its base name, so messages read "name.scn:L:C: ...". */
static int parse_data(const char *rel, struct scn_file **f)
{
    size_t len;
    char *data = read_data(rel, &len);
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    /* An exact-size copy, so that a read past the end is an ASan finding. */
    char *exact = malloc(len ? len : 1);
    memcpy(exact, data, len);
    free(data);
    int rc = scn_parse_buffer(base, exact, len, f);
    free(exact);
    return rc;
}

static struct scn_file *must_parse(const char *rel)
{
    struct scn_file *f = NULL;
    int rc = parse_data(rel, &f);
    if (rc)
        fail_msg("%s: %s", rel, hp_error_message());
    assert_non_null(f);
    return f;
}

static int parse_text(const char *name, const char *text, struct scn_file **f)
{
    return scn_parse_buffer(name, text, strlen(text), f);
}

/* The i-th statement of the top-level body. */
static const struct scn_stmt *stmt(const struct scn_file *f, size_t i)
{
    assert_true(i < f->body.n);
    return &f->body.v[i];
}

static const struct scn_step *step(const struct scn_file *f, size_t i)
{
    const struct scn_stmt *s = stmt(f, i);
    assert_int_equal(s->kind, SCN_STMT_STEP);
    return &s->step;
}

static void assert_step_text(const struct scn_step *s, const char *want)
{
    char *t = scn_step_text(s);
    assert_non_null(t);
    assert_string_equal(t, want);
    free(t);
}

/* "name:L:C: text" with L, C >= 1 and some text. */
static void assert_positioned(const char *name, const char *msg)
{
    size_t n = strlen(name);
    if (strncmp(msg, name, n) != 0 || msg[n] != ':')
        fail_msg("message without the file's name: %s", msg);
    char *end;
    long line = strtol(msg + n + 1, &end, 10);
    if (line < 1 || *end != ':')
        fail_msg("message without a line: %s", msg);
    long col = strtol(end + 1, &end, 10);
    if (col < 1 || end[0] != ':' || end[1] != ' ' || !end[2])
        fail_msg("message without a column: %s", msg);
}

/* ---- The verb table ---------------------------------------------------------------- */

static void verb_table_is_indexed_by_verb(void **state)
{
    (void)state;
    for (int v = 1; v < SCN_V_COUNT; v++) {
        assert_int_equal(scn_verbs[v].verb, v);
        assert_non_null(scn_verbs[v].name);
        assert_non_null(scn_verbs[v].usage);
    }
    assert_string_equal(scn_verb_name(SCN_V_CREATE_REFRESHABLE_OBJECT), "CreateRefreshableObject");
    assert_string_equal(scn_verb_name(SCN_V_COUNT), "?");
    assert_string_equal(scn_handle_kind_name(SCN_H_REFRESHER), "refresher");
    assert_string_equal(scn_cmp_text(SCN_CMP_LE), "<=");
}

/* ---- Valid files ------------------------------------------------------------------- */

static void every_valid_file_parses(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVALID; i++) {
        struct scn_file *f = must_parse(valid_files[i]);
        char want[128];
        snprintf(want, sizeof want, "%s", valid_files[i]);
        want[strlen(want) - 4] = 0;
        assert_string_equal(f->name, want);
        scn_free(f);
    }
}

static void parse_file_reads_the_file_and_names_it_in_messages(void **state)
{
    (void)state;
    struct scn_file *f = NULL;
    assert_int_equal(scn_parse_file(SCN_DATA_DIR "/minimal.scn", &f), 0);
    assert_string_equal(f->path, SCN_DATA_DIR "/minimal.scn");
    scn_free(f);
    assert_int_equal(scn_parse_file(SCN_DATA_DIR "/bad/unknown-verb.scn", &f), HP_EINVAL);
    assert_null(f);
    assert_string_equal(hp_error_message(), SCN_DATA_DIR "/bad/unknown-verb.scn:4:1: unknown verb 'Refesh'");
    assert_int_equal(scn_parse_file(SCN_DATA_DIR "/no-such-file.scn", &f), HP_EIO);
    assert_null(f);
}

static void doc_example_builds_the_tree(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("multiple-refreshers.scn");
    assert_string_equal(f->name, "multiple-refreshers");
    assert_int_equal(f->name_pos.line, 2);
    assert_int_equal(f->name_pos.col, 1);
    assert_string_equal(f->title, "several refreshers at once: refreshing or stopping in one leaves the others alone");
    assert_int_equal(f->covers.n, 2);
    assert_string_equal(f->covers.v[0].id, "HP-CREATEREFRESHER-MULTIPLE");
    assert_int_equal(f->covers.v[1].line, 4);
    assert_int_equal(f->covers.v[1].col, 38);
    assert_int_equal(f->for_each, SCN_FOR_HIPERF);
    assert_int_equal(f->needs, SCN_NEEDS_REFRESHERS);
    assert_int_equal(f->start, SCN_DEFAULT_START);
    assert_int_equal(f->timeout_ns, 0);
    assert_int_equal(f->body.n, 17);
    assert_int_equal(f->nslots, 6);
    assert_int_equal(f->nchecks, 13);

    const struct scn_step *load = step(f, 0);
    assert_int_equal(load->verb, SCN_V_LOAD);
    assert_int_equal(load->line, 8);
    assert_true(load->has_hresult);
    assert_false(load->expect.written);
    assert_int_equal(load->expect.kind, SCN_EXPECT_SUCCESS);
    assert_int_equal(load->opt.wait_ns, 5000000000LL);
    assert_int_equal(load->opt.by, SCN_BY_CLSID);

    const struct scn_step *q = step(f, 1);
    assert_int_equal(q->verb, SCN_V_QUERY_INSTANCES);
    assert_string_equal(q->bind, "inst");
    assert_int_equal(f->slots[q->bind_slot].kind, SCN_H_SINK);
    assert_int_equal(q->nargs, 1);
    assert_int_equal(q->args[0].kind, SCN_ARG_CLASS);
    assert_int_equal(q->args[0].col, 23);

    const struct scn_step *r1 = step(f, 2);
    assert_int_equal(r1->expect.kind, SCN_EXPECT_CODE);
    assert_string_equal(r1->expect.text, "S_OK");
    assert_int_equal(r1->expect.hr, 0);
    assert_int_equal(r1->expect.col, 49);

    const struct scn_step *o1 = step(f, 4);
    assert_int_equal(o1->verb, SCN_V_CREATE_REFRESHABLE_OBJECT);
    assert_int_equal(o1->nargs, 3);
    assert_int_equal(o1->args[0].kind, SCN_ARG_REF);
    assert_string_equal(o1->args[0].ref.name, "r1");
    assert_int_equal(o1->args[0].ref.slot, r1->bind_slot);
    assert_int_equal(o1->args[0].ref.kind, SCN_H_REFRESHER);
    assert_int_equal(o1->args[2].kind, SCN_ARG_REF);
    assert_true(o1->args[2].ref.has_index);
    assert_int_equal(o1->args[2].ref.index, 0);
    assert_int_equal(o1->args[2].ref.slot, q->bind_slot);
    assert_int_equal(f->slots[o1->bind_slot].kind, SCN_H_OBJECT);
    assert_step_text(o1, "o1 = CreateRefreshableObject r1 $class inst[0] => success");
    assert_step_text(load, "load");

    const struct scn_step *snap = step(f, 7);
    assert_int_equal(snap->verb, SCN_V_SNAPSHOT);
    assert_string_equal(snap->bind, "s2");
    assert_int_equal(f->slots[snap->bind_slot].kind, SCN_H_SNAPSHOT);
    assert_false(snap->has_hresult);
    assert_int_equal(snap->check_id, 0);

    const struct scn_step *adv = step(f, 8);
    assert_int_equal(adv->verb, SCN_V_ADVANCE);
    assert_int_equal(adv->args[0].kind, SCN_ARG_DURATION);
    assert_int_equal(adv->args[0].i, 1000000000LL);
    assert_string_equal(adv->args[0].text, "1s");

    const struct scn_stmt *ex = stmt(f, 10);
    assert_int_equal(ex->kind, SCN_STMT_EXPECT);
    assert_int_equal(ex->expr.kind, SCN_X_UNCHANGED);
    assert_string_equal(ex->expr.a.ref.name, "o2");
    assert_string_equal(ex->expr.b.ref.name, "s2");
    assert_int_equal(ex->tags.n, 1);
    assert_string_equal(ex->tags.v[0].id, "HP-REFRESH-SCOPE");
    assert_int_equal(ex->tags.v[0].line, 18);
    assert_int_equal(ex->tags.v[0].col, 47);

    const struct scn_step *stop = step(f, 12);
    assert_int_equal(stop->args[1].kind, SCN_ARG_REF);
    assert_true(stop->args[1].ref.field_is_id);
    assert_string_equal(stop->args[1].ref.field, "id");
    assert_int_equal(stop->expect.kind, SCN_EXPECT_ANY);

    const struct scn_step *rel = step(f, 14);
    assert_int_equal(rel->verb, SCN_V_RELEASE);
    assert_false(rel->has_hresult);
    assert_int_equal(rel->check_id, 0);
    assert_int_equal(stmt(f, 16)->expr.kind, SCN_X_LEDGER_CLEAN);
    assert_int_equal(stmt(f, 16)->check_id, 13);
    scn_free(f);
}

/* A check's key depends on its own text and on the equal texts above it,
 * not on its position: inserting, removing or moving other checks keeps
 * it; editing its line or adding an equal line above changes it. */
static void check_keys_survive_edits_elsewhere(void **state)
{
    (void)state;
    static const char before[] = "scenario k\ncovers HP-REFRESH-OBJECTS\n"
                                 "load\nr = CreateRefresher => S_OK\nRefresh r\nRefresh r\n"
                                 "expect ledger clean\n";
    static const char after[] = "scenario k\ncovers HP-REFRESH-OBJECTS\n"
                                "load\ni = QueryInstances Foo => any\nexpect ledger no-leak\n"
                                "r = CreateRefresher => S_OK\nrepeat 2\n  Refresh r\nend\nRefresh r\n"
                                "Refresh   r   [HP-REFRESH-OBJECTS]\nexpect ledger clean\n";
    struct scn_file *f1, *f2;
    assert_int_equal(parse_text("k.scn", before, &f1), 0);
    assert_int_equal(parse_text("k.scn", after, &f2), 0);
    assert_int_equal(f1->nchecks, 5);
    assert_int_equal(f2->nchecks, 8);
    const char *const *k1 = f1->check_keys, *const *k2 = f2->check_keys;
    assert_null(k1[0]);
    assert_string_equal(k1[1], "load => success");
    assert_string_equal(k1[2], "r = CreateRefresher => S_OK");
    assert_string_equal(k1[3], "Refresh r => success");
    assert_string_equal(k1[4], "Refresh r => success #2");
    assert_string_equal(k1[5], "expect ledger clean");
    /* Same keys for the same lines although their numbers moved. */
    assert_string_equal(k2[1], k1[1]);
    assert_string_equal(k2[2], "i = QueryInstances Foo => any");
    assert_string_equal(k2[3], "expect ledger no-leak");
    assert_string_equal(k2[4], k1[2]);
    /* The step inside repeat is one check; the spacing and the tags of the
     * third Refresh do not make it another text. */
    assert_string_equal(k2[5], k1[3]);
    assert_string_equal(k2[6], k1[4]);
    assert_string_equal(k2[7], "Refresh r => success #3");
    assert_string_equal(k2[8], k1[5]);
    scn_free(f1);
    scn_free(f2);
}

static void needs_keys_and_provider_refs_parse(void **state)
{
    (void)state;
    struct scn_file *f = NULL;
    const char *text = "scenario x\ncovers HP-ENUM-CONTENT\nfor-each class hiperf\nneeds refreshers keys\n"
                       "load\nr = CreateRefresher\ne = CreateRefreshableEnum r $class\n"
                       "Release r\nexpect e provider-refs == 0\n";
    assert_int_equal(parse_text("x.scn", text, &f), 0);
    assert_int_equal(f->needs, SCN_NEEDS_REFRESHERS | SCN_NEEDS_KEYS);
    struct scn_check *checks;
    size_t n = scn_checks(f, &checks);
    assert_int_equal(n, 4);
    assert_int_equal(checks[3].kind, CHECK_COMPARE);
    assert_string_equal(checks[3].expected, "==");
    assert_string_equal(checks[3].desc, "expect e provider-refs == 0");
    scn_checks_free(checks, n);
    scn_free(f);
    /* provider-refs wants an object or an enumerator. */
    text = "scenario x\ncovers HP-ENUM-CONTENT\nload\nr = CreateRefresher\nexpect r provider-refs == 0\n";
    assert_int_equal(parse_text("x.scn", text, &f), HP_EINVAL);
    assert_null(f);
    assert_int_equal(parse_text("x.scn", "scenario x\nneeds clocks\n", &f), HP_EPARSE);
}

static void com_and_host_steps_build_the_tree(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("com-host-steps.scn");
    assert_int_equal(f->needs, SCN_NEEDS_REFRESHERS | SCN_NEEDS_PERF);

    const struct scn_step *gco = step(f, 0);
    assert_int_equal(gco->verb, SCN_V_DLL_GET_CLASS_OBJECT);
    assert_int_equal(f->slots[gco->bind_slot].kind, SCN_H_FACTORY);
    assert_int_equal(gco->args[0].kind, SCN_ARG_KEYWORD);
    assert_int_equal(gco->args[0].kw, SCN_KW_CLSID);
    assert_null(gco->opt.iid);
    const struct scn_step *fc = step(f, 1);
    assert_int_equal(fc->args[0].kw, SCN_KW_CLIENT_CLSID);
    assert_string_equal(fc->opt.iid, "IUnknown");
    assert_int_equal(step(f, 2)->args[0].kw, SCN_KW_UNKNOWN);
    assert_int_equal(step(f, 3)->verb, SCN_V_DLL_CAN_UNLOAD_NOW);
    assert_true(step(f, 3)->has_hresult);

    const struct scn_step *ci = step(f, 4);
    assert_int_equal(ci->verb, SCN_V_CF_CREATE_INSTANCE);
    assert_true(ci->has_recv);
    assert_int_equal(ci->recv.kind, SCN_H_FACTORY);
    assert_int_equal(f->slots[ci->bind_slot].kind, SCN_H_PROVOBJ);
    const struct scn_step *agg = step(f, 5);
    assert_int_equal(agg->opt.written, SCN_OPT_IID | SCN_OPT_AGGREGATED);
    assert_string_equal(agg->opt.iid, "bogus");
    assert_step_text(agg, "agg = f.CreateInstance iid bogus aggregated => any");
    assert_int_equal(step(f, 6)->args[0].kw, SCN_KW_TRUE);
    const struct scn_step *init = step(f, 7);
    assert_int_equal(init->verb, SCN_V_PO_INITIALIZE);
    assert_int_equal(init->opt.written, SCN_OPT_FLAGS | SCN_OPT_CTX | SCN_OPT_WAIT);
    assert_int_equal(init->opt.wait_ns, 1000000000LL);

    /* The host's enumerator: made by HiPerfEnum (no HRESULT), called by
     * its handle, a client enumerator's too. */
    const struct scn_step *he = step(f, 11);
    assert_int_equal(he->verb, SCN_V_HIPERF_ENUM);
    assert_false(he->has_hresult);
    assert_int_equal(f->slots[he->bind_slot].kind, SCN_H_ENUM);
    const struct scn_step *add = step(f, 12);
    assert_int_equal(add->verb, SCN_V_ENUM_ADD_OBJECTS);
    assert_int_equal(add->nargs, 2);
    assert_int_equal(add->args[0].i, 7);
    assert_true(add->args[1].ref.has_index);
    assert_int_equal(step(f, 13)->nargs, 3);
    const struct scn_step *get = step(f, 17);
    assert_int_equal(get->verb, SCN_V_ENUM_GET_OBJECTS);
    assert_int_equal(get->recv.kind, SCN_H_CLIENT_ENUM);
    assert_int_equal(get->opt.size, 0);
    assert_int_equal(step(f, 21)->verb, SCN_V_RR_OPNUM5);
    assert_int_equal(step(f, 22)->opt.written, SCN_OPT_TYPE_LAST);

    /* The expectations: their kinds, words and arguments. */
    const struct scn_expr *e = &stmt(f, 23)->expr;
    assert_int_equal(e->kind, SCN_X_FACT);
    assert_string_equal(e->word, "out-null");
    e = &stmt(f, 24)->expr;
    assert_int_equal(e->a.kind, SCN_ARG_KEYWORD);
    assert_int_equal(e->a.kw, SCN_KW_PROVIDER);
    assert_string_equal(e->word, "com");
    assert_string_equal(e->arg, "identity");
    e = &stmt(f, 29)->expr;
    assert_int_equal(e->kind, SCN_X_HRESULT_OF);
    assert_int_equal(e->status.hr, 0);
    e = &stmt(f, 49)->expr;
    assert_int_equal(e->kind, SCN_X_NO_FINDING);
    assert_string_equal(e->arg, "hiperfenum.outside-refresh");
    e = &stmt(f, 51)->expr;
    assert_int_equal(e->kind, SCN_X_CALLS);
    assert_int_equal(e->into, SCN_INTO_PROVIDER);
    assert_int_equal(e->filter, SCN_CALLS_RETURNING);
    assert_int_equal((uint32_t)e->returning.hr, 0x80041001u);
    assert_null(e->rhs);
    e = &stmt(f, 52)->expr;
    assert_non_null(e->rhs);
    assert_int_equal(e->into, SCN_INTO_ANY);
    assert_int_equal(e->rhs->into, SCN_INTO_HOST);
    assert_int_equal(e->rhs->filter, SCN_CALLS_FAILING);
    assert_true(e->rhs->method >= 0);
    e = &stmt(f, 46)->expr;
    assert_int_equal(e->a.kind, SCN_ARG_REF);
    assert_string_equal(e->a.ref.field, "guid");
    assert_string_equal(e->b.ref.field, "guid");

    /* The checks the oracle gets. */
    e = &stmt(f, 58)->expr;
    assert_int_equal(e->kind, SCN_X_NUMBER);
    assert_string_equal(e->word, "elapsed");
    assert_string_equal(e->property, "Timestamp_PerfTime");
    assert_string_equal(e->arg, "Frequency_PerfTime");
    assert_int_equal(e->b.ref.kind, SCN_H_SNAPSHOT);
    assert_int_equal(e->c.i, 2999000000LL);

    struct scn_check *c;
    size_t n = scn_checks(f, &c);
    assert_int_equal(n, 53);
    static const struct {
        unsigned id;
        enum check_kind kind;
        const char *expected;
        const char *desc;
    } want[] = {
        {3, CHECK_HRESULT, "failure", "bad = DllGetClassObject unknown => failure"},
        {4, CHECK_HRESULT, "S_FALSE", "DllCanUnloadNow => S_FALSE"},
        {21, CHECK_TRUE, "true", "expect bad out-null"},
        {22, CHECK_TRUE, "true", "expect provider com identity"},
        {25, CHECK_TRUE, "true", "expect provider answers primary"},
        {27, CHECK_HRESULT, "WBEM_S_INITIALIZED", "expect p init-status WBEM_S_INITIALIZED"},
        {28, CHECK_COMPARE, ">=", "expect p init-setstatus-calls >= 1"},
        {31, CHECK_COMPARE, "==", "expect provider threads == 0"},
        {38, CHECK_COMPARE, "==", "expect rr refreshed == 2"},
        {40, CHECK_HRESULT, "failure", "expect info reconnect-status failure"},
        {44, CHECK_COMPARE, "==", "expect rr.guid == info.guid"},
        {46, CHECK_TRUE, "true", "expect registration perf-schema"},
        {47, CHECK_TRUE, "true", "expect no-finding hiperfenum.outside-refresh"},
        {50, CHECK_COMPARE, "==",
         "expect calls IWbemObjectAccess::Lock == calls IWbemObjectAccess::Unlock into host failing"},
        {51, CHECK_TRUE, "true", "expect ledger no-client-refs"},
        {53, CHECK_COMPARE, ">=", "expect o elapsed Timestamp_PerfTime per Frequency_PerfTime since s0 >= 2999ms"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct scn_check *k = &c[want[i].id - 1];
        assert_int_equal(k->id, want[i].id);
        assert_int_equal(k->kind, want[i].kind);
        assert_string_equal(k->expected, want[i].expected);
        assert_string_equal(k->desc, want[i].desc);
    }
    assert_string_equal(c[21].reqs[0], "COM-QI-IDENTITY");
    assert_string_equal(c[2].reqs[0], "HP-TEST-DLL");
    scn_checks_free(c, n);
    scn_free(f);

    /* HiPerfEnum is no check, and takes no `=>`; reserved words stay so. */
    assert_int_equal(parse_text("x.scn", "scenario x\ncovers HP-A\ne = HiPerfEnum => S_OK\n", &f), HP_EINVAL);
    assert_int_equal(parse_text("x.scn", "scenario x\ncovers HP-A\nsize = HiPerfEnum\n", &f), HP_EINVAL);
    assert_int_equal(parse_text("x.scn", "scenario x\ncovers HP-A\nregistration = HiPerfEnum\n", &f), HP_EINVAL);
    /* A GUID field only on a remote refresher or a refresh info. */
    assert_int_equal(parse_text("x.scn", "scenario x\ncovers HP-A\ne = HiPerfEnum\nexpect e.guid == null\n", &f),
                     HP_EINVAL);
}

static void provider_steps_carry_arguments_and_options(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("provider-steps.scn");
    assert_int_equal(f->for_each, SCN_FOR_NAMED);
    assert_string_equal(f->for_class, "Win32_PerfRawData_Test");
    assert_int_equal(f->needs, SCN_NEEDS_INSTANCES | SCN_NEEDS_BASELINE);

    const struct scn_step *load = step(f, 0);
    assert_int_equal(load->opt.by, SCN_BY_CLIENT_CLSID);
    assert_int_equal(load->opt.wait_ns, 2000000000LL);
    assert_int_equal(load->opt.written, SCN_OPT_BY | SCN_OPT_WAIT);

    const struct scn_step *q = step(f, 2);
    assert_int_equal(q->opt.ctx, SCN_CTX_NEW);
    assert_int_equal(q->opt.written, SCN_OPT_FLAGS | SCN_OPT_CTX);
    const struct scn_step *all = step(f, 3);
    assert_int_equal(all->args[0].kind, SCN_ARG_WORD);
    assert_string_equal(all->args[0].text, "Win32_PerfRawData_Test");
    assert_int_equal(all->opt.ctx, SCN_CTX_NULL);

    const struct scn_step *o = step(f, 5);
    assert_true(o->args[2].ref.index_last);
    assert_int_equal(o->tags.n, 1);
    assert_string_equal(o->tags.v[0].id, "HP-CREATEREFRESHABLEOBJECT-ID");

    const struct scn_step *k = step(f, 6);
    assert_int_equal(k->nargs, 4);
    assert_int_equal(k->args[2].kind, SCN_ARG_KEY);
    assert_string_equal(k->args[2].text, "Name");
    assert_int_equal(k->args[2].value->kind, SCN_ARG_STRING);
    assert_string_equal(k->args[2].value->text, "cpu \"0\"");
    assert_int_equal(k->args[3].value->kind, SCN_ARG_INT);
    assert_int_equal(k->args[3].value->i, 3);

    assert_int_equal(step(f, 7)->args[2].kw, SCN_KW_SINGLETON);
    assert_int_equal(step(f, 7)->expect.kind, SCN_EXPECT_FAILURE);
    assert_int_equal(step(f, 8)->args[2].kw, SCN_KW_BOGUS);
    assert_int_equal((uint32_t)step(f, 8)->expect.hr, 0x80041002u);
    const struct scn_step *fo = step(f, 9);
    assert_int_equal(fo->args[0].kind, SCN_ARG_KEYWORD);
    assert_int_equal(fo->args[0].kw, SCN_KW_FOREIGN);
    assert_string_equal(fo->expect.text, "0x80041002");
    assert_int_equal((uint32_t)fo->expect.hr, 0x80041002u);

    assert_null(step(f, 11)->bind);
    assert_int_equal(step(f, 14)->args[1].kind, SCN_ARG_INT);
    assert_int_equal(step(f, 14)->args[1].i, 7);
    assert_int_equal(step(f, 15)->args[1].i, -1);

    const struct scn_step *refresh = step(f, 18);
    assert_int_equal(refresh->opt.flags, 1);
    assert_string_equal(refresh->expect.text, "-2147217406");
    assert_int_equal((uint32_t)refresh->expect.hr, 0x80041002u);

    const struct scn_step *a1 = step(f, 19);
    assert_int_equal(a1->args[0].kind, SCN_ARG_STRING);
    assert_string_equal(a1->args[0].text, "Win32_PerfRawData_Test.Name=\"$class\"");
    assert_int_equal(step(f, 20)->args[0].kind, SCN_ARG_REF);
    assert_int_equal(step(f, 21)->args[0].kind, SCN_ARG_CLASS);
    assert_int_equal(f->slots[step(f, 23)->bind_slot].kind, SCN_H_SINK);

    const struct scn_step *relp = step(f, 33);
    assert_int_equal(relp->args[0].kind, SCN_ARG_KEYWORD);
    assert_int_equal(relp->args[0].kw, SCN_KW_PROVIDER);
    scn_free(f);
}

static void client_steps_have_receivers(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("client-steps.scn");
    const struct scn_step *co = step(f, 3);
    assert_int_equal(co->verb, SCN_V_CLIENT_ADD_OBJECT_BY_PATH);
    assert_true(co->has_recv);
    assert_string_equal(co->recv.name, "c");
    assert_int_equal(co->recv.kind, SCN_H_CLIENT);
    assert_int_equal(co->recv.slot, step(f, 1)->bind_slot);
    assert_int_equal(f->slots[co->bind_slot].kind, SCN_H_CLIENT_OBJECT);
    assert_int_equal(step(f, 7)->verb, SCN_V_CLIENT_REFRESH);
    assert_int_equal(step(f, 8)->args[0].ref.kind, SCN_H_CLIENT_OBJECT);

    const struct scn_step *rs = step(f, 11);
    assert_int_equal(rs->verb, SCN_V_REFRESHING_SERVICES);
    assert_false(rs->has_hresult);
    assert_int_equal(rs->opt.rights, SCN_RIGHT_ENABLE | SCN_RIGHT_REMOTE_ENABLE);
    assert_int_equal(step(f, 12)->opt.rights, 0);
    assert_int_equal(step(f, 13)->opt.rights, SCN_RIGHT_ENABLE);

    const struct scn_step *info = step(f, 14);
    assert_int_equal(info->verb, SCN_V_RS_ADD_OBJECT);
    assert_int_equal(info->opt.version, 2);
    assert_true(info->opt.written & SCN_OPT_VERSION);
    assert_int_equal(f->slots[info->bind_slot].kind, SCN_H_INFO);
    assert_int_equal(step(f, 15)->recv.name[2], '_');
    assert_true(step(f, 16)->opt.written & SCN_OPT_NULL_ID);
    const struct scn_step *i4 = step(f, 18);
    assert_int_equal(i4->nargs, 0);
    assert_true(i4->opt.written & SCN_OPT_NULL_PATH);
    assert_int_equal(step(f, 19)->nargs, 0);
    assert_int_equal(step(f, 21)->opt.version, 1);
    assert_int_equal(step(f, 23)->verb, SCN_V_RS_GET_REMOTE_REFRESHER);
    assert_int_equal(step(f, 24)->verb, SCN_V_SERVER_RESTART);
    assert_false(step(f, 24)->has_hresult);
    assert_int_equal(step(f, 25)->nargs, 2);
    const struct scn_step *stop = step(f, 27);
    assert_int_equal(stop->verb, SCN_V_RR_STOP_REFRESHING);
    assert_int_equal(stop->nargs, 3);
    assert_true(stop->args[1].ref.field_is_id);
    assert_int_equal(stop->args[2].kind, SCN_ARG_INT);
    const struct scn_stmt *ty = stmt(f, 28);
    assert_int_equal(ty->expr.kind, SCN_X_TYPE);
    assert_string_equal(ty->expr.info_type, "REMOTE");
    assert_int_equal(ty->expr.info_type_value, 3);
    assert_int_equal(stmt(f, 29)->expr.kind, SCN_X_ZEROED);
    scn_free(f);
}

static void time_threads_and_faults_nest(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("time-threads-faults.scn");
    assert_int_equal(f->start, 1709251199);   /* 2024-02-29 23:59:59 UTC, a leap day */
    assert_int_equal(f->timeout_ns, 30000000000LL);
    assert_int_equal(step(f, 0)->opt.wait_ns, 500000000LL);

    const struct scn_step *si = step(f, 7);
    assert_int_equal(si->args[0].ref.has_index, true);
    const struct scn_step *f1 = step(f, 8);
    assert_int_equal(f1->verb, SCN_V_FAULT);
    assert_string_equal(f1->fault.method_name, "IWbemHiPerfEnum::AddObjects");
    assert_true(f1->fault.method >= 0);
    assert_int_equal(f1->fault.mode, SCN_FAULT_NTH);
    assert_int_equal(f1->fault.n, 2);
    assert_int_equal(f1->fault.result.kind, SCN_EXPECT_CODE);
    assert_int_equal((uint32_t)f1->fault.result.hr, 0x80041006u);
    assert_false(f1->has_hresult);
    assert_int_equal(step(f, 9)->fault.mode, SCN_FAULT_FROM);
    const struct scn_step *f3 = step(f, 10);
    assert_int_equal(f3->fault.mode, SCN_FAULT_RANDOM);
    assert_true(f3->fault.p > 0.24 && f3->fault.p < 0.26);
    assert_int_equal(f3->fault.seed, 42);
    assert_true(f3->fault.method >= 0);
    assert_true(f3->fault.method != f1->fault.method);
    assert_int_equal((uint32_t)f3->fault.result.hr, 0x80004005u);
    assert_true(step(f, 11)->fault.p == 1.0);

    const struct scn_step *on = step(f, 12);
    assert_int_equal(on->verb, SCN_V_ON);
    assert_int_equal(on->on.event, SCN_EVENT_ADD_OBJECTS);
    assert_true(on->on.once);
    assert_int_equal(on->opt.wait_ns, 50000000LL);
    assert_int_equal(on->args[0].ref.kind, SCN_H_ENUM);
    assert_int_equal(on->check_id, 0);
    assert_non_null(on->nested);
    assert_int_equal(on->nested->verb, SCN_V_STOP_REFRESHING);
    assert_int_equal(on->nested->line, 20);
    assert_int_equal(on->nested->col, 23);
    assert_int_equal(on->nested->expect.kind, SCN_EXPECT_ANY);
    assert_int_equal(on->nested->tags.n, 1);
    assert_int_equal(on->nested->check_id, 6);
    assert_false(on->nested->opt.written & SCN_OPT_WAIT);
    const struct scn_step *on2 = step(f, 13);
    assert_int_equal(on2->on.event, SCN_EVENT_REMOVE_OBJECTS);
    assert_false(on2->on.once);
    assert_int_equal(on2->opt.wait_ns, 200000000LL);
    assert_false(on2->nested->has_hresult);

    const struct scn_stmt *rep = stmt(f, 15);
    assert_int_equal(rep->kind, SCN_STMT_REPEAT);
    assert_int_equal(rep->count, 3);
    assert_int_equal(rep->end_line, 33);
    assert_int_equal(rep->end_col, 1);
    assert_int_equal(rep->body.n, 6);
    const struct scn_stmt *inner = &rep->body.v[3];
    assert_int_equal(inner->kind, SCN_STMT_REPEAT);
    assert_int_equal(inner->count, 2);
    assert_int_equal(inner->line, 27);
    assert_int_equal(inner->col, 3);
    const struct scn_step *y = &inner->body.v[0].step;
    assert_int_equal(f->slots[y->bind_slot].depth, 2);
    /* Two sibling repeats bind x: two slots, the same name. */
    const struct scn_step *x1 = &rep->body.v[2].step, *x2 = &stmt(f, 16)->body.v[0].step;
    assert_string_equal(x1->bind, "x");
    assert_string_equal(x2->bind, "x");
    assert_true(x1->bind_slot != x2->bind_slot);
    assert_int_equal(rep->body.v[4].step.args[0].ref.slot, x1->bind_slot);

    const struct scn_step *t = step(f, 17);
    assert_int_equal(t->verb, SCN_V_THREAD);
    assert_int_equal(f->slots[t->bind_slot].kind, SCN_H_THREAD);
    assert_int_equal(t->nested->verb, SCN_V_REFRESH);
    assert_int_equal(t->nested->check_id, 13);
    assert_int_equal(t->nested->col, 12);
    assert_int_equal(step(f, 18)->nested->verb, SCN_V_RELEASE);
    assert_int_equal(step(f, 19)->nested->verb, SCN_V_ADVANCE);
    assert_int_equal(step(f, 20)->nested->verb, SCN_V_LOAD);
    const struct scn_step *join = step(f, 21);
    assert_int_equal(join->verb, SCN_V_JOIN);
    assert_int_equal(join->opt.within_ns, 2000000000LL);
    assert_int_equal(join->args[0].ref.slot, t->bind_slot);
    assert_int_equal(step(f, 22)->opt.within_ns, 5000000000LL);
    assert_step_text(join, "join t within 2s");
    assert_step_text(on, "on e AddObjects once: StopRefreshing r o wait 50ms => any");
    assert_step_text(f3, "fault iwbemhiperfenum::removeobjects random 0.25 seed 42 => 0x80004005");
    assert_step_text(si, "snapshot si = inst[0]");
    assert_step_text(step(f, 5), "snapshot so = o");
    assert_int_equal(stmt(f, 25)->expr.kind, SCN_X_COMPLETED);
    assert_int_equal(step(f, 26)->args[0].i, 7200000000000LL);
    assert_int_equal(step(f, 27)->args[0].i, 1500);
    assert_int_equal(step(f, 28)->args[0].i, 3000);
    scn_free(f);
}

static void every_expect_form_parses(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("expectations.scn");
    static const struct {
        size_t stmt;
        enum scn_expr_kind kind;
    } forms[] = {
        {7, SCN_X_COMPARE}, {20, SCN_X_UNCHANGED}, {21, SCN_X_CHANGED}, {22, SCN_X_MATCHES},
        {24, SCN_X_COUNT}, {25, SCN_X_UNTOUCHED}, {26, SCN_X_STATUS}, {30, SCN_X_SETSTATUS_CALLS},
        {31, SCN_X_INDICATED}, {32, SCN_X_LEDGER_CLEAN}, {33, SCN_X_LEDGER_NO_OVER_RELEASE},
        {34, SCN_X_LEDGER_NO_LEAK}, {35, SCN_X_CALLS}, {37, SCN_X_VALUE},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        assert_int_equal(stmt(f, forms[i].stmt)->kind, SCN_STMT_EXPECT);
        assert_int_equal(stmt(f, forms[i].stmt)->expr.kind, forms[i].kind);
    }
    const struct scn_expr *e = &stmt(f, 7)->expr;
    assert_int_equal(e->op, SCN_CMP_EQ);
    assert_string_equal(e->a.ref.field, "Value");
    assert_int_equal(e->b.ref.kind, SCN_H_SNAPSHOT);
    assert_int_equal(stmt(f, 8)->expr.op, SCN_CMP_NE);
    assert_true(stmt(f, 8)->expr.a.ref.field_is_id);
    assert_int_equal(stmt(f, 10)->expr.b.i, 16);
    assert_int_equal(stmt(f, 11)->expr.b.kind, SCN_ARG_REAL);
    assert_true(stmt(f, 11)->expr.b.r == 0.5);
    assert_int_equal(stmt(f, 12)->expr.b.kind, SCN_ARG_DURATION);
    assert_string_equal(stmt(f, 13)->expr.b.text, "cpu$$0");
    assert_true(stmt(f, 15)->expr.a.ref.index_last);
    assert_int_equal(stmt(f, 16)->expr.b.kw, SCN_KW_TRUE);
    assert_int_equal(stmt(f, 17)->expr.b.kw, SCN_KW_NULL);
    assert_int_equal(stmt(f, 18)->expr.b.kw, SCN_KW_FALSE);
    assert_int_equal(stmt(f, 19)->expr.a.kind, SCN_ARG_HRESULT);
    assert_int_equal((uint32_t)stmt(f, 19)->expr.a.hr, 0x80041002u);
    assert_int_equal(stmt(f, 22)->expr.b.kind, SCN_ARG_CLASS);
    assert_int_equal(stmt(f, 23)->expr.b.kind, SCN_ARG_WORD);
    assert_int_equal(stmt(f, 26)->expr.status.kind, SCN_EXPECT_SUCCESS);
    assert_int_equal((uint32_t)stmt(f, 27)->expr.status.hr, 0x80041001u);
    assert_int_equal((uint32_t)stmt(f, 28)->expr.status.hr, 0x80041001u);
    assert_int_equal(stmt(f, 29)->expr.status.kind, SCN_EXPECT_FAILURE);
    const struct scn_expr *calls = &stmt(f, 35)->expr;
    assert_string_equal(calls->method_name, "IWbemHiPerfEnum::AddObjects");
    assert_true(calls->method >= 0);
    assert_int_equal(calls->op, SCN_CMP_GE);
    assert_int_equal(calls->method_col, 14);
    assert_string_equal(stmt(f, 37)->expr.property, "Value");
    assert_true(stmt(f, 38)->expr.a.ref.has_index);
    scn_free(f);
}

static void bom_crlf_and_tabs_are_accepted(void **state)
{
    (void)state;
    size_t len;
    char *raw = read_data("crlf-bom.scn", &len);
    struct scn_file *f = must_parse("crlf-bom.scn");
    assert_string_equal(f->title, "caf\xc3\xa9 \xe2\x82\xac");
    assert_int_equal(f->name_pos.line, 2);
    assert_int_equal(step(f, 0)->expect.col, 10);     /* "load\t\t=> S_OK": a tab is one column */
    assert_int_equal(step(f, 1)->line, 7);
    assert_int_equal(step(f, 1)->col, 2);
    char sha[65];
    hp_sha256_hex(raw, len, sha);
    assert_string_equal(f->sha256, sha);
    scn_free(f);
    free(raw);
}

/* ---- Checks -------------------------------------------------------------------------- */

static void doc_example_lists_its_checks(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("multiple-refreshers.scn");
    struct scn_check *c;
    size_t n = scn_checks(f, &c);
    assert_int_equal(n, 13);
    static const struct {
        unsigned line, col;
        enum check_kind kind;
        const char *expected, *desc;
    } want[] = {
        {8, 1, CHECK_HRESULT, "success", "load => success"},
        {9, 1, CHECK_HRESULT, "success", "inst = QueryInstances $class => success"},
        {10, 1, CHECK_HRESULT, "S_OK", "r1 = CreateRefresher => S_OK"},
        {11, 1, CHECK_HRESULT, "S_OK", "r2 = CreateRefresher => S_OK"},
        {12, 1, CHECK_HRESULT, "success", "o1 = CreateRefreshableObject r1 $class inst[0] => success"},
        {13, 1, CHECK_HRESULT, "success", "o2 = CreateRefreshableObject r2 $class inst[0] => success"},
        {14, 1, CHECK_HRESULT, "success", "Refresh r1 => success"},
        {17, 1, CHECK_HRESULT, "success", "Refresh r1 => success"},
        {18, 1, CHECK_TRUE, "true", "expect o2 unchanged since s2"},
        {19, 1, CHECK_HRESULT, "success", "StopRefreshing r1 o1 => success"},
        {20, 1, CHECK_HRESULT, "any", "StopRefreshing r2 o1.id => any"},
        {21, 1, CHECK_HRESULT, "success", "Refresh r2 => success"},
        {24, 1, CHECK_TRUE, "true", "expect ledger clean"},
    };
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(c[i].id, i + 1);
        assert_int_equal(c[i].line, want[i].line);
        assert_int_equal(c[i].col, want[i].col);
        assert_int_equal(c[i].kind, want[i].kind);
        assert_string_equal(c[i].expected, want[i].expected);
        assert_string_equal(c[i].desc, want[i].desc);
        /* The key is the text, numbered from the second of equal texts on. */
        if (i == 7)
            assert_string_equal(c[i].key, "Refresh r1 => success #2");
        else
            assert_string_equal(c[i].key, want[i].desc);
        assert_ptr_equal(c[i].key, f->check_keys[c[i].id]);
        if (i == 8) {
            assert_int_equal(c[i].nreqs, 1);
            assert_string_equal(c[i].reqs[0], "HP-REFRESH-SCOPE");
        } else {
            assert_int_equal(c[i].nreqs, 2);
            assert_string_equal(c[i].reqs[0], "HP-CREATEREFRESHER-MULTIPLE");
            assert_string_equal(c[i].reqs[1], "HP-STOPREFRESHING-SCOPE");
        }
    }
    scn_checks_free(c, n);
    scn_free(f);
}

static void expect_forms_map_to_check_kinds(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("expectations.scn");
    struct scn_check *c;
    size_t n = scn_checks(f, &c);
    assert_int_equal(n, 38);
    /* check ids in file order: 6 steps, then one per expect line */
    static const struct {
        unsigned id;
        enum check_kind kind;
        const char *expected;
    } want[] = {
        {7, CHECK_COMPARE, "=="}, {9, CHECK_COMPARE, "<"}, {12, CHECK_COMPARE, ">="},
        {20, CHECK_TRUE, "true"}, {22, CHECK_TRUE, "true"}, {24, CHECK_COMPARE, "=="},
        {25, CHECK_TRUE, "true"}, {26, CHECK_HRESULT, "success"}, {27, CHECK_HRESULT, "WBEM_E_FAILED"},
        {28, CHECK_HRESULT, "0x80041001"}, {30, CHECK_COMPARE, "=="}, {31, CHECK_COMPARE, ">"},
        {32, CHECK_TRUE, "true"}, {35, CHECK_COMPARE, ">="}, {37, CHECK_VALUE, ""}, {38, CHECK_VALUE, ""},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct scn_check *k = &c[want[i].id - 1];
        assert_int_equal(k->id, want[i].id);
        assert_int_equal(k->kind, want[i].kind);
        assert_string_equal(k->expected, want[i].expected);
    }
    assert_string_equal(c[35].desc, "expect calls Host::Alloc == 0");
    assert_string_equal(c[35].reqs[0], "HP-ALLOC-NONE");
    assert_string_equal(c[7].desc, "expect o.id != e.id");
    scn_checks_free(c, n);

    /* HRESULT numbers reach the oracle as 0x%08X, whatever their writing. */
    struct scn_file *p = must_parse("provider-steps.scn");
    n = scn_checks(p, &c);
    assert_string_equal(c[9].expected, "0x80041002");
    assert_string_equal(c[9].desc, "fo = CreateRefreshableObject foreign $class inst[0] => 0x80041002");
    assert_string_equal(c[18].expected, "0x80041002");
    assert_string_equal(c[18].desc, "Refresh r flags 1 => -2147217406");
    assert_string_equal(c[8].expected, "WBEM_E_NOT_FOUND");
    scn_checks_free(c, n);
    scn_free(p);

    struct scn_file *g = must_parse("client-steps.scn");
    n = scn_checks(g, &c);
    assert_int_equal(c[22].kind, CHECK_COMPARE);   /* info type REMOTE */
    assert_string_equal(c[22].expected, "==");
    assert_int_equal(c[23].kind, CHECK_TRUE);      /* zeroed */
    scn_checks_free(c, n);
    scn_free(g);
    scn_free(f);
}

static void nested_and_repeated_steps_are_one_check_each(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("time-threads-faults.scn");
    struct scn_check *c;
    size_t n = scn_checks(f, &c);
    assert_int_equal(n, 18);
    assert_int_equal(c[5].line, 20);
    assert_int_equal(c[5].col, 23);
    assert_string_equal(c[5].desc, "on e AddObjects once: StopRefreshing r o wait 50ms => any");
    assert_string_equal(c[5].reqs[0], "HP-STOPREFRESHING-DURING-REFRESH");
    assert_string_equal(c[6].desc, "on e AddObjects: Refresh r => success");
    assert_string_equal(c[7].desc, "Refresh r => success");
    assert_int_equal(c[7].line, 25);
    assert_int_equal(c[9].line, 28);   /* inside the inner repeat: still one check */
    assert_string_equal(c[12].desc, "t = thread Refresh r => success");
    assert_int_equal(c[12].col, 12);
    assert_string_equal(c[13].desc, "t4 = thread load => success");
    scn_checks_free(c, n);
    scn_free(f);

    struct scn_file *m = must_parse("minimal.scn");
    n = scn_checks(m, &c);
    assert_int_equal(n, 1);
    assert_string_equal(c[0].reqs[0], "HP-LOAD");
    scn_checks_free(c, n);
    scn_free(m);

    assert_int_equal(parse_text("x.scn", "scenario x\nload => S_OK\n", &m), HP_EINVAL);
    assert_int_equal(parse_text("x.scn", "scenario x\nRelease provider\n", &m), 0);
    n = scn_checks(m, &c);
    assert_int_equal(n, 0);
    assert_null(c);
    scn_free(m);
}

struct known_ids {
    const char *const *ids;
    size_t n;
};

static bool known(const char *id, void *ud)
{
    const struct known_ids *k = ud;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->ids[i], id) == 0)
            return true;
    return false;
}

static void requirement_ids_are_checked_against_the_catalog(void **state)
{
    (void)state;
    struct scn_file *f = must_parse("multiple-refreshers.scn");
    static const char *const all[] = {"HP-CREATEREFRESHER-MULTIPLE", "HP-STOPREFRESHING-SCOPE", "HP-REFRESH-SCOPE"};
    struct known_ids k = {all, 3};
    assert_int_equal(scn_check_requirements(f, known, &k), 0);
    k.n = 2;
    assert_int_equal(scn_check_requirements(f, known, &k), HP_EINVAL);
    assert_string_equal(hp_error_message(), "multiple-refreshers.scn:18:47: unknown requirement ID 'HP-REFRESH-SCOPE'");
    k.ids = all + 1;
    assert_int_equal(scn_check_requirements(f, known, &k), HP_EINVAL);
    assert_string_equal(hp_error_message(),
                        "multiple-refreshers.scn:4:10: unknown requirement ID 'HP-CREATEREFRESHER-MULTIPLE'");
    scn_free(f);

    f = must_parse("time-threads-faults.scn");
    static const char *const tt[] = {"HP-TEST-TIME", "HP-TEST-THREADS", "HP-STOPREFRESHING-DURING-REFRESH"};
    k = (struct known_ids){tt, 3};
    assert_int_equal(scn_check_requirements(f, known, &k), HP_EINVAL);
    assert_string_equal(hp_error_message(), "time-threads-faults.scn:38:57: unknown requirement ID 'HP-REFRESH-THREADS'");
    scn_free(f);
}

/* ---- Errors ---------------------------------------------------------------------------- */

static const struct {
    const char *file;
    int code;
    const char *message;
} bad_files[] = {
    {"argument-handle-kind.scn", HP_EINVAL,
     "argument-handle-kind.scn:6:9: expected a refresher, found refreshable object 'o'"},
    {"argument-token-type.scn", HP_EPARSE,
     "argument-token-type.scn:3:9: expected a refresher, found a string"},
    {"bad-duration-unit.scn", HP_EPARSE,
     "bad-duration-unit.scn:3:10: bad duration unit 'x' (use ns, us, ms, s, m or h)"},
    {"bad-escape.scn", HP_EPARSE,
     "bad-escape.scn:2:9: bad escape '\\q' (use \\\" \\\\ \\n \\t or \\r)"},
    {"bad-handle-name.scn", HP_EINVAL,
     "bad-handle-name.scn:3:1: 'R1' is not a handle name (lower-case letters, digits and '_', starting with a letter)"},
    {"binds-nothing.scn", HP_EINVAL,
     "binds-nothing.scn:4:1: Refresh makes nothing to bind to 'x'"},
    {"class-without-for-each.scn", HP_EINVAL,
     "class-without-for-each.scn:3:20: $class needs a 'for-each class' line"},
    {"compare-needs-field.scn", HP_EINVAL,
     "compare-needs-field.scn:6:8: a handle needs a field here: o.Prop or o.id"},
    {"covers-twice.scn", HP_EINVAL,
     "covers-twice.scn:3:17: 'HP-TEST' is already covered (line 2)"},
    {"duplicate-header.scn", HP_EINVAL,
     "duplicate-header.scn:4:1: 'title' given twice (first at line 3)"},
    {"duration-overflow.scn", HP_EPARSE,
     "duration-overflow.scn:3:9: duration out of range"},
    {"end-without-repeat.scn", HP_EPARSE,
     "end-without-repeat.scn:4:1: 'end' without 'repeat'"},
    {"expectation-on-join.scn", HP_EINVAL,
     "expectation-on-join.scn:5:8: join has no HRESULT to expect"},
    {"expectation-on-release.scn", HP_EINVAL,
     "expectation-on-release.scn:4:11: Release has no HRESULT to expect"},
    {"expected-word.scn", HP_EPARSE,
     "expected-word.scn:3:9: expected success, failure, any or an HRESULT, found 'sucess'"},
    {"fault-nth-zero.scn", HP_EINVAL,
     "fault-nth-zero.scn:3:23: calls are counted from 1"},
    {"fault-probability.scn", HP_EINVAL,
     "fault-probability.scn:3:26: a probability is between 0 and 1"},
    {"fault-success.scn", HP_EINVAL,
     "fault-success.scn:3:28: a fault makes the call return one HRESULT; 'success' is not one"},
    {"flags-range.scn", HP_EINVAL,
     "flags-range.scn:3:27: 'flags' is 32 bits; '0x100000000' is out of range"},
    {"header-after-step.scn", HP_EINVAL,
     "header-after-step.scn:4:1: 'timeout' is a header statement: it must come before the first step"},
    {"header-before-scenario.scn", HP_EINVAL,
     "header-before-scenario.scn:1:1: expected 'scenario NAME' before 'title'"},
    {"hresult-range.scn", HP_EINVAL,
     "hresult-range.scn:3:9: an HRESULT is 32 bits; '0x100000000' is out of range"},
    {"index-non-instance-set.scn", HP_EINVAL,
     "index-non-instance-set.scn:4:10: only an instance set can be indexed; 'r' is a refresher"},
    {"instance-set-needs-index.scn", HP_EINVAL,
     "instance-set-needs-index.scn:6:38: an instance set needs an index here: i[0] or i[last]"},
    {"int-overflow.scn", HP_EPARSE,
     "int-overflow.scn:3:8: integer out of range"},
    {"invalid-utf8.scn", HP_EPARSE,
     "invalid-utf8.scn:3:6: invalid UTF-8"},
    {"ledger-word.scn", HP_EPARSE,
     "ledger-word.scn:3:15: expected clean, no-over-release, no-leak or no-client-refs after 'ledger', found 'tidy'"},
    {"lone-cr.scn", HP_EPARSE,
     "lone-cr.scn:3:5: carriage return without line feed"},
    {"method-on-object.scn", HP_EINVAL,
     "method-on-object.scn:6:1: 'o' is a refreshable object; it has no methods to call"},
    {"missing-argument.scn", HP_EPARSE,
     "missing-argument.scn:5:37: missing argument: CreateRefreshableObject R CLASS KEYS"},
    {"missing-end.scn", HP_EPARSE,
     "missing-end.scn:3:1: 'repeat' without 'end'"},
    {"name-mismatch.scn", HP_EINVAL,
     "name-mismatch.scn:1:10: scenario 'some-other-name' must be in a file named 'some-other-name.scn', not 'name-mismatch.scn'"},
    {"name-syntax.scn", HP_EINVAL,
     "name-syntax.scn:1:10: a scenario name is lower-case letters, digits and '-', starting with a letter"},
    {"negative-index.scn", HP_EINVAL,
     "negative-index.scn:6:40: an index cannot be negative"},
    {"nested-binding.scn", HP_EINVAL,
     "nested-binding.scn:3:12: the step of thread or on binds no handle"},
    {"nested-verb.scn", HP_EINVAL,
     "nested-verb.scn:3:12: fault cannot be the step of thread or on"},
    {"nesting-too-deep.scn", HP_EINVAL,
     "nesting-too-deep.scn:19:33: repeat blocks nest at most 16 deep"},
    {"no-requirement.scn", HP_EINVAL,
     "no-requirement.scn:2:1: this check names no requirement: tag it [ID ...] or list IDs in 'covers'"},
    {"no-scenario.scn", HP_EINVAL,
     "no-scenario.scn:1:1: expected 'scenario NAME' (the file has no statement)"},
    {"non-ascii-outside-string.scn", HP_EPARSE,
     "non-ascii-outside-string.scn:3:6: unexpected character U+00E9"},
    {"nul.scn", HP_EPARSE,
     "nul.scn:3:5: NUL character"},
    {"on-colon.scn", HP_EPARSE,
     "on-colon.scn:6:22: expected ':' before the step to run, found 'Refresh'"},
    {"on-event.scn", HP_EPARSE,
     "on-event.scn:6:6: expected AddObjects or RemoveObjects, found 'GetObjects'"},
    {"on-needs-enumerator.scn", HP_EINVAL,
     "on-needs-enumerator.scn:4:4: expected an enumerator, found refresher 'r'"},
    {"option-not-taken.scn", HP_EINVAL,
     "option-not-taken.scn:4:11: Refresh takes no option 'ctx'"},
    {"option-twice.scn", HP_EINVAL,
     "option-twice.scn:4:19: option 'flags' given twice"},
    {"out-of-scope.scn", HP_EINVAL,
     "out-of-scope.scn:6:9: handle 'r' is out of scope: it was bound in a repeat block (line 4) that has ended"},
    {"overlong-utf8.scn", HP_EPARSE,
     "overlong-utf8.scn:3:8: invalid UTF-8"},
    {"predicate-kind.scn", HP_EINVAL,
     "predicate-kind.scn:4:8: 'count' needs an enumerator, found refresher 'r'"},
    {"real-duration.scn", HP_EPARSE,
     "real-duration.scn:3:12: a duration is a whole number of a unit (1500ms, not 1.5s)"},
    {"rebound-handle.scn", HP_EINVAL,
     "rebound-handle.scn:4:1: handle 'r' is already bound (at line 3)"},
    {"repeat-zero.scn", HP_EINVAL,
     "repeat-zero.scn:3:8: a repeat count is at least 1"},
    {"reserved-handle.scn", HP_EINVAL,
     "reserved-handle.scn:3:1: 'ledger' is a reserved word, not a handle name"},
    {"rights-none-and.scn", HP_EINVAL,
     "rights-none-and.scn:3:32: 'none' stands alone in 'rights'"},
    {"shadowed-in-repeat.scn", HP_EINVAL,
     "shadowed-in-repeat.scn:5:3: handle 'r' is already bound (at line 3)"},
    {"snapshot-binding.scn", HP_EINVAL,
     "snapshot-binding.scn:6:1: write 'snapshot S = O' to name a snapshot"},
    {"start-no-such-day.scn", HP_EINVAL,
     "start-no-such-day.scn:3:7: no such instant: \"2025-02-29 00:00:00\" (from 1970-01-01 00:00:00, UTC)"},
    {"start-shape.scn", HP_EINVAL,
     "start-shape.scn:3:7: expected a start instant \"YYYY-MM-DD HH:MM:SS\" (UTC)"},
    {"step-before-scenario.scn", HP_EINVAL,
     "step-before-scenario.scn:1:1: a step before the 'scenario' line"},
    {"stray-char.scn", HP_EPARSE,
     "stray-char.scn:3:6: unexpected character '@'"},
    {"string-variable.scn", HP_EINVAL,
     "string-variable.scn:4:27: unknown variable '$clas' in a string (there are $class and $namespace; write $$ for '$')"},
    {"tag-empty.scn", HP_EPARSE,
     "tag-empty.scn:3:7: empty tag list"},
    {"tag-on-release.scn", HP_EINVAL,
     "tag-on-release.scn:4:11: Release makes no check to tag"},
    {"tag-syntax.scn", HP_EINVAL,
     "tag-syntax.scn:3:15: 'hp-lower' is not a requirement ID (upper-case letters, digits and '-', like HP-REFRESH-SCOPE)"},
    {"tag-twice.scn", HP_EINVAL,
     "tag-twice.scn:3:12: tag 'HP-A' given twice"},
    {"tag-unclosed.scn", HP_EPARSE,
     "tag-unclosed.scn:3:11: missing ']' at the end of the tags"},
    {"text-after-expectation.scn", HP_EPARSE,
     "text-after-expectation.scn:3:14: options come before '=> EXPECTED' and the tags"},
    {"thread-without-handle.scn", HP_EINVAL,
     "thread-without-handle.scn:4:1: a thread needs a handle: t = thread STEP"},
    {"timeout-zero.scn", HP_EINVAL,
     "timeout-zero.scn:3:9: a timeout is a positive number of seconds"},
    {"too-many-arguments.scn", HP_EPARSE,
     "too-many-arguments.scn:4:11: unexpected 'r': too many arguments (Refresh R)"},
    {"unbound-handle.scn", HP_EINVAL,
     "unbound-handle.scn:4:9: handle 'r' used before it is bound"},
    {"unknown-hresult.scn", HP_EINVAL,
     "unknown-hresult.scn:4:9: unknown HRESULT 'WBEM_E_NOPE'"},
    {"unknown-method-calls.scn", HP_EINVAL,
     "unknown-method-calls.scn:3:14: unknown method 'IWbemRefresher::Frob' (write Interface::Method, like IWbemHiPerfEnum::AddObjects, or Host::Alloc)"},
    {"unknown-method-verb.scn", HP_EINVAL,
     "unknown-method-verb.scn:4:3: unknown verb 'Frobnicate' for client refresher 'c'"},
    {"unknown-method.scn", HP_EINVAL,
     "unknown-method.scn:3:7: unknown method 'IWbemFoo::Bar' (write Interface::Method, like IWbemHiPerfEnum::AddObjects, or Host::Alloc)"},
    {"unknown-predicate.scn", HP_EPARSE,
     "unknown-predicate.scn:6:10: unknown predicate 'frobbed' (unchanged, changed, untouched, matches, count, status, setstatus-calls, indicated, type, zeroed, value, completed, provider-refs, out-null, com, answers, init-..., distinct, agrees, shallow, returned, access, refreshed, blobs-valid, reconnect-status, server-version, client-version, refresher-id, elapsed)"},
    {"unknown-variable.scn", HP_EPARSE,
     "unknown-variable.scn:3:16: unknown variable '$klass' (there are $class and $namespace)"},
    {"unknown-verb.scn", HP_EINVAL,
     "unknown-verb.scn:4:1: unknown verb 'Refesh'"},
    {"unterminated-string.scn", HP_EPARSE,
     "unterminated-string.scn:3:7: unterminated string"},
    {"verb-case.scn", HP_EINVAL,
     "verb-case.scn:4:1: unknown verb 'refresh' (did you mean 'Refresh'?)"},
    {"clsid-kind.scn", HP_EPARSE,
     "clsid-kind.scn:3:23: expected clsid, client-clsid or unknown, found 'mine'"},
    {"iid-name.scn", HP_EPARSE,
     "iid-name.scn:3:33: expected an interface name after 'iid' (IUnknown, IClassFactory, IWbemProviderInit, ... or bogus), found 'IFoo'"},
    {"com-rule.scn", HP_EPARSE,
     "com-rule.scn:4:21: expected one of identity, symmetric, no-interface, addref, static, null-ppv after 'com', found 'sticky'"},
    {"no-finding-kind.scn", HP_EINVAL,
     "no-finding-kind.scn:3:19: 'leaks' is no finding kind (over-release, use-after-release, use-after-over-release, unowned-transfer, foreign-object, com-rule) nor a rule name (like hiperfenum.outside-refresh)"},
    {"provider-predicate.scn", HP_EPARSE,
     "provider-predicate.scn:3:17: expected a predicate of the provider (init-reported, init-values, init-agrees, init-status, init-setstatus-calls, unloaded, threads, com, answers, admin-locator), found 'happy'"},
    {"method-on-refresher.scn", HP_EINVAL,
     "method-on-refresher.scn:6:1: 'r' is a refresher; it has no methods to call"},
    {"registration-rule.scn", HP_EPARSE,
     "registration-rule.scn:4:21: expected one of win32provider, client-loadable, instance-registration, dynamic, hiperf-qualifier, name-key, no-genericperfctr, perf-schema, supports-consistent after 'registration', found 'tidy'"},
    {"size-range.scn", HP_EINVAL,
     "size-range.scn:4:19: 'size' is from 0 to 1000000; '-1' is out of range"},
    {"answers-iid.scn", HP_EPARSE,
     "answers-iid.scn:4:25: expected an interface name (IUnknown, IWbemRefresher, ... bogus) or primary after 'answers', found 'IFoo'"},
    {"calls-into.scn", HP_EPARSE,
     "calls-into.scn:3:43: expected provider or host after 'into', found 'client'"},
    {"out-null-kind.scn", HP_EINVAL,
     "out-null-kind.scn:5:8: 'out-null' needs a handle bound by a call with an [out] pointer, found instance set 'i'"},
    {"needs-word.scn", HP_EPARSE,
     "needs-word.scn:3:7: expected refreshers, baseline, instances, keys or perf, found 'perfs'"},
};

static void every_bad_file_is_reported_at_its_position(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "bad/%s", bad_files[i].file);
        struct scn_file *f = (struct scn_file *)1;
        int rc = parse_data(rel, &f);
        if (rc != bad_files[i].code || strcmp(hp_error_message(), bad_files[i].message) != 0)
            fail_msg("%s: got %s \"%s\", want %s \"%s\"", bad_files[i].file, hp_error_name(rc),
                     hp_error_message(), hp_error_name(bad_files[i].code), bad_files[i].message);
        assert_null(f);
    }
}

static void edge_cases_of_the_text(void **state)
{
    (void)state;
    struct scn_file *f;
    /* No final newline; a name that does not end in .scn is not compared. */
    assert_int_equal(parse_text("<catalog>", "scenario anything\ncovers HP-X\nload", &f), 0);
    assert_int_equal(f->body.n, 1);
    scn_free(f);
    /* Nothing at all, or a BOM only. */
    assert_int_equal(parse_text("e.scn", "", &f), HP_EINVAL);
    assert_string_equal(hp_error_message(), "e.scn:1:1: expected 'scenario NAME' (the file has no statement)");
    assert_int_equal(parse_text("e.scn", "\xef\xbb\xbf", &f), HP_EINVAL);
    /* A BOM later on is a stray character. */
    assert_int_equal(parse_text("e.scn", "scenario e\n\xef\xbb\xbf", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:1: unexpected character U+FEFF");
    /* Columns count code points, in strings too. */
    assert_int_equal(parse_text("e.scn", "scenario e\ntitle \"\xe2\x82\xac\xe2\x82\xac\" x\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:12: unexpected 'x'");
    /* CRLF inside a string does not end the string quietly. */
    assert_int_equal(parse_text("e.scn", "scenario e\r\ntitle \"ab\r\n\"\r\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:7: unterminated string");
    /* A string at the very end of the buffer, unterminated, and an escape there. */
    assert_int_equal(parse_text("e.scn", "scenario e\ntitle \"ab", &f), HP_EPARSE);
    assert_int_equal(parse_text("e.scn", "scenario e\ntitle \"ab\\", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:7: unterminated string");
    /* NUL inside the length, and text after the length not read. */
    static const char with_nul[] = "scenario e\ntitle \"a\0b\"\n";
    assert_int_equal(scn_parse_buffer("e.scn", with_nul, sizeof with_nul - 1, &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:9: NUL character");
    assert_int_equal(scn_parse_buffer("e.scn", "scenario e\n@", 11, &f), 0);
    scn_free(f);
    /* Surrogates and code points past U+10FFFF are not UTF-8. */
    assert_int_equal(parse_text("e.scn", "scenario e # \xed\xa0\x80\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:1:14: invalid UTF-8");
    assert_int_equal(parse_text("e.scn", "scenario e # \xf4\x90\x80\x80\n", &f), HP_EPARSE);
    assert_int_equal(parse_text("e.scn", "scenario e # \xe2\x82\n", &f), HP_EPARSE);
    /* Integers: the extremes of int64, one past them. */
    assert_int_equal(parse_text("e.scn", "scenario e\ncovers HP-X\nexpect ledger clean\nexpect calls Host::Alloc < 9223372036854775807\n"
                                         "expect calls Host::Alloc > -9223372036854775808\n", &f), 0);
    scn_free(f);
    assert_int_equal(parse_text("e.scn", "scenario e\nexpect calls Host::Alloc < 9223372036854775808\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:28: integer out of range");
    assert_int_equal(parse_text("e.scn", "scenario e\nexpect calls Host::Alloc < 0x10000000000000000\n", &f), HP_EPARSE);
    assert_int_equal(parse_text("e.scn", "scenario e\nadvance 0x10s\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:13: bad hex digit 's'");
    assert_int_equal(parse_text("e.scn", "scenario e\nadvance -1s\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:9: a duration cannot be negative");
    assert_int_equal(parse_text("e.scn", "scenario e\nadvance 0x\n", &f), HP_EPARSE);
    assert_int_equal(parse_text("e.scn", "scenario e\nload ! x\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:2:6: unexpected character '!' (did you mean '!='?)");
    assert_int_equal(parse_text("e.scn", "scenario e\nload $\n", &f), HP_EPARSE);
    /* An index written with a blank before it. */
    assert_int_equal(parse_text("e.scn", "scenario e\ncovers HP-X\nfor-each class hiperf\ni = QueryInstances $class\n"
                                         "r = CreateRefresher\no = CreateRefreshableObject r $class i [0]\n", &f), HP_EPARSE);
    assert_string_equal(hp_error_message(), "e.scn:6:40: no blank allowed before '[' of an index");
    /* A start instant: 1970-01-01 is 0; the last second of 9999. */
    assert_int_equal(parse_text("e.scn", "scenario e\nstart \"1970-01-01 00:00:00\"\n", &f), 0);
    assert_int_equal(f->start, 0);
    scn_free(f);
    assert_int_equal(parse_text("e.scn", "scenario e\nstart \"9999-12-31 23:59:59\"\n", &f), 0);
    assert_int_equal(f->start, 253402300799LL);
    scn_free(f);
    assert_int_equal(parse_text("e.scn", "scenario e\nstart \"1969-12-31 23:59:59\"\n", &f), HP_EINVAL);
    assert_int_equal(parse_text("e.scn", "scenario e\nstart \"2025-01-01 24:00:00\"\n", &f), HP_EINVAL);
    /* timeout as a duration */
    assert_int_equal(parse_text("e.scn", "scenario e\ntimeout 90s\n", &f), 0);
    assert_int_equal(f->timeout_ns, 90000000000LL);
    scn_free(f);
    /* A probability is rendered as written, so it parses back. */
    assert_int_equal(parse_text("e.scn", "scenario e\nfault Host::Alloc random 0.00001 seed 1 => E_FAIL\n", &f), 0);
    assert_step_text(step(f, 0), "fault Host::Alloc random 0.00001 seed 1 => E_FAIL");
    assert_int_equal(f->nchecks, 0);
    scn_free(f);
    /* The wait of an `on` is the on's, even when its step is a load (which has a wait of its own). */
    assert_int_equal(parse_text("e.scn", "scenario e\ncovers HP-X\nfor-each class hiperf\nr = CreateRefresher\n"
                                         "e = CreateRefreshableEnum r $class\non e RemoveObjects: load wait 1s\n", &f), 0);
    assert_int_equal(step(f, 2)->opt.wait_ns, 1000000000LL);
    assert_int_equal(step(f, 2)->nested->opt.wait_ns, 5000000000LL);
    assert_false(step(f, 2)->nested->opt.written & SCN_OPT_WAIT);
    assert_step_text(step(f, 2), "on e RemoveObjects: load wait 1s");
    scn_free(f);
    /* A repeat body may rebind what a finished sibling bound; `end` closes only its block. */
    assert_int_equal(parse_text("e.scn", "scenario e\ncovers HP-X\nrepeat 2\nr = CreateRefresher\nend\nr = CreateRefresher\n", &f), 0);
    assert_int_equal(f->nslots, 2);
    scn_free(f);
}

static void expand_replaces_variables(void **state)
{
    (void)state;
    char *s = scn_expand("$class.Name=\"$namespace\" costs $$5", "Win32_X", "root\\cimv2");
    assert_string_equal(s, "Win32_X.Name=\"root\\cimv2\" costs $5");
    free(s);
    s = scn_expand("$class", NULL, NULL);
    assert_string_equal(s, "");
    free(s);
}

/* ---- Rendering round trip ----------------------------------------------------------------- */

static void put_tags(struct hp_buf *b, const struct scn_tags *t)
{
    if (!t->n)
        return;
    hp_buf_puts(b, " [");
    for (size_t i = 0; i < t->n; i++)
        hp_buf_printf(b, "%s%s", i ? " " : "", t->v[i].id);
    hp_buf_puts(b, "]");
}

static void render_block(struct hp_buf *b, const struct scn_block *blk)
{
    for (size_t i = 0; i < blk->n; i++) {
        const struct scn_stmt *s = &blk->v[i];
        char *t;
        switch (s->kind) {
        case SCN_STMT_REPEAT:
            hp_buf_printf(b, "repeat %lld\n", (long long)s->count);
            render_block(b, &s->body);
            hp_buf_puts(b, "end\n");
            break;
        case SCN_STMT_EXPECT:
            t = scn_expr_text(&s->expr);
            hp_buf_printf(b, "expect %s", t);
            put_tags(b, &s->tags);
            hp_buf_puts(b, "\n");
            free(t);
            break;
        case SCN_STMT_STEP:
            t = scn_step_text(&s->step);
            hp_buf_puts(b, t);
            put_tags(b, s->step.nested ? &s->step.nested->tags : &s->step.tags);
            hp_buf_puts(b, "\n");
            free(t);
            break;
        }
    }
}

static void rendered_steps_parse_back_to_the_same_steps(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVALID; i++) {
        size_t len;
        char *raw = read_data(valid_files[i], &len);
        struct scn_file *f = must_parse(valid_files[i]);
        /* The header as written (up to the first statement's line), then the body rendered. */
        unsigned first = f->body.n ? f->body.v[0].line : 1u << 30;
        struct hp_buf b = {0};
        unsigned line = 1;
        for (size_t k = 0; k < len && line < first; k++) {
            hp_buf_putc(&b, raw[k]);
            if (raw[k] == '\n')
                line++;
        }
        render_block(&b, &f->body);
        struct hp_buf r1 = {0}, r2 = {0};
        render_block(&r1, &f->body);
        struct scn_file *g = NULL;
        if (parse_text(valid_files[i], b.s, &g))
            fail_msg("%s rendered does not parse: %s\n%s", valid_files[i], hp_error_message(), b.s);
        render_block(&r2, &g->body);
        assert_string_equal(r1.s, r2.s);
        struct scn_check *c1, *c2;
        size_t n1 = scn_checks(f, &c1), n2 = scn_checks(g, &c2);
        assert_int_equal(n1, n2);
        for (size_t k = 0; k < n1; k++) {
            assert_int_equal(c1[k].kind, c2[k].kind);
            assert_string_equal(c1[k].expected, c2[k].expected);
            assert_string_equal(c1[k].desc, c2[k].desc);
            assert_int_equal(c1[k].nreqs, c2[k].nreqs);
        }
        scn_checks_free(c1, n1);
        scn_checks_free(c2, n2);
        hp_buf_free(&b);
        hp_buf_free(&r1);
        hp_buf_free(&r2);
        scn_free(f);
        scn_free(g);
        free(raw);
    }
}

/* ---- Robustness ----------------------------------------------------------------------------- */

static void check_outcome(const char *name, int rc, struct scn_file *f)
{
    if (rc == 0) {
        assert_non_null(f);
        struct scn_check *c;
        size_t n = scn_checks(f, &c);
        assert_int_equal(n, f->nchecks);
        scn_checks_free(c, n);
        scn_free(f);
        return;
    }
    assert_null(f);
    if (rc != HP_EPARSE && rc != HP_EINVAL)
        fail_msg("%s: unexpected code %s: %s", name, hp_error_name(rc), hp_error_message());
    assert_positioned(name, hp_error_message());
}

static void truncations_never_crash(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVALID; i++) {
        size_t len;
        char *raw = read_data(valid_files[i], &len);
        for (size_t cut = 0; cut <= len; cut++) {
            char *exact = malloc(cut ? cut : 1);
            memcpy(exact, raw, cut);
            struct scn_file *f = NULL;
            int rc = scn_parse_buffer(valid_files[i], exact, cut, &f);
            check_outcome(valid_files[i], rc, f);
            free(exact);
        }
        free(raw);
    }
}

static uint64_t rng_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

static void corruptions_never_crash(void **state)
{
    (void)state;
    static const char alphabet[] = "\0\x80\xc3\xff\r\n\t \"\\[]=>.:$#,-_0x9azAZ!<";
    uint64_t seed = 0x5eedULL;
    unsigned accepted = 0, rejected = 0;
    for (unsigned round = 0; round < 4000; round++) {
        size_t len;
        const char *name = valid_files[round % NVALID];
        char *raw = read_data(name, &len);
        char *buf = malloc(len + 64);
        memcpy(buf, raw, len);
        unsigned edits = 1 + (unsigned)(rng_next(&seed) % 4);
        for (unsigned e = 0; e < edits && len > 0; e++) {
            size_t at = (size_t)(rng_next(&seed) % len);
            switch (rng_next(&seed) % 4) {
            case 0:   /* replace a byte */
                buf[at] = alphabet[rng_next(&seed) % (sizeof alphabet - 1)];
                break;
            case 1:   /* delete a byte */
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
                break;
            case 2:   /* insert a byte */
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = alphabet[rng_next(&seed) % (sizeof alphabet - 1)];
                len++;
                break;
            default:  /* flip a bit */
                buf[at] = (char)(buf[at] ^ (1 << (rng_next(&seed) % 8)));
                break;
            }
        }
        char *exact = malloc(len ? len : 1);
        memcpy(exact, buf, len);
        struct scn_file *f = NULL;
        int rc = scn_parse_buffer(name, exact, len, &f);
        rc ? rejected++ : accepted++;
        check_outcome(name, rc, f);
        free(exact);
        free(buf);
        free(raw);
    }
    /* Both outcomes happen, so the corruptions reach past the first line. */
    assert_true(accepted > 0);
    assert_true(rejected > 0);
}

static void every_allocation_can_fail(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVALID; i++) {
        size_t len;
        char *raw = read_data(valid_files[i], &len);
        struct scn_file *f = NULL;
        long budget;
        int rc = -1;
        for (budget = 0; budget < 100000; budget++) {
            scn_test_alloc_budget = budget;
            rc = scn_parse_buffer(valid_files[i], raw, len, &f);
            scn_test_alloc_budget = -1;
            if (rc == 0)
                break;
            assert_int_equal(rc, HP_ENOMEM);
            assert_null(f);
        }
        assert_int_equal(rc, 0);
        assert_true(budget > 0);
        /* The checks and the text of every step fail cleanly too. */
        for (budget = 0;; budget++) {
            struct scn_check *c;
            scn_test_alloc_budget = budget;
            size_t n = scn_checks(f, &c);
            scn_test_alloc_budget = -1;
            if (n != SIZE_MAX) {
                assert_int_equal(n, f->nchecks);
                scn_checks_free(c, n);
                break;
            }
            assert_null(c);
            assert_int_equal(hp_error_code(), HP_ENOMEM);
        }
        for (size_t k = 0; k < f->body.n; k++) {
            if (f->body.v[k].kind != SCN_STMT_STEP)
                continue;
            for (budget = 0;; budget++) {
                scn_test_alloc_budget = budget;
                char *t = scn_step_text(&f->body.v[k].step);
                scn_test_alloc_budget = -1;
                if (t) {
                    free(t);
                    break;
                }
            }
        }
        scn_free(f);
        free(raw);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verb_table_is_indexed_by_verb),
        cmocka_unit_test(every_valid_file_parses),
        cmocka_unit_test(parse_file_reads_the_file_and_names_it_in_messages),
        cmocka_unit_test(doc_example_builds_the_tree),
        cmocka_unit_test(needs_keys_and_provider_refs_parse),
        cmocka_unit_test(provider_steps_carry_arguments_and_options),
        cmocka_unit_test(com_and_host_steps_build_the_tree),
        cmocka_unit_test(client_steps_have_receivers),
        cmocka_unit_test(time_threads_and_faults_nest),
        cmocka_unit_test(every_expect_form_parses),
        cmocka_unit_test(bom_crlf_and_tabs_are_accepted),
        cmocka_unit_test(doc_example_lists_its_checks),
        cmocka_unit_test(check_keys_survive_edits_elsewhere),
        cmocka_unit_test(expect_forms_map_to_check_kinds),
        cmocka_unit_test(nested_and_repeated_steps_are_one_check_each),
        cmocka_unit_test(requirement_ids_are_checked_against_the_catalog),
        cmocka_unit_test(every_bad_file_is_reported_at_its_position),
        cmocka_unit_test(edge_cases_of_the_text),
        cmocka_unit_test(expand_replaces_variables),
        cmocka_unit_test(rendered_steps_parse_back_to_the_same_steps),
        cmocka_unit_test(truncations_never_crash),
        cmocka_unit_test(corruptions_never_crash),
        cmocka_unit_test(every_allocation_can_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
