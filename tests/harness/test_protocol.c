/*
 * tests/harness/test_protocol.c - the worker's line protocol: exact wire
 * text, round trips of every record and every escape, malformed lines
 * (each one a MALFORMED record, never a failure of the parser), streams cut
 * anywhere, and a writer shared by many threads whose lines never mix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"
#include "util.h"

/* ---- Helpers ---------------------------------------------------------------------- */

static char *encode(const struct proto_record *r)
{
    struct hp_buf b = {0};
    assert_int_equal(proto_encode(&b, r), 0);
    return hp_buf_steal(&b);
}

static void assert_same_string(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

static void assert_round_trip(const struct proto_record *r)
{
    char *line = encode(r);
    size_t len = strlen(line);
    assert_true(len > 0 && line[len - 1] == '\n');
    assert_null(memchr(line, '\n', len - 1));  /* one line, whatever the text */
    struct proto_record back;
    int rc = proto_parse_line(&back, line, len - 1);
    if (rc)
        fail_msg("'%s' does not parse: %s", line, hp_error_message());
    assert_int_equal(back.kind, r->kind);
    assert_int_equal(back.version, r->version);
    assert_int_equal(back.step_no, r->step_no);
    assert_int_equal(back.line, r->line);
    assert_int_equal(back.iteration, r->iteration);
    assert_int_equal(back.status, r->status);
    assert_same_string(back.check_id, r->check_id);
    /* NULL text is sent as "" */
    assert_same_string(back.text, r->text ? r->text : (back.text ? "" : NULL));
    assert_same_string(back.excerpt, r->excerpt ? r->excerpt : (back.excerpt ? "" : NULL));
    proto_record_free(&back);
    free(line);
}

/* Records collected from the parser; ownership of text taken to prove the
 * callback may keep strings. */
struct sink {
    struct proto_record r[64];
    size_t n;
    int stop_with;
};

static int collect(struct proto_record *rec, void *ud)
{
    struct sink *s = ud;
    assert_true(s->n < 64);
    s->r[s->n] = *rec;
    rec->text = rec->check_id = rec->excerpt = NULL;  /* taken */
    s->n++;
    return s->stop_with;
}

static void sink_free(struct sink *s)
{
    for (size_t i = 0; i < s->n; i++)
        proto_record_free(&s->r[i]);
    s->n = 0;
}

/* ---- Encoding ------------------------------------------------------------------------ */

static void wire_text_is_exact(void **state)
{
    (void)state;
    char *line = encode(&(struct proto_record){.kind = PROTO_STEP, .step_no = 12, .line = 34,
                                               .text = (char *)"a\\b\tc\nd\re \\t"});
    assert_string_equal(line, "STEP\t12\t34\ta\\\\b\\tc\\nd\\re \\\\t\n");
    free(line);
    line = encode(&(struct proto_record){.kind = PROTO_OBS, .check_id = (char *)"multi:12", .iteration = 3,
                                         .step_no = 4, .text = (char *)"i:1\x1fi:2", .excerpt = (char *)""});
    assert_string_equal(line, "OBS\tmulti:12\t3\t4\ti:1\x1fi:2\t\n");
    free(line);
    line = encode(&(struct proto_record){.kind = PROTO_HELLO, .version = 1});
    assert_string_equal(line, "HELLO\t1\n");
    free(line);
    line = encode(&(struct proto_record){.kind = PROTO_END, .status = -3});
    assert_string_equal(line, "END\t-3\n");
    free(line);
}

static void every_kind_round_trips(void **state)
{
    (void)state;
    assert_round_trip(&(struct proto_record){.kind = PROTO_HELLO, .version = PROTO_VERSION});
    assert_round_trip(&(struct proto_record){.kind = PROTO_STEP, .step_no = 1, .line = 17, .text = (char *)"Refresh r1"});
    assert_round_trip(&(struct proto_record){.kind = PROTO_STEP, .step_no = UINT_MAX, .line = 0, .text = (char *)""});
    assert_round_trip(&(struct proto_record){.kind = PROTO_OBS, .check_id = (char *)"c\t1", .iteration = 7,
                                             .step_no = 9, .text = (char *)"s:tab\there", .excerpt = (char *)"x\ny\\"});
    assert_round_trip(&(struct proto_record){.kind = PROTO_JOURNAL, .text = (char *)"#12 provider->host AddObjects"});
    assert_round_trip(&(struct proto_record){.kind = PROTO_SKIP, .text = (char *)"needs refreshers"});
    assert_round_trip(&(struct proto_record){.kind = PROTO_ERROR, .text = (char *)"x.scn:3:1: unknown verb"});
    assert_round_trip(&(struct proto_record){.kind = PROTO_END, .status = 0});
    assert_round_trip(&(struct proto_record){.kind = PROTO_END, .status = INT_MIN});
    assert_round_trip(&(struct proto_record){.kind = PROTO_END, .status = INT_MAX});
}

static void every_byte_round_trips(void **state)
{
    (void)state;
    char text[256];
    for (int i = 1; i < 256; i++)
        text[i - 1] = (char)i;
    text[255] = 0;
    assert_round_trip(&(struct proto_record){.kind = PROTO_JOURNAL, .text = text});
    /* Escapes back to back and at both ends. */
    assert_round_trip(&(struct proto_record){.kind = PROTO_JOURNAL, .text = (char *)"\\\\\t\t\n\n\r\r\\"});
    assert_round_trip(&(struct proto_record){.kind = PROTO_JOURNAL, .text = (char *)"\\n is not a newline"});
}

static void encoding_refuses_what_cannot_be_sent(void **state)
{
    (void)state;
    struct hp_buf b = {0};
    assert_int_equal(proto_encode(&b, &(struct proto_record){.kind = PROTO_MALFORMED, .text = (char *)"x"}), HP_EINVAL);
    assert_int_equal(proto_encode(&b, &(struct proto_record){.kind = PROTO_OBS, .text = (char *)"x"}), HP_EINVAL);
    assert_int_equal(proto_encode(&b, &(struct proto_record){.kind = 0}), HP_EINVAL);
    hp_buf_free(&b);
}

/* ---- Malformed lines ---------------------------------------------------------------- */

static void malformed_lines_are_refused_with_a_reason(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        size_t len;  /* 0: strlen */
        const char *why;
    } bad[] = {
        {"", 0, "unknown record kind ''"},
        {"BOGUS\tx", 0, "unknown record kind 'BOGUS'"},
        {"step\t1\t2\tt", 0, "unknown record kind 'step'"},
        {"STEP\t1\t2", 0, "STEP has 3 fields, expected 4"},
        {"HELLO\t1\textra", 0, "HELLO has 3 fields, expected 2"},
        {"OBS\ta\t1\t2\tb\tc\td", 0, "too many fields"},
        {"STEP\tx\t2\tt", 0, "STEP's step number is not a number"},
        {"STEP\t-1\t2\tt", 0, "STEP's step number is not a number"},
        {"STEP\t+1\t2\tt", 0, "STEP's step number is not a number"},
        {"STEP\t\t2\tt", 0, "STEP's step number is not a number"},
        {"STEP\t4294967296\t2\tt", 0, "STEP's step number is out of range"},
        {"STEP\t12345678901234567890123\t2\tt", 0, "STEP's step number is out of range"},
        {"HELLO\t1 ", 0, "HELLO's version is not a number"},
        {"END\tabc", 0, "END's status is not a number"},
        {"END\t-", 0, "END's status is not a number"},
        {"END\t2147483648", 0, "END's status is out of range"},
        {"END\t-2147483649", 0, "END's status is out of range"},
        {"JOURNAL\ta\\qb", 0, "unknown escape '\\q'"},
        {"JOURNAL\tab\\", 0, "lone backslash"},
        {"JOURNAL\ta\rb", 0, "raw carriage return"},
        {"JOURNAL\ta\0b", 10, "NUL byte"},
        {"OBS\t\t1\t2\ts:x\te", 0, "empty check id"},
        {"OBS\tc\t1\t2\ts:\\x\te", 0, "OBS's observed value has an unknown escape"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct proto_record r;
        size_t len = bad[i].len ? bad[i].len : strlen(bad[i].line);
        int rc = proto_parse_line(&r, bad[i].line, len);
        if (rc != HP_EPARSE)
            fail_msg("line %zu ('%s') gave %d, expected HP_EPARSE", i, bad[i].line, rc);
        if (!strstr(hp_error_message(), bad[i].why))
            fail_msg("line %zu: '%s' does not say '%s'", i, hp_error_message(), bad[i].why);
        assert_int_equal(r.kind, 0);
        assert_null(r.text);
    }
}

/* ---- The incremental parser ------------------------------------------------------------ */

static const char stream[] =
    "HELLO\t1\n"
    "STEP\t1\t3\tload\n"
    "OBS\tc1\t0\t1\th:0x00000000\tQueryInstances\\t=> S_OK\n"
    "JOURNAL\tline with \\\\ backslash\n"
    "END\t0\n";

static void check_stream(const struct sink *s)
{
    assert_int_equal(s->n, 5);
    assert_int_equal(s->r[0].kind, PROTO_HELLO);
    assert_int_equal(s->r[1].kind, PROTO_STEP);
    assert_string_equal(s->r[1].text, "load");
    assert_int_equal(s->r[2].kind, PROTO_OBS);
    assert_string_equal(s->r[2].excerpt, "QueryInstances\t=> S_OK");
    assert_string_equal(s->r[3].text, "line with \\ backslash");
    assert_int_equal(s->r[4].kind, PROTO_END);
}

static void stream_parses_whole_and_byte_by_byte(void **state)
{
    (void)state;
    struct proto_parser p;
    struct sink s = {0};
    proto_parser_init(&p);
    assert_int_equal(proto_parser_feed(&p, stream, sizeof stream - 1, collect, &s), 0);
    assert_int_equal(proto_parser_finish(&p, collect, &s), 0);
    check_stream(&s);
    sink_free(&s);
    proto_parser_free(&p);

    for (size_t chunk = 1; chunk <= 7; chunk++) {
        proto_parser_init(&p);
        for (size_t i = 0; i < sizeof stream - 1; i += chunk) {
            size_t n = sizeof stream - 1 - i < chunk ? sizeof stream - 1 - i : chunk;
            assert_int_equal(proto_parser_feed(&p, stream + i, n, collect, &s), 0);
        }
        assert_int_equal(proto_parser_finish(&p, collect, &s), 0);
        check_stream(&s);
        sink_free(&s);
        proto_parser_free(&p);
    }
}

static void a_bad_line_is_recorded_and_parsing_goes_on(void **state)
{
    (void)state;
    static const char text[] = "HELLO\t1\nGARBAGE\tline\nEND\t0\n";
    struct proto_parser p;
    struct sink s = {0};
    proto_parser_init(&p);
    assert_int_equal(proto_parser_feed(&p, text, sizeof text - 1, collect, &s), 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.r[0].kind, PROTO_HELLO);
    assert_int_equal(s.r[1].kind, PROTO_MALFORMED);
    assert_string_equal(s.r[1].text, "protocol line 2: unknown record kind 'GARBAGE': 'GARBAGE\\x09line'");
    assert_int_equal(s.r[2].kind, PROTO_END);
    sink_free(&s);
    proto_parser_free(&p);
}

static void an_overlong_line_is_dropped_to_its_end(void **state)
{
    (void)state;
    struct proto_parser p;
    struct sink s = {0};
    proto_parser_init(&p);
    p.max_line = 16;
    /* Too long, arriving in pieces, then a good line. */
    assert_int_equal(proto_parser_feed(&p, "JOURNAL\t0123456789", 18, collect, &s), 0);
    assert_int_equal(proto_parser_feed(&p, "abcdefghij", 10, collect, &s), 0);
    assert_int_equal(proto_parser_feed(&p, "klm\nEND\t0\n", 10, collect, &s), 0);
    /* Too long in one piece with its newline. */
    assert_int_equal(proto_parser_feed(&p, "JOURNAL\t0123456789abcdef\nEND\t1\n", 31, collect, &s), 0);
    /* Too long at the end of the stream. */
    assert_int_equal(proto_parser_feed(&p, "JOURNAL\t0123456789abcdef", 24, collect, &s), 0);
    assert_int_equal(proto_parser_finish(&p, collect, &s), 0);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.r[0].kind, PROTO_MALFORMED);
    assert_non_null(strstr(s.r[0].text, "protocol line 1: the line is too long"));
    assert_int_equal(s.r[1].kind, PROTO_END);
    assert_int_equal(s.r[1].status, 0);
    assert_int_equal(s.r[2].kind, PROTO_MALFORMED);
    assert_non_null(strstr(s.r[2].text, "protocol line 3:"));
    assert_int_equal(s.r[3].kind, PROTO_END);
    assert_int_equal(s.r[3].status, 1);
    assert_int_equal(s.r[4].kind, PROTO_MALFORMED);
    assert_non_null(strstr(s.r[4].text, "protocol line 5:"));
    sink_free(&s);
    proto_parser_free(&p);
}

