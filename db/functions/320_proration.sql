-- Pro-rata. A period's price is spread over its real days (28 to 31 for a month, 89 to 92 for
-- a quarter, 181 to 184 for a half-year, 365 or 366 for a year). The amount for days [a, b) of a period [s, e) of L = e - s days at price P is
--     F(b - s) - F(a - s)   where   F(k) = round(P * k / L), half away from zero
-- (F(0) = 0 and F(L) = P). For a period split at one day this is the largest-remainder split
-- of P into two parts (a tie gives the cent to the first part); because every part is a
-- difference of the same rounded running totals, any number of parts of one period (an
-- activation, a plan change, a cancellation) add up to exactly P. docs/billing.md has
-- worked examples. Like the billing dates, these are inlinable SQL (no SET clause).

-- F(k): the rounded share of p_price for the first p_days of a p_length-day period.
CREATE OR REPLACE FUNCTION internal.prorate_share(p_price bigint, p_days integer, p_length integer) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round(p_price::numeric * p_days / p_length)::bigint
$$;

-- The amount for days [p_from, p_to) of the single period [p_start, p_end).
CREATE OR REPLACE FUNCTION internal.prorate(p_price bigint, p_start date, p_end date, p_from date, p_to date)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT internal.prorate_share(p_price, p_to - p_start, p_end - p_start)
       - internal.prorate_share(p_price, p_from - p_start, p_end - p_start)
$$;

-- The amount for days [p_from, p_to) of a cycle (p_anchor is any of its billing dates), over
-- as many periods as the range touches. Reversed bounds give the negated amount, so "credit
-- from the change date to the next billing date" is right even when that date is past.
CREATE OR REPLACE FUNCTION internal.prorate_range(p_price bigint, p_day integer, p_months integer, p_anchor date,
                                                  p_from date, p_to date)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT sign(p_to - p_from)::bigint * coalesce(sum(internal.prorate(p_price, p.period_start, p.period_end,
                                                  greatest(p.period_start, least(p_from, p_to)),
                                                  least(p.period_end, greatest(p_from, p_to)))), 0)::bigint
    FROM internal.billing_periods(p_day, p_months, p_anchor, least(p_from, p_to), greatest(p_from, p_to)) p
$$;

