# Two promises: `make run` sets everything up and serves the site; `make test` sets up and
# passes every test. Both are safe to run again: steps re-run only when their inputs change.

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench setup setup-dev clean chromium

run: setup
	$(PY) manage.py migrate --noinput
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

test: setup-dev chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup-dev
	for script in bench/*.py; do $(PY) $$script || exit 1; done

setup: $(VENV)/.stamp-app node_modules/.stamp

setup-dev: $(VENV)/.stamp-dev node_modules/.stamp

# The venv is rebuilt if it was made by a Python older than 3.12.
$(VENV)/.stamp-python:
	@if [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then :; else \
		rm -rf $(VENV) && PYTHON_BIN=$$(sh scripts/find-python.sh) && \
		echo "Creating $(VENV) with $$PYTHON_BIN" && $$PYTHON_BIN -m venv $(VENV); fi
	@touch $@

$(VENV)/.stamp-app: requirements.txt $(VENV)/.stamp-python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.stamp-dev: requirements-dev.txt $(VENV)/.stamp-app
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's Chromium; Redis backs the cross-process tests.
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 || { \
		echo "Installing chromium and redis-server from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium redis-server; }

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
