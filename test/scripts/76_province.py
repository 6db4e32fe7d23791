#!/usr/bin/env python3
"""76_province.py — a province sees its cities by logical replication
(docs/PROVINCE.md): two city clusters (济南 370100, 青岛 370200) publish
their reported warnings with escalation.publish_for_province(), a province
cluster subscribes to each with CREATE SUBSCRIPTION; warnings raised
before and after subscribing, resolved, and raised around a city's outage
(an immediate stop and a restart) all reach the province: its
province_warning equals the union of the cities' city-level warnings and
circulars within seconds, escalation-worker --province serves /screen/370000
with every city-level warning of both cities, each event once, in order,
and per-city counts; the province's copy refuses every local write. Runs on
three private clusters, removed at the end."""
import json
import time

from escalation_test import Cluster, EventStream, Worker, figure, ok, run_tests

DB = "escalation"
ROLE = "rel76_screen"
PROVINCE = "370000"
CITIES = {"370100": ("济南市", "370102", "历下区", "370102001", "解放路街道"),
          "370200": ("青岛市", "370202", "市南区", "370202001", "八大峡街道")}
HAZARDS = 3                # per city and phase; each raises stage 1 (district screen) and 2 (city screen)
REPORTED = ("SELECT escalation.region_city(region)::text || '|' || id || '|' || stage || '|' || screen || '|' || "
            "action || '|' || coalesce(resolved_at::text, '-') || '|' || coalesce(acknowledged_at::text, '-') AS line "
            "FROM escalation.warning WHERE screen = 'city' OR action = 'circulate'")
RECEIVED = ("SELECT city::text || '|' || warning_id || '|' || stage || '|' || screen || '|' || action || '|' || "
            "coalesce(resolved_at::text, '-') || '|' || coalesce(acknowledged_at::text, '-') AS line "
            "FROM escalation.province_warning")


def setup_city(c, code):
    name, district, district_name, street, street_name = CITIES[code]
    c.psql("CREATE DATABASE %s" % DB)
    c.psql("""
        CREATE EXTENSION escalation;
        INSERT INTO escalation.division (code, name) VALUES
            ('%(code)s', '%(name)s'), ('%(district)s', '%(district_name)s'), ('%(street)s', '%(street_name)s')
            ON CONFLICT (code) DO NOTHING;
        INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE VALUES
            (1, '%(name)s应急管理局', 'city', '%(code)s'), (2, '%(district_name)s应急管理局', 'district', '%(district)s');
        INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE
        SELECT i, format('%(district_name)s%%s号化工有限公司', i), '%(street)s', 'district' FROM generate_series(1, 10) i;
    """ % dict(code=code, name=name, district=district, district_name=district_name, street=street,
               street_name=street_name), DB)


def raise_warnings(c, phase):
    """Suspected major hazards found four days ago, and a run: stages 1 and 2 of each."""
    c.psql("INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, description) "
           "SELECT 1 + i %% 10, 2, now() - interval '4 days', 'suspected_major', true, '%s ' || i "
           "FROM generate_series(1, %d) i" % (phase, HAZARDS), DB)
    return int(c.value("SELECT escalation.run()", DB))


def union_of_cities(cities):
    lines = []
    for c in cities:
        lines += c.value(REPORTED, DB).splitlines()
    return sorted(lines)


def province_rows(p):
    return sorted(p.value(RECEIVED, DB).splitlines())


def wait_match(p, cities, timeout=30):
    """Seconds until the province holds exactly the cities' reported rows, or None."""
    want = union_of_cities(cities)
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if province_rows(p) == want:
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def city_level_raised(cities):
    """Every city-level warning of the cities: {(city, warning id)}."""
    out = set()
    for c in cities:
        for row in c.value("SELECT escalation.region_city(region)::text || ' ' || id FROM escalation.warning "
                           "WHERE screen = 'city'", DB).splitlines():
            city, wid = row.split()
            out.add((city, int(wid)))
    return out


