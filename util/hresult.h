/*
 * util/hresult.h - HRESULT names, one table for the whole project
 * (util/hresult.c).
 */
#ifndef HIPERF_UTIL_HRESULT_H
#define HIPERF_UTIL_HRESULT_H

#include <stdbool.h>
#include <stddef.h>

#include "hiperf/wintypes.h"

/* The name of an HRESULT ("WBEM_E_NOT_FOUND"), static, or NULL if unknown. */
const char *hp_hresult_name(HRESULT hr);
/* Name or hex ("0x80041002"), into buf of at least 32 bytes; returns buf. */
const char *hp_hresult_str(HRESULT hr, char *buf, size_t size);
/* Parses a name (any case) or a number (0x hex, decimal, negative
 * decimal); false if neither. */
bool hp_hresult_parse(const char *text, HRESULT *out);

#endif
