"""The public payment pages of payment links (docs/collections.md): no login, the link's token
is the key.

  GET  /pay/<token>                  the invoice (or amount), its amount due now, the gateways
                                     to pay with; paid 200, expired or invalidated 410, unknown 404
  POST /pay/<token>/<gateway>        starts a payment of the amount due now at the gateway (octo,
                                     stripe) and redirects to its hosted page
  GET  /pay/return/<tenant>/<payment> where the gateway sends the customer back: paid, being
                                     confirmed, failed or cancelled (no token in any URL a
                                     gateway is given: it keeps them, and sends them back in events)

An unknown and a malformed token get the same page after the same work (one lookup by the
token's hash). Rate limits, counted in PostgreSQL for every bridge process: page views per
client address, unknown tokens per address (checked before the lookup, so guessing stops at
the limit) and views per token; beyond them 429 with Retry-After.
"""
from __future__ import annotations

import hashlib
import uuid

import psycopg
import stripe
from flask import Blueprint, redirect, render_template, request
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from bridge import config, rate_limit
from bridge.db import acting_as, pool
from bridge.money import in_major_units
from bridge.security import SECURITY_HEADERS
from bridge.texts import LOCALES, Speaker
from gateways import exact_json
from gateways import stripe as stripe_gateway
from gateways.octo import OctoClient, OctoError

blueprint = Blueprint("pay", __name__, template_folder="templates")
GATEWAY_NAMES = {"octo": "OCTO", "stripe": "Stripe"}


def bucket_of(token: str) -> str:
    """A token's rate-limit bucket: its hash, never the token (the counts are in the database)."""
    return "pay-token:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def browser_speaker() -> Speaker:
    return Speaker(request.accept_languages.best_match(LOCALES))


def notice(status: int, say: Speaker, message: str, note: str | None = None, **values):
    return render_template("notice.html", say=say, state=message, message=message, note=note, values=values), status


def too_many(wait: int):
    page, status = notice(429, browser_speaker(), "too_many", seconds=wait)
    return page, status, {"Retry-After": str(wait)}


def refused_by_limits(token: str):
    """The 429 page when a limit is reached, else None. Each call counts one view."""
    limits = config.current().pay_limits
    with pool().connection() as conn:
        (wait,) = conn.execute("SELECT internal.count_page_view(%s, %s, %s, %s, %s)",
                               [request.remote_addr, bucket_of(token), limits.page_views_per_address,
                                limits.unknown_tokens_per_address, limits.views_per_token]).fetchone()
    return too_many(wait) if wait else None


def as_text(token: str) -> str:
    """A token as the database takes it: a NUL byte, which no text holds (and no token has),
    becomes another character, so such a token is unknown like any other."""
    return token.replace("\x00", "\ufffd")


def resolve(token: str) -> dict:
    with pool().connection() as conn:
        return conn.cursor(row_factory=dict_row).execute("SELECT * FROM internal.payment_page(%s)",
                                                         [as_text(token)]).fetchone()


def link_page(token: str, link: dict, outcome: str | None = None):
    say = Speaker(link["locale"])
    if link["state"] == "unknown":
        wait = rate_limit.wait_for(f"pay-unknown:{request.remote_addr}", config.current().pay_limits.unknown_tokens_per_address)
        return too_many(wait) if wait else notice(404, browser_speaker(), "unknown", "check_link")
    status = 410 if link["state"] in ("expired", "invalidated") else 200
    page = render_template("link.html", say=say, state=link["state"], link=link, token=token, outcome=outcome,
                           gateway_names=GATEWAY_NAMES)
    # The pay buttons post here and are redirected to the gateway's page, which the form-action
    # rule of the page must allow.
    settings = config.current()
    hosted_pages = {"octo": settings.octo.payment_page_origins, "stripe": settings.stripe.checkout_origin}
    gateway_origins = " ".join(hosted_pages[gateway] for gateway in link["gateways"])
    return page, status, {"Content-Security-Policy": SECURITY_HEADERS["Content-Security-Policy"].replace(
        "form-action 'self'", f"form-action 'self' {gateway_origins}")}


@blueprint.get("/pay/<token>")
def show(token: str):
    return refused_by_limits(token) or link_page(token, resolve(token))


