"""Built-in login for customers and staff (docs/portal.md): the bridge's /auth/… endpoints.

A login answers the same API tokens `kassa token` prints (PostgREST JWTs, here living
ACCESS_TTL_S), with the claim `identity_id`, and an opaque refresh token. The refresh tokens of
one login are a family: each refresh uses its token up and answers the next; a token used a
second time is a copy someone kept, and ends the whole login. Revoking a login thus ends it at
its next refresh, at most ACCESS_TTL_S after.

Passwords (10 to 200 characters) are hashed here with argon2id, never in SQL; links and refresh
tokens reach the database as SHA-256 digests only (bridge/login_links.py). Sign-up and password
reset answer alike whether the address is known or not, and take as long (a password hash is
made or checked either way). Failed logins are limited per account and per client address
(internal.login_wait: 5 and 20 in 15 minutes, 429 P0B48). Every step is a function of
db/functions/710_logins.sql; answers in the bridge's error shape, codes P0B40–P0B57.
"""
from __future__ import annotations

import hmac
import re
import secrets
import time
import uuid
from datetime import timedelta

import argon2
import pyotp
from flask import Blueprint, abort, jsonify, request
from psycopg.rows import dict_row

from bridge import config, login_links
from bridge.answers import field, fields, json_object, problem, refuse
from bridge.auth import caller
from bridge.claims import AUDIENCE, sign, signing_secret
from bridge.db import pool

blueprint = Blueprint("logins", __name__, url_prefix="/auth")

ACCESS_TTL_S = 15 * 60
REFRESH_VALID = timedelta(days=30)
PASSWORD_LENGTH = range(10, 201)
# Printable ASCII around one @ and a dot in the domain: a subset of what kassa.customers and
# kassa.staff_users take, so an address passing here is one they store.
EMAIL = re.compile(r"^[!-?A-~]+@[!-?A-~]+\.[!-?A-~]+$")
STAFF_ROLES = ("admin", "billing", "support", "viewer")
HASHER = argon2.PasswordHasher()  # argon2id, the library's parameters (RFC 9106's second choice)
# Checked against when an address has no login, so the answer takes as long as for one that has.
UNKNOWN = HASHER.hash(secrets.token_urlsafe(16))
LINK_REFUSED = {"used": "the link was used already", "expired": "the link has expired",
                "taken": "the address has a login already (or its account is closed)"}
REFRESH_REFUSED = {"unknown": "unknown refresh token", "expired": "the refresh token has expired",
                   "revoked": "the login has ended (logout, revoked, or a new password)",
                   "reused": "the refresh token was used before: the login is ended, log in again",
                   "unusable": "the account can no longer log in"}


def one(query: str, args: list) -> dict | None:
    with pool().connection() as conn:
        return conn.cursor(row_factory=dict_row).execute(query, args).fetchone()


def email_in(body: dict) -> str:
    email = field(body, "email", str).strip()
    if len(email) > 254 or not EMAIL.match(email):
        refuse(400, "P0B41", "email must be an e-mail address (printable ASCII, at most 254 characters)")
    return email


def password_in(body: dict) -> str:
    password = field(body, "password", str)
    if len(password) not in PASSWORD_LENGTH:
        refuse(400, "P0B40", f"a password has {PASSWORD_LENGTH.start} to {PASSWORD_LENGTH.stop - 1} characters",
               f"got {len(password)}")
    return password


def name_in(body: dict) -> str:
    name = field(body, "name", str).strip()
    if not name.replace("\u200b", "").replace("\ufeff", "").strip() or len(name) > 200:
        refuse(400, "P0B42", "name must not be blank and has at most 200 characters")
    return name


def token_in(body_or_args) -> bytes:
    token = body_or_args.get("token")
    if not isinstance(token, str) or not token:
        refuse(404, "P0B50", "no such link", hint="Use the link of the mail as it is.")
    return login_links.digest(token)


