/*
 * mocks/methods.h - one id for every method of every interface that crosses
 * the boundary between the host and a provider, in either direction.  The
 * journal records calls by these ids, fault injection targets them, and the
 * per-method call counters are indexed by them.
 *
 * The list is every slot of every interface in include/hiperf/, in header
 * order (inherited IUnknown slots included per interface, so
 * "IWbemServices::AddRef" and "IWbemHiPerfEnum::AddRef" are distinct).
 */
#ifndef HIPERF_MOCKS_METHODS_H
#define HIPERF_MOCKS_METHODS_H

#include <stdbool.h>
#include <stddef.h>

#define HP_METHOD_LIST(X) \
    X(IUnknown, QueryInterface) \
    X(IUnknown, AddRef) \
    X(IUnknown, Release) \
    X(IClassFactory, QueryInterface) \
    X(IClassFactory, AddRef) \
    X(IClassFactory, Release) \
    X(IClassFactory, CreateInstance) \
    X(IClassFactory, LockServer) \
    X(IWbemClassObject, QueryInterface) \
    X(IWbemClassObject, AddRef) \
    X(IWbemClassObject, Release) \
    X(IWbemClassObject, GetQualifierSet) \
    X(IWbemClassObject, Get) \
    X(IWbemClassObject, Put) \
    X(IWbemClassObject, Delete) \
    X(IWbemClassObject, GetNames) \
    X(IWbemClassObject, BeginEnumeration) \
    X(IWbemClassObject, Next) \
    X(IWbemClassObject, EndEnumeration) \
    X(IWbemClassObject, GetPropertyQualifierSet) \
    X(IWbemClassObject, Clone) \
    X(IWbemClassObject, GetObjectText) \
    X(IWbemClassObject, SpawnDerivedClass) \
    X(IWbemClassObject, SpawnInstance) \
    X(IWbemClassObject, CompareTo) \
    X(IWbemClassObject, GetPropertyOrigin) \
    X(IWbemClassObject, InheritsFrom) \
    X(IWbemClassObject, GetMethod) \
    X(IWbemClassObject, PutMethod) \
    X(IWbemClassObject, DeleteMethod) \
    X(IWbemClassObject, BeginMethodEnumeration) \
    X(IWbemClassObject, NextMethod) \
    X(IWbemClassObject, EndMethodEnumeration) \
    X(IWbemClassObject, GetMethodQualifierSet) \
    X(IWbemClassObject, GetMethodOrigin) \
    X(IWbemObjectAccess, QueryInterface) \
    X(IWbemObjectAccess, AddRef) \
    X(IWbemObjectAccess, Release) \
    X(IWbemObjectAccess, GetQualifierSet) \
    X(IWbemObjectAccess, Get) \
    X(IWbemObjectAccess, Put) \
    X(IWbemObjectAccess, Delete) \
    X(IWbemObjectAccess, GetNames) \
    X(IWbemObjectAccess, BeginEnumeration) \
    X(IWbemObjectAccess, Next) \
    X(IWbemObjectAccess, EndEnumeration) \
    X(IWbemObjectAccess, GetPropertyQualifierSet) \
    X(IWbemObjectAccess, Clone) \
    X(IWbemObjectAccess, GetObjectText) \
    X(IWbemObjectAccess, SpawnDerivedClass) \
    X(IWbemObjectAccess, SpawnInstance) \
    X(IWbemObjectAccess, CompareTo) \
    X(IWbemObjectAccess, GetPropertyOrigin) \
    X(IWbemObjectAccess, InheritsFrom) \
    X(IWbemObjectAccess, GetMethod) \
    X(IWbemObjectAccess, PutMethod) \
    X(IWbemObjectAccess, DeleteMethod) \
    X(IWbemObjectAccess, BeginMethodEnumeration) \
    X(IWbemObjectAccess, NextMethod) \
    X(IWbemObjectAccess, EndMethodEnumeration) \
    X(IWbemObjectAccess, GetMethodQualifierSet) \
    X(IWbemObjectAccess, GetMethodOrigin) \
    X(IWbemObjectAccess, GetPropertyHandle) \
    X(IWbemObjectAccess, WritePropertyValue) \
    X(IWbemObjectAccess, ReadPropertyValue) \
    X(IWbemObjectAccess, ReadDWORD) \
    X(IWbemObjectAccess, WriteDWORD) \
    X(IWbemObjectAccess, ReadQWORD) \
    X(IWbemObjectAccess, WriteQWORD) \
    X(IWbemObjectAccess, GetPropertyInfoByHandle) \
    X(IWbemObjectAccess, Lock) \
    X(IWbemObjectAccess, Unlock) \
    X(IWbemQualifierSet, QueryInterface) \
    X(IWbemQualifierSet, AddRef) \
    X(IWbemQualifierSet, Release) \
    X(IWbemQualifierSet, Get) \
    X(IWbemQualifierSet, Put) \
    X(IWbemQualifierSet, Delete) \
    X(IWbemQualifierSet, GetNames) \
    X(IWbemQualifierSet, BeginEnumeration) \
    X(IWbemQualifierSet, Next) \
    X(IWbemQualifierSet, EndEnumeration) \
    X(IWbemServices, QueryInterface) \
    X(IWbemServices, AddRef) \
    X(IWbemServices, Release) \
    X(IWbemServices, OpenNamespace) \
    X(IWbemServices, CancelAsyncCall) \
    X(IWbemServices, QueryObjectSink) \
    X(IWbemServices, GetObject) \
    X(IWbemServices, GetObjectAsync) \
    X(IWbemServices, PutClass) \
    X(IWbemServices, PutClassAsync) \
    X(IWbemServices, DeleteClass) \
    X(IWbemServices, DeleteClassAsync) \
    X(IWbemServices, CreateClassEnum) \
    X(IWbemServices, CreateClassEnumAsync) \
    X(IWbemServices, PutInstance) \
    X(IWbemServices, PutInstanceAsync) \
    X(IWbemServices, DeleteInstance) \
    X(IWbemServices, DeleteInstanceAsync) \
    X(IWbemServices, CreateInstanceEnum) \
    X(IWbemServices, CreateInstanceEnumAsync) \
    X(IWbemServices, ExecQuery) \
    X(IWbemServices, ExecQueryAsync) \
    X(IWbemServices, ExecNotificationQuery) \
    X(IWbemServices, ExecNotificationQueryAsync) \
    X(IWbemServices, ExecMethod) \
    X(IWbemServices, ExecMethodAsync) \
    X(IWbemContext, QueryInterface) \
    X(IWbemContext, AddRef) \
    X(IWbemContext, Release) \
    X(IWbemContext, Clone) \
    X(IWbemContext, GetNames) \
    X(IWbemContext, BeginEnumeration) \
    X(IWbemContext, Next) \
    X(IWbemContext, EndEnumeration) \
    X(IWbemContext, SetValue) \
    X(IWbemContext, GetValue) \
    X(IWbemContext, DeleteValue) \
    X(IWbemContext, DeleteAll) \
    X(IWbemObjectSink, QueryInterface) \
    X(IWbemObjectSink, AddRef) \
    X(IWbemObjectSink, Release) \
    X(IWbemObjectSink, Indicate) \
    X(IWbemObjectSink, SetStatus) \
    X(IWbemCallResult, QueryInterface) \
    X(IWbemCallResult, AddRef) \
    X(IWbemCallResult, Release) \
    X(IWbemCallResult, GetResultObject) \
    X(IWbemCallResult, GetResultString) \
    X(IWbemCallResult, GetResultServices) \
    X(IWbemCallResult, GetCallStatus) \
    X(IEnumWbemClassObject, QueryInterface) \
    X(IEnumWbemClassObject, AddRef) \
    X(IEnumWbemClassObject, Release) \
    X(IEnumWbemClassObject, Reset) \
    X(IEnumWbemClassObject, Next) \
    X(IEnumWbemClassObject, NextAsync) \
    X(IEnumWbemClassObject, Clone) \
    X(IEnumWbemClassObject, Skip) \
    X(IWbemRefresher, QueryInterface) \
    X(IWbemRefresher, AddRef) \
    X(IWbemRefresher, Release) \
    X(IWbemRefresher, Refresh) \
    X(IWbemHiPerfEnum, QueryInterface) \
    X(IWbemHiPerfEnum, AddRef) \
    X(IWbemHiPerfEnum, Release) \
    X(IWbemHiPerfEnum, AddObjects) \
    X(IWbemHiPerfEnum, RemoveObjects) \
    X(IWbemHiPerfEnum, GetObjects) \
    X(IWbemHiPerfEnum, RemoveAll) \
    X(IWbemConfigureRefresher, QueryInterface) \
    X(IWbemConfigureRefresher, AddRef) \
    X(IWbemConfigureRefresher, Release) \
    X(IWbemConfigureRefresher, AddObjectByPath) \
    X(IWbemConfigureRefresher, AddObjectByTemplate) \
    X(IWbemConfigureRefresher, AddRefresher) \
    X(IWbemConfigureRefresher, Remove) \
    X(IWbemConfigureRefresher, AddEnum) \
    X(IWbemLocator, QueryInterface) \
    X(IWbemLocator, AddRef) \
    X(IWbemLocator, Release) \
    X(IWbemLocator, ConnectServer) \
    X(IWbemProviderInitSink, QueryInterface) \
    X(IWbemProviderInitSink, AddRef) \
    X(IWbemProviderInitSink, Release) \
    X(IWbemProviderInitSink, SetStatus) \
    X(IWbemProviderInit, QueryInterface) \
    X(IWbemProviderInit, AddRef) \
    X(IWbemProviderInit, Release) \
    X(IWbemProviderInit, Initialize) \
    X(IWbemHiPerfProvider, QueryInterface) \
    X(IWbemHiPerfProvider, AddRef) \
    X(IWbemHiPerfProvider, Release) \
    X(IWbemHiPerfProvider, QueryInstances) \
    X(IWbemHiPerfProvider, CreateRefresher) \
    X(IWbemHiPerfProvider, CreateRefreshableObject) \
    X(IWbemHiPerfProvider, StopRefreshing) \
    X(IWbemHiPerfProvider, CreateRefreshableEnum) \
    X(IWbemHiPerfProvider, GetObjects) \
    X(IWbemRefreshingServices, QueryInterface) \
    X(IWbemRefreshingServices, AddRef) \
    X(IWbemRefreshingServices, Release) \
    X(IWbemRefreshingServices, AddObjectToRefresher) \
    X(IWbemRefreshingServices, AddObjectToRefresherByTemplate) \
    X(IWbemRefreshingServices, AddEnumToRefresher) \
    X(IWbemRefreshingServices, RemoveObjectFromRefresher) \
    X(IWbemRefreshingServices, GetRemoteRefresher) \
    X(IWbemRefreshingServices, ReconnectRemoteRefresher) \
    X(IWbemRemoteRefresher, QueryInterface) \
    X(IWbemRemoteRefresher, AddRef) \
    X(IWbemRemoteRefresher, Release) \
    X(IWbemRemoteRefresher, RemoteRefresh) \
    X(IWbemRemoteRefresher, StopRefreshing) \
    X(IWbemRemoteRefresher, Opnum5NotUsedOnWire) \
    /* end */

enum hp_method {
#define HP_METHOD_ENUM(iface, method) HPM_##iface##_##method,
    HP_METHOD_LIST(HP_METHOD_ENUM)
#undef HP_METHOD_ENUM
    HPM_HOST_ALLOC,        /* a host allocation (a fault site, not a method) */
    HPM_CO_CREATE_INSTANCE,/* CoCreateInstance ("COM::CoCreateInstance"): a function, not a method */
    HPM_COUNT
};

/* "IWbemServices::GetObject"; static. */
const char *hp_method_name(enum hp_method m);
/* Parses "Interface::Method" (case-insensitive); false if unknown. */
bool hp_method_from_name(const char *name, enum hp_method *out);

#endif
