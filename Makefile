# The two commands a newcomer runs: `make demo` and `make test`. Each installs the system
# packages it needs (libvips and its tools, through apt-get) when they are missing.

SWIFT ?= swift
CONFIG ?= release
BIN_DIR = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)
VARIANT = $(BIN_DIR)/variant
DEMO_OUT ?= out/demo
# Tests build in the debug configuration (so @testable imports work) but optimised: unoptimised,
# the SSIMULACRA2 fixture test alone took 541 s and the whole run 9 min; with -O the tests take
# about 2 min (117 s), and a clean build with tests took 297 s here.
TEST_FLAGS ?= -Xswiftc -O $(CPU_FLAGS)
# On a CPU with AVX2 and FMA (checked in /proc/cpuinfo), build for it: the SSIMULACRA2 kernels
# then use the hardware fused multiply-add instead of computing it in double (same scores; with
# the static runtime below, `variant compare` takes 0.52x the CPU time; see BENCHMARKS.md). `make CPU_FLAGS= ...` builds for baseline x86-64, which is
# also what a package that depends on this one gets unless it passes the same flags.
CPU_FLAGS ?= $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && \
	echo -Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -DVARIANT_HARDWARE_FMA)
# The CLI links the Swift runtime and Foundation statically: a single binary, and no dynamic
# binding of Foundation's symbols at every start (0.94x the CPU time of a `variant compare`).
RELEASE_FLAGS ?= --static-swift-stdlib $(CPU_FLAGS)

.PHONY: all deps build test leak-check demo bench clean help

all: build

help:
	@echo "make demo        build, then run the sample job over TestImages (writes $(DEMO_OUT)/)"
	@echo "make test        build and run every test, then the libvips leak check"
	@echo "make build       release build of the variant tool ($(VARIANT))"
	@echo "make bench       the benchmark suite (Benchmarks/, see BENCHMARKS.md)"

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG) --product variant $(RELEASE_FLAGS)

test: deps
	@scripts/install-deps.sh chromium strace   # the contact sheet is checked in a real browser; strace holds a rename for a signal test
	$(SWIFT) build --build-tests $(TEST_FLAGS)
	$(SWIFT) test --skip-build
# The second pass builds only the metric and its tests (Tests/Baseline, a package of links to
# them): rebuilding the whole package for 11 tests took 793 s in a clean clone; this, 39-60 s.
ifneq ($(strip $(CPU_FLAGS)),)
	@echo "make test: SSIMULACRA2 again, built for baseline x86-64 (what dependent packages get)"
	cd Tests/Baseline && $(SWIFT) build --build-tests -Xswiftc -O && $(SWIFT) test --skip-build
endif
	scripts/leak-check.sh "$$($(SWIFT) build --show-bin-path)/variant" TestImages

leak-check: deps
	$(SWIFT) build --product variant $(TEST_FLAGS)
	scripts/leak-check.sh "$$($(SWIFT) build --show-bin-path)/variant" TestImages

demo: build
	@scripts/demo.sh "$(VARIANT)" "$(DEMO_OUT)"

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build out Tests/Baseline/.build
