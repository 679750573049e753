#!/usr/bin/env python3
"""Runs nicsim over a seed range and a scenario matrix, one process per core, and writes one
JUnit file, one merged summary and each run's JSON summary (README "Sweeps").

  sweep.py run [--nicsim PATH] --seeds 1-100 [--scenario NAME]... [--irq-mode msix,intx]
               [--cpus 1,4,16] [--queues 1,4,8] [--fault none --fault dma-read-error ...]
               [--jobs N] [--shard i/N] --out DIR
               [-- EXTRA NICSIM ARGS...]
  sweep.py merge --out DIR SHARD_DIR...

The cases are scenario x irq mode x cpus x queues x fault x seed in that order (seed fastest);
shard i/N
(i from 0 to N-1) runs the cases whose index % N == i, so shards share nothing and `merge` puts
them back in case order. Exit codes: 0 every case passed; 1 a case failed or could not run;
2 bad usage, including a combination of the matrix that nicsim refuses (the message names it).
Python standard library only."""
import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
# Installed, bin/nicsim-sweep sits beside bin/nicsim; in the repository, scripts/ beside build/.
DEFAULT_NICSIM = next((p for p in (os.path.join(HERE, "nicsim"),
                                   os.path.join(os.path.dirname(HERE), "build", "testbench", "cli",
                                                "nicsim")) if os.path.isfile(p)),
                      os.path.join(os.path.dirname(HERE), "build", "testbench", "cli", "nicsim"))
IRQ_MODES = ("msix", "msi", "intx")
# The sweep sets these per case; an extra argument naming one would make the replay lie.
RESERVED_ARGS = ("--scenario", "--seed", "--irq-mode", "--cpus", "--queues", "--fault",
                 "--summary", "-q", "--quiet")
ERRORS_SHOWN = 10  # on stderr; summary.json has them all
PROGRESS_PERIOD_S = 10.0  # stderr is no terminal: one line this often, not one per case


class UsageError(Exception):
    """Bad usage: main() prints it and exits 2."""


# ----------------------------------------------------------------------------- parsing values

def parse_seeds(text):
    """'1-100', '7' or '1-10,50,90-99' -> the seeds in order, no duplicates."""
    seeds = []
    for part in text.split(","):
        low, dash, high = part.strip().partition("-")
        try:
            first, last = int(low), int(high if dash else low)
        except ValueError:
            raise UsageError(f"--seeds '{text}': '{part}' is not N or A-B")
        if first < 0 or last < first:
            raise UsageError(f"--seeds '{text}': '{part}' is an empty or negative range")
        seeds += range(first, last + 1)
    return list(dict.fromkeys(seeds))


def parse_shard(text):
    """'i/N' with 0 <= i < N -> (i, N)."""
    index, _, count = (text or "").partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise UsageError(f"--shard '{text}': expected i/N, e.g. 0/4 (i counts from 0)")
    if n < 1 or not 0 <= i < n:
        raise UsageError(f"--shard '{text}': i must be 0..N-1 and N at least 1 "
                         f"(GitLab's CI_NODE_INDEX counts from 1: pass CI_NODE_INDEX-1)")
    return i, n


def parse_counts(text, flag):
    """'1,4,16' -> [1, 4, 16]; None -> [None] (the scenario's own count)."""
    if text is None:
        return [None]
    try:
        counts = [int(v) for v in text.split(",")]
    except ValueError:
        raise UsageError(f"{flag} '{text}': expected positive integers separated by commas")
    if any(c < 1 for c in counts):
        raise UsageError(f"{flag} '{text}': counts start at 1")
    return list(dict.fromkeys(counts))


def parse_irq_modes(text):
    modes = list(dict.fromkeys(m.strip() for m in text.split(",")))
    for m in modes:
        if m not in IRQ_MODES:
            raise UsageError(f"--irq-mode '{m}': expected {', '.join(IRQ_MODES)}")
    return modes


def parse_faults(values):
    """The fault spread; nicsim itself refuses an unknown fault (the case is an error)."""
    for value in values:
        if not value or value != value.strip() or "," in value:
            raise UsageError(f"--fault '{value}': one NAME[:PARAM] (or none) per --fault")
    return list(dict.fromkeys(values))


