/*
 * tests/oracle/json_check.c - strict JSON parsing and JSON Schema (subset)
 * validation for the report tests (json_check.h).
 * Invariant: anything RFC 8259 forbids is an error with its offset, and a
 * schema keyword outside the supported subset is an error too, so the
 * schema cannot silently stop being checked.
 */
#include "json_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const unsigned char *s;
    size_t len, pos;
    char *err;
    size_t errsize;
    bool failed;
    int depth;
};

static void *fail(struct parser *p, const char *what)
{
    if (!p->failed)
        snprintf(p->err, p->errsize, "offset %zu: %s", p->pos, what);
    p->failed = true;
    return NULL;
}

static void ws(struct parser *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) && p->s[p->pos])
        p->pos++;
}

static struct json *node(enum json_type t)
{
    struct json *j = calloc(1, sizeof *j);
    if (j)
        j->type = t;
    return j;
}

void json_free(struct json *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        json_free(j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->str);
    free(j);
}

static void put_utf8(char *out, size_t *n, unsigned cp)
{
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | cp >> 6);
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | cp >> 12);
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | cp >> 18);
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* Length of a valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp, min;
    size_t len;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static int hex4(struct parser *p, unsigned *out)
{
    if (p->pos + 4 > p->len)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return -1;
    }
    *out = v;
    return 0;
}

static char *string(struct parser *p, size_t *outlen)
{
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return fail(p, "expected a string");
    p->pos++;
    char *out = malloc(p->len - p->pos + 1);
    size_t n = 0;
    if (!out)
        return fail(p, "out of memory");
    while (1) {
        if (p->pos >= p->len) {
            free(out);
            return fail(p, "unterminated string");
        }
        unsigned char c = p->s[p->pos];
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            free(out);
            return fail(p, "unescaped control character in a string");
        }
        if (c == '\\') {
            p->pos++;
            if (p->pos >= p->len) {
                free(out);
                return fail(p, "bad escape");
            }
            unsigned char e = p->s[p->pos++];
            unsigned cp;
            switch (e) {
            case '"': out[n++] = '"'; break;
            case '\\': out[n++] = '\\'; break;
            case '/': out[n++] = '/'; break;
            case 'b': out[n++] = '\b'; break;
            case 'f': out[n++] = '\f'; break;
            case 'n': out[n++] = '\n'; break;
            case 'r': out[n++] = '\r'; break;
            case 't': out[n++] = '\t'; break;
            case 'u':
                if (hex4(p, &cp)) {
                    free(out);
                    return fail(p, "bad \\u escape");
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned lo;
                    if (p->pos + 2 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                        free(out);
                        return fail(p, "lone high surrogate");
                    }
                    p->pos += 2;
                    if (hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                        free(out);
                        return fail(p, "bad low surrogate");
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    free(out);
                    return fail(p, "lone low surrogate");
                }
                put_utf8(out, &n, cp);
                break;
            default:
                free(out);
                return fail(p, "bad escape");
            }
            continue;
        }
        size_t l = utf8_len(p->s + p->pos, p->len - p->pos);
        if (!l) {
            free(out);
            return fail(p, "invalid UTF-8 in a string");
        }
        memcpy(out + n, p->s + p->pos, l);
        n += l;
        p->pos += l;
    }
    out[n] = 0;
    *outlen = n;
    return out;
}

static struct json *value(struct parser *p);

static bool push(struct json *j, char *key, struct json *v)
{
    struct json **items = realloc(j->items, (j->n + 1) * sizeof *items);
    if (!items)
        return false;
    j->items = items;
    if (j->type == JSON_OBJECT) {
        char **keys = realloc(j->keys, (j->n + 1) * sizeof *keys);
        if (!keys)
            return false;
        j->keys = keys;
        keys[j->n] = key;
    }
    items[j->n++] = v;
    return true;
}

