# gen.cmake - one generator test.
#   MODE=golden: run fracture-annotate -o OUT on FILES (in DIR) and compare
#     every file it wrote, in order, with EXPECT (absolute paths shown as
#     <SRC> and <OUT>); FRA_UPDATE=1 in the environment rewrites EXPECT.
#   MODE=run: PLAIN and APP (the fractured build) print the same, APP once
#     in one process and once under SPLIT (expected: the plain output, or
#     DIR/split.out where a failure is the point; DIR/split.err, if there,
#     holds lines its stderr must contain).  DIR/stale.yaml, if there, is one
#     more split run in which an FMP dies and comes back: its output must be
#     DIR/stale.out (what the dead incarnation minted fails, as the point
#     is), its status the plain build's.  DIR/replicas.yaml, if there,
#     is one more, with the FMPs replicated: the plain output and status.
#     Then both again traced
#     (trace:, configs written in WORK and removed): the same outputs, a
#     trace each, and, where no failure is the point, the same edges.
#     With TRACED_AS_SPLIT, traced all in one must print the split output:
#     a traced local call is marshalled, and the caller refuses what no
#     copy could carry exactly, as it does for a split call.
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

set(APP_CMD ${APP})
execute_process(COMMAND ${PLAIN} RESULT_VARIABLE prc OUTPUT_VARIABLE pout ERROR_VARIABLE perr
  TIMEOUT 60)
set(want "${pout}")
if(EXISTS ${DIR}/split.out)
  file(READ ${DIR}/split.out want_split)
else()
  set(want_split "${pout}")
endif()
execute_process(COMMAND ${APP_CMD} RESULT_VARIABLE arc OUTPUT_VARIABLE aout ERROR_VARIABLE aerr
  TIMEOUT 60)
if(NOT aout STREQUAL want OR NOT arc STREQUAL prc)
  message(FATAL_ERROR "all in one differs from the plain build (exit ${arc}, plain ${prc}):\n"
    "--- plain\n${pout}\n+++ fractured\n${aout}\n${aerr}")
endif()
set(ENV{FRACTURE_CONFIG} ${SPLIT})
execute_process(COMMAND ${APP_CMD} RESULT_VARIABLE src OUTPUT_VARIABLE sout ERROR_VARIABLE serr
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

# APP under config DIR/NAME: its output must be @expected, its status the
# plain build's.
function(run_under name expected)
  set(ENV{FRACTURE_CONFIG} ${DIR}/${name})
  execute_process(COMMAND ${APP} RESULT_VARIABLE xrc OUTPUT_VARIABLE xout ERROR_VARIABLE xerr
    TIMEOUT 60)
  unset(ENV{FRACTURE_CONFIG})
  if(NOT xout STREQUAL expected OR NOT xrc STREQUAL prc)
    message(FATAL_ERROR "the run under ${name} differs (exit ${xrc}, plain ${prc}):\n"
      "--- expected\n${expected}\n+++ ${name}\n${xout}\n--- stderr\n${xerr}")
  endif()
endfunction()

# DIR/stale.yaml: the same program, an FMP killed and restarted mid-run.
if(EXISTS ${DIR}/stale.yaml)
  file(READ ${DIR}/stale.out want_stale)
  run_under(stale.yaml "${want_stale}")
endif()
# DIR/replicas.yaml: the same program with FMPs replicated, voting on
# every reply: what the plain build prints.
if(EXISTS ${DIR}/replicas.yaml)
  run_under(replicas.yaml "${want}")
endif()

# Traced, all in one and split: what a training run does to the program.
if(NOT WORK)
  message(FATAL_ERROR "gen.cmake: MODE=run needs WORK, a directory for the traced runs")
endif()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(READ ${SPLIT} split_text)
file(WRITE ${WORK}/aio.yaml "version: 1\ntrace: {file: ${WORK}/aio.json}\n")
file(WRITE ${WORK}/split.yaml "${split_text}\ntrace: {file: ${WORK}/split.json}\n")
foreach(v aio split)
  set(ENV{FRACTURE_CONFIG} ${WORK}/${v}.yaml)
  execute_process(COMMAND ${APP_CMD} RESULT_VARIABLE trc_${v} OUTPUT_VARIABLE tout_${v}
    ERROR_VARIABLE terr_${v} TIMEOUT 60)
  unset(ENV{FRACTURE_CONFIG})
  set(trace_${v} "")
  if(EXISTS ${WORK}/${v}.json)
    file(READ ${WORK}/${v}.json trace_${v})
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
set(want_aio "${want}")
if(TRACED_AS_SPLIT)
  set(want_aio "${want_split}")
endif()
if(NOT tout_aio STREQUAL want_aio OR NOT trc_aio STREQUAL prc)
  message(FATAL_ERROR "traced all in one differs (exit ${trc_aio}, plain ${prc}):\n"
    "--- expected\n${want_aio}\n+++ traced\n${tout_aio}\n${terr_aio}")
endif()
if(NOT tout_split STREQUAL want_split OR NOT trc_split STREQUAL prc)
  message(FATAL_ERROR "traced split differs (exit ${trc_split}):\n"
    "--- expected\n${want_split}\n+++ traced split\n${tout_split}\n--- stderr\n${terr_split}")
endif()
foreach(v aio split)
  string(FIND "${trace_${v}}" "{\n  \"format\": \"fracture-trace\",\n  \"version\": 1," head)
  string(FIND "${trace_${v}}" "\n  \"edges\": [" at)
  if(NOT head EQUAL 0 OR at EQUAL -1)
    message(FATAL_ERROR "the ${v} run wrote no trace, or not one:\n${trace_${v}}\n${terr_${v}}")
  endif()
  string(SUBSTRING "${trace_${v}}" ${at} -1 edges_${v})
endforeach()
# The edges do not depend on the deployment: the partitioner's premise.
if(NOT EXISTS ${DIR}/split.out AND NOT edges_aio STREQUAL edges_split)
  message(FATAL_ERROR "traced split and all in one count other edges:\n"
    "--- all in one${edges_aio}\n+++ split${edges_split}")
endif()
message(STATUS "identical: plain, all in one, split, traced or not\n${sout}")
