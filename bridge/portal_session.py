"""The portal's session (bridge/portal.py): one cookie, encrypted and authenticated (Fernet, under
a key derived from KASSA_PORTAL_KEY), holding the login's refresh token, its current access
token and the session's CSRF token. JavaScript never reads it (HttpOnly), other sites' forms do
not carry it (SameSite=Lax), and over https it travels only encrypted (Secure).

The access token is refreshed here, on the server, when it has less than REFRESH_BEFORE_S to
live; the refresh token rotates (bridge/logins.py), so the cookie is written again. Every POST
needs the session's CSRF token (a form's `csrf` field or the X-CSRF-Token header), visitors
without a login included (the login form): 403 P0B62 otherwise.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

from cryptography.fernet import Fernet, InvalidToken
from flask import g, request
from werkzeug.exceptions import HTTPException

from bridge import claims as api_tokens, config, logins
from bridge.answers import refuse

COOKIE = "kassa_portal"
PATH = "/portal/"
REFRESH_BEFORE_S = 60


def fernet(portal_key: str | None = None) -> Fernet:
    """The cookie's cipher under KASSA_PORTAL_KEY (the app's, or the one given)."""
    key = portal_key or config.current().portal_key
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def load() -> None:
    """The request's session (g.session): the cookie's, or a new one without a login."""
    try:
        g.session = json.loads(fernet().decrypt(request.cookies.get(COOKIE, "").encode()))
    except (InvalidToken, ValueError):
        g.session = {}
    g.session_changed = "csrf" not in g.session
    g.session.setdefault("csrf", secrets.token_urlsafe(24))


def change(**values) -> None:
    g.session.update(values)
    g.session_changed = True


def save(response):
    """Writes the cookie again when the session changed (a login, a refresh, a logout)."""
    if getattr(g, "session_changed", False):
        secure = request.is_secure or config.current().public_url.startswith("https:")
        response.set_cookie(COOKIE, fernet().encrypt(json.dumps(g.session).encode()).decode(), path=PATH,
                            httponly=True, samesite="Lax", secure=secure)
    return response


def check_csrf() -> None:
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
    if not hmac.compare_digest(sent.encode(), g.session["csrf"].encode()):
        refuse(403, "P0B62", "the form's CSRF token is missing or wrong", hint="Reload the page and send it again.")


def start(tokens: dict) -> None:
    """A new login: its tokens, and a new CSRF token (a login changes who the session is)."""
    g.session.clear()
    change(csrf=secrets.token_urlsafe(24), refresh=tokens["refresh_token"], access=tokens["access_token"],
           exp=int(time.time()) + tokens["expires_in"])


def end() -> None:
    """Logs out: the login ends (its refresh token), the session keeps only a new CSRF token."""
    if refresh_token := g.session.get("refresh"):
        logins.log_out(refresh_token)
    g.session.clear()
    change(csrf=secrets.token_urlsafe(24))


def access_token() -> str | None:
    """The login's access token, refreshed when about to expire; None without a (live) login."""
    if "refresh" not in g.session:
        return None
    if g.session["exp"] - time.time() < REFRESH_BEFORE_S:
        try:
            tokens = logins.refreshed(g.session["refresh"])
        except HTTPException as refused:  # 401 P0B49: the login ended (logout, reuse, a new password)
            if refused.response is None or refused.response.status_code != 401:
                raise
            g.session.clear()
            change(csrf=secrets.token_urlsafe(24))
            return None
        change(refresh=tokens["refresh_token"], access=tokens["access_token"],
               exp=int(time.time()) + tokens["expires_in"])
    return g.session["access"]


def claims() -> dict:
    return api_tokens.decode(g.session["access"], config.current().jwt_keys)
