# Bazaar: `make run` serves the shop with a demo catalog, `make test` runs every check.
# Both install what they need first, and skip what is already there.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.10
BINARYEN_VERSION     := 132.0.0
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)

TOOLS_DIR := $(CURDIR)/.tools
export PATH := $(TOOLS_DIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# One build directory outside the clone, so a fresh clone (CI's included) reuses
# what earlier builds on this machine compiled; cargo still rebuilds what changed.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/bazaar/target
BAZAAR := $(CARGO_TARGET_DIR)/release/bazaar
export BAZAAR_BIN := $(BAZAAR)
export LEPTOS_SITE_ROOT ?= $(CURDIR)/target/site

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help run dev test build tools wasm-target cargo-leptos wasm-bindgen wasm-opt npm-packages python-packages chromium postgresql-client bench bench-mixed clean

help:
	@echo "make run    set up and serve the shop with a demo catalog at http://127.0.0.1:3000"
	@echo "make test   set up and run every check and test suite"
	@echo "make dev    cargo leptos watch (rebuilds and reloads on change)"

tools: wasm-target cargo-leptos wasm-bindgen wasm-opt npm-packages

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown

cargo-leptos:
	@if [ "$$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $(CARGO_LEPTOS_VERSION)" ]; then \
	  echo "Installing cargo-leptos $(CARGO_LEPTOS_VERSION) (about 12-18 minutes, once)"; \
	  cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads; \
	fi

# No --locked: one of its pinned dependencies is missing from the registry mirror.
wasm-bindgen:
	@test -n "$(WASM_BINDGEN_VERSION)" || { echo "wasm-bindgen not found in Cargo.lock"; exit 1; }
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "Installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 3-5 minutes, once)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

# npm's binaryen: Debian's wasm-opt (108) produces wasm that fails to hydrate.
wasm-opt:
	@if ! "$(TOOLS_DIR)/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $(firstword $(subst ., ,$(BINARYEN_VERSION)))"; then \
	  mkdir -p "$(TOOLS_DIR)"; \
	  npm install --no-save --no-package-lock --prefix "$(TOOLS_DIR)" binaryen@$(BINARYEN_VERSION); \
	fi

npm-packages:
	@if [ ! -d end2end/node_modules ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then \
	  (cd end2end && npm ci --no-audit --no-fund); \
	fi

# aiosmtpd: the real SMTP server the email tests deliver to; localstripe: the stateful
# Stripe stand-in the Stripe provider's tests pay through; moto (server mode): the
# S3-compatible store the photo storage tests write to. Each is skipped when Python
# can already import it (moto's server mode: `import moto.server`). The second pip
# call is for a Python that refuses --user installs without it (Debian's, PEP 668).
PYTHON_PACKAGES := aiosmtpd==1.4.6 localstripe==1.15.10 moto[server]==5.2.1

python-packages:
	@for package in $(PYTHON_PACKAGES); do \
	  module=$${package%%[=[]*}; \
	  [ "$$module" = moto ] && module=moto.server; \
	  python3 -c "import $$module" 2>/dev/null && continue; \
	  python3 -m pip --version >/dev/null 2>&1 || { \
	    echo "Installing Debian's python3-pip"; \
	    $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends python3-pip; }; \
	  python3 -m pip install --user "$$package" \
	    || python3 -m pip install --user --break-system-packages "$$package"; \
	done

chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium"; \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

# pg_dump and pg_restore: `bazaar backup` and `restore` on PostgreSQL, and their tests.
postgresql-client:
	@command -v pg_dump >/dev/null || { \
	  echo "Installing Debian's postgresql-client"; \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends postgresql-client; }

build: tools
	cargo leptos build --release

run: build
	@mkdir -p data
	$(BAZAAR) migrate
	$(BAZAAR) seed --products 200 --if-empty
	$(BAZAAR) serve

dev: tools
	cargo leptos watch

test: tools chromium python-packages postgresql-client
	bash .ci/test-all

# Seeds 10,000 and 100,000 products and load-tests the pages with wrk, then measures
# paid orders per second through the checkout on SQLite and PostgreSQL (see README).
bench: build
	@command -v wrk >/dev/null || { \
	  echo "Installing Debian's wrk"; \
	  $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends wrk; }
	bash server/benches/load.sh
	cargo bench --locked -p server --bench checkout

# Browse, search, add to cart and check out in fixed proportions at 10,000 products, on
# SQLite, PostgreSQL and two instances on one PostgreSQL (see README). The servers run
# inside the bench (release profile) and serve pages without the built site: nothing to
# build first.
bench-mixed:
	cargo bench --locked -p server --bench mixed

clean:
	cargo clean
	rm -rf target/site "$(TOOLS_DIR)" end2end/node_modules
