"""Webhooks through the real worker (bridge/webhook_sender.py) to a receiver on 127.0.0.1
(bridge/fakes/webhook_receiver.py, in the test's process): a payment recorded over HTTP ends as
exactly one webhook whose signature the Standard Webhooks reference library accepts; a failing
endpoint is retried on the schedule (the controllable clock moved to each next attempt) and
disabled after five days of failures; a worker killed mid-delivery loses nothing and sends
again at most once, under the same webhook-id; two workers deliver 1,000 events once each; a
host resolving to a loopback address is refused for a tenant not allowed one, and a redirect is
a failed attempt."""
from __future__ import annotations

import json
import os
import signal
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bridge.fakes.webhook_receiver import Receiver
from bridge.webhook_sender import DEFAULT_SCHEDULE, signature
from factories import create_tenant, free_port, wait_for
from kassa import services


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def allowed_tenant(db, tenant):
    """A tenant a DBA allowed private addresses: its webhooks may go to the test's 127.0.0.1."""
    db.execute("UPDATE kassa.tenants SET webhooks_allow_private = true WHERE id = %s", [tenant["id"]])
    return tenant


def create_endpoint(api, token, tenant, url: str, **fields) -> dict:
    created = api(token("staff", tenant["id"])).rpc("create_webhook_endpoint", url=url, **fields)
    assert created.status_code == 200, created.text
    return created.json()


def write_events(db, customer: dict, count: int = 1) -> list[str]:
    """Events of the customer in the outbox, committed in one transaction (with its wake-up)."""
    rows = db.execute("INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)"
                      " SELECT %s, %s, 'low_balance', jsonb_build_object('balance', n, 'currency', 'ZAR')"
                      " FROM generate_series(1, %s) n RETURNING public_id",
                      [customer["tenant_id"], customer["id"], count]).fetchall()
    return [str(row["public_id"]) for row in rows]


def delivery(db, endpoint: dict, event: str) -> dict | None:
    return db.execute("SELECT d.* FROM api.webhook_deliveries d WHERE d.endpoint_id = %s AND d.event_id = %s",
                      [endpoint["id"], event]).fetchone()


def attempts(db, delivery_id) -> list[dict]:
    return db.execute("SELECT * FROM api.webhook_attempts WHERE delivery_id = %s ORDER BY attempt, created_at",
                      [delivery_id]).fetchall()


def verified(request, secret: str) -> dict:
    """The body, once the reference library accepted its signature (it raises otherwise)."""
    return Webhook(secret).verify(request.body, request.headers)


def test_a_payment_over_http_sends_one_signed_webhook(api, token, db, allowed_tenant, customer, receiver):
    endpoint = create_endpoint(api, token, allowed_tenant, receiver.url("/kassa"))
    staff = api(token("staff", allowed_tenant["id"]))
    paid = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=1000, method="eft",
                     reason="EFT received", reference="EFT-1")
    assert paid.status_code == 200, paid.text
    [request] = receiver.wait_for("/kassa", 1)
    body = verified(request, endpoint["secret"])
    assert body["type"] == "payment_received" and body["data"]["payment_id"] == paid.json()
    assert body["data"]["amount"] == 1000 and body["customer_id"] == str(customer["id"])
    [event] = staff.get("/notifications?kind=eq.payment_received").json()
    assert body["id"] == event["id"], "the body names the event by its id"
    assert wait_for(lambda: staff.get("/webhook_deliveries").json()[0]["status"] == "delivered")
    [sent] = staff.get("/webhook_deliveries").json()
    assert request.headers["webhook-id"] == sent["id"] and sent["attempts"] == 1
    [logged] = staff.get(f"/webhook_attempts?delivery_id=eq.{sent['id']}").json()
    assert (logged["status_code"], logged["response"], logged["outcome"]) == (200, "ok", "delivered")
    assert logged["latency_ms"] >= 0
    assert len(receiver.at("/kassa")) == 1, "exactly one webhook"


def test_another_tenant_sees_none_of_it(api, token, db, allowed_tenant, receiver):
    create_endpoint(api, token, allowed_tenant, receiver.url("/mine"))
    stranger = api(token("staff", create_tenant(db)["id"]))
    assert stranger.get("/webhook_endpoints").json() == [] and stranger.get("/webhook_deliveries").json() == []


