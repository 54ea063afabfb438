# run.cmake - one annotator test: run fracture-annotate on FILES (comma
# separated, relative to DIR) and compare byte for byte with EXPECT;
# with GEN_OUT, generating code there (-o); SPECS (relative to DIR) are
# given as --spec.
#   MODE=diag:  stderr against EXPECT; exit status 1 if EXPECT is not empty, else 0
#   MODE=model: the --manifest output against EXPECT; exit status 0
# With FRA_UPDATE=1 in the environment the expectation is rewritten instead.
string(REPLACE "," ";" files "${FILES}")
string(REPLACE "," ";" SPECS "${SPECS}")
set(cmd ${TOOL} --fracture-include ${INC})
foreach(spec IN LISTS SPECS)       # comma separated, like FILES
  list(APPEND cmd --spec ${spec})
endforeach()
if(MODE STREQUAL "model")
  list(APPEND cmd --manifest ${OUT})
endif()
if(DEFINED GEN_OUT)      # the generator's own diagnostics
  file(REMOVE_RECURSE ${GEN_OUT})
  list(APPEND cmd -o ${GEN_OUT})
endif()
execute_process(COMMAND ${cmd} ${files} -- -std=c11
  WORKING_DIRECTORY ${DIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)

if(MODE STREQUAL "model")
  set(actual "")
  if(EXISTS ${OUT})
    file(READ ${OUT} actual)
  endif()
  set(want_rc 0)
else()
  set(actual "${err}")
endif()
if(DEFINED ENV{FRA_UPDATE})
  file(WRITE ${EXPECT} "${actual}")
  return()
endif()
file(READ ${EXPECT} expected)
if(MODE STREQUAL "diag")
  if(expected STREQUAL "")
    set(want_rc 0)
  else()
    set(want_rc 1)
  endif()
endif()

if(NOT actual STREQUAL expected)
  # A diff-like report: the first differing line, then both texts.
  string(REPLACE "\n" ";" el "${expected}")
  string(REPLACE "\n" ";" al "${actual}")
  list(LENGTH el ne)
  list(LENGTH al na)
  set(i 0)
  set(first "")
  while(i LESS ne OR i LESS na)
    set(a "<none>")
    set(e "<none>")
    if(i LESS ne)
      list(GET el ${i} e)
    endif()
    if(i LESS na)
      list(GET al ${i} a)
    endif()
    if(NOT a STREQUAL e)
      math(EXPR line "${i} + 1")
      set(first "line ${line}:\n- ${e}\n+ ${a}")
      break()
    endif()
    math(EXPR i "${i} + 1")
  endwhile()
  message(FATAL_ERROR "output differs from ${EXPECT}\n${first}\n"
    "--- expected\n${expected}\n+++ actual\n${actual}\n(stderr: ${err})")
endif()
if(NOT rc STREQUAL want_rc)
  message(FATAL_ERROR "exit status ${rc}, expected ${want_rc}\nstderr:\n${err}")
endif()
