#!/usr/bin/env bash
# `make bench`: starts a server on a fresh database and runs the benchmarks
# against their SQL twins. LEADS, BATCH, CONNECTIONS override the sizes;
# bench/load.sh lists the sizes of the load tools. SOAK_SECONDS=0 skips the soak.
set -euo pipefail
BUILD=${BUILD:-build/release}
work=$(mktemp -d /tmp/leadloop-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
# HTTP: bulk ingest, held connections and live streams, each on its own
# server; a failed bar (and a failed reports benchmark) is reported at the
# end, after the other benchmarks.
load_status=0
bash bench/load.sh ingest connections streams || load_status=1
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
# Nurture programmes: 1M enrolments, a send step due for 100,000 at once,
# to the SMTP sink; exit 1: a mail missing or sent twice, 2: under 5,000/s.
BUILD=$BUILD bash bench/nurture.sh || load_status=1
echo
# The DuckDB twin of the reports runs in Node on the npm package that
# package-lock.json pins; installed once, here, since only this needs it.
if [ ! -d node_modules/@duckdb/node-api ] && command -v npm > /dev/null; then
  npm ci --no-audit --no-fund
fi
# Exit 1: figures differ from a twin; 2: a report over its goal (10 ms).
# Either fails `make bench` at the end, after the soak.
"$BUILD/bench/leadloop_bench_reports" --leads "${REPORT_LEADS:-1000000}" --db "$work/reports.db" || load_status=1
echo
if [ "${SOAK_SECONDS:-600}" != 0 ]; then bash bench/load.sh soak || load_status=1; fi
exit $load_status
