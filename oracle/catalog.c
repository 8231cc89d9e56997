/*
 * oracle/catalog.c - the requirement catalog: parsing the text of
 * oracle/requirements.txt (`ID | LEVEL | SOURCE | TEXT`, one a line, `#`
 * comments) and storing it.
 *
 * Invariant: a catalog with any bad line stores nothing (the whole text is
 * parsed before the transaction starts); requirements that leave the
 * catalog are marked retired, never deleted, because stored runs name them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oracle_private.h"

void oracle_requirements_free(struct oracle_requirement *r, size_t n)
{
    if (!r)
        return;
    for (size_t i = 0; i < n; i++) {
        free(r[i].id);
        free(r[i].source);
        free(r[i].text);
    }
    free(r);
}

static bool id_char(char c, bool first)
{
    if (isalnum((unsigned char)c))
        return true;
    return !first && (c == '-' || c == '_' || c == '.');
}

/* A field [*s, end) trimmed of blanks. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        (*e)--;
}

static int cmp_req_id(const void *a, const void *b)
{
    return strcmp(((const struct oracle_requirement *)a)->id, ((const struct oracle_requirement *)b)->id);
}

int oracle_parse_requirements(struct oracle_requirement **out, size_t *n, const char *text, size_t len,
                              const char *origin)
{
    *out = NULL;
    *n = 0;
    if (!origin)
        origin = "requirements.txt";
    HP_VEC(struct oracle_requirement) v = {0};
    int rc = 0;
    const char *p = text, *end = text + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    for (unsigned line = 1; p < end; line++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *s = p, *e = eol;
        p = eol < end ? eol + 1 : end;
        trim(&s, &e);
        if (s == e || *s == '#')
            continue;
        const char *line_start = eol;  /* for columns: find the physical start */
        while (line_start > text && line_start[-1] != '\n')
            line_start--;
        /* Four fields; TEXT is the rest of the line and may hold '|'. */
        const char *f[4], *fe[4];
        const char *q = s;
        int nf = 0;
        for (; nf < 3; nf++) {
            const char *bar = memchr(q, '|', (size_t)(e - q));
            if (!bar)
                break;
            f[nf] = q;
            fe[nf] = bar;
            q = bar + 1;
        }
        if (nf < 3) {
            rc = hp_error_set_at(HP_EPARSE, origin, line, (unsigned)(e - line_start) + 1,
                                 "expected `ID | LEVEL | SOURCE | TEXT`");
            goto fail;
        }
        f[3] = q;
        fe[3] = e;
        for (int i = 0; i < 4; i++) {
            const char *raw = f[i];
            trim(&f[i], &fe[i]);
            if (f[i] == fe[i]) {
                static const char *const names[] = {"ID", "LEVEL", "SOURCE", "TEXT"};
                rc = hp_error_set_at(HP_EPARSE, origin, line, (unsigned)(raw - line_start) + 1, "empty %s",
                                     names[i]);
                goto fail;
            }
        }
        for (const char *c = f[0]; c < fe[0]; c++)
            if (!id_char(*c, c == f[0])) {
                rc = hp_error_set_at(HP_EPARSE, origin, line, (unsigned)(c - line_start) + 1,
                                     "bad character '%c' in requirement ID", *c);
                goto fail;
            }
        enum req_level level;
        size_t ll = (size_t)(fe[1] - f[1]);
        if (ll == 4 && !strncasecmp(f[1], "MUST", 4))
            level = REQ_MUST;
        else if (ll == 6 && !strncasecmp(f[1], "SHOULD", 6))
            level = REQ_SHOULD;
        else if (ll == 3 && !strncasecmp(f[1], "MAY", 3))
            level = REQ_MAY;
        else {
            rc = hp_error_set_at(HP_EPARSE, origin, line, (unsigned)(f[1] - line_start) + 1,
                                 "level '%.*s' is not MUST, SHOULD or MAY", (int)ll, f[1]);
            goto fail;
        }
        struct oracle_requirement r = {
            .id = hp_strndup(f[0], (size_t)(fe[0] - f[0])),
            .level = level,
            .source = hp_strndup(f[2], (size_t)(fe[2] - f[2])),
            .text = hp_strndup(f[3], (size_t)(fe[3] - f[3])),
            .line = line,
        };
        if (!r.id || !r.source || !r.text || HP_VEC_PUSH(&v, r)) {
            free(r.id);
            free(r.source);
            free(r.text);
            rc = hp_error_set(HP_ENOMEM, "out of memory");
            goto fail;
        }
    }
    if (v.n > 1) {
        qsort(v.v, v.n, sizeof *v.v, cmp_req_id);
        for (size_t i = 1; i < v.n; i++)
            if (!strcmp(v.v[i].id, v.v[i - 1].id)) {
                unsigned a = v.v[i].line > v.v[i - 1].line ? v.v[i - 1].line : v.v[i].line;
                unsigned b = v.v[i].line > v.v[i - 1].line ? v.v[i].line : v.v[i - 1].line;
                rc = hp_error_set_at(HP_EPARSE, origin, b, 1, "requirement %s already defined on line %u",
                                     v.v[i].id, a);
                goto fail;
            }
    }
    *out = v.v;
    *n = v.n;
    return 0;
fail:
    oracle_requirements_free(v.v, v.n);
    return rc;
}

int oracle_load_requirements(struct oracle *o, const char *text, size_t len, const char *origin)
{
    struct oracle_requirement *r;
    size_t n;
    int rc = oracle_parse_requirements(&r, &n, text, len, origin);
    if (rc)
        return rc;
    sqlite3_stmt *up = NULL;
    if ((rc = oracle_tx_begin(o)) != 0)
        goto out;
    if ((rc = oracle_exec(o, "UPDATE requirements SET retired = 1")) != 0)
        goto out;
    rc = oracle_prepare(&up, o,
                        "INSERT INTO requirements(id, level, source, text, retired) VALUES (?1, ?2, ?3, ?4, 0)"
                        " ON CONFLICT(id) DO UPDATE SET level = excluded.level, source = excluded.source,"
                        " text = excluded.text, retired = 0");
    if (rc)
        goto out;
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(up);
        sqlite3_bind_text(up, 1, r[i].id, -1, SQLITE_STATIC);
        sqlite3_bind_int(up, 2, (int)r[i].level);
        sqlite3_bind_text(up, 3, r[i].source, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 4, r[i].text, -1, SQLITE_STATIC);
        if (sqlite3_step(up) != SQLITE_DONE) {
            rc = oracle_db_error(o, "store the requirement catalog");
            goto out;
        }
    }
    rc = oracle_tx_commit(o);
out:
    sqlite3_finalize(up);
    if (rc)
        oracle_tx_rollback(o);
    oracle_requirements_free(r, n);
    return rc;
}
