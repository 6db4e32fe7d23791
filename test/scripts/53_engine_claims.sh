#!/usr/bin/env bash
# 53_engine_claims.sh — a run never waits for an item another transaction is
# changing: while a session holds a hazard's new deadline (a failed
# re-inspection) uncommitted
# (its work-list row locked, its waiting stage rows being rewritten), a run as
# of a time when the old deadline's stage 2 is due neither waits nor raises
# it; once the extension commits, the next run resolves the old deadline's
# warning as rescheduled and raises nothing of it. Runs in a database of its
# own, dropped at the end.
set -uo pipefail

. "${ESCALATION_TOP:?run me through ./check}/test/scripts/lib/tap.sh"

db=t53_claims
q() { psql -qXAt -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
cleanup() {
	[ -n "${HOLDER_PID:-}" ] && kill "$HOLDER_PID" 2>/dev/null
	psql -qX -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

cleanup
psql -qX -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db" >/dev/null
q "CREATE EXTENSION escalation" >/dev/null
q "INSERT INTO escalation.division (code, name) VALUES ('370100', '济南市'), ('370102', '历下区'), ('370102001', '解放路街道');
   INSERT INTO escalation.department (id, name, level, region) OVERRIDING SYSTEM VALUE VALUES (2, '历下区应急管理局', 'district', '370102');
   INSERT INTO escalation.unit (id, name, region, supervision_level) OVERRIDING SYSTEM VALUE VALUES (10, '济南泉城机械有限公司', '370102001', 'street');
   INSERT INTO escalation.hazard (id, unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline) OVERRIDING SYSTEM VALUE
   VALUES (5301, 10, 2, now() - interval '20 days', 'general', true, now() - interval '10 days');
   INSERT INTO escalation.supervision_assignment (unit_id, department_id, supervision_type, level, period)
   VALUES (10, 2, 'territorial', 'district', daterange(current_date - 30, NULL))" >/dev/null
raised=$(q "SELECT escalation.run(now() - interval '9 days')")
[ "$raised" = 1 ]
ok $? "stage 1 of the overdue hazard is raised (raised: $raised)"

# The holder: fails the re-inspection with a new deadline and keeps its
# transaction open.
q "SELECT escalation.hazard_rectify(5301, '张经理', NULL, now() - interval '8 days 1 hour')" >/dev/null
coproc HOLDER { psql -qXAt -v ON_ERROR_STOP=1 -d "$db" 2>&1; }
HOLDER_PID=$HOLDER_PID
echo "BEGIN; SELECT (escalation.hazard_recheck(5301, 2, false, '整改不到位', now() + interval '10 days', NULL, now() - interval '8 days')).id;" >&"${HOLDER[1]}"
read -r -t 30 held <&"${HOLDER[0]}"
[ "$held" = 5301 ]
ok $? "another session holds the hazard's new deadline uncommitted" "$held"

started=$SECONDS
out=$(PGOPTIONS='-c statement_timeout=20s' q "SELECT escalation.run(now() - interval '6 days')" 2>&1)
took=$((SECONDS - started))
[ "$out" = 0 ] && [ "$took" -lt 15 ]
ok $? "meanwhile a run as of stage 2's due time neither waits (${took} s) nor raises it (raised: $out)" "$out"

echo "COMMIT; SELECT 'committed';" >&"${HOLDER[1]}"
read -r -t 30 committed <&"${HOLDER[0]}"
echo '\q' >&"${HOLDER[1]}"
[ "$committed" = committed ]
ok $? "the new deadline commits"

out=$(q "SELECT escalation.run(now() - interval '6 days')")
state=$(q "SELECT string_agg(stage || ':' || coalesce(resolved_reason::text, 'active'), ',' ORDER BY stage)
	FROM escalation.warning WHERE subject_id = 5301")
[ "$out" = 0 ] && [ "$state" = "1:rescheduled" ]
ok $? "the next run resolves the old deadline's warning as rescheduled and raises nothing of it ($state)"

tap_done
