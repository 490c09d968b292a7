# Two commands for a fresh machine (Debian, Python 3.11):
#   make run    install the app's dependencies in .venv and start it on http://localhost:8501
#   make test   install what the tests need (Debian chromium included) and run every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test venv deps dev-deps system-deps bench geodata

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

deps: $(PY)
	$(PY) -m pip install --quiet -r requirements.txt

dev-deps: $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt

system-deps:
	@command -v /usr/bin/chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

run: deps
	$(PY) -m streamlit run dashboard.py

test: system-deps dev-deps
	$(PY) -m pytest -q

bench: system-deps dev-deps
	$(PY) benchmarks/run.py

geodata: deps
	$(PY) scripts/build_geodata.py
