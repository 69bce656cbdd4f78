"""Signed JWTs for PostgREST and the bridges (HS256; the claims are listed in docs/api.md, "Authentication and tokens")."""
from __future__ import annotations

import time
import uuid

import jwt

ROLES = ("customer", "staff")


def make_token(secret: str, role: str, tenant: str, customer: str | None = None, ttl: int = 3600,
               sub: str | None = None) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    tenant = str(uuid.UUID(str(tenant)))
    claims = {"role": role, "tenant_id": tenant, "sub": sub or f"kassa-cli:{role}",
              "iat": int(time.time()), "exp": int(time.time()) + ttl}
    if role == "customer":
        if not customer:
            raise ValueError("a customer token needs --customer")
        claims["customer_id"] = str(uuid.UUID(str(customer)))
        claims["sub"] = sub or f"customer:{claims['customer_id']}"
    elif customer:
        raise ValueError("only customer tokens carry a customer id")
    return jwt.encode(claims, secret, algorithm="HS256")
