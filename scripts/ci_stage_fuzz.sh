#!/usr/bin/env bash
# CI stage: builds the libFuzzer targets and what the device target runs (fuzz preset: clang-16,
# ASan + UBSan, in build-fuzz) and runs the `fuzz` label: each target fuzzes its seeds and
# regressions for 60 s, two at a time. Arguments go to ctest (e.g. -R pcap).
set -euo pipefail
cd "$(dirname "$0")/.."
NICSIM_PRESET=fuzz scripts/setup.sh --install-only
start=$SECONDS
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)"
echo "nicsim: fuzz stage built in $((SECONDS - start)) s" >&2
ctest --preset fuzz "$@"
echo "nicsim: fuzz stage done in $((SECONDS - start)) s" >&2
