#!/usr/bin/env python3
"""68_delivery.py — escalation-worker --deliver against local receivers: the
企业微信 and 钉钉 robots get their JSON (钉钉's signed URL verified, a wrong
secret refused), the SMS gateway its filled template with JSON-escaped text,
the SMTP server the real dialogue and a UTF-8 message with its RFC 2047
subject and a Message-ID from the idempotency key; every HTTP send carries the
idempotency key. Answers of 429 (Retry-After honoured), 500 and a stalled
receiver are retried with backoff; 45009 holds the channel back; a
notification past the give-up age ends failed. A worker killed mid-send
(SIGKILL) loses nothing: after the lease the send is repeated, recorded as a
repeat. Two senders share a burst, each notification sent once. A channel's
rate limit holds in every minute at the receiver. SIGTERM
lets a running send finish and records it. At the end every notification is
delivered or failed, and /metrics shows the deliveries and the backlog.
Runs in a database and with a login role of its own, dropped at the end."""
import email
import email.policy
import json
import threading
import time

from escalation_test import Cluster, Worker, at_exit, ok, run_tests
from receivers import HttpReceiver, SmtpReceiver, outbox_fixture

DB = ROLE = "escalation_delivery_test"
CHECK = Cluster.of_check()
DING_SECRET = "SECa1b2c3测试密钥"
SMS_TOKEN = "sms-token-123"
RATE = 2                           # the limited channel's messages a minute
# Short times for the test: a send times out after 2 s, a claim lapses after 9 s.
SENDER_OPTIONS = ("--send-timeout", "2", "--send-connect-timeout", "1", "--lease", "9", "--backoff-min", "0.2",
                  "--backoff-max", "1")
SUBJECT = '【二级预警】济南"泉城"化工有限公司 重大事故隐患逾期未整改'
BODY = '隐患：储罐区\\防火堤破损\n整改期限：2026-03-09 09:00\n请于 24 小时内签收。'
LINK = "http://screen.test/screen/370102?warning=1"


def psql(sql):
    return CHECK.value(sql, DB)


def q(text):
    return "'" + text.replace("'", "''") + "'"


def setup():
    CHECK.new_database(DB, extension=True)
    CHECK.new_role(ROLE, "IN ROLE escalation_sender")
    # Retries a second apart, so the test sees several.
    psql("INSERT INTO escalation.rule_limit_override (name, span) VALUES"
         " ('notification_backoff_base', '1 second'), ('notification_backoff_cap', '2 seconds')")
    return outbox_fixture(psql)


def add_channel(name, kind, endpoint, secret=None, settings=None, rate=None):
    return int(psql("INSERT INTO escalation.notification_channel (name, kind, endpoint, secret, settings, rate_per_minute)"
                    " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id"
                    % (q(name), q(kind), q(endpoint), q(secret) if secret else "NULL",
                       q(json.dumps(settings or {})), rate or "NULL")))


class Outbox:
    """Writes notifications as the engine does: rows and NOTIFY in one transaction."""

    def __init__(self, warning, person):
        self.warning, self.person, self.n = warning, person, 0

    def add(self, channel, address, subject=SUBJECT, body=BODY, link=LINK, count=1, age=None):
        keys = []
        values = []
        for _ in range(count):
            self.n += 1
            key = "raised-%d-test-%d" % (self.warning, self.n)
            keys.append(key)
            values.append("(%s, %d, %s, %s, %s, %s, %d, 'raised', %d, 'liaison', '370102', %s)"
                          % (q(key), channel, q(address) if address else "NULL", q(subject), q(body), q(link),
                             self.warning, self.person, "now() - interval %s" % q(age) if age else "now()"))
        psql("BEGIN; INSERT INTO escalation.notification (idempotency_key, channel_id, address, subject, body, link,"
             " warning_id, event, person_id, recipient, region, created_at) VALUES %s;"
             " NOTIFY escalation_notification; COMMIT" % ", ".join(values))
        return keys if count > 1 else keys[0]


