/*
 * mocks/comcheck.c - checks of the COM rules on the provider's objects
 * (see comcheck.h).  Invariant: the check leaves the object's reference
 * count exactly as it found it, whatever the object does, as long as its
 * Release undoes its AddRef and QI.
 */
#include "comcheck.h"

#include <string.h>

#include "hiperf/com.h"

HIPERF_DEFINE_GUID(IID_hiperfcheck_Bogus1, 0x6b1e2c9a, 0x0d4f, 0x4b8e, 0x9a, 0x31, 0x5c, 0x7e, 0x11, 0x02, 0xaa, 0x4d);
HIPERF_DEFINE_GUID(IID_hiperfcheck_Bogus2, 0x0f3a91d7, 0x64c2, 0x4e05, 0xb8, 0x7a, 0x2e, 0x90, 0xd4, 0x51, 0x6c, 0x13);

static const struct {
    const IID *iid;
    const char *name;
} known[] = {
    {&IID_IUnknown, "IUnknown"},
    {&IID_IClassFactory, "IClassFactory"},
    {&IID_IWbemProviderInit, "IWbemProviderInit"},
    {&IID_IWbemProviderInitSink, "IWbemProviderInitSink"},
    {&IID_IWbemHiPerfProvider, "IWbemHiPerfProvider"},
    {&IID_IWbemRefresher, "IWbemRefresher"},
    {&IID_IWbemHiPerfEnum, "IWbemHiPerfEnum"},
    {&IID_IWbemClassObject, "IWbemClassObject"},
    {&IID_IWbemObjectAccess, "IWbemObjectAccess"},
    {&IID_IWbemQualifierSet, "IWbemQualifierSet"},
    {&IID_IWbemServices, "IWbemServices"},
    {&IID_IWbemContext, "IWbemContext"},
    {&IID_IWbemObjectSink, "IWbemObjectSink"},
    {&IID_IWbemConfigureRefresher, "IWbemConfigureRefresher"},
    {&IID_IWbemCallResult, "IWbemCallResult"},
    {&IID_IEnumWbemClassObject, "IEnumWbemClassObject"},
    {&IID_IWbemRefreshingServices, "IWbemRefreshingServices"},
    {&IID_IWbemRemoteRefresher, "IWbemRemoteRefresher"},
};

const char *comcheck_iid_name(REFIID iid)
{
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (IsEqualIID(iid, known[i].iid))
            return known[i].name;
    return NULL;
}

static const char *iid_label(REFIID iid, char buf[40])
{
    const char *n = comcheck_iid_name(iid);
    if (n)
        return n;
    snprintf(buf, 40, "{%08X-%04X-...}", (unsigned)iid->Data1, iid->Data2);
    return buf;
}

/* One QueryInterface on a provider object, as the host makes it. */
static HRESULT qi(struct host *host, IUnknown *p, REFIID iid, void **out)
{
    return HOST_CALL_PROVIDER(host, HPM_IUnknown_QueryInterface, p, 0, 0, 0, 0,
                              IUnknown_QueryInterface(p, iid, out));
}

