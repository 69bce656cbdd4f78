"""Where Stripe is and the keys to it, apart from the client (gateways/stripe.py): a process that
only passes the settings on, say `kassa jobs run invoice-run`, does not pay for importing the
`stripe` library (about a second)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class StripeSettings:
    secret_key: str
    api_base: str
    webhook_secret: str

    @property
    def checkout_origin(self) -> str:
        """Where Stripe's hosted payment pages are: checkout.stripe.com, or the local stand-in."""
        return "https://checkout.stripe.com" if self.api_base == "https://api.stripe.com" else self.api_base

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> StripeSettings:
        """From the KASSA_STRIPE_* variables every stack process gets (kassa/config.py names them)."""
        return cls(env["KASSA_STRIPE_SECRET_KEY"], env["KASSA_STRIPE_API_BASE"], env["KASSA_STRIPE_WEBHOOK_SECRET"])
