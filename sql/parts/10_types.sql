-- Types: administrative levels, classification enums, and the C identifier types
-- escalation.region (administrative division code) and escalation.uscc (unified
-- social credit code).

CREATE TYPE escalation.level AS ENUM ('city', 'district', 'street');
COMMENT ON TYPE escalation.level IS
	'Administrative level of the platform: city 市, district 区县 (incl. functional zones 功能区), street 街道/镇.';

CREATE TYPE escalation.social_function AS ENUM
	('enterprise', 'private_non_enterprise', 'social_organisation', 'public_institution', 'nine_small_venue');
COMMENT ON TYPE escalation.social_function IS
	'Social function of a unit (社会功能): enterprise 企业, private non-enterprise 民办非企业, social organisation 社会团体, public institution 事业单位, nine small venues 九小场所.';

CREATE TYPE escalation.supervision_type AS ENUM
	('industry_supervision', 'industry_authority', 'special_supervision', 'territorial', 'other');
COMMENT ON TYPE escalation.supervision_type IS
	'Supervision type (监管类型): industry supervision 行业监管, industry authority 行业主管, special supervision 专项监管, territorial 属地管理, other 其他管理.';

-- escalation.region and escalation.uscc follow (src/region.c, src/uscc.c).
