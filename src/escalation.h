/*
 * escalation.h
 *	  Declarations shared by the C files of the escalation extension.
 */
#ifndef ESCALATION_H
#define ESCALATION_H

/* escalation.timezone: the platform's time zone for dates (licence expiry). */
extern char *escalation_timezone;

/* escalation.run_log_retention: seconds a run log row is kept (0: for ever). */
extern int	escalation_run_log_retention;

/* escalation.run_clock_skew: seconds a run's as_of may lie after the server clock. */
extern int	escalation_run_clock_skew;

/* lock_guard.c: refuse LOCK TABLE of the platform's tables beyond row locks. */
extern void EscalationInstallLockGuard(void);

#endif							/* ESCALATION_H */
