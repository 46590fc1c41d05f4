# Two commands for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
# Two virtualenvs, each exactly one lock file (README, "Pinned installs"): .venv runs the
# product (demo, serve, bench) with no test tools in it; .venv-test runs lint and the tests.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TEST_VENV := .venv-test
TEST_BIN := $(TEST_VENV)/bin
TEST_STAMP := $(TEST_VENV)/.installed-stamp
PROD_LOCK := requirements/prod.txt
DEV_LOCK := requirements/dev.txt
PORT ?= 8000
DEV := DEBUG=1

.PHONY: install demo seed serve serve-demo bench bench-pg bench-pg-xl browser test test-fast lint format migrations-check messages backup lock clean

# A venv is rebuilt from scratch when its lock file changes, so it holds exactly the lock:
# nothing left over from an older lock, and every file checked against its hash.
$(STAMP): $(PROD_LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(PROD_LOCK)
	touch $(STAMP)

$(TEST_STAMP): $(DEV_LOCK)
	rm -rf $(TEST_VENV)
	$(PYTHON) -m venv $(TEST_VENV)
	$(TEST_BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	touch $(TEST_STAMP)

install: $(STAMP) $(TEST_STAMP)

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
## secret key is generated into .secret-key, mode 0600, when none is set).
SERVE_ENV = DEBUG=0 SECRET_KEY="$${SECRET_KEY:-$$(cat .secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}"
WORKERS ?= 2
serve: $(STAMP)
	@test -n "$$SECRET_KEY" || $(BIN)/python -m incubator.keyfile .secret-key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(BIN)/gunicorn incubator.wsgi --config python:incubator.gunicorn \
		--workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - \
		--forwarded-allow-ips 127.0.0.1

## serve-demo: the demo data, served by the production configuration; the demo users get
## random passwords, printed once (never the public demo password with DEBUG off)
serve-demo: $(STAMP)
	@test -n "$$SECRET_KEY" || $(BIN)/python -m incubator.keyfile .secret-key
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	PORT=$(PORT) $(SERVE_ENV) $(BIN)/python manage.py seed_demo --allow-production
	$(MAKE) serve

## bench: the speed/memory benchmark (bars P1-P7) on generated data in its own databases;
## writes bench-results.json and docs/benchmarks.md. bench-pg: the same on PostgreSQL.
BENCH_ENV = DEBUG=0 TESTING=0 STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 \
	ALLOWED_HOSTS=testserver,127.0.0.1,localhost
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench: $(STAMP)
	@.ci/ensure-wrk
	env -u DATABASE_URL $(BENCH_ENV) $(BIN)/python manage.py bench

bench-pg: $(STAMP)
	@.ci/ensure-wrk
	DATABASE_URL=$(BENCH_PG_URL) $(BENCH_ENV) $(BIN)/python manage.py bench \
		--json bench-results-pg.json --markdown docs/benchmarks-pg.md

## bench-pg-xl: bar P8 on PostgreSQL, the large set against ten times it (100,000 startups,
## a million rounds; the first run builds the database bench_xl, later runs reuse it)
bench-pg-xl: $(STAMP)
	DATABASE_URL=$(BENCH_PG_URL) $(BENCH_ENV) $(BIN)/python manage.py bench --xl \
		--json bench-results-pg-xl.json --markdown docs/benchmarks-pg-xl.md

backup: $(STAMP)
	DEBUG=0 $(BIN)/python manage.py backup

## browser: Debian's Chromium and chromedriver for the browser tests, installed when missing
## (as root or with passwordless sudo); otherwise one line saying what to install.
browser:
	@.ci/ensure-chromium

## test: lint, migrations in step with the models, the whole suite, in parallel (one
## process and one test database per core)
PYTEST := TESTING=1 $(TEST_BIN)/python -m pytest
test: browser $(TEST_STAMP) lint migrations-check
	$(PYTEST) -n auto

## test-fast: the edit loop; the same without the slow tests (browser, schemathesis,
## concurrency, demo data)
test-fast: $(TEST_STAMP) lint migrations-check
	$(PYTEST) -n auto -m "not slow"

lint: $(TEST_STAMP)
	$(TEST_BIN)/ruff check .
	$(TEST_BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(TEST_BIN)/ruff check --fix .
	$(TEST_BIN)/ruff format .

migrations-check: $(TEST_STAMP)
	$(TEST_BIN)/python manage.py makemigrations --check --dry-run

## messages: refresh and compile the translation catalogs (zh_Hans, en)
messages: $(STAMP)
	$(DEV) $(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --no-location \
		--ignore=.venv --ignore=.venv-test --ignore=.venv-lock
	$(DEV) $(BIN)/python manage.py compilemessages \
		--ignore=.venv --ignore=.venv-test --ignore=.venv-lock

## lock: re-resolve both lock files to the newest releases pyproject.toml allows, with the
## hash of every file; the dev lock is constrained by the prod lock so versions agree.
## pip-tools lives in a venv of its own (.venv-lock), installed on first use.
LOCK_VENV := .venv-lock
PIP_COMPILE := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras \
	--no-emit-index-url --no-emit-find-links --upgrade
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || \
		{ $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet pip-tools; }
	$(PIP_COMPILE) -o $(PROD_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev -c $(PROD_LOCK) -o $(DEV_LOCK) pyproject.toml

clean:
	rm -rf $(VENV) $(TEST_VENV) $(LOCK_VENV) .pytest_cache .ruff_cache staticfiles .test-db*
