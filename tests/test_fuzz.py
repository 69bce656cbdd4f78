"""Schemathesis fuzzes PostgREST and the bridge over loopback as each role (anonymous, customer,
staff): no answer may be a 5xx, except PostgREST's own limits listed in docs/security.md (each
recognised by postgrest_limit and printed with its count), and the bridge answers only the
statuses its document lists for the operation.

PostgREST's document (GET /) shows each role only what it may call; anonymous sees none, so it is
fuzzed over the staff document without a token. The bridge serves its own (GET /openapi.json,
bridge/openapi.json). Each role fuzzes a throw-away tenant of its own (its tokens name it), so
what the fuzzer writes is seen by no other test; signed webhook events get ids of their own.

Bounded, examples per operation (half valid, half invalid):
  KASSA_FUZZ_EXAMPLES (25 in `make test`) for operations that run Kassa's own code first, as the
    role meant to call them: PostgREST's functions (POST /rpc/...) as customer and staff, each
    bridge endpoint as the role its document names (none: anonymous);
  KASSA_FUZZ_BROAD_EXAMPLES (1 in `make test`) for every other operation and role (PostgREST's
    request parsing, the same for every view; tokens of the wrong role).
`make fuzz` sets both to a few hundred and KASSA_FUZZ_RANDOM=1 (a new seed each run; the suite's
run is derandomized, so it is repeatable).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import uuid

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, status_code_conformance
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup

from bridge import openapi
from bridge.fakes import stripe_server
from factories import create_customer, create_tenant
from stripe_helpers import fake_requests

EXAMPLES = int(os.environ.get("KASSA_FUZZ_EXAMPLES", "25"))
BROAD_EXAMPLES = int(os.environ.get("KASSA_FUZZ_BROAD_EXAMPLES", "1"))
RANDOM = os.environ.get("KASSA_FUZZ_RANDOM") == "1"
ROLES = ("anon", "customer", "staff")
TOKEN_TTL = 12 * 3600  # a `make fuzz` run takes hours; the suite's run, minutes


def examples_for(operation, role: str) -> int:
    """EXAMPLES for the operations that run Kassa's own code first, as the role meant to call
    them: PostgREST's functions (POST /rpc/…) as customer and staff, each bridge endpoint as the
    role its document names (none: anonymous); BROAD_EXAMPLES for the rest."""
    if of_the_bridge(operation):
        schemes = [name for requirement in operation.definition.raw.get("security", []) for name in requirement]
        deep = role == (schemes[0].removesuffix("Token") if schemes else "anon")
    else:
        deep = role != "anon" and operation.method.upper() == "POST" and operation.path.startswith("/rpc/")
    return EXAMPLES if deep else BROAD_EXAMPLES


def of_the_bridge(operation) -> bool:
    return bool(operation.schema.raw_schema.get("openapi"))  # the bridge's is OpenAPI 3, PostgREST's Swagger 2.0


def postgrest_limit(response: requests.Response) -> str | None:
    """Why a PostgREST 5xx is one of its own limits (docs/security.md), or None."""
    raw = [value.encode("latin-1") if isinstance(value, str) else value for value in response.request.headers.values()]
    if response.status_code == 500 and response.text == "Something went wrong" and any(
            not is_utf8(value) for value in raw):
        return "a header value that is not UTF-8"
    return None


def is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def fuzz_operation(operation, examples: int, base_url: str, send, found: list[str], limits: dict[str, int]) -> int:
    """`examples` requests, half of them invalid, sent by `send(case)`; every 5xx that is not a
    known limit, every undocumented bridge status and every request without an answer is added
    to `found` with a curl command."""
    sent = 0
    # The bridge's document lists every status it answers; PostgREST's generated one lists no errors.
    checks = [not_a_server_error, status_code_conformance] if of_the_bridge(operation) else [not_a_server_error]

    def check(case):
        nonlocal sent
        sent += 1
        try:
            response = send(case)
        except requests.RequestException as error:
            found.append(f"{operation.label}: no answer ({error})\n  {case.as_curl_command(base_url=base_url)}")
            return
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup:
            limit = postgrest_limit(response)
            if limit:
                limits[limit] = limits.get(limit, 0) + 1
                return
            found.append(f"{operation.label}: {response.status_code} {response.text[:300]}\n  "
                         f"{case.as_curl_command(dict(response.request.headers), base_url=base_url)}")

    for mode, count in ((GenerationMode.POSITIVE, examples - examples // 2), (GenerationMode.NEGATIVE, examples // 2)):
        if not count:
            continue
        run = hypothesis.settings(
            max_examples=count, deadline=None, database=None, derandomize=not RANDOM,
            phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
        )(hypothesis.given(case=operation.as_strategy(generation_mode=mode))(check))
        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            pass  # no request of this mode exists (e.g. no invalid request for an operation without input)
    return sent


def fuzz(document: dict, base_url: str, role: str, headers: dict, sender=lambda operation: None) -> None:
    """Fuzzes every operation of `document` at `base_url` as `role` (its `headers`); an operation
    for which sender(operation) gives a function is sent by it instead."""

    def plain(case):
        return case.call(base_url=base_url, headers=headers, timeout=30)

    found: list[str] = []
    limits: dict[str, int] = {}
    started, operations, sent = time.monotonic(), 0, 0
    for result in schemathesis.openapi.from_dict(document).get_all_operations():
        operation = result.ok()
        operations += 1
        send = sender(operation) or plain
        sent += fuzz_operation(operation, examples_for(operation, role), base_url, send, found, limits)
    print(f"\n{role}: fuzzed {operations} operations with {sent} requests in {time.monotonic() - started:.0f} s")
    for limit, count in limits.items():
        print(f"  accepted as PostgREST's own limit (docs/security.md): {count} x 500 for {limit}")
    assert operations > 0
    assert not found, f"{len(found)} answers were server errors or undocumented statuses:\n" + "\n".join(found)


def document(url: str, headers: dict) -> dict:
    response = requests.get(url, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def tokens(db, token):
    """Bearer headers per role, for a throw-away tenant (with one customer) of this test's own."""
    tenant = create_tenant(db)
    customer = create_customer(db, tenant["id"])
    # Top-ups within these limits reach the local Stripe stand-in: the fuzzer gets past the rules.
    db.execute("INSERT INTO kassa.payment_settings (tenant_id, min_top_up, max_top_up) VALUES (%s, 100, 1000000)",
               [tenant["id"]])
    return {"anon": {},
            "customer": {"Authorization": f"Bearer {token('customer', tenant['id'], customer['id'], TOKEN_TTL)}"},
            "staff": {"Authorization": f"Bearer {token('staff', tenant['id'], ttl=TOKEN_TTL)}"}}


