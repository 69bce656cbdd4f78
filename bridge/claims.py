"""What makes a token a Kassa API token, for the bridge and the SSE gateway alike.

An API token is an HS256 JWT with the audience `kassa-api` and an expiry at most 24 hours
ahead (tokens signed for other purposes, such as password-reset links, carry another audience
and are refused here). internal.check_claims holds PostgREST's requests to the same rules, and
then checks tenant and customer; the bridge and the gateway call it after `decode`.

Tokens are checked against a key set (a JSON Web Key Set of HS256 secrets, KASSA_JWT_KEYS,
the same set PostgREST gets as `jwt-secret`): the current key, which signs, and the previous
keys still in their overlap after `kassa jwt-key rotate` (docs/security.md).
"""
from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache

import jwt

AUDIENCE = "kassa-api"
MAX_LIFETIME_S = 24 * 3600  # also in internal.check_claims (db/functions/010_request.sql)


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


def decode(token: str, key_set_json: str) -> dict:
    """The verified claims; raises jwt.PyJWTError for a bad signature, audience or expiry, or a
    `kid` not in the set. A token with a `kid` is checked against that key only; one without
    (signed before tokens carried one) against each key of the set, as PostgREST does."""
    keys = _keys(key_set_json)
    kid = jwt.get_unverified_header(token).get("kid")
    if kid is not None and kid not in keys:
        raise jwt.InvalidTokenError(f"the token's key {kid!r} is not (or no longer) accepted")
    error: jwt.PyJWTError = jwt.InvalidSignatureError("no key")
    for secret in [keys[kid]] if kid is not None else keys.values():
        try:
            return jwt.decode(token, secret, algorithms=["HS256"], audience=AUDIENCE,
                              options={"require": ["exp", "aud"]})
        except jwt.InvalidSignatureError as bad_signature:
            error = bad_signature
    raise error
