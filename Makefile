# The front door.  `make run` and `make test` each install what is missing
# (scripts/install-deps.sh), configure, build, then run or test.
BUILD_DIR    ?= build
SANITIZE_DIR ?= build-sanitize
VALGRIND_DIR ?= build-valgrind
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS  ?=
REPORT_DIR   ?= reports-out

.PHONY: all deps configure build run test sanitize test-sanitize valgrind test-valgrind install clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The built-in suite against the reference provider; reports in $(REPORT_DIR),
# the oracle and run history in $(REPORT_DIR)/hiperfcheck.db.
run: build
	$(BUILD_DIR)/bin/hiperfcheck run --report-dir $(REPORT_DIR) --oracle $(REPORT_DIR)/hiperfcheck.db

test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DHIPERF_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)

test-sanitize: sanitize
	@ctest --test-dir $(SANITIZE_DIR) --output-on-failure -j $(JOBS)

# Every unit test under valgrind's memcheck (CTest label valgrind), in a
# build of its own without the provider runs and defective providers they
# do not need.  The MOF fuzzer (17,700 loads; minutes under valgrind) runs
# in the two other builds only.
valgrind: deps
	@cmake -S . -B $(VALGRIND_DIR) -DHIPERF_VALGRIND=ON -DHIPERF_BUILD_DEFECTS=OFF -DHIPERFCHECK_RUN_READY=OFF $(CMAKE_FLAGS)
	@cmake --build $(VALGRIND_DIR) -j $(JOBS)

test-valgrind: valgrind
	@ctest --test-dir $(VALGRIND_DIR) --output-on-failure -j $(JOBS) -L valgrind -E '^test_mof_fuzz_valgrind$$'

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR) $(VALGRIND_DIR)
