"""Built-in login over real HTTP (docs/portal.md, bridge/logins.py): sign-up, its verification
mail caught by the local SMTP sink, the customer made once the link is followed, login to an API
token that reads only the customer's own data through PostgREST; the same answer for known and
unknown addresses; password reset; refresh rotation with reuse detection; logout and revoking
one login; throttling of failed logins; TOTP for staff; staff invitations; used and expired
links refused."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import jwt
import pyotp
import pytest
import requests

from factories import create_customer, fresh_rate_counts, link_of_next_mail, wait_for

PASSWORD = "correct horse battery"


def auth(settings, path: str, method: str = "POST", token: str | None = None, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{settings.bridge_url}/auth{path}", headers=headers, timeout=30, **kwargs)


def refused(response: requests.Response, status: int, code: str) -> dict:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    return response.json()


@pytest.fixture
def shop(db, tenant):
    """A tenant taking sign-ups, with no failed logins counted from this address."""
    db.execute("UPDATE kassa.tenants SET signup_mode = 'open' WHERE id = %s", [tenant["id"]])
    fresh_rate_counts(db, "login-")
    yield tenant
    fresh_rate_counts(db, "login-")


def address() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.com"


def signed_up(settings, tenant, to: str) -> dict:
    """A customer who signed up and followed the mail's link."""
    assert auth(settings, "/signup", json={"tenant": tenant["slug"], "email": to, "name": "Nomsa Dube",
                                           "password": PASSWORD}).status_code == 202
    verified = requests.get(link_of_next_mail(settings, to), timeout=30)
    assert verified.status_code == 200, verified.text
    return verified.json()


def log_in(settings, tenant, to: str, password: str = PASSWORD, **extra) -> requests.Response:
    return auth(settings, "/login", json={"tenant": tenant["slug"], "email": to, "password": password, **extra})


def test_sign_up_verify_log_in_and_read_only_ones_own_data(settings, db, api, shop):
    other = create_customer(db, shop["id"])
    to = address()
    answer = auth(settings, "/signup", json={"tenant": shop["slug"], "email": to, "name": "Nomsa Dube",
                                             "password": PASSWORD})
    assert answer.status_code == 202, answer.text
    assert db.execute("SELECT count(*) FROM kassa.customers WHERE email = %s", [to]).fetchone()["count"] == 0
    link = link_of_next_mail(settings, to)
    assert link.startswith(settings.bridge_url + "/auth/signup/verify?token=")
    assert db.execute("SELECT count(*) FROM kassa.login_links WHERE token_hash = sha256(convert_to(%s, 'UTF8'))",
                      [link.split("token=")[1]]).fetchone()["count"] == 1, "only the token's digest is kept"
    verified = requests.get(link, timeout=30).json()
    customer = db.execute("SELECT * FROM kassa.customers WHERE id = %s", [verified["customer_id"]]).fetchone()
    assert (customer["email"], customer["name"]) == (to, "Nomsa Dube") and customer["account_number"]
    refused(requests.get(link, timeout=30), 410, "P0B51")

    logged_in = log_in(settings, shop, to.upper())
    assert logged_in.status_code == 200, logged_in.text
    tokens = logged_in.json()
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["sub"] == f"customer:{customer['id']}" and claims["identity_id"] == verified["identity_id"]
    assert claims["exp"] - claims["iat"] <= 900 and tokens["expires_in"] == 900
    seen = api(tokens["access_token"]).get("/customers?select=id").json()
    assert seen == [{"id": str(customer["id"])}] and str(other["id"]) not in str(seen)
    identity = db.execute("SELECT * FROM kassa.identities WHERE id = %s", [verified["identity_id"]]).fetchone()
    assert identity["password_hash"].startswith("$argon2id$") and identity["last_login_at"] is not None
    sessions = auth(settings, "/sessions", "GET", tokens["access_token"]).json()
    assert [login["id"] for login in sessions] == [tokens["login_id"]]


def test_known_and_unknown_addresses_get_the_same_answer(settings, db, shop):
    known = address()
    signed_up(settings, shop, known)
    stranger = address()
    answers = [auth(settings, "/signup", json={"tenant": shop["slug"], "email": to, "name": "X Y", "password": PASSWORD})
               for to in (known, stranger)]
    answers += [auth(settings, "/password/forgot", json={"tenant": shop["slug"], "email": to}) for to in (known, address())]
    assert {(a.status_code, a.text) for a in answers} == {(202, answers[0].text)}, [a.text for a in answers]
    # The known address gets a password reset instead of a second account.
    assert "/auth/password/reset?token=" in link_of_next_mail(settings, known, seen=1)
    assert db.execute("SELECT count(*) FROM kassa.customers WHERE tenant_id = %s AND email = %s",
                      [shop["id"], known]).fetchone()["count"] == 1


