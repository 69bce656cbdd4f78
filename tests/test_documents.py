"""Documents over real HTTP (docs/documents.md): every kind rendered for a German and a South
African tenant and read back with pdftotext (pages kept as PNGs by pdftoppm in
.kassa/artifacts/documents/), an issued PDF served byte for byte after the parties changed while
a fresh rendering of its snapshot still shows them as they were, South Africa's copies, and who
may download what: tokens, signed links, staff sending a link by e-mail."""
from __future__ import annotations

import hashlib
import subprocess
import time

import jwt
import pytest
import requests

from bridge import documents
from bridge.claims import AUDIENCE
from bridge.document_links import link_token
from bridge.texts import Speaker
from factories import bridge_of_its_own, create_customer, create_tenant, delivered
from kassa.config import ROOT

ARTIFACTS = ROOT / ".kassa" / "artifacts" / "documents"


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def text_of(pdf: bytes, name: str) -> str:
    """The PDF's text, white space folded (babel's non-breaking spaces too); its pages as PNGs."""
    assert pdf.startswith(b"%PDF-"), pdf[:200]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)], check=True)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return folded(text)


def folded(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


COUNTRIES = {
    "DE": dict(country="DE", currency="EUR", vat=19, prices_include_vat=False, locale="de_DE",
               street="Rheinufer 7", postcode="40213", city="Düsseldorf", vat_number="DE123456789"),
    "ZA": dict(country="ZA", currency="ZAR", vat=15, prices_include_vat=True, locale="en_ZA",
               street="12 Long Street", postcode="8001", city="Cape Town", vat_number="4123456789"),
}


@pytest.fixture(params=["DE", "ZA"])
def issued(request, db, api, token):
    """A tenant of the country with a business customer, an issued invoice, a credit note on it
    and a completed top-up; staff and customer clients."""
    tenant = create_tenant(db, **COUNTRIES[request.param])
    customer = create_customer(db, tenant["id"], name="Berta Beispiel")
    db.execute("UPDATE kassa.customers SET company_name = 'Beispiel Handel GmbH', street = 'Ringstr. 2', postcode = '50667',"
               " city = 'Köln', vat_number = 'DE987654321' WHERE id = %s", [customer["id"]])
    staff = api(token("staff", tenant["id"]))
    draft = ok(staff.rpc("create_invoice", customer_id=str(customer["id"]), supplied_on=str(db.execute(
        "SELECT internal.tenant_today(%s) AS d", [tenant["id"]]).fetchone()["d"])))
    ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Glasfaser 100", unit_price=30000, quantity=2))
    ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Einrichtung", unit_price=4999))
    invoice = ok(staff.rpc("finalise_invoice", invoice_id=draft["id"]))
    note = ok(staff.rpc("create_credit_note", invoice_id=invoice["id"], reason="Kulanz",
                        lines=[{"invoice_line_id": ok(staff.get("/invoice_lines", params={
                            "invoice_id": f"eq.{invoice['id']}", "order": "position"}))[1]["id"], "amount": 4999}]))
    payment = db.execute(
        "INSERT INTO kassa.payments (tenant_id, customer_id, provider, method, purpose, status, amount, currency,"
        " completed_at) VALUES (%s, %s, 'manual', 'eft', 'top_up', 'completed', 25000, %s, now()) RETURNING id",
        [tenant["id"], customer["id"], tenant["currency"]]).fetchone()
    return {"country": request.param, "tenant": tenant, "customer": customer, "invoice": invoice, "note": note,
            "payment_id": str(payment["id"]), "staff": staff,
            "me": api(token("customer", tenant["id"], customer["id"])),
            "say": Speaker(COUNTRIES[request.param]["locale"])}


def download(settings, path: str, bearer: str | None = None, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return requests.get(settings.bridge_url + path, headers=headers, params=params, timeout=120)


def money(issued, minor: int) -> str:
    return folded(issued["say"].money(minor, issued["tenant"]["currency"], 2))


def test_every_kind_renders_with_what_the_law_asks(settings, token, issued):
    tenant, customer, invoice, note, say = (issued[k] for k in ("tenant", "customer", "invoice", "note", "say"))
    bearer = token("customer", tenant["id"], customer["id"])
    german = issued["country"] == "DE"
    common = [tenant["legal_name"], "Rheinufer 7" if german else "12 Long Street", tenant["vat_number"],
              "Beispiel Handel GmbH", "Berta Beispiel", "Ringstr. 2", "DE987654321"]

    pdf = download(settings, f"/documents/invoices/{invoice['id']}.pdf", bearer)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf", pdf.text
    text = text_of(pdf.content, f"invoice-{issued['country']}")
    for expected in common + [invoice["number"], folded(say.day(date_of(invoice["issued_on"]))),
                              "Glasfaser 100", "Einrichtung", money(issued, 30000), money(issued, 60000),
                              money(issued, invoice["net_total"]), money(issued, invoice["vat_total"]),
                              money(issued, invoice["total"]), "19 %" if german else "15 %"]:
        assert expected in text, (expected, text)
    if german:
        assert "Rechnung" in text and "Leistungsdatum" in text and "USt-IdNr.: DE123456789" in text
    else:
        assert "Tax Invoice" in text and "Copy" not in text and "Prices include VAT at 15 %" in text

    text = text_of(download(settings, f"/documents/credit_notes/{note['id']}.pdf", bearer).content,
                   f"credit-note-{issued['country']}")
    for expected in common + [note["number"], invoice["number"], "Kulanz", money(issued, note["total"]),
                              "Rechnungskorrektur" if german else "Credit Note"]:
        assert expected in text, (expected, text)

    text = text_of(download(settings, f"/documents/receipts/{issued['payment_id']}.pdf", bearer).content,
                   f"receipt-{issued['country']}")
    for expected in [tenant["legal_name"], "Berta Beispiel", money(issued, 25000), "Quittung" if german else "Receipt"]:
        assert expected in text, (expected, text)

    text = text_of(download(settings, f"/documents/statements/{customer['id']}.pdf", bearer).content,
                   f"statement-{issued['country']}")
    opening, closing = ("Anfangssaldo", "Endsaldo") if german else ("Opening balance", "Closing balance")
    for expected in [tenant["legal_name"], opening, closing, f"Invoice {invoice['number']}",
                     money(issued, -invoice["total"])]:
        assert expected in text, (expected, text)


def date_of(value: str):
    from datetime import date
    return date.fromisoformat(value)


def test_an_issued_pdf_is_served_unchanged_after_the_parties_change(settings, db, token, issued):
    tenant, customer, invoice = issued["tenant"], issued["customer"], issued["invoice"]
    bearer = token("customer", tenant["id"], customer["id"])
    path = f"/documents/invoices/{invoice['id']}.pdf"
    first = download(settings, path, bearer)
    assert first.headers["X-Kassa-Document-Variant"] == "original"
    served = [download(settings, path, bearer) for _ in range(2)]

    db.execute("UPDATE kassa.tenants SET street = 'Neue Allee 9', postcode = '10115', city = 'Berlin',"
               " legal_name = 'Renamed AG' WHERE id = %s", [tenant["id"]])
    db.execute("UPDATE kassa.customers SET street = 'Umzugsweg 3', postcode = '80331', city = 'München' WHERE id = %s", [customer["id"]])
    served.append(download(settings, path, bearer))

    digests = {hashlib.sha256(r.content).hexdigest() for r in served}
    assert len(digests) == 1, "every later download is byte for byte the same"
    # the PDFs kept (beside them the e-invoice XML they embed: tests/test_einvoices.py)
    kept = ok(issued["me"].get("/documents", params={"source_id": f"eq.{invoice['id']}", "format": "eq.pdf",
                                                     "order": "variant"}))
    assert {row["sha256"] for row in kept} >= digests and served[-1].headers["ETag"] == f'"{digests.pop()}"'
    if issued["country"] == "ZA":
        assert [row["variant"] for row in kept] == ["copy", "original"]
        assert "Tax Invoice – Copy" in text_of(served[-1].content, "invoice-ZA-copy")
        assert "Copy" not in text_of(first.content, "invoice-ZA-original")
    else:
        assert first.content == served[0].content and [row["variant"] for row in kept] == ["original"]

    source = db.execute("SELECT internal.document_source(%s, 'invoice', %s) AS s", [tenant["id"], invoice["id"]]).fetchone()["s"]
    fresh = text_of(documents.render_pdf(source), f"invoice-{issued['country']}-fresh")
    assert "Ringstr. 2" in fresh and "Umzugsweg" not in fresh and tenant["legal_name"] in fresh
    assert "Renamed AG" not in fresh and "Neue Allee" not in fresh, "the snapshot keeps the parties of the issue day"


@pytest.fixture
def two_tenants(db, api, token):
    """A German tenant with two customers, one issued invoice each, and a second tenant."""
    made = {}
    for name in ("home", "other"):
        tenant = create_tenant(db, **COUNTRIES["DE"])
        customers = [create_customer(db, tenant["id"], name=f"{name} {n}") for n in (1, 2)]
        staff = api(token("staff", tenant["id"]))
        invoices = []
        for customer in customers:
            draft = ok(staff.rpc("create_invoice", customer_id=str(customer["id"]), period_start="2026-11-01",
                                 period_end="2026-11-30"))
            ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Plan", unit_price=1000))
            invoices.append(ok(staff.rpc("finalise_invoice", invoice_id=draft["id"])))
        made[name] = {"tenant": tenant, "customers": customers, "invoices": invoices}
    return made


def code_of(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_who_may_download_what(settings, db, token, two_tenants):
    home, other = two_tenants["home"], two_tenants["other"]
    tenant_id, (mine, theirs) = home["tenant"]["id"], home["customers"]
    invoice = f"/documents/invoices/{home['invoices'][0]['id']}.pdf"
    me = token("customer", tenant_id, mine["id"])

    assert download(settings, invoice, me).status_code == 200
    assert download(settings, invoice, token("staff", tenant_id)).status_code == 200
    assert code_of(download(settings, invoice, token("customer", tenant_id, theirs["id"]))) == (404, "P0B20")
    assert code_of(download(settings, invoice, token("staff", other["tenant"]["id"]))) == (404, "P0B20")
    assert code_of(download(settings, invoice)) == (401, "P0B08")
    expired_token = jwt.encode({"role": "customer", "tenant_id": str(tenant_id), "customer_id": str(mine["id"]),
                                "aud": AUDIENCE, "exp": int(time.time()) - 3600}, settings.jwt_secret, algorithm="HS256")
    assert code_of(download(settings, invoice, expired_token)) == (401, "P0B08")
    statement = f"/documents/statements/{theirs['id']}.pdf"
    assert code_of(download(settings, statement, me)) == (404, "P0B20")
    assert code_of(download(settings, statement, token("staff", tenant_id), **{"from": "2026-13-01"})) == (400, "P0B05")
    assert code_of(download(settings, statement, token("staff", tenant_id), **{"from": "2026-12-02", "to": "2026-12-01"})) \
        == (400, "P0G02")
    assert code_of(download(settings, "/documents/invoices/not-a-uuid.pdf", me)) == (404, "P0B20")
    assert code_of(download(settings, invoice.replace(".pdf", ".doc"), me)) == (404, "P0B20")

    made = ok(requests.post(settings.bridge_url + invoice + "/link", headers={"Authorization": f"Bearer {me}"},
                            json={"expires_in": 3600}, timeout=30), 201)
    assert "Bearer" not in made["url"] and made["url"].startswith(settings.bridge_url + invoice + "?link=")
    by_link = requests.get(made["url"], timeout=60)
    assert by_link.status_code == 200 and by_link.content == download(settings, invoice, me).content
    link = made["url"].split("link=")[1]
    tampered = link[:-2] + ("AA" if not link.endswith("AA") else "BB")
    assert code_of(download(settings, invoice, link=tampered)) == (403, "P0B21")
    assert code_of(download(settings, f"/documents/invoices/{home['invoices'][1]['id']}.pdf", link=link)) == (403, "P0B21")
    expired = link_token(settings.document_link_key, str(tenant_id), invoice, int(time.time()) - 1)
    assert code_of(download(settings, invoice, link=expired)) == (410, "P0B22")
    assert code_of(requests.post(settings.documents_url + "/render", json={"request": link}, timeout=30)) \
        == (403, "P0B21"), "the document worker renders for the bridge only"


def test_staff_send_a_document_link_by_email(settings, db, token, two_tenants):
    home = two_tenants["home"]
    tenant_id, customer, invoice = home["tenant"]["id"], home["customers"][0], home["invoices"][0]
    path = f"{settings.bridge_url}/documents/invoices/{invoice['id']}.pdf/send"
    as_customer = requests.post(path, headers={"Authorization": f"Bearer {token('customer', tenant_id, customer['id'])}"},
                                timeout=30)
    assert code_of(as_customer) == (403, "P0B09")
    sent = ok(requests.post(path, headers={"Authorization": f"Bearer {token('staff', tenant_id)}"}, timeout=30), 202)
    [mail] = delivered(settings, [sent["event_id"]])
    body = mail.get_body(("plain",)).get_content()
    assert invoice["number"] in mail["Subject"] and sent["url"] in body, body
    assert requests.get(sent["url"], timeout=60).status_code == 200, "the link in the mail downloads the PDF"


def test_kept_bytes_that_do_not_match_their_digest_are_not_served(settings, db, token, two_tenants):
    home = two_tenants["home"]
    invoice = f"/documents/invoices/{home['invoices'][0]['id']}.pdf"
    staff = token("staff", home["tenant"]["id"])
    assert download(settings, invoice, staff).status_code == 200
    db.execute("ALTER TABLE kassa.documents DISABLE TRIGGER documents_append_only")
    try:
        db.execute("UPDATE kassa.documents SET content = content || '\\x00'::bytea WHERE source_id = %s",
                   [home["invoices"][0]["id"]])
    finally:
        db.execute("ALTER TABLE kassa.documents ENABLE TRIGGER documents_append_only")
    assert code_of(download(settings, invoice, staff)) == (500, "P0B23")


def test_without_the_document_worker_a_first_download_says_so(settings, token, two_tenants):
    home = two_tenants["home"]
    with bridge_of_its_own(settings, KASSA_DOCUMENTS_URL="http://127.0.0.1:9") as bridge:
        answer = requests.get(f"{bridge}/documents/invoices/{home['invoices'][1]['id']}.pdf", timeout=30,
                              headers={"Authorization": f"Bearer {token('staff', home['tenant']['id'])}"})
    assert code_of(answer) == (503, "P0B24")
