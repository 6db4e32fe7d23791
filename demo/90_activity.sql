-- Demo activity: a minute-by-minute generator of the city's daily work, so that the
-- screens keep moving while someone watches. Every minute pg_cron calls
-- demo.tick(): inspectors find new hazards (some with deadlines minutes away, some
-- suspected major), units ask for extensions that are granted or refused, units
-- rectify and get re-inspected, suspected major hazards are
-- confirmed or ruled out, clues are handled or forwarded, idle units run their overdue dual
-- prevention checks again and units §12 obliges that never enrolled now and then enrol. The escalation job, scheduled by demo/50_engine.sql, then raises and
-- resolves warnings, and the worker pushes them to the screens. The command
-- centres sign, dispatch and review warnings, and the departments answer, so
-- the handling states on the screens move too.
--
-- Not part of the extension: it lives in schema demo and works only through the
-- platform's own functions, as the city's users would.

\set ON_ERROR_STOP on
SET search_path = escalation, public;

CREATE SCHEMA IF NOT EXISTS demo;
COMMENT ON SCHEMA demo IS 'Demo activity generator (not part of the extension). 演示数据生成';

-- Hazard descriptions an inspector writes, by category.
CREATE TABLE IF NOT EXISTS demo.finding (
	category escalation.hazard_category NOT NULL,
	description text NOT NULL
);
TRUNCATE demo.finding;
INSERT INTO demo.finding VALUES
	('fire', '疏散通道堆放杂物，安全出口指示标志损坏'),
	('fire', '消防栓被遮挡，灭火器压力不足'),
	('electrical', '配电箱未上锁，临时用电线路私拉乱接'),
	('machinery', '冲压设备防护罩缺失，未设置急停装置'),
	('special_equipment', '叉车未按期检验，司机无特种作业操作证'),
	('hazardous_chemicals', '危险化学品仓库超量储存，禁忌物料混存'),
	('dust_explosion', '除尘系统未设置泄爆装置，积尘未及时清理'),
	('confined_space', '有限空间作业未执行先通风、再检测、后作业'),
	('gas', '燃气管道未安装可燃气体报警装置'),
	('ammonia_refrigeration', '氨制冷机房未设置氨气浓度报警和事故排风'),
	('working_at_height', '高处作业未系安全带，防护栏杆缺失'),
	('construction', '深基坑支护未按方案施工，无监测记录'),
	('management', '安全教育培训记录不全，应急预案未演练');

-- One minute of the city's work. Returns a line saying what happened.
CREATE OR REPLACE FUNCTION demo.tick(at timestamptz DEFAULT statement_timestamp()) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, escalation AS
$$
DECLARE
	found int := 0;
	closed int := 0;
	confirmed int := 0;
	handled int := 0;
	ran int := 0;
	enrolled int := 0;
	worked int := 0;
	asked int := 0;
	decided int := 0;
	r record;
	office bigint;
	insp bigint;
