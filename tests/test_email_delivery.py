"""E-mail delivery through the real worker (bridge/mailer.py) and the real local SMTP sink: an
event written to the outbox reaches the customer once, in the customer's language, with amounts
as babel writes them for the locale; several workers share the work without sending an event
twice; a refused send is retried; `kassa mail` shows what the sink caught; a top-up through the
Stripe stand-in ends as one e-mail."""
from __future__ import annotations

import email.message
import subprocess
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from babel.numbers import format_currency

from factories import create_customer, create_tenant, delivered, free_port, write_events
from kassa import services
from kassa.services import VENV_BIN


def payment_received(customer: dict, amount: int, currency: str, balance: int, invoice_number: str | None) -> dict:
    return {"customer_id": str(customer["id"]), "customer_name": customer["name"],
            "account_number": customer["account_number"], "locale": customer["locale"],
            "payment_id": str(uuid.uuid4()), "amount": amount, "currency": currency, "purpose": "payment",
            "provider": "stripe", "method": "card", "invoice_id": str(uuid.uuid4()) if invoice_number else None,
            "invoice_number": invoice_number, "balance": balance}


def text_of(mail: email.message.EmailMessage, subtype: str = "plain") -> str:
    return mail.get_body(preferencelist=(subtype,)).get_content()


@pytest.fixture
def german_customer(db):
    tenant = create_tenant(db, country="DE", currency="EUR", vat=19, prices_include_vat=False)
    customer = create_customer(db, tenant["id"], name="Berta Beispiel")
    return db.execute("UPDATE kassa.customers SET locale = 'de_DE' WHERE id = %s RETURNING *", [customer["id"]]).fetchone()


@pytest.fixture
def south_african_customer(db):
    tenant = create_tenant(db)
    customer = create_customer(db, tenant["id"], name="Thandi Mokoena")
    return db.execute("UPDATE kassa.customers SET locale = 'en_ZA' WHERE id = %s RETURNING *", [customer["id"]]).fetchone()


def test_a_payment_reaches_a_german_customer_once_in_german(settings, db, german_customer):
    [event] = write_events(db, german_customer, "payment_received",
                           [payment_received(german_customer, 125000, "EUR", -500, "RE-2026-00017")])
    [mail] = delivered(settings, [event])
    amount = format_currency(Decimal("1250.00"), "EUR", locale="de_DE")
    assert amount == "1.250,00\xa0€", "babel writes German amounts with a comma and the sign after"
    assert mail["Subject"] == f"Zahlung erhalten: {amount}"
    assert mail["To"] == german_customer["email"]
    text = text_of(mail)
    assert text.startswith("Guten Tag Berta Beispiel,")
    assert f"Ihre Zahlung über {amount} für Rechnung RE-2026-00017 erhalten" in text
    assert f"Ihr Kontostand beträgt jetzt {format_currency(Decimal('-5.00'), 'EUR', locale='de_DE')}" in text
    assert f"über {amount}" in text_of(mail, "html") and '<html lang="de">' in text_of(mail, "html")
    message = db.execute("SELECT m.* FROM api.messages m WHERE m.event_id = %s", [event]).fetchone()
    assert (message["status"], message["attempts"], message["subject"]) == ("sent", 1, mail["Subject"])
    assert mail["Message-ID"].startswith(f"<{message['id']}@"), "the message's stable id names the mail"


def test_a_payment_reaches_a_south_african_customer_in_english_and_rand(settings, db, south_african_customer):
    [event] = write_events(db, south_african_customer, "payment_received",
                           [payment_received(south_african_customer, 99950, "ZAR", 0, None)])
    [mail] = delivered(settings, [event])
    amount = format_currency(Decimal("999.50"), "ZAR", locale="en_ZA")
    assert mail["Subject"] == f"Payment received: {amount}"
    assert f"Thank you: we received your payment of {amount}." in text_of(mail), "no invoice named: none given"
    assert text_of(mail).startswith("Dear Thandi Mokoena,")


def test_an_issued_invoice_links_no_page_without_a_token_and_dates_are_written_out(settings, db, german_customer):
    [event] = write_events(db, german_customer, "invoice_issued", [{
        "customer_id": str(german_customer["id"]), "customer_name": german_customer["name"],
        "account_number": german_customer["account_number"], "locale": "de_DE", "invoice_id": str(uuid.uuid4()),
        "invoice_number": "RE-2026-00018", "total": 11900, "amount_due": 11900, "currency": "EUR",
        "issued_on": "2026-03-01", "due_on": "2026-03-15"}])
    [mail] = delivered(settings, [event])
    assert mail["Subject"] == "Rechnung RE-2026-00018: 119,00\xa0€ fällig am 15. März 2026"
    assert "vom 1. März 2026 beträgt 119,00\xa0€" in text_of(mail)
    assert "/pay/" not in text_of(mail)


