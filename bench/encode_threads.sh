#!/usr/bin/env bash
# The byte-level encoder on one thread and on every core, side by side in one run, on ~50 MB of
# English (the King James Bible, 12 times): the speed of each, their ratio (target: at least 1.7
# on two cores), and whether the ids are the same (they must be). Five pairs, run in turn; the
# ratio of the best of each, and each pair's.
# Writes build/bench/encode_threads.json.
#
#   bench/encode_threads.sh [--repeat N]   (N times the Bible; default 12)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/kjv_corpus.sh"
repeat=12
if [ "${1:-}" = "--repeat" ]; then repeat="$2"; fi

install_dependencies
install_packages bible-kjv python3
configure_and_build

work="$BUILD_DIR/bench/encode"
mkdir -p "$work"
corpus=$(kjv_corpus "$work" "$repeat")
cli="$BUILD_DIR/bin/pretrainlab-cli"
if [ ! -s "$work/tokenizer.json" ]; then
  log "a byte-level BPE of 30,000 tokens trained on one copy"
  "$cli" bpe-train --input "$work/kjv1.txt" --vocab-size 30000 --byte-level --output "$work/tokenizer.json" > /dev/null
fi
cores=$(nproc)
# Five pairs, one thread then all, one after the other: a busy moment of the machine hits both.
: > "$work/stats-1.txt"
: > "$work/stats-$cores.txt"
for pair in 1 2 3 4 5; do
  for threads in 1 "$cores"; do
    "$cli" encode --threads "$threads" --tokenizer "$work/tokenizer.json" --input "$corpus" --stats \
      2>> "$work/stats-$threads.txt" > "$work/ids-$threads.txt"
  done
  log "pair $pair: $(tail -n 1 "$work/stats-1.txt" | cut -c1-60)… / $(tail -n 1 "$work/stats-$cores.txt" | cut -c1-60)…"
done
same=false
if cmp -s "$work/ids-1.txt" "$work/ids-$cores.txt"; then same=true; fi

python3 - "$work" "$cores" "$same" <<'PY'
import json, sys
work, cores, same = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "true"
best, runs = {}, {}
for threads in (1, cores):
    runs[threads] = [json.loads(line) for line in open(f"{work}/stats-{threads}.txt") if line.strip()]
    best[threads] = max(runs[threads], key=lambda r: r["mb_per_s"])
ratio = best[cores]["mb_per_s"] / best[1]["mb_per_s"]
pairs = sorted(b["mb_per_s"] / a["mb_per_s"] for a, b in zip(runs[1], runs[cores]))
median = pairs[len(pairs) // 2]
print(f"corpus {best[1]['bytes'] / 1e6:.1f} MB, {best[1]['tokens']} tokens")
print(f"{'threads':>8} {'MB/s':>8}")
for threads in (1, cores):
    print(f"{threads:8} {best[threads]['mb_per_s']:8.2f}")
ok = ratio >= 1.7 and same
print(f"pair by pair: {', '.join(f'{r:.2f}' for r in pairs)} (median {median:.2f})")
print(f"{cores} threads / 1, best of each: {ratio:.2f} (target >= 1.7)   same ids: {same}   {'PASS' if ok else 'FAIL'}")
json.dump({"cores": cores, "one_thread": best[1], "all_threads": best[cores], "ratio": ratio, "pair_ratios": pairs,
           "same_ids": same},
          open(f"{work}/../encode_threads.json", "w"), indent=1)
sys.exit(0 if ok else 1)
PY
