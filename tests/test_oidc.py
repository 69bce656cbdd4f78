"""Single sign-on over real HTTP (docs/portal.md, "Single sign-on with OIDC"; bridge/oidc.py)
against the local OpenID Connect stand-in (bridge/fakes/oidc_server.py, publishing its JWKS):
an admin configures the provider and links a subject to an identity; the provider's ID token
logs in as that identity (an API token and a refresh token, as a password login answers);
a wrong issuer, audience, signature or an expired token is refused, an unlinked subject too;
a rotated key is picked up (one fetch of the keys); keys that cannot be fetched are 502."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from bridge.oidc import REFETCH_AFTER_S
from factories import create_customer, free_port, running_stand_in

AUDIENCE = "kassa-sso-test"


@pytest.fixture(scope="module")
def provider(settings):
    """The stand-in, on a port of its own; its base URL (its issuer)."""
    with running_stand_in(settings, "oidc_fake", "bridge.fakes.oidc_server") as url:
        yield url


def rpc(api, token, tenant, function: str, **args) -> dict:
    answer = api(token("staff", tenant["id"])).post(f"/rpc/{function}", json=args)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def linked(db, api, token, tenant, provider):
    """A customer with an identity, the tenant's provider (the stand-in), and the subject linked to it."""
    customer = create_customer(db, tenant["id"])
    identity = db.execute("INSERT INTO kassa.identities (tenant_id, email, password_hash, email_verified_at, customer_id)"
                          " VALUES (%s, %s, '$argon2id$v=19$unused', now(), %s) RETURNING id",
                          [tenant["id"], customer["email"], customer["id"]]).fetchone()["id"]
    made = rpc(api, token, tenant, "create_oidc_provider", name="Reseller SSO", issuer=provider, audience=AUDIENCE,
               jwks_url=f"{provider}/jwks")
    subject = f"user-{uuid.uuid4().hex[:8]}"
    rpc(api, token, tenant, "link_oidc_subject", provider_id=made["id"], subject=subject, identity_id=str(identity))
    return {"customer": customer, "identity_id": str(identity), "subject": subject}


def id_token(provider: str, **claims) -> str:
    return requests.post(f"{provider}/_fake/token", json=claims, timeout=10).json()["id_token"]


def sign_on(settings, tenant, token: str) -> requests.Response:
    return requests.post(f"{settings.bridge_url}/auth/oidc", json={"tenant": tenant["slug"], "id_token": token}, timeout=30)


def refused(response: requests.Response, status: int, code: str) -> dict:
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    return response.json()


def test_a_providers_id_token_logs_in_as_the_linked_identity(settings, db, api, tenant, provider, linked):
    other = create_customer(db, tenant["id"])
    answer = sign_on(settings, tenant, id_token(provider, sub=linked["subject"], aud=AUDIENCE))
    assert answer.status_code == 200, answer.text
    claims = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
    assert (claims["identity_id"], claims["customer_id"]) == (linked["identity_id"], str(linked["customer"]["id"]))
    assert claims["exp"] - claims["iat"] <= 900
    seen = api(answer.json()["access_token"]).get("/customers?select=id").json()
    assert seen == [{"id": str(linked["customer"]["id"])}] and str(other["id"]) not in str(seen)
    refreshed = requests.post(f"{settings.bridge_url}/auth/refresh", json={"refresh_token": answer.json()["refresh_token"]},
                              timeout=30)
    assert refreshed.status_code == 200 and refreshed.json()["login_id"] == answer.json()["login_id"], refreshed.text


def test_wrong_issuer_audience_signature_expiry_or_subject_are_refused(settings, tenant, provider, linked):
    subject = linked["subject"]
    refused(sign_on(settings, tenant, id_token(provider, sub=subject, aud=AUDIENCE, iss="https://elsewhere.example")),
            401, "P0B60")
    refused(sign_on(settings, tenant, id_token(provider, sub=subject, aud="another-client")), 401, "P0B60")
    refused(sign_on(settings, tenant, id_token(provider, sub=subject, aud=AUDIENCE, expires_in=-120)), 401, "P0B60")
    kid = requests.get(f"{provider}/jwks", timeout=10).json()["keys"][0]["kid"]
    forged = jwt.encode({"iss": provider, "sub": subject, "aud": AUDIENCE, "iat": int(time.time()),
                         "exp": int(time.time()) + 300},
                        rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256",
                        headers={"kid": kid})
    assert "Signature" in refused(sign_on(settings, tenant, forged), 401, "P0B60")["details"]
    hs256 = jwt.encode({"iss": provider, "sub": subject, "aud": AUDIENCE, "exp": int(time.time()) + 300}, "x" * 32,
                       algorithm="HS256")
    refused(sign_on(settings, tenant, hs256), 401, "P0B60")
    refused(sign_on(settings, tenant, "not a token"), 401, "P0B60")
    refused(sign_on(settings, tenant, id_token(provider, sub="nobody-linked", aud=AUDIENCE)), 403, "P0B61")


def key_set_fetches(provider: str) -> int:
    return sum(entry["path"] == "/jwks" for entry in requests.get(f"{provider}/_fake/requests", timeout=10).json())


def test_a_rotated_key_is_picked_up(settings, tenant, provider, linked):
    assert sign_on(settings, tenant, id_token(provider, sub=linked["subject"], aud=AUDIENCE)).status_code == 200
    fetched = key_set_fetches(provider)
    requests.post(f"{provider}/_fake/rotate", timeout=10).raise_for_status()
    time.sleep(REFETCH_AFTER_S)  # a kid the bridge does not know makes it fetch the keys again, at most this often
    answer = sign_on(settings, tenant, id_token(provider, sub=linked["subject"], aud=AUDIENCE))
    assert answer.status_code == 200, answer.text
    assert key_set_fetches(provider) == fetched + 1, "the new kid made the bridge fetch the keys once"


def test_keys_that_cannot_be_fetched_are_502(settings, api, token, tenant, provider, linked):
    gone = f"http://127.0.0.1:{free_port()}"
    rpc(api, token, tenant, "create_oidc_provider", name="Gone", issuer=gone, audience=AUDIENCE, jwks_url=f"{gone}/jwks")
    refused(sign_on(settings, tenant, id_token(provider, sub=linked["subject"], aud=AUDIENCE, iss=gone)), 502, "P0B59")
