/*
 * harness/exec_facts.c - the expectations that look past one call: the
 * registration read from the MOF (`registration RULE`), the host's objects
 * probed as a client probes them (`O access RULE`), the provider's
 * initialization (`init-*`), its threads and unloading, findings of the
 * ledger by kind or rule (`no-finding`), counts of calls by direction and
 * result (`calls M into provider failing`), what the host's enumerators and
 * remote refreshers returned; plus the steps that call the host's own
 * IWbemHiPerfEnum directly.
 *
 * Invariant: like every expectation, these only observe: they call the
 * provider only where the expectation says so (`com`, `answers`,
 * `registration supports-consistent`), and leave every reference count as
 * they found it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "blob.h"
#include "clientrefr.h"
#include "exec_private.h"
#include "journal.h"
#include "locator.h"
#include "namespace.h"
#include "refrsvc.h"

static struct slotval *slot(struct exec *x, const struct scn_ref *r)
{
    return &x->slots[r->slot];
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- Steps on the host's IWbemHiPerfEnum ----------------------------------------- */

/* Who calls an enumerator's methods: a client through a client enumerator,
 * the host (WMI) otherwise. */
static enum hp_actor enum_caller(const struct slotval *v)
{
    return v->kind == SCN_H_CLIENT_ENUM ? HP_ACTOR_CLIENT : HP_ACTOR_HOST;
}

HRESULT exec_enum_step(struct exec *x, const struct scn_step *s, struct slotval *out, bool *stop)
{
    if (s->verb == SCN_V_HIPERF_ENUM) {
        struct hpenum *e;
        if (hpenum_new(&e, x->host, HP_ACTOR_HOST, x->class_name ? x->class_name : "scenario")) {
            *stop = true;
            exec_stop_case(x, "line %u: out of memory", s->line);
            return WBEM_E_OUT_OF_MEMORY;
        }
        if (out) {
            out->kind = SCN_H_ENUM;
            out->penum = e;
            out->enum_cls = x->cls;
        } else {
            hobj_unref(hpenum_hobj(e), HP_ACTOR_HOST);
        }
        return S_OK;
    }
    struct slotval *v = slot(x, &s->recv);
    if (!v->penum) {
        *stop = true;
        exec_stop_case(x, "line %u: %s holds no enumerator", s->line, s->recv.name);
        return E_UNEXPECTED;
    }
    IWbemHiPerfEnum *e = hpenum_iface(v->penum);
    LONG fl = (LONG)s->opt.flags;
    HRESULT hr = E_UNEXPECTED;
    enum hp_actor prev = hp_actor_set(enum_caller(v));
    switch (s->verb) {
    case SCN_V_ENUM_ADD_OBJECTS: {
        LONG id = (LONG)s->args[0].i;
        const struct scn_arg *a = &s->args[1];
        struct slotval *set = slot(x, &a->ref);
        size_t n = set->ninst;
        size_t i = a->ref.index_last ? n - 1 : (size_t)a->ref.index;
        if (!n || i >= n) {
            hp_actor_set(prev);
            *stop = true;
            exec_stop_case(x, "line %u: %s has %zu instance%s", s->line, a->ref.name, n, n == 1 ? "" : "s");
            return E_UNEXPECTED;
        }
        IWbemObjectAccess *oa = hobject_access(hobject_from_iface(set->inst[i]));
        hr = IWbemHiPerfEnum_AddObjects(e, fl, 1, &id, &oa);
        break;
    }
    case SCN_V_ENUM_REMOVE_OBJECTS: {
        LONG ids[64];
        ULONG n = 0;
        for (size_t k = 0; k < s->nargs && n < 64; k++)
            ids[n++] = (LONG)s->args[k].i;
        hr = IWbemHiPerfEnum_RemoveObjects(e, fl, n, ids);
        break;
    }
    case SCN_V_ENUM_REMOVE_ALL:
        hr = IWbemHiPerfEnum_RemoveAll(e, fl);
        break;
    case SCN_V_ENUM_GET_OBJECTS: {
        size_t count = hpenum_count(v->penum);
        ULONG size = s->opt.size >= 0 ? (ULONG)s->opt.size : (ULONG)count;
        IWbemObjectAccess **objs = calloc(size ? size : 1, sizeof *objs);
        ULONG got = 0xFFFFFFFFu;
        if (!objs) {
            hr = WBEM_E_OUT_OF_MEMORY;
            break;
        }
        hr = IWbemHiPerfEnum_GetObjects(e, fl, size, objs, &got);
        v->has_returned = true;
        v->returned = got;
        /* Each object returned carries a reference of the caller's: it
         * gives them back as a client does, through the vtable. */
        if (SUCCEEDED(hr))
            for (ULONG k = 0; k < got && k < size; k++)
                if (objs[k])
                    IWbemObjectAccess_Release(objs[k]);
        free(objs);
        break;
    }
    default:
        break;
    }
    hp_actor_set(prev);
    return hr;
}

/* ---- `calls` ------------------------------------------------------------------------ */

uint64_t exec_calls_count(struct exec *x, const struct scn_expr *e)
{
    struct journal *j = &x->host->journal;
    enum hp_method m = (enum hp_method)e->method;
    if (e->filter == SCN_CALLS_ALL) {
        uint64_t n = 0;
        if (e->into != SCN_INTO_PROVIDER)
            n += journal_calls(j, m, HP_ACTOR_HOST);
        if (e->into != SCN_INTO_HOST)
            n += journal_calls(j, m, HP_ACTOR_PROVIDER);
        return n;
    }
    uint64_t n = 0, to = journal_next_seq(j);
    for (uint64_t seq = 0; seq < to; seq++) {
        struct journal_rec r;
        if (!journal_get(j, seq, &r) || r.kind != JOURNAL_CALL || r.method != m)
            continue;
        if ((e->into == SCN_INTO_PROVIDER && r.callee != HP_ACTOR_PROVIDER) ||
            (e->into == SCN_INTO_HOST && r.callee != HP_ACTOR_HOST))
            continue;
        if (e->filter == SCN_CALLS_FAILING ? r.hr < 0 : r.hr == e->returning.hr)
            n++;
    }
    return n;
}