def test_a_failing_endpoint_is_retried_on_the_schedule_then_disabled(api, token, db, allowed_tenant, customer,
                                                                      receiver, travel_to):
    receiver.answer("/failing", 500)
    endpoint = create_endpoint(api, token, allowed_tenant, receiver.url("/failing"))
    [event] = write_events(db, customer)
    schedule = [timedelta(seconds=float(delay)) for delay in DEFAULT_SCHEDULE.split(",")]
    for attempt in range(1, len(schedule) + 1):
        assert wait_for(lambda: (d := delivery(db, endpoint, event)) and d["attempts"] == attempt
                        and d["status"] != "sending"), f"attempt {attempt} was not made"
        if attempt < len(schedule):
            travel_to(delivery(db, endpoint, event)["next_attempt_at"])
    sent = delivery(db, endpoint, event)
    assert sent["status"] == "failed" and sent["last_error"] == "HTTP 500"
    logged = attempts(db, sent["id"])
    assert [row["outcome"] for row in logged] == ["retrying"] * 9 + ["failed"]
    for before, after, delay in zip(logged, logged[1:], schedule[1:]):
        waited = after["created_at"] - before["created_at"]
        assert delay * 0.9 <= waited <= delay * 1.1 + timedelta(seconds=5), (delay, waited)
    requests_made = receiver.at("/failing")
    assert len(requests_made) == 10 and {r.headers["webhook-id"] for r in requests_made} == {str(sent["id"])}, \
        "every attempt carries the same webhook-id"
    failing_since = db.execute("SELECT failing_since FROM api.webhook_endpoints WHERE id = %s",
                               [endpoint["id"]]).fetchone()["failing_since"]
    travel_to(failing_since + timedelta(days=5, seconds=1))
    write_events(db, customer)
    assert wait_for(lambda: not db.execute("SELECT enabled FROM api.webhook_endpoints WHERE id = %s",
                                           [endpoint["id"]]).fetchone()["enabled"])
    told = db.execute("SELECT customer_id, payload FROM kassa.notifications"
                      " WHERE tenant_id = %s AND kind = 'webhook_endpoint_disabled'", [allowed_tenant["id"]]).fetchall()
    assert [(row["customer_id"], row["payload"]["reason"], row["payload"]["endpoint_id"]) for row in told] == \
        [(None, "failing", endpoint["id"])], "staff are told: an event without a customer"


def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_again_once(settings, api, token, db, allowed_tenant,
                                                                          customer, receiver, travel_to):
    endpoint = create_endpoint(api, token, allowed_tenant, receiver.url("/slow"))
    worker = services.webhook_sender(settings)  # the suite's worker
    home = Path(settings.home)
    receiver.hold()
    [event] = write_events(db, customer)
    [first] = receiver.wait_for("/slow", 1)
    os.kill(worker.pid(home), signal.SIGKILL)
    assert wait_for(lambda: worker.pid(home) is None)
    receiver.release()  # its answer goes to no one
    worker.start(home, settings.environment())
    worker.wait_healthy(home)
    assert delivery(db, endpoint, event)["status"] == "sending", "the delivery waits for its lease"
    travel_to(delivery(db, endpoint, event)["next_attempt_at"])
    assert wait_for(lambda: delivery(db, endpoint, event)["status"] == "delivered", 30)
    again = receiver.at("/slow")
    assert len(again) == 2, "sent once more, not more"
    assert again[1].headers["webhook-id"] == first.headers["webhook-id"] == str(delivery(db, endpoint, event)["id"])
    assert verified(again[1], endpoint["secret"]) == verified(first, endpoint["secret"])
    assert delivery(db, endpoint, event)["attempts"] == 2


def test_two_workers_deliver_1000_events_once_each(settings, api, token, db, allowed_tenant, customer, receiver):
    second = services.webhook_sender(settings, "webhooks_second", free_port())
    home = Path(settings.home)
    second.start(home, {**settings.environment(), "KASSA_WEBHOOKS_URL": f"http://127.0.0.1:{second.port}"})
    try:
        second.wait_healthy(home)
        endpoint = create_endpoint(api, token, allowed_tenant, receiver.url("/bulk"))
        events = write_events(db, customer, 1000)
        received = receiver.wait_for("/bulk", 1000, timeout=120)
        assert wait_for(lambda: db.execute("SELECT count(*) AS n FROM api.webhook_deliveries WHERE endpoint_id = %s"
                                           " AND status = 'delivered'", [endpoint["id"]]).fetchone()["n"] == 1000, 30)
        second_delivered = requests.get(f"http://127.0.0.1:{second.port}/health", timeout=5).json()["delivered"]
    finally:
        second.stop(home)
    ids = [request.headers["webhook-id"] for request in receiver.at("/bulk")]
    assert len(ids) == len(set(ids)) == 1000, "none twice, none missing"
    assert {json.loads(request.body)["id"] for request in received} == set(events)
    assert 0 < second_delivered < 1000, "both workers delivered some"


