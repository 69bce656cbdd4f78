"""The payment pages of payment links (bridge/pay.py), over real HTTP against the suite's bridge
and the local OCTO stand-in: each state of a link, its language and formats, paying through
OCTO from the page to the signed callback, callbacks delivered many times or forged, and the
rate limits that stop guessing tokens. The page flow is also driven in Debian's Chromium
(Playwright) at a phone's size; screenshots of each state go to test-results/pages/."""
from __future__ import annotations

import datetime
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from playwright.sync_api import sync_playwright

from bridge.fakes import octo_server
from bridge.texts import Speaker
from factories import bridge_of_its_own, create_customer, create_tenant, fresh_rate_counts, issue_invoice
from kassa.config import LOCAL_OCTO_SECRET, ROOT

SCREENSHOTS = ROOT / "test-results" / "pages"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def uzs_tenant(db):
    """A tenant in Uzbek sum whose pages offer OCTO."""
    tenant = create_tenant(db, country="UZ", currency="UZS", vat=12)
    db.execute("INSERT INTO kassa.payment_settings (tenant_id, link_gateways) VALUES (%s, '{octo}')", [tenant["id"]])
    return tenant


def link_for(db, tenant, locale=None) -> dict:
    """A new customer with an issued invoice of 10.00 and a payment link to it: the token and ids."""
    customer = create_customer(db, tenant["id"])
    if locale:
        db.execute("UPDATE kassa.customers SET locale = %s WHERE tenant_id = %s AND id = %s",
                   [locale, tenant["id"], customer["id"]])
    invoice = issue_invoice(db, tenant, customer, datetime.date.today().isoformat())
    made = db.execute("SELECT * FROM internal.create_payment_links(%s, ARRAY[%s]::uuid[], 'test')",
                      [tenant["id"], invoice]).fetchone()
    number = db.execute("SELECT number, due_on FROM kassa.invoices WHERE tenant_id = %s AND id = %s",
                        [tenant["id"], invoice]).fetchone()
    return {"token": made["token"], "link_id": made["link_id"], "invoice_id": invoice, "customer": customer,
            "tenant": tenant, **number}


def page(settings, token: str, path: str = "", **kwargs) -> requests.Response:
    return requests.get(f"{settings.bridge_url}/pay/{token}{path}", timeout=30, **kwargs)


def state_of(response: requests.Response) -> str:
    return re.search(r'data-state="(\w+)"', response.text)[1]


def link_row(db, link) -> dict:
    return db.execute("SELECT * FROM kassa.payment_links WHERE tenant_id = %s AND id = %s",
                      [link["tenant"]["id"], link["link_id"]]).fetchone()


def invoice_row(db, link) -> dict:
    return db.execute("SELECT status, amount_due FROM kassa.invoices WHERE tenant_id = %s AND id = %s",
                      [link["tenant"]["id"], link["invoice_id"]]).fetchone()


def start_at_octo(settings, link) -> str:
    """Presses the page's pay button; OCTO's payment id (the redirect goes to its hosted page)."""
    started = requests.post(f"{settings.bridge_url}/pay/{link['token']}/octo", timeout=30, allow_redirects=False)
    assert started.status_code == 303, started.text
    assert started.headers["Location"].startswith(settings.octo_fake_url + "/pay/")
    return started.headers["Location"].rsplit("/", 1)[1]


def press(settings, octo_payment: str, button: str) -> requests.Response:
    """A button of OCTO's hosted page; it calls the bridge back, then sends the customer back."""
    return requests.post(f"{settings.octo_fake_url}/pay/{octo_payment}/{button}", timeout=60)


