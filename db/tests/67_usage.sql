-- Usage: idempotent batches (same key twice changes nothing, other content under a key is
-- refused and the batch leaves nothing), daily totals in the tenant's days across midnight and
-- the DST change (Europe/Berlin), cap warnings once per period at the tenant's percentages, the
-- invoice run's overage with rounding and a pro-rated allowance, and late records on the next
-- invoice, each record billed once.
BEGIN;
SELECT plan(35);
\ir helpers/two_tenants.sql
\ir helpers/clock.sql

-- Tenant B (Berlin, EUR, net prices, 19 %) sells LTE 10: 20.00 a month, 10 GB included and
-- capped, 0.02 per started MB above. A service on billing day 1, activated on 10 March 2026.
SELECT pg_temp.travel_to('2026-03-10 12:00+00');
INSERT INTO kassa.products (tenant_id, id, code, name, kind)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000e010', 'lte10', 'LTE 10', 'plan');
INSERT INTO kassa.price_versions (tenant_id, id, product_id, price, interval, usage_unit, usage_cap, usage_allowance,
                                  usage_step, usage_step_price)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000f010',
        'bbbbbbbb-0000-4000-8000-00000000e010', 2000, 'monthly', 'bytes', 10000000000, 10000000000, 1000000, 2);
INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, billing_day)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d001',
        'bbbbbbbb-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000f010', 1),
       ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d002',
        'bbbbbbbb-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000f010', 1);
SELECT internal.service_transition('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d001',
                                   'activate', 'tap', '2026-03-10');

-- A batch as the network system sends it: records (source "radius") of service d001.
CREATE FUNCTION pg_temp.usage(p_records jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT internal.record_usage('bbbbbbbb-0000-4000-8000-00000000000b',
    (SELECT jsonb_agg(jsonb_build_object('source', 'radius', 'service_id', 'bbbbbbbb-0000-4000-8000-00000000d001') || r)
       FROM jsonb_array_elements(p_records) r))
$$;
CREATE FUNCTION pg_temp.warnings() RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg((payload ->> 'period_start') || ' ' || (payload ->> 'percent') ORDER BY id), '{}')
    FROM kassa.notifications WHERE kind = 'usage_cap_warning'
$$;
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE sql AS $$
  SELECT (SELECT count(*) || '/' || coalesce(sum(quantity), 0) FROM kassa.usage_records) || ' '
      || (SELECT coalesce(sum(quantity), 0) FROM kassa.usage_daily) || ' '
      || (SELECT coalesce(sum(quantity), 0) FROM kassa.usage_periods) || ' '
      || (SELECT count(*) FROM kassa.notifications WHERE kind = 'usage_cap_warning')
$$;

-- Idempotence.
SELECT pg_temp.travel_to('2026-03-20 12:00+00');
SELECT is(pg_temp.usage('[{"key": "k1", "unit": "bytes_down", "quantity": 5000000000, "usage_at": "2026-03-15T10:00:00Z"},
                          {"key": "k2", "unit": "bytes_up", "quantity": 2000000000, "usage_at": "2026-03-16T10:00:00+01:00"}]'),
          '{"received": 2, "recorded": 2, "already_recorded": 0}', 'a batch is recorded');
SELECT is(pg_temp.usage('[{"key": "k1", "unit": "bytes_down", "quantity": 5000000000, "usage_at": "2026-03-15T11:00:00+01:00"},
                          {"key": "k1", "unit": "bytes_down", "quantity": 5000000000, "usage_at": "2026-03-15T10:00:00Z"}]'),
          '{"received": 2, "recorded": 0, "already_recorded": 2}', 'sent again (the same instant, however written), nothing changes');
SELECT is(pg_temp.fingerprint(), '2/7000000000 7000000000 7000000000 0', 'two records, counted once in every total; 70 %: no warning');
SELECT throws_ok($$SELECT pg_temp.usage('[{"key": "k9", "unit": "units", "quantity": 1, "usage_at": "2026-03-15T10:00:00Z"},
                                         {"key": "k1", "unit": "bytes_down", "quantity": 5000000001, "usage_at": "2026-03-15T10:00:00Z"}]')$$,
                 'P0O02', 'records[1]: key "k1" of source "radius" was recorded with other content',
                 'a key recorded with other content is refused, naming the record');
