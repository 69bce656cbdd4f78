"""Deploy is repeatable and reversible, on a fresh database of the test cluster: deploying twice
changes nothing, and `sqitch revert` to the start followed by deploy gives the same schema.

Roles are cluster-wide and shared with the main test database, whose PostgREST stays logged
in as authenticator: the roles revert keeps roles still in use, so that stack keeps working.
"""
from __future__ import annotations

import subprocess

import psycopg

from factories import create_tenant
from kassa import deploy

OUR_SCHEMAS = ("api", "internal", "kassa", "audit")


def schema_dump(settings) -> str:
    """The whole schema as pg_dump prints it: tables, functions, policies, grants."""
    dump = subprocess.run(["pg_dump", "--schema-only", "--dbname", settings.database_url],
                          capture_output=True, text=True, check=True).stdout
    # \restrict lines carry a random key per dump.
    return "\n".join(line for line in dump.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


def our_objects(settings) -> list[str]:
    with psycopg.connect(settings.database_url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s) ORDER BY 1", [list(OUR_SCHEMAS)])]


def test_deploy_twice_changes_nothing(fresh_database):
    fresh = fresh_database
    deploy.deploy(fresh)
    first = schema_dump(fresh)
    deploy.deploy(fresh)
    assert schema_dump(fresh) == first
    assert "CREATE TABLE kassa.customers" in first  # the dump is of a deployed Kassa


def test_revert_to_the_start_then_deploy_again(fresh_database, settings, api, token, db):
    fresh = fresh_database
    deploy.deploy(fresh)
    deployed = schema_dump(fresh)

    deploy.revert(fresh)
    assert our_objects(fresh) == []
    with psycopg.connect(fresh.database_url) as conn:
        assert deploy.deployed_changes(conn) == []

    deploy.deploy(fresh)
    assert schema_dump(fresh) == deployed
    assert deploy.verify(fresh)

    # The main test stack, which shares the cluster's roles, still answers as before.
    tenant = create_tenant(db)
    response = api(token("staff", tenant["id"])).get("/tenants")
    assert response.status_code == 200 and [t["id"] for t in response.json()] == [str(tenant["id"])]
