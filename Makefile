# Leadloop: `make run` builds and starts the server with demo data;
# `make test` runs every test suite. Both install what they need.
BUILD      ?= build/release
ASAN_BUILD ?= build/asan
TSAN_BUILD ?= build/tsan
FUZZ_BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
# `make test` runs each fuzz target this long (the 10-million-input runs are
# long runs of `make fuzz`, docs/fuzzing.md).
TEST_FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= lead_codec csv_import definition expression http_request web_form webhook_url
JOBS       ?= $(shell nproc)
DB         ?= data/leadloop.db
LISTEN     ?= 127.0.0.1:8080
CMAKE_FLAGS ?=
MAKEFLAGS += --no-print-directory

.PHONY: all setup web build build-asan build-tsan build-fuzz run test test-unit test-asan test-tsan test-integration test-pg test-web test-fuzz fuzz bench bench-load bench-soak bench-curve bench-web format clean

all: build

setup:
	@bash scripts/setup.sh

# The web app (web/, docs/web.md): npm packages when node_modules is missing
# or older than package-lock.json, then type-checked and bundled by esbuild
# into web/dist.
web: setup
	@if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; fi
	@npx tsc -p web/tsconfig.json
	@node web/build.mjs

build: setup web
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(BUILD) -j$(JOBS)

build-asan: setup
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLEADLOOP_SANITIZE=ON $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS) --target leadloop_domain_tests leadloop_expr_tests leadloop_definition_tests leadloop_unit_tests \
	  leadloop_lifecycle_tests leadloop_simulation_tests leadloop_privacy_tests leadloop_http_tests leadloop_delivery_tests leadloop_nurture_tests

# ThreadSanitizer: the unit tests and the integration tests, whose server is
# the TSan-built binary. -O1 keeps the build and the run fast enough for CI.
build-tsan: setup
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
	  -DLEADLOOP_TSAN=ON $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(TSAN_BUILD) -j$(JOBS) --target leadloop leadloop_domain_tests leadloop_expr_tests leadloop_definition_tests \
	  leadloop_unit_tests leadloop_lifecycle_tests leadloop_simulation_tests leadloop_privacy_tests leadloop_http_tests leadloop_integration_tests \
	  leadloop_delivery_tests leadloop_mail_tests leadloop_mail_notification_tests leadloop_mail_api_tests leadloop_mail_delivery_tests leadloop_nurture_tests leadloop_nurture_api_tests

# The libFuzzer targets (fuzz/, docs/fuzzing.md), built by clang-14 with
# ASan + UBSan in their own build dir; the GCC builds are not affected.
build-fuzz: setup
	@CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEADLOOP_FUZZ=ON $(CMAKE_FLAGS) > /dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target $(addsuffix _fuzz,$(FUZZ_TARGETS))

# Each target for FUZZ_SECONDS, one after another; a crash fails make.
fuzz: build-fuzz
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh $(FUZZ_TARGETS)

test-fuzz: build-fuzz
	@FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) bash scripts/fuzz.sh $(FUZZ_TARGETS)

run: build
	@DB=$(DB) LISTEN=$(LISTEN) BIN=$(BUILD)/src/leadloop bash scripts/run.sh

test-unit: build
	@echo "== unit tests (Release)"
	@ctest --test-dir $(BUILD) -L unit --output-on-failure -j$(JOBS)

test-asan: build-asan
	@echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) -L unit --output-on-failure -j$(JOBS)

test-tsan: build-tsan web
	@echo "== unit and integration tests under ThreadSanitizer"
	@rm -f $(TSAN_BUILD)/race.*
	@TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(abspath tests/tsan.supp):log_path=$(abspath $(TSAN_BUILD))/race \
	  ctest --test-dir $(TSAN_BUILD) -L 'unit|integration' --output-on-failure -j$(JOBS); rc=$$?; \
	  for f in $(TSAN_BUILD)/race.*; do [ -f "$$f" ] && { echo "== ThreadSanitizer: $$f"; cat "$$f"; rc=1; }; done; \
	  exit $$rc

test-integration: build
	@echo "== integration tests (real server on 127.0.0.1, real SQLite files)"
	@ctest --test-dir $(BUILD) -L integration --output-on-failure -j$(JOBS)

# The suites that use the store (label `store`: store, engine, import, API
# over HTTP) again on PostgreSQL 15, in a throwaway cluster of
# pg_virtualenv (postgresql-common), one schema per test (docs/deployment.md).
test-pg: build
	@echo "== store, engine and API tests on PostgreSQL (pg_virtualenv -v 15)"
	@pg_virtualenv -v 15 sh -c 'LEADLOOP_TEST_PG="postgresql://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" \
	  ctest --test-dir $(BUILD) -L store --output-on-failure -j$(JOBS)'

test-web: build
	@echo "== web tests (Playwright in Debian's chromium against the real server)"
	@LEADLOOP_BIN=$(BUILD)/src/leadloop npx playwright test

test: test-unit test-asan test-tsan test-integration test-pg test-web test-fuzz

bench: build
	@bash bench/run.sh

# The HTTP load tools of issue 17 alone: bulk ingest, 10,000 held
# connections, 1,000 live streams (bench/load.sh lists the sizes).
bench-load: build
	@bash bench/load.sh ingest connections streams

# The soak: SOAK_SECONDS (600) of mixed load; samples and chart in bench/out/.
bench-soak: build
	@bash bench/load.sh soak

# The curve of issue 20: reports, start-up, memory and ingest at 100k, 1M
# and 10M leads (CURVE_SIZES); table and chart in bench/out/curve.*.
bench-curve: build
	@bash bench/curve.sh

# The web app on the 1M-lead demo: overview paint, lead list paging (bench/web.mjs).
bench-web: build
	@node bench/web.mjs --leads $${WEB_LEADS:-1000000}

format:
	@find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	@rm -rf build
