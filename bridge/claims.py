"""The one door of the bridge and the SSE gateway: who calls, held to the rules PostgREST holds
its requests to.

An API token is an HS256 JWT with the audience `kassa-api` and an expiry (tokens signed for other
purposes, such as password-reset links, carry another audience and are refused here); its role
must be one the endpoint serves; then internal.check_claims, the function PostgREST's request
check calls, holds it to the rest (at most 24 hours of life, tenant active, customer of that
tenant and not closed). `verified` is the first half, the same for both processes; each runs
the check with its own database driver and turns a refusal into `Refused`.

Tokens are checked against a key set (a JSON Web Key Set of HS256 secrets, KASSA_JWT_KEYS,
the same set PostgREST gets as `jwt-secret`): the current key, which signs, and the previous
keys still in their overlap after `kassa jwt-key rotate` (docs/security.md).

Answers (PostgREST's error shape): 401 P0B08 no valid API token; 403 P0B09 the token's role may
not use the endpoint; 403 P0B10 the request check refused it (message says why).
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection
from functools import lru_cache

import jwt

AUDIENCE = "kassa-api"
MAX_LIFETIME_S = 24 * 3600  # also in internal.check_claims (db/functions/010_request.sql)
CHECK_CLAIMS = "internal.check_claims"  # (claims json, role text): raises insufficient_privilege


class Refused(Exception):
    """The caller may not pass: an HTTP status and the error shape's fields."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details, self.hint = status, code, message, details, hint

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "details": self.details, "hint": self.hint}


def bearer_token(authorization: str) -> str:
    return authorization.removeprefix("Bearer ").strip()


def key_id(secret: str) -> str:
    """The `kid` of a secret: a digest of it, so a secret has the same kid wherever it is used."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def key_set(secrets: list[str]) -> str:
    """The JSON Web Key Set of HS256 secrets, the current (signing) one first."""
    return json.dumps({"keys": [
        {"kty": "oct", "alg": "HS256", "kid": key_id(secret),
         "k": base64.urlsafe_b64encode(secret.encode()).rstrip(b"=").decode()} for secret in secrets]})


@lru_cache(maxsize=4)
def _keys(key_set_json: str) -> dict[str, bytes]:
    return {key.key_id: key.key for key in jwt.PyJWKSet.from_json(key_set_json).keys}


def sign(claims: dict, secret: str | bytes) -> str:
    """A token of these claims, signed with `secret`, its `kid` in the header."""
    kid = key_id(secret if isinstance(secret, str) else secret.decode())
    return jwt.encode(claims, secret, algorithm="HS256", headers={"kid": kid})


def signing_secret(key_set_json: str) -> bytes:
    """The current key of a key set (the first): the one new tokens are signed with."""
    return next(iter(_keys(key_set_json).values()))


def decode(token: str, key_set_json: str, audience: str = AUDIENCE) -> dict:
    """The verified claims (of an API token, or of another `audience`: bridge/stream_tickets.py);
    raises jwt.PyJWTError for a bad signature, audience or expiry, or a
    `kid` not in the set. A token with a `kid` is checked against that key only; one without
    (signed before tokens carried one) against each key of the set, as PostgREST does."""
    keys = _keys(key_set_json)
    kid = jwt.get_unverified_header(token).get("kid")
    if kid is not None and kid not in keys:
        raise jwt.InvalidTokenError(f"the token's key {kid!r} is not (or no longer) accepted")
    error: jwt.PyJWTError = jwt.InvalidSignatureError("no key")
    for secret in [keys[kid]] if kid is not None else keys.values():
        try:
            return jwt.decode(token, secret, algorithms=["HS256"], audience=audience,
                              options={"require": ["exp", "aud"]})
        except jwt.InvalidSignatureError as bad_signature:
            error = bad_signature
    raise error


def verified(token: str, key_set_json: str, roles: Collection[str]) -> dict:
    """The claims of a valid API token of one of `roles`; raises Refused (401 or 403)."""
    try:
        claims = decode(token, key_set_json)
    except jwt.PyJWTError as error:
        raise Refused(401, "P0B08", "a valid API token is required", str(error),
                      "Send `Authorization: Bearer <token>`; issue tokens with `kassa token`.")
    if claims.get("role") not in roles:
        raise Refused(403, "P0B09", f"this endpoint needs a {' or '.join(sorted(roles))} token",
                      f"the token's role is {claims.get('role')!r}")
    return claims


def check_refused(message: str, details: str | None, hint: str | None) -> Refused:
    """internal.check_claims refused the token (its insufficient_privilege error's fields)."""
    return Refused(403, "P0B10", message, details, hint)
