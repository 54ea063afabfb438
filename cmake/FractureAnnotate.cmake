# FractureAnnotate.cmake - fracture_add_executable(): build an annotated C
# program as a fractured binary.  Shipped in the CMake package (included by
# FractureConfig.cmake) and included by Fracture's own build for its tests.
#
#   fracture_add_executable(NAME
#     SOURCES file.c ...                 annotated sources (relative to the
#                                        current source directory, or absolute);
#                                        headers listed here (.h) are not
#                                        annotated (any header the sources
#                                        include re-annotates when edited)
#     [INCLUDE_DIRECTORIES dir ...]      PRIVATE include directories
#     [COMPILE_DEFINITIONS DEF ...]      PRIVATE definitions
#     [LINK_LIBRARIES lib ...]           PRIVATE libraries, besides libfracture
#     [SPEC file.h ...])                 spec files: annotated prototypes and
#                                        FRACTURE_MODULE_FILES lines for
#                                        sources that stay untouched
#                                        (fracture-annotate --spec); an edit
#                                        of one annotates again
#
# At build time fracture-annotate reads the sources and writes a rewritten
# copy of each, plus fracture_app.c, under ${CMAKE_CURRENT_BINARY_DIR}/NAME.fracture/;
# the target compiles those copies instead of the originals.  The annotator
# rewrites a file only when its content changes, so after an edit only the
# copies that really changed are compiled again.
#
# The includer sets, before including this file:
#   FRACTURE_ANNOTATE_EXECUTABLE   path (or target name) of fracture-annotate
#   FRACTURE_ANNOTATE_INCLUDE_DIR  the directory holding fracture/fracture.h
#   FRACTURE_ANNOTATE_LIBRARY      the target to link (Fracture::fracture)

include_guard(GLOBAL)

# Where an annotated FILE's copy lands under OUTDIR: the annotator's own
# rule ("./" and "/" in front dropped, every ".." component made "__"), so
# that the build knows its outputs without running it.
function(_fracture_mapped_path file out)
  string(REGEX REPLACE "^(\\./)+" "" p "${file}")
  string(REGEX REPLACE "^/+" "" p "${p}")
  string(REPLACE "/" ";" parts "${p}")
  set(mapped "")
  foreach(part IN LISTS parts)
    if(part STREQUAL "..")
      set(part "__")
    endif()
    list(APPEND mapped "${part}")
  endforeach()
  string(REPLACE ";" "/" mapped "${mapped}")
  set(${out} "${mapped}" PARENT_SCOPE)
endfunction()

