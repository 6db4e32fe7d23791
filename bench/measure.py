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

    def cpu_ms(self):
        """CPU time the backend has used so far (user + system), in ms."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")

    def timed(self, call):
        """Run call (an expression returning bigint) and return (ms, result)."""
        self.last_cpu = self.cpu_ms()
        row = self.query("SELECT extract(epoch FROM clock_timestamp() - t) * 1000, r "
                         "FROM (SELECT clock_timestamp() AS t) s, LATERAL (SELECT %s AS r) x" % call)[0]
        self.last_cpu = self.cpu_ms() - self.last_cpu
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
    s.query("TRUNCATE escalation.warning CASCADE")
    s.query("INSERT INTO escalation.warning SELECT * FROM bench.warning_snapshot")
    s.query("TRUNCATE escalation.tracked_item")
    s.query("INSERT INTO escalation.tracked_item SELECT * FROM bench.tracked_snapshot")
    s.query("TRUNCATE escalation.stage_due")
    s.query("INSERT INTO escalation.stage_due SELECT * FROM bench.stage_snapshot")
    s.query("VACUUM ANALYZE escalation.warning, escalation.tracked_item, escalation.stage_due")
    s.query("CHECKPOINT")


COLUMNS = ("kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, "
           "resolved_at, resolved_reason, region, district, unit_id, department_id")


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
RAISED_COLUMNS = ("kind, subject_id, started_at, stage, origin, screen, screen_region, action, due_at, region, "
                  "district, unit_id, department_id")


def summary(name, times, cpus, stages):
    """A line: best and median of the rounds, wall clock and the backend's CPU time."""
    best, median = min(times), statistics.median(times)
    return (name, "%d stages: best %.0f ms = %.0f stages/s, median %.0f ms; CPU best %.0f ms = %.0f stages per CPU-second "
            "(%d rounds, wall/CPU ms: %s)"
            % (stages, best, stages / best * 1000, median, min(cpus), stages / min(cpus) * 1000, len(times),
               ", ".join("%.0f/%.0f" % tc for tc in zip(times, cpus))))


