#!/usr/bin/env python3
"""nicsim speed on the default scenario at 1, 4 and 16 CPUs, beside the bare Verilated NIC.

Runs, in one invocation: cosim_bench's bare loop (the Verilated NIC in a tight C++ eval loop on
busy loopback traffic) and nicsim --scenario default with --cpus 1/4/16; prints packets per
second of wall time, NIC cycles per second, and the ratio of each to the bare loop's cycles/s.
With --reps R each repetition times the bare loop again right before its nicsim runs (builds and
repetitions interleaved, forward then backward) and the medians are printed. cpu ratio: the same
ratio over CPU time instead of wall time, which other processes on a shared machine disturb less.
A build may carry nicsim flags after a colon, so one build is compared with itself: the race
checker's cost is `nicsim_bench.py build build:--no-race-check`, and the last line then prints the
slowdown of the first build over the second (their median cycles/s, wall and CPU time).
usage: nicsim_bench.py BUILD_DIR[:FLAGS] [BUILD_DIR[:FLAGS]...] [--packets N] [--seeds K]
       [--reps R] [--cpus L]
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile


def children_cpu_s():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_cycles_per_s(build):
    """(wall, cpu) cycles/s of the bare loop; cpu is None from a cosim_bench that lacks it."""
    bench = os.path.join(build, "testbench/bench/cosim_bench")
    if not os.path.exists(bench):
        sys.exit(f"nicsim_bench: {bench} not built (cmake --build {build} --target cosim_bench)")
    help_text = subprocess.run([bench, "--help"], capture_output=True, text=True).stdout
    only = ["--bare-only"] if "--bare-only" in help_text else []
    out = subprocess.run([bench, "--no-reference", "--cycles", "2000000"] + only,
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"^bare\s+([0-9.]+) M cycles/s.*?(?:cpu ([0-9.]+) M cycles/s)?$", out, re.M)
    if not match:
        sys.exit("nicsim_bench: could not read the bare rate from cosim_bench:\n" + out)
    cpu = float(match.group(2)) * 1e6 if match.group(2) else None
    return float(match.group(1)) * 1e6, cpu


def split_spec(spec):
    """BUILD_DIR[:FLAGS] -> (build dir, [nicsim flags])."""
    build, _, flags = spec.partition(":")
    return build, flags.split()


def nicsim_run(spec, cpus, packets, seed, tmp):
    """The run's summary and the CPU seconds its process used (start-up included)."""
    build, flags = split_spec(spec)
    summary = os.path.join(tmp, f"bench-{cpus}-{seed}.json")
    before = children_cpu_s()
    subprocess.run([os.path.join(build, "testbench/cli/nicsim"), "--cpus", str(cpus), "--packets",
                    str(packets), "--seed", str(seed), "--max-sim-time", "1s", "-q", "--summary",
                    summary] + flags, check=False)
    cpu_s = children_cpu_s() - before
    with open(summary) as f:
        return json.load(f), cpu_s


def one_rep(spec, cpus_list, packets, seeds, tmp):
    bare, bare_cpu = bare_cycles_per_s(split_spec(spec)[0])
    rows = {}
    for cpus in cpus_list:
        cycles = wall = packets_rx = cpu_s = 0
        for seed in range(1, seeds + 1):
            s, used = nicsim_run(spec, cpus, packets, seed, tmp)
            cycles += s["sim"]["cycles"]
            wall += s["sim"]["wall_s"]
            packets_rx += s["packets"]["received"]
            cpu_s += used
        rate = cycles / wall if wall else 0
        cpu_ratio = cycles / cpu_s / bare_cpu if cpu_s and bare_cpu else None
        rows[cpus] = (packets_rx, wall, packets_rx / wall if wall else 0, rate, rate / bare,
                      cpu_ratio, cycles / cpu_s if cpu_s else 0)
    return bare, bare_cpu, rows


def fmt_cpu(value):
    return f"{value:>9.2f}" if value is not None else f"{'-':>9}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("builds", nargs="+", metavar="build")
    parser.add_argument("--packets", type=int, default=20000)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--cpus", default="1,4,16", help="comma-separated CPU counts")
    args = parser.parse_args()
    cpus_list = [int(c) for c in args.cpus.split(",")]
    results = {build: [] for build in args.builds}
    header = (f"{'cpus':>4} {'packets':>8} {'wall s':>7} {'packets/s':>10} {'M cycles/s':>10} "
              f"{'ratio':>6} {'cpu ratio':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.reps):
            order = args.builds if rep % 2 == 0 else list(reversed(args.builds))
            for build in order:
                bare, bare_cpu, rows = one_rep(build, cpus_list, args.packets, args.seeds, tmp)
                results[build].append((bare, bare_cpu, rows))
                tag = f"rep {rep + 1} " if args.reps > 1 else ""
                cpu_text = f", cpu {bare_cpu / 1e6:.2f}" if bare_cpu else ""
                print(f"{tag}{build}: bare Verilated NIC: {bare / 1e6:.2f} M cycles/s{cpu_text}")
                print(header)
                for cpus, (rx, wall, pps, rate, ratio, cpu_ratio, _) in rows.items():
                    print(f"{cpus:>4} {rx:>8} {wall:>7.2f} {pps:>10.0f} {rate / 1e6:>10.2f} "
                          f"{ratio:>6.2f} {fmt_cpu(cpu_ratio)}")
                sys.stdout.flush()
    if args.reps > 1:
        print(f"medians of {args.reps} repetitions")
        for build, reps in results.items():
            print(f"{build}: bare {statistics.median(r[0] for r in reps) / 1e6:.2f} M cycles/s")
            for cpus in cpus_list:
                ratios = [r[2][cpus][4] for r in reps]
                cpu_ratios = [r[2][cpus][5] for r in reps if r[2][cpus][5] is not None]
                rate = statistics.median(r[2][cpus][3] for r in reps)
                cpu = statistics.median(cpu_ratios) if cpu_ratios else None
                print(f"  cpus {cpus:>2}: {rate / 1e6:.2f} M cycles/s, ratio "
                      f"{statistics.median(ratios):.2f} (each: "
                      f"{' '.join(f'{x:.2f}' for x in ratios)}), cpu ratio {fmt_cpu(cpu).strip()}")
    if len(args.builds) == 2:
        first, second = (results[b] for b in args.builds)
        for cpus in cpus_list:
            wall = (statistics.median(r[2][cpus][3] for r in second) /
                    statistics.median(r[2][cpus][3] for r in first))
            cpu = (statistics.median(r[2][cpus][6] for r in second) /
                   statistics.median(r[2][cpus][6] for r in first))
            print(f"slowdown of {args.builds[0]} over {args.builds[1]}, cpus {cpus}: "
                  f"{wall:.2f}x wall, {cpu:.2f}x CPU time")


if __name__ == "__main__":
    main()
