/*
 * main.c — escalation-worker: forwards the warnings of the escalation
 * extension to the district and city big screens; with --deliver, sends
 * the notifications of its outbox instead.
 *
 * Options and signals live here; the database side is listener.c, the
 * screens' side http.c, and hub.c is where they meet; the sender is
 * deliver.c.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "worker.h"

#ifndef WWW_DIR
#define WWW_DIR "/usr/share/escalation-worker/www"
#endif

WorkerConfig config = {
	.conninfo = "",
	.listen_address = "127.0.0.1",
	.port = 8080,
	.www_dir = WWW_DIR,
	.ring_size = 4096,
	.client_queue = 256,
	.client_lag_s = 10,
	.max_clients = 4096,
	.heartbeat_s = 15,
	.request_timeout_s = 10,
	.poll_interval_s = 30,
	.connect_timeout_s = 10,
	.query_timeout_s = 10,
	.backoff_min_s = 0.5,
	.backoff_max_s = 30,
	.page_size = 1000,
	.db_connections = 8,
	.db_connections_per_client = 0, /* half of db_connections */
	.engine_stale_s = 300,
	.senders = 16,
	.send_timeout_s = 15,
	.send_connect_timeout_s = 5,
	.lease_s = 60,
};

/* Options whose default differs with --deliver, if given. */
static bool port_given;
static bool poll_interval_given;

/* Where the conninfo came from, for the log (never the conninfo itself). */
static const char *conninfo_source = "the PG* environment";

