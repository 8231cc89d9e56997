/*
 * oracle/hresult.c - HRESULTs in expectations: the oracle's names for the
 * project's one table (util/hresult.c), so the scenario parser, the
 * journal and the oracle accept and print exactly the same names.
 */
#include <string.h>

#include "hresult.h"
#include "oracle_private.h"

const char *oracle_hresult_name(int32_t hr)
{
    return hp_hresult_name(hr);
}

bool oracle_hresult_parse(const char *text, int32_t *hr)
{
    return hp_hresult_parse(text, hr);
}

bool oracle_expected_hresult_valid(const char *expected)
{
    int32_t hr;
    if (!expected)
        return false;
    return hp_streqi(expected, "success") || hp_streqi(expected, "failure") || hp_streqi(expected, "any")
           || oracle_hresult_parse(expected, &hr);
}
