# The two commands: `make run` (set up, build the sample) and `make test` (set up, run every check).
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

.PHONY: help setup run test lint build-test docs-check pytest clean

help:
	@echo "make run    set up the environment and build the marts on the bundled sample"
	@echo "make test   set up the environment and run every check (lint, dbt build, pytest)"

# The environment is rebuilt whenever requirements.txt changes.
$(VENV)/.installed: requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	{ $(BIN)/pip install --quiet --requirement requirements.txt 2>&1; } \
		| { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	touch $@

setup: $(VENV)/.installed

run: setup
	mkdir -p data
	$(DBT) build --fail-fast
	@echo "Marts built in $${DBT_DUCKDB_PATH:-data/segments.duckdb} (schema 'marts')."

lint: setup
	$(BIN)/ruff check tools models
	$(BIN)/ruff format --check tools models
	DBT_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models macros tests analyses

build-test: setup
	mkdir -p data
	DBT_DUCKDB_PATH=data/test.duckdb $(DBT) build --fail-fast

docs-check: setup
	DBT_DUCKDB_PATH=data/test.duckdb $(DBT) docs generate --quiet
	$(BIN)/python -m tools.check_docs_coverage target

pytest: setup
	$(BIN)/python -m pytest tools/tests

test: lint build-test docs-check pytest

clean:
	rm -rf $(VENV) target logs data dbt_packages
