"""db/README.md indexes every table: each table of `kassa` and `audit` has a row, and each
file a row names exists (the index would otherwise send a reader nowhere)."""
from __future__ import annotations

import re

from kassa.config import ROOT

INDEX = ROOT / "db" / "README.md"
ROW = re.compile(r"^\| `((?:kassa|audit)\.\w+)` \|(.*)\|$")


def index_rows() -> dict[str, list[str]]:
    rows = {}
    for line in INDEX.read_text().splitlines():
        if match := ROW.match(line):
            rows[match.group(1)] = re.findall(r"`([^`]+)`", match.group(2))
    return rows


def test_every_table_has_a_row(db):
    tables = {r["name"] for r in db.execute(
        "SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname IN ('kassa', 'audit') AND c.relkind IN ('r', 'p')")}
    assert tables, "the test database has Kassa's tables"
    assert sorted(tables - index_rows().keys()) == [], "tables without a row in db/README.md"
    assert sorted(index_rows().keys() - tables) == [], "rows of db/README.md for tables that do not exist"


def test_every_file_named_exists():
    missing = [(table, path) for table, paths in index_rows().items() for path in paths
               if not ((ROOT / path) if path.startswith("docs/") else (ROOT / "db" / path)).is_file()]
    assert missing == []
