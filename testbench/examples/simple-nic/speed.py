#!/usr/bin/env python3
"""simple-nic-sim speed on the default scenario at 1 and 4 CPUs (and the scenario's own count),
beside the bare Verilated simple_nic.

Runs, in one invocation: rtl_test's simple_nic_speed (the Verilated NIC in a tight C++ eval loop on
busy traffic, flat host memory, no OS model) before and after simple-nic-sim --scenario default
--cpus C; prints NIC cycles per second of wall time and the ratio of each to the bare loop (the
mean of its two runs, so a change in machine load during the runs shows up in the header).
usage: speed.py RTL_TEST_BUILD_DIR EXAMPLE_BUILD_DIR [--packets N] [--cycles N]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def bare_cycles_per_s(rtl_build, cycles):
    speed = os.path.join(rtl_build, "simple_nic_speed")
    if not os.path.exists(speed):
        sys.exit(f"speed.py: {speed} not built (cmake --build {rtl_build} --target simple_nic_speed)")
    out = subprocess.run([speed, "--cycles", str(cycles)], capture_output=True, text=True,
                         check=True).stdout
    match = re.search(r"^bare\s+([0-9.]+) M cycles/s", out, re.M)
    if not match:
        sys.exit("speed.py: could not read the bare rate from simple_nic_speed:\n" + out)
    frames = re.search(r"^frames: .*$", out, re.M)
    return float(match.group(1)) * 1e6, frames.group(0) if frames else ""


def default_cpus(sim):
    # The first scenario listed is the default.
    out = subprocess.run([sim, "--list-scenarios"], capture_output=True, text=True,
                         check=True).stdout
    match = re.match(r"\s*(\S+)\s+(\d+) cpus", out)
    if not match:
        sys.exit("speed.py: could not read the default scenario from --list-scenarios:\n" + out)
    return int(match.group(2))


def sim_run(sim, cpus, packets, tmp):
    summary = os.path.join(tmp, f"speed-{cpus}.json")
    run = subprocess.run([sim, "--scenario", "default", "--cpus", str(cpus), "--packets",
                          str(packets), "--seed", "1", "-q", "--summary", summary,
                          "--max-sim-time", "1s"], check=False)
    with open(summary) as f:
        return json.load(f), run.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rtl_build", help="the rtl_test build directory (simple_nic_speed)")
    parser.add_argument("example_build", help="the example's build directory (simple-nic-sim)")
    parser.add_argument("--packets", type=int, default=20000)
    parser.add_argument("--cycles", type=int, default=2000000, help="bare loop cycles")
    args = parser.parse_args()
    sim = os.path.join(args.example_build, "simple-nic-sim")
    if not os.path.exists(sim):
        sys.exit(f"speed.py: {sim} not built")
    own = default_cpus(sim)

    before, frames = bare_cycles_per_s(args.rtl_build, args.cycles)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for cpus in sorted({1, 4, own}):
            rows.append((cpus, *sim_run(sim, cpus, args.packets, tmp)))
    after, _ = bare_cycles_per_s(args.rtl_build, args.cycles)
    bare = (before + after) / 2

    print(f"bare Verilated simple_nic: {bare / 1e6:.2f} M cycles/s (before {before / 1e6:.2f}, "
          f"after {after / 1e6:.2f}; {args.cycles} cycles, {frames})")
    print(f"simple-nic-sim --scenario default --packets {args.packets} --seed 1")
    print(f"{'cpus':>6} {'packets':>8} {'wall s':>7} {'M cycles/s':>10} {'ratio':>6}")
    for cpus, s, code in rows:
        cycles, wall = s["sim"]["cycles"], s["sim"]["wall_s"]
        rate = cycles / wall if wall else 0
        label = f"{cpus}{'*' if cpus == own else ''}"
        note = "" if code == 0 else f"  (exit {code}: {s.get('stop_reason', '')})"
        print(f"{label:>6} {s['packets']['received']:>8} {wall:>7.2f} {rate / 1e6:>10.2f} "
              f"{rate / bare:>6.2f}{note}")
    print("* the default scenario's own CPU count; packets: frames received both ways")


if __name__ == "__main__":
    main()
