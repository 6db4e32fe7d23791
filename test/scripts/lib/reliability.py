"""Shared pieces of the reliability tests (test/scripts/70_*.sh .. 79_*.sh):
PostgreSQL clusters (the one ./check started, or private ones in a temporary
folder, removed on every exit path), psql against any of them, the catch-up
backlog, digests of table contents, a Server-Sent Events client, and figures.
TAP output and the worker process come from worker_tap."""
import atexit
import datetime
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.environ["ESCALATION_TOP"], "test", "scripts"))
import worker_tap  # noqa: E402
from worker_tap import Worker, finish, ok  # noqa: E402,F401

TOP = os.environ["ESCALATION_TOP"]
PG_BINDIR = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")
CLUSTER_SH = os.path.join(TOP, "tools", "cluster.sh")
BACKLOG_SQL = os.path.join(TOP, "test", "scripts", "lib", "backlog.sql")

# The backlog's first day, two months ago (run() refuses times far ahead of the
# server clock), and thirty days later, when every stage of every item is due.
_t0 = datetime.date.today() - datetime.timedelta(days=60)
BACKLOG_T0 = "%s 08:00:00+08" % _t0.isoformat()
BACKLOG_AS_OF = "%s 08:00:00+08" % (_t0 + datetime.timedelta(days=30)).isoformat()

# What identifies a warning and what a run decided about it, without its id
# and raised_at (which differ between two databases running the same job).
WARNING_SIGNATURE = """
    SELECT concat_ws('|', kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at,
                     resolved_at, resolved_reason, region, district, unit_id, department_id) AS line
    FROM escalation.warning"""

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


def diag(text):
    """A TAP diagnostic line per line of text."""
    for line in str(text).splitlines():
        print("# " + line, flush=True)


def figure(name, value, unit=""):
    """Report a measured figure as a TAP comment on standard error, which prove
    shows without -v, so ./check prints it."""
    print("# figure: %s = %s%s" % (name, value, (" " + unit) if unit else ""), file=sys.stderr, flush=True)


