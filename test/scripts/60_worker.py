#!/usr/bin/env python3
"""60_worker.py — escalation-worker against a real cluster: warnings raised by
run() arrive as SSE events with the right ids on the right screens, exactly
once across a PostgreSQL restart; Last-Event-ID resume (from the ring and
from the database) returns exactly the missed events; resolutions are events;
bad HTTP requests get 4xx and the worker stays up; SIGTERM stops it cleanly.
Runs in a database and with a login role of its own, dropped at the end."""
import json
import re
import time

from escalation_test import Cluster, EventStream, Worker, ok, pairs, raw_request, request, run_tests, screen_events

DB = "escalation_worker_test"
ROLE = "escalation_worker_test"
T0 = "2026-03-02 09:00:00+08"           # when the test hazards are found
CHECK = Cluster.of_check()


def psql(sql):
    return CHECK.value(sql, DB)


def warning_id(kind, subject, stage):
    return int(psql("SELECT id FROM escalation.warning WHERE kind = '%s' AND subject_id = %d AND stage = %d"
                    % (kind, subject, stage)))


def setup():
    CHECK.new_database(DB, extension=True)
    CHECK.new_screen_role(ROLE)
    psql("""
        INSERT INTO escalation.division (code, name) VALUES
            ('370100', '济南市'), ('370102', '历下区'), ('370103', '市中区'), ('370102001', '解放路街道')
        ON CONFLICT (code) DO NOTHING;
        INSERT INTO escalation.department (name, level, region)
            VALUES ('历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (name, region, supervision_level) VALUES
            ('济南泉城化工有限公司', '370102001', 'district'),
            ('历下"明湖"<仓储>有限公司', '370102001', 'district');
    """)


def add_hazard(unit_name, found_at):
    return int(psql("""
        INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck)
        SELECT u.id, d.id, '%s'::timestamptz, 'suspected_major', true
          FROM escalation.unit u, escalation.department d
         WHERE u.name = '%s' AND d.name = '历下区应急管理局'
        RETURNING id""" % (found_at, unit_name.replace("'", "''"))))


def run(offset):
    return int(psql("SELECT escalation.run('%s'::timestamptz + interval '%s')" % (T0, offset)))


