#!/usr/bin/env bash
# Installs the reference tokenizers the parity tests and benchmarks compare against: Node.js (from
# Debian, if missing) and npm's tokenizers (Hugging Face's native binding) and js-tiktoken, into
# .cache/peers/. Tests that need them are skipped, with a message, when they are absent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  install_packages nodejs npm
fi
peers="$PROJECT_ROOT/.cache/peers"
mkdir -p "$peers"
cp "$PROJECT_ROOT/tests/peers/package.json" "$peers/package.json"
if [ ! -d "$peers/node_modules/tokenizers" ] || [ ! -d "$peers/node_modules/js-tiktoken" ] ||
   [ "$PROJECT_ROOT/tests/peers/package.json" -nt "$peers/node_modules/.installed" ]; then
  log "installing npm peers into $peers"
  (cd "$peers" && npm install --no-audit --no-fund --loglevel=error)
  touch "$peers/node_modules/.installed"
fi
node -e "require('$peers/node_modules/tokenizers'); require('$peers/node_modules/js-tiktoken')" \
  && log "peers ready: $(node --version), tokenizers and js-tiktoken in $peers"
