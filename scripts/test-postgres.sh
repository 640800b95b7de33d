#!/usr/bin/env bash
# PostgreSQL for the sync server's tests, sourced by test.sh. Uses the server
# of CHATKEEP_TEST_DATABASE_URL, else the one answering on 127.0.0.1:5432; when
# none answers it starts a throwaway cluster (installing Debian's postgresql
# with apt-get when root and it is missing) on a free loopback port, and
# stop_test_postgres stops and deletes it. The tests read CHATKEEP_TEST_DATABASE_URL.

TEST_PG_DIR=""
TEST_PG_BIN=""

pg_answers() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Prints the folder of initdb and pg_ctl, or nothing; never fails (callers may run under set -e).
pg_bin_dir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$initdb" ] || initdb=$(command -v initdb 2>/dev/null || true)
  if [ -n "$initdb" ]; then dirname "$initdb"; fi
}

# Runs a PostgreSQL program as an unprivileged user: initdb refuses root.
as_pg_user() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_test_postgres() {
  if [ -n "${CHATKEEP_TEST_DATABASE_URL:-}" ]; then return 0; fi
  if pg_answers 127.0.0.1 5432; then
    export CHATKEEP_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    return 0
  fi
  TEST_PG_BIN=$(pg_bin_dir)
  if [ -z "$TEST_PG_BIN" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing PostgreSQL (apt-get)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
    TEST_PG_BIN=$(pg_bin_dir)
  fi
  if [ -z "$TEST_PG_BIN" ]; then
    echo "PostgreSQL is needed for the sync server's tests: none answers on 127.0.0.1:5432 and initdb is missing." >&2
    echo "Install it (e.g. 'sudo apt-get install postgresql') or set CHATKEEP_TEST_DATABASE_URL to a server's URL." >&2
    return 1
  fi
  local port
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  TEST_PG_DIR=$(mktemp -d)
  if [ "$(id -u)" = "0" ]; then chown postgres "$TEST_PG_DIR"; fi
  echo "==> starting a throwaway PostgreSQL on 127.0.0.1:$port"
  as_pg_user "$TEST_PG_BIN/initdb" -D "$TEST_PG_DIR/data" -A trust -U postgres >/dev/null || return 1
  as_pg_user "$TEST_PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -w -l "$TEST_PG_DIR/log" \
    -o "-p $port -k $TEST_PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null || {
    cat "$TEST_PG_DIR/log" >&2
    return 1
  }
  export CHATKEEP_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

stop_test_postgres() {
  [ -n "$TEST_PG_DIR" ] || return 0
  as_pg_user "$TEST_PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -m fast stop >/dev/null 2>&1
  rm -rf "$TEST_PG_DIR"
  TEST_PG_DIR=""
}
