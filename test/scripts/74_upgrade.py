#!/usr/bin/env python3
"""74_upgrade.py — the released versions and ALTER EXTENSION escalation UPDATE.

The tree: escalation.control's default_version is the Makefile's EXTVERSION;
the built install script is current (the parts in name order); every script
in sql/ and the control file are installed unchanged.

The installed versions: pg_available_extension_versions lists exactly the
versions the scripts provide; every released version has an update path to
the default version; for each path, an install of the old version updated
with ALTER EXTENSION escalation UPDATE is the same extension as a fresh
install of the default version: the same member objects with the same
definitions, comments, owners and privileges (pg_dump --binary-upgrade
writes every member; object ids and the random \restrict key are taken out,
one block per object, sorted), the same configuration tables with the same
dump conditions, the same shipped rows.

The released scripts are frozen: sql/escalation--0.1.0.sql is what the
parts of the 0.1.0 release commit assemble to (read from git history).

A city's upgrade: a database made with 0.1.0 and filled as a city fills it
(the backlog, every table's rows, the engine run and a warning
acknowledged) updates to the default version; every row of every 0.1.0
table is still there with its 0.1.0 columns unchanged (the engine's work list
is re-timed instead: it is what a sync from the sources gives), the schema is the
same as a fresh install's, and the engine runs and warnings are handled
there afterwards.

A rehearsal of the next release, in a private relocated installation (a
copy of postgres whose share directory holds this test's scripts; the system
install is left alone): the current install script frozen as the released
version, a next version that adds a column, a function and a comment, and
the upgrade script between them. The same checks walk that path and find it
equal to a fresh install of the next version; an upgrade script that
forgets one statement is caught. So the checks prove something the day a
second version exists. Runs in databases and a cluster of its own, removed
at the end."""
import difflib
import filecmp
import glob
import os
import re
import shutil
import subprocess
import tempfile

from escalation_test import (BACKLOG_T0, TOP, Cluster, at_exit, figure, load_backlog, load_dataset, ok, run_tests,
                             shell, table_digests)

# The commit that released 0.1.0, and the version a city runs today.
RELEASES = {"0.1.0": "77e23db"}
LATER = "'%s'::timestamptz + interval '21 days'" % BACKLOG_T0
NEXT_SUFFIX = "-rehearsal"

# What the rehearsed release changes: the upgrade script, and (the same
# statements) what the next version's install script adds at its end.
CHANGE = """
ALTER TABLE escalation.run_log ADD COLUMN host text;
COMMENT ON COLUMN escalation.run_log.host IS 'Database host that ran it (rehearsal of a release). 运行主机';
CREATE FUNCTION escalation.release_rehearsal() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 'rehearsal';
COMMENT ON FUNCTION escalation.release_rehearsal() IS 'Exists only in the rehearsed next version. 演练';
REVOKE ALL ON FUNCTION escalation.release_rehearsal() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION escalation.release_rehearsal() TO escalation_admin;
"""


def pg_config(what):
    return subprocess.run(["pg_config", "--" + what], capture_output=True, text=True, check=True).stdout.strip()


def makefile_version():
    with open(os.path.join(TOP, "Makefile")) as f:
        m = re.search(r"^EXTVERSION\s*=\s*(\S+)\s*$", f.read(), re.M)
    return m.group(1) if m else None


def control_default_version(path):
    with open(path) as f:
        m = re.search(r"^default_version\s*=\s*'([^']*)'", f.read(), re.M)
    return m.group(1) if m else None


def scripts(directory):
    """The escalation scripts of a folder: ({install version: path}, {(from, to): path})."""
    installs, updates = {}, {}
    for path in glob.glob(os.path.join(directory, "escalation--*.sql")):
        versions = os.path.basename(path)[len("escalation--"):-len(".sql")].split("--")
        if len(versions) == 1:
            installs[versions[0]] = path
        elif len(versions) == 2:
            updates[tuple(versions)] = path
    return installs, updates


def reachable(installs, updates):
    """Versions installable from an install script, directly or through updates."""
    found, todo = set(installs), list(installs)
    while todo:
        v = todo.pop()
        for (a, b) in updates:
            if a == v and b not in found:
                found.add(b)
                todo.append(b)
    return found


def fingerprint(c, db):
    """The extension installed in db as comparable parts: its member objects,
    its configuration tables, its pg_extension row, the rows of its tables."""
    r = subprocess.run(["pg_dump", "--schema-only", "--binary-upgrade", "--no-tablespaces", "-d", db],
                       capture_output=True, text=True, env=c.env())
    if r.returncode != 0:
        raise RuntimeError("pg_dump failed:\n" + r.stderr)
    text = re.sub(r"UPDATE pg_catalog\.pg_class\nSET relfrozenxid = [^;]*;\n", "", r.stdout)
    kept = [l for l in text.splitlines()
            if not l.startswith(("SELECT pg_catalog.binary_upgrade_", "-- Dumped ", "-- For binary upgrade",
                                 "\\restrict ", "\\unrestrict "))]
    blocks = sorted(b.strip() for b in re.split(r"\n--\n-- Name: ", "\n".join(kept)) if b.strip())
    config = c.value("SELECT string_agg(t.c::regclass::text || ' ' || coalesce(t.cond, ''), E'\\n' "
                     "ORDER BY t.c::regclass::text) "
                     "FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS t(c, cond) "
                     "WHERE e.extname = 'escalation'", db)
    ext = c.value("SELECT extversion || ' ' || extrelocatable || ' ' || extnamespace::regnamespace "
                  "FROM pg_extension WHERE extname = 'escalation'", db)
    tables = c.value("SELECT string_agg(format('%I.%I', schemaname, tablename), ' ' ORDER BY tablename) "
                     "FROM pg_tables WHERE schemaname = 'escalation'", db).split()
    rows = sorted(table_digests(c, db, tables).items())
    return {"objects": blocks, "config": config, "extension": ext, "rows": rows}


def differences(a, b):
    """How two fingerprints differ, as a short unified diff (empty when equal)."""
    out = ["%s: %r != %r" % (k, a[k], b[k]) for k in ("extension", "config", "rows") if a[k] != b[k]]
    if a["objects"] != b["objects"]:
        out += list(difflib.unified_diff("\n\n".join(a["objects"]).splitlines(),
                                         "\n\n".join(b["objects"]).splitlines(), n=2, lineterm=""))[2:60]
    return "\n".join(out)


def check_frozen_releases():
    """Each released install script in sql/ is what its release commit's parts assemble to."""
    for version, commit in sorted(RELEASES.items()):
        path = os.path.join(TOP, "sql", "escalation--%s.sql" % version)
        listing = subprocess.run(["git", "-C", TOP, "ls-tree", "--name-only", commit, "sql/parts/"],
                                 capture_output=True, text=True)
        if listing.returncode != 0:
            ok(os.path.exists(path), "# SKIP no git history here: %s is in sql/ (not compared)" % version)
            continue
        parts = sorted(listing.stdout.split())
        released = "".join(subprocess.run(["git", "-C", TOP, "show", "%s:%s" % (commit, p)], capture_output=True,
                                          text=True, check=True).stdout for p in parts)
        ok(os.path.exists(path) and open(path, encoding="utf-8").read() == released,
           "sql/escalation--%s.sql is the release as commit %s built it (%d parts), unchanged"
           % (version, commit, len(parts)))


def columns_of(c, db):
    """{table: column list} of every table of the extension's schema."""
    rows = c.value("SELECT format('%I.%I', table_schema, table_name) || ' ' || "
                   "string_agg(format('%I', column_name), ', ' ORDER BY ordinal_position) "
                   "FROM information_schema.columns WHERE table_schema = 'escalation' "
                   "AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'escalation') "
                   "GROUP BY table_schema, table_name ORDER BY 1", db)
    return dict(r.split(" ", 1) for r in rows.splitlines())


def rows_of(c, db, cols):
    """{table: (count, md5)} of the given columns of each table."""
    return table_digests(c, db, sorted(cols), cols)


# Tables the update may change: the engine's work list, derived from the
# sources and re-timed when the rules change, and the registry of tables that
# follow their unit's or their department's region, to which new tables are added.
RETIMED = ("escalation.stage_due", "escalation.tracked_item")
RETIMED_KINDS = ("hazard_overdue", "clue", "dual_prevention_idle")
ADDED_KINDS = ("handling_sign", "handling_reply", "major_hazard_listed")
REGISTRIES = ("escalation.unit_region_follower", "escalation.department_region_follower")


def work_list_digest(c, db):
    """{(table, kind): (rows, md5)} of the engine's work list."""
    out = c.value("SET timezone = 'Asia/Shanghai'; " + " UNION ALL ".join(
        "SELECT '%s ' || kind || ' ' || count(*) || ' ' || md5(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\")) "
        "FROM %s t GROUP BY kind" % (table, table) for table in RETIMED), db)
    return {(name, kind): (int(n), h) for name, kind, n, h in (row.split() for row in out.splitlines())}


def upgrade_with_data(c, fresh, default, released):
    """A city's database of the released version, with data, updated to default."""
    db = "rel74_city"
    c.new_database(db)
    c.psql("CREATE EXTENSION escalation VERSION '%s'" % released, db)
    load_backlog(c, db, 1000)
    load_dataset(c, db)
    c.psql("SELECT escalation.run(%s)" % LATER, db)
    cols = columns_of(c, db)
    before = rows_of(c, db, cols)
    empty = sorted(t for t in cols if before[t][0] == 0)
    figure("%s database: rows in its tables" % released, sum(n for n, _ in before.values()))
    before_items = work_list_digest(c, db)
    r = c.psql("ALTER EXTENSION escalation UPDATE", db, check=False)
    ok(r.returncode == 0, "a %s database with data (%d tables, %d of them empty) updates to %s"
       % (released, len(cols), len(empty), default), r.stderr)
    # The kinds the update adds cannot be used in its transaction: their items
    # are tracked after it has committed (docs/ENGINE-INTERNALS.md).
    for kind in ADDED_KINDS:
        c.psql("SELECT escalation.sync_items('%s', NULL)" % kind, db)
    after = rows_of(c, db, cols)
    lost = sorted(k for k in before if before[k] != after.get(k) and k not in RETIMED and k not in REGISTRIES)
    ok(not lost, "after the update every row of every %s table is there, its %s columns unchanged"
       % (released, released), lost)
    shrunk = sorted(k for k in REGISTRIES if after[k][0] < before[k][0])
    ok(not shrunk, "the update only adds to the registries %s" % ", ".join(REGISTRIES), shrunk)
    # The work list is derived from the sources: the update re-times the kinds
    # whose sources or rules it changed, and leaves what a repeated sync of
    # them gives; the other kinds' items are as they were.
    retimed = work_list_digest(c, db)
    for kind in RETIMED_KINDS:
        c.psql("SELECT escalation.sync_items('%s', NULL)" % kind, db)
    resynced = work_list_digest(c, db)
    ok(retimed == resynced and all(retimed.get(k) == before_items.get(k) for k in before_items if k[1] not in RETIMED_KINDS),
       "existing items are re-timed by the upgrade (%s): the work list is what a sync from the sources gives"
       % ", ".join(RETIMED_KINDS), (sorted(set(retimed.items()) ^ set(resynced.items())),
                                    sorted(k for k in before_items if retimed.get(k) != before_items[k])))
    def schema(f):  # the objects without the sequences' positions, which the data moved
        return dict(f, rows=None, objects=[re.sub(r"^SELECT pg_catalog\.setval\(.*$", "", b, flags=re.M)
                                           for b in f["objects"]])
    diff = differences(schema(fingerprint(c, db)), schema(fresh))
    ok(diff == "", "the updated city database has the same schema, configuration and privileges as a fresh "
       "install of %s" % default, diff)
    later = "%s + interval '3 days'" % LATER
    raised = c.psql("SELECT escalation.run(%s)" % later, db, check=False)
    ok(raised.returncode == 0 and raised.stdout.strip().isdigit(),
       "the engine runs on the updated database (%s stages raised)" % raised.stdout.strip(), raised.stderr)
    c.drop_database(db)


def fresh_fingerprint(c, db, version=None):
    c.new_database(db)
    c.psql("CREATE EXTENSION escalation" + (" VERSION '%s'" % version if version else ""), db)
    return fingerprint(c, db)


def check_versions(c, extdir, where):
    """The listing and the update paths of the scripts installed in extdir, as c sees them."""
    default = control_default_version(os.path.join(extdir, "escalation.control"))
    installs, updates = scripts(extdir)
    figure("%s: install scripts" % where, " ".join(sorted(installs)))
    figure("%s: update scripts" % where, " ".join("%s--%s" % k for k in sorted(updates)) or "none")
    listed = set(c.value("SELECT string_agg(version, ' ') FROM pg_available_extension_versions "
                         "WHERE name = 'escalation'").split())
    want = reachable(installs, updates)
    ok(listed == want, "%s: pg_available_extension_versions lists exactly the versions the scripts provide (%s)"
       % (where, " ".join(sorted(listed))), "listed %s, scripts provide %s" % (sorted(listed), sorted(want)))
    paths = {}
    for row in c.value("SELECT source || ' ' || coalesce(path, '') FROM pg_extension_update_paths('escalation') "
                       "WHERE target = '%s' AND source <> target" % default).splitlines():
        source, _, path = row.partition(" ")
        paths[source] = path
    stranded = sorted(v for v in want if v != default and not paths.get(v))
    ok(not stranded, "%s: every released version has an update path to %s" % (where, default), stranded)
    return default, {v: p for v, p in paths.items() if p}


def walk(c, default, paths, fresh, where):
    """Install every version with a path to default, update it, compare with a fresh install."""
    for source in sorted(paths):
        db = "rel74_from_" + re.sub(r"[^a-z0-9]", "_", source.lower())
        c.new_database(db)
        c.psql("CREATE EXTENSION escalation VERSION '%s'" % source, db)
        r = c.psql("ALTER EXTENSION escalation UPDATE", db, check=False)
        ok(r.returncode == 0, "%s: %s updates to %s along %s" % (where, source, default, paths[source]), r.stderr)
        diff = differences(fingerprint(c, db), fresh)
        ok(diff == "", "%s: %s updated to %s is the same extension as a fresh install of %s"
           % (where, source, default, default), diff)
        c.drop_database(db)
    figure("%s: update paths walked" % where, len(paths))


def check_tree():
    """The tree's versions and scripts, and what is installed from them."""
    version = makefile_version()
    default = control_default_version(os.path.join(TOP, "escalation.control"))
    ok(version is not None and default == version,
       "escalation.control's default_version (%s) is the Makefile's EXTVERSION (%s)" % (default, version))
    built = os.path.join(TOP, "sql", "escalation--%s.sql" % version)
    parts = sorted(glob.glob(os.path.join(TOP, "sql", "parts", "*.sql")))
    concatenated = "".join(open(p, encoding="utf-8").read() for p in parts)
    ok(os.path.exists(built) and open(built, encoding="utf-8").read() == concatenated,
       "the install script of %s is built from the %d parts of sql/parts/ in name order" % (version, len(parts)))
    extdir = os.path.join(pg_config("sharedir"), "extension")
    installs, updates = scripts(os.path.join(TOP, "sql"))
    tree = list(installs.values()) + list(updates.values()) + [os.path.join(TOP, "escalation.control")]
    missing = [p for p in tree if not os.path.exists(os.path.join(extdir, os.path.basename(p)))
               or not filecmp.cmp(p, os.path.join(extdir, os.path.basename(p)), shallow=False)]
    ok(version in installs and not missing,
       "the control file and every script in sql/ (%d) are installed in %s, unchanged"
       % (len(installs) + len(updates), extdir), missing)
    return extdir


def rehearsal_scripts(folder):
    """The rehearsed release in folder: the current install script frozen as the
    released version, the next version, the upgrade between them, and a control
    file whose default is the next version; (released, next)."""
    released = makefile_version()
    nxt = released + NEXT_SUFFIX
    current = open(os.path.join(TOP, "sql", "escalation--%s.sql" % released), encoding="utf-8").read()
    os.makedirs(folder)
    with open(os.path.join(folder, "escalation--%s.sql" % released), "w", encoding="utf-8") as f:
        f.write(current)
    with open(os.path.join(folder, "escalation--%s.sql" % nxt), "w", encoding="utf-8") as f:
        f.write(current + CHANGE)
    with open(os.path.join(folder, "escalation--%s--%s.sql" % (released, nxt)), "w", encoding="utf-8") as f:
        f.write("\\echo Use \"ALTER EXTENSION escalation UPDATE\" to load this file. \\quit\n" + CHANGE)
    control = open(os.path.join(TOP, "escalation.control"), encoding="utf-8").read()
    with open(os.path.join(folder, "escalation.control"), "w", encoding="utf-8") as f:
        f.write(re.sub(r"^default_version\s*=.*$", "default_version = '%s'" % nxt, control, flags=re.M))
    return released, nxt


def rehearse():
    work = tempfile.mkdtemp(prefix="escalation-release.")
    at_exit(shutil.rmtree, work, True)
    os.chmod(work, 0o755)   # the cluster's owner runs the installation's programs
    released, nxt = rehearsal_scripts(os.path.join(work, "scripts"))
    # A private installation (tools/cluster.sh) of this checkout whose
    # extension folder holds the rehearsed release.
    root = os.path.join(work, "root")
    bindir = shell('private_install "$1" "$2" --scripts "$3" && echo "$PG_BINDIR"', TOP, root,
                   os.path.join(work, "scripts")).splitlines()[-1]
    c = Cluster.create("rehearsal", bindir=bindir)
    sharedir = c.value("SELECT setting FROM pg_config WHERE name = 'SHAREDIR'")
    extdir = os.path.join(sharedir, "extension")
    ok(sharedir.startswith(root + "/") and os.path.exists(os.path.join(extdir, "escalation--%s.sql" % nxt)),
       "rehearsal: the private installation's share folder is in use (%s)" % sharedir)

    default, paths = check_versions(c, extdir, "rehearsal")
    ok(default == nxt and paths == {released: "%s--%s" % (released, nxt)},
       "rehearsal: the next version %s is the default, reached from %s by its upgrade script" % (nxt, released),
       paths)
    fresh = fresh_fingerprint(c, "rel74_rehearsal_fresh")
    walk(c, default, paths, fresh, "rehearsal")

    # An upgrade script that forgets a statement leaves a different extension.
    upgrade = os.path.join(extdir, "escalation--%s--%s.sql" % (released, nxt))
    good = open(upgrade, encoding="utf-8").read()
    with open(upgrade, "w", encoding="utf-8") as f:
        f.write("\n".join(l for l in good.splitlines() if not l.startswith("GRANT EXECUTE")) + "\n")
    db = "rel74_rehearsal_forgetful"
    c.new_database(db)
    c.psql("CREATE EXTENSION escalation VERSION '%s'" % released, db)
    c.psql("ALTER EXTENSION escalation UPDATE", db)
    diff = differences(fingerprint(c, db), fresh)
    ok(re.search(r"^\+GRANT \w+ ON FUNCTION escalation\.release_rehearsal\(\) TO escalation_admin;$", diff, re.M),
       "rehearsal: an upgrade script that forgets a GRANT is caught", diff)
    with open(upgrade, "w", encoding="utf-8") as f:
        f.write(good)


def main():
    extdir = check_tree()
    c = Cluster.of_check()
    default, paths = check_versions(c, extdir, "installed")
    fresh = fresh_fingerprint(c, "rel74_fresh")
    ok(len(fresh["objects"]) > 500 and fresh["extension"].startswith(default + " "),
       "a fresh install of %s: %d member objects, %d configuration tables"
       % (default, len(fresh["objects"]), len(fresh["config"].splitlines())))
    c.new_database("rel74_again")
    c.psql("CREATE EXTENSION escalation", "rel74_again")
    r = c.psql("ALTER EXTENSION escalation UPDATE", "rel74_again", check=False)
    diff = differences(fingerprint(c, "rel74_again"), fresh)
    ok(r.returncode == 0 and diff == "",
       "a second install, after ALTER EXTENSION escalation UPDATE at the default version, is the same", diff)
    c.drop_database("rel74_again")
    walk(c, default, paths, fresh, "installed")
    check_frozen_releases()
    for released in sorted(paths):
        upgrade_with_data(c, fresh, default, released)
    rehearse()


run_tests(main)
