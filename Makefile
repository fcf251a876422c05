# Two commands on a fresh machine: `make demo` and `make test`. Everything lands in ./.venv and ./.lct.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_SCALE ?= full
# Students of the warehouse demo platform (~100 submissions each); 20000 is the specified scale.
WAREHOUSE_STUDENTS ?= 20000
export LCT_HOME ?= $(CURDIR)/.lct
export LCT_DATA_DIR ?= $(CURDIR)/data

.PHONY: install demo test ui up down status lint bench bench-quick clean

$(STAMP): pyproject.toml
	@echo "install: creating $(VENV) and installing lct_pipelines with the dev extras"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv resolves and installs the Dagster stack in seconds; pip is the fallback.
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv \
	  && $(BIN)/python -m uv pip install -q --python $(BIN)/python -e ".[dev]" \
	  || $(BIN)/python -m pip install -q --disable-pip-version-check -e ".[dev]"
	@# Bytecode once, here: with PYTHONDONTWRITEBYTECODE set (CI images often set it) every process would
	@# otherwise compile Dagster anew: `lct run` took 15 s of CPU instead of 7, and the suite spawns dozens.
	@$(BIN)/python -m compileall -q -j0 $(VENV)/lib >/dev/null 2>&1 || true
	@touch $(STAMP)

install: $(STAMP)

demo: install
	@$(BIN)/lct up --replica
	@if [ -z "$$(find "$(LCT_DATA_DIR)/raw/nces_ccd" -name '*.csv' -o -name '*.zip' 2>/dev/null | head -1)" ]; then \
	  $(BIN)/lct demo-data --scale $(DEMO_SCALE); \
	else echo "demo: landing folder already holds files, using them"; fi
	@$(BIN)/lct warehouse demo-data --if-empty --students $(WAREHOUSE_STUDENTS)
	@$(BIN)/lct warehouse refresh --all
	@$(BIN)/lct warehouse top_performers --limit 5
	@$(BIN)/lct run
	@$(BIN)/lct docs dictionary --output-dir "$(LCT_DATA_DIR)/docs/data-dictionaries"

# The browser suite (tests/ui/) needs a Chromium; without one its tests are skipped, and this says so up front.
test: install
	@test -n "$$LCT_CHROMIUM" || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	  || echo "test: no Chromium found, tests/ui/ (the browser suite) will be skipped: apt-get install chromium to run it"
	@$(BIN)/python -m pytest -q

ui: install
	@$(BIN)/lct ui

up: install
	@$(BIN)/lct up

down: install
	@$(BIN)/lct down

status: install
	@$(BIN)/lct status

lint: install
	@$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Full scale, 5 alternating runs per figure: bench/results/<UTC>.json, docs/benchmarks.md, and a pyinstrument profile of
# our side of every benchmark that misses a goal. P5 and P8 run the warehouse at 20,000 and 200,000 students (SCALE=...
# to choose), loaded once into bench/.cache/ (~5 min the first time, kept). `python -m bench --help` for more.
SCALE ?= 20000,200000
bench: install
	@$(BIN)/python -m bench --profile-unmet --scale $(SCALE)

# Every benchmark but P6 on small data, 1 run, in a temporary folder (< 1 min); `make test` runs it too.
bench-quick: install
	@$(BIN)/python -m bench --quick

clean:
	-@test -x $(BIN)/lct && $(BIN)/lct down
	rm -rf $(VENV) .lct .pytest_cache
