# Pathforge — the two commands of the README, and the steps behind them.
#   make run    open the desktop app on the sample library (headless CLI run without a display)
#   make test   every test: format, lint, Rust, front end, real-window end-to-end
#   make bench  performance figures, as one table
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

SAMPLE := sample-libraries/sales-onboarding
RUN_PROJECT := target/run/sales-onboarding.pathforge
UI_SOURCES := $(shell find ui/src ui/index.html ui/vite.config.ts ui/package-lock.json -type f 2>/dev/null)

.PHONY: help setup ui build run test fmt-check lint rust-test ui-test check-headless e2e players bench bindings samples fmt fuzz

help:
	@echo "make run    open Pathforge on the sample library (CLI run when there is no display)"
	@echo "make test   run every test"
	@echo "make bench  print performance figures"

setup:
	@.ci/setup

ui/dist/index.html: $(UI_SOURCES) | setup
	cd ui && npm run --silent build

ui: setup ui/dist/index.html

# One package selection and feature set for build, clippy and test, so cargo never
# rebuilds the tree between them.
build: ui
	$(CARGO) build --workspace --all-targets --locked

run: build
	@mkdir -p target/run
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "Opening Pathforge on $(SAMPLE) (project: $(RUN_PROJECT))"; \
	  target/debug/pathforge-desktop --project $(RUN_PROJECT) --import $(SAMPLE); \
	else \
	  echo "No display (DISPLAY and WAYLAND_DISPLAY are unset): doing the same job headless with the CLI."; \
	  set -e; rm -f $(RUN_PROJECT); \
	  echo "$$ pathforge init $(RUN_PROJECT)"; target/debug/pathforge init $(RUN_PROJECT); \
	  echo "$$ pathforge import $(RUN_PROJECT) $(SAMPLE)"; target/debug/pathforge import $(RUN_PROJECT) $(SAMPLE); \
	  echo "$$ pathforge modules $(RUN_PROJECT)"; target/debug/pathforge modules $(RUN_PROJECT); \
	  echo "$$ pathforge tag $(RUN_PROJECT)"; target/debug/pathforge tag $(RUN_PROJECT); \
	fi

test: setup fmt-check check-headless ui-test build lint rust-test players e2e
	@echo "make test: everything passed"

fmt-check:
	$(CARGO) fmt --all --check

check-headless:
	@.ci/check-headless

ui-test: setup
	cd ui && npm run --silent check && npm run --silent test

lint: ui
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

rust-test: build
	$(CARGO) test --workspace --all-targets --locked

e2e: build
	.ci/e2e

# Exports played in real run-times: scorm-again (SCORM 2004 sequencing, SCORM 1.2) in
# Debian's headless Chromium, and each cmi5 AU through @xapi/cmi5 against Ralph
# (tests/players/).
players: build
	cd tests/players && npm test

# sentence-transformers (PyTorch, CPU) in a throwaway virtualenv, only for the side-by-side
# embedding throughput figure; Pathforge itself never uses Python.
BENCH_VENV := target/bench-venv

$(BENCH_VENV)/.ready:
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check sentence-transformers
	touch $@

# The Graph tab's figures come from the real-window test at 2,000 modules (E2E_ONLY runs
# that scenario alone); it writes target/e2e/graph-scale.json. The public prerequisite
# datasets the suggestion table is measured on are fetched into target/datasets/ (never
# committed: their licences do not allow it); one that cannot be had is named, loudly.
bench: setup build $(BENCH_VENV)/.ready
	tests/datasets/fetch
	E2E_ONLY=draws_a_2000_module_graph .ci/e2e
	$(CARGO) build --release --locked -p cli -p bench
	target/release/bench --cli target/release/pathforge --library $(SAMPLE) --st-python $(BENCH_VENV)/bin/python --pybkt-python target/pybkt-venv/bin/python --graph-scale target/e2e/graph-scale.json

# Every parser that reads outside data under libFuzzer, FUZZ_SECONDS (600) each; see .ci/fuzz.
fuzz: setup
	.ci/fuzz

# Regenerates what is generated from Rust types: the UI's IPC types and the published
# JSON Schema of the rules.
bindings:
	UPDATE_BINDINGS=1 $(CARGO) test -p session --lib -- typescript_bindings_are_up_to_date the_ui_command_map_is_up_to_date
	UPDATE_SCHEMAS=1 $(CARGO) test -p rules --lib the_published_json_schema_is_up_to_date

# Rebuilds the sample libraries' PDFs and packages from sample-libraries/sources/.
samples:
	UPDATE_SAMPLES=1 $(CARGO) test -p ingest --test samples sample_files_are_built_from_their_sources

fmt:
	$(CARGO) fmt --all
