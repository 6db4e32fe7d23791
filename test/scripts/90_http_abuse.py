#!/usr/bin/env python3
"""90_http_abuse.py — escalation-worker under hostile HTTP clients on 127.0.0.1,
against the ./check cluster: 2,000 idle TCP connections, 100 slowloris clients
(a header byte per second), oversized headers, request lines and query strings,
request bodies, bad methods and traversal paths. Meanwhile an honest client
asks /healthz and /api/warnings ten times a second and follows a district
screen's SSE stream while warnings are raised every two seconds: every answer
and every event must come within 1 s. The worker runs with its default
limits (4,096 connections, 10 s to send a complete request): idle and
slowloris connections must be cut by the request deadline. Then an idle flood
beyond a worker started with --max-clients 128, to measure what it refuses
and that it recovers by itself; and the worker must still be up, healthy, and
stop cleanly. Bounded: about 100 s.
Runs in a database and with a login role of its own, dropped at the end."""
import http.client
import resource
import socket
import threading
import time

from escalation_test import Cluster, EventStream, Worker, ok, raw_request, run_tests

# 2,000 idle sockets on this side and as many on the worker's (it inherits this).
resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))

DB = "escalation_http_abuse"
ROLE = "escalation_http_abuse"
SCREEN = "370102"
IDLE = 2000          # idle connections of the first attack
SLOW = 100           # slowloris clients
HOLD = 12            # seconds each attack is held
DEADLINE = 10        # the worker's default --request-timeout
BOUND = 1.0          # seconds an honest answer or event may take


CHECK = Cluster.of_check()


def psql(sql):
    return CHECK.value(sql, DB)


def pct(values, p):
    """The p-th percentile (nearest rank) of values, None if empty."""
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))]


def ms(x):
    return "-" if x is None else "%.1f ms" % (x * 1000)


def proc_status(pid):
    """VmRSS, VmHWM (kB) and Threads of a process."""
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM", "Threads"):
                out[k] = int(v.split()[0])
    return out


class Honest(threading.Thread):
    """Ten times a second: GET /healthz and GET /api/warnings, each on a new connection."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port, self.stopping, self.log, self.phase = port, False, [], "warm-up"
        self.start()

    def get(self, path):
        t0 = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            conn.close()
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
        self.log.append((self.phase, path, status, time.monotonic() - t0))

    def run(self):
        while not self.stopping:
            self.get("/healthz")
            self.get("/api/warnings?screen=" + SCREEN)
            time.sleep(0.1)

    def of(self, phase):
        return [x for x in self.log if x[0] == phase]


class Raiser(threading.Thread):
    """Every two seconds: a suspected major hazard and run(); when run() was called, by warning id."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stopping, self.returned, self.phase = False, {}, "warm-up"
        self.n = 0
        self.start()

    def run(self):
        while not self.stopping:
            self.n += 1
            psql("INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, description)"
                 " SELECT u.id, d.id, now() - interval '1 minute', 'suspected_major', '探测隐患 %d'"
                 " FROM escalation.unit u, escalation.department d" % self.n)
            t = time.monotonic()
            psql("SELECT escalation.run()")
            for wid in psql("SELECT id FROM escalation.warning WHERE raised_at >= now() - interval '1 minute'"
                            " ORDER BY id").split():
                self.returned.setdefault(int(wid), (self.phase, t))
            time.sleep(2)


def idle_flood(port, n):
    """n TCP connections that send nothing; the open sockets."""
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            break
    return socks


def closed_by_server(socks):
    """How many of the sockets the server has closed (reads EOF or an error)."""
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                n += 1
        except BlockingIOError:
            pass
        except OSError:
            n += 1
    return n


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def slowloris(port, n, seconds):
    """n clients sending a request's headers one byte per second; the sockets still open at the end."""
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            socks.append(s)
        except OSError:
            pass
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for s in socks:
            try:
                s.send(b"a")
            except OSError:
                pass
        time.sleep(1)
    return socks, len(socks) - closed_by_server(socks)