def test_bad_input_and_closed_sign_up_change_nothing(settings, db, shop):
    def sign_up(**fields):
        return auth(settings, "/signup", json={"tenant": shop["slug"], "email": address(), "name": "N N",
                                               "password": PASSWORD, **fields})
    refused(sign_up(password="short"), 400, "P0B40")
    refused(sign_up(password="x" * 201), 400, "P0B40")
    refused(sign_up(email="not an address"), 400, "P0B41")
    refused(sign_up(name="\u00a0 "), 400, "P0B42")
    refused(sign_up(name=7), 400, "P0B05")
    refused(sign_up(tenant="no-such-tenant"), 404, "P0B43")
    turned_off = subprocess.run([sys.executable, "-m", "kassa.cli", "tenant", "signup-mode", shop["slug"], "off"],
                                capture_output=True, text=True, timeout=60,
                                env={"KASSA_HOME": settings.home, "PATH": os.environ["PATH"]})
    assert turned_off.stdout == f"tenant {shop['slug']} takes sign-ups: off\n", turned_off.stderr
    refused(sign_up(), 403, "P0B44")
    assert db.execute("SELECT count(*) FROM kassa.login_links WHERE tenant_id = %s", [shop["id"]]).fetchone()["count"] == 0


def test_password_reset_sets_a_new_password_and_ends_every_login(settings, db, shop):
    to = address()
    signed_up(settings, shop, to)
    before = log_in(settings, shop, to).json()
    assert auth(settings, "/password/forgot", json={"tenant": shop["slug"], "email": to}).status_code == 202
    link = link_of_next_mail(settings, to, seen=1)
    token = link.split("token=")[1]
    peek = requests.get(link, timeout=30).json()
    assert (peek["purpose"], peek["email"], peek["tenant"]) == ("reset", to, shop["slug"])
    refused(auth(settings, "/password/reset", json={"token": token, "password": "short"}), 400, "P0B40")
    assert auth(settings, "/password/reset", json={"token": token, "password": "a new password"}).status_code == 200
    refused(auth(settings, "/refresh", json={"refresh_token": before["refresh_token"]}), 401, "P0B49")
    refused(log_in(settings, shop, to), 401, "P0B45")
    assert log_in(settings, shop, to, "a new password").status_code == 200
    refused(auth(settings, "/password/reset", json={"token": token, "password": "another one!"}), 410, "P0B51")
    refused(auth(settings, "/password/reset", json={"token": "made-up", "password": "another one!"}), 404, "P0B50")


