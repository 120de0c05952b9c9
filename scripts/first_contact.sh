#!/usr/bin/env bash
# The README's first command, exactly as a newcomer types it: clone the repository afresh
# into a temporary folder, `make run PORT=<free port>` there, wait for /login, log in as the
# demo admin through the form (with its CSRF token and a cookie jar), see the dashboard, and
# stop the server (its whole process group). A red run prints the server's log.
#
# It clones the committed state of the repository this script lives in (uncommitted changes
# are not part of a fresh clone). Called at the end of scripts/test.sh; runs alone too:
#   bash scripts/first_contact.sh
set -euo pipefail
REPO=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
WAIT_SECONDS=${FIRST_CONTACT_WAIT:-900}  # the clone installs its own virtualenv first
WORK=$(mktemp -d /tmp/tracker-first-contact.XXXXXX)
LOG="$WORK/make-run.log"
SERVER_PID=""
OK=0

say() { printf '\n==> %s\n' "$*"; }

finish() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$OK" != 1 ]; then
    echo "FIRST CONTACT FAILED: make run on a fresh clone did not serve the demo" >&2
    if [ -f "$LOG" ]; then
      echo "----- server log ($LOG) -----" >&2
      tail -n 200 "$LOG" >&2
      echo "----- end of server log -----" >&2
    fi
  fi
  rm -rf "$WORK"
}
trap finish EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"

say "fresh clone of $REPO into $WORK/tracker"
git clone --quiet "$REPO" "$WORK/tracker"

say "make run PORT=$PORT (in the clone, its own venv and SQLite database)"
# nothing of the caller's environment decides where the clone's data goes
( cd "$WORK/tracker" && exec setsid env -u DATABASE_URL -u TEST_DATABASE_URL -u TRACKER_CONFIG \
    -u TRACKER_INSTANCE_DIR -u UPLOAD_DIR -u TRACKER_BASE_URL -u TRACKER_NOW \
    make run PORT="$PORT" >"$LOG" 2>&1 ) &
SERVER_PID=$!

say "waiting for $BASE/login"
SERVED=0
for _ in $(seq 1 "$WAIT_SECONDS"); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "make run exited before serving /login" >&2
    exit 1
  fi
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "$BASE/login" 2>/dev/null; then
    SERVED=1
    break
  fi
  sleep 1
done
if [ "$SERVED" != 1 ]; then
  echo "no answer on $BASE/login after ${WAIT_SECONDS}s" >&2
  exit 1
fi

say "logging in as the demo admin through the form"
python3 - "$BASE" <<'PY'
"""Log in through the login form as a browser would: CSRF token from the page, cookies kept."""

import html
import re
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

base = sys.argv[1]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
page = opener.open(base + "/login", timeout=10).read().decode("utf-8")
match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
    r'value="([^"]+)"[^>]*name="csrf_token"', page
)
if not match:
    sys.exit("no CSRF token on /login")
form = urllib.parse.urlencode(
    {
        "csrf_token": html.unescape(match.group(1)),
        "email": "admin@tinh.gov.vn",
        "password": "quantri-demo",
    }
).encode()
response = opener.open(base + "/login", data=form, timeout=20)
final = urllib.parse.urlsplit(response.geturl()).path
body = response.read().decode("utf-8")
if final.startswith("/login"):
    sys.exit(f"the demo admin could not log in (still on {final})")
if not re.search(r"<h1>\s*Tổng quan", body) or "5016/TB-VPUBND" not in opener.open(
    base + "/directives/", timeout=20
).read().decode("utf-8"):
    sys.exit("logged in, but the dashboard or the demo directive 5016/TB-VPUBND is missing")
print(f"logged in, dashboard at {final} shows the demo province")
PY

OK=1
say "first contact OK: a fresh clone serves the demo on $BASE"
