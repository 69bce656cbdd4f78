"""The invoice run without a date across the year end: at 22:30 UTC on 31 December a
Johannesburg tenant (00:30 on 1 January) bills January, dated and numbered in 2027; a UTC
tenant is still on 31 December 2026."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from factories import create_customer, create_service, create_tenant


def service_due_on_the_first(db, tenant: dict) -> dict:
    """A monthly 100.00 service on billing day 1, active since 1 December 2026."""
    customer = create_customer(db, tenant["id"])
    service = create_service(db, tenant["id"], customer["id"], service={"installation_address": "1 Main Road"})["id"]
    db.execute("SELECT internal.service_transition(%s, %s, 'activate', 'test', '2026-12-01')", [tenant["id"], service])
    return customer


def test_the_invoice_run_without_a_date_bills_each_tenant_for_its_own_today(settings, db, travel_to):
    travel_to("2026-12-01 12:00+00")  # the services are set up on 1 December
    johannesburg = create_tenant(db, invoice_lead_days=0)
    utc = create_tenant(db, country="GB", currency="GBP", vat=20, invoice_lead_days=0, timezone="UTC")
    customers = {"johannesburg": service_due_on_the_first(db, johannesburg), "utc": service_due_on_the_first(db, utc)}

    travel_to("2026-12-31 22:30+00")
    for tenant in (johannesburg, utc):
        result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "invoice-run", "--tenant",
                                 str(tenant["id"])], capture_output=True, text=True,
                                env={"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"})
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["status"] == "succeeded"

    def invoice_of(where: str) -> dict:
        return db.execute("SELECT number, issued_on, period_end FROM kassa.invoices WHERE customer_id = %s",
                          [customers[where]["id"]]).fetchone()
    assert invoice_of("johannesburg") == {"number": "INV-2027-00001", "issued_on": date(2027, 1, 1),
                                      "period_end": date(2027, 1, 31)}
    assert invoice_of("utc") == {"number": "INV-2026-00001", "issued_on": date(2026, 12, 31),
                             "period_end": date(2026, 12, 31)}
