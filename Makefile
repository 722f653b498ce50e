# The two commands: `make run` (set up, build the sample, publish the marts) and `make test`
# (set up, run every check). `make report` and `make docs` are for people reading the results.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
DBT := $(BIN)/dbt
# Where BI tools read the marts (see tools/publish.py); `make run VARS='{as_of_date: 2024-12-31}'`.
export SEGMENTS_PUBLISHED_PATH ?= data/segments_published.duckdb
export VARS ?=
# The report's language: `make report LANG=vi` (Vietnamese) or LANG=en. The shell's own LANG (a
# locale such as C.UTF-8) is not a report language and gives English.
REPORT_LANG := $(if $(filter vi,$(LANG)),vi,en)
# The headless browser of the report test: Debian's chromium package.
CHROMIUM := /usr/bin/chromium
BROWSER_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

.PHONY: help setup setup-test run publish report audiences docs browser java test lint build-test docs-check pii-check score pytest benchmark clean

help:
	@echo "make run     set up, build the marts on the bundled sample and run the data tests, then"
	@echo "             publish them"
	@echo "             (VARS='{as_of_date: 2024-12-31}' sets dbt vars; VARS='{raw_dir: /path}' reads"
	@echo "             your raw files instead of the sample)"
	@echo "make report  render the segment report (HTML) from the published marts (LANG=vi: in"
	@echo "             Vietnamese; LANG=en, the default: in English)"
	@echo "make audiences  write one CSV per play under data/audiences/ (FORMAT=klaviyo, mailchimp"
	@echo "             or meta), with who entered and who left each list since the last export"
	@echo "make docs    generate the dbt docs site (target/static_index.html)"
	@echo "make test    set up and run every check (lint, dbt build, docs coverage, PII, dbt-score,"
	@echo "             pytest)"
	@echo "make setup-test  only the test environment (also mf, the duckdb CLI, the other engines)"

# One environment, filled in two stamped steps: `make run` installs the run set (dbt, DuckDB and
# the fit's libraries, requirements/run.txt); `make test` adds the test set (linters, pytest, the
# PostgreSQL and Spark adapters, MetricFlow, the BI clients: requirements/test.txt). The
# environment is rebuilt from scratch when run.txt changes, or test.txt once the test set is in it,
# so it never keeps a package the files no longer pin.
PIP_INSTALL = { $(BIN)/pip install --quiet --requirement $< 2>&1; } \
	| { grep -v 'is ignored: it is neither a file nor a directory' || true; }

$(VENV)/.installed-run: requirements/run.txt $(if $(wildcard $(VENV)/.installed-test),requirements/test.txt)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL)
	touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed-run
	$(PIP_INSTALL)
	touch $@

setup: $(VENV)/.installed-run

setup-test: $(VENV)/.installed-test

# Build and test the data; publish only when every model ran and every data test passed. Unit
# tests check the logic on fixed fixtures, not the data: `make test` runs them (build-test).
# Without raw_dir in VARS, tools/dbt_vars.py adds use_sample_data: true (the bundled sample).
run: setup
	@mkdir -p data
	@echo "==> dbt build into $${DBT_DUCKDB_PATH:-data/segments.duckdb}: seeds, models and data tests"
	@vars="$$($(BIN)/python -m tools.dbt_vars "$$VARS")"; \
		$(DBT) build --fail-fast --exclude-resource-type unit_test --vars "$$vars" \
		|| { $(BIN)/python -m tools.publish --build-failed; exit 1; }
	@echo "==> Publishing the marts for BI tools"
	@$(BIN)/python -m tools.publish

publish: setup
	@$(BIN)/python -m tools.publish

report: setup
	@$(BIN)/python -m tools.report --lang $(REPORT_LANG)

# The contact list of every play from the build database's schema audiences (docs/playbook.md).
audiences: setup
	@$(BIN)/python -m tools.audiences --format $(or $(FORMAT),klaviyo)

docs: setup
	@vars="$$($(BIN)/python -m tools.dbt_vars "$$VARS")"; $(DBT) docs generate --static --vars "$$vars"
	@echo "Docs: open target/static_index.html in a browser (one self-contained file), or run"
	@echo "  DBT_PROFILES_DIR=. $(DBT) docs serve --port 8080   and open http://localhost:8080"

# Installs Debian's chromium and a font when missing (CI runs as root; elsewhere through sudo).
browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -e $(BROWSER_FONT) ]; then \
		echo "==> Installing Debian's chromium and fonts-dejavu-core (for the report test)"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
			chromium fonts-dejavu-core > /dev/null; \
	fi

lint: setup-test
	$(BIN)/ruff check tools models
	$(BIN)/ruff format --check tools models
	DBT_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models macros tests analyses

# The bundled sample (schema raw_sample); nothing is read from or written to schema raw.
SAMPLE_VARS := --vars '{use_sample_data: true}'

build-test: setup
	mkdir -p data
	DBT_DUCKDB_PATH=data/test.duckdb $(DBT) build --fail-fast $(SAMPLE_VARS)

docs-check: setup
	DBT_DUCKDB_PATH=data/test.duckdb $(DBT) docs generate --quiet $(SAMPLE_VARS)
	$(BIN)/python -m tools.check_docs_coverage target

# Nothing BI tools read (schema marts) holds personal data: tags and values (tools/check_pii.py).
pii-check: setup
	$(BIN)/python -m tools.check_pii --database data/test.duckdb --target-path target

# dbt-score rates the models, sources, seeds and macros on their metadata (owners, descriptions,
# tests); fails below the minimum in pyproject.toml, [tool.dbt-score] (docs/package.md).
score: setup-test
	DBT_DUCKDB_PATH=:memory: $(DBT) parse --quiet $(SAMPLE_VARS) --target-path target/score
	$(BIN)/dbt-score lint --manifest target/score/manifest.json

# Spark (the engine tests) needs Java 17: Debian's headless runtime when no java is on the PATH.
java:
	@if ! command -v java > /dev/null; then \
		echo "==> Installing Debian's openjdk-17-jre-headless (for the Spark tests)"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
			openjdk-17-jre-headless > /dev/null; \
	fi

pytest: setup-test browser java
	SPARK_LOCAL_IP=127.0.0.1 $(BIN)/python -m pytest -n 2 --dist loadfile --durations 25 tools/tests

test: lint build-test docs-check pii-check score pytest

# Not part of the test command: generates 100k/1M/10M-order data sets and times the build.
benchmark: setup
	$(BIN)/python -m tools.benchmark $(if $(SIZES),--sizes $(SIZES)) $(if $(SHAPES),--shapes $(SHAPES)) \
		$(if $(RUNS),--runs $(RUNS)) \
		$(if $(MEMORY_LIMIT),--memory-limit $(MEMORY_LIMIT))

clean:
	rm -rf $(VENV) target logs data dbt_packages
