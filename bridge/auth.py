"""Who calls a bridge endpoint: the same HS256 Kassa JWT PostgREST accepts, held to the same
rules (internal.check_claims: tenant active, customer of that tenant and not closed)."""
from __future__ import annotations

import os

import jwt
import psycopg
from flask import abort, jsonify, request
from psycopg.types.json import Json

from bridge import claims as api_tokens
from bridge.db import pool


def caller(role: str) -> dict:
    """The claims of the request's token, or a 401 answer when it is not a valid `role` token."""
    header = request.headers.get("Authorization", "")
    try:
        claims = api_tokens.decode(header.removeprefix("Bearer "), os.environ["KASSA_JWT_KEYS"])
        if claims.get("role") != role:
            raise PermissionError
        with pool().connection() as conn:
            conn.execute("SELECT internal.check_claims(%s, %s)", [Json(claims), role])
    except (jwt.PyJWTError, PermissionError, psycopg.errors.InsufficientPrivilege):
        refusal = jsonify(code="401", message=f"a valid {role} token is required")
        refusal.status_code = 401
        abort(refusal)
    return claims
