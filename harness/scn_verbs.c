/*
 * harness/scn_verbs.c - the table of verbs: how each is written, what it
 * binds, the arguments and options it takes and whether its call returns an
 * HRESULT that a check judges.  The parser, the renderer and the check
 * extraction all read this one table, and docs/scenario-language.md lists
 * the same signatures.
 *
 * Invariant: scn_verbs[v].verb == v for every v (checked by the tests).
 */
#include "scn_private.h"

#define O_FC (SCN_OPT_FLAGS | SCN_OPT_CTX)
#define O_RS_ADD (SCN_OPT_FLAGS | SCN_OPT_CTX | SCN_OPT_VERSION | SCN_OPT_NULL_ID | \
                  SCN_OPT_NULL_PATH | SCN_OPT_NULL_INFO)
#define O_RS (SCN_OPT_FLAGS | SCN_OPT_VERSION | SCN_OPT_NULL_ID)
#define CALL (VF_NESTABLE)

const struct scn_verb_info scn_verbs[SCN_V_COUNT] = {
    [SCN_V_NONE] = {SCN_V_NONE, "?", 0, 0, false, 0, {0}, 0, "?"},
    [SCN_V_LOAD] = {SCN_V_LOAD, "load", SCN_H_NONE, SCN_H_NONE, true,
                    SCN_OPT_BY | SCN_OPT_WAIT, {0}, CALL, "load [by clsid|by client-clsid] [wait D]"},
    [SCN_V_QUERY_INSTANCES] = {SCN_V_QUERY_INSTANCES, "QueryInstances", SCN_H_NONE, SCN_H_SINK, true,
                               O_FC, {AS_CLASS}, CALL, "QueryInstances CLASS"},
    [SCN_V_CREATE_REFRESHER] = {SCN_V_CREATE_REFRESHER, "CreateRefresher", SCN_H_NONE, SCN_H_REFRESHER,
                                true, SCN_OPT_FLAGS, {0}, CALL, "CreateRefresher"},
    [SCN_V_CREATE_REFRESHABLE_OBJECT] = {SCN_V_CREATE_REFRESHABLE_OBJECT, "CreateRefreshableObject",
                                         SCN_H_NONE, SCN_H_OBJECT, true, O_FC,
                                         {AS_REFRESHER_OR_FOREIGN, AS_CLASS, AS_KEYS}, CALL,
                                         "CreateRefreshableObject R CLASS KEYS"},
    [SCN_V_CREATE_REFRESHABLE_ENUM] = {SCN_V_CREATE_REFRESHABLE_ENUM, "CreateRefreshableEnum", SCN_H_NONE,
                                       SCN_H_ENUM, true, O_FC, {AS_REFRESHER_OR_FOREIGN, AS_CLASS}, CALL,
                                       "CreateRefreshableEnum R CLASS"},
    [SCN_V_STOP_REFRESHING] = {SCN_V_STOP_REFRESHING, "StopRefreshing", SCN_H_NONE, SCN_H_NONE, true,
                               SCN_OPT_FLAGS, {AS_REFRESHER_OR_FOREIGN, AS_STOP_ID}, CALL,
                               "StopRefreshing R O|E|O.id|NUMBER"},
    [SCN_V_GET_OBJECTS] = {SCN_V_GET_OBJECTS, "GetObjects", SCN_H_NONE, SCN_H_FETCHED, true, O_FC,
                           {AS_CLASS, AS_KEYS}, CALL, "GetObjects CLASS KEYS"},
    [SCN_V_REFRESH] = {SCN_V_REFRESH, "Refresh", SCN_H_NONE, SCN_H_NONE, true, SCN_OPT_FLAGS,
                       {AS_REFRESHER}, CALL, "Refresh R"},
    [SCN_V_RELEASE] = {SCN_V_RELEASE, "Release", SCN_H_NONE, SCN_H_NONE, false, 0, {AS_RELEASABLE},
                       VF_NESTABLE, "Release HANDLE|provider"},
    [SCN_V_GET_OBJECT_ASYNC] = {SCN_V_GET_OBJECT_ASYNC, "GetObjectAsync", SCN_H_NONE, SCN_H_SINK, true,
                                O_FC, {AS_PATH}, CALL, "GetObjectAsync PATH"},
    [SCN_V_CREATE_INSTANCE_ENUM_ASYNC] = {SCN_V_CREATE_INSTANCE_ENUM_ASYNC, "CreateInstanceEnumAsync",
                                          SCN_H_NONE, SCN_H_SINK, true, O_FC, {AS_CLASS}, CALL,
                                          "CreateInstanceEnumAsync CLASS"},
    [SCN_V_EXEC_QUERY_ASYNC] = {SCN_V_EXEC_QUERY_ASYNC, "ExecQueryAsync", SCN_H_NONE, SCN_H_SINK, true,
                                O_FC, {AS_QUERY}, CALL, "ExecQueryAsync \"QUERY\""},
    [SCN_V_CLIENT_REFRESHER] = {SCN_V_CLIENT_REFRESHER, "ClientRefresher", SCN_H_NONE, SCN_H_CLIENT, false,
                                0, {0}, 0, "ClientRefresher"},
    [SCN_V_CLIENT_ADD_OBJECT_BY_PATH] = {SCN_V_CLIENT_ADD_OBJECT_BY_PATH, "AddObjectByPath", SCN_H_CLIENT,
                                         SCN_H_CLIENT_OBJECT, true, O_FC, {AS_PATH}, CALL,
                                         "C.AddObjectByPath PATH"},
    [SCN_V_CLIENT_ADD_OBJECT_BY_TEMPLATE] = {SCN_V_CLIENT_ADD_OBJECT_BY_TEMPLATE, "AddObjectByTemplate",
                                             SCN_H_CLIENT, SCN_H_CLIENT_OBJECT, true, O_FC,
                                             {AS_CLASS, AS_KEYS}, CALL, "C.AddObjectByTemplate CLASS KEYS"},
    [SCN_V_CLIENT_ADD_ENUM] = {SCN_V_CLIENT_ADD_ENUM, "AddEnum", SCN_H_CLIENT, SCN_H_CLIENT_ENUM, true,
                               O_FC, {AS_CLASS}, CALL, "C.AddEnum CLASS"},
    [SCN_V_CLIENT_ADD_REFRESHER] = {SCN_V_CLIENT_ADD_REFRESHER, "AddRefresher", SCN_H_CLIENT, SCN_H_NONE,
                                    true, SCN_OPT_FLAGS, {AS_CLIENT}, CALL, "C.AddRefresher C2"},
    [SCN_V_CLIENT_REMOVE] = {SCN_V_CLIENT_REMOVE, "Remove", SCN_H_CLIENT, SCN_H_NONE, true, SCN_OPT_FLAGS,
                             {AS_CLIENT_ITEM}, CALL, "C.Remove CO|CE|CO.id|NUMBER"},
    [SCN_V_CLIENT_REFRESH] = {SCN_V_CLIENT_REFRESH, "Refresh", SCN_H_CLIENT, SCN_H_NONE, true,
                              SCN_OPT_FLAGS, {0}, CALL, "C.Refresh"},
    [SCN_V_REFRESHING_SERVICES] = {SCN_V_REFRESHING_SERVICES, "RefreshingServices", SCN_H_NONE,
                                   SCN_H_RSERVICES, false, SCN_OPT_RIGHTS, {0}, 0,
                                   "RefreshingServices [rights enable,remote-enable|enable|none]"},
    [SCN_V_RS_ADD_OBJECT] = {SCN_V_RS_ADD_OBJECT, "AddObjectToRefresher", SCN_H_RSERVICES, SCN_H_INFO, true,
                             O_RS_ADD, {AS_PATH}, CALL | VF_NULL_PATH_OMITS, "RS.AddObjectToRefresher PATH"},
    [SCN_V_RS_ADD_OBJECT_BY_TEMPLATE] = {SCN_V_RS_ADD_OBJECT_BY_TEMPLATE, "AddObjectToRefresherByTemplate",
                                         SCN_H_RSERVICES, SCN_H_INFO, true, O_RS_ADD, {AS_CLASS, AS_KEYS},
                                         CALL | VF_NULL_PATH_OMITS,
                                         "RS.AddObjectToRefresherByTemplate CLASS KEYS"},
    [SCN_V_RS_ADD_ENUM] = {SCN_V_RS_ADD_ENUM, "AddEnumToRefresher", SCN_H_RSERVICES, SCN_H_INFO, true,
                           O_RS_ADD, {AS_CLASS}, CALL | VF_NULL_PATH_OMITS, "RS.AddEnumToRefresher CLASS"},
    [SCN_V_RS_REMOVE_OBJECT] = {SCN_V_RS_REMOVE_OBJECT, "RemoveObjectFromRefresher", SCN_H_RSERVICES,
                                SCN_H_NONE, true, O_RS, {AS_INFO_ID}, CALL,
                                "RS.RemoveObjectFromRefresher INFO|INFO.id|NUMBER"},
    [SCN_V_RS_GET_REMOTE_REFRESHER] = {SCN_V_RS_GET_REMOTE_REFRESHER, "GetRemoteRefresher", SCN_H_RSERVICES,
                                       SCN_H_REMOTE, true, O_RS, {0}, CALL, "RS.GetRemoteRefresher"},
    [SCN_V_RS_RECONNECT] = {SCN_V_RS_RECONNECT, "ReconnectRemoteRefresher", SCN_H_RSERVICES, SCN_H_NONE,
                            true, O_RS | SCN_OPT_TYPE_LAST, {AS_INFO | AS_LIST}, CALL, "RS.ReconnectRemoteRefresher INFO..."},
    [SCN_V_RR_REMOTE_REFRESH] = {SCN_V_RR_REMOTE_REFRESH, "RemoteRefresh", SCN_H_REMOTE, SCN_H_NONE, true,
                                 SCN_OPT_FLAGS, {0}, CALL, "RR.RemoteRefresh"},
    [SCN_V_RR_STOP_REFRESHING] = {SCN_V_RR_STOP_REFRESHING, "StopRefreshing", SCN_H_REMOTE, SCN_H_NONE, true,
                                  SCN_OPT_FLAGS, {AS_INFO_ID | AS_LIST}, CALL,
                                  "RR.StopRefreshing INFO|INFO.id|NUMBER..."},
    [SCN_V_SERVER_RESTART] = {SCN_V_SERVER_RESTART, "server-restart", SCN_H_NONE, SCN_H_NONE, false, 0, {0},
                              VF_NESTABLE, "server-restart"},
    [SCN_V_ADVANCE] = {SCN_V_ADVANCE, "advance", SCN_H_NONE, SCN_H_NONE, false, 0, {AS_DURATION},
                       VF_NESTABLE, "advance DURATION"},
    [SCN_V_THREAD] = {SCN_V_THREAD, "thread", SCN_H_NONE, SCN_H_THREAD, false, 0, {0}, VF_SPECIAL,
                      "T = thread STEP"},
    [SCN_V_JOIN] = {SCN_V_JOIN, "join", SCN_H_NONE, SCN_H_NONE, false, SCN_OPT_WITHIN, {AS_THREAD}, 0,
                    "join T [within D]"},
    [SCN_V_ON] = {SCN_V_ON, "on", SCN_H_NONE, SCN_H_NONE, false, 0, {0}, VF_SPECIAL,
                  "on E AddObjects|RemoveObjects [once]: STEP [wait D]"},
    [SCN_V_FAULT] = {SCN_V_FAULT, "fault", SCN_H_NONE, SCN_H_NONE, false, 0, {0}, VF_SPECIAL,
                     "fault METHOD nth N|from N|random P seed S => HRESULT"},
    [SCN_V_SNAPSHOT] = {SCN_V_SNAPSHOT, "snapshot", SCN_H_NONE, SCN_H_SNAPSHOT, false, 0, {0}, VF_SPECIAL,
                        "snapshot S = O"},
    [SCN_V_DLL_GET_CLASS_OBJECT] = {SCN_V_DLL_GET_CLASS_OBJECT, "DllGetClassObject", SCN_H_NONE, SCN_H_FACTORY,
                                    true, SCN_OPT_IID, {AS_CLSID_KIND}, CALL,
                                    "DllGetClassObject clsid|client-clsid|unknown"},
    [SCN_V_DLL_CAN_UNLOAD_NOW] = {SCN_V_DLL_CAN_UNLOAD_NOW, "DllCanUnloadNow", SCN_H_NONE, SCN_H_NONE, true, 0,
                                  {0}, CALL, "DllCanUnloadNow"},
    [SCN_V_CF_CREATE_INSTANCE] = {SCN_V_CF_CREATE_INSTANCE, "CreateInstance", SCN_H_FACTORY, SCN_H_PROVOBJ, true,
                                  SCN_OPT_IID | SCN_OPT_AGGREGATED, {0}, CALL, "F.CreateInstance"},
    [SCN_V_CF_LOCK_SERVER] = {SCN_V_CF_LOCK_SERVER, "LockServer", SCN_H_FACTORY, SCN_H_NONE, true, 0, {AS_BOOL},
                              CALL, "F.LockServer true|false"},
    [SCN_V_PO_INITIALIZE] = {SCN_V_PO_INITIALIZE, "Initialize", SCN_H_PROVOBJ, SCN_H_NONE, true,
                             SCN_OPT_FLAGS | SCN_OPT_CTX | SCN_OPT_WAIT, {0}, CALL, "P.Initialize"},
    [SCN_V_HIPERF_ENUM] = {SCN_V_HIPERF_ENUM, "HiPerfEnum", SCN_H_NONE, SCN_H_ENUM, false, 0, {0}, 0,
                           "HiPerfEnum"},
    [SCN_V_ENUM_ADD_OBJECTS] = {SCN_V_ENUM_ADD_OBJECTS, "AddObjects", SCN_H_ENUM, SCN_H_NONE, true, SCN_OPT_FLAGS,
                                {AS_INT, AS_INSTANCE}, CALL, "E.AddObjects ID INSTANCE", 1u << SCN_H_CLIENT_ENUM},
    [SCN_V_ENUM_REMOVE_OBJECTS] = {SCN_V_ENUM_REMOVE_OBJECTS, "RemoveObjects", SCN_H_ENUM, SCN_H_NONE, true,
                                   SCN_OPT_FLAGS, {AS_INT | AS_LIST}, CALL, "E.RemoveObjects ID...",
                                   1u << SCN_H_CLIENT_ENUM},
    [SCN_V_ENUM_REMOVE_ALL] = {SCN_V_ENUM_REMOVE_ALL, "RemoveAll", SCN_H_ENUM, SCN_H_NONE, true, SCN_OPT_FLAGS,
                               {0}, CALL, "E.RemoveAll", 1u << SCN_H_CLIENT_ENUM},
    [SCN_V_ENUM_GET_OBJECTS] = {SCN_V_ENUM_GET_OBJECTS, "GetObjects", SCN_H_ENUM, SCN_H_NONE, true,
                                SCN_OPT_FLAGS | SCN_OPT_SIZE, {0}, CALL, "E.GetObjects [size N]",
                                1u << SCN_H_CLIENT_ENUM},
    [SCN_V_RR_OPNUM5] = {SCN_V_RR_OPNUM5, "Opnum5NotUsedOnWire", SCN_H_REMOTE, SCN_H_NONE, true, SCN_OPT_FLAGS,
                         {0}, CALL, "RR.Opnum5NotUsedOnWire"},
};

