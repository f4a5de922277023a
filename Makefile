# Two promises: `make run` sets everything up and serves the site; `make test` sets up and
# passes every test. Both are safe to run again: steps re-run only when their inputs change.

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres lint format bench setup setup-dev clean system-packages

run: setup
	$(PY) manage.py migrate --noinput
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

# The suite runs twice: on SQLite, as on a laptop, then on a throwaway PostgreSQL, as in production.
test: setup-dev system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest
	bash scripts/with-postgres.sh $(PY) -m pytest

# One pass only, e.g. `make test-postgres ARGS="tests/test_servers.py -x"`.
test-sqlite: setup-dev system-packages
	$(PY) -m pytest $(ARGS)

test-postgres: setup-dev system-packages
	bash scripts/with-postgres.sh $(PY) -m pytest $(ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup-dev
	for name in engine grammar ws classroom kill pages; do $(PY) bench/$$name.py || exit 1; done

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

# Browser tests drive Debian's Chromium; redis-server and PostgreSQL back the cross-process tests.
# The tests start their own Redis and PostgreSQL, so the package must not create and start a
# cluster of its own (create_main_cluster = false).
system-packages:
	@command -v chromium >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 \
		&& ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		echo "Installing chromium, redis-server and postgresql from Debian's packages"; \
		mkdir -p /etc/postgresql-common/createcluster.d && \
		echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/no-main-cluster.conf && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium redis-server postgresql; }

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
