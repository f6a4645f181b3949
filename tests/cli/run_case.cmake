# Runs one golden CLI case: CASE_DIR/args (one argument per line), optional CASE_DIR/stdin,
# compared with expected.stdout, expected.stderr and expected.rc. The clock is fixed and the
# source directory shows as <SRC>. With DIVERT_UPDATE_GOLDEN=1 in the environment the expected
# files are rewritten instead (review the change in git).
cmake_minimum_required(VERSION 3.21)

file(STRINGS "${CASE_DIR}/args" args ENCODING UTF-8)
list(TRANSFORM args REPLACE "<SRC>" "${SRC_DIR}")
set(ENV{DIVERT_FIXED_TIME} "2026-11-26T12:00:00Z")
set(ENV{NO_COLOR} "1")
set(ENV{TZ} "UTC") # "today" is the local date: the goldens fix the zone too
set(ENV{XDG_CONFIG_HOME} "${WORK_DIR}/config")
set(ENV{XDG_STATE_HOME} "${WORK_DIR}/state")
set(ENV{XDG_CACHE_HOME} "${WORK_DIR}/cache")
set(ENV{DIVERT_POLICY_PATH} "${SRC_DIR}/policies")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(input_args "")
if(EXISTS "${CASE_DIR}/stdin")
  set(input_args INPUT_FILE "${CASE_DIR}/stdin")
endif()
execute_process(
  COMMAND "${DIVERT}" ${args}
  ${input_args}
  WORKING_DIRECTORY "${SRC_DIR}"
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc)

foreach(stream out err)
  string(REPLACE "${WORK_DIR}" "<WORK>" ${stream} "${${stream}}")
  string(REPLACE "${SRC_DIR}" "<SRC>" ${stream} "${${stream}}")
endforeach()

if("$ENV{DIVERT_UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE "${CASE_DIR}/expected.stdout" "${out}")
  file(WRITE "${CASE_DIR}/expected.stderr" "${err}")
  file(WRITE "${CASE_DIR}/expected.rc" "${rc}\n")
  message(STATUS "updated ${CASE_DIR}")
  return()
endif()

set(failed FALSE)
file(READ "${CASE_DIR}/expected.rc" want_rc)
string(STRIP "${want_rc}" want_rc)
if(NOT rc STREQUAL want_rc)
  message("exit status: expected ${want_rc}, got ${rc}")
  set(failed TRUE)
endif()
foreach(pair "out;stdout" "err;stderr")
  list(GET pair 0 var)
  list(GET pair 1 name)
  set(want "")
  if(EXISTS "${CASE_DIR}/expected.${name}")
    file(READ "${CASE_DIR}/expected.${name}" want)
  endif()
  if(NOT "${${var}}" STREQUAL "${want}")
    file(WRITE "${WORK_DIR}/actual.${name}" "${${var}}")
    execute_process(COMMAND diff -u "${CASE_DIR}/expected.${name}" "${WORK_DIR}/actual.${name}"
                    OUTPUT_VARIABLE delta)
    message("${name} differs:\n${delta}")
    set(failed TRUE)
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "golden case ${CASE_DIR} failed")
endif()
