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
	cp -r "$$($(PY) -c 'import xstatic.pkg.leaflet as x; print(x.BASE_DIR)')"/. static/leaflet/
	touch $@

setup: $(VENV)/.installed static/leaflet/leaflet.js

demo: setup
	$(PY) -m analytics demo --if-empty --store $(STORE)

run: demo
	DASHBOARD_STORE=$(STORE) $(PY) -m streamlit run app.py --server.port $(PORT) --server.address 127.0.0.1

test: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# the inner loop: the layers, then every test but the browser tier
test-fast: setup
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not browser"

bench: setup
	$(PY) -m bench

lint: setup
	$(PY) -m ruff check .
