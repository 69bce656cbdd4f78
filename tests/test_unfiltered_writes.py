"""PATCH and DELETE through PostgREST change one row, named by its key (docs/api.md, "Writing one row").

The resources are the api views an API role may update or delete, read from the catalog at test
time: a new writable view fails here until ARRANGE below gives it rows (and PATCH_BODIES a change).
What each write did is read back as the owner, across the caller's tenant and a bystander tenant.
"""
from __future__ import annotations

import pytest

from factories import create_customer, create_tenant


def two_products(db, tenant_id) -> list[dict]:
    return [db.execute("INSERT INTO kassa.products (tenant_id, code, name, kind) VALUES (%s, %s, %s, 'plan') RETURNING id",
                       [tenant_id, f"plan-{n}", f"Plan {n}"]).fetchone() for n in (1, 2)]


def price_version(db, tenant_id, product_id) -> dict:
    return db.execute("INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, valid_from)"
                      " VALUES (%s, %s, 10000, 'monthly', internal.tenant_today(%s)) RETURNING id",
                      [tenant_id, product_id, tenant_id]).fetchone()


def arrange_services(db, tenant_id) -> None:
    customer = create_customer(db, tenant_id)
    version = price_version(db, tenant_id, two_products(db, tenant_id)[0]["id"])
    for _ in range(2):
        db.execute("INSERT INTO kassa.services (tenant_id, customer_id, price_version_id, billing_day) VALUES (%s, %s, %s, 1)",
                   [tenant_id, customer["id"], version["id"]])


def arrange_invoices(db, tenant_id) -> None:
    customer = create_customer(db, tenant_id)
    for _ in range(2):
        db.execute("INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)"
                   " SELECT id, %s, currency, prices_include_vat FROM kassa.tenants WHERE id = %s", [customer["id"], tenant_id])


# Rows of each writable view in a fresh tenant (which has its standard VAT rate): two where the
# tenant may have several, so that a write reaching them all is seen.
ARRANGE = {
    "customers": lambda db, t: [create_customer(db, t) for _ in range(2)],
    "tenants": lambda db, t: None,
    "billing_settings": lambda db, t: None,
    "payment_settings": lambda db, t: db.execute("INSERT INTO kassa.payment_settings (tenant_id) VALUES (%s)", [t]),
    "document_settings": lambda db, t: db.execute("INSERT INTO kassa.document_settings (tenant_id) VALUES (%s)", [t]),
    "vat_rates": lambda db, t: db.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES (%s, 'reduced', 7)", [t]),
    "datev_settings": lambda db, t: db.execute("INSERT INTO kassa.datev_settings (tenant_id, consultant_number,"
                                               " client_number, debtor_account, bank_account)"
                                               " VALUES (%s, 1001, 1, 10000, 1200)", [t]),
    "datev_revenue_accounts": lambda db, t: db.execute("INSERT INTO kassa.datev_revenue_accounts"
                                                       " (tenant_id, vat_category, vat_rate, account)"
                                                       " VALUES (%s, 'standard', 19, 8400), (%s, 'reduced', 7, 8300)",
                                                       [t, t]),
    "datev_debtor_accounts": lambda db, t: [db.execute("INSERT INTO kassa.datev_debtor_accounts (tenant_id, customer_id,"
                                                       " account) VALUES (%s, %s, %s)", [t, create_customer(db, t)["id"], n])
                                            for n in (10001, 10002)],
    "bonus_tiers": lambda db, t: db.execute("INSERT INTO kassa.bonus_tiers (tenant_id, min_amount, percent)"
                                            " VALUES (%s, 10000, 5), (%s, 50000, 10)", [t, t]),
    "low_balance_thresholds": lambda db, t: db.execute("INSERT INTO kassa.low_balance_thresholds (tenant_id, amount)"
                                                       " VALUES (%s, 1000), (%s, 5000)", [t, t]),
    "products": two_products,
    "price_versions": lambda db, t: [price_version(db, t, p["id"]) for p in two_products(db, t)],
    "services": arrange_services,
    "invoices": arrange_invoices,
    "staff_users": lambda db, t: db.execute("INSERT INTO kassa.staff_users (tenant_id, email, name, role)"
                                            " VALUES (%s, 'a@example.com', 'A', 'admin'), (%s, 'b@example.com', 'B', 'support')",
                                            [t, t]),
}

