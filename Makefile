# The two commands of the quick start: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.daykit-installed

# nbgrader needs alembic (in the venv) on PATH when it creates a gradebook.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export MPLBACKEND := Agg
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup test demo build lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

build: setup
	$(BIN)/daykit build

lint: setup
	$(BIN)/ruff check daykit tests hidden variants solutions benchmarks

test: setup
	$(BIN)/daykit build --check
	$(BIN)/ruff check daykit tests hidden variants solutions benchmarks
	$(BIN)/pytest -n auto --dist loadfile --durations=20 tests hidden --target solutions

demo: setup
	$(BIN)/daykit demo

clean:
	rm -rf $(VENV) release submitted autograded feedback results gradebook.db grades.csv demo .pytest_cache
