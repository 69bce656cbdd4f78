"""The settings of the bridge processes (web and SSE), read from the environment once, at process
start (`Config.from_environment()`), and passed to the app factories (bridge.web.create_app,
bridge.sse.make_app). kassa/config.py, the CLI, is what sets these variables for the stack."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app

from gateways import vapid
from gateways.netcash import NetcashSettings
from gateways.octo import OctoSettings
from gateways.stripe_settings import StripeSettings


@dataclass(frozen=True)
class PayLimits:
    """The payment pages' rate limits (bridge/pay.py), requests a minute."""
    page_views_per_address: int = 30
    unknown_tokens_per_address: int = 10
    views_per_token: int = 20


@dataclass(frozen=True)
class Config:
    worker_database_url: str
    jwt_keys: str  # the key set tokens are checked against (bridge/claims.py)
    payment_method_key: str
    public_url: str  # the bridge's own address, for the default return pages of a top-up
    sse_url: str
    stripe: StripeSettings
    octo: OctoSettings
    netcash: NetcashSettings
    rate_limit: int  # requests per client address and minute; 0: no limit
    pay_limits: PayLimits  # the payment pages' own limits (bridge/pay.py)
    vapid_public_key: str  # what browsers subscribe to web push with (GET /push/key)
    unsubscribe_key: str  # signs and checks the unsubscribe links of mail (bridge/unsubscribe.py)
    postgrest_url: str  # the API, which decides what a token may see of documents (bridge/downloads.py)
    documents_url: str  # the document worker (bridge/document_worker.py)
    document_link_key: str  # signs document download links and render requests (bridge/document_links.py)
    login_link_key: str  # the tokens of the links login mails carry derive from it (bridge/login_links.py)
    oidc_allow_private: bool  # a sign-on provider's keys at a private address, over http (a local one, in tests)
    portal_key: str  # encrypts the portal's session cookies (bridge/portal_session.py)

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> Config:
        return cls(worker_database_url=env["KASSA_WORKER_DATABASE_URL"], jwt_keys=env["KASSA_JWT_KEYS"],
                   payment_method_key=env.get("KASSA_PAYMENT_METHOD_KEY", ""),
                   public_url=env.get("KASSA_BRIDGE_URL", ""), sse_url=env.get("KASSA_SSE_URL", ""),
                   stripe=StripeSettings.from_environment(env), octo=OctoSettings.from_environment(env),
                   netcash=NetcashSettings.from_environment(env),
                   rate_limit=int(env.get("KASSA_BRIDGE_RATE_LIMIT", "300")),
                   pay_limits=PayLimits(*(int(env.get(name, default)) for name, default in (
                       ("KASSA_PAY_PAGE_VIEWS_PER_MINUTE", PayLimits.page_views_per_address),
                       ("KASSA_PAY_UNKNOWN_TOKENS_PER_MINUTE", PayLimits.unknown_tokens_per_address),
                       ("KASSA_PAY_TOKEN_VIEWS_PER_MINUTE", PayLimits.views_per_token)))),
                   vapid_public_key=vapid.public_key(env["KASSA_VAPID_PRIVATE_KEY"]),
                   unsubscribe_key=env["KASSA_UNSUBSCRIBE_KEY"], postgrest_url=env.get("KASSA_POSTGREST_URL", ""),
                   documents_url=env.get("KASSA_DOCUMENTS_URL", ""), document_link_key=env["KASSA_DOCUMENT_LINK_KEY"],
                   login_link_key=env["KASSA_LOGIN_LINK_KEY"],
                   oidc_allow_private=env.get("KASSA_OIDC_ALLOW_PRIVATE", "") == "1",
                   portal_key=env["KASSA_PORTAL_KEY"])


def current() -> Config:
    """The configuration of the app answering this request."""
    return current_app.extensions["kassa"]
