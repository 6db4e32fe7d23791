#!/usr/bin/env bash
# tools/ha.sh — the supported high-availability layout of pg_auto_failover on
# one machine, for trying it and for the failover test: a monitor, a primary
# and a secondary (synchronous replication), each a pg_autoctl service on
# 127.0.0.1, with pg_cron preloaded for database "escalation" on both nodes and
# the extension created on the primary. docs/FAILOVER.md explains it.
#
#   tools/ha.sh up DIR [--fast]   create and start the three nodes under DIR (must not exist);
#                                 --fast: the monitor's health checks at a test's pace
#   tools/ha.sh uri DIR           the connection URI of the formation (read-write node first)
#   tools/ha.sh state DIR         pg_autoctl show state
#   tools/ha.sh kill DIR NODE     SIGKILL NODE's pg_autoctl and PostgreSQL, as when its machine dies
#   tools/ha.sh start DIR NODE    start NODE's pg_autoctl again (a dead primary rejoins as a secondary)
#   tools/ha.sh port DIR NODE     NODE's PostgreSQL port (NODE: monitor, node1, node2)
#   tools/ha.sh down DIR          stop every node and remove DIR
#
# pg_autoctl refuses to run as root: as root, the nodes run as the OS user
# postgres. PG_BINDIR names the PostgreSQL programs (a private install from
# ./check, or the system's).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/cluster.sh"

NODES="monitor node1 node2"

# Settings appended to each node's postgresql.conf. pg_autoctl owns
# postgresql-auto-failover.conf, included at the top of postgresql.conf, so a
# setting here overrides its choice; pg_basebackup copies the primary's file to
# the secondary. pg_autoctl preloads pg_stat_statements: keep it.
NODE_CONF="shared_preload_libraries = 'pg_stat_statements,pg_cron'
cron.database_name = 'escalation'
cron.use_background_workers = on
max_worker_processes = 16
timezone = 'Asia/Shanghai'
log_line_prefix = '%m [%p] %q%u@%d '
logging_collector = off
shared_buffers = '64MB'
work_mem = '4MB'
maintenance_work_mem = '64MB'
effective_cache_size = '1GB'
wal_keep_size = '256MB'"

# The monitor's own tuning (pg_autoctl sizes shared_buffers for the machine).
MONITOR_CONF="logging_collector = off
shared_buffers = '32MB'
work_mem = '4MB'
maintenance_work_mem = '64MB'
effective_cache_size = '1GB'"

# The monitor's health checks at a test's pace (defaults: 5 s period and
# timeout, 2 retries 2 s apart, unhealthy after 20 s, 30 s for a lost primary
# to demote itself before the secondary takes writes).
FAST_CHECKS="pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 3000
pgautofailover.primary_demote_timeout = 5000"

# autoctl DIR NODE ARGS...: pg_autoctl as the cluster owner, with the node's
# configuration, state and runtime files under DIR/NODE. The caller's PG*
# variables (./check sets them for its own cluster) would steer pg_autoctl.
autoctl() {
	local dir=$1 node=$2; shift 2
	as_owner env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE XDG_CONFIG_HOME="$dir/$node/config" XDG_DATA_HOME="$dir/$node/share" \
		XDG_RUNTIME_DIR="$dir/$node/run" PG_CONFIG="$PG_BINDIR/pg_config" \
		${AUTOCTL_PREFIX:-} pg_autoctl "$@"
}

port_of() { sed -n "s/^$2 //p" "$1/ports"; }

conf_append() { # conf_append DIR NODE TEXT
	printf '%s\n' "$3" | as_owner tee -a "$1/$2/data/postgresql.conf" >/dev/null
}

# run_node DIR NODE: start NODE's pg_autoctl service in its own session (so
# "kill" can take the whole node), its log in DIR/NODE/autoctl.log.
run_node() {
	local dir=$1 node=$2
	AUTOCTL_PREFIX=setsid autoctl "$dir" "$node" run --pgdata "$dir/$node/data" >>"$dir/$node/autoctl.log" 2>&1 </dev/null &
}

psql_node() { # psql_node DIR NODE DB SQL
	psql -qXAt -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(port_of "$1" "$2")" -U postgres -d "$3" -c "$4"
}

# wait_state DIR NODE STATE SECONDS: until the monitor reports NODE in STATE.
wait_state() {
	local dir=$1 node=$2 want=$3 deadline=$((SECONDS + $4)) got=""
	while [ $SECONDS -lt $deadline ]; do
		got=$(psql -qXAt -h 127.0.0.1 -p "$(port_of "$dir" monitor)" -U autoctl_node -d pg_auto_failover \
			-c "SELECT reportedstate FROM pgautofailover.node WHERE nodename = '$node'" 2>/dev/null || true)
		[ "$got" = "$want" ] && return 0
		sleep 0.5
	done
	die "$node is \"$got\", not \"$want\", after $4 s (see $dir/$node/autoctl.log)"
}

wait_ready() { # wait_ready DIR NODE SECONDS: until NODE's PostgreSQL accepts connections
	local deadline=$((SECONDS + $3))
	until "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$(port_of "$1" "$2")"; do
		[ $SECONDS -lt $deadline ] || die "$2 does not accept connections after $3 s (see $1/$2/autoctl.log)"
		sleep 0.2
	done
}

