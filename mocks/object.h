/*
 * mocks/object.h - the host's object model: class objects and instances
 * that implement IWbemClassObject and IWbemObjectAccess with one vtable
 * (IWbemObjectAccess derives from IWbemClassObject, so one pointer serves
 * IUnknown, IWbemClassObject and IWbemObjectAccess), and the runtime layout
 * of a class that makes property-handle access a bounds check and a store.
 *
 * Ownership: an object is a COM object of the ledger (ledger.h).  Every
 * function below that returns a new `struct hobject *` gives one reference
 * to the holder it names; that holder drops it with hobj_unref(hobject_hobj(o),
 * holder) (or, for the provider or a client, through the vtable Release).
 * Objects the host hands out through [out] parameters belong to the caller.
 * Class layouts (struct hclass) belong to the host and live until host_free.
 *
 * Property handles (GetPropertyHandle): the same value for a property in
 * every instance of a class and, for inherited properties, of its
 * subclasses.  A handle encodes where the value is, so the handle methods
 * need no table walk:
 *
 *     bit 31      0 (handles are positive)
 *     bit 30      1 (tag: small integers are never handles)
 *     bits 18-29  property index in the class (repo.h: stable down the hierarchy)
 *     bit 17      1 for string, datetime and reference properties
 *     bits 15-16  log2 of the value width: 0 = 1 byte ... 3 = 8 bytes (0 for strings)
 *     bits 0-14   byte offset in the value block, or the string slot
 *
 * A method checks the tag and width bits against what it accepts, then
 * that the class's handle for that index is exactly this handle (one load
 * of a small per-class array); anything else is WBEM_E_INVALID_PARAMETER
 * (Windows would read or write wherever the bits point).
 *
 * The handle methods, per CIM type:
 *   ReadDWORD/WriteDWORD       any 4-byte property: sint32, uint32, real32 (its bits)
 *   ReadQWORD/WriteQWORD       any 8-byte property: sint64, uint64, real64 (its bits)
 *   Read/WritePropertyValue    every handle: exact width for the fixed types
 *                              (1: sint8 uint8; 2: sint16 uint16 char16 boolean;
 *                              4; 8), NUL-terminated UTF-16 for strings.
 *
 * Choices where Windows' behaviour is undocumented (research/abi-facts.md
 * section 8 has no error lists for IWbemObjectAccess), each visible in the
 * journal when it applies:
 *   - A bad handle, a handle of the wrong width, or a wrong size is
 *     WBEM_E_INVALID_PARAMETER plus a journal note (Windows would read or
 *     write out of place).  WritePropertyValue of a string needs an even
 *     byte count of at least 2 whose last unit is NUL; the text ends at its
 *     first NUL.  ReadPropertyValue with too small a buffer (NULL and 0 to
 *     ask) is WBEM_E_BUFFER_TOO_SMALL with *plNumBytes the size needed.
 *   - Reading a NULL property through a handle gives WBEM_S_FALSE with the
 *     value zeroed (*pdw = 0, *plNumBytes = 0); Get gives VT_NULL.  Every
 *     handle write clears the NULL.
 *   - Booleans are stored as written (2 bytes); any non-zero reads as TRUE.
 *   - GetPropertyHandle of a system property, an array or an object:
 *     WBEM_E_NOT_SUPPORTED; of an unknown name: WBEM_E_NOT_FOUND.
 *   - Lock/Unlock: an advisory lock, recursive for the thread holding it;
 *     only Lock waits for it (no other method, and not the handle methods,
 *     as on Windows); Unlock by a thread that does not hold it is
 *     WBEM_E_INVALID_OPERATION.  lFlags is ignored.
 *   - Put on a class object changes that object's default (SpawnInstance
 *     from it starts there); adding a property is WBEM_E_NOT_SUPPORTED; on
 *     an instance an unknown property is WBEM_E_NOT_FOUND; a system
 *     property is WBEM_E_READ_ONLY.  Delete on an instance puts the class
 *     default back (WBEM_S_RESET_TO_DEFAULT).
 *   - SpawnInstance on an instance gives a new instance of its class with
 *     the class defaults.  InheritsFrom(own class) is WBEM_S_FALSE.
 *   - An embedded object is stored as a copy (Put) and handed out as a new
 *     copy (Get); only objects of the host can be stored (anything else is
 *     WBEM_E_INVALID_PARAMETER and a LEDGER_FOREIGN_OBJECT finding).
 *   - Qualifier sets are read-only (Put/Delete WBEM_E_NOT_SUPPORTED); an
 *     instance sees all its class's qualifiers, flavored as propagated, and
 *     every property has the CIMTYPE qualifier WMI adds ("uint32",
 *     "ref:Class", "object:Class").
 *   - __SERVER is this machine's host name (gethostname, without domain);
 *     __PATH is "\\server\namespace:relpath" for every object, spawned or
 *     not; __RELPATH is NULL while a key is NULL.  GetPropertyOrigin of a
 *     system property names the object's own class.
 *   - SpawnDerivedClass and the method calls (GetMethod ... GetMethodOrigin)
 *     are WBEM_E_NOT_SUPPORTED with a journal note: they are not simulated.
 */
#ifndef HIPERF_MOCKS_OBJECT_H
#define HIPERF_MOCKS_OBJECT_H

#include <stdbool.h>

#include "host.h"
#include "objpath.h"

struct hobject;
struct hclass;

/* ---- Class layouts ------------------------------------------------------ */

