/*
 * engine.c
 */
#include "postgres.h"
