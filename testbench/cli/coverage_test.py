#!/usr/bin/env python3
"""nicsim --coverage DIR (README "Coverage"): refused with exit 2 outside the coverage preset; inside
it one run writes its RTL points, its gcov counters and its summary, and concurrent runs share a
DIR. The functional merge (scripts/functional_coverage.py) and the one-page summary
(scripts/coverage_summary.py) over synthetic inputs.

usage: coverage_test.py PATH/TO/nicsim [unittest arguments, e.g. Refused]"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

NICSIM = None
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")
SHORT_RUN = ["--packets", "40", "-q"]


def run(args, timeout=600):
    p = subprocess.run([NICSIM] + args, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def built_with_coverage():
    return "was built without coverage" not in run(["--coverage", "/dev/null/x"])[2]


class TempDir(unittest.TestCase):
    def setUp(self):
        # Outside the build tree: gcovr there must not meet counters without their .gcno.
        self.dir = tempfile.mkdtemp(prefix="nicsim-coverage-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Refused(TempDir):
    def test_default_build_refuses_naming_the_flag_and_the_preset(self):
        if built_with_coverage():
            self.skipTest("a coverage build")
        out = os.path.join(self.dir, "cov")
        code, stdout, stderr = run(["--coverage", out] + SHORT_RUN)
        self.assertEqual(code, 2, stderr)
        self.assertIn("--coverage", stderr)
        self.assertIn("coverage preset", stderr)
        self.assertEqual(stdout, "")
        self.assertFalse(os.path.exists(out), "nothing is written when refused")


class Run(TempDir):
    def setUp(self):
        super().setUp()
        if not built_with_coverage():
            self.skipTest("not a coverage build")

    def test_one_run_writes_rtl_gcov_and_functional_data(self):
        summary = os.path.join(self.dir, "summary.json")
        code, _, stderr = run(["--coverage", self.dir, "--summary", summary] + SHORT_RUN)
        self.assertEqual(code, 0, stderr)
        dats = glob.glob(os.path.join(self.dir, "rtl", "*.dat"))
        self.assertEqual(len(dats), 1, dats)
        with open(dats[0], encoding="utf-8", errors="replace") as f:
            points = f.read()
        self.assertIn("v_line/", points)  # Verilator's line and toggle points of the NIC
        self.assertIn("v_toggle/", points)
        self.assertIn("v_user/", points)  # the cover statements beside each module's assertions
        for point in ("fifo_full_reached", "axil_b_held_for_ready", "aw_held_for_ready",
                      "rx_stream_held_for_space", "tx_buffer_refilled_after_send"):
            self.assertIn(point, points)
        gcda = glob.glob(os.path.join(self.dir, "gcov", "**", "*.gcda"), recursive=True)
        for part in ("driver/miniport", "driver/ndis", "sim"):
            self.assertTrue([p for p in gcda if f"/{part}/CMakeFiles/" in p], (part, gcda[:5]))
        jsons = glob.glob(os.path.join(self.dir, "functional", "*.json"))
        self.assertEqual(len(jsons), 1, jsons)
        with open(jsons[0], encoding="utf-8") as f, open(summary, encoding="utf-8") as g:
            self.assertEqual(json.load(f), json.load(g), "the functional file is the summary")

    def test_concurrent_runs_share_a_dir(self):
        procs = [subprocess.Popen([NICSIM, "--coverage", self.dir, "--seed", str(seed)] +
                                  SHORT_RUN, stderr=subprocess.PIPE, text=True)
                 for seed in (1, 2)]
        for p in procs:
            _, stderr = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, stderr)
        self.assertEqual(len(glob.glob(os.path.join(self.dir, "rtl", "*.dat"))), 2)
        self.assertEqual(len(glob.glob(os.path.join(self.dir, "functional", "*.json"))), 2)
        # One counter file per object, both runs' counts merged into it by libgcov.
        gcda = glob.glob(os.path.join(self.dir, "gcov", "**", "*.gcda"), recursive=True)
        self.assertTrue(gcda)
        self.assertEqual(len(gcda), len(set(gcda)))

    def test_a_violation_still_writes_coverage(self):
        code, _, stderr = run(["--coverage", self.dir, "--driver-bug", "isr-takes-spin-lock"] +
                              SHORT_RUN)
        if "unknown" in stderr:
            self.skipTest(stderr)
        self.assertEqual(code, 1, stderr)
        self.assertEqual(len(glob.glob(os.path.join(self.dir, "rtl", "*.dat"))), 1)
        self.assertEqual(len(glob.glob(os.path.join(self.dir, "functional", "*.json"))), 1)


def summary_with(bins, unreachable=None):
    return {"scenario": "default", "coverage": {"bins": bins, "unreachable": unreachable or {}}}


class FunctionalMerge(TempDir):
    def merge(self, *args):
        p = subprocess.run([sys.executable, os.path.join(SCRIPTS, "functional_coverage.py")] +
                           list(args), capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f)
        return path

    def test_hits_add_up_and_never_hit_bins_are_a_checklist(self):
        self.write("a.json", summary_with({"preempt/isr_over_dpc": 2, "dpc/two_cpus": 0,
                                           "lifecycle/halt": 0},
                                          {"lifecycle/halt": "no scenario halts in msix"}))
        self.write("b.json", summary_with({"preempt/isr_over_dpc": 3, "dpc/two_cpus": 0,
                                           "lifecycle/halt": 0}))
        merged = os.path.join(self.dir, "merged.out")
        code, out, err = self.merge("--json", merged, self.dir)
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        self.assertIn("1 of 3 hit (1 of 2 reachable) over 2 run(s)", lines[0])
        self.assertRegex(out, r"\[x\] preempt/isr_over_dpc +5\n")
        self.assertIn("  [ ] dpc/two_cpus", lines)
        self.assertRegex(out, r"\[ \] lifecycle/halt +unreachable: no scenario halts in msix")
        # A merged file merges again, as shards' results do.
        code, again, err = self.merge(merged)
        self.assertEqual((code, again), (0, out), err)

    def test_a_summary_without_the_key_is_refused_or_skipped(self):
        path = self.write("old.json", {"scenario": "default"})
        code, _, err = self.merge(path)
        self.assertEqual(code, 2)
        self.assertIn("old.json", err)
        code, out, err = self.merge("--skip-missing", path)
        self.assertEqual(code, 0, err)
        self.assertIn("0 of 0 hit", out)


def rtl_point(kind, name, count):
    """One point of a verilator_coverage .dat file."""
    keys = {"f": "rtl/nic_fifo.sv", "page": f"{kind}/nic_fifo", "o": name}
    return "C '" + "".join(f"\x01{k}\x02{v}" for k, v in keys.items()) + f"' {count}\n"


class Summary(TempDir):
    """scripts/coverage_summary.py over a report of the shape coverage.sh writes."""

    def write(self, relative, data):
        path = os.path.join(self.dir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(data if isinstance(data, str) else json.dumps(data))

    def test_each_source_each_part_the_user_points_and_the_sweeps_failures(self):
        report = "build/coverage-report"
        for source, covered in (("tests", 30), ("sweep", 60)):
            self.write(f"{report}/gcov-{source}.json", {})
            for part in ("driver-miniport", "driver-ndis", "sim"):
                self.write(f"{report}/gcov-{source}-{part}.summary.json",
                           {"line_covered": covered, "line_total": 120,
                            "branch_covered": covered // 3, "branch_total": 80})
        self.write(f"{report}/rtl/merged.dat",
                   rtl_point("v_line", "block", 4) + rtl_point("v_user", "fifo_full_reached", 2) +
                   rtl_point("v_user", "fifo_last_entry_popped", 0))
        self.write(f"{report}/functional.json", {"coverage": {"runs": 2}})
        self.write(f"{report}/functional.txt", "1 of 2 hit\nnever hit:\n  [ ] dpc/x\n")
        failed = {"name": "default-msix-3", "replay": "nicsim --seed 3"}
        self.write("build/coverage-runs/sweep/matrix/summary.json",
                   {"cases": 2, "passed": 1, "failed": 1, "errors": 0, "seeds_per_min": 40.0,
                    "violations": {"DATA_RACE": {"count": 1, "cases": 1, "first": failed}},
                    "errors_by_case": []})
        p = subprocess.run([sys.executable, os.path.join(SCRIPTS, "coverage_summary.py"),
                            "--report", os.path.join(self.dir, report)],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        self.assertIn("  the default test suite\n", out)
        self.assertIn("  the long sweep\n", out)
        self.assertRegex(out, r"driver \(miniport\) +25\.0% +30/120 +12\.5% +10/80")
        self.assertRegex(out, r"NDIS layer +50\.0% +60/120 +25\.0% +20/80")
        self.assertRegex(out, r"user \(cover\) +50\.0% +1/2")
        self.assertIn("[ ] dpc/x", out)
        self.assertIn("Sweep (matrix): 2 cases: 1 passed, 1 failed, 0 errors", out)
        self.assertIn("DATA_RACE: 1 in 1 case(s), first nicsim --seed 3", out)


if __name__ == "__main__":
    NICSIM = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