@blueprint.get("/pay/return/<uuid:tenant_id>/<uuid:payment_id>")
def returned(tenant_id: uuid.UUID, payment_id: uuid.UUID):
    """The customer is back from the gateway: how the payment stands. Named by the payment, not
    the link's token, which would otherwise be kept at the gateway and in what it sends back."""
    limits = config.current().pay_limits
    if wait := rate_limit.wait_for(f"pay-address:{request.remote_addr}", limits.page_views_per_address):
        return too_many(wait)
    with pool().connection() as conn:
        back = conn.cursor(row_factory=dict_row).execute("SELECT * FROM internal.payment_return(%s, %s)",
                                                         [tenant_id, payment_id]).fetchone()
    if back is None:
        return notice(404, browser_speaker(), "unknown", "check_link")
    outcome = back["outcome"]
    if outcome == "success" and request.args.get("gateway") == "cancelled":  # Stripe's cancel URL
        outcome = "cancelled"
    return render_template("returned.html", say=Speaker(back["locale"]), state=back["state"], back=back,
                           outcome=outcome)


def return_url(payment: dict) -> str:
    return f"{config.current().public_url}/pay/return/{payment['tenant_id']}/{payment['id']}"


@blueprint.post("/pay/<token>/<any(octo, stripe):gateway>")
def start(token: str, gateway: str):
    if refused := refused_by_limits(token):
        return refused
    link = resolve(token)
    try:
        with pool().connection() as conn, acting_as(conn, f"page:payment-link:{link['link_id']}"):
            payment = conn.cursor(row_factory=dict_row).execute(
                "SELECT * FROM internal.begin_link_payment(%s, %s)", [as_text(token), gateway]).fetchone()
    except psycopg.Error as error:
        code = error.sqlstate or ""
        if code.startswith("P0H") or code == "P0E04":  # not payable (any more), or not so: the page says why
            return link_page(token, link)
        if code.startswith("P0"):  # a rule of the payment itself (a top-up limit changed since the link)
            return link_page(token, link, "failure")
        raise
    if not payment["checkout_url"]:
        try:
            payment = attach(link, payment, *STARTS[gateway](link, payment))
        except (OctoError, stripe.StripeError, OSError):
            return link_page(token, link, "failure")
    return redirect(payment["checkout_url"], 303)


def description(link: dict) -> str:
    """What the gateway's page says the payment is for."""
    if link["invoice_number"]:
        return Speaker(link["locale"])("invoice", number=link["invoice_number"])
    return Speaker(link["locale"])("payment_to", tenant=link["tenant_name"])


def attach(link: dict, payment: dict, session_id: str, url: str, raw: dict) -> dict:
    """The gateway's session of the pending payment (the same one again for the same payment)."""
    with pool().connection() as conn, acting_as(conn, f"page:payment-link:{link['link_id']}"):
        return conn.cursor(row_factory=dict_row).execute(
            "SELECT * FROM internal.attach_checkout(%s, %s, %s, %s, %s)",
            [payment["tenant_id"], payment["id"], session_id, url, Jsonb(raw, dumps=exact_json.dumps)]).fetchone()


def start_at_octo(link: dict, payment: dict) -> tuple[str, str, dict]:
    """OCTO's payment for our pending one (the same one again for the same payment id). OCTO's
    page speaks English, Russian and Uzbek: English for every customer here."""
    settings = config.current()
    started = OctoClient(settings.octo).prepare_payment(
        shop_transaction_id=str(payment["id"]), total_sum=in_major_units(payment["amount"], link["minor_units"]),
        currency=payment["currency"], description=description(link),
        return_url=return_url(payment), notify_url=f"{settings.public_url}/webhooks/octo",
        language="en", auto_capture=True)
    return started.uuid, started.pay_url, started.raw


def start_at_stripe(link: dict, payment: dict) -> tuple[str, str, dict]:
    """A Stripe Checkout session for our pending payment (one per payment: its id is the
    idempotency key); its webhook completes the payment (bridge/webhooks.py)."""
    settings = config.current()
    stripe_gateway.configure(settings.stripe)
    session = stripe_gateway.create_checkout(
        payment, stripe_gateway.idempotency_key("link-payment", payment["customer_id"], str(payment["id"])),
        description(link), return_url(payment), return_url(payment) + "?gateway=cancelled")
    return session.id, session.url, stripe_gateway.as_dict(session)


STARTS = {"octo": start_at_octo, "stripe": start_at_stripe}
