"""Web Push messages (RFC 8030) for one browser subscription: the payload encrypted for it
(aes128gcm, RFC 8291, by pywebpush) and signed with the platform's VAPID key (RFC 8292, by
py_vapid). Building the request only: who sends it, and to which address, is the caller's
(bridge/pusher.py connects only to addresses it checked, and follows no redirect).
"""
from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

import py_vapid
from pywebpush import WebPusher

TOKEN_LIFETIME_S = 12 * 3600  # a VAPID token may live 24 hours at most; push services prefer less
GONE = (404, 410)  # the push service no longer knows the subscription: it is removed


@dataclass(frozen=True)
class PushSettings:
    vapid_private_key: str
    subject: str  # who runs the sender, for the push service: mailto: or https: (RFC 8292)

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> PushSettings:
        subject = env.get("KASSA_VAPID_SUBJECT") or "mailto:billing@kassa.invalid"
        if not subject.startswith(("mailto:", "https://")):
            raise ValueError(f"KASSA_VAPID_SUBJECT: {subject!r} is neither a mailto: nor an https: address")
        return cls(env["KASSA_VAPID_PRIVATE_KEY"], subject)


class PushRequest(NamedTuple):
    url: str
    headers: dict[str, str]
    body: bytes


def push_request(endpoint: str, p256dh: str, auth: str, payload: bytes, settings: PushSettings,
                 ttl: int, urgency: str = "normal") -> PushRequest:
    """The POST that hands `payload` to the subscription's push service, to be kept for `ttl`
    seconds while the device is offline."""
    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + TOKEN_LIFETIME_S,
              "sub": settings.subject}
    encrypted = WebPusher({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}).encode(payload)
    headers = {**py_vapid.Vapid02.from_raw(settings.vapid_private_key.encode()).sign(claims),
               "Content-Encoding": "aes128gcm", "TTL": str(ttl), "Urgency": urgency}
    return PushRequest(endpoint, headers, encrypted["body"])
