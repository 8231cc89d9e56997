/*
 * harness/scn_mem.c - memory for the scenario front end: the allocation
 * wrappers (one place where a test can make every allocation fail in turn),
 * the arena a parsed tree lives in, and a small string builder.
 *
 * Invariant: every byte the front end allocates goes through scn_malloc or
 * scn_realloc, so scn_test_alloc_budget reaches every failure path; a tree's
 * memory is all in its arena and scn_arena_free() releases all of it.
 */
#include <stdarg.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn_private.h"

_Thread_local long scn_test_alloc_budget = -1;

static bool alloc_may_succeed(void)
{
    if (scn_test_alloc_budget < 0)
        return true;
    if (scn_test_alloc_budget == 0)
        return false;
    scn_test_alloc_budget--;
    return true;
}

void *scn_malloc(size_t n)
{
    return alloc_may_succeed() ? malloc(n ? n : 1) : NULL;
}

void *scn_realloc(void *p, size_t n)
{
    return alloc_may_succeed() ? realloc(p, n ? n : 1) : NULL;
}

int scn_grow(void **p, size_t *cap, size_t need, size_t elsize)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return hp_error_set(HP_ENOMEM, "out of memory");
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elsize)
        return hp_error_set(HP_ENOMEM, "out of memory");
    void *np = scn_realloc(*p, ncap * elsize);
    if (!np)
        return hp_error_set(HP_ENOMEM, "out of memory");
    *p = np;
    *cap = ncap;
    return 0;
}

/* ---- Arena ------------------------------------------------------------------ */

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

struct scn_arena {
    struct arena_chunk *head;
};

struct scn_arena *scn_arena_new(void)
{
    struct scn_arena *a = scn_malloc(sizeof *a);
    if (a)
        a->head = NULL;
    return a;
}

void *scn_arena_alloc(struct scn_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    struct arena_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > 8192 ? n : 8192;
        c = scn_malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *scn_arena_strndup(struct scn_arena *a, const char *s, size_t n)
{
    char *d = scn_arena_alloc(a, n + 1);
    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

void *scn_arena_dup(struct scn_arena *a, const void *p, size_t n)
{
    void *d = scn_arena_alloc(a, n);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

void scn_arena_free(struct scn_arena *a)
{
    if (!a)
        return;
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

/* ---- String builder ------------------------------------------------------------ */

void scn_sb_put(struct scn_sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (scn_grow((void **)&b->s, &b->cap, b->len + n + 1, 1) != 0) {
        b->oom = true;
        return;
    }
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void scn_sb_puts(struct scn_sb *b, const char *s)
{
    scn_sb_put(b, s, strlen(s));
}

void scn_sb_printf(struct scn_sb *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    if ((size_t)n < sizeof tmp) {
        scn_sb_put(b, tmp, (size_t)n);
        return;
    }
    char *big = scn_malloc((size_t)n + 1);
    if (!big) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    scn_sb_put(b, big, (size_t)n);
    free(big);
}

char *scn_sb_take(struct scn_sb *b)
{
    if (b->oom) {
        free(b->s);
        *b = (struct scn_sb){0};
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    if (!b->s)
        scn_sb_put(b, "", 0);
    if (b->oom)
        return scn_sb_take(b);
    char *s = b->s;
    *b = (struct scn_sb){0};
    return s;
}
