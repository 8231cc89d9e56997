/*
 * harness/protocol.c - encoding, decoding and writing the worker's line
 * protocol (protocol.h).
 *
 * Invariants: what proto_encode() writes, proto_parse_line() decodes to the
 * same record, byte for byte; the parser never fails on bad input (a bad
 * line becomes a PROTO_MALFORMED record, an overlong one is dropped to its
 * end), so a worker cannot crash or starve the parent; the writer emits only
 * whole lines, and a line of up to PIPE_BUF bytes in one write(2).
 */
#include "protocol.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const kind_names[] = {
    [PROTO_HELLO] = "HELLO", [PROTO_STEP] = "STEP",   [PROTO_OBS] = "OBS",
    [PROTO_JOURNAL] = "JOURNAL", [PROTO_SKIP] = "SKIP", [PROTO_ERROR] = "ERROR",
    [PROTO_END] = "END",     [PROTO_MALFORMED] = "MALFORMED",
};

/* Fields per kind, the kind itself included. */
static const unsigned kind_fields[] = {
    [PROTO_HELLO] = 2, [PROTO_STEP] = 4, [PROTO_OBS] = 6, [PROTO_JOURNAL] = 2,
    [PROTO_SKIP] = 2,  [PROTO_ERROR] = 2, [PROTO_END] = 2,
};

const char *proto_kind_name(enum proto_kind kind)
{
    if (kind >= PROTO_HELLO && kind <= PROTO_MALFORMED)
        return kind_names[kind];
    return "?";
}

void proto_record_free(struct proto_record *r)
{
    free(r->check_id);
    free(r->text);
    free(r->excerpt);
    memset(r, 0, sizeof *r);
}

/* ---- Encoding ---------------------------------------------------------------- */

/* The escape sequence for c, or NULL if c travels as is. */
static const char *escape_of(char c)
{
    switch (c) {
    case '\\': return "\\\\";
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\r': return "\\r";
    default: return NULL;
    }
}

void proto_escape(struct hp_buf *b, const char *s, size_t n)
{
    size_t run = 0;  /* bytes before i that need no escape, appended in one go */
    for (size_t i = 0; i < n; i++) {
        const char *e = escape_of(s[i]);
        if (!e) {
            run++;
            continue;
        }
        hp_buf_append(b, s + i - run, run);
        hp_buf_append(b, e, 2);
        run = 0;
    }
    hp_buf_append(b, s + n - run, run);
}

static void put_text(struct hp_buf *b, const char *s)
{
    hp_buf_putc(b, '\t');
    if (s)
        proto_escape(b, s, strlen(s));
}

int proto_encode(struct hp_buf *b, const struct proto_record *r)
{
    if (r->kind < PROTO_HELLO || r->kind >= PROTO_MALFORMED)
        return hp_error_set(HP_EINVAL, "protocol: cannot encode a record of kind %d", (int)r->kind);
    hp_buf_puts(b, kind_names[r->kind]);
    switch (r->kind) {
    case PROTO_HELLO:
        hp_buf_printf(b, "\t%u", r->version);
        break;
    case PROTO_STEP:
        hp_buf_printf(b, "\t%u\t%u", r->step_no, r->line);
        put_text(b, r->text);
        break;
    case PROTO_OBS:
        if (!r->check_id || !*r->check_id)
            return hp_error_set(HP_EINVAL, "protocol: an observation needs a check id");
        put_text(b, r->check_id);
        hp_buf_printf(b, "\t%u\t%u", r->iteration, r->step_no);
        put_text(b, r->text);
        put_text(b, r->excerpt);
        break;
    case PROTO_JOURNAL:
    case PROTO_SKIP:
    case PROTO_ERROR:
        put_text(b, r->text);
        break;
    case PROTO_END:
        hp_buf_printf(b, "\t%d", r->status);
        break;
    case PROTO_MALFORMED:
        break;
    }
    hp_buf_putc(b, '\n');
    return b->oom ? hp_error_set(HP_ENOMEM, "out of memory") : 0;
}

/* ---- Decoding ---------------------------------------------------------------- */

struct field {
    const char *s;
    size_t n;
};

