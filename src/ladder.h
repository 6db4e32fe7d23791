/*
 * ladder.h
 *	  Stage arithmetic of the warning ladders: when a stage falls due, whether
 *	  it fires, and when the engine must next deal with an item itself.
 *
 * The one definition of these rules. The engine (engine_items.c) calls it for
 * every item it looks at; the SQL that keeps the work list
 * (escalation.retime_items, the view escalation.rule_offset) and the
 * benchmark's set-based ladders (bench/set_based.sql) call it through the SQL
 * functions of ladder_sql.c. Plain C with no backend dependency, like
 * codes.c.
 *
 * Times are PostgreSQL timestamptz values (microseconds since 2000-01-01
 * 00:00 UTC, the infinities at the ends of int64); offsets and delays are
 * microseconds, a day counting as 24 hours whatever the time zone says.
 */
#ifndef ESCALATION_LADDER_H
#define ESCALATION_LADDER_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t LadderTime;

#define LADDER_TIME_NOBEGIN		INT64_MIN	/* -infinity */
#define LADDER_TIME_NOEND		INT64_MAX	/* +infinity */
/* The first valid timestamp (4714-11-24 BC) and the first one past the end (294277-01-01). */
#define LADDER_TIME_MIN			INT64_C(-211813488000000000)
#define LADDER_TIME_END			INT64_C(9223371331200000000)
#define LADDER_USECS_PER_DAY	INT64_C(86400000000)

/* A time that may be unknown (SQL NULL): an item not handled, not withdrawn. */
typedef struct LadderMoment
{
	bool		known;
	LadderTime	at;
} LadderMoment;

/* Outcome of adding a rule's delay to a ladder's cumulative offset. */
typedef enum LadderDelayStatus
{
	LADDER_DELAY_OK,
	LADDER_DELAY_UNCOUNTABLE,	/* months (no fixed length) or a negative part */
	LADDER_DELAY_OUT_OF_RANGE	/* the sum does not fit */
} LadderDelayStatus;

extern LadderDelayStatus LadderAddDelay(int64_t offset, int32_t months, int32_t days, int64_t usecs,
										int64_t *sum);
extern LadderTime LadderStageDue(LadderTime start, int64_t offset);
extern LadderMoment LadderFiresUntil(LadderMoment handled, LadderMoment withdrawn);
extern bool LadderStageFires(LadderTime due, LadderMoment handled, LadderMoment withdrawn);
extern LadderMoment LadderEventDue(bool dual_prevention, LadderMoment first_due, LadderMoment handled,
								   LadderMoment withdrawn, LadderMoment superseded);

#endif							/* ESCALATION_LADDER_H */
