/*
 * tests/mocks/test_mof_fuzz.c - robustness of the MOF reader on broken
 * input: every prefix of a few valid MOF files, and a few thousand
 * deterministic corruptions of each (bit flips, deletions, insertions and
 * replacements with characters that mean something in MOF, duplicated
 * slices), read into a fresh repository each time.
 *
 * Invariant checked for every case: the reader returns 0 or HP_EPARSE /
 * HP_EINVAL / HP_EIO with a message "file:line:col: ..." whose position is
 * inside the input, never crashes and never leaks (the CI's ASan build and
 * valgrind see to the last two); an accepted input leaves a repository
 * whose every value can be walked and printed.  The corruptions come from a
 * fixed seed, so a failure is reproducible: the message names the case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cim.h"
#include "repo.h"
#include "util.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must name tests/data/mof"
#endif

#define CORRUPTIONS_PER_FILE 3000

struct stats {
    size_t cases, accepted, rejected;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic across platforms. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static size_t rng_below(size_t n)
{
    return n ? (size_t)(rng() % n) : 0;
}

/* Walks everything an accepted load produced, so that ASan sees any
 * half-built object. */
static void exercise(const struct repo *r)
{
    for (size_t i = 0; i < repo_class_count(r); i++) {
        const struct repo_class *c = repo_class_at(r, i);
        assert_non_null(c->name);
        assert_ptr_equal(repo_class(r, c->name), c);
        for (size_t k = 0; k < c->nprops; k++) {
            const struct repo_property *p = &c->props[k];
            assert_int_equal(repo_prop_index(c, p->name), (int)k);
            char *s = cim_value_to_mof(&p->value);
            assert_non_null(s);
            free(s);
            for (size_t q = 0; q < p->quals.n; q++) {
                s = cim_value_to_mof(&p->quals.v[q].value);
                assert_non_null(s);
                free(s);
            }
        }
        for (size_t q = 0; q < c->quals.n; q++)
            assert_ptr_equal(repo_class_qualifier(c, c->quals.v[q].name), &c->quals.v[q]);
        (void)repo_provider_for_class(r, c);
    }
    for (size_t i = 0; i < repo_instance_count(r); i++) {
        const struct repo_instance *in = repo_instance_at(r, i);
        for (size_t k = 0; k < in->cls->nprops; k++) {
            char *s = cim_value_to_mof(&in->values[k]);
            assert_non_null(s);
            free(s);
        }
    }
    for (size_t i = 0; i < repo_provider_count(r); i++) {
        const struct repo_provider *p = repo_provider_at(r, i);
        assert_ptr_equal(repo_provider(r, p->name), p);
        (void)repo_provider_is_hiperf(r, p);
        (void)repo_provider_classes(r, p, NULL, 0);
    }
}

static unsigned count_lines(const char *data, size_t len)
{
    unsigned n = 1;
    for (size_t i = 0; i < len; i++)
        n += data[i] == '\n';
    return n;
}

static void run_case(const char *name, const char *data, size_t len, const char *what, size_t idx, struct stats *st)
{
    struct repo *r = repo_new();
    assert_non_null(r);
    hp_error_clear();
    int rc = mof_load_buffer(r, name, data, len);
    st->cases++;
    if (rc == 0) {
        st->accepted++;
        exercise(r);
        repo_free(r);
        return;
    }
    st->rejected++;
    const char *msg = hp_error_message();
    if (rc != HP_EPARSE && rc != HP_EINVAL && rc != HP_EIO)
        fail_msg("%s %zu of %s: unexpected %s: %s", what, idx, name, hp_error_name(rc), msg);
    /* "file:line:col: text", the file being this one or one it includes. */
    const char *ext = strstr(msg, ".mof:");
    unsigned line = 0, col = 0;
    int end = 0;
    if (!ext || sscanf(ext + 5, "%u:%u: %n", &line, &col, &end) != 2 || end == 0 || line == 0 || col == 0)
        fail_msg("%s %zu of %s: message without file:line:col: %s", what, idx, name, msg);
    if (strncmp(msg, name, strlen(name)) == 0 && msg[strlen(name)] == ':' && line > count_lines(data, len))
        fail_msg("%s %zu of %s: line %u past the end of the input: %s", what, idx, name, line, msg);
    repo_free(r);
}

static const char significant[] = "{}\"';[]()$#/*=:,\\\n\t 0xAb.-+@\x01\x80\xC3\xFF";