def followed(outcome: str) -> None:
    """Refuses a link that cannot be followed (internal.follow_link's outcome)."""
    if outcome == "unknown":
        refuse(404, "P0B50", "no such link", hint="Use the link of the mail as it is.")
    if outcome != "ok":
        refuse(410, "P0B51", LINK_REFUSED[outcome], hint="Ask for a new mail.")


def accepted():
    return jsonify(status="accepted", message="if the address may, it gets a mail with a link"), 202


def unknown_tenant(outcome: str) -> None:
    if outcome == "unknown_tenant":
        refuse(404, "P0B43", "no active tenant has this slug")


def tokens(subject: dict, family, refresh_token: str) -> dict:
    """The answer of a login and a refresh: an API token of the subject, and the refresh token."""
    now = int(time.time())
    claims = {"tenant_id": str(subject["tenant_id"]), "identity_id": str(subject["identity_id"]), "aud": AUDIENCE,
              "iat": now, "exp": now + ACCESS_TTL_S}
    if subject["customer_id"]:
        claims |= {"role": "customer", "customer_id": str(subject["customer_id"]),
                   "sub": f"customer:{subject['customer_id']}"}
    else:
        claims |= {"role": "staff", "staff_user_id": str(subject["staff_user_id"]), "staff_role": subject["staff_role"],
                   "sub": f"staff:{subject['staff_user_id']}"}
    return {"access_token": sign(claims, signing_secret(config.current().jwt_keys)), "token_type": "Bearer",
            "expires_in": ACCESS_TTL_S, "refresh_token": refresh_token, "login_id": str(family)}


def totp_step(secret: str, code: str) -> int | None:
    """The time step whose code `code` is (this one or a neighbour: clocks drift), else None."""
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    return next((step for step in (now, now - 1, now + 1)
                 if hmac.compare_digest(totp.generate_otp(step), code.strip())), None)


def password_matches(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or UNKNOWN, password) and password_hash is not None
    except argon2.exceptions.VerificationError:
        return False


def login_caller(*roles: str) -> dict:
    """The identity of a login's API token (its claim identity_id, the token's own subject), or 403 P0B52."""
    claims = caller(*roles)
    try:
        identity = uuid.UUID(str(claims.get("identity_id")))
    except ValueError:
        identity = None
    subject = identity and one("SELECT * FROM internal.login_subject(%s, %s)", [claims["tenant_id"], identity])
    if not subject or str(subject["customer_id"] or "") != claims.get("customer_id", "") \
            or str(subject["staff_user_id"] or "") != claims.get("staff_user_id", ""):
        refuse(403, "P0B52", "this endpoint needs the API token of a login", hint="Log in with POST /auth/login.")
    return subject


@blueprint.post("/signup")
def signup():
    body = json_object()
    slug, email, name, password = field(body, "tenant", str), email_in(body), name_in(body), password_in(body)
    hashed = HASHER.hash(password)  # whether or not the address is known: the answer takes as long
    link, digest = login_links.new_link(config.current().login_link_key)
    outcome = one("SELECT internal.request_signup(%s, %s, %s, %s, %s, %s, %s) AS outcome",
                  [slug, email, name, hashed, link, digest, login_links.LINK_VALID])["outcome"]
    unknown_tenant(outcome)
    if outcome == "off":
        refuse(403, "P0B44", "this tenant takes no sign-ups", hint="Ask the tenant for an account.")
    return accepted()


@blueprint.get("/signup/verify")
def verify_signup():
    row = one("SELECT * FROM internal.verify_signup(%s)", [token_in(request.args)])
    followed(row["outcome"])
    return jsonify(status="verified", tenant_id=row["tenant_id"], identity_id=row["identity_id"],
                   customer_id=row["customer_id"])


