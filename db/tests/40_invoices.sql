-- Invoices: finalisation (totals, gapless numbers, dates, ledger), refusals that change
-- nothing, the freeze, void, overdue, and who sees what over the API.
BEGIN;
SELECT plan(44);
CREATE TEMP TABLE ids AS SELECT 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta,
  'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid AS a1, 'aaaaaaaa-0000-4000-8000-0000000000a2'::uuid AS a2,
  'bbbbbbbb-0000-4000-8000-00000000000b'::uuid AS tb, 'bbbbbbbb-0000-4000-8000-0000000000b1'::uuid AS b1;
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/clock.sql
-- Late enough that every issue date below lies in the past.
SELECT pg_temp.travel_to('2028-12-31 12:00+00');

-- Tenant B: EUR, prices excluding VAT, 19 %, 30 days to pay.
UPDATE kassa.tenants SET payment_terms_days = 30 WHERE id = 'bbbbbbbb-0000-4000-8000-00000000000b';
INSERT INTO inv SELECT 'b-1', pg_temp.draft(tb, b1, ARRAY[10000, 2550]) FROM ids;
SELECT is((SELECT (net_total, vat_total, total, number, status) FROM kassa.invoices i JOIN inv USING (id) WHERE name = 'b-1'),
          (12550::bigint, 2385::bigint, 14935::bigint, NULL::text, 'draft'::text),
          'a draft carries its totals but no number');

SELECT is((SELECT (number, status, issued_on, due_on, total, amount_due)
             FROM ids, inv, internal.finalise_invoices(tb, ARRAY[inv.id], '2026-03-01') WHERE name = 'b-1'),
          ('INV-2026-00001'::text, 'finalised'::text, '2026-03-01'::date, '2026-03-31'::date, 14935::bigint, 14935::bigint),
          'finalising numbers the invoice, dates it and sets the due date from the payment terms');
SELECT isnt((SELECT finalised_at FROM kassa.invoices JOIN inv USING (id) WHERE name = 'b-1'), NULL, 'finalised_at is set');
SELECT is((SELECT (kind, amount, source_type) FROM kassa.ledger_entries l JOIN inv ON l.source_id = inv.id::text WHERE name = 'b-1'),
          ('invoice'::text, -14935::bigint, 'invoice'::text), 'finalising debits the ledger by the total');

INSERT INTO inv SELECT 'b-2', pg_temp.draft(tb, b1, ARRAY[100]) FROM ids;
INSERT INTO inv SELECT 'b-3', pg_temp.draft(tb, b1, ARRAY[200]) FROM ids;
SELECT is((SELECT array_agg(number ORDER BY number) FROM ids, internal.finalise_invoices(tb,
             (SELECT array_agg(id) FROM inv WHERE name IN ('b-2', 'b-3')), '2026-12-31')),
          ARRAY['INV-2026-00002', 'INV-2026-00003'], 'a batch takes consecutive numbers');
SELECT is((SELECT array_agg(name ORDER BY number) FROM inv JOIN kassa.invoices USING (id) WHERE name IN ('b-2', 'b-3')),
          (SELECT array_agg(name ORDER BY created_at, id) FROM inv JOIN kassa.invoices USING (id) WHERE name IN ('b-2', 'b-3')),
          'in a deterministic order: creation time, then id');
SELECT is((SELECT count(*)::int FROM kassa.ledger_entries l JOIN inv ON l.source_id = inv.id::text
            WHERE name IN ('b-2', 'b-3') AND l.kind = 'invoice'), 2, 'one ledger entry per invoice of the batch');
SELECT is((SELECT number FROM ids, internal.finalise_invoices(tb, ARRAY[pg_temp.draft(tb, b1, ARRAY[300])], '2027-01-01')),
          'INV-2027-00001', 'a new year starts a new series');
SELECT is((SELECT number FROM ids, internal.finalise_invoices(ta, ARRAY[pg_temp.draft(ta, a1, ARRAY[300])], '2026-06-01')),
          'INV-2026-00001', 'every tenant has its own series');
UPDATE kassa.tenants SET invoice_number_format = 'RE{YYYY}/{NNN}' WHERE id = 'aaaaaaaa-0000-4000-8000-00000000000a';
SELECT is((SELECT number FROM ids, internal.finalise_invoices(ta, ARRAY[pg_temp.draft(ta, a1, ARRAY[300])], '2026-06-01')),
          'RE2026/002', 'numbers follow the tenant''s format');

INSERT INTO kassa.counters (tenant_id, kind, period, last_value)
VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'invoice', 2028, 99999);
SELECT is((SELECT number FROM ids, internal.finalise_invoices(tb, ARRAY[pg_temp.draft(tb, b1, ARRAY[300])], '2028-01-01')),
          'INV-2028-100000', 'a counter wider than the format''s digits is printed whole');

