# Unrolled: `make run` serves the app, `make test` runs the whole suite. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run run-cluster test test-fast lint format bench models browser js-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Installs exactly the pinned versions of requirements.lock (made by pip-compile from pyproject.toml).
$(VENV)/.installed-run: requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.lock
	touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed-run
	$(BIN)/python -m pip install -q -r requirements-test.lock
	touch $@

run: $(VENV)/.installed-run
	@echo "Unrolled is starting: open http://$(HOST):$(PORT)/ in your browser (Ctrl+C stops it)."
	$(BIN)/python -m uvicorn app.main:app --host $(HOST) --port $(PORT) --log-level warning

# N app processes behind nginx (sessions routed by their token; docs/deploy.md).
NODES ?= 2
run-cluster: $(VENV)/.installed-run browser
	$(BIN)/python scripts/run_cluster.py --nodes $(NODES) --host $(HOST) --port $(PORT)

# Biome (JavaScript lint and format) and axe-core (the accessibility tests), pinned by
# package-lock.json; skipped where npm is missing.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "NOTE: npm is missing: the JavaScript lint test will be SKIPPED."; fi

js-tools: node_modules/.installed

test: $(VENV)/.installed-test browser js-tools
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not e2e"

browser:
	@scripts/ensure-browser.sh

lint: $(VENV)/.installed-test js-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/biome check
	$(BIN)/hadolint Dockerfile

format: $(VENV)/.installed-test js-tools
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	node_modules/.bin/biome check --write

bench: $(VENV)/.installed-test
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

models: $(VENV)/.installed-run
	$(BIN)/python scripts/make_models.py

lock: | $(BIN)/python
	$(BIN)/python -m pip install -q pip-tools
	$(BIN)/pip-compile -q --strip-extras --allow-unsafe --no-header -o requirements.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --allow-unsafe --no-header --extra test -o requirements-test.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis
