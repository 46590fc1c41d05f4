# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
DEV := DEBUG=1

.PHONY: install demo seed serve-dev test lint format migrations-check messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: install, migrate, load the demo data, print the logins, serve on 127.0.0.1:$(PORT)
demo: $(STAMP)
	@echo "Serving on http://127.0.0.1:$(PORT)/"
	$(DEV) $(BIN)/python manage.py migrate --noinput
	PORT=$(PORT) $(DEV) $(BIN)/python manage.py seed_demo
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

seed: $(STAMP)
	$(DEV) $(BIN)/python manage.py migrate --noinput
	PORT=$(PORT) $(DEV) $(BIN)/python manage.py seed_demo

## test: lint, migrations in step with the models, the whole suite
test: $(STAMP) lint migrations-check
	TESTING=1 $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

## messages: refresh and compile the translation catalogs (zh_Hans, en)
messages: $(STAMP)
	$(DEV) $(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles .test-db*
