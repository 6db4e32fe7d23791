"""The shared pieces of the program-level tests (test/scripts/*.py), run by
./check scripts: TAP output and clean-up on every exit path, PostgreSQL
clusters (the one ./check started, or private ones made by tools/cluster.sh,
the one cluster helper), psql against any of them, the catch-up backlog and
the dataset, digests of table contents, escalation-worker as a child process,
HTTP requests and a Server-Sent Events client."""
import atexit
import collections
import datetime
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.environ["ESCALATION_TOP"]
OUT = os.path.join(TOP, "test", "out")
CLUSTER_SH = os.path.join(TOP, "tools", "cluster.sh")
LIB = os.path.join(TOP, "test", "scripts", "lib")
WORKER = os.path.join(TOP, "worker", "escalation-worker")
WWW = os.path.join(TOP, "worker", "www")

# ---------------------------------------------------------------------------
# TAP

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


def diag(text):
    """A TAP comment line per line of text."""
    for line in str(text).splitlines():
        print("# " + line, flush=True)


def figure(name, value, unit=""):
    """Report a measured figure as a TAP comment on standard error, which prove
    shows without -v, so ./check prints it."""
    print("# figure: %s = %s%s" % (name, value, (" " + unit) if unit else ""), file=sys.stderr, flush=True)


_cleanups = []


def at_exit(fn, *args):
    """Run fn(*args) when the script ends, however it ends (last registered, first run)."""
    _cleanups.append((fn, args))


def _run_cleanups():
    while _cleanups:
        fn, args = _cleanups.pop()
        try:
            fn(*args)
        except Exception as e:  # cleanup must go on with the rest
            print("# cleanup: %r" % e, flush=True)


atexit.register(_run_cleanups)


def _on_signal(signum, frame):
    # prove or a user stopping the test: unwind through finally blocks and atexit.
    raise SystemExit(128 + signum)


for _sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def run_tests(main):
    """Run main(); an exception is one failed test; clean up, print the plan and
    exit with the TAP status."""
    try:
        main()
    except Exception as e:
        ok(False, "the test ran to the end", repr(e))
    finally:
        _run_cleanups()
    print("1..%d" % _count, flush=True)
    sys.exit(1 if _failures else 0)


def timed(fn, *args, **kwargs):
    """(result of fn(*args, **kwargs), seconds it took)."""
    start = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - start


# ---------------------------------------------------------------------------
# Clusters: every initdb, pg_ctl and postgresql.conf line is tools/cluster.sh's.

