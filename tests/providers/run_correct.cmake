# tests/providers/run_correct.cmake - runs a correct provider through the
# whole built-in catalog with `hiperfcheck run` and checks its report: exit
# status 0, no case FAIL, CRASH, TIMEOUT or ERROR, every case of the
# scenarios in EXPECT_SKIP a SKIP, every case of those in EXPECT_PASS a
# PASS (and at least one case each).  Used by the provider_<name>_run tests
# of defects.cmake:
#   cmake -DHIPERFCHECK=... -DPROVIDER=lib.so -DMOF=... -DWORK_DIR=dir
#         [-DEXPECT_SKIP=a,b] [-DEXPECT_PASS=c,d] -P run_correct.cmake
cmake_minimum_required(VERSION 3.25)
foreach(var HIPERFCHECK PROVIDER MOF WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_correct.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${HIPERFCHECK}")
  message(FATAL_ERROR "${HIPERFCHECK} does not exist: build the hiperfcheck target first")
endif()
string(REPLACE "," ";" want_skip "${EXPECT_SKIP}")
string(REPLACE "," ";" want_pass "${EXPECT_PASS}")

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/report")
execute_process(
  COMMAND "${HIPERFCHECK}" run --provider "${PROVIDER}" --mof "${MOF}" --oracle "${WORK_DIR}/oracle.db"
          --report-dir "${WORK_DIR}/report" --format json
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(log "--- hiperfcheck run: exit ${rc}\n${out}${err}")
if(NOT EXISTS "${WORK_DIR}/report/report.json")
  message(FATAL_ERROR "no report.json: the run did not get as far as the reports\n${log}")
endif()
file(READ "${WORK_DIR}/report/report.json" json)
string(JSON ncases LENGTH "${json}" cases)
set(bad "")
set(seen "")
set(counted "")
if(ncases GREATER 0)
  math(EXPR last "${ncases} - 1")
  foreach(i RANGE ${last})
    string(JSON scn GET "${json}" cases ${i} scenario)
    string(JSON cls GET "${json}" cases ${i} class)
    string(JSON verdict GET "${json}" cases ${i} verdict)
    string(JSON msg GET "${json}" cases ${i} message)
    set(line "  ${scn} / ${cls}: ${verdict} ${msg}\n")
    string(APPEND seen "${line}")
    list(APPEND counted "${scn}")
    if(verdict MATCHES "^(FAIL|CRASH|TIMEOUT|ERROR)$")
      string(APPEND bad "${line}")
    elseif(scn IN_LIST want_skip AND NOT verdict STREQUAL "SKIP")
      string(APPEND bad "${line}  (expected SKIP: the provider declines refreshers)\n")
    elseif(scn IN_LIST want_pass AND NOT verdict STREQUAL "PASS")
      string(APPEND bad "${line}  (expected PASS)\n")
    endif()
  endforeach()
endif()
foreach(scn IN LISTS want_skip want_pass)
  if(NOT scn IN_LIST counted)
    string(APPEND bad "  ${scn}: no case was run\n")
  endif()
endforeach()
if(NOT rc EQUAL 0 OR NOT bad STREQUAL "")
  message(FATAL_ERROR "a correct provider must pass (exit ${rc}):\n${bad}all cases:\n${seen}${log}")
endif()
message(STATUS "all ${ncases} cases as expected:\n${seen}")
