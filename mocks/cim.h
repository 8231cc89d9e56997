/*
 * mocks/cim.h - CIM values as the repository and the object model store
 * them.  Strings are UTF-8 inside the harness; the object layer converts to
 * UTF-16 at the COM boundary.  Invariant: a value's storage always matches
 * its type (the `type` field says which union member is live), and an array
 * holds items of its base type only.
 */
#ifndef HIPERF_MOCKS_CIM_H
#define HIPERF_MOCKS_CIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hiperf/wbemcli.h"

struct cim_array;

struct cim_value {
    CIMTYPE type;      /* CIM_* base type, | CIM_FLAG_ARRAY for arrays */
    bool null;         /* NULL value (the union is unused) */
    union {
        int64_t i;     /* sint8..sint64, char16 (UTF-16 unit), boolean (0/1) */
        uint64_t u;    /* uint8..uint64 */
        double r;      /* real32, real64 */
        char *s;       /* string, datetime, reference (owned UTF-8) */
        struct cim_array *a; /* arrays (owned) */
    } v;
};

struct cim_array {
    size_t n;
    struct cim_value *items; /* n items of the array's base type */
};

/* A NULL value of a type. */
struct cim_value cim_null(CIMTYPE type);
/* Frees what the value owns and leaves it NULL (type kept). */
void cim_value_clear(struct cim_value *v);
/* Deep copy into *dst (which is overwritten, not cleared). 0 or HP_ENOMEM. */
int cim_value_copy(struct cim_value *dst, const struct cim_value *src);
bool cim_value_equal(const struct cim_value *a, const struct cim_value *b);

/* "uint32", "string", "datetime", "ref", ... (MOF spelling); static. */
const char *cim_type_name(CIMTYPE type);
/* Parses a MOF data type name, case-insensitively; false if unknown. */
bool cim_type_from_name(const char *name, CIMTYPE *type);
/* Bytes the value occupies for handle access (1, 2, 4, 8), 0 for strings,
 * objects and arrays (which have no handle-sized storage). */
size_t cim_type_width(CIMTYPE type);
bool cim_type_is_integer(CIMTYPE type);
bool cim_type_is_signed(CIMTYPE type);
bool cim_type_is_string(CIMTYPE type); /* string, datetime, reference */

/* Writes the value as MOF text (e.g. 42, "a\"b", {1, 2}, TRUE, NULL) into
 * an owned string; NULL on ENOMEM. */
char *cim_value_to_mof(const struct cim_value *v);

#endif
