-- The rules live in internal: a job or a bridge (role kassa_worker, no token) calling the
-- internal functions directly gets the same errors the api functions give over HTTP, and a
-- refused call changes nothing. One case per rule that used to live only in an api function,
-- and per business code that had no test.
BEGIN;
SELECT plan(44);
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql
\ir helpers/clock.sql
SELECT pg_temp.travel_to('2026-06-30 12:00+00');
DO $$ BEGIN
  EXECUTE 'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO kassa_worker';
  EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %s TO kassa_worker', pg_my_temp_schema()::regnamespace);
  EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %s TO kassa_worker', pg_my_temp_schema()::regnamespace);
  EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %s TO kassa_worker', pg_my_temp_schema()::regnamespace);
  EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO kassa_worker', current_database());
END $$;

-- Arranged as the owner, tenant A (ZAR, 15% VAT included), customer A1.
CREATE TEMP TABLE ids AS SELECT 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta,
  'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid AS a1, 'aaaaaaaa-0000-4000-8000-0000000000a2'::uuid AS a2,
  'bbbbbbbb-0000-4000-8000-0000000000b1'::uuid AS b1;
CREATE TEMP TABLE inv (name text PRIMARY KEY, id uuid);
INSERT INTO inv SELECT 'draft', pg_temp.draft(ta, a1, ARRAY[10000]) FROM ids;
INSERT INTO inv SELECT 'issued', pg_temp.issued(ta, a1, ARRAY[10000], '2026-06-01') FROM ids;
INSERT INTO inv SELECT 'discounted', pg_temp.issued(ta, a1, ARRAY[10000, -5000], '2026-06-01') FROM ids;
INSERT INTO inv SELECT 'paid', pg_temp.issued(ta, a2, ARRAY[10000], '2026-06-01') FROM ids;
INSERT INTO inv SELECT 'free', pg_temp.issued(ta, a1, ARRAY[0], '2026-06-01') FROM ids;  -- a free router, say
SELECT pg_temp.post(ta, a2, 'payment', 4000, 'pay-54') FROM ids;
SELECT internal.allocate_credit(ta, ARRAY[a2]) FROM ids;
CREATE TEMP TABLE pay AS
  SELECT (internal.new_payment(ta, a1, 'stripe', 'card', 'top_up', 5000, 'ZAR', 'cs_54')).id AS card FROM ids;
CREATE TEMP TABLE counts AS SELECT (SELECT count(*) FROM kassa.invoices) AS invoices,
  (SELECT count(*) FROM kassa.invoice_lines) AS lines, (SELECT count(*) FROM kassa.credit_notes) AS notes,
  (SELECT count(*) FROM kassa.payment_methods) AS methods, (SELECT count(*) FROM kassa.payments) AS payments;
GRANT SELECT ON ALL TABLES IN SCHEMA pg_temp TO kassa_worker;

-- As a job: the worker role, no token.
SET LOCAL ROLE kassa_worker;

-- Invoices (P0I07-P0I11).
SELECT throws_ok($$SELECT internal.create_invoice(ta, b1, '', NULL, NULL, NULL) FROM ids$$,
  'P0I07', 'customer bbbbbbbb-0000-4000-8000-0000000000b1 not found in this tenant or closed',
  'an invoice for another tenant''s customer is refused');
SELECT is((SELECT (i.status, i.currency::text, i.notes) FROM ids, internal.create_invoice(ta, a1, 'by a job', NULL, NULL, NULL) i),
  ('draft'::text, 'ZAR'::text, 'by a job'::text), 'a job creates a draft in the tenant''s currency');
SELECT throws_ok($$SELECT internal.add_invoice_line(ta, (SELECT id FROM inv WHERE name = 'issued'), 'Extra', 100, 1,
                                                     'standard', NULL, NULL) FROM ids$$,
  'P0I02', NULL, 'a line on an issued invoice is refused');
