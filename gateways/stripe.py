"""Stripe through the official library, pointed at the settings' API base (the local stand-in
in local mode, api.stripe.com with a real key). Idempotency keys make every call safe to repeat.
"""
from __future__ import annotations

import hashlib
import json

import stripe

from gateways.stripe_settings import StripeSettings


def configure(settings: StripeSettings) -> None:
    stripe.api_key = settings.secret_key
    stripe.api_base = settings.api_base


def verify_webhook(payload: bytes, signature_header: str, settings: StripeSettings) -> None:
    """Stripe's signature scheme (300 s tolerance); raises stripe.SignatureVerificationError, or
    ValueError for a body that is no text. Only the signature: the library's construct_event also
    builds an Event, and crashes on a signed body that is JSON but no object (`null`)."""
    stripe.WebhookSignature.verify_header(payload.decode(), signature_header, settings.webhook_secret,
                                          tolerance=300)


def idempotency_key(purpose: str, owner: str, request_id: str) -> str:
    """One Stripe idempotency key per client request id. Stripe sends it as an HTTP header
    (Latin-1, at most 255 characters): an id that is not short printable ASCII is replaced by its
    SHA-256, so any id a client sends is still one key (never a failed request)."""
    if not (request_id.isascii() and request_id.isprintable() and len(request_id) <= 150):
        request_id = hashlib.sha256(request_id.encode("utf-8", "surrogatepass")).hexdigest()
    return f"kassa-{purpose}-{owner}-{request_id}"


def as_dict(obj: stripe.StripeObject) -> dict:
    """A library object as plain JSON data (kept as the raw provider response)."""
    return json.loads(str(obj))


def create_checkout(payment: dict, idempotency: str, name: str, success_url: str, cancel_url: str,
                    save_card: bool = False) -> stripe.checkout.Session:
    """The hosted page for a pending payment (a top-up, an invoice through its payment link),
    named `name` on Stripe's page; a repeat with the same idempotency key is the same session.
    save_card: Stripe keeps the card for off-session charges (auto top-up)."""
    metadata = {"tenant_id": str(payment["tenant_id"]), "customer_id": str(payment["customer_id"]),
                "payment_id": str(payment["id"])}
    intent_data = {"metadata": metadata}
    extra = {}
    if save_card:
        metadata = {**metadata, "save_card": "true"}
        intent_data["setup_future_usage"] = "off_session"
        extra["customer_creation"] = "always"
    return stripe.checkout.Session.create(
        mode="payment",
        line_items=[{"quantity": 1, "price_data": {"currency": payment["currency"].lower(),
                                                   "unit_amount": payment["amount"],
                                                   "product_data": {"name": name}}}],
        metadata=metadata, payment_intent_data=intent_data, **extra,
        client_reference_id=str(payment["id"]), success_url=success_url, cancel_url=cancel_url,
        idempotency_key=idempotency)


def saved_card(session: dict) -> dict:
    """The card a completed checkout saved: gateway ids and what may be shown (brand, last four)."""
    intent = stripe.PaymentIntent.retrieve(session["payment_intent"])
    method = stripe.PaymentMethod.retrieve(intent.payment_method)
    return {"customer": intent.customer, "payment_method": method.id, "brand": method.card.brand,
            "last4": method.card.last4, "exp_month": method.card.exp_month, "exp_year": method.card.exp_year}


def off_session_charge_made(claim: dict) -> stripe.PaymentIntent | None:
    """The charge of a claim, if it reached Stripe (found by the payment id in its metadata;
    Stripe's search lags by up to a minute, and in-flight charges are looked for after five)."""
    found = stripe.PaymentIntent.search(query=f"metadata['payment_id']:'{claim['payment_id']}'")
    return found.data[0] if found.data else None


def charge_off_session(claim: dict) -> stripe.PaymentIntent:
    """Charges a saved card without the customer present (auto top-up, auto-pay). Raises stripe.CardError."""
    return stripe.PaymentIntent.create(
        amount=claim["amount"], currency=claim["currency"].lower(), customer=claim["card"]["customer"],
        payment_method=claim["card"]["payment_method"], confirm=True, off_session=True,
        metadata={"tenant_id": claim["tenant_id"], "customer_id": claim["customer_id"],
                  "payment_id": claim["payment_id"]},
        idempotency_key=f"kassa-auto-topup-{claim['payment_id']}")