/* The calls of `calls ... failing|returning` as lines for the excerpt. */
static void calls_why(struct exec *x, const struct scn_expr *e, struct hp_buf *why)
{
    if (e->filter == SCN_CALLS_ALL)
        return;
    struct journal *j = &x->host->journal;
    uint64_t to = journal_next_seq(j);
    size_t shown = 0;
    for (uint64_t seq = 0; seq < to && shown < 8; seq++) {
        struct journal_rec r;
        if (!journal_get(j, seq, &r) || r.kind != JOURNAL_CALL || r.method != (uint16_t)e->method)
            continue;
        if (e->filter == SCN_CALLS_FAILING ? r.hr < 0 : r.hr == e->returning.hr) {
            journal_format(j, &r, why);
            hp_buf_putc(why, '\n');
            shown++;
        }
    }
}

/* ---- The provider's initialization ---------------------------------------------------- */

static const struct init_record *init_of(struct exec *x, const struct scn_expr *e, struct init_record *tmp)
{
    if (e->a.kind == SCN_ARG_REF)
        return &slot(x, &e->a.ref)->init;
    if (x->load_init.valid)
        return &x->load_init;
    /* No `load`: the first initialization the journal shows. */
    exec_init_scan(x, 0, journal_next_seq(&x->host->journal), tmp);
    return tmp;
}

static int init_fact(const struct init_record *r, const char *word, struct hp_buf *why)
{
    if (!r->valid) {
        hp_buf_puts(why, "no IWbemProviderInit::Initialize was made\n");
        return 0;
    }
    char hb[32], sb[32];
    hp_buf_printf(why, "Initialize returned %s; %zu SetStatus call%s%s%s\n", hp_hresult_str(r->ret, hb, sizeof hb),
                  r->calls, r->calls == 1 ? "" : "s", r->calls ? ", the first with " : "",
                  r->calls ? hp_hresult_str(r->first_status, sb, sizeof sb) : "");
    if (!strcmp(word, "init-reported"))
        return !(SUCCEEDED(r->ret) && r->calls == 0);
    if (!strcmp(word, "init-values"))
        return r->values_ok;
    /* init-agrees: WBEM_S_NO_ERROR, or a failure that agrees with a
     * reported WBEM_E_FAILED. */
    if (r->ret == WBEM_S_NO_ERROR)
        return 1;
    return FAILED(r->ret) && r->calls && r->first_status == WBEM_E_FAILED;
}

/* Every WMI locator the provider created asked for
 * CLSID_WbemAdministrativeLocator (true when it created none): the
 * requests come from the host's CoCreateInstance (mocks/locator.h). */
static int admin_locator_fact(struct exec *x, struct hp_buf *why)
{
    struct locator_requests r;
    host_locator_requests(x->host, &r);
    hp_buf_printf(why, "the provider asked CoCreateInstance for %u administrative and %u other locator%s\n", r.admin,
                  r.other, r.admin + r.other == 1 ? "" : "s");
    if (r.other) {
        const char *name = locator_guid_name(&r.first_other);
        hp_buf_printf(why, "the first other: CLSID_%s; an in-process provider connects with "
                           "CLSID_WbemAdministrativeLocator\n", name ? name : "?");
    }
    return r.other == 0;
}

/* ---- Registration ------------------------------------------------------------------------ */

static bool is_perf_class(const struct repo_class *c)
{
    return c && repo_class_is_a(c, "Win32_PerfRawData");
}

/* Counter types whose value is divided by a base counter that must follow. */
static bool needs_base(int64_t type)
{
    switch (type) {
    case 537003008:   /* PERF_RAW_FRACTION */
    case 537003264:   /* PERF_LARGE_RAW_FRACTION */
    case 549585920:   /* PERF_SAMPLE_FRACTION */
    case 805438464:   /* PERF_AVERAGE_TIMER */
    case 1073874176:  /* PERF_AVERAGE_BULK */
        return true;
    default:
        return false;
    }
}

static bool is_base_type(int64_t type)
{
    return type == 1073939459 || type == 1073939712 || type == 1073939458 || type == 1073939457;
}

static int64_t qual_int(const struct repo_qualifier *q)
{
    if (!q || q->value.null)
        return -1;
    CIMTYPE t = q->value.type & ~CIM_FLAG_ARRAY;
    if (t == CIM_UINT8 || t == CIM_UINT16 || t == CIM_UINT32 || t == CIM_UINT64)
        return (int64_t)q->value.v.u;
    if (t == CIM_SINT8 || t == CIM_SINT16 || t == CIM_SINT32 || t == CIM_SINT64)
        return q->value.v.i;
    return -1;
}

static bool qual_true(const struct repo_qualifier *q)
{
    if (!q)
        return false;
    if (q->value.null)
        return true;
    return (q->value.type & ~CIM_FLAG_ARRAY) != CIM_BOOLEAN || q->value.v.i != 0;
}

