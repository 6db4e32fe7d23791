/*
 * fuzz_region.c — libFuzzer harness for the administrative division code
 * parser and the region key arithmetic of src/codes.c.
 *
 * An input is up to two codes separated by a comma (the seeds are child,
 * parent pairs of Jinan's divisions); its first four bytes are also read as a
 * raw int4 key, as binary input would deliver it. An oracle written here from
 * GB/T 2260 and docs/ARCHITECTURE.md works on the text of a code, never on
 * key arithmetic: its own list of province codes, its own rules, and
 * containment as "the code starts with the ancestor's significant digits".
 * The parser and key checks must agree with it; an accepted code must print
 * back as the same text, a valid key must print as a code that parses back
 * to the key; parent, district, city and ancestors must follow the text
 * rules; a region contains each of its descendants and nothing else, which
 * must be exactly its key range [key, RegionKeyLast(key)].
 */
#include <stdbool.h>
#include <string.h>

#include "codes.h"
#include "fuzz.h"

#define MAX_FIELD	64

/* Province-level codes of GB/T 2260, listed one by one. */
static const int OracleProvinces[] = {
	11, 12, 13, 14, 15,
	21, 22, 23,
	31, 32, 33, 34, 35, 36, 37,
	41, 42, 43, 44, 45, 46,
	50, 51, 52, 53, 54,
	61, 62, 63, 64, 65,
	71, 81, 82
};

/* A code as the oracle sees it: 9 digits (a 6-digit code padded with 000). */
typedef struct OracleCode
{
	char		digits[10];
	bool		nine;			/* written with 9 digits */
} OracleCode;

