# Huimin: `make demo` serves the system with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HUIMIN := $(BIN)/huimin
STAMP := $(VENV)/.installed
HUIMIN_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export HUIMIN_TEST_POSTGRES_URL

.PHONY: demo test test-sqlite test-postgres lint format bench bench-smoke messages browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled translations are built, not committed.
messages: $(STAMP)
	cd huimin && HUIMIN_ENV=test ../$(HUIMIN) compilemessages --ignore=.venv -v0

# The demo's settings come from `.env` (written here when there is none, never overwritten), so
# that every `huimin …` command works afterwards without setting anything.
demo: $(STAMP) messages
	@$(BIN)/python -m huimin.env demo-file
	$(HUIMIN) demo

test: $(STAMP) messages browser
	bin/run-tests

test-sqlite: $(STAMP) messages
	$(BIN)/pytest

test-postgres: $(STAMP) messages
	DATABASE_URL=$(HUIMIN_TEST_POSTGRES_URL) $(BIN)/pytest -m "not e2e"

lint: $(STAMP)
	$(BIN)/ruff format --check huimin tests bench
	$(BIN)/ruff check huimin tests bench
	HUIMIN_ENV=test $(BIN)/mypy huimin
	HUIMIN_ENV=test $(HUIMIN) check_translations

format: $(STAMP)
	$(BIN)/ruff format huimin tests bench
	$(BIN)/ruff check --fix huimin tests bench

bench: $(STAMP) messages
	bin/run-bench

# Every benchmark on a small population, figures not recorded: CI runs it so a broken one fails.
bench-smoke: $(STAMP) messages
	bin/run-bench --smoke

# The end-to-end tests drive Debian's chromium; install it when we may (root), else they skip.
# Chinese pages (screenshots, PDFs) need a CJK font: fonts-noto-cjk, unless one is there already.
# WeasyPrint (PDF documents) needs Pango.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . \
	  && ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      $$(command -v chromium >/dev/null 2>&1 || echo chromium) \
	      $$(fc-list :lang=zh 2>/dev/null | grep -q . || echo fonts-noto-cjk fontconfig) \
	      $$(ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || echo libpango-1.0-0 libpangoft2-1.0-0) >/dev/null; \
	  else \
	    echo "chromium, a Chinese font (fonts-noto-cjk) or Pango is missing and cannot be installed here:"; \
	    echo "browser tests will be skipped or their screenshots show boxes for Chinese text"; \
	  fi; }

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
