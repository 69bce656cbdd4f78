"""The customer portal (bridge/portal.py, docs/portal.md#portal) over real HTTP against the suite's
bridge, PostgREST and SSE gateway: the session cookie's flags, CSRF refused, another customer's
invoice not downloadable, the stream ticket used once and expiring. And driven in Debian's
Chromium (Playwright): a customer signs up (the mail from the SMTP sink), logs in, sees the
balance change without a reload when a top-up through the local Stripe stand-in lands,
downloads an invoice, opens a ticket; every page is screenshotted at a desktop's and a phone's
width (test-results/portal/) and checked with axe-core (.tools/axe.min.js, scripts/install.sh):
no violation of impact serious or critical."""
from __future__ import annotations

import dataclasses
import datetime
import json
import re
import time
import uuid

import jwt
import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from bridge import portal_session
from bridge.logins import HASHER
from bridge.stream_tickets import TICKET_AUDIENCE
from factories import create_customer, create_service, fresh_rate_counts, issue_invoice, link_of_next_mail, sse_events
from kassa import cli
from kassa.config import ROOT, TOOLS

PASSWORD = "portal password 1"
SCREENSHOTS = ROOT / "test-results" / "portal"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def shop(db, tenant):
    db.execute("UPDATE kassa.tenants SET signup_mode = 'open' WHERE id = %s", [tenant["id"]])
    fresh_rate_counts(db, "login-")
    return tenant


def with_login(db, tenant) -> dict:
    """A customer with a login (the password's hash as the bridge makes it)."""
    customer = create_customer(db, tenant["id"])
    db.execute("INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)"
               " VALUES (%s, %s, %s, now(), %s)", [tenant["id"], customer["email"], HASHER.hash(PASSWORD), customer["id"]])
    return customer


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


def logged_in(settings, tenant, customer) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{settings.portal_url}login", timeout=30)
    answer = browser.post(f"{settings.portal_url}login", timeout=30, allow_redirects=False, data={
        "csrf": csrf_of(form.text), "tenant": tenant["slug"], "email": customer["email"], "password": PASSWORD})
    assert (answer.status_code, answer.headers["Location"]) == (303, "/portal/"), answer.text
    return browser


def test_make_up_prints_the_portal_and_its_demo_login(settings, capsys):
    cli.print_summary(settings)
    printed = capsys.readouterr().out
    assert f"portal      {settings.portal_url}  (demo login: lekker-fibre / thandi@example.co.za / kassa-demo-portal)" \
        in printed


def test_the_session_cookie_is_httponly_samesite_and_scoped_to_the_portal(settings, db, shop):
    customer = with_login(db, shop)
    form = requests.get(f"{settings.portal_url}login", timeout=30)
    cookie = form.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/portal/" in cookie, cookie
    assert "Secure" not in cookie  # the suite's bridge is served over http; over https it is Secure
    browser = logged_in(settings, shop, customer)
    value = browser.cookies["kassa_portal"]
    assert customer["email"] not in value and "eyJ" not in value, "the cookie is encrypted"
    overview = browser.get(settings.portal_url, timeout=30)
    assert overview.status_code == 200 and customer["name"] in overview.text
    assert '<html lang="en">' in overview.text


