# json_out.cmake - run CMD (a ;-list), require exit status STATUS and that
# its stdout (or stderr with STREAM=stderr) is one JSON document in which
# the member path KEY (dot separated, array indexes as numbers) equals WANT.
#   cmake -DCMD="fracture;check;--json;-c;f.yaml;app" -DSTATUS=0 -DKEY=ok -DWANT=ON -P json_out.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
  TIMEOUT 120)
if(NOT rc STREQUAL STATUS)
  message(FATAL_ERROR "exit status ${rc}, expected ${STATUS}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(STREAM STREQUAL "stderr")
  set(doc "${err}")
else()
  set(doc "${out}")
endif()
string(REPLACE "." ";" path "${KEY}")
string(JSON got ERROR_VARIABLE jerr GET "${doc}" ${path})
if(jerr)
  message(FATAL_ERROR "not JSON with ${KEY}: ${jerr}\n--- document\n${doc}\n--- stderr\n${err}")
endif()
if(NOT got STREQUAL WANT)
  message(FATAL_ERROR "${KEY} is '${got}', expected '${WANT}'\n--- document\n${doc}")
endif()
message(STATUS "${KEY} = ${got}")