# A valid change for each view an API role may update (every role that may, may make this one).
PATCH_BODIES = {
    "customers": {"phone": "+27 82 000 0042"},
    "tenants": {"legal_name": "Renamed Ltd"},
    "billing_settings": {"invoice_lead_days": 3},
    "payment_settings": {"max_top_up": 400000},
    "document_settings": {"accent_colour": "#aa3300"},
    "vat_rates": {"rate": 16},
    "datev_settings": {"bank_account": 1210},
    "datev_revenue_accounts": {"account": 8410},
    "datev_debtor_accounts": {"account": 10009},
    "bonus_tiers": {"percent": 7},
    "products": {"description": "Renamed"},
    "price_versions": {"price": 12345},
    "services": {"reference": {"order": "REF-42"}},
    "invoices": {"notes": "Changed"},
    "staff_users": {"name": "Renamed"},
}

# Views where row-level security shows the role one row only, the one its token names (its
# tenant, or for a customer themselves): there a write without a filter is that one row's write.
ONE_ROW_PER_TOKEN = {"staff": {"tenants", "billing_settings", "payment_settings", "document_settings", "datev_settings"},
                     "customer": {"customers"}}


def writable(db, role: str) -> dict[str, list[str]]:
    """{view: ["PATCH", "DELETE"]}: what `role` may do to each api view, from its privileges."""
    rows = db.execute(
        "SELECT c.relname, array_remove(ARRAY["
        "   CASE WHEN has_any_column_privilege(%(role)s, c.oid, 'UPDATE') THEN 'PATCH' END,"
        "   CASE WHEN has_table_privilege(%(role)s, c.oid, 'DELETE') THEN 'DELETE' END], NULL) AS methods"
        "  FROM pg_class c WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'"
        " ORDER BY 1", {"role": role}).fetchall()
    return {row["relname"]: row["methods"] for row in rows if row["methods"]}


def view_key(db, view: str) -> list[str]:
    """The view's columns that name one row (its base table's primary key)."""
    rows = db.execute(
        "SELECT k.view_column FROM pg_trigger t"
        " CROSS JOIN LATERAL string_to_array(encode(t.tgargs, 'escape'), '\\000') a"
        " CROSS JOIN LATERAL internal.view_key(a[1]::regclass, a[2]::jsonb) k"
        " WHERE t.tgrelid = %s::regclass AND t.tgfoid = 'internal.write_one_row'::regproc",
        [f"api.{view}"]).fetchall()
    assert rows, f"api.{view} takes writes but has no write_one_row trigger"
    return [row["view_column"] for row in rows]


def snapshot(db, view: str, tenants: list) -> list[dict]:
    """Every row of the view in these tenants, as the owner sees them."""
    rows = db.execute(
        f"SELECT to_jsonb(v) AS row FROM api.{view} v"  # noqa: S608 - view names come from the catalog
        " WHERE coalesce(to_jsonb(v) ->> 'tenant_id', to_jsonb(v) ->> 'id') = ANY (%s::text[])"
        " ORDER BY to_jsonb(v)::text", [[str(t) for t in tenants]]).fetchall()
    return [row["row"] for row in rows]


