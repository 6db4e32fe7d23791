/*
 * queries.c
 *	  The queries escalation-worker sends: a city's functions, or a
 *	  province's (--province). The rules live in the database; these only
 *	  name what to read.
 */
#include "worker.h"

static const SourceQueries CityQueries = {
	.screens = "SELECT d.code::text AS code, d.name, escalation.region_level(d.code)::text AS level"
	" FROM escalation.division d"
	" WHERE escalation.region_level(d.code) IN ('city', 'district')"
	" ORDER BY escalation.region_level(d.code) <> 'city', d.code",
	.events = "SELECT * FROM escalation.warning_events($1::bigint, $2::int)",
	.events_tail = "SELECT escalation.warning_events_tail($1::int)",
	.screen_warnings = "SELECT * FROM escalation.screen_warnings($1::escalation.region)"
	" ORDER BY raised_at DESC, warning_id DESC",
	.documents = "SELECT * FROM escalation.document_list($1::escalation.region)",
	.order_document = "SELECT * FROM escalation.supervision_order_page($1::bigint)",
	.circular_document = "SELECT * FROM escalation.circular_page($1::bigint)",
	.circular_items = "SELECT * FROM escalation.circular_page_items($1::bigint)",
};

/* A province issues no documents: its queries leave them NULL (404). */
static const SourceQueries ProvinceQueries = {
	.screens = "SELECT code, name, level FROM escalation.province_screens()",
	.events = "SELECT * FROM escalation.province_events($1::bigint, $2::int)",
	.events_tail = "SELECT escalation.province_events_tail($1::int)",
	.screen_warnings = "SELECT * FROM escalation.province_screen_warnings($1::escalation.region)"
	" ORDER BY raised_at DESC, warning_id DESC",
};

/* The queries for the kind of database served (--province). */
const SourceQueries *
Queries(void)
{
	return config.province ? &ProvinceQueries : &CityQueries;
}
