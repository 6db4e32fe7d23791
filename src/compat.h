/*
 * compat.h
 *	  The executor calls of the direct table writer (engine_store.c) whose
 *	  signatures differ between PostgreSQL releases, under one name each.
 *
 * Only PostgreSQL 15 is built and tested; the other branches follow the
 * release notes' signatures and must be built and tested before a release
 * claims them.
 */
#ifndef ESCALATION_COMPAT_H
#define ESCALATION_COMPAT_H

#include "executor/executor.h"

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 180000
#error "the engine's table writer (src/engine_store.c) supports PostgreSQL 15 to 17"
#endif

#if PG_VERSION_NUM >= 160000
/* PostgreSQL 16 added onlySummarizing, permission infos and result relations. */
#define CompatInsertIndexTuples(rri, slot, estate) \
	ExecInsertIndexTuples((rri), (slot), (estate), false, false, NULL, NIL, false)
#define CompatInitRangeTable(estate, rtable) \
	ExecInitRangeTable((estate), (rtable), NIL)
#define CompatEvalPlanQualInit(epq, estate) \
	EvalPlanQualInit((epq), (estate), NULL, NIL, -1, NIL)
#else
#define CompatInsertIndexTuples(rri, slot, estate) \
	ExecInsertIndexTuples((rri), (slot), (estate), false, false, NULL, NIL)
#define CompatInitRangeTable(estate, rtable) \
	ExecInitRangeTable((estate), (rtable))
#define CompatEvalPlanQualInit(epq, estate) \
	EvalPlanQualInit((epq), (estate), NULL, NIL, -1)
#endif

#endif							/* ESCALATION_COMPAT_H */