/* One random change to buf (len bytes, room for cap). */
static size_t corrupt(char *buf, size_t len, size_t cap)
{
    size_t pos = rng_below(len + 1);
    switch (rng_below(6)) {
    case 0: /* flip a bit */
        if (len)
            buf[pos % len] ^= (char)(1u << rng_below(8));
        return len;
    case 1: { /* delete 1-4 bytes */
        if (!len)
            return len;
        pos %= len;
        size_t n = 1 + rng_below(4);
        if (n > len - pos)
            n = len - pos;
        memmove(buf + pos, buf + pos + n, len - pos - n);
        return len - n;
    }
    case 2: /* insert a significant character */
    case 3:
        if (len + 1 > cap)
            return len;
        memmove(buf + pos + 1, buf + pos, len - pos);
        buf[pos] = significant[rng_below(sizeof significant - 1)];
        return len + 1;
    case 4: /* replace with a significant character */
        if (len)
            buf[pos % len] = significant[rng_below(sizeof significant - 1)];
        return len;
    default: { /* copy a slice elsewhere (duplicate declarations, aliases) */
        if (!len)
            return len;
        size_t from = rng_below(len), n = 1 + rng_below(64);
        if (n > len - from)
            n = len - from;
        if (len + n > cap)
            return len;
        char tmp[64];
        memcpy(tmp, buf + from, n);
        memmove(buf + pos + n, buf + pos, len - pos);
        memcpy(buf + pos, tmp, n);
        return len + n;
    }
    }
}

static void fuzz_text(const char *name, const char *data, size_t len, uint64_t seed, struct stats *st)
{
    /* Every prefix. */
    for (size_t n = 0; n <= len; n++)
        run_case(name, data, n, "prefix", n, st);
    /* Corruptions, each from the original text. */
    size_t cap = len * 2 + 128;
    char *buf = malloc(cap);
    assert_non_null(buf);
    rng_state = seed;
    for (size_t i = 0; i < CORRUPTIONS_PER_FILE; i++) {
        memcpy(buf, data, len);
        size_t n = len;
        size_t changes = 1 + rng_below(3);
        for (size_t k = 0; k < changes; k++)
            n = corrupt(buf, n, cap);
        run_case(name, buf, n, "corruption", i, st);
    }
    free(buf);
}

static char *read_fixture(const char *name, size_t *len)
{
    char *data = NULL;
    if (hp_read_file(name, &data, len) != 0)
        fail_msg("%s", hp_error_message());
    return data;
}

/* The text as UTF-16LE with a BOM, for the decoder's share of the fuzzing. */
static char *utf16le(const char *s, size_t n, size_t *len)
{
    char *out = malloc(2 + n * 2);
    assert_non_null(out);
    out[0] = (char)0xFF;
    out[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) { /* the fixtures are ASCII */
        out[2 + 2 * i] = s[i];
        out[3 + 2 * i] = 0;
    }
    *len = 2 + n * 2;
    return out;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const fixtures[] = {
    TEST_DATA_DIR "/sdk_style.mof",
    TEST_DATA_DIR "/features.mof",
    TEST_DATA_DIR "/include_main.mof",
};

static void test_fuzz_fixtures(void **state)
{
    (void)state;
    struct stats st = {0};
    double t0 = now();
    for (size_t f = 0; f < sizeof fixtures / sizeof fixtures[0]; f++) {
        size_t len;
        char *data = read_fixture(fixtures[f], &len);
        /* The fixture itself must load. */
        struct repo *r = repo_new();
        if (mof_load_buffer(r, fixtures[f], data, len) != 0)
            fail_msg("fixture does not load: %s", hp_error_message());
        repo_free(r);
        fuzz_text(fixtures[f], data, len, 0x9E3779B97F4A7C15ULL + f, &st);
        free(data);
    }
    double t1 = now();
    print_message("fuzz: %zu cases on UTF-8 fixtures (%zu accepted, %zu rejected) in %.2f s\n", st.cases,
                  st.accepted, st.rejected, t1 - t0);
    assert_true(st.accepted > 0 && st.rejected > 0);
}

static void test_fuzz_utf16(void **state)
{
    (void)state;
    struct stats st = {0};
    double t0 = now();
    size_t len, n16;
    char *data = read_fixture(TEST_DATA_DIR "/sdk_style.mof", &len);
    char *u16 = utf16le(data, len, &n16);
    free(data);
    fuzz_text(TEST_DATA_DIR "/sdk_style16.mof", u16, n16, 0xD1B54A32D192ED03ULL, &st);
    free(u16);
    print_message("fuzz: %zu cases on UTF-16LE (%zu accepted, %zu rejected) in %.2f s\n", st.cases, st.accepted,
                  st.rejected, now() - t0);
    assert_true(st.accepted > 0 && st.rejected > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_fixtures),
        cmocka_unit_test(test_fuzz_utf16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
