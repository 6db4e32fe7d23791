#!/usr/bin/env python3
"""75_failover.py — automatic failover with pg_auto_failover (tools/ha.sh: a
monitor, a primary and a synchronous secondary on 127.0.0.1, pg_cron on both
nodes): the engine runs under pg_cron, escalation-worker follows the primary
through a multi-host conninfo with target_session_attrs=read-write, and a
screen client is connected. The primary's machine dies (kill -9 of its
pg_autoctl and PostgreSQL) in the middle of a catch-up run; the proofs:
the monitor promotes the secondary within the documented time
(docs/FAILOVER.md); the standby ran no job and refuses run() with a clear
message; pg_cron on the new primary catches up, and the warnings and the
tracking state equal those of the same runs without a failover (a reference
database on ./check's cluster); the screen got every event of its screen
exactly once, in id order, and its stream was never cut. The layout is
removed at the end."""
import os
import shutil
import subprocess
import tempfile
import time

from escalation_test import (BACKLOG_AS_OF, BACKLOG_T0, TOP, Cluster, EventStream, Worker, at_exit,
                             duplicate_stages, figure, load_backlog, ok, pairs, run_tests, screen_events, tracking_digest,
                             timed, warning_digest)

ITEMS = 20000              # a catch-up run of a few seconds: long enough to die in
DB, REFERENCE = "escalation", "escalation_failover_reference"
ROLE = "rel75_screen"
SCREEN = "370112"          # the backlog's small district: every event of it is checked
FAILOVER_LIMIT = 30        # seconds, docs/FAILOVER.md (with the monitor's --fast health checks)
MIDWAY = "timestamptz '%s' + interval '10 days'" % BACKLOG_T0
CATCH_UP = "SELECT escalation.run('%s')" % BACKLOG_AS_OF
HA_SH = os.path.join(TOP, "tools", "ha.sh")


