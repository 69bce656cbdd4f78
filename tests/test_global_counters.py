"""No global counter crosses the API: SSE event ids are the events' own uuids (balance events
carry none), and the audit log groups a request's changes by a uuid, not by the platform-wide txid."""
import threading
import uuid

import psycopg
from psycopg.rows import dict_row

from factories import create_customer, create_tenant, open_stream
from kassa import deploy


def post(db, customer: dict, amount: int) -> None:
    db.execute("SELECT internal.post_entry(%s, %s, 'adjustment', %s, 'test', %s)",
               [customer["tenant_id"], customer["id"], amount, f"counters-{uuid.uuid4()}"])


def test_sse_event_ids_are_the_events_own_uuids(settings, db, token):
    mine, theirs = create_tenant(db), create_tenant(db)
    me, other = create_customer(db, mine["id"]), create_customer(db, theirs["id"])
    my_stream = open_stream(settings.sse_url, token("customer", mine["id"], me["id"], ttl=20), names=None)
    for n in range(3):  # the platform is busy elsewhere
        db.execute("SELECT internal.emit(%s, %s, 'counter_test', '{}')", [theirs["id"], other["id"]])
    post(db, me, 100)
    name, event_id, data = my_stream.get(timeout=10)
    assert (name, event_id, data["balance"]) == ("balance", None, 100), "a balance event has no id"
    db.execute("SELECT internal.emit(%s, %s, 'counter_test', '{}')", [mine["id"], me["id"]])
    name, event_id, data = my_stream.get(timeout=10)
    public_id = db.execute("SELECT public_id FROM kassa.notifications WHERE customer_id = %s AND kind = 'counter_test'",
                           [me["id"]]).fetchone()["public_id"]
    assert (name, event_id, data["id"]) == ("counter_test", str(public_id), str(public_id))


def test_the_audit_log_groups_a_request_by_a_uuid(db, api, token):
    tenant = create_tenant(db)
    staff = api(token("staff", tenant["id"]))
    # One request writing two rows (a bulk insert), then a request writing one of them again.
    added = staff.post("/customers", json=[{"name": "First", "email": f"first-{uuid.uuid4().hex[:8]}@example.com"},
                                           {"name": "Second", "email": f"second-{uuid.uuid4().hex[:8]}@example.com"}],
                       headers={"Prefer": "return=representation"})
    assert added.status_code == 201, added.text
    first = added.json()[0]["id"]
    assert staff.patch(f"/customers?id=eq.{first}", json={"phone": "+27 82 000 0002"}).status_code in (200, 204)

    rows = staff.get("/audit_log", params={"table_name": "eq.kassa.customers", "order": "at"}).json()
    assert [row["operation"] for row in rows] == ["INSERT", "INSERT", "UPDATE"]
    assert rows[2]["row_key"]["id"] == first
    assert all("txid" not in row for row in rows)
    assert all(uuid.UUID(row["id"]) and uuid.UUID(row["transaction_id"]) for row in rows)
    assert rows[0]["transaction_id"] == rows[1]["transaction_id"], "one request, one transaction_id"
    assert rows[2]["transaction_id"] != rows[0]["transaction_id"], "the next request has its own"


