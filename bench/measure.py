#!/usr/bin/env python3
"""bench/measure.py AS_OF ITEMS — the measurements of bench/engine.sh.

Times are taken inside the server (clock_timestamp() around the call), so
they exclude the client round trip. Backend memory is sampled from
/proc/<pid>/status every 5 ms while a run works: RssAnon is the backend's own
memory (shared buffers excluded), VmHWM its peak resident size including the
shared buffers it touched.
"""
import os, statistics, subprocess, sys, threading, time

AS_OF, ITEMS = sys.argv[1], int(sys.argv[2])
MARK = "__bench_done__"


class Session:
    """One psql session kept open, so that its backend can be watched."""

    def __init__(self):
        self.p = subprocess.Popen(["psql", "-qXAt", "-v", "ON_ERROR_STOP=0"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.pid = int(self.query("SELECT pg_backend_pid()")[0])

    def query(self, sql):
        self.p.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo " + MARK + "\n")
        self.p.stdin.flush()
        out = []
        for line in self.p.stdout:
            line = line.rstrip("\n")
            if line == MARK:
                break
            if line.startswith(("ERROR", "psql:")):
                raise RuntimeError("%s\n%s" % (sql, line))
            out.append(line)
        return out

    def timed(self, call):
        """Run call (an expression returning bigint) and return (ms, result)."""
        row = self.query("SELECT extract(epoch FROM clock_timestamp() - t) * 1000, r "
                         "FROM (SELECT clock_timestamp() AS t) s, LATERAL (SELECT %s AS r) x" % call)[0]
        ms, result = row.split("|")
        return float(ms), (int(result) if result else None)


class Watch(threading.Thread):
    """Samples a backend's memory until stopped."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stop, self.anon, self.hwm = pid, False, 0, 0

    def sample(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key == "RssAnon":
                    self.anon = max(self.anon, int(rest.split()[0]))
                elif key == "VmHWM":
                    self.hwm = max(self.hwm, int(rest.split()[0]))

    def run(self):
        while not self.stop:
            self.sample()
            time.sleep(0.005)
        self.sample()


def watched(session, call):
    w = Watch(session.pid)
    w.start()
    ms, n = session.timed(call)
    w.stop = True
    w.join()
    return ms, n, w.anon / 1024.0, w.hwm / 1024.0


def reset(s):
    """Put warnings and work list back as the outage left them."""
    s.query("TRUNCATE escalation.warning")
    s.query("INSERT INTO escalation.warning SELECT * FROM bench.warning_snapshot")
    s.query("TRUNCATE escalation.tracked_item")
    s.query("INSERT INTO escalation.tracked_item SELECT * FROM bench.tracked_snapshot")
    s.query("VACUUM ANALYZE escalation.warning, escalation.tracked_item")
    s.query("CHECKPOINT")


COLUMNS = ("kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, "
           "resolved_at, resolved_reason, region, district, unit_id, department_id")


def main():
    s = Session()
    s.query("SET client_min_messages = warning")
    s.query("CREATE TABLE bench.warning_snapshot AS SELECT * FROM escalation.warning")
    s.query("CREATE TABLE bench.tracked_snapshot AS SELECT * FROM escalation.tracked_item")
    before = int(s.query("SELECT count(*) FROM bench.warning_snapshot")[0])
    last_id = int(s.query("SELECT coalesce(max(id), 0) FROM bench.warning_snapshot")[0])
    tracked = int(s.query("SELECT count(*) FROM escalation.tracked_item")[0])
    outage_from = s.query("SELECT outage_from FROM bench.setting")[0]
    s.query("CHECKPOINT")
    results = [("state before the catch-up", "%d items tracked, %d warnings raised until the outage began 10 days earlier"
                % (tracked, before))]

    # 1. Catch-up of everything that fell due during the outage.
    ms, raised, anon, hwm = watched(s, "escalation.run('%s')" % AS_OF)
    resolved = int(s.query("SELECT resolved FROM escalation.run_log ORDER BY run_id DESC LIMIT 1")[0])
    results.append(("C engine: catch-up, one run", "%d stages raised, %d resolved in %.0f ms = %.0f stages/s; "
                    "backend peak RssAnon %.0f MB, VmHWM %.0f MB" % (raised, resolved, ms, raised / ms * 1000, anon, hwm)))
    catch_up_ms = ms
    s.query("CREATE TABLE bench.c_final AS SELECT %s FROM escalation.warning" % COLUMNS)
    s.query("CREATE TABLE bench.c_raised AS SELECT kind, subject_id, started_at, stage, origin, screen, screen_region, "
            "action, due_at, region, district, unit_id, department_id FROM escalation.warning WHERE id > %d" % last_id)
    s.query("VACUUM ANALYZE escalation.warning, escalation.tracked_item")

    # 2. Nothing due; then about 1,000 due stages at a time.
    nothing = [s.timed("escalation.run('%s')" % AS_OF)[0] for _ in range(21)]
    results.append(("C engine: run with nothing due", "median %.2f ms, max %.2f ms (21 runs, %d open items tracked)"
                    % (statistics.median(nothing), max(nothing), tracked)))
    per_thousand = []
    counts = []
    for _ in range(7):
        # run() accepts times up to a day ahead of the clock; small data sets
        # need longer than that for another thousand stages.
        t = s.query("SELECT next_due_at FROM escalation.tracked_item WHERE next_due_at IS NOT NULL "
                    "AND next_due_at < now() + interval '23 hours' ORDER BY next_due_at OFFSET 999 LIMIT 1")
        if not t:
            break
        t = t[0]
        ms, n = s.timed("escalation.run('%s')" % t)
        per_thousand.append(ms)
        counts.append(n)
    results.append(("C engine: run with ~1,000 due stages", "median %.1f ms, max %.1f ms (%s stages per run)"
                    % (statistics.median(per_thousand), max(per_thousand), "/".join(map(str, counts)))))

    # 3. A tenth of the outage: memory does not grow with the number of stages.
    reset(s)
    ms, raised, anon, hwm = watched(s, "escalation.run('%s'::timestamptz + interval '1 day')" % outage_from)
    results.append(("C engine: catch-up of one day", "%d stages in %.0f ms = %.0f stages/s; backend peak RssAnon %.0f MB, VmHWM %.0f MB"
                    % (raised, ms, raised / ms * 1000, anon, hwm)))

    # 4. The set-based SQL implementation, same catch-up, same result.
    reset(s)
    ms, raised, anon, hwm = watched(s, "bench.set_based_run('%s')" % AS_OF)
    differ = int(s.query("SELECT count(*) FROM ((TABLE bench.c_final EXCEPT ALL SELECT %s FROM escalation.warning) "
                         "UNION ALL (SELECT %s FROM escalation.warning EXCEPT ALL TABLE bench.c_final)) d" % (COLUMNS, COLUMNS))[0])
    results.append(("set-based SQL: catch-up, one run", "%d stages in %.0f ms = %.0f stages/s; backend peak RssAnon %.0f MB; "
                    "rows differing from the C engine's warnings: %d" % (raised, ms, raised / ms * 1000, anon, differ)))
    results.append(("C engine vs set-based SQL, catch-up", "%.2fx faster" % (ms / catch_up_ms)))
    sql_ms = ms
    nothing_sql = [s.timed("bench.set_based_run('%s')" % AS_OF)[0] for _ in range(3)]
    results.append(("set-based SQL: run with nothing due", "median %.0f ms (3 runs)" % statistics.median(nothing_sql)))

    # 5. The raw limit: the rows the catch-up raised, in one INSERT ... SELECT.
    reset(s)
    s.query("CREATE FUNCTION bench.raw_insert() RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE n bigint; BEGIN "
            "INSERT INTO escalation.warning (kind, subject_id, started_at, stage, origin, screen, screen_region, action, "
            "due_at, region, district, unit_id, department_id) SELECT * FROM bench.c_raised; "
            "GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END $$")
    ms, n = s.timed("bench.raw_insert()")
    results.append(("raw INSERT ... SELECT of the same rows", "%d rows in %.0f ms = %.0f rows/s (the C engine takes %.2fx that time, set-based SQL %.2fx)"
                    % (n, ms, n / ms * 1000, catch_up_ms / ms, sql_ms / ms)))

    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
    version = s.query("SHOW server_version")[0]
    print("\nescalation engine benchmark: %d open items, PostgreSQL %s, %d CPUs (%s)\n" % (ITEMS, version, os.cpu_count(), cpu))
    width = max(len(k) for k, _ in results)
    for k, v in results:
        print("  %-*s  %s" % (width, k, v))
    print()


main()
