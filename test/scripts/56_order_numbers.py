#!/usr/bin/env python3
"""56_order_numbers.py — supervision order numbers under concurrent runs:
six sessions run escalation.run() at once (catch-ups to different moments and
runs to now), two more run it in transactions they roll back, and a third
session enters 督办 warnings by hand meanwhile. Afterwards every warning whose
action is 督办 has exactly one order; each office's numbers of the year are
1..n, none repeated and none skipped; they follow the warnings' order (the
runs serialize on the event stream, the counter row on top); a rerun issues
nothing. Two sessions issuing a circular at once issue one, numbered 1.
Runs in a database of its own, dropped at the end."""
import time

from escalation_test import Cluster, ok, run_tests

DB = "escalation_order_numbers"
HAZARDS = 400


def setup(c):
    c.new_database(DB)
    c.psql("""
        CREATE EXTENSION escalation;
        INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道');
        INSERT INTO escalation.department (id, name, level, region, kind) OVERRIDING SYSTEM VALUE VALUES
            (2, '历下区应急管理局', 'district', '370102', 'functional_department'),
            (5, '济南市安委会办公室', 'city', '370100', 'safety_committee_office'),
            (6, '历下区安委会办公室', 'district', '370102', 'safety_committee_office');
        INSERT INTO escalation.document_office (department_id, short_name) VALUES (5, '济安办'), (6, '历下安办');
        INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE VALUES (10, '济南泉城机械有限公司', '370102001', 'street');
        INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
        SELECT 10, 2, now() - interval '30 days', 'general', true, now() - i * interval '29 minutes'
        FROM generate_series(1, %d) i;
    """ % HAZARDS, DB)


def main():
    c = Cluster.of_check()
    setup(c)

    offsets = ["5 days", "0", "2 days", "0", "3 hours", "0"]
    sessions = [c.spawn("SELECT escalation.run(now() - interval '%s')" % o, DB) for o in offsets]
    sessions += [c.spawn("BEGIN; SELECT escalation.run(); SELECT pg_sleep(0.2); ROLLBACK;", DB) for _ in range(2)]
    sessions.append(c.spawn("""
        INSERT INTO escalation.warning (kind, subject_id, stage, screen, screen_region, action, due_at, unit_id, department_id, region)
        SELECT 'hazard_overdue', 900000 + i, 1, 'city', '370100', 'supervise', now() - interval '1 day', 10, 2, '370102001'
        FROM generate_series(1, 20) i""", DB))
    results = [s.communicate(timeout=300) for s in sessions]
    errors = [err for (out, err), s in zip(results, sessions) if s.returncode != 0]
    ok(not errors, "six runs, two rolled-back runs and an INSERT of 督办 warnings at once all succeed", "\n".join(errors))

    supervise = int(c.value("SELECT count(*) FROM escalation.warning WHERE action = 'supervise'", DB))
    orders = int(c.value("SELECT count(*) FROM escalation.supervision_order", DB))
    print("# 督办 warnings %d, orders %d" % (supervise, orders), flush=True)
    expected = int(c.value("""
        SELECT count(*) FILTER (WHERE rectify_deadline <= now()) + count(*) FILTER (WHERE rectify_deadline <= now() - interval '3 days') + 20
        FROM escalation.hazard""", DB))
    ok(supervise == expected, "the runs raised every hazard's 督办 stages, and the 20 entered by hand (%d)" % expected,
       "%d 督办 warnings" % supervise)
    ok(c.value("""SELECT count(*) FROM escalation.warning w
                  WHERE (w.action = 'supervise') <> EXISTS (SELECT 1 FROM escalation.supervision_order o WHERE o.warning_id = w.id)""",
               DB) == "0" and orders == supervise,
       "every 督办 warning has exactly one order, and no other warning has one", "%d orders" % orders)
    gaps = c.value("""
        SELECT string_agg(format('%s %s: %s numbers, %s..%s, %s distinct', issued_by, year, n, lo, hi, d), '; ')
        FROM (SELECT issued_by, year, count(*) AS n, min(sequence) AS lo, max(sequence) AS hi, count(DISTINCT number) AS d
              FROM escalation.supervision_order GROUP BY issued_by, year) s
        WHERE lo <> 1 OR hi <> n OR d <> n""", DB)
    ok(gaps == "", "each office's numbers of the year are 1..n, none repeated or skipped (rolled-back runs left no gap)", gaps)
    print("# " + c.value("SELECT string_agg(format('%s: %s', issued_by, max), ', ') FROM "
                         "(SELECT issued_by, max(number) FROM escalation.supervision_order GROUP BY issued_by) s", DB),
          flush=True)
    ok(c.value("""SELECT count(*) FROM (
                    SELECT sequence < lag(sequence) OVER (PARTITION BY issued_by, year ORDER BY warning_id) AS back
                    FROM escalation.supervision_order) s WHERE back""", DB) == "0",
       "numbers follow the order in which the warnings were raised")
    ok(c.value("SELECT string_agg(office_id || ' ' || last_number, ',' ORDER BY office_id) FROM escalation.document_sequence", DB)
       == c.value("SELECT string_agg(i || ' ' || m, ',' ORDER BY i) FROM (SELECT issued_by AS i, max(sequence) AS m "
                  "FROM escalation.supervision_order GROUP BY issued_by) s", DB),
       "the counters stand at the last number issued")
    before = c.value("SELECT count(*) FROM escalation.supervision_order", DB)
    c.psql("SELECT escalation.run()", DB)
    ok(c.value("SELECT count(*) FROM escalation.supervision_order", DB) == before, "a rerun issues nothing")

    # Two circulars at once, in the order that once failed: the second session's statement starts first,
    # waits for the office's lock, and runs after the first issued a circular ending later than it started.
    holder = c.session(DB)
    holder.stdin.write("BEGIN;\nSELECT 1 FROM escalation.document_office WHERE department_id = 5 FOR UPDATE;\n")
    holder.stdin.flush()
    for _ in range(200):
        if c.value("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
                   "WHERE l.locktype = 'transactionid' AND a.datname = current_database() AND a.state = 'idle in transaction'", DB) != "0":
            break
        time.sleep(0.05)
    waiter = c.spawn("SELECT escalation.circular_issue()", DB)
    for _ in range(200):
        if c.value("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                   "AND query LIKE '%circular_issue%' AND datname = current_database()", DB) != "0":
            break
        time.sleep(0.05)
    holder.stdin.write("SELECT escalation.circular_issue();\nCOMMIT;\n")
    out_first, err_first = holder.communicate(timeout=120)
    out_waiter, err_waiter = waiter.communicate(timeout=120)
    ok(holder.returncode == 0 and out_first.strip().endswith(tuple("0123456789")) and
       waiter.returncode == 0 and out_waiter.strip() == "",
       "two sessions issuing the circular at once, the later statement first: one issues it, the other finds nothing new",
       "first: %r %r; waiting one: %r %r" % (out_first, err_first, out_waiter, err_waiter))
    ok(c.value("SELECT string_agg(number, ',') FROM escalation.circular", DB).startswith("济安办通〔")
       and c.value("SELECT count(*) || ' ' || max(sequence) FROM escalation.circular", DB) == "1 1",
       "one circular, numbered 1")


run_tests(main)
