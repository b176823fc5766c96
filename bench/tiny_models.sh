#!/usr/bin/env bash
# The attention lesson's "Train tiny models": each tiny model's recipe (core/train/tiny_models.cpp)
# and the encoder's earlier ones on nine seeds, then the other variants tried (length, peak,
# warmup, the weights' σ at the start, clipping, post-LN, β1, β2, weight decay, batch) on seeds
# 2, 4 and 6, where the recipe before the last stayed on the plateau, 2 threads: the training
# steps' wall time, the held-out loss every 250 steps and the probes at the end
# (bench_tiny_models). A seed stands in for another machine's thread count, which changes the
# run as much. Then the button's whole work (both models, toy world and tokenizer included) with
# the recipes and with the earlier ones, in turn, three rounds. Writes
# build/bench/tiny_models.jsonl and prints two tables.
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
  "$bench" "$@" --seeds 1,2,3,4,5,6,7,8,9 --only "(the earlier recipe)"
  "$bench" "$@" --seeds 1,2,3,4,5,6,7,8,9 --only "(the one before)"
  for variant in "2000 steps" "2500 steps" "1500 steps" "1200 steps" "5e-4" "beta2" "weight decay" "batch 32" \
      "decoder, 600"; do
    "$bench" "$@" --seeds 2,4,6 --only "$variant"
  done
  "$bench" "$@" --button 3
} | tee "$out"
python3 - "$out" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print()
print(f"{'run':60} {'seed':>4} {'train s':>8} {'held-out':>9} {'syntax':>7} {'coref':>7} {'common':>7}")
for r in runs:
    if "button" in r:
        continue
    p = r["probes"]
    print(f"{r['name']:60} {r['seed']:>4} {r['train_s']:8.1f} {r['held_out'][-1][1]:9.3f} "
          f"{p['syntax']:7.2f} {p['coreference']:7.2f} {p['commonsense']:7.2f}")
print()
print("the button, earlier recipes then the recipes, in turn:")
earlier = [r for r in runs if r.get("button") == "earlier"]
now = [r for r in runs if r.get("button") == "recipes"]
for a, b in zip(earlier, now):
    print(f"round {a['round']}: {a['total_s']:.1f} s against {b['total_s']:.1f} s ({b['total_s'] / a['total_s']:.2f}x)")
PY
