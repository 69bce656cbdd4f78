"""Support tickets over HTTP (PostgREST): a customer opens one with a file, staff reply (the
customer gets the e-mail) and write an internal note the customer can read by no request, the
customer's answer opens the ticket waiting for them again, they close it, and a closed ticket
takes nothing more. Bad input answers PostgREST's error JSON with its code and changes nothing."""
from __future__ import annotations

import base64
import hashlib

import pytest

from factories import create_customer, create_service, create_tenant, delivered

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(16))


def attached(name: str, content_type: str, data: bytes) -> dict:
    return {"file_name": name, "content_type": content_type, "content": base64.b64encode(data).decode()}


def written(db, tenant) -> dict:
    """How many ticket rows and events the tenant has."""
    return db.execute(
        "SELECT (SELECT count(*) FROM kassa.tickets WHERE tenant_id = %(t)s) AS tickets,"
        "       (SELECT count(*) FROM kassa.ticket_messages WHERE tenant_id = %(t)s) AS messages,"
        "       (SELECT count(*) FROM kassa.ticket_attachments WHERE tenant_id = %(t)s) AS files,"
        "       (SELECT count(*) FROM kassa.notifications WHERE tenant_id = %(t)s) AS events",
        {"t": tenant["id"]}).fetchone()


def test_a_ticket_from_opening_to_closing(api, token, db, settings, tenant, customer):
    mine, staff = api(token("customer", tenant["id"], customer["id"])), api(token("staff", tenant["id"]))
    opened = mine.rpc("open_ticket", subject="Slow line", body="Slow since Monday.", category="technical",
                      attachments=[attached("speedtest.png", "image/png", PNG)])
    assert opened.status_code == 200, opened.text
    ticket = opened.json()

    reply = staff.rpc("reply_ticket", ticket_id=ticket, body="We reset your port. Is it better?")
    assert reply.status_code == 200, reply.text
    assert staff.rpc("set_ticket_status", ticket_id=ticket, status="pending_customer").status_code == 204
    note = staff.rpc("reply_ticket", ticket_id=ticket, body="Port 7 flaps: replace the ONT if it recurs.", internal=True,
                     attachments=[attached("port7.txt", "text/plain", b"flap log")])
    assert note.status_code == 200, note.text
    assert len(staff.get(f"/ticket_messages?ticket_id=eq.{ticket}").json()) == 3

    # The customer reads the reply, never the note nor its file, however they ask.
    seen = mine.get(f"/ticket_messages?ticket_id=eq.{ticket}&order=created_at").json()
    assert [(m["author_role"], m["body"], m["internal"]) for m in seen] == [
        ("customer", "Slow since Monday.", False), ("staff", "We reset your port. Is it better?", False)]
    assert mine.get(f"/ticket_messages?id=eq.{note.json()}").json() == []
    assert [f["file_name"] for f in mine.get(f"/ticket_attachments?ticket_id=eq.{ticket}").json()] == ["speedtest.png"]
    [note_file] = staff.get(f"/ticket_attachments?message_id=eq.{note.json()}").json()
    hidden = mine.rpc("ticket_attachment", attachment_id=note_file["id"])
    assert hidden.status_code == 400 and hidden.json()["code"] == "P0J31"

    # The customer's file comes back as sent, its SHA-256 with it.
    [png] = mine.get(f"/ticket_attachments?ticket_id=eq.{ticket}").json()
    raw = mine.get(f"/rpc/ticket_attachment?attachment_id={png['id']}")
    assert raw.status_code == 200 and raw.headers["Content-Type"] == "image/png", raw.text
    assert raw.content == PNG and hashlib.sha256(raw.content).hexdigest() == png["sha256"]

    # The staff's reply reached the customer by e-mail.
    event = db.execute("SELECT public_id::text FROM kassa.notifications WHERE kind = 'ticket_replied'"
                       " AND payload ->> 'message_id' = %s", [reply.json()]).fetchone()["public_id"]
    [mail] = delivered(settings, [event])
    assert mail["Subject"] == "New reply to your ticket: Slow line"
    assert "We reset your port. Is it better?" in mail.get_body(("plain",)).get_content()

    # The customer's answer opens the ticket again; it is the staff's event, no mail to its writer.
    answer = mine.rpc("reply_ticket", ticket_id=ticket, body="Yes, thank you!")
    assert answer.status_code == 200, answer.text
    assert mine.get(f"/tickets?id=eq.{ticket}&select=status").json() == [{"status": "open"}]
    assert db.execute("SELECT customer_id, payload ->> 'by' AS by FROM kassa.notifications"
                      " WHERE payload ->> 'message_id' = %s", [answer.json()]).fetchall() == [
        {"customer_id": None, "by": "customer"}]

    assert mine.rpc("set_ticket_status", ticket_id=ticket, status="closed").status_code == 204
    before = written(db, tenant)
    refused = mine.rpc("reply_ticket", ticket_id=ticket, body="One more thing")
    assert refused.status_code == 400 and refused.json()["code"] == "P0J34", refused.text
    assert written(db, tenant) == before


@pytest.fixture
def arranged(db, tenant, customer, api, token):
    """A ticket of the customer's, another customer's service, and the customer's client."""
    mine = api(token("customer", tenant["id"], customer["id"]))
    ticket = mine.rpc("open_ticket", subject="Invoice", body="Twice?", category="billing").json()
    other = create_customer(db, tenant["id"], "Other Customer")
    return {"mine": mine, "ticket": ticket, "service": str(create_service(db, tenant["id"], other["id"])["id"])}


BAD = {
    "P0J32": ("open_ticket", {"subject": "Bill", "body": "Twice?", "category": "complaints"}),
    "P0J33": ("open_ticket", {"subject": "Line", "body": "Slow", "category": "technical", "service_id": "{service}"}),
    "P0J36": ("open_ticket", {"subject": "File", "body": "See", "category": "other",
                              "attachments": [{"file_name": "a.txt", "content_type": "text/plain", "content": "no base64!"}]}),
    "P0J37": ("open_ticket", {"subject": "File", "body": "See", "category": "other",
                              "attachments": [attached("big.pdf", "application/pdf", b"%PDF-" + b" " * (2 * 1024 * 1024 - 4))]}),
    "P0J38": ("open_ticket", {"subject": "File", "body": "See", "category": "other",
                              "attachments": [attached("tool.png", "image/png", b"MZ\x90\x00")]}),
    "P0J39": ("reply_ticket", {"ticket_id": "{ticket}", "body": "psst", "internal": True}),
    "P0J35": ("set_ticket_status", {"ticket_id": "{ticket}", "status": "resolved"}),
}


@pytest.mark.parametrize("code", BAD)
def test_bad_input_answers_its_code_and_changes_nothing(code, arranged, db, tenant):
    name, args = BAD[code]
    args = {key: value.format(**arranged) if isinstance(value, str) else value for key, value in args.items()}
    before = written(db, tenant)
    response = arranged["mine"].rpc(name, **args)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"code", "message", "details", "hint"} and response.json()["code"] == code
    assert written(db, tenant) == before


def test_another_tenant_sees_and_touches_nothing(arranged, api, token, db, tenant):
    elsewhere = create_tenant(db)
    stranger = api(token("staff", elsewhere["id"]))
    assert stranger.get("/tickets").json() == [] and stranger.get("/ticket_messages").json() == []
    before = written(db, tenant)
    refused = stranger.rpc("reply_ticket", ticket_id=arranged["ticket"], body="Hello")
    assert refused.status_code == 400 and refused.json()["code"] == "P0J31"
    assert written(db, tenant) == before
