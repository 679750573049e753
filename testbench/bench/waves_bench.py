#!/usr/bin/env python3
"""Cost of tracing, side by side in one run: the same seeded nicsim run with tracing off (the
tracing code is always compiled in), with --waves FILE.fst, with --waves FILE.vcd and with
--timeline. Prints the median wall time of each and its ratio to tracing off.
usage: python3 testbench/bench/waves_bench.py build/testbench/cli/nicsim [--packets N] [--reps R]"""
import argparse, json, os, statistics, subprocess, sys, tempfile

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("nicsim")
parser.add_argument("--packets", type=int, default=2000)
parser.add_argument("--reps", type=int, default=3)
parser.add_argument("--seed", type=int, default=3)
args = parser.parse_args()
if not os.access(args.nicsim, os.X_OK):
    sys.exit(f"waves_bench: {args.nicsim} is not an executable nicsim")

tmp = tempfile.mkdtemp(prefix="nicsim-waves-bench-")
modes = {"off": [], "fst": ["--waves", os.path.join(tmp, "w.fst")],
         "vcd": ["--waves", os.path.join(tmp, "w.vcd")],
         "timeline": ["--timeline", os.path.join(tmp, "t.json")]}
wall = {m: [] for m in modes}
cycles = 0
for _ in range(args.reps):
    for mode, extra in modes.items():  # interleaved, so machine noise hits every mode alike
        summary = os.path.join(tmp, "s.json")
        subprocess.run([args.nicsim, "--quiet", "--seed", str(args.seed), "--packets",
                        str(args.packets), "--summary", summary] + extra,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)
        sim = json.load(open(summary))["sim"]
        wall[mode].append(sim["wall_s"])
        cycles = sim["cycles"]
        for f in os.listdir(tmp):
            if f != "s.json":
                os.remove(os.path.join(tmp, f))
base = statistics.median(wall["off"])
print(f"nicsim --seed {args.seed} --packets {args.packets}: {cycles} NIC cycles, "
      f"median of {args.reps}")
for mode in modes:
    med = statistics.median(wall[mode])
    print(f"  {mode:9s} {med:8.3f} s wall  {cycles / med / 1e6:8.2f} M cycles/s  x{med / base:5.2f}")
