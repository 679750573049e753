#!/bin/bash
# The long sweep: every scenario x msix/intx x a spread of CPU and queue counts, and the device's
# error causes and a surprise removal under traffic through faults. A correct driver passes every
# case, and the runs together hit every functional coverage bin the design can reach.
#   scripts/long_sweep.sh OUT [-- EXTRA NICSIM ARGS]   (e.g. -- --coverage cov)
# NICSIM_LONG_SEEDS (default 1-3) picks the seeds; sweep.py's own flags (--shard, --jobs) go in
# NICSIM_SWEEP_FLAGS. Writes OUT/matrix and OUT/faults, each a sweep.py output folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: long_sweep.sh OUT [-- EXTRA NICSIM ARGS]}
shift
[ "${1:-}" = "--" ] && shift
seeds=${NICSIM_LONG_SEEDS:-1-3}
read -r -a flags <<<"${NICSIM_SWEEP_FLAGS:-}"
status=0
python3 "$here/sweep.py" run --seeds "$seeds" --cpus 2,4,16 --queues 1,2,4,8 \
  --out "$out/matrix" "${flags[@]}" -- "$@" || status=$?
python3 "$here/sweep.py" run --seeds "$seeds" --scenario default \
  --fault dma-read-error --fault dma-write-error --fault link-errors:5 \
  --fault surprise-removal:300us --out "$out/faults" "${flags[@]}" -- "$@" || status=$?
exit "$status"
