"""The links login mails carry (docs/portal.md): a sign-up's verification, a password reset, a
staff invitation. Each is single-use and expires (LINK_VALID); the database keeps only the
SHA-256 of its token (`digest`). The token is the HMAC of the link's id under
KASSA_LOGIN_LINK_KEY, so the delivery worker, which has the key, writes the link into the mail
from the id alone, and nobody reading the database can make one. A new key voids the links of
mail sent before it."""
from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import datetime, timedelta

LINK_VALID = timedelta(hours=24)
PATHS = {"verify": "/auth/signup/verify", "reset": "/auth/password/reset", "invite": "/auth/invitations/accept"}


def token_of(key: str, link_id: uuid.UUID) -> str:
    mac = hmac.new(key.encode(), b"kassa-login-link:" + link_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def digest(token: str) -> bytes:
    """What the database keeps of a token (a link's, a refresh token)."""
    return hashlib.sha256(token.encode()).digest()


def new_link(key: str) -> tuple[uuid.UUID, bytes]:
    """A new link's id and its token's digest."""
    link_id = uuid.uuid4()
    return link_id, digest(token_of(key, link_id))


def url(bridge_url: str, key: str, purpose: str, link_id: uuid.UUID) -> str:
    return f"{bridge_url}{PATHS[purpose]}?token={token_of(key, link_id)}"


def mail_text(purpose: str, tenant_name: str, link: str, expires_at: datetime, role: str | None) -> tuple[str, str]:
    """The subject and text of a login mail."""
    until = f"The link works once, until {expires_at:%Y-%m-%d %H:%M} UTC."
    if purpose == "verify":
        return (f"Confirm your e-mail address for {tenant_name}",
                f"Welcome to {tenant_name}.\n\nTo confirm your address and open your account, follow this link:\n\n"
                f"{link}\n\n{until}\nIf you did not sign up, ignore this mail: nothing happens without the link.\n")
    if purpose == "reset":
        return (f"Set a new password for {tenant_name}",
                f"To set a new password for your {tenant_name} login, follow this link:\n\n{link}\n\n{until}\n"
                "Setting it ends every login of yours. If you did not ask for it, ignore this mail.\n")
    return (f"You are invited to {tenant_name}",
            f"You are invited to {tenant_name}'s staff as {role}.\n\nTo accept, choose your password at this link:\n\n"
            f"{link}\n\n{until}\n")
