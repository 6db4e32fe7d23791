# tools/cluster.sh: throwaway PostgreSQL 15 clusters for the demo, the tests and CI.
# Sourced by ./demo and ./check; every function is safe to call as root or as a
# user with sudo. As root, the cluster runs as the OS user "postgres" (initdb and
# postgres refuse root); otherwise as the calling user.

PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

# Debian packages the project needs to build, test and demo.
ESCALATION_PACKAGES="make gcc postgresql-15 postgresql-server-dev-15 postgresql-15-cron
  postgresql-15-pgtap pgtap libpq-dev libmicrohttpd-dev libcurl4-openssl-dev libssl-dev chromium fonts-noto-cjk poppler-utils curl python3
  clang-14 libclang-rt-14-dev valgrind odbc-postgresql unixodbc libpostgresql-jdbc-java default-jdk-headless
  postgresql-15-auto-failover"

log() { printf '%s %s\n' "[$(date +%H:%M:%S)]" "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The OS user that owns clusters.
cluster_owner() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

# Run a command as the cluster owner.
as_owner() {
	local owner; owner=$(cluster_owner)
	if [ "$(id -un)" = "$owner" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi
}

# Install the Debian packages that are missing (apt-get update only when needed).
ensure_packages() {
	local missing=() p
	for p in $ESCALATION_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	# The browser test runs on Node.js with npm: Debian's, unless the machine has its own.
	command -v npm >/dev/null || missing+=(nodejs npm)
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing Debian packages: ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}

# Build and install the extension and the worker from the checkout.
build_and_install() {
	local top=$1
	make -C "$top" -s all worker >/dev/null || die "build failed"
	as_root make -C "$top" -s install install-worker >/dev/null || die "install failed"
}

# private_install TOP ROOT [--module FILE] [--scripts DIR]: build the checkout
# and install it into ROOT, a private relocated PostgreSQL 15 (PostgreSQL finds
# its modules and share files relative to its executables): copies of the
# server's programs, links to the system's modules and share files, and this
# checkout's extension and worker. --module installs FILE as escalation.so
# instead of the build's (a sanitized build); --scripts takes the extension's
# control file and scripts from DIR instead (a rehearsed release). The system
# installation is left alone, so checkouts side by side can each run their
# tests. Puts ROOT's programs first on PATH and sets PG_BINDIR.
private_install() {
	local top=$1 root=$2 module="" scripts="" sys_bin sys_lib sys_share bin lib share f
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
			--module) module=$2; shift 2 ;;
			--scripts) scripts=$2; shift 2 ;;
			*) die "private_install: unknown option $1" ;;
		esac
	done
	sys_bin=/usr/lib/postgresql/15/bin
	sys_lib=$("$sys_bin/pg_config" --pkglibdir)
	sys_share=$("$sys_bin/pg_config" --sharedir)
	bin=$root$sys_bin lib=$root$sys_lib share=$root$sys_share
	make -C "$top" -s PG_CONFIG="$sys_bin/pg_config" all worker >/dev/null || die "build failed"
	rm -rf "$root"
	mkdir -p "$bin" "$lib" "$share/extension"
	for f in "$sys_bin"/*; do case ${f##*/} in escalation*) ;; *) cp -p "$f" "$bin/" ;; esac; done
	for f in "$sys_lib"/*; do case ${f##*/} in escalation*) ;; *) ln -s "$f" "$lib/" ;; esac; done
	for f in "$sys_share"/*; do case ${f##*/} in extension|escalation*) ;; *) ln -s "$f" "$share/" ;; esac; done
	for f in "$sys_share"/extension/*; do
		case ${f##*/} in escalation.control|escalation--*) ;; *) ln -s "$f" "$share/extension/" ;; esac
	done
	# What pg_config points at besides: the headers (a build against the copy)
	# and libpq's folder.
	mkdir -p "$root/usr/include" "$root/usr/share"
	ln -s /usr/include/postgresql "$root/usr/include/postgresql"
	ln -s "$("$sys_bin/pg_config" --libdir)" "$root$("$sys_bin/pg_config" --libdir)"
	ln -s /usr/share/locale "$root/usr/share/locale"
	make -C "$top" -s PG_CONFIG="$sys_bin/pg_config" DESTDIR="$root" install install-worker >/dev/null \
		|| die "install failed"
	[ -z "$module" ] || cp "$module" "$lib/escalation.so"
	if [ -n "$scripts" ]; then
		rm -f "$share/extension/escalation.control" "$share/extension"/escalation--*
		cp "$scripts/escalation.control" "$scripts"/escalation--*.sql "$share/extension/"
	fi
	chmod -R a+rX "$root"
	export PG_BINDIR=$bin PATH=$bin:$PATH
}

# Print a TCP port nobody listens on (the socket file name carries the port).
free_port() {
	local port
	for port in $(shuf -i 20000-40000 -n 50); do
		if ! ss -Htln "sport = :$port" | grep -q .; then echo "$port"; return 0; fi
	done
	die "no free port found"
}

