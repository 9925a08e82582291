# Chefskartan: few verbs. `make demo` and `make test` work on a fresh machine with python3.11, make and apt.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export UV_PYTHON_DOWNLOADS := never
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: env demo test test-fast lint bench chromium clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The environment, exactly as uv.lock pins it; its bytecode compiled once here, since with
# PYTHONDONTWRITEBYTECODE set no Python start would cache it (`import prefect` 4.3 -> 2.1 CPU s).
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --locked --quiet --python $(PYTHON) --compile-bytecode
	touch $@

env: $(VENV)/.synced

# Browser tests drive Debian's chromium (Playwright cannot download browsers here); the poster
# tests read the printed PDFs with poppler's pdftotext and pdfinfo.
chromium:
	@{ command -v chromium && command -v pdftotext; } >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium poppler-utils \
		>/dev/null; }

demo: env
	$(VENV)/bin/chefskartan demo --dir demo

test: env chromium
	$(VENV)/bin/pytest

test-fast: env
	$(VENV)/bin/pytest -m "not browser"

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: env
	$(VENV)/bin/python benchmarks/bench_refresh.py
	$(VENV)/bin/python benchmarks/bench_pages.py
	$(VENV)/bin/python benchmarks/bench_survey_fast_path.py
	$(VENV)/bin/python benchmarks/bench_scale.py
	$(VENV)/bin/python benchmarks/bench_steady.py

clean:
	rm -rf $(VENV) $(TOOLS) demo test-artifacts
