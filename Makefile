# The two commands of the README: `make run` (the app on the embedded default) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install chromium bench

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --address $(HOST):$(PORT)
	@# No broker here: the beat jobs (expiry, reminders, SMS sweep) run in a background process beside the server.
	$(BIN)/python manage.py run_periodic_jobs --every 60 > var/periodic-jobs.log 2>&1 & \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

chromium:
	@scripts/ensure-chromium

test: $(STAMP) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmarks (PostgreSQL: DATABASE_URL for the roster import, BENCH_DATABASE_URL's server for the pages and exports).
BENCHMARKS := bench/roster_import.py bench/pages.py bench/exports.py bench/placement_statistics.py
bench: $(STAMP)
	@for script in $(BENCHMARKS); do echo "== $$script"; $(BIN)/python $$script || exit 1; done
