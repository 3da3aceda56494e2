# Apparat: `make help` lists the targets. Variables can be overridden:
#   make serve HOST=0.0.0.0 PORT=9000     make extract CORPUS=/path/to/corpus
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
HOST    ?= 127.0.0.1
PORT    ?= 8000
CORPUS  ?= ../shared/corpus
BUILD   ?= build

SOURCES := $(shell find ontology triples -type f \( -name '*.ttl' -o -name '*.nt' \) 2>/dev/null)
CODE    := $(shell find apparat -name '*.py' 2>/dev/null)
STAMP   := $(VENV)/.installed
BENCHED := $(VENV)/.bench
BROWSER := $(VENV)/.browser

.DEFAULT_GOAL := help
.PHONY: help setup extract build serve test bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
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

setup: $(STAMP) ## create .venv and install the package with its test extras

extract: $(STAMP) ## corpus -> triples/ (reads CORPUS=../shared/corpus)
	$(BIN)/apparat extract --corpus $(CORPUS)

$(BUILD)/build.json: $(STAMP) $(SOURCES) $(CODE)
	$(BIN)/apparat build --build-dir $(BUILD)

build: $(BUILD)/build.json ## load ontology + triples, validate, reason, write build/

serve: $(BUILD)/build.json ## build if stale, then serve on HOST:PORT (granian)
	$(BIN)/apparat serve --host $(HOST) --port $(PORT) --build-dir $(BUILD)

test: $(STAMP) $(BROWSER) ## lint, then run the test suite
	$(BIN)/ruff check apparat server tests bench setup.py
	$(BIN)/python -m pytest

# The peers (oxigraph, rdflib-endpoint) and profilers are the `bench` extra;
# wrk is Debian's, installed here when missing and apt-get can run.
$(BENCHED): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	touch $@

bench: $(BENCHED) $(BUILD)/build.json ## Apparat vs oxigraph serve-read-only vs rdflib-endpoint (wrk); writes bench/results/ and README.md
	$(BIN)/python bench/bench.py --build-dir $(BUILD) --out bench/results --readme README.md

clean: ## remove build output and caches (keeps .venv)
	rm -rf $(BUILD) bench/results .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
