/*
 * mocks/blob.h - the bytes IWbemRemoteRefresher::RemoteRefresh returns in
 * WBEM_REFRESHED_OBJECT.m_pbBlob, in hiperfcheck's own encoding (not yet
 * the [MS-WMIO] one; docs/refresher-protocol.md section "Blob encoding"
 * is the normative description), and a decoder for tests and scenarios.
 *
 * Everything is little-endian, with no padding:
 *
 *   instance (WBEM_BLOB_TYPE_ALL, and each member of an enum blob)
 *     u32  magic 0x31425048 (the bytes "HPB1")
 *     u32  class name length in bytes, then the UTF-8 name (no NUL)
 *     u32  property count
 *     per property, in the class's property order (repo.h):
 *       u32  index in the class
 *       u32  name length, then the UTF-8 name
 *       u32  CIMTYPE (CIM_FLAG_ARRAY included)
 *       u8   state: 0 value follows, 1 NULL, 2 not encoded (embedded
 *            objects, which have no value of their own in this encoding)
 *       value (state 0):
 *         sint8/uint8 1 byte; sint16/uint16/char16/boolean (0 or 1) 2;
 *         sint32/uint32 4; real32 4 (IEEE bits); sint64/uint64 8;
 *         real64 8 (IEEE bits);
 *         string/datetime/reference: u32 byte length, then UTF-8;
 *         array: u32 count, then count items of the base type as above.
 *
 *   enum (WBEM_BLOB_TYPE_ENUM), shaped like [MS-WMI] 2.2.16/2.2.18
 *     u32  version, 1
 *     u32  number of instances
 *     per instance: u32 byte size, then one instance as above.
 *
 * Ownership: the encoders return memory from CoTaskMemAlloc, which the
 * receiver frees with CoTaskMemFree, as [MS-WMI] says of m_pbBlob.  The
 * decoders fill caller-provided structures that own what they point to
 * (blob_instance_free / blob_enum_free).
 */
#ifndef HIPERF_MOCKS_BLOB_H
#define HIPERF_MOCKS_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "cim.h"
#include "hiperf/com.h"

#define BLOB_MAGIC 0x31425048u      /* "HPB1" */
#define BLOB_ENUM_VERSION 1u

struct hobject;

enum blob_state {
    BLOB_VALUE = 0,
    BLOB_NULL = 1,
    BLOB_OMITTED = 2
};

struct blob_prop {
    uint32_t index;
    char *name;                 /* owned */
    CIMTYPE type;
    enum blob_state state;
    struct cim_value value;     /* owned; NULL unless state is BLOB_VALUE */
};

struct blob_instance {
    char *class_name;           /* owned */
    size_t nprops;
    struct blob_prop *props;    /* owned */
};

/* Encodes o (borrowed, an instance or a class object) into *out (owned,
 * CoTaskMemFree) of *len bytes.  0, or HP_ENOMEM (a CoTaskMemAlloc or an
 * object read failed for memory). */
int blob_encode_instance(BYTE **out, LONG *len, const struct hobject *o);

/* Encodes n objects (the array and the objects borrowed) as an enum blob.
 * 0 or HP_ENOMEM, as above. */
int blob_encode_enum(BYTE **out, LONG *len, struct hobject *const *objs, size_t n);

/* Decodes one instance from data[0..len) (borrowed) into *out, which owns
 * everything afterwards (blob_instance_free); *used (may be NULL) receives
 * the bytes consumed.  0, HP_EPARSE with a message naming the offset (a
 * truncated or malformed blob; *out is then zeroed), or HP_ENOMEM. */
int blob_decode_instance(struct blob_instance *out, const BYTE *data, size_t len, size_t *used);
void blob_instance_free(struct blob_instance *b);

/* Decodes an enum blob into *out (an owned array of *n instances, or NULL
 * when empty; blob_enum_free).  0, HP_EPARSE, HP_ENOMEM. */
int blob_decode_enum(struct blob_instance **out, size_t *n, const BYTE *data, size_t len);
void blob_enum_free(struct blob_instance *v, size_t n);

/* The decoded value of a property by name (ASCII case-insensitive);
 * borrowed from b.  NULL when there is no such property or it was NULL or
 * not encoded. */
const struct cim_value *blob_instance_value(const struct blob_instance *b, const char *name);

#endif