def test_over_https_the_cookie_is_secure(bridge_config):
    from bridge.web import create_app
    app = create_app(dataclasses.replace(bridge_config, public_url="https://billing.example"))
    cookie = app.test_client().get("/portal/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_a_german_customer_reads_german(settings, db, shop):
    customer = with_login(db, shop)
    db.execute("UPDATE kassa.customers SET locale = 'de_DE' WHERE id = %s", [customer["id"]])
    overview = logged_in(settings, shop, customer).get(settings.portal_url, timeout=30).text
    assert '<html lang="de">' in overview and "Guthaben" in overview and "Offener Betrag" in overview
    assert "0,00" in overview  # German formats


def test_the_access_token_is_refreshed_on_the_server(settings, db, shop):
    customer = with_login(db, shop)
    browser = logged_in(settings, shop, customer)
    cipher = portal_session.fernet(settings.portal_key)
    session = json.loads(cipher.decrypt(browser.cookies["kassa_portal"].encode()))
    session["exp"] = int(time.time())  # the access token is about to expire

    def send_back(values: dict) -> None:
        """The cookie with these values, in the place of the one the bridge set."""
        cookie = next(c for c in browser.cookies if c.name == "kassa_portal")
        browser.cookies.set("kassa_portal", cipher.encrypt(json.dumps(values).encode()).decode(),
                            domain=cookie.domain, path=cookie.path)

    send_back(session)
    assert browser.get(settings.portal_url, timeout=30).status_code == 200
    refreshed = json.loads(cipher.decrypt(browser.cookies["kassa_portal"].encode()))
    assert refreshed["refresh"] != session["refresh"], "the refresh token rotated"
    assert refreshed["exp"] > time.time() + 800 and refreshed["csrf"] == session["csrf"]
    # The old refresh token is used up: a stolen copy of the old cookie ends the login.
    send_back(session)
    assert browser.get(settings.portal_url, timeout=30, allow_redirects=False).headers["Location"] == "/portal/login"


def test_staff_cannot_log_in_to_the_portal(settings, db, shop):
    staff = db.execute("INSERT INTO kassa.staff_users (tenant_id, email, name, role) VALUES (%s, %s, 'Sam Staff', 'admin')"
                       " RETURNING id, email", [shop["id"], f"{uuid.uuid4().hex[:10]}@staff.example"]).fetchone()
    db.execute("INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, staff_user_id)"
               " VALUES (%s, %s, %s, now(), %s)", [shop["id"], staff["email"], HASHER.hash(PASSWORD), staff["id"]])
    browser = requests.Session()
    form = browser.get(f"{settings.portal_url}login", timeout=30)
    refused = browser.post(f"{settings.portal_url}login", timeout=30, allow_redirects=False, data={
        "csrf": csrf_of(form.text), "tenant": shop["slug"], "email": staff["email"], "password": PASSWORD})
    assert refused.status_code == 403 and "This portal is for customers." in refused.text
    assert db.execute("SELECT count(*) FROM kassa.login_families f JOIN kassa.identities i ON i.id = f.identity_id"
                      " WHERE i.staff_user_id = %s AND f.revoked_at IS NULL", [staff["id"]]).fetchone()["count"] == 0


def test_every_post_needs_the_sessions_csrf_token(settings, db, shop):
    customer = with_login(db, shop)
    without = requests.post(f"{settings.portal_url}login", timeout=30, data={
        "tenant": shop["slug"], "email": customer["email"], "password": PASSWORD})
    assert (without.status_code, without.json()["code"]) == (403, "P0B62")
    browser = logged_in(settings, shop, customer)
    for path, data in (("logout", {}), ("tickets", {"subject": "x", "body": "y", "category": "other"}),
                       ("stream-ticket", {})):
        for token in (None, "not-the-token"):
            refused = browser.post(f"{settings.portal_url}{path}", timeout=30, allow_redirects=False,
                                   data={**data, **({"csrf": token} if token else {})})
            assert (refused.status_code, refused.json()["code"]) == (403, "P0B62"), path
    assert db.execute("SELECT count(*) FROM kassa.tickets WHERE customer_id = %s", [customer["id"]]).fetchone()["count"] == 0
    assert browser.get(settings.portal_url, timeout=30, allow_redirects=False).status_code == 200, "still logged in"
    token = csrf_of(browser.get(settings.portal_url, timeout=30).text)
    assert browser.post(f"{settings.portal_url}logout", data={"csrf": token}, timeout=30,
                        allow_redirects=False).headers["Location"] == "/portal/login"
    assert browser.get(settings.portal_url, timeout=30, allow_redirects=False).headers["Location"] == "/portal/login"


def test_another_customers_invoice_is_not_downloadable(settings, db, shop):
    mine, theirs = with_login(db, shop), create_customer(db, shop["id"])
    today = datetime.date.today().isoformat()
    own, other = issue_invoice(db, shop, mine, today), issue_invoice(db, shop, theirs, today)
    browser = logged_in(settings, shop, mine)
    pdf = browser.get(f"{settings.portal_url}invoices/{own}.pdf", timeout=120)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), pdf.text[:300]
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    refused = browser.get(f"{settings.portal_url}invoices/{other}.pdf", timeout=30)
    assert refused.status_code == 404 and b"%PDF" not in refused.content


