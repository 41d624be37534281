#!/usr/bin/env bash
# Set up (if needed) and run every test, slow ones included. Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh" test
cd "$root"
exec .venv/bin/python -m pytest "$@"
