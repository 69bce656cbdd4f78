"""Key rotation on the real stack: `kassa payment-key rotate` and `kassa jwt-key rotate|retire`
run as commands against the test home, then PostgREST, the bridge and the SSE gateway (restarted
by the command) are asked over HTTP. Each test puts the home's keys back as they were."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
import psycopg
import pytest
import requests

from bridge.claims import AUDIENCE, key_id
from kassa import config, keys
from kassa.tokens import make_token

KASSA = [str(Path(sys.executable).parent / "kassa")]
GATEWAY_METHOD = "pm_rotation_card"


def kassa(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KASSA_HOME": settings.home}
    env.pop("KASSA_JWT_SECRET", None)
    return subprocess.run([*KASSA, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def home_state(settings):
    """The home's state.json as it is; afterwards written back and the services restarted on it."""
    state = Path(settings.home) / "state.json"
    before = state.read_text()
    yield
    if config.Settings(**json.loads(state.read_text())) != config.Settings(**json.loads(before)):
        current = config.load(Path(settings.home))
        if current.payment_method_key != settings.payment_method_key:  # move the secrets back too
            keys.rotate_payment_key(current, settings.payment_method_key)
        state.write_text(before)
        keys.restart_services(config.load(Path(settings.home)))


def worker(settings, key: str) -> psycopg.Connection:
    conn = psycopg.connect(settings.worker_url, autocommit=True)
    conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [key])
    return conn


def stored(db) -> dict:
    return {row["payment_method_id"]: row["details_encrypted"]
            for row in db.execute("SELECT * FROM kassa.payment_method_secrets")}


