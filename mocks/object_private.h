/*
 * mocks/object_private.h - what object.c and qualset.c share and nothing
 * else includes: the qualifier set constructor and its entries.
 */
#ifndef HIPERF_MOCKS_OBJECT_PRIVATE_H
#define HIPERF_MOCKS_OBJECT_PRIVATE_H

#include "host.h"

/* One qualifier as a qualifier set shows it.  name and value are borrowed
 * from memory that lives as long as the host (the repository, or a class
 * layout in host->classes). */
struct qentry {
    const char *name;
    const struct cim_value *value;
    LONG flavor;                    /* WBEM_FLAVOR_* including the origin */
};

/* A new IWbemQualifierSet over a copy of entries[0..n) (the names and
 * values stay borrowed), with one reference held by holder.  label
 * (borrowed, copied) names it in findings, e.g. "Class.Prop".  NULL on
 * ENOMEM (or an injected HPM_HOST_ALLOC fault). */
IWbemQualifierSet *qualset_new(struct host *host, const struct qentry *entries, size_t n,
                               const char *label, enum hp_actor holder);

/* The journal id of the qualifier set behind an interface qualset_new
 * returned. */
uint64_t qualset_id(IWbemQualifierSet *qs);

#endif
