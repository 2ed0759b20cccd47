# Clinic Inbox: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000
export PORT

.PHONY: install run test lint format migrate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --upgrade --quiet pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

## Start the web app, a Celery worker and Celery beat on the embedded defaults (Ctrl-C stops all).
run: migrate
	$(BIN)/python manage.py load_demo_data --if-empty
	@echo
	@echo "Clinic Inbox is starting at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Press Ctrl-C to stop the web app, the worker and beat."
	@echo
	HOST=$(HOST) $(BIN)/honcho start -f Procfile.dev

## Run the whole test suite (SQLite by default; PostgreSQL + Redis when DATABASE_URL and
## CELERY_BROKER_URL are set).
test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive clinic_inbox config reports routing templates_app \
		--exclude '*/migrations/*' --severity-level high

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
