-- Issue dates and numbers agree: no document dated after the tenant's today, none before the
-- last one of its series and year (invoices, credit notes; one check per batch), no credit
-- note before its invoice; German invoices need a supply date or period.
BEGIN;
SELECT plan(28);
\ir helpers/invoice_documents.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql

-- Tenant B keeps Berlin time: at 22:30 UTC on 15 June it is already 16 June there.
SELECT pg_temp.travel_to('2026-06-15 21:30+00');
INSERT INTO inv SELECT 'ahead', pg_temp.draft(tb, b1, ARRAY[1000]) FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'ahead')], '2026-06-16') FROM ids$$,
                 'P0I13', 'issue date 2026-06-16 is after today (2026-06-15): documents cannot be dated ahead',
                 'an invoice cannot be dated after the tenant''s today');
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'ahead')], '2099-12-31') FROM ids$$,
                 'P0I13', NULL, 'nor years ahead');
SELECT is((SELECT (status, number) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'ahead'), ('draft'::text, NULL::text),
          'the refused invoice is still a draft');
SELECT is((SELECT count(*)::int FROM kassa.counters WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b' AND kind = 'invoice'),
          0, 'and no counter moved');
SELECT pg_temp.travel_to('2026-06-15 22:30+00');
SELECT is((SELECT number FROM ids, internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'ahead')], '2026-06-16')),
          'INV-2026-00001', 'today is the tenant''s local date');

-- Date order within a series.
SELECT pg_temp.travel_to('2026-06-30 12:00+00');
INSERT INTO inv SELECT 'early', pg_temp.draft(tb, b1, ARRAY[1000]) FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'early')], '2026-06-15') FROM ids$$,
                 'P0I14', 'issue date 2026-06-15 is before 2026-06-16, the date of the last invoice already issued in 2026: numbers must follow dates',
                 'an invoice cannot be dated before the last invoice of its series');
SELECT is((SELECT status FROM kassa.invoices JOIN inv USING (id) WHERE name = 'early'), 'draft', 'it stays a draft');
SELECT is((SELECT last_value FROM kassa.counters WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'
             AND kind = 'invoice' AND period = 2026), 1::bigint, 'and the counter is where it was');
SELECT is((SELECT number FROM ids, internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'early')], '2026-06-16')),
          'INV-2026-00002', 'the same date as the last invoice is fine');
INSERT INTO inv SELECT 'batch-1', pg_temp.draft(tb, b1, ARRAY[100]) FROM ids;
INSERT INTO inv SELECT 'batch-2', pg_temp.draft(tb, b1, ARRAY[200]) FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, (SELECT array_agg(id) FROM inv WHERE name LIKE 'batch-%'), '2026-06-01') FROM ids$$,
                 'P0I14', NULL, 'a batch dated before the last invoice is refused whole');
SELECT is((SELECT array_agg(number ORDER BY number) FROM ids,
             internal.finalise_invoices(tb, (SELECT array_agg(id) FROM inv WHERE name LIKE 'batch-%'), '2026-06-30')),
          ARRAY['INV-2026-00003', 'INV-2026-00004'], 'a batch dated today is numbered');
SELECT is((SELECT number FROM ids, internal.finalise_invoices(tb, ARRAY[pg_temp.draft(tb, b1, ARRAY[300])], '2025-12-30')),
          'INV-2025-00001', 'last year''s series has its own last date');
SELECT is((SELECT number FROM ids, internal.finalise_invoices(ta, ARRAY[pg_temp.draft(ta, a1, ARRAY[300])], '2026-06-01')),
          'INV-2026-00001', 'and another tenant''s series its own');

-- Credit notes: on or after their invoice, in date order in their own series.
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'batch-1'), 'Early', 'balance', NULL,
                   '2026-06-29') FROM ids$$,
                 'P0I16', format('credit note date 2026-06-29 is before 2026-06-30, the issue date of invoice %s',
                                 (SELECT number FROM kassa.invoices JOIN inv USING (id) WHERE name = 'batch-1')),
                 'a credit note cannot be dated before its invoice');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'batch-1'), 'Ahead', 'balance', NULL,
                   '2026-07-01') FROM ids$$,
                 'P0I13', 'issue date 2026-07-01 is after today (2026-06-30): documents cannot be dated ahead',
                 'nor after today');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'batch-1'), 'Undated', 'balance', NULL,
                   NULL) FROM ids$$,
                 'P0I10', 'an issue date is required to issue a credit note', 'a credit note needs a date');
