#!/usr/bin/env bash
# Training speed and memory, side by side in one run: PretrainLab's engine and the PyTorch peer
# (Debian's python3-torch, AdamW, random tokens), on the same configurations and threads, for the
# decoder (next token) and the encoder (masked LM). Also measures the sgemm ceiling of this
# machine in the same run (the faster of OpenBLAS sharing one product among the threads and
# Eigen's kernel on each thread, which training shards use). Each round runs ours, then the peer,
# timing enough steps for a second or more of each (the first 5 left out); the ratio is taken
# pair by pair and the median of the rounds reported. Prints a table with tokens/s, ratios,
# GFLOP/s and peak memory, checks the targets, and writes build/bench/train_vs_pytorch.json.
#
#   bench/train_vs_pytorch.sh [--threads N] [--configs "tiny small medium"] [--rounds N] [--peer PATH]
#
# The peer script defaults to ../shared/anchors/torch_tiny_gpt.py beside the project
# (PRETRAINLAB_TORCH_PEER or --peer override it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
threads=2
configs="tiny small medium"
rounds=5
peer="${PRETRAINLAB_TORCH_PEER:-$PROJECT_ROOT/../shared/anchors/torch_tiny_gpt.py}"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --configs) configs="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
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

# Timed steps per configuration: about a second or more of ours, several of the peer's.
steps_for() { case "$1" in tiny) echo 300 ;; small) echo 60 ;; *) echo 30 ;; esac; }
for round in $(seq 1 "$rounds"); do
  for config in $configs; do
    # The medium preset takes about a minute a pair: one round of it is enough to see the ratio.
    if [ "$config" = medium ] && [ "$round" -gt 1 ]; then continue; fi
    steps=$(steps_for "$config")
    for arch in decoder encoder; do
      log "round $round, $config $arch: PretrainLab ($steps timed steps)"
      ours=$("$cli" train --arch "$arch" --config "$config" --steps $((steps + 5)) --threads "$threads" --random-data \
        --log-every 100000 | tail -n 1)
      echo "$ours"
      log "round $round, $config $arch: PyTorch"
      mlm=()
      if [ "$arch" = encoder ]; then mlm=(--mlm); fi
      torch=$(/usr/bin/python3 "$peer" --config "$config" --threads "$threads" --steps "$steps" "${mlm[@]}")
      echo "$torch"
      printf '{"round":%d,"config":"%s","arch":"%s","ours":%s,"torch":%s}\n' "$round" "$config" "$arch" "$ours" "$torch" >> "$results"
    done
  done
done

python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
ceiling = json.load(open(f"{work}/sgemm.json"))
sgemm = ceiling["gflops"]
runs = [json.loads(line) for line in open(f"{work}/runs.jsonl")]
speed_target = {"tiny": 3.0, "small": 3.0}  # tokens/s against PyTorch's; medium: a share of the ceiling
share_target = {"medium": 85.0}
missed, rows = [], []
print()
print(f"sgemm ceiling: {sgemm:.0f} GFLOP/s on {ceiling['threads']} threads "
      f"(OpenBLAS sharing one product {ceiling['blas_gflops']:.0f}, Eigen's kernel on each thread {ceiling['eigen_gflops']:.0f})")
print(f"{'config':7} {'arch':8} {'rounds':>6} {'ours tok/s':>11} {'torch tok/s':>11} {'ratio':>6} {'target':>6} "
      f"{'ours GF/s':>9} {'% sgemm':>7} {'% blas':>6} {'ours MB':>7} {'torch MB':>8}")
for key in dict.fromkeys((r["config"], r["arch"]) for r in runs):
    pairs = [r for r in runs if (r["config"], r["arch"]) == key]
    ours = statistics.median(r["ours"]["tokens_per_s"] for r in pairs)
    torch = statistics.median(r["torch"]["tokens_per_s"] for r in pairs)
    ratio = statistics.median(r["ours"]["tokens_per_s"] / r["torch"]["tokens_per_s"] for r in pairs)
    gflops = statistics.median(r["ours"]["gflops"] for r in pairs)
    share = 100 * gflops / sgemm
    blas_share = 100 * gflops / ceiling["blas_gflops"] if ceiling["blas_gflops"] > 0 else 0
    ours_mb = max(r["ours"]["peak_rss_mb"] for r in pairs)
    torch_mb = min(r["torch"]["peak_rss_mb"] for r in pairs)
    config, arch = key
    marks = []
    if config in speed_target and ratio < speed_target[config]:
        marks.append("speed")
    if config in share_target and share < share_target[config]:
        marks.append("sgemm share")
    if ours_mb > torch_mb:
        marks.append("memory")
    if marks:
        missed.append(f"{config} {arch}: {', '.join(marks)}")
    target = f"{speed_target[config]:5.1f}x" if config in speed_target else f"{share_target.get(config, 0):4.0f}%"
    rows.append(dict(config=config, arch=arch, rounds=len(pairs), ours_tokens_per_s=ours, torch_tokens_per_s=torch,
                     ratio=ratio, gflops=gflops, sgemm_share=share, blas_share=blas_share, ours_mb=ours_mb, torch_mb=torch_mb))
    print(f"{config:7} {arch:8} {len(pairs):6d} {ours:11.0f} {torch:11.0f} {ratio:5.2f}x {target:>6} "
          f"{gflops:9.1f} {share:6.0f}% {blas_share:5.0f}% {ours_mb:7.0f} {torch_mb:8.0f}"
          + ("   MISSED: " + ", ".join(marks) if marks else ""))
json.dump({"sgemm": ceiling, "summary": rows, "runs": runs, "missed": missed},
          open(f"{work}/../train_vs_pytorch.json", "w"), indent=1)
print()
print("medians of the rounds (the ratio pair by pair); peak memory: our largest against PyTorch's smallest")
print("targets: tiny and small at least 3x PyTorch's tokens/s; medium at least 85% of the sgemm ceiling; "
      "peak memory at most PyTorch's")
print("all targets met" if not missed else "missed: " + "; ".join(missed))
PY