/* The exit status WorkerFatal asked for; 0 for a plain stop. */
static volatile sig_atomic_t fatal_exit_code;
/* Print the usage text. */
static void
Usage(FILE *out)
{
	fprintf(out,
			"%s forwards the warnings of the escalation extension to the district and\n"
			"city big screens (大屏) as Server-Sent Events, and serves the screen page.\n"
			"\n"
			"Usage: %s [OPTION]... [CONNINFO]\n"
			"\n"
			"CONNINFO is a libpq connection string or URI, taken from the first of: the\n"
			"argument, --conninfo-file, the environment variable ESCALATION_WORKER_CONNINFO;\n"
			"the PG* environment variables fill in the rest (PGHOST, PGPORT, PGDATABASE,\n"
			"PGUSER, PGPASSFILE, ...). Keep passwords out of the argument, which every local\n"
			"user can read in ps: use a password file (PGPASSFILE), --conninfo-file or the\n"
			"environment. Connect as a login role that is a member of escalation_screen and\n"
			"not mapped to a region in escalation.user_region. Several hosts with\n"
			"target_session_attrs=read-write make the worker follow a failover, e.g.\n"
			"  \"host=db1,db2 dbname=escalation user=screen target_session_attrs=read-write\"\n"
			"\n"
			"Connection:\n"
			"      --conninfo-file=FILE   read CONNINFO from FILE (e.g. a systemd credential)\n"
			"      --allow-partial-scope  serve even if the role sees only part of the city\n"
			"                             (a district's role); warns on every connection.\n"
			"                             Without it such a role stops the worker (status 78)\n"
			"\n"
			"HTTP:\n"
			"  -l, --listen=ADDRESS       IPv4 or IPv6 address to bind (default %s)\n"
			"  -p, --port=PORT            TCP port, 0 for any free one (default %d)\n"
			"  -w, --www=DIR              directory of the screen page's files\n"
			"                             (default %s)\n"
			"      --max-clients=N        HTTP connections at once, streams included (default %d)\n"
			"      --heartbeat=SECONDS    comment sent on idle streams (default %d)\n"
			"      --request-timeout=SECONDS  time a connection has to send a complete\n"
			"                             request, however slowly it sends its bytes;\n"
			"                             also how long a kept-alive connection may\n"
			"                             idle between requests (default %d)\n"
			"\n"
			"Events:\n"
			"      --ring-size=N          recent events kept in memory for Last-Event-ID\n"
			"                             resume; older ones are read from the database\n"
			"                             (default %d)\n"
			"      --client-queue=N       events a stream may fall behind; one that stays\n"
			"                             further behind for --client-lag seconds is\n"
			"                             dropped and resumes by Last-Event-ID (default %d)\n"
			"      --client-lag=SECONDS   how long a stream may stay that far behind\n"
			"                             (default %.0f)\n"
			"      --page-size=N          rows per warning_events() call (default %d)\n"
			"\n"
			"Database:\n"
			"      --poll-interval=SECONDS  re-read events even without NOTIFY; also the\n"
			"                             liveness check of the connection (default %d)\n"
			"      --connect-timeout=SECONDS  limit on one connection attempt (default %d)\n"
			"      --query-timeout=SECONDS  limit on one query (default %d)\n"
			"      --backoff-min=SECONDS  first wait before reconnecting (default %.1f)\n"
			"      --backoff-max=SECONDS  longest wait; it doubles up to this (default %.0f)\n"
			"      --db-connections=N     connections at once for snapshots and resumes\n"
			"                             older than the ring; more get 503 (default %d)\n"
			"      --db-connections-per-client=N  of those, how many one client address\n"
			"                             may hold at once (default half, at least 1);\n"
			"                             a stream holds one only while it reads a page\n"
			"\n"
			"Engine health (escalation.engine_health(), read every poll interval):\n"
			"      --engine-stale=SECONDS  /healthz answers 503 when a stage has been due\n"
			"                             but not raised for longer than this and no run\n"
			"                             succeeded within it; 0 never (default %.0f).\n"
			"                             It answers 503 too while the last run failed\n"
			"      --ignore-engine        /healthz judges only the worker itself; the\n"
			"                             engine's state is still shown and in /metrics\n"
			"      --province             the database is a province's: serve its screen\n"
			"                             (/screen/<province code>) from the cities'\n"
			"                             warnings it subscribes to (docs/PROVINCE.md)\n"
			"\n"
			"Delivery (--deliver): send the notifications of the outbox instead of serving\n"
			"screens; connect as a login role in escalation_sender. Only /healthz and\n"
			"/metrics are served (default port 8081); --poll-interval defaults to 1:\n"
			"      --deliver              claim, send and record notifications\n"
			"                             (escalation.notification_claim/_result)\n"
			"      --senders=N            sends at once, across all channels (default %d)\n"
			"      --send-timeout=SECONDS  limit on one send, connection included\n"
			"                             (default %.0f)\n"
			"      --send-connect-timeout=SECONDS  limit on connecting to a provider\n"
			"                             (default %.0f)\n"
			"      --lease=SECONDS        how long a claim stays this sender's; a claim not\n"
			"                             recorded by then is sent again and counted as a\n"
			"                             repeat. More than --send-timeout + 5 (default %d)\n"
			"\n"
			"Other:\n"
			"      --log-level=LEVEL      debug, info, warning or error (default info); lines\n"
			"                             carry a syslog priority prefix (<3>..<7>) when\n"
			"                             standard error is the journal (JOURNAL_STREAM)\n"
			"  -V, --version              print the version and exit\n"
			"  -h, --help                 print this help and exit\n"
			"\n"
			"Endpoints: / (screens), /screen/city, /screen/<district code>,\n"
			"/events?screen=<city|code> (SSE), /api/warnings?screen=..., /api/screens,\n"
			"/healthz, /metrics. SIGTERM or SIGINT stops the worker cleanly.\n",
			WORKER_NAME, WORKER_NAME, config.listen_address, config.port, config.www_dir,
			config.max_clients, config.heartbeat_s, config.request_timeout_s, config.ring_size, config.client_queue, config.client_lag_s,
			config.page_size, config.poll_interval_s, config.connect_timeout_s,
			config.query_timeout_s, config.backoff_min_s, config.backoff_max_s, config.db_connections,
			config.engine_stale_s, config.senders, config.send_timeout_s, config.send_connect_timeout_s,
			config.lease_s);
}

