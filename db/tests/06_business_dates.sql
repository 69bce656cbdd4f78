-- Every default business date is the tenant's local date of the one clock, never the database
-- session's day (UTC). At 22:30 UTC on 31 December it is already 1 January 2027 in
-- Johannesburg (tenant A) while a UTC tenant (U) is still on 31 December 2026.
BEGIN;
SELECT plan(22);
CREATE TEMP TABLE ids AS SELECT 'aaaaaaaa-0000-4000-8000-00000000000a'::uuid AS ta,
  'aaaaaaaa-0000-4000-8000-0000000000a1'::uuid AS a1, 'aaaaaaaa-0000-4000-8000-0000000000a2'::uuid AS a2,
  'aaaaaaaa-0000-4000-8000-0000000000a3'::uuid AS a3,
  'dddddddd-0000-4000-8000-00000000000d'::uuid AS tu, 'dddddddd-0000-4000-8000-0000000000d1'::uuid AS u1,
  'dddddddd-0000-4000-8000-0000000000d2'::uuid AS u2;
CREATE TEMP TABLE made (name text PRIMARY KEY, id uuid);
\ir helpers/clock.sql
-- As the tenant's staff (who stay acting): an invoice of one 100.00 line, kept in `made`
-- under the name, finalised without a date. Defined before two_tenants.sql grants it.
CREATE FUNCTION pg_temp.finalised_by_staff(p_tenant uuid, p_customer uuid, p_name text, p_line text)
RETURNS TABLE (issued_on date, due_on date, number text) LANGUAGE plpgsql AS $$
DECLARE
  made_id uuid;
BEGIN
  PERFORM pg_temp.act_as('staff', p_tenant);
  made_id := (api.create_invoice(p_customer)).id;
  INSERT INTO made VALUES (p_name, made_id);
  PERFORM api.add_invoice_line(made_id, p_line, 10000);
  RETURN QUERY SELECT f.issued_on, f.due_on, f.number FROM api.finalise_invoice(made_id) f;
END $$;
\ir helpers/invoices.sql
\ir helpers/two_tenants.sql
\ir helpers/catalog.sql

INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency, prices_include_vat, timezone, status)
VALUES ('dddddddd-0000-4000-8000-00000000000d', 'tap-u', 'Tenant U', 'Tenant U Ltd', 'GB', 'GBP', false, 'UTC', 'active');
INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES ('dddddddd-0000-4000-8000-00000000000d', 'standard', 20);
INSERT INTO kassa.customers (tenant_id, id, name, email) SELECT tu, u1, 'Uma U1', 'u1@example.com' FROM ids;
-- Due the day of issue: "overdue" is then simply "issued before today".
UPDATE kassa.tenants SET payment_terms_days = 0 WHERE id IN (SELECT ta FROM ids UNION SELECT tu FROM ids);
SELECT pg_temp.travel_to('2026-12-31 22:30+00');
INSERT INTO kassa.products (tenant_id, id, code, name, kind)
VALUES ('dddddddd-0000-4000-8000-00000000000d', 'dddddddd-0000-4000-8000-00000000e001', 'uplan', 'U Plan', 'plan'),
       ('dddddddd-0000-4000-8000-00000000000d', 'dddddddd-0000-4000-8000-00000000e002', 'ufee', 'U Fee', 'fee');
INSERT INTO kassa.price_versions (tenant_id, product_id, price, interval, valid_from)
VALUES ('dddddddd-0000-4000-8000-00000000000d', 'dddddddd-0000-4000-8000-00000000e001', 1000, 'monthly', '2026-12-01'),
       ('dddddddd-0000-4000-8000-00000000000d', 'dddddddd-0000-4000-8000-00000000e001', 2000, 'monthly', '2027-01-01'),
       ('aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa-0000-4000-8000-00000000e050', 6000, 'monthly', '2027-01-01');


-- Invoices finalised without a date: the tenant's today, numbered in the tenant's year.
SELECT is((SELECT (issued_on, due_on, number) FROM pg_temp.finalised_by_staff(ta, a1, 'a', 'Fibre')),
          ('2027-01-01'::date, '2027-01-01'::date, 'INV-2027-00001'::text),
          'Johannesburg at 00:30 on 1 January: the invoice is dated and numbered in 2027') FROM ids;