def test_payment_key_rotation_re_encrypts_every_secret(settings, db, tenant, customer, api, token, home_state):
    old_key = settings.payment_method_key
    with worker(settings, old_key) as conn:
        card = conn.execute("SELECT internal.add_card(%s, %s, 'visa', '4242', 12, 2030, 'cus_rotation', %s)",
                            [tenant["id"], customer["id"], GATEWAY_METHOD]).fetchone()[0]
    customer_api = api(token("customer", tenant["id"], customer["id"]))
    response = customer_api.rpc("add_payment_method", kind="debit_order", bank="FNB", account_type="cheque",
                                account_number="6200 1234 5678", mandate_reference="MD-ROT")
    assert response.status_code == 200, response.text
    debit_order = response.json()
    before = stored(db)

    refused = kassa(settings, "payment-key", "rotate", "--old-key", "not-the-key-0123456789")
    assert refused.returncode == 1
    assert refused.stderr.startswith("kassa payment-key: the payment method key does not decrypt the details of payment method")
    assert "nothing changed; fix: pass the key the secrets are stored under as --old-key" in refused.stderr
    assert stored(db) == before, "a refused rotation changes no secret"
    unchanged = config.load(Path(settings.home))
    assert (unchanged.payment_method_key, unchanged.payment_method_key_next) == (old_key, "")

    rotated = kassa(settings, "payment-key", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert f"re-encrypted {len(before)} payment-method secrets" in rotated.stdout
    assert "restarted postgrest, bridge, sse, scheduler" in rotated.stdout
    new_key = config.load(Path(settings.home)).payment_method_key
    assert new_key != old_key
    after = stored(db)
    assert after.keys() == before.keys() and not any(after[m] == before[m] for m in before)

    with worker(settings, new_key) as conn:  # as the bridge and the jobs read them
        assert conn.execute("SELECT internal.payment_method_details(%s, %s)", [tenant["id"], card]).fetchone()[0] == {
            "gateway": "stripe", "customer": "cus_rotation", "payment_method": GATEWAY_METHOD}
        assert conn.execute("SELECT internal.payment_method_details(%s, %s)",
                            [tenant["id"], debit_order]).fetchone()[0] == {"account_number": "620012345678"}
    with pytest.raises(psycopg.errors.ExternalRoutineInvocationException):
        db.execute("SELECT pgp_sym_decrypt(details_encrypted, %s) FROM kassa.payment_method_secrets"
                   " WHERE payment_method_id = %s", [old_key, card])
    with worker(settings, old_key) as conn, pytest.raises(psycopg.Error) as stale:
        conn.execute("SELECT internal.payment_method_details(%s, %s)", [tenant["id"], card])
    assert stale.value.sqlstate == "P0Y01"

    # PostgREST was restarted with the new key: it stores a new secret the new key reads.
    response = customer_api.rpc("add_payment_method", kind="debit_order", bank="FNB", account_type="savings",
                                account_number="1111 2222 3333", mandate_reference="MD-ROT-2")
    assert response.status_code == 200, response.text
    with worker(settings, new_key) as conn:
        assert conn.execute("SELECT internal.payment_method_details(%s, %s)",
                            [tenant["id"], response.json()]).fetchone()[0] == {"account_number": "111122223333"}

    back = kassa(settings, "payment-key", "rotate", "--new-key", old_key)
    assert back.returncode == 0, back.stderr
    assert f"re-encrypted {len(before) + 1} payment-method secrets" in back.stdout


def test_payment_key_rotation_resumes_after_a_crash(settings, db, tenant, customer, home_state):
    """A crash after the database committed but before state.json made the new key current:
    the next run finds the secrets under the pending key and only finishes the configuration."""
    with worker(settings, settings.payment_method_key) as conn:
        card = conn.execute("SELECT internal.add_card(%s, %s, 'visa', '4242', 12, 2030, 'cus_crash', 'pm_crash')",
                            [tenant["id"], customer["id"]]).fetchone()[0]
    pending = secrets.token_hex(32)
    crashed = config.load(Path(settings.home))
    crashed.payment_method_key_next = pending
    crashed.save()
    db.execute("SELECT internal.rotate_payment_method_key(%s, %s)", [settings.payment_method_key, pending])

    resumed = kassa(settings, "payment-key", "rotate")
    assert resumed.returncode == 0, resumed.stderr
    assert "re-encrypted 0 payment-method secrets" in resumed.stdout
    finished = config.load(Path(settings.home))
    assert (finished.payment_method_key, finished.payment_method_key_next) == (pending, "")
    with worker(settings, pending) as conn:
        assert conn.execute("SELECT internal.payment_method_details(%s, %s)",
                            [tenant["id"], card]).fetchone()[0]["payment_method"] == "pm_crash"


def claims(tenant) -> dict:
    return {"role": "staff", "tenant_id": str(tenant["id"]), "sub": "keys-test", "aud": AUDIENCE,
            "exp": int(time.time()) + 600}


def answers(settings, token: str) -> dict[str, int]:
    """The status each of PostgREST, the bridge and the SSE gateway gives the token. The bridge's
    staff endpoint is asked with an empty body: 401 for a refused token, 400 past the check."""
    headers = {"Authorization": f"Bearer {token}"}
    postgrest = requests.get(settings.postgrest_url + "/customers", headers=headers, timeout=10)
    bridge = requests.post(settings.bridge_url + "/refunds", headers=headers, json={}, timeout=10)
    with requests.get(settings.sse_url, headers=headers, stream=True, timeout=10) as sse:
        sse_status = sse.status_code
    return {"postgrest": postgrest.status_code, "bridge": bridge.status_code, "sse": sse_status}


ACCEPTED = {"postgrest": 200, "bridge": 400, "sse": 200}
REFUSED = {"postgrest": 401, "bridge": 401, "sse": 401}


def test_jwt_rotation_keeps_old_tokens_for_the_overlap(settings, tenant, home_state):
    old_token = make_token(settings.jwt_secret, "staff", str(tenant["id"]))
    assert jwt.get_unverified_header(old_token)["kid"] == key_id(settings.jwt_secret)
    kid_less = jwt.encode(claims(tenant), settings.jwt_secret, algorithm="HS256")  # minted before kids
    assert answers(settings, old_token) == ACCEPTED

    rotated = kassa(settings, "jwt-key", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    new = config.load(Path(settings.home))
    assert new.jwt_secret != settings.jwt_secret
    assert json.loads(kassa(settings, "env", "--json").stdout)["jwt_kid"] == key_id(new.jwt_secret)
    assert f"new signing key {key_id(new.jwt_secret)}; {key_id(settings.jwt_secret)} is accepted until" in rotated.stdout
    until = new.jwt_previous_keys[0]["retire_after"]
    overlap = datetime.fromisoformat(until) - datetime.now(timezone.utc)
    assert timedelta(hours=47, minutes=58) < overlap <= timedelta(hours=48)
    listed = kassa(settings, "jwt-key", "list").stdout.splitlines()
    assert listed == [f"{key_id(new.jwt_secret)}  signs new tokens", f"{key_id(settings.jwt_secret)}  accepted until {until}"]

    new_token = make_token(new.jwt_secret, "staff", str(tenant["id"]))
    assert jwt.get_unverified_header(new_token)["kid"] == key_id(new.jwt_secret)
    assert answers(settings, new_token) == ACCEPTED
    assert answers(settings, old_token) == ACCEPTED, "a token of the previous key works during the overlap"
    assert answers(settings, kid_less) == ACCEPTED

    stranger = secrets.token_urlsafe(48)
    assert answers(settings, jwt.encode(claims(tenant), stranger, algorithm="HS256",
                                        headers={"kid": key_id(stranger)})) == REFUSED
    assert answers(settings, jwt.encode(claims(tenant), stranger, algorithm="HS256")) == REFUSED
    # A known key under a kid that names no key: the bridge and the gateway match the kid;
    # PostgREST 12 tries every key of the set (docs/security.md).
    assert answers(settings, jwt.encode(claims(tenant), new.jwt_secret, algorithm="HS256",
                                        headers={"kid": "0123456789abcdef"})) == {**REFUSED, "postgrest": 200}

    kept = kassa(settings, "jwt-key", "retire")
    assert kept.returncode == 0 and kept.stdout.startswith("retired no key"), kept.stdout + kept.stderr
    retired = kassa(settings, "jwt-key", "retire", "--all")
    assert retired.returncode == 0 and retired.stdout.startswith(f"retired {key_id(settings.jwt_secret)}"), retired.stderr
    assert answers(settings, old_token) == REFUSED, "a retired key's tokens are refused everywhere"
    assert answers(settings, kid_less) == REFUSED
    assert answers(settings, new_token) == ACCEPTED


def test_jwt_rotation_refuses_an_overlap_shorter_than_a_token_lives(settings, home_state):
    refused = kassa(settings, "jwt-key", "rotate", "--overlap-hours", "2")
    assert refused.returncode == 1
    assert refused.stderr.startswith("kassa jwt-key: --overlap-hours 2 is shorter than a token lives (24 h)")
    assert config.load(Path(settings.home)).jwt_secret == settings.jwt_secret
    assert json.loads((Path(settings.home) / "jwt-keys.json").read_text())["keys"][0]["kid"] == key_id(settings.jwt_secret)