SELECT is((SELECT l.position FROM ids, internal.add_invoice_line(ta, (SELECT id FROM inv WHERE name = 'draft'), 'Extra',
                                                                  500, 2, 'standard', NULL, NULL) l),
  2, 'a job adds a line to a draft, after the existing one');
SELECT throws_ok($$SELECT internal.remove_invoice_line(ta, gen_random_uuid()) FROM ids$$,
  'P0I09', NULL, 'removing an unknown invoice line is refused');
SELECT throws_ok($$SELECT internal.remove_invoice_line(ta, (SELECT l.id FROM kassa.invoice_lines l
                                                              WHERE l.tenant_id = 'bbbbbbbb-0000-4000-8000-00000000000b'
                                                              LIMIT 1)) FROM ids$$,
  'P0I09', NULL, 'another tenant''s line is not found either');
SELECT throws_ok($$SELECT internal.finalise_invoices(ta, ARRAY[(SELECT id FROM inv WHERE name = 'draft')], NULL) FROM ids$$,
  'P0I10', NULL, 'finalising needs an issue date');
SELECT throws_ok($$SELECT internal.void_invoice(ta, (SELECT id FROM inv WHERE name = 'issued'), ' ', '2026-06-30') FROM ids$$,
  'P0I11', 'a reason is required to void an invoice', 'voiding needs a reason');
SELECT throws_ok($$SELECT internal.void_invoice(ta, (SELECT id FROM inv WHERE name = 'paid'), 'Cancelled', '2026-06-30') FROM ids$$,
  'P0I08', NULL, 'an invoice with a payment on it is not voided');
SELECT throws_ok($$SELECT internal.void_invoice(ta, (SELECT id FROM inv WHERE name = 'issued'), 'Cancelled', NULL) FROM ids$$,
  'P0I10', NULL, 'voiding an issued invoice needs the credit note''s date');
SELECT throws_ok($$SELECT internal.void_invoice(ta, gen_random_uuid(), 'Cancelled', '2026-06-30') FROM ids$$,
  'P0I01', NULL, 'voiding an unknown invoice is refused');

