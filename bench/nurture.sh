#!/usr/bin/env bash
# The nurture bench (bench/nurture.cc): starts the SMTP sink
# (tests/tools/smtp_sink.py --light) on a free loopback port, runs the bench
# against it and stops it. NURTURE_ENROLMENTS, NURTURE_DUE override the
# sizes (1,000,000 and 100,000). Exits as the bench does (1: a check
# failed, 2: under 5,000 sends/s).
set -euo pipefail
BUILD=${BUILD:-build/release}
work=$(mktemp -d /tmp/leadloop-nurture.XXXXXX)
/usr/bin/python3 tests/tools/smtp_sink.py --light --out "$work/sink.jsonl" --port-file "$work/port" &
sink=$!
trap 'kill $sink 2>/dev/null; wait $sink 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "the SMTP sink did not start" >&2; exit 1; }
"$BUILD/bench/leadloop_bench_nurture" --smtp "smtp://127.0.0.1:$(cat "$work/port")" --sink-out "$work/sink.jsonl" \
  --enrolments "${NURTURE_ENROLMENTS:-1000000}" --due "${NURTURE_DUE:-100000}" --dir "$work/db" "$@"
