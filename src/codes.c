/*
 * codes.c
 *	  Parsing and checking of administrative division codes and unified
 *	  social credit codes, independent of the backend (see codes.h).
 *
 * This file deliberately does not include postgres.h: it uses only the C
 * library, so a fuzzing harness can link it on its own.
 */
#include <stdio.h>

#include "codes.h"

#define REGION_PROVINCE_SPAN	10000000	/* keys of one province */
#define REGION_CITY_SPAN		100000	/* keys of one city */
#define REGION_DISTRICT_SPAN	1000	/* keys of one district */

/* The 31 characters of a unified social credit code, in value order. */
static const char UsccCharset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Weights of positions 1-17 in the check character (3^i mod 31). */
static const int UsccWeights[USCC_LENGTH - 1] =
{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* Is the byte white space that may surround a code? */
static bool
IsBlank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Narrow [*start, *end) to the input without surrounding white space. */
static void
TrimBlanks(const char *str, size_t len, size_t *start, size_t *end)
{
	size_t		s = 0;
	size_t		e = len;

	while (s < e && IsBlank(str[s]))
		s++;
	while (e > s && IsBlank(str[e - 1]))
		e--;
	*start = s;
	*end = e;
}

/* Is the two-digit number a province-level code of GB/T 2260? */
static bool
IsProvince(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
		(p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) ||
		p == 71 || p == 81 || p == 82;
}

/* Check the parts of a code: province, city, county (2 digits each), street. */
static RegionStatus
CheckRegionParts(int province, int city, int county, int street, bool nine_digits)
{
	if (!IsProvince(province))
		return REGION_BAD_PROVINCE;
	/* County-level units under a province are numbered xx90zz, never xx00zz. */
	if (city == 0 && county != 0)
		return REGION_NO_CITY;
	if (nine_digits)
	{
		/* xxyyzz000 is the district's own key, never a street. */
		if (street == 0)
			return REGION_STREET_000;
		if (city == 0)
			return REGION_STREET_IN_PROVINCE;
	}
	return REGION_OK;
}

/* Parse a 6- or 9-digit code (surrounding white space allowed) into a key. */
bool
RegionParse(const char *str, size_t len, int32_t *key, RegionError *err)
{
	size_t		start;
	size_t		end;
	size_t		i;
	int32_t		value = 0;
	size_t		n;

	TrimBlanks(str, len, &start, &end);
	/*
	 * Characters come before length, so that a code typed with full-width
	 * digits is reported by its first wrong character, not by its byte count.
	 */
	for (i = start; i < end; i++)
	{
		if (str[i] < '0' || str[i] > '9')
		{
			err->status = REGION_BAD_CHARACTER;
			err->offset = i;
			return false;
		}
	}
	n = end - start;
	if (n != 6 && n != 9)
	{
		err->status = REGION_BAD_LENGTH;
		err->length = n;
		return false;
	}
	for (i = start; i < start + 6; i++)
		value = value * 10 + (str[i] - '0');
	value *= 1000;
	if (n == 9)
		value += (str[start + 6] - '0') * 100 + (str[start + 7] - '0') * 10 + (str[start + 8] - '0');

	err->status = CheckRegionParts(value / REGION_PROVINCE_SPAN,
								   value / REGION_CITY_SPAN % 100,
								   value / REGION_DISTRICT_SPAN % 100,
								   value % REGION_DISTRICT_SPAN,
								   n == 9);
	if (err->status != REGION_OK)
		return false;
	*key = value;
	return true;
}

/* Check that a key (e.g. received in binary form) is a valid code. */
RegionStatus
RegionKeyCheck(int32_t key)
{
	if (key < REGION_KEY_MIN || key > REGION_KEY_MAX)
		return REGION_BAD_KEY;
	return CheckRegionParts(key / REGION_PROVINCE_SPAN,
							key / REGION_CITY_SPAN % 100,
							key / REGION_DISTRICT_SPAN % 100,
							key % REGION_DISTRICT_SPAN,
							key % REGION_DISTRICT_SPAN != 0);
}

/* Print a key as its 6- or 9-digit code into buf (REGION_TEXT_SIZE bytes). */
void
RegionKeyFormat(int32_t key, char *buf)
{
	/* Any int32 fits, so even a corrupt key prints without overflow. */
	if (key % REGION_DISTRICT_SPAN == 0)
		snprintf(buf, REGION_TEXT_SIZE, "%06ld", (long) (key / REGION_DISTRICT_SPAN));
	else
		snprintf(buf, REGION_TEXT_SIZE, "%09ld", (long) key);
}

/* Level of a valid key. */
RegionLevel
RegionKeyLevel(int32_t key)
{
	if (key % REGION_DISTRICT_SPAN != 0)
		return REGION_STREET;
	if (key % REGION_CITY_SPAN != 0)
		return REGION_DISTRICT;
	if (key % REGION_PROVINCE_SPAN != 0)
		return REGION_CITY;
	return REGION_PROVINCE;
}

/* The greatest key contained in the region of a valid key (a valid code too). */
int32_t
RegionKeyLast(int32_t key)
{
	switch (RegionKeyLevel(key))
	{
		case REGION_PROVINCE:
			return key + REGION_PROVINCE_SPAN - 1;
		case REGION_CITY:
			return key + REGION_CITY_SPAN - 1;
		case REGION_DISTRICT:
			return key + REGION_DISTRICT_SPAN - 1;
		case REGION_STREET:
			break;
	}
	return key;
}

/* Does the region outer contain inner (or equal it)? */
bool
RegionKeyContains(int32_t outer, int32_t inner)
{
	return outer <= inner && inner <= RegionKeyLast(outer);
}

/* The parent of a valid key; false for a province. */
bool
RegionKeyParent(int32_t key, int32_t *parent)
{
	switch (RegionKeyLevel(key))
	{
		case REGION_PROVINCE:
			return false;
		case REGION_CITY:
			*parent = key - key % REGION_PROVINCE_SPAN;
			break;
		case REGION_DISTRICT:
			*parent = key - key % REGION_CITY_SPAN;
			break;
		case REGION_STREET:
			/* A city without districts (xxyy00) is the parent of its streets. */
			*parent = key - key % REGION_DISTRICT_SPAN;
			break;
	}
	return true;
}

/* The district of a street or district key; false above, or for a street directly in a city. */
bool
RegionKeyDistrict(int32_t key, int32_t *district)
{
	int32_t		six = key - key % REGION_DISTRICT_SPAN;

	if (RegionKeyLevel(six) != REGION_DISTRICT)
		return false;
	*district = six;
	return true;
}

/* The city (xxyy00) of a city, district or street key; false for a province. */
bool
RegionKeyCity(int32_t key, int32_t *city)
{
	if (RegionKeyLevel(key) == REGION_PROVINCE)
		return false;
	*city = key - key % REGION_CITY_SPAN;
	return true;
}

/* Store the key and every ancestor (at most 4) into ancestors; return how many. */
int
RegionKeyAncestors(int32_t key, int32_t *ancestors)
{
	int			n = 0;

	ancestors[n++] = key;
	while (RegionKeyParent(key, &key))
		ancestors[n++] = key;
	return n;
}

/* Value (0-30) of an upper- or lower-case code character, or -1. */
static int
UsccValue(char c)
{
	int			i;

	if (c >= 'a' && c <= 'z')
		c = (char) (c - 'a' + 'A');
	for (i = 0; UsccCharset[i] != '\0'; i++)
		if (UsccCharset[i] == c)
			return i;
	return -1;
}

/*
 * Copy the trimmed input, upper-cased, into code and its character values
 * into values, checking characters and length (want). Shared by parsing and
 * completion.
 */
static bool
UsccCopy(const char *str, size_t len, size_t want, char *code, int *values, UsccError *err)
{
	size_t		start;
	size_t		end;
	size_t		i;

	TrimBlanks(str, len, &start, &end);
	for (i = start; i < end; i++)
	{
		int			v = UsccValue(str[i]);

		if (v < 0)
		{
			err->status = USCC_BAD_CHARACTER;
			err->offset = i;
			return false;
		}
		if (i - start < want)
		{
			values[i - start] = v;
			code[i - start] = UsccCharset[v];
		}
	}
	if (end - start != want)
	{
		err->status = USCC_BAD_LENGTH;
		err->length = end - start;
		return false;
	}
	return true;
}

/* The check character of the 17 values. */
static char
UsccCheckCharacter(const int *values)
{
	int			sum = 0;
	int			i;
	int			check;

	for (i = 0; i < USCC_LENGTH - 1; i++)
		sum += values[i] * UsccWeights[i];
	check = 31 - sum % 31;
	return UsccCharset[check == 31 ? 0 : check];
}

/* Parse an 18-character code (any case) into code[18], upper case. */
bool
UsccParse(const char *str, size_t len, char *code, UsccError *err)
{
	int			values[USCC_LENGTH];
	char		expected;

	if (!UsccCopy(str, len, USCC_LENGTH, code, values, err))
		return false;
	expected = UsccCheckCharacter(values);
	if (code[USCC_LENGTH - 1] != expected)
	{
		err->status = USCC_BAD_CHECK;
		err->expected = expected;
		return false;
	}
	err->status = USCC_OK;
	return true;
}

/* Complete the first 17 characters (any case) with the check character. */
bool
UsccComplete(const char *str, size_t len, char *code, UsccError *err)
{
	int			values[USCC_LENGTH];

	if (!UsccCopy(str, len, USCC_LENGTH - 1, code, values, err))
		return false;
	code[USCC_LENGTH - 1] = UsccCheckCharacter(values);
	err->status = USCC_OK;
	return true;
}

/* The region key of characters 3-8 of a valid code; false when not a valid region. */
bool
UsccRegionKey(const char *code, int32_t *key)
{
	RegionError err;

	return RegionParse(code + 2, 6, key, &err);
}
