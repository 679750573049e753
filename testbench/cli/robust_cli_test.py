#!/usr/bin/env python3
"""The nicsim command never loses a result (issue 12, points 5-7): SIGINT/SIGTERM stop a run with
its outputs complete, output paths are checked before the run and write errors exit 2 naming the
file and the errno text, and edge values of flags and pcap records are bad input (exit 2).

usage: robust_cli_test.py PATH/TO/nicsim [unittest arguments, e.g. Signals.test_sigterm]"""
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest

NICSIM = None
# Long enough (tens of seconds) that the run is still simulating when the signal comes.
LONG_RUN = ["--packets", "20000"]


def run(args, timeout=300, cwd=None, as_user=None):
    # as_user: run under that uid (root ignores permissions; setpriv drops them).
    prefix = ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups"] \
        if as_user is not None else []
    p = subprocess.run(prefix + [NICSIM] + args, capture_output=True, text=True,
                       timeout=timeout, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def write_pcap(path, records, linktype=1):
    """records: (caplen bytes, origlen) pairs, classic little-endian pcap."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, (data, origlen) in enumerate(records):
            f.write(struct.pack("<IIII", i, 0, len(data), origlen))
            f.write(data)


def frame(n=64, seed=0):
    return bytes([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]) + bytes(
        (seed + i) & 0xFF for i in range(n - 14))


class TempDir(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="nicsim-robust-")

    def tearDown(self):
        for root, dirs, _ in os.walk(self.dir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def wait_until_simulating(self, process, timeline_name="t.json"):
        """The timeline's temporary file grows once the host runs (the traffic is built first)."""
        deadline = time.time() + 120
        while time.time() < deadline:
            self.assertIsNone(process.poll(), "the run ended before the signal: make it longer")
            for name in os.listdir(self.dir):
                if name.startswith("." + timeline_name + ".tmp") and \
                        os.path.getsize(self.path(name)) > 0:
                    time.sleep(0.5)
                    return
            time.sleep(0.2)
        self.fail("the run did not start simulating within 120 s")

    def leftovers(self):
        return [n for n in os.listdir(self.dir) if ".tmp" in n or n.startswith(".nicsim")]


class Signals(TempDir):
    def stop_with(self, sig, want_exit, name):
        summary, timeline, wave = self.path("s.json"), self.path("t.json"), self.path("w.fst")
        p = subprocess.Popen([NICSIM, "-q", "--summary", summary, "--timeline", timeline,
                              "--waves", wave] + LONG_RUN,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.wait_until_simulating(p)
        p.send_signal(sig)
        out, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, want_exit, err)
        with open(summary) as f:
            s = json.load(f)
        self.assertEqual(s["stopped"], name)
        self.assertIn(name, s["stop_reason"])
        self.assertGreater(s["sim"]["sim_ns"], 0)
        with open(timeline) as f:
            self.assertGreater(len(json.load(f)["traceEvents"]), 1)
        # The FST is complete: fst2vcd reads it to the end (it spins forever on a torn one).
        vcd = subprocess.run(["fst2vcd", wave], capture_output=True, timeout=120)
        self.assertEqual(vcd.returncode, 0, vcd.stderr)
        self.assertIn(b"$enddefinitions", vcd.stdout)
        self.assertRegex(vcd.stdout[-4096:].decode(errors="replace"), r"#\d+")
        self.assertEqual(self.leftovers(), [])

    def test_sigterm_writes_summary_timeline_and_wave(self):
        self.stop_with(signal.SIGTERM, 143, "SIGTERM")

    def test_sigint_writes_summary_timeline_and_wave(self):
        self.stop_with(signal.SIGINT, 130, "SIGINT")

    def test_clean_run_says_not_stopped(self):
        summary = self.path("s.json")
        rc, _, err = run(["-q", "--packets", "20", "--summary", summary])
        self.assertEqual(rc, 0, err)
        with open(summary) as f:
            self.assertIsNone(json.load(f)["stopped"])

    def test_second_sigint_exits_at_once(self):
        # The summary goes to a FIFO nobody reads: after the first SIGINT the run stops and then
        # blocks opening it; only the second SIGINT can end the process.
        fifo = self.path("summary.fifo")
        os.mkfifo(fifo)
        p = subprocess.Popen([NICSIM, "-q", "--summary", fifo, "--timeline", self.path("t.json")]
                             + LONG_RUN, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.wait_until_simulating(p)
        p.send_signal(signal.SIGINT)
        time.sleep(2.0)
        self.assertIsNone(p.poll(), "blocked on the FIFO after the first SIGINT")
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=10)
        self.assertEqual(p.returncode, 130, err)


class OutputPaths(TempDir):
    FLAGS = {"--summary": "s.json", "--pcap-out": "l.pcap", "--timeline": "t.json",
             "--waves": "w.fst"}

    def expect_error(self, args, named, errno_text, before_run=True, as_user=None):
        rc, out, err = run(["--packets", "20"] + args, as_user=as_user)
        self.assertEqual(rc, 2, out + err)
        self.assertIn(named, err)
        self.assertIn(errno_text, err)
        self.assertNotIn("E549", out + err)
        self.assertNotIn("internal error", err)
        if before_run:
            self.assertNotIn("PASS", out)  # the check came before the run
        return out, err

    def test_dev_full_summary(self):
        out, _ = self.expect_error(["--summary", "/dev/full"], "--summary /dev/full",
                                   "No space left on device", before_run=False)
        self.assertIn("PASS", out)  # the run itself was fine and its result is still shown

    def test_dev_full_pcap_out(self):
        self.expect_error(["--pcap-out", "/dev/full"], "--pcap-out /dev/full",
                          "No space left on device", before_run=False)

    def test_dev_full_timeline(self):
        self.expect_error(["--timeline", "/dev/full"], "/dev/full", "No space left on device",
                          before_run=False)

    def test_dev_full_stdout(self):
        with open("/dev/full", "w") as full:
            p = subprocess.run([NICSIM, "--packets", "20"], stdout=full, stderr=subprocess.PIPE,
                               text=True, timeout=300)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("stdout: write error: No space left on device", p.stderr)

    def test_dev_full_waves_refused_before_the_run(self):
        self.expect_error(["--waves", "/dev/full"], "--waves /dev/full", "not a regular file")

    def test_dev_full_write_error_keeps_the_other_outputs(self):
        summary = self.path("s.json")
        self.expect_error(["--timeline", "/dev/full", "--summary", summary], "/dev/full",
                          "No space left on device", before_run=False)
        with open(summary) as f:
            self.assertEqual(json.load(f)["packets"]["lost"], 0)

    def test_under_a_regular_file(self):
        # ENOTDIR, for root too.
        for flag, name in self.FLAGS.items():
            with self.subTest(flag=flag):
                self.expect_error([flag, "/etc/passwd/" + name], flag + " /etc/passwd/" + name,
                                  "Not a directory")

    def test_missing_directory(self):
        for flag, name in self.FLAGS.items():
            with self.subTest(flag=flag):
                bad = self.path("no-such-dir/" + name)
                self.expect_error([flag, bad], flag + " " + bad, "No such file or directory")

    def test_read_only_directory(self):
        if os.geteuid() == 0:
            ro = "/sys"  # permissions do not bind root; sysfs refuses new files to anyone
            if subprocess.run(["touch", ro + "/x"], stderr=subprocess.DEVNULL).returncode == 0:
                self.skipTest("no directory is read-only for root here")
        else:
            ro = self.path("ro")
            os.mkdir(ro, 0o555)
        for flag, name in self.FLAGS.items():
            with self.subTest(flag=flag):
                self.expect_error([flag, ro + "/" + name], flag + " " + ro + "/" + name,
                                  "Permission denied")

    def test_untraversable_directory(self):
        # std::filesystem used to throw here, and SystemC printed E549.
        as_user = None
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                self.skipTest("root traverses any directory and setpriv is missing")
            as_user = 65534  # nobody
            os.chmod(self.dir, 0o755)
        locked = self.path("locked")
        os.makedirs(locked + "/inner")
        os.chmod(locked, 0)
        for flag, name in self.FLAGS.items():
            with self.subTest(flag=flag):
                self.expect_error([flag, locked + "/inner/" + name], flag + " " + locked,
                                  "Permission denied", as_user=as_user)

    def test_is_a_directory(self):
        self.expect_error(["--summary", self.dir], "--summary " + self.dir, "is a directory")

    def test_killed_run_leaves_no_partial_file_under_the_final_name(self):
        names = {flag: self.path(name) for flag, name in self.FLAGS.items()}
        args = [a for flag, path in names.items() for a in (flag, path)]
        p = subprocess.Popen([NICSIM, "-q"] + args + LONG_RUN, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.wait_until_simulating(p, "t.json")
        p.kill()
        p.wait()
        for flag, path in names.items():
            self.assertFalse(os.path.exists(path), flag + " left a partial " + path)

    def test_outputs_replace_old_files_whole(self):
        names = {flag: self.path(name) for flag, name in self.FLAGS.items()}
        for path in names.values():
            with open(path, "w") as f:
                f.write("old")
        args = [a for flag, path in names.items() for a in (flag, path)]
        rc, _, err = run(["-q", "--packets", "20"] + args)
        self.assertEqual(rc, 0, err)
        with open(names["--summary"]) as f:
            json.load(f)
        with open(names["--timeline"]) as f:
            json.load(f)
        for path in names.values():
            self.assertGreater(os.path.getsize(path), 100)
        self.assertEqual(self.leftovers(), [])


class EdgeValues(TempDir):
    def expect_bad(self, args, *named):
        rc, out, err = run(args, timeout=60)
        self.assertEqual(rc, 2, out + err)
        for text in named:
            self.assertIn(text, err)
        self.assertNotIn("internal error", err)
        return err

    def test_negative_values_named_as_typed(self):
        for flag in ("--packets", "--seed", "--cpus", "--queues", "--waves-on-violation"):
            with self.subTest(flag=flag):
                err = self.expect_bad([flag, "-5"], flag, "-5", "not a non-negative integer")
                self.assertNotIn("18446744073709551611", err)

    def test_empty_values(self):
        for flag in ("--packets", "--seed", "--cpus", "--queues", "--waves-on-violation",
                     "--max-sim-time"):
            with self.subTest(flag=flag):
                self.expect_bad([flag, ""], flag)

    def test_overflow_is_out_of_range(self):
        self.expect_bad(["--seed", "18446744073709551616"], "--seed", "18446744073709551616",
                        "out of range")
        self.expect_bad(["--packets", "99999999999999999999"], "99999999999999999999",
                        "out of range")
        self.expect_bad(["--cpus", "4294967297"], "--cpus", "4294967297", "out of range")
        self.expect_bad(["--queues", "4294967298"], "--queues", "4294967298", "out of range")

    def test_largest_seed_is_accepted(self):
        rc, out, err = run(["--seed", "18446744073709551615", "--packets", "20"])
        self.assertEqual(rc, 0, out + err)
        self.assertIn("seed 18446744073709551615", out)

    def test_max_sim_time_overflow_is_refused_not_wrapped(self):
        self.expect_bad(["--max-sim-time", "55340232221129ms"], "--max-sim-time 55340232221129ms",
                        "out of range")
        self.expect_bad(["--max-sim-time", "99999999999999999999999s"], "out of range")
        self.expect_bad(["--max-sim-time", "-1ms"], "-1ms")

    def test_non_numeric(self):
        self.expect_bad(["--packets", "12abc"], "12abc")
        self.expect_bad(["--cpus", "0x4"], "0x4")
        self.expect_bad(["--seed", "+3"], "+3")


class PcapInput(TempDir):
    def test_caplen_zero_is_bad_input_before_the_run(self):
        pcap, summary = self.path("empty-record.pcap"), self.path("s.json")
        write_pcap(pcap, [(frame(), 64), (b"", 64), (frame(seed=1), 64)])
        rc, out, err = run(["--pcap-in", pcap, "--summary", summary])
        self.assertEqual(rc, 2, out + err)
        self.assertIn(pcap, err)
        self.assertIn("record 2 has caplen 0", err)
        self.assertNotIn("internal error", err)
        self.assertFalse(os.path.exists(summary), "the run started")

    def test_link_type_named_as_in_the_file(self):
        pcap = self.path("raw-ip.pcap")
        write_pcap(pcap, [(frame(), 64)], linktype=101)  # LINKTYPE_RAW (DLT_RAW is 12 or 14)
        rc, out, err = run(["--pcap-in", pcap])
        self.assertEqual(rc, 2, out + err)
        self.assertIn("link type 101", err)
        self.assertNotIn("link type 12", err)

    def test_big_endian_link_type(self):
        pcap = self.path("be.pcap")
        with open(pcap, "wb") as f:
            f.write(struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 105))
        rc, out, err = run(["--pcap-in", pcap])
        self.assertEqual(rc, 2, out + err)
        self.assertIn("link type 105", err)

    def test_truncated_records_warn_once(self):
        pcap, summary = self.path("truncated.pcap"), self.path("s.json")
        write_pcap(pcap, [(frame(64, s), 1500) for s in range(3)] + [(frame(80), 80)])
        rc, out, err = run(["--pcap-in", pcap, "--summary", summary])
        self.assertIn(rc, (0, 1), out + err)
        self.assertEqual(err.count("warning"), 1, err)
        self.assertIn("3 of 4 record(s)", err)
        with open(summary) as f:
            self.assertEqual(json.load(f)["packets"]["rx"]["sent"], 4)

    def test_whole_records_do_not_warn(self):
        pcap = self.path("whole.pcap")
        write_pcap(pcap, [(frame(64, s), 64) for s in range(3)])
        rc, out, err = run(["--pcap-in", pcap, "-q"])
        self.assertEqual(rc, 0, out + err)
        self.assertNotIn("warning", err)


if __name__ == "__main__":
    NICSIM = os.path.abspath(sys.argv[1])
    unittest.main(argv=[sys.argv[0]] + sys.argv[2:], verbosity=2)
