# build.cmake - configure and build project/ (the realc programs) in BIN:
#   cmake -DREALC_CACHE= -DREALC_PACKAGES= -DBIN= -DSRC= -DANNOTATOR=
#         -DFRACTURE_LIB= -DFRACTURE_INC= -DFRACTURE_CMAKE= -DCC= -P build.cmake
cmake_minimum_required(VERSION 3.18)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SRC} -B ${BIN} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DCMAKE_C_COMPILER=${CC} -DREALC_CACHE=${REALC_CACHE} "-DREALC_PACKAGES=${REALC_PACKAGES}"
    -DANNOTATOR=${ANNOTATOR} -DFRACTURE_LIB=${FRACTURE_LIB} -DFRACTURE_INC=${FRACTURE_INC}
    -DFRACTURE_CMAKE=${FRACTURE_CMAKE}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring ${SRC} failed (${rc})")
endif()
cmake_host_system_information(RESULT ncpu QUERY NUMBER_OF_LOGICAL_CORES)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} -j${ncpu} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building ${SRC} failed (${rc}): the annotator's errors are above")
endif()
