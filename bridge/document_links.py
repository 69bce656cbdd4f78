"""Signed document links (docs/documents.md#downloading): a download URL for one document that
carries no bearer token, for e-mail. `?link=` holds the tenant, the document's path (and a
statement's period) and an expiry, signed with HMAC-SHA256 under KASSA_DOCUMENT_LINK_KEY
(itsdangerous); a link altered in any part, or for another document, does not verify.

The same key signs the bridge's render requests to the document worker (another salt, valid a
minute), so only the bridge has documents rendered.
"""
from __future__ import annotations

import hashlib
import time

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

LINK_SALT, RENDER_SALT = "kassa-document-link", "kassa-document-render"
RENDER_MAX_AGE_S = 60
DEFAULT_LINK_S, MAX_LINK_S = 14 * 86400, 90 * 86400


class Expired(Exception):
    pass


def _links(key: str) -> URLSafeSerializer:
    return URLSafeSerializer(key, salt=LINK_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def _renders(key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=RENDER_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def link_token(key: str, tenant_id: str, document: str, expires_at: int) -> str:
    """`document`: the download's path with its canonical query (bridge/downloads.py)."""
    return _links(key).dumps({"t": tenant_id, "d": document, "e": expires_at})


def tenant_of_link(key: str, token: str, document: str, now: float | None = None) -> str | None:
    """The tenant a valid link for `document` names; None for a link not ours, altered or for
    another document; Expired past its expiry."""
    try:
        signed = _links(key).loads(token)
    except BadSignature:
        return None
    if not isinstance(signed, dict) or signed.get("d") != document:
        return None
    if signed.get("e", 0) <= (now or time.time()):
        raise Expired(signed.get("e"))
    return signed.get("t")


def render_request(key: str, job: dict) -> str:
    return _renders(key).dumps(job)


def render_job(key: str, request: str) -> dict | None:
    """The job of a render request the bridge signed in the last minute; None otherwise."""
    try:
        return _renders(key).loads(request, max_age=RENDER_MAX_AGE_S)
    except (BadSignature, SignatureExpired):
        return None
