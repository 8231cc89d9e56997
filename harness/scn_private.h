/*
 * harness/scn_private.h - what the files of the scenario front end share and
 * nobody else sees: allocation (with the test hook that makes every
 * allocation fail in turn), the arena a tree lives in, the lexer's tokens,
 * the verb table and the passes run after parsing.
 */
#ifndef HIPERF_HARNESS_SCN_PRIVATE_H
#define HIPERF_HARNESS_SCN_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scn.h"
#include "util.h"

/* ---- Memory --------------------------------------------------------------- */

/* Test hook: when >= 0, the allocation after that many more succeeds fails
 * (0: the next one fails).  -1 (the default): never.  Per thread. */
extern _Thread_local long scn_test_alloc_budget;

void *scn_malloc(size_t n);
void *scn_realloc(void *p, size_t n);
/* Grows *p to at least need items of elsize bytes; 0 or HP_ENOMEM (message set). */
int scn_grow(void **p, size_t *cap, size_t need, size_t elsize);

/* An arena: many allocations, one free.  Memory is zeroed and aligned for
 * any type. */
struct scn_arena;
struct scn_arena *scn_arena_new(void);
void *scn_arena_alloc(struct scn_arena *a, size_t n);          /* NULL on ENOMEM */
char *scn_arena_strndup(struct scn_arena *a, const char *s, size_t n);
void *scn_arena_dup(struct scn_arena *a, const void *p, size_t n);
void scn_arena_free(struct scn_arena *a);

/* A tiny string builder on scn_realloc (so that rendering fails in turn too). */
struct scn_sb {
    char *s;
    size_t len, cap;
    bool oom;
};
void scn_sb_put(struct scn_sb *b, const char *s, size_t n);
void scn_sb_puts(struct scn_sb *b, const char *s);
void scn_sb_printf(struct scn_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The owned string ("" if nothing was put), or NULL (and freed) after an oom. */
char *scn_sb_take(struct scn_sb *b);

/* ---- Lexer ---------------------------------------------------------------- */

enum scn_tok_kind {
    SCN_TK_EOL = 0,   /* end of the line (or of the file) */
    SCN_TK_WORD,      /* [A-Za-z_][A-Za-z0-9_-]*, with "::" joining two words */
    SCN_TK_VAR,       /* $class, $namespace */
    SCN_TK_INT,
    SCN_TK_REAL,      /* 0.25 */
    SCN_TK_DURATION,
    SCN_TK_STRING,
    SCN_TK_EQ,        /* = */
    SCN_TK_ARROW,     /* => */
    SCN_TK_LBRACK,
    SCN_TK_RBRACK,
    SCN_TK_DOT,
    SCN_TK_COLON,
    SCN_TK_COMMA,
    SCN_TK_CMP        /* == != < <= > >= */
};

struct scn_tok {
    enum scn_tok_kind kind;
    unsigned line, col;
    bool space_before;    /* blank (or the start of the line) right before it */
    const char *src;      /* the raw text */
    size_t len;
    const char *str;      /* STRING: the value, escapes resolved, NUL-terminated (arena) */
    int64_t i;            /* INT; DURATION in ns */
    double r;             /* REAL */
    enum scn_cmp cmp;     /* CMP */
};

struct scn_lexer {
    const char *name;
    const unsigned char *buf;
    size_t len, pos;
    unsigned line, col;
    bool eof;
    struct scn_arena *arena;   /* string values go here */
};

void scn_lex_init(struct scn_lexer *lx, const char *name, const char *buf, size_t len,
                  struct scn_arena *arena);
/* Lexes the next line into *toks (a vector grown with scn_grow), the last
 * token SCN_TK_EOL.  Sets lx->eof once the whole buffer has been read.
 * 0, or HP_EPARSE / HP_ENOMEM with the message set. */
int scn_lex_line(struct scn_lexer *lx, struct scn_tok **toks, size_t *n, size_t *cap);

/* Decodes one UTF-8 sequence of s (n > 0 bytes left); its length, 0 if invalid. */
size_t scn_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* ---- Verbs ---------------------------------------------------------------- */

enum scn_argspec {
    AS_NONE = 0,
    AS_REFRESHER_OR_FOREIGN,  /* a refresher handle or `foreign` */
    AS_REFRESHER,             /* a refresher handle */
    AS_CLASS,                 /* $class or a class name */
    AS_KEYS,                  /* inst[N] | key NAME=VALUE... | singleton | bogus */
    AS_STOP_ID,               /* an object or enumerator (or its .id), or a number */
    AS_RELEASABLE,            /* any handle but a thread or a snapshot, or `provider` */
    AS_PATH,                  /* "PATH" | inst[N] | $class */
    AS_QUERY,                 /* "QUERY" */
    AS_CLIENT,                /* a client refresher handle */
    AS_CLIENT_ITEM,           /* a client object or enumerator (or its .id), or a number */
    AS_INFO,                  /* a refresh info */
    AS_INFO_ID,               /* a refresh info (or its .id), or a number */
    AS_DURATION,
    AS_THREAD,
    AS_CLSID_KIND,            /* clsid | client-clsid | unknown */
    AS_BOOL,                  /* true | false */
    AS_INT,                   /* a number (an ID) */
    AS_INSTANCE               /* inst[N]: one instance of a set */
};
#define AS_LIST 0x80u         /* one or more */

#define VF_SPECIAL 1u         /* its own syntax (thread, on, fault, snapshot) */
#define VF_NESTABLE 2u        /* may be the STEP of `thread` and `on` */
#define VF_NULL_PATH_OMITS 4u /* with null-path, the positional arguments may be left out */

struct scn_verb_info {
    enum scn_verb verb;
    const char *name;
    enum scn_handle_kind recv;    /* SCN_H_NONE: written without a receiver */
    enum scn_handle_kind makes;   /* what a binding holds; SCN_H_NONE: binds nothing */
    bool hresult;
    unsigned opts;                /* SCN_OPT_* allowed */
    unsigned char args[3];        /* enum scn_argspec, | AS_LIST */
    unsigned flags;               /* VF_* */
    const char *usage;            /* "CreateRefreshableObject R CLASS KEYS" */
    unsigned recv_also;           /* further receiver kinds (1u << kind) */
};

extern const struct scn_verb_info scn_verbs[SCN_V_COUNT];

/* ---- Passes after parsing ---------------------------------------------------- */

/* Numbers the checks in file order, and makes sure each names a requirement. */
int scn_number_checks(struct scn_file *f);
/* Resolves HRESULT and method names against the host's tables (scn_names.c). */
int scn_resolve_names(struct scn_file *f);

/* True for an ID of the requirement catalog's form: HP-CREATEREFRESHER-FLAGS. */
bool scn_is_requirement_id(const char *s, size_t n);

/* The descriptions of checks: the statement's text with the expectation it
 * judges ("Refresh r1 => success", "expect ledger clean"); owned, NULL on ENOMEM. */
char *scn_check_desc_step(const struct scn_step *s);
char *scn_check_desc_expr(const struct scn_expr *e);

/* Renders a string literal with quotes and escapes. */
void scn_sb_quote(struct scn_sb *b, const char *s);

#endif /* HIPERF_HARNESS_SCN_PRIVATE_H */
