# deterministic.cmake - run PROG RUNS times; every run must exit 0 and print
# the same bytes.
#   cmake -DPROG=... -DRUNS=N -P deterministic.cmake
set(first "")
foreach(i RANGE 1 ${RUNS})
  execute_process(COMMAND ${PROG} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "run ${i} of ${PROG} failed (${rc}):\n${err}")
  endif()
  if(i EQUAL 1)
    set(first "${out}")
  elseif(NOT out STREQUAL first)
    message(FATAL_ERROR "run ${i} of ${PROG} printed something else:\n--- run 1\n${first}\n--- run ${i}\n${out}")
  endif()
endforeach()
string(LENGTH "${first}" n)
message(STATUS "${RUNS} runs, the same ${n} bytes")
