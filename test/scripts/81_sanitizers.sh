#!/usr/bin/env bash
# 81_sanitizers.sh — the extension's C built with AddressSanitizer and
# UndefinedBehaviorSanitizer passes the pg_regress and pgTAP suites, with no
# sanitizer report from any backend and no backend crash.
#
# The system-wide install and ./check's (shared with every other test) are
# left untouched: the sanitized escalation.so runs in a private, relocated
# installation of its own under a temporary directory, made by
# tools/cluster.sh's private_install (a copy of the server's programs, links to
# the system's modules, this checkout's extension) with the sanitized module in
# place of the build's. PostgreSQL finds its library and share directories
# relative to the postgres executable, so '$libdir/escalation' resolves to
# that module. The postmaster (not instrumented) gets the sanitizer runtime by
# LD_PRELOAD, so every backend it forks runs the instrumented module; leak
# detection is off (a backend frees its memory contexts wholesale at exit, by
# design). PostgreSQL's own allocator carves small palloc chunks out of larger
# malloc blocks, so an overrun inside such a block is not seen; overruns of
# stack and global arrays, of malloc'd memory and large chunks, and undefined
# behaviour are.
#
# ESCALATION_TOP selects the source tree to build (default: this checkout).
set -uo pipefail
top=${ESCALATION_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tools/cluster.sh"
. "$top/test/scripts/lib/tap.sh"

work=$(mktemp -d /tmp/escalation-sanitize.XXXXXX)
chmod 755 "$work"  # the cluster's owner runs the installation's programs
reports=$work/reports
cleanup() { cluster_stop "$work/cluster"; rm -rf "$work"; }
trap cleanup EXIT

# 1. Build a copy of the sources (never the shared tree's objects) with the sanitizers.
mkdir -p "$work/build"
(cd "$top" && cp -r Makefile escalation.control src sql "$work/build/")
find "$work/build" \( -name '*.o' -o -name '*.bc' -o -name '*.so' \) -delete
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
make -C "$work/build" -s COPT="$sanitize" escalation.so >"$work/build.log" 2>&1
status=$?
if [ $status -eq 0 ] && ! grep -q __asan_report_load <(nm -D "$work/build/escalation.so"); then
	echo "escalation.so carries no AddressSanitizer checks" >>"$work/build.log"
	status=1
fi
ok $status "escalation.so builds with -fsanitize=address,undefined and carries the sanitizer checks"
[ $status -eq 0 ] || { diag <"$work/build.log"; bail "no sanitized build"; }

#    The private installation, with the sanitized module.
other_lib=$(pg_config --pkglibdir)
private_install "$top" "$work/root" --module "$work/build/escalation.so"
priv_lib=$(pg_config --pkglibdir)
mkdir -p "$reports"
chown "$(cluster_owner)" "$reports"

# The sanitizer runtime must initialise before any other library's constructor
# runs (some take glibc's locale locks and allocate, which would start the
# runtime half-way through and leave those locks broken). Libraries are
# initialised in reverse load order, so every library postgres loads comes
# first in LD_PRELOAD and the runtime last; the C runtime itself is left out,
# so that malloc and friends still resolve to the sanitizer's.
asan_rt=$(readlink -f "$(gcc -print-file-name=libasan.so)")
preload="$(ldd "$PG_BINDIR/postgres" | awk '/=> \//{print $3}' |
	grep -vE '/(libc|libm|libgcc_s|libstdc\+\+|libpthread|libdl|librt|ld-linux[^/]*)\.so' | tr '\n' ' ')$asan_rt"
port=$(free_port)
cluster_init "$work/cluster" "$port" >/dev/null
(cluster_start "$work/cluster" LD_PRELOAD="$preload" \
	ASAN_OPTIONS="detect_leaks=0:verify_asan_link_order=0:exitcode=86:log_path=$reports/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:exitcode=86:log_path=$reports/ubsan") 2>"$work/start.log"
status=$?
[ $status -eq 0 ] || diag <"$work/start.log"

export PGHOST=$work/cluster/sock PGPORT=$port PGUSER=postgres
q() { psql -qXAt -v ON_ERROR_STOP=1 "$@"; }

# 2. Prove the setup: the backend runs the private sanitized module and the sanitizer runtime.
if [ $status -eq 0 ]; then
	libdir=$(q -d postgres -c "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'")
	maps=$(q -d postgres -c "CREATE EXTENSION escalation" \
		-c "SELECT pg_read_file('/proc/' || pg_backend_pid() || '/maps')" 2>&1)
	q -d postgres -c "DROP EXTENSION escalation CASCADE" >/dev/null 2>&1
	if [ "$libdir" != "$priv_lib" ] || ! grep -q "$priv_lib/escalation.so" <<<"$maps" \
		|| ! grep -q "$asan_rt" <<<"$maps" || grep -q " $other_lib/escalation.so\$" <<<"$maps"; then
		status=1
		{ echo "libdir: $libdir"; grep -E 'escalation|asan' <<<"$maps"; } | diag
	fi
fi
ok $status "a private cluster's backends load the sanitized escalation.so from $priv_lib with the sanitizer runtime"
[ $status -eq 0 ] || bail "the sanitized cluster is not usable"

q -d postgres -c "CREATE DATABASE escalation" && q -d escalation -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION pg_cron"

# 3. pg_regress: the type and error tests.
started=$SECONDS
regress_suite "$top" "$work/regress" >"$work/regress.log" 2>&1
status=$?
ok $status "pg_regress ($(grep -cE '^test .* \.\.\. ' "$work/regress.log") tests) passes with the sanitized module"
echo "# pg_regress under the sanitizers: $((SECONDS - started)) s"
[ $status -eq 0 ] || { grep -E '^test |FAILED|failed' "$work/regress.log"; head -30 "$work/regress/regression.diffs" 2>/dev/null; } | diag

# 4. pgTAP: behaviour, privileges, row-level security, the engine.
started=$SECONDS
pgtap=("$top"/test/pgtap/*.sql)
pgtap_suite "${pgtap[@]}" >"$work/pgtap.log" 2>&1
status=$?
ok $status "pgTAP (${#pgtap[@]} files) passes with the sanitized module"
echo "# pgTAP under the sanitizers: $((SECONDS - started)) s"
[ $status -eq 0 ] || grep -vE '/test/pgtap/.* ok$' "$work/pgtap.log" | tail -40 | diag

# 5. No report: a sanitizer writes one file per reporting process.
cluster_stop "$work/cluster"
found=$(find "$reports" -type f | sort)
{ [ -z "$found" ] && ! grep -qE 'AddressSanitizer|runtime error:' "$work/cluster/postgres.log"; }
ok $? "no AddressSanitizer or UndefinedBehaviorSanitizer report from any backend"
{
	for f in $found; do echo "== $(basename "$f")"; head -40 "$f"; done
	grep -E -A20 'ERROR: AddressSanitizer|runtime error:' "$work/cluster/postgres.log" | head -40
} | diag
# A backend that dies without PostgreSQL's own exit path (a signal, or a
# sanitizer's exit) makes the postmaster reset every other one.
crashes=$(grep -E 'server process .* (exited with exit code|terminated by)|terminating any other active server processes' \
	"$work/cluster/postgres.log")
if [ -n "$crashes" ]; then
	status=1
	head -10 <<<"$crashes" | diag
else
	status=0
fi
ok $status "no backend crashed or was stopped by a sanitizer"

tap_done