-- Refusals change nothing.
INSERT INTO inv SELECT 'b-empty', pg_temp.draft(tb, b1, ARRAY[]::bigint[]) FROM ids;
INSERT INTO inv SELECT 'b-ok', pg_temp.draft(tb, b1, ARRAY[500]) FROM ids;
INSERT INTO inv SELECT 'a-1', pg_temp.draft(ta, a1, ARRAY[500]) FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'b-1')], '2026-03-02') FROM ids$$,
                 'P0I02', NULL, 'a finalised invoice cannot be finalised again');
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'b-empty')], '2026-03-02') FROM ids$$,
                 'P0I03', format('invoice %s has no lines', (SELECT id FROM inv WHERE name = 'b-empty')),
                 'an invoice without lines cannot be finalised');
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'a-1')], '2026-03-02') FROM ids$$,
                 'P0I01', format('invoice %s not found in this tenant', (SELECT id FROM inv WHERE name = 'a-1')),
                 'another tenant''s invoice is not found');
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, (SELECT array_agg(id) FROM inv WHERE name IN ('b-ok', 'b-empty')), '2026-03-02') FROM ids$$,
                 'P0I03', NULL, 'one bad invoice refuses the whole batch');
SELECT is((SELECT (status, number) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'b-ok'), ('draft'::text, NULL::text),
          'the good invoice of the refused batch is still a draft');
SELECT is((SELECT last_value FROM kassa.counters WHERE tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'
             AND kind = 'invoice' AND period = 2026), 3::bigint, 'and the counter did not move');
UPDATE kassa.invoices SET currency = 'ZAR' WHERE id = (SELECT id FROM inv WHERE name = 'b-ok');
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'b-ok')], '2026-03-02') FROM ids$$,
                 'P0I04', format('invoice %s is in ZAR, the customer''s account is in EUR', (SELECT id FROM inv WHERE name = 'b-ok')),
                 'an invoice in another currency than the account is refused');
SELECT throws_ok($$INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price, vat_category)
                   SELECT tb, (SELECT id FROM inv WHERE name = 'b-ok'), 'x', 1, 'luxury' FROM ids$$,
                 'P0I06', 'unknown VAT category "luxury"', 'a line needs a known VAT category');

INSERT INTO inv SELECT 'b-negative', pg_temp.draft(tb, b1, ARRAY[]::bigint[]) FROM ids;
INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price)
SELECT tb, (SELECT id FROM inv WHERE name = 'b-negative'), 'Pro-rata credit', -500 FROM ids;
SELECT throws_ok($$SELECT internal.finalise_invoices(tb, ARRAY[(SELECT id FROM inv WHERE name = 'b-negative')], '2026-03-02') FROM ids$$,
                 'P0I12', format('invoice %s would total -595: an invoice cannot be negative', (SELECT id FROM inv WHERE name = 'b-negative')),
                 'an invoice cannot total below zero');

-- The freeze.
SELECT throws_ok($$UPDATE kassa.invoices SET total = 1 WHERE id = (SELECT id FROM inv WHERE name = 'b-1')$$, 'P0I05',
                 'invoice INV-2026-00001 is finalised and frozen: only its payment state can change', 'totals are frozen');
SELECT throws_ok($$UPDATE kassa.invoices SET notes = 'changed' WHERE id = (SELECT id FROM inv WHERE name = 'b-1')$$, 'P0I05',
                 NULL, 'notes are frozen');
SELECT throws_ok($$UPDATE kassa.invoices SET status = 'draft' WHERE id = (SELECT id FROM inv WHERE name = 'b-1')$$, 'P0I05',
                 NULL, 'a finalised invoice never returns to draft');
SELECT throws_ok($$DELETE FROM kassa.invoices WHERE id = (SELECT id FROM inv WHERE name = 'b-1')$$, 'P0I05',
                 'invoice INV-2026-00001 is finalised and cannot be deleted', 'a finalised invoice cannot be deleted');
SELECT throws_ok($$INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price)
                   SELECT tb, (SELECT id FROM inv WHERE name = 'b-1'), 'extra', 100 FROM ids$$, 'P0I05',
                 'invoice INV-2026-00001 is finalised and frozen: its lines cannot change', 'no line can be added');
SELECT throws_ok($$UPDATE kassa.invoice_lines SET description = 'x' WHERE invoice_id = (SELECT id FROM inv WHERE name = 'b-1')$$,
                 'P0I05', NULL, 'no line can be changed');