BEGIN
	-- New findings: one to three inspections by a supervising department, each
	-- finding one hazard; the deadline is minutes away so that the ladder shows.
	FOR r IN
		SELECT sa.unit_id, sa.department_id, f.category, f.description
		FROM escalation.supervision_assignment sa
		JOIN escalation.unit u ON u.id = sa.unit_id AND u.business_status = 'operating'
		CROSS JOIN LATERAL (SELECT * FROM demo.finding ORDER BY random() + 0 * sa.id LIMIT 1) f
		WHERE sa.period @> (at AT TIME ZONE 'Asia/Shanghai')::date
		ORDER BY random() LIMIT 1 + floor(random() * 3)::int
	LOOP
		insp := escalation.inspect(r.unit_id, r.department_id,
								   mode => CASE WHEN random() < 0.3 THEN 'online' ELSE 'on_site' END::escalation.inspection_mode,
								   checked => '日常安全检查', findings => r.description, inspected_at => at);
		PERFORM escalation.hazard_report(r.description,
			rectify_deadline => at + make_interval(mins => 2 + floor(random() * 6)::int),
			inspection_id => insp,
			grade => CASE WHEN random() < 0.15 THEN 'suspected_major' ELSE 'general' END::escalation.hazard_grade,
			category => r.category, measures => '立即整改，整改完成后申请复查', found_at => at);
		found := found + 1;
	END LOOP;

	-- Handling: rectify, re-inspect (passed) and close one or two hazards whose
	-- warnings are on the screens, so they leave them.
	FOR r IN
		SELECT DISTINCT h.id, h.found_by, h.status
		FROM escalation.warning w JOIN escalation.hazard h ON h.id = w.subject_id
		WHERE w.kind = 'hazard_overdue' AND w.resolved_at IS NULL AND h.closed_at IS NULL
		  AND h.grade IN ('general', 'not_major') AND h.found_at < at - interval '3 minutes'
		ORDER BY h.id LIMIT 1 + floor(random() * 2)::int
	LOOP
		BEGIN
			IF r.status = 'rectifying' THEN
				PERFORM escalation.hazard_rectify(r.id, '企业安全管理员', '已按要求整改', rectified_at => at);
			END IF;
			IF r.status IN ('rectifying', 'rectified') THEN
				PERFORM escalation.hazard_recheck(r.id, r.found_by, true, '复查合格', rechecked_at => at);
			END IF;
			PERFORM escalation.hazard_close(r.id, r.found_by, '整改到位，予以销号', closed_at => at);
			closed := closed + 1;
		EXCEPTION WHEN object_not_in_prerequisite_state OR check_violation OR insufficient_privilege THEN
			-- A hazard whose lifecycle the shortcut does not fit (a re-inspection by a
			-- department that no longer supervises the unit, say) is left to the inspectors.
			NULL;
		END;
	END LOOP;

	-- A unit asks for more time before its deadline (延期申请).
	FOR r IN
		SELECT h.id, h.rectify_deadline FROM escalation.hazard h
		WHERE h.status = 'rectifying' AND h.grade IN ('general', 'not_major')
		  AND h.rectify_deadline BETWEEN at + interval '1 minute' AND at + interval '10 minutes'
		  AND NOT EXISTS (SELECT 1 FROM escalation.hazard_extension e WHERE e.hazard_id = h.id)
		ORDER BY random() LIMIT (random() < 0.4)::int
	LOOP
		PERFORM escalation.hazard_extension_request(r.id, r.rectify_deadline + interval '5 minutes',
			'整改所需配件未到货，申请延期', '企业安全管理员', at);
		asked := asked + 1;
	END LOOP;

	-- Pending requests are decided: by the department that found the hazard
	-- while its deadline has not passed, else by the safety committee office of
	-- the screen it is on, which refuses: the warnings stay.
	FOR r IN
		SELECT e.hazard_id, e.requested_deadline, h.found_by, h.rectify_deadline, h.region
		FROM escalation.hazard_extension e JOIN escalation.hazard h ON h.id = e.hazard_id
		WHERE e.decided_at IS NULL AND e.requested_at < at
	LOOP
		IF r.rectify_deadline > at THEN
			IF random() < 0.6 THEN
				PERFORM escalation.hazard_extend(r.hazard_id, r.requested_deadline, '情况属实，同意延期', r.found_by, at);
			ELSE
				PERFORM escalation.hazard_extension_refuse(r.hazard_id, r.found_by, '整改措施简单，不予延期', at);
			END IF;
			decided := decided + 1;
			CONTINUE;
		END IF;
		FOR office IN
			SELECT d.id FROM escalation.department d
			WHERE d.kind = 'safety_committee_office'
			  AND d.region IN (escalation.region_district(r.region), escalation.region_city(r.region))
			ORDER BY d.level DESC
		LOOP
			BEGIN
				PERFORM escalation.hazard_extension_refuse(r.hazard_id, office, '已逾期，预警保留，不予延期', at);
				decided := decided + 1;
				EXIT;
			EXCEPTION WHEN object_not_in_prerequisite_state THEN
				NULL;  -- not this office's screen
			END;
		END LOOP;
	END LOOP;

	-- A suspected major hazard on the screens is confirmed or ruled out.
	FOR r IN
		SELECT h.id, h.found_by FROM escalation.hazard h
		WHERE h.grade = 'suspected_major' AND h.confirmed_at IS NULL AND h.found_at < at - interval '2 minutes'
		ORDER BY random() LIMIT (random() < 0.5)::int
	LOOP
		PERFORM escalation.hazard_confirm(r.id, random() < 0.3, r.found_by, '组织专家现场核实',
										  rectify_deadline => at + interval '30 days', confirmed_at => at);
		confirmed := confirmed + 1;
	END LOOP;

	-- A transferred clue is accepted by its receiving department, or forwarded
	-- (转办) to another department, which inherits the chain's clock; past the
	-- limit on forwards only acceptance is left.
	FOR r IN
		SELECT c.id, c.to_department FROM escalation.clue c WHERE c.handled_at IS NULL AND c.transferred_at < at
		ORDER BY c.transferred_at LIMIT (random() < 0.4)::int
	LOOP
		BEGIN
			IF random() < 0.3 THEN
				PERFORM escalation.clue_handle(r.id, 'forwarded', '不属本部门职权，转办', forward_to => (
					SELECT d.id FROM escalation.department d
					WHERE d.kind = 'functional_department' AND d.id <> r.to_department ORDER BY random() LIMIT 1),
					handled_at => at);
			ELSE
				PERFORM escalation.clue_handle(r.id, 'accepted', '已受理立案', 'JN-' || r.id, handled_at => at);
			END IF;
		EXCEPTION WHEN object_not_in_prerequisite_state THEN
			PERFORM escalation.clue_handle(r.id, 'accepted', '转办次数已达上限，受理立案', 'JN-' || r.id, handled_at => at);
		END;
		handled := handled + 1;
	END LOOP;

	-- An idle dual-prevention unit (a check task overdue, §19) runs its overdue
	-- checks again, each naming its task; now and then a unit §12 obliges that
	-- never enrolled comes under platform management.
	FOR r IN
		SELECT p.unit_id FROM escalation.dp_running p
		WHERE p.overdue_tasks > 0
		ORDER BY random() LIMIT (random() < 0.4)::int
	LOOP
		PERFORM escalation.dp_record_run(r.unit_id, k.id, 'normal', '企业安全员', ran_at => at)
		FROM escalation.dp_check_task k
		WHERE k.unit_id = r.unit_id AND k.active
		  AND coalesce((SELECT max(x.ran_at) FROM escalation.dp_run x WHERE x.task_id = k.id), k.starts_at) + k.every <= at;
		ran := ran + 1;
	END LOOP;
	FOR r IN
		SELECT c.unit_id,
			(SELECT a.department_id FROM escalation.supervision_assignment a WHERE a.unit_id = c.unit_id AND upper_inf(a.period)
			 ORDER BY a.supervision_type <> 'territorial' DESC, a.id LIMIT 1) AS department_id
		FROM escalation.dual_prevention_coverage c
		WHERE c.required AND NOT c.enrolled
		ORDER BY random() LIMIT (random() < 0.02)::int
	LOOP
		CONTINUE WHEN r.department_id IS NULL;
		PERFORM escalation.dp_enrol(r.unit_id, r.department_id, at, '应建未建单位，督促后纳入平台管理');
		enrolled := enrolled + 1;
	END LOOP;

	-- The command centres and the addressee departments work a few warnings a
	-- step on: sign, dispatch, answer, then close or (three times in ten) return.
	FOR r IN
		SELECT h.warning_id, h.state, coalesce(h.addressee_department_id,
			(SELECT d.id FROM escalation.department d WHERE d.region = w.screen_region ORDER BY d.id LIMIT 1)) AS department_id
		FROM escalation.warning_handling h
		JOIN escalation.warning w ON w.id = h.warning_id
		WHERE w.resolved_at IS NULL AND h.state <> 'closed' AND w.raised_at < at - interval '1 minute'
		ORDER BY random() LIMIT 1 + floor(random() * 3)::int
	LOOP
		CASE r.state
			WHEN 'raised' THEN
				PERFORM escalation.warning_sign(r.warning_id, '指挥中心已签收');
			WHEN 'signed' THEN
				CONTINUE WHEN r.department_id IS NULL;
				PERFORM escalation.warning_dispatch(r.warning_id, r.department_id, note => '请于三日内反馈处置情况');
			WHEN 'dispatched', 'returned' THEN
				PERFORM escalation.warning_feedback(r.warning_id, '已督促企业整改，附件：现场照片、整改通知书');
			WHEN 'answered' THEN
				IF random() < 0.3 THEN
					PERFORM escalation.warning_review(r.warning_id, false, '整改措施不具体，请补充');
				ELSE
					PERFORM escalation.warning_review(r.warning_id, true, '已立案督办');
				END IF;
		END CASE;
		worked := worked + 1;
	END LOOP;

	RETURN format('found %s, extensions asked %s and decided %s, closed %s, confirmed %s, clues handled %s, dual prevention units run %s and enrolled %s, warning steps %s',
				  found, asked, decided, closed, confirmed, handled, ran, enrolled, worked);
END
$$;
COMMENT ON FUNCTION demo.tick(timestamptz) IS 'One minute of demo activity. 演示：一分钟的日常工作';

-- The district offices of the demo are their districts' command centres, and
-- the city has one of its own.
DO $centres$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'demo_city_centre') THEN
		CREATE ROLE demo_city_centre LOGIN;
	END IF;
	GRANT escalation_user, escalation_command_centre TO demo_city_centre;
	GRANT escalation_command_centre TO demo_lixia, demo_shizhong;
END
$centres$;
INSERT INTO escalation.user_region (role_name, region, note) VALUES ('demo_city_centre', '370100', '济南市应急指挥中心')
ON CONFLICT (role_name) DO UPDATE SET region = EXCLUDED.region, note = EXCLUDED.note;

SELECT cron.schedule('escalation-demo-activity', '* * * * *', 'SELECT demo.tick()');
