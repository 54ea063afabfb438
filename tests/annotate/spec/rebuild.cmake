# rebuild.cmake - an edited spec annotates again (fracture_add_executable's
# SPEC is a dependency of the annotation, for Makefiles and Ninja alike):
#   1. builds the spec case in WORK;
#   2. builds again: nothing is annotated;
#   3. edits spec.h so that it contradicts the source: the build annotates
#      again and fails with the conflict at the source's line;
#   4. puts spec.h back: the build annotates again and succeeds.
#   cmake -DSPEC_DIR= -DGENERATOR= -DWORK= -DANNOTATOR= -DFRACTURE_LIB=
#         -DFRACTURE_INC= -DFRACTURE_CMAKE= -DCC= -P rebuild.cmake
cmake_minimum_required(VERSION 3.18)
include(${CMAKE_CURRENT_LIST_DIR}/../../e2e/consumer/step.cmake)

file(REMOVE_RECURSE ${WORK})
set(src ${WORK}/project/src)
file(MAKE_DIRECTORY ${src})
file(COPY ${SPEC_DIR}/main.c ${SPEC_DIR}/spec.h ${SPEC_DIR}/src DESTINATION ${src})
file(COPY ${SPEC_DIR}/rebuild/CMakeLists.txt DESTINATION ${WORK}/project)
set(bin ${WORK}/build)
step(${CMAKE_COMMAND} -S ${WORK}/project -B ${bin} -G "${GENERATOR}" -DCMAKE_C_COMPILER=${CC}
  -DANNOTATOR=${ANNOTATOR} -DFRACTURE_LIB=${FRACTURE_LIB} -DFRACTURE_INC=${FRACTURE_INC}
  -DFRACTURE_CMAKE=${FRACTURE_CMAKE})
step(${CMAKE_COMMAND} --build ${bin})
step(${CMAKE_COMMAND} --build ${bin})
if(OUT MATCHES "Annotating")
  message(FATAL_ERROR "a build with nothing changed annotated again:\n${OUT}")
endif()

file(READ ${src}/spec.h good)
string(REPLACE "int stats_sum(FR_IN(n) const int *v, int n);"
  "int stats_sum(FR_OUT(n) int *v, int n);" bad "${good}")
if(bad STREQUAL good)
  message(FATAL_ERROR "rebuild.cmake: spec.h no longer has the line it edits")
endif()
file(WRITE ${src}/spec.h "${bad}")
execute_process(COMMAND ${CMAKE_COMMAND} --build ${bin}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT "${out}${err}" MATCHES "spec.h:[0-9]+:[0-9]+")
  message(FATAL_ERROR "an edited spec that contradicts the source did not stop the build "
    "with an error naming it (${rc}):\n${out}\n${err}")
endif()

file(WRITE ${src}/spec.h "${good}")
step(${CMAKE_COMMAND} --build ${bin})
if(NOT OUT MATCHES "Annotating")
  message(FATAL_ERROR "spec.h put back, the build did not annotate again:\n${OUT}")
endif()
file(REMOVE_RECURSE ${WORK})
