/*
 * hiperf/wbemcli.h - the WMI client interfaces a provider and the host pass
 * between them: class objects, object access, qualifier sets, services,
 * contexts, sinks, call results, enumerators, refreshers, hi-perf enums,
 * the refresher configuration and the locator; the WBEM status codes, flags
 * and CIM types.
 *
 * WBEM status codes are macros of type HRESULT rather than enum constants:
 * an enum cannot hold 0x8004xxxx as a signed int, and FAILED() must be true
 * for them.  WBEMSTATUS is therefore HRESULT.
 */
#ifndef HIPERF_WBEMCLI_H
#define HIPERF_WBEMCLI_H

#include "hiperf/wintypes.h"
#include "hiperf/winerror.h"
#include "hiperf/unknwn.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct IWbemClassObject IWbemClassObject;
typedef struct IWbemObjectAccess IWbemObjectAccess;
typedef struct IWbemQualifierSet IWbemQualifierSet;
typedef struct IWbemServices IWbemServices;
typedef struct IWbemContext IWbemContext;
typedef struct IWbemObjectSink IWbemObjectSink;
typedef struct IWbemCallResult IWbemCallResult;
typedef struct IEnumWbemClassObject IEnumWbemClassObject;
typedef struct IWbemRefresher IWbemRefresher;
typedef struct IWbemHiPerfEnum IWbemHiPerfEnum;
typedef struct IWbemConfigureRefresher IWbemConfigureRefresher;
typedef struct IWbemLocator IWbemLocator;

/* ---- CIM types ------------------------------------------------------- */

typedef LONG CIMTYPE;
typedef enum CIMTYPE_ENUMERATION {
    CIM_ILLEGAL = 0xfff,
    CIM_EMPTY = 0,
    CIM_SINT8 = 16,
    CIM_UINT8 = 17,
    CIM_SINT16 = 2,
    CIM_UINT16 = 18,
    CIM_SINT32 = 3,
    CIM_UINT32 = 19,
    CIM_SINT64 = 20,
    CIM_UINT64 = 21,
    CIM_REAL32 = 4,
    CIM_REAL64 = 5,
    CIM_BOOLEAN = 11,
    CIM_STRING = 8,
    CIM_DATETIME = 101,
    CIM_REFERENCE = 102,
    CIM_CHAR16 = 103,
    CIM_OBJECT = 13,
    CIM_FLAG_ARRAY = 0x2000
} CIMTYPE_ENUMERATION;

/* ---- WBEM status codes (WBEMSTATUS) ----------------------------------- */

typedef HRESULT WBEMSTATUS;
#define WBEM_NO_ERROR ((HRESULT)0x0)
#define WBEM_S_NO_ERROR ((HRESULT)0x0)
#define WBEM_S_SAME ((HRESULT)0x0)
#define WBEM_S_FALSE ((HRESULT)0x1)
#define WBEM_S_ALREADY_EXISTS ((HRESULT)0x40001)
#define WBEM_S_RESET_TO_DEFAULT ((HRESULT)0x40002)
#define WBEM_S_DIFFERENT ((HRESULT)0x40003)
#define WBEM_S_TIMEDOUT ((HRESULT)0x40004)
#define WBEM_S_NO_MORE_DATA ((HRESULT)0x40005)
#define WBEM_S_OPERATION_CANCELLED ((HRESULT)0x40006)
#define WBEM_S_PENDING ((HRESULT)0x40007)
#define WBEM_S_DUPLICATE_OBJECTS ((HRESULT)0x40008)
#define WBEM_S_ACCESS_DENIED ((HRESULT)0x40009)
#define WBEM_S_PARTIAL_RESULTS ((HRESULT)0x40010)
#define WBEM_S_SOURCE_NOT_AVAILABLE ((HRESULT)0x40017)
#define WBEM_E_FAILED ((HRESULT)0x80041001)
#define WBEM_E_NOT_FOUND ((HRESULT)0x80041002)
#define WBEM_E_ACCESS_DENIED ((HRESULT)0x80041003)
#define WBEM_E_PROVIDER_FAILURE ((HRESULT)0x80041004)
#define WBEM_E_TYPE_MISMATCH ((HRESULT)0x80041005)
#define WBEM_E_OUT_OF_MEMORY ((HRESULT)0x80041006)
#define WBEM_E_INVALID_CONTEXT ((HRESULT)0x80041007)
#define WBEM_E_INVALID_PARAMETER ((HRESULT)0x80041008)
#define WBEM_E_NOT_AVAILABLE ((HRESULT)0x80041009)
#define WBEM_E_CRITICAL_ERROR ((HRESULT)0x8004100A)
#define WBEM_E_INVALID_STREAM ((HRESULT)0x8004100B)
#define WBEM_E_NOT_SUPPORTED ((HRESULT)0x8004100C)
#define WBEM_E_INVALID_SUPERCLASS ((HRESULT)0x8004100D)
#define WBEM_E_INVALID_NAMESPACE ((HRESULT)0x8004100E)
#define WBEM_E_INVALID_OBJECT ((HRESULT)0x8004100F)
#define WBEM_E_INVALID_CLASS ((HRESULT)0x80041010)
#define WBEM_E_PROVIDER_NOT_FOUND ((HRESULT)0x80041011)
#define WBEM_E_INVALID_PROVIDER_REGISTRATION ((HRESULT)0x80041012)
#define WBEM_E_PROVIDER_LOAD_FAILURE ((HRESULT)0x80041013)
#define WBEM_E_INITIALIZATION_FAILURE ((HRESULT)0x80041014)
#define WBEM_E_TRANSPORT_FAILURE ((HRESULT)0x80041015)
#define WBEM_E_INVALID_OPERATION ((HRESULT)0x80041016)
#define WBEM_E_INVALID_QUERY ((HRESULT)0x80041017)
#define WBEM_E_INVALID_QUERY_TYPE ((HRESULT)0x80041018)
#define WBEM_E_ALREADY_EXISTS ((HRESULT)0x80041019)
#define WBEM_E_UNEXPECTED ((HRESULT)0x8004101D)
#define WBEM_E_ILLEGAL_OPERATION ((HRESULT)0x8004101E)
#define WBEM_E_READ_ONLY ((HRESULT)0x80041023)
#define WBEM_E_PROVIDER_NOT_CAPABLE ((HRESULT)0x80041024)
#define WBEM_E_ILLEGAL_NULL ((HRESULT)0x80041028)
#define WBEM_E_INVALID_PROPERTY_TYPE ((HRESULT)0x8004102A)
#define WBEM_E_VALUE_OUT_OF_RANGE ((HRESULT)0x8004102B)
#define WBEM_E_INVALID_CIM_TYPE ((HRESULT)0x8004102D)
#define WBEM_E_INVALID_PROPERTY ((HRESULT)0x80041031)
#define WBEM_E_CALL_CANCELLED ((HRESULT)0x80041032)
#define WBEM_E_SHUTTING_DOWN ((HRESULT)0x80041033)
#define WBEM_E_UNSUPPORTED_PARAMETER ((HRESULT)0x80041035)
#define WBEM_E_INVALID_OBJECT_PATH ((HRESULT)0x8004103A)
#define WBEM_E_BUFFER_TOO_SMALL ((HRESULT)0x8004103C)
#define WBEM_E_UNKNOWN_OBJECT_TYPE ((HRESULT)0x8004103E)
#define WBEM_E_MARSHAL_VERSION_MISMATCH ((HRESULT)0x80041040)
#define WBEM_E_MARSHAL_INVALID_SIGNATURE ((HRESULT)0x80041041)
#define WBEM_E_TOO_MUCH_DATA ((HRESULT)0x80041044)
#define WBEM_E_SERVER_TOO_BUSY ((HRESULT)0x80041045)
#define WBEM_E_METHOD_NOT_IMPLEMENTED ((HRESULT)0x80041055)
#define WBEM_E_REFRESHER_BUSY ((HRESULT)0x80041057)
#define WBEM_E_QUEUE_OVERFLOW ((HRESULT)0x80041061)
#define WBEM_E_PRIVILEGE_NOT_HELD ((HRESULT)0x80041062)
#define WBEM_E_LOCAL_CREDENTIALS ((HRESULT)0x80041064)
#define WBEM_E_CLIENT_TOO_SLOW ((HRESULT)0x80041067)
#define WBEM_E_TIMED_OUT ((HRESULT)0x80041069)
#define WBEM_E_QUOTA_VIOLATION ((HRESULT)0x8004106C)
#define WBEM_E_HANDLE_OUT_OF_DATE ((HRESULT)0x80041070)
#define WBEM_E_CONNECTION_FAILED ((HRESULT)0x80041071)
#define WBEM_E_INVALID_HANDLE_REQUEST ((HRESULT)0x80041072)
#define WBEM_E_RERUN_COMMAND ((HRESULT)0x80041077)
#define WBEM_E_PROVIDER_SUSPENDED ((HRESULT)0x80041081)
#define WBEM_E_PROVIDER_ALREADY_REGISTERED ((HRESULT)0x80041084)
#define WBEM_E_PROVIDER_NOT_REGISTERED ((HRESULT)0x80041085)
#define WBEM_E_FATAL_TRANSPORT_ERROR ((HRESULT)0x80041086)
#define WBEM_E_ENCRYPTED_CONNECTION_REQUIRED ((HRESULT)0x80041087)
#define WBEM_E_PROVIDER_TIMED_OUT ((HRESULT)0x80041088)
#define WBEM_E_NO_KEY ((HRESULT)0x80041089)
#define WBEM_E_PROVIDER_DISABLED ((HRESULT)0x8004108A)

