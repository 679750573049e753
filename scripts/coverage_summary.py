#!/usr/bin/env python3
"""The one-page summary of a coverage report that scripts/coverage.sh made.

usage: scripts/coverage_summary.py --report DIR [--seconds N] [--cpp-from TEXT]

Reads DIR/gcov-<part>.summary.json (gcovr --json-summary of the miniport, the NDIS layer and the
platform), DIR/rtl/merged.dat (verilator_coverage --write), DIR/functional.json and .txt
(scripts/functional_coverage.py) and the sweep's exit codes, and prints the summary.
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


def cpp_lines(report, sources):
    lines = [f"C++ (gcov; {sources})",
             f"  {'':20} {'lines':>22} {'branches':>22}"]
    for title, name in PARTS:
        path = os.path.join(report, f"gcov-{name}.summary.json")
        if not os.path.exists(path):
            lines.append(f"  {title:20} (no data)")
            continue
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
        line = f"{percent(s['line_covered'], s['line_total'])} {s['line_covered']:>6}/{s['line_total']:<6}"
        branch = (f"{percent(s['branch_covered'], s['branch_total'])} "
                  f"{s['branch_covered']:>6}/{s['branch_total']:<6}")
        lines.append(f"  {title:20} {line:>22} {branch:>22}")
    return lines


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
    path = os.path.join(os.path.dirname(report), "coverage-runs", "log", "exit-codes.txt")
    if not os.path.exists(path):
        return ["Sweep: not run"]
    with open(path, encoding="utf-8") as f:
        rows = [line.split() for line in f if line.strip()]
    codes = collections.Counter(row[3] for row in rows)
    text = ", ".join(f"exit {code}: {n}" for code, n in sorted(codes.items()))
    lines = [f"Sweep: {len(rows)} nicsim runs ({text})"]
    lines += [f"  exit {r[3]}: --scenario {r[0]} --irq-mode {r[1]} --seed {r[2]}"
              for r in sorted(rows) if r[3] not in ("0", "1")]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", required=True)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--cpp-from", default="the default test suite and the sweep",
                        help="what ran the C++, for the heading")
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
