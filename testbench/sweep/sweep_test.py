#!/usr/bin/env python3
"""scripts/sweep.py (issue 13, points 4-5): shards merged equal one unsharded run, a failing case
carries its rule and a replay command that reproduces it, and bad values exit 2 naming them.

usage: sweep_test.py PATH/TO/sweep.py PATH/TO/nicsim [unittest arguments, e.g. Shards]"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

SWEEP = NICSIM = None
# Short runs: the test checks the sweep, not the simulation.
SHORT = ["--packets", "40"]
# Races on the receive counter on more than one CPU: default fails, single-cpu passes.
RACY_DRIVER = ["--driver-bug", "stats-counter-unlocked"]
TIMING_KEYS = ("wall_s", "seeds_per_min", "shard", "time_s", "cycles_per_s")


def sweep(*args):
    p = subprocess.run([sys.executable, SWEEP] + list(args), capture_output=True, text=True,
                       timeout=600)
    return p.returncode, p.stderr


def without_timing(value):
    """The value with timings dropped and heap addresses (ASLR) masked: what must be equal."""
    if isinstance(value, dict):
        return {k: without_timing(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [without_timing(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"0x[0-9a-f]+", "0x?", value)
    return value


def junit_content(path):
    root = ET.parse(path).getroot()
    for element in root.iter():
        element.attrib.pop("time", None)
    return without_timing(ET.tostring(root, encoding="unicode"))


def json_content(path):
    with open(path) as f:
        return without_timing(json.load(f))


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nicsim-sweep-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *names):
        return os.path.join(self.dir, *names)


class Shards(TempDir):
    def test_three_shards_merged_equal_one_run(self):
        matrix = ["--nicsim", NICSIM, "--scenario", "default", "--scenario", "single-cpu",
                  "--irq-mode", "msix,intx", "--seeds", "1-3", "--jobs", "2"]
        extra = ["--"] + SHORT + RACY_DRIVER
        code, err = sweep("run", *matrix, "--out", self.path("whole"), *extra)
        self.assertEqual(code, 1, err)  # the racy driver fails on default, not on single-cpu
        for i in range(3):
            shard_code, err = sweep("run", *matrix, "--shard", f"{i}/3",
                                    "--out", self.path(f"shard{i}"), *extra)
            self.assertIn(shard_code, (0, 1), err)
        code, err = sweep("merge", "--out", self.path("merged"),
                          *[self.path(f"shard{i}") for i in (2, 0, 1)])  # order must not matter
        self.assertEqual(code, 1, err)

        whole, merged = json_content(self.path("whole", "summary.json")), \
            json_content(self.path("merged", "summary.json"))
        self.assertEqual(whole["cases"], 12)
        self.assertEqual((whole["passed"], whole["failed"], whole["errors"]), (6, 6, 0))
        self.assertEqual(whole["violations"]["DATA_RACE"]["first"]["name"], "default.msix.seed1")
        self.assertEqual(merged, whole)
        self.assertEqual(junit_content(self.path("merged", "junit.xml")),
                         junit_content(self.path("whole", "junit.xml")))
        runs = sorted(os.listdir(self.path("whole", "runs")))
        self.assertEqual(len(runs), 12)
        self.assertEqual(sorted(os.listdir(self.path("merged", "runs"))), runs)
        for name in runs:
            self.assertEqual(json_content(self.path("merged", "runs", name)),
                             json_content(self.path("whole", "runs", name)), name)


class Failure(TempDir):
    def test_failure_carries_rule_and_a_replay_that_reproduces_it(self):
        code, err = sweep("run", "--nicsim", NICSIM, "--scenario", "default", "--irq-mode", "msix",
                          "--seeds", "2", "--jobs", "1", "--out", self.path("out"),
                          "--", "--packets", "100", *RACY_DRIVER)
        self.assertEqual(code, 1, err)
        case = ET.parse(self.path("out", "junit.xml")).getroot().find(".//testcase")
        failure = case.find("failure")
        self.assertIsNotNone(failure, ET.tostring(case, encoding="unicode"))
        with open(self.path("out", "runs", "default.msix.seed2.json")) as f:
            first = json.load(f)["violations"][0]
        self.assertEqual(failure.get("type"), "DATA_RACE")
        self.assertEqual(failure.get("message"), f"DATA_RACE at {first['where']}")
        replay = re.search(r"^replay: (.*)$", failure.text, re.M).group(1)
        self.assertIn("--seed 2", replay)
        self.assertIn("--driver-bug stats-counter-unlocked", replay)

        replayed = self.path("replayed.json")
        p = subprocess.run(shlex.split(replay) + ["-q", "--summary", replayed],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 1, p.stderr)
        with open(replayed) as f:
            again = json.load(f)["violations"][0]
        self.assertEqual((again["rule"], again["where"]), (first["rule"], first["where"]))
        self.assertEqual(without_timing(again), without_timing(first))  # same cpu, ns, message


# Stands in for a nicsim whose runs report functional coverage (summary["coverage"]).
FAKE_NICSIM_WITH_COVERAGE = """#!{python}
import json, sys
args = sys.argv[1:]
if "--list-scenarios" in args:
    print("default  4 cpus 4 queues msix  400 packets  the fake's one scenario")
    sys.exit(0)