def test_anonymous_postgrest_document_lists_no_operation(settings):
    assert list(document(settings.postgrest_url + "/", {})["paths"]) == ["/"]  # the document itself


@pytest.mark.parametrize("role", ROLES)
def test_postgrest_answers_no_server_error(settings, tokens, role):
    headers = tokens[role]
    if role == "anon":
        print("anonymous: its own document lists nothing, so it is fuzzed over the staff document (no token)")
    seen = document(settings.postgrest_url + "/", tokens["staff"] if role == "anon" else headers)
    fuzz(seen, settings.postgrest_url, role, headers)


@pytest.mark.parametrize("role", ROLES)
def test_bridge_answers_no_server_error(settings, tokens, role):
    """Every endpoint as every role; webhook events are also sent signed (as Stripe would) so
    the fuzzer reaches the database, not only the signature check."""
    headers = tokens[role]

    def signed(case):
        if isinstance(case.body, dict):
            case.body["id"] = f"evt_fuzz_{uuid.uuid4().hex}"  # never one of another test's events
        if case.body is NOT_SET or isinstance(case.body, bytes):
            payload = b"" if case.body is NOT_SET else case.body
        else:
            payload = json.dumps(case.body).encode("utf-8", "surrogatepass")
        return requests.post(settings.bridge_url + case.formatted_path, data=payload, timeout=30, headers={
            "Content-Type": "application/json",
            "Stripe-Signature": stripe_server.sign(payload, settings.stripe_webhook_secret)})

    def sender(operation):
        # Webhooks need no token: the anonymous run signs its events, the other runs do not.
        return signed if operation.path == "/webhooks/stripe" and role == "anon" else None

    fuzz(document(settings.bridge_url + "/openapi.json", {}), settings.bridge_url, role, headers, sender)


def test_bridge_document_lists_every_route(bridge_config):
    from bridge.web import create_app
    app = create_app(bridge_config)
    routes = {(re.sub(r"<(?:[^<>]+:)?(\w+)>", r"{\1}", rule.rule), method) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = json.loads(openapi.DOCUMENT)["paths"]
    assert routes == {(path, method.upper()) for path, operations in documented.items() for method in operations}


def test_a_request_id_beyond_ascii_starts_one_checkout(settings, tokens, db):
    """Found by the fuzzer: a request id outside Latin-1 went into Stripe's Idempotency-Key header
    and the top-up answered 502; now it is keyed by its SHA-256."""
    request_id = "zahlung-ü-😀-" + uuid.uuid4().hex
    answers = [requests.post(settings.bridge_url + "/top-ups", headers=tokens["customer"], timeout=30,
                             json={"amount": 5000, "request_id": request_id}) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201], answers[0].text
    assert answers[0].json()["session_id"] == answers[1].json()["session_id"]
    customer_id = db.execute("SELECT customer_id FROM kassa.payments WHERE id = %s",
                             [answers[0].json()["payment_id"]]).fetchone()["customer_id"]
    keys = {r["idempotency_key"] for r in fake_requests(settings, "/v1/checkout/sessions")
            if r["params"]["metadata"]["customer_id"] == str(customer_id)}
    assert keys == {f"kassa-top-up-{customer_id}-{hashlib.sha256(request_id.encode()).hexdigest()}"}


@pytest.mark.parametrize("path", ["/top-ups", "/webhooks/stripe"])
def test_a_lone_surrogate_in_a_bridge_body_answers_400(settings, tokens, db, path):
    """Found by the fuzzer: "\\ud800" is valid JSON syntax but no text; it crashed the bridge (500)."""
    body = b'{"id": "evt_fuzz_surrogate", "type": "x", "amount": 5000, "request_id": "a\\ud800"}'
    headers = {**tokens["customer"], "Content-Type": "application/json",
               "Stripe-Signature": stripe_server.sign(body, settings.stripe_webhook_secret)}
    response = requests.post(settings.bridge_url + path, data=body, headers=headers, timeout=30)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == ("P0B01" if path == "/top-ups" else "P0W11")
    assert db.execute("SELECT count(*) AS n FROM kassa.webhook_events WHERE event_id = 'evt_fuzz_surrogate'"
                      ).fetchone()["n"] == 0


@pytest.mark.parametrize("body", [b"null", b"[1]", b"3"])
def test_a_signed_webhook_that_is_no_object_answers_400(settings, body):
    """Found by the fuzzer: a signed `null` crashed the Stripe library's event constructor (500)."""
    response = requests.post(settings.bridge_url + "/webhooks/stripe", data=body, timeout=30, headers={
        "Content-Type": "application/json", "Stripe-Signature": stripe_server.sign(body, settings.stripe_webhook_secret)})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "P0W12"
