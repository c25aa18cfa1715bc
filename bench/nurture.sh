#!/usr/bin/env bash
# The nurture bench (bench/nurture.cc): starts an SMTP server on a free
# loopback port, runs the bench against it and stops it. The server is
# Postfix's smtp-sink (a C test server that keeps each message in one dump
# file; Debian's postfix package, installed here unconfigured, no daemon),
# or tests/tools/smtp_sink.py --light with NURTURE_SINK=python (Python's
# aiosmtpd: about half a core at 2,000 messages/s, so it caps the figure).
# NURTURE_ENROLMENTS, NURTURE_DUE override the sizes (1,000,000 and
# 100,000). Exits as the bench does (1: a check failed, 2: under 5,000
# sends/s).
set -euo pipefail
BUILD=${BUILD:-build/release}
SINK=${NURTURE_SINK:-postfix}
work=$(mktemp -d /tmp/leadloop-nurture.XXXXXX)
sink=
trap '[ -n "$sink" ] && kill $sink 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
if [ "$SINK" = postfix ] && ! command -v smtp-sink > /dev/null; then
  # Unconfigured: no mail system is set up and no daemon starts.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix > /dev/null || SINK=python
fi
if [ "$SINK" = postfix ]; then
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  chmod 777 "$work"  # smtp-sink drops to nobody and writes its dump there
  smtp-sink -u nobody -D "$work/sink.dump" "127.0.0.1:$port" 1024 &
  sink=$!
  out="$work/sink.dump"
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "SMTP server: Postfix smtp-sink on 127.0.0.1:$port"
else
  /usr/bin/python3 tests/tools/smtp_sink.py --light --out "$work/sink.jsonl" --port-file "$work/port" &
  sink=$!
  out="$work/sink.jsonl"
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "the SMTP sink did not start" >&2; exit 1; }
  port=$(cat "$work/port")
  echo "SMTP server: tests/tools/smtp_sink.py --light on 127.0.0.1:$port"
fi
"$BUILD/bench/leadloop_bench_nurture" --smtp "smtp://127.0.0.1:$port" --sink-out "$out" \
  --enrolments "${NURTURE_ENROLMENTS:-1000000}" --due "${NURTURE_DUE:-100000}" --dir "$work/db" "$@"
