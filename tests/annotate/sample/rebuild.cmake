# rebuild.cmake - incremental rebuilds of a fracture_add_executable target.
# Copies the sample into WORK/project/src, builds it, then:
#   1. builds again: nothing is annotated or compiled;
#   2. touches geom.c: it is annotated again, but no copy is rewritten and
#      nothing is compiled;
#   3. edits geom.c (a comment at the end): only its copy is rewritten and
#      only its object compiled, and the program is relinked;
#   4. builds again: nothing;
#   5. touches store.h: annotated again, nothing rewritten.
#   cmake -DSAMPLE_DIR= -DGENERATOR= -DWORK= -DANNOTATOR= -DFRACTURE_LIB=
#         -DFRACTURE_INC= -DFRACTURE_CMAKE= -DCC= -P rebuild.cmake
cmake_minimum_required(VERSION 3.18)
include(${CMAKE_CURRENT_LIST_DIR}/../../e2e/consumer/step.cmake)

file(REMOVE_RECURSE ${WORK})
set(src ${WORK}/project/src)
file(MAKE_DIRECTORY ${src})
file(GLOB files ${SAMPLE_DIR}/*.c ${SAMPLE_DIR}/*.h)
list(FILTER files EXCLUDE REGEX "check_sample\\.c$")
file(COPY ${files} DESTINATION ${src})
file(COPY ${SAMPLE_DIR}/rebuild/CMakeLists.txt DESTINATION ${WORK}/project)
set(bin ${WORK}/build)
step(${CMAKE_COMMAND} -S ${WORK}/project -B ${bin} -G "${GENERATOR}" -DCMAKE_C_COMPILER=${CC}
  -DANNOTATOR=${ANNOTATOR} -DFRACTURE_LIB=${FRACTURE_LIB} -DFRACTURE_INC=${FRACTURE_INC}
  -DFRACTURE_CMAKE=${FRACTURE_CMAKE})
step(${CMAKE_COMMAND} --build ${bin})
set(gen ${bin}/sample.fracture)
foreach(f main geom text textfd store events fracture_app)
  if(NOT EXISTS ${gen}/src/${f}.c AND NOT EXISTS ${gen}/${f}.c)
    message(FATAL_ERROR "fracture_add_executable did not generate ${f}.c under ${gen}")
  endif()
endforeach()

# The mtimes (nanoseconds) of every generated file, as "name=mtime;...".
function(mtimes out)
  file(GLOB_RECURSE gfiles RELATIVE ${gen} ${gen}/*.c)
  list(SORT gfiles)
  set(r "")
  foreach(f ${gfiles})
    execute_process(COMMAND stat -c %.9Y ${gen}/${f} OUTPUT_VARIABLE t OUTPUT_STRIP_TRAILING_WHITESPACE)
    list(APPEND r "${f}=${t}")
  endforeach()
  set(${out} "${r}" PARENT_SCOPE)
endfunction()

# The objects a build step compiled, from its output (both generators name
# them: "Building C object X.o").
function(compiled out text)
  string(REGEX MATCHALL "Building C object [^\n ]+" lines "${text}")
  set(r "")
  foreach(l ${lines})
    string(REGEX REPLACE "^Building C object .*/([^/]+)\\.o$" "\\1" o "${l}")
    list(APPEND r ${o})
  endforeach()
  list(SORT r)
  set(${out} "${r}" PARENT_SCOPE)
endfunction()

function(changed out before after)
  set(r "")
  foreach(b ${before})
    string(REGEX REPLACE "=.*" "" name "${b}")
    if(NOT "${b}" IN_LIST after)
      list(APPEND r ${name})
    endif()
  endforeach()
  set(${out} "${r}" PARENT_SCOPE)
endfunction()

# One more build: sets COMPILED (the objects it compiled), REWRITTEN (the
# copies whose mtime moved) and ANNOTATED (whether the annotator ran).
function(rebuild)
  mtimes(before)
  step(${CMAKE_COMMAND} --build ${bin})
  compiled(c "${OUT}")
  mtimes(after)
  changed(d "${before}" "${after}")
  set(a FALSE)
  if(OUT MATCHES "Annotating sample")
    set(a TRUE)
  endif()
  set(COMPILED "${c}" PARENT_SCOPE)
  set(REWRITTEN "${d}" PARENT_SCOPE)
  set(ANNOTATED ${a} PARENT_SCOPE)
  set(OUT "${OUT}" PARENT_SCOPE)
endfunction()

# 1. nothing changed: nothing runs
rebuild()
if(ANNOTATED OR COMPILED OR REWRITTEN)
  message(FATAL_ERROR "a build with nothing changed compiled [${COMPILED}], rewrote [${REWRITTEN}]:\n${OUT}")
endif()

# 2. a touch: annotated again, nothing rewritten, nothing compiled
#    (the sleeps: mtimes must be seen to move on any file system)
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(TOUCH ${src}/geom.c)
rebuild()
if(NOT ANNOTATED OR COMPILED OR REWRITTEN)
  message(FATAL_ERROR "touching geom.c: annotated ${ANNOTATED}, compiled [${COMPILED}], "
    "rewrote [${REWRITTEN}]:\n${OUT}")
endif()

# 3. an edit: only geom.c's copy rewritten, only it compiled
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(APPEND ${src}/geom.c "/* edited by the rebuild test */\n")
rebuild()
if(NOT REWRITTEN MATCHES "^(src/)?geom\\.c$" OR NOT COMPILED STREQUAL "geom.c")
  message(FATAL_ERROR "editing geom.c rewrote [${REWRITTEN}] and compiled [${COMPILED}], "
    "not its copy alone:\n${OUT}")
endif()

# 4. and after it, nothing again
rebuild()
if(ANNOTATED OR COMPILED OR REWRITTEN)
  message(FATAL_ERROR "the build after the edit compiled [${COMPILED}], rewrote [${REWRITTEN}]:\n${OUT}")
endif()
# 5. an edited header annotates again (the
#    project lists no header: Makefiles scan the includes, Ninja reads the
#    annotator's depfile), rewriting nothing
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(TOUCH ${src}/store.h)
rebuild()
if(NOT ANNOTATED OR REWRITTEN)
  message(FATAL_ERROR "touching store.h: annotated ${ANNOTATED}, rewrote [${REWRITTEN}]:\n${OUT}")
endif()

step(${bin}/sample)
file(REMOVE_RECURSE ${WORK})
message(STATUS "${GENERATOR}: an edit rewrote and compiled geom.c alone; a touch nothing")
