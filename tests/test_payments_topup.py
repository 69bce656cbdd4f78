"""Card top-ups end to end: bridge endpoint, real `stripe` library against the local stand-in,
hosted page, signed webhook, ledger. Duplicates and concurrency end in exactly one posting."""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bridge.fakes import stripe_server
from stripe_helpers import checkout_event, deliver, entries, fake_requests


@pytest.fixture
def shop(db, tenant, customer):
    """A tenant with top-up limits 10.00..2000.00 and bonus tiers 50.00 -> 5 %, 100.00 -> 10 %."""
    db.execute("INSERT INTO kassa.payment_settings VALUES (%s, 1000, 200000)", [tenant["id"]])
    db.execute("INSERT INTO kassa.bonus_tiers VALUES (%s, 5000, 5), (%s, 10000, 10)", [tenant["id"]] * 2)
    return tenant, customer


def start(settings, token, tenant, customer, amount, request_id):
    return requests.post(settings.bridge_url + "/top-ups", timeout=30,
                         headers={"Authorization": f"Bearer {token('customer', tenant['id'], customer['id'])}"},
                         json={"amount": amount, "request_id": request_id})


def test_top_up_from_button_to_balance(settings, db, api, token, shop):
    tenant, customer = shop
    request_id = uuid.uuid4().hex
    first = start(settings, token, tenant, customer, 10000, request_id)
    assert first.status_code == 201, first.text
    again = start(settings, token, tenant, customer, 10000, request_id)  # the double click
    assert again.json()["payment_id"] == first.json()["payment_id"]
    assert again.json()["session_id"] == first.json()["session_id"]
    sessions = [r for r in fake_requests(settings, "/v1/checkout/sessions")
                if r["params"]["metadata"]["customer_id"] == str(customer["id"])]
    assert len(sessions) == 1 and sessions[0]["idempotency_key"] == f"kassa-top-up-{customer['id']}-{request_id}"

    page = requests.get(first.json()["checkout_url"], timeout=10)
    assert page.status_code == 200 and "100.00 ZAR" in page.text
    paid = requests.post(first.json()["checkout_url"] + "/pay", timeout=30, allow_redirects=False)
    assert paid.status_code == 303

    assert entries(db, customer["id"]) == [("top_up", 10000), ("bonus", 1000)]
    me = api(token("customer", tenant["id"], customer["id"]))
    payment = me.get(f"/payments?id=eq.{first.json()['payment_id']}").json()[0]
    assert (payment["status"], payment["amount"], payment["provider"]) == ("completed", 10000, "stripe")
    assert me.get("/customers").json()[0]["balance"] == 11000


def test_top_up_outside_the_limits_is_refused(settings, db, token, shop):
    tenant, customer = shop
    low = start(settings, token, tenant, customer, 999, "low")
    high = start(settings, token, tenant, customer, 200001, "high")
    assert (low.status_code, low.json()["code"]) == (400, "P0P01")
    assert (high.status_code, high.json()["code"]) == (400, "P0P02")
    assert db.execute("SELECT count(*) AS n FROM kassa.payments WHERE customer_id = %s",
                      [customer["id"]]).fetchone()["n"] == 0


@pytest.mark.parametrize("change", ["UPDATE kassa.tenants SET status = 'suspended' WHERE id = %(tenant)s",
                                    "SELECT internal.customer_transition(%(tenant)s, %(customer)s, 'close', 'test')"])
def test_a_top_up_is_refused_as_postgrest_would_refuse_the_token(settings, db, token, shop, change):
    tenant, customer = shop
    valid = token("customer", tenant["id"], customer["id"])
    db.execute(change, {"tenant": tenant["id"], "customer": customer["id"]})
    response = requests.post(settings.bridge_url + "/top-ups", timeout=30, json={"amount": 5000, "request_id": "r"},
                             headers={"Authorization": f"Bearer {valid}"})
    assert (response.status_code, response.json()["code"]) == (403, "P0B10"), response.text
    assert db.execute("SELECT count(*) AS n FROM kassa.payments WHERE customer_id = %s",
                      [customer["id"]]).fetchone()["n"] == 0