/* Decodes an escaped field; returns owned text or NULL (message set). */
static char *unescape(const struct field *f, const char *what)
{
    char *out = malloc(f->n + 1);
    if (!out) {
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < f->n; i++) {
        char c = f->s[i];
        if (c != '\\') {
            out[o++] = c;
            continue;
        }
        if (++i == f->n) {
            free(out);
            hp_error_set(HP_EPARSE, "%s ends with a lone backslash", what);
            return NULL;
        }
        switch (f->s[i]) {
        case '\\': out[o++] = '\\'; break;
        case 't': out[o++] = '\t'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        default:
            hp_error_set(HP_EPARSE, "%s has an unknown escape '\\%c'", what, f->s[i]);
            free(out);
            return NULL;
        }
    }
    out[o] = 0;
    return out;
}

static int parse_unsigned(unsigned *out, const struct field *f, const char *what)
{
    if (f->n == 0)
        return hp_error_set(HP_EPARSE, "%s is not a number", what);
    unsigned long long v = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->s[i] < '0' || f->s[i] > '9')
            return hp_error_set(HP_EPARSE, "%s is not a number", what);
    for (size_t i = 0; i < f->n && v <= UINT_MAX; i++)
        v = v * 10 + (unsigned)(f->s[i] - '0');
    if (v > UINT_MAX)
        return hp_error_set(HP_EPARSE, "%s is out of range", what);
    *out = (unsigned)v;
    return 0;
}

static int parse_int(int *out, const struct field *f, const char *what)
{
    struct field digits = *f;
    bool neg = digits.n > 0 && digits.s[0] == '-';
    if (neg)
        digits.s++, digits.n--;
    unsigned v;
    int rc = parse_unsigned(&v, &digits, what);
    if (rc)
        return rc;
    if (v > (unsigned)INT_MAX + (neg ? 1u : 0u))
        return hp_error_set(HP_EPARSE, "%s is out of range", what);
    *out = neg ? (int)(0u - v) : (int)v;
    return 0;
}

