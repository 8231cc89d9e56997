/*
 * tests/mocks/refusal.c - see refusal.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "refusal.h"

void refusal_watch(struct refusal *z, struct host *host, enum hp_method m)
{
    z->host = host;
    z->m = m;
    z->before = journal_calls(&host->journal, m, HP_ACTOR_HOST);
    z->from = journal_next_seq(&host->journal);
}

void refusal_arm(struct refusal *z, struct host *host, enum hp_method m)
{
    assert_int_equal(faults_add(&host->faults, m, FAULT_NTH, 1, 0, 0, E_FAIL), 0);
    refusal_watch(z, host, m);
}

struct journal_rec refusal_check(const struct refusal *z, HRESULT hr, enum hp_actor caller, uint64_t obj)
{
    struct journal *j = &z->host->journal;
    assert_int_equal(journal_calls(j, z->m, HP_ACTOR_HOST), z->before + 1);
    struct journal_rec found;
    memset(&found, 0, sizeof found);
    int n = 0;
    for (uint64_t s = z->from, to = journal_next_seq(j); s < to; s++) {
        struct journal_rec rec;
        if (journal_get(j, s, &rec) && rec.kind == JOURNAL_CALL && rec.method == z->m &&
            rec.callee == HP_ACTOR_HOST) {
            found = rec;
            n++;
        }
    }
    assert_int_equal(n, 1);
    assert_int_equal(found.hr, hr);
    assert_int_equal(found.caller, caller);
    assert_int_equal(found.obj, obj);
    return found;
}

struct journal_rec refusal_last(struct host *host, enum hp_method m)
{
    struct journal *j = &host->journal;
    struct journal_rec rec;
    for (uint64_t s = journal_next_seq(j); s-- > 0;)
        if (journal_get(j, s, &rec) && rec.kind == JOURNAL_CALL && rec.method == m && rec.callee == HP_ACTOR_HOST)
            return rec;
    fail_msg("no call of %s into the host in the journal", hp_method_name(m));
    memset(&rec, 0, sizeof rec);
    return rec;
}

bool refusal_mentions(struct host *host, const struct journal_rec *rec, const char *s)
{
    struct hp_buf b = {0};
    journal_format(&host->journal, rec, &b);
    bool found = b.s && strstr(b.s, s);
    hp_buf_free(&b);
    return found;
}
