#!/usr/bin/env python3
"""The long sweep (scripts/long_sweep.sh) over the correct driver: every case passes with no
violation, and the runs together hit every functional coverage bin the design can reach.

usage: long_sweep_test.py LONG_SWEEP_SH FUNCTIONAL_COVERAGE_PY NICSIM"""
import json
import os
import subprocess
import sys
import tempfile


def main(long_sweep, functional_coverage, nicsim):
    with tempfile.TemporaryDirectory(prefix="nicsim-long-sweep-") as out:
        env = dict(os.environ, NICSIM_SWEEP_FLAGS=f"--nicsim {nicsim}")
        code = subprocess.run([long_sweep, out], env=env).returncode
        failures = []
        for part in ("matrix", "faults"):
            with open(os.path.join(out, part, "summary.json"), encoding="utf-8") as f:
                summary = json.load(f)
            print(f"{part}: {summary['cases']} cases, {summary['passed']} passed, "
                  f"{summary['seeds_per_min']} seeds/min")
            if summary["passed"] != summary["cases"] or summary["cases"] == 0:
                failures.append(f"{part}: {summary['failed']} failed, {summary['errors']} errors: "
                                f"{json.dumps(summary['violations'])[:2000]}")
        merged = os.path.join(out, "functional.json")
        subprocess.run([sys.executable, functional_coverage, "--json", merged,
                        os.path.join(out, "matrix", "runs"), os.path.join(out, "faults", "runs")],
                       check=True)
        with open(merged, encoding="utf-8") as f:
            coverage = json.load(f)["coverage"]
        never = [name for name, hits in coverage["bins"].items()
                 if hits == 0 and name not in coverage["unreachable"]]
        if never:
            failures.append("reachable bins never hit: " + ", ".join(never))
        hit_unreachable = [name for name in coverage["unreachable"] if coverage["bins"].get(name)]
        if hit_unreachable:
            failures.append("bins declared unreachable were hit: " + ", ".join(hit_unreachable))
        if code not in (0, 1):
            failures.append(f"long_sweep.sh exited {code}")
        for failure in failures:
            print("FAIL:", failure)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
