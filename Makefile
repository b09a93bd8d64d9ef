# The two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup assets lock lint bench screenshots clean

demo: setup
	$(BIN)/lms demo

# SQLite always; PostgreSQL too when LMS_TEST_DATABASE_URL is set (as .ci/run does).
test: setup
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r lms -lll
	env -u LMS_TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$LMS_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL leg: $$LMS_TEST_DATABASE_URL"; \
		$(BIN)/pytest -m "not browser"; \
	fi
	bash scripts/check-install.sh  # the wheel, installed and run outside the checkout

setup: $(BIN)/.installed lms/static/app.css

$(BIN)/.installed: requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

lms/static/app.css: package-lock.json lms/assets/app.scss scripts/build-assets.mjs
	npm ci --no-audit --no-fund
	npm run build

assets:
	npm ci --no-audit --no-fund
	npm run build

# Re-pin every Python dependency (with hashes) after changing pyproject.toml.
lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

lint:
	$(BIN)/ruff check .

# Performance on a national-scale dataset (several minutes; not part of make test).
bench: setup
	$(BIN)/python -m benchmarks.run

# Refresh the README's pictures (docs/screenshots/*.png) from the demo cohort.
screenshots: setup
	$(BIN)/python scripts/screenshots.py
	$(BIN)/python scripts/report_pages.py

clean:
	rm -rf $(VENV) node_modules lms/static/govuk lms/static/app.css
