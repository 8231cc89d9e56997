/*
 * tests/mocks/instfix.c - the instance fixture (see instfix.h).
 */
#include "instfix.h"

#include <string.h>

#include "repo.h"

static const char fixture_mof[] =
    "[dynamic, provider(\"TestProv\"), hiperf]\n"
    "class Test_Counter : Win32_PerfRawData\n"
    "{\n"
    "    [key] string Name;\n"
    "    uint32 Value;\n"
    "};\n";

int instfix_setup(struct instfix *f)
{
    memset(f, 0, sizeof *f);
    f->repo = repo_new();
    if (!f->repo)
        return HP_ENOMEM;
    int rc = mof_load_buffer(f->repo, "instfix.mof", fixture_mof, sizeof fixture_mof - 1);
    if (rc == 0)
        rc = host_new(&f->host, f->repo, NULL);
    if (rc == 0 && !(f->cls = repo_class(f->repo, "Test_Counter")))
        rc = HP_ENOTFOUND;
    if (rc != 0)
        instfix_teardown(f);
    return rc;
}

void instfix_teardown(struct instfix *f)
{
    host_free(f->host);
    repo_free(f->repo);
    memset(f, 0, sizeof *f);
}

IWbemObjectAccess *instfix_instance(struct instfix *f, enum hp_actor holder)
{
    struct hobject *o = hobject_new_instance(f->host, f->cls, holder);
    return o ? hobject_access(o) : NULL;
}

struct hobj *instfix_hobj(const void *iface)
{
    struct hobject *o = hobject_from_iface(iface);
    return o ? hobject_hobj(o) : NULL;
}

int32_t instfix_held(const void *iface, enum hp_actor a)
{
    struct hobj *h = instfix_hobj(iface);
    return h ? atomic_load(&h->by[a]) : -1;
}

static struct foreign_unknown *impl_from_IUnknown(IUnknown *iface)
{
    return (struct foreign_unknown *)((char *)iface - offsetof(struct foreign_unknown, IUnknown_iface));
}

static HRESULT STDMETHODCALLTYPE foreign_QueryInterface(IUnknown *iface, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!IsEqualIID(riid, &IID_IUnknown))
        return E_NOINTERFACE;
    impl_from_IUnknown(iface)->refs++;
    *ppv = iface;
    return S_OK;
}

static ULONG STDMETHODCALLTYPE foreign_AddRef(IUnknown *iface)
{
    return (ULONG)++impl_from_IUnknown(iface)->refs;
}

static ULONG STDMETHODCALLTYPE foreign_Release(IUnknown *iface)
{
    return (ULONG)--impl_from_IUnknown(iface)->refs;
}

static const IUnknownVtbl foreign_vtbl = {foreign_QueryInterface, foreign_AddRef, foreign_Release};

void foreign_unknown_init(struct foreign_unknown *u)
{
    u->IUnknown_iface.lpVtbl = &foreign_vtbl;
    u->refs = 1;
}
