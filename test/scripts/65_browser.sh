#!/usr/bin/env bash
# 65_browser.sh — the big-screen page in headless Chromium (Debian's), driven
# by playwright-core: a warning appears on the city screen within 2 s of the
# run() that raised it and leaves when handled, a district screen marks an
# escalated item, the reconnect banner shows and clears. Screenshots go to
# test/out/. Uses a database and a login role of its own, dropped at the end.
set -euo pipefail
top=${ESCALATION_TOP:?run me through ./check}
. "$top/test/scripts/lib/tap.sh"
db=escalation_browser_test
role=escalation_browser_test
out=$top/test/out
mkdir -p "$out"

q() { psql -qXAt -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
	q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
q -d postgres -c "CREATE DATABASE $db" >/dev/null
q -d "$db" -c "CREATE EXTENSION escalation" -c "CREATE ROLE $role LOGIN IN ROLE escalation_screen" >/dev/null

# playwright-core only (no browser download): it drives /usr/bin/chromium.
(cd "$top/test/browser" && npm ci --no-audit --no-fund --loglevel=error >"$out/65_browser.npm.log" 2>&1) \
	|| { ok 1 "npm ci of test/browser" "$(cat "$out/65_browser.npm.log")"; tap_done; exit 1; }

TEST_DB=$db SCREEN_ROLE=$role WORKER=$top/worker/escalation-worker WWW=$top/worker/www OUT=$out \
	node "$top/test/browser/screen.test.js"
