"""Web push through the real delivery worker (bridge/mailer.py) to the local push service stand-in
(bridge/fakes/push_server.py, which checks the VAPID signature and decrypts like a browser): a
customer's browser subscribes over the API, a payment over HTTP reaches it once, encrypted for
it, in the customer's language; a subscription the push service has forgotten (410) is removed
and what waited for it suppressed."""
from __future__ import annotations

import pytest
import requests

from factories import create_customer, create_tenant, running_stand_in, wait_for
from gateways import vapid


@pytest.fixture(scope="module")
def push_service(settings):
    """The stand-in, on a port of its own; its base URL."""
    with running_stand_in(settings, "push_fake", "bridge.fakes.push_server") as url:
        yield url


def subscribe(api, token, push_service, customer) -> tuple[str, str]:
    """A browser of the customer subscribes: (its subscription id, its token at the push service)."""
    browser = requests.post(f"{push_service}/_fake/subscribe", timeout=10).json()
    answer = api(token("customer", customer["tenant_id"], customer["id"])).rpc(
        "subscribe_push", endpoint=browser["endpoint"], p256dh=browser["keys"]["p256dh"], auth=browser["keys"]["auth"],
        user_agent="Firefox 140")
    assert answer.status_code == 200, answer.text
    return answer.json(), browser["endpoint"].rsplit("/", 1)[1]


def pushes(push_service, browser: str) -> list[dict]:
    return [p for p in requests.get(f"{push_service}/_fake/pushes", timeout=10).json() if p["token"] == browser]


def pay(api, token, customer, amount: int, reference: str) -> None:
    paid = api(token("staff", customer["tenant_id"])).rpc(
        "record_manual_payment", customer_id=str(customer["id"]), amount=amount, method="eft", reason="EFT received",
        reference=reference)
    assert paid.status_code == 200, paid.text


def test_a_payment_reaches_the_subscribed_browser_once_encrypted_and_signed(settings, db, api, token, push_service):
    tenant = create_tenant(db, country="DE", currency="EUR", vat=19, prices_include_vat=False)
    customer = db.execute("UPDATE kassa.customers SET locale = 'de_DE' WHERE id = %s RETURNING *",
                          [create_customer(db, tenant["id"], name="Berta Beispiel")["id"]]).fetchone()
    subscription, browser = subscribe(api, token, push_service, customer)
    pay(api, token, customer, 125000, "EFT-PUSH-1")

    assert wait_for(lambda: pushes(push_service, browser), 30), "no push arrived"
    [push] = pushes(push_service, browser)
    assert push["vapid_key"] == vapid.public_key(settings.vapid_private_key), "signed with the platform's key"
    assert push["payload"]["kind"] == "payment_received"
    assert "1.250,00" in push["payload"]["title"] and "€" in push["payload"]["title"], push["payload"]

    def message() -> dict:
        return db.execute("SELECT public_id::text AS id, status, recipient, subject FROM kassa.messages"
                          " WHERE channel = 'push' AND customer_id = %s", [customer["id"]]).fetchone()
    assert wait_for(lambda: message()["status"] == "sent"), message()
    assert message() == {"id": push["payload"]["message_id"], "status": "sent", "recipient": subscription,
                         "subject": push["payload"]["title"]}
    assert db.execute("SELECT last_pushed_at FROM kassa.push_subscriptions WHERE public_id = %s",
                      [subscription]).fetchone()["last_pushed_at"] is not None


def test_a_subscription_the_push_service_forgot_is_removed(settings, db, api, token, push_service):
    tenant = create_tenant(db)
    customer = create_customer(db, tenant["id"], name="Thandi Mokoena")
    subscription, browser = subscribe(api, token, push_service, customer)
    requests.post(f"{push_service}/_fake/gone", json={"token": browser}, timeout=10).raise_for_status()
    pay(api, token, customer, 5000, "EFT-PUSH-GONE")

    assert wait_for(lambda: db.execute("SELECT count(*) AS n FROM kassa.push_subscriptions WHERE public_id = %s",
                                       [subscription]).fetchone()["n"] == 0, 30), "the subscription stayed"
    assert pushes(push_service, browser) == []
    customer_view = api(token("customer", tenant["id"], customer["id"])).get("/push_subscriptions").json()
    assert customer_view == []
    [message] = db.execute("SELECT status, last_error FROM kassa.messages WHERE channel = 'push' AND customer_id = %s",
                           [customer["id"]]).fetchall()
    assert message == {"status": "suppressed", "last_error": "the push service answered HTTP 410"}


def test_a_bad_subscription_is_refused_over_http(api, token, tenant, customer):
    answer = api(token("customer", tenant["id"], customer["id"])).rpc(
        "subscribe_push", endpoint="https://push.example.com/x", p256dh="short", auth="short")
    assert answer.status_code == 400 and answer.json()["code"] == "P0Z12", answer.text