def test_top_up_needs_a_customer_token(settings, tenant):
    response = requests.post(settings.bridge_url + "/top-ups", json={"amount": 5000, "request_id": "x"}, timeout=10)
    assert response.status_code == 401


def concurrently(count: int, send) -> list:
    with ThreadPoolExecutor(max_workers=50) as pool:
        return list(pool.map(lambda _: send(), range(count)))


def test_200_concurrent_deliveries_of_one_checkout_post_once(settings, db, shop):
    tenant, customer = shop
    payment = db.execute("SELECT * FROM internal.begin_top_up(%s, %s, 5000, 'c200')",
                         [tenant["id"], customer["id"]]).fetchone()
    event = checkout_event(tenant["id"], customer["id"], 5000, payment_id=payment["id"])
    answers = concurrently(200, lambda: deliver(settings, event))
    assert {status for status, _ in answers} == {200}
    outcomes = [body["status"] for _, body in answers]
    assert outcomes.count("processed") == 1 and outcomes.count("duplicate") == 199
    assert entries(db, customer["id"]) == [("top_up", 5000), ("bonus", 250)]


def test_200_concurrent_deliveries_of_one_off_session_intent_post_once(settings, db, shop):
    tenant, customer = shop
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    card = db.execute("SELECT internal.add_card(%s, %s, 'visa', '4242', 12, 2030, 'cus_x', 'pm_card_visa') AS id",
                      [tenant["id"], customer["id"]]).fetchone()["id"]
    db.execute("INSERT INTO kassa.auto_topups (tenant_id, customer_id, threshold, amount, payment_method_id)"
               " VALUES (%s, %s, 1000, 10000, %s)", [tenant["id"], customer["id"], card])
    claim = db.execute("SELECT internal.claim_auto_topup(%s, %s, now()) AS c",
                       [tenant["id"], customer["id"]]).fetchone()["c"]
    intent = {"id": f"pi_test_{uuid.uuid4().hex}", "object": "payment_intent", "amount": 10000, "currency": "zar",
              "status": "succeeded", "metadata": {k: claim[k] for k in ("tenant_id", "customer_id", "payment_id")}}
    event = stripe_server.event("payment_intent.succeeded", intent)
    answers = concurrently(200, lambda: deliver(settings, event))
    assert [body["status"] for _, body in answers].count("processed") == 1
    assert entries(db, customer["id"]) == [("top_up", 10000), ("bonus", 1000)]
    state = db.execute("SELECT in_flight_payment_id, consecutive_failures FROM kassa.auto_topups"
                       " WHERE customer_id = %s", [customer["id"]]).fetchone()
    assert state == {"in_flight_payment_id": None, "consecutive_failures": 0}


def webhook_events(db) -> int:
    return db.execute("SELECT count(*) AS n FROM kassa.webhook_events").fetchone()["n"]


def test_bad_signature_stale_timestamp_and_malformed_json_change_nothing(settings, db, shop):
    tenant, customer = shop
    event = checkout_event(tenant["id"], customer["id"], 5000)
    before = webhook_events(db)
    payload = json.dumps(event).encode()
    forged = requests.post(settings.bridge_url + "/webhooks/stripe", data=payload, timeout=10, headers={
        "Stripe-Signature": stripe_server.sign(payload, "whsec_not_ours"), "Content-Type": "application/json"})
    stale = deliver(settings, event, timestamp=int(time.time()) - 301)
    malformed = deliver(settings, b'{"id": "evt_1", "type": ')
    unsigned = requests.post(settings.bridge_url + "/webhooks/stripe", data=payload, timeout=10)
    assert forged.status_code == 400 and forged.json()["code"] == "P0W10"
    assert stale[0] == 400 and stale[1]["code"] == "P0W10" and "tolerance" in stale[1]["details"]
    assert malformed == (400, malformed[1]) and malformed[1]["code"] == "P0W11"
    assert unsigned.status_code == 400
    assert webhook_events(db) == before
    assert entries(db, customer["id"]) == []


