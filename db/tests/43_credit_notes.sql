-- Credit notes: own gapless series, in full or per line, never more than creditable, VAT per
-- rate rounded once (the last credit note of a rate takes its remaining VAT), settlement to
-- the balance or as a refund, and final once issued.
BEGIN;
SELECT plan(31);
CREATE TEMP TABLE ids AS SELECT 'bbbbbbbb-0000-4000-8000-00000000000b'::uuid AS tb,
  'bbbbbbbb-0000-4000-8000-0000000000b1'::uuid AS b1;
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
CREATE TEMP TABLE cn (name text PRIMARY KEY, id uuid);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('bbbbbbbb-0000-4000-8000-00000000000b', 'reduced', 7);

-- 100.00 at 19 % and 50.00 at 7 %: net 150.00, VAT 19.00 + 3.50, total 172.50.
INSERT INTO inv SELECT 'main', pg_temp.issued(tb, b1, ARRAY[10000, 5000], '2026-03-01', ARRAY['standard', 'reduced']) FROM ids;

INSERT INTO cn SELECT 'part', (internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Discount agreed', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[1], 'amount', 2000)),
  '2026-03-10')).id FROM ids;
SELECT is((SELECT (number, net_total, vat_total, total, settlement) FROM kassa.credit_notes JOIN cn USING (id) WHERE name = 'part'),
          ('CN-2026-00001'::text, 2000::bigint, 380::bigint, 2380::bigint, 'balance'::text),
          'a per-line credit note is numbered in its own series with VAT of its rate');
SELECT is((SELECT (status, amount_credited, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'main'),
          ('partially_paid'::text, 2380::bigint, 14870::bigint), 'it reduces what is due on the invoice');
SELECT is((SELECT (kind, amount) FROM kassa.ledger_entries l JOIN cn ON l.source_id = cn.id::text WHERE name = 'part'),
          ('credit_note'::text, 2380::bigint), 'and credits the ledger by its total');
SELECT is((SELECT (source_type, amount) FROM kassa.invoice_allocations a JOIN cn ON a.source_id = cn.id::text WHERE name = 'part'),
          ('credit_note'::text, 2380::bigint), 'the settlement is recorded as an allocation');

-- Refusals change nothing.
CREATE TEMP TABLE before AS SELECT (SELECT count(*) FROM kassa.credit_notes) AS notes,
  (SELECT count(*) FROM kassa.ledger_entries) AS entries,
  (SELECT amount_credited FROM kassa.invoices JOIN inv USING (id) WHERE name = 'main') AS credited;
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Too much', 'balance',
                   jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[1], 'amount', 8001)),
                   '2026-03-11') FROM ids$$, 'P0N02',
                 format('credit of 8001 on line %s exceeds what is still creditable there (8000)', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[1]),
                 'a line cannot be credited beyond what is left on it');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Twice', 'balance',
                   jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[2], 'amount', 1),
                                     jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[2], 'amount', 1)),
                   '2026-03-11') FROM ids$$, 'P0N04', NULL, 'a line named twice is refused');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Nothing', 'balance',
                   jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'main')))[2], 'amount', 0)),
                   '2026-03-11') FROM ids$$, 'P0N04',
                 'every credited line needs an invoice_line_id and a positive amount in minor units', 'a zero amount is refused');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Stranger', 'balance',
                   '[{"invoice_line_id": "00000000-0000-4000-8000-000000000000", "amount": 1}]', '2026-03-11') FROM ids$$, 'P0N04',
                 NULL, 'a line of another invoice is refused');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Money back', 'refund', NULL,
                   '2026-03-11') FROM ids$$, 'P0N05', NULL, 'nothing paid, nothing to refund');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Hm', 'cash', NULL,
                   '2026-03-11') FROM ids$$, 'P0N07', NULL, 'settlement is balance or refund');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), ' ', 'balance', NULL,
                   '2026-03-11') FROM ids$$, 'P0V03', 'reason is required and cannot be blank', 'a reason is required');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, pg_temp.draft(tb, b1, ARRAY[100]), 'Draft', 'balance', NULL,
                   '2026-03-11') FROM ids$$, 'P0N01', NULL, 'a draft cannot be credited');
SELECT is((SELECT (count(*), (SELECT count(*) FROM kassa.ledger_entries)) FROM kassa.credit_notes),
          (SELECT (notes, entries) FROM before), 'the refusals wrote nothing');
SELECT is((SELECT amount_credited FROM kassa.invoices JOIN inv USING (id) WHERE name = 'main'), (SELECT credited FROM before),
          'and changed nothing on the invoice');