@blueprint.post("/password/forgot")
def forgot_password():
    body = json_object()
    slug, email = field(body, "tenant", str), email_in(body)
    link, digest = login_links.new_link(config.current().login_link_key)
    unknown_tenant(one("SELECT internal.request_password_reset(%s, %s, %s, %s, %s) AS outcome",
                       [slug, email, link, digest, login_links.LINK_VALID])["outcome"])
    return accepted()


def link_info(purpose: str):
    """GET of a reset or invitation link: what it is for, without using it."""
    row = one("SELECT * FROM internal.login_link(%s, %s)", [token_in(request.args), purpose])
    followed(row["outcome"])
    return jsonify(purpose=purpose, email=row["email"], role=row["role"], tenant=row["tenant_slug"],
                   tenant_name=row["tenant_name"], expires_at=row["expires_at"].isoformat())


# GET and POST in one rule each: the route's methods are the path's (a wrong one answers 405).
@blueprint.route("/password/reset", methods=["GET", "POST"])
def reset_password():
    if request.method == "GET":
        return link_info("reset")
    body = json_object()
    digest, password = token_in(body), password_in(body)
    followed(one("SELECT internal.reset_password(%s, %s) AS outcome", [digest, HASHER.hash(password)])["outcome"])
    return jsonify(status="password changed", message="every login of this identity has ended")


@blueprint.post("/login")
def login():
    body = json_object()
    slug, email = fields(body, {"tenant": str, "email": str})
    return jsonify(log_in(slug, email, password_in(body), field(body, "totp", str, required=False)))


def log_in(slug: str, email: str, password: str, code: str | None) -> dict:
    """The tokens of a new login (the answer of POST /auth/login; the portal calls it too), or a
    refusal: the request ends with its problem answer."""
    address = request.remote_addr or "unknown"
    with pool().connection() as conn:
        db = conn.cursor(row_factory=dict_row)
        wait = db.execute("SELECT internal.login_wait(%s, %s, %s) AS wait", [slug, email, address]).fetchone()["wait"]
        if wait:
            refusal = problem(429, "P0B48", "too many failed logins",
                              "at most 5 per account and 20 per client address in 15 minutes", f"retry in {wait} s")
            refusal.headers["Retry-After"] = str(wait)
            abort(refusal)
        subject = db.execute("SELECT * FROM internal.login_identity(%s, %s)", [slug, email]).fetchone()
        if not password_matches(subject and subject["password_hash"], password):
            db.execute("SELECT internal.count_login_failure(%s, %s, %s)", [slug, email, address])
            refuse(401, "P0B45", "wrong tenant, e-mail address or password")
        step = None
        if subject["totp_secret"]:
            if code is None:
                refuse(401, "P0B46", "this login needs a TOTP code", hint="Send it as totp with the password.")
            step = totp_step(subject["totp_secret"], code)
        refresh_token = secrets.token_urlsafe(32)
        family = None if subject["totp_secret"] and step is None else db.execute(
            "SELECT internal.start_login(%s, %s, %s, %s, %s, %s) AS family",
            [subject["tenant_id"], subject["identity_id"], login_links.digest(refresh_token),
             request.headers.get("User-Agent"), REFRESH_VALID, step]).fetchone()["family"]
        if family is None:  # a wrong code, or one used before
            db.execute("SELECT internal.count_login_failure(%s, %s, %s)", [slug, email, address])
            refuse(401, "P0B47", "wrong or used TOTP code")
    return tokens(subject, family, refresh_token)


@blueprint.post("/refresh")
def refresh():
    return jsonify(refreshed(field(json_object(), "refresh_token", str)))


def refreshed(token: str) -> dict:
    """The next tokens of the login whose refresh token this is (it is used up), or 401 P0B49."""
    new_token = secrets.token_urlsafe(32)
    row = one("SELECT * FROM internal.refresh_login(%s, %s, %s)",
              [login_links.digest(token), login_links.digest(new_token), REFRESH_VALID])
    if row["outcome"] != "ok":
        refuse(401, "P0B49", REFRESH_REFUSED[row["outcome"]], hint="Log in with POST /auth/login.")
    return tokens(row, row["login_id"], new_token)


