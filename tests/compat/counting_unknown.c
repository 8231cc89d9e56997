/*
 * counting_unknown.c - a minimal IUnknown for the compat tests that records
 * every AddRef and Release, so "VariantCopy AddRefs once" can be asserted
 * exactly.  Counts are atomic: the thread tests share one object.
 */
#include <stddef.h>
#include <string.h>

#include "test_compat.h"

static struct counting_unknown *impl_from_IUnknown(IUnknown *iface)
{
    return (struct counting_unknown *)(void *)((char *)iface -
                                               offsetof(struct counting_unknown, IUnknown_iface));
}

static HRESULT STDMETHODCALLTYPE counting_QueryInterface(IUnknown *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid || !IsEqualIID(riid, &IID_IUnknown))
        return E_NOINTERFACE;
    *ppv = iface;
    IUnknown_AddRef(iface);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE counting_AddRef(IUnknown *iface)
{
    struct counting_unknown *obj = impl_from_IUnknown(iface);
    atomic_fetch_add(&obj->addrefs, 1);
    return atomic_fetch_add(&obj->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE counting_Release(IUnknown *iface)
{
    struct counting_unknown *obj = impl_from_IUnknown(iface);
    atomic_fetch_add(&obj->releases, 1);
    return atomic_fetch_sub(&obj->refs, 1) - 1;
}

static const IUnknownVtbl counting_vtbl = {
    counting_QueryInterface,
    counting_AddRef,
    counting_Release,
};

void counting_unknown_init(struct counting_unknown *obj)
{
    obj->IUnknown_iface.lpVtbl = &counting_vtbl;
    atomic_init(&obj->refs, 1);
    atomic_init(&obj->addrefs, 0);
    atomic_init(&obj->releases, 0);
}

unsigned counting_unknown_refs(struct counting_unknown *obj)
{
    return atomic_load(&obj->refs);
}

unsigned counting_unknown_addrefs(struct counting_unknown *obj)
{
    return atomic_load(&obj->addrefs);
}

unsigned counting_unknown_releases(struct counting_unknown *obj)
{
    return atomic_load(&obj->releases);
}
