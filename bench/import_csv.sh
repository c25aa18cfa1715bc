#!/usr/bin/env bash
# CSV import benchmark: ROWS generated rows (seeded) imported into a database
# that already holds ROWS leads, then the same file imported again (all
# duplicates). The SQL twin: sqlite3's own .import of the same file into a
# plain table of the same file system, in the same run.
set -euo pipefail
BUILD=${BUILD:-build/release}
BIN=$BUILD/src/leadloop
ROWS=${ROWS:-1000000}
work=$(mktemp -d /tmp/leadloop-import.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_csv.py "$ROWS" 1 > "$work/base.csv"
python3 bench/gen_csv.py "$ROWS" 2 > "$work/new.csv"
db=$work/import.db
source bench/lib.sh
bench_db "$db"
base=$(t "$BIN" import "$work/base.csv" --db "$db" --campaign bench)
fresh=$(t "$BIN" import "$work/new.csv" --db "$db" --campaign bench)
grep -E "rows," "$work/out" | sed 's/^/    /'
again=$(t "$BIN" import "$work/new.csv" --db "$db" --campaign bench)
grep -E "rows," "$work/out" | sed 's/^/    /'
twin=$(t sqlite3 "$work/twin.db" -cmd "PRAGMA journal_mode=WAL" ".mode csv" ".import $work/new.csv leads")
printf 'csv import: %s rows into a database of %s leads\n' "$ROWS" "$ROWS"
printf '  leadloop import (new leads, deduplicated, events):  %6.2f s  %8.0f rows/s\n' "$fresh" "$(echo "$ROWS / $fresh" | bc -l)"
printf '  leadloop re-import (every row merges):               %6.2f s  %8.0f rows/s\n' "$again" "$(echo "$ROWS / $again" | bc -l)"
printf '  sqlite3 .import of the same file (no checks):        %6.2f s  %8.0f rows/s\n' "$twin" "$(echo "$ROWS / $twin" | bc -l)"
printf '  ratio leadloop / sqlite3 .import: %.2fx\n' "$(echo "$twin / $fresh" | bc -l)"
