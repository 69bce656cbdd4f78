"""What makes a token a Kassa API token, for the bridge and the SSE gateway alike.

An API token is an HS256 JWT with the audience `kassa-api` and an expiry at most 24 hours
ahead (tokens signed for other purposes, such as password-reset links, carry another audience
and are refused here). internal.check_claims holds PostgREST's requests to the same rules, and
then checks tenant and customer; the bridge and the gateway call it after `decode`.
"""
from __future__ import annotations

import jwt

AUDIENCE = "kassa-api"
MAX_LIFETIME_S = 24 * 3600  # also in internal.check_claims (db/functions/010_request.sql)


def decode(token: str, secret: str) -> dict:
    """The verified claims; raises jwt.PyJWTError for a bad signature, audience or expiry."""
    return jwt.decode(token, secret, algorithms=["HS256"], audience=AUDIENCE,
                      options={"require": ["exp", "aud"]})
