/*
 * hiperf/com.h - everything a high-performance provider compiles against:
 * include this one header.  The OLE Automation functions are declared in
 * hiperf/oleauto.h (link libhiperf_compat to call them).
 */
#ifndef HIPERF_COM_H
#define HIPERF_COM_H

#include "hiperf/wintypes.h"
#include "hiperf/winerror.h"
#include "hiperf/unknwn.h"
#include "hiperf/wbemcli.h"
#include "hiperf/wbemprov.h"
#include "hiperf/wmirefresh.h"
#include "hiperf/oleauto.h"

#endif /* HIPERF_COM_H */
