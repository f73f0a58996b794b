# licflow: the two commands a fresh machine needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo test lint bench soak catalogs deps system-deps clean

## run: install, migrate, deploy bpmn/ and serve on http://127.0.0.1:8080
run: deps
	$(BIN)/licflow init
	$(BIN)/licflow serve

## demo: with `make run` serving, submit the seeded stories through the signed portal API
demo: deps
	$(BIN)/licflow demo

## test: install everything the tests need, lint, then run the suite on SQLite and PostgreSQL
test: deps lint
	$(BIN)/pytest -q

## lint: ruff, the import-direction contracts and bpmnlint on every diagram
lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	npm run --silent lint:bpmn

## bench: benchmarks, printed as tables
bench: deps
	$(BIN)/python -m bench

## catalogs: bring the kk, ru and en translation catalogs in step with the texts the code marks
catalogs: deps
	$(BIN)/python -m licflow.translations

## soak: the crash soak: serve and two workers killed at random, every case and effect counted (heavy)
soak: deps
	$(BIN)/python -m bench.soak

deps: $(STAMP) node_modules/.installed system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf  # engine/pdf_text.py writes documents in it

## system-deps: Debian's DejaVu fonts for the PDF documents and chromium for the browser tests (installed when missing and run as root)
system-deps:
	@if [ ! -f $(FONT) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian's fonts-dejavu-core: documents print Kazakh and Russian letters in it"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else \
	    echo "$(FONT) is missing: run 'sudo apt-get install fonts-dejavu-core'; no PDF document is written without it"; \
	  fi; \
	fi
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' for the browser tests"; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