def ticket_url(settings, browser: requests.Session) -> str:
    token = csrf_of(browser.get(settings.portal_url, timeout=30).text)
    answer = browser.post(f"{settings.portal_url}stream-ticket", headers={"X-CSRF-Token": token}, timeout=30)
    assert answer.status_code == 200 and answer.json()["expires_in"] == 30, answer.text
    assert answer.json()["url"].startswith(settings.sse_url + "?ticket=")
    return answer.json()["url"]


def test_a_stream_ticket_opens_one_stream_once_and_expires(settings, db, shop):
    customer = with_login(db, shop)
    browser = logged_in(settings, shop, customer)
    url = ticket_url(settings, browser)
    ticket = url.split("ticket=")[1]
    for refused in (requests.get(f"{settings.postgrest_url}/customers", headers={"Authorization": f"Bearer {ticket}"},
                                 timeout=30),
                    requests.post(f"{settings.bridge_url}/top-ups", json={"amount": 5000, "request_id": "t"},
                                  headers={"Authorization": f"Bearer {ticket}"}, timeout=30)):
        assert refused.status_code == 401, "a ticket is no API token"
    with requests.get(url, stream=True, timeout=30, headers={"Origin": settings.bridge_url}) as stream:
        assert stream.status_code == 200
        assert stream.headers["Access-Control-Allow-Origin"] == settings.bridge_url
        db.execute("SELECT internal.post_entry(%s, %s, 'adjustment', 777, 'test', %s)",
                   [shop["id"], customer["id"], f"portal-{customer['id']}"])
        name, _, data = next(event for event in sse_events(stream) if event[0] == "balance")
        assert data["balance"] == 777 and data["customer_id"] == str(customer["id"])
    again = requests.get(url, timeout=30)
    assert (again.status_code, again.json()["code"]) == (401, "P0B63")
    claims = jwt.decode(ticket, options={"verify_signature": False})
    assert claims["aud"] == TICKET_AUDIENCE and claims["exp"] - claims["iat"] == 30
    expired = jwt.encode({**claims, "jti": str(uuid.uuid4()), "iat": int(time.time()) - 60, "exp": int(time.time()) - 30},
                         settings.jwt_secret, algorithm="HS256", headers=jwt.get_unverified_header(ticket))
    late = requests.get(f"{settings.sse_url}?ticket={expired}", timeout=30)
    assert (late.status_code, late.json()["code"]) == (401, "P0B63")


