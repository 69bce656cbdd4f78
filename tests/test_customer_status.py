"""Customer status over real HTTP: status is not PATCHed; closing is refused with 400 and the
code of the first thing in the way, and allowed when nothing is open (the customer's token then
stops working); suspending a customer suspends its active services, resuming brings back only
those, and a suspended customer still logs in and sees their account."""
from __future__ import annotations

import pytest

from conftest import create_customer


@pytest.fixture
def staff(api, token, tenant):
    return api(token("staff", tenant["id"]))


def new_active_service(staff, customer_id, version_id) -> str:
    created = staff.post("/services", json={"customer_id": str(customer_id), "price_version_id": version_id,
                                            "billing_day": 1}, headers={"Prefer": "return=representation"})
    assert created.status_code == 201, created.text
    service_id = created.json()[0]["id"]
    activated = staff.rpc("activate_service", service_id=service_id, reason="installed")
    assert activated.status_code == 200, activated.text
    return service_id


def test_close_suspend_and_resume_a_customer(staff, api, token, db, tenant, customer):
    product = staff.post("/products", json={"code": "fibre", "name": "Fibre", "kind": "plan"},
                         headers={"Prefer": "return=representation"}).json()[0]
    version = staff.post("/price_versions", json={"product_id": product["id"], "price": 10000, "interval": "monthly",
                                                  "valid_from": "2020-01-01"},
                         headers={"Prefer": "return=representation"}).json()[0]
    with_customer = new_active_service(staff, customer["id"], version["id"])
    on_its_own = new_active_service(staff, customer["id"], version["id"])
    assert staff.rpc("suspend_service", service_id=on_its_own, reason="customer asked").status_code == 200

    patched = staff.patch(f"/customers?id=eq.{customer['id']}", json={"status": "closed"})
    assert (patched.status_code, patched.json()["code"]) == (400, "P0C06"), patched.text
    assert "close_customer" in patched.json()["hint"]

    refused = staff.rpc("close_customer", customer_id=str(customer["id"]), reason="moving away")
    assert (refused.status_code, refused.json()["code"]) == (400, "P0C08"), refused.text
    assert refused.json()["message"] == (f"cannot close customer {customer['account_number']}: "
                                         f"service {with_customer} is active")
    assert staff.get(f"/customers?id=eq.{customer['id']}").json()[0]["status"] == "active"

    suspended = staff.rpc("suspend_customer", customer_id=str(customer["id"]), reason="unpaid invoice")
    assert suspended.status_code == 200, suspended.text
    assert (suspended.json()["status"], suspended.json()["status_reason"]) == ("suspended", "unpaid invoice")

    def services():
        rows = staff.get(f"/services?customer_id=eq.{customer['id']}&select=id,status,suspension_reason").json()
        return {row["id"]: (row["status"], row["suspension_reason"]) for row in rows}
    assert services() == {with_customer: ("suspended", "customer_suspended"),
                          on_its_own: ("suspended", "service_suspended")}

    me = api(token("customer", tenant["id"], customer["id"]))
    seen = me.get("/customers")
    assert seen.status_code == 200 and seen.json()[0]["status"] == "suspended", seen.text

    resumed = staff.rpc("resume_customer", customer_id=str(customer["id"]), reason="paid")
    assert resumed.status_code == 200 and resumed.json()["status"] == "active", resumed.text
    assert services() == {with_customer: ("active", None), on_its_own: ("suspended", "service_suspended")}

    nothing_open = create_customer(db, tenant["id"], "Nothing Open")
    closed = staff.rpc("close_customer", customer_id=str(nothing_open["id"]), reason="moved abroad")
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["status_reason"]) == ("closed", "moved abroad")
    assert closed.json()["closed_at"] is not None
    locked_out = api(token("customer", tenant["id"], nothing_open["id"])).get("/customers")
    assert locked_out.status_code == 403 and "closed" in locked_out.json()["message"], locked_out.text
    again = staff.rpc("close_customer", customer_id=str(nothing_open["id"]), reason="twice")
    assert (again.status_code, again.json()["code"]) == (400, "P0C01"), again.text
