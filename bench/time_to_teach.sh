#!/usr/bin/env bash
# Time to teach: from the start of `pretrainlab-cli train --corpus builtin:toyworld --probes` with
# the default settings until the held-out probes reach the lecture's marks (syntax, coreference
# and commonsense 0.9, knowledge 0.7), for the tiny decoder and the tiny encoder on three seeds
# each; then the experiment that chose the defaults (the starting σ, the run length for which the
# cosine schedule decays, the peak rate). Wall seconds include evaluating the probes every 25
# steps, as the app does. A run stops once it has reached every mark; one that never does runs to
# its end. Writes build/bench/time_to_teach.json.
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

runs=("decoder, defaults, seed 0|--seed 0" "decoder, defaults, seed 1|--seed 1" "decoder, defaults, seed 2|--seed 2"
      "encoder, defaults, seed 0|--arch encoder --seed 0" "encoder, defaults, seed 1|--arch encoder --seed 1"
      "encoder, defaults, seed 2|--arch encoder --seed 2")
if $experiment; then
  runs+=("decoder, the earlier defaults (3000 steps, σ 0.02)|--steps 3000 --init-std 0.02"
         "decoder, σ 0.02|--init-std 0.02" "decoder, 3000 steps|--steps 3000"
         "decoder, lr 3e-3|--lr 0.003"
         "encoder, the earlier defaults (3000 steps, σ 0.02)|--arch encoder --steps 3000 --init-std 0.02"
         "encoder, 3000 steps|--arch encoder --steps 3000" "encoder, 6000 steps|--arch encoder --steps 6000"
         "encoder, σ 0.02|--arch encoder --init-std 0.02" "encoder, lr 3e-3|--arch encoder --lr 0.003"
         "encoder, 40% masked|--arch encoder --mask-rate 0.4")
fi
python3 - "$BUILD_DIR/bin/pretrainlab-cli" "$work/../time_to_teach.json" "${runs[@]}" <<'PY'
import json, shlex, subprocess, sys

cli, out, entries = sys.argv[1], sys.argv[2], sys.argv[3:]
marks = {"syntax": 0.9, "coreference": 0.9, "commonsense": 0.9, "knowledge": 0.7}
runs = []
for entry in entries:
    name, flags = entry.split("|", 1)
    command = [cli, "train", "--corpus", "builtin:toyworld", "--probes", "--log-every", "25"] + shlex.split(flags)
    print(f"==> {name}: {' '.join(command[1:])}", flush=True)
    first, last, stopped = {}, None, False
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for text in process.stdout:
            line = json.loads(text)
            if "elapsed_s" not in line:
                continue
            last = line
            for category, mark in marks.items():
                if category not in first and line["probes"][category] >= mark:
                    first[category] = {"s": line["elapsed_s"], "step": line["step"]}
            if len(first) == len(marks):
                process.terminate()
                stopped = True
                break
        process.wait()
    if process.returncode != 0 and not stopped:
        sys.exit(f"bench/time_to_teach.sh: {name}: pretrainlab-cli train exited with {process.returncode}")
    if last is None:
        sys.exit(f"bench/time_to_teach.sh: {name}: pretrainlab-cli train logged no step")
    reached = max(first.values(), key=lambda f: f["s"]) if len(first) == len(marks) else None
    run = {"name": name, "flags": flags, "first": first, "all_marks": reached,
           "until_s": last["elapsed_s"], "until_step": last["step"], "last_probes": last["probes"]}
    runs.append(run)
    print(json.dumps(run), flush=True)

print()
print(f"{'run':52} {'syntax':>12} {'coref':>12} {'common':>12} {'knowl':>12} {'all marks':>12}")
cell = lambda f: f"{f['s']:5.1f} s/{f['step']:>5}" if f else f"{'-':>12}"
for r in runs:
    t = r["first"]
    whole = cell(r["all_marks"]) if r["all_marks"] else f"never ({r['until_step']} steps, {r['until_s']:.0f} s)"
    print(f"{r['name']:52} {cell(t.get('syntax'))} {cell(t.get('coreference'))} {cell(t.get('commonsense'))} "
          f"{cell(t.get('knowledge'))} {whole}")
json.dump(runs, open(out, "w"), indent=1)
ok = True
for arch in ("decoder", "encoder"):
    defaults = [r for r in runs if r["name"].startswith(f"{arch}, defaults")]
    worst = max((r["all_marks"]["s"] if r["all_marks"] else float("inf")) for r in defaults)
    passed = worst < 20
    ok = ok and passed
    print(f"{arch} with the defaults: every mark within {worst:.1f} s on every seed (target < 20 s)   "
          f"{'PASS' if passed else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
