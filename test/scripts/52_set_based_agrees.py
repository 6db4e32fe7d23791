#!/usr/bin/env python3
"""52_set_based_agrees.py — the benchmark's set-based ladders (bench/set_based.sql)
raise and resolve exactly the warnings the engine does: the benchmark's data
(bench/load.sql, 3,000 items, an outage of ten days) caught up once by
escalation.run() and once, from the same state, by bench.set_based_run(); the
two sets of warnings (item, stage, screen, action, due time, resolution) are
equal. Runs in a database of its own, dropped at the end."""
import os

from escalation_test import TOP, WARNING_COLUMNS, Cluster, ok, run_tests

DB = "t52_set_based"


def main():
    c = Cluster.of_check()
    c.new_database(DB, extension=True)
    as_of = c.value("SELECT date_trunc('second', now())", DB)
    c.psql_file(os.path.join(TOP, "bench", "load.sql"), DB, items=3000, as_of=as_of)
    c.psql_file(os.path.join(TOP, "bench", "set_based.sql"), DB)
    c.psql("CREATE TABLE bench.warning_snapshot AS SELECT * FROM escalation.warning", DB)
    before = c.value("SELECT count(*) FROM escalation.warning", DB)

    raised = c.value("SELECT escalation.run('%s')" % as_of, DB)
    ok(raised.isdigit() and int(raised) > 100, "the engine catches up the outage (%s warnings raised, %s before)"
       % (raised, before))
    c.psql("CREATE TABLE bench.engine_final AS SELECT %s FROM escalation.warning" % WARNING_COLUMNS, DB)
    resolved = int(c.value("SELECT count(*) FROM bench.engine_final WHERE resolved_at IS NOT NULL", DB))
    ok(resolved > 0, "some of the warnings are resolved (%d)" % resolved)

    c.psql("TRUNCATE escalation.warning CASCADE; INSERT INTO escalation.warning SELECT * FROM bench.warning_snapshot", DB)
    set_raised = c.value("SET client_min_messages = warning; SELECT bench.set_based_run('%s')" % as_of, DB)
    ok(set_raised == raised, "the set-based ladders raise as many (%s)" % set_raised)
    differ = c.value("SELECT count(*) FROM ((TABLE bench.engine_final EXCEPT ALL SELECT {0} FROM escalation.warning) "
                     "UNION ALL (SELECT {0} FROM escalation.warning EXCEPT ALL TABLE bench.engine_final)) d"
                     .format(WARNING_COLUMNS), DB)
    ok(differ == "0", "their warnings are exactly the engine's (rows differing: %s)" % differ)


run_tests(main)
