"""The deployed schema is the one committed in db/schema.sql (`make schema` rewrites it), so a
change of a table, policy, grant or function signature shows in review as a change there."""
from __future__ import annotations

import difflib

from kassa import schema


def test_deployed_schema_is_the_committed_one(settings):
    committed = schema.SCHEMA_FILE.read_text()
    deployed = schema.dump(settings.database_url)
    diff = "".join(difflib.unified_diff(committed.splitlines(True), deployed.splitlines(True),
                                        "db/schema.sql (committed)", "deployed", n=2))
    assert not diff, f"the deployed schema differs from db/schema.sql; run `make schema` and review:\n{diff}"
