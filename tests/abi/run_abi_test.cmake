# run_abi_test.cmake - the ABI comparison, run by ctest as `cmake -P`.
#
# For each side
#   mingw: x86_64-w64-mingw32-gcc with the mingw-w64 headers (64-bit Windows)
#   ours:  the native C compiler with include/hiperf
# it
#   1. preprocesses abi_probe.c with -DABI_GEN_PASS -E -dD   -> <side>/probe.i
#   2. lets abi_check gen list what to probe for that side    -> <side>/abi_items.h
#      (from our headers' names and the side's declarations)
#   3. compiles abi_probe.c to assembly only (-S -O2)         -> <side>/probe.s
# and then runs `abi_check compare` on the two .s files and
# mswmi-expected.txt.  All of it happens when the test runs, not when the
# tree is built, so the test always sees the headers as they are now.
#
# With MUTATION set it first copies include/hiperf to the work directory and
# breaks the copy on purpose; it then passes only if the comparison fails
# and names every key the mutation must disturb.  That keeps proving that
# the comparison can fail.
#
# Inputs (-D): MINGW_CC NATIVE_CC ABI_CHECK SOURCE_DIR (tests/abi)
#              INCLUDE_DIR (the directory holding hiperf/) WORK_DIR
#              MUTATION (optional: slot-swap | constant-change)
cmake_minimum_required(VERSION 3.25)

foreach(var MINGW_CC NATIVE_CC ABI_CHECK SOURCE_DIR INCLUDE_DIR WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_abi_test.cmake: -D${var}=... is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/mingw" "${WORK_DIR}/ours")

# ---- optional deliberate breakage ------------------------------------------
set(must_report "")
if(DEFINED MUTATION AND NOT MUTATION STREQUAL "")
  file(COPY "${INCLUDE_DIR}/hiperf" DESTINATION "${WORK_DIR}/include")
  set(INCLUDE_DIR "${WORK_DIR}/include")
  if(MUTATION STREQUAL "slot-swap")
    # Exchange two adjacent IWbemObjectAccess vtable members.
    set(file "${INCLUDE_DIR}/hiperf/wbemcli.h")
    file(READ "${file}" text)
    string(REGEX MATCH "[^\n]*\\*ReadDWORD\\)\\(IWbemObjectAccess \\*This[^\n]*\n" read_line "${text}")
    string(REGEX MATCH "[^\n]*\\*WriteDWORD\\)\\(IWbemObjectAccess \\*This[^\n]*\n" write_line "${text}")
    set(mutated "${text}")
    if(NOT read_line STREQUAL "" AND NOT write_line STREQUAL "")
      string(REPLACE "${read_line}${write_line}" "${write_line}${read_line}" mutated "${text}")
    endif()
    set(must_report vtbl.IWbemObjectAccess.ReadDWORD vtbl.IWbemObjectAccess.WriteDWORD)
  elseif(MUTATION STREQUAL "constant-change")
    # Give one WBEM status code a wrong value.
    set(file "${INCLUDE_DIR}/hiperf/wbemcli.h")
    file(READ "${file}" text)
    string(REGEX REPLACE "(#define WBEM_E_NOT_FOUND \\(\\(HRESULT\\))0x80041002\\)"
           "\\10x80041012)" mutated "${text}")
    set(must_report const.WBEM_E_NOT_FOUND)
  else()
    message(FATAL_ERROR "unknown MUTATION '${MUTATION}'")
  endif()
  if(mutated STREQUAL text)
    message(FATAL_ERROR "mutation '${MUTATION}' did not apply to ${file}: "
                        "the header changed; update run_abi_test.cmake")
  endif()
  file(WRITE "${file}" "${mutated}")
endif()

# ---- the two probes ----------------------------------------------------------
file(GLOB our_headers "${INCLUDE_DIR}/hiperf/*.h")
list(SORT our_headers)
set(probe "${SOURCE_DIR}/abi_probe.c")

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " cmd)
    message(FATAL_ERROR "abi: ${what} failed (${rc}):\n  ${cmd}\n${out}${err}")
  endif()
endfunction()

set(mingw_flags -std=gnu11 -O2 -DABI_SIDE_MINGW -I${WORK_DIR}/mingw)
set(ours_flags -std=c11 -O2 -Wall -Wextra -Werror -DABI_SIDE_OURS -I${INCLUDE_DIR} -I${WORK_DIR}/ours)
set(mingw_cc "${MINGW_CC}")
set(ours_cc "${NATIVE_CC}")

foreach(side mingw ours)
  set(dir "${WORK_DIR}/${side}")
  run("preprocessing the ${side} probe"
      ${${side}_cc} ${${side}_flags} -DABI_GEN_PASS -E -dD "${probe}" -o "${dir}/probe.i")
  run("listing the ${side} items"
      "${ABI_CHECK}" gen --preprocessed "${dir}/probe.i" --out "${dir}/abi_items.h" ${our_headers})
  run("compiling the ${side} probe"
      ${${side}_cc} ${${side}_flags} -S "${probe}" -o "${dir}/probe.s")
endforeach()

# ---- the comparison ----------------------------------------------------------
execute_process(
  COMMAND "${ABI_CHECK}" compare "${WORK_DIR}/mingw/probe.s" "${WORK_DIR}/ours/probe.s"
          "${SOURCE_DIR}/mswmi-expected.txt"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")

if(NOT DEFINED MUTATION OR MUTATION STREQUAL "")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "abi: include/hiperf differs from the 64-bit Windows ABI (see above; "
                        "the probes are in ${WORK_DIR})")
  endif()
  return()
endif()

if(NOT rc EQUAL 1)
  message(FATAL_ERROR "abi: mutation '${MUTATION}' was not detected (abi_check exit ${rc})")
endif()
foreach(key IN LISTS must_report)
  string(FIND "${out}" " ${key}:" at) # a MISMATCH line names it so
  if(at EQUAL -1)
    message(FATAL_ERROR "abi: mutation '${MUTATION}' failed the comparison but ${key} was not reported")
  endif()
endforeach()
message("abi: mutation '${MUTATION}' detected as it must be")
