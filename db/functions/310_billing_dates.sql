-- Billing dates. A service keeps the billing day it was sold with (its anchor, 1..31). In a
-- month too short for that day the billing date is the month's last day; the next month that
-- has the day bills on it again. Every date is computed from the anchor day and a month
-- number, never from the previous date, so the dates cannot drift (30 Jan, 29 Feb, 30 Mar, ...).
-- A period runs from one billing date to the day before the next; a quarterly, half-yearly or
-- annual plan steps 3, 6 or 12 months at a time on the same rule.
--
-- These are pure expressions over their arguments, written as SQL functions without a SET
-- clause so the planner inlines them into the invoice run's set-based statements (a SET
-- clause or STRICT would make every call a separate function invocation).

-- Months since January 2000 of the month a date is in.
CREATE OR REPLACE FUNCTION internal.month_index(p_date date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((extract(year FROM p_date) - 2000) * 12 + extract(month FROM p_date) - 1)::integer
$$;

-- The billing date of anchor day p_day in month number p_month (see month_index). Date
-- arithmetic does the month-end rule: 31 Jan 2000 + 1 month is 29 Feb 2000.
CREATE OR REPLACE FUNCTION internal.billing_date_of_month(p_day integer, p_month integer) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (pg_catalog.make_date(2000, 1, p_day) + pg_catalog.make_interval(months => p_month))::date
$$;

-- The billing date of anchor day p_day in the month of p_month.
CREATE OR REPLACE FUNCTION internal.billing_date(p_day integer, p_month date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT internal.billing_date_of_month(p_day, internal.month_index(p_month))
$$;

-- The k-th billing date of a cycle (k may be negative): k steps of p_months from the month of
-- p_anchor, which is any billing date of the cycle.
CREATE OR REPLACE FUNCTION internal.cycle_date(p_day integer, p_months integer, p_anchor date, p_k integer)
RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT internal.billing_date_of_month(p_day, internal.month_index(p_anchor) + p_k * p_months)
$$;

-- The number of the cycle step whose month holds p_date (rounded down).
CREATE OR REPLACE FUNCTION internal.cycle_step(p_months integer, p_anchor date, p_date date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT floor((internal.month_index(p_date) - internal.month_index(p_anchor))::numeric / p_months)::integer
$$;

-- The first billing date of the cycle strictly after p_after.
CREATE OR REPLACE FUNCTION internal.cycle_date_after(p_day integer, p_months integer, p_anchor date, p_after date)
RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN internal.cycle_date(p_day, p_months, p_anchor, internal.cycle_step(p_months, p_anchor, p_after)) > p_after
              THEN internal.cycle_date(p_day, p_months, p_anchor, internal.cycle_step(p_months, p_anchor, p_after))
              ELSE internal.cycle_date(p_day, p_months, p_anchor, internal.cycle_step(p_months, p_anchor, p_after) + 1) END
$$;

-- The first billing date on or after p_on: where a new service's billing starts.
CREATE OR REPLACE FUNCTION internal.first_billing_date(p_day integer, p_on date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT internal.cycle_date_after(p_day, 1, p_on, p_on - 1)
$$;

-- The billing date after p_billing_date (p_months: see interval_months).
CREATE OR REPLACE FUNCTION internal.next_billing_date(p_day integer, p_months integer, p_billing_date date)
RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT internal.cycle_date(p_day, p_months, p_billing_date, 1)
$$;

-- Periods of the cycle that overlap [p_from, p_to): period_start inclusive, period_end exclusive.
CREATE OR REPLACE FUNCTION internal.billing_periods(p_day integer, p_months integer, p_anchor date,
                                                   p_from date, p_to date)
RETURNS TABLE (period_start date, period_end date)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p.s, p.e
    FROM generate_series(internal.cycle_step(p_months, p_anchor, p_from) - 1,
                         internal.cycle_step(p_months, p_anchor, p_to) + 1) k
   CROSS JOIN LATERAL (SELECT internal.cycle_date(p_day, p_months, p_anchor, k) AS s,
                              internal.cycle_date(p_day, p_months, p_anchor, k + 1) AS e) p
   WHERE p.s < p_to AND p.e > p_from
$$;

-- Months per billing interval (the intervals of price_versions_interval_known).
CREATE OR REPLACE FUNCTION internal.interval_months(p_interval text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE p_interval WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3 WHEN 'half_yearly' THEN 6 WHEN 'annual' THEN 12 END
$$;