static void a_stream_cut_inside_a_line_ends_with_a_bad_line(void **state)
{
    (void)state;
    struct proto_parser p;
    struct sink s = {0};
    proto_parser_init(&p);
    assert_int_equal(proto_parser_feed(&p, "HELLO\t1\nSTEP\t1\t2\tRef", 20, collect, &s), 0);
    assert_int_equal(proto_parser_finish(&p, collect, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.r[1].kind, PROTO_MALFORMED);
    assert_string_equal(s.r[1].text, "protocol line 2: the stream ended inside a line: 'STEP\\x091\\x092\\x09Ref'");
    /* Finishing twice adds nothing. */
    assert_int_equal(proto_parser_finish(&p, collect, &s), 0);
    assert_int_equal(s.n, 2);
    sink_free(&s);
    proto_parser_free(&p);
}

static void the_callback_can_stop_the_feed(void **state)
{
    (void)state;
    struct proto_parser p;
    struct sink s = {.stop_with = HP_EDB};
    proto_parser_init(&p);
    assert_int_equal(proto_parser_feed(&p, stream, sizeof stream - 1, collect, &s), HP_EDB);
    assert_int_equal(s.n, 1);
    sink_free(&s);
    proto_parser_free(&p);
}

/* ---- The writer ----------------------------------------------------------------------------- */

/* Reads everything from fd until EOF and parses it. */
static void read_all(int fd, struct proto_parser *p, proto_record_fn fn, void *ud)
{
    char buf[8192];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        assert_true(n >= 0);
        if (n == 0)
            break;
        assert_int_equal(proto_parser_feed(p, buf, (size_t)n, fn, ud), 0);
    }
    assert_int_equal(proto_parser_finish(p, fn, ud), 0);
}

