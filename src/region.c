/*
 * region.c
 *	  escalation.region: administrative division codes (6 or 9 digits) as a
 *	  4-byte pass-by-value key whose order keeps every region's descendants
 *	  contiguous, with containment operators served by btree indexes.
 *
 * The key encoding and the containment ranges are the contract written in
 * docs/ARCHITECTURE.md ("Regions"); parsing and the key arithmetic live in
 * codes.c, this file is the SQL layer.
 */
#include "postgres.h"

#include "access/hash.h"
#include "access/stratnum.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_statistic.h"
#include "catalog/pg_type_d.h"
#include "commands/defrem.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/clauses.h"
#include "optimizer/plancat.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/selfuncs.h"
#include "utils/sortsupport.h"
#include "utils/syscache.h"

#include "codes.h"
#include "region.h"

/* Version of the binary format written by region_send. */
#define REGION_BINARY_VERSION	1

/* Selectivity of containment when the other side cannot be estimated. */
#define REGION_DEFAULT_CONTSEL	0.005

/*
 * The (possibly multibyte) character at byte offset of str (len bytes),
 * palloc'd, and its 1-based position in characters: what the error reports
 * of both identifier types show the user.
 */
char *
CodeCharacterAt(const char *str, size_t len, size_t offset, int *position)
{
	int			charlen = pg_mblen(str + offset);

	/* A truncated multibyte character must not make us read past the end. */
	if (charlen > (int) (len - offset))
		charlen = (int) (len - offset);
	*position = pg_mbstrlen_with_len(str, (int) offset) + 1;
	return pnstrdup(str + offset, charlen);
}

static void ReportRegionError(const char *str, size_t len, const RegionError *err) pg_attribute_noreturn();

/* Report a failed parse of the region code str (len bytes) as an error. */
static void
ReportRegionError(const char *str, size_t len, const RegionError *err)
{
	char	   *value = pnstrdup(str, len);

	switch (err->status)
	{
		case REGION_BAD_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid region code: \"%s\"", value),
					 errdetail("A region code has 6 digits (province, city, district) or 9 digits (street or town), not %zu.",
							   err->length)));
			break;
		case REGION_BAD_CHARACTER:
			{
				int			position;
				char	   *bad = CodeCharacterAt(str, len, err->offset, &position);

				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid region code: \"%s\"", value),
						 errdetail("Character %d is \"%s\"; a region code has only the digits 0-9.",
								   position, bad)));
			}
			break;
		case REGION_BAD_PROVINCE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid region code: \"%s\"", value),
					 errdetail("The first two digits are not a province-level code."),
					 errhint("Province-level codes are 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81 and 82.")));
			break;
		case REGION_NO_CITY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid region code: \"%s\"", value),
					 errdetail("Digits 3-4 are 00 (no city) but digits 5-6 are not; a district always lies in a city.")));
			break;
		case REGION_STREET_000:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid region code: \"%s\"", value),
					 errdetail("A 9-digit street code cannot end in 000."),
					 errhint("Write the district or city itself with its 6 digits.")));
			break;
		case REGION_STREET_IN_PROVINCE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid region code: \"%s\"", value),
					 errdetail("A street lies in a city or a district, not directly in a province.")));
			break;
		case REGION_OK:
		case REGION_BAD_KEY:
			break;
	}
	elog(ERROR, "unexpected region parse status %d", (int) err->status);
}

/* Parse text of len bytes into a key, or raise the error that describes it. */
static int32
ParseRegion(const char *str, size_t len)
{
	int32_t		key;
	RegionError err;

	if (!RegionParse(str, len, &key, &err))
		ReportRegionError(str, len, &err);
	return key;
}

/* Text of a key, palloc'd. */
static char *
RegionKeyToCString(int32 key)
{
	char	   *buf = palloc(REGION_TEXT_SIZE);

	RegionKeyFormat(key, buf);
	return buf;
}