static struct json *number(struct parser *p)
{
    size_t start = p->pos;
    bool integral = true;
    if (p->s[p->pos] == '-')
        p->pos++;
    if (p->pos >= p->len || !(p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
        return fail(p, "bad number");
    if (p->s[p->pos] == '0' && p->pos + 1 < p->len && p->s[p->pos + 1] >= '0' && p->s[p->pos + 1] <= '9')
        return fail(p, "leading zero");
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
        p->pos++;
    if (p->pos < p->len && p->s[p->pos] == '.') {
        integral = false;
        p->pos++;
        if (p->pos >= p->len || !(p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
            return fail(p, "bad fraction");
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
            p->pos++;
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        integral = false;
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->len || !(p->s[p->pos] >= '0' && p->s[p->pos] <= '9'))
            return fail(p, "bad exponent");
        while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
            p->pos++;
    }
    char buf[64];
    size_t n = p->pos - start;
    if (n >= sizeof buf)
        return fail(p, "number too long");
    memcpy(buf, p->s + start, n);
    buf[n] = 0;
    struct json *j = node(JSON_NUMBER);
    if (!j)
        return fail(p, "out of memory");
    j->num = strtod(buf, NULL);
    j->integral = integral;
    return j;
}

static bool literal(struct parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->pos + n > p->len || memcmp(p->s + p->pos, word, n) != 0)
        return false;
    p->pos += n;
    return true;
}

static struct json *value(struct parser *p)
{
    ws(p);
    if (p->pos >= p->len)
        return fail(p, "unexpected end");
    if (++p->depth > 200)
        return fail(p, "nested too deeply");
    unsigned char c = p->s[p->pos];
    struct json *j = NULL;
    if (c == '{') {
        p->pos++;
        j = node(JSON_OBJECT);
        ws(p);
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
        } else {
            while (j) {
                ws(p);
                size_t klen;
                char *key = string(p, &klen);
                if (!key)
                    break;
                for (size_t i = 0; i < j->n; i++)
                    if (!strcmp(j->keys[i], key)) {
                        free(key);
                        fail(p, "duplicate key");
                        key = NULL;
                        break;
                    }
                if (!key)
                    break;
                ws(p);
                if (p->pos >= p->len || p->s[p->pos] != ':') {
                    free(key);
                    fail(p, "expected ':'");
                    break;
                }
                p->pos++;
                struct json *v = value(p);
                if (!v || !push(j, key, v)) {
                    free(key);
                    json_free(v);
                    fail(p, "bad member");
                    break;
                }
                ws(p);
                if (p->pos < p->len && p->s[p->pos] == ',') {
                    p->pos++;
                    continue;
                }
                if (p->pos < p->len && p->s[p->pos] == '}') {
                    p->pos++;
                    break;
                }
                fail(p, "expected ',' or '}'");
                break;
            }
        }
    } else if (c == '[') {
        p->pos++;
        j = node(JSON_ARRAY);
        ws(p);
        if (p->pos < p->len && p->s[p->pos] == ']') {
            p->pos++;
        } else {
            while (j) {
                struct json *v = value(p);
                if (!v || !push(j, NULL, v)) {
                    json_free(v);
                    fail(p, "bad item");
                    break;
                }
                ws(p);
                if (p->pos < p->len && p->s[p->pos] == ',') {
                    p->pos++;
                    continue;
                }
                if (p->pos < p->len && p->s[p->pos] == ']') {
                    p->pos++;
                    break;
                }
                fail(p, "expected ',' or ']'");
                break;
            }
        }
    } else if (c == '"') {
        j = node(JSON_STRING);
        if (j && !(j->str = string(p, &j->len))) {
            json_free(j);
            j = NULL;
        }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        j = number(p);
    } else if (literal(p, "true")) {
        j = node(JSON_BOOL);
        j->b = true;
    } else if (literal(p, "false")) {
        j = node(JSON_BOOL);
    } else if (literal(p, "null")) {
        j = node(JSON_NULL);
    } else {
        fail(p, "unexpected character");
    }
    p->depth--;
    if (p->failed) {
        json_free(j);
        return NULL;
    }
    return j;
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errsize)
{
    struct parser p = {.s = (const unsigned char *)text, .len = len, .err = err, .errsize = errsize};
    struct json *j = value(&p);
    if (j) {
        ws(&p);
        if (p.pos != p.len) {
            fail(&p, "text after the value");
            json_free(j);
            return NULL;
        }
    }
    return j;
}

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key))
            return obj->items[i];
    return NULL;
}

/* ---- Schema validation ------------------------------------------------------- */

struct vctx {
    const struct json *root;
    char *err;
    size_t errsize;
};

static bool vfail(struct vctx *v, const char *path, const char *what, const char *detail)
{
    snprintf(v->err, v->errsize, "%s: %s%s%s", *path ? path : "(root)", what, detail ? " " : "", detail ? detail : "");
    return false;
}

static bool equal(const struct json *a, const struct json *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case JSON_NULL: return true;
    case JSON_BOOL: return a->b == b->b;
    case JSON_NUMBER: return a->num == b->num;
    case JSON_STRING: return a->len == b->len && !memcmp(a->str, b->str, a->len);
    case JSON_ARRAY:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++)
            if (!equal(a->items[i], b->items[i]))
                return false;
        return true;
    case JSON_OBJECT:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++) {
            const struct json *o = json_get(b, a->keys[i]);
            if (!o || !equal(a->items[i], o))
                return false;
        }
        return true;
    }
    return false;
}