static void writer_sends_each_record(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    struct proto_writer w;
    assert_int_equal(proto_writer_init(&w, fds[1]), 0);
    assert_int_equal(proto_hello(&w), 0);
    assert_int_equal(proto_step(&w, 4, 12, "Refresh\tr1"), 0);
    assert_int_equal(atomic_load(&w.last_step), 4);
    assert_int_equal(atomic_load(&w.last_line), 12);
    assert_int_equal(proto_obs(&w, "c4", 2, 4, "b:true", NULL), 0);
    assert_int_equal(proto_journal(&w, "j\n1"), 0);
    assert_int_equal(proto_skip(&w, "why"), 0);
    assert_int_equal(proto_error(&w, NULL), 0);
    assert_int_equal(proto_end(&w, 3), 0);
    assert_int_equal(proto_obs(&w, NULL, 0, 0, "x", "y"), HP_EINVAL);
    proto_writer_destroy(&w);
    close(fds[1]);

    struct proto_parser p;
    struct sink s = {0};
    proto_parser_init(&p);
    read_all(fds[0], &p, collect, &s);
    close(fds[0]);
    assert_int_equal(s.n, 7);
    assert_int_equal(s.r[0].version, PROTO_VERSION);
    assert_string_equal(s.r[1].text, "Refresh\tr1");
    assert_string_equal(s.r[2].check_id, "c4");
    assert_string_equal(s.r[2].excerpt, "");
    assert_string_equal(s.r[3].text, "j\n1");
    assert_int_equal(s.r[4].kind, PROTO_SKIP);
    assert_string_equal(s.r[5].text, "");
    assert_int_equal(s.r[6].status, 3);
    sink_free(&s);
    proto_parser_free(&p);
}

