/*
 * escalation.h
 *	  Declarations shared by the C files of the escalation extension.
 */
#ifndef ESCALATION_H
#define ESCALATION_H

/* escalation.timezone: the platform's time zone for dates (licence expiry). */
extern char *escalation_timezone;

#endif							/* ESCALATION_H */
