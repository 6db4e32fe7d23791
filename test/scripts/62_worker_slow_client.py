#!/usr/bin/env python3
"""62_worker_slow_client.py — one stalled browser never delays the others: a
client that stops reading while a burst of large events goes out is cut off
(it fell more than --client-queue events behind, and its connection timed
out), a reading client gets the whole burst meanwhile, and the stalled one
resumes by Last-Event-ID with exactly the events it missed. Runs in a
database and with a login role of its own, dropped at the end."""
import socket
import time

from escalation_test import Cluster, Worker, ok, parse_events, read_events, run_tests, screen_events

DB = ROLE = "escalation_worker_slow_test"
BURST = 3000                      # warnings in one run()
NAME = "济南" + "超长名称有限公司" * 300   # ~7 KB per event: the burst is ~20 MB, more than any socket buffers
RAISED = b"\nevent: raised"       # how a raised event's block starts a line


CHECK = Cluster.of_check()


def psql(sql):
    return CHECK.value(sql, DB)


def stream_request(port, last_event_id=None):
    return ("GET /events?screen=370102 HTTP/1.0\r\nHost: 127.0.0.1\r\n"
            + ("Last-Event-ID: %d\r\n" % last_event_id if last_event_id is not None else "") + "\r\n").encode()


def main():
    CHECK.new_database(DB, extension=True)
    CHECK.new_screen_role(ROLE)
    psql("""INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区')
            ON CONFLICT (code) DO NOTHING;
            INSERT INTO escalation.department (name, level, region) VALUES ('历下区应急管理局', 'district', '370102');
            INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('%s', '370102001', 'district')""" % NAME)
    w = Worker("62_worker_slow_client.log", CHECK, DB, ROLE, "--client-queue", "20", "--client-lag", "3", "--heartbeat", "1")
    try:
        port = w.port
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and w.database_state() != "listening":
            time.sleep(0.1)

        # The stalled client: a tiny receive buffer, and it reads nothing until the end.
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(("127.0.0.1", port))
        stalled.sendall(stream_request(port))
        reader = socket.create_connection(("127.0.0.1", port))
        reader.sendall(stream_request(port))
        time.sleep(0.5)

        start = time.monotonic()
        psql("""INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck)
                SELECT u.id, d.id, '2026-03-02 09:00+08', 'suspected_major', true
                  FROM escalation.unit u, escalation.department d, generate_series(1, %d)""" % BURST)
        raised = int(psql("SELECT escalation.run('2026-03-02 10:00+08')"))
        want = screen_events(CHECK, DB, "370102")
        ok(raised == BURST and len(want) == BURST, "one run() raises a burst of %d large events (~%d MB)"
           % (BURST, BURST * len(NAME.encode()) // 1000000))
        body = read_events(reader, BURST, timeout=60, mark=RAISED)
        took = time.monotonic() - start
        got = parse_events(body)
        ok(got == want, "a reading client gets the whole burst, in order, while another client is stalled (%.1f s)" % took,
           "got %d events" % len(got))

        # Events keep coming; the stalled client stays behind for longer than --client-lag.
        time.sleep(4)
        psql("""INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck)
                SELECT u.id, d.id, '2026-03-02 09:30+08', 'suspected_major', true
                  FROM escalation.unit u, escalation.department d""")
        ok(int(psql("SELECT escalation.run('2026-03-02 10:00+08')")) == 1, "a later run() raises one more")
        want = screen_events(CHECK, DB, "370102")
        more = parse_events(body + read_events(reader, 1, timeout=5, mark=RAISED))
        ok(more == want, "the reading client gets it too")

        # The stalled stream's connection times out (2 heartbeats + 10 s without progress).
        time.sleep(max(0, start + 15 - time.monotonic()))
        partial = parse_events(read_events(stalled, timeout=30, mark=RAISED))
        ok(0 < len(partial) < BURST and partial == want[:len(partial)],
           "the stalled client was cut off after %d of %d events, with no gap before" % (len(partial), BURST))
        ok((w.metric("escalation_worker_clients_dropped_total") or 0) >= 1, "/metrics counts the dropped client")
        ok("fell too far behind" in w.log_text(), "the log says why the stream was dropped")

        resume = socket.create_connection(("127.0.0.1", port))
        resume.sendall(stream_request(port, partial[-1][0]))
        rest = parse_events(read_events(resume, len(want) - len(partial), timeout=60, mark=RAISED))
        ok(rest == want[len(partial):], "it resumes by Last-Event-ID with exactly the %d events it missed"
           % (len(want) - len(partial)), "got %d" % len(rest))
        for s in (stalled, reader, resume):
            s.close()
        ok(w.database_state() == "listening", "the worker is still up and listening")
    finally:
        w.stop()


run_tests(main)
