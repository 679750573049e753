#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS over a scratch copy of its seeds and regressions, so the
# repository's corpus is never written. Prints libFuzzer's last status line (cov: coverage edges,
# ft: features, corp: corpus) and its executions per second; a crash fails the test and is saved
# under ARTIFACTS (add it to testbench/fuzz/regressions/<target>/ once fixed). FUZZ_TIMEOUT: the
# seconds one input may take (libFuzzer's -timeout, default 10); FUZZ_OPTIONS: more libFuzzer flags.
#   run_fuzzer.sh FUZZER SECONDS DICT|"" ARTIFACTS INPUT (a directory or a file)...
set -euo pipefail
fuzzer=$1 seconds=$2 dict=$3 artifacts=$4
shift 4
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/corpus" "$artifacts"
n=0
for input in "$@"; do
  for file in $( [ -d "$input" ] && ls -d "$input"/* || echo "$input"); do
    n=$((n + 1))
    cp "$file" "$scratch/corpus/$n-$(basename "$file")"
  done
done
options=(-max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1
         -artifact_prefix="$artifacts/$(basename "$fuzzer")-")
[ -z "$dict" ] || options+=(-dict="$dict")
# shellcheck disable=SC2206 # flags separated by spaces
[ -z "${FUZZ_OPTIONS:-}" ] || options+=(${FUZZ_OPTIONS})
status=0
# stdin from /dev/null: an input naming /dev/stdin as a file must not wait for a terminal.
"$fuzzer" "${options[@]}" "$scratch/corpus" </dev/null >"$scratch/log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 80 "$scratch/log"
  echo "$(basename "$fuzzer"): exit $status; the input is under $artifacts" >&2
  exit 1
fi
last=$(grep -E '^#[0-9]+' "$scratch/log" | tail -n 1)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/log")
echo "$(basename "$fuzzer"): $last"
echo "$(basename "$fuzzer"): $runs executions in $seconds s ($((runs / seconds)) per second)"