int proto_parse_line(struct proto_record *out, const char *line, size_t len)
{
    memset(out, 0, sizeof *out);
    if (memchr(line, '\0', len))
        return hp_error_set(HP_EPARSE, "a NUL byte in the line");
    if (memchr(line, '\r', len))
        return hp_error_set(HP_EPARSE, "a raw carriage return in the line");

    struct field f[6];
    unsigned nf = 0;
    for (size_t start = 0;;) {
        const char *tab = memchr(line + start, '\t', len - start);
        size_t end = tab ? (size_t)(tab - line) : len;
        if (nf == 6)
            return hp_error_set(HP_EPARSE, "too many fields");
        f[nf].s = line + start;
        f[nf].n = end - start;
        nf++;
        if (!tab)
            break;
        start = end + 1;
    }

    enum proto_kind kind = 0;
    for (unsigned k = PROTO_HELLO; k < PROTO_MALFORMED; k++)
        if (strlen(kind_names[k]) == f[0].n && !memcmp(kind_names[k], f[0].s, f[0].n))
            kind = (enum proto_kind)k;
    if (!kind)
        return hp_error_set(HP_EPARSE, "unknown record kind '%.*s'", (int)(f[0].n > 32 ? 32 : f[0].n), f[0].s);
    if (nf != kind_fields[kind])
        return hp_error_set(HP_EPARSE, "%s has %u fields, expected %u", kind_names[kind], nf,
                            kind_fields[kind]);

    struct proto_record r = {.kind = kind};
    int rc = 0;
    switch (kind) {
    case PROTO_HELLO:
        rc = parse_unsigned(&r.version, &f[1], "HELLO's version");
        break;
    case PROTO_STEP:
        if ((rc = parse_unsigned(&r.step_no, &f[1], "STEP's step number")) ||
            (rc = parse_unsigned(&r.line, &f[2], "STEP's line")))
            break;
        if (!(r.text = unescape(&f[3], "STEP's text")))
            rc = hp_error_code();
        break;
    case PROTO_OBS:
        if (f[1].n == 0) {
            rc = hp_error_set(HP_EPARSE, "OBS has an empty check id");
            break;
        }
        if (!(r.check_id = unescape(&f[1], "OBS's check id"))) {
            rc = hp_error_code();
            break;
        }
        if ((rc = parse_unsigned(&r.iteration, &f[2], "OBS's iteration")) ||
            (rc = parse_unsigned(&r.step_no, &f[3], "OBS's step number")))
            break;
        if (!(r.text = unescape(&f[4], "OBS's observed value")) ||
            !(r.excerpt = unescape(&f[5], "OBS's excerpt")))
            rc = hp_error_code();
        break;
    case PROTO_JOURNAL:
    case PROTO_SKIP:
    case PROTO_ERROR:
        if (!(r.text = unescape(&f[1], kind_names[kind])))
            rc = hp_error_code();
        break;
    case PROTO_END:
        rc = parse_int(&r.status, &f[1], "END's status");
        break;
    case PROTO_MALFORMED:
        break;
    }
    if (rc) {
        proto_record_free(&r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---- The incremental parser --------------------------------------------------- */

void proto_parser_init(struct proto_parser *p)
{
    memset(p, 0, sizeof *p);
    p->max_line = PROTO_MAX_LINE;
}

void proto_parser_free(struct proto_parser *p)
{
    free(p->buf);
    proto_parser_init(p);
}

/* Shows the start of a bad line, escaped, for the message. */
static void excerpt_of(struct hp_buf *b, const char *line, size_t len)
{
    size_t n = len > 60 ? 60 : len;
    hp_buf_puts(b, ": '");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c == '\\' || c < 0x20 || c == 0x7f)
            hp_buf_printf(b, c == '\\' ? "\\\\" : "\\x%02x", c);
        else
            hp_buf_putc(b, (char)c);
    }
    hp_buf_puts(b, len > n ? "'..." : "'");
}

static int emit_malformed(size_t line_no, const char *why, const char *line,
                          size_t len, proto_record_fn fn, void *ud)
{
    struct hp_buf b = {0};
    hp_buf_printf(&b, "protocol line %zu: %s", line_no, why);
    if (line)
        excerpt_of(&b, line, len);
    struct proto_record r = {.kind = PROTO_MALFORMED, .text = hp_buf_steal(&b)};
    if (!r.text)
        return hp_error_set(HP_ENOMEM, "out of memory");
    int rc = fn(&r, ud);
    proto_record_free(&r);
    return rc;
}

static int emit_line(struct proto_parser *p, const char *line, size_t len, proto_record_fn fn, void *ud)
{
    p->line_no++;
    struct proto_record r;
    int rc = proto_parse_line(&r, line, len);
    if (rc == HP_ENOMEM)
        return rc;
    if (rc)
        return emit_malformed(p->line_no, hp_error_message(), line, len, fn, ud);
    rc = fn(&r, ud);
    proto_record_free(&r);
    return rc;
}

int proto_parser_feed(struct proto_parser *p, const char *data, size_t n, proto_record_fn fn, void *ud)
{
    while (n > 0) {
        const char *nl = memchr(data, '\n', n);
        size_t take = nl ? (size_t)(nl - data) : n;
        size_t used = take + (nl ? 1 : 0);
        int rc = 0;
        if (p->discarding) {
            if (nl) {
                p->discarding = false;
                p->line_no++;
            }
        } else if (p->len + take > p->max_line) {
            rc = emit_malformed(p->line_no + 1, "the line is too long; dropped", p->buf, p->len, fn, ud);
            p->len = 0;
            if (nl)
                p->line_no++;
            else
                p->discarding = true;
        } else if (nl && p->len == 0) {
            rc = emit_line(p, data, take, fn, ud);  /* the common case: no copy */
        } else {
            if (hp_grow((void **)&p->buf, &p->cap, p->len + take + 1, 1))
                return HP_ENOMEM;
            memcpy(p->buf + p->len, data, take);
            p->len += take;
            if (nl) {
                size_t total = p->len;
                p->len = 0;
                rc = emit_line(p, p->buf, total, fn, ud);
            }
        }
        if (rc)
            return rc;
        data += used;
        n -= used;
    }
    return 0;
}

int proto_parser_finish(struct proto_parser *p, proto_record_fn fn, void *ud)
{
    int rc = 0;
    if (p->discarding) {
        p->discarding = false;
        p->line_no++;
    } else if (p->len > 0) {
        size_t len = p->len;
        p->len = 0;
        p->line_no++;
        rc = emit_malformed(p->line_no, "the stream ended inside a line", p->buf, len, fn, ud);
    }
    return rc;
}

/* ---- The writer ------------------------------------------------------------------ */

int proto_writer_init(struct proto_writer *w, int fd)
{
    memset(w, 0, sizeof *w);
    w->fd = fd;
    if (pthread_mutex_init(&w->lock, NULL))
        return hp_error_set(HP_EINTERNAL, "protocol: cannot create the writer's lock");
    atomic_init(&w->mid_line, false);
    atomic_init(&w->broken, false);
    atomic_init(&w->last_step, 0);
    atomic_init(&w->last_line, 0);
    return 0;
}

void proto_writer_destroy(struct proto_writer *w)
{
    pthread_mutex_destroy(&w->lock);
    w->fd = -1;
}

/* write(2) until done; false on an error other than EINTR. */
static bool write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        s += k;
        n -= (size_t)k;
    }
    return true;
}

