#!/usr/bin/env python3
"""71_concurrent_runs.py — eight sessions call escalation.run() at once on a
month's backlog: every run succeeds, no stage is raised twice, the warnings
are exactly those of a single run on an identical copy of the data, and the
eight together take no longer than 1.5 times the single run. Prints both
times. Runs in databases of its own (a template and two copies), dropped at
the end."""
from escalation_test import (BACKLOG_AS_OF, Cluster, duplicate_stages, figure, load_backlog, ok, run_tests,
                             timed, tracking_digest, warning_digest)

ITEMS = 40000          # items in the backlog: a run of a few seconds
SESSIONS = 8
TEMPLATE, SINGLE, CONCURRENT = "rel71_backlog", "rel71_single", "rel71_concurrent"
RUN = "SELECT escalation.run('%s')" % BACKLOG_AS_OF


def runs_at_once(cluster, db, n):
    """n sessions calling run() together: [(exit status, output, errors)]."""
    procs = [cluster.spawn(RUN, db) for _ in range(n)]
    return [(p.wait(), p.stdout.read().strip(), p.stderr.read().strip()) for p in procs]


def main():
    c = Cluster.of_check()
    c.new_database(TEMPLATE, extension=True)
    figure("backlog load (%d items)" % ITEMS, "%.1f" % load_backlog(c, TEMPLATE, ITEMS), "s")
    c.new_database(SINGLE, template=TEMPLATE)
    c.new_database(CONCURRENT, template=TEMPLATE)
    c.drop_database(TEMPLATE)

    (single,), single_s = timed(runs_at_once, c, SINGLE, 1)
    ok(single[0] == 0 and single[1].isdigit() and not single[2],
       "a single run on the backlog succeeds", single)
    expected = int(c.value("SELECT count(*) FROM escalation.warning", SINGLE))
    ok(single[1] == str(expected) and expected > 2 * ITEMS,
       "it raises every due stage of the backlog at once (%d warnings)" % expected)

    many, many_s = timed(runs_at_once, c, CONCURRENT, SESSIONS)
    failed = [r for r in many if r[0] != 0 or not r[1].isdigit() or r[2]]
    ok(not failed, "%d sessions calling run() at once all succeed" % SESSIONS, failed)
    raised = [int(r[1]) for r in many if r[1].isdigit()]
    total = int(c.value("SELECT count(*) FROM escalation.warning", CONCURRENT))
    ok(sum(raised) == total == expected,
       "together they raise %d warnings, as many as the single run; each was raised by exactly one run "
       "(per run: %s)" % (total, sorted(raised, reverse=True)))
    ok(duplicate_stages(c, CONCURRENT) == 0, "no stage of any item is raised twice")
    ok(warning_digest(c, CONCURRENT) == warning_digest(c, SINGLE),
       "the warnings (item, stage, screen, action, due, resolution) are exactly the single run's")
    ok(tracking_digest(c, CONCURRENT) == tracking_digest(c, SINGLE),
       "the tracking state (items and waiting stages) after them is exactly the single run's")
    logged = c.value("SELECT count(*) || ' ' || sum(raised) FROM escalation.run_log WHERE status = 'succeeded'",
                     CONCURRENT)
    ok(logged == "%d %d" % (SESSIONS, expected), "the run log has %d succeeded runs that raised %d in all"
       % (SESSIONS, expected), logged)

    figure("single run", "%.2f" % single_s, "s")
    figure("%d concurrent runs, wall time" % SESSIONS, "%.2f" % many_s, "s")
    figure("ratio", "%.2f" % (many_s / single_s))
    ok(many_s <= 1.5 * single_s, "the %d runs take %.2f s, no more than 1.5 x the single run's %.2f s"
       % (SESSIONS, many_s, single_s))


run_tests(main)
