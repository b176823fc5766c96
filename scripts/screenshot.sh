#!/usr/bin/env bash
# Builds the app, starts it under Xvfb, walks through its pages and saves PNGs into
# build/screenshots/ (at 1280x720 and 1920x1080). With --update-docs, also copies the README's
# screenshot into docs/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
update_docs=0
if [ "${1:-}" = "--update-docs" ]; then update_docs=1; shift; fi
install_dependencies
configure_and_build
out="$BUILD_DIR/screenshots"
rm -rf "$out"
mkdir -p "$out"
log "taking screenshots under Xvfb"
xvfb-run --auto-servernum --server-args="-screen 0 1920x1080x24 -dpi 96" \
  env QT_QPA_PLATFORM=xcb "$BUILD_DIR/bin/pretrainlab" --screenshots "$out" \
  --tokenizer "$PROJECT_ROOT/tests/data/gpt2/gpt2.tiktoken" "$@"
count=$(find "$out" -name '*.png' | wc -l)
if [ "$count" -eq 0 ]; then
  log "no screenshots were written"
  exit 1
fi
log "$count screenshots in $out"
if [ "$update_docs" -eq 1 ]; then
  mkdir -p "$PROJECT_ROOT/docs/screenshots"
  cp "$out/1920x1080-03-tokenization-multilingual.png" "$PROJECT_ROOT/docs/screenshots/tokenization.png"
  cp "$out/1280x720-02-tokenization-tie.png" "$PROJECT_ROOT/docs/screenshots/tokenization-tie.png"
  cp "$out/1920x1080-04-tokenization-new-text.png" "$PROJECT_ROOT/docs/screenshots/tokenize-new-text.png"
  cp "$out/1920x1080-05-tokenization-tradeoff.png" "$PROJECT_ROOT/docs/screenshots/vocabulary-vs-length.png"
  cp "$out/1280x720-19-finetuning-ablation.png" "$PROJECT_ROOT/docs/screenshots/finetuning-ablation.png"
  cp "$out/1920x1080-06-tokenization-real-tokenizers.png" "$PROJECT_ROOT/docs/screenshots/real-tokenizers.png"
  cp "$out/1920x1080-08-training.png" "$PROJECT_ROOT/docs/screenshots/training.png"
  cp "$out/1920x1080-09-training-compare.png" "$PROJECT_ROOT/docs/screenshots/training-compare.png"
  cp "$out/1280x720-10-training-diverged.png" "$PROJECT_ROOT/docs/screenshots/training-diverged.png"
  cp "$out/1920x1080-13-attention-weights.png" "$PROJECT_ROOT/docs/screenshots/attention-weights.png"
  log "updated the pictures in docs/screenshots/"
fi