def test_the_pages_act_through_the_api_as_the_customer(settings, db, api, token, shop):
    customer = with_login(db, shop)
    as_customer = api(token("customer", shop["id"], customer["id"]))
    first, second = (as_customer.rpc("add_payment_method", kind="debit_order", bank="FNB", account_type="cheque",
                                      account_number=number, mandate_reference=f"MD-{number}").json()
                     for number in ("62001234567", "62007654321"))
    browser = logged_in(settings, shop, customer)
    csrf = csrf_of(browser.get(f"{settings.portal_url}payment-methods", timeout=30).text)

    def post(path: str, **data) -> requests.Response:
        answer = browser.post(f"{settings.portal_url}{path}", data={"csrf": csrf, **data}, timeout=30,
                              allow_redirects=False)
        assert answer.status_code == 303, answer.text
        return answer

    post(f"payment-methods/{second}/primary")
    post(f"payment-methods/{first}/remove")
    assert [(m["id"], m["is_primary"]) for m in as_customer.get("/payment_methods?select=id,is_primary").json()] == \
        [(second, True)]
    post("profile", name="Nomsa Dube", email=customer["email"], phone="+27 82 555 0123", street="5 Long Street",
         postcode="8001", city="Cape Town", locale="de_ZA")
    row = db.execute("SELECT name, phone, street, locale FROM kassa.customers WHERE id = %s", [customer["id"]]).fetchone()
    assert row == {"name": "Nomsa Dube", "phone": "+27 82 555 0123", "street": "5 Long Street", "locale": "de_ZA"}
    post("preferences", on=["low_balance:sms", "invoice_issued:email"])
    chosen = {(p["kind"], p["channel"]): p["enabled"] for p in as_customer.get(
        "/message_preferences?kind=in.(low_balance,invoice_issued)&channel=in.(email,sms)").json()}
    assert chosen == {("low_balance", "sms"): True, ("low_balance", "email"): False,
                      ("invoice_issued", "sms"): False, ("invoice_issued", "email"): True}
    opened = post("tickets", subject="No signal", body="Since this morning.", category="technical")
    post(opened.headers["Location"].removeprefix("/portal/"), body="Still down.")
    ticket = opened.headers["Location"].rsplit("/", 1)[1]
    assert [m["body"] for m in as_customer.get(f"/ticket_messages?ticket_id=eq.{ticket}&order=created_at").json()] == \
        ["Since this morning.", "Still down."]
    export = browser.get(f"{settings.portal_url}export", timeout=30)
    assert export.headers["Content-Disposition"].startswith("attachment")
    assert export.json()["customer"]["name"] == "Nomsa Dube"
    assert "Telefon" in browser.get(f"{settings.portal_url}profile", timeout=30).text, "German now"


def test_auto_top_up_is_set_on_its_page_with_a_saved_card(settings, db, api, token, shop):
    customer = with_login(db, shop)
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    card = db.execute("SELECT internal.add_card(%s, %s, 'visa', '4242', 12, 2031, 'cus_portal', 'pm_card_visa') AS id",
                      [shop["id"], customer["id"]]).fetchone()["id"]
    browser = logged_in(settings, shop, customer)
    page = browser.get(f"{settings.portal_url}payment-methods", timeout=30).text
    assert "4242" in page and 'href="/portal/top-up"' in page, "the card is listed, and how to add one"
    csrf = csrf_of(browser.get(f"{settings.portal_url}auto-top-up", timeout=30).text)
    saved = browser.post(f"{settings.portal_url}auto-top-up", timeout=30, allow_redirects=False, data={
        "csrf": csrf, "enabled": "on", "threshold": "50", "amount": "200", "payment_method_id": str(card)})
    assert saved.status_code == 303, saved.text
    setting = api(token("customer", shop["id"], customer["id"])).get(
        "/auto_topups?select=enabled,threshold,amount,payment_method_id").json()
    assert setting == [{"enabled": True, "threshold": 5000, "amount": 20000, "payment_method_id": str(card)}]


def test_usage_is_drawn_against_the_plans_cap(settings, db, api, token, shop):
    customer = with_login(db, shop)
    service = create_service(db, shop["id"], customer["id"], 2000, usage_unit="bytes", usage_cap=30_000_000_000)
    db.execute("SELECT internal.service_transition(%s, %s, 'activate', 'installed', internal.tenant_today(%s) - 5)",
               [shop["id"], service["id"], shop["id"]])
    at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).isoformat(timespec="seconds")
    assert api(token("staff", shop["id"])).rpc("record_usage", records=[
        {"source": "radius", "key": f"u-{service['id']}", "service_id": str(service["id"]), "unit": "bytes_down",
         "quantity": 2_500_000_000, "usage_at": at}]).status_code == 200
    page = logged_in(settings, shop, customer).get(f"{settings.portal_url}usage", timeout=30).text
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert chart.count("<rect") == 30 and "2.50 GB</title>" in chart
    assert "<line" in chart and "cap per day" in chart  # 30 GB a month, about 1 GB a day
    assert "2.50 GB used" in page and "cap 30.00 GB" in page


AXE = TOOLS / "axe.min.js"


def accessible(page, name: str) -> None:
    """Screenshots at both widths, and axe-core's check at each: nothing serious or critical."""
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
        found = page.evaluate("async () => (await axe.run(document)).violations"
                              ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))")
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name} at {size}: {serious}"
    page.set_viewport_size(SIZES["desktop"])