static int write_line(struct proto_writer *w, const char *s, size_t n)
{
    if (atomic_load(&w->broken))
        return hp_error_set(HP_EIO, "protocol: the parent is gone");
    pthread_mutex_lock(&w->lock);
    bool pieces = n > PIPE_BUF;  /* only then can write(2) split the line */
    if (pieces)
        atomic_store(&w->mid_line, true);
    bool ok = write_all(w->fd, s, n);
    if (pieces)
        atomic_store(&w->mid_line, false);
    if (!ok)
        atomic_store(&w->broken, true);
    pthread_mutex_unlock(&w->lock);
    return ok ? 0 : hp_error_set(HP_EIO, "protocol: write to fd %d failed: %s", w->fd, strerror(errno));
}

static int send_record(struct proto_writer *w, const struct proto_record *r)
{
    struct hp_buf b = {0};
    int rc = proto_encode(&b, r);
    if (!rc)
        rc = write_line(w, b.s, b.len);
    hp_buf_free(&b);
    return rc;
}

int proto_hello(struct proto_writer *w)
{
    return send_record(w, &(struct proto_record){.kind = PROTO_HELLO, .version = PROTO_VERSION});
}

int proto_step(struct proto_writer *w, unsigned step_no, unsigned line, const char *text)
{
    /* Before the line goes out: a crash in the next instructions already
     * belongs to this step. */
    atomic_store(&w->last_step, step_no);
    atomic_store(&w->last_line, line);
    return send_record(w, &(struct proto_record){.kind = PROTO_STEP, .step_no = step_no, .line = line,
                                                 .text = (char *)text});
}

int proto_obs(struct proto_writer *w, const char *check_id, unsigned iteration, unsigned step_no,
              const char *observed, const char *excerpt)
{
    return send_record(w, &(struct proto_record){.kind = PROTO_OBS, .check_id = (char *)check_id,
                                                 .iteration = iteration, .step_no = step_no,
                                                 .text = (char *)observed, .excerpt = (char *)excerpt});
}

int proto_journal(struct proto_writer *w, const char *line)
{
    return send_record(w, &(struct proto_record){.kind = PROTO_JOURNAL, .text = (char *)line});
}

int proto_skip(struct proto_writer *w, const char *reason)
{
    return send_record(w, &(struct proto_record){.kind = PROTO_SKIP, .text = (char *)reason});
}

int proto_error(struct proto_writer *w, const char *message)
{
    return send_record(w, &(struct proto_record){.kind = PROTO_ERROR, .text = (char *)message});
}

int proto_end(struct proto_writer *w, int status)
{
    return send_record(w, &(struct proto_record){.kind = PROTO_END, .status = status});
}

void proto_journal_signal_safe(struct proto_writer *w, const char *text, size_t len)
{
    char line[PIPE_BUF];
    size_t o = 0;
    bool locked = false;
    /* Up to ~100 ms: long enough for another thread to finish its line,
     * short enough if the crashing thread holds the lock itself.  The sleep
     * is real time (libfaketime passes nanosleep through). */
    for (int i = 0; i < 100 && !locked; i++) {
        if (pthread_mutex_trylock(&w->lock) == 0)
            locked = true;
        else
            nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    if (!locked && atomic_load(&w->mid_line))
        line[o++] = '\n';
    memcpy(line + o, "JOURNAL\t", 8);
    o += 8;
    for (size_t i = 0; i < len && text[i]; i++) {
        const char *e = escape_of(text[i]);
        size_t need = e ? 2 : 1;
        if (o + need > sizeof line - 1)
            break;
        if (e) {
            line[o++] = e[0];
            line[o++] = e[1];
        } else {
            line[o++] = text[i];
        }
    }
    line[o++] = '\n';
    if (!atomic_load(&w->broken))
        (void)write_all(w->fd, line, o);
    if (locked)
        pthread_mutex_unlock(&w->lock);
}