SELECT is(pg_temp.fingerprint(), '2/7000000000 7000000000 7000000000 0', '... and the batch left nothing (k9 neither)');
SELECT throws_ok($$SELECT pg_temp.usage('[{"key": "k9", "unit": "bytes", "quantity": 1, "usage_at": "2026-03-15T10:00:00Z"}]')$$,
                 'P0O01', 'records[0]: unit must be bytes_up, bytes_down, seconds or units', 'an unknown unit');
SELECT throws_ok($$SELECT pg_temp.usage('[{"key": "k9", "unit": "units", "quantity": 1.5, "usage_at": "2026-03-15T10:00:00Z"}]')$$,
                 'P0O01', NULL, 'a fraction of a unit');
SELECT throws_ok($$SELECT pg_temp.usage('[{"key": "k9", "unit": "units", "quantity": 1, "usage_at": "2026-02-30T10:00:00Z"}]')$$,
                 'P0O01', NULL, 'a day that does not exist');
SELECT throws_ok($$SELECT pg_temp.usage('[{"key": "k9", "unit": "units", "quantity": 1, "usage_at": "2026-03-15T10:00:00"}]')$$,
                 'P0O01', NULL, 'a time without its offset');
SELECT throws_ok($$SELECT pg_temp.usage('[{"key": "k9", "unit": "units", "quantity": 1, "usage_at": "2026-03-09T10:00:00Z"}]')$$,
                 'P0O05', NULL, 'usage before the service was activated');
SELECT throws_ok($$SELECT pg_temp.usage('[{"key": "k9", "unit": "units", "quantity": 1, "usage_at": "2026-03-21T10:00:00Z"}]')$$,
                 'P0O05', NULL, 'usage in the future');
SELECT throws_ok($$SELECT internal.record_usage('bbbbbbbb-0000-4000-8000-00000000000b',
                     '[{"source": "radius", "key": "k9", "service_id": "bbbbbbbb-0000-4000-8000-00000000d002",
                        "unit": "units", "quantity": 1, "usage_at": "2026-03-15T10:00:00Z"}]')$$,
                 'P0O05', NULL, 'usage of a service never activated');
SELECT throws_ok($$SELECT internal.record_usage('aaaaaaaa-0000-4000-8000-00000000000a',
                     '[{"source": "radius", "key": "k9", "service_id": "bbbbbbbb-0000-4000-8000-00000000d001",
                        "unit": "units", "quantity": 1, "usage_at": "2026-03-15T10:00:00Z"}]')$$,
                 'P0O04', NULL, 'another tenant''s service is not found');
SELECT throws_ok($$SELECT internal.record_usage('bbbbbbbb-0000-4000-8000-00000000000b',
                     (SELECT jsonb_agg(jsonb_build_object('source', 's', 'key', k::text)) FROM generate_series(1, 1001) k))$$,
                 'P0O03', NULL, 'more than 1000 records in a batch');
SELECT throws_ok($$UPDATE kassa.usage_records SET quantity = 1$$, 'P0O06', NULL, 'a recorded fact never changes');

-- Cap warnings: 80 % and 95 % of 10 GB, once each in the period.
SELECT pg_temp.usage('[{"key": "k3", "unit": "bytes_down", "quantity": 1500000000, "usage_at": "2026-03-18T10:00:00Z"}]');
SELECT is(pg_temp.warnings(), ARRAY['2026-03-01 80'], '85 %: the 80 % warning');
SELECT pg_temp.usage('[{"key": "k3", "unit": "bytes_down", "quantity": 1500000000, "usage_at": "2026-03-18T10:00:00Z"},
                       {"key": "k4", "unit": "bytes_down", "quantity": 200000000, "usage_at": "2026-03-18T11:00:00Z"}]');