/* Parse an integer option in [min, max] or exit with a message. */
static int
IntOption(const char *name, const char *value, int min, int max)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || v < min || v > max)
	{
		fprintf(stderr, "%s: invalid --%s \"%s\": expected an integer from %d to %d\n",
				WORKER_NAME, name, value, min, max);
		exit(2);
	}
	return (int) v;
}

/* Parse a number of seconds in [min, max] or exit with a message. */
static double
SecondsOption(const char *name, const char *value, double min, double max)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(value, &end);
	if (errno != 0 || end == value || *end != '\0' || !(v >= min && v <= max))
	{
		fprintf(stderr, "%s: invalid --%s \"%s\": expected seconds from %g to %g\n",
				WORKER_NAME, name, value, min, max);
		exit(2);
	}
	return v;
}

enum
{
	OPT_MAX_CLIENTS = 256,
	OPT_HEARTBEAT,
	OPT_REQUEST_TIMEOUT,
	OPT_RING_SIZE,
	OPT_CLIENT_QUEUE,
	OPT_CLIENT_LAG,
	OPT_PAGE_SIZE,
	OPT_POLL_INTERVAL,
	OPT_CONNECT_TIMEOUT,
	OPT_QUERY_TIMEOUT,
	OPT_BACKOFF_MIN,
	OPT_BACKOFF_MAX,
	OPT_DB_CONNECTIONS,
	OPT_DB_CONNECTIONS_PER_CLIENT,
	OPT_LOG_LEVEL,
	OPT_CONNINFO_FILE,
	OPT_ALLOW_PARTIAL_SCOPE,
	OPT_ENGINE_STALE,
	OPT_IGNORE_ENGINE,
	OPT_PROVINCE,
	OPT_DELIVER,
	OPT_SENDERS,
	OPT_SEND_TIMEOUT,
	OPT_SEND_CONNECT_TIMEOUT,
	OPT_LEASE
};

/*
 * A copy of a command-line argument, which is then overwritten in place so
 * that ps shows no password (it was visible until now: hence the warning).
 */
static char *
HideArgument(char *arg)
{
	char	   *copy = CheckedStrdup(arg);

	memset(arg, 'x', strlen(arg));
	return copy;
}

/*
 * The conninfo in a file: its content without trailing white space. Says so
 * if others than the owner may read the file, which may hold a password.
 */
