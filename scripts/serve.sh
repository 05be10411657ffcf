#!/usr/bin/env bash
# Start the app on the embedded defaults (SQLite + local photo storage under instance/) with the demo
# project loaded. PORT (default 5000), DATABASE_URL, MEDIA_BACKEND etc. are read from the environment.
source "$(dirname "$0")/bootstrap.sh"
export INSTANCE_PATH="${INSTANCE_PATH:-$ROOT/instance}"
flask --app server.app db upgrade
flask --app server.app demo load
# Development only: the follow-up pass (deadlines, escalation, delivery) every FOLLOWUP_EVERY seconds, so the
# demo's overdue defects climb the ladder. In production run `flask followup run` from cron (README).
( while sleep "${FOLLOWUP_EVERY:-60}"; do flask --app server.app followup run >/dev/null 2>&1 || true; done ) &
PORT="${PORT:-5000}"
echo "== serving on http://127.0.0.1:$PORT/  (API docs: http://127.0.0.1:$PORT/api/docs)"
# One image worker in the background makes thumbnails and display copies of uploaded photos (in production
# it is a service of its own: docs/photos.md). Ctrl-C stops it with the server (same process group).
flask --app server.app photos work --nice 10 &
# The app writes one JSON line per request itself (with its request id), so no gunicorn access log.
exec gunicorn --workers "${WORKERS:-2}" --threads 4 --bind "${HOST:-0.0.0.0}:$PORT" 'server.app:create_app()'
