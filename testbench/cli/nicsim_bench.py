#!/usr/bin/env python3
"""nicsim speed on the default scenario at 1, 4 and 16 CPUs, beside the bare Verilated NIC.

Runs, in one invocation: cosim_bench's bare loop (the Verilated NIC in a tight C++ eval loop on
busy loopback traffic) and nicsim --scenario default with --cpus 1/4/16; prints packets per
second of wall time, NIC cycles per second, and the ratio of each to the bare loop's cycles/s.
usage: nicsim_bench.py BUILD_DIR [--packets N] [--seeds K]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def bare_cycles_per_s(build):
    bench = os.path.join(build, "testbench/bench/cosim_bench")
    if not os.path.exists(bench):
        sys.exit(f"nicsim_bench: {bench} not built (cmake --build {build} --target cosim_bench)")
    out = subprocess.run([bench, "--no-reference", "--cycles", "2000000"], capture_output=True,
                         text=True, check=True).stdout
    match = re.search(r"^bare\s+([0-9.]+) M cycles/s", out, re.M)
    if not match:
        sys.exit("nicsim_bench: could not read the bare rate from cosim_bench:\n" + out)
    return float(match.group(1)) * 1e6


def nicsim_run(build, cpus, packets, seed, tmp):
    summary = os.path.join(tmp, f"bench-{cpus}-{seed}.json")
    subprocess.run([os.path.join(build, "testbench/cli/nicsim"), "--cpus", str(cpus), "--packets",
                    str(packets), "--seed", str(seed), "--max-sim-time", "1s", "-q", "--summary",
                    summary], check=False)
    with open(summary) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build")
    parser.add_argument("--packets", type=int, default=20000)
    parser.add_argument("--seeds", type=int, default=1)
    args = parser.parse_args()
    bare = bare_cycles_per_s(args.build)
    print(f"bare Verilated NIC: {bare / 1e6:.2f} M cycles/s")
    print(f"{'cpus':>4} {'packets':>8} {'wall s':>7} {'packets/s':>10} {'M cycles/s':>10} "
          f"{'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for cpus in (1, 4, 16):
            cycles = wall = packets = 0
            for seed in range(1, args.seeds + 1):
                s = nicsim_run(args.build, cpus, args.packets, seed, tmp)
                cycles += s["sim"]["cycles"]
                wall += s["sim"]["wall_s"]
                packets += s["packets"]["received"]
            rate = cycles / wall if wall else 0
            print(f"{cpus:>4} {packets:>8} {wall:>7.2f} {packets / wall if wall else 0:>10.0f} "
                  f"{rate / 1e6:>10.2f} {rate / bare:>6.2f}")


if __name__ == "__main__":
    main()
