"""Staff money operations over PostgREST: a reason is required, each is audited with the staff
actor, refunds never exceed the payment; customers cannot call them. Low-balance warnings reach
the customer's notifications."""
from __future__ import annotations


def test_manual_payment_refund_adjustment_and_their_audit(db, api, token, tenant, customer):
    staff = api(token("staff", tenant["id"]))
    paid = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=20000, method="eft",
                     reason="EFT received, statement line 4", reference="EFT-0004")
    assert paid.status_code == 200, paid.text
    payment_id = paid.json()
    again = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=20000, method="eft",
                      reason="same reference twice", reference="EFT-0004")
    assert again.json()["code"] == "23505" and "payments_provider_ref_unique" in again.json()["message"]
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
