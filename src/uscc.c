/*
 * uscc.c
 */
#include "postgres.h"
