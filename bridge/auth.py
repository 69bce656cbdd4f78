"""Who calls a bridge endpoint: the same HS256 Kassa JWT PostgREST accepts, held to the same
rules (internal.check_claims: tenant active, customer of that tenant and not closed)."""
from __future__ import annotations

import os

import jwt
import psycopg
from flask import request
from psycopg.types.json import Json

from bridge.db import pool


def caller(role: str) -> dict | None:
    """The token's claims if it is a valid token of `role` for a tenant (and, for customers, a customer)."""
    header = request.headers.get("Authorization", "")
    try:
        claims = jwt.decode(header.removeprefix("Bearer "), os.environ["KASSA_JWT_SECRET"], algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if claims.get("role") != role:
        return None
    try:
        with pool().connection() as conn:
            conn.execute("SELECT internal.check_claims(%s, %s)", [Json(claims), role])
    except psycopg.errors.InsufficientPrivilege:
        return None
    return claims