def ha(*args):
    r = subprocess.run(["bash", HA_SH] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("tools/ha.sh %s failed:\n%s%s" % (" ".join(args), r.stdout, r.stderr[-3000:]))
    return r.stdout.strip()


class Node(Cluster):
    """A data node of the layout, reached over TCP on 127.0.0.1; its log is
    pg_autoctl's, which carries PostgreSQL's (logging_collector is off)."""

    def __init__(self, layout, name):
        # Not Cluster.__init__: pg_autoctl keeps the port out of postgresql.conf.
        self.name = name
        self.dir = os.path.join(layout, name)
        self.data = os.path.join(self.dir, "data")
        self.sock = "127.0.0.1"
        self.log = os.path.join(self.dir, "autoctl.log")
        self.private = False
        self.bindir = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")
        self.port = int(ha("port", layout, name))

    def writable(self):
        r = self.psql("SHOW transaction_read_only", DB, check=False)
        return r.returncode == 0 and r.stdout.strip() == "off"


def events_drawn(c):
    return int(c.value("SELECT last_value FROM escalation.warning_event_seq", DB))


def cron_run_backend(c):
    pid = c.value("SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND state = 'active' "
                  "AND query LIKE 'SELECT escalation.run(%%'" % DB)
    return int(pid) if pid else None


def runs_on(c):
    """Backends of c running escalation.run() (None if c cannot be read)."""
    r = c.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%%escalation.run(%%' "
               "AND pid <> pg_backend_pid()", DB, check=False)
    return int(r.stdout) if r.returncode == 0 else None


def main():
    layout = os.path.join(tempfile.mkdtemp(prefix="escalation-ha."), "layout")
    os.chmod(os.path.dirname(layout), 0o755)
    at_exit(shutil.rmtree, os.path.dirname(layout), True)
    at_exit(lambda: subprocess.run(["bash", HA_SH, "down", layout], capture_output=True))
    (_, up_s) = timed(ha, "up", layout, "--fast")
    node1, node2 = Node(layout, "node1"), Node(layout, "node2")
    figure("layout up (monitor, primary, secondary)", "%.0f" % up_s, "s")
    ok(node1.writable() and node2.value("SELECT pg_is_in_recovery()", DB) == "t",
       "tools/ha.sh brings up a monitor, node1 as the primary and node2 as its secondary")
    ok(node1.value("SELECT sync_state FROM pg_stat_replication", DB) == "quorum"
       and node1.value("SHOW synchronous_standby_names", DB).startswith("ANY 1"),
       "replication to the secondary is synchronous (%s)" % node1.value("SHOW synchronous_standby_names", DB))
    ok(all(n.value("SELECT current_setting('shared_preload_libraries') || ' ' || "
                   "current_setting('cron.database_name')", DB) == "pg_stat_statements,pg_cron escalation"
           for n in (node1, node2)), "pg_cron is preloaded for database escalation on both nodes")

    node1.psql("CREATE ROLE %s LOGIN IN ROLE escalation_screen" % ROLE, DB)
    figure("backlog load on the primary (%d items)" % ITEMS, "%.1f" % load_backlog(node1, DB, ITEMS), "s")
    ref = Cluster.of_check()
    ref.new_database(REFERENCE)
    ref.psql("CREATE EXTENSION escalation", REFERENCE)
    load_backlog(ref, REFERENCE, ITEMS)
    ref.psql("SELECT escalation.run(%s)" % MIDWAY, REFERENCE)
    expected = int(ref.value(CATCH_UP, REFERENCE))
    figure("warnings of the catch-up run (reference)", expected)

    r = node2.psql("SELECT escalation.run()", DB, check=False)
    ok(r.returncode != 0 and "escalation.run() cannot run on a standby server" in r.stderr,
       "run() on the secondary is refused with a clear message", r.stderr)

    conninfo = "host=127.0.0.1,127.0.0.1 port=%d,%d target_session_attrs=read-write connect_timeout=3" \
        % (node1.port, node2.port)
    w = Worker("75_failover.worker.log", node1, DB, ROLE, "--poll-interval", "1",
                     "--backoff-min", "1", "--backoff-max", "2", "--connect-timeout", "3", conninfo=conninfo)
    ok(w.healthy_within(20), "the worker connects to the primary through the multi-host conninfo")
    stream = EventStream(w.port, SCREEN)
    ok(stream.wait_open(), "a screen (%s) is streaming" % SCREEN)

    # Committed before the failover: a run ten days into the backlog.
    node1.psql("SELECT escalation.run(%s)" % MIDWAY, DB)
    before = screen_events(node1, DB, SCREEN)
    ok(stream.wait_for(lambda got: pairs(got) == before, 20) is not None and len(before) > 0,
       "the screen gets the %d events of a first run on the primary" % len(before))

    # The catch-up under pg_cron; the primary dies in the middle of it.
    # Meanwhile the standby is watched: the job must not start there.
    drawn_before = events_drawn(node1)
    node1.psql("SELECT cron.schedule('escalation-catch-up', '* * * * *', $$%s$$)" % CATCH_UP, DB)
    pid, deadline = None, time.monotonic() + 75
    standby_runs, samples = 0, 0
    while pid is None and time.monotonic() < deadline:
        pid = cron_run_backend(node1)
        standby_runs += runs_on(node2) or 0
        samples += 1
    drawn = 0
    while pid is not None and time.monotonic() < deadline + 60:
        drawn = events_drawn(node1) - drawn_before
        # A tenth of the run drawn, and the standby watched long enough to tell.
        if drawn >= expected // 10 and samples > 10:
            break
        standby_runs += runs_on(node2) or 0
        samples += 1
    ok(node2.value("SELECT count(*) FROM cron.job WHERE jobname = 'escalation-catch-up'", DB) == "1"
       and samples > 10 and standby_runs == 0,
       "while pg_cron ran the job on the primary, none ran on the standby, which has the job too "
       "(%d samples of its activity)" % samples)
    killed = ha("kill", layout, "node1")
    dying = time.monotonic()
    ok(pid is not None and 0 < drawn < expected,
       "pg_cron's run on the primary was killed mid-run with its machine (postmaster %s): %d of %d event ids "
       "drawn" % (killed, drawn, expected))

    promoted = None
    while time.monotonic() - dying < 120:
        if node2.writable():
            promoted = time.monotonic() - dying
            break
        time.sleep(0.1)
    figure("failover: from kill -9 to a writable new primary", "%.1f" % (promoted or -1), "s")
    ok(promoted is not None and promoted < FAILOVER_LIMIT,
       "the monitor promotes node2 within %d s (%.1f s)" % (FAILOVER_LIMIT, promoted or -1))

    done, deadline = None, time.monotonic() + 130
    while done is None and time.monotonic() < deadline:
        r = node2.psql("SELECT coalesce(sum(raised), 0) FROM escalation.run_log WHERE status = 'succeeded' "
                       "AND as_of = '%s'" % BACKLOG_AS_OF, DB, check=False)
        if r.returncode == 0 and int(r.stdout) > 0:
            done = time.monotonic() - dying
            raised = int(r.stdout)
        time.sleep(0.5)
    figure("failover: from kill -9 to the catch-up committed on the new primary", "%.1f" % (done or -1), "s")
    ok(done is not None and raised == expected,
       "pg_cron on the new primary runs the catch-up: %s warnings, as in the reference" % (raised if done else None))
    ok(duplicate_stages(node2, DB) == 0, "no stage of any item is raised twice")
    ok(warning_digest(node2, DB) == warning_digest(ref, REFERENCE),
       "the warnings are exactly those of the same runs without a failover")
    ok(tracking_digest(node2, DB) == tracking_digest(ref, REFERENCE),
       "and so is the tracking state (items and waiting stages; the handling timers' told by their warnings)")

    want = screen_events(node2, DB, SCREEN)
    stream.wait_for(lambda got: len(got) >= len(want), 60)
    figure("failover: from kill -9 to the last event on the screen", "%.1f" % (time.monotonic() - dying), "s")
    time.sleep(1)
    got = stream.received()
    ids = [e for e, _ in got]
    ok(got == want and ids == sorted(set(ids)) and len(want) > len(before),
       "the screen got every event of its screen exactly once, in id order (%d events)" % len(want),
       "got %d events, last %s; want %d, last %s" % (len(got), got[-3:], len(want), want[-3:]))
    ok(not stream.ended.is_set(), "its stream was never cut", stream.end_reason)
    ok(w.proc.poll() is None and (w.metric("escalation_worker_reconnects_total") or 0) >= 1,
       "the worker followed the new primary (%s reconnects)" % w.metric("escalation_worker_reconnects_total"))
    stream.stop()
    ok(w.stop() == 0, "the worker stops cleanly")


run_tests(main)
