#!/usr/bin/env python3
"""64_worker_operations.py — what an operator of escalation-worker relies on:
/healthz and /metrics report the engine (503 while the last escalation.run()
failed, or while a stage waits unraised past --engine-stale with no recent
success; 200 again once a run succeeds); a role that sees only a district,
or nothing, stops the worker with status 78 unless --allow-partial-scope,
which serves it with a warning; the conninfo comes from --conninfo-file or
ESCALATION_WORKER_CONNINFO and a password never shows in ps or the log;
log lines carry syslog priorities when standard error is the journal.
Runs in a database and with login roles of its own, dropped at the end."""
import json
import os
import re
import subprocess
import time

from escalation_test import OUT, TOP, WORKER, Cluster, Worker, ok, run_tests

DB = ROLE = "escalation_worker_ops"
DISTRICT_ROLE = "escalation_worker_ops_district"
NOBODY = "escalation_worker_ops_nobody"
SECRET = "Sekret-pw-6142"
CHECK = Cluster.of_check()


def psql(sql):
    return CHECK.value(sql, DB)


def start_worker(log_name, args, env=None, journal=False):
    """escalation-worker started with exactly these arguments, in the cluster's
    environment plus env; journal: its standard error is "the journal"."""
    e = CHECK.env(**(env or {}))
    e.pop("JOURNAL_STREAM", None)
    if journal:
        # Worker reopens the file with "w": the same inode, which JOURNAL_STREAM names.
        path = os.path.join(OUT, log_name)
        open(path, "w").close()
        st = os.stat(path)
        e["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
    return Worker(log_name, CHECK, None, None, *args, env=e)


def cmdline(w):
    with open("/proc/%d/cmdline" % w.proc.pid, "rb") as f:
        return f.read().decode("utf-8", "replace")


def exit_status(w, timeout=15):
    """The worker's exit status once it stops by itself, None if it runs on."""
    try:
        return w.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        return None


def health(w):
    status, _, body = w.get("/healthz")
    return status, json.loads(body)


def wait_health(w, pred, timeout=10):
    """Wait until pred(status, json) holds; the last (status, json)."""
    deadline = time.monotonic() + timeout
    while True:
        got = health(w)
        try:
            if pred(*got):
                return got
        except (KeyError, TypeError):
            pass
        if time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def add_hazard():
    psql("""INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck)
            SELECT u.id, d.id, now() - interval '3 hours', 'suspected_major', true
              FROM escalation.unit u, escalation.department d""")


def main():
    CHECK.new_database(DB, extension=True)
    CHECK.new_screen_role(ROLE)
    CHECK.new_screen_role(DISTRICT_ROLE)
    CHECK.new_role(NOBODY)
    psql("""INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区')
            ON CONFLICT (code) DO NOTHING;
            INSERT INTO escalation.department (name, level, region) VALUES ('历下区应急管理局', 'district', '370102');
            INSERT INTO escalation.unit (name, region, supervision_level) VALUES ('济南泉城化工有限公司', '370102001', 'district');
            INSERT INTO escalation.user_region (role_name, region) VALUES ('%s', '370102');
            ALTER ROLE %s PASSWORD '%s';""" % (DISTRICT_ROLE, ROLE, SECRET))
    add_hazard()
    conninfo = "dbname=%s user=%s" % (DB, ROLE)
    # Engine health. A stage due two hours ago and no run ever: stale.
    w = start_worker("64_worker_operations.engine.log", ["--poll-interval", "1", "--engine-stale", "60", conninfo])
    status, h = wait_health(w, lambda s, h: h.get("in_step") and h["engine"]["state"] != "unknown")
    ok(status == 503 and h["reason"] == "engine_stale" and h["engine"]["due_stages"] >= 1
       and h["engine"]["oldest_due_age_seconds"] > 3600 and h["engine"]["last_success_age_seconds"] is None,
       "a stage due two hours ago and no run: /healthz answers 503, reason engine_stale, with the overdue age", (status, h))
    ok(w.metric("escalation_engine_oldest_due_age_seconds") > 3600 and w.metric("escalation_engine_due_stages") >= 1
       and w.metric("escalation_engine_last_success_age_seconds") == -1,
       "/metrics shows the oldest due-but-unraised stage's age and the count")
    ok("engine: 1 stages are due but not raised" in w.log_text(), "the log says the engine is stale")

    ok(int(psql("SELECT escalation.run()")) == 1, "a run raises the overdue stage")
    status, h = wait_health(w, lambda s, h: s == 200)
    ok(status == 200 and h["engine"]["state"] == "ok" and h["engine"]["oldest_due_age_seconds"] is None
       and h["engine"]["last_success_age_seconds"] < 30,
       "after a successful run /healthz answers 200 and shows the last success", (status, h))
    ok(w.metric("escalation_engine_last_run_failed") == 0 and w.metric("escalation_engine_oldest_due_age_seconds") == 0,
       "/metrics: last run did not fail, nothing overdue")

    # A run that fails (a check violation, SQLSTATE 23514) while its caller sees no error.
    psql("ALTER TABLE escalation.warning ADD CONSTRAINT ops_test_refuses CHECK (stage < 0) NOT VALID")
    add_hazard()
    out = psql("SELECT coalesce(escalation.run()::text, 'null')")
    ok(out == "null" and psql("SELECT status || ' ' || sqlstate FROM escalation.run_log ORDER BY run_id DESC LIMIT 1")
       == "failed 23514", "a run fails with SQLSTATE 23514 and run() returns NULL, as under pg_cron")
    status, h = wait_health(w, lambda s, h: s == 503)
    ok(status == 503 and h["reason"] == "engine_failed" and h["engine"]["last_failure_sqlstate"] == "23514",
       "/healthz answers 503, reason engine_failed, with the SQLSTATE", (status, h))
    ok("ops_test_refuses" not in w.get("/healthz")[2] and "ops_test_refuses" in w.log_text(),
       "the failure's message is in the log, not in the unauthenticated /healthz")
    ok(w.metric("escalation_engine_last_run_failed") == 1 and 0 <= w.metric("escalation_engine_last_failure_age_seconds") < 30,
       "/metrics: the last run failed, and when")

    lenient = start_worker("64_worker_operations.ignore.log", ["--poll-interval", "1", "--ignore-engine", conninfo])
    status, h = wait_health(lenient, lambda s, h: h["engine"]["state"] != "unknown")
    ok(status == 200 and h["engine"]["state"] == "engine_failed",
       "with --ignore-engine /healthz answers 200 and still shows the engine failed", (status, h))

    psql("ALTER TABLE escalation.warning DROP CONSTRAINT ops_test_refuses")
    ok(int(psql("SELECT escalation.run()")) == 1, "the next run succeeds")
    status, h = wait_health(w, lambda s, h: s == 200)
    ok(status == 200 and "engine: healthy again" in w.log_text(), "/healthz answers 200 again and the log says so")

    # The role's scope.
    d = start_worker("64_worker_operations.district.log", ["dbname=%s user=%s" % (DB, DISTRICT_ROLE)])
    code = exit_status(d)
    ok(code == 78 and "sees only region 370102" in d.log_text(),
       "a district-mapped role stops the worker with status 78 and says why", (code, d.log_text()[-600:]))
    n = start_worker("64_worker_operations.nobody.log", ["dbname=%s user=%s" % (DB, NOBODY)])
    code = exit_status(n)
    ok(code == 78 and "sees no warnings" in n.log_text(), "a role outside escalation_screen stops the worker with status 78",
       (code, n.log_text()[-600:]))
    p = start_worker("64_worker_operations.partial.log", ["--allow-partial-scope", "dbname=%s user=%s" % (DB, DISTRICT_ROLE)])
    ok(p.healthy_within(10) and health(p)[1]["scope"] == "370102" and p.metric("escalation_worker_scope_whole_city") == 0
       and re.search(r"warning: role .* sees only region 370102", p.log_text()),
       "with --allow-partial-scope it serves, with a warning, scope 370102 in /healthz and /metrics")
    ok(health(w)[1]["scope"] == "city" and w.metric("escalation_worker_scope_whole_city") == 1,
       "a screen role's scope is the city")

    # Secrets.
    arg = start_worker("64_worker_operations.argv.log", ["%s password=%s" % (conninfo, SECRET)])
    ok(arg.healthy_within(10) and SECRET not in cmdline(arg) and SECRET not in arg.log_text()
       and "holds a password" in arg.log_text(),
       "a password on the command line is hidden from ps, kept out of the log, and warned about")
    path = os.path.join(OUT, "64_worker_operations.conninfo")
    with open(path, "w") as f:
        f.write("%s password=%s\n" % (conninfo, SECRET))
    os.chmod(path, 0o600)
    fw = start_worker("64_worker_operations.file.log", ["--conninfo-file", path])
    ok(fw.healthy_within(10) and SECRET not in cmdline(fw) and SECRET not in fw.log_text()
       and "connection from --conninfo-file" in fw.log_text() and "may be read by others" not in fw.log_text(),
       "--conninfo-file connects; no password in ps or the log")
    os.chmod(path, 0o644)
    loose = start_worker("64_worker_operations.file644.log", ["--conninfo-file", path])
    ok(loose.healthy_within(10) and "may be read by others than its owner (mode 0644)" in loose.log_text(),
       "a conninfo file others may read is warned about")
    os.unlink(path)
    ew = start_worker("64_worker_operations.env.log", [], env={"ESCALATION_WORKER_CONNINFO": "%s password=%s" % (conninfo, SECRET)})
    ok(ew.healthy_within(10) and SECRET not in cmdline(ew) and "connection from ESCALATION_WORKER_CONNINFO" in ew.log_text(),
       "ESCALATION_WORKER_CONNINFO connects; no password in ps")

    # The systemd unit: valid, credentials instead of a conninfo on the command line.
    unit = open(os.path.join(TOP, "worker", "escalation-worker.service")).read()
    exec_start = [l for l in unit.splitlines() if l.startswith("ExecStart=")]
    ok(len(exec_start) == 1 and "--conninfo-file=%d/conninfo" in exec_start[0] and "CONNINFO" not in exec_start[0]
       and re.search(r"^LoadCredential=conninfo:", unit, re.M) and re.search(r"^RestartPreventExitStatus=78$", unit, re.M),
       "the unit hands the conninfo over as a credential (LoadCredential=), not on the command line, and does not restart on status 78")
    analyze = subprocess.run(["which", "systemd-analyze"], capture_output=True).returncode == 0
    if analyze:
        udir = os.path.join(OUT, "64_unit")
        os.makedirs(udir, exist_ok=True)
        good = os.path.join(udir, "escalation-worker.service")
        with open(good, "w") as f:
            f.write(unit.replace("@bindir@", os.path.dirname(WORKER)))
        bad = os.path.join(udir, "escalation-worker-typo.service")
        with open(bad, "w") as f:
            f.write(unit.replace("@bindir@", os.path.dirname(WORKER)).replace("LoadCredential=", "LoadCredentail="))
        r = subprocess.run(["systemd-analyze", "verify", good], capture_output=True, text=True)
        rb = subprocess.run(["systemd-analyze", "verify", bad], capture_output=True, text=True)
        ok(r.returncode == 0 and (r.stdout + r.stderr).strip() == "" and "LoadCredentail" in rb.stdout + rb.stderr,
           "systemd-analyze verify accepts the unit without a word (and does flag a misspelt key)", r.stdout + r.stderr)
    else:
        ok(True, "systemd-analyze verify accepts the unit # SKIP systemd-analyze is not installed")

    # Syslog priorities on the journal's stream only.
    j = start_worker("64_worker_operations.journal.log", ["--allow-partial-scope", "dbname=%s user=%s" % (DB, DISTRICT_ROLE)],
                     journal=True)
    j.healthy_within(10)
    lines = j.log_text().splitlines()
    ok(lines and all(re.match(r"<[3467]>(debug|info|warning|error): ", l) for l in lines)
       and any(l.startswith("<6>info: ") for l in lines) and any(l.startswith("<4>warning: ") for l in lines)
       and any(l.startswith("<7>debug: ") for l in lines),
       "with standard error on the journal every line starts with its syslog priority", "\n".join(lines[:5]))
    plain = open(w.log_path).read().splitlines()
    ok(plain and not any(l.startswith("<") for l in plain), "on a plain file lines carry no priority prefix")


run_tests(main)
