#!/usr/bin/env bash
# Training speed and memory, side by side in one run: PretrainLab's engine and the PyTorch peer
# (Debian's python3-torch, AdamW, random tokens), on the same configurations and threads, for the
# decoder (next token) and the encoder (masked LM). Also measures the sgemm ceiling of this
# machine in the same run. Prints a table with tokens/s, ratios, GFLOP/s and peak memory, checks
# the targets, and writes build/bench/train_vs_pytorch.json.
#
#   bench/train_vs_pytorch.sh [--threads N] [--configs "tiny small medium"] [--peer PATH]
#
# The peer script defaults to ../shared/anchors/torch_tiny_gpt.py beside the project
# (PRETRAINLAB_TORCH_PEER or --peer override it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
threads=2
configs="tiny small medium"
peer="${PRETRAINLAB_TORCH_PEER:-$PROJECT_ROOT/../shared/anchors/torch_tiny_gpt.py}"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --configs) configs="$2"; shift 2 ;;
    --peer) peer="$2"; shift 2 ;;
    *) echo "bench/train_vs_pytorch.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -f "$peer" ]; then
  echo "bench/train_vs_pytorch.sh: the PyTorch peer script is not at $peer (set --peer PATH)" >&2
  exit 2
fi

install_dependencies
install_packages python3-torch
configure_and_build

work="$BUILD_DIR/bench/train"
mkdir -p "$work"
cli="$BUILD_DIR/bin/pretrainlab-cli"
results="$work/runs.jsonl"
: > "$results"

log "sgemm ceiling with $threads threads"
"$BUILD_DIR/bin/bench_sgemm_peak" --threads "$threads" | tee "$work/sgemm.json"

for config in $configs; do
  for arch in decoder encoder; do
    # The peer times 30 steps after 5 warm-up steps; the CLI leaves its first 5 of 35 out.
    log "$config $arch: PretrainLab"
    ours=$("$cli" train --arch "$arch" --config "$config" --steps 35 --threads "$threads" --random-data \
      --log-every 1000 | tail -n 1)
    echo "$ours"
    log "$config $arch: PyTorch"
    mlm=()
    if [ "$arch" = encoder ]; then mlm=(--mlm); fi
    torch=$(/usr/bin/python3 "$peer" --config "$config" --threads "$threads" "${mlm[@]}")
    echo "$torch"
    printf '{"config":"%s","arch":"%s","ours":%s,"torch":%s}\n' "$config" "$arch" "$ours" "$torch" >> "$results"
  done
done

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
sgemm = json.load(open(f"{work}/sgemm.json"))["gflops"]
runs = [json.loads(line) for line in open(f"{work}/runs.jsonl")]
speed_target = {"tiny": 3.0, "small": 2.0, "medium": 1.5}
missed = []
print()
print(f"sgemm ceiling: {sgemm:.0f} GFLOP/s ({json.load(open(f'{work}/sgemm.json'))['threads']} threads)")
print(f"{'config':7} {'arch':8} {'ours tok/s':>11} {'torch tok/s':>11} {'ratio':>6} {'target':>6} "
      f"{'ours GF/s':>9} {'% sgemm':>7} {'ours MB':>7} {'torch MB':>8}")
for r in runs:
    o, t = r["ours"], r["torch"]
    ratio = o["tokens_per_s"] / t["tokens_per_s"]
    share = 100 * o["gflops"] / sgemm
    target = speed_target[r["config"]]
    marks = []
    if ratio < target:
        marks.append("speed")
    if r["config"] == "medium" and share < 50:
        marks.append("sgemm share")
    if o["peak_rss_mb"] > t["peak_rss_mb"]:
        marks.append("memory")
    if marks:
        missed.append(f"{r['config']} {r['arch']}: {', '.join(marks)}")
    print(f"{r['config']:7} {r['arch']:8} {o['tokens_per_s']:11.0f} {t['tokens_per_s']:11.0f} {ratio:5.2f}x "
          f"{target:5.1f}x {o['gflops']:9.1f} {share:6.0f}% {o['peak_rss_mb']:7.0f} {t['peak_rss_mb']:8.0f}"
          + ("   MISSED: " + ", ".join(marks) if marks else ""))
json.dump({"sgemm_gflops": sgemm, "runs": runs, "missed": missed}, open(f"{work}/../train_vs_pytorch.json", "w"), indent=1)
print()
print("targets: tokens/s ratio as listed; medium at least 50% of the sgemm ceiling; peak memory at most PyTorch's")
print("all targets met" if not missed else "missed: " + "; ".join(missed))
PY