/* ---- Flags and enums -------------------------------------------------- */

typedef enum WBEM_REFRESHER_FLAGS {
    WBEM_FLAG_REFRESH_AUTO_RECONNECT = 0,
    WBEM_FLAG_REFRESH_NO_AUTO_RECONNECT = 1
} WBEM_REFRESHER_FLAGS;

typedef enum WBEM_GENERIC_FLAG_TYPE {
    WBEM_FLAG_RETURN_WBEM_COMPLETE = 0,
    WBEM_FLAG_BIDIRECTIONAL = 0,
    WBEM_FLAG_RETURN_IMMEDIATELY = 0x10,
    WBEM_FLAG_FORWARD_ONLY = 0x20,
    WBEM_FLAG_NO_ERROR_OBJECT = 0x40,
    WBEM_FLAG_RETURN_ERROR_OBJECT = 0,
    WBEM_FLAG_SEND_STATUS = 0x80,
    WBEM_FLAG_DONT_SEND_STATUS = 0,
    WBEM_FLAG_ENSURE_LOCATABLE = 0x100,
    WBEM_FLAG_DIRECT_READ = 0x200,
    WBEM_FLAG_SEND_ONLY_SELECTED = 0,
    WBEM_RETURN_WHEN_COMPLETE = 0,
    WBEM_RETURN_IMMEDIATELY = 0x10,
    WBEM_MASK_RESERVED_FLAGS = 0x1f000,
    WBEM_FLAG_USE_AMENDED_QUALIFIERS = 0x20000,
    WBEM_FLAG_STRONG_VALIDATION = 0x100000
} WBEM_GENERIC_FLAG_TYPE;

typedef enum WBEM_STATUS_TYPE {
    WBEM_STATUS_COMPLETE = 0,
    WBEM_STATUS_REQUIREMENTS = 1,
    WBEM_STATUS_PROGRESS = 2,
    WBEM_STATUS_LOGGING_INFORMATION = 0x100,
    WBEM_STATUS_LOGGING_INFORMATION_PROVIDER = 0x200,
    WBEM_STATUS_LOGGING_INFORMATION_HOST = 0x400,
    WBEM_STATUS_LOGGING_INFORMATION_REPOSITORY = 0x800,
    WBEM_STATUS_LOGGING_INFORMATION_ESS = 0x1000
} WBEM_STATUS_TYPE;

/* WBEM_TIMEOUT_TYPE; WBEM_INFINITE is 0xFFFFFFFF, i.e. -1 as a LONG. */
#define WBEM_NO_WAIT ((LONG)0)
#define WBEM_INFINITE ((LONG)0xFFFFFFFF)

typedef enum WBEM_CONDITION_FLAG_TYPE {
    WBEM_FLAG_ALWAYS = 0,
    WBEM_FLAG_ONLY_IF_TRUE = 0x1,
    WBEM_FLAG_ONLY_IF_FALSE = 0x2,
    WBEM_FLAG_ONLY_IF_IDENTICAL = 0x3,
    WBEM_MASK_PRIMARY_CONDITION = 0x3,
    WBEM_FLAG_KEYS_ONLY = 0x4,
    WBEM_FLAG_REFS_ONLY = 0x8,
    WBEM_FLAG_LOCAL_ONLY = 0x10,
    WBEM_FLAG_PROPAGATED_ONLY = 0x20,
    WBEM_FLAG_SYSTEM_ONLY = 0x30,
    WBEM_FLAG_NONSYSTEM_ONLY = 0x40,
    WBEM_MASK_CONDITION_ORIGIN = 0x70,
    WBEM_FLAG_CLASS_OVERRIDES_ONLY = 0x100,
    WBEM_FLAG_CLASS_LOCAL_AND_OVERRIDES = 0x200,
    WBEM_MASK_CLASS_CONDITION = 0x300
} WBEM_CONDITION_FLAG_TYPE;

typedef enum WBEM_LOCKING_FLAG_TYPE {
    WBEM_FLAG_ALLOW_READ = 0x1
} WBEM_LOCKING_FLAG_TYPE;

typedef enum WBEM_FLAVOR_TYPE {
    WBEM_FLAVOR_DONT_PROPAGATE = 0,
    WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE = 0x1,
    WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS = 0x2,
    WBEM_FLAVOR_MASK_PROPAGATION = 0xf,
    WBEM_FLAVOR_OVERRIDABLE = 0,
    WBEM_FLAVOR_NOT_OVERRIDABLE = 0x10,
    WBEM_FLAVOR_MASK_PERMISSIONS = 0x10,
    WBEM_FLAVOR_ORIGIN_LOCAL = 0,
    WBEM_FLAVOR_ORIGIN_PROPAGATED = 0x20,
    WBEM_FLAVOR_ORIGIN_SYSTEM = 0x40,
    WBEM_FLAVOR_MASK_ORIGIN = 0x60,
    WBEM_FLAVOR_NOT_AMENDED = 0,
    WBEM_FLAVOR_AMENDED = 0x80,
    WBEM_FLAVOR_MASK_AMENDED = 0x80
} WBEM_FLAVOR_TYPE;

typedef enum WBEM_CHANGE_FLAG_TYPE {
    WBEM_FLAG_CREATE_OR_UPDATE = 0,
    WBEM_FLAG_UPDATE_ONLY = 0x1,
    WBEM_FLAG_CREATE_ONLY = 0x2,
    WBEM_FLAG_UPDATE_COMPATIBLE = 0,
    WBEM_FLAG_UPDATE_SAFE_MODE = 0x20,
    WBEM_FLAG_UPDATE_FORCE_MODE = 0x40,
    WBEM_MASK_UPDATE_MODE = 0x60,
    WBEM_FLAG_ADVISORY = 0x10000
} WBEM_CHANGE_FLAG_TYPE;

typedef enum WBEM_QUERY_FLAG_TYPE {
    WBEM_FLAG_DEEP = 0,
    WBEM_FLAG_SHALLOW = 1,
    WBEM_FLAG_PROTOTYPE = 2
} WBEM_QUERY_FLAG_TYPE;

typedef enum WBEM_GENUS_TYPE {
    WBEM_GENUS_CLASS = 1,
    WBEM_GENUS_INSTANCE = 2
} WBEM_GENUS_TYPE;

typedef enum WBEM_COMPARISON_FLAG {
    WBEM_COMPARISON_INCLUDE_ALL = 0,
    WBEM_FLAG_IGNORE_QUALIFIERS = 0x1,
    WBEM_FLAG_IGNORE_OBJECT_SOURCE = 0x2,
    WBEM_FLAG_IGNORE_DEFAULT_VALUES = 0x4,
    WBEM_FLAG_IGNORE_CLASS = 0x8,
    WBEM_FLAG_IGNORE_CASE = 0x10,
    WBEM_FLAG_IGNORE_FLAVOR = 0x20
} WBEM_COMPARISON_FLAG;

/* Namespace access rights.  MS-WMI names 0x20 WBEM_REMOTE_ENABLE (the SDK
 * says WBEM_REMOTE_ACCESS) and 0x4 WBEM_FULL_WRITE; both spellings exist. */
typedef enum WBEM_SECURITY_FLAGS {
    WBEM_ENABLE = 0x1,
    WBEM_METHOD_EXECUTE = 0x2,
    WBEM_FULL_WRITE_REP = 0x4,
    WBEM_PARTIAL_WRITE_REP = 0x8,
    WBEM_WRITE_PROVIDER = 0x10,
    WBEM_REMOTE_ACCESS = 0x20,
    WBEM_RIGHT_SUBSCRIBE = 0x40,
    WBEM_RIGHT_PUBLISH = 0x80
} WBEM_SECURITY_FLAGS;
#define WBEM_REMOTE_ENABLE WBEM_REMOTE_ACCESS
#define WBEM_FULL_WRITE WBEM_FULL_WRITE_REP

