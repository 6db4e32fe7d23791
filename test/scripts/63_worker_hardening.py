#!/usr/bin/env python3
"""63_worker_hardening.py — escalation-worker's database connections are shared
fairly and its errors tell outsiders nothing internal: streams that resume
from an old event id and never read hold no snapshot slot, so every screen's
/api/warnings keeps answering 200; one client address cannot take more than
its share of the slots; a stalled resumer still gets exactly what it missed
once it reads; a 503 body says what failed without the database's text.
Before 0.2.0 a stalled resumer held its slot until the connection timeout.
Runs in a database and with a login role of its own, dropped at the end."""
import json
import socket
import threading
import time

from escalation_test import Cluster, Worker, figure, ok, parse_events, raw_request, read_events, run_tests

DB = ROLE = "escalation_worker_hardening"
EVENTS = 600                               # raised warnings, far more than the ring keeps
NAME = "济南" + "超长名称有限公司" * 300     # ~7 KB per event: 4 MB of backlog, more than socket buffers hold
CHECK = Cluster.of_check()


def psql(sql):
    return CHECK.value(sql, DB)


def get_from(port, source, path):
    """GET path from a loopback address; (status, body)."""
    status, answer = raw_request(port, ("GET %s HTTP/1.0\r\nHost: x\r\n\r\n" % path).encode(), timeout=20,
                                 source=source)
    return status, answer.partition(b"\r\n\r\n")[2].decode("utf-8", "replace")


def main():
    CHECK.new_database(DB, extension=True)
    CHECK.new_screen_role(ROLE)
    psql("""INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区')
            ON CONFLICT (code) DO NOTHING;
            INSERT INTO escalation.department (name, level, region) VALUES ('历下区应急管理局', 'district', '370102');
            INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('%s', '370102001', 'district');
            INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck)
            SELECT u.id, d.id, now() - interval '2 hours', 'suspected_major', true
              FROM escalation.unit u, escalation.department d, generate_series(1, %d)""" % (NAME, EVENTS))
    ok(int(psql("SELECT escalation.run()")) == EVENTS, "one run() raises %d large events" % EVENTS)
    want = [int(x) for x in psql("SELECT event_id FROM escalation.warning_events(0, 100000) ORDER BY 1").split()]

    # Two database slots, a ring of 10 events: every resume from event 0 reads the database.
    w = Worker("63_worker_hardening.log", CHECK, DB, ROLE, "--db-connections", "4", "--ring-size", "10",
               "--page-size", "50", "--query-timeout", "8")
    try:
        ok(w.healthy_within(10), "the worker starts")

        # Stalled resumers: from 127.0.0.3, a tiny receive buffer, Last-Event-ID 0, never read.
        stalled = []
        for _ in range(6):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.bind(("127.0.0.3", 0))
            s.connect(("127.0.0.1", w.port))
            s.sendall(b"GET /events?screen=370102 HTTP/1.0\r\nHost: x\r\nLast-Event-ID: 0\r\n\r\n")
            stalled.append(s)
        time.sleep(3)
        answers, took = [], []
        for _ in range(5):
            start = time.monotonic()
            answers.append(get_from(w.port, "127.0.0.1", "/api/warnings?screen=city")[0])
            took.append(time.monotonic() - start)
            time.sleep(0.5)
        figure("snapshot latency while 6 stalled resumers are connected (max of 5)", "%.0f" % (max(took) * 1000), "ms")
        ok(answers == [200] * 5,
           "while 6 streams resume from event 0 and never read, /api/warnings answers 200 (no slot held by a stalled client)",
           "statuses: %s" % answers)
        ok(w.metric("escalation_worker_db_slots_in_use") == 0, "/metrics: no database slot is in use meanwhile",
           w.metric("escalation_worker_db_slots_in_use"))

        # A stalled resumer that starts reading gets exactly the events it missed. Those that
        # found their address's share taken were closed at once (their browsers would retry):
        # they give their headers and EOF; the first that gives events is one that was served.
        # Its window was 4 kB: let it take more now, or the read measures delayed ACKs.
        got = []
        for s in stalled:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            start = time.monotonic()
            got = [i for i, _ in parse_events(read_events(s, len(want), timeout=60))]
            if got:
                break
        figure("resume of %d events (~4 MB, %d pages of 50, a connection each) once the stalled client reads"
               % (len(want), (len(want) + 49) // 50), "%.2f" % (time.monotonic() - start), "s")
        ok(got == want, "a stalled resumer that reads again gets all %d events in order" % len(want),
           "got %d" % len(got))
        for s in stalled:
            s.close()

        # One address, many slow snapshots: a lock makes each snapshot wait; 127.0.0.2 may hold
        # only its share (half of 4 slots), the rest of its requests are turned away at once.
        locker = CHECK.spawn("BEGIN; LOCK TABLE escalation.warning IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT",
                             DB)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and psql(
                "SELECT count(*) FROM pg_locks WHERE relation = 'escalation.warning'::regclass"
                " AND mode = 'AccessExclusiveLock' AND granted") != "1":
            time.sleep(0.05)
        greedy = [None] * 6
        def greedy_get(i):
            start = time.monotonic()
            greedy[i] = (get_from(w.port, "127.0.0.2", "/api/warnings?screen=370102")[0], time.monotonic() - start)
        threads = [threading.Thread(target=greedy_get, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        time.sleep(1)
        start = time.monotonic()
        honest = get_from(w.port, "127.0.0.1", "/api/warnings?screen=city")
        figure("snapshot of another address while one address holds its share (waits for the lock)",
               "%.2f" % (time.monotonic() - start), "s")
        for t in threads:
            t.join()
        locker.wait()
        fast_refusals = [s for s, took in greedy if s == 429 and took < 1]
        ok(len(fast_refusals) == 4 and sorted(s for s, _ in greedy).count(200) == 2,
           "one address holds at most 2 of the 4 slots: 2 snapshots wait for the lock, 4 are refused at once (429)",
           greedy)
        ok(honest[0] == 200, "another address still gets its snapshot", honest)

        # A failing snapshot: the body says what failed, not the database's message.
        psql("REVOKE EXECUTE ON FUNCTION escalation.screen_warnings(escalation.region) FROM escalation_screen")
        status, body = get_from(w.port, "127.0.0.1", "/api/warnings?screen=city")
        err = json.loads(body).get("error", "") if body.startswith("{") else body
        ok(status == 503 and err and "permission" not in body and "screen_warnings" not in body
           and "ERROR" not in body and "query" not in body,
           "a failed snapshot answers 503 with a short error and no database internals", body)
        ok("permission denied for function screen_warnings" in w.log_text(),
           "the log keeps the database's message for the operator")
        ok(w.proc.poll() is None, "the worker is still up")
    finally:
        w.stop()


run_tests(main)
