# Installs cctv-age with `npm ci` (the version and integrity hash fixed by
# package-lock.json) and unpacks its vectors into DIR/vectors.
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})
foreach(f package.json package-lock.json cctv_extract.mjs)
  file(COPY ${SRC}/${f} DESTINATION ${DIR})
endforeach()
execute_process(
  COMMAND ${NPM} ci --no-audit --no-fund --ignore-scripts
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${rc}): the age test vectors come "
    "from the npm registry (package cctv-age)")
endif()
execute_process(
  COMMAND ${NODE} cctv_extract.mjs vectors
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "unpacking the age test vectors failed (${rc})")
endif()
