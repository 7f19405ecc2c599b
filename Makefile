# Kontoportal. `make run` sets everything up and runs the portal with demo data;
# `make test` runs the whole suite against the real PostgreSQL and Redis.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=staticfiles --ignore=bench --ignore=tests --ignore=conftest.py --ignore=scripts

.PHONY: run test setup deps system-packages services database migrate compilemessages messages demo lint format bench ci

run: setup demo
	scripts/run.sh

test: deps services compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

setup: deps services compilemessages migrate

$(VENV)/.installed: requirements.txt
	test -x $(PY) || { scripts/python-check.sh python3 && python3 -m venv $(VENV); }
	scripts/python-check.sh $(PY)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

deps: system-packages $(VENV)/.installed var/secret-key

# A random development key, written once (var/ is not committed): `make run` serves with DEBUG
# off, where the built-in key is refused. Deployments set KONTO_SECRET_KEY instead.
var/secret-key:
	mkdir -p var
	umask 077 && head -c 48 /dev/urandom | base64 -w 0 > $@

system-packages:
	scripts/system-packages.sh

services:
	scripts/services.sh

database: deps services
	$(PY) scripts/ensure_database.py

migrate: database
	$(MANAGE) migrate_schemas -v 0
	$(MANAGE) bootstrap
	$(MANAGE) account_pool_fill -v 0

compilemessages: deps
	$(MANAGE) compilemessages $(I18N_IGNORE) -v 0

# Re-extract the strings; translate the new ones (scripts/po_fill.py helps), then compile.
messages: deps
	$(MANAGE) makemessages -l da -l nb --no-obsolete --no-location $(I18N_IGNORE)

demo: migrate
	$(MANAGE) load_billing_data
	$(MANAGE) load_registry_demo
	$(MANAGE) load_privacy_demo
	$(MANAGE) load_demo
	$(MANAGE) load_einvoicing_demo
	$(MANAGE) setup_periodic_tasks -v 0

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup
	for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

ci:
	bash .ci/run