def check_extra_args(extra):
    for arg in extra:
        if arg.split("=", 1)[0] in RESERVED_ARGS:
            raise UsageError(f"extra argument '{arg}': the sweep sets it per case "
                             f"(use the sweep's own option)")


def list_scenarios(nicsim):
    p = subprocess.run([nicsim, "--list-scenarios"], capture_output=True, text=True)
    if p.returncode != 0:
        raise UsageError(f"--nicsim '{nicsim}': --list-scenarios exited {p.returncode}: "
                         f"{p.stderr.strip()}")
    return [line.split()[0] for line in p.stdout.splitlines() if line.strip()]


# ----------------------------------------------------------------------------- the case list

def config_name(scenario, irq, cpus, queues, fault=None):
    parts = [scenario, irq]
    if cpus is not None:
        parts.append(f"c{cpus}")
    if queues is not None:
        parts.append(f"q{queues}")
    if fault is not None:
        parts.append(fault.replace(":", "-"))
    return ".".join(parts)


def all_cases(matrix):
    """Every case of the matrix in its fixed order; a case's index is its place here."""
    cases, seeds = [], parse_seeds(matrix["seeds"])
    for scenario in matrix["scenarios"]:
        for irq in matrix["irq_modes"]:
            for cpus in matrix["cpus"] or [None]:
                for queues in matrix["queues"] or [None]:
                    for fault in matrix.get("faults") or [None]:
                        config = config_name(scenario, irq, cpus, queues, fault)
                        for seed in seeds:
                            cases.append({"index": len(cases), "name": f"{config}.seed{seed}",
                                          "config": config, "scenario": scenario, "irq": irq,
                                          "cpus": cpus, "queues": queues, "fault": fault,
                                          "seed": seed})
    return cases


def config_args(case):
    args = ["--scenario", case["scenario"], "--irq-mode", case["irq"]]
    if case["cpus"] is not None:
        args += ["--cpus", str(case["cpus"])]
    if case["queues"] is not None:
        args += ["--queues", str(case["queues"])]
    if case.get("fault") not in (None, "none"):
        args += ["--fault", case["fault"]]
    return args


def nicsim_args(case, extra):
    return config_args(case) + ["--seed", str(case["seed"])] + list(extra)


# ----------------------------------------------------------------------------- running

def run_case(case, matrix, out_dir):
    """Runs one case; returns its result record (the run's JSON stays in out_dir/runs)."""
    args = nicsim_args(case, matrix["extra_args"])
    rel_json = os.path.join("runs", case["name"] + ".json")
    summary_path = os.path.join(out_dir, rel_json)
    result = dict(case, replay=shlex.join([matrix["nicsim"]] + args), exit_code=None,
                  status="error", error=None, run_json=None)
    if os.path.exists(summary_path):
        os.remove(summary_path)  # a crash must not pass off an earlier sweep's result as its own
    start = time.monotonic()
    try:
        p = subprocess.run([matrix["nicsim"]] + args + ["-q", "--summary", summary_path],
                           capture_output=True, text=True, timeout=matrix.get("timeout_s"),
                           stdin=subprocess.DEVNULL)
        result["exit_code"] = p.returncode
        result["error"] = run_error(p.returncode, p.stderr)
    except subprocess.TimeoutExpired:
        result["error"] = f"timed out after {matrix['timeout_s']} s"
    except OSError as e:
        result["error"] = f"could not start nicsim: {e}"
    result["time_s"] = round(time.monotonic() - start, 3)
    if os.path.exists(summary_path):
        result["run_json"] = rel_json
    if result["error"] is None and result["run_json"] is None:
        result["error"] = f"exit {result['exit_code']} but no summary was written"
    if result["error"] is None:
        result["status"] = "passed" if result["exit_code"] == 0 else "failed"
    return result


def run_error(code, stderr):
    """None when the run ended with a verdict (0 or 1), else why it could not run."""
    if code in (0, 1):
        return None
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    if code == 2:
        return f"nicsim refused the case (exit 2): {last}"
    if code < 0:
        return f"crashed: {signal.Signals(-code).name}; {last}".rstrip("; ")
    return f"exit {code}: {last}".rstrip(": ")


