/*
 * mocks/objpath.h - WMI object paths: parsing and formatting
 *
 *     \\server\root\cimv2:Class.Name="x",Id=3
 *     root\cimv2:Class=@            (a singleton)
 *     Class="x"                     (the single-key shorthand)
 *     Class                         (a class path)
 *
 * Key values are strings ("..." with the escapes \" and \\ only), integers
 * (decimal with an optional '-', or 0x hexadecimal) and booleans (TRUE,
 * FALSE, any case).  Nothing else is accepted, and no white space outside
 * quotes: a path the harness reads from a provider or a scenario is either
 * exactly right or an error with its column.
 *
 * Canonical form (objpath_relpath): keys in alphabetical order of their
 * names, compared ASCII case-insensitively, which is the order WMI's
 * __RELPATH uses; strings quoted with \" and \\ escaped; integers in
 * decimal; booleans TRUE/FALSE.
 */
#ifndef HIPERF_MOCKS_OBJPATH_H
#define HIPERF_MOCKS_OBJPATH_H

#include <stdbool.h>
#include <stddef.h>

#include "cim.h"

struct objpath_key {
    char *name;              /* owned; NULL for the shorthand Class="v" */
    struct cim_value value;  /* CIM_STRING, CIM_UINT64 (0 and up), CIM_SINT64
                                (negative) or CIM_BOOLEAN; never NULL */
};

struct objpath {
    char *server;            /* owned; NULL when the path has no \\server */
    char *ns;                /* owned, backslash-separated ("root\cimv2"); NULL if none */
    char *cls;               /* owned class name */
    bool singleton;          /* Class=@ */
    size_t nkeys;
    struct objpath_key *keys;/* owned, in the order written */
};

/* Parses text (borrowed) into *out, which owns everything it points to
 * afterwards (objpath_free).  Returns 0, or HP_EPARSE with the message
 * "object path "...": column N: what is wrong" and *out zeroed, or
 * HP_ENOMEM. */
int objpath_parse(struct objpath *out, const char *text);

/* Frees what p owns and zeroes it; p itself is the caller's. */
void objpath_free(struct objpath *p);

/* Appends a key (name and value borrowed, copied).  value must be a string,
 * an integer type, a boolean, a char16, a datetime or a reference; integers
 * are stored as CIM_SINT64/CIM_UINT64, the string types as CIM_STRING.
 * 0, HP_EINVAL (a type that cannot be a key, a NULL value, a duplicate
 * name) or HP_ENOMEM. */
int objpath_add_key(struct objpath *p, const char *name, const struct cim_value *value);

/* The key of that name (ASCII case-insensitive), borrowed; NULL if none. */
const struct objpath_key *objpath_find_key(const struct objpath *p, const char *name);

/* The canonical relative path ("Class.A=1,B=\"x\"", "Class=@", "Class"):
 * owned (free()), NULL on ENOMEM. */
char *objpath_relpath(const struct objpath *p);

/* The full path: "\\server\ns:" + relpath when server and ns are set,
 * "ns:" + relpath with ns only, else the relpath.  Owned; NULL on ENOMEM. */
char *objpath_format(const struct objpath *p);

/* Same class (case-insensitive) and the same keys by name with equal
 * values.  String key values compare case-insensitively, as WMI compares
 * them when it looks an instance up; server and namespace are ignored. */
bool objpath_same_instance(const struct objpath *a, const struct objpath *b);

/* A namespace as the host writes it: '/' turned into '\', a leading
 * "\\server\" removed ("\\.\root\cimv2" -> "root\cimv2").  Owned; NULL on
 * ENOMEM. */
char *objpath_normalize_ns(const char *ns);

/* Appends a string key value, quoted and escaped, to b. */
struct hp_buf;
void objpath_put_string(struct hp_buf *b, const char *s);

#endif
