"""The one door of the bridge and the SSE gateway: who calls, held to the rules PostgREST holds
its requests to.

An API token is an HS256 JWT with the audience `kassa-api` and an expiry (tokens signed for other
purposes, such as password-reset links, carry another audience and are refused here); its role
must be one the endpoint serves; then internal.check_claims, the function PostgREST's request
check calls, holds it to the rest (at most 24 hours of life, tenant active, customer of that
tenant and not closed). `verified` is the first half, the same for both processes; each runs
the check with its own database driver and turns a refusal into `Refused`.

Answers (PostgREST's error shape): 401 P0B08 no valid API token; 403 P0B09 the token's role may
not use the endpoint; 403 P0B10 the request check refused it (message says why).
"""
from __future__ import annotations

from collections.abc import Collection

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


def decode(token: str, secret: str) -> dict:
    """The verified claims; raises jwt.PyJWTError for a bad signature, audience or expiry."""
    return jwt.decode(token, secret, algorithms=["HS256"], audience=AUDIENCE,
                      options={"require": ["exp", "aud"]})


def verified(token: str, secret: str, roles: Collection[str]) -> dict:
    """The claims of a valid API token of one of `roles`; raises Refused (401 or 403)."""
    try:
        claims = decode(token, secret)
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