class Progress:
    """One stderr line: rewritten in place on a terminal, else printed every PROGRESS_PERIOD_S."""

    def __init__(self, total, label):
        self.total, self.label = total, label
        self.start = time.monotonic()
        self.done = self.failed = self.errors = 0
        self.tty = sys.stderr.isatty()
        self.last_print = 0.0

    def add(self, result):
        self.done += 1
        self.failed += result["status"] == "failed"
        self.errors += result["status"] == "error"
        now = time.monotonic()
        if self.done == self.total or now - self.last_print >= (0.2 if self.tty else
                                                               PROGRESS_PERIOD_S):
            self.last_print = now
            self.print(now)

    def print(self, now):
        elapsed = now - self.start
        rate = self.done / elapsed * 60 if elapsed > 0 else 0.0
        eta = (self.total - self.done) / (rate / 60) if rate > 0 else 0.0
        line = (f"{self.label}{self.done}/{self.total} done, {self.failed} failed, "
                f"{self.errors} errors, {clock(elapsed)} elapsed, {rate:.1f} seeds/min, "
                f"ETA {clock(eta)}")
        end = "\n" if not self.tty or self.done == self.total else ""
        sys.stderr.write(("\r\033[K" if self.tty else "") + line + end)
        sys.stderr.flush()


def clock(seconds):
    seconds = int(seconds)
    h, m, s = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def run_all(cases, matrix, out_dir, jobs, label):
    """Runs the cases on `jobs` worker processes; on Ctrl-C keeps the results of those done."""
    progress = Progress(len(cases), label)
    interrupted = False
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
    futures = [pool.submit(run_case, case, matrix, out_dir) for case in cases]
    try:
        for future in concurrent.futures.as_completed(futures):
            progress.add(future.result())
    except KeyboardInterrupt:
        interrupted = True
        for future in futures:
            future.cancel()
        sys.stderr.write("\nsweep: interrupted; writing the results of the cases done\n")
    pool.shutdown(wait=True)
    return [f.result() for f in futures if f.done() and not f.cancelled()], interrupted


# ----------------------------------------------------------------------------- outputs

def load_run(out_dir, result):
    if not result.get("run_json"):
        return None
    try:
        with open(os.path.join(out_dir, result["run_json"])) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def failure_headline(run):
    """'RULE at where' of the first violation, or the scoreboard's verdict."""
    violations = run.get("violations") or []
    if violations:
        first = violations[0]
        return f"{first['rule']} at {first.get('where', '?')}", first["rule"]
    packets = run.get("packets", {})
    return (f"PACKETS: {packets.get('lost', 0)} lost, {packets.get('corrupt', 0)} corrupt",
            "PACKETS")


def failure_text(run, result):
    lines = []
    violations = run.get("violations") or []
    if violations:
        lines.append(f"{len(violations)} violation(s):")
    for v in violations:
        lines.append(f"  {v.get('severity', '?')} {v['rule']} at {v.get('where', '?')} (cpu "
                     f"{v.get('cpu', '?')}, {v.get('sim_ns', '?')} ns): {v.get('message', '')}")
    packets = run.get("packets", {})
    if packets.get("lost") or packets.get("corrupt"):
        lines.append(f"packets: {packets.get('lost', 0)} lost, {packets.get('corrupt', 0)} corrupt")
    lines.append(f"replay: {result['replay']}")
    if violations:  # a violation, not a packet count: --shrink keeps the same rule and where
        lines.append(f"shrink: {result['replay']} --shrink")
    return "\n".join(lines)


def junit_case(suite, result, run):
    case = ET.SubElement(suite, "testcase", classname=f"nicsim.{result['config']}",
                         name=f"seed {result['seed']}", time=f"{result.get('time_s', 0):.3f}")
    if result["status"] == "failed":
        message, rule = failure_headline(run or {})
        ET.SubElement(case, "failure", message=message, type=rule).text = \
            failure_text(run or {}, result)
    elif result["status"] == "error":
        ET.SubElement(case, "error", message=result["error"], type="error").text = \
            f"{result['error']}\nreplay: {result['replay']}"
    if result["status"] != "passed":
        ET.SubElement(case, "system-out").text = f"replay: {result['replay']}\n"


