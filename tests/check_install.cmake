# Installs the build into a scratch prefix and checks what a desktop needs: both binaries, the
# desktop entry and the AppStream file (each passing its validator), the icon in every size, and
# the shipped tiny models (which the installed command line finetunes).
foreach(var BUILD_DIR PREFIX)
  if(NOT ${var})
    message(FATAL_ERROR "pass -D${var}=...")
  endif()
endforeach()
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE installed OUTPUT_QUIET)
if(NOT installed EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${installed})")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/installed_files.cmake)
expect_installed_files("${PREFIX}" "not installed: ")
expect_binaries_start("${PREFIX}/bin" installed)
expect_session_type("${PREFIX}" "${PREFIX}-mime")
# The installed command line finetunes the installed model.
execute_process(COMMAND "${PREFIX}/bin/pretrainlab-cli" finetune --from "${PREFIX}/share/pretrainlab/models/tiny-decoder.safetensors"
                        --steps 2 --labels 16 --threads 1
                RESULT_VARIABLE finetuned OUTPUT_QUIET ERROR_VARIABLE finetune_err)
if(NOT finetuned EQUAL 0)
  message(FATAL_ERROR "pretrainlab-cli finetune on the installed model failed: ${finetune_err}")
endif()
find_program(DESKTOP_FILE_VALIDATE desktop-file-validate REQUIRED)
find_program(APPSTREAMCLI appstreamcli REQUIRED)
execute_process(COMMAND ${DESKTOP_FILE_VALIDATE} "${PREFIX}/share/applications/${app_id}.desktop"
                RESULT_VARIABLE desktop OUTPUT_VARIABLE desktop_out ERROR_VARIABLE desktop_out)
if(NOT desktop EQUAL 0 OR desktop_out)
  message(FATAL_ERROR "desktop-file-validate: ${desktop_out}")
endif()
execute_process(COMMAND ${APPSTREAMCLI} validate --no-net "${PREFIX}/share/metainfo/${app_id}.metainfo.xml"
                RESULT_VARIABLE metainfo OUTPUT_VARIABLE metainfo_out ERROR_VARIABLE metainfo_out)
if(NOT metainfo EQUAL 0)
  message(FATAL_ERROR "appstreamcli validate: ${metainfo_out}")
endif()
message(STATUS "installed into ${PREFIX}: ${expected}; the desktop entry and the AppStream file validate")
