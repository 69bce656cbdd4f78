"""Signed JWTs for PostgREST and the bridges (HS256 with the signing key's `kid` in the header;
the claims are listed in docs/api.md, "Authentication and tokens")."""
from __future__ import annotations

import time
import uuid

from bridge.claims import AUDIENCE, MAX_LIFETIME_S, sign

ROLES = ("customer", "staff")


def make_token(secret: str, role: str, tenant: str, customer: str | None = None, ttl: int = 3600,
               sub: str | None = None, staff_user: tuple[str, str] | None = None) -> str:
    """A token; `staff_user` (id, role) makes a staff token of that staff user (docs/api.md, "Staff roles")."""
    if not 0 < ttl <= MAX_LIFETIME_S:
        raise ValueError(f"--ttl must be between 1 and {MAX_LIFETIME_S} seconds (API tokens live at most 24 hours)")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    tenant = str(uuid.UUID(str(tenant)))
    claims = {"role": role, "tenant_id": tenant, "sub": sub or f"kassa-cli:{role}",
              "aud": AUDIENCE,
              "iat": int(time.time()), "exp": int(time.time()) + ttl}
    if role == "customer":
        if not customer:
            raise ValueError("a customer token needs --customer")
        claims["customer_id"] = str(uuid.UUID(str(customer)))
        claims["sub"] = sub or f"customer:{claims['customer_id']}"
    elif customer:
        raise ValueError("only customer tokens carry a customer id")
    if staff_user:
        if role != "staff":
            raise ValueError("only staff tokens name a staff user")
        claims["staff_user_id"], claims["staff_role"] = str(uuid.UUID(str(staff_user[0]))), staff_user[1]
        claims["sub"] = f"staff:{claims['staff_user_id']}"
    return sign(claims, secret)