create_node() { # create_node DIR NODE: a data node, registered with the monitor
	local dir=$1 node=$2
	autoctl "$dir" "$node" create postgres --pgctl "$PG_BINDIR/pg_ctl" --pgdata "$dir/$node/data" \
		--pgport "$(port_of "$dir" "$node")" --listen 127.0.0.1 --hostname 127.0.0.1 --name "$node" \
		--dbname escalation --monitor "$(monitor_uri "$dir")" --auth trust --no-ssl \
		>"$dir/$node/create.log" 2>&1 || { tail -20 "$dir/$node/create.log" >&2; die "pg_autoctl create postgres failed for $node"; }
}

monitor_uri() { echo "postgres://autoctl_node@127.0.0.1:$(port_of "$1" monitor)/pg_auto_failover?sslmode=disable"; }

up() {
	local dir=$1 fast=${2:-} node
	[ -e "$dir" ] && die "$dir exists"
	command -v pg_autoctl >/dev/null || die "pg_autoctl is missing: install postgresql-15-auto-failover"
	mkdir -p "$dir"
	chown "$(cluster_owner)" "$dir" 2>/dev/null || true
	for node in $NODES; do
		as_owner mkdir -p "$dir/$node/config" "$dir/$node/share" "$dir/$node/run"
		echo "$node $(free_port)" >>"$dir/ports"
	done

	log "monitor on 127.0.0.1:$(port_of "$dir" monitor)"
	autoctl "$dir" monitor create monitor --pgctl "$PG_BINDIR/pg_ctl" --pgdata "$dir/monitor/data" \
		--pgport "$(port_of "$dir" monitor)" --hostname 127.0.0.1 --auth trust --no-ssl \
		>"$dir/monitor/create.log" 2>&1 || { tail -20 "$dir/monitor/create.log" >&2; die "pg_autoctl create monitor failed"; }
	autoctl "$dir" monitor config set --pgdata "$dir/monitor/data" postgresql.listen_addresses 127.0.0.1 >/dev/null
	conf_append "$dir" monitor "$MONITOR_CONF"
	[ "$fast" = --fast ] && conf_append "$dir" monitor "$FAST_CHECKS"
	run_node "$dir" monitor
	wait_ready "$dir" monitor 60

	log "primary node1 on 127.0.0.1:$(port_of "$dir" node1)"
	create_node "$dir" node1
	conf_append "$dir" node1 "$NODE_CONF"
	run_node "$dir" node1
	wait_state "$dir" node1 single 60
	wait_ready "$dir" node1 60
	psql_node "$dir" node1 escalation "CREATE EXTENSION IF NOT EXISTS pg_cron; CREATE EXTENSION IF NOT EXISTS escalation"

	log "secondary node2 on 127.0.0.1:$(port_of "$dir" node2)"
	create_node "$dir" node2
	run_node "$dir" node2
	wait_state "$dir" node2 secondary 120
	wait_state "$dir" node1 primary 30
	log "ready: $(uri "$dir")"
}

uri() { autoctl "$1" monitor show uri --pgdata "$1/monitor/data" --formation default; }

# kill DIR NODE: the node's pg_autoctl and PostgreSQL are one process group
# (run_node starts it with setsid); SIGKILL the group. Prints the postmaster's pid.
kill_node() {
	local dir=$1 node=$2 pid pgid
	pid=$(head -1 "$dir/$node/data/postmaster.pid")
	pgid=$(ps -o pgid= -p "$pid" | tr -d ' ')
	[ -n "$pgid" ] && [ "$pgid" != "$(ps -o pgid= -p $$ | tr -d ' ')" ] || die "$node is not running in a group of its own"
	kill -KILL -- "-$pgid"
	echo "$pid"
}

running() { # running DIR NODE: NODE's postmaster is alive
	local pidfile=$1/$2/data/postmaster.pid
	[ -f "$pidfile" ] && kill -0 "$(head -1 "$pidfile")" 2>/dev/null
}

down() {
	local dir=$1 node
	[ -f "$dir/ports" ] || die "$dir is not a layout made by tools/ha.sh"
	for node in node2 node1 monitor; do
		[ -d "$dir/$node/data" ] && autoctl "$dir" "$node" stop --pgdata "$dir/$node/data" >/dev/null 2>&1 || true
	done
	for node in node2 node1 monitor; do
		local i=0
		while running "$dir" "$node" && [ $i -lt 60 ]; do sleep 0.5; i=$((i + 1)); done
		running "$dir" "$node" && as_owner "$PG_BINDIR/pg_ctl" -D "$dir/$node/data" -m immediate stop >/dev/null 2>&1
	done
	rm -rf "$dir"
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
case $cmd in
	up) up "$dir" "${3:-}" ;;
	uri) uri "$dir" ;;
	state) autoctl "$dir" monitor show state --pgdata "$dir/monitor/data" ;;
	kill) kill_node "$dir" "${3:?node}" ;;
	start) run_node "$dir" "${3:?node}" ;;
	port) port_of "$dir" "${3:?node}" ;;
	down) down "$dir" ;;
	*) die "unknown command: $cmd" ;;
esac
