#!/usr/bin/env bash
# Measures how fast Chatkeep is and how it scales: builds everything, then
# runs the browser figures in headless Chromium (against the real IndexedDB
# adapter, Dexie.js and the legacy localStorage blob) and the server and sync
# figures on 127.0.0.1. Writes BENCHMARKS.md, the raw JSON under
# bench-results/ and a copy in bench/results/latest.json. Takes 10-20 minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/setup.sh
. scripts/test-postgres.sh

ensure_pnpm
ensure_deps
ensure_chromium
# The PostgreSQL figures: the local server, or a throwaway one.
ensure_test_postgres
trap stop_test_postgres EXIT
echo "==> building"
pnpm -r build

RAW="bench-results/bench-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "==> running the benchmarks (raw results: $RAW)"
node bench/dist/node/run.js --json "$RAW" --markdown BENCHMARKS.md
mkdir -p bench/results
cp "$RAW" bench/results/latest.json
echo "==> wrote BENCHMARKS.md and bench/results/latest.json"