def test_a_host_resolving_to_loopback_is_refused_for_a_tenant_not_allowed(api, token, db, tenant, customer, receiver):
    name = socket.gethostname()
    if not socket.gethostbyname(name).startswith("127."):
        pytest.skip(f"this machine's name {name} does not resolve to a loopback address")
    refused = api(token("staff", tenant["id"])).rpc("create_webhook_endpoint", url=receiver.url("/"))
    assert refused.status_code == 400 and refused.json()["code"] == "P0F05", "an address literal: at creation"
    endpoint = create_endpoint(api, token, tenant, f"http://{name}:{receiver.port}/named")
    [event] = write_events(db, customer)
    assert wait_for(lambda: (d := delivery(db, endpoint, event)) and d["attempts"] == 1 and d["status"] == "queued")
    [logged] = attempts(db, delivery(db, endpoint, event)["id"])
    assert logged["error"].startswith(f"refused: {name} is 127.") and logged["status_code"] is None
    assert receiver.at("/named") == [], "nothing was sent"


def test_a_redirect_is_a_failed_attempt_and_not_followed(api, token, db, allowed_tenant, customer, receiver):
    receiver.answer("/moved", 302, Location=receiver.url("/elsewhere"))
    endpoint = create_endpoint(api, token, allowed_tenant, receiver.url("/moved"))
    [event] = write_events(db, customer)
    assert wait_for(lambda: (d := delivery(db, endpoint, event)) and d["attempts"] == 1 and d["status"] == "queued")
    [logged] = attempts(db, delivery(db, endpoint, event)["id"])
    assert logged["status_code"] == 302 and "redirect" in logged["error"] and logged["outcome"] == "retrying"
    assert receiver.at("/elsewhere") == []


def test_retry_after_is_honoured_and_410_disables_at_once(api, token, db, allowed_tenant, customer, receiver):
    receiver.answer("/busy", 503, **{"Retry-After": "3600"})
    receiver.answer("/gone", 410)
    busy = create_endpoint(api, token, allowed_tenant, receiver.url("/busy"))
    gone = create_endpoint(api, token, allowed_tenant, receiver.url("/gone"))
    [event] = write_events(db, customer)
    assert wait_for(lambda: all((d := delivery(db, endpoint, event)) and d["attempts"] == 1 and d["status"] != "sending"
                                for endpoint in (busy, gone)))
    [logged] = attempts(db, delivery(db, busy, event)["id"])
    waits = delivery(db, busy, event)["next_attempt_at"] - logged["created_at"]
    assert timedelta(hours=1) <= waits < timedelta(hours=1, seconds=1), "not 5 s: the receiver asked for an hour"
    endpoints = {row["id"]: row for row in api(token("staff", allowed_tenant["id"])).get("/webhook_endpoints").json()}
    assert (endpoints[gone["id"]]["enabled"], endpoints[gone["id"]]["disabled_reason"]) == (False, "gone")
    assert endpoints[busy["id"]]["enabled"], "one failure of another kind disables nothing"


def test_during_a_rotation_either_secret_verifies():
    """Signed with the new and the old secret (space-separated), as during a rotation's overlap."""
    new, old = "whsec_" + "A" * 32, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body, sent_at = b'{"type": "low_balance"}', int(time.time())
    headers = {"webhook-id": "d1", "webhook-timestamp": str(sent_at),
               "webhook-signature": signature([new, old], "d1", sent_at, body)}
    assert headers["webhook-signature"].count(" v1,") == 1
    for secret in (new, old):
        assert Webhook(secret).verify(body, headers) == {"type": "low_balance"}
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook("whsec_" + "B" * 32).verify(body, headers)


def test_a_receiver_that_does_not_answer_in_time_fails_the_attempt(settings, api, token, db, allowed_tenant, customer,
                                                                   receiver):
    """The suite's worker makes way for one whose timeout is a second (15 s by default)."""
    home = Path(settings.home)
    suite_worker = services.webhook_sender(settings)
    impatient = services.webhook_sender(settings, "webhooks_impatient", free_port())
    suite_worker.stop(home)
    try:
        impatient.start(home, {**settings.environment(), "KASSA_WEBHOOKS_URL": f"http://127.0.0.1:{impatient.port}",
                               "KASSA_WEBHOOK_TIMEOUT_SECONDS": "1", "KASSA_WEBHOOK_LEASE_SECONDS": "5"})
        impatient.wait_healthy(home)
        endpoint = create_endpoint(api, token, allowed_tenant, receiver.url("/silent"))
        receiver.hold()
        [event] = write_events(db, customer)
        assert wait_for(lambda: (d := delivery(db, endpoint, event)) and d["status"] == "queued" and d["attempts"] == 1)
    finally:
        receiver.release()
        impatient.stop(home)
        suite_worker.start(home, settings.environment())
        suite_worker.wait_healthy(home)
    [logged] = attempts(db, delivery(db, endpoint, event)["id"])
    assert logged["error"] == "timeout: no answer within 1 s" and logged["status_code"] is None
    assert 1000 <= logged["latency_ms"] < 3000
