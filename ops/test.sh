#!/usr/bin/env bash
# Sets up the machine, builds faultgraph and runs every test with ctest, then
# every fuzz harness for a short bounded time (ops/fuzz.sh; FUZZ_SECONDS
# each, default 20; 0 = only their corpora), so that a crash found once
# cannot land again.
#
#   ops/test.sh              the suite in build/ (gcc), then the fuzz harnesses
#   ops/test.sh --sanitize   the suite built with ASan + UBSan in build-asan/
#                            (any report fails the test); no fuzzing
#   TESTS=regex              only the ctest tests matching regex (ctest -R)
set -euo pipefail
cd "$(dirname "$0")/.."

SANITIZE=0
case "${1:-}" in
  "") ;;
  --sanitize) SANITIZE=1 ;;
  *)
    echo "usage: ops/test.sh [--sanitize]" >&2
    exit 2
    ;;
esac

ops/bootstrap.sh
CMAKE_ARGS=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "$SANITIZE" -eq 1 ]; then
  BUILD_DIR=${BUILD_DIR:-build-asan}
  # -fno-sanitize-recover: UBSan findings abort like ASan's instead of
  # scrolling past. The flags switch tcmalloc off (CMakeLists.txt).
  CMAKE_ARGS+=("-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined")
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
  BUILD_DIR=${BUILD_DIR:-build}
fi
cmake -S . -B "$BUILD_DIR" "${CMAKE_ARGS[@]}"
cmake --build "$BUILD_DIR" -j "$(nproc)"
(
  cd "$BUILD_DIR"
  ctest --output-on-failure -j "$(nproc)" --timeout 900 ${TESTS:+-R "$TESTS"}
)

if [ "$SANITIZE" -eq 0 ]; then
  ops/fuzz.sh "${FUZZ_SECONDS:-20}"
fi
