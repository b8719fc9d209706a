#!/usr/bin/env bash
# HTTP load benchmark: seeds 10,000 and 100,000 products into throwaway SQLite
# databases, serves each with the release binary, and drives it with wrk (32
# connections on loopback). Prints req/s and p50/p95/p99 per page, each page's
# req/s as a share of /healthz (the ceiling: no database, no rendering), both as
# anonymous shoppers get it (from the page cache) and rendered every time
# (`Cache-Control: no-cache`), and the search page's latency with one connection
# at a time (close to server time).
#   usage: load.sh [products …]   (default: 10000 100000)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BAZAAR_BIN:-${CARGO_TARGET_DIR:-$here/../../target}/release/bazaar}"
duration="${BENCH_SECONDS:-10}"
connections=32
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || { echo "no release binary at $bin: run make build" >&2; exit 1; }

report="$(mktemp)"
cat > "$report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("%.0f %.2f %.2f %.2f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
LUA

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# load URL CONNECTIONS [wrk options…] -> "rps p50 p95 p99 errors"
load() {
  wrk -t"$(( $2 < 2 ? 1 : 2 ))" -c"$2" -d"${duration}s" -s "$report.lua" "${@:3}" "$1" | tail -n 1
}

for products in "${sizes[@]}"; do
  data="$(mktemp -d)"
  export DATABASE_URL="sqlite://$data/bazaar.db" BAZAAR_DATA_DIR="$data" BAZAAR_LOG_FORMAT=json
  start=$(date +%s.%N)
  "$bin" seed --products "$products" --seed 1 >/dev/null 2>&1
  seeded=$(echo "$(date +%s.%N) - $start" | bc)
  port=$(free_port)
  RUST_LOG=warn,server=info LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve >"$data/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$data" "$report" "$report.lua"' EXIT
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  product=$(curl -fs "$base/api/v1/products?per_page=1&sort=name" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["slug"])')

  index_ms=$(grep -o '"index_ms":[0-9]*' "$data/server.log" | head -n 1 | cut -d: -f2)
  rss_mb=$(( $(ps -o rss= -p "$server") / 1024 ))
  printf '\n#### %s products (SQLite; seeded in %.1f s; search index built at start-up in %s ms; server RSS %s MB)\n\n' \
    "$products" "$seeded" "${index_ms:-?}" "$rss_mb"
  printf '| page | req/s | p50 ms | p95 ms | p99 ms | share of /healthz | rendered every time: req/s | p95 ms | share |\n'
  printf '|---|---|---|---|---|---|---|---|---|\n'
  ceiling=""
  while IFS='|' read -r name path; do
    read -r rps p50 p95 p99 errors < <(load "$base$path" "$connections")
    [ -n "$ceiling" ] || ceiling=$rps
    share=$(echo "scale=0; 100 * $rps / $ceiling" | bc)
    [ "$errors" = 0 ] || name="$name ($errors errors)"
    if [ "$path" = /healthz ]; then
      printf '| %s | %s | %s | %s | %s | %s %% | | | |\n' "$name" "$rps" "$p50" "$p95" "$p99" "$share"
      continue
    fi
    # The same URL with the page cache bypassed, as a shopper with a session gets it.
    read -r fresh_rps _ fresh_p95 _ fresh_errors < <(load "$base$path" "$connections" -H "Cache-Control: no-cache")
    fresh_share=$(printf "%.1f" "$(echo "scale=2; 100 * $fresh_rps / $ceiling" | bc)")
    [ "$fresh_errors" = 0 ] || fresh_rps="$fresh_rps ($fresh_errors errors)"
    printf '| %s | %s | %s | %s | %s | %s %% | %s | %s | %s %% |\n' \
      "$name" "$rps" "$p50" "$p95" "$p99" "$share" "$fresh_rps" "$fresh_p95" "$fresh_share"
  done <<PAGES
/healthz|/healthz
category page (/categories/tableware)|/categories/tableware
product page|/products/$product
search, one word (oak)|/search?q=oak
search, two words (amber oak)|/search?q=amber+oak
search, misspelt (stonewre)|/search?q=stonewre
suggest API (amb)|/api/v1/search/suggest?q=amb
PAGES
  for query in oak amber+oak stonewre; do
    read -r _ p50 p95 p99 _ < <(load "$base/search?q=$query" 1 -H "Cache-Control: no-cache")
    printf '\nSearch page for %s, rendered, one connection at a time (server time plus loopback): p50 %s ms, p95 %s ms, p99 %s ms.' \
      "$query" "$p50" "$p95" "$p99"
  done
  echo
  kill $server; wait $server 2>/dev/null || true
  rm -rf "$data"
done
