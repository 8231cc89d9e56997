# tests/providers/defects.cmake - the catalog of defective providers and the
# CTest suite that runs hiperfcheck on each.  Included by CMakeLists.txt in
# this folder, which builds one provider per entry; docs/defects.md is the
# same table for people (what the author did wrong, and why it is caught).
#
# One entry a defect: "NAME|REQUIREMENT|SCENARIO|VERDICT"
#   NAME         lower case; the reference provider's sources (provider/)
#                compiled with -DHIPERF_DEFECT_<NAME in upper case>, which
#                turns on one `#if defined(HIPERF_DEFECT_...)` hook, into
#                build/lib/defects/libdefect_NAME.so
#   REQUIREMENT  the one MUST requirement of oracle/requirements.txt it breaks
#   SCENARIO     the scenario (scenarios/SCENARIO.scn) that catches it;
#                `inspect` when only `hiperfcheck inspect` can (no scenario
#                step reaches it); `-` when nothing in hiperfcheck can yet
#                (its run test is declared and disabled).  No entry needs
#                either today.
#   VERDICT      the verdict the case gets: FAIL, CRASH or TIMEOUT
set(HIPERF_DEFECTS
  # COM rules: identity, reference counts, [out] pointers
  "qi_identity|COM-QI-IDENTITY|com-rules|FAIL"
  "out_not_nulled|COM-OUT-NULL-ON-FAILURE|out-params-on-failure|FAIL"
  "getobjects_extra_release|COM-NO-OVER-RELEASE|get-objects|FAIL"
  # namespace and host-object lifetimes
  "ns_no_addref|HP-NAMESPACE-ADDREF|provider-lifetime|FAIL"
  "classobj_leak|COM-REFCOUNT-BALANCE|provider-lifetime|FAIL"
  "enum_no_addref|HP-CREATEREFENUM-ADDREF|refresher-lifetime|FAIL"
  # refresher lifetimes: what a released refresher still holds
  "refresher_leaks_entries|HP-REFRESHER-RELEASE-CLEANUP|release-with-live-objects|FAIL"
  "refresher_keeps_provider|COM-REFCOUNT-BALANCE|refresher-lifetime|FAIL"
  # IDs
  "ids_constant|HP-CREATEREFOBJ-UNIQUE-ID|ids|FAIL"
  "ids_enum_clash|HP-CREATEREFENUM-UNIQUE-ID|ids|FAIL"
  "stop_wrong_refresher|HP-STOPREFRESHING-SCOPE|stop-scope|FAIL"
  # StopRefreshing
  "stop_ignored|HP-STOPREFRESHING-REMOVES|stop-refreshing|FAIL"
  "stop_wrong_entry|HP-STOPREFRESHING-REMOVES|stop-refreshing|FAIL"
  "stop_lock_order|HP-STOPREFRESHING-REMOVES|stop-mid-enum|TIMEOUT"
  # enumerators
  "enum_duplicates|HP-ENUM-CONTENT|enum-content|FAIL"
  "enum_stale_members|HP-ENUM-CONTENT|enum-content|FAIL"
  "enum_missed_removal|HP-ENUM-CONTENT|enum-content|FAIL"
  # QueryInstances and GetObjects: sink protocol, keys, classes
  "query_setstatus_twice|HP-QUERYINSTANCES-ONCE|query-instances|FAIL"
  "query_never_completes|HP-QUERYINSTANCES-SETSTATUS|query-instances|FAIL"
  "query_keeps_objects|HP-QUERYINSTANCES-NO-KEEP|query-instances|FAIL"
  "query_wrong_class|HP-QUERYINSTANCES-COMPLETE|query-instances|FAIL"
  "getobjects_ignores_keys|HP-GETOBJECTS-FILL|get-objects-fill|FAIL"
  # Initialize, and the legal NULLs it is given
  "init_no_setstatus|INIT-SETSTATUS|initialize|FAIL"
  "init_ctx_null|INIT-NULL-PARAMS|initialize|CRASH"
  "init_plain_locator|INIT-ADMIN-LOCATOR|init-protocol|FAIL"
  # flags
  "refresh_flags_strict|HP-REFRESH-FLAGS|refresher-basics|FAIL"
  # time: values that do not follow the clock (the second only against a baseline)
  "time_frozen_clock|TIME-VALUES-AT-REFRESH|refresher-basics|FAIL"
  "time_wrong_units|TIME-PERF-TIMESTAMPS|refresher-basics|FAIL"
  # crashes, hangs and aborts
  "refresh_segfault|HP-REFRESH-OBJECTS|stop-refreshing|CRASH"
  "createrefresher_hang|HP-CREATEREFRESHER-RESULT|refresher-basics|TIMEOUT"
  "stop_abort|HP-STOPREFRESHING-UNKNOWN-ID|stop-refreshing|CRASH"
  "stop_unlock_missing|HP-STOPREFRESHING-UNKNOWN-ID|stop-refreshing|TIMEOUT"
  # the in-process server
  "dll_canunload_always|DLL-CANUNLOADNOW|class-factory|FAIL"
  "dll_unknown_clsid|DLL-GETCLASSOBJECT-UNKNOWN|class-factory|FAIL"
)

