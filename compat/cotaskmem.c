/*
 * cotaskmem.c - the COM task allocator (CoTaskMemAlloc/Realloc/Free), the one
 * allocator every other file of compat goes through.
 *
 * Invariant: a block from CoTaskMemAlloc is a malloc block, so it is freed by
 * CoTaskMemFree and by nothing else in compat; CoTaskMemAlloc(0) still
 * returns a unique, freeable pointer, as on Windows.  No mutable state is
 * shared between threads.
 *
 * Test builds (HIPERF_COMPAT_FAULT_INJECTION, never the shipped library) add
 * a per-thread countdown that makes the n-th allocation fail, so the tests
 * can drive every out-of-memory path in turn.
 */
#include <stdlib.h>

#include "hiperf/oleauto.h"

#ifdef HIPERF_COMPAT_FAULT_INJECTION
/* Allocations still allowed before they start failing (negative: never
 * fail), and how many have failed since the last compat_fault_fail_after.
 * Thread-local, so tests in parallel threads do not disturb each other. */
static _Thread_local long alloc_fail_countdown = -1;
static _Thread_local long alloc_failures;

void compat_fault_fail_after(long n);
long compat_fault_injected(void);

/* Let n allocations succeed, then fail every following one until the next
 * call; n < 0 turns failures off.  Resets the count of failures. */
void compat_fault_fail_after(long n)
{
    alloc_fail_countdown = n;
    alloc_failures = 0;
}

/* Allocations failed on purpose since the last compat_fault_fail_after. */
long compat_fault_injected(void)
{
    return alloc_failures;
}

static int alloc_should_fail(void)
{
    if (alloc_fail_countdown < 0)
        return 0;
    if (alloc_fail_countdown == 0) {
        alloc_failures++;
        return 1;
    }
    alloc_fail_countdown--;
    return 0;
}
#else
static inline int alloc_should_fail(void)
{
    return 0;
}
#endif

/* Returns an owned block of cb bytes (uninitialised) or NULL when memory is
 * short; free it with CoTaskMemFree.  cb == 0 still gives a unique pointer. */
LPVOID CoTaskMemAlloc(SIZE_T cb)
{
    if (alloc_should_fail())
        return NULL;
    return malloc(cb ? cb : 1);
}

/* Takes ownership of pv (from CoTaskMemAlloc/Realloc, or NULL) and returns an
 * owned block of cb bytes holding its first bytes.  pv == NULL behaves as
 * CoTaskMemAlloc(cb); cb == 0 with pv != NULL frees pv and returns NULL.  On
 * failure NULL is returned and pv stays valid and owned by the caller. */
LPVOID CoTaskMemRealloc(LPVOID pv, SIZE_T cb)
{
    if (!pv)
        return CoTaskMemAlloc(cb);
    if (cb == 0) {
        free(pv);
        return NULL;
    }
    if (alloc_should_fail())
        return NULL;
    return realloc(pv, cb);
}

/* Frees a block from CoTaskMemAlloc/Realloc; NULL is a no-op. */
void CoTaskMemFree(LPVOID pv)
{
    free(pv);
}
