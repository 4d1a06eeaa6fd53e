# dih-ai: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: venv demo test lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

demo: venv
	$(VENV)/bin/dih-ai demo --out out/demo

test: venv lint
	$(PY) -m pytest -q

lint: venv
	$(VENV)/bin/ruff check dih_ai tests bench
	$(VENV)/bin/ruff format --check dih_ai tests bench

format: venv
	$(VENV)/bin/ruff format dih_ai tests bench
	$(VENV)/bin/ruff check --fix dih_ai tests bench

bench: venv
	$(PY) bench/bench_import.py
	$(PY) bench/bench_draft.py

clean:
	rm -rf $(VENV) out dist build .pytest_cache .ruff_cache
