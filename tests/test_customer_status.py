"""Customer status over real HTTP: status is not PATCHed; closing is refused with 400 and the
code of the first thing in the way, and allowed when nothing is open (the customer's token then
stops working); suspending a customer suspends its active services, resuming brings back only
those, and a suspended customer still logs in and sees their account."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from factories import create_customer, create_service


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
    version = staff.post("/price_versions", json={"product_id": product["id"], "price": 10000, "interval": "monthly"},
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


def waits_for_a_lock(db, pid: int) -> bool:
    for _ in range(100):
        if db.execute("SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = %s",
                      [pid]).fetchone()["waiting"]:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("move, concurrent, code", [
    ("suspend", "SELECT internal.service_transition(%(tenant)s, %(service)s, 'activate', 'installed')", "P0C13"),
    ("close", "INSERT INTO kassa.services (tenant_id, customer_id, price_version_id, billing_day)"
              " VALUES (%(tenant)s, %(customer)s, %(version)s, 1)", "P0C01"),
])
def test_a_status_change_in_progress_holds_off_service_changes(settings, db, tenant, customer, move, concurrent, code):
    """Without the customer lock, the concurrent statement would read the status from before the
    change and leave an active service with a suspended customer, or a service with a closed one."""
    service = create_service(db, tenant["id"], customer["id"])
    if move == "close":
        db.execute("SELECT internal.service_transition(%s, %s, 'cancel', 'not installed')", [tenant["id"], service["id"]])
    args = {"tenant": tenant["id"], "customer": customer["id"], "service": service["id"], "version": service["price_version_id"]}

    with psycopg.connect(settings.database_url) as changing, psycopg.connect(settings.database_url) as other:
        changing.execute("SELECT internal.customer_transition(%s, %s, %s, 'concurrency test')",
                         [tenant["id"], customer["id"], move])
        other_pid = other.info.backend_pid
        with ThreadPoolExecutor(max_workers=1) as pool:
            outcome = pool.submit(other.execute, concurrent, args)
            assert waits_for_a_lock(db, other_pid), "the concurrent statement did not wait for the status change"
            changing.commit()
            with pytest.raises(psycopg.Error) as refused:
                outcome.result(timeout=30)
    assert refused.value.sqlstate == code
    statuses = db.execute("SELECT array_agg(status) AS s FROM kassa.services WHERE customer_id = %s",
                          [customer["id"]]).fetchone()["s"]
    assert statuses == {"suspend": ["pending"], "close": ["cancelled"]}[move]  # nothing got through
