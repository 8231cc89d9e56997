/*
 * oracle/hresult.c - HRESULT names for judging `=> NAME` expectations and
 * for messages.  The values come from the public headers (include/hiperf),
 * so the oracle and the providers it judges agree by construction.
 *
 * Invariant: for a value with several names, the first in the table is the
 * one messages use (S_OK, not WBEM_S_NO_ERROR); every name parses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hiperf/wbemcli.h"
#include "oracle_private.h"

static const struct {
    int32_t hr;
    const char *name;
} hresult_names[] = {
#define N(x) {(int32_t)(x), #x}
    N(S_OK), N(S_FALSE),
    N(E_NOTIMPL), N(E_NOINTERFACE), N(E_POINTER), N(E_ABORT), N(E_FAIL), N(E_UNEXPECTED),
    N(E_ACCESSDENIED), N(E_HANDLE), N(E_OUTOFMEMORY), N(E_INVALIDARG), N(CLASS_E_NOAGGREGATION),
    N(CLASS_E_CLASSNOTAVAILABLE), N(REGDB_E_CLASSNOTREG), N(CO_E_NOTINITIALIZED),
    N(CO_E_OBJNOTCONNECTED), N(CO_E_CLASSSTRING), N(RPC_E_CALL_REJECTED), N(RPC_E_SERVER_DIED),
    N(RPC_E_SERVERFAULT), N(RPC_E_CHANGED_MODE), N(RPC_E_DISCONNECTED), N(RPC_E_WRONG_THREAD),
    N(DISP_E_TYPEMISMATCH), N(DISP_E_BADVARTYPE), N(DISP_E_ARRAYISLOCKED), N(DISP_E_BADINDEX),
    N(WBEM_NO_ERROR), N(WBEM_S_NO_ERROR), N(WBEM_S_SAME), N(WBEM_S_FALSE), N(WBEM_S_ALREADY_EXISTS),
    N(WBEM_S_RESET_TO_DEFAULT), N(WBEM_S_DIFFERENT), N(WBEM_S_TIMEDOUT), N(WBEM_S_NO_MORE_DATA),
    N(WBEM_S_OPERATION_CANCELLED), N(WBEM_S_PENDING), N(WBEM_S_DUPLICATE_OBJECTS),
    N(WBEM_S_ACCESS_DENIED), N(WBEM_S_PARTIAL_RESULTS), N(WBEM_S_SOURCE_NOT_AVAILABLE),
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
    N(WBEM_E_PRIVILEGE_NOT_HELD), N(WBEM_E_CLIENT_TOO_SLOW), N(WBEM_E_TIMED_OUT),
    N(WBEM_E_QUOTA_VIOLATION), N(WBEM_E_HANDLE_OUT_OF_DATE), N(WBEM_E_CONNECTION_FAILED),
    N(WBEM_E_INVALID_HANDLE_REQUEST), N(WBEM_E_RERUN_COMMAND), N(WBEM_E_PROVIDER_SUSPENDED),
    N(WBEM_E_PROVIDER_ALREADY_REGISTERED), N(WBEM_E_PROVIDER_NOT_REGISTERED),
    N(WBEM_E_FATAL_TRANSPORT_ERROR), N(WBEM_E_ENCRYPTED_CONNECTION_REQUIRED),
    N(WBEM_E_PROVIDER_TIMED_OUT), N(WBEM_E_NO_KEY), N(WBEM_E_PROVIDER_DISABLED),
#undef N
};

const char *oracle_hresult_name(int32_t hr)
{
    for (size_t i = 0; i < sizeof hresult_names / sizeof hresult_names[0]; i++)
        if (hresult_names[i].hr == hr)
            return hresult_names[i].name;
    return NULL;
}

bool oracle_hresult_parse(const char *text, int32_t *hr)
{
    if (!text || !*text)
        return false;
    for (size_t i = 0; i < sizeof hresult_names / sizeof hresult_names[0]; i++)
        if (hp_streqi(hresult_names[i].name, text)) {
            *hr = hresult_names[i].hr;
            return true;
        }
    /* A number: 0x hex or decimal, as a 32-bit pattern (negative decimal
     * for the signed view, up to 0xFFFFFFFF for the unsigned one). */
    if (!(text[0] == '-' || (text[0] >= '0' && text[0] <= '9')))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 0);
    if (errno || end == text || *end || v < INT32_MIN || v > (long long)UINT32_MAX)
        return false;
    *hr = (int32_t)(uint32_t)(v & 0xFFFFFFFF);
    return true;
}

bool oracle_expected_hresult_valid(const char *expected)
{
    int32_t hr;
    if (!expected)
        return false;
    return hp_streqi(expected, "success") || hp_streqi(expected, "failure") || hp_streqi(expected, "any")
           || oracle_hresult_parse(expected, &hr);
}
