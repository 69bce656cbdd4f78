"""E-mail polish through the real worker and the local SMTP sink: mail is from the tenant's
sender name with its reply-to address; mail of a kind that is not mandatory carries a one-click
unsubscribe link, which over HTTP turns the kind off (the next such mail is not made, a
mandatory one still goes, without a link); a hard bounce (550 at RCPT) fails the message and
suppresses the address; a DKIM-signed mail, as the sink received it, verifies with dkimpy."""
from __future__ import annotations

import base64
import email
import email.policy
import subprocess
import uuid
from pathlib import Path

import dkim
import pytest
import requests

from bridge import mailer, messages
from factories import create_customer, create_tenant, delivered, wait_for, write_events

LOW_BALANCE = {"threshold": 5000, "balance": 4000, "currency": "ZAR"}


@pytest.fixture
def customer_of_lekker(db):
    tenant = create_tenant(db, mail_sender_name="Lekker Fibre Billing", mail_reply_to="help@lekker.example")
    return create_customer(db, tenant["id"], name="Thandi Mokoena")


def messages_of(db, event: str) -> list[dict]:
    return db.execute("SELECT channel, status, last_error FROM api.messages WHERE event_id = %s", [event]).fetchall()


def fanned_out(db, event: str) -> bool:
    return db.execute("SELECT delivered_at IS NOT NULL AS done FROM kassa.notifications WHERE public_id = %s",
                      [event]).fetchone()["done"]


def test_the_unsubscribe_link_stops_the_next_mail_of_its_kind_not_a_mandatory_one(settings, db, customer_of_lekker):
    customer = customer_of_lekker
    [first] = write_events(db, customer, "low_balance", [LOW_BALANCE])
    [mail] = delivered(settings, [first])
    assert mail["From"] == f"Lekker Fibre Billing <{email.utils.parseaddr(settings.mail_from)[1]}>"
    assert mail["Reply-To"] == "help@lekker.example"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith(f"{settings.bridge_url}/unsubscribe/")

    shown = requests.get(link, timeout=10)
    assert shown.status_code == 200 and 'method="post"' in shown.text, "a GET only asks"
    tampered = requests.post(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"), timeout=10)
    assert tampered.status_code == 404
    one_click = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert one_click.status_code == 200 and "no more e-mails about low balance" in one_click.text
    assert db.execute("SELECT enabled FROM kassa.message_preferences WHERE customer_id = %s AND kind = 'low_balance'"
                      " AND channel = 'email'", [customer["id"]]).fetchone() == {"enabled": False}

    [second] = write_events(db, customer, "low_balance", [LOW_BALANCE])
    [invoice] = write_events(db, customer, "invoice_issued", [{
        "customer_name": customer["name"], "account_number": customer["account_number"], "invoice_number": "INV-1",
        "total": 1150, "amount_due": 1150, "currency": "ZAR", "issued_on": "2026-03-01", "due_on": "2026-03-15"}])
    [mandatory] = delivered(settings, [invoice])
    assert mandatory["List-Unsubscribe"] is None, "a mandatory kind cannot be turned off: no link"
    assert fanned_out(db, second) and messages_of(db, second) == [], "no message of the kind unsubscribed from"


def test_a_hard_bounce_fails_the_message_and_suppresses_the_address(settings, db, customer_of_lekker):
    customer = customer_of_lekker
    bounce = requests.post(f"{settings.smtp_sink_admin_url}/_fake/bounce", json={"address": customer["email"]}, timeout=5)
    assert bounce.status_code == 200
    [first] = write_events(db, customer, "low_balance", [LOW_BALANCE])
    assert wait_for(lambda: messages_of(db, first) and messages_of(db, first)[0]["status"] == "failed", 30)
    [failed] = messages_of(db, first)
    assert failed["last_error"].startswith("hard bounce: 550 5.1.1"), "no retry of a permanent refusal"
    [second] = write_events(db, customer, "low_balance", [LOW_BALANCE])
    assert wait_for(lambda: fanned_out(db, second), 30)
    [suppressed] = messages_of(db, second)
    assert suppressed["status"] == "suppressed" and "the address bounced on" in suppressed["last_error"]
    assert "550 5.1.1" in suppressed["last_error"]


@pytest.fixture
def dkim_key(tmp_path) -> tuple[Path, bytes]:
    """A fresh RSA key (its PEM file) and the public key as its DNS TXT record would publish it."""
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
                            check=True, capture_output=True).stdout
    return key, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_a_dkim_signed_mail_verifies_as_the_sink_received_it(settings, dkim_key):
    key_file, record = dkim_key
    config = mailer.MailerConfig.from_environment({**settings.environment(), "KASSA_DKIM_SELECTOR": "kassa2026",
                                                    "KASSA_DKIM_KEY_FILE": str(key_file)})
    claimed = {"message_id": uuid.uuid4(), "event_id": uuid.uuid4(), "kind": "low_balance", "recipient": "a@example.com",
               "tenant_id": uuid.uuid4(), "customer_id": uuid.uuid4(), "mandatory": False,
               "sender_name": "Lekker Fibre", "reply_to": None}
    rendered = messages.render(messages.Event("low_balance", {**LOW_BALANCE, "customer_name": "Thandi"}, "en_ZA",
                                              "Lekker Fibre", 2), settings.bridge_url)
    config.smtp.send(mailer.email_of(claimed, rendered, config.smtp, config))
    [path] = [path for path in Path(settings.caught_mail).glob("*.eml") if str(claimed["message_id"]) in path.name]
    received = path.read_bytes()
    looked_up = []

    def dns(name: bytes, timeout: int = 5) -> bytes:
        looked_up.append(name)
        return record

    assert dkim.verify(received, dnsfunc=dns), "the signature holds for the bytes the server got"
    assert looked_up == [b"kassa2026._domainkey.kassa.invalid."], "at the selector of the sender's domain"
    signature = email.message_from_bytes(received, policy=email.policy.default)["DKIM-Signature"]
    assert "list-unsubscribe" in signature and "subject" in signature
    assert not dkim.verify(received.replace(b"Subject: Your balance", b"Subject: Our balance"), dnsfunc=dns), \
        "a changed subject breaks it"