@pytest.mark.parametrize("case, code", [("unknown customer", "P0P05"), ("below minimum", "P0P01"),
                                        ("above maximum", "P0P02"), ("currency mismatch", "P0P04")])
def test_events_breaking_a_rule_are_recorded_and_post_nothing(settings, db, shop, case, code):
    tenant, customer = shop
    customer_id, amount, currency = customer["id"], 5000, "zar"
    if case == "unknown customer":
        customer_id = uuid.uuid4()
    elif case == "below minimum":
        amount = 999
    elif case == "above maximum":
        amount = 200001
    else:
        currency = "eur"
    event = checkout_event(tenant["id"], customer_id, amount, currency)
    status, body = deliver(settings, event)
    assert (status, body["status"], body["code"]) == (422, "rejected", code)
    recorded = db.execute("SELECT status, error FROM kassa.webhook_events WHERE event_id = %s", [event["id"]]).fetchone()
    assert recorded["status"] == "rejected" and recorded["error"].startswith(code)
    assert entries(db, customer["id"]) == []
    assert db.execute("SELECT count(*) AS n FROM kassa.payments WHERE tenant_id = %s", [tenant["id"]]).fetchone()["n"] == 0


def test_unknown_events_are_acknowledged(settings, db):
    event = stripe_server.event("customer.subscription.created", {"id": "sub_1", "object": "subscription"})
    assert deliver(settings, event) == (200, {"status": "ignored", "event_id": event["id"]})
    assert db.execute("SELECT status FROM kassa.webhook_events WHERE event_id = %s", [event["id"]]).fetchone() == {
        "status": "ignored"}


def test_refund_and_dispute_events_post_reversals(settings, db, shop):
    tenant, customer = shop
    event = checkout_event(tenant["id"], customer["id"], 10000)
    assert deliver(settings, event)[1]["status"] == "processed"
    intent = event["data"]["object"]["payment_intent"]
    charge = {"id": "ch_1", "object": "charge", "payment_intent": intent, "amount": 10000, "amount_refunded": 4000}
    assert deliver(settings, stripe_server.event("charge.refunded", charge))[1]["status"] == "processed"
    dispute = {"id": f"dp_{uuid.uuid4().hex}", "object": "dispute", "payment_intent": intent, "amount": 6000,
               "reason": "fraudulent"}
    assert deliver(settings, stripe_server.event("charge.dispute.created", dispute))[1]["status"] == "processed"
    assert entries(db, customer["id"]) == [("top_up", 10000), ("bonus", 1000), ("refund", -4000), ("bonus", -400),
                                          ("reversal", -6000), ("bonus", -600)]
    assert db.execute("SELECT * FROM internal.ledger_mismatches()").fetchall() == []


def test_the_audit_log_names_who_started_and_who_completed_a_top_up(settings, db, token, shop):
    """The customer's token starts the payment (the bridge sets its claims); the webhook that
    completes it is named by its event id (internal.act_as), not by the worker login alone."""
    tenant, customer = shop
    started = start(settings, token, tenant, customer, 10000, uuid.uuid4().hex)
    assert started.status_code == 201, started.text
    payment_id = started.json()["payment_id"]
    event = checkout_event(tenant["id"], customer["id"], 10000, payment_id=payment_id)
    status, answer = deliver(settings, event)
    assert (status, answer["status"]) == (200, "processed"), answer
    rows = db.execute("SELECT operation, new_row ->> 'status' AS status, actor_sub, actor_role FROM audit.log"
                      " WHERE tenant_id = %s AND table_name = 'kassa.payments' AND row_key ->> 'id' = %s ORDER BY id",
                      [tenant["id"], payment_id]).fetchall()
    assert rows[0] == {"operation": "INSERT", "status": "pending", "actor_sub": f"customer:{customer['id']}",
                       "actor_role": "customer"}
    completed = [row for row in rows if row["status"] == "completed"]
    assert completed == [{"operation": "UPDATE", "status": "completed", "actor_sub": f"webhook:stripe:{event['id']}",
                          "actor_role": "kassa_worker"}]
