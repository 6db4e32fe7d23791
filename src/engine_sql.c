/*
 * engine_sql.c
 *	  The SQL of the warning engine: the statements a run executes, built once
 *	  from the column lists of engine_sql.h and kept as plans across runs, the
 *	  array batches that carry many rows to one statement, and the cursor
 *	  over the due work.
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "escalation.h"
#include "engine.h"
#include "engine_sql.h"

/* Rows read from a due query's cursor per batch. */
#define FETCH_SIZE			2000

EngineCache *engine_cache = NULL;

static const char *const KindNames[NUM_KINDS] = {
	"hazard_overdue", "major_hazard", "clue", "licence_expired", "dual_prevention_idle",
	"handling_sign", "handling_reply", "major_hazard_listed"
};

/* The statements' column names, from their lists in engine_sql.h. */
static const char *const DueEventColumns[] = {DUE_COLUMNS(COLUMN_NAME)};
#define COLUMN_THIRD(id, first, second, ...) second,
static const char *const DueStageColumns[] = {DUE_COLUMNS(COLUMN_THIRD)};
static const char *const RuleColumnNames[] = {RULE_COLUMNS(COLUMN_NAME)};
static const char *const ResolveColumnNames[] = {RESOLVE_COLUMNS(COLUMN_NAME)};
static const char *const LogColumnNames[] = {LOG_COLUMNS(COLUMN_NAME)};
#define COLUMN_TYPE(id, name, type) type,
const EngineType EngineResolveTypes[NUM_RESOLVE_COLUMNS] = {RESOLVE_COLUMNS(COLUMN_TYPE)};
static const EngineType LogTypes[] = {LOG_COLUMNS(COLUMN_TYPE)};

/*
 * How a kept statement is planned. The statements that read a time range or
 * take a batch of rows as arrays are planned for their actual values each
 * time (the plan's text and parameter types are kept): a generic plan made
 * when the warning table was empty would join every later batch against it
 * with a full scan, and one catch-up run can grow it from nothing to millions
 * of rows. Planning sees the array lengths and the tables' current sizes,
 * and costs about a millisecond per batch of a thousand items.
 */
#define PLAN_CUSTOM		CURSOR_OPT_CUSTOM_PLAN
#define PLAN_ANY		0

/* Prepare query with parameters of the given types and keep the plan. */
static SPIPlanPtr
KeepPlan(const char *query, int nargs, const Oid *argtypes, int planning)
{
	SPIPlanPtr	plan;

	plan = SPI_prepare_cursor(query, nargs, (Oid *) argtypes, planning);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare_cursor failed: %s", SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	return plan;
}

/* names joined by ", ", each after prefix; or "$1, $2, ..." when names is NULL. */
static char *
ColumnList(const char *prefix, const char *const *names, int n)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (names != NULL)
			appendStringInfo(&buf, "%s%s", prefix, names[i]);
		else
			appendStringInfo(&buf, "$%d", i + 1);
	}
	return buf.data;
}

/* The array types (or with scalar, the types) of the given engine types. */
static Oid *
ParamTypes(const EngineType *types, int n, bool scalar)
{
	Oid		   *oids = palloc(sizeof(Oid) * n);

	for (int i = 0; i < n; i++)
		oids[i] = scalar ? engine_cache->types[types[i]].elemtype : engine_cache->types[types[i]].arraytype;
	return oids;
}

/* Fill the element and array type of a column from the catalog. */
static void
LoadColumnType(ColumnType *type, Oid elemtype)
{
	type->elemtype = elemtype;
	type->arraytype = get_array_type(elemtype);
	if (!OidIsValid(type->arraytype))
		elog(ERROR, "type %u has no array type", elemtype);
	get_typlenbyvalalign(elemtype, &type->typlen, &type->byval, &type->align);
}

/* The OID of type name in the extension's schema. */
static Oid
ExtensionType(const char *name)
{
	Oid			typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
										ObjectIdGetDatum(get_namespace_oid(ENGINE_SCHEMA, false)));

	if (!OidIsValid(typid))
		elog(ERROR, "type %s.%s does not exist", ENGINE_SCHEMA, name);
	return typid;
}

/* The value of enum type typid labelled label. */
static Datum
EnumValue(EngineType type, const char *label)
{
	return DirectFunctionCall2(enum_in, CStringGetDatum(label),
							   ObjectIdGetDatum(engine_cache->types[type].elemtype));
}