SELECT is(pg_temp.warnings(), ARRAY['2026-03-01 80'], '87 %: no second 80 % warning');
SELECT pg_temp.usage('[{"key": "k5", "unit": "bytes_up", "quantity": 2000000000, "usage_at": "2026-03-19T10:00:00Z"}]');
SELECT is(pg_temp.warnings(), ARRAY['2026-03-01 80', '2026-03-01 95'], '107 %: the 95 % warning, once');
SELECT is((SELECT payload - 'customer_name' - 'locale' FROM kassa.notifications WHERE kind = 'usage_cap_warning'
            ORDER BY id DESC LIMIT 1),
          '{"customer_id": "bbbbbbbb-0000-4000-8000-0000000000b1", "account_number": "CT-2026-00001",
            "service_id": "bbbbbbbb-0000-4000-8000-00000000d001", "percent": 95, "used": 10700000000,
            "cap": 10000000000, "unit": "bytes", "period_start": "2026-03-01", "period_end": "2026-03-31"}'::jsonb,
          'the warning says what was used of which cap in which period');

-- Days in Berlin: midnight before and after 29 March 2026, the day of 23 hours (clocks go
-- from 02:00 CET to 03:00 CEST, 01:00 UTC).
SELECT pg_temp.travel_to('2026-04-01 06:00+00');
SELECT pg_temp.usage('[{"key": "d1", "unit": "bytes_down", "quantity": 1000000, "usage_at": "2026-03-28T22:59:59Z"},
                       {"key": "d2", "unit": "bytes_down", "quantity": 1000000, "usage_at": "2026-03-28T23:00:00Z"},
                       {"key": "d3", "unit": "bytes_down", "quantity": 1000000, "usage_at": "2026-03-29T21:59:59Z"},
                       {"key": "d4", "unit": "bytes_down", "quantity": 1000000, "usage_at": "2026-03-29T22:00:00Z"},
                       {"key": "d5", "unit": "seconds", "quantity": 60, "usage_at": "2026-03-29T22:00:00Z"}]');
SELECT is((SELECT array_agg(usage_on || ' ' || unit || ' ' || quantity || ' ' || records ORDER BY usage_on, unit)
             FROM kassa.usage_daily WHERE usage_on BETWEEN '2026-03-28' AND '2026-03-30'),
          ARRAY['2026-03-28 bytes_down 1000000 1', '2026-03-29 bytes_down 2000000 2',
                '2026-03-30 bytes_down 1000000 1', '2026-03-30 seconds 60 1'],
          'records fall on the tenant''s days: 23:59:59 CET the 28th, 00:00 CET and 23:59:59 CEST the 29th');
SELECT is((SELECT array_agg(meter || ' ' || quantity ORDER BY meter) FROM kassa.usage_periods WHERE period_start = '2026-03-01'),
          ARRAY['bytes 10704000000', 'seconds 60'], 'period totals per metered unit, bytes up and down together');
SELECT pg_temp.usage('[{"key": "a1", "unit": "bytes_down", "quantity": 3000000000, "usage_at": "2026-04-01T05:00:00Z"}]');
UPDATE kassa.tenants SET usage_warning_percents = '{50, 80, 95}' WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b';
SELECT pg_temp.usage('[{"key": "a2", "unit": "bytes_down", "quantity": 5500000000, "usage_at": "2026-04-01T05:30:00Z"}]');
SELECT is(pg_temp.warnings(), ARRAY['2026-03-01 80', '2026-03-01 95', '2026-04-01 50', '2026-04-01 80'],
          'a new period warns again, at the tenant''s percentages (here 50 % too), each passed at once');

-- The run of 1 April bills March's usage: 10,704,000,000 bytes, of which the allowance pro-rated
-- to 10–31 March is F(31) - F(9) = 10^10 - round(10^10 * 9 / 31) = 7,096,774,194 included;
-- 3,607,225,806 above are 3,608 started MB at 0.02: 72.16.
SELECT internal.invoice_run('2026-04-01', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT array_agg(l.charge_kind || ' ' || l.quantity::bigint || ' x ' || l.unit_price || ' = ' || l.amount || ' @' || l.vat_rate
                            ORDER BY l.position) FROM kassa.invoice_lines l WHERE l.service_id = 'bbbbbbbb-0000-4000-8000-00000000d001'),
          ARRAY['usage 3608 x 2 = 7216 @19.00', 'proration 1 x 1419 = 1419 @19.00', 'recurring 1 x 2000 = 2000 @19.00'],
          'March''s first part and usage above the pro-rated allowance, April in advance, all at 19 %');
