# Two entry points for a fresh machine (Python, pip and apt only): `make run` and `make test`.
# Everything else here is a step they depend on.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYBABEL := $(PY) -m babel.messages.frontend
# Translations: Babel extracts into locales/messages.pot and compiles each language's .po
# into the .mo the app reads (compiled here at install, never committed).
PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run serve-ward test lint typecheck unit browser chromium fonts axe reconstruct bench clean catalogues i18n native bytecode

## The batch scorer's compiled loops (scoring/batch/native.c), built with the machine's C
## compiler; the library records the SHA-256 of the source it was built from, and
## scoring/batch/native.py loads it only if that is the hash pinned there
## The project's own modules compiled to bytecode once, as pip does for installed packages:
## where PYTHONDONTWRITEBYTECODE is set (as in many containers) every start would
## otherwise compile them again (about 40 ms of a 10-row `cli.py score` run's 330 ms).
## Python checks each file against its source and recompiles a stale one in memory.
PACKAGES := app_pages commands i18n learn models reports research scoring
bytecode: $(VENV)/.runtime
	$(PY) -m compileall -q -j 0 app.py $(PACKAGES)

CC ?= cc
NATIVE := scoring/batch/_native.so
native: $(NATIVE)
$(NATIVE): scoring/batch/native.c
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror -shared -fPIC \
	  -DSOURCE_SHA256='"'"$$(sha256sum $< | cut -d' ' -f1)"'"' -o $@ $<

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(MAKE) --no-print-directory catalogues
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## Install the runtime into .venv and serve the app headless on http://127.0.0.1:$(PORT),
## to this machine only (server.address in .streamlit/config.toml). `streamlit` is started
## through app_pages/server_guard.py, which first turns off its outside-address lookups.
run: $(VENV)/.runtime catalogues fonts native bytecode
	$(PY) -m app_pages.server_guard run app.py --server.port $(PORT) --server.address 127.0.0.1

## Serve a ward: bind the one address the hospital's TLS reverse proxy reaches, e.g.
## `make serve-ward ADDRESS=10.1.2.3`. Never a wildcard (0.0.0.0, ::): that would expose
## every interface and make Streamlit look up this machine's outside address at start-up.
## See SECURITY.md for the intended deployment. The app never loads the batch scorer's
## compiled part, so a ward server needs no C compiler.
serve-ward: $(VENV)/.runtime catalogues fonts bytecode
	@test -n "$(ADDRESS)" || { echo "serve-ward needs ADDRESS=<the address the reverse proxy reaches>" >&2; exit 2; }
	@case "$(ADDRESS)" in 0.0.0.0|::|"[::]"|"") echo "serve-ward refuses the wildcard address $(ADDRESS): name one interface" >&2; exit 2;; esac
	$(PY) -m app_pages.server_guard run app.py --server.port $(PORT) --server.address $(ADDRESS)

## The fonts the PDF report embeds (DejaVu Sans; IPAex Gothic and Nanum Gothic for Japanese,
## Chinese and Korean text), installed for the app as well as for the tests: without them a
## served app could not write a report, or would write a Japanese one without its glyphs
FONT_PACKAGES := fonts-dejavu-core fonts-ipaexfont-gothic fonts-nanum
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf && \
	  test -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf && \
	  test -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(FONT_PACKAGES); }

## Debian's chromium for the real-browser tests (Playwright cannot download its own here)
## and poppler-utils (pdftoppm, pdftotext) to render the PDF report in tests; fonts-dejavu-core
## is the Unicode font the PDF report embeds (µ, ≥, ×), fonts-ipaexfont-gothic and fonts-nanum
## its fallbacks for Japanese/Chinese and Korean text (IPAex Gothic also draws the Japanese
## pages in Chromium: no tofu); strace watches the server's
## connections in the test that no request leaves the machine
APT_PACKAGES := chromium poppler-utils $(FONT_PACKAGES) strace
chromium:
	@command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 && \
	  command -v strace >/dev/null 2>&1 && \
	  test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf && \
	  test -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf && \
	  test -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf || \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $(APT_PACKAGES); }

## axe-core from the npm registry, pinned in package-lock.json, injected into pages by the a11y test
axe: node_modules/axe-core/axe.min.js
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy

## Install test tools (and chromium if missing), then run lint, types and the whole suite;
## the numba smoke search (marker `research`, skipped by a plain `pytest`) runs here once
test: $(VENV)/.dev catalogues native bytecode chromium axe lint typecheck
	$(PY) -m pytest --run-research

## Compile every language's catalogue (.po -> .mo) that is missing or older than its source
catalogues: $(MO_FILES)
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po
	$(PY) -m i18n.compile $< $@

## Extract every translatable message into locales/messages.pot and merge it into each .po
## (new messages arrive untranslated; tests/i18n/test_i18n.py fails until they are translated)
i18n: $(VENV)/.dev
	$(PYBABEL) extract -F babel.cfg --no-location --project=cervical-mets-calculator --version=0.1.0 \
	  --copyright-holder="the project's authors" -o locales/messages.pot .
	$(PYBABEL) update --no-fuzzy-matching --ignore-obsolete --init-missing -l ja -D messages -i locales/messages.pot -d locales
	$(MAKE) --no-print-directory catalogues

## The full pseudo-cohort search (heavy; not part of `make test`)
reconstruct: $(VENV)/.dev
	$(PY) cli.py reconstruct

bench: $(VENV)/.dev native bytecode
	$(PY) bench/batch.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache test-artifacts $(NATIVE)
