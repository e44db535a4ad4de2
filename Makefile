# make run: set up and serve the app on the demo county. make test: set up and run every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STORE ?= data/store
PORT ?= 8501

.PHONY: setup run test test-fast demo bench lint clean-store

$(VENV)/.installed: requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	touch $@

static/leaflet/leaflet.js: $(VENV)/.installed
	mkdir -p static/leaflet
	leaflet="$$($(PY) -c 'import xstatic.pkg.leaflet as x; print(x.BASE_DIR)')" && test -d "$$leaflet" && cp -r "$$leaflet"/. static/leaflet/
	touch $@

setup: $(VENV)/.installed static/leaflet/leaflet.js

demo: setup
	$(PY) -m analytics demo --if-empty --store $(STORE)

run: demo
	DASHBOARD_STORE=$(STORE) $(PY) -m streamlit run app.py --server.port $(PORT) --server.address 127.0.0.1

# Tiers (tests/conftest.py): unit, page (AppTest) and browser (tests/e2e), and across the first two
# the `slow` tests (pyproject.toml). Unit and page tests run in $(TEST_WORKERS) processes, each
# building the demo county once; browser tests run one at a time, as they serve the app and drive
# Chromium.
TEST_WORKERS ?= 2

# everything, as CI runs it: the layers, the unit and page tiers (slow tests included), then the browser tier
test: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not browser" -n $(TEST_WORKERS) --dist loadfile
	$(PY) -m pytest -m browser

# the inner loop: the layers, then the unit and page tiers without the slow tests
test-fast: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not browser and not slow" -n $(TEST_WORKERS) --dist loadfile

bench: setup
	$(PY) -m bench

lint: setup
	$(PY) -m ruff check .