static void writer_to_a_closed_pipe_fails_and_stays_failed(void **state)
{
    (void)state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    sigaction(SIGPIPE, &ign, &old);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    struct proto_writer w;
    assert_int_equal(proto_writer_init(&w, fds[1]), 0);
    assert_int_equal(proto_hello(&w), HP_EIO);
    assert_true(atomic_load(&w.broken));
    assert_int_equal(proto_end(&w, 0), HP_EIO);
    proto_journal_signal_safe(&w, "ignored", 7);  /* must not block or crash */
    proto_writer_destroy(&w);
    close(fds[1]);
    sigaction(SIGPIPE, &old, NULL);
}

#define THREADS 8
#define LINES 300

struct thread_arg {
    struct proto_writer *w;
    unsigned id;
};

static void *write_lines(void *p)
{
    struct thread_arg *a = p;
    char *big = malloc(3 * PIPE_BUF);
    for (unsigned i = 0; i < LINES; i++) {
        char id[16];
        snprintf(id, sizeof id, "t%u", a->id);
        /* every fifth line longer than PIPE_BUF: written in pieces, under the lock */
        size_t len = i % 5 == 0 ? 3 * PIPE_BUF - 1 : 40;
        memset(big, 'a' + (char)a->id, len);
        big[len] = 0;
        if (proto_obs(a->w, id, i, a->id, "b:true", big))
            break;
    }
    free(big);
    return NULL;
}

struct count {
    unsigned per_thread[THREADS];
    unsigned malformed;
    unsigned bad_text;
};

