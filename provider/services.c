/*
 * provider/services.c - the IWbemServices interface both reference
 * providers expose (the hi-perf one and the ordinary one): the three
 * methods WMI calls on an instance provider (GetObjectAsync,
 * CreateInstanceEnumAsync, ExecQueryAsync) and WBEM_E_NOT_SUPPORTED for
 * every other one, as Windows providers get from their base class.
 *
 * Invariant: once a method has a sink to report to, it calls SetStatus on
 * it exactly once, after any Indicate, and returns the same HRESULT it
 * reported.  Without a sink it returns WBEM_E_INVALID_PARAMETER and calls
 * nothing.  Objects it indicates are released after Indicate (the sink
 * AddRefs what it keeps).  Out-pointers of unsupported methods are NULLed.
 */
#include <stdlib.h>

#include "provider_private.h"

static struct rp_services *impl_from_IWbemServices(IWbemServices *iface)
{
    return RP_CONTAINER_OF(iface, struct rp_services, IWbemServices_iface);
}

HRESULT rp_sink_status(IWbemObjectSink *sink, HRESULT hr)
{
    IWbemObjectSink_SetStatus(sink, WBEM_STATUS_COMPLETE, hr, NULL, NULL);
    return hr;
}

HRESULT rp_services_enumerate(struct rp_services *s, IWbemServices *ns, int cls, IWbemObjectSink *sink)
{
    IWbemClassObject **objs;
    uint64_t scratch[RP_MAX_PROPS];
    unsigned n = 0, ninst;
    struct rp_now now;
    HRESULT hr = WBEM_S_NO_ERROR;

    if (cls < 0 || !s->ops->serves(s, cls))
        return rp_sink_status(sink, WBEM_E_INVALID_CLASS);
    const struct rp_class *c = &rp_classes[cls];
    ninst = rp_class_ninst(c);
    objs = malloc(ninst * sizeof(*objs));
    if (!objs)
        return rp_sink_status(sink, WBEM_E_OUT_OF_MEMORY);
    rp_now_read(&now);
    for (unsigned inst = 0; inst < ninst; inst++) {
        if (!c->values(&now, inst, scratch))
            continue;  /* does not exist at this instant */
        hr = s->ops->make(s, ns, cls, inst, &now, &objs[n]);
        if (FAILED(hr))
            break;
        n++;
    }
    if (SUCCEEDED(hr) && n > 0)
        hr = IWbemObjectSink_Indicate(sink, (LONG)n, objs);
#if !defined(HIPERF_DEFECT_QUERY_KEEPS_OBJECTS)
    /* (DEFECT query_keeps_objects, HP-QUERYINSTANCES-NO-KEEP: without this
     * loop the provider takes Indicate for handing its objects over and
     * never releases its own references.) */
    for (unsigned i = 0; i < n; i++)
        IWbemClassObject_Release(objs[i]);
#endif
    free(objs);
#if defined(HIPERF_DEFECT_QUERY_NEVER_COMPLETES)
    /* DEFECT query_never_completes (HP-QUERYINSTANCES-SETSTATUS): keeps the
     * sink "to complete it later", returns success, and never calls
     * SetStatus. */
    IWbemObjectSink_AddRef(sink);
    return FAILED(hr) ? hr : WBEM_S_NO_ERROR;
#else
    return rp_sink_status(sink, FAILED(hr) ? hr : WBEM_S_NO_ERROR);
#endif
}

/* ---- object paths and WQL ------------------------------------------------ */

#define MAX_NAME 256

static bool is_ident(WCHAR c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_';
}

static bool is_space(WCHAR c)
{
    return c == u' ' || c == u'\t' || c == u'\r' || c == u'\n';
}

/* Copies [start, end) into buf (MAX_NAME units with the NUL); false if it
 * is empty or too long. */
static bool copy_token(const WCHAR *start, const WCHAR *end, WCHAR *buf)
{
    size_t len = (size_t)(end - start);
    if (len == 0 || len >= MAX_NAME)
        return false;
    for (size_t i = 0; i < len; i++)
        buf[i] = start[i];
    buf[len] = 0;
    return true;
}

/* Parses the minimal object paths a provider is asked for:
 *   [\\server\namespace:|namespace:]Class.Key="value"
 *   [...]Class="value"        (the key unnamed)
 *   [...]Class=@              (a singleton)
 * with \" and \\ escapes in the value.  *cls and *inst get the indices.
 * WBEM_E_INVALID_OBJECT_PATH for anything else (including a bare class
 * path), WBEM_E_INVALID_CLASS for a class we do not know, WBEM_E_NOT_FOUND
 * for a key that names no instance. */
