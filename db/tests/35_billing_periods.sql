-- Billing periods of 1, 3, 6 and 12 months: quarterly and half-yearly plans keep their billing
-- day like monthly ones, are pro-rated over the real days of their period, and the invoice run
-- bills them a period at a time.
BEGIN;
SELECT plan(17);
\ir helpers/clock.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql

SELECT is(ARRAY(SELECT internal.interval_months(i) FROM unnest(ARRAY['monthly', 'quarterly', 'half_yearly', 'annual']) i),
          ARRAY[1, 3, 6, 12], 'monthly, quarterly, half-yearly and annual step 1, 3, 6 and 12 months');

-- Billing dates and period lengths.
SELECT is(ARRAY(SELECT (p.period_start, p.period_end - p.period_start)::text
                  FROM internal.billing_periods(31, 3, '2027-01-31', '2027-01-31', '2028-01-31') p),
          ARRAY['(2027-01-31,89)', '(2027-04-30,92)', '(2027-07-31,92)', '(2027-10-31,92)'],
          'quarterly on day 31: the month-end rule, and every quarter has its real length');
SELECT is(ARRAY(SELECT (p.period_start, p.period_end - p.period_start)::text
                  FROM internal.billing_periods(1, 3, '2027-01-01', '2027-01-01', '2028-01-01') p),
          ARRAY['(2027-01-01,90)', '(2027-04-01,91)', '(2027-07-01,92)', '(2027-10-01,92)'],
          'quarterly on day 1: 90, 91, 92 and 92 days');
SELECT is(ARRAY(SELECT (p.period_start, p.period_end - p.period_start)::text
                  FROM internal.billing_periods(1, 6, '2027-01-01', '2027-01-01', '2028-07-01') p),
          ARRAY['(2027-01-01,181)', '(2027-07-01,184)', '(2028-01-01,182)'],
          'half-yearly on day 1: 181 and 184 days, 182 in a leap year');
SELECT is(ARRAY[internal.next_billing_date(31, 6, '2027-08-31'), internal.next_billing_date(31, 6, '2028-02-29')],
          ARRAY['2028-02-29', '2028-08-31']::date[],
          'half-yearly on day 31: the last day of February, then the 31st again (no drift)');
SELECT is(internal.cycle_date_after(30, 3, '2027-01-30', '2027-05-15'), '2027-07-30'::date,
          'the next quarterly billing date after a day inside a quarter');

-- Pro-rata over the real length of the period.
SELECT is(internal.prorate_range(30000, 1, 3, '2027-07-01', '2027-08-01', '2027-10-01'), 19891::bigint,
          '61 days of a 92-day quarter at 300.00: 198.91 (not two months = 200.00)');
SELECT is(internal.prorate_range(30000, 1, 3, '2027-07-01', '2027-07-01', '2027-08-01')
          + internal.prorate_range(30000, 1, 3, '2027-07-01', '2027-08-01', '2027-10-01'), 30000::bigint,
          'the parts of one quarter add up to its price');
SELECT is(internal.prorate_range(60000, 1, 6, '2028-01-01', '2028-03-15', '2028-07-01'), 35604::bigint,
          '108 days of a 182-day half-year at 600.00: 356.04');
SELECT is(internal.prorate_range(30000, 1, 3, '2027-07-01', '2027-09-15', '2027-11-15'),
          internal.prorate(30000, '2027-07-01', '2027-10-01', '2027-09-15', '2027-10-01')
          + internal.prorate(30000, '2027-10-01', '2028-01-01', '2027-10-01', '2027-11-15'),
          'a range across a quarter boundary is priced in each quarter');

