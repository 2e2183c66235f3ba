# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python

# Tests run without DEBUG, as production does, but over plain http, with the demo app installed.
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	DJANGO_DEMO=true \
	DJANGO_SECURE_SSL_REDIRECT=false \
	DJANGO_STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	DJANGO_VAR_DIR=$(CURDIR)/var/test

# `make run` is the demo a newcomer clicks through; config/demo.env says how it runs.
# `DJANGO_DEBUG=true make run` gives Django's debug pages instead of the Danish error pages;
# `PORT=8001 make run` serves on another port (honcho gives each process a PORT of its own, so
# the web server's is passed on as WEB_PORT).
DJANGO_DEBUG ?= false
PORT ?= 8000
# The links in messages, e-mails and calendars point at the demo's own port (SITE_URL).
RUN_ENV := DJANGO_DEBUG=$(DJANGO_DEBUG) DJANGO_SECRET_KEY=$$(cat var/secret_key) \
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
	$(shell grep -v '^\#' config/demo.env | xargs)

.PHONY: run test env lint bench messages clean

env: $(VENV)/.synced

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Compiled once at install: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every process
# would otherwise compile the libraries again (8 of the 12 s a demo server took to answer).
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	touch $@

var/secret_key:
	mkdir -p var
	python3 -c 'import secrets; print(secrets.token_urlsafe(64))' > $@

run: env var/secret_key
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo --port $(PORT)
	$(RUN_ENV) WEB_PORT=$(PORT) $(VENV)/bin/honcho --procfile Procfile.dev start

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(TEST_ENV) $(VENV)/bin/mypy .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(TEST_ENV) $(VENV)/bin/pytest

# Benchmarks run on PostgreSQL: DATABASE_URL if set, else a local server's `indsats_bench`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/indsats_bench

bench: env
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} $(TEST_ENV) \
		$(VENV)/bin/pytest tests/perf -o addopts="-p no:cacheprovider" -s -q

# Refresh the Danish catalogue after changing texts; then translate and run `make test`.
messages: env
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l da --no-obsolete --ignore=tests --ignore=.venv --ignore=.tools --ignore=staticfiles --ignore=var
	DJANGO_DEBUG=true $(PY) manage.py compilemessages -l da --ignore=.venv --ignore=.tools

clean:
	rm -rf $(VENV) .tools var staticfiles