@pytest.fixture
def arranged(db, api, token):
    """arranged(view, role) -> (caller, tenant_id, bystander_id): the view's rows in a fresh
    tenant and in a bystander tenant, and PostgREST with a token of `role` in the first."""
    def arrange(view: str, role: str):
        assert view in ARRANGE, f"api.{view} takes writes: give it rows in ARRANGE"
        tenant, bystander = create_tenant(db), create_tenant(db)
        for t in (tenant, bystander):
            ARRANGE[view](db, t["id"])
        customer = None
        if role == "customer":
            customer = (db.execute("SELECT id FROM kassa.customers WHERE tenant_id = %s ORDER BY created_at, id LIMIT 1",
                                   [tenant["id"]]).fetchone() or create_customer(db, tenant["id"]))["id"]
        return api(token(role, tenant["id"], customer)), tenant["id"], bystander["id"]
    return arrange


def send(caller, method: str, path: str, view: str):
    return caller.request(method, path, json=PATCH_BODIES.get(view) if method == "PATCH" else None,
                          headers={"Prefer": "return=representation"})


def refused(response, what: str) -> None:
    assert response.status_code == 400, f"{what}: {response.status_code} {response.text}"
    assert response.json()["code"] == "P0U01", f"{what}: {response.text}"


def one_row_changed(before: list[dict], after: list[dict], change: dict, what: str) -> None:
    """Exactly one row differs, and it differs by `change`."""
    gone, new = [row for row in before if row not in after], [row for row in after if row not in before]
    assert len(gone) == len(new) == 1, f"{what} changed {len(new)} rows: {new}"
    assert new[0] == {**gone[0], **change}, f"{what}: {gone[0]} became {new[0]}"


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_a_write_without_a_key_filter_is_refused_and_changes_nothing(db, arranged, role):
    resources = writable(db, role)
    assert resources, f"{role} may change no api view: nothing to test"
    for view, methods in resources.items():
        caller, tenant, bystander = arranged(view, role)
        for method in methods:
            what = f"{method} /{view} as {role}"
            before = snapshot(db, view, [tenant, bystander])
            visible = caller.get(f"/{view}").json()
            if len(visible) >= 2:
                refused(send(caller, method, f"/{view}", view), what)
                refused(send(caller, method, f"/{view}?tenant_id=eq.{tenant}", view), f"{what}, every row of the tenant")
                assert snapshot(db, view, [tenant, bystander]) == before, f"the refused {what} changed rows"
            else:
                # Row-level security leaves one row: a write without a filter can only be its.
                assert view in ONE_ROW_PER_TOKEN[role], f"{role} sees {len(visible)} row(s) of {view}: arrange two"
                response = send(caller, method, f"/{view}", view)
                assert response.status_code == 200, f"{what}: {response.text}"
                after = snapshot(db, view, [tenant, bystander])
                if method == "DELETE":
                    assert [row for row in before if row not in after] == response.json() and len(after) == len(before) - 1, \
                        f"{what} deleted more or other than its one row"
                else:
                    one_row_changed(before, after, PATCH_BODIES[view], what)


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_a_write_by_key_changes_that_row_and_answers_it(db, arranged, role):
    for view, methods in writable(db, role).items():
        caller, tenant, bystander = arranged(view, role)
        target = caller.get(f"/{view}").json()[0]
        by_key = "&".join(f"{column}=eq.{target[column]}" for column in view_key(db, view))
        before = snapshot(db, view, [tenant, bystander])
        if "PATCH" in methods:
            what = f"PATCH /{view}?{by_key} as {role}"
            response = send(caller, "PATCH", f"/{view}?{by_key}", view)
            assert response.status_code == 200, f"{what}: {response.text}"
            assert response.json() == [{**target, **PATCH_BODIES[view]}], f"{what} answered {response.text}"
            after = snapshot(db, view, [tenant, bystander])
            one_row_changed(before, after, PATCH_BODIES[view], what)
            before = after
        if "DELETE" in methods:
            what = f"DELETE /{view}?{by_key} as {role}"
            response = send(caller, "DELETE", f"/{view}?{by_key}", view)
            assert response.status_code == 200 and len(response.json()) == 1, f"{what}: {response.text}"
            after = snapshot(db, view, [tenant, bystander])
            assert len(after) == len(before) - 1 and all(row in before for row in after), f"{what} left {after}"
