"""The platform's VAPID key pair (RFC 8292), with which it signs its web pushes: made once, at
the first start (kassa/config.py keeps it in the home's state.json), and the public half that
browsers subscribe with. Only `cryptography`: every `kassa` command loads the settings."""
from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """base64url, padded or not (the Push API and JWTs leave the padding off)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_private_key() -> str:
    """A fresh key: the P-256 private number, 32 bytes, base64url."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def public_key(private_key: str) -> str:
    """What browsers subscribe with (`applicationServerKey`): the uncompressed point, base64url."""
    number = int.from_bytes(unb64url(private_key), "big")
    point = ec.derive_private_key(number, ec.SECP256R1()).public_key()
    return b64url(point.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