typedef enum WBEM_CONNECT_OPTIONS {
    WBEM_FLAG_CONNECT_REPOSITORY_ONLY = 0x40,
    WBEM_FLAG_CONNECT_USE_MAX_WAIT = 0x80,
    WBEM_FLAG_CONNECT_PROVIDERS = 0x100
} WBEM_CONNECT_OPTIONS;

typedef enum WBEM_LIMITS {
    WBEM_MAX_IDENTIFIER = 0x1000,
    WBEM_MAX_QUERY = 0x4000,
    WBEM_MAX_PATH = 0x2000,
    WBEM_MAX_OBJECT_NESTING = 64,
    WBEM_MAX_USER_PROPERTIES = 1024
} WBEM_LIMITS;

typedef enum WBEM_SHUTDOWN_FLAGS {
    WBEM_SHUTDOWN_UNLOAD_COMPONENT = 1,
    WBEM_SHUTDOWN_WMI = 2,
    WBEM_SHUTDOWN_OS = 3
} WBEM_SHUTDOWN_FLAGS;

/* ---- Class identifiers ------------------------------------------------ */

HIPERF_DEFINE_GUID(CLSID_WbemRefresher, 0xc71566f2, 0x561e, 0x11d1, 0xad, 0x87, 0x00, 0xc0, 0x4f, 0xd8, 0xfd, 0xff);
HIPERF_DEFINE_GUID(CLSID_WbemLocator, 0x4590f811, 0x1d3a, 0x11d0, 0x89, 0x1f, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24);
HIPERF_DEFINE_GUID(CLSID_WbemContext, 0x674b6698, 0xee92, 0x11d0, 0xad, 0x71, 0x00, 0xc0, 0x4f, 0xd8, 0xfd, 0xff);
HIPERF_DEFINE_GUID(CLSID_WbemClassObject, 0x9a653086, 0x174f, 0x11d2, 0xb5, 0xf9, 0x00, 0x10, 0x4b, 0x70, 0x3e, 0xfd);
HIPERF_DEFINE_GUID(CLSID_WbemStatusCodeText, 0xeb87e1bd, 0x3233, 0x11d2, 0xae, 0xc9, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
HIPERF_DEFINE_GUID(CLSID_UnsecuredApartment, 0x49bd2028, 0x1523, 0x11d1, 0xad, 0x79, 0x00, 0xc0, 0x4f, 0xd8, 0xfd, 0xff);
HIPERF_DEFINE_GUID(LIBID_WbemClient_v1, 0x7ec196fe, 0x7005, 0x11d1, 0xad, 0x90, 0x00, 0xc0, 0x4f, 0xd8, 0xfd, 0xff);

/* ---- Interfaces ------------------------------------------------------- */

/* IWbemClassObject: 27 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemClassObject, 0xdc12a681, 0x737f, 0x11cf, 0x88, 0x4d, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24);
typedef struct IWbemClassObjectVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemClassObject *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemClassObject *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemClassObject *This);
    HRESULT (STDMETHODCALLTYPE *GetQualifierSet)(IWbemClassObject *This, IWbemQualifierSet **ppQualSet);
    HRESULT (STDMETHODCALLTYPE *Get)(IWbemClassObject *This, LPCWSTR wszName, LONG lFlags, VARIANT *pVal, CIMTYPE *pType, LONG *plFlavor);
    HRESULT (STDMETHODCALLTYPE *Put)(IWbemClassObject *This, LPCWSTR wszName, LONG lFlags, VARIANT *pVal, CIMTYPE Type);
    HRESULT (STDMETHODCALLTYPE *Delete)(IWbemClassObject *This, LPCWSTR wszName);
    HRESULT (STDMETHODCALLTYPE *GetNames)(IWbemClassObject *This, LPCWSTR wszQualifierName, LONG lFlags, VARIANT *pQualifierVal, SAFEARRAY **pNames);
    HRESULT (STDMETHODCALLTYPE *BeginEnumeration)(IWbemClassObject *This, LONG lEnumFlags);
    HRESULT (STDMETHODCALLTYPE *Next)(IWbemClassObject *This, LONG lFlags, BSTR *strName, VARIANT *pVal, CIMTYPE *pType, LONG *plFlavor);
    HRESULT (STDMETHODCALLTYPE *EndEnumeration)(IWbemClassObject *This);
    HRESULT (STDMETHODCALLTYPE *GetPropertyQualifierSet)(IWbemClassObject *This, LPCWSTR wszProperty, IWbemQualifierSet **ppQualSet);
    HRESULT (STDMETHODCALLTYPE *Clone)(IWbemClassObject *This, IWbemClassObject **ppCopy);
    HRESULT (STDMETHODCALLTYPE *GetObjectText)(IWbemClassObject *This, LONG lFlags, BSTR *pstrObjectText);
    HRESULT (STDMETHODCALLTYPE *SpawnDerivedClass)(IWbemClassObject *This, LONG lFlags, IWbemClassObject **ppNewClass);
    HRESULT (STDMETHODCALLTYPE *SpawnInstance)(IWbemClassObject *This, LONG lFlags, IWbemClassObject **ppNewInstance);
    HRESULT (STDMETHODCALLTYPE *CompareTo)(IWbemClassObject *This, LONG lFlags, IWbemClassObject *pCompareTo);
    HRESULT (STDMETHODCALLTYPE *GetPropertyOrigin)(IWbemClassObject *This, LPCWSTR wszName, BSTR *pstrClassName);
    HRESULT (STDMETHODCALLTYPE *InheritsFrom)(IWbemClassObject *This, LPCWSTR strAncestor);
    HRESULT (STDMETHODCALLTYPE *GetMethod)(IWbemClassObject *This, LPCWSTR wszName, LONG lFlags, IWbemClassObject **ppInSignature, IWbemClassObject **ppOutSignature);
    HRESULT (STDMETHODCALLTYPE *PutMethod)(IWbemClassObject *This, LPCWSTR wszName, LONG lFlags, IWbemClassObject *pInSignature, IWbemClassObject *pOutSignature);
    HRESULT (STDMETHODCALLTYPE *DeleteMethod)(IWbemClassObject *This, LPCWSTR wszName);
    HRESULT (STDMETHODCALLTYPE *BeginMethodEnumeration)(IWbemClassObject *This, LONG lEnumFlags);
    HRESULT (STDMETHODCALLTYPE *NextMethod)(IWbemClassObject *This, LONG lFlags, BSTR *pstrName, IWbemClassObject **ppInSignature, IWbemClassObject **ppOutSignature);
    HRESULT (STDMETHODCALLTYPE *EndMethodEnumeration)(IWbemClassObject *This);
    HRESULT (STDMETHODCALLTYPE *GetMethodQualifierSet)(IWbemClassObject *This, LPCWSTR wszMethod, IWbemQualifierSet **ppQualSet);
    HRESULT (STDMETHODCALLTYPE *GetMethodOrigin)(IWbemClassObject *This, LPCWSTR wszMethodName, BSTR *pstrClassName);
} IWbemClassObjectVtbl;
struct IWbemClassObject {
    const IWbemClassObjectVtbl *lpVtbl;
};
#define IWbemClassObject_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemClassObject_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemClassObject_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemClassObject_GetQualifierSet(This, ppQualSet) ((This)->lpVtbl->GetQualifierSet((This), ppQualSet))
#define IWbemClassObject_Get(This, wszName, lFlags, pVal, pType, plFlavor) ((This)->lpVtbl->Get((This), wszName, lFlags, pVal, pType, plFlavor))
#define IWbemClassObject_Put(This, wszName, lFlags, pVal, Type) ((This)->lpVtbl->Put((This), wszName, lFlags, pVal, Type))
#define IWbemClassObject_Delete(This, wszName) ((This)->lpVtbl->Delete((This), wszName))
#define IWbemClassObject_GetNames(This, wszQualifierName, lFlags, pQualifierVal, pNames) ((This)->lpVtbl->GetNames((This), wszQualifierName, lFlags, pQualifierVal, pNames))
#define IWbemClassObject_BeginEnumeration(This, lEnumFlags) ((This)->lpVtbl->BeginEnumeration((This), lEnumFlags))
#define IWbemClassObject_Next(This, lFlags, strName, pVal, pType, plFlavor) ((This)->lpVtbl->Next((This), lFlags, strName, pVal, pType, plFlavor))
#define IWbemClassObject_EndEnumeration(This) ((This)->lpVtbl->EndEnumeration((This)))
#define IWbemClassObject_GetPropertyQualifierSet(This, wszProperty, ppQualSet) ((This)->lpVtbl->GetPropertyQualifierSet((This), wszProperty, ppQualSet))
#define IWbemClassObject_Clone(This, ppCopy) ((This)->lpVtbl->Clone((This), ppCopy))
#define IWbemClassObject_GetObjectText(This, lFlags, pstrObjectText) ((This)->lpVtbl->GetObjectText((This), lFlags, pstrObjectText))
#define IWbemClassObject_SpawnDerivedClass(This, lFlags, ppNewClass) ((This)->lpVtbl->SpawnDerivedClass((This), lFlags, ppNewClass))
#define IWbemClassObject_SpawnInstance(This, lFlags, ppNewInstance) ((This)->lpVtbl->SpawnInstance((This), lFlags, ppNewInstance))
#define IWbemClassObject_CompareTo(This, lFlags, pCompareTo) ((This)->lpVtbl->CompareTo((This), lFlags, pCompareTo))
#define IWbemClassObject_GetPropertyOrigin(This, wszName, pstrClassName) ((This)->lpVtbl->GetPropertyOrigin((This), wszName, pstrClassName))
#define IWbemClassObject_InheritsFrom(This, strAncestor) ((This)->lpVtbl->InheritsFrom((This), strAncestor))
#define IWbemClassObject_GetMethod(This, wszName, lFlags, ppInSignature, ppOutSignature) ((This)->lpVtbl->GetMethod((This), wszName, lFlags, ppInSignature, ppOutSignature))
#define IWbemClassObject_PutMethod(This, wszName, lFlags, pInSignature, pOutSignature) ((This)->lpVtbl->PutMethod((This), wszName, lFlags, pInSignature, pOutSignature))
#define IWbemClassObject_DeleteMethod(This, wszName) ((This)->lpVtbl->DeleteMethod((This), wszName))
#define IWbemClassObject_BeginMethodEnumeration(This, lEnumFlags) ((This)->lpVtbl->BeginMethodEnumeration((This), lEnumFlags))
#define IWbemClassObject_NextMethod(This, lFlags, pstrName, ppInSignature, ppOutSignature) ((This)->lpVtbl->NextMethod((This), lFlags, pstrName, ppInSignature, ppOutSignature))
#define IWbemClassObject_EndMethodEnumeration(This) ((This)->lpVtbl->EndMethodEnumeration((This)))
#define IWbemClassObject_GetMethodQualifierSet(This, wszMethod, ppQualSet) ((This)->lpVtbl->GetMethodQualifierSet((This), wszMethod, ppQualSet))
#define IWbemClassObject_GetMethodOrigin(This, wszMethodName, pstrClassName) ((This)->lpVtbl->GetMethodOrigin((This), wszMethodName, pstrClassName))

/* IWbemObjectAccess: 37 slots, derives from IWbemClassObject. */
HIPERF_DEFINE_GUID(IID_IWbemObjectAccess, 0x49353c9a, 0x516b, 0x11d1, 0xae, 0xa6, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemObjectAccessVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemObjectAccess *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemObjectAccess *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemObjectAccess *This);
    HRESULT (STDMETHODCALLTYPE *GetQualifierSet)(IWbemObjectAccess *This, IWbemQualifierSet **ppQualSet);
    HRESULT (STDMETHODCALLTYPE *Get)(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags, VARIANT *pVal, CIMTYPE *pType, LONG *plFlavor);
    HRESULT (STDMETHODCALLTYPE *Put)(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags, VARIANT *pVal, CIMTYPE Type);
    HRESULT (STDMETHODCALLTYPE *Delete)(IWbemObjectAccess *This, LPCWSTR wszName);
    HRESULT (STDMETHODCALLTYPE *GetNames)(IWbemObjectAccess *This, LPCWSTR wszQualifierName, LONG lFlags, VARIANT *pQualifierVal, SAFEARRAY **pNames);
    HRESULT (STDMETHODCALLTYPE *BeginEnumeration)(IWbemObjectAccess *This, LONG lEnumFlags);
    HRESULT (STDMETHODCALLTYPE *Next)(IWbemObjectAccess *This, LONG lFlags, BSTR *strName, VARIANT *pVal, CIMTYPE *pType, LONG *plFlavor);
    HRESULT (STDMETHODCALLTYPE *EndEnumeration)(IWbemObjectAccess *This);
    HRESULT (STDMETHODCALLTYPE *GetPropertyQualifierSet)(IWbemObjectAccess *This, LPCWSTR wszProperty, IWbemQualifierSet **ppQualSet);
    HRESULT (STDMETHODCALLTYPE *Clone)(IWbemObjectAccess *This, IWbemClassObject **ppCopy);
    HRESULT (STDMETHODCALLTYPE *GetObjectText)(IWbemObjectAccess *This, LONG lFlags, BSTR *pstrObjectText);
    HRESULT (STDMETHODCALLTYPE *SpawnDerivedClass)(IWbemObjectAccess *This, LONG lFlags, IWbemClassObject **ppNewClass);
    HRESULT (STDMETHODCALLTYPE *SpawnInstance)(IWbemObjectAccess *This, LONG lFlags, IWbemClassObject **ppNewInstance);
    HRESULT (STDMETHODCALLTYPE *CompareTo)(IWbemObjectAccess *This, LONG lFlags, IWbemClassObject *pCompareTo);
    HRESULT (STDMETHODCALLTYPE *GetPropertyOrigin)(IWbemObjectAccess *This, LPCWSTR wszName, BSTR *pstrClassName);
    HRESULT (STDMETHODCALLTYPE *InheritsFrom)(IWbemObjectAccess *This, LPCWSTR strAncestor);
    HRESULT (STDMETHODCALLTYPE *GetMethod)(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags, IWbemClassObject **ppInSignature, IWbemClassObject **ppOutSignature);
    HRESULT (STDMETHODCALLTYPE *PutMethod)(IWbemObjectAccess *This, LPCWSTR wszName, LONG lFlags, IWbemClassObject *pInSignature, IWbemClassObject *pOutSignature);
    HRESULT (STDMETHODCALLTYPE *DeleteMethod)(IWbemObjectAccess *This, LPCWSTR wszName);
    HRESULT (STDMETHODCALLTYPE *BeginMethodEnumeration)(IWbemObjectAccess *This, LONG lEnumFlags);
    HRESULT (STDMETHODCALLTYPE *NextMethod)(IWbemObjectAccess *This, LONG lFlags, BSTR *pstrName, IWbemClassObject **ppInSignature, IWbemClassObject **ppOutSignature);
    HRESULT (STDMETHODCALLTYPE *EndMethodEnumeration)(IWbemObjectAccess *This);
    HRESULT (STDMETHODCALLTYPE *GetMethodQualifierSet)(IWbemObjectAccess *This, LPCWSTR wszMethod, IWbemQualifierSet **ppQualSet);
    HRESULT (STDMETHODCALLTYPE *GetMethodOrigin)(IWbemObjectAccess *This, LPCWSTR wszMethodName, BSTR *pstrClassName);
    HRESULT (STDMETHODCALLTYPE *GetPropertyHandle)(IWbemObjectAccess *This, LPCWSTR wszPropertyName, CIMTYPE *pType, LONG *plHandle);
    HRESULT (STDMETHODCALLTYPE *WritePropertyValue)(IWbemObjectAccess *This, LONG lHandle, LONG lNumBytes, const byte *aData);
    HRESULT (STDMETHODCALLTYPE *ReadPropertyValue)(IWbemObjectAccess *This, LONG lHandle, LONG lBufferSize, LONG *plNumBytes, byte *aData);
    HRESULT (STDMETHODCALLTYPE *ReadDWORD)(IWbemObjectAccess *This, LONG lHandle, DWORD *pdw);
    HRESULT (STDMETHODCALLTYPE *WriteDWORD)(IWbemObjectAccess *This, LONG lHandle, DWORD dw);
    HRESULT (STDMETHODCALLTYPE *ReadQWORD)(IWbemObjectAccess *This, LONG lHandle, UINT64 *pqw);
    HRESULT (STDMETHODCALLTYPE *WriteQWORD)(IWbemObjectAccess *This, LONG lHandle, UINT64 pw);
    HRESULT (STDMETHODCALLTYPE *GetPropertyInfoByHandle)(IWbemObjectAccess *This, LONG lHandle, BSTR *pstrName, CIMTYPE *pType);
    HRESULT (STDMETHODCALLTYPE *Lock)(IWbemObjectAccess *This, LONG lFlags);
    HRESULT (STDMETHODCALLTYPE *Unlock)(IWbemObjectAccess *This, LONG lFlags);
} IWbemObjectAccessVtbl;
struct IWbemObjectAccess {
    const IWbemObjectAccessVtbl *lpVtbl;
};
#define IWbemObjectAccess_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemObjectAccess_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemObjectAccess_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemObjectAccess_GetQualifierSet(This, ppQualSet) ((This)->lpVtbl->GetQualifierSet((This), ppQualSet))
#define IWbemObjectAccess_Get(This, wszName, lFlags, pVal, pType, plFlavor) ((This)->lpVtbl->Get((This), wszName, lFlags, pVal, pType, plFlavor))
#define IWbemObjectAccess_Put(This, wszName, lFlags, pVal, Type) ((This)->lpVtbl->Put((This), wszName, lFlags, pVal, Type))
#define IWbemObjectAccess_Delete(This, wszName) ((This)->lpVtbl->Delete((This), wszName))
#define IWbemObjectAccess_GetNames(This, wszQualifierName, lFlags, pQualifierVal, pNames) ((This)->lpVtbl->GetNames((This), wszQualifierName, lFlags, pQualifierVal, pNames))
#define IWbemObjectAccess_BeginEnumeration(This, lEnumFlags) ((This)->lpVtbl->BeginEnumeration((This), lEnumFlags))
#define IWbemObjectAccess_Next(This, lFlags, strName, pVal, pType, plFlavor) ((This)->lpVtbl->Next((This), lFlags, strName, pVal, pType, plFlavor))
#define IWbemObjectAccess_EndEnumeration(This) ((This)->lpVtbl->EndEnumeration((This)))
#define IWbemObjectAccess_GetPropertyQualifierSet(This, wszProperty, ppQualSet) ((This)->lpVtbl->GetPropertyQualifierSet((This), wszProperty, ppQualSet))
#define IWbemObjectAccess_Clone(This, ppCopy) ((This)->lpVtbl->Clone((This), ppCopy))
#define IWbemObjectAccess_GetObjectText(This, lFlags, pstrObjectText) ((This)->lpVtbl->GetObjectText((This), lFlags, pstrObjectText))
#define IWbemObjectAccess_SpawnDerivedClass(This, lFlags, ppNewClass) ((This)->lpVtbl->SpawnDerivedClass((This), lFlags, ppNewClass))
#define IWbemObjectAccess_SpawnInstance(This, lFlags, ppNewInstance) ((This)->lpVtbl->SpawnInstance((This), lFlags, ppNewInstance))
#define IWbemObjectAccess_CompareTo(This, lFlags, pCompareTo) ((This)->lpVtbl->CompareTo((This), lFlags, pCompareTo))
#define IWbemObjectAccess_GetPropertyOrigin(This, wszName, pstrClassName) ((This)->lpVtbl->GetPropertyOrigin((This), wszName, pstrClassName))
#define IWbemObjectAccess_InheritsFrom(This, strAncestor) ((This)->lpVtbl->InheritsFrom((This), strAncestor))
#define IWbemObjectAccess_GetMethod(This, wszName, lFlags, ppInSignature, ppOutSignature) ((This)->lpVtbl->GetMethod((This), wszName, lFlags, ppInSignature, ppOutSignature))
#define IWbemObjectAccess_PutMethod(This, wszName, lFlags, pInSignature, pOutSignature) ((This)->lpVtbl->PutMethod((This), wszName, lFlags, pInSignature, pOutSignature))
#define IWbemObjectAccess_DeleteMethod(This, wszName) ((This)->lpVtbl->DeleteMethod((This), wszName))
#define IWbemObjectAccess_BeginMethodEnumeration(This, lEnumFlags) ((This)->lpVtbl->BeginMethodEnumeration((This), lEnumFlags))
#define IWbemObjectAccess_NextMethod(This, lFlags, pstrName, ppInSignature, ppOutSignature) ((This)->lpVtbl->NextMethod((This), lFlags, pstrName, ppInSignature, ppOutSignature))
#define IWbemObjectAccess_EndMethodEnumeration(This) ((This)->lpVtbl->EndMethodEnumeration((This)))
#define IWbemObjectAccess_GetMethodQualifierSet(This, wszMethod, ppQualSet) ((This)->lpVtbl->GetMethodQualifierSet((This), wszMethod, ppQualSet))
#define IWbemObjectAccess_GetMethodOrigin(This, wszMethodName, pstrClassName) ((This)->lpVtbl->GetMethodOrigin((This), wszMethodName, pstrClassName))
#define IWbemObjectAccess_GetPropertyHandle(This, wszPropertyName, pType, plHandle) ((This)->lpVtbl->GetPropertyHandle((This), wszPropertyName, pType, plHandle))
#define IWbemObjectAccess_WritePropertyValue(This, lHandle, lNumBytes, aData) ((This)->lpVtbl->WritePropertyValue((This), lHandle, lNumBytes, aData))
#define IWbemObjectAccess_ReadPropertyValue(This, lHandle, lBufferSize, plNumBytes, aData) ((This)->lpVtbl->ReadPropertyValue((This), lHandle, lBufferSize, plNumBytes, aData))
#define IWbemObjectAccess_ReadDWORD(This, lHandle, pdw) ((This)->lpVtbl->ReadDWORD((This), lHandle, pdw))
#define IWbemObjectAccess_WriteDWORD(This, lHandle, dw) ((This)->lpVtbl->WriteDWORD((This), lHandle, dw))
#define IWbemObjectAccess_ReadQWORD(This, lHandle, pqw) ((This)->lpVtbl->ReadQWORD((This), lHandle, pqw))
#define IWbemObjectAccess_WriteQWORD(This, lHandle, pw) ((This)->lpVtbl->WriteQWORD((This), lHandle, pw))
#define IWbemObjectAccess_GetPropertyInfoByHandle(This, lHandle, pstrName, pType) ((This)->lpVtbl->GetPropertyInfoByHandle((This), lHandle, pstrName, pType))
#define IWbemObjectAccess_Lock(This, lFlags) ((This)->lpVtbl->Lock((This), lFlags))
#define IWbemObjectAccess_Unlock(This, lFlags) ((This)->lpVtbl->Unlock((This), lFlags))

