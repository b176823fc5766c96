# What installing puts in place (relative to the prefix), and the two checks the install test and
# the package test both make of it. Include it from a -P script.
set(app_id org.pretrainlab.PretrainLab)
set(installed_files
  bin/pretrainlab
  bin/pretrainlab-cli
  share/applications/${app_id}.desktop
  share/metainfo/${app_id}.metainfo.xml
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
