# gen.cmake - one generator test.
#   MODE=golden: run fracture-annotate -o OUT on FILES (in DIR) and compare
#     every file it wrote, in order, with EXPECT (absolute paths shown as
#     <SRC> and <OUT>); FRA_UPDATE=1 in the environment rewrites EXPECT.
#   MODE=run: PLAIN and APP (the fractured build) print the same, APP once
#     in one process and once under SPLIT (expected: the plain output, or
#     DIR/split.out where a failure is the point; DIR/split.err, if there,
#     holds lines its stderr must contain).
if(MODE STREQUAL "golden")
  string(REPLACE "," ";" FILES "${FILES}")
  file(REMOVE_RECURSE ${OUT})
  execute_process(COMMAND ${TOOL} --fracture-include ${INC} -o ${OUT} --app-name golden
      ${FILES} -- -std=c11 -D_GNU_SOURCE
    WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fracture-annotate failed (${rc}):\n${err}")
  endif()
  file(GLOB_RECURSE outs RELATIVE ${OUT} ${OUT}/*)
  list(SORT outs)
  set(actual "")
  foreach(o ${outs})
    file(READ ${OUT}/${o} text)
    string(APPEND actual "==> ${o} <==\n${text}")
  endforeach()
  file(REAL_PATH ${DIR} rdir)
  string(REPLACE "${rdir}" "<SRC>" actual "${actual}")
  string(REPLACE "${OUT}" "<OUT>" actual "${actual}")
  if(DEFINED ENV{FRA_UPDATE})
    file(WRITE ${EXPECT} "${actual}")
    return()
  endif()
  file(READ ${EXPECT} expected)
  if(NOT actual STREQUAL expected)
    file(WRITE ${OUT}.actual "${actual}")
    execute_process(COMMAND diff -u ${EXPECT} ${OUT}.actual OUTPUT_VARIABLE d)
    message(FATAL_ERROR "generated code differs from ${EXPECT} "
      "(FRA_UPDATE=1 ctest -R annotate.gen rewrites it):\n${d}")
  endif()
  return()
endif()

execute_process(COMMAND ${PLAIN} RESULT_VARIABLE prc OUTPUT_VARIABLE pout ERROR_VARIABLE perr
  TIMEOUT 60)
set(want "${pout}")
if(EXISTS ${DIR}/split.out)
  file(READ ${DIR}/split.out want_split)
else()
  set(want_split "${pout}")
endif()
execute_process(COMMAND ${APP} RESULT_VARIABLE arc OUTPUT_VARIABLE aout ERROR_VARIABLE aerr
  TIMEOUT 60)
if(NOT aout STREQUAL want OR NOT arc STREQUAL prc)
  message(FATAL_ERROR "all in one differs from the plain build (exit ${arc}, plain ${prc}):\n"
    "--- plain\n${pout}\n+++ fractured\n${aout}\n${aerr}")
endif()
set(ENV{FRACTURE_CONFIG} ${SPLIT})
execute_process(COMMAND ${APP} RESULT_VARIABLE src OUTPUT_VARIABLE sout ERROR_VARIABLE serr
  TIMEOUT 60)
unset(ENV{FRACTURE_CONFIG})
if(NOT sout STREQUAL want_split OR NOT src STREQUAL prc)
  message(FATAL_ERROR "split differs (exit ${src}, plain ${prc}):\n"
    "--- expected\n${want_split}\n+++ split\n${sout}\n--- stderr\n${serr}")
endif()
# DIR/split.err: what the split build must say on stderr (each line of it).
if(EXISTS ${DIR}/split.err)
  file(STRINGS ${DIR}/split.err lines)
  foreach(line ${lines})
    string(FIND "${serr}" "${line}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "split's stderr lacks:\n${line}\n--- stderr\n${serr}")
    endif()
  endforeach()
endif()
message(STATUS "identical: plain, all in one, split\n${sout}")
