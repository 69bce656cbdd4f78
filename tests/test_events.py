"""Events over real connections: a transaction that writes many events wakes the consumers with
one NOTIFY kassa_events (and one that writes none with none), and one that moves many balances
sends one kassa_balance; a payment recorded over HTTP writes exactly one payment_received event
that the customer reads with what a message needs."""
from __future__ import annotations

import psycopg

from factories import create_customer, issue_invoice, open_stream


def wake_ups(listener: psycopg.Connection, channel: str = "kassa_events") -> int:
    """The notifications of the channel that arrived (waiting up to a second for stragglers)."""
    return sum(1 for note in listener.notifies(timeout=1.0) if note.channel == channel)


def test_a_transaction_wakes_the_consumers_once_however_many_events_it_writes(settings, db, tenant):
    with psycopg.connect(settings.database_url, autocommit=True) as listener:
        listener.execute("LISTEN kassa_events")
        customers = [create_customer(db, tenant["id"], name=f"Customer {n}") for n in range(25)]
        assert wake_ups(listener) == 0, "creating customers writes no event"
        with db.transaction():
            for customer in customers:
                issue_invoice(db, tenant, customer, "2026-11-20")
        assert wake_ups(listener) == 1
        written = db.execute("SELECT count(*) AS n, count(DISTINCT xact_id) AS transactions FROM kassa.notifications"
                             " WHERE tenant_id = %s AND kind = 'invoice_issued'", [tenant["id"]]).fetchone()
        assert written == {"n": 25, "transactions": 1}
        issue_invoice(db, tenant, customers[0], "2026-11-21")
        assert wake_ups(listener) == 1, "the next transaction wakes them again"


def test_a_payment_over_http_writes_one_payment_received_event(api, token, db, tenant, customer):
    invoice = issue_invoice(db, tenant, customer, "2026-11-20")
    staff = api(token("staff", tenant["id"]))
    paid = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=1000, method="eft",
                     reason="EFT received", reference="EFT-1")
    assert paid.status_code == 200, paid.text
    mine = api(token("customer", tenant["id"], customer["id"])).get("/notifications?kind=eq.payment_received").json()
    assert len(mine) == 1
    event = mine[0]
    assert event["version"] == 1 and event["payload"] == {
        "customer_id": str(customer["id"]), "customer_name": customer["name"],
        "account_number": customer["account_number"], "locale": "en", "payment_id": paid.json(),
        "amount": 1000, "bonus": 0, "currency": "ZAR", "purpose": "payment", "provider": "manual", "method": "eft",
        "invoice_id": None, "invoice_number": None, "balance": 0}
    # A payment naming no invoice settles the oldest open one.
    assert db.execute("SELECT status FROM kassa.invoices WHERE id = %s", [invoice]).fetchone()["status"] == "paid"


def test_a_transaction_moving_many_balances_sends_one_balance_wake_up(settings, db, tenant, token):
    customers = [create_customer(db, tenant["id"], name=f"Customer {n}") for n in range(25)]
    staff = open_stream(settings.sse_url, token("staff", tenant["id"]), events=25)
    with psycopg.connect(settings.database_url, autocommit=True) as listener:
        listener.execute("LISTEN kassa_balance")
        with db.transaction():
            for customer in customers:
                issue_invoice(db, tenant, customer, "2026-11-20")
        assert wake_ups(listener, "kassa_balance") == 1
    balances = {staff.get(timeout=10)["customer_id"] for _ in customers}
    assert balances == {str(customer["id"]) for customer in customers}, "staff get every balance it moved"
