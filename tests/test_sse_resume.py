"""SSE streams that resume: the outbox's events reach a stream with their uuid as SSE id; a
client that reconnects with Last-Event-ID gets every event it missed, in order, once, then
the live ones; an id it could not have seen gets a `reload` event."""
from __future__ import annotations

import queue

from psycopg.types.json import Jsonb

from factories import create_customer, create_tenant, open_stream


def drain(stream: queue.Queue, count: int) -> list[tuple]:
    return [stream.get(timeout=15) for _ in range(count)]


def emit(db, customer: dict, **payload) -> None:
    """An event of the customer, written as the changing functions write theirs."""
    db.execute("SELECT internal.emit(%s, %s, 'resume_test', %s)", [customer["tenant_id"], customer["id"], Jsonb(payload)])


def test_a_reconnecting_stream_gets_the_100_payments_it_missed_in_order_once(settings, db, api, token, tenant, customer):
    mine = token("customer", tenant["id"], customer["id"])
    first = open_stream(settings.sse_url, mine, events=1, names=None)  # ends after one event
    emit(db, customer, n=0)
    name, last_seen, _ = first.get(timeout=15)
    assert name == "resume_test" and last_seen

    staff = api(token("staff", tenant["id"]))
    for n in range(1, 101):  # the customer is away while 100 payments land
        paid = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=100 + n, method="eft",
                         reason=f"EFT {n}", reference=f"EFT-{n}")
        assert paid.status_code == 200, paid.text

    again = open_stream(settings.sse_url, mine, names=("payment_received", "resume_test"), last_event_id=last_seen)
    missed = drain(again, 100)
    assert [event["payload"]["amount"] for event in missed] == [100 + n for n in range(1, 101)]
    assert len({event["id"] for event in missed}) == 100
    emit(db, customer, n=101)  # then the live ones, once
    live = again.get(timeout=15)
    assert (live["kind"], live["payload"]) == ("resume_test", {**live["payload"], "n": 101})
    assert again.empty()


def test_an_id_the_stream_could_not_have_seen_gets_reload(settings, db, token, tenant, customer):
    other_tenant = create_tenant(db)
    stranger = create_customer(db, other_tenant["id"])
    neighbour = create_customer(db, tenant["id"])
    emit(db, stranger)
    emit(db, neighbour)
    foreign, neighbours = (db.execute("SELECT public_id FROM kassa.notifications WHERE customer_id = %s",
                                      [who["id"]]).fetchone()["public_id"] for who in (stranger, neighbour))
    mine = token("customer", tenant["id"], customer["id"])
    for last in (str(foreign), str(neighbours), "00000000-0000-4000-8000-000000000000", "42"):
        stream = open_stream(settings.sse_url, mine, events=1, names=None, last_event_id=last)
        name, event_id, data = stream.get(timeout=15)
        assert (name, event_id) == ("reload", None) and "read afresh" in data["reason"], last


def test_a_staff_stream_resumes_with_every_customer_of_its_tenant(settings, db, token, tenant, customer):
    neighbour = create_customer(db, tenant["id"])
    staff = token("staff", tenant["id"])
    first = open_stream(settings.sse_url, staff, events=1, names=None)
    emit(db, customer, n=0)
    _, last_seen, _ = first.get(timeout=15)
    emit(db, neighbour, n=1)
    emit(db, create_customer(db, create_tenant(db)["id"]), n=99)  # another tenant's: never shown
    emit(db, customer, n=2)
    again = open_stream(settings.sse_url, staff, names=("resume_test",), last_event_id=last_seen)
    assert [event["payload"]["n"] for event in drain(again, 2)] == [1, 2]
    assert again.empty()
