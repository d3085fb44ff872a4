#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in its own scratch path
# (.build-asan, .build-tsan) so they never share objects with the normal build.
#
#   scripts/sanitizers.sh            # both
#   scripts/sanitizers.sh asan       # one
#   scripts/sanitizers.sh tsan --filter Concurrency    # extra arguments go to `swift test`
#
# Exit status: non-zero when a build fails, a test fails or a sanitizer reports anything.
# Runs under `nice -n ${SANITIZERS_NICE:-10}` (the machine is shared); SANITIZERS_JOBS caps the
# build's parallel jobs (default 2). The tests are built with `-Xswiftc -O` like `make test`
# (SANITIZERS_FLAGS overrides it): an unoptimised ThreadSanitizer run had not finished after 32
# minutes, most of it in the SSIMULACRA2 and optimiser tests.
#
# What the sanitizers can and cannot see: only Swift code (ours and the dependencies') is
# instrumented. libvips, GLib and the codecs are the system's uninstrumented shared libraries, so
# ASan checks our side of every buffer handed to or taken from libvips (the copies in
# Image.load(data:), pixels(), the encoders' output) but not libvips's own reads and writes.
set -uo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
case "$which" in asan | tsan | all) shift || true ;; *) which=all ;; esac
nice_level=${SANITIZERS_NICE:-10}
jobs=${SANITIZERS_JOBS:-2}
read -r -a flags <<<"${SANITIZERS_FLAGS--Xswiftc -O}"

supp=$(mktemp -d)
trap 'rm -rf "$supp"' EXIT

# LeakSanitizer: GLib and libvips keep process-lifetime allocations (type system, the operation
# cache, thread pools, format tables) that are never freed by design. The XCTest runner (which
# the test binary runs first, with no XCTest tests) leaks its suite-run objects at exit. Leaks of libvips objects
# are checked separately and precisely by scripts/leak-check.sh (VIPS_LEAK=1).
# swift-foundation's Data(contentsOf:) leaks its 4096-byte read buffer when the file is empty
# (readBytesFromFile; a four-line program reading an empty file shows it): the hostile-input
# tests read zero-bytes.jpg that way on purpose.
# swift-corelibs-foundation's Process.run() takes a weak reference to the process, and the 32-byte
# side table it allocates for that reference is never freed (unreachable when the test binary exits:
# 3 of the CLI tests' child processes in a full run; every frame above it is Foundation's or the
# tests' CLIRunner, none of the engine's). The pattern leaves out the mangled name's leading `$`,
# which a suppression reads as an end-of-name anchor.
# The manifest type checker's static tables (`static let`, made once per process, `_WZ` being a
# global's one-time initialiser) are values of an indirect enum: Swift keeps the case in the
# pointer's spare bits, so LeakSanitizer's scan does not see the tagged pointer as a reference
# and calls the 24-byte box it points to a direct leak.
cat >"$supp/lsan.supp" <<'EOF'
leak:libglib-2.0.so
leak:libgobject-2.0.so
leak:libgio-2.0.so
leak:libvips.so
leak:libfontconfig.so
leak:libheif.so
leak:libXCTest.so
leak:readBytesFromFile
leak:s10Foundation7ProcessC3runyyKF
leak:ManifestTypeCheckerV*_WZ
EOF

# ThreadSanitizer: libvips synchronises its worker threads with GLib's GMutex/GCond, which on
# Linux are built on raw futex system calls that TSan does not intercept. TSan therefore misses
# those happens-before edges and reports libvips's own hand-offs between its workers (and
# between a worker and the thread that receives the finished region) as races. The frames are
# all inside the uninstrumented libraries; races with a Swift frame of ours on both sides are
# never suppressed.
cat >"$supp/tsan.supp" <<'EOF'
EOF

status=0
run() {
  local name=$1 flag=$2 scratch=$3
  shift 3
  echo "sanitizers: $name: swift test --sanitize=$flag --scratch-path $scratch ${flags[*]} $*" >&2
  local log=$scratch.log
  mkdir -p "$scratch"
  if ! nice -n "$nice_level" swift build --build-tests --sanitize="$flag" --scratch-path "$scratch" -j "$jobs" "${flags[@]}" >"$log" 2>&1; then
    echo "sanitizers: $name: build failed (see $log)" >&2
    tail -20 "$log" >&2
    status=1
    return
  fi
  # The CLI tests run the `variant` binary built with the same sanitizer.
  nice -n "$nice_level" env \
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0" \
    LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0" \
    TSAN_OPTIONS="suppressions=$supp/tsan.supp:halt_on_error=0:report_signal_unsafe=0:history_size=4" \
    VARIANT_BIN="$PWD/$scratch/debug/variant" \
    swift test --skip-build --sanitize="$flag" --scratch-path "$scratch" "$@" >>"$log" 2>&1
  local rc=$?
  local reports
  reports=$(grep -cE '^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: (Address|Thread|Leak)Sanitizer)' "$log")
  if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then
    echo "sanitizers: $name: FAILED (exit $rc, $reports sanitizer report lines; see $log)" >&2
    grep -E -A12 '^(==[0-9]+==ERROR|WARNING: ThreadSanitizer)' "$log" | head -80 >&2
    grep -E '✘|failed' "$log" | head -20 >&2
    status=1
  else
    echo "sanitizers: $name: clean ($(grep -Eo 'Test run with [0-9]+ tests.*' "$log" | tail -1))" >&2
  fi
}

[ "$which" = asan ] || [ "$which" = all ] && run AddressSanitizer address .build-asan "$@"
[ "$which" = tsan ] || [ "$which" = all ] && run ThreadSanitizer thread .build-tsan "$@"
exit $status
