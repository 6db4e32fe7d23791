#!/usr/bin/env bash
# 81_sanitizers.sh — the extension's C built with AddressSanitizer and
# UndefinedBehaviorSanitizer passes the pg_regress and pgTAP suites, with no
# sanitizer report from any backend and no backend crash.
#
# The system-wide install (shared with every other test) is left untouched:
# the sanitized escalation.so runs in a private, relocated installation under
# a temporary directory. PostgreSQL finds its library and share directories
# relative to the postgres executable, so a copy of postgres in
# <tmp>/usr/lib/postgresql/15/bin resolves '$libdir/escalation' to
# <tmp>/usr/lib/postgresql/15/lib, where the sanitized build sits among
# links to the system's other modules; the extension's control and SQL files
# come from the same build. The postmaster (not instrumented) gets the
# sanitizer runtime by LD_PRELOAD, so every backend it forks runs the
# instrumented module; leak detection is off (a backend frees its memory
# contexts wholesale at exit, by design). PostgreSQL's own allocator carves
# small palloc chunks out of larger malloc blocks, so an overrun inside such a
# block is not seen; overruns of stack and global arrays, of malloc'd memory
# and large chunks, and undefined behaviour are.
#
# ESCALATION_TOP selects the source tree to build (default: this checkout).
set -uo pipefail
top=${ESCALATION_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tools/cluster.sh"

pgver=15
sys_bin=/usr/lib/postgresql/$pgver/bin
sys_lib=$(pg_config --pkglibdir)
sys_share=$(pg_config --sharedir)
work=$(mktemp -d /tmp/escalation-sanitize.XXXXXX)
prefix=$work/usr
priv_bin=$prefix/lib/postgresql/$pgver/bin
priv_lib=$prefix/lib/postgresql/$pgver/lib
priv_share=$prefix/share/postgresql/$pgver
reports=$work/reports
cleanup() { cluster_stop "$work/cluster"; rm -rf "$work"; }
trap cleanup EXIT

n=0 failed=0
ok() { # ok STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
diag() { sed 's/^/#   /'; }
bail() { echo "Bail out! $*"; exit 1; }

echo "1..6"

# 1. Build a copy of the sources (never the shared tree's objects) with the sanitizers.
mkdir -p "$work/build"
(cd "$top" && cp -r Makefile escalation.control src sql "$work/build/")
version=$(sed -n 's/^EXTVERSION *= *//p' "$work/build/Makefile")
find "$work/build" \( -name '*.o' -o -name '*.bc' -o -name '*.so' \) -delete
rm -f "$work/build/sql/escalation--$version.sql"
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
make -C "$work/build" -s COPT="$sanitize" escalation.so "sql/escalation--$version.sql" >"$work/build.log" 2>&1
status=$?
if [ $status -eq 0 ] && ! grep -q __asan_report_load <(nm -D "$work/build/escalation.so"); then
	echo "escalation.so carries no AddressSanitizer checks" >>"$work/build.log"
	status=1
fi
ok $status "escalation.so builds with -fsanitize=address,undefined and carries the sanitizer checks"
[ $status -eq 0 ] || { diag <"$work/build.log"; bail "no sanitized build"; }

#    The private installation: a copy of postgres, links to the system's modules
#    and share files, the sanitized module and this build's extension files.
mkdir -p "$priv_bin" "$priv_lib" "$priv_share/extension" "$reports"
cp "$sys_bin/postgres" "$priv_bin/"
for f in "$sys_lib"/*; do ln -s "$f" "$priv_lib/"; done
for f in "$sys_share"/*; do [ "$(basename "$f")" = extension ] || ln -s "$f" "$priv_share/"; done
for f in "$sys_share"/extension/*; do
	case $(basename "$f") in escalation.control|escalation--*) ;; *) ln -s "$f" "$priv_share/extension/" ;; esac
done
rm -f "$priv_lib/escalation.so"
cp "$work/build/escalation.so" "$priv_lib/"
cp "$work/build/escalation.control" "$work/build/sql/escalation--"*.sql "$priv_share/extension/"
chmod -R a+rX "$work"
chown "$(cluster_owner)" "$reports"

# The sanitizer runtime must initialise before any other library's constructor
# runs (some take glibc's locale locks and allocate, which would start the
# runtime half-way through and leave those locks broken). Libraries are
# initialised in reverse load order, so every library postgres loads comes
# first in LD_PRELOAD and the runtime last; the C runtime itself is left out,
# so that malloc and friends still resolve to the sanitizer's.
asan_rt=$(readlink -f "$(gcc -print-file-name=libasan.so)")
preload="$(ldd "$priv_bin/postgres" | awk '/=> \//{print $3}' |
	grep -vE '/(libc|libm|libgcc_s|libstdc\+\+|libpthread|libdl|librt|ld-linux[^/]*)\.so' | tr '\n' ' ')$asan_rt"
port=$(free_port)
cluster_init "$work/cluster" "$port" >/dev/null
as_owner env LD_PRELOAD="$preload" \
	ASAN_OPTIONS="detect_leaks=0:verify_asan_link_order=0:exitcode=86:log_path=$reports/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:exitcode=86:log_path=$reports/ubsan" \
	"$sys_bin/pg_ctl" -D "$work/cluster/data" -l "$work/cluster/postgres.log" \
	-p "$priv_bin/postgres" -w -t 120 start >/dev/null 2>&1
status=$?
[ $status -eq 0 ] || tail -20 "$work/cluster/postgres.log" | diag

export PGHOST=$work/cluster/sock PGPORT=$port PGUSER=postgres
q() { psql -qXAt -v ON_ERROR_STOP=1 "$@"; }

# 2. Prove the setup: the backend runs the private sanitized module and the sanitizer runtime.
if [ $status -eq 0 ]; then
	libdir=$(q -d postgres -c "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'")
	maps=$(q -d postgres -c "CREATE EXTENSION escalation" \
		-c "SELECT pg_read_file('/proc/' || pg_backend_pid() || '/maps')" 2>&1)
	q -d postgres -c "DROP EXTENSION escalation CASCADE" >/dev/null 2>&1
	if [ "$libdir" != "$priv_lib" ] || ! grep -q "$priv_lib/escalation.so" <<<"$maps" \
		|| ! grep -q "$asan_rt" <<<"$maps" || grep -q " $sys_lib/escalation.so\$" <<<"$maps"; then
		status=1
		{ echo "libdir: $libdir"; grep -E 'escalation|asan' <<<"$maps"; } | diag
	fi
fi
ok $status "a private cluster's backends load the sanitized escalation.so from $priv_lib with the sanitizer runtime"
[ $status -eq 0 ] || bail "the sanitized cluster is not usable"

q -d postgres -c "CREATE DATABASE escalation" && q -d escalation -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION pg_cron"

# 3. pg_regress: the type and error tests.
mapfile -t regress < <(ls "$top"/test/sql/*.sql | xargs -n1 basename | sed 's/\.sql$//' | sort)
mkdir -p "$work/regress"
started=$SECONDS
"$(dirname "$(pg_config --pgxs)")/../test/regress/pg_regress" --inputdir="$top/test" \
	--outputdir="$work/regress" --bindir="$sys_bin" --load-extension=escalation \
	--host="$PGHOST" --port="$PGPORT" --dbname=contrib_regression "${regress[@]}" >"$work/regress.log" 2>&1
status=$?
ok $status "pg_regress (${#regress[@]} tests) passes with the sanitized module"
echo "# pg_regress under the sanitizers: $((SECONDS - started)) s"
[ $status -eq 0 ] || { grep -E '^(not )?ok|FAILED|failed' "$work/regress.log"; head -30 "$work/regress/regression.diffs" 2>/dev/null; } | diag

# 4. pgTAP: behaviour, privileges, row-level security, the engine.
started=$SECONDS
(cd "$top" && PGDATABASE=escalation pg_prove --ext .sql -f test/pgtap/*.sql) >"$work/pgtap.log" 2>&1
status=$?
ok $status "pgTAP ($(ls "$top"/test/pgtap/*.sql | wc -l) files) passes with the sanitized module"
echo "# pgTAP under the sanitizers: $((SECONDS - started)) s"
[ $status -eq 0 ] || grep -vE '^test/pgtap/.* ok$' "$work/pgtap.log" | tail -40 | diag

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

[ $failed -eq 0 ]
