#!/usr/bin/env bash
# The Tokenization lesson's jump to merge N (BPE and WordPiece, traced as the lesson traces them)
# against the same merges made by the engine untraced, on the King James Bible five times (~20 MB),
# as a ratio in one run.
#
#   bench/bpe_jump.sh [MERGES]   (default 30000)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
merges="${1:-30000}"
install_dependencies
install_packages bible-kjv
configure_and_build
work="$BUILD_DIR/bench/bpe-jump"
mkdir -p "$work"
corpus="$work/kjv5.txt"
if [ ! -s "$corpus" ]; then
  bible -f "Gen1:1-Rev22:21" | sed 's/^[^ ]* //' > "$work/kjv1.txt"
  for _ in 1 2 3 4 5; do cat "$work/kjv1.txt"; done > "$corpus"
fi
"$BUILD_DIR/bin/bench_bpe_jump" "$corpus" "$merges" | tee "$BUILD_DIR/bench/bpe_jump.json"
