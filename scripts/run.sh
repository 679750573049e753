#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default scenario: for now the RTL loopback demo
# (a few frames through the Verilated NIC in loopback, with an FST wave).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=build
[ "${NICSIM_PRESET:-default}" = default ] || build_dir=build-${NICSIM_PRESET}
"$build_dir/testbench/rtl/nic_loopback_demo" "$build_dir/loopback.fst"