def main():
    jinan = Cluster.create("city370100", "wal_level = logical")
    qingdao = Cluster.create("city370200", "wal_level = logical")
    province = Cluster.create("province")
    cities = [jinan, qingdao]
    setup_city(jinan, "370100")
    setup_city(qingdao, "370200")

    # A warning raised before the city publishes reaches the province too.
    ok(raise_warnings(jinan, "early") == 2 * HAZARDS, "济南 raises warnings before it publishes")
    for c in cities:
        ok(c.value("SELECT escalation.publish_for_province()", DB) == "escalation_province",
           "a city publishes with one command (cluster %d)" % c.port)
    ok(jinan.value("SELECT count(*) FROM escalation.province_warning", DB) == str(HAZARDS),
       "publishing fills the city's province_warning with its %d city-level warnings raised before" % HAZARDS)

    province.psql("CREATE DATABASE %s" % DB)
    province.psql("""
        CREATE EXTENSION escalation;
        CREATE ROLE %s LOGIN IN ROLE escalation_screen;
        INSERT INTO escalation.division (code, name) VALUES ('370000', '山东省'), ('370100', '济南市'), ('370200', '青岛市')
            ON CONFLICT (code) DO NOTHING;
    """ % ROLE, DB)
    for code, c in (("370100", jinan), ("370200", qingdao)):
        province.psql("CREATE SUBSCRIPTION escalation_city_%s CONNECTION 'host=%s port=%d dbname=%s user=postgres' "
                      "PUBLICATION escalation_province" % (code, c.sock, c.port, DB), DB)
        sub = province.value("SELECT city || ' ' || name FROM escalation.province_city WHERE city::text = '%s'" % code, DB)
        ok(sub == "%s %s" % (code, CITIES[code][0]),
           "the province subscribes to %s with one command, and lists it as a city (%s)" % (code, sub))
    took = wait_match(province, cities)
    ok(took is not None, "the province receives the warnings raised before it subscribed (%.1f s)" % (took or -1))

    w = Worker("76_province.worker.log", province, DB, ROLE, "--province", "--poll-interval", "1")
    ok(w.healthy_within(15), "escalation-worker --province connects to the province database")
    status, _, body = w.get("/api/screens")
    screens = json.loads(body)["screens"] if status == 200 else []
    ok([(s["code"], s["level"], s["name"]) for s in screens] == [(PROVINCE, "province", "山东省")],
       "its one screen is the province's, 山东省 (%s)" % screens)
    ok(w.get("/screen/%s" % PROVINCE)[0] == 200, "/screen/%s serves the screen page" % PROVINCE)
    # A new screen client gets the events after it connects (the snapshot has the rest).
    opened_after = int(province.value("SELECT coalesce(max(event_id), 0) FROM escalation.province_event", DB))
    stream = EventStream(w.port, PROVINCE)
    ok(stream.wait_open(), "a province screen is streaming")

    # Both cities raise warnings: the province has them within seconds.
    latencies = []
    for phase in ("both1", "both2"):
        for c in cities:
            raise_warnings(c, phase)
        took = wait_match(province, cities)
        latencies.append(took)
        ok(took is not None, "phase %s: the province tables equal the union of the cities' reported warnings "
           "(%.2f s after the last run)" % (phase, took or -1))
    figure("province: city run to province table (worst of %d)" % len(latencies),
           "%.2f" % max(x or -1 for x in latencies), "s")

    # Handled items: resolutions travel too.
    for c in cities:
        c.psql("UPDATE escalation.hazard SET grade = 'not_major', confirmed_at = now(), "
               "rectify_deadline = now() + interval '10 days' "
               "WHERE description LIKE 'both1 %%'", DB)
        c.psql("SELECT escalation.run()", DB)
    resolved = sum(int(c.value("SELECT count(*) FROM escalation.warning WHERE screen = 'city' "
                               "AND resolved_at IS NOT NULL", DB)) for c in cities)
    took = wait_match(province, cities)
    ok(took is not None and resolved > 0,
       "%d resolutions of city-level warnings reach the province (%.2f s)" % (resolved, took or -1))

    # A city's outage: 青岛 runs, dies at once (immediate stop), comes back and runs again.
    raise_warnings(qingdao, "before_outage")
    qingdao.stop("immediate")
    raise_warnings(jinan, "during_outage")
    want, deadline = union_of_cities([jinan]), time.monotonic() + 30
    while time.monotonic() < deadline and \
            sorted(l for l in province_rows(province) if l.startswith("370100|")) != want:
        time.sleep(0.1)
    ok(sorted(l for l in province_rows(province) if l.startswith("370100|")) == want,
       "while 青岛 is down, 济南's warnings still arrive")
    qingdao.start()
    raise_warnings(qingdao, "after_outage")
    took = wait_match(province, cities, timeout=60)
    ok(took is not None, "after 青岛's outage and return the province has every warning of both cities, "
       "those of its last run before the outage included (%.1f s after its next run)" % (took or -1))
    figure("province: a city's return to complete province tables", "%.1f" % (took or -1), "s")

    # The screen: every city-level warning of both cities, each event once, in order.
    want_raised = city_level_raised(cities)
    keys = {}
    for row in province.value("SELECT province_key || ' ' || city || ' ' || warning_id FROM "
                              "escalation.province_warning", DB).splitlines():
        k, city, wid = row.split()
        keys[int(k)] = (city, int(wid))
    all_events = [(int(e), ev) for e, ev in (r.split() for r in province.value(
        "SELECT event_id || ' ' || event FROM escalation.province_events(0, 100000)", DB).splitlines())]
    want_events = [(e, ev) for e, ev in all_events if e > opened_after]
    stream.wait_for(lambda got: len(got) >= len(want_events), 20)
    time.sleep(1)
    got = stream.received()
    ids = [e for e, _ in got]
    ok(got == want_events and ids == sorted(set(ids)),
       "the province screen got each of its %d events since it connected once, in id order" % len(want_events),
       "got %s\nwant %s" % (got[-5:], want_events[-5:]))
    status, _, body = w.get("/api/warnings?screen=%s" % PROVINCE)
    snap = json.loads(body)["warnings"] if status == 200 else []
    active = set()
    for c in cities:
        for row in c.value("SELECT DISTINCT escalation.region_city(region)::text || '-' || subject_id || ' ' || kind "
                           "FROM escalation.warning WHERE screen = 'city' AND resolved_at IS NULL", DB).splitlines():
            active.add(tuple(row.split()))
    ok(sorted((x["subject_id"], x["kind"]) for x in snap) == sorted(active),
       "its snapshot lists the %d active city-level items of both cities, one row each" % len(active))
    ok(want_raised == {keys[e] for e, ev in all_events if ev == "raised"},
       "every city-level warning of both cities (%d) is an event of the province screen" % len(want_raised))
    counts = dict(r.split() for r in province.value(
        "SELECT city || ' ' || active FROM escalation.province_city_count", DB).splitlines())
    per_city = {}
    for x in snap:
        per_city[x["city"]] = per_city.get(x["city"], 0) + 1
    want_counts = {code: c.value("SELECT count(*) FROM escalation.warning WHERE screen = 'city' "
                                 "AND resolved_at IS NULL", DB) for code, c in (("370100", jinan),
                                                                                ("370200", qingdao))}
    ok(counts == want_counts and all(x.get("city_name") in ("济南市", "青岛市") for x in snap),
       "per-city counts: %s; each screen row names its city" % counts, "%s %s" % (counts, want_counts))

    # Read-only: the province's copy takes writes from the subscriptions only.
    r = province.psql("DELETE FROM escalation.province_warning", DB, check=False)
    ok(r.returncode != 0 and "read-only in a province database" in r.stderr,
       "a superuser's DELETE on the province's copy is refused", r.stderr)
    r = province.psql("UPDATE escalation.province_warning SET stage = 9", DB, check=False)
    ok(r.returncode != 0 and "read-only" in r.stderr, "and so is an UPDATE", r.stderr)
    province.psql("CREATE ROLE rel76_admin LOGIN IN ROLE escalation_admin")
    r = province.psql("SET ROLE rel76_admin; INSERT INTO escalation.province_warning SELECT * FROM "
                      "escalation.province_warning LIMIT 1", DB, check=False)
    ok(r.returncode != 0 and "read-only in a province database" in r.stderr,
       "the province's roles may read it, not write it", r.stderr)
    ok(province.value("SET ROLE rel76_admin; SELECT count(*) > 0 FROM escalation.province_warning", DB) == "t",
       "an escalation_admin member of the province reads every city's rows")
    stream.stop()
    ok(w.stop() == 0, "the worker stops cleanly")


run_tests(main)
