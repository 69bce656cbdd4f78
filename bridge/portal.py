"""The reference customer portal (docs/portal.md#portal): server-rendered pages under /portal/.

Every page is one customer's login (bridge/logins.py, called directly) and reads and writes
through PostgREST with that login's access token, as any client of the API would: row-level
security decides what the customer sees and may do; the portal adds no rule of its own. The
session is a cookie (bridge/portal_session.py); every POST carries its CSRF token. The live
balance comes from the SSE gateway with a stream ticket (bridge/stream_tickets.py) that
/portal/portal.js asks for. Pages speak the customer's locale, else the tenant's (bridge/texts.py).
"""
from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
import stripe
from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from bridge import config, downloads, logins, portal_session, stream_tickets, topups
from bridge.claims import decode
from bridge.portal_texts import PORTAL_TEXTS
from bridge.security import SECURITY_HEADERS
from bridge.texts import Speaker

blueprint = Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates")
SCRIPT = (Path(__file__).parent / "portal.js").read_bytes()
TICKET_CATEGORIES = ("billing", "technical", "account", "other")
PROFILE_FIELDS = ("name", "email", "phone", "street", "postcode", "city")
MESSAGE_KINDS = ("invoice_issued", "invoice_reminder", "payment_received", "low_balance", "usage_cap_warning",
                 "ticket_replied")
USAGE_DAYS = 30


class Refused(Exception):
    """PostgREST refused: its error's code and message, for the page to say."""

    def __init__(self, status: int, body: dict):
        super().__init__(body.get("message"))
        self.status, self.code, self.message = status, body.get("code"), body.get("message") or ""


