#!/usr/bin/env bash
# Fetch Leaflet and the folium plugins' JS/CSS from the npm registry into static/vendor/
# (served by Streamlit at /app/static/vendor/). Idempotent; instant when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m geo.assets fetch "$@"
