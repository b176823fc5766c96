#!/usr/bin/env bash
# Builds the Debian package: a Release build for any x86-64 CPU (no -march=native) in
# build-package/, then CPack. Prints the package's path; install it with
#   sudo apt install ./build-package/package/pretrainlab_*.deb
# and start PretrainLab from the desktop's menu (Education), or run `pretrainlab`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_dependencies
dir="${PRETRAINLAB_PACKAGE_DIR:-$PROJECT_ROOT/build-package}"
log "configuring a portable Release build in $dir"
cmake -S "$PROJECT_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPRETRAINLAB_NATIVE=OFF \
  -DBUILD_TESTING=OFF >/dev/null
log "building the app and the command line"
cmake --build "$dir" -j "$JOBS" --target pretrainlab pretrainlab-cli
log "packaging"
rm -f "$dir"/package/*.deb
(cd "$dir" && cpack -G DEB >/dev/null)
ls "$dir"/package/*.deb