def shell(script, *args, env=None):
    """Run bash with tools/cluster.sh sourced; its standard output."""
    r = subprocess.run(["bash", "-c", '. "%s"; %s' % (CLUSTER_SH, script), "bash"] + list(args),
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError("cluster.sh failed: %s\n%s%s" % (script, r.stdout, r.stderr))
    return r.stdout.strip()


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Cluster:
    """A PostgreSQL cluster made by tools/cluster.sh in a folder (data/, sock/,
    postgres.log), reached over its Unix socket as user postgres."""

    def __init__(self, directory, private, bindir=None):
        self.dir = directory
        self.sock = os.path.join(directory, "sock")
        self.data = os.path.join(directory, "data")
        self.log = os.path.join(directory, "postgres.log")
        self.private = private
        # The installation whose server runs the cluster (./check's by default).
        self.bindir = bindir or os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")
        self.port = int(shell('cluster_port "$1"', directory)) if os.path.exists(self.data) else None

    @classmethod
    def of_check(cls):
        """The cluster ./check started for this test run."""
        return cls(os.environ["ESCALATION_CLUSTER"], private=False)

    @classmethod
    def _new(cls, name, bindir, make, *args):
        """A private cluster in a temporary folder, made by a cluster.sh function
        and started; removed when the script ends."""
        c = cls(tempfile.mkdtemp(prefix="escalation-%s." % name), private=True, bindir=bindir)
        at_exit(c.destroy)
        c.port = int(c.sh("free_port"))
        c.sh('%s "$@"' % make, c.dir, str(c.port), *args)
        c.start()
        return c

    @classmethod
    def create(cls, name, *conf, bindir=None):
        """A new private cluster (extra postgresql.conf lines conf), started."""
        return cls._new(name, bindir, "cluster_init", *conf)

    @classmethod
    def standby_of(cls, primary, name, *conf):
        """A streaming standby of primary named name (its cluster_name, the
        walreceiver's application_name that synchronous_standby_names refers to), started."""
        return cls._new(name, primary.bindir, "cluster_standby", primary.dir, name, *conf)

    def sh(self, script, *args):
        """A cluster.sh command run with this cluster's installation."""
        return shell(script, *args, env=dict(os.environ, PG_BINDIR=self.bindir))

    def ctl(self, *args):
        """pg_ctl ARGS on this cluster, as its owner."""
        return self.sh('cluster_ctl "$@"', self.dir, *args)

    def start(self):
        self.sh('cluster_start "$1"', self.dir)

    def stop(self, mode="fast"):
        self.sh('cluster_stop "$1" "$2"', self.dir, mode)

    def destroy(self):
        """Stop (immediately) and remove a private cluster."""
        if not self.private:
            return
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def postmaster_pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def kill_postmaster(self):
        """SIGKILL the postmaster, as when its machine dies; its backends exit on their own."""
        pid = self.postmaster_pid()
        children = [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                   text=True).stdout.split()]
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(p) for p in children):
            time.sleep(0.05)
        return pid

    def env(self, **extra):
        e = dict(os.environ, PGHOST=self.sock, PGPORT=str(self.port), PGUSER="postgres")
        e.update(extra)
        return e

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # psql ------------------------------------------------------------------

    @staticmethod
    def psql_command(db, *args):
        """The psql command line: unaligned, quiet, stopping at the first error."""
        return ["psql", "-qXAt", "-v", "ON_ERROR_STOP=1", "-d", db] + list(args)

    def psql(self, sql, db="postgres", check=True, timeout=600):
        """Run SQL; the CompletedProcess (unaligned output, one row a line)."""
        r = subprocess.run(self.psql_command(db, "-c", sql), capture_output=True, text=True, env=self.env(),
                           timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("psql failed on %s: %s\n%s" % (db, sql[:300], r.stderr))
        return r

    def value(self, sql, db="postgres"):
        """The output of SQL, stripped."""
        return self.psql(sql, db).stdout.strip()

    def spawn(self, sql, db):
        """A psql session running SQL in the background."""
        return subprocess.Popen(self.psql_command(db, "-c", sql), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env())

    def session(self, db):
        """An interactive psql session, fed on its standard input."""
        return subprocess.Popen(self.psql_command(db), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env())

    def psql_file(self, path, db, **variables):
        """Run a SQL file with psql variables (-v name=value)."""
        args = []
        for name, value in variables.items():
            args += ["-v", "%s=%s" % (name, value)]
        r = subprocess.run(self.psql_command(db, *args, "-f", path), capture_output=True, text=True,
                           env=self.env())
        if r.returncode != 0:
            raise RuntimeError("psql -f %s failed on %s:\n%s" % (os.path.basename(path), db, r.stderr))

    def accepts_connections(self, db="postgres"):
        return subprocess.run(["psql", "-qXAt", "-d", db, "-c", "SELECT 1"], capture_output=True,
                              env=self.env()).returncode == 0

    def wait_ready(self, timeout=120, db="postgres"):
        """Wait until the cluster accepts connections; the seconds waited, or None."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.accepts_connections(db):
                return time.monotonic() - start
            time.sleep(0.05)
        return None

    # Databases and roles of a test, removed when it ends -------------------

    def drop_database(self, db):
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db, check=False)

    def new_database(self, db, template=None, extension=False):
        """A new database (a copy of template, or with the extension), dropped when the script ends."""
        self.drop_database(db)
        at_exit(self.drop_database, db)
        self.psql("CREATE DATABASE %s%s" % (db, " TEMPLATE %s" % template if template else ""))
        if extension:
            self.psql("CREATE EXTENSION escalation", db)

    def new_role(self, role, options=""):
        """A login role (CREATE ROLE options, such as IN ROLE or PASSWORD),
        dropped when the script ends (after its databases)."""
        self.psql("DROP ROLE IF EXISTS %s" % role)
        _cleanups.insert(0, (self.psql, ("DROP ROLE IF EXISTS %s" % role, "postgres", False)))
        self.psql("CREATE ROLE %s LOGIN %s" % (role, options))

    def new_screen_role(self, role):
        """A login role in escalation_screen, dropped when the script ends (after its databases)."""
        self.new_role(role, "IN ROLE escalation_screen")


# ---------------------------------------------------------------------------
# Data: the catch-up backlog, the dataset, digests and the warnings' signature.

# The backlog's first day, two months ago (run() refuses times far ahead of the
# server clock), and thirty days later, when every stage of every item is due.
_t0 = datetime.date.today() - datetime.timedelta(days=60)
BACKLOG_T0 = "%s 08:00:00+08" % _t0.isoformat()
BACKLOG_AS_OF = "%s 08:00:00+08" % (_t0 + datetime.timedelta(days=30)).isoformat()

# What identifies a warning and what a run decided about it, without its id
# and raised_at (which differ between two databases running the same job).
WARNING_COLUMNS = ("kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, "
                   "resolved_at, resolved_reason, region, district, unit_id, department_id")
WARNING_SIGNATURE = "SELECT concat_ws('|', %s) AS line FROM escalation.warning" % WARNING_COLUMNS


def load_backlog(cluster, db, items):
    """Load test/scripts/lib/backlog.sql into db (which has the extension); seconds taken."""
    _, seconds = timed(cluster.psql_file, os.path.join(LIB, "backlog.sql"), db, items=items,
                       t0="'%s'" % BACKLOG_T0)
    return seconds


def load_dataset(cluster, db):
    """Load test/scripts/lib/dataset.sql (rows in every table) into db, which holds the backlog."""
    cluster.psql_file(os.path.join(LIB, "dataset.sql"), db, t0="'%s'" % BACKLOG_T0)


def digest(cluster, db, query):
    """(row count, md5 of the rows' text in order) of a query whose one column is text."""
    out = cluster.value("SET timezone = 'Asia/Shanghai'; SELECT count(*) || ' ' || md5(coalesce(string_agg(q.line, "
                        "E'\\n' ORDER BY q.line COLLATE \"C\"), '')) FROM (%s) q" % query, db)
    n, h = out.split()
    return int(n), h


def table_digest(cluster, db, table):
    """(row count, md5) of every row of a table, as text, in text order."""
    return digest(cluster, db, "SELECT t::text AS line FROM %s t" % table)


def table_digests(cluster, db, tables, columns=None):
    """{table: (row count, md5 of its rows as text, in text order)} of many tables, in one query;
    with columns ({table: "a, b"}), of those columns only."""
    if not tables:
        return {}
    columns = columns or {}
    out = cluster.value("SET timezone = 'Asia/Shanghai'; " + " UNION ALL ".join(
        "SELECT '%s ' || count(*) || ' ' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"), "
        "'')) FROM %s t" % (table, "(SELECT %s FROM %s)" % (columns[table], table) if table in columns else table)
        for table in tables), db)
    return {name: (int(n), h) for name, n, h in (row.split() for row in out.splitlines())}


def warning_digest(cluster, db):
    return digest(cluster, db, WARNING_SIGNATURE)


# The engine's tracking state: the items it follows and their waiting stages.
TRACKING_TABLES = ("escalation.tracked_item", "escalation.stage_due")


# The handling timers' items are about warnings, whose ids and raising times
# (the wall clock of the run) differ between runs of the same data: they are
# told by the warning's item and stage, and their times from its raising.
TIMER_KINDS = "t.kind::text IN ('handling_sign', 'handling_reply')"
TIMER_ITEMS = {
    "escalation.tracked_item":
        "t.kind, w.kind, w.subject_id, w.started_at, w.stage, t.origin, t.handled_at, t.withdrawn_at, "
        "t.next_due_at - t.started_at, t.unit_id, t.department_id, t.region",
    "escalation.stage_due":
        "t.kind, w.kind, w.subject_id, w.started_at, w.stage, t.stage, t.due_at - t.started_at, t.fires_until, "
        "t.origin, t.unit_id, t.department_id, t.region",
}


def tracking_digest(cluster, db):
    """{table: (row count, md5)} of the engine's tracking state, the handling
    timers' items apart, told by the warnings they are about."""
    queries = {}
    for table, columns in TIMER_ITEMS.items():
        queries[table] = "SELECT t.* FROM %s t WHERE NOT %s" % (table, TIMER_KINDS)
        queries[table + " (handling timers)"] = (
            "SELECT %s FROM %s t "
            "LEFT JOIN escalation.warning_step s ON t.kind::text = 'handling_reply' AND s.id = t.subject_id "
            "JOIN escalation.warning w ON w.id = coalesce(s.warning_id, t.subject_id) WHERE %s"
            % (columns, table, TIMER_KINDS))
    out = cluster.value("SET timezone = 'Asia/Shanghai'; " + " UNION ALL ".join(
        "SELECT '%s' || E'\\t' || count(*) || E'\\t' || md5(coalesce(string_agg(x::text, E'\\n' "
        "ORDER BY x::text COLLATE \"C\"), '')) FROM (%s) x" % (name, query) for name, query in queries.items()), db)
    return {name: (int(n), h) for name, n, h in (row.split("\t") for row in out.splitlines())}


def duplicate_stages(cluster, db):
    """Warnings that repeat an item's stage of an episode (there must be none)."""
    return int(cluster.value("SELECT count(*) - count(DISTINCT (kind, subject_id, started_at, stage)) "
                             "FROM escalation.warning", db))


def screen_events(cluster, db, screen):
    """Every event of a screen (a region code) as the database has it, in order: [(id, event)]."""
    events, after = [], 0
    while True:
        page = cluster.value("SELECT event_id || ' ' || event || ' ' || (screen_region::text = '%s' OR "
                             "district::text = '%s') FROM escalation.warning_events(%d, 100000) ORDER BY event_id"
                             % (screen, screen, after), db).splitlines()
        if not page:
            return events
        for row in page:
            event_id, event, mine = row.split()
            after = int(event_id)
            if mine == "true":
                events.append((after, event))


# ---------------------------------------------------------------------------
# The worker and HTTP

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


def raw_request(port, data, timeout=10, source=None):
    """Send raw bytes on a fresh connection (from the loopback address source,
    if given); (status code, or 0 if none came, the answer read)."""
    buf = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                  source_address=(source, 0) if source else None) as s:
        try:
            s.sendall(data)
        except OSError:
            pass
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
                head, sep, body = buf.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                if sep and m and len(body) >= int(m.group(1)):
                    break
        except OSError:
            pass
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return (int(m.group(1)) if m else 0), buf