def test_refresh_rotates_and_a_reused_token_ends_the_login(settings, db, shop, token):
    to = address()
    signed_up(settings, shop, to)
    first = log_in(settings, shop, to).json()
    second = auth(settings, "/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200 and second.json()["login_id"] == first["login_id"], second.text
    body = refused(auth(settings, "/refresh", json={"refresh_token": first["refresh_token"]}), 401, "P0B49")
    assert "used before" in body["message"]
    refused(auth(settings, "/refresh", json={"refresh_token": second.json()["refresh_token"]}), 401, "P0B49")

    # Logout ends a login; so does revoking it from another.
    third = log_in(settings, shop, to).json()
    assert auth(settings, "/logout", json={"refresh_token": third["refresh_token"]}).status_code == 204
    refused(auth(settings, "/refresh", json={"refresh_token": third["refresh_token"]}), 401, "P0B49")
    fourth, fifth = log_in(settings, shop, to).json(), log_in(settings, shop, to).json()
    listed = auth(settings, "/sessions", "GET", fifth["access_token"]).json()
    assert sorted(login["id"] for login in listed) == sorted([fourth["login_id"], fifth["login_id"]])
    assert auth(settings, f"/sessions/{fourth['login_id']}", "DELETE", fifth["access_token"]).status_code == 204
    refused(auth(settings, "/refresh", json={"refresh_token": fourth["refresh_token"]}), 401, "P0B49")
    refused(auth(settings, f"/sessions/{fourth['login_id']}", "DELETE", fifth["access_token"]), 404, "P0B53")
    # A token of `kassa token` is no login's.
    refused(auth(settings, "/sessions", "GET", token("staff", shop["id"])), 403, "P0B52")


def test_failed_logins_are_throttled_per_account_and_per_address(settings, db, shop):
    to = address()
    signed_up(settings, shop, to)
    for _ in range(5):
        refused(log_in(settings, shop, to, "wrong password"), 401, "P0B45")
    throttled = log_in(settings, shop, to)  # the right password too
    refused(throttled, 429, "P0B48")
    assert 1 <= int(throttled.headers["Retry-After"]) <= 900
    fresh_rate_counts(db, "login-")
    for _ in range(20):  # each a new address: no account reaches its limit
        refused(log_in(settings, shop, address(), "wrong password"), 401, "P0B45")
    refused(log_in(settings, shop, to), 429, "P0B48")


def invited(settings, tenant, admin_token: str, to: str, role: str) -> dict:
    answer = auth(settings, "/invitations", token=admin_token, json={"email": to, "role": role})
    assert answer.status_code == 202, answer.text
    link = link_of_next_mail(settings, to)
    assert requests.get(link, timeout=30).json()["role"] == role
    accepted = auth(settings, "/invitations/accept", json={"token": link.split("token=")[1], "name": "Zanele Staff",
                                                          "password": PASSWORD})
    assert accepted.status_code == 201, accepted.text
    return accepted.json() | {"link": link}


def test_an_invitation_makes_a_staff_user_of_the_invited_role(settings, db, shop, token):
    admin = token("staff", shop["id"])
    to = address()
    made = invited(settings, shop, admin, to, "billing")
    staff = db.execute("SELECT * FROM kassa.staff_users WHERE id = %s", [made["staff_user_id"]]).fetchone()
    assert (staff["email"], staff["role"], staff["tenant_id"]) == (to, "billing", shop["id"])
    claims = jwt.decode(log_in(settings, shop, to).json()["access_token"], options={"verify_signature": False})
    assert (claims["role"], claims["staff_role"], claims["sub"]) == ("staff", "billing", f"staff:{staff['id']}")
    refused(auth(settings, "/invitations/accept", json={"token": made["link"].split("token=")[1], "name": "Again",
                                                       "password": PASSWORD}), 410, "P0B51")
    refused(auth(settings, "/invitations", token=admin, json={"email": to, "role": "viewer"}), 409, "P0B57")
    refused(auth(settings, "/invitations", token=admin, json={"email": address(), "role": "owner"}), 400, "P0B56")
    billing = log_in(settings, shop, to).json()["access_token"]
    refused(auth(settings, "/invitations", token=billing, json={"email": address(), "role": "viewer"}), 403, "P0B10")

    late = address()
    assert auth(settings, "/invitations", token=admin, json={"email": late, "role": "viewer"}).status_code == 202
    link = link_of_next_mail(settings, late)
    db.execute("UPDATE kassa.login_links SET expires_at = now() - interval '1 second' WHERE email = %s", [late])
    refused(requests.get(link, timeout=30), 410, "P0B51")
    refused(requests.get(f"{settings.bridge_url}/auth/invitations/accept?token=made-up", timeout=30), 404, "P0B50")


def test_staff_turn_on_totp_and_then_log_in_with_a_code(settings, db, shop, token):
    to = address()
    invited(settings, shop, token("staff", shop["id"]), to, "support")
    access = log_in(settings, shop, to).json()["access_token"]
    refused(auth(settings, "/totp", token=access, json={"password": "not the password"}), 401, "P0B45")
    enrolled = auth(settings, "/totp", token=access, json={"password": PASSWORD})
    assert enrolled.status_code == 201, enrolled.text
    secret = enrolled.json()["secret"]
    assert enrolled.json()["otpauth_uri"].startswith("otpauth://totp/")
    totp = pyotp.TOTP(secret)
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    refused(auth(settings, "/totp/confirm", token=access, json={"code": wrong}), 400, "P0B55")
    assert auth(settings, "/totp/confirm", token=access, json={"code": totp.now()}).status_code == 200
    refused(auth(settings, "/totp/confirm", token=access, json={"code": totp.now()}), 409, "P0B54")
    assert db.execute("SELECT totp_enabled FROM api.identities WHERE email = %s", [to]).fetchone()["totp_enabled"]

    refused(log_in(settings, shop, to), 401, "P0B46")
    refused(log_in(settings, shop, to, totp=wrong), 401, "P0B47")
    code = totp.at(time.time() + totp.interval)  # the next step's: the current one was used to confirm
    assert log_in(settings, shop, to, totp=code).status_code == 200
    refused(log_in(settings, shop, to, totp=code), 401, "P0B47")  # a code counts once

    customer_to = address()
    signed_up(settings, shop, customer_to)
    customer_access = log_in(settings, shop, customer_to).json()["access_token"]
    refused(auth(settings, "/totp", token=customer_access, json={"password": PASSWORD}), 403, "P0B09")
