#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/, clang, ASan + UBSan) and runs
# each: first once over every input of its corpus (tests/fuzz/corpus/<target>/,
# kept crash inputs included: the regression check), then fuzzing for SECONDS
# from a fresh copy of that corpus, so short runs do not grow the repository's.
# Exits non-zero and names the crashing input when any harness fails; the
# other harnesses still run. See docs/FUZZING.md.
#
#   ops/fuzz.sh SECONDS [TARGET...]   e.g. ops/fuzz.sh 20, ops/fuzz.sh 3600 cron csv_reader
#   SECONDS = 0: the regression check only.
# Environment: FUZZ_BUILD_DIR (build-fuzz), JOBS (build jobs, nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]]; then
  echo "usage: ops/fuzz.sh SECONDS [TARGET...]" >&2
  exit 2
fi
SECONDS_EACH=$1
shift
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
CORPUS=tests/fuzz/corpus

# Targets: the harnesses' names without "_fuzzer" (= their corpus folders).
if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  TARGETS=()
  for f in tests/fuzz/*_fuzzer.cc; do
    f=${f##*/}
    TARGETS+=("${f%_fuzzer.cc}")
  done
fi

ops/bootstrap.sh
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DFAULTGRAPH_FUZZ=ON >/dev/null
cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target fuzzers

mkdir -p "$BUILD/artifacts" "$BUILD/logs"
# Every sanitizer report is fatal and printed with its stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
FLAGS=(-rss_limit_mb=2048 -timeout=10)

# The input a failed run names ("Test unit written to PATH" or "Running: PATH").
crash_input() {
  local path
  path=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -1)
  [ -z "$path" ] && path=$(sed -n 's/^Running: \(.*\)$/\1/p' "$1" | tail -1)
  echo "${path:-?}"
}

failed=()
summary=()
for t in "${TARGETS[@]}"; do
  bin="$BUILD/tests/fuzz/${t}_fuzzer"
  [ -x "$bin" ] || { echo "fuzz: no harness $t ($bin)" >&2; exit 2; }
  log="$BUILD/logs/$t.log"
  # Regression: each corpus input once (libFuzzer runs files given by name).
  inputs=("$CORPUS/$t"/*)
  if ! "$bin" "${FLAGS[@]}" "${inputs[@]}" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $t FAILED on corpus input $(crash_input "$log") (log $log)"
    failed+=("$t")
    summary+=("$t: corpus input $(crash_input "$log") fails")
    continue
  fi
  [ "$SECONDS_EACH" -eq 0 ] && { summary+=("$t: corpus ok"); continue; }
  work="$BUILD/corpus/$t"
  rm -rf "$work"
  mkdir -p "$work"
  cp "$CORPUS/$t"/* "$work/"
  if ! "$bin" "${FLAGS[@]}" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
    -artifact_prefix="$BUILD/artifacts/$t-" "$work" >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $t FAILED, input $(crash_input "$log") (log $log)"
    failed+=("$t")
    summary+=("$t: crash, input $(crash_input "$log")")
    continue
  fi
  execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
  summary+=("$t: ok, $execs exec/s, $cov, corpus $(ls "$work" | wc -l)")
done

printf 'fuzz: %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz: all ${#TARGETS[@]} harnesses passed (${SECONDS_EACH} s each)"