/* IWbemQualifierSet: 10 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemQualifierSet, 0xdc12a680, 0x737f, 0x11cf, 0x88, 0x4d, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24);
typedef struct IWbemQualifierSetVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemQualifierSet *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemQualifierSet *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemQualifierSet *This);
    HRESULT (STDMETHODCALLTYPE *Get)(IWbemQualifierSet *This, LPCWSTR wszName, LONG lFlags, VARIANT *pVal, LONG *plFlavor);
    HRESULT (STDMETHODCALLTYPE *Put)(IWbemQualifierSet *This, LPCWSTR wszName, VARIANT *pVal, LONG lFlavor);
    HRESULT (STDMETHODCALLTYPE *Delete)(IWbemQualifierSet *This, LPCWSTR wszName);
    HRESULT (STDMETHODCALLTYPE *GetNames)(IWbemQualifierSet *This, LONG lFlags, SAFEARRAY **pNames);
    HRESULT (STDMETHODCALLTYPE *BeginEnumeration)(IWbemQualifierSet *This, LONG lFlags);
    HRESULT (STDMETHODCALLTYPE *Next)(IWbemQualifierSet *This, LONG lFlags, BSTR *pstrName, VARIANT *pVal, LONG *plFlavor);
    HRESULT (STDMETHODCALLTYPE *EndEnumeration)(IWbemQualifierSet *This);
} IWbemQualifierSetVtbl;
struct IWbemQualifierSet {
    const IWbemQualifierSetVtbl *lpVtbl;
};
#define IWbemQualifierSet_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemQualifierSet_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemQualifierSet_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemQualifierSet_Get(This, wszName, lFlags, pVal, plFlavor) ((This)->lpVtbl->Get((This), wszName, lFlags, pVal, plFlavor))
#define IWbemQualifierSet_Put(This, wszName, pVal, lFlavor) ((This)->lpVtbl->Put((This), wszName, pVal, lFlavor))
#define IWbemQualifierSet_Delete(This, wszName) ((This)->lpVtbl->Delete((This), wszName))
#define IWbemQualifierSet_GetNames(This, lFlags, pNames) ((This)->lpVtbl->GetNames((This), lFlags, pNames))
#define IWbemQualifierSet_BeginEnumeration(This, lFlags) ((This)->lpVtbl->BeginEnumeration((This), lFlags))
#define IWbemQualifierSet_Next(This, lFlags, pstrName, pVal, plFlavor) ((This)->lpVtbl->Next((This), lFlags, pstrName, pVal, plFlavor))
#define IWbemQualifierSet_EndEnumeration(This) ((This)->lpVtbl->EndEnumeration((This)))

/* IWbemServices: 26 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemServices, 0x9556dc99, 0x828c, 0x11cf, 0xa3, 0x7e, 0x00, 0xaa, 0x00, 0x32, 0x40, 0xc7);
typedef struct IWbemServicesVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemServices *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemServices *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemServices *This);
    HRESULT (STDMETHODCALLTYPE *OpenNamespace)(IWbemServices *This, const BSTR strNamespace, LONG lFlags, IWbemContext *pCtx, IWbemServices **ppWorkingNamespace, IWbemCallResult **ppResult);
    HRESULT (STDMETHODCALLTYPE *CancelAsyncCall)(IWbemServices *This, IWbemObjectSink *pSink);
    HRESULT (STDMETHODCALLTYPE *QueryObjectSink)(IWbemServices *This, LONG lFlags, IWbemObjectSink **ppResponseHandler);
    HRESULT (STDMETHODCALLTYPE *GetObject)(IWbemServices *This, const BSTR strObjectPath, LONG lFlags, IWbemContext *pCtx, IWbemClassObject **ppObject, IWbemCallResult **ppCallResult);
    HRESULT (STDMETHODCALLTYPE *GetObjectAsync)(IWbemServices *This, const BSTR strObjectPath, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *PutClass)(IWbemServices *This, IWbemClassObject *pObject, LONG lFlags, IWbemContext *pCtx, IWbemCallResult **ppCallResult);
    HRESULT (STDMETHODCALLTYPE *PutClassAsync)(IWbemServices *This, IWbemClassObject *pObject, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *DeleteClass)(IWbemServices *This, const BSTR strClass, LONG lFlags, IWbemContext *pCtx, IWbemCallResult **ppCallResult);
    HRESULT (STDMETHODCALLTYPE *DeleteClassAsync)(IWbemServices *This, const BSTR strClass, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *CreateClassEnum)(IWbemServices *This, const BSTR strSuperclass, LONG lFlags, IWbemContext *pCtx, IEnumWbemClassObject **ppEnum);
    HRESULT (STDMETHODCALLTYPE *CreateClassEnumAsync)(IWbemServices *This, const BSTR strSuperclass, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *PutInstance)(IWbemServices *This, IWbemClassObject *pInst, LONG lFlags, IWbemContext *pCtx, IWbemCallResult **ppCallResult);
    HRESULT (STDMETHODCALLTYPE *PutInstanceAsync)(IWbemServices *This, IWbemClassObject *pInst, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *DeleteInstance)(IWbemServices *This, const BSTR strObjectPath, LONG lFlags, IWbemContext *pCtx, IWbemCallResult **ppCallResult);
    HRESULT (STDMETHODCALLTYPE *DeleteInstanceAsync)(IWbemServices *This, const BSTR strObjectPath, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *CreateInstanceEnum)(IWbemServices *This, const BSTR strFilter, LONG lFlags, IWbemContext *pCtx, IEnumWbemClassObject **ppEnum);
    HRESULT (STDMETHODCALLTYPE *CreateInstanceEnumAsync)(IWbemServices *This, const BSTR strFilter, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *ExecQuery)(IWbemServices *This, const BSTR strQueryLanguage, const BSTR strQuery, LONG lFlags, IWbemContext *pCtx, IEnumWbemClassObject **ppEnum);
    HRESULT (STDMETHODCALLTYPE *ExecQueryAsync)(IWbemServices *This, const BSTR strQueryLanguage, const BSTR strQuery, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *ExecNotificationQuery)(IWbemServices *This, const BSTR strQueryLanguage, const BSTR strQuery, LONG lFlags, IWbemContext *pCtx, IEnumWbemClassObject **ppEnum);
    HRESULT (STDMETHODCALLTYPE *ExecNotificationQueryAsync)(IWbemServices *This, const BSTR strQueryLanguage, const BSTR strQuery, LONG lFlags, IWbemContext *pCtx, IWbemObjectSink *pResponseHandler);
    HRESULT (STDMETHODCALLTYPE *ExecMethod)(IWbemServices *This, const BSTR strObjectPath, const BSTR strMethodName, LONG lFlags, IWbemContext *pCtx, IWbemClassObject *pInParams, IWbemClassObject **ppOutParams, IWbemCallResult **ppCallResult);
    HRESULT (STDMETHODCALLTYPE *ExecMethodAsync)(IWbemServices *This, const BSTR strObjectPath, const BSTR strMethodName, LONG lFlags, IWbemContext *pCtx, IWbemClassObject *pInParams, IWbemObjectSink *pResponseHandler);
} IWbemServicesVtbl;
struct IWbemServices {
    const IWbemServicesVtbl *lpVtbl;
};
#define IWbemServices_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemServices_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemServices_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemServices_OpenNamespace(This, strNamespace, lFlags, pCtx, ppWorkingNamespace, ppResult) ((This)->lpVtbl->OpenNamespace((This), strNamespace, lFlags, pCtx, ppWorkingNamespace, ppResult))
#define IWbemServices_CancelAsyncCall(This, pSink) ((This)->lpVtbl->CancelAsyncCall((This), pSink))
#define IWbemServices_QueryObjectSink(This, lFlags, ppResponseHandler) ((This)->lpVtbl->QueryObjectSink((This), lFlags, ppResponseHandler))
#define IWbemServices_GetObject(This, strObjectPath, lFlags, pCtx, ppObject, ppCallResult) ((This)->lpVtbl->GetObject((This), strObjectPath, lFlags, pCtx, ppObject, ppCallResult))
#define IWbemServices_GetObjectAsync(This, strObjectPath, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->GetObjectAsync((This), strObjectPath, lFlags, pCtx, pResponseHandler))
#define IWbemServices_PutClass(This, pObject, lFlags, pCtx, ppCallResult) ((This)->lpVtbl->PutClass((This), pObject, lFlags, pCtx, ppCallResult))
#define IWbemServices_PutClassAsync(This, pObject, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->PutClassAsync((This), pObject, lFlags, pCtx, pResponseHandler))
#define IWbemServices_DeleteClass(This, strClass, lFlags, pCtx, ppCallResult) ((This)->lpVtbl->DeleteClass((This), strClass, lFlags, pCtx, ppCallResult))
#define IWbemServices_DeleteClassAsync(This, strClass, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->DeleteClassAsync((This), strClass, lFlags, pCtx, pResponseHandler))
#define IWbemServices_CreateClassEnum(This, strSuperclass, lFlags, pCtx, ppEnum) ((This)->lpVtbl->CreateClassEnum((This), strSuperclass, lFlags, pCtx, ppEnum))
#define IWbemServices_CreateClassEnumAsync(This, strSuperclass, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->CreateClassEnumAsync((This), strSuperclass, lFlags, pCtx, pResponseHandler))
#define IWbemServices_PutInstance(This, pInst, lFlags, pCtx, ppCallResult) ((This)->lpVtbl->PutInstance((This), pInst, lFlags, pCtx, ppCallResult))
#define IWbemServices_PutInstanceAsync(This, pInst, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->PutInstanceAsync((This), pInst, lFlags, pCtx, pResponseHandler))
#define IWbemServices_DeleteInstance(This, strObjectPath, lFlags, pCtx, ppCallResult) ((This)->lpVtbl->DeleteInstance((This), strObjectPath, lFlags, pCtx, ppCallResult))
#define IWbemServices_DeleteInstanceAsync(This, strObjectPath, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->DeleteInstanceAsync((This), strObjectPath, lFlags, pCtx, pResponseHandler))
#define IWbemServices_CreateInstanceEnum(This, strFilter, lFlags, pCtx, ppEnum) ((This)->lpVtbl->CreateInstanceEnum((This), strFilter, lFlags, pCtx, ppEnum))
#define IWbemServices_CreateInstanceEnumAsync(This, strFilter, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->CreateInstanceEnumAsync((This), strFilter, lFlags, pCtx, pResponseHandler))
#define IWbemServices_ExecQuery(This, strQueryLanguage, strQuery, lFlags, pCtx, ppEnum) ((This)->lpVtbl->ExecQuery((This), strQueryLanguage, strQuery, lFlags, pCtx, ppEnum))
#define IWbemServices_ExecQueryAsync(This, strQueryLanguage, strQuery, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->ExecQueryAsync((This), strQueryLanguage, strQuery, lFlags, pCtx, pResponseHandler))
#define IWbemServices_ExecNotificationQuery(This, strQueryLanguage, strQuery, lFlags, pCtx, ppEnum) ((This)->lpVtbl->ExecNotificationQuery((This), strQueryLanguage, strQuery, lFlags, pCtx, ppEnum))
#define IWbemServices_ExecNotificationQueryAsync(This, strQueryLanguage, strQuery, lFlags, pCtx, pResponseHandler) ((This)->lpVtbl->ExecNotificationQueryAsync((This), strQueryLanguage, strQuery, lFlags, pCtx, pResponseHandler))
#define IWbemServices_ExecMethod(This, strObjectPath, strMethodName, lFlags, pCtx, pInParams, ppOutParams, ppCallResult) ((This)->lpVtbl->ExecMethod((This), strObjectPath, strMethodName, lFlags, pCtx, pInParams, ppOutParams, ppCallResult))
#define IWbemServices_ExecMethodAsync(This, strObjectPath, strMethodName, lFlags, pCtx, pInParams, pResponseHandler) ((This)->lpVtbl->ExecMethodAsync((This), strObjectPath, strMethodName, lFlags, pCtx, pInParams, pResponseHandler))

/* IWbemContext: 12 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemContext, 0x44aca674, 0xe8fc, 0x11d0, 0xa0, 0x7c, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemContextVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemContext *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemContext *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemContext *This);
    HRESULT (STDMETHODCALLTYPE *Clone)(IWbemContext *This, IWbemContext **ppNewCopy);
    HRESULT (STDMETHODCALLTYPE *GetNames)(IWbemContext *This, LONG lFlags, SAFEARRAY **pNames);
    HRESULT (STDMETHODCALLTYPE *BeginEnumeration)(IWbemContext *This, LONG lFlags);
    HRESULT (STDMETHODCALLTYPE *Next)(IWbemContext *This, LONG lFlags, BSTR *pstrName, VARIANT *pValue);
    HRESULT (STDMETHODCALLTYPE *EndEnumeration)(IWbemContext *This);
    HRESULT (STDMETHODCALLTYPE *SetValue)(IWbemContext *This, LPCWSTR wszName, LONG lFlags, VARIANT *pValue);
    HRESULT (STDMETHODCALLTYPE *GetValue)(IWbemContext *This, LPCWSTR wszName, LONG lFlags, VARIANT *pValue);
    HRESULT (STDMETHODCALLTYPE *DeleteValue)(IWbemContext *This, LPCWSTR wszName, LONG lFlags);
    HRESULT (STDMETHODCALLTYPE *DeleteAll)(IWbemContext *This);
} IWbemContextVtbl;
struct IWbemContext {
    const IWbemContextVtbl *lpVtbl;
};
#define IWbemContext_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemContext_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemContext_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemContext_Clone(This, ppNewCopy) ((This)->lpVtbl->Clone((This), ppNewCopy))
#define IWbemContext_GetNames(This, lFlags, pNames) ((This)->lpVtbl->GetNames((This), lFlags, pNames))
#define IWbemContext_BeginEnumeration(This, lFlags) ((This)->lpVtbl->BeginEnumeration((This), lFlags))
#define IWbemContext_Next(This, lFlags, pstrName, pValue) ((This)->lpVtbl->Next((This), lFlags, pstrName, pValue))
#define IWbemContext_EndEnumeration(This) ((This)->lpVtbl->EndEnumeration((This)))
#define IWbemContext_SetValue(This, wszName, lFlags, pValue) ((This)->lpVtbl->SetValue((This), wszName, lFlags, pValue))
#define IWbemContext_GetValue(This, wszName, lFlags, pValue) ((This)->lpVtbl->GetValue((This), wszName, lFlags, pValue))
#define IWbemContext_DeleteValue(This, wszName, lFlags) ((This)->lpVtbl->DeleteValue((This), wszName, lFlags))
#define IWbemContext_DeleteAll(This) ((This)->lpVtbl->DeleteAll((This)))

/* IWbemObjectSink: 5 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemObjectSink, 0x7c857801, 0x7381, 0x11cf, 0x88, 0x4d, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24);
typedef struct IWbemObjectSinkVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemObjectSink *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemObjectSink *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemObjectSink *This);
    HRESULT (STDMETHODCALLTYPE *Indicate)(IWbemObjectSink *This, LONG lObjectCount, IWbemClassObject **apObjArray);
    HRESULT (STDMETHODCALLTYPE *SetStatus)(IWbemObjectSink *This, LONG lFlags, HRESULT hResult, BSTR strParam, IWbemClassObject *pObjParam);
} IWbemObjectSinkVtbl;
struct IWbemObjectSink {
    const IWbemObjectSinkVtbl *lpVtbl;
};
#define IWbemObjectSink_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemObjectSink_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemObjectSink_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemObjectSink_Indicate(This, lObjectCount, apObjArray) ((This)->lpVtbl->Indicate((This), lObjectCount, apObjArray))
#define IWbemObjectSink_SetStatus(This, lFlags, hResult, strParam, pObjParam) ((This)->lpVtbl->SetStatus((This), lFlags, hResult, strParam, pObjParam))

/* IWbemCallResult: 7 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemCallResult, 0x44aca675, 0xe8fc, 0x11d0, 0xa0, 0x7c, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemCallResultVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemCallResult *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemCallResult *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemCallResult *This);
    HRESULT (STDMETHODCALLTYPE *GetResultObject)(IWbemCallResult *This, LONG lTimeout, IWbemClassObject **ppResultObject);
    HRESULT (STDMETHODCALLTYPE *GetResultString)(IWbemCallResult *This, LONG lTimeout, BSTR *pstrResultString);
    HRESULT (STDMETHODCALLTYPE *GetResultServices)(IWbemCallResult *This, LONG lTimeout, IWbemServices **ppServices);
    HRESULT (STDMETHODCALLTYPE *GetCallStatus)(IWbemCallResult *This, LONG lTimeout, LONG *plStatus);
} IWbemCallResultVtbl;
struct IWbemCallResult {
    const IWbemCallResultVtbl *lpVtbl;
};
#define IWbemCallResult_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemCallResult_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemCallResult_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemCallResult_GetResultObject(This, lTimeout, ppResultObject) ((This)->lpVtbl->GetResultObject((This), lTimeout, ppResultObject))
#define IWbemCallResult_GetResultString(This, lTimeout, pstrResultString) ((This)->lpVtbl->GetResultString((This), lTimeout, pstrResultString))
#define IWbemCallResult_GetResultServices(This, lTimeout, ppServices) ((This)->lpVtbl->GetResultServices((This), lTimeout, ppServices))
#define IWbemCallResult_GetCallStatus(This, lTimeout, plStatus) ((This)->lpVtbl->GetCallStatus((This), lTimeout, plStatus))

/* IEnumWbemClassObject: 8 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IEnumWbemClassObject, 0x027947e1, 0xd731, 0x11ce, 0xa3, 0x57, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01);
typedef struct IEnumWbemClassObjectVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IEnumWbemClassObject *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IEnumWbemClassObject *This);
    ULONG (STDMETHODCALLTYPE *Release)(IEnumWbemClassObject *This);
    HRESULT (STDMETHODCALLTYPE *Reset)(IEnumWbemClassObject *This);
    HRESULT (STDMETHODCALLTYPE *Next)(IEnumWbemClassObject *This, LONG lTimeout, ULONG uCount, IWbemClassObject **apObjects, ULONG *puReturned);
    HRESULT (STDMETHODCALLTYPE *NextAsync)(IEnumWbemClassObject *This, ULONG uCount, IWbemObjectSink *pSink);
    HRESULT (STDMETHODCALLTYPE *Clone)(IEnumWbemClassObject *This, IEnumWbemClassObject **ppEnum);
    HRESULT (STDMETHODCALLTYPE *Skip)(IEnumWbemClassObject *This, LONG lTimeout, ULONG nCount);
} IEnumWbemClassObjectVtbl;
struct IEnumWbemClassObject {
    const IEnumWbemClassObjectVtbl *lpVtbl;
};
#define IEnumWbemClassObject_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IEnumWbemClassObject_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IEnumWbemClassObject_Release(This) ((This)->lpVtbl->Release((This)))
#define IEnumWbemClassObject_Reset(This) ((This)->lpVtbl->Reset((This)))
#define IEnumWbemClassObject_Next(This, lTimeout, uCount, apObjects, puReturned) ((This)->lpVtbl->Next((This), lTimeout, uCount, apObjects, puReturned))
#define IEnumWbemClassObject_NextAsync(This, uCount, pSink) ((This)->lpVtbl->NextAsync((This), uCount, pSink))
#define IEnumWbemClassObject_Clone(This, ppEnum) ((This)->lpVtbl->Clone((This), ppEnum))
#define IEnumWbemClassObject_Skip(This, lTimeout, nCount) ((This)->lpVtbl->Skip((This), lTimeout, nCount))

/* IWbemRefresher: 4 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemRefresher, 0x49353c99, 0x516b, 0x11d1, 0xae, 0xa6, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemRefresherVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemRefresher *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemRefresher *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemRefresher *This);
    HRESULT (STDMETHODCALLTYPE *Refresh)(IWbemRefresher *This, LONG lFlags);
} IWbemRefresherVtbl;
struct IWbemRefresher {
    const IWbemRefresherVtbl *lpVtbl;
};
#define IWbemRefresher_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemRefresher_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemRefresher_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemRefresher_Refresh(This, lFlags) ((This)->lpVtbl->Refresh((This), lFlags))

/* IWbemHiPerfEnum: 7 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemHiPerfEnum, 0x2705c288, 0x79ae, 0x11d2, 0xb3, 0x48, 0x00, 0x10, 0x5a, 0x1f, 0x81, 0x77);
typedef struct IWbemHiPerfEnumVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemHiPerfEnum *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemHiPerfEnum *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemHiPerfEnum *This);
    HRESULT (STDMETHODCALLTYPE *AddObjects)(IWbemHiPerfEnum *This, LONG lFlags, ULONG uNumObjects, LONG *apIds, IWbemObjectAccess **apObj);
    HRESULT (STDMETHODCALLTYPE *RemoveObjects)(IWbemHiPerfEnum *This, LONG lFlags, ULONG uNumObjects, LONG *apIds);
    HRESULT (STDMETHODCALLTYPE *GetObjects)(IWbemHiPerfEnum *This, LONG lFlags, ULONG uNumObjects, IWbemObjectAccess **apObj, ULONG *puReturned);
    HRESULT (STDMETHODCALLTYPE *RemoveAll)(IWbemHiPerfEnum *This, LONG lFlags);
} IWbemHiPerfEnumVtbl;
struct IWbemHiPerfEnum {
    const IWbemHiPerfEnumVtbl *lpVtbl;
};
#define IWbemHiPerfEnum_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemHiPerfEnum_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemHiPerfEnum_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemHiPerfEnum_AddObjects(This, lFlags, uNumObjects, apIds, apObj) ((This)->lpVtbl->AddObjects((This), lFlags, uNumObjects, apIds, apObj))
#define IWbemHiPerfEnum_RemoveObjects(This, lFlags, uNumObjects, apIds) ((This)->lpVtbl->RemoveObjects((This), lFlags, uNumObjects, apIds))
#define IWbemHiPerfEnum_GetObjects(This, lFlags, uNumObjects, apObj, puReturned) ((This)->lpVtbl->GetObjects((This), lFlags, uNumObjects, apObj, puReturned))
#define IWbemHiPerfEnum_RemoveAll(This, lFlags) ((This)->lpVtbl->RemoveAll((This), lFlags))

/* IWbemConfigureRefresher: 8 slots, derives from IUnknown. */
HIPERF_DEFINE_GUID(IID_IWbemConfigureRefresher, 0x49353c92, 0x516b, 0x11d1, 0xae, 0xa6, 0x00, 0xc0, 0x4f, 0xb6, 0x88, 0x20);
typedef struct IWbemConfigureRefresherVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemConfigureRefresher *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemConfigureRefresher *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemConfigureRefresher *This);
    HRESULT (STDMETHODCALLTYPE *AddObjectByPath)(IWbemConfigureRefresher *This, IWbemServices *pNamespace, LPCWSTR wszPath, LONG lFlags, IWbemContext *pContext, IWbemClassObject **ppRefreshable, LONG *plId);
    HRESULT (STDMETHODCALLTYPE *AddObjectByTemplate)(IWbemConfigureRefresher *This, IWbemServices *pNamespace, IWbemClassObject *pTemplate, LONG lFlags, IWbemContext *pContext, IWbemClassObject **ppRefreshable, LONG *plId);
    HRESULT (STDMETHODCALLTYPE *AddRefresher)(IWbemConfigureRefresher *This, IWbemRefresher *pRefresher, LONG lFlags, LONG *plId);
    HRESULT (STDMETHODCALLTYPE *Remove)(IWbemConfigureRefresher *This, LONG lId, LONG lFlags);
    HRESULT (STDMETHODCALLTYPE *AddEnum)(IWbemConfigureRefresher *This, IWbemServices *pNamespace, LPCWSTR wszClassName, LONG lFlags, IWbemContext *pContext, IWbemHiPerfEnum **ppEnum, LONG *plId);
} IWbemConfigureRefresherVtbl;
struct IWbemConfigureRefresher {
    const IWbemConfigureRefresherVtbl *lpVtbl;
};
#define IWbemConfigureRefresher_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemConfigureRefresher_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemConfigureRefresher_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemConfigureRefresher_AddObjectByPath(This, pNamespace, wszPath, lFlags, pContext, ppRefreshable, plId) ((This)->lpVtbl->AddObjectByPath((This), pNamespace, wszPath, lFlags, pContext, ppRefreshable, plId))
#define IWbemConfigureRefresher_AddObjectByTemplate(This, pNamespace, pTemplate, lFlags, pContext, ppRefreshable, plId) ((This)->lpVtbl->AddObjectByTemplate((This), pNamespace, pTemplate, lFlags, pContext, ppRefreshable, plId))
#define IWbemConfigureRefresher_AddRefresher(This, pRefresher, lFlags, plId) ((This)->lpVtbl->AddRefresher((This), pRefresher, lFlags, plId))
#define IWbemConfigureRefresher_Remove(This, lId, lFlags) ((This)->lpVtbl->Remove((This), lId, lFlags))
#define IWbemConfigureRefresher_AddEnum(This, pNamespace, wszClassName, lFlags, pContext, ppEnum, plId) ((This)->lpVtbl->AddEnum((This), pNamespace, wszClassName, lFlags, pContext, ppEnum, plId))


