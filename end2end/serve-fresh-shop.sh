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
# A staff account for the journeys through /admin (the password is read from stdin).
echo "${BAZAAR_E2E_STAFF_PASSWORD:-counter-staff-2026}" \
  | "$bin" create-admin "${BAZAAR_E2E_STAFF_EMAIL:-staff@shop.test}" >/dev/null

# A real SMTP server for the shop's mail, when the Playwright config asked for one.
sink=""
if [ -n "${BAZAAR_E2E_SMTP_PORT:-}" ] && [ -n "${BAZAAR_E2E_INBOX:-}" ]; then
  python3 "$here/../app/tests/smtp_sink.py" --port "$BAZAAR_E2E_SMTP_PORT" "$BAZAAR_E2E_INBOX" &
  sink=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$BAZAAR_E2E_SMTP_PORT") 2>/dev/null && break
    sleep 0.1
  done
  export BAZAAR_SMTP_URL="smtp://127.0.0.1:$BAZAAR_E2E_SMTP_PORT"
fi

"$bin" serve &
server=$!
trap 'kill -TERM "$server" $sink 2>/dev/null; wait "$server"; rm -rf "$data"' EXIT TERM INT
wait "$server"
