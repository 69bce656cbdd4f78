"""Payment methods over PostgREST: customers manage their own, one primary, soft delete, and the
sensitive details (full account number, card gateway ids, their ciphertext) appear in no API
response: every api view and the RPCs are scanned for them, as staff and as customer."""
from __future__ import annotations

import psycopg
import pytest

ACCOUNT_NUMBER = "62009876543217"
GATEWAY_CUSTOMER = "cus_SecretGatewayCustomer42"
GATEWAY_METHOD = "pm_SecretGatewayMethod42"


@pytest.fixture
def methods(settings, db, api, token, tenant, customer):
    me = api(token("customer", tenant["id"], customer["id"]))
    debit = me.rpc("add_payment_method", kind="debit_order", bank="FNB", account_type="cheque",
                   account_number=ACCOUNT_NUMBER, mandate_reference="MD-0001")
    assert debit.status_code == 200, debit.text
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    card = db.execute("SELECT internal.add_card(%s, %s, 'visa', '4242', 12, 2030, %s, %s) AS id",
                      [tenant["id"], customer["id"], GATEWAY_CUSTOMER, GATEWAY_METHOD]).fetchone()["id"]
    return me, debit.json(), str(card)


def test_customer_adds_lists_switches_and_removes_methods(api, token, tenant, customer, methods):
    me, debit_id, card_id = methods
    listed = {m["id"]: m for m in me.get("/payment_methods").json()}
    assert listed[debit_id]["account_masked"] == "***3217" and listed[debit_id]["is_primary"]
    assert listed[card_id]["last4"] == "4242" and not listed[card_id]["is_primary"]
    assert me.rpc("set_primary_payment_method", payment_method_id=card_id).status_code in (200, 204)
    primaries = [m["id"] for m in me.get("/payment_methods").json() if m["is_primary"]]
    assert primaries == [card_id]
    assert me.rpc("remove_payment_method", payment_method_id=card_id).status_code in (200, 204)
    assert [m["id"] for m in me.get("/payment_methods").json()] == [debit_id]


def test_customers_cannot_touch_other_customers_methods(db, api, token, tenant, methods):
    _, debit_id, _ = methods
    other = db.execute("INSERT INTO kassa.customers (tenant_id, name, email) VALUES (%s, 'Other', 'o@example.com')"
                       " RETURNING id", [tenant["id"]]).fetchone()["id"]
    them = api(token("customer", tenant["id"], other))
    assert them.get("/payment_methods").json() == []
    refused = them.rpc("remove_payment_method", payment_method_id=debit_id)
    assert refused.status_code >= 400 and refused.json()["code"] == "P0M01"


def test_bad_method_input_is_refused(api, token, tenant, customer):
    me = api(token("customer", tenant["id"], customer["id"]))
    short = me.rpc("add_payment_method", kind="debit_order", bank="FNB", account_type="cheque",
                   account_number="12", mandate_reference="MD-2")
    card = me.rpc("add_payment_method", kind="card")
    assert (short.json()["code"], card.json()["code"]) == ("P0M02", "P0M02")
    assert me.get("/payment_methods").json() == []


def test_details_never_appear_in_any_api_response(settings, db, api, token, tenant, customer, methods):
    me, debit_id, card_id = methods
    staff = api(token("staff", tenant["id"]))
    ciphertexts = [bytes(r["details_encrypted"]).hex() for r in db.execute(
        "SELECT details_encrypted FROM kassa.payment_method_secrets WHERE tenant_id = %s", [tenant["id"]])]
    assert len(ciphertexts) == 2
    views = [r["viewname"] for r in db.execute("SELECT viewname FROM pg_views WHERE schemaname = 'api'")]
    responses = []
    for client in (me, staff):
        responses += [client.get(f"/{view}") for view in views]
        responses.append(client.rpc("set_primary_payment_method", payment_method_id=debit_id))
    responses.append(me.rpc("add_payment_method", kind="eft", bank="Nedbank"))
    assert any(r.status_code == 200 and debit_id in r.text for r in responses)  # the scan saw the methods
    secrets = [ACCOUNT_NUMBER, GATEWAY_CUSTOMER, GATEWAY_METHOD, settings.payment_method_key]
    for response in responses:
        text = response.text
        for secret in secrets + [c[8:40] for c in ciphertexts]:
            assert secret not in text, f"{response.url} leaks {secret[:6]}..."


def test_api_roles_cannot_read_the_secrets_table(settings, tenant, customer):
    with psycopg.connect(settings.database_url) as conn:
        for role in ("customer", "staff"):
            conn.execute(f"SET ROLE {role}")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT details_encrypted FROM kassa.payment_method_secrets")
            conn.rollback()
