# innobot — the README's two commands: `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit services bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	$(PY) -m compileall -q bot retrieval scoring >/dev/null
	touch $(STAMP)

## demo: set up, build the index from corpus/ and open the console chat
demo: $(STAMP)
	@# bytecode as an installed package ships it (a cold command then skips compiling ~0.1 s of source)
	$(PY) -m compileall -q bot retrieval scoring >/dev/null
	$(VENV)/bin/innobot index build
	$(VENV)/bin/innobot chat

## test: ruff, mypy, import contracts and pytest (loopback servers started by the test setup)
test: $(STAMP) services lint typecheck unit

lint: $(STAMP)
	$(VENV)/bin/ruff check bot retrieval scoring tests bench
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider

## services: install (not start) what the loopback test servers need: PostgreSQL, Node emulator
services:
	bash tests/services/install.sh

bench: $(STAMP)
	for f in bench/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache
