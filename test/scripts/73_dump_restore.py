#!/usr/bin/env python3
"""73_dump_restore.py — pg_dump (custom format) and pg_restore of a database
with data in every table of the extension, and pg_cron scheduling the
engine: restored on a new server, every table of the extension has every
row (count and md5 of the ordered rows), every sequence its position, the
pg_cron job is back, and the extension works there as in the original (the
same run raises the same warnings with the same ids, the screens' view is the
same, an acknowledgement gets the same event id). pg_cron lives only in
cron.database_name, so a restore into a database of another name leaves the
pg_cron entries out with a restore list (pg_restore -l / -L): shown to fail
without it and to work with it, the extension's data intact and schedule()
saying clearly where pg_cron is. A city's own tables, set up as the README
shows (follow_unit_region / follow_department_region and
enable_region_security), keep their registrations: after the restore they
still follow a unit's and a department's move, and keep their policies.
Runs on two private clusters, removed at the end."""
import datetime
import os
import re
import subprocess

from escalation_test import (BACKLOG_T0, Cluster, diag, figure, load_backlog, load_dataset, ok, run_tests,
                             table_digests, timed)

DB = "escalation"                 # cron.database_name of the clusters
COPY = "escalation_copy"          # a database of another name on the same server
ITEMS = 2000
LATER = "'%s'::timestamptz + interval '21 days'" % BACKLOG_T0

# A city's own tables whose rows belong to a unit and to a department, set up
# the way the README tells a city to.
CITY_TABLES_SQL = """
CREATE TABLE public.city_site_check (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id bigint NOT NULL REFERENCES escalation.unit (id),
    note text,
    region escalation.region NOT NULL);
CREATE INDEX city_site_check_region_idx ON public.city_site_check (region);
SELECT escalation.follow_unit_region('public.city_site_check');
SELECT escalation.enable_region_security('public.city_site_check');
INSERT INTO public.city_site_check (unit_id, note) SELECT id, '燃气管道巡查' FROM escalation.unit ORDER BY id LIMIT 20;
CREATE TABLE public.city_roster (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    department_id bigint NOT NULL REFERENCES escalation.department (id),
    on_duty date NOT NULL,
    region escalation.region NOT NULL);
CREATE INDEX city_roster_region_idx ON public.city_roster (region);
SELECT escalation.follow_department_region('public.city_roster');
SELECT escalation.enable_region_security('public.city_roster');
INSERT INTO public.city_roster (department_id, on_duty) SELECT id, date '2026-01-10' FROM escalation.department;
"""


def registrations(c, db):
    """The city's own tables registered to follow a unit's or a department's region, and their policies."""
    return c.value("SELECT concat_ws(' ', (SELECT string_agg('public.' || c.relname, ',' ORDER BY c.relname) "
                   "FROM escalation.unit_region_follower f JOIN pg_class c ON c.oid = f.tbl "
                   "WHERE c.relnamespace = 'public'::regnamespace), "
                   "(SELECT string_agg('public.' || c.relname || ':' || f.via, ',' ORDER BY c.relname) "
                   "FROM escalation.department_region_follower f JOIN pg_class c ON c.oid = f.tbl "
                   "WHERE c.relnamespace = 'public'::regnamespace), "
                   "(SELECT string_agg(tablename || '.' || policyname, ',' ORDER BY tablename, policyname) "
                   "FROM pg_policies WHERE schemaname = 'public'))", db)


def city_tables_follow(c, db, where):
    """Move a unit and a department; the city's own rows move with them."""
    unit, street = c.value("SELECT unit_id || ' ' || CASE WHEN region::text = '370104001' THEN '370105001' "
                           "ELSE '370104001' END FROM public.city_site_check ORDER BY id LIMIT 1", db).split()
    c.psql("UPDATE escalation.unit SET region = '%s' WHERE id = %s" % (street, unit), db)
    moved = c.value("SELECT string_agg(DISTINCT region::text, ',') FROM public.city_site_check "
                    "WHERE unit_id = %s" % unit, db)
    ok(moved == street, "%s: a city's own table (follow_unit_region) follows a unit's move to %s" % (where, street),
       moved)
    c.psql("UPDATE escalation.department SET region = '370112' WHERE id = 2", db)
    moved = c.value("SELECT string_agg(DISTINCT region::text, ',') FROM public.city_roster WHERE department_id = 2",
                    db)
    ok(moved == "370112", "%s: a city's own table (follow_department_region) follows a department's move" % where,
       moved)


def tables(c, db):
    """Every table of the extension's schema, and which of them pg_dump dumps (configuration tables)."""
    rows = c.value("SELECT format('%I.%I', n.nspname, c.relname) || ' ' || (c.oid = ANY (e.extconfig)) "
                   "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, pg_extension e "
                   "WHERE e.extname = 'escalation' AND n.nspname = 'escalation' AND c.relkind = 'r' "
                   "ORDER BY 1", db)
    return [(r.split()[0], r.split()[1] == "true") for r in rows.splitlines()]


