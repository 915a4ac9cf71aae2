# HRMS Lite. `make run` serves the app, `make test` runs the whole test suite;
# both set everything up first (virtualenv, pinned dependencies, local settings).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test e2e browser bench serve setup lint check clean

# The web server, a background-job worker and the scheduler, in one process group:
# Ctrl-C stops all three (manage.py run_all).
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py bootstrap_demo --url http://127.0.0.1:$(PORT)/
	$(BIN)/python manage.py run_all 127.0.0.1:$(PORT)

# One worker per core (pytest-xdist); each has its own test database and Redis database.
test: setup
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# The browser tests (e2e/): Playwright driving Chromium, axe-core accessibility checks, the
# layout of every page at four widths (screenshots in e2e/artifacts/) and the dashboard's
# page weight. Kept out of `make test`. `make browser` provides the browser first.
E2E_CHROMIUM ?= /usr/bin/chromium
e2e: setup browser
	E2E_CHROMIUM=$(E2E_CHROMIUM) $(BIN)/pytest e2e -n 2 $(PYTEST_ARGS)

# Chromium for the browser tests: Debian's package where it can be installed (as root, or
# with password-less sudo), else Playwright's own download (used when E2E_CHROMIUM is missing).
browser: setup
	@if [ -x "$(E2E_CHROMIUM)" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	elif command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then \
	  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	else \
	  echo "No Chromium at $(E2E_CHROMIUM): downloading Playwright's own."; \
	  $(BIN)/playwright install chromium; \
	fi

# The benchmark (the bench/ package, run as `python -m bench` from this folder;
# docs/performance.md): 10,000 employees x 250 days under gunicorn. `make bench` (SQLite
# in a temp folder), `make bench BENCH_DB=postgres`
# (postgres://postgres@127.0.0.1:5432/hrms_bench, dropped and recreated) or
# `DATABASE_URL=postgres://.../hrms_bench make bench`; more options: BENCH_ARGS='--reuse'.
# The large size: BENCH_ARGS='--employees 100000 --departments 250 --days 250'. Many
# clients at once: BENCH_ARGS='--load --redis-url redis://127.0.0.1:6379/13'.
# `.venv/bin/python -m bench --help` lists every option.
BENCH_DB ?= sqlite
bench: setup
	$(BIN)/python -m bench --db $(BENCH_DB) $(BENCH_ARGS)

# The production server on this machine: gunicorn, DEBUG off, static files compressed
# and cache-busted by whitenoise; plain HTTP on 127.0.0.1:$(PORT) (put TLS in front for real use).
PRODUCTION_HERE := DEBUG=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 SECURE_COOKIES=false \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost}
serve: setup
	$(PRODUCTION_HERE) $(BIN)/python manage.py migrate --noinput
	$(PRODUCTION_HERE) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(PRODUCTION_HERE) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py hrms.wsgi

setup: $(VENV)/.installed .env

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "HRMS Lite needs Python 3.11 (found " + sys.version.split()[0] + "). Set PYTHON=/path/to/python3.11.")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Local settings for development: DEBUG on, two-factor sign-in optional (the demo opens in
# one step) and a random secret key. Never committed.
.env:
	@$(PYTHON) -c 'import secrets; print("# Written by make for local development; never commit it.\nDEBUG=true\nTWO_FACTOR_REQUIRED=false\nSECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env (DEBUG on, two-factor sign-in optional, random SECRET_KEY)."

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