def write_junit(path, results, runs, wall_s):
    root = ET.Element("testsuites", name="nicsim sweep")
    suites = {}
    for result in results:
        if result["config"] not in suites:
            suites[result["config"]] = ET.SubElement(root, "testsuite", name=result["config"])
        junit_case(suites[result["config"]], result, runs.get(result["index"]))
    for suite in [root] + list(suites.values()):
        cases = suite.iter("testcase")
        counts = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
        for case in cases:
            counts["tests"] += 1
            counts["failures"] += case.find("failure") is not None
            counts["errors"] += case.find("error") is not None
            counts["time"] += float(case.get("time"))
        if suite is root:
            counts["time"] = wall_s
        for key, value in counts.items():
            suite.set(key, f"{value:.3f}" if key == "time" else str(value))
        if suite is not root:
            suite.set("skipped", "0")
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def case_ref(result):
    return {key: result.get(key) for key in ("name", "scenario", "irq", "cpus", "queues", "fault",
                                             "seed", "replay")}


def group_violations(results, runs):
    """rule -> count, cases, the first failing case (in case order) and every distinct where."""
    groups = {}
    for result in results:
        run = runs.get(result["index"]) or {}
        for v in run.get("violations") or []:
            group = groups.setdefault(v["rule"], {"count": 0, "cases": 0, "first": case_ref(result),
                                                  "where": [], "_last": None})
            group["count"] += 1
            if group["_last"] != result["index"]:
                group["cases"] += 1
                group["_last"] = result["index"]
            if v.get("where") not in group["where"]:
                group["where"].append(v.get("where"))
    for group in groups.values():
        del group["_last"]
    return dict(sorted(groups.items()))


def merge_coverage(runs):
    """Sums each run's coverage bins; None when no run reported coverage."""
    bins, unreachable, with_coverage = {}, {}, 0
    for run in runs:
        coverage = (run or {}).get("coverage")
        if not coverage:
            continue
        with_coverage += 1
        for name, count in coverage.get("bins", {}).items():
            bins[name] = bins.get(name, 0) + count
        unreachable.update(coverage.get("unreachable", {}))
    if not with_coverage:
        return None
    return {"runs": with_coverage, "bins": dict(sorted(bins.items())),
            "unreachable": dict(sorted(unreachable.items())),
            "never_hit": sorted(n for n, c in bins.items() if c == 0 and n not in unreachable)}


def write_outputs(out_dir, matrix, results, wall_s, shard, interrupted=False):
    runs = {r["index"]: load_run(out_dir, r) for r in results}
    write_junit(os.path.join(out_dir, "junit.xml"), results, runs, wall_s)
    count = {s: sum(r["status"] == s for r in results) for s in ("passed", "failed", "error")}
    packet_failures = [r for r in results if r["status"] == "failed"
                       and not (runs.get(r["index"]) or {}).get("violations")]
    summary = {
        "cases": len(results), "passed": count["passed"], "failed": count["failed"],
        "errors": count["error"],
        "wall_s": round(wall_s, 3),
        "seeds_per_min": round(len(results) / wall_s * 60, 2) if wall_s > 0 else None,
        "shard": shard, "interrupted": interrupted, "matrix": matrix,
        "violations": group_violations(results, runs),
        "packet_failures": {"cases": len(packet_failures),
                            "first": case_ref(packet_failures[0]) if packet_failures else None},
        "errors_by_case": [dict(case_ref(r), error=r["error"], exit_code=r["exit_code"])
                           for r in results if r["status"] == "error"],
        "results": results,
    }
    coverage = merge_coverage(runs.values())
    if coverage is not None:
        summary["coverage"] = coverage
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    return summary


