# The two commands: `make run` (set up and start Kindred with demo data) and `make test`.
# Every target installs what it needs, idempotently.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_WORKERS ?= 2
CSS := build/static/kindred/kindred.css
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install lint typecheck pytest chromium screenshot clean

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
	mkdir -p var
	DJANGO_SETTINGS_MODULE=kindred.config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

typecheck: install
	$(BIN)/mypy kindred

pytest: install chromium
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile -q

screenshot: install chromium
	$(BIN)/python -m kindred.nonprod.screenshot docs/images/home.png

clean:
	rm -rf $(VENV) node_modules build var .mypy_cache .ruff_cache
