/*
 * mocks/locator.h - COM activation as the host serves it: the classes a
 * provider (or a client) may CoCreateInstance while a host runs, and the
 * IWbemLocator behind the four locator classes.
 *
 * Served (registered with compat's CoCreateInstance by host_new, withdrawn
 * by host_free): CLSID_WbemLocator, CLSID_WbemAdministrativeLocator,
 * CLSID_WbemAuthenticatedLocator and CLSID_WbemUnauthenticatedLocator (a
 * locator), CLSID_WbemContext (an empty context).  Every CoCreateInstance,
 * served or not, is journaled as COM::CoCreateInstance with the class and
 * interface asked for; a fault rule on COM::CoCreateInstance fails the
 * served ones.  The locator classes the provider asks for are tallied, so a
 * scenario can judge that an in-process provider connecting to WMI on its
 * own uses CLSID_WbemAdministrativeLocator (INIT-ADMIN-LOCATOR).
 *
 * IWbemLocator::ConnectServer opens the host's one namespace: the path is
 * "NS" or "\\SERVER\NS" ('/' or '\'), SERVER "." or "localhost", NS the
 * host's namespace path compared ignoring case.  Results: WBEM_S_NO_ERROR
 * (*ppNamespace carries a reference of the caller's); WBEM_E_INVALID_PARAMETER
 * (ppNamespace or strNetworkResource NULL, lSecurityFlags other than 0 or
 * WBEM_FLAG_CONNECT_USE_MAX_WAIT, an empty strUser, a locale neither empty nor "MS_<hex>",
 * an authority not "kerberos:" or "ntlmdomain:"); WBEM_E_LOCAL_CREDENTIALS (a
 * user or a password for the local machine); WBEM_E_TRANSPORT_FAILURE
 * (another machine: not simulated); WBEM_E_INVALID_NAMESPACE (another
 * namespace); WBEM_E_ACCESS_DENIED (the namespace's rights lack
 * WBEM_ENABLE).  *ppNamespace is NULL on every failure.
 */
#ifndef HIPERF_MOCKS_LOCATOR_H
#define HIPERF_MOCKS_LOCATOR_H

#include "host.h"

/* Registers the host's classes with CoCreateInstance (host_new). */
void host_activation_start(struct host *host);
/* Withdraws them, waiting for calls in flight (host_free). */
void host_activation_stop(struct host *host);

/* The locator classes the provider asked CoCreateInstance for so far. */
struct locator_requests {
    unsigned admin;          /* CLSID_WbemAdministrativeLocator */
    unsigned other;          /* CLSID_WbemLocator, ..Authenticated.., ..Unauthenticated.. */
    CLSID first_other;       /* the first of those (valid when other > 0) */
};
void host_locator_requests(struct host *host, struct locator_requests *out);

/* A locator for clsid with one reference held by holder.  NULL on ENOMEM. */
IWbemLocator *locator_new(struct host *host, const CLSID *clsid, enum hp_actor holder);
/* The ledger header of a host locator, or NULL if iface is not one. */
struct hobj *locator_hobj(const void *iface);

/* "WbemAdministrativeLocator", "IWbemLocator", ... for the classes and
 * interfaces of the headers; NULL for others. */
const char *locator_guid_name(const GUID *g);

#endif