def contents(c, db):
    """Everything that must survive: each table's rows, each sequence's position, the pg_cron jobs."""
    out = table_digests(c, db, [t for t, _ in tables(c, db)])
    sequences = c.value("SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences "
                        "WHERE schemaname = 'escalation' ORDER BY 1", db).splitlines()
    positions = c.value(" UNION ALL ".join("SELECT '%s ' || last_value || ' ' || is_called FROM %s" % (q, q)
                                           for q in sequences), db)
    out.update((row.split(" ", 1)[0], row.split(" ", 1)[1]) for row in positions.splitlines())
    return out


def cron_jobs(c, db):
    return c.value("SELECT string_agg(concat_ws(' | ', jobname, schedule, command, database, username, active), "
                   "E'\\n' ORDER BY jobname) FROM cron.job", db)


def mismatches(a, b):
    return ["%s: %s != %s" % (k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def after_the_same_work(c, db):
    """Run the engine and acknowledge a warning; what came of it."""
    raised = c.value("SELECT escalation.run(%s)" % LATER, db)
    ack = c.value("SELECT escalation.acknowledge(max(id), '复原后签收') FROM escalation.warning "
                  "WHERE resolved_at IS NULL", db)
    # A run numbers its events in the order it meets the items, which follows
    # the tables' physical order, and a restore rewrites that: the same
    # warnings may get their numbers in another order. So warnings are compared
    # without their numbers, and the numbers as a set.
    warnings = lines(c, db, "SELECT concat_ws('|', kind, subject_id, started_at, stage, screen_region, action, "
                            "due_at, resolved_at, resolved_reason, resolved_seq IS NULL, acknowledged_at IS NULL) "
                            "FROM escalation.warning")
    events = lines(c, db, "SELECT id FROM escalation.warning UNION ALL SELECT resolved_seq FROM escalation.warning "
                          "WHERE resolved_seq IS NOT NULL UNION ALL SELECT ack_seq FROM escalation.warning "
                          "WHERE ack_seq IS NOT NULL")
    screen = lines(c, db, "SELECT concat_ws('|', kind, subject_id, stage, screen, screen_region, "
                          "district, unit_name, street_name, kind_label, action_label, due_at, "
                          "acknowledged_at IS NULL) FROM escalation.screen_warning")
    return {"raised": raised, "ack": ack, "warnings": warnings, "events": events, "screen": screen}


def lines(c, db, query):
    """The rows of a one-column query, as a sorted list."""
    return sorted(c.value("SET timezone = 'Asia/Shanghai'; " + query, db).splitlines())


def set_difference(a, b):
    """A few rows only in a and only in b."""
    return "\n".join(["- " + x for x in sorted(set(a) - set(b))[:8]] + ["+ " + x for x in sorted(set(b) - set(a))[:8]])


def works_the_same(original, copy, where):
    """The same work in a restored copy as in the original."""
    ok(copy["raised"] == original["raised"] and int(original["raised"]) > 0,
       "%s: the same run raises as many warnings as in the original (%s)" % (where, original["raised"]),
       (copy["raised"], original["raised"]))
    ok(copy["warnings"] == original["warnings"],
       "%s: every warning (item, stage, screen, action, due, resolution) is the same as in the original (%d)"
       % (where, len(original["warnings"])), set_difference(original["warnings"], copy["warnings"]))
    ok(copy["events"] == original["events"],
       "%s: the event numbers continue where the original's do: the same %d numbers"
       % (where, len(original["events"])), set_difference(original["events"], copy["events"]))
    ok(copy["screen"] == original["screen"],
       "%s: the screens' view of active warnings is the same (%d rows)" % (where, len(original["screen"])),
       set_difference(original["screen"], copy["screen"]))
    ok(copy["ack"] == original["ack"] and original["ack"].isdigit(),
       "%s: an acknowledgement gets the same event id (%s)" % (where, original["ack"]), (copy["ack"], original["ack"]))


def main():
    a = Cluster.create("dump")
    a.psql("CREATE DATABASE %s" % DB)
    a.psql("CREATE EXTENSION pg_cron", DB)
    a.psql("CREATE EXTENSION escalation", DB)
    load_backlog(a, DB, ITEMS)
    load_dataset(a, DB)
    a.psql(CITY_TABLES_SQL, DB)
    # A daily schedule twelve hours away: it cannot fire while the test runs.
    hour = (datetime.datetime.now(datetime.timezone.utc).hour + 12) % 24
    a.psql("SELECT escalation.schedule('17 %d * * *')" % hour, DB)

    everything = tables(a, DB)
    original = contents(a, DB)
    empty = [t for t, dumped in everything if dumped and original[t][0] == 0]
    ok(not empty, "the original has rows in every table pg_dump keeps (%d tables)"
       % len([t for t, d in everything if d]), empty)
    original_cron = cron_jobs(a, DB)
    figure("rows in the extension's tables", sum(v[0] for k, v in original.items() if isinstance(v, tuple)))

    work = a.dir
    dump, roles = os.path.join(work, "escalation.dump"), os.path.join(work, "roles.sql")
    r, dump_s = timed(subprocess.run, ["pg_dump", "-Fc", "-f", dump, "-d", DB],
                      capture_output=True, text=True, env=a.env())
    ok(r.returncode == 0, "pg_dump -Fc of the database succeeds", r.stderr)
    subprocess.run(["pg_dumpall", "--roles-only", "-f", roles], check=True, env=a.env())
    figure("pg_dump -Fc", "%.1f s, %d kB" % (dump_s, os.path.getsize(dump) // 1024))

    # A new server, pg_cron for a database of the same name: the whole dump restores.
    b = Cluster.create("restore")
    r = subprocess.run(["psql", "-qX", "-d", "postgres", "-f", roles], capture_output=True, text=True, env=b.env())
    ok(r.returncode == 0 and "rel73_city" in b.value("SELECT string_agg(rolname, ' ') FROM pg_roles"),
       "the original's roles are created on the new server first (pg_dumpall --roles-only)", r.stderr)
    b.psql("CREATE DATABASE %s" % DB)
    r, restore_s = timed(subprocess.run, ["pg_restore", "--exit-on-error", "-d", DB, dump],
                         capture_output=True, text=True, env=b.env())
    ok(r.returncode == 0, "pg_restore into a new server (its roles restored first) succeeds", r.stderr)
    figure("pg_restore", "%.1f" % restore_s, "s")
    restored = contents(b, DB)
    diff = mismatches(original, restored)
    ok(not diff, "every table of the extension has every row, every sequence its position (%d tables, %d sequences)"
       % (len(everything), len(original) - len(everything)), "\n".join(diff))
    ok(cron_jobs(b, DB) == original_cron and "escalation.run()" in original_cron,
       "the pg_cron job that runs the engine is back", cron_jobs(b, DB))
    city = registrations(a, DB)
    ok(registrations(b, DB) == city and "public.city_site_check" in city and "public.city_roster:department_id" in city
       and "city_site_check.region_user" in city,
       "a city's own tables keep their registrations and policies (%s)" % city, registrations(b, DB))
    reference = after_the_same_work(a, DB)
    works_the_same(reference, after_the_same_work(b, DB), "new server")
    city_tables_follow(b, DB, "new server")

    # The same server, a database of another name: pg_cron cannot be created there.
    a.psql("CREATE DATABASE %s" % COPY)
    r = subprocess.run(["pg_restore", "--exit-on-error", "-d", COPY, dump], capture_output=True, text=True,
                       env=a.env())
    ok(r.returncode != 0 and "pg_cron" in r.stderr,
       "another database name: a plain pg_restore stops at pg_cron, which lives only in cron.database_name",
       r.stderr[-500:])
    a.psql("DROP DATABASE %s" % COPY)
    a.psql("CREATE DATABASE %s" % COPY)
    toc = subprocess.run(["pg_restore", "-l", dump], capture_output=True, text=True, check=True).stdout
    kept = [l for l in toc.splitlines() if not re.search(r" EXTENSION (- )?pg_cron\b| cron ", l)]
    left_out = [l for l in toc.splitlines() if l not in kept]
    listing = os.path.join(work, "restore.list")
    with open(listing, "w") as f:
        f.write("\n".join(kept) + "\n")
    diag("left out of the restore list:\n" + "\n".join(left_out))
    r = subprocess.run(["pg_restore", "--exit-on-error", "-L", listing, "-d", COPY, dump], capture_output=True,
                       text=True, env=a.env())
    ok(r.returncode == 0 and left_out, "with a restore list that leaves out pg_cron (%d entries) it succeeds"
       % len(left_out), r.stderr)
    copied = contents(a, COPY)
    diff = mismatches(original, copied)
    ok(not diff, "every table of the extension has every row, every sequence its position", "\n".join(diff[:10]))
    r = a.psql("SELECT escalation.schedule()", COPY, check=False)
    ok(r.returncode != 0 and 'pg_cron is not installed in database "%s"' % COPY in r.stderr
       and "cron.schedule_in_database" in r.stderr,
       "schedule() there says pg_cron is elsewhere and how to schedule from there", r.stderr)
    works_the_same(reference, after_the_same_work(a, COPY), "another database")
    ok(registrations(a, COPY) == city, "another database: a city's own tables keep their registrations",
       registrations(a, COPY))


run_tests(main)
