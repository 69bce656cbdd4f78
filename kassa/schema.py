"""db/schema.sql: the schema of Kassa's own schemas as deployed, for review and for the tests.

`make schema` deploys Kassa into a throw-away database and writes the dump; the test suite
dumps its own deployed database and compares (tests/test_schema_dump.py), so every change of
a table, policy, grant or function signature shows in review as a change of this file.
The dump is normalised: what changes with the pg_dump minor version or from run to run
(comments, SET lines, `\\restrict` keys, runs of blank lines) is left out, and so are function
bodies: a function shows with its signature, language, security and settings, its body is
reviewed where it is written (db/functions/).
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from kassa.cluster import PG_BIN
from kassa.config import ROOT

SCHEMA_FILE = ROOT / "db" / "schema.sql"
SCHEMAS = ("kassa", "internal", "api", "audit")
NOISE = re.compile(r"^(--.*|SET .*|SELECT pg_catalog\.set_config\(.*|\\(un)?restrict .*)$")
FUNCTION_BODY = re.compile(r"^    AS (\$\w*\$).*?\1;$", re.S | re.M)


def normalise(dump: str) -> str:
    dump = FUNCTION_BODY.sub("    AS $$…$$;", dump)
    lines = [line.rstrip() for line in dump.splitlines() if not NOISE.match(line)]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text + "\n"


def dump(database_url: str) -> str:
    args = [str(PG_BIN / "pg_dump"), "--schema-only", "--dbname", database_url]
    args += [f"--schema={name}" for name in SCHEMAS]
    return normalise(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def write() -> Path:
    from kassa import testrun
    with testrun.throwaway(prefix="schema-") as settings:
        SCHEMA_FILE.write_text(dump(settings.database_url))
    return SCHEMA_FILE
