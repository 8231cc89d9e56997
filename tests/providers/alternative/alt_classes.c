/*
 * tests/providers/alternative/alt_classes.c - the alternative provider's
 * three classes (alternative.mof): which instances exist, their keys, and
 * every value as a pure function of one clock reading.
 *
 * Invariant: a value depends only on (clock reading, class, instance); no
 * state.  Under hiperfcheck's stopped fake clock every run reports the
 * same numbers.
 */
#include <time.h>

#include "alt_private.h"

#define TICKS UINT64_C(10000000)
#define EPOCH_1601 UINT64_C(11644473600)

void alt_clock_read(struct alt_clock *c)
{
    struct timespec m = {0, 0}, r = {0, 0};

    if (clock_gettime(CLOCK_MONOTONIC, &m) != 0 || m.tv_sec < 0)
        m.tv_sec = 0, m.tv_nsec = 0;
    if (clock_gettime(CLOCK_REALTIME, &r) != 0 || r.tv_sec < 0)
        r.tv_sec = 0, r.tv_nsec = 0;
    c->t = (uint64_t)m.tv_sec * TICKS + (uint64_t)m.tv_nsec / 100;
    c->sec = (uint64_t)r.tv_sec;
    c->s = (c->sec + EPOCH_1601) * TICKS + (uint64_t)r.tv_nsec / 100;
}

/* ---- key helpers -------------------------------------------------------------- */

static WCHAR fold(WCHAR c)
{
    return c >= u'A' && c <= u'Z' ? (WCHAR)(c + (u'a' - u'A')) : c;
}

static bool same_text(const WCHAR *a, const WCHAR *b)
{
    if (!a || !b)
        return false;
    while (*a && fold(*a) == fold(*b))
        a++, b++;
    return fold(*a) == fold(*b);
}

static HRESULT put_text(IWbemClassObject *obj, const WCHAR *prop, const WCHAR *text)
{
    VARIANT v;
    HRESULT hr;

    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(text);
    if (!V_BSTR(&v))
        return WBEM_E_OUT_OF_MEMORY;
    hr = IWbemClassObject_Put(obj, prop, 0, &v, 0);
    VariantClear(&v);
    return hr;
}

/* Reads a property into v (the caller clears it). */
static HRESULT get_value(IWbemClassObject *obj, const WCHAR *prop, VARIANT *v)
{
    VariantInit(v);
    return IWbemClassObject_Get(obj, prop, 0, v, NULL, NULL);
}

/* ---- AltCheck_DiskIO: (Drive, Partition) ------------------------------------- */

static const struct {
    const WCHAR *drive;
    uint32_t partition;
} disks[3] = {{u"C:", 1}, {u"C:", 2}, {u"D:", 1}};

enum { DISK_READ, DISK_WRITE, DISK_QUEUE, DISK_SAMPLE, DISK_NPROPS };

static const struct alt_prop disk_props[DISK_NPROPS] = {
    [DISK_READ] = {u"ReadBytes", CIM_UINT64},
    [DISK_WRITE] = {u"WriteBytes", CIM_UINT64},
    [DISK_QUEUE] = {u"QueueDepth", CIM_UINT32},
    [DISK_SAMPLE] = {u"SampleTime", CIM_UINT64},
};

static bool disk_sample(unsigned i, const struct alt_clock *c, uint64_t *v)
{
    if (i >= 3)
        return false;
    v[DISK_READ] = c->t / 1000 * 512 * (i + 1);
    v[DISK_WRITE] = c->t / 1000 * 128 * (3 - i);
    v[DISK_QUEUE] = (c->sec + i) % 8;
    v[DISK_SAMPLE] = c->s;
    return true;
}

static HRESULT disk_put_keys(IWbemClassObject *obj, unsigned i)
{
    VARIANT v;
    HRESULT hr = put_text(obj, u"Drive", disks[i].drive);

    if (FAILED(hr))
        return hr;
    VariantInit(&v);
    V_VT(&v) = VT_I4;   /* uint32 travels as VT_I4 */
    V_I4(&v) = (LONG)disks[i].partition;
    return IWbemClassObject_Put(obj, u"Partition", 0, &v, 0);
}

