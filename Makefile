# Two commands matter: `make run` and `make test`. Both bootstrap .venv from requirements.lock.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint format schema migrate demo worker bench clean client-check manifest

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP)

## Start the API (with demo data) and the reminder worker on $(HOST):$(PORT), in development mode.
run: export DJANGO_DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

## Run the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Regenerate the SDL the mobile team codes against.
schema: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py graphql_schema --schema backend.schema.schema --out mobile_api_schema.graphql

## Check the phone's operations (client/operations) against mobile_api_schema.graphql with
## graphql-js, installed from client/package-lock.json (needs Node.js 18+ and npm).
client-check:
	cd client && npm ci --no-audit --no-fund --loglevel=error
	cd client && node validate.mjs

## Regenerate client/persisted-query-manifest.json (the allow-list) from client/operations.
manifest: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py persisted_query_manifest

clean:
	rm -rf $(VENV) db.sqlite3 media client/node_modules
