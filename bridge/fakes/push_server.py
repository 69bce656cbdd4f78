"""A local stand-in for a Web Push service (the browser's side of RFC 8030), with the browser
in it: it makes subscriptions, receives pushes and decrypts them, for tests and local trials.

Speaks the push protocol as Mozilla's and Google's services do:

  POST /push/<token>   a push message: `TTL` header required (400 without), the body encrypted
                       with `Content-Encoding: aes128gcm` (RFC 8188/8291; 415 otherwise),
                       `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292): an ES256 JWT
                       signed by k, `aud` the origin of the endpoint, `exp` within 24 hours, a
                       `sub` (401 otherwise). Answers 201 with a Location; 404 for a token it
                       never made, 410 for one it was told is gone.

The browser's part, for the tests (`/_fake/...`):

  POST /_fake/subscribe  a new subscription: {"endpoint", "keys": {"p256dh", "auth"}}, what a
                         browser's PushManager.subscribe() hands the page
  POST /_fake/gone       {"token"}: the subscription expired; its pushes answer 410
  GET  /_fake/pushes     every push accepted: token, ttl, urgency, the VAPID key, and the
                         decrypted payload (as JSON when it is)

Run: python -m bridge.fakes.push_server --port 8709
"""
from __future__ import annotations

import argparse
import json
import secrets
import time
import uuid

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bridge.fakes.common import FakeHandler, RequestLog, Server, bind
from gateways.vapid import b64url, unb64url

MAX_TOKEN_AGE_S = 24 * 3600  # RFC 8292: a VAPID token's exp at most 24 hours ahead


class FakePushService(RequestLog):
    def __init__(self) -> None:
        super().__init__()
        self.base_url = ""
        self.subscriptions: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}  # token: (browser key, auth)
        self.gone: set[str] = set()
        self.pushes: list[dict] = []

    def subscribe(self) -> dict:
        token, key, auth = secrets.token_urlsafe(16), ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16)
        public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        with self.lock:
            self.subscriptions[token] = (key, auth)
        return {"endpoint": f"{self.base_url}/push/{token}", "keys": {"p256dh": b64url(public), "auth": b64url(auth)}}


def vapid_refusal(authorization: str, audience: str) -> tuple[str | None, str | None]:
    """(None, the sender's key) for a valid VAPID authorization of this audience, else (the reason, None)."""
    scheme, _, fields = authorization.partition(" ")
    if scheme.lower() != "vapid":
        return "Authorization is not `vapid t=…, k=…`", None
    parts = dict(part.strip().split("=", 1) for part in fields.split(",") if "=" in part)
    if "t" not in parts or "k" not in parts:
        return "the vapid authorization needs t and k", None
    try:
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        claims = jwt.decode(parts["t"], public, algorithms=["ES256"], audience=audience,
                            options={"require": ["aud", "exp", "sub"]})
    except (ValueError, jwt.PyJWTError) as error:
        return f"the vapid token is not valid: {error}", None
    if claims["exp"] > time.time() + MAX_TOKEN_AGE_S:
        return "the vapid token expires more than 24 hours ahead", None
    return None, parts["k"]


class Handler(FakeHandler):
    fake: FakePushService

    def do_GET(self):
        if self.answered_common_get():
            return
        if self.path_only == "/_fake/pushes":
            with self.fake.lock:
                self.send_json(200, list(self.fake.pushes))
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        body = self.read_body()
        if self.path_only == "/_fake/subscribe":
            self.send_json(201, self.fake.subscribe())
        elif self.path_only == "/_fake/gone":
            with self.fake.lock:
                self.fake.gone.add(json.loads(body)["token"])
            self.send_json(200, {"gone": True})
        elif self.path_only.startswith("/push/"):
            self.push(self.path_only.removeprefix("/push/"), body)
        else:
            self.send_json(404, {"error": "not found"})

    def push(self, token: str, body: bytes) -> None:
        self.fake.record("POST", self.path_only, {}, headers=dict(self.headers))
        with self.fake.lock:
            subscription = self.fake.subscriptions.get(token)
            gone = token in self.fake.gone
        if subscription is None:
            return self.send_json(404, {"error": "no such subscription"})
        if gone:
            return self.send_json(410, {"error": "the subscription expired"})
        if not (self.headers.get("TTL") or "").isdigit():
            return self.send_json(400, {"error": "the TTL header is required"})
        if self.headers.get("Content-Encoding") != "aes128gcm":
            return self.send_json(415, {"error": "only aes128gcm is accepted"})
        refusal, sender_key = vapid_refusal(self.headers.get("Authorization") or "", self.fake.base_url)
        if refusal:
            return self.send_json(401, {"error": refusal})
        key, auth = subscription
        try:
            payload = http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm")
        except Exception as error:  # http_ece raises its own and cryptography's errors
            return self.send_json(400, {"error": f"the body does not decrypt: {error}"})
        try:
            data = json.loads(payload)
        except ValueError:
            data = payload.decode(errors="replace")
        with self.fake.lock:
            self.fake.pushes.append({"token": token, "ttl": int(self.headers["TTL"]),
                                     "urgency": self.headers.get("Urgency"), "vapid_key": sender_key,
                                     "payload": data, "at": time.time()})
        self.send(201, b"", "text/plain", location=f"{self.fake.base_url}/message/{uuid.uuid4()}")


def serve(port: int) -> Server:
    """The stand-in on 127.0.0.1:port (0: any free port; `server.server_address` names it)."""
    return bind(Handler, FakePushService(), port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args().port).serve_forever()


if __name__ == "__main__":
    main()
