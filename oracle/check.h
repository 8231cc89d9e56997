/*
 * oracle/check.h - the unit every verdict is made of.
 *
 * A *check* is an expectation a scenario states (an inline `=> EXPECTED` or
 * an `expect` line): where it is, what kind it is, what is expected, which
 * requirements it stands for.  Checks are data: the oracle stores them when
 * it loads the scenarios.  A worker running a case reports an *observation*
 * for each check it reached: the raw values it saw, never a judgement.  The
 * oracle compares observation and expectation and gives the verdict.  So
 * one mechanism produces every verdict, and a stored run can be judged and
 * reported again at any time.
 *
 * Observed values travel as typed text so that the parent process, the
 * SQLite store and the reports all see the same thing:
 *   "u:123"  unsigned integer      "i:-5"   signed integer
 *   "r:1.5"  real (%.17g)          "s:text" string (UTF-8, as is)
 *   "h:0x80041002" HRESULT         "b:true" / "b:false" boolean
 *   "null"   a NULL value          "set:a|b|c" a sorted set of keys
 */
#ifndef HIPERF_ORACLE_CHECK_H
#define HIPERF_ORACLE_CHECK_H

enum check_kind {
    CHECK_HRESULT = 1,  /* expected: "S_OK" | a name | "0x..." | "success" | "failure" | "any";
                           observed: "h:0x........" */
    CHECK_COMPARE = 2,  /* expected: the operator "==" "!=" "<" "<=" ">" ">=";
                           observed: two typed values joined by '\x1f' (lhs, rhs) */
    CHECK_TRUE = 3,     /* expected: "true"; observed: "b:true" or "b:false" */
    CHECK_VALUE = 4,    /* expected: the baseline's value (filled by the oracle per provider);
                           observed: one typed value */
    CHECK_SKIP = 5      /* a `needs` that was not met: observed text says why */
};

/* The level of a requirement, from its catalog entry. */
enum req_level {
    REQ_MUST = 1,
    REQ_SHOULD = 2,
    REQ_MAY = 3
};

enum verdict {
    VERDICT_PASS = 0,
    VERDICT_SKIP = 1,
    VERDICT_WARN = 2,
    VERDICT_FAIL = 3,
    VERDICT_ERROR = 4,
    VERDICT_TIMEOUT = 5,
    VERDICT_CRASH = 6
};

#endif
