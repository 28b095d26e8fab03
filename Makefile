# Help desk: developer entry points. `make run` and `make test` work on a fresh Debian 12 machine
# with python3.11, git and make: they create .venv, install the project and the system libraries
# Qt needs (as root; otherwise they name the packages to install), then run.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
VPY := $(VENV)/bin/python
PIP := $(VPY) -m pip --disable-pip-version-check
DEPS := scripts/install-system-deps.sh
ARGS ?=
PYTEST_ARGS ?=
SCREENSHOTS_SCRIPT ?= scripts/screenshots.py
SCREENSHOTS_DIR ?= artifacts/screenshots
SCREENSHOTS_DATA_DIR ?= artifacts/screenshot-data

# The stamps are keyed on pyproject.toml's content (not its mtime, which every checkout touches):
# when it changes, the next target that needs the venv re-installs.
PYPROJECT_SUM := $(shell cksum pyproject.toml 2>/dev/null | cut -d' ' -f1)
STAMP_DEV := $(VENV)/.stamp-dev-$(PYPROJECT_SUM)
STAMP_BUILD := $(VENV)/.stamp-build-$(PYPROJECT_SUM)

.PHONY: help venv venv-build run check-display test bundle deb smoke-deb screenshots clean distclean

help:
	@echo "make run          install everything, start the app (ARGS='--data-dir DIR' passes options)"
	@echo "make test         install everything, run ruff, import-linter and pytest (PYTEST_ARGS=...)"
	@echo "make venv         create or refresh .venv with the dev extras"
	@echo "make bundle       build the one-folder PyInstaller bundle in dist/helpdesk/"
	@echo "make deb          build the bundle and dist/helpdesk_VERSION_ARCH.deb (Debian/Ubuntu)"
	@echo "make smoke-deb    install the .deb into a temporary root and start it offscreen (smoke test)"
	@echo "make screenshots  run $(SCREENSHOTS_SCRIPT) under Xvfb on seeded demo data, PNGs in $(SCREENSHOTS_DIR)/"
	@echo "make clean        remove build output and caches (distclean also removes .venv)"

venv: $(STAMP_DEV)

venv-build: $(STAMP_BUILD)

$(VPY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: python3.11 not found; install it (Debian 12: sudo apt-get install python3.11 python3.11-venv)" >&2; \
		exit 1; \
	fi
	@if ! "$(PYTHON)" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
		echo "error: $(PYTHON) is Python $$("$(PYTHON)" -c 'import platform; print(platform.python_version())'); the project needs 3.11 (make PYTHON=/path/to/python3.11 ...)" >&2; \
		exit 1; \
	fi
	@PYTHON="$(PYTHON)" $(DEPS) venv
	"$(PYTHON)" -m venv --clear $(VENV) || { rm -rf $(VENV); exit 1; }

$(STAMP_DEV): | $(VPY)
	$(PIP) install -q -e '.[dev,server]'
	@rm -f $(VENV)/.stamp-dev-* $(VENV)/.stamp-build-*
	@touch $@

$(STAMP_BUILD): | $(VPY)
	$(PIP) install -q -e '.[dev,server,build]'
	@rm -f $(VENV)/.stamp-dev-* $(VENV)/.stamp-build-*
	@touch $@ $(STAMP_DEV)

# Qt aborts with a cryptic xcb error when there is no display: say what to do instead.
check-display:
	@if [ "$$(uname -s)" = "Linux" ] && [ -z "$${QT_QPA_PLATFORM:-}" ] \
		&& [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
		echo "error: no display (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window cannot open." >&2; \
		echo "  On a headless machine run it under a virtual X server:  xvfb-run -a make run" >&2; \
		echo "  (xvfb-run comes with the xvfb and xauth packages: sudo $(DEPS) xvfb)" >&2; \
		exit 1; \
	fi

run: check-display venv
	@$(DEPS) runtime
	$(VPY) main.py $(ARGS)

# venv-build: the suite builds the bundle and the .deb once (tests/installer/test_deb_package.py).
test: venv-build
	@$(DEPS) test postgres build
	export QT_QPA_PLATFORM=offscreen; \
	$(VENV)/bin/ruff check . \
		&& $(VENV)/bin/ruff format --check . \
		&& $(VENV)/bin/lint-imports \
		&& $(VENV)/bin/pytest $(PYTEST_ARGS)

bundle: venv-build
	@$(DEPS) build
	$(VENV)/bin/pyinstaller installer/helpdesk.spec --noconfirm --distpath dist --workpath build
	@echo "bundle: dist/helpdesk/helpdesk"

deb: bundle
	installer/linux/build-deb.sh dist/helpdesk dist

smoke-deb:
	@$(DEPS) test
	installer/linux/smoke-test.sh

screenshots: venv
	@test -f $(SCREENSHOTS_SCRIPT) || { echo "error: $(SCREENSHOTS_SCRIPT) does not exist yet" >&2; exit 1; }
	@mkdir -p $(SCREENSHOTS_DIR)
	@if [ ! -f $(SCREENSHOTS_DATA_DIR)/helpdesk.sqlite3 ]; then \
		echo "seeding demo data in $(SCREENSHOTS_DATA_DIR)"; \
		$(VENV)/bin/helpdesk-cli --data-dir $(SCREENSHOTS_DATA_DIR) seed-demo --incidents 500 --reporters 100 --quiet \
			|| { rm -rf $(SCREENSHOTS_DATA_DIR); exit 1; }; \
	fi
	scripts/xvfb-screenshot.sh $(VPY) $(SCREENSHOTS_SCRIPT) $(SCREENSHOTS_DIR) $(SCREENSHOTS_DATA_DIR) $(ARGS)

clean:
	rm -rf build dist artifacts .pytest_cache .ruff_cache .hypothesis .import_linter_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) *.egg-info
