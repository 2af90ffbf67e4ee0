# Two entry points (see README): `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test screenshots browser-deps bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Debian's Chromium, its driver and CJK fonts for the browser tests, and nginx for the reverse-proxy
# tests (tests/system/test_proxy.py; deploy/nginx.conf) (needs root or sudo).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" \
			|| [ ! -x /usr/sbin/nginx ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk \
			nginx-light >/dev/null; \
	fi

run: $(VENV)/.installed
	$(BIN)/python -m search serve

test: browser-deps $(VENV)/.installed
	$(BIN)/python -m pytest

# The README's screenshots: the browser tests, writing them into docs/screenshots/ (`make test` writes them to a temp folder).
screenshots: browser-deps $(VENV)/.installed
	REPERTOIRE_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/web/test_browser.py -q

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
