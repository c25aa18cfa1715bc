#!/usr/bin/env bash
# The curve of issue 20: the same measurements at 100k, 1M and 10M leads
# (about 9.2 events a lead), drawn as a chart (docs/benchmarks.md#the-curve).
#
#   bash bench/curve.sh            # or: make bench-curve
#
# At each size N:
#  1. leadloop_bench_reports generates N leads into a SQLite file (seeded),
#     loads the projection (time, bytes, peak RSS), writes and reloads its
#     snapshot, and times the 16 reports against the DuckDB twins (raw and
#     derived tables) and, up to CURVE_SQLITE_MAX leads, the SQLite twin;
#     every timed run's figures are compared. Goal: 10 ms a report up to 1M,
#     100 ms at 10M;
#  2. `leadloop serve` starts on that file: the time to listening (a full
#     projection load: the file has no snapshot yet) and its RSS;
#  3. 100,000 new leads through POST /api/v1/leads/bulk into it
#     (leadloop_bench_ingest, with its plain-SQLite twin), and the server's
#     peak RSS; SIGTERM writes the snapshot, and a second start's time to
#     listening is the start-up from the snapshot.
# Writes $OUT/curve.json, curve.md (the table) and curve.svg (the chart).
# Sizes: CURVE_SIZES ("100000 1000000 10000000"); files in CURVE_DIR (a
# temporary folder, removed unless CURVE_KEEP=1; 10M leads take about 25 GB).
# Exits 1 when figures differ from a twin or a step failed, 2 when a report
# is over its goal or the server over 16 GB at 10M.
set -uo pipefail
BUILD=${BUILD:-build/release}
BIN=$BUILD/src/leadloop
OUT=${OUT:-bench/out}
SIZES=${CURVE_SIZES:-100000 1000000 10000000}
SQLITE_MAX=${CURVE_SQLITE_MAX:-100000}
dir=${CURVE_DIR:-$(mktemp -d /tmp/leadloop-curve.XXXXXX)}
mkdir -p "$dir" "$OUT"
server=
cleanup() {
  [ -z "$server" ] || kill "$server" 2> /dev/null
  [ "${CURVE_KEEP:-0}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
status=0

# kB of a process's VmRSS or VmHWM.
vm() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

# Starts serve on $1 and waits for its listening line; sets server, port and
# start_ms (spawn to listening).
start() {
  local s
  rm -f "$dir/serve.out" "$dir/serve.log"
  s=$(date +%s%N)
  "$BIN" serve --db "$1" --listen 127.0.0.1:0 > "$dir/serve.out" 2> "$dir/serve.log" &
  server=$!
  # A full load at 10M leads takes minutes on 2 cores.
  for _ in $(seq 12000); do
    grep -q listening "$dir/serve.out" 2> /dev/null && break
    kill -0 "$server" 2> /dev/null || break
    sleep 0.05
  done
  start_ms=$((($(date +%s%N) - s) / 1000000))
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$dir/serve.out")
  [ -n "$port" ] || { echo "the server did not start: $(tail -3 "$dir/serve.log")"; return 1; }
}

stop() {
  kill "$server" 2> /dev/null
  wait "$server" 2> /dev/null
  server=
}

for n in $SIZES; do
  echo "== curve: $n leads"
  db=$dir/curve-$n.db
  goal=10
  [ "$n" -le 1000000 ] || goal=100
  sqlite=1
  [ "$n" -le "$SQLITE_MAX" ] || sqlite=0
  "$BUILD/bench/leadloop_bench_reports" --leads "$n" --db "$db" --goal-ms "$goal" --sqlite-twin "$sqlite" \
    --sql-runs 2 --json "$dir/reports-$n.json"
  rc=$?
  [ $rc -eq 0 ] || { [ $rc -eq 2 ] && [ $status -ne 1 ] && status=2; } || status=1
  [ -f "$dir/reports-$n.json" ] || { echo "no figures at $n leads"; status=1; continue; }

  token=$("$BIN" token create --db "$db" --role admin --label curve)
  start "$db" || { status=1; continue; }
  full_ms=$start_ms
  rss_kb=$(vm "$server" VmRSS)
  curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"key":"curve-bench","channel":"web"}' "http://127.0.0.1:$port/api/v1/campaigns" > /dev/null
  "$BUILD/bench/leadloop_bench_ingest" --port "$port" --token "$token" --leads 100000 --batch 10000 \
    --connections 2 --campaign curve-bench --twin-db "$dir/twin.db" | tee "$dir/ingest-$n.out" || status=1
  rm -f "$dir/twin.db"*
  hwm_kb=$(vm "$server" VmHWM)
  stop
  start "$db" || { status=1; continue; }
  snapshot_ms=$start_ms
  how=$(sed -n 's/.*reports: loaded \(.*\)/\1/p' "$dir/serve.log" | head -1)
  stop
  rate=$(sed -n 's/.*fsync): *[0-9.]* s *\([0-9]*\) leads\/s.*/\1/p' "$dir/ingest-$n.out")
  ratio=$(sed -n 's/.*ratio .*: \([0-9.]*\)x.*/\1/p' "$dir/ingest-$n.out")
  python3 - "$dir/reports-$n.json" "$full_ms" "$snapshot_ms" "$rss_kb" "$hwm_kb" "${rate:-0}" "${ratio:-0}" "$how" << 'EOF'
import json, sys
path, full, snap, rss, hwm, rate, ratio, how = sys.argv[1:]
d = json.load(open(path))
d["serve"] = {"start_full_ms": int(full), "start_snapshot_ms": int(snap), "snapshot_start": how,
              "rss_after_load_mb": int(rss) / 1024, "peak_rss_mb": int(hwm) / 1024,
              "ingest_leads_per_s": float(rate), "ingest_vs_sqlite": float(ratio)}
json.dump(d, open(path, "w"), indent=2)
EOF
  echo "  serve: listening after ${full_ms} ms (full load), ${snapshot_ms} ms from the snapshot ($how);" \
    "RSS $((rss_kb / 1024)) MB after the load, peak $((hwm_kb / 1024)) MB after 100k more leads"
  if [ "$n" -ge 10000000 ] && [ "$hwm_kb" -gt $((16 * 1024 * 1024)) ]; then
    echo "  the server took more than 16 GB at $n leads"
    [ $status -eq 1 ] || status=2
  fi
  [ "${CURVE_KEEP:-0}" = 1 ] || rm -f "$db"*
done

python3 bench/curve_chart.py --out "$OUT" "$dir"/reports-*.json || status=1
exit $status
