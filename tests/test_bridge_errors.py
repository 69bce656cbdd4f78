"""The bridge's own error codes that bad input cannot reach (tests/test_bridge_bad_input.py has
those): the gateway failing (P0B07, over HTTP against the running bridge and the Stripe
stand-in), and the answers of bridge.answers' handlers for any other HTTP error (P0B06) and an
unexpected exception (P0B00), on the bridge's own Flask app."""
from __future__ import annotations

import logging

import pytest
import requests
from flask import abort

from stripe_helpers import checkout_event, deliver, entries, fake_requests


def test_a_refund_the_gateway_refuses_answers_502_and_records_nothing(settings, db, token, tenant, customer):
    db.execute("INSERT INTO kassa.payment_settings VALUES (%s, 1000, 200000)", [tenant["id"]])
    # A card payment Stripe's stand-in has never seen: its payment intent is unknown there.
    event = checkout_event(tenant["id"], customer["id"], 10000)
    assert deliver(settings, event)[1]["status"] == "processed"
    payment = db.execute("SELECT id FROM kassa.payments WHERE provider_intent_ref = %s",
                         [event["data"]["object"]["payment_intent"]]).fetchone()
    asked = len(fake_requests(settings, "/v1/refunds"))
    response = requests.post(settings.bridge_url + "/refunds", timeout=30, json={
        "payment_id": str(payment["id"]), "amount": 4000, "reason": "card refund requested by phone",
        "request_id": "refund-502"}, headers={"Authorization": f"Bearer {token('staff', tenant['id'])}"})
    assert response.status_code == 502, response.text
    body = response.json()
    assert body["code"] == "P0B07" and "No such payment_intent" in body["details"], body
    assert len(fake_requests(settings, "/v1/refunds")) == asked + 1, "Stripe was asked"
    assert entries(db, customer["id"]) == [("top_up", 10000)], "no refund was recorded"
    assert db.execute("SELECT status, amount_refunded FROM kassa.payments WHERE id = %s",
                      [payment["id"]]).fetchone() == {"status": "completed", "amount_refunded": 0}


@pytest.fixture
def bridge_app(bridge_config):
    """The bridge's Flask app (its error handlers installed by create_app) with two routes that
    fail the ways no real endpoint can be made to from outside."""
    from bridge.web import create_app
    app = create_app(bridge_config)
    app.add_url_rule("/_test/teapot", "teapot", lambda: abort(418))
    app.add_url_rule("/_test/crash", "crash", lambda: 1 / 0)
    return app


def test_another_http_error_answers_its_status_with_p0b06(bridge_app):
    response = bridge_app.test_client().get("/_test/teapot")
    assert response.status_code == 418
    assert response.get_json()["code"] == "P0B06" and set(response.get_json()) == {"code", "message", "details", "hint"}
    assert response.headers["X-Frame-Options"] == "DENY", "the security headers are set on errors too"


def test_an_unexpected_error_answers_500_p0b00_and_logs_the_traceback(bridge_app, caplog):
    with caplog.at_level(logging.ERROR, logger="kassa.bridge"):
        response = bridge_app.test_client().get("/_test/crash")
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "P0B00" and "ZeroDivisionError" not in str(body), "the answer leaks no internals"
    logged = [r for r in caplog.records if r.name == "kassa.bridge"]
    assert logged and logged[0].exc_info[0] is ZeroDivisionError and "GET /_test/crash" in logged[0].getMessage()