static HRESULT disk_find(IWbemClassObject *obj, unsigned *i)
{
    VARIANT drive, part;
    HRESULT hr = get_value(obj, u"Drive", &drive);
    uint32_t n;

    if (FAILED(hr))
        return hr;
    hr = get_value(obj, u"Partition", &part);
    if (FAILED(hr)) {
        VariantClear(&drive);
        return hr;
    }
    if (V_VT(&drive) != VT_BSTR || !V_BSTR(&drive) || (V_VT(&part) != VT_I4 && V_VT(&part) != VT_UI4)) {
        hr = WBEM_E_INVALID_PARAMETER;
    } else {
        n = V_VT(&part) == VT_I4 ? (uint32_t)V_I4(&part) : (uint32_t)V_UI4(&part);
        hr = WBEM_E_NOT_FOUND;
        for (unsigned k = 0; k < 3; k++) {
            if (disks[k].partition == n && same_text(disks[k].drive, V_BSTR(&drive))) {
                *i = k;
                hr = WBEM_S_NO_ERROR;
            }
        }
    }
    VariantClear(&drive);
    VariantClear(&part);
    return hr;
}

/* ---- Win32_PerfRawData_AltCheck_Net: uint32 counters --------------------------- */

static const WCHAR *const nets[4] = {u"tun0", u"wlan0", u"eth0", u"lo"};

enum {
    NET_PACKETS, NET_BYTES, NET_ERRORS,
    NET_TS_PERF, NET_TS_SYS, NET_FREQ_PERF, NET_FREQ_SYS, NET_NPROPS
};

static const struct alt_prop net_props[NET_NPROPS] = {
    [NET_PACKETS] = {u"PacketsPersec", CIM_UINT32},
    [NET_BYTES] = {u"BytesPersec", CIM_UINT32},
    [NET_ERRORS] = {u"Errors", CIM_UINT32},
    [NET_TS_PERF] = {u"Timestamp_PerfTime", CIM_UINT64},
    [NET_TS_SYS] = {u"Timestamp_Sys100NS", CIM_UINT64},
    [NET_FREQ_PERF] = {u"Frequency_PerfTime", CIM_UINT64},
    [NET_FREQ_SYS] = {u"Frequency_Sys100NS", CIM_UINT64},
};

static bool net_sample(unsigned i, const struct alt_clock *c, uint64_t *v)
{
    const uint64_t m = c->sec % 60;

    if (i >= 4)
        return false;
    if (i == 0 && !(m < 12 || (m >= 40 && m < 50)))
        return false;   /* tun0 */
    if (i == 1 && c->sec % 30 >= 20)
        return false;   /* wlan0 */
    v[NET_PACKETS] = (uint32_t)(c->t / 10000 * 7 * (i + 1));
    v[NET_BYTES] = (uint32_t)(c->t / 100 * (i + 1));
    v[NET_ERRORS] = (c->sec / 60 + i) % 100;
    v[NET_TS_PERF] = c->t;
    v[NET_TS_SYS] = c->s;
    v[NET_FREQ_PERF] = TICKS;
    v[NET_FREQ_SYS] = TICKS;
    return true;
}

static HRESULT net_put_keys(IWbemClassObject *obj, unsigned i)
{
    return put_text(obj, u"Name", nets[i]);
}

static HRESULT net_find(IWbemClassObject *obj, unsigned *i)
{
    VARIANT name;
    HRESULT hr = get_value(obj, u"Name", &name);

    if (FAILED(hr))
        return hr;
    if (V_VT(&name) != VT_BSTR || !V_BSTR(&name)) {
        hr = WBEM_E_INVALID_PARAMETER;
    } else {
        hr = WBEM_E_NOT_FOUND;
        for (unsigned k = 0; k < 4; k++) {
            if (same_text(nets[k], V_BSTR(&name))) {
                *i = k;
                hr = WBEM_S_NO_ERROR;
            }
        }
    }
    VariantClear(&name);
    return hr;
}

/* ---- Win32_PerfRawData_AltCheck_Memory: a singleton ---------------------------- */

enum {
    MEM_AVAILABLE, MEM_COMMIT_LIMIT, MEM_FAULTS,
    MEM_TS_PERF, MEM_TS_SYS, MEM_FREQ_PERF, MEM_FREQ_SYS, MEM_NPROPS
};

