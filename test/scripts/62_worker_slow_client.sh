#!/usr/bin/env bash
# 62_worker_slow_client.sh — one stalled browser never delays the others: a
# client that stops reading while a burst of large events goes out is cut off
# (it fell more than --client-queue events behind, and its connection timed
# out), a reading client gets the whole burst meanwhile, and the stalled one
# resumes by Last-Event-ID with exactly the events it missed. Runs in a
# database and with a login role of its own, dropped at the end.
set -euo pipefail
exec python3 - "$@" <<'PY'
import http.client, json, os, re, signal, socket, subprocess, sys, threading, time

TOP = os.environ["ESCALATION_TOP"]
DB = ROLE = "escalation_worker_slow_test"
WORKER = os.path.join(TOP, "worker", "escalation-worker")
OUT = os.path.join(TOP, "test", "out")
BURST = 3000                      # warnings in one run()
NAME = "济南" + "超长名称有限公司" * 300   # ~7 KB per event: the burst is ~20 MB, more than any socket buffers

count = failures = 0


def ok(cond, name, diag=None):
    global count, failures
    count += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (count, name), flush=True)
    if not cond:
        failures += 1
        for line in str(diag or "").splitlines():
            print("#   " + line, flush=True)
    return cond


def psql(sql, db=DB):
    r = subprocess.run(["psql", "-qXAt", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("psql failed: %s\n%s" % (sql[:200], r.stderr))
    return r.stdout.strip()


def parse_events(raw):
    """Complete SSE events in raw bytes: [(id, event)]."""
    out = []
    for block in raw.decode("utf-8", "replace").split("\n\n")[:-1]:
        fields = dict(l.split(": ", 1) for l in block.split("\n") if ": " in l and not l.startswith(":"))
        if "id" in fields and "data" in fields:
            out.append((int(fields["id"]), fields.get("event")))
    return out


def stream_request(port, last_event_id=None):
    return ("GET /events?screen=370102 HTTP/1.0\r\nHost: 127.0.0.1\r\n"
            + ("Last-Event-ID: %d\r\n" % last_event_id if last_event_id is not None else "") + "\r\n").encode()


def read_all(sock, until=None, timeout=30):
    """Read until EOF, or until `until` raised events have come; the body after the headers."""
    sock.settimeout(1)
    chunks, raised, tail = [], 0, b""
    mark = b"\nevent: raised"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        window = tail + chunk
        raised += window.count(mark)
        tail = window[-(len(mark) - 1):]
        if until is not None and raised >= until:
            break
    buf = b"".join(chunks)
    return buf.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in buf else buf


def main():
    os.makedirs(OUT, exist_ok=True)
    psql("DROP DATABASE IF EXISTS %s" % DB, db="postgres")
    psql("DROP ROLE IF EXISTS %s" % ROLE, db="postgres")
    psql("CREATE DATABASE %s" % DB, db="postgres")
    psql("CREATE EXTENSION escalation")
    psql("CREATE ROLE %s LOGIN IN ROLE escalation_screen" % ROLE)
    psql("""INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区')
            ON CONFLICT (code) DO NOTHING;
            INSERT INTO escalation.department (name, level, region) VALUES ('历下区应急管理局', 'district', '370102');
            INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('%s', '370102001', 'district')""" % NAME)
    log_path = os.path.join(OUT, "62_worker_slow_client.log")
    log = open(log_path, "w")
    proc = subprocess.Popen([WORKER, "--port", "0", "--www", os.path.join(TOP, "worker", "www"),
                             "--client-queue", "20", "--client-lag", "3", "--heartbeat", "1", "--log-level", "debug",
                             "dbname=%s user=%s" % (DB, ROLE)], stdout=log, stderr=subprocess.STDOUT)
    try:
        port = None
        for _ in range(200):
            m = re.search(r"serving screens on http://127\.0\.0\.1:(\d+)/", open(log_path).read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.05)
        if port is None:
            raise RuntimeError("worker did not start:\n" + open(log_path).read())
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and json.loads(_get(port, "/healthz"))["database"] != "listening":
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
        want = [(int(r.split("|")[0]), r.split("|")[1]) for r in psql(
            "SELECT event_id, event FROM escalation.warning_events(0, 100000) WHERE district::text = '370102'"
            " ORDER BY event_id").splitlines()]
        ok(raised == BURST and len(want) == BURST, "one run() raises a burst of %d large events (~%d MB)"
           % (BURST, BURST * len(NAME.encode()) // 1000000))
        body = read_all(reader, BURST, timeout=60)
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
        want = [(int(r.split("|")[0]), r.split("|")[1]) for r in psql(
            "SELECT event_id, event FROM escalation.warning_events(0, 100000) WHERE district::text = '370102'"
            " ORDER BY event_id").splitlines()]
        more = parse_events(body + read_all(reader, 1, timeout=5))
        ok(more == want, "the reading client gets it too")

        # The stalled stream's connection times out (2 heartbeats + 10 s without progress).
        time.sleep(max(0, start + 15 - time.monotonic()))
        partial = parse_events(read_all(stalled, timeout=30))
        ok(0 < len(partial) < BURST and partial == want[:len(partial)],
           "the stalled client was cut off after %d of %d events, with no gap before" % (len(partial), BURST))
        metrics = _get(port, "/metrics")
        dropped = re.search(r"^escalation_worker_clients_dropped_total (\S+)$", metrics, re.M)
        ok(dropped and float(dropped.group(1)) >= 1, "/metrics counts the dropped client")
        ok("fell too far behind" in open(log_path).read(), "the log says why the stream was dropped")

        resume = socket.create_connection(("127.0.0.1", port))
        resume.sendall(stream_request(port, partial[-1][0]))
        rest = parse_events(read_all(resume, len(want) - len(partial), timeout=60))
        ok(rest == want[len(partial):], "it resumes by Last-Event-ID with exactly the %d events it missed"
           % (len(want) - len(partial)), "got %d" % len(rest))
        for s in (stalled, reader, resume):
            s.close()
        ok(json.loads(_get(port, "/healthz"))["database"] == "listening", "the worker is still up and listening")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        log.close()
        psql("DROP DATABASE IF EXISTS %s" % DB, db="postgres")
        psql("DROP ROLE IF EXISTS %s" % ROLE, db="postgres")


def _get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path)
    body = c.getresponse().read().decode()
    c.close()
    return body


try:
    main()
except Exception as e:
    ok(False, "the test ran to the end", repr(e))
print("1..%d" % count)
sys.exit(1 if failures else 0)
PY
