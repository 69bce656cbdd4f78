-- A draft may pass through a negative total while its lines are entered (a discount first);
-- finalisation still refuses a negative invoice, and an issued one is never overpaid.
BEGIN;
SELECT plan(8);
CREATE TEMP TABLE made (name text PRIMARY KEY, id uuid);
\ir helpers/two_tenants.sql
\ir helpers/clock.sql
-- Issued in March 2026 (an issue date lies in the tenant's window around today).
SELECT pg_temp.travel_to('2026-03-15 12:00+00');

SELECT pg_temp.act_as('staff', 'aaaaaaaa-0000-4000-8000-00000000000a');
INSERT INTO made SELECT 'discount-first', (api.create_invoice('aaaaaaaa-0000-4000-8000-0000000000a1')).id;
SELECT lives_ok($$SELECT api.add_invoice_line((SELECT id FROM made WHERE name = 'discount-first'), 'Loyalty discount', -5000)$$,
                'a discount line may come first');
SELECT is((SELECT (status, total) FROM api.invoices WHERE id = (SELECT id FROM made WHERE name = 'discount-first')),
          ('draft'::text, -5000::bigint), 'the draft totals -50.00 for now');
SELECT throws_ok($$SELECT api.finalise_invoice((SELECT id FROM made WHERE name = 'discount-first'), '2026-03-01')$$,
                 'P0I12', NULL, 'a negative draft cannot be finalised');
SELECT api.add_invoice_line((SELECT id FROM made WHERE name = 'discount-first'), 'Fibre 100', 10000);
SELECT is((SELECT (status, number, total, amount_due) FROM api.finalise_invoice((SELECT id FROM made WHERE name = 'discount-first'), '2026-03-01')),
          ('finalised'::text, 'INV-2026-00001'::text, 5000::bigint, 5000::bigint),
          'with the charge added it totals 50.00 and is finalised');

INSERT INTO made SELECT 'dropped', (api.create_invoice('aaaaaaaa-0000-4000-8000-0000000000a1')).id;
SELECT api.add_invoice_line((SELECT id FROM made WHERE name = 'dropped'), 'Goodwill', -2000);
SELECT is((SELECT (status, number, total) FROM api.void_invoice((SELECT id FROM made WHERE name = 'dropped'), 'not needed')),
          ('void'::text, NULL::text, -2000::bigint), 'a negative draft can be voided (it was never numbered)');

SELECT pg_temp.act_as_owner();
SELECT throws_ok($$UPDATE kassa.invoices SET amount_paid = 5001 WHERE id = (SELECT id FROM made WHERE name = 'discount-first')$$,
                 '23514', NULL, 'an issued invoice is still never overpaid (invoices_not_overpaid)');
SELECT throws_ok($$UPDATE kassa.invoices SET status = 'draft' WHERE id = (SELECT id FROM made WHERE name = 'discount-first')$$,
                 'P0I05', NULL, 'and cannot become a draft again');
SELECT is((SELECT (total, amount_paid) FROM kassa.invoices WHERE id = (SELECT id FROM made WHERE name = 'discount-first')),
          (5000::bigint, 0::bigint), 'nothing changed');

SELECT * FROM finish();
ROLLBACK;