class Worker:
    """escalation-worker on a free port, for db as role on cluster (or on
    conninfo), its log in test/out/<log_name>; stopped when the script ends."""

    def __init__(self, log_name, cluster, db, role, *options, conninfo="", env=None):
        """db and role make the conninfo argument; with db None the options
        are the whole command line (the conninfo then comes from elsewhere).
        env: the worker's environment, if not the cluster's."""
        os.makedirs(OUT, exist_ok=True)
        self.log_path = os.path.join(OUT, log_name)
        self.log = open(self.log_path, "w")
        # ESCALATION_WORKER_WRAPPER runs the worker under a checker (82_worker_valgrind.sh),
        # which makes it start much slower.
        wrapper = shlex.split(os.environ.get("ESCALATION_WORKER_WRAPPER", ""))
        self.proc = subprocess.Popen(
            wrapper
            + [WORKER, "--port", "0", "--www", WWW, "--log-level", "debug"] + list(options)
            + (["dbname=%s user=%s %s" % (db, role, conninfo)] if db is not None else []),
            stdout=self.log, stderr=subprocess.STDOUT, env=env if env is not None else cluster.env())
        at_exit(self.stop)
        self.port = None
        deadline = time.monotonic() + (60 if wrapper else 10)
        while self.port is None and time.monotonic() < deadline:
            m = re.search(r"serving (?:screens|metrics) on http://127\.0\.0\.1:(\d+)/", self.log_text())
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.05)
        if self.port is None:
            self.stop()
            raise RuntimeError("worker did not start:\n" + self.log_text())

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

    def wait_away(self, timeout):
        """Wait until the worker has noticed its database is gone; True if it did in time."""
        deadline = time.monotonic() + timeout
        while self.database_state() == "listening" and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.database_state() != "listening"

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


