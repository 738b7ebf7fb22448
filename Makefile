# Two commands set everything up on a fresh machine: `make serve` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: install build check serve preview offline test test-fast bench linkcheck lint browser clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	$(BIN)/python -c "from tools.search.static_index import warm_bloom; warm_bloom()"
	touch $@

install: $(VENV)/.installed

check: install
	$(BIN)/python -m tools check

build: install
	$(BIN)/python build_index.py

serve: build
	$(BIN)/python -m tools serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Live reload while editing entries (MkDocs' development server of each interface: /, /ar/, /en/; no search API).
preview: install
	$(BIN)/python -m tools preview --host $(HOST) --port $(PORT)

# A zip of the site that works from file:// (workshop rooms with no network).
offline: install
	$(BIN)/python -m tools offline

# The browser tests drive Debian's Chromium; install it when missing (needs root, as on CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# axe-core for the accessibility checks, pinned in package-lock.json (no download during tests).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Everything, as CI runs it (unit, end-to-end and browser tests), in JOBS pytest-xdist processes
# (below; JOBS=1: in this process). --dist loadfile keeps each file in one process, so that a
# module's site build is made once (the session's shipped site: once per process that needs it).
test: install browser node_modules/.installed
	$(BIN)/python -m pytest $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS) --dist loadfile)

# The unit tests only (no site build, no server, no browser): seconds, while you work. Property-based
# tests run a few examples each (Hypothesis profile "fast"; `make test` runs the full count). The
# e2e and browser folders are not even imported (their tests carry the markers deselected here).
# Bytecode is written even where the environment sets PYTHONDONTWRITEBYTECODE (as this machine
# does): without it every run recompiles every module, ~7 s of each run (__pycache__ is git-ignored).
# JOBS: pytest-xdist processes. Two on a 2-core machine: the lower wall time (about a quarter more
# CPU time in all); JOBS=1 runs them in this process, the cheaper choice on a busy shared machine.
JOBS ?= 2
test-fast: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -m "not e2e and not browser" --hypothesis-profile=fast \
	  --ignore=tests/e2e --ignore=tests/browser $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS))

# External links of every entry (needs internet; says so and exits 0 without it).
linkcheck: install
	$(BIN)/python -m tools linkcheck $(LINKCHECK_ARGS)

# Without N: search relevance on the shipped entries. With N (e.g. make bench N=100,1000,10000): build and
# search at scale on synthetic entries, results in bench/results/, budgets checked; the search server's
# processes as `make serve`'s (WORKERS).
N ?=
bench: install
ifeq ($(strip $(N)),)
	$(BIN)/python -m tools bench
else
	$(BIN)/python -m tools bench --scale $(N) --workers $(WORKERS)
endif

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf site build docs/kb
