"""bench/dashboard.py stays runnable (it is not part of `make test`): its seed writes a history
whose dashboards show the figures it was built to show, and whose ledger adds up."""
from __future__ import annotations

from bench import dashboard as bench

INVOICE = 49900


def test_the_seeded_history_shows_on_the_dashboards(db):
    tenant = bench.seed(db, 2, 80)[0]
    customer = db.execute("SELECT id FROM kassa.customers WHERE tenant_id = %s ORDER BY account_number OFFSET 19 LIMIT 1",
                          [tenant]).fetchone()["id"]
    assert db.execute("SELECT count(*) FROM internal.ledger_mismatches(%s)", [tenant]).fetchone()["count"] == 0
    with db.transaction(force_rollback=True):
        bench.set_clock(db)
        staff = db.execute("SELECT internal.staff_dashboard(%s) AS d", [tenant]).fetchone()["d"]
        mine = db.execute("SELECT internal.customer_dashboard(%s, %s) AS d", [tenant, customer]).fetchone()["d"]
    # Customers 20, 40, 60 and 80 left the last 2, 3, 4 and 1 months unpaid (due on the 15th).
    assert staff["overdue"] == {
        "count": 10, "amount": 10 * INVOICE, "days_1_30": {"count": 4, "amount": 4 * INVOICE},
        "days_31_60": {"count": 3, "amount": 3 * INVOICE}, "days_61_90": {"count": 2, "amount": 2 * INVOICE},
        "days_over_90": {"count": 1, "amount": INVOICE}}
    assert staff["customers"] == {"active": 80, "suspended": 0, "closed": 0, "total": 80}
    assert staff["invoiced"] == {"count": 80, "total": 80 * INVOICE}
    assert staff["collected"] == {"count": 40, "amount": 40 * INVOICE}  # the odd customers paid December's already
    assert [b["submission_date"] for b in staff["debit_orders"]] == \
        ["2026-12-01", "2026-11-01", "2026-10-01", "2026-09-01", "2026-08-01"]
    assert (staff["debit_orders"][0]["items"], staff["debit_orders"][0]["paid"]) == (8, 8)
    assert staff["debit_orders"][1]["unpaid"] == 4
    assert staff["failed_deliveries"]["webhooks"] == 1
    # Customer 20 owes December's, November's and October's invoice; the next one is January's.
    assert (mine["balance"], mine["amount_due"], mine["open_invoices"]) == (-3 * INVOICE, 3 * INVOICE, 3)
    assert (mine["next_invoice"]["on"], mine["next_invoice"]["total"]) == ("2026-12-25", INVOICE)
    assert mine["usage_this_period"][0]["quantity"] == 20 * 1_000_000
