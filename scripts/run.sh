#!/usr/bin/env bash
# Installs what is missing, builds, and runs the default nicsim scenario (4 CPUs, 4 queues, MSI-X,
# the reference miniport on the verified NDIS layer against the RTL NIC). Extra arguments go to
# nicsim (e.g. scripts/run.sh --scenario intx-shared --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build_dir=build
[ "${NICSIM_PRESET:-default}" = default ] || build_dir=build-${NICSIM_PRESET}
out="$build_dir/out"
mkdir -p "$out"
status=0
"$build_dir/testbench/cli/nicsim" --summary "$out/summary.json" --pcap-out "$out/link.pcap" "$@" ||
  status=$?
echo "nicsim: summary in $out/summary.json, link capture in $out/link.pcap" >&2
exit $status