/*
 * The values of the kinds the enum has (InvalidOid for the others). Looked up
 * in the catalog, not through enum_in: a kind an upgrade adds is unknown
 * before it and cannot be used in its transaction, and neither is an error
 * for a run, which simply finds no item of it.
 */
static void
LoadKinds(EngineCache *c)
{
	for (int k = 0; k < NUM_KINDS; k++)
		c->kinds[k] = ObjectIdGetDatum(GetSysCacheOid2(ENUMTYPOIDNAME, Anum_pg_enum_oid,
													   ObjectIdGetDatum(c->types[TYPE_KIND].elemtype),
													   CStringGetDatum(KindNames[k])));
}

/* Free the plans of the cache, if any. */
static void
FreePlans(EngineCache *c)
{
	SPIPlanPtr *plans[] = {
		&c->rules_plan, &c->event_plan, &c->stage_plan, &c->raised_plan, &c->resolve_plan,
		&c->next_episode_plan, &c->prune_plan, &c->log_plan
	};

	for (size_t i = 0; i < lengthof(plans); i++)
	{
		if (*plans[i] != NULL)
			SPI_freeplan(*plans[i]);
		*plans[i] = NULL;
	}
}

/* The types and enum values of the installed extension. */
static void
LoadTypes(EngineCache *c)
{
	static const struct
	{
		EngineType	type;
		const char *extension_type;
		Oid			builtin;
	}			types[] = {
		{TYPE_KIND, "warning_kind"}, {TYPE_LEVEL, "level"}, {TYPE_ACTION, "warning_action"},
		{TYPE_RESOLUTION, "warning_resolution"}, {TYPE_REGION, "region"}, {TYPE_TID, NULL, TIDOID},
		{TYPE_INT8, NULL, INT8OID}, {TYPE_INT2, NULL, INT2OID}, {TYPE_TIMESTAMPTZ, NULL, TIMESTAMPTZOID},
		{TYPE_TEXT, NULL, TEXTOID}
	};

	StaticAssertStmt(lengthof(types) == NUM_TYPES, "every engine type is loaded");
	for (size_t i = 0; i < lengthof(types); i++)
		LoadColumnType(&c->types[types[i].type],
					   types[i].extension_type ? ExtensionType(types[i].extension_type) : types[i].builtin);
	LoadKinds(c);
	c->level_city = EnumValue(TYPE_LEVEL, "city");
	c->rescheduled = EnumValue(TYPE_RESOLUTION, "rescheduled");
	c->withdrawn = EnumValue(TYPE_RESOLUTION, "withdrawn");
}

/* The two due queries: items with something of their own due, and stages due. */
static void
PrepareDueQueries(EngineCache *c)
{
	Oid			types[] = {TIMESTAMPTZOID, INT8OID};

	/*
	 * Items with something of their own due, locked (an item being changed
	 * is left to the next run), with all their waiting stages; at most $2 of
	 * them (the run asks again until fewer come).
	 */
	c->event_plan = KeepPlan(psprintf("SELECT %s "
									  "FROM escalation.tracked_item t, LATERAL ("
									  "  SELECT array_agg(s.ctid) AS tids, array_agg(s.stage) AS stages,"
									  "         array_agg(s.started_at) AS started"
									  "  FROM escalation.stage_due s"
									  "  WHERE s.subject_id = t.subject_id AND s.kind = t.kind) w "
									  "WHERE t.next_due_at <= $1 "
									  "LIMIT $2 "
									  "FOR UPDATE OF t SKIP LOCKED",
									  ColumnList("", DueEventColumns, NUM_DUE_COLUMNS)),
							 2, types, PLAN_CUSTOM);

	/* A stage row is claimed by deleting it; the item's row is not read. */
	c->stage_plan = KeepPlan(psprintf("SELECT %s FROM escalation.stage_due s WHERE s.due_at <= $1",
									  ColumnList("", DueStageColumns, NUM_DUE_COLUMNS)),
							 1, types, PLAN_CUSTOM);
}

