#!/usr/bin/env bash
# ./demo.sh — bring up the escalation demo: a throwaway cluster in .demo/ of this
# checkout with pg_cron preloaded, the extension with Jinan data, the pg_cron job,
# an activity generator, escalation-worker and the live screens; BI tools reach
# it on 127.0.0.1 (TCP, with a password) as demo_bi, an analyst (docs/BI.md).
#
#   ./demo.sh          start (or show, when already running); safe to run twice
#   ./demo.sh stop     stop the worker and the cluster (data is kept in .demo/)
#   ./demo.sh reset    stop and delete .demo/, so the next start loads fresh data
#   ./demo.sh status   say what is running
#
# DEMO_PORT (PostgreSQL, default: a free port) and DEMO_HTTP_PORT (screens,
# default 8080) choose the ports on first start.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
. "$top/tools/cluster.sh"

# The cluster's OS user must reach the folder; a checkout under a private home
# keeps its cluster in /var/tmp instead, linked from .demo.
demo_dir() {
	if [ -L "$top/.demo" ] || [ -d "$top/.demo" ]; then readlink -f "$top/.demo"; return; fi
	if as_owner test -x "$top" 2>/dev/null; then echo "$top/.demo"; return; fi
	echo "/var/tmp/escalation-demo.$(printf %s "$top" | md5sum | cut -c1-8)"
}
dir=$(demo_dir)
worker_pidfile=$dir/worker.pid
http_port_file=$dir/http_port
bi_password_file=$dir/bi_password

worker_running() { [ -f "$worker_pidfile" ] && kill -0 "$(cat "$worker_pidfile")" 2>/dev/null; }
cluster_running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

stop_all() {
	if worker_running; then
		kill "$(cat "$worker_pidfile")" 2>/dev/null || true
		for _ in $(seq 50); do worker_running || break; sleep 0.1; done
		log "worker stopped"
	fi
	rm -f "$worker_pidfile"
	if cluster_running; then cluster_stop "$dir"; log "cluster stopped"; fi
}

show() {
	local port; port=$(cluster_port "$dir")
	cat <<EOT

escalation demo is running.
  database:   psql -h $dir/sock -p $port -U postgres escalation
EOT
	if [ -s "$bi_password_file" ]; then
		local pw; pw=$(cat "$bi_password_file")
		cat <<EOT
  BI (TCP):   127.0.0.1:$port, database escalation, login demo_bi, password $pw
              psql "host=127.0.0.1 port=$port dbname=escalation user=demo_bi"
              ODBC: Driver={PostgreSQL Unicode};Servername=127.0.0.1;Port=$port;Database=escalation;Uid=demo_bi;Pwd=$pw
              JDBC: jdbc:postgresql://127.0.0.1:$port/escalation?user=demo_bi&password=$pw
EOT
	fi
	if worker_running; then
		local hp; hp=$(cat "$http_port_file")
		cat <<EOT
  screens:    http://127.0.0.1:$hp/               (all screens)
              http://127.0.0.1:$hp/screen/city    (济南市 city screen)
              http://127.0.0.1:$hp/screen/370102  (历下区 district screen)
  worker log: $dir/worker.log
EOT
	fi
	echo "  stop:       $top/demo.sh stop"
	echo
}

start_worker() {
	local bin port hp
	bin=$(pg_config --bindir)/escalation-worker
	[ -x "$bin" ] || { log "escalation-worker is not installed; screens are not started"; return 0; }
	port=$(cluster_port "$dir")
	hp=${DEMO_HTTP_PORT:-$(cat "$http_port_file" 2>/dev/null || echo 8080)}
	echo "$hp" >"$http_port_file"
	as_owner sh -c "exec '$bin' --listen 127.0.0.1 --port $hp \
		'host=$dir/sock port=$port dbname=escalation user=demo_screen' \
		>>'$dir/worker.log' 2>&1 & echo \$! >'$worker_pidfile'"
	for _ in $(seq 50); do
		curl -fsS "http://127.0.0.1:$hp/healthz" >/dev/null 2>&1 && { log "worker listening on 127.0.0.1:$hp"; return 0; }
		sleep 0.1
	done
	tail -5 "$dir/worker.log" >&2
	die "worker did not come up on port $hp"
}

# BI tools connect over TCP on 127.0.0.1 with a password; the socket keeps
# trusting local users. Succeeds when the configuration had to change.
bi_listen() {
	local conf=$dir/data/postgresql.conf hba=$dir/data/pg_hba.conf
	as_owner grep -q "^listen_addresses = '127.0.0.1'$" "$conf" && return 1
	printf "listen_addresses = '127.0.0.1'\n" | as_owner tee -a "$conf" >/dev/null
	as_owner sed -i '1i host all all 127.0.0.1/32 scram-sha-256' "$hba"
}

# The BI setup of docs/BI.md: the database's search_path finds the operators
# of escalation's types, and demo_bi is an analyst login with a password
# (generated on first start, kept in the demo folder).
bi_setup() {
	if [ ! -s "$bi_password_file" ]; then
		(umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$bi_password_file")
	fi
	psql -qX -v ON_ERROR_STOP=1 -v pw="$(cat "$bi_password_file")" >/dev/null <<'SQL'
ALTER DATABASE escalation SET search_path = "$user", public, escalation;
SELECT 'CREATE ROLE demo_bi LOGIN IN ROLE escalation_analyst'
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'demo_bi') \gexec
ALTER ROLE demo_bi PASSWORD :'pw';
SQL
}

load_data() {
	local f
	psql -qX -d postgres -v ON_ERROR_STOP=1 -c 'CREATE DATABASE escalation' >/dev/null
	psql -qX -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pg_cron' -c 'CREATE EXTENSION escalation' >/dev/null
	for f in "$top"/demo/[0-9]*.sql; do
		log "loading $(basename "$f")"
		(cd "$top" && psql -qX -v ON_ERROR_STOP=1 -f "$f" >/dev/null)
	done
	touch "$dir/loaded"
}

case ${1:-start} in
	start|up)
		ensure_packages
		build_and_install "$top"
		if [ ! -d "$dir/data" ]; then
			rm -rf "$dir"
			cluster_init "$dir" "${DEMO_PORT:-$(free_port)}"
			[ "$dir" = "$top/.demo" ] || ln -sfn "$dir" "$top/.demo"
		fi
		if bi_listen && cluster_running; then
			as_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 restart >/dev/null
		fi
		cluster_running || cluster_start "$dir"
		export PGHOST=$dir/sock PGPORT=$(cluster_port "$dir") PGUSER=postgres PGDATABASE=escalation
		if [ ! -f "$dir/loaded" ]; then
			# A load that failed half-way starts over in a fresh database.
			psql -qX -d postgres -c 'DROP DATABASE IF EXISTS escalation WITH (FORCE)' >/dev/null
			load_data
		fi
		bi_setup
		worker_running || start_worker
		show
		;;
	stop)
		stop_all
		;;
	reset)
		stop_all
		rm -rf "$dir" "$top/.demo"
		log "demo data removed"
		;;
	status)
		if cluster_running; then show; else echo "escalation demo is not running"; fi
		;;
	-h|--help|help)
		sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
		;;
	*)
		die "unknown command: $1 (try ./demo.sh --help)"
		;;
esac
