#!/usr/bin/env bash
# Installs what is missing, builds Release into build/, and starts PretrainLab.
# Extra arguments go to the app (try --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_dependencies
configure_and_build
exec "$BUILD_DIR/bin/pretrainlab" "$@"