def serves_within(worker, timeout):
    """Seconds until /healthz answers 200 (refused or dropped connections retried), None after timeout."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            if worker.get("/healthz")[0] == 200:
                return time.monotonic() - t0
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    return None


def honest_ok(honest, phase):
    rows = honest.of(phase)
    bad = [r for r in rows if r[2] != 200]
    worst = max([r[3] for r in rows], default=None)
    return rows, bad, worst


def report_phase(honest, raiser, sse, phase, what):
    rows, bad, worst = honest_ok(honest, phase)
    lat = [r[3] for r in rows]
    ok(rows and not bad and worst is not None and worst < BOUND,
       "%s: all %d honest /healthz and /api/warnings answers were 200 within %.0f s (p50 %s, p99 %s, max %s)"
       % (what, len(rows), BOUND, ms(pct(lat, 50)), ms(pct(lat, 99)), ms(worst)),
       "failed: %s" % bad[:10])
    arrived = {e.id: e.at for e in sse.events()}
    waits = [arrived[w] - t for w, (p, t) in raiser.returned.items() if p == phase and w in arrived]
    missing = [w for w, (p, t) in raiser.returned.items() if p == phase and w not in arrived]
    ok(waits and not missing and max(waits) < BOUND,
       "%s: every warning raised (%d) reached the screen's stream within %.0f s of calling run() (max %s)"
       % (what, len(waits) + len(missing), BOUND, ms(max(waits, default=None))),
       "missing: %s" % missing)


def setup():
    CHECK.new_database(DB, extension=True)
    CHECK.new_screen_role(ROLE)
    psql("""
        INSERT INTO escalation.division (code, name) VALUES
            ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道')
        ON CONFLICT (code) DO NOTHING;
        INSERT INTO escalation.department (name, level, region) VALUES ('历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('济南泉城化工有限公司', '370102001', 'district');
    """)


def main():
    setup()
    w = Worker("90_http_abuse.log", CHECK, DB, ROLE, "--poll-interval", "2", "--log-level", "info")
    honest = sse = raiser = None
    try:
        ok(w.healthy_within(10), "the worker starts with its default limits and reports healthy")
        sse = EventStream(w.port, SCREEN)
        honest = Honest(w.port)
        raiser = Raiser()
        time.sleep(3)
        ok(sse.status == 200, "an honest screen follows the SSE stream of district %s" % SCREEN)
        base = proc_status(w.proc.pid)

        # 1. Thousands of idle connections.
        honest.phase = raiser.phase = "idle"
        socks = idle_flood(w.port, IDLE)
        time.sleep(1)
        during = proc_status(w.proc.pid)
        ok(len(socks) == IDLE, "%d idle TCP connections are open (worker threads %d, RSS %d kB, was %d kB)"
           % (len(socks), during["Threads"], during["VmRSS"], base["VmRSS"]))
        time.sleep(HOLD - 1)
        honest.phase = raiser.phase = "after idle"
        cut = closed_by_server(socks)
        ok(cut == IDLE, "the worker closed all %d idle connections (%d) by its %d s request deadline"
           % (IDLE, cut, DEADLINE))
        close_all(socks)
        time.sleep(1.5)
        report_phase(honest, raiser, sse, "idle", "with %d idle connections" % IDLE)

        # 2. Slowloris: headers a byte per second.
        honest.phase = raiser.phase = "slowloris"
        slow, alive = slowloris(w.port, SLOW, HOLD)
        honest.phase = raiser.phase = "after slowloris"
        close_all(slow)
        time.sleep(1.5)
        report_phase(honest, raiser, sse, "slowloris", "with %d slowloris clients" % SLOW)
        ok(len(slow) == SLOW and alive == 0,
           "all %d slowloris clients were cut by the %d s request deadline although each sent a byte a second "
           "(%d still connected after %d s)" % (SLOW, DEADLINE, alive, HOLD))

        # 3. Oversized and malformed requests, bodies, bad methods, traversal: fired while honest clients run.
        honest.phase = raiser.phase = "malformed"
        big = []
        for _ in range(20):
            big.append(raw_request(w.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")[0])
            big.append(raw_request(w.port, b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")[0])
            big.append(raw_request(w.port, b"GET /api/warnings?screen=370102&" + b"k=v&" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")[0])
            big.append(raw_request(w.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-H: v\r\n" * 5000 + b"\r\n")[0])
        ok(all(s in (413, 414, 431) for s in big),
           "80 oversized requests (40 kB header, 100 kB request line, 80 kB query string, 5,000 headers) get 413/414/431",
           big)
        many = raw_request(w.port, b"GET /api/warnings?screen=370102&" + b"&".join(b"k%d=v" % i for i in range(2000))
                   + b" HTTP/1.1\r\nHost: x\r\n\r\n")[0]
        few = raw_request(w.port, b"GET /api/warnings?screen=370102&" + b"&".join(b"k%d=v" % i for i in range(100))
                  + b" HTTP/1.1\r\nHost: x\r\n\r\n")[0]
        ok(few == 200 and many in (0, 431),
           "a query string of 100 parameters is answered (%d); one of 2,000 (15 kB) overflows the 32 kB request "
           "memory and the connection is closed (%s)" % (few, "closed unanswered" if many == 0 else many))
        body = raw_request(w.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + b"b" * 1048576)[0]
        chunked = raw_request(w.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + b"100000\r\n" + b"c" * 0x100000 + b"\r\n0\r\n\r\n")[0]
        ok(body in (200, 400, 413) and chunked in (200, 400, 413),
           "a GET with a 1 MB body and one with a chunked 1 MB body are answered, not hung on (%d, %d)" % (body, chunked))
        methods = {}
        for m in (b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE", b"CONNECT", b"PROPFIND", b"get",
                  b"M" * 200):
            methods[m[:12].decode()] = raw_request(w.port, m + b" /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")[0]
        ok(all(s in (400, 405, 501) for s in methods.values()),
           "methods other than GET and HEAD get 400/405/501", methods)
        paths = [b"/../../etc/passwd", b"/static/../../../etc/passwd", b"/static/%2e%2e/%2e%2e/etc/passwd",
                 b"/static/%2e%2e%2fworker.h", b"/static/..%2f..%2fetc%2fpasswd", b"/static/%252e%252e%252fworker.h",
                 b"/screen/../../etc/passwd", b"/screen/..%2f..%2fetc%2fpasswd", b"//etc/passwd", b"/etc/passwd",
                 b"/static//etc/passwd", b"/static/screen.js%00.html", b"/static/..\\..\\worker.h",
                 b"/static/%5c..%5cworker.h", b"/static/.%2e/worker.h", b"http://127.0.0.1/static/../worker.h",
                 b"/static/screen.js/..", b"/static/../http.c", b"/static/%2fetc%2fpasswd",
                 b"/order/..%2f..%2fetc%2fpasswd", b"/circular/%2e%2e/%2e%2e/etc/passwd", b"/order/1/../../worker.h",
                 b"/documents/..%2f..%2fetc%2fpasswd", b"/documents/city/../../etc/passwd"]
        leaks, statuses = [], {}
        for p in paths:
            status, answer = raw_request(w.port, b"GET " + p + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            statuses[p.decode("latin-1")] = status
            if b"root:x:0:0" in answer or b"ESCALATION_WORKER_H" in answer or b"#include" in answer:
                leaks.append(p)
        ok(not leaks and all(s in (400, 404) or (s == 200 and "screen.js" in p) for p, s in statuses.items()),
           "%d traversal paths (.., %%2e%%2e, encoded slashes and backslashes, NUL, absolute forms) get 400/404 "
           "and no file outside the page's directory" % len(paths), statuses)
        time.sleep(2)
        report_phase(honest, raiser, sse, "malformed", "during the malformed requests")

        # 4. Beyond the limit: a second worker that serves at most 128 connections.
        honest.phase = raiser.phase = "done"
        small = Worker("90_http_abuse.small.log", CHECK, DB, ROLE, "--max-clients", "128", "--log-level", "info")
        try:
            ok(small.healthy_within(10), "a worker with --max-clients 128 starts")
            flooded = time.monotonic()
            flood = idle_flood(small.port, 400)
            time.sleep(1)
            held = [x for x in flood if closed_by_server([x]) == 0]
            refused, tried = 0, 0
            end = time.monotonic() + 5
            while time.monotonic() < end:
                tried += 1
                try:
                    if small.get("/healthz")[0] != 200:
                        refused += 1
                except (OSError, http.client.HTTPException):
                    refused += 1
                time.sleep(0.1)
            print("# beyond the limit: of 400 idle connections to a worker that serves 128 at once, %d were held;"
                  " %d of %d honest /healthz requests were refused meanwhile" % (len(held), refused, tried), flush=True)
            ok(len(held) <= 128 and refused > 0,
               "beyond --max-clients the worker holds at most 128 connections and refuses the rest")
            while time.monotonic() - flooded < DEADLINE + 3 and closed_by_server(held) < len(held):
                time.sleep(0.5)
            ok(held and closed_by_server(held) == len(held),
               "it closes idle connections itself at its %d s request deadline: all %d within %.1f s of the flood"
               % (DEADLINE, len(held), time.monotonic() - flooded))
            back = serves_within(small, 5)
            ok(back is not None, "then it serves again while the attacker still holds its sockets (after %s)" % ms(back))
            close_all(flood)
        finally:
            ok(small.stop() == 0, "the second worker stops cleanly")

        peak = proc_status(w.proc.pid)
        ok(w.proc.poll() is None and serves_within(w, 2) is not None,
           "after all of it the worker is up and healthy (peak RSS %d kB; now %d kB, %d threads)"
           % (peak["VmHWM"], peak["VmRSS"], peak["Threads"]))
    finally:
        for t in (honest, raiser):
            if t is not None:
                t.stopping = True
        if sse is not None:
            sse.stop()
        if raiser is not None:
            raiser.join(10)
        code = w.stop()
        ok(code == 0 and "stopped" in w.log_text(), "SIGTERM stops the worker cleanly (exit 0)")


run_tests(main)
