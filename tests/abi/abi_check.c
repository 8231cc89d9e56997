/*
 * abi_check - the parts of the ABI test that are not the compiler.
 *
 *   abi_check gen --preprocessed SIDE.i --out ITEMS.h HEADER...
 *
 *     Learns from our headers (HEADER..., the .h files of include/hiperf)
 *     which names they define: interfaces (every `struct IFooVtbl {`),
 *     integer constants (every object-like #define with a value and every
 *     enum member) and GUIDs (every HIPERF_DEFINE_GUID).  Learns from SIDE.i, one side's
 *     `cc -E -dD` output of abi_probe.c, what that side declares: the
 *     members of each of those vtable structs in the side's own order, and
 *     whether each constant and GUID name occurs at all.  Writes ITEMS.h,
 *     the X-macro list abi_probe.c expands for that side.  Nothing is
 *     listed by hand, so a constant or method added to our headers is
 *     compared without anyone touching the test.
 *
 *   abi_check compare MINGW.s OURS.s EXPECTED.txt
 *
 *     Reads the "@ABI@ <key> $<value>" markers the compiler left in the two
 *     assembly files and the "<key> <value>" lines of EXPECTED.txt (the
 *     [MS-WMI] items mingw-w64 does not have), and reports every key whose
 *     values differ and every key found on one side only.  Exit status 0
 *     when everything agrees, 1 when anything differs, 2 on a usage or
 *     input error.
 *
 * Invariant: a key of ours is compared with mingw-w64, or with
 * EXPECTED.txt, or reported; a key of mingw-w64 or of EXPECTED.txt that
 * ours lacks is reported.  Nothing is silently skipped.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small utilities ---------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "abi_check: out of memory\n");
        exit(2);
    }
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* Returns the whole file, NUL-terminated, owned by the caller (free()). */
static char *read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "abi_check: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            buf = xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "abi_check: %s: read error\n", path);
        exit(2);
    }
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

/* An ordered list of owned strings. */
struct strlist {
    char **v;
    size_t n, cap;
};

static int strlist_has(const struct strlist *l, const char *s, size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (strlen(l->v[i]) == len && memcmp(l->v[i], s, len) == 0)
            return 1;
    return 0;
}

/* Appends a copy of s[0..len) unless it is already there. */
static void strlist_add_unique(struct strlist *l, const char *s, size_t len)
{
    if (strlist_has(l, s, len))
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = xstrndup(s, len);
}

static void strlist_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* ---- a C tokenizer, just enough for headers and preprocessor output ---- */

enum tok_kind { TOK_EOF, TOK_IDENT, TOK_PUNCT, TOK_OTHER, TOK_DIRECTIVE };

struct token {
    enum tok_kind kind;
    const char *s; /* points into the buffer; not NUL-terminated */
    size_t len;
};

struct lexer {
    const char *p, *end;
    int bol; /* only white space since the last newline */
};

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident_char(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Skips a string or character literal starting at p (the quote). */
static const char *skip_literal(const char *p, const char *end)
{
    char q = *p++;
    while (p < end && *p != q && *p != '\n') {
        if (*p == '\\' && p + 1 < end)
            p++;
        p++;
    }
    return p < end && *p == q ? p + 1 : p;
}

/* A directive token spans the whole logical line (backslash-newline joins
 * lines; comments inside are left for the caller, which only looks at the
 * first words). */
static struct token lex_next(struct lexer *lx)
{
    const char *p = lx->p, *end = lx->end;
    struct token t = {TOK_EOF, end, 0};

    while (p < end) {
        if (*p == '\n') {
            lx->bol = 1;
            p++;
        } else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v') {
            p++;
        } else if (*p == '\\' && p + 1 < end && p[1] == '\n') {
            p += 2;
        } else if (*p == '/' && p + 1 < end && p[1] == '/') {
            while (p < end && *p != '\n')
                p++;
        } else if (*p == '/' && p + 1 < end && p[1] == '*') {
            p += 2;
            while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
                p++;
            p = p + 1 < end ? p + 2 : end;
        } else {
            break;
        }
    }
    if (p >= end) {
        lx->p = end;
        return t;
    }

    t.s = p;
    if (*p == '#' && lx->bol) {
        while (p < end && *p != '\n') {
            if (*p == '\\' && p + 1 < end && p[1] == '\n')
                p++;
            p++;
        }
        t.kind = TOK_DIRECTIVE;
    } else if (is_ident_start((unsigned char)*p)) {
        while (p < end && is_ident_char((unsigned char)*p))
            p++;
        t.kind = TOK_IDENT;
    } else if ((*p >= '0' && *p <= '9') || (*p == '.' && p + 1 < end && p[1] >= '0' && p[1] <= '9')) {
        /* a pp-number: 0x8004, 1.5e+3, 10ULL */
        while (p < end && (is_ident_char((unsigned char)*p) || *p == '.' ||
                           ((*p == '+' || *p == '-') && strchr("eEpP", p[-1]))))
            p++;
        t.kind = TOK_OTHER;
    } else if (*p == '"' || *p == '\'') {
        p = skip_literal(p, end);
        t.kind = TOK_OTHER;
    } else {
        p++;
        t.kind = TOK_PUNCT;
    }
    lx->bol = 0;
    t.len = (size_t)(p - t.s);
    lx->p = p;
    return t;
}

