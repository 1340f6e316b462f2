# The two commands of the README: `make demo` and `make test`.
# Both create .venv with python3 if it is missing and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint format typecheck bench clean fuzz docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.core-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: $(VENV)/.core-installed
	$(BIN)/python -m lupusscore report

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy --strict src

# pytest runs on every core (pytest-xdist, `PYTEST_WORKERS=0` runs in-process);
# each test file stays on one worker (--dist loadfile), so a module's fixtures,
# such as the Dask cluster, start once.
PYTEST_WORKERS ?= auto

test: lint typecheck
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# Fuzz every public entry point (100,000+ hypothesis examples, 2 processes,
# under ~20 min); prints a table per entry point, exits non-zero on any call
# outside the error contract. See docs/fuzzing.md.
fuzz: $(VENV)/.test-installed
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python tests/fuzz/run_fuzz.py --jobs 2

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix src tests benchmarks scripts
	$(BIN)/ruff format src tests benchmarks scripts

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/bench_convert.py
	$(BIN)/python benchmarks/bench_egfr.py
	$(BIN)/python benchmarks/bench_cohort.py
	$(BIN)/python benchmarks/bench_synthetic.py
	$(BIN)/python benchmarks/bench_percall.py
	$(BIN)/python benchmarks/bench_segments.py
	$(BIN)/python benchmarks/bench_sledai_cohort.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis docs/_build docs/_generated

# The documentation site: Sphinx + MyST + numpydoc, warnings are errors.
$(VENV)/.docs-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,docs]'
	touch $@

docs: $(VENV)/.docs-installed
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "docs: docs/_build/html/index.html"
