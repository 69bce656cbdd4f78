"""Known cases, worked out by hand, through the HTTP API as staff.

Each case: a plan price and billing day, a list of steps (service RPCs and invoice runs), and
the pro-rata amounts and next billing date an accountant expects. The arithmetic is in the
comment beside each case (F(k) = round(P * k / L), amount for days [a, b) = F(b) - F(a);
see docs/billing.md), never computed by the code under test.
"""
from __future__ import annotations

import pytest

PLANS = {"fibre50": 5000, "fibre100": 10000, "fibre200": 20000}

CASES = [
    # Period 30 Jan - 28 Feb 2028 (30 days); 29 days from 31 Jan: 10000 - round(333.33) = 9667.
    ("activation on 31 Jan, billing day 30", "fibre100", 30,
     [("activate_service", "2028-01-31")], [9667], "2028-02-29"),
    # Period 1-29 Feb 2028 (29 days); only 29 Feb: 10000 - round(10000 * 28 / 29 = 9655.17) = 345.
    ("activation on 29 Feb 2028, billing day 1", "fibre100", 1,
     [("activate_service", "2028-02-29")], [345], "2028-03-01"),
    # Billing day 30 falls on 29 Feb in 2028: activation that day is a full period, no pro-rata.
    ("activation on 29 Feb 2028, billing day 30", "fibre100", 30,
     [("activate_service", "2028-02-29")], [], "2028-02-29"),
    # March billed; on 31 Mar (1 of 31 days left): credit 10000 - round(9677.42) = 323,
    # charge 20000 - round(19354.84) = 645.
    ("upgrade on the last day of a period", "fibre100", 1,
     [("activate_service", "2026-03-01"), ("run", "2026-03-01"), ("change_plan:fibre200", "2026-03-31")],
     [-323, 645], "2026-04-01"),
    # March billed; from 16 Mar 16 of 31 days left: credit 20000 - round(9677.42) = 10323,
    # charge 5000 - round(2419.35) = 2581.
    ("downgrade to a cheaper plan", "fibre200", 1,
     [("activate_service", "2026-03-01"), ("run", "2026-03-01"), ("change_plan:fibre50", "2026-03-16")],
     [-10323, 2581], "2026-04-01"),
    # Period 25 Mar - 24 Apr (31 days) billed; cancelled 10 Apr, 15 days unused:
    # 10000 - round(5161.29) = 4839 credited.
    ("cancellation mid-period", "fibre100", 25,
     [("activate_service", "2026-03-25"), ("run", "2026-03-25"), ("cancel_service", "2026-04-10")],
     [-4839], "2026-04-25"),
]


@pytest.fixture
def staff(api, token, tenant):
    return api(token("staff", tenant["id"]))


def make_plans(staff) -> dict[str, str]:
    versions = {}
    for code, price in PLANS.items():
        product = staff.post("/products", json={"code": code, "name": code.title(), "kind": "plan"},
                             headers={"Prefer": "return=representation"})
        assert product.status_code == 201, product.text
        version = staff.post("/price_versions", json={"product_id": product.json()[0]["id"], "price": price,
                                                      "interval": "monthly"},
                             headers={"Prefer": "return=representation"})
        assert version.status_code == 201, version.text
        versions[code] = version.json()[0]["id"]
    return versions


@pytest.mark.parametrize("name, plan, day, steps, charges, next_billing", CASES, ids=[c[0] for c in CASES])
def test_known_case(staff, db, tenant, customer, travel_to, name, plan, day, steps, charges, next_billing):
    travel_to(f"{steps[0][1]} 12:00+00")  # the case's story starts today (dates lie in the tenant's window)
    versions = make_plans(staff)
    created = staff.post("/services", json={"customer_id": str(customer["id"]), "price_version_id": versions[plan],
                                            "billing_day": day, "installation_address": "1 Long St"},
                         headers={"Prefer": "return=representation"})
    assert created.status_code == 201, created.text
    service_id = created.json()[0]["id"]
    for step, on in steps:
        if step == "run":
            db.execute("SELECT internal.invoice_run(%s, %s)", [on, tenant["id"]])
            continue
        rpc, _, new_plan = step.partition(":")
        args = {"service_id": service_id, "reason": name}
        if new_plan:
            args.update(plan_version_id=versions[new_plan], effective_on=on)
            rpc = "change_plan"
        else:
            args[{"activate_service": "activated_on", "cancel_service": "cancelled_on"}[rpc]] = on
        response = staff.rpc(rpc, **args)
        assert response.status_code == 200, response.text
    pending = staff.get(f"/pending_charges?service_id=eq.{service_id}&kind=eq.proration&order=unit_price")
    assert [c["unit_price"] for c in pending.json()] == charges
    service = staff.get(f"/services?id=eq.{service_id}").json()[0]
    assert service["next_billing_date"] == next_billing


