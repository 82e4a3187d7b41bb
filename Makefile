# parindex — the front door. `make help` lists the verbs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help install standardise reports test test-fast lint lab explore bench clean

help:  ## list the verbs
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

# pip without its version notice; setuptools' "Editable installation" banner is advice for package authors.
PIP    := PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip --disable-pip-version-check

$(STAMP): pyproject.toml
	@echo "Installing parindex and its dependencies into $(VENV) (about a minute the first time)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --quiet --upgrade pip
	@$(PIP) install --quiet -e '.[dev]'
	@$(PY) -m ipykernel install --prefix $(VENV) --name parindex --display-name "Python (parindex)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project (done by every verb)

standardise: $(STAMP)  ## data/raw → data/processed/scores.csv
	$(VENV)/bin/parindex standardise

reports: $(STAMP)  ## standardise, run every notebook for every unit and quarter, render HTML into reports/
	$(VENV)/bin/parindex run --params params/2024-FY.yaml
	$(VENV)/bin/parindex run --params params/2024-FY.yaml --lang en
	$(VENV)/bin/parindex run --params params/2024-Q3.yaml
	$(VENV)/bin/parindex run --params params/2024-Q3.yaml --lang en
	$(VENV)/bin/parindex run --params params/2025-FY.yaml
	$(VENV)/bin/parindex run --params params/2025-FY.yaml --lang en
	$(VENV)/bin/parindex run --params params/2025-Q3.yaml
	$(VENV)/bin/parindex run --params params/2025-Q3.yaml --lang en

test: $(STAMP)  ## lint and run the whole test suite (notebooks, runs, browser: ~10 min on 2 cores)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

test-fast: $(STAMP)  ## lint and run the unit, property and docstring tests (no notebook, run or browser; < 1 min)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -m "not slow and not notebook and not browser"

lint: $(STAMP)  ## ruff
	$(VENV)/bin/ruff check .

lab: standardise  ## open JupyterLab on the notebooks with the project's kernel
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

explore: standardise  ## serve the scenario explorer in a browser, without code (Voilà; Ctrl+C stops it)
	$(VENV)/bin/parindex explore

bench: $(STAMP)  ## run the benchmarks and print their figures
	$(PY) benchmarks/bench_analyses.py
	$(PY) benchmarks/bench_readers.py
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/bench_peers.py

clean:  ## remove generated files (reports/, data/processed/)
	find reports data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
