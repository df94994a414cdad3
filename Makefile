# The two commands: `make run` (set up and start Kindred with demo data) and `make test`.
# Every target installs what it needs, idempotently.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_WORKERS ?= 2
CSS := build/static/kindred/kindred.css
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install lint typecheck pytest chromium screenshot bench postgres clean

run: install
	DJANGO_SETTINGS_MODULE=kindred.config.settings.local $(BIN)/kindred demo

test: install chromium lint typecheck pytest

install: $(VENV)/.installed node_modules/.installed $(CSS)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --editable '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CSS): node_modules/.installed $(wildcard kindred/core/scss/*.scss)
	node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
		kindred/core/scss/kindred.scss $@

chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint kindred --lint
	$(BIN)/lint-imports --no-cache
	mkdir -p var
	DJANGO_SETTINGS_MODULE=kindred.config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

typecheck: install
	$(BIN)/mypy kindred

pytest: install chromium
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile -q $(PYTEST_ARGS)

# `make bench`: pages at scale on PostgreSQL under load (benchmarks/pages.py; README "Performance").
# BENCH_SIZE=small for a quick run; results in benchmarks/results/.
bench: install postgres
	@$(BIN)/python benchmarks/pages.py

# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres), started if installed but not running.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		$(SUDO) pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -n 1)" main start && \
		for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

screenshot: install chromium
	$(BIN)/python -m kindred.nonprod.screenshot docs/images/home.png

clean:
	rm -rf $(VENV) node_modules build var .mypy_cache .ruff_cache
