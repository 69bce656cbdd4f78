"""API tokens expire within 24 hours and carry the API's audience, at every door: PostgREST,
the bridge and the SSE gateway refuse a token without `exp`, one that lives longer than a day,
and one signed for another purpose; `kassa token` will not issue a longer-lived one."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import jwt
import pytest
import requests

from bridge.claims import AUDIENCE
from kassa.config import ROOT


def claims(customer: dict, **changes) -> dict:
    base = {"role": "customer", "tenant_id": str(customer["tenant_id"]), "customer_id": str(customer["id"]),
            "sub": "token-test", "aud": AUDIENCE, "exp": int(time.time()) + 600}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


REFUSED = {
    "no expiry": {"exp": None},
    "expiry beyond 24 hours": {"exp": int(time.time()) + 25 * 3600},
    "no audience": {"aud": None},
    "another audience": {"aud": "kassa-password-reset"},
}


@pytest.fixture
def sign(settings):
    return lambda payload: jwt.encode(payload, settings.jwt_secret, algorithm="HS256")


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_every_door_refuses_tokens_that_are_not_api_tokens(case, settings, customer, sign):
    bad = sign(claims(customer, **REFUSED[case]))
    headers = {"Authorization": f"Bearer {bad}"}
    assert requests.get(f"{settings.postgrest_url}/customers", headers=headers, timeout=10).status_code in (401, 403)
    top_up = requests.post(f"{settings.bridge_url}/top-ups", headers=headers, timeout=10,
                           json={"amount": 10000, "request_id": f"token-{case}"})
    # The bridge and the SSE gateway share one door: the same refusal (401 P0B08 for a token that
    # fails its signature, audience or expiry; 403 P0B10 for one the request check refuses).
    assert (top_up.status_code, top_up.json()["code"]) in ((401, "P0B08"), (403, "P0B10")), top_up.text
    stream = requests.get(settings.sse_url, headers=headers, timeout=10)
    assert (stream.status_code, stream.json()["code"]) == (top_up.status_code, top_up.json()["code"]), stream.text


def test_a_token_of_exactly_24_hours_is_an_api_token(settings, customer, sign):
    good = sign(claims(customer, exp=int(time.time()) + 24 * 3600))
    response = requests.get(f"{settings.postgrest_url}/customers", headers={"Authorization": f"Bearer {good}"}, timeout=10)
    assert response.status_code == 200 and [row["id"] for row in response.json()] == [str(customer["id"])]


def test_kassa_token_refuses_a_lifetime_beyond_24_hours(settings, tenant):
    def kassa_token(ttl: int) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kassa.cli", "token", "--role", "staff", "--tenant", str(tenant["id"]),
                               "--ttl", str(ttl)], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "KASSA_HOME": settings.home})
    refused = kassa_token(24 * 3600 + 1)
    assert refused.returncode != 0 and "at most 24 hours" in refused.stderr
    issued = kassa_token(24 * 3600)
    assert issued.returncode == 0
    decoded = jwt.decode(issued.stdout.strip(), options={"verify_signature": False})
    assert decoded["aud"] == AUDIENCE and decoded["exp"] - decoded["iat"] == 24 * 3600
