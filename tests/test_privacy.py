"""Privacy over real HTTP and the job (docs/operations.md, "Privacy"): a customer's data export
through PostgREST, the tenant's retention period, and the privacy-anonymise job removing a
closed customer's personal data once it has passed, and only then."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.factories import create_customer, run_job


def close(db, customer: dict) -> None:
    db.execute("SELECT internal.customer_transition(%s, %s, 'close', 'moved away')", [customer["tenant_id"], customer["id"]])


def test_a_customer_downloads_their_data_and_staff_any_of_their_tenant(api, token, tenant, customer, db):
    other = create_customer(db, tenant["id"], name="Someone Else")
    mine = api(token("customer", tenant["id"], customer["id"])).get("/rpc/customer_data_export")
    assert mine.status_code == 200, mine.text
    export = mine.json()
    assert export["format"] == "kassa-customer-export/1"
    assert export["customer"]["id"] == str(customer["id"]) and "ledger_entries" in export and "services" in export
    refused = api(token("customer", tenant["id"], customer["id"])).get(f"/rpc/customer_data_export?customer_id={other['id']}")
    assert refused.status_code == 400 and refused.json()["code"] == "P0G31", refused.text
    staff = api(token("staff", tenant["id"])).get(f"/rpc/customer_data_export?customer_id={other['id']}")
    assert staff.status_code == 200 and staff.json()["customer"]["name"] == "Someone Else"


def test_the_job_anonymises_closed_customers_after_the_retention_period(settings, api, token, tenant, db, travel_to):
    staff = api(token("staff", tenant["id"]))
    too_short = staff.patch(f"/tenants?id=eq.{tenant['id']}", json={"privacy_retention_days": 7})
    assert too_short.status_code == 400 and "tenants_privacy_retention_days_range" in too_short.text
    assert staff.patch(f"/tenants?id=eq.{tenant['id']}", json={"privacy_retention_days": 30}).status_code == 204
    now = datetime.now(timezone.utc)
    old, recent = (create_customer(db, tenant["id"], name=name) for name in ("Long Gone", "Just Left"))
    travel_to(now - timedelta(days=31))
    close(db, old)
    travel_to(now - timedelta(days=29))
    close(db, recent)
    travel_to(now)
    status, outcome = run_job(settings, "privacy-anonymise", tenant=tenant["id"])
    assert (status, outcome.processed) == ("succeeded", 1)
    names = {row["id"]: row["name"] for row in staff.get("/customers?select=id,name,anonymised_at").json()}
    assert names[str(old["id"])] == "Anonymised customer" and names[str(recent["id"])] == "Just Left"
    assert run_job(settings, "privacy-anonymise", tenant=tenant["id"])[1].processed == 0, "a second run finds none left"
