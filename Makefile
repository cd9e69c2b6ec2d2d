# personal-outcomes: the two commands a fresh clone needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: demo test lint typecheck pytest docs bench manifest schemas clean web chromium screenshot

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Runtime install only (what a user gets), stamped on pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

# Development tools (lint, types, tests, docs).
$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

# The runtime with the charts extra (matplotlib), for the demo's chart, and the excel
# extra (openpyxl), for the demo's workbook export.
$(VENV)/.installed-demo: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[charts,excel]"
	touch $@ $(VENV)/.installed

# The main job on bundled example data. Some example records are wrong on purpose,
# so `validate` exits 1 (invalid data); any other exit code fails the demo. Then what
# the valid records show: a summary by team, the journeys, and a chart. Last, a care
# system's export (examples/exports/, three faulty rows on purpose) is checked through
# its import profile, as CSV and as a workbook, and its valid records are converted.
demo: $(VENV)/.installed-demo
	$(BIN)/personal-outcomes list
	$(BIN)/personal-outcomes show adults
	$(BIN)/personal-outcomes validate examples/records/* || [ $$? -eq 1 ]
	$(BIN)/personal-outcomes summarise --by context.team examples/records/*
	$(BIN)/personal-outcomes journeys examples/records/*
	mkdir -p build/demo
	$(BIN)/personal-outcomes summarise --by context.team --chart build/demo/review-levels.png \
		--output build/demo/summary.csv --format csv examples/records/*
	@echo "wrote build/demo/summary.csv and build/demo/review-levels.png"
	$(BIN)/personal-outcomes validate --profile examples/exports/outcomes-export.profile.yaml \
		examples/exports/outcomes-export.csv || [ $$? -eq 1 ]
	$(BIN)/personal-outcomes validate --profile examples/exports/outcomes-export-xlsx.profile.yaml \
		examples/exports/outcomes-export.xlsx || [ $$? -eq 1 ]
	$(BIN)/personal-outcomes convert --profile examples/exports/outcomes-export.profile.yaml \
		examples/exports/outcomes-export.csv --to jsonl --output build/demo/export.jsonl \
		|| [ $$? -eq 1 ]
	@echo "wrote build/demo/export.jsonl"
	$(BIN)/personal-outcomes export codesystem adults > build/demo/adults.codesystem.json
	$(BIN)/personal-outcomes export goals examples/records/reviews.jsonl > build/demo/goals.json
	$(BIN)/personal-outcomes export skos adults > build/demo/adults.skos.ttl
	@echo "wrote build/demo/adults.codesystem.json and build/demo/goals.json (FHIR R4)," \
		"build/demo/adults.skos.ttl (SKOS)"

# The browser tests (tests/test_web.py) need the built page and Chromium.
test: $(VENV)/.installed-dev web chromium
	$(MAKE) lint typecheck pytest docs

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# The tests run a second time with the compiled accelerators blocked (msgspec, orjson,
# libyaml, rpds: jsonschema then runs on the package's stand-in for rpds), as in a
# browser; coverage adds up both runs. Left out: the files about the accelerators
# themselves, and Dask, the page and the install (which need or build them).
PURE_SKIP := --ignore=tests/test_dask.py --ignore=tests/test_web.py \
	--ignore=tests/test_install.py --ignore=tests/test_engine_edges.py \
	--ignore=tests/test_mutation_kills.py \
	--ignore=src/personal_outcomes/validation/_fast_json.py

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest --cov --cov-report=
	PERSONAL_OUTCOMES_BLOCK_ACCELERATORS=1 $(BIN)/pytest --cov --cov-append \
		--cov-report=term $(PURE_SKIP)

# The docs publish the validator page (web/_build) at validator/ (docs/conf.py).
docs: $(VENV)/.installed-dev web
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/html

# The validator page (docs/guides/browser-validator.md): a static page in web/_build/
# that runs this package in the browser (Pyodide, from the pyodide npm package pinned by
# web/package-lock.json) with this package's wheel and the pure-Python wheels it needs.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

# The page ships openpyxl (the excel extra) to read workbooks through a profile.
$(VENV)/.installed-web: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[excel]"
	touch $@ $(VENV)/.installed

web: $(VENV)/.installed-web web/node_modules/.package-lock.json
	$(PY) web/build.py

# Debian's Chromium for the browser tests, installed where it is missing (as root, or
# through sudo).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q chromium; }

# The docs' screenshot of the page (docs/_static/validator.png), taken by the browser test.
screenshot: $(VENV)/.installed-dev web chromium
	PO_WEB_SCREENSHOT=docs/_static/validator.png $(BIN)/pytest -q -p no:cacheprovider \
		tests/test_web.py -k test_the_examples_give_the_commands_summary_and_issues

# Speed and memory against jsonschema and pydantic baselines; rewrites benchmarks/README.md.
# A few minutes; the first run also generates about 1.3 GB of data into benchmarks/_data/.
$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench
	$(PY) benchmarks/run.py

# Record the hashes of the framework data after a deliberate, version-bumped change.
manifest: $(VENV)/.installed
	$(PY) tools/update_manifest.py

# Regenerate the JSON Schema files shipped in the package.
schemas: $(VENV)/.installed
	$(PY) tools/write_schemas.py

clean:
	rm -rf $(VENV) docs/_build docs/frameworks/_generated .pytest_cache .mypy_cache .ruff_cache .coverage dist build

# Mutation testing (not part of `make test`): mutmut mutates the checker, the CSV reader
# and the JSON Lines fast path and runs the rule tests against each mutant (settings in
# [tool.mutmut], pyproject.toml). tools/mutation_score.py then scores each module,
# counting mutants that only reword a message as equivalent (its docstring says how),
# prints the remaining survivors' diffs, and fails below 95 %. Slow: allow an hour or
# more on 2 cores. Every run starts afresh, since mutmut would keep a stale copy of
# the sources it does not mutate in mutants/.
.PHONY: mutation
$(VENV)/.installed-mutation: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev,mutation]"
	touch $@ $(VENV)/.installed $(VENV)/.installed-dev

mutation: $(VENV)/.installed-mutation
	rm -rf mutants
	$(BIN)/mutmut run
	$(PY) tools/mutation_score.py --fail-under 95 --show
