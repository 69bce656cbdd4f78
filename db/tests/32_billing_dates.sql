-- Billing dates: a billing day beyond the month's end falls on the last day and returns to
-- the chosen day in the next month that has it; dates never drift.
BEGIN;
SELECT plan(12);

SELECT is(internal.billing_date(30, '2028-02-10'), '2028-02-29'::date, 'day 30 in February of a leap year: the 29th');
SELECT is(internal.billing_date(30, '2027-02-10'), '2027-02-28'::date, 'day 30 in February of a common year: the 28th');
SELECT is(internal.billing_date(31, '2026-04-01'), '2026-04-30'::date, 'day 31 in a 30-day month: the 30th');
SELECT is(internal.billing_date(5, '2026-04-30'), '2026-04-05'::date, 'a day every month has is kept');

SELECT is(internal.first_billing_date(30, '2028-01-31'), '2028-02-29'::date, 'activated 31 Jan, day 30: first billing 29 Feb 2028');
SELECT is(internal.first_billing_date(1, '2026-03-01'), '2026-03-01'::date, 'activated on the billing day: that day');
SELECT is(internal.first_billing_date(25, '2026-12-26'), '2027-01-25'::date, 'across the year end');

SELECT is((WITH RECURSIVE s(n, d) AS (SELECT 1, '2027-01-31'::date
                                      UNION ALL SELECT n + 1, internal.next_billing_date(31, 1, d) FROM s WHERE n < 6)
           SELECT array_agg(d ORDER BY n) FROM s),
          ARRAY['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30']::date[],
          'day 31 comes back after February and April: no drift to the 28th or 30th');
SELECT is((WITH RECURSIVE s(n, d) AS (SELECT 1, '2028-01-30'::date
                                      UNION ALL SELECT n + 1, internal.next_billing_date(30, 1, d) FROM s WHERE n < 4)
           SELECT array_agg(d ORDER BY n) FROM s),
          ARRAY['2028-01-30', '2028-02-29', '2028-03-30', '2028-04-30']::date[], 'day 30 through a leap February');
SELECT is(internal.next_billing_date(30, 12, '2027-02-28'), '2028-02-29'::date,
          'annual, day 30 anchored in February: the last day of next February');
SELECT is(internal.cycle_date_after(1, 1, '2026-01-01', '2026-03-15'), '2026-04-01'::date,
          'the first billing date after a day, counted from any billing date of the cycle');
SELECT results_eq($$SELECT period_start, period_end FROM internal.billing_periods(30, 1, '2028-02-29', '2028-02-10', '2028-03-30')$$,
                  $$VALUES ('2028-01-30'::date, '2028-02-29'::date), ('2028-02-29', '2028-03-30')$$,
                  'the periods a date range touches, each from one billing date to the next');

SELECT * FROM finish();
ROLLBACK;