def row(key, cols="state, attempts, repeats, coalesce(last_error, ''), coalesce(provider_answer, '')"):
    return psql("SELECT %s FROM escalation.notification WHERE idempotency_key = %s" % (cols, q(key))).split("|")


def wait_state(key, states, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if row(key, "state")[0] in states:
            return True
        time.sleep(0.1)
    return False


def expected_text(subject=SUBJECT, body=BODY, link=LINK):
    return "\n".join(p for p in (subject, body, link) if p)


def sender(name, *extra):
    return Worker("68_delivery.%s.log" % name, CHECK, DB, ROLE, "--deliver", *SENDER_OPTIONS, *extra)


def check_formats(outbox, http, smtp, ch):
    keys = {
        "wecom": outbox.add(ch["wecom"], "13800000001"),
        "dingtalk": outbox.add(ch["dingtalk"], "13800000002"),
        "sms": outbox.add(ch["sms"], "13800000003"),
        "email": outbox.add(ch["email"], "liaison@lixia.test"),
    }
    ok(all(wait_state(k, ("delivered",), 15) for k in keys.values()),
       "a notification on each channel (企业微信, 钉钉, SMS, e-mail) is delivered",
       "\n".join("%s: %s" % (k, row(v)) for k, v in keys.items()))

    wecom = http.received("wecom")
    ok(len(wecom) == 1 and wecom[0].json() == {"msgtype": "text", "text": {
        "content": expected_text(), "mentioned_mobile_list": ["13800000001"]}},
       "the 企业微信 robot gets a text message with subject, body and link, mentioning the mobile",
       wecom and wecom[0].body)
    ok(len(wecom) == 1 and wecom[0].headers.get("Idempotency-Key") == keys["wecom"]
       and wecom[0].headers.get("X-Idempotency-Key") == keys["wecom"]
       and wecom[0].headers.get("Content-Type") == "application/json",
       "an HTTP send carries the notification's idempotency key (Idempotency-Key, X-Idempotency-Key)",
       wecom and wecom[0].headers)

    ding = http.received("dingtalk")
    ok(len(ding) == 1 and ding[0].sign_ok is True and "timestamp" in ding[0].query and "sign" in ding[0].query,
       "the 钉钉 robot's URL carries a timestamp and a valid HMAC-SHA256 signature",
       ding and (ding[0].query, ding[0].sign_ok))
    ok(len(ding) == 1 and ding[0].query.get("access_token") == ["robot-token"] and ding[0].json() == {
        "msgtype": "text", "text": {"content": expected_text()}, "at": {"atMobiles": ["13800000002"], "isAtAll": False}},
       "the 钉钉 robot gets a text message @-mentioning the mobile, on its own access token",
       ding and ding[0].body)

    sms = http.received("sms")
    try:
        sms_body = json.loads(sms[0].body) if sms else None
    except ValueError:
        sms_body = None
    ok(sms_body == {"to": "13800000003", "content": expected_text(), "ref": keys["sms"]},
       "the SMS gateway gets its template filled: address, text and key, JSON-escaped (quotes, backslash, newlines)",
       sms and sms[0].body)
    ok(len(sms) == 1 and sms[0].method == "PUT" and sms[0].headers.get("X-Api-Token") == SMS_TOKEN
       and sms[0].headers.get("Content-Type") == "application/json; charset=utf-8",
       "the SMS gateway gets the method, content type and token header its settings name", sms and sms[0].headers)

    mails = smtp.messages()
    ok(len(mails) == 1 and mails[0]["verbs"] == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]
       and mails[0]["mail_from"] == "<escalation@city.test>" and mails[0]["rcpt"] == ["<liaison@lixia.test>"],
       "the SMTP dialogue is EHLO, MAIL FROM, RCPT TO, DATA, QUIT with the channel's sender and the address",
       mails and {k: mails[0][k] for k in ("verbs", "mail_from", "rcpt")})
    msg = email.message_from_bytes(mails[0]["data"], policy=email.policy.default) if mails else None
    ok(msg is not None and msg["Subject"] == SUBJECT and b"=?UTF-8?B?" in mails[0]["data"]
       and all(len(line) <= 998 for line in mails[0]["data"].split(b"\r\n")),
       "the e-mail's Chinese subject is RFC 2047 encoded and reads back as written",
       msg and msg["Subject"])
    ok(msg is not None and msg.get_content_type() == "text/plain" and msg.get_content_charset() == "utf-8"
       and msg.get_content().replace("\r\n", "\n").strip() == BODY + "\n" + LINK,
       "the e-mail's body is UTF-8 text/plain holding the body and the link", msg and msg.get_content())
    ok(msg is not None and msg["Message-ID"] == "<%s@escalation.notification>" % keys["email"]
       and "liaison@lixia.test" in str(msg["To"]) and msg["Date"] is not None,
       "the e-mail's Message-ID is derived from the idempotency key", msg and msg["Message-ID"])
    answers = {k: row(v)[4] for k, v in keys.items()}
    ok(answers["wecom"].startswith("HTTP 200: {") and "errcode" in answers["dingtalk"]
       and answers["email"].startswith("250 2.0.0 queued"),
       "the provider's answer is recorded with each delivery", answers)
    return list(keys.values())


