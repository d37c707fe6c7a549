# Two commands do all the set-up (see README):
#   make run   - create/update .venv, build the embedded data if missing, start the dashboard
#   make test  - create/update .venv with the test tools, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test data lint bench clean-data

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps re-run pip only when a requirements file changed.
$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	# GDAL's GeoPackage validator (osgeo_utils/samples/validate_gpkg.py) needs only sqlite3;
	# gdal-utils declares the GDAL bindings, which do not build without libgdal-dev.
	$(BIN)/python -m pip install --quiet --no-deps gdal-utils==3.13.3.0
	touch $(VENV)/.run-installed $@

data: $(VENV)/.run-installed
	$(BIN)/python -m lib.cli build-demo --if-missing

run: data
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks.run

clean-data:
	rm -f geodata/great_return.gpkg