static HRESULT parse_object_path(const WCHAR *path, int *cls, int *inst)
{
    WCHAR name[MAX_NAME], value[MAX_NAME];
    const WCHAR *p = path, *start;
    size_t n = 0;

    if (!p || !*p)
        return WBEM_E_INVALID_OBJECT_PATH;
    if ((p[0] == u'\\' && p[1] == u'\\') || (p[0] == u'/' && p[1] == u'/')) {
        while (*p && *p != u':')
            p++;
        if (!*p)
            return WBEM_E_INVALID_OBJECT_PATH;
        p++;
    } else {
        for (const WCHAR *q = p; *q && *q != u'.' && *q != u'=' && *q != u'"'; q++) {
            if (*q == u':') {
                p = q + 1;
                break;
            }
        }
    }
    for (start = p; *p && *p != u'.' && *p != u'='; p++)
        ;
    if (!copy_token(start, p, name))
        return WBEM_E_INVALID_OBJECT_PATH;
    *cls = rp_class_lookup(name);
    if (*cls < 0)
        return WBEM_E_INVALID_CLASS;
    const struct rp_class *c = &rp_classes[*cls];

    if (!*p)
        return WBEM_E_INVALID_OBJECT_PATH;  /* a class, not an instance */
    if (p[0] == u'=' && p[1] == u'@' && !p[2]) {
        if (c->key)
            return WBEM_E_INVALID_OBJECT_PATH;
        *inst = 0;
        return WBEM_S_NO_ERROR;
    }
    if (!c->key)
        return WBEM_E_INVALID_OBJECT_PATH;
    if (*p == u'.') {
        for (start = ++p; *p && *p != u'='; p++)
            ;
        if (!*p || !copy_token(start, p, name) || !rp_wcs_ieq(name, c->key))
            return WBEM_E_INVALID_OBJECT_PATH;
    }
    p++;  /* the '=' */
    if (*p++ != u'"')
        return WBEM_E_INVALID_OBJECT_PATH;
    for (; *p && *p != u'"'; p++) {
        if (*p == u'\\' && (p[1] == u'"' || p[1] == u'\\'))
            p++;
        if (n + 1 >= MAX_NAME)
            return WBEM_E_INVALID_OBJECT_PATH;
        value[n++] = *p;
    }
    if (*p != u'"' || p[1])
        return WBEM_E_INVALID_OBJECT_PATH;
    value[n] = 0;
    *inst = rp_instance_lookup(c, value);
    return *inst < 0 ? WBEM_E_NOT_FOUND : WBEM_S_NO_ERROR;
}

/* Matches keyword `kw` (upper case ASCII) at *p, case-insensitively and
 * not followed by an identifier character; advances *p past it. */
static bool match_keyword(const WCHAR **p, const char *kw)
{
    const WCHAR *q = *p;
    for (; *kw; kw++, q++) {
        WCHAR c = *q >= u'a' && *q <= u'z' ? (WCHAR)(*q - u'a' + u'A') : *q;
        if (c != (WCHAR)*kw)
            return false;
    }
    if (is_ident(*q))
        return false;
    *p = q;
    return true;
}

static const WCHAR *skip_space(const WCHAR *p)
{
    while (is_space(*p))
        p++;
    return p;
}

/* Parses `SELECT * FROM Class` (any case, any spacing).  *cls gets the
 * class index.  WBEM_E_INVALID_QUERY for any other query,
 * WBEM_E_INVALID_CLASS for a class we do not know. */
static HRESULT parse_query(const WCHAR *query, int *cls)
{
    WCHAR name[MAX_NAME];
    const WCHAR *p, *start;

    if (!query)
        return WBEM_E_INVALID_QUERY;
    p = skip_space(query);
    if (!match_keyword(&p, "SELECT"))
        return WBEM_E_INVALID_QUERY;
    p = skip_space(p);
    if (*p++ != u'*')
        return WBEM_E_INVALID_QUERY;
    p = skip_space(p);
    if (!match_keyword(&p, "FROM"))
        return WBEM_E_INVALID_QUERY;
    p = skip_space(p);
    for (start = p; is_ident(*p); p++)
        ;
    if (!copy_token(start, p, name) || *skip_space(p))
        return WBEM_E_INVALID_QUERY;
    *cls = rp_class_lookup(name);
    return *cls < 0 ? WBEM_E_INVALID_CLASS : WBEM_S_NO_ERROR;
}

/* ---- IWbemServices ------------------------------------------------------ */

static HRESULT STDMETHODCALLTYPE services_QueryInterface(IWbemServices *iface, REFIID riid, void **ppv)
{
    struct rp_services *s = impl_from_IWbemServices(iface);
    return IUnknown_QueryInterface(s->ops->outer(s), riid, ppv);
}

static ULONG STDMETHODCALLTYPE services_AddRef(IWbemServices *iface)
{
    struct rp_services *s = impl_from_IWbemServices(iface);
    return IUnknown_AddRef(s->ops->outer(s));
}