static int count_lines(struct proto_record *rec, void *ud)
{
    struct count *c = ud;
    if (rec->kind != PROTO_OBS) {
        c->malformed++;
        return 0;
    }
    unsigned t = rec->step_no;
    if (t >= THREADS || rec->iteration != c->per_thread[t]) {
        c->malformed++;
        return 0;
    }
    size_t len = strlen(rec->excerpt);
    if ((len != 3 * PIPE_BUF - 1 && len != 40) || strspn(rec->excerpt, (char[]){(char)('a' + t), 0}) != len)
        c->bad_text++;
    c->per_thread[t]++;
    return 0;
}

static void *reader(void *p)
{
    int *fd = p;
    struct count *c = calloc(1, sizeof *c);
    struct proto_parser parser;
    proto_parser_init(&parser);
    read_all(*fd, &parser, count_lines, c);
    proto_parser_free(&parser);
    return c;
}

static void threads_sharing_a_writer_never_mix_lines(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    struct proto_writer w;
    assert_int_equal(proto_writer_init(&w, fds[1]), 0);
    pthread_t rt, t[THREADS];
    struct thread_arg args[THREADS];
    assert_int_equal(pthread_create(&rt, NULL, reader, &fds[0]), 0);
    for (unsigned i = 0; i < THREADS; i++) {
        args[i] = (struct thread_arg){&w, i};
        assert_int_equal(pthread_create(&t[i], NULL, write_lines, &args[i]), 0);
    }
    for (unsigned i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    close(fds[1]);
    struct count *c;
    pthread_join(rt, (void **)&c);
    close(fds[0]);
    proto_writer_destroy(&w);
    assert_int_equal(c->malformed, 0);
    assert_int_equal(c->bad_text, 0);
    for (unsigned i = 0; i < THREADS; i++)
        assert_int_equal(c->per_thread[i], LINES);
    free(c);
}

static void signal_safe_journal_fits_one_atomic_write(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    struct proto_writer w;
    assert_int_equal(proto_writer_init(&w, fds[1]), 0);
    proto_journal_signal_safe(&w, "crashed\twith \\ and\nnewline", 26);
    char *huge = malloc(3 * PIPE_BUF);
    memset(huge, '\t', 3 * PIPE_BUF);  /* every byte needs two on the wire */
    proto_journal_signal_safe(&w, huge, 3 * PIPE_BUF);
    free(huge);
    /* With the lock held by "the crashing thread", the line still goes out. */
    pthread_mutex_lock(&w.lock);
    proto_journal_signal_safe(&w, "while locked", 12);
    pthread_mutex_unlock(&w.lock);
    proto_writer_destroy(&w);
    close(fds[1]);

    struct proto_parser p;
    struct sink s = {0};
    proto_parser_init(&p);
    read_all(fds[0], &p, collect, &s);
    close(fds[0]);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.r[0].kind, PROTO_JOURNAL);
    assert_string_equal(s.r[0].text, "crashed\twith \\ and\nnewline");
    assert_int_equal(s.r[1].kind, PROTO_JOURNAL);
    /* "JOURNAL\t" + 2 bytes a tab + "\n" within PIPE_BUF; never half an escape */
    assert_int_equal(strlen(s.r[1].text), (PIPE_BUF - 1 - 8) / 2);
    assert_int_equal(strspn(s.r[1].text, "\t"), (PIPE_BUF - 1 - 8) / 2);
    assert_string_equal(s.r[2].text, "while locked");
    sink_free(&s);
    proto_parser_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wire_text_is_exact),
        cmocka_unit_test(every_kind_round_trips),
        cmocka_unit_test(every_byte_round_trips),
        cmocka_unit_test(encoding_refuses_what_cannot_be_sent),
        cmocka_unit_test(malformed_lines_are_refused_with_a_reason),
        cmocka_unit_test(stream_parses_whole_and_byte_by_byte),
        cmocka_unit_test(a_bad_line_is_recorded_and_parsing_goes_on),
        cmocka_unit_test(an_overlong_line_is_dropped_to_its_end),
        cmocka_unit_test(a_stream_cut_inside_a_line_ends_with_a_bad_line),
        cmocka_unit_test(the_callback_can_stop_the_feed),
        cmocka_unit_test(writer_sends_each_record),
        cmocka_unit_test(writer_to_a_closed_pipe_fails_and_stays_failed),
        cmocka_unit_test(threads_sharing_a_writer_never_mix_lines),
        cmocka_unit_test(signal_safe_journal_fits_one_atomic_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
