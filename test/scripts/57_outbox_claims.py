#!/usr/bin/env python3
"""57_outbox_claims.py — the notification outbox across sessions
(docs/NOTIFICATIONS.md): a run that writes notifications wakes a listener on
escalation_notification when it commits, and not before; a claim skips the
rows another sender's open claim holds instead of waiting for them; four
senders claiming at once take every notification exactly once; a lease that
lapses in real time lets another sender claim the row again, counted as a
repeat. Runs in a database of its own, dropped at the end."""
import re
import time

from escalation_test import Cluster, diag, ok, run_tests

DB = "rel57_outbox"
SENDER = "rel57_sender"
HAZARDS = 400


def setup(c):
    c.new_database(DB)
    c.psql("""
        CREATE EXTENSION escalation;
        INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道');
        INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE VALUES (2, '历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE VALUES (10, '济南泉城机械有限公司', '370102001', 'street');
        INSERT INTO escalation.person (id, department_id, name, mobile) OVERRIDING SYSTEM VALUE VALUES (21, 2, '王联络', '13800000021');
        INSERT INTO escalation.duty (department_id, person_id, role, period) VALUES (2, 21, 'liaison', daterange('2024-01-01', NULL));
        INSERT INTO escalation.notification_channel (name, kind, endpoint) VALUES ('历下群', 'wecom', 'https://127.0.0.1:9/send?key=k');
        INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
        SELECT 10, 2, now() - interval '10 days', 'general', true, now() - interval '1 day' - i * interval '1 minute'
        FROM generate_series(1, %d) i;
    """ % HAZARDS, DB)
    # The extension creates the sending role.
    c.new_role(SENDER, "IN ROLE escalation_sender")


def held_session(c, sql):
    """A session of the sender that runs sql in an open transaction and keeps it
    open; (session, the rows sql returned)."""
    s = c.session(DB)
    s.stdin.write("SET ROLE %s;\nBEGIN;\n%s;\nSELECT 'holding';\n" % (SENDER, sql))
    s.stdin.flush()
    rows = []
    for line in s.stdout:
        if line.strip() == "holding":
            return s, rows
        rows.append(line.strip())
    s.wait(timeout=30)
    diag(s.stderr.read())
    return s, None


def finish(s, command):
    s.stdin.write("%s;\n" % command)
    s.stdin.close()
    out = s.stdout.read()
    s.wait(timeout=60)
    return out


def main():
    c = Cluster.of_check()
    setup(c)

    # The NOTIFY comes with the commit of the run that wrote notifications.
    listener = c.session(DB)
    listener.stdin.write("LISTEN escalation_notification;\nSELECT 'listening';\n")
    listener.stdin.flush()
    while listener.stdout.readline().strip() != "listening":
        pass
    runner, _ = held_session(c, "RESET ROLE; SELECT escalation.run()")
    listener.stdin.write("SELECT pg_sleep(0.3);\nSELECT 'before';\n")
    listener.stdin.flush()
    before = []
    for line in listener.stdout:
        if line.strip() == "before":
            break
        before.append(line)
    finish(runner, "COMMIT")
    listener.stdin.write("SELECT pg_sleep(0.3);\nSELECT 'after';\n")
    listener.stdin.close()
    after = listener.stdout.read()
    listener.wait(timeout=60)
    ok(not any("escalation_notification" in line for line in before),
       "no listener hears of notifications before the run commits", "".join(before))
    notes = re.findall(r'Asynchronous notification "escalation_notification"( with payload "[^"]*")? received', after)
    ok(notes == [""], "its commit wakes the listener once, with an empty payload", after)
    total = int(c.value("SELECT count(*) FROM escalation.notification", DB))
    ok(total == HAZARDS, "the run wrote one notification per raised stage (%d)" % total)

    # A claim skips the rows an open claim holds, without waiting.
    first, held = held_session(c, "SELECT id FROM escalation.notification_claim('first', 50)")
    ok(held is not None and len(held) == 50, "an open transaction claims 50 notifications", held)
    started = time.monotonic()
    second = c.psql("SET ROLE %s; SET statement_timeout = '5s'; "
                    "SELECT id FROM escalation.notification_claim('second', 100)" % SENDER, DB, check=False)
    waited = time.monotonic() - started
    taken = second.stdout.split()
    ok(len(taken) == 100 and not set(taken) & set(held or []),
       "a second sender claims 100 others, none of the held ones", "%d taken, %d shared" % (len(taken), len(set(taken) & set(held or []))))
    ok(waited < 5, "without waiting for the first sender's transaction (%.2f s)" % waited)
    finish(first, "ROLLBACK")
    ok(c.value("SELECT count(*) FROM escalation.notification WHERE state = 'pending' AND attempts = 0", DB)
       == str(HAZARDS - 100), "a claim rolled back leaves its rows pending, as if never claimed")

    # Four senders at once take every remaining row exactly once.
    claims = [c.spawn("SET ROLE %s; SELECT id FROM escalation.notification_claim('s%d', 25) "
                      "UNION ALL SELECT id FROM escalation.notification_claim('s%d', 25) "
                      "UNION ALL SELECT id FROM escalation.notification_claim('s%d', 25)" % (SENDER, i, i, i), DB)
              for i in range(4)]
    results = [p.communicate(timeout=120) for p in claims]
    ids = [x for out, err in results for x in out.split()]
    errors = [err for out, err in results if err.strip()]
    ok(not errors, "four senders claiming at once all succeed", "\n".join(errors))
    ok(len(ids) == len(set(ids)) == 300, "together they claim 300 rows, none twice (%d, %d distinct)" % (len(ids), len(set(ids))))
    summary = c.value("SELECT count(*) FILTER (WHERE state = 'sending' AND attempts = 1) || ' ' || "
                      "count(*) FILTER (WHERE state = 'pending') FROM escalation.notification", DB)
    ok(summary == "400 0", "every notification is now sending, after one attempt each", summary)

    # A lease that lapses: another sender may send it again, counted as a repeat.
    lost = c.value("SET ROLE %s; SELECT id FROM escalation.notification_claim('lost', 1, '1 s')" % SENDER, DB)
    ok(lost == "", "while every row is leased, nothing is claimed", lost)
    c.psql("INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) "
           "VALUES (10, 2, now() - interval '2 days', 'general', true, now() - interval '1 hour'); "
           "SELECT escalation.run()", DB)
    lost = c.value("SET ROLE %s; SELECT id FROM escalation.notification_claim('lost', 1, '1 s')" % SENDER, DB)
    time.sleep(1.5)
    again = c.value("SET ROLE %s; SELECT id || ' ' || attempts FROM escalation.notification_claim('heir', 5)" % SENDER, DB)
    ok(lost != "" and again == "%s 2" % lost, "a lease of 1 s lapses and another sender claims the row again", again)
    ok(c.value("SELECT repeats || ' ' || claimed_by FROM escalation.notification WHERE id = %s" % lost, DB) == "1 heir",
       "the lost send is counted as a repeat")
    c.psql("SET ROLE %s; SELECT escalation.notification_result(%s, true, 'late from lost')" % (SENDER, lost), DB)
    c.psql("SET ROLE %s; SELECT escalation.notification_result(%s, true, 'from heir')" % (SENDER, lost), DB)
    ok(c.value("SELECT state || ' ' || provider_answer FROM escalation.notification WHERE id = %s" % lost, DB)
       == "delivered late from lost", "the first outcome recorded wins; a second one is ignored")


run_tests(main)