PG_FUNCTION_INFO_V1(region_in);
/* Input function: a 6- or 9-digit code. */
Datum
region_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);

	PG_RETURN_REGION(ParseRegion(str, strlen(str)));
}

PG_FUNCTION_INFO_V1(region_out);
/* Output function: the code with its 6 or 9 digits. */
Datum
region_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(RegionKeyToCString(PG_GETARG_REGION(0)));
}

PG_FUNCTION_INFO_V1(region_recv);
/* Binary input: a version byte, then the key as int4; checked like text input. */
Datum
region_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int32		key;
	RegionStatus status;

	if (version != REGION_BINARY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version of escalation.region: %d", version),
				 errdetail("This server reads version %d.", REGION_BINARY_VERSION)));
	key = pq_getmsgint(buf, 4);
	status = RegionKeyCheck(key);
	if (status == REGION_BAD_KEY)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid region key in binary input: %d", key),
				 errdetail("A region key lies between %d and %d.", REGION_KEY_MIN, REGION_KEY_MAX)));
	if (status != REGION_OK)
	{
		char	   *text = RegionKeyToCString(key);

		/* Report it exactly as the same code typed as text would be. */
		ParseRegion(text, strlen(text));
		elog(ERROR, "region key %d failed its check but parsed as text", key);
	}
	PG_RETURN_REGION(key);
}

PG_FUNCTION_INFO_V1(region_send);
/* Binary output: the version byte and the key. */
Datum
region_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, REGION_BINARY_VERSION);
	pq_sendint32(&buf, PG_GETARG_REGION(0));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(region_eq);
/* a = b */
Datum
region_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_REGION(0) == PG_GETARG_REGION(1));
}

PG_FUNCTION_INFO_V1(region_ne);
/* a <> b */
Datum
region_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_REGION(0) != PG_GETARG_REGION(1));
}

PG_FUNCTION_INFO_V1(region_lt);
/* a < b in key order (a region before its descendants) */
Datum
region_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_REGION(0) < PG_GETARG_REGION(1));
}

PG_FUNCTION_INFO_V1(region_le);
/* a <= b in key order */
Datum
region_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_REGION(0) <= PG_GETARG_REGION(1));
}

PG_FUNCTION_INFO_V1(region_gt);
/* a > b in key order */
Datum
region_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_REGION(0) > PG_GETARG_REGION(1));
}

PG_FUNCTION_INFO_V1(region_ge);
/* a >= b in key order */
Datum
region_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(PG_GETARG_REGION(0) >= PG_GETARG_REGION(1));
}

PG_FUNCTION_INFO_V1(region_cmp);
/* btree comparison: -1, 0 or 1 */
Datum
region_cmp(PG_FUNCTION_ARGS)
{
	int32		a = PG_GETARG_REGION(0);
	int32		b = PG_GETARG_REGION(1);

	PG_RETURN_INT32(a < b ? -1 : (a > b ? 1 : 0));
}

PG_FUNCTION_INFO_V1(region_smaller);
/* The lesser of two regions in key order: the step of min(region). */
Datum
region_smaller(PG_FUNCTION_ARGS)
{
	int32		a = PG_GETARG_REGION(0);
	int32		b = PG_GETARG_REGION(1);

	PG_RETURN_REGION(a <= b ? a : b);
}

PG_FUNCTION_INFO_V1(region_larger);
/* The greater of two regions in key order: the step of max(region). */
Datum
region_larger(PG_FUNCTION_ARGS)
{
	int32		a = PG_GETARG_REGION(0);
	int32		b = PG_GETARG_REGION(1);

	PG_RETURN_REGION(a >= b ? a : b);
}

PG_FUNCTION_INFO_V1(region_sortsupport);
/* btree sort support: keys compare as plain int4 datums. */
Datum
region_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = ssup_datum_int32_cmp;
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(region_hash);
/* hash opclass: 32-bit hash of the key */
Datum
region_hash(PG_FUNCTION_ARGS)
{
	return hash_uint32((uint32) PG_GETARG_REGION(0));
}

