#!/usr/bin/env python3
"""50_engine_concurrency.py — escalation.run() from several sessions at once:
every due stage is raised exactly once, by exactly one of the runs; each run
that changed something sent one NOTIFY whose event range is its own, and the
ranges cover every event; a run waits for a running one and then sees what it
committed; a run that cannot get the lock in time fails cleanly and is
logged; a run in a REPEATABLE READ transaction is refused.
Runs in a database of its own, dropped at the end."""
import re
import time

from escalation_test import Cluster, ok, run_tests

DB = "escalation_engine_concurrency"
HAZARDS = 3000


def setup(c):
    c.new_database(DB)
    c.psql("""
        CREATE EXTENSION escalation;
        INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道');
        INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE VALUES (2, '历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE VALUES (10, '济南泉城机械有限公司', '370102001', 'street');
        INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
        SELECT 10, 2, now() - interval '30 days', 'general', true, now() - i * interval '7 minutes'
        FROM generate_series(1, %d) i;
    """ % HAZARDS, DB)


def main():
    c = Cluster.of_check()
    setup(c)
    expected = int(c.value("""
        SELECT count(*) FILTER (WHERE rectify_deadline <= now())
             + count(*) FILTER (WHERE rectify_deadline <= now() - interval '3 days')
             + count(*) FILTER (WHERE rectify_deadline <= now() - interval '6 days')
        FROM escalation.hazard""", DB))

    # A listener that stays connected while the runs happen.
    listener = c.session(DB)
    listener.stdin.write("LISTEN escalation_warning;\nSELECT 'listening';\n")
    listener.stdin.flush()
    while listener.stdout.readline().strip() != "listening":
        pass

    # Six runs at once, as of different moments up to now.
    offsets = ["2 days", "0", "1 day", "0", "3 hours", "0"]
    runs = [c.spawn("SELECT escalation.run(now() - interval '%s')" % o, DB) for o in offsets]
    results = [r.communicate(timeout=300) for r in runs]
    errors = [err for (out, err), r in zip(results, runs) if r.returncode != 0]
    ok(not errors, "six concurrent runs all succeed", "\n".join(errors))
    raised = [int(out.strip()) for (out, err) in results if out.strip()]

    total = int(c.value("SELECT count(*) FROM escalation.warning", DB))
    distinct = int(c.value("SELECT count(DISTINCT (kind, subject_id, started_at, stage)) FROM escalation.warning", DB))
    ok(total == expected, "every due stage is raised: %d warnings, %d expected" % (total, expected))
    ok(distinct == total, "no stage is raised twice")
    print("# runs raised %s" % raised, flush=True)
    ok(sum(raised) == total, "the runs' results add up to the warnings: each was raised by exactly one run",
       "returned %s" % raised)
    ok(c.value("SELECT count(*) FROM escalation.run_log WHERE status = 'succeeded'", DB) == "6", "six runs are logged as succeeded")

    # The notifications: one per run that raised something, each with an empty
    # payload (any role may LISTEN: event ranges would show the city's volume).
    listener.stdin.write("SELECT pg_sleep(0.5);\nSELECT 'done';\n")
    listener.stdin.close()
    out = listener.stdout.read()
    listener.wait(timeout=60)
    notes = re.findall(r'Asynchronous notification "escalation_warning"( with payload "[^"]*")? received', out)
    ok(len(notes) == sum(1 for n in raised if n > 0),
       "one NOTIFY per run that raised something (%d)" % len(notes), out)
    ok(notes and all(p == "" for p in notes), "and none carries a payload (no event ids for a listener)", out)

    # A run waits for a run in progress, then sees what it committed.
    holder = c.spawn("BEGIN; SELECT escalation.lock_event_stream(); SELECT pg_sleep(2); "
                     "INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) "
                     "VALUES (10, 2, now() - interval '2 days', 'general', true, now() - interval '1 day'); COMMIT;", DB)
    time.sleep(0.5)
    started = time.time()
    waited = c.psql("SELECT escalation.run()", DB)
    elapsed = time.time() - started
    holder.communicate(timeout=60)
    ok(elapsed > 1.0 and waited.stdout.strip() == "1",
       "a run waits for the transaction holding the event lock and then raises what it committed",
       "waited %.1f s, raised %s" % (elapsed, waited.stdout.strip()))

    # A run that cannot get the lock in time fails, leaving a log row.
    holder = c.spawn("BEGIN; SELECT escalation.lock_event_stream(); SELECT pg_sleep(2); COMMIT;", DB)
    time.sleep(0.5)
    r = c.psql("SET lock_timeout = '200ms'; SELECT escalation.run() IS NULL", DB)
    holder.communicate(timeout=60)
    ok(r.stdout.strip().endswith("t") and "WARNING" in r.stderr, "a run that times out on the lock returns NULL with a warning",
       r.stdout + r.stderr)
    ok(c.value("SELECT status || ' ' || sqlstate FROM escalation.run_log ORDER BY run_id DESC LIMIT 1", DB) == "failed 55P03",
       "the failed run is in the run log with its SQLSTATE")

    # REPEATABLE READ is refused.
    r = c.psql("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT escalation.run(); COMMIT;", DB, check=False)
    ok(r.returncode != 0 and "must run at READ COMMITTED isolation" in r.stderr,
       "a run in a REPEATABLE READ transaction is refused", r.stderr)
    ok(c.value("SELECT count(*) FROM escalation.warning", DB) == str(expected + 1), "the refused and failed runs raised nothing")


run_tests(main)
