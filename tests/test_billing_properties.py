"""Properties of the date and money rules, checked against the SQL functions themselves:
pro-rata parts of a period always add up to its price; billing-date sequences never skip or
repeat a month, for every billing day and start date in 2024-2030."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

import psycopg
import pytest
from hypothesis import given, settings as hsettings, strategies as st

EXAMPLES = hsettings(max_examples=200, deadline=None)
days_2024_2030 = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@pytest.fixture(scope="module")
def sql(settings):
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        yield conn


@EXAMPLES
@given(price=st.integers(min_value=0, max_value=10**10), day=st.integers(min_value=1, max_value=31),
       months=st.sampled_from([1, 3, 6, 12]), on=days_2024_2030, cuts=st.lists(st.integers(min_value=1, max_value=365), max_size=6))
def test_parts_of_a_period_sum_to_its_price(sql, price, day, months, on, cuts):
    start, end = sql.execute("SELECT period_start, period_end FROM internal.billing_periods(%s, %s, %s, %s, %s + 1)",
                             [day, months, on, on, on]).fetchone()
    length = (end - start).days
    bounds = sorted({start, end, *(start + timedelta(days=c % length) for c in cuts)})
    parts = sql.execute("SELECT array_agg(internal.prorate(%s, %s, %s, a, b) ORDER BY a)"
                        " FROM unnest(%s::date[], %s::date[]) AS x(a, b)",
                        [price, start, end, bounds[:-1], bounds[1:]]).fetchone()[0]
    assert sum(parts) == price
    assert all(p >= 0 for p in parts)


@EXAMPLES
@given(price=st.integers(min_value=0, max_value=10**9), day=st.integers(min_value=1, max_value=31),
       a=days_2024_2030, b=days_2024_2030, c=days_2024_2030)
def test_ranges_add_up_across_periods(sql, price, day, a, b, c):
    """[a, b) + [b, c) = [a, c) in any order: a credit and a charge over the same days cancel."""
    ab, bc, ac = sql.execute(
        "SELECT internal.prorate_range(%(p)s, %(d)s, 1, %(a)s, %(a)s, %(b)s),"
        "       internal.prorate_range(%(p)s, %(d)s, 1, %(a)s, %(b)s, %(c)s),"
        "       internal.prorate_range(%(p)s, %(d)s, 1, %(a)s, %(a)s, %(c)s)",
        {"p": price, "d": day, "a": a, "b": b, "c": c}).fetchone()
    assert ab + bc == ac


def expected_billing_date(day: int, year: int, month: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@EXAMPLES
@given(day=st.integers(min_value=1, max_value=31), start=days_2024_2030)
def test_billing_dates_never_skip_or_repeat_a_month(sql, day, start):
    dates = sql.execute("""
        WITH RECURSIVE s(n, d) AS (SELECT 1, internal.first_billing_date(%(day)s, %(start)s)
                                   UNION ALL SELECT n + 1, internal.next_billing_date(%(day)s, 1, d) FROM s WHERE n < 40)
        SELECT array_agg(d ORDER BY n) FROM s""", {"day": day, "start": start}).fetchone()[0]
    assert dates[0] >= start and (dates[0] - start).days < 31
    months = [d.year * 12 + d.month for d in dates]
    assert months == list(range(months[0], months[0] + len(dates))), "a month was skipped or repeated"
    assert all(d == expected_billing_date(day, d.year, d.month) for d in dates), "the billing day drifted"


def test_every_billing_day_and_start_date_2024_2030(sql):
    """Exhaustively, against Python's calendar: the first billing date from every start date, and
    the step from every billing date to the next, for every billing day. Together they make
    every sequence in 2024-2030 month after month with no skip, repeat or drift."""
    firsts = sql.execute("""
        SELECT d, s::date, internal.first_billing_date(d, s::date)
          FROM generate_series(1, 31) d, generate_series('2024-01-01'::date, '2030-12-31', '1 day') s""").fetchall()
    for day, start, first in firsts:
        this_month = expected_billing_date(day, start.year, start.month)
        following = start.replace(day=1) + timedelta(days=32)
        assert first == (this_month if this_month >= start else expected_billing_date(day, following.year, following.month)), (day, start)
    steps = sql.execute("""
        SELECT d, internal.billing_date(d, m::date), internal.next_billing_date(d, 1, internal.billing_date(d, m::date))
          FROM generate_series(1, 31) d, generate_series('2024-01-01'::date, '2030-12-01', '1 month') m""").fetchall()
    for day, billing, following in steps:
        nxt = billing.replace(day=1) + timedelta(days=32)
        assert following == expected_billing_date(day, nxt.year, nxt.month), (day, billing)
    assert len(firsts) == 31 * 2557 and len(steps) == 31 * 84
