"""Bad input over HTTP: a clear PostgREST error with a stable code (SQLSTATE plus the
constraint name, or our P0 code) and nothing changed.

HTTP status: constraint violations are 400 (409 for unique keys); our P0 business-rule codes
are 400 too (internal.raise_error turns them into PostgREST's 400 error inside a request)."""
from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

from factories import create_customer, create_tenant
from kassa.tokens import make_token
from snapshots import fingerprint


@pytest.fixture(scope="module")
def shop(settings):
    with psycopg.connect(settings.database_url, autocommit=True, row_factory=dict_row) as conn:
        tenant = create_tenant(conn)
        taken = create_customer(conn, tenant["id"], "Taken Address", "taken@example.com")
        closed = create_customer(conn, tenant["id"], "Closed Account", "closed@example.com")
        conn.execute("SELECT internal.customer_transition(%s, %s, 'close', 'test fixture')", [tenant["id"], closed["id"]])
    return {"tenant": tenant, "taken": taken, "closed": closed}


# request (method, path) -> case name -> (body, HTTP status, code, text the message must contain)
REQUESTS = {
    ("POST", "/customers"): {
        "empty-customer-name": ({"name": "", "email": "e1@example.com"}, 400, "P0V03", "name is required"),
        "blank-customer-name": ({"name": "   ", "email": "e2@example.com"}, 400, "P0V03", "name is required"),
        "missing-customer-name": ({"email": "e3@example.com"}, 400, "P0V03", "name is required"),
        "email-without-at": ({"name": "N", "email": "no-at.example.com"}, 400, "23514", "customers_email_format"),
        "email-without-domain-dot": ({"name": "N", "email": "a@localhost"}, 400, "23514", "customers_email_format"),
        "duplicate-email-other-case": ({"name": "Twin", "email": "TAKEN@Example.com"},
                                       409, "23505", "customers_email_unique"),
        "unknown-customer-status": ({"name": "N", "email": "e7@example.com", "status": "gone"},
                                    400, "23514", "customers_status_known"),
        "unknown-customer-type": ({"name": "N", "email": "e4@example.com", "type": "robot"},
                                  400, "23514", "customers_type_known"),
        "unknown-column": ({"name": "N", "email": "e5@example.com", "shoe_size": 44}, 400, "PGRST204", "shoe_size"),
    },
    ("PATCH", "/customers?id=eq.{closed}"): {
        "closed-customer-email-changed": ({"email": "new@example.com"}, 400, "P0C01", "is closed"),
        "closed-customer-reopened": ({"status": "active"}, 400, "P0C01", "is closed"),
    },
    ("PATCH", "/customers?id=eq.{taken}"): {
        "email-changed-to-duplicate": ({"email": "Closed@example.com"}, 409, "23505", "customers_email_unique"),
        "phone-not-digits": ({"phone": "call me maybe"}, 400, "23514", "customers_phone_format"),
    },
    ("POST", "/vat_rates"): {
        "vat-rate-100": ({"category": "luxury", "rate": 100}, 400, "23514", "vat_rates_rate_range"),
        "vat-category-malformed": ({"category": "Standard Rate!", "rate": 5},
                                   400, "23514", "vat_rates_category_format"),
    },
    ("PATCH", "/vat_rates?category=eq.standard"): {
        "vat-rate-negative": ({"rate": -1}, 400, "23514", "vat_rates_rate_range"),
        "vat-rate-far-out-of-range": ({"rate": 12345}, 400, "22003", "numeric field overflow"),
    },
    ("PATCH", "/tenants?id=eq.{tenant}"): {
        "unknown-time-zone": ({"timezone": "Mars/Olympus"}, 400, "P0T01", "unknown time zone \"Mars/Olympus\""),
        "number-format-without-counter": ({"invoice_number_format": "INV-{YYYY}"},
                                          400, "23514", "tenants_number_formats_have_counter"),
        "empty-tenant-name": ({"name": ""}, 400, "P0V03", "name is required"),
        "payment-terms-out-of-range": ({"payment_terms_days": 999}, 400, "23514", "tenants_payment_terms_range"),
        "currency-change-not-allowed": ({"currency": "XXX"}, 403, "42501", "permission denied"),
    },
}
CASES = {name: (method, path, *case) for (method, path), cases in REQUESTS.items() for name, case in cases.items()}


def fill(text: str, shop) -> str:
    return text.format(**{k: v["id"] for k, v in shop.items()})


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_refused_with_a_stable_code_and_changes_nothing(case, shop, api, token, db):
    method, path, body, status, code, text = CASES[case]
    before = fingerprint(db, shop["tenant"]["id"])
    response = api(token("staff", shop["tenant"]["id"])).request(method, fill(path, shop), json=body)
    assert response.status_code == status, response.text
    error = response.json()
    assert set(error) >= {"code", "message", "details", "hint"}
    assert error["code"] == code
    assert text in error["message"] + (error["details"] or "")
    assert fingerprint(db, shop["tenant"]["id"]) == before


def test_malformed_json_is_refused(shop, api, token, db):
    before = fingerprint(db, shop["tenant"]["id"])
    response = api(token("staff", shop["tenant"]["id"])).post(
        "/customers", data="{name: oops", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["code"] == "PGRST102"
    assert fingerprint(db, shop["tenant"]["id"]) == before


def test_unknown_tenant_in_token_is_refused_by_name(api, settings):
    unknown = "00000000-0000-4000-8000-00000000dead"
    response = api(make_token(settings.jwt_secret, "staff", unknown)).get("/customers")
    assert response.status_code == 403
    assert response.json()["code"] == "42501"
    assert response.json()["message"] == "tenant is unknown or not active"
