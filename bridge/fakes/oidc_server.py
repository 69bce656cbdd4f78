"""A local stand-in for an OpenID Connect provider (a tenant's identity provider), for the tests
of single sign-on (tests/test_oidc.py): it publishes its signing keys and signs ID tokens.

  GET  /.well-known/openid-configuration   the issuer (its base URL) and jwks_uri
  GET  /jwks                               its current public key (RS256), with a kid

For the tests (`/_fake/...`):

  POST /_fake/token   {"sub", "aud", "expires_in" (default 300), "iss" (default the issuer)}:
                      {"id_token"} signed with the current key
  POST /_fake/rotate  a new key replaces the current one (the old one is no longer published):
                      {"kid"}

Run: python -m bridge.fakes.oidc_server --port 8711
"""
from __future__ import annotations

import argparse
import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from bridge.fakes.common import FakeHandler, RequestLog, Server, bind


class FakeProvider(RequestLog):
    def __init__(self):
        super().__init__()
        self.base_url = ""
        self.rotate()

    def rotate(self) -> str:
        with self.lock:
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.kid = uuid.uuid4().hex[:16]
            return self.kid

    def jwks(self) -> dict:
        with self.lock:
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def id_token(self, asked: dict) -> str:
        now = int(time.time())
        claims = {"iss": asked.get("iss", self.base_url), "sub": asked["sub"], "aud": asked["aud"], "iat": now,
                  "exp": now + int(asked.get("expires_in", 300))}
        with self.lock:
            return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


class Handler(FakeHandler):
    fake: FakeProvider

    def do_GET(self):
        self.fake.record("GET", self.path_only, {})
        if self.answered_common_get():
            return
        if self.path_only == "/.well-known/openid-configuration":
            self.send_json(200, {"issuer": self.fake.base_url, "jwks_uri": f"{self.fake.base_url}/jwks",
                                 "id_token_signing_alg_values_supported": ["RS256"]})
        elif self.path_only == "/jwks":
            self.send_json(200, self.fake.jwks())
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        body = json.loads(self.read_body() or b"{}")
        self.fake.record("POST", self.path_only, body)
        if self.path_only == "/_fake/token":
            self.send_json(200, {"id_token": self.fake.id_token(body)})
        elif self.path_only == "/_fake/rotate":
            self.send_json(200, {"kid": self.fake.rotate()})
        else:
            self.send_json(404, {"error": "not found"})


def serve(port: int) -> Server:
    """The stand-in on 127.0.0.1:port (0: any free port; `server.server_address` names it)."""
    return bind(Handler, FakeProvider(), port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args().port).serve_forever()


if __name__ == "__main__":
    main()
