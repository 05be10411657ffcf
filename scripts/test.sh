#!/usr/bin/env bash
# The whole test suite: lint and types, the PWA's unit tests, then pytest on SQLite and PostgreSQL
# (end-to-end browser tests included). Installs the test tools on top of the runtime dependencies.
# Extra arguments go to pytest.
EXTRAS="test"
source "$(dirname "$0")/bootstrap.sh"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "== starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
fi
echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy"
mypy
if [ -f pwa/package.json ]; then
  echo "== PWA unit tests"
  (cd pwa && npm test --silent)
fi
echo "== pytest"
python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
