/*
 * reports/common.c - what every writer shares: reading the stored run in
 * one snapshot, grouping observations by check, escaping text for XML,
 * HTML, JSON, YAML, Markdown and TAP, and writing files atomically.
 *
 * Invariant: every byte a writer emits from stored text goes through an
 * escaper here, so no stored string (a provider's value, a journal line)
 * can break the syntax of a report or carry invalid UTF-8 into it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report_private.h"

/* ---- The model ----------------------------------------------------------- */

int report_model_load(struct report_model *m, struct oracle *o, int64_t run_id)
{
    memset(m, 0, sizeof *m);
    m->o = o;
    int rc = oracle_read_begin(o);
    if (rc)
        return rc;
    if ((rc = oracle_get_run(&m->run, o, run_id)) != 0 || (rc = oracle_get_summary(&m->sum, o, run_id)) != 0
        || (rc = oracle_list_cases(&m->cases, &m->ncases, o, run_id)) != 0
        || (rc = oracle_requirement_matrix(&m->matrix, &m->nmatrix, o, run_id)) != 0) {
        report_model_free(m);
        return rc;
    }
    return 0;
}

void report_model_free(struct report_model *m)
{
    if (!m->o)
        return;
    oracle_run_info_free(&m->run);
    oracle_cases_free(m->cases, m->ncases);
    oracle_matrix_free(m->matrix, m->nmatrix);
    oracle_read_end(m->o);
    memset(m, 0, sizeof *m);
}

int report_rank(int display)
{
    static const int rank[ORACLE_NVERDICTS] = {
        [VERDICT_SKIP] = 0, [VERDICT_PASS] = 1, [ORACLE_XFAIL] = 2, [VERDICT_WARN] = 3,
        [VERDICT_FAIL] = 4, [VERDICT_ERROR] = 5, [VERDICT_TIMEOUT] = 6, [VERDICT_CRASH] = 7,
    };
    return display < 0 || display >= ORACLE_NVERDICTS ? -1 : rank[display];
}

bool report_is_failing(int display)
{
    return display == VERDICT_FAIL || display == VERDICT_ERROR || display == VERDICT_TIMEOUT
           || display == VERDICT_CRASH;
}

int report_group_checks(struct report_check_group **out, size_t *n, const struct oracle_check_result *r, size_t nr)
{
    *out = NULL;
    *n = 0;
    struct report_check_group *g = calloc(nr ? nr : 1, sizeof *g);
    if (!g)
        return hp_error_set(HP_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        if (k == 0 || strcmp(r[g[k - 1].first].check_id, r[i].check_id) != 0) {
            g[k] = (struct report_check_group){.first = i, .shown = i, .display = r[i].display};
            k++;
        }
        struct report_check_group *c = &g[k - 1];
        c->n++;
        if (report_rank(r[i].display) > report_rank(c->display)) {
            c->display = r[i].display;
            c->shown = i;
        }
        if (r[i].display != VERDICT_PASS && r[i].display != ORACLE_XFAIL && r[i].display != VERDICT_SKIP)
            c->failing++;
    }
    *out = g;
    *n = k;
    return 0;
}

/* ---- UTF-8 ---------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s (at most n bytes) and its
 * code point; 0 when it is not valid (overlong, surrogate, > U+10FFFF,
 * truncated). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

static const char replacement[] = "\xEF\xBF\xBD";  /* U+FFFD */

void esc_xml(FILE *f, const char *s, bool attribute)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p);
    while (n) {
        uint32_t cp;
        size_t len = utf8_next(p, n, &cp);
        if (len == 0) {
            fputs(replacement, f);
            p++;
            n--;
            continue;
        }
        switch (cp) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;   /* also keeps "]]>" out of the text */
        case '"': fputs(attribute ? "&quot;" : "\"", f); break;
        case '\'': fputs(attribute ? "&apos;" : "'", f); break;
        case '\t': fputs(attribute ? "&#9;" : "\t", f); break;
        case '\n': fputs(attribute ? "&#10;" : "\n", f); break;
        case '\r': fputs("&#13;", f); break;
        default:
            if (cp < 0x20 || cp == 0x7F)
                fprintf(f, "\\x%02x", (unsigned)cp);       /* not an XML 1.0 character */
            else if (cp == 0xFFFE || cp == 0xFFFF)
                fputs(replacement, f);
            else
                fwrite(p, 1, len, f);
            break;
        }
        p += len;
        n -= len;
    }
}

void esc_json(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p);
    fputc('"', f);
    while (n) {
        uint32_t cp;
        size_t len = utf8_next(p, n, &cp);
        if (len == 0) {
            fputs("\\ufffd", f);
            p++;
            n--;
            continue;
        }
        switch (cp) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        default:
            if (cp < 0x20 || cp == 0x7F)
                fprintf(f, "\\u%04x", (unsigned)cp);
            else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF)
                fprintf(f, "\\u%04x", (unsigned)cp);   /* safe for YAML and JavaScript readers too */
            else
                fwrite(p, 1, len, f);
            break;
        }
        p += len;
        n -= len;
    }
    fputc('"', f);
}

/* One line of text: newlines and tabs become spaces, controls \xNN; escape
 * is called for every other ASCII character and decides. */
static void esc_line(FILE *f, const char *s, size_t max, bool (*special)(int c))
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), written = 0;
    while (n) {
        if (max && written >= max) {
            fputs("...", f);
            return;
        }
        uint32_t cp;
        size_t len = utf8_next(p, n, &cp);
        if (len == 0) {
            fputs(replacement, f);
            p++;
            n--;
            written++;
            continue;
        }
        if (cp == '\n' || cp == '\r' || cp == '\t')
            fputc(' ', f);
        else if (cp < 0x20 || cp == 0x7F)
            fprintf(f, "\\\\x%02x", (unsigned)cp);
        else if (cp < 0x80 && special((int)cp))
            fprintf(f, "\\%c", (int)cp);
        else
            fwrite(p, 1, len, f);
        p += len;
        n -= len;
        written += len;
    }
}

