#!/usr/bin/env bash
# Tokenizer training and encoding, side by side in one run: PretrainLab, Hugging Face tokenizers
# (npm's native binding) and sentencepiece, on the King James Bible repeated 5 times (~20 MB).
# Prints a table with times, ratios and the targets; writes build/bench/tokenizer_vs_peers.json.
#
#   bench/tokenizer_vs_peers.sh [--repeat N]   (N times the whole corpus; default 5)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/kjv_corpus.sh"
repeat=5
if [ "${1:-}" = "--repeat" ]; then repeat="$2"; fi

install_dependencies
install_packages bible-kjv sentencepiece time python3
"$PROJECT_ROOT/scripts/install-peers.sh"
configure_and_build

work="$BUILD_DIR/bench/tokenizer"
mkdir -p "$work"
corpus=$(kjv_corpus "$work" "$repeat")
bytes=$(stat -c %s "$corpus")
cli="$BUILD_DIR/bin/pretrainlab-cli"
export NODE_PATH="$PROJECT_ROOT/.cache/peers/node_modules"

log "PretrainLab: byte-level BPE (alphabet as seen, like the peer's default trainer)"
ours_train=$("$cli" bpe-train --input "$corpus" --vocab-size 30000 --byte-level --seen-bytes-only \
  --output "$work/ours.json")
echo "$ours_train"
log "PretrainLab: encoding the corpus, one thread (bench/encode_threads.sh measures two)"
"$cli" encode --threads 1 --tokenizer "$work/ours.json" --input "$corpus" --stats 2> "$work/ours-encode.json" > "$work/ours-ids.txt"
cat "$work/ours-encode.json"

log "Hugging Face tokenizers: byte-level BPE, default trainer (vocabulary 30000)"
hf=$(node "$PROJECT_ROOT/tests/peers/hf_train.js" "$corpus" byte-level "$work/hf.json")
echo "$hf"

log "sentencepiece: BPE to the same vocabulary size"
vocab=$(echo "$ours_train" | python3 -c 'import json,sys; print(json.load(sys.stdin)["vocab_size"])')
/usr/bin/time -f '%e %M' -o "$work/spm-time.txt" \
  spm_train --input="$corpus" --model_prefix="$work/spm" --model_type=bpe --vocab_size="$vocab" \
  --minloglevel=2 > /dev/null 2>&1
cat "$work/spm-time.txt"

python3 - "$work" "$bytes" "$ours_train" "$hf" <<'PY'
import json, sys
work, corpus_bytes, ours_text, hf_text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ours = json.loads(ours_text)
ours_encode = json.load(open(f"{work}/ours-encode.json"))
hf = json.loads(hf_text)
spm_seconds, spm_kb = open(f"{work}/spm-time.txt").read().split()
spm_seconds = float(spm_seconds)

ours_model = json.load(open(f"{work}/ours.json"))["model"]
hf_model = json.load(open(f"{work}/hf.json"))["model"]
same_merges = ours_model["merges"] == hf_model["merges"]
same_vocab = ours_model["vocab"] == hf_model["vocab"]

mb = corpus_bytes / 1e6
rows = [
    ("training, byte-level BPE (s)", ours["seconds"], hf["train_seconds"], spm_seconds),
    ("encoding (MB/s)", ours_encode["mb_per_s"], hf["encode_mb_per_s"], None),
    ("peak memory while training (MB)", ours["peak_rss_mb"], hf["peak_rss_mb"], int(spm_kb) / 1024),
]
print()
print(f"corpus: {mb:.1f} MB; vocabulary {ours['vocab_size']} (HF {hf['vocab_size']}); "
      f"merges identical to Hugging Face's: {same_merges}; vocabulary identical: {same_vocab}")
print(f"{'':34} {'PretrainLab':>12} {'HF tokenizers':>14} {'sentencepiece':>14}")
for name, a, b, c in rows:
    cells = [f"{a:12.3f}", f"{b:14.3f}", f"{c:14.3f}" if c is not None else f"{'-':>14}"]
    print(f"{name:34} {' '.join(cells)}")

train_vs_hf = ours["seconds"] / hf["train_seconds"]
train_vs_spm = ours["seconds"] / spm_seconds
encode_vs_hf = ours_encode["mb_per_s"] / hf["encode_mb_per_s"]
memory_vs_corpus = ours["peak_rss_mb"] / mb
targets = [
    ("training time / HF's", train_vs_hf, "<= 1.0 (aim 0.5)", train_vs_hf <= 1.0),
    ("training time / sentencepiece's", train_vs_spm, "<= 0.333", train_vs_spm <= 1 / 3),
    ("encoding speed / HF's encodeBatch", encode_vs_hf, ">= 3.0", encode_vs_hf >= 3.0),
    ("peak memory / corpus size", memory_vs_corpus, "<= 10", memory_vs_corpus <= 10),
    ("merges equal HF's", float(same_merges), "identical", same_merges),
]
print()
print(f"{'ratio':36} {'value':>8}  {'target':18} result")
for name, value, target, ok in targets:
    print(f"{name:36} {value:8.3f}  {target:18} {'PASS' if ok else 'FAIL'}")
json.dump({"corpus_mb": mb, "ours": ours, "ours_encode": ours_encode, "hf": hf,
           "sentencepiece": {"seconds": spm_seconds, "peak_rss_mb": int(spm_kb) / 1024},
           "ratios": {name: value for name, value, _, _ in targets}},
          open(f"{work}/../tokenizer_vs_peers.json", "w"), indent=1)
sys.exit(0 if all(ok for *_, ok in targets) else 1)
PY