def test_an_open_link_shows_the_invoice_its_amount_due_and_the_gateways(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    shown = page(settings, link["token"])
    assert shown.status_code == 200 and state_of(shown) == "open"
    say = Speaker("en")
    for text in (link["number"], uzs_tenant["name"], say.money(1000, "UZS", 2), say.day(link["due_on"]),
                 "Pay with OCTO"):
        assert text in shown.text
    assert shown.headers["Referrer-Policy"] == "no-referrer", "the token in the URL goes nowhere else"
    assert f"form-action 'self' {settings.octo_fake_url}" in shown.headers["Content-Security-Policy"]


def test_a_german_customer_reads_german_with_german_formats(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant, locale="de_DE")
    shown = page(settings, link["token"])
    say = Speaker("de_DE")
    assert say.money(1000, "UZS", 2) != Speaker("en").money(1000, "UZS", 2), "the formats differ at all"
    for text in (f"Rechnung {link['number']}", "Offener Betrag", "Fällig am", say.money(1000, "UZS", 2),
                 say.day(link["due_on"]), 'lang="de"'):
        assert text in shown.text


def test_the_amount_shown_is_what_is_due_now(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    db.execute("SELECT internal.record_manual_payment(%s, %s, 400, 'cash', 'at the counter', NULL, 'staff:test')",
               [uzs_tenant["id"], link["customer"]["id"]])
    assert Speaker("en").money(600, "UZS", 2) in page(settings, link["token"]).text


def test_unknown_and_malformed_tokens_get_the_same_page(settings, db):
    answers = [page(settings, token) for token in (secrets.token_urlsafe(48), "x", "%00" * 40, "a" * 500)]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1, "nothing tells one unknown token from another"
    assert "does not exist" in answers[0].text


def test_expired_and_invalidated_links_answer_410_and_a_paid_invoice_says_so(settings, db, uzs_tenant, travel_to):
    expired, invalidated, paid = (link_for(db, uzs_tenant) for _ in range(3))
    db.execute("SELECT internal.invalidate_payment_link(%s, %s, 'sent to the wrong address', 'staff:test')",
               [uzs_tenant["id"], invalidated["link_id"]])
    db.execute("SELECT internal.record_manual_payment(%s, %s, 1000, 'cash', 'paid at the counter', NULL, 'staff:test')",
               [uzs_tenant["id"], paid["customer"]["id"]])
    assert (page(settings, invalidated["token"]).status_code, state_of(page(settings, invalidated["token"]))) \
        == (410, "invalidated")
    shown = page(settings, paid["token"])
    assert (shown.status_code, state_of(shown)) == (200, "paid") and "This invoice is paid" in shown.text
    assert "Pay with" not in shown.text
    travel_to(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=8))
    shown = page(settings, expired["token"])
    assert (shown.status_code, state_of(shown)) == (410, "expired") and "has expired" in shown.text
    refused = requests.post(f"{settings.bridge_url}/pay/{expired['token']}/octo", timeout=30, allow_redirects=False)
    assert refused.status_code == 410, "an expired link starts no payment"


def test_paying_through_octo_settles_the_invoice_and_uses_the_link(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    octo_payment = start_at_octo(settings, link)
    assert start_at_octo(settings, link) == octo_payment, "a second click continues the same payment"
    back = press(settings, octo_payment, "pay")
    assert back.url.startswith(f"{settings.bridge_url}/pay/return/{uzs_tenant['id']}/")
    assert state_of(back) == "paid"
    assert invoice_row(db, link) == {"status": "paid", "amount_due": 0}
    used = link_row(db, link)
    assert used["status"] == "used"
    payment = db.execute("SELECT * FROM kassa.payments WHERE tenant_id = %s AND id = %s",
                         [uzs_tenant["id"], used["payment_id"]]).fetchone()
    assert (payment["provider"], payment["status"], payment["amount"], payment["invoice_id"]) == \
        ("octo", "completed", 1000, link["invoice_id"])
    prepared = [r for r in requests.get(settings.octo_fake_url + "/_fake/requests", timeout=10).json()
                if r["path"] == "/prepare_payment" and r["params"].get("shop_transaction_id") == str(payment["id"])]
    assert Decimal(str(prepared[0]["params"]["total_sum"])) == Decimal("10.00"), "OCTO is asked for the amount due"


def test_a_cancelled_or_failed_payment_leaves_the_link_usable(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    back = press(settings, start_at_octo(settings, link), "cancel")
    assert "You cancelled the payment" in back.text and "open the link in your message" in back.text
    assert state_of(back) == "open"
    assert link_row(db, link)["status"] == "open" and invoice_row(db, link)["amount_due"] == 1000
    back = press(settings, start_at_octo(settings, link), "fail")
    assert state_of(back) == "open"
    assert state_of(press(settings, start_at_octo(settings, link), "pay")) == "paid", "and it pays later"


def test_the_same_callback_fifty_times_at_once_posts_one_payment(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    octo_payment = start_at_octo(settings, link)
    payment_id = db.execute("SELECT id FROM kassa.payments WHERE provider = 'octo' AND provider_ref = %s",
                            [octo_payment]).fetchone()["id"]
    requests.get(f"{settings.octo_fake_url}/pay/{octo_payment}", timeout=10)
    press(settings, octo_payment, "pay")
    again = octo_server.callback(LOCAL_OCTO_SECRET, str(payment_id), octo_payment, "succeeded", Decimal("10.00"))
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(pool.map(lambda _: octo_server.deliver(settings.bridge_url + "/webhooks/octo", again),
                                range(50)))
    assert {status for status, _ in answers} == {200}
    entries = db.execute("SELECT count(*) AS n FROM kassa.ledger_entries WHERE tenant_id = %s AND source_id = %s::text",
                         [uzs_tenant["id"], payment_id]).fetchone()["n"]
    assert entries == 1, "one posting, however often OCTO calls"


def test_a_forged_or_unconfirmed_callback_changes_nothing(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    octo_payment = start_at_octo(settings, link)
    payment_id = db.execute("SELECT id FROM kassa.payments WHERE provider = 'octo' AND provider_ref = %s",
                            [octo_payment]).fetchone()["id"]
    forged = octo_server.callback("not-the-secret", str(payment_id), octo_payment, "succeeded", Decimal("10.00"))
    status, answer = octo_server.deliver(settings.bridge_url + "/webhooks/octo", forged)
    assert (status, answer["code"]) == (400, "P0W10")
    # Signed as OCTO would, but OCTO's status call says the payer has not paid: nothing is posted.
    premature = octo_server.callback(LOCAL_OCTO_SECRET, str(payment_id), octo_payment, "succeeded", Decimal("10.00"))
    status, _ = octo_server.deliver(settings.bridge_url + "/webhooks/octo", premature)
    assert status == 200
    assert db.execute("SELECT status FROM kassa.payments WHERE tenant_id = %s AND id = %s",
                      [uzs_tenant["id"], payment_id]).fetchone()["status"] == "pending"
    assert invoice_row(db, link)["amount_due"] == 1000 and link_row(db, link)["status"] == "open"


def test_guessing_tokens_is_rate_limited(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    with bridge_of_its_own(settings, KASSA_PAY_UNKNOWN_TOKENS_PER_MINUTE="3",
                           KASSA_PAY_TOKEN_VIEWS_PER_MINUTE="4") as bridge:
        def view(token):
            return requests.get(f"{bridge}/pay/{token}", timeout=30)
        fresh_rate_counts(db, "pay-")
        guesses = [view(secrets.token_urlsafe(48)).status_code for _ in range(5)]
        assert guesses == [404, 404, 404, 429, 429]
        refused = view(link["token"])
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60, \
            "once guessing is refused, no token is looked up from that address"


def test_one_token_is_viewed_at_most_so_often(settings, db, uzs_tenant):
    link = link_for(db, uzs_tenant)
    with bridge_of_its_own(settings, KASSA_PAY_TOKEN_VIEWS_PER_MINUTE="2") as bridge:
        fresh_rate_counts(db, "pay-")
        views = [requests.get(f"{bridge}/pay/{link['token']}", timeout=30).status_code for _ in range(3)]
    assert views == [200, 200, 429]




def test_a_person_pays_a_link_on_a_phone(settings, db, uzs_tenant):
    """Chromium at a phone's size: the page, OCTO's page, the return page; a screenshot each."""
    link = link_for(db, uzs_tenant)
    expired = link_for(db, uzs_tenant)
    db.execute("UPDATE kassa.payment_links SET expires_at = now() - interval '1 minute' WHERE tenant_id = %s AND id = %s",
               [uzs_tenant["id"], expired["link_id"]])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            phone = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
            phone.goto(f"{settings.bridge_url}/pay/{link['token']}")
            assert phone.locator("h1").inner_text() == f"Invoice {link['number']}"
            button = phone.get_by_role("button", name="Pay with OCTO")
            assert button.bounding_box()["width"] >= PHONE["width"] * 0.7, "a button a thumb finds"
            phone.screenshot(path=SCREENSHOTS / "open.png", full_page=True)
            button.click()
            phone.wait_for_url(re.compile(re.escape(settings.octo_fake_url)))
            phone.get_by_role("button", name=re.compile("^Pay")).click()
            phone.wait_for_url(re.compile(r"/return"))
            assert phone.locator(".card").get_attribute("data-state") == "paid"
            phone.screenshot(path=SCREENSHOTS / "paid.png", full_page=True)
            for name, token in (("expired", expired["token"]), ("unknown", secrets.token_urlsafe(48))):
                phone.goto(f"{settings.bridge_url}/pay/{token}")
                phone.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        finally:
            browser.close()
    assert invoice_row(db, link)["amount_due"] == 0
    print(f"\nscreenshots of the payment pages: {SCREENSHOTS}")


def test_paying_by_card_through_stripe(settings, db):
    """A rand invoice: Stripe is the page's gateway; its checkout webhook completes the payment."""
    tenant = create_tenant(db)
    link = link_for(db, tenant)
    shown = page(settings, link["token"])
    assert "Pay with Stripe" in shown.text and "Pay with OCTO" not in shown.text, "OCTO takes no rand"
    assert settings.stripe_fake_url in shown.headers["Content-Security-Policy"]
    started = requests.post(f"{settings.bridge_url}/pay/{link['token']}/stripe", timeout=30, allow_redirects=False)
    assert started.status_code == 303 and started.headers["Location"].startswith(settings.stripe_fake_url)
    back = requests.post(started.headers["Location"] + "/pay", timeout=60)
    assert state_of(back) == "paid" and invoice_row(db, link) == {"status": "paid", "amount_due": 0}
    used = link_row(db, link)
    assert used["status"] == "used"
    assert db.execute("SELECT provider, purpose FROM kassa.payments WHERE tenant_id = %s AND id = %s",
                      [tenant["id"], used["payment_id"]]).fetchone() == {"provider": "stripe", "purpose": "payment"}


def test_staff_refund_an_octo_payment_once_per_request(settings, db, uzs_tenant, token):
    link = link_for(db, uzs_tenant)
    press(settings, start_at_octo(settings, link), "pay")
    payment_id = str(link_row(db, link)["payment_id"])
    staff = {"Authorization": f"Bearer {token('staff', uzs_tenant['id'])}"}

    def refund(amount: int, request_id: str) -> requests.Response:
        return requests.post(settings.bridge_url + "/refunds", headers=staff, timeout=30, json={
            "payment_id": payment_id, "amount": amount, "reason": "tour cancelled in part", "request_id": request_id})

    first = refund(400, "r-1")
    assert first.status_code == 201 and first.json()["status"] == "succeeded", first.text
    assert refund(400, "r-1").json()["refund_id"] == first.json()["refund_id"], "a retry is the same refund"
    assert refund(700, "r-2").json()["code"] == "P0P08", "never more than what is left"
    refunds = db.execute("SELECT amount FROM kassa.payment_refunds WHERE tenant_id = %s AND payment_id = %s",
                         [uzs_tenant["id"], payment_id]).fetchall()
    assert refunds == [{"amount": 400}]
    assert invoice_row(db, link) == {"status": "partially_paid", "amount_due": 400}, "the invoice it paid is open again"
    at_octo = [r for r in requests.get(settings.octo_fake_url + "/_fake/requests", timeout=10).json()
               if r["path"] == "/refund"]
    assert {Decimal(str(r["params"]["amount"])) for r in at_octo} == {Decimal("4.00")}


def test_no_token_is_kept_by_a_gateway_or_by_kassa(settings, db, uzs_tenant):
    """The pages' return URLs name the payment, not the token: what the gateways keep of a
    payment, and what Kassa records of theirs (payments, webhook events, the audit log), holds no
    token."""
    paid_by_octo, paid_by_card = link_for(db, uzs_tenant), link_for(db, create_tenant(db))
    press(settings, start_at_octo(settings, paid_by_octo), "pay")
    started = requests.post(f"{settings.bridge_url}/pay/{paid_by_card['token']}/stripe", timeout=30,
                            allow_redirects=False)
    assert state_of(requests.post(started.headers["Location"] + "/pay", timeout=60)) == "paid"
    for token in (paid_by_octo["token"], paid_by_card["token"]):
        found = db.execute(
            "SELECT (SELECT count(*) FROM kassa.payments p WHERE p::text LIKE '%%' || %(t)s || '%%')"
            " + (SELECT count(*) FROM kassa.webhook_events e WHERE e::text LIKE '%%' || %(t)s || '%%')"
            " + (SELECT count(*) FROM audit.log a WHERE a::text LIKE '%%' || %(t)s || '%%') AS n", {"t": token}).fetchone()
        assert found["n"] == 0
    gateways_saw = requests.get(settings.octo_fake_url + "/_fake/requests", timeout=10).text + \
        requests.get(settings.stripe_fake_url + "/_fake/requests", timeout=10).text
    assert paid_by_octo["token"] not in gateways_saw and paid_by_card["token"] not in gateways_saw
