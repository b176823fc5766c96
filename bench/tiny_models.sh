#!/usr/bin/env bash
# The attention lesson's "Train tiny models": each tiny model's recipe (core/train/tiny_models.cpp)
# and the encoder's earlier one (warmup 30) on nine seeds, then the other variants tried (length,
# peak, warmup, β2, weight decay, batch) on three, 2 threads: the training steps' wall time, the
# held-out loss every 250 steps and the probes at the end (bench_tiny_models). A seed stands in
# for another machine's thread count, which changes the run as much. Writes
# build/bench/tiny_models.jsonl and prints a table.
#
#   bench/tiny_models.sh [--threads N]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
install_dependencies
configure_and_build
mkdir -p "$BUILD_DIR/bench"
out="$BUILD_DIR/bench/tiny_models.jsonl"
bench="$BUILD_DIR/bin/bench_tiny_models"
{
  "$bench" "$@" --seeds 1,2,3,4,5,6,7,8,9 --only "the recipe"
  "$bench" "$@" --seeds 1,2,3,4,5,6,7,8,9 --only "encoder, 3000 steps, 1e-3, warmup 30"
  for variant in "2000 steps" "2500 steps" "1500 steps" "5e-4" "beta2" "weight decay" "batch 32" "decoder, 600"; do
    "$bench" "$@" --seeds 1,2,3 --only "$variant"
  done
} | tee "$out"
python3 - "$out" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print()
print(f"{'run':44} {'seed':>4} {'train s':>8} {'held-out':>9} {'syntax':>7} {'coref':>7} {'common':>7}")
for r in runs:
    p = r["probes"]
    print(f"{r['name']:44} {r['seed']:>4} {r['train_s']:8.1f} {r['held_out'][-1][1]:9.3f} "
          f"{p['syntax']:7.2f} {p['coreference']:7.2f} {p['commonsense']:7.2f}")
PY