static char *
ReadConninfoFile(const char *path)
{
	char		buf[8192];
	struct stat st;
	size_t		len;
	FILE	   *f = fopen(path, "r");

	if (f == NULL)
	{
		fprintf(stderr, "%s: cannot read --conninfo-file \"%s\": %s\n", WORKER_NAME, path, strerror(errno));
		exit(2);
	}
	len = fread(buf, 1, sizeof(buf) - 1, f);
	if (ferror(f) || !feof(f))
	{
		fprintf(stderr, "%s: cannot read --conninfo-file \"%s\": %s\n", WORKER_NAME, path,
				ferror(f) ? strerror(errno) : "longer than 8 kB");
		exit(2);
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
		LogMessage(LEVEL_WARNING, "--conninfo-file \"%s\" may be read by others than its owner (mode %04o): "
				   "chmod 600 it if it holds a password", path, (unsigned int) (st.st_mode & 07777));
	fclose(f);
	while (len > 0 && isspace((unsigned char) buf[len - 1]))
		len--;
	buf[len] = '\0';
	return CheckedStrdup(buf);
}

/* True if the parsed conninfo has a password in it. */
static bool
HasPassword(const PQconninfoOption *options)
{
	for (const PQconninfoOption *o = options; o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL && o->val[0] != '\0')
			return true;
	return false;
}

/* Stop the worker from any thread; main exits with code. */
void
WorkerFatal(int code)
{
	fatal_exit_code = code;
	kill(getpid(), SIGTERM);
}

/* Read the command line into config. */
static void
ParseOptions(int argc, char **argv)
{
	static const struct option options[] = {
		{"listen", required_argument, NULL, 'l'},
		{"port", required_argument, NULL, 'p'},
		{"www", required_argument, NULL, 'w'},
		{"max-clients", required_argument, NULL, OPT_MAX_CLIENTS},
		{"heartbeat", required_argument, NULL, OPT_HEARTBEAT},
		{"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
		{"ring-size", required_argument, NULL, OPT_RING_SIZE},
		{"client-queue", required_argument, NULL, OPT_CLIENT_QUEUE},
		{"client-lag", required_argument, NULL, OPT_CLIENT_LAG},
		{"page-size", required_argument, NULL, OPT_PAGE_SIZE},
		{"poll-interval", required_argument, NULL, OPT_POLL_INTERVAL},
		{"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
		{"query-timeout", required_argument, NULL, OPT_QUERY_TIMEOUT},
		{"backoff-min", required_argument, NULL, OPT_BACKOFF_MIN},
		{"backoff-max", required_argument, NULL, OPT_BACKOFF_MAX},
		{"db-connections", required_argument, NULL, OPT_DB_CONNECTIONS},
		{"db-connections-per-client", required_argument, NULL, OPT_DB_CONNECTIONS_PER_CLIENT},
		{"province", no_argument, NULL, OPT_PROVINCE},
		{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
		{"conninfo-file", required_argument, NULL, OPT_CONNINFO_FILE},
		{"allow-partial-scope", no_argument, NULL, OPT_ALLOW_PARTIAL_SCOPE},
		{"engine-stale", required_argument, NULL, OPT_ENGINE_STALE},
		{"ignore-engine", no_argument, NULL, OPT_IGNORE_ENGINE},
		{"deliver", no_argument, NULL, OPT_DELIVER},
		{"senders", required_argument, NULL, OPT_SENDERS},
		{"send-timeout", required_argument, NULL, OPT_SEND_TIMEOUT},
		{"send-connect-timeout", required_argument, NULL, OPT_SEND_CONNECT_TIMEOUT},
		{"lease", required_argument, NULL, OPT_LEASE},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int			c;
	const char *conninfo_file = NULL;

	while ((c = getopt_long(argc, argv, "l:p:w:Vh", options, NULL)) != -1)
	{
		switch (c)
		{
			case 'l':
				config.listen_address = optarg;
				break;
			case 'p':
				config.port = IntOption("port", optarg, 0, 65535);
				port_given = true;
				break;
			case 'w':
				config.www_dir = optarg;
				break;
			case OPT_MAX_CLIENTS:
				config.max_clients = IntOption("max-clients", optarg, 1, 100000);
				break;
			case OPT_HEARTBEAT:
				config.heartbeat_s = IntOption("heartbeat", optarg, 1, 3600);
				break;
			case OPT_REQUEST_TIMEOUT:
				config.request_timeout_s = IntOption("request-timeout", optarg, 1, 3600);
				break;
			case OPT_RING_SIZE:
				config.ring_size = IntOption("ring-size", optarg, 1, 10000000);
				break;
			case OPT_CLIENT_QUEUE:
				config.client_queue = IntOption("client-queue", optarg, 1, 10000000);
				break;
			case OPT_CLIENT_LAG:
				config.client_lag_s = SecondsOption("client-lag", optarg, 0.1, 3600);
				break;
			case OPT_PROVINCE:
				/* A province runs no engine: its health is the cities'. */
				config.province = true;
				config.ignore_engine = true;
				break;
			case OPT_PAGE_SIZE:
				config.page_size = IntOption("page-size", optarg, 1, 100000);
				break;
			case OPT_POLL_INTERVAL:
				config.poll_interval_s = IntOption("poll-interval", optarg, 1, 86400);
				poll_interval_given = true;
				break;
			case OPT_CONNECT_TIMEOUT:
				config.connect_timeout_s = IntOption("connect-timeout", optarg, 1, 3600);
				break;
			case OPT_QUERY_TIMEOUT:
				config.query_timeout_s = IntOption("query-timeout", optarg, 1, 3600);
				break;
			case OPT_BACKOFF_MIN:
				config.backoff_min_s = SecondsOption("backoff-min", optarg, 0.01, 3600);
				break;
			case OPT_BACKOFF_MAX:
				config.backoff_max_s = SecondsOption("backoff-max", optarg, 0.01, 86400);
				break;
			case OPT_DB_CONNECTIONS:
				config.db_connections = IntOption("db-connections", optarg, 1, 1000);
				break;
			case OPT_DB_CONNECTIONS_PER_CLIENT:
				config.db_connections_per_client = IntOption("db-connections-per-client", optarg, 1, 1000);
				break;
			case OPT_LOG_LEVEL:
				if (!ParseLogLevel(optarg, &log_min_level))
				{
					fprintf(stderr, "%s: invalid --log-level \"%s\": expected debug, info, warning or error\n",
							WORKER_NAME, optarg);
					exit(2);
				}
				break;
			case OPT_CONNINFO_FILE:
				conninfo_file = optarg;
				break;
			case OPT_ALLOW_PARTIAL_SCOPE:
				config.allow_partial_scope = true;
				break;
			case OPT_ENGINE_STALE:
				config.engine_stale_s = SecondsOption("engine-stale", optarg, 0, 30 * 86400);
				break;
			case OPT_IGNORE_ENGINE:
				config.ignore_engine = true;
				break;
			case OPT_DELIVER:
				config.deliver = true;
				break;
			case OPT_SENDERS:
				config.senders = IntOption("senders", optarg, 1, 1000);
				break;
			case OPT_SEND_TIMEOUT:
				config.send_timeout_s = SecondsOption("send-timeout", optarg, 0.1, 3600);
				break;
			case OPT_SEND_CONNECT_TIMEOUT:
				config.send_connect_timeout_s = SecondsOption("send-connect-timeout", optarg, 0.1, 3600);
				break;
			case OPT_LEASE:
				config.lease_s = IntOption("lease", optarg, 1, 86400);
				break;
			case 'V':
				printf("%s %s\n", WORKER_NAME, WORKER_VERSION);
				exit(0);
			case 'h':
				Usage(stdout);
				exit(0);
			default:
				fprintf(stderr, "Try \"%s --help\" for more information.\n", WORKER_NAME);
				exit(2);
		}
	}
	if (optind < argc)
	{
		config.conninfo = HideArgument(argv[optind++]);
		conninfo_source = "the command line";
	}
	if (optind < argc)
	{
		fprintf(stderr, "%s: too many arguments, first extra: \"%s\"\n", WORKER_NAME, argv[optind]);
		exit(2);
	}
	if (config.conninfo[0] == '\0' && conninfo_file != NULL)
	{
		config.conninfo = ReadConninfoFile(conninfo_file);
		conninfo_source = "--conninfo-file";
	}
	else if (config.conninfo[0] == '\0' && getenv("ESCALATION_WORKER_CONNINFO") != NULL &&
			 getenv("ESCALATION_WORKER_CONNINFO")[0] != '\0')
	{
		config.conninfo = CheckedStrdup(getenv("ESCALATION_WORKER_CONNINFO"));
		conninfo_source = "ESCALATION_WORKER_CONNINFO";
	}
	if (config.deliver && config.province)
	{
		fprintf(stderr, "%s: --deliver and --province exclude each other: a province sends no notifications\n", WORKER_NAME);
		exit(2);
	}
	if (config.deliver && config.lease_s <= config.send_timeout_s + 5)
	{
		fprintf(stderr, "%s: invalid --lease %d: a claim must outlast a send (--send-timeout %g) by more than 5 s\n",
				WORKER_NAME, config.lease_s, config.send_timeout_s);
		exit(2);
	}
	if (config.deliver && !port_given)
		config.port = 8081;
	if (config.deliver && !poll_interval_given)
		config.poll_interval_s = 1;
	if (config.backoff_max_s < config.backoff_min_s)
		config.backoff_max_s = config.backoff_min_s;
	if (config.db_connections_per_client == 0)
		config.db_connections_per_client = config.db_connections > 1 ? config.db_connections / 2 : 1;
	if (config.db_connections_per_client > config.db_connections)
		config.db_connections_per_client = config.db_connections;
}

/*
 * Start the listener and the server, then wait for SIGTERM or SIGINT and
 * stop both: streams end, the connections close, the threads are joined.
 */
int
main(int argc, char **argv)
{
	sigset_t	stop_signals;
	pthread_t	listener;
	int			pipefd[2];
	int			sig = 0;
	char		conninfo_ok_err[256];
	char	   *parse_err = NULL;
	PQconninfoOption *parsed;

	ParseOptions(argc, argv);

	/* A malformed conninfo is a usage error, not something to retry forever. */
	if (config.conninfo[0] != '\0')
	{
		parsed = PQconninfoParse(config.conninfo, &parse_err);
		if (parsed == NULL)
		{
			snprintf(conninfo_ok_err, sizeof(conninfo_ok_err), "%s", parse_err ? parse_err : "out of memory");
			OneLine(conninfo_ok_err);
			fprintf(stderr, "%s: invalid connection string: %s\n", WORKER_NAME, conninfo_ok_err);
			PQfreemem(parse_err);
			return 2;
		}
		if (HasPassword(parsed) && strcmp(conninfo_source, "the command line") == 0)
			LogMessage(LEVEL_WARNING, "the connection string on the command line holds a password, which other local users"
					   " may have read (ps): put it in a password file (PGPASSFILE), --conninfo-file or"
					   " ESCALATION_WORKER_CONNINFO instead");
		PQconninfoFree(parsed);
	}

	/* Every thread inherits this mask: only the main thread takes the signals. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);

	if (pipe2(pipefd, O_CLOEXEC) != 0)
	{
		LogMessage(LEVEL_ERROR, "cannot create the shutdown pipe: %s", strerror(errno));
		return 1;
	}
	shutdown_fd = pipefd[0];

	if (config.deliver && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
	{
		LogMessage(LEVEL_ERROR, "cannot initialise libcurl");
		return 1;
	}
	HubInit();
	if (config.deliver)
		LogMessage(LEVEL_INFO, "%s %s starting as a sender of notifications (connection from %s)",
				   WORKER_NAME, WORKER_VERSION, conninfo_source);
	else
		LogMessage(LEVEL_INFO, "%s %s starting (ring %d events, client queue %d, heartbeat %d s; connection from %s)",
				   WORKER_NAME, WORKER_VERSION, config.ring_size, config.client_queue, config.heartbeat_s, conninfo_source);
	if (!HttpStart())
		return 1;
	if (pthread_create(&listener, NULL, config.deliver ? DeliverMain : ListenerMain, NULL) != 0)
	{
		LogMessage(LEVEL_ERROR, "cannot start the %s thread", config.deliver ? "sender" : "listener");
		HttpStop();
		return 1;
	}

	while (sigwait(&stop_signals, &sig) != 0)
		;
	if (fatal_exit_code == 0)
		LogMessage(LEVEL_INFO, "received %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");

	/* The sender drains first: it still needs its database connection to record outcomes. */
	if (config.deliver)
	{
		DeliverStop();
		pthread_join(listener, NULL);
	}
	/* Streams first (they end at once), then every wait on a socket is cut short. */
	HubShutdown();
	if (write(pipefd[1], "x", 1) != 1)
		LogMessage(LEVEL_WARNING, "cannot signal the shutdown pipe: %s", strerror(errno));
	HttpStop();
	if (!config.deliver)
		pthread_join(listener, NULL);
	HubDestroy();
	DbFreeSlots();
	close(pipefd[0]);
	close(pipefd[1]);
	if (config.deliver)
		curl_global_cleanup();
	LogMessage(fatal_exit_code ? LEVEL_ERROR : LEVEL_INFO, "stopped%s",
			   fatal_exit_code == EXIT_CONFIG ? ": its configuration must change before it can serve" : "");
	return fatal_exit_code;
}
