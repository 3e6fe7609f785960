# One entry point for people and CI. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench ui

$(BIN)/srpipeline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

setup: $(BIN)/srpipeline

demo: setup
	$(BIN)/srpipeline demo

test: setup
	$(BIN)/pytest -n 2 --durations=15

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup
	$(BIN)/python -m benchmarks

ui: setup
	$(BIN)/srpipeline ui