/* The statements that read or write a few rows: rules, runs, probes, the log. */
static void
PrepareSmallStatements(EngineCache *c)
{
	Oid			next_episode_types[] = {INT8OID, TIMESTAMPTZOID};
	Oid			raised_types[] = {c->types[TYPE_KIND].elemtype, INT8OID, TIMESTAMPTZOID, INT2OID};
	Oid			prune_types[] = {TIMESTAMPTZOID};

	c->rules_plan = KeepPlan(psprintf("SELECT %s FROM escalation.rule ORDER BY kind, origin, stage",
									  ColumnList("", RuleColumnNames, NUM_RULE_COLUMNS)),
							 0, NULL, PLAN_ANY);
	/* 0.1.0's SQL has no idle episodes: the next begins at the run that ended the last. */
	c->next_episode_plan = KeepPlan(OidIsValid(c->episode_function)
									? "SELECT e.started_at, e.handled_at FROM escalation.dp_idle_episode($1, $2) e"
									: "SELECT $2, min(ran_at) FROM escalation.dp_run WHERE unit_id = $1 AND ran_at > $2",
									lengthof(next_episode_types), next_episode_types, PLAN_ANY);
	c->raised_plan = KeepPlan("SELECT 1 FROM escalation.warning"
							  " WHERE kind = $1 AND subject_id = $2 AND started_at = $3 AND stage = $4",
							  lengthof(raised_types), raised_types, PLAN_ANY);

	/* Most runs have nothing to prune; the oldest row says so from the index. */
	c->prune_plan = KeepPlan("DELETE FROM escalation.run_log WHERE started_at < $1"
							 " AND (SELECT min(started_at) FROM escalation.run_log) < $1",
							 lengthof(prune_types), prune_types, PLAN_CUSTOM);
	c->log_plan = KeepPlan(psprintf("INSERT INTO escalation.run_log (%s, finished_at, pid)"
									" VALUES (%s, clock_timestamp(), pg_backend_pid())",
									ColumnList("", LogColumnNames, NUM_LOG_COLUMNS),
									ColumnList("", NULL, NUM_LOG_COLUMNS)),
						   NUM_LOG_COLUMNS, ParamTypes(LogTypes, NUM_LOG_COLUMNS, true), PLAN_ANY);
}

/* The resolution of items' open warnings, a batch of items at a time. */
static void
PrepareResolve(EngineCache *c)
{
	c->resolve_plan = KeepPlan(psprintf("WITH resolved AS ("
										" UPDATE escalation.warning AS w"
										" SET resolved_at = r.resolved_at, resolved_reason = r.reason,"
										"     resolved_seq = nextval('escalation.warning_event_seq')"
										" FROM unnest(%s) AS r(%s)"
										" WHERE w.kind = r.kind AND w.subject_id = r.subject_id"
										"   AND w.resolved_at IS NULL"
										"   AND (r.episode IS NULL OR w.started_at = r.episode)"
										"   AND (r.other_than IS NULL OR w.started_at <> r.other_than)"
										" RETURNING w.resolved_seq) "
										"SELECT count(*), min(resolved_seq), max(resolved_seq) FROM resolved",
										ColumnList("", NULL, NUM_RESOLVE_COLUMNS),
										ColumnList("", ResolveColumnNames, NUM_RESOLVE_COLUMNS)),
							   NUM_RESOLVE_COLUMNS, ParamTypes(EngineResolveTypes, NUM_RESOLVE_COLUMNS, false),
							   PLAN_CUSTOM);
}

/* escalation.dp_idle_episode(bigint, timestamptz), InvalidOid before 0.2.0's SQL. */
static Oid
EpisodeFunction(void)
{
	Oid			args[] = {INT8OID, TIMESTAMPTZOID};

	return LookupFuncName(list_make2(makeString(pstrdup(ENGINE_SCHEMA)), makeString(pstrdup("dp_idle_episode"))),
						  lengthof(args), args, true);
}

/* Build (or rebuild) the cache of types, enum values and plans. */
static void
LoadCache(Oid warning_relid, Oid episode_function)
{
	EngineCache *c;

	if (engine_cache == NULL)
		engine_cache = MemoryContextAllocZero(TopMemoryContext, sizeof(EngineCache));
	else
		FreePlans(engine_cache);
	c = engine_cache;
	c->warning_relid = InvalidOid;
	c->episode_function = episode_function;

	/* The statements' texts stay in SPI's procedure context until the call ends. */
	LoadTypes(c);
	PrepareDueQueries(c);
	PrepareSmallStatements(c);
	PrepareResolve(c);

	c->tracked_relid = EngineRelation("tracked_item");
	c->stage_relid = EngineRelation("stage_due");
	c->warning_relid = warning_relid;
}

/* Make sure the cache belongs to the extension installed now. */
void
EngineCacheEnsure(void)
{
	Oid			nsp = get_namespace_oid(ENGINE_SCHEMA, true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid("warning", nsp) : InvalidOid;
	Oid			episode_function;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"escalation.warning\" does not exist"),
				 errhint("Is the extension escalation installed in this database?")));
	/* An upgrade in this session changes what the statements may call. */
	episode_function = EpisodeFunction();
	if (engine_cache == NULL || engine_cache->warning_relid != relid
		|| engine_cache->episode_function != episode_function)
		LoadCache(relid, episode_function);
}

