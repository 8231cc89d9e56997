/*
 * util/hresult.c - the names of the HRESULTs the project speaks (generic
 * COM codes, WBEM status codes, the provider API's extra codes), one table
 * for every module: the journal and messages print them, the scenario
 * parser and the oracle read them.  Values come from include/hiperf, so
 * every module agrees with the providers by construction.
 *
 * Invariant: for a value with several names, the first in the table is the
 * one printed (S_OK, not WBEM_S_NO_ERROR); every name parses.
 */
#include "hresult.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "hiperf/com.h"
#include "util.h"

static const struct {
    HRESULT hr;
    const char *name;
} hresult_names[] = {
#define N(x) {x, #x}
    N(S_OK), N(S_FALSE), N(WBEM_S_NO_ERROR), N(WBEM_NO_ERROR), N(WBEM_S_SAME), N(WBEM_S_FALSE),
    N(WBEM_S_INITIALIZED),
    N(E_NOTIMPL), N(E_NOINTERFACE), N(E_POINTER), N(E_ABORT), N(E_FAIL), N(E_UNEXPECTED),
    N(E_ACCESSDENIED), N(E_HANDLE), N(E_OUTOFMEMORY), N(E_INVALIDARG),
    N(CLASS_E_NOAGGREGATION), N(CLASS_E_CLASSNOTAVAILABLE), N(REGDB_E_CLASSNOTREG),
    N(CO_E_NOTINITIALIZED), N(CO_E_OBJNOTCONNECTED), N(CO_E_CLASSSTRING),
    N(RPC_E_CALL_REJECTED), N(RPC_E_SERVER_DIED), N(RPC_E_SERVERFAULT), N(RPC_E_CHANGED_MODE),
    N(RPC_E_DISCONNECTED), N(RPC_E_WRONG_THREAD), N(DISP_E_TYPEMISMATCH), N(DISP_E_BADVARTYPE),
    N(DISP_E_ARRAYISLOCKED), N(DISP_E_BADINDEX),
    N(WBEM_S_ALREADY_EXISTS), N(WBEM_S_RESET_TO_DEFAULT), N(WBEM_S_DIFFERENT),
    N(WBEM_S_TIMEDOUT), N(WBEM_S_NO_MORE_DATA), N(WBEM_S_OPERATION_CANCELLED), N(WBEM_S_PENDING),
    N(WBEM_S_DUPLICATE_OBJECTS), N(WBEM_S_ACCESS_DENIED), N(WBEM_S_PARTIAL_RESULTS),
    N(WBEM_S_SOURCE_NOT_AVAILABLE), N(WBEM_S_LIMITED_SERVICE), N(WBEM_S_INDIRECTLY_UPDATED),
    N(WBEM_S_SUBJECT_TO_SDS),
    N(WBEM_E_FAILED), N(WBEM_E_NOT_FOUND), N(WBEM_E_ACCESS_DENIED), N(WBEM_E_PROVIDER_FAILURE),
    N(WBEM_E_TYPE_MISMATCH), N(WBEM_E_OUT_OF_MEMORY), N(WBEM_E_INVALID_CONTEXT),
    N(WBEM_E_INVALID_PARAMETER), N(WBEM_E_NOT_AVAILABLE), N(WBEM_E_CRITICAL_ERROR),
    N(WBEM_E_INVALID_STREAM), N(WBEM_E_NOT_SUPPORTED), N(WBEM_E_INVALID_SUPERCLASS),
    N(WBEM_E_INVALID_NAMESPACE), N(WBEM_E_INVALID_OBJECT), N(WBEM_E_INVALID_CLASS),
    N(WBEM_E_PROVIDER_NOT_FOUND), N(WBEM_E_INVALID_PROVIDER_REGISTRATION),
    N(WBEM_E_PROVIDER_LOAD_FAILURE), N(WBEM_E_INITIALIZATION_FAILURE), N(WBEM_E_TRANSPORT_FAILURE),
    N(WBEM_E_INVALID_OPERATION), N(WBEM_E_INVALID_QUERY), N(WBEM_E_INVALID_QUERY_TYPE),
    N(WBEM_E_ALREADY_EXISTS), N(WBEM_E_UNEXPECTED), N(WBEM_E_ILLEGAL_OPERATION),
    N(WBEM_E_READ_ONLY), N(WBEM_E_PROVIDER_NOT_CAPABLE), N(WBEM_E_ILLEGAL_NULL),
    N(WBEM_E_INVALID_PROPERTY_TYPE), N(WBEM_E_VALUE_OUT_OF_RANGE), N(WBEM_E_INVALID_CIM_TYPE),
    N(WBEM_E_INVALID_PROPERTY), N(WBEM_E_CALL_CANCELLED), N(WBEM_E_SHUTTING_DOWN),
    N(WBEM_E_UNSUPPORTED_PARAMETER), N(WBEM_E_INVALID_OBJECT_PATH), N(WBEM_E_BUFFER_TOO_SMALL),
    N(WBEM_E_UNKNOWN_OBJECT_TYPE), N(WBEM_E_MARSHAL_VERSION_MISMATCH),
    N(WBEM_E_MARSHAL_INVALID_SIGNATURE), N(WBEM_E_TOO_MUCH_DATA), N(WBEM_E_SERVER_TOO_BUSY),
    N(WBEM_E_METHOD_NOT_IMPLEMENTED), N(WBEM_E_REFRESHER_BUSY), N(WBEM_E_QUEUE_OVERFLOW),
    N(WBEM_E_PRIVILEGE_NOT_HELD), N(WBEM_E_LOCAL_CREDENTIALS), N(WBEM_E_CLIENT_TOO_SLOW), N(WBEM_E_TIMED_OUT),
    N(WBEM_E_QUOTA_VIOLATION), N(WBEM_E_HANDLE_OUT_OF_DATE), N(WBEM_E_CONNECTION_FAILED),
    N(WBEM_E_INVALID_HANDLE_REQUEST), N(WBEM_E_RERUN_COMMAND), N(WBEM_E_PROVIDER_SUSPENDED),
    N(WBEM_E_PROVIDER_ALREADY_REGISTERED), N(WBEM_E_PROVIDER_NOT_REGISTERED),
    N(WBEM_E_FATAL_TRANSPORT_ERROR), N(WBEM_E_ENCRYPTED_CONNECTION_REQUIRED),
    N(WBEM_E_PROVIDER_TIMED_OUT), N(WBEM_E_NO_KEY), N(WBEM_E_PROVIDER_DISABLED),
    N(WBEM_E_RETRY_LATER), N(WBEM_E_RESOURCE_CONTENTION),
#undef N
};

