# corpus.cmake - one case of the corpus of odd C (tests/annotate/corpus/NAME/).
#
# The first line of DIR/main.c says what the case covers and what it expects:
#   /* <what it covers>.  EXPECT: same */     plain == all in one == split
#   /* <what it covers>.  EXPECT: refused */  the annotator's diagnostics
# A refused case lists every error it expects, anywhere in main.c:
#   // expect-error: FILE:LINE:COL PHRASE
# and the annotator (run with -o, so that the generator's refusals count)
# must exit 1 with exactly these errors: one "FILE:LINE:COL: error: ..." line
# per expectation, at that place, its message containing PHRASE.  (PHRASE
# may be the whole message once its wording is settled.)
#
# Every case first builds plainly with cc -Wall -Wextra -Werror (it is valid
# C).  A "same" case is built three ways with cc directly (fast: no CMake project
# per case): plain (no annotator), and annotated; the annotated program runs
# once with no config (all in one) and once split, every module in its own
# FMP (DIR/split.yaml if the case has one, else generated from the
# FRACTURE_MODULE/FR_MODULE names); stdout and exit status must be the plain
# build's.
#
#   cmake -DNAME= -DDIR= -DOUT= -DTOOL= -DINC= -DLIB= -DCC= [-DSAN=] -P corpus.cmake
file(GLOB srcs RELATIVE ${DIR} ${DIR}/*.c)
list(SORT srcs)
file(READ ${DIR}/main.c main)
string(REGEX MATCH "^/\\*[^\n]*EXPECT: (same|refused)" head "${main}")
if(NOT head)
  message(FATAL_ERROR "${DIR}/main.c: line 1 must be /* ... EXPECT: same|refused */")
endif()
set(expect ${CMAKE_MATCH_1})
string(REGEX MATCHALL "// expect-error: [^\n]*" wants "${main}")
if(expect STREQUAL "refused" AND NOT wants)
  message(FATAL_ERROR "${DIR}/main.c: EXPECT: refused but no // expect-error: line")
elseif(expect STREQUAL "same" AND wants)
  message(FATAL_ERROR "${DIR}/main.c: EXPECT: same but // expect-error: lines")
endif()

file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
# Every case is valid C: the plain build comes first, refused cases too.
set(cflags -std=c11 -D_GNU_SOURCE -pthread -Wall -Wextra -Werror -I${INC} -I${INC}/fracture)
execute_process(COMMAND ${CC} ${cflags} ${srcs} -o ${OUT}/plain -lm
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME}: the plain build failed:\n${err}")
endif()
set(gen ${OUT}/gen)
execute_process(COMMAND ${TOOL} --fracture-include ${INC} -o ${gen} --app-name ${NAME}
    ${srcs} -- -std=c11 -D_GNU_SOURCE
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE aout ERROR_VARIABLE aerr
  TIMEOUT 60)

if(expect STREQUAL "refused")
  string(REGEX MATCHALL "[^\n]+: error: [^\n]*" got "${aerr}")
  list(LENGTH got ngot)
  list(LENGTH wants nwant)
  set(missing "")
  foreach(w ${wants})
    string(REGEX REPLACE "^// expect-error: ([^ ]+) (.*)$" "\\1" loc "${w}")
    string(REGEX REPLACE "^// expect-error: ([^ ]+) (.*)$" "\\2" phrase "${w}")
    set(hit 0)
    foreach(g ${got})
      string(FIND "${g}" "${loc}: error: " at)
      string(FIND "${g}" "${phrase}" has)
      if(at EQUAL 0 AND NOT has EQUAL -1)
        set(hit 1)
      endif()
    endforeach()
    if(NOT hit)
      string(APPEND missing "  ${loc}: error: ...${phrase}...\n")
    endif()
  endforeach()
  if(missing OR NOT ngot EQUAL nwant OR NOT rc EQUAL 1)
    message(FATAL_ERROR "${NAME}: expected ${nwant} error(s) and exit 1; got ${ngot}, exit ${rc}\n"
      "not found:\n${missing}--- annotator stderr\n${aerr}")
  endif()
  message(STATUS "refused as expected:\n${aerr}")
  file(REMOVE_RECURSE ${OUT})
  return()
endif()

if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME}: the annotator refused a case that must run (exit ${rc}):\n${aerr}")
endif()
file(GLOB gsrcs ${gen}/*.c)
execute_process(COMMAND ${CC} ${cflags} ${SAN} -iquote ${DIR} ${gsrcs} -o ${OUT}/app ${LIB}
    -ltalloc -lyaml -lseccomp -lpthread -lm
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NAME}: the generated code does not build:\n${err}")
endif()

set(split ${DIR}/split.yaml)
if(NOT EXISTS ${split})
  set(mods "")
  foreach(s ${srcs})
    file(READ ${DIR}/${s} text)
    string(REGEX MATCHALL "FR(ACTURE)?_MODULE\\( *[A-Za-z_0-9]+" m "${text}")
    list(APPEND mods ${m})
  endforeach()
  list(TRANSFORM mods REPLACE "^FR(ACTURE)?_MODULE\\( *" "")
  list(REMOVE_DUPLICATES mods)
  list(REMOVE_ITEM mods main name)
  set(yaml "version: 1\nfmps:\n")
  foreach(m ${mods})
    string(APPEND yaml "  - name: fmp_${m}\n    modules: [${m}]\n")
  endforeach()
  set(split ${OUT}/split.yaml)
  file(WRITE ${split} "${yaml}")
endif()

execute_process(COMMAND ${OUT}/plain WORKING_DIRECTORY ${OUT} INPUT_FILE /dev/null
  RESULT_VARIABLE prc OUTPUT_VARIABLE pout ERROR_VARIABLE perr TIMEOUT 30)
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=FRACTURE_CONFIG ${OUT}/app
  WORKING_DIRECTORY ${OUT} INPUT_FILE /dev/null
  RESULT_VARIABLE arc OUTPUT_VARIABLE aout ERROR_VARIABLE aerr TIMEOUT 30)
execute_process(COMMAND ${CMAKE_COMMAND} -E env FRACTURE_CONFIG=${split} ${OUT}/app
  WORKING_DIRECTORY ${OUT} INPUT_FILE /dev/null
  RESULT_VARIABLE src OUTPUT_VARIABLE sout ERROR_VARIABLE serr TIMEOUT 30)
set(bad "")
if(NOT aout STREQUAL pout OR NOT arc STREQUAL prc)
  string(APPEND bad "all in one (exit ${arc}):\n${aout}${aerr}\n")
endif()
if(NOT sout STREQUAL pout OR NOT src STREQUAL prc)
  file(READ ${split} ytext)
  string(APPEND bad "split (exit ${src}):\n${sout}${serr}\n--- ${split}\n${ytext}")
endif()
if(bad)
  message(FATAL_ERROR "${NAME}: differs from the plain build (exit ${prc}):\n${pout}${perr}\n"
    "--- ${bad}")
endif()
message(STATUS "identical: plain, all in one, split (exit ${prc})\n${pout}")
file(REMOVE_RECURSE ${OUT})