PG_FUNCTION_INFO_V1(region_hash_extended);
/* hash opclass: seeded 64-bit hash of the key */
Datum
region_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_uint32_extended((uint32) PG_GETARG_REGION(0), PG_GETARG_INT64(1));
}

PG_FUNCTION_INFO_V1(region_contains);
/* a @> b: a contains b or equals it */
Datum
region_contains(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(RegionKeyContains(PG_GETARG_REGION(0), PG_GETARG_REGION(1)));
}

PG_FUNCTION_INFO_V1(region_contained);
/* a <@ b: a lies within b or equals it */
Datum
region_contained(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(RegionKeyContains(PG_GETARG_REGION(1), PG_GETARG_REGION(0)));
}

PG_FUNCTION_INFO_V1(region_upper);
/* The greatest code within the region: its key range is [region, region_upper]. */
Datum
region_upper(PG_FUNCTION_ARGS)
{
	PG_RETURN_REGION(RegionKeyLast(PG_GETARG_REGION(0)));
}

PG_FUNCTION_INFO_V1(region_parent);
/* The parent region; NULL for a province. */
Datum
region_parent(PG_FUNCTION_ARGS)
{
	int32_t		parent;

	if (!RegionKeyParent(PG_GETARG_REGION(0), &parent))
		PG_RETURN_NULL();
	PG_RETURN_REGION(parent);
}

PG_FUNCTION_INFO_V1(region_district);
/* The district of a street or district; NULL otherwise. */
Datum
region_district(PG_FUNCTION_ARGS)
{
	int32_t		district;

	if (!RegionKeyDistrict(PG_GETARG_REGION(0), &district))
		PG_RETURN_NULL();
	PG_RETURN_REGION(district);
}

PG_FUNCTION_INFO_V1(region_city);
/* The city of a city, district or street; NULL for a province. */
Datum
region_city(PG_FUNCTION_ARGS)
{
	int32_t		city;

	if (!RegionKeyCity(PG_GETARG_REGION(0), &city))
		PG_RETURN_NULL();
	PG_RETURN_REGION(city);
}

/* OID of the label of enum type enumtype, or an internal error if missing. */
static Oid
EnumLabelOid(Oid enumtype, const char *label)
{
	HeapTuple	tup = SearchSysCache2(ENUMTYPOIDNAME,
									  ObjectIdGetDatum(enumtype),
									  CStringGetDatum(label));
	Oid			result;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "enum type %u has no label \"%s\"", enumtype, label);
	result = ((Form_pg_enum) GETSTRUCT(tup))->oid;
	ReleaseSysCache(tup);
	return result;
}

PG_FUNCTION_INFO_V1(region_level);
/* The platform level (city, district, street); NULL for a province. */
Datum
region_level(PG_FUNCTION_ARGS)
{
	Oid		   *labels = (Oid *) fcinfo->flinfo->fn_extra;
	RegionLevel level = RegionKeyLevel(PG_GETARG_REGION(0));

	if (level == REGION_PROVINCE)
		PG_RETURN_NULL();
	/*
	 * The result type is escalation.level; look its labels up once per call
	 * site, indexed by the level's distance from the city.
	 */
	if (labels == NULL)
	{
		Oid			enumtype = get_func_rettype(fcinfo->flinfo->fn_oid);

		labels = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, 3 * sizeof(Oid));
		labels[REGION_CITY - REGION_CITY] = EnumLabelOid(enumtype, "city");
		labels[REGION_DISTRICT - REGION_CITY] = EnumLabelOid(enumtype, "district");
		labels[REGION_STREET - REGION_CITY] = EnumLabelOid(enumtype, "street");
		fcinfo->flinfo->fn_extra = labels;
	}
	PG_RETURN_OID(labels[level - REGION_CITY]);
}

