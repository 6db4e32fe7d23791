#!/usr/bin/env python3
"""67_bi_clients.py — BI tools reach escalation over TCP with a password, on the
drivers Debian ships: ODBC (psqlODBC, driven by unixODBC's isql) and JDBC
(libpostgresql-jdbc-java, driven by test/bi/BiClient.java, compiled here with
javac). The setup of docs/BI.md is applied: the database's search_path
holds schema escalation, and a read-only analyst login has a password.

Without that setup the region operators are not found (the reason for it).
With it, over ODBC: a literal region filter, a join of two region columns,
containment, min and max, and comparison with text and varchar, the codes
arriving as strings; a wrong password is refused. Over JDBC: the columns'
metadata (type name, Types.OTHER, the Chinese comment), a region and a
credit-code filter bound with setString (JDBC binds varchar; a credit code
in lower case), containment with a bound value in both positions, min and
max, getString giving the code and getObject a PGobject; a bound filter
still uses the region index; an invalid bound code is the type's error
naming it. Runs on a private cluster listening on 127.0.0.1, removed at the end."""
import os
import shutil
import subprocess
import tempfile

from escalation_test import TOP, Cluster, at_exit, figure, ok, run_tests, timed

JDBC_JAR = "/usr/share/java/postgresql.jar"
ODBC_DRIVER = "PostgreSQL Unicode"
LOGIN, PASSWORD = "bi_reader", "bi-test-Pa55"
# The setup docs/BI.md gives for every database of the extension.
SETUP = 'ALTER DATABASE escalation SET search_path = "$user", public, escalation;'

# Units over two districts of Jinan and their streets, with credit codes
# registered there; the divisions table names the districts.
DATA = """
INSERT INTO escalation.division VALUES ('370100', '济南市'), ('370102', '历下区'), ('370103', '市中区')
	ON CONFLICT DO NOTHING;
INSERT INTO escalation.unit (name, region, supervision_level, uscc)
SELECT '单位' || i, r, coalesce(escalation.region_level(r), 'district'),
	   escalation.uscc_complete('91' || left(r::text, 6) || 'MA3C' || lpad(i::text, 5, '0'))
FROM generate_series(1, 5000) i,
	 LATERAL (SELECT (CASE i % 2 WHEN 0 THEN '370102' ELSE '370103' END ||
					  CASE WHEN i % 10 = 0 THEN '' ELSE lpad((1 + i % 7)::text, 3, '0') END)::escalation.region AS r) g;
ANALYZE escalation.unit;
"""


def isql(odbcini, statements):
    """Run statements through isql as the BI login; {marker: output lines} (errors included)."""
    script = "".join("echo @@%s\n%s\n" % (name, sql) for name, sql in statements)
    r = subprocess.run(["isql", "-v", "-b", "-x0x09", "escalation_bi", LOGIN, PASSWORD], input=script,
                       capture_output=True, text=True, env=dict(os.environ, ODBCINI=odbcini), timeout=120)
    out, name = {}, None
    for line in (r.stdout + r.stderr).splitlines():
        if line.startswith("@@"):
            name = line[2:]
            out[name] = []
        elif name is not None:
            out[name].append(line)
    return r.returncode, out


