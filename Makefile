# The two commands a newcomer needs: `make up` and `make test`. See README.md.
.PHONY: install up down status test bench

install:
	@scripts/install.sh

up: install
	@.venv/bin/kassa up

down:
	@if [ -x .venv/bin/kassa ]; then .venv/bin/kassa down; fi

status:
	@.venv/bin/kassa status

test: install
	@.venv/bin/kassa test

# make bench            runs every benchmark under bench/
# make bench NAME=x     runs bench/x.py
bench:
	@scripts/install.sh bench
	@.venv/bin/python -m bench.run $(NAME)
