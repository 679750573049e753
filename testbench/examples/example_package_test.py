#!/usr/bin/env python3
"""The bring-your-own-NIC path, as a user takes it: install nicsim to a prefix, build
testbench/examples/simple-nic out of tree against it, and run what it registered.

  example_package_test.py build  NICSIM_BUILD EXAMPLE_SOURCE WORK   install, configure, build
  example_package_test.py clean  WORK SEEDS                        every scenario, seeds 1..SEEDS: 0 violations
  example_package_test.py bugs   WORK                              every bug variant in its scenario: its rule, exit 1
  example_package_test.py waves  WORK EXAMPLE_SOURCE               the example's GTKWave views name its signals,
                                                                   and the host rows move

Standard library only. Exit 0 when the check holds, 1 when it does not, with the evidence."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

PROGRAM = "simple-nic-sim"


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def must(command, what):
    result = run(command)
    if result.returncode != 0:
        print(f"{what} failed ({result.returncode}): {' '.join(map(str, command))}")
        print(result.stdout[-4000:], result.stderr[-4000:])
        sys.exit(1)
    return result


def program(work):
    return str(pathlib.Path(work) / "build" / PROGRAM)


def build(nicsim_build, source, work):
    work = pathlib.Path(work)
    shutil.rmtree(work, ignore_errors=True)
    prefix, build_dir = work / "prefix", work / "build"
    must(["cmake", "--install", nicsim_build, "--prefix", str(prefix)], "cmake --install")
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    must(["cmake", "-S", source, "-B", str(build_dir), *generator, f"-DCMAKE_PREFIX_PATH={prefix}",
          "-DCMAKE_BUILD_TYPE=RelWithDebInfo"], "configuring the example")
    start = time.monotonic()
    must(["cmake", "--build", str(build_dir), "-j", str(os.cpu_count() or 2)], "building the example")
    print(f"example built against the installed package in {time.monotonic() - start:.1f} s")
    # Nothing of nicsim's source or build tree may be on the example's compile lines.
    commands = (build_dir / "compile_commands.json")
    if commands.exists():
        text = commands.read_text()
        for forbidden in (str(pathlib.Path(nicsim_build).resolve()),
                          str(pathlib.Path(source).resolve().parents[2] / "sim")):
            if forbidden in text:
                print(f"the example's compile lines name {forbidden}: it is not built from the package alone")
                sys.exit(1)


def summary_of(work, args, name):
    out = pathlib.Path(work) / f"{name}.json"
    result = run([program(work), *args, "--quiet", "--summary", str(out)])
    summary = json.loads(out.read_text()) if out.exists() else None
    return result, summary


def clean(work, seeds):
    scenarios = [line.split()[0] for line in must([program(work), "--list-scenarios"], "--list-scenarios").stdout.splitlines() if line.strip()]
    failures = []
    for scenario in scenarios:
        for seed in range(1, int(seeds) + 1):
            result, summary = summary_of(work, ["--scenario", scenario, "--seed", str(seed)], f"clean-{scenario}-{seed}")
            violations = summary["violations"] if summary else None
            received = summary["packets"]["received"] if summary else 0
            print(f"{scenario} seed {seed}: exit {result.returncode}, {received} frames received, "
                  f"{len(violations) if violations is not None else '?'} violations")
            if result.returncode != 0 or violations or received == 0:
                failures.append(f"{scenario} seed {seed}: exit {result.returncode} {result.stderr.strip()} "
                                f"{json.dumps(violations)[:2000]}")
    if failures:
        print("\n".join(failures))
        sys.exit(1)


def bugs(work):
    listing = must([program(work), "--list-driver-bugs"], "--list-driver-bugs").stdout
    # NAME RULE SCENARIO DESCRIPTION: the scenario that shows the variant (the first one unless named)
    variants = [line.split()[:3] for line in listing.splitlines() if line.strip()]
    if len(variants) < 5:
        print(f"only {len(variants)} bug variants registered:\n{listing}")
        sys.exit(1)
    failures = []
    for name, rule, scenario in variants:
        caught = None
        for seed in (1, 2, 3):
            result, summary = summary_of(work, ["--driver-bug", name, "--scenario", scenario, "--seed", str(seed)],
                                         f"bug-{name}-{seed}")
            rules = sorted({v["rule"] for v in summary["violations"]}) if summary else []
            if rule in rules and result.returncode == 1:
                caught = seed
                break
        print(f"{name}: {'caught as ' + rule + ' on seed ' + str(caught) if caught else 'NOT caught as ' + rule + ', saw ' + str(rules)}")
        if not caught:
            failures.append(name)
    if failures:
        sys.exit(1)


def vcd_signals(path):
    """Full dotted names of the VCD's variables (without bit ranges), each with its value changes."""
    scopes, names, codes = [], {}, {}
    with open(path, errors="replace") as vcd:
        for line in vcd:
            words = line.split()
            if not words:
                continue
            if words[0] == "$scope":
                scopes.append(words[2])
            elif words[0] == "$upscope":
                scopes.pop()
            elif words[0] == "$var":
                name = ".".join(scopes + [words[4]])
                names[name] = 0
                codes.setdefault(words[3], []).append(name)
            elif words[0] == "$enddefinitions":
                break
        for line in vcd:
            code = line.split()[-1] if line[:1] in "bB" else line[1:].strip()
            for name in codes.get(code, ()):
                names[name] += 1
    return names


def waves(work, source):
    vcd = pathlib.Path(work) / "example.vcd"
    timeline = pathlib.Path(work) / "example.timeline.json"
    result, summary = summary_of(work, ["--packets", "40", "--waves", str(vcd), "--timeline", str(timeline)], "waves")
    if result.returncode != 0:
        print(f"the run with --waves failed: {result.stderr}")
        sys.exit(1)
    signals = vcd_signals(vcd)
    events = json.loads(timeline.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    views = sorted((pathlib.Path(source) / "waves").glob("*.gtkw"))
    if not views:
        print(f"no GTKWave views in {source}/waves")
        sys.exit(1)
    missing = []
    for view in views:
        for line in view.read_text().splitlines():
            if line and line[0] not in "[@-*" and not line.startswith("#"):
                name = re.sub(r"\[\d+:\d+\]$", "", line.strip())
                if name not in signals:
                    missing.append(f"{view.name}: {name}")
    # The host rows nicsim_add_cosim adds beside the design: CPU 0 runs the ISR and DPCs.
    host_changes = signals.get("nic.nicsim_host_probes.cpu[0].context", 0)
    print(f"{len(views)} views, {len(signals)} signals in the wave, {len(events)} timeline events, "
          f"{host_changes} context changes on CPU 0's host row")
    if missing or not events or host_changes < 2:
        print("signals the views name but the wave lacks:\n  " + "\n  ".join(missing))
        sys.exit(1)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    step, args = sys.argv[1], sys.argv[2:]
    {"build": build, "clean": clean, "bugs": bugs, "waves": waves}[step](*args)


if __name__ == "__main__":
    main()