def refused(response, code: str) -> dict:
    # Business rules (internal.raise_error) and check constraints both answer HTTP 400.
    assert response.status_code == 400 and response.json()["code"] == code, response.text
    return response.json()


def test_transition_errors_are_clear_and_change_nothing(staff, db, customer):
    versions = make_plans(staff)
    refused_day = staff.post("/services", json={"customer_id": str(customer["id"]), "price_version_id": versions["fibre100"],
                                                "billing_day": 17})
    assert "1, 5, 25, 30" in refused(refused_day, "P0S01")["hint"]
    service_id = staff.post("/services", json={"customer_id": str(customer["id"]), "price_version_id": versions["fibre100"],
                                               "billing_day": 5}, headers={"Prefer": "return=representation"}).json()[0]["id"]
    no_reason = staff.rpc("activate_service", service_id=service_id, reason="", activated_on="2026-03-05")
    refused(no_reason, "P0S05")
    assert staff.rpc("cancel_service", service_id=service_id, reason="never installed").status_code == 200
    again = staff.rpc("resume_service", service_id=service_id, reason="changed my mind")
    assert "cancelled service is final" in refused(again, "P0S04")["hint"]
    actions = staff.get(f"/service_actions?service_id=eq.{service_id}").json()
    assert [a["action"] for a in actions] == ["cancel"]
    direct = staff.patch(f"/services?id=eq.{service_id}", json={"status": "active"})
    assert direct.status_code in (401, 403) and direct.json()["code"] == "42501"
    mixed = staff.post("/price_versions", json={"product_id": staff.get("/products?code=eq.fibre100").json()[0]["id"],
                                                "price": 100, "interval": "monthly", "currency": "EUR"})
    refused(mixed, "P0S02")
    negative = staff.post("/price_versions", json={"product_id": staff.get("/products?code=eq.fibre100").json()[0]["id"],
                                                   "price": -100, "interval": "monthly"})
    assert "price_versions_price_not_negative" in refused(negative, "23514")["message"]
    assert db.execute("SELECT count(*) AS n FROM kassa.services WHERE customer_id = %s", [customer["id"]]).fetchone() == {"n": 1}
    assert len(staff.get("/price_versions").json()) == len(PLANS), "refused prices left nothing behind"


def test_staff_change_their_billing_settings(staff, api, token, tenant, customer):
    changed = staff.patch("/billing_settings", json={"billing_days": [1, 15], "invoice_run_mode": "draft"})
    assert changed.status_code == 204, changed.text
    assert staff.get("/billing_settings").json() == [{"tenant_id": str(tenant["id"]), "billing_days": [1, 15],
                                                      "invoice_lead_days": 7, "invoice_run_mode": "draft",
                                                      "proration_mode": "next_invoice", "date_window_back_days": 90,
                                                      "date_window_forward_days": 366,
                                                      "usage_warning_percents": [80, 95]}]
    refused(staff.patch("/billing_settings", json={"invoice_run_mode": "sometimes"}), "23514")
    customer_api = api(token("customer", tenant["id"], customer["id"]))
    assert customer_api.get("/billing_settings").status_code in (401, 403)


def test_immediate_cancellation_credit_is_a_credit_note_at_once(staff, db, tenant, customer, travel_to):
    """Tenant in immediate mode: cancelling (over HTTP) settles the unused days at once with a
    credit note on the invoice that billed the period (the 'cancellation mid-period' case)."""
    travel_to("2026-04-10 12:00+00")
    versions = make_plans(staff)
    db.execute("UPDATE kassa.tenants SET proration_mode = 'immediate' WHERE id = %s", [tenant["id"]])
    service_id = staff.post("/services", json={"customer_id": str(customer["id"]), "price_version_id": versions["fibre100"],
                                               "billing_day": 25}, headers={"Prefer": "return=representation"}).json()[0]["id"]
    assert staff.rpc("activate_service", service_id=service_id, reason="installed", activated_on="2026-03-25").status_code == 200
    db.execute("SELECT internal.invoice_run('2026-03-25', %s)", [tenant["id"]])
    cancelled = staff.rpc("cancel_service", service_id=service_id, reason="moving", cancelled_on="2026-04-10")
    assert cancelled.status_code == 200, cancelled.text
    credit = staff.get(f"/pending_charges?service_id=eq.{service_id}&kind=eq.proration").json()
    assert [(c["unit_price"], c["credit_note_id"] is not None) for c in credit] == [(-4839, True)]
    note = db.execute("SELECT total FROM kassa.credit_notes WHERE id = %s", [credit[0]["credit_note_id"]]).fetchone()
    assert note == {"total": 4839}