static ULONG STDMETHODCALLTYPE services_Release(IWbemServices *iface)
{
    struct rp_services *s = impl_from_IWbemServices(iface);
    return IUnknown_Release(s->ops->outer(s));
}

static HRESULT STDMETHODCALLTYPE services_OpenNamespace(IWbemServices *iface, const BSTR ns, LONG flags,
                                                        IWbemContext *ctx, IWbemServices **out,
                                                        IWbemCallResult **result)
{
    (void)iface, (void)ns, (void)flags, (void)ctx;
    if (out)
        *out = NULL;
    if (result)
        *result = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_CancelAsyncCall(IWbemServices *iface, IWbemObjectSink *sink)
{
    /* Every call completes before it returns: nothing is ever pending. */
    (void)iface, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_QueryObjectSink(IWbemServices *iface, LONG flags,
                                                          IWbemObjectSink **out)
{
    (void)iface, (void)flags;
    if (out)
        *out = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_GetObject(IWbemServices *iface, const BSTR path, LONG flags,
                                                    IWbemContext *ctx, IWbemClassObject **out,
                                                    IWbemCallResult **result)
{
    (void)iface, (void)path, (void)flags, (void)ctx;
    if (out)
        *out = NULL;
    if (result)
        *result = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

/* The instance at `path` through `sink` (borrowed): one Indicate, then
 * SetStatus once. */
static HRESULT STDMETHODCALLTYPE services_GetObjectAsync(IWbemServices *iface, const BSTR path, LONG flags,
                                                         IWbemContext *ctx, IWbemObjectSink *sink)
{
    struct rp_services *s = impl_from_IWbemServices(iface);
    IWbemClassObject *obj = NULL;
    struct rp_now now;
    int cls = -1, inst = -1;
    HRESULT hr;

    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    hr = parse_object_path(path, &cls, &inst);
    if (hr == WBEM_E_INVALID_CLASS || (cls >= 0 && !s->ops->serves(s, cls)))
        return rp_sink_status(sink, WBEM_E_INVALID_CLASS);
    if (FAILED(hr))
        return rp_sink_status(sink, hr);
    rp_now_read(&now);
    hr = s->ops->make(s, NULL, cls, (unsigned)inst, &now, &obj);
    if (FAILED(hr))
        return rp_sink_status(sink, hr);
    hr = IWbemObjectSink_Indicate(sink, 1, &obj);
    IWbemClassObject_Release(obj);
    return rp_sink_status(sink, FAILED(hr) ? hr : WBEM_S_NO_ERROR);
}

static HRESULT STDMETHODCALLTYPE services_PutClass(IWbemServices *iface, IWbemClassObject *obj, LONG flags,
                                                   IWbemContext *ctx, IWbemCallResult **result)
{
    (void)iface, (void)obj, (void)flags, (void)ctx;
    if (result)
        *result = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_PutClassAsync(IWbemServices *iface, IWbemClassObject *obj,
                                                        LONG flags, IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)obj, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_DeleteClass(IWbemServices *iface, const BSTR cls, LONG flags,
                                                      IWbemContext *ctx, IWbemCallResult **result)
{
    (void)iface, (void)cls, (void)flags, (void)ctx;
    if (result)
        *result = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_DeleteClassAsync(IWbemServices *iface, const BSTR cls, LONG flags,
                                                           IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)cls, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_CreateClassEnum(IWbemServices *iface, const BSTR super, LONG flags,
                                                          IWbemContext *ctx, IEnumWbemClassObject **out)
{
    (void)iface, (void)super, (void)flags, (void)ctx;
    if (out)
        *out = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_CreateClassEnumAsync(IWbemServices *iface, const BSTR super,
                                                               LONG flags, IWbemContext *ctx,
                                                               IWbemObjectSink *sink)
{
    (void)iface, (void)super, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_PutInstance(IWbemServices *iface, IWbemClassObject *obj, LONG flags,
                                                      IWbemContext *ctx, IWbemCallResult **result)
{
    (void)iface, (void)obj, (void)flags, (void)ctx;
    if (result)
        *result = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_PutInstanceAsync(IWbemServices *iface, IWbemClassObject *obj,
                                                           LONG flags, IWbemContext *ctx,
                                                           IWbemObjectSink *sink)
{
    (void)iface, (void)obj, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_DeleteInstance(IWbemServices *iface, const BSTR path, LONG flags,
                                                         IWbemContext *ctx, IWbemCallResult **result)
{
    (void)iface, (void)path, (void)flags, (void)ctx;
    if (result)
        *result = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_DeleteInstanceAsync(IWbemServices *iface, const BSTR path,
                                                              LONG flags, IWbemContext *ctx,
                                                              IWbemObjectSink *sink)
{
    (void)iface, (void)path, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_CreateInstanceEnum(IWbemServices *iface, const BSTR filter,
                                                             LONG flags, IWbemContext *ctx,
                                                             IEnumWbemClassObject **out)
{
    (void)iface, (void)filter, (void)flags, (void)ctx;
    if (out)
        *out = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

/* Every instance of class `filter` through `sink` (borrowed). */
static HRESULT STDMETHODCALLTYPE services_CreateInstanceEnumAsync(IWbemServices *iface, const BSTR filter,
                                                                  LONG flags, IWbemContext *ctx,
                                                                  IWbemObjectSink *sink)
{
    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    return rp_services_enumerate(impl_from_IWbemServices(iface), NULL, rp_class_lookup(filter), sink);
}

static HRESULT STDMETHODCALLTYPE services_ExecQuery(IWbemServices *iface, const BSTR lang, const BSTR query,
                                                    LONG flags, IWbemContext *ctx, IEnumWbemClassObject **out)
{
    (void)iface, (void)lang, (void)query, (void)flags, (void)ctx;
    if (out)
        *out = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

/* `SELECT * FROM Class` in WQL through `sink` (borrowed), like
 * CreateInstanceEnumAsync.  WBEM_E_INVALID_QUERY_TYPE for a language other
 * than WQL, WBEM_E_INVALID_QUERY for any other query. */
static HRESULT STDMETHODCALLTYPE services_ExecQueryAsync(IWbemServices *iface, const BSTR lang,
                                                         const BSTR query, LONG flags, IWbemContext *ctx,
                                                         IWbemObjectSink *sink)
{
    int cls = -1;
    HRESULT hr;

    (void)flags, (void)ctx;
    if (!sink)
        return WBEM_E_INVALID_PARAMETER;
    if (!rp_wcs_ieq(lang, u"WQL"))
        return rp_sink_status(sink, WBEM_E_INVALID_QUERY_TYPE);
    hr = parse_query(query, &cls);
    if (FAILED(hr))
        return rp_sink_status(sink, hr);
    return rp_services_enumerate(impl_from_IWbemServices(iface), NULL, cls, sink);
}

static HRESULT STDMETHODCALLTYPE services_ExecNotificationQuery(IWbemServices *iface, const BSTR lang,
                                                                const BSTR query, LONG flags,
                                                                IWbemContext *ctx, IEnumWbemClassObject **out)
{
    (void)iface, (void)lang, (void)query, (void)flags, (void)ctx;
    if (out)
        *out = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_ExecNotificationQueryAsync(IWbemServices *iface, const BSTR lang,
                                                                     const BSTR query, LONG flags,
                                                                     IWbemContext *ctx, IWbemObjectSink *sink)
{
    (void)iface, (void)lang, (void)query, (void)flags, (void)ctx, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_ExecMethod(IWbemServices *iface, const BSTR path, const BSTR method,
                                                     LONG flags, IWbemContext *ctx, IWbemClassObject *in,
                                                     IWbemClassObject **out, IWbemCallResult **result)
{
    (void)iface, (void)path, (void)method, (void)flags, (void)ctx, (void)in;
    if (out)
        *out = NULL;
    if (result)
        *result = NULL;
    return WBEM_E_NOT_SUPPORTED;
}

static HRESULT STDMETHODCALLTYPE services_ExecMethodAsync(IWbemServices *iface, const BSTR path,
                                                          const BSTR method, LONG flags, IWbemContext *ctx,
                                                          IWbemClassObject *in, IWbemObjectSink *sink)
{
    (void)iface, (void)path, (void)method, (void)flags, (void)ctx, (void)in, (void)sink;
    return WBEM_E_NOT_SUPPORTED;
}

static const IWbemServicesVtbl services_vtbl = {
    services_QueryInterface,
    services_AddRef,
    services_Release,
    services_OpenNamespace,
    services_CancelAsyncCall,
    services_QueryObjectSink,
    services_GetObject,
    services_GetObjectAsync,
    services_PutClass,
    services_PutClassAsync,
    services_DeleteClass,
    services_DeleteClassAsync,
    services_CreateClassEnum,
    services_CreateClassEnumAsync,
    services_PutInstance,
    services_PutInstanceAsync,
    services_DeleteInstance,
    services_DeleteInstanceAsync,
    services_CreateInstanceEnum,
    services_CreateInstanceEnumAsync,
    services_ExecQuery,
    services_ExecQueryAsync,
    services_ExecNotificationQuery,
    services_ExecNotificationQueryAsync,
    services_ExecMethod,
    services_ExecMethodAsync,
};

void rp_services_init(struct rp_services *s, const struct rp_services_ops *ops)
{
    s->IWbemServices_iface.lpVtbl = &services_vtbl;
    s->ops = ops;
}
