#!/usr/bin/env bash
# Installs what the project needs on a fresh machine with only Node 20+:
# pnpm, the workspace dependencies and (for tests, when root) Chromium.
# Sourced by start.sh, test.sh and bench.sh so every command works from a clean clone.

# better-sqlite3 compiles from source when its prebuilt download is unreachable;
# point node-gyp at the local Node headers, but only where they exist.
if [ -f /usr/include/node/node.h ] && [ -z "${npm_config_nodedir:-}" ]; then
  export npm_config_nodedir=/usr
fi

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1; then return 0; fi
  echo "==> installing pnpm"
  if ! npm install -g pnpm >/dev/null 2>&1; then
    # No permission for a global install: keep pnpm inside the checkout.
    npm install --prefix "$ROOT/.tools" pnpm >/dev/null
    export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
  fi
  command -v pnpm >/dev/null 2>&1 || { echo "could not install pnpm; install it with 'npm i -g pnpm'" >&2; return 1; }
}

ensure_deps() {
  # Install when node_modules is missing or older than the lockfile.
  if [ ! -d "$ROOT/node_modules/.pnpm" ] || [ "$ROOT/pnpm-lock.yaml" -nt "$ROOT/node_modules/.modules.yaml" ]; then
    echo "==> installing dependencies"
    (cd "$ROOT" && pnpm install --frozen-lockfile) || return 1
  fi
}

chromium_path() {
  for c in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

ensure_chromium() {
  if chromium_path >/dev/null; then export CHROMIUM_PATH="$(chromium_path)"; return 0; fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Chromium (apt-get)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || return 1
    export CHROMIUM_PATH="$(chromium_path)"
    return 0
  fi
  echo "Chromium is missing: install it (e.g. 'sudo apt-get install chromium') or set CHROMIUM_PATH" >&2
  return 1
}
