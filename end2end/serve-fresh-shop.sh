#!/usr/bin/env bash
# Starts the release `bazaar` with a new data directory and a seeded demo catalog.
# Playwright's webServer runs this and stops it after the tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BAZAAR_BIN:-${CARGO_TARGET_DIR:-$here/../target}/release/bazaar}"
data="$(mktemp -d "${TMPDIR:-/tmp}/bazaar-e2e.XXXXXX")"
trap 'rm -rf "$data"' EXIT
export BAZAAR_DATA_DIR="$data"
export DATABASE_URL="sqlite://$data/bazaar.db"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$here/../target/site}"
"$bin" seed --products 1000 --seed 1 >/dev/null
"$bin" serve &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"; rm -rf "$data"' EXIT TERM INT
wait "$server"
