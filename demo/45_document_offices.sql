-- The issuing offices of the demo (发文机关): the city's and every district's
-- work-safety committee office (安委会办公室), with the short names that head
-- their document numbers (济安办督〔2026〕5号, 历下安办督〔2026〕17号). Registered
-- before the engine's first run, so the backlog's supervision orders are
-- numbered.

\set ON_ERROR_STOP on
SET search_path = escalation, public;

INSERT INTO document_office (department_id, short_name)
SELECT d.id,
	CASE WHEN d.level = 'city' THEN '济安办'
		 ELSE regexp_replace(regexp_replace(replace(replace(d.name, '安全生产委员会办公室', ''), '技术产业开发', ''), '^济南', ''), '(区|县|市)$', '') || '安办' END
FROM department d
WHERE d.kind = 'safety_committee_office' AND d.level IN ('city', 'district')
ORDER BY d.region;

SELECT string_agg(short_name, '、' ORDER BY region) AS offices FROM document_office \gset
\echo documents: issuing offices :offices