static void finding(struct host *host, struct comcheck_result *res, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finding(struct host *host, struct comcheck_result *res, const char *fmt, ...)
{
    struct hp_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    hp_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    ledger_report(&host->ledger, LEDGER_COM_RULE, HP_ACTOR_PROVIDER, 0, 1, HPM_IUnknown_QueryInterface,
                  "%s", b.s ? b.s : "");
    hp_buf_free(&b);
    res->findings++;
}

#define MAX_PROBE 24

void comcheck_object(struct host *host, IUnknown *obj, const IID *const *iids, size_t n,
                     const char *label, bool probe_null_ppv, struct comcheck_result *out)
{
    struct comcheck_result res = {0};
    const IID *probe[MAX_PROBE];
    size_t np = 0;
    probe[np++] = &IID_IUnknown;
    for (size_t i = 0; i < n && np < MAX_PROBE; i++)
        if (!IsEqualIID(iids[i], &IID_IUnknown))
            probe[np++] = iids[i];
    void *ptr[MAX_PROBE] = {0};
    char b1[40], b2[40];

    /* Which interfaces does the object answer, and with which pointers? */
    for (size_t i = 0; i < np; i++) {
        void *p = (void *)0x1;   /* a failing QI must clear it */
        HRESULT hr = qi(host, obj, probe[i], &p);
        res.probed++;
        if (SUCCEEDED(hr)) {
            if (!p) {
                finding(host, &res, "[com.qi-out] %s: QueryInterface(%s) succeeded (0x%08X) but returned NULL",
                        label, iid_label(probe[i], b1), (unsigned)hr);
                continue;
            }
            ptr[i] = p;
            res.supported++;
        } else if (hr != E_NOINTERFACE) {
            finding(host, &res, "[com.qi-unsupported] %s: QueryInterface(%s) failed with 0x%08X, not E_NOINTERFACE",
                    label, iid_label(probe[i], b1), (unsigned)hr);
        }
        if (FAILED(hr) && p) {
            finding(host, &res, "[com.qi-null-on-failure] %s: QueryInterface(%s) failed but left *ppv non-NULL",
                    label, iid_label(probe[i], b1));
        }
    }
    if (!ptr[0]) {
        finding(host, &res, "[com.identity] %s: QueryInterface(IUnknown) failed", label);
        goto release;
    }

    /* Identity, reflexivity, symmetry and transitivity: from every pointer
     * obtained, every supported interface must be reachable, and IUnknown
     * must give the same pointer. */
    for (size_t i = 0; i < np; i++) {
        if (!ptr[i])
            continue;
        for (size_t j = 0; j < np; j++) {
            void *q = NULL;
            HRESULT hr = qi(host, (IUnknown *)ptr[i], probe[j], &q);
            if (ptr[j] && FAILED(hr)) {
                finding(host, &res, "[com.%s] %s: %s is reachable from the object but not from its %s",
                        i == j ? "reflexive" : "symmetric", label, iid_label(probe[j], b1),
                        iid_label(probe[i], b2));
            } else if (!ptr[j] && SUCCEEDED(hr)) {
                finding(host, &res, "[com.transitive] %s: %s is reachable from its %s but not from the object",
                        label, iid_label(probe[j], b1), iid_label(probe[i], b2));
            }
            if (j == 0 && SUCCEEDED(hr) && q != ptr[0]) {
                finding(host, &res, "[com.identity] %s: IUnknown through %s is %p, not %p", label,
                        iid_label(probe[i], b1), q, ptr[0]);
            }
            if (SUCCEEDED(hr) && q)
                host_provider_release(host, (IUnknown *)q, HPM_IUnknown_Release);
        }
    }

    /* Interfaces nobody implements. */
    const IID *bogus[] = {&IID_hiperfcheck_Bogus1, &IID_hiperfcheck_Bogus2};
    for (size_t i = 0; i < 2; i++) {
        void *p = (void *)0x1;
        HRESULT hr = qi(host, obj, bogus[i], &p);
        res.probed++;
        if (hr != E_NOINTERFACE)
            finding(host, &res, "[com.qi-unsupported] %s: QueryInterface for an unknown IID gave 0x%08X, not E_NOINTERFACE",
                    label, (unsigned)hr);
        if (p) {
            finding(host, &res, "[com.qi-null-on-failure] %s: QueryInterface for an unknown IID left *ppv non-NULL", label);
            if (SUCCEEDED(hr) && p != (void *)0x1)
                host_provider_release(host, (IUnknown *)p, HPM_IUnknown_Release);
        }
    }

    /* A successful QI adds a reference: AddRef's result before and after. */
    {
        ULONG a = host_provider_addref(host, obj, HPM_IUnknown_AddRef);
        void *p = NULL;
        HRESULT hr = qi(host, obj, &IID_IUnknown, &p);
        ULONG b = host_provider_addref(host, obj, HPM_IUnknown_AddRef);
        if (SUCCEEDED(hr) && b != a + 2)
            finding(host, &res, "[com.qi-addref] %s: AddRef returned %u before a QueryInterface and %u after it "
                    "(a QI must add one reference)", label, (unsigned)a, (unsigned)b);
        host_provider_release(host, obj, HPM_IUnknown_Release);
        if (SUCCEEDED(hr) && p)
            host_provider_release(host, (IUnknown *)p, HPM_IUnknown_Release);
        host_provider_release(host, obj, HPM_IUnknown_Release);
    }

    if (probe_null_ppv) {
        HRESULT hr = qi(host, obj, &IID_IUnknown, NULL);
        if (hr != E_POINTER) {
            finding(host, &res, "[com.qi-null-ppv] %s: QueryInterface with a NULL ppv gave 0x%08X, not E_POINTER",
                    label, (unsigned)hr);
        }
    } else {
        res.crashed_null_ppv_skipped = true;
    }

release:
    for (size_t i = 0; i < np; i++)
        if (ptr[i])
            host_provider_release(host, (IUnknown *)ptr[i], HPM_IUnknown_Release);
    if (out)
        *out = res;
}
