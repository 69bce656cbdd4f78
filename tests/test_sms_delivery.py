"""SMS delivery through the real worker (bridge/mailer.py) and the local BulkSMS stand-in
(bridge/fakes/bulksms_server.py): a payment recorded over HTTP reaches a customer who opted into
SMS as one SMS in their language, with the amount as the locale writes it and the segments the
networks count; a UCS-2 text takes more segments; a submission refused for lack of credits is
retried, one refused for good (400) fails at once; `kassa sms` lists what the stand-in caught."""
from __future__ import annotations

import subprocess

import pytest
import requests

from factories import create_customer, create_tenant, wait_for
from kassa.services import VENV_BIN


def caught_sms(settings, to: str) -> list[dict]:
    answer = requests.get(f"{settings.bulksms_fake_url}/_fake/messages", timeout=5)
    return [sms for sms in answer.json() if sms["to"] == to]


def delivered_sms(settings, to: str, count: int = 1) -> list[dict]:
    assert wait_for(lambda: len(caught_sms(settings, to)) >= count, 30), f"no SMS to {to} within 30 s"
    return caught_sms(settings, to)


@pytest.fixture
def opted_in(db, api, token):
    """A customer of a tenant (its country's locale) with a phone number, who opted into SMS of
    payments over the API."""
    def make(country: str, currency: str, locale: str, phone: str, tenant_name: str | None = None):
        tenant = create_tenant(db, country=country, currency=currency, **({"name": tenant_name} if tenant_name else {}))
        customer = create_customer(db, tenant["id"], name="Berta Beispiel")
        customer = db.execute("UPDATE kassa.customers SET locale = %s, phone = %s WHERE id = %s RETURNING *",
                              [locale, phone, customer["id"]]).fetchone()
        chosen = api(token("customer", tenant["id"], customer["id"])).rpc(
            "set_message_preference", kind="payment_received", channel="sms", enabled=True)
        assert chosen.status_code == 204, chosen.text
        return tenant, customer
    return make


def pay_over_http(api, token, tenant, customer, amount: int, reference: str) -> None:
    paid = api(token("staff", tenant["id"])).rpc("record_manual_payment", customer_id=str(customer["id"]),
                                                 amount=amount, method="eft", reason="EFT received", reference=reference)
    assert paid.status_code == 200, paid.text


def test_a_payment_over_http_reaches_a_german_customer_as_one_sms_in_german(settings, db, api, token, opted_in):
    tenant, customer = opted_in("DE", "EUR", "de_DE", "+49 170 123-4567")
    pay_over_http(api, token, tenant, customer, 125000, "EFT-SMS-1")
    [sms] = delivered_sms(settings, "+491701234567")
    assert sms["body"] == f"{tenant['name']}: Zahlung über 1.250,00 € erhalten. Kontostand: 1.250,00 €."
    assert (sms["encoding"], sms["numberOfParts"]) == ("TEXT", 1), "plain spaces and € keep it GSM 7-bit"
    assert wait_for(lambda: db.execute("SELECT status FROM api.messages WHERE customer_id = %s AND channel = 'sms'",
                                       [customer["id"]]).fetchone()["status"] == "sent")
    message = db.execute("SELECT * FROM api.messages WHERE customer_id = %s AND channel = 'sms'", [customer["id"]]).fetchone()
    assert (message["recipient"], message["segments"], message["subject"], message["attempts"]) == \
        ("+491701234567", 1, sms["body"], 1)
    assert sms["userSuppliedId"] == message["id"].hex[:20], "BulkSMS's message names ours"


def test_a_text_outside_gsm_goes_as_ucs2_in_more_segments(settings, db, api, token, opted_in):
    tenant, customer = opted_in("ZA", "ZAR", "en_ZA", "+27 82 555 0199", tenant_name="Çafé ☕ Lekker Koffie")
    pay_over_http(api, token, tenant, customer, 99950, "EFT-SMS-2")
    [sms] = delivered_sms(settings, "+27825550199")
    assert sms["body"] == "Çafé ☕ Lekker Koffie: payment of R999,50 received. Balance: R999,50."
    assert (sms["encoding"], sms["numberOfParts"]) == ("UNICODE", 1), "68 UCS-2 units: one segment"
    assert wait_for(lambda: db.execute("SELECT segments FROM api.messages WHERE customer_id = %s AND channel = 'sms'",
                                       [customer["id"]]).fetchone()["segments"] == 1)
    pay_over_http(api, token, tenant, customer, 100000099, "EFT-SMS-3")  # two amounts of R1 000 000,99: 80 units
    [_, second] = delivered_sms(settings, "+27825550199", 2)
    assert (second["encoding"], second["numberOfParts"]) == ("UNICODE", 2)
    assert wait_for(lambda: [row["segments"] for row in db.execute(
        "SELECT segments FROM api.messages WHERE customer_id = %s AND channel = 'sms' ORDER BY created_at",
        [customer["id"]])] == [1, 2])


def test_a_refused_submission_is_retried_and_kassa_sms_lists_it(settings, db, api, token, opted_in):
    tenant, customer = opted_in("ZA", "ZAR", "en", "+27 83 555 0177")
    assert requests.post(f"{settings.bulksms_fake_url}/_fake/refuse", json={"count": 1}, timeout=5).status_code == 200
    pay_over_http(api, token, tenant, customer, 5000, "EFT-SMS-4")
    [sms] = delivered_sms(settings, "+27835550177")
    assert wait_for(lambda: db.execute("SELECT status, attempts FROM api.messages WHERE customer_id = %s AND channel = 'sms'",
                                       [customer["id"]]).fetchone() == {"status": "sent", "attempts": 2})
    listing = subprocess.run([str(VENV_BIN / "kassa"), "sms"], capture_output=True, text=True, timeout=60,
                             env={"PATH": "/usr/bin:/bin", "KASSA_HOME": settings.home})
    assert listing.returncode == 0, listing.stderr
    assert any("+27835550177  1 part(s) TEXT" in line and sms["body"] in line for line in listing.stdout.splitlines())


def test_a_submission_refused_for_good_fails_at_once_without_retries(settings, db, api, token, opted_in):
    tenant, customer = opted_in("ZA", "ZAR", "en", "+27 83 555 0166")
    assert requests.post(f"{settings.bulksms_fake_url}/_fake/refuse", json={"count": 1, "status": 400},
                         timeout=5).status_code == 200
    pay_over_http(api, token, tenant, customer, 5000, "EFT-SMS-5")

    def sms_message():
        return db.execute("SELECT status, attempts, last_error FROM api.messages "
                          "WHERE customer_id = %s AND channel = 'sms'", [customer["id"]]).fetchone()
    assert wait_for(lambda: (sms_message() or {}).get("status") == "failed", 30), sms_message()
    failed = sms_message()
    assert failed["attempts"] == 1 and "BulkSMS answered 400" in failed["last_error"], failed
    # The stand-in takes the next submission: had the message been queued again it would go now.
    pay_over_http(api, token, tenant, customer, 6000, "EFT-SMS-6")
    [sms] = delivered_sms(settings, "+27835550166")
    assert "payment of ZAR60.00" in sms["body"], "only the second payment's SMS went out"
