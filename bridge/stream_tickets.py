"""Stream tickets: how a browser opens the live balance stream (bridge/sse.py) without an API token
in its URL. EventSource sends no Authorization header, and a URL ends up in logs and histories;
so the portal (bridge/portal.py) hands the page a ticket instead: a JWT of another audience
(PostgREST and every bridge endpoint refuse it), naming the customer, valid TICKET_TTL_S to be
redeemed, once, for one stream. The stream then lasts as long as the access token the ticket
was made from (`stream_exp`), at most 15 minutes; the page asks for a new ticket when it ends.

Single use is kept by the SSE gateway, which remembers the ids of the tickets it redeemed until
they expire (`Redeemed`): the stack runs one gateway process. A ticket is signed with the
current API key (KASSA_JWT_KEYS), so `kassa jwt-key rotate` covers it too.
"""
from __future__ import annotations

import time
import uuid

import jwt

from bridge.claims import AUDIENCE, Refused, decode, sign, signing_secret

TICKET_AUDIENCE = "kassa-stream-ticket"
TICKET_TTL_S = 30


def issue(claims: dict, key_set_json: str) -> str:
    """A ticket for a stream of the customer of these (verified) API token claims."""
    now = int(time.time())
    ticket = {"role": claims["role"], "tenant_id": claims["tenant_id"], "customer_id": claims["customer_id"],
              "sub": claims.get("sub"), "aud": TICKET_AUDIENCE, "jti": str(uuid.uuid4()), "iat": now,
              "exp": now + TICKET_TTL_S, "stream_exp": claims["exp"]}
    return sign(ticket, signing_secret(key_set_json))


class Redeemed:
    """The ids of the tickets redeemed and not yet expired (one gateway process's memory)."""

    def __init__(self) -> None:
        self.until: dict[str, float] = {}

    def redeem(self, ticket: str, key_set_json: str, now: float | None = None) -> dict:
        """The API token claims the stream runs under; raises Refused (401 P0B61) for a ticket
        that is not one, expired, or used before."""
        now = now or time.time()
        try:
            claims = decode(ticket, key_set_json, TICKET_AUDIENCE)
            if not isinstance(claims.get("jti"), str) or not isinstance(claims.get("stream_exp"), int):
                raise jwt.InvalidTokenError("a stream ticket has a jti and a stream_exp")
        except jwt.PyJWTError as error:
            raise Refused(401, "P0B61", "not a valid stream ticket (or it has expired)", str(error),
                          "Ask the portal for a new one: POST /portal/stream-ticket.")
        self.until = {jti: until for jti, until in self.until.items() if until > now}
        if claims["jti"] in self.until:
            raise Refused(401, "P0B61", "this stream ticket was used already", None,
                          "Ask the portal for a new one: POST /portal/stream-ticket.")
        self.until[claims["jti"]] = claims["exp"] + 1
        return {"role": claims["role"], "tenant_id": claims["tenant_id"], "customer_id": claims["customer_id"],
                "sub": claims["sub"], "aud": AUDIENCE, "exp": claims["stream_exp"]}

