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

static const struct {
    HRESULT hr;
    const char *name;
} hresult_names[] = {
#define N(x) {x, #x}
    N(S_OK), N(S_FALSE), N(WBEM_S_NO_ERROR), N(WBEM_S_FALSE), N(WBEM_S_INITIALIZED),
    N(E_NOTIMPL), N(E_NOINTERFACE), N(E_POINTER), N(E_ABORT), N(E_FAIL), N(E_UNEXPECTED),
    N(E_ACCESSDENIED), N(E_HANDLE), N(E_OUTOFMEMORY), N(E_INVALIDARG),
    N(CLASS_E_NOAGGREGATION), N(CLASS_E_CLASSNOTAVAILABLE), N(REGDB_E_CLASSNOTREG),
    N(CO_E_NOTINITIALIZED), N(CO_E_OBJNOTCONNECTED), N(CO_E_CLASSSTRING),
    N(RPC_E_CALL_REJECTED), N(RPC_E_SERVER_DIED), N(RPC_E_SERVERFAULT), N(RPC_E_CHANGED_MODE),
    N(RPC_E_DISCONNECTED), N(RPC_E_WRONG_THREAD), N(DISP_E_TYPEMISMATCH), N(DISP_E_BADVARTYPE),
    N(DISP_E_ARRAYISLOCKED), N(DISP_E_BADINDEX),
    N(WBEM_S_ALREADY_EXISTS), N(WBEM_S_RESET_TO_DEFAULT), N(WBEM_S_DIFFERENT),
    N(WBEM_S_TIMEDOUT), N(WBEM_S_NO_MORE_DATA), N(WBEM_S_OPERATION_CANCELLED), N(WBEM_S_PENDING),
    N(WBEM_S_DUPLICATE_OBJECTS), N(WBEM_S_ACCESS_DENIED), N(WBEM_S_PARTIAL_RESULTS),
    N(WBEM_S_SOURCE_NOT_AVAILABLE), N(WBEM_S_LIMITED_SERVICE), N(WBEM_S_INDIRECTLY_UPDATED),
    N(WBEM_S_SUBJECT_TO_SDS),
    N(WBEM_E_FAILED), N(WBEM_E_NOT_FOUND), N(WBEM_E_ACCESS_DENIED), N(WBEM_E_PROVIDER_FAILURE),
    N(WBEM_E_TYPE_MISMATCH), N(WBEM_E_OUT_OF_MEMORY), N(WBEM_E_INVALID_CONTEXT),
    N(WBEM_E_INVALID_PARAMETER), N(WBEM_E_NOT_AVAILABLE), N(WBEM_E_CRITICAL_ERROR),
    N(WBEM_E_INVALID_STREAM), N(WBEM_E_NOT_SUPPORTED), N(WBEM_E_INVALID_SUPERCLASS),
    N(WBEM_E_INVALID_NAMESPACE), N(WBEM_E_INVALID_OBJECT), N(WBEM_E_INVALID_CLASS),
    N(WBEM_E_PROVIDER_NOT_FOUND), N(WBEM_E_INVALID_PROVIDER_REGISTRATION),
    N(WBEM_E_PROVIDER_LOAD_FAILURE), N(WBEM_E_INITIALIZATION_FAILURE), N(WBEM_E_TRANSPORT_FAILURE),
    N(WBEM_E_INVALID_OPERATION), N(WBEM_E_INVALID_QUERY), N(WBEM_E_INVALID_QUERY_TYPE),
    N(WBEM_E_ALREADY_EXISTS), N(WBEM_E_UNEXPECTED), N(WBEM_E_ILLEGAL_OPERATION),
    N(WBEM_E_READ_ONLY), N(WBEM_E_PROVIDER_NOT_CAPABLE), N(WBEM_E_ILLEGAL_NULL),
    N(WBEM_E_INVALID_PROPERTY_TYPE), N(WBEM_E_VALUE_OUT_OF_RANGE), N(WBEM_E_INVALID_CIM_TYPE),
    N(WBEM_E_INVALID_PROPERTY), N(WBEM_E_CALL_CANCELLED), N(WBEM_E_SHUTTING_DOWN),
    N(WBEM_E_UNSUPPORTED_PARAMETER), N(WBEM_E_INVALID_OBJECT_PATH), N(WBEM_E_BUFFER_TOO_SMALL),
    N(WBEM_E_UNKNOWN_OBJECT_TYPE), N(WBEM_E_MARSHAL_VERSION_MISMATCH),
    N(WBEM_E_MARSHAL_INVALID_SIGNATURE), N(WBEM_E_TOO_MUCH_DATA), N(WBEM_E_SERVER_TOO_BUSY),
    N(WBEM_E_METHOD_NOT_IMPLEMENTED), N(WBEM_E_REFRESHER_BUSY), N(WBEM_E_QUEUE_OVERFLOW),
    N(WBEM_E_PRIVILEGE_NOT_HELD), N(WBEM_E_CLIENT_TOO_SLOW), N(WBEM_E_TIMED_OUT),
    N(WBEM_E_QUOTA_VIOLATION), N(WBEM_E_HANDLE_OUT_OF_DATE), N(WBEM_E_CONNECTION_FAILED),
    N(WBEM_E_INVALID_HANDLE_REQUEST), N(WBEM_E_RERUN_COMMAND), N(WBEM_E_PROVIDER_SUSPENDED),
    N(WBEM_E_PROVIDER_ALREADY_REGISTERED), N(WBEM_E_PROVIDER_NOT_REGISTERED),
    N(WBEM_E_FATAL_TRANSPORT_ERROR), N(WBEM_E_ENCRYPTED_CONNECTION_REQUIRED),
    N(WBEM_E_PROVIDER_TIMED_OUT), N(WBEM_E_NO_KEY), N(WBEM_E_PROVIDER_DISABLED),
    N(WBEM_E_RETRY_LATER), N(WBEM_E_RESOURCE_CONTENTION),
#undef N
};

const char *hp_hresult_name(HRESULT hr)
{
    for (size_t i = 0; i < sizeof hresult_names / sizeof hresult_names[0]; i++)
        if (hresult_names[i].hr == hr)
            return hresult_names[i].name;
    return NULL;
}

const char *hp_hresult_str(HRESULT hr, char *buf, size_t size)
{
    const char *n = hp_hresult_name(hr);
    if (n)
        snprintf(buf, size, "%s", n);
    else
        snprintf(buf, size, "0x%08" PRIX32, (uint32_t)hr);
    return buf;
}

bool hp_hresult_parse(const char *text, HRESULT *out)
{
    for (size_t i = 0; i < sizeof hresult_names / sizeof hresult_names[0]; i++)
        if (hp_streqi(hresult_names[i].name, text)) {
            *out = hresult_names[i].hr;
            return true;
        }
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (end == text || *end || v > 0xFFFFFFFFull)
        return false;
    *out = (HRESULT)(uint32_t)v;
    return true;
}
