"""The SSE gateway: balance changes reach the customer they belong to, and nobody else."""

import pytest
import requests

from factories import create_customer, open_stream


def post(db, tenant_id, customer_id, amount, source_id):
    db.execute("SELECT internal.post_entry(%s, %s, 'adjustment', %s, 'test', %s)",
               [tenant_id, customer_id, amount, source_id])


def test_a_posting_reaches_its_customer_with_the_new_balance(settings, db, tenant, customer, token):
    events = open_stream(settings.sse_url, token("customer", tenant["id"], customer["id"]), events=1)
    post(db, tenant["id"], customer["id"], 1234, f"sse-{customer['id']}")
    event = events.get(timeout=10)
    assert event == {"tenant_id": str(tenant["id"]), "customer_id": str(customer["id"]),
                     "balance": 1234, "currency": tenant["currency"]}


def test_another_customers_posting_is_not_sent(settings, db, tenant, customer, token):
    other = create_customer(db, tenant["id"])
    events = open_stream(settings.sse_url, token("customer", tenant["id"], customer["id"]), events=1)
    post(db, tenant["id"], other["id"], 500, f"sse-other-{other['id']}")
    post(db, tenant["id"], customer["id"], 700, f"sse-own-{customer['id']}")
    # The first event that arrives must be the customer's own, never the other one's.
    assert events.get(timeout=10)["customer_id"] == str(customer["id"])


@pytest.mark.parametrize("header", ["Bearer not-a-token", ""])
def test_a_stream_needs_a_valid_token(settings, header):
    response = requests.get(settings.sse_url, headers={"Authorization": header}, timeout=5)
    assert (response.status_code, response.json()["code"]) == (401, "P0B08"), response.text


def test_a_stream_ends_when_its_token_expires(settings, tenant, customer, token):
    with requests.get(settings.sse_url, stream=True, timeout=20,
                      headers={"Authorization": f"Bearer {token('customer', tenant['id'], customer['id'], ttl=2)}"}) as response:
        assert response.status_code == 200
        # The server closes the stream at the token's expiry; reading to the end returns.
        body = b"".join(response.iter_content(chunk_size=None))
    assert b": connected" in body


def test_a_suspended_tenant_gets_no_stream(settings, db, tenant, customer, token):
    valid = token("customer", tenant["id"], customer["id"])
    db.execute("UPDATE kassa.tenants SET status = 'suspended' WHERE id = %s", [tenant["id"]])
    response = requests.get(settings.sse_url, headers={"Authorization": f"Bearer {valid}"}, timeout=5)
    assert (response.status_code, response.json()["code"]) == (403, "P0B10") and "not active" in response.json()["message"]
