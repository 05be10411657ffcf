# Sourced by serve.sh and test.sh: make sure .venv has the project's dependencies and that the PWA is
# built. EXTRAS names the optional dependencies to add: none for serving, "test" for the test tools.
# Every install is pinned by constraints.txt (refresh it with scripts/lock.sh) and done by uv. The
# commands run from the repository root, so the project's packages need no install of their own. Each
# step reruns only when its inputs changed, so the second run starts at once; the PWA builds while the
# Python packages install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXTRAS="${EXTRAS:-}"

pwa_ready() {
  [ -f pwa/package.json ] || return 0
  local lock newest_src
  lock=pwa/node_modules/.installed-$(cat pwa/package.json pwa/package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
  if [ ! -f "$lock" ]; then
    echo "== installing PWA packages"
    (cd pwa && npm ci --no-audit --no-fund --loglevel=error)
    rm -f pwa/node_modules/.installed-* && touch "$lock"
  fi
  newest_src=$(find pwa domain/rules.json -path pwa/node_modules -prune -o -path pwa/dist -prune -o -type f -newer pwa/dist/index.html -print -quit 2>/dev/null || true)
  if [ ! -f pwa/dist/index.html ] || [ -n "$newest_src" ]; then
    echo "== building the PWA"
    (cd pwa && npm run build --silent)
  fi
}
pwa_ready &
pwa_job=$!

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
source .venv/bin/activate

inputs=$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
stamp=".venv/.installed-$inputs-${EXTRAS:-runtime}"
# The test tools come with everything serving needs.
if [ ! -f "$stamp" ] && ! { [ -z "$EXTRAS" ] && [ -f ".venv/.installed-$inputs-test" ]; }; then
  echo "== installing Python dependencies${EXTRAS:+ (and the $EXTRAS tools)}"
  mapfile -t requirements < <(python - "$EXTRAS" <<'PY'
import sys
import tomllib

project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"]))
for extra in filter(None, sys.argv[1].split(",")):
    print("\n".join(project["optional-dependencies"][extra]))
PY
  )
  # uv installs the same pinned set as pip would, several times faster (parallel downloads, native unpacking).
  [ -x .venv/bin/uv ] || python -m pip install -q -c constraints.txt uv
  .venv/bin/uv pip install -q --python .venv/bin/python -c constraints.txt "${requirements[@]}"
  rm -f .venv/.installed-* && touch "$stamp"
fi

if ! wait "$pwa_job"; then
  echo "== the PWA could not be installed or built (see above)" >&2
  exit 1
fi