def shell(script, *args, env=None):
    """Run bash with tools/cluster.sh sourced; its standard output."""
    r = subprocess.run(["bash", "-c", ". %s; %s" % (CLUSTER_SH, script), "bash"] + list(args),
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


def as_owner(*cmd):
    """A command list that runs as the cluster's OS user (postgres when we are root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + list(cmd)
    return list(cmd)


class Cluster:
    """A PostgreSQL cluster reached over its Unix socket as user postgres."""

    def __init__(self, directory, port, private):
        self.dir = directory
        self.port = int(port)
        self.sock = os.path.join(directory, "sock")
        self.data = os.path.join(directory, "data")
        self.log = os.path.join(directory, "postgres.log")
        self.private = private

    @classmethod
    def of_check(cls):
        """The cluster ./check started for this test run."""
        return cls(os.environ["ESCALATION_CLUSTER"], os.environ["PGPORT"], private=False)

    @classmethod
    def create(cls, name, *conf):
        """A new private cluster in a temporary folder, started; removed when the script ends."""
        directory = tempfile.mkdtemp(prefix="escalation-%s." % name)
        port = shell("free_port")
        c = cls(directory, port, private=True)
        at_exit(c.destroy)
        shell('cluster_init "$1" "$2" "${@:3}"', directory, port, *conf)
        c.start()
        return c

    @classmethod
    def standby_of(cls, primary, name, *conf):
        """A streaming standby of primary (pg_basebackup -R), started; its
        cluster_name is name (the walreceiver's application_name, which
        synchronous_standby_names refers to). Removed when the script ends."""
        directory = tempfile.mkdtemp(prefix="escalation-%s." % name)
        port = shell("free_port")
        c = cls(directory, port, private=True)
        at_exit(c.destroy)
        subprocess.run(["chown", shell("cluster_owner"), directory], check=True)
        subprocess.run(as_owner("mkdir", "-p", c.sock), check=True)
        r = subprocess.run(as_owner(os.path.join(PG_BINDIR, "pg_basebackup"), "-D", c.data, "-R", "-X", "stream",
                                    "-c", "fast", "-h", primary.sock, "-p", str(primary.port), "-U", "postgres"),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("pg_basebackup failed:\n" + r.stderr)
        lines = ["port = %d" % c.port, "unix_socket_directories = '%s'" % c.sock, "cluster_name = '%s'" % name]
        subprocess.run(as_owner("tee", "-a", os.path.join(c.data, "postgresql.conf")),
                       input="\n".join(lines + list(conf)) + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
        os.chmod(directory, 0o755)
        c.start()
        return c

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

    def conninfo(self, db, user="postgres"):
        return "host=%s port=%d dbname=%s user=%s" % (self.sock, self.port, db, user)

    def pg_ctl(self, *args, check=True):
        r = subprocess.run(as_owner(os.path.join(PG_BINDIR, "pg_ctl"), "-D", self.data, "-l", self.log,
                                    "-w", "-t", "120", *args),
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise RuntimeError("pg_ctl %s failed: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def start(self):
        self.pg_ctl("start")

    def stop(self, mode="fast"):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self.pg_ctl("stop", "-m", mode, check=False)

    def postmaster_pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def destroy(self):
        """Stop (immediately) and remove a private cluster."""
        if not self.private:
            return
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql, db="postgres", check=True, timeout=600):
        """Run SQL; the CompletedProcess (unaligned output, one row a line)."""
        r = subprocess.run(["psql", "-qXAt", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                           capture_output=True, text=True, env=self.env(), timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError("psql failed on %s: %s\n%s" % (db, sql[:300], r.stderr))
        return r

    def value(self, sql, db="postgres"):
        """The output of SQL, stripped."""
        return self.psql(sql, db).stdout.strip()

    def spawn(self, sql, db):
        """A psql session running SQL in the background."""
        return subprocess.Popen(["psql", "-qXAt", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env())

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

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def drop_database(self, db):
        self.psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % db, check=False)

    def new_database(self, db, template=None):
        """A new database (a copy of template if given), dropped when the script ends."""
        self.drop_database(db)
        at_exit(self.drop_database, db)
        self.psql("CREATE DATABASE %s%s" % (db, " TEMPLATE %s" % template if template else ""))


def load_backlog(cluster, db, items):
    """Load test/scripts/lib/backlog.sql into db (which has the extension); seconds taken."""
    start = time.monotonic()
    r = subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", "-v", "items=%d" % items,
                        "-v", "t0='%s'" % BACKLOG_T0, "-d", db, "-f", BACKLOG_SQL],
                       capture_output=True, text=True, env=cluster.env())
    if r.returncode != 0:
        raise RuntimeError("loading the backlog failed:\n" + r.stderr)
    return time.monotonic() - start


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


def duplicate_stages(cluster, db):
    """Warnings that repeat an item's stage of an episode (there must be none)."""
    return int(cluster.value("SELECT count(*) - count(DISTINCT (kind, subject_id, started_at, stage)) "
                             "FROM escalation.warning", db))


def screen_events(cluster, db, screen):
    """Every event of a screen as the database has it, in order: [(id, event)]."""
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


def timed(fn, *args, **kwargs):
    """(result of fn(*args, **kwargs), seconds it took)."""
    start = time.monotonic()
    result = fn(*args, **kwargs)
    return result, time.monotonic() - start


class EventStream(threading.Thread):
    """A screen's SSE stream read on its own thread; keeps every event it gets
    and notes whether the connection ever ended (it must not)."""

    def __init__(self, port, screen):
        super().__init__(daemon=True)
        self.port, self.screen = port, screen
        self.status = None
        self.events = []            # [(id, event)] in arrival order
        self.ended = threading.Event()
        self.end_reason = None
        self._lock = threading.Lock()
        self._conn = None
        self._stopping = False
        self.start()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        self._conn = conn
        try:
            conn.request("GET", "/events?screen=" + self.screen, headers={"Accept": "text/event-stream"})
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
                        data = json.loads(fields["data"])
                        with self._lock:
                            self.events.append((int(fields["id"]), data["event"]))
                    fields = {}
                elif not line.startswith(":"):
                    name, _, value = line.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
        except (OSError, http.client.HTTPException, ValueError) as e:
            if not self._stopping:
                self.end_reason = repr(e)
        finally:
            conn.close()
            self.ended.set()

    def received(self):
        with self._lock:
            return list(self.events)

    def wait_until(self, pred, timeout):
        """Wait until pred(received events) holds; True if it did in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self.received()):
                return True
            time.sleep(0.02)
        return pred(self.received())

    def wait_open(self, timeout=10):
        deadline = time.monotonic() + timeout
        while self.status is None and not self.ended.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.status == 200 and not self.ended.is_set()

    def stop(self):
        self._stopping = True
        if self._conn is not None and self._conn.sock is not None:
            try:
                self._conn.sock.shutdown(2)
            except OSError:
                pass
        self.ended.wait(5)


def start_worker(log_name, cluster, db, role, *options, conninfo=None):
    """escalation-worker for db as role on cluster (or on conninfo), stopped at exit."""
    os.makedirs(worker_tap.OUT, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ("PGHOST", "PGPORT")}
    os.environ.update(PGHOST=cluster.sock, PGPORT=str(cluster.port))
    try:
        w = Worker(log_name, db, role, *options, conninfo=conninfo or "")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    at_exit(w.stop)
    return w


def run_tests(main):
    """Run main(); an exception is one failed test; exit with the TAP status."""
    try:
        main()
    except Exception as e:
        ok(False, "the test ran to the end", repr(e))
    finally:
        _run_cleanups()
    sys.exit(finish())