def test_a_customer_signs_up_logs_in_sees_the_balance_live_downloads_an_invoice_and_opens_a_ticket(settings, db, shop):
    assert AXE.exists(), "scripts/install.sh test fetches axe-core into .tools/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    to = f"{uuid.uuid4().hex[:12]}@example.com"
    assert requests.post(f"{settings.bridge_url}/auth/signup", timeout=30, json={
        "tenant": shop["slug"], "email": to, "name": "Nomsa Dube", "password": PASSWORD}).status_code == 202
    customer_id = requests.get(link_of_next_mail(settings, to), timeout=30).json()["customer_id"]
    customer = db.execute("SELECT * FROM kassa.customers WHERE id = %s", [customer_id]).fetchone()
    invoice = issue_invoice(db, shop, customer, datetime.date.today().isoformat())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport=SIZES["desktop"], accept_downloads=True, locale="en-ZA")
            context.add_init_script(path=AXE)  # as the browser's, not the page's: the portal's CSP allows no inline script
            page = context.new_page()
            page.goto(f"{settings.portal_url}login")
            accessible(page, "login")
            page.get_by_label("Provider").fill(shop["slug"])
            page.get_by_label("E-mail address").fill(to)
            page.get_by_label("Password").fill(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(settings.portal_url)
            balance = page.locator("#balance")
            expect(balance).to_have_attribute("data-live", "yes", timeout=15000)
            before = balance.inner_text()
            page.evaluate("window.notReloaded = true")
            accessible(page, "overview")

            # A top-up in a second tab, through the local Stripe stand-in's checkout page:
            # the overview's balance follows without a reload.
            other = context.new_page()
            other.goto(f"{settings.portal_url}top-up")
            accessible(other, "top-up")
            other.get_by_label("Amount").fill("150.00")
            other.get_by_role("button", name="Continue to card payment").click()
            other.wait_for_url(re.compile(re.escape(settings.stripe_fake_url)))
            other.get_by_role("button").click()
            other.wait_for_url(re.compile(r"/portal/\?topped_up=1"))
            expect(balance).not_to_have_text(before, timeout=15000)
            expect(balance).to_contain_text("140")  # the invoice of 10.00 owed, 150.00 paid
            assert page.evaluate("window.notReloaded") is True
            other.close()

            page.get_by_role("link", name="Invoices").click()
            accessible(page, "invoices")
            with page.expect_download() as download:
                page.get_by_role("link", name=re.compile("Download invoice")).click()
            assert download.value.path().read_bytes().startswith(b"%PDF-")
            assert str(invoice) in download.value.suggested_filename

            page.get_by_role("link", name="Support").click()
            accessible(page, "tickets")
            page.get_by_label("Topic").select_option("billing")
            page.get_by_label("Subject").fill("Question about my invoice")
            page.get_by_label("Message").fill("Why is it R 10.00?")
            page.get_by_role("button", name="Open a ticket").click()
            expect(page.get_by_role("heading", name="Question about my invoice")).to_be_visible()
            page.get_by_label("Reply").fill("It is the router rental.")
            page.get_by_role("button", name="Send").click()
            expect(page.get_by_text("It is the router rental.")).to_be_visible()
            accessible(page, "ticket")
            assert db.execute("SELECT subject FROM kassa.tickets WHERE customer_id = %s",
                              [customer_id]).fetchone()["subject"] == "Question about my invoice"

            for link, name in (("Payment methods", "payment-methods"), ("Auto top-up", "auto-top-up"),
                               ("Usage", "usage"), ("Profile", "profile")):
                page.get_by_role("navigation").get_by_role("link", name=link).click()
                accessible(page, name)
            with page.expect_download() as export:
                page.get_by_role("link", name="Download my data").click()
            assert b'"kassa-customer-export/1"' in export.value.path().read_bytes()
            page.get_by_role("button", name="Log out").click()
            page.wait_for_url(f"{settings.portal_url}login")
        finally:
            browser.close()
