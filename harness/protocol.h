/*
 * harness/protocol.h - the line protocol a worker speaks to the parent.
 *
 * One record per line on a pipe (the worker's fd 3), fields separated by
 * one TAB, the first field the record's kind.  Text fields are escaped so
 * that a field never holds a raw TAB, LF, CR or backslash:
 *     \\ -> backslash   \t -> TAB   \n -> LF   \r -> CR
 * and any other backslash sequence is malformed.  Numbers are unsigned
 * decimal (END's status may carry a sign).
 *
 *   HELLO   <version>                       first record; version 1
 *   STEP    <step-no> <line> <text>         sent BEFORE the step runs, so the
 *                                           last STEP is where a crash happened
 *   OBS     <check-id> <iteration> <step-no> <observed> <journal-excerpt>
 *                                           observed is typed text (oracle/check.h)
 *   JOURNAL <line>                          one line of the host journal's tail
 *   SKIP    <reason>                        the case does not apply (a `needs`)
 *   ERROR   <message>                       the case could not run
 *   END     <status>                        the executor finished; its status
 *
 * docs/runner.md has the whole story (process model, time, timeouts).
 */
#ifndef HIPERF_PROTOCOL_H
#define HIPERF_PROTOCOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define PROTO_VERSION 1u

/* A line longer than this is malformed (the parser drops it); the writer
 * never produces one unless a caller hands it megabytes of text. */
#define PROTO_MAX_LINE (4u << 20)

enum proto_kind {
    PROTO_HELLO = 1,
    PROTO_STEP,
    PROTO_OBS,
    PROTO_JOURNAL,
    PROTO_SKIP,
    PROTO_ERROR,
    PROTO_END,
    PROTO_MALFORMED  /* parser only: a line that breaks the protocol; text says how */
};

/* One decoded record.  Which fields are set depends on kind; unused
 * strings are NULL and unused numbers 0. */
struct proto_record {
    enum proto_kind kind;
    unsigned version;    /* HELLO */
    unsigned step_no;    /* STEP, OBS */
    unsigned line;       /* STEP: the scenario line */
    unsigned iteration;  /* OBS */
    int status;          /* END */
    char *check_id;      /* OBS */
    char *text;          /* STEP text, OBS observed, JOURNAL line, SKIP reason,
                            ERROR message, MALFORMED description */
    char *excerpt;       /* OBS journal excerpt */
};

/* Frees the record's strings (not r itself) and zeroes it. */
void proto_record_free(struct proto_record *r);

/* The record's kind as it appears on the wire ("STEP"), static. */
const char *proto_kind_name(enum proto_kind kind);

/* ---- Encoding and decoding one line --------------------------------------- */

/* Appends the escaped form of s[0..n) (borrowed) to b; b->oom on failure. */
void proto_escape(struct hp_buf *b, const char *s, size_t n);

/* Encodes r as one line (with its '\n') appended to b.  Borrows r.
 * Returns 0, HP_EINVAL for PROTO_MALFORMED or a NULL required string,
 * HP_ENOMEM if b ran out of memory. */
int proto_encode(struct hp_buf *b, const struct proto_record *r);

/* Decodes one line (len bytes, without its '\n').  Borrows line.  On
 * success fills *out with owned strings (proto_record_free()); otherwise
 * returns HP_EPARSE (the message says what is wrong) or HP_ENOMEM, and
 * *out is zeroed. */
int proto_parse_line(struct proto_record *out, const char *line, size_t len);

/* ---- Parent side: the incremental parser ------------------------------------ */

/* Called for each complete line, in order.  rec is the parser's; the
 * callback may take ownership of any of its strings by setting the pointer
 * to NULL, the parser frees the rest when the callback returns.  A line that
 * breaks the protocol arrives as kind PROTO_MALFORMED with the description
 * in text: never an error of the parser.  Return 0, or a negative HP_E* code
 * to stop feeding (proto_parser_feed returns it). */
typedef int (*proto_record_fn)(struct proto_record *rec, void *ud);

struct proto_parser {
    char *buf;           /* the incomplete line so far */
    size_t len, cap;
    size_t line_no;      /* lines completed so far */
    size_t max_line;     /* PROTO_MAX_LINE unless a test lowers it */
    bool discarding;     /* inside an overlong line: dropping to its end */
};

/* Fills *p (nothing allocated yet); proto_parser_free() releases what
 * feeding allocated and leaves *p ready for reuse. */
void proto_parser_init(struct proto_parser *p);
void proto_parser_free(struct proto_parser *p);
/* Feeds n bytes (borrowed) and calls fn for every line they complete.
 * Returns 0, HP_ENOMEM, or what fn returned. */
int proto_parser_feed(struct proto_parser *p, const char *data, size_t n, proto_record_fn fn, void *ud);
/* End of the stream: a partial last line is reported as PROTO_MALFORMED.
 * Returns like proto_parser_feed. */
int proto_parser_finish(struct proto_parser *p, proto_record_fn fn, void *ud);

/* ---- Worker side: the writer ------------------------------------------------ */

/* Writes whole lines with write(2).  Safe to use from several threads:
 * a lock is held while a line is written, and a line of up to PIPE_BUF
 * bytes is one write(2), which a pipe never interleaves.  Once a write
 * fails (the parent is gone) every later call returns HP_EIO at once. */
struct proto_writer {
    int fd;
    pthread_mutex_t lock;
    atomic_bool mid_line;        /* a long line is being written in pieces */
    atomic_bool broken;          /* a write failed: drop everything */
    atomic_uint last_step;       /* of the last proto_step(), for the crash handler */
    atomic_uint last_line;
};

/* Initializes w to write to fd (borrowed: the writer never closes it).
 * Returns 0 or HP_EINTERNAL.  proto_writer_destroy() releases the lock;
 * no thread may be writing then. */
int proto_writer_init(struct proto_writer *w, int fd);
void proto_writer_destroy(struct proto_writer *w);

/* Each sends one record; strings are borrowed (NULL is sent as "").
 * Return 0, HP_ENOMEM or HP_EIO. */
int proto_hello(struct proto_writer *w);
int proto_step(struct proto_writer *w, unsigned step_no, unsigned line, const char *text);
int proto_obs(struct proto_writer *w, const char *check_id, unsigned iteration, unsigned step_no,
              const char *observed, const char *excerpt);
int proto_journal(struct proto_writer *w, const char *line);
int proto_skip(struct proto_writer *w, const char *reason);
int proto_error(struct proto_writer *w, const char *message);
int proto_end(struct proto_writer *w, int status);

/* Async-signal-safe JOURNAL for the crash handler: no allocation, the text
 * (len bytes, borrowed) is cut so the line fits in PIPE_BUF and goes out in
 * one write(2).  It waits a bounded time for the writer's lock (the crashing
 * thread may hold it); without the lock, and with a line of another thread
 * cut off, it starts with '\n' so that at most that one line is lost. */
void proto_journal_signal_safe(struct proto_writer *w, const char *text, size_t len);

#endif /* HIPERF_PROTOCOL_H */