/* The operators of the region type's default btree family, by strategy. */
static Oid
RegionBtreeOperator(Oid regiontype, Oid opfamily, int16 strategy)
{
	if (!OidIsValid(opfamily))
	{
		Oid			opclass = GetDefaultOpClass(regiontype, BTREE_AM_OID);

		if (!OidIsValid(opclass))
			return InvalidOid;
		opfamily = get_opclass_family(opclass);
	}
	return get_opfamily_member(opfamily, regiontype, regiontype, strategy);
}

/* The clause "expr op value" with a btree operator of the region type. */
static Expr *
RegionComparison(Oid opno, Node *expr, Node *value)
{
	return make_opclause(opno, BOOLOID, false, (Expr *) expr, (Expr *) value,
						 InvalidOid, InvalidOid);
}

/*
 * The expression for the upper end of the key range of bound: a constant when
 * bound is one, else a call of region_upper (found beside funcid's schema).
 */
static Node *
RegionUpperExpr(Node *bound, Oid regiontype, Oid funcid)
{
	Oid			upper;
	List	   *name;

	if (IsA(bound, Const))
	{
		Const	   *c = (Const *) bound;

		return (Node *) makeConst(regiontype, -1, InvalidOid, sizeof(int32),
								  Int32GetDatum(RegionKeyLast(DatumGetInt32(c->constvalue))),
								  false, true);
	}
	name = list_make2(makeString(get_namespace_name(get_func_namespace(funcid))),
					  makeString("region_upper"));
	upper = LookupFuncName(name, 1, &regiontype, true);
	if (!OidIsValid(upper))
		return NULL;
	return (Node *) makeFuncExpr(upper, regiontype, list_make1(bound),
								 InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
}

/*
 * Turn "col <@ bound" or "bound @> col" into the exact btree range
 * "col >= bound AND col <= region_upper(bound)" when bound is a pseudo-constant
 * (a literal, parameter or stable function call) and the index is a btree.
 */
static List *
RegionIndexCondition(SupportRequestIndexCondition *req, bool contained)
{
	List	   *args;
	Node	   *indexkey;
	Node	   *bound;
	Node	   *upper;
	Oid			regiontype;
	Oid			ge;
	Oid			le;

	if (is_opclause(req->node))
		args = ((OpExpr *) req->node)->args;
	else if (is_funcclause(req->node))
		args = ((FuncExpr *) req->node)->args;
	else
		return NIL;
	if (list_length(args) != 2 || req->index->relam != BTREE_AM_OID)
		return NIL;
	/* Only "column within bound" is a range; "column contains bound" is not. */
	if ((req->indexarg == 0) != contained)
		return NIL;
	indexkey = (Node *) list_nth(args, req->indexarg);
	bound = (Node *) list_nth(args, 1 - req->indexarg);
	if (!is_pseudo_constant_clause(bound))
		return NIL;
	if (IsA(bound, Const) && ((Const *) bound)->constisnull)
		return NIL;

	regiontype = exprType(indexkey);
	ge = RegionBtreeOperator(regiontype, req->opfamily, BTGreaterEqualStrategyNumber);
	le = RegionBtreeOperator(regiontype, req->opfamily, BTLessEqualStrategyNumber);
	if (!OidIsValid(ge) || !OidIsValid(le))
		return NIL;
	upper = RegionUpperExpr(copyObject(bound), regiontype, req->funcid);
	if (upper == NULL)
		return NIL;

	req->lossy = false;
	return list_make2(RegionComparison(ge, copyObject(indexkey), copyObject(bound)),
					  RegionComparison(le, copyObject(indexkey), upper));
}

/* Planner support for @> and <@: index conditions from containment. */
static Node *
RegionSupport(Node *rawreq, bool contained)
{
	if (IsA(rawreq, SupportRequestIndexCondition))
		return (Node *) RegionIndexCondition((SupportRequestIndexCondition *) rawreq, contained);
	return NULL;
}

PG_FUNCTION_INFO_V1(region_contained_support);
/* Planner support function of region_contained (<@). */
Datum
region_contained_support(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(RegionSupport((Node *) PG_GETARG_POINTER(0), true));
}

PG_FUNCTION_INFO_V1(region_contains_support);
/* Planner support function of region_contains (@>). */
Datum
region_contains_support(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(RegionSupport((Node *) PG_GETARG_POINTER(0), false));
}

/*
 * Fraction of the histogram below key x: the histogram's bounds are keys, so
 * a bucket is interpolated linearly between its two bounds.
 */
static double
HistogramFractionBelow(const Datum *bounds, int n, double x)
{
	int			lo = 0;
	int			hi = n - 1;
	double		left;
	double		right;

	if (x <= DatumGetInt32(bounds[0]))
		return 0.0;
	if (x >= DatumGetInt32(bounds[n - 1]))
		return 1.0;
	/* Find the bucket [bounds[lo], bounds[lo + 1]) holding x. */
	while (hi - lo > 1)
	{
		int			mid = (lo + hi) / 2;

		if (DatumGetInt32(bounds[mid]) <= x)
			lo = mid;
		else
			hi = mid;
	}
	left = DatumGetInt32(bounds[lo]);
	right = DatumGetInt32(bounds[lo + 1]);
	return (lo + (x - left) / (right - left)) / (n - 1);
}

/* What the column statistics say about a region column. */
typedef struct RegionStats
{
	double		nullfrac;		/* fraction of NULLs */
	double		mcvsum;			/* total frequency of the MCVs */
	double		otherdistinct;	/* number of distinct values not in the MCVs */
	AttStatsSlot mcv;			/* most common values and their frequencies */
	AttStatsSlot hist;			/* histogram of the other values */
	bool		hasmcv;
	bool		hashist;
} RegionStats;

/* Load the statistics of vardata; false when the column has none. */
static bool
RegionStatsLoad(VariableStatData *vardata, RegionStats *stats)
{
	bool		isdefault;
	int			i;

	if (!HeapTupleIsValid(vardata->statsTuple))
		return false;
	stats->nullfrac = ((Form_pg_statistic) GETSTRUCT(vardata->statsTuple))->stanullfrac;
	stats->mcvsum = 0.0;
	stats->hasmcv = get_attstatsslot(&stats->mcv, vardata->statsTuple, STATISTIC_KIND_MCV,
									 InvalidOid, ATTSTATSSLOT_VALUES | ATTSTATSSLOT_NUMBERS);
	for (i = 0; stats->hasmcv && i < stats->mcv.nvalues; i++)
		stats->mcvsum += stats->mcv.numbers[i];
	stats->hashist = get_attstatsslot(&stats->hist, vardata->statsTuple, STATISTIC_KIND_HISTOGRAM,
									  InvalidOid, ATTSTATSSLOT_VALUES) &&
		stats->hist.nvalues >= 2;
	stats->otherdistinct = Max(1.0, get_variable_numdistinct(vardata, &isdefault) -
							   (stats->hasmcv ? stats->mcv.nvalues : 0));
	return true;
}

/* Release what RegionStatsLoad acquired. */
static void
RegionStatsFree(RegionStats *stats)
{
	/* A slot that was not found is zeroed, which free_attstatsslot accepts. */
	free_attstatsslot(&stats->mcv);
	free_attstatsslot(&stats->hist);
}

/* Fraction of the non-NULL, non-MCV rows. */
static double
RegionStatsOtherFraction(const RegionStats *stats)
{
	return Max(0.0, 1.0 - stats->nullfrac - stats->mcvsum);
}

/*
 * Selectivity of lo <= var <= hi: the MCVs in the range, plus the share of
 * the histogram in it for the other values. The built-in range estimate
 * cannot interpolate within a bucket of a type it does not know, which makes
 * small regions look empty; keys interpolate linearly.
 */
static double
RegionRangeSelectivity(const RegionStats *stats, int32 lo, int32 hi)
{
	double		mcvsel = 0.0;
	double		histsel = 0.0;
	int			i;

	for (i = 0; stats->hasmcv && i < stats->mcv.nvalues; i++)
	{
		int32		key = DatumGetInt32(stats->mcv.values[i]);

		if (lo <= key && key <= hi)
			mcvsel += stats->mcv.numbers[i];
	}
	if (stats->hashist)
		histsel = HistogramFractionBelow(stats->hist.values, stats->hist.nvalues, (double) hi + 1.0) -
			HistogramFractionBelow(stats->hist.values, stats->hist.nvalues, (double) lo);
	return mcvsel + histsel * RegionStatsOtherFraction(stats);
}

/*
 * Selectivity of var = key: its MCV frequency; for another value, none when
 * it lies outside the histogram (the sample never saw it, which for the
 * provinces and cities above a table of streets is the usual case), else an
 * even share of the other rows.
 */
static double
RegionKeySelectivity(const RegionStats *stats, int32 key)
{
	int			i;

	for (i = 0; stats->hasmcv && i < stats->mcv.nvalues; i++)
		if (DatumGetInt32(stats->mcv.values[i]) == key)
			return stats->mcv.numbers[i];
	if (stats->hashist &&
		(key < DatumGetInt32(stats->hist.values[0]) ||
		 key > DatumGetInt32(stats->hist.values[stats->hist.nvalues - 1])))
		return 0.0;
	return RegionStatsOtherFraction(stats) / stats->otherdistinct;
}

/*
 * Selectivity of "var <@ c" / "c @> var" (var within c: a key range) or
 * "var @> c" / "c <@ var" (var is c or one of its at most three ancestors).
 */
static double
RegionContainmentSelectivity(PlannerInfo *root, List *args, int varRelid, bool contained)
{
	VariableStatData vardata;
	Node	   *other;
	bool		varonleft;
	RegionStats stats;
	double		selec;
	int32		key;
	int32_t		ancestors[4];
	int			n;
	int			i;

	if (!get_restriction_variable(root, args, varRelid, &vardata, &other, &varonleft))
		return REGION_DEFAULT_CONTSEL;
	if (!IsA(other, Const) || ((Const *) other)->constisnull)
	{
		ReleaseVariableStats(vardata);
		return IsA(other, Const) ? 0.0 : REGION_DEFAULT_CONTSEL;
	}
	key = DatumGetInt32(((Const *) other)->constvalue);

	if (!RegionStatsLoad(&vardata, &stats))
		selec = REGION_DEFAULT_CONTSEL;
	else
	{
		if (varonleft == contained)
			selec = RegionRangeSelectivity(&stats, key, RegionKeyLast(key));
		else
		{
			selec = 0.0;
			n = RegionKeyAncestors(key, ancestors);
			for (i = 0; i < n; i++)
				selec += RegionKeySelectivity(&stats, ancestors[i]);
		}
		RegionStatsFree(&stats);
	}
	ReleaseVariableStats(vardata);
	CLAMP_PROBABILITY(selec);
	return selec;
}

PG_FUNCTION_INFO_V1(region_contained_sel);
/* Restriction selectivity estimator of <@. */
Datum
region_contained_sel(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(RegionContainmentSelectivity((PlannerInfo *) PG_GETARG_POINTER(0),
												  (List *) PG_GETARG_POINTER(2),
												  PG_GETARG_INT32(3), true));
}

PG_FUNCTION_INFO_V1(region_contains_sel);
/* Restriction selectivity estimator of @>. */
Datum
region_contains_sel(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(RegionContainmentSelectivity((PlannerInfo *) PG_GETARG_POINTER(0),
												  (List *) PG_GETARG_POINTER(2),
												  PG_GETARG_INT32(3), false));
}
