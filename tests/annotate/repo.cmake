# repo.cmake - run fracture-annotate over every .c file of the repository's
# runtime and end-to-end tests with their real flags.  Errors about the
# sources are expected (they are not annotated); a crash, a hang or an
# internal failure is not: only exit status 0 or 1 passes.
file(GLOB_RECURSE files ${TOP}/rt/*.c ${TOP}/tests/e2e/*.c)
list(SORT files)
set(db ${BUILD}/compile_commands.json)
set(use_db OFF)
if(EXISTS ${db})
  file(READ ${db} text)
  string(FIND "${text}" "rt/lib/call.c" found)
  if(NOT found EQUAL -1)
    set(use_db ON)
  endif()
endif()
if(use_db)
  # Only the files the build compiles have flags.
  set(listed "")
  foreach(f ${files})
    string(FIND "${text}" "\"${f}\"" hit)
    if(NOT hit EQUAL -1)
      list(APPEND listed ${f})
    endif()
  endforeach()
  set(cmd ${TOOL} --manifest ${OUT} -p ${BUILD} ${listed})
else()
  set(cmd ${TOOL} --manifest ${OUT} ${files} -- -std=c11 -D_GNU_SOURCE -I${TOP}/rt/include
      -I${TOP}/rt/include/fracture -I${TOP}/rt/lib -DFR_VERSION="0" -DFR_PRELOAD_INSTALL_DIR="x"
      -DFR_PRELOAD_BUILD_DIR="x" -DFR_SUPP_INSTALL="x" -DFR_SUPP_SOURCE="x")
endif()
file(REMOVE ${OUT})
execute_process(COMMAND ${cmd}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
string(LENGTH "${err}" nerr)
message(STATUS "fracture-annotate exit ${rc} (${nerr} bytes of diagnostics, flags from "
  "${use_db})")
if(NOT rc STREQUAL "0" AND NOT rc STREQUAL "1")
  message(FATAL_ERROR "fracture-annotate failed (${rc}):\n${err}")
endif()
if(NOT EXISTS ${OUT})
  message(FATAL_ERROR "no manifest written")
endif()
