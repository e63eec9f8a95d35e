# Developer and CI entry points. `make test` is the one command that installs everything the tests need
# (Python packages in .venv, npm packages, Debian's chromium) and runs the whole suite.

SHELL := bash
VENV ?= .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: dev test test-python test-web lint system-deps demo clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Chromium for the browser tests (Playwright drives Debian's /usr/bin/chromium; it downloads no browser).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing chromium (Debian package) for the browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

# The package in editable mode with the dev tools; installing it builds the web UI (npm ci + vite build).
dev: $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"

test-web: dev
	cd web && npm test

test-python: dev system-deps
	$(PY) -m pytest

test: lint test-web test-python

lint: dev
	$(VENV)/bin/ruff check src tests bench examples
	$(VENV)/bin/ruff format --check src tests bench examples
	$(VENV)/bin/mypy

demo: dev
	$(VENV)/bin/telescope demo

clean:
	rm -rf $(VENV) web/node_modules src/telescope/server/static
