#!/usr/bin/env bash
# The benchmark harness on a small dataset, one run per figure: proves every
# figure can still be measured (exit 1 if not) in well under a minute. The
# numbers mean nothing; scripts/bench.sh gives the real ones.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/setup.sh
. scripts/test-postgres.sh

ensure_pnpm
ensure_deps
ensure_chromium
ensure_test_postgres
trap stop_test_postgres EXIT
# The server, the UI and the storage package are built by the test command
# before this runs; build them only when missing. The harness always rebuilds.
if [ ! -f packages/sync-server/dist/main.js ] || [ ! -f packages/ui/dist/index.html ] || [ ! -f packages/storage/dist/index.js ]; then
  pnpm -r --filter '!@chatkeep/bench' build
fi
pnpm --filter @chatkeep/bench build >/dev/null
node bench/dist/node/run.js --smoke --json bench-results/smoke.json
