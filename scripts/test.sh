#!/usr/bin/env bash
# The whole test suite: lint, then pytest on SQLite, then on PostgreSQL, then the README's
# `make run` on a fresh clone (scripts/first_contact.sh).
# Installs what the real clients need (Debian's chromium for the browser tests, LibreOffice
# Calc and poppler for the spreadsheet tests) and starts PostgreSQL if it is down. Fails
# loudly, never skips, when a part is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}

say() { printf '\n==> %s\n' "$*"; }

# command → Debian package: chromium (browser tests), soffice (XLSX → PDF, the smallest
# LibreOffice that converts: no GUI, no Java), pdfinfo/pdftotext (reading those PDFs back)
MISSING=()
command -v chromium >/dev/null 2>&1 || MISSING+=(chromium)
command -v soffice >/dev/null 2>&1 || MISSING+=(libreoffice-calc-nogui)
# Writer opens the reminder letters (.docx → PDF, tests/letters)
[ -e /usr/lib/libreoffice/program/libswlo.so ] || MISSING+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || MISSING+=(poppler-utils)
if [ ${#MISSING[@]} -gt 0 ]; then
  say "installing ${MISSING[*]} for the browser and spreadsheet tests"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  for package in "${MISSING[@]}"; do
    # LibreOffice's recommends (Java, help, fonts of every script) are not needed to convert
    case $package in chromium) FLAGS=() ;; *) FLAGS=(--no-install-recommends) ;; esac
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${FLAGS[@]}" "$package" >/dev/null
  done
fi
for tool in chromium soffice pdfinfo pdftotext; do
  command -v "$tool" >/dev/null || { echo "$tool is missing and could not be installed" >&2; exit 1; }
done

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

say "first contact: make run on a fresh clone, log in, see the dashboard"
bash scripts/first_contact.sh
