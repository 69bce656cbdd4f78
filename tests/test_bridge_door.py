"""The bridge's one door, over real HTTP against the running bridge and SSE gateway: every route
answers a bad request in PostgREST's error shape with a code of the bridge's own, the body limits
(size, JSON depth) hold for every JSON endpoint, and the Flask endpoints and the SSE gateway
refuse tokens by the same rules with the same codes."""
from __future__ import annotations

import json
import re
import time

import jwt
import pytest
import requests

from bridge import answers, openapi
from bridge.claims import AUDIENCE
from bridge.config import Config
from bridge.sse import make_app
from bridge.web import create_app
from factories import bridge_of_its_own, fresh_rate_counts
from stripe_helpers import deliver

SHAPE = {"code", "message", "details", "hint"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def assert_shape(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, f"{response.request.method} {response.url}: {response.text}"
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == SHAPE and body["code"] == code and body["message"], body
    return body


def concrete(rule: str) -> str:
    """A path the rule matches: its variables filled in (a choice of words takes its first)."""
    rule = re.sub(r"<uuid:\w+>", "00000000-0000-4000-8000-000000000000", rule)
    return re.sub(r"<any\((\w+)[^)]*\):\w+>", r"\1", rule).replace("<filename>", "x.css").replace(
        "<outcome>", "done").replace("<token>", "x").replace("<collection>", "invoices").replace(
        "<name>", "00000000-0000-4000-8000-000000000000.pdf")


def documented(rule: str) -> str:
    """The rule as the bridge's OpenAPI document names its path: /documents/{collection}/{name}."""
    return re.sub(r"<(?:[^<>]+:)?(\w+)>", r"{\1}", rule)


def bridge_routes(config: Config) -> list[tuple[str, set[str]]]:
    return [(concrete(rule.rule), rule.methods - {"HEAD", "OPTIONS"}) for rule in create_app(config).url_map.iter_rules()]


def sse_routes(config: Config) -> list[tuple[str, set[str]]]:
    return [(route.resource.canonical, {route.method}) for route in make_app(config).router.routes()
            if route.method != "HEAD"]


def test_every_bridge_and_gateway_route_answers_a_wrong_method_in_the_error_shape(settings, bridge_config):
    sse_base = settings.sse_url.removesuffix("/events")
    routes = [(settings.bridge_url, path, methods) for path, methods in bridge_routes(bridge_config)]
    routes += [(sse_base, path, methods) for path, methods in sse_routes(bridge_config)]
    assert len(routes) >= 8, routes
    for base, path, methods in routes:
        wrong = next(method for method in METHODS if method not in methods)
        assert_shape(requests.request(wrong, base + path, timeout=10), 405, "P0B04")
    for base in (settings.bridge_url, sse_base):
        assert_shape(requests.get(base + "/no-such-endpoint", timeout=10), 404, "P0B03")


def json_endpoints(config: Config) -> list[str]:
    """Every POST but the buttons of the payment and unsubscribe pages, which post no JSON
    (bridge/pay.py, bridge/unsubscribe.py), and those the bridge's document says take a form
    (NetCash's mandate postback)."""
    paths = json.loads(openapi.DOCUMENT)["paths"]
    return [concrete(rule.rule) for rule in create_app(config).url_map.iter_rules() if "POST" in rule.methods
            and not rule.rule.startswith(("/pay/", "/unsubscribe/"))
            and "application/x-www-form-urlencoded" not in paths[documented(rule.rule)]["post"].get(
                "requestBody", {}).get("content", {})]


def test_every_json_endpoint_refuses_a_large_or_deep_body_in_the_error_shape(settings, bridge_config, token, tenant, customer):
    """Without a token the endpoints that need one answer 401 first; with the right one, the body limits."""
    tokens = {"/top-ups": token("customer", tenant["id"], customer["id"]), "/refunds": token("staff", tenant["id"])}
    endpoints = json_endpoints(bridge_config)
    assert {"/top-ups", "/refunds", "/webhooks/stripe"} <= set(endpoints), endpoints
    deep = b"[" * (answers.MAX_JSON_DEPTH + 1) + b"]" * (answers.MAX_JSON_DEPTH + 1)
    for path in endpoints:
        headers = {"Content-Type": "application/json"}
        if path in tokens or path.startswith("/documents/"):  # a document's link or sending: staff may ask
            headers["Authorization"] = f"Bearer {tokens.get(path, tokens['/refunds'])}"
        big = requests.post(settings.bridge_url + path, data=b" " * (answers.MAX_BODY_BYTES + 1), headers=headers,
                            timeout=10)
        assert_shape(big, 413, "P0B02")
        if path == "/webhooks/stripe":
            status, body = deliver(settings, deep)  # signed: the signature is checked first
            assert (status, body["code"]) == (400, "P0B11"), body
            # 10 000 levels: beyond Python's recursion limit, still a 400 and no 500.
            status, body = deliver(settings, b"[" * 10_000 + b"]" * 10_000)
            assert (status, body["code"]) == (400, "P0B11"), body
        else:
            assert_shape(requests.post(settings.bridge_url + path, data=deep, headers=headers, timeout=10), 400, "P0B11")
            assert_shape(requests.post(settings.bridge_url + path, data=b"[" * 10_000, headers=headers, timeout=10),
                         400, "P0B11")


def test_brackets_inside_strings_do_not_count_as_depth():
    nested_text = b'{"a": "' + b"[" * 100 + b'\\"{{"}'
    assert answers.nesting_depth(nested_text) == 1
    assert answers.strict_json(nested_text) == {"a": "[" * 100 + '"{{'}


def test_the_flask_endpoints_and_the_stream_refuse_tokens_the_same_way(settings, db, token, tenant, customer):
    def token_answers(headers: dict) -> list[tuple[int, str]]:
        top_up = requests.post(settings.bridge_url + "/top-ups", json={"amount": 5000, "request_id": "door"},
                               headers=headers, timeout=10)
        stream = requests.get(settings.sse_url, headers=headers, timeout=10)
        return [(r.status_code, assert_shape(r, r.status_code, r.json()["code"])["code"]) for r in (top_up, stream)]

    assert token_answers({}) == [(401, "P0B08")] * 2
    assert token_answers({"Authorization": "Bearer not-a-token"}) == [(401, "P0B08")] * 2
    def signed(exp_in: int) -> str:
        return jwt.encode({"role": "customer", "tenant_id": str(tenant["id"]), "customer_id": str(customer["id"]),
                           "aud": AUDIENCE, "exp": int(time.time()) + exp_in}, settings.jwt_secret, algorithm="HS256")

    assert token_answers({"Authorization": f"Bearer {signed(-3600)}"}) == [(401, "P0B08")] * 2
    assert token_answers({"Authorization": f"Bearer {signed(3 * 24 * 3600)}"}) == [(403, "P0B10")] * 2
    staff = token("staff", tenant["id"])
    assert requests.post(settings.bridge_url + "/top-ups", json={}, timeout=10,
                         headers={"Authorization": f"Bearer {staff}"}).json()["code"] == "P0B09"
    valid = token("customer", tenant["id"], customer["id"])
    db.execute("SELECT internal.customer_transition(%s, %s, 'close', 'test')", [tenant["id"], customer["id"]])
    assert token_answers({"Authorization": f"Bearer {valid}"}) == [(403, "P0B10")] * 2


@pytest.fixture
def limited_bridge(settings):
    """A bridge allowing 5 requests a minute."""
    with bridge_of_its_own(settings, KASSA_BRIDGE_RATE_LIMIT="5") as base:
        yield base


def test_the_rate_limit_is_shared_by_every_worker(limited_bridge, db):
    fresh_rate_counts(db, "address:")
    # A new connection for each request, so gunicorn hands them to any of its four workers:
    # a count of each worker's own would let up to 20 through.
    answered = [requests.get(limited_bridge + "/top-ups/done", timeout=10) for _ in range(12)]
    assert [r.status_code for r in answered] == [200] * 5 + [429] * 7, [r.text for r in answered]
    refused = answered[-1]
    assert_shape(refused, 429, "P0B12")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Frame-Options"] == "DENY"
    assert requests.get(limited_bridge + "/health", timeout=10).status_code == 200, "the probe is never limited"