/* IWbemLocator: 4 slots, derives from IUnknown.  What CoCreateInstance of
 * CLSID_WbemLocator (for clients) or CLSID_WbemAdministrativeLocator (for
 * in-process providers) gives: ConnectServer opens a namespace. */
HIPERF_DEFINE_GUID(IID_IWbemLocator, 0xdc12a687, 0x737f, 0x11cf, 0x88, 0x4d, 0x00, 0xaa, 0x00, 0x4b, 0x2e, 0x24);
typedef struct IWbemLocatorVtbl {
    HRESULT (STDMETHODCALLTYPE *QueryInterface)(IWbemLocator *This, REFIID riid, void **ppvObject);
    ULONG (STDMETHODCALLTYPE *AddRef)(IWbemLocator *This);
    ULONG (STDMETHODCALLTYPE *Release)(IWbemLocator *This);
    HRESULT (STDMETHODCALLTYPE *ConnectServer)(IWbemLocator *This, const BSTR strNetworkResource, const BSTR strUser, const BSTR strPassword, const BSTR strLocale, LONG lSecurityFlags, const BSTR strAuthority, IWbemContext *pCtx, IWbemServices **ppNamespace);
} IWbemLocatorVtbl;
struct IWbemLocator {
    const IWbemLocatorVtbl *lpVtbl;
};
#define IWbemLocator_QueryInterface(This, riid, ppvObject) ((This)->lpVtbl->QueryInterface((This), riid, ppvObject))
#define IWbemLocator_AddRef(This) ((This)->lpVtbl->AddRef((This)))
#define IWbemLocator_Release(This) ((This)->lpVtbl->Release((This)))
#define IWbemLocator_ConnectServer(This, strNetworkResource, strUser, strPassword, strLocale, lSecurityFlags, strAuthority, pCtx, ppNamespace) ((This)->lpVtbl->ConnectServer((This), strNetworkResource, strUser, strPassword, strLocale, lSecurityFlags, strAuthority, pCtx, ppNamespace))

#ifdef __cplusplus
}
#endif

#endif /* HIPERF_WBEMCLI_H */