static int tok_is(const struct token *t, const char *s)
{
    return t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

static int tok_is_punct(const struct token *t, char c)
{
    return t->kind == TOK_PUNCT && t->s[0] == c;
}

/* Splits "#  define NAME body" into the directive word, the name, whether
 * the macro is function-like, and whether it has a non-empty body. */
struct directive {
    const char *word;
    size_t word_len;
    const char *name;
    size_t name_len;
    int function_like;
    int has_body;
};

static struct directive parse_directive(const struct token *t)
{
    struct directive d = {0};
    const char *p = t->s + 1, *end = t->s + t->len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    d.word = p;
    while (p < end && is_ident_char((unsigned char)*p))
        p++;
    d.word_len = (size_t)(p - d.word);
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    d.name = p;
    while (p < end && is_ident_char((unsigned char)*p))
        p++;
    d.name_len = (size_t)(p - d.name);
    d.function_like = p < end && *p == '(';
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    d.has_body = p < end && !(p + 1 < end && p[0] == '/' && (p[1] == '*' || p[1] == '/'));
    return d;
}

static int directive_is(const struct directive *d, const char *word)
{
    return d->word_len == strlen(word) && memcmp(d->word, word, d->word_len) == 0;
}

/* ---- gen: what our headers define ------------------------------------ */

/* Object-like macros of ours that are not integer constants: linkage and
 * calling-convention spellings.  Include guards have no body and are
 * skipped anyway; so is every HIPERF_-prefixed helper.  A new non-constant
 * macro that is not listed here makes the probe fail to compile, naming
 * it: add it here then. */
static const char *const not_constants[] = {
    "STDMETHODCALLTYPE",
    "STDAPICALLTYPE",
    "STDAPI",
};

static int is_constant_macro(const struct directive *d)
{
    if (!directive_is(d, "define") || d->function_like || !d->has_body || d->name_len == 0)
        return 0;
    if (d->name_len >= 7 && memcmp(d->name, "HIPERF_", 7) == 0)
        return 0;
    for (size_t i = 0; i < sizeof not_constants / sizeof not_constants[0]; i++)
        if (d->name_len == strlen(not_constants[i]) && memcmp(d->name, not_constants[i], d->name_len) == 0)
            return 0;
    return 1;
}

struct our_names {
    struct strlist ifaces; /* "IWbemRefresher" for struct IWbemRefresherVtbl */
    struct strlist consts; /* macros and enum members, in header order */
    struct strlist guids;  /* IID_..., CLSID_..., LIBID_... */
};

static int is_vtbl_name(const struct token *t)
{
    return t->kind == TOK_IDENT && t->len > 4 && memcmp(t->s + t->len - 4, "Vtbl", 4) == 0;
}

static void scan_our_header(const char *path, struct our_names *out)
{
    char *buf = read_file(path, NULL);
    struct lexer lx = {buf, buf + strlen(buf), 1};
    struct token prev2 = {TOK_EOF, NULL, 0}, prev1 = prev2, t;
    int in_enum = 0, enum_depth = 0, expect_enumerator = 0;

    while ((t = lex_next(&lx)).kind != TOK_EOF) {
        if (t.kind == TOK_DIRECTIVE) {
            struct directive d = parse_directive(&t);
            if (is_constant_macro(&d))
                strlist_add_unique(&out->consts, d.name, d.name_len);
            continue;
        }
        if (in_enum) {
            if (t.kind == TOK_IDENT && expect_enumerator) {
                strlist_add_unique(&out->consts, t.s, t.len);
                expect_enumerator = 0;
            } else if (tok_is_punct(&t, '(')) {
                enum_depth++;
            } else if (tok_is_punct(&t, ')')) {
                enum_depth--;
            } else if (tok_is_punct(&t, ',') && enum_depth == 0) {
                expect_enumerator = 1;
            } else if (tok_is_punct(&t, '}') && enum_depth == 0) {
                in_enum = 0;
            }
        } else if (tok_is_punct(&t, '{')) {
            if (tok_is(&prev1, "enum") || (prev1.kind == TOK_IDENT && tok_is(&prev2, "enum"))) {
                in_enum = 1;
                enum_depth = 0;
                expect_enumerator = 1;
            } else if (is_vtbl_name(&prev1) && tok_is(&prev2, "struct")) {
                strlist_add_unique(&out->ifaces, prev1.s, prev1.len - 4);
            }
        } else if (t.kind == TOK_IDENT && tok_is_punct(&prev1, '(') && tok_is(&prev2, "HIPERF_DEFINE_GUID")) {
            strlist_add_unique(&out->guids, t.s, t.len);
        }
        prev2 = prev1;
        prev1 = t;
    }
    free(buf);
}

/* ---- gen: what one side declares --------------------------------------- */

/* The names of ours, sorted, each with a flag set when the side's
 * preprocessor output mentions it (as a token or as a #define). */
struct wanted {
    const char *name;
    int present;
};

static int wanted_cmp(const void *a, const void *b)
{
    return strcmp(((const struct wanted *)a)->name, ((const struct wanted *)b)->name);
}

static struct wanted *wanted_find(struct wanted *w, size_t n, const char *s, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strncmp(w[mid].name, s, len);
        if (c == 0 && w[mid].name[len] != '\0')
            c = 1;
        if (c == 0)
            return &w[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Vtable members are the declarators `( ... *Name)(`: the first
 * `* IDENT ) (` of each member declaration at brace depth 1, whatever
 * calling-convention attributes precede the `*`. */
struct vtbl_scan {
    int active;      /* inside the struct body */
    size_t iface;    /* index into our_names.ifaces */
    int brace_depth; /* relative to the struct body */
    int paren_depth;
    int member_done; /* this member's name is already taken */
    struct token last[3];
};

static void scan_side(const char *path, const struct our_names *ours, struct wanted *w, size_t nw,
                      struct strlist *members /* one per interface */, int *have_vtbl)
{
    size_t len;
    char *buf = read_file(path, &len);
    struct lexer lx = {buf, buf + len, 1};
    struct token prev2 = {TOK_EOF, NULL, 0}, prev1 = prev2, t;
    struct vtbl_scan vs = {0};

    while ((t = lex_next(&lx)).kind != TOK_EOF) {
        if (t.kind == TOK_DIRECTIVE) {
            struct directive d = parse_directive(&t);
            if (directive_is(&d, "define") && d.name_len) {
                struct wanted *hit = wanted_find(w, nw, d.name, d.name_len);
                if (hit)
                    hit->present = 1;
            }
            continue;
        }
        if (t.kind == TOK_IDENT) {
            struct wanted *hit = wanted_find(w, nw, t.s, t.len);
            if (hit)
                hit->present = 1;
        }

        if (vs.active) {
            if (tok_is_punct(&t, '{')) {
                vs.brace_depth++;
            } else if (tok_is_punct(&t, '}')) {
                if (--vs.brace_depth == 0)
                    vs.active = 0;
            } else if (tok_is_punct(&t, ')')) {
                vs.paren_depth--;
            } else if (tok_is_punct(&t, '(')) {
                if (vs.paren_depth == 0 && vs.brace_depth == 1 && !vs.member_done &&
                    tok_is_punct(&vs.last[0], '*') && vs.last[1].kind == TOK_IDENT &&
                    tok_is_punct(&vs.last[2], ')')) {
                    strlist_add_unique(&members[vs.iface], vs.last[1].s, vs.last[1].len);
                    vs.member_done = 1;
                }
                vs.paren_depth++;
            } else if (tok_is_punct(&t, ';') && vs.paren_depth == 0 && vs.brace_depth == 1) {
                vs.member_done = 0;
            }
            vs.last[0] = vs.last[1];
            vs.last[1] = vs.last[2];
            vs.last[2] = t;
        } else if (tok_is_punct(&t, '{') && is_vtbl_name(&prev1) && tok_is(&prev2, "struct")) {
            for (size_t i = 0; i < ours->ifaces.n; i++) {
                const char *name = ours->ifaces.v[i];
                if (strlen(name) == prev1.len - 4 && memcmp(name, prev1.s, prev1.len - 4) == 0) {
                    memset(&vs, 0, sizeof vs);
                    vs.active = 1;
                    vs.iface = i;
                    vs.brace_depth = 1;
                    have_vtbl[i] = 1;
                    break;
                }
            }
        }
        prev2 = prev1;
        prev1 = t;
    }
    free(buf);
}

static int is_present(struct wanted *w, size_t nw, const char *name)
{
    struct wanted *hit = wanted_find(w, nw, name, strlen(name));
    return hit && hit->present;
}

static int cmd_gen(int argc, char **argv)
{
    const char *pre = NULL, *out_path = NULL;
    struct our_names ours = {{0}, {0}, {0}};
    int nheaders = 0;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--preprocessed") == 0 && i + 1 < argc) {
            pre = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else {
            scan_our_header(argv[i], &ours);
            nheaders++;
        }
    }
    if (!pre || !out_path || nheaders == 0) {
        fprintf(stderr, "usage: abi_check gen --preprocessed SIDE.i --out ITEMS.h HEADER...\n");
        return 2;
    }

    size_t nw = ours.consts.n + ours.guids.n;
    struct wanted *w = xrealloc(NULL, (nw ? nw : 1) * sizeof *w);
    for (size_t i = 0; i < ours.consts.n; i++)
        w[i] = (struct wanted){ours.consts.v[i], 0};
    for (size_t i = 0; i < ours.guids.n; i++)
        w[ours.consts.n + i] = (struct wanted){ours.guids.v[i], 0};
    qsort(w, nw, sizeof *w, wanted_cmp);

    struct strlist *members = xrealloc(NULL, (ours.ifaces.n + 1) * sizeof *members);
    int *have_vtbl = xrealloc(NULL, (ours.ifaces.n + 1) * sizeof *have_vtbl);
    memset(members, 0, (ours.ifaces.n + 1) * sizeof *members);
    memset(have_vtbl, 0, (ours.ifaces.n + 1) * sizeof *have_vtbl);
    scan_side(pre, &ours, w, nw, members, have_vtbl);

    FILE *f = fopen(out_path, "w");
    if (!f) {
        fprintf(stderr, "abi_check: %s: %s\n", out_path, strerror(errno));
        exit(2);
    }
    fprintf(f, "/* Generated by abi_check gen from %s: the items abi_probe.c emits for\n"
               " * this side.  Names of ours this side does not declare are listed as\n"
               " * comments; abi_check compare reports them. */\n", pre);
    for (size_t i = 0; i < ours.ifaces.n; i++) {
        if (!have_vtbl[i] || members[i].n == 0) {
            fprintf(f, "/* no struct %sVtbl here */\n", ours.ifaces.v[i]);
            continue;
        }
        fprintf(f, "ABI_VTBL(%s)\n", ours.ifaces.v[i]);
        for (size_t m = 0; m < members[i].n; m++)
            fprintf(f, "ABI_SLOT(%s, %s)\n", ours.ifaces.v[i], members[i].v[m]);
    }
    for (size_t i = 0; i < ours.consts.n; i++)
        fprintf(f, is_present(w, nw, ours.consts.v[i]) ? "ABI_CONST(%s)\n" : "/* not declared here: %s */\n",
                ours.consts.v[i]);
    for (size_t i = 0; i < ours.guids.n; i++)
        fprintf(f, is_present(w, nw, ours.guids.v[i]) ? "ABI_GUID(%s)\n" : "/* not declared here: %s */\n",
                ours.guids.v[i]);
    int rc = 0;
    if (fclose(f) != 0) {
        fprintf(stderr, "abi_check: %s: write error\n", out_path);
        rc = 2;
    }
    for (size_t i = 0; i < ours.ifaces.n; i++)
        strlist_free(&members[i]);
    free(members);
    free(have_vtbl);
    free(w);
    strlist_free(&ours.ifaces);
    strlist_free(&ours.consts);
    strlist_free(&ours.guids);
    return rc;
}

/* ---- compare ------------------------------------------------------------ */

struct item {
    char *key;
    long long value;
    int line; /* in the source file, for messages */
};

struct itemset {
    const char *path;
    struct item *v;
    size_t n, cap;
};

static int item_cmp(const void *a, const void *b)
{
    return strcmp(((const struct item *)a)->key, ((const struct item *)b)->key);
}

/* Accepts decimal or 0x hex, signed or not; 64-bit patterns above
 * LLONG_MAX are taken as their two's-complement value (GUID Data4). */
static int parse_value(const char *s, long long *out)
{
    char *end;
    errno = 0;
    if (*s == '-') {
        *out = strtoll(s, &end, 0);
    } else {
        unsigned long long u = strtoull(s, &end, 0);
        *out = (long long)u;
    }
    return errno == 0 && end != s && (*end == '\0' || strchr(" \t\r\n", *end));
}

static void itemset_add(struct itemset *set, const char *key, size_t key_len, long long value, int line)
{
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 256;
        set->v = xrealloc(set->v, set->cap * sizeof *set->v);
    }
    set->v[set->n++] = (struct item){xstrndup(key, key_len), value, line};
}

static void itemset_free(struct itemset *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->v[i].key);
    free(set->v);
    set->v = NULL;
    set->n = set->cap = 0;
}