-- Credit notes (P0N03, P0N06).
SELECT throws_ok($$SELECT internal.create_credit_note(ta, (SELECT id FROM inv WHERE name = 'discounted'), 'Goodwill',
                     'balance', jsonb_build_array(jsonb_build_object(
                       'invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'discounted')))[1], 'amount', 10000)),
                     '2026-06-30') FROM ids$$,
  'P0N03', 'credit note total 10000 exceeds what is still creditable on invoice INV-2026-00002 (5000)',
  'crediting the full charge of a discounted invoice is more than its total');
SELECT throws_ok($$SELECT internal.create_credit_note(ta, (SELECT id FROM inv WHERE name = 'discounted'), 'Goodwill',
                     'balance', jsonb_build_array(jsonb_build_object(
                       'invoice_line_id', (pg_temp.lines((SELECT id FROM inv WHERE name = 'discounted')))[2], 'amount', -5000)),
                     '2026-06-30') FROM ids$$,
  'P0N03', NULL, 'crediting only the discount (a note below zero) is refused');
SELECT throws_ok($$SELECT internal.create_credit_note(ta, (SELECT id FROM inv WHERE name = 'free'), 'Goodwill', 'balance',
                                                       NULL, '2026-06-30') FROM ids$$,
  'P0N06', 'invoice INV-2026-00004 has nothing left to credit', 'an invoice of nothing has nothing to credit');

-- Statements (P0G01, P0G02).
SELECT throws_ok($$SELECT * FROM internal.statement((SELECT ta FROM ids), (SELECT b1 FROM ids), NULL, '2026-06-30')$$,
  'P0G01', 'customer bbbbbbbb-0000-4000-8000-0000000000b1 not found', 'a statement of another tenant''s customer is refused');
SELECT throws_ok($$SELECT * FROM internal.statement((SELECT ta FROM ids), (SELECT a1 FROM ids), '2026-06-30', '2026-06-01')$$,
  'P0G02', 'the period 2026-06-30 to 2026-06-01 is empty', 'an empty period is refused');

-- Payment methods (P0M01-P0M03) and auto top-up.
SELECT throws_ok($$SELECT internal.add_payment_method(ta, a1, 'card', NULL, NULL, NULL, NULL, false) FROM ids$$,
  'P0M02', 'cards are saved through the payment gateway, not entered here', 'a card is never entered by hand');
SELECT throws_ok($$SELECT internal.add_payment_method(ta, a1, 'debit_order', 'FNB', 'cheque', '12', 'MD-54', false) FROM ids$$,
  'P0M02', NULL, 'a debit order with a short account number is refused');
SELECT throws_ok($$SELECT internal.add_payment_method(ta, a1, 'cheque', NULL, NULL, NULL, NULL, false) FROM ids$$,
  'P0M02', 'unknown payment method kind "cheque"', 'an unknown kind is refused');
SELECT throws_ok($$SELECT internal.add_payment_method(ta, b1, 'eft', NULL, NULL, NULL, NULL, false) FROM ids$$,
  'P0M01', NULL, 'a method for another tenant''s customer is refused');
SELECT set_config('app.settings.payment_method_key', '', true);
SELECT throws_ok($$SELECT internal.add_payment_method(ta, a1, 'debit_order', 'FNB', 'cheque', '6200 1234 5678', 'MD-54', false) FROM ids$$,
  'P0M03', 'the payment method key is not configured for this session',
  'without the key no account number is stored');
SELECT set_config('app.settings.payment_method_key', 'test-key-54', true);
CREATE TEMP TABLE method AS
  SELECT internal.add_payment_method(ta, a1, 'debit_order', 'FNB', 'cheque', '6200 1234 5678', 'MD-54', false) AS debit FROM ids;
SELECT is((SELECT (m.account_masked, m.is_primary) FROM kassa.payment_methods m WHERE m.id = (SELECT debit FROM method)),
  ('***5678'::text, true), 'with the key a job saves a debit order, masked, primary as the first method');
SELECT throws_ok($$SELECT internal.set_primary_payment_method(ta, (SELECT debit FROM method), a2) FROM ids$$,
  'P0M01', NULL, 'another customer''s method is not found');
SELECT throws_ok($$SELECT internal.remove_payment_method(ta, gen_random_uuid(), NULL) FROM ids$$,
  'P0M01', NULL, 'removing an unknown method is refused');
SELECT throws_ok($$SELECT internal.configure_auto_topup(ta, a1, true, 1000, 20000, (SELECT debit FROM method)) FROM ids$$,
  'P0M01', NULL, 'auto top-up needs a saved card, not a debit order');
CREATE TEMP TABLE card AS
  SELECT internal.add_card(ta, a1, 'visa', '4242', 12, 2030, 'cus_54', 'pm_54') AS id FROM ids;
SELECT throws_ok($$SELECT internal.configure_auto_topup(ta, a1, true, 1000, 2000000, (SELECT id FROM card)) FROM ids$$,
  'P0P02', 'auto top-up amount 2000000 is outside the top-up limits 1000 to 1000000', 'above the top-up limit');
SELECT throws_ok($$SELECT internal.configure_auto_topup(ta, a1, true, 1000, 500, (SELECT id FROM card)) FROM ids$$,
  'P0P01', NULL, 'below the top-up minimum');
SELECT lives_ok($$SELECT internal.configure_auto_topup(ta, a1, true, 1000, 20000, (SELECT id FROM card)) FROM ids$$,
  'a job sets up an auto top-up on a saved card');
SELECT lives_ok($$SELECT internal.remove_payment_method(ta, (SELECT id FROM card), a1) FROM ids$$,
  'a job removes the customer''s card');
SELECT is((SELECT (enabled, disabled_reason) FROM kassa.auto_topups WHERE customer_id = (SELECT a1 FROM ids)),
  (false, 'payment method removed'::text), 'and the auto top-up charging it is switched off with it');

-- Staff money operations (P0P09-P0P12).
SELECT throws_ok($$SELECT internal.record_manual_payment(ta, a1, 1000, 'card', 'at the counter', 'R-54', 'job') FROM ids$$,
  'P0P10', 'a manual payment is cash or eft, not "card"', 'a manual payment is cash or eft');
SELECT lives_ok($$SELECT internal.record_manual_payment(ta, a1, 1000, 'cash', 'at the counter', 'R-54', 'job') FROM ids$$,
  'a job records a cash payment');
SELECT throws_ok($$SELECT internal.record_manual_payment(ta, a1, 2000, 'cash', 'at the counter', 'R-54', 'job') FROM ids$$,
  'P0P12', 'reference R-54 is already recorded for another payment', 'a reference names one payment');
SELECT throws_ok($$SELECT internal.refund_manual_payment(ta, (SELECT card FROM pay), 1000, 'goodwill', 'job') FROM ids$$,
  'P0P11', format('payment %s was made through stripe; refund it through the gateway', (SELECT card FROM pay)),
  'a card payment is refunded through the gateway, not by hand');
SELECT throws_ok($$SELECT internal.fail_payment(ta, (SELECT card FROM pay), '  ') FROM ids$$,
  'P0P09', NULL, 'failing a payment needs a reason');
SELECT is((SELECT (p.status, p.failure_reason) FROM ids, internal.fail_payment(ta, (SELECT card FROM pay), ' declined ') p),
  ('failed'::text, 'declined'::text), 'with a reason it fails, the reason trimmed');

-- Services (P0S06) and tenants (P0T10), as a DBA (the owner).
RESET ROLE;
SELECT throws_ok($$SELECT internal.service_transition(ta, gen_random_uuid(), 'activate', 'go live', '2026-06-30', NULL) FROM ids$$,
  'P0S06', NULL, 'a transition of an unknown service is refused');
SELECT throws_ok($$SELECT internal.add_fee(ta, gen_random_uuid(), 'aaaaaaaa-0000-4000-8000-00000000f999', 1) FROM ids$$,
  'P0S06', NULL, 'a fee on an unknown service is refused');
SELECT throws_ok($$SELECT internal.set_tenant_status('tap-a', 'closed')$$,
  'P0T10', 'a tenant is active or suspended, not "closed"', 'a tenant is active or suspended');
SELECT is((SELECT status FROM kassa.tenants WHERE slug = 'tap-a'), 'active', 'the tenant is unchanged');

-- The refusals changed nothing: one invoice, one line, two methods (the card removed), one payment more.
SELECT is((SELECT ((SELECT count(*) FROM kassa.invoices) - invoices, (SELECT count(*) FROM kassa.invoice_lines) - lines,
                   (SELECT count(*) FROM kassa.credit_notes) - notes, (SELECT count(*) FROM kassa.payment_methods) - methods,
                   (SELECT count(*) FROM kassa.payments) - payments) FROM counts),
  (1::bigint, 1::bigint, 0::bigint, 2::bigint, 1::bigint), 'only the calls that succeeded wrote anything');
SELECT is((SELECT (status <> 'void', amount_credited) FROM kassa.invoices WHERE id = (SELECT id FROM inv WHERE name = 'issued')),
  (true, 0::bigint), 'the refused voids left the invoice issued and uncredited');

-- And it stays that way: an api function reads the token and delegates; it neither raises a
-- business error nor writes a table itself (a rule there would be one jobs skip).
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p
   WHERE p.pronamespace = 'api'::regnamespace
     AND p.prosrc ~* '(raise_error|\mraise\M|\minsert\s+into\M|\mupdate\s+kassa\.|\mdelete\s+from\M)'
$$, 'no api function holds a rule or a write of its own');
SELECT cmp_ok((SELECT count(*)::int FROM pg_proc WHERE pronamespace = 'api'::regnamespace), '>=', 20,
  'the check above saw the api functions');

SELECT * FROM finish();
ROLLBACK;
