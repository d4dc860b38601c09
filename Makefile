# Two promises: `make run` starts the whole product with demo data; `make test` passes.
# Both work on a fresh clone with only Python 3.11 installed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-services lint format migrations-check lock frontend clean bench

$(VENV)/.installed: requirements/app.lock requirements/dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	@touch $@

install: $(VENV)/.installed

# Links printed and mailed follow HOST and PORT (an explicit SITE_URL still wins), and
# mail goes to the local outbox page rather than the console.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: export LOCAL_OUTBOX ?= 1
run: install
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py load_demo
	@$(PY) manage.py collectstatic --noinput --verbosity 0
	@$(PY) manage.py demo_logins
	@echo ""
	@echo "ASB Case Review is starting on http://$(HOST):$(PORT)/staff/ (public pages at http://$(HOST):$(PORT)/)"
	@echo "Emails are not sent: read them at http://$(HOST):$(PORT)/staff/work/outbox/ (signed in)."
	@echo "A Celery worker with beat runs alongside on the embedded transport. Ctrl-C stops both."
	@trap 'kill 0' INT TERM EXIT; \
	  $(VENV)/bin/celery -A asbcr worker --beat --loglevel=INFO --concurrency=1 -Q celery,mail,pdf \
	    --schedule=var/celerybeat-schedule & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# Parallel on every core (pytest-xdist: each worker has its own test database and files);
# TEST_WORKERS=0 runs in one process, as a single test file is best run.
TEST_WORKERS ?= auto
test: install
	@$(PY) -m pytest -n $(TEST_WORKERS)

# The same suite against PostgreSQL and Redis (CI runs this after `make test`).
test-services: install
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m pytest -n $(TEST_WORKERS)

# Every benchmark at one scale, one table (bench/README.md). Use a scratch database you
# may fill: DATABASE_URL=postgres://.../scratch make bench CASES=10000 INCIDENTS=100000
CASES ?= 10000
INCIDENTS ?= 100000
REPEAT ?= 3
bench: install
	@$(PY) bench/run.py --cases $(CASES) --incidents $(INCIDENTS) --repeat $(REPEAT)

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

format: install
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

migrations-check: install
	@$(PY) manage.py makemigrations --check --dry-run

# Re-resolve the pinned locks after changing pyproject.toml (see docs/dependencies.md).
lock:
	@rm -rf /tmp/asbcr-lock && $(PYTHON) -m venv /tmp/asbcr-lock
	@/tmp/asbcr-lock/bin/pip install --quiet '.[dev]'
	@echo "Compare with requirements/*.lock: /tmp/asbcr-lock/bin/pip freeze"

# Rebuild GOV.UK Frontend CSS/JS into static/govuk (needs Node.js; see README).
frontend:
	@bash frontend/build.sh

clean:
	rm -rf $(VENV) var staticfiles
