#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole default test suite (ctest label "long" excluded).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --preset "${NICSIM_PRESET:-default}" "$@"
