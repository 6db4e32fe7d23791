#!/usr/bin/env python3
"""bench/delivery.py — the sender's latency, run by bench/delivery.sh on its
throwaway cluster (track_commit_timestamp on): RATE notifications a second
for SECONDS seconds, written by the database itself in transactions of a
tenth of a second each (rows and NOTIFY, committed together, as the engine
writes them), to a 企业微信 robot on 127.0.0.1 (test/scripts/lib/receivers.py)
with no rate limit; escalation-worker --deliver sends them. Prints the
latency from each row's commit (pg_xact_commit_timestamp of a row written
with it that nobody updates) to its arrival
at the receiver (p50, p99, max), whether every one was delivered, and the
worker's peak resident memory (VmHWM)."""
import os
import sys
import time

from escalation_test import Cluster, Worker, figure, run_tests, ok
from receivers import HttpReceiver, outbox_fixture

RATE = int(sys.argv[1]) if len(sys.argv) > 1 else 100
SECONDS = int(sys.argv[2]) if len(sys.argv) > 2 else 60
DB, ROLE = "escalation", "escalation_delivery_bench"
CHECK = Cluster.of_check()


def psql(sql):
    return CHECK.value(sql, DB)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


def main():
    CHECK.new_role(ROLE, "IN ROLE escalation_sender")
    warning, person = outbox_fixture(psql)
    receiver = HttpReceiver()
    channel = psql("INSERT INTO escalation.notification_channel (name, kind, endpoint) VALUES"
                   " ('基准测试群', 'wecom', '%s') RETURNING id" % receiver.url("wecom", "bench", "?key=bench"))
    w = Worker("bench_delivery.log", CHECK, DB, ROLE, "--deliver", "--log-level", "info")
    ok(w.healthy_within(10), "the sender is up")
    per_tx = max(1, RATE // 10)
    total = per_tx * 10 * SECONDS
    psql("CREATE TABLE bench_written (key text PRIMARY KEY)")
    started = time.time()
    # Ten transactions a second, each paced to its slot on the server's clock.
    psql("""
        DO $$
        DECLARE
            t0 timestamptz := clock_timestamp();
        BEGIN
            FOR i IN 0 .. %(ticks)d - 1 LOOP
                INSERT INTO escalation.notification (idempotency_key, channel_id, address, subject, body, link,
                    warning_id, event, person_id, recipient, region)
                SELECT 'bench-' || (i * %(per_tx)d + k), %(channel)s, '13800000001', '【一级预警】基准测试',
                    '隐患：储罐区防火堤破损，请于 24 小时内签收。', 'http://screen.test/screen/370102',
                    %(warning)d, 'raised', %(person)d, 'liaison', '370102'
                FROM generate_series(1, %(per_tx)d) k;
                -- The sender updates its rows at once: their commit is kept where nobody updates it.
                INSERT INTO bench_written SELECT 'bench-' || (i * %(per_tx)d + k) FROM generate_series(1, %(per_tx)d) k;
                NOTIFY escalation_notification;
                COMMIT;
                PERFORM pg_sleep(greatest(0, extract(epoch FROM t0 + (i + 1) * interval '100 ms' - clock_timestamp())));
            END LOOP;
        END $$""" % {"ticks": 10 * SECONDS, "per_tx": per_tx, "channel": channel, "warning": warning,
                         "person": person})
    written = time.time() - started
    receiver.wait_for(lambda rs: len(rs) >= total, 60)
    delivered = int(psql("SELECT count(*) FROM escalation.notification WHERE state = 'delivered'"))
    commits = dict(line.split("|") for line in psql(
        "SELECT key, extract(epoch FROM pg_xact_commit_timestamp(xmin)) FROM bench_written").splitlines())
    latencies = [r.at - float(commits[r.headers["Idempotency-Key"]]) for r in receiver.received()
                 if r.headers.get("Idempotency-Key") in commits]
    with open("/proc/%d/status" % w.proc.pid) as f:
        hwm = [line.split()[1] for line in f if line.startswith("VmHWM")][0]
    load = os.getloadavg()
    w.stop()
    receiver.close()
    ok(delivered == total and len(latencies) == total, "every notification was delivered once (%d of %d; %d arrivals)"
       % (delivered, total, len(latencies)))
    figure("notifications written", "%d in %.1f s (%.1f/s)" % (total, written, total / written))
    figure("commit-to-receiver latency p50", "%.1f" % (1000 * percentile(latencies, 50)), "ms")
    figure("commit-to-receiver latency p99", "%.1f" % (1000 * percentile(latencies, 99)), "ms")
    figure("commit-to-receiver latency max", "%.1f" % (1000 * max(latencies)), "ms")
    figure("worker peak resident memory (VmHWM)", hwm, "kB")
    figure("load average at the end", "%.2f %.2f %.2f" % load)
    ok(percentile(latencies, 99) < 1.0, "p99 under 1 s")


run_tests(main)
