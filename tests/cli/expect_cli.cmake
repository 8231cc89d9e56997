# cmake -DCMD="prog;arg;..." -DEXIT=N -DMATCH="regex" [-DNOMATCH="regex"] -P expect_cli.cmake
# Runs a command and fails unless it exits with EXIT and its output
# (stdout and stderr together) matches MATCH (and does not match NOMATCH).
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
set(all "${out}${err}")
if(NOT rc STREQUAL "${EXIT}")
  message(FATAL_ERROR "exit status ${rc}, expected ${EXIT}\n--- output ---\n${all}")
endif()
if(DEFINED MATCH AND NOT all MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match '${MATCH}'\n--- output ---\n${all}")
endif()
if(DEFINED NOMATCH AND all MATCHES "${NOMATCH}")
  message(FATAL_ERROR "output matches '${NOMATCH}'\n--- output ---\n${all}")
endif()