static bool type_ok(const char *t, const struct json *x)
{
    if (!strcmp(t, "null")) return x->type == JSON_NULL;
    if (!strcmp(t, "boolean")) return x->type == JSON_BOOL;
    if (!strcmp(t, "string")) return x->type == JSON_STRING;
    if (!strcmp(t, "array")) return x->type == JSON_ARRAY;
    if (!strcmp(t, "object")) return x->type == JSON_OBJECT;
    if (!strcmp(t, "number")) return x->type == JSON_NUMBER;
    if (!strcmp(t, "integer")) return x->type == JSON_NUMBER && x->integral && x->num == floor(x->num);
    return false;
}

static bool validate(struct vctx *v, const struct json *s, const struct json *x, const char *path);

static bool validate(struct vctx *v, const struct json *s, const struct json *x, const char *path)
{
    if (s->type != JSON_OBJECT)
        return vfail(v, path, "schema is not an object", NULL);
    for (size_t i = 0; i < s->n; i++) {
        const char *k = s->keys[i];
        const struct json *a = s->items[i];
        if (!strcmp(k, "$schema") || !strcmp(k, "$id") || !strcmp(k, "title") || !strcmp(k, "description")
            || !strcmp(k, "$defs") || !strcmp(k, "additionalProperties")) {
            continue;   /* annotations, or handled with "properties" */
        } else if (!strcmp(k, "$ref")) {
            if (a->type != JSON_STRING || strncmp(a->str, "#/$defs/", 8) != 0)
                return vfail(v, path, "unsupported $ref", a->str);
            const struct json *target = json_get(json_get(v->root, "$defs"), a->str + 8);
            if (!target)
                return vfail(v, path, "unresolved $ref", a->str);
            if (!validate(v, target, x, path))
                return false;
        } else if (!strcmp(k, "type")) {
            bool ok = false;
            if (a->type == JSON_STRING)
                ok = type_ok(a->str, x);
            else
                for (size_t t = 0; t < a->n && !ok; t++)
                    ok = type_ok(a->items[t]->str, x);
            if (!ok)
                return vfail(v, path, "wrong type", NULL);
        } else if (!strcmp(k, "const")) {
            if (!equal(a, x))
                return vfail(v, path, "not the constant", NULL);
        } else if (!strcmp(k, "enum")) {
            bool ok = false;
            for (size_t e = 0; e < a->n && !ok; e++)
                ok = equal(a->items[e], x);
            if (!ok)
                return vfail(v, path, "not one of the enum", x->type == JSON_STRING ? x->str : NULL);
        } else if (!strcmp(k, "minimum")) {
            if (x->type == JSON_NUMBER && x->num < a->num)
                return vfail(v, path, "below the minimum", NULL);
        } else if (!strcmp(k, "required")) {
            if (x->type != JSON_OBJECT)
                continue;
            for (size_t r = 0; r < a->n; r++)
                if (!json_get(x, a->items[r]->str))
                    return vfail(v, path, "missing required member", a->items[r]->str);
        } else if (!strcmp(k, "properties")) {
            if (x->type != JSON_OBJECT)
                continue;
            const struct json *extra = json_get(s, "additionalProperties");
            for (size_t m = 0; m < x->n; m++) {
                char sub[512];
                snprintf(sub, sizeof sub, "%s/%s", path, x->keys[m]);
                const struct json *ps = json_get(a, x->keys[m]);
                if (ps) {
                    if (!validate(v, ps, x->items[m], sub))
                        return false;
                } else if (extra && extra->type == JSON_BOOL && !extra->b) {
                    return vfail(v, sub, "member not allowed by the schema", NULL);
                } else if (extra && extra->type == JSON_OBJECT) {
                    if (!validate(v, extra, x->items[m], sub))
                        return false;
                }
            }
        } else if (!strcmp(k, "items")) {
            if (x->type != JSON_ARRAY)
                continue;
            for (size_t it = 0; it < x->n; it++) {
                char sub[512];
                snprintf(sub, sizeof sub, "%s/%zu", path, it);
                if (!validate(v, a, x->items[it], sub))
                    return false;
            }
        } else if (!strcmp(k, "anyOf")) {
            bool ok = false;
            char saved[512];
            snprintf(saved, sizeof saved, "%s", v->err);
            for (size_t alt = 0; alt < a->n && !ok; alt++)
                ok = validate(v, a->items[alt], x, path);
            if (!ok)
                return vfail(v, path, "matches no alternative of anyOf", NULL);
            snprintf(v->err, v->errsize, "%s", saved);
        } else {
            return vfail(v, path, "schema keyword outside the supported subset:", k);
        }
    }
    return true;
}

bool json_validate(const struct json *schema, const struct json *instance, char *err, size_t errsize)
{
    struct vctx v = {.root = schema, .err = err, .errsize = errsize};
    err[0] = 0;
    return validate(&v, schema, instance, "");
}