SELECT is((SELECT (issued_on, due_on, number) FROM pg_temp.finalised_by_staff(tu, u1, 'u', 'Service')),
          ('2026-12-31'::date, '2026-12-31'::date, 'INV-2026-00001'::text),
          'UTC at 22:30 on 31 December: the invoice is dated and numbered in 2026') FROM ids;

-- Account numbers: {YYYY} is the tenant's local year.
SELECT pg_temp.act_as_owner();
INSERT INTO kassa.customers (tenant_id, id, name, email)
SELECT ta, a3, 'Anele A3', 'a3@example.com' FROM ids UNION ALL SELECT tu, u2, 'Ulla U2', 'u2@example.com' FROM ids;
SELECT is((SELECT account_number FROM kassa.customers, ids WHERE id = a3), 'CT-2027-00003',
          'a Johannesburg customer opened then gets a 2027 account number');
SELECT is((SELECT account_number FROM kassa.customers, ids WHERE id = u2), 'CT-2026-00002',
          'a UTC customer opened then gets a 2026 account number');

-- Credit notes and void: dated the tenant's today, never before the invoice.
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT is((SELECT (issued_on, number) FROM api.create_credit_note((SELECT id FROM made WHERE name = 'a'), 'goodwill', 'balance',
             jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM made WHERE name = 'a')))[1],
                                                  'amount', 1000)))),
          ('2027-01-01'::date, 'CN-2027-00001'::text),
          'a Johannesburg credit note is dated 1 January 2027, not before its invoice');
INSERT INTO made SELECT 'a-void', (api.create_invoice(a1)).id FROM ids;
SELECT api.add_invoice_line((SELECT id FROM made WHERE name = 'a-void'), 'Fibre', 5000);
SELECT api.finalise_invoice((SELECT id FROM made WHERE name = 'a-void'));
SELECT is((SELECT status FROM api.void_invoice((SELECT id FROM made WHERE name = 'a-void'), 'sold in error')), 'void',
          'a finalised invoice is voided');
SELECT is((SELECT (issued_on, number) FROM api.credit_notes WHERE invoice_id = (SELECT id FROM made WHERE name = 'a-void')),
          ('2027-01-01'::date, 'CN-2027-00002'::text), 'the credit note of a void is dated the tenant''s today');
SELECT pg_temp.act_as('staff', tu) FROM ids;
SELECT is((SELECT (issued_on, number) FROM api.create_credit_note((SELECT id FROM made WHERE name = 'u'), 'goodwill', 'balance',
             jsonb_build_array(jsonb_build_object('invoice_line_id', (pg_temp.lines((SELECT id FROM made WHERE name = 'u')))[1],
                                                  'amount', 1000)))),
          ('2026-12-31'::date, 'CN-2026-00001'::text), 'a UTC credit note is dated 31 December 2026');

-- Statements end today by default: the tenant's today.
SELECT is((SELECT posted_on FROM ids, api.statement(u1) WHERE kind = 'closing_balance'), '2026-12-31'::date,
          'a UTC statement runs to 31 December by default');
SELECT pg_temp.act_as('staff', ta) FROM ids;
SELECT is((SELECT posted_on FROM ids, api.statement(a1) WHERE kind = 'closing_balance'), '2027-01-01'::date,
          'a Johannesburg statement runs to 1 January by default');
SELECT is((SELECT balance FROM ids, api.statement(a1) WHERE kind = 'closing_balance'),
          (SELECT balance FROM api.customers, ids WHERE id = a1), 'and it includes everything posted so far');

-- Price versions are valid from the tenant's today by default; the plans view prices at it.
INSERT INTO api.price_versions (product_id, price, interval) VALUES ('aaaaaaaa-0000-4000-8000-00000000e100', 11000, 'monthly');
SELECT is((SELECT valid_from FROM api.price_versions WHERE product_id = 'aaaaaaaa-0000-4000-8000-00000000e100' AND version = 2),
          '2027-01-01'::date, 'a Johannesburg price added without valid_from is valid from 1 January');
