# install.package: install the build into a scratch prefix, build an app
# against it with find_package (shared and static) and with pkg-config, and
# run each under a split config.  Every step must work.  When the build has
# FRACTURE_SAMPLE on, the annotated sample app is built the two ways a user
# would (fracture_add_executable; `fracture annotate` + pkg-config) and must
# print what its plain build prints, with no config and split.
#   cmake -DBUILD=... -DSRC=... -DWORK=... -DCC=... -P check.cmake
include(${CMAKE_CURRENT_LIST_DIR}/step.cmake)

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
step(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f bin/fracture bin/fracture-annotate include/fracture/abi.h include/fracture/fracture.h
          lib/cmake/Fracture/FractureAnnotate.cmake include/fracture/meta.h lib/pkgconfig/fracture.pc
          lib/cmake/Fracture/FractureConfig.cmake include/fracture/hook.h
          fracture/meta/libfracture-faults.so)
  if(NOT EXISTS ${prefix}/${f} AND NOT EXISTS ${prefix}/lib/x86_64-linux-gnu/${f})
    file(GLOB_RECURSE found ${prefix}/*/${f})
    if(NOT found)
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endif()
endforeach()

set(ledger ${SRC}/tests/e2e/ledger)
set(config ${SRC}/configs/examples/ledger-every-module.yaml)
file(STRINGS ${BUILD}/CMakeCache.txt sample_opt REGEX "^FRACTURE_SAMPLE:BOOL=")
set(sample_dir "")
if(sample_opt MATCHES "=(ON|TRUE|1|YES)$")
  set(sample_dir ${SRC}/tests/annotate/sample)
endif()
step(${CMAKE_COMMAND} -S ${SRC}/tests/e2e/consumer -B ${WORK}/cm -DCMAKE_PREFIX_PATH=${prefix}
     -DLEDGER_DIR=${ledger} -DSAMPLE_DIR=${sample_dir} -DCMAKE_C_COMPILER=${CC})
step(${CMAKE_COMMAND} --build ${WORK}/cm)
foreach(app ledger_shared ledger_static)
  step(${CMAKE_COMMAND} -E env FRACTURE_CONFIG=${config} ${WORK}/cm/${app})
  if(NOT OUT MATCHES "meta seen 42, bumped to 8")
    message(FATAL_ERROR "${app} under ${config} printed:\n${OUT}")
  endif()
endforeach()

# pkg-config, for other build systems
file(GLOB_RECURSE pcfile ${prefix}/*/fracture.pc)
get_filename_component(pcdir ${pcfile} DIRECTORY)
step(${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pcdir} pkg-config --cflags --libs fracture)
string(STRIP "${OUT}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
file(GLOB srcs ${ledger}/*.c)
step(${CC} -std=c11 -D_GNU_SOURCE -o ${WORK}/ledger_pc ${srcs} ${flags})
get_filename_component(libdir ${pcdir} DIRECTORY)
step(${CMAKE_COMMAND} -E env FRACTURE_CONFIG=${config} LD_LIBRARY_PATH=${libdir} ${WORK}/ledger_pc)
if(NOT OUT MATCHES "meta seen 42, bumped to 8")
  message(FATAL_ERROR "pkg-config build printed:\n${OUT}")
endif()
step(${prefix}/bin/fracture check -c ${config} ${WORK}/cm/ledger_shared)

# The installed `fracture annotate` finds the annotator beside itself.
step(${CMAKE_COMMAND} -E env PATH=/nonexistent ${prefix}/bin/fracture annotate --help)
if(NOT OUT MATCHES "usage: fracture-annotate")
  message(FATAL_ERROR "fracture annotate --help printed:\n${OUT}")
endif()

if(sample_dir)
  set(check ${BUILD}/tests/annotate/sample/check_sample)
  set(split ${sample_dir}/configs/every-module.yaml)
  foreach(cfg "" ${split})
    step(${check} ${WORK}/cm/sample_plain ${WORK}/cm/sample ${cfg})
  endforeach()
  # Other build systems: `fracture annotate -o`, then the copies compiled
  # with -iquote to the originals' directory and pkg-config's flags.
  file(GLOB sample_srcs RELATIVE ${sample_dir} ${sample_dir}/*.c)
  list(REMOVE_ITEM sample_srcs check_sample.c check_trace.c check_profile.c)
  execute_process(COMMAND ${prefix}/bin/fracture annotate -o ${WORK}/pcgen
      --fracture-include ${prefix}/include ${sample_srcs} -- -std=c11 -D_GNU_SOURCE
    WORKING_DIRECTORY ${sample_dir} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fracture annotate -o failed (${rc}):\n${err}")
  endif()
  file(GLOB gen_srcs ${WORK}/pcgen/*.c)
  step(${CC} -std=c11 -D_GNU_SOURCE -iquote ${sample_dir} -o ${WORK}/sample_pc ${gen_srcs}
       ${flags} -lm)
  foreach(cfg "" ${split})
    step(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir}
         ${check} ${WORK}/cm/sample_plain ${WORK}/sample_pc ${cfg})
  endforeach()
endif()
file(REMOVE_RECURSE ${WORK})
message(STATUS "installed package: find_package (shared, static) and pkg-config builds run split")
if(sample_dir)
  message(STATUS "the sample app, through fracture_add_executable and through fracture annotate "
    "+ pkg-config, prints what its plain build prints")
endif()
