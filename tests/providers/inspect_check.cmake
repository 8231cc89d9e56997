# tests/providers/inspect_check.cmake - runs `hiperfcheck inspect` on one
# provider and checks its exit status and that its output matches a regular
# expression.  Used by the *_inspect tests of defects.cmake:
#   cmake -DHIPERFCHECK=... -DMOF=... -DPROVIDER=... -DEXPECT_EXIT=N
#         -DEXPECT_REGEX=... -P inspect_check.cmake
cmake_minimum_required(VERSION 3.25)
foreach(var HIPERFCHECK MOF PROVIDER EXPECT_EXIT EXPECT_REGEX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "inspect_check.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT EXISTS "${HIPERFCHECK}")
  message(FATAL_ERROR "${HIPERFCHECK} does not exist: build the hiperfcheck target first")
endif()
execute_process(COMMAND "${HIPERFCHECK}" inspect --mof "${MOF}" --provider "${PROVIDER}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 50)
set(all "${out}${err}")
if(NOT "${rc}" STREQUAL "${EXPECT_EXIT}")
  message(FATAL_ERROR "hiperfcheck inspect exited with ${rc}, expected ${EXPECT_EXIT}:\n${all}")
endif()
string(REGEX MATCH "${EXPECT_REGEX}" hit "${all}")
if(hit STREQUAL "")
  message(FATAL_ERROR "hiperfcheck inspect's output does not match '${EXPECT_REGEX}':\n${all}")
endif()
message(STATUS "inspect: exit ${rc}, found: ${hit}")
