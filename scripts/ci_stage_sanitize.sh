#!/usr/bin/env bash
# CI stage: the driver, NDIS and CLI suites (ctest label `sanitize`) under ASan + UBSan. Builds only
# their executables (target sanitize_tests) in build-asan; the Verilated NIC is built without
# sanitizers. Arguments go to ctest (e.g. -R NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
NICSIM_PRESET=asan scripts/setup.sh --install-only
start=$SECONDS
cmake --preset asan >/dev/null
cmake --build --preset sanitize -j"$(nproc)"
echo "nicsim: sanitize stage built in $((SECONDS - start)) s" >&2
ctest --preset sanitize "$@"
echo "nicsim: sanitize stage done in $((SECONDS - start)) s" >&2
