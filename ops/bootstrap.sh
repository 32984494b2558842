#!/usr/bin/env bash
# Installs every Debian 12 package faultgraph's build, tests, demo and
# benchmarks need. Idempotent: packages already present are left alone.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ninja-build git ca-certificates
  clang-format
  clang libclang-rt-14-dev llvm  # ops/fuzz.sh: libFuzzer, sanitizer runtimes, llvm-symbolizer
  librocksdb-dev
  libthrift-dev thrift-compiler libboost-dev python3-thrift
  libevent-dev            # TNonblockingServer (libthriftnb)
  libsodium-dev           # API tokens: random secrets, BLAKE2b hashes
  libssl-dev openssl      # TLS (Thrift's TSSLSocket); the openssl CLI makes test and demo certificates
  libxapian-dev
  libre2-dev
  libtbb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev
  libsimdjson-dev nlohmann-json3-dev
  libutf8proc-dev libuchardet-dev libfasttext-dev liblinear-dev
  libopencc-dev libopencc-data
  libsqlite3-dev          # FTS5: the evaluation's BM25 vote baseline (tests/eval)
  libpq-dev postgresql
  libmicrohttpd-dev libcurl4-openssl-dev
  libpaho-mqtt-dev mosquitto mosquitto-clients
  libgoogle-perftools-dev
  libxlsxwriter-dev       # --xlsx: the CLI's tables as a workbook
  libsystemd-dev          # faultgraphd's sd_notify (READY, STOPPING, WATCHDOG)
  systemd dpkg-dev        # the package test: systemd-analyze verify; cpack's dpkg-shlibdeps
  python3-openpyxl        # the test that reads the workbook back
  python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "bootstrap: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "bootstrap: done"
