#!/usr/bin/env bash
# The lead definition end to end at ROWS leads: a CSV import graded by the
# signed demo definition on the way in, then over HTTP a backtest of a draft
# (leads and outcomes read from SQLite, then graded twice) and the accuracy
# report. Prints wall times; the in-memory backtest and its SQL twin are in
# bench/backtest.cc.
set -euo pipefail
BUILD=${BUILD:-build/release}
BIN=$BUILD/src/leadloop
ROWS=${ROWS:-1000000}
work=$(mktemp -d /tmp/leadloop-defhttp.XXXXXX)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=
db=$work/def.db
python3 bench/gen_csv.py "$ROWS" 1 > "$work/leads.csv"
source bench/lib.sh
bench_db "$db"
"$BIN" definition draft src/demo/lead_definition.yaml --db "$db" --as bench > /dev/null
"$BIN" definition approve 1 --side marketing --as m --db "$db" > /dev/null
"$BIN" definition approve 1 --side sales --as s --db "$db" > /dev/null
"$BIN" definition activate 1 --db "$db" > /dev/null
imported=$(t "$BIN" import "$work/leads.csv" --db "$db" --campaign bench)
sed 's/timeframe_days <= 90$/timeframe_days <= 180/' src/demo/lead_definition.yaml > "$work/draft.yaml"
"$BIN" definition draft "$work/draft.yaml" --db "$db" --as bench > /dev/null
token=$("$BIN" token create --db "$db" --role admin --label bench)
"$BIN" serve --db "$db" --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.log" &
server=$!
for _ in $(seq 200); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve.out")
get() { curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1"; }
range="from=2000-01-01&to=2100-01-01"
bt=$(t get "/api/v1/definition/versions/2/backtest?$range")
load=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["seconds"]["load"], d["seconds"]["evaluate"], d["leads"], d["changed"])' "$work/out")
acc=$(t get "/api/v1/definition/accuracy?$range")
printf 'lead definition over HTTP, %s leads\n' "$ROWS"
printf '  import graded by the active definition:  %6.2f s\n' "$imported"
printf '  GET backtest (wall):                     %6.2f s   (server: load, evaluate, leads, changed = %s)\n' "$bt" "$load"
printf '  GET accuracy (wall):                     %6.2f s\n' "$acc"