/* The runtime layout of cls (borrowed, from host->repo), built on first use
 * and cached in host->classes (index-aligned with the repository).
 * Borrowed; valid until host_free.  NULL with HP_ENOMEM, or HP_ENOTFOUND if
 * cls is not a class of the host's repository. */
struct hclass *host_hclass(struct host *host, const struct repo_class *cls);

/* Frees a layout (host_free calls it; nobody else should). */
void hclass_free(struct hclass *c);

/* The class a layout describes (borrowed from the repository). */
const struct repo_class *hclass_repo(const struct hclass *c);

/* The handle of a property of the class by name (ASCII case-insensitive);
 * 0 if there is no such property or it has no handle (arrays, objects). */
LONG hclass_handle(const struct hclass *c, const char *name);

/* ---- Creating objects ---------------------------------------------------- */

/* A class object of cls (borrowed) whose values are the class's defaults;
 * one reference held by `holder`.  NULL on ENOMEM (or an injected
 * HPM_HOST_ALLOC fault) or when cls is not in the host's repository. */
struct hobject *hobject_new_class(struct host *host, const struct repo_class *cls, enum hp_actor holder);

/* A new instance of cls (borrowed) with the class's default values, as
 * SpawnInstance gives it; one reference held by `holder`.  NULL as above. */
struct hobject *hobject_new_instance(struct host *host, const struct repo_class *cls,
                                     enum hp_actor holder);

/* An independent copy of o (borrowed): same kind, class and values, with
 * embedded objects copied too.  One reference held by `holder`.  NULL on
 * ENOMEM. */
struct hobject *hobject_clone(struct hobject *o, enum hp_actor holder);

/* ---- Identity -------------------------------------------------------------- */

/* The host object behind an interface pointer, or NULL if p is NULL or not
 * an object of this module (decided by the vtable pointer alone: nothing
 * beyond the first pointer-sized field of p is read).  Borrowed. */
struct hobject *hobject_from_iface(const void *p);

/* The interface pointers of o (the same address); borrowed: no reference
 * is taken. */
IWbemClassObject *hobject_iface(struct hobject *o);
IWbemObjectAccess *hobject_access(struct hobject *o);

/* The ledger header of o, for hobj_ref/hobj_unref/hobj_transfer. */
struct hobj *hobject_hobj(struct hobject *o);
uint64_t hobject_id(const struct hobject *o);

const struct repo_class *hobject_class(const struct hobject *o);
struct hclass *hobject_layout(const struct hobject *o);
bool hobject_is_instance(const struct hobject *o);

/* ---- Values, for the host's own use (no journal, no ledger, no faults) ---- */

/* The value of a property or system property (__CLASS, __RELPATH, ...) by
 * name into *out, owned by the caller (cim_value_clear).  0, HP_ENOTFOUND,
 * HP_EINVAL (a non-NULL embedded-object property: objects are not cim
 * values; a string that is not valid UTF-16), HP_ENOMEM. */
int hobject_get(const struct hobject *o, const char *name, struct cim_value *out);

/* Sets a property by name from v (borrowed), converted with
 * cimval_convert (integers that fit, and so on); v->null sets NULL.  0,
 * HP_ENOTFOUND, HP_EINVAL (a system property, an embedded-object property,
 * a value that does not convert), HP_ENOMEM. */
int hobject_set(struct hobject *o, const char *name, const struct cim_value *v);

/* The same by property index (repo_prop_index order). */
int hobject_get_at(const struct hobject *o, size_t index, struct cim_value *out);
int hobject_set_at(struct hobject *o, size_t index, const struct cim_value *v);

/* Whether the property at index is NULL. */
bool hobject_is_null_at(const struct hobject *o, size_t index);

/* Sets the key properties of instance o from a parsed path (borrowed):
 * each key must name a key property of o's class (the unnamed shorthand
 * key: the class's single key) and convert to its type.  0, HP_EINVAL with
 * a message, HP_ENOMEM. */
int hobject_set_keys(struct hobject *o, const struct objpath *path);

/* __RELPATH / __PATH of o as owned UTF-8 (free()): "Class.K=\"v\"" with
 * keys in WMI's alphabetical order, "Class=@" for a singleton, the class
 * name for a class object; __PATH adds "\\server\namespace:".  NULL when
 * o has none (an instance with a NULL key, or of a class without keys),
 * with HP_ENOTFOUND, or on ENOMEM. */
char *hobject_relpath(const struct hobject *o);
char *hobject_path(const struct hobject *o);

/* Copies every property value of src (borrowed) into dst, which must be of
 * the same class: the fixed-width values and NULL flags in one memcpy,
 * strings reusing dst's buffers when they are large enough, arrays and
 * embedded objects deep.  Takes neither object's Lock (IWbemObjectAccess::
 * Lock); the caller decides.  0, HP_EINVAL (different classes), HP_ENOMEM
 * (dst then holds a mix of old and new values). */
int hobject_copy_values(struct hobject *dst, const struct hobject *src);

/* Same class and equal key values (string keys compared ASCII
 * case-insensitively, as WMI looks instances up); false if either has a
 * NULL key or the class has no key (two singletons of a class are equal). */
bool hobject_key_equal(const struct hobject *a, const struct hobject *b);

/* GetObjectText's MOF text as owned UTF-8: "instance of C\n{\n\tP = v;\n};\n"
 * with the non-NULL properties, or the class declaration for a class
 * object.  NULL on ENOMEM. */
char *hobject_text(const struct hobject *o);

/* The name __SERVER gives (this machine's host name, without its domain);
 * static. */
const char *hobject_server_name(void);

#endif
