# install.package: install the build into a scratch prefix, build an app
# against it with find_package (shared and static) and with pkg-config, and
# run each under a split config.  Every step must work.
#   cmake -DBUILD=... -DSRC=... -DWORK=... -DCC=... -P check.cmake
include(${CMAKE_CURRENT_LIST_DIR}/step.cmake)

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)
step(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f bin/fracture include/fracture/abi.h include/fracture/meta.h lib/pkgconfig/fracture.pc
          lib/cmake/Fracture/FractureConfig.cmake)
  if(NOT EXISTS ${prefix}/${f} AND NOT EXISTS ${prefix}/lib/x86_64-linux-gnu/${f})
    file(GLOB_RECURSE found ${prefix}/*/${f})
    if(NOT found)
      message(FATAL_ERROR "not installed: ${f}")
    endif()
  endif()
endforeach()

set(ledger ${SRC}/tests/e2e/ledger)
set(config ${SRC}/configs/examples/ledger-every-module.yaml)
step(${CMAKE_COMMAND} -S ${SRC}/tests/e2e/consumer -B ${WORK}/cm -DCMAKE_PREFIX_PATH=${prefix}
     -DLEDGER_DIR=${ledger} -DCMAKE_C_COMPILER=${CC})
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
file(REMOVE_RECURSE ${WORK})
message(STATUS "installed package: find_package (shared, static) and pkg-config builds run split")
