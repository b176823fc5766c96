#!/usr/bin/env bash
# Installs what is missing, builds Release into build/, and runs every test through CTest
# (GUI tests on Qt's offscreen platform). Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
install_dependencies
configure_and_build
log "running the tests"
cd "$BUILD_DIR"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --parallel "$JOBS" "$@"