static const struct alt_prop mem_props[MEM_NPROPS] = {
    [MEM_AVAILABLE] = {u"AvailableBytes", CIM_UINT64},
    [MEM_COMMIT_LIMIT] = {u"CommitLimit", CIM_UINT64},
    [MEM_FAULTS] = {u"PageFaultsPersec", CIM_UINT32},
    [MEM_TS_PERF] = {u"Timestamp_PerfTime", CIM_UINT64},
    [MEM_TS_SYS] = {u"Timestamp_Sys100NS", CIM_UINT64},
    [MEM_FREQ_PERF] = {u"Frequency_PerfTime", CIM_UINT64},
    [MEM_FREQ_SYS] = {u"Frequency_Sys100NS", CIM_UINT64},
};

static bool mem_sample(unsigned i, const struct alt_clock *c, uint64_t *v)
{
    if (i != 0)
        return false;
    v[MEM_AVAILABLE] = (UINT64_C(8) << 30) - 4096 * (c->sec % 1000);
    v[MEM_COMMIT_LIMIT] = UINT64_C(16) << 30;
    v[MEM_FAULTS] = (uint32_t)(c->t / 100000 * 55);
    v[MEM_TS_PERF] = c->t;
    v[MEM_TS_SYS] = c->s;
    v[MEM_FREQ_PERF] = TICKS;
    v[MEM_FREQ_SYS] = TICKS;
    return true;
}

static HRESULT mem_put_keys(IWbemClassObject *obj, unsigned i)
{
    (void)obj, (void)i;
    return WBEM_S_NO_ERROR;   /* no key: the path is Class=@ */
}

static HRESULT mem_find(IWbemClassObject *obj, unsigned *i)
{
    (void)obj;
    *i = 0;
    return WBEM_S_NO_ERROR;
}

/* ---- the table ------------------------------------------------------------------ */

const struct alt_class alt_classes[ALT_NCLASSES] = {
    {u"AltCheck_DiskIO", 3, DISK_NPROPS, disk_props, disk_sample, disk_put_keys, disk_find},
    {u"Win32_PerfRawData_AltCheck_Net", 4, NET_NPROPS, net_props, net_sample, net_put_keys, net_find},
    {u"Win32_PerfRawData_AltCheck_Memory", 1, MEM_NPROPS, mem_props, mem_sample, mem_put_keys, mem_find},
};

_Static_assert(DISK_NPROPS <= ALT_MAX_PROPS && NET_NPROPS <= ALT_MAX_PROPS && MEM_NPROPS <= ALT_MAX_PROPS,
               "ALT_MAX_PROPS too small");

const struct alt_class *alt_class_named(const WCHAR *name)
{
    for (unsigned k = 0; k < ALT_NCLASSES; k++)
        if (same_text(alt_classes[k].name, name))
            return &alt_classes[k];
    return NULL;
}

HRESULT alt_identify(IWbemClassObject *obj, const struct alt_class **cls, unsigned *inst)
{
    VARIANT name;
    HRESULT hr = get_value(obj, u"__CLASS", &name);

    if (FAILED(hr))
        return hr;
    *cls = V_VT(&name) == VT_BSTR ? alt_class_named(V_BSTR(&name)) : NULL;
    VariantClear(&name);
    if (!*cls)
        return WBEM_E_INVALID_CLASS;
    return (*cls)->find(obj, inst);
}

HRESULT alt_handles(IWbemObjectAccess *obj, const struct alt_class *cls, LONG *h)
{
    for (unsigned k = 0; k < cls->nprops; k++) {
        CIMTYPE type = CIM_EMPTY;
        HRESULT hr = IWbemObjectAccess_GetPropertyHandle(obj, cls->props[k].name, &type, &h[k]);
        if (FAILED(hr))
            return hr;
        if (type != cls->props[k].type)
            return WBEM_E_TYPE_MISMATCH;
    }
    return WBEM_S_NO_ERROR;
}

HRESULT alt_write(IWbemObjectAccess *obj, const struct alt_class *cls, const LONG *h, const uint64_t *v)
{
    HRESULT first = WBEM_S_NO_ERROR;

    for (unsigned k = 0; k < cls->nprops; k++) {
        HRESULT hr = cls->props[k].type == CIM_UINT32 ? IWbemObjectAccess_WriteDWORD(obj, h[k], (DWORD)v[k])
                                                      : IWbemObjectAccess_WriteQWORD(obj, h[k], v[k]);
        if (FAILED(hr) && SUCCEEDED(first))
            first = hr;
    }
    return first;
}
