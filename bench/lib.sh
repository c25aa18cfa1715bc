# Shared by the bench scripts (sourced). REQUIRES: BIN and work set.

# Creates database $1 with the schema and a campaign `bench`.
bench_db() {
  "$BIN" migrate --db "$1" > /dev/null
  sqlite3 "$1" "INSERT INTO campaigns (key,name,channel,created_at) VALUES ('bench','bench','telemarketing',0)"
}

# Runs a command with its output in $work/out; prints its wall time in seconds.
t() { local s=$(date +%s.%N); "$@" > "$work/out" 2>&1; echo "$(date +%s.%N) - $s" | bc; }
