"""Stream tickets: how a browser opens the live balance stream (bridge/sse.py) without an API token
in its URL. EventSource sends no Authorization header, and a URL ends up in logs and histories;
so the portal (bridge/portal.py) hands the page a ticket instead: a JWT of another audience
(PostgREST and every bridge endpoint refuse it), naming the customer, valid TICKET_TTL_S, to be
redeemed once for one stream. The stream then lasts as long as the access token the ticket was
made from (`stream_exp`), at most 15 minutes; the page asks for a new ticket when it ends.

The gateway redeems a ticket in the database (internal.redeem_stream_ticket, which keeps its id
until it has expired), so a ticket opens one stream whichever gateway process it reaches. A
ticket is signed with the current API key (KASSA_JWT_KEYS): `kassa jwt-key rotate` covers it.
"""
from __future__ import annotations

import time
import uuid

import jwt

from bridge.claims import AUDIENCE, Refused, decode, sign, signing_secret

TICKET_AUDIENCE = "kassa-stream-ticket"
TICKET_TTL_S = 30
NEW_TICKET = "Ask the portal for a new one: POST /portal/stream-ticket."


def issue(claims: dict, key_set_json: str) -> str:
    """A ticket for a stream of the customer of these (verified) API token claims."""
    now = int(time.time())
    ticket = {"role": claims["role"], "tenant_id": claims["tenant_id"], "customer_id": claims["customer_id"],
              "sub": claims.get("sub"), "aud": TICKET_AUDIENCE, "jti": str(uuid.uuid4()), "iat": now,
              "exp": now + TICKET_TTL_S, "stream_exp": claims["exp"]}
    return sign(ticket, signing_secret(key_set_json))


def verified(ticket: str, key_set_json: str) -> dict:
    """The ticket's claims; raises Refused (401 P0B63) for one that is not ours, or has expired."""
    try:
        claims = decode(ticket, key_set_json, TICKET_AUDIENCE)
        uuid.UUID(str(claims.get("jti"))), uuid.UUID(str(claims.get("tenant_id")))
        if not isinstance(claims.get("stream_exp"), int):
            raise jwt.InvalidTokenError("a stream ticket has a stream_exp")
    except (jwt.PyJWTError, ValueError) as error:
        raise Refused(401, "P0B63", "not a valid stream ticket (or it has expired)", str(error), NEW_TICKET)
    return claims


def used_already() -> Refused:
    return Refused(401, "P0B63", "this stream ticket was used already", None, NEW_TICKET)


def stream_claims(ticket: dict) -> dict:
    """The API token claims the ticket's stream runs under (held to internal.check_claims too)."""
    return {"role": ticket["role"], "tenant_id": ticket["tenant_id"], "customer_id": ticket["customer_id"],
            "sub": ticket["sub"], "aud": AUDIENCE, "exp": ticket["stream_exp"]}
