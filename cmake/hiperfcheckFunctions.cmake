# hiperfcheckFunctions.cmake: hiperfcheck_add_conformance_test(), which
# registers a provider and its MOF as a CTest test running the hiperfcheck
# conformance suite.  Installed with the CMake package (find_package
# (hiperfcheck) includes it) and used inside the hiperfcheck tree as well.
# docs/ci.md is the user documentation.
#
#   hiperfcheck_add_conformance_test(
#     NAME <test-name>
#     PROVIDER <target-or-path>    a MODULE/SHARED library target, or a .so path
#                                  (relative: from the current binary directory)
#     MOF <path>                   its registration MOF (relative: from the
#                                  current source directory)
#     [SCENARIOS <path>...]        .scn files or directories (default: the built-in catalog)
#     [FILTER <glob>]              only the scenarios whose name matches
#     [REPORT_DIR <dir>]           default: ${CMAKE_CURRENT_BINARY_DIR}/hiperfcheck-<name>
#     [ORACLE <db>]                default: <report-dir>/hiperfcheck.db
#     [TIMEOUT <seconds>]          the CTest timeout of the whole run (default: 900)
#     [JOBS <n>]                   cases run at once (default: hiperfcheck's, the cores);
#                                  also the test's PROCESSORS for ctest -j
#     [CASE_TIMEOUT <seconds>]     real time allowed per case (hiperfcheck run --timeout)
#     [LABELS <label>...])         added to the label `conformance`
#
# The test runs
#   hiperfcheck run --provider <so> --mof <mof> --report-dir <dir> --oracle <db> ...
# and passes when it exits 0 (every required check passed; SKIP and WARN
# verdicts do not fail it).  The reports (report.html, report.json,
# junit.xml, summary.md, results.tap) and the oracle stay in the report
# directory after the test; each run adds to the oracle's history.
#
# It also adds a target `hiperfcheck-bless-<name>` that records the current
# build as the provider's baseline in the same oracle (hiperfcheck bless):
# `cmake --build build --target hiperfcheck-bless-<name>`.
include_guard(GLOBAL)

function(hiperfcheck_add_conformance_test)
  cmake_parse_arguments(PARSE_ARGV 0 HC ""
    "NAME;PROVIDER;MOF;ORACLE;REPORT_DIR;TIMEOUT;JOBS;CASE_TIMEOUT;FILTER" "SCENARIOS;LABELS")
  if(HC_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "hiperfcheck_add_conformance_test: unknown arguments: ${HC_UNPARSED_ARGUMENTS}")
  endif()
  foreach(required NAME PROVIDER MOF)
    if(NOT HC_${required})
      message(FATAL_ERROR "hiperfcheck_add_conformance_test: ${required} is required")
    endif()
  endforeach()
  if(NOT TARGET hiperfcheck::hiperfcheck)
    message(FATAL_ERROR "hiperfcheck_add_conformance_test: no hiperfcheck::hiperfcheck target; "
                        "call find_package(hiperfcheck REQUIRED) first")
  endif()

  # The provider: a target's file (and a dependency on it), or a path.
  if(TARGET ${HC_PROVIDER})
    get_target_property(type ${HC_PROVIDER} TYPE)
    if(NOT type MATCHES "^(MODULE_LIBRARY|SHARED_LIBRARY)$")
      message(FATAL_ERROR "hiperfcheck_add_conformance_test: PROVIDER ${HC_PROVIDER} is a ${type}, "
                          "not a MODULE or SHARED library")
    endif()
    set(provider "$<TARGET_FILE:${HC_PROVIDER}>")
  else()
    get_filename_component(provider "${HC_PROVIDER}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  get_filename_component(mof "${HC_MOF}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${mof}")
    message(FATAL_ERROR "hiperfcheck_add_conformance_test: MOF ${mof} does not exist")
  endif()

  if(HC_REPORT_DIR)
    get_filename_component(report_dir "${HC_REPORT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(report_dir "${CMAKE_CURRENT_BINARY_DIR}/hiperfcheck-${HC_NAME}")
  endif()
  if(HC_ORACLE)
    get_filename_component(oracle "${HC_ORACLE}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(oracle "${report_dir}/hiperfcheck.db")
  endif()
  if(NOT HC_TIMEOUT)
    set(HC_TIMEOUT 900)
  endif()
  # hiperfcheck creates the last level of the report directory itself.
  file(MAKE_DIRECTORY "${report_dir}")
  get_filename_component(oracle_dir "${oracle}" DIRECTORY)
  file(MAKE_DIRECTORY "${oracle_dir}")

  # What run and bless share.
  set(common --provider "${provider}" --mof "${mof}" --oracle "${oracle}")
  foreach(s IN LISTS HC_SCENARIOS)
    get_filename_component(s "${s}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND common --scenarios "${s}")
  endforeach()
  if(HC_FILTER)
    list(APPEND common --filter "${HC_FILTER}")
  endif()
  if(HC_JOBS)
    list(APPEND common --jobs ${HC_JOBS})
  endif()
  if(HC_CASE_TIMEOUT)
    list(APPEND common --timeout ${HC_CASE_TIMEOUT})
  endif()

  add_test(NAME ${HC_NAME}
           COMMAND "$<TARGET_FILE:hiperfcheck::hiperfcheck>" run ${common} --report-dir "${report_dir}"
           WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  set(labels conformance ${HC_LABELS})
  set_tests_properties(${HC_NAME} PROPERTIES
    TIMEOUT ${HC_TIMEOUT}
    LABELS "${labels}"
    ATTACHED_FILES_ON_FAIL "${report_dir}/summary.md;${report_dir}/junit.xml")
  if(HC_JOBS)
    set_tests_properties(${HC_NAME} PROPERTIES PROCESSORS ${HC_JOBS})
  endif()

  add_custom_target(hiperfcheck-bless-${HC_NAME}
    COMMAND "$<TARGET_FILE:hiperfcheck::hiperfcheck>" bless ${common} --report-dir "${report_dir}"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMENT "hiperfcheck: recording ${HC_NAME}'s provider build as its baseline in ${oracle}"
    VERBATIM)
  if(TARGET ${HC_PROVIDER})
    add_dependencies(hiperfcheck-bless-${HC_NAME} ${HC_PROVIDER})
  endif()

  message(STATUS "hiperfcheck: conformance test ${HC_NAME} keeps its reports in ${report_dir}")
endfunction()