def check_dingtalk_refusal(outbox, http, ch):
    key = outbox.add(ch["dingtalk_wrong"], None)
    ok(http.wait_for(lambda rs: any(r.path.endswith("/dingtalk_wrong") for r in rs), 10)
       and wait_state(key, ("pending",), 5) and "310000" in row(key)[3],
       "a 钉钉 robot signed with the wrong secret is refused (errcode 310000): not delivered, retried later",
       row(key))
    refused = http.received("dingtalk_wrong")
    ok(refused and refused[0].sign_ok is False, "the receiver saw the signature did not hold")
    return key


def check_retries(outbox, http, ch):
    http.script("retry", ("status", 429, {"Retry-After": "2"}), ("status", 500), ("stall", 4), "ok")
    key = outbox.add(ch["retry"], "13800000009")
    ok(wait_state(key, ("delivered",), 30), "a notification answered 429, then 500, then a stall is delivered in the end",
       row(key))
    got = [r for r in http.received("retry") if r.headers.get("Idempotency-Key") == key]
    gaps = [b.at - a.at for a, b in zip(got, got[1:])]
    ok(len(got) == 4 and row(key)[1] == "4", "it took four sends, each claimed once (attempts 4)",
       (len(got), row(key)))
    ok(len(gaps) == 3 and gaps[0] >= 1.9, "after the 429 the next send waited for Retry-After (2 s)", gaps)
    ok(len(gaps) == 3 and gaps[1] >= 0.9 and gaps[2] >= 2.0,
       "after the 500 and the timeout the sends waited for the backoff (and the 2 s send timeout)", gaps)

    http.script("busy", ("errcode", 45009))
    busy = outbox.add(ch["busy"], None)
    ok(http.wait_for(lambda rs: any(r.path.endswith("/busy") for r in rs), 10) and wait_state(busy, ("pending",), 5),
       "企业微信's errcode 45009 (too many messages) is not a delivery", row(busy))
    wait_s = float(psql("SELECT extract(epoch FROM next_attempt_at - now()) FROM escalation.notification"
                        " WHERE idempotency_key = %s" % q(busy)))
    ok(50 < wait_s <= 60, "45009 sets the next send a minute later", wait_s)
    # Made due at once: the sender still holds the channel back, unsent.
    psql("UPDATE escalation.notification SET next_attempt_at = now() WHERE idempotency_key = %s" % q(busy))
    time.sleep(3)
    ok(len(http.received("busy")) == 1 and "asked to wait" in row(busy)[3],
       "the channel told to wait is held back: a due notification on it is given back unsent", row(busy))

    dead = outbox.add(ch["dead"], None, age="86397 seconds")
    ok(wait_state(dead, ("failed",), 20), "a notification whose receiver keeps failing is failed at the give-up age",
       row(dead))
    ok(len(http.received("dead")) >= 1 and "HTTP 500" in row(dead)[3],
       "the failed notification keeps the provider's last answer", row(dead))
    return [key, busy, dead]