/* Set up an empty array batch for plan; its arrays are built in cxt. */
void
EngineBatchInit(ArrayBatch *batch, SPIPlanPtr plan, int capacity, int ncolumns, const EngineType *types,
				MemoryContext cxt)
{
	Assert(ncolumns <= BATCH_MAX_COLUMNS);
	batch->plan = plan;
	batch->ncolumns = ncolumns;
	batch->types = types;
	batch->count = 0;
	batch->capacity = capacity;
	batch->cxt = cxt;
	for (int c = 0; c < ncolumns; c++)
	{
		batch->values[c] = palloc(sizeof(Datum) * capacity);
		batch->nulls[c] = palloc(sizeof(bool) * capacity);
	}
}

/* Whether batch must be flushed before another row is added. */
bool
EngineBatchFull(const ArrayBatch *batch)
{
	return batch->count == batch->capacity;
}

/* Append a row to batch; the caller checks that there is room. */
void
EngineBatchAdd(ArrayBatch *batch, const Datum *values, const bool *nulls)
{
	int			row = batch->count++;

	Assert(row < batch->capacity);
	for (int c = 0; c < batch->ncolumns; c++)
	{
		batch->values[c][row] = values[c];
		batch->nulls[c][row] = nulls[c];
	}
}

/*
 * Execute batch's statement with its rows as array parameters and empty it.
 * The statement reports (count, first event, last event): returns the count
 * and widens [*first_event, *last_event] (0: none yet) to the events.
 */
int64
EngineBatchFlush(ArrayBatch *batch, int64 *first_event, int64 *last_event)
{
	Datum		params[BATCH_MAX_COLUMNS];
	MemoryContext old;
	int			lbound = 1;
	int			ret;
	int64		n = 0;

	if (batch->count == 0)
		return 0;

	old = MemoryContextSwitchTo(batch->cxt);
	for (int c = 0; c < batch->ncolumns; c++)
	{
		const ColumnType *t = &engine_cache->types[batch->types[c]];
		bool		anynull = false;

		for (int r = 0; r < batch->count && !anynull; r++)
			anynull = batch->nulls[c][r];
		params[c] = PointerGetDatum(construct_md_array(batch->values[c], anynull ? batch->nulls[c] : NULL,
													   1, &batch->count, &lbound,
													   t->elemtype, t->typlen, t->byval, t->align));
	}
	MemoryContextSwitchTo(old);

	ret = SPI_execute_plan(batch->plan, params, NULL, false, 0);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "engine statement failed: %s", SPI_result_code_string(ret));
	{
		HeapTuple	tuple = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		n = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		if (n > 0)
		{
			int64		first = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
			int64		last = DatumGetInt64(SPI_getbinval(tuple, desc, 3, &isnull));

			if (*first_event == 0 || first < *first_event)
				*first_event = first;
			if (last > *last_event)
				*last_event = last;
		}
	}
	SPI_freetuptable(SPI_tuptable);
	MemoryContextReset(batch->cxt);
	batch->count = 0;
	return n;
}

/*
 * Run a due query and hand its rows to row, a batch at a time (done after
 * each batch); returns how many rows it had.
 */
uint64
EngineForEachDue(SPIPlanPtr plan, TimestampTz as_of, int64 limit, EngineRowFn row, EngineDoneFn done,
				 void *arg)
{
	Datum		params[2] = {TimestampTzGetDatum(as_of), Int64GetDatum(limit)};
	Portal		portal;
	uint64		total = 0;

	portal = SPI_cursor_open(NULL, plan, params, NULL, false);
	for (;;)
	{
		SPITupleTable *rows;
		uint64		n;

		SPI_cursor_fetch(portal, true, FETCH_SIZE);
		rows = SPI_tuptable;
		n = SPI_processed;
		for (uint64 i = 0; i < n; i++)
			row(arg, rows->vals[i], rows->tupdesc);
		done(arg);
		SPI_freetuptable(rows);
		total += n;
		if (n < FETCH_SIZE)
			break;
	}
	SPI_cursor_close(portal);
	return total;
}

