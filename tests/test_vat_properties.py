"""VAT per invoice and rate matches a reference computed independently in Python.

The reference: group the line amounts by rate, sum, and take VAT from the sum once, half away
from zero (ROUND_HALF_UP on the absolute value, sign restored): net x rate / 100 for prices
excluding VAT, gross x rate / (100 + rate) for prices including it.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import psycopg
import pytest
from hypothesis import HealthCheck, assume, given, settings as hsettings, strategies as st

from factories import create_customer, create_tenant
from psycopg.rows import dict_row

RATES = {"zero": Decimal("0"), "reduced": Decimal("7"), "fr": Decimal("5.5"), "standard": Decimal("15"),
         "de": Decimal("19"), "nl": Decimal("21")}


def round_half_away(value: Decimal) -> int:
    magnitude = abs(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(-magnitude if value < 0 else magnitude)


def reference_totals(lines: list[tuple[int, str]], includes_vat: bool) -> tuple[int, int, int]:
    per_rate: dict[Decimal, int] = defaultdict(int)
    for amount, category in lines:
        per_rate[RATES[category]] += amount
    net = vat = gross = 0
    for rate, amount in per_rate.items():
        divisor = Decimal(100) + rate if includes_vat else Decimal(100)
        rate_vat = round_half_away(Decimal(amount) * rate / divisor)
        vat += rate_vat
        net += amount - rate_vat if includes_vat else amount
        gross += amount if includes_vat else amount + rate_vat
    return net, vat, gross


@pytest.fixture(scope="module")
def vat_world(settings):
    with psycopg.connect(settings.database_url, autocommit=True, row_factory=dict_row) as conn:
        tenants = {}
        for includes_vat in (False, True):
            tenant = create_tenant(conn, prices_include_vat=includes_vat)
            conn.execute("DELETE FROM kassa.vat_rates WHERE tenant_id = %s", [tenant["id"]])
            for category, rate in RATES.items():
                conn.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES (%s, %s, %s)",
                             [tenant["id"], category, rate])
            tenants[includes_vat] = (tenant, create_customer(conn, tenant["id"]))
        yield tenants


def database_totals(conn, tenant, customer, lines) -> tuple[int, int, int]:
    with conn.transaction(force_rollback=True):
        invoice = conn.execute(
            "INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            [tenant["id"], customer["id"], tenant["currency"], tenant["prices_include_vat"]]).fetchone()["id"]
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, position, description, unit_price,"
                            " vat_category) VALUES (%s, %s, %s, 'line', %s, %s)",
                            [(tenant["id"], invoice, n, amount, category) for n, (amount, category) in enumerate(lines)])
        conn.execute("SELECT internal.refresh_invoice_totals(%s, ARRAY[%s]::uuid[])", [tenant["id"], invoice])
        row = conn.execute("SELECT net_total, vat_total, total FROM kassa.invoices WHERE id = %s", [invoice]).fetchone()
        return row["net_total"], row["vat_total"], row["total"]


lines_strategy = st.lists(
    st.tuples(st.integers(min_value=-50_000_00, max_value=500_000_00), st.sampled_from(sorted(RATES))),
    min_size=1, max_size=12)


@pytest.mark.parametrize("includes_vat", [False, True], ids=["prices-exclude-vat", "prices-include-vat"])
@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=lines_strategy)
def test_invoice_vat_matches_the_decimal_reference(db, vat_world, includes_vat, lines):
    tenant, customer = vat_world[includes_vat]
    # An invoice never totals below zero (invoices_not_overpaid): credits go on credit notes.
    assume(reference_totals(lines, includes_vat)[2] >= 0)
    assert database_totals(db, tenant, customer, lines) == reference_totals(lines, includes_vat)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.integers(min_value=-10**9, max_value=10**9), category=st.sampled_from(sorted(RATES)),
       includes_vat=st.booleans())
def test_vat_of_one_rate_is_symmetric_and_matches_the_reference(db, amount, category, includes_vat):
    rate = RATES[category]
    got, mirrored = db.execute("SELECT internal.vat_of(%s, %s, %s) AS a, internal.vat_of(%s, %s, %s) AS b",
                               [amount, rate, includes_vat, -amount, rate, includes_vat]).fetchone().values()
    divisor = Decimal(100) + rate if includes_vat else Decimal(100)
    assert got == round_half_away(Decimal(amount) * rate / divisor)
    assert mirrored == -got
