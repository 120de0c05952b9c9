#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite, then on PostgreSQL.
# Installs what the browser tests need (Debian's chromium) and starts PostgreSQL if it is
# down. Fails loudly, never skips, when a part is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}

say() { printf '\n==> %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian's chromium for the browser tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
command -v chromium >/dev/null || { echo "chromium is missing and could not be installed" >&2; exit 1; }

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

say "lint (ruff)"
$BIN/ruff check .
$BIN/ruff format --check .

say "tests on SQLite"
$BIN/python -m pytest "$@"

say "tests on PostgreSQL ($PG_URL)"
TEST_DATABASE_URL="$PG_URL" $BIN/python -m pytest "$@"