def report(summary, out_dir):
    """The closing lines on stderr; returns the exit code."""
    sys.stderr.write(f"sweep: {summary['cases']} cases: {summary['passed']} passed, "
                     f"{summary['failed']} failed, {summary['errors']} errors -> "
                     f"{os.path.join(out_dir, 'junit.xml')}, summary.json\n")
    for rule, group in summary["violations"].items():
        sys.stderr.write(f"  {rule}: {group['count']} in {group['cases']} case(s), first "
                         f"{group['first']['name']}: {group['first']['replay']}\n")
    errors = summary["errors_by_case"]
    for e in errors[:ERRORS_SHOWN]:
        sys.stderr.write(f"  error {e['name']}: {e['error']}\n")
    if len(errors) > ERRORS_SHOWN:
        sys.stderr.write(f"  ... {len(errors) - ERRORS_SHOWN} more errors in summary.json\n")
    refused = [e for e in errors if e["exit_code"] == 2]
    if refused:
        configs = list(dict.fromkeys(shlex.join(config_args(e)) for e in refused))
        sys.stderr.write("sweep: the matrix holds combinations nicsim refuses: "
                         + "; ".join(configs) + "\n")
        return 2
    if summary.get("interrupted"):
        return 130
    return 0 if summary["passed"] == summary["cases"] else 1


# ----------------------------------------------------------------------------- commands

def make_output_folder(out):
    try:
        os.makedirs(os.path.join(out, "runs"), exist_ok=True)
    except OSError as e:
        raise UsageError(f"--out '{out}': {e.strerror}")


def build_matrix(opts, extra):
    """The matrix from the options, each value checked (the cheap ones before nicsim runs)."""
    if opts.jobs < 1:
        raise UsageError(f"--jobs '{opts.jobs}': at least 1")
    if opts.timeout is not None and opts.timeout <= 0:
        raise UsageError(f"--timeout '{opts.timeout}': seconds, more than 0")
    check_extra_args(extra)
    parse_seeds(opts.seeds)
    matrix = {"nicsim": opts.nicsim, "scenarios": None,
              "irq_modes": parse_irq_modes(opts.irq_mode),
              "cpus": parse_counts(opts.cpus, "--cpus") if opts.cpus else None,
              "queues": parse_counts(opts.queues, "--queues") if opts.queues else None,
              "faults": parse_faults(opts.fault) if opts.fault else None,
              "seeds": opts.seeds, "extra_args": extra, "timeout_s": opts.timeout}
    if not shutil.which(opts.nicsim):  # a path, or a name PATH finds
        raise UsageError(f"--nicsim '{opts.nicsim}': no such executable (build it: "
                         f"cmake --build build --target nicsim)")
    known = list_scenarios(opts.nicsim)
    for name in opts.scenario or []:
        if name not in known:
            raise UsageError(f"--scenario '{name}': not one of {', '.join(known)}")
    matrix["scenarios"] = list(dict.fromkeys(opts.scenario or known))
    return matrix


def command_run(opts, extra):
    shard = parse_shard(opts.shard) if opts.shard else None
    matrix = build_matrix(opts, extra)
    cases = all_cases(matrix)
    matrix["total_cases"] = len(cases)
    if shard:
        cases = [c for c in cases if c["index"] % shard[1] == shard[0]]
    make_output_folder(opts.out)
    label = f"sweep {opts.shard}: " if shard else "sweep: "
    start = time.monotonic()
    results, interrupted = run_all(cases, matrix, opts.out, opts.jobs, label)
    summary = write_outputs(opts.out, matrix, results, time.monotonic() - start,
                            opts.shard, interrupted)
    return report(summary, opts.out)


