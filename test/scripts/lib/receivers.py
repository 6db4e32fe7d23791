"""Local receivers of notifications, on 127.0.0.1 and free ports, for the
delivery test (test/scripts/68_delivery.py) and benchmark (bench/delivery.py):
an HTTP receiver that plays a 企业微信 or 钉钉 group robot or an SMS gateway
(钉钉's signature checked as 钉钉 checks it), and an SMTP server that speaks
the real dialogue. Each records what it received, with the time it arrived,
and answers as a script tells it (429, 500, errcodes, holding, stalling).
outbox_fixture() makes what a notification row refers to: a warning and a person."""
import base64
import collections
import hashlib
import hmac
import http.server
import json
import socketserver
import threading
import time
import urllib.parse

# 钉钉 refuses a timestamp more than an hour away from its clock.
DINGTALK_WINDOW_S = 3600


def dingtalk_sign(secret, timestamp_ms):
    """base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")), as 钉钉 computes it."""
    mac = hmac.new(secret.encode(), ("%s\n%s" % (timestamp_ms, secret)).encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def outbox_fixture(psql):
    """A district, a department with a person, and a warning raised for one of
    its units (escalation.run()), in the database psql(sql) runs in: what the
    notifications of a test refer to. (warning id, person id)."""
    psql("""
        INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区')
        ON CONFLICT (code) DO NOTHING;
        INSERT INTO escalation.department (name, level, region) VALUES ('历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('济南泉城化工有限公司', '370102001', 'district');
        INSERT INTO escalation.person (department_id, name, phone)
            SELECT id, '张联络', '13800000001' FROM escalation.department;
        INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck)
            SELECT u.id, d.id, now() - interval '2 hours', 'suspected_major', true
              FROM escalation.unit u, escalation.department d;
    """)
    psql("SELECT escalation.run(now())")
    return int(psql("SELECT min(id) FROM escalation.warning")), int(psql("SELECT min(id) FROM escalation.person"))


class Request:
    """One request a receiver got."""

    def __init__(self, kind, method, path, query, headers, body, at):
        self.kind, self.method, self.path, self.query = kind, method, path, query
        self.headers, self.body, self.at = headers, body, at
        self.sign_ok = None          # 钉钉: whether the signature held

    def json(self):
        return json.loads(self.body)


class HttpReceiver:
    """An HTTP server whose path /<kind>/<name> answers as that kind does:
    wecom and dingtalk answer {"errcode":0,"errmsg":"ok"}, sms answers 200.
    script(name, *answers) queues answers for the next requests on that name:
    "ok", ("status", code, headers), ("errcode", n), ("hold", event) (answer
    ok once event is set), ("stall", seconds) (answer ok after that long)."""

    def __init__(self, dingtalk_secrets=None):
        self.requests = []
        self.lock = threading.Lock()
        self.scripts = collections.defaultdict(collections.deque)
        self.dingtalk_secrets = dingtalk_secrets or {}
        self.arrived = threading.Condition(self.lock)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                receiver._handle(self)

            do_GET = do_PUT = do_POST

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128     # many sends connect at once

            def handle_error(self, request, client_address):
                pass                 # a sender killed or timing out mid-request: expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, kind, name, query=""):
        return "http://127.0.0.1:%d/%s/%s%s" % (self.port, kind, name, query)

    def script(self, name, *answers):
        with self.lock:
            self.scripts[name].extend(answers)

    def received(self, name=None):
        with self.lock:
            return [r for r in self.requests if name is None or r.path.split("/")[2] == name]

    def wait_for(self, pred, timeout):
        """Wait until pred(requests) holds; True if it did in time."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while not pred(list(self.requests)):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.arrived.wait(left)
        return True

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _check_dingtalk(self, req, name):
        secret = self.dingtalk_secrets.get(name)
        ts = req.query.get("timestamp", [""])[0]
        sign = req.query.get("sign", [""])[0]
        if secret is None:
            return True
        try:
            fresh = abs(int(ts) - time.time() * 1000) <= DINGTALK_WINDOW_S * 1000
        except ValueError:
            return False
        return fresh and hmac.compare_digest(sign, dingtalk_sign(secret, ts))

    def _handle(self, h):
        at = time.time()
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length).decode("utf-8", "replace") if length else ""
        url = urllib.parse.urlsplit(h.path)
        parts = url.path.split("/")
        kind, name = (parts[1], parts[2]) if len(parts) >= 3 else ("", "")
        req = Request(kind, h.command, url.path, urllib.parse.parse_qs(url.query), dict(h.headers), body, at)
        if kind == "dingtalk":
            req.sign_ok = self._check_dingtalk(req, name)
        with self.lock:
            self.requests.append(req)
            self.arrived.notify_all()
            answer = self.scripts[name].popleft() if self.scripts[name] else "ok"
        status, headers, payload = 200, {}, b""
        if isinstance(answer, tuple) and answer[0] == "hold":
            answer[1].wait(120)
        elif isinstance(answer, tuple) and answer[0] == "stall":
            time.sleep(answer[1])
        if isinstance(answer, tuple) and answer[0] == "status":
            status, headers = answer[1], answer[2] if len(answer) > 2 else {}
            payload = b"error %d" % status
        elif kind in ("wecom", "dingtalk"):
            errcode = answer[1] if isinstance(answer, tuple) and answer[0] == "errcode" else 0
            if req.sign_ok is False:
                errcode = 310000
            payload = json.dumps({"errcode": errcode, "errmsg": "ok" if errcode == 0 else "refused"}).encode()
        else:
            payload = b'{"code":"OK"}'
        try:
            h.send_response(status)
            for k, v in headers.items():
                h.send_header(k, v)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload)
        except OSError:
            pass                     # the sender is gone (killed, or it timed out)


class SmtpReceiver:
    """An SMTP server (socketserver) speaking the dialogue a mail server does:
    220 greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA (dot-stuffing undone),
    RSET, NOOP, QUIT. Each connection's commands and each accepted message
    are recorded: sessions is a list of {"verbs", "mail_from", "rcpt", "data", "at"}."""

    def __init__(self):
        self.sessions = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text):
                self.wfile.write(text.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                s = {"verbs": [], "mail_from": None, "rcpt": [], "data": None, "at": None}
                with receiver.lock:
                    receiver.sessions.append(s)
                self.reply("220 receiver.test ESMTP ready")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    text = line.decode("utf-8", "replace").rstrip("\r\n")
                    verb = text.split(" ", 1)[0].upper()
                    s["verbs"].append(verb)
                    if verb == "EHLO":
                        self.reply("250-receiver.test\r\n250-8BITMIME\r\n250 SIZE 10485760")
                    elif verb == "HELO":
                        self.reply("250 receiver.test")
                    elif verb == "MAIL" and text.upper().startswith("MAIL FROM:"):
                        s["mail_from"] = text[10:].strip().split(" ")[0]
                        self.reply("250 2.1.0 sender ok")
                    elif verb == "RCPT" and text.upper().startswith("RCPT TO:"):
                        s["rcpt"].append(text[8:].strip())
                        self.reply("250 2.1.5 recipient ok")
                    elif verb == "DATA":
                        self.reply("354 end data with <CR><LF>.<CR><LF>")
                        lines = []
                        while True:
                            raw = self.rfile.readline()
                            if not raw or raw == b".\r\n":
                                break
                            lines.append(raw[1:] if raw.startswith(b"..") else raw)
                        s["data"] = b"".join(lines)
                        s["at"] = time.time()
                        self.reply("250 2.0.0 queued as %d" % len(receiver.sessions))
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 2.0.0 ok")
                    elif verb == "QUIT":
                        self.reply("221 2.0.0 bye")
                        return
                    else:
                        self.reply("502 5.5.2 command not recognized")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def messages(self):
        with self.lock:
            return [s for s in self.sessions if s["data"] is not None]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
