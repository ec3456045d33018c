# Konvergen — the targets CI runs are the ones a developer runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python >= 3.12: on PATH, or installed through pyenv.
PYTHON ?= $(shell for p in python3.12 python3.13 python3 $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V); do \
	  c=$$(command -v $$p 2>/dev/null) || continue; \
	  $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
KONVERGEN := $(VENV)/bin/konvergen
DEMO_REGION ?= 32.04
DEMO_FAMILIES ?= 100000
export KONVERGEN_DEBUG ?= 1

.PHONY: help install demo serve test test-sqlite test-postgres test-browser check bench system-deps lock messages clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/dev.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12+ not found (PATH or ~/.pyenv/versions)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r requirements/dev.lock
	$(VENV)/bin/pip install -q --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: run 'make system-deps' as root"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

locale/id/LC_MESSAGES/django.mo: locale/id/LC_MESSAGES/django.po $(wildcard konvergen/*/locale/id/LC_MESSAGES/django.po) $(VENV)/.installed
	$(PY) scripts/compile_messages.py

install: $(VENV)/.installed node_modules/.installed locale/id/LC_MESSAGES/django.mo ## Virtualenv, locked dependencies, front-end assets, translations

system-deps: ## Debian packages the tests need (Chromium, PostgreSQL, LibreOffice Calc and Writer, Pango); installs them when root
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-calc-nogui"; \
	ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -qi 'liberation' || missing="$$missing fonts-liberation2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run 'sudo make system-deps')"; exit 1; fi; \
	fi

demo: install ## Set up the demo region and serve the app on http://127.0.0.1:8000 (with a job worker)
	$(KONVERGEN) migrate --no-input -v0
	$(KONVERGEN) regions load
	$(KONVERGEN) demo-setup --region $(DEMO_REGION)
	$(KONVERGEN) synth --region $(DEMO_REGION) --families $(DEMO_FAMILIES) --seed 1 --dtsen --out var/demo --force -v0
	$(KONVERGEN) import-register --region $(DEMO_REGION) --snapshot-date 2026-01-15 \
	  --families var/demo/p3ke_keluarga.csv --members var/demo/p3ke_anggota_keluarga.csv
	$(KONVERGEN) import-register --region $(DEMO_REGION) --snapshot-date 2026-03-01 --source dtsen \
	  --families var/demo/dtsen_keluarga.csv --members var/demo/dtsen_anggota_keluarga.csv
	$(KONVERGEN) demo-programmes --region $(DEMO_REGION) --lists var/demo
	$(KONVERGEN) demo-targets --region $(DEMO_REGION)
	$(KONVERGEN) demo-plans --region $(DEMO_REGION)
	$(KONVERGEN) demo-scorecards --region $(DEMO_REGION)
	$(KONVERGEN) demo-meetings --region $(DEMO_REGION)
	$(KONVERGEN) portal-publish --region $(DEMO_REGION) --producer "Sekretariat TKPK (demo)"
	$(KONVERGEN) serve-demo 127.0.0.1:8000

serve: install ## Serve the app and a job worker without re-seeding
	$(KONVERGEN) migrate --no-input -v0
	$(KONVERGEN) serve-demo 127.0.0.1:8000

test: system-deps install check test-sqlite test-postgres ## make check, then the whole test suite: SQLite (with the browser) and PostgreSQL

test-sqlite:
	$(VENV)/bin/pytest -q

test-postgres:
	$(PY) scripts/with_postgres.py -- $(VENV)/bin/pytest -q -m "not browser"

test-browser: install ## Only the real-browser tests
	$(VENV)/bin/pytest -q -m browser

check: install ## ruff, mypy, import contracts (pyproject.toml [tool.importlinter]), missing migrations
	$(VENV)/bin/ruff check konvergen tests benchmarks scripts
	$(VENV)/bin/mypy konvergen
	$(VENV)/bin/lint-imports --no-logo
	KONVERGEN_VAR_DIR=$$(mktemp -d) $(KONVERGEN) makemigrations --check --dry-run

bench: install ## Benchmarks (figures go to docs/benchmarks.md)
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lock: $(VENV)/.installed ## Re-resolve the locked dependencies from pyproject.toml
	$(VENV)/bin/pip install -q uv
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.12 -q -o requirements/base.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.12 -q -o requirements/dev.lock

clean: ## Remove the virtualenv, assets and local database
	rm -rf $(VENV) node_modules var
