"""Who calls a bridge endpoint: the same HS256 Kassa JWT PostgREST accepts."""
from __future__ import annotations

import os

import jwt
from flask import request


def caller(role: str) -> dict | None:
    """The token's claims if it is a valid token of `role` for a tenant (and, for customers, a customer)."""
    header = request.headers.get("Authorization", "")
    try:
        claims = jwt.decode(header.removeprefix("Bearer "), os.environ["KASSA_JWT_SECRET"], algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    wanted = claims.get("role") == role and claims.get("tenant_id") and (
        role != "customer" or claims.get("customer_id"))
    return claims if wanted else None
