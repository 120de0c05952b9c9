# Two commands on a fresh machine:
#   make run    installs everything, migrates a SQLite database, loads the demo province
#               and serves the app on http://127.0.0.1:5000 (make run PORT=8080 HOST=0.0.0.0)
#   make test   installs everything and runs the whole test suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
# the address emails link to when TRACKER_BASE_URL is not set (a login then remembers the
# address the browser used); listening on every interface, the machine's name
SERVED_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),$(shell hostname),$(HOST))

.PHONY: install run test lint format translations

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# the committed .mo files could be stale after a .po edit: compile them again
	if [ -x $(BIN)/pybabel ]; then $(BIN)/pybabel -q compile -d tracker/translations; fi
	touch $@

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --served-url http://$(SERVED_HOST):$(PORT)
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# after changing UI text: extract, merge into the English catalog, translate, then compile
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project tracker -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations -l en \
		--no-wrap --ignore-obsolete
	$(BIN)/pybabel compile -d tracker/translations --statistics
