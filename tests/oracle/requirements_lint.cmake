# requirements_lint.cmake - checks the syntax of the requirement catalog.
#
#   cmake -DFILE=oracle/requirements.txt -P tests/oracle/requirements_lint.cmake
#
# Needs no other module of the project, so the catalog is checked even when
# nothing else builds.  Every requirement line is "ID | LEVEL | SOURCE | TEXT";
# '#' lines and blank lines are ignored.  The script reports every problem it
# finds as FILE:LINE: message and fails if there was any:
#   - a line that does not have exactly four '|'-separated fields;
#   - an ID that is not upper case letters, digits and '-' in the form
#     AREA-NAME[-NAME...], whose area is not a known one, or longer than 40;
#   - an ID seen before;
#   - a LEVEL other than MUST, SHOULD or MAY;
#   - an empty SOURCE or TEXT;
#   - a TEXT longer than 300 characters (bytes: the catalog is ASCII).
# The known areas are the ones docs/requirements.md explains; a new area is
# added here and there together.
cmake_minimum_required(VERSION 3.13)

if(NOT DEFINED FILE)
  message(FATAL_ERROR "usage: cmake -DFILE=path/to/requirements.txt -P requirements_lint.cmake")
endif()
if(NOT EXISTS "${FILE}")
  message(FATAL_ERROR "${FILE}: no such file")
endif()

set(areas COM DLL CF REG HOST INIT HP OA HPENUM OBJ CLIENT MSWMI THREAD TIME PERF)
set(max_text 300)
set(max_id 40)

file(READ "${FILE}" content)
# CMake lists split on ';' and treat '[', ']' and '\' specially.  None of
# them may appear in a valid ID or level, so mapping them to '_' keeps the
# checks exact while making every line one list element.
string(REPLACE "\\" "_" content "${content}")
string(REPLACE ";" "_" content "${content}")
string(REPLACE "[" "_" content "${content}")
string(REPLACE "]" "_" content "${content}")
string(REPLACE "\r" "" content "${content}")
string(REPLACE "\n" ";" lines "${content}")

set(errors 0)
set(count 0)
set(seen "")
set(lineno 0)
foreach(line IN LISTS lines)
  math(EXPR lineno "${lineno} + 1")
  string(STRIP "${line}" stripped)
  if(stripped STREQUAL "" OR stripped MATCHES "^#")
    continue()
  endif()

  string(REPLACE "|" ";" fields "${line}")
  list(LENGTH fields nfields)
  if(NOT nfields EQUAL 4)
    message("${FILE}:${lineno}: expected 4 fields 'ID | LEVEL | SOURCE | TEXT', found ${nfields}")
    math(EXPR errors "${errors} + 1")
    continue()
  endif()
  list(GET fields 0 id)
  list(GET fields 1 level)
  list(GET fields 2 source)
  list(GET fields 3 text)
  string(STRIP "${id}" id)
  string(STRIP "${level}" level)
  string(STRIP "${source}" source)
  string(STRIP "${text}" text)
  math(EXPR count "${count} + 1")

  if(NOT id MATCHES "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    message("${FILE}:${lineno}: bad ID '${id}': want AREA-NAME, upper case letters, digits and '-'")
    math(EXPR errors "${errors} + 1")
  else()
    string(REGEX REPLACE "-.*$" "" area "${id}")
    if(NOT area IN_LIST areas)
      message("${FILE}:${lineno}: ID '${id}' has unknown area '${area}' (known: ${areas})")
      math(EXPR errors "${errors} + 1")
    endif()
    string(LENGTH "${id}" idlen)
    if(idlen GREATER max_id)
      message("${FILE}:${lineno}: ID '${id}' is ${idlen} characters, more than ${max_id}")
      math(EXPR errors "${errors} + 1")
    endif()
  endif()
  if(id IN_LIST seen)
    message("${FILE}:${lineno}: duplicate ID '${id}'")
    math(EXPR errors "${errors} + 1")
  else()
    list(APPEND seen "${id}")
  endif()

  if(NOT level MATCHES "^(MUST|SHOULD|MAY)$")
    message("${FILE}:${lineno}: bad level '${level}' for ${id}: want MUST, SHOULD or MAY")
    math(EXPR errors "${errors} + 1")
  endif()
  if(source STREQUAL "")
    message("${FILE}:${lineno}: empty SOURCE for ${id}")
    math(EXPR errors "${errors} + 1")
  endif()
  if(text STREQUAL "")
    message("${FILE}:${lineno}: empty TEXT for ${id}")
    math(EXPR errors "${errors} + 1")
  else()
    string(LENGTH "${text}" textlen)
    if(textlen GREATER max_text)
      message("${FILE}:${lineno}: TEXT of ${id} is ${textlen} characters, more than ${max_text}")
      math(EXPR errors "${errors} + 1")
    endif()
  endif()
endforeach()

if(count EQUAL 0)
  message("${FILE}: no requirement lines")
  math(EXPR errors "${errors} + 1")
endif()
if(errors GREATER 0)
  message(FATAL_ERROR "${FILE}: ${errors} problem(s) in ${count} requirement line(s)")
endif()
message(STATUS "${FILE}: ${count} requirements, syntax OK")
