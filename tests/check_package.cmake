# Builds the Debian package from this build with CPack into a scratch folder and checks it as a
# user's apt would see it: its control fields and declared dependencies (read off the binaries,
# plus Qt's platform plugins), the files it unpacks (dpkg-deb -x), the desktop entry passing its
# validator with a command and an icon that the package holds, and the unpacked binaries starting.
foreach(var BUILD_DIR SCRATCH)
  if(NOT ${var})
    message(FATAL_ERROR "pass -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${SCRATCH}")
file(MAKE_DIRECTORY "${SCRATCH}")
execute_process(COMMAND cpack --config "${BUILD_DIR}/CPackConfig.cmake" -G DEB -B "${SCRATCH}"
                WORKING_DIRECTORY "${BUILD_DIR}" RESULT_VARIABLE packed OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT packed EQUAL 0)
  message(FATAL_ERROR "cpack failed (${packed}):\n${out}")
endif()
file(GLOB debs "${SCRATCH}/pretrainlab_*.deb")
list(LENGTH debs count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected one pretrainlab_*.deb in ${SCRATCH}, found ${count}")
endif()
list(GET debs 0 deb)

function(field name result)
  execute_process(COMMAND dpkg-deb --field "${deb}" ${name} OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE read)
  if(NOT read EQUAL 0)
    message(FATAL_ERROR "dpkg-deb could not read the field ${name} of ${deb}")
  endif()
  set(${result} "${value}" PARENT_SCOPE)
endfunction()
field(Package package)
field(Version version)
field(Section section)
field(Depends depends)
if(NOT package STREQUAL "pretrainlab" OR NOT section STREQUAL "education" OR version STREQUAL "")
  message(FATAL_ERROR "control fields: Package '${package}', Version '${version}', Section '${section}'")
endif()
# Every library the binaries link comes from a package it depends on, and the platform plugins too.
foreach(needed libqt6widgets6 libqt6gui6 libqt6core6 libqcustomplot
               libpcre2-8 libutf8proc qt6-qpa-plugins)
  string(FIND "${depends}" "${needed}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "Depends does not name ${needed}: ${depends}")
  endif()
endforeach()
if(NOT depends MATCHES "libopenblas|libblas")
  message(FATAL_ERROR "Depends names no BLAS: ${depends}")
endif()

set(root "${SCRATCH}/root")
execute_process(COMMAND dpkg-deb -x "${deb}" "${root}" RESULT_VARIABLE unpacked)
if(NOT unpacked EQUAL 0)
  message(FATAL_ERROR "dpkg-deb -x failed (${unpacked})")
endif()
set(app_id org.pretrainlab.PretrainLab)
set(expected
  usr/bin/pretrainlab
  usr/bin/pretrainlab-cli
  usr/share/applications/${app_id}.desktop
  usr/share/metainfo/${app_id}.metainfo.xml
  usr/share/icons/hicolor/scalable/apps/${app_id}.svg
  usr/share/icons/hicolor/48x48/apps/${app_id}.png
  usr/share/pretrainlab/models/tiny-decoder.safetensors
  usr/share/pretrainlab/models/tiny-encoder.safetensors
  usr/share/pretrainlab/lecture/steps.json
  usr/share/doc/pretrainlab/README.md)
foreach(file IN LISTS expected)
  if(NOT EXISTS "${root}/${file}")
    message(FATAL_ERROR "the package does not hold ${file}")
  endif()
endforeach()
# Nothing outside /usr, nothing of the build or the tests.
file(GLOB_RECURSE held RELATIVE "${root}" "${root}/*")
foreach(file IN LISTS held)
  if(NOT file MATCHES "^usr/" OR file MATCHES "test_|bench_|/lib/lib.*\\.a$")
    message(FATAL_ERROR "the package should not hold ${file}")
  endif()
endforeach()

set(entry "${root}/usr/share/applications/${app_id}.desktop")
execute_process(COMMAND desktop-file-validate "${entry}" RESULT_VARIABLE valid OUTPUT_VARIABLE problems)
if(NOT valid EQUAL 0)
  message(FATAL_ERROR "desktop-file-validate: ${problems}")
endif()
file(STRINGS "${entry}" exec REGEX "^Exec=")
file(STRINGS "${entry}" icon REGEX "^Icon=")
string(REGEX REPLACE "^Exec=([^ ]+).*" "\\1" command "${exec}")
string(REGEX REPLACE "^Icon=" "" icon "${icon}")
if(NOT EXISTS "${root}/usr/bin/${command}")
  message(FATAL_ERROR "the menu's command '${command}' is not in the package's /usr/bin")
endif()
if(NOT EXISTS "${root}/usr/share/icons/hicolor/scalable/apps/${icon}.svg")
  message(FATAL_ERROR "the menu's icon '${icon}' is not in the package")
endif()
foreach(binary pretrainlab pretrainlab-cli)
  execute_process(COMMAND "${root}/usr/bin/${binary}" --help RESULT_VARIABLE ran OUTPUT_QUIET ERROR_QUIET)
  if(NOT ran EQUAL 0)
    message(FATAL_ERROR "the packaged ${binary} does not start (--help exited ${ran})")
  endif()
endforeach()
message(STATUS "${deb}: Depends: ${depends}")