static bool md_special(int c)
{
    return strchr("\\`*_{}[]<>#!|~&", c) != NULL;
}

static bool tap_special(int c)
{
    return c == '#' || c == '\\';
}

void esc_md(FILE *f, const char *s, size_t max)
{
    esc_line(f, s, max, md_special);
}

void esc_tap(FILE *f, const char *s, size_t max)
{
    esc_line(f, s, max, tap_special);
}

void put_seconds(FILE *f, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    fprintf(f, "%lld.%03lld", (long long)(ms / 1000), (long long)(ms % 1000));
}

void put_junit_time(FILE *f, int64_t ms)
{
    char buf[32];
    oracle_format_time(buf, ms);
    fprintf(f, "%.19s", buf);   /* without milliseconds and zone: junit-10.xsd */
}

int report_finish(FILE *f, const char *what)
{
    if (fflush(f) != 0 || ferror(f))
        return hp_error_set(HP_EIO, "%s: write failed: %s", what, strerror(errno ? errno : EIO));
    return 0;
}

/* ---- Formats, dispatch, files ------------------------------------------------ */

static const struct {
    enum report_format format;
    const char *word;
    const char *file;
    int (*write)(FILE *out, struct oracle *o, int64_t run_id);
} formats[] = {
    {REPORT_JSON, "json", "report.json", report_write_json},
    {REPORT_JUNIT, "junit", "junit.xml", report_write_junit},
    {REPORT_HTML, "html", "report.html", report_write_html},
    {REPORT_MD, "md", "summary.md", report_write_md},
    {REPORT_TAP, "tap", "results.tap", report_write_tap},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

int report_parse_formats(unsigned *out, const char *list)
{
    *out = 0;
    if (!list || !*list)
        return hp_error_set(HP_EINVAL, "--format: empty list (json,junit,html,md,tap or all)");
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        bool found = false;
        if (len == 3 && !strncmp(p, "all", 3)) {
            *out |= REPORT_ALL;
            found = true;
        }
        for (size_t i = 0; i < NFORMATS && !found; i++)
            if (strlen(formats[i].word) == len && !strncmp(p, formats[i].word, len)) {
                *out |= formats[i].format;
                found = true;
            }
        if (!found)
            return hp_error_set(HP_EINVAL, "--format: unknown format '%.*s' (json, junit, html, md, tap or all)",
                                (int)len, p);
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

const char *report_file_name(enum report_format format)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].format == format)
            return formats[i].file;
    return NULL;
}

int report_write(FILE *out, struct oracle *o, int64_t run_id, enum report_format format)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].format == format)
            return formats[i].write(out, o, run_id);
    return hp_error_set(HP_EINTERNAL, "unknown report format %u", (unsigned)format);
}

static int make_dirs(const char *dir)
{
    char *path = hp_strdup(dir);
    if (!path)
        return hp_error_set(HP_ENOMEM, "out of memory");
    int rc = 0;
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == 0) {
            char saved = *p;
            *p = 0;
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                rc = hp_error_set(HP_EIO, "%s: cannot create the directory: %s", path, strerror(errno));
                break;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    struct stat sb;
    if (!rc && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        rc = hp_error_set(HP_EIO, "%s: not a directory", dir);
    free(path);
    return rc;
}

int report_write_dir(const char *dir, struct oracle *o, int64_t run_id, unsigned mask)
{
    int rc = make_dirs(dir);
    if (rc)
        return rc;
    for (size_t i = 0; i < NFORMATS && !rc; i++) {
        if (!(mask & formats[i].format))
            continue;
        char *path = hp_sprintf("%s/%s", dir, formats[i].file);
        char *tmp = hp_sprintf("%s/.%s.tmp", dir, formats[i].file);
        if (!path || !tmp) {
            free(path);
            free(tmp);
            return hp_error_set(HP_ENOMEM, "out of memory");
        }
        FILE *f = fopen(tmp, "wb");
        if (!f) {
            rc = hp_error_set(HP_EIO, "%s: %s", tmp, strerror(errno));
        } else {
            rc = formats[i].write(f, o, run_id);
            if (!rc)
                rc = report_finish(f, path);
            if (fclose(f) != 0 && !rc)
                rc = hp_error_set(HP_EIO, "%s: %s", tmp, strerror(errno));
            if (!rc && rename(tmp, path) != 0)
                rc = hp_error_set(HP_EIO, "%s: %s", path, strerror(errno));
            if (rc)
                unlink(tmp);
        }
        free(path);
        free(tmp);
    }
    return rc;
}

bool report_desc_redundant(const char *check_id, const char *description)
{
    size_t n = strlen(description);
    return n == 0 || strncmp(check_id, description, n) == 0;
}

void put_id_array(FILE *f, const char *ids)
{
    fputc('[', f);
    bool first = true;
    for (const char *p = ids ? ids : ""; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e == p)
            break;
        char buf[256];   /* requirement IDs are short; a longer word is cut */
        size_t n = (size_t)(e - p) < sizeof buf - 1 ? (size_t)(e - p) : sizeof buf - 1;
        memcpy(buf, p, n);
        buf[n] = 0;
        fputs(first ? "" : ", ", f);
        esc_json(f, buf);
        first = false;
        p = e;
    }
    fputc(']', f);
}