def main():
    setup()
    w = Worker("60_worker.main.log", CHECK, DB, ROLE, "--poll-interval", "2", "--heartbeat", "1", "--backoff-min", "6", "--backoff-max", "8")
    streams = []
    try:
        ok(w.healthy_within(10), "the worker connects as a member of escalation_screen and reports healthy")
        status, headers, body = w.get("/")
        ok(status == 200 and "济南市" in body and "历下区" in body and 'href="/screen/370102"' in body,
           "/ lists the city screen and the district screens by name", body[:400])
        status, headers, body = w.get("/screen/city")
        ok(status == 200 and headers.get("Content-Type", "").startswith("text/html") and "screen.js" in body,
           "/screen/city serves the screen page")
        ok(w.get("/screen/370102")[0] == 200, "/screen/<district code> serves the screen page")

        city = EventStream(w.port, "city")
        lixia = EventStream(w.port, "370102")
        shizhong = EventStream(w.port, "370103")
        streams += [city, lixia, shizhong]
        time.sleep(0.5)
        ok(city.status == lixia.status == shizhong.status == 200, "three screens stream events")

        # Stage 1 of a suspected major hazard found by a district department: the district screen.
        hazard_a = add_hazard("济南泉城化工有限公司", T0)
        ok(run("1 hour") == 1, "run(found + 1 h) raises the district stage of a suspected major hazard")
        took = lixia.wait_for(lambda ev: any(e.data["subject_id"] == hazard_a for e in ev), 2)
        ok(took is not None, "the district screen gets the warning within 2 s of the run (%s ms after run() returned)"
           % (None if took is None else round(took * 1000)))
        w1 = warning_id("major_hazard", hazard_a, 1)
        ev = [e for e in lixia.events() if e.id == w1]
        ok(ev and ev[0].data["warning_id"] == w1 and ev[0].data["screen_region"] == "370102"
           and ev[0].data["action"] == "confirm" and ev[0].data["unit_name"] == "济南泉城化工有限公司",
           "its SSE id is the warning id and its data names screen 370102, the unit and the action", ev)
        time.sleep(0.3)
        ok(not city.events() and not shizhong.events(),
           "the city screen and another district's screen do not get a district-stage warning",
           (city.events(), shizhong.events()))

        # Stage 2 goes to the city; the district screen keeps it, marked as escalated.
        ok(run("3 days 1 hour") == 1, "run(found + 3 d + 1 h) raises the city stage")
        w2 = warning_id("major_hazard", hazard_a, 2)
        ok(city.wait_for(lambda ev: (w2, "raised") in pairs(ev), 2) is not None,
           "the city screen gets the city stage with its warning id")
        ok(lixia.wait_for(lambda ev: (w2, "raised") in pairs(ev), 2) is not None
           and [e for e in lixia.events() if e.id == w2][0].data["screen"] == "city",
           "the district screen gets the escalated stage too, marked screen = city")

        # Acknowledging is an event too, with its own id from the event sequence.
        ack = int(psql("SELECT escalation.acknowledge(%d, '已通知市应急局值班室')" % w2))
        ok(ack > w2 and city.wait_for(lambda ev: (ack, "acknowledged") in pairs(ev), 2) is not None
           and lixia.wait_for(lambda ev: (ack, "acknowledged") in pairs(ev), 2) is not None,
           "acknowledge() sends an acknowledged event (id %d) to the city and the district screens" % ack)
        ev = [e for e in city.events() if e.id == ack]
        ok(ev and ev[0].data["warning_id"] == w2 and ev[0].data["acknowledged_at"] is not None,
           "the acknowledged event names its warning and when", ev)

        status, _, body = w.get("/api/warnings?screen=city")
        snap = json.loads(body) if status == 200 else {}
        ok(status == 200 and [x["warning_id"] for x in snap.get("warnings", [])] == [w2]
           and snap.get("last_event_id", 0) >= w2 and snap["screen"]["name"] == "济南市",
           "/api/warnings?screen=city is the snapshot of the city's active warnings", body[:600])

        # PostgreSQL goes away; what commits before the worker is back must still arrive, once.
        # The worker waits at least 4.8 s (backoff 6 s less jitter) before it reconnects,
        # so the run() below commits while it is away and its NOTIFY is lost.
        CHECK.stop("fast")
        ok(w.wait_away(10) and w.get("/healthz")[0] == 503,
           "with PostgreSQL down the worker stays up and /healthz says 503")
        CHECK.start()
        hazard_b = add_hazard('历下"明湖"<仓储>有限公司', "2026-03-08 09:00:00+08")
        raised = run("6 days 1 hour")
        state_when_committed = w.database_state()
        ok(raised == 2, "after the restart, run(found + 6 d + 1 h) raises stage 3 of A and stage 1 of B (%d)" % raised)
        ok(state_when_committed != "listening",
           "those events committed while the worker was still disconnected (it was %s)" % state_when_committed)
        w3 = warning_id("major_hazard", hazard_a, 3)
        b1 = warning_id("major_hazard", hazard_b, 1)
        ok(lixia.wait_for(lambda ev: {(w3, "raised"), (b1, "raised")} <= set(pairs(ev)), 15) is not None,
           "after reconnecting, the worker delivers the events it missed")
        ok(w.healthy_within(10), "the worker is healthy again after the restart")
        ok((w.metric("escalation_worker_reconnects_total") or 0) >= 1, "/metrics counts the reconnect")
        ok(city.status == 200 and not city.ended.is_set(), "the screens' streams stayed open across the restart")

        # Handling resolves every stage; resolutions are events with their own ids.
        psql("SELECT (escalation.hazard_confirm(h.id, true, h.found_by, '确认为重大事故隐患',"
             " '%s'::timestamptz + interval '36 days', true, '%s'::timestamptz + interval '6 days 2 hours')).id"
             " FROM escalation.hazard h WHERE h.id = %d" % (T0, T0, hazard_a))
        run("6 days 3 hours")
        resolved = [int(x) for x in psql("SELECT resolved_seq FROM escalation.warning WHERE kind = 'major_hazard'"
                                         " AND subject_id = %d ORDER BY resolved_seq" % hazard_a).split()]
        ok(len(resolved) == 3 and lixia.wait_for(lambda ev: {(r, "resolved") for r in resolved} <= set(pairs(ev)), 3)
           is not None, "handling resolves the three stages: three resolved events, ids from the event sequence")
        ok(city.wait_for(lambda ev: {(r, "resolved") for r in resolved[1:]} <= set(pairs(ev)), 3) is not None,
           "the city screen gets the resolutions of its two stages")
        status, _, body = w.get("/api/warnings?screen=city")
        ok(status == 200 and [x["warning_id"] for x in json.loads(body)["warnings"]] == [],
           "a resolved item leaves the city snapshot", body[:400])

        time.sleep(0.5)
        for s, code in ((city, "370100"), (lixia, "370102"), (shizhong, "370103")):
            got, want = s.received(), screen_events(CHECK, DB, code)
            ok(got == want, "screen %s got every event of its screen exactly once, in order (%d events)"
               % (code, len(want)), "got  %s\nwant %s" % (got, want))

        # Resume from the ring: exactly the events after Last-Event-ID.
        all_lixia = lixia.received()
        resume = EventStream(w.port, "370102", last_event_id=all_lixia[0][0])
        streams.append(resume)
        resume.wait_for(lambda ev: len(ev) >= len(all_lixia) - 1, 3)
        time.sleep(0.5)
        ok(resume.received() == all_lixia[1:], "Last-Event-ID resume returns exactly the missed events",
           "got  %s\nwant %s" % (resume.received(), all_lixia[1:]))
        after = EventStream(w.port, "370102", after=all_lixia[2][0])
        streams.append(after)
        after.wait_for(lambda ev: len(ev) >= len(all_lixia) - 3, 3)
        time.sleep(0.3)
        ok(after.received() == all_lixia[3:], "?after= (the page's snapshot id) resumes the same way")
        ok(lixia.heartbeats > 0, "idle streams get heartbeat comments")

        # Resume older than the ring: a second worker keeps only 2 events and reads the rest from the database.
        small = Worker("60_worker.ring.log", CHECK, DB, ROLE, "--ring-size", "2", "--page-size", "2")
        try:
            ok(small.healthy_within(10), "a worker with a 2-event ring starts")
            ok(re.search(r"info: starting after event \d+: the last 2 events are kept", small.log_text()),
               "it starts at the last 2 events instead of reading all of history", small.log_text())
            old = EventStream(small.port, "370102", last_event_id=0)
            streams.append(old)
            old.wait_for(lambda ev: len(ev) >= len(all_lixia), 5)
            time.sleep(0.3)
            ok(old.received() == all_lixia,
               "Last-Event-ID older than the ring: the missed events come from the database, exactly",
               "got  %s\nwant %s" % (old.received(), all_lixia))
            old.stop()
        finally:
            ok(small.stop() == 0, "the second worker exits 0 on SIGTERM")

        # Several hosts: libpq walks past one that is down to the writable one.
        multi = Worker("60_worker.multihost.log", CHECK, DB, ROLE, conninfo="host=/nonexistent/escalation,%s port=%d,%d"
                       " target_session_attrs=read-write" % (CHECK.sock, CHECK.port, CHECK.port))
        try:
            ok(multi.healthy_within(10) and re.search(r"info: connected to .* on %s port %d$" % (
                re.escape(CHECK.sock), CHECK.port), multi.log_text(), re.M),
               "a multi-host conninfo with target_session_attrs=read-write skips a dead host", multi.log_text())
        finally:
            multi.stop()

        # Bad requests get 4xx; the worker stays up.
        cases = [
            ("unknown path", "GET", "/nowhere", None, 404),
            ("/events without a screen", "GET", "/events", None, 400),
            ("a malformed screen code", "GET", "/events?screen=lixia", None, 400),
            ("a street code is not a screen", "GET", "/api/warnings?screen=370102001", None, 400),
            ("a code that is no screen", "GET", "/events?screen=379999", None, 404),
            ("an unknown screen page", "GET", "/screen/379999", None, 404),
            ("a malformed Last-Event-ID", "GET", "/events?screen=city", {"Last-Event-ID": "12abc"}, 400),
            ("a malformed after", "GET", "/events?screen=city&after=-1", None, 400),
            ("path traversal", "GET", "/static/../../../etc/passwd", None, 400),
            ("encoded path traversal", "GET", "/static/%2e%2e%2fworker.h", None, 400),
            ("a static file outside the list", "GET", "/static/.hidden", None, 404),
            ("POST", "POST", "/", None, 405),
            ("DELETE", "DELETE", "/events?screen=city", None, 405),
        ]
        for name, method, path, headers, want in cases:
            got = request(w.port, method, path, headers=headers)[0]
            ok(got == want, "%s: %s %s gets %d" % (name, method, path, want), "got %d" % got)
        # A person who mistypes a screen's address gets a page, not JSON.
        status, headers, body = request(w.port, "GET", "/screen/379999")
        ok(status == 404 and headers.get("Content-Type", "").startswith("text/html") and "没有这个大屏" in body
           and "379999" in body and '<a href="/">' in body,
           "an unknown screen page is an HTML page in Chinese that names the code and links to the list", body)
        status, _, body = request(w.port, "GET", "/screen/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        ok(status == 404 and "<script>" not in body and "&lt;script&gt;" in body,
           "the code is escaped on that page", body)
        got = raw_request(w.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")[0]
        ok(got in (413, 431), "an oversized header gets 413/431", "got %d" % got)
        got = raw_request(w.port, b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")[0]
        ok(got in (414, 413, 431), "an oversized request line gets 414", "got %d" % got)
        got = raw_request(w.port, b"GET /\r\n\r\n")[0]
        ok(got == 400, "a request line without an HTTP version gets 400", "got %d" % got)
        got = raw_request(w.port, b"GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n")[0]
        ok(got == 400, "a malformed header line gets 400", "got %d" % got)
        status, _, body = w.get("/metrics")
        ok(status == 200 and re.search(r"^escalation_worker_http_client_errors_total [1-9]", body, re.M)
           and re.search(r"^escalation_worker_clients [0-9]", body, re.M)
           and re.search(r"^escalation_worker_events_sent_total [1-9]", body, re.M),
           "/metrics shows clients, events sent and client errors in Prometheus text format")
        ok(w.healthy_within(2) and w.proc.poll() is None, "the worker is still up and healthy")
    finally:
        for s in streams:
            s.stop()
        code = w.stop()
        ok(code == 0 and "stopped" in w.log_text(), "SIGTERM stops the worker cleanly (exit 0)")


run_tests(main)
