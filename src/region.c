/*
 * region.c
 */
#include "postgres.h"
