"""Attacks on tenant isolation through the real PostgREST: every one is denied, leaks nothing
and writes nothing.

The arrangement: tenants A and B with two customers each (B also has a ledger entry), and a
suspended tenant S. Attackers are A's staff, A's customer A1, and forged tokens. After every
attack the data of tenants A and B is compared with a fingerprint taken before (tests/snapshots.py:
every row of every table with a tenant_id column, so tables added later are covered). API views
and RPCs are discovered from the catalog at collection time, so those added later are attacked too.
"""
from __future__ import annotations

import base64
import json
import os
import time
import uuid
from pathlib import Path

import jwt
import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from bridge.claims import AUDIENCE
from factories import create_customer, create_tenant
from kassa import config
from snapshots import fingerprint


@pytest.fixture(scope="module")
def world(settings):
    with psycopg.connect(settings.database_url, autocommit=True, row_factory=dict_row) as conn:
        a, b = create_tenant(conn), create_tenant(conn, country="DE", currency="EUR", vat=19, prices_include_vat=False)
        s = create_tenant(conn)
        conn.execute("UPDATE kassa.tenants SET status = 'suspended' WHERE id = %s", [s["id"]])
        a1, a2 = create_customer(conn, a["id"], "Alice Attacker"), create_customer(conn, a["id"], "Andile Neighbour")
        b1 = create_customer(conn, b["id"], "Berta Secret", f"berta-{uuid.uuid4().hex[:8]}@secret.example")
        b2 = create_customer(conn, b["id"], "Bruno Hidden", f"bruno-{uuid.uuid4().hex[:8]}@secret.example")
        s1 = create_customer(conn, s["id"], "Sam Suspended")
        conn.execute("SELECT internal.post_entry(%s, %s, 'top_up', 5000, 'test', %s)",
                     [b["id"], b1["id"], str(uuid.uuid4())])
    return {"A": a, "B": b, "S": s, "A1": a1, "A2": a2, "B1": b1, "B2": b2, "S1": s1}


@pytest.fixture
def untouched(db, world):
    """Asserts after the test that neither tenant A nor tenant B changed."""
    before = {t: fingerprint(db, world[t]["id"]) for t in ("A", "B")}
    yield
    after = {t: fingerprint(db, world[t]["id"]) for t in ("A", "B")}
    assert after == before, "an attack changed stored data"


def secrets_of_b(world) -> list[str]:
    """Strings that only tenant B's data contains: none may appear in an attacker's response."""
    return [str(world["B"]["id"]), world["B"]["slug"], str(world["B1"]["id"]), str(world["B2"]["id"]),
            world["B1"]["email"], world["B2"]["email"], "Berta Secret", "Bruno Hidden"]


def assert_no_leak(response, world, allowed: tuple[str, ...] = ()):
    for secret in secrets_of_b(world):
        if secret not in allowed:
            assert secret not in response.text, f"response leaks {secret!r}: {response.text[:300]}"


def staff_a(token, world):
    return token("staff", world["A"]["id"])


def customer_a1(token, world):
    return token("customer", world["A"]["id"], world["A1"]["id"])


# --- reading, filtering, embedding, counting ------------------------------------------------

READS = {
    "staff-filter-other-tenant": ("staff", "/customers?tenant_id=eq.{B}"),
    "staff-filter-foreign-customer-id": ("staff", "/customers?id=eq.{B1}"),
    "staff-or-filter-foreign": ("staff", "/customers?or=(tenant_id.eq.{B},id.eq.{B2})"),
    "staff-read-foreign-tenant": ("staff", "/tenants?id=eq.{B}"),
    "staff-read-foreign-vat-rates": ("staff", "/vat_rates?tenant_id=eq.{B}"),
    "staff-read-foreign-ledger": ("staff", "/ledger_entries?customer_id=eq.{B1}"),
    "staff-read-foreign-audit-log": ("staff", "/audit_log?tenant_id=eq.{B}"),
    "staff-embed-customers-in-tenants": ("staff", "/tenants?select=id,customers(id,name,email)"),
    "staff-embed-tenant-in-customers": ("staff", "/customers?select=id,tenants(id,name,slug)"),
    "staff-embed-vat-rates-in-tenants": ("staff", "/tenants?select=id,vat_rates(tenant_id,category,rate)"),
    "staff-filter-audit-log-not-own-tenant": ("staff", "/audit_log?select=row_key,tenant_id&tenant_id=neq.{A}"),
    "customer-read-neighbour": ("customer", "/customers?id=eq.{A2}"),
    "customer-read-foreign-customer": ("customer", "/customers?id=eq.{B1}"),
    "customer-read-foreign-tenant": ("customer", "/tenants?id=eq.{B}"),
    "customer-read-foreign-ledger": ("customer", "/ledger_entries?customer_id=eq.{B1}"),
    "customer-embed-customers-in-tenant": ("customer", "/tenants?select=id,customers(id,email)"),
}


