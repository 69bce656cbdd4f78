"""A retried money call applies once: the client sends its request id again after losing the
answer, over real HTTP, and gets the first result."""
from __future__ import annotations

import uuid


def test_a_retried_adjustment_answers_the_first_result_and_moves_the_balance_once(api, token, db, tenant, customer):
    staff = api(token("staff", tenant["id"]))
    request_id = str(uuid.uuid4())
    call = {"customer_id": str(customer["id"]), "amount": 2500, "reason": "goodwill credit", "request_id": request_id}
    first, retry = staff.rpc("adjust_balance", **call), staff.rpc("adjust_balance", **call)
    assert first.status_code == retry.status_code == 200, (first.text, retry.text)
    assert retry.json() == first.json()
    other = staff.rpc("adjust_balance", **{**call, "amount": 9999})
    assert (other.status_code, other.json()["code"]) == (400, "P0Q01")
    assert db.execute("SELECT balance FROM kassa.billing_accounts WHERE customer_id = %s",
                      [customer["id"]]).fetchone()["balance"] == 2500
