#!/usr/bin/env bash
# Sets up the machine, builds faultgraph and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/bootstrap.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$BUILD_DIR" -j "$(nproc)"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" --timeout 900
