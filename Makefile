# The two commands in the README (make serve, make test) set up everything they need.
PYTHON ?= python3
# The data.police.uk force whose neighbourhoods `make import-police` imports.
POLICE_FORCE ?= west-mercia
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: serve build build-publish publish test validate lint clean setup setup-test \
	import-police import-crime setup-cms system-packages cms

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(STAMP)

setup-test: $(TEST_STAMP) system-packages

# Debian's Chromium, nginx, rsync, npm and WeasyPrint's libraries, when missing.
system-packages:
	@bash scripts/ensure-system-packages.sh

# The form editor's npm packages (Decap CMS, decap-server, yaml), at the versions in
# package-lock.json; only the targets that serve /admin/ need them.
CMS_STAMP := node_modules/.installed
$(CMS_STAMP): package.json package-lock.json | system-packages
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

setup-cms: $(CMS_STAMP)

# The targets that serve /admin/ (publishconf.py sets CMS_ADMIN) or test it.
build-publish publish test cms: setup-cms

# The form editor on this computer, editing the files here: see CONTRIBUTING.md.
cms: setup
	$(BIN)/invoke cms

build: setup
	$(BIN)/invoke build

build-publish: setup
	$(BIN)/invoke build --publish

publish: setup
	$(BIN)/invoke publish

serve: setup
	$(BIN)/invoke build serve

validate: setup
	$(BIN)/invoke validate

test: setup-test
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2

lint: setup-test
	$(BIN)/ruff check .

clean:
	rm -rf output .pytest_cache __pycache__

import-police: setup
	$(BIN)/invoke import-police --force $(POLICE_FORCE)

import-crime: setup
	$(BIN)/invoke import-crime
