-- Invoices with a negative line (a discount, a pro-rata credit) can be credited in full and
-- voided; a credit keeps the sign of its line; VAT of partial notes never exceeds the invoice's.
BEGIN;
SELECT plan(6);
\ir helpers/invoice_documents.sql

-- 100.00 and a discount of -20.00 at 19 %: net 80.00, VAT 15.20, total 95.20.
INSERT INTO inv SELECT 'discounted', pg_temp.issued(tb, b1, ARRAY[10000, -2000], '2026-03-01') FROM ids;
SELECT throws_ok($$SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'discounted'), 'Wrong sign', 'balance',
                   jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'discounted')))[2], 'amount', 500)),
                   '2026-03-05') FROM ids$$, 'P0N04', NULL, 'a credit on a discount line must be negative like the line');
SELECT is((SELECT (net_total, vat_total, total) FROM ids,
             internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'discounted'), 'Cancelled', 'balance', NULL, '2026-03-05')),
          (8000::bigint, 1520::bigint, 9520::bigint), 'in full, the discount line is credited too: the note equals the invoice');
SELECT is((SELECT (status, amount_due) FROM kassa.invoices JOIN inv USING (id) WHERE name = 'discounted'),
          ('void'::text, 0::bigint), 'and the invoice is void');
SELECT is((SELECT array_agg(amount ORDER BY amount) FROM kassa.credit_note_lines cl
             JOIN kassa.credit_notes n ON n.tenant_id = cl.tenant_id AND n.id = cl.credit_note_id
            WHERE n.invoice_id = (SELECT id FROM inv WHERE name = 'discounted')),
          ARRAY[-2000, 10000]::bigint[], 'each credit keeps the sign of its line');

-- Four lines of 0.03 at 19 %: VAT round(0.228) = 0.02. Credited one line at a time, the notes'
-- VAT is 0.01, 0.00, 0.01, 0.00: never more than invoiced, never negative.
INSERT INTO inv SELECT 'cents', pg_temp.issued(tb, b1, ARRAY[3, 3, 3, 3], '2026-03-01') FROM ids;
CREATE TEMP TABLE notes AS SELECT n AS position, (internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'cents'), 'Line ' || n, 'balance',
    jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'cents')))[n], 'amount', 3)),
    '2026-03-05')).vat_total AS vat
  FROM ids, generate_series(1, 4) n ORDER BY n;
SELECT is((SELECT array_agg(vat ORDER BY position) FROM notes), ARRAY[1, 0, 1, 0]::bigint[],
          'cumulative rounding: each note takes the VAT of all credited so far less what earlier notes took');
SELECT is((SELECT sum(vat) FROM notes), (SELECT vat_total FROM kassa.invoices JOIN inv USING (id) WHERE name = 'cents')::numeric,
          'the notes together credit exactly the invoice VAT');

SELECT * FROM finish();
ROLLBACK;