def check_kill(outbox, http, ch, first):
    release = threading.Event()
    at_exit(release.set)
    http.script("hold", ("hold", release))
    key = outbox.add(ch["hold"], "13800000010")
    held = http.wait_for(lambda rs: any(r.path.endswith("/hold") for r in rs), 10)
    first.proc.kill()
    first.proc.wait()
    release.set()
    ok(held and row(key)[0] == "sending", "the worker is killed (SIGKILL) while a receiver holds its send",
       row(key))
    started = time.monotonic()
    w = sender("after_kill")
    ok(wait_state(key, ("delivered",), 30), "the restarted worker delivers it after the lease", row(key))
    waited = time.monotonic() - started
    sends = [r for r in http.received("hold") if r.headers.get("Idempotency-Key") == key]
    ok(row(key)[2] == "1" and len(sends) == 2,
       "the send whose outcome was lost is repeated once, and recorded as a repeat (repeats 1)",
       (row(key), len(sends)))
    ok(waited < 20, "it came back within the lease (9 s) and a poll", waited)
    return w, key


def check_shared(outbox, http, ch):
    second = sender("second")
    http.script("shared", *[("stall", 0.3)] * 60)
    keys = outbox.add(ch["shared"], "13800000012", count=60)
    ok(all(wait_state(k, ("delivered",), 30) for k in keys), "two senders deliver 60 notifications written at once")
    got = [r.headers.get("Idempotency-Key") for r in http.received("shared")]
    ok(sorted(got) == sorted(keys), "each reached the receiver exactly once: two senders never claim the same row",
       "%d arrivals for %d notifications" % (len(got), len(keys)))
    shares = psql("SELECT count(*) FROM escalation.notification WHERE idempotency_key LIKE 'raised-%%' AND channel_id = %d"
                  " GROUP BY claimed_by ORDER BY 1" % ch["shared"]).split()
    ok(len(shares) == 2, "both senders took a share of them (claimed_by)", shares)
    ok(second.stop() == 0, "the second sender stops cleanly")
    return keys


def check_rate(http, keys, started):
    ok(http.wait_for(lambda rs: len([r for r in rs if r.path.endswith("/limited")]) >= len(keys), 150),
       "every notification on the rate-limited channel reaches it")
    times = sorted(r.at for r in http.received("limited"))
    worst = max(len([t for t in times if s <= t < s + 60]) for s in times)
    ok(worst <= RATE, "no minute at the receiver holds more than the channel's %d a minute" % RATE,
       [round(t - started, 1) for t in times])
    ok(times[-1] - times[0] >= 60, "the limit spread them over more than a minute", times[-1] - times[0])


def check_sigterm(outbox, http, ch, w):
    http.script("hold", ("stall", 1.5))
    key = outbox.add(ch["hold"], "13800000011")
    http.wait_for(lambda rs: any(r.headers.get("Idempotency-Key") == key for r in rs), 10)
    started = time.monotonic()
    code = w.stop()
    ok(code == 0 and time.monotonic() - started < 8, "SIGTERM stops the sender cleanly, after its running send",
       (code, time.monotonic() - started))
    ok(row(key)[0] == "delivered" and row(key)[2] == "0",
       "the send running at SIGTERM finished and was recorded before the exit (no repeat)", row(key))
    return key


