"""Shared pieces of the worker's program-level tests (60_*.sh .. 69_*.sh):
TAP output, psql as the cluster's superuser, a database and login role of the
test's own, HTTP requests, and escalation-worker as a child process."""
import sys
import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import time

TOP = os.environ["ESCALATION_TOP"]
OUT = os.path.join(TOP, "test", "out")
WORKER = os.path.join(TOP, "worker", "escalation-worker")
WWW = os.path.join(TOP, "worker", "www")

_count = 0
_failures = 0


def ok(cond, name, diag=None):
    """Print one TAP test line (and diagnostics when it fails); returns cond."""
    global _count, _failures
    _count += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (_count, name), flush=True)
    if not cond:
        _failures += 1
        # Failure diagnostics go to stderr, where prove shows them without -v.
        for line in str("" if diag is None else diag).splitlines():
            print("#   " + line, file=sys.stderr, flush=True)
    return cond


def finish():
    """Print the plan; the exit status for the test script."""
    print("1..%d" % _count, flush=True)
    return 1 if _failures else 0


def psql(sql, db):
    """Run SQL as the cluster's superuser; the output, unaligned, one row a line."""
    r = subprocess.run(["psql", "-qXAt", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("psql failed: %s\n%s" % (sql[:300], r.stderr))
    return r.stdout.strip()


def fresh_database(db, role):
    """A new database with the extension, and a login role in escalation_screen."""
    os.makedirs(OUT, exist_ok=True)
    drop_database(db, role)
    psql("CREATE DATABASE %s" % db, "postgres")
    psql("CREATE EXTENSION escalation", db)
    psql("CREATE ROLE %s LOGIN IN ROLE escalation_screen" % role, db)


def drop_database(db, role):
    psql("DROP DATABASE IF EXISTS %s" % db, "postgres")
    psql("DROP ROLE IF EXISTS %s" % role, "postgres")


def request(port, method, path, headers=None, body=None):
    """One HTTP request; (status, headers, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Worker:
    """escalation-worker on a free port as db's role, its log in test/out/<log_name>."""

    def __init__(self, log_name, db, role, *options, conninfo="", env=None):
        """db and role make the conninfo argument; with db None the options
        are the whole command line (the conninfo then comes from elsewhere).
        env: the worker's environment, if not this one."""
        self.log_path = os.path.join(OUT, log_name)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            # ESCALATION_WORKER_WRAPPER runs the worker under a checker (82_worker_valgrind.sh).
            shlex.split(os.environ.get("ESCALATION_WORKER_WRAPPER", ""))
            + [WORKER, "--port", "0", "--www", WWW, "--log-level", "debug"] + list(options)
            + (["dbname=%s user=%s %s" % (db, role, conninfo)] if db is not None else []),
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.port = None
        deadline = time.monotonic() + 10
        while self.port is None and time.monotonic() < deadline:
            m = re.search(r"serving screens on http://127\.0\.0\.1:(\d+)/", open(self.log_path).read())
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("worker did not start:\n" + open(self.log_path).read())

    def get(self, path, **kw):
        return request(self.port, "GET", path, **kw)

    def healthy_within(self, timeout):
        """Wait until the worker is in step with the database: /healthz says so
        (in_step) whatever it says of the engine, which a test's data made in
        the past may show as stale."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _, body = self.get("/healthz")
            if status == 200 or (status == 503 and json.loads(body).get("in_step")):
                return True
            time.sleep(0.1)
        return False

    def database_state(self):
        return json.loads(self.get("/healthz")[2])["database"]

    def metric(self, name):
        m = re.search(r"^%s (\S+)$" % re.escape(name), self.get("/metrics")[2], re.M)
        return float(m.group(1)) if m else None

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        """SIGTERM, then its exit status (killed after 10 s)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()
        return self.proc.returncode
