#!/usr/bin/env python3
"""72_worker_restart_failover.py — escalation-worker on a multi-host conninfo
("host=primary,standby ... target_session_attrs=read-write") across a
PostgreSQL restart and across a failover to a streaming standby
(pg_basebackup -R, synchronous replication, the primary killed with
SIGKILL, pg_ctl promote): two connected screens receive every warning event
of their screen exactly once, in id order — raised before the restart, while
the worker was disconnected, just before the primary died, and on the
promoted standby — and their streams are never cut. The standby is named in
synchronous_standby_names, so a run() that returned on the primary is on the
standby when the primary dies; without synchronous replication those last
warnings could be lost at failover. Runs on two private clusters, removed at
the end."""
import time

from escalation_test import Cluster, EventStream, Worker, figure, ok, run_tests, screen_events

DB = "escalation"
ROLE = "rel72_screen"
SCREENS = {"370102": "370102", "city": "370100"}   # screen in the URL: its region code
HAZARDS = 4          # per phase; each raises stages 1 and 2: 8 events on the district screen, 4 on the city's


def setup(c):
    c.psql("CREATE DATABASE %s" % DB)
    c.psql("""
        CREATE EXTENSION escalation;
        CREATE ROLE %s LOGIN IN ROLE escalation_screen;
        INSERT INTO escalation.division (code, name) VALUES
            ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道') ON CONFLICT (code) DO NOTHING;
        INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE VALUES
            (1, '济南市应急管理局', 'city', '370100'), (2, '历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
        SELECT i, format('济南历下%%s号化工有限公司', i), '370102001', 'district' FROM generate_series(1, 10) i;
    """ % ROLE, DB)


def raise_warnings(c, phase):
    """Suspected major hazards found four days ago, and a run: stages 1 and 2 of each."""
    c.psql("INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, description) "
           "SELECT 1 + i %% 10, 2, now() - interval '4 days', 'suspected_major', true, '%s ' || i "
           "FROM generate_series(1, %d) i" % (phase, HAZARDS), DB)
    return int(c.value("SELECT escalation.run()", DB))


def phase_ids(c, phase):
    return c.value("SELECT string_agg(w.id::text, ' ' ORDER BY w.id) FROM escalation.warning w "
                   "JOIN escalation.hazard h ON h.id = w.subject_id AND w.kind = 'major_hazard' "
                   "WHERE h.description LIKE '%s %%'" % phase, DB).split()


def delivered(streams, c, phase, timeout):
    """Wait until every stream has the events of a phase; seconds taken, or None."""
    want = [int(x) for x in phase_ids(c, phase)]
    start = time.monotonic()
    for s in streams:
        mine = {e for e, _ in screen_events(c, DB, SCREENS[s.screen]) if e in want}
        if s.wait_for(lambda got: mine <= {e.id for e in got}, timeout) is None:
            return None
    return time.monotonic() - start


def main():
    primary = Cluster.create("primary")
    standby = Cluster.standby_of(primary, "standby1", "wal_retrieve_retry_interval = '500ms'")
    primary.psql("ALTER SYSTEM SET synchronous_standby_names = 'standby1'")
    primary.psql("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 30
    state = ""
    while state != "streaming sync" and time.monotonic() < deadline:
        state = primary.value("SELECT state || ' ' || sync_state FROM pg_stat_replication "
                              "WHERE application_name = 'standby1'")
        time.sleep(0.1)
    ok(state == "streaming sync", "the standby streams from the primary as its synchronous standby", state)
    setup(primary)

    conninfo = ("host=%s,%s port=%d,%d target_session_attrs=read-write"
                % (primary.sock, standby.sock, primary.port, standby.port))
    # A reconnect waits at least 4.8 s (6 s less jitter): runs right after the
    # restart and right after the promotion commit while the worker is away.
    w = Worker("72_worker_restart_failover.worker.log", primary, DB, ROLE, "--poll-interval", "1",
                     "--backoff-min", "6", "--backoff-max", "8", "--connect-timeout", "3", conninfo=conninfo)
    ok(w.healthy_within(15), "the worker connects through the multi-host conninfo to the writable primary")
    streams = [EventStream(w.port, screen) for screen in sorted(SCREENS)]
    ok(all(s.wait_open() for s in streams), "screens %s are streaming" % " and ".join(SCREENS))

    # Before: the ordinary case.
    ok(raise_warnings(primary, "before") == 2 * HAZARDS, "a run on the primary raises %d warnings" % (2 * HAZARDS))
    ok(delivered(streams, primary, "before", 10) is not None, "both screens get them")

    # A restart of the primary: the worker is away while a run commits.
    primary.stop("fast")
    ok(w.wait_away(15) and w.get("/healthz")[0] == 503,
       "with the primary down the worker stays up, reports 503, and does not settle for the read-only standby")
    primary.start()
    raised = raise_warnings(primary, "restart")
    away = w.database_state()
    ok(raised == 2 * HAZARDS and away != "listening",
       "after the restart a run commits %d warnings while the worker is still disconnected (%s)" % (raised, away))
    took = delivered(streams, primary, "restart", 30)
    ok(took is not None, "the worker reconnects and both screens get them (%.1f s)" % (took or -1))
    figure("restart: events delivered after the run", "%.1f" % (took or -1), "s")

    # Failover: a run returns on the primary, the primary dies at once.
    raised = raise_warnings(primary, "failover")
    killed = primary.kill_postmaster()
    dying = time.monotonic()
    ok(raised == 2 * HAZARDS, "a run returns on the primary (%d warnings), then the primary is killed (pid %d)"
       % (raised, killed))
    standby.ctl("promote")
    promoted = standby.value("SELECT pg_is_in_recovery()", DB)
    ok(promoted == "f", "pg_ctl promote makes the standby the writable primary")
    figure("failover: promote took", "%.1f" % (time.monotonic() - dying), "s")
    ok(len(phase_ids(standby, "failover")) == 2 * HAZARDS,
       "the %d warnings of the last run on the old primary are on the promoted standby "
       "(synchronous replication)" % (2 * HAZARDS))
    raised = raise_warnings(standby, "promoted")
    away = w.database_state()
    ok(raised == 2 * HAZARDS and away != "listening",
       "a run on the promoted standby commits %d warnings while the worker is still away (%s)" % (raised, away))
    took = delivered(streams, standby, "failover", 30)
    ok(took is not None and delivered(streams, standby, "promoted", 10) is not None,
       "the worker follows the failover and both screens get the events of both runs")
    figure("failover: last event on the screens after the primary died", "%.1f" % (time.monotonic() - dying), "s")

    time.sleep(1.5)
    for s in streams:
        want, got = screen_events(standby, DB, SCREENS[s.screen]), s.received()
        ids = [e for e, _ in got]
        ok(got == want and ids == sorted(set(ids)),
           "screen %s got every event of its screen exactly once, in id order (%d events)" % (s.screen, len(want)),
           "got  %s\nwant %s" % (got, want))
        ok(not s.ended.is_set(), "screen %s's stream was never cut" % s.screen, s.end_reason)
    ok(w.proc.poll() is None and (w.metric("escalation_worker_reconnects_total") or 0) >= 2,
       "the worker ran throughout and reconnected twice (%s)" % w.metric("escalation_worker_reconnects_total"))
    for s in streams:
        s.stop()
    ok(w.stop() == 0, "the worker stops cleanly")


run_tests(main)