/* Call rule with the values of each rule in force, by kind, origin and stage. */
void
EngineReadRules(EngineRuleFn rule, void *arg)
{
	int			ret = SPI_execute_plan(engine_cache->rules_plan, NULL, NULL, false, 0);

	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading escalation.rule failed: %s", SPI_result_code_string(ret));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		Datum		values[NUM_RULE_COLUMNS];
		bool		nulls[NUM_RULE_COLUMNS];

		heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, nulls);
		rule(arg, values);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* The ItemKind of a value of escalation.warning_kind. */
ItemKind
EngineItemKind(Datum kind)
{
	for (int pass = 0; pass < 2; pass++)
	{
		for (int k = 0; k < NUM_KINDS; k++)
			if (engine_cache->kinds[k] == kind)
				return (ItemKind) k;
		/* The kinds of an upgrade this session ran are new to the cache. */
		LoadKinds(engine_cache);
	}
	elog(ERROR, "unknown warning kind %u", DatumGetObjectId(kind));
	pg_unreachable();
}

/*
 * The next idle episode of a dual-prevention unit after the normal running
 * that ended the last at after: when it begins, and whether (and when) the
 * unit runs normally again.
 */
bool
EngineNextEpisode(Datum unit, TimestampTz after, TimestampTz *started, TimestampTz *handled)
{
	Datum		params[2] = {unit, TimestampTzGetDatum(after)};
	bool		isnull;
	int			ret = SPI_execute_plan(engine_cache->next_episode_plan, params, NULL, false, 1);

	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "reading the idle episodes of unit " INT64_FORMAT " failed: %s", DatumGetInt64(unit),
			 SPI_result_code_string(ret));
	*started = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (isnull)
		*started = DT_NOEND;
	*handled = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return !isnull;
}

/* Whether a warning of this stage of the item's episode exists already. */
bool
EngineStageRaised(Datum kind, Datum subject, TimestampTz started, int stage)
{
	Datum		params[4] = {kind, subject, TimestampTzGetDatum(started), Int16GetDatum((int16) stage)};
	int			ret = SPI_execute_plan(engine_cache->raised_plan, params, NULL, false, 1);
	bool		raised;

	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading escalation.warning failed: %s", SPI_result_code_string(ret));
	raised = SPI_processed > 0;
	SPI_freetuptable(SPI_tuptable);
	return raised;
}

/* Delete run log rows older than escalation.run_log_retention (0: keep all). */
void
EnginePruneRunLog(void)
{
	TimestampTz cutoff;
	Datum		param;
	int			ret;

	if (escalation_run_log_retention <= 0)
		return;
	cutoff = GetCurrentTimestamp() - (int64) escalation_run_log_retention * USECS_PER_SEC;
	param = TimestampTzGetDatum(cutoff);
	ret = SPI_execute_plan(engine_cache->prune_plan, &param, NULL, false, 0);
	if (ret != SPI_OK_DELETE)
		elog(ERROR, "pruning escalation.run_log failed: %s", SPI_result_code_string(ret));
}

/* Insert a run's row into escalation.run_log; error is the failure, or NULL. */
void
EngineLogRun(TimestampTz as_of, TimestampTz started, int64 items, int64 raised, int64 resolved,
			 ErrorData *error)
{
	Datum		values[NUM_LOG_COLUMNS];
	char		nulls[NUM_LOG_COLUMNS];
	int			ret;

	memset(nulls, ' ', sizeof(nulls));
	values[LOG_AS_OF] = TimestampTzGetDatum(as_of);
	values[LOG_STARTED] = TimestampTzGetDatum(started);
	values[LOG_ITEMS] = Int64GetDatum(error ? 0 : items);
	values[LOG_RAISED] = Int64GetDatum(error ? 0 : raised);
	values[LOG_RESOLVED] = Int64GetDatum(error ? 0 : resolved);
	values[LOG_STATUS] = CStringGetTextDatum(error ? "failed" : "succeeded");
	nulls[LOG_MESSAGE] = nulls[LOG_SQLSTATE] = 'n';
	if (error != NULL)
	{
		values[LOG_MESSAGE] = CStringGetTextDatum(error->message ? error->message : "unknown error");
		nulls[LOG_MESSAGE] = ' ';
		values[LOG_SQLSTATE] = CStringGetTextDatum(unpack_sql_state(error->sqlerrcode));
		nulls[LOG_SQLSTATE] = ' ';
	}
	values[LOG_USERNAME] = CStringGetTextDatum(GetUserNameFromId(GetOuterUserId(), false));

	ret = SPI_execute_plan(engine_cache->log_plan, values, nulls, false, 0);
	if (ret != SPI_OK_INSERT)
		elog(ERROR, "writing escalation.run_log failed: %s", SPI_result_code_string(ret));
}
