/*
 * oracle/judge.c - the judging rules: one observation against its
 * expectation gives one verdict and, unless it passes, a message saying
 * what was expected and what was seen.  Pure functions: no database, so
 * every rule is tested on its own (tests/oracle/test_oracle_judge.c) and a
 * stored run judged again gives the same verdicts.
 *
 * Invariant: a malformed observation is the harness's fault and gives
 * ERROR, never FAIL; a failed check of a SHOULD or MAY requirement gives
 * WARN; everything else follows docs/oracle.md ("Judging") exactly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_private.h"

/* ---- Typed values -------------------------------------------------------- */

/* Copies a short numeric text into buf; false if it does not fit. */
static bool numtext(char *buf, size_t size, const char *s, size_t len)
{
    if (len == 0 || len >= size)
        return false;
    memcpy(buf, s, len);
    buf[len] = 0;
    return true;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

bool oracle_tv_parse(struct oracle_tv *out, const char *text, size_t len)
{
    memset(out, 0, sizeof *out);
    char buf[80];
    if (len == 4 && !memcmp(text, "null", 4)) {
        out->type = TV_NULL;
        return true;
    }
    if (len >= 4 && !memcmp(text, "set:", 4)) {
        out->type = TV_SET;
        out->s = text + 4;
        out->slen = len - 4;
        return true;
    }
    if (len < 2 || text[1] != ':')
        return false;
    const char *v = text + 2;
    size_t vlen = len - 2;
    char *end;
    switch (text[0]) {
    case 'u':
        if (!numtext(buf, sizeof buf, v, vlen) || !all_digits(buf))
            return false;
        errno = 0;
        out->u = strtoull(buf, &end, 10);
        if (errno)
            return false;
        out->type = TV_U;
        return true;
    case 'i':
        if (!numtext(buf, sizeof buf, v, vlen) || !all_digits(buf[0] == '-' ? buf + 1 : buf))
            return false;
        errno = 0;
        out->i = strtoll(buf, &end, 10);
        if (errno)
            return false;
        out->type = TV_I;
        return true;
    case 'r':
        if (!numtext(buf, sizeof buf, v, vlen) || buf[0] == ' ')
            return false;
        errno = 0;
        out->r = strtod(buf, &end);
        if (*end || end == buf)
            return false;
        out->type = TV_R;
        return true;
    case 'h':
        if (!numtext(buf, sizeof buf, v, vlen) || !oracle_hresult_parse(buf, &out->h))
            return false;
        out->type = TV_H;
        return true;
    case 'b':
        if (vlen == 4 && !memcmp(v, "true", 4))
            out->b = true;
        else if (vlen == 5 && !memcmp(v, "false", 5))
            out->b = false;
        else
            return false;
        out->type = TV_B;
        return true;
    case 's':
        out->type = TV_S;
        out->s = v;
        out->slen = vlen;
        return true;
    default:
        return false;
    }
}

static bool is_numeric(enum oracle_tv_type t)
{
    return t == TV_U || t == TV_I || t == TV_R;
}

/* n ? r for an exact comparison of an integer with a double (no rounding
 * of the integer to double): -1, 0, 1.  r is not NaN. */
static int cmp_i64_r(int64_t n, double r)
{
    if (r >= 9223372036854775808.0)
        return -1;
    if (r < -9223372036854775808.0)
        return 1;
    int64_t t = (int64_t)r;          /* truncation toward zero, in range */
    if (n != t)
        return n < t ? -1 : 1;
    double frac = r - (double)t;     /* exact */
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

static int cmp_u64_r(uint64_t n, double r)
{
    if (r < 0)
        return 1;
    if (r >= 18446744073709551616.0)
        return -1;
    uint64_t t = (uint64_t)r;
    if (n != t)
        return n < t ? -1 : 1;
    return r - (double)t > 0 ? -1 : 0;
}

/* a ? b for numbers: -1, 0, 1, or 2 when unordered (NaN). */
static int cmp_numeric(const struct oracle_tv *a, const struct oracle_tv *b)
{
    if (a->type == TV_R && b->type == TV_R) {
        if (a->r != a->r || b->r != b->r)
            return 2;
        return a->r < b->r ? -1 : a->r > b->r ? 1 : 0;
    }
    if (a->type == TV_R || b->type == TV_R) {
        const struct oracle_tv *r = a->type == TV_R ? a : b, *n = a->type == TV_R ? b : a;
        if (r->r != r->r)
            return 2;
        int c = n->type == TV_U ? cmp_u64_r(n->u, r->r) : cmp_i64_r(n->i, r->r);
        return a->type == TV_R ? -c : c;
    }
    if (a->type == TV_U && b->type == TV_U)
        return a->u < b->u ? -1 : a->u > b->u ? 1 : 0;
    if (a->type == TV_I && b->type == TV_I)
        return a->i < b->i ? -1 : a->i > b->i ? 1 : 0;
    if (a->type == TV_U) {            /* u ? i */
        if (b->i < 0)
            return 1;
        return a->u < (uint64_t)b->i ? -1 : a->u > (uint64_t)b->i ? 1 : 0;
    }
    if (a->i < 0)                      /* i ? u */
        return -1;
    return (uint64_t)a->i < b->u ? -1 : (uint64_t)a->i > b->u ? 1 : 0;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn ? 1 : 0;
}

struct slice {
    const char *s;
    size_t n;
};

static int slice_cmp(const void *a, const void *b)
{
    const struct slice *x = a, *y = b;
    return cmp_bytes(x->s, x->n, y->s, y->n);
}

/* Splits "a|b|c" into sorted slices; *out owned (free()). -1 on ENOMEM. */
static int split_set(struct slice **out, size_t *n, const char *s, size_t len)
{
    *out = NULL;
    *n = 0;
    if (len == 0)
        return 0;
    size_t cnt = 1;
    for (size_t i = 0; i < len; i++)
        cnt += s[i] == '|';
    struct slice *v = calloc(cnt, sizeof *v);
    if (!v)
        return -1;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= len; i++)
        if (i == len || s[i] == '|') {
            v[k].s = s + start;
            v[k].n = i - start;
            k++;
            start = i + 1;
        }
    qsort(v, cnt, sizeof *v, slice_cmp);
    *out = v;
    *n = cnt;
    return 0;
}

/* Sets: *sub = a is a subset of b (as multisets), *eq = equal.  -1 ENOMEM. */
static int cmp_sets(const struct oracle_tv *a, const struct oracle_tv *b, bool *sub, bool *super, bool *eq)
{
    struct slice *x, *y;
    size_t nx, ny;
    if (split_set(&x, &nx, a->s, a->slen) || split_set(&y, &ny, b->s, b->slen)) {
        free(x);
        return -1;
    }
    size_t i = 0, j = 0, common = 0;
    while (i < nx && j < ny) {
        int c = slice_cmp(&x[i], &y[j]);
        if (c == 0) {
            common++;
            i++;
            j++;
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    *sub = common == nx;
    *super = common == ny;
    *eq = *sub && *super;
    free(x);
    free(y);
    return 0;
}

enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_BAD };

static enum cmp_op parse_op(const char *op)
{
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    for (int i = 0; i < 6; i++)
        if (op && !strcmp(op, ops[i]))
            return (enum cmp_op)i;
    return OP_BAD;
}

static int apply_order(enum cmp_op op, int c)
{
    switch (op) {
    case OP_EQ: return c == 0;
    case OP_NE: return c != 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_GT: return c > 0;
    case OP_GE: return c >= 0;
    default: return -1;
    }
}

int oracle_tv_compare(const struct oracle_tv *a, const char *op_text, const struct oracle_tv *b)
{
    enum cmp_op op = parse_op(op_text);
    if (op == OP_BAD)
        return -1;
    bool ordering = op != OP_EQ && op != OP_NE;
    if (is_numeric(a->type) && is_numeric(b->type)) {
        int c = cmp_numeric(a, b);
        if (c == 2)   /* NaN: unordered, equal to nothing */
            return op == OP_NE;
        return apply_order(op, c);
    }
    if (a->type != b->type) {
        if (ordering)
            return -1;
        return op == OP_NE;          /* values of different types are never equal */
    }
    switch (a->type) {
    case TV_S:
        return apply_order(op, cmp_bytes(a->s, a->slen, b->s, b->slen));
    case TV_H:
        return apply_order(op, (uint32_t)a->h < (uint32_t)b->h ? -1 : (uint32_t)a->h > (uint32_t)b->h ? 1 : 0);
    case TV_B:
        if (ordering)
            return -1;
        return apply_order(op, a->b == b->b ? 0 : 1);
    case TV_NULL:
        if (ordering)
            return -1;
        return op == OP_EQ;
    case TV_SET: {
        bool sub, super, eq;
        if (cmp_sets(a, b, &sub, &super, &eq))
            return -2;
        switch (op) {
        case OP_EQ: return eq;
        case OP_NE: return !eq;
        case OP_LT: return sub && !eq;
        case OP_LE: return sub;
        case OP_GT: return super && !eq;
        case OP_GE: return super;
        default: return -1;
        }
    }
    default:
        return -1;
    }
}

/* ---- Messages ------------------------------------------------------------- */

#define QUOTE_MAX 160

char *oracle_quote_value(const char *s)
{
    size_t n = strlen(s);
    if (n <= QUOTE_MAX)
        return hp_strdup(s);
    /* Cut on a UTF-8 boundary. */
    size_t cut = QUOTE_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return hp_sprintf("%.*s... (%zu bytes)", (int)cut, s, n);
}

static void hr_text(char *buf, size_t size, int32_t hr)
{
    const char *name = oracle_hresult_name(hr);
    if (name)
        snprintf(buf, size, "%s (0x%08X)", name, (unsigned)hr);
    else
        snprintf(buf, size, "0x%08X", (unsigned)hr);
}

static int set_msg(char **message, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int set_msg(char **message, const char *fmt, ...)
{
    struct hp_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    *message = hp_buf_steal(&b);
    return *message ? 0 : hp_error_set(HP_ENOMEM, "out of memory");
}

static const char *kind_name(enum check_kind k)
{
    switch (k) {
    case CHECK_HRESULT: return "HRESULT";
    case CHECK_COMPARE: return "comparison";
    case CHECK_TRUE: return "truth";
    case CHECK_VALUE: return "value";
    case CHECK_SKIP: return "skip";
    }
    return "unknown";
}

static int malformed(enum verdict *v, char **message, const struct oracle_judge_input *in)
{
    *v = VERDICT_ERROR;
    char *q = oracle_quote_value(in->observed ? in->observed : "(none)");
    int rc = set_msg(message, "malformed observation for a %s check: %s", kind_name(in->kind), q ? q : "?");
    free(q);
    return rc;
}

/* ---- The rules --------------------------------------------------------------- */

void oracle_expectation_parse(struct oracle_expectation *out, enum check_kind kind, const char *expected)
{
    out->hr_mode = HR_INVALID;
    out->hr = 0;
    if (kind != CHECK_HRESULT || !expected)
        return;
    if (hp_streqi(expected, "any"))
        out->hr_mode = HR_ANY;
    else if (hp_streqi(expected, "success"))
        out->hr_mode = HR_SUCCESS;
    else if (hp_streqi(expected, "failure"))
        out->hr_mode = HR_FAILURE;
    else if (oracle_hresult_parse(expected, &out->hr))
        out->hr_mode = HR_EXACT;
}

const char oracle_msg_no_baseline[] =
    "no baseline for this provider: value checks are judged after `hiperfcheck bless`";
const char oracle_msg_missing_baseline[] =
    "the provider's baseline has no value for this check (blessed before it existed)";

/* A message that is not allocated: a constant, or text borrowed from the
 * observation. */
static int const_msg(char **message, bool *is_static, const char *text)
{
    *message = (char *)text;
    *is_static = true;
    return 0;
}

static int judge_hresult(enum verdict *v, char **message, bool *is_static, const struct oracle_judge_input *in,
                         const struct oracle_expectation *exp)
{
    struct oracle_tv tv;
    const char *obs = in->observed;
    if (!oracle_tv_parse(&tv, obs, strlen(obs)) || tv.type != TV_H)
        return malformed(v, message, in);
    bool ok;
    switch (exp->hr_mode) {
    case HR_ANY: ok = true; break;
    case HR_SUCCESS: ok = tv.h >= 0; break;
    case HR_FAILURE: ok = tv.h < 0; break;
    case HR_EXACT: ok = tv.h == exp->hr; break;
    default:
        *v = VERDICT_ERROR;
        return set_msg(message, "invalid expected HRESULT '%s'", in->expected ? in->expected : "");
    }
    if (ok) {
        *v = VERDICT_PASS;
        return 0;
    }
    (void)is_static;
    char got[96], wanted[96];
    hr_text(got, sizeof got, tv.h);
    if (exp->hr_mode == HR_SUCCESS || exp->hr_mode == HR_FAILURE)
        snprintf(wanted, sizeof wanted, "%s", exp->hr_mode == HR_SUCCESS ? "success" : "failure");
    else
        hr_text(wanted, sizeof wanted, exp->hr);
    *v = VERDICT_FAIL;
    return set_msg(message, "expected %s, got %s", wanted, got);
}

static const char *tv_type_name(enum oracle_tv_type t)
{
    static const char *const names[] = {"unsigned", "signed", "real", "string", "HRESULT", "boolean", "null", "set"};
    return names[t];
}

static int judge_compare(enum verdict *v, char **message, const struct oracle_judge_input *in)
{
    const char *obs = in->observed;
    const char *sep = strchr(obs, '\x1f');
    if (!sep)
        return malformed(v, message, in);
    struct oracle_tv a, b;
    if (!oracle_tv_parse(&a, obs, (size_t)(sep - obs)) || !oracle_tv_parse(&b, sep + 1, strlen(sep + 1)))
        return malformed(v, message, in);
    const char *op = in->expected;
    int r = oracle_tv_compare(&a, op, &b);
    if (r == -2)
        return hp_error_set(HP_ENOMEM, "out of memory");
    if (r == 1) {
        *v = VERDICT_PASS;
        return 0;
    }
    char *lhs = hp_strndup(obs, (size_t)(sep - obs));
    char *ql = lhs ? oracle_quote_value(lhs) : NULL, *qr = oracle_quote_value(sep + 1);
    int rc;
    if (!ql || !qr) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
    } else if (r == 0) {
        *v = VERDICT_FAIL;
        bool mixed = a.type != b.type && !(is_numeric(a.type) && is_numeric(b.type));
        rc = set_msg(message, "expected %s %s %s%s", ql, op, qr, mixed ? " (values of different types)" : "");
    } else {
        *v = VERDICT_FAIL;
        if (a.type != b.type)
            rc = set_msg(message, "cannot order %s and %s values: %s %s %s", tv_type_name(a.type),
                         tv_type_name(b.type), ql, op, qr);
        else
            rc = set_msg(message, "%s values have no order: %s %s %s", tv_type_name(a.type), ql, op, qr);
    }
    free(lhs);
    free(ql);
    free(qr);
    return rc;
}

static int judge_true(enum verdict *v, char **message, bool *is_static, const struct oracle_judge_input *in)
{
    struct oracle_tv tv;
    if (!oracle_tv_parse(&tv, in->observed, strlen(in->observed)) || tv.type != TV_B)
        return malformed(v, message, in);
    if (tv.b) {
        *v = VERDICT_PASS;
        return 0;
    }
    *v = VERDICT_FAIL;
    return const_msg(message, is_static, "expected true, got false");
}

static int judge_value(enum verdict *v, char **message, bool *is_static, const struct oracle_judge_input *in)
{
    struct oracle_tv tv;
    if (!oracle_tv_parse(&tv, in->observed, strlen(in->observed)))
        return malformed(v, message, in);
    switch (in->baseline_state) {
    case ORACLE_BASELINE_NONE:
        *v = VERDICT_SKIP;
        return const_msg(message, is_static, oracle_msg_no_baseline);
    case ORACLE_BASELINE_MISSING:
        *v = VERDICT_SKIP;
        return const_msg(message, is_static, oracle_msg_missing_baseline);
    case ORACLE_BASELINE_REF_MISSING:
        *v = VERDICT_ERROR;
        return const_msg(message, is_static,
                         "the reference baseline has no value for this check: "
                         "regenerate oracle/reference-baseline.tsv");
    case ORACLE_BASELINE_FOUND:
        break;
    }
    const char *base = in->baseline ? in->baseline : "";
    if (!strcmp(base, in->observed)) {
        *v = VERDICT_PASS;
        return 0;
    }
    char *qo = oracle_quote_value(base), *qn = oracle_quote_value(in->observed);
    int rc;
    if (!qo || !qn) {
        rc = hp_error_set(HP_ENOMEM, "out of memory");
    } else {
        *v = VERDICT_FAIL;
        rc = set_msg(message, "value differs from the baseline: was %s, now %s", qo, qn);
    }
    free(qo);
    free(qn);
    return rc;
}

int oracle_judge_parsed(enum verdict *verdict, char **message, bool *message_static,
                        const struct oracle_judge_input *in, const struct oracle_expectation *exp)
{
    *verdict = VERDICT_ERROR;
    *message = NULL;
    *message_static = false;
    if (!in->observed)
        return malformed(verdict, message, in);
    int rc;
    switch (in->kind) {
    case CHECK_HRESULT:
        rc = judge_hresult(verdict, message, message_static, in, exp);
        break;
    case CHECK_COMPARE:
        rc = judge_compare(verdict, message, in);
        break;
    case CHECK_TRUE:
        rc = judge_true(verdict, message, message_static, in);
        break;
    case CHECK_VALUE:
        rc = judge_value(verdict, message, message_static, in);
        break;
    case CHECK_SKIP: {
        const char *why = in->observed;
        if (!strncmp(why, "s:", 2))
            why += 2;
        *verdict = VERDICT_SKIP;
        rc = const_msg(message, message_static, *why ? why : "a requirement of the scenario (`needs`) is not met");
        break;
    }
    default:
        *verdict = VERDICT_ERROR;
        rc = set_msg(message, "unknown check kind %d", (int)in->kind);
        break;
    }
    if (rc)
        return rc;
    if (*verdict == VERDICT_FAIL && (in->level == REQ_SHOULD || in->level == REQ_MAY))
        *verdict = VERDICT_WARN;
    return 0;
}

int oracle_judge(enum verdict *verdict, char **message, const struct oracle_judge_input *in)
{
    struct oracle_expectation exp;
    oracle_expectation_parse(&exp, in->kind, in->expected);
    bool is_static;
    int rc = oracle_judge_parsed(verdict, message, &is_static, in, &exp);
    if (!rc && is_static && *message) {
        if (!(*message = hp_strdup(*message)))
            return hp_error_set(HP_ENOMEM, "out of memory");
    }
    return rc;
}
