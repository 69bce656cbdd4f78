-- Voiding: whatever has no payment on it is voided (credit notes already on it are not
-- payments); every refusal names its real reason and changes nothing.
BEGIN;
SELECT plan(17);
\ir helpers/invoice_documents.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-06-30 12:00+00');

-- Arranged as the owner: 100.00 net each (119.00 with VAT), issued on 1 June.
INSERT INTO inv SELECT 'credited', pg_temp.issued(tb, b1, ARRAY[10000], '2026-06-01') FROM ids;
INSERT INTO inv SELECT 'paid-part', pg_temp.issued(tb, b1, ARRAY[10000], '2026-06-01') FROM ids;
INSERT INTO inv SELECT 'overdue', pg_temp.issued(tb, b1, ARRAY[10000], '2026-06-01') FROM ids;
INSERT INTO inv SELECT 'zero', pg_temp.issued(tb, b1, ARRAY[1000, -1000], '2026-06-01') FROM ids;
INSERT INTO inv SELECT 'draft', pg_temp.draft(tb, b1, ARRAY[10000]) FROM ids;
SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'credited'), 'Goodwill', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'credited')))[1],
                                       'amount', 2000)), '2026-06-10') FROM ids;
UPDATE kassa.invoices SET status = 'overdue' WHERE id = (SELECT id FROM inv WHERE name = 'overdue');

SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT (status, amount_paid) FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'credited')),
          ('partially_paid'::text, 0::bigint), 'a partly credited invoice with nothing paid is partially_paid');
SELECT is((SELECT (status, amount_credited, amount_due) FROM api.void_invoice((SELECT id FROM inv WHERE name = 'credited'),
             'Cancelled', '2026-06-30')),
          ('void'::text, 11900::bigint, 0::bigint), 'it can be voided: the credit note is not a payment');
SELECT is((SELECT array_agg(total ORDER BY number) FROM api.credit_notes WHERE invoice_id = (SELECT id FROM inv WHERE name = 'credited')),
          ARRAY[2380::bigint, 9520::bigint], 'the void credits exactly what was still uncredited');
SELECT throws_ok($$SELECT api.void_invoice((SELECT id FROM inv WHERE name = 'credited'), 'Again', '2026-06-30')$$,
                 'P0I17', 'invoice INV-2026-00001 is already void', 'voiding a void invoice says it is already void');

-- 50.00 paid once 'credited' is void: allocation gives it to the oldest open invoice.
SELECT pg_temp.act_as_owner();
SELECT pg_temp.post(tb, b1, 'payment', 5000, 'pay-1') FROM ids;
SELECT internal.allocate_credit(tb, ARRAY[b1]) FROM ids;
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT is((SELECT (status, amount_paid) FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'paid-part')),
          ('partially_paid'::text, 5000::bigint), 'the payment went to the oldest open invoice');
CREATE TEMP TABLE before AS SELECT (SELECT count(*) FROM kassa.credit_notes) AS notes,
  (SELECT count(*) FROM kassa.ledger_entries) AS entries;
SELECT throws_ok($$SELECT api.void_invoice((SELECT id FROM inv WHERE name = 'paid-part'), 'Cancelled', '2026-06-30')$$,
                 'P0I08', 'invoice INV-2026-00002 has 5000 paid on it: only an invoice without payments can be voided',
                 'an invoice with a payment on it is not voided, and the refusal names the amount paid');
SELECT is((SELECT (status, amount_paid, amount_credited) FROM api.invoices WHERE id = (SELECT id FROM inv WHERE name = 'paid-part')),
          ('partially_paid'::text, 5000::bigint, 0::bigint), 'it is unchanged');
SELECT is((SELECT ((SELECT count(*) FROM kassa.credit_notes), (SELECT count(*) FROM kassa.ledger_entries)) = (notes, entries)
             FROM before), true, 'no credit note or ledger entry was written');
SELECT pg_temp.act_as_owner();
SELECT internal.create_credit_note(tb, (SELECT id FROM inv WHERE name = 'paid-part'), 'Goodwill', 'balance',
  jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'paid-part')))[1],
                                       'amount', 1000)), '2026-06-30') FROM ids;
SELECT pg_temp.act_as('staff', tb) FROM ids;
SELECT throws_ok($$SELECT api.void_invoice((SELECT id FROM inv WHERE name = 'paid-part'), 'Cancelled', '2026-06-30')$$,
                 'P0I08', NULL, 'partly credited and partly paid: still refused for the payment');

SELECT is((SELECT status FROM api.void_invoice((SELECT id FROM inv WHERE name = 'overdue'), 'Cancelled', '2026-06-30')),
          'void', 'an overdue invoice with nothing paid is voided');
SELECT is((SELECT (status, total) FROM api.void_invoice((SELECT id FROM inv WHERE name = 'zero'), 'Cancelled', '2026-06-30')),
          ('void'::text, 0::bigint), 'an invoice of zero (paid on issue, nothing paid) is voided');
SELECT is((SELECT count(*)::int FROM api.credit_notes WHERE invoice_id = (SELECT id FROM inv WHERE name = 'zero')), 0,
          'without a credit note: there is nothing to credit');

SELECT is((SELECT (status, notes) FROM api.void_invoice((SELECT id FROM inv WHERE name = 'draft'), 'Entered twice')),
          ('void'::text, 'Entered twice'::text), 'a draft is voided with its reason');
SELECT throws_ok($$SELECT api.void_invoice((SELECT id FROM inv WHERE name = 'draft'), 'Again')$$,
                 'P0I17', format('invoice draft %s is already void', (SELECT id FROM inv WHERE name = 'draft')),
                 'a voided draft is already void too');
SELECT throws_ok($$SELECT api.void_invoice((SELECT id FROM inv WHERE name = 'overdue'), '  ')$$,
                 'P0I11', 'a reason is required to void an invoice', 'a reason is required');
SELECT throws_ok($$SELECT api.void_invoice(gen_random_uuid(), 'Unknown')$$, 'P0I01', NULL, 'an unknown invoice is not found');
SELECT pg_temp.act_as_owner();
SELECT is((SELECT count(*)::int FROM kassa.invoices i JOIN inv USING (id) WHERE i.status = 'void'), 4,
          'four of the five invoices ended void');

SELECT * FROM finish();
ROLLBACK;
