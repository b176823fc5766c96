#!/usr/bin/env bash
# The byte-level encoder on one thread and on every core, side by side in one run, on ~50 MB of
# English (the King James Bible, 12 times): the speed of each, their ratio (target: at least 1.7
# on two cores), and whether the ids are the same (they must be). Each is the best of three.
# Writes build/bench/encode_threads.json.
#
#   bench/encode_threads.sh [--repeat N]   (N times the Bible; default 12)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
repeat=12
if [ "${1:-}" = "--repeat" ]; then repeat="$2"; fi

install_dependencies
install_packages bible-kjv python3
configure_and_build

work="$BUILD_DIR/bench/encode"
mkdir -p "$work"
corpus="$work/kjv${repeat}.txt"
if [ ! -s "$corpus" ]; then
  log "building the corpus: the King James Bible, verse labels stripped, $repeat times"
  bible -f "Gen1:1-Rev22:21" | sed 's/^[^ ]* //' > "$work/kjv1.txt"
  : > "$corpus"
  for _ in $(seq "$repeat"); do cat "$work/kjv1.txt" >> "$corpus"; done
fi
cli="$BUILD_DIR/bin/pretrainlab-cli"
if [ ! -s "$work/tokenizer.json" ]; then
  log "a byte-level BPE of 30,000 tokens trained on one copy"
  "$cli" bpe-train --input "$work/kjv1.txt" --vocab-size 30000 --byte-level --output "$work/tokenizer.json" > /dev/null
fi
cores=$(nproc)
for threads in 1 "$cores"; do
  : > "$work/stats-$threads.txt"
  for _ in 1 2 3; do
    "$cli" encode --threads "$threads" --tokenizer "$work/tokenizer.json" --input "$corpus" --stats \
      2>> "$work/stats-$threads.txt" > "$work/ids-$threads.txt"
  done
  log "$threads thread(s): $(tail -n 1 "$work/stats-$threads.txt")"
done
same=false
if cmp -s "$work/ids-1.txt" "$work/ids-$cores.txt"; then same=true; fi

python3 - "$work" "$cores" "$same" <<'PY'
import json, sys
work, cores, same = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "true"
best = {}
for threads in (1, cores):
    runs = [json.loads(line) for line in open(f"{work}/stats-{threads}.txt") if line.strip()]
    best[threads] = max(runs, key=lambda r: r["mb_per_s"])
ratio = best[cores]["mb_per_s"] / best[1]["mb_per_s"]
print(f"corpus {best[1]['bytes'] / 1e6:.1f} MB, {best[1]['tokens']} tokens")
print(f"{'threads':>8} {'MB/s':>8}")
for threads in (1, cores):
    print(f"{threads:8} {best[threads]['mb_per_s']:8.2f}")
ok = ratio >= 1.7 and same
print(f"{cores} threads / 1: {ratio:.2f} (target >= 1.7)   same ids: {same}   {'PASS' if ok else 'FAIL'}")
json.dump({"cores": cores, "one_thread": best[1], "all_threads": best[cores], "ratio": ratio, "same_ids": same},
          open(f"{work}/../encode_threads.json", "w"), indent=1)
sys.exit(0 if ok else 1)
PY
