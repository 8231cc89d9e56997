/*
 * mocks/repo.h - the repository the mock WMI host serves from: the classes,
 * static instances and provider registrations a MOF declares, plus the
 * system and performance base classes WMI's repository always knows.
 *
 * Ownership: the repo owns everything reachable from it; every pointer a
 * lookup returns is borrowed and valid until repo_free().  Names compare
 * ASCII case-insensitively, as in WMI.
 *
 * Invariant: every class's `props` lists ALL its properties, inherited ones
 * first in the superclass's order, then its own in declaration order (an
 * override replaces the inherited entry in place), so a property index is
 * stable across the class hierarchy and instance storage can be an array.
 */
#ifndef HIPERF_MOCKS_REPO_H
#define HIPERF_MOCKS_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"
#include "hiperf/wbemcli.h"

/* Where a declaration came from, for messages (file is borrowed from the
 * repo's list of loaded files). */
struct repo_pos {
    const char *file;
    unsigned line, col;
};

struct repo_qualifier {
    char *name;
    struct cim_value value;  /* a qualifier without a value is boolean TRUE */
    LONG flavor;             /* WBEM_FLAVOR_* bits */
};

struct repo_qualifiers {
    size_t n;
    struct repo_qualifier *v;
};

struct repo_property {
    char *name;
    CIMTYPE type;                   /* may include CIM_FLAG_ARRAY */
    char *ref_class;                /* "ref<X>" / embedded object class, or NULL */
    struct cim_value value;         /* default value; .null if none */
    struct repo_qualifiers quals;   /* own and propagated qualifiers */
    bool key;                       /* has the key qualifier */
    const struct repo_class *origin;/* the class that declared it */
};

struct repo_class {
    char *name;
    char *super_name;               /* NULL for a root class */
    const struct repo_class *super; /* resolved */
    char *ns;                       /* namespace from #pragma namespace */
    struct repo_qualifiers quals;   /* own qualifiers (inherited ones: see repo_class_qualifier) */
    size_t nprops;
    struct repo_property *props;    /* all properties, see the invariant above */
    bool system;                    /* built into the repository, not from a MOF */
    bool abstract, dynamic, hiperf, singleton;
    const char *provider;           /* value of provider("X"), borrowed, or NULL */
    struct repo_pos pos;
};

struct repo_instance {
    const struct repo_class *cls;
    char *alias;                    /* "$Alias" without the '$', or NULL */
    struct cim_value *values;       /* cls->nprops values, index-aligned with cls->props */
    bool *set;                      /* whether the MOF set each value (else the default applies) */
    char *ns;
    struct repo_pos pos;
};

/* A provider as its registration instances describe it. */
struct repo_provider {
    const struct repo_instance *inst;  /* the __Win32Provider instance */
    const char *name;                  /* Name */
    bool has_clsid;
    GUID clsid;                        /* CLSID */
    bool has_client_clsid;
    GUID client_clsid;                 /* ClientLoadableCLSID */
    const char *hosting_model;         /* HostingModel or NULL */
    /* From an __InstanceProviderRegistration whose Provider references it. */
    bool instance_registration;
    bool supports_get, supports_put, supports_delete, supports_enumeration;
};

struct repo;

/* A new repository that already holds the system classes (__SystemClass,
 * __Provider, __Win32Provider, __ProviderRegistration,
 * __ObjectProviderRegistration, __InstanceProviderRegistration) and the
 * performance base classes (Win32_Perf, Win32_PerfRawData,
 * Win32_PerfFormattedData).  NULL on ENOMEM. */
struct repo *repo_new(void);
void repo_free(struct repo *repo);

/* Reads a MOF file (UTF-8 with or without BOM, or UTF-16LE with BOM) and
 * adds its declarations.  #pragma include paths are relative to the
 * including file.  Returns 0, or HP_EPARSE / HP_EIO / HP_EINVAL with the
 * message "file:line:col: what is wrong".  On error the repository may hold
 * part of the file's declarations; callers discard it. */
int mof_load_file(struct repo *repo, const char *path);
/* The same for text in memory; `name` is used in positions and to resolve
 * includes (relative to its directory). */
int mof_load_buffer(struct repo *repo, const char *name, const char *data, size_t len);

const char *repo_namespace(const struct repo *repo);   /* last #pragma namespace, default "root\\default" */
size_t repo_class_count(const struct repo *repo);
const struct repo_class *repo_class_at(const struct repo *repo, size_t i);
const struct repo_class *repo_class(const struct repo *repo, const char *name);
size_t repo_instance_count(const struct repo *repo);
const struct repo_instance *repo_instance_at(const struct repo *repo, size_t i);
size_t repo_provider_count(const struct repo *repo);
const struct repo_provider *repo_provider_at(const struct repo *repo, size_t i);
const struct repo_provider *repo_provider(const struct repo *repo, const char *name);

/* True if cls is ancestor or derives from it. */
bool repo_class_is_a(const struct repo_class *cls, const char *ancestor);
/* Index of a property in cls->props, or -1. */
int repo_prop_index(const struct repo_class *cls, const char *name);
/* A class qualifier, its own or inherited from a superclass with
 * WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS; NULL if none. */
const struct repo_qualifier *repo_class_qualifier(const struct repo_class *cls, const char *name);
const struct repo_qualifier *repo_prop_qualifier(const struct repo_property *p, const char *name);
/* The provider serving a dynamic class (its provider qualifier), or NULL. */
const struct repo_provider *repo_provider_for_class(const struct repo *repo, const struct repo_class *cls);
/* Refresher-capable: ClientLoadableCLSID registered and at least one class
 * it serves carries the hiperf qualifier. */
bool repo_provider_is_hiperf(const struct repo *repo, const struct repo_provider *prov);
/* The classes a provider serves (dynamic, provider qualifier naming it), in
 * declaration order; returns the count and fills up to max entries. */
size_t repo_provider_classes(const struct repo *repo, const struct repo_provider *prov,
                             const struct repo_class **out, size_t max);

#endif
