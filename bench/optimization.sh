#!/usr/bin/env bash
# The Optimization lesson's targets, measured in one run under Xvfb at 1280x720: the playground's
# frame rate with five optimizers (target 60 frames a second), and each live experiment's time
# from its tab (target: under a minute) with the UI thread's lateness meanwhile (p99 under 16 ms).
# No peer tool runs these lessons; the figures stand against their targets. Writes
# build/bench/optimization.jsonl.
#
#   bench/optimization.sh [--playground-only | --experiment NAME]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
install_dependencies
configure_and_build
mkdir -p "$BUILD_DIR/bench"
xvfb-run --auto-servernum --server-args="-screen 0 1280x720x24 -dpi 96" env QT_QPA_PLATFORM=xcb \
  "$BUILD_DIR/bin/bench_optimization_ui" "$@" 2>/dev/null | tee "$BUILD_DIR/bench/optimization.jsonl"
