#!/usr/bin/env bash
# Runs every check of every package: typecheck, lint, Node tests, browser tests
# and end-to-end tests, then prints one line with the totals of all suites.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
. scripts/setup.sh
. scripts/test-postgres.sh

ensure_pnpm || exit 1
ensure_deps || exit 1
ensure_chromium || exit 1
ensure_test_postgres || exit 1
trap stop_test_postgres EXIT

RESULTS="$ROOT/test-results/summary"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
export CHATKEEP_RESULTS="$RESULTS"

# A check that is not a test runner counts as one test: passed or failed.
check() {
  local name="$1" start=$SECONDS; shift
  echo "==> $name"
  if "$@"; then echo '{"check":"passed"}' >"$RESULTS/$name.check.json"
  else echo '{"check":"failed"}' >"$RESULTS/$name.check.json"; fi
  echo "<== $name: $((SECONDS - start)) s"
}

# A vitest run writes its JSON report next to the others.
vitest_suite() {
  local name="$1" dir="$2" start=$SECONDS; shift 2
  echo "==> $name"
  (cd "$dir" && pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$RESULTS/$name.vitest.json" "$@")
  [ -f "$RESULTS/$name.vitest.json" ] || echo '{"check":"failed"}' >"$RESULTS/$name.check.json"
  echo "<== $name: $((SECONDS - start)) s"
}

check build pnpm -r build
check typecheck pnpm -r typecheck
check lint pnpm exec biome check .

vitest_suite storage packages/storage
vitest_suite storage-chromium packages/storage -c vitest.browser.config.ts
vitest_suite sync-server packages/sync-server
vitest_suite ui packages/ui
if [ -f packages/ui/playwright.config.ts ]; then
  echo "==> ui-e2e"
  start=$SECONDS
  (cd packages/ui && PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/ui-e2e.playwright.json" pnpm exec playwright test --reporter=list,json)
  [ -f "$RESULTS/ui-e2e.playwright.json" ] || echo '{"check":"failed"}' >"$RESULTS/ui-e2e.check.json"
  echo "<== ui-e2e: $((SECONDS - start)) s"
fi
if [ -f scripts/bench-smoke.sh ]; then
  check bench-smoke bash scripts/bench-smoke.sh
fi

node scripts/summarize-tests.mjs "$RESULTS"
