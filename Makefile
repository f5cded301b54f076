# Marquee: `make demo` serves the demo site, `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Workers, timeouts and the JSON access log come from gunicorn.conf.py.
GUNICORN := $(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT)

.PHONY: install demo serve test bench lint clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) media seed-demo
	$(FLASK) recommender train --if-missing
	$(FLASK) admin insights-refresh
	$(GUNICORN) wsgi:app

serve: install
	$(FLASK) db upgrade
	$(GUNICORN) wsgi:app

test: install
	$(BIN)/pytest -n auto

bench: install
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check webapp recommender tests benchmarks

clean:
	rm -rf $(VENV) instance .pytest_cache
