#!/usr/bin/env bash
# Runs one libFuzzer target for a given time.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options ...]
#   scripts/fuzz.sh transformation 600
#   scripts/fuzz.sh image-load 600 -jobs=1
#   FUZZ_RUNS=10000000 scripts/fuzz.sh transformation 7200   # stop at 10 million executions
#
# TARGET: transformation | delivery-url | manifest | image-load.
# Builds the nested package Fuzz/ (debug, -sanitize=fuzzer,address) into Fuzz/.build, starts from
# the committed seeds (Fuzz/corpus/TARGET) and regressions (Fuzz/regressions/TARGET), grows a
# working corpus under Fuzz/.build/corpus/TARGET, and writes crashing inputs to
# Fuzz/.build/artifacts/TARGET/. Runs under `nice -n ${FUZZ_NICE:-10}`: the machine is shared.
# FUZZ_CONFIG=release builds with optimisation (same sanitizers): several times the executions per
# CPU second for the pure-Swift parsers; debug (the default) gives better stack traces.
# A finding: copy the artifact to Fuzz/regressions/TARGET/ (the test suites replay that folder),
# fix it, and re-run.
# FUZZ_RUNS=N stops after N executions (libFuzzer's -runs), or at SECONDS, whichever comes first;
# the last line reports the executions and seconds libFuzzer itself counted.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/fuzz.sh transformation|delivery-url|manifest|image-load SECONDS [libFuzzer options]" >&2; exit 2; }
[ $# -ge 2 ] || usage
target=$1 seconds=$2
shift 2
case "$target" in
  transformation) product=FuzzTransformation max_len=2048 extra=(-dict=Fuzz/corpus/transformation.dict) ;;
  delivery-url) product=FuzzDeliveryURL max_len=2048 extra=(-dict=Fuzz/corpus/transformation.dict) ;;
  manifest) product=FuzzManifest max_len=8192 extra=() ;;
  # Decoders live in the uninstrumented libvips: no leak detection (glib's one-time allocations
  # would be reported; scripts/leak-check.sh checks libvips objects), a generous per-input timeout.
  image-load) product=FuzzImageLoad max_len=65536 extra=(-detect_leaks=0 -timeout=20); export ASAN_OPTIONS=detect_leaks=0 ;;
  *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

[ -z "${FUZZ_RUNS:-}" ] || [[ "$FUZZ_RUNS" =~ ^[0-9]+$ ]] || usage
runs_limit=()
[ -z "${FUZZ_RUNS:-}" ] || runs_limit=(-runs="$FUZZ_RUNS")

# ASan records a stack for every allocation, a large share of what the parsers' targets spend on
# their executions; a finding is replayed by running the binary on it, with ASan's defaults.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}malloc_context_size=${FUZZ_MALLOC_CONTEXT:-0}"

# A Swift trap would start the Swift backtracer, which hangs for minutes under ASan and trips an
# ASan report of its own; libFuzzer's own handler records the input and a stack.
export SWIFT_BACKTRACE=enable=no

nice_level=${FUZZ_NICE:-10}
config=${FUZZ_CONFIG:-debug}
echo "fuzz: building $product (Fuzz/.build, $config, fuzzer+address)" >&2
(cd Fuzz && nice -n "$nice_level" swift build -c "$config" --product "$product" \
  -Xswiftc -sanitize=fuzzer,address >&2)
bin=Fuzz/.build/$config/$product

work=Fuzz/.build/corpus/$target
artifacts=Fuzz/.build/artifacts/$target
mkdir -p "$work" "$artifacts" "Fuzz/regressions/$target"
log=Fuzz/.build/fuzz-$target.log
echo "fuzz: $target for ${seconds}s; log $log" >&2
set +e
nice -n "$nice_level" "$bin" "$work" "Fuzz/corpus/$target" "Fuzz/regressions/$target" \
  -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${extra[@]}" "${runs_limit[@]}" "$@" 2>&1 | tee "$log" | grep -E '^#[0-9]+ +(INITED|DONE|pulse)|ERROR|SUMMARY|Done|stat::' >&2
status=${PIPESTATUS[0]}
set -e
runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo "?")
# "Done N runs in S second(s)": the time libFuzzer measured (less than SECONDS when -runs ended it).
took=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -Eo '[0-9]+ second' | grep -Eo '[0-9]+' || echo "$seconds")
echo "fuzz: $target: $runs executions in ${took}s, exit $status" >&2
if [ "$status" -ne 0 ]; then
  echo "fuzz: finding(s) in $artifacts/:" >&2
  ls -1 "$artifacts" >&2
fi
exit "$status"
