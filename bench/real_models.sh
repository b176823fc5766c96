#!/usr/bin/env bash
# Real models on this machine, side by side with PyTorch in one run: random models of GPT-2
# small's and BERT-base's sizes in Hugging Face's layout (bench/make_real_size_models.py, made
# once under build/bench/real), opened and used by the engine (bench_real_models) and by
# PyTorch's eager forward of the same tensors on the same threads (bench/torch_real_models.py),
# in turn, three rounds. Reports medians, ratios pair by pair and the targets: opening GPT-2 small
# under 3 s, scoring 32 tokens under 0.3 s, generating at least 15 tokens/s, every attention map
# of 32 tokens for both models under 1 s, peak memory under 1.2 GB with both open. Writes
# build/bench/real_models.json.
#
#   bench/real_models.sh [--threads N] [--rounds N]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
threads=2
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) echo "bench/real_models.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
install_dependencies
install_packages python3-torch
configure_and_build
work="$BUILD_DIR/bench/real"
mkdir -p "$work"
if [ ! -f "$work/gpt2-small/model.safetensors" ] || [ ! -f "$work/bert-base/model.safetensors" ]; then
  log "writing random GPT-2 small and BERT-base models (about 900 MB)"
  /usr/bin/python3 "$PROJECT_ROOT/bench/make_real_size_models.py" "$work"
fi
: > "$work/runs.jsonl"
for round in $(seq 1 "$rounds"); do
  log "round $round: PretrainLab"
  ours=$(OPENBLAS_NUM_THREADS=$threads "$BUILD_DIR/bin/bench_real_models" "$work/gpt2-small" "$work/bert-base")
  echo "$ours"
  log "round $round: PyTorch"
  torch=$(/usr/bin/python3 "$PROJECT_ROOT/bench/torch_real_models.py" "$work/gpt2-small" "$work/bert-base" --threads "$threads")
  echo "$torch"
  printf '{"ours":%s,"torch":%s}\n' "$ours" "$torch" >> "$work/runs.jsonl"
done
python3 - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
runs = [json.loads(line) for line in open(f"{work}/runs.jsonl")]
# (key, what, target, whether more is better)
rows = [("open_gpt2_s", "open GPT-2 small (s)", 3.0, False), ("open_bert_s", "open BERT-base (s)", None, False),
        ("score_s", "score 32 tokens (s)", 0.3, False), ("generate_tokens_per_s", "generate (tokens/s)", 15.0, True),
        ("attention_s", "all attention maps, both (s)", 1.0, False), ("peak_mb", "peak memory, both open (MB)", 1200, False)]
missed, table = [], {}
print()
print(f"{'':32} {'ours':>9} {'PyTorch':>9} {'ours/PyTorch':>13} {'target':>8}")
for key, what, target, more in rows:
    ours = statistics.median(r["ours"][key] for r in runs)
    torch = statistics.median(r["torch"][key] for r in runs)
    ratio = statistics.median(r["ours"][key] / r["torch"][key] for r in runs)
    ok = target is None or (ours >= target if more else ours <= target)
    if not ok:
        missed.append(what)
    mark = "" if target is None else (f"{'≥' if more else '≤'}{target:g} " + ("PASS" if ok else "FAIL"))
    print(f"{what:32} {ours:9.3f} {torch:9.3f} {ratio:12.2f}× {mark:>8}")
    table[key] = {"ours": ours, "torch": torch, "ratio": ratio, "target": target}
json.dump({"rounds": len(runs), "figures": table}, open(f"{work}/../real_models.json", "w"), indent=1)
print("every target met" if not missed else "missed: " + ", ".join(missed))
sys.exit(1 if missed else 0)
PY
