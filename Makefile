# Two commands for a newcomer: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Two xdist workers match the two cores of the CI machine.
PYTEST_WORKERS ?= 2

.PHONY: help install browser run serve test lint format migrate seed messages clean bench

help:
	@echo "make run    install, migrate, load demo data, serve site + Celery worker + beat"
	@echo "make test   install, lint, and run the whole test suite"
	@echo "make bench  issue #8's benchmark on PostgreSQL (see bench/README.md)"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	@$(UV) sync --frozen --quiet

# Browser tests drive Debian's Chromium, never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: export DEBUG ?= true
run: install
	@mkdir -p var/staticfiles
	@$(BIN)/python manage.py migrate --noinput -v0
	@$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  Open http://127.0.0.1:$(PORT)/ and sign in with any demo account above."
	@echo "  Emails (verification, password reset) are printed below by the worker."
	@echo "  Stop with Ctrl-C."
	@echo ""
	@PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start -f Procfile.dev -p $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install browser lint
	$(BIN)/python manage.py makemigrations --check --dry-run -v0 --settings=copplatform.settings.test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# PostgreSQL required (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
# BENCH_SIZES=S,M BENCH_DURATION=60 BENCH_USERS=50 BENCH_RUNS=30 BENCH_WORKERS=2
# BENCH_DIGEST_MEMBERS=10000; BENCH_ARGS passes more.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

messages: install
	$(BIN)/python manage.py makemessages -l fr --ignore=.venv --ignore=.tools --ignore=static/vendor
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=.tools

clean:
	rm -rf $(VENV) $(TOOLS) var artifacts .pytest_cache .ruff_cache