def main():
    s = Session()
    s.query("SET client_min_messages = warning")
    s.query("CREATE TABLE bench.warning_snapshot AS SELECT * FROM escalation.warning")
    s.query("CREATE TABLE bench.tracked_snapshot AS SELECT * FROM escalation.tracked_item")
    s.query("CREATE TABLE bench.stage_snapshot AS SELECT * FROM escalation.stage_due")
    s.query("CREATE FUNCTION bench.raw_insert() RETURNS bigint LANGUAGE plpgsql AS $$ DECLARE n bigint; BEGIN "
            "INSERT INTO escalation.warning (%s) SELECT * FROM bench.c_raised; "
            "GET DIAGNOSTICS n = ROW_COUNT; RETURN n; END $$" % RAISED_COLUMNS)
    before = int(s.query("SELECT count(*) FROM bench.warning_snapshot")[0])
    last_id = int(s.query("SELECT coalesce(max(id), 0) FROM bench.warning_snapshot")[0])
    tracked = int(s.query("SELECT count(*) FROM escalation.tracked_item")[0])
    waiting = int(s.query("SELECT count(*) FROM escalation.stage_due")[0])
    outage_from = s.query("SELECT outage_from FROM bench.setting")[0]
    s.query("CHECKPOINT")
    results = [("state before the catch-up", "%d items tracked with %d stages waiting, %d warnings raised until the "
                "outage began 10 days earlier" % (tracked, waiting, before))]
    c_times, sql_times, raw_times = [], [], []
    c_cpu, sql_cpu, raw_cpu = [], [], []

    # 1. Catch-up of everything that fell due during the outage.
    ms, raised, anon, hwm = watched(s, "escalation.run('%s')" % AS_OF)
    resolved = int(s.query("SELECT resolved FROM escalation.run_log ORDER BY run_id DESC LIMIT 1")[0])
    results.append(("C engine: catch-up, one run", "%d stages raised, %d warnings resolved; backend peak RssAnon %.0f MB, "
                    "VmHWM %.0f MB (shared buffers included)" % (raised, resolved, anon, hwm)))
    c_times.append(ms)
    c_cpu.append(s.last_cpu)
    stages = raised
    s.query("CREATE TABLE bench.c_final AS SELECT %s FROM escalation.warning" % COLUMNS)
    s.query("CREATE TABLE bench.c_raised AS SELECT %s FROM escalation.warning WHERE id > %d" % (RAISED_COLUMNS, last_id))
    s.query("VACUUM ANALYZE escalation.warning, escalation.tracked_item, escalation.stage_due")

    # 2. Nothing due; then about 1,000 due stages at a time.
    nothing = [s.timed("escalation.run('%s')" % AS_OF)[0] for _ in range(21)]
    results.append(("C engine: run with nothing due", "median %.2f ms, max %.2f ms (21 runs, %d open items tracked)"
                    % (statistics.median(nothing), max(nothing), tracked)))
    per_thousand = []
    counts = []
    # run() accepts times ahead of the clock by escalation.run_clock_skew
    # only (at most an hour); a small data set has fewer than a thousand
    # stages due in that hour, and its runs raise what there is.
    s.query("SET escalation.run_clock_skew = 3600")
    for _ in range(7):
        t = s.query("SELECT max(d) FROM (SELECT d FROM (SELECT due_at AS d FROM escalation.stage_due UNION ALL "
                    "SELECT next_due_at FROM escalation.tracked_item WHERE next_due_at IS NOT NULL) x "
                    "WHERE d > (SELECT max(as_of) FROM escalation.run_log) AND d < now() + interval '59 minutes' "
                    "ORDER BY d LIMIT 1000) y")
        if not t or not t[0]:
            break
        ms, n = s.timed("escalation.run('%s')" % t[0])
        per_thousand.append(ms)
        counts.append(n)
    if per_thousand:
        results.append(("C engine: run with ~1,000 due stages", "median %.1f ms, max %.1f ms (%s stages per run)"
                        % (statistics.median(per_thousand), max(per_thousand), "/".join(map(str, counts)))))
    else:
        results.append(("C engine: run with ~1,000 due stages", "not measured: no stage due within the hour"))

    # 3. One day of the outage: memory does not grow with the number of stages.
    reset(s)
    ms, raised, anon, hwm = watched(s, "escalation.run('%s'::timestamptz + interval '1 day')" % outage_from)
    results.append(("C engine: catch-up of one day", "%d stages in %.0f ms; backend peak RssAnon %.0f MB, VmHWM %.0f MB"
                    % (raised, ms, anon, hwm)))

    # 4. The set-based SQL implementation, same catch-up, same result.
    reset(s)
    ms, raised, anon, hwm = watched(s, "bench.set_based_run('%s')" % AS_OF)
    sql_times.append(ms)
    sql_cpu.append(s.last_cpu)
    differ = int(s.query("SELECT count(*) FROM ((TABLE bench.c_final EXCEPT ALL SELECT %s FROM escalation.warning) "
                         "UNION ALL (SELECT %s FROM escalation.warning EXCEPT ALL TABLE bench.c_final)) d" % (COLUMNS, COLUMNS))[0])
    results.append(("set-based SQL: catch-up, one run", "%d stages raised; backend peak RssAnon %.0f MB; "
                    "rows differing from the C engine's warnings: %d" % (raised, anon, differ)))
    nothing_sql = [s.timed("bench.set_based_run('%s')" % AS_OF)[0] for _ in range(3)]
    results.append(("set-based SQL: run with nothing due", "median %.0f ms (3 runs)" % statistics.median(nothing_sql)))

    # 5. The raw limit: the rows the catch-up raised, in one INSERT ... SELECT.
    reset(s)
    raw_times.append(s.timed("bench.raw_insert()")[0])
    raw_cpu.append(s.last_cpu)

    # More rounds of the three, interleaved, against a busy machine's noise.
    for _ in range(ROUNDS - 1):
        reset(s)
        c_times.append(s.timed("escalation.run('%s')" % AS_OF)[0])
        c_cpu.append(s.last_cpu)
        reset(s)
        sql_times.append(s.timed("bench.set_based_run('%s')" % AS_OF)[0])
        sql_cpu.append(s.last_cpu)
        reset(s)
        raw_times.append(s.timed("bench.raw_insert()")[0])
        raw_cpu.append(s.last_cpu)

    results.append(summary("C engine: catch-up", c_times, c_cpu, stages))
    results.append(summary("set-based SQL: catch-up", sql_times, sql_cpu, stages))
    results.append(summary("raw INSERT ... SELECT of the rows", raw_times, raw_cpu, stages))
    results.append(("C engine vs set-based SQL, catch-up", "%.2fx faster (best wall clock), %.2fx (median), %.2fx (best CPU)"
                    % (min(sql_times) / min(c_times), statistics.median(sql_times) / statistics.median(c_times),
                       min(sql_cpu) / min(c_cpu))))
    results.append(("C engine vs raw INSERT", "takes %.2fx the raw insert's time, set-based SQL %.2fx (best wall clock; "
                    "CPU: %.2fx and %.2fx)" % (min(c_times) / min(raw_times), min(sql_times) / min(raw_times),
                                               min(c_cpu) / min(raw_cpu), min(sql_cpu) / min(raw_cpu))))

    load = open("/proc/loadavg").read().split()[:3]
    results.append(("machine load average at the end", " ".join(load) + " (1, 5, 15 min; 2 cores)"))
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
    version = s.query("SHOW server_version")[0]
    print("\nescalation engine benchmark: %d open items, PostgreSQL %s, %d CPUs (%s)\n" % (ITEMS, version, os.cpu_count(), cpu))
    width = max(len(k) for k, _ in results)
    for k, v in results:
        print("  %-*s  %s" % (width, k, v))
    print()


main()