# Defects that only change values: judged against the baseline blessed from
# the correct build (the defective builds register the reference's identity,
# so the reference's baseline is theirs).
set(HIPERF_DEFECTS_NEED_BASELINE time_wrong_units)

# What `hiperfcheck inspect` says of the builds where loading the provider
# reaches the defect: "NAME|EXIT STATUS|REGEX".  Every other defective build
# must inspect clean (status 0): its defect is elsewhere.
set(HIPERF_DEFECTS_INSPECT
  "qi_identity|1|\\[com\\.identity\\] HiPerfCheck_Reference: IUnknown through IWbemHiPerfProvider"
  "init_ctx_null|1|crashed the loading process: signal [0-9]+"
  "init_no_setstatus|2|never reported through IWbemProviderInitSink::SetStatus"
  "ns_no_addref|1|over-release: the provider released IWbemServices #[0-9]+ \\(root.cimv2\\) once more than it held it"
)

# The `hiperfcheck run` suite is declared only when the runner exists:
# (ON by default; -DHIPERFCHECK_RUN_READY=OFF leaves the suite out, e.g. for
# a quick build of one module.)
option(HIPERFCHECK_RUN_READY "Declare the CTest suite that runs hiperfcheck on every defective and correct test provider" ON)
set(HIPERF_DEFECT_RUN_TIMEOUT 10 CACHE STRING "hiperfcheck run --timeout for each defective provider's case (seconds)")

# Splits an entry into NAME, REQUIREMENT, SCENARIO and VERDICT.
function(hiperf_defect_fields entry name req scn verdict)
  string(REPLACE "|" ";" f "${entry}")
  list(LENGTH f n)
  if(NOT n EQUAL 4)
    message(FATAL_ERROR "defects.cmake: '${entry}' is not NAME|REQUIREMENT|SCENARIO|VERDICT")
  endif()
  list(GET f 0 v0)
  list(GET f 1 v1)
  list(GET f 2 v2)
  list(GET f 3 v3)
  set(${name} "${v0}" PARENT_SCOPE)
  set(${req} "${v1}" PARENT_SCOPE)
  set(${scn} "${v2}" PARENT_SCOPE)
  set(${verdict} "${v3}" PARENT_SCOPE)
endfunction()

