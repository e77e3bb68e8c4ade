# The two commands of the README's quick start, and what they need.
#   make demo   installs what is missing, builds, and writes out/movimento_flat.csv (embedded default)
#   make test   installs what is missing, builds, and runs every test (unit and integration)
BUILD ?= build
OUT ?= out
JOBS ?= $(shell nproc)

.PHONY: setup build demo test unit bench clean

setup:
	@bash scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	@$(BUILD)/sicoop demo --output $(OUT)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j 2 --timeout 900

unit: build
	@cd $(BUILD) && ctest --output-on-failure -L unit

bench: build
	@bash bench/seed/run.sh
	@bash bench/etl/run.sh
	@bash bench/lake/run.sh
	@bash bench/s3/run.sh
	@bash bench/reports/run.sh
	@bash bench/scale/run.sh

clean:
	rm -rf $(BUILD)