-- The catalog takes the new intervals; anything else is still refused.
INSERT INTO kassa.products (tenant_id, id, code, name, kind)
VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e003', 'fibre-quarter', 'Fibre Quarterly', 'plan'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e006', 'fibre-half', 'Fibre Half-yearly', 'plan');
-- Entered on the day they are valid from (valid_from lies in the tenant's date window).
SELECT pg_temp.travel_to('2020-01-01 12:00+00');
SELECT lives_ok($$INSERT INTO kassa.price_versions (tenant_id, id, product_id, price, interval, valid_from)
                  VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000f003',
                          'aaaaaaaa-0000-4000-8000-00000000e003', 30000, 'quarterly', '2020-01-01'),
                         ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000f006',
                          'aaaaaaaa-0000-4000-8000-00000000e006', 60000, 'half_yearly', '2020-01-01')$$,
                'quarterly and half-yearly plan prices are accepted');
SELECT throws_ok($$INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval)
                   VALUES ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e003', 1000, 'weekly')$$,
                 '23514', NULL, 'an unknown interval is refused (price_versions_interval_known)');

-- Through the invoice run. A1: quarterly on day 1, activated 15 Aug (pro-rata to 1 Sep in the
-- quarter 1 Jun - 31 Aug). A2: half-yearly on day 30, activated on its billing date 30 Aug.
SELECT pg_temp.travel_to('2027-08-01 12:00+00');
SELECT pg_temp.new_service(1, 1, 'aaaaaaaa-0000-4000-8000-00000000f003');
SELECT pg_temp.new_service(2, 30, 'aaaaaaaa-0000-4000-8000-00000000f006', 'aaaaaaaa-0000-4000-8000-0000000000a2');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d001', 'activate', '2027-08-15');
SELECT pg_temp.act('aaaaaaaa-0000-4000-8000-00000000d002', 'activate', '2027-08-30');
-- Each run on its own day (an invoice cannot be dated ahead of the tenant's today).
SELECT pg_temp.travel_to('2027-08-25 12:00+02');
SELECT internal.invoice_run('2027-08-25', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is(ARRAY(SELECT (l.charge_kind, l.period_start, l.period_end, l.amount)::text FROM kassa.invoice_lines l
                 WHERE l.service_id = 'aaaaaaaa-0000-4000-8000-00000000d001' ORDER BY l.period_start),
          ARRAY['(proration,2027-08-15,2027-08-31,5543)', '(recurring,2027-09-01,2027-11-30,30000)'],
          'quarterly: 17 days of the 92-day quarter to 31 Aug, then the quarter September to November');
SELECT is(ARRAY(SELECT (l.charge_kind, l.period_start, l.period_end, l.amount)::text FROM kassa.invoice_lines l
                 WHERE l.service_id = 'aaaaaaaa-0000-4000-8000-00000000d002' ORDER BY l.period_start),
          ARRAY['(recurring,2027-08-30,2028-02-28,60000)'],
          'half-yearly: 30 Aug to the day before the last day of February, at the full price');
SELECT is(ARRAY(SELECT s.next_billing_date FROM kassa.services s
                 WHERE s.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a' ORDER BY s.id),
          ARRAY['2027-12-01', '2028-02-29']::date[], 'each next billing date is one period on');
SELECT is((SELECT array_agg(i.status ORDER BY i.customer_id) FROM kassa.invoices i
            WHERE i.tenant_id = 'aaaaaaaa-0000-4000-8000-00000000000a'), ARRAY['finalised', 'finalised'],
          'one finalised invoice per customer');

SELECT pg_temp.travel_to('2027-11-28 12:00+02');
SELECT internal.invoice_run('2027-11-28', 'aaaaaaaa-0000-4000-8000-00000000000a');
SELECT is(ARRAY(SELECT (l.period_start, l.period_end, l.amount)::text FROM kassa.invoice_lines l
                 WHERE l.service_id = 'aaaaaaaa-0000-4000-8000-00000000d001' AND l.charge_kind = 'recurring'
                 ORDER BY l.period_start),
          ARRAY['(2027-09-01,2027-11-30,30000)', '(2027-12-01,2028-02-29,30000)'],
          'the next run bills the next quarter, December to the leap day');

SELECT * FROM finish();
ROLLBACK;
