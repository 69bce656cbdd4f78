"""Staff money operations over PostgREST (and card refunds through the bridge): a reason is
required, each is audited with the staff actor, refunds never exceed the payment; customers
cannot call them. Low-balance warnings reach the customer's notifications."""
from __future__ import annotations

import requests

from bridge.fakes import stripe_server
from stripe_helpers import deliver, entries, fake_requests


def test_manual_payment_refund_adjustment_and_their_audit(db, api, token, tenant, customer):
    staff = api(token("staff", tenant["id"]))
    paid = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=20000, method="eft",
                     reason="EFT received, statement line 4", reference="EFT-0004")
    assert paid.status_code == 200, paid.text
    payment_id = paid.json()
    retry = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=20000, method="eft",
                      reason="the same payment, sent again", reference="EFT-0004")
    assert retry.status_code == 200 and retry.json() == payment_id, "a retry returns the first record"
    other = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=15000, method="eft",
                      reason="another payment, same reference", reference="EFT-0004")
    assert (other.status_code, other.json()["code"]) == (400, "P0P12")
    assert db.execute("SELECT count(*) AS n FROM kassa.payments WHERE provider_ref = 'EFT-0004'").fetchone()["n"] == 1
    too_much = staff.rpc("refund_payment", payment_id=payment_id, amount=20001, reason="typo")
    no_reason = staff.rpc("refund_payment", payment_id=payment_id, amount=100, reason="  ")
    assert (too_much.json()["code"], no_reason.json()["code"]) == ("P0P08", "P0P09")
    assert staff.rpc("refund_payment", payment_id=payment_id, amount=5000, reason="partly returned").status_code == 200
    assert staff.rpc("adjust_balance", customer_id=str(customer["id"]), amount=-700,
                     reason="bank charges passed on").status_code == 200

    payment = staff.get(f"/payments?id=eq.{payment_id}").json()[0]
    assert (payment["status"], payment["amount_refunded"], payment["reason"]) == (
        "partially_refunded", 5000, "EFT received, statement line 4")
    assert staff.get(f"/customers?id=eq.{customer['id']}").json()[0]["balance"] == 20000 - 5000 - 700
    audited = staff.get("/audit_log?table_name=in.(kassa.payments,kassa.payment_refunds,kassa.balance_adjustments)"
                        "&operation=eq.INSERT").json()
    assert {row["table_name"] for row in audited} == {"kassa.payments", "kassa.payment_refunds",
                                                     "kassa.balance_adjustments"}
    assert {row["actor_role"] for row in audited} == {"staff"}


def test_customers_cannot_run_staff_operations(api, token, tenant, customer):
    me = api(token("customer", tenant["id"], customer["id"]))
    response = me.rpc("adjust_balance", customer_id=str(customer["id"]), amount=100000, reason="free money")
    assert response.status_code in (401, 403) and response.json()["code"] == "42501"


def test_low_balance_warning_reaches_the_customer(db, api, token, tenant, customer):
    staff = api(token("staff", tenant["id"]))
    created = staff.post("/low_balance_thresholds", json={"tenant_id": str(tenant["id"]), "amount": 5000})
    assert created.status_code == 201, created.text
    staff.rpc("adjust_balance", customer_id=str(customer["id"]), amount=8000, reason="opening balance")
    staff.rpc("adjust_balance", customer_id=str(customer["id"]), amount=-4000, reason="usage")
    notes = api(token("customer", tenant["id"], customer["id"])).get("/notifications").json()
    assert [(n["kind"], n["payload"]["threshold"], n["payload"]["balance"]) for n in notes] == [
        ("low_balance", 5000, 4000)]