def parse_events(raw):
    """The complete SSE events in raw bytes: [(id, event name)]."""
    out = []
    for block in raw.decode("utf-8", "replace").split("\n\n")[:-1]:
        fields = dict(l.split(": ", 1) for l in block.split("\n") if ": " in l and not l.startswith(":"))
        if "id" in fields and "data" in fields:
            out.append((int(fields["id"]), fields.get("event")))
    return out


def read_events(sock, until=None, mark=b"\nid: ", timeout=30):
    """Read an SSE response from a raw socket until it ends, or until `until`
    events (counted by the line start mark) have come whole; the body after
    the headers, for parse_events."""
    sock.settimeout(1)
    chunks, seen, tail = [], 0, b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
        window = tail + chunk
        seen += window.count(mark)
        tail = window[-(len(mark) - 1):]
        if until is not None and seen >= until and window.endswith(b"\n\n"):
            break
    buf = b"".join(chunks)
    return buf.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in buf else buf


# One event as a screen received it: its SSE id and event name, its data, and
# when it arrived (time.monotonic()).
Event = collections.namedtuple("Event", "id event data at")


def pairs(events):
    """[(id, event name)] of Events."""
    return [(e.id, e.event) for e in events]


class EventStream(threading.Thread):
    """A screen's SSE stream (/events?screen=...), read on its own thread: keeps
    every event, counts heartbeat comments, and notes whether and why the
    connection ended (the worker must not end it)."""

    def __init__(self, port, screen, last_event_id=None, after=None):
        super().__init__(daemon=True)
        self.port, self.screen, self.last_event_id = port, screen, last_event_id
        self.path = "/events?screen=%s%s" % (screen, "" if after is None else "&after=%d" % after)
        self.status = None
        self.heartbeats = 0
        self.ended = threading.Event()
        self.end_reason = None
        self._events = []
        self._lock = threading.Lock()
        self._conn = None
        self._stopping = False
        self.start()

    def run(self):
        headers = {"Accept": "text/event-stream"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self._conn = conn
        try:
            conn.request("GET", self.path, headers=headers)
            # Blocking reads from here on: a quiet stream is not an error; stop() ends them.
            conn.sock.settimeout(None)
            resp = conn.getresponse()
            self.status = resp.status
            fields = {}
            while True:
                raw = resp.readline()
                if not raw:
                    self.end_reason = "the worker closed the stream"
                    break
                line = raw.decode("utf-8").rstrip("\r\n")
                if line == "":
                    if "data" in fields:
                        event = Event(int(fields["id"]), fields.get("event"), json.loads(fields["data"]),
                                      time.monotonic())
                        with self._lock:
                            self._events.append(event)
                    fields = {}
                elif line.startswith(":"):
                    self.heartbeats += 1
                else:
                    name, _, value = line.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
        except (OSError, http.client.HTTPException, ValueError) as e:
            if not self._stopping:
                self.end_reason = repr(e)
        finally:
            conn.close()
            self.ended.set()

    def events(self):
        """The Events received so far."""
        with self._lock:
            return list(self._events)

    def received(self):
        """[(id, event name)] received so far."""
        return pairs(self.events())

    def wait_for(self, pred, timeout):
        """Wait until pred(Events received) holds; the seconds waited, or None."""
        start = time.monotonic()
        while True:
            if pred(self.events()):
                return time.monotonic() - start
            if time.monotonic() - start >= timeout:
                return None
            time.sleep(0.002)

    def wait_open(self, timeout=10):
        deadline = time.monotonic() + timeout
        while self.status is None and not self.ended.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.status == 200 and not self.ended.is_set()

    def stop(self):
        self._stopping = True
        if self._conn is not None and self._conn.sock is not None:
            try:
                self._conn.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.ended.wait(5)