def fill(path: str, world) -> str:
    return path.format(**{k: v["id"] for k, v in world.items()})


@pytest.mark.parametrize("case", READS, ids=list(READS))
def test_reads_return_nothing_foreign(case, api, token, world, untouched):
    role, path = READS[case]
    client = api(staff_a(token, world) if role == "staff" else customer_a1(token, world))
    response = client.get(fill(path, world))
    # A valid request that RLS answers with the caller's rows only (an error would prove nothing).
    assert response.status_code == 200, response.text
    assert_no_leak(response, world)
    if role == "customer" and response.status_code == 200:
        neighbour = str(world["A2"]["id"])
        assert neighbour not in response.text, "a customer sees another customer of the same tenant"


def test_customer_sees_exactly_themselves(api, token, world):
    rows = api(customer_a1(token, world)).get("/customers").json()
    assert [r["id"] for r in rows] == [str(world["A1"]["id"])]


@pytest.mark.parametrize("path", ["/customers", "/audit_log", "/ledger_entries", "/vat_rates"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_exact_count_counts_only_own_tenant(path, method, api, token, world, db):
    response = api(staff_a(token, world)).request(method, path, headers={"Prefer": "count=exact"})
    assert response.status_code in (200, 206), response.text
    total = int(response.headers["Content-Range"].split("/")[1])
    table = {"/customers": "kassa.customers", "/audit_log": "audit.log",
             "/ledger_entries": "kassa.ledger_entries", "/vat_rates": "kassa.vat_rates"}[path]
    own = db.execute(sql.SQL("SELECT count(*) AS n FROM {} WHERE tenant_id = %s").format(sql.SQL(table)),
                     [world["A"]["id"]]).fetchone()["n"]
    assert total == own


def test_customer_count_is_one(api, token, world):
    response = api(customer_a1(token, world)).get("/customers", headers={"Prefer": "count=exact"})
    assert response.headers["Content-Range"].endswith("/1")


# --- writing ----------------------------------------------------------------------------------

WRITES = {
    "staff-insert-customer-into-other-tenant": (
        "staff", "POST", "/customers", {"tenant_id": "{B}", "name": "Planted", "email": "planted@example.com"}),
    "staff-insert-customer-with-foreign-id": (
        "staff", "POST", "/customers", {"id": "{B1}", "name": "Twin", "email": "twin@example.com"}),
    "staff-update-foreign-customer": ("staff", "PATCH", "/customers?id=eq.{B1}", {"name": "Hijacked"}),
    "staff-update-by-foreign-tenant-filter": ("staff", "PATCH", "/customers?tenant_id=eq.{B}", {"status": "closed"}),
    "staff-move-customer-to-other-tenant": ("staff", "PATCH", "/customers?id=eq.{A2}", {"tenant_id": "{B}"}),
    "staff-delete-foreign-customer": ("staff", "DELETE", "/customers?id=eq.{B1}", None),
    "staff-delete-own-customer": ("staff", "DELETE", "/customers?id=eq.{A2}", None),
    "staff-update-foreign-tenant": ("staff", "PATCH", "/tenants?id=eq.{B}", {"name": "Hijacked"}),
    "staff-change-own-tenant-currency": ("staff", "PATCH", "/tenants?id=eq.{A}", {"currency": "USD"}),
    "staff-reactivate-suspended-tenant": ("staff", "PATCH", "/tenants?id=eq.{S}", {"status": "active"}),
    "staff-insert-foreign-vat-rate": ("staff", "POST", "/vat_rates", {"tenant_id": "{B}", "category": "planted", "rate": 1}),
    "staff-update-foreign-vat-rate": ("staff", "PATCH", "/vat_rates?tenant_id=eq.{B}", {"rate": 99}),
    "staff-forge-audit-row": ("staff", "POST", "/audit_log", {"table_name": "x", "operation": "INSERT"}),
    "staff-rewrite-audit-log": ("staff", "PATCH", "/audit_log?tenant_id=eq.{A}", {"actor_sub": "forged"}),
    "staff-delete-audit-log": ("staff", "DELETE", "/audit_log?tenant_id=eq.{A}", None),
    "staff-insert-ledger-entry": ("staff", "POST", "/ledger_entries",
                                  {"customer_id": "{A1}", "kind": "bonus", "amount": 100000}),
    "customer-change-own-status": ("customer", "PATCH", "/customers?id=eq.{A1}", {"status": "closed"}),
    "customer-change-own-account-number": ("customer", "PATCH", "/customers?id=eq.{A1}", {"account_number": "X-1"}),
    "customer-change-own-type": ("customer", "PATCH", "/customers?id=eq.{A1}", {"type": "business"}),
    "customer-update-neighbour": ("customer", "PATCH", "/customers?id=eq.{A2}", {"email": "stolen@example.com"}),
    "customer-update-foreign-customer": ("customer", "PATCH", "/customers?id=eq.{B1}", {"email": "stolen@example.com"}),
    "customer-create-customer": ("customer", "POST", "/customers", {"name": "Self Made", "email": "self@example.com"}),
    "customer-delete-self": ("customer", "DELETE", "/customers?id=eq.{A1}", None),
    "customer-update-own-tenant": ("customer", "PATCH", "/tenants?id=eq.{A}", {"name": "Hijacked"}),
    "customer-add-vat-rate": ("customer", "POST", "/vat_rates", {"category": "zero", "rate": 0}),
}


def fill_body(body, world):
    if body is None:
        return None
    return {k: fill(v, world) if isinstance(v, str) else v for k, v in body.items()}


@pytest.mark.parametrize("case", WRITES, ids=list(WRITES))
def test_writes_are_refused_and_change_nothing(case, api, token, world, untouched):
    role, method, path, body = WRITES[case]
    client = api(staff_a(token, world) if role == "staff" else customer_a1(token, world))
    response = client.request(method, fill(path, world), json=fill_body(body, world),
                              headers={"Prefer": "return=representation"})
    # Either refused outright, or the filter matched no row the attacker may touch.
    if response.ok:
        assert response.json() == [], f"{method} {path} touched rows: {response.text}"
    else:
        assert response.status_code in (400, 401, 403, 404, 405), response.text
    assert_no_leak(response, world, allowed=(str(world["B"]["id"]), str(world["B1"]["id"])))


# --- forged and inconsistent tokens -------------------------------------------------------------

def sign(settings, claims: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key or settings.jwt_secret, algorithm=algorithm)


def unsigned(claims: dict) -> str:
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def claims_for(world, role="staff", tenant="A", customer=None, **extra) -> dict:
    claims = {"role": role, "sub": "attacker", "aud": AUDIENCE, "exp": int(time.time()) + 600}
    if tenant:
        claims["tenant_id"] = str(world[tenant]["id"])
    if customer:
        claims["customer_id"] = str(world[customer]["id"])
    return {**claims, **extra}


BAD_TOKENS = {
    "expired": lambda s, w: sign(s, claims_for(w, exp=int(time.time()) - 60)),
    "alg-none": lambda s, w: unsigned(claims_for(w)),
    "wrong-key": lambda s, w: sign(s, claims_for(w), key="not-the-secret-" + "x" * 40),
    "role-postgres": lambda s, w: sign(s, claims_for(w, role="postgres")),
    "role-authenticator": lambda s, w: sign(s, claims_for(w, role="authenticator")),
    "role-kassa-worker": lambda s, w: sign(s, claims_for(w, role="kassa_worker")),
    "missing-tenant": lambda s, w: sign(s, claims_for(w, tenant=None)),
    "unknown-tenant": lambda s, w: sign(s, {**claims_for(w), "tenant_id": str(uuid.uuid4())}),
    "suspended-tenant": lambda s, w: sign(s, claims_for(w, tenant="S")),
    "non-uuid-tenant": lambda s, w: sign(s, {**claims_for(w), "tenant_id": "' OR 1=1 --"}),
    "customer-of-other-tenant": lambda s, w: sign(s, claims_for(w, role="customer", tenant="A", customer="B1")),
    "customer-without-customer-id": lambda s, w: sign(s, claims_for(w, role="customer")),
    "staff-with-customer-id": lambda s, w: sign(s, claims_for(w, customer="A1")),
    "customer-of-suspended-tenant": lambda s, w: sign(s, claims_for(w, role="customer", tenant="S", customer="S1")),
    "garbage": lambda s, w: "not.a.jwt",
    "no-expiry": lambda s, w: sign(s, {k: v for k, v in claims_for(w).items() if k != "exp"}),
    "expiry-beyond-24h": lambda s, w: sign(s, claims_for(w, exp=int(time.time()) + 25 * 3600)),
    "no-audience": lambda s, w: sign(s, {k: v for k, v in claims_for(w).items() if k != "aud"}),
    "other-audience": lambda s, w: sign(s, claims_for(w, aud="kassa-password-reset")),
}


@pytest.mark.parametrize("case", BAD_TOKENS, ids=list(BAD_TOKENS))
def test_bad_tokens_read_nothing(case, api, settings, world, untouched):
    response = api(BAD_TOKENS[case](settings, world)).get("/customers")
    assert response.status_code in (401, 403), f"{case}: {response.status_code} {response.text}"
    # The refusal may name the customer id the token itself carries; nothing else.
    assert_no_leak(response, world, allowed=(str(world["B1"]["id"]),))
    assert "Alice Attacker" not in response.text


@pytest.mark.parametrize("case", BAD_TOKENS, ids=list(BAD_TOKENS))
def test_bad_tokens_write_nothing(case, api, settings, world, db, untouched):
    before = db.execute("SELECT count(*) AS n FROM kassa.customers").fetchone()["n"]
    response = api(BAD_TOKENS[case](settings, world)).post(
        "/customers", json={"name": "Forged", "email": f"forged-{case}@example.com"})
    assert response.status_code in (401, 403), f"{case}: {response.status_code} {response.text}"
    assert db.execute("SELECT count(*) AS n FROM kassa.customers").fetchone()["n"] == before


def test_anonymous_requests_see_nothing(api, world):
    response = api().get("/customers")
    assert response.status_code in (401, 403)
    assert_no_leak(response, world)


# --- every view with a tenant_id, whoever added it ------------------------------------------------

def from_catalog(query: str) -> list[dict]:
    """Rows from the test database when the module is collected (parametrizes the tests below)."""
    home = os.environ.get("KASSA_TEST_HOME")
    if not home:
        return []
    with psycopg.connect(config.load(Path(home)).database_url, row_factory=dict_row) as conn:
        return conn.execute(query).fetchall()


TENANT_VIEWS = [r["view"] for r in from_catalog(
    "SELECT c.relname AS view FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
    " WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v' AND a.attname = 'tenant_id'"
    " ORDER BY 1")]


@pytest.mark.parametrize("caller", ["staff", "customer"])
@pytest.mark.parametrize("view", TENANT_VIEWS)
def test_every_view_shows_only_the_callers_tenant(view, caller, api, token, world, untouched):
    client = api(staff_a(token, world) if caller == "staff" else customer_a1(token, world))
    everything = client.get(f"/{view}?select=tenant_id", headers={"Prefer": "count=exact"})
    foreign = client.get(f"/{view}?tenant_id=eq.{world['B']['id']}", headers={"Prefer": "count=exact"})
    if everything.status_code in (401, 403):  # no grant for this role: refused outright
        assert foreign.status_code in (401, 403)
        return
    assert everything.status_code in (200, 206), everything.text
    assert {row["tenant_id"] for row in everything.json()} <= {str(world["A"]["id"])}
    assert foreign.status_code in (200, 206) and foreign.json() == [], foreign.text
    assert foreign.headers["Content-Range"].endswith("/0")
    assert_no_leak(foreign, world, allowed=(str(world["B"]["id"]),))


# --- every RPC, with another tenant's ids ---------------------------------------------------------

def api_functions() -> list[dict]:
    return from_catalog("""
            SELECT p.proname AS name,
                   coalesce(array_agg(a.name ORDER BY a.n) FILTER (WHERE a.name IS NOT NULL), '{}') AS args,
                   coalesce(array_agg(format_type(a.type, NULL) ORDER BY a.n) FILTER (WHERE a.name IS NOT NULL), '{}') AS types
              FROM pg_proc p
              LEFT JOIN LATERAL unnest(p.proargnames, p.proargtypes::oid[],
                                       coalesce(p.proargmodes::text[], array_fill('i'::text, ARRAY[p.pronargs])))
                        WITH ORDINALITY AS a(name, type, mode, n) ON a.mode IN ('i', 'b', 'v')
             WHERE p.pronamespace = 'api'::regnamespace AND p.prokind = 'f'
             GROUP BY p.oid, p.proname ORDER BY p.proname, p.oid""")


def argument(name: str, type_name: str, world):
    """A plausible value of the parameter's type; every id points into tenant B."""
    if type_name == "uuid":
        return str(world["B"]["id"]) if "tenant" in name else str(world["B1"]["id"])
    if type_name.endswith("[]"):
        return [argument(name, type_name[:-2], world)]
    return {"integer": 1, "bigint": 100, "smallint": 1, "numeric": 1, "boolean": False,
            "date": "2026-01-31", "timestamp with time zone": "2026-01-31T12:00:00Z",
            "jsonb": {}, "json": {}}.get(type_name, "x")


RPCS = api_functions()
# An RPC whose only arguments are a request_id or a period has no foreign id to be sent: it acts
# on the caller's own tenant (start_invoice_run: tests/test_scheduler.py, db/tests/06_job_queue.sql;
# the exports: db/tests/70_exports.sql).
RPCS_WITH_IDS = [rpc for rpc in RPCS if set(rpc["args"]) - {"request_id", "from", "to"}]


@pytest.mark.parametrize("caller", ["staff", "customer"])
@pytest.mark.parametrize("rpc", RPCS_WITH_IDS, ids=[f"{r['name']}({','.join(r['args'])})" for r in RPCS_WITH_IDS])
def test_rpc_with_foreign_ids_reveals_and_writes_nothing(rpc, caller, api, token, world, untouched):
    client = api(staff_a(token, world) if caller == "staff" else customer_a1(token, world))
    args = {name: argument(name, type_name, world) for name, type_name in zip(rpc["args"], rpc["types"])}
    response = client.post(f"/rpc/{rpc['name']}", json=args)
    # Refused, or an empty answer: another tenant's id never finds anything.
    assert not response.ok or response.json() in ([], None, {}), response.text
    # Ids sent may be echoed back in an error message; anything else of tenant B may not.
    assert_no_leak(response, world, allowed=(str(world["B"]["id"]), str(world["B1"]["id"])))


def test_discovery_finds_the_api_views_and_functions(db):
    """Guards the generic tests above: they must see what the catalog has."""
    count = db.execute("SELECT count(*) AS n FROM pg_proc WHERE pronamespace = 'api'::regnamespace"
                       " AND prokind = 'f'").fetchone()["n"]
    assert len(RPCS) == count
    assert {"customers", "audit_log", "ledger_entries", "vat_rates"} <= set(TENANT_VIEWS)
