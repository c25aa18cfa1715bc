#!/usr/bin/env bash
# The HTTP load benchmarks of issue 17, each against its own server on a
# fresh database (docs/benchmarks.md):
#   bash bench/load.sh [ingest] [connections] [streams] [soak]
# Sizes: LEADS, BATCH, CONNECTIONS (ingest); HELD, HELD_MODE (connections);
# STREAMS; SOAK_SECONDS, SOAK_RATE. SERVE_ARGS go to `leadloop serve`.
# Runs every part named, then exits 1 if any of them failed a bar.
set -uo pipefail
BUILD=${BUILD:-build/release}
BIN=$BUILD/src/leadloop
SERVE_ARGS=${SERVE_ARGS:-}
OUT=${OUT:-bench/out}
work=$(mktemp -d /tmp/leadloop-load.XXXXXX)
server=
trap 'stop_server; rm -rf "$work"' EXIT
# Both ends of 10,000 connections need that many descriptors.
ulimit -n "$(ulimit -Hn)"

# Starts `leadloop serve` on a fresh database $work/$1; sets server, port, token.
start_server() {
  mkdir -p "$work/$1"
  local db=$work/$1/leadloop.db
  token=$("$BIN" token create --db "$db" --role admin --label load)
  # shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
  "$BIN" serve --db "$db" --listen 127.0.0.1:0 $SERVE_ARGS > "$work/$1/serve.out" 2> "$work/$1/serve.log" &
  server=$!
  for _ in $(seq 200); do grep -q listening "$work/$1/serve.out" 2>/dev/null && break; sleep 0.05; done
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/$1/serve.out")
  [ -n "$port" ] || { echo "the server did not start: $(cat "$work/$1/serve.log")"; return 1; }
}

stop_server() {
  [ -n "$server" ] || return 0
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  server=
}

ingest() {
  curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"key":"bench","channel":"web"}' "http://127.0.0.1:$port/api/v1/campaigns" > /dev/null
  "$BUILD/bench/leadloop_bench_ingest" --port "$port" --token "$token" --leads "${LEADS:-100000}" \
    --batch "${BATCH:-10000}" --connections "${CONNECTIONS:-2}" --twin-db "$work/ingest/twin.db"
}

connections() {
  "$BUILD/bench/leadloop_bench_connections" --port "$port" --token "$token" --server-pid "$server" \
    --connections "${HELD:-10000}" --mode "${HELD_MODE:-idle}"
}

streams() {
  "$BUILD/bench/leadloop_bench_streams" --port "$port" --token "$token" --server-pid "$server" \
    --streams "${STREAMS:-1000}"
}

soak() {
  "$BUILD/bench/leadloop_bench_soak" --port "$port" --token "$token" --server-pid "$server" \
    --seconds "${SOAK_SECONDS:-600}" --rate "${SOAK_RATE:-20}" --out "$OUT"
}

failed=()
for part in "$@"; do
  case $part in
    ingest | connections | streams | soak) ;;
    *) echo "unknown part: $part (ingest, connections, streams, soak)"; exit 2 ;;
  esac
  echo "== $part"
  if start_server "$part" && "$part"; then :; else failed+=("$part"); fi
  stop_server
  echo
done
[ ${#failed[@]} -eq 0 ] || { echo "load benchmarks that failed a bar: ${failed[*]}"; exit 1; }
