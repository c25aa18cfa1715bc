#!/usr/bin/env bash
# `make bench`: starts a server on a fresh database and runs the benchmarks
# against their SQL twins. LEADS, BATCH, CONNECTIONS override the sizes.
set -euo pipefail
BUILD=${BUILD:-build/release}
BIN=$BUILD/src/leadloop
LEADS=${LEADS:-100000}
BATCH=${BATCH:-10000}
CONNECTIONS=${CONNECTIONS:-2}
work=$(mktemp -d /tmp/leadloop-bench.XXXXXX)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
db=$work/bench.db
token=$("$BIN" token create --db "$db" --role admin --label bench)
"$BIN" serve --db "$db" --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.log" &
server=$!
for _ in $(seq 100); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.out")
curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"key":"bench","channel":"web"}' "http://127.0.0.1:$port/api/v1/campaigns" > /dev/null
"$BUILD/bench/leadloop_bench_ingest" --port "$port" --token "$token" --leads "$LEADS" \
  --batch "$BATCH" --connections "$CONNECTIONS" --twin-db "$work/twin.db"
echo
bash bench/import_csv.sh
echo
echo "== definition: rule evaluation rate (1,000,000 leads x 10 rules)"
"$BUILD/bench/leadloop_bench_rules" --leads "${RULE_LEADS:-1000000}"
echo
echo "== definition: backtest of a draft against the active definition, vs its SQLite twin"
"$BUILD/bench/leadloop_bench_backtest" --leads "${BACKTEST_LEADS:-1000000}" --definition src/demo/lead_definition.yaml \
  --twin-db "$work/backtest-twin.db"
echo
"$BUILD/bench/leadloop_bench_follow_up" --leads "${FOLLOW_UP_LEADS:-100000}" --dir "$work/follow-up"
echo
# The DuckDB twin of the reports runs in Node on the npm package that
# package-lock.json pins; installed once, here, since only this needs it.
if [ ! -d node_modules/@duckdb/node-api ] && command -v npm > /dev/null; then
  npm ci --no-audit --no-fund
fi
"$BUILD/bench/leadloop_bench_reports" --leads "${REPORT_LEADS:-1000000}" --db "$work/reports.db"