/* The number written by n digits at s. */
static int
OracleNumber(const char *s, int n)
{
	int			v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Is a two-digit number a province code? */
static bool
OracleIsProvince(int p)
{
	for (size_t i = 0; i < sizeof(OracleProvinces) / sizeof(OracleProvinces[0]); i++)
		if (OracleProvinces[i] == p)
			return true;
	return false;
}

/* The rules on the parts of a code, in the order the errors are documented. */
static RegionStatus
OracleRules(const OracleCode *c)
{
	if (!OracleIsProvince(OracleNumber(c->digits, 2)))
		return REGION_BAD_PROVINCE;
	if (strncmp(c->digits + 2, "00", 2) == 0 && strncmp(c->digits + 4, "00", 2) != 0)
		return REGION_NO_CITY;
	if (c->nine && strcmp(c->digits + 6, "000") == 0)
		return REGION_STREET_000;
	if (c->nine && strncmp(c->digits + 2, "00", 2) == 0)
		return REGION_STREET_IN_PROVINCE;
	return REGION_OK;
}

/* Judge text as a code; on success fill code. */
static RegionStatus
OracleParse(const char *s, size_t len, OracleCode *code, size_t *bad_offset, size_t *trimmed)
{
	size_t		start = 0;
	size_t		end = len;

	while (start < end && OracleBlank((unsigned char) s[start]))
		start++;
	while (end > start && OracleBlank((unsigned char) s[end - 1]))
		end--;
	for (size_t i = start; i < end; i++)
	{
		if (s[i] < '0' || s[i] > '9')
		{
			*bad_offset = i;
			return REGION_BAD_CHARACTER;
		}
	}
	*trimmed = end - start;
	if (*trimmed != 6 && *trimmed != 9)
		return REGION_BAD_LENGTH;
	memcpy(code->digits, s + start, *trimmed);
	if (*trimmed == 6)
		memcpy(code->digits + 6, "000", 3);
	code->digits[9] = '\0';
	code->nine = *trimmed == 9;
	return OracleRules(code);
}

/* The code a key stands for, if any: 9 digits, shown with 6 when they end in 000. */
static RegionStatus
OracleKey(int32_t key, OracleCode *code)
{
	if (key < 100000000 || key > 999999999)
		return REGION_BAD_KEY;
	snprintf(code->digits, sizeof(code->digits), "%09d", (int) key);
	code->nine = strcmp(code->digits + 6, "000") != 0;
	if (!OracleIsProvince(OracleNumber(code->digits, 2)))
		return REGION_BAD_KEY;
	return OracleRules(code);
}

/* The significant digits of a code: 2 for a province, 4 city, 6 district, 9 street. */
static int
OracleSignificant(const OracleCode *c)
{
	if (c->nine)
		return 9;
	if (strncmp(c->digits + 4, "00", 2) != 0)
		return 6;
	if (strncmp(c->digits + 2, "00", 2) != 0)
		return 4;
	return 2;
}

/* Does a contain b: b starts with a's significant digits? */
static bool
OracleContains(const OracleCode *a, const OracleCode *b)
{
	return strncmp(a->digits, b->digits, (size_t) OracleSignificant(a)) == 0;
}

/* The key the oracle gives a code: its 9 digits as a number. */
static int32_t
OracleKeyOf(const OracleCode *c)
{
	return OracleNumber(c->digits, 9);
}

/* Level of a valid code by its significant digits. */
static RegionLevel
OracleLevel(const OracleCode *c)
{
	switch (OracleSignificant(c))
	{
		case 9:
			return REGION_STREET;
		case 6:
			return REGION_DISTRICT;
		case 4:
			return REGION_CITY;
	}
	return REGION_PROVINCE;
}

/* Properties of one valid key, known to the oracle as code. */
static void
CheckValidKey(int32_t key, const OracleCode *code)
{
	char		text[REGION_TEXT_SIZE];
	const char *want = code->nine ? code->digits : NULL;
	char		six[7];
	int32_t		back;
	int32_t		last;
	int32_t		parent;
	int32_t		up;
	int32_t		ancestors[8];
	int			n;
	RegionError err;

	PROPERTY(RegionKeyCheck(key) == REGION_OK, "valid key %ld fails RegionKeyCheck", (long) key);

	/* The key prints as its code and the code parses back to the key. */
	if (want == NULL)
	{
		memcpy(six, code->digits, 6);
		six[6] = '\0';
		want = six;
	}
	RegionKeyFormat(key, text);
	PROPERTY(strcmp(text, want) == 0, "key %ld prints as \"%s\", expected \"%s\"", (long) key, text, want);
	PROPERTY(RegionParse(text, strlen(text), &back, &err) && back == key,
			 "\"%s\" does not parse back to key %ld", text, (long) key);

	PROPERTY(RegionKeyLevel(key) == OracleLevel(code), "key %ld has level %d, oracle %d",
			 (long) key, (int) RegionKeyLevel(key), (int) OracleLevel(code));

	/* The key range of a region is exactly its descendants. */
	last = RegionKeyLast(key);
	PROPERTY(last >= key, "RegionKeyLast(%ld) = %ld", (long) key, (long) last);
	{
		OracleCode	lc;

		PROPERTY(OracleKey(last, &lc) == REGION_OK && OracleContains(code, &lc),
				 "last key %ld of %ld is no descendant", (long) last, (long) key);
	}
	PROPERTY(RegionKeyContains(key, key) && RegionKeyContains(key, last),
			 "%ld does not contain itself or its last key %ld", (long) key, (long) last);
	PROPERTY(!RegionKeyContains(key, last + 1) && !RegionKeyContains(key, key - 1),
			 "%ld contains a key outside [%ld, %ld]", (long) key, (long) key, (long) last);

	/* Parent: the code with its lowest significant part zeroed. */
	if (RegionKeyParent(key, &parent))
	{
		OracleCode	pc;

		PROPERTY(OracleLevel(code) != REGION_PROVINCE, "province %ld has a parent", (long) key);
		PROPERTY(OracleKey(parent, &pc) == REGION_OK, "parent %ld of %ld is not valid", (long) parent, (long) key);
		PROPERTY(OracleContains(&pc, code) && RegionKeyContains(parent, key) && parent != key,
				 "parent %ld does not strictly contain %ld", (long) parent, (long) key);
		PROPERTY(OracleSignificant(&pc) < OracleSignificant(code),
				 "parent %ld is not above %ld", (long) parent, (long) key);
		PROPERTY(!RegionKeyContains(key, parent), "%ld contains its parent %ld", (long) key, (long) parent);
	}
	else
		PROPERTY(OracleLevel(code) == REGION_PROVINCE, "%ld has no parent", (long) key);

	/* Ancestors: the chain of parents, ending at the province. */
	n = RegionKeyAncestors(key, ancestors);
	PROPERTY(n >= 1 && n <= 4 && ancestors[0] == key, "%ld has %d ancestors", (long) key, n);
	for (int i = 1; i < n; i++)
	{
		PROPERTY(RegionKeyParent(ancestors[i - 1], &up) && up == ancestors[i],
				 "ancestor %d of %ld is not the parent of the one before", i, (long) key);
		PROPERTY(RegionKeyContains(ancestors[i], key), "ancestor %ld does not contain %ld",
				 (long) ancestors[i], (long) key);
	}
	PROPERTY(RegionKeyLevel(ancestors[n - 1]) == REGION_PROVINCE &&
			 ancestors[n - 1] == OracleNumber(code->digits, 2) * 10000000,
			 "ancestors of %ld end at %ld", (long) key, (long) ancestors[n - 1]);

	/* District: the district code of a district or street, if it has one. */
	{
		int32_t		district;
		bool		has = strncmp(code->digits + 4, "00", 2) != 0;

		PROPERTY(RegionKeyDistrict(key, &district) == has, "%ld: district %s", (long) key, has ? "missing" : "unexpected");
		if (has)
			PROPERTY(district == OracleNumber(code->digits, 6) * 1000, "district of %ld is %ld",
					 (long) key, (long) district);
	}
	/* City: xxyy00 of anything below a province. */
	{
		int32_t		city;
		bool		has = OracleLevel(code) != REGION_PROVINCE;

		PROPERTY(RegionKeyCity(key, &city) == has, "%ld: city %s", (long) key, has ? "missing" : "unexpected");
		if (has)
			PROPERTY(city == OracleNumber(code->digits, 4) * 100000, "city of %ld is %ld", (long) key, (long) city);
	}
}

/* Properties relating two valid keys. */
static void
CheckPair(int32_t a, const OracleCode *ac, int32_t b, const OracleCode *bc)
{
	int32_t		ancestors[8];
	int			n = RegionKeyAncestors(b, ancestors);
	bool		in_chain = false;
	bool		contains = RegionKeyContains(a, b);

	for (int i = 0; i < n; i++)
		in_chain |= ancestors[i] == a;
	PROPERTY(contains == OracleContains(ac, bc), "contains(%ld, %ld) is %d, oracle %d",
			 (long) a, (long) b, contains, OracleContains(ac, bc));
	PROPERTY(contains == (a <= b && b <= RegionKeyLast(a)), "contains(%ld, %ld) is not the key range", (long) a, (long) b);
	PROPERTY(contains == in_chain, "contains(%ld, %ld) is %d but ancestors say %d", (long) a, (long) b, contains, in_chain);
	PROPERTY(!(contains && RegionKeyContains(b, a)) || a == b, "%ld and %ld contain each other", (long) a, (long) b);
}

/* Check the parser on one field; true with key and code when it is valid. */
static bool
CheckField(const char *s, size_t len, int32_t *key, OracleCode *code)
{
	RegionError err;
	RegionStatus want;
	size_t		bad_offset = 0;
	size_t		trimmed = 0;
	bool		ok;

	memset(&err, 0, sizeof(err));
	want = OracleParse(s, len, code, &bad_offset, &trimmed);
	ok = RegionParse(s, len, key, &err);
	PROPERTY(ok == (want == REGION_OK), "parser says %s, oracle status %d", ok ? "valid" : "invalid", (int) want);
	if (!ok)
	{
		PROPERTY(err.status == want, "status %d, oracle %d", (int) err.status, (int) want);
		if (want == REGION_BAD_CHARACTER)
			PROPERTY(err.offset == bad_offset, "bad character at %zu, oracle %zu", err.offset, bad_offset);
		if (want == REGION_BAD_LENGTH)
			PROPERTY(err.length == trimmed, "length %zu, oracle %zu", err.length, trimmed);
		return false;
	}
	PROPERTY(*key == OracleKeyOf(code), "key %ld, oracle %ld", (long) *key, (long) OracleKeyOf(code));
	CheckValidKey(*key, code);
	return true;
}

/* Check a raw int4 key: valid exactly when the oracle says so, and then all its properties. */
static void
CheckRawKey(int32_t key)
{
	OracleCode	code;
	RegionStatus want = OracleKey(key, &code);
	RegionStatus got = RegionKeyCheck(key);
	char		text[REGION_TEXT_SIZE];

	PROPERTY((got == REGION_OK) == (want == REGION_OK), "key %ld: status %d, oracle %d",
			 (long) key, (int) got, (int) want);
	/* Even a corrupt key prints within the buffer (the sanitizer watches). */
	RegionKeyFormat(key, text);
	PROPERTY(strlen(text) < REGION_TEXT_SIZE, "key %ld prints too long", (long) key);
	if (want == REGION_OK)
		CheckValidKey(key, &code);
}

/* Judge one input: up to two comma-separated codes and a raw key. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *) data;
	const char *comma = memchr(s, ',', size);
	size_t		len1 = comma ? (size_t) (comma - s) : size;
	int32_t		k1 = 0,
				k2 = 0;
	OracleCode	c1,
				c2;
	bool		ok1;
	bool		ok2 = false;

	if (size > 2 * MAX_FIELD)
		return 0;
	ok1 = CheckField(s, len1, &k1, &c1);
	if (comma)
		ok2 = CheckField(comma + 1, size - len1 - 1, &k2, &c2);
	if (ok1 && ok2)
	{
		CheckPair(k1, &c1, k2, &c2);
		CheckPair(k2, &c2, k1, &c1);
	}
	if (ok1)
	{
		/* The neighbours of a valid key are judged like any key. */
		CheckRawKey(k1 - 1);
		CheckRawKey(k1 + 1);
		CheckRawKey(RegionKeyLast(k1) + 1);
	}
	if (size >= sizeof(int32_t))
	{
		int32_t		raw;

		memcpy(&raw, data, sizeof(raw));
		CheckRawKey(raw);
	}
	return 0;
}