SELECT is((SELECT (current_version, price) FROM api.plans WHERE code = 'fibre50'), (2, 6000::bigint),
          'in Johannesburg the price valid from 1 January is current');
SELECT pg_temp.act_as('staff', tu) FROM ids;
INSERT INTO api.price_versions (product_id, price) VALUES ('dddddddd-0000-4000-8000-00000000e002', 500);
SELECT is((SELECT valid_from FROM api.price_versions WHERE product_id = 'dddddddd-0000-4000-8000-00000000e002'),
          '2026-12-31'::date, 'a UTC price added without valid_from is valid from 31 December');
SELECT is((SELECT (current_version, price) FROM api.plans WHERE code = 'uplan'), (1, 1000::bigint),
          'for a UTC tenant the price valid from 1 January is not current yet');
SELECT pg_temp.act_as_owner();

-- Overdue: before the tenant's today, one tenant at a time.
INSERT INTO made SELECT 'a-late', pg_temp.issued(ta, a2, ARRAY[5000::bigint], '2026-12-31') FROM ids
       UNION ALL SELECT 'u-late', pg_temp.issued(tu, u1, ARRAY[5000::bigint], '2026-12-31') FROM ids;
SELECT is(internal.mark_overdue(tu), 0, 'a UTC invoice due on 31 December is not overdue on 31 December') FROM ids;
SELECT is(internal.mark_overdue(ta), 1, 'a Johannesburg invoice due on 31 December is overdue on 1 January') FROM ids;
SELECT is((SELECT status FROM kassa.invoices JOIN made USING (id) WHERE name = 'a-late'), 'overdue',
          'it is the invoice due on 31 December');
SELECT is((SELECT count(*)::int FROM kassa.invoices, ids WHERE tenant_id = tu AND status = 'overdue'), 0,
          'sweeping one tenant leaves the invoices of others alone');
SELECT throws_ok($$SELECT internal.mark_overdue('00000000-0000-4000-8000-000000000000')$$, 'P0T02',
                 'unknown tenant 00000000-0000-4000-8000-000000000000', 'an unknown tenant is refused');

-- Allocation: money taken back from a settled invoice makes it overdue if due before today.
UPDATE kassa.billing_accounts SET credit_limit = 100000 WHERE customer_id IN (SELECT a3 FROM ids UNION SELECT u2 FROM ids);
INSERT INTO made SELECT 'a-paid', pg_temp.issued(ta, a3, ARRAY[10000::bigint], '2026-12-31') FROM ids
       UNION ALL SELECT 'u-paid', pg_temp.issued(tu, u2, ARRAY[10000::bigint], '2026-12-31') FROM ids;
SELECT pg_temp.post(ta, a3, 'payment', 10000, 'pay-a3'), pg_temp.post(tu, u2, 'payment', 12000, 'pay-u2') FROM ids;
SELECT count(*) FROM ids, internal.allocate_credit(ta, ARRAY[a3]) UNION ALL SELECT count(*) FROM ids, internal.allocate_credit(tu, ARRAY[u2]);
SELECT pg_temp.post(ta, a3, 'refund', -4000, 'refund-a3'), pg_temp.post(tu, u2, 'refund', -4000, 'refund-u2') FROM ids;
SELECT count(*) FROM ids, internal.allocate_credit(ta, ARRAY[a3]) UNION ALL SELECT count(*) FROM ids, internal.allocate_credit(tu, ARRAY[u2]);
SELECT is(ARRAY(SELECT (name, status, amount_paid)::text FROM kassa.invoices JOIN made USING (id) WHERE name IN ('a-paid', 'u-paid') ORDER BY name),
          ARRAY['(a-paid,overdue,6000)', '(u-paid,partially_paid,8000)'],
          'a refund re-opens a Johannesburg invoice due yesterday as overdue, a UTC one due today as partially paid');

-- Service changes take effect on the tenant's today by default.
SELECT is((pg_temp.act(pg_temp.new_service(1), 'activate', NULL)).activated_on, '2027-01-01'::date,
          'a Johannesburg service activated without a date is active from 1 January');

SELECT * FROM finish();
ROLLBACK;
