# test/scripts/lib/tap.sh: TAP output for the shell tests of test/scripts,
# sourced. The plan comes last (tap_done), so a test that dies half-way
# fails for want of it.

tap_count=0 tap_failures=0

# ok STATUS NAME [DIAG]: one test line; STATUS 0 passes. A failure's DIAG is
# shown as diagnostics.
ok() {
	tap_count=$((tap_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_count - $2"
	else
		echo "not ok $tap_count - $2"
		tap_failures=$((tap_failures + 1))
		[ -z "${3:-}" ] || printf '%s\n' "$3" | diag
	fi
}

# diag: standard input as diagnostic lines, on standard error, where prove
# shows them without -v (as the Python tests' failures).
diag() { sed 's/^/#   /' >&2; }

# bail REASON: stop the whole test run.
bail() { echo "Bail out! $*"; exit 1; }

# tap_done: the plan; the exit status of the test.
tap_done() {
	echo "1..$tap_count"
	[ "$tap_failures" -eq 0 ]
}
