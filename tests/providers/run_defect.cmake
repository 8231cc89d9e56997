# tests/providers/run_defect.cmake - runs one defective provider through
# `hiperfcheck run` with the one scenario that must catch it, then reads
# report.json: the test passes when a case of that scenario has the
# expected verdict (FAIL, CRASH or TIMEOUT) and names the requirement.
# Used by the defect_<name>_run tests of defects.cmake:
#   cmake -DHIPERFCHECK=... -DPROVIDER=lib.so -DMOF=... -DSCENARIO=path.scn
#         -DSCENARIO_NAME=name -DREQUIREMENT=ID -DVERDICT=FAIL -DWORK_DIR=dir
#         [-DBASELINE_DB=blessed.db] [-DTIMEOUT=seconds] -P run_defect.cmake
cmake_minimum_required(VERSION 3.25)
foreach(var HIPERFCHECK PROVIDER MOF SCENARIO SCENARIO_NAME REQUIREMENT VERDICT WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_defect.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED TIMEOUT OR TIMEOUT STREQUAL "")
  set(TIMEOUT 10)
endif()

if(NOT EXISTS "${HIPERFCHECK}")
  message(FATAL_ERROR "${HIPERFCHECK} does not exist: build the hiperfcheck target first")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/report")
set(oracle "${WORK_DIR}/oracle.db")
if(DEFINED BASELINE_DB AND NOT BASELINE_DB STREQUAL "")
  if(NOT EXISTS "${BASELINE_DB}")
    message(FATAL_ERROR "the blessed baseline ${BASELINE_DB} is missing (test defects_bless_reference)")
  endif()
  file(COPY_FILE "${BASELINE_DB}" "${oracle}")
endif()

execute_process(
  COMMAND "${HIPERFCHECK}" run --provider "${PROVIDER}" --mof "${MOF}" --scenarios "${SCENARIO}"
          --oracle "${oracle}" --report-dir "${WORK_DIR}/report" --format json --timeout ${TIMEOUT}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(log "--- hiperfcheck run: exit ${rc}\n${out}${err}")
# 1: a check failed, crashed or timed out.  0 would mean the defect went
# unnoticed; 2 and 3 that the run itself went wrong.
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "expected exit status 1, got ${rc}\n${log}")
endif()
set(report "${WORK_DIR}/report/report.json")
if(NOT EXISTS "${report}")
  message(FATAL_ERROR "no ${report}\n${log}")
endif()
file(READ "${report}" json)
string(JSON ncases ERROR_VARIABLE jerr LENGTH "${json}" cases)
if(jerr OR ncases EQUAL 0)
  message(FATAL_ERROR "report.json has no cases (${jerr})\n${log}")
endif()

string(REPLACE "/" ";" verdicts "${VERDICT}")
set(found FALSE)
set(seen "")
math(EXPR last "${ncases} - 1")
foreach(i RANGE ${last})
  string(JSON scn GET "${json}" cases ${i} scenario)
  string(JSON cls GET "${json}" cases ${i} class)
  string(JSON verdict GET "${json}" cases ${i} verdict)
  string(JSON msg GET "${json}" cases ${i} message)
  string(JSON nreq LENGTH "${json}" cases ${i} requirements)
  set(reqs "")
  if(nreq GREATER 0)
    math(EXPR rlast "${nreq} - 1")
    foreach(j RANGE ${rlast})
      string(JSON r GET "${json}" cases ${i} requirements ${j})
      list(APPEND reqs "${r}")
    endforeach()
  endif()
  string(APPEND seen "  ${scn} / ${cls}: ${verdict} [${reqs}] ${msg}\n")
  if(scn STREQUAL SCENARIO_NAME AND verdict IN_LIST verdicts AND REQUIREMENT IN_LIST reqs)
    set(found TRUE)
  endif()
endforeach()
if(NOT found)
  message(FATAL_ERROR "no case of ${SCENARIO_NAME} gave ${VERDICT} naming ${REQUIREMENT}; the cases:\n${seen}${log}")
endif()
message(STATUS "caught: ${SCENARIO_NAME} gave ${VERDICT} naming ${REQUIREMENT}\n${seen}")