# cluster_conf DIR LINE...: append lines to a cluster's postgresql.conf.
cluster_conf() {
	local dir=$1; shift
	[ $# -eq 0 ] || printf '%s\n' "$@" | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
}

# cluster_folder DIR: a folder for a cluster, owned by the cluster's owner,
# with a socket directory. The folder is private to the owner until the
# cluster is made; then (cluster_open) root connects anyway, a sudo user is the
# owner.
cluster_folder() {
	local dir=$1
	mkdir -p "$dir"
	chown "$(cluster_owner)" "$dir" 2>/dev/null || true
	chmod 700 "$dir"
	as_owner mkdir -p "$dir/sock"
}
cluster_open() { chmod 755 "$1"; }

# throwaway_cluster TOP NAME [extra postgresql.conf lines...]: a private
# install of the checkout and a started cluster in a new /tmp/escalation-NAME.*
# folder, removed at exit (KEEP=1 keeps it and says how to reach it); sets
# work and port, and exports PGHOST, PGPORT, PGUSER and PGDATABASE.
throwaway_cluster() {
	local top=$1 name=$2; shift 2
	work=$(mktemp -d "/tmp/escalation-$name.XXXXXX")
	chmod 755 "$work"
	private_install "$top" "$work/install"
	port=$(free_port)
	trap throwaway_cluster_cleanup EXIT
	cluster_init "$work" "$port" "$@"
	cluster_start "$work"
	export PGHOST=$work/sock PGPORT=$port PGUSER=postgres PGDATABASE=escalation
}

# The exit trap of throwaway_cluster.
throwaway_cluster_cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then
		log "cluster kept: psql -h $work/sock -p $port -U postgres escalation  (stop: pg_ctl -D $work/data stop)"
	else
		cluster_stop "$work"; rm -rf "$work"
	fi
}

# cluster_init DIR PORT [extra postgresql.conf lines...]: initdb a cluster in DIR
# with its socket in DIR/sock, pg_cron preloaded for database "escalation".
cluster_init() {
	local dir=$1 port=$2; shift 2
	cluster_folder "$dir"
	as_owner "$PG_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
		|| { cat "$dir/initdb.log" >&2; die "initdb failed in $dir"; }
	cluster_conf "$dir" "port = $port" "listen_addresses = ''" "unix_socket_directories = '$dir/sock'" \
		"shared_preload_libraries = 'pg_cron,escalation'" "cron.database_name = 'escalation'" \
		"cron.use_background_workers = on" "max_worker_processes = 16" "timezone = 'Asia/Shanghai'" \
		"log_line_prefix = '%m [%p] %q%u@%d '" "$@"
	cluster_open "$dir"
}

# cluster_standby DIR PORT PRIMARY_DIR NAME [extra postgresql.conf lines...]: a
# streaming standby of the (running) cluster in PRIMARY_DIR, by pg_basebackup
# -R; its cluster_name is NAME, the walreceiver's application_name that
# synchronous_standby_names refers to.
cluster_standby() {
	local dir=$1 port=$2 primary=$3 name=$4; shift 4
	cluster_folder "$dir"
	as_owner "$PG_BINDIR/pg_basebackup" -D "$dir/data" -R -X stream -c fast \
		-h "$primary/sock" -p "$(cluster_port "$primary")" -U postgres >"$dir/basebackup.log" 2>&1 \
		|| { cat "$dir/basebackup.log" >&2; die "pg_basebackup of $primary failed"; }
	cluster_conf "$dir" "port = $port" "unix_socket_directories = '$dir/sock'" "cluster_name = '$name'" "$@"
	cluster_open "$dir"
}

# cluster_ctl DIR ARGS...: pg_ctl ARGS on the cluster in DIR, as its owner,
# waiting (up to 120 s) for the change.
cluster_ctl() {
	local dir=$1; shift
	as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 "$@"
}

# cluster_start DIR [NAME=VALUE...]: start the cluster (with those variables in
# the server's environment) and wait until it accepts connections.
cluster_start() {
	local dir=$1; shift
	as_owner env "$@" "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 start >/dev/null \
		|| { tail -20 "$dir/postgres.log" >&2; die "postgres did not start in $dir"; }
}

# cluster_stop DIR [MODE]: shut down (fast, unless MODE says otherwise), if running.
cluster_stop() {
	local dir=$1 mode=${2:-fast}
	[ -f "$dir/data/postmaster.pid" ] || return 0
	cluster_ctl "$dir" -m "$mode" stop >/dev/null 2>&1 || true
}

# cluster_port DIR: the port a cluster was created with.
cluster_port() { sed -n "s/^port = \([0-9]*\)$/\1/p" "$1/data/postgresql.conf" | tail -1; }

# The suites that run against a cluster reached by PGHOST and PGPORT: ./check
# runs them on its cluster, 81_sanitizers.sh on a sanitized one.

# regress_suite TOP OUTDIR: pg_regress (sql/*.sql but the extension's scripts,
# against expected/*.out); the differences on standard error if it fails.
regress_suite() {
	local top=$1 out=$2
	mkdir -p "$out"
	make -C "$top" -s installcheck REGRESS_OPTS="--outputdir=$out --load-extension=escalation" && return 0
	cat "$out/regression.diffs" >&2 2>/dev/null || true
	return 1
}

# pgtap_suite FILE...: pgTAP test files through pg_prove, in database escalation.
pgtap_suite() { PGDATABASE=escalation pg_prove --ext .sql -f "$@"; }