# Declares the tests of the defect_<name> targets that exist (all of them,
# unless HIPERF_BUILD_DEFECTS is OFF) and of the two correct providers.
function(hiperf_defect_tests)
  if(NOT TARGET hiperfcheck)
    return()
  endif()
  set(mof ${CMAKE_SOURCE_DIR}/provider/hiperf_refprov.mof)
  set(runs ${CMAKE_CURRENT_BINARY_DIR}/runs)

  # `inspect` (available now): every defective build loads as the
  # reference does, or shows its defect as listed above.
  foreach(entry IN LISTS HIPERF_DEFECTS)
    hiperf_defect_fields("${entry}" name req scn verdict)
    if(NOT TARGET defect_${name})
      continue()
    endif()
    set(expect_exit 0)
    set(expect_regex "DllCanUnloadNow after releasing everything: S_OK")
    foreach(ins IN LISTS HIPERF_DEFECTS_INSPECT)
      string(REPLACE "|" ";" f "${ins}")
      list(GET f 0 iname)
      if(iname STREQUAL name)
        list(GET f 1 expect_exit)
        list(GET f 2 expect_regex)
      endif()
    endforeach()
    add_test(NAME defect_${name}_inspect
      COMMAND ${CMAKE_COMMAND} -DHIPERFCHECK=$<TARGET_FILE:hiperfcheck> -DMOF=${mof}
              -DPROVIDER=$<TARGET_FILE:defect_${name}> -DEXPECT_EXIT=${expect_exit}
              "-DEXPECT_REGEX=${expect_regex}" -P ${CMAKE_CURRENT_SOURCE_DIR}/inspect_check.cmake)
    set_tests_properties(defect_${name}_inspect PROPERTIES LABELS "defects;inspect" TIMEOUT 60)
    if(HIPERF_SANITIZE)
      # inspect loads the provider in a forked child of itself: in a
      # sanitizer build, a sanitizer finding in the provider must end that
      # child by a signal (as the crash it stands for), as the runner
      # arranges for its workers.
      set_tests_properties(defect_${name}_inspect PROPERTIES ENVIRONMENT
        "UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1;ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:handle_abort=0:detect_leaks=0")
    endif()
  endforeach()
  foreach(p decliner alternative)
    add_test(NAME provider_${p}_inspect
      COMMAND ${CMAKE_COMMAND} -DHIPERFCHECK=$<TARGET_FILE:hiperfcheck>
              -DMOF=${CMAKE_CURRENT_SOURCE_DIR}/${p}/${p}.mof -DPROVIDER=$<TARGET_FILE:provider_${p}>
              -DEXPECT_EXIT=0 "-DEXPECT_REGEX=loads and initializes.*COM identity checks: [0-9]+ probes, [0-9]+ interfaces answered, passed"
              -P ${CMAKE_CURRENT_SOURCE_DIR}/inspect_check.cmake)
    set_tests_properties(provider_${p}_inspect PROPERTIES LABELS "providers;inspect" TIMEOUT 60)
  endforeach()

  if(NOT HIPERFCHECK_RUN_READY)
    return()
  endif()

  # The baseline of the correct build, for the defects that only change
  # values: blessed once into a database the runs copy.
  file(MAKE_DIRECTORY ${runs})
  add_test(NAME defects_bless_reference
    COMMAND hiperfcheck bless --provider $<TARGET_FILE:hiperf_refprov> --mof ${mof}
            --oracle ${runs}/reference-baseline.db)
  set_tests_properties(defects_bless_reference PROPERTIES
    FIXTURES_SETUP defects_baseline LABELS "defects;run" TIMEOUT 600)

  foreach(entry IN LISTS HIPERF_DEFECTS)
    hiperf_defect_fields("${entry}" name req scn verdict)
    if(NOT TARGET defect_${name} OR scn STREQUAL "inspect")
      continue()   # judged by defect_${name}_inspect above
    endif()
    set(baseline "")
    if(name IN_LIST HIPERF_DEFECTS_NEED_BASELINE)
      set(baseline ${runs}/reference-baseline.db)
    endif()
    add_test(NAME defect_${name}_run
      COMMAND ${CMAKE_COMMAND} -DHIPERFCHECK=$<TARGET_FILE:hiperfcheck> -DMOF=${mof}
              -DPROVIDER=$<TARGET_FILE:defect_${name}> -DSCENARIO=${CMAKE_SOURCE_DIR}/scenarios/${scn}.scn
              -DSCENARIO_NAME=${scn} -DREQUIREMENT=${req} -DVERDICT=${verdict} -DWORK_DIR=${runs}/${name}
              -DBASELINE_DB=${baseline} -DTIMEOUT=${HIPERF_DEFECT_RUN_TIMEOUT}
              -P ${CMAKE_CURRENT_SOURCE_DIR}/run_defect.cmake)
    set_tests_properties(defect_${name}_run PROPERTIES LABELS "defects;run" TIMEOUT 300)
    if(baseline)
      set_tests_properties(defect_${name}_run PROPERTIES FIXTURES_REQUIRED defects_baseline)
    endif()
    if(scn STREQUAL "-")
      set_tests_properties(defect_${name}_run PROPERTIES DISABLED TRUE)
    endif()
  endforeach()

  # The correct providers: the whole built-in catalog passes, and for the
  # decliner every refresher scenario is SKIP.
  set(refresher_scenarios out-params-on-failure refresher-lifetime ids stop-refreshing stop-scope enum-content get-objects-fill
      refresher-basics multiple-refreshers release-with-live-objects stop-mid-enum failure-fills-invalid)
  set(plain_scenarios initialize query-instances get-objects provider-lifetime)
  string(REPLACE ";" "," refresher_csv "${refresher_scenarios}")
  string(REPLACE ";" "," plain_csv "${plain_scenarios}")
  set(plain_no_get ${plain_scenarios})
  list(REMOVE_ITEM plain_no_get get-objects)
  string(REPLACE ";" "," plain_csv_no_get "${plain_no_get}")
  add_test(NAME provider_decliner_run
    COMMAND ${CMAKE_COMMAND} -DHIPERFCHECK=$<TARGET_FILE:hiperfcheck>
            -DMOF=${CMAKE_CURRENT_SOURCE_DIR}/decliner/decliner.mof -DPROVIDER=$<TARGET_FILE:provider_decliner>
            -DWORK_DIR=${runs}/decliner -DEXPECT_SKIP=${refresher_csv} -DEXPECT_PASS=${plain_csv}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/run_correct.cmake)
  add_test(NAME provider_alternative_run
    COMMAND ${CMAKE_COMMAND} -DHIPERFCHECK=$<TARGET_FILE:hiperfcheck>
            -DMOF=${CMAKE_CURRENT_SOURCE_DIR}/alternative/alternative.mof
            -DPROVIDER=$<TARGET_FILE:provider_alternative> -DWORK_DIR=${runs}/alternative
            -DEXPECT_PASS=${refresher_csv},${plain_csv} -P ${CMAKE_CURRENT_SOURCE_DIR}/run_correct.cmake)
  # A variant that leaves GetObjects unimplemented (HP-GETOBJECTS-FALLBACK):
  # the scenarios that call it SKIP; the host serves GetObject through a
  # refresher made for the object, so registration (SupportsGet) passes.
  add_test(NAME provider_getobjects_declined_run
    COMMAND ${CMAKE_COMMAND} -DHIPERFCHECK=$<TARGET_FILE:hiperfcheck>
            -DMOF=${CMAKE_SOURCE_DIR}/provider/hiperf_refprov.mof
            -DPROVIDER=$<TARGET_FILE:variant_getobjects_declined> -DWORK_DIR=${runs}/getobjects_declined
            -DEXPECT_SKIP=get-objects,get-objects-fill,get-objects-probes
            -DEXPECT_PASS=registration,client-refresher,remote-refresher,multiple-refreshers,${plain_csv_no_get}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/run_correct.cmake)
  set_tests_properties(provider_decliner_run provider_alternative_run provider_getobjects_declined_run PROPERTIES
    LABELS "providers;run" TIMEOUT 600)
endfunction()