SELECT is((SELECT description FROM kassa.invoice_lines WHERE charge_kind = 'usage'),
          'LTE 10: usage 2026-03-01 to 2026-03-31, 7096774194 bytes included, per 1000000 bytes above',
          'the usage line says its period, allowance and step');
SELECT is((SELECT net_total || ' ' || vat_total || ' ' || total FROM kassa.invoices
            WHERE customer_id = 'bbbbbbbb-0000-4000-8000-0000000000b1'),
          '10635 2021 12656', 'VAT on the invoice''s sum, like any line: 106.35 + 20.21');
SELECT is((SELECT count(*) FILTER (WHERE invoice_line_id = (SELECT id FROM kassa.invoice_lines WHERE charge_kind = 'usage'))
                   || ' ' || count(*) FILTER (WHERE counted_on IS NULL) FROM kassa.usage_records),
          '9 3', 'March''s nine byte records are marked with the line; seconds (the plan bills bytes) and April wait');
SELECT internal.invoice_run('2026-04-01', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT count(*)::int FROM kassa.invoice_lines WHERE charge_kind = 'usage'), 1, 'a second run bills no usage twice');

-- Late: 1.1 MB more of 31 March (23:30 and 22:00 in Berlin) after March was billed: 3,609
-- started MB in all, one more than billed: 0.02 on the next invoice. April's 8.5 GB stay
-- within its full 10 GB.
SELECT pg_temp.usage('[{"key": "l1", "unit": "bytes_down", "quantity": 500000, "usage_at": "2026-03-31T21:30:00Z"},
                       {"key": "l2", "unit": "bytes_up", "quantity": 600000, "usage_at": "2026-03-31T20:00:00Z"}]');
SELECT pg_temp.travel_to('2026-05-02 12:00+00');
SELECT internal.invoice_run('2026-05-01', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT array_agg(l.charge_kind || ' ' || l.amount || ': ' || l.description ORDER BY l.position)
             FROM kassa.invoice_lines l JOIN kassa.invoices i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id
            WHERE i.notes = 'Invoice run of 2026-05-01'),
          ARRAY['usage 2: LTE 10: late usage for 2026-03-01 to 2026-03-31, 7096774194 bytes included, per 1000000 bytes above',
                'recurring 2000: LTE 10, 2026-05-01 to 2026-05-31'],
          'the late records are billed on the next invoice, marked as late usage for their period');
SELECT is((SELECT array_agg(key || ' ' || counted_on || ' ' || (invoice_line_id IS NOT NULL) ORDER BY key)
             FROM kassa.usage_records WHERE key IN ('l1', 'l2', 'a1', 'a2')),
          ARRAY['a1 2026-05-01 false', 'a2 2026-05-01 false', 'l1 2026-05-01 true', 'l2 2026-05-01 true'],
          'late records marked with their line; April counted, within its allowance, on no line');
SELECT internal.invoice_run('2026-05-01', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT sum(amount)::int FROM kassa.invoice_lines WHERE charge_kind = 'usage'), 7218,
          'run again, nothing is billed twice: March''s usage cost 72.18 in all');

-- Who reads what.
SELECT pg_temp.act_as('customer', 'bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1');
SELECT is((SELECT count(*)::int FROM api.usage_daily) || ' ' || (SELECT count(*) FROM api.usage_records),
          '11 14', 'the customer reads their daily totals and records');
SELECT pg_temp.act_as('customer', 'aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-0000000000a1');
SELECT is((SELECT count(*)::int FROM api.usage_daily) + (SELECT count(*)::int FROM api.usage_records)
          + (SELECT count(*)::int FROM api.usage_periods), 0, 'another tenant''s customer reads none');
SELECT pg_temp.act_as('staff', 'bbbbbbbb-0000-4000-8000-00000000000b');
SELECT is((SELECT count(*)::int FROM api.usage_periods), 3, 'staff read their tenant''s period totals');
SELECT throws_ok($$SELECT api.record_usage('[]')$$, 'P0O03', NULL, 'staff may send a batch (an empty one is refused)');
SELECT pg_temp.act_as('customer', 'bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-0000000000b1');
SELECT throws_ok($$SELECT api.record_usage('[]')$$, '42501', NULL, 'a customer may not');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