SELECT throws_ok($$DELETE FROM kassa.invoice_lines WHERE invoice_id = (SELECT id FROM inv WHERE name = 'b-1')$$,
                 'P0I05', NULL, 'no line can be removed');
SELECT throws_ok($$UPDATE kassa.invoice_lines SET invoice_id = (SELECT id FROM inv WHERE name = 'b-1')
                   WHERE invoice_id = (SELECT id FROM inv WHERE name = 'b-ok')$$,
                 'P0I05', NULL, 'no line can be moved onto it');
SELECT lives_ok($$UPDATE kassa.invoices SET status = 'overdue' WHERE id = (SELECT id FROM inv WHERE name = 'b-1')$$,
                'the payment state can change');

SELECT is((SELECT (status, total) FROM ids, internal.finalise_invoices(tb, ARRAY[pg_temp.draft(tb, b1, ARRAY[1000, -1000])], '2026-12-31')),
          ('paid'::text, 0::bigint), 'an invoice with nothing to collect is paid when issued');

-- Overdue: open invoices past their due date, once, one tenant at a time.
SELECT is(internal.mark_overdue(tb, '2027-01-20'), (SELECT count(*)::int FROM kassa.invoices
            WHERE tenant_id = tb AND status IN ('finalised', 'partially_paid') AND due_on < '2027-01-20' AND amount_due > 0),
          'the overdue sweep marks every open invoice of the tenant past its due date') FROM ids;
SELECT is(internal.mark_overdue(tb, '2027-01-20'), 0, 'a second sweep for the same date marks nothing') FROM ids;
SELECT is((SELECT status FROM kassa.invoices WHERE number = 'INV-2027-00001'
             AND tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'), 'finalised', 'an invoice not yet due stays finalised');

-- Over the API, as staff of tenant B.
-- Dated in the last days of 2026 (dates callers give lie in the tenant's window around today).
SELECT pg_temp.travel_to('2027-01-15 12:00+00');
SELECT pg_temp.act_as('staff', tb) FROM ids;
INSERT INTO inv SELECT 'api', (api.create_invoice(b1, supplied_on => '2026-12-20')).id FROM ids;
SELECT is((SELECT (amount, vat_rate) FROM api.add_invoice_line((SELECT id FROM inv WHERE name = 'api'), 'Router', 4999, 2)),
          (9998::bigint, 19.00::numeric), 'a line''s amount is quantity times unit price, its rate from the category');
SELECT is((SELECT total FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'api')), 11898::bigint,
          'the draft''s totals follow its lines');
SELECT is((SELECT (status, number, issued_on) FROM api.finalise_invoice((SELECT id FROM inv WHERE name = 'api'), '2026-12-31')),
          ('finalised'::text, 'INV-2026-00005'::text, '2026-12-31'::date), 'staff finalise a draft');
SELECT throws_ok($$SELECT api.add_invoice_line((SELECT id FROM inv WHERE name = 'api'), 'More', 1)$$, 'P0I02',
                 'invoice INV-2026-00005 is finalised and frozen: only drafts can be edited', 'a finalised invoice takes no lines');
SELECT throws_ok($$SELECT api.create_invoice('aaaaaaaa-0000-4000-8000-0000000000a1')$$, 'P0I07', NULL,
                 'staff cannot invoice another tenant''s customer');
SELECT is((SELECT status FROM api.void_invoice((SELECT id FROM inv WHERE name = 'b-ok'), 'Entered twice')), 'void',
          'a draft is voided');
SELECT is((SELECT (status, amount_credited) FROM api.void_invoice((SELECT id FROM inv WHERE name = 'api'), 'Wrong customer', '2026-12-31')),
          ('void'::text, 11898::bigint), 'an unpaid finalised invoice is voided by a full credit note');
SELECT is((SELECT count(*)::int FROM api.invoices WHERE tenant_id <> 'bbbbbbbb-0000-4000-8000-00000000000b'), 0,
          'staff see only their tenant''s invoices');

SELECT pg_temp.act_as('customer', tb, b1) FROM ids;
SELECT is((SELECT count(*)::int FROM api.invoices WHERE status = 'draft'), 0, 'customers see no drafts');
SELECT is((SELECT count(*)::int FROM api.invoice_lines l JOIN inv ON inv.id = l.invoice_id WHERE inv.name = 'b-empty'), 0,
          'nor the lines of drafts');
SELECT throws_ok($$SELECT api.create_invoice('bbbbbbbb-0000-4000-8000-0000000000b1')$$, '42501', NULL,
                 'customers cannot create invoices');
SELECT pg_temp.act_as_owner();

SELECT * FROM finish();
ROLLBACK;
