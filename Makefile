# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: run test bench install assets migrate demo lint format worker clean-db

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies change, so a second `make run` is fast.
$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Design assets (KERN subset CSS, Latin Fira Sans) into static/build/, which git ignores.
# The stamp makes a second `make run` skip the build unless a source changed.
static/build/.stamp: tools/build_assets.py $(wildcard static/scss/*.scss) node_modules/.package-lock.json | $(VENV)/.installed
	$(PY) tools/build_assets.py
	touch $@

assets: static/build/.stamp

install: $(VENV)/.installed node_modules/.package-lock.json static/build/.stamp

migrate: install
	$(MANAGE) migrate --no-input

demo: migrate
	$(MANAGE) setup_demo

# The task worker sends queued mail; it stops together with the server, and starts
# again after 5 s if it ends on its own (systemd's Restart=always in production).
# Links in mails point at the port the server runs on, unless ZWK_SITE_URL says otherwise.
run: export ZWK_SITE_URL ?= http://127.0.0.1:$(PORT)
run: demo
	@echo "Portal: http://127.0.0.1:$(PORT)/   Verwaltung: http://127.0.0.1:$(PORT)/admin/"
	@trap 'kill 0' INT TERM EXIT; \
	while true; do \
		$(MANAGE) db_worker --queue-name "*"; \
		echo "Der Mail-Worker wurde beendet; Neustart in 5 s."; sleep 5; \
	done & \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

worker: install
	$(MANAGE) db_worker --queue-name "*"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djhtml --check templates

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml templates

test: install lint
	$(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2

bench: install
	$(PY) -m bench

clean-db:
	rm -rf .pgdata
