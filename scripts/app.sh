#!/usr/bin/env bash
# Set up (if needed) and run the app on the bundled data: http://localhost:8501
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh" app
cd "$root"
exec .venv/bin/python -m streamlit run app.py "$@"