SELECT is((SELECT number FROM ids, internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'batch-2'), 'Wrong', 'balance',
             NULL, '2026-06-30')), 'CN-2026-00001', 'a credit note dated on its invoice''s day is issued');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'early'), 'Late entry', 'balance', NULL,
                   '2026-06-20') FROM ids$$,
                 'P0I14', 'issue date 2026-06-20 is before 2026-06-30, the date of the last credit note already issued in 2026: numbers must follow dates',
                 'a credit note cannot be dated before the last credit note of its series');
SELECT is((SELECT count(*)::int FROM kassa.credit_notes WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'), 1,
          'the refused credit notes left nothing');

-- German invoices (tenant B, DE) state the supply date or period; others need not.
INSERT INTO inv SELECT 'no-supply', pg_temp.draft(tb, b1, ARRAY[1000]) FROM ids;
UPDATE kassa.invoices SET supplied_on = NULL, period_start = '2026-06-01' WHERE id = (SELECT id FROM inv WHERE name = 'no-supply');
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'no-supply')], '2026-06-30') FROM ids$$,
                 'P0I15', format('invoice %s has neither a supply date nor a supply period: a German invoice needs one',
                                 (SELECT id FROM inv WHERE name = 'no-supply')),
                 'a German invoice without a supply date or a whole period is refused');
UPDATE kassa.invoices SET period_end = '2026-06-30' WHERE id = (SELECT id FROM inv WHERE name = 'no-supply');
SELECT is((SELECT status FROM ids, internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'no-supply')], '2026-06-30')),
          'finalised', 'a supply period is enough');
INSERT INTO inv SELECT 'za', pg_temp.draft(ta, a1, ARRAY[1000]) FROM ids;
UPDATE kassa.invoices SET supplied_on = NULL WHERE id = (SELECT id FROM inv WHERE name = 'za');
SELECT is((SELECT status FROM ids, internal.finalise_invoices(ta, ARRAY[(SELECT id FROM inv WHERE name = 'za')], '2026-06-30')),
          'finalised', 'a South African invoice needs no supply date');

-- The invoice run's German invoices: billing periods, or the day a one-off fee was recorded.
INSERT INTO kassa.products (tenant_id, id, code, name, kind)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000e999', 'install', 'Installation', 'fee');
INSERT INTO kassa.price_versions (tenant_id, id, product_id, price, interval, valid_from)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000f999',
        'bbbbbbbb-0000-4000-8000-00000000e999', 9900, NULL, '2026-06-01');
INSERT INTO kassa.services (tenant_id, id, customer_id, price_version_id, billing_day)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'bbbbbbbb-0000-4000-8000-00000000d001',
        'bbbbbbbb-0000-4000-8000-0000000000b1', 'bbbbbbbb-0000-4000-8000-00000000f100', 1);
SELECT internal.service_transition(tb, 'bbbbbbbb-0000-4000-8000-00000000d001', 'activate', 'tap test', '2026-06-01', NULL) FROM ids;
SELECT is((SELECT row(processed, invoices)::text FROM ids, internal.invoice_run('2026-06-30', tb)), '(1,1)',
          'the invoice run bills a German customer''s service');
SELECT is((SELECT (status, period_start, period_end) FROM kassa.invoices i
            WHERE i.tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b' AND i.notes LIKE 'Invoice run%'),
          ('finalised'::text, '2026-06-01'::date, '2026-07-31'::date), 'and issues the invoice for its billing periods');
SELECT internal.add_fee(tb, 'bbbbbbbb-0000-4000-8000-00000000d001', 'bbbbbbbb-0000-4000-8000-00000000f999', 1) FROM ids;
SELECT is((SELECT row(processed, invoices, charges)::text FROM ids, internal.invoice_run('2026-06-30', tb)), '(0,1,1)',
          'a fee alone is invoiced too');
SELECT is((SELECT (i.status, i.supplied_on) FROM kassa.invoices i
             JOIN kassa.invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
            WHERE i.tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b' AND l.charge_kind = 'one_off'),
          ('finalised'::text, (SELECT (created_at AT TIME ZONE 'Europe/Berlin')::date FROM kassa.pending_charges
                                WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b')),
          'supplied on the day its charge was recorded');

-- Over the API: staff give the supply date when creating the draft, or PATCH it later.
SELECT pg_temp.act_as('staff', tb) FROM ids;
INSERT INTO inv SELECT 'api', (api.create_invoice(b1, 'Router', supplied_on => '2026-06-29')).id FROM ids;
SELECT is((SELECT supplied_on FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'api')), '2026-06-29'::date,
          'api.create_invoice takes the supply date');
SELECT lives_ok($$UPDATE api.invoices SET supplied_on = '2026-06-28' WHERE id = (SELECT id FROM inv WHERE name = 'api')$$,
                'staff may change a draft''s supply date');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