def test_concurrent_postings_number_a_customers_entries_without_gaps(settings, db):
    """Postings from many connections at once: the account lock hands out 1..N, in the order the
    postings committed, with balances that follow that order."""
    tenant = create_tenant(db)
    customer, neighbour = create_customer(db, tenant["id"]), create_customer(db, tenant["id"])
    start = threading.Barrier(6)

    def posting(worker: int) -> None:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            start.wait()
            for n in range(5):
                post(conn, customer if (worker + n) % 3 else neighbour, 100 + worker)

    threads = [threading.Thread(target=posting, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for who in (customer, neighbour):
        rows = db.execute("SELECT entry_no, amount, balance_after FROM kassa.ledger_entries"
                          " WHERE tenant_id = %s AND customer_id = %s ORDER BY id", [tenant["id"], who["id"]]).fetchall()
        assert [r["entry_no"] for r in rows] == list(range(1, len(rows) + 1)), "gapless, in posting order"
        running = 0
        for row in sorted(rows, key=lambda r: r["entry_no"]):
            running += row["amount"]
            assert row["balance_after"] == running
    assert db.execute("SELECT count(*) AS n FROM kassa.ledger_entries WHERE tenant_id = %s",
                      [tenant["id"]]).fetchone()["n"] == 30


def test_the_migration_numbers_existing_entries_and_groups_existing_audit_rows(fresh_database):
    """Data written before the change: reverting it and deploying again backfills entry_no in
    posting order per customer, one transaction_id per txid, and allocations' audit keys."""
    fresh = fresh_database
    deploy.deploy(fresh)
    with psycopg.connect(fresh.database_url, autocommit=True, row_factory=dict_row) as conn:
        tenants = [create_tenant(conn), create_tenant(conn)]
        customers = [create_customer(conn, tenants[0]["id"]), create_customer(conn, tenants[0]["id"]),
                     create_customer(conn, tenants[1]["id"])]
        for n in range(7):  # interleaved postings, each its own transaction
            post(conn, customers[n % 3], 1000)
        with conn.transaction():  # one transaction, several audit rows
            for customer in customers:
                conn.execute("UPDATE kassa.customers SET phone = '+27 82 000 0003' WHERE id = %s", [customer["id"]])
        invoice = conn.execute(
            "INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat) VALUES (%s, %s, 'ZAR', true)"
            " RETURNING id", [tenants[0]["id"], customers[0]["id"]]).fetchone()["id"]
        conn.execute("INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, position, description, unit_price,"
                     " vat_category) VALUES (%s, %s, 1, 'Line', 500, 'standard')", [tenants[0]["id"], invoice])
        conn.execute("SELECT internal.refresh_invoice_totals(%s, %s)", [tenants[0]["id"], [invoice]])
        conn.execute("SELECT internal.finalise_invoices(%s, %s, internal.tenant_today(%s))",
                     [tenants[0]["id"], [invoice], tenants[0]["id"]])
        numbered = entry_numbers(conn)
        assert numbered == {customers[0]["id"]: [1, 2, 3, 4], customers[1]["id"]: [1, 2],
                            customers[2]["id"]: [1, 2]}, "three top-ups and the invoice; two; two"
        groups = audit_groups(conn)
        assert conn.execute("SELECT count(*) AS n FROM kassa.invoice_allocations").fetchone()["n"] == 1

    deploy.revert(fresh, "counters_public_ids^")
    with psycopg.connect(fresh.database_url, row_factory=dict_row) as conn:
        assert conn.execute("SELECT row_key FROM audit.log WHERE table_name = 'kassa.invoice_allocations'"
                            ).fetchone()["row_key"].keys() == {"id"}, "revert logs allocations by id again"
    deploy.deploy(fresh)
    with psycopg.connect(fresh.database_url, row_factory=dict_row) as conn:
        assert entry_numbers(conn) == numbered
        assert audit_groups(conn) == groups
        assert conn.execute(
            "SELECT l.row_key = jsonb_build_object('public_id', a.public_id) AND NOT l.new_row ? 'id' AS keyed"
            " FROM audit.log l JOIN kassa.invoice_allocations a ON a.tenant_id = l.tenant_id"
            " WHERE l.table_name = 'kassa.invoice_allocations'").fetchone() == {"keyed": True}


def entry_numbers(conn) -> dict:
    """Each customer's entry numbers in the order of the internal ids."""
    return {row["customer_id"]: row["numbers"] for row in conn.execute(
        "SELECT customer_id, array_agg(entry_no ORDER BY id) AS numbers FROM kassa.ledger_entries GROUP BY 1")}


def audit_groups(conn) -> list:
    """The audit rows grouped by transaction_id, each group as its sorted internal ids."""
    return sorted(row["ids"] for row in conn.execute(
        "SELECT array_agg(id ORDER BY id) AS ids FROM audit.log GROUP BY transaction_id"))
