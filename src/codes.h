/*
 * codes.h
 *	  Parsing and checking of the platform's identifier codes: administrative
 *	  division codes (GB/T 2260, with 9-digit street codes) and unified social
 *	  credit codes (GB 32100-2015).
 *
 * Plain C with no backend dependency (no ereport, no palloc), so that the
 * same logic serves the SQL types and a standalone fuzzing harness. Every
 * function reports problems as a status code plus details; the SQL layer
 * (region.c, uscc.c) turns them into errors.
 */
#ifndef ESCALATION_CODES_H
#define ESCALATION_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Region keys: a 9-digit street code as is, a 6-digit code times 1000. */
#define REGION_KEY_MIN			110000000
#define REGION_KEY_MAX			829999999
/* Room for any int32 printed in decimal and its terminator. */
#define REGION_TEXT_SIZE		12

/* Administrative level of a valid region code, from the top down. */
typedef enum RegionLevel
{
	REGION_PROVINCE,			/* xx0000 */
	REGION_CITY,				/* xxyy00 */
	REGION_DISTRICT,			/* xxyyzz, zz not 00 */
	REGION_STREET				/* 9 digits, last three not 000 */
} RegionLevel;

/* Outcome of parsing or checking a region code. */
typedef enum RegionStatus
{
	REGION_OK,
	REGION_BAD_LENGTH,			/* not 6 or 9 characters */
	REGION_BAD_CHARACTER,		/* a character that is not a digit */
	REGION_BAD_PROVINCE,		/* first two digits are no province-level code */
	REGION_NO_CITY,				/* xx00zz: a district under no city */
	REGION_STREET_000,			/* 9 digits ending in 000 */
	REGION_STREET_IN_PROVINCE,	/* xx0000www: a street directly in a province */
	REGION_BAD_KEY				/* a stored key outside every valid code */
} RegionStatus;

/* Details of a parse failure, for the error message. */
typedef struct RegionError
{
	RegionStatus status;
	size_t		length;			/* REGION_BAD_LENGTH: the trimmed length */
	size_t		offset;			/* REGION_BAD_CHARACTER: 0-based byte offset of
								 * the offending character in the input */
} RegionError;

extern bool RegionParse(const char *str, size_t len, int32_t *key, RegionError *err);
extern RegionStatus RegionKeyCheck(int32_t key);
extern void RegionKeyFormat(int32_t key, char *buf);
extern RegionLevel RegionKeyLevel(int32_t key);
extern int32_t RegionKeyLast(int32_t key);
extern bool RegionKeyContains(int32_t outer, int32_t inner);
extern bool RegionKeyParent(int32_t key, int32_t *parent);
extern bool RegionKeyDistrict(int32_t key, int32_t *district);
extern bool RegionKeyCity(int32_t key, int32_t *city);
extern int	RegionKeyAncestors(int32_t key, int32_t *ancestors);

/* Unified social credit codes. */
#define USCC_LENGTH				18

/* Outcome of checking a unified social credit code. */
typedef enum UsccStatus
{
	USCC_OK,
	USCC_BAD_LENGTH,			/* not 18 characters (17 for completion) */
	USCC_BAD_CHARACTER,			/* a character outside the code's charset */
	USCC_BAD_CHECK				/* the 18th character is not the check character */
} UsccStatus;

/* Details of a failure, for the error message. */
typedef struct UsccError
{
	UsccStatus	status;
	size_t		length;			/* USCC_BAD_LENGTH: the trimmed length */
	size_t		offset;			/* USCC_BAD_CHARACTER: 0-based byte offset of
								 * the offending character in the input */
	char		expected;		/* USCC_BAD_CHECK: the right check character */
} UsccError;

extern bool UsccParse(const char *str, size_t len, char *code, UsccError *err);
extern bool UsccComplete(const char *str, size_t len, char *code, UsccError *err);
extern bool UsccRegionKey(const char *code, int32_t *key);

#endif							/* ESCALATION_CODES_H */
