"""API keys over real HTTP (docs/portal.md, "API keys"; bridge/api_keys.py): an admin makes a key
and sees it once; POST /auth/api-key exchanges it for a short API token that reads only the
key's scope (its customer, or its staff role's powers); revoking or expiring the key ends its
tokens at their next request; bad, unknown, revoked and expired keys are refused alike."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import requests

from factories import create_customer


def exchange(settings, key: str) -> requests.Response:
    return requests.post(f"{settings.bridge_url}/auth/api-key", headers={"X-Api-Key": key}, timeout=30)


def refused(response: requests.Response, status: int, code: str) -> dict:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    return response.json()


def in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).isoformat()


def create_key(client, **fields) -> requests.Response:
    return client.post("/rpc/create_api_key", json=fields)  # Api.rpc's own first argument is `name`


def make_key(api, token, tenant, **scope) -> dict:
    made = create_key(api(token("staff", tenant["id"])), name="Reseller system", expires_at=in_days(30), **scope)
    assert made.status_code == 200, made.text
    return made.json()


def access_token(settings, key: str) -> str:
    answer = exchange(settings, key)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_a_customer_key_is_shown_once_and_reads_only_its_customer(settings, db, api, token, tenant, customer):
    other = create_customer(db, tenant["id"])
    made = make_key(api, token, tenant, customer_id=str(customer["id"]))
    listed = api(token("staff", tenant["id"])).get("/api_keys").json()
    assert [row["prefix"] for row in listed] == [made["key"][:38]]
    assert made["key"] not in str(listed) and "hash" not in str(listed), "the list never shows a key"
    stored = db.execute("SELECT secret_hash FROM kassa.api_keys WHERE id = %s", [made["id"]]).fetchone()["secret_hash"]
    assert made["key"].encode() not in bytes(stored) and len(stored) == 32

    answer = exchange(settings, made["key"])
    assert answer.status_code == 200, answer.text
    claims = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["api_key_id"], claims["role"]) == (f"api-key:{made['id']}", made["id"], "customer")
    assert claims["exp"] - claims["iat"] <= 900 and "staff_role" not in claims
    seen = api(answer.json()["access_token"]).get("/customers?select=id").json()
    assert seen == [{"id": str(customer["id"])}] and str(other["id"]) not in str(seen)
    assert db.execute("SELECT last_used_at FROM kassa.api_keys WHERE id = %s", [made["id"]]).fetchone()["last_used_at"]


def test_a_staff_key_has_its_roles_powers_and_no_more(settings, api, token, tenant, customer):
    viewer = access_token(settings, make_key(api, token, tenant, role="viewer")["key"])
    assert [row["id"] for row in api(viewer).get("/customers?select=id").json()] == [str(customer["id"])]
    refused(api(viewer).rpc("start_invoice_run"), 403, "42501")
    admin = access_token(settings, make_key(api, token, tenant, role="admin")["key"])
    # A key may not mint its successor: that one would outlive the key's revocation.
    refused(create_key(api(admin), name="successor", role="admin", expires_at=in_days(1)), 400, "P0K25")


def test_revoking_a_key_ends_its_tokens_at_the_next_request(settings, api, token, tenant):
    made = make_key(api, token, tenant, role="support")
    support = access_token(settings, made["key"])
    assert api(support).get("/customers?select=id").status_code == 200
    revoked = api(token("staff", tenant["id"])).rpc("revoke_api_key", id=made["id"])
    assert revoked.status_code == 200 and revoked.json()["revoked_at"], revoked.text
    answer = refused(api(support).get("/customers?select=id"), 403, "42501")
    assert "revoked" in answer["message"]
    assert "revoked" in refused(exchange(settings, made["key"]), 401, "P0B58")["message"]
    assert [row["status"] for row in api(token("staff", tenant["id"])).get("/api_keys").json()] == ["revoked"]


def test_an_expired_key_is_refused_and_its_tokens_end_with_it(settings, db, api, token, tenant):
    soon = create_key(api(token("staff", tenant["id"])), name="Short-lived", role="viewer",
                      expires_at=(datetime.now(timezone.utc) + timedelta(seconds=60)).isoformat())
    assert soon.status_code == 200, soon.text
    answer = exchange(settings, soon.json()["key"])
    assert answer.status_code == 200 and answer.json()["expires_in"] <= 60, "a token lives no longer than its key"
    db.execute("UPDATE kassa.api_keys SET expires_at = now() - interval '1 second' WHERE id = %s", [soon.json()["id"]])
    refused(api(answer.json()["access_token"]).get("/customers?select=id"), 403, "42501")
    assert "expired" in refused(exchange(settings, soon.json()["key"]), 401, "P0B58")["message"]


def test_missing_malformed_and_unknown_keys_are_refused(settings, api, token, tenant):
    made = make_key(api, token, tenant, role="viewer")
    refused(requests.post(f"{settings.bridge_url}/auth/api-key", timeout=30), 401, "P0B58")
    refused(exchange(settings, "kassa_nonsense"), 401, "P0B58")
    prefix = made["key"][:38]  # kassa_ and the id
    refused(exchange(settings, f"{prefix}_{'A' * 43}"), 401, "P0B58")  # its id, another secret
    refused(create_key(api(token("staff", tenant["id"])), name="x", role="owner", expires_at=in_days(1)), 400, "P0K22")