const char *hp_hresult_name(HRESULT hr)
{
    for (size_t i = 0; i < sizeof hresult_names / sizeof hresult_names[0]; i++)
        if (hresult_names[i].hr == hr)
            return hresult_names[i].name;
    return NULL;
}

const char *hp_hresult_str(HRESULT hr, char *buf, size_t size)
{
    const char *n = hp_hresult_name(hr);
    if (n)
        snprintf(buf, size, "%s", n);
    else
        snprintf(buf, size, "0x%08" PRIX32, (uint32_t)hr);
    return buf;
}

bool hp_hresult_parse(const char *text, HRESULT *out)
{
    if (!text || !*text)
        return false;
    /* A number: 0x hex or decimal, as a 32-bit pattern (negative decimal
     * for the signed view, up to 0xFFFFFFFF for the unsigned one).  No name
     * starts with a digit or a minus. */
    if (text[0] == '-' || (text[0] >= '0' && text[0] <= '9')) {
        char *end;
        errno = 0;
        long long v = strtoll(text, &end, 0);
        if (errno || end == text || *end || v < INT32_MIN || v > (long long)UINT32_MAX)
            return false;
        *out = (HRESULT)(uint32_t)(v & 0xFFFFFFFF);
        return true;
    }
    for (size_t i = 0; i < sizeof hresult_names / sizeof hresult_names[0]; i++)
        if (hp_streqi(hresult_names[i].name, text)) {
            *out = hresult_names[i].hr;
            return true;
        }
    return false;
}
