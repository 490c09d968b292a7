# Two commands for a fresh machine (Debian, Python 3.11):
#   make run    install the app's dependencies in .venv and start it on http://localhost:8501
#   make test   install what the tests need (Debian chromium, postgresql, nginx) and run every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check lock venv deps dev-deps system-deps postgres bench load geodata registers image-test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# requirements*.txt pin the direct dependencies; requirements.lock pins every transitive one
# (regenerate with `make lock` after changing a pin).
deps: $(PY)
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock

dev-deps: $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt -c requirements.lock
	npm ci --no-audit --no-fund --prefix tests >/dev/null  # axe-core, served to the browser tests from disk

lock: dev-deps
	$(PY) -m pip freeze --exclude-editable | sed '/^-e /d' > requirements.lock

# Lint, format and type checks (pyproject.toml), then every test.
check: dev-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# Only what is missing: asking apt for npm where NodeSource's nodejs (which ships npm) is
# installed makes the whole install fail on a conflict.
system-deps:
	@missing=""; \
	  test -x /usr/bin/chromium || missing="$$missing chromium"; \
	  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	  command -v npm >/dev/null || missing="$$missing npm"; \
	  [ -z "$$missing" ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; }

# A local PostgreSQL for the storage tests (same tests as SQLite): start the cluster, create
# a test role and database (idempotent).
PG_URL := postgresql+psycopg://alliance:alliance@127.0.0.1:5432/alliance_test
postgres: system-deps
	@v=$$(ls /usr/lib/postgresql | sort -V | tail -1); \
	  pg_lsclusters -h | grep -q "^$$v main" || $(SUDO) pg_createcluster $$v main >/dev/null; \
	  $(SUDO) pg_ctlcluster $$v main start 2>/dev/null || true; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 && break; sleep 1; done; \
	  $(SUDO) runuser -u postgres -- psql -qtc "SELECT 1 FROM pg_roles WHERE rolname='alliance'" | grep -q 1 || \
	    $(SUDO) runuser -u postgres -- psql -qc "CREATE ROLE alliance LOGIN PASSWORD 'alliance'"; \
	  $(SUDO) runuser -u postgres -- psql -qtc "SELECT 1 FROM pg_database WHERE datname='alliance_test'" | grep -q 1 || \
	    $(SUDO) runuser -u postgres -- psql -qc "CREATE DATABASE alliance_test OWNER alliance"

# FORWARDED_ALLOW_IPS: reverse proxies whose X-Forwarded-For is believed (none unless set; the
# server's own default would believe any local process).
run: deps
	FORWARDED_ALLOW_IPS="$${FORWARDED_ALLOW_IPS:-}" $(PY) -m alliance.app.serve

test: system-deps postgres check
	ALLIANCE_TEST_POSTGRES_URL=$(PG_URL) $(PY) -m pytest -q

bench: system-deps dev-deps
	$(PY) benchmarks/run.py

load: system-deps postgres dev-deps
	ALLIANCE_TEST_POSTGRES_URL=$(PG_URL) $(PY) benchmarks/load.py

geodata: dev-deps
	$(PY) scripts/build_geodata.py

registers: dev-deps
	$(PY) scripts/build_registers.py

# The container image of deploy/ built with podman and run (PostgreSQL, two replicas, nginx),
# then visited through nginx (tests/test_image.py); several minutes, outside `make test`.
image-test: system-deps dev-deps
	@for tool in podman runc debootstrap; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	  [ -z "$$missing" ] || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; }
	ALLIANCE_IMAGE_TEST=1 $(PY) -m pytest -q -s tests/test_image.py
