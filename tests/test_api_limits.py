"""Limits of the API roles (db/functions/005_api_roles.sql): each has a statement timeout in
its role settings, and PostgREST 12 applies it to the requests it runs as that role."""
from __future__ import annotations

import time

import pytest

EXPECTED = {"anon": "2s", "customer": "10s", "staff": "10s"}


def test_api_roles_have_a_statement_timeout(db):
    rows = db.execute("SELECT rolname, rolconfig FROM pg_roles WHERE rolname = ANY(%s)", [list(EXPECTED)]).fetchall()
    assert {r["rolname"]: r["rolconfig"] for r in rows} == {
        role: [f"statement_timeout={value}"] for role, value in EXPECTED.items()}


@pytest.fixture
def settings_probe(db, api, token, tenant):
    """A throw-away api view that shows the request's statement_timeout, removed afterwards."""
    db.execute("CREATE VIEW api.zz_settings_probe WITH (security_invoker = true) AS"
               " SELECT current_setting('statement_timeout') AS statement_timeout;"
               " GRANT SELECT ON api.zz_settings_probe TO staff, customer;"
               " NOTIFY pgrst, 'reload schema'")
    client = api(token("staff", tenant["id"]))
    deadline = time.monotonic() + 15  # schema cache reload is asynchronous
    while client.get("/zz_settings_probe").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    yield client
    db.execute("DROP VIEW api.zz_settings_probe; NOTIFY pgrst, 'reload schema'")


def test_postgrest_applies_the_role_setting_to_requests(settings_probe, db):
    response = settings_probe.get("/zz_settings_probe")
    assert response.status_code == 200, response.text
    assert response.json() == [{"statement_timeout": EXPECTED["staff"]}]
    # The owner's own sessions keep the server default: the value came from the role.
    assert db.execute("SHOW statement_timeout").fetchone()["statement_timeout"] != EXPECTED["staff"]