/* Sorts the set and rejects a key given twice with different values. */
static int itemset_finish(struct itemset *set)
{
    int bad = 0;
    qsort(set->v, set->n, sizeof *set->v, item_cmp);
    size_t o = 0;
    for (size_t i = 0; i < set->n; i++) {
        if (o > 0 && strcmp(set->v[o - 1].key, set->v[i].key) == 0) {
            if (set->v[o - 1].value != set->v[i].value) {
                fprintf(stderr, "%s:%d: %s given twice with different values\n", set->path, set->v[i].line,
                        set->v[i].key);
                bad = 1;
            }
            free(set->v[i].key);
            continue;
        }
        set->v[o++] = set->v[i];
    }
    set->n = o;
    return bad;
}

/* Markers look like `.ascii "@ABI@ key $value"` anywhere on a line. */
static int load_markers(const char *path, struct itemset *set)
{
    char *buf = read_file(path, NULL);
    int line = 1, bad = 0;
    set->path = path;
    for (char *p = buf; *p; line++) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        char *m = strstr(p, "@ABI@ ");
        if (m) {
            m += 6;
            char *q = strchr(m, '"');
            if (q)
                *q = '\0';
            char *sp = strrchr(m, ' ');
            long long v;
            /* the immediate prefix of AT&T syntax ("$-1"), '#' elsewhere */
            char *num = sp && (sp[1] == '$' || sp[1] == '#') ? sp + 2 : sp ? sp + 1 : NULL;
            if (!sp || !parse_value(num, &v)) {
                fprintf(stderr, "%s:%d: malformed marker \"%s\"\n", path, line, m);
                bad = 1;
            } else {
                itemset_add(set, m, (size_t)(sp - m), v, line);
            }
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    free(buf);
    return bad | itemset_finish(set);
}

/* Lines "key value"; '#' starts a comment; blank lines are ignored. */
static int load_expected(const char *path, struct itemset *set)
{
    char *buf = read_file(path, NULL);
    int line = 1, bad = 0;
    set->path = path;
    for (char *p = buf; *p; line++) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        char *hash = strchr(p, '#');
        if (hash)
            *hash = '\0';
        char key[256], val[64], extra[2];
        int n = sscanf(p, "%255s %63s %1s", key, val, extra);
        long long v;
        if (n == 2 && parse_value(val, &v)) {
            itemset_add(set, key, strlen(key), v, line);
        } else if (n > 0) {
            fprintf(stderr, "%s:%d:1: expected \"<key> <value>\"\n", path, line);
            bad = 1;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    free(buf);
    return bad | itemset_finish(set);
}

static const struct item *itemset_get(const struct itemset *set, const char *key)
{
    struct item probe = {(char *)key, 0, 0};
    return bsearch(&probe, set->v, set->n, sizeof *set->v, item_cmp);
}

/* Decimal, plus hex when that is how such a value is usually written. */
static const char *show(long long v, char *buf, size_t size)
{
    if (v >= -255 && v <= 255)
        snprintf(buf, size, "%lld", v);
    else if (v >= INT32_MIN && v <= UINT32_MAX)
        snprintf(buf, size, "%lld (0x%08" PRIx32 ")", v, (uint32_t)v);
    else
        snprintf(buf, size, "%lld (0x%016llx)", v, (unsigned long long)v);
    return buf;
}

static int strptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every key of the three sets, sorted, each once. */
static const char **all_keys(const struct itemset *const sets[3], size_t *n_out)
{
    size_t n = 0;
    const char **keys = xrealloc(NULL, (sets[0]->n + sets[1]->n + sets[2]->n + 1) * sizeof *keys);
    for (int s = 0; s < 3; s++)
        for (size_t i = 0; i < sets[s]->n; i++)
            keys[n++] = sets[s]->v[i].key;
    qsort(keys, n, sizeof *keys, strptr_cmp);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (o == 0 || strcmp(keys[o - 1], keys[i]) != 0)
            keys[o++] = keys[i];
    *n_out = o;
    return keys;
}

static int cmd_compare(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: abi_check compare MINGW.s OURS.s EXPECTED.txt\n");
        return 2;
    }
    struct itemset mingw = {0}, ours = {0}, expected = {0};
    int rc = 2;
    const char **keys = NULL;
    if (load_markers(argv[0], &mingw) | load_markers(argv[1], &ours) | load_expected(argv[2], &expected))
        goto out;
    if (mingw.n == 0 || ours.n == 0) {
        fprintf(stderr, "abi_check: no @ABI@ markers in %s\n", mingw.n == 0 ? argv[0] : argv[1]);
        goto out;
    }

    const struct itemset *const sets[3] = {&mingw, &ours, &expected};
    size_t nkeys, with_mingw = 0, with_expected = 0, problems = 0;
    keys = all_keys(sets, &nkeys);
    char b1[64], b2[64];

    for (size_t k = 0; k < nkeys; k++) {
        const struct item *m = itemset_get(&mingw, keys[k]);
        const struct item *o = itemset_get(&ours, keys[k]);
        const struct item *e = itemset_get(&expected, keys[k]);
        if (!o) {
            if (m)
                printf("ONLY IN MINGW-W64  %s = %s  (our headers lack it)\n", keys[k],
                       show(m->value, b1, sizeof b1));
            else
                printf("MISSING IN OURS    %s  (%s:%d expects %s)\n", keys[k], expected.path, e->line,
                       show(e->value, b1, sizeof b1));
            problems++;
            continue;
        }
        if (!m && !e) {
            printf("ONLY IN OURS       %s = %s  (not in mingw-w64; not in %s)\n", keys[k],
                   show(o->value, b1, sizeof b1), expected.path);
            problems++;
            continue;
        }
        if (m) {
            with_mingw++;
            if (m->value != o->value) {
                printf("MISMATCH           %s: mingw-w64 %s, ours %s\n", keys[k],
                       show(m->value, b1, sizeof b1), show(o->value, b2, sizeof b2));
                problems++;
            }
        }
        if (e) {
            with_expected++;
            if (e->value != o->value) {
                printf("MISMATCH           %s: %s:%d %s, ours %s\n", keys[k], expected.path, e->line,
                       show(e->value, b1, sizeof b1), show(o->value, b2, sizeof b2));
                problems++;
            }
        }
    }
    printf("abi: %zu items of ours compared: %zu with mingw-w64 (64-bit Windows), %zu with %s\n", ours.n,
           with_mingw, with_expected, expected.path);
    if (problems) {
        printf("abi: FAIL: %zu difference%s\n", problems, problems == 1 ? "" : "s");
        rc = 1;
    } else {
        printf("abi: all equal\n");
        rc = 0;
    }
out:
    free(keys);
    itemset_free(&mingw);
    itemset_free(&ours);
    itemset_free(&expected);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "gen") == 0)
        return cmd_gen(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "compare") == 0)
        return cmd_compare(argc - 2, argv + 2);
    fprintf(stderr, "usage: abi_check gen --preprocessed SIDE.i --out ITEMS.h HEADER...\n"
                    "       abi_check compare MINGW.s OURS.s EXPECTED.txt\n");
    return 2;
}
