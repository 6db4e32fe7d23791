# escalation: PGXS build of the extension, the worker, and the test entry points.

EXTENSION   = escalation
EXTVERSION  = 0.2.0

MODULE_big  = escalation
OBJS        = src/escalation.o src/access.o src/codes.o src/uscc.o src/region.o src/ladder.o src/ladder_sql.o src/engine.o src/engine_items.o src/engine_sql.o src/engine_store.o src/engine_events.o src/engine_time.o src/legacy_symbols.o

# The install script of a version is assembled from sql/parts/ (one file per
# concern, applied in name order); the install scripts of released versions
# (frozen at release) and the upgrade scripts live in sql/ as is.
SQL_PARTS   = $(sort $(wildcard sql/parts/*.sql))
DATA_built  = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*.sql))

REGRESS      = $(sort $(patsubst test/sql/%.sql,%,$(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --outputdir=test --load-extension=$(EXTENSION)

PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
EXTRA_CLEAN = test/results test/regression.diffs test/regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS)
	cat $^ > $@

# The worker is a program of its own (libpq + libmicrohttpd), built beside the extension.
all: worker
install: install-worker
clean: clean-worker

worker:
	$(MAKE) -C worker PG_CONFIG='$(PG_CONFIG)'

install-worker: worker
	$(MAKE) -C worker PG_CONFIG='$(PG_CONFIG)' bindir='$(bindir)' wwwdir='$(datadir)/escalation-worker/www' install

clean-worker:
	$(MAKE) -C worker clean

.PHONY: worker install-worker clean-worker