static int registration_fact(struct exec *x, const char *rule, struct hp_buf *why)
{
    const struct repo_class *c = x->cls;
    const struct repo_provider *reg = c ? repo_provider_for_class(x->repo, c) : NULL;
    if (!c) {
        hp_buf_puts(why, "the scenario has no class\n");
        return 0;
    }
    if (!strcmp(rule, "win32provider")) {
        bool ok = reg && reg->name && *reg->name && reg->has_clsid;
        if (!ok)
            hp_buf_printf(why, "%s: no __Win32Provider named by provider(\"%s\") with Name and CLSID\n", c->name,
                          c->provider ? c->provider : "");
        return ok;
    }
    if (!strcmp(rule, "client-loadable")) {
        bool ok = !c->hiperf || (reg && reg->has_client_clsid);
        if (!ok)
            hp_buf_printf(why, "%s is hiperf but its provider registers no ClientLoadableCLSID\n", c->name);
        return ok;
    }
    if (!strcmp(rule, "instance-registration")) {
        bool ok = reg && reg->instance_registration && (reg->supports_get || reg->supports_enumeration);
        if (!ok)
            hp_buf_printf(why, "no __InstanceProviderRegistration for the provider with SupportsGet or "
                               "SupportsEnumeration TRUE\n");
        return ok;
    }
    if (!strcmp(rule, "dynamic")) {
        bool ok = c->dynamic && c->provider && reg && !strcasecmp(c->provider, reg->name);
        if (!ok)
            hp_buf_printf(why, "%s: dynamic %s, provider(\"%s\")%s\n", c->name, c->dynamic ? "set" : "missing",
                          c->provider ? c->provider : "", reg ? "" : " names no registered provider");
        return ok;
    }
    if (!is_perf_class(c))
        return 1;   /* the perf-class rules apply to Win32_PerfRawData classes only */
    if (!strcmp(rule, "hiperf-qualifier")) {
        bool ok = c->hiperf && qual_true(repo_class_qualifier(c, "hiperf"));
        if (!ok)
            hp_buf_printf(why, "%s derives from Win32_PerfRawData without Hiperf(TRUE)\n", c->name);
        return ok;
    }
    if (!strcmp(rule, "name-key")) {
        size_t keys = 0, bad = 0;
        for (size_t i = 0; i < c->nprops; i++) {
            if (!c->props[i].key)
                continue;
            keys++;
            if (strcasecmp(c->props[i].name, "Name")) {
                bad++;
                hp_buf_printf(why, "key property %s is not Name\n", c->props[i].name);
            }
        }
        if (!c->singleton && keys == 0)
            hp_buf_printf(why, "%s has no key and is not a singleton\n", c->name);
        return bad == 0 && (keys > 0 || c->singleton) && !(c->singleton && keys);
    }
    if (!strcmp(rule, "no-genericperfctr")) {
        bool ok = !repo_class_qualifier(c, "GenericPerfCtr");
        if (!ok)
            hp_buf_printf(why, "%s defines GenericPerfCtr, which is ADAP's\n", c->name);
        return ok;
    }
    if (!strcmp(rule, "perf-schema")) {
        size_t bad = 0;
        for (size_t i = 0; i < c->nprops; i++) {
            const struct repo_property *p = &c->props[i];
            if (p->origin != c || p->key)
                continue;
            CIMTYPE t = p->type;
            int64_t ct = qual_int(repo_prop_qualifier(p, "CounterType"));
            if (t != CIM_UINT32 && t != CIM_UINT64) {
                hp_buf_printf(why, "%s is not uint32 or uint64\n", p->name);
                bad++;
            }
            if (ct < 0) {
                hp_buf_printf(why, "%s has no CounterType\n", p->name);
                bad++;
                continue;
            }
            if (!is_base_type(ct) && (!repo_prop_qualifier(p, "DisplayName") || !repo_prop_qualifier(p, "PerfDetail"))) {
                hp_buf_printf(why, "%s lacks DisplayName or PerfDetail\n", p->name);
                bad++;
            }
            if (needs_base(ct)) {
                bool found = i + 1 < c->nprops && strlen(c->props[i + 1].name) == strlen(p->name) + 5 &&
                             !strncasecmp(c->props[i + 1].name, p->name, strlen(p->name)) &&
                             !strcasecmp(c->props[i + 1].name + strlen(p->name), "_Base");
                if (!found) {
                    hp_buf_printf(why, "%s (CounterType %" PRId64 ") is not followed by %s_Base\n", p->name, ct,
                                  p->name);
                    bad++;
                }
            }
        }
        return bad == 0;
    }
    return 0;
}

/* `registration supports-consistent`: what the registration claims works
 * (answers something other than WBEM_E_PROVIDER_NOT_CAPABLE). */