const char *const scn_iid_names[] = {
    "IUnknown", "IClassFactory", "IWbemProviderInit", "IWbemHiPerfProvider", "IWbemServices", "IWbemRefresher",
    "IWbemConfigureRefresher", "IWbemHiPerfEnum", "IWbemClassObject", "IWbemObjectAccess",
    "IWbemRefreshingServices", "IWbemRemoteRefresher", "IWbemObjectSink", "IWbemProviderInitSink", "IWbemContext",
    "bogus", NULL,
};

const char *scn_verb_name(enum scn_verb v)
{
    return (unsigned)v < SCN_V_COUNT ? scn_verbs[v].name : "?";
}

const char *scn_handle_kind_name(enum scn_handle_kind k)
{
    static const char *const names[SCN_H_COUNT] = {
        [SCN_H_NONE] = "nothing",
        [SCN_H_SINK] = "instance set",
        [SCN_H_REFRESHER] = "refresher",
        [SCN_H_OBJECT] = "refreshable object",
        [SCN_H_ENUM] = "enumerator",
        [SCN_H_FETCHED] = "fetched object",
        [SCN_H_CLIENT] = "client refresher",
        [SCN_H_CLIENT_OBJECT] = "client object",
        [SCN_H_CLIENT_ENUM] = "client enumerator",
        [SCN_H_RSERVICES] = "refreshing services",
        [SCN_H_INFO] = "refresh info",
        [SCN_H_REMOTE] = "remote refresher",
        [SCN_H_THREAD] = "thread",
        [SCN_H_SNAPSHOT] = "snapshot",
        [SCN_H_FACTORY] = "class factory",
        [SCN_H_PROVOBJ] = "provider object",
    };
    return (unsigned)k < SCN_H_COUNT ? names[k] : "?";
}

const char *scn_cmp_text(enum scn_cmp op)
{
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    return (unsigned)op < sizeof ops / sizeof ops[0] ? ops[op] : "?";
}
