#!/usr/bin/env python3
"""70_crash_mid_run.py — kill -9 of the backend in the middle of a long
catch-up run: after crash recovery nothing of the killed run is visible (no
warning, no run-log row, the tracking state as before), the worker
reconnects and its screens saw no event of the killed run; the next run
completes the job with exactly the warnings of the same run on an untouched
copy of the data, no stage twice, and the screen gets exactly the committed
events, once, in order. Runs on a private cluster, removed at the end."""
import os
import signal
import time

from escalation_test import (BACKLOG_AS_OF, Cluster, EventStream, Worker, duplicate_stages, figure, load_backlog, ok,
                             run_tests, screen_events, timed, tracking_digest, warning_digest)

ITEMS = 40000              # a run of a few seconds
DB, REFERENCE = "escalation_crash", "escalation_reference"
ROLE = "rel70_screen"
SCREEN = "370112"          # the backlog's small district: every event of it is checked
RUN = "SELECT escalation.run('%s')" % BACKLOG_AS_OF


def events_drawn(c):
    """The last number drawn from the event sequence (sequences are not transactional)."""
    return int(c.value("SELECT last_value FROM escalation.warning_event_seq", DB))


def state(c):
    return {"warnings": int(c.value("SELECT count(*) FROM escalation.warning", DB)),
            "run_log": c.value("SELECT count(*) || ' rows, ' || count(*) FILTER (WHERE status = 'succeeded') "
                               "|| ' succeeded' FROM escalation.run_log", DB),
            "tracking": tracking_digest(c, DB)}


def run_backend(c):
    """The pid of the backend running run() in DB, once it has started."""
    pid = c.value("SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND state = 'active' "
                  "AND query LIKE 'SELECT escalation.run(%%'" % DB)
    return int(pid) if pid else None


def main():
    c = Cluster.create("crash")
    c.new_database(DB, extension=True)
    c.new_screen_role(ROLE)
    figure("backlog load (%d items)" % ITEMS, "%.1f" % load_backlog(c, DB, ITEMS), "s")
    c.new_database(REFERENCE, template=DB)

    # The reference: the same run on an untouched copy.
    r, reference_s = timed(c.psql, RUN, REFERENCE)
    expected = int(r.stdout)
    figure("reference run", "%.2f" % reference_s, "s")
    figure("warnings of the job", expected)

    w = Worker("70_crash_mid_run.worker.log", c, DB, ROLE, "--poll-interval", "1", "--backoff-max", "2")
    ok(w.healthy_within(10), "the worker is connected to the backlog's database")
    stream = EventStream(w.port, SCREEN)
    ok(stream.wait_open(), "a screen (%s) is streaming events" % SCREEN)

    before = state(c)
    drawn_before = events_drawn(c)
    ok(before["warnings"] == 0 and before["run_log"] == "0 rows, 0 succeeded",
       "before the run: no warning, an empty run log", before)

    # Start the long run and kill its backend once it has written part of its
    # warnings. A checkpoint first, so that recovery replays only the killed run.
    c.psql("CHECKPOINT")
    runner = c.spawn(RUN, DB)
    pid, deadline = None, time.monotonic() + 30
    while pid is None and time.monotonic() < deadline and runner.poll() is None:
        pid = run_backend(c)
    started = time.monotonic()
    drawn = 0
    while runner.poll() is None and time.monotonic() < deadline:
        drawn = events_drawn(c) - drawn_before
        if drawn >= expected // 10:
            break
        time.sleep(0.01)
    in_run = c.value("SELECT count(*) FROM pg_locks WHERE pid = %d AND locktype = 'relation' AND granted "
                     "AND mode = 'ExclusiveLock' AND relation = 'escalation_internal.event_stream'::regclass" % pid,
                     DB) if pid else "0"
    if pid:
        os.kill(pid, signal.SIGKILL)
    killed_after = time.monotonic() - started
    out, err = runner.communicate(timeout=60)
    ok(pid is not None and in_run == "1",
       "the run's backend (pid %s) was killed while holding the event stream's lock" % pid)
    ok(0 < drawn < expected, "it was mid-run: %d of %d event ids drawn, %.2f s after it was seen"
       % (drawn, expected, killed_after))
    ok(runner.returncode != 0 and out.strip() == "" and "terminated abnormally" in err + c.log_text(),
       "the client got no result: its connection ended with the server process", err)

    recovered = c.wait_ready(120, DB)
    ok(recovered is not None, "the cluster recovers and accepts connections again (%.1f s)" % (recovered or -1))
    figure("crash recovery", "%.1f" % (recovered or -1), "s")
    log = c.log_text()
    ok("was terminated by signal 9" in log and "all server processes terminated; reinitializing" in log,
       "the server log shows the kill and the crash recovery")

    after = state(c)
    ok(after["warnings"] == 0, "no warning of the killed run is visible", after)
    ok(after["run_log"] == "0 rows, 0 succeeded", "the run log has no row for it, so no success", after)
    ok(after["tracking"] == before["tracking"],
       "the tracking state (%d items, %d waiting stages) is exactly as before the run"
       % (before["tracking"]["escalation.tracked_item"][0], before["tracking"]["escalation.stage_due"][0]))

    ok(w.healthy_within(20), "the worker reconnected on its own")
    time.sleep(1.5)
    ok(stream.received() == [] and not stream.ended.is_set(),
       "the screen stayed connected and got no event of the killed run", stream.received()[:5])

    r, finish_s = timed(c.psql, RUN, DB)
    figure("run after recovery", "%.2f" % finish_s, "s")
    ok(r.stdout.strip() == str(expected), "the next run completes the job: %s warnings, as in the reference"
       % r.stdout.strip())
    ok(duplicate_stages(c, DB) == 0, "no stage of any item is raised twice")
    ok(warning_digest(c, DB) == warning_digest(c, REFERENCE),
       "the warnings are exactly those of the same run on an untouched copy")
    ok(tracking_digest(c, DB) == tracking_digest(c, REFERENCE),
       "and so is the tracking state (items and waiting stages) after it")
    ok(c.value("SELECT count(*) || ' ' || string_agg(status, ',') FROM escalation.run_log", DB) == "1 succeeded",
       "the run log has one row: the run that succeeded")

    want = screen_events(c, DB, SCREEN)
    stream.wait_for(lambda got: len(got) >= len(want), 60)
    time.sleep(1)
    got = stream.received()
    figure("events on screen %s" % SCREEN, len(want))
    ok(got == want and len(want) > 100,
       "the screen got exactly the %d committed events of its screen, once each, in id order" % len(want),
       "got %d events, first %s; want %d, first %s" % (len(got), got[:3], len(want), want[:3]))
    ok(not stream.ended.is_set(), "its stream was never cut")
    stream.stop()
    ok(w.stop() == 0, "the worker stops cleanly")


run_tests(main)