static int supports_fact(struct exec *x, struct hp_buf *why)
{
    const struct repo_provider *reg = x->cls ? repo_provider_for_class(x->repo, x->cls) : NULL;
    if (!reg)
        return 0;
    bool ok = true;
    IWbemClassObject **objs = NULL;
    size_t n = 0;
    HRESULT hr = host_query_instances(x->host, x->cls, &objs, &n);
    if (reg->supports_enumeration && hr == WBEM_E_PROVIDER_NOT_CAPABLE) {
        hp_buf_puts(why, "SupportsEnumeration, but enumerating answers WBEM_E_PROVIDER_NOT_CAPABLE\n");
        ok = false;
    }
    if (reg->supports_get && n) {
        char *path = hobject_relpath(hobject_from_iface(objs[0]));
        struct hobject *got = NULL;
        HRESULT g = path ? host_get_instance(x->host, path, &got) : E_OUTOFMEMORY;
        if (got)
            hobj_unref(hobject_hobj(got), HP_ACTOR_HOST);
        if (g == WBEM_E_PROVIDER_NOT_CAPABLE) {
            hp_buf_printf(why, "SupportsGet, but getting %s answers WBEM_E_PROVIDER_NOT_CAPABLE\n", path);
            ok = false;
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        hobj_unref(hobject_hobj(hobject_from_iface(objs[i])), HP_ACTOR_HOST);
    free(objs);
    return ok;
}

/* ---- The host's objects, as a client probes them ---------------------------------------- */

static struct hobject *subject_object(struct exec *x, const struct scn_ref *r)
{
    struct slotval *v = slot(x, r);
    if (v->kind == SCN_H_SINK) {
        if (!v->ninst)
            return NULL;
        size_t i = r->index_last ? v->ninst - 1 : r->has_index ? (size_t)r->index : 0;
        return i < v->ninst ? hobject_from_iface(v->inst[i]) : NULL;
    }
    return v->obj;
}

struct lock_probe {
    IWbemObjectAccess *oa;
    atomic_bool locked, done;
};

static void *lock_probe_thread(void *p)
{
    struct lock_probe *lp = p;
    hp_actor_set(HP_ACTOR_CLIENT);
    IWbemObjectAccess_Lock(lp->oa, 0);
    atomic_store(&lp->locked, true);
    IWbemObjectAccess_Unlock(lp->oa, 0);
    atomic_store(&lp->done, true);
    return NULL;
}

static int access_fact(struct exec *x, struct hobject *o, const char *rule, struct hp_buf *why)
{
    if (!o) {
        hp_buf_puts(why, "the handle holds no object\n");
        return 0;
    }
    const struct repo_class *c = hobject_class(o);
    IWbemClassObject *co = hobject_iface(o);
    enum hp_actor prev = hp_actor_set(HP_ACTOR_CLIENT);
    int ok = 1;
    void *q = NULL;
    HRESULT hr = IWbemClassObject_QueryInterface(co, &IID_IWbemObjectAccess, &q);
    IWbemObjectAccess *oa = SUCCEEDED(hr) ? q : NULL;
    if (!strcmp(rule, "qi")) {
        ok = oa != NULL;
        if (!ok)
            hp_buf_printf(why, "QueryInterface(IWbemObjectAccess) gave 0x%08" PRIX32 "\n", (uint32_t)hr);
    } else if (!oa) {
        ok = 0;
        hp_buf_puts(why, "the object does not answer IWbemObjectAccess\n");
    } else if (!strcmp(rule, "handle-stable")) {
        struct hobject *other = hobject_new_instance(x->host, c, HP_ACTOR_HOST);
        IWbemObjectAccess *ob = other ? hobject_access(other) : NULL;
        for (size_t i = 0; ob && i < c->nprops; i++) {
            WCHAR *name = hp_utf8_to_utf16(c->props[i].name, (size_t)-1, NULL);
            CIMTYPE t1 = 0, t2 = 0;
            LONG h1 = 0, h2 = 0;
            HRESULT r1 = IWbemObjectAccess_GetPropertyHandle(oa, name, &t1, &h1);
            HRESULT r2 = IWbemObjectAccess_GetPropertyHandle(ob, name, &t2, &h2);
            free(name);
            if (r1 != r2 || (SUCCEEDED(r1) && (h1 != h2 || t1 != t2))) {
                hp_buf_printf(why, "%s: handle 0x%x type %d here, 0x%x type %d in another instance\n",
                              c->props[i].name, (unsigned)h1, (int)t1, (unsigned)h2, (int)t2);
                ok = 0;
            }
        }
        if (other) {
            hp_actor_set(HP_ACTOR_HOST);
            hobj_unref(hobject_hobj(other), HP_ACTOR_HOST);
            hp_actor_set(HP_ACTOR_CLIENT);
        }
    } else if (!strcmp(rule, "handle-errors")) {
        CIMTYPE t;
        LONG h;
        hr = IWbemObjectAccess_GetPropertyHandle(oa, u"HiPerfCheck_NoSuchProperty", &t, &h);
        if (hr != WBEM_E_NOT_FOUND) {
            hp_buf_printf(why, "GetPropertyHandle of an unknown name gave 0x%08" PRIX32 ", not WBEM_E_NOT_FOUND\n",
                          (uint32_t)hr);
            ok = 0;
        }
        for (size_t i = 0; i < c->nprops; i++) {
            CIMTYPE pt = c->props[i].type;
            if (!(pt & CIM_FLAG_ARRAY) && pt != CIM_OBJECT)
                continue;
            WCHAR *name = hp_utf8_to_utf16(c->props[i].name, (size_t)-1, NULL);
            hr = IWbemObjectAccess_GetPropertyHandle(oa, name, &t, &h);
            free(name);
            if (hr != WBEM_E_NOT_SUPPORTED) {
                hp_buf_printf(why, "GetPropertyHandle of %s (an array or object) gave 0x%08" PRIX32 "\n",
                              c->props[i].name, (uint32_t)hr);
                ok = 0;
            }
        }
    } else if (!strcmp(rule, "read-string")) {
        bool tried = false;
        for (size_t i = 0; i < c->nprops && !tried; i++) {
            if (c->props[i].type != CIM_STRING || hobject_is_null_at(o, i))
                continue;
            WCHAR *name = hp_utf8_to_utf16(c->props[i].name, (size_t)-1, NULL);
            CIMTYPE t;
            LONG h, need = -1;
            hr = IWbemObjectAccess_GetPropertyHandle(oa, name, &t, &h);
            free(name);
            if (FAILED(hr))
                continue;
            tried = true;
            hr = IWbemObjectAccess_ReadPropertyValue(oa, h, 0, &need, NULL);
            if (hr != WBEM_E_BUFFER_TOO_SMALL || need < 2) {
                hp_buf_printf(why, "%s: asking the size gave 0x%08" PRIX32 " and %d bytes\n", c->props[i].name,
                              (uint32_t)hr, (int)need);
                ok = 0;
                break;
            }
            BYTE *buf = calloc((size_t)need, 1);
            LONG got = -1;
            hr = buf ? IWbemObjectAccess_ReadPropertyValue(oa, h, need, &got, buf) : E_OUTOFMEMORY;
            bool good = hr == WBEM_S_NO_ERROR && got == need && got % 2 == 0 && buf && buf[got - 1] == 0 &&
                        buf[got - 2] == 0;
            if (!good) {
                hp_buf_printf(why, "%s: ReadPropertyValue gave 0x%08" PRIX32 ", %d bytes of %d, %s\n",
                              c->props[i].name, (uint32_t)hr, (int)got, (int)need,
                              good ? "NUL-terminated" : "not a NUL-terminated UTF-16 string");
                ok = 0;
            }
            free(buf);
        }
        if (!tried)
            hp_buf_puts(why, "no non-NULL string property with a handle: nothing to read\n");
    } else if (!strcmp(rule, "lock")) {
        HRESULT l = IWbemObjectAccess_Lock(oa, 0);
        struct lock_probe lp = {.oa = oa};
        pthread_t t;
        bool started = l == WBEM_S_NO_ERROR && pthread_create(&t, NULL, lock_probe_thread, &lp) == 0;
        bool waited = false;
        if (started) {
            sleep_ms(30);
            waited = !atomic_load(&lp.locked);
        }
        HRESULT u = IWbemObjectAccess_Unlock(oa, 0);
        if (started) {
            for (int i = 0; i < 2000 && !atomic_load(&lp.done); i++)
                sleep_ms(1);
            if (atomic_load(&lp.done))
                pthread_join(t, NULL);
            else
                pthread_detach(t);
        }
        HRESULT l2 = IWbemObjectAccess_Lock(oa, 0x1234);
        HRESULT u2 = l2 == WBEM_S_NO_ERROR ? IWbemObjectAccess_Unlock(oa, 0x1234) : l2;
        ok = l == WBEM_S_NO_ERROR && u == WBEM_S_NO_ERROR && waited && atomic_load(&lp.done) &&
             l2 == WBEM_S_NO_ERROR && u2 == WBEM_S_NO_ERROR;
        if (!ok)
            hp_buf_printf(why, "Lock 0x%08" PRIX32 ", Unlock 0x%08" PRIX32 ", another thread's Lock %s, "
                               "with lFlags 0x1234: 0x%08" PRIX32 "/0x%08" PRIX32 "\n",
                          (uint32_t)l, (uint32_t)u, waited ? "waited" : "did not wait", (uint32_t)l2, (uint32_t)u2);
    }
    if (oa)
        IWbemObjectAccess_Release(oa);
    hp_actor_set(prev);
    return ok;
}

/* ---- Enumerators, refreshers, objects ------------------------------------------------------ */

static int shallow_fact(struct exec *x, struct slotval *v, struct hp_buf *why)
{
    const struct repo_class *want = v->enum_cls ? v->enum_cls : x->cls;
    if (!v->penum || !want) {
        hp_buf_puts(why, "the handle holds no enumerator of a known class\n");
        return 0;
    }
    struct hpenum_item *items;
    size_t n = hpenum_snapshot(v->penum, &items);
    size_t bad = 0;
    for (size_t i = 0; i < n && n != (size_t)-1; i++) {
        const struct repo_class *c = items[i].hobject ? hobject_class(items[i].hobject) : NULL;
        if (c != want) {
            if (bad < 8)
                hp_buf_printf(why, "member %d is of class %s, not %s\n", (int)items[i].id, c ? c->name : "?",
                              want->name);
            bad++;
        }
    }
    if (n != (size_t)-1)
        hpenum_snapshot_free(items, n);
    return bad == 0;
}

/* The identity (IUnknown) of a provider object, compared and released at once. */
static void *identity_of(struct exec *x, IUnknown *o)
{
    void *p = NULL;
    if (SUCCEEDED(HOST_CALL_PROVIDER(x->host, HPM_IUnknown_QueryInterface, o, 0, 0, 0, 0,
                                     IUnknown_QueryInterface(o, &IID_IUnknown, &p))) && p) {
        host_provider_release(x->host, p, HPM_IUnknown_Release);
        return p;
    }
    return NULL;
}

static int distinct_fact(struct exec *x, const struct scn_ref *r, struct hp_buf *why)
{
    struct slotval *v = slot(x, r);
    if (v->kind == SCN_H_REFRESHER) {
        /* A new refresher object per CreateRefresher: its identity differs
         * from every other live refresher's. */
        void *id = v->refresher ? identity_of(x, (IUnknown *)v->refresher) : NULL;
        if (!id) {
            hp_buf_puts(why, "the handle holds no refresher (or it does not answer IUnknown)\n");
            return 0;
        }
        for (size_t i = 0; i < x->scn->nslots; i++) {
            struct slotval *o = &x->slots[i];
            if (o == v || o->kind != SCN_H_REFRESHER || !o->refresher || o->foreign)
                continue;
            if (identity_of(x, (IUnknown *)o->refresher) == id) {
                hp_buf_printf(why, "the same object as refresher %s\n", x->scn->slots[i].name);
                return 0;
            }
        }
        return 1;
    }
    if (!v->obj) {
        hp_buf_puts(why, "the handle holds no object\n");
        return 0;
    }
    uint64_t id = hobject_id(v->obj);
    if (v->tmpl_id && id == v->tmpl_id) {
        hp_buf_puts(why, "the provider returned the template itself\n");
        return 0;
    }
    for (size_t i = 0; i < x->scn->nslots; i++) {
        struct slotval *o = &x->slots[i];
        if (o == v || !o->obj || (o->kind != SCN_H_OBJECT && o->kind != SCN_H_CLIENT_OBJECT))
            continue;
        if (hobject_id(o->obj) == id) {
            hp_buf_printf(why, "the same object (#%" PRIu64 ") as %s\n", id, x->scn->slots[i].name);
            return 0;
        }
    }
    return 1;
}

static int agrees_fact(struct slotval *v, struct hp_buf *why)
{
    if (!v->sink) {
        hp_buf_puts(why, "the handle holds no sink\n");
        return 0;
    }
    struct objsink_stats st;
    objsink_get_stats(v->sink, &st);
    if (!st.complete)
        return 1;   /* only the return code said something */
    bool ok = SUCCEEDED(v->returned_hr) == SUCCEEDED(st.final_status);
    if (!ok)
        hp_buf_printf(why, "returned 0x%08" PRIX32 ", SetStatus said 0x%08" PRIX32 "\n", (uint32_t)v->returned_hr,
                      (uint32_t)st.final_status);
    return ok;
}

/* Provider threads still running: tasks now, less those the case began
 * with and those the executor runs. */
static long provider_threads(struct exec *x)
{
    long n = exec_thread_count() - x->threads_at_start;
    for (size_t i = 0; i < x->scn->nslots; i++)
        if (x->slots[i].kind == SCN_H_THREAD && x->slots[i].started && !atomic_load(&x->slots[i].done))
            n--;
    return n < 0 ? 0 : n;
}

/* The COM object a `com`/`answers` subject names, and whether it is the
 * provider's (asked by the host) or the host's (asked by a client). */
static IUnknown *com_subject(struct exec *x, const struct scn_arg *a, bool *provider_side, const char **label)
{
    *provider_side = true;
    if (a->kind == SCN_ARG_KEYWORD) {
        struct hostprov *p = exec_case_provider(x);
        *label = "the provider";
        return p ? p->unknown : NULL;
    }
    struct slotval *v = slot(x, &a->ref);
    *label = a->ref.name;
    switch (v->kind) {
    case SCN_H_REFRESHER: return (IUnknown *)v->refresher;
    case SCN_H_FACTORY:
    case SCN_H_PROVOBJ: return v->unk;
    default: break;
    }
    *provider_side = false;
    switch (v->kind) {
    case SCN_H_CLIENT: return v->client ? (IUnknown *)clientrefr_refresher(v->client) : NULL;
    case SCN_H_RSERVICES: return (IUnknown *)host_refreshing_services(x->host);
    case SCN_H_REMOTE: return (IUnknown *)v->remote;
    case SCN_H_ENUM:
    case SCN_H_CLIENT_ENUM: return v->penum ? (IUnknown *)hpenum_iface(v->penum) : NULL;
    default: return v->obj ? (IUnknown *)hobject_iface(v->obj) : NULL;
    }
}

static char *guid_value(bool has, const GUID *g)
{
    if (!has)
        return hp_strdup("null");
    return hp_sprintf("s:{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned)g->Data1, g->Data2,
                      g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
                      g->Data4[6], g->Data4[7]);
}

char *exec_guid_operand(struct exec *x, const struct scn_ref *r)
{
    struct slotval *v = slot(x, r);
    if (!strcmp(r->field, "serverguid"))
        return guid_value(v->has_server_guid, &v->server_guid);
    if (v->kind == SCN_H_INFO)
        return guid_value(v->info.m_lType == WBEM_REFRESH_TYPE_REMOTE, &v->info.m_Info.m_Remote.m_Guid);
    return guid_value(v->has_guid, &v->guid);
}

/* `O elapsed TS per FREQ since S OP D`: the time the timestamp says passed
 * since the snapshot, (TS - S.TS) / FREQ, in nanoseconds, against D. */
static char *elapsed_value(struct exec *x, const struct scn_expr *e, struct hp_buf *why)
{
    struct slotval *v = slot(x, &e->a.ref);
    struct slotval *sn = slot(x, &e->b.ref);
    struct cim_value ts = {0}, freq = {0};
    bool ok = v->obj && sn->kind == SCN_H_SNAPSHOT && sn->snap_cls && hobject_get(v->obj, e->property, &ts) == 0 &&
              hobject_get(v->obj, e->arg, &freq) == 0;
    int ti = ok ? repo_prop_index(sn->snap_cls, e->property) : -1;
    const struct cim_value *old = ti >= 0 ? &sn->values[ti] : NULL;
    char *out = NULL;
    if (!ok || !old || ts.null || freq.null || old->null) {
        hp_buf_printf(why, "%s or %s is missing or NULL (now or in the snapshot)\n", e->property, e->arg);
    } else if (freq.v.u == 0) {
        hp_buf_printf(why, "%s is 0\n", e->arg);
    } else {
        /* Unsigned 64-bit counters; a timestamp that went back is a
         * negative span. */
        __int128 d = (__int128)ts.v.u - (__int128)old->v.u;
        __int128 ns = d * 1000000000 / (__int128)freq.v.u;
        if (ns > INT64_MAX)
            ns = INT64_MAX;
        if (ns < INT64_MIN)
            ns = INT64_MIN;
        hp_buf_printf(why, "%s moved by %" PRId64 " ticks at %" PRIu64 " a second: %" PRId64 " ns\n", e->property,
                      (int64_t)d, freq.v.u, (int64_t)ns);
        out = hp_sprintf("i:%" PRId64 "\x1fi:%" PRId64, (int64_t)ns, e->c.i);
    }
    cim_value_clear(&ts);
    cim_value_clear(&freq);
    return out ? out : hp_sprintf("null\x1fi:%" PRId64, e->c.i);
}

/* ---- The dispatcher ----------------------------------------------------------------------------- */

static char *truth(int t)
{
    return hp_strdup(t ? "b:true" : "b:false");
}

static char *number(uint64_t n, const struct scn_arg *b)
{
    return hp_sprintf("u:%" PRIu64 "\x1fi:%" PRId64, n, b->i);
}

char *exec_fact(struct exec *x, const struct scn_expr *e, struct hp_buf *why)
{
    struct slotval *v = e->a.kind == SCN_ARG_REF ? slot(x, &e->a.ref) : NULL;
    const char *w = e->word ? e->word : "";

    if (e->kind == SCN_X_CALLS) {
        uint64_t n = exec_calls_count(x, e);
        calls_why(x, e, why);
        if (e->rhs) {
            uint64_t m = exec_calls_count(x, e->rhs);
            return hp_sprintf("u:%" PRIu64 "\x1fu:%" PRIu64, n, m);
        }
        return number(n, &e->b);
    }
    if (e->kind == SCN_X_NO_FINDING) {
        struct ledger *l = &x->host->ledger;
        bool rule = strchr(e->arg, '.') != NULL;
        size_t n = 0;
        pthread_mutex_lock(&l->lock);
        for (size_t i = 0; i < l->nfindings; i++) {
            const struct ledger_finding *f = &l->findings[i];
            bool hit = rule ? f->kind == LEDGER_COM_RULE && f->text && f->text[0] == '[' &&
                                  !strncmp(f->text + 1, e->arg, strlen(e->arg))
                            : !strcmp(ledger_finding_kind_name(f->kind), e->arg);
            if (hit) {
                if (n < 10)
                    hp_buf_printf(why, "%s: %s\n", ledger_finding_kind_name(f->kind), f->text ? f->text : "");
                n++;
            }
        }
        pthread_mutex_unlock(&l->lock);
        return truth(n == 0);
    }
    if (e->kind == SCN_X_HRESULT_OF) {
        if (!strcmp(w, "init-status")) {
            struct init_record tmp;
            const struct init_record *r = init_of(x, e, &tmp);
            if (!r->valid)
                hp_buf_puts(why, "no IWbemProviderInit::Initialize was made\n");
            else if (!r->calls)
                hp_buf_puts(why, "no SetStatus: the observed status is Initialize's return\n");
            HRESULT h = !r->valid ? E_UNEXPECTED : r->calls ? (HRESULT)r->first_status : r->ret;
            return hp_sprintf("h:0x%08" PRIX32, (uint32_t)h);
        }
        /* reconnect-status */
        if (!v || !v->has_reconnect)
            hp_buf_puts(why, "the refresh info was not in a ReconnectRemoteRefresher\n");
        return hp_sprintf("h:0x%08" PRIX32, (uint32_t)(v && v->has_reconnect ? v->reconnect_hr : E_UNEXPECTED));
    }
    if (e->kind == SCN_X_NUMBER) {
        if (!strcmp(w, "init-setstatus-calls")) {
            struct init_record tmp;
            return number(init_of(x, e, &tmp)->calls, &e->b);
        }
        if (!strcmp(w, "threads")) {
            /* Only an unloaded DLL must have no thread left; one that stayed
             * loaded (S_FALSE) may keep its threads. */
            if (!x->unloaded) {
                hp_buf_puts(why, "the DLL is still loaded: its threads may run\n");
                return number(0, &e->b);
            }
            long n = provider_threads(x);
            if (n)
                hp_buf_printf(why, "%ld thread%s still running after the DLL was unloaded\n", n, n == 1 ? "" : "s");
            return number((uint64_t)n, &e->b);
        }
        if (!strcmp(w, "elapsed"))
            return elapsed_value(x, e, why);
        if (!strcmp(w, "returned")) {
            if (!v || !v->has_returned) {
                hp_buf_puts(why, "no GetObjects was made on the enumerator\n");
                return hp_sprintf("null\x1fi:%" PRId64, e->b.i);
            }
            return number(v->returned, &e->b);
        }
        if (!strcmp(w, "refreshed")) {
            if (!v || !v->has_refreshed)
                hp_buf_puts(why, "no RemoteRefresh was made\n");
            return hp_sprintf("i:%d\x1fi:%" PRId64, v && v->has_refreshed ? (int)v->refreshed : -1, e->b.i);
        }
        /* server-version, client-version */
        if (!v || !v->has_svr_version) {
            hp_buf_puts(why, "no call was made on the refreshing services\n");
            return hp_sprintf("null\x1fi:%" PRId64, e->b.i);
        }
        return number(!strcmp(w, "client-version") ? v->client_version : v->svr_version, &e->b);
    }
    /* SCN_X_FACT */
    if (!strcmp(w, "no-client-refs")) {
        long held = ledger_held(&x->host->ledger, HP_ACTOR_CLIENT);
        if (held)
            hp_buf_printf(why, "the client still holds %ld reference%s\n", held, held == 1 ? "" : "s");
        return truth(held == 0);
    }
    if (!strcmp(w, "registration")) {
        if (!strcmp(e->arg, "supports-consistent"))
            return truth(supports_fact(x, why));
        return truth(registration_fact(x, e->arg, why));
    }
    if (!strcmp(w, "out-null")) {
        if (!v || !v->out_seen) {
            hp_buf_puts(why, "no call with an [out] interface pointer bound this handle\n");
            return truth(0);
        }
        if (v->out_failed && !v->out_null)
            hp_buf_puts(why, "the call failed and left its [out] pointer non-NULL\n");
        return truth(!v->out_failed || v->out_null);
    }
    if (!strcmp(w, "com") || !strcmp(w, "answers")) {
        bool provider_side;
        const char *label;
        IUnknown *o = com_subject(x, &e->a, &provider_side, &label);
        if (!o) {
            hp_buf_puts(why, "the subject holds no object\n");
            return truth(0);
        }
        if (!strcmp(w, "com")) {
            char *lb = hp_sprintf("%s (line %u)", label, e->line);
            int t = exec_com_rule(x, o, e->arg, lb ? lb : label, why);
            free(lb);
            return truth(t);
        }
        const char *name = e->arg;
        if (!strcmp(name, "primary")) {
            const struct repo_provider *reg = x->cls ? repo_provider_for_class(x->repo, x->cls) : NULL;
            bool hiperf = x->cls && x->cls->hiperf && reg && repo_provider_is_hiperf(x->repo, reg);
            name = hiperf ? "IWbemHiPerfProvider" : "IWbemServices";
        }
        return truth(exec_answers(x, o, provider_side, exec_iid(name), name, why));
    }
    if (!strcmp(w, "init-context")) {
        if (!v || !v->nswrap) {
            hp_buf_puts(why, "the provider object was not initialized by the scenario\n");
            return truth(0);
        }
        return truth(exec_nswrap_ok(v->nswrap, why));
    }
    if (!strncmp(w, "init-", 5)) {
        struct init_record tmp;
        return truth(init_fact(init_of(x, e, &tmp), w, why));
    }
    if (!strcmp(w, "unloaded")) {
        /* A provider thread that runs after the unload crashes here. */
        sleep_ms(100);
        if (!x->can_unload_asked)
            hp_buf_puts(why, "the provider was not released (Release provider)\n");
        else if (!x->unloaded)
            hp_buf_puts(why, "DllCanUnloadNow answered S_FALSE once everything was released\n");
        return truth(x->unloaded);
    }
    if (!strcmp(w, "admin-locator"))
        return truth(admin_locator_fact(x, why));
    if (!strcmp(w, "distinct"))
        return truth(distinct_fact(x, &e->a.ref, why));
    if (!strcmp(w, "refresher-id"))
        return truth(exec_client_refresher_id_ok(why));
    if (!strcmp(w, "agrees"))
        return truth(v && agrees_fact(v, why));
    if (!strcmp(w, "shallow"))
        return truth(v && shallow_fact(x, v, why));
    if (!strcmp(w, "access"))
        return truth(access_fact(x, subject_object(x, &e->a.ref), e->arg, why));
    if (!strcmp(w, "blobs-valid")) {
        if (!v || !v->has_refreshed)
            hp_buf_puts(why, "no RemoteRefresh was made\n");
        else if (v->blobs_why)
            hp_buf_puts(why, v->blobs_why);
        return truth(v && v->has_refreshed && v->blobs_ok);
    }
    hp_buf_printf(why, "unknown fact '%s'\n", w);
    return truth(0);
}

/* Checks the blobs of one RemoteRefresh ([MS-WMI] 2.2.15/2.2.16): an error
 * item has no bytes, an instance blob decodes, an enum blob decodes with
 * version 1.  Returns whether all are well formed; reasons into *why_out. */
bool exec_check_blobs(const WBEM_REFRESHED_OBJECT *objs, LONG n, char **why_out)
{
    struct hp_buf b = {0};
    size_t bad = 0;
    for (LONG i = 0; objs && i < n; i++) {
        const WBEM_REFRESHED_OBJECT *o = &objs[i];
        if (o->m_lBlobType == WBEM_BLOB_TYPE_ERROR) {
            if (o->m_lBlobLength != 0) {
                hp_buf_printf(&b, "item %d: an error blob of %d bytes\n", (int)o->m_lRequestId, (int)o->m_lBlobLength);
                bad++;
            }
        } else if (o->m_lBlobType == WBEM_BLOB_TYPE_ALL) {
            struct blob_instance bi;
            if (!o->m_pbBlob || blob_decode_instance(&bi, o->m_pbBlob, (size_t)o->m_lBlobLength, NULL)) {
                hp_buf_printf(&b, "item %d: the instance blob does not decode\n", (int)o->m_lRequestId);
                bad++;
            } else {
                blob_instance_free(&bi);
            }
        } else if (o->m_lBlobType == WBEM_BLOB_TYPE_ENUM) {
            struct blob_instance *v = NULL;
            size_t k = 0;
            bool v1 = o->m_pbBlob && o->m_lBlobLength >= 4 && o->m_pbBlob[0] == 1 && o->m_pbBlob[1] == 0 &&
                      o->m_pbBlob[2] == 0 && o->m_pbBlob[3] == 0;
            if (!v1 || blob_decode_enum(&v, &k, o->m_pbBlob, (size_t)o->m_lBlobLength)) {
                hp_buf_printf(&b, "item %d: the enum blob %s\n", (int)o->m_lRequestId,
                              v1 ? "does not decode" : "is not version 1");
                bad++;
            } else {
                blob_enum_free(v, k);
            }
        } else {
            hp_buf_printf(&b, "item %d: blob type %d\n", (int)o->m_lRequestId, (int)o->m_lBlobType);
            bad++;
        }
    }
    *why_out = b.s ? hp_buf_steal(&b) : NULL;
    hp_buf_free(&b);
    return bad == 0;
}
