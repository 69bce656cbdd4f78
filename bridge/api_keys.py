"""API keys for systems (docs/portal.md, "API keys"): POST /auth/api-key exchanges a key, sent as
`X-Api-Key: kassa_<id>_<secret>`, for an API token of at most ACCESS_TTL_S (never past the
key's own expiry): `sub` `api-key:<id>`, the claim `api_key_id`, and the key's role (a staff
token with its `staff_role`, or a customer token of its customer). internal.check_claims holds
each such token to the key's row, so revoking a key ends its tokens at their next request.
Only the SHA-256 of a key reaches the database. Every refusal is 401 P0B58, alike for a
malformed, unknown, revoked or expired key."""
from __future__ import annotations

import re
import time
import uuid

from flask import Blueprint, jsonify, request

from bridge import config, login_links
from bridge.answers import json_object, refuse
from bridge.claims import AUDIENCE, sign, signing_secret
from bridge.logins import ACCESS_TTL_S, one

blueprint = Blueprint("api_keys", __name__, url_prefix="/auth")

KEY = re.compile(r"kassa_([0-9a-f]{32})_[A-Za-z0-9_-]{43}")
REFUSED = {"unknown": "no such API key", "revoked": "the API key was revoked", "expired": "the API key has expired",
           "unusable": "the API key's tenant is not active or its customer is closed"}


def refused(message: str):
    refuse(401, "P0B58", message, hint="Send a valid key as X-Api-Key; an admin makes one with create_api_key.")


@blueprint.post("/api-key")
def exchange():
    if request.get_data():  # none is needed; a body sent is held to the limits of every other
        json_object()
    key = request.headers.get("X-Api-Key", "").strip()
    if not (match := KEY.fullmatch(key)):
        refused("an API key (kassa_<id>_<secret>) is required in the X-Api-Key header")
    row = one("SELECT * FROM internal.use_api_key(%s, %s)", [uuid.UUID(match.group(1)), login_links.digest(key)])
    if row["outcome"] != "ok":
        refused(REFUSED[row["outcome"]])
    now = int(time.time())
    expires = min(now + ACCESS_TTL_S, int(row["expires_at"].timestamp()))
    claims = {"tenant_id": str(row["tenant_id"]), "api_key_id": str(row["id"]), "sub": f"api-key:{row['id']}",
              "aud": AUDIENCE, "iat": now, "exp": expires}
    if row["customer_id"]:
        claims |= {"role": "customer", "customer_id": str(row["customer_id"])}
    else:
        claims |= {"role": "staff", "staff_role": row["staff_role"]}
    return jsonify(access_token=sign(claims, signing_secret(config.current().jwt_keys)), token_type="Bearer",
                   expires_in=expires - now, api_key_id=str(row["id"]))
