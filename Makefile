# Marquee: `make demo` serves the demo site, `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Workers, timeouts and the JSON access log come from gunicorn.conf.py.
GUNICORN := $(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT)
# The demo serves one local viewer: two workers, so that the first page waits for one
# worker's start-up rather than for five sharing the cores (MARQUEE_WORKERS still wins).
DEMO_WORKERS := $(or $(MARQUEE_WORKERS),2)
# Python keeps the bytecode of what it imports in the venv even where the caller's
# environment turns that off: every set-up stage and every worker imports the same
# site, and would otherwise compile all of it again each time.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: install install-dev java demo serve test screenshots bench lint clean

# The site alone for demo and serve; the test, Spark and lint tools only where they run.
# uv installs them: it fetches and unpacks the wheels side by side, where pip takes
# several times as long. It byte-compiles nothing: Python compiles what the site imports.
install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

UV := $(BIN)/uv pip install --quiet --python $(BIN)/python

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Its own target: a venv made before uv did the installs gets it on the next one.
$(BIN)/uv: | $(VENV)/bin/python
	$(BIN)/pip install --quiet uv

$(VENV)/.installed: pyproject.toml | $(BIN)/uv
	$(UV) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/uv
	$(UV) -e ".[dev]"
	touch $(VENV)/.installed $@

# The demo: one line per set-up stage (each stage's full output goes to SETUP_LOG,
# whose tail is shown when a stage fails). The demo clips encode while the catalog
# is seeded and the first model fitted. The site answers as soon as a model
# fitted with the site's defaults is saved; the tuned training and the insights
# reports run in the background, and pages switch to the tuned model when saved.
SETUP_LOG := instance/demo-setup.log
# The background work yields the processor to the site's workers while they start and serve.
BACKGROUND := nice -n 15
# The clips' encoder takes the core that the single-threaded seed and first fit leave idle;
# the clips stage then waits for what is left of it.
BESIDE := nice -n 12
define stage
	@mkdir -p instance; printf '%-40s' "$(1)"; began=$$(date +%s); \
	if $(2) >>$(SETUP_LOG) 2>&1; then echo "done ($$(( $$(date +%s) - began )) s)"; \
	else echo "failed: the end of $(SETUP_LOG) says"; tail -n 15 $(SETUP_LOG); exit 1; fi
endef

demo: install
	$(call stage,Database schema,$(FLASK) db upgrade)
	$(call stage,Demo video clips (encoding beside the seed),sh -c '$(BESIDE) $(FLASK) media build-demo >>$(SETUP_LOG) 2>&1 &')
	$(call stage,Demo catalog and viewing,$(FLASK) seed-demo --if-empty)
	$(call stage,First model (site defaults),$(FLASK) recommender train --quick --if-missing)
	$(call stage,Demo video clips,$(FLASK) media seed-demo)
	$(call stage,Tuned model (in the background),sh -c '$(BACKGROUND) $(FLASK) recommender train --background --if-untuned >>$(SETUP_LOG) 2>&1 &')
	$(call stage,Insights reports (in the background),sh -c '$(BACKGROUND) $(FLASK) admin insights-refresh --background >>$(SETUP_LOG) 2>&1 &')
	@echo "Serving on http://$(HOST):$(PORT)/ (access log below; set-up details in $(SETUP_LOG))"
	$(GUNICORN) --workers $(DEMO_WORKERS) wsgi:app

serve: install
	$(FLASK) db upgrade
	$(GUNICORN) wsgi:app

# The Spark tests need a Java runtime: installed from Debian where it is missing,
# and a loud failure where it cannot be (they never skip).
java:
	@command -v java >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
		apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless; } || \
		{ echo "Java 17+ is needed for the Spark tests: apt-get install openjdk-17-jre-headless" >&2; exit 1; }

# Every test runs on SQLite and PostgreSQL: a PostgreSQL that does not answer fails the
# run (MARQUEE_REQUIRE_POSTGRES=0 tests SQLite alone). Slow tests run too.
MARQUEE_REQUIRE_POSTGRES ?= 1
test: install-dev java
	MARQUEE_REQUIRE_POSTGRES=$(MARQUEE_REQUIRE_POSTGRES) $(BIN)/pytest -n auto

# PNGs of the home, title, series, search, kids home, admin recommender and an insights
# page at 1366x900 and 390x844, from a seeded site in a temporary folder (the browser
# tests' live site, quick model), for review. Written to SCREENSHOTS (ignored by git).
SCREENSHOTS ?= screenshots
screenshots: install-dev
	MARQUEE_SCREENSHOTS_DIR=$(SCREENSHOTS) $(BIN)/pytest -p no:cacheprovider -q tests/browser/test_page_screenshots.py
	@echo "Screenshots in $(SCREENSHOTS)/"

bench: install-dev
	$(BIN)/python -m benchmarks

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) instance .pytest_cache
