#!/usr/bin/env python3
"""The one-page summary of a coverage report that scripts/coverage.sh made.

usage: scripts/coverage_summary.py --report DIR [--seconds N] [--cpp-from TEXT]

Reads DIR/gcov-<source>-<part>.summary.json (gcovr --json-summary of the miniport, the NDIS
layer and the platform, for the test suite, the sweep and both), DIR/rtl/merged.dat
(verilator_coverage --write), DIR/functional.json and .txt (scripts/functional_coverage.py) and
the sweep's summary.json files, and prints the summary.
"""
import argparse
import collections
import json
import os

PARTS = [("driver (miniport)", "driver-miniport"), ("NDIS layer", "driver-ndis"),
         ("platform (sim/)", "sim")]
# Verilator's point types (the "page" key of coverage.dat), in report order.
RTL_TYPES = [("line", "v_line"), ("branch", "v_branch"), ("toggle", "v_toggle"),
             ("user (cover)", "v_user")]


def percent(covered, total):
    return f"{100.0 * covered / total:5.1f}%" if total else "  n/a "


def cpp_lines(report, tests_from):
    """One table per source that ran the C++: the test suite, the sweep, and both merged."""
    sources = [("tests", tests_from), ("sweep", "the long sweep"), ("merged", "both together")]
    lines = ["C++ (gcov: lines and branches, exception edges left out)"]
    for source, title in sources:
        if not os.path.exists(os.path.join(report, f"gcov-{source}.json")):
            continue
        lines.append(f"  {title}")
        lines.append(f"    {'':20} {'lines':>22} {'branches':>22}")
        for part_title, name in PARTS:
            path = os.path.join(report, f"gcov-{source}-{name}.summary.json")
            if not os.path.exists(path):
                lines.append(f"    {part_title:20} (no data)")
                continue
            with open(path, encoding="utf-8") as f:
                s = json.load(f)
            line = (f"{percent(s['line_covered'], s['line_total'])} "
                    f"{s['line_covered']:>6}/{s['line_total']:<6}")
            branch = (f"{percent(s['branch_covered'], s['branch_total'])} "
                      f"{s['branch_covered']:>6}/{s['branch_total']:<6}")
            lines.append(f"    {part_title:20} {line:>22} {branch:>22}")
    return lines if len(lines) > 1 else lines + ["  (no data)"]


def rtl_points(path):
    """(covered, total) per point type of a coverage.dat, the NIC's own: the host probes that put
    the CPUs in the wave (sim/trace/) are the testbench's."""
    counts = collections.defaultdict(lambda: [0, 0])
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            if not raw.startswith("C '"):
                continue
            keys, _, count = raw.rstrip("\n").rpartition("' ")
            fields = dict(kv.split("\x02", 1) for kv in keys[3:].split("\x01") if "\x02" in kv)
            if "/sim/trace/" in os.path.normpath(fields.get("f", "")):
                continue
            kind = fields.get("page", "").split("/", 1)[0]
            counts[kind][1] += 1
            if int(count) > 0:
                counts[kind][0] += 1
    return counts


def rtl_lines(report):
    path = os.path.join(report, "rtl", "merged.dat")
    lines = ["RTL (Verilator --coverage of the NIC; the sweep)"]
    if not os.path.exists(path):
        return lines + ["  (no data)"]
    counts = rtl_points(path)
    for title, kind in RTL_TYPES:
        covered, total = counts.get(kind, (0, 0))
        note = "  (no points: the RTL has no `cover` statements)" if not total and kind == "v_user" \
            else ""
        lines.append(f"  {title:14} {percent(covered, total)} {covered:>6}/{total:<6}{note}")
    return lines


def functional_lines(report):
    path = os.path.join(report, "functional.txt")
    lines = ["Functional (summary JSON coverage.bins; the sweep)"]
    merged = os.path.join(report, "functional.json")
    runs = 0
    if os.path.exists(merged):
        with open(merged, encoding="utf-8") as f:
            runs = json.load(f).get("coverage", {}).get("runs", 0)
    if runs == 0 or not os.path.exists(path):
        return lines + ["  (no run's summary has a coverage key: this nicsim counts no functional bins)"]
    with open(path, encoding="utf-8") as f:
        text = f.read().splitlines()
    # The checklist's head and its never-hit part; the hit bins are in functional.txt.
    never = next((i for i, line in enumerate(text) if line.startswith("never hit")), len(text))
    return lines + ["  " + text[0]] + ["  " + line for line in text[never:]]


def sweep_lines(report):
    """Each part of the long sweep (scripts/long_sweep.sh: matrix, faults) from sweep.py's
    summary.json: its cases by status, its violations by rule and the runs that errored."""
    sweep = os.path.join(os.path.dirname(report), "coverage-runs", "sweep")
    lines = []
    for part in ("matrix", "faults"):
        path = os.path.join(sweep, part, "summary.json")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
        lines.append(f"Sweep ({part}): {s['cases']} cases: {s['passed']} passed, {s['failed']} "
                     f"failed, {s['errors']} errors, {s['seeds_per_min']} seeds/min")
        lines += [f"  {rule}: {g['count']} in {g['cases']} case(s), first {g['first']['replay']}"
                  for rule, g in s.get("violations", {}).items()]
        lines += [f"  error {e['name']}: {e['error']}" for e in s.get("errors_by_case", [])]
    return lines or ["Sweep: not run"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", required=True)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--cpp-from", default="the default test suite",
                        help="the tests that ran the C++, for the heading")
    args = parser.parse_args()
    head = "nicsim coverage summary"
    if args.seconds is not None:
        head += f" (made in {args.seconds // 60} min {args.seconds % 60} s)"
    sections = [[head], cpp_lines(args.report, args.cpp_from), rtl_lines(args.report),
                functional_lines(args.report), sweep_lines(args.report),
                ["HTML: cpp/index.html (C++), rtl/html/index.html (RTL); rtl/annotated/ the "
                 "annotated SystemVerilog"]]
    print("\n\n".join("\n".join(section) for section in sections))


if __name__ == "__main__":
    main()
