-- Pro-rata: day-based over the real length of the period being split, parts of one period
-- summing exactly to its price. Expected amounts are worked out by hand in the comments
-- (F(k) = round(P * k / L); amount for days [a, b) = F(b) - F(a)).
BEGIN;
SELECT plan(15);
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
-- A service on billing day 1 (id ...d00N), active since 1 March 2026, March already billed.
CREATE FUNCTION pg_temp.billed_for_march(p_n integer, p_version uuid DEFAULT 'aaaaaaaa-0000-4000-8000-00000000f100')
RETURNS uuid LANGUAGE sql AS $$
  SELECT pg_temp.act(pg_temp.new_service(p_n, 1, p_version), 'activate', '2026-03-01');
  UPDATE kassa.services SET next_billing_date = '2026-04-01'
   WHERE id = ('aaaaaaaa-0000-4000-8000-00000000d' || lpad(p_n::text, 3, '0'))::uuid
  RETURNING id
$$;

-- F(1) of 100.00 over 30 days = 3.33; the rest of the period is 96.67: the parts add up.
SELECT is(internal.prorate(10000, '2028-01-30', '2028-02-29', '2028-01-30', '2028-01-31')
        + internal.prorate(10000, '2028-01-30', '2028-02-29', '2028-01-31', '2028-02-29'), 10000::bigint,
          'two parts of a period sum to its price');
SELECT is(internal.prorate(100, '2026-01-01', '2026-01-04', '2026-01-01', '2026-01-02'), 33::bigint,
          '1.00 over 3 days: the first day is 0.33');
SELECT is(internal.prorate_range(10000, 1, 1, '2026-03-01', '2026-03-10', '2026-03-01'), -2903::bigint,
          'a reversed range is the negated amount: 9 days of 31 = 29.03');

-- Dates callers give lie in the tenant's window around today (90 days back, 366 ahead): the
-- clock is where the story is.
SELECT pg_temp.travel_to('2028-02-01 12:00+00');

-- Activation 31 Jan 2028, billing day 30: period 30 Jan - 28 Feb (30 days); 29 days charged:
-- F(30) - F(1) = 10000 - round(333.33) = 9667.
SELECT pg_temp.new_service(1, 30);
SELECT is((SELECT next_billing_date FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2028-01-31')),
          '2028-02-29'::date, 'activated 31 Jan with billing day 30: next billing date 29 Feb 2028');
SELECT is((SELECT row(unit_price, period_start, period_end)::text FROM kassa.pending_charges
            WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d001'),
          '(9667,2028-01-31,2028-02-28)', 'first period: 29 of 30 days = 96.67');

-- Activation 10 Feb 2028, billing day 1: period 1-29 Feb (29 days, leap year); 20 days:
-- F(29) - F(9) = 10000 - round(3103.45) = 6897.
SELECT pg_temp.new_service(2, 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d002', 'activate', '2028-02-10');
SELECT is((SELECT unit_price FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d002'),
          6897::bigint, 'leap February: 20 of 29 days = 68.97');

SELECT pg_temp.travel_to('2026-04-01 12:00+00');
-- Upgrade 100 -> 200 on the last day of the period 1-31 Mar 2026 (already billed): credit
-- F(31) - F(30) of 100.00 = 10000 - 9677 = 323; charge F(31) - F(30) of 200.00 = 20000 - 19355 = 645.
SELECT pg_temp.billed_for_march(3);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d003', 'change_plan', '2026-03-31', 'aaaaaaaa-0000-4000-8000-00000000f200');
SELECT is((SELECT array_agg(unit_price ORDER BY unit_price) FROM kassa.pending_charges
            WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d003'), ARRAY[-323, 645]::bigint[],
          'upgrade on the last day: one day credited on the old plan, one charged on the new');
SELECT is((SELECT price_version_id FROM kassa.services WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d003'),
          'aaaaaaaa-0000-4000-8000-00000000f200'::uuid, 'the service is on the new plan version');

-- Downgrade 200 -> 50 on 16 Mar 2026 (16 of 31 days left): credit 20000 - round(9677.42) = 10323,
-- charge 5000 - round(2419.35) = 2581.
SELECT pg_temp.billed_for_march(4, 'aaaaaaaa-0000-4000-8000-00000000f200');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d004', 'change_plan', '2026-03-16', 'aaaaaaaa-0000-4000-8000-00000000f050');
SELECT is((SELECT array_agg(unit_price ORDER BY unit_price) FROM kassa.pending_charges
            WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d004'), ARRAY[-10323, 2581]::bigint[],
          'downgrade mid-period: credit of the old plan, charge of the cheaper one');

-- Cancellation on 10 Apr 2026, billing day 25, billed to 24 Apr: period 25 Mar - 24 Apr (31
-- days), 15 unused: 10000 - round(5161.29) = 4839 credited.
SELECT pg_temp.new_service(5, 25);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d005', 'activate', '2026-03-25');
UPDATE kassa.services SET next_billing_date = '2026-04-25' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000d005';
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d005', 'cancel', '2026-04-10');
SELECT is((SELECT row(unit_price, period_start, period_end)::text FROM kassa.pending_charges
            WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d005'),
          '(-4839,2026-04-10,2026-04-24)', 'cancellation mid-period credits the unused days');

-- Cancelled before the run billed the period: the used days 1-10 Mar are charged, round(3225.81) = 3226.
SELECT pg_temp.new_service(6, 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d006', 'activate', '2026-03-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d006', 'cancel', '2026-03-11');
SELECT is((SELECT unit_price FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d006'),
          3226::bigint, 'cancelled before the period was billed: the days used are charged');

-- Suspended after March was billed, resumed 10 Apr: April (30 days) from the 10th, 21 days:
-- 10000 - round(3000) = 7000; next billing date 1 May.
SELECT pg_temp.billed_for_march(7);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d007', 'suspend', '2026-03-05');
SELECT is((SELECT next_billing_date FROM pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d007', 'resume', '2026-04-10')),
          '2026-05-01'::date, 'resumed after the next billing date passed: billing restarts on the next one');
SELECT is((SELECT unit_price FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d007'),
          7000::bigint, 'the partial period from resumption is charged, the suspended days are not');

-- Cancelling while suspended is not charged for the suspended days.
SELECT pg_temp.new_service(8, 1);
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d008', 'activate', '2026-03-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d008', 'suspend', '2026-03-01');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d008', 'cancel', '2026-05-20');
SELECT is((SELECT count(*) FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d008'),
          0::bigint, 'a service suspended since its first day and then cancelled owes nothing');

SELECT pg_temp.travel_to('2028-03-01 12:00+00');
-- Annual plan 1,200.00, billing day 1, activated 15 Mar 2028: first billing 1 Apr 2028; the
-- year 1 Apr 2027 - 31 Mar 2028 has 366 days, 17 charged: 120000 - round(114426.23) = 5574.
SELECT pg_temp.new_service(9, 1, 'aaaaaaaa-0000-4000-8000-00000000f012');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d009', 'activate', '2028-03-15');
SELECT is((SELECT row(unit_price, period_end)::text FROM kassa.pending_charges WHERE service_id = 'aaaaaaaa-0000-4000-8000-00000000d009'),
          '(5574,2028-03-31)', 'annual plan: the partial period is priced over the 366-day year it lies in');

SELECT * FROM finish();
ROLLBACK;
