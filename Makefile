# Two commands on a fresh machine:
#   make run    installs everything, migrates a SQLite database, loads the demo province
#               and serves the app on http://127.0.0.1:5000
#   make test   installs everything and runs the whole test suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test lint format translations

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

translations: install
	$(BIN)/pybabel extract -F babel.cfg -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d tracker/translations -l en
	$(BIN)/pybabel compile -d tracker/translations
