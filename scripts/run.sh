#!/usr/bin/env bash
# Starts Leadloop on the embedded database with demo data (made once) and
# prints the URL and an admin API token. Used by `make run`.
set -euo pipefail
DB=${DB:-data/leadloop.db}
LISTEN=${LISTEN:-127.0.0.1:8080}
BIN=${BIN:-build/release/src/leadloop}

mkdir -p "$(dirname "$DB")"
if [ ! -f "$DB" ]; then
  echo "Creating $DB with the demo data set (seed 42, 5,000 leads)..."
  tmp="$DB.partial"
  rm -f "$tmp" "$tmp-wal" "$tmp-shm"
  "$BIN" demo --db "$tmp" --seed 42 --leads 5000
  mv "$tmp" "$DB"
fi
TOKEN=$("$BIN" token create --db "$DB" --role admin --label make-run)
cat <<MSG

  Leadloop is starting on http://$LISTEN
  Dashboard: http://$LISTEN/  (sign in as admin, password leadloop-demo)
  Admin API token: $TOKEN
  Demo users (the dashboard, or POST /api/v1/session): admin, maria (marketing),
  sam (sales manager), rep (sales rep), vendor (a telemarketing vendor), viewer;
  password: leadloop-demo

  Try:  curl -H "Authorization: Bearer $TOKEN" http://$LISTEN/api/v1/leads?limit=5
  The signed lead definition: http://$LISTEN/definition
  Reps and their open leads: curl -H "Authorization: Bearer $TOKEN" http://$LISTEN/api/v1/reps
  SLA breach messages:       curl -H "Authorization: Bearer $TOKEN" http://$LISTEN/api/v1/outbox
  Docs: docs/quickstart.md, docs/web.md, docs/api.md, docs/definition.md, docs/lifecycle.md, docs/security.md. Stop with Ctrl-C.

MSG
exec "$BIN" serve --db "$DB" --listen "$LISTEN"
