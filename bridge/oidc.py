"""Single sign-on with a tenant's OpenID Connect provider (docs/portal.md, "Single sign-on with
OIDC"): POST /auth/oidc with `tenant` (its slug) and the provider's `id_token` answers what
POST /auth/login does, an API token and a refresh token of a new login (bridge/logins.py).

The token's issuer picks the tenant's provider (internal.oidc_provider); its signature is
checked (RS256 or ES256 only) with a key of the provider's JWKS, then its iss, aud, exp and
iat (a leeway of LEEWAY_S for clocks); its `sub` must be linked to an identity of the tenant by
an admin (link_oidc_subject). The provider's second factor stands in for TOTP.

Key sets are fetched under the outbound rules (bridge/outbound.py: no private address unless
KASSA_OIDC_ALLOW_PRIVATE=1, which also allows plain http; no redirect; at most JWKS_MAX_BYTES)
and kept JWKS_TTL_S per process. A `kid` not in the kept set is a rotation: the set is fetched
again at once, though at most once per REFETCH_AFTER_S, so tokens with made-up kids cannot
make the bridge hammer a provider. Answers: 401 P0B60 the ID token is refused, 403 P0B61 its
subject is linked to no identity that can log in, 502 P0B59 the key set cannot be fetched.
"""
from __future__ import annotations

import asyncio
import secrets
import threading
import time
from dataclasses import dataclass

import aiohttp
import jwt
from flask import Blueprint, jsonify, request

from bridge import config, login_links, outbound
from bridge.answers import field, json_object, refuse
from bridge.logins import REFRESH_VALID, one, tokens

blueprint = Blueprint("oidc", __name__, url_prefix="/auth")

ALGORITHMS = ("RS256", "ES256")
LEEWAY_S = 30
JWKS_TTL_S = 600
REFETCH_AFTER_S = 5
JWKS_MAX_BYTES = 64 * 1024
FETCH_TIMEOUT_S = 5


@dataclass(frozen=True)
class KeySet:
    fetched_at: float  # time.monotonic()
    keys: dict[str | None, jwt.PyJWK]


KEY_SETS: dict[str, KeySet] = {}
KEY_SETS_LOCK = threading.Lock()


class Unreachable(Exception):
    """The provider's key set could not be fetched or read."""


async def download(url: str, allow_private: bool) -> bytes:
    outbound.refuse_address_literal(url, allow_private)
    async with outbound.session(allow_private, FETCH_TIMEOUT_S, "Kassa-OIDC/1", connections=2) as session:
        async with session.get(url, allow_redirects=False) as response:
            if response.status != 200:
                raise Unreachable(f"{url} answered HTTP {response.status}")
            body = await response.content.read(JWKS_MAX_BYTES + 1)
    if len(body) > JWKS_MAX_BYTES:
        raise Unreachable(f"{url} answered more than {JWKS_MAX_BYTES} bytes")
    return body


def fetch(url: str) -> KeySet:
    allow_private = config.current().oidc_allow_private
    if not (url.startswith("https://") or allow_private):
        raise Unreachable(f"{url} is not https")
    try:
        key_set = jwt.PyJWKSet.from_json(asyncio.run(download(url, allow_private)).decode())
    except (aiohttp.ClientError, asyncio.TimeoutError, outbound.RefusedAddress, jwt.PyJWKSetError, UnicodeDecodeError,
            ValueError) as error:
        raise Unreachable(f"{url}: {error}") from error
    return KeySet(time.monotonic(), {key.key_id: key for key in key_set.keys
                                     if key.algorithm_name in ALGORITHMS and key.public_key_use in (None, "sig")})


def signing_key(url: str, kid: str | None) -> jwt.PyJWK | None:
    """The provider's key of this kid (one without a kid: the set's only key), fetching the set
    when none is kept, when it is old, or when it lacks the kid (a rotation)."""
    with KEY_SETS_LOCK:
        kept = KEY_SETS.get(url)
    age = time.monotonic() - kept.fetched_at if kept else None
    if kept is None or age > JWKS_TTL_S or (kid not in kept.keys and age >= REFETCH_AFTER_S):
        kept = fetch(url)
        with KEY_SETS_LOCK:
            KEY_SETS[url] = kept
    if kid is None and len(kept.keys) == 1:
        return next(iter(kept.keys.values()))
    return kept.keys.get(kid)


def token_refused(why: str):
    refuse(401, "P0B60", "the ID token is refused", why,
           "Send a fresh ID token of a provider the tenant configured (GET /oidc_providers).")


def verified_claims(slug: str, id_token: str) -> tuple[dict, dict]:
    """The tenant's provider of the token's issuer, and the token's verified claims."""
    try:
        header = jwt.get_unverified_header(id_token)
        issuer = jwt.decode(id_token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError as error:
        token_refused(str(error))
    provider = isinstance(issuer, str) and one("SELECT * FROM internal.oidc_provider(%s, %s)", [slug, issuer])
    if not provider:
        token_refused(f"no provider of tenant {slug!r} has the issuer {issuer!r}")
    if header.get("alg") not in ALGORITHMS:
        token_refused(f"the algorithm {header.get('alg')!r} is not one of {', '.join(ALGORITHMS)}")
    try:
        key = signing_key(provider["jwks_url"], header.get("kid"))
    except Unreachable as error:
        refuse(502, "P0B59", "the provider's keys cannot be fetched", str(error), "Try again later.")
    if key is None:
        token_refused(f"the provider has no key {header.get('kid')!r}")
    try:
        return provider, jwt.decode(id_token, key.key, algorithms=[key.algorithm_name], audience=provider["audience"],
                                    issuer=issuer, leeway=LEEWAY_S,
                                    options={"require": ["iss", "aud", "exp", "iat", "sub"]})
    except jwt.PyJWTError as error:
        token_refused(str(error))


@blueprint.post("/oidc")
def sign_on():
    body = json_object()
    slug, id_token = field(body, "tenant", str), field(body, "id_token", str)
    provider, claims = verified_claims(slug, id_token)
    subject = one("SELECT * FROM internal.oidc_subject(%s, %s, %s)",
                  [provider["tenant_id"], provider["provider_id"], str(claims["sub"])])
    if not subject:
        refuse(403, "P0B61", "this subject is linked to no login of the tenant",
               f"sub {claims['sub']!r}", "An admin links it to an identity (link_oidc_subject).")
    refresh_token = secrets.token_urlsafe(32)
    family = one("SELECT internal.start_login(%s, %s, %s, %s, %s, NULL) AS family",
                 [subject["tenant_id"], subject["identity_id"], login_links.digest(refresh_token),
                  request.headers.get("User-Agent"), REFRESH_VALID])["family"]
    return jsonify(tokens(subject, family, refresh_token))
