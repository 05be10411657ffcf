#!/usr/bin/env bash
# Start the app on the embedded defaults (SQLite + local photo storage under instance/), with the demo
# project loaded outside production. Installs the runtime dependencies only (no test tools).
# HOST (default 0.0.0.0), PORT (default 5000), WORKERS, DATABASE_URL, MEDIA_BACKEND etc. come from the
# environment. With APP_ENV=production the demo (and its published passwords) is never loaded: create the
# first administrator with `flask --app server.app user create-admin NAME`.
EXTRAS=""
source "$(dirname "$0")/bootstrap.sh"
export INSTANCE_PATH="${INSTANCE_PATH:-$ROOT/instance}"
flask --app server.app db upgrade
if [ "${APP_ENV:-development}" = production ]; then
  echo "== production: no demo data; first administrator: flask --app server.app user create-admin NAME"
else
  flask --app server.app demo load
  # Development only: the follow-up pass (deadlines, escalation, delivery) every FOLLOWUP_EVERY seconds, so
  # the demo's overdue defects climb the ladder. In production run `flask followup run` from cron (README).
  ( while sleep "${FOLLOWUP_EVERY:-60}"; do flask --app server.app followup run >/dev/null 2>&1 || true; done ) &
fi
HOST="${HOST:-0.0.0.0}"
PORT="${PORT:-5000}"
echo "== serving on http://127.0.0.1:$PORT/ (bound to $HOST)  (API docs: http://127.0.0.1:$PORT/api/docs)"
# One image worker in the background makes thumbnails and display copies of uploaded photos (in production
# it is a service of its own: docs/photos.md). Ctrl-C stops it with the server (same process group).
flask --app server.app photos work --nice 10 &
# The app writes one JSON line per request itself (with its request id), so no gunicorn access log.
exec gunicorn --workers "${WORKERS:-2}" --threads 4 --bind "$HOST:$PORT" 'server.app:create_app()'