-- The rest in full: exactly what is left, and the invoice is void.
INSERT INTO cn SELECT 'rest', (internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Cancelled', 'balance',
  NULL, '2026-03-12')).id FROM ids;
SELECT is((SELECT (number, net_total, vat_total, total) FROM kassa.credit_notes JOIN cn USING (id) WHERE name = 'rest'),
          ('CN-2026-00002'::text, 13000::bigint, 1870::bigint, 14870::bigint), 'a full credit note credits what is left, gapless');
SELECT is((SELECT (status, amount_credited, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'main'),
          ('void'::text, 17250::bigint, 0::bigint), 'a fully credited invoice is void');
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'main'), 'Again', 'balance', NULL,
                   '2026-03-13') FROM ids$$, 'P0N01', NULL, 'a void invoice cannot be credited');

-- Rounding: per rate, once; the exhausting credit note takes the remaining VAT.
INSERT INTO inv SELECT 'cents', pg_temp.issued(tb, b1, ARRAY[3, 3], '2026-03-01') FROM ids;
SELECT is((SELECT (vat_total, total) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'cents'), (1::bigint, 7::bigint),
          'two lines of 0.03 at 19 %: VAT round(0.0114) = 0.01');
SELECT is((SELECT (vat_total, total) FROM ids, internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'cents'), 'One', 'balance',
             jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'cents')))[1], 'amount', 3)),
             '2026-03-20')), (1::bigint, 4::bigint), 'crediting one line: VAT round(0.0057) = 0.01');
SELECT is((SELECT (vat_total, total) FROM ids, internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'cents'), 'Other', 'balance',
             NULL, '2026-03-20')), (0::bigint, 3::bigint), 'the last line takes the remaining VAT 0.00: the notes sum to the invoice');
SELECT is((SELECT vat_total FROM ids, internal.create_credit_note(tb, pg_temp.issued(tb, b1, ARRAY[32150]), 'Symmetric', 'balance', NULL, '2026-03-20')),
          6109::bigint, 'crediting 321.50 at 19 % takes back VAT 61.09 (-61.085 rounds to -61.09)');

-- Paid invoices: to the balance releases the payment, a refund pays it back.
INSERT INTO inv SELECT 'paid', pg_temp.issued(tb, b1, ARRAY[10000], '2026-04-01') FROM ids;
SELECT pg_temp.post(tb, b1, 'payment', 11900, 'pay-paid') FROM ids;
SELECT is((SELECT count(*)::int FROM ids, internal.allocate_credit(tb, ARRAY[b1])), 1, 'the payment settles the invoice');
CREATE TEMP TABLE paid_before AS SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = tb AND customer_id = b1;
SELECT is((SELECT total FROM ids, internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'paid'), 'Goodwill', 'balance',
             jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'paid')))[1], 'amount', 1000)),
             '2026-04-10')), 1190::bigint, 'a paid invoice can be credited');
SELECT is((SELECT (status, amount_paid, amount_credited, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'paid'),
          ('paid'::text, 10710::bigint, 1190::bigint, 0::bigint), 'the credit releases that much of the payment');
SELECT is((SELECT balance FROM kassa.billing_accounts, ids WHERE tenant_id = tb AND customer_id = b1),
          (SELECT balance + 1190 FROM paid_before), 'and the money is on the customer''s balance');
SELECT is((SELECT (settlement, total) FROM ids, internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'paid'), 'Refund', 'refund',
             jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'paid')))[1], 'amount', 2000)),
             '2026-04-11')), ('refund'::text, 2380::bigint), 'a refund credit note');
SELECT is((SELECT array_agg((l.kind, l.amount)::text ORDER BY l.id) FROM kassa.ledger_entries l
            WHERE l.source_type = 'credit_note' AND l.source_id = (SELECT id::text FROM kassa.credit_notes WHERE settlement = 'refund')),
          ARRAY['(credit_note,2380)', '(refund,-2380)'], 'posts the credit and the refund: net zero on the balance');
SELECT is((SELECT (amount_paid, amount_credited) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'paid'),
          (8330::bigint, 3570::bigint), 'and moves the refunded amount from paid to credited');

SELECT throws_ok($$UPDATE kassa.credit_notes SET reason = 'other'$$, 'P0N08', 'credit notes are final', 'credit notes cannot change');
SELECT throws_ok($$DELETE FROM kassa.credit_note_lines$$, 'P0N08', 'credit notes are final', 'nor their lines');
SELECT is_empty($$SELECT * FROM internal.ledger_mismatches()$$, 'cached balances still equal the ledger');

SELECT * FROM finish();
ROLLBACK;
