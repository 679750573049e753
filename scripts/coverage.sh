#!/usr/bin/env bash
# The coverage report (README "Coverage"): builds the coverage preset, runs the default test suite
# and the long sweep (scripts/long_sweep.sh) with --coverage in it, and merges everything into
# build-coverage/coverage-report/ (summary.txt, cpp/index.html, rtl/html/index.html,
# functional.txt).
#   scripts/coverage.sh                       seed 1 of the long sweep (320 runs)
#   NICSIM_COVERAGE_SEEDS=1-3 scripts/coverage.sh           a longer sweep (a range or a list 1,5,9)
#   NICSIM_COVERAGE_CTEST=0 scripts/coverage.sh             the sweep only (builds nicsim alone)
#   scripts/coverage.sh -R Cli                              arguments go to ctest
#   NICSIM_COVERAGE_TARGETS="nicsim testbench/ndis/all" scripts/coverage.sh -R Rules
#                                   builds those targets only (the tests you select must be in them)
# Counters start from zero on every call. Needs gcovr, lcov (genhtml) and verilator_coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-coverage
runs=$build/coverage-runs       # the sweep's --coverage DIR
report=$build/coverage-report
seeds=${NICSIM_COVERAGE_SEEDS:-1}
jobs=$(nproc)
start=$SECONDS

log() { echo "nicsim coverage: $*" >&2; }

build_preset() {
  local targets=()
  [ "${NICSIM_COVERAGE_CTEST:-1}" = 0 ] && targets=(--target nicsim)
  # shellcheck disable=SC2206  # a list of target names
  [ -n "${NICSIM_COVERAGE_TARGETS:-}" ] && targets=(--target $NICSIM_COVERAGE_TARGETS)
  NICSIM_PRESET=coverage scripts/setup.sh --install-only
  cmake --preset coverage >/dev/null
  cmake --build --preset coverage -j"$jobs" "${targets[@]}"
  # gcov adds to the counters it finds: a report is of this call's runs only.
  find "$build" -name '*.gcda' -delete
  rm -rf "$runs" "$report"
  mkdir -p "$runs" "$report"
}

run_test_suite() {
  [ "${NICSIM_COVERAGE_CTEST:-1}" = 0 ] && return 0
  # A failing test is reported, and its coverage still counts.
  ctest --preset coverage "$@" || log "ctest reported failures (above); the report covers them too"
}

# The long sweep (scripts/long_sweep.sh: every scenario x msix/intx x CPUs x queues, and the
# device's error causes through faults), every run with --coverage "$runs". A failing case is a
# result: the report covers it too.
run_sweep() {
  NICSIM_LONG_SEEDS=$seeds NICSIM_SWEEP_FLAGS="--nicsim $build/testbench/cli/nicsim --jobs $jobs" \
    scripts/long_sweep.sh "$runs/sweep" -- --coverage "$runs" ||
    log "the sweep reported failures ($runs/sweep/*/junit.xml); the report covers them too"
}

# gcovr over the test suite's counters (in the build tree) and the sweep's (under $runs/gcov, at
# the objects' full paths: gcov reads each beside its .gcno), one JSON each, then merged.
report_cpp() {
  local filters=(--root "$root" --filter "$root/driver/" --filter "$root/sim/")
  # Branches a reader can act on: not the compiler's exception edges of every call.
  local read=(-j "$jobs" --exclude-throw-branches --exclude-unreachable-branches)
  local sweep_objects=$runs/gcov$build tracefiles=()
  if [ "${NICSIM_COVERAGE_CTEST:-1}" != 0 ]; then
    gcovr "${filters[@]}" "${read[@]}" --json "$report/gcov-tests.json" "$build" \
      --exclude-directories "$runs"
    tracefiles+=(--add-tracefile "$report/gcov-tests.json")
  fi
  if [ -d "$sweep_objects" ]; then
    (cd "$build" && find . -name '*.gcno' -print0 | xargs -0 cp --parents -t "$sweep_objects")
    gcovr "${filters[@]}" "${read[@]}" --json "$report/gcov-sweep.json" "$sweep_objects"
    tracefiles+=(--add-tracefile "$report/gcov-sweep.json")
  fi
  mkdir -p "$report/cpp"
  gcovr "${filters[@]}" "${tracefiles[@]}" --json "$report/gcov-merged.json" \
    --html-details "$report/cpp/index.html" --html-title "nicsim: driver, NDIS layer, platform" \
    --txt "$report/cpp-lines.txt"
  gcovr "${filters[@]}" "${tracefiles[@]}" --branches --txt "$report/cpp-branches.txt"
  # One figure per part for the test suite, the sweep and the two together.
  local source part
  for source in tests sweep merged; do
    [ -f "$report/gcov-$source.json" ] || continue
    for part in driver/miniport driver/ndis sim; do
      gcovr --root "$root" --filter "$root/$part/" --add-tracefile "$report/gcov-$source.json" \
        --json-summary "$report/gcov-$source-${part//\//-}.summary.json"
    done
  done
}

# verilator_coverage merges the runs' points, annotates the sources and writes lcov's format, which
# genhtml turns into HTML. The host probes (sim/trace/, the CPUs in the wave) are not the NIC's.
report_rtl() {
  local dats=("$runs"/rtl/*.dat)
  if [ ! -e "${dats[0]}" ]; then
    log "no RTL coverage data under $runs/rtl"
    return 0
  fi
  mkdir -p "$report/rtl"
  verilator_coverage --write "$report/rtl/merged.dat" "${dats[@]}"
  verilator_coverage --annotate "$report/rtl/annotated" "$report/rtl/merged.dat" >/dev/null
  verilator_coverage --write-info "$report/rtl/all.info" "$report/rtl/merged.dat"
  lcov --quiet --rc lcov_branch_coverage=1 --remove "$report/rtl/all.info" '*/sim/trace/*' \
    --output-file "$report/rtl/merged.info"
  genhtml --quiet --branch-coverage --title "nicsim: NIC RTL" --output-directory "$report/rtl/html" \
    "$report/rtl/merged.info"
}

report_functional() {
  scripts/functional_coverage.py --skip-missing --json "$report/functional.json" \
    "$runs/functional" >"$report/functional.txt"
}

build_preset
run_test_suite "$@"
run_sweep
report_cpp
report_rtl
report_functional
cpp_from="the default test suite"
[ -n "${NICSIM_COVERAGE_TARGETS:-}" ] || [ $# -gt 0 ] && cpp_from="the tests selected ($*)"
scripts/coverage_summary.py --report "$report" --seconds $((SECONDS - start)) --cpp-from "$cpp_from" \
  >"$report/summary.txt"
cat "$report/summary.txt"
log "report in $report: summary.txt, cpp/index.html, rtl/html/index.html, functional.txt"
