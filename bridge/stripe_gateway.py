"""Stripe through the official library, pointed at KASSA_STRIPE_API_BASE (the local stand-in
in local mode, api.stripe.com with a real key). Idempotency keys make every call safe to repeat.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping

import stripe


def environment() -> Mapping[str, str]:
    """The KASSA_* variables every stack process gets; from the home's settings otherwise (CLI)."""
    if "KASSA_STRIPE_API_BASE" in os.environ:
        return os.environ
    from kassa import config
    return config.load().environment()


def configure(env: Mapping[str, str] | None = None) -> None:
    env = env or environment()
    stripe.api_key = env["KASSA_STRIPE_SECRET_KEY"]
    stripe.api_base = env["KASSA_STRIPE_API_BASE"]


def as_dict(obj: stripe.StripeObject) -> dict:
    """A library object as plain JSON data (kept as the raw provider response)."""
    return json.loads(str(obj))


def create_checkout(payment: dict, request_id: str, success_url: str, cancel_url: str) -> stripe.checkout.Session:
    """The hosted page for a pending top-up; a repeat with the same request id is the same session."""
    metadata = {"tenant_id": str(payment["tenant_id"]), "customer_id": str(payment["customer_id"]),
                "payment_id": str(payment["id"])}
    return stripe.checkout.Session.create(
        mode="payment",
        line_items=[{"quantity": 1, "price_data": {"currency": payment["currency"].lower(),
                                                   "unit_amount": payment["amount"],
                                                   "product_data": {"name": "Balance top-up"}}}],
        metadata=metadata, payment_intent_data={"metadata": metadata},
        client_reference_id=str(payment["id"]), success_url=success_url, cancel_url=cancel_url,
        idempotency_key=f"kassa-top-up-{payment['customer_id']}-{request_id}")


def charge_off_session(claim: dict) -> stripe.PaymentIntent:
    """Charges a saved card without the customer present (auto top-up). Raises stripe.CardError."""
    return stripe.PaymentIntent.create(
        amount=claim["amount"], currency=claim["currency"].lower(), customer=claim["card"]["customer"],
        payment_method=claim["card"]["payment_method"], confirm=True, off_session=True,
        metadata={"tenant_id": claim["tenant_id"], "customer_id": claim["customer_id"],
                  "payment_id": claim["payment_id"]},
        idempotency_key=f"kassa-auto-topup-{claim['payment_id']}")
