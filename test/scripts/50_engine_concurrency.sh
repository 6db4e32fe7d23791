#!/usr/bin/env bash
# 50_engine_concurrency.sh — escalation.run() from several sessions at once:
# every due stage is raised exactly once, by exactly one of the runs; each run
# that changed something sent one NOTIFY whose event range is its own, and the
# ranges cover every event; a run waits for a running one and then sees what it
# committed; a run that cannot get the lock in time fails cleanly and is
# logged; a run in a REPEATABLE READ transaction is refused.
# Runs in a database of its own, dropped at the end.
set -euo pipefail
exec python3 - "$@" <<'PY'
import os, re, subprocess, sys, time

DB = "escalation_engine_concurrency"
HAZARDS = 3000
count = 0
failures = 0


def ok(cond, name, diag=None):
    """One TAP line."""
    global count, failures
    count += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (count, name), flush=True)
    if not cond:
        failures += 1
        if diag is not None:
            for line in str(diag).splitlines():
                print("#   " + line, flush=True)
    return cond


def psql(sql, db=DB, check=True):
    """Run SQL as the cluster's superuser; unaligned output, one row a line."""
    r = subprocess.run(["psql", "-qXAt", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                       capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("psql failed: %s\n%s" % (sql, r.stderr))
    return r


def value(sql):
    return psql(sql).stdout.strip()


def spawn(sql):
    """A psql session running sql in the background; its output is read later."""
    return subprocess.Popen(["psql", "-qXAt", "-d", DB, "-c", sql],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def setup():
    psql("DROP DATABASE IF EXISTS %s" % DB, db="postgres")
    psql("CREATE DATABASE %s" % DB, db="postgres")
    psql("""
        CREATE EXTENSION escalation;
        INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道');
        INSERT INTO escalation.department (id, name, level, region) VALUES (2, '历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (id, name, region, supervision_level) VALUES (10, '济南泉城机械有限公司', '370102001', 'street');
        INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
        SELECT 10, 2, now() - interval '30 days', 'general', true, now() - i * interval '7 minutes'
        FROM generate_series(1, %d) i;
    """ % HAZARDS)


def main():
    print("1..12", flush=True)
    setup()
    expected = int(value("""
        SELECT count(*) FILTER (WHERE rectify_deadline <= now())
             + count(*) FILTER (WHERE rectify_deadline <= now() - interval '3 days')
             + count(*) FILTER (WHERE rectify_deadline <= now() - interval '6 days')
        FROM escalation.hazard"""))

    # A listener that stays connected while the runs happen.
    listener = subprocess.Popen(["psql", "-qXAt", "-d", DB],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    listener.stdin.write("LISTEN escalation_warning;\nSELECT 'listening';\n")
    listener.stdin.flush()
    while listener.stdout.readline().strip() != "listening":
        pass

    # Six runs at once, as of different moments up to now.
    offsets = ["2 days", "0", "1 day", "0", "3 hours", "0"]
    runs = [spawn("SELECT escalation.run(now() - interval '%s')" % o) for o in offsets]
    results = [r.communicate(timeout=300) for r in runs]
    errors = [err for (out, err), r in zip(results, runs) if r.returncode != 0]
    ok(not errors, "six concurrent runs all succeed", "\n".join(errors))
    raised = [int(out.strip()) for (out, err) in results if out.strip()]

    total = int(value("SELECT count(*) FROM escalation.warning"))
    distinct = int(value("SELECT count(DISTINCT (kind, subject_id, started_at, stage)) FROM escalation.warning"))
    ok(total == expected, "every due stage is raised: %d warnings, %d expected" % (total, expected))
    ok(distinct == total, "no stage is raised twice")
    print("# runs raised %s" % raised, flush=True)
    ok(sum(raised) == total, "the runs' results add up to the warnings: each was raised by exactly one run",
       "returned %s" % raised)
    ok(value("SELECT count(*) FROM escalation.run_log WHERE status = 'succeeded'") == "6", "six runs are logged as succeeded")

    # The notifications: one per run that raised something, disjoint ranges covering every event.
    listener.stdin.write("SELECT pg_sleep(0.5);\nSELECT 'done';\n")
    listener.stdin.close()
    out = listener.stdout.read()
    listener.wait(timeout=60)
    payloads = re.findall(r'Asynchronous notification "escalation_warning" with payload "(\d+)-(\d+)"', out)
    ranges = sorted((int(a), int(b)) for a, b in payloads)
    ok(len(ranges) == sum(1 for n in raised if n > 0),
       "one NOTIFY per run that raised something (%d)" % len(ranges), out)
    covered = set()
    disjoint = True
    for a, b in ranges:
        span = set(range(a, b + 1))
        disjoint = disjoint and not (covered & span)
        covered |= span
    ids = set(int(x) for x in psql("SELECT id FROM escalation.warning").stdout.split())
    ok(disjoint and ids <= covered and covered <= ids,
       "the NOTIFY ranges are disjoint and name exactly the events raised", "ranges %s" % ranges)

    # A run waits for a run in progress, then sees what it committed.
    holder = spawn("BEGIN; SELECT escalation.lock_event_stream(); SELECT pg_sleep(2); "
                   "INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) "
                   "VALUES (10, 2, now() - interval '2 days', 'general', true, now() - interval '1 day'); COMMIT;")
    time.sleep(0.5)
    started = time.time()
    waited = psql("SELECT escalation.run()")
    elapsed = time.time() - started
    holder.communicate(timeout=60)
    ok(elapsed > 1.0 and waited.stdout.strip() == "1",
       "a run waits for the transaction holding the event lock and then raises what it committed",
       "waited %.1f s, raised %s" % (elapsed, waited.stdout.strip()))

    # A run that cannot get the lock in time fails, leaving a log row.
    holder = spawn("BEGIN; SELECT escalation.lock_event_stream(); SELECT pg_sleep(2); COMMIT;")
    time.sleep(0.5)
    r = psql("SET lock_timeout = '200ms'; SELECT escalation.run() IS NULL")
    holder.communicate(timeout=60)
    ok(r.stdout.strip().endswith("t") and "WARNING" in r.stderr, "a run that times out on the lock returns NULL with a warning",
       r.stdout + r.stderr)
    ok(value("SELECT status || ' ' || sqlstate FROM escalation.run_log ORDER BY run_id DESC LIMIT 1") == "failed 55P03",
       "the failed run is in the run log with its SQLSTATE")

    # REPEATABLE READ is refused.
    r = psql("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT escalation.run(); COMMIT;", check=False)
    ok(r.returncode != 0 and "must run at READ COMMITTED isolation" in r.stderr,
       "a run in a REPEATABLE READ transaction is refused", r.stderr)
    ok(value("SELECT count(*) FROM escalation.warning") == str(expected + 1), "the refused and failed runs raised nothing")


try:
    main()
finally:
    psql("DROP DATABASE IF EXISTS %s" % DB, db="postgres", check=False)
sys.exit(1 if failures else 0)
PY