def test_two_workers_deliver_200_events_once_each(settings, db, south_african_customer):
    second = services.mailer(settings, "mailer_second", free_port())
    second.start(Path(settings.home), {**settings.environment(), "KASSA_MAILER_URL": f"http://127.0.0.1:{second.port}"})
    try:
        second.wait_healthy(Path(settings.home))
        events = write_events(db, south_african_customer, "low_balance",
                              [{"threshold": 5000, "balance": 4999 - n, "currency": "ZAR"} for n in range(200)])
        mails = delivered(settings, events, timeout=120)
    finally:
        second.stop(Path(settings.home))
    assert len(mails) == 200 and {mail["X-Kassa-Event-Id"] for mail in mails} == set(events), "none twice, none missing"
    assert {row["status"] for row in db.execute("SELECT status FROM api.messages WHERE event_id = ANY (%s::uuid[])",
                                                [events])} == {"sent"}


def test_a_refused_send_is_retried_until_it_goes_out(settings, db, south_african_customer):
    refuse = requests.post(f"{settings.smtp_sink_admin_url}/_fake/refuse", json={"count": 2}, timeout=5)
    assert refuse.status_code == 200
    [event] = write_events(db, south_african_customer, "low_balance",
                           [{"threshold": 1000, "balance": 900, "currency": "ZAR"}])
    [mail] = delivered(settings, [event])
    assert mail["Subject"] == f"Your balance is low: {format_currency(Decimal('9.00'), 'ZAR', locale='en_ZA')}"
    message = db.execute("SELECT status, attempts FROM api.messages WHERE event_id = %s", [event]).fetchone()
    assert message == {"status": "sent", "attempts": 3}, "two attempts refused (451), the third sent"


def test_a_message_whose_worker_died_is_sent_after_its_lease_under_the_same_id(settings, db, south_african_customer):
    """A worker claimed the message (one attempt, leased for a second) and died before it sent it."""
    with db.transaction():
        [event] = write_events(db, south_african_customer, "low_balance",
                               [{"threshold": 2000, "balance": 1500, "currency": "ZAR"}])
        db.execute("UPDATE kassa.notifications SET delivered_at = now() WHERE public_id = %s", [event])
        message = db.execute(
            "INSERT INTO kassa.messages (tenant_id, notification_id, customer_id, channel, recipient, status, attempts,"
            " next_attempt_at) VALUES (%s, %s, %s, 'email', %s, 'sending', 1, internal.clock_now() + interval '1 second')"
            " RETURNING public_id", [south_african_customer["tenant_id"], event, south_african_customer["id"],
                                     south_african_customer["email"]]).fetchone()["public_id"]
    [mail] = delivered(settings, [event])
    assert mail["Message-ID"].startswith(f"<{message}@")
    assert db.execute("SELECT status, attempts FROM kassa.messages WHERE public_id = %s", [message]).fetchone() == \
        {"status": "sent", "attempts": 2}


def test_the_sink_refuses_a_bad_refusal_request(settings):
    answer = requests.post(f"{settings.smtp_sink_admin_url}/_fake/refuse", json={"count": "two"}, timeout=5)
    assert answer.status_code == 400 and "whole number" in answer.json()["error"]


def kassa(settings, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "kassa"), "mail", *arguments], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "KASSA_HOME": settings.home}, timeout=60)


def test_kassa_mail_lists_and_shows_the_caught_mail(settings, db, south_african_customer):
    [event] = write_events(db, south_african_customer, "services_suspended",
                           [{"customer_name": south_african_customer["name"],
                             "account_number": south_african_customer["account_number"], "locale": "en_ZA"}])
    [mail] = delivered(settings, [event])
    listing = kassa(settings)
    assert listing.returncode == 0, listing.stderr
    [line] = [line for line in listing.stdout.splitlines() if south_african_customer["email"] in line
              and mail["Subject"] in line]
    shown = kassa(settings, line.split()[0])
    assert shown.returncode == 0, shown.stderr
    assert f"X-Kassa-Event-Id: {event}" in shown.stdout
    assert "There is news about your account" in shown.stdout and "services suspended" in shown.stdout
    missing = kassa(settings, "100000")
    assert missing.returncode == 1 and "no caught message 100000" in missing.stderr


def test_a_top_up_through_the_stripe_stand_in_ends_as_one_email(settings, db, token, south_african_customer):
    """The whole way: the customer's top-up button, the Stripe stand-in's page, its signed
    webhook, the payment completed in SQL with its event, the worker, the sink."""
    customer = south_african_customer
    db.execute("INSERT INTO kassa.payment_settings VALUES (%s, 1000, 200000)", [customer["tenant_id"]])
    started = requests.post(settings.bridge_url + "/top-ups", timeout=30, json={"amount": 25000, "request_id": "mail-1"},
                            headers={"Authorization": f"Bearer {token('customer', customer['tenant_id'], customer['id'])}"})
    assert started.status_code == 201, started.text
    paid = requests.post(started.json()["checkout_url"] + "/pay", timeout=30, allow_redirects=False)
    assert paid.status_code == 303
    [event] = [str(row["public_id"]) for row in db.execute(
        "SELECT public_id FROM kassa.notifications WHERE customer_id = %s AND kind = 'topup_succeeded'", [customer["id"]])]
    [mail] = delivered(settings, [event])
    amount = format_currency(Decimal("250.00"), "ZAR", locale="en_ZA")
    assert mail["Subject"] == f"Top-up received: {amount}" and mail["To"] == customer["email"]
    assert f"we received your top-up of {amount}" in text_of(mail)
