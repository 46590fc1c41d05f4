# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-stamp
DEV := DEBUG=1

.PHONY: install demo seed serve serve-demo bench bench-pg browser test lint format migrations-check messages backup clean

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

## serve: the production configuration (gunicorn + whitenoise, DEBUG off) on 127.0.0.1:$(PORT)
## against DATABASE_URL; SECRET_KEY and ALLOWED_HOSTS come from the environment (a local
## secret key is generated into .secret-key when none is set).
SERVE_ENV = DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"
WORKERS ?= 2
serve: $(STAMP)
	@test -n "$$SECRET_KEY" -o -s .secret-key || \
		$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > .secret-key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/gunicorn incubator.wsgi --workers $(WORKERS) \
		--bind 127.0.0.1:$(PORT) --access-logfile - --forwarded-allow-ips 127.0.0.1

## serve-demo: the demo data, served by the production configuration
serve-demo: seed serve

## bench: the speed/memory benchmark (bars P1-P7) on generated data in its own databases;
## writes bench-results.json and docs/benchmarks.md. bench-pg: the same on PostgreSQL.
BENCH_ENV = DEBUG=0 TESTING=0 STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=testserver,127.0.0.1,localhost
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench: $(STAMP)
	env -u DATABASE_URL $(BENCH_ENV) $(BIN)/python manage.py bench

bench-pg: $(STAMP)
	DATABASE_URL=$(BENCH_PG_URL) $(BENCH_ENV) $(BIN)/python manage.py bench \
		--json bench-results-pg.json --markdown docs/benchmarks-pg.md

backup: $(STAMP)
	DEBUG=0 $(BIN)/python manage.py backup

## browser: Debian's Chromium and chromedriver for the browser tests, installed when missing
## (as root or with passwordless sudo); otherwise one line saying what to install.
browser:
	@.ci/ensure-chromium

## test: lint, migrations in step with the models, the whole suite
test: browser $(STAMP) lint migrations-check
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
