#!/usr/bin/env bash
# Time to teach: from the start of `pretrainlab-cli train --corpus builtin:toyworld --probes` with
# the default settings until the held-out probes reach the lecture's marks (syntax, coreference
# and commonsense 0.9, knowledge 0.7), for the tiny decoder on three seeds and the tiny encoder;
# then the experiment that chose the defaults (peak rate and run length, for which the cosine
# schedule decays). Wall seconds include evaluating the probes every 25 steps, as the app does.
# Writes build/bench/time_to_teach.json.
#
#   bench/time_to_teach.sh [--no-experiment]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
experiment=true
if [ "${1:-}" = "--no-experiment" ]; then experiment=false; fi
install_dependencies
install_packages python3
configure_and_build
work="$BUILD_DIR/bench/teach"
mkdir -p "$work"
cli="$BUILD_DIR/bin/pretrainlab-cli"

runs=("decoder, defaults, seed 0|--seed 0" "decoder, defaults, seed 1|--seed 1" "decoder, defaults, seed 2|--seed 2"
      "encoder, defaults|--arch encoder")
if $experiment; then
  runs+=("decoder, 1000 steps|--steps 1000" "decoder, 1000 steps, lr 3e-3|--steps 1000 --lr 0.003"
         "decoder, 1000 steps, constant rate|--steps 1000 --schedule constant"
         "decoder, lr 3e-3|--lr 0.003" "encoder, 1000 steps|--arch encoder --steps 1000"
         "encoder, lr 1e-3|--arch encoder --lr 0.001" "encoder, sentence pairs|--arch encoder --nsp"
         "encoder, context 16, batch 64|--arch encoder --ctx 16 --batch 64")
fi
: > "$work/runs.txt"
for entry in "${runs[@]}"; do
  name=${entry%%|*}
  flags=${entry#*|}
  log "$name: train --corpus builtin:toyworld --probes $flags"
  # shellcheck disable=SC2086
  "$cli" train --corpus builtin:toyworld --probes --log-every 25 $flags > "$work/run.jsonl"
  python3 - "$name" "$work/run.jsonl" >> "$work/runs.txt" <<'PY'
import json, sys
marks = {"syntax": 0.9, "coreference": 0.9, "commonsense": 0.9, "knowledge": 0.7}
lines = [json.loads(l) for l in open(sys.argv[2]) if '"elapsed_s"' in l]
first = {}
for line in lines:
    for category, mark in marks.items():
        if category not in first and line["probes"][category] >= mark:
            first[category] = line["elapsed_s"]
reached = max(first.values()) if len(first) == len(marks) else None
print(json.dumps({"name": sys.argv[1], "seconds_to_mark": first, "all_marks_s": reached,
                  "run_s": lines[-1]["elapsed_s"], "steps": lines[-1]["step"], "last_probes": lines[-1]["probes"]}))
PY
  tail -n 1 "$work/runs.txt"
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
runs = [json.loads(l) for l in open(f"{work}/runs.txt")]
print()
print(f"{'run':36} {'syntax':>7} {'coref':>7} {'common':>7} {'knowl':>7} {'all':>7} {'run':>6}")
for r in runs:
    t = r["seconds_to_mark"]
    cell = lambda k: f"{t[k]:7.1f}" if k in t else f"{'-':>7}"
    total = f"{r['all_marks_s']:7.1f}" if r["all_marks_s"] is not None else f"{'never':>7}"
    print(f"{r['name']:36} {cell('syntax')} {cell('coreference')} {cell('commonsense')} {cell('knowledge')} {total} {r['run_s']:6.1f}")
defaults = [r for r in runs if r["name"].startswith("decoder, defaults")]
worst = max((r["all_marks_s"] or float("inf")) for r in defaults)
ok = worst < 20
print(f"decoder with the defaults: every mark within {worst:.1f} s on every seed (target < 20 s)   {'PASS' if ok else 'FAIL'}")
json.dump(runs, open(f"{work}/../time_to_teach.json", "w"), indent=1)
sys.exit(0 if ok else 1)
PY