function(fracture_add_executable name)
  cmake_parse_arguments(PARSE_ARGV 1 FA "" ""
    "SOURCES;INCLUDE_DIRECTORIES;COMPILE_DEFINITIONS;LINK_LIBRARIES;SPEC")
  if(FA_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "fracture_add_executable(${name}): unknown arguments: ${FA_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT FA_SOURCES)
    message(FATAL_ERROR "fracture_add_executable(${name}): no SOURCES")
  endif()
  foreach(v FRACTURE_ANNOTATE_EXECUTABLE FRACTURE_ANNOTATE_INCLUDE_DIR FRACTURE_ANNOTATE_LIBRARY)
    if(NOT ${v})
      message(FATAL_ERROR "fracture_add_executable(${name}): ${v} is not set; "
        "use find_package(Fracture) rather than including FractureAnnotate.cmake alone")
    endif()
  endforeach()

  set(outdir ${CMAKE_CURRENT_BINARY_DIR}/${name}.fracture)
  set(files "")          # as given to the annotator: relative to the source dir
  set(originals "")
  set(generated "")
  set(headers "")
  foreach(src IN LISTS FA_SOURCES)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    if(abs MATCHES "\\.(h|hh|inc)$")
      list(APPEND headers ${abs})
      continue()
    endif()
    file(RELATIVE_PATH rel ${CMAKE_CURRENT_SOURCE_DIR} ${abs})
    _fracture_mapped_path("${rel}" mapped)
    get_filename_component(dir ${abs} DIRECTORY)
    set(gen ${outdir}/${mapped})
    list(APPEND files ${rel})
    list(APPEND originals ${abs})
    list(APPEND generated ${gen})
    # The copy keeps its `#include "x.h"` lines: they must still find the
    # original's neighbours.
    set_source_files_properties(${gen} PROPERTIES GENERATED TRUE
      COMPILE_OPTIONS "-iquote;${dir}")
  endforeach()
  set(specs "")
  set(specargs "")
  foreach(spec IN LISTS FA_SPEC)
    get_filename_component(abs "${spec}" ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND specs ${abs})
    list(APPEND specargs --spec ${abs})
  endforeach()
  set(app_c ${outdir}/fracture_app.c)
  set(stamp ${outdir}/.stamp)
  set_source_files_properties(${app_c} ${stamp} PROPERTIES GENERATED TRUE)

  add_executable(${name} ${generated} ${app_c} ${stamp} ${headers})
  target_include_directories(${name} PRIVATE ${FA_INCLUDE_DIRECTORIES})
  target_compile_definitions(${name} PRIVATE ${FA_COMPILE_DEFINITIONS})
  target_link_libraries(${name} PRIVATE ${FRACTURE_ANNOTATE_LIBRARY} ${FA_LINK_LIBRARIES})

  # The annotator parses as the compiler will compile: the target's include
  # directories and definitions (its own and those its libraries carry), the
  # -D/-U/-I among its compile options, and its -std.  Warning flags stay
  # out: a warning made an error must not stop the annotator.
  set(std "$<TARGET_PROPERTY:${name},C_STANDARD>")
  set(ext "$<TARGET_PROPERTY:${name},C_EXTENSIONS>")
  # CMake's own default is extensions on: gnu11 for C_STANDARD 11.
  set(std_flag "$<$<BOOL:${std}>:-std=$<IF:$<OR:$<STREQUAL:${ext},>,$<BOOL:${ext}>>,gnu,c>${std}>")
  set(incs "$<TARGET_PROPERTY:${name},INCLUDE_DIRECTORIES>")
  set(defs "$<TARGET_PROPERTY:${name},COMPILE_DEFINITIONS>")
  set(opts "$<FILTER:$<TARGET_PROPERTY:${name},COMPILE_OPTIONS>,INCLUDE,^-([DUI].|std=)>")

  if(TARGET ${FRACTURE_ANNOTATE_EXECUTABLE})
    set(annotator $<TARGET_FILE:${FRACTURE_ANNOTATE_EXECUTABLE}>)
  else()
    set(annotator ${FRACTURE_ANNOTATE_EXECUTABLE})
  endif()

  # An edited header must annotate again.  Makefile generators scan the
  # originals' #include lines themselves; other generators (Ninja) read the
  # depfile the annotator writes: every file the sources read.
  set(depargs "")
  set(depflags "")
  if(CMAKE_GENERATOR MATCHES "Make")
    foreach(o IN LISTS originals specs)
      list(APPEND depargs C ${o})
    endforeach()
    set(depargs IMPLICIT_DEPENDS ${depargs})
  else()
    # The rule's target must be the stamp as Ninja names it: relative to the
    # top build directory, unless CMake rewrites depfiles itself (CMP0116).
    cmake_policy(GET CMP0116 depfile_policy)
    if(depfile_policy STREQUAL "NEW")
      set(deptarget ${stamp})
    else()
      file(RELATIVE_PATH deptarget ${CMAKE_BINARY_DIR} ${stamp})
    endif()
    set(depargs DEPFILE ${outdir}/fracture.d)
    set(depflags --depfile ${outdir}/fracture.d --depfile-target ${deptarget})
  endif()

  # The copies are byproducts of a stamp.  The annotator leaves a copy
  # alone when its content is the same, so an unchanged copy keeps its old
  # mtime and is not compiled again; were the copies the OUTPUT, being older
  # than the edited source they would run the rule on every build.
  add_custom_command(
    OUTPUT ${stamp}
    BYPRODUCTS ${generated} ${app_c} ${outdir}/fracture.json
    COMMAND ${annotator} -o ${outdir} --app-name ${name} ${depflags}
      --fracture-include ${FRACTURE_ANNOTATE_INCLUDE_DIR} ${specargs}
      ${files}
      -- ${std_flag} "$<$<BOOL:${incs}>:-I$<JOIN:${incs},;-I>>"
      "$<$<BOOL:${defs}>:-D$<JOIN:${defs},;-D>>" ${opts}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${originals} ${headers} ${specs} ${annotator}
    ${depargs}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Annotating ${name}"
    COMMAND_EXPAND_LISTS
    VERBATIM)
endfunction()
