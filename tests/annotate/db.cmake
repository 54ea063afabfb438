# db.cmake - the annotator with flags from a compilation database (-p):
# write OUT/compile_commands.json for DIR/main.c, compiled in DIR with
# -include of a system header and of a file of DIR, -imacros of a system
# header, and require a clean
# run (exit 0, nothing on stderr).
file(MAKE_DIRECTORY ${OUT})
file(WRITE ${OUT}/compile_commands.json "[{\"directory\": \"${DIR}\", \"file\": \"${DIR}/main.c\",
  \"arguments\": [\"cc\", \"-std=c11\", \"-include\", \"stddef.h\", \"-include\", \"local.h\",
                  \"-imacros\", \"stdbool.h\",
                  \"-Werror\", \"-o\", \"main.o\", \"-c\", \"main.c\"]}]\n")
execute_process(COMMAND ${TOOL} --fracture-include ${INC} -p ${OUT} ${DIR}/main.c
  WORKING_DIRECTORY ${OUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  message(FATAL_ERROR "fracture-annotate -p ${OUT}: exit ${rc}\n${err}")
endif()
