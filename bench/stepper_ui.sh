#!/usr/bin/env bash
# The Tokenization lesson's step on a 1 MB corpus, measured from the click to the repainted page
# (offscreen, 1280x720): median, 95th percentile and worst, against a 60 Hz frame (16.7 ms).
#
#   bench/stepper_ui.sh [STEPS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
steps="${1:-300}"
install_dependencies
install_packages bible-kjv python3
configure_and_build
work="$BUILD_DIR/bench/stepper"
mkdir -p "$work"
corpus="$work/kjv-1mb.txt"
if [ ! -s "$corpus" ]; then
  bible -f "Gen1:1-Rev22:21" | sed 's/^[^ ]* //' | head -c 1000000 > "$corpus"
fi
result=$(QT_QPA_PLATFORM=offscreen "$BUILD_DIR/bin/bench_stepper_ui" "$corpus" "$steps" 2>/dev/null)
echo "$result"
python3 - "$result" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
frame = 1000 / 60
for name in ("step_ms_median", "step_ms_p95", "back_ms_median", "back_ms_p95"):
    print(f"{name:16} {r[name]:7.2f} ms  = {r[name] / frame:4.2f} of a frame")
ok = r["step_ms_p95"] < frame and r["back_ms_p95"] < frame
print("PASS: a step repaints within a frame" if ok else "FAIL: a step takes longer than a frame")
sys.exit(0 if ok else 1)
PY
