#!/usr/bin/env bash
# Starts Chatkeep on its embedded defaults: installs what is missing, builds,
# then runs the sync server, which also serves the app, on http://127.0.0.1:8787
# with its SQLite file under ./data. Settings: PORT, HOST, CHATKEEP_DATA_DIR,
# CHATKEEP_SIGNUP (see README).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/setup.sh

ensure_pnpm
ensure_deps
echo "==> building"
pnpm -r build

export CHATKEEP_DATA_DIR="${CHATKEEP_DATA_DIR:-$ROOT/data}"
exec node packages/sync-server/dist/main.js