def read_shard(shard_dir):
    path = os.path.join(shard_dir, "summary.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise UsageError(f"shard '{shard_dir}': cannot read {path}: {e}")


def missing_shards(summaries):
    """': missing shard 1/4, 3/4' when the shards given name their count, else ''."""
    given = [parse_shard(s["shard"]) for s in summaries if s.get("shard")]
    counts = {n for _, n in given}
    if len(counts) != 1:
        return ""
    n = counts.pop()
    absent = sorted(set(range(n)) - {i for i, _ in given})
    return ": missing shard " + ", ".join(f"{i}/{n}" for i in absent) if absent else ""


def copy_run(shard_dir, run_json, out):
    try:
        shutil.copyfile(os.path.join(shard_dir, run_json), os.path.join(out, run_json))
    except shutil.SameFileError:
        pass  # merged into one of the shards' own folders
    except OSError as e:
        raise UsageError(f"shard '{shard_dir}': {run_json}: {e.strerror}")


def command_merge(opts):
    shards = [(d, read_shard(d)) for d in opts.shard_dirs]
    matrix = shards[0][1]["matrix"]
    for shard_dir, summary in shards[1:]:
        # The program's path may differ between machines; the matrix may not.
        if dict(summary["matrix"], nicsim=None) != dict(matrix, nicsim=None):
            raise UsageError(f"shard '{shard_dir}': its matrix differs from "
                             f"'{shards[0][0]}' (other scenarios, seeds or arguments)")
    results, seen = [], set()
    make_output_folder(opts.out)
    for shard_dir, summary in shards:
        for result in summary["results"]:
            if result["index"] in seen:
                raise UsageError(f"shard '{shard_dir}': case {result['name']} is in two shards")
            seen.add(result["index"])
            results.append(result)
            if result.get("run_json"):
                copy_run(shard_dir, result["run_json"], opts.out)
    missing = matrix["total_cases"] - len(seen)
    if missing:
        sys.stderr.write(f"sweep merge: {missing} of {matrix['total_cases']} cases are in none "
                         f"of the shards given{missing_shards(s for _, s in shards)}\n")
    results.sort(key=lambda r: r["index"])
    wall_s = max(s["wall_s"] for _, s in shards)  # the shards ran side by side
    summary = write_outputs(opts.out, matrix, results, wall_s, None,
                            any(s.get("interrupted") for _, s in shards))
    summary_code = report(summary, opts.out)
    return summary_code if summary_code or not missing else 1


def cores():
    """The cores this process may run on (a Slurm or cgroup allocation), not the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def default_nicsim():
    """DEFAULT_NICSIM as short as it stays runnable, for replay commands to paste: `nicsim` when
    PATH finds that one, relative when under the working folder."""
    on_path = shutil.which("nicsim")
    if on_path and os.path.samefile(on_path, DEFAULT_NICSIM):
        return "nicsim"
    relative = os.path.relpath(DEFAULT_NICSIM)
    return relative if not relative.startswith("..") else DEFAULT_NICSIM


def parse_command_line(argv):
    extra = []
    if "--" in argv:
        extra, argv = argv[argv.index("--") + 1:], argv[:argv.index("--")]
    parser = argparse.ArgumentParser(prog="sweep.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a seed range over a scenario matrix")
    run.add_argument("--nicsim", default=default_nicsim(),
                     help="the nicsim program (default: nicsim beside this script when "
                     "installed, else build/testbench/cli/nicsim of the repository)")
    run.add_argument("--seeds", required=True, help="1-100, or a list: 1-10,42")
    run.add_argument("--scenario", action="append", help="repeatable (default: every scenario "
                     "nicsim --list-scenarios prints)")
    run.add_argument("--irq-mode", default="msix,intx", help="comma list (default msix,intx)")
    run.add_argument("--cpus", help="comma list, a spread (default: the scenario's own)")
    run.add_argument("--queues", help="comma list, a spread (default: the scenario's own)")
    run.add_argument("--fault", action="append", help="repeatable, a spread: NAME[:PARAM] as "
                     "nicsim --fault takes it, or none (default: no fault)")
    run.add_argument("--jobs", type=int, default=cores(),
                     help="nicsim processes at once (default: one per core this process may use)")
    run.add_argument("--shard", help="i/N, i from 0: run the cases whose index %% N == i")
    run.add_argument("--timeout", type=float, help="seconds a run may take (default: no limit)")
    run.add_argument("--out", required=True, help="output folder")
    merge = commands.add_parser("merge", help="merge shard outputs into one")
    merge.add_argument("--out", required=True, help="output folder")
    merge.add_argument("shard_dirs", nargs="+", metavar="SHARD_DIR")
    opts = parser.parse_args(argv)
    if opts.command == "merge" and extra:
        parser.error(f"merge takes no extra nicsim arguments: '{' '.join(extra)}'")
    return opts, extra


def main(argv):
    opts, extra = parse_command_line(argv)  # argparse exits 2 itself, naming the bad value
    try:
        return command_run(opts, extra) if opts.command == "run" else command_merge(opts)
    except UsageError as e:
        sys.stderr.write(f"sweep.py: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
