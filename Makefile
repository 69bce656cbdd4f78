# The two commands a newcomer needs: `make up` and `make test`. See README.md.
.PHONY: install up down status test fuzz bench schema

install:
	@scripts/install.sh

up: install
	@.venv/bin/kassa up

down:
	@if [ -x .venv/bin/kassa ]; then .venv/bin/kassa down; fi

status:
	@.venv/bin/kassa status

test:
	@scripts/install.sh test
	@.venv/bin/kassa test

# make fuzz                 a long schemathesis run (hours): 300 examples per operation, new seed
# make fuzz EXAMPLES=50     fewer
EXAMPLES ?= 300
fuzz: install
	@KASSA_FUZZ_EXAMPLES=$(EXAMPLES) KASSA_FUZZ_BROAD_EXAMPLES=$(EXAMPLES) KASSA_FUZZ_RANDOM=1 \
		.venv/bin/kassa test tests/test_fuzz.py -q -s

# make bench            runs every benchmark under bench/
# make bench NAME=x     runs bench/x.py
bench:
	@scripts/install.sh bench
	@.venv/bin/python -m bench.run $(NAME)

# make schema           rewrites db/schema.sql from a fresh deploy (commit it with the migration)
schema: install
	@.venv/bin/kassa schema