def jdbc(classes, url, commands):
    """Run BiClient's commands as the BI login; one list of lines per command."""
    r = subprocess.run(["java", "-cp", "%s:%s" % (JDBC_JAR, classes), "BiClient", url, LOGIN, PASSWORD],
                       input="".join("\t".join(c) + "\n" for c in commands), capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        raise RuntimeError("BiClient failed:\n" + r.stdout + r.stderr)
    answers, current = [], []
    for line in r.stdout.splitlines():
        if line == "end":
            answers.append(current)
            current = []
        else:
            current.append(line.split("\t"))
    return answers


def main():
    c = Cluster.create("bi", "listen_addresses = '127.0.0.1'")
    # TCP logins need their password (scram); the socket stays as ./check has it.
    hba = os.path.join(c.data, "pg_hba.conf")
    with open(hba) as f:
        rules = f.read()
    with open(hba, "w") as f:
        f.write("host all all 127.0.0.1/32 scram-sha-256\n" + rules)
    c.psql("SELECT pg_reload_conf()")

    for db in ("escalation", "escalation_plain"):
        c.new_database(db, extension=True)
        c.psql(DATA, db)
    with open(os.path.join(TOP, "docs", "BI.md")) as f:
        ok(SETUP in f.read(), "docs/BI.md gives the search_path setup this test applies")
    c.psql(SETUP, "escalation")
    c.new_role(LOGIN, "PASSWORD '%s' IN ROLE escalation_analyst" % PASSWORD)

    def truth(sql):
        return c.value("SET search_path = public, escalation; " + sql, "escalation")

    work = tempfile.mkdtemp(prefix="escalation-bi.")
    at_exit(shutil.rmtree, work, True)
    odbcini = os.path.join(work, "odbc.ini")
    with open(odbcini, "w") as f:
        f.write("[escalation_bi]\nDriver = %s\nServername = 127.0.0.1\nPort = %d\nDatabase = escalation\n\n"
                "[escalation_plain]\nDriver = %s\nServername = 127.0.0.1\nPort = %d\nDatabase = escalation_plain\n"
                % (ODBC_DRIVER, c.port, ODBC_DRIVER, c.port))

    # ODBC.
    district_units = truth("SELECT count(*) FROM unit WHERE region_district(region) = '370102'")
    street_units = truth("SELECT count(*) FROM unit WHERE region = '370102001'")
    district_itself = truth("SELECT count(*) FROM unit WHERE region = '370102'")
    # Without min and max: the reference must not depend on what is tested.
    extremes = truth("SELECT concat_ws(E'\\t', (SELECT region FROM unit ORDER BY region LIMIT 1), "
                     "(SELECT region FROM unit ORDER BY region DESC LIMIT 1), "
                     "(SELECT uscc FROM unit WHERE uscc IS NOT NULL ORDER BY uscc LIMIT 1), "
                     "(SELECT uscc FROM unit ORDER BY uscc DESC NULLS LAST LIMIT 1))")
    first_rows = truth("SELECT string_agg(concat_ws(E'\\t', region, uscc, name), E'\\n' ORDER BY id) FROM "
                       "(SELECT * FROM unit WHERE region = '370102001' ORDER BY id LIMIT 3) u").splitlines()
    some_code = first_rows[0].split("\t")[1]

    r = subprocess.run(["isql", "-v", "-b", "-x0x09", "escalation_plain", LOGIN, PASSWORD],
                       input="SELECT count(*) FROM escalation.unit WHERE region = '370102'\n",
                       capture_output=True, text=True, env=dict(os.environ, ODBCINI=odbcini), timeout=120)
    ok("operator does not exist: escalation.region = unknown" in r.stdout + r.stderr,
       "without the setup, a region filter fails over ODBC: the operators live in schema escalation",
       r.stdout + r.stderr)

    (rc, out), seconds = timed(isql, odbcini, [
        ("rows", "SELECT region, uscc, name FROM escalation.unit WHERE region = '370102001' ORDER BY id LIMIT 3"),
        ("join", "SELECT count(*) FROM escalation.division d JOIN escalation.unit h ON d.code = h.region "
                 "WHERE d.code = '370102'"),
        ("within", "SELECT count(*) FROM escalation.unit WHERE region <@ '370102'"),
        ("extremes", "SELECT min(region), max(region), min(uscc), max(uscc) FROM escalation.unit"),
        ("text", "SELECT count(*) FROM escalation.unit WHERE region = '370102001'::text"),
        ("varchar", "SELECT count(*) FROM escalation.unit WHERE CAST('370102001' AS varchar(9)) = region"),
        ("within_text", "SELECT count(*) FROM escalation.unit WHERE region <@ CAST('370102' AS varchar)"),
        ("uscc_text", "SELECT uscc FROM escalation.unit WHERE uscc = lower('%s')" % some_code),
        ("bad", "SELECT count(*) FROM escalation.unit WHERE region = 'Lixia'::text"),
    ])
    figure("isql session of 9 statements", "%.2f" % seconds, "s")
    ok(rc == 0 and out.get("rows") == first_rows,
       "ODBC: a literal region filter gives the rows, region and credit code as their codes", out.get("rows"))
    ok(out.get("join") == [district_itself], "ODBC: a join of a region column to a region column", out.get("join"))
    ok(out.get("within") == [district_units], "ODBC: region <@ a literal code", out.get("within"))
    ok(out.get("extremes") == [extremes], "ODBC: min and max of regions and credit codes", out.get("extremes"))
    ok(out.get("text") == [street_units] and out.get("varchar") == [street_units],
       "ODBC: region = text and varchar = region", [out.get("text"), out.get("varchar")])
    ok(out.get("within_text") == [district_units], "ODBC: region <@ varchar", out.get("within_text"))
    ok(out.get("uscc_text") == [some_code], "ODBC: credit code = text in lower case, read back upper case", out.get("uscc_text"))
    ok(any('invalid region code: "Lixia"' in line for line in out.get("bad", [])),
       "ODBC: an invalid code in text is the region type's error naming it", out.get("bad"))
    r = subprocess.run(["isql", "-v", "-b", "escalation_bi", LOGIN, "wrong"], input="SELECT 1\n",
                       capture_output=True, text=True, env=dict(os.environ, ODBCINI=odbcini), timeout=120)
    ok(r.returncode != 0 and "password authentication failed" in r.stdout + r.stderr,
       "ODBC: a wrong password is refused over TCP", r.stdout + r.stderr)

    # JDBC.
    classes = os.path.join(work, "classes")
    _, seconds = timed(subprocess.run, ["javac", "-d", classes, "-cp", JDBC_JAR,
                                        os.path.join(TOP, "test", "bi", "BiClient.java")], check=True)
    figure("javac BiClient", "%.2f" % seconds, "s")
    url = "jdbc:postgresql://127.0.0.1:%d/escalation" % c.port
    answers, seconds = timed(jdbc, classes, url, [
        ("columns", "escalation", "unit"),
        ("query", "SELECT region, uscc, name FROM escalation.unit WHERE region = ? ORDER BY id LIMIT 3", "370102001"),
        ("query", "SELECT uscc, region FROM escalation.unit WHERE uscc = ?", some_code.lower()),
        ("query", "SELECT count(*) FROM escalation.unit WHERE region <@ ?", "370102"),
        ("query", "SELECT count(*) FROM escalation.unit WHERE ? @> region AND region <> ?", "370102", "370102"),
        ("query", "SELECT min(region), max(region), min(uscc), max(uscc) FROM escalation.unit"),
        ("query", "EXPLAIN SELECT id FROM escalation.unit WHERE region = ?", "370102001"),
        ("query", "SELECT count(*) FROM escalation.unit WHERE region = ?", "Lixia"),
    ])
    figure("JDBC session of 8 commands", "%.2f" % seconds, "s")
    meta, rows, by_uscc, within, contains, minmax, plan, bad = answers
    cols = {line[1]: line[2:] for line in meta if line[0] == "column"}
    region_comment = truth("SELECT col_description(attrelid, attnum) FROM pg_attribute "
                           "WHERE attrelid = 'unit'::regclass AND attname = 'region'")
    ok(cols.get("region") == ["1111", "region", region_comment] and cols.get("uscc", [None])[:2] == ["1111", "uscc"]
       and "统一社会信用代码" in cols["uscc"][2],
       "JDBC metadata: region and uscc columns are Types.OTHER named region and uscc, with their Chinese comments",
       meta)
    expect_cols = ["columns", "region:region:1111:java.lang.String", "uscc:uscc:1111:java.lang.String",
                   "name:text:12:java.lang.String"]
    expect_rows = [["row"] + ["%s:%s" % (v, "java.lang.String" if i == 2 else "org.postgresql.util.PGobject")
                              for i, v in enumerate(line.split("\t"))] for line in first_rows]
    ok(rows == [expect_cols] + expect_rows,
       "JDBC: a region filter bound with setString gives the rows; getString is the code, getObject a PGobject",
       rows)
    ok(by_uscc[1:] == [["row", "%s:org.postgresql.util.PGobject" % some_code,
                        "370102001:org.postgresql.util.PGobject"]],
       "JDBC: a credit-code filter bound with setString in lower case finds the unit", by_uscc)
    ok(within[1:] == [["row", "%s:java.lang.Long" % district_units]],
       "JDBC: region <@ a bound code", within)
    ok(contains[1:] == [["row", "%d:java.lang.Long" % (int(district_units) - int(district_itself))]],
       "JDBC: a bound code @> region, and region <> a bound code", contains)
    ok(minmax[1:] == [["row"] + ["%s:org.postgresql.util.PGobject" % v for v in extremes.split("\t")]],
       "JDBC: min and max of regions and credit codes", minmax)
    plan_text = "\n".join(line[1] for line in plan[1:])
    ok("unit_region_idx" in plan_text and "(region = '370102001'::region)" in plan_text,
       "JDBC: a region filter bound with setString uses the region index", plan_text)
    ok(len(bad) == 1 and bad[0][0].startswith('error 22P02 ERROR: invalid region code: "Lixia"'),
       "JDBC: an invalid bound code is the region type's error naming it", bad)


run_tests(main)
