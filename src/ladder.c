/*
 * ladder.c
 *	  Stage arithmetic of the warning ladders, independent of the backend
 *	  (see ladder.h).
 *
 * A stage k of an item falls due at start + delay_1 + ... + delay_k and fires
 * when it falls due before the item is handled or withdrawn. This file
 * deliberately does not include postgres.h: it uses only the C library.
 */
#include "ladder.h"

/* The earlier of two optional times; an unknown one does not count. */
static LadderMoment
Earliest(LadderMoment a, LadderMoment b)
{
	if (!a.known)
		return b;
	if (!b.known)
		return a;
	return a.at <= b.at ? a : b;
}

/*
 * Add a rule's delay (an interval: months, days, microseconds) to the offset
 * of the stage before it; *sum is the stage's offset from the item's start.
 * Delays are counted in days of 24 hours: a delay with months, or with a
 * negative part, cannot be counted.
 */
LadderDelayStatus
LadderAddDelay(int64_t offset, int32_t months, int32_t days, int64_t usecs, int64_t *sum)
{
	int64_t		delay;

	if (months != 0 || days < 0 || usecs < 0)
		return LADDER_DELAY_UNCOUNTABLE;
	if (__builtin_mul_overflow((int64_t) days, LADDER_USECS_PER_DAY, &delay) ||
		__builtin_add_overflow(delay, usecs, &delay) ||
		__builtin_add_overflow(offset, delay, sum))
		return LADDER_DELAY_OUT_OF_RANGE;
	return LADDER_DELAY_OK;
}

/*
 * When a stage falls due: the item's start plus the stage's offset; +infinity
 * when the start is not finite or the sum lies past the last valid time.
 */
LadderTime
LadderStageDue(LadderTime start, int64_t offset)
{
	LadderTime	due;

	if (start == LADDER_TIME_NOBEGIN || start == LADDER_TIME_NOEND ||
		__builtin_add_overflow(start, offset, &due) ||
		due < LADDER_TIME_MIN || due >= LADDER_TIME_END)
		return LADDER_TIME_NOEND;
	return due;
}

/* Until when an item's stages fire: its handling or withdrawal, whichever comes first. */
LadderMoment
LadderFiresUntil(LadderMoment handled, LadderMoment withdrawn)
{
	return Earliest(handled, withdrawn);
}

/* Whether a stage due at due fires: the item was not handled or withdrawn at or before it. */
bool
LadderStageFires(LadderTime due, LadderMoment handled, LadderMoment withdrawn)
{
	LadderMoment until = LadderFiresUntil(handled, withdrawn);

	return !until.known || until.at > due;
}

/*
 * When a run must next deal with an item itself (its stages wait in rows of
 * their own): its handling, if a stage can have fired before it (to resolve
 * the warnings) or always for dual prevention (to start the next idle
 * episode); its withdrawal; the move of its start. first_due is when the
 * item's first stage falls due (unknown: the ladder has no stage). Unknown
 * when only its stages can happen until its data changes.
 */
LadderMoment
LadderEventDue(bool dual_prevention, LadderMoment first_due, LadderMoment handled,
			   LadderMoment withdrawn, LadderMoment superseded)
{
	LadderMoment resolve = {false, 0};

	if (handled.known && (dual_prevention || (first_due.known && first_due.at < handled.at)))
		resolve = handled;
	return Earliest(Earliest(resolve, withdrawn), superseded);
}
