"""Poison inputs over real PostgREST HTTP (issue 8): a NaN fee quantity, an activation in the
year 0026, a reason of white space only, an 8 MB address and a NaN credit limit are each
refused with a 4xx and a stable code, and nothing is stored (not even in the audit log); and
beyond a credit limit, activations and fees are refused the same way."""
from __future__ import annotations

import pytest


@pytest.fixture
def staff(api, token, tenant):
    return api(token("staff", tenant["id"]))


@pytest.fixture
def service(staff, customer) -> dict:
    """A pending service of the customer, and a one-off fee in the catalog (both priced today)."""
    ids = {}
    for code, kind, interval in (("fibre", "plan", "monthly"), ("install", "fee", None)):
        product = staff.post("/products", json={"code": code, "name": code.title(), "kind": kind},
                             headers={"Prefer": "return=representation"})
        assert product.status_code == 201, product.text
        version = staff.post("/price_versions", json={"product_id": product.json()[0]["id"], "price": 99900,
                                                      "interval": interval},
                             headers={"Prefer": "return=representation"})
        assert version.status_code == 201, version.text
        ids[kind] = version.json()[0]["id"]
    created = staff.post("/services", json={"customer_id": str(customer["id"]), "price_version_id": ids["plan"],
                                            "billing_day": 1}, headers={"Prefer": "return=representation"})
    assert created.status_code == 201, created.text
    return {"id": created.json()[0]["id"], "fee": ids["fee"]}


def refused(response, code: str) -> dict:
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"] == code, response.text
    return response.json()


def test_a_nan_fee_quantity_is_refused_and_nothing_is_stored(staff, db, service):
    for poison in ("NaN", "Infinity", "-Infinity"):
        answer = refused(staff.rpc("add_fee", service_id=service["id"], fee_version_id=service["fee"], quantity=poison),
                         "P0V01")
        assert answer["message"] == f"quantity must be a finite number, not {poison}"
    assert db.execute("SELECT count(*) AS n FROM kassa.pending_charges WHERE service_id = %s",
                      [service["id"]]).fetchone() == {"n": 0}
    # A finite quantity is still accepted.
    assert staff.rpc("add_fee", service_id=service["id"], fee_version_id=service["fee"], quantity=2).status_code == 200


def test_an_activation_in_the_year_0026_is_refused(staff, db, service):
    answer = refused(staff.rpc("activate_service", service_id=service["id"], reason="installed",
                               activated_on="0026-12-01"), "P0V02")
    assert "effective date 0026-12-01 is outside the allowed window" in answer["message"]
    assert "date_window_back_days" in answer["hint"]
    assert db.execute("SELECT status FROM kassa.services WHERE id = %s", [service["id"]]).fetchone() == {
        "status": "pending"}
    # A tenant that migrates old history widens its window (staff, /billing_settings).
    assert staff.patch("/billing_settings", json={"date_window_back_days": 3660}).status_code == 204
    refused(staff.patch("/billing_settings", json={"date_window_forward_days": 4000}), "23514")


@pytest.mark.parametrize("reason", ["   ", "\t\n", "\u00a0\u00a0", "\u2003\u3000"])
def test_a_reason_of_white_space_only_is_refused(staff, db, service, reason):
    refused(staff.rpc("cancel_service", service_id=service["id"], reason=reason), "P0S05")
    assert db.execute("SELECT count(*) AS n FROM kassa.service_actions WHERE service_id = %s",
                      [service["id"]]).fetchone() == {"n": 0}


def test_an_8_mb_address_is_refused_and_never_stored(api, token, db, tenant, customer):
    me = api(token("customer", tenant["id"], customer["id"]))
    logged = db.execute("SELECT count(*) AS n FROM audit.log WHERE tenant_id = %s", [tenant["id"]]).fetchone()
    response = me.patch(f"/customers?id=eq.{customer['id']}", json={"address": "x" * (8 * 1024 * 1024)})
    assert response.status_code in (400, 413), response.text
    if response.status_code == 400:
        assert response.json()["code"] == "P0V04"
        assert response.json()["message"] == "address is too long: 8388608 characters, at most 1000"
    assert db.execute("SELECT address FROM kassa.customers WHERE id = %s", [customer["id"]]).fetchone() == {"address": ""}
    assert db.execute("SELECT count(*) AS n FROM audit.log WHERE tenant_id = %s", [tenant["id"]]).fetchone() == logged
    # Staff writing it get the same answer.
    staff = api(token("staff", tenant["id"]))
    refused(staff.patch(f"/customers?id=eq.{customer['id']}", json={"address": "x" * 1001}), "P0V04")
    assert staff.patch(f"/customers?id=eq.{customer['id']}", json={"address": "x" * 1000}).status_code == 204


def test_a_nan_credit_limit_is_refused_and_nothing_is_stored(staff, db, customer):
    for poison in ("NaN", "Infinity", "-Infinity"):
        answer = refused(staff.rpc("set_credit_limit", customer_id=str(customer["id"]), credit_limit=poison,
                                   reason="reviewed"), "P0V01")
        assert answer["message"] == f"credit_limit must be a finite number, not {poison}"
    refused(staff.rpc("set_credit_limit", customer_id=str(customer["id"]), credit_limit=-100, reason="reviewed"), "P0X01")
    refused(staff.rpc("set_credit_limit", customer_id=str(customer["id"]), credit_limit=100, reason="\u3000"), "P0X02")
    assert db.execute("SELECT count(*) AS n FROM kassa.credit_limits WHERE customer_id = %s",
                      [customer["id"]]).fetchone() == {"n": 0}


def test_beyond_the_credit_limit_an_activation_and_a_fee_are_refused(staff, db, customer, service):
    limit = staff.rpc("set_credit_limit", customer_id=str(customer["id"]), credit_limit=50000, reason="new customer")
    assert limit.status_code == 200 and limit.json()["credit_limit"] == 50000, limit.text
    answer = refused(staff.rpc("activate_service", service_id=service["id"], reason="installed"), "P0X04")
    assert "credit limit reached" in answer["message"] and "set_credit_limit" in answer["hint"]
    refused(staff.rpc("add_fee", service_id=service["id"], fee_version_id=service["fee"]), "P0X04")
    assert db.execute("SELECT status FROM kassa.services WHERE id = %s", [service["id"]]).fetchone() == {
        "status": "pending"}
    assert db.execute("SELECT count(*) AS n FROM kassa.pending_charges WHERE service_id = %s",
                      [service["id"]]).fetchone() == {"n": 0}
    # Raised with a reason, the same activation goes through.
    assert staff.rpc("set_credit_limit", customer_id=str(customer["id"]), credit_limit=200000,
                     reason="paid a deposit").status_code == 200
    assert staff.rpc("activate_service", service_id=service["id"], reason="installed").status_code == 200
