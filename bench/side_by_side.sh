#!/usr/bin/env bash
# tracker beside Redmine over HTTP (issue 17): the shared harness, run against this checkout.
#
#   ../shared/tools/redmine-bench/setup.sh 100000     # once, as root: Debian's Redmine + 100k issues
#   bench/side_by_side.sh [CHECKOUT]                  # default: this repository (its committed HEAD)
#
# `../shared/tools/side-by-side/run.sh` starts gunicorn with ProductionConfig and
# SECRET_KEY=side-by-side-secret, which the app has refused since issue 14 (a production config
# needs 32 characters or more): every worker fails to boot. This wrapper runs an unchanged copy of
# the harness in which only that secret is replaced by a random 48-character one; everything else
# (the clone of the committed HEAD into /tmp/sbs, the database sbs_bench, curl, wrk, the table)
# is the harness's own. Knobs are the harness's: REPS, WRK_SECS, WRK_CONNS, TASKS, TPORT, REGEN.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHECKOUT=$(cd "${1:-$REPO}" && pwd)
SHARED=${TRACKER_SHARED_DIR:-$(cd "$REPO/.." && pwd)/shared}
[ -x "$SHARED/tools/side-by-side/run.sh" ] || { echo "no harness at $SHARED/tools/side-by-side" >&2; exit 1; }

# a mirror of shared/ whose side-by-side/run.sh is the patched copy; the rest are links to the
# originals (the harness finds its stats.py and copies shared/examples through these paths)
MIRROR=$(mktemp -d /tmp/sbs-harness.XXXXXX)
trap 'rm -rf "$MIRROR"' EXIT
mkdir -p "$MIRROR/shared/tools/side-by-side"
for entry in "$SHARED"/*; do
  [ "$(basename "$entry")" = tools ] || ln -s "$entry" "$MIRROR/shared/$(basename "$entry")"
done
for entry in "$SHARED"/tools/*; do
  [ "$(basename "$entry")" = side-by-side ] || ln -s "$entry" "$MIRROR/shared/tools/$(basename "$entry")"
done
SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
sed "s/SECRET_KEY=side-by-side-secret/SECRET_KEY=$SECRET/" "$SHARED/tools/side-by-side/run.sh" \
  > "$MIRROR/shared/tools/side-by-side/run.sh"
chmod +x "$MIRROR/shared/tools/side-by-side/run.sh"
grep -q "SECRET_KEY=$SECRET" "$MIRROR/shared/tools/side-by-side/run.sh" \
  || { echo "the harness no longer sets SECRET_KEY=side-by-side-secret: run it directly" >&2; exit 1; }
"$MIRROR/shared/tools/side-by-side/run.sh" "$CHECKOUT"
