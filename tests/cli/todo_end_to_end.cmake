# tests/cli/todo_end_to_end.cmake - `hiperfcheck todo` as a CI gate uses it,
# in a work directory of its own:
#   1. the defective provider init_plain_locator fails init-protocol on
#      `expect provider admin-locator` and its ` #2` (exit 1);
#   2. a todo for each of those checks: the run passes (exit 0) and every
#      report shows the cases as XFAIL; `todo list` shows both;
#   3. one removed: the run fails again;
#   4. a todo for the whole case instead: the run passes, the case says
#      what it was;
#   5. the reference provider (the same identity, without the failure) with
#      that todo: an unexpected pass fails the run.
# Bad input along the way (an unknown scenario) touches no database.
#   cmake -DHIPERFCHECK=... -DPROVIDER=libdefect_init_plain_locator.so
#         -DREFERENCE=libhiperf_refprov.so -DMOF=hiperf_refprov.mof
#         -DWORK_DIR=dir [-DTIMEOUT=seconds] -P todo_end_to_end.cmake
cmake_minimum_required(VERSION 3.25)
foreach(var HIPERFCHECK PROVIDER REFERENCE MOF WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "todo_end_to_end.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED TIMEOUT OR TIMEOUT STREQUAL "")
  set(TIMEOUT 10)
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(db "${WORK_DIR}/oracle.db")
set(log "")

# Runs hiperfcheck with ARGN in WORK_DIR; fails unless it exits with
# `status` and its output matches `regex`.  The output is left in `out`.
function(hc status regex)
  execute_process(COMMAND "${HIPERFCHECK}" ${ARGN} WORKING_DIRECTORY "${WORK_DIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e TIMEOUT 240)
  string(REPLACE ";" " " cmd "${ARGN}")
  set(log "${log}\n$ hiperfcheck ${cmd}\n${o}${e}(exit ${rc})\n")
  set(log "${log}" PARENT_SCOPE)
  if(NOT rc STREQUAL "${status}")
    message(FATAL_ERROR "exit status ${rc}, expected ${status}\n--- so far ---${log}")
  endif()
  if(NOT "${o}${e}" MATCHES "${regex}")
    message(FATAL_ERROR "the output does not match '${regex}'\n--- so far ---${log}")
  endif()
  set(out "${o}${e}" PARENT_SCOPE)
endfunction()

# Runs the suite's init-protocol scenario against `so` into report dir `dir`.
function(run so dir status regex)
  hc(${status} "${regex}" run --provider "${so}" --mof "${MOF}" --filter init-protocol --oracle "${db}"
     --report-dir "${WORK_DIR}/${dir}" --timeout ${TIMEOUT})
  set(log "${log}" PARENT_SCOPE)
endfunction()

# Every case of report.json in `dir` has `verdict`, and its message matches `regex`.
function(expect_cases dir verdict regex)
  file(READ "${WORK_DIR}/${dir}/report.json" json)
  string(JSON n LENGTH "${json}" cases)
  if(n EQUAL 0)
    message(FATAL_ERROR "${dir}/report.json has no cases\n${log}")
  endif()
  math(EXPR last "${n} - 1")
  foreach(i RANGE ${last})
    string(JSON scn GET "${json}" cases ${i} scenario)
    string(JSON cls GET "${json}" cases ${i} class)
    string(JSON v GET "${json}" cases ${i} verdict)
    string(JSON msg GET "${json}" cases ${i} message)
    if(NOT scn STREQUAL "init-protocol" OR NOT v STREQUAL "${verdict}" OR NOT msg MATCHES "${regex}")
      message(FATAL_ERROR "${dir}: ${scn} / ${cls} is ${v} (${msg}), expected ${verdict} matching '${regex}'\n${log}")
    endif()
  endforeach()
endfunction()

set(ident "HiPerfCheck_Reference \\{D912E92E-E4C1-44FC-BD2A-FF36D68B16CA\\}")
set(key "expect provider admin-locator")

# No oracle yet: nothing to list, and bad input creates none.
hc(0 "no todos in .*oracle\\.db \\(there is no oracle there yet\\)" todo list --oracle "${db}")
hc(2 "unknown scenario 'init-protocl'; the closest: init-protocol" todo add --oracle "${db}" --mof "${MOF}"
   --scenario init-protocl --check "${key}" --reason "bug 12")
if(EXISTS "${db}")
  message(FATAL_ERROR "a refused todo add created ${db}\n${log}")
endif()

# 1. The failure.
run("${PROVIDER}" r1 1 "run [0-9]+, 4 cases: 4 FAIL")
expect_cases(r1 FAIL "expected true, got false")
hc(0 "^no todos in .*oracle\\.db\n$" todo list --oracle "${db}")
hc(0 "^\\[\\]\n$" todo list --oracle "${db}" --format json)

# 2. Todos for both failing checks.
hc(0 "^todo 1 added: ${ident}, scenario init-protocol, class \\*, check '${key}': bug 12, the plain locator\n$"
   todo add --oracle "${db}" --mof "${MOF}" --scenario init-protocol --check "${key}"
   --reason "bug 12, the plain locator")
hc(0 "^todo 2 added: ${ident}, scenario init-protocol, class \\*, check '${key} #2': bug 12, the plain locator\n$"
   todo add --oracle "${db}" --mof "${MOF}" --scenario init-protocol --check "${key} #2"
   --reason "bug 12, the plain locator")
# Declaring it again is done already; with another reason, a conflict.
hc(0 "^todo 2 is already there: ${ident}, scenario init-protocol" todo add --oracle "${db}" --mof "${MOF}"
   --scenario init-protocol --check "${key} #2" --reason "bug 12, the plain locator")
hc(2 "todo 2 already expects this failure, for another reason \\(remove it to change the reason\\): " todo add
   --oracle "${db}" --mof "${MOF}" --scenario init-protocol --check "${key} #2" --reason "again")
run("${PROVIDER}" r2 0 "run [0-9]+, 4 cases: 4 XFAIL\n")
expect_cases(r2 XFAIL "expected failure \\(todo 1: bug 12, the plain locator\\)")
file(READ "${WORK_DIR}/r2/summary.md" md)
if(NOT md MATCHES "\\| XFAIL \\| 4 \\| 8 \\|")
  message(FATAL_ERROR "r2/summary.md does not count 4 XFAIL cases and 8 XFAIL checks\n${md}\n${log}")
endif()
file(READ "${WORK_DIR}/r2/results.tap" tap)
if(NOT tap MATCHES "not ok [0-9]+ [^\n]*init-protocol[^\n]*# TODO")
  message(FATAL_ERROR "r2/results.tap has no `not ok ... # TODO` line\n${tap}\n${log}")
endif()
set(row "HiPerfCheck_Reference +\\{D912E92E-E4C1-44FC-BD2A-FF36D68B16CA\\} +init-protocol +\\* +${key}")
hc(0 "^ID +PROVIDER +CLSID +SCENARIO +CLASS +CHECK +REASON\n1 +${row} +bug 12, the plain locator\n2 +${row} #2 +bug 12, the plain locator\n2 todos in "
   todo list --oracle "${db}")
hc(0 "^\\[\n  \\{\"id\": 1, " todo list --oracle "${db}" --format json)
string(JSON n LENGTH "${out}")
string(JSON check GET "${out}" 1 check)
string(JSON clsid GET "${out}" 1 provider_clsid)
string(JSON id GET "${out}" 1 id)
if(NOT n EQUAL 2 OR NOT check STREQUAL "${key} #2" OR NOT clsid STREQUAL "{D912E92E-E4C1-44FC-BD2A-FF36D68B16CA}"
   OR NOT id EQUAL 2)
  message(FATAL_ERROR "todo list --format json: ${out}\n${log}")
endif()

# 3. One todo gone: the check it covered fails the run again.
hc(0 "^todo 2 removed: ${ident}, scenario init-protocol, class \\*, check '${key} #2'" todo remove 2 --oracle "${db}")
hc(2 "todo 2: no such todo; the todos are 1\n" todo remove 2 --oracle "${db}")
run("${PROVIDER}" r3 1 "run [0-9]+, 4 cases: 4 FAIL")
expect_cases(r3 FAIL "expected true, got false")

# 4. The whole case instead of its checks.
hc(0 "todo 1 removed" todo remove 1 --oracle "${db}")
hc(0 "^todo 3 added: ${ident}, scenario init-protocol, class \\*, check \\* \\(the whole case\\): bug 13\n$"
   todo add --oracle "${db}" --mof "${MOF}" --scenario init-protocol --reason "bug 13")
run("${PROVIDER}" r4 0 "4 cases: 4 XFAIL")
expect_cases(r4 XFAIL "^expected failure \\(todo 3: bug 13\\): was FAIL")

# 5. The reference provider does not fail: the todo is stale.
run("${REFERENCE}" r5 1 "4 cases: 4 FAIL")
expect_cases(r5 FAIL "^unexpected pass: remove the todo \\(todo 3: bug 13\\)")

# Nothing recorded was lost: each run keeps the verdicts it was judged with.
hc(1 "run 1: FAIL, 4 cases \\(0 pass, 0 xfail, 0 warn, 0 skip, 4 fail" report --oracle "${db}" --run 1
   --report-dir "${WORK_DIR}/again1")
hc(0 "run 2: [A-Z]+, 4 cases \\(0 pass, 4 xfail, 0 warn, 0 skip, 0 fail" report --oracle "${db}" --run 2
   --report-dir "${WORK_DIR}/again2")
hc(1 "run 5: FAIL, 4 cases" report --oracle "${db}" --report-dir "${WORK_DIR}/again5")
message(STATUS "todo end to end: passed${log}")
