# escalation: PGXS build of the extension; the worker has targets of its own.

EXTENSION   = escalation
EXTVERSION  = 0.2.0

MODULE_big  = escalation
OBJS        = src/escalation.o src/lock_guard.o src/access.o src/record_integrity.o src/codes.o src/uscc.o src/region.o src/ladder.o src/ladder_sql.o src/engine.o src/engine_items.o src/engine_sql.o src/engine_store.o src/engine_events.o src/engine_time.o src/legacy_symbols.o

# The install script of a version is assembled from sql/parts/ (one file per
# concern, applied in name order); the install scripts of released versions
# (frozen at release) and the upgrade scripts live in sql/ as is.
SQL_PARTS   = $(sort $(wildcard sql/parts/*.sql))
DATA_built  = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*.sql))

# pg_regress reads sql/<test>.sql (the files of sql/ that are not the
# extension's scripts) and compares with expected/<test>.out.
REGRESS      = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS)
	cat $^ > $@

# Every object is rebuilt when any header of src/ changes (a struct that grows
# must not meet an object compiled against its old layout).
$(OBJS): $(wildcard src/*.h)

# The worker is a program of its own (libpq + libmicrohttpd): `make worker`,
# `make install-worker`. The extension's build does not need libmicrohttpd.
clean: clean-worker

worker:
	$(MAKE) -C worker PG_CONFIG='$(PG_CONFIG)'

install-worker: worker
	$(MAKE) -C worker PG_CONFIG='$(PG_CONFIG)' bindir='$(bindir)' wwwdir='$(datadir)/escalation-worker/www' install

clean-worker:
	$(MAKE) -C worker clean

.PHONY: worker install-worker clean-worker
