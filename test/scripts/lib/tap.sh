# test/scripts/lib/tap.sh — TAP for the shell tests: source it, then call
#   ok STATUS NAME [DIAG]   one test line: ok when STATUS is 0, else not ok with DIAG
#   q SQL                   one query against database $db, unaligned, tuples only
# and end with [ "$failed" -eq 0 ].
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); [ -n "${3:-}" ] && echo "$3" | sed 's/^/#   /'; fi
}
q() { psql -qXAt -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