def test_staff_refund_a_card_payment_at_stripe_once(settings, db, api, token, tenant, customer):
    db.execute("INSERT INTO kassa.bonus_tiers VALUES (%s, 5000, 10)", [tenant["id"]])
    started = requests.post(settings.bridge_url + "/top-ups", timeout=30, json={"amount": 10000, "request_id": "r"},
                            headers={"Authorization": f"Bearer {token('customer', tenant['id'], customer['id'])}"})
    assert requests.post(started.json()["checkout_url"] + "/pay", allow_redirects=False, timeout=30).status_code == 303
    payment_id = started.json()["payment_id"]
    staff_headers = {"Authorization": f"Bearer {token('staff', tenant['id'])}"}

    def refund(amount, reason="card refund requested by phone", request_id="refund-1"):
        return requests.post(settings.bridge_url + "/refunds", headers=staff_headers, timeout=30, json={
            "payment_id": payment_id, "amount": amount, "reason": reason, "request_id": request_id})

    first = refund(4000)
    assert first.status_code == 201, first.text
    assert refund(4000).json()["refund_id"] == first.json()["refund_id"]  # a retry is the same refund
    stripe_refunds = len(fake_requests(settings, "/v1/refunds"))
    assert (refund(6001, request_id="refund-2").json()["code"], refund(100, reason=" ").json()["code"]) == (
        "P0P08", "P0P09")
    assert len(fake_requests(settings, "/v1/refunds")) == stripe_refunds  # refused before asking Stripe

    intent = db.execute("SELECT provider_intent_ref FROM kassa.payments WHERE id = %s", [payment_id]).fetchone()
    charge = {"id": "ch_x", "object": "charge", "payment_intent": intent["provider_intent_ref"], "amount": 10000,
              "amount_refunded": 4000}
    assert deliver(settings, stripe_server.event("charge.refunded", charge))[1]["status"] == "processed"

    assert entries(db, customer["id"]) == [("top_up", 10000), ("bonus", 1000), ("refund", -4000), ("bonus", -400)]
    payment = api(token("staff", tenant["id"])).get(f"/payments?id=eq.{payment_id}").json()[0]
    assert (payment["status"], payment["amount_refunded"]) == ("partially_refunded", 4000)
    audit = db.execute("SELECT actor_role FROM audit.log WHERE table_name = 'kassa.payment_refunds'"
                       " AND tenant_id = %s", [tenant["id"]]).fetchall()
    assert audit == [{"actor_role": "staff"}]


def test_refunds_need_a_staff_token(settings, tenant, customer, token):
    response = requests.post(settings.bridge_url + "/refunds", timeout=10, json={}, headers={
        "Authorization": f"Bearer {token('customer', tenant['id'], customer['id'])}"})
    assert (response.status_code, response.json()["code"]) == (403, "P0B09"), response.text


def test_staff_set_top_up_limits_and_bonus_tiers_customers_read_them(api, token, tenant, customer):
    staff, me = api(token("staff", tenant["id"])), api(token("customer", tenant["id"], customer["id"]))
    tenant_id = str(tenant["id"])
    assert staff.post("/payment_settings", json={"tenant_id": tenant_id, "min_top_up": 2000,
                                                 "max_top_up": 50000}).status_code == 201
    assert staff.post("/bonus_tiers", json=[{"tenant_id": tenant_id, "min_amount": 5000, "percent": 5},
                                            {"tenant_id": tenant_id, "min_amount": 10000, "percent": 10}]).status_code == 201
    assert me.get("/payment_settings?select=tenant_id,min_top_up,max_top_up,return_origins").json() == [
        {"tenant_id": tenant_id, "min_top_up": 2000, "max_top_up": 50000, "return_origins": []}]
    assert [t["percent"] for t in me.get("/bonus_tiers?order=min_amount").json()] == [5, 10]
    refused = me.post("/bonus_tiers", json={"tenant_id": tenant_id, "min_amount": 100, "percent": 100})
    assert refused.status_code in (401, 403)
    bad = staff.patch(f"/payment_settings?tenant_id=eq.{tenant_id}", json={"min_top_up": 0})
    assert bad.json()["code"] == "23514" and "payment_settings_min_positive" in bad.json()["message"]


def test_card_refunds_need_a_staff_token(settings, tenant, customer, token):
    for header, refused in (({}, (401, "P0B08")),
                            ({"Authorization": f"Bearer {token('customer', tenant['id'], customer['id'])}"}, (403, "P0B09"))):
        response = requests.post(settings.bridge_url + "/refunds", headers=header, timeout=10,
                                 json={"payment_id": str(customer["id"]), "amount": 100, "request_id": "r"})
        assert (response.status_code, response.json()["code"]) == refused, response.text
