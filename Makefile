# Two commands matter: `make run` and `make test`. Everything else is what they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test test-postgres setup install install-dev db clean vendor-frontend security-check bandit audit-dependencies

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the requirements change (a stamp file records the last install).
$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the accessibility checks in the browser tests.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --silent --no-audit --no-fund

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.package-lock.json
	@scripts/ensure-chromium.sh

# Migrations, reference data and (in an empty development database) demo data.
setup: install
	$(FLASK) db upgrade
	$(FLASK) tracker setup

run: setup
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-dev
	$(BIN)/pytest

# The same suite against PostgreSQL (see README for TEST_DATABASE_URL).
test-postgres: install-dev
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest

vendor-frontend:
	scripts/vendor-frontend.sh

# Security checks: static analysis of our code, then known vulnerabilities in the pinned
# runtime dependencies.
security-check: bandit audit-dependencies

bandit: install-dev
	$(BIN)/bandit -q -r tracker -ll

# Asks PyPI's JSON API for each pin in requirements.txt. A known vulnerability fails; data
# that cannot be reached is reported as "NOT audited" (a failure with STRICT_AUDIT=1).
audit-dependencies: install-dev
	@scripts/audit-dependencies.sh

# Performance: every measurement on SQLite and PostgreSQL (docs/performance.md).
.PHONY: bench bench-quick
bench: install-dev
	$(BIN)/python -m bench.run_all

bench-quick: install-dev
	$(BIN)/python -m bench.run_all --quick

clean:
	rm -rf $(VENV) instance .pytest_cache
