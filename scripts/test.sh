#!/usr/bin/env bash
# The whole test suite: lint and types, the PWA's unit tests, then pytest on SQLite and PostgreSQL
# (end-to-end browser tests included). Installs the test tools on top of the runtime dependencies.
# Extra arguments go to pytest. Every stage runs even when an earlier one fails, so one run shows every
# problem; the exit code is pytest's when pytest failed, otherwise 1 when another stage failed.
EXTRAS="test"
source "$(dirname "$0")/bootstrap.sh"
set +e
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "== starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
fi
failed=()
stage() {
  local name=$1
  shift
  echo "== $name"
  "$@" || failed+=("$name")
}
stage "ruff" ruff check .
stage "ruff format" ruff format --check .
stage "mypy" mypy
if [ -f pwa/package.json ]; then
  stage "PWA unit tests" bash -c "cd pwa && npm test --silent"
fi
echo "== pytest"
python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
rc=$?
if [ ${#failed[@]} -gt 0 ]; then
  printf '== FAILED: %s\n' "${failed[@]}"
  [ $rc -eq 0 ] && rc=1
fi
exit $rc