def main():
    warning, person = setup()
    http = HttpReceiver(dingtalk_secrets={"dingtalk": DING_SECRET, "dingtalk_wrong": DING_SECRET})
    smtp = SmtpReceiver()
    at_exit(http.close)
    at_exit(smtp.close)
    ch = {
        "wecom": add_channel("企业微信值班群", "wecom", http.url("wecom", "wecom", "?key=robot-key")),
        "dingtalk": add_channel("钉钉值班群", "dingtalk", http.url("dingtalk", "dingtalk", "?access_token=robot-token"),
                                secret=DING_SECRET),
        "dingtalk_wrong": add_channel("钉钉错误密钥", "dingtalk", http.url("dingtalk", "dingtalk_wrong", "?access_token=x"),
                                      secret="SECwrong"),
        "sms": add_channel("短信网关", "sms", http.url("sms", "sms"), secret=SMS_TOKEN, settings={
            "method": "PUT", "content_type": "application/json; charset=utf-8", "auth_header": "X-Api-Token",
            "body": '{"to":"{{address}}","content":"{{text}}","ref":"{{key}}"}'}),
        "email": add_channel("邮件", "email", smtp.url(), settings={"from": "escalation@city.test"}),
        "retry": add_channel("短信重试", "sms", http.url("sms", "retry")),
        "busy": add_channel("企业微信繁忙", "wecom", http.url("wecom", "busy")),
        "dead": add_channel("短信故障", "sms", http.url("sms", "dead")),
        "hold": add_channel("短信慢", "sms", http.url("sms", "hold")),
        "limited": add_channel("企业微信限流", "wecom", http.url("wecom", "limited"), rate=RATE),
        "shared": add_channel("短信共享", "sms", http.url("sms", "shared")),
    }
    http.script("dead", *[("status", 500)] * 50)
    outbox = Outbox(warning, person)
    w = sender("main")
    ok(w.healthy_within(10), "the sender connects as a member of escalation_sender and reports healthy",
       w.get("/healthz"))
    ok(w.get("/screen/city")[0] == 404, "a sender serves no screens")

    # The rate-limited channel runs alongside everything else.
    rate_started = time.time()
    limited = outbox.add(ch["limited"], None, count=2 * RATE)
    keys = check_formats(outbox, http, smtp, ch)
    keys.append(check_dingtalk_refusal(outbox, http, ch))
    keys += check_retries(outbox, http, ch)

    text = w.get("/metrics")[2]
    ok(w.metric("escalation_worker_deliveries_total") >= 5 and w.metric("escalation_worker_delivery_failures_total") >= 3,
       "/metrics counts the sender's deliveries and failures", text)
    time.sleep(5.5)
    ok(w.metric("escalation_notifications_delivered") >= 5 and w.metric("escalation_notifications_failed") >= 1
       and w.metric("escalation_notifications_backlog") >= 1
       and w.metric("escalation_notifications_oldest_pending_age_seconds") > 0,
       "/metrics shows the outbox: delivered, failed, backlog and the oldest pending age",
       w.get("/metrics")[2])

    w, held = check_kill(outbox, http, ch, w)
    keys.append(held)
    keys += check_shared(outbox, http, ch)
    check_rate(http, limited, rate_started)
    keys += limited
    keys.append(check_sigterm(outbox, http, ch, w))

    # Nothing lost: all but two are delivered or failed; those two (钉钉's wrong
    # secret, the channel told to wait) wait for their next send, claimed by nobody.
    open_rows = psql("SELECT idempotency_key, state FROM escalation.notification WHERE state NOT IN ('delivered', 'failed')"
                     " ORDER BY id").splitlines()
    ok({line.split("|")[0] for line in open_rows} <= {keys[4], keys[6]}
       and all(line.split("|")[1] == "pending" for line in open_rows)
       and psql("SELECT count(*) FROM escalation.notification") == str(len(keys)),
       "every other notification ended delivered or failed: none lost", open_rows)
    seen = {r.headers.get("Idempotency-Key") for r in http.received()}
    missing = [k for k in keys if k not in seen and k not in (keys[3],)]
    ok(not missing, "every notification sent over HTTP reached its receiver", missing)


run_tests(main)
