# Apparat: `make help` lists the targets. Variables can be overridden:
#   make serve HOST=0.0.0.0 PORT=9000     make extract CORPUS=/path/to/corpus
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 8000
CORPUS  ?= ../shared/corpus
BUILD   ?= build
# e.g. BENCH_BUILD="--scales 1,10 --owlrl-up-to 10" (see python -m apparat.bench_build --help)
BENCH_BUILD ?=

SOURCES := $(shell find ontology triples queries/rules -type f \( -name '*.ttl' -o -name '*.nt' -o -name '*.rq' \) 2>/dev/null)
CODE    := $(shell find apparat -name '*.py' 2>/dev/null)
STAMP   := $(VENV)/.installed
BENCHED := $(VENV)/.bench
BROWSER := $(VENV)/.browser
# grlc (the tests run our queries/ in it) pins gunicorn==25.3.0 where we pin 27.0.1:
# it gets a venv of its own, used only by tests/test_grlc.py.
GRLC_VENV ?= .venv-grlc
GRLC    := $(GRLC_VENV)/.installed
NGINXED := $(VENV)/.nginx
JAVAED  := $(VENV)/.java
VIRTUOSO := $(VENV)/.virtuoso
# The query editor (YASGUI) at /sparql: npm's, served from node_modules by our server.
EDITOR  := node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help setup extract build serve test bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# pip shows what it fetches and installs on a terminal, and stays quiet elsewhere (CI, logs).
PIP_QUIET = $$([ -t 1 ] || echo --quiet)

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) --upgrade pip
	$(BIN)/pip install $(PIP_QUIET) -e '.[test]'
	touch $@

# Browser tests drive Debian's chromium + chromedriver. Installed here when
# missing and apt-get can run (root, as on our machines and CI); otherwise
# those tests skip and say why.
$(BROWSER): $(STAMP)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver >/dev/null; \
	else echo "note: chromium/chromedriver missing and not installable here: browser tests will skip"; fi
	touch $@

$(GRLC): Makefile
	$(PYTHON) -m venv $(GRLC_VENV)
	$(GRLC_VENV)/bin/pip install $(PIP_QUIET) --upgrade pip
	$(GRLC_VENV)/bin/pip install $(PIP_QUIET) grlc==1.3.11
	touch $@

# The production recipe's test (tests/test_nginx.py) runs Debian's nginx on loopback,
# installed here like chromium; otherwise that test skips and says why.
$(NGINXED): $(STAMP)
	@if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			nginx-light >/dev/null; \
	else echo "note: nginx missing and not installable here: tests/test_nginx.py will skip"; fi
	touch $@

# The HTML checker (npm's vnu-jar, run by tests/test_html_valid.py) needs Java:
# Debian's default-jre-headless, installed here like nginx; otherwise that test skips.
# (Debian's JRE scripts expect man1 to exist; slim images leave it out.)
$(JAVAED): $(STAMP)
	@if command -v java >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		mkdir -p /usr/share/man/man1 && apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null; \
	else echo "note: java missing and not installable here: tests/test_html_valid.py will skip"; fi
	touch $@

# tests/test_virtuoso.py serves through Debian's Virtuoso 7, started by the test on loopback.
$(VIRTUOSO): $(STAMP)
	@if command -v virtuoso-t >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			virtuoso-opensource >/dev/null; \
	else echo "note: Virtuoso missing and not installable here: tests/test_virtuoso.py will skip"; fi
	touch $@

# npm ci installs exactly the committed package-lock.json (no install scripts run).
# npm is Debian's when missing and apt-get can run; without it the server shows its
# plain query page instead and the editor's tests skip.
$(EDITOR): package.json package-lock.json
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			nodejs npm >/dev/null; fi
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "note: npm missing: /sparql shows the plain query page, tests/test_editor.py will skip"; fi

setup: $(STAMP) $(EDITOR) ## create .venv, install the package with its test extras and the query editor

extract: $(STAMP) ## corpus -> triples/ (reads CORPUS=../shared/corpus)
	$(BIN)/apparat extract --corpus $(CORPUS)

$(BUILD)/build.json: $(STAMP) $(SOURCES) $(CODE)
	$(BIN)/apparat build --build-dir $(BUILD)

build: $(BUILD)/build.json ## load ontology + triples, validate, reason, write build/

serve: $(BUILD)/build.json $(EDITOR) ## build if stale, then serve on HOST:PORT (granian)
	$(BIN)/apparat serve --host $(HOST) --port $(PORT) --build-dir $(BUILD)

test: $(STAMP) $(BROWSER) $(GRLC) $(NGINXED) $(JAVAED) $(VIRTUOSO) $(EDITOR) ## lint, then run the test suite
	$(BIN)/ruff check apparat server tests bench setup.py
	$(BIN)/python -m pytest

# The peers (oxigraph, rdflib-endpoint) and profilers are the `bench` extra;
# wrk is Debian's, installed here when missing and apt-get can run.
$(BENCHED): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	touch $@

bench: $(BENCHED) $(BUILD)/build.json ## query path vs oxigraph and rdflib-endpoint (wrk), the web pages by kind, and the build vs owlrl; writes bench/results/ and README.md
	$(BIN)/python bench/bench.py --build-dir $(BUILD) --out bench/results --readme README.md
	$(BIN)/python bench/pages.py --build-dir $(BUILD) --out bench/results --corpus $(CORPUS)
	$(BIN)/python -m apparat.bench_build --out bench/results/build.md $(BENCH_BUILD)

clean: ## remove build output and caches (keeps .venv)
	rm -rf $(BUILD) bench/results .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
