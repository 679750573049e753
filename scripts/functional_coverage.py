#!/usr/bin/env python3
"""Merges the functional coverage of nicsim runs and prints the checklist of bins.

usage: scripts/functional_coverage.py [--json OUT] [--quiet] [--skip-missing] PATH...

Each PATH is a run's summary JSON (nicsim --summary, or DIR/functional/*.json of nicsim --coverage
DIR), a folder of them, or a merged file this script wrote (--json), so shards merge the same way.
A summary's "coverage" key holds "bins" ({"group/bin": hits}, every declared bin, 0 included) and
"unreachable" ({"group/bin": reason}). Hits add up over runs; a bin is unreachable when any run says
so. Prints the hit bins with their counts, then the never-hit bins as a [ ] checklist, unreachable
ones marked with their reason. Exit 0; 2 when an input cannot be read or has no coverage key
(--skip-missing: counts and skips those, for summaries of a nicsim without functional coverage).
"""
import argparse
import json
import os
import sys


def inputs(paths):
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if name.endswith(".json"):
                    yield os.path.join(path, name)
        else:
            yield path


def merge(paths, skip_missing=False):
    bins, unreachable, runs, missing = {}, {}, 0, 0
    for path in inputs(paths):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            print(f"functional_coverage.py: {path}: {e}", file=sys.stderr)
            sys.exit(2)
        coverage = data.get("coverage") if isinstance(data, dict) else None
        if not isinstance(coverage, dict) or not isinstance(coverage.get("bins"), dict):
            # A nicsim built before the coverage key, or not a summary at all.
            if skip_missing:
                missing += 1
                continue
            print(f"functional_coverage.py: {path}: no coverage.bins (not a nicsim summary "
                  "with functional coverage)", file=sys.stderr)
            sys.exit(2)
        for name, hits in coverage["bins"].items():
            bins[name] = bins.get(name, 0) + int(hits)
        for name, reason in coverage.get("unreachable", {}).items():
            unreachable.setdefault(name, str(reason))
            bins.setdefault(name, 0)
        runs += int(coverage.get("runs", 1))
    if missing:
        print(f"functional_coverage.py: {missing} summary(ies) without coverage.bins skipped",
              file=sys.stderr)
    return {"runs": runs, "bins": bins, "unreachable": unreachable}


def checklist(merged):
    bins, unreachable = merged["bins"], merged["unreachable"]
    hit = sorted(name for name, count in bins.items() if count > 0)
    never = sorted(name for name, count in bins.items() if count == 0)
    reachable_never = [name for name in never if name not in unreachable]
    reachable = len(bins) - sum(1 for name in unreachable if bins.get(name, 0) == 0)
    lines = [f"functional bins: {len(hit)} of {len(bins)} hit ({len(hit)} of {reachable} "
             f"reachable) over {merged['runs']} run(s)"]
    width = max((len(name) for name in bins), default=0)
    lines += [f"  [x] {name:<{width}} {bins[name]}" for name in hit]
    lines.append(f"never hit: {len(reachable_never)} reachable, "
                 f"{len(never) - len(reachable_never)} unreachable")
    lines += [f"  [ ] {name}" for name in reachable_never]
    lines += [f"  [ ] {name:<{width}} unreachable: {unreachable[name]}"
              for name in never if name in unreachable]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--json", metavar="OUT", help="also write the merged bins here")
    parser.add_argument("--quiet", action="store_true", help="no checklist on stdout")
    parser.add_argument("--skip-missing", action="store_true",
                        help="skip summaries without a coverage key instead of failing")
    args = parser.parse_args()
    merged = merge(args.paths, args.skip_missing)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            # The same shape as a summary's key, so a merged file merges again.
            json.dump({"coverage": merged}, f, indent=2, sort_keys=True)
            f.write("\n")
    if not args.quiet:
        print("\n".join(checklist(merged)))


if __name__ == "__main__":
    main()
