#!/usr/bin/env bash
# Time to teach: from the start of `pretrainlab-cli train --corpus builtin:toyworld --probes` with
# the default settings until the held-out probes reach the lecture's marks (syntax, coreference
# and commonsense 0.9, knowledge 0.7), for the tiny decoder and the tiny encoder on three seeds
# each; then the experiments that chose the defaults (the starting σ, the run length for which the
# cosine schedule decays, the peak rate in the first; Adam's β₂ with the starting σ, the peak
# rate, the weight decay and the batch in the second, on three seeds as the encoder's time varies
# from seed to seed by half). Wall seconds include evaluating the probes every 25 steps, as the
# app does. A run stops once it has reached every mark; one that never does runs to its end.
# Writes build/bench/time_to_teach.json.
#
#   bench/time_to_teach.sh [--experiment all|start|adam|none]
#     start: the experiment that chose σ 0.07 and 12,000 steps (seed 0; with β₂ 0.999, as it ran)
#     adam:  the one that chose β₂ 0.95 and σ 0.1 (seeds 0, 1, 2)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
experiment=all
if [ "${1:-}" = "--experiment" ]; then experiment="${2:?--experiment all, start, adam or none}"; fi
case "$experiment" in all|start|adam|none) ;; *) echo "bench/time_to_teach.sh: --experiment all, start, adam or none" >&2; exit 2;; esac
install_dependencies
install_packages python3
configure_and_build
work="$BUILD_DIR/bench/teach"
mkdir -p "$work"

# name|flags; the defaults' rows first
runs=()
for arch in decoder encoder; do
  for seed in 0 1 2; do runs+=("$arch, defaults, seed $seed|--arch $arch --seed $seed"); done
done
if [ "$experiment" = all ] || [ "$experiment" = start ]; then
  earlier="--beta2 0.999 --init-std 0.07"
  runs+=("decoder, the earlier defaults (3000 steps, σ 0.02)|--steps 3000 --init-std 0.02 --beta2 0.999"
         "decoder, σ 0.02|--init-std 0.02 --beta2 0.999" "decoder, 3000 steps|--steps 3000 $earlier"
         "decoder, lr 3e-3|--lr 0.003 $earlier"
         "encoder, the earlier defaults (3000 steps, σ 0.02)|--arch encoder --steps 3000 --init-std 0.02 --beta2 0.999"
         "encoder, 3000 steps|--arch encoder --steps 3000 $earlier"
         "encoder, 6000 steps|--arch encoder --steps 6000 $earlier"
         "encoder, σ 0.02|--arch encoder --init-std 0.02 --beta2 0.999" "encoder, lr 3e-3|--arch encoder --lr 0.003 $earlier"
         "encoder, 40% masked|--arch encoder --mask-rate 0.4 $earlier")
fi
if [ "$experiment" = all ] || [ "$experiment" = adam ]; then
  for seed in 0 1 2; do
    runs+=("decoder, β₂ 0.999, σ 0.07 (the earlier defaults), seed $seed|--beta2 0.999 --init-std 0.07 --seed $seed"
           "encoder, β₂ 0.999, σ 0.07 (the earlier defaults), seed $seed|--arch encoder --beta2 0.999 --init-std 0.07 --seed $seed"
           "encoder, σ 0.07, seed $seed|--arch encoder --init-std 0.07 --seed $seed"
           "encoder, σ 0.07, β₂ 0.9, seed $seed|--arch encoder --init-std 0.07 --beta2 0.9 --seed $seed"
           "encoder, σ 0.07, lr 1.5e-3, seed $seed|--arch encoder --init-std 0.07 --lr 0.0015 --seed $seed"
           "encoder, σ 0.07, lr 1.5e-3, no weight decay, seed $seed|--arch encoder --init-std 0.07 --lr 0.0015 --weight-decay 0 --seed $seed"
           "encoder, σ 0.07, lr 1.5e-3, β₂ 0.98, seed $seed|--arch encoder --init-std 0.07 --lr 0.0015 --beta2 0.98 --seed $seed"
           "encoder, σ 0.05, lr 1.5e-3, seed $seed|--arch encoder --init-std 0.05 --lr 0.0015 --seed $seed"
           "encoder, lr 1.5e-3, seed $seed|--arch encoder --lr 0.0015 --seed $seed"
           "encoder, σ 0.14, seed $seed|--arch encoder --init-std 0.14 --seed $seed"
           "encoder, σ 0.07, batch 8, seed $seed|--arch encoder --init-std 0.07 --batch 8 --seed $seed")
  done
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

# The runs on several seeds, by setting: every mark on each seed, and the slowest.
groups = {}
for r in runs:
    setting, _, seed = r["name"].rpartition(", seed ")
    if setting and seed.isdigit():
        groups.setdefault(setting, []).append(r)
if any(len(g) > 1 for g in groups.values()):
    print()
    print(f"{'setting':56} {'all marks, seed by seed':32} {'slowest':>8}")
    for setting, group in groups.items():
        times = [g["all_marks"]["s"] if g["all_marks"] else None for g in group]
        text = " / ".join(f"{t:.1f}" if t is not None else "never" for t in times)
        slowest = "never" if None in times else f"{max(times):.1f} s"
        print(f"{setting:56} {text:32} {slowest:>8}")
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
