/*
 * mocks/journal.c - the call journal (see journal.h) and HRESULT names.
 * Invariant: journal_add never blocks and never allocates; interning texts
 * (not on hot paths) takes a lock.
 */
#include "journal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hiperf/com.h"

int journal_init(struct journal *j, size_t capacity, _Atomic int64_t *now_ns)
{
    memset(j, 0, sizeof *j);
    size_t cap = 1024;
    while (cap < capacity)
        cap <<= 1;
    j->ring = calloc(cap, sizeof *j->ring);
    if (!j->ring)
        return hp_error_set(HP_ENOMEM, "journal: out of memory for %zu records", cap);
    j->mask = cap - 1;
    j->enabled = true;
    j->now_ns = now_ns;
    pthread_mutex_init(&j->strlock, NULL);
    return 0;
}

void journal_free(struct journal *j)
{
    for (size_t i = 0; i < j->nstrings; i++)
        free(j->strings[i]);
    free(j->strings);
    free(j->ring);
    pthread_mutex_destroy(&j->strlock);
    memset(j, 0, sizeof *j);
}

int64_t journal_intern(struct journal *j, const char *text)
{
    if (!text)
        return 0;
    char *copy = hp_strdup(text);
    if (!copy)
        return 0;
    pthread_mutex_lock(&j->strlock);
    int64_t id = 0;
    if (hp_grow((void **)&j->strings, &j->capstrings, j->nstrings + 1, sizeof *j->strings) == 0) {
        j->strings[j->nstrings++] = copy;
        id = (int64_t)j->nstrings;
        copy = NULL;
    }
    pthread_mutex_unlock(&j->strlock);
    free(copy);
    return id;
}

int64_t journal_intern16(struct journal *j, const WCHAR *text)
{
    if (!text)
        return 0;
    char *u = hp_utf16_to_utf8(text, (size_t)-1, NULL);
    int64_t id = journal_intern(j, u ? u : "<invalid UTF-16>");
    free(u);
    return id;
}

static const char *string_at(struct journal *j, int64_t id)
{
    const char *s = NULL;
    pthread_mutex_lock(&j->strlock);
    if (id > 0 && (size_t)id <= j->nstrings)
        s = j->strings[id - 1];
    pthread_mutex_unlock(&j->strlock);
    return s;
}

uint64_t journal_add(struct journal *j, enum journal_kind kind, enum hp_method method,
                     enum hp_actor caller, enum hp_actor callee, uint64_t obj,
                     int64_t a0, int64_t a1, int64_t a2, uint8_t strmask, HRESULT hr)
{
    if (!j->enabled)
        return 0;
    if (kind == JOURNAL_CALL && (unsigned)method < HPM_COUNT)
        atomic_fetch_add_explicit(&j->counts[method][callee == HP_ACTOR_PROVIDER], 1,
                                  memory_order_relaxed);
    uint64_t seq = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
    struct journal_rec *r = &j->ring[seq & j->mask];
    *r = (struct journal_rec){
        .seq = seq,
        .t_ns = j->now_ns ? atomic_load_explicit(j->now_ns, memory_order_relaxed) : 0,
        .obj = obj,
        .arg = {a0, a1, a2},
        .hr = hr,
        .method = (uint16_t)method,
        .kind = (uint8_t)kind,
        .caller = (uint8_t)caller,
        .callee = (uint8_t)callee,
        .strmask = strmask,
        .thread = (uint16_t)hp_thread_number(),
    };
    return seq;
}

void journal_note(struct journal *j, const char *fmt, ...)
{
    if (!j->enabled)
        return;
    struct hp_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    int64_t id = journal_intern(j, b.s ? b.s : "");
    hp_buf_free(&b);
    journal_add(j, JOURNAL_NOTE, HPM_COUNT, HP_ACTOR_HOST, HP_ACTOR_HOST, 0, id, 0, 0, 1, S_OK);
}

uint64_t journal_calls(struct journal *j, enum hp_method method, enum hp_actor callee)
{
    return atomic_load(&j->counts[method][callee == HP_ACTOR_PROVIDER]);
}

uint64_t journal_next_seq(struct journal *j)
{
    return atomic_load(&j->next);
}

bool journal_get(struct journal *j, uint64_t seq, struct journal_rec *out)
{
    uint64_t next = atomic_load(&j->next);
    if (seq >= next || next - seq > j->mask + 1)
        return false;
    *out = j->ring[seq & j->mask];
    return out->seq == seq;
}

void journal_format(struct journal *j, const struct journal_rec *r, struct hp_buf *out)
{
    hp_buf_printf(out, "#%" PRIu64 " t=%" PRId64 ".%03" PRId64 "s thr%u ", r->seq,
                  r->t_ns / 1000000000, (r->t_ns / 1000000) % 1000, (unsigned)r->thread);
    if (r->kind == JOURNAL_NOTE) {
        const char *s = string_at(j, r->arg[0]);
        hp_buf_printf(out, "note: %s", s ? s : "?");
        return;
    }
    hp_buf_printf(out, "%s->%s %s", hp_actor_name((enum hp_actor)r->caller),
                  hp_actor_name((enum hp_actor)r->callee), hp_method_name((enum hp_method)r->method));
    if (r->obj)
        hp_buf_printf(out, " on #%" PRIu64, r->obj);
    hp_buf_puts(out, " (");
    for (int i = 0; i < 3; i++) {
        if (i)
            hp_buf_puts(out, ", ");
        if (r->strmask & (1u << i)) {
            const char *s = string_at(j, r->arg[i]);
            hp_buf_printf(out, "\"%s\"", s ? s : "");
        } else {
            hp_buf_printf(out, "%" PRId64, r->arg[i]);
        }
    }
    hp_buf_puts(out, ")");
    if (r->kind == JOURNAL_ENTER) {
        hp_buf_puts(out, " ...");
    } else {
        char hb[32];
        hp_buf_printf(out, " = %s", hp_hresult_str(r->hr, hb, sizeof hb));
    }
}

void journal_dump(struct journal *j, uint64_t from, uint64_t to, FILE *f)
{
    struct journal_rec r;
    for (uint64_t s = from; s < to; s++) {
        if (!journal_get(j, s, &r))
            continue;
        struct hp_buf b = {0};
        journal_format(j, &r, &b);
        fprintf(f, "%s\n", b.s ? b.s : "");
        hp_buf_free(&b);
    }
}
