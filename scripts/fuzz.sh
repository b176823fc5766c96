#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan, UBSan) in build-fuzz/ and runs each
# for SECONDS (default 60): all of them, or the ones named. Prints the executions and the findings
# of each, and exits 1 when anything was found.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]      e.g. scripts/fuzz.sh 600 fuzz_tiktoken fuzz_safetensors
#
# A harness goes on fuzzing after a finding (libFuzzer's fork mode) until its time is up. Findings
# (inputs that crashed, failed a check, leaked, ran longer than 30 s or used more than 2 GB) are kept
# in build-fuzz/findings/<harness>/, each run's log in build-fuzz/fuzz-logs/; the corpus grows in
# build-fuzz/corpus/<harness>/ from run to run, starting from the seeds in tests/fuzz/corpus/.
# To replay a finding: build-fuzz/bin/<harness> FILE
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

seconds=60
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  seconds="$1"
  shift
fi
harnesses=("$@")
if [ "${#harnesses[@]}" -eq 0 ]; then
  for source in "$PROJECT_ROOT"/tests/fuzz/fuzz_*.cpp; do
    harnesses+=("$(basename "$source" .cpp)")
  done
fi
for harness in "${harnesses[@]}"; do
  if [ ! -f "$PROJECT_ROOT/tests/fuzz/$harness.cpp" ]; then
    log "no harness $harness (they are tests/fuzz/fuzz_*.cpp)"
    exit 2
  fi
done

FUZZ_DIR="${PRETRAINLAB_FUZZ_BUILD_DIR:-$PROJECT_ROOT/build-fuzz}"
install_dependencies
install_sanitizer_dependencies
configure_sanitizer_build "$FUZZ_DIR" -DPRETRAINLAB_FUZZ=ON
log "building the harnesses with $JOBS jobs"
cmake --build "$FUZZ_DIR" --parallel "$JOBS" --target "${harnesses[@]}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
mkdir -p "$FUZZ_DIR/fuzz-logs"
summary=()
found=0
for harness in "${harnesses[@]}"; do
  corpus="$FUZZ_DIR/corpus/$harness"
  findings="$FUZZ_DIR/findings/$harness"
  run_log="$FUZZ_DIR/fuzz-logs/$harness.log"
  mkdir -p "$corpus" "$findings"
  before=$(find "$findings" -type f | wc -l)
  log "$harness: fuzzing for $seconds s"
  # Fork mode runs the fuzzing in a child process and starts another after a crash, timeout or
  # out-of-memory, so one finding does not end the run.
  "$FUZZ_DIR/bin/$harness" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=30 -max_total_time="$seconds" \
    -artifact_prefix="$findings/" "$corpus" "$PROJECT_ROOT/tests/fuzz/corpus/$harness" >"$run_log" 2>&1 || true
  # The parent's status lines: "#EXECUTIONS: cov: ... exec/s N oom/timeout/crash: O/T/C time: Ss ...".
  last=$(grep -E '^#[0-9]+: cov:' "$run_log" | tail -n 1 || true)
  executions=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")
  rate="?"
  [ -n "$executions" ] && rate=$(( executions / (seconds > 0 ? seconds : 1) ))
  events=$(sed -nE 's/.*oom\/timeout\/crash: ([0-9\/]+).*/\1/p' <<<"$last")
  new=$(( $(find "$findings" -type f | wc -l) - before ))
  [ "$new" -gt 0 ] && found=1
  summary+=("$(printf '%-24s %12s executions %8s exec/s   oom/timeout/crash %-9s %3d new finding(s)' \
    "$harness" "${executions:-?}" "$rate" "${events:-?}" "$new")")
  if [ -z "$last" ]; then
    summary+=("    no status line: see $run_log")
    found=1
  fi
done

log "fuzzing done ($seconds s each); findings in $FUZZ_DIR/findings/, logs in $FUZZ_DIR/fuzz-logs/"
printf '%s\n' "${summary[@]}"
exit "$found"