@blueprint.post("/logout")
def logout():
    log_out(field(json_object(), "refresh_token", str))
    return "", 204


def log_out(token: str) -> None:
    one("SELECT internal.logout(%s)", [login_links.digest(token)])


@blueprint.get("/sessions")
def sessions():
    subject = login_caller("customer", "staff")
    with pool().connection() as conn:
        logins = conn.cursor(row_factory=dict_row).execute("SELECT * FROM internal.active_logins(%s, %s)",
                                                           [subject["tenant_id"], subject["identity_id"]]).fetchall()
    return jsonify([{**row, "id": str(row["id"]), "created_at": row["created_at"].isoformat(),
                     "last_used_at": row["last_used_at"].isoformat()} for row in logins])


@blueprint.delete("/sessions/<uuid:login_id>")
def revoke_session(login_id: uuid.UUID):
    subject = login_caller("customer", "staff")
    if not one("SELECT internal.revoke_login(%s, %s, %s) AS revoked",
               [subject["tenant_id"], subject["identity_id"], login_id])["revoked"]:
        refuse(404, "P0B53", "no such login of yours (or it has ended)")
    return "", 204


@blueprint.post("/totp")
def enrol_totp():
    body = json_object()
    subject = login_caller("staff")
    if not password_matches(subject["password_hash"], password_in(body)):
        refuse(401, "P0B45", "wrong tenant, e-mail address or password")
    secret = pyotp.random_base32()
    if not one("SELECT internal.begin_totp(%s, %s, %s) AS begun", [subject["tenant_id"], subject["identity_id"],
                                                                     secret])["begun"]:
        refuse(409, "P0B54", "TOTP is on already for this login")
    uri = pyotp.TOTP(secret).provisioning_uri(name=subject["email"], issuer_name=subject["tenant_name"])
    return jsonify(secret=secret, otpauth_uri=uri), 201


@blueprint.post("/totp/confirm")
def confirm_totp():
    body = json_object()
    code, subject = field(body, "code", str), login_caller("staff")
    if not subject["totp_pending"]:
        refuse(409, "P0B54", "no TOTP enrolment waits for a code", hint="Start one with POST /auth/totp.")
    if (step := totp_step(subject["totp_pending"], code)) is None:
        refuse(400, "P0B55", "wrong TOTP code", hint="Send the code your app shows now.")
    one("SELECT internal.enable_totp(%s, %s, %s)", [subject["tenant_id"], subject["identity_id"], step])
    return jsonify(status="enabled", message="every login from now on needs a TOTP code")


@blueprint.post("/invitations")
def invite():
    body = json_object()
    claims = caller("staff", action="bridge/auth/invitations")
    email, role = email_in(body), field(body, "role", str)
    if role not in STAFF_ROLES:
        refuse(400, "P0B56", f"role must be one of {', '.join(STAFF_ROLES)}")
    link, digest = login_links.new_link(config.current().login_link_key)
    if one("SELECT internal.invite_staff(%s, %s, %s, %s, %s, %s, %s) AS outcome",
           [claims["tenant_id"], email, role, claims.get("sub"), link, digest, login_links.LINK_VALID]
           )["outcome"] == "exists":
        refuse(409, "P0B57", "this address has a login in the tenant already")
    return jsonify(status="invited", email=email, role=role), 202


@blueprint.route("/invitations/accept", methods=["GET", "POST"])
def accept_invitation():
    if request.method == "GET":
        return link_info("invite")
    body = json_object()
    digest, name, password = token_in(body), name_in(body), password_in(body)
    row = one("SELECT * FROM internal.accept_invitation(%s, %s, %s)", [digest, name, HASHER.hash(password)])
    followed(row["outcome"])
    return jsonify(status="accepted", identity_id=row["identity_id"], staff_user_id=row["staff_user_id"],
                   role=row["staff_role"]), 201
