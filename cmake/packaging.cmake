# The Debian package (scripts/package.sh builds it): everything `cmake --install` puts in place,
# under /usr, with its dependencies read off the binaries by dpkg-shlibdeps, plus what the app
# needs at run time that no binary links: Qt's platform plugins (to open a window at all).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pretrainlab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR PretrainLab)
set(CPACK_PACKAGE_CONTACT "PretrainLab developers <pretrainlab@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "see how language models are pretrained and finetuned")
set(CPACK_PACKAGE_DESCRIPTION
    "PretrainLab shows how language models are pretrained and finetuned, one step at a time: BPE and WordPiece merge by merge, encoder and decoder attention, tiny transformers trained live, Adam and its schedules, and finetuning with and without pretraining. It comes with a lecture mode for teaching and a command line (pretrainlab-cli) for the same computations.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # pretrainlab_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-noto-color-emoji, fonts-droid-fallback")
include(CPack)

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/pretrainlab)