seed = int(args[args.index("--seed") + 1])
bins = {{"isr_over_dpc": seed % 2, "dpc_budget_carry": 1, "never": 0, "halt_in_traffic": 0}}
with open(args[args.index("--summary") + 1], "w") as f:
    coverage = {{"bins": bins, "unreachable": {{"halt_in_traffic": "no halt here"}}}}
    json.dump({{"seed": seed, "violations": [], "packets": {{"lost": 0, "corrupt": 0}},
               "coverage": coverage}}, f)
"""


class Coverage(TempDir):
    def test_bins_summed_over_runs_and_shards(self):
        fake = self.path("fake-nicsim")
        with open(fake, "w") as f:
            f.write(FAKE_NICSIM_WITH_COVERAGE.format(python=sys.executable))
        os.chmod(fake, 0o755)
        matrix = ["--nicsim", fake, "--irq-mode", "msix", "--seeds", "1-5", "--jobs", "2"]
        self.assertEqual(sweep("run", *matrix, "--out", self.path("whole"))[0], 0)
        for i in range(2):
            self.assertEqual(sweep("run", *matrix, "--shard", f"{i}/2",
                                   "--out", self.path(f"shard{i}"))[0], 0)
        self.assertEqual(sweep("merge", "--out", self.path("merged"),
                               self.path("shard0"), self.path("shard1"))[0], 0)
        whole = json_content(self.path("whole", "summary.json"))["coverage"]
        self.assertEqual(whole["runs"], 5)
        self.assertEqual(whole["bins"], {"dpc_budget_carry": 5, "halt_in_traffic": 0,
                                         "isr_over_dpc": 3, "never": 0})
        self.assertEqual(whole["never_hit"], ["never"])
        self.assertEqual(whole["unreachable"], {"halt_in_traffic": "no halt here"})
        self.assertEqual(json_content(self.path("merged", "summary.json"))["coverage"], whole)


class BadValues(TempDir):
    def assert_usage_error(self, value, *args):
        code, err = sweep("run", "--nicsim", NICSIM, "--out", self.path("out"), *args)
        self.assertEqual(code, 2, err)
        self.assertIn(value, err)

    def test_bad_shard_exits_2_naming_it(self):
        for shard in ("3/3", "-1/3", "1/0", "x", "1/3/3"):
            self.assert_usage_error(f"'{shard}'", "--seeds", "1", f"--shard={shard}")

    def test_bad_seeds_exit_2_naming_them(self):
        for seeds in ("5-1", "abc", "1-", "-3"):
            self.assert_usage_error(f"'{seeds}'", f"--seeds={seeds}")

    def test_bad_matrix_values_exit_2_naming_them(self):
        self.assert_usage_error("'no-such'", "--seeds", "1", "--scenario", "no-such")
        self.assert_usage_error("'fast'", "--seeds", "1", "--irq-mode", "msix,fast")
        self.assert_usage_error("'--seed'", "--seeds", "1", "--", "--seed", "4")
        self.assert_usage_error("'a,b'", "--seeds", "1", "--fault", "a,b")
        self.assert_usage_error("'--fault'", "--seeds", "1", "--", "--fault", "msix-drop")

    def test_case_nicsim_refuses_is_an_error_naming_it(self):
        # nicsim takes 1, 2, 4 or 8 queues: the sweep runs the case and reports the refusal.
        self.assert_usage_error("--scenario default --irq-mode msix --queues 3", "--seeds", "1",
                                "--scenario", "default", "--irq-mode", "msix", "--queues", "3")
        error = ET.parse(self.path("out", "junit.xml")).getroot().find(".//testcase/error")
        self.assertIsNotNone(error)
        self.assertIn("exit 2", error.get("message"))
        # A fault nicsim does not know: the case names it, with --fault in its replay.
        self.assert_usage_error("--fault no-such-fault", "--seeds", "1", "--scenario", "default",
                                "--irq-mode", "msix", "--fault", "none", "--fault",
                                "no-such-fault")


if __name__ == "__main__":
    SWEEP, NICSIM = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:])