def api(method: str, path: str, body: dict | None = None, token: str | None = None):
    """PostgREST with the login's token: the answer's JSON, or Refused."""
    asked = urllib.request.Request(f"{config.current().postgrest_url}{path}", method=method,
                                   data=None if body is None else json.dumps(body).encode(),
                                   headers={"Authorization": f"Bearer {token or g.token}",
                                            "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(asked, timeout=30) as answer:
            content = answer.read()
    except urllib.error.HTTPError as refused:
        raise Refused(refused.code, json.loads(refused.read() or b"{}"))
    return json.loads(content) if content else None


def rows(resource: str, **query) -> list[dict]:
    return api("GET", f"/{resource}?{urllib.parse.urlencode(query)}")


def rpc(name: str, **args):
    return api("POST", f"/rpc/{name}", args)


def money(amount: int | None) -> str:
    return "" if amount is None else g.say.money(amount, g.currency["code"], g.currency["minor_units"])


def render(template: str, status: int = 200, **values):
    page = render_template(f"portal/{template}", say=g.say, money=money, csrf=g.session["csrf"],
                           customer=getattr(g, "customer", None), **values)
    return page, status


@blueprint.app_template_filter("todate")
def todate(text: str) -> date:
    return date.fromisoformat(text)


@blueprint.before_request
def session_of_request():
    portal_session.load()
    if request.method == "POST":
        portal_session.check_csrf()
    g.say = Speaker(request.accept_languages.best_match(("en", "de")), PORTAL_TEXTS)
    if request.endpoint in ("portal.login", "portal.script"):
        return None
    g.token = portal_session.access_token()
    if g.token is None:
        if request.endpoint in ("portal.figures", "portal.stream_ticket"):
            return jsonify(code="P0B08", message="the portal session has ended", details=None,
                           hint="Log in again."), 401
        return redirect(url_for("portal.login"), 303)
    try:
        g.customer = rows("customers", select="id,account_number,name,email,phone,street,postcode,city,"
                                              "country,locale,currency,balance")[0]
        tenant = rows("tenants", select="name,slug,locale")[0]
        g.currency = rows("currencies", code=f"eq.{g.customer['currency']}", select="code,minor_units")[0]
    except (Refused, IndexError):  # the customer was closed, or the tenant suspended, meanwhile
        portal_session.end()
        return redirect(url_for("portal.login"), 303)
    g.say = Speaker(g.customer["locale"] or tenant["locale"], PORTAL_TEXTS)
    return None


@blueprint.after_request
def finish(response):
    """The session cookie when it changed; scripts of this origin only; the stream's origin to
    connect to; the checkout page a top-up's form is sent on to."""
    settings = config.current()
    sse_origin = urllib.parse.urlsplit(settings.sse_url)
    response.headers["Content-Security-Policy"] = SECURITY_HEADERS["Content-Security-Policy"].replace(
        "default-src 'none';", f"default-src 'none'; script-src 'self'; connect-src 'self' "
                               f"{sse_origin.scheme}://{sse_origin.netloc};").replace(
        "form-action 'self'", f"form-action 'self' {settings.stripe.checkout_origin}")
    response.headers["Cache-Control"] = "private, no-store"
    return portal_session.save(response)


@blueprint.errorhandler(Refused)
def refused_by_api(error: Refused):
    return render("notice.html", 400 if error.status < 500 else 502, title=g.say("refused"), message=error.message)


@blueprint.get("/portal.js")
def script():
    return Response(SCRIPT, mimetype="text/javascript")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render("login.html", tenant=request.args.get("tenant", ""), email="", error=None)
    slug, email = request.form.get("tenant", "").strip(), request.form.get("email", "").strip()
    try:
        tokens = logins.log_in(slug, email, logins.password_in(request.form), None)
    except HTTPException as refused:
        code = refused.response.get_json()["code"] if refused.response is not None else "P0B45"
        message = g.say("too_many_logins") if code == "P0B48" else g.say("wrong_login")
        return render("login.html", 429 if code == "P0B48" else 401, tenant=slug, email=email, error=message)
    if "customer_id" not in decode(tokens["access_token"], config.current().jwt_keys):  # staff log in elsewhere
        logins.log_out(tokens["refresh_token"])
        return render("login.html", 403, tenant=slug, email=email, error=g.say("customers_only"))
    portal_session.start(tokens)
    return redirect(url_for("portal.overview"), 303)


@blueprint.post("/logout")
def logout():
    portal_session.end()
    return redirect(url_for("portal.login"), 303)


def dashboard() -> dict:
    return rpc("customer_dashboard")


@blueprint.get("/")
def overview():
    board = dashboard()
    products = {service["id"]: service["product"] for service in board["active_services"]}
    return render("overview.html", board=board, products=products, topped_up="topped_up" in request.args,
                  today=date.fromisoformat(board["as_of"]))


@blueprint.get("/figures")
def figures():
    """The overview's balance and amount due, written as the page writes them (portal.js)."""
    board = dashboard()
    return jsonify(balance=money(board["balance"]), amount_due=money(board["amount_due"]),
                   open_invoices=board["open_invoices"])


@blueprint.post("/stream-ticket")
def stream_ticket():
    ticket = stream_tickets.issue(portal_session.claims(), config.current().jwt_keys)
    return jsonify(url=f"{config.current().sse_url}?{urllib.parse.urlencode({'ticket': ticket})}",
                   expires_in=stream_tickets.TICKET_TTL_S)


@blueprint.get("/invoices")
def invoices():
    issued = rows("invoices", select="id,number,status,issued_on,due_on,total,amount_due",
                  number="not.is.null", order="issued_on.desc,number.desc")
    return render("invoices.html", invoices=issued, day=lambda text: g.say.day(date.fromisoformat(text)))


@blueprint.get("/invoices/<uuid:invoice_id>.pdf")
def invoice_pdf(invoice_id: uuid.UUID):
    """The invoice's PDF as the document download serves it, once PostgREST shows the invoice to
    the login's token (another customer's: 404)."""
    shown = rows("invoices", id=f"eq.{invoice_id}", number="not.is.null", select="tenant_id")
    if not shown:
        return render("notice.html", 404, title=g.say("not_found"), message=g.say("no_such_invoice"))
    document = downloads.Document(downloads.COLLECTIONS["invoices"], str(invoice_id), "pdf", {})
    answer = downloads.serve(shown[0]["tenant_id"], document)
    answer.headers["Content-Disposition"] = answer.headers["Content-Disposition"].replace("inline", "attachment")
    return answer


@blueprint.route("/top-up", methods=["GET", "POST"])
def top_up():
    if request.method == "GET":
        return render("top_up.html", request_id=secrets.token_urlsafe(16), cancelled="cancelled" in request.args,
                      error=None)
    base = config.current().public_url
    try:
        amount = round(float(request.form.get("amount", "").replace(",", ".")) * 10 ** g.currency["minor_units"])
        payment = topups.top_up(portal_session.claims(), amount, request.form.get("request_id", "")[:100],
                                f"{base}/portal/?topped_up=1", f"{base}/portal/top-up?cancelled=1",
                                request.form.get("save_card") == "on")
    except (ValueError, OverflowError):
        return render("top_up.html", 400, request_id=secrets.token_urlsafe(16), cancelled=False,
                      error=g.say("amount_invalid"))
    except psycopg.Error as error:
        if not (error.sqlstate or "").startswith("P0"):
            raise
        return render("top_up.html", 400, request_id=secrets.token_urlsafe(16), cancelled=False,
                      error=error.diag.message_primary)
    except stripe.StripeError:
        return render("top_up.html", 502, request_id=secrets.token_urlsafe(16), cancelled=False,
                      error=g.say("gateway_down"))
    return redirect(payment["checkout_url"], 303)


@blueprint.get("/payment-methods")
def payment_methods():
    methods = rows("payment_methods", select="id,kind,is_primary,brand,last4,exp_month,exp_year,bank,account_masked",
                   order="is_primary.desc,created_at")
    return render("payment_methods.html", methods=methods)


@blueprint.post("/payment-methods/<uuid:method_id>/<any(primary, remove):action>")
def change_payment_method(method_id: uuid.UUID, action: str):
    rpc("set_primary_payment_method" if action == "primary" else "remove_payment_method",
        payment_method_id=str(method_id))
    return redirect(url_for("portal.payment_methods"), 303)


@blueprint.route("/auto-top-up", methods=["GET", "POST"])
def auto_top_up():
    cards = rows("payment_methods", kind="eq.card", select="id,brand,last4")
    if request.method == "POST":
        try:
            unit = 10 ** g.currency["minor_units"]
            rpc("configure_auto_topup", enabled=request.form.get("enabled") == "on",
                threshold=round(float(request.form.get("threshold", "0").replace(",", ".")) * unit),
                amount=round(float(request.form.get("amount", "0").replace(",", ".")) * unit),
                payment_method_id=request.form.get("payment_method_id") or None)
        except (ValueError, OverflowError):
            return render("notice.html", 400, title=g.say("refused"), message=g.say("amount_invalid"))
        return redirect(url_for("portal.auto_top_up", saved=1), 303)
    setting = (rows("auto_topups", select="enabled,threshold,amount,payment_method_id,disabled_reason") or [None])[0]
    unit = 10 ** g.currency["minor_units"]
    return render("auto_top_up.html", setting=setting, cards=cards, saved="saved" in request.args,
                  major=lambda minor: "" if minor is None else f"{minor / unit:.{g.currency['minor_units']}f}")


@blueprint.get("/usage")
def usage():
    board = dashboard()
    since = date.fromisoformat(board["as_of"]) - timedelta(days=USAGE_DAYS - 1)
    daily = rows("usage_daily", select="service_id,usage_on,unit,quantity", usage_on=f"gte.{since}", order="usage_on")
    return render("usage.html", chart=usage_chart(daily, since, board["usage_this_period"]), amount_of=amount_of,
                  periods=board["usage_this_period"], products={s["id"]: s["product"] for s in board["active_services"]})


def amount_of(quantity: float, meter: str) -> str:
    """A metered quantity as people read it: bytes in GB, seconds in minutes."""
    if meter.startswith("bytes"):
        return f"{quantity / 1e9:,.2f} GB"
    if meter == "seconds":
        return f"{quantity / 60:,.0f} min"
    return f"{quantity:,.0f}"


def usage_chart(daily: list[dict], since: date, periods: list[dict]) -> Markup:
    """Daily use of the last USAGE_DAYS days as an SVG bar chart, of one service and meter (the
    first with a cap, else the first metered), with the plan's cap spread over its period as a
    daily line (bytes up and down count together, as the meter does)."""
    shown = next((p for p in periods if p.get("cap")), periods[0] if periods else None)
    meter = shown["meter"] if shown else "units"
    per_day: dict[str, int] = {}
    for row in daily:
        if shown and row["service_id"] == shown["service_id"] and row["unit"].startswith(meter):
            per_day[row["usage_on"]] = per_day.get(row["usage_on"], 0) + row["quantity"]
    days = [since + timedelta(days=n) for n in range(USAGE_DAYS)]
    daily_cap = None
    if shown and shown.get("cap"):
        length = (date.fromisoformat(shown["period_end"]) - date.fromisoformat(shown["period_start"])).days or 1
        daily_cap = shown["cap"] / length
    top = max([*per_day.values(), daily_cap or 0, 1])
    width, height, bar = 600, 200, 600 / USAGE_DAYS
    parts = [f'<svg viewBox="0 0 {width} {height + 20}" role="img" aria-labelledby="usage-title usage-desc" '
             f'class="chart"><title id="usage-title">{g.say("usage_chart")}</title>'
             f'<desc id="usage-desc">{g.say("usage_chart_desc", days=USAGE_DAYS)}</desc>']
    for n, day in enumerate(days):
        used = per_day.get(day.isoformat(), 0)
        tall = height * used / top
        parts.append(f'<rect x="{n * bar + 1:.1f}" y="{height - tall:.1f}" width="{bar - 2:.1f}" height="{tall:.1f}" '
                     f'fill="#1f5fd1"><title>{g.say.day(day)}: {amount_of(used, meter)}</title></rect>')
    if daily_cap:
        y = height - height * daily_cap / top
        parts.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b3261e" stroke-width="2" '
                     f'stroke-dasharray="6 4"/><text x="4" y="{max(y - 4, 12):.1f}" fill="#b3261e" font-size="12">'
                     f'{g.say("daily_cap")}</text>')
    parts.append(f'<text x="0" y="{height + 16}" font-size="12" fill="#1d2330">{g.say.day(days[0])}</text>'
                 f'<text x="{width}" y="{height + 16}" font-size="12" fill="#1d2330" text-anchor="end">'
                 f'{g.say.day(days[-1])}</text></svg>')
    return Markup("".join(parts))


@blueprint.route("/tickets", methods=["GET", "POST"])
def tickets():
    if request.method == "POST":
        ticket = rpc("open_ticket", subject=request.form.get("subject", ""), body=request.form.get("body", ""),
                     category=request.form.get("category", "other"))
        return redirect(url_for("portal.ticket", ticket_id=ticket), 303)
    listed = rows("tickets", select="id,subject,category,status,updated_at", order="updated_at.desc")
    return render("tickets.html", tickets=listed, categories=TICKET_CATEGORIES)


@blueprint.route("/tickets/<uuid:ticket_id>", methods=["GET", "POST"])
def ticket(ticket_id: uuid.UUID):
    if request.method == "POST":
        rpc("reply_ticket", ticket_id=str(ticket_id), body=request.form.get("body", ""))
        return redirect(url_for("portal.ticket", ticket_id=ticket_id), 303)
    found = rows("tickets", id=f"eq.{ticket_id}", select="id,subject,category,status,created_at")
    if not found:
        return render("notice.html", 404, title=g.say("not_found"), message=g.say("no_such_ticket"))
    messages = rows("ticket_messages", ticket_id=f"eq.{ticket_id}", select="author_role,body,created_at",
                    order="created_at")
    return render("ticket.html", ticket=found[0], messages=messages)


@blueprint.route("/profile", methods=["GET", "POST"])
def profile():
    if request.method == "POST":
        changes = {name: request.form.get(name, "").strip() or None for name in PROFILE_FIELDS}
        changes["locale"] = request.form.get("locale") or None
        api("PATCH", f"/customers?id=eq.{g.customer['id']}", changes)
        return redirect(url_for("portal.profile", saved=1), 303)
    preferences = rows("message_preferences", select="kind,channel,enabled,mandatory",
                       kind=f"in.({','.join(MESSAGE_KINDS)})", order="kind,channel")
    # A language keeps the customer's country for the formats (en_ZA, de_DE): internal.check_locale's forms.
    region = f"_{g.customer['country']}" if g.customer["country"] else ""
    return render("profile.html", fields=PROFILE_FIELDS, preferences=preferences, saved="saved" in request.args,
                  languages=[(f"en{region}", "en", "English"), (f"de{region}", "de", "Deutsch")])


@blueprint.post("/preferences")
def preferences():
    chosen = set(request.form.getlist("on"))
    for row in rows("message_preferences", select="kind,channel,enabled,mandatory", kind=f"in.({','.join(MESSAGE_KINDS)})"):
        wanted = f"{row['kind']}:{row['channel']}" in chosen
        if not (row["mandatory"] and row["channel"] == "email") and wanted != row["enabled"]:
            rpc("set_message_preference", kind=row["kind"], channel=row["channel"], enabled=wanted)
    return redirect(url_for("portal.profile", saved=1), 303)


@blueprint.get("/export")
def export():
    """Download my data: customer_data_export, as the login's token reads it."""
    document = rpc("customer_data_export")
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="kassa-{g.customer["account_number"]}.json"'})
