# What installing puts in place (relative to the prefix), and the two checks the install test and
# the package test both make of it. Include it from a -P script.
set(app_id org.pretrainlab.PretrainLab)
set(installed_files
  bin/pretrainlab
  bin/pretrainlab-cli
  share/applications/${app_id}.desktop
  share/metainfo/${app_id}.metainfo.xml
  share/mime/packages/${app_id}.xml
  share/icons/hicolor/scalable/apps/${app_id}.svg
  share/pretrainlab/models/tiny-decoder.safetensors
  share/pretrainlab/models/tiny-decoder.json
  share/pretrainlab/models/tiny-encoder.safetensors
  share/pretrainlab/models/tiny-encoder.json
  share/pretrainlab/lecture/steps.json)
foreach(size 16 24 32 48 64 128 256)
  list(APPEND installed_files share/icons/hicolor/${size}x${size}/apps/${app_id}.png)
endforeach()

# Fails with `missing` and the file's path when one of installed_files is not under `prefix`.
function(expect_installed_files prefix missing)
  foreach(file IN LISTS installed_files)
    if(NOT EXISTS "${prefix}/${file}")
      message(FATAL_ERROR "${missing}${file}")
    endif()
  endforeach()
endfunction()

# Fails when `pretrainlab` or `pretrainlab-cli` in `bindir` does not answer --help.
function(expect_binaries_start bindir which)
  foreach(binary pretrainlab pretrainlab-cli)
    execute_process(COMMAND "${bindir}/${binary}" --help RESULT_VARIABLE ran OUTPUT_QUIET ERROR_QUIET)
    if(NOT ran EQUAL 0)
      message(FATAL_ERROR "the ${which} ${binary} does not start (--help exited ${ran})")
    endif()
  endforeach()
endfunction()

# Fails unless the MIME package under `prefix` makes *.pretrainlab a PretrainLab session
# (update-mime-database builds the type database in a scratch copy, as the desktop does).
function(expect_session_type prefix scratch)
  file(REMOVE_RECURSE "${scratch}")
  file(COPY "${prefix}/share/mime/packages" DESTINATION "${scratch}")
  find_program(UPDATE_MIME_DATABASE update-mime-database REQUIRED)
  # It notes on stderr that the scratch folder is not where applications look: not a problem.
  execute_process(COMMAND ${UPDATE_MIME_DATABASE} "${scratch}" RESULT_VARIABLE built ERROR_VARIABLE problems)
  if(NOT built EQUAL 0)
    message(FATAL_ERROR "update-mime-database: ${problems}")
  endif()
  file(STRINGS "${scratch}/globs2" globs REGEX "application/x-pretrainlab-session:\\*\\.pretrainlab")
  if(NOT globs)
    message(FATAL_ERROR "*.pretrainlab is not a PretrainLab session in the MIME database")
  endif()
endfunction()

