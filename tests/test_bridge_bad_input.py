"""Malformed input at the bridge answers 4xx in PostgREST's error shape and changes nothing:
never a 500 and never Flask's HTML page. Signed Stripe events the database cannot take are
recorded as rejected (so Stripe sees a 4xx, not a 5xx to redeliver for days). Top-up return
URLs must lie on the bridge's origin or one the tenant lists. Every answer carries the
security headers."""
from __future__ import annotations

import json
import uuid

import pytest
import requests

from stripe_helpers import checkout_event, deliver, entries


def assert_problem(response: requests.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"code", "message", "details", "hint"}, body
    if code:
        assert body["code"] == code, body
    return body


@pytest.fixture
def shop(db, tenant, customer):
    db.execute("INSERT INTO kassa.payment_settings (tenant_id, min_top_up, max_top_up) VALUES (%s, 1000, 200000)",
               [tenant["id"]])
    return tenant, customer


def payments(db, tenant) -> int:
    return db.execute("SELECT count(*) AS n FROM kassa.payments WHERE tenant_id = %s", [tenant["id"]]).fetchone()["n"]


TOP_UP_BODIES = {
    "json-array": (b'[1, 2]', "P0B01"),
    "json-string": (b'"top me up"', "P0B01"),
    "json-null": (b'null', "P0B01"),
    "not-json": (b'{"amount": ', "P0B01"),
    "nan-amount": (b'{"amount": NaN, "request_id": "r"}', "P0B01"),
    "text-amount": (json.dumps({"amount": "100", "request_id": "r"}).encode(), "P0B05"),
    "bool-amount": (json.dumps({"amount": True, "request_id": "r"}).encode(), "P0B05"),
    "object-url": (json.dumps({"amount": 5000, "request_id": "r", "success_url": {"x": 1}}).encode(), "P0B05"),
    "amount-beyond-bigint": (json.dumps({"amount": 2 ** 70, "request_id": "r"}).encode(), "22003"),
    "nul-in-request-id": (json.dumps({"amount": 5000, "request_id": "a\u0000b"}).encode(), "22021"),
    "foreign-return-url": (json.dumps({"amount": 5000, "request_id": "r", "success_url": "https://evil.example/x"}).encode(),
                           "P0P13"),
    "userinfo-trick": (json.dumps({"amount": 5000, "request_id": "r",
                                   "cancel_url": "http://127.0.0.1@evil.example/"}).encode(), "P0P13"),
}


@pytest.mark.parametrize("case", TOP_UP_BODIES, ids=list(TOP_UP_BODIES))
def test_malformed_top_up_requests_answer_400_and_write_nothing(case, settings, db, token, shop):
    tenant, customer = shop
    body, code = TOP_UP_BODIES[case]
    response = requests.post(settings.bridge_url + "/top-ups", data=body, timeout=10, headers={
        "Authorization": f"Bearer {token('customer', tenant['id'], customer['id'])}",
        "Content-Type": "application/json"})
    assert_problem(response, 400, code)
    assert payments(db, tenant) == 0


def test_return_urls_on_listed_origins_or_the_bridge_are_accepted(settings, db, api, token, shop):
    tenant, customer = shop
    staff = api(token("staff", tenant["id"]))
    listed = staff.patch(f"/payment_settings?tenant_id=eq.{tenant['id']}", json={"return_origins": ["https://shop.example"]})
    assert listed.status_code == 204, listed.text
    bad_origin = staff.patch(f"/payment_settings?tenant_id=eq.{tenant['id']}", json={"return_origins": ["shop.example/path"]})
    assert bad_origin.status_code == 400 and "payment_settings_return_origins_format" in bad_origin.text
    headers = {"Authorization": f"Bearer {token('customer', tenant['id'], customer['id'])}"}
    started = requests.post(settings.bridge_url + "/top-ups", headers=headers, timeout=30, json={
        "amount": 5000, "request_id": uuid.uuid4().hex, "success_url": "https://shop.example/thanks?order=1",
        "cancel_url": settings.bridge_url + "/top-ups/cancelled"})
    assert started.status_code == 201, started.text
    assert payments(db, tenant) == 1


def test_refund_with_a_reason_that_is_an_object_or_a_huge_amount_is_refused(settings, token, tenant):
    headers = {"Authorization": f"Bearer {token('staff', tenant['id'])}"}
    base = {"payment_id": str(uuid.uuid4()), "amount": 100, "request_id": "r", "reason": "customer asked"}
    as_object = requests.post(settings.bridge_url + "/refunds", headers=headers, timeout=10,
                              json={**base, "reason": {"why": "no"}})
    assert_problem(as_object, 400, "P0B05")
    huge = requests.post(settings.bridge_url + "/refunds", headers=headers, timeout=10, json={**base, "amount": 2 ** 64})
    assert_problem(huge, 400, "22003")


def test_unknown_paths_wrong_methods_and_huge_bodies_answer_json(settings):
    assert_problem(requests.get(settings.bridge_url + "/no-such-page", timeout=10), 404, "P0B03")
    assert_problem(requests.get(settings.bridge_url + "/top-ups", timeout=10), 405, "P0B04")
    assert_problem(requests.post(settings.bridge_url + "/webhooks/stripe", data=b"x" * (65 * 1024), timeout=10),
                   413, "P0B02")


def poison(event: dict, case: str) -> bytes:
    session = event["data"]["object"]
    if case == "nan-amount":
        return json.dumps(event).replace(f'"amount_total": {session["amount_total"]}', '"amount_total": NaN').encode()
    if case == "nul-in-metadata":
        session["metadata"]["note"] = "a\u0000b"
    elif case == "text-amount":
        session["amount_total"] = "fifty"
    elif case == "array-object":
        event["data"]["object"] = [session]
    elif case == "array-metadata":
        session["metadata"] = [session["metadata"]]
    elif case == "id-not-text":
        event["id"] = ["evt_1"]
    return json.dumps(event).encode()


@pytest.mark.parametrize("case", ["nan-amount", "nul-in-metadata", "text-amount", "array-object", "array-metadata",
                                  "id-not-text"])
def test_signed_poison_events_never_answer_5xx_and_post_nothing(case, settings, db, shop):
    tenant, customer = shop
    event = checkout_event(tenant["id"], customer["id"], 5000)
    status, body = deliver(settings, poison(event, case))
    assert status in (400, 422), (status, body)
    assert set(body) >= {"code", "message", "details", "hint"}, body
    if status == 422:
        recorded = db.execute("SELECT status FROM kassa.webhook_events WHERE event_id = %s", [event["id"]]).fetchone()
        assert recorded["status"] == "rejected"
    assert entries(db, customer["id"]) == []
    assert payments(db, tenant) == 0


def test_every_answer_carries_the_security_headers(settings):
    for response in (requests.get(settings.bridge_url + "/health", timeout=10),
                     requests.get(settings.bridge_url + "/no-such-page", timeout=10)):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
