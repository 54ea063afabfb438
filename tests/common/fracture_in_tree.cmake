# fracture_in_tree.cmake - for a scratch project built by a test: this
# build's annotator, headers and libfracture as an installed package would
# provide them, then fracture_add_executable().  The project passes
# -DANNOTATOR= -DFRACTURE_LIB= -DFRACTURE_INC= -DFRACTURE_CMAKE=.
add_library(fracture_in_tree SHARED IMPORTED)
set_target_properties(fracture_in_tree PROPERTIES
  IMPORTED_LOCATION ${FRACTURE_LIB}
  INTERFACE_INCLUDE_DIRECTORIES "${FRACTURE_INC};${FRACTURE_INC}/fracture")
set(FRACTURE_ANNOTATE_EXECUTABLE ${ANNOTATOR})
set(FRACTURE_ANNOTATE_INCLUDE_DIR ${FRACTURE_INC})
set(FRACTURE_ANNOTATE_LIBRARY fracture_in_tree)
include(${FRACTURE_CMAKE}/FractureAnnotate.cmake)
