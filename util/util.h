/*
 * util/util.h - what every module of the harness shares: the error
 * convention, UTF-8/UTF-16 conversion, a growable string buffer and a
 * growable array.  Nothing here knows about COM or WMI.
 *
 * Error convention (docs/conventions.md): a function that can fail returns
 * int, 0 on success or a negative HP_E* code, and leaves a human-readable
 * message in a per-thread slot (hp_error_message()).  Callers propagate the
 * code unchanged; whoever reports to the user prints the message.
 */
#ifndef HIPERF_UTIL_H
#define HIPERF_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uchar.h>

/* ---- Errors -------------------------------------------------------------- */

enum hp_error_code {
    HP_OK = 0,
    HP_ENOMEM = -1,     /* out of memory */
    HP_EINVAL = -2,     /* bad input from the user: file, option, scenario */
    HP_EIO = -3,        /* a file or pipe could not be read or written */
    HP_ENOTFOUND = -4,  /* a named thing does not exist */
    HP_EPARSE = -5,     /* syntax error; the message has file:line:col */
    HP_EPROVIDER = -6,  /* the provider could not be loaded or misbehaved */
    HP_EDB = -7,        /* the oracle database refused an operation */
    HP_EINTERNAL = -8   /* a bug of the harness */
};

/* Sets this thread's message (printf-style) and returns code, so that
 * `return hp_error_set(HP_EINVAL, "...")` reads naturally. */
int hp_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hp_error_setv(int code, const char *fmt, va_list ap);
/* The same with a position: the message becomes "file:line:col: text". */
int hp_error_set_at(int code, const char *file, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Puts "prefix: " in front of the current message (context while unwinding). */
void hp_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Borrowed; valid until this thread's next hp_error_* call. Never NULL. */
const char *hp_error_message(void);
int hp_error_code(void);
void hp_error_clear(void);
/* The name of a code ("HP_EPARSE"), static. */
const char *hp_error_name(int code);
/* The process exit status DESIGN.md gives a code: 2 bad input, 3 internal. */
int hp_error_exit_status(int code);

/* ---- Memory ---------------------------------------------------------------- */

/* Grows *p (an array of elsize-byte items with *cap slots) to hold at least
 * need items, doubling.  Returns 0 or HP_ENOMEM (and *p is unchanged). */
int hp_grow(void **p, size_t *cap, size_t need, size_t elsize);

/* A growable array of T: HP_VEC(int) v = {0}; HP_VEC_PUSH(&v, 3); free(v.v). */
#define HP_VEC(T) struct { T *v; size_t n, cap; }
#define HP_VEC_PUSH(vec, item) \
    (hp_grow((void **)&(vec)->v, &(vec)->cap, (vec)->n + 1, sizeof(*(vec)->v)) == 0 \
         ? ((vec)->v[(vec)->n++] = (item), 0) : HP_ENOMEM)

char *hp_strdup(const char *s);                 /* NULL for NULL; owned */
char *hp_strndup(const char *s, size_t n);      /* owned */
char *hp_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* owned */

/* ---- Strings --------------------------------------------------------------- */

/* ASCII case-insensitive comparison, as WMI compares names. */
int hp_stricmp(const char *a, const char *b);
bool hp_streqi(const char *a, const char *b);

size_t hp_u16len(const char16_t *s);
/* Compares a UTF-16 name with a UTF-8 one, ASCII case-insensitively (the
 * hot path of GetPropertyHandle: no allocation). */
bool hp_u16_eqi_utf8(const char16_t *a, const char *b);
int hp_u16cmp(const char16_t *a, const char16_t *b);

/* Conversions; len in input units, or (size_t)-1 for NUL-terminated input.
 * Return an owned NUL-terminated string (free()), *out_len (may be NULL) its
 * length in output units; NULL on invalid input (HP_EINVAL) or HP_ENOMEM. */
char16_t *hp_utf8_to_utf16(const char *s, size_t len, size_t *out_len);
char *hp_utf16_to_utf8(const char16_t *s, size_t len, size_t *out_len);

/* ---- String buffer --------------------------------------------------------- */

struct hp_buf {
    char *s;      /* NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    bool oom;     /* an append failed; the content is truncated */
};

void hp_buf_append(struct hp_buf *b, const char *s, size_t n);
void hp_buf_puts(struct hp_buf *b, const char *s);
void hp_buf_putc(struct hp_buf *b, char c);
void hp_buf_printf(struct hp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hp_buf_vprintf(struct hp_buf *b, const char *fmt, va_list ap);
/* Returns the owned string ("" if empty) and resets b; NULL if oom. */
char *hp_buf_steal(struct hp_buf *b);
void hp_buf_free(struct hp_buf *b);

/* ---- Files ----------------------------------------------------------------- */

/* Reads a whole file; *data owned (NUL-terminated, free()).  HP_EIO with
 * "path: reason" on failure. */
int hp_read_file(const char *path, char **data, size_t *len);

/* Hex SHA-256 of a buffer into out[65]. */
void hp_sha256_hex(const void *data, size_t len, char out[65]);

#endif /* HIPERF_UTIL_H */
