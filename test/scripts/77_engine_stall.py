#!/usr/bin/env python3
"""77_engine_stall.py — a district user cannot stop the city's engine, and a
stopped run is a failure its caller sees. As the attacker would, with two
sessions: a district login holding the advisory lock 0.1.0's event stream used
(its key was the event sequence's OID, which anyone can read) does not hold up
escalation.run() or acknowledge(); the lock that now orders the event stream
cannot be taken by a user, neither by LOCK TABLE nor by calling
escalation.lock_event_stream(); LOCK TABLE of a shared table beyond row locks
is refused to a district user (while its row locks still work) and allowed to
the owner; a run cancelled by a statement timeout fails with the timeout's
error (0.1.0 returned NULL, so pg_cron recorded success) and keeps nothing;
a run ahead of the clock by more than escalation.run_clock_skew is refused.
Runs in a database of its own, dropped at the end."""
import time

from escalation_test import BACKLOG_AS_OF, Cluster, at_exit, diag, load_backlog, ok, run_tests

DB = "rel77_stall"
USER = "rel77_district"


def attacker(c):
    """A district login, mapped to 历下区, in a session of its own."""
    c.psql("DROP ROLE IF EXISTS %s" % USER)
    c.psql("CREATE ROLE %s LOGIN IN ROLE escalation_user" % USER)
    at_exit(c.psql, "DROP ROLE IF EXISTS %s" % USER, "postgres", False)
    c.psql("INSERT INTO escalation.user_region (role_name, region) VALUES ('%s', '370102')" % USER, DB)


def as_user(c, sql, check=False):
    return c.psql("SET ROLE %s; %s" % (USER, sql), DB, check=check)


def holding(c, sql):
    """A session of the attacker that ran sql in an open transaction and holds
    what it took; the session and sql's output (None if it failed)."""
    s = c.session(DB)
    s.stdin.write("SET ROLE %s;\nBEGIN;\n%s;\nSELECT 'holding';\n" % (USER, sql))
    s.stdin.flush()
    lines = []
    for line in s.stdout:
        if line.strip() == "holding":
            return s, "\n".join(lines).strip()
        lines.append(line.strip())
    s.wait(timeout=30)
    diag(s.stderr.read())
    return s, None


def release(s):
    if s.poll() is None:
        s.stdin.write("ROLLBACK;\n\\q\n")
        s.stdin.flush()
    s.wait(timeout=30)


def timed_psql(c, sql, timeout_s=20):
    """Run sql with a statement timeout; (seconds taken, CompletedProcess)."""
    start = time.monotonic()
    r = c.psql("SET statement_timeout = '%ds'; %s" % (timeout_s, sql), DB, check=False)
    return time.monotonic() - start, r


def main():
    c = Cluster.of_check()
    c.new_database(DB, extension=True)
    load_backlog(c, DB, 3000)
    attacker(c)

    # The old key: the event sequence's OID, readable by anyone.
    key = as_user(c, "SELECT 'escalation.warning_event_seq'::regclass::oid", check=True).stdout.strip()
    s, line = holding(c, "SELECT pg_advisory_xact_lock(%s)" % key)
    ok(line is not None, "a district user takes 0.1.0's event-stream advisory lock (key %s) and holds it" % key)
    took, r = timed_psql(c, "SELECT escalation.run('%s')" % BACKLOG_AS_OF)
    ok(r.returncode == 0 and r.stdout.strip().isdigit() and int(r.stdout.strip()) > 0,
       "escalation.run() meanwhile raises the backlog's stages without waiting for it (%.1f s, %s raised)"
       % (took, r.stdout.strip()), r.stderr)
    release(s)

    r = as_user(c, "LOCK TABLE escalation_internal.event_stream IN ACCESS EXCLUSIVE MODE")
    ok(r.returncode != 0 and "permission denied for schema escalation_internal" in r.stderr,
       "the user cannot name, let alone lock, the table whose lock orders the event stream", r.stderr)
    r = as_user(c, "BEGIN; SELECT escalation.lock_event_stream(); COMMIT;")
    ok(r.returncode != 0 and "permission denied for function lock_event_stream" in r.stderr,
       "nor take that lock through escalation.lock_event_stream()", r.stderr)

    r = as_user(c, "DO $$ BEGIN LOCK TABLE escalation.unit IN ACCESS EXCLUSIVE MODE; "
                   "EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE '42501 %', SQLERRM; END $$")
    ok('42501 permission denied to lock table "unit" in AccessExclusiveLock mode' in r.stderr,
       "LOCK TABLE escalation.unit IN ACCESS EXCLUSIVE MODE by a district user is refused (42501)", r.stderr)
    r = as_user(c, "BEGIN; LOCK TABLE escalation.hazard IN SHARE ROW EXCLUSIVE MODE; COMMIT;")
    ok(r.returncode != 0 and "permission denied to lock table" in r.stderr,
       "and so is any mode stronger than ROW EXCLUSIVE, on any shared table", r.stderr)
    s, line = holding(c, "SELECT id FROM escalation.unit ORDER BY id LIMIT 1 FOR UPDATE")  # its region's, by RLS
    ok(line is not None and line.isdigit(), "the user still locks the rows it changes (SELECT ... FOR UPDATE of unit %s)" % line)
    took, r = timed_psql(c, "SELECT count(*) FROM escalation.unit", 10)
    ok(r.returncode == 0, "while others read the table (%.2f s)" % took, r.stderr)
    release(s)
    r = c.psql("BEGIN; LOCK TABLE escalation.unit IN ACCESS EXCLUSIVE MODE; COMMIT;", DB, check=False)
    ok(r.returncode == 0, "the extension's owner may still lock the table (maintenance)", r.stderr)

    # A cancelled run: a statement timeout in the middle of a catch-up.
    c.new_database(DB + "_big", extension=True)
    load_backlog(c, DB + "_big", 30000)
    r = c.psql("SET statement_timeout = '200ms'; SELECT escalation.run('%s')" % BACKLOG_AS_OF, DB + "_big",
               check=False)
    ok(r.returncode != 0 and "canceling statement due to statement timeout" in r.stderr,
       "a run cancelled by its statement timeout fails with the timeout's error, as pg_cron would record it",
       (r.returncode, r.stdout, r.stderr))
    left = c.value("SELECT (SELECT count(*) FROM escalation.warning) || ' ' || "
                   "(SELECT count(*) FROM escalation.run_log)", DB + "_big")
    ok(left == "0 0", "it keeps nothing: no warning and no run-log row claiming a handled failure (%s)" % left)
    r = c.psql("SELECT escalation.run('%s')" % BACKLOG_AS_OF, DB + "_big", check=False)
    ok(r.returncode == 0 and int(r.stdout.strip() or 0) > 0,
       "the next run catches up (%s stages)" % r.stdout.strip(), r.stderr)

    r = c.psql("SELECT escalation.run(now() + interval '5 minutes')", DB, check=False)
    ok(r.returncode != 0 and "as_of is too far in the future" in r.stderr,
       "a run five minutes ahead of the clock is refused (escalation.run_clock_skew: 1 min)", r.stderr)


run_tests(main)
