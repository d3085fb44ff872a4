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
TEST_FLAGS ?= -Xswiftc -O

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
	$(SWIFT) build -c $(CONFIG) --product variant

test: deps
	@scripts/install-deps.sh chromium   # the contact sheet is checked in a real browser
	$(SWIFT) build --build-tests $(TEST_FLAGS)
	$(SWIFT) test --skip-build
	scripts/leak-check.sh "$$($(SWIFT) build --show-bin-path)/variant" TestImages

leak-check: deps
	$(SWIFT) build --product variant $(TEST_FLAGS)
	scripts/leak-check.sh "$$($(SWIFT) build --show-bin-path)/variant" TestImages

demo: build
	@scripts/demo.sh "$(VARIANT)" "$(DEMO_OUT)"

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build out
