# InnoHub — developer commands. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST_ARGS ?=
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint typecheck migrations-check test-sqlite test-postgres bench messages demo worker e2e fuzz audit

$(VENV)/.installed: pyproject.toml build-constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check --upgrade "pip>=25.3"
	$(PIP) install -q --disable-pip-version-check --build-constraint build-constraints.txt -e ".[dev]"
	touch $@

## node_modules: axe-core for the browser accessibility test (tests/e2e/test_accessibility.py), from the npm registry
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

## make run: virtualenv, install, migrate, taxonomies, demo data, serve http://127.0.0.1:8000 (SQLite)
run: install
	env -u DATABASE_URL $(PY) manage.py migrate --noinput
	env -u DATABASE_URL $(PY) manage.py load_taxonomies
	env -u DATABASE_URL $(PY) manage.py demo --if-empty
	env -u DATABASE_URL $(PY) manage.py runserver 127.0.0.1:8000

## make worker: background task worker (imports, exports, …)
worker: install
	$(PY) manage.py run_worker

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: install
	$(VENV)/bin/mypy src/innohub

migrations-check: install
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=innohub.config.settings.test $(PY) manage.py makemigrations --check --dry-run

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest -n 2 $(PYTEST_ARGS)

test-postgres: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== test suite on PostgreSQL ($$DATABASE_URL)"; \
		$(PY) -m pytest -n 2 $(PYTEST_ARGS); \
	else echo "== DATABASE_URL not set: PostgreSQL run skipped"; fi

## make test: lint, types, migrations check, whole suite on SQLite, then on PostgreSQL if DATABASE_URL is set
test: lint typecheck migrations-check test-sqlite test-postgres

## make audit: known vulnerabilities in the installed dependencies (pip-audit); fails on one, only warns
## when no advisory source (PyPI JSON API, OSV) can be reached. See .ci/audit.py.
audit: install
	$(PY) .ci/audit.py --pip-audit $(VENV)/bin/pip-audit

## make bench: every benchmark, each printing one JSON line
bench: install
	$(PY) benchmarks/search.py --orgs 100000
	$(PY) benchmarks/portal.py
	$(PY) benchmarks/import.py --rows 100000
	$(PY) benchmarks/load.py

## make load: production server (gunicorn, prod settings, PostgreSQL) under 50 simulated users for 60 s
load: install
	$(PY) benchmarks/load.py $(LOAD_ARGS)

## make fuzz: schemathesis over /api/v1/openapi.json with a long budget (make test runs a short one)
INNOHUB_FUZZ_EXAMPLES ?= 100
fuzz: install
	env -u DATABASE_URL INNOHUB_FUZZ_EXAMPLES=$(INNOHUB_FUZZ_EXAMPLES) INNOHUB_FUZZ_COVERAGE=1 \
		$(PY) -m pytest -n 2 tests/fuzz $(PYTEST_ARGS)

messages: install
	cd src/innohub && ../../$(PY) ../../manage.py makemessages -l vi -l en -l ko --no-obsolete --ignore "*/migrations/*"
	cd src/innohub && ../../$(PY) ../../manage.py compilemessages
